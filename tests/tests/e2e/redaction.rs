//! Redaction for data protection: a redacted piece of evidence can no longer be retrieved, yet
//! the ledger still verifies (the attach event keeps its content hash) and says that evidence
//! was redacted; content shared with evidence that is not redacted stays retrievable.

use wsoa_core::Digest;

use crate::harness::Sandbox;

/// A case study that names a child: what redaction exists for.
const CASE_STUDY: &[u8] = b"Case study: Child A, aged 9, attends Northshire Primary School.\n";

/// Attaches `name` as evidence supporting W1 and returns the reported id.
fn attach(sandbox: &Sandbox, name: &str, contents: &[u8], kind: &str) -> String {
    let path = sandbox.file(name, contents);
    let report = sandbox.record(&[
        "evidence",
        "attach",
        path.to_str().expect("UTF-8 path"),
        "--title",
        name,
        "--kind",
        kind,
        "--supports",
        "W1",
        "--on",
        "2021-11-02",
    ]);
    report["id"].as_str().expect("an id").to_owned()
}

/// A ledger with weakness W1.
fn ledger() -> Sandbox {
    let sandbox = Sandbox::opened();
    sandbox
        .run(&[
            "weakness",
            "add",
            "W1",
            "--title",
            "EHC plan quality",
            "--on",
            "2021-04-20",
        ])
        .success();
    sandbox
}

#[test]
fn redacted_evidence_cannot_be_retrieved_but_the_ledger_verifies() {
    let sandbox = ledger();
    let case_study = attach(&sandbox, "case-study-child-a.txt", CASE_STUDY, "case-study");
    let minutes = attach(
        &sandbox,
        "board-minutes.pdf",
        b"%PDF-1.4 SEND Improvement Board minutes %%EOF",
        "minutes",
    );
    assert_eq!((case_study.as_str(), minutes.as_str()), ("E1", "E2"));

    let redacted = sandbox.record(&[
        "evidence",
        "redact",
        "E1",
        "--reason",
        "Case study names a child; subject access request 2022/114",
        "--on",
        "2022-03-01",
    ]);
    assert_eq!(redacted["kind"], "evidence_redacted");
    assert_eq!(redacted["id"], "E1");

    let out = sandbox.root().join("case-study-copy.txt");
    let refused = sandbox
        .run(&[
            "evidence",
            "get",
            "E1",
            "--out",
            out.to_str().expect("UTF-8 path"),
        ])
        .code_is(2);
    assert!(
        refused.stderr.contains("evidence E1 was redacted"),
        "{}",
        refused.stderr
    );
    assert!(
        !out.exists(),
        "nothing should be written for redacted evidence"
    );

    let minutes_copy = sandbox.root().join("minutes-copy.pdf");
    sandbox
        .run(&[
            "evidence",
            "get",
            "E2",
            "--out",
            minutes_copy.to_str().expect("UTF-8 path"),
        ])
        .success();
    assert_eq!(
        std::fs::read(&minutes_copy).expect("written"),
        b"%PDF-1.4 SEND Improvement Board minutes %%EOF"
    );

    let text = sandbox.run(&["verify"]).success();
    assert!(
        text.stdout.contains("intact") && text.stdout.contains("redacted"),
        "verify should pass and mention the redaction: {}",
        text.stdout
    );
    assert!(
        text.stdout.contains(
            "Evidence E1 was redacted under \"Case study names a child; subject access request 2022/114\" on 1 March 2022 by "
        ),
        "verify says which evidence was redacted, why, when and by whom: {}",
        text.stdout
    );
    let report = sandbox.verified();
    assert_eq!(report["evidence_redacted"], 1, "{report}");
    assert_eq!(report["evidence_checked"], 1, "{report}");

    // The content is gone from the store, and was never in the hashed event bytes.
    {
        let ledger = wsoa_store::Ledger::open(&sandbox.data()).expect("the ledger opens");
        let hash = Digest(*blake3::hash(CASE_STUDY).as_bytes());
        assert!(!ledger.has_blob(&hash).expect("the ledger reads"));
    }
    for event in sandbox.log() {
        let bytes = hex::decode(event["bytes"].as_str().expect("bytes")).expect("hex");
        assert!(
            !bytes.windows(7).any(|window| window == b"Child A"),
            "event {} holds the case study's content",
            event["seq"]
        );
    }

    let before = report;
    sandbox.refuses(
        &before,
        &[
            "evidence",
            "redact",
            "E1",
            "--reason",
            "Again",
            "--on",
            "2022-03-02",
        ],
        &["evidence E1 is already redacted"],
    );
}

#[test]
fn redacting_one_copy_keeps_shared_content_for_the_other() {
    let sandbox = ledger();
    let contents = b"Training register: 113 SENCOs attended the autumn seminar\n";
    let first = attach(&sandbox, "register.csv", contents, "training");
    let second = attach(&sandbox, "register-copy.csv", contents, "training");
    assert_eq!((first.as_str(), second.as_str()), ("E1", "E2"));
    sandbox
        .run(&[
            "evidence",
            "redact",
            "E1",
            "--reason",
            "Attached by mistake",
            "--on",
            "2022-03-01",
        ])
        .success();

    let out = sandbox.root().join("register-out.csv");
    sandbox
        .run(&[
            "evidence",
            "get",
            "E2",
            "--out",
            out.to_str().expect("UTF-8 path"),
        ])
        .success();
    assert_eq!(std::fs::read(&out).expect("written"), contents);
    let report = sandbox.verified();
    assert_eq!(report["evidence_redacted"], 1, "{report}");
}

#[test]
fn getting_evidence_never_touches_other_files() {
    let sandbox = ledger();
    let id = attach(
        &sandbox,
        "minutes.txt",
        b"Board minutes, 2 November 2021\n",
        "minutes",
    );
    // Files that a careless temporary name could clobber, and the target itself.
    let partial = sandbox.file("copy.partial", b"someone else's work");
    let existing = sandbox.file("existing.txt", b"keep me");
    let out = sandbox.root().join("copy.txt");
    sandbox
        .run(&[
            "evidence",
            "get",
            &id,
            "--out",
            out.to_str().expect("UTF-8 path"),
        ])
        .success();
    assert_eq!(
        std::fs::read(&out).expect("written"),
        b"Board minutes, 2 November 2021\n"
    );
    assert_eq!(
        std::fs::read(&partial).expect("still there"),
        b"someone else's work"
    );
    let refused = sandbox
        .run(&[
            "evidence",
            "get",
            &id,
            "--out",
            existing.to_str().expect("UTF-8 path"),
        ])
        .code_is(2);
    assert!(
        refused.stderr.contains("already exists"),
        "{}",
        refused.stderr
    );
    assert_eq!(std::fs::read(&existing).expect("still there"), b"keep me");
}
