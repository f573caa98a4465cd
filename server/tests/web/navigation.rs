//! Finding one's way: breadcrumbs on every reading page below the plan, back links on the
//! forms, a correction recorded from any row of the history, and the diff's moments chosen from
//! the ledger's visits, board reviews and a date.

use axum::http::StatusCode;
use wsoa_core::Role;

use crate::harness::{Fixture, unlabelled};

#[tokio::test]
async fn every_page_below_the_plan_has_breadcrumbs_or_a_back_link() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    for (path, current) in [
        ("/timeline", "Timeline"),
        ("/diff", "What changed"),
        ("/evidence", "Evidence"),
        ("/narrative", "Impact narrative"),
        ("/verify", "Verification"),
        ("/actions/1.1", "Action 1.1"),
    ] {
        let text = officer.get(path).await.text();
        assert!(
            text.contains(r#"<nav class="breadcrumbs" aria-label="Breadcrumb" data-testid="breadcrumbs"><ol class="breadcrumbs__list"><li class="breadcrumbs__list-item"><a class="breadcrumbs__link" href="/">Plan</a></li>"#),
            "{path}: {text}"
        );
        assert!(
            text.contains(&format!(
                r#"<li class="breadcrumbs__list-item" aria-current="page">{current}</li>"#
            )),
            "{path}"
        );
    }
    for path in [
        "/actions/new",
        "/visits/new",
        "/reviews/new",
        "/measures/values/new",
        "/inspections/new",
        "/findings/new",
        "/coproduction/new",
        "/events/3/correct",
    ] {
        let text = officer.get(path).await.text();
        assert!(
            text.contains(r#"data-testid="back-link""#),
            "{path}: {text}"
        );
    }
    // The plan itself is the top: no breadcrumbs.
    assert!(!officer.get("/").await.text().contains("breadcrumbs"));
}

#[tokio::test]
async fn a_correction_is_recorded_from_a_row_of_the_history() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    // Every row of the timeline and of an action's history links to its correction form.
    let timeline = officer.get("/timeline").await.text();
    assert!(
        timeline.contains(r#"<a class="link" href="/events/11/correct" data-testid="correct-11">Record a correction<span class="visually-hidden"> of event 11</span></a>"#),
        "{timeline}"
    );
    let action = officer.get("/actions/1.1").await.text();
    assert!(action.contains(r#"href="/events/6/correct""#), "{action}");
    // Not in the past-date view, and not for those who only read.
    assert!(!officer.get("/actions/1.1?as_of=2021-07-01").await.text().contains("/correct"));
    let viewer = fixture.sign_in(Role::Viewer).await;
    assert!(!viewer.get("/timeline").await.text().contains("/correct"));
    assert_eq!(viewer.get("/events/11/correct").await.status, StatusCode::FORBIDDEN);

    let page = officer.get("/events/11/correct").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains(r#"data-testid="corrected-entry""#));
    assert!(text.contains("DfE SEND adviser"), "the visit it corrects: {text}");
    assert!(text.contains(r#"<form id="correct-form" method="post" action="/events/11/correct""#));
    assert_eq!(unlabelled(&text), Vec::<String>::new());
    assert_eq!(officer.get("/events/99/correct").await.status, StatusCode::NOT_FOUND);
    assert_eq!(officer.get("/events/x/correct").await.status, StatusCode::NOT_FOUND);

    // A blank reason is refused beside the field; nothing is recorded.
    let before = fixture.len();
    let reply = officer
        .post("/events/11/correct", &[("reason", "  "), ("on", "2021-12-01")])
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = reply.text();
    assert!(text.contains(r##"href="#correct-reason""##), "{text}");
    assert!(text.contains("Enter what was wrong and what is right"));
    assert_eq!(fixture.len(), before);
    // An event beyond the ledger is no page.
    let reply = officer
        .post("/events/99/correct", &[("reason", "x"), ("on", "2021-12-01")])
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(fixture.len(), before);

    let reply = officer
        .post(
            "/events/11/correct",
            &[
                ("reason", "The visit was on 18 November, not 18 October"),
                ("on-day", "1"),
                ("on-month", "12"),
                ("on-year", "2021"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    let new = before;
    assert_eq!(reply.location(), format!("/timeline?event={new}#entry-{new}"));
    let shown = officer.get(&reply.location()).await.text();
    assert!(
        shown.contains(&format!("The correction of event 11 was recorded as event {new}.")),
        "{shown}"
    );
    assert!(shown.contains(&format!(r#"data-testid="entry-{new}""#)), "{shown}");
    assert!(shown.contains("The visit was on 18 November, not 18 October"), "{shown}");
    assert_eq!(fixture.len(), before + 1);
}
