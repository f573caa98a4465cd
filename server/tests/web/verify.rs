//! The verification page: the ledger's facts for everyone, and for auditors a button that runs
//! the full verification and shows its plain-English report.

use axum::http::StatusCode;
use wsoa_core::Role;

use crate::harness::Fixture;

#[tokio::test]
async fn the_verify_page_shows_intact_after_an_auditor_runs_verification() {
    let fixture = Fixture::with_plan().await;
    let auditor = fixture.sign_in(Role::Auditor).await;
    let page = auditor.get("/verify").await.text();
    assert!(page.contains("No full verification has been run on this server since it started."));
    assert!(
        page.contains(r#"<form id="verify-form" method="post" action="/verify">"#),
        "{page}"
    );
    assert!(page.contains("No signed checkpoint has been kept yet."));
    assert!(page.contains(r#"data-testid="ledger-facts""#));

    assert_eq!(
        auditor.post_raw("/verify", &[]).await.status,
        StatusCode::FORBIDDEN,
        "CSRF"
    );
    let reply = auditor.post("/verify", &[]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), "/verify#last-verification");
    let page = auditor.get("/verify").await.text();
    assert!(
        page.contains("The ledger is intact. All 12 events were checked"),
        "{page}"
    );
    assert!(
        page.contains(
            r#"<strong class="govuk-tag govuk-tag--green">Intact</strong> Run by auditor person"#
        ),
        "{page}"
    );
    assert!(page.contains("Verification finished: the ledger is intact."));

    // Everyone sees the last report; only auditors and admins have the button.
    let viewer = fixture.sign_in(Role::Viewer).await;
    let page = viewer.get("/verify").await.text();
    assert!(page.contains("The ledger is intact."));
    assert!(!page.contains("verify-form"));
    let officer = fixture.sign_in(Role::Officer).await;
    assert!(!officer.get("/verify").await.text().contains("verify-form"));
    assert_eq!(
        officer.post("/verify", &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let admin = fixture.sign_in(Role::Admin).await;
    assert!(admin.get("/verify").await.text().contains("verify-form"));
}

#[tokio::test]
async fn the_latest_signed_checkpoint_is_shown_with_its_signatures() {
    let fixture = Fixture::with_plan().await;
    let size = fixture.len();
    let origin = fixture.reader.origin().expect("origin");
    let root = fixture.reader.merkle_root(size).expect("root");
    let signer = wsoa_core::note::Signer::from_seed("northshire-board", &[7; 32]).expect("signer");
    let mut note = wsoa_core::note::Note::sign(
        &wsoa_core::note::Checkpoint::new(origin.clone(), size, root)
            .to_text()
            .expect("text"),
        &signer,
    )
    .expect("signs");
    let witness = wsoa_core::note::Signer::from_seed("<b>witness</b>", &[9; 32]).expect("signer");
    note.cosign(&witness).expect("cosigns");
    let kept = fixture
        .call(
            axum::http::Method::POST,
            "/api/v1/checkpoints",
            &[
                (
                    "authorization",
                    &format!("Bearer {}", fixture.token(Role::Auditor)),
                ),
                ("content-type", "text/plain"),
            ],
            note.to_string().into_bytes(),
        )
        .await;
    assert_eq!(kept.status, StatusCode::CREATED, "{}", kept.text());
    let viewer = fixture.sign_in(Role::Viewer).await;
    let page = viewer.get("/verify").await.text();
    assert!(page.contains(r#"data-testid="checkpoint""#));
    assert!(
        page.contains(&format!("the latest pins the first {size} events")),
        "{page}"
    );
    assert!(page.contains(&root.to_hex()));
    assert!(page.contains(&origin));
    assert!(
        page.contains(&format!(
            "northshire-board (key <code>{:08x}</code>)",
            signer.key_id()
        )),
        "{page}"
    );
    assert!(
        page.contains("&lt;b&gt;witness&lt;/b&gt;"),
        "a signer's name is text: {page}"
    );

    // A full verification compares the kept checkpoint's root too.
    let auditor = fixture.sign_in(Role::Auditor).await;
    let reply = auditor.post("/verify", &[]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(
        auditor
            .get("/verify")
            .await
            .text()
            .contains("The ledger is intact.")
    );
}

#[tokio::test]
async fn the_verify_page_offers_the_latest_checkpoint_and_to_auditors_the_whole_bundle() {
    let fixture = Fixture::with_plan().await;
    let viewer = fixture.sign_in(Role::Viewer).await;
    let page = viewer.get("/verify").await.text();
    assert!(
        !page.contains("/verify/checkpoint"),
        "none kept yet: {page}"
    );
    assert!(
        !page.contains("/verify/bundle"),
        "viewers get no bundle link"
    );
    assert_eq!(
        viewer.get("/verify/checkpoint").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        viewer.get("/verify/bundle").await.status,
        StatusCode::FORBIDDEN
    );

    let size = fixture.len();
    let origin = fixture.reader.origin().expect("origin");
    let root = fixture.reader.merkle_root(size).expect("root");
    let signer = wsoa_core::note::Signer::from_seed("northshire-board", &[7; 32]).expect("signer");
    let note = wsoa_core::note::Note::sign(
        &wsoa_core::note::Checkpoint::new(origin, size, root)
            .to_text()
            .expect("text"),
        &signer,
    )
    .expect("signs");
    let kept = fixture
        .call(
            axum::http::Method::POST,
            "/api/v1/checkpoints",
            &[
                (
                    "authorization",
                    &format!("Bearer {}", fixture.token(Role::Auditor)),
                ),
                ("content-type", "text/plain"),
            ],
            note.to_string().into_bytes(),
        )
        .await;
    assert_eq!(kept.status, StatusCode::CREATED, "{}", kept.text());
    let page = viewer.get("/verify").await.text();
    assert!(
        page.contains(r#"data-testid="download-checkpoint""#),
        "{page}"
    );
    let download = viewer.get("/verify/checkpoint").await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(
        download.headers["content-disposition"],
        "attachment; filename=\"checkpoint.txt\""
    );
    assert_eq!(download.text(), note.to_string());

    let auditor = fixture.sign_in(Role::Auditor).await;
    assert!(
        auditor
            .get("/verify")
            .await
            .text()
            .contains(r#"data-testid="download-bundle""#)
    );
    let bundle = auditor.get("/verify/bundle").await;
    assert_eq!(bundle.status, StatusCode::OK);
    assert_eq!(
        bundle.headers["content-disposition"],
        "attachment; filename=\"ledger.wsoa\""
    );
    let report = wsoa_store::verify_bundle(bundle.body.as_ref(), &[(size, root)])
        .expect("the downloaded bundle verifies offline against the kept root");
    assert_eq!(report.events, size);
}
