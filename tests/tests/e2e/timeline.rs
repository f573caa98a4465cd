//! `wsoa timeline` and `wsoa diff` on a small statement recorded through the CLI: every event
//! has a sentence, a measure value recorded 25 days after it was taken is flagged LATE (and only
//! it), the filters narrow the history (`--about` a workstream or weakness includes what is under
//! it), `diff --from visit:last` reports what changed since the visit, and bad input exits 2.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;
use wsoa_core::Date;

use crate::harness::{Sandbox, is_hash};

/// Today as the ledger sees it (the UK date), and `days` from it.
fn today_plus(days: i64) -> Date {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_millis();
    let today = Date::uk_from_unix_millis(i64::try_from(millis).expect("in range"))
        .expect("today is a supported date");
    Date::from_days_since_epoch(today.days_since_epoch() + days).expect("a supported date")
}

/// A statement recorded today, except one value of measure M1 taken 25 days ago (a measure's
/// history may be filled in back to its baseline; nothing else may be dated before the day it
/// was created): weaknesses W1 and W2, workstreams WS1 (for W1) and WS2 (for W2), actions 1.1
/// and 2.1, measure M1 (for W1). Returns the sandbox and the sequence number of the late value.
fn statement() -> (Sandbox, u64) {
    let sandbox = Sandbox::new();
    let due = today_plus(90).to_string();
    let late_on = today_plus(-25).to_string();
    let baseline_on = today_plus(-60).to_string();
    let target_by = today_plus(365).to_string();
    let steps: Vec<Vec<&str>> = vec![
        vec!["init", "--area", "Northshire local area"],
        vec!["weakness", "add", "W1", "--title", "Quality assurance"],
        vec!["weakness", "add", "W2", "--title", "Local Offer"],
        vec![
            "workstream",
            "add",
            "WS1",
            "--title",
            "QA framework",
            "--sponsor",
            "Director of Education",
            "--weakness",
            "W1",
        ],
        vec![
            "workstream",
            "add",
            "WS2",
            "--title",
            "Local Offer relaunch",
            "--sponsor",
            "Head of Early Help",
            "--weakness",
            "W2",
        ],
        vec![
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
            &due,
        ],
        vec![
            "action",
            "add",
            "2.1",
            "--workstream",
            "WS2",
            "--title",
            "Relaunch the Local Offer website",
            "--owner",
            "Local Offer Manager",
            "--due",
            &due,
        ],
        vec![
            "measure",
            "add",
            "M1",
            "--title",
            "Plans passing the QA audit",
            "--unit",
            "%",
            "--baseline",
            "12",
            "--baseline-on",
            &baseline_on,
            "--target",
            "60",
            "--target-by",
            &target_by,
            "--weakness",
            "W1",
        ],
        vec![
            "measure",
            "record",
            "M1",
            "20",
            "--source",
            "QA audit of 30 plans",
            "--on",
            &late_on,
        ],
    ];
    let mut late = None;
    for step in &steps {
        let report = sandbox.record(step);
        if step.contains(&"--on") {
            late = report["seq"].as_u64();
        }
    }
    (sandbox, late.expect("the late value was recorded"))
}

/// The kinds of the events a JSON timeline lists, in order.
fn kinds(lines: &[Value]) -> Vec<&str> {
    lines
        .iter()
        .map(|line| line["kind"].as_str().expect("every entry has a kind"))
        .collect()
}

#[test]
fn timeline_flags_late_entries_and_filters_by_what_is_under_a_thing() {
    let (sandbox, late) = statement();

    // Text: a line per event, then a count; only the late value is flagged.
    let text = sandbox.run(&["timeline"]).success().stdout;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 10, "nine events and a summary:\n{text}");
    for (seq, line) in lines[..9].iter().enumerate() {
        assert!(
            line.trim_start().starts_with(&seq.to_string()),
            "line {seq}: {line}"
        );
        assert!(!line.contains("None") && !line.contains("{}"), "{line}");
        assert_eq!(line.contains("LATE"), seq as u64 == late, "{line}");
    }
    let flagged = lines[late as usize];
    assert!(
        flagged.contains(&format!(
            "happened {}, recorded {} (25 days later)  LATE",
            today_plus(-25).long(),
            today_plus(0).long()
        )),
        "{flagged}"
    );
    assert!(
        flagged.contains(
            "Measure M1 'Plans passing the QA audit' recorded at 20% (baseline 12%, target 60%), from QA audit of 30 plans"
        ),
        "{flagged}"
    );
    assert!(
        lines[1].contains(&format!("happened and recorded {}", today_plus(0).long())),
        "{}",
        lines[1]
    );
    assert_eq!(
        lines[9],
        "9 events; 1 recorded 14 or more days after it happened (LATE)."
    );

    // A higher threshold flags nothing; the threshold itself flags.
    let relaxed = sandbox
        .run(&["timeline", "--late-after", "26"])
        .success()
        .stdout;
    assert!(!relaxed.contains("LATE"), "{relaxed}");
    assert!(
        relaxed.ends_with("9 events; none recorded late.\n"),
        "{relaxed}"
    );
    let exact = sandbox
        .run(&["timeline", "--late-after", "25"])
        .success()
        .stdout;
    assert_eq!(exact.matches("  LATE  ").count(), 1, "{exact}");

    // JSON: one object per line, with the hash `log` reports, both dates and the flag.
    let entries = sandbox.json(&["timeline"]).json_lines();
    let log = sandbox.log();
    assert_eq!(entries.len(), log.len());
    for (entry, event) in entries.iter().zip(&log) {
        assert_eq!(entry["seq"], event["seq"]);
        assert!(is_hash(&entry["hash"]), "{entry}");
        assert_eq!(entry["hash"], event["hash"]);
        assert_eq!(entry["occurred_on"], event["occurred_on"]);
        assert!(entry["sentence"].as_str().is_some_and(|s| !s.is_empty()));
        assert_eq!(entry["late"], entry["seq"] == late, "{entry}");
    }
    let late_entry = &entries[late as usize];
    assert_eq!(late_entry["late_days"], 25, "{late_entry}");
    assert_eq!(late_entry["kind"], "measure_recorded");
    assert_eq!(late_entry["about"], serde_json::json!(["measure:M1"]));
    assert_eq!(late_entry["recorded_on"], today_plus(0).to_string());

    // --about a workstream includes its actions' events, not another workstream's.
    let ws1 = sandbox.json(&["timeline", "--about", "WS1"]).json_lines();
    assert_eq!(kinds(&ws1), vec!["workstream_created", "action_created"]);
    // --about a weakness includes its workstreams, their actions and its measures.
    let w1 = sandbox
        .json(&["timeline", "--about", "weakness:W1"])
        .json_lines();
    assert_eq!(
        kinds(&w1),
        vec![
            "weakness_recorded",
            "workstream_created",
            "action_created",
            "measure_defined",
            "measure_recorded",
        ]
    );
    assert!(
        w1.iter()
            .all(|e| !e["sentence"].as_str().unwrap_or("").contains("Local Offer")),
        "{w1:?}"
    );

    // --kind, --by, --since and --until.
    let changes = sandbox
        .json(&["timeline", "--kind", "measure-recorded"])
        .json_lines();
    assert_eq!(kinds(&changes), vec!["measure_recorded"]);
    let nobody = sandbox
        .run(&["timeline", "--by", "Nobody"])
        .success()
        .stdout;
    assert_eq!(nobody, "No events match.\n");
    let mine = sandbox
        .json(&["timeline", "--by", "QA.OFFICER"])
        .json_lines();
    assert_eq!(mine.len(), 9);
    let today = today_plus(0).to_string();
    let recent = sandbox.json(&["timeline", "--since", &today]).json_lines();
    assert_eq!(
        recent.len(),
        8,
        "everything but the late value happened today"
    );
    let earlier = sandbox
        .json(&["timeline", "--until", &today_plus(-1).to_string()])
        .json_lines();
    assert_eq!(kinds(&earlier), vec!["measure_recorded"]);

    // A point in time: the ledger as it stood after event 5.
    let prefix = sandbox.json(&["timeline", "--at", "5"]).json_lines();
    assert_eq!(prefix.len(), 6);
}

#[test]
fn diff_since_the_last_visit_reports_what_changed() {
    let (sandbox, _) = statement();
    let before = sandbox.verified();
    // No visit yet: visit:last names no moment.
    sandbox.refuses(
        &before,
        &["diff", "--from", "visit:last"],
        &["no monitoring visit has been recorded yet"],
    );

    let visit = sandbox.record(&[
        "visit",
        "record",
        "--by",
        "DfE and NHS England advisers",
        "--summary",
        "Good progress",
        "--strength",
        "Leadership",
        "--concern",
        "Plan quality",
        "--next-step",
        "Show impact",
    ]);
    let visit_seq = visit["seq"].as_u64().expect("a seq");
    // Nothing since the visit yet.
    let nothing = sandbox
        .run(&["diff", "--from", "visit:last"])
        .success()
        .stdout;
    assert!(nothing.starts_with("Nothing changed between"), "{nothing}");

    let later = today_plus(180).to_string();
    for step in [
        &[
            "action",
            "status",
            "1.1",
            "complete",
            "--rag",
            "green",
            "--note",
            "Officer in post",
        ][..],
        &["measure", "record", "M1", "63", "--source", "QA audit"],
        &[
            "action",
            "amend",
            "2.1",
            "--due",
            &later,
            "--reason",
            "Web supplier went into administration",
        ],
    ] {
        sandbox.record(step);
    }

    let text = sandbox
        .run(&["diff", "--from", "visit:last"])
        .success()
        .stdout;
    let today = today_plus(0).long();
    assert!(
        text.starts_with(&format!(
            "Since the last monitoring visit on {today} (event {visit_seq}) to now (event {}): 3 events recorded.",
            visit_seq + 3
        )),
        "{text}"
    );
    for phrase in [
        "Actions completed or closed (1):",
        "Action 1.1 'Appoint a SEND QA officer' completed on",
        "'Officer in post'",
        "Deadlines moved (1):",
        "Deadline of action 2.1 'Relaunch the Local Offer website' moved from",
        "because web supplier went into administration",
        "Measures (1):",
        "Measure M1 'Plans passing the QA audit': from 20% (",
        "to 63% (",
        "target 60%",
    ] {
        assert!(text.contains(phrase), "{phrase:?} missing from:\n{text}");
    }
    assert!(!text.contains("Monitoring visit feedback"), "{text}");

    let json = sandbox.json(&["diff", "--from", "visit:last"]).json();
    assert_eq!(json["changed"], true);
    assert_eq!(json["events"], 3);
    assert_eq!(json["from"]["point"], "visit:last");
    assert_eq!(json["from"]["last_seq"], visit_seq);
    assert_eq!(
        json["actions_completed"][0]["cites"],
        serde_json::json!([visit_seq + 1])
    );
    assert_eq!(
        json["deadlines_moved"][0]["cites"],
        serde_json::json!([visit_seq + 3])
    );

    // From before the visit, the visit's feedback is new.
    let from_before = sandbox
        .run(&[
            "diff",
            "--from",
            &format!("seq:{}", visit_seq - 1),
            "--to",
            &format!("seq:{visit_seq}"),
        ])
        .success()
        .stdout;
    assert!(
        from_before.contains("Monitoring visit 1 by DfE and NHS England advisers"),
        "{from_before}"
    );
    assert!(
        from_before.contains("Concerns: 'Plan quality'"),
        "{from_before}"
    );
}

#[test]
fn bad_timeline_and_diff_input_exits_2_and_says_why() {
    let (sandbox, _) = statement();
    let before = sandbox.verified();
    let stderr = sandbox.refuses(
        &before,
        &["timeline", "--kind", "status"],
        &["'status' is not a kind of event", "action_status_changed"],
    );
    assert!(stderr.contains("correction_recorded"), "{stderr}");
    sandbox.refuses(
        &before,
        &["timeline", "--about", "9.9"],
        &["there is no", "'9.9'"],
    );
    sandbox.refuses(
        &before,
        &["timeline", "--about", "action:WS1"],
        &["there is no action WS1"],
    );
    sandbox.refuses(
        &before,
        &["diff", "--from", "seq:5", "--to", "seq:2"],
        &[
            "give the earlier one first",
            "--from names the earlier moment",
        ],
    );
    sandbox.refuses(
        &before,
        &["diff", "--from", "seq:99"],
        &["there is no event 99"],
    );
    sandbox.refuses(
        &before,
        &["diff", "--from", "yesterday"],
        &["invalid value 'yesterday' for '--from"],
    );
    sandbox.refuses(
        &before,
        &["timeline", "--since", "2021-02-30"],
        &["2021-02-30"],
    );
}

#[test]
fn control_characters_in_recorded_text_are_shown_escaped_by_timeline_log_and_show() {
    // A ledger recorded before such text was refused (here written straight into the
    // database) may hold terminal codes and bidirectional overrides in names and titles.
    let sandbox = Sandbox::opened();
    sandbox.record(&[
        "weakness",
        "add",
        "W1",
        "--title",
        "Quality assurance",
        "--on",
        "2021-04-20",
    ]);
    {
        let ledger = wsoa_store::Ledger::open(&sandbox.data()).expect("opens");
        wsoa_store::raw::rewrite_history(&ledger, 1, |event| {
            event.actor.name = "A. Patel\u{1b}]0;owned\u{7}\u{1b}[2J".to_owned();
            if let wsoa_core::EventBody::WeaknessRecorded(weakness) = &mut event.body {
                weakness.title = "Quality\u{202e} assurance\r\n   9  forged".to_owned();
            }
        })
        .expect("raw write");
    }
    let hidden = ['\u{1b}', '\u{7}', '\u{202e}', '\r'];
    for args in [
        &["timeline"][..],
        &["log"],
        &["show"],
        &["diff", "--from", "seq:0"],
    ] {
        let output = sandbox.run(args).success();
        assert!(
            !output.stdout.contains(hidden),
            "`wsoa {}` printed a control character: {:?}",
            args[0],
            output.stdout
        );
        assert!(
            output.stdout.contains("Quality<U+202E> assurance"),
            "`wsoa {}`: {}",
            args[0],
            output.stdout
        );
    }
    // Timeline and log print one line per event: a line break in an event's text cannot
    // start a line that looks like another event.
    for args in [&["timeline"][..], &["log"]] {
        let output = sandbox.run(args).success();
        assert!(
            !output
                .stdout
                .lines()
                .any(|line| line.starts_with("   9  forged")),
            "`wsoa {}` printed a forged line: {}",
            args[0],
            output.stdout
        );
        assert!(
            output
                .stdout
                .contains("A. Patel<U+001B>]0;owned<U+0007><U+001B>[2J"),
            "`wsoa {}`: {}",
            args[0],
            output.stdout
        );
    }
}
