//! Bad input of every kind: the right status, a JSON error that says what to fix, and nothing
//! appended.

use axum::http::{Method, StatusCode};
use serde_json::json;
use wsoa_core::Role;

use crate::harness::{BODY_LIMIT, Fixture, UPLOAD_LIMIT, multipart};

/// Posts a raw body to /commands as the officer and checks the status, the code, a phrase of
/// the message, and that nothing was appended.
async fn check(
    fixture: &Fixture,
    content_type: Option<&str>,
    body: Vec<u8>,
    status: StatusCode,
    code: &str,
    says: &str,
) {
    let before = fixture.len();
    let reply = fixture
        .call(
            Method::POST,
            "/api/v1/commands",
            Some(fixture.token(Role::Officer)),
            content_type,
            body,
            &[],
        )
        .await;
    assert_eq!(reply.status, status, "{}", reply.text());
    assert_eq!(reply.error_code(), code, "{}", reply.text());
    assert!(
        reply.error_message().contains(says),
        "expected '{says}' in: {}",
        reply.error_message()
    );
    assert_eq!(fixture.len(), before, "nothing is appended");
}

#[tokio::test]
async fn malformed_bodies_unknown_fields_and_wrong_content_types_are_refused() {
    let fixture = Fixture::with_plan().await;
    let json_type = Some("application/json");
    check(
        &fixture,
        json_type,
        b"{\"kind\": ".to_vec(),
        StatusCode::BAD_REQUEST,
        "bad_request",
        "",
    )
    .await;
    check(
        &fixture,
        json_type,
        b"[1, 2]".to_vec(),
        StatusCode::BAD_REQUEST,
        "bad_request",
        "kind",
    )
    .await;
    check(
        &fixture,
        json_type,
        json!({"kind": "record_weakness", "id": "W2", "title": "Joint commissioning", "colour": "red"}).to_string().into_bytes(),
        StatusCode::BAD_REQUEST,
        "bad_request",
        "colour",
    )
    .await;
    check(
        &fixture,
        json_type,
        json!({"kind": "launch_rocket"}).to_string().into_bytes(),
        StatusCode::BAD_REQUEST,
        "bad_request",
        "launch_rocket",
    )
    .await;
    check(
        &fixture,
        json_type,
        json!({"kind": "create_action", "id": "1.2", "workstream": "WS1", "title": "Audit plans", "owner": "QA lead", "due": "31 Smarch 2021"}).to_string().into_bytes(),
        StatusCode::BAD_REQUEST,
        "bad_request",
        "due",
    )
    .await;
    check(
        &fixture,
        json_type,
        json!({"kind": "change_action_status", "id": "1.1", "status": "nearly-done"})
            .to_string()
            .into_bytes(),
        StatusCode::BAD_REQUEST,
        "bad_request",
        "status",
    )
    .await;
    check(
        &fixture,
        Some("text/plain"),
        json!({"kind": "add_note", "about": "W1", "text": "hello"})
            .to_string()
            .into_bytes(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "application/json",
    )
    .await;
    check(
        &fixture,
        None,
        json!({"kind": "add_note", "about": "W1", "text": "hello"})
            .to_string()
            .into_bytes(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "application/json",
    )
    .await;
}

#[tokio::test]
async fn rule_violations_are_422_duplicates_409_and_unknown_ids_404() {
    let fixture = Fixture::with_plan().await;
    let json_type = Some("application/json");
    check(
        &fixture,
        json_type,
        json!({"kind": "record_weakness", "id": "W1", "title": "Again"})
            .to_string()
            .into_bytes(),
        StatusCode::CONFLICT,
        "duplicate_id",
        "W1",
    )
    .await;
    check(
        &fixture,
        json_type,
        json!({"kind": "change_action_status", "id": "9.9", "status": "complete"})
            .to_string()
            .into_bytes(),
        StatusCode::NOT_FOUND,
        "unknown_id",
        "9.9",
    )
    .await;
    check(
        &fixture,
        json_type,
        json!({"kind": "add_note", "about": "W1", "text": "From the future", "on": "2999-01-01"})
            .to_string()
            .into_bytes(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "in_future",
        "future",
    )
    .await;
}

#[tokio::test]
async fn bodies_and_uploads_over_the_limits_are_413_and_append_nothing() {
    let fixture = Fixture::with_plan().await;
    let text = "x".repeat(BODY_LIMIT + 1);
    check(
        &fixture,
        Some("application/json"),
        json!({"kind": "add_note", "about": "W1", "text": text})
            .to_string()
            .into_bytes(),
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        "",
    )
    .await;
    let before = fixture.len();
    let content = vec![b'a'; UPLOAD_LIMIT as usize + 1];
    let (content_type, body) = multipart(&[
        ("title", None, b"Too big"),
        ("supports", None, b"W1"),
        ("file", Some("big.bin"), &content),
    ]);
    let reply = fixture
        .call(
            Method::POST,
            "/api/v1/evidence",
            Some(fixture.token(Role::Officer)),
            Some(&content_type),
            body,
            &[],
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        reply.text()
    );
    assert_eq!(reply.error_code(), "too_large");
    assert_eq!(fixture.len(), before);
}

#[tokio::test]
async fn unicode_round_trips_and_file_names_lose_their_paths() {
    let fixture = Fixture::with_plan().await;
    let title = "Ymgynghori â rhieni — «co-production» 👪 \"quoted\" <b>not bold</b>";
    let reply = fixture
        .post_json(
            Role::Officer,
            "/api/v1/commands",
            &json!({"kind": "add_note", "about": "W1", "text": title}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let timeline = fixture
        .get(Role::Viewer, "/api/v1/timeline?kind=note_added")
        .await;
    assert!(
        timeline.text().contains("co-production"),
        "{}",
        timeline.text()
    );
    let entries = timeline.json()["entries"].clone();
    assert!(entries.to_string().contains("👪"), "{entries}");

    for (name, stored) in [
        ("../../etc/passwd", Some("passwd")),
        ("..\\..\\windows\\system.ini", Some("system.ini")),
        ("/absolute/report.pdf", Some("report.pdf")),
        ("..", None),
        ("dir/", None),
    ] {
        let before = fixture.len();
        let (content_type, body) = multipart(&[
            ("title", None, b"A document"),
            ("supports", None, b"W1"),
            ("file", Some(name), b"content"),
        ]);
        let reply = fixture
            .call(
                Method::POST,
                "/api/v1/evidence",
                Some(fixture.token(Role::Officer)),
                Some(&content_type),
                body,
                &[],
            )
            .await;
        match stored {
            Some(stored) => {
                assert_eq!(
                    reply.status,
                    StatusCode::CREATED,
                    "{name}: {}",
                    reply.text()
                );
                let list = fixture.get(Role::Viewer, "/api/v1/evidence").await.json();
                let last = list
                    .as_array()
                    .and_then(|l| l.last())
                    .cloned()
                    .expect("listed");
                assert_eq!(last["file_name"], stored, "{name}");
            }
            None => {
                assert_eq!(
                    reply.status,
                    StatusCode::BAD_REQUEST,
                    "{name}: {}",
                    reply.text()
                );
                assert_eq!(fixture.len(), before);
            }
        }
    }
}

#[tokio::test]
async fn bad_query_parameters_and_unknown_paths_get_json_errors() {
    let fixture = Fixture::with_plan().await;
    for (path, status, says) in [
        (
            "/api/v1/plan?at=99",
            StatusCode::UNPROCESSABLE_ENTITY,
            "no event 99",
        ),
        (
            "/api/v1/plan?at=x",
            StatusCode::BAD_REQUEST,
            "not an event number",
        ),
        (
            "/api/v1/plan?as_of=2021-02-30",
            StatusCode::BAD_REQUEST,
            "as_of",
        ),
        (
            "/api/v1/plan?at=1&as_of=2021-01-01",
            StatusCode::BAD_REQUEST,
            "at most one",
        ),
        (
            "/api/v1/plan?point=visit:last",
            StatusCode::UNPROCESSABLE_ENTITY,
            "no monitoring visit",
        ),
        ("/api/v1/plan?format=pdf", StatusCode::BAD_REQUEST, "pdf"),
        ("/api/v1/diff", StatusCode::BAD_REQUEST, "from"),
        (
            "/api/v1/narrative?style=docx",
            StatusCode::BAD_REQUEST,
            "docx",
        ),
        (
            "/api/v1/nothing-here",
            StatusCode::NOT_FOUND,
            "openapi.json",
        ),
    ] {
        let reply = fixture.get(Role::Viewer, path).await;
        assert_eq!(reply.status, status, "{path}: {}", reply.text());
        assert!(
            reply.error_message().contains(says),
            "{path}: expected '{says}' in {}",
            reply.error_message()
        );
    }
}

#[tokio::test]
async fn an_empty_upload_is_refused_and_stores_nothing() {
    let fixture = Fixture::with_plan().await;
    let before = fixture.len();
    let (content_type, body) = multipart(&[
        ("title", None, b"Board minutes"),
        ("supports", None, b"W1"),
        ("file", Some("minutes.pdf"), b""),
    ]);
    let reply = fixture
        .call(
            Method::POST,
            "/api/v1/evidence",
            Some(fixture.token(Role::Officer)),
            Some(&content_type),
            body,
            &[],
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text()
    );
    assert!(
        reply
            .error_message()
            .contains("minutes.pdf is empty (0 bytes)"),
        "{}",
        reply.text()
    );
    assert_eq!(fixture.len(), before);
}

#[tokio::test]
async fn hidden_characters_and_long_lists_are_refused_naming_what_to_fix() {
    let fixture = Fixture::with_plan().await;
    let before = fixture.len();
    let many: Vec<String> = (0..=100).map(|i| format!("Criterion {i}")).collect();
    for (command, says) in [
        (
            json!({"kind": "add_note", "about": "W1", "text": "Forum met \u{202e}today"}),
            "the note contains a right-to-left override (U+202E) at character 11",
        ),
        (
            json!({"kind": "create_action", "id": "1.2", "workstream": "WS1", "title": "Agree\u{200b} a plan", "owner": "Head of SEND", "due": "2021-09-30", "on": "2021-05-01"}),
            "the action's title contains a zero-width space (U+200B) at character 6",
        ),
        (
            json!({"kind": "create_action", "id": "1.2", "workstream": "WS1", "title": "Agree a plan", "owner": "Head of SEND", "due": "2021-09-30", "success": many, "on": "2021-05-01"}),
            "the success criteria: 101 given, but at most 100",
        ),
    ] {
        let reply = fixture
            .post_json(Role::Officer, "/api/v1/commands", &command)
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            reply.text()
        );
        assert!(reply.error_message().contains(says), "{}", reply.text());
    }
    assert_eq!(fixture.len(), before);
}

#[tokio::test]
async fn the_csv_plan_quotes_cells_a_spreadsheet_would_run_as_formulas() {
    let fixture = Fixture::with_plan().await;
    let reply = fixture
        .post_json(
            Role::Officer,
            "/api/v1/commands",
            &json!({"kind": "create_action", "id": "1.2", "workstream": "WS1", "title": "=cmd|' /C calc'!A0", "owner": "@Head of SEND", "due": "2021-09-30", "success": ["-5% waits"], "on": "2021-05-01"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let csv = fixture
        .get(Role::Viewer, "/api/v1/plan?format=csv")
        .await
        .text();
    let row = csv
        .lines()
        .find(|row| row.starts_with("1.2,"))
        .unwrap_or_else(|| panic!("no row for 1.2 in {csv}"));
    for cell in [",'=cmd|' /C calc'!A0,", ",'@Head of SEND,", ",'-5% waits,"] {
        assert!(row.contains(cell), "{cell} is not in {row}");
    }
}

#[tokio::test]
async fn a_declared_body_over_the_limit_is_413_before_any_of_it_is_read() {
    use axum::body::{Body, Bytes};
    use tower::ServiceExt as _;
    let fixture = Fixture::with_plan().await;
    let before = fixture.len();
    for (path, content_type, declared) in [
        (
            "/api/v1/commands",
            "application/json",
            BODY_LIMIT as u64 + 1,
        ),
        (
            "/api/v1/evidence",
            "multipart/form-data; boundary=x",
            UPLOAD_LIMIT + 64 * 1024 + 1,
        ),
        ("/api/v1/tokens", "application/json", 10_000_000_000),
        (
            "/actions/1.1/evidence",
            "multipart/form-data; boundary=x",
            10_000_000_000,
        ),
    ] {
        // A body that never sends a byte: only a refusal made from the header can answer.
        let never = futures_util::stream::pending::<Result<Bytes, std::io::Error>>();
        let request = axum::http::Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(
                "authorization",
                format!("Bearer {}", fixture.token(Role::Admin)),
            )
            .header("content-type", content_type)
            .header("content-length", declared.to_string())
            .body(Body::from_stream(never))
            .expect("request");
        let response = tokio::time::timeout(
            std::time::Duration::from_secs(30),
            fixture.app.clone().oneshot(request),
        )
        .await
        .unwrap_or_else(|_| panic!("POST {path} waited for a body it must refuse"))
        .expect("infallible");
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE, "{path}");
        let text = String::from_utf8_lossy(
            &axum::body::to_bytes(response.into_body(), 64 * 1024)
                .await
                .expect("body"),
        )
        .into_owned();
        assert!(text.contains(&declared.to_string()), "{path}: {text}");
    }
    assert_eq!(fixture.len(), before, "nothing is appended");
}

#[tokio::test]
async fn a_command_naming_content_never_uploaded_is_404_not_a_failure() {
    let fixture = Fixture::with_plan().await;
    let hash = "ab".repeat(32);
    let attach = json!({"kind": "attach_evidence", "content_hash": hash, "file_name": "minutes.pdf",
        "media_type": "application/pdf", "size": 10, "title": "Board minutes", "supports": ["W1"]});
    check(
        &fixture,
        Some("application/json"),
        attach.to_string().into_bytes(),
        StatusCode::NOT_FOUND,
        "not_found",
        "POST /api/v1/evidence",
    )
    .await;
    // In a batch, the refusal names the command and nothing is recorded.
    let before = fixture.len();
    let reply = fixture
        .post_json(
            Role::Officer,
            "/api/v1/commands/batch",
            &json!({"commands": [
                {"kind": "add_note", "about": "W1", "text": "Before the attachment"},
                attach,
            ]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.text());
    assert!(
        reply
            .error_message()
            .starts_with("command 1: no content is stored for hash"),
        "{}",
        reply.error_message()
    );
    assert_eq!(fixture.len(), before, "nothing is appended");
    // The writer goes on: the next command is recorded.
    let note = fixture
        .post_json(
            Role::Officer,
            "/api/v1/commands",
            &json!({"kind": "add_note", "about": "W1", "text": "After the refusal"}),
        )
        .await;
    assert_eq!(note.status, StatusCode::CREATED, "{}", note.text());
}

#[tokio::test]
async fn a_refusal_names_its_subject_and_the_openapi_document_lists_every_code() {
    let fixture = Fixture::with_plan().await;
    let reply = fixture
        .call(
            Method::POST,
            "/api/v1/commands",
            Some(fixture.token(Role::Officer)),
            Some("application/json"),
            json!({"kind": "change_action_status", "id": "9.9", "status": "complete"})
                .to_string()
                .into_bytes(),
            &[],
        )
        .await;
    let body: serde_json::Value = serde_json::from_slice(&reply.body).expect("json");
    assert_eq!(body["error"]["subject"], "action 9.9", "{body}");
    // A refusal about no one thing has no subject field at all.
    let reply = fixture
        .call(
            Method::POST,
            "/api/v1/commands",
            Some(fixture.token(Role::Officer)),
            Some("application/json"),
            json!({"kind": "add_note", "about": "W1", "text": " "})
                .to_string()
                .into_bytes(),
            &[],
        )
        .await;
    let body: serde_json::Value = serde_json::from_slice(&reply.body).expect("json");
    assert_eq!(body["error"]["code"], "blank", "{body}");
    assert!(body["error"].get("subject").is_none(), "{body}");
    // It names the part of the command that was blank, in the rules' words.
    assert!(
        body["error"]["field"]
            .as_str()
            .is_some_and(|field| body["error"]["message"]
                .as_str()
                .is_some_and(|message| message.starts_with(field))),
        "{body}"
    );
    // The rules' words reach an API client without the command line's options or commands.
    for command in [
        json!({"kind": "record_visit", "by": "DfE"}),
        json!({"kind": "amend_action", "id": "1.1", "reason": "Nothing"}),
        json!({"kind": "create_workstream", "id": "WS9", "title": "T", "sponsor": "S", "weaknesses": []}),
    ] {
        let reply = fixture
            .call(
                Method::POST,
                "/api/v1/commands",
                Some(fixture.token(Role::Officer)),
                Some("application/json"),
                command.to_string().into_bytes(),
                &[],
            )
            .await;
        let body: serde_json::Value = serde_json::from_slice(&reply.body).expect("json");
        let message = body["error"]["message"].as_str().expect("a message");
        assert!(
            !message.contains("--") && !message.contains("wsoa "),
            "{command}: {message}"
        );
    }

    let document = fixture
        .call(
            Method::GET,
            "/api/v1/openapi.json",
            None,
            None,
            Vec::new(),
            &[],
        )
        .await
        .text();
    for (code, _) in wsoa_core::decide::REJECTION_CODES {
        assert!(
            document.contains(&format!("`{code}`")),
            "{code} is not listed"
        );
    }
}
