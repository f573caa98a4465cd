//! Given/when/then tests of `wsoa_tracker`: spreadsheets laid out as councils lay them out
//! (title rows, two-row headings, blank and totals rows, section headings, every way of writing a
//! date, a status and a RAG), the commands an import plans against the ledger, the second import
//! that plans nothing, next month's file that plans only the changes, and every problem message,
//! word for word.

use wsoa_core::command::AddNote;
use wsoa_core::deadline::Deadline;
use wsoa_core::decide::When;
use wsoa_core::event::{
    ActionAmended, ActionCreated, ActionStatusChanged, LedgerOpened, Rag, Status, WeaknessRecorded,
    WorkstreamCreated,
};
use wsoa_core::memory::MemoryLedger;
use wsoa_core::plan::Plan;
use wsoa_core::{
    ActionId, Actor, Command, Date, Role, SubjectKind, SubjectRef, WeaknessId, WorkstreamId,
};
use wsoa_tracker::{
    Cell, ColumnMap, Field, ImportOptions, ImportPlan, Sheet, excel_serial_date, plan_import,
};

// ---------------------------------------------------------------------------------------------
// Given / when / then
// ---------------------------------------------------------------------------------------------

fn date(text: &str) -> Date {
    text.parse().expect("valid date")
}

/// The day every test is run on.
const TODAY: &str = "2022-06-30";

/// A ledger in memory, opened for Northshire, with a clock that moves a minute per event.
struct Ledger {
    memory: MemoryLedger,
    clock: i64,
}

impl Ledger {
    fn opened() -> Ledger {
        let mut ledger = Ledger {
            memory: MemoryLedger::new(),
            // Noon on TODAY, so that every business date in the tests is in the past.
            clock: 1_656_590_400_000,
        };
        ledger.given(
            "2021-04-20",
            &[Command::OpenLedger(LedgerOpened {
                area: "Northshire local area".to_owned(),
                partners: vec!["Northshire County Council".to_owned()],
            })],
        );
        ledger
    }

    fn given(&mut self, on: &str, commands: &[Command]) {
        for command in commands {
            self.clock += 60_000;
            let actor = Actor {
                name: "qa.officer".to_owned(),
                role: Role::Officer,
            };
            if let Err(rejection) = self.memory.record(command, actor, date(on), self.clock) {
                panic!("given command was refused: {rejection}\n{command:?}");
            }
        }
    }

    fn plan(&self) -> Plan {
        Plan::from_events(self.memory.events())
    }

    /// Plans an import of `sheet` on the day `on`.
    fn import(&self, sheet: &Sheet, options: &ImportOptions, on: &str) -> ImportPlan {
        let when = When {
            occurred_on: date(on),
            today: date(TODAY),
        };
        plan_import(&self.plan(), self.memory.state(), sheet, options, when)
    }

    /// Plans an import that must have no problems, and records it.
    #[track_caller]
    fn imported(&mut self, sheet: &Sheet, options: &ImportOptions, on: &str) -> ImportPlan {
        let planned = self.import(sheet, options, on);
        assert_eq!(problems(&planned), Vec::<String>::new(), "no problems");
        let commands: Vec<Command> = planned.commands().cloned().collect();
        self.given(on, &commands);
        planned
    }
}

fn sheet(rows: &[&[&str]]) -> Sheet {
    Sheet::from_text(rows.iter().map(|row| {
        row.iter()
            .map(|cell| (*cell).to_owned())
            .collect::<Vec<_>>()
    }))
}

fn options() -> ImportOptions {
    ImportOptions {
        source: "tracker.csv".to_owned(),
        default_sponsor: Some("Director of Education".to_owned()),
        ..ImportOptions::default()
    }
}

fn problems(plan: &ImportPlan) -> Vec<String> {
    plan.problems.iter().map(ToString::to_string).collect()
}

fn notices(plan: &ImportPlan) -> Vec<String> {
    plan.notices.iter().map(ToString::to_string).collect()
}

/// Each step as "row N: summary".
fn summaries(plan: &ImportPlan) -> Vec<String> {
    plan.steps
        .iter()
        .map(|step| match step.row {
            Some(row) => format!("row {row}: {}", step.summary),
            None => step.summary.clone(),
        })
        .collect()
}

fn action(id: &str) -> ActionId {
    ActionId::new(id).expect("valid id")
}

const HEADINGS: &[&str] = &[
    "Area of weakness",
    "Workstream",
    "Ref",
    "Action",
    "Lead",
    "Deadline",
    "Status",
    "RAG",
    "Success criteria",
    "Update",
];

/// September's tracker, as a council keeps it: a title row and a date above the headings, a
/// blank row between workstreams, weakness and workstream cells only on the first row of each
/// (merged cells), dates written three ways, "Done" and "Blue", and a totals row.
fn september() -> Sheet {
    sheet(&[
        &["Northshire SEND Written Statement of Action: action tracker"],
        &["Position at 30 September 2021"],
        &[],
        HEADINGS,
        &[
            "W1: Quality assurance",
            "WS1 Quality of EHC plans",
            "1.1",
            "Appoint a SEND quality assurance officer",
            "Head of SEND",
            "30/09/2021",
            "Complete",
            "G",
            "Officer in post",
            "Officer started on 1 September",
        ],
        &[
            "",
            "",
            "1.2",
            "Agree a quality assurance framework",
            "Head of SEND",
            "2021-12-31",
            "In progress",
            "Amber",
            "Framework agreed by the board\nFour-level audit in use",
            "Draft shared with the parent carer forum",
        ],
        &[
            "",
            "",
            "1.3",
            "Audit 20 EHC plans each term",
            "SEND QA Officer",
            "15 January 2022",
            "Not started",
            "",
            "80% of audited plans good or better",
            "",
        ],
        &[],
        &[
            "W2: Timeliness of EHC plans",
            "WS2 EHC needs assessment",
            "2.1",
            "Recruit two more EHC coordinators",
            "Assistant Director, SEND",
            "31 October 2021",
            "In progress",
            "R",
            "",
            "Recruitment paused during restrictions",
        ],
        &[
            "",
            "",
            "2.2",
            "Publish timeliness on the Local Offer",
            "Head of SEND",
            "September 2021",
            "Done",
            "Blue",
            "",
            "",
        ],
        &["Total", "", "5", "", "", "", "", "", "", ""],
    ])
}

/// October's tracker: 1.2's deadline slipped, 1.3 started, 2.1 has a new owner and turned
/// amber, 2.2 is unchanged, and 2.3 is new.
fn october() -> Sheet {
    sheet(&[
        &["Northshire SEND Written Statement of Action: action tracker"],
        &["Position at 31 October 2021"],
        &[],
        HEADINGS,
        &[
            "W1: Quality assurance",
            "WS1 Quality of EHC plans",
            "1.1",
            "Appoint a SEND quality assurance officer",
            "Head of SEND",
            "30/09/2021",
            "Completed",
            "G",
            "Officer in post",
            "Officer started on 1 September",
        ],
        &[
            "",
            "",
            "1.2",
            "Agree a quality assurance framework",
            "Head of SEND",
            "31/03/2022",
            "In progress",
            "Amber",
            "Framework agreed by the board\nFour-level audit in use",
            "Draft shared with the parent carer forum",
        ],
        &[
            "",
            "",
            "1.3",
            "Audit 20 EHC plans each term",
            "SEND QA Officer",
            "15 January 2022",
            "In progress",
            "G",
            "80% of audited plans good or better",
            "First 10 plans audited",
        ],
        &[],
        &[
            "W2: Timeliness of EHC plans",
            "WS2 EHC needs assessment",
            "2.1",
            "Recruit two more EHC coordinators",
            "Head of SEND Commissioning",
            "31 October 2021",
            "In progress",
            "A",
            "",
            "One coordinator started; the second post is re-advertised",
        ],
        &[
            "",
            "",
            "2.2",
            "Publish timeliness on the Local Offer",
            "Head of SEND",
            "30/09/2021",
            "Done",
            "Blue",
            "",
            "",
        ],
        &[
            "",
            "",
            "2.3",
            "Weekly EHC hub tracking meeting",
            "EHC Hub Manager",
            "30 November 2021",
            "",
            "",
            "",
            "",
        ],
        &["Total", "", "6", "", "", "", "", "", "", ""],
    ])
}

// ---------------------------------------------------------------------------------------------
// A first import
// ---------------------------------------------------------------------------------------------

#[test]
fn a_first_import_records_weaknesses_workstreams_actions_statuses_and_updates() {
    let ledger = Ledger::opened();
    let planned = ledger.import(&september(), &options(), "2021-09-30");
    assert_eq!(problems(&planned), Vec::<String>::new());
    assert_eq!(planned.header_row, Some(4));
    assert_eq!(planned.action_rows, 5);
    assert_eq!(
        summaries(&planned),
        [
            "row 5: new area of weakness W1 'Quality assurance'",
            "row 9: new area of weakness W2 'Timeliness of EHC plans'",
            "row 5: new workstream WS1 'Quality of EHC plans' (sponsor Director of Education; answers W1)",
            "row 9: new workstream WS2 'EHC needs assessment' (sponsor Director of Education; answers W2)",
            "row 5: new action 1.1 'Appoint a SEND quality assurance officer' in WS1 (owner Head of SEND, due 30 September 2021)",
            "row 5: action 1.1: status not started → complete, RAG green, update 'Officer started on 1 September'",
            "row 6: new action 1.2 'Agree a quality assurance framework' in WS1 (owner Head of SEND, due 31 December 2021)",
            "row 6: action 1.2: status not started → in progress, RAG amber, update 'Draft shared with the parent carer forum'",
            "row 7: new action 1.3 'Audit 20 EHC plans each term' in WS1 (owner SEND QA Officer, due 15 January 2022)",
            "row 9: new action 2.1 'Recruit two more EHC coordinators' in WS2 (owner Assistant Director, SEND, due 31 October 2021)",
            "row 9: action 2.1: status not started → in progress, RAG red, update 'Recruitment paused during restrictions'",
            "row 10: new action 2.2 'Publish timeliness on the Local Offer' in WS2 (owner Head of SEND, due September 2021 (30 September 2021))",
            "row 10: action 2.2: status not started → complete, RAG green",
        ]
    );
    assert_eq!(notices(&planned), ["row 11: skipped: a totals row"]);
    let commands: Vec<&Command> = planned.commands().collect();
    assert_eq!(
        commands[0],
        &Command::RecordWeakness(WeaknessRecorded {
            id: WeaknessId::new("W1").expect("valid"),
            title: "Quality assurance".to_owned(),
            finding: None,
        })
    );
    assert_eq!(
        commands[2],
        &Command::CreateWorkstream(WorkstreamCreated {
            id: WorkstreamId::new("WS1").expect("valid"),
            title: "Quality of EHC plans".to_owned(),
            sponsor: "Director of Education".to_owned(),
            weaknesses: vec![WeaknessId::new("W1").expect("valid")],
        })
    );
    assert_eq!(
        commands[6],
        &Command::CreateAction(ActionCreated {
            id: action("1.2"),
            workstream: WorkstreamId::new("WS1").expect("valid"),
            title: "Agree a quality assurance framework".to_owned(),
            owner: "Head of SEND".to_owned(),
            due: date("2021-12-31"),
            success: vec![
                "Framework agreed by the board".to_owned(),
                "Four-level audit in use".to_owned()
            ],
        })
    );
    assert_eq!(
        commands[12],
        &Command::ChangeActionStatus(ActionStatusChanged {
            id: action("2.2"),
            status: Status::Complete,
            rag: Some(Rag::Green),
            note: None,
        })
    );
}

#[test]
fn importing_the_same_file_twice_plans_nothing_the_second_time() {
    let mut ledger = Ledger::opened();
    ledger.imported(&september(), &options(), "2021-09-30");
    let again = ledger.import(&september(), &options(), "2021-10-01");
    assert_eq!(problems(&again), Vec::<String>::new());
    assert_eq!(summaries(&again), Vec::<String>::new());
    assert_eq!(again.action_rows, 5);
}

#[test]
fn next_months_file_plans_only_what_changed() {
    let mut ledger = Ledger::opened();
    ledger.imported(&september(), &options(), "2021-09-30");
    let october = ledger.import(&october(), &options(), "2021-10-31");
    assert_eq!(problems(&october), Vec::<String>::new());
    assert_eq!(
        summaries(&october),
        [
            "row 6: action 1.2: deadline 31 December 2021 → 31 March 2022",
            "row 7: action 1.3: status not started → in progress, RAG green, update 'First 10 plans audited'",
            "row 9: action 2.1: owner 'Assistant Director, SEND' → 'Head of SEND Commissioning'",
            "row 9: action 2.1: RAG red → amber, update 'One coordinator started; the second post is re-advertised'",
            "row 11: new action 2.3 'Weekly EHC hub tracking meeting' in WS2 (owner EHC Hub Manager, due 30 November 2021)",
        ]
    );
    let commands: Vec<&Command> = october.commands().collect();
    assert_eq!(
        commands[0],
        &Command::AmendAction(ActionAmended {
            id: action("1.2"),
            title: None,
            owner: None,
            due: Some(date("2022-03-31")),
            reason: "the tracker tracker.csv, row 6, says so (imported with `wsoa import tracker`)"
                .to_owned(),
        })
    );
    assert_eq!(
        commands[3],
        &Command::ChangeActionStatus(ActionStatusChanged {
            id: action("2.1"),
            status: Status::InProgress,
            rag: Some(Rag::Amber),
            note: Some("One coordinator started; the second post is re-advertised".to_owned()),
        })
    );
    ledger.given(
        "2021-10-31",
        &october.commands().cloned().collect::<Vec<_>>(),
    );
    let plan = ledger.plan();
    let a12 = plan.action("1.2").expect("1.2 exists");
    assert_eq!(
        (a12.original_due, a12.due),
        (date("2021-12-31"), date("2022-03-31"))
    );
    assert_eq!(
        plan.action("2.1").map(|a| a.owner.as_str()),
        Some("Head of SEND Commissioning")
    );
    // And once recorded, October's file matches too.
    assert_eq!(
        summaries(&ledger.import(&self::october(), &options(), "2021-11-01")),
        Vec::<String>::new()
    );
}

#[test]
fn a_reason_given_names_the_import_too() {
    let mut ledger = Ledger::opened();
    ledger.imported(&september(), &options(), "2021-09-30");
    let with_reason = ImportOptions {
        reason: Some("Agreed at the October improvement board".to_owned()),
        ..options()
    };
    let october = ledger.import(&october(), &with_reason, "2021-10-31");
    let Some(Command::AmendAction(amended)) = october.commands().next() else {
        panic!("the first step amends 1.2");
    };
    assert_eq!(
        amended.reason,
        "Agreed at the October improvement board (tracker tracker.csv, row 6)"
    );
}

#[test]
fn an_update_alone_is_a_note_and_a_reopened_action_says_why() {
    let mut ledger = Ledger::opened();
    ledger.imported(&september(), &options(), "2021-09-30");
    let mut rows = september();
    // 1.3: only the update changes. 1.1: back in progress with no new update.
    rows.rows[6][9] = Cell::Text("Audit tool agreed".to_owned());
    rows.rows[4][6] = Cell::Text("In progress".to_owned());
    let planned = ledger.import(&rows, &options(), "2021-10-10");
    assert_eq!(
        summaries(&planned),
        [
            "row 5: action 1.1: status complete → in progress, update 'Reopened in the tracker tracker.csv (row 5)'",
            "row 7: action 1.3: update 'Audit tool agreed'",
        ]
    );
    assert_eq!(
        planned.steps[1].command,
        Command::AddNote(AddNote {
            about: SubjectRef {
                kind: Some(SubjectKind::Action),
                id: "1.3".to_owned()
            },
            text: "Audit tool agreed".to_owned(),
            from: None,
        })
    );
}

// ---------------------------------------------------------------------------------------------
// Layouts
// ---------------------------------------------------------------------------------------------

#[test]
fn a_two_row_heading_section_rows_and_serial_dates_are_read() {
    // "Progress" is merged over Status and RAG, with their headings in the row below; sections
    // are heading rows merged across the sheet (each cell holds the same text once filled).
    let mut tracker = sheet(&[
        &[
            "Ref",
            "Action",
            "Lead officer(s)",
            "Timescale",
            "Progress",
            "",
            "Latest update",
        ],
        &["", "", "", "", "Status", "RAG", ""],
        &["Area of weakness 1: Quality assurance"; 7],
        &["Workstream 1 - Quality of EHC plans"; 7],
        &[
            "1.1",
            "Appoint a QA officer",
            "Head of SEND",
            "",
            "Done",
            "B",
            "",
        ],
        &[
            "1.2",
            "Agree a QA framework",
            "Head of SEND",
            "",
            "ongoing",
            "a",
            "Draft agreed",
        ],
        &["Workstream 2: Timeliness"; 7],
        &[
            "2.1",
            "Weekly tracking meeting",
            "EHC Hub Manager",
            "",
            "Not yet started",
            "",
            "",
        ],
    ]);
    tracker.rows[4][3] = Cell::Number(44_469.0);
    tracker.rows[5][3] = Cell::Date(date("2021-12-31"));
    tracker.rows[7][3] = Cell::Number(44_530.5);
    let ledger = Ledger::opened();
    let planned = ledger.import(&tracker, &options(), "2021-09-30");
    assert_eq!(problems(&planned), Vec::<String>::new());
    assert_eq!(planned.header_row, Some(1));
    let headings: Vec<String> = planned
        .columns
        .iter()
        .map(|c| format!("{} {} = {:?}", c.letter, c.heading, c.field))
        .collect();
    assert_eq!(
        headings,
        [
            "A Ref = Some(Ref)",
            "B Action = Some(Action)",
            "C Lead officer(s) = Some(Owner)",
            "D Timescale = Some(Due)",
            "E Progress / Status = Some(Status)",
            "F RAG = Some(Rag)",
            "G Latest update = Some(Update)",
        ]
    );
    assert_eq!(
        summaries(&planned),
        [
            "row 3: new area of weakness W1 'Quality assurance'",
            "row 4: new workstream WS1 'Quality of EHC plans' (sponsor Director of Education; answers W1)",
            "row 7: new workstream WS2 'Timeliness' (sponsor Director of Education; answers W1)",
            "row 5: new action 1.1 'Appoint a QA officer' in WS1 (owner Head of SEND, due 30 September 2021)",
            "row 5: action 1.1: status not started → complete, RAG green",
            "row 6: new action 1.2 'Agree a QA framework' in WS1 (owner Head of SEND, due 31 December 2021)",
            "row 6: action 1.2: status not started → in progress, RAG amber, update 'Draft agreed'",
            "row 8: new action 2.1 'Weekly tracking meeting' in WS2 (owner EHC Hub Manager, due 30 November 2021)",
        ]
    );
    assert_eq!(
        notices(&planned),
        [
            "row 3: 'Area of weakness 1: Quality assurance' is a heading: its area of weakness applies to the rows below",
            "row 4: 'Workstream 1 - Quality of EHC plans' is a heading: its workstream applies to the rows below",
            "row 7: 'Workstream 2: Timeliness' is a heading: its workstream applies to the rows below",
        ]
    );
}

#[test]
fn titles_alone_find_what_the_ledger_has_or_take_the_next_free_id() {
    let mut ledger = Ledger::opened();
    ledger.given(
        "2021-04-20",
        &[
            Command::RecordWeakness(WeaknessRecorded {
                id: WeaknessId::new("W1").expect("valid"),
                title: "Quality assurance".to_owned(),
                finding: None,
            }),
            Command::CreateWorkstream(WorkstreamCreated {
                id: WorkstreamId::new("WS1").expect("valid"),
                title: "Quality assurance framework".to_owned(),
                sponsor: "Director of Education".to_owned(),
                weaknesses: vec![WeaknessId::new("W1").expect("valid")],
            }),
        ],
    );
    // "WS1" is taken by the ledger, so the titles alone take WS2 and WS3.
    let tracker = sheet(&[
        &[
            "Area of weakness",
            "Workstream",
            "Ref",
            "Action",
            "Owner",
            "Due",
        ],
        &[
            "quality  assurance",
            "EHC plans",
            "1.1",
            "Appoint",
            "Head of SEND",
            "2021-09-30",
        ],
        &[
            "Joint commissioning",
            "Commissioning",
            "2.1",
            "Map need",
            "ICB lead",
            "2021-09-30",
        ],
        &["", "WS1", "3.1", "Review", "ICB lead", "2021-09-30"],
    ]);
    let planned = ledger.import(&tracker, &options(), "2021-09-30");
    assert_eq!(problems(&planned), Vec::<String>::new());
    assert_eq!(
        summaries(&planned),
        [
            "row 3: new area of weakness W2 'Joint commissioning'",
            "row 2: new workstream WS2 'EHC plans' (sponsor Director of Education; answers W1)",
            "row 3: new workstream WS3 'Commissioning' (sponsor Director of Education; answers W2)",
            // Row 4's blank weakness is row 3's (merged cells read so), so WS1 now answers it too.
            "row 4: workstream WS1: now answers W1, W2",
            "row 2: new action 1.1 'Appoint' in WS2 (owner Head of SEND, due 30 September 2021)",
            "row 3: new action 2.1 'Map need' in WS3 (owner ICB lead, due 30 September 2021)",
            "row 4: new action 3.1 'Review' in WS1 (owner ICB lead, due 30 September 2021)",
        ]
    );
}

#[test]
fn maps_name_columns_by_heading_or_letter_and_can_leave_one_out() {
    let tracker = sheet(&[
        &[
            "No.",
            "What",
            "Who leads",
            "Target",
            "Notes",
            "Internal notes",
        ],
        &[
            "1.1",
            "Appoint a QA officer",
            "Head of SEND",
            "30/09/2021",
            "Advertised",
            "x",
        ],
    ]);
    let ledger = Ledger::opened();
    let mapped = ImportOptions {
        maps: vec![
            "What=action".parse::<ColumnMap>().expect("valid"),
            "who leads=lead".parse().expect("valid"),
            "D=due".parse().expect("valid"),
            "F=ignore".parse().expect("valid"),
        ],
        default_workstream: Some("WS1 Quality assurance".to_owned()),
        default_weakness: Some("W1 Quality assurance".to_owned()),
        ..options()
    };
    let planned = ledger.import(&tracker, &mapped, "2021-09-30");
    assert_eq!(problems(&planned), Vec::<String>::new());
    assert_eq!(
        summaries(&planned),
        [
            "new area of weakness W1 'Quality assurance'",
            "row 2: new workstream WS1 'Quality assurance' (sponsor Director of Education; answers W1)",
            "row 2: new action 1.1 'Appoint a QA officer' in WS1 (owner Head of SEND, due 30 September 2021)",
            "row 2: action 1.1: update 'Advertised'",
        ]
    );
    assert_eq!(
        notices(&planned),
        ["columns not imported: F 'Internal notes'"]
    );
    assert_eq!(
        "Lead".parse::<ColumnMap>().map_err(|e| e.to_string()),
        Err("'Lead' is not COLUMN=FIELD: write the column's heading or letter, '=', and what it holds (ref, action, owner, due, revised, status, rag, success, update, workstream, weakness, sponsor, measure, baseline, target, latest, ignore), such as \"Lead person=owner\" or H=ignore".to_owned())
    );
    assert_eq!(
        "Lead=boss".parse::<ColumnMap>().map_err(|e| e.to_string()),
        Err("'boss' is not a valid field: use one of ref, action, owner, due, revised, status, rag, success, update, workstream, weakness, sponsor, measure, baseline, target, latest, ignore".to_owned())
    );
    assert_eq!(
        "Owner (interim) = owner".parse::<ColumnMap>(),
        Ok(ColumnMap {
            column: "Owner (interim)".to_owned(),
            field: Field::Owner
        })
    );
}

#[test]
fn defaults_fill_blank_cells_of_new_actions() {
    let tracker = sheet(&[
        &["Ref", "Action", "Lead", "Deadline"],
        &["1.1", "Appoint a QA officer", "", "See the board's minutes"],
        &["1.2", "Agree a framework", "Head of SEND", ""],
    ]);
    let ledger = Ledger::opened();
    let defaults = ImportOptions {
        default_owner: Some("Head of SEND".to_owned()),
        default_due: Some(date("2021-12-31")),
        default_workstream: Some("WS1 Quality assurance".to_owned()),
        default_weakness: Some("W1 Quality assurance".to_owned()),
        ..options()
    };
    let planned = ledger.import(&tracker, &defaults, "2021-09-30");
    assert_eq!(problems(&planned), Vec::<String>::new());
    assert_eq!(
        summaries(&planned)[2..],
        [
            "row 2: new action 1.1 'Appoint a QA officer' in WS1 (owner Head of SEND, due 31 December 2021)",
            "row 3: new action 1.2 'Agree a framework' in WS1 (owner Head of SEND, due 31 December 2021)",
        ]
    );
    assert_eq!(
        notices(&planned),
        [
            "row 2: deadline 'See the board's minutes' is not a date or deadline words the ledger reads; action 1.1 takes --default-due 31 December 2021"
        ]
    );
}

#[test]
fn excel_serial_dates_have_the_1900_leap_year_bug() {
    assert_eq!(excel_serial_date(44_469.0), Some(date("2021-09-30")));
    assert_eq!(excel_serial_date(59.0), Some(date("1900-02-28")));
    assert_eq!(excel_serial_date(60.0), None);
    assert_eq!(excel_serial_date(61.0), Some(date("1900-03-01")));
}

// ---------------------------------------------------------------------------------------------
// Problems, word for word
// ---------------------------------------------------------------------------------------------

#[test]
fn every_row_level_problem_is_reported_row_by_row() {
    let mut ledger = Ledger::opened();
    ledger.imported(&september(), &options(), "2021-09-30");
    let tracker = sheet(&[
        &["Tracker"],
        &[
            "Area of weakness",
            "Workstream",
            "Ref",
            "Action",
            "Lead",
            "Deadline",
            "Status",
            "RAG",
        ],
        &["W1", "WS1", "1.4", "Train SENCOs", "", "2021-12-01", "", ""],
        &["", "", "1.5", "Survey parents", "Head of SEND", "", "", ""],
        &[
            "",
            "",
            "1.6",
            "Refresh the Local Offer",
            "Head of SEND",
            "Autumn 2021",
            "",
            "",
        ],
        &[
            "",
            "",
            "1.2",
            "Agree a quality assurance framework",
            "Head of SEND",
            "See note",
            "",
            "",
        ],
        &[
            "",
            "",
            "A 1.7",
            "Co-produce the charter",
            "Head of SEND",
            "2021-12-01",
            "",
            "",
        ],
        &[
            "",
            "",
            "",
            "Publish the charter",
            "Head of SEND",
            "2021-12-01",
            "",
            "",
        ],
        &[
            "",
            "",
            "1.5",
            "Survey parents again",
            "Head of SEND",
            "2021-12-01",
            "",
            "",
        ],
        &[
            "",
            "",
            "1.8",
            "Case audits",
            "Head of SEND",
            "Q3",
            "Sort of",
            "Purple",
        ],
        &[
            "",
            "",
            "1.9",
            "Panel review",
            "Head of SEND",
            "2021-12-01",
            "In progress",
            "Blue",
        ],
        &[
            "",
            "",
            "1.10",
            "Data dashboard",
            "Head of SEND",
            "2021-12-01",
            "",
            "Red/Amber",
        ],
        &["", "", "1.11", "", "Head of SEND", "2021-12-01", "", ""],
        &[
            "",
            "WS9",
            "9.1",
            "Something",
            "Head of SEND",
            "2021-12-01",
            "",
            "",
        ],
        &[
            "",
            "WS2 EHC needs assessment",
            "1.1",
            "Appoint a SEND quality assurance officer",
            "",
            "",
            "",
            "",
        ],
        &[
            "",
            "WS5 New workstream",
            "5.1",
            "Start",
            "Head of SEND",
            "2021-12-01",
            "",
            "",
        ],
        &[
            "",
            "WS5 Renamed",
            "5.2",
            "Carry on",
            "Head of SEND",
            "2021-12-01",
            "",
            "",
        ],
        &[
            "W9",
            "WS6 Another",
            "6.1",
            "Begin",
            "Head of SEND",
            "2021-12-01",
            "",
            "",
        ],
        &[
            "W1",
            "WS1",
            "1.12",
            "Con\u{7}trol",
            "Head of SEND",
            "2021-12-01",
            "",
            "",
        ],
    ]);
    let no_sponsor = ImportOptions {
        default_sponsor: None,
        ..options()
    };
    let planned = ledger.import(&tracker, &no_sponsor, "2021-10-31");
    assert_eq!(
        problems(&planned),
        [
            "row 3: no owner in 'Lead'; fill the cell or give --default-owner NAME",
            "row 7: reference 'A 1.7' is not a valid action id (it contains a space); use letters, digits, dots and hyphens, such as 1.1 or A2.3",
            "row 8: no reference in 'Ref' for the action 'Publish the charter'; give every action a reference, such as 1.1",
            "row 9: reference 1.5 is also on row 4; give each action its own reference",
            "row 10: status 'Sort of' is not a status; write Not started, In progress, Complete, Blocked or Withdrawn",
            "row 10: RAG 'Purple' is not a RAG rating; write Red, Amber or Green (or R, A, G), or Blue for complete",
            "row 11: RAG 'Blue' means complete but the status is 'In progress'; make them agree",
            "row 12: RAG 'Red/Amber' gives more than one rating; write one of Red, Amber or Green",
            "row 13: action 1.11 is new and has no text in 'Action'; fill the cell",
            "row 14: workstream WS9 is not in the ledger and 'Workstream' gives no title for it; write it as 'WS9 Title' or record it first with `wsoa workstream add`",
            "row 15: action 1.1 is in workstream WS1 in the ledger but WS2 here; an action cannot move to another workstream, so fix the cell",
            "row 17: workstream WS5 is called 'Renamed' here but 'New workstream' on row 16; use one title",
            "row 18: area of weakness W9 is not in the ledger and 'Area of weakness' gives no title for it; write it as 'W9 Title' or record it first with `wsoa weakness add`",
            "row 19: new action 1.12 'Con\u{7}trol' in WS1 (owner Head of SEND, due 1 December 2021): the action's title contains a control character (U+0007) at character 4; remove it",
        ]
    );
    // Deadlines in words or blank, and a workstream with no sponsor, stop nothing: they are said.
    let said: Vec<String> = notices(&planned)
        .into_iter()
        .filter(|n| {
            ["row 4:", "row 5:", "row 6:", "row 10:", "row 16:"]
                .iter()
                .any(|r| n.starts_with(r))
        })
        .collect();
    assert_eq!(
        said,
        [
            "row 4: no deadline in 'Deadline', so action 1.5 is recorded with no deadline set, shown as \"Not recorded\": a gap to close with `wsoa action amend 1.5 --due DEADLINE --reason TEXT`",
            "row 6: deadline 'See note' is not a date or deadline words the ledger reads, so action 1.2 keeps its deadline, 31 December 2021",
            "row 10: deadline 'Q3' is not a date or deadline words the ledger reads (write a date (2021-07-15 or 15/07/2021), a month (July 2021, Sep-21, end of March 2022), a term or season (Autumn term 2021, Spring 2022, Summer 2022), a quarter or financial year (Q3 2021/22, 2021/22), recurring words (Ongoing, Termly, Monthly, Quarterly, Annually) or words for a deadline not yet set (TBC, TBA, To be agreed)), so action 1.8 is recorded with no deadline set, shown as \"Not recorded\": a gap to close with `wsoa action amend 1.8 --due DEADLINE --reason TEXT`",
            "row 16: workstream WS5 'New workstream' has no sponsor in the sheet; it is recorded as \"Not recorded\", a gap to close with `wsoa workstream amend WS5 --sponsor NAME`",
        ]
    );
}

#[test]
fn file_level_problems_say_which_option_fixes_them() {
    let ledger = Ledger::opened();
    let cases: Vec<(Sheet, ImportOptions, Vec<&str>)> = vec![
        (
            sheet(&[
                &["Northshire tracker"],
                &["Item", "Text"],
                &["1.1", "Appoint"],
            ]),
            options(),
            vec![
                "no row of headings found: none of the first 50 rows has two or more of the usual headings (Ref, Action, Lead or Owner, Deadline, Status, RAG, Success criteria, Update, Workstream, Area of weakness); name the columns with --map COLUMN=FIELD",
            ],
        ),
        (
            sheet(&[
                &["Lead", "Deadline", "Status"],
                &["Head of SEND", "2021-09-30", "Done"],
            ]),
            options(),
            vec![
                "no column holds the action's reference (a heading such as Ref); name it with --map COLUMN=ref",
                "no column holds the action (a heading such as Action); name it with --map COLUMN=action",
            ],
        ),
        (
            sheet(&[
                &["Ref", "Action", "Deadline", "Due date"],
                &["1.1", "Appoint", "2021-09-30", "2021-12-31"],
            ]),
            options(),
            vec![
                "columns C 'Deadline' and D 'Due date' are both read as the deadline; keep one with --map 'Due date=ignore'",
            ],
        ),
        (
            sheet(&[&["Ref", "Action"], &["1.1", "Appoint"]]),
            ImportOptions {
                maps: vec!["Lead person=owner".parse().expect("valid")],
                ..options()
            },
            vec![
                "--map 'Lead person=owner': no column is headed 'Lead person' and it is not a column letter; the headings on row 1 are Ref, Action",
            ],
        ),
        (
            sheet(&[&["Ref", "Action"], &["1.1", "Appoint"]]),
            options(),
            vec![
                "no column holds the owner (a heading such as Lead or Owner), and new actions need one; name it with --map COLUMN=owner or give --default-owner NAME",
                "no column holds the deadline (a heading such as Deadline, Timescale or Due), and new actions need one; name it with --map COLUMN=due or give --default-due DATE",
                "no column holds the workstream (a heading such as Workstream), and new actions need one; name it with --map COLUMN=workstream or give --default-workstream 'WS1 Title'",
            ],
        ),
        (
            sheet(&[
                &["Ref", "Action", "Lead", "Due", "Workstream"],
                &["1.1", "Appoint", "Head", "2021-09-30", "WS1 Quality"],
            ]),
            options(),
            vec![
                "row 2: workstream WS1 'Quality' is new and answers no area of weakness; add an Area of weakness column (or --map COLUMN=weakness) or give --default-weakness 'W1 Title'",
            ],
        ),
    ];
    for (tracker, options, expected) in cases {
        let planned = ledger.import(&tracker, &options, "2021-09-30");
        assert_eq!(problems(&planned), expected);
        assert!(planned.steps.is_empty() || !planned.problems.is_empty());
    }
}

#[test]
fn an_unopened_ledger_or_a_future_date_is_refused_before_the_file_is_read() {
    let empty = Ledger {
        memory: MemoryLedger::new(),
        clock: 0,
    };
    let planned = empty.import(&september(), &options(), "2021-09-30");
    assert_eq!(
        problems(&planned),
        ["the ledger has not been opened yet: open it for its local area first"]
    );
    let planned = Ledger::opened().import(&september(), &options(), "2022-07-01");
    assert_eq!(
        problems(&planned),
        [
            "1 July 2022 is in the future (today is 30 June 2022); record things on or after the day they happen"
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Round trip with `wsoa show --format csv`
// ---------------------------------------------------------------------------------------------

/// The CSV tracker `wsoa show` writes, read back as a sheet.
fn csv_sheet(csv: &str) -> Sheet {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv.as_bytes());
    Sheet::from_text(reader.records().map(|record| {
        record
            .expect("valid CSV")
            .iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    }))
}

#[test]
fn the_demo_plans_tracker_csv_imports_into_a_new_ledger_and_matches_its_own() {
    let demo = wsoa_core::demo::in_memory(None);
    let plan = Plan::from_events(demo.events());
    let today = date(TODAY);
    let exported = wsoa_core::show::csv(&plan, today);
    let tracker = csv_sheet(&exported);

    // Into the demo's own ledger: it already matches.
    let last = demo.events().last().map(|e| e.occurred_on).expect("events");
    let when = When {
        occurred_on: last,
        today: last,
    };
    let same = plan_import(&plan, demo.state(), &tracker, &options(), when);
    assert_eq!(problems(&same), Vec::<String>::new());
    assert_eq!(summaries(&same), Vec::<String>::new());

    // Into a new ledger: the same tracker comes out (but for what only events can give: the
    // original deadline, the date of the latest update, and the evidence).
    let mut fresh = Ledger::opened();
    fresh.imported(&tracker, &options(), TODAY);
    let again = wsoa_core::show::csv(&fresh.plan(), today);
    let keep = |csv: &str| -> Vec<Vec<String>> {
        csv_sheet(csv)
            .rows
            .iter()
            .map(|row| {
                [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11]
                    .iter()
                    .map(|&c| row.get(c).map(Cell::text).unwrap_or_default())
                    .collect()
            })
            .collect()
    };
    assert_eq!(keep(&again), keep(&exported));
}

#[test]
fn a_renamed_workstream_and_a_new_sponsor_are_amended() {
    let mut ledger = Ledger::opened();
    ledger.imported(&september(), &options(), "2021-09-30");
    let tracker = sheet(&[
        &["Workstream", "Workstream lead", "Ref", "Action"],
        &[
            "WS1 Quality and timeliness of EHC plans",
            "Assistant Director, SEND",
            "1.1",
            "Appoint a SEND quality assurance officer",
        ],
    ]);
    let planned = ledger.import(&tracker, &options(), "2021-10-31");
    assert_eq!(problems(&planned), Vec::<String>::new());
    assert_eq!(
        summaries(&planned),
        [
            "row 2: workstream WS1: title 'Quality of EHC plans' → 'Quality and timeliness of EHC plans'; sponsor 'Director of Education' → 'Assistant Director, SEND'"
        ]
    );
    assert_eq!(
        planned.steps[0].command,
        Command::AmendWorkstream(wsoa_core::event::WorkstreamAmended {
            id: WorkstreamId::new("WS1").expect("valid"),
            title: Some("Quality and timeliness of EHC plans".to_owned()),
            sponsor: Some("Assistant Director, SEND".to_owned()),
            weaknesses: None,
            reason: "the tracker tracker.csv, row 2, says so (imported with `wsoa import tracker`)"
                .to_owned(),
        })
    );
}

#[test]
fn rows_that_are_not_actions_are_skipped_and_said_so() {
    let mut ledger = Ledger::opened();
    ledger.imported(&september(), &options(), "2021-09-30");
    let tracker = sheet(&[
        &[
            "Ref",
            "Action",
            "Lead",
            "Deadline",
            "Success criteria",
            "Comments",
            "Latest update",
            "Evidence",
        ],
        &[
            "1.1",
            "Appoint a SEND quality assurance officer",
            "Head of SEND",
            "30/09/2021",
            "Officer in post and trained",
            "",
            "",
            "Job description",
        ],
        &["1.2", "", "", "", "", "", "", ""],
        &["Ref", "Action", "Lead", "Deadline", "", "", "", ""],
        &["", "", "", "", "", "", "", "See the board minutes"],
        &["Key: R = red, A = amber, G = green"],
        &["Grand total", "2", "", "", "", "", "", ""],
    ]);
    let planned = ledger.import(&tracker, &options(), "2021-10-31");
    assert_eq!(problems(&planned), Vec::<String>::new());
    assert_eq!(summaries(&planned), Vec::<String>::new());
    assert_eq!(
        notices(&planned),
        [
            "columns not imported: F 'Comments', H 'Evidence'",
            "actions in the ledger but not in the tracker, left as they are: 1.2, 1.3, 2.1, 2.2",
            "row 2: the success criteria of action 1.1 differ from the ledger's; no event amends success criteria, so they are left as recorded",
            "row 3: skipped: only a reference (1.2), nothing else",
            "row 4: skipped: a repeated row of headings",
            "row 5: skipped: no reference and no action",
            "row 6: skipped: a key or legend row",
            "row 7: skipped: a totals row",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Trackers as councils keep them, month after month
// ---------------------------------------------------------------------------------------------

/// September's tracker as a council keeps it (CSV saved by Excel, so CRLF): title rows, an
/// accountable lead and a lead officer, columns kept for nothing (Supported by, Start), a
/// revised deadline beside the deadline, section rows with a reference in the Ref column or a
/// label in one cell, deadlines in words, a key row and a totals row; no workstream and no
/// sponsor anywhere.
const TRACKER_V1: &str = "Northshire Local Area SEND Written Statement of Action,,,,,,,,,,,\r\n\
Progress tracker: September 2021,,,,,,,,,,,\r\n\
,,,,,,,,,,,\r\n\
Ref,Action,Accountable lead,Lead officer,Supported by,Start,Deadline,Revised deadline,Status,RAG,Update this period,Evidence of impact\r\n\
ASW1,Joint commissioning,,,,,,,,,,\r\n\
1.1,Agree a joint commissioning strategy,Director of Children's Services,Head of Commissioning,CCG,Apr-21,Oct-21,,Complete,G,Strategy agreed at the Health and Wellbeing Board,Strategy published\r\n\
1.2,Map the therapies on offer,Director of Children's Services,Commissioning manager,,,Ongoing,,In progress,A,Mapping half done,\r\n\
1.3,Set up a joint resource panel,Director of Children's Services,Head of Commissioning,,Sep-21,Oct-21,Dec-21,In progress,A,Terms of reference drafted,Panel meets monthly\r\n\
1.4,Publish a joint commissioning newsletter,Director of Children's Services,Commissioning manager,,,Nov-21,,,,,\r\n\
\"Area of weakness 2: Quality of EHC plans\",,,,,,,,,,,\r\n\
2.1,Audit twenty plans a month,Head of SEND,SEND quality officer,,,31/10/2021,,Not started,R,,\r\n\
2.2,Train SENCOs in outcome writing,Head of SEND,Principal educational psychologist,,,TBC,,Not started,,,\r\n\
\"Key: R = off track, A = at risk, G = on track, B = complete\",,,,,,,,,,,\r\n\
Total actions: 6,,,,,,,,,,,\r\n";

/// October's file: 1.1 in other words for the same status and RAG, 1.2 and 1.4 gone, 1.3
/// slipped again and handed to another officer, 2.1 reworded and started, 2.2 given a date,
/// 2.3 new.
const TRACKER_V2: &str = "Northshire Local Area SEND Written Statement of Action,,,,,,,,,,,\r\n\
Progress tracker: October 2021,,,,,,,,,,,\r\n\
,,,,,,,,,,,\r\n\
Ref,Action,Accountable lead,Lead officer,Supported by,Start,Deadline,Revised deadline,Status,RAG,Update this period,Evidence of impact\r\n\
ASW1,Joint commissioning,,,,,,,,,,\r\n\
1.1,Agree a joint commissioning strategy,Director of Children's Services,Head of Commissioning,CCG,Apr-21,Oct-21,,Completed,Green,Strategy agreed at the Health and Wellbeing Board,Strategy published\r\n\
1.3,Set up a joint resource panel,Director of Children's Services,Joint commissioning manager,,Sep-21,Oct-21,Jan-22,In progress,A,Terms of reference drafted,Panel meets monthly\r\n\
\"Area of weakness 2: Quality of EHC plans\",,,,,,,,,,,\r\n\
2.1,\"Audit twenty plans a month, with parents\",Head of SEND,SEND quality officer,,,31/10/2021,,In progress,A,First audit done,\r\n\
2.2,Train SENCOs in outcome writing,Head of SEND,Principal educational psychologist,,,30/11/2021,,Not started,,,\r\n\
2.3,Publish the EHC plan quality standard,Head of SEND,SEND quality officer,,,Dec-21,,Not started,,,\r\n\
\"Key: R = off track, A = at risk, G = on track, B = complete\",,,,,,,,,,,\r\n\
Total actions: 5,,,,,,,,,,,\r\n";

fn tracker_options(source: &str) -> ImportOptions {
    ImportOptions {
        source: source.to_owned(),
        ..ImportOptions::default()
    }
}

#[test]
fn a_councils_tracker_imports_with_no_options() {
    let mut ledger = Ledger::opened();
    let planned = ledger.imported(
        &csv_sheet(TRACKER_V1),
        &tracker_options("tracker-2021-09.csv"),
        "2021-09-30",
    );
    assert_eq!(planned.header_row, Some(4));
    assert_eq!(
        summaries(&planned),
        [
            "row 5: new area of weakness W1 'Joint commissioning'",
            "row 10: new area of weakness W2 'Quality of EHC plans'",
            "row 5: new workstream WS1 'Joint commissioning' (sponsor Not recorded; answers W1)",
            "row 10: new workstream WS2 'Quality of EHC plans' (sponsor Not recorded; answers W2)",
            "row 6: new action 1.1 'Agree a joint commissioning strategy' in WS1 (owner Head of Commissioning, due Oct-21 (31 October 2021))",
            "row 6: action 1.1: status not started → complete, RAG green, update 'Strategy agreed at the Health and Wellbeing Board'",
            "row 7: new action 1.2 'Map the therapies on offer' in WS1 (owner Commissioning manager, due Ongoing)",
            "row 7: action 1.2: status not started → in progress, RAG amber, update 'Mapping half done'",
            "row 8: new action 1.3 'Set up a joint resource panel' in WS1 (owner Head of Commissioning, due Oct-21 (31 October 2021))",
            "row 8: action 1.3: deadline Oct-21 (31 October 2021) → Dec-21 (31 December 2021) ('Revised deadline')",
            "row 8: action 1.3: status not started → in progress, RAG amber, update 'Terms of reference drafted'",
            "row 9: new action 1.4 'Publish a joint commissioning newsletter' in WS1 (owner Commissioning manager, due Nov-21 (30 November 2021))",
            "row 11: new action 2.1 'Audit twenty plans a month' in WS2 (owner SEND quality officer, due 31 October 2021)",
            "row 11: action 2.1: RAG red",
            "row 12: new action 2.2 'Train SENCOs in outcome writing' in WS2 (owner Principal educational psychologist, due TBC — no deadline set)",
        ]
    );
    assert_eq!(
        notices(&planned),
        [
            "columns not imported: C 'Accountable lead', E 'Supported by', F 'Start'",
            "row 5: 'ASW1: Joint commissioning' is a heading: its area of weakness applies to the rows below; the sheet names no workstreams, so they form workstream 'WS1: Joint commissioning'",
            "row 5: workstream WS1 'Joint commissioning' has no sponsor in the sheet; it is recorded as \"Not recorded\", a gap to close with `wsoa workstream amend WS1 --sponsor NAME`",
            "row 10: 'Area of weakness 2: Quality of EHC plans' is a heading: its area of weakness applies to the rows below; the sheet names no workstreams, so they form workstream 'WS2: Quality of EHC plans'",
            "row 10: workstream WS2 'Quality of EHC plans' has no sponsor in the sheet; it is recorded as \"Not recorded\", a gap to close with `wsoa workstream amend WS2 --sponsor NAME`",
            "row 13: skipped: a key or legend row",
            "row 14: skipped: a totals row",
        ]
    );
    // The slip says where it comes from.
    let slip = planned
        .commands()
        .find_map(|command| match command {
            Command::AmendActionWithDeadline(e) => Some(e.clone()),
            _ => None,
        })
        .expect("a slip, in the words the tracker uses");
    assert_eq!(
        slip.due,
        Some(Deadline::Written {
            words: "Dec-21".to_owned(),
            date: date("2021-12-31")
        })
    );
    assert_eq!(
        slip.reason,
        "the tracker tracker-2021-09.csv, row 8, revises the deadline from Oct-21 (31 October 2021) to Dec-21 (31 December 2021) in 'Revised deadline' (imported with `wsoa import tracker`)"
    );
    let plan = ledger.plan();
    assert_eq!(
        plan.workstream("WS1").map(|ws| ws.sponsor.as_str()),
        Some(wsoa_tracker::SPONSOR_NOT_RECORDED)
    );
    assert_eq!(plan.action("1.3").map(|a| a.due), Some(date("2021-12-31")));
    // The same file again records nothing, and its words are no problem.
    let again = ledger.import(
        &csv_sheet(TRACKER_V1),
        &tracker_options("tracker-2021-09.csv"),
        "2021-10-01",
    );
    assert_eq!(problems(&again), Vec::<String>::new());
    assert_eq!(summaries(&again), Vec::<String>::new());
}

#[test]
fn next_months_tracker_records_only_what_changed_and_the_same_file_again_nothing() {
    let mut ledger = Ledger::opened();
    ledger.imported(
        &csv_sheet(TRACKER_V1),
        &tracker_options("tracker-2021-09.csv"),
        "2021-09-30",
    );
    let planned = ledger.imported(
        &csv_sheet(TRACKER_V2),
        &tracker_options("tracker-2021-10.csv"),
        "2021-10-31",
    );
    assert_eq!(
        summaries(&planned),
        [
            "row 7: action 1.3: owner 'Head of Commissioning' → 'Joint commissioning manager'; deadline Dec-21 (31 December 2021) → Jan-22 (31 January 2022) ('Revised deadline')",
            "row 9: action 2.1: wording 'Audit twenty plans a month' → 'Audit twenty plans a month, with parents'",
            "row 9: action 2.1: status not started → in progress, RAG red → amber, update 'First audit done'",
            "row 10: action 2.2: deadline TBC — no deadline set → 30 November 2021",
            "row 11: new action 2.3 'Publish the EHC plan quality standard' in WS2 (owner SEND quality officer, due Dec-21 (31 December 2021))",
        ]
    );
    let amendments: Vec<String> = planned
        .commands()
        .filter_map(|command| match command {
            Command::AmendAction(e) => Some(e.reason.clone()),
            Command::AmendActionWithDeadline(e) => Some(e.reason.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        amendments,
        [
            "the tracker tracker-2021-10.csv, row 7, revises the deadline from Dec-21 (31 December 2021) to Jan-22 (31 January 2022) in 'Revised deadline' (imported with `wsoa import tracker`)",
            "the tracker tracker-2021-10.csv, row 9, says so (imported with `wsoa import tracker`)",
            "the tracker tracker-2021-10.csv, row 10, says so (imported with `wsoa import tracker`)",
        ]
    );
    // 1.2 (its deadline "Ongoing") and 1.4 are reported, not deleted.
    assert!(notices(&planned).contains(
        &"actions in the ledger but not in the tracker, left as they are: 1.2, 1.4".to_owned()
    ));
    assert!(ledger.plan().action("1.4").is_some());
    assert_eq!(
        ledger.plan().action("1.2").and_then(|a| a.deadline.clone()),
        Some(Deadline::Recurring {
            words: "Ongoing".to_owned(),
            every: wsoa_core::deadline::Recurrence::Ongoing
        })
    );
    let plan = ledger.plan();
    assert_eq!(
        plan.action("1.3").map(|a| (a.owner.clone(), a.due)),
        Some(("Joint commissioning manager".to_owned(), date("2022-01-31")))
    );
    assert_eq!(plan.action("1.1").map(|a| a.status), Some(Status::Complete));
    // The timeline says what the deadline moved from, as the tracker wrote it.
    let sentences: Vec<String> =
        wsoa_core::timeline::timeline(ledger.memory.sealed().iter().map(|s| (&s.event, s.hash)))
            .map(|entry| entry.sentence)
            .collect();
    assert!(
        sentences.iter().any(|s| s.starts_with(
            "Deadline of action 2.2 'Train SENCOs in outcome writing' moved from TBC — no deadline set to 30 November 2021"
        )),
        "{sentences:#?}"
    );
    assert!(
        sentences.iter().any(|s| s
            .contains("deadline moved from Dec-21 (31 December 2021) to Jan-22 (31 January 2022)")),
        "{sentences:#?}"
    );
    // October's file again: nothing.
    let again = ledger.import(
        &csv_sheet(TRACKER_V2),
        &tracker_options("tracker-2021-10.csv"),
        "2021-11-01",
    );
    assert_eq!(problems(&again), Vec::<String>::new());
    assert_eq!(summaries(&again), Vec::<String>::new());
}

#[test]
fn the_headings_real_trackers_use_are_recognised() {
    let ledger = Ledger::opened();
    for (headings, expected) in [
        (
            [
                "Ref",
                "Key concern",
                "Action",
                "Accountable lead",
                "Lead officer",
                "Target date",
            ],
            ["ref", "weakness", "action", "-", "owner", "due"],
        ),
        (
            [
                "No.",
                "Area for development",
                "What we will do",
                "Lead(s)",
                "By when",
                "Progress update",
            ],
            ["ref", "weakness", "action", "owner", "due", "update"],
        ),
        (
            [
                "Ref",
                "Area for priority action",
                "Action",
                "Responsible officer",
                "Timescale",
                "Commentary",
            ],
            ["ref", "weakness", "action", "owner", "due", "update"],
        ),
        (
            [
                "Ref",
                "Finding",
                "Actions",
                "Owner(s)",
                "Completion date",
                "Comments",
            ],
            ["ref", "weakness", "action", "owner", "due", "update"],
        ),
        (
            [
                "Ref",
                "Area of significant weakness",
                "Action",
                "Who",
                "Deadline",
                "Update this period",
            ],
            ["ref", "weakness", "action", "owner", "due", "update"],
        ),
        (
            [
                "Ref",
                "Area for improvement",
                "Action",
                "Lead",
                "Deadline",
                "Revised date",
            ],
            ["ref", "weakness", "action", "owner", "due", "revised"],
        ),
        (
            [
                "Ref",
                "Action",
                "Measure of success",
                "Lead officer",
                "Deadline",
                "New deadline",
            ],
            ["ref", "action", "success", "owner", "due", "revised"],
        ),
        (
            [
                "Ref",
                "Action",
                "Evidence of impact",
                "Supported by",
                "Start",
                "Outcome",
            ],
            ["ref", "action", "success", "-", "-", "-"],
        ),
    ] {
        let tracker = sheet(&[&headings, &["1.1", "", "", "", "", ""]]);
        let planned = ledger.import(&tracker, &options(), "2021-09-30");
        let read: Vec<String> = planned
            .columns
            .iter()
            .map(|c| c.field.map_or("-".to_owned(), |f| f.to_string()))
            .collect();
        assert_eq!(read, expected, "{headings:?}");
        assert!(
            !problems(&planned)
                .iter()
                .any(|p| p.contains("are both read as")),
            "{headings:?}: {:?}",
            problems(&planned)
        );
    }
    // A revised deadline with no deadline beside it is the deadline.
    let planned = ledger.import(
        &sheet(&[
            &["Ref", "Action", "Revised deadline"],
            &["1.1", "Appoint", "Dec-21"],
        ]),
        &options(),
        "2021-09-30",
    );
    let read: Vec<Option<Field>> = planned.columns.iter().map(|c| c.field).collect();
    assert_eq!(
        read,
        [Some(Field::Ref), Some(Field::Action), Some(Field::Due)]
    );
}

#[test]
fn section_rows_with_references_in_any_column_head_the_rows_under_them() {
    let mut ledger = Ledger::opened();
    let tracker = sheet(&[
        &["", "Ref", "Action", "Lead", "Deadline", "Status", "Sponsor"],
        &["ASW1, Joint commissioning", "", "", "", "", "", ""],
        &["", "Work stream One - The Local Offer", "", "", "", "", ""],
        &[
            "",
            "1.1",
            "Relaunch the Local Offer website",
            "Local Offer officer",
            "Dec-21",
            "In progress",
            "Head of SEND",
        ],
        &["", "IP6", "Preparing for adulthood", "", "", "", ""],
        &["", "Work stream Two: Transitions", "", "", "", "", ""],
        &[
            "",
            "6.1",
            "Map post-16 pathways",
            "Transitions lead",
            "Jan-22",
            "",
            "Head of SEND",
        ],
    ]);
    let planned = ledger.imported(&tracker, &options(), "2021-09-30");
    assert_eq!(
        summaries(&planned),
        [
            "row 2: new area of weakness W1 'Joint commissioning'",
            "row 5: new area of weakness IP6 'Preparing for adulthood'",
            "row 3: new workstream WS1 'The Local Offer' (sponsor Head of SEND; answers W1)",
            "row 6: new workstream WS2 'Transitions' (sponsor Head of SEND; answers IP6)",
            "row 4: new action 1.1 'Relaunch the Local Offer website' in WS1 (owner Local Offer officer, due Dec-21 (31 December 2021))",
            "row 4: action 1.1: status not started → in progress",
            "row 7: new action 6.1 'Map post-16 pathways' in WS2 (owner Transitions lead, due Jan-22 (31 January 2022))",
        ]
    );
    assert_eq!(
        notices(&planned),
        [
            "row 2: 'ASW1, Joint commissioning' is a heading: its area of weakness applies to the rows below",
            "row 3: 'Work stream One - The Local Offer' is a heading: its workstream applies to the rows below",
            "row 5: 'IP6: Preparing for adulthood' is a heading: its area of weakness applies to the rows below",
            "row 6: 'Work stream Two: Transitions' is a heading: its workstream applies to the rows below",
        ]
    );
}

#[test]
fn a_workstream_with_no_sponsor_is_a_gap_the_narrative_names_and_an_amendment_closes() {
    use wsoa_core::narrative::{EventRecord, Narrative, Source};
    let mut ledger = Ledger::opened();
    ledger.imported(
        &csv_sheet(TRACKER_V1),
        &tracker_options("tracker-2021-09.csv"),
        "2021-09-30",
    );
    let narrative = |ledger: &Ledger| {
        let records: Vec<EventRecord> = ledger
            .memory
            .sealed()
            .iter()
            .map(|sealed| EventRecord {
                seq: sealed.event.seq,
                kind: sealed.event.body.kind(),
                hash: sealed.hash,
            })
            .collect();
        let head = ledger.memory.head();
        let source = Source {
            folded: head.len,
            read: head.len,
            head: head.hash,
            as_of: None,
            today: date(TODAY),
        };
        Narrative::build(&ledger.plan(), &records, &source).to_markdown()
    };
    let text = narrative(&ledger);
    assert!(
        text.contains("its senior accountable sponsor is not recorded, a gap to close"),
        "{text}"
    );
    // A later tracker with a Sponsor column fills the gap, as an amendment.
    let with_sponsor = TRACKER_V1
        .replace("Evidence of impact\r\n", "Evidence of impact,Sponsor\r\n")
        .replace(
            "Strategy published\r\n",
            "Strategy published,Director of Children's Services\r\n",
        );
    let planned = ledger.imported(
        &csv_sheet(&with_sponsor),
        &tracker_options("tracker-2021-10.csv"),
        "2021-10-31",
    );
    assert_eq!(
        summaries(&planned),
        ["row 6: workstream WS1: sponsor 'Not recorded' → 'Director of Children's Services'"]
    );
    assert!(!narrative(&ledger).contains("WS1, Joint commissioning, answers this area; its senior accountable sponsor is not recorded"));
}

#[test]
fn a_measure_row_is_not_read_as_an_action_and_without_values_is_said_not_recorded() {
    let ledger = Ledger::opened();
    let tracker = sheet(&[
        &["Ref", "Action", "Lead", "Deadline", "Status"],
        &[
            "6.M1",
            "EHC plans issued within 20 weeks",
            "Head of SEND",
            "Mar-22",
            "",
        ],
        &["M2", "Exclusions of pupils with EHC plans", "", "", ""],
    ]);
    let planned = ledger.import(&tracker, &options(), "2021-09-30");
    assert_eq!(summaries(&planned), Vec::<String>::new());
    assert_eq!(
        notices(&planned),
        [
            "row 2: measure 6.M1 'EHC plans issued within 20 weeks' is not recorded: the sheet gives no baseline value; record it with `wsoa measure add`",
            "row 3: measure M2 'Exclusions of pupils with EHC plans' is not recorded: the sheet gives no baseline value; record it with `wsoa measure add`",
        ]
    );
}

/// A tracker with measure rows among the actions: one with Baseline, Target and Latest
/// columns, one with its values in words in the update column.
fn measures_tracker(latest: &str, words_latest: &str) -> Sheet {
    sheet(&[
        &[
            "Ref",
            "Action",
            "Lead",
            "Deadline",
            "Status",
            "Baseline (Feb 2021)",
            "Target",
            "Latest",
            "Update",
        ],
        &["W1 Timeliness of EHC plans", "", "", "", "", "", "", "", ""],
        &[
            "1.1",
            "Recruit two EHC coordinators",
            "Head of SEND",
            "Oct-21",
            "Complete",
            "",
            "",
            "",
            "",
        ],
        &[
            "1.M1",
            "EHC plans issued within 20 weeks",
            "",
            "Mar-22",
            "",
            "31%",
            "65%",
            latest,
            "",
        ],
        &[
            "1.M2",
            "Days to complete an assessment",
            "",
            "",
            "",
            "",
            "",
            "",
            words_latest,
        ],
    ])
}

#[test]
fn measures_in_a_tracker_become_measures_and_their_latest_values() {
    let mut ledger = Ledger::opened();
    let options = ImportOptions {
        default_workstream: Some("WS1 Timeliness".to_owned()),
        ..options()
    };
    let words = "Baseline: 35 weeks (Feb 2021); target 20 weeks by Summer 2022; latest 28 weeks";
    let planned = ledger.imported(
        &measures_tracker("48% (Sep 2021)", words),
        &options,
        "2021-09-30",
    );
    assert_eq!(
        summaries(&planned)[4..],
        [
            "row 4: new measure 1.M1 'EHC plans issued within 20 weeks' (baseline 31% on 28 February 2021, target 65% by 31 March 2022; evidences W1)",
            "row 4: measure 1.M1: latest value 48% (Sep 2021)",
            "row 5: new measure 1.M2 'Days to complete an assessment' (baseline 35 weeks on 28 February 2021, target 20 weeks by 31 July 2022; evidences W1)",
            "row 5: measure 1.M2: latest value 28 weeks",
        ]
    );
    let plan = ledger.plan();
    let m1 = plan.measures.iter().find(|m| m.id == "1.M1").expect("1.M1");
    assert_eq!(m1.unit, "%");
    assert_eq!(m1.better, wsoa_core::event::Direction::HigherIsBetter);
    assert_eq!(m1.values.len(), 1);
    assert_eq!(m1.values[0].value.to_string(), "48");
    assert_eq!(
        m1.values[0].source.as_deref(),
        Some("tracker tracker.csv, row 4, 'Latest': 48% (Sep 2021)")
    );
    let m2 = plan.measures.iter().find(|m| m.id == "1.M2").expect("1.M2");
    assert_eq!(m2.better, wsoa_core::event::Direction::LowerIsBetter);
    assert_eq!(m2.unit, "weeks");
    // Next month: only the new latest value; the month after, the same file records nothing.
    let words = "Baseline: 35 weeks (Feb 2021); target 20 weeks by Summer 2022; latest 28 weeks";
    let planned = ledger.imported(
        &measures_tracker("52% (Oct 2021)", words),
        &options,
        "2021-10-31",
    );
    assert_eq!(
        summaries(&planned),
        ["row 4: measure 1.M1: latest value 52% (Oct 2021)"]
    );
    let again = ledger.import(
        &measures_tracker("52% (Oct 2021)", words),
        &options,
        "2021-11-30",
    );
    assert_eq!(problems(&again), Vec::<String>::new());
    assert_eq!(summaries(&again), Vec::<String>::new());
}

#[test]
fn a_target_column_with_no_deadline_or_baseline_beside_it_is_the_deadline() {
    let ledger = Ledger::opened();
    let tracker = sheet(&[
        &["Ref", "Action", "Lead", "Target"],
        &["W1 Co-production", "", "", ""],
        &["1.1", "Run a parent survey", "Head of SEND", "Dec-21"],
    ]);
    let options = ImportOptions {
        default_workstream: Some("WS1 Co-production".to_owned()),
        ..options()
    };
    let planned = ledger.import(&tracker, &options, "2021-09-30");
    assert_eq!(problems(&planned), Vec::<String>::new());
    assert_eq!(
        summaries(&planned)[2..],
        [
            "row 3: new action 1.1 'Run a parent survey' in WS1 (owner Head of SEND, due Dec-21 (31 December 2021))"
        ]
    );
}

#[test]
fn a_measure_beside_each_action_is_read_from_its_columns() {
    let mut ledger = Ledger::opened();
    let tracker = sheet(&[
        &[
            "Area of weakness",
            "Ref",
            "Action",
            "Lead",
            "Deadline",
            "Measure",
            "Baseline (Apr 2021)",
            "Target (Jul 2022)",
            "Latest",
        ],
        &[
            "W1 Co-production",
            "1.1",
            "Run a parent survey",
            "Head of SEND",
            "Dec-21",
            "Parents who feel listened to",
            "22%",
            "50%",
            "30%",
        ],
        &[
            "",
            "1.2",
            "Train staff",
            "Head of SEND",
            "Mar-22",
            "",
            "",
            "",
            "",
        ],
    ]);
    let options = ImportOptions {
        default_workstream: Some("WS1 Co-production".to_owned()),
        ..options()
    };
    let planned = ledger.imported(&tracker, &options, "2021-09-30");
    assert!(
        summaries(&planned).contains(
            &"row 2: new measure M1 'Parents who feel listened to' (baseline 22% on 30 April 2021, target 50% by 31 July 2022; evidences W1)".to_owned()
        ),
        "{:?}",
        summaries(&planned)
    );
    // Without a reference, the measure is found again by its title next month.
    let again = ledger.import(&tracker, &options, "2021-10-31");
    assert_eq!(summaries(&again), Vec::<String>::new());
}

#[test]
fn deadlines_as_councils_write_them_are_kept_with_the_day_they_stand_for() {
    let mut ledger = Ledger::opened();
    let v1 = sheet(&[
        &["Ref", "Action", "Lead", "Deadline", "Status"],
        &["W1 Quality assurance", "", "", "", ""],
        &[
            "1.1",
            "Appoint an officer",
            "Head of SEND",
            "July 2021",
            "Complete",
        ],
        &["1.2", "Agree a framework", "Head of SEND", "Sep-21", ""],
        &["1.3", "Audit plans", "Head of SEND", "Autumn term 2021", ""],
        &[
            "1.4",
            "Refresh the offer",
            "Head of SEND",
            "Spring 2021",
            "",
        ],
        &["1.5", "Survey parents", "Head of SEND", "Q3 2021/22", ""],
        &["1.6", "Publish the strategy", "Head of SEND", "2021/22", ""],
        &[
            "1.7",
            "Train SENCOs",
            "Head of SEND",
            "end of March 2022",
            "",
        ],
        &["1.8", "Report to the board", "Head of SEND", "Termly", ""],
        &[
            "1.9",
            "Co-produce with families",
            "Head of SEND",
            "Ongoing",
            "",
        ],
        &["1.10", "Commission therapies", "Head of SEND", "TBC", ""],
        &[
            "1.11",
            "Agree the charter",
            "Head of SEND",
            "To be agreed",
            "",
        ],
        &[
            "1.12",
            "Publish the newsletter",
            "Head of SEND",
            "15/10/2021",
            "",
        ],
    ]);
    let options = ImportOptions {
        default_workstream: Some("WS1 Quality assurance".to_owned()),
        ..options()
    };
    // Imported in October 2021: actions whose deadlines have passed were agreed long before.
    ledger.imported(&v1, &options, "2021-10-31");
    let plan = ledger.plan();
    let deadline = |id: &str| {
        let action = plan.action(id).expect("imported");
        (action.deadline.clone(), action.due)
    };
    let written = |words: &str, on: &str| {
        (
            Some(Deadline::Written {
                words: words.to_owned(),
                date: date(on),
            }),
            date(on),
        )
    };
    assert_eq!(deadline("1.1"), written("July 2021", "2021-07-31"));
    assert_eq!(deadline("1.2"), written("Sep-21", "2021-09-30"));
    assert_eq!(deadline("1.3"), written("Autumn term 2021", "2021-12-31"));
    assert_eq!(deadline("1.4"), written("Spring 2021", "2021-03-31"));
    assert_eq!(deadline("1.5"), written("Q3 2021/22", "2021-12-31"));
    assert_eq!(deadline("1.6"), written("2021/22", "2022-03-31"));
    assert_eq!(deadline("1.7"), written("end of March 2022", "2022-03-31"));
    assert_eq!(
        deadline("1.8").0,
        Some(Deadline::Recurring {
            words: "Termly".to_owned(),
            every: wsoa_core::deadline::Recurrence::Termly
        })
    );
    assert_eq!(
        deadline("1.10").0,
        Some(Deadline::NotSet {
            words: "TBC".to_owned()
        })
    );
    assert_eq!(
        deadline("1.11").0,
        Some(Deadline::NotSet {
            words: "To be agreed".to_owned()
        })
    );
    assert_eq!(deadline("1.12"), (None, date("2021-10-15")));
    // The same file next month: an unchanged cell is no change, whatever it holds.
    let again = ledger.import(&v1, &options, "2021-11-30");
    assert_eq!(problems(&again), Vec::<String>::new());
    assert_eq!(summaries(&again), Vec::<String>::new());
    // A month written another way is the same deadline; words that move are slips.
    let v2 = sheet(&[
        &["Ref", "Action", "Lead", "Deadline", "Status"],
        &["W1 Quality assurance", "", "", "", ""],
        &[
            "1.1",
            "Appoint an officer",
            "Head of SEND",
            "31/07/2021",
            "Complete",
        ],
        &[
            "1.2",
            "Agree a framework",
            "Head of SEND",
            "September 2021",
            "",
        ],
        &["1.3", "Audit plans", "Head of SEND", "Spring term 2022", ""],
        &["1.8", "Report to the board", "Head of SEND", "termly", ""],
        &[
            "1.10",
            "Commission therapies",
            "Head of SEND",
            "Summer 2022",
            "",
        ],
    ]);
    let planned = ledger.imported(&v2, &options, "2021-11-30");
    assert_eq!(
        summaries(&planned),
        [
            "row 5: action 1.3: deadline Autumn term 2021 (31 December 2021) → Spring term 2022 (31 March 2022)",
            "row 7: action 1.10: deadline TBC — no deadline set → Summer 2022 (31 July 2022)",
        ]
    );
    let again = ledger.import(&v2, &options, "2021-12-01");
    assert_eq!(summaries(&again), Vec::<String>::new());
}

#[test]
fn a_revised_deadline_that_has_passed_is_recorded_as_the_slip_it_was() {
    let mut ledger = Ledger::opened();
    let tracker = sheet(&[
        &[
            "Ref",
            "Action",
            "Lead",
            "Deadline",
            "Revised deadline",
            "Status",
        ],
        &["W1 Quality assurance", "", "", "", "", ""],
        &[
            "1.1",
            "Appoint an officer",
            "Head of SEND",
            "Spring 2021",
            "June 2021",
            "Complete",
        ],
    ]);
    let options = ImportOptions {
        default_workstream: Some("WS1 Quality assurance".to_owned()),
        ..options()
    };
    let planned = ledger.imported(&tracker, &options, "2021-10-31");
    assert_eq!(
        summaries(&planned)[2..],
        [
            "row 3: new action 1.1 'Appoint an officer' in WS1 (owner Head of SEND, due Spring 2021 (31 March 2021))",
            "row 3: action 1.1: deadline Spring 2021 (31 March 2021) → June 2021 (30 June 2021) ('Revised deadline')",
            "row 3: action 1.1: status not started → complete",
        ]
    );
    assert_eq!(
        ledger.plan().action("1.1").map(|a| (a.original_due, a.due)),
        Some((date("2021-03-31"), date("2021-06-30")))
    );
    // The action was agreed by its first deadline at the latest: a deadline before that is
    // still refused.
    let earlier = sheet(&[
        &["Ref", "Action", "Lead", "Deadline", "Status"],
        &["W1 Quality assurance", "", "", "", ""],
        &[
            "1.1",
            "Appoint an officer",
            "Head of SEND",
            "January 2021",
            "Complete",
        ],
    ]);
    let refused = ledger.import(&earlier, &options, "2021-11-30");
    assert_eq!(
        problems(&refused),
        [
            "row 3: action 1.1: deadline June 2021 (30 June 2021) → January 2021 (31 January 2021): the deadline 31 January 2021 is before 31 March 2021, action 1.1's first deadline (event 3): it was recorded after that deadline had passed, so it was agreed by then at the latest; give a deadline on or after 31 March 2021; if event 3's deadline was wrong, record a correction of it first"
        ]
    );
}

mod generated {
    //! Sheets put together from the cells real trackers hold: the importer never panics on any
    //! of them; a tracker of the usual kind plans without problems, is recorded in full, and the
    //! same file again plans nothing; next month's version, once recorded, plans nothing again.

    use proptest::prelude::*;

    use super::{Ledger, options, problems, sheet};
    use wsoa_core::Command;
    use wsoa_tracker::{ImportOptions, ImportPlan, Sheet};

    const HEADINGS: [&str; 12] = [
        "Ref",
        "Action",
        "Lead officer",
        "Deadline",
        "Revised deadline",
        "Status",
        "RAG",
        "Update",
        "Baseline (Feb 2021)",
        "Target",
        "Latest",
        "Supported by",
    ];

    const JUNK: [&str; 16] = [
        "",
        "1.1",
        "6.M1",
        "W1 Quality assurance",
        "Winter 2021",
        "Sort of",
        "Purple",
        "Baseline: 31% (Feb 2021); target 65%; latest 40%",
        "-5",
        "1,250",
        "Total",
        "Key: R = off track",
        "\u{1b}[2J",
        "9999999999",
        "((((",
        "31/02/2021",
    ];

    const DEADLINES: [&str; 10] = [
        "Oct-21",
        "Autumn term 2021",
        "Spring 2020",
        "Q3 2021/22",
        "Ongoing",
        "TBC",
        "31/12/2021",
        "See above",
        "",
        "2021/22",
    ];
    const REVISED: [&str; 4] = ["", "", "Summer 2022", "31/03/2022"];
    const STATUSES: [&str; 5] = ["Not started", "In progress", "Complete", "Completed", ""];
    const RAGS: [&str; 5] = ["", "G", "Amber", "Red", "A"];
    const UPDATES: [&str; 3] = ["", "Interviews held", "Draft shared with parents"];
    const BASELINES: [&str; 3] = ["31%", "35 weeks", "12"];
    const TARGETS: [&str; 3] = ["65%", "20 weeks by Summer 2022", "30"];
    const LATEST: [&str; 4] = ["", "48% (Sep 2021)", "28 weeks", "40"];

    /// One row of a usual tracker: an action, a measure, an area of weakness heading, a blank.
    #[derive(Clone, Debug)]
    enum Row {
        Action {
            due: usize,
            revised: usize,
            status: usize,
            rag: usize,
            update: usize,
        },
        Measure {
            baseline: usize,
            target: usize,
            latest: usize,
        },
        Heading,
        Blank,
    }

    fn row() -> impl Strategy<Value = Row> {
        prop_oneof![
            6 => (0..DEADLINES.len(), 0..REVISED.len(), 0..STATUSES.len(), 0..RAGS.len(), 0..UPDATES.len())
                .prop_map(|(due, revised, status, rag, update)| Row::Action { due, revised, status, rag, update }),
            2 => (0..BASELINES.len(), 0..TARGETS.len(), 0..LATEST.len())
                .prop_map(|(baseline, target, latest)| Row::Measure { baseline, target, latest }),
            1 => Just(Row::Heading),
            1 => Just(Row::Blank),
        ]
    }

    /// The sheet of `rows`; `shift` moves each pick along, as next month's file would.
    fn tracker(rows: &[Row], shift: usize) -> Sheet {
        let mut table: Vec<Vec<String>> = vec![HEADINGS.iter().map(|h| (*h).to_owned()).collect()];
        let pick = |list: &[&str], n: usize| list[(n + shift) % list.len()].to_owned();
        let mut area = 1;
        table.push(vec![format!("Area of weakness {area}: Quality assurance")]);
        for (i, row) in rows.iter().enumerate() {
            let mut cells = vec![String::new(); HEADINGS.len()];
            match row {
                Row::Action {
                    due,
                    revised,
                    status,
                    rag,
                    update,
                } => {
                    cells[0] = format!("{area}.{}", i + 1);
                    cells[1] = format!("Action {} of area {area}", i + 1);
                    cells[2] = "Head of SEND".to_owned();
                    cells[3] = DEADLINES[*due].to_owned();
                    cells[4] = pick(&REVISED, *revised);
                    cells[5] = pick(&STATUSES, *status);
                    cells[6] = pick(&RAGS, *rag);
                    cells[7] = pick(&UPDATES, *update);
                    cells[11] = "CCG".to_owned();
                }
                Row::Measure {
                    baseline,
                    target,
                    latest,
                } => {
                    cells[0] = format!("{area}.M{}", i + 1);
                    cells[1] = format!("Measure {} of area {area}", i + 1);
                    cells[8] = BASELINES[*baseline].to_owned();
                    cells[9] = TARGETS[*baseline.max(target)].to_owned();
                    cells[10] = pick(&LATEST, *latest);
                }
                Row::Heading => {
                    area += 1;
                    cells[0] = format!("Area of weakness {area}: Timeliness {area}");
                }
                Row::Blank => {}
            }
            table.push(cells);
        }
        let slices: Vec<Vec<&str>> = table
            .iter()
            .map(|row| row.iter().map(String::as_str).collect())
            .collect();
        let slices: Vec<&[&str]> = slices.iter().map(Vec::as_slice).collect();
        sheet(&slices)
    }

    fn record(ledger: &mut Ledger, planned: &ImportPlan, on: &str) {
        let commands: Vec<Command> = planned.commands().cloned().collect();
        ledger.given(on, &commands);
    }

    fn import_options() -> ImportOptions {
        ImportOptions {
            source: "tracker.csv".to_owned(),
            ..ImportOptions::default()
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn any_sheet_plans_without_panicking(
            columns in proptest::sample::subsequence(&HEADINGS[..], 1..HEADINGS.len()),
            rows in proptest::collection::vec(
                proptest::collection::vec(
                    prop_oneof![
                        4 => proptest::sample::select(&JUNK[..]).prop_map(str::to_owned),
                        1 => "[ -~]{0,12}",
                    ],
                    HEADINGS.len(),
                ),
                0..8,
            ),
        ) {
            let mut table: Vec<Vec<&str>> = vec![columns.clone()];
            for row in &rows {
                table.push(row.iter().take(columns.len()).map(String::as_str).collect());
            }
            let slices: Vec<&[&str]> = table.iter().map(Vec::as_slice).collect();
            let ledger = Ledger::opened();
            let options = ImportOptions {
                default_workstream: Some("WS1 Quality assurance".to_owned()),
                ..options()
            };
            let planned = ledger.import(&sheet(&slices), &options, "2021-10-31");
            // Whatever it found, every line of the report is printable text.
            for line in problems(&planned) {
                prop_assert!(!line.is_empty());
            }
        }

        #[test]
        fn a_usual_tracker_imports_whole_and_month_after_month_records_only_changes(
            rows in proptest::collection::vec(row(), 1..10),
        ) {
            let mut ledger = Ledger::opened();
            let options = import_options();
            let september = tracker(&rows, 0);
            let planned = ledger.import(&september, &options, "2021-09-30");
            prop_assert_eq!(problems(&planned), Vec::<String>::new());
            record(&mut ledger, &planned, "2021-09-30");
            let again = ledger.import(&september, &options, "2021-10-01");
            prop_assert_eq!(problems(&again), Vec::<String>::new());
            prop_assert!(again.steps.is_empty(), "{:?}", again.steps);
            // Next month: statuses, RAGs, revised deadlines, updates and latest values move on.
            let october = tracker(&rows, 1);
            let planned = ledger.import(&october, &options, "2021-10-31");
            if problems(&planned).is_empty() {
                record(&mut ledger, &planned, "2021-10-31");
                let again = ledger.import(&october, &options, "2021-11-30");
                prop_assert_eq!(problems(&again), Vec::<String>::new());
                prop_assert!(again.steps.is_empty(), "{:?}", again.steps);
            }
        }
    }
}
