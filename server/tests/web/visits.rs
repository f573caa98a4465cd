//! A monitoring visit through its form: points tied to the findings they concern and the
//! visit's letter uploaded in the same step; a point naming a finding that is not recorded
//! comes back beside its field, and nothing is written, not even the letter.

use axum::http::StatusCode;
use wsoa_core::Role;

use crate::harness::Fixture;

#[tokio::test]
async fn a_visit_with_its_letter_and_points_tied_to_findings_is_recorded_in_one_step() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    let form = officer.get("/visits/new").await.text();
    assert!(
        form.contains(r#"enctype="multipart/form-data""#),
        "the form sends a file: {form}"
    );
    assert!(form.contains(r#"name="letter""#), "{form}");
    assert!(
        form.contains("[W2]"),
        "the hint says how to tie a point: {form}"
    );
    let before = fixture.len();
    let letter = b"Dear Director, thank you for welcoming us on 1 December 2021.";
    let reply = officer
        .post_file(
            "/visits/new",
            &[
                ("by", "DfE SEND adviser"),
                ("on-day", "1"),
                ("on-month", "12"),
                ("on-year", "2021"),
                ("strengths", "The board is well attended"),
                ("concerns", "[W1] The QA framework is not yet agreed"),
            ],
            "letter",
            Some(("visit letter.txt", letter)),
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    assert_eq!(fixture.len(), before + 2, "the letter and the visit");
    let evidence = officer.get("/evidence").await.text();
    assert!(
        evidence.contains("Monitoring visit letter, 1 December 2021"),
        "{evidence}"
    );
    let download = officer.get("/evidence/E1/download").await;
    assert_eq!(download.body.as_ref(), letter.as_slice(), "byte for byte");
    let narrative = officer.get("/narrative").await.text();
    assert!(
        narrative.contains("raised this concern: \u{201c}The QA framework is not yet agreed"),
        "{narrative}"
    );
    assert!(
        narrative.contains("Their letter is kept as evidence E1."),
        "{narrative}"
    );
}

#[tokio::test]
async fn a_point_naming_an_unrecorded_finding_comes_back_beside_its_field_and_keeps_nothing() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    let before = fixture.len();
    let reply = officer
        .post_file(
            "/visits/new",
            &[
                ("by", "DfE SEND adviser"),
                ("on-day", "1"),
                ("on-month", "12"),
                ("on-year", "2021"),
                ("concerns", "[W9] Plans are late"),
            ],
            "letter",
            Some(("letter.txt", b"Not to be kept.")),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = reply.text();
    assert!(
        text.contains(
            r#"<div class="govuk-form-group govuk-form-group--error" data-field="concerns">"#
        ),
        "beside the concerns: {text}"
    );
    assert!(text.contains("W9"), "{text}");
    assert_eq!(fixture.len(), before, "nothing was written");
    let content = fixture.dir().join("content");
    assert_eq!(
        std::fs::read_dir(&content).map_or(0, |dir| dir.count()),
        0,
        "no letter content was kept"
    );
    // An unclosed bracket is named beside its field before anything is sent.
    let reply = officer
        .post(
            "/visits/new",
            &[
                ("by", "DfE SEND adviser"),
                ("on-day", "1"),
                ("on-month", "12"),
                ("on-year", "2021"),
                ("strengths", "[W1 Strong"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.text().contains("closed with ]"), "{}", reply.text());
}

#[tokio::test]
async fn a_visit_form_with_its_letter_sent_twice_records_once() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    let form = officer.get("/visits/new").await;
    let nonce = form.hidden("nonce");
    assert!(!nonce.is_empty(), "the form carries a nonce");
    let before = fixture.len();
    let fields = [
        ("nonce", nonce.as_str()),
        ("by", "DfE SEND adviser"),
        ("on-day", "1"),
        ("on-month", "12"),
        ("on-year", "2021"),
        ("concerns", "[W1] The QA framework is not yet agreed"),
    ];
    let letter: &[u8] = b"Dear Director";
    for _ in 0..2 {
        let reply = officer
            .post_file(
                "/visits/new",
                &fields,
                "letter",
                Some(("letter.txt", letter)),
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    }
    assert_eq!(fixture.len(), before + 2, "the letter and the visit, once");
    // The same nonce with something else typed is refused, and records nothing.
    let changed = [
        ("nonce", nonce.as_str()),
        ("by", "Someone else"),
        ("on-day", "1"),
        ("on-month", "12"),
        ("on-year", "2021"),
        ("concerns", "Another concern"),
    ];
    let reply = officer
        .post_file(
            "/visits/new",
            &changed,
            "letter",
            Some(("letter.txt", letter)),
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text()
    );
    assert_eq!(fixture.len(), before + 2);
}
