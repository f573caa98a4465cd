//! `wsoa show`'s renderers on the demo story, as snapshots reviewed by reading them (they are
//! what users see), and time travel: the plan at a point is the fold of exactly the events that
//! point selects, with late-recorded and back-dated events where they belong.

use proptest::prelude::*;
use wsoa_core::command::Command;
use wsoa_core::date::Date;
use wsoa_core::event::{
    ActionCreated, ActionStatusChanged, Actor, Event, InspectionRecorded, LedgerOpened, Role,
    Status, WeaknessRecorded, WorkstreamCreated,
};
use wsoa_core::memory::MemoryLedger;
use wsoa_core::plan::Plan;
use wsoa_core::point::Point;
use wsoa_core::{ActionId, WeaknessId, WorkstreamId, show};

/// The demo story's base ledger (about 170 events, 2021 to 2022), recorded through the same
/// rules as the stored ledger. The story computes each attachment's content hash and size.
fn demo() -> Vec<Event> {
    wsoa_core::demo::in_memory(None).events().cloned().collect()
}

fn date(text: &str) -> Date {
    text.parse().expect("a valid date")
}

/// The plan at `point` and the "today" that point means (with `now` as the real clock's date).
fn at(events: &[Event], point: Point, now: Date) -> (Plan, Date) {
    let selected = point.select(events);
    let today = point.today(selected.last().map(|e| e.recorded_at), now);
    (Plan::from_events(selected), today)
}

/// The three readings every renderer is snapshotted at: now (on a fixed day just after the
/// story ends), as of the day of the first monitoring visit, and after event 40.
fn readings() -> Vec<(&'static str, Plan, Date)> {
    let events = demo();
    let first_visit = events
        .iter()
        .find(|e| e.body.kind() == "monitoring_visit_recorded")
        .expect("the story has monitoring visits")
        .occurred_on;
    let mut readings = Vec::new();
    for (name, point) in [
        ("now", Point::Now),
        ("first_visit", Point::AsOf(first_visit)),
        ("seq_40", Point::Seq(40)),
    ] {
        let (plan, today) = at(&events, point, date("2022-11-01"));
        readings.push((name, plan, today));
    }
    readings
}

#[test]
fn text_snapshots() {
    for (name, plan, today) in readings() {
        let text = show::text(&plan, today);
        assert!(
            text.lines().all(|line| line.chars().count() <= 100),
            "{name}: a line is wider than 100 columns"
        );
        assert!(!text.contains('\u{1b}'), "{name}: no colour codes");
        insta::assert_snapshot!(format!("text_{name}"), text);
    }
}

#[test]
fn csv_snapshots() {
    for (name, plan, today) in readings() {
        let csv = show::csv(&plan, today);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], show::CSV_COLUMNS.join(","), "{name}");
        insta::assert_snapshot!(format!("csv_{name}"), csv);
    }
}

#[test]
fn json_snapshots() {
    for (name, plan, today) in readings() {
        let view = show::view(&plan, today);
        assert_eq!(view.counts.actions, plan.actions.len());
        assert_eq!(
            view.counts.complete
                + view.counts.in_progress
                + view.counts.not_started
                + view.counts.blocked
                + view.counts.withdrawn,
            view.counts.actions,
            "{name}: every action has one status"
        );
        let shown: usize = view
            .weaknesses
            .iter()
            .flat_map(|w| &w.workstreams)
            .chain(&view.other_workstreams)
            .map(|ws| ws.actions.len())
            .sum::<usize>()
            + view.other_actions.len();
        assert_eq!(shown, plan.actions.len(), "{name}: every action once");
        let json = serde_json::to_string_pretty(&view).expect("the view serialises");
        insta::assert_snapshot!(format!("json_{name}"), json);
    }
}

#[test]
fn the_readings_differ_as_time_passes() {
    let readings = readings();
    let now = &readings[0].1;
    let visit = &readings[1].1;
    let early = &readings[2].1;
    assert!(early.events < visit.events && visit.events < now.events);
    assert!(
        early
            .statement
            .as_ref()
            .is_some_and(|s| s.stage == "submitted")
    );
    assert!(
        now.statement
            .as_ref()
            .is_some_and(|s| s.stage == "accepted")
    );
    assert!(visit.visits.len() == 1 && now.visits.len() == 3);
}

// ---------------------------------------------------------------------------------------------
// Time travel
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The plan after event N is the fold of the first N + 1 events, whatever N.
    #[test]
    fn a_sequence_point_is_a_prefix(fraction in 0.0f64..1.0) {
        let events = demo();
        let n = ((events.len() as f64) * fraction) as usize;
        let selected = Point::Seq(n as u64).select(&events);
        prop_assert_eq!(selected.len(), n + 1);
        prop_assert_eq!(Plan::from_events(selected), Plan::from_events(&events[..=n]));
    }

    /// On any day, "as known" is what had been recorded by its end (a prefix), "as of" is what
    /// had happened by then, and they differ by exactly the events recorded after that day about
    /// things that happened on or before it: the late-recorded and back-dated ones.
    #[test]
    fn known_and_as_of_differ_by_the_late_recorded(offset in 0i64..600) {
        let events = demo();
        let day = Date::from_days_since_epoch(date("2021-04-20").days_since_epoch() + offset)
            .expect("in range");
        let recorded = |e: &Event| {
            Date::uk_from_unix_millis(e.recorded_at).expect("the story's times are in range")
        };
        let known: Vec<u64> = Point::Known(day).select(&events).iter().map(|e| e.seq).collect();
        let as_of: Vec<u64> = Point::AsOf(day).select(&events).iter().map(|e| e.seq).collect();
        let expected_known: Vec<u64> =
            events.iter().filter(|e| recorded(e) <= day).map(|e| e.seq).collect();
        prop_assert_eq!(&known, &expected_known);
        let late: Vec<u64> = events
            .iter()
            .filter(|e| e.occurred_on <= day && recorded(e) > day)
            .map(|e| e.seq)
            .collect();
        let difference: Vec<u64> =
            as_of.iter().copied().filter(|seq| !known.contains(seq)).collect();
        prop_assert!(known.iter().all(|seq| as_of.contains(seq)));
        prop_assert_eq!(difference, late);
    }
}

/// Noon UTC on a day, in Unix milliseconds.
fn noon(day: &str) -> i64 {
    date(day).days_since_epoch() * 86_400_000 + 12 * 3_600_000
}

/// A small statement with one action, 1.1, created on 1 June 2021.
fn small() -> MemoryLedger {
    let mut ledger = MemoryLedger::new();
    let officer = Actor {
        name: "A. Patel".to_owned(),
        role: Role::Officer,
    };
    let weakness = WeaknessId::new("W1").expect("valid");
    let workstream = WorkstreamId::new("WS1").expect("valid");
    for command in [
        Command::OpenLedger(LedgerOpened {
            area: "Northshire local area".to_owned(),
            partners: vec![],
        }),
        Command::RecordInspection(InspectionRecorded {
            inspectorates: vec!["Ofsted".to_owned(), "CQC".to_owned()],
            from: date("2021-03-08"),
            to: date("2021-03-12"),
            published: date("2021-04-20"),
        }),
        Command::RecordWeakness(WeaknessRecorded {
            id: weakness.clone(),
            title: "Quality assurance".to_owned(),
            finding: None,
        }),
        Command::CreateWorkstream(WorkstreamCreated {
            id: workstream.clone(),
            title: "Quality assurance framework".to_owned(),
            sponsor: "Director of Education".to_owned(),
            weaknesses: vec![weakness.clone()],
        }),
        Command::CreateAction(ActionCreated {
            id: ActionId::new("1.1").expect("valid"),
            workstream: workstream.clone(),
            title: "Appoint a QA officer".to_owned(),
            owner: "Head of SEND".to_owned(),
            due: date("2021-09-30"),
            success: vec![],
        }),
    ] {
        ledger
            .record(
                &command,
                officer.clone(),
                date("2021-06-01"),
                noon("2021-06-01"),
            )
            .expect("accepted");
    }
    ledger
}

fn status(ledger: &mut MemoryLedger, to: Status, occurred: &str, recorded: &str) {
    let officer = Actor {
        name: "A. Patel".to_owned(),
        role: Role::Officer,
    };
    let command = Command::ChangeActionStatus(ActionStatusChanged {
        id: ActionId::new("1.1").expect("valid"),
        status: to,
        rag: None,
        note: None,
    });
    ledger
        .record(&command, officer, date(occurred), noon(recorded))
        .expect("accepted");
}

fn status_at(events: &[Event], point: Point) -> Status {
    let plan = Plan::from_events(point.select(events));
    plan.action("1.1").expect("the action exists").status
}

#[test]
fn a_completion_recorded_late_is_there_as_of_its_day_but_not_as_known_then() {
    let mut ledger = small();
    // Completed on 30 June, but nobody recorded it until 19 July.
    status(&mut ledger, Status::Complete, "2021-06-30", "2021-07-19");
    let events: Vec<Event> = ledger.events().cloned().collect();
    let first_july = date("2021-07-01");
    assert_eq!(
        status_at(&events, Point::AsOf(first_july)),
        Status::Complete
    );
    assert_eq!(
        status_at(&events, Point::Known(first_july)),
        Status::NotStarted
    );
    // And on the day it was recorded, the ledger knew.
    assert_eq!(
        status_at(&events, Point::Known(date("2021-07-19"))),
        Status::Complete
    );
    assert_eq!(
        status_at(&events, Point::AsOf(date("2021-06-29"))),
        Status::NotStarted
    );
    // "Today" at each point: the day itself for dates, so the action is not overdue then.
    let (plan, today) = at(&events, Point::AsOf(first_july), date("2022-01-01"));
    assert_eq!(today, first_july);
    assert!(!plan.action("1.1").expect("exists").overdue(today));
}

#[test]
fn a_back_dated_entry_changes_the_past_only_as_of_and_as_known_from_its_recording() {
    let mut ledger = small();
    // Recorded promptly: work started on 2 July.
    status(&mut ledger, Status::InProgress, "2021-07-02", "2021-07-02");
    // Recorded on 19 July, back-dated to 5 July: the action had been blocked since then.
    status(&mut ledger, Status::Blocked, "2021-07-05", "2021-07-19");
    let events: Vec<Event> = ledger.events().cloned().collect();
    // What was known on 10 July: only the prompt entry.
    assert_eq!(
        status_at(&events, Point::Known(date("2021-07-10"))),
        Status::InProgress
    );
    // As of 6 July the back-dated entry is there, after the prompt one.
    assert_eq!(
        status_at(&events, Point::AsOf(date("2021-07-06"))),
        Status::Blocked
    );
    // As of 3 July only the prompt entry had happened.
    assert_eq!(
        status_at(&events, Point::AsOf(date("2021-07-03"))),
        Status::InProgress
    );
    // Known on 1 July: neither had been recorded.
    assert_eq!(
        status_at(&events, Point::Known(date("2021-07-01"))),
        Status::NotStarted
    );
    // Once recorded, both readings agree.
    assert_eq!(
        status_at(&events, Point::Known(date("2021-07-19"))),
        status_at(&events, Point::AsOf(date("2021-07-19")))
    );
}

#[test]
fn the_tree_shows_an_overdue_slipped_action() {
    let mut ledger = small();
    let officer = Actor {
        name: "A. Patel".to_owned(),
        role: Role::Officer,
    };
    ledger
        .record(
            &Command::AmendAction(wsoa_core::event::ActionAmended {
                id: ActionId::new("1.1").expect("valid"),
                title: None,
                owner: None,
                due: Some(date("2021-12-31")),
                reason: "Recruitment paused".to_owned(),
            }),
            officer,
            date("2021-09-20"),
            noon("2021-09-20"),
        )
        .expect("accepted");
    let events: Vec<Event> = ledger.events().cloned().collect();
    let plan = Plan::from_events(&events);
    let text = show::text(&plan, date("2022-01-10"));
    assert!(
        text.contains("31 December 2021 (was 30 September 2021)   OVERDUE by 10 days"),
        "{text}"
    );
    assert!(text.contains("Sponsor     Director of Education"), "{text}");
    let csv = show::csv(&plan, date("2022-01-10"));
    assert!(
        csv.lines()
            .nth(1)
            .is_some_and(|row| row.contains("2021-12-31,2021-09-30,Not started,,Yes")),
        "{csv}"
    );
    let on_time = show::csv(&plan, date("2021-12-31"));
    assert!(on_time.contains(",No,"), "{on_time}");
}

#[test]
fn csv_cells_a_spreadsheet_would_run_as_formulas_are_quoted_and_read_back() {
    let mut ledger = small();
    let officer = Actor {
        name: "A. Patel".to_owned(),
        role: Role::Officer,
    };
    let title = "=HYPERLINK(\"http://evil.example/\",\"Click\")";
    let owner = "@Head of SEND";
    let success = vec![
        "-5% in waiting times".to_owned(),
        "+10 trained staff".to_owned(),
    ];
    ledger
        .record(
            &Command::CreateAction(ActionCreated {
                id: ActionId::new("1.2").expect("valid"),
                workstream: WorkstreamId::new("WS1").expect("valid"),
                title: title.to_owned(),
                owner: owner.to_owned(),
                due: date("2021-12-31"),
                success: success.clone(),
            }),
            officer,
            date("2021-06-01"),
            noon("2021-06-01"),
        )
        .expect("accepted");
    let events: Vec<Event> = ledger.events().cloned().collect();
    let plan = Plan::from_events(&events);
    let csv = show::csv(&plan, date("2021-07-01"));
    let mut reader = ::csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|row| row.expect("a CSV row").iter().map(str::to_owned).collect())
        .collect();
    let row = &rows[1];
    let column = |name: &str| {
        show::CSV_COLUMNS
            .iter()
            .position(|c| *c == name)
            .expect("a column")
    };
    assert_eq!(row[column("Action")], format!("'{title}"), "{csv}");
    assert_eq!(row[column("Lead")], format!("'{owner}"), "{csv}");
    assert_eq!(
        row[column("Success criteria")],
        format!("'{}", success.join("; ")),
        "{csv}"
    );
    for cell in row {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "a cell a spreadsheet would run: {cell:?}"
        );
    }
    // The tracker importer reads each cell back to the text that was recorded.
    let read = |cell: &str| wsoa_tracker::Cell::Text(cell.to_owned()).text();
    assert_eq!(read(&row[column("Action")]), title);
    assert_eq!(read(&row[column("Lead")]), owner);
    assert_eq!(read(&row[column("Success criteria")]), success.join("; "));
    // A plain cell, and one that starts with a quote of its own, are read as they are.
    assert_eq!(read(&rows[0][column("Action")]), "Appoint a QA officer");
    assert_eq!(read("'Tis the season"), "'Tis the season");
}

#[test]
fn text_recorded_with_control_characters_is_shown_escaped_on_a_terminal() {
    // Events recorded before such characters were refused (or forged) may hold them; the text
    // renderers show them as code points rather than pass them to the terminal.
    let mut events: Vec<Event> = small().events().cloned().collect();
    let hostile = "Quality\u{1b}[2J assurance\u{202e}txt\nforged line";
    for event in &mut events {
        if let wsoa_core::event::EventBody::WeaknessRecorded(weakness) = &mut event.body {
            weakness.title = hostile.to_owned();
        }
        event.actor.name = "A. Patel\u{1b}]0;owned\u{7}".to_owned();
    }
    let plan = Plan::from_events(&events);
    let text = show::text(&plan, date("2021-07-01"));
    assert!(
        text.contains("Quality<U+001B>[2J assurance<U+202E>txt"),
        "{text}"
    );
    assert!(!text.contains(['\u{1b}', '\u{202e}', '\u{7}']), "{text}");
    let mut timeline = wsoa_core::timeline::Timeline::new();
    let lines: Vec<String> = events
        .iter()
        .map(|event| {
            timeline
                .entry(event, wsoa_core::Digest::ZERO)
                .line(wsoa_core::timeline::DEFAULT_LATE_AFTER)
        })
        .collect();
    for line in &lines {
        assert!(
            !line.contains(['\u{1b}', '\u{202e}', '\u{7}', '\n']),
            "{line}"
        );
        assert!(
            line.contains("[A. Patel<U+001B>]0;owned<U+0007>]"),
            "{line}"
        );
    }
    assert!(
        lines
            .iter()
            .any(|line| line.contains("assurance<U+202E>txt\u{23ce}forged line")),
        "{lines:#?}"
    );
}

/// Records `command` on `day`, as A. Patel.
fn record_on(ledger: &mut MemoryLedger, day: &str, command: Command) {
    let officer = Actor {
        name: "A. Patel".to_owned(),
        role: Role::Officer,
    };
    ledger
        .record(&command, officer, date(day), noon(day))
        .unwrap_or_else(|err| panic!("{command:?} is accepted: {err}"));
}

fn with_deadline(id: &str, due: &str) -> Command {
    Command::CreateActionWithDeadline(wsoa_core::event::ActionCreatedWithDeadline {
        id: ActionId::new(id).expect("valid"),
        workstream: WorkstreamId::new("WS1").expect("valid"),
        title: format!("Action {id}"),
        owner: "Head of SEND".to_owned(),
        due: wsoa_core::Deadline::parse(due).expect("deadline words"),
        success: vec![],
    })
}

#[test]
fn deadlines_in_words_are_shown_beside_the_day_they_are_judged_by() {
    let mut ledger = small();
    record_on(
        &mut ledger,
        "2021-07-01",
        with_deadline("1.2", "Autumn term 2021"),
    );
    record_on(&mut ledger, "2021-07-01", with_deadline("1.3", "Termly"));
    record_on(&mut ledger, "2021-07-01", with_deadline("1.4", "TBC"));
    // A plain date through the same command is recorded exactly as before.
    record_on(
        &mut ledger,
        "2021-07-01",
        with_deadline("1.5", "2021-12-31"),
    );
    let events: Vec<Event> = ledger.events().cloned().collect();
    let kinds: Vec<&str> = events[events.len() - 4..]
        .iter()
        .map(|e| e.body.kind())
        .collect();
    assert_eq!(
        kinds,
        [
            "action_created_with_deadline",
            "action_created_with_deadline",
            "action_created_with_deadline",
            "action_created"
        ]
    );
    let plan = Plan::from_events(&events);
    let text = show::text(&plan, date("2021-10-01"));
    assert!(
        text.contains("Due         Autumn term 2021 (31 December 2021)"),
        "{text}"
    );
    // Termly: the next update is due 122 days after the action was agreed.
    assert!(
        text.contains("Due         Termly (next update due by 31 October 2021)"),
        "{text}"
    );
    assert!(
        text.contains("Due         TBC — no deadline set   GAP: set a deadline"),
        "{text}"
    );
    let csv = show::csv(&plan, date("2021-10-01"));
    assert!(csv.contains(",Autumn term 2021,"), "{csv}");
    assert!(csv.contains(",Termly,"), "{csv}");
    // Unset: never overdue. Recurring: overdue once its last update is older than a term.
    let late = date("2021-11-01");
    let action = |id: &str| plan.action(id).expect("exists").clone();
    assert!(!action("1.4").overdue(date("2030-01-01")));
    assert!(action("1.4").deadline_not_set());
    assert!(!action("1.3").overdue(date("2021-10-31")));
    assert!(action("1.3").overdue(late));
    // An update on 1 October moves the day the next one is due.
    record_on(
        &mut ledger,
        "2021-10-01",
        Command::ChangeActionStatus(ActionStatusChanged {
            id: ActionId::new("1.3").expect("valid"),
            status: Status::InProgress,
            rag: None,
            note: Some("Autumn audit under way".to_owned()),
        }),
    );
    let events: Vec<Event> = ledger.events().cloned().collect();
    let plan = Plan::from_events(&events);
    let termly = plan.action("1.3").expect("exists");
    assert!(!termly.overdue(late));
    assert_eq!(termly.due, date("2022-01-31"));
}

#[test]
fn a_deadline_moved_to_words_is_an_amendment_with_the_words() {
    let mut ledger = small();
    record_on(
        &mut ledger,
        "2021-09-20",
        Command::AmendActionWithDeadline(wsoa_core::event::ActionAmendedWithDeadline {
            id: ActionId::new("1.1").expect("valid"),
            title: None,
            owner: None,
            due: Some(wsoa_core::Deadline::parse("Spring term 2022").expect("words")),
            reason: "Recruitment paused".to_owned(),
        }),
    );
    let events: Vec<Event> = ledger.events().cloned().collect();
    let plan = Plan::from_events(&events);
    let action = plan.action("1.1").expect("exists");
    assert_eq!(action.due, date("2022-03-31"));
    assert_eq!(
        action.amendments[0].deadline,
        Some((
            "30 September 2021".to_owned(),
            "Spring term 2022 (31 March 2022)".to_owned()
        ))
    );
    let text = show::text(&plan, date("2022-01-10"));
    assert!(
        text.contains("Spring term 2022 (31 March 2022) (was 30 September 2021)"),
        "{text}"
    );
}
