//! `Idempotency-Key`: a retried write returns the original result and appends nothing.

use axum::http::{Method, StatusCode};
use serde_json::json;
use wsoa_core::Role;

use crate::harness::Fixture;

async fn post_with_key(
    fixture: &Fixture,
    role: Role,
    key: &str,
    body: &serde_json::Value,
) -> crate::harness::Reply {
    fixture
        .call(
            Method::POST,
            "/api/v1/commands",
            Some(fixture.token(role)),
            Some("application/json"),
            body.to_string().into_bytes(),
            &[("idempotency-key", key)],
        )
        .await
}

#[tokio::test]
async fn a_retry_with_the_same_key_returns_the_original_event_and_appends_nothing() {
    let fixture = Fixture::with_plan().await;
    let body = json!({"kind": "add_note", "about": "W1", "text": "Forum met on 3 June"});
    let first = post_with_key(&fixture, Role::Officer, "retry-1", &body).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    assert!(first.headers.get("idempotent-replayed").is_none());
    let len = fixture.len();
    for _ in 0..3 {
        let again = post_with_key(&fixture, Role::Officer, "retry-1", &body).await;
        assert_eq!(again.status, StatusCode::OK, "{}", again.text());
        assert_eq!(again.headers["idempotent-replayed"], "true");
        assert_eq!(again.json(), first.json(), "the same event, hash and bytes");
        assert_eq!(fixture.len(), len);
    }
    // Without a key, the same body is a new note.
    let unkeyed = fixture
        .post_json(Role::Officer, "/api/v1/commands", &body)
        .await;
    assert_eq!(unkeyed.status, StatusCode::CREATED);
    assert_eq!(fixture.len(), len + 1);
}

#[tokio::test]
async fn a_key_reused_for_another_request_is_a_conflict_and_keys_belong_to_their_token() {
    let fixture = Fixture::with_plan().await;
    let body = json!({"kind": "add_note", "about": "W1", "text": "First"});
    let first = post_with_key(&fixture, Role::Officer, "k", &body).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let len = fixture.len();
    let other = json!({"kind": "add_note", "about": "W1", "text": "Second"});
    let reused = post_with_key(&fixture, Role::Officer, "k", &other).await;
    assert_eq!(reused.status, StatusCode::CONFLICT, "{}", reused.text());
    assert_eq!(reused.error_code(), "idempotency_key_reused");
    assert_eq!(fixture.len(), len);
    // Another token's "k" is another key.
    let admin = post_with_key(&fixture, Role::Admin, "k", &body).await;
    assert_eq!(admin.status, StatusCode::CREATED, "{}", admin.text());
    assert_eq!(fixture.len(), len + 1);
}

#[tokio::test]
async fn concurrent_retries_with_one_key_append_once() {
    let fixture = std::sync::Arc::new(Fixture::with_plan().await);
    let len = fixture.len();
    let body = json!({"kind": "add_note", "about": "W1", "text": "Sent by a flaky network"});
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let fixture = fixture.clone();
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            post_with_key(&fixture, Role::Officer, "flaky", &body)
                .await
                .json()["seq"]
                .clone()
        }));
    }
    let mut seqs = Vec::new();
    for task in tasks {
        seqs.push(task.await.expect("task"));
    }
    assert!(seqs.iter().all(|seq| *seq == seqs[0]), "{seqs:?}");
    assert_eq!(fixture.len(), len + 1);
}
