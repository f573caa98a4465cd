//! Model-based property test: random sequences of valid and invalid commands (duplicate ids,
//! unknown references, changes that change nothing, dates in the future, blank text), batches,
//! evidence attachments and redactions, and reopenings, run against the real store and against
//! a plain in-memory model (a list of events and a `State` folded by hand with `decide`).

use std::io::Cursor;

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use wsoa_core::command::{AddNote, AttachEvidence, RaiseRisk};
use wsoa_core::decide::When;
use wsoa_core::event::{
    ActionAmended, ActionCreated, ActionStatusChanged, Assessment, CorrectionRecorded, Direction,
    EvidenceKind, EvidenceRedacted, InspectionRecorded, LedgerOpened, MeasureDefined,
    MeasureRecorded, MonitoringVisitRecorded, Outcome, Progress, ProgressReviewed, Rag, Rating,
    RevisitOutcomeRecorded, RevisitScheduled, RiskClosed, RiskLevel, RiskUpdated, Status,
    WeaknessRecorded, WorkstreamAmended, WorkstreamCreated,
};
use wsoa_core::plan::Plan;
use wsoa_core::point::Point;
use wsoa_core::timeline::{Entry, Filter, timeline};
use wsoa_core::{
    ActionId, Actor, Command, Date, Decimal, Digest, Event, EvidenceId, FORMAT_VERSION, MeasureId,
    Rejection, RiskId, Role, State, SubjectRef, WeaknessId, WorkstreamId, chain_hash, content_hash,
    decide, encode_event,
};
use wsoa_store::{Appended, Context, Ledger, StoreError};

use crate::fixture::{DAY_MS, all_events, noon, read_blob};

// Small pools of ids, so that duplicates and references to things that exist are common. "7"
// is both a weakness id and a risk id, so a bare "7" can be ambiguous.
const WEAKNESSES: &[&str] = &["W1", "W2", "7"];
const WORKSTREAMS: &[&str] = &["WS1", "WS2"];
const ACTIONS: &[&str] = &["1.1", "1.2", "2.1"];
const MEASURES: &[&str] = &["M1", "M2"];
const EVIDENCE: &[&str] = &["E1", "E2", "E7"];
const RISKS: &[&str] = &["R1", "7"];
const REFERENCES: &[&str] = &[
    "W1",
    "7",
    "WS1",
    "1.1",
    "M1",
    "E1",
    "R1",
    "weakness:7",
    "risk:7",
    "action:2.1",
    "evidence:E2",
    "workstream:WS9",
];
/// What evidence usually supports: things the groundwork tends to create.
const LIKELY_SUPPORTED: &[&str] = &["W1", "W2", "WS1", "WS2", "1.1", "action:2.1", "weakness:7"];
const DATES: &[&str] = &[
    "2019-03-11",
    "2019-03-15",
    "2019-05-02",
    "2019-09-30",
    "2020-03-31",
    "2021-07-15",
];
const DECIMALS: &[&str] = &["12", "63", "12.50", "-3", "0.05", "17480"];
const BAD_TEXT: &[&str] = &["", "   ", "ring\u{7}"];
const CONTENTS: &[&[u8]] = &[
    b"Minutes of the SEND Improvement Board",
    b"EHCP audit: 42 plans, 31 good or better",
    b"",
];
/// The caller's clock starts at noon on 15 July 2021.
const START: &str = "2021-07-15";

fn actors() -> Vec<Actor> {
    vec![
        Actor {
            name: "j.patel".to_owned(),
            role: Role::Officer,
        },
        Actor {
            name: "qa.officer".to_owned(),
            role: Role::Officer,
        },
        Actor {
            name: "admin".to_owned(),
            role: Role::Admin,
        },
    ]
}

/// Mostly good text from `good`, sometimes text the rules refuse.
fn text(good: &'static [&'static str]) -> BoxedStrategy<String> {
    prop_oneof![
        29 => select(good).prop_map(str::to_owned),
        1 => select(BAD_TEXT).prop_map(str::to_owned),
    ]
    .boxed()
}

fn texts(good: &'static [&'static str]) -> BoxedStrategy<Vec<String>> {
    vec(text(good), 0..3).boxed()
}

/// Mostly a list of one or more, sometimes an empty one (which some rules refuse).
fn list<T: std::fmt::Debug + Clone + 'static>(
    item: BoxedStrategy<T>,
    max: usize,
) -> BoxedStrategy<Vec<T>> {
    prop_oneof![12 => vec(item, 1..max), 1 => Just(Vec::new())].boxed()
}

fn date() -> BoxedStrategy<Date> {
    select(DATES)
        .prop_map(|text| text.parse().expect("a valid date"))
        .boxed()
}

fn decimal() -> BoxedStrategy<Decimal> {
    select(DECIMALS)
        .prop_map(|text| text.parse().expect("a valid decimal"))
        .boxed()
}

macro_rules! id_strategy {
    ($name:ident, $type:ty, $pool:expr) => {
        fn $name() -> BoxedStrategy<$type> {
            select($pool)
                .prop_map(|id| <$type>::new(id).expect("a valid id"))
                .boxed()
        }
    };
}

id_strategy!(weakness, WeaknessId, WEAKNESSES);
id_strategy!(workstream, WorkstreamId, WORKSTREAMS);
id_strategy!(action, ActionId, ACTIONS);
id_strategy!(measure, MeasureId, MEASURES);
id_strategy!(evidence, EvidenceId, EVIDENCE);
id_strategy!(risk, RiskId, RISKS);

fn subject_ref() -> BoxedStrategy<SubjectRef> {
    select(REFERENCES)
        .prop_map(|text| text.parse().expect("a valid reference"))
        .boxed()
}

fn supported() -> BoxedStrategy<Vec<SubjectRef>> {
    let likely = select(LIKELY_SUPPORTED)
        .prop_map(|text| text.parse().expect("a valid reference"))
        .boxed();
    prop_oneof![4 => list(likely, 3), 1 => list(subject_ref(), 3)].boxed()
}

fn status() -> BoxedStrategy<Status> {
    select(
        &[
            Status::NotStarted,
            Status::InProgress,
            Status::Complete,
            Status::Blocked,
            Status::Withdrawn,
        ][..],
    )
    .boxed()
}

fn open_ledger() -> BoxedStrategy<Command> {
    (
        text(&["Northshire local area", "Southshire local area"]),
        vec(
            select(&["Northshire County Council", "Northshire ICB"][..]),
            0..3,
        ),
    )
        .prop_map(|(area, partners)| {
            Command::OpenLedger(LedgerOpened {
                area,
                partners: partners.into_iter().map(str::to_owned).collect(),
            })
        })
        .boxed()
}

fn plan_and_inspection() -> BoxedStrategy<Command> {
    prop_oneof![
        (
            list(select(&["Ofsted", "CQC"][..]).boxed(), 3),
            date(),
            date(),
            date()
        )
            .prop_map(|(inspectorates, from, to, published)| {
                Command::RecordInspection(InspectionRecorded {
                    inspectorates: inspectorates.into_iter().map(str::to_owned).collect(),
                    from,
                    to,
                    published,
                })
            }),
        option::of(text(&["Version sent"])).prop_map(|summary| Command::SubmitPlan { summary }),
        option::of(text(&["Fit for purpose"])).prop_map(|summary| Command::AcceptPlan { summary }),
        text(&["More detail on timescales"]).prop_map(|summary| Command::RevisePlan { summary }),
        (date(), date())
            .prop_map(|(from, to)| Command::ScheduleRevisit(RevisitScheduled { from, to })),
        list(
            (
                weakness(),
                select(&[Progress::Sufficient, Progress::Insufficient][..])
            )
                .boxed(),
            3
        )
        .prop_map(|outcomes| {
            Command::RecordRevisitOutcome(RevisitOutcomeRecorded {
                outcomes: outcomes
                    .into_iter()
                    .map(|(weakness, progress)| Outcome { weakness, progress })
                    .collect(),
            })
        }),
    ]
    .boxed()
}

fn record_weakness() -> BoxedStrategy<Command> {
    (
        weakness(),
        text(&["Quality assurance", "Timeliness"]),
        option::of(text(&["No QA framework"])),
    )
        .prop_map(|(id, title, finding)| {
            Command::RecordWeakness(WeaknessRecorded { id, title, finding })
        })
        .boxed()
}

fn create_workstream() -> BoxedStrategy<Command> {
    (
        workstream(),
        text(&["Quality assurance"]),
        text(&["Director of Children's Services", "DCO"]),
        list(weakness(), 3),
    )
        .prop_map(|(id, title, sponsor, weaknesses)| {
            Command::CreateWorkstream(WorkstreamCreated {
                id,
                title,
                sponsor,
                weaknesses,
            })
        })
        .boxed()
}

fn amend_workstream() -> BoxedStrategy<Command> {
    (
        workstream(),
        option::of(text(&["Quality"])),
        option::of(text(&["DCO"])),
        option::of(list(weakness(), 3)),
        text(&["Board decision"]),
    )
        .prop_map(|(id, title, sponsor, weaknesses, reason)| {
            Command::AmendWorkstream(WorkstreamAmended {
                id,
                title,
                sponsor,
                weaknesses,
                reason,
            })
        })
        .boxed()
}

fn create_action() -> BoxedStrategy<Command> {
    (
        action(),
        workstream(),
        text(&["Appoint a QA officer"]),
        text(&["Head of SEND"]),
        date(),
        texts(&["A QA officer in post"]),
    )
        .prop_map(|(id, workstream, title, owner, due, success)| {
            Command::CreateAction(ActionCreated {
                id,
                workstream,
                title,
                owner,
                due,
                success,
            })
        })
        .boxed()
}

fn amend_action() -> BoxedStrategy<Command> {
    (
        action(),
        option::of(text(&["Appoint two QA officers"])),
        option::of(text(&["Head of SEND", "EHC Hub Manager"])),
        option::of(date()),
        text(&["COVID-19"]),
    )
        .prop_map(|(id, title, owner, due, reason)| {
            Command::AmendAction(ActionAmended {
                id,
                title,
                owner,
                due,
                reason,
            })
        })
        .boxed()
}

fn change_status() -> BoxedStrategy<Command> {
    (
        action(),
        status(),
        option::of(select(&[Rag::Red, Rag::Amber, Rag::Green][..])),
        option::of(text(&["Interviews held"])),
    )
        .prop_map(|(id, status, rag, note)| {
            Command::ChangeActionStatus(ActionStatusChanged {
                id,
                status,
                rag,
                note,
            })
        })
        .boxed()
}

fn define_measure() -> BoxedStrategy<Command> {
    (
        (measure(), text(&["EHC plans within 20 weeks"])),
        (decimal(), date(), decimal(), date()),
        select(&[Direction::HigherIsBetter, Direction::LowerIsBetter][..]),
        list(weakness(), 3),
    )
        .prop_map(
            |((id, title), (baseline, baseline_on, target, target_by), better, weaknesses)| {
                Command::DefineMeasure(MeasureDefined {
                    id,
                    title,
                    unit: "%".to_owned(),
                    baseline,
                    baseline_on,
                    target,
                    target_by,
                    better,
                    weaknesses,
                })
            },
        )
        .boxed()
}

fn record_measure() -> BoxedStrategy<Command> {
    (measure(), decimal(), option::of(text(&["EHC hub report"])))
        .prop_map(|(id, value, source)| {
            Command::RecordMeasure(MeasureRecorded { id, value, source })
        })
        .boxed()
}

fn plan_items() -> BoxedStrategy<Command> {
    prop_oneof![
        3 => record_weakness(),
        3 => create_workstream(),
        1 => amend_workstream(),
        3 => create_action(),
        2 => amend_action(),
        5 => change_status(),
        2 => define_measure(),
        2 => record_measure(),
    ]
    .boxed()
}

fn feedback() -> BoxedStrategy<Command> {
    prop_oneof![
        (
            text(&["DfE and NHS England advisers"]),
            option::of(text(&["Good progress"])),
            texts(&["Co-production"]),
            texts(&["Timeliness"]),
            texts(&["Show impact"])
        )
            .prop_map(|(by, summary, strengths, concerns, next_steps)| {
                Command::RecordVisit(
                    MonitoringVisitRecorded {
                        by,
                        summary,
                        strengths,
                        concerns,
                        next_steps,
                    }
                    .into(),
                )
            }),
        (
            text(&["SEND Improvement Board"]),
            list(
                (
                    workstream(),
                    select(&[Rating::OnTrack, Rating::AtRisk, Rating::OffTrack][..]),
                    option::of(text(&["Backlog"]))
                )
                    .boxed(),
                3
            )
        )
            .prop_map(|(forum, assessments)| {
                Command::ReviewProgress(ProgressReviewed {
                    forum,
                    assessments: assessments
                        .into_iter()
                        .map(|(workstream, rating, note)| Assessment {
                            workstream,
                            rating,
                            note,
                        })
                        .collect(),
                })
            }),
        (
            risk(),
            text(&["Recruitment"]),
            select(&[RiskLevel::Low, RiskLevel::Medium, RiskLevel::High][..]),
            vec(subject_ref(), 0..3),
            option::of(text(&["Agency staff"]))
        )
            .prop_map(|(id, title, level, about, mitigation)| {
                Command::RaiseRisk(RaiseRisk {
                    id,
                    title,
                    level,
                    about,
                    mitigation,
                })
            }),
        (
            risk(),
            option::of(select(&[RiskLevel::Low, RiskLevel::High][..])),
            option::of(text(&["Agency staff"])),
            option::of(text(&["Two posts filled"]))
        )
            .prop_map(
                |(id, level, mitigation, note)| Command::UpdateRisk(RiskUpdated {
                    id,
                    level,
                    mitigation,
                    note
                })
            ),
        (risk(), text(&["Posts filled"]))
            .prop_map(|(id, reason)| Command::CloseRisk(RiskClosed { id, reason })),
        (
            subject_ref(),
            text(&["Parents are not told when an assessment is late"]),
            option::of(text(&["Parent Carer Forum"]))
        )
            .prop_map(|(about, text, from)| Command::AddNote(AddNote {
                about,
                text,
                from
            })),
        (0u64..30, text(&["The date was wrong"])).prop_map(|(seq, reason)| {
            Command::RecordCorrection(CorrectionRecorded { seq, reason })
        }),
    ]
    .boxed()
}

fn command() -> BoxedStrategy<Command> {
    prop_oneof![
        1 => open_ledger(),
        2 => plan_and_inspection(),
        6 => plan_items(),
        3 => feedback(),
    ]
    .boxed()
}

/// How the caller's clock moves before a command, which business date it gives, and who
/// records it.
#[derive(Clone, Debug)]
struct Stamp {
    /// Hours the clock moves (it sometimes steps back).
    clock_hours: i64,
    /// Days from the clock's date to the business date (1 is tomorrow: refused).
    occurred_days: i64,
    actor: usize,
}

fn stamp() -> BoxedStrategy<Stamp> {
    (
        prop_oneof![4 => 0i64..72, 1 => -48i64..0],
        prop_oneof![19 => -400i64..=0, 1 => Just(1i64)],
        0usize..3,
    )
        .prop_map(|(clock_hours, occurred_days, actor)| Stamp {
            clock_hours,
            occurred_days,
            actor,
        })
        .boxed()
}

#[derive(Clone, Debug)]
enum Step {
    Execute(Command, Stamp),
    Each(Vec<(Command, Stamp)>),
    All(Vec<(Command, Stamp)>),
    Attach {
        id: Option<EvidenceId>,
        content: usize,
        supports: Vec<SubjectRef>,
        title: String,
        stamp: Stamp,
    },
    Redact(EvidenceRedacted, Stamp),
    /// Executes the last accepted command again: a duplicate id, a change that changes nothing,
    /// or (for a note) simply another event.
    Repeat(Stamp),
    Reopen,
}

fn attach() -> BoxedStrategy<Step> {
    (
        option::of(evidence()),
        0..CONTENTS.len(),
        supported(),
        text(&["Board minutes"]),
        stamp(),
    )
        .prop_map(|(id, content, supports, title, stamp)| Step::Attach {
            id,
            content,
            supports,
            title,
            stamp,
        })
        .boxed()
}

fn redact() -> BoxedStrategy<Step> {
    (evidence(), text(&["Names a child"]), stamp())
        .prop_map(|(id, reason, stamp)| Step::Redact(EvidenceRedacted { id, reason }, stamp))
        .boxed()
}

fn step() -> BoxedStrategy<Step> {
    prop_oneof![
        12 => (command(), stamp()).prop_map(|(command, stamp)| Step::Execute(command, stamp)),
        2 => vec((command(), stamp()), 1..4).prop_map(Step::Each),
        2 => vec((command(), stamp()), 1..4).prop_map(Step::All),
        4 => attach(),
        3 => redact(),
        3 => stamp().prop_map(Step::Repeat),
        1 => Just(Step::Reopen),
    ]
    .boxed()
}

/// Groundwork that gives later random commands something to refer to: some weaknesses, then
/// workstreams answering them, then actions in those workstreams, each valid when it is given.
fn groundwork() -> BoxedStrategy<Vec<Command>> {
    (
        subsequence(WEAKNESSES, 2..=WEAKNESSES.len()),
        subsequence(WORKSTREAMS, 1..=WORKSTREAMS.len()),
        subsequence(ACTIONS, 1..=ACTIONS.len()),
    )
        .prop_map(|(weaknesses, workstreams, actions)| {
            let mut commands = Vec::new();
            for id in &weaknesses {
                commands.push(Command::RecordWeakness(WeaknessRecorded {
                    id: WeaknessId::new(*id).expect("a valid id"),
                    title: "Quality assurance".to_owned(),
                    finding: None,
                }));
            }
            for (index, id) in workstreams.iter().enumerate() {
                commands.push(Command::CreateWorkstream(WorkstreamCreated {
                    id: WorkstreamId::new(*id).expect("a valid id"),
                    title: "Quality assurance".to_owned(),
                    sponsor: "Director of Children's Services".to_owned(),
                    weaknesses: vec![
                        WeaknessId::new(weaknesses[index % weaknesses.len()]).expect("a valid id"),
                    ],
                }));
            }
            for (index, id) in actions.iter().enumerate() {
                let workstream = workstreams[index % workstreams.len()];
                commands.push(Command::CreateAction(ActionCreated {
                    id: ActionId::new(*id).expect("a valid id"),
                    workstream: WorkstreamId::new(workstream).expect("a valid id"),
                    title: "Appoint a QA officer".to_owned(),
                    owner: "Head of SEND".to_owned(),
                    due: "2020-03-31".parse().expect("a valid date"),
                    success: vec![],
                }));
            }
            commands
        })
        .boxed()
}

/// A valid opening (usually), some groundwork, then random steps: at most 41 in all.
fn steps() -> BoxedStrategy<Vec<Step>> {
    (
        prop::bool::weighted(0.95),
        stamp(),
        groundwork(),
        stamp(),
        vec(step(), 0..32),
    )
        .prop_map(|(open, stamp, groundwork, groundwork_stamp, random)| {
            let mut steps = Vec::new();
            if open {
                let command = Command::OpenLedger(LedgerOpened {
                    area: "Northshire local area".to_owned(),
                    partners: vec!["Northshire County Council".to_owned()],
                });
                steps.push(Step::Execute(command, stamp));
            }
            steps.extend(groundwork.into_iter().map(|command| {
                let stamp = Stamp {
                    occurred_days: groundwork_stamp.occurred_days.min(0),
                    ..groundwork_stamp.clone()
                };
                Step::Execute(command, stamp)
            }));
            steps.extend(random);
            steps
        })
        .boxed()
}

/// The model: every accepted event with its chain hash, the rule state folded by hand, and the
/// caller's clock.
struct Model {
    events: Vec<(Event, Digest)>,
    state: State,
    /// The last command accepted by `Step::Execute`.
    last: Option<Command>,
    clock: i64,
    actors: Vec<Actor>,
}

impl Model {
    fn new() -> Model {
        Model {
            events: Vec::new(),
            state: State::default(),
            last: None,
            clock: noon(START),
            actors: actors(),
        }
    }

    fn len(&self) -> u64 {
        self.events.len() as u64
    }

    fn head_hash(&self) -> Digest {
        self.events.last().map_or(Digest::ZERO, |(_, hash)| *hash)
    }

    /// Moves the clock and returns the context the caller passes.
    fn context(&mut self, stamp: &Stamp) -> Context {
        self.clock += stamp.clock_hours * 3_600_000;
        let today = self.clock.div_euclid(DAY_MS);
        Context {
            actor: self.actors[stamp.actor].clone(),
            occurred_on: Date::from_days_since_epoch(today + stamp.occurred_days)
                .expect("a date in range"),
            recorded_at: self.clock,
        }
    }

    /// Decides a command against `state` and, if accepted, builds the event after `events`
    /// the way the specification says: the next seq, the previous hash, and a `recorded_at`
    /// that never goes backwards.
    fn decide(
        state: &State,
        events: &[(Event, Digest)],
        command: &Command,
        context: &Context,
    ) -> Result<(Event, Digest), Rejection> {
        // Today is the day of the time the event will carry: the caller's clock, clamped so
        // that it never goes behind the last event's.
        let last = events.last();
        let recorded_at = last.map_or(context.recorded_at, |(event, _)| {
            context.recorded_at.max(event.recorded_at)
        });
        let when = When {
            occurred_on: context.occurred_on,
            today: Date::uk_from_unix_millis(recorded_at).expect("a clock in range"),
        };
        let body = decide(state, command, when)?;
        let event = Event {
            format: FORMAT_VERSION,
            seq: events.len() as u64,
            prev: last.map_or(Digest::ZERO, |(_, hash)| *hash),
            recorded_at: context
                .recorded_at
                .max(last.map_or(0, |(event, _)| event.recorded_at)),
            occurred_on: context.occurred_on,
            actor: context.actor.clone(),
            body,
        };
        let hash = chain_hash(&encode_event(&event));
        Ok((event, hash))
    }

    fn execute(&mut self, command: &Command, context: &Context) -> Result<Appended, Rejection> {
        let (event, hash) = Model::decide(&self.state, &self.events, command, context)?;
        self.state.apply(&event);
        self.events.push((event.clone(), hash));
        Ok(Appended { event, hash })
    }

    /// Whether content should be stored: some piece of evidence with it is not redacted.
    fn needs(&self, hash: &Digest) -> bool {
        self.state
            .evidence
            .values()
            .any(|evidence| evidence.content_hash == *hash && !evidence.redacted)
    }
}

fn same_appended(store: &Appended, model: &Appended) -> Result<(), TestCaseError> {
    prop_assert_eq!(&store.event, &model.event);
    prop_assert_eq!(store.hash, model.hash);
    Ok(())
}

fn rejected(result: Result<Appended, StoreError>) -> Result<Rejection, TestCaseError> {
    match result {
        Err(StoreError::Rejected(rejection)) => Ok(rejection),
        Err(other) => Err(TestCaseError::fail(format!("a storage error: {other}"))),
        Ok(appended) => Err(TestCaseError::fail(format!(
            "the store accepted what the model refused: {:?}",
            appended.event
        ))),
    }
}

/// Runs one step against both; returns whether the store appended anything.
fn run_step(
    ledger: &mut Option<Ledger>,
    dir: &std::path::Path,
    model: &mut Model,
    step: &Step,
) -> Result<bool, TestCaseError> {
    let store = ledger.as_mut().expect("the ledger is open");
    let before = model.len();
    match step {
        Step::Execute(command, stamp) => {
            let context = model.context(stamp);
            let result = store.execute(command, &context);
            match model.execute(command, &context) {
                Ok(expected) => {
                    same_appended(&result.map_err(fail)?, &expected)?;
                    model.last = Some(command.clone());
                }
                Err(expected) => prop_assert_eq!(rejected(result)?, expected),
            }
        }
        Step::Repeat(stamp) => {
            if let Some(command) = model.last.clone() {
                let context = model.context(stamp);
                let result = store.execute(&command, &context);
                match model.execute(&command, &context) {
                    Ok(expected) => same_appended(&result.map_err(fail)?, &expected)?,
                    Err(expected) => prop_assert_eq!(rejected(result)?, expected),
                }
            }
        }
        Step::Each(items) => {
            let items: Vec<(Command, Context)> = items
                .iter()
                .map(|(command, stamp)| (command.clone(), model.context(stamp)))
                .collect();
            let results = store.execute_each(items.clone()).map_err(fail)?;
            prop_assert_eq!(results.len(), items.len());
            for ((command, context), result) in items.iter().zip(results) {
                match (model.execute(command, context), result) {
                    (Ok(expected), Ok(got)) => same_appended(&got, &expected)?,
                    (Err(expected), Err(got)) => prop_assert_eq!(got, expected),
                    (expected, got) => {
                        return Err(TestCaseError::fail(format!(
                            "model {expected:?}, store {got:?}"
                        )));
                    }
                }
            }
        }
        Step::All(items) => {
            let items: Vec<(Command, Context)> = items
                .iter()
                .map(|(command, stamp)| (command.clone(), model.context(stamp)))
                .collect();
            let result = store.execute_all(items.clone());
            // The model decides the whole batch on a copy and keeps it only if all pass.
            let mut state = model.state.clone();
            let mut events = model.events.clone();
            let mut first_rejection = None;
            for (index, (command, context)) in items.iter().enumerate() {
                match Model::decide(&state, &events, command, context) {
                    Ok((event, hash)) => {
                        state.apply(&event);
                        events.push((event, hash));
                    }
                    Err(rejection) => {
                        first_rejection = Some((index, rejection));
                        break;
                    }
                }
            }
            match (first_rejection, result) {
                (None, Ok(appended)) => {
                    let expected = &events[model.events.len()..];
                    prop_assert_eq!(appended.len(), expected.len());
                    for (got, (event, hash)) in appended.iter().zip(expected) {
                        prop_assert_eq!(&got.event, event);
                        prop_assert_eq!(got.hash, *hash);
                    }
                    model.state = state;
                    model.events = events;
                }
                (Some((index, expected)), Err((got_index, StoreError::Rejected(got)))) => {
                    prop_assert_eq!(got_index, index);
                    prop_assert_eq!(got, expected);
                }
                (expected, Err((index, got))) => {
                    return Err(TestCaseError::fail(format!(
                        "model {expected:?}, store error at {index}: {got}"
                    )));
                }
                (expected, Ok(got)) => {
                    return Err(TestCaseError::fail(format!(
                        "model {expected:?}, store appended {} events",
                        got.len()
                    )));
                }
            }
        }
        Step::Attach {
            id,
            content,
            supports,
            title,
            stamp,
        } => {
            let context = model.context(stamp);
            let bytes = CONTENTS[*content];
            let command = AttachEvidence {
                id: id.clone(),
                content_hash: content_hash(bytes),
                file_name: "evidence.pdf".to_owned(),
                media_type: "application/pdf".to_owned(),
                size: bytes.len() as u64,
                title: title.clone(),
                kind: EvidenceKind::Document,
                supports: supports.clone(),
            };
            // The store computes the hash and size itself from the content.
            let for_store = AttachEvidence {
                content_hash: Digest([0xee; 32]),
                size: 0,
                ..command.clone()
            };
            let result = store.attach_evidence(Cursor::new(bytes), for_store, &context);
            match model.execute(&Command::AttachEvidence(command), &context) {
                Ok(expected) => same_appended(&result.map_err(fail)?, &expected)?,
                Err(expected) => prop_assert_eq!(rejected(result)?, expected),
            }
        }
        Step::Redact(redaction, stamp) => {
            let context = model.context(stamp);
            let result = store.redact_evidence(redaction.clone(), &context);
            match model.execute(&Command::RedactEvidence(redaction.clone()), &context) {
                Ok(expected) => same_appended(&result.map_err(fail)?, &expected)?,
                Err(expected) => prop_assert_eq!(rejected(result)?, expected),
            }
        }
        Step::Reopen => {
            drop(ledger.take());
            *ledger = Some(Ledger::open(dir).map_err(fail)?);
        }
    }
    Ok(model.len() != before)
}

fn fail(err: StoreError) -> TestCaseError {
    TestCaseError::fail(format!("a storage error: {err}"))
}

/// Everything the store holds must be what the model says, after every step.
fn check(ledger: &mut Ledger, model: &Model) -> Result<(), TestCaseError> {
    let report = ledger
        .verify()
        .map_err(|err| TestCaseError::fail(format!("verification failed: {err}")))?;
    prop_assert_eq!(report.events, model.len());
    prop_assert_eq!(report.head, model.head_hash());
    let redacted = model.state.evidence.values().filter(|e| e.redacted).count() as u64;
    prop_assert_eq!(report.evidence_redacted, redacted);
    prop_assert_eq!(
        report.evidence_checked,
        model.state.evidence.len() as u64 - redacted
    );

    let head = ledger.head().map_err(fail)?;
    prop_assert_eq!(head.len, model.len());
    prop_assert_eq!(head.hash, model.head_hash());
    prop_assert_eq!(
        head.recorded_at,
        model
            .events
            .last()
            .map_or(0, |(event, _)| event.recorded_at)
    );

    let stored = all_events(ledger);
    prop_assert_eq!(stored.len(), model.events.len());
    let mut prev = Digest::ZERO;
    for (stored, (event, hash)) in stored.iter().zip(&model.events) {
        prop_assert_eq!(&stored.event, event);
        prop_assert_eq!(stored.hash, *hash);
        prop_assert_eq!(&stored.bytes, &encode_event(event));
        prop_assert_eq!(stored.event.prev, prev);
        prev = stored.hash;
    }

    for content in CONTENTS {
        let hash = content_hash(content);
        let needed = model.needs(&hash);
        prop_assert_eq!(ledger.has_blob(&hash).map_err(fail)?, needed);
        if needed {
            prop_assert_eq!(read_blob(ledger, &hash).map_err(fail)?, content.to_vec());
        }
    }

    // The rules the store checks against are the model's, including after rejected batches.
    let state = ledger.state().map_err(fail)?;
    prop_assert_eq!(state, &model.state);
    Ok(())
}

fn run(steps: &[Step]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().map_err(|err| TestCaseError::fail(err.to_string()))?;
    let mut ledger = Some(Ledger::create(dir.path()).map_err(fail)?);
    let mut model = Model::new();
    for step in steps {
        let head = ledger.as_ref().expect("open").head().map_err(fail)?;
        let appended = run_step(&mut ledger, dir.path(), &mut model, step)?;
        let store = ledger.as_mut().expect("open");
        if !appended {
            prop_assert_eq!(
                store.head().map_err(fail)?,
                head,
                "nothing appended: {:?}",
                step
            );
        }
        check(store, &model)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        max_shrink_iters: 200,
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_store_behaves_like_the_model(steps in steps()) {
        run(&steps)?;
    }
}

/// Every prefix point worth asking of `events`: each seq, and each day an event was recorded
/// on (and the day before the first).
fn prefix_points(events: &[Event]) -> Vec<Point> {
    let mut points: Vec<Point> = events.iter().map(|event| Point::Seq(event.seq)).collect();
    let mut days: Vec<Date> = events
        .iter()
        .filter_map(|event| Date::uk_from_unix_millis(event.recorded_at))
        .collect();
    days.dedup();
    if let Some(first) = days
        .first()
        .and_then(|day| Date::from_days_since_epoch(day.days_since_epoch() - 1))
    {
        points.push(Point::Known(first));
    }
    points.extend(days.into_iter().map(Point::Known));
    points
}

/// The plan as it stands at `point` folded from event 0, as every read did before snapshots
/// were kept.
fn folded_at(events: &[Event], point: Point) -> Plan {
    Plan::current_from_events(point.select(events))
}

/// The plan with its whole history at `point`, folded from event 0.
fn whole_at(events: &[Event], point: Point) -> Plan {
    Plan::from_events(point.select(events))
}

/// After random steps with a plan snapshot kept every few events: the plan at every prefix
/// point, now, "as of" each business date and between any two points is the fold from event 0,
/// whether the snapshots were written by appends, are missing, or were checked and rebuilt.
fn run_projections(steps: &[Step], every: u64) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().map_err(|err| TestCaseError::fail(err.to_string()))?;
    let mut ledger = Some(Ledger::create(dir.path()).map_err(fail)?);
    let mut model = Model::new();
    for step in steps {
        // Reopening gives a handle with the usual spacing: set it again before every step.
        ledger.as_mut().expect("open").set_snapshot_every(every);
        run_step(&mut ledger, dir.path(), &mut model, step)?;
    }
    let store = ledger.as_mut().expect("open");
    store.set_snapshot_every(every);
    let events: Vec<Event> = model
        .events
        .iter()
        .map(|(event, _)| event.clone())
        .collect();
    let len = events.len() as u64;
    let seqs = store.snapshot_seqs().map_err(fail)?;
    let spacing = store.snapshot_spacing().map_err(fail)?;
    prop_assert!(spacing >= every && len / spacing <= wsoa_store::MAX_SNAPSHOTS);
    prop_assert_eq!(
        seqs.len() as u64,
        len / spacing,
        "a snapshot per {} events: {:?}",
        spacing,
        seqs
    );

    let mut points = prefix_points(&events);
    points.push(Point::Now);
    let mut days: Vec<Date> = events.iter().map(|event| event.occurred_on).collect();
    days.sort();
    days.dedup();
    points.extend(days.into_iter().map(Point::AsOf));
    for round in 0..2 {
        for point in &points {
            let (plan, last) = store.plan_at(*point).map_err(fail)?;
            let expected = folded_at(&events, *point);
            prop_assert_eq!(&plan, &expected, "the plan at {} (round {})", point, round);
            if !matches!(point, Point::AsOf(_)) {
                let last_expected = point.select(&events).last().map(|event| event.recorded_at);
                prop_assert_eq!(last, last_expected, "the last recorded_at at {}", point);
            }
        }
        for (i, from) in points.iter().enumerate().step_by(3) {
            for to in points.iter().skip(i).step_by(4) {
                let expected_before = whole_at(&events, *from);
                let expected_after = whole_at(&events, *to);
                match store.plans_between(*from, *to) {
                    Ok(between) => {
                        let before_seqs: Vec<u64> =
                            from.select(&events).iter().map(|event| event.seq).collect();
                        let expected_events: Vec<&Event> = to
                            .select(&events)
                            .into_iter()
                            .filter(|event| !before_seqs.contains(&event.seq))
                            .collect();
                        let expected_between: Vec<u64> =
                            expected_events.iter().map(|event| event.seq).collect();
                        let got: Vec<u64> = between.events.iter().map(|event| event.seq).collect();
                        prop_assert_eq!(got, expected_between, "between {} and {}", from, to);
                        // The plans may keep less history than whole folds; what they say
                        // about the two moments and the changes between is the same.
                        prop_assert_eq!(
                            &between.before,
                            &folded_at(&events, *from),
                            "before, {} to {}",
                            from,
                            to
                        );
                        let mut expected = wsoa_core::diff::diff(
                            &expected_before,
                            &expected_after,
                            &expected_events,
                        );
                        expected.from = wsoa_core::diff::Moment::new(from, &expected_before);
                        expected.to = wsoa_core::diff::Moment::new(to, &expected_after);
                        prop_assert_eq!(
                            between.changes(from, to),
                            expected,
                            "the changes from {} to {}",
                            from,
                            to
                        );
                    }
                    Err(err) => {
                        // Only a later point given first is refused.
                        prop_assert!(
                            expected_before.last_seq > expected_after.last_seq,
                            "{} to {} refused: {}",
                            from,
                            to,
                            err
                        );
                    }
                }
            }
        }
        check_timelines(store, &events, &points)?;
        // Second round: the snapshots and the subject index thrown away, as after a crash
        // before they were written; reads fold from event 0 and write them again.
        wsoa_store::raw::clear_plan_snapshots(store).map_err(fail)?;
        wsoa_store::raw::clear_subject_index(store).map_err(fail)?;
        wsoa_store::raw::clear_late_index(store).map_err(fail)?;
    }
    let check = store.check_projections().map_err(fail)?;
    prop_assert!(check.removed.is_empty(), "{:?}", check);
    let again = store.check_projections().map_err(fail)?;
    prop_assert!(again.is_clean(), "{:?}", again);
    prop_assert_eq!(again.matched, len / spacing);
    Ok(())
}

/// `timeline --about` through the subject index gives exactly the entries of the whole
/// timeline that the filter keeps, for every reference and point (every second one).
fn check_timelines(
    store: &Ledger,
    events: &[Event],
    points: &[Point],
) -> Result<(), TestCaseError> {
    let hashes: Vec<Digest> = all_events(store).iter().map(|stored| stored.hash).collect();
    for point in points.iter().step_by(2) {
        let plan = folded_at(events, *point);
        for reference in REFERENCES {
            let filter = Filter {
                about: Some(reference.parse().expect("a valid reference")),
                ..Filter::default()
            };
            let Ok(matcher) = filter.compile(&plan) else {
                continue;
            };
            let selected = point.select(events);
            let expected: Vec<Entry> = timeline(
                selected
                    .iter()
                    .map(|event| (*event, hashes[event.seq as usize])),
            )
            .filter(|entry| matcher.matches(entry))
            .collect();
            let mut got = Vec::new();
            store
                .for_each_entry(*point, &matcher, |entry| {
                    got.push(entry);
                    Ok::<(), StoreError>(())
                })
                .map_err(fail)?;
            prop_assert_eq!(got, expected, "timeline --about {} at {}", reference, point);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        max_shrink_iters: 200,
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_plan_from_kept_snapshots_is_the_fold_from_event_0(
        steps in steps(),
        every in 1u64..6,
    ) {
        run_projections(&steps, every)?;
    }
}
