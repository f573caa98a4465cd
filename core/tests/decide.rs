//! Given/when/then tests of `wsoa_core::decide`: every business rule it holds, each with an
//! accepted and a rejected case, the exact `Rejection` and the words its message shows users, and
//! the effects of `State::apply` that later decisions depend on.

use wsoa_core::command::{AddNote, AttachEvidence, RaiseRisk};
use wsoa_core::deadline::Deadline;
use wsoa_core::decide::{MAX_LIST_ITEMS, MAX_TEXT_CHARS, PlanStage, When, check_actor_name};
use wsoa_core::event::{
    ActionAmended, ActionAmendedWithDeadline, ActionCreated, ActionCreatedWithDeadline,
    ActionStatusChanged, Assessment, CorrectionRecorded, Direction, EvidenceAttached, EvidenceKind,
    EvidenceRedacted, InspectionRecorded, LedgerOpened, MeasureDefined, MeasureRecorded,
    MonitoringVisitFeedback, MonitoringVisitRecorded, NoteAdded, Outcome, PlanAccepted,
    PlanRevised, PlanSubmitted, Progress, ProgressReviewed, Rag, Rating, RevisitOutcomeRecorded,
    RevisitScheduled, RiskClosed, RiskLevel, RiskRaised, RiskUpdated, Status, VisitPoint,
    WeaknessRecorded, WorkstreamAmended, WorkstreamCreated,
};
use wsoa_core::{
    ActionId, Actor, Command, Date, Decimal, Digest, Event, EventBody, EvidenceId, FORMAT_VERSION,
    MeasureId, Rejection, RiskId, Role, State, Subject, SubjectRef, WeaknessId, WorkstreamId,
    chain_hash, content_hash, decide, encode_event,
};

// ---------------------------------------------------------------------------------------------
// Given / when / then
// ---------------------------------------------------------------------------------------------

/// The business date of every command, and the day it is recorded.
fn now() -> When {
    When {
        occurred_on: date("2021-07-14"),
        today: date("2021-07-15"),
    }
}

/// Decides and applies `commands` in order, building the full chained events a store would
/// write. Panics if any of them is refused: a history must be valid to be given.
fn history(commands: &[Command]) -> (State, Vec<Event>) {
    let mut state = State::default();
    let mut events: Vec<Event> = Vec::new();
    for (n, command) in (0_i64..).zip(commands) {
        let body = when(&state, command).unwrap_or_else(|rejection| {
            panic!("given command {n} was refused: {rejection}\n{command:?}")
        });
        let prev = events
            .last()
            .map_or(Digest::ZERO, |last| chain_hash(&encode_event(last)));
        let event = Event {
            format: FORMAT_VERSION,
            seq: state.len,
            prev,
            recorded_at: 1_626_307_200_000 + n * 60_000,
            occurred_on: now().occurred_on,
            actor: Actor {
                name: "qa.officer".to_owned(),
                role: Role::Officer,
            },
            body,
        };
        state.apply(&event);
        events.push(event);
    }
    (state, events)
}

fn given(commands: &[Command]) -> State {
    history(commands).0
}

fn when(state: &State, command: &Command) -> Result<EventBody, Rejection> {
    decide(state, command, now())
}

enum Then<'a> {
    /// The command is accepted and recorded as exactly this body.
    Accepted(EventBody),
    /// The command is refused with exactly this rejection, whose message mentions these words.
    Rejected(Rejection, &'a [&'a str]),
}

fn accepted(body: EventBody) -> Then<'static> {
    Then::Accepted(body)
}

fn rejected<'a>(rejection: Rejection, words: &'a [&'a str]) -> Then<'a> {
    Then::Rejected(rejection, words)
}

#[track_caller]
fn check(given_commands: &[Command], command: Command, then: Then<'_>) {
    let state = given(given_commands);
    let got = when(&state, &command);
    match (then, got) {
        (Then::Accepted(expected), Ok(body)) => {
            assert_eq!(body, expected, "wrong event recorded for {command:?}");
        }
        (Then::Accepted(_), Err(rejection)) => {
            panic!("expected {command:?} to be accepted, but it was refused: {rejection}")
        }
        (Then::Rejected(expected, _), Ok(body)) => {
            panic!("expected {command:?} to be refused with {expected:?}, but it recorded {body:?}")
        }
        (Then::Rejected(expected, words), Err(rejection)) => {
            assert_eq!(rejection, expected, "wrong rejection for {command:?}");
            let message = rejection.to_string();
            for word in words {
                assert!(
                    message.contains(word),
                    "the message {message:?} should mention {word:?}"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------------

const AREA: &str = "Northshire local area";
const SPONSOR: &str = "Director of Children's Services";
const OWNER: &str = "Head of SEND";

fn date(text: &str) -> Date {
    text.parse().expect("a valid date")
}

fn dec(text: &str) -> Decimal {
    text.parse().expect("a valid decimal")
}

fn wid(id: &str) -> WeaknessId {
    WeaknessId::new(id).expect("a valid weakness id")
}

fn wsid(id: &str) -> WorkstreamId {
    WorkstreamId::new(id).expect("a valid workstream id")
}

fn aid(id: &str) -> ActionId {
    ActionId::new(id).expect("a valid action id")
}

fn mid(id: &str) -> MeasureId {
    MeasureId::new(id).expect("a valid measure id")
}

fn eid(id: &str) -> EvidenceId {
    EvidenceId::new(id).expect("a valid evidence id")
}

fn rid(id: &str) -> RiskId {
    RiskId::new(id).expect("a valid risk id")
}

fn sref(text: &str) -> SubjectRef {
    text.parse().expect("a valid reference")
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

fn opened() -> LedgerOpened {
    LedgerOpened {
        area: AREA.to_owned(),
        partners: strings(&["Northshire County Council", "Northshire ICB"]),
    }
}

fn open() -> Command {
    Command::OpenLedger(opened())
}

fn inspection() -> InspectionRecorded {
    InspectionRecorded {
        inspectorates: strings(&["Ofsted", "CQC"]),
        from: date("2019-03-04"),
        to: date("2019-03-08"),
        published: date("2019-05-02"),
    }
}

fn weakness(id: &str) -> WeaknessRecorded {
    WeaknessRecorded {
        id: wid(id),
        title: format!("Weakness {id}"),
        finding: Some("There is no quality assurance framework for the local area's work".into()),
    }
}

fn workstream(id: &str, weaknesses: &[&str]) -> WorkstreamCreated {
    WorkstreamCreated {
        id: wsid(id),
        title: "Quality assurance".to_owned(),
        sponsor: SPONSOR.to_owned(),
        weaknesses: weaknesses.iter().map(|w| wid(w)).collect(),
    }
}

fn action(id: &str, workstream: &str) -> ActionCreated {
    ActionCreated {
        id: aid(id),
        workstream: wsid(workstream),
        title: "Agree a local area QA framework".to_owned(),
        owner: OWNER.to_owned(),
        due: date("2021-08-31"),
        success: strings(&["Framework signed off by the board"]),
    }
}

fn measure(id: &str, weaknesses: &[&str]) -> MeasureDefined {
    MeasureDefined {
        id: mid(id),
        title: "EHC plans issued within 20 weeks".to_owned(),
        unit: "%".to_owned(),
        baseline: dec("12"),
        baseline_on: date("2018-08-01"),
        target: dec("63"),
        target_by: date("2021-07-31"),
        better: Direction::HigherIsBetter,
        weaknesses: weaknesses.iter().map(|w| wid(w)).collect(),
    }
}

fn evidence(id: Option<&str>, supports: &[&str]) -> AttachEvidence {
    AttachEvidence {
        id: id.map(eid),
        content_hash: content_hash(b"minutes of the SEND Improvement Board"),
        file_name: "board-minutes.pdf".to_owned(),
        media_type: "application/pdf".to_owned(),
        size: 38_211,
        title: "Board minutes, June 2021".to_owned(),
        kind: EvidenceKind::Minutes,
        supports: supports.iter().map(|s| sref(s)).collect(),
    }
}

/// The event that `evidence(..)` records once its id is assigned and references resolved.
fn attached(command: &AttachEvidence, id: &str, supports: Vec<Subject>) -> EventBody {
    EventBody::EvidenceAttached(EvidenceAttached {
        id: eid(id),
        content_hash: command.content_hash,
        file_name: command.file_name.clone(),
        media_type: command.media_type.clone(),
        size: command.size,
        title: command.title.clone(),
        kind: command.kind,
        supports,
    })
}

fn attach(id: Option<&str>, supports: &[&str]) -> Command {
    Command::AttachEvidence(evidence(id, supports))
}

fn risk(id: &str, about: &[&str]) -> RaiseRisk {
    RaiseRisk {
        id: rid(id),
        title: "Recruitment of educational psychologists".to_owned(),
        level: RiskLevel::High,
        about: about.iter().map(|s| sref(s)).collect(),
        mitigation: Some("Agency cover agreed".to_owned()),
    }
}

fn amend_workstream(id: &str) -> WorkstreamAmended {
    WorkstreamAmended {
        id: wsid(id),
        title: None,
        sponsor: None,
        weaknesses: None,
        reason: "Agreed by the SEND Improvement Board".to_owned(),
    }
}

fn amend_action(id: &str) -> ActionAmended {
    ActionAmended {
        id: aid(id),
        title: None,
        owner: None,
        due: None,
        reason: "Staff changes".to_owned(),
    }
}

fn status(id: &str, status: Status, rag: Option<Rag>, note: Option<&str>) -> Command {
    Command::ChangeActionStatus(ActionStatusChanged {
        id: aid(id),
        status,
        rag,
        note: note.map(str::to_owned),
    })
}

fn update_risk(id: &str) -> RiskUpdated {
    RiskUpdated {
        id: rid(id),
        level: None,
        mitigation: None,
        note: None,
    }
}

fn close_risk(id: &str) -> Command {
    Command::CloseRisk(RiskClosed {
        id: rid(id),
        reason: "Posts filled".to_owned(),
    })
}

fn visit() -> MonitoringVisitFeedback {
    MonitoringVisitRecorded {
        by: "DfE and NHS England advisers".to_owned(),
        summary: Some("The local area is making good progress".to_owned()),
        strengths: strings(&["Strong co-production"]),
        concerns: strings(&["EHCP timeliness"]),
        next_steps: strings(&["Evidence impact"]),
    }
    .into()
}

fn points(texts: Vec<String>) -> Vec<VisitPoint> {
    texts.into_iter().map(VisitPoint::general).collect()
}

fn review(assessments: &[&str]) -> ProgressReviewed {
    ProgressReviewed {
        forum: "SEND Improvement Board".to_owned(),
        assessments: assessments
            .iter()
            .map(|ws| Assessment {
                workstream: wsid(ws),
                rating: Rating::OnTrack,
                note: None,
            })
            .collect(),
    }
}

fn revisit(from: &str, to: &str) -> Command {
    Command::ScheduleRevisit(RevisitScheduled {
        from: date(from),
        to: date(to),
    })
}

fn outcomes(weaknesses: &[&str]) -> RevisitOutcomeRecorded {
    RevisitOutcomeRecorded {
        outcomes: weaknesses
            .iter()
            .map(|w| Outcome {
                weakness: wid(w),
                progress: Progress::Sufficient,
            })
            .collect(),
    }
}

fn note(about: &str) -> AddNote {
    AddNote {
        about: sref(about),
        text: "Parents said the new Local Offer pages are easier to use".to_owned(),
        from: Some("Parent Carer Forum".to_owned()),
    }
}

fn add_note(about: &str) -> Command {
    Command::AddNote(note(about))
}

fn correction(seq: u64) -> Command {
    Command::RecordCorrection(CorrectionRecorded {
        seq,
        reason: "The wrong date was given".to_owned(),
    })
}

fn submit() -> Command {
    Command::SubmitPlan { summary: None }
}

fn accept() -> Command {
    Command::AcceptPlan { summary: None }
}

fn revise() -> Command {
    Command::RevisePlan {
        summary: "Strengthened as Ofsted asked".to_owned(),
    }
}

/// A small plan with one of everything. The sequence numbers below are where each thing was
/// recorded.
fn plan() -> Vec<Command> {
    vec![
        open(),
        Command::RecordInspection(inspection()),
        Command::RecordWeakness(weakness("W1")),
        Command::RecordWeakness(weakness("W2")),
        Command::CreateWorkstream(workstream("WS1", &["W1"])),
        Command::CreateAction(action("1.1", "WS1")),
        Command::DefineMeasure(measure("M1", &["W1"])),
        attach(None, &["1.1"]),
        Command::RaiseRisk(risk("R1", &["WS1"])),
    ]
}

const SEQ_INSPECTION: u64 = 1;
const SEQ_W1: u64 = 2;
const SEQ_WS1: u64 = 4;
const SEQ_ACTION: u64 = 5;
const SEQ_M1: u64 = 6;
const SEQ_E1: u64 = 7;
const SEQ_R1: u64 = 8;
const PLAN_LEN: u64 = 9;

/// `plan()` followed by `more`.
fn plan_and(more: impl IntoIterator<Item = Command>) -> Vec<Command> {
    let mut commands = plan();
    commands.extend(more);
    commands
}

// ---------------------------------------------------------------------------------------------
// Opening, dates
// ---------------------------------------------------------------------------------------------

#[test]
fn the_first_event_opens_the_ledger() {
    check(&[], open(), accepted(EventBody::LedgerOpened(opened())));
    let state = given(&[open()]);
    assert_eq!(state.area.as_deref(), Some(AREA));
    assert_eq!(state.len, 1);
}

#[test]
fn every_other_command_needs_an_open_ledger() {
    let commands = vec![
        Command::RecordInspection(inspection()),
        Command::RecordWeakness(weakness("W1")),
        submit(),
        accept(),
        revise(),
        Command::CreateWorkstream(workstream("WS1", &["W1"])),
        Command::AmendWorkstream(amend_workstream("WS1")),
        Command::CreateAction(action("1.1", "WS1")),
        Command::AmendAction(amend_action("1.1")),
        status("1.1", Status::InProgress, None, None),
        attach(None, &["1.1"]),
        Command::RedactEvidence(EvidenceRedacted {
            id: eid("E1"),
            reason: "Contains a child's name".to_owned(),
        }),
        Command::DefineMeasure(measure("M1", &["W1"])),
        Command::RecordMeasure(MeasureRecorded {
            id: mid("M1"),
            value: dec("40"),
            source: None,
        }),
        Command::RecordVisit(visit()),
        Command::ReviewProgress(review(&["WS1"])),
        Command::RaiseRisk(risk("R1", &[])),
        Command::UpdateRisk(update_risk("R1")),
        close_risk("R1"),
        revisit("2022-01-10", "2022-03-31"),
        Command::RecordRevisitOutcome(outcomes(&["W1"])),
        add_note("W1"),
        correction(0),
    ];
    for command in commands {
        check(
            &[],
            command,
            rejected(Rejection::NotOpened, &["not been opened", "open it"]),
        );
    }
    assert!(!Rejection::NotOpened.is_conflict());
    assert!(!Rejection::NotOpened.is_not_found());
}

#[test]
fn a_ledger_is_opened_once() {
    let other = LedgerOpened {
        area: "Southshire local area".to_owned(),
        partners: vec![],
    };
    let rejection = Rejection::AlreadyOpened {
        area: AREA.to_owned(),
    };
    assert!(rejection.is_conflict());
    check(
        &[open()],
        Command::OpenLedger(other),
        rejected(rejection.clone(), &["already open", AREA]),
    );
    check(&plan(), open(), rejected(rejection, &["already open"]));
}

#[test]
fn business_dates_may_not_be_in_the_future() {
    let tomorrow = When {
        occurred_on: date("2021-07-16"),
        today: date("2021-07-15"),
    };
    let same_day = When {
        occurred_on: date("2021-07-15"),
        today: date("2021-07-15"),
    };
    let in_future = Rejection::InFuture {
        date: date("2021-07-16"),
        today: date("2021-07-15"),
    };
    let words = ["16 July 2021", "in the future", "today is 15 July 2021"];

    // Checked first of all: before the ledger is open, and before any other rule.
    let empty = State::default();
    let err = decide(&empty, &open(), tomorrow).expect_err("future open");
    assert_eq!(err, in_future);
    for word in words {
        assert!(err.to_string().contains(word), "{err}");
    }
    let err = decide(&empty, &add_note("W1"), tomorrow).expect_err("future note");
    assert_eq!(err, in_future);

    let state = given(&plan());
    let err = decide(&state, &add_note("W1"), tomorrow).expect_err("future note");
    assert_eq!(err, in_future);
    assert_eq!(
        decide(&state, &add_note("W1"), same_day).map(|body| body.kind()),
        Ok("note_added")
    );
    assert_eq!(
        decide(&empty, &open(), same_day),
        Ok(EventBody::LedgerOpened(opened()))
    );
}

// ---------------------------------------------------------------------------------------------
// Inspection
// ---------------------------------------------------------------------------------------------

#[test]
fn the_inspection_is_recorded_once() {
    check(
        &[open()],
        Command::RecordInspection(inspection()),
        accepted(EventBody::InspectionRecorded(inspection())),
    );
    let state = given(&plan());
    assert_eq!(state.inspection, Some(SEQ_INSPECTION));

    let again = Rejection::WrongStage(
        "the inspection is already recorded (event 1); if it was wrong, record a correction of event 1"
            .to_owned(),
    );
    check(
        &plan(),
        Command::RecordInspection(inspection()),
        rejected(
            again.clone(),
            &["already recorded", "correction of event 1"],
        ),
    );
    // Even a second inspection with bad dates is refused for being a second one.
    let mut backwards = inspection();
    backwards.to = date("2019-03-01");
    check(
        &plan(),
        Command::RecordInspection(backwards),
        rejected(again, &["already recorded"]),
    );
}

#[test]
fn inspection_dates_must_be_in_order() {
    let one_day = InspectionRecorded {
        from: date("2019-03-04"),
        to: date("2019-03-04"),
        published: date("2019-03-04"),
        ..inspection()
    };
    check(
        &[open()],
        Command::RecordInspection(one_day.clone()),
        accepted(EventBody::InspectionRecorded(one_day)),
    );

    let mut ends_first = inspection();
    ends_first.to = date("2019-03-01");
    check(
        &[open()],
        Command::RecordInspection(ends_first),
        rejected(
            Rejection::DateOrder(
                "the inspection ends (1 March 2019) before it starts (4 March 2019)".to_owned(),
            ),
            &["ends", "before it starts"],
        ),
    );

    let mut published_early = inspection();
    published_early.published = date("2019-03-07");
    check(
        &[open()],
        Command::RecordInspection(published_early),
        rejected(
            Rejection::DateOrder(
                "the report is published (7 March 2019) before the inspection ends (8 March 2019)"
                    .to_owned(),
            ),
            &["published", "before the inspection ends"],
        ),
    );
}

// ---------------------------------------------------------------------------------------------
// Duplicate and unknown ids, references
// ---------------------------------------------------------------------------------------------

#[test]
fn new_things_of_every_kind_are_accepted() {
    check(
        &plan(),
        Command::RecordWeakness(weakness("W3")),
        accepted(EventBody::WeaknessRecorded(weakness("W3"))),
    );
    let ws2 = workstream("WS2", &["W1", "W2"]);
    check(
        &plan(),
        Command::CreateWorkstream(ws2.clone()),
        accepted(EventBody::WorkstreamCreated(ws2)),
    );
    let mut a12 = action("1.2", "WS1");
    a12.success = vec![];
    check(
        &plan(),
        Command::CreateAction(a12.clone()),
        accepted(EventBody::ActionCreated(a12)),
    );
    let m2 = measure("M2", &["W2"]);
    check(
        &plan(),
        Command::DefineMeasure(m2.clone()),
        accepted(EventBody::MeasureDefined(m2)),
    );
    let e9 = evidence(Some("E9"), &["WS1", "M1"]);
    check(
        &plan(),
        Command::AttachEvidence(e9.clone()),
        accepted(attached(
            &e9,
            "E9",
            vec![
                Subject::Workstream(wsid("WS1")),
                Subject::Measure(mid("M1")),
            ],
        )),
    );
    let r2 = risk("R2", &["WS1", "action:1.1", "E1", "R1"]);
    check(
        &plan(),
        Command::RaiseRisk(r2.clone()),
        accepted(EventBody::RiskRaised(RiskRaised {
            id: rid("R2"),
            title: r2.title.clone(),
            level: r2.level,
            about: vec![
                Subject::Workstream(wsid("WS1")),
                Subject::Action(aid("1.1")),
                Subject::Evidence(eid("E1")),
                Subject::Risk(rid("R1")),
            ],
            mitigation: r2.mitigation.clone(),
        })),
    );
    // A risk about nothing in particular is a risk to the whole plan.
    let whole_plan = RaiseRisk {
        about: vec![],
        mitigation: None,
        ..risk("R3", &[])
    };
    check(
        &plan(),
        Command::RaiseRisk(whole_plan),
        accepted(EventBody::RiskRaised(RiskRaised {
            id: rid("R3"),
            title: "Recruitment of educational psychologists".to_owned(),
            level: RiskLevel::High,
            about: vec![],
            mitigation: None,
        })),
    );
}

#[test]
fn ids_already_taken_by_the_same_kind_are_refused() {
    let cases: Vec<(Command, &str, &str, u64)> = vec![
        (
            Command::RecordWeakness(weakness("W1")),
            "weakness",
            "W1",
            SEQ_W1,
        ),
        (
            Command::CreateWorkstream(workstream("WS1", &["W2"])),
            "workstream",
            "WS1",
            SEQ_WS1,
        ),
        (
            Command::CreateAction(action("1.1", "WS1")),
            "action",
            "1.1",
            SEQ_ACTION,
        ),
        (
            Command::DefineMeasure(measure("M1", &["W2"])),
            "measure",
            "M1",
            SEQ_M1,
        ),
        (attach(Some("E1"), &["W1"]), "evidence", "E1", SEQ_E1),
        (Command::RaiseRisk(risk("R1", &[])), "risk", "R1", SEQ_R1),
    ];
    for (command, kind, id, seq) in cases {
        let rejection = Rejection::DuplicateId {
            kind,
            id: id.to_owned(),
            seq,
        };
        assert!(rejection.is_conflict());
        let exists = format!("{kind} {id} already exists (recorded in event {seq})");
        check(
            &plan(),
            command,
            rejected(rejection, &[&exists, "choose another id"]),
        );
    }
}

#[test]
fn a_duplicate_id_is_reported_before_anything_else_wrong_with_the_command() {
    let mut bad = action("1.1", "WS9");
    bad.title = String::new();
    check(
        &plan(),
        Command::CreateAction(bad),
        rejected(
            Rejection::DuplicateId {
                kind: "action",
                id: "1.1".to_owned(),
                seq: SEQ_ACTION,
            },
            &["already exists"],
        ),
    );
}

#[test]
fn references_to_things_that_do_not_exist_are_refused() {
    const ANY: &str = "weakness, workstream, action, measure, evidence or risk";
    const CHECK: &str = "check the id against the ledger's events";
    let mut amend_to_unknown = amend_workstream("WS1");
    amend_to_unknown.weaknesses = Some(vec![wid("W1"), wid("W9")]);
    let cases: Vec<(Command, &str, &str, &str)> = vec![
        (
            Command::CreateAction(action("1.2", "WS9")),
            "workstream",
            "WS9",
            "the workstream ids are WS1",
        ),
        (
            Command::CreateWorkstream(workstream("WS2", &["W1", "W9"])),
            "weakness",
            "W9",
            "the weakness ids are W1, W2",
        ),
        (
            Command::AmendWorkstream(amend_workstream("WS9")),
            "workstream",
            "WS9",
            "the workstream ids are WS1",
        ),
        (
            Command::AmendWorkstream(amend_to_unknown),
            "weakness",
            "W9",
            "the weakness ids are W1, W2",
        ),
        (
            Command::DefineMeasure(measure("M2", &["W9"])),
            "weakness",
            "W9",
            "the weakness ids are W1, W2",
        ),
        (
            Command::RecordRevisitOutcome(outcomes(&["W1", "W9"])),
            "weakness",
            "W9",
            "the weakness ids are W1, W2",
        ),
        (
            Command::RecordMeasure(MeasureRecorded {
                id: mid("M9"),
                value: dec("40"),
                source: None,
            }),
            "measure",
            "M9",
            "the measure ids are M1",
        ),
        (
            status("9.9", Status::InProgress, None, None),
            "action",
            "9.9",
            "the action ids are 1.1",
        ),
        (
            Command::AmendAction(ActionAmended {
                owner: Some("Jo Bloggs".to_owned()),
                ..amend_action("9.9")
            }),
            "action",
            "9.9",
            "the action ids are 1.1",
        ),
        (
            Command::ReviewProgress(review(&["WS1", "WS9"])),
            "workstream",
            "WS9",
            "the workstream ids are WS1",
        ),
        (
            Command::RedactEvidence(EvidenceRedacted {
                id: eid("E9"),
                reason: "Contains a child's name".to_owned(),
            }),
            "evidence",
            "E9",
            "the evidence ids are E1",
        ),
        (
            Command::UpdateRisk(RiskUpdated {
                level: Some(RiskLevel::Low),
                ..update_risk("R9")
            }),
            "risk",
            "R9",
            "the risk ids are R1",
        ),
        (close_risk("R9"), "risk", "R9", "the risk ids are R1"),
        (
            add_note("action:9.9"),
            "action",
            "9.9",
            "the action ids are 1.1",
        ),
        (
            attach(None, &["1.1", "measure:M9"]),
            "measure",
            "M9",
            "the measure ids are M1",
        ),
        (Command::RaiseRisk(risk("R2", &["WS9"])), ANY, "WS9", CHECK),
        (add_note("X9"), ANY, "X9", CHECK),
        (attach(None, &["X9"]), ANY, "X9", CHECK),
    ];
    for (command, kind, id, known) in cases {
        let rejection = Rejection::UnknownId {
            kind,
            id: id.to_owned(),
            known: known.to_owned(),
        };
        assert!(rejection.is_not_found());
        let no_such = format!("there is no {kind} {id}");
        check(&plan(), command, rejected(rejection, &[&no_such, known]));
    }
}

#[test]
fn an_unknown_id_message_says_when_nothing_of_that_kind_exists_yet() {
    check(
        &[open()],
        Command::RecordMeasure(MeasureRecorded {
            id: mid("M1"),
            value: dec("40"),
            source: None,
        }),
        rejected(
            Rejection::UnknownId {
                kind: "measure",
                id: "M1".to_owned(),
                known: "no measure has been recorded yet".to_owned(),
            },
            &["there is no measure M1", "no measure has been recorded yet"],
        ),
    );
}

#[test]
fn an_unknown_id_message_summarises_long_lists() {
    let mut commands = plan();
    commands.extend((2..=12).map(|n| Command::CreateAction(action(&format!("1.{n}"), "WS1"))));
    let state = given(&commands);
    assert_eq!(state.actions.len(), 12);
    let listed = when(&state, &status("9.9", Status::InProgress, None, None));
    assert_eq!(
        listed,
        Err(Rejection::UnknownId {
            kind: "action",
            id: "9.9".to_owned(),
            known:
                "the action ids are 1.1, 1.10, 1.11, 1.12, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9"
                    .to_owned(),
        })
    );

    commands.push(Command::CreateAction(action("1.13", "WS1")));
    check(
        &commands,
        status("9.9", Status::InProgress, None, None),
        rejected(
            Rejection::UnknownId {
                kind: "action",
                id: "9.9".to_owned(),
                known: "there are 13 action ids, from 1.1 to 1.9".to_owned(),
            },
            &["there is no action 9.9", "there are 13 action ids"],
        ),
    );
}

#[test]
fn an_id_shared_by_two_kinds_must_be_qualified() {
    // The same id may be used by things of different kinds...
    let shared = plan_and([Command::RecordWeakness(weakness("1.1"))]);
    let state = given(&shared);
    assert!(state.weaknesses.contains_key("1.1"));
    assert!(state.actions.contains_key("1.1"));

    // ...but then an unqualified reference to it is ambiguous, wherever it is used.
    let ambiguous = Rejection::AmbiguousReference {
        id: "1.1".to_owned(),
        kinds: "weakness and action".to_owned(),
        example: "weakness:1.1".to_owned(),
    };
    let words: &[&str] = &[
        "'1.1'",
        "more than one thing",
        "weakness and action",
        "weakness:1.1",
    ];
    check(&shared, add_note("1.1"), rejected(ambiguous.clone(), words));
    check(
        &shared,
        attach(None, &["WS1", "1.1"]),
        rejected(ambiguous.clone(), words),
    );
    check(
        &shared,
        Command::RaiseRisk(risk("R2", &["1.1"])),
        rejected(ambiguous, words),
    );

    // Writing the kind resolves it.
    let about_action = note("action:1.1");
    check(
        &shared,
        Command::AddNote(about_action.clone()),
        accepted(EventBody::NoteAdded(NoteAdded {
            about: Subject::Action(aid("1.1")),
            text: about_action.text.clone(),
            from: about_action.from.clone(),
        })),
    );
    let about_weakness = note("weakness:1.1");
    check(
        &shared,
        Command::AddNote(about_weakness.clone()),
        accepted(EventBody::NoteAdded(NoteAdded {
            about: Subject::Weakness(wid("1.1")),
            text: about_weakness.text.clone(),
            from: about_weakness.from.clone(),
        })),
    );
    let both = evidence(None, &["weakness:1.1", "action:1.1"]);
    check(
        &shared,
        Command::AttachEvidence(both.clone()),
        accepted(attached(
            &both,
            "E2",
            vec![Subject::Weakness(wid("1.1")), Subject::Action(aid("1.1"))],
        )),
    );
    // A kind that does not have the id is still unknown.
    check(
        &shared,
        add_note("measure:1.1"),
        rejected(
            Rejection::UnknownId {
                kind: "measure",
                id: "1.1".to_owned(),
                known: "the measure ids are M1".to_owned(),
            },
            &["there is no measure 1.1"],
        ),
    );
}

#[test]
fn an_unqualified_reference_resolves_to_the_one_kind_that_has_it() {
    let cases = [
        ("W1", Subject::Weakness(wid("W1"))),
        ("WS1", Subject::Workstream(wsid("WS1"))),
        ("1.1", Subject::Action(aid("1.1"))),
        ("M1", Subject::Measure(mid("M1"))),
        ("E1", Subject::Evidence(eid("E1"))),
        ("R1", Subject::Risk(rid("R1"))),
    ];
    for (reference, subject) in cases {
        let command = note(reference);
        check(
            &plan(),
            Command::AddNote(command.clone()),
            accepted(EventBody::NoteAdded(NoteAdded {
                about: subject,
                text: command.text,
                from: command.from,
            })),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Text, lists
// ---------------------------------------------------------------------------------------------

type Build = Box<dyn Fn(String) -> Command>;

/// Every free-text field `decide` checks: its name in messages, a history in which the command
/// is valid, and the command with the text in that field.
fn text_fields() -> Vec<(&'static str, Vec<Command>, Build)> {
    let opened_and = |more: Vec<Command>| {
        let mut commands = vec![open()];
        commands.extend(more);
        commands
    };
    vec![
        (
            "the local area's name",
            vec![],
            Box::new(|t| {
                Command::OpenLedger(LedgerOpened {
                    area: t,
                    ..opened()
                })
            }),
        ),
        (
            "a partner's name",
            vec![],
            Box::new(|t| {
                Command::OpenLedger(LedgerOpened {
                    partners: vec!["Northshire County Council".to_owned(), t],
                    ..opened()
                })
            }),
        ),
        (
            "an inspectorate's name",
            vec![open()],
            Box::new(|t| {
                Command::RecordInspection(InspectionRecorded {
                    inspectorates: vec!["Ofsted".to_owned(), t],
                    ..inspection()
                })
            }),
        ),
        (
            "the weakness's title",
            vec![open()],
            Box::new(|t| {
                Command::RecordWeakness(WeaknessRecorded {
                    title: t,
                    ..weakness("W1")
                })
            }),
        ),
        (
            "the finding",
            vec![open()],
            Box::new(|t| {
                Command::RecordWeakness(WeaknessRecorded {
                    finding: Some(t),
                    ..weakness("W1")
                })
            }),
        ),
        (
            "the summary",
            vec![open()],
            Box::new(|t| Command::SubmitPlan { summary: Some(t) }),
        ),
        (
            "the summary",
            opened_and(vec![submit()]),
            Box::new(|t| Command::AcceptPlan { summary: Some(t) }),
        ),
        (
            "the summary of the revision",
            opened_and(vec![submit()]),
            Box::new(|t| Command::RevisePlan { summary: t }),
        ),
        (
            "the workstream's title",
            plan(),
            Box::new(|t| {
                Command::CreateWorkstream(WorkstreamCreated {
                    title: t,
                    ..workstream("WS2", &["W1"])
                })
            }),
        ),
        (
            "the sponsor",
            plan(),
            Box::new(|t| {
                Command::CreateWorkstream(WorkstreamCreated {
                    sponsor: t,
                    ..workstream("WS2", &["W1"])
                })
            }),
        ),
        (
            "the reason",
            plan(),
            Box::new(|t| {
                Command::AmendWorkstream(WorkstreamAmended {
                    sponsor: Some("Chief Nurse".to_owned()),
                    reason: t,
                    ..amend_workstream("WS1")
                })
            }),
        ),
        (
            "the workstream's title",
            plan(),
            Box::new(|t| {
                Command::AmendWorkstream(WorkstreamAmended {
                    title: Some(t),
                    ..amend_workstream("WS1")
                })
            }),
        ),
        (
            "the sponsor",
            plan(),
            Box::new(|t| {
                Command::AmendWorkstream(WorkstreamAmended {
                    sponsor: Some(t),
                    ..amend_workstream("WS1")
                })
            }),
        ),
        (
            "the action's title",
            plan(),
            Box::new(|t| {
                Command::CreateAction(ActionCreated {
                    title: t,
                    ..action("1.2", "WS1")
                })
            }),
        ),
        (
            "the owner",
            plan(),
            Box::new(|t| {
                Command::CreateAction(ActionCreated {
                    owner: t,
                    ..action("1.2", "WS1")
                })
            }),
        ),
        (
            "a success criterion",
            plan(),
            Box::new(|t| {
                Command::CreateAction(ActionCreated {
                    success: vec!["Framework signed off".to_owned(), t],
                    ..action("1.2", "WS1")
                })
            }),
        ),
        (
            "the reason",
            plan(),
            Box::new(|t| {
                Command::AmendAction(ActionAmended {
                    owner: Some("Jo Bloggs".to_owned()),
                    reason: t,
                    ..amend_action("1.1")
                })
            }),
        ),
        (
            "the action's title",
            plan(),
            Box::new(|t| {
                Command::AmendAction(ActionAmended {
                    title: Some(t),
                    ..amend_action("1.1")
                })
            }),
        ),
        (
            "the owner",
            plan(),
            Box::new(|t| {
                Command::AmendAction(ActionAmended {
                    owner: Some(t),
                    ..amend_action("1.1")
                })
            }),
        ),
        (
            "the note",
            plan(),
            Box::new(|t| status("1.1", Status::InProgress, None, Some(&t))),
        ),
        (
            "the evidence's title",
            plan(),
            Box::new(|t| {
                Command::AttachEvidence(AttachEvidence {
                    title: t,
                    ..evidence(None, &["W1"])
                })
            }),
        ),
        (
            "the file name",
            plan(),
            Box::new(|t| {
                Command::AttachEvidence(AttachEvidence {
                    file_name: t,
                    ..evidence(None, &["W1"])
                })
            }),
        ),
        (
            "the media type",
            plan(),
            Box::new(|t| {
                Command::AttachEvidence(AttachEvidence {
                    media_type: t,
                    ..evidence(None, &["W1"])
                })
            }),
        ),
        (
            "the reason",
            plan(),
            Box::new(|t| {
                Command::RedactEvidence(EvidenceRedacted {
                    id: eid("E1"),
                    reason: t,
                })
            }),
        ),
        (
            "the measure's title",
            plan(),
            Box::new(|t| {
                Command::DefineMeasure(MeasureDefined {
                    title: t,
                    ..measure("M2", &["W1"])
                })
            }),
        ),
        (
            "the unit",
            plan(),
            Box::new(|t| {
                Command::DefineMeasure(MeasureDefined {
                    unit: t,
                    ..measure("M2", &["W1"])
                })
            }),
        ),
        (
            "the source",
            plan(),
            Box::new(|t| {
                Command::RecordMeasure(MeasureRecorded {
                    id: mid("M1"),
                    value: dec("40"),
                    source: Some(t),
                })
            }),
        ),
        (
            "who visited",
            plan(),
            Box::new(|t| Command::RecordVisit(MonitoringVisitFeedback { by: t, ..visit() })),
        ),
        (
            "the summary",
            plan(),
            Box::new(|t| {
                Command::RecordVisit(MonitoringVisitFeedback {
                    summary: Some(t),
                    ..visit()
                })
            }),
        ),
        (
            "a strength",
            plan(),
            Box::new(|t| {
                Command::RecordVisit(MonitoringVisitFeedback {
                    strengths: vec![VisitPoint::general(t)],
                    ..visit()
                })
            }),
        ),
        (
            "a concern",
            plan(),
            Box::new(|t| {
                Command::RecordVisit(MonitoringVisitFeedback {
                    concerns: vec![VisitPoint::general(t)],
                    ..visit()
                })
            }),
        ),
        (
            "a next step",
            plan(),
            Box::new(|t| {
                Command::RecordVisit(MonitoringVisitFeedback {
                    next_steps: vec![VisitPoint::general(t)],
                    ..visit()
                })
            }),
        ),
        (
            "the forum",
            plan(),
            Box::new(|t| {
                Command::ReviewProgress(ProgressReviewed {
                    forum: t,
                    ..review(&["WS1"])
                })
            }),
        ),
        (
            "an assessment's note",
            plan(),
            Box::new(|t| {
                Command::ReviewProgress(ProgressReviewed {
                    assessments: vec![Assessment {
                        workstream: wsid("WS1"),
                        rating: Rating::AtRisk,
                        note: Some(t),
                    }],
                    ..review(&[])
                })
            }),
        ),
        (
            "the risk's title",
            plan(),
            Box::new(|t| {
                Command::RaiseRisk(RaiseRisk {
                    title: t,
                    ..risk("R2", &["WS1"])
                })
            }),
        ),
        (
            "the mitigation",
            plan(),
            Box::new(|t| {
                Command::RaiseRisk(RaiseRisk {
                    mitigation: Some(t),
                    ..risk("R2", &["WS1"])
                })
            }),
        ),
        (
            "the mitigation",
            plan(),
            Box::new(|t| {
                Command::UpdateRisk(RiskUpdated {
                    mitigation: Some(t),
                    ..update_risk("R1")
                })
            }),
        ),
        (
            "the note",
            plan(),
            Box::new(|t| {
                Command::UpdateRisk(RiskUpdated {
                    note: Some(t),
                    ..update_risk("R1")
                })
            }),
        ),
        (
            "the reason",
            plan(),
            Box::new(|t| {
                Command::CloseRisk(RiskClosed {
                    id: rid("R1"),
                    reason: t,
                })
            }),
        ),
        (
            "the note",
            plan(),
            Box::new(|t| {
                Command::AddNote(AddNote {
                    text: t,
                    ..note("W1")
                })
            }),
        ),
        (
            "whose voice the note is",
            plan(),
            Box::new(|t| {
                Command::AddNote(AddNote {
                    from: Some(t),
                    ..note("W1")
                })
            }),
        ),
        (
            "the reason",
            plan(),
            Box::new(|t| Command::RecordCorrection(CorrectionRecorded { seq: 0, reason: t })),
        ),
    ]
}

#[test]
fn every_text_field_refuses_blank_text() {
    for (field, history, build) in text_fields() {
        for blank in ["", " ", " \n\t "] {
            check(
                &history,
                build(blank.to_owned()),
                rejected(Rejection::Blank { field }, &[field, "must not be empty"]),
            );
        }
    }
}

#[test]
fn every_text_field_refuses_text_longer_than_the_limit() {
    let too_long = "x".repeat(MAX_TEXT_CHARS + 1);
    for (field, history, build) in text_fields() {
        check(
            &history,
            build(too_long.clone()),
            rejected(
                Rejection::TooLong { field },
                &[
                    field,
                    "longer than 20000 characters",
                    "attach it as evidence",
                ],
            ),
        );
    }
}

/// The fields whose text may run over several lines (tabs and line breaks allowed); every
/// other text field is a single line.
const MULTI_LINE_FIELDS: [&str; 10] = [
    "the finding",
    "the summary",
    "the summary of the revision",
    "the reason",
    "the note",
    "a strength",
    "a concern",
    "a next step",
    "an assessment's note",
    "the mitigation",
];

#[test]
fn every_text_field_refuses_control_bidi_and_invisible_characters_naming_them() {
    let cases: [(&str, char, usize, &str); 14] = [
        ("bell\u{7}", '\u{7}', 5, "a control character (U+0007)"),
        ("nul\0here", '\0', 4, "a null character (U+0000)"),
        ("escape \u{1b}[31m", '\u{1b}', 8, "an escape character"),
        ("del\u{7f}", '\u{7f}', 4, "a delete character (U+007F)"),
        ("carriage\rreturn", '\r', 9, "a carriage return (U+000D)"),
        ("Windows\r\nline", '\r', 8, "a carriage return (U+000D)"),
        (
            "txt.exe\u{202e}fdp",
            '\u{202e}',
            8,
            "a right-to-left override (U+202E)",
        ),
        (
            "\u{202a}embedded",
            '\u{202a}',
            1,
            "a left-to-right embedding (U+202A)",
        ),
        (
            "isolate\u{2067}",
            '\u{2067}',
            8,
            "a right-to-left isolate (U+2067)",
        ),
        (
            "mark\u{200f}",
            '\u{200f}',
            5,
            "a right-to-left mark (U+200F)",
        ),
        (
            "arabic\u{61c}mark",
            '\u{61c}',
            7,
            "an Arabic letter mark (U+061C)",
        ),
        (
            "zero\u{200b}width",
            '\u{200b}',
            5,
            "a zero-width space (U+200B)",
        ),
        ("\u{feff}bom", '\u{feff}', 1, "a zero-width no-break space"),
        ("soft\u{ad}hyphen", '\u{ad}', 5, "a soft hyphen (U+00AD)"),
    ];
    for (field, history, build) in text_fields() {
        for (bad, character, at, named) in cases {
            let position = format!("at character {at}");
            check(
                &history,
                build(bad.to_owned()),
                rejected(
                    Rejection::ControlCharacter {
                        field,
                        character,
                        at,
                    },
                    &[field, named, &position, "remove it"],
                ),
            );
        }
    }
}

#[test]
fn a_refused_character_is_named_with_its_field_and_position() {
    let command = Command::CreateAction(ActionCreated {
        title: "Publish the\u{202e} Local Offer".to_owned(),
        ..action("1.2", "WS1")
    });
    let refused = when(&given(&plan()), &command).expect_err("refused");
    assert_eq!(
        refused.to_string(),
        "the action's title contains a right-to-left override (U+202E) at character 12; remove it"
    );
}

#[test]
fn single_line_fields_refuse_tabs_and_line_breaks() {
    let single: Vec<_> = text_fields()
        .into_iter()
        .filter(|(field, _, _)| !MULTI_LINE_FIELDS.contains(field))
        .collect();
    assert!(single.len() >= 20, "the single-line fields are checked");
    for (field, history, build) in single {
        for (bad, character, at, named) in [
            ("Line one\nline two", '\n', 9, "a line break (U+000A)"),
            ("Tab\there", '\t', 4, "a tab (U+0009)"),
        ] {
            let position = format!("at character {at}");
            check(
                &history,
                build(bad.to_owned()),
                rejected(
                    Rejection::ControlCharacter {
                        field,
                        character,
                        at,
                    },
                    &[field, named, &position, "single line"],
                ),
            );
        }
    }
}

#[test]
fn every_text_field_accepts_plain_text_up_to_the_limit_in_characters() {
    // 20,000 two-byte characters: the limit counts characters, not bytes.
    let longest = "é".repeat(MAX_TEXT_CHARS);
    for (field, history, build) in text_fields() {
        let state = given(&history);
        for good in [
            "Ofsted's letter, 15 July 2021 (“fit for purpose”)".to_owned(),
            "Arabic مرحبا and Hebrew שלום, written without controls — ✓ 😀".to_owned(),
            longest.clone(),
        ] {
            let command = build(good);
            if let Err(rejection) = when(&state, &command) {
                panic!("{field}: refused valid text: {rejection}");
            }
        }
    }
}

#[test]
fn multi_line_fields_accept_lines_and_tabs() {
    let multi: Vec<_> = text_fields()
        .into_iter()
        .filter(|(field, _, _)| MULTI_LINE_FIELDS.contains(field))
        .collect();
    assert_eq!(
        multi
            .iter()
            .map(|(field, _, _)| *field)
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        MULTI_LINE_FIELDS.len(),
        "every multi-line field is checked"
    );
    for (field, history, build) in multi {
        let state = given(&history);
        let command = build("Line one\n\tline two".to_owned());
        if let Err(rejection) = when(&state, &command) {
            panic!("{field}: refused lines and tabs: {rejection}");
        }
    }
}

#[test]
fn actor_names_with_control_or_invisible_characters_are_refused() {
    for (name, named) in [
        ("A. Patel\u{1b}[2J", "an escape character (U+001B)"),
        ("A. Patel\u{202e}", "a right-to-left override (U+202E)"),
        ("A.\nPatel", "a line break (U+000A)"),
    ] {
        let refused = check_actor_name(name).expect_err(name);
        let message = refused.to_string();
        assert!(message.contains("the actor's name"), "{message}");
        assert!(message.contains(named), "{message}");
    }
    check_actor_name("Priya Raman (QA)").expect("a plain name");
    // The rule holds wherever an event is sealed, whatever the caller checked before.
    let mut ledger = wsoa_core::memory::MemoryLedger::new();
    let refused = ledger
        .record(
            &open(),
            Actor {
                name: "qa\u{1b}]0;owned\u{7}".to_owned(),
                role: Role::Officer,
            },
            date("2021-07-14"),
            1_626_307_200_000,
        )
        .expect_err("refused");
    assert!(
        matches!(refused, Rejection::ControlCharacter { at: 3, .. }),
        "{refused:?}"
    );
    assert_eq!(ledger.head().len, 0, "nothing was recorded");
}

/// Builds a command whose list has the given number of items.
type BuildList = Box<dyn Fn(usize) -> Command>;

/// Every list a command carries, with a builder that fills it with `n` distinct items.
fn list_fields() -> Vec<(&'static str, Vec<Command>, BuildList)> {
    let names = |n: usize| (0..n).map(|i| format!("Item {i}")).collect::<Vec<_>>();
    let ids = |n: usize| (0..n).map(|i| format!("X{i}")).collect::<Vec<_>>();
    vec![
        (
            "the partners",
            vec![],
            Box::new(move |n| {
                Command::OpenLedger(LedgerOpened {
                    partners: names(n),
                    ..opened()
                })
            }),
        ),
        (
            "the inspectorates",
            vec![open()],
            Box::new(move |n| {
                Command::RecordInspection(InspectionRecorded {
                    inspectorates: names(n),
                    ..inspection()
                })
            }),
        ),
        (
            "the weaknesses a workstream answers",
            plan(),
            Box::new(move |n| {
                Command::CreateWorkstream(WorkstreamCreated {
                    weaknesses: ids(n).iter().map(|id| wid(id)).collect(),
                    ..workstream("WS9", &[])
                })
            }),
        ),
        (
            "the weaknesses a workstream answers",
            plan(),
            Box::new(move |n| {
                Command::AmendWorkstream(WorkstreamAmended {
                    weaknesses: Some(ids(n).iter().map(|id| wid(id)).collect()),
                    ..amend_workstream("WS1")
                })
            }),
        ),
        (
            "the success criteria",
            plan(),
            Box::new(move |n| {
                Command::CreateAction(ActionCreated {
                    success: names(n),
                    ..action("1.9", "WS1")
                })
            }),
        ),
        (
            "the things the evidence supports",
            plan(),
            Box::new(move |n| {
                Command::AttachEvidence(AttachEvidence {
                    supports: ids(n).iter().map(|id| sref(id)).collect(),
                    ..evidence(None, &[])
                })
            }),
        ),
        (
            "the weaknesses a measure evidences",
            plan(),
            Box::new(move |n| {
                Command::DefineMeasure(MeasureDefined {
                    weaknesses: ids(n).iter().map(|id| wid(id)).collect(),
                    ..measure("M9", &[])
                })
            }),
        ),
        (
            "the strengths",
            plan(),
            Box::new(move |n| {
                Command::RecordVisit(MonitoringVisitFeedback {
                    strengths: points(names(n)),
                    ..visit()
                })
            }),
        ),
        (
            "the concerns",
            plan(),
            Box::new(move |n| {
                Command::RecordVisit(MonitoringVisitFeedback {
                    concerns: points(names(n)),
                    ..visit()
                })
            }),
        ),
        (
            "the next steps",
            plan(),
            Box::new(move |n| {
                Command::RecordVisit(MonitoringVisitFeedback {
                    next_steps: points(names(n)),
                    ..visit()
                })
            }),
        ),
        (
            "the assessments",
            plan(),
            Box::new(move |n| {
                let ids = ids(n);
                let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
                Command::ReviewProgress(review(&refs))
            }),
        ),
        (
            "the things a risk threatens",
            plan(),
            Box::new(move |n| {
                Command::RaiseRisk(RaiseRisk {
                    about: ids(n).iter().map(|id| sref(id)).collect(),
                    ..risk("R9", &[])
                })
            }),
        ),
        (
            "the revisit outcomes",
            plan(),
            Box::new(move |n| Command::RecordRevisitOutcome(outcomes(&vec!["X"; n]))),
        ),
    ]
}

#[test]
fn every_list_in_a_command_is_bounded() {
    for (what, history, build) in list_fields() {
        let count = MAX_LIST_ITEMS + 1;
        let limit = format!("at most {MAX_LIST_ITEMS}");
        check(
            &history,
            build(count),
            rejected(
                Rejection::TooMany { what, count },
                &[what, "101 given", &limit],
            ),
        );
    }
    // The 100,000 success criteria once accepted in one event.
    let (what, history, build) = list_fields().swap_remove(4);
    check(
        &history,
        build(100_000),
        rejected(
            Rejection::TooMany {
                what,
                count: 100_000,
            },
            &["the success criteria", "100000 given"],
        ),
    );
}

#[test]
fn a_list_at_the_limit_is_accepted() {
    let state = given(&plan());
    let criteria = (0..MAX_LIST_ITEMS)
        .map(|i| format!("Criterion {i}"))
        .collect();
    let command = Command::CreateAction(ActionCreated {
        success: criteria,
        ..action("1.9", "WS1")
    });
    when(&state, &command).expect("100 success criteria are accepted");
}

#[test]
fn empty_evidence_is_refused() {
    check(
        &plan(),
        Command::AttachEvidence(AttachEvidence {
            size: 0,
            ..evidence(None, &["W1"])
        }),
        rejected(
            Rejection::EmptyFile {
                file_name: evidence(None, &["W1"]).file_name,
            },
            &[
                "is empty (0 bytes)",
                "attach the file that holds the evidence",
            ],
        ),
    );
    check(
        &plan(),
        Command::AttachEvidence(AttachEvidence {
            size: 1,
            ..evidence(None, &["W1"])
        }),
        accepted(attached(
            &AttachEvidence {
                size: 1,
                ..evidence(None, &["W1"])
            },
            "E2",
            vec![Subject::Weakness(wid("W1"))],
        )),
    );
}

#[test]
fn lists_that_must_name_something_may_not_be_empty() {
    let no_weaknesses = WorkstreamAmended {
        weaknesses: Some(vec![]),
        ..amend_workstream("WS1")
    };
    let no_feedback = MonitoringVisitFeedback {
        summary: None,
        strengths: vec![],
        concerns: vec![],
        next_steps: vec![],
        ..visit()
    };
    let cases: Vec<(Vec<Command>, Command, &str)> = vec![
        (
            vec![open()],
            Command::RecordInspection(InspectionRecorded {
                inspectorates: vec![],
                ..inspection()
            }),
            "the inspection names no inspectorate",
        ),
        (
            plan(),
            Command::CreateWorkstream(workstream("WS2", &[])),
            "the workstream answers no weakness",
        ),
        (
            plan(),
            Command::AmendWorkstream(no_weaknesses),
            "the workstream would answer no weakness",
        ),
        (plan(), attach(None, &[]), "the evidence supports nothing"),
        (
            plan(),
            Command::DefineMeasure(measure("M2", &[])),
            "the measure evidences no weakness",
        ),
        (
            plan(),
            Command::RecordVisit(no_feedback),
            "the visit records no feedback (no overall view, strength, concern, next step or letter)",
        ),
        (
            plan(),
            Command::ReviewProgress(review(&[])),
            "the review assesses no workstream",
        ),
        (
            plan(),
            Command::RecordRevisitOutcome(outcomes(&[])),
            "the revisit outcome names no weakness",
        ),
    ];
    for (history, command, what) in cases {
        check(
            &history,
            command,
            rejected(Rejection::EmptyList { what }, &[what, "give at least one"]),
        );
    }
}

#[test]
fn a_visit_needs_only_one_kind_of_feedback() {
    let summary_only = MonitoringVisitFeedback {
        strengths: vec![],
        concerns: vec![],
        next_steps: vec![],
        ..visit()
    };
    let concern_only = MonitoringVisitFeedback {
        summary: None,
        strengths: vec![],
        next_steps: vec![],
        ..visit()
    };
    for feedback in [visit(), summary_only, concern_only] {
        check(
            &plan(),
            Command::RecordVisit(feedback.clone()),
            accepted(EventBody::MonitoringVisitRecorded(
                feedback.untied().expect("no point is tied"),
            )),
        );
    }
}

#[test]
fn a_visit_point_tied_to_a_weakness_or_with_a_letter_is_recorded_with_them() {
    // Given a plan with weaknesses W1 and W2 and evidence E1,
    // when a visit's concern is tied to W2 and its letter is E1,
    // then the visit is recorded with its points' findings and its letter (tag 40).
    let tied = MonitoringVisitFeedback {
        concerns: vec!["[W2] EHCP timeliness".parse().expect("a point")],
        letter: Some(eid("E1")),
        ..visit()
    };
    assert_eq!(tied.concerns[0].about, vec![wid("W2")]);
    assert_eq!(tied.concerns[0].text, "EHCP timeliness");
    check(
        &plan(),
        Command::RecordVisit(tied.clone()),
        accepted(EventBody::MonitoringVisitFeedback(tied)),
    );
    // A letter alone is feedback enough.
    let letter_only = MonitoringVisitFeedback {
        summary: None,
        strengths: vec![],
        concerns: vec![],
        next_steps: vec![],
        letter: Some(eid("E1")),
        ..visit()
    };
    check(
        &plan(),
        Command::RecordVisit(letter_only.clone()),
        accepted(EventBody::MonitoringVisitFeedback(letter_only)),
    );
}

#[test]
fn a_visit_point_concerns_only_recorded_findings_and_its_letter_is_attached_evidence() {
    // Given a plan with W1 and W2 only, a point tied to W9 is refused, naming it.
    let stray = MonitoringVisitFeedback {
        strengths: vec!["[W1, W9] Strong co-production".parse().expect("a point")],
        ..visit()
    };
    check(
        &plan(),
        Command::RecordVisit(stray),
        rejected(
            Rejection::UnknownId {
                kind: "weakness",
                id: "W9".to_owned(),
                known: "the weakness ids are W1, W2".to_owned(),
            },
            &["W9"],
        ),
    );
    // A letter must be evidence already attached.
    let no_letter = MonitoringVisitFeedback {
        letter: Some(eid("E7")),
        ..visit()
    };
    check(
        &plan(),
        Command::RecordVisit(no_letter),
        rejected(
            Rejection::UnknownId {
                kind: "evidence",
                id: "E7".to_owned(),
                known: "the evidence ids are E1".to_owned(),
            },
            &["E7"],
        ),
    );
    // A finding named twice for one point.
    let twice = MonitoringVisitFeedback {
        concerns: vec!["[W1, W1] EHCP timeliness".parse().expect("a point")],
        ..visit()
    };
    check(
        &plan(),
        Command::RecordVisit(twice),
        rejected(
            Rejection::Repeated {
                kind: "weakness",
                id: "W1".to_owned(),
            },
            &["W1", "named twice"],
        ),
    );
    // A point whose brackets are not closed does not parse.
    assert!("[W1 Strong co-production".parse::<VisitPoint>().is_err());
    // Written back as read.
    let point: VisitPoint = "[W1, W2] Strong".parse().expect("a point");
    assert_eq!(point.to_string(), "[W1, W2] Strong");
}

#[test]
fn a_list_names_each_thing_once() {
    let twice_amended = WorkstreamAmended {
        weaknesses: Some(vec![wid("W2"), wid("W2")]),
        ..amend_workstream("WS1")
    };
    let cases: Vec<(Vec<Command>, Command, &str, &str)> = vec![
        (
            vec![],
            Command::OpenLedger(LedgerOpened {
                partners: strings(&["Northshire ICB", "Northshire ICB"]),
                ..opened()
            }),
            "partner",
            "Northshire ICB",
        ),
        (
            vec![open()],
            Command::RecordInspection(InspectionRecorded {
                inspectorates: strings(&["Ofsted", "CQC", "Ofsted"]),
                ..inspection()
            }),
            "inspectorate",
            "Ofsted",
        ),
        (
            plan(),
            Command::CreateWorkstream(workstream("WS2", &["W1", "W2", "W1"])),
            "weakness",
            "W1",
        ),
        (
            plan(),
            Command::AmendWorkstream(twice_amended),
            "weakness",
            "W2",
        ),
        (
            plan(),
            Command::DefineMeasure(measure("M2", &["W2", "W2"])),
            "weakness",
            "W2",
        ),
        (
            plan(),
            // The same action, once by its bare id and once qualified.
            attach(None, &["1.1", "action:1.1"]),
            "action",
            "1.1",
        ),
        (
            plan(),
            Command::ReviewProgress(review(&["WS1", "WS1"])),
            "workstream",
            "WS1",
        ),
        (
            plan(),
            Command::RaiseRisk(risk("R2", &["WS1", "workstream:WS1"])),
            "workstream",
            "WS1",
        ),
        (
            plan(),
            Command::RecordRevisitOutcome(outcomes(&["W1", "W2", "W1"])),
            "weakness",
            "W1",
        ),
    ];
    for (history, command, kind, id) in cases {
        let twice = format!("{kind} {id} is named twice");
        check(
            &history,
            command,
            rejected(
                Rejection::Repeated {
                    kind,
                    id: id.to_owned(),
                },
                &[&twice, "name it once"],
            ),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The plan's stages
// ---------------------------------------------------------------------------------------------

#[test]
fn the_plan_moves_from_draft_to_submitted_to_accepted_and_back_by_revision() {
    fn not_submitted(version: u32) -> Rejection {
        Rejection::WrongStage(format!(
            "version {version} of the statement has not been submitted; record its submission first"
        ))
    }
    fn nothing_to_revise(version: u32) -> Rejection {
        Rejection::WrongStage(format!(
            "version {version} of the statement has not been submitted yet, so there is nothing to revise; record its submission first"
        ))
    }
    fn already_submitted(version: u32) -> Rejection {
        Rejection::WrongStage(format!(
            "version {version} of the statement is already submitted; record that it was accepted, or revise it"
        ))
    }
    fn was_accepted(version: u32) -> Rejection {
        Rejection::WrongStage(format!(
            "version {version} of the statement was accepted; to submit changes, first record them as a revision"
        ))
    }
    fn already_accepted(version: u32) -> Rejection {
        Rejection::WrongStage(format!(
            "version {version} of the statement is already accepted"
        ))
    }
    fn submitted(version: u32) -> Result<EventBody, Rejection> {
        Ok(EventBody::PlanSubmitted(PlanSubmitted {
            version,
            summary: None,
        }))
    }
    fn accepted_v(version: u32) -> Result<EventBody, Rejection> {
        Ok(EventBody::PlanAccepted(PlanAccepted {
            version,
            summary: None,
        }))
    }
    fn revised(version: u32) -> Result<EventBody, Rejection> {
        Ok(EventBody::PlanRevised(PlanRevised {
            version,
            summary: "Strengthened as Ofsted asked".to_owned(),
        }))
    }

    type Row = (
        &'static str,
        Vec<Command>,
        PlanStage,
        u32,
        [Result<EventBody, Rejection>; 3],
    );
    let rows: Vec<Row> = vec![
        (
            "a new draft",
            vec![open()],
            PlanStage::Draft,
            1,
            [
                submitted(1),
                Err(not_submitted(1)),
                Err(nothing_to_revise(1)),
            ],
        ),
        (
            "submitted",
            vec![open(), submit()],
            PlanStage::Submitted,
            1,
            [Err(already_submitted(1)), accepted_v(1), revised(2)],
        ),
        (
            "accepted",
            vec![open(), submit(), accept()],
            PlanStage::Accepted,
            1,
            [Err(was_accepted(1)), Err(already_accepted(1)), revised(2)],
        ),
        (
            "revised while submitted (Ofsted asked for more)",
            vec![open(), submit(), revise()],
            PlanStage::Draft,
            2,
            [
                submitted(2),
                Err(not_submitted(2)),
                Err(nothing_to_revise(2)),
            ],
        ),
        (
            "revised after acceptance",
            vec![open(), submit(), accept(), revise()],
            PlanStage::Draft,
            2,
            [
                submitted(2),
                Err(not_submitted(2)),
                Err(nothing_to_revise(2)),
            ],
        ),
        (
            "version 2 submitted",
            vec![open(), submit(), revise(), submit()],
            PlanStage::Submitted,
            2,
            [Err(already_submitted(2)), accepted_v(2), revised(3)],
        ),
        (
            "version 2 accepted",
            vec![open(), submit(), revise(), submit(), accept()],
            PlanStage::Accepted,
            2,
            [Err(was_accepted(2)), Err(already_accepted(2)), revised(3)],
        ),
    ];
    for (name, history, stage, version, expected) in rows {
        let state = given(&history);
        assert_eq!(state.plan_stage, stage, "{name}");
        assert_eq!(state.plan_version, version, "{name}");
        for (command, then) in [submit(), accept(), revise()].into_iter().zip(expected) {
            let got = when(&state, &command);
            assert_eq!(got, then, "{name}: {command:?}");
            if let Err(rejection) = got {
                let message = rejection.to_string();
                assert!(
                    message.contains(&format!("version {version} of the statement")),
                    "{message}"
                );
            }
        }
    }
}

#[test]
fn plan_summaries_are_recorded() {
    let summary = Some("Version 1 as signed off by the board".to_owned());
    check(
        &[open()],
        Command::SubmitPlan {
            summary: summary.clone(),
        },
        accepted(EventBody::PlanSubmitted(PlanSubmitted {
            version: 1,
            summary: summary.clone(),
        })),
    );
    check(
        &[open(), submit()],
        Command::AcceptPlan {
            summary: summary.clone(),
        },
        accepted(EventBody::PlanAccepted(PlanAccepted {
            version: 1,
            summary,
        })),
    );
    // The text of a revision is checked before its stage.
    check(
        &[open()],
        Command::RevisePlan {
            summary: " ".to_owned(),
        },
        rejected(
            Rejection::Blank {
                field: "the summary of the revision",
            },
            &["must not be empty"],
        ),
    );
}

// ---------------------------------------------------------------------------------------------
// Workstreams and actions
// ---------------------------------------------------------------------------------------------

#[test]
fn a_workstream_amendment_must_change_something() {
    let nothing = Rejection::NothingChanged(
        "the amendment changes nothing in workstream WS1: give a new title, sponsor or weaknesses"
            .to_owned(),
    );
    let words: &[&str] = &["changes nothing in workstream WS1", "sponsor"];
    let unchanged = [
        amend_workstream("WS1"),
        WorkstreamAmended {
            sponsor: Some(SPONSOR.to_owned()),
            ..amend_workstream("WS1")
        },
        WorkstreamAmended {
            title: Some("Quality assurance".to_owned()),
            sponsor: Some(SPONSOR.to_owned()),
            weaknesses: Some(vec![wid("W1")]),
            ..amend_workstream("WS1")
        },
    ];
    for amendment in unchanged {
        check(
            &plan(),
            Command::AmendWorkstream(amendment),
            rejected(nothing.clone(), words),
        );
    }
    let changed = [
        WorkstreamAmended {
            sponsor: Some("Chief Nurse".to_owned()),
            ..amend_workstream("WS1")
        },
        WorkstreamAmended {
            title: Some("Quality assurance and audit".to_owned()),
            ..amend_workstream("WS1")
        },
        WorkstreamAmended {
            weaknesses: Some(vec![wid("W1"), wid("W2")]),
            ..amend_workstream("WS1")
        },
        // One real change among unchanged fields is enough.
        WorkstreamAmended {
            title: Some("Quality assurance".to_owned()),
            sponsor: Some("Chief Nurse".to_owned()),
            ..amend_workstream("WS1")
        },
    ];
    for amendment in changed {
        check(
            &plan(),
            Command::AmendWorkstream(amendment.clone()),
            accepted(EventBody::WorkstreamAmended(amendment)),
        );
    }
}

#[test]
fn a_workstream_amendment_is_applied_so_repeating_it_changes_nothing() {
    let to_nurse = WorkstreamAmended {
        sponsor: Some("Chief Nurse".to_owned()),
        weaknesses: Some(vec![wid("W2")]),
        ..amend_workstream("WS1")
    };
    let history = plan_and([Command::AmendWorkstream(to_nurse.clone())]);
    let state = given(&history);
    assert_eq!(state.workstreams["WS1"].sponsor, "Chief Nurse");
    assert_eq!(state.workstreams["WS1"].weaknesses, vec![wid("W2")]);
    assert_eq!(state.workstreams["WS1"].title, "Quality assurance");
    check(
        &history,
        Command::AmendWorkstream(to_nurse),
        rejected(
            Rejection::NothingChanged(
                "the amendment changes nothing in workstream WS1: give a new title, sponsor or weaknesses"
                    .to_owned(),
            ),
            &["changes nothing"],
        ),
    );
    let back = WorkstreamAmended {
        sponsor: Some(SPONSOR.to_owned()),
        ..amend_workstream("WS1")
    };
    check(
        &history,
        Command::AmendWorkstream(back.clone()),
        accepted(EventBody::WorkstreamAmended(back)),
    );
}

#[test]
fn an_action_amendment_must_change_something() {
    let nothing = Rejection::NothingChanged(
        "the amendment changes nothing in action 1.1: give a new lead, deadline or title"
            .to_owned(),
    );
    let words: &[&str] = &["changes nothing in action 1.1", "lead, deadline or title"];
    let unchanged = [
        amend_action("1.1"),
        ActionAmended {
            owner: Some(OWNER.to_owned()),
            ..amend_action("1.1")
        },
        ActionAmended {
            title: Some("Agree a local area QA framework".to_owned()),
            owner: Some(OWNER.to_owned()),
            due: Some(date("2021-08-31")),
            ..amend_action("1.1")
        },
    ];
    for amendment in unchanged {
        check(
            &plan(),
            Command::AmendAction(amendment),
            rejected(nothing.clone(), words),
        );
    }
    let changed = [
        ActionAmended {
            owner: Some("Jo Bloggs".to_owned()),
            ..amend_action("1.1")
        },
        ActionAmended {
            due: Some(date("2021-09-30")),
            reason: "Slipped because of COVID-19 restrictions".to_owned(),
            ..amend_action("1.1")
        },
        ActionAmended {
            title: Some("Agree and publish a local area QA framework".to_owned()),
            ..amend_action("1.1")
        },
        ActionAmended {
            owner: Some(OWNER.to_owned()),
            due: Some(date("2021-09-30")),
            ..amend_action("1.1")
        },
    ];
    for amendment in changed {
        check(
            &plan(),
            Command::AmendAction(amendment.clone()),
            accepted(EventBody::ActionAmended(amendment)),
        );
    }
}

#[test]
fn an_action_amendment_is_applied_so_the_new_owner_and_deadline_are_current() {
    let to_jo = ActionAmended {
        owner: Some("Jo Bloggs".to_owned()),
        due: Some(date("2021-09-30")),
        ..amend_action("1.1")
    };
    let history = plan_and([Command::AmendAction(to_jo)]);
    let state = given(&history);
    assert_eq!(state.actions["1.1"].owner, "Jo Bloggs");
    assert_eq!(state.actions["1.1"].due, date("2021-09-30"));
    let nothing = Rejection::NothingChanged(
        "the amendment changes nothing in action 1.1: give a new lead, deadline or title"
            .to_owned(),
    );
    for same in [
        ActionAmended {
            owner: Some("Jo Bloggs".to_owned()),
            ..amend_action("1.1")
        },
        ActionAmended {
            due: Some(date("2021-09-30")),
            ..amend_action("1.1")
        },
    ] {
        check(
            &history,
            Command::AmendAction(same),
            rejected(nothing.clone(), &["changes nothing"]),
        );
    }
    let back = ActionAmended {
        owner: Some(OWNER.to_owned()),
        ..amend_action("1.1")
    };
    check(
        &history,
        Command::AmendAction(back.clone()),
        accepted(EventBody::ActionAmended(back)),
    );
}

#[test]
fn a_status_change_must_change_the_status_or_the_rag() {
    let body = |status: Status, rag: Option<Rag>| {
        EventBody::ActionStatusChanged(ActionStatusChanged {
            id: aid("1.1"),
            status,
            rag,
            note: None,
        })
    };
    check(
        &plan(),
        status("1.1", Status::InProgress, None, None),
        accepted(body(Status::InProgress, None)),
    );
    check(
        &plan(),
        status("1.1", Status::NotStarted, Some(Rag::Red), None),
        accepted(body(Status::NotStarted, Some(Rag::Red))),
    );
    check(
        &plan(),
        status("1.1", Status::NotStarted, None, Some("Still waiting")),
        rejected(
            Rejection::NothingChanged(
                "action 1.1 is already not started: a status change must change the status or the RAG (to record news only, add a note)"
                    .to_owned(),
            ),
            &["already not started", "add a note"],
        ),
    );

    let amber = plan_and([status("1.1", Status::InProgress, Some(Rag::Amber), None)]);
    let state = given(&amber);
    assert_eq!(state.actions["1.1"].status, Status::InProgress);
    assert_eq!(state.actions["1.1"].rag, Some(Rag::Amber));
    let already = Rejection::NothingChanged(
        "action 1.1 is already in progress with RAG amber: a status change must change the status or the RAG (to record news only, add a note)"
            .to_owned(),
    );
    for same in [
        status("1.1", Status::InProgress, Some(Rag::Amber), None),
        // No RAG given keeps the current one.
        status("1.1", Status::InProgress, None, None),
    ] {
        check(
            &amber,
            same,
            rejected(already.clone(), &["already in progress with RAG amber"]),
        );
    }
    check(
        &amber,
        status("1.1", Status::InProgress, Some(Rag::Green), None),
        accepted(body(Status::InProgress, Some(Rag::Green))),
    );
    check(
        &amber,
        status("1.1", Status::Blocked, None, None),
        accepted(body(Status::Blocked, None)),
    );

    // A status change without a RAG keeps the RAG the action had.
    let complete = plan_and([
        status("1.1", Status::InProgress, Some(Rag::Amber), None),
        status("1.1", Status::Complete, None, None),
    ]);
    let state = given(&complete);
    assert_eq!(state.actions["1.1"].status, Status::Complete);
    assert_eq!(state.actions["1.1"].rag, Some(Rag::Amber));
    check(
        &complete,
        status("1.1", Status::Complete, None, None),
        rejected(
            Rejection::NothingChanged(
                "action 1.1 is already complete with RAG amber: a status change must change the status or the RAG (to record news only, add a note)"
                    .to_owned(),
            ),
            &["already complete with RAG amber"],
        ),
    );
}

#[test]
fn reopening_a_complete_or_withdrawn_action_needs_a_note() {
    for (closed, word) in [
        (Status::Complete, "complete"),
        (Status::Withdrawn, "withdrawn"),
    ] {
        let history = plan_and([status("1.1", closed, Some(Rag::Green), None)]);
        for reopened in [Status::InProgress, Status::NotStarted, Status::Blocked] {
            check(
                &history,
                status("1.1", reopened, None, None),
                rejected(
                    Rejection::ReopenNeedsNote {
                        id: "1.1".to_owned(),
                        status: word.to_owned(),
                    },
                    &[
                        &format!("action 1.1 is {word}"),
                        "needs a note saying why",
                        "note saying why",
                    ],
                ),
            );
            check(
                &history,
                status(
                    "1.1",
                    reopened,
                    Some(Rag::Red),
                    Some("The audit found gaps"),
                ),
                accepted(EventBody::ActionStatusChanged(ActionStatusChanged {
                    id: aid("1.1"),
                    status: reopened,
                    rag: Some(Rag::Red),
                    note: Some("The audit found gaps".to_owned()),
                })),
            );
        }
        // Changing only the RAG of a closed action does not reopen it.
        check(
            &history,
            status("1.1", closed, Some(Rag::Amber), None),
            accepted(EventBody::ActionStatusChanged(ActionStatusChanged {
                id: aid("1.1"),
                status: closed,
                rag: Some(Rag::Amber),
                note: None,
            })),
        );
    }
    // Leaving blocked is not reopening.
    check(
        &plan_and([status("1.1", Status::Blocked, None, None)]),
        status("1.1", Status::InProgress, None, None),
        accepted(EventBody::ActionStatusChanged(ActionStatusChanged {
            id: aid("1.1"),
            status: Status::InProgress,
            rag: None,
            note: None,
        })),
    );
}

// ---------------------------------------------------------------------------------------------
// Evidence
// ---------------------------------------------------------------------------------------------

#[test]
fn evidence_ids_are_assigned_in_turn_skipping_ids_already_taken() {
    let base = vec![open(), Command::RecordWeakness(weakness("W1"))];
    let first = evidence(None, &["W1"]);
    let supports = || vec![Subject::Weakness(wid("W1"))];
    check(
        &base,
        Command::AttachEvidence(first.clone()),
        accepted(attached(&first, "E1", supports())),
    );

    let mut history = base.clone();
    history.push(attach(None, &["W1"]));
    check(
        &history,
        Command::AttachEvidence(first.clone()),
        accepted(attached(&first, "E2", supports())),
    );

    // E1 assigned, E2 taken by hand: the next is E3.
    history.push(attach(Some("E2"), &["W1"]));
    assert_eq!(given(&history).next_evidence_id(), eid("E3"));
    check(
        &history,
        Command::AttachEvidence(first.clone()),
        accepted(attached(&first, "E3", supports())),
    );

    // E3 taken by hand first: E1 and E2 are assigned, and then E4, never E3.
    let mut history = base.clone();
    history.push(attach(Some("E3"), &["W1"]));
    check(
        &history,
        Command::AttachEvidence(first.clone()),
        accepted(attached(&first, "E1", supports())),
    );
    history.push(attach(None, &["W1"]));
    history.push(attach(None, &["W1"]));
    check(
        &history,
        Command::AttachEvidence(first.clone()),
        accepted(attached(&first, "E4", supports())),
    );

    // An id given by hand that is not of the form E<n> takes no number.
    let mut history = base.clone();
    history.push(attach(Some("EHCP-AUDIT"), &["W1"]));
    check(
        &history,
        Command::AttachEvidence(first.clone()),
        accepted(attached(&first, "E1", supports())),
    );

    // An id given by hand may not take one already assigned.
    let mut history = base;
    history.push(attach(None, &["W1"]));
    check(
        &history,
        attach(Some("E1"), &["W1"]),
        rejected(
            Rejection::DuplicateId {
                kind: "evidence",
                id: "E1".to_owned(),
                seq: 2,
            },
            &["evidence E1 already exists (recorded in event 2)"],
        ),
    );
}

#[test]
fn evidence_is_redacted_once() {
    let redact = EvidenceRedacted {
        id: eid("E1"),
        reason: "Contains a child's name (subject access request)".to_owned(),
    };
    check(
        &plan(),
        Command::RedactEvidence(redact.clone()),
        accepted(EventBody::EvidenceRedacted(redact.clone())),
    );
    let history = plan_and([Command::RedactEvidence(redact.clone())]);
    let state = given(&history);
    assert!(state.evidence["E1"].redacted);
    assert_eq!(
        state.evidence["E1"].content_hash,
        content_hash(b"minutes of the SEND Improvement Board")
    );
    check(
        &history,
        Command::RedactEvidence(redact),
        rejected(
            Rejection::NothingChanged("evidence E1 is already redacted".to_owned()),
            &["E1", "already redacted"],
        ),
    );
    // Redacted evidence can still be referred to.
    check(
        &history,
        add_note("E1"),
        accepted(EventBody::NoteAdded(NoteAdded {
            about: Subject::Evidence(eid("E1")),
            text: note("E1").text,
            from: note("E1").from,
        })),
    );
}

// ---------------------------------------------------------------------------------------------
// Measures
// ---------------------------------------------------------------------------------------------

#[test]
fn a_measure_target_must_lie_the_better_way_from_its_baseline() {
    let define = |baseline: &str, target: &str, better: Direction| MeasureDefined {
        baseline: dec(baseline),
        target: dec(target),
        better,
        ..measure("M2", &["W1"])
    };
    let good = [
        define("12", "63", Direction::HigherIsBetter),
        // Compared as numbers, not text.
        define("9", "10", Direction::HigherIsBetter),
        define("0.05", "0.5", Direction::HigherIsBetter),
        define("63", "12", Direction::LowerIsBetter),
        define("-3", "-10", Direction::LowerIsBetter),
        define("10", "9.99", Direction::LowerIsBetter),
    ];
    for measure in good {
        check(
            &plan(),
            Command::DefineMeasure(measure.clone()),
            accepted(EventBody::MeasureDefined(measure)),
        );
    }
    check(
        &plan(),
        Command::DefineMeasure(define("12", "10", Direction::HigherIsBetter)),
        rejected(
            Rejection::Inconsistent(
                "the target (10) is below the baseline (12) but higher values count as better; say that lower is better if it is"
                    .to_owned(),
            ),
            &["below the baseline", "lower is better"],
        ),
    );
    check(
        &plan(),
        Command::DefineMeasure(define("10", "9", Direction::HigherIsBetter)),
        rejected(
            Rejection::Inconsistent(
                "the target (9) is below the baseline (10) but higher values count as better; say that lower is better if it is"
                    .to_owned(),
            ),
            &["below the baseline"],
        ),
    );
    check(
        &plan(),
        Command::DefineMeasure(define("12", "15", Direction::LowerIsBetter)),
        rejected(
            Rejection::Inconsistent(
                "the target (15) is above the baseline (12) but lower values count as better; say that higher is better if it is"
                    .to_owned(),
            ),
            &["above the baseline", "higher is better"],
        ),
    );
    check(
        &plan(),
        Command::DefineMeasure(define("-10", "-3", Direction::LowerIsBetter)),
        rejected(
            Rejection::Inconsistent(
                "the target (-3) is above the baseline (-10) but lower values count as better; say that higher is better if it is"
                    .to_owned(),
            ),
            &["above the baseline"],
        ),
    );
}

#[test]
fn a_measure_target_date_may_not_precede_its_baseline_date() {
    let same_day = MeasureDefined {
        target_by: date("2018-08-01"),
        ..measure("M2", &["W1"])
    };
    check(
        &plan(),
        Command::DefineMeasure(same_day.clone()),
        accepted(EventBody::MeasureDefined(same_day)),
    );
    let before = MeasureDefined {
        target_by: date("2018-07-31"),
        ..measure("M2", &["W1"])
    };
    let date_order = Rejection::DateOrder(
        "the target date (31 July 2018) is before the baseline date (1 August 2018)".to_owned(),
    );
    check(
        &plan(),
        Command::DefineMeasure(before.clone()),
        rejected(
            date_order.clone(),
            &["target date", "before the baseline date"],
        ),
    );
    // The dates are checked before the values.
    let both_wrong = MeasureDefined {
        target: dec("1"),
        ..before
    };
    check(
        &plan(),
        Command::DefineMeasure(both_wrong),
        rejected(date_order, &["target date"]),
    );
}

#[test]
fn a_measure_value_is_recorded_against_a_defined_measure() {
    let value = MeasureRecorded {
        id: mid("M1"),
        value: dec("63.1"),
        source: Some("EHC hub report, July 2019".to_owned()),
    };
    check(
        &plan(),
        Command::RecordMeasure(value.clone()),
        accepted(EventBody::MeasureRecorded(value)),
    );
    let unsourced = MeasureRecorded {
        id: mid("M1"),
        value: dec("-4"),
        source: None,
    };
    check(
        &plan(),
        Command::RecordMeasure(unsourced.clone()),
        accepted(EventBody::MeasureRecorded(unsourced)),
    );
}

// ---------------------------------------------------------------------------------------------
// Reviews, risks, revisit, notes, corrections
// ---------------------------------------------------------------------------------------------

#[test]
fn a_review_rates_known_workstreams() {
    let history = plan_and([Command::CreateWorkstream(workstream("WS2", &["W2"]))]);
    let reviewed = ProgressReviewed {
        forum: "SEND Improvement Board".to_owned(),
        assessments: vec![
            Assessment {
                workstream: wsid("WS1"),
                rating: Rating::OnTrack,
                note: None,
            },
            Assessment {
                workstream: wsid("WS2"),
                rating: Rating::OffTrack,
                note: Some("Recruitment delays".to_owned()),
            },
        ],
    };
    check(
        &history,
        Command::ReviewProgress(reviewed.clone()),
        accepted(EventBody::ProgressReviewed(reviewed)),
    );
}

#[test]
fn a_risk_update_must_change_something() {
    let nothing = Rejection::NothingChanged(
        "the update changes nothing in risk R1: give a new level or mitigation, or a note"
            .to_owned(),
    );
    let words: &[&str] = &["changes nothing in risk R1", "new level", "or a note"];
    for same in [
        update_risk("R1"),
        RiskUpdated {
            level: Some(RiskLevel::High),
            ..update_risk("R1")
        },
        RiskUpdated {
            level: Some(RiskLevel::High),
            mitigation: Some("Agency cover agreed".to_owned()),
            ..update_risk("R1")
        },
    ] {
        check(
            &plan(),
            Command::UpdateRisk(same),
            rejected(nothing.clone(), words),
        );
    }
    for changed in [
        RiskUpdated {
            level: Some(RiskLevel::Medium),
            ..update_risk("R1")
        },
        RiskUpdated {
            mitigation: Some("Two posts advertised".to_owned()),
            ..update_risk("R1")
        },
        // News alone is an update.
        RiskUpdated {
            level: Some(RiskLevel::High),
            note: Some("Still high after the June board".to_owned()),
            ..update_risk("R1")
        },
    ] {
        check(
            &plan(),
            Command::UpdateRisk(changed.clone()),
            accepted(EventBody::RiskUpdated(changed)),
        );
    }

    // The update is applied: the new level and mitigation are current.
    let lowered = RiskUpdated {
        level: Some(RiskLevel::Low),
        mitigation: Some("Two posts filled".to_owned()),
        ..update_risk("R1")
    };
    let history = plan_and([Command::UpdateRisk(lowered.clone())]);
    let state = given(&history);
    assert_eq!(state.risks["R1"].level, RiskLevel::Low);
    assert_eq!(
        state.risks["R1"].mitigation.as_deref(),
        Some("Two posts filled")
    );
    check(
        &history,
        Command::UpdateRisk(lowered),
        rejected(nothing, words),
    );
    let back_up = RiskUpdated {
        level: Some(RiskLevel::High),
        ..update_risk("R1")
    };
    check(
        &history,
        Command::UpdateRisk(back_up.clone()),
        accepted(EventBody::RiskUpdated(back_up)),
    );
}

#[test]
fn a_closed_risk_can_be_neither_updated_nor_closed_again() {
    check(
        &plan(),
        close_risk("R1"),
        accepted(EventBody::RiskClosed(RiskClosed {
            id: rid("R1"),
            reason: "Posts filled".to_owned(),
        })),
    );
    let history = plan_and([close_risk("R1")]);
    assert!(given(&history).risks["R1"].closed);
    let closed =
        Rejection::WrongStage("risk R1 is closed; raise a new risk if it has come back".to_owned());
    let words: &[&str] = &["risk R1 is closed", "raise a new risk"];
    check(&history, close_risk("R1"), rejected(closed.clone(), words));
    check(
        &history,
        Command::UpdateRisk(RiskUpdated {
            level: Some(RiskLevel::Low),
            ..update_risk("R1")
        }),
        rejected(closed, words),
    );
    // Its id stays taken.
    check(
        &history,
        Command::RaiseRisk(risk("R1", &[])),
        rejected(
            Rejection::DuplicateId {
                kind: "risk",
                id: "R1".to_owned(),
                seq: SEQ_R1,
            },
            &["risk R1 already exists"],
        ),
    );
}

#[test]
fn the_revisit_window_must_be_in_order_and_rescheduling_must_move_it() {
    let window = RevisitScheduled {
        from: date("2022-01-10"),
        to: date("2022-03-31"),
    };
    check(
        &plan(),
        revisit("2022-01-10", "2022-03-31"),
        accepted(EventBody::RevisitScheduled(window.clone())),
    );
    let one_day = RevisitScheduled {
        from: date("2022-01-10"),
        to: date("2022-01-10"),
    };
    check(
        &plan(),
        revisit("2022-01-10", "2022-01-10"),
        accepted(EventBody::RevisitScheduled(one_day)),
    );
    check(
        &plan(),
        revisit("2022-03-31", "2022-01-10"),
        rejected(
            Rejection::DateOrder(
                "the revisit window ends (10 January 2022) before it starts (31 March 2022)"
                    .to_owned(),
            ),
            &["revisit window ends", "before it starts"],
        ),
    );

    let scheduled = plan_and([revisit("2022-01-10", "2022-03-31")]);
    assert_eq!(
        given(&scheduled).revisit,
        Some((date("2022-01-10"), date("2022-03-31")))
    );
    check(
        &scheduled,
        revisit("2022-01-10", "2022-03-31"),
        rejected(
            Rejection::NothingChanged(
                "the revisit is already scheduled for 10 January 2022 to 31 March 2022".to_owned(),
            ),
            &["already scheduled"],
        ),
    );
    let delayed = RevisitScheduled {
        from: date("2022-01-10"),
        to: date("2022-06-30"),
    };
    check(
        &scheduled,
        revisit("2022-01-10", "2022-06-30"),
        accepted(EventBody::RevisitScheduled(delayed)),
    );
    // After rescheduling, the first window is a change again.
    let rescheduled = plan_and([
        revisit("2022-01-10", "2022-03-31"),
        revisit("2022-01-10", "2022-06-30"),
    ]);
    check(
        &rescheduled,
        revisit("2022-01-10", "2022-03-31"),
        accepted(EventBody::RevisitScheduled(window)),
    );
}

#[test]
fn the_revisit_outcome_judges_known_weaknesses() {
    let judged = RevisitOutcomeRecorded {
        outcomes: vec![
            Outcome {
                weakness: wid("W1"),
                progress: Progress::Sufficient,
            },
            Outcome {
                weakness: wid("W2"),
                progress: Progress::Insufficient,
            },
        ],
    };
    check(
        &plan(),
        Command::RecordRevisitOutcome(judged.clone()),
        accepted(EventBody::RevisitOutcomeRecorded(judged)),
    );
}

#[test]
fn a_note_without_a_voice_is_the_recorders_own() {
    let own = AddNote {
        from: None,
        ..note("WS1")
    };
    check(
        &plan(),
        Command::AddNote(own.clone()),
        accepted(EventBody::NoteAdded(NoteAdded {
            about: Subject::Workstream(wsid("WS1")),
            text: own.text,
            from: None,
        })),
    );
}

#[test]
fn a_correction_points_at_an_event_that_exists() {
    for seq in [0, SEQ_INSPECTION, PLAN_LEN - 1] {
        check(
            &plan(),
            correction(seq),
            accepted(EventBody::CorrectionRecorded(CorrectionRecorded {
                seq,
                reason: "The wrong date was given".to_owned(),
            })),
        );
    }
    // A correction is an event too, and may itself be corrected.
    check(
        &plan_and([correction(1)]),
        correction(PLAN_LEN),
        accepted(EventBody::CorrectionRecorded(CorrectionRecorded {
            seq: PLAN_LEN,
            reason: "The wrong date was given".to_owned(),
        })),
    );
    for seq in [PLAN_LEN, PLAN_LEN + 1, u64::MAX] {
        let rejection = Rejection::UnknownEvent { seq, len: PLAN_LEN };
        assert!(rejection.is_not_found());
        check(
            &plan(),
            correction(seq),
            rejected(
                rejection,
                &[
                    &format!("there is no event {seq}"),
                    "the ledger has 9 events, 0 to 8",
                ],
            ),
        );
    }
    // Right after opening, only event 0 can be corrected.
    check(
        &[open()],
        correction(0),
        accepted(EventBody::CorrectionRecorded(CorrectionRecorded {
            seq: 0,
            reason: "The wrong date was given".to_owned(),
        })),
    );
    check(
        &[open()],
        correction(1),
        rejected(
            Rejection::UnknownEvent { seq: 1, len: 1 },
            &["there is no event 1", "the ledger has one event, event 0"],
        ),
    );
}

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

#[test]
fn the_state_is_a_fold_of_the_chained_events() {
    let commands = plan_and([
        submit(),
        accept(),
        revise(),
        Command::AmendAction(ActionAmended {
            owner: Some("Jo Bloggs".to_owned()),
            ..amend_action("1.1")
        }),
        status("1.1", Status::Complete, Some(Rag::Green), None),
        close_risk("R1"),
        revisit("2022-01-10", "2022-03-31"),
        add_note("W1"),
        correction(3),
    ]);
    let (state, events) = history(&commands);
    assert_eq!(State::from_events(&events), state);
    assert_eq!(state.len, u64::try_from(events.len()).expect("fits"));
    for (seq, event) in (0_u64..).zip(&events) {
        assert_eq!(event.seq, seq);
    }
    assert_eq!(events[0].prev, Digest::ZERO);
    for pair in events.windows(2) {
        assert_eq!(pair[1].prev, chain_hash(&encode_event(&pair[0])));
    }

    assert_eq!(state.area.as_deref(), Some(AREA));
    assert_eq!(state.inspection, Some(SEQ_INSPECTION));
    assert_eq!(state.plan_version, 2);
    assert_eq!(state.plan_stage, PlanStage::Draft);
    assert_eq!(state.weaknesses.get("W1"), Some(&SEQ_W1));
    assert_eq!(state.workstreams["WS1"].created, SEQ_WS1);
    let action = &state.actions["1.1"];
    assert_eq!(action.created, SEQ_ACTION);
    assert_eq!(action.workstream, wsid("WS1"));
    assert_eq!(action.owner, "Jo Bloggs");
    assert_eq!(action.status, Status::Complete);
    assert_eq!(action.rag, Some(Rag::Green));
    assert_eq!(state.measures["M1"].created, SEQ_M1);
    assert_eq!(state.evidence["E1"].created, SEQ_E1);
    assert!(!state.evidence["E1"].redacted);
    assert!(state.risks["R1"].closed);
    assert_eq!(
        state.revisit,
        Some((date("2022-01-10"), date("2022-03-31")))
    );
}

// ---------------------------------------------------------------------------------------------
// Dates that respect what happened before them
// ---------------------------------------------------------------------------------------------

/// The day the story below is recorded: after every business date in it.
const RECORDED: &str = "2023-01-31";

fn day_before(day: &str) -> String {
    let day = date(day);
    Date::from_days_since_epoch(day.days_since_epoch() - 1)
        .expect("a date")
        .to_string()
}

fn on(state: &State, day: &str, command: &Command) -> Result<EventBody, Rejection> {
    let when = When {
        occurred_on: date(day),
        today: date(RECORDED),
    };
    decide(state, command, when)
}

/// Decides and applies each command on its own business date. Panics if one is refused.
fn dated(steps: &[(&str, Command)]) -> State {
    let mut state = State::default();
    let mut prev = Digest::ZERO;
    for (n, (day, command)) in (0_i64..).zip(steps) {
        let body = on(&state, day, command).unwrap_or_else(|rejection| {
            panic!("given {command:?} on {day} was refused: {rejection}")
        });
        let event = Event {
            format: FORMAT_VERSION,
            seq: state.len,
            prev,
            recorded_at: 1_675_166_400_000 + n * 60_000,
            occurred_on: date(day),
            actor: Actor {
                name: "qa.officer".to_owned(),
                role: Role::Officer,
            },
            body,
        };
        prev = chain_hash(&encode_event(&event));
        state.apply(&event);
    }
    state
}

/// Given the dated history, `command` is accepted on `first_day` and refused the day before, with
/// a message that mentions `words`.
#[track_caller]
fn from_day(steps: &[(&str, Command)], command: Command, first_day: &str, words: &[&str]) {
    let state = dated(steps);
    if let Err(rejection) = on(&state, first_day, &command) {
        panic!("{command:?} on {first_day} should be accepted, but: {rejection}");
    }
    let before = day_before(first_day);
    match on(&state, &before, &command) {
        Ok(body) => panic!("{command:?} on {before} should be refused, but it recorded {body:?}"),
        Err(rejection) => {
            assert!(
                matches!(rejection, Rejection::DateOrder(_)),
                "{rejection:?}"
            );
            let message = rejection.to_string();
            for word in words {
                assert!(
                    message.contains(word),
                    "{message:?} should mention {word:?}"
                );
            }
        }
    }
}

/// A story told on the days it happened: opened on 28 April 2021 (event 0), the inspection
/// (8 to 12 March 2021, published 27 April) recorded on 27 April (event 1), weakness W1 on 10 May
/// (event 2), workstream WS1 on 10 June (event 3), action 1.1 on 1 July (event 4), measure M1
/// (baseline 31 March 2021) on 14 September (event 5), evidence E1 supporting action 1.1 on 20
/// September (event 6), risk R1 about action 1.1 on 1 October (event 7), action 1.1 in progress
/// on 1 November (event 8).
fn story() -> Vec<(&'static str, Command)> {
    vec![
        ("2021-04-28", open()),
        (
            "2021-04-27",
            Command::RecordInspection(InspectionRecorded {
                inspectorates: strings(&["Ofsted", "CQC"]),
                from: date("2021-03-08"),
                to: date("2021-03-12"),
                published: date("2021-04-27"),
            }),
        ),
        ("2021-05-10", Command::RecordWeakness(weakness("W1"))),
        (
            "2021-06-10",
            Command::CreateWorkstream(workstream("WS1", &["W1"])),
        ),
        (
            "2021-07-01",
            Command::CreateAction(ActionCreated {
                due: date("2021-12-31"),
                ..action("1.1", "WS1")
            }),
        ),
        (
            "2021-09-14",
            Command::DefineMeasure(MeasureDefined {
                baseline_on: date("2021-03-31"),
                target_by: date("2022-03-31"),
                ..measure("M1", &["W1"])
            }),
        ),
        ("2021-09-20", attach(Some("E1"), &["1.1"])),
        ("2021-10-01", Command::RaiseRisk(risk("R1", &["1.1"]))),
        (
            "2021-11-01",
            status("1.1", Status::InProgress, Some(Rag::Green), None),
        ),
    ]
}

fn story_and(more: &[(&'static str, Command)]) -> Vec<(&'static str, Command)> {
    let mut steps = story();
    steps.extend(more.iter().cloned());
    steps
}

#[test]
fn a_refusal_names_the_date_it_conflicts_with_and_how_to_correct_it() {
    let state = dated(&story());
    let rejection = on(&state, "2021-01-01", &add_note("1.1")).expect_err("refused");
    assert_eq!(
        rejection,
        Rejection::DateOrder(
            "1 January 2021 is before the ledger was opened on 28 April 2021 (event 0): give a date on or after 28 April 2021; if event 0's date was wrong, record a correction of it first".to_owned()
        )
    );
    let rejection = on(&state, "2021-06-30", &add_note("1.1")).expect_err("refused");
    assert_eq!(
        rejection,
        Rejection::DateOrder(
            "30 June 2021 is before action 1.1 was created on 1 July 2021 (event 4): give a date on or after 1 July 2021; if event 4's date was wrong, record a correction of it first".to_owned()
        )
    );
}

#[test]
fn nothing_is_dated_before_the_ledger_was_opened() {
    from_day(
        &story(),
        Command::RecordVisit(visit()),
        "2021-04-28",
        &["27 April 2021 is before the ledger was opened on 28 April 2021 (event 0)"],
    );
    from_day(
        &story(),
        revisit("2022-06-01", "2022-09-30"),
        "2021-04-28",
        &["the ledger was opened on 28 April 2021"],
    );
}

#[test]
fn the_inspection_and_its_weaknesses_may_come_before_the_ledger_but_not_before_its_last_day() {
    let inspection = Command::RecordInspection(InspectionRecorded {
        inspectorates: strings(&["Ofsted", "CQC"]),
        from: date("2021-03-08"),
        to: date("2021-03-12"),
        published: date("2021-04-27"),
    });
    from_day(
        &[("2021-04-28", open())],
        inspection,
        "2021-03-12",
        &[
            "11 March 2021 is before the inspection's last day on site, 12 March 2021",
            "12 March 2021 or later",
        ],
    );
    from_day(
        &story()[..2],
        Command::RecordWeakness(weakness("W2")),
        "2021-03-12",
        &["the inspection that found the weakness ended on 12 March 2021 (event 1)"],
    );
}

#[test]
fn the_report_is_not_published_before_the_inspection_ends() {
    let published = |day: &str| {
        Command::RecordInspection(InspectionRecorded {
            inspectorates: strings(&["Ofsted"]),
            from: date("2021-03-08"),
            to: date("2021-03-12"),
            published: date(day),
        })
    };
    let state = dated(&[("2021-04-28", open())]);
    assert!(on(&state, "2021-04-27", &published("2021-03-12")).is_ok());
    let rejection = on(&state, "2021-04-27", &published("2021-03-11")).expect_err("refused");
    assert!(
        rejection.to_string().contains(
            "the report is published (11 March 2021) before the inspection ends (12 March 2021)"
        ),
        "{rejection}"
    );
}

#[test]
fn the_statement_is_submitted_after_the_report_and_accepted_after_its_submission() {
    from_day(
        &story(),
        submit(),
        "2021-04-28",
        &["the ledger was opened on 28 April 2021"],
    );
    // The report is published after the ledger was opened here, so the report is the bound.
    let late_report = vec![
        ("2021-04-28", open()),
        (
            "2021-05-20",
            Command::RecordInspection(InspectionRecorded {
                inspectorates: strings(&["Ofsted", "CQC"]),
                from: date("2021-05-10"),
                to: date("2021-05-14"),
                published: date("2021-06-21"),
            }),
        ),
    ];
    from_day(
        &late_report,
        submit(),
        "2021-06-21",
        &[
            "20 June 2021 is before the inspection report was published on 21 June 2021, and the statement answers it (event 1)",
        ],
    );
    from_day(
        &story_and(&[("2021-08-05", submit())]),
        accept(),
        "2021-08-05",
        &["4 August 2021 is before the statement was submitted on 5 August 2021 (event 9)"],
    );
}

#[test]
fn nothing_about_a_weakness_is_dated_before_it_was_recorded() {
    let steps = &story()[..3];
    from_day(
        steps,
        Command::CreateWorkstream(workstream("WS2", &["W1"])),
        "2021-05-10",
        &["9 May 2021 is before weakness W1 was recorded on 10 May 2021 (event 2)"],
    );
    from_day(
        steps,
        Command::DefineMeasure(measure("M2", &["W1"])),
        "2021-05-10",
        &["weakness W1 was recorded on 10 May 2021"],
    );
    from_day(
        steps,
        Command::RecordRevisitOutcome(outcomes(&["W1"])),
        "2021-05-10",
        &["weakness W1 was recorded on 10 May 2021"],
    );
    from_day(
        steps,
        add_note("weakness:W1"),
        "2021-05-10",
        &["weakness W1 was recorded on 10 May 2021"],
    );
}

#[test]
fn nothing_about_a_workstream_is_dated_before_it_was_created() {
    let steps = &story()[..4];
    let words: &[&str] =
        &["9 June 2021 is before workstream WS1 was created on 10 June 2021 (event 3)"];
    from_day(
        steps,
        Command::CreateAction(ActionCreated {
            due: date("2021-12-31"),
            ..action("1.2", "WS1")
        }),
        "2021-06-10",
        words,
    );
    from_day(
        steps,
        Command::AmendWorkstream(WorkstreamAmended {
            title: Some("Quality assurance and audit".to_owned()),
            ..amend_workstream("WS1")
        }),
        "2021-06-10",
        words,
    );
    from_day(
        steps,
        Command::ReviewProgress(review(&["WS1"])),
        "2021-06-10",
        words,
    );
}

#[test]
fn nothing_about_an_action_is_dated_before_it_was_created() {
    let steps = &story()[..5];
    let words: &[&str] =
        &["30 June 2021 is before action 1.1 was created on 1 July 2021 (event 4)"];
    from_day(
        steps,
        status("1.1", Status::InProgress, None, None),
        "2021-07-01",
        words,
    );
    from_day(
        steps,
        Command::AmendAction(ActionAmended {
            owner: Some("Jo Bloggs".to_owned()),
            ..amend_action("1.1")
        }),
        "2021-07-01",
        words,
    );
    from_day(steps, add_note("1.1"), "2021-07-01", words);
    from_day(steps, attach(None, &["1.1"]), "2021-07-01", words);
    from_day(
        steps,
        Command::RaiseRisk(risk("R2", &["1.1"])),
        "2021-07-01",
        words,
    );
}

#[test]
fn nothing_about_a_measure_evidence_or_risk_is_dated_before_it_existed() {
    let steps = story();
    from_day(
        &steps,
        add_note("measure:M1"),
        "2021-09-14",
        &["13 September 2021 is before measure M1 was defined on 14 September 2021 (event 5)"],
    );
    from_day(
        &steps,
        Command::RedactEvidence(EvidenceRedacted {
            id: eid("E1"),
            reason: "Names a child".to_owned(),
        }),
        "2021-09-20",
        &["19 September 2021 is before evidence E1 was attached on 20 September 2021 (event 6)"],
    );
    let raised: &[&str] =
        &["30 September 2021 is before risk R1 was raised on 1 October 2021 (event 7)"];
    from_day(
        &steps,
        Command::UpdateRisk(RiskUpdated {
            note: Some("Two posts filled".to_owned()),
            ..update_risk("R1")
        }),
        "2021-10-01",
        raised,
    );
    from_day(&steps, close_risk("R1"), "2021-10-01", raised);
}

#[test]
fn a_status_change_is_not_dated_before_the_previous_one() {
    from_day(
        &story(),
        status("1.1", Status::Complete, Some(Rag::Green), None),
        "2021-11-01",
        &[
            "31 October 2021 is before action 1.1's previous status change (to in progress) on 1 November 2021 (event 8)",
        ],
    );
}

#[test]
fn a_measure_value_may_be_filled_in_back_to_its_baseline_date_but_not_before() {
    let value = Command::RecordMeasure(MeasureRecorded {
        id: mid("M1"),
        value: dec("34"),
        source: None,
    });
    // 31 March 2021 is before the measure was defined (14 September) and before the ledger was
    // opened (28 April): a measure's history is filled in late, back to its baseline date.
    from_day(
        &story(),
        value,
        "2021-03-31",
        &["30 March 2021 is before measure M1's baseline date, 31 March 2021 (event 5)"],
    );
}

#[test]
fn a_deadline_is_not_before_the_day_the_action_was_agreed() {
    let steps = &story()[..4];
    let due = |day: &str| {
        let created = action("1.2", "WS1");
        Command::CreateActionWithDeadline(ActionCreatedWithDeadline {
            id: created.id,
            workstream: created.workstream,
            title: created.title,
            owner: created.owner,
            due: Deadline::On(date(day)),
            success: created.success,
        })
    };
    let state = dated(steps);
    assert!(on(&state, "2021-07-01", &due("2021-07-01")).is_ok());
    let rejection = on(&state, "2021-07-01", &due("2021-06-30")).expect_err("born overdue");
    assert_eq!(
        rejection,
        Rejection::DateOrder(
            "the deadline 30 June 2021 is before 1 July 2021, the day action 1.2 is agreed: an action is not born overdue; give a deadline on or after 1 July 2021, or the date it was agreed".to_owned()
        )
    );
    // An action imported from a tracker already existed: its deadline may have passed.
    let imported = Command::CreateAction(ActionCreated {
        due: date("2021-06-30"),
        ..action("1.2", "WS1")
    });
    assert!(on(&state, "2021-07-01", &imported).is_ok());
    // A moved deadline: not before the day the action was agreed.
    let state = dated(&story());
    let moved = |day: &str| {
        Command::AmendAction(ActionAmended {
            due: Some(date(day)),
            ..amend_action("1.1")
        })
    };
    assert!(on(&state, "2021-11-02", &moved("2021-07-01")).is_ok());
    let rejection = on(&state, "2021-11-02", &moved("2021-06-30")).expect_err("refused");
    assert!(
        rejection.to_string().contains(
            "the deadline 30 June 2021 is before action 1.1 was agreed on 1 July 2021 (event 4)"
        ),
        "{rejection}"
    );
}

#[test]
fn an_action_imported_after_its_deadline_keeps_its_words_and_may_slip_back_to_its_first_deadline() {
    let steps = &story()[..4];
    let written = |words: &str, day: &str| Deadline::Written {
        words: words.to_owned(),
        date: date(day),
    };
    let with = |due: Deadline| {
        let created = action("1.2", "WS1");
        ActionCreatedWithDeadline {
            id: created.id,
            workstream: created.workstream,
            title: created.title,
            owner: created.owner,
            due,
            success: created.success,
        }
    };
    let state = dated(steps);
    // Typed in, "Spring 2021" on 1 July 2021 is born overdue; from a tracker it was agreed
    // before it was recorded, and is recorded with its words.
    let typed = Command::CreateActionWithDeadline(with(written("Spring 2021", "2021-03-31")));
    assert!(matches!(
        on(&state, "2021-07-01", &typed),
        Err(Rejection::DateOrder(_))
    ));
    let imported = Command::ImportAction(with(written("Spring 2021", "2021-03-31")));
    assert_eq!(
        on(&state, "2021-07-01", &imported),
        Ok(EventBody::ActionCreatedWithDeadline(with(written(
            "Spring 2021",
            "2021-03-31"
        ))))
    );
    // Its deadline may move back as far as its first deadline (a revised deadline that has
    // passed too), never before.
    let state = dated(&[steps, &[("2021-07-01", imported)]].concat());
    let moved = |due: Deadline| {
        Command::AmendActionWithDeadline(ActionAmendedWithDeadline {
            id: aid("1.2"),
            title: None,
            owner: None,
            due: Some(due),
            reason: "Revised in the tracker".to_owned(),
        })
    };
    assert!(
        on(
            &state,
            "2021-07-01",
            &moved(written("June 2021", "2021-06-30"))
        )
        .is_ok()
    );
    let rejection = on(
        &state,
        "2021-07-01",
        &moved(written("Feb-21", "2021-02-28")),
    )
    .expect_err("before its first deadline");
    assert!(
        rejection.to_string().starts_with(
            "the deadline 28 February 2021 is before 31 March 2021, action 1.2's first deadline (event 4)"
        ),
        "{rejection}"
    );
}

#[test]
fn a_corrected_event_no_longer_binds_the_dates_after_it() {
    // Action 1.1 was recorded as created on 1 July, but was really agreed in June: once event 4
    // is corrected, an update of 30 June can be recorded.
    let state = dated(&story());
    assert!(on(&state, "2021-06-30", &add_note("1.1")).is_err());
    let state = dated(&story_and(&[("2021-11-02", correction(4))]));
    assert!(on(&state, "2021-06-30", &add_note("1.1")).is_ok());
    // Other bounds still hold.
    assert!(on(&state, "2021-06-09", &add_note("1.1")).is_ok());
    assert!(on(&state, "2021-04-27", &add_note("1.1")).is_err());
}

// ---------------------------------------------------------------------------------------------
// Inspections of either framework and their findings
// ---------------------------------------------------------------------------------------------

fn inspection_2023(id: Option<&str>) -> wsoa_core::command::AddInspection {
    wsoa_core::command::AddInspection {
        id: id.map(|id| id.parse().expect("id")),
        framework: wsoa_core::event::Framework::Y2023,
        kind: wsoa_core::event::InspectionKind::Full,
        outcome: Some(wsoa_core::event::InspectionOutcome::Inconsistent),
        inspectorates: strings(&["Ofsted", "CQC"]),
        from: date("2023-01-09"),
        to: date("2023-01-13"),
        published: date("2023-01-27"),
    }
}

fn finding_of(
    id: &str,
    kind: wsoa_core::event::FindingKind,
    inspection: Option<&str>,
) -> wsoa_core::command::AddFinding {
    wsoa_core::command::AddFinding {
        id: wid(id),
        inspection: inspection.map(|id| id.parse().expect("id")),
        kind,
        title: "Timeliness of EHC plans".to_owned(),
        finding: None,
    }
}

#[test]
fn the_first_2016_inspection_is_recorded_as_it_always_was_and_later_ones_get_the_next_id() {
    use wsoa_core::event::{Framework, InspectionKind};
    let first = wsoa_core::command::AddInspection {
        framework: Framework::Y2016,
        kind: InspectionKind::Full,
        outcome: None,
        from: date("2019-03-04"),
        to: date("2019-03-08"),
        published: date("2019-05-02"),
        ..inspection_2023(None)
    };
    check(
        &[open()],
        Command::AddInspection(first.clone()),
        accepted(EventBody::InspectionRecorded(inspection())),
    );
    let state = dated(&[
        ("2021-04-28", open()),
        ("2021-04-28", Command::AddInspection(first)),
    ]);
    let body = on(
        &state,
        "2023-01-30",
        &Command::AddInspection(inspection_2023(None)),
    )
    .expect("accepted");
    let EventBody::InspectionAdded(added) = body else {
        panic!("an InspectionAdded, not {body:?}")
    };
    assert_eq!(added.id.as_str(), "I2");
    assert_eq!(
        added.outcome,
        Some(wsoa_core::event::InspectionOutcome::Inconsistent)
    );
    // An id given is kept, and may not be taken twice.
    let state = dated(&[
        ("2021-04-28", open()),
        ("2021-04-28", Command::RecordInspection(inspection())),
        (
            "2023-01-30",
            Command::AddInspection(inspection_2023(Some("2023-full"))),
        ),
    ]);
    assert!(matches!(
        on(
            &state,
            "2023-01-30",
            &Command::AddInspection(inspection_2023(Some("2023-full")))
        ),
        Err(Rejection::DuplicateId {
            kind: "inspection",
            ..
        })
    ));
    assert!(matches!(
        on(
            &state,
            "2023-01-30",
            &Command::AddInspection(inspection_2023(Some("I1")))
        ),
        Err(Rejection::DuplicateId {
            kind: "inspection",
            ..
        })
    ));
}

#[test]
fn an_inspection_has_what_its_framework_allows() {
    use wsoa_core::event::{Framework, InspectionKind};
    let state = given(&[open()]);
    let refused = |command: wsoa_core::command::AddInspection, phrase: &str| {
        let rejection =
            on(&state, "2023-01-30", &Command::AddInspection(command)).expect_err("refused");
        assert!(rejection.to_string().contains(phrase), "{rejection}");
    };
    refused(
        wsoa_core::command::AddInspection {
            framework: Framework::Y2016,
            ..inspection_2023(None)
        },
        "the 2016 framework, which gives no overall outcome",
    );
    refused(
        wsoa_core::command::AddInspection {
            kind: InspectionKind::Revisit,
            ..inspection_2023(None)
        },
        "a revisit follows a written statement of action under the 2016 framework",
    );
    refused(
        wsoa_core::command::AddInspection {
            framework: Framework::Y2016,
            kind: InspectionKind::Monitoring,
            outcome: None,
            ..inspection_2023(None)
        },
        "monitoring inspections belong to the 2023 framework",
    );
    refused(
        wsoa_core::command::AddInspection {
            published: date("2023-01-10"),
            ..inspection_2023(None)
        },
        "the report is published (10 January 2023) before the inspection ends (13 January 2023)",
    );
}

#[test]
fn a_finding_belongs_to_a_recorded_inspection_of_its_framework() {
    use wsoa_core::event::FindingKind;
    // No inspection at all.
    let state = given(&[open()]);
    let rejection = on(
        &state,
        "2023-01-30",
        &Command::RecordFinding(finding_of("AP1", FindingKind::PriorityAction, None)),
    )
    .expect_err("refused");
    assert!(
        rejection
            .to_string()
            .contains("no inspection is recorded, so AP1 cannot be a finding of one"),
        "{rejection}"
    );
    let state = dated(&[
        ("2021-04-28", open()),
        ("2021-04-28", Command::RecordInspection(inspection())),
        ("2023-01-30", Command::AddInspection(inspection_2023(None))),
    ]);
    // By default, a finding of the latest inspection.
    let body = on(
        &state,
        "2023-01-30",
        &Command::RecordFinding(finding_of("AP1", FindingKind::PriorityAction, None)),
    )
    .expect("accepted");
    let EventBody::FindingRecorded(found) = body else {
        panic!("a FindingRecorded, not {body:?}")
    };
    assert_eq!(found.inspection.as_str(), "I2");
    // The framework's own kinds only.
    let rejection = on(
        &state,
        "2023-01-30",
        &Command::RecordFinding(finding_of("W9", FindingKind::Weakness, Some("I2"))),
    )
    .expect_err("refused");
    assert!(
        rejection.to_string().contains(
            "W9 is an area of significant weakness, a finding of the 2016 framework, but inspection I2 was under the 2023 framework"
        ),
        "{rejection}"
    );
    assert!(
        on(
            &state,
            "2023-01-30",
            &Command::RecordFinding(finding_of("AFI1", FindingKind::Improvement, Some("I1"))),
        )
        .is_err()
    );
    let rejection = on(
        &state,
        "2023-01-30",
        &Command::RecordFinding(finding_of("AP1", FindingKind::PriorityAction, Some("I7"))),
    )
    .expect_err("refused");
    assert!(
        rejection
            .to_string()
            .contains("inspection I7 is not recorded; the ledger has I1, I2"),
        "{rejection}"
    );
    // A finding's id is a weakness id: workstreams answer it as they answer weaknesses.
    let state = dated(&[
        ("2021-04-28", open()),
        ("2023-01-30", Command::AddInspection(inspection_2023(None))),
        (
            "2023-01-30",
            Command::RecordFinding(finding_of("AP1", FindingKind::PriorityAction, None)),
        ),
    ]);
    assert!(
        on(
            &state,
            "2023-01-30",
            &Command::CreateWorkstream(workstream("WS1", &["AP1"]))
        )
        .is_ok()
    );
    assert!(matches!(
        on(
            &state,
            "2023-01-30",
            &Command::RecordFinding(finding_of("AP1", FindingKind::Improvement, None))
        ),
        Err(Rejection::DuplicateId { .. })
    ));
}

#[test]
fn a_finding_is_not_dated_before_its_inspection_ended() {
    use wsoa_core::event::FindingKind;
    let state = dated(&[
        ("2021-04-28", open()),
        ("2023-01-27", Command::AddInspection(inspection_2023(None))),
    ]);
    let finding = Command::RecordFinding(finding_of("AP1", FindingKind::PriorityAction, None));
    assert!(on(&state, "2023-01-13", &finding).is_ok());
    let rejection = on(&state, "2023-01-12", &finding).expect_err("refused");
    assert!(
        rejection.to_string().starts_with(
            "12 January 2023 is before inspection I1, which found AP1, ended on 13 January 2023"
        ),
        "{rejection}"
    );
    // An inspection is recorded on or after its last day.
    let early = dated(&[("2021-04-28", open())]);
    let rejection = on(
        &early,
        "2023-01-12",
        &Command::AddInspection(inspection_2023(None)),
    )
    .expect_err("refused");
    assert!(
        rejection
            .to_string()
            .contains("is before inspection I1's last day on site, 13 January 2023"),
        "{rejection}"
    );
}

// ---------------------------------------------------------------------------------------------
// Milestones
// ---------------------------------------------------------------------------------------------

fn milestone_added(action: &str, id: &str, due: &str) -> Command {
    Command::AddMilestone(wsoa_core::event::MilestoneAdded {
        action: aid(action),
        id: id.parse().expect("id"),
        title: "Panel meets monthly".to_owned(),
        due: Deadline::parse(due).expect("a deadline"),
    })
}

fn met(action: &str, id: &str) -> Command {
    Command::MeetMilestone(wsoa_core::event::MilestoneMet {
        action: aid(action),
        id: id.parse().expect("id"),
        note: None,
    })
}

fn missed(action: &str, id: &str) -> Command {
    Command::MissMilestone(wsoa_core::event::MilestoneMissed {
        action: aid(action),
        id: id.parse().expect("id"),
        reason: "No quorum".to_owned(),
    })
}

#[test]
fn a_milestone_belongs_to_an_action_and_is_met_or_missed_once() {
    let state = dated(&story());
    // An action that exists, a due date as the deadline rules allow.
    assert!(
        on(
            &state,
            "2021-11-02",
            &milestone_added("1.1", "3m", "March 2022")
        )
        .is_ok()
    );
    let rejection = on(
        &state,
        "2021-11-02",
        &milestone_added("9.9", "3m", "March 2022"),
    )
    .expect_err("no such action");
    assert!(rejection.to_string().contains("9.9"), "{rejection}");
    let rejection = on(
        &state,
        "2021-11-02",
        &milestone_added("1.1", "3m", "June 2021"),
    )
    .expect_err("before the action was agreed");
    assert!(
        rejection
            .to_string()
            .contains("the deadline 30 June 2021 is before action 1.1 was agreed on 1 July 2021"),
        "{rejection}"
    );
    // Met or missed only once it exists; met once; not missed after it was met.
    let rejection = on(&state, "2021-11-02", &met("1.1", "3m")).expect_err("no milestone yet");
    assert!(
        rejection
            .to_string()
            .contains("action 1.1 has no milestone 3m; add milestone 3m to action 1.1 first"),
        "{rejection}"
    );
    let state = dated(&story_and(&[
        ("2021-11-02", milestone_added("1.1", "3m", "March 2022")),
        ("2021-11-02", milestone_added("1.1", "6m", "June 2022")),
    ]));
    assert!(matches!(
        on(
            &state,
            "2021-11-03",
            &milestone_added("1.1", "3m", "April 2022")
        ),
        Err(Rejection::DuplicateId {
            kind: "milestone",
            ..
        })
    ));
    let state = dated(&story_and(&[
        ("2021-11-02", milestone_added("1.1", "3m", "March 2022")),
        ("2021-11-02", milestone_added("1.1", "6m", "June 2022")),
        ("2022-03-20", met("1.1", "3m")),
        ("2022-07-01", missed("1.1", "6m")),
    ]));
    assert!(matches!(
        on(&state, "2022-03-21", &met("1.1", "3m")),
        Err(Rejection::NothingChanged(_))
    ));
    assert!(matches!(
        on(&state, "2022-03-21", &missed("1.1", "3m")),
        Err(Rejection::NothingChanged(_))
    ));
    assert!(matches!(
        on(&state, "2022-07-02", &missed("1.1", "6m")),
        Err(Rejection::NothingChanged(_))
    ));
    // A missed milestone may still be met, late.
    assert!(on(&state, "2022-08-01", &met("1.1", "6m")).is_ok());
    // Not dated before its action was created.
    let rejection = on(&state, "2021-06-01", &met("1.1", "6m")).expect_err("too early");
    assert!(
        rejection
            .to_string()
            .contains("is before action 1.1 was created on 1 July 2021"),
        "{rejection}"
    );
}

#[test]
fn the_families_voice_is_about_a_recorded_weakness_and_not_dated_before_it() {
    let voice = |about: &str, respondents: Option<u64>| {
        Command::RecordCoproduction(wsoa_core::event::CoproductionRecorded {
            about: wid(about),
            said: "Plans did not say what would change".to_owned(),
            did: "Outcomes written with families".to_owned(),
            difference: None,
            from: "Parent Carer Forum".to_owned(),
            respondents,
        })
    };
    let state = dated(&story());
    assert!(on(&state, "2021-11-02", &voice("W1", Some(212))).is_ok());
    assert!(on(&state, "2021-11-02", &voice("W9", None)).is_err());
    assert!(matches!(
        on(&state, "2021-11-02", &voice("W1", Some(0))),
        Err(Rejection::Inconsistent(_))
    ));
    let rejection = on(&state, "2021-05-01", &voice("W1", None)).expect_err("too early");
    assert!(
        rejection
            .to_string()
            .contains("weakness W1 was recorded on 10 May 2021"),
        "{rejection}"
    );
}
