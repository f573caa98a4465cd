//! Hostile text: whatever people type (an action's title, a note, a lead's name, a file's
//! name) reaches every page as text, never as markup.

use axum::http::StatusCode;
use serde_json::json;
use wsoa_core::Role;

use crate::harness::Fixture;

const HOSTILE: &str = "<script>alert(1)</script>";
const ESCAPED: &str = "&lt;script&gt;alert(1)&lt;/script&gt;";

#[tokio::test]
async fn hostile_input_is_escaped_on_the_dashboard_action_page_timeline_and_evidence() {
    let fixture = Fixture::with_plan().await;
    fixture
        .record(json!({"kind": "create_action", "id": "1.3", "workstream": "WS1", "title": HOSTILE, "owner": "\"><img src=x onerror=alert(2)>", "due": "2022-03-31", "success": [HOSTILE], "on": "2021-12-01"}))
        .await;
    let officer = fixture.sign_in(Role::Officer).await;
    // A note typed into the web form.
    let reply = officer
        .post(
            "/actions/1.3/notes",
            &[
                ("text", HOSTILE),
                ("from", "<b>Forum</b>"),
                ("on", "2021-12-02"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    // Evidence whose title and file name are hostile.
    let reply = officer
        .post_multipart(
            "/actions/1.3/evidence",
            &[
                ("title", HOSTILE),
                ("kind", "minutes"),
                ("on", "2021-12-02"),
            ],
            Some(("<svg onload=alert(3)>.html", b"<script>alert(4)</script>")),
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());

    for path in [
        "/",
        "/actions/1.3",
        "/timeline",
        "/evidence",
        "/diff?from=seq:11",
        "/narrative",
    ] {
        let reply = officer.get(path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        let text = reply.text();
        assert!(
            text.contains(ESCAPED),
            "{path} does not show the title as text: {text}"
        );
        assert!(!text.contains(HOSTILE), "{path} carries a live script");
        assert!(!text.contains("<img src=x"), "{path}");
        assert!(!text.contains("<svg onload"), "{path}");
        assert!(!text.contains("<b>Forum</b>"), "{path}");
    }
    // A form shown again keeps the hostile text it was given, escaped.
    let reply = officer
        .post(
            "/actions/1.3/notes",
            &[("text", HOSTILE), ("on", "not a date")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.text().contains(&format!(">{ESCAPED}</textarea>")),
        "{}",
        reply.text()
    );
    assert!(!reply.text().contains(HOSTILE));
}
