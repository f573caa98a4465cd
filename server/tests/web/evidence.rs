//! Evidence through the web pages: uploaded from an action's page, listed, downloaded byte for
//! byte; redacted evidence shown as such, without a link; uploads over the limit refused beside
//! the file field.

use axum::http::{Method, StatusCode};
use serde_json::json;
use wsoa_core::Role;

use crate::harness::{Fixture, UPLOAD_LIMIT};

#[tokio::test]
async fn evidence_uploaded_through_the_form_downloads_byte_identical() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    // Every byte value, and line endings a text mode would change.
    let content: Vec<u8> = (0..=255u8).cycle().take(5000).chain(*b"\r\n\n\r").collect();
    let reply = officer
        .post_multipart(
            "/actions/1.1/evidence",
            &[
                ("title", "Board minutes, 23 September 2021"),
                ("kind", "minutes"),
                ("on", "2021-09-23"),
            ],
            Some(("C:\\Users\\qa\\board minutes.bin", &content)),
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    assert_eq!(reply.location(), "/actions/1.1");
    let page = officer.get("/actions/1.1").await.text();
    assert!(
        page.contains("Evidence E1 was attached to action 1.1"),
        "{page}"
    );
    assert!(page.contains(r#"data-testid="action-evidence""#));
    assert!(page.contains(r#"href="/evidence/E1/download""#));
    assert!(
        page.contains("Download board minutes.bin"),
        "only the file's own name is kept: {page}"
    );

    let list = officer.get("/evidence").await.text();
    assert!(list.contains(r#"data-testid="evidence-row-E1""#));
    assert!(list.contains(r#"<a class="govuk-link" href="/actions/1.1">action 1.1</a>"#));
    assert!(list.contains("Minutes"));

    let download = officer.get("/evidence/E1/download").await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.body.as_ref(), content.as_slice(), "byte for byte");
    assert_eq!(
        download.headers["content-disposition"],
        "attachment; filename=\"board minutes.bin\""
    );
    assert_eq!(
        download.headers["x-content-hash"].to_str().expect("ascii"),
        blake3::hash(&content).to_hex().as_str()
    );
    // Viewers download too.
    let viewer = fixture.sign_in(Role::Viewer).await;
    assert_eq!(
        viewer.get("/evidence/E1/download").await.body.as_ref(),
        content.as_slice()
    );
    assert_eq!(
        viewer.get("/evidence/E9/download").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn redacted_evidence_is_shown_as_such_without_a_link() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    let reply = officer
        .post_multipart(
            "/actions/1.1/evidence",
            // Attached before it is redacted: nothing about evidence predates its attachment.
            &[
                ("title", "Case study"),
                ("kind", "case-study"),
                ("on", "2021-09-30"),
            ],
            Some(("case.txt", b"names a child")),
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    fixture
        .record(json!({"kind": "redact_evidence", "id": "E1", "reason": "Names a child; data-protection request 2021/14", "on": "2021-10-01"}))
        .await;
    for path in ["/evidence", "/actions/1.1"] {
        let text = officer.get(path).await.text();
        assert!(text.contains("Redacted on 1 October 2021 by officer person: Names a child; data-protection request 2021/14"), "{path}: {text}");
        assert!(!text.contains("/evidence/E1/download"), "{path}");
    }
    let gone = officer.get("/evidence/E1/download").await;
    assert_eq!(gone.status, StatusCode::GONE);
    assert!(gone.text().contains("was redacted"));
}

#[tokio::test]
async fn an_upload_over_the_limit_or_without_a_file_is_refused_beside_the_file_field() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    let before = fixture.len();
    let big = vec![7u8; usize::try_from(UPLOAD_LIMIT).expect("small") + 1];
    let reply = officer
        .post_multipart(
            "/actions/1.1/evidence",
            &[("title", "Too big")],
            Some(("big.bin", &big)),
        )
        .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    let text = reply.text();
    assert!(
        text.contains(
            r##"<a href="#evidence-file">The file is larger than this server's upload limit"##
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"value="Too big""#),
        "the title typed is kept"
    );
    let reply = officer
        .post_multipart("/actions/1.1/evidence", &[("title", "No file")], None)
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply
            .text()
            .contains(r##"<a href="#evidence-file">Choose the file to attach"##)
    );
    let reply = officer
        .post_multipart(
            "/actions/1.1/evidence",
            &[("title", " ")],
            Some(("a.txt", b"a")),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply
            .text()
            .contains(r##"<a href="#evidence-title">Enter what the document is"##)
    );
    assert!(reply.text().contains("Choose the file again"));
    // Not multipart at all.
    let reply = fixture
        .call(
            Method::POST,
            "/actions/1.1/evidence",
            &[
                ("cookie", &format!("wsoa_session={}", officer.cookie)),
                ("content-type", "text/plain"),
            ],
            b"hello".to_vec(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(fixture.len(), before);
}

#[tokio::test]
async fn evidence_can_support_a_weakness_a_workstream_or_a_measure_chosen_on_its_form() {
    let fixture = Fixture::with_plan().await;
    let officer = fixture.sign_in(Role::Officer).await;
    let list = officer.get("/evidence").await.text();
    assert!(list.contains(r#"href="/evidence/new""#), "{list}");
    let form = officer.get("/evidence/new?supports=measure:M1").await;
    assert_eq!(form.status, StatusCode::OK);
    let text = form.text();
    for needle in [
        r#"<form id="evidence-form" method="post" action="/evidence/new" enctype="multipart/form-data""#,
        r#"<option value="weakness:W1">Area of significant weakness W1: Quality assurance of EHC plans</option>"#,
        r#"<option value="workstream:WS1">Workstream WS1: EHC plan quality</option>"#,
        r#"<option value="action:1.2">Action 1.2: Appoint a QA officer</option>"#,
        r#"<option value="measure:M1" selected>"#,
    ] {
        assert!(text.contains(needle), "lacks {needle}: {text}");
    }
    assert_eq!(crate::harness::unlabelled(&text), Vec::<String>::new());
    let before = fixture.len();
    // Nothing chosen: refused beside the list, the file asked for again, nothing recorded.
    let reply = officer
        .post_multipart(
            "/evidence/new",
            &[("title", "Audit"), ("kind", "audit"), ("on", "2021-10-01")],
            Some(("audit.txt", b"twenty plans audited")),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = reply.text();
    assert!(text.contains(r##"href="#evidence-supports""##), "{text}");
    assert!(text.contains("Choose the file again"), "{text}");
    // Something that is not in the plan.
    let reply = officer
        .post_multipart(
            "/evidence/new",
            &[
                ("supports", "workstream:WS9"),
                ("title", "Audit"),
                ("kind", "audit"),
                ("on", "2021-10-01"),
            ],
            Some(("audit.txt", b"twenty plans audited")),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.text().contains(r##"href="#evidence-supports""##),
        "{}",
        reply.text()
    );
    assert_eq!(fixture.len(), before);
    for (supports, shown) in [
        ("weakness:W1", "weakness W1"),
        ("workstream:WS1", "workstream WS1"),
        ("measure:M1", "measure M1"),
    ] {
        let reply = officer
            .post_multipart(
                "/evidence/new",
                &[
                    ("supports", supports),
                    ("title", "Audit of twenty plans"),
                    ("kind", "audit"),
                    ("on", "2021-10-01"),
                ],
                Some(("audit.txt", supports.as_bytes())),
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
        assert!(
            reply.location().starts_with("/evidence#evidence-E"),
            "{}",
            reply.location()
        );
        let list = officer.get(&reply.location()).await.text();
        assert!(list.contains("was attached (event"), "{list}");
        assert!(list.contains(shown), "{shown}: {list}");
    }
    assert_eq!(fixture.len(), before + 3);
    // Only officers and admins.
    let viewer = fixture.sign_in(Role::Viewer).await;
    assert_eq!(
        viewer.get("/evidence/new").await.status,
        StatusCode::FORBIDDEN
    );
    assert!(
        !viewer
            .get("/evidence")
            .await
            .text()
            .contains("/evidence/new")
    );
}
