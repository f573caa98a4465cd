//! `wsoa import tracker`: a council's spreadsheet tracker (CSV fixtures in
//! `tests/fixtures/tracker/`, XLSX workbooks written here with rust_xlsxwriter) imported into a
//! ledger: the dry run that records nothing, the real import that `wsoa show` then reflects, the
//! second import that records nothing, next month's file that records only the changes, and a
//! file with bad rows that exits 2, lists every problem and records nothing.

use std::collections::BTreeMap;
use std::path::Path;

use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook};
use serde_json::Value;

use crate::harness::Sandbox;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/tracker")
        .join(name)
        .display()
        .to_string()
}

/// Every action of `wsoa show --format json`, by id.
fn actions(sandbox: &Sandbox) -> BTreeMap<String, Value> {
    let plan = sandbox.json(&["show"]).json();
    let mut found = BTreeMap::new();
    for weakness in plan["weaknesses"].as_array().expect("weaknesses") {
        for workstream in weakness["workstreams"].as_array().expect("workstreams") {
            for action in workstream["actions"].as_array().expect("actions") {
                let id = action["id"].as_str().expect("an id").to_owned();
                found.insert(id, action.clone());
            }
        }
    }
    found
}

/// A ledger with September's tracker imported on 30 September 2021.
fn september_imported() -> Sandbox {
    let sandbox = Sandbox::opened();
    let september = fixture("northshire-2021-09.csv");
    sandbox
        .run(&[
            "import",
            "tracker",
            &september,
            "--default-sponsor",
            "Director of Education",
            "--on",
            "2021-09-30",
        ])
        .success();
    sandbox
}

#[test]
fn a_dry_run_prints_every_event_and_records_nothing() {
    let sandbox = Sandbox::opened();
    let before = sandbox.log().len();
    let september = fixture("northshire-2021-09.csv");
    let args = [
        "import",
        "tracker",
        september.as_str(),
        "--default-sponsor",
        "Director of Education",
        "--dry-run",
    ];
    let output = sandbox.run(&args).success();
    for line in [
        "Read northshire-2021-09.csv: headings on row 4, 6 rows read as actions.",
        "Would record 17 events:",
        "  row 5: new area of weakness W1 'Quality assurance of EHC plans'",
        "  row 5: new workstream WS1 'Quality of EHC plans' (sponsor Director of Education; answers W1)",
        "  row 6: new action 1.2 'Agree a quality assurance framework, with a four-level audit' in WS1 (owner Head of SEND, due 31 December 2021)",
        "  row 10: action 2.2: status not started → complete, RAG green, update 'Meeting in place since August'",
        "  row 13: skipped: a totals row",
        "Dry run: nothing was recorded.",
    ] {
        assert!(
            output.stdout.lines().any(|l| l == line),
            "the dry run should print {line:?}:\n{}",
            output.stdout
        );
    }
    let mut json_args = vec!["--format", "json"];
    json_args.extend_from_slice(&args);
    let report = sandbox.run(&json_args).success().json();
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["recorded"], 0);
    assert_eq!(report["steps"].as_array().map(Vec::len), Some(17));
    assert_eq!(report["steps"][8]["kind"], "action_created");
    assert_eq!(report["steps"][8]["id"], "1.2");
    assert_eq!(report["steps"][8]["row"], 6);
    assert_eq!(sandbox.log().len(), before, "a dry run records nothing");
}

#[test]
fn a_real_import_is_what_show_shows_and_a_second_import_records_nothing() {
    let sandbox = Sandbox::opened();
    let september = fixture("northshire-2021-09.csv");
    let args = [
        "import",
        "tracker",
        september.as_str(),
        "--default-sponsor",
        "Director of Education",
        "--on",
        "2021-09-30",
    ];
    let mut json_args = vec!["--format", "json"];
    json_args.extend_from_slice(&args);
    let report = sandbox.run(&json_args).success().json();
    assert_eq!(report["recorded"], 17);
    assert_eq!(report["steps"][0]["seq"], 1);
    assert_eq!(report["steps"][16]["seq"], 17);
    assert_eq!(report["head"], report["steps"][16]["hash"]);
    assert_eq!(sandbox.log().len(), 18);
    sandbox.verified();

    let found = actions(&sandbox);
    assert_eq!(
        found.keys().map(String::as_str).collect::<Vec<_>>(),
        ["1.1", "1.2", "1.3", "2.1", "2.2", "3.1"]
    );
    let a12 = &found["1.2"];
    assert_eq!(a12["due"], "2021-12-31");
    assert_eq!(a12["owner"], "Head of SEND");
    assert_eq!(a12["status"], "in-progress");
    assert_eq!(a12["rag"], "amber");
    assert_eq!(
        a12["success"],
        serde_json::json!(["Framework agreed by the board", "Four-level audit in use"])
    );
    assert_eq!(
        a12["latest_update"]["text"],
        "Draft framework shared with the parent carer forum"
    );
    assert_eq!(a12["latest_update"]["on"], "2021-09-30");
    assert_eq!(found["2.2"]["status"], "complete");
    assert_eq!(
        found["3.1"]["due"], "2021-12-31",
        "December 2021 is its last day"
    );
    let plan = sandbox.json(&["show"]).json();
    assert_eq!(
        plan["weaknesses"][1]["title"],
        "Timeliness of EHC needs assessments"
    );
    assert_eq!(plan["weaknesses"][1]["workstreams"][0]["id"], "WS2");
    assert_eq!(
        plan["weaknesses"][1]["workstreams"][0]["sponsor"],
        "Director of Education"
    );

    let again = sandbox.run(&args).success();
    assert!(
        again
            .stdout
            .contains("Nothing to record: the ledger already matches northshire-2021-09.csv."),
        "{}",
        again.stdout
    );
    assert_eq!(sandbox.log().len(), 18, "the second import records nothing");
}

#[test]
fn next_months_tracker_records_only_what_changed() {
    let sandbox = september_imported();
    let october = fixture("northshire-2021-10.csv");
    let report = sandbox
        .json(&[
            "import",
            "tracker",
            &october,
            "--on",
            "2021-10-31",
            "--reason",
            "October improvement board",
        ])
        .json();
    let steps = report["steps"].as_array().expect("steps");
    let kinds: Vec<(&str, &str)> = steps
        .iter()
        .map(|s| {
            (
                s["kind"].as_str().expect("a kind"),
                s["id"].as_str().expect("an id"),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("action_amended", "1.2"),
            ("action_status_changed", "1.3"),
            ("action_amended", "2.1"),
            ("action_created", "2.3"),
            ("action_status_changed", "3.1"),
        ]
    );
    let log = sandbox.log();
    assert_eq!(log.len(), 23);
    let slipped = &log[18];
    assert_eq!(slipped["body"]["action_amended"]["due"], "2022-03-31");
    assert_eq!(
        slipped["body"]["action_amended"]["reason"],
        "October improvement board (tracker northshire-2021-10.csv, row 6)"
    );
    assert_eq!(slipped["occurred_on"], "2021-10-31");
    assert_eq!(
        log[20]["body"]["action_amended"]["owner"],
        "Head of SEND Commissioning"
    );
    assert_eq!(
        log[22]["body"]["action_status_changed"]["status"],
        "complete"
    );

    let found = actions(&sandbox);
    assert_eq!(found["1.2"]["due"], "2022-03-31");
    assert_eq!(found["1.2"]["original_due"], "2021-12-31");
    assert_eq!(found["2.1"]["owner"], "Head of SEND Commissioning");
    assert_eq!(found["1.3"]["status"], "in-progress");
    assert_eq!(found["3.1"]["status"], "complete");
    assert_eq!(found["2.3"]["due"], "2022-02-28");
    sandbox.verified();

    let again = sandbox.run(&["import", "tracker", &october]).success();
    assert!(
        again.stdout.contains("Nothing to record"),
        "{}",
        again.stdout
    );
    assert_eq!(sandbox.log().len(), 23);
}

/// One area of weakness and workstream of a workbook tracker, with its sponsor and actions. Each
/// action is [ref, action, lead, deadline, status, RAG, latest update]; a cell written
/// `number:1.1` is a number, `serial:44469` a number in a General-formatted cell (as a deadline
/// typed without a date format is), `date:2021-12-31` a date formatted dd/mm/yyyy.
struct Group<'a> {
    weakness: &'a str,
    workstream: &'a str,
    sponsor: &'a str,
    actions: &'a [[&'a str; 7]],
}

fn write_cell(sheet: &mut rust_xlsxwriter::Worksheet, row: u32, col: u16, text: &str) {
    if text.is_empty() {
        return;
    }
    let date = Format::new().set_num_format("dd/mm/yyyy");
    if let Some(number) = text
        .strip_prefix("number:")
        .or_else(|| text.strip_prefix("serial:"))
    {
        let number: f64 = number.parse().expect("a number");
        sheet.write_number(row, col, number).expect("writes");
    } else if let Some(iso) = text.strip_prefix("date:") {
        let parts: Vec<u16> = iso
            .split('-')
            .map(|p| p.parse().expect("a number"))
            .collect();
        let month = u8::try_from(parts[1]).expect("a month");
        let day = u8::try_from(parts[2]).expect("a day");
        let day = ExcelDateTime::from_ymd(parts[0], month, day).expect("a date");
        sheet
            .write_datetime_with_format(row, col, &day, &date)
            .expect("writes");
    } else {
        sheet.write_string(row, col, text).expect("writes");
    }
}

/// Writes a workbook with a cover sheet and then the tracker sheet laid out as councils lay them
/// out: a merged title, a "position at" line, a blank row, two rows of headings with "Progress"
/// merged over Status and RAG (the other headings merged down both rows), each group's
/// weakness, workstream and sponsor merged down its actions, a blank row after each group, and
/// a totals row. Returns the path.
fn workbook(sandbox: &Sandbox, name: &str, groups: &[Group<'_>]) -> String {
    let mut book = Workbook::new();
    let merged = Format::new().set_align(FormatAlign::Center);
    let cover = book.add_worksheet();
    cover.set_name("Cover").expect("a sheet name");
    cover
        .write_string(
            0,
            0,
            "Northshire SEND Improvement Board: papers for 5 October 2021",
        )
        .expect("writes");
    let sheet = book.add_worksheet();
    sheet.set_name("Tracker").expect("a sheet name");
    sheet
        .merge_range(0, 0, 0, 9, "Northshire SEND WSoA action tracker", &merged)
        .expect("merges");
    sheet
        .write_string(1, 0, "Position at 30 September 2021")
        .expect("writes");
    for (col, heading) in [
        (0, "Area of weakness"),
        (1, "Workstream"),
        (2, "Ref"),
        (3, "Action"),
        (4, "Lead"),
        (5, "Deadline"),
        (8, "Latest update"),
        (9, "Workstream lead"),
    ] {
        sheet
            .merge_range(3, col, 4, col, heading, &merged)
            .expect("merges");
    }
    sheet
        .merge_range(3, 6, 3, 7, "Progress", &merged)
        .expect("merges");
    sheet.write_string(4, 6, "Status").expect("writes");
    sheet.write_string(4, 7, "RAG").expect("writes");
    let mut row = 5u32;
    let mut count = 0u32;
    for group in groups {
        let first = row;
        for action in group.actions {
            for (col, text) in (2u16..).zip(action.iter()) {
                write_cell(sheet, row, col, text);
            }
            row += 1;
            count += 1;
        }
        let last = row - 1;
        for (col, text) in [
            (0, group.weakness),
            (1, group.workstream),
            (9, group.sponsor),
        ] {
            if last > first {
                sheet
                    .merge_range(first, col, last, col, text, &merged)
                    .expect("merges");
            } else {
                write_cell(sheet, first, col, text);
            }
        }
        row += 1;
    }
    sheet.write_string(row, 0, "Total").expect("writes");
    sheet
        .write_number(row, 2, f64::from(count))
        .expect("writes");
    let path = sandbox.root().join(name);
    book.save(&path).expect("the workbook is written");
    path.display().to_string()
}

#[test]
fn an_xlsx_tracker_with_merged_headings_serial_dates_and_a_totals_row_imports() {
    let sandbox = Sandbox::opened();
    let groups = [
        Group {
            weakness: "W1: Quality assurance",
            workstream: "WS1 Quality of EHC plans",
            sponsor: "Director of Education",
            actions: &[
                [
                    "number:1.1",
                    "Appoint a SEND quality assurance officer",
                    "Head of SEND",
                    "serial:44469",
                    "Complete",
                    "G",
                    "Officer started on 1 September",
                ],
                [
                    "1.2",
                    "Agree a quality assurance framework",
                    "Head of SEND",
                    "date:2021-12-31",
                    "In progress",
                    "Amber",
                    "Draft shared with the parent carer forum",
                ],
                [
                    "1.3",
                    "Audit 20 EHC plans each term",
                    "SEND QA Officer",
                    "15 January 2022",
                    "Not started",
                    "",
                    "",
                ],
            ],
        },
        Group {
            weakness: "W2: Timeliness of EHC plans",
            workstream: "WS2 EHC needs assessment",
            sponsor: "Director of Children's Services",
            actions: &[[
                "number:2",
                "Recruit two more EHC coordinators",
                "Assistant Director, SEND",
                "serial:44500",
                "Done",
                "Blue",
                "Both in post",
            ]],
        },
    ];
    let path = workbook(&sandbox, "tracker.xlsx", &groups);
    let dry = sandbox
        .run(&["import", "tracker", &path, "--dry-run"])
        .success();
    for line in [
        "Read tracker.xlsx, sheet 'Tracker': headings on row 4, 4 rows read as actions.",
        "Columns: A 'Area of weakness' = weakness, B 'Workstream' = workstream, C 'Ref' = ref, D 'Action' = action, E 'Lead' = owner, F 'Deadline' = due, G 'Progress / Status' = status, H 'Progress / RAG' = rag, I 'Latest update' = update, J 'Workstream lead' = sponsor.",
        "  row 6: new workstream WS1 'Quality of EHC plans' (sponsor Director of Education; answers W1)",
        "  row 10: new workstream WS2 'EHC needs assessment' (sponsor Director of Children's Services; answers W2)",
        "  row 6: new action 1.1 'Appoint a SEND quality assurance officer' in WS1 (owner Head of SEND, due 30 September 2021)",
        "  row 7: new action 1.2 'Agree a quality assurance framework' in WS1 (owner Head of SEND, due 31 December 2021)",
        "  row 8: new action 1.3 'Audit 20 EHC plans each term' in WS1 (owner SEND QA Officer, due 15 January 2022)",
        "  row 10: new action 2 'Recruit two more EHC coordinators' in WS2 (owner Assistant Director, SEND, due 31 October 2021)",
        "  row 10: action 2: status not started → complete, RAG green, update 'Both in post'",
        "  row 12: skipped: a totals row",
    ] {
        assert!(
            dry.stdout.lines().any(|l| l == line),
            "the dry run should print {line:?}:\n{}",
            dry.stdout
        );
    }
    sandbox
        .run(&[
            "import",
            "tracker",
            &path,
            "--sheet",
            "tracker",
            "--on",
            "2021-09-30",
        ])
        .success();
    let found = actions(&sandbox);
    assert_eq!(
        found.keys().map(String::as_str).collect::<Vec<_>>(),
        ["1.1", "1.2", "1.3", "2"]
    );
    assert_eq!(found["1.1"]["due"], "2021-09-30");
    assert_eq!(found["1.1"]["status"], "complete");
    assert_eq!(found["1.2"]["due"], "2021-12-31");
    assert_eq!(found["1.3"]["due"], "2022-01-15");
    assert_eq!(found["2"]["due"], "2021-10-31");
    assert_eq!(found["2"]["status"], "complete");
    assert_eq!(found["2"]["rag"], "green");
    assert_eq!(sandbox.log().len(), 12, "the opening event and 11 imported");
    sandbox.verified();

    let again = sandbox.run(&["import", "tracker", &path]).success();
    assert!(
        again.stdout.contains("Nothing to record"),
        "{}",
        again.stdout
    );
    let before = sandbox.verified();
    sandbox.refuses(
        &before,
        &["import", "tracker", &path, "--sheet", "Actions"],
        &[
            "there is no sheet 'Actions' in",
            "its sheets are 'Cover', 'Tracker'",
        ],
    );
}

#[test]
fn a_tracker_with_bad_rows_exits_2_lists_every_problem_and_records_nothing() {
    let sandbox = Sandbox::opened();
    let groups = [Group {
        weakness: "W1: Quality assurance",
        workstream: "WS1 Quality of EHC plans",
        sponsor: "Director of Education",
        actions: &[
            [
                "1.1",
                "Appoint a QA officer",
                "Head of SEND",
                "serial:44469",
                "Complete",
                "G",
                "",
            ],
            [
                "1.2",
                "Agree a QA framework",
                "",
                "date:2021-12-31",
                "In progress",
                "A",
                "",
            ],
            [
                "1.3",
                "Audit 20 plans",
                "SEND QA Officer",
                "Autumn 2021",
                "",
                "",
                "",
            ],
            [
                "1.4",
                "Train SENCOs",
                "Head of SEND",
                "serial:12",
                "Nearly there",
                "Purple",
                "",
            ],
            [
                "",
                "Publish the audit",
                "Head of SEND",
                "date:2022-01-31",
                "",
                "",
                "",
            ],
            [
                "1.1",
                "Appoint a QA officer again",
                "Head of SEND",
                "serial:44469",
                "",
                "",
                "",
            ],
            [
                "1 5",
                "Survey parents",
                "Head of SEND",
                "serial:44469",
                "In progress",
                "Blue",
                "",
            ],
        ],
    }];
    let path = workbook(&sandbox, "bad-tracker.xlsx", &groups);
    let expected = [
        "row 7: no owner in 'Lead'; fill the cell or give --default-owner NAME",
        "row 9: status 'Nearly there' is not a status; write Not started, In progress, Complete, Blocked or Withdrawn",
        "row 9: RAG 'Purple' is not a RAG rating; write Red, Amber or Green (or R, A, G), or Blue for complete",
        "row 10: no reference in 'Ref' for the action 'Publish the audit'; give every action a reference, such as 1.1",
        "row 11: reference 1.1 is also on row 6; give each action its own reference",
        "row 12: reference '1 5' is not a valid action id (it contains a space); use letters, digits, dots and hyphens, such as 1.1 or A2.3",
        "row 12: RAG 'Blue' means complete but the status is 'In progress'; make them agree",
    ];
    let before = sandbox.verified();
    let stderr = sandbox.refuses(
        &before,
        &["import", "tracker", &path, "--on", "2021-09-30"],
        &["bad-tracker.xlsx has 7 problems (listed above), so nothing was recorded"],
    );
    let listed: Vec<&str> = stderr.lines().filter(|l| l.starts_with("row ")).collect();
    assert_eq!(listed, expected, "every problem, row by row, on stderr");

    let dry = sandbox
        .run(&["import", "tracker", &path, "--dry-run"])
        .code_is(2);
    let listed: Vec<&str> = dry
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("7 problems; nothing can be recorded until they are fixed:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .map(str::trim_start)
        .collect();
    assert_eq!(
        listed, expected,
        "every problem, row by row, on stdout:\n{}",
        dry.stdout
    );
    assert!(dry.stdout.contains("Dry run: nothing was recorded."));
    // A deadline in words stops nothing: it is kept with the day it stands for.
    assert!(
        dry.stdout.contains(
            "row 8: new action 1.3 'Audit 20 plans' in WS1 (owner SEND QA Officer, due Autumn 2021 (31 December 2021))"
        ),
        "{}",
        dry.stdout
    );
    assert_eq!(sandbox.verified(), before);
}

#[test]
fn import_still_restores_a_bundle_and_says_what_it_needs() {
    let sandbox = september_imported();
    sandbox
        .run(&["export", "--out", "northshire.wsoa"])
        .success();
    let restored = sandbox.root().join("restored");
    let mut command = sandbox.command();
    command
        .arg("--data")
        .arg(&restored)
        .args(["import", "northshire.wsoa"]);
    let output = crate::harness::run_command(command).success();
    assert!(
        output.stdout.contains("Imported 18 events"),
        "{}",
        output.stdout
    );
    let missing = sandbox.run(&["import"]).code_is(2);
    assert!(missing.stderr.contains("<FILE>"), "{}", missing.stderr);
    let unknown = sandbox.run(&["import", "tracker", "plan.pdf"]).code_is(2);
    assert!(
        unknown.stderr.contains("cannot tell what kind of file plan.pdf is from its name: give a .xlsx, .xlsm, .xlsb, .xls, .ods or .csv file"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn the_tracker_wsoa_show_writes_imports_back_as_nothing_to_record() {
    let sandbox = september_imported();
    let exported = sandbox.run(&["--format", "csv", "show"]).success();
    let csv = sandbox.file("exported.csv", exported.stdout.as_bytes());
    sandbox
        .run(&["--format", "xlsx", "show", "--out", "exported.xlsx"])
        .success();
    let before = sandbox.log().len();
    for file in [csv.display().to_string(), "exported.xlsx".to_owned()] {
        let output = sandbox.run(&["import", "tracker", &file]).success();
        assert!(
            output
                .stdout
                .contains("Nothing to record: the ledger already matches exported."),
            "{file}: {}",
            output.stdout
        );
    }
    assert_eq!(sandbox.log().len(), before);
}

#[test]
fn text_a_spreadsheet_would_run_as_a_formula_is_quoted_in_csv_and_imports_back_as_nothing_to_record()
 {
    let sandbox = september_imported();
    let title = "=HYPERLINK(\"http://evil.example/\",\"Open the plan\")";
    sandbox.record(&[
        "action",
        "add",
        "1.9",
        "--workstream",
        "WS1",
        "--title",
        title,
        "--owner",
        "@Head of SEND",
        "--due",
        "2021-12-31",
        "--success",
        "+10 staff trained",
        "--success",
        "=2 new posts",
        "--on",
        "2021-09-30",
    ]);
    let exported = sandbox.run(&["--format", "csv", "show"]).success();
    let row = exported
        .stdout
        .lines()
        .find(|row| row.starts_with("1.9,"))
        .expect("action 1.9 is in the CSV");
    // Each cell that starts with =, +, - or @ starts with a quote instead (the CSV writer
    // doubles the quotation marks inside the title's cell).
    for cell in [
        "\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"Open the plan\"\")\",",
        ",'@Head of SEND,",
        ",'+10 staff trained; =2 new posts,",
    ] {
        assert!(row.contains(cell), "{cell} is not in {row}");
    }
    assert!(
        !row.contains(",=") && !row.contains(",@") && !row.contains(",+"),
        "{row}"
    );
    let csv = sandbox.file("exported.csv", exported.stdout.as_bytes());
    let before = sandbox.log().len();
    let output = sandbox
        .run(&["import", "tracker", &csv.display().to_string()])
        .success();
    assert!(
        output
            .stdout
            .contains("Nothing to record: the ledger already matches exported."),
        "{}",
        output.stdout
    );
    assert_eq!(sandbox.log().len(), before);
    assert_eq!(actions(&sandbox)["1.9"]["title"], title);
}

/// A council's tracker as Excel saves it to CSV (CRLF line ends): title rows, an accountable
/// lead beside the lead officer, "Supported by" and "Start" kept for nothing, a revised
/// deadline beside the deadline, section rows with references, deadlines in words, a key and
/// a totals row, and neither a workstream nor a sponsor anywhere.
const COUNCIL_HEADINGS: &str = "Ref,Action,Accountable lead,Lead officer,Supported by,Start,Deadline,Revised deadline,Status,RAG,Update this period\r\n";

fn council_csv(month: &str, rows: &[&str]) -> String {
    let mut csv = format!(
        "Westshire Local Area SEND Written Statement of Action,,,,,,,,,,\r\nProgress tracker: {month},,,,,,,,,,\r\n,,,,,,,,,,\r\n{COUNCIL_HEADINGS}"
    );
    for row in rows {
        csv.push_str(row);
        csv.push_str("\r\n");
    }
    csv.push_str(
        "\"Key: R = off track, A = at risk, G = on track\",,,,,,,,,,\r\nTotal,,,,,,,,,,\r\n",
    );
    csv
}

const SEPTEMBER_ROWS: &[&str] = &[
    "ASW1,Joint commissioning,,,,,,,,,",
    "1.1,Agree a joint commissioning strategy,Director of Children's Services,Head of Commissioning,CCG,Apr-21,Oct-21,,Complete,G,Agreed at the Health and Wellbeing Board",
    "1.2,Map the therapies on offer,Director of Children's Services,Commissioning manager,,,Ongoing,,In progress,A,Mapping half done",
    "1.3,Set up a joint resource panel,Director of Children's Services,Head of Commissioning,,Sep-21,Oct-21,Dec-21,In progress,A,Terms of reference drafted",
    "\"Area of weakness 2: Quality of EHC plans\",,,,,,,,,,",
    "2.1,Audit twenty plans a month,Head of SEND,SEND quality officer,,,31/10/2021,,Not started,R,",
    "2.2,Train SENCOs in outcome writing,Head of SEND,Principal educational psychologist,,,TBC,,Not started,,",
];

const OCTOBER_ROWS: &[&str] = &[
    "ASW1,Joint commissioning,,,,,,,,,",
    "1.1,Agree a joint commissioning strategy,Director of Children's Services,Head of Commissioning,CCG,Apr-21,Oct-21,,Completed,Green,Agreed at the Health and Wellbeing Board",
    "1.2,Map the therapies on offer,Director of Children's Services,Commissioning manager,,,Ongoing,,In progress,A,Mapping half done",
    "1.3,Set up a joint resource panel,Director of Children's Services,Joint commissioning manager,,Sep-21,Oct-21,Jan-22,In progress,A,Terms of reference drafted",
    "\"Area of weakness 2: Quality of EHC plans\",,,,,,,,,,",
    "2.1,\"Audit twenty plans a month, with parents\",Head of SEND,SEND quality officer,,,31/10/2021,,In progress,A,First audit done",
    "2.2,Train SENCOs in outcome writing,Head of SEND,Principal educational psychologist,,,30/11/2021,,Not started,,",
];

#[test]
fn a_councils_csv_tracker_imports_with_no_options_then_next_month_then_nothing() {
    let sandbox = Sandbox::opened();
    let september = sandbox.file(
        "westshire-2021-09.csv",
        council_csv("September 2021", SEPTEMBER_ROWS).as_bytes(),
    );
    let september = september.display().to_string();
    let output = sandbox
        .run(&["import", "tracker", &september, "--on", "2021-09-30"])
        .success();
    for line in [
        "row 5: new workstream WS1 'Joint commissioning' (sponsor Not recorded; answers W1)",
        "row 8: action 1.3: deadline Oct-21 (31 October 2021) → Dec-21 (31 December 2021) ('Revised deadline')",
        "columns not imported: C 'Accountable lead', E 'Supported by', F 'Start'",
        "row 7: new action 1.2 'Map the therapies on offer' in WS1 (owner Commissioning manager, due Ongoing)",
        "row 11: new action 2.2 'Train SENCOs in outcome writing' in WS2 (owner Principal educational psychologist, due TBC — no deadline set)",
        "row 12: skipped: a key or legend row",
        "row 13: skipped: a totals row",
    ] {
        assert!(output.stdout.contains(line), "{line}\n{}", output.stdout);
    }
    let found = actions(&sandbox);
    assert_eq!(
        found.keys().map(String::as_str).collect::<Vec<_>>(),
        ["1.1", "1.2", "1.3", "2.1", "2.2"]
    );
    assert_eq!(found["1.3"]["due"], "2021-12-31");
    assert_eq!(found["1.3"]["original_due"], "2021-10-31");
    assert_eq!(found["1.3"]["deadline"], "Dec-21 (31 December 2021)");
    assert!(
        found["1.2"]["deadline"]
            .as_str()
            .is_some_and(|d| d.starts_with("Ongoing")),
        "{}",
        found["1.2"]
    );
    assert_eq!(found["2.2"]["deadline"], "TBC — no deadline set");
    assert_eq!(found["2.2"]["deadline_not_set"], true);
    let plan = sandbox.json(&["show"]).json();
    assert_eq!(
        plan["weaknesses"][0]["workstreams"][0]["sponsor"],
        "Not recorded"
    );
    let recorded = sandbox.log().len();

    let october = sandbox.file(
        "westshire-2021-10.csv",
        council_csv("October 2021", OCTOBER_ROWS).as_bytes(),
    );
    let october = october.display().to_string();
    let report = sandbox
        .json(&["import", "tracker", &october, "--on", "2021-10-31"])
        .json();
    let kinds: Vec<(&str, &str)> = report["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| {
            (
                s["kind"].as_str().expect("a kind"),
                s["id"].as_str().expect("an id"),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("action_amended_with_deadline", "1.3"),
            ("action_amended", "2.1"),
            ("action_status_changed", "2.1"),
            ("action_amended", "2.2"),
        ]
    );
    let log = sandbox.log();
    assert_eq!(log.len(), recorded + 4);
    let slip = &log[recorded]["body"]["action_amended_with_deadline"];
    assert_eq!(slip["due"]["written"]["date"], "2022-01-31");
    assert_eq!(slip["due"]["written"]["words"], "Jan-22");
    assert_eq!(slip["owner"], "Joint commissioning manager");
    assert_eq!(
        slip["reason"],
        "the tracker westshire-2021-10.csv, row 8, revises the deadline from Dec-21 (31 December 2021) to Jan-22 (31 January 2022) in 'Revised deadline' (imported with `wsoa import tracker`)"
    );
    // TBC became a date: the deadline is set, not invented.
    assert_eq!(
        log[recorded + 3]["body"]["action_amended"]["due"],
        "2021-11-30"
    );
    sandbox.verified();

    let again = sandbox
        .run(&["import", "tracker", &october, "--on", "2021-11-01"])
        .success();
    assert!(
        again.stdout.contains("Nothing to record"),
        "{}",
        again.stdout
    );
    assert_eq!(sandbox.log().len(), recorded + 4);
}

#[test]
fn an_xlsx_tracker_with_sections_in_words_and_deadlines_in_words_imports_with_no_options() {
    let sandbox = Sandbox::opened();
    let mut book = Workbook::new();
    let merged = Format::new().set_align(FormatAlign::Center);
    let sheet = book.add_worksheet();
    sheet
        .merge_range(0, 0, 0, 7, "Eastshire WSoA tracker", &merged)
        .expect("merges");
    for (col, heading) in [
        "Ref",
        "Key concern",
        "Actions",
        "Lead(s)",
        "Timescale",
        "RAG",
        "Commentary",
        "Supported by",
    ]
    .iter()
    .enumerate()
    {
        let col = u16::try_from(col).expect("a column");
        sheet.write_string(2, col, *heading).expect("writes");
    }
    sheet
        .merge_range(3, 0, 3, 7, "Work stream One - The Local Offer", &merged)
        .expect("merges");
    write_cell(sheet, 4, 0, "1.1");
    write_cell(sheet, 4, 1, "W1 Local Offer not co-produced");
    write_cell(sheet, 4, 2, "Relaunch the Local Offer website");
    write_cell(sheet, 4, 3, "Local Offer officer");
    write_cell(sheet, 4, 4, "date:2021-12-31");
    write_cell(sheet, 4, 5, "A");
    write_cell(sheet, 4, 6, "Parent carer forum reviewing pages");
    write_cell(sheet, 4, 7, "Parent carer forum");
    write_cell(sheet, 5, 0, "1.2");
    write_cell(sheet, 5, 2, "Publish the Local Offer newsletter");
    write_cell(sheet, 5, 3, "Local Offer officer");
    write_cell(sheet, 5, 4, "Termly");
    write_cell(sheet, 5, 5, "G");
    sheet
        .merge_range(
            6,
            0,
            6,
            7,
            "Legend: R = off track, A = at risk, G = on track",
            &merged,
        )
        .expect("merges");
    let path = sandbox.root().join("eastshire.xlsx");
    book.save(&path).expect("the workbook is written");
    let path = path.display().to_string();
    let output = sandbox
        .run(&["import", "tracker", &path, "--on", "2021-09-30"])
        .success();
    for line in [
        "row 4: 'Work stream One - The Local Offer' is a heading: its workstream applies to the rows below",
        "new workstream WS1 'The Local Offer' (sponsor Not recorded; answers W1)",
        "row 6: new action 1.2 'Publish the Local Offer newsletter' in WS1 (owner Local Offer officer, due Termly)",
        "row 7: skipped: a key or legend row",
        "columns not imported: H 'Supported by'",
    ] {
        assert!(output.stdout.contains(line), "{line}\n{}", output.stdout);
    }
    let found = actions(&sandbox);
    assert_eq!(
        found.keys().map(String::as_str).collect::<Vec<_>>(),
        ["1.1", "1.2"]
    );
    assert!(
        found["1.2"]["deadline"]
            .as_str()
            .is_some_and(|d| d.starts_with("Termly")),
        "{}",
        found["1.2"]
    );
    assert_eq!(found["1.1"]["due"], "2021-12-31");
    assert_eq!(found["1.1"]["rag"], "amber");
    let before = sandbox.log().len();
    let again = sandbox
        .run(&["import", "tracker", &path, "--on", "2021-10-31"])
        .success();
    assert!(
        again.stdout.contains("Nothing to record"),
        "{}",
        again.stdout
    );
    assert_eq!(sandbox.log().len(), before);
}

#[test]
fn cell_text_with_terminal_codes_is_escaped_in_every_problem_and_report_line() {
    let sandbox = Sandbox::opened();
    // A status that is an escape sequence clearing the screen and a RAG with a right-to-left
    // override: neither reaches the terminal as it is.
    let csv = "Area of Weakness,Workstream,Ref,Action,Lead Officer,Deadline,Status,RAG\n\
               W1: Quality assurance,WS1 Quality of EHC plans,1.1,Appoint a QA officer,Head of SEND,\
               2021-12-31,\u{1b}[2JDone,Purple\u{202e}\n";
    let path = sandbox.file("hostile.csv", csv.as_bytes());
    let path = path.display().to_string();
    let before = sandbox.verified();
    let stderr = sandbox.refuses(
        &before,
        &["import", "tracker", &path, "--on", "2021-09-30"],
        &["hostile.csv has 2 problems (listed above), so nothing was recorded"],
    );
    let dry = sandbox
        .run(&["import", "tracker", &path, "--dry-run"])
        .code_is(2);
    for printed in [&stderr, &dry.stdout] {
        for hidden in ['\u{1b}', '\u{202e}'] {
            assert!(!printed.contains(hidden), "{hidden:?} printed:\n{printed}");
        }
        assert!(printed.contains("<U+001B>[2JDone"), "{printed}");
        assert!(printed.contains("Purple<U+202E>"), "{printed}");
    }
    assert_eq!(sandbox.verified(), before);
}

/// A tracker with a measure row among the actions, its values in Baseline, Target and Latest
/// columns, written with Excel's CRLF line ends.
fn measures_csv(latest: &str) -> String {
    format!(
        "Southshire WSoA tracker,,,,,,,,\r\n\
         Ref,Action,Lead officer,Target date,Status,Baseline (Feb 2021),Target,Latest,Update\r\n\
         \"Area of weakness 1: Timeliness of EHC plans\",,,,,,,,\r\n\
         1.1,Recruit two EHC coordinators,Head of SEND,Autumn term 2021,In progress,,,,Interviews held\r\n\
         1.M1,EHC plans issued within 20 weeks,,Mar-22,,31%,65%,{latest},\r\n"
    )
}

#[test]
fn a_trackers_measures_are_recorded_and_next_month_only_the_new_value() {
    let sandbox = Sandbox::opened();
    let september = sandbox.file(
        "southshire-09.csv",
        measures_csv("48% (Sep 2021)").as_bytes(),
    );
    let september = september.display().to_string();
    let output = sandbox
        .run(&["import", "tracker", &september, "--on", "2021-09-30"])
        .success();
    for line in [
        "row 4: new action 1.1 'Recruit two EHC coordinators' in WS1 (owner Head of SEND, due Autumn term 2021 (31 December 2021))",
        "row 5: new measure 1.M1 'EHC plans issued within 20 weeks' (baseline 31% on 28 February 2021, target 65% by 31 March 2022; evidences W1)",
        "row 5: measure 1.M1: latest value 48% (Sep 2021)",
    ] {
        assert!(output.stdout.contains(line), "{line}\n{}", output.stdout);
    }
    let shown = sandbox.json(&["show"]).json().to_string();
    assert!(
        shown.contains("EHC plans issued within 20 weeks"),
        "{shown}"
    );
    let recorded = sandbox.log().len();
    let october = sandbox.file(
        "southshire-10.csv",
        measures_csv("55% (Oct 2021)").as_bytes(),
    );
    let october = october.display().to_string();
    let report = sandbox
        .json(&["import", "tracker", &october, "--on", "2021-10-31"])
        .json();
    let kinds: Vec<&str> = report["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter_map(|s| s["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["measure_recorded"]);
    let log = sandbox.log();
    assert_eq!(log.len(), recorded + 1);
    assert_eq!(log[recorded]["body"]["measure_recorded"]["value"], "55");
    let again = sandbox
        .run(&["import", "tracker", &october, "--on", "2021-11-30"])
        .success();
    assert!(
        again.stdout.contains("Nothing to record"),
        "{}",
        again.stdout
    );
    assert_eq!(sandbox.log().len(), recorded + 1);
    sandbox.verified();
}
