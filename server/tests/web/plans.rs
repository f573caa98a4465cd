//! The plans after the WSoA, monitoring reviews, measures against a trajectory and evidence
//! packs through their forms: each records the same event as its command-line form, a refused
//! form comes back with the problem beside the field and records nothing, and the plan and
//! evidence pages show what was recorded.

use axum::http::{StatusCode, header};
use wsoa_core::Role;

use crate::harness::{Fixture, unlabelled};

const PAGES: [(&str, &str); 6] = [
    ("/plans/new", "plan-start-form"),
    ("/plans/step?plan=WSoA", "plan-step-form"),
    ("/plans/review?plan=WSoA", "monitoring-form"),
    ("/workstreams/new", "workstream-form"),
    ("/measures/amend?measure=M1", "measure-amend-form"),
    ("/packs/new", "pack-form"),
];

#[tokio::test]
async fn the_forms_are_for_officers_only_and_have_labelled_fields() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    for (path, form) in PAGES {
        let reply = officer.get(path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        let text = reply.text();
        let action = path.split('?').next().unwrap_or(path);
        assert!(
            text.contains(&format!(
                r#"<form id="{form}" method="post" action="{action}""#
            )),
            "{path}: {text}"
        );
        assert!(
            text.contains(r#"class="govuk-back-link""#),
            "{path}: a back link"
        );
        assert_eq!(unlabelled(&text), Vec::<String>::new(), "{path}");
    }
    let dashboard = officer.get("/").await.text();
    for link in [
        "/plans/new",
        "/workstreams/new",
        "/plans/review",
        "/measures/amend",
        "/packs/new",
    ] {
        assert!(dashboard.contains(&format!(r#"href="{link}""#)), "{link}");
    }
    let viewer = fixture.sign_in(Role::Viewer).await;
    let auditor = fixture.sign_in(Role::Auditor).await;
    let before = fixture.len();
    for (path, _) in PAGES {
        for session in [&viewer, &auditor] {
            assert_eq!(
                session.get(path).await.status,
                StatusCode::FORBIDDEN,
                "{path}"
            );
        }
    }
    let viewer_dashboard = viewer.get("/").await.text();
    assert!(!viewer_dashboard.contains(r#"href="/packs/new""#));
    assert!(!viewer.get("/evidence").await.text().contains("/packs/new"));
    for (path, fields) in [
        (
            "/plans/new",
            vec![
                ("kind", "app"),
                ("id", "APP1"),
                ("title", "Accelerated Progress Plan"),
                ("answers", "W1"),
                ("on", "2022-01-10"),
            ],
        ),
        (
            "/plans/step",
            vec![
                ("plan", "WSoA"),
                ("step", "submitted"),
                ("on", "2021-07-30"),
            ],
        ),
        (
            "/plans/review",
            vec![
                ("plan", "WSoA"),
                ("by", "DfE"),
                ("summary", "Fine"),
                ("on", "2022-01-10"),
            ],
        ),
        (
            "/workstreams/new",
            vec![
                ("plan", "WSoA"),
                ("id", "WS9"),
                ("title", "x"),
                ("sponsor", "y"),
                ("weaknesses", "W1"),
                ("on", "2022-01-10"),
            ],
        ),
        (
            "/measures/amend",
            vec![
                ("measure", "M1"),
                ("period", "quarter"),
                ("on", "2022-01-10"),
            ],
        ),
        (
            "/packs/new",
            vec![("for", "Review"), ("to", "DfE"), ("as_of", "2022-01-10")],
        ),
    ] {
        let reply = viewer.post(path, &fields).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}");
        // And without the CSRF token, an officer is refused too.
        let reply = officer.post_raw(path, &fields).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(fixture.len(), before, "nothing was recorded");
}

#[tokio::test]
async fn a_plan_is_started_stepped_given_workstreams_and_reviewed_and_the_plan_page_shows_it() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    // Before any plan is started, the plan page has no plans section.
    assert!(
        !officer
            .get("/")
            .await
            .text()
            .contains(r#"data-testid="plans""#)
    );
    let before = fixture.len();

    // No finding ticked: refused beside the findings, what was typed kept, nothing recorded.
    let reply = officer
        .post(
            "/plans/new",
            &[
                ("kind", "app"),
                ("id", "APP1"),
                ("title", "Accelerated Progress Plan, January 2022"),
                ("on", "2022-01-10"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = reply.text();
    assert!(text.contains(r##"href="#plan-answers""##), "{text}");
    assert!(text.contains("Tick at least one finding the plan answers"));
    assert!(text.contains(r#"value="Accelerated Progress Plan, January 2022""#));
    // The WSoA's own id: refused by the rules, beside the reference.
    let reply = officer
        .post(
            "/plans/new",
            &[
                ("kind", "app"),
                ("id", "WSoA"),
                ("title", "Again"),
                ("answers", "W1"),
                ("on", "2022-01-10"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = reply.text();
    assert!(text.contains(r##"href="#plan-id""##), "{text}");
    assert!(text.contains(r#"value="W1" checked"#), "ticks kept: {text}");
    assert_eq!(fixture.len(), before, "nothing recorded");

    let page = officer
        .post_and_follow(
            "/plans/new",
            &[
                ("kind", "app"),
                ("id", "APP1"),
                ("title", "Accelerated Progress Plan, January 2022"),
                ("answers", "W1"),
                ("on-day", "10"),
                ("on-month", "1"),
                ("on-year", "2022"),
            ],
        )
        .await
        .text();
    assert!(
        page.contains("The Accelerated Progress Plan APP1 was started"),
        "{page}"
    );
    assert!(page.contains(r#"data-testid="plan-APP1""#), "{page}");
    assert!(page.contains(r#"data-testid="plan-WSoA""#), "{page}");
    assert!(
        page.contains(
            "<span class=\"govuk-caption-m\">Plan APP1</span> Accelerated Progress Plan, January 2022</h3>"
        ),
        "{page}"
    );
    assert!(page.contains("Written Statement of Action"));
    // Once there is more than one plan, each workstream says which it belongs to.
    assert!(
        page.contains(r#"data-testid="workstream-caption-WS1">Workstream WS1 of plan WSoA</span>"#),
        "{page}"
    );

    // A workstream of APP1; one whose id is taken is refused beside the reference.
    let reply = officer
        .post(
            "/workstreams/new",
            &[
                ("plan", "APP1"),
                ("id", "WS1"),
                ("title", "Weekly EHC panel"),
                ("sponsor", "Director of Education"),
                ("weaknesses", "W1"),
                ("on", "2022-01-12"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.text().contains(r##"href="#workstream-id""##));
    assert_eq!(fixture.len(), before + 1);
    for (id, title) in [("WS5", "Weekly EHC panel"), ("WS6", "Quality audits")] {
        officer
            .post_and_follow(
                "/workstreams/new",
                &[
                    ("plan", "APP1"),
                    ("id", id),
                    ("title", title),
                    ("sponsor", "Director of Education"),
                    ("weaknesses", "W1"),
                    ("on", "2022-01-12"),
                ],
            )
            .await;
    }

    // A new action's workstreams say which plan each belongs to.
    let form = officer.get("/actions/new").await.text();
    assert!(
        form.contains(r#"<option value="WS5">WS5: Weekly EHC panel (plan APP1)</option>"#),
        "{form}"
    );

    // Accepting a draft is refused beside the step, in the pages' words.
    let reply = officer
        .post(
            "/plans/step",
            &[("plan", "APP1"), ("step", "accepted"), ("on", "2022-01-20")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = reply.text();
    assert!(text.contains(r##"href="#step-step""##), "{text}");
    assert!(text.contains("record its submission first"), "{text}");
    assert!(
        !text.contains("--plan") && !text.contains("`wsoa"),
        "{text}"
    );
    // A revision needs a summary.
    let reply = officer
        .post(
            "/plans/step",
            &[("plan", "APP1"), ("step", "revised"), ("on", "2022-01-20")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.text().contains(r##"href="#step-summary""##));
    let recorded = fixture.len();
    assert_eq!(recorded, before + 3);
    // The step form starts at the plan's next step.
    let form = officer.get("/plans/step?plan=APP1").await.text();
    assert!(form.contains(r#"value="submitted" checked"#), "{form}");
    for step in ["submitted", "accepted"] {
        officer
            .post_and_follow(
                "/plans/step",
                &[("plan", "APP1"), ("step", step), ("on", "2022-01-20")],
            )
            .await;
    }
    let page = officer.get("/").await.text();
    let stage = page
        .split(r#"data-testid="plan-stage-APP1""#)
        .nth(1)
        .and_then(|rest| rest.split("</span>").next())
        .unwrap_or("");
    assert!(stage.contains("Accepted</strong> version 1"), "{stage}");
    assert!(page.contains("Last accepted 20 January 2022"), "{page}");

    // The review: first which plan, then its workstreams as checkboxes.
    let choose = officer.get("/plans/review").await;
    assert_eq!(choose.status, StatusCode::OK);
    assert!(
        choose
            .text()
            .contains(r#"id="monitoring-form-choose" method="get""#)
    );
    assert_eq!(unlabelled(&choose.text()), Vec::<String>::new());
    let unknown = officer.get("/plans/review?plan=XYZ").await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert!(unknown.text().contains("There is no plan XYZ"));
    let form = officer.get("/plans/review?plan=APP1").await.text();
    for name in ["continues", "ended"] {
        for ws in ["WS5", "WS6"] {
            assert!(
                form.contains(&format!(r#"name="{name}" value="{ws}""#)),
                "{name} {ws}: {form}"
            );
        }
    }
    assert!(
        !form.contains(r#"value="WS1""#),
        "WS1 is the WSoA's: {form}"
    );
    // Ticked both ways: refused, nothing recorded.
    let reply = officer
        .post(
            "/plans/review",
            &[
                ("plan", "APP1"),
                ("by", "DfE and NHS England advisers"),
                ("summary", "Timeliness sustained"),
                ("continues", "WS5"),
                ("ended", "WS5"),
                ("on", "2022-06-14"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.text().contains(r##"href="#monitoring-ended""##));
    // A workstream of another plan: refused by the rules.
    let reply = officer
        .post(
            "/plans/review",
            &[
                ("plan", "APP1"),
                ("by", "DfE and NHS England advisers"),
                ("summary", "Timeliness sustained"),
                ("ended", "WS1"),
                ("on", "2022-06-14"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.text().contains("belongs to plan"), "{}", reply.text());
    assert_eq!(fixture.len(), recorded + 2);

    let page = officer
        .post_and_follow(
            "/plans/review",
            &[
                ("plan", "APP1"),
                ("by", "DfE and NHS England advisers"),
                ("summary", "Timeliness sustained"),
                ("continues", "WS6"),
                ("ended", "WS5"),
                ("on-day", "14"),
                ("on-month", "6"),
                ("on-year", "2022"),
            ],
        )
        .await
        .text();
    assert!(
        page.contains("The review of plan APP1 was recorded"),
        "{page}"
    );
    let ws5 = page
        .split(r#"data-testid="plan-workstream-WS5""#)
        .nth(1)
        .and_then(|rest| rest.split("</li>").next())
        .unwrap_or("");
    assert!(ws5.contains("Monitoring ended"), "{ws5}");
    assert!(ws5.contains("14 June 2022"), "{ws5}");
    assert!(ws5.contains("DfE and NHS England advisers"), "{ws5}");
    let ws6 = page
        .split(r#"data-testid="plan-workstream-WS6""#)
        .nth(1)
        .and_then(|rest| rest.split("</li>").next())
        .unwrap_or("");
    assert!(ws6.contains("Still monitored"), "{ws6}");
    assert!(page.contains("Timeliness sustained"), "the last review");
    // WS5 is no longer offered; ending it again is refused in the pages' words.
    let form = officer.get("/plans/review?plan=APP1").await.text();
    assert!(!form.contains(r#"name="ended" value="WS5""#), "{form}");
    let after = fixture.len();
    let reply = officer
        .post(
            "/plans/review",
            &[
                ("plan", "APP1"),
                ("by", "DfE"),
                ("summary", "Again"),
                ("ended", "WS5"),
                ("on", "2022-07-14"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = reply.text();
    assert!(
        text.contains("leave workstream WS5 out of those whose monitoring ends"),
        "{text}"
    );
    assert!(!text.contains("--ended"), "{text}");
    assert_eq!(fixture.len(), after);
    // Seen on a past day, the plans section has no recording links.
    let past = officer.get("/?as_of=2022-01-15").await.text();
    assert!(past.contains(r#"data-testid="plan-APP1""#), "{past}");
    assert!(!past.contains("/plans/review?plan="), "{past}");
}

#[tokio::test]
async fn a_measures_trajectory_is_set_shown_on_the_chart_and_judged() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    let before = fixture.len();
    // A line that is not a date and a value: refused, naming the line; nothing recorded.
    let reply = officer
        .post(
            "/measures/amend",
            &[
                ("measure", "M1"),
                ("trajectory", "31/12/2021 40\n31/13/2021 50"),
                ("on", "2022-01-10"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = reply.text();
    assert!(text.contains(r##"href="#amend-trajectory""##), "{text}");
    assert!(text.contains("Line 2"), "{text}");
    assert!(
        !text.contains("DATE=VALUE") && !text.contains("--trajectory"),
        "{text}"
    );
    // A point before the baseline: the rules refuse it beside the trajectory.
    let reply = officer
        .post(
            "/measures/amend",
            &[
                ("measure", "M1"),
                ("trajectory", "01/01/2021 20"),
                ("on", "2022-01-10"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = reply.text();
    assert!(text.contains(r##"href="#amend-trajectory""##), "{text}");
    assert!(text.contains("before measure M1"), "{text}");
    // A percentage for a measure in %: read as the number.
    assert_eq!(fixture.len(), before);

    let page = officer
        .post_and_follow(
            "/measures/amend",
            &[
                ("measure", "M1"),
                (
                    "definition",
                    "New EHC plans issued within 20 weeks, as a share of all new plans",
                ),
                ("period", "quarter"),
                (
                    "trajectory",
                    "31/12/2021 40%\n2022-03-31 60\nSeptember 2022 65",
                ),
                ("on", "2022-01-10"),
            ],
        )
        .await
        .text();
    assert!(page.contains("Measure M1 was changed"), "{page}");
    let details = page
        .split(r#"data-testid="measure-details-M1""#)
        .nth(1)
        .and_then(|rest| rest.split("</dl>").next())
        .unwrap_or("");
    assert!(
        details.contains("New EHC plans issued within 20 weeks"),
        "{details}"
    );
    assert!(details.contains("The quarter"), "{details}");
    assert!(details.contains("40% by 31 December 2021"), "{details}");
    assert!(details.contains("65% by 30 September 2022"), "{details}");
    // The latest value, 57.5% on 31 March 2022, against 60% expected by then.
    assert!(details.contains("Below trajectory"), "{details}");
    assert!(
        details.contains("60% expected by 31 March 2022"),
        "{details}"
    );
    // The target date (30 September 2022) has passed without 65%.
    let headline = page
        .split(r#"data-testid="measure-headline-M1""#)
        .nth(1)
        .and_then(|rest| rest.split("</p>").next())
        .unwrap_or("");
    assert!(headline.contains("Target missed"), "{headline}");
    // The chart draws the trajectory as steps and says so in words.
    assert!(page.contains(r#"class="chart__trajectory""#), "{page}");
    assert_eq!(
        page.matches(r#"class="chart__trajectory-point""#).count(),
        3
    );
    assert!(page.contains("The trajectory, drawn as steps, expects 40% by 31 December 2021"));
    assert!(page.contains(r#"data-testid="trajectory-M1""#));

    // Without a measure, the page first asks which; an unknown one is refused.
    let choose = officer.get("/measures/amend").await;
    assert_eq!(choose.status, StatusCode::OK);
    let text = choose.text();
    assert!(
        text.contains(r#"id="measure-amend-form-choose" method="get""#),
        "{text}"
    );
    assert!(text.contains(r#"<option value="M1">M1: EHC plans issued within 20 weeks</option>"#));
    assert_eq!(unlabelled(&text), Vec::<String>::new());
    let unknown = officer.get("/measures/amend?measure=M9").await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert!(unknown.text().contains("There is no measure M9"));
    // The form comes back filled with what is recorded; sent unchanged, it records nothing.
    let form = officer.get("/measures/amend?measure=M1").await.text();
    assert!(
        form.contains("31/12/2021 40\n31/03/2022 60\n30/09/2022 65"),
        "{form}"
    );
    assert!(form.contains(r#"value="quarter" selected"#), "{form}");
    let after = fixture.len();
    let reply = officer
        .post(
            "/measures/amend",
            &[
                ("measure", "M1"),
                (
                    "definition",
                    "New EHC plans issued within 20 weeks, as a share of all new plans",
                ),
                ("period", "quarter"),
                ("trajectory", "31/12/2021 40\n31/03/2022 60\n30/09/2022 65"),
                ("on", "2022-01-11"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.text().contains("Nothing was changed"),
        "{}",
        reply.text()
    );
    assert_eq!(fixture.len(), after);
}

#[tokio::test]
async fn an_evidence_pack_is_made_downloaded_recorded_and_listed() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    let evidence = officer.get("/evidence").await.text();
    assert!(evidence.contains("No evidence pack has been recorded as sent yet."));
    assert!(evidence.contains(r#"href="/packs/new""#));
    let before = fixture.len();

    // Everything in this ledger was recorded today: a cut-off in 2021 holds nothing.
    let reply = officer
        .post(
            "/packs/new",
            &[
                ("for", "APP six-month review"),
                ("to", "DfE SEND adviser"),
                ("as_of", "2021-11-30"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = reply.text();
    assert!(text.contains(r##"href="#pack-as_of-day""##), "{text}");
    assert!(text.contains("the pack would be empty"), "{text}");
    assert!(text.contains(r#"value="APP six-month review""#), "kept");
    // A cut-off in the future: refused by the rules, in the pages' words.
    let reply = officer
        .post(
            "/packs/new",
            &[
                ("for", "APP six-month review"),
                ("to", "DfE SEND adviser"),
                ("as_of", "2099-01-01"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = reply.text();
    assert!(text.contains("is in the future"), "{text}");
    assert!(!text.contains("--as-of"), "{text}");
    // Nothing for whom: refused before anything is cut.
    let reply = officer
        .post(
            "/packs/new",
            &[("for", "APP six-month review"), ("as_of", "2021-11-30")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.text().contains(r##"href="#pack-to""##));
    assert_eq!(fixture.len(), before, "nothing recorded");

    let today = officer.get("/packs/new").await;
    let day = |part: &str| value_of(&today.text(), &format!("as_of-{part}"));
    let (d, m, y) = (day("day"), day("month"), day("year"));
    let reply = officer
        .post(
            "/packs/new",
            &[
                ("nonce", &today.hidden("nonce")),
                ("for", "APP six-month review"),
                ("to", "DfE SEND adviser"),
                ("as_of-day", &d),
                ("as_of-month", &m),
                ("as_of-year", &y),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(
        reply.headers[header::CONTENT_TYPE],
        "application/octet-stream"
    );
    let disposition = reply.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .expect("text")
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"pack-"),
        "{disposition}"
    );
    // The file is a bundle of every event before the pack's own, and verifies offline.
    let report = wsoa_store::verify_bundle(&reply.body[..], &[]).expect("the pack verifies");
    assert_eq!(report.events, before);
    assert_eq!(fixture.len(), before + 1, "recorded as sent");
    let recorded = fixture
        .reader
        .plan_at(wsoa_core::point::Point::Now)
        .expect("plan")
        .0
        .packs;
    assert_eq!(recorded.len(), 1);
    let pack = &recorded[0];
    assert_eq!(pack.events, before);
    assert_eq!(pack.size, reply.body.len() as u64);
    assert_eq!(pack.file_hash.0, *blake3::hash(&reply.body).as_bytes());
    assert_eq!(pack.head, report.head);
    assert_eq!(pack.cite.by, "officer person");

    let evidence = officer.get("/evidence").await.text();
    assert!(
        evidence.contains("The evidence pack for APP six-month review was made"),
        "{evidence}"
    );
    let row = evidence
        .split(r#"data-testid="pack-row-1""#)
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .unwrap_or("");
    assert!(row.contains("APP six-month review"), "{row}");
    assert!(row.contains("DfE SEND adviser"), "{row}");
    assert!(row.contains(&pack.file_name), "{row}");
    assert!(row.contains(&format!("{before} events")), "{row}");
    assert!(row.contains("<details"), "{row}");
    assert!(row.contains(&pack.file_hash.to_hex()), "{row}");
    // The same form sent again records nothing more, and hands out no file it did not record
    // (the ledger has grown since, so a new cut would differ).
    let nonce = today.hidden("nonce");
    let again = officer
        .post(
            "/packs/new",
            &[
                ("nonce", nonce.as_str()),
                ("for", "APP six-month review"),
                ("to", "DfE SEND adviser"),
                ("as_of-day", &d),
                ("as_of-month", &m),
                ("as_of-year", &y),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again.text().contains("This form already made a pack"),
        "{}",
        again.text()
    );
    assert_eq!(fixture.len(), before + 1, "nothing more recorded");
}

/// The value of the text input named `name` on a page.
fn value_of(page: &str, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no field {name} in {page}"))
        + marker.len();
    page[start..].split('"').next().unwrap_or("").to_owned()
}
