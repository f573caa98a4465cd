//! `wsoa show`: a small statement recorded through the CLI, shown as a tree, a CSV tracker and
//! JSON, now and at earlier points in time.

use crate::harness::Sandbox;

const FINDING: &str = "There is no quality assurance framework for the local area's work for \
children and young people with SEND.";

/// A statement with one weakness, one workstream and two actions: 1.1 (due 30 September 2021,
/// never finished, so overdue today) and 1.2 (completed on 14 October 2021).
fn small_statement() -> Sandbox {
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
            "Quality assurance",
            "--finding",
            FINDING,
            "--on",
            "2021-04-20",
        ],
        &[
            "workstream",
            "add",
            "WS1",
            "--title",
            "Quality assurance framework",
            "--sponsor",
            "Dr Ruth Ogundipe, Assistant Director",
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
            "Agree a quality assurance framework, with a four-level audit",
            "--owner",
            "Head of SEND",
            "--due",
            "2021-09-30",
            "--success",
            "Framework agreed by the board",
            "--success",
            "First audit reported",
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
            "Appoint a SEND quality assurance officer",
            "--owner",
            "Assistant Director",
            "--due",
            "2021-10-31",
            "--on",
            "2021-05-10",
        ],
        &[
            "action",
            "status",
            "1.2",
            "complete",
            "--rag",
            "green",
            "--note",
            "Officer started on 14 October",
            "--on",
            "2021-10-14",
        ],
    ] {
        sandbox.record(args);
    }
    sandbox
}

#[test]
fn show_prints_the_tree_the_tracker_and_json_now_and_earlier() {
    let sandbox = small_statement();

    let text = sandbox.run(&["show"]).success().stdout;
    for expected in [
        "W1  Quality assurance",
        "There is no quality assurance framework",
        "Dr Ruth Ogundipe, Assistant Director",
        "1.1  Agree a quality assurance framework",
        "OVERDUE",
        "complete on 14 October 2021, RAG green",
    ] {
        assert!(
            text.contains(expected),
            "`show` should say {expected:?}:\n{text}"
        );
    }
    assert_eq!(
        text.matches("OVERDUE").count(),
        1,
        "only 1.1 is overdue:\n{text}"
    );

    let csv = sandbox.run(&["--format", "csv", "show"]).success().stdout;
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("a header row").split(',').collect();
    assert_eq!(
        header,
        [
            "Ref",
            "Area of weakness",
            "Workstream",
            "Sponsor",
            "Action",
            "Lead",
            "Deadline",
            "Original deadline",
            "Status",
            "RAG",
            "Overdue",
            "Success criteria",
            "Latest update",
            "Evidence"
        ]
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 2, "one row per action:\n{csv}");
    assert!(
        rows[0].starts_with(
            "1.1,W1 Quality assurance,WS1 Quality assurance framework,\"Dr Ruth Ogundipe, Assistant Director\","
        ),
        "{csv}"
    );
    assert!(
        rows[0].contains(",Not started,,Yes,Framework agreed by the board; First audit reported,"),
        "{csv}"
    );
    assert!(rows[1].contains(",Complete,Green,No,"), "{csv}");

    let json = sandbox.json(&["show"]).json();
    assert_eq!(json["point"], "now");
    assert_eq!(json["counts"]["actions"], 2);
    assert_eq!(json["counts"]["complete"], 1);
    assert_eq!(json["counts"]["overdue"], 1);
    assert_eq!(
        json["weaknesses"][0]["workstreams"][0]["sponsor"],
        "Dr Ruth Ogundipe, Assistant Director"
    );

    // After event 4 (the first action), the second action does not exist yet.
    let early = sandbox.json(&["show", "--at", "4"]).json();
    assert_eq!(early["point"], "seq:4");
    assert_eq!(early["counts"]["actions"], 1);
    let early_text = sandbox.run(&["show", "--at", "4"]).success().stdout;
    assert!(!early_text.contains("1.2  "), "{early_text}");

    // As of 1 October 2021, 1.1 was one day late and 1.2 not yet complete.
    let then = sandbox.json(&["show", "--as-of", "2021-10-01"]).json();
    assert_eq!(then["today"], "2021-10-01");
    assert_eq!(then["counts"]["complete"], 0);
    assert_eq!(then["counts"]["overdue"], 1);
    let then_text = sandbox
        .run(&["show", "--as-of", "2021-10-01"])
        .success()
        .stdout;
    assert!(then_text.contains("OVERDUE by 1 day"), "{then_text}");
    assert!(
        then_text.contains("The plan on 1 October 2021"),
        "{then_text}"
    );
    let visits = sandbox.run(&["show", "--point", "visit:last"]).code_is(2);
    assert!(
        visits.stderr.contains("no monitoring visit"),
        "{}",
        visits.stderr
    );

    let past_the_end = sandbox.run(&["show", "--at", "999"]).code_is(2);
    assert!(past_the_end.stdout.is_empty());
    assert!(
        past_the_end.stderr.contains("there is no event 999"),
        "{}",
        past_the_end.stderr
    );
}

#[test]
fn csv_is_only_for_show() {
    let sandbox = Sandbox::opened();
    for args in [
        &["log"][..],
        &["verify"],
        &["weakness", "add", "W1", "--title", "QA"],
    ] {
        let mut full = vec!["--format", "csv"];
        full.extend_from_slice(args);
        let refused = sandbox.run(&full).code_is(2);
        assert!(
            refused
                .stderr
                .contains("--format csv is only for `wsoa show`"),
            "{args:?}: {}",
            refused.stderr
        );
    }
    assert_eq!(sandbox.log().len(), 1, "nothing was recorded");
}
