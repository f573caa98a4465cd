//! Every page: its status and key content for a signed-in viewer and officer, and a redirect to
//! the login page for anyone signed out.

use axum::http::{Method, StatusCode};
use wsoa_core::Role;

use crate::harness::{Fixture, unlabelled};

const PAGES: [&str; 9] = [
    "/",
    "/actions/1.1",
    "/timeline",
    "/diff",
    "/evidence",
    "/narrative",
    "/narrative.md",
    "/narrative.html",
    "/verify",
];

#[tokio::test]
async fn signed_out_every_page_redirects_to_the_login_page_and_posts_record_nothing() {
    let fixture = Fixture::with_plan().await;
    let mut paths = PAGES.to_vec();
    paths.extend([
        "/actions/new",
        "/visits/new",
        "/reviews/new",
        "/measures/values/new",
        "/evidence/E1/download",
    ]);
    for path in paths {
        let reply = fixture.get_anonymous(path).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(reply.location(), "/login", "{path}");
    }
    let before = fixture.len();
    let reply = fixture
        .call(
            Method::POST,
            "/actions/1.1/status",
            &[("content-type", "application/x-www-form-urlencoded")],
            b"status=complete".to_vec(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), "/login");
    // A cookie that names no session is the same as none.
    let reply = fixture
        .call(
            Method::GET,
            "/",
            &[("cookie", "wsoa_session=0000")],
            Vec::new(),
        )
        .await;
    assert_eq!(reply.location(), "/login");
    assert_eq!(fixture.len(), before);
    // The login page itself is open.
    let login = fixture.get_anonymous("/login").await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(
        login
            .text()
            .contains(r#"<input class="govuk-input" type="password" id="token" name="token""#),
        "{}",
        login.text()
    );
}

#[tokio::test]
async fn every_page_answers_a_viewer_and_an_officer_with_its_key_content() {
    let fixture = Fixture::with_plan().await;
    for role in [Role::Viewer, Role::Officer] {
        let session = fixture.sign_in(role).await;
        let expect = [
            (
                "/",
                vec![
                    "Written Statement of Action",
                    "Quality assurance of EHC plans",
                    "Agree a QA framework",
                    "data-testid=\"counts\"",
                ],
            ),
            (
                "/actions/1.1",
                vec![
                    "Agree a QA framework",
                    "Head of SEND",
                    "History",
                    "Draft out for consultation",
                ],
            ),
            (
                "/timeline",
                vec!["Timeline", "matching events", "Action 1.1"],
            ),
            (
                "/diff",
                vec![
                    "What changed",
                    "monitoring visit 1",
                    "Nothing changed between the last monitoring visit",
                ],
            ),
            (
                "/evidence",
                vec!["Evidence", "No evidence has been attached yet."],
            ),
            (
                "/narrative",
                vec![
                    "Impact narrative",
                    "Appendix: the events cited",
                    "/narrative.md",
                ],
            ),
            (
                "/verify",
                vec!["Verification", "Last full verification", "Merkle root"],
            ),
        ];
        for (path, needles) in expect {
            let reply = session.get(path).await;
            assert_eq!(
                reply.status,
                StatusCode::OK,
                "{role} {path}: {}",
                reply.text()
            );
            let text = reply.text();
            for needle in needles {
                assert!(
                    text.contains(needle),
                    "{role} {path} lacks {needle:?}: {text}"
                );
            }
            assert!(
                text.contains(&format!("Signed in as <strong>{role} person</strong>")),
                "{path}"
            );
            assert_eq!(
                unlabelled(&text),
                Vec::<String>::new(),
                "{role} {path}: every control has a label"
            );
        }
    }
}

#[tokio::test]
async fn pages_carry_the_shell_landmarks_and_security_headers() {
    let fixture = Fixture::with_plan().await;
    let session = fixture.sign_in(Role::Viewer).await;
    let reply = session.get("/").await;
    let text = reply.text();
    for needle in [
        r#"<html lang="en-GB" class="govuk-template">"#,
        r#"<body class="govuk-template__body"><script>document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');</script>"#,
        r##"<a class="govuk-skip-link" href="#main-content" data-module="govuk-skip-link">Skip to main content</a>"##,
        r#"<main class="govuk-main-wrapper" id="main-content">"#,
        r#"<div class="govuk-phase-banner" data-testid="phase-banner"><p class="govuk-phase-banner__content"><strong class="govuk-tag govuk-phase-banner__content__tag">Beta</strong>"#,
        r#"<section class="govuk-service-navigation" aria-label="Service information" data-module="govuk-service-navigation">"#,
        r#"<nav class="govuk-service-navigation__wrapper" aria-label="Main">"#,
        r#"<li class="govuk-service-navigation__item govuk-service-navigation__item--active"><a class="govuk-service-navigation__link" href="/" aria-current="page"><strong class="govuk-service-navigation__active-fallback">Plan</strong></a></li>"#,
        r#"<li class="govuk-service-navigation__item"><a class="govuk-service-navigation__link" href="/timeline">Timeline</a></li>"#,
        r#"<footer class="govuk-footer govuk-!-display-none-print">"#,
        "<title>Plan – WSoA ledger</title>",
        r#"<link rel="stylesheet" href="/assets/govuk/govuk-frontend.min.css?v="#,
        r#"<link rel="stylesheet" href="/assets/app.css?v="#,
        r#"<script type="module" src="/assets/app.js?v="#,
    ] {
        assert!(text.contains(needle), "lacks {needle:?}: {text}");
    }
    // One h1, before any h2.
    assert_eq!(reply.count("<h1"), 1);
    assert!(text.find("<h1").expect("h1") < text.find("<h2").expect("h2"));
    let header = |name: &str| {
        reply
            .headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert!(header("content-type").starts_with("text/html"));
    assert!(header("content-security-policy").contains("default-src 'none'"));
    // Scripts from this server, and inline only GOV.UK Frontend's one line, by its hash.
    assert!(
        header("content-security-policy")
            .contains("script-src 'self' 'sha256-GUQ5ad8JK5KmEWmROf3LZd9ge94daqNvd8xy9YS1iDw='"),
        "{}",
        header("content-security-policy")
    );
    assert!(!header("content-security-policy").contains("unsafe-inline"));
    assert!(header("content-security-policy").contains("frame-ancestors 'none'"));
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("cache-control"), "no-store");
}

#[tokio::test]
async fn the_dashboard_shows_counts_tags_overdue_actions_and_a_chart_with_its_table() {
    let fixture = Fixture::with_plan().await;
    let session = fixture.sign_in(Role::Viewer).await;
    let text = session.get("/").await.text();
    for (count, number, href) in [
        ("complete", 1, "/?status=complete"),
        ("in-progress", 1, "/?status=in-progress"),
        ("overdue", 1, "/?due=overdue"),
        ("blocked", 0, "/?status=blocked"),
    ] {
        // Each tile links to the list of what it counts.
        let marker = format!(
            r#"data-testid="count-{count}"><a class="app-count__link" href="{href}"><span class="app-count__number">{number}</span>"#
        );
        assert!(text.contains(&marker), "{marker}: {text}");
    }
    // Status and RAG are tags with words, not colour alone; the overdue action says so.
    assert!(text.contains(r#"data-status="in-progress">In progress</strong>"#));
    assert!(text.contains(r#"data-rag="amber">Amber</strong>"#));
    assert!(
        text.contains(
            r#"<tr class="govuk-table__row app-table__row--overdue" role="row" id="action-1.1""#
        ),
        "{text}"
    );
    assert!(text.contains("Overdue by "));
    assert!(
        !text.contains(
            r#"<tr class="govuk-table__row app-table__row--overdue" role="row" id="action-1.2""#
        ),
        "complete is never overdue"
    );
    assert!(text.contains(r#"<a class="govuk-link" href="/actions/1.1">1.1</a>"#));
    // The measure: a labelled chart and its values as a table.
    assert!(text.contains(r#"data-testid="chart-M1""#));
    assert!(text.contains(r#"role="img""#));
    assert!(
        text.contains("<title id=\"chart-m1-title\">M1: EHC plans issued within 20 weeks</title>")
    );
    assert!(text.contains(
        "Line chart of 2 values. Baseline 31% on 31 March 2021; target 65% by 30 September 2022."
    ));
    assert!(text.contains("<polyline"));
    assert!(text.contains("57.5%"));
    assert!(text.contains("The values of M1 as a table"));
    assert!(text.contains("Last monitoring visit"));
    assert!(text.contains(r#"data-testid="point""#));
    assert!(text.contains("The plan now, with everything recorded so far."));
    // The count and the last event are for auditors, behind a details element.
    assert!(
        text.contains("This page is built from 12 entries of that history"),
        "{text}"
    );
}

#[tokio::test]
async fn the_dashboard_shows_the_plan_as_of_a_past_date_and_refuses_a_date_that_is_not_one() {
    let fixture = Fixture::with_plan().await;
    let session = fixture.sign_in(Role::Viewer).await;
    // Before the first status change, action 1.1 had not started; on 1 July 2021 it was not yet
    // overdue (due 30 September).
    let reply = session.get("/?as_of=2021-05-15").await;
    assert_eq!(reply.status, StatusCode::OK);
    let text = reply.text();
    assert!(
        text.contains("The plan as it stood on <strong>15 May 2021</strong>"),
        "{text}"
    );
    assert!(text.contains(r#"data-status="not-started""#));
    assert!(!text.contains(r#"data-status="in-progress""#));
    assert!(
        text.contains(r#"name="as_of-day" value="15""#)
            && text.contains(r#"name="as_of-month" value="5""#)
            && text.contains(r#"name="as_of-year" value="2021""#),
        "the date input keeps the date: {text}"
    );
    assert!(text.contains("Back to the plan now"));
    let july = session.get("/?as_of=2021-07-01").await.text();
    assert!(july.contains(r#"data-status="in-progress""#));
    assert!(
        july.contains(r#"data-testid="count-overdue"><a class="app-count__link" href="/?due=overdue&amp;as_of=2021-07-01"><span class="app-count__number">0</span>"#),
        "{july}"
    );

    let bad = session
        .get("/?as_of-day=30&as_of-month=2&as_of-year=2021")
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let text = bad.text();
    assert!(text.contains("There is a problem"));
    assert!(
        text.contains(r##"<a href="#as_of-day">The date must be a real date"##),
        "{text}"
    );
    assert!(text.contains(r#"id="as_of-error""#));
    assert!(
        text.contains(r#"name="as_of-day" value="30""#),
        "what was typed is kept"
    );
    // One field, as links carry the date, is read too.
    let bad = session.get("/?as_of=2021-02-30").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.text()
            .contains(r##"<a href="#as_of">The date must be a real date"##)
    );
    assert!(text.contains("<title>Error: Plan"));
}

#[tokio::test]
async fn the_action_page_shows_its_full_history_with_both_dates_who_and_why() {
    let fixture = Fixture::with_plan().await;
    fixture
        .record(serde_json::json!({"kind": "amend_action", "id": "1.1", "due": "2021-12-31", "reason": "Consultation extended", "on": "2021-09-20"}))
        .await;
    let session = fixture.sign_in(Role::Viewer).await;
    let reply = session.get("/actions/1.1").await;
    assert_eq!(reply.status, StatusCode::OK);
    let text = reply.text();
    for needle in [
        r#"data-testid="action-title">Agree a QA framework</h1>"#,
        "Framework agreed by the board",
        r#"data-testid="history""#,
        // The status change: from and to as tags, who, both dates.
        r#"data-testid="history-6""#,
        "Status <strong class=\"govuk-tag govuk-tag--grey\" data-status=\"not-started\">Not started</strong> to <strong class=\"govuk-tag govuk-tag--blue\" data-status=\"in-progress\">In progress</strong>",
        "RAG <strong class=\"govuk-tag govuk-tag--grey\" data-rag=\"none\">No RAG</strong> to <strong class=\"govuk-tag govuk-tag--orange\" data-rag=\"amber\">Amber</strong>",
        "officer person",
        r#"<time datetime="2021-06-01">1 June 2021</time>"#,
        " UTC</time>",
        // The deadline move, with its reason.
        "Deadline: 30 September 2021 to <strong>31 December 2021</strong>",
        "Reason: Consultation extended",
        "(first set for 30 September 2021)",
        "No evidence supports this action yet.",
    ] {
        assert!(text.contains(needle), "lacks {needle:?}: {text}");
    }
    // Recorded years after it happened: flagged late.
    assert!(text.contains("Late: "), "{text}");
    let missing = session.get("/actions/9.9").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.text().contains("There is no action 9.9"));
    assert!(
        missing.headers["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/html")
    );
    let nonsense = session.get("/actions/%3Cscript%3E").await;
    assert_eq!(nonsense.status, StatusCode::NOT_FOUND);
    // The only script element opened bare is the page template's own.
    let text = nonsense.text();
    assert_eq!(text.matches("<script>").count(), 1, "{text}");
    assert!(text.contains("<script>document.body.className"), "{text}");
}

#[tokio::test]
async fn unknown_pages_are_html_404s_and_the_api_keeps_its_json_404s() {
    let fixture = Fixture::with_plan().await;
    let page = fixture.get_anonymous("/no-such-page").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.text().contains("Page not found"));
    let api = fixture.get_anonymous("/api/v1/no-such-endpoint").await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert!(
        api.headers["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("application/json")
    );
    assert!(api.text().contains("not_found"), "{}", api.text());
    let health = fixture.get_anonymous("/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
}

#[tokio::test]
async fn the_timeline_filters_like_the_cli_and_refuses_bad_filters_beside_the_field() {
    let fixture = Fixture::with_plan().await;
    let session = fixture.sign_in(Role::Viewer).await;
    let all = session.get("/timeline").await.text();
    assert!(
        all.contains("Showing 1 to 12 of 12 matching events, newest first."),
        "{all}"
    );
    // Newest first: event 11 before event 0.
    assert!(all.find(r#"data-testid="entry-11""#) < all.find(r#"data-testid="entry-0""#));
    let about = session
        .get("/timeline?about=1.2&kind=action_status_changed")
        .await;
    assert_eq!(about.status, StatusCode::OK);
    let text = about.text();
    assert!(
        text.contains("Showing 1 to 1 of 1 matching events"),
        "{text}"
    );
    assert!(text.contains(r#"data-testid="entry-7""#));
    assert!(text.contains(r#"<a class="govuk-link" href="/actions/1.2">See action 1.2</a>"#));
    let since = session
        .get("/timeline?since=2021-08-01&by=officer")
        .await
        .text();
    assert!(since.contains("of 4 matching events"), "{since}");

    for (query, field, message) in [
        ("about=9.9", "about", "There is no"),
        ("kind=launch", "kind", "is not a kind of event"),
        ("since=2021-13-01", "since", "real date"),
        (
            "since=2021-09-01&until=2021-08-01",
            "since",
            "is after the end",
        ),
        ("late_after=soon", "late_after", "whole number"),
    ] {
        let reply = session.get(&format!("/timeline?{query}")).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{query}");
        let text = reply.text();
        assert!(
            text.contains(&format!(r#"id="{field}-error""#)),
            "{query}: {text}"
        );
        assert!(text.contains(message), "{query}: {text}");
    }
}

#[tokio::test]
async fn the_diff_page_says_what_changed_since_the_last_visit() {
    let fixture = Fixture::with_plan().await;
    fixture
        .record(serde_json::json!({"kind": "change_action_status", "id": "1.1", "status": "complete", "rag": "green", "on": "2021-12-01"}))
        .await;
    let session = fixture.sign_in(Role::Viewer).await;
    let text = session.get("/diff").await.text();
    assert!(text.contains(r#"value="visit:last""#));
    assert!(
        text.contains("the last monitoring visit on 18 November 2021"),
        "{text}"
    );
    assert!(text.contains("Actions completed or closed (1)"), "{text}");
    assert!(
        text.contains(
            r##"(event <a class="govuk-link" href="/timeline?event=12#entry-12">12</a>)"##
        ),
        "{text}"
    );
    let bad = session.get("/diff?from=visit:7").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains(r#"id="from-error""#));
    // Without any visit, the page asks for a moment instead of failing.
    let empty = Fixture::new();
    empty.record(serde_json::json!({"kind": "open_ledger", "area": "Northshire local area", "on": "2021-01-04"})).await;
    let session = empty.sign_in(Role::Viewer).await;
    let reply = session.get("/diff").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply
            .text()
            .contains("No monitoring visit has been recorded yet")
    );
}

#[tokio::test]
async fn the_narrative_is_shown_and_downloads_as_html_and_markdown() {
    let fixture = Fixture::with_plan().await;
    let session = fixture.sign_in(Role::Viewer).await;
    let page = session.get("/narrative").await.text();
    assert!(
        page.contains(r##"<a class="govuk-link" href="#event-"##),
        "citations link to the appendix: {page}"
    );
    assert!(page.contains(r#"id="weakness-W1""#));
    // The self-evaluation's parts: the day it is judged at, a row per finding, the tables.
    for part in ["judged-at", "summary-table", "actions-W1", "measures-W1"] {
        assert!(
            page.contains(&format!(r#"data-testid="{part}""#)),
            "{part}: {page}"
        );
    }
    assert!(page.contains("Appoint a QA officer"), "{page}");
    let html = session.get("/narrative.html").await;
    assert_eq!(html.status, StatusCode::OK);
    assert_eq!(
        html.headers["content-disposition"],
        "attachment; filename=\"narrative.html\""
    );
    assert!(html.text().starts_with("<!DOCTYPE html>"));
    let markdown = session.get("/narrative.md").await;
    assert_eq!(markdown.status, StatusCode::OK);
    assert!(
        markdown.headers["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/markdown")
    );
    assert_eq!(
        markdown.headers["content-disposition"],
        "attachment; filename=\"narrative.md\""
    );
    assert!(markdown.text().starts_with("# "), "{}", markdown.text());
    // An empty ledger has nothing to narrate, and says so.
    let empty = Fixture::new();
    let session = empty.sign_in(Role::Viewer).await;
    let reply = session.get("/narrative").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.text().contains("nothing to narrate"));
    assert_eq!(
        session.get("/narrative.md").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_empty_ledger_has_a_dashboard_too() {
    let fixture = Fixture::new();
    let session = fixture.sign_in(Role::Officer).await;
    let reply = session.get("/").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply
            .text()
            .contains("No areas of weakness, workstreams or actions are recorded")
    );
}

#[tokio::test]
async fn assets_are_served_with_caching_headers() {
    let fixture = Fixture::new();
    let css = fixture.get_anonymous("/assets/app.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(
        css.headers["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/css")
    );
    assert!(css.text().contains("#ffdd00"), "the focus colour");
    let etag = css.headers["etag"].to_str().expect("ascii").to_owned();
    let version = etag.trim_matches('"');
    let versioned = fixture
        .get_anonymous(&format!("/assets/app.css?v={version}"))
        .await;
    assert_eq!(
        versioned.headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let again = fixture
        .call(
            Method::GET,
            "/assets/app.css",
            &[("if-none-match", &etag)],
            Vec::new(),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    let js = fixture.get_anonymous("/assets/app.js").await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(
        js.headers["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/javascript")
    );
}

#[tokio::test]
async fn a_get_of_a_form_address_is_an_html_page_and_the_api_keeps_json() {
    let fixture = Fixture::with_plan().await;
    let page = fixture.get_anonymous("/logout").await;
    assert_eq!(page.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(page.text().contains("There is no page here to show"));
    let api = fixture
        .call(Method::DELETE, "/api/v1/plan", &[], Vec::new())
        .await;
    assert_eq!(api.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(
        api.headers["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("application/json"),
        "{}",
        api.text()
    );
}

#[tokio::test]
async fn the_timeline_takes_day_month_year_counts_late_entries_lists_only_them_and_links_each_event()
 {
    let fixture = Fixture::with_plan().await;
    // Recorded today, about a day in 2021: late by far more than 14 days.
    fixture
        .record(serde_json::json!({"kind": "add_note", "about": "1.1", "text": "Minutes found", "on": "2021-10-01"}))
        .await;
    let session = fixture.sign_in(Role::Viewer).await;
    // The plan's events were recorded on the days they happened (the API's "on" in the past
    // makes them late too): count what the page counts, then check "only" lists exactly those.
    let all = session.get("/timeline").await;
    assert_eq!(all.status, StatusCode::OK);
    let text = all.text();
    assert!(text.contains(r#"data-testid="late-count""#), "{text}");
    assert!(
        text.contains(
            r#"<a class="govuk-link" href="/timeline?event=12#entry-12" aria-label="Event 12">12</a>"#
        ),
        "{text}"
    );
    let late_rows = text.matches("Late: ").count();
    assert!(late_rows >= 1, "{text}");
    assert!(
        text.contains(&format!("{late_rows} were recorded 14 days or more"))
            || (late_rows == 1 && text.contains("1 was recorded 14 days or more")),
        "{text}"
    );
    assert!(
        text.contains(r#"href="/timeline?late=only" data-testid="late-only""#),
        "{text}"
    );
    let only = session.get("/timeline?late=only").await.text();
    assert!(
        only.contains(&format!("of {late_rows} late entries, newest first")),
        "{only}"
    );
    assert_eq!(
        only.matches(r#"<tr class="govuk-table__row" data-testid="entry-"#)
            .count(),
        late_rows
    );
    assert_eq!(
        only.matches("Late: ").count(),
        late_rows,
        "every row shown is late"
    );
    assert!(only.contains(r#"name="late" value="only" checked"#));

    // Dates in three fields; an event by its number.
    let since = session
        .get("/timeline?since-day=1&since-month=8&since-year=2021&until-day=&until-month=&until-year=&by=officer")
        .await
        .text();
    assert!(since.contains("of 5 matching events"), "{since}");
    assert!(since.contains(r#"id="since-day" name="since-day" value="1""#));
    let wrong = session
        .get("/timeline?since-day=1&since-month=13&since-year=2021")
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(
        wrong
            .text()
            .contains(r##"<a href="#since-month">The first day must be a real date"##),
        "{}",
        wrong.text()
    );
    let one = session.get("/timeline?event=7").await.text();
    assert!(one.contains("Showing 1 to 1 of 1 matching events"), "{one}");
    assert!(one.contains(r#"data-testid="entry-7""#));
    // The action's history and its creation link their events to the timeline, as does the
    // plan's last event.
    let action = session.get("/actions/1.1").await.text();
    assert!(
        action.contains(r#"href="/timeline?event=6#entry-6""#),
        "{action}"
    );
    assert!(
        action.contains(r#"(<a class="govuk-link" href="/timeline?event=4#entry-4">event 4</a>)"#),
        "{action}"
    );
    let plan = session.get("/").await.text();
    assert!(
        plan.contains(
            r#"(the last is <a class="govuk-link" href="/timeline?event=12#entry-12">event 12</a>)"#
        ),
        "{plan}"
    );
}

#[tokio::test]
async fn the_past_date_view_says_so_offers_no_forms_keeps_its_date_and_refuses_the_future() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    let now = officer.get("/").await.text();
    assert!(!now.contains(r#"data-testid="past-banner""#));
    assert!(
        now.contains("Record a change"),
        "officers record from today's plan"
    );
    assert!(now.contains(r#"<a class="govuk-link" href="/actions/1.1">1.1</a>"#));

    let past = officer
        .get("/?as_of-day=1&as_of-month=7&as_of-year=2021")
        .await;
    assert_eq!(past.status, StatusCode::OK);
    let text = past.text();
    assert!(
        text.contains(r#"data-testid="past-banner""#)
            && text.contains(r#"role="region" aria-labelledby="past-banner-title""#),
        "{text}"
    );
    assert!(text.contains(r#"You are looking at the plan as it was on <time datetime="2021-07-01">1 July 2021</time>"#), "{text}");
    assert!(text.contains(r#"<a class="govuk-notification-banner__link" href="/" data-testid="back-to-today">See the plan today</a>"#));
    assert!(!text.contains("Record a change"), "{text}");
    assert!(!text.contains(r#"href="/actions/new""#));
    assert!(text.contains("<title>Plan as it was on 1 July 2021"));
    // Actions open at the same date.
    assert!(
        text.contains(r#"<a class="govuk-link" href="/actions/1.1?as_of=2021-07-01">1.1</a>"#),
        "{text}"
    );

    let action = officer.get("/actions/1.1?as_of=2021-07-01").await;
    assert_eq!(action.status, StatusCode::OK);
    let text = action.text();
    assert!(text.contains(r#"data-testid="past-banner""#), "{text}");
    assert!(
        text.contains(
            r#"href="/actions/1.1" data-testid="back-to-today">See this action today</a>"#
        )
    );
    assert!(
        text.contains(r##"<a class="govuk-breadcrumbs__link" href="/?as_of=2021-07-01">Plan</a>"##),
        "{text}"
    );
    assert!(text.contains(r##"<a class="govuk-breadcrumbs__link" href="/?as_of=2021-07-01#workstream-WS1">Workstream WS1</a>"##), "{text}");
    assert!(
        text.contains(
            r#"<li class="govuk-breadcrumbs__list-item" aria-current="page">Action 1.1</li>"#
        ),
        "{text}"
    );
    // As it was: in progress since June, its later history not yet there, and no forms.
    assert!(text.contains(
        r#"data-testid="action-status"><strong class="govuk-tag govuk-tag--blue" data-status="in-progress">"#
    ));
    for form in ["status-form", "amend-form", "note-form", "evidence-form"] {
        assert!(!text.contains(form), "no {form} in the past: {text}");
    }
    assert!(!text.contains(r#"name="nonce""#));
    fixture
        .record(serde_json::json!({"kind": "change_action_status", "id": "1.1", "status": "blocked", "note": "Provider withdrew", "on": "2021-10-01"}))
        .await;
    let later = officer.get("/actions/1.1?as_of=2021-07-01").await.text();
    assert!(
        !later.contains("Provider withdrew"),
        "a later change is not in the past view"
    );
    assert!(
        officer
            .get("/actions/1.1")
            .await
            .text()
            .contains("Provider withdrew")
    );
    // Today's page has the breadcrumbs to today's plan, and the forms.
    let today_page = officer.get("/actions/1.1").await.text();
    assert!(today_page.contains(r##"<a class="govuk-breadcrumbs__link" href="/">Plan</a>"##));
    assert!(today_page.contains(
        r##"<a class="govuk-breadcrumbs__link" href="/#workstream-WS1">Workstream WS1</a>"##
    ));
    assert!(today_page.contains(r#"href="/actions/1.1?change=status""#));

    // An action added after the day is not in that day's plan.
    let missing = officer.get("/actions/1.1?as_of=2021-04-01").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(
        missing
            .text()
            .contains("There was no action 1.1 in the plan on 1 April 2021"),
        "{}",
        missing.text()
    );

    // The future is refused, with the last day allowed.
    let future = officer
        .get("/?as_of-day=1&as_of-month=1&as_of-year=2999")
        .await;
    assert_eq!(future.status, StatusCode::BAD_REQUEST);
    let text = future.text();
    assert!(
        text.contains(r##"<a href="#as_of-day">The date must be today or in the past"##),
        "{text}"
    );
    assert!(!text.contains(r#"data-testid="past-banner""#));
    let future = officer.get("/actions/1.1?as_of=2999-01-01").await;
    assert_eq!(future.status, StatusCode::BAD_REQUEST);
    assert!(
        future
            .text()
            .contains("The date must be today or in the past")
    );
}

#[tokio::test]
async fn the_plan_filters_its_actions_and_each_tile_lists_what_it_counts() {
    let fixture = Fixture::with_plan().await;
    for body in [
        serde_json::json!({"kind": "record_weakness", "id": "W2", "title": "Joint commissioning", "finding": "No joint plan.", "on": "2021-04-20"}),
        serde_json::json!({"kind": "create_workstream", "id": "WS2", "title": "Commissioning", "sponsor": "ICB director", "weaknesses": ["W2"], "on": "2021-05-01"}),
        serde_json::json!({"kind": "create_action", "id": "2.1", "workstream": "WS2", "title": "Map services", "owner": "ICB lead", "due": "2099-01-01", "on": "2021-05-01"}),
        serde_json::json!({"kind": "change_action_status", "id": "2.1", "status": "blocked", "rag": "red", "note": "No data", "on": "2021-06-01"}),
    ] {
        fixture.record(body).await;
    }
    let today = wsoa_server::state::today().expect("clock");
    let soon =
        wsoa_core::Date::from_days_since_epoch(today.days_since_epoch() + 10).expect("a day");
    fixture
        .record(serde_json::json!({"kind": "create_action", "id": "2.2", "workstream": "WS2", "title": "Agree a joint plan", "owner": "ICB lead", "due": soon.to_string(), "on": "2021-05-01"}))
        .await;
    let session = fixture.sign_in(Role::Viewer).await;
    let rows = |text: &str| -> Vec<String> {
        text.split(r#"data-testid="action-row-"#)
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap_or("").to_owned())
            .collect()
    };
    for (query, expected) in [
        ("list=all", vec!["1.1", "1.2", "2.1", "2.2"]),
        ("status=blocked", vec!["2.1"]),
        ("status=complete", vec!["1.2"]),
        ("rag=red", vec!["2.1"]),
        ("rag=none", vec!["2.2"]),
        ("lead=ICB+lead", vec!["2.1", "2.2"]),
        ("workstream=WS1", vec!["1.1", "1.2"]),
        ("weakness=W2", vec!["2.1", "2.2"]),
        ("due=overdue", vec!["1.1"]),
        ("due=soon", vec!["2.2"]),
        ("lead=ICB+lead&status=not-started", vec!["2.2"]),
        ("status=withdrawn", vec![]),
    ] {
        let reply = session.get(&format!("/?{query}")).await;
        assert_eq!(reply.status, StatusCode::OK, "{query}");
        let text = reply.text();
        assert_eq!(rows(&text), expected, "{query}");
        let heading = match expected.len() {
            1 => "1 action matches".to_owned(),
            n => format!("{n} actions match"),
        };
        assert!(text.contains(&heading), "{query}: {text}");
        // The list replaces the plan's sections.
        assert!(!text.contains(r#"id="weakness-W1""#), "{query}");
        assert!(text.contains("Clear the filters"));
    }
    // The filters keep what was chosen.
    let text = session.get("/?status=blocked&due=overdue").await.text();
    assert!(text.contains(r#"<option value="blocked" selected>Blocked</option>"#));
    assert!(text.contains(r#"<option value="overdue" selected>Overdue</option>"#));
    assert!(text.contains("0 actions match"));
    // Without filters, the whole plan.
    let text = session.get("/").await.text();
    assert!(text.contains(r#"id="weakness-W1""#));
    assert!(!text.contains(r#"data-testid="matching""#));
    // A filter that is not one is said beside it.
    let bad = session.get("/?status=finished").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.text().contains(r##"<a href="#status">"##),
        "{}",
        bad.text()
    );
    // In the past view the tiles and the filters keep the date.
    let past = session
        .get("/?as_of=2021-07-01&status=in-progress")
        .await
        .text();
    assert_eq!(rows(&past), vec!["1.1"], "{past}");
    assert!(past.contains(r#"href="/?status=blocked&amp;as_of=2021-07-01""#));
    assert!(past.contains(r#"<input type="hidden" name="as_of" value="2021-07-01">"#));
    assert!(past.contains(r#"<a class="govuk-link" href="/actions/1.1?as_of=2021-07-01">1.1</a>"#));
}

#[tokio::test]
async fn a_measure_headline_gives_the_latest_value_the_change_and_a_missed_target() {
    let fixture = Fixture::with_plan().await;
    // M2's target date has passed and its latest value falls short; M3 has no value yet.
    for body in [
        serde_json::json!({"kind": "define_measure", "id": "M2", "title": "Weeks to a first assessment", "unit": "weeks", "baseline": "18", "baseline_on": "2021-03-31", "target": "10", "target_by": "2022-03-31", "better": "lower-is-better", "weaknesses": ["W1"], "on": "2021-05-01"}),
        serde_json::json!({"kind": "record_measure", "id": "M2", "value": "14.5", "on": "2022-03-31"}),
        serde_json::json!({"kind": "define_measure", "id": "M3", "title": "Families at the forum", "unit": "families", "baseline": "40", "baseline_on": "2021-03-31", "target": "80", "target_by": "2099-09-30", "weaknesses": ["W1"], "on": "2021-05-01"}),
    ] {
        fixture.record(body).await;
    }
    let session = fixture.sign_in(Role::Viewer).await;
    let text = session.get("/").await.text();
    let headline = |id: &str| -> String {
        let marker = format!(r#"data-testid="measure-headline-{id}">"#);
        let start = text
            .find(&marker)
            .unwrap_or_else(|| panic!("no headline {id}: {text}"))
            + marker.len();
        text[start..].split("</p>").next().unwrap_or("").to_owned()
    };
    let m1 = headline("M1");
    assert!(
        m1.starts_with(r#"Latest <strong>57.5%</strong> on <time datetime="2022-03-31">31 March 2022</time>: up 26.5 percentage points from the baseline of 31% (31 March 2021). Target 65% by 30 September 2022 (higher is better). "#),
        "{m1}"
    );
    // Judged today, its target date has passed unmet.
    assert!(m1.contains(">Target missed</strong>"), "{m1}");
    let m2 = headline("M2");
    assert!(
        m2.contains("down 3.5 weeks from the baseline of 18 weeks"),
        "{m2}"
    );
    assert!(m2.contains(">Target missed</strong>"), "{m2}");
    let m3 = headline("M3");
    assert!(
        m3.starts_with("No value recorded yet. Baseline 40 families on 31 March 2021."),
        "{m3}"
    );
    assert!(m3.contains(">Target not yet met</strong>"), "{m3}");
    // Before the target date, not yet met rather than missed.
    let past = session.get("/?as_of=2022-04-01").await.text();
    let start = past
        .find(r#"data-testid="measure-headline-M1">"#)
        .expect("M1 in the past");
    let m1_then = past[start..].split("</p>").next().unwrap_or("");
    assert!(
        m1_then.contains(">Target not yet met</strong>"),
        "{m1_then}"
    );
    assert!(
        m1_then.contains("Latest <strong>57.5%</strong>"),
        "{m1_then}"
    );
}

#[tokio::test]
async fn every_page_links_an_accessibility_statement_and_a_privacy_notice_open_to_everyone() {
    let fixture = Fixture::with_plan().await;
    let session = fixture.sign_in(Role::Viewer).await;
    for path in ["/", "/actions/1.1", "/timeline", "/evidence", "/verify"] {
        let text = session.get(path).await.text();
        assert!(
            text.contains(
                r#"<a class="govuk-footer__link" href="/accessibility">Accessibility statement</a>"#
            ),
            "{path}: {text}"
        );
        assert!(
            text.contains(r#"<a class="govuk-footer__link" href="/privacy">Privacy notice</a>"#)
        );
    }
    // Signed out too: the sign-in page links them, and they open without a session.
    let login = fixture.get_anonymous("/login").await.text();
    assert!(login.contains(r#"href="/accessibility""#));
    let statement = fixture.get_anonymous("/accessibility").await;
    assert_eq!(statement.status, StatusCode::OK);
    let text = statement.text();
    assert!(text.contains("Accessibility statement for the WSoA ledger"));
    assert!(text.contains("Equality and Human Rights Commission"));
    assert!(text.contains("320 pixels wide"));
    let privacy = fixture.get_anonymous("/privacy").await;
    assert_eq!(privacy.status, StatusCode::OK);
    let text = privacy.text();
    assert!(
        text.contains("<code>wsoa_session</code>") && text.contains("<code>wsoa_login</code>"),
        "{text}"
    );
    assert!(text.contains("after 8 hours without use"));
    assert!(text.contains("after 60 minutes"));
}

#[tokio::test]
async fn wide_tables_scroll_in_a_named_region_reached_by_keyboard_and_status_and_rag_follow_the_title()
 {
    let fixture = Fixture::with_plan().await;
    let session = fixture.sign_in(Role::Viewer).await;
    for path in ["/", "/actions/1.1", "/timeline", "/evidence", "/narrative"] {
        let text = session.get(path).await.text();
        for wrapper in text.split(r#"<div class="app-table-wrapper""#).skip(1) {
            let tag = wrapper.split('>').next().unwrap_or("");
            assert!(
                tag.contains(r#"tabindex="0""#)
                    && tag.contains(r#"role="region""#)
                    && tag.contains(r#"aria-label=""#)
                    && tag.contains("data-scroll-region"),
                "{path}: <div class=\"app-table-wrapper\"{tag}>"
            );
        }
    }
    let text = session.get("/").await.text();
    let head = text
        .split(r#"<table class="govuk-table app-table--stack" data-testid="actions" role="table">"#)
        .nth(1)
        .and_then(|rest| rest.split("</thead>").next())
        .expect("an actions table");
    let columns: Vec<&str> = head
        .split(r#"<th class="govuk-table__header" scope="col" role="columnheader">"#)
        .skip(1)
        .map(|cell| cell.split('<').next().unwrap_or(""))
        .collect();
    assert_eq!(columns, ["Ref", "Action", "Status", "RAG", "Lead", "Due"]);
}

#[tokio::test]
async fn the_tracker_downloads_as_a_workbook_and_csv_now_and_as_of_a_past_day() {
    let fixture = Fixture::with_plan().await;
    let session = fixture.sign_in(Role::Viewer).await;
    let page = session.get("/?as_of=2021-07-01").await.text();
    assert!(
        page.contains(r#"href="/tracker.xlsx?as_of=2021-07-01""#),
        "the plan page offers the papers of the day it shows: {page}"
    );

    // Now: both actions, 1.2 complete.
    let now = session.get("/tracker.csv").await;
    assert_eq!(now.status, StatusCode::OK, "{}", now.text());
    let text = now.text();
    assert!(text.starts_with("Ref,"), "{text}");
    assert!(text.contains("Appoint a QA officer"), "{text}");
    assert!(text.contains("Complete"), "{text}");

    // As of 1 July 2021: 1.2 was not complete yet, and the file is named after the day.
    let then = session.get("/tracker.csv?as_of=2021-07-01").await;
    assert_eq!(then.status, StatusCode::OK);
    assert_eq!(
        then.headers["content-disposition"],
        "attachment; filename=\"tracker-2021-07-01.csv\""
    );
    assert!(!then.text().contains("Complete"), "{}", then.text());

    let workbook = session.get("/tracker.xlsx?as_of=2021-07-01").await;
    assert_eq!(workbook.status, StatusCode::OK);
    assert_eq!(
        workbook.headers["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(
        workbook.headers["content-disposition"],
        "attachment; filename=\"tracker-2021-07-01.xlsx\""
    );
    assert!(workbook.body.starts_with(b"PK\x03\x04"), "a zip package");

    // A day in the future, or not a date, is refused with what to do.
    for query in ["as_of=2999-01-01", "as_of=31-02-2021"] {
        let refused = session.get(&format!("/tracker.xlsx?{query}")).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{query}");
        assert!(
            refused.text().contains("date"),
            "{query}: {}",
            refused.text()
        );
    }
    // Signed out, the papers are not given.
    let reply = fixture.get_anonymous("/tracker.xlsx").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_narrative_downloads_in_word_and_pdf_now_and_as_of_a_past_day() {
    let fixture = Fixture::with_plan().await;
    let session = fixture.sign_in(Role::Viewer).await;

    // As of a past day: a banner says so, the downloads keep the day, and what had not happened
    // by then is not in it (1.2 was completed on 20 August 2021).
    let page = session.get("/narrative?as_of=2021-07-01").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let text = page.text();
    assert!(text.contains(r#"data-testid="past-banner""#), "{text}");
    assert!(
        text.contains(r#"href="/narrative.docx?as_of=2021-07-01""#),
        "{text}"
    );
    let then = session.get("/narrative.md?as_of=2021-07-01").await;
    assert_eq!(
        then.headers["content-disposition"],
        "attachment; filename=\"narrative-2021-07-01.md\""
    );
    let now = session.get("/narrative.md").await.text();
    // 1.2 was completed on 20 August 2021: complete now, not yet on 1 July.
    let row = "| 1\\.2 | Appoint a QA officer | Head of SEND | 31 August 2021 | complete |";
    assert!(now.contains(row), "{now}");
    assert!(!then.text().contains(row), "{}", then.text());

    let word = session.get("/narrative.docx?as_of=2021-07-01").await;
    assert_eq!(word.status, StatusCode::OK, "{}", word.text());
    assert_eq!(
        word.headers["content-type"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    assert_eq!(
        word.headers["content-disposition"],
        "attachment; filename=\"narrative-2021-07-01.docx\""
    );
    assert!(word.body.starts_with(b"PK\x03\x04"), "a zip package");

    // A PDF where the server has Chromium; where it has none, a 503 that says what to do.
    let pdf = session.get("/narrative.pdf").await;
    if wsoa_papers::pdf::browser().is_ok() {
        assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.text());
        assert_eq!(pdf.headers["content-type"], "application/pdf");
        assert!(pdf.body.starts_with(b"%PDF-"), "a PDF");
    } else {
        assert_eq!(pdf.status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(pdf.text().contains("print it to PDF from your browser"));
    }

    // A future day is refused, and nothing is given to someone signed out.
    let refused = session.get("/narrative.docx?as_of=2999-01-01").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let reply = fixture.get_anonymous("/narrative.pdf").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
}
