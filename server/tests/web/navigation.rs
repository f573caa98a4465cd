//! Finding one's way: breadcrumbs on every reading page below the plan, back links on the
//! forms, a correction recorded from any row of the history, and the diff's moments chosen from
//! the ledger's visits, board reviews and a date.

use axum::http::StatusCode;
use serde_json::json;
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
            text.contains(r#"<nav class="govuk-breadcrumbs" aria-label="Breadcrumb" data-testid="breadcrumbs"><ol class="govuk-breadcrumbs__list"><li class="govuk-breadcrumbs__list-item"><a class="govuk-breadcrumbs__link" href="/">Plan</a></li>"#),
            "{path}: {text}"
        );
        assert!(
            text.contains(&format!(
                r#"<li class="govuk-breadcrumbs__list-item" aria-current="page">{current}</li>"#
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
        timeline.contains(r#"<a class="govuk-link" href="/events/11/correct" data-testid="correct-11">Record a correction<span class="govuk-visually-hidden"> of event 11</span></a>"#),
        "{timeline}"
    );
    let action = officer.get("/actions/1.1").await.text();
    assert!(action.contains(r#"href="/events/6/correct""#), "{action}");
    // Not in the past-date view, and not for those who only read.
    assert!(
        !officer
            .get("/actions/1.1?as_of=2021-07-01")
            .await
            .text()
            .contains("/correct")
    );
    let viewer = fixture.sign_in(Role::Viewer).await;
    assert!(!viewer.get("/timeline").await.text().contains("/correct"));
    assert_eq!(
        viewer.get("/events/11/correct").await.status,
        StatusCode::FORBIDDEN
    );

    let page = officer.get("/events/11/correct").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains(r#"data-testid="corrected-entry""#));
    assert!(
        text.contains("DfE SEND adviser"),
        "the visit it corrects: {text}"
    );
    assert!(text.contains(r#"<form id="correct-form" method="post" action="/events/11/correct""#));
    assert_eq!(unlabelled(&text), Vec::<String>::new());
    assert_eq!(
        officer.get("/events/99/correct").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        officer.get("/events/x/correct").await.status,
        StatusCode::NOT_FOUND
    );

    // A blank reason is refused beside the field; nothing is recorded.
    let before = fixture.len();
    let reply = officer
        .post(
            "/events/11/correct",
            &[("reason", "  "), ("on", "2021-12-01")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = reply.text();
    assert!(text.contains(r##"href="#correct-reason""##), "{text}");
    assert!(text.contains("Enter what was wrong and what is right"));
    assert_eq!(fixture.len(), before);
    // An event beyond the ledger is no page.
    let reply = officer
        .post(
            "/events/99/correct",
            &[("reason", "x"), ("on", "2021-12-01")],
        )
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
    assert_eq!(
        reply.location(),
        format!("/timeline?event={new}#entry-{new}")
    );
    let shown = officer.get(&reply.location()).await.text();
    assert!(
        shown.contains(&format!(
            "The correction of event 11 was recorded as event {new}."
        )),
        "{shown}"
    );
    assert!(
        shown.contains(&format!(r#"data-testid="entry-{new}""#)),
        "{shown}"
    );
    assert!(
        shown.contains("The visit was on 18 November, not 18 October"),
        "{shown}"
    );
    assert_eq!(fixture.len(), before + 1);
}

#[tokio::test]
async fn the_diff_offers_the_ledgers_visits_board_reviews_and_a_date() {
    let fixture = Fixture::with_plan().await;
    fixture
        .record(serde_json::json!({"kind": "review_progress", "forum": "SEND Improvement Board", "assessments": [{"workstream": "WS1", "rating": "at-risk"}], "on": "2021-12-02"}))
        .await;
    fixture
        .record(serde_json::json!({"kind": "change_action_status", "id": "1.1", "status": "complete", "rag": "green", "on": "2021-12-10"}))
        .await;
    let session = fixture.sign_in(Role::Viewer).await;
    let text = session.get("/diff").await.text();
    assert_eq!(unlabelled(&text), Vec::<String>::new());
    for needle in [
        r#"<select class="govuk-select" id="from" name="from">"#,
        r#"<option value="visit:last" selected>The last monitoring visit (18 November 2021)</option>"#,
        r#"<option value="visit:1">Monitoring visit 1 on 18 November 2021</option>"#,
        r#"<option value="seq:12">Board review: SEND Improvement Board, 2 December 2021</option>"#,
        r#"<option value="now" selected>Now</option>"#,
        r#"id="from_date-day" name="from_date-day""#,
        r#"id="to_date-year" name="to_date-year""#,
    ] {
        assert!(text.contains(needle), "lacks {needle}: {text}");
    }
    assert!(
        !text.contains("known:2021"),
        "no command-line syntax in the hints"
    );
    // From the board review: only what came after it.
    let text = session.get("/diff?from=seq:12&to=now").await.text();
    assert!(text.contains("Actions completed or closed (1)"), "{text}");
    assert!(
        !text.contains("Reviews ("),
        "the review itself is before: {text}"
    );
    // From a date typed in the date input, which wins over the list.
    let text = session
        .get("/diff?from=visit:last&from_date-day=1&from_date-month=12&from_date-year=2021&to=now")
        .await
        .text();
    assert!(text.contains("Actions completed or closed (1)"), "{text}");
    assert!(
        text.contains(r#"name="from_date-day" value="1""#),
        "kept: {text}"
    );
    // A wrong date says which part.
    let reply = session
        .get("/diff?from_date-day=31&from_date-month=2&from_date-year=2021&to=now")
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.text().contains(r##"href="#from_date-day""##),
        "{}",
        reply.text()
    );
    // A date chosen from the list but not typed.
    let reply = session.get("/diff?from=&to=now&from_date-day=").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply
            .text()
            .contains("Choose the earlier moment from the list"),
        "{}",
        reply.text()
    );
    // A point given in an address is kept and offered as given.
    let text = session.get("/diff?from=seq:5").await.text();
    assert!(
        text.contains(r#"<option value="seq:5" selected>As given: seq:5</option>"#),
        "{text}"
    );
}

#[tokio::test]
async fn the_action_page_opens_one_change_at_a_time_and_none_in_the_past() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    let page = officer.get("/actions/1.1").await.text();
    assert!(page.contains(r#"data-testid="change-links""#), "{page}");
    assert!(
        !page.contains(r#"method="post" action="/actions/1.1/"#),
        "no form open: {page}"
    );
    let note = officer.get("/actions/1.1?change=note").await.text();
    assert!(note.contains(r#"<form id="note-form" method="post" action="/actions/1.1/notes""#));
    assert!(
        !note.contains("status-form") && !note.contains("evidence-form"),
        "{note}"
    );
    assert!(note.contains(
        r#"<a class="govuk-link" href="/actions/1.1">Cancel and go back to the action</a>"#
    ));
    // A note sent empty comes back with that form open and its error summary.
    let reply = officer.post("/actions/1.1/notes", &[("text", " ")]).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = reply.text();
    assert!(text.contains(r##"href="#note-text""##), "{text}");
    assert!(text.contains("<title>Error: Action 1.1"), "{text}");
    assert!(!text.contains(r#"data-testid="change-links""#));
    // Nothing is recorded from the past.
    let past = officer
        .get("/actions/1.1?as_of=2021-07-01&change=status")
        .await
        .text();
    assert!(
        !past.contains("status-form") && !past.contains("change-links"),
        "{past}"
    );
}

#[tokio::test]
async fn the_board_review_form_shows_each_workstreams_last_rating() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    let form = officer.get("/reviews/new").await.text();
    assert!(
        form.contains(
            r#"<p class="govuk-body-s" data-testid="previous-WS1">Not rated before.</p>"#
        ),
        "{form}"
    );
    officer
        .post_and_follow(
            "/reviews/new",
            &[
                ("forum", "SEND Improvement Board"),
                ("on", "2022-01-20"),
                ("rating-WS1", "at-risk"),
                ("note-WS1", "Audit late"),
            ],
        )
        .await;
    let form = officer.get("/reviews/new").await.text();
    let start = form.find(r#"data-testid="previous-WS1""#).expect("shown");
    let previous = &form[start..start + form[start..].find("</p>").expect("ends")];
    assert!(previous.contains("Last rated"), "{previous}");
    assert!(
        previous.contains(">At risk</strong> by SEND Improvement Board on"),
        "{previous}"
    );
    assert!(
        previous.contains("20 January 2022</time>: Audit late"),
        "{previous}"
    );
}

#[tokio::test]
async fn event_numbers_link_to_the_timeline_on_the_evidence_and_narrative_pages() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    let reply = officer
        .post_multipart(
            "/actions/1.1/evidence",
            &[
                ("title", "Minutes"),
                ("kind", "minutes"),
                ("on", "2021-09-23"),
            ],
            Some(("minutes.txt", b"minutes")),
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    let list = officer.get("/evidence").await.text();
    assert!(
        list.contains(r##"<a class="govuk-link" href="/timeline?event=12#entry-12">event 12</a>"##),
        "{list}"
    );
    let narrative = officer.get("/narrative").await.text();
    let appendix = &narrative[narrative
        .find(r#"data-testid="appendix""#)
        .expect("appendix")..];
    assert!(
        appendix.contains(
            r##"<a class="govuk-link" href="/timeline?event=1#entry-1" aria-label="Event 1">1</a>"##
        ),
        "{appendix}"
    );
}

#[tokio::test]
async fn a_large_diff_opens_with_counts_shows_the_first_changes_and_pages_the_rest() {
    let fixture = Fixture::with_plan().await;
    // A second area of weakness with 120 new actions after the visit of 18 November 2021.
    fixture
        .record(json!({"kind": "record_weakness", "id": "W2", "title": "Waiting times", "finding": "Families wait too long.", "on": "2021-12-01"}))
        .await;
    fixture
        .record(json!({"kind": "create_workstream", "id": "WS2", "title": "Waiting lists", "sponsor": "ICB", "weaknesses": ["W2"], "on": "2021-12-01"}))
        .await;
    for n in 1..=120 {
        fixture
            .record(json!({"kind": "create_action", "id": format!("2.{n}"), "workstream": "WS2", "title": format!("Step {n} of the waiting list plan"), "owner": "ICB lead", "due": "2022-06-30", "on": "2021-12-02"}))
            .await;
    }
    fixture
        .record(json!({"kind": "change_action_status", "id": "1.1", "status": "complete", "rag": "green", "note": "Framework agreed", "on": "2021-12-03"}))
        .await;
    let session = fixture.sign_in(Role::Viewer).await;

    let page = session.get("/diff").await.text();
    assert!(page.contains(r#"data-testid="diff-counts""#), "{page}");
    assert!(
        page.contains(r##"<a class="govuk-link" href="#actions-added">Actions added</a>: 120"##),
        "{page}"
    );
    // The first 50 of the 120 actions, then a link to them all.
    assert!(page.contains("Step 50 of the waiting list plan"), "{page}");
    assert!(!page.contains("Step 51 of the waiting list plan"), "{page}");
    assert!(page.contains("Show all 120 actions added"), "{page}");

    // One kind on its own, a hundred at a time.
    let first = session
        .get("/diff?from=visit:last&section=actions-added")
        .await
        .text();
    assert!(first.contains("Changes 1 to 100 of 120."), "{first}");
    assert!(
        first.contains("Step 100 of the waiting list plan"),
        "{first}"
    );
    assert!(
        !first.contains("Step 101 of the waiting list plan"),
        "{first}"
    );
    assert!(
        !first.contains("Framework agreed"),
        "only that kind: {first}"
    );
    let second = session
        .get("/diff?from=visit:last&section=actions-added&page=2")
        .await
        .text();
    assert!(second.contains("Changes 101 to 120 of 120."), "{second}");
    assert!(
        second.contains("Step 120 of the waiting list plan"),
        "{second}"
    );

    // About W1 only: the 120 actions of W2 are left out, 1.1's completion stays.
    let about = session.get("/diff?from=visit:last&about=W1").await.text();
    assert!(
        !about.contains("Step 1 of the waiting list plan"),
        "{about}"
    );
    assert!(about.contains("Agree a QA framework"), "{about}");
    let refused = session.get("/diff?from=visit:last&about=W9").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.text().contains("W9"), "{}", refused.text());

    // The whole comparison as text: every one of the 120.
    let text = session.get("/diff.txt?from=visit:last").await;
    assert_eq!(text.status, StatusCode::OK);
    assert_eq!(
        text.headers["content-disposition"],
        "attachment; filename=\"what-changed.txt\""
    );
    assert!(text.text().contains("Step 120 of the waiting list plan"));
}

#[tokio::test]
async fn the_timeline_pages_with_govuk_pagination() {
    let fixture = Fixture::with_plan().await;
    for n in 0..100 {
        fixture
            .record(serde_json::json!({"kind": "add_note", "about": "1.1", "text": format!("Note {n}"), "on": "2021-10-01"}))
            .await;
    }
    let session = fixture.sign_in(Role::Viewer).await;
    let first = session.get("/timeline").await.text();
    let nav = r#"<nav class="govuk-pagination govuk-pagination--block" aria-label="Pages of the timeline">"#;
    assert!(first.contains(nav), "{first}");
    assert!(
        !first.contains(r#"rel="prev""#),
        "the newest page has no newer one"
    );
    let next = first
        .split(r#"<div class="govuk-pagination__next"><a class="govuk-link govuk-pagination__link" href=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a link to older events")
        .replace("&amp;", "&");
    assert!(first.contains(r#"<span class="govuk-pagination__link-title govuk-pagination__link-title--decorated">Older events</span>"#));
    let second = session.get(&next).await.text();
    assert!(second.contains(nav), "{second}");
    assert!(second.contains(r#"<div class="govuk-pagination__prev"><a class="govuk-link govuk-pagination__link" href="/timeline" rel="prev">"#), "{second}");
    assert!(second.contains(r#"<span class="govuk-pagination__link-title govuk-pagination__link-title--decorated">Newer events</span>"#));
    assert!(
        !second.contains(r#"rel="next""#),
        "the oldest page has no older one"
    );
}

#[tokio::test]
async fn an_officer_changes_an_action_from_change_links_in_its_summary_list() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    let page = officer.get("/actions/1.1").await.text();
    for (href, what) in [
        ("/actions/1.1?change=amend#amend", "the lead"),
        ("/actions/1.1?change=amend#amend", "the deadline"),
        ("/actions/1.1?change=status#change-status", "the status"),
        ("/actions/1.1?change=status#change-status", "the RAG rating"),
    ] {
        let link = format!(
            r#"<dd class="govuk-summary-list__actions"><a class="govuk-link" href="{href}">Change<span class="govuk-visually-hidden"> {what}</span></a></dd>"#
        );
        assert!(page.contains(&link), "lacks {link}: {page}");
    }
    // Rows without a change say so, as GOV.UK's summary list asks when others have one.
    assert!(page.contains(r#"<div class="govuk-summary-list__row govuk-summary-list__row--no-actions"><dt class="govuk-summary-list__key">Workstream</dt>"#));
    // The link opens that one form.
    let status = officer.get("/actions/1.1?change=status").await.text();
    assert!(
        status.contains(r#"<h2 class="govuk-heading-m" id="change-status">"#),
        "{status}"
    );
    assert!(status.contains(r#"id="status-form""#));
    let amend = officer.get("/actions/1.1?change=amend").await.text();
    assert!(
        amend.contains(r#"<h2 class="govuk-heading-m" id="amend">"#),
        "{amend}"
    );

    // Nothing to change for a viewer, nor in the past view: a plain summary list.
    let viewer = fixture.sign_in(Role::Viewer).await;
    let past = officer.get("/actions/1.1?as_of=2021-07-01").await.text();
    for text in [viewer.get("/actions/1.1").await.text(), past] {
        assert!(text.contains(r#"data-testid="action-summary""#));
        assert!(!text.contains("govuk-summary-list__actions"), "{text}");
        assert!(
            !text.contains("govuk-summary-list__row--no-actions"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn a_large_workstream_shows_its_first_actions_and_its_list_pages_a_hundred_at_a_time() {
    let fixture = Fixture::with_plan().await;
    for n in 1..=130 {
        fixture
            .record(json!({"kind": "create_action", "id": format!("1.{}", n + 2), "workstream": "WS1", "title": format!("Task number {n} of the QA plan"), "owner": "QA lead", "due": "2022-06-30", "on": "2021-06-02"}))
            .await;
    }
    let session = fixture.sign_in(Role::Viewer).await;
    let plan = session.get("/").await.text();
    // 132 actions in WS1: the first 25 on the plan, then a link to them all.
    assert!(plan.contains("Task number 23 of the QA plan"), "{plan}");
    assert!(!plan.contains("Task number 24 of the QA plan"), "{plan}");
    assert!(
        plan.contains(r#"<a class="govuk-link" href="/?workstream=WS1">See all 132 actions of workstream WS1</a>"#),
        "{plan}"
    );

    let first = session.get("/?workstream=WS1").await.text();
    assert!(first.contains("Actions 1 to 100 of 132."), "{first}");
    assert!(first.contains("Task number 98 of the QA plan"), "{first}");
    assert!(!first.contains("Task number 99 of the QA plan"), "{first}");
    assert!(
        first.contains(r#"href="/?workstream=WS1&amp;page=2""#),
        "{first}"
    );
    let second = session.get("/?workstream=WS1&page=2").await.text();
    assert!(second.contains("Actions 101 to 132 of 132."), "{second}");
    assert!(
        second.contains("Task number 130 of the QA plan"),
        "{second}"
    );
    assert!(second.contains(r#"rel="prev""#), "{second}");
    // A page past the last shows the last; one that is not a number, the first.
    let past = session.get("/?workstream=WS1&page=9").await.text();
    assert!(past.contains("Actions 101 to 132 of 132."), "{past}");
    let odd = session.get("/?workstream=WS1&page=x").await.text();
    assert!(odd.contains("Actions 1 to 100 of 132."), "{odd}");
}
