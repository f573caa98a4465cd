//! Bad input through the CLI: every refusal exits 2, says on stderr what was wrong, prints
//! nothing on stdout, and leaves the ledger exactly as it was (same events, same head hash, same
//! evidence, as `wsoa verify --format json` reports them).

use wsoa_core::Digest;

use crate::harness::{Sandbox, future_date};

/// A ledger with weaknesses W1 and W2, workstream WS1, action 1.1 (complete) and action 1.2 (in
/// progress, amber), measure M1 and evidence E1.
fn plan() -> Sandbox {
    let sandbox = Sandbox::opened();
    let minutes = sandbox.file("minutes.pdf", b"%PDF-1.4 board minutes %%EOF");
    let minutes = minutes.to_str().expect("UTF-8 path");
    for args in [
        &[
            "weakness",
            "add",
            "W1",
            "--title",
            "Quality assurance",
            "--on",
            "2021-04-20",
        ][..],
        &[
            "weakness",
            "add",
            "W2",
            "--title",
            "Local Offer",
            "--on",
            "2021-04-20",
        ],
        &[
            "workstream",
            "add",
            "WS1",
            "--title",
            "EHC plan quality",
            "--sponsor",
            "Director of Education",
            "--weakness",
            "W1",
            "--on",
            "2021-05-10",
        ],
        &[
            "action",
            "add",
            "1.1",
            "--workstream",
            "WS1",
            "--title",
            "Appoint a SEND QA officer",
            "--owner",
            "Head of SEND",
            "--due",
            "2021-09-30",
            "--on",
            "2021-05-10",
        ],
        &[
            "action",
            "add",
            "1.2",
            "--workstream",
            "WS1",
            "--title",
            "Agree a QA framework",
            "--owner",
            "Head of SEND",
            "--due",
            "2021-12-31",
            "--on",
            "2021-05-10",
        ],
        &[
            "action",
            "status",
            "1.1",
            "complete",
            "--rag",
            "green",
            "--on",
            "2021-09-01",
        ],
        &[
            "action",
            "status",
            "1.2",
            "in-progress",
            "--rag",
            "amber",
            "--on",
            "2021-09-01",
        ],
        &[
            "measure",
            "add",
            "M1",
            "--title",
            "EHC plans issued within 20 weeks",
            "--unit",
            "%",
            "--baseline",
            "12",
            "--baseline-on",
            "2021-03-31",
            "--target",
            "60",
            "--target-by",
            "2022-09-30",
            "--weakness",
            "W1",
            "--on",
            "2021-05-10",
        ],
        &[
            "evidence",
            "attach",
            minutes,
            "--title",
            "Board minutes",
            "--kind",
            "minutes",
            "--supports",
            "WS1",
            "--on",
            "2021-09-02",
        ],
    ] {
        sandbox.run(args).success();
    }
    sandbox
}

#[test]
fn unknown_duplicate_and_malformed_ids_are_refused() {
    let sandbox = plan();
    let before = sandbox.verified();
    sandbox.refuses(
        &before,
        &[
            "action",
            "add",
            "1.3",
            "--workstream",
            "WS9",
            "--title",
            "Train SENCOs",
            "--owner",
            "Head of SEND",
            "--due",
            "2021-12-31",
            "--on",
            "2021-06-01",
        ],
        &["no workstream WS9", "WS1"],
    );
    sandbox.refuses(
        &before,
        &[
            "action",
            "add",
            "1.1",
            "--workstream",
            "WS1",
            "--title",
            "Something else",
            "--owner",
            "Head of SEND",
            "--due",
            "2021-12-31",
            "--on",
            "2021-06-01",
        ],
        &["action 1.1 already exists", "event 4"],
    );
    sandbox.refuses(
        &before,
        &[
            "weakness",
            "add",
            "W1",
            "--title",
            "Again",
            "--on",
            "2021-06-01",
        ],
        &["weakness W1 already exists", "event 1"],
    );
    sandbox.refuses(
        &before,
        &[
            "weakness",
            "add",
            "W 3",
            "--title",
            "Spaced",
            "--on",
            "2021-06-01",
        ],
        &["'W 3' is not a valid weakness id", "a space"],
    );
    sandbox.refuses(
        &before,
        &[
            "action",
            "add",
            "1.3",
            "--workstream",
            "WS 1",
            "--title",
            "Spaced",
            "--owner",
            "Head of SEND",
            "--due",
            "2021-12-31",
            "--on",
            "2021-06-01",
        ],
        &["'WS 1' is not a valid workstream id", "a space"],
    );
}

#[test]
fn dates_that_do_not_exist_or_are_to_come_are_refused() {
    let sandbox = Sandbox::opened();
    let before = sandbox.verified();
    let weakness = |on: &str| -> Vec<String> {
        [
            "weakness",
            "add",
            "W1",
            "--title",
            "Quality assurance",
            "--on",
            on,
        ]
        .map(str::to_owned)
        .to_vec()
    };
    for (on, reason) in [
        ("2021-02-30", "that day does not exist"),
        ("31/06/2021", "that day does not exist"),
        ("next week", "write it as 2021-07-15 or 15/07/2021"),
    ] {
        let args = weakness(on);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        sandbox.refuses(&before, &args, &[&format!("'{on}' is not a date"), reason]);
    }
    let future = future_date();
    let args = weakness(&future);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    sandbox.refuses(
        &before,
        &args,
        &[&future[..4], "is in the future", "today is"],
    );
    sandbox.refuses(
        &before,
        &[
            "inspection",
            "record",
            "--from",
            "2021-03-08",
            "--to",
            "2021-03-12",
            "--published",
            "31/04/2021",
            "--on",
            "2021-05-04",
        ],
        &["'31/04/2021' is not a date", "--published"],
    );
}

#[test]
fn evidence_that_is_missing_or_supports_nothing_known_is_refused() {
    let sandbox = plan();
    let before = sandbox.verified();
    sandbox.refuses(
        &before,
        &[
            "evidence",
            "attach",
            "no-such-audit.pdf",
            "--title",
            "Audit",
            "--supports",
            "WS1",
            "--on",
            "2021-10-01",
        ],
        &["cannot read no-such-audit.pdf"],
    );
    let survey = sandbox.file(
        "survey.csv",
        b"question,agree\nLocal Offer easy to find,61\n",
    );
    sandbox.refuses(
        &before,
        &[
            "evidence",
            "attach",
            survey.to_str().expect("UTF-8 path"),
            "--title",
            "Parent survey",
            "--kind",
            "survey",
            "--supports",
            "WS7",
            "--on",
            "2021-10-01",
        ],
        &["WS7", "check the id"],
    );
    sandbox.refuses(
        &before,
        &[
            "evidence",
            "attach",
            survey.to_str().expect("UTF-8 path"),
            "--title",
            "Parent survey",
            "--supports",
            "action:9.9",
            "--on",
            "2021-10-01",
        ],
        &["there is no action 9.9", "1.1, 1.2"],
    );
    // Nor was the refused file's content stored.
    let ledger = wsoa_store::Ledger::open(&sandbox.data()).expect("the ledger opens");
    let survey_hash = Digest(*blake3::hash(&std::fs::read(&survey).expect("readable")).as_bytes());
    assert!(
        !ledger.has_blob(&survey_hash).expect("the ledger reads"),
        "a refused attachment should store no content"
    );
}

#[test]
fn changes_that_change_nothing_are_refused() {
    let sandbox = plan();
    let before = sandbox.verified();
    sandbox.refuses(
        &before,
        &[
            "action",
            "status",
            "1.2",
            "in-progress",
            "--on",
            "2021-10-01",
        ],
        &[
            "action 1.2 is already in progress with RAG amber",
            "wsoa note add",
        ],
    );
    sandbox.refuses(
        &before,
        &[
            "action",
            "status",
            "1.2",
            "in-progress",
            "--rag",
            "amber",
            "--note",
            "No news",
            "--on",
            "2021-10-01",
        ],
        &["action 1.2 is already in progress"],
    );
    sandbox.refuses(
        &before,
        &[
            "action",
            "status",
            "1.1",
            "in-progress",
            "--rag",
            "amber",
            "--on",
            "2021-10-01",
        ],
        &["action 1.1 is complete", "--note"],
    );
    sandbox.refuses(
        &before,
        &[
            "action",
            "amend",
            "1.2",
            "--reason",
            "No reason",
            "--on",
            "2021-10-01",
        ],
        &["the amendment changes nothing in action 1.2"],
    );
    sandbox.refuses(
        &before,
        &[
            "action",
            "amend",
            "1.2",
            "--due",
            "2021-12-31",
            "--owner",
            "Head of SEND",
            "--reason",
            "Same as before",
            "--on",
            "2021-10-01",
        ],
        &["the amendment changes nothing in action 1.2"],
    );
    // The same reopening, with a note saying why, is accepted.
    sandbox
        .run(&[
            "action",
            "status",
            "1.1",
            "in-progress",
            "--rag",
            "amber",
            "--note",
            "The QA officer has left; the post is advertised again",
            "--on",
            "2021-10-01",
        ])
        .success();
}

#[test]
fn correcting_an_event_that_does_not_exist_is_refused() {
    let sandbox = plan();
    let before = sandbox.verified();
    let events = before["events"].as_u64().expect("a count");
    sandbox.refuses(
        &before,
        &[
            "correct",
            &events.to_string(),
            "--reason",
            "Wrong date",
            "--on",
            "2021-10-01",
        ],
        &[&format!("there is no event {events}")],
    );
    sandbox.refuses(
        &before,
        &[
            "correct",
            "4000",
            "--reason",
            "Wrong date",
            "--on",
            "2021-10-01",
        ],
        &["there is no event 4000"],
    );
}

#[test]
fn measure_values_must_be_plain_decimals() {
    let sandbox = plan();
    let before = sandbox.verified();
    for value in ["12%", "1e3", "63,5", "sixty"] {
        sandbox.refuses(
            &before,
            &["measure", "record", "M1", value, "--on", "2021-10-01"],
            &[&format!("'{value}' is not a decimal number")],
        );
    }
}

#[test]
fn nothing_is_recorded_before_init() {
    let sandbox = Sandbox::new();
    let report = sandbox.file("audit.csv", b"plan,rating\nP001,good\n");
    for args in [
        &[
            "weakness",
            "add",
            "W1",
            "--title",
            "Quality assurance",
            "--on",
            "2021-04-20",
        ][..],
        &["plan", "submit", "--on", "2021-07-27"],
        &[
            "evidence",
            "attach",
            report.to_str().expect("UTF-8 path"),
            "--title",
            "Audit",
            "--supports",
            "W1",
        ],
        &["log"],
        &["verify"],
    ] {
        let output = sandbox.run(args).code_is(2);
        assert!(
            output.stderr.contains("there is no ledger") && output.stderr.contains("`wsoa init"),
            "`{}` should say there is no ledger and to run `wsoa init`: {}",
            output.command,
            output.stderr
        );
        assert!(output.stdout.is_empty(), "{}", output.stdout);
        assert!(
            !sandbox.data().exists(),
            "`{}` should not create a ledger",
            output.command
        );
    }
}

#[test]
fn init_twice_is_refused() {
    let sandbox = Sandbox::opened();
    let before = sandbox.verified();
    assert_eq!(before["events"], 1);
    sandbox.refuses(
        &before,
        &[
            "init",
            "--area",
            "Southshire local area",
            "--on",
            "2021-02-01",
        ],
        &["already open for Northshire local area"],
    );
}

#[test]
fn a_refused_init_creates_nothing() {
    let sandbox = Sandbox::new();
    for args in [
        &["init", "--area", " "][..],
        &[
            "init",
            "--area",
            "Northshire local area",
            "--on",
            &future_date(),
        ],
    ] {
        let output = sandbox.run(args).code_is(2);
        assert!(output.stdout.is_empty(), "{}", output.stdout);
        assert!(
            !sandbox.data().exists(),
            "`{}` should leave no ledger behind",
            output.command
        );
    }
    // A later, valid init still works.
    sandbox
        .run(&[
            "init",
            "--area",
            "Northshire local area",
            "--on",
            "2021-01-04",
        ])
        .success();
}

#[test]
fn negative_values_are_typed_as_people_write_them() {
    let sandbox = plan();
    sandbox
        .run(&[
            "measure",
            "add",
            "M2",
            "--title",
            "Change in exclusions on the previous year",
            "--unit",
            "%",
            "--baseline",
            "-3",
            "--baseline-on",
            "2021-03-31",
            "--target",
            "-10",
            "--target-by",
            "2022-03-31",
            "--lower-is-better",
            "--weakness",
            "W1",
        ])
        .success();
    let recorded = sandbox.record(&["measure", "record", "M2", "-4.5", "--on", "2021-10-01"]);
    assert_eq!(recorded["kind"], "measure_recorded");
    let log = sandbox.log();
    let last = log.last().expect("events");
    assert_eq!(last["body"]["measure_recorded"]["value"], "-4.5");
}

#[test]
fn hostile_text_long_lists_bad_actor_names_and_empty_evidence_are_refused() {
    let sandbox = plan();
    let before = sandbox.verified();
    let action = |title: &str| -> Vec<String> {
        [
            "action",
            "add",
            "1.3",
            "--workstream",
            "WS1",
            "--title",
            title,
            "--owner",
            "Head of SEND",
            "--due",
            "2021-12-31",
            "--on",
            "2021-10-01",
        ]
        .map(str::to_owned)
        .to_vec()
    };
    let note = |text: &str| -> Vec<String> {
        [
            "note",
            "add",
            "--about",
            "1.2",
            "--text",
            text,
            "--on",
            "2021-10-01",
        ]
        .map(str::to_owned)
        .to_vec()
    };
    let cases: Vec<(Vec<String>, Vec<&str>)> = vec![
        (
            action("Publish the\u{202e} Local Offer"),
            vec![
                "the action's title contains a right-to-left override (U+202E) at character 12; remove it",
            ],
        ),
        (
            action("Publish the\nLocal Offer"),
            vec![
                "the action's title contains a line break (U+000A) at character 12",
                "single line",
            ],
        ),
        (
            action("Publish\u{200b} the Local Offer"),
            vec!["a zero-width space (U+200B) at character 8"],
        ),
        (
            note("Forum met\r\nand agreed"),
            vec!["the note contains a carriage return (U+000D) at character 10"],
        ),
        (
            note("Forum met \u{2066}quietly\u{2069}"),
            vec!["the note contains a left-to-right isolate (U+2066) at character 11"],
        ),
        (
            note("Forum met \u{1b}[2J"),
            vec!["the note contains an escape character (U+001B) at character 11"],
        ),
        (
            [
                "--actor",
                "A. Patel\u{1b}]0;owned\u{7}",
                "note",
                "add",
                "--about",
                "1.2",
                "--text",
                "Forum met",
                "--on",
                "2021-10-01",
            ]
            .map(str::to_owned)
            .to_vec(),
            vec!["the actor's name contains an escape character (U+001B) at character 9"],
        ),
        (
            {
                let mut args = action("Publish the Local Offer");
                for i in 0..=100 {
                    args.push("--success".to_owned());
                    args.push(format!("Criterion {i}"));
                }
                args
            },
            vec!["the success criteria: 101 given, but at most 100 are accepted in one change"],
        ),
    ];
    for (args, expected) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        sandbox.refuses(&before, &args, expected);
    }
    // An empty file is not evidence; nor is its (empty) content stored.
    let empty = sandbox.file("empty.pdf", b"");
    sandbox.refuses(
        &before,
        &[
            "evidence",
            "attach",
            empty.to_str().expect("UTF-8 path"),
            "--title",
            "Board minutes",
            "--supports",
            "WS1",
            "--on",
            "2021-10-01",
        ],
        &["empty.pdf is empty (0 bytes); attach the file that holds the evidence"],
    );
    let ledger = wsoa_store::Ledger::open(&sandbox.data()).expect("the ledger opens");
    let empty_hash = Digest(*blake3::hash(b"").as_bytes());
    assert!(
        !ledger.has_blob(&empty_hash).expect("the ledger reads"),
        "a refused attachment should store no content"
    );
}
