//! A ledger in a temporary directory with one token per role, the writer thread, the
//! application, and helpers to call it in-process.

use std::collections::BTreeMap;
use std::sync::mpsc;
use std::thread::JoinHandle;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt as _;
use serde_json::{Value, json};
use tower::ServiceExt as _;
use wsoa_core::Role;
use wsoa_server::{AppState, Limits, app, writer};
use wsoa_store::{Ledger, Reader};

/// The test upload limit: small, so that "too large" is cheap to reach.
pub const UPLOAD_LIMIT: u64 = 64 * 1024;
/// The test body limit.
pub const BODY_LIMIT: usize = 32 * 1024;

/// A server's insides, in-process.
pub struct Fixture {
    /// Keeps the directory alive.
    pub _dir: tempfile::TempDir,
    /// The application.
    pub app: Router,
    /// The state (holds the writer's channel).
    pub state: Option<AppState>,
    /// The writer thread; joined on drop of the state.
    pub writer: Option<JoinHandle<Ledger>>,
    /// A read handle.
    pub reader: Reader,
    /// A token per role, by role.
    pub tokens: BTreeMap<Role, String>,
}

pub const ROLES: [Role; 4] = [Role::Viewer, Role::Auditor, Role::Officer, Role::Admin];

impl Fixture {
    /// An empty ledger with a token for each role.
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temporary directory");
        let ledger = Ledger::create(dir.path()).expect("creates");
        Fixture::serving(dir, ledger)
    }

    /// The demo story's ledger (`wsoa demo`): 25 actions of every status, RAG and deadline,
    /// with a token for each role.
    pub fn with_demo() -> Fixture {
        let dir = tempfile::tempdir().expect("temporary directory");
        let mut ledger = Ledger::create(dir.path()).expect("creates");
        for step in wsoa_core::demo::story(None) {
            let context = wsoa_store::Context {
                actor: step.actor,
                occurred_on: step.occurred_on,
                recorded_at: step.recorded_at,
            };
            match (step.command, step.file) {
                (wsoa_core::Command::AttachEvidence(attach), Some(file)) => {
                    ledger
                        .attach_evidence(std::io::Cursor::new(file.content), attach, &context)
                        .expect("the demo's evidence is accepted");
                }
                (command, _) => {
                    ledger
                        .execute(&command, &context)
                        .expect("the demo's steps are accepted");
                }
            }
        }
        Fixture::serving(dir, ledger)
    }

    /// Serves `ledger` (in `dir`) with a token for each role.
    fn serving(dir: tempfile::TempDir, ledger: Ledger) -> Fixture {
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
            max_body_bytes: BODY_LIMIT,
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

    /// A ledger with a small plan recorded by the officer: opened, inspection, W1, WS1, action
    /// 1.1, a status change and a measure.
    pub async fn with_plan() -> Fixture {
        let fixture = Fixture::new();
        for body in plan_commands() {
            let response = fixture
                .post_json(Role::Officer, "/api/v1/commands", &body)
                .await;
            assert_eq!(
                response.status,
                StatusCode::CREATED,
                "{body}: {}",
                response.text()
            );
        }
        fixture
    }

    /// Stops the writer, lets `edit` change the ledger behind the server's back (as someone
    /// with the disk could), and serves it again.
    pub fn tampered(mut self, edit: impl FnOnce(&Ledger)) -> Fixture {
        self.app = Router::new();
        self.state = None;
        let ledger = self
            .writer
            .take()
            .expect("a writer")
            .join()
            .expect("the writer hands the ledger back");
        edit(&ledger);
        let reader = ledger.reader();
        let (jobs, receiver) = mpsc::channel();
        self.writer = Some(std::thread::spawn(move || writer::run(ledger, receiver)));
        let limits = Limits {
            max_body_bytes: BODY_LIMIT,
            max_upload_bytes: UPLOAD_LIMIT,
            ..Limits::default()
        };
        let state = AppState::new(reader.clone(), jobs, limits);
        self.app = app(state.clone());
        self.state = Some(state);
        self.reader = reader;
        self
    }

    /// The token of a role.
    pub fn token(&self, role: Role) -> &str {
        &self.tokens[&role]
    }

    /// Calls the application.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: Vec<u8>,
        extra: &[(&str, &str)],
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        for (name, value) in extra {
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

    /// GET with a role's token.
    pub async fn get(&self, role: Role, path: &str) -> Reply {
        self.call(
            Method::GET,
            path,
            Some(self.token(role)),
            None,
            Vec::new(),
            &[],
        )
        .await
    }

    /// POST JSON with a role's token.
    pub async fn post_json(&self, role: Role, path: &str, body: &Value) -> Reply {
        self.call(
            Method::POST,
            path,
            Some(self.token(role)),
            Some("application/json"),
            body.to_string().into_bytes(),
            &[],
        )
        .await
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

/// A response.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.text()))
    }

    /// The error code of a JSON error body.
    pub fn error_code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error code in {}", self.text()))
            .to_owned()
    }

    /// The error message of a JSON error body.
    pub fn error_message(&self) -> String {
        self.json()["error"]["message"]
            .as_str()
            .unwrap_or_else(|| panic!("no error message in {}", self.text()))
            .to_owned()
    }
}

/// The commands of a small plan, in order.
pub fn plan_commands() -> Vec<Value> {
    vec![
        json!({"kind": "open_ledger", "area": "Northshire local area", "partners": ["Northshire County Council", "Northshire ICB"], "on": "2021-01-04"}),
        json!({"kind": "record_inspection", "from": "2021-03-08", "to": "2021-03-12", "published": "2021-04-20", "on": "2021-04-20"}),
        json!({"kind": "record_weakness", "id": "W1", "title": "Quality assurance of EHC plans", "finding": "There is no quality assurance framework.", "on": "2021-04-20"}),
        json!({"kind": "create_workstream", "id": "WS1", "title": "EHC plan quality", "sponsor": "Director of Education", "weaknesses": ["W1"], "on": "2021-05-01"}),
        json!({"kind": "create_action", "id": "1.1", "workstream": "WS1", "title": "Agree a QA framework", "owner": "Head of SEND", "due": "2021-09-30", "success": ["Framework agreed by the board"], "on": "2021-05-01"}),
        json!({"kind": "change_action_status", "id": "1.1", "status": "in-progress", "rag": "amber", "note": "Draft out for consultation", "on": "2021-06-01"}),
    ]
}

/// A multipart body with the given parts: (name, file name, content).
pub fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "wsoa-test-boundary-7d1f";
    let mut body = Vec::new();
    for (name, file_name, content) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file_name {
            Some(file_name) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
