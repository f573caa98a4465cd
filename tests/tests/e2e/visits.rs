//! Monitoring visits through the CLI: points tied to the findings they concern (`[W2] text`),
//! the visit's letter attached with it in one step, and what the narrative, timeline and
//! evidence commands then say; a visit naming a finding that is not recorded writes nothing,
//! not even its letter's content.

use crate::harness::Sandbox;

/// A statement with weaknesses W1 and W2.
fn statement() -> Sandbox {
    let sandbox = Sandbox::opened();
    for args in [
        &[
            "inspection",
            "record",
            "--from",
            "2021-03-08",
            "--to",
            "2021-03-12",
            "--published",
            "2021-04-20",
            "--on",
            "2021-04-20",
        ][..],
        &[
            "weakness",
            "add",
            "W1",
            "--title",
            "Joint commissioning",
            "--on",
            "2021-04-20",
        ],
        &[
            "weakness",
            "add",
            "W2",
            "--title",
            "Timeliness of EHC plans",
            "--on",
            "2021-04-20",
        ],
    ] {
        sandbox.record(args);
    }
    sandbox
}

/// How many content files the ledger keeps.
fn content_files(sandbox: &Sandbox) -> usize {
    std::fs::read_dir(sandbox.data().join("content")).map_or(0, |dir| dir.count())
}

#[test]
fn a_visits_points_concern_their_findings_and_its_letter_is_kept_with_it() {
    let sandbox = statement();
    let letter = sandbox.file(
        "visit-letter-2021-11.txt",
        b"Dear Director, thank you for welcoming us on 18 November 2021.",
    );
    let letter = letter.to_str().expect("a UTF-8 path");
    let printed = sandbox
        .json(&[
            "visit",
            "record",
            "--by",
            "DfE SEND adviser",
            "--summary",
            "A positive start",
            "--strength",
            "The board is well attended",
            "--concern",
            "[W2] Only 42% of EHC plans were issued within 20 weeks",
            "--next-step",
            "[W1, W2] Agree the joint commissioning of health advice",
            "--letter",
            letter,
            "--on",
            "2021-11-18",
        ])
        .json_lines();
    assert_eq!(printed.len(), 2, "the letter and the visit: {printed:?}");
    let log = sandbox.log();
    let attached = &log[log.len() - 2]["body"]["evidence_attached"];
    assert_eq!(attached["id"], "E1", "{attached}");
    assert_eq!(
        attached["title"],
        "Monitoring visit letter, 18 November 2021"
    );
    let visit = &log[log.len() - 1]["body"]["monitoring_visit_feedback"];
    assert_eq!(visit["letter"], "E1", "{visit}");
    assert_eq!(visit["concerns"][0]["about"][0], "W2", "{visit}");
    assert_eq!(
        visit["strengths"][0]["about"].as_array().map(Vec::len),
        Some(0)
    );

    // The letter comes back as it was given.
    let out = sandbox.root().join("letter-back.txt");
    sandbox
        .run(&[
            "evidence",
            "get",
            "E1",
            "--out",
            out.to_str().expect("a UTF-8 path"),
        ])
        .success();
    assert_eq!(
        std::fs::read(&out).expect("written"),
        std::fs::read(letter).expect("the letter")
    );

    // The narrative gives each point under the findings it concerns, and says the rest
    // concerns the area as a whole.
    let narrative = sandbox.run(&["narrative"]).success().stdout;
    assert!(
        narrative.contains(
            "the visitors raised this concern: \u{201c}Only 42% of EHC plans were issued within 20 weeks"
        ),
        "{narrative}"
    );
    assert_eq!(
        narrative
            .matches("asked for this next step: \u{201c}Agree the joint commissioning")
            .count(),
        2,
        "under W1 and under W2: {narrative}"
    );
    assert!(
        narrative.contains("a strength that concerns the area as a whole"),
        "{narrative}"
    );
    assert!(
        narrative.contains("Their letter is kept as evidence E1."),
        "{narrative}"
    );

    // The timeline lists it among visits, and about W1.
    let visits = sandbox
        .run(&["timeline", "--kind", "visit"])
        .success()
        .stdout;
    assert!(visits.contains("points about W1 and W2"), "{visits}");
    assert!(visits.contains("their letter is evidence E1"), "{visits}");
    let about = sandbox.run(&["timeline", "--about", "W1"]).success().stdout;
    assert!(
        about.contains("Monitoring visit by DfE SEND adviser"),
        "{about}"
    );
    sandbox.verified();
}

#[test]
fn a_visit_naming_an_unrecorded_finding_writes_nothing_not_even_its_letter() {
    let sandbox = statement();
    let before = sandbox.verified();
    let letter = sandbox.file("letter.txt", b"A letter that must not be kept.");
    let letter = letter.to_str().expect("a UTF-8 path");
    sandbox.refuses(
        &before,
        &[
            "visit",
            "record",
            "--by",
            "DfE SEND adviser",
            "--concern",
            "[W9] Plans are late",
            "--letter",
            letter,
            "--on",
            "2021-11-18",
        ],
        &["W9", "W1, W2"],
    );
    assert_eq!(content_files(&sandbox), 0, "no letter content was kept");
    // An unclosed bracket is refused before anything is read.
    sandbox.refuses(
        &before,
        &[
            "visit",
            "record",
            "--by",
            "DfE SEND adviser",
            "--concern",
            "[W2 Plans are late",
        ],
        &["closed with ]"],
    );
    // A letter named by an id that is not attached evidence.
    sandbox.refuses(
        &before,
        &[
            "visit",
            "record",
            "--by",
            "DfE SEND adviser",
            "--summary",
            "Fine",
            "--letter-evidence",
            "E4",
        ],
        &["E4"],
    );
}

#[test]
fn through_a_server_points_are_tied_and_a_letter_file_is_refused_with_the_two_steps() {
    let sandbox = statement();
    let officer = crate::serve::token(&sandbox, "Priya Raman (QA)", "officer");
    let server = crate::serve::Server::start(&sandbox);
    let remote = |args: &[&str]| {
        let mut command = sandbox.command();
        command
            .args(["--server", &server.url, "--token", &officer])
            .args(args);
        crate::harness::run_command(command)
    };
    let letter = sandbox.file("letter.txt", b"Dear Director");
    let refused = remote(&[
        "visit",
        "record",
        "--by",
        "DfE SEND adviser",
        "--concern",
        "[W2] Plans are late",
        "--letter",
        letter.to_str().expect("a UTF-8 path"),
    ])
    .code_is(2);
    assert!(
        refused.stderr.contains("--letter-evidence"),
        "{}",
        refused.stderr
    );
    // A refusal through the server is followed by the command line's own hint, as locally.
    let empty = remote(&["visit", "record", "--by", "DfE SEND adviser"]).code_is(2);
    assert!(
        empty.stderr.contains("the visit records no feedback")
            && empty.stderr.contains(
                "wsoa: hint: add --summary, --strength, --concern, --next-step or --letter"
            ),
        "{}",
        empty.stderr
    );
    let recorded = remote(&[
        "--format",
        "json",
        "visit",
        "record",
        "--by",
        "DfE SEND adviser",
        "--concern",
        "[W2] Plans are late",
        "--on",
        "2021-11-18",
    ])
    .success()
    .json();
    assert_eq!(recorded["kind"], "monitoring_visit_feedback", "{recorded}");
    drop(server);
    let log = sandbox.log();
    assert_eq!(log.len(), 5, "only the visit was added: {log:?}");
    assert_eq!(
        log[4]["body"]["monitoring_visit_feedback"]["concerns"][0]["about"][0],
        "W2"
    );
}
