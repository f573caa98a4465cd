//! The recording forms: CSRF and role checks on every one, validation that shows the problem
//! beside the field and keeps what was typed, and post/redirect/get to a page that shows what
//! was recorded.

use axum::http::StatusCode;
use wsoa_core::Role;

use crate::harness::{Fixture, unlabelled};

/// Every recording form's address with fields it would accept from an officer.
fn recording_posts() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    vec![
        (
            "/actions/1.1/status",
            vec![("status", "complete"), ("on", "2021-12-01")],
        ),
        (
            "/actions/1.1/amend",
            vec![
                ("owner", "QA lead"),
                ("reason", "Restructure"),
                ("on", "2021-12-01"),
            ],
        ),
        (
            "/actions/1.1/notes",
            vec![("text", "Board discussed it"), ("on", "2021-12-01")],
        ),
        (
            "/actions/new",
            vec![
                ("workstream", "WS1"),
                ("id", "1.3"),
                ("title", "Audit plans"),
                ("owner", "QA lead"),
                ("due", "2022-03-31"),
                ("on", "2021-12-01"),
            ],
        ),
        (
            "/visits/new",
            vec![
                ("by", "DfE SEND adviser"),
                ("on", "2021-12-01"),
                ("summary", "Steady"),
            ],
        ),
        (
            "/reviews/new",
            vec![
                ("forum", "SEND Improvement Board"),
                ("on", "2021-12-01"),
                ("rating-WS1", "on-track"),
            ],
        ),
        (
            "/measures/values/new",
            vec![("measure", "M1"), ("value", "60"), ("on", "2021-12-01")],
        ),
    ]
}

#[tokio::test]
async fn a_post_without_or_with_a_wrong_csrf_token_is_refused_and_appends_nothing() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    let other = fixture.sign_in(Role::Officer).await;
    let before = fixture.len();
    for (path, fields) in recording_posts() {
        let without = officer.post_raw(path, &fields).await;
        assert_eq!(
            without.status,
            StatusCode::FORBIDDEN,
            "{path}: {}",
            without.text()
        );
        assert!(
            without.text().contains("The form could not be accepted"),
            "{path}"
        );
        let mut wrong = vec![(
            "csrf",
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        )];
        wrong.extend_from_slice(&fields);
        assert_eq!(
            officer.post_raw(path, &wrong).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
        // Another session's token is as wrong as any.
        let mut theirs = vec![("csrf", other.csrf.as_str())];
        theirs.extend_from_slice(&fields);
        assert_eq!(
            officer.post_raw(path, &theirs).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let upload = officer
        .post_multipart(
            "/actions/1.1/evidence",
            &[("title", "Minutes")],
            Some(("m.txt", b"minutes")),
        )
        .await;
    assert_eq!(
        upload.status,
        StatusCode::SEE_OTHER,
        "the right token works: {}",
        upload.text()
    );
    let before_upload = fixture.len();
    assert_eq!(before_upload, before + 1);
    let forged = fixture
        .call(
            axum::http::Method::POST,
            "/actions/1.1/evidence",
            &[
                ("cookie", &format!("wsoa_session={}", officer.cookie)),
                ("content-type", "multipart/form-data; boundary=b"),
            ],
            b"--b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nForged\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.txt\"\r\n\r\nx\r\n--b--\r\n".to_vec(),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(
        fixture.len(),
        before_upload,
        "nothing appended without the token"
    );
}

#[tokio::test]
async fn viewers_and_auditors_see_no_recording_forms_and_cannot_post() {
    let fixture = Fixture::with_plan().await;
    for role in [Role::Viewer, Role::Auditor] {
        let session = fixture.sign_in(role).await;
        for path in [
            "/",
            "/actions/1.1",
            "/timeline",
            "/diff",
            "/evidence",
            "/narrative",
            "/verify",
        ] {
            let text = session.get(path).await.text();
            // The only forms: signing out, the GET filters, and (auditors) verification.
            for form in text.split("<form").skip(1) {
                let allowed = form.starts_with(r#" id="sign-out""#)
                    || form.contains(r#"method="get""#)
                    || (role == Role::Auditor && form.starts_with(r#" id="verify-form""#));
                assert!(
                    allowed,
                    "{role} sees a recording form on {path}: <form{}",
                    &form[..form.len().min(200)]
                );
            }
            // Outside the GET forms (the plan's filters have a `status` too).
            let posted: String = text
                .split("<form")
                .map(|part| match part.split_once("</form>") {
                    Some((form, after)) if form.contains(r#"method="get""#) => after,
                    _ => part,
                })
                .collect();
            for field in [
                r#"name="status""#,
                r#"name="reason""#,
                r#"type="file""#,
                r#"name="nonce""#,
            ] {
                assert!(!posted.contains(field), "{role} sees {field} on {path}");
            }
            assert!(!text.contains("Record a change"), "{path}");
        }
        for path in [
            "/actions/new",
            "/visits/new",
            "/reviews/new",
            "/measures/values/new",
        ] {
            let reply = session.get(path).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{role} {path}");
            assert!(
                !reply.text().contains("<form method=\"post\" action=\"/"),
                "{path}"
            );
            assert!(
                reply.text().contains("which may only read"),
                "{}",
                reply.text()
            );
        }
        let before = fixture.len();
        for (path, fields) in recording_posts() {
            let reply = session.post(path, &fields).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{role} {path}");
            assert!(
                reply.headers["content-type"]
                    .to_str()
                    .expect("ascii")
                    .starts_with("text/html")
            );
        }
        let upload = session
            .post_multipart(
                "/actions/1.1/evidence",
                &[("title", "Minutes")],
                Some(("m.txt", b"x")),
            )
            .await;
        assert_eq!(upload.status, StatusCode::FORBIDDEN);
        assert_eq!(fixture.len(), before, "{role} recorded nothing");
    }
}

#[tokio::test]
async fn officers_see_every_form_with_stable_ids() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    // One change at a time: the page links to each form, and `?change=` opens one.
    let page = officer.get("/actions/1.1").await.text();
    assert!(!page.contains("<form id=\"status-form\""), "{page}");
    let mut action = String::new();
    for change in ["status", "amend", "note", "evidence"] {
        let link = format!(r#"href="/actions/1.1?change={change}""#);
        assert!(page.contains(&link), "lacks {link}: {page}");
        let opened = officer
            .get(&format!("/actions/1.1?change={change}"))
            .await
            .text();
        assert_eq!(
            opened.matches("<form id=").count() - opened.matches("<form id=\"sign-out\"").count(),
            1,
            "{change}: one form"
        );
        assert_eq!(unlabelled(&opened), Vec::<String>::new(), "{change}");
        action.push_str(&opened);
    }
    for needle in [
        r#"<form id="status-form" method="post" action="/actions/1.1/status""#,
        r#"<input class="govuk-radios__input" type="radio" id="status-status" name="status" value="not-started">"#,
        r#"<input class="govuk-radios__input" type="radio" id="status-status-2" name="status" value="in-progress" checked>"#,
        r#"<label class="govuk-label govuk-radios__label" for="status-status-2">In progress</label>"#,
        r#"<legend class="govuk-fieldset__legend">RAG rating</legend>"#,
        r#"id="status-rag" name="rag""#,
        r#"id="status-note" name="note""#,
        r#"<div class="govuk-date-input" id="status-on">"#,
        r#"id="status-on-day" name="on-day""#,
        r#"id="status-on-month" name="on-month""#,
        r#"id="status-on-year" name="on-year""#,
        r#"<form id="amend-form" method="post" action="/actions/1.1/amend""#,
        r#"id="amend-due-day" name="due-day""#,
        r#"id="amend-due_words" name="due_words""#,
        r#"id="amend-reason" name="reason""#,
        r#"<form id="note-form" method="post" action="/actions/1.1/notes""#,
        r#"id="note-text" name="text""#,
        r#"<form id="evidence-form" method="post" action="/actions/1.1/evidence" enctype="multipart/form-data""#,
        r#"type="file" id="evidence-file" name="file""#,
    ] {
        assert!(action.contains(needle), "lacks {needle:?}: {action}");
    }
    for (path, form) in [
        ("/actions/new", "new-action-form"),
        ("/visits/new", "visit-form"),
        ("/reviews/new", "review-form"),
        ("/measures/values/new", "measure-value-form"),
    ] {
        let reply = officer.get(path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert!(
            reply.text().contains(&format!(
                r#"<form id="{form}" method="post" action="{path}""#
            )),
            "{path}"
        );
        assert_eq!(unlabelled(&reply.text()), Vec::<String>::new(), "{path}");
    }
    assert_eq!(unlabelled(&action), Vec::<String>::new());
}

#[tokio::test]
async fn a_status_change_through_the_form_shows_on_the_dashboard_and_in_the_history() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    let page = officer.get("/actions/1.1?change=status").await;
    let nonce = page.hidden("nonce");
    let reply = officer
        .post(
            "/actions/1.1/status",
            &[
                ("nonce", &nonce),
                ("status", "complete"),
                ("rag", "green"),
                ("note", "Framework agreed by the board"),
                ("on", "2021-09-23"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    assert_eq!(reply.location(), "/actions/1.1");
    let action = officer.get("/actions/1.1").await.text();
    assert!(action.contains(r#"data-testid="flash""#), "{action}");
    assert!(action.contains("Action 1.1 is now complete (event 12)."));
    assert!(action.contains(r#"data-testid="action-status"><strong class="govuk-tag govuk-tag--green" data-status="complete">Complete</strong>"#), "{action}");
    assert!(action.contains(r#"data-testid="history-12""#));
    assert!(action.contains("Status <strong class=\"govuk-tag govuk-tag--blue\" data-status=\"in-progress\">In progress</strong> to <strong class=\"govuk-tag govuk-tag--green\" data-status=\"complete\">Complete</strong>"));
    assert!(action.contains("Framework agreed by the board"));
    assert!(!action.contains("Overdue by"), "complete is not overdue");
    // The flash is shown once.
    assert!(
        !officer
            .get("/actions/1.1")
            .await
            .text()
            .contains(r#"data-testid="flash""#)
    );
    let dashboard = officer.get("/").await.text();
    assert!(
        dashboard.contains(r#"data-testid="count-complete"><a class="app-count__link" href="/?status=complete"><span class="app-count__number">2</span>"#),
        "{dashboard}"
    );
    assert!(
        dashboard.contains(r#"data-testid="count-overdue"><a class="app-count__link" href="/?due=overdue"><span class="app-count__number">0</span>"#)
    );
    // The event carries the session's actor, never anything the form said.
    let event = fixture
        .reader
        .event(12)
        .expect("read")
        .expect("exists")
        .event;
    assert_eq!(event.actor.name, "officer person");
    assert_eq!(event.occurred_on.to_string(), "2021-09-23");

    // The same form submitted again (a double click, a reload) records nothing more.
    let again = officer
        .post(
            "/actions/1.1/status",
            &[
                ("nonce", &nonce),
                ("status", "complete"),
                ("rag", "green"),
                ("note", "Framework agreed by the board"),
                ("on", "2021-09-23"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(fixture.len(), 13, "recorded once");
    // The same nonce for something else is refused beside the form.
    let reused = officer
        .post(
            "/actions/1.1/status",
            &[
                ("nonce", &nonce),
                ("status", "blocked"),
                ("note", "Reopened"),
                ("on", "2021-09-24"),
            ],
        )
        .await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reused.text().contains("This form was already used"));
    assert_eq!(fixture.len(), 13);
}

#[tokio::test]
async fn an_invalid_date_comes_back_with_422_the_error_beside_the_field_and_what_was_typed() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    let before = fixture.len();
    let reply = officer
        .post(
            "/visits/new",
            &[
                ("by", "DfE <adviser>"),
                ("on-day", "30"),
                ("on-month", "2"),
                ("on-year", "2021"),
                ("strengths", "Co-production\nLeadership"),
                ("concerns", "Plan quality"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = reply.text();
    assert!(text.contains("<title>Error: Record a monitoring visit"));
    assert!(text.contains(r#"data-testid="error-summary""#));
    assert!(text.contains("There is a problem"));
    // The summary links to the day, the first field of the date input.
    assert!(
        text.contains(r##"<a href="#visit-on-day">The date of the visit must be a real date: February 2021 does not have a day 30"##),
        "{text}"
    );
    assert!(
        text.contains(r#"<div class="govuk-form-group govuk-form-group--error" data-field="on">"#),
        "{text}"
    );
    // One error message for the group, which describes the fieldset.
    assert!(text.contains(r#"<p class="govuk-error-message" id="visit-on-error"><span class="govuk-visually-hidden">Error: </span>"#));
    assert_eq!(text.matches(r#"class="govuk-error-message""#).count(), 1);
    assert!(text.contains(
        r#"<fieldset class="govuk-fieldset" role="group" aria-describedby="visit-on-hint visit-on-error">"#
    ));
    // What was typed is kept (and escaped), each part marked as wrong.
    assert!(
        text.contains(r#"id="visit-on-day" name="on-day" value="30""#),
        "{text}"
    );
    assert!(text.contains(r#"id="visit-on-month" name="on-month" value="2""#));
    assert_eq!(text.matches("input--error").count(), 3, "{text}");
    assert!(text.contains(r#"value="DfE &lt;adviser&gt;""#));
    assert!(text.contains(">Co-production\nLeadership</textarea>"));
    assert_eq!(fixture.len(), before);

    // The same on the action page: only the failing form is marked, and it keeps its values.
    let reply = officer
        .post(
            "/actions/1.1/amend",
            &[
                ("owner", "QA lead"),
                ("due-day", "32"),
                ("due-month", "12"),
                ("due-year", "2021"),
                ("reason", "Restructure"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = reply.text();
    assert!(
        text.contains(r##"<a href="#amend-due-day">The deadline must be a real date"##),
        "{text}"
    );
    assert!(text.contains(r#"name="due-day" value="32""#));
    assert!(text.contains(r#"value="QA lead""#));
    assert!(text.contains(">Restructure</textarea>"));
    assert_eq!(text.matches("form-group--error").count(), 1);
    // Only the wrong part is marked: the day.
    assert_eq!(text.matches("input--error").count(), 1, "{text}");
    assert_eq!(fixture.len(), before);
}

#[tokio::test]
async fn a_date_input_says_which_part_is_missing_or_wrong_and_accepts_month_names() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    let before = fixture.len();
    for (day, month, year, link, message) in [
        (
            "18",
            "",
            "2021",
            "visit-on-month",
            "The date of the visit must include a month",
        ),
        (
            "",
            "11",
            "",
            "visit-on-day",
            "The date of the visit must include a day and year",
        ),
        ("", "", "", "visit-on-day", "Enter the date of the visit"),
        (
            "18",
            "11",
            "21",
            "visit-on-year",
            "The date of the visit: the year must include 4 numbers",
        ),
        (
            "eighteen",
            "11",
            "2021",
            "visit-on-day",
            "The date of the visit must be a real date",
        ),
        (
            "18",
            "Smarch",
            "2021",
            "visit-on-month",
            "The date of the visit must be a real date",
        ),
    ] {
        let reply = officer
            .post(
                "/visits/new",
                &[
                    ("by", "DfE SEND adviser"),
                    ("on-day", day),
                    ("on-month", month),
                    ("on-year", year),
                    ("summary", "Steady"),
                ],
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{day}/{month}/{year}"
        );
        assert!(
            reply
                .text()
                .contains(&format!(r##"<a href="#{link}">{message}"##)),
            "{day}/{month}/{year}: {}",
            reply.text()
        );
    }
    assert_eq!(fixture.len(), before, "nothing refused was recorded");
    // A month by its name, with spaces around the numbers, is a date.
    let reply = officer
        .post(
            "/visits/new",
            &[
                ("by", "DfE SEND adviser"),
                ("on-day", " 18 "),
                ("on-month", "Nov"),
                ("on-year", "2021"),
                ("summary", "Steady"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    let event = fixture
        .reader
        .event(before)
        .expect("read")
        .expect("exists")
        .event;
    assert_eq!(event.occurred_on.to_string(), "2021-11-18");
}

#[tokio::test]
async fn forms_start_with_today_in_day_month_and_year() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    let today = wsoa_server::state::today().expect("clock");
    for (path, id) in [
        ("/visits/new", "visit-on"),
        ("/actions/new", "action-on"),
        ("/reviews/new", "review-on"),
        ("/measures/values/new", "measure-on"),
        ("/actions/1.1?change=status", "status-on"),
        ("/actions/1.1?change=milestone", "milestone-on"),
        ("/events/3/correct", "correct-on"),
    ] {
        let text = officer.get(path).await.text();
        for (part, value) in [
            ("day", today.day().to_string()),
            ("month", today.month().to_string()),
            ("year", today.year().to_string()),
        ] {
            assert!(
                text.contains(&format!(
                    r#"id="{id}-{part}" name="on-{part}" value="{value}""#
                )),
                "{path} {part}: {text}"
            );
        }
        assert!(
            !text.contains(r#"type="date""#),
            "{path} has no browser date picker"
        );
    }
}

#[tokio::test]
async fn a_rule_of_the_statement_is_shown_beside_the_field_it_concerns() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    let before = fixture.len();
    // Reopening a complete action needs an update saying why (a rule of `decide`).
    let reply = officer
        .post(
            "/actions/1.2/status",
            &[("status", "in-progress"), ("on", "2021-09-01")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = reply.text();
    assert!(text.contains(r##"<a href="#status-note">Action 1.2 is complete: to move it out of complete, say why in the update"##), "{text}");
    assert!(
        !text.contains("--note"),
        "no command-line options on a web page"
    );
    // A date in the future.
    let reply = officer
        .post(
            "/actions/1.1/notes",
            &[("text", "From the future"), ("on", "2999-01-01")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.text().contains(r##"<a href="#note-on">"##),
        "{}",
        reply.text()
    );
    assert!(reply.text().contains("is in the future"));
    // A duplicate id.
    let reply = officer
        .post(
            "/actions/new",
            &[
                ("workstream", "WS1"),
                ("id", "1.1"),
                ("title", "Again"),
                ("owner", "QA lead"),
                ("due", "2022-03-31"),
                ("on", "2021-12-01"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply
            .text()
            .contains(r##"<a href="#action-id">Action 1.1 already exists"##),
        "{}",
        reply.text()
    );
    // Nothing changed in an amendment.
    let reply = officer
        .post(
            "/actions/1.1/amend",
            &[("owner", "Head of SEND"), ("reason", "None")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply
            .text()
            .contains("Change the lead, the deadline or the wording")
    );
    // A visit with no feedback, and a review that assesses nothing.
    let reply = officer
        .post("/visits/new", &[("by", "DfE"), ("on", "2021-12-01")])
        .await;
    assert!(
        reply
            .text()
            .contains(r##"<a href="#visit-summary">Enter their overall view"##)
    );
    let reply = officer
        .post("/reviews/new", &[("forum", "Board"), ("on", "2021-12-01")])
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply
            .text()
            .contains(r##"<a href="#review-rating-WS1">Assess at least one workstream"##),
        "{}",
        reply.text()
    );
    let reply = officer
        .post(
            "/measures/values/new",
            &[("measure", "M1"), ("value", "sixty"), ("on", "2021-12-01")],
        )
        .await;
    assert!(
        reply
            .text()
            .contains(r##"<a href="#measure-value">The value must be a number"##),
        "{}",
        reply.text()
    );
    assert_eq!(fixture.len(), before, "nothing refused was recorded");
}

#[tokio::test]
async fn a_new_action_visit_review_and_measure_value_are_recorded_through_their_forms() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    let action = officer
        .post_and_follow(
            "/actions/new",
            &[
                ("workstream", "WS1"),
                ("id", "1.3"),
                ("title", "Audit twenty plans a month"),
                ("owner", "QA officer"),
                ("due", "2022-03-31"),
                ("success", "Audit reports to the board\n\nTwenty a month"),
                ("on", "2021-12-01"),
            ],
        )
        .await
        .text();
    assert!(
        action.contains(r#"data-testid="action-title">Audit twenty plans a month</h1>"#),
        "{action}"
    );
    assert!(action.contains("<li>Twenty a month</li>"));

    let diff = officer
        .post_and_follow(
            "/visits/new",
            &[
                ("by", "DfE SEND adviser"),
                ("on", "2022-01-12"),
                ("summary", "Good progress"),
                ("strengths", "Leadership"),
                ("concerns", "Plan quality"),
                ("next_steps", "Show impact"),
            ],
        )
        .await
        .text();
    assert!(
        diff.contains("The monitoring visit of 12 January 2022 was recorded"),
        "{diff}"
    );
    assert!(diff.contains("monitoring visit 2"));

    let dashboard = officer
        .post_and_follow(
            "/reviews/new",
            &[
                ("forum", "SEND Improvement Board"),
                ("on", "2022-01-20"),
                ("rating-WS1", "at-risk"),
                ("note-WS1", "Audit late"),
            ],
        )
        .await
        .text();
    assert!(
        dashboard.contains("The review of 1 workstream was recorded"),
        "{dashboard}"
    );
    assert!(
        dashboard.contains(">At risk</strong> SEND Improvement Board"),
        "{dashboard}"
    );

    let reply = officer
        .post(
            "/measures/values/new",
            &[
                ("measure", "M1"),
                ("value", "63.5"),
                ("on", "2022-06-30"),
                ("source", "EHC hub"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    assert_eq!(reply.location(), "/#measure-M1");
    let dashboard = officer.get("/").await.text();
    assert!(dashboard.contains("63.5%"));
    assert!(dashboard.contains("Line chart of 3 values"));
    assert_eq!(fixture.len(), 16);
}

#[tokio::test]
async fn amending_and_noting_an_action_through_its_forms() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    let page = officer
        .post_and_follow(
            "/actions/1.1/amend",
            &[
                ("owner", "QA lead"),
                ("due", "2021-12-31"),
                ("title", "Agree a QA framework"),
                ("reason", "Consultation extended"),
                ("on", "2021-09-20"),
            ],
        )
        .await
        .text();
    assert!(
        page.contains("The deadline of action 1.1 was moved"),
        "{page}"
    );
    assert!(page.contains(r#"data-testid="action-owner">QA lead</span>"#));
    assert!(page.contains("Deadline: 30 September 2021 to <strong>31 December 2021</strong>"));
    assert!(page.contains("Lead: Head of SEND to <strong>QA lead</strong>"));
    // The unchanged wording was not sent as a change.
    assert!(!page.contains("Wording: "));
    let page = officer
        .post_and_follow(
            "/actions/1.1/notes",
            &[
                ("text", "Parents asked for a summary"),
                ("from", "Parent Carer Forum"),
                ("on", "2021-09-21"),
            ],
        )
        .await
        .text();
    assert!(page.contains("The note was added to action 1.1"));
    assert!(page.contains("Parents asked for a summary"));
}

#[tokio::test]
async fn a_deadline_is_a_date_or_as_written_in_the_plan_never_both_or_neither() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    let before = fixture.len();
    let new_action = |due: Vec<(&'static str, &'static str)>| {
        let mut fields = vec![
            ("workstream", "WS1"),
            ("id", "1.3"),
            ("title", "Audit plans"),
            ("owner", "QA lead"),
            ("on-day", "1"),
            ("on-month", "12"),
            ("on-year", "2021"),
        ];
        fields.extend(due);
        fields
    };
    // Neither.
    let reply = officer
        .post(
            "/actions/new",
            &new_action(vec![
                ("due-day", ""),
                ("due-month", ""),
                ("due-year", ""),
                ("due_words", " "),
            ]),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.text().contains(r##"<a href="#action-due-day">Enter the deadline: a date, or the deadline as written in the plan"##),
        "{}",
        reply.text()
    );
    // Both.
    let reply = officer
        .post(
            "/actions/new",
            &new_action(vec![
                ("due-day", "31"),
                ("due-month", "3"),
                ("due-year", "2022"),
                ("due_words", "Spring term 2022"),
            ]),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.text().contains(
            "Enter the deadline once: either a date, or as written in the plan, not both"
        ),
        "{}",
        reply.text()
    );
    // Words that are not a deadline, shown beside the words' field with what to write.
    let reply = officer
        .post(
            "/actions/new",
            &new_action(vec![("due_words", "Winter 2021")]),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply
            .text()
            .contains(r##"<a href="#action-due_words">&#39;Winter 2021&#39; is not a deadline"##)
            || reply
                .text()
                .contains(r##"<a href="#action-due_words">'Winter 2021' is not a deadline"##),
        "{}",
        reply.text()
    );
    assert!(reply.text().contains(r#"value="Winter 2021""#));
    assert_eq!(fixture.len(), before, "nothing refused was recorded");

    // As the council wrote it: the words are kept, with the day they stand for.
    let page = officer
        .post_and_follow(
            "/actions/new",
            &new_action(vec![
                ("due-day", ""),
                ("due-month", ""),
                ("due-year", ""),
                ("due_words", "Autumn term 2021"),
            ]),
        )
        .await
        .text();
    assert!(
        page.contains(r#"<span data-testid="deadline-words">Autumn term 2021</span> (<time datetime="2021-12-31">31 December 2021</time>)"#),
        "{page}"
    );
    let event = fixture
        .reader
        .event(before)
        .expect("read")
        .expect("exists")
        .event;
    assert_eq!(event.body.kind(), "action_created_with_deadline");
    // The amendment form starts with the words, not a date.
    let amend = officer.get("/actions/1.3?change=amend").await.text();
    assert!(amend.contains(r#"id="amend-due_words" name="due_words" value="Autumn term 2021""#));
    assert!(amend.contains(r#"id="amend-due-day" name="due-day" value="""#));
    let dashboard = officer.get("/").await.text();
    assert!(
        dashboard.contains(
            r#"<span data-testid="deadline-words">Autumn term 2021 (31 December 2021)</span>"#
        ),
        "{dashboard}"
    );

    // Amended to recurring words, through the same form.
    let page = officer
        .post_and_follow(
            "/actions/1.3/amend",
            &[
                ("owner", "QA lead"),
                ("title", "Audit plans"),
                ("due-day", ""),
                ("due-month", ""),
                ("due-year", ""),
                ("due_words", "Termly"),
                ("reason", "Audits continue every term"),
                ("on-day", "2"),
                ("on-month", "12"),
                ("on-year", "2021"),
            ],
        )
        .await
        .text();
    assert!(
        page.contains("The deadline of action 1.3 was moved"),
        "{page}"
    );
    assert!(
        page.contains(r#"<span data-testid="deadline-words">Termly</span> (next update due by"#),
        "{page}"
    );
    // Sent again unchanged, the words are no change.
    let reply = officer
        .post(
            "/actions/1.3/amend",
            &[
                ("owner", "QA lead"),
                ("due_words", "Termly"),
                ("reason", "Again"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply
            .text()
            .contains("Change the lead, the deadline or the wording")
    );
    // And back to a date.
    let page = officer
        .post_and_follow(
            "/actions/1.3/amend",
            &[
                ("due-day", "31"),
                ("due-month", "3"),
                ("due-year", "2022"),
                ("due_words", ""),
                ("reason", "Audits end in March"),
                ("on-day", "3"),
                ("on-month", "12"),
                ("on-year", "2021"),
            ],
        )
        .await
        .text();
    assert!(
        page.contains(r#"data-testid="action-due"><time datetime="2022-03-31">"#),
        "{page}"
    );
}

#[tokio::test]
async fn a_percentage_may_be_written_with_its_sign_only_for_a_measure_in_percent() {
    let fixture = Fixture::with_plan().await;
    fixture
        .record(serde_json::json!({"kind": "define_measure", "id": "M2", "title": "Families at the forum", "unit": "families", "baseline": "40", "baseline_on": "2021-03-31", "target": "80", "target_by": "2022-09-30", "weaknesses": ["W1"], "on": "2021-05-01"}))
        .await;
    let officer = fixture.sign_in(Role::Officer).await;
    let before = fixture.len();
    let reply = officer
        .post(
            "/measures/values/new",
            &[("measure", "M2"), ("value", "63%"), ("on", "2021-12-01")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.text().contains(r##"<a href="#measure-value">The value is not a percentage: this measure is counted in families, so enter the number alone, such as 63"##),
        "{}",
        reply.text()
    );
    assert_eq!(fixture.len(), before);
    let reply = officer
        .post(
            "/measures/values/new",
            &[("measure", "M1"), ("value", " 63 % "), ("on", "2021-12-01")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    let event = fixture
        .reader
        .event(before)
        .expect("read")
        .expect("exists")
        .event;
    match event.body {
        wsoa_core::EventBody::MeasureRecorded(recorded) => {
            assert_eq!(recorded.value.to_string(), "63");
        }
        other => panic!("not a measure's value: {other:?}"),
    }
}

#[tokio::test]
async fn status_and_rag_are_radios_and_a_choice_is_recorded() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    let page = officer.get("/actions/1.1?change=status").await.text();
    assert!(!page.contains(r#"<select class="govuk-select" id="status-status""#));
    // The RAG keeps its value unless another is chosen: the first radio says which it is.
    assert!(
        page.contains(r#"<input class="govuk-radios__input" type="radio" id="status-rag" name="rag" value="" checked><label class="govuk-label govuk-radios__label" for="status-rag">Keep as it is (amber)</label>"#),
        "{page}"
    );
    let page = officer
        .post_and_follow(
            "/actions/1.1/status",
            &[("status", "blocked"), ("rag", "red"), ("on", "2021-12-01")],
        )
        .await
        .text();
    assert!(
        page.contains(
            r#"data-testid="action-rag"><strong class="govuk-tag govuk-tag--red" data-rag="red">Red</strong>"#
        ),
        "{page}"
    );
    // The form, opened again, starts from the new status.
    let form = officer.get("/actions/1.1?change=status").await.text();
    assert!(
        form.contains(r#"id="status-status-4" name="status" value="blocked" checked>"#),
        "{form}"
    );
}

#[tokio::test]
async fn a_deadline_not_yet_set_is_shown_as_a_gap_and_a_quarter_with_its_day() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    for (id, words) in [("1.3", "TBC"), ("1.4", "Q3 2021/22")] {
        let reply = officer
            .post(
                "/actions/new",
                &[
                    ("workstream", "WS1"),
                    ("id", id),
                    ("title", "Audit plans"),
                    ("owner", "QA lead"),
                    ("due_words", words),
                    ("on-day", "1"),
                    ("on-month", "6"),
                    ("on-year", "2021"),
                ],
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{words}: {}",
            reply.text()
        );
    }
    let page = officer.get("/actions/1.3").await.text();
    assert!(
        page.contains(r#"<span data-testid="deadline-words">TBC</span> <strong class="govuk-tag govuk-tag--yellow">No deadline set</strong>"#),
        "{page}"
    );
    assert!(
        !page.contains("Overdue by"),
        "a deadline not set is never overdue"
    );
    let page = officer.get("/actions/1.4").await.text();
    assert!(
        page.contains(r#"<span data-testid="deadline-words">Q3 2021/22</span> (<time datetime="2021-12-31">31 December 2021</time>)"#),
        "{page}"
    );
    let dashboard = officer.get("/").await.text();
    assert!(
        dashboard.contains(r#"<span data-testid="deadline-words">TBC — no deadline set</span>"#),
        "{dashboard}"
    );
    // Overdue judges the day the words stand for.
    let overdue = officer.get("/?due=overdue").await.text();
    assert!(
        overdue.contains(r#"data-testid="action-row-1.4""#),
        "{overdue}"
    );
    assert!(!overdue.contains(r#"data-testid="action-row-1.3""#));
}
