//! The authorization matrix: every endpoint, with no token, a bad token and each role. A role
//! without the permission gets 403 and changes nothing; a role with it gets past authorization
//! (its answer may still be a 4xx about the request itself, never 401 or 403).

use axum::http::{Method, StatusCode};
use serde_json::json;
use wsoa_core::Role;

use crate::harness::{Fixture, ROLES, multipart};

/// What an endpoint needs.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Needs {
    Read,
    Audit,
    Record,
    Admin,
}

impl Needs {
    fn allows(self, role: Role) -> bool {
        match self {
            Needs::Read => true,
            Needs::Audit => matches!(role, Role::Auditor | Role::Admin),
            Needs::Record => matches!(role, Role::Officer | Role::Admin),
            Needs::Admin => role == Role::Admin,
        }
    }
}

struct Endpoint {
    method: Method,
    path: &'static str,
    content_type: Option<String>,
    body: Vec<u8>,
    needs: Needs,
}

fn endpoints() -> Vec<Endpoint> {
    let get = |path: &'static str, needs| Endpoint {
        method: Method::GET,
        path,
        content_type: None,
        body: Vec::new(),
        needs,
    };
    let (upload_type, upload) = multipart(&[
        ("title", None, b"Minutes"),
        ("supports", None, b"W1"),
        ("file", Some("minutes.txt"), b"minutes"),
    ]);
    vec![
        get("/api/v1/plan", Needs::Read),
        get("/api/v1/plan?format=csv", Needs::Read),
        get("/api/v1/timeline", Needs::Read),
        get("/api/v1/diff?from=seq:1", Needs::Read),
        get("/api/v1/narrative", Needs::Read),
        get("/api/v1/log", Needs::Read),
        get("/api/v1/evidence", Needs::Read),
        get("/api/v1/evidence/E1/content", Needs::Read),
        get("/api/v1/checkpoint", Needs::Read),
        get("/api/v1/checkpoints", Needs::Read),
        get("/api/v1/verify", Needs::Audit),
        get("/api/v1/proofs?seq=1", Needs::Audit),
        get("/api/v1/bundle", Needs::Audit),
        get("/api/v1/tokens", Needs::Admin),
        Endpoint {
            method: Method::POST,
            path: "/api/v1/checkpoints",
            content_type: Some("text/plain".into()),
            body: b"not a note".to_vec(),
            needs: Needs::Audit,
        },
        Endpoint {
            method: Method::POST,
            path: "/api/v1/commands",
            content_type: Some("application/json".into()),
            body: json!({"kind": "add_note", "about": "W1", "text": "Parent carers' forum met"})
                .to_string()
                .into_bytes(),
            needs: Needs::Record,
        },
        Endpoint {
            method: Method::POST,
            path: "/api/v1/commands/batch",
            content_type: Some("application/json".into()),
            body: json!({"commands": [{"kind": "add_note", "about": "W1", "text": "Batch note"}]})
                .to_string()
                .into_bytes(),
            needs: Needs::Record,
        },
        Endpoint {
            method: Method::POST,
            path: "/api/v1/evidence",
            content_type: Some(upload_type),
            body: upload,
            needs: Needs::Record,
        },
        Endpoint {
            method: Method::POST,
            path: "/api/v1/tokens",
            content_type: Some("application/json".into()),
            body: json!({"name": "New person", "role": "viewer"})
                .to_string()
                .into_bytes(),
            needs: Needs::Admin,
        },
        Endpoint {
            method: Method::DELETE,
            path: "/api/v1/tokens/nobody",
            content_type: None,
            body: Vec::new(),
            needs: Needs::Admin,
        },
    ]
}

#[tokio::test]
async fn every_role_against_every_endpoint() {
    let fixture = Fixture::with_plan().await;
    for endpoint in endpoints() {
        for token in [None, Some("wsoa_not_a_real_token".to_owned())] {
            let reply = fixture
                .call(
                    endpoint.method.clone(),
                    endpoint.path,
                    token.as_deref(),
                    endpoint.content_type.as_deref(),
                    endpoint.body.clone(),
                    &[],
                )
                .await;
            assert_eq!(
                reply.status,
                StatusCode::UNAUTHORIZED,
                "{} {} with token {token:?}: {}",
                endpoint.method,
                endpoint.path,
                reply.text()
            );
            assert_eq!(reply.error_code(), "unauthorized");
        }
        for role in ROLES {
            let before = fixture.len();
            let reply = fixture
                .call(
                    endpoint.method.clone(),
                    endpoint.path,
                    Some(fixture.token(role)),
                    endpoint.content_type.as_deref(),
                    endpoint.body.clone(),
                    &[],
                )
                .await;
            if endpoint.needs.allows(role) {
                assert!(
                    reply.status != StatusCode::UNAUTHORIZED
                        && reply.status != StatusCode::FORBIDDEN,
                    "{role} should pass {} {}: {} {}",
                    endpoint.method,
                    endpoint.path,
                    reply.status,
                    reply.text()
                );
            } else {
                assert_eq!(
                    reply.status,
                    StatusCode::FORBIDDEN,
                    "{role} on {} {}: {}",
                    endpoint.method,
                    endpoint.path,
                    reply.text()
                );
                assert_eq!(reply.error_code(), "forbidden");
                assert!(reply.error_message().contains(&role.to_string()));
                assert_eq!(fixture.len(), before, "a refused request appended nothing");
            }
        }
    }
}
