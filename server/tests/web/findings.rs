//! The forms of inspections, findings, milestones and the families' voice: each records the
//! same event as its command-line form, shows the problem beside the field when refused (and
//! records nothing), and the plan and action pages show what was recorded in the framework's
//! words.

use axum::http::StatusCode;
use wsoa_core::Role;

use crate::harness::{Fixture, unlabelled};

#[tokio::test]
async fn the_new_forms_are_for_officers_only_and_have_labelled_fields() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    for (path, form) in [
        ("/inspections/new", "inspection-form"),
        ("/findings/new", "finding-form"),
        ("/coproduction/new", "coproduction-form"),
    ] {
        let reply = officer.get(path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        let text = reply.text();
        assert!(
            text.contains(&format!(
                r#"<form id="{form}" method="post" action="{path}""#
            )),
            "{path}: {text}"
        );
        assert_eq!(unlabelled(&text), Vec::<String>::new(), "{path}");
    }
    let dashboard = officer.get("/").await.text();
    for link in ["/inspections/new", "/findings/new", "/coproduction/new"] {
        assert!(dashboard.contains(&format!(r#"href="{link}""#)), "{link}");
    }
    let viewer = fixture.sign_in(Role::Viewer).await;
    let before = fixture.len();
    for path in ["/inspections/new", "/findings/new", "/coproduction/new"] {
        assert_eq!(
            viewer.get(path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    for (path, fields) in [
        (
            "/inspections/new",
            vec![
                ("framework", "2023"),
                ("kind", "full"),
                ("inspectorates", "Ofsted"),
                ("from", "2023-10-02"),
                ("to", "2023-10-06"),
                ("published", "2023-11-20"),
            ],
        ),
        (
            "/coproduction/new",
            vec![
                ("about", "W1"),
                ("from", "Forum"),
                ("said", "x"),
                ("did", "y"),
                ("on", "2022-01-01"),
            ],
        ),
        (
            "/actions/1.1/milestones",
            vec![("id", "3m"), ("title", "x"), ("due", "2021-12-31")],
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
async fn a_2023_inspection_and_its_findings_are_recorded_and_shown_in_the_frameworks_words() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    let before = fixture.len();

    // An outcome under the 2016 framework is refused beside the outcome, nothing recorded.
    let reply = officer
        .post(
            "/inspections/new",
            &[
                ("framework", "2016"),
                ("kind", "full"),
                ("outcome", "inconsistent"),
                ("inspectorates", "Ofsted\nCQC"),
                ("from-day", "2"),
                ("from-month", "10"),
                ("from-year", "2023"),
                ("to-day", "6"),
                ("to-month", "10"),
                ("to-year", "2023"),
                ("published-day", "20"),
                ("published-month", "11"),
                ("published-year", "2023"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = reply.text();
    assert!(text.contains(r##"href="#inspection-outcome""##), "{text}");
    assert!(
        text.contains("2016 framework, which gives no overall outcome"),
        "{text}"
    );
    assert!(
        text.contains(r#"value="inconsistent" checked"#),
        "kept: {text}"
    );
    assert!(
        text.contains("record it under the 2023 framework, or without an outcome"),
        "no command-line options: {text}"
    );
    // A missing date says which.
    let reply = officer
        .post(
            "/inspections/new",
            &[
                ("framework", "2023"),
                ("kind", "full"),
                ("inspectorates", "Ofsted"),
                ("to", "2023-10-06"),
                ("published", "2023-11-20"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.text().contains("Enter the first day on site"));
    assert_eq!(fixture.len(), before);

    let reply = officer
        .post(
            "/inspections/new",
            &[
                ("framework", "2023"),
                ("kind", "full"),
                ("outcome", "inconsistent"),
                ("inspectorates", "Ofsted\nCQC"),
                ("from", "2023-10-02"),
                ("to", "2023-10-06"),
                ("published", "2023-11-20"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    assert_eq!(reply.location(), "/#inspections");
    let plan = officer.get("/").await.text();
    assert!(
        plan.contains(
            "The 2023 framework, full inspection published on 20 November 2023 was recorded"
        ),
        "{plan}"
    );
    assert!(
        plan.contains(r#"data-testid="inspection-I1""#),
        "the 2016 one"
    );
    assert!(plan.contains(r#"data-testid="inspection-I2""#), "{plan}");
    assert!(
        plan.contains("Inconsistent experiences and outcomes"),
        "{plan}"
    );
    assert!(plan.contains("Area of significant weakness W1"), "{plan}");

    // A 2016 type of finding for the 2023 inspection is refused beside the type.
    let reply = officer
        .post(
            "/findings/new",
            &[
                ("inspection", "I2"),
                ("type", "weakness"),
                ("id", "AP1"),
                ("title", "Timeliness of EHC plans"),
                ("on", "2023-11-20"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = reply.text();
    assert!(text.contains(r##"href="#finding-type""##), "{text}");
    assert!(!text.contains("--type"), "no command-line options: {text}");
    // An id already used is refused beside the reference.
    let reply = officer
        .post(
            "/findings/new",
            &[
                ("type", "priority-action"),
                ("id", "W1"),
                ("title", "Again"),
                ("on", "2023-11-20"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.text().contains(r##"href="#finding-id""##),
        "{}",
        reply.text()
    );
    let recorded = fixture.len();
    assert_eq!(recorded, before + 1);

    for (id, kind, title) in [
        ("AP1", "priority-action", "Timeliness of EHC plans"),
        ("AFI1", "improvement", "Transition to adulthood"),
        ("AFI2", "improvement", "Joint commissioning"),
    ] {
        let reply = officer
            .post(
                "/findings/new",
                &[
                    ("type", kind),
                    ("id", id),
                    ("title", title),
                    ("finding", "Leaders do not know."),
                    ("on", "2023-11-20"),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
        assert_eq!(reply.location(), format!("/#weakness-{id}"));
    }
    let plan = officer.get("/").await.text();
    assert!(
        plan.contains("Area for priority action AP1 was added")
            || plan.contains("Area for improvement AFI2 was added"),
        "{plan}"
    );
    let group = |testid: &str| {
        let start = plan
            .find(&format!(r#"data-testid="{testid}""#))
            .unwrap_or_else(|| panic!("{testid} in {plan}"));
        plan[start..start + plan[start..].find("</ul>").expect("list ends")].to_owned()
    };
    assert!(group("findings-I2-priority-action").contains("AP1"));
    let improvements = group("findings-I2-improvement");
    assert!(improvements.contains("AFI1") && improvements.contains("AFI2"));
    assert!(
        plan.contains("<h4 class=\"govuk-heading-s\">Areas for improvement</h4>"),
        "{plan}"
    );
    assert!(group("findings-I1-weakness").contains("W1"));
    assert!(plan.contains("Area for priority action AP1"), "{plan}");
    assert_eq!(fixture.len(), recorded + 3);
}

#[tokio::test]
async fn you_said_we_did_is_recorded_and_shown_under_its_weakness() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    let before = fixture.len();
    let reply = officer
        .post(
            "/coproduction/new",
            &[
                ("about", "W1"),
                ("from", "Northshire Parent Carer Forum"),
                ("respondents", "0"),
                ("said", ""),
                ("did", "Set up a panel"),
                ("on", "2022-01-10"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = reply.text();
    assert!(
        text.contains("How many responded must be a whole number"),
        "{text}"
    );
    assert!(text.contains("Enter what they said"), "{text}");
    assert!(text.contains("Set up a panel"), "kept: {text}");
    let reply = officer
        .post(
            "/coproduction/new",
            &[
                ("about", "W9"),
                ("from", "Forum"),
                ("said", "Plans are late"),
                ("did", "More staff"),
                ("on", "2022-01-10"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.text().contains(r##"href="#coproduction-about""##));
    assert_eq!(fixture.len(), before);

    let plan = officer
        .post_and_follow(
            "/coproduction/new",
            &[
                ("about", "W1"),
                ("from", "Parent survey"),
                ("respondents", "212"),
                ("said", "Plans do not describe my child"),
                ("did", "Families co-write section A"),
                ("on-day", "10"),
                ("on-month", "1"),
                ("on-year", "2022"),
            ],
        )
        .await
        .text();
    assert!(
        plan.contains("What families said about W1 was recorded"),
        "{plan}"
    );
    let start = plan
        .find(r#"data-testid="coproduction-W1""#)
        .expect("shown");
    let section = &plan[start..];
    assert!(section.contains("You said, we did, the difference it made"));
    assert!(
        section.contains("Parent survey (212 respondents)"),
        "{section}"
    );
    assert!(section.contains("Plans do not describe my child"));
    assert!(section.contains("Families co-write section A"));
    assert!(section.contains("Not yet known"));
    assert_eq!(fixture.len(), before + 1);
}

#[tokio::test]
async fn milestones_are_added_met_and_missed_on_the_action_page() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    let page = officer.get("/actions/1.1").await.text();
    assert!(page.contains("No milestones are set for this action."));
    assert!(page.contains(r#"href="/actions/1.1?change=milestone""#));
    assert!(
        !page.contains("change=milestone-outcome"),
        "nothing to record yet"
    );
    let page = officer.get("/actions/1.1?change=milestone").await.text();
    assert!(
        page.contains(
            r#"<form id="milestone-form" method="post" action="/actions/1.1/milestones""#
        )
    );
    assert_eq!(unlabelled(&page), Vec::<String>::new());
    let page = officer
        .get("/actions/1.1?change=milestone-outcome")
        .await
        .text();
    assert!(
        !page.contains("milestone-outcome-form"),
        "nothing to record yet"
    );
    let before = fixture.len();

    // Neither a date nor words: refused beside the deadline.
    let reply = officer
        .post(
            "/actions/1.1/milestones",
            &[
                ("id", "3m"),
                ("title", "Framework drafted"),
                ("on", "2021-06-01"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.text().contains(r##"href="#milestone-due""##),
        "{}",
        reply.text()
    );
    assert_eq!(fixture.len(), before);

    let page = officer
        .post_and_follow(
            "/actions/1.1/milestones",
            &[
                ("id", "3m"),
                ("title", "Framework drafted"),
                ("due", "2021-08-31"),
                ("on", "2021-06-01"),
            ],
        )
        .await
        .text();
    assert!(
        page.contains("Milestone 3m was added to action 1.1"),
        "{page}"
    );
    assert!(page.contains(r#"data-testid="milestone-3m""#));
    assert!(page.contains(r#"data-milestone-state="overdue""#), "{page}");
    officer
        .post_and_follow(
            "/actions/1.1/milestones",
            &[
                ("id", "6m"),
                ("title", "Framework agreed"),
                ("due_words", "Q3 2021/22"),
                ("on", "2021-06-01"),
            ],
        )
        .await;
    // The same reference again is refused beside it.
    let reply = officer
        .post(
            "/actions/1.1/milestones",
            &[
                ("id", "3m"),
                ("title", "Again"),
                ("due", "2021-09-30"),
                ("on", "2021-06-01"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.text().contains(r##"href="#milestone-id""##));

    // Missed needs a reason.
    let reply = officer
        .post(
            "/actions/1.1/milestones/outcome",
            &[
                ("milestone", "3m"),
                ("outcome", "missed"),
                ("on", "2021-09-01"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.text().contains("Enter why the milestone was missed"));
    let page = officer
        .post_and_follow(
            "/actions/1.1/milestones/outcome",
            &[
                ("milestone", "3m"),
                ("outcome", "missed"),
                ("text", "Consultation ran late"),
                ("on", "2021-09-01"),
            ],
        )
        .await
        .text();
    assert!(
        page.contains("Milestone 3m of action 1.1 was recorded as missed"),
        "{page}"
    );
    assert!(page.contains(r#"data-milestone-state="missed""#), "{page}");
    assert!(page.contains("Missed: Consultation ran late"));
    let page = officer
        .post_and_follow(
            "/actions/1.1/milestones/outcome",
            &[
                ("milestone", "3m"),
                ("outcome", "met"),
                ("on", "2021-10-01"),
            ],
        )
        .await
        .text();
    assert!(
        page.contains(r#"data-milestone-state="met late""#),
        "{page}"
    );
    // Met twice is refused beside the milestone, nothing recorded.
    let len = fixture.len();
    let reply = officer
        .post(
            "/actions/1.1/milestones/outcome",
            &[
                ("milestone", "3m"),
                ("outcome", "met"),
                ("on", "2021-10-02"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = reply.text();
    assert!(
        text.contains(r##"href="#milestone-outcome-milestone""##),
        "{text}"
    );
    assert!(text.contains("was already met"), "{text}");
    assert_eq!(fixture.len(), len);
    assert!(
        text.contains("Q3 2021/22"),
        "the 6m milestone's words: {text}"
    );
}
