//! A ledger in a temporary directory with one token per role, the writer thread and the
//! application, driven in-process with tower's `oneshot` as a browser would: signing in through
//! the login form, carrying the session cookie, and posting forms with the page's CSRF token.
//! (The approach of `tests/api/harness.rs`, with sessions instead of bearer tokens.)

use std::collections::BTreeMap;
use std::sync::mpsc;
use std::thread::JoinHandle;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt as _;
use serde_json::{Value, json};
use tower::ServiceExt as _;
use wsoa_core::Role;
use wsoa_server::{AppState, Limits, app, writer};
use wsoa_store::{Ledger, Reader};

/// The test upload limit: small, so that "too large" is cheap to reach.
pub const UPLOAD_LIMIT: u64 = 64 * 1024;

/// The roles, each with a token.
pub const ROLES: [Role; 4] = [Role::Viewer, Role::Auditor, Role::Officer, Role::Admin];

/// A server's insides, in-process.
pub struct Fixture {
    _dir: tempfile::TempDir,
    app: Router,
    state: Option<AppState>,
    writer: Option<JoinHandle<Ledger>>,
    /// A read handle.
    pub reader: Reader,
    tokens: BTreeMap<Role, String>,
}

impl Fixture {
    /// An empty ledger with a token for each role (named "viewer person" and so on).
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temporary directory");
        let ledger = Ledger::create(dir.path()).expect("creates");
        let mut tokens = BTreeMap::new();
        for role in ROLES {
            let (secret, _) = ledger
                .create_token(&format!("{role} person"), role, 1_700_000_000_000)
                .expect("token");
            tokens.insert(role, secret);
        }
        let reader = ledger.reader();
        let (jobs, receiver) = mpsc::channel();
        let writer = std::thread::spawn(move || writer::run(ledger, receiver));
        let limits = Limits {
            max_upload_bytes: UPLOAD_LIMIT,
            ..Limits::default()
        };
        let state = AppState::new(reader.clone(), jobs, limits);
        Fixture {
            _dir: dir,
            app: app(state.clone()),
            state: Some(state),
            writer: Some(writer),
            reader,
            tokens,
        }
    }

    /// A small plan recorded through the API by the officer: the area, the inspection, W1, WS1,
    /// action 1.1 (due 30 September 2021, in progress, amber), action 1.2 (complete), measure
    /// M1 with two values, and a monitoring visit.
    pub async fn with_plan() -> Fixture {
        let fixture = Fixture::new();
        for body in plan_commands() {
            fixture.record(body).await;
        }
        fixture
    }

    /// The state the application runs on.
    pub fn state(&self) -> &AppState {
        self.state
            .as_ref()
            .expect("state lives as long as the fixture")
    }

    /// The token of a role.
    pub fn token(&self, role: Role) -> &str {
        &self.tokens[&role]
    }

    /// Records a command through the API as the officer; it must be accepted.
    pub async fn record(&self, body: Value) {
        let reply = self
            .call(
                Method::POST,
                "/api/v1/commands",
                &[
                    (
                        "authorization",
                        &format!("Bearer {}", self.token(Role::Officer)),
                    ),
                    ("content-type", "application/json"),
                ],
                body.to_string().into_bytes(),
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::CREATED,
            "{body}: {}",
            reply.text()
        );
    }

    /// Calls the application.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(Body::from(body)).expect("request");
        let response = self.app.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        Reply {
            status,
            headers,
            body,
        }
    }

    /// GET without a session.
    pub async fn get_anonymous(&self, path: &str) -> Reply {
        self.call(Method::GET, path, &[], Vec::new()).await
    }

    /// Signs in through the login form as a role and returns the session.
    pub async fn sign_in(&self, role: Role) -> Session<'_> {
        self.sign_in_with(self.token(role), &[])
            .await
            .unwrap_or_else(|reply| panic!("sign-in failed: {} {}", reply.status, reply.text()))
    }

    /// Signs in with any token (and extra headers on the POST); the reply when refused.
    pub async fn sign_in_with(
        &self,
        token: &str,
        extra: &[(&str, &str)],
    ) -> Result<Session<'_>, Reply> {
        let form = self.get_anonymous("/login").await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.text());
        let login_cookie = form
            .cookie("wsoa_login")
            .expect("the login form sets its CSRF cookie");
        let csrf = form.csrf();
        let cookie = format!("wsoa_login={login_cookie}");
        let mut headers = vec![
            ("cookie", cookie.as_str()),
            ("content-type", "application/x-www-form-urlencoded"),
        ];
        headers.extend_from_slice(extra);
        let reply = self
            .call(
                Method::POST,
                "/login",
                &headers,
                encode(&[("csrf", &csrf), ("token", token)]).into_bytes(),
            )
            .await;
        if reply.status != StatusCode::SEE_OTHER {
            return Err(reply);
        }
        assert_eq!(reply.location(), "/");
        let session = reply.cookie("wsoa_session").expect("a session cookie");
        let mut signed = Session {
            fixture: self,
            cookie: session,
            csrf: String::new(),
            login: reply,
        };
        let home = signed.get("/").await;
        assert_eq!(home.status, StatusCode::OK, "{}", home.text());
        signed.csrf = home.csrf();
        Ok(signed)
    }

    /// The ledger's directory.
    pub fn dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    /// How many events the ledger has.
    pub fn len(&self) -> u64 {
        self.reader.len().expect("length")
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        // Dropping the application and state closes the writer's channel; it then returns.
        self.app = Router::new();
        self.state = None;
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

/// A signed-in browser: its session cookie and the session's CSRF token.
pub struct Session<'a> {
    fixture: &'a Fixture,
    /// The session cookie's value.
    pub cookie: String,
    /// The CSRF token the session's pages carry.
    pub csrf: String,
    /// The reply that signed in (its `Set-Cookie` headers).
    pub login: Reply,
}

impl Session<'_> {
    fn cookie_header(&self) -> String {
        format!("wsoa_session={}", self.cookie)
    }

    /// GET a page.
    pub async fn get(&self, path: &str) -> Reply {
        let cookie = self.cookie_header();
        self.fixture
            .call(Method::GET, path, &[("cookie", &cookie)], Vec::new())
            .await
    }

    /// POST a form as typed: no CSRF token is added.
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let cookie = self.cookie_header();
        self.fixture
            .call(
                Method::POST,
                path,
                &[
                    ("cookie", &cookie),
                    ("content-type", "application/x-www-form-urlencoded"),
                ],
                encode(fields).into_bytes(),
            )
            .await
    }

    /// POST a form with the session's CSRF token, as the page would.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let mut all = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// POST `multipart/form-data` with the session's CSRF token first: text fields, then the
    /// file (field `file`) if given.
    pub async fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &[u8])>,
    ) -> Reply {
        self.post_file(path, fields, "file", file).await
    }

    /// As `post_multipart`, the file sent as the part `part`.
    pub async fn post_file(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        part: &str,
        file: Option<(&str, &[u8])>,
    ) -> Reply {
        let boundary = "wsoa-web-test-boundary-3c9e";
        let mut body = Vec::new();
        let mut all = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        for (name, value) in all {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        if let Some((file_name, content)) = file {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{part}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let cookie = self.cookie_header();
        let content_type = format!("multipart/form-data; boundary={boundary}");
        self.fixture
            .call(
                Method::POST,
                path,
                &[("cookie", &cookie), ("content-type", &content_type)],
                body,
            )
            .await
    }

    /// POST, expect the 303 redirect of a recorded form, and GET where it points.
    pub async fn post_and_follow(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let reply = self.post(path, fields).await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{path} was not recorded: {}",
            reply.text()
        );
        self.get(&reply.location()).await
    }
}

/// A response.
pub struct Reply {
    /// Its status.
    pub status: StatusCode,
    /// Its headers.
    pub headers: HeaderMap,
    /// Its body.
    pub body: Bytes,
}

impl Reply {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The `Location` header.
    pub fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_else(|| panic!("no Location in a {} reply", self.status))
            .to_owned()
    }

    /// Every `Set-Cookie` header, as text.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .map(str::to_owned)
            .collect()
    }

    /// The `Set-Cookie` header for a cookie.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.set_cookies()
            .into_iter()
            .find(|cookie| cookie.starts_with(&format!("{name}=")))
    }

    /// The value a `Set-Cookie` gives a cookie.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookie(name).map(|cookie| {
            cookie[name.len() + 1..]
                .split(';')
                .next()
                .unwrap_or("")
                .to_owned()
        })
    }

    /// The value of the first hidden `csrf` field on the page.
    pub fn csrf(&self) -> String {
        self.hidden("csrf")
    }

    /// The value of the first hidden field of this name.
    pub fn hidden(&self, name: &str) -> String {
        let text = self.text();
        let marker = format!(r#"type="hidden" name="{name}" value=""#);
        let start = text
            .find(&marker)
            .unwrap_or_else(|| panic!("no hidden field {name} in {text}"))
            + marker.len();
        text[start..].split('"').next().unwrap_or("").to_owned()
    }

    /// How many times a piece of text appears.
    pub fn count(&self, needle: &str) -> usize {
        self.text().matches(needle).count()
    }
}

/// The ids of the page's visible form controls that no `<label for>` names.
pub fn unlabelled(html: &str) -> Vec<String> {
    let mut missing = Vec::new();
    for opening in ["<input", "<select", "<textarea"] {
        for rest in html.split(opening).skip(1) {
            let tag = rest.split('>').next().unwrap_or("");
            if tag.contains(r#"type="hidden""#) {
                continue;
            }
            let id = tag
                .split(r#" id=""#)
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or("(no id)");
            // `label`, or `label date-input__label` for the parts of a date input.
            let labelled = html
                .split(r#"<label class="govuk-label"#)
                .skip(1)
                .any(|rest| {
                    rest.split('>')
                        .next()
                        .unwrap_or("")
                        .contains(&format!(r#" for="{id}""#))
                });
            if !labelled {
                missing.push(id.to_owned());
            }
        }
    }
    missing
}

/// `application/x-www-form-urlencoded`.
pub fn encode(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(name, value)| format!("{}={}", percent(name), percent(value)))
        .collect::<Vec<_>>()
        .join("&")
}

fn percent(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            b' ' => "+".to_owned(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// The commands of the small plan, in order.
pub fn plan_commands() -> Vec<Value> {
    vec![
        json!({"kind": "open_ledger", "area": "Northshire local area", "partners": ["Northshire County Council", "Northshire ICB"], "on": "2021-01-04"}),
        json!({"kind": "record_inspection", "from": "2021-03-08", "to": "2021-03-12", "published": "2021-04-20", "on": "2021-04-20"}),
        json!({"kind": "record_weakness", "id": "W1", "title": "Quality assurance of EHC plans", "finding": "There is no quality assurance framework.", "on": "2021-04-20"}),
        json!({"kind": "create_workstream", "id": "WS1", "title": "EHC plan quality", "sponsor": "Director of Education", "weaknesses": ["W1"], "on": "2021-05-01"}),
        json!({"kind": "create_action", "id": "1.1", "workstream": "WS1", "title": "Agree a QA framework", "owner": "Head of SEND", "due": "2021-09-30", "success": ["Framework agreed by the board"], "on": "2021-05-01"}),
        json!({"kind": "create_action", "id": "1.2", "workstream": "WS1", "title": "Appoint a QA officer", "owner": "Head of SEND", "due": "2021-08-31", "on": "2021-05-01"}),
        json!({"kind": "change_action_status", "id": "1.1", "status": "in-progress", "rag": "amber", "note": "Draft out for consultation", "on": "2021-06-01"}),
        json!({"kind": "change_action_status", "id": "1.2", "status": "complete", "rag": "green", "note": "QA officer in post", "on": "2021-08-20"}),
        json!({"kind": "define_measure", "id": "M1", "title": "EHC plans issued within 20 weeks", "unit": "%", "baseline": "31", "baseline_on": "2021-03-31", "target": "65", "target_by": "2022-09-30", "weaknesses": ["W1"], "on": "2021-05-01"}),
        json!({"kind": "record_measure", "id": "M1", "value": "42", "source": "EHC hub report", "on": "2021-09-30"}),
        json!({"kind": "record_measure", "id": "M1", "value": "57.5", "on": "2022-03-31"}),
        json!({"kind": "record_visit", "by": "DfE SEND adviser", "summary": "Good progress", "strengths": ["Co-production"], "on": "2021-11-18"}),
    ]
}
