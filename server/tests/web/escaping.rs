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

#[tokio::test]
async fn hostile_plans_reviews_definitions_and_packs_are_shown_as_text() {
    let fixture = Fixture::with_plan().await;
    for body in [
        json!({"kind": "start_plan", "id": "APP1", "plan_kind": "app", "title": HOSTILE, "answers": ["W1"], "on": "2022-01-10"}),
        json!({"kind": "add_workstream", "plan": "APP1", "id": "WS5", "title": HOSTILE, "sponsor": "<b>Sponsor</b>", "weaknesses": ["W1"], "on": "2022-01-12"}),
        json!({"kind": "review_monitoring", "plan": "APP1", "by": "<b>DfE</b>", "summary": HOSTILE, "ended": ["WS5"], "on": "2022-06-14"}),
        json!({"kind": "amend_measure", "id": "M1", "definition": HOSTILE, "trajectory": ["2022-03-31=60"], "on": "2022-01-10"}),
    ] {
        fixture.record(body).await;
    }
    let officer = fixture.sign_in(Role::Officer).await;
    let reply = officer
        .post(
            "/packs/new",
            &[
                ("for", HOSTILE),
                ("to", "<b>Adviser</b>"),
                ("as_of", &today()),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    for path in [
        "/",
        "/evidence",
        "/plans/review?plan=APP1",
        "/plans/step?plan=APP1",
        "/workstreams/new?plan=APP1",
        "/measures/amend?measure=M1",
    ] {
        let reply = officer.get(path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        let text = reply.text();
        assert!(text.contains(ESCAPED), "{path} shows it as text: {text}");
        assert!(!text.contains(HOSTILE), "{path} carries a live script");
        assert!(!text.contains("<b>"), "{path}");
    }
}

/// Today's date as the server's clock gives it, `YYYY-MM-DD`.
fn today() -> String {
    wsoa_server::state::today()
        .expect("the clock is in range")
        .to_string()
}
