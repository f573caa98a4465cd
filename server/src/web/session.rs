//! Signing in to the web pages: the login form (one field, `token`), the in-memory session
//! store, the `Signed` extractor every page uses, and signing out.
//!
//! A session is a random 32-byte id in the cookie `wsoa_session` (`HttpOnly`, `SameSite=Strict`,
//! `Path=/`); the server keeps, under the id's hash, the token's id, name and role, a random CSRF
//! token and when it was last used. A session unused for eight hours ends. Every request checks
//! the token again, so revoking a token (`wsoa token revoke`, `DELETE /api/v1/tokens/...`) signs
//! its sessions out at once. Sessions live in memory: a restart signs everyone out, which is
//! the safe way round.
//!
//! `Secure` is added to cookies when the request came over TLS: the server speaks plain HTTP
//! itself, so that means a TLS proxy in front saying `X-Forwarded-Proto: https`, or the operator
//! saying so (`WebState::set_secure_cookies`). Trusting the header is safe in this direction: a
//! client that sends it falsely only gets a cookie its browser will not send back over HTTP.
//!
//! The login form is protected against cross-site posting too (a "login CSRF" would sign a
//! victim in as the attacker): GET `/login` sets a random value in the short-lived cookie
//! `wsoa_login` and in the form's hidden `csrf` field, and the POST must carry both, equal.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use wsoa_core::{Actor, Role};
use wsoa_store::TokenRecord;

use crate::auth::Permission;
use crate::error::ApiError;
use crate::state::AppState;
use crate::web::input::{Errors, Fields, constant_time_eq};
use crate::web::widgets::{Control, Field, error_summary, field};
use crate::web::{WebError, html_response, layout};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "wsoa_session";
/// The login form's CSRF cookie's name.
pub const LOGIN_COOKIE: &str = "wsoa_login";
/// How long a session may go unused before it ends.
pub const IDLE: Duration = Duration::from_secs(8 * 60 * 60);
/// The most sessions kept at once; beyond it the least recently used end first. Only holders
/// of a valid token can make one, so this bounds memory, not abuse by strangers.
pub const MAX_SESSIONS: usize = 10_000;
/// How long the login form's CSRF cookie lasts, in seconds.
pub const LOGIN_FORM_SECONDS: u64 = 60 * 60;

/// The signed-in sessions, by the BLAKE3 hash of their cookie value (so the store never holds a
/// usable cookie).
#[derive(Default)]
pub struct Sessions {
    inner: Mutex<HashMap<[u8; 32], Session>>,
}

#[derive(Clone, Debug)]
struct Session {
    token_id: String,
    name: String,
    role: Role,
    csrf: String,
    last_seen: Instant,
    flash: Option<String>,
}

/// What a request learns of its session.
#[derive(Clone, Debug)]
pub struct SessionView {
    /// The token's id.
    pub token_id: String,
    /// The token holder's name.
    pub name: String,
    /// Their role.
    pub role: Role,
    /// The session's CSRF token.
    pub csrf: String,
    /// A message left by the last form for the next page ("Status changed").
    pub flash: Option<String>,
}

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], Session>> {
        // A panic while holding the lock leaves a map that is still consistent (every change
        // is one insert or remove), so a poisoned lock is used as it is.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Starts a session for a token; returns the cookie value.
    pub fn create(&self, token: &TokenRecord, now: Instant) -> Result<String, WebError> {
        let id = random_hex()?;
        let session = Session {
            token_id: token.id.clone(),
            name: token.name.clone(),
            role: token.role,
            csrf: random_hex()?,
            last_seen: now,
            flash: None,
        };
        let mut sessions = self.lock();
        sessions.retain(|_, session| now.saturating_duration_since(session.last_seen) <= IDLE);
        while sessions.len() >= MAX_SESSIONS {
            let oldest = sessions
                .iter()
                .min_by_key(|(_, session)| session.last_seen)
                .map(|(key, _)| *key);
            match oldest {
                Some(key) => sessions.remove(&key),
                None => break,
            };
        }
        sessions.insert(key(&id), session);
        Ok(id)
    }

    /// The session of a cookie value, if it exists and has not been idle too long; marks it
    /// used now and hands over its flash message.
    pub fn touch(&self, cookie: &str, now: Instant) -> Option<SessionView> {
        let mut sessions = self.lock();
        let key = key(cookie);
        let session = sessions.get_mut(&key)?;
        if now.saturating_duration_since(session.last_seen) > IDLE {
            sessions.remove(&key);
            return None;
        }
        session.last_seen = now;
        Some(SessionView {
            token_id: session.token_id.clone(),
            name: session.name.clone(),
            role: session.role,
            csrf: session.csrf.clone(),
            flash: session.flash.take(),
        })
    }

    /// Leaves a message for the session's next page.
    pub fn set_flash(&self, cookie: &str, message: String) {
        if let Some(session) = self.lock().get_mut(&key(cookie)) {
            session.flash = Some(message);
        }
    }

    /// Ends a session.
    pub fn remove(&self, cookie: &str) {
        self.lock().remove(&key(cookie));
    }

    /// How many sessions are kept.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no session is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn key(cookie: &str) -> [u8; 32] {
    *blake3::hash(cookie.as_bytes()).as_bytes()
}

/// 32 random bytes from the operating system, as 64 hex digits.
pub fn random_hex() -> Result<String, WebError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|err| {
        WebError::Api(ApiError::internal(format!(
            "the operating system gave no randomness: {err}"
        )))
    })?;
    Ok(hex::encode(bytes))
}

/// The signed-in person making a request. Extracting it redirects to `/login` when there is no
/// live session, or when its token has been revoked.
#[derive(Clone, Debug)]
pub struct Signed {
    /// The token holder's name: the actor of everything they record.
    pub name: String,
    /// Their role.
    pub role: Role,
    /// The session's CSRF token, for the forms of the page.
    pub csrf: String,
    /// The message the last form left, shown once.
    pub flash: Option<String>,
    cookie: String,
}

impl Signed {
    /// Whether their role has `permission`.
    pub fn can(&self, permission: Permission) -> bool {
        permission.allows(self.role)
    }

    /// The actor events they record carry: the token's name and role, never anything a form
    /// says.
    pub fn actor(&self) -> Actor {
        Actor {
            name: self.name.clone(),
            role: self.role,
        }
    }

    /// Refuses (403) unless they may record.
    pub fn require_record(&self) -> Result<(), WebError> {
        if self.can(Permission::Record) {
            Ok(())
        } else {
            Err(WebError::may_not_record(self))
        }
    }

    /// Refuses (403) unless the form carried this session's CSRF token.
    pub fn check_csrf(&self, given: Option<&str>) -> Result<(), WebError> {
        match given {
            Some(given) if constant_time_eq(given, &self.csrf) => Ok(()),
            _ => Err(WebError::Csrf),
        }
    }

    /// Leaves a message for their next page.
    pub fn flash(&self, state: &AppState, message: String) {
        state.web().sessions().set_flash(&self.cookie, message);
    }
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Signed, WebError> {
        let cookie = cookie(&parts.headers, SESSION_COOKIE).ok_or(WebError::SignedOut)?;
        let session = state
            .web()
            .sessions()
            .touch(&cookie, Instant::now())
            .ok_or(WebError::SignedOut)?;
        let token_id = session.token_id.clone();
        let active = state
            .read(move |reader| {
                Ok(reader
                    .tokens()?
                    .iter()
                    .any(|token| token.id == token_id && token.is_active()))
            })
            .await?;
        if !active {
            state.web().sessions().remove(&cookie);
            return Err(WebError::SignedOut);
        }
        Ok(Signed {
            name: session.name,
            role: session.role,
            csrf: session.csrf,
            flash: session.flash,
            cookie,
        })
    }
}

/// The value of a cookie in the request, if sent.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// Whether the request reached us over TLS (through a proxy that says so), or the operator
/// asked for `Secure` cookies always.
pub fn over_tls(headers: &HeaderMap, state: &AppState) -> bool {
    state.web().secure_cookies()
        || headers
            .get("x-forwarded-proto")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(',').next())
            .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value: `HttpOnly; SameSite=Strict` always, `Secure` over TLS, and `Max-Age`
/// when given (0 deletes the cookie; none makes it last until the browser closes).
pub fn set_cookie(
    name: &str,
    value: &str,
    path: &str,
    max_age: Option<u64>,
    secure: bool,
) -> HeaderValue {
    let mut text = format!("{name}={value}; Path={path}; HttpOnly; SameSite=Strict");
    if let Some(seconds) = max_age {
        text.push_str(&format!("; Max-Age={seconds}"));
    }
    if secure {
        text.push_str("; Secure");
    }
    // Names, values and paths are ours (hex digits and fixed words), so this cannot fail.
    HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static(""))
}

/// Refuses (403) a state-changing request (any method but `GET`, `HEAD` and `OPTIONS`) that the
/// browser says came from another site, before anything else looks at it; the CSRF token is
/// checked after this by each form's handler.
///
/// A browser says where a request came from in `Sec-Fetch-Site` (every current browser sends
/// it, and a page cannot forge it): `same-origin` and `none` (typed or bookmarked by the user)
/// pass, `same-site` and `cross-site` do not. Without it, `Origin` decides: its host and port
/// must be this server's (`Host`, or `X-Forwarded-Host` from a proxy; a cross-site form cannot
/// set either), whatever the scheme, since a TLS proxy in front may not say it is one. A request
/// with neither header does not come from a current browser (curl, a script): it passes here,
/// because a cross-site attack needs a victim's browser, which would have sent one of them, and
/// the form's handler still refuses it without this session's CSRF token.
pub async fn same_origin(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let method = request.method();
    if method == axum::http::Method::GET
        || method == axum::http::Method::HEAD
        || method == axum::http::Method::OPTIONS
    {
        return next.run(request).await;
    }
    match cross_site(request.headers()) {
        None => next.run(request).await,
        Some(why) => WebError::Forbidden(format!(
            "This form was sent from a page of another site ({why}), so it was not accepted. To record a change, use the forms of this service itself."
        ))
        .into_response(),
    }
}

/// Why the request came from another site, if a browser says it did (see [`same_origin`]).
fn cross_site(headers: &HeaderMap) -> Option<String> {
    let text = |name: &str| {
        headers
            .get(name)
            .map(|value| value.to_str().unwrap_or("(not text)").trim().to_owned())
    };
    if let Some(site) = text("sec-fetch-site") {
        return match site.to_ascii_lowercase().as_str() {
            "same-origin" | "none" => None,
            _ => Some(format!("Sec-Fetch-Site: {site}")),
        };
    }
    let origin = text("origin")?;
    let authority = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .map(|rest| rest.trim_end_matches('/'));
    let ours = |name: &str| {
        text(name).is_some_and(|host| {
            let host = host.split(',').next().unwrap_or_default().trim();
            authority
                .is_some_and(|authority| !host.is_empty() && authority.eq_ignore_ascii_case(host))
        })
    };
    if ours("host") || ours("x-forwarded-host") {
        None
    } else {
        Some(format!("Origin: {origin}"))
    }
}

/// `GET /login`: the form, with a fresh login CSRF cookie; straight to the plan if signed in.
pub async fn login_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(cookie) = cookie(&headers, SESSION_COOKIE)
        && state
            .web()
            .sessions()
            .touch(&cookie, Instant::now())
            .is_some()
    {
        return Redirect::to("/").into_response();
    }
    login_form(&state, &headers, StatusCode::OK, &Errors::default())
}

fn login_form(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    errors: &Errors,
) -> Response {
    let csrf = match random_hex() {
        Ok(csrf) => csrf,
        Err(err) => return err.into_response(),
    };
    let content = html! {
        (error_summary(errors))
        h1.govuk-heading-l { "Sign in" }
        p.govuk-body { "Sign in with the access token an administrator gave you. It starts with " code { "wsoa_" } "." }
        form #login-form method="post" action="/login" novalidate {
            input type="hidden" name="csrf" value=(csrf);
            (field(&Field {
                id: "token",
                name: "token",
                label: "Access token",
                hint: Some("An administrator makes one with `wsoa token create`. Paste it here."),
                error: errors.get("token"),
                value: "",
                control: Control::Password,
            }))
            button.govuk-button type="submit" data-module="govuk-button" data-testid="sign-in" { "Sign in" }
        }
    };
    let title = if errors.is_empty() {
        "Sign in".to_owned()
    } else {
        "Error: Sign in".to_owned()
    };
    let mut response = html_response(status, layout::bare(&title, content));
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            LOGIN_COOKIE,
            &csrf,
            "/login",
            Some(LOGIN_FORM_SECONDS),
            over_tls(headers, state),
        ),
    );
    response
}

/// `POST /login`: checks the form's CSRF value and the token; starts a session and goes to the
/// plan, or shows the form again with the problem.
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let fields = match form {
        Ok(Form(pairs)) => Fields::new(pairs),
        Err(err) => return WebError::BadRequest(err.body_text()).into_response(),
    };
    let again = |status, field: &str, message: &str| {
        let mut errors = Errors::default();
        errors.add(field, message);
        login_form(&state, &headers, status, &errors)
    };
    let expected = cookie(&headers, LOGIN_COOKIE);
    let fresh = match (expected.as_deref(), fields.get("csrf")) {
        (Some(expected), given) => constant_time_eq(expected, given),
        (None, _) => false,
    };
    if !fresh {
        return again(
            StatusCode::FORBIDDEN,
            "token",
            "The sign-in form had expired, or did not come from this site. Enter your token again.",
        );
    }
    let secret = fields.get("token").trim().to_owned();
    if secret.is_empty() {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "token",
            "Enter your access token",
        );
    }
    let token = match state
        .read(move |reader| Ok(reader.authenticate(&secret)?))
        .await
    {
        Ok(Some(token)) => token,
        Ok(None) => {
            return again(
                StatusCode::UNPROCESSABLE_ENTITY,
                "token",
                "The token is not valid: check you copied all of it, or ask an administrator for a new one (it may have been revoked)",
            );
        }
        Err(err) => return WebError::Api(err).into_response(),
    };
    let session = match state.web().sessions().create(&token, Instant::now()) {
        Ok(session) => session,
        Err(err) => return err.into_response(),
    };
    let secure = over_tls(&headers, &state);
    let mut response = Redirect::to("/").into_response();
    let cookies = response.headers_mut();
    cookies.append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, &session, "/", None, secure),
    );
    cookies.append(
        header::SET_COOKIE,
        set_cookie(LOGIN_COOKIE, "", "/login", Some(0), secure),
    );
    response
}

/// `POST /logout`: ends the session and clears its cookie.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: Signed,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let fields = match form {
        Ok(Form(pairs)) => Fields::new(pairs),
        Err(err) => return Err(WebError::BadRequest(err.body_text())),
    };
    user.check_csrf(Some(fields.get("csrf")))?;
    state.web().sessions().remove(&user.cookie);
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", "/", Some(0), over_tls(&headers, &state)),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(role: Role) -> TokenRecord {
        TokenRecord {
            id: "0123456789ab".to_owned(),
            name: "A. Patel".to_owned(),
            role,
            created_at: 0,
            revoked_at: None,
        }
    }

    #[test]
    fn a_session_lives_while_used_and_ends_after_eight_idle_hours() {
        let sessions = Sessions::default();
        let start = Instant::now();
        let cookie = sessions
            .create(&token(Role::Officer), start)
            .expect("created");
        assert_eq!(cookie.len(), 64, "32 random bytes as hex");
        let seen = sessions
            .touch(&cookie, start + IDLE - Duration::from_secs(1))
            .expect("alive within the idle limit");
        assert_eq!(seen.name, "A. Patel");
        assert_eq!(seen.role, Role::Officer);
        // Using it moved its clock on, so eight hours from the first use it is still alive.
        assert!(sessions.touch(&cookie, start + IDLE + IDLE / 2).is_some());
        let later = start + IDLE * 3;
        assert!(sessions.touch(&cookie, later).is_none(), "idle too long");
        assert!(sessions.is_empty(), "an expired session is forgotten");
    }

    #[test]
    fn sessions_are_distinct_and_a_flash_is_shown_once() {
        let sessions = Sessions::default();
        let now = Instant::now();
        let a = sessions.create(&token(Role::Viewer), now).expect("a");
        let b = sessions.create(&token(Role::Viewer), now).expect("b");
        assert_ne!(a, b);
        let (view_a, view_b) = (
            sessions.touch(&a, now).expect("a"),
            sessions.touch(&b, now).expect("b"),
        );
        assert_ne!(
            view_a.csrf, view_b.csrf,
            "each session has its own CSRF token"
        );
        sessions.set_flash(&a, "Done".to_owned());
        assert_eq!(
            sessions.touch(&a, now).and_then(|s| s.flash).as_deref(),
            Some("Done")
        );
        assert!(sessions.touch(&a, now).and_then(|s| s.flash).is_none());
        sessions.remove(&a);
        assert!(sessions.touch(&a, now).is_none());
        assert!(sessions.touch(&b, now).is_some());
        assert!(sessions.touch("not a session", now).is_none());
    }

    #[test]
    fn cookies_are_parsed_from_every_cookie_header() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("a=1; wsoa_x=2"));
        headers.append(header::COOKIE, HeaderValue::from_static("wsoa_session=abc"));
        assert_eq!(cookie(&headers, "wsoa_session").as_deref(), Some("abc"));
        assert_eq!(cookie(&headers, "wsoa_x").as_deref(), Some("2"));
        assert_eq!(cookie(&headers, "wsoa"), None);
    }

    #[test]
    fn cookie_attributes() {
        let plain = set_cookie(SESSION_COOKIE, "abc", "/", None, false);
        assert_eq!(
            plain.to_str().expect("ascii"),
            "wsoa_session=abc; Path=/; HttpOnly; SameSite=Strict"
        );
        let secure = set_cookie(SESSION_COOKIE, "", "/", Some(0), true);
        assert_eq!(
            secure.to_str().expect("ascii"),
            "wsoa_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure"
        );
    }
}
