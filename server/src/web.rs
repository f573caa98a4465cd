//! The web pages: server-rendered HTML for the people who are not command-line users (QA
//! officers, workstream leads, board members). Signed in with an access token, then a session
//! cookie; every page is a `maud` template, so every interpolated value is escaped, with GOV.UK
//! Frontend's component markup and styles; no JavaScript is needed (GOV.UK Frontend's script,
//! started by `/assets/app.js`, only enhances: focus on an error summary, the menu on a phone).
//!
//! Architecture invariant: pages are thin. Reads go through `AppState::read` and the same
//! `wsoa-store` queries as the API; every write is a core `Command` sent through the writer
//! (`Job::Submit`, `Job::Attach`) with the session's actor, so every rule lives in `decide` and a
//! rejection is shown next to the field it concerns. Forms post
//! `application/x-www-form-urlencoded` (uploads: `multipart/form-data`), carry a CSRF token, and
//! on success redirect (303) to a page that shows what was recorded.
//!
//! | path | what |
//! |---|---|
//! | `/` | the plan dashboard, at any past date (`?as_of=`) |
//! | `/login`, `/logout` | signing in with a token, signing out |
//! | `/actions/{id}` | one action: its history, evidence and (officers) its forms |
//! | `/actions/new`, `/visits/new`, `/reviews/new`, `/measures/values/new` | recording forms (officers) |
//! | `/inspections/new`, `/findings/new`, `/coproduction/new` | inspections, their findings, and what families said (officers) |
//! | `/plans/new`, `/plans/step`, `/plans/review`, `/workstreams/new` | the plans after the WSoA: started, submitted, accepted or revised, reviewed by DfE and NHS England, and their workstreams (officers) |
//! | `/measures/amend` | a measure's definition, period and trajectory (officers) |
//! | `/packs/new` | an evidence pack made, downloaded and recorded as sent (officers) |
//! | `/evidence/new` | evidence for any weakness or finding, workstream, action or measure (officers) |
//! | `/events/{seq}/correct` | recording that an earlier entry was wrong (officers) |
//! | `/timeline`, `/diff`, `/evidence`, `/narrative`, `/verify` | the reading pages |
//! | `/verify/bundle`, `/verify/checkpoint` | the whole ledger as a bundle (auditors), the latest signed checkpoint |
//! | `/accessibility`, `/privacy` | the accessibility statement and the privacy notice, open to everyone |
//! | `/assets/app.css`, `/assets/app.js` | the service's own styles, and the script that starts GOV.UK Frontend |
//! | `/assets/govuk/...` | GOV.UK Frontend, vendored: its stylesheet (built with Arial), script and images |

pub mod about;
pub mod action;
pub mod assets;
pub mod chart;
pub mod correct;
pub mod dashboard;
pub mod diff;
pub mod evidence;
pub mod findings;
pub mod forms;
pub mod input;
pub mod layout;
pub mod measures;
pub mod narrative;
pub mod packs;
pub mod papers;
pub mod plans;
pub mod session;
pub mod timeline;
pub mod verify;
pub mod widgets;

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};

use crate::error::ApiError;
use crate::state::AppState;

pub use session::{Sessions, Signed};
pub use verify::VerificationRun;

/// What the web pages keep between requests: the sessions, the last full verification, and
/// whether cookies are always marked `Secure`.
#[derive(Default)]
pub struct WebState {
    sessions: Sessions,
    last_verification: Mutex<Option<VerificationRun>>,
    secure_cookies: AtomicBool,
}

impl WebState {
    /// The signed-in sessions.
    pub fn sessions(&self) -> &Sessions {
        &self.sessions
    }

    /// Marks every cookie `Secure`, for a server reached over TLS through a proxy that does not
    /// send `X-Forwarded-Proto: https`.
    pub fn set_secure_cookies(&self, secure: bool) {
        self.secure_cookies.store(secure, Ordering::SeqCst);
    }

    /// Whether every cookie is marked `Secure` whatever the request says.
    pub fn secure_cookies(&self) -> bool {
        self.secure_cookies.load(Ordering::SeqCst)
    }

    /// The last full verification run on this server, if any.
    pub fn last_verification(&self) -> Option<VerificationRun> {
        self.last_verification
            .lock()
            .map(|run| run.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    /// Remembers a verification run, for everyone's `/verify` page.
    pub fn remember_verification(&self, run: VerificationRun) {
        let mut slot = self
            .last_verification
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *slot = Some(run);
    }
}

/// The pages, their forms and their assets.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard::page))
        .route("/login", get(session::login_page).post(session::login))
        .route("/logout", post(session::logout))
        .route(
            "/actions/new",
            get(forms::new_action_page).post(forms::new_action),
        )
        .route("/actions/{id}", get(action::page))
        .route("/actions/{id}/status", post(action::change_status))
        .route("/actions/{id}/amend", post(action::amend))
        .route("/actions/{id}/notes", post(action::add_note))
        .route("/actions/{id}/milestones", post(action::add_milestone))
        .route(
            "/actions/{id}/milestones/outcome",
            post(action::milestone_outcome),
        )
        .route(
            "/actions/{id}/evidence",
            // The upload limit is enforced while the file streams in (`action::attach`), from
            // the server's limits; the default body limit would refuse any upload over 1 MiB.
            post(action::attach).layer(DefaultBodyLimit::disable()),
        )
        .route("/visits/new", get(forms::visit_page).post(forms::visit))
        .route("/reviews/new", get(forms::review_page).post(forms::review))
        .route(
            "/inspections/new",
            get(findings::inspection_page).post(findings::inspection),
        )
        .route(
            "/findings/new",
            get(findings::finding_page).post(findings::finding),
        )
        .route(
            "/coproduction/new",
            get(findings::coproduction_page).post(findings::coproduction),
        )
        .route("/plans/new", get(plans::start_page).post(plans::start))
        .route("/plans/step", get(plans::step_page).post(plans::step))
        .route("/plans/review", get(plans::review_page).post(plans::review))
        .route(
            "/workstreams/new",
            get(plans::workstream_page).post(plans::workstream),
        )
        .route(
            "/measures/amend",
            get(measures::amend_page).post(measures::amend),
        )
        .route("/packs/new", get(packs::new_page).post(packs::make))
        .route(
            "/measures/values/new",
            get(forms::measure_value_page).post(forms::measure_value),
        )
        .route(
            "/events/{seq}/correct",
            get(correct::page).post(correct::correct),
        )
        .route("/timeline", get(timeline::page))
        .route("/diff", get(diff::page))
        .route("/diff.txt", get(diff::download_text))
        .route("/evidence", get(evidence::page))
        .route(
            "/evidence/new",
            get(evidence::new_page)
                // As an action's upload: the limit is enforced while the file streams in.
                .post(action::attach_chosen)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/evidence/{id}/download", get(evidence::download))
        .route("/narrative", get(narrative::page))
        .route("/narrative.html", get(narrative::download_html))
        .route("/narrative.md", get(narrative::download_markdown))
        .route("/narrative.docx", get(narrative::download_word))
        .route("/narrative.pdf", get(narrative::download_pdf))
        .route("/tracker.xlsx", get(papers::workbook))
        .route("/tracker.csv", get(papers::csv))
        .route("/verify", get(verify::page).post(verify::run))
        .route("/verify/bundle", get(verify::bundle))
        .route("/verify/checkpoint", get(verify::checkpoint))
        .route("/accessibility", get(about::accessibility))
        .route("/privacy", get(about::privacy))
        .route("/assets/app.css", get(assets::css))
        .route("/assets/app.js", get(assets::js))
        .route("/assets/govuk/{*path}", get(assets::govuk))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
        .layer(axum::middleware::from_fn(session::same_origin))
        .layer(axum::middleware::map_response(security_headers))
}

/// Headers every page carries: no framing, no sniffing, scripts and styles from this server
/// only (and GOV.UK Frontend's one inline script, by its hash), and no caching of pages that show the ledger to one signed-in person.
async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name: &'static str, value: &'static str| {
        if !headers.contains_key(name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY)
        && let Ok(policy) = HeaderValue::from_str(&assets::CONTENT_SECURITY_POLICY)
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    set(headers, "x-content-type-options", "nosniff");
    set(headers, "x-frame-options", "DENY");
    set(headers, "referrer-policy", "same-origin");
    set(headers, "cache-control", "no-store");
    response
}

/// Why a page could not be shown, as the page that says so.
#[derive(Debug)]
pub enum WebError {
    /// No session, an expired one, or one whose token was revoked: go and sign in.
    SignedOut,
    /// The role may not do this (403).
    Forbidden(String),
    /// The form did not carry this session's CSRF token (403).
    Csrf,
    /// No such page or thing (404).
    NotFound(String),
    /// A request the page cannot use (400).
    BadRequest(String),
    /// Too large (413).
    TooLarge(String),
    /// Anything else the API layer would answer with this status and message.
    Api(ApiError),
}

impl WebError {
    /// 403 for a role that may not record, with what to do about it.
    pub fn may_not_record(user: &Signed) -> WebError {
        WebError::Forbidden(format!(
            "You are signed in as {} with the role {}, which may only read. Recording changes needs an officer's or an admin's token.",
            user.name, user.role
        ))
    }
}

impl From<ApiError> for WebError {
    fn from(err: ApiError) -> WebError {
        WebError::Api(err)
    }
}

impl From<wsoa_store::StoreError> for WebError {
    fn from(err: wsoa_store::StoreError) -> WebError {
        WebError::Api(err.into())
    }
}

impl From<tokio::task::JoinError> for WebError {
    fn from(err: tokio::task::JoinError) -> WebError {
        WebError::Api(ApiError::internal(err))
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, heading, message) = match self {
            WebError::SignedOut => return Redirect::to("/login").into_response(),
            WebError::Forbidden(message) => {
                (StatusCode::FORBIDDEN, "You cannot do this", message)
            }
            WebError::Csrf => (
                StatusCode::FORBIDDEN,
                "The form could not be accepted",
                "The form did not come from a page of this service in your current session (it may have been open before you signed in again). Go back, reload the page and submit it again.".to_owned(),
            ),
            WebError::NotFound(message) => (StatusCode::NOT_FOUND, "Page not found", message),
            WebError::BadRequest(message) => {
                (StatusCode::BAD_REQUEST, "There is a problem", message)
            }
            WebError::TooLarge(message) => {
                (StatusCode::PAYLOAD_TOO_LARGE, "The upload is too large", message)
            }
            WebError::Api(err) => {
                let heading = match err.status() {
                    StatusCode::NOT_FOUND => "Page not found",
                    StatusCode::SERVICE_UNAVAILABLE => "The service is unavailable",
                    status if status.is_server_error() => "Sorry, there is a problem with the service",
                    _ => "There is a problem",
                };
                (err.status(), heading, err.message().to_owned())
            }
        };
        error_page(status, heading, &message)
    }
}

/// An error page: the heading, what happened, and a way back.
pub fn error_page(status: StatusCode, heading: &str, message: &str) -> Response {
    let content = html! {
        h1.govuk-heading-l { (heading) }
        p.govuk-body data-testid="error-message" { (message) }
        p.govuk-body { a.govuk-link href="/" { "Go to the plan" } }
    };
    html_response(status, layout::bare(heading, content))
}

/// An HTML page with its status.
pub fn html_response(status: StatusCode, page: Markup) -> Response {
    let mut response = (status, page.into_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// The page for a method a page does not take (a GET of a form's address, say).
async fn method_not_allowed() -> Response {
    error_page(
        StatusCode::METHOD_NOT_ALLOWED,
        "There is no page here to show",
        "This address only takes a form sent from a page of this service. Start from the plan.",
    )
}

/// The page for a path that is no page (outside `/api/v1`, whose own fallback answers JSON).
pub(crate) async fn not_found() -> Response {
    WebError::NotFound(
        "There is no page at this address. Check it, or start from the plan.".to_owned(),
    )
    .into_response()
}
