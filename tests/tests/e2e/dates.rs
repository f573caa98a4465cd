//! Dates typed either way: the UK's day-first `15/07/2021` and ISO `2021-07-15` record the same
//! day, on `--on` and on every other date option. Uses `WSOA_DATA` instead of `--data`.

use calamine::Reader as _;
use serde_json::Value;

use crate::harness::{Output, Sandbox, run_command};

/// Runs `wsoa --format json ARGS` with the ledger named by `WSOA_DATA`.
fn run(sandbox: &Sandbox, args: &[&str]) -> Output {
    let mut command = sandbox.command();
    command
        .env("WSOA_DATA", sandbox.data())
        .args(["--format", "json"])
        .args(args);
    run_command(command).success()
}

#[test]
fn uk_and_iso_dates_record_the_same_day() {
    let sandbox = Sandbox::new();
    let opened = run(
        &sandbox,
        &[
            "init",
            "--area",
            "Northshire local area",
            "--on",
            "4/1/2021",
        ],
    )
    .json();
    assert_eq!(opened["occurred_on"], "2021-01-04");
    run(
        &sandbox,
        &[
            "inspection",
            "record",
            "--from",
            "08/03/2021",
            "--to",
            "2021-03-12",
            "--published",
            "20/04/2021",
            "--on",
            "20/04/2021",
        ],
    );
    let uk = run(
        &sandbox,
        &[
            "weakness",
            "add",
            "W1",
            "--title",
            "Quality assurance",
            "--on",
            "15/07/2021",
        ],
    )
    .json();
    let iso = run(
        &sandbox,
        &[
            "weakness",
            "add",
            "W2",
            "--title",
            "Local Offer",
            "--on",
            "2021-07-15",
        ],
    )
    .json();
    assert_eq!(uk["occurred_on"], "2021-07-15");
    assert_eq!(iso["occurred_on"], "2021-07-15");

    let log = run(&sandbox, &["log"]).json_lines();
    let occurred: Vec<&Value> = log.iter().map(|event| &event["occurred_on"]).collect();
    assert_eq!(
        occurred,
        ["2021-01-04", "2021-04-20", "2021-07-15", "2021-07-15"]
    );
    let inspection = &log[1]["body"]["inspection_recorded"];
    assert_eq!(inspection["from"], "2021-03-08");
    assert_eq!(inspection["to"], "2021-03-12");
    assert_eq!(inspection["published"], "2021-04-20");
    assert_eq!(
        inspection["inspectorates"],
        serde_json::json!(["Ofsted", "CQC"])
    );
}

/// Runs `wsoa ARGS` on the sandbox's ledger (`--data`), which must succeed.
fn recorded(sandbox: &Sandbox, args: &[&str]) -> Value {
    sandbox.record(args)
}

#[test]
fn deadlines_typed_as_councils_write_them_are_kept_with_their_day() {
    let sandbox = Sandbox::opened();
    recorded(
        &sandbox,
        &[
            "weakness",
            "add",
            "W1",
            "--title",
            "Quality assurance",
            "--on",
            "2021-05-10",
        ],
    );
    recorded(
        &sandbox,
        &[
            "workstream",
            "add",
            "WS1",
            "--title",
            "Quality assurance",
            "--sponsor",
            "Director of Education",
            "--weakness",
            "W1",
            "--on",
            "2021-05-10",
        ],
    );
    let action = |id: &str, due: &str| {
        recorded(
            &sandbox,
            &[
                "action",
                "add",
                id,
                "--workstream",
                "WS1",
                "--title",
                "Audit EHC plans",
                "--owner",
                "QA officer",
                "--due",
                due,
                "--on",
                "2021-05-10",
            ],
        )
    };
    action("1.1", "Autumn term 2021");
    action("1.2", "ongoing");
    action("1.3", "TBC");
    action("1.4", "Q3 2021/22");
    let plan = sandbox.json(&["show"]).json();
    let actions = &plan["weaknesses"][0]["workstreams"][0]["actions"];
    let deadline = |n: usize| {
        actions[n]["deadline"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(deadline(0), "Autumn term 2021 (31 December 2021)");
    assert!(deadline(1).starts_with("ongoing"), "{}", deadline(1));
    assert_eq!(deadline(2), "TBC — no deadline set");
    assert_eq!(actions[2]["deadline_not_set"], true);
    assert_eq!(deadline(3), "Q3 2021/22 (31 December 2021)");
    assert_eq!(actions[0]["due"], "2021-12-31");
    let text = sandbox.run(&["show"]).success().stdout;
    assert!(
        text.contains("Autumn term 2021 (31 December 2021)"),
        "{text}"
    );
    // The workbook keeps the words, and imports back as nothing to record.
    sandbox
        .run(&["show", "--format", "xlsx", "--out", "tracker.xlsx"])
        .success();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook(sandbox.root().join("tracker.xlsx")).expect("the workbook opens");
    let sheet = book.worksheet_range("Tracker").expect("a Tracker sheet");
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|row| row.iter().map(ToString::to_string).collect())
        .collect();
    let deadline = rows[0]
        .iter()
        .position(|h| h == "Deadline")
        .expect("a Deadline column");
    let cells: Vec<&str> = rows[1..]
        .iter()
        .filter(|row| row[0].starts_with("1."))
        .map(|row| row[deadline].as_str())
        .collect();
    assert_eq!(cells, ["Autumn term 2021", "ongoing", "TBC", "Q3 2021/22"]);
    let back = sandbox
        .run(&["import", "tracker", "tracker.xlsx", "--on", "2021-05-10"])
        .success();
    assert!(back.stdout.contains("Nothing to record"), "{}", back.stdout);
    // A deadline set later, in words, is an amendment that says so.
    recorded(
        &sandbox,
        &[
            "action",
            "amend",
            "1.3",
            "--due",
            "Spring term 2022",
            "--reason",
            "Agreed at the board",
            "--on",
            "2021-06-01",
        ],
    );
    let log = sandbox.log();
    let last = &log[log.len() - 1]["body"]["action_amended_with_deadline"];
    assert_eq!(last["due"]["written"]["words"], "Spring term 2022");
    assert_eq!(last["due"]["written"]["date"], "2022-03-31");
    // Typed in, an action is not born overdue, and words that are no deadline are refused.
    let before = sandbox.verified();
    sandbox.refuses(
        &before,
        &[
            "action",
            "add",
            "1.5",
            "--workstream",
            "WS1",
            "--title",
            "Late",
            "--owner",
            "QA officer",
            "--due",
            "Spring 2021",
            "--on",
            "2021-05-10",
        ],
        &["the deadline 31 March 2021 is before 10 May 2021, the day action 1.5 is agreed"],
    );
    sandbox.refuses(
        &before,
        &[
            "action",
            "add",
            "1.5",
            "--workstream",
            "WS1",
            "--title",
            "Vague",
            "--owner",
            "QA officer",
            "--due",
            "Winter 2021",
            "--on",
            "2021-05-10",
        ],
        &["winter spans two years"],
    );
}

#[test]
fn an_area_inspected_under_both_frameworks_keeps_one_history() {
    let sandbox = Sandbox::opened();
    // The 2016 inspection, as it was always recorded.
    let first = recorded(
        &sandbox,
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
        ],
    );
    assert_eq!(first["kind"], "inspection_recorded");
    recorded(
        &sandbox,
        &[
            "weakness",
            "add",
            "W1",
            "--title",
            "Quality assurance",
            "--on",
            "2021-04-20",
        ],
    );
    // The revisit, then a 2023 inspection with its outcome and findings.
    recorded(
        &sandbox,
        &[
            "inspection",
            "record",
            "--kind",
            "revisit",
            "--from",
            "2022-10-03",
            "--to",
            "2022-10-05",
            "--published",
            "2022-11-14",
            "--on",
            "2022-11-14",
        ],
    );
    let later = recorded(
        &sandbox,
        &[
            "inspection",
            "record",
            "--framework",
            "2023",
            "--outcome",
            "inconsistent",
            "--from",
            "2023-10-02",
            "--to",
            "2023-10-06",
            "--published",
            "2023-11-20",
            "--on",
            "2023-11-20",
        ],
    );
    assert_eq!(later["kind"], "inspection_added");
    recorded(
        &sandbox,
        &[
            "finding",
            "add",
            "AP1",
            "--type",
            "priority-action",
            "--title",
            "Timeliness of EHC plans",
            "--on",
            "2023-11-20",
        ],
    );
    recorded(
        &sandbox,
        &[
            "finding",
            "add",
            "AFI1",
            "--type",
            "improvement",
            "--title",
            "Preparing for adulthood",
            "--inspection",
            "I3",
            "--on",
            "2023-11-20",
        ],
    );
    recorded(
        &sandbox,
        &[
            "workstream",
            "add",
            "WS9",
            "--title",
            "EHC plans on time",
            "--sponsor",
            "Director of Education",
            "--weakness",
            "AP1",
            "--on",
            "2023-11-27",
        ],
    );
    // A finding of the wrong kind for its framework, or of no inspection, is refused.
    let before = sandbox.verified();
    sandbox.refuses(
        &before,
        &[
            "finding",
            "add",
            "W2",
            "--type",
            "weakness",
            "--title",
            "Joint commissioning",
            "--inspection",
            "I3",
            "--on",
            "2023-11-20",
        ],
        &["inspection I3 was under the 2023 framework"],
    );
    sandbox.refuses(
        &before,
        &[
            "inspection",
            "record",
            "--framework",
            "2016",
            "--outcome",
            "positive",
            "--from",
            "2023-10-02",
            "--to",
            "2023-10-06",
            "--published",
            "2023-11-20",
            "--on",
            "2023-11-20",
        ],
        &["the 2016 framework, which gives no overall outcome"],
    );
    // show lists every inspection and names each finding's kind.
    let text = sandbox.run(&["show"]).success().stdout;
    for line in [
        "I2          2016 framework, revisit inspection by Ofsted and CQC",
        "I3          2023 framework, full inspection by Ofsted and CQC",
        "outcome: inconsistent experiences and outcomes",
        "AP1  Timeliness of EHC plans (area for priority action, inspection I3)",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    let plan = sandbox.json(&["show"]).json();
    assert_eq!(plan["inspections"].as_array().map(Vec::len), Some(3));
    assert_eq!(plan["inspections"][2]["outcome"], "inconsistent");
    let timeline = sandbox.run(&["timeline"]).success().stdout;
    assert!(
        timeline.contains(
            "Area for priority action AP1 'Timeliness of EHC plans' recorded from inspection I3"
        ),
        "{timeline}"
    );
    // An action of the priority action plan, with its 3 and 6-month milestones.
    recorded(
        &sandbox,
        &[
            "action",
            "add",
            "9.1",
            "--workstream",
            "WS9",
            "--title",
            "Set up a joint panel",
            "--owner",
            "Head of SEND",
            "--due",
            "Q4 2023/24",
            "--on",
            "2023-12-01",
        ],
    );
    recorded(
        &sandbox,
        &[
            "milestone",
            "add",
            "9.1",
            "3m",
            "--title",
            "Panel meets monthly",
            "--due",
            "March 2024",
            "--on",
            "2023-12-01",
        ],
    );
    recorded(
        &sandbox,
        &[
            "milestone",
            "add",
            "9.1",
            "6m",
            "--title",
            "Every plan reviewed at panel",
            "--due",
            "2024-06-30",
            "--on",
            "2023-12-01",
        ],
    );
    recorded(
        &sandbox,
        &[
            "milestone",
            "met",
            "9.1",
            "3m",
            "--note",
            "Met in January, February and March",
            "--on",
            "2024-03-28",
        ],
    );
    recorded(
        &sandbox,
        &[
            "milestone",
            "missed",
            "9.1",
            "6m",
            "--reason",
            "Two meetings lacked a quorum",
            "--on",
            "2024-07-01",
        ],
    );
    let before = sandbox.verified();
    sandbox.refuses(
        &before,
        &["milestone", "met", "9.1", "3m", "--on", "2024-07-02"],
        &["milestone 3m of action 9.1 was already met"],
    );
    let text = sandbox.run(&["show"]).success().stdout;
    for line in [
        "Milestone 3m",
        "Panel meets monthly (due March 2024 (31 March 2024)): met on 28 March",
        "Every plan reviewed at panel (due 30 June 2024): missed on 1 July 2024,",
    ] {
        assert!(text.contains(line), "{line}\n{text}");
    }
    let plan = sandbox.json(&["show"]).json().to_string();
    assert!(plan.contains("\"state\":\"missed\""), "{plan}");
    // The families' voice about the finding: you said, we did, the difference it made.
    recorded(
        &sandbox,
        &[
            "coproduction",
            "add",
            "--about",
            "AP1",
            "--said",
            "We wait too long for plans",
            "--did",
            "Weekly panel for every request",
            "--difference",
            "Plans issued in 18 weeks on average",
            "--from",
            "Parent Carer Forum survey",
            "--respondents",
            "212",
            "--on",
            "2024-06-01",
        ],
    );
    let text = sandbox.run(&["show"]).success().stdout;
    assert!(
        text.contains("You said    We wait too long for plans (Parent Carer Forum survey, 212"),
        "{text}"
    );
    let narrative = sandbox.run(&["narrative"]).success().stdout;
    assert!(
        narrative.contains("You said, we did, the difference it made"),
        "{narrative}"
    );
    // The opening says what each inspection found, in its framework's words.
    for sentence in [
        "The report named one area of significant weakness, which this document takes in turn.",
        "Inspection I3 (2023 framework, full) took place from 2 to 6 October 2023 and its report was published on 20 November 2023. Its outcome: inconsistent experiences and outcomes. It named one area for priority action and one area for improvement.",
    ] {
        assert!(narrative.contains(sentence), "{sentence}\n{narrative}");
    }
    assert!(
        narrative.contains(
            "Parent Carer Forum survey (212 responded) said: \u{201c}We wait too long for plans\u{201d}. What was done: \u{201c}Weekly panel for every request\u{201d}. The difference it made: \u{201c}Plans issued in 18 weeks on average\u{201d}."
        ),
        "{narrative}"
    );
    let timeline = sandbox
        .run(&["timeline", "--kind", "coproduction_recorded"])
        .success()
        .stdout;
    assert!(
        timeline.contains(
            "Parent Carer Forum survey (212 responded) said 'We wait too long for plans'"
        ),
        "{timeline}"
    );
    sandbox.verified();
}
