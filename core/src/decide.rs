//! The rules. `decide(state, command, when)` holds every business rule and either returns the
//! event body that records the command or a `Rejection` that says what was wrong and how to fix
//! it. `State::apply` only applies events that were already decided; it never refuses.

use std::collections::{BTreeMap, BTreeSet};

mod dates;

use crate::command::{
    AddFinding, AddInspection, AddWorkstream, AmendMeasure, AttachEvidence, Command, RaiseRisk,
    StepPlan, TrajectoryInput,
};
use crate::date::Date;
use crate::deadline::{Deadline, MAX_WORDS_LEN};
use crate::event::{
    ActionAmended, ActionAmendedWithDeadline, ActionCreated, ActionStatusChanged,
    CorrectionRecorded, Event, EventBody, EvidenceAttached, EvidenceRedacted, FindingRecorded,
    Framework, InspectionAdded, InspectionKind, InspectionRecorded, LedgerOpened, MeasureDefined,
    MeasureRecorded, MonitoringReviewed, MonitoringVisitFeedback, NoteAdded, PlanAccepted,
    PlanKind, PlanRevised, PlanStarted, PlanStep, PlanStepRecorded, PlanSubmitted,
    ProgressReviewed, Rag, RevisitOutcomeRecorded, RevisitScheduled, RiskClosed, RiskLevel,
    RiskRaised, RiskUpdated, Status, WeaknessRecorded, WorkstreamAmended, WorkstreamCreated,
};
use crate::event::{
    Direction, MeasureAmended, MeasureDefinedWithTrajectory, PackSent, Period, TrajectoryPoint,
    VisitPoint,
};
use crate::ids::{
    ActionId, Digest, EvidenceId, InspectionId, MeasureId, MilestoneId, PlanId, RiskId, Subject,
    SubjectKind, SubjectRef, WeaknessId, WorkstreamId,
};

/// The longest free text accepted in one field, in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;

/// The most items accepted in any one list of a command (partners, inspectorates, success
/// criteria, strengths, concerns, next steps, assessments, what evidence supports, ...).
pub const MAX_LIST_ITEMS: usize = 100;

/// Why a command was refused. Nothing is recorded when a command is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// Any command but `OpenLedger` on an empty ledger.
    #[error("the ledger has not been opened yet: open it for its local area first")]
    NotOpened,
    /// `OpenLedger` on a ledger that has events.
    #[error("the ledger is already open for {area}; each ledger holds one local area's statement")]
    AlreadyOpened {
        /// The area it was opened for.
        area: String,
    },
    /// An id that is already taken by something of the same kind.
    #[error("{kind} {id} already exists (recorded in event {seq}); choose another id")]
    DuplicateId {
        /// What kind of thing.
        kind: &'static str,
        /// The id.
        id: String,
        /// The event that recorded the existing one.
        seq: u64,
    },
    /// An id that names nothing of that kind.
    #[error("there is no {kind} {id}; {known}")]
    UnknownId {
        /// What kind of thing.
        kind: &'static str,
        /// The id.
        id: String,
        /// The ids that do exist, as a sentence.
        known: String,
    },
    /// An id without a kind that names more than one thing.
    #[error("'{id}' is the id of more than one thing ({kinds}); write it as {example}")]
    AmbiguousReference {
        /// The id.
        id: String,
        /// The kinds that have it.
        kinds: String,
        /// How to write it with a kind.
        example: String,
    },
    /// A required piece of text that is empty or only spaces.
    #[error("{field} must not be empty")]
    Blank {
        /// Which field.
        field: &'static str,
    },
    /// Text longer than `MAX_TEXT_CHARS`.
    #[error(
        "{field} is longer than {MAX_TEXT_CHARS} characters; shorten it or attach it as evidence"
    )]
    TooLong {
        /// Which field.
        field: &'static str,
    },
    /// Text with a control character, a bidirectional control, a zero-width or other invisible
    /// formatting character, or a tab or line break in a single-line field.
    #[error(
        "{field} contains {} at character {at}; {}",
        crate::text::describe(*character),
        crate::text::advice(*character)
    )]
    ControlCharacter {
        /// Which field.
        field: &'static str,
        /// The character.
        character: char,
        /// Where it is, counted in characters from 1.
        at: usize,
    },
    /// A list that must name at least one thing is empty.
    #[error("{what}: give at least one")]
    EmptyList {
        /// What the list is.
        what: &'static str,
    },
    /// A list with more than `MAX_LIST_ITEMS` items.
    #[error(
        "{what}: {count} given, but at most {MAX_LIST_ITEMS} are accepted in one change; record fewer (a longer list belongs in an attached document)"
    )]
    TooMany {
        /// What the list is.
        what: &'static str,
        /// How many were given.
        count: usize,
    },
    /// Evidence whose file has no content.
    #[error("{file_name} is empty (0 bytes); attach the file that holds the evidence")]
    EmptyFile {
        /// The file's name.
        file_name: String,
    },
    /// The same thing named twice in one list.
    #[error("{kind} {id} is named twice; name it once")]
    Repeated {
        /// What kind of thing.
        kind: &'static str,
        /// The id.
        id: String,
    },
    /// A command that would record no change.
    #[error("{0}")]
    NothingChanged(String),
    /// A completed or withdrawn action reopened without saying why.
    #[error("action {id} is {status}; moving it out of {status} needs a note saying why")]
    ReopenNeedsNote {
        /// The action.
        id: String,
        /// Its current status.
        status: String,
    },
    /// Two dates in the wrong order.
    #[error("{0}")]
    DateOrder(String),
    /// A business date after the day it is recorded.
    #[error(
        "{} is in the future (today is {}); record things on or after the day they happen", date.long(), today.long()
    )]
    InFuture {
        /// The date given.
        date: Date,
        /// Today.
        today: Date,
    },
    /// A command that does not fit where the statement or a thing stands now.
    #[error("{0}")]
    WrongStage(String),
    /// A correction that points past the end of the ledger.
    #[error("there is no event {seq}: {}", describe_len(*len))]
    UnknownEvent {
        /// The sequence number given.
        seq: u64,
        /// How many events there are.
        len: u64,
    },
    /// Numbers that contradict each other.
    #[error("{0}")]
    Inconsistent(String),
    /// An event whose canonical bytes would exceed the size every reader accepts.
    #[error(
        "the change is too large to record: its event would be {bytes} bytes, more than the {} allowed; shorten the text, or attach long documents as evidence",
        crate::encoding::MAX_EVENT_BYTES
    )]
    EventTooLarge {
        /// How large the event would be.
        bytes: usize,
    },
}

/// Every code a refusal can carry ([`Rejection::code`]), with what it means: stable, so that a
/// program using the API can act on a refusal without reading its words.
pub const REJECTION_CODES: [(&str, &str); 20] = [
    ("not_opened", "the ledger has not been opened yet"),
    ("already_opened", "the ledger is already open for an area"),
    (
        "duplicate_id",
        "an id already taken by something of the same kind",
    ),
    ("unknown_id", "an id that names nothing of that kind"),
    (
        "ambiguous_reference",
        "an id that names more than one kind of thing",
    ),
    ("blank", "a required piece of text is empty"),
    ("too_long", "a piece of text is longer than is accepted"),
    (
        "control_character",
        "a piece of text holds an invisible or control character",
    ),
    (
        "empty_list",
        "a list that must name at least one thing is empty",
    ),
    (
        "too_many",
        "a list is longer than is accepted in one change",
    ),
    ("empty_file", "an evidence file with no content"),
    ("repeated", "the same thing named twice in one list"),
    ("nothing_changed", "the change would record nothing new"),
    (
        "reopen_needs_note",
        "a completed or withdrawn action reopened without saying why",
    ),
    ("date_order", "two dates in the wrong order"),
    ("in_future", "a date after the day it is recorded"),
    (
        "wrong_stage",
        "a change that does not fit where the plan or a thing stands",
    ),
    (
        "unknown_event",
        "a correction of an event the ledger does not have",
    ),
    (
        "inconsistent",
        "values that contradict each other or the plan",
    ),
    (
        "event_too_large",
        "a change too large to record as one event",
    ),
];

impl Rejection {
    /// The refusal's stable code (one of [`REJECTION_CODES`]).
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::NotOpened => "not_opened",
            Rejection::AlreadyOpened { .. } => "already_opened",
            Rejection::DuplicateId { .. } => "duplicate_id",
            Rejection::UnknownId { .. } => "unknown_id",
            Rejection::AmbiguousReference { .. } => "ambiguous_reference",
            Rejection::Blank { .. } => "blank",
            Rejection::TooLong { .. } => "too_long",
            Rejection::ControlCharacter { .. } => "control_character",
            Rejection::EmptyList { .. } => "empty_list",
            Rejection::TooMany { .. } => "too_many",
            Rejection::EmptyFile { .. } => "empty_file",
            Rejection::Repeated { .. } => "repeated",
            Rejection::NothingChanged(_) => "nothing_changed",
            Rejection::ReopenNeedsNote { .. } => "reopen_needs_note",
            Rejection::DateOrder(_) => "date_order",
            Rejection::InFuture { .. } => "in_future",
            Rejection::WrongStage(_) => "wrong_stage",
            Rejection::UnknownEvent { .. } => "unknown_event",
            Rejection::Inconsistent(_) => "inconsistent",
            Rejection::EventTooLarge { .. } => "event_too_large",
        }
    }

    /// The thing the refusal is about, where it names one: its kind and id (`action 1.1`), or
    /// the event (`event 12`).
    pub fn subject(&self) -> Option<String> {
        match self {
            Rejection::DuplicateId { kind, id, .. }
            | Rejection::UnknownId { kind, id, .. }
            | Rejection::Repeated { kind, id } => Some(format!("{kind} {id}")),
            Rejection::AmbiguousReference { id, .. } => Some(id.clone()),
            Rejection::ReopenNeedsNote { id, .. } => Some(format!("action {id}")),
            Rejection::UnknownEvent { seq, .. } => Some(format!("event {seq}")),
            _ => None,
        }
    }

    /// The part of the command the refusal concerns, in the rules' words (`who visited`, `the
    /// strengths`), where it concerns one: a front door shows the refusal beside it.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Rejection::Blank { field }
            | Rejection::TooLong { field }
            | Rejection::ControlCharacter { field, .. } => Some(field),
            Rejection::EmptyList { what } | Rejection::TooMany { what, .. } => Some(what),
            _ => None,
        }
    }

    /// Whether the command conflicts with what exists (a duplicate), rather than breaking a rule;
    /// the server answers these with 409.
    pub fn is_conflict(&self) -> bool {
        matches!(
            self,
            Rejection::DuplicateId { .. } | Rejection::AlreadyOpened { .. }
        )
    }

    /// Whether the command names something that does not exist; the server answers these with 404.
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            Rejection::UnknownId { .. } | Rejection::UnknownEvent { .. }
        )
    }
}

/// The WSoA's version submitted to the inspectorates.
fn submit_statement(state: &State, summary: &Option<String>) -> Result<EventBody, Rejection> {
    optional_prose("the summary", summary.as_ref())?;
    let version = state.plan_version;
    match state.plan_stage {
        PlanStage::Draft => {}
        PlanStage::Submitted => {
            return Err(Rejection::WrongStage(format!(
                "version {version} of the statement is already submitted; record that it was accepted, or revise it"
            )));
        }
        PlanStage::Accepted => {
            return Err(Rejection::WrongStage(format!(
                "version {version} of the statement was accepted; to submit changes, first record them as a revision"
            )));
        }
    }
    Ok(EventBody::PlanSubmitted(PlanSubmitted {
        version,
        summary: summary.clone(),
    }))
}

/// The inspectorates' acceptance of the submitted version.
fn accept_statement(state: &State, summary: &Option<String>) -> Result<EventBody, Rejection> {
    optional_prose("the summary", summary.as_ref())?;
    let version = state.plan_version;
    match state.plan_stage {
        PlanStage::Submitted => {}
        PlanStage::Draft => {
            return Err(Rejection::WrongStage(format!(
                "version {version} of the statement has not been submitted; record its submission first"
            )));
        }
        PlanStage::Accepted => {
            return Err(Rejection::WrongStage(format!(
                "version {version} of the statement is already accepted"
            )));
        }
    }
    Ok(EventBody::PlanAccepted(PlanAccepted {
        version,
        summary: summary.clone(),
    }))
}

/// A revision of the WSoA after it was submitted.
fn revise_statement(state: &State, summary: &str) -> Result<EventBody, Rejection> {
    prose("the summary of the revision", summary)?;
    if state.plan_stage == PlanStage::Draft {
        return Err(Rejection::WrongStage(format!(
            "version {} of the statement has not been submitted yet, so there is nothing to revise; record its submission first",
            state.plan_version
        )));
    }
    Ok(EventBody::PlanRevised(PlanRevised {
        version: state.plan_version + 1,
        summary: summary.to_owned(),
    }))
}

fn describe_len(len: u64) -> String {
    match len {
        0 => "the ledger has no events".to_owned(),
        1 => "the ledger has one event, event 0".to_owned(),
        n => format!("the ledger has {n} events, 0 to {}", n - 1),
    }
}

/// Where the statement itself stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanStage {
    /// Being written (version `n` not yet submitted).
    Draft,
    /// Submitted, awaiting the inspectorates' letter.
    Submitted,
    /// Found fit for purpose.
    Accepted,
}

/// What the rules need to know about a workstream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkstreamState {
    /// The event that created it.
    pub created: u64,
    /// Its title.
    pub title: String,
    /// Its sponsor.
    pub sponsor: String,
    /// The weaknesses it answers.
    pub weaknesses: Vec<WeaknessId>,
    /// The plan it belongs to; `None` for the ledger's WSoA (`WorkstreamCreated`).
    pub plan: Option<PlanId>,
}

/// What the rules need to know about a started plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanState {
    /// The event that started it.
    pub started: u64,
    /// What kind of plan it is.
    pub kind: PlanKind,
    /// The findings it answers.
    pub answers: Vec<WeaknessId>,
    /// Its current version, from 1.
    pub version: u32,
    /// Where that version stands.
    pub stage: PlanStage,
}

/// What the rules need to know about an action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionState {
    /// The event that created it.
    pub created: u64,
    /// Its workstream.
    pub workstream: WorkstreamId,
    /// Its wording.
    pub title: String,
    /// Its owner.
    pub owner: String,
    /// Its deadline's day (for a deadline in words with no single day, the day the action was
    /// agreed).
    pub due: Date,
    /// Its deadline as written (`Deadline::On` for a plain date).
    pub deadline: Deadline,
    /// Its status.
    pub status: Status,
    /// Its RAG, once one was given.
    pub rag: Option<Rag>,
}

/// Where a milestone stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MilestoneState {
    /// The event that added it.
    pub added: u64,
    /// The event that recorded it met, once met.
    pub met: Option<u64>,
    /// The event that recorded it missed, once missed.
    pub missed: Option<u64>,
}

/// What the rules need to know about a measure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeasureState {
    /// The event that defined it.
    pub created: u64,
    /// Its title.
    pub title: String,
    /// Its unit.
    pub unit: String,
    /// When its baseline was taken.
    pub baseline_on: Date,
    /// Its definition, once given.
    pub definition: Option<String>,
    /// Its period, once given.
    pub period: Option<Period>,
    /// Its trajectory, in date order.
    pub trajectory: Vec<TrajectoryPoint>,
}

/// What the rules need to know about a piece of evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvidenceState {
    /// The event that attached it.
    pub created: u64,
    /// Its content hash.
    pub content_hash: Digest,
    /// Whether its content was purged.
    pub redacted: bool,
}

/// What the rules need to know about a risk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RiskState {
    /// The event that raised it.
    pub created: u64,
    /// Its level.
    pub level: RiskLevel,
    /// Its mitigation.
    pub mitigation: Option<String>,
    /// Whether it was closed.
    pub closed: bool,
}

/// The state the rules are checked against: a fold of every event so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct State {
    /// How many events the ledger has.
    pub len: u64,
    /// The local area, once the ledger is open.
    pub area: Option<String>,
    /// The event that recorded the inspection.
    pub inspection: Option<u64>,
    /// Every inspection by id (the first, recorded as `InspectionRecorded`, is `I1`), with the
    /// event that recorded it and its framework.
    pub inspections: BTreeMap<InspectionId, (u64, Framework)>,
    /// The statement's current version, from 1.
    pub plan_version: u32,
    /// Where that version stands.
    pub plan_stage: PlanStage,
    /// Weaknesses by id, with the event that recorded each.
    pub weaknesses: BTreeMap<WeaknessId, u64>,
    /// Workstreams by id.
    pub workstreams: BTreeMap<WorkstreamId, WorkstreamState>,
    /// Actions by id.
    pub actions: BTreeMap<ActionId, ActionState>,
    /// Measures by id.
    pub measures: BTreeMap<MeasureId, MeasureState>,
    /// Evidence by id.
    pub evidence: BTreeMap<EvidenceId, EvidenceState>,
    /// Risks by id.
    pub risks: BTreeMap<RiskId, RiskState>,
    /// The revisit window, once scheduled.
    pub revisit: Option<(Date, Date)>,
    /// Milestones by action and id: the event that added each, and whether it was met or
    /// missed.
    pub milestones: BTreeMap<(ActionId, MilestoneId), MilestoneState>,
    /// Plans started with `PlanStarted`, by id (the ledger's WSoA is not among them).
    pub plans: BTreeMap<PlanId, PlanState>,
    /// The latest plan started, the default plan of workstreams and plan steps.
    pub latest_plan: Option<PlanId>,
    /// Workstreams whose monitoring ended, with the review that ended it.
    pub monitoring_ended: BTreeMap<WorkstreamId, u64>,
    /// The smallest `n` for which `E<n>` is not yet taken. Ids are never freed, so it only grows.
    evidence_next_free: u64,
    /// The business dates the date rules compare against.
    dates: dates::Dates,
}

impl Default for State {
    fn default() -> State {
        State {
            len: 0,
            area: None,
            inspection: None,
            inspections: BTreeMap::new(),
            plan_version: 1,
            plan_stage: PlanStage::Draft,
            weaknesses: BTreeMap::new(),
            workstreams: BTreeMap::new(),
            actions: BTreeMap::new(),
            measures: BTreeMap::new(),
            evidence: BTreeMap::new(),
            risks: BTreeMap::new(),
            revisit: None,
            milestones: BTreeMap::new(),
            plans: BTreeMap::new(),
            latest_plan: None,
            monitoring_ended: BTreeMap::new(),
            evidence_next_free: 1,
            dates: dates::Dates::default(),
        }
    }
}

impl State {
    /// The state after every event of `events`, in order.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a Event>) -> State {
        let mut state = State::default();
        for event in events {
            state.apply(event);
        }
        state
    }

    /// Applies one event that `decide` produced. It trusts the event: it never refuses.
    pub fn apply(&mut self, event: &Event) {
        let seq = event.seq;
        self.len = seq + 1;
        self.dates.apply(event);
        match &event.body {
            EventBody::LedgerOpened(e) => self.area = Some(e.area.clone()),
            EventBody::InspectionRecorded(_) => {
                self.inspection = Some(seq);
                self.inspections
                    .insert(InspectionId::first(), (seq, Framework::Y2016));
            }
            EventBody::InspectionAdded(e) => {
                self.inspection.get_or_insert(seq);
                self.inspections.insert(e.id.clone(), (seq, e.framework));
            }
            EventBody::FindingRecorded(e) => {
                self.weaknesses.insert(e.id.clone(), seq);
            }
            EventBody::WeaknessRecorded(e) => {
                self.weaknesses.insert(e.id.clone(), seq);
            }
            EventBody::PlanSubmitted(_) => self.plan_stage = PlanStage::Submitted,
            EventBody::PlanAccepted(_) => self.plan_stage = PlanStage::Accepted,
            EventBody::PlanRevised(e) => {
                self.plan_version = e.version;
                self.plan_stage = PlanStage::Draft;
            }
            EventBody::WorkstreamCreated(e) => {
                self.workstreams.insert(
                    e.id.clone(),
                    WorkstreamState {
                        created: seq,
                        title: e.title.clone(),
                        sponsor: e.sponsor.clone(),
                        weaknesses: e.weaknesses.clone(),
                        plan: None,
                    },
                );
            }
            EventBody::WorkstreamCreatedInPlan(e) => {
                self.workstreams.insert(
                    e.id.clone(),
                    WorkstreamState {
                        created: seq,
                        title: e.title.clone(),
                        sponsor: e.sponsor.clone(),
                        weaknesses: e.weaknesses.clone(),
                        plan: Some(e.plan.clone()),
                    },
                );
            }
            EventBody::PlanStarted(e) => {
                self.plans.insert(
                    e.id.clone(),
                    PlanState {
                        started: seq,
                        kind: e.kind,
                        answers: e.answers.clone(),
                        version: 1,
                        stage: PlanStage::Draft,
                    },
                );
                self.latest_plan = Some(e.id.clone());
            }
            EventBody::PlanStepRecorded(e) => {
                if let Some(plan) = self.plans.get_mut(&e.plan) {
                    match e.step {
                        PlanStep::Submitted => plan.stage = PlanStage::Submitted,
                        PlanStep::Accepted => plan.stage = PlanStage::Accepted,
                        PlanStep::Revised => {
                            plan.version = e.version;
                            plan.stage = PlanStage::Draft;
                        }
                    }
                }
            }
            EventBody::MonitoringReviewed(e) => {
                for ws in &e.ended {
                    self.monitoring_ended.entry(ws.clone()).or_insert(seq);
                }
            }
            EventBody::WorkstreamAmended(e) => {
                if let Some(ws) = self.workstreams.get_mut(&e.id) {
                    if let Some(title) = &e.title {
                        ws.title.clone_from(title);
                    }
                    if let Some(sponsor) = &e.sponsor {
                        ws.sponsor.clone_from(sponsor);
                    }
                    if let Some(weaknesses) = &e.weaknesses {
                        ws.weaknesses.clone_from(weaknesses);
                    }
                }
            }
            EventBody::ActionCreated(e) => {
                self.actions.insert(
                    e.id.clone(),
                    ActionState {
                        created: seq,
                        workstream: e.workstream.clone(),
                        title: e.title.clone(),
                        owner: e.owner.clone(),
                        due: e.due,
                        deadline: Deadline::On(e.due),
                        status: Status::NotStarted,
                        rag: None,
                    },
                );
            }
            EventBody::ActionCreatedWithDeadline(e) => {
                self.actions.insert(
                    e.id.clone(),
                    ActionState {
                        created: seq,
                        workstream: e.workstream.clone(),
                        title: e.title.clone(),
                        owner: e.owner.clone(),
                        due: e.due.date().unwrap_or(event.occurred_on),
                        deadline: e.due.clone(),
                        status: Status::NotStarted,
                        rag: None,
                    },
                );
            }
            EventBody::ActionAmendedWithDeadline(e) => {
                if let Some(action) = self.actions.get_mut(&e.id) {
                    if let Some(title) = &e.title {
                        action.title.clone_from(title);
                    }
                    if let Some(owner) = &e.owner {
                        action.owner.clone_from(owner);
                    }
                    if let Some(due) = &e.due {
                        if let Some(date) = due.date() {
                            action.due = date;
                        }
                        action.deadline = due.clone();
                    }
                }
            }
            EventBody::ActionAmended(e) => {
                if let Some(action) = self.actions.get_mut(&e.id) {
                    if let Some(title) = &e.title {
                        action.title.clone_from(title);
                    }
                    if let Some(owner) = &e.owner {
                        action.owner.clone_from(owner);
                    }
                    if let Some(due) = e.due {
                        action.due = due;
                        action.deadline = Deadline::On(due);
                    }
                }
            }
            EventBody::MilestoneAdded(e) => {
                self.milestones.insert(
                    (e.action.clone(), e.id.clone()),
                    MilestoneState {
                        added: seq,
                        met: None,
                        missed: None,
                    },
                );
            }
            EventBody::MilestoneMet(e) => {
                if let Some(m) = self.milestones.get_mut(&(e.action.clone(), e.id.clone())) {
                    m.met = Some(seq);
                }
            }
            EventBody::MilestoneMissed(e) => {
                if let Some(m) = self.milestones.get_mut(&(e.action.clone(), e.id.clone())) {
                    m.missed = Some(seq);
                }
            }
            EventBody::ActionStatusChanged(e) => {
                if let Some(action) = self.actions.get_mut(&e.id) {
                    action.status = e.status;
                    if e.rag.is_some() {
                        action.rag = e.rag;
                    }
                }
            }
            EventBody::EvidenceAttached(e) => {
                self.evidence.insert(
                    e.id.clone(),
                    EvidenceState {
                        created: seq,
                        content_hash: e.content_hash,
                        redacted: false,
                    },
                );
                while self
                    .evidence
                    .contains_key(format!("E{}", self.evidence_next_free).as_str())
                {
                    self.evidence_next_free += 1;
                }
            }
            EventBody::EvidenceRedacted(e) => {
                if let Some(evidence) = self.evidence.get_mut(&e.id) {
                    evidence.redacted = true;
                }
            }
            EventBody::MeasureDefined(e) => {
                self.measures.insert(
                    e.id.clone(),
                    MeasureState {
                        created: seq,
                        title: e.title.clone(),
                        unit: e.unit.clone(),
                        baseline_on: e.baseline_on,
                        definition: None,
                        period: None,
                        trajectory: Vec::new(),
                    },
                );
            }
            EventBody::MeasureDefinedWithTrajectory(e) => {
                self.measures.insert(
                    e.measure.id.clone(),
                    MeasureState {
                        created: seq,
                        title: e.measure.title.clone(),
                        unit: e.measure.unit.clone(),
                        baseline_on: e.measure.baseline_on,
                        definition: e.definition.clone(),
                        period: e.period,
                        trajectory: e.trajectory.clone(),
                    },
                );
            }
            EventBody::MeasureAmended(e) => {
                if let Some(measure) = self.measures.get_mut(&e.id) {
                    if e.definition.is_some() {
                        measure.definition.clone_from(&e.definition);
                    }
                    if e.period.is_some() {
                        measure.period = e.period;
                    }
                    if let Some(trajectory) = &e.trajectory {
                        measure.trajectory.clone_from(trajectory);
                    }
                }
            }
            EventBody::RiskRaised(e) => {
                self.risks.insert(
                    e.id.clone(),
                    RiskState {
                        created: seq,
                        level: e.level,
                        mitigation: e.mitigation.clone(),
                        closed: false,
                    },
                );
            }
            EventBody::RiskUpdated(e) => {
                if let Some(risk) = self.risks.get_mut(&e.id) {
                    if let Some(level) = e.level {
                        risk.level = level;
                    }
                    if e.mitigation.is_some() {
                        risk.mitigation.clone_from(&e.mitigation);
                    }
                }
            }
            EventBody::RiskClosed(e) => {
                if let Some(risk) = self.risks.get_mut(&e.id) {
                    risk.closed = true;
                }
            }
            EventBody::RevisitScheduled(e) => self.revisit = Some((e.from, e.to)),
            EventBody::MeasureRecorded(_)
            | EventBody::MonitoringVisitRecorded(_)
            | EventBody::MonitoringVisitFeedback(_)
            | EventBody::ProgressReviewed(_)
            | EventBody::RevisitOutcomeRecorded(_)
            | EventBody::NoteAdded(_)
            | EventBody::CoproductionRecorded(_)
            | EventBody::PackSent(_)
            | EventBody::CorrectionRecorded(_)
            | EventBody::CheckpointRecorded(_) => {}
        }
    }

    /// The next free evidence id of the form `E<n>`: the smallest `n` not yet taken.
    pub fn next_evidence_id(&self) -> EvidenceId {
        EvidenceId::new(format!("E{}", self.evidence_next_free)).expect("E<n> is a valid id")
    }

    fn has(&self, kind: SubjectKind, id: &str) -> bool {
        fn contains<K, V>(map: &BTreeMap<K, V>, id: &str) -> bool
        where
            K: Ord + std::borrow::Borrow<str>,
        {
            map.contains_key(id)
        }
        match kind {
            SubjectKind::Weakness => contains(&self.weaknesses, id),
            SubjectKind::Workstream => contains(&self.workstreams, id),
            SubjectKind::Action => contains(&self.actions, id),
            SubjectKind::Measure => contains(&self.measures, id),
            SubjectKind::Evidence => contains(&self.evidence, id),
            SubjectKind::Risk => contains(&self.risks, id),
        }
    }

    fn ids_of(&self, kind: SubjectKind) -> Vec<&str> {
        match kind {
            SubjectKind::Weakness => self.weaknesses.keys().map(|k| k.as_str()).collect(),
            SubjectKind::Workstream => self.workstreams.keys().map(|k| k.as_str()).collect(),
            SubjectKind::Action => self.actions.keys().map(|k| k.as_str()).collect(),
            SubjectKind::Measure => self.measures.keys().map(|k| k.as_str()).collect(),
            SubjectKind::Evidence => self.evidence.keys().map(|k| k.as_str()).collect(),
            SubjectKind::Risk => self.risks.keys().map(|k| k.as_str()).collect(),
        }
    }

    fn unknown(&self, kind: SubjectKind, id: &str) -> Rejection {
        let ids = self.ids_of(kind);
        let word = kind.word();
        let known = match ids.len() {
            0 => format!("no {word} has been recorded yet"),
            1..=12 => format!("the {word} ids are {}", ids.join(", ")),
            n => format!(
                "there are {n} {word} ids, from {} to {}",
                ids[0],
                ids[n - 1]
            ),
        };
        Rejection::UnknownId {
            kind: word,
            id: id.to_owned(),
            known,
        }
    }

    fn require(&self, kind: SubjectKind, id: &str) -> Result<(), Rejection> {
        if self.has(kind, id) {
            Ok(())
        } else {
            Err(self.unknown(kind, id))
        }
    }

    /// Resolves a reference as typed into the one thing it names.
    pub fn resolve(&self, reference: &SubjectRef) -> Result<Subject, Rejection> {
        let kind = match reference.kind {
            Some(kind) => {
                self.require(kind, &reference.id)?;
                kind
            }
            None => {
                let kinds: Vec<SubjectKind> = SubjectKind::ALL
                    .into_iter()
                    .filter(|kind| self.has(*kind, &reference.id))
                    .collect();
                match kinds.as_slice() {
                    [] => {
                        return Err(Rejection::UnknownId {
                            kind: "weakness, workstream, action, measure, evidence or risk",
                            id: reference.id.clone(),
                            known: "check the id against the ledger's events".to_owned(),
                        });
                    }
                    [kind] => *kind,
                    many => {
                        return Err(Rejection::AmbiguousReference {
                            id: reference.id.clone(),
                            kinds: many
                                .iter()
                                .map(|k| k.word())
                                .collect::<Vec<_>>()
                                .join(" and "),
                            example: format!("{}:{}", many[0].word(), reference.id),
                        });
                    }
                }
            }
        };
        let id = reference.id.clone();
        // The id was checked for form when the reference was parsed, so these cannot fail; a
        // failure would still surface as a clean rejection rather than a panic.
        let invalid = |_| self.unknown(kind, &reference.id);
        Ok(match kind {
            SubjectKind::Weakness => Subject::Weakness(WeaknessId::new(id).map_err(invalid)?),
            SubjectKind::Workstream => Subject::Workstream(WorkstreamId::new(id).map_err(invalid)?),
            SubjectKind::Action => Subject::Action(ActionId::new(id).map_err(invalid)?),
            SubjectKind::Measure => Subject::Measure(MeasureId::new(id).map_err(invalid)?),
            SubjectKind::Evidence => Subject::Evidence(EvidenceId::new(id).map_err(invalid)?),
            SubjectKind::Risk => Subject::Risk(RiskId::new(id).map_err(invalid)?),
        })
    }
}

/// When a command is decided: the business date it says it happened on, and today's date (which
/// the caller reads from its clock, because the core reads none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct When {
    /// The business date of the change.
    pub occurred_on: Date,
    /// The date it is being recorded.
    pub today: Date,
}

/// Checks one line of free text (a title, a name): not blank, not too long, and none of the
/// characters `text::refused` names, tabs and line breaks included.
fn text(field: &'static str, value: &str) -> Result<(), Rejection> {
    checked_text(field, value, false)
}

/// Checks free text that may run over several lines (a note, a finding, a summary, a reason):
/// as `text`, but tabs and line breaks are allowed.
fn prose(field: &'static str, value: &str) -> Result<(), Rejection> {
    checked_text(field, value, true)
}

fn checked_text(field: &'static str, value: &str, multi_line: bool) -> Result<(), Rejection> {
    if value.trim().is_empty() {
        return Err(Rejection::Blank { field });
    }
    if value.chars().count() > MAX_TEXT_CHARS {
        return Err(Rejection::TooLong { field });
    }
    if let Some((at, character)) = crate::text::first_refused(value, multi_line) {
        return Err(Rejection::ControlCharacter {
            field,
            character,
            at,
        });
    }
    Ok(())
}

fn optional_text(field: &'static str, value: Option<&String>) -> Result<(), Rejection> {
    value.map_or(Ok(()), |value| text(field, value))
}

fn optional_prose(field: &'static str, value: Option<&String>) -> Result<(), Rejection> {
    value.map_or(Ok(()), |value| prose(field, value))
}

fn texts(field: &'static str, values: &[String]) -> Result<(), Rejection> {
    values.iter().try_for_each(|value| text(field, value))
}

fn proses(field: &'static str, values: &[String]) -> Result<(), Rejection> {
    values.iter().try_for_each(|value| prose(field, value))
}

/// Refuses a list longer than `MAX_LIST_ITEMS`.
fn at_most<T>(what: &'static str, list: &[T]) -> Result<(), Rejection> {
    if list.len() > MAX_LIST_ITEMS {
        Err(Rejection::TooMany {
            what,
            count: list.len(),
        })
    } else {
        Ok(())
    }
}

/// Checks the name of whoever records an event (`--actor`, a token's name): one line, with
/// none of the characters refused in free text, so that it can never carry a terminal code or
/// a bidirectional override into the history.
pub fn check_actor_name(name: &str) -> Result<(), Rejection> {
    text("the actor's name", name)
}

fn unique<'a, T: Ord + 'a + ToString>(
    kind: &'static str,
    ids: impl IntoIterator<Item = &'a T>,
) -> Result<(), Rejection> {
    let mut seen = BTreeSet::new();
    for id in ids {
        if !seen.insert(id) {
            return Err(Rejection::Repeated {
                kind,
                id: id.to_string(),
            });
        }
    }
    Ok(())
}

fn unique_subjects(subjects: &[Subject]) -> Result<(), Rejection> {
    let mut seen = BTreeSet::new();
    for subject in subjects {
        if !seen.insert(subject) {
            return Err(Rejection::Repeated {
                kind: subject.kind().word(),
                id: subject.id().to_owned(),
            });
        }
    }
    Ok(())
}

fn not_empty<T>(what: &'static str, list: &[T]) -> Result<(), Rejection> {
    if list.is_empty() {
        Err(Rejection::EmptyList { what })
    } else {
        Ok(())
    }
}

/// Checks `command` against `state` and returns the event body that records it.
pub fn decide(state: &State, command: &Command, when: When) -> Result<EventBody, Rejection> {
    if when.occurred_on > when.today {
        return Err(Rejection::InFuture {
            date: when.occurred_on,
            today: when.today,
        });
    }
    if let Command::OpenLedger(e) = command {
        return open_ledger(state, e);
    }
    if state.area.is_none() {
        return Err(Rejection::NotOpened);
    }
    let ws = |id: &WorkstreamId| state.require(SubjectKind::Workstream, id.as_str());
    let weakness = |id: &WeaknessId| state.require(SubjectKind::Weakness, id.as_str());
    let fresh = |kind: SubjectKind, id: &str, created: Option<u64>| match created {
        Some(seq) => Err(Rejection::DuplicateId {
            kind: kind.word(),
            id: id.to_owned(),
            seq,
        }),
        None => Ok(()),
    };
    let body = match command {
        Command::OpenLedger(_) => unreachable!("handled above"),
        Command::RecordInspection(e) => {
            if let Some(seq) = state.inspection {
                return Err(Rejection::WrongStage(format!(
                    "the inspection is already recorded (event {seq}); if it was wrong, record a correction of event {seq}"
                )));
            }
            inspection(e)?;
            EventBody::InspectionRecorded(e.clone())
        }
        Command::AddInspection(e) => add_inspection(state, e)?,
        Command::DefineMeasureWithTrajectory(e) => {
            let m = &e.measure();
            fresh(
                SubjectKind::Measure,
                m.id.as_str(),
                state.measures.get(&m.id).map(|m| m.created),
            )?;
            measure_fields(m)?;
            m.weaknesses.iter().try_for_each(weakness)?;
            optional_prose("the definition", e.definition.as_ref())?;
            let points = trajectory(&m.id, &m.unit, m.baseline_on, &e.trajectory)?;
            MeasureDefinedWithTrajectory {
                measure: e.measure(),
                definition: e.definition.clone(),
                period: e.period,
                trajectory: points,
            }
            .into_body()
        }
        Command::AmendMeasure(e) => EventBody::MeasureAmended(amend_measure(state, e)?),
        Command::RecordPack(e) => EventBody::PackSent(pack(state, e, when)?),
        Command::RecordCoproduction(e) => {
            state.require(SubjectKind::Weakness, e.about.as_str())?;
            prose("what families said", &e.said)?;
            prose("what was done", &e.did)?;
            optional_prose("the difference it made", e.difference.as_ref())?;
            text("whose voice it is", &e.from)?;
            if e.respondents == Some(0) {
                return Err(Rejection::Inconsistent(
                    "0 respondents: give the number who responded, or leave it out".to_owned(),
                ));
            }
            EventBody::CoproductionRecorded(e.clone())
        }
        Command::AddMilestone(e) => {
            state.require(SubjectKind::Action, e.action.as_str())?;
            if let Some(m) = state.milestones.get(&(e.action.clone(), e.id.clone())) {
                return Err(Rejection::DuplicateId {
                    kind: "milestone",
                    id: format!("{} of action {}", e.id, e.action),
                    seq: m.added,
                });
            }
            text("the milestone's title", &e.title)?;
            deadline_words(&e.due)?;
            EventBody::MilestoneAdded(e.clone())
        }
        Command::MeetMilestone(e) => {
            let m = milestone(state, &e.action, &e.id)?;
            optional_prose("the note", e.note.as_ref())?;
            if let Some(seq) = m.met {
                return Err(Rejection::NothingChanged(format!(
                    "milestone {} of action {} was already met (event {seq}); if that was wrong, record a correction of event {seq}",
                    e.id, e.action
                )));
            }
            EventBody::MilestoneMet(e.clone())
        }
        Command::MissMilestone(e) => {
            let m = milestone(state, &e.action, &e.id)?;
            prose("the reason", &e.reason)?;
            if let Some(seq) = m.met.or(m.missed) {
                let what = if m.met.is_some() { "met" } else { "missed" };
                return Err(Rejection::NothingChanged(format!(
                    "milestone {} of action {} was already recorded as {what} (event {seq}); if that was wrong, record a correction of event {seq}",
                    e.id, e.action
                )));
            }
            EventBody::MilestoneMissed(e.clone())
        }
        Command::RecordFinding(e) => {
            fresh(
                SubjectKind::Weakness,
                e.id.as_str(),
                state.weaknesses.get(&e.id).copied(),
            )?;
            EventBody::FindingRecorded(finding(state, e)?)
        }
        Command::RecordWeakness(e) => {
            fresh(
                SubjectKind::Weakness,
                e.id.as_str(),
                state.weaknesses.get(&e.id).copied(),
            )?;
            weakness_fields(e)?;
            EventBody::WeaknessRecorded(e.clone())
        }
        Command::StartPlan(e) => start_plan(state, e)?,
        Command::AddWorkstream(e) => add_workstream(state, e)?,
        Command::CreateActionInPlan(e) => {
            let plan = &e.plan;
            let plan_ref = plan_ref(state, Some(plan))?;
            ws(&e.workstream)?;
            let current = &state.workstreams[&e.workstream];
            if current.plan.as_ref() != plan_ref.started() {
                return Err(Rejection::Inconsistent(format!(
                    "workstream {} belongs to plan {}, not {plan}; an action belongs to its workstream's plan: choose plan {} or a workstream of {plan}",
                    e.workstream,
                    plan_name(current.plan.as_ref()),
                    plan_name(current.plan.as_ref()),
                )));
            }
            return decide(state, &Command::CreateActionWithDeadline(e.action()), when);
        }
        Command::StepPlan(e) => step_plan(state, e, when)?,
        Command::ReviewMonitoring(e) => review_monitoring(state, e)?,
        Command::SubmitPlan { summary } if state.latest_plan.is_some() => step_plan(
            state,
            &StepPlan {
                plan: None,
                step: PlanStep::Submitted,
                summary: summary.clone(),
            },
            when,
        )?,
        Command::AcceptPlan { summary } if state.latest_plan.is_some() => step_plan(
            state,
            &StepPlan {
                plan: None,
                step: PlanStep::Accepted,
                summary: summary.clone(),
            },
            when,
        )?,
        Command::RevisePlan { summary } if state.latest_plan.is_some() => step_plan(
            state,
            &StepPlan {
                plan: None,
                step: PlanStep::Revised,
                summary: Some(summary.clone()),
            },
            when,
        )?,
        Command::CreateWorkstream(e) if state.latest_plan.is_some() => {
            add_workstream(state, &AddWorkstream::of_default_plan(e))?
        }
        Command::SubmitPlan { summary } => submit_statement(state, summary)?,
        Command::AcceptPlan { summary } => accept_statement(state, summary)?,
        Command::RevisePlan { summary } => revise_statement(state, summary)?,
        Command::CreateWorkstream(e) => {
            fresh(
                SubjectKind::Workstream,
                e.id.as_str(),
                state.workstreams.get(&e.id).map(|w| w.created),
            )?;
            workstream_fields(e)?;
            e.weaknesses.iter().try_for_each(weakness)?;
            EventBody::WorkstreamCreated(e.clone())
        }
        Command::AmendWorkstream(e) => {
            ws(&e.id)?;
            let current = &state.workstreams[&e.id];
            amend_workstream(current, e)?;
            if let Some(list) = &e.weaknesses {
                list.iter().try_for_each(weakness)?;
                if let Some(plan) = &current.plan {
                    answered_by(state, plan, &e.id, list)?;
                }
            }
            EventBody::WorkstreamAmended(e.clone())
        }
        Command::CreateAction(e) => {
            fresh(
                SubjectKind::Action,
                e.id.as_str(),
                state.actions.get(&e.id).map(|a| a.created),
            )?;
            ws(&e.workstream)?;
            action_fields(e)?;
            EventBody::ActionCreated(e.clone())
        }
        Command::AmendAction(e) => {
            state.require(SubjectKind::Action, e.id.as_str())?;
            amend_action(&state.actions[&e.id], e)?;
            EventBody::ActionAmended(e.clone())
        }
        Command::CreateActionWithDeadline(e) | Command::ImportAction(e) => {
            fresh(
                SubjectKind::Action,
                e.id.as_str(),
                state.actions.get(&e.id).map(|a| a.created),
            )?;
            ws(&e.workstream)?;
            text("the action's title", &e.title)?;
            text("the owner", &e.owner)?;
            at_most("the success criteria", &e.success)?;
            texts("a success criterion", &e.success)?;
            deadline_words(&e.due)?;
            if let Command::CreateActionWithDeadline(_) = command {
                dates::agreed_deadline(&e.id, when.occurred_on, e.due.date())?;
            }
            e.clone().into_body()
        }
        Command::AmendActionWithDeadline(e) => {
            state.require(SubjectKind::Action, e.id.as_str())?;
            amend_action_with_deadline(&state.actions[&e.id], e)?;
            e.clone().into_body()
        }
        Command::ChangeActionStatus(e) => {
            state.require(SubjectKind::Action, e.id.as_str())?;
            change_status(&state.actions[&e.id], e)?;
            EventBody::ActionStatusChanged(e.clone())
        }
        Command::AttachEvidence(e) => EventBody::EvidenceAttached(attach(state, e)?),
        Command::RedactEvidence(e) => {
            state.require(SubjectKind::Evidence, e.id.as_str())?;
            prose("the reason", &e.reason)?;
            if state.evidence[&e.id].redacted {
                return Err(Rejection::NothingChanged(format!(
                    "evidence {} is already redacted",
                    e.id
                )));
            }
            EventBody::EvidenceRedacted(EvidenceRedacted {
                id: e.id.clone(),
                reason: e.reason.clone(),
            })
        }
        Command::DefineMeasure(e) => {
            fresh(
                SubjectKind::Measure,
                e.id.as_str(),
                state.measures.get(&e.id).map(|m| m.created),
            )?;
            measure_fields(e)?;
            e.weaknesses.iter().try_for_each(weakness)?;
            EventBody::MeasureDefined(e.clone())
        }
        Command::RecordMeasure(e) => {
            state.require(SubjectKind::Measure, e.id.as_str())?;
            measure_value(e)?;
            EventBody::MeasureRecorded(e.clone())
        }
        Command::RecordVisit(e) => {
            visit(e)?;
            for point in e.points() {
                at_most("the findings a point concerns", &point.about)?;
                unique("weakness", &point.about)?;
                point.about.iter().try_for_each(weakness)?;
            }
            if let Some(letter) = &e.letter {
                state.require(SubjectKind::Evidence, letter.as_str())?;
            }
            match e.untied() {
                Some(plain) => EventBody::MonitoringVisitRecorded(plain),
                None => EventBody::MonitoringVisitFeedback(e.clone()),
            }
        }
        Command::ReviewProgress(e) => {
            review(e)?;
            e.assessments.iter().try_for_each(|a| ws(&a.workstream))?;
            EventBody::ProgressReviewed(e.clone())
        }
        Command::RaiseRisk(e) => EventBody::RiskRaised(raise_risk(state, e)?),
        Command::UpdateRisk(e) => {
            let risk = open_risk(state, &e.id)?;
            update_risk(risk, e)?;
            EventBody::RiskUpdated(e.clone())
        }
        Command::CloseRisk(e) => {
            open_risk(state, &e.id)?;
            prose("the reason", &e.reason)?;
            EventBody::RiskClosed(RiskClosed {
                id: e.id.clone(),
                reason: e.reason.clone(),
            })
        }
        Command::ScheduleRevisit(e) => {
            if e.to < e.from {
                return Err(Rejection::DateOrder(format!(
                    "the revisit window ends ({}) before it starts ({})",
                    e.to.long(),
                    e.from.long()
                )));
            }
            if state.revisit == Some((e.from, e.to)) {
                return Err(Rejection::NothingChanged(format!(
                    "the revisit is already scheduled for {} to {}",
                    e.from.long(),
                    e.to.long()
                )));
            }
            EventBody::RevisitScheduled(RevisitScheduled {
                from: e.from,
                to: e.to,
            })
        }
        Command::RecordRevisitOutcome(e) => {
            not_empty("the revisit outcome names no weakness", &e.outcomes)?;
            at_most("the revisit outcomes", &e.outcomes)?;
            unique("weakness", e.outcomes.iter().map(|o| &o.weakness))?;
            e.outcomes.iter().try_for_each(|o| weakness(&o.weakness))?;
            EventBody::RevisitOutcomeRecorded(RevisitOutcomeRecorded {
                outcomes: e.outcomes.clone(),
            })
        }
        Command::AddNote(e) => {
            let about = state.resolve(&e.about)?;
            prose("the note", &e.text)?;
            optional_text("whose voice the note is", e.from.as_ref())?;
            EventBody::NoteAdded(NoteAdded {
                about,
                text: e.text.clone(),
                from: e.from.clone(),
            })
        }
        Command::RecordCheckpoint { note } => {
            EventBody::CheckpointRecorded(checkpoint(state, note)?)
        }
        Command::RecordCorrection(e) => {
            if e.seq >= state.len {
                return Err(Rejection::UnknownEvent {
                    seq: e.seq,
                    len: state.len,
                });
            }
            prose("the reason", &e.reason)?;
            EventBody::CorrectionRecorded(CorrectionRecorded {
                seq: e.seq,
                reason: e.reason.clone(),
            })
        }
    };
    state.dates.check(&body, when.occurred_on)?;
    Ok(body)
}

/// A plan named by a command: the ledger's WSoA, or a plan started with `PlanStarted`.
#[derive(Clone, Debug, PartialEq, Eq)]
enum PlanRef {
    Wsoa,
    Started(PlanId),
}

impl PlanRef {
    fn started(&self) -> Option<&PlanId> {
        match self {
            PlanRef::Wsoa => None,
            PlanRef::Started(id) => Some(id),
        }
    }
}

/// A plan's id for messages: `WSoA` for the ledger's own statement.
fn plan_name(plan: Option<&PlanId>) -> String {
    plan.map_or_else(|| PlanId::WSOA.to_owned(), ToString::to_string)
}

/// The plan a command names, or the default: the latest plan started, or the ledger's WSoA when
/// none was.
fn plan_ref(state: &State, plan: Option<&PlanId>) -> Result<PlanRef, Rejection> {
    match plan {
        None => Ok(state
            .latest_plan
            .clone()
            .map_or(PlanRef::Wsoa, PlanRef::Started)),
        Some(id) if state.plans.contains_key(id) => Ok(PlanRef::Started(id.clone())),
        Some(id) if id.as_str().eq_ignore_ascii_case(PlanId::WSOA) => Ok(PlanRef::Wsoa),
        Some(id) => {
            let mut known = vec![PlanId::WSOA.to_owned()];
            known.extend(state.plans.keys().map(ToString::to_string));
            Err(Rejection::UnknownId {
                kind: "plan",
                id: id.to_string(),
                known: format!("the plans are {} (start one first)", known.join(", ")),
            })
        }
    }
}

/// Each finding a workstream answers is one its plan answers.
fn answered_by(
    state: &State,
    plan: &PlanId,
    workstream: &WorkstreamId,
    weaknesses: &[WeaknessId],
) -> Result<(), Rejection> {
    let answers = &state.plans[plan].answers;
    match weaknesses.iter().find(|w| !answers.contains(w)) {
        Some(w) => Err(Rejection::Inconsistent(format!(
            "workstream {workstream} of plan {plan} would answer {w}, which plan {plan} does not answer; plan {plan} answers {} (a workstream answers findings of its own plan)",
            answers
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ))),
        None => Ok(()),
    }
}

/// A plan answering recorded findings, with a new id.
fn start_plan(state: &State, e: &PlanStarted) -> Result<EventBody, Rejection> {
    if e.id.as_str().eq_ignore_ascii_case(PlanId::WSOA) {
        return Err(Rejection::Inconsistent(format!(
            "{} is the id of the ledger's own Written Statement of Action, the plan answering the first inspection's areas of significant weakness; give the new plan another id (APP1, PAP1)",
            PlanId::WSOA
        )));
    }
    if let Some(plan) = state.plans.get(&e.id) {
        return Err(Rejection::DuplicateId {
            kind: "plan",
            id: e.id.to_string(),
            seq: plan.started,
        });
    }
    text("the plan's title", &e.title)?;
    not_empty("the plan answers no finding", &e.answers)?;
    at_most("the findings a plan answers", &e.answers)?;
    unique("finding", &e.answers)?;
    e.answers
        .iter()
        .try_for_each(|w| state.require(SubjectKind::Weakness, w.as_str()))?;
    Ok(EventBody::PlanStarted(e.clone()))
}

/// A workstream of a plan: `WorkstreamCreated` for the ledger's WSoA, `WorkstreamCreatedInPlan`
/// for a started plan, whose findings it must answer.
fn add_workstream(state: &State, e: &AddWorkstream) -> Result<EventBody, Rejection> {
    let plan = plan_ref(state, e.plan.as_ref())?;
    let w = &e.workstream();
    if let Some(existing) = state.workstreams.get(&w.id) {
        return Err(Rejection::DuplicateId {
            kind: "workstream",
            id: w.id.to_string(),
            seq: existing.created,
        });
    }
    workstream_fields(w)?;
    w.weaknesses
        .iter()
        .try_for_each(|id| state.require(SubjectKind::Weakness, id.as_str()))?;
    Ok(match plan {
        PlanRef::Wsoa => EventBody::WorkstreamCreated(w.clone()),
        PlanRef::Started(plan) => {
            answered_by(state, &plan, &w.id, &w.weaknesses)?;
            EventBody::WorkstreamCreatedInPlan(crate::event::WorkstreamCreatedInPlan {
                id: w.id.clone(),
                title: w.title.clone(),
                sponsor: w.sponsor.clone(),
                weaknesses: w.weaknesses.clone(),
                plan,
            })
        }
    })
}

/// A plan submitted, accepted or revised. The ledger's WSoA records its steps as it always did.
fn step_plan(state: &State, e: &StepPlan, when: When) -> Result<EventBody, Rejection> {
    let plan = match plan_ref(state, e.plan.as_ref())? {
        PlanRef::Wsoa => {
            let legacy = State {
                latest_plan: None,
                plans: BTreeMap::new(),
                ..state.clone()
            };
            let command = match e.step {
                PlanStep::Submitted => Command::SubmitPlan {
                    summary: e.summary.clone(),
                },
                PlanStep::Accepted => Command::AcceptPlan {
                    summary: e.summary.clone(),
                },
                PlanStep::Revised => Command::RevisePlan {
                    summary: e.summary.clone().unwrap_or_default(),
                },
            };
            return decide(&legacy, &command, when);
        }
        PlanRef::Started(plan) => plan,
    };
    let current = &state.plans[&plan];
    let version = current.version;
    let what = format!("version {version} of plan {plan}");
    match e.step {
        PlanStep::Submitted => {
            optional_prose("the summary", e.summary.as_ref())?;
            match current.stage {
                PlanStage::Draft => {}
                PlanStage::Submitted => {
                    return Err(Rejection::WrongStage(format!(
                        "{what} is already submitted; record that it was accepted, or revise it"
                    )));
                }
                PlanStage::Accepted => {
                    return Err(Rejection::WrongStage(format!(
                        "{what} was accepted; to submit changes, first record them as a revision"
                    )));
                }
            }
        }
        PlanStep::Accepted => {
            optional_prose("the summary", e.summary.as_ref())?;
            match current.stage {
                PlanStage::Submitted => {}
                PlanStage::Draft => {
                    return Err(Rejection::WrongStage(format!(
                        "{what} has not been submitted; record its submission first"
                    )));
                }
                PlanStage::Accepted => {
                    return Err(Rejection::WrongStage(format!("{what} is already accepted")));
                }
            }
        }
        PlanStep::Revised => {
            let Some(summary) = &e.summary else {
                return Err(Rejection::Blank {
                    field: "the summary of the revision",
                });
            };
            prose("the summary of the revision", summary)?;
            if current.stage == PlanStage::Draft {
                return Err(Rejection::WrongStage(format!(
                    "{what} has not been submitted yet, so there is nothing to revise; record its submission first"
                )));
            }
        }
    }
    Ok(EventBody::PlanStepRecorded(PlanStepRecorded {
        plan,
        step: e.step,
        version: if e.step == PlanStep::Revised {
            version + 1
        } else {
            version
        },
        summary: e.summary.clone(),
    }))
}

/// A DfE and NHS England review of a plan: monitoring continues or ends only for the plan's own
/// workstreams, and a workstream's monitoring ends once.
fn review_monitoring(state: &State, e: &MonitoringReviewed) -> Result<EventBody, Rejection> {
    let plan = plan_ref(state, Some(&e.plan))?;
    text("who reviewed", &e.by)?;
    prose("the summary", &e.summary)?;
    at_most("the workstreams whose monitoring continues", &e.continues)?;
    at_most("the workstreams whose monitoring ends", &e.ended)?;
    unique("workstream", e.continues.iter().chain(&e.ended))?;
    for (id, ending) in e
        .continues
        .iter()
        .map(|id| (id, false))
        .chain(e.ended.iter().map(|id| (id, true)))
    {
        state.require(SubjectKind::Workstream, id.as_str())?;
        let of = state.workstreams[id].plan.as_ref();
        if of != plan.started() {
            return Err(Rejection::Inconsistent(format!(
                "workstream {id} belongs to plan {}, not {}; a review of plan {} continues or ends monitoring only for that plan's workstreams",
                plan_name(of),
                e.plan,
                e.plan
            )));
        }
        if let Some(seq) = state.monitoring_ended.get(id) {
            return Err(Rejection::WrongStage(if ending {
                format!(
                    "monitoring of workstream {id} already ended (event {seq}); it cannot end again: leave workstream {id} out of those whose monitoring ends"
                )
            } else {
                format!(
                    "monitoring of workstream {id} ended (event {seq}), so it cannot continue: leave workstream {id} out of those whose monitoring continues"
                )
            }));
        }
    }
    Ok(EventBody::MonitoringReviewed(MonitoringReviewed {
        plan: plan.started().cloned().unwrap_or_else(PlanId::wsoa),
        ..e.clone()
    }))
}

fn open_ledger(state: &State, e: &LedgerOpened) -> Result<EventBody, Rejection> {
    if let Some(area) = &state.area {
        return Err(Rejection::AlreadyOpened { area: area.clone() });
    }
    text("the local area's name", &e.area)?;
    at_most("the partners", &e.partners)?;
    texts("a partner's name", &e.partners)?;
    unique("partner", &e.partners)?;
    Ok(EventBody::LedgerOpened(e.clone()))
}

fn inspection(e: &InspectionRecorded) -> Result<(), Rejection> {
    not_empty("the inspection names no inspectorate", &e.inspectorates)?;
    at_most("the inspectorates", &e.inspectorates)?;
    texts("an inspectorate's name", &e.inspectorates)?;
    unique("inspectorate", &e.inspectorates)?;
    if e.to < e.from {
        return Err(Rejection::DateOrder(format!(
            "the inspection ends ({}) before it starts ({})",
            e.to.long(),
            e.from.long()
        )));
    }
    if e.published < e.to {
        return Err(Rejection::DateOrder(format!(
            "the report is published ({}) before the inspection ends ({})",
            e.published.long(),
            e.to.long()
        )));
    }
    Ok(())
}

/// A milestone the ledger holds.
fn milestone(
    state: &State,
    action: &ActionId,
    id: &MilestoneId,
) -> Result<MilestoneState, Rejection> {
    state.require(SubjectKind::Action, action.as_str())?;
    state
        .milestones
        .get(&(action.clone(), id.clone()))
        .copied()
        .ok_or_else(|| {
            let known: Vec<String> = state
                .milestones
                .keys()
                .filter(|(a, _)| a == action)
                .map(|(_, m)| m.to_string())
                .collect();
            Rejection::Inconsistent(if known.is_empty() {
                format!(
                    "action {action} has no milestone {id}; add milestone {id} to action {action} first"
                )
            } else {
                format!(
                    "action {action} has no milestone {id}; its milestones are {}",
                    known.join(", ")
                )
            })
        })
}

/// The id of the first inspection, the one `InspectionRecorded` records.
pub const FIRST_INSPECTION: &str = InspectionId::FIRST;

/// An inspection under either framework. The first, a full 2016 inspection with no other id,
/// is recorded as `InspectionRecorded` records it, so a ledger of one WSoA reads as it always
/// did.
fn add_inspection(state: &State, e: &AddInspection) -> Result<EventBody, Rejection> {
    let first = InspectionId::first();
    if let Some((seq, _)) = e.id.as_ref().and_then(|id| state.inspections.get(id)) {
        return Err(Rejection::DuplicateId {
            kind: "inspection",
            id: e.id.as_ref().map(ToString::to_string).unwrap_or_default(),
            seq: *seq,
        });
    }
    let recorded = InspectionRecorded {
        inspectorates: e.inspectorates.clone(),
        from: e.from,
        to: e.to,
        published: e.published,
    };
    inspection(&recorded)?;
    let id = match &e.id {
        Some(id) => id.clone(),
        None => (1..)
            .filter_map(|n| InspectionId::new(format!("I{n}")).ok())
            .find(|id| !state.inspections.contains_key(id))
            .unwrap_or(first.clone()),
    };
    if e.outcome.is_some() && e.framework == Framework::Y2016 {
        return Err(Rejection::Inconsistent(format!(
            "inspection {id} was under the 2016 framework, which gives no overall outcome; record it under the 2023 framework, or without an outcome"
        )));
    }
    match (e.kind, e.framework) {
        (InspectionKind::Revisit, Framework::Y2023) => {
            return Err(Rejection::Inconsistent(format!(
                "a revisit follows a written statement of action under the 2016 framework, but inspection {id} is under the 2023 framework; a 2023 inspection after a plan is a monitoring inspection"
            )));
        }
        (InspectionKind::Monitoring, Framework::Y2016) => {
            return Err(Rejection::Inconsistent(format!(
                "monitoring inspections belong to the 2023 framework, but inspection {id} is under the 2016 framework; record a 2016 monitoring visit as a monitoring visit, or record the inspection under the 2023 framework"
            )));
        }
        _ => {}
    }
    if state.inspections.is_empty()
        && id == first
        && e.framework == Framework::Y2016
        && e.kind == InspectionKind::Full
    {
        return Ok(EventBody::InspectionRecorded(recorded));
    }
    Ok(EventBody::InspectionAdded(InspectionAdded {
        id,
        framework: e.framework,
        kind: e.kind,
        outcome: e.outcome,
        inspectorates: recorded.inspectorates,
        from: e.from,
        to: e.to,
        published: e.published,
    }))
}

/// A finding of a recorded inspection, of its framework's kind; by default of the latest
/// inspection recorded.
fn finding(state: &State, e: &AddFinding) -> Result<FindingRecorded, Rejection> {
    text("the finding's title", &e.title)?;
    optional_prose("the finding", e.finding.as_ref())?;
    let known = || {
        state
            .inspections
            .keys()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    };
    let inspection = match &e.inspection {
        Some(id) => id.clone(),
        None => match state.inspections.iter().max_by_key(|(_, (seq, _))| *seq) {
            Some((id, _)) => id.clone(),
            None => {
                return Err(Rejection::Inconsistent(format!(
                    "no inspection is recorded, so {} cannot be a finding of one: record the inspection first",
                    e.id
                )));
            }
        },
    };
    let Some((_, framework)) = state.inspections.get(&inspection) else {
        return Err(Rejection::Inconsistent(format!(
            "inspection {inspection} is not recorded; the ledger has {}",
            known().join(", ")
        )));
    };
    if e.kind.framework() != *framework {
        return Err(Rejection::Inconsistent(format!(
            "{} is an {}, a finding of the {} framework, but inspection {inspection} was under the {} framework; {}",
            e.id,
            e.kind.name(),
            e.kind.framework(),
            framework,
            match framework {
                Framework::Y2016 =>
                    "its findings are areas of significant weakness (type weakness)",
                Framework::Y2023 => {
                    "its findings are areas for priority action or for improvement (type priority-action or improvement)"
                }
            }
        )));
    }
    Ok(FindingRecorded {
        id: e.id.clone(),
        inspection,
        kind: e.kind,
        title: e.title.clone(),
        finding: e.finding.clone(),
    })
}

fn weakness_fields(e: &WeaknessRecorded) -> Result<(), Rejection> {
    text("the weakness's title", &e.title)?;
    optional_prose("the finding", e.finding.as_ref())
}

fn workstream_fields(e: &WorkstreamCreated) -> Result<(), Rejection> {
    text("the workstream's title", &e.title)?;
    text("the sponsor", &e.sponsor)?;
    not_empty("the workstream answers no weakness", &e.weaknesses)?;
    at_most("the weaknesses a workstream answers", &e.weaknesses)?;
    unique("weakness", &e.weaknesses)
}

fn amend_workstream(current: &WorkstreamState, e: &WorkstreamAmended) -> Result<(), Rejection> {
    prose("the reason", &e.reason)?;
    optional_text("the workstream's title", e.title.as_ref())?;
    optional_text("the sponsor", e.sponsor.as_ref())?;
    if let Some(list) = &e.weaknesses {
        not_empty("the workstream would answer no weakness", list)?;
        at_most("the weaknesses a workstream answers", list)?;
        unique("weakness", list)?;
    }
    let changes = e.title.as_ref().is_some_and(|t| *t != current.title)
        || e.sponsor.as_ref().is_some_and(|s| *s != current.sponsor)
        || e.weaknesses
            .as_ref()
            .is_some_and(|w| *w != current.weaknesses);
    if changes {
        Ok(())
    } else {
        Err(Rejection::NothingChanged(format!(
            "the amendment changes nothing in workstream {}: give a new title, sponsor or weaknesses",
            e.id
        )))
    }
}

fn action_fields(e: &ActionCreated) -> Result<(), Rejection> {
    text("the action's title", &e.title)?;
    text("the owner", &e.owner)?;
    at_most("the success criteria", &e.success)?;
    texts("a success criterion", &e.success)
}

fn amend_action(current: &ActionState, e: &ActionAmended) -> Result<(), Rejection> {
    amend_action_with_deadline(
        current,
        &ActionAmendedWithDeadline {
            id: e.id.clone(),
            title: e.title.clone(),
            owner: e.owner.clone(),
            due: e.due.map(Deadline::On),
            reason: e.reason.clone(),
        },
    )
}

/// The words of a deadline written in words: not blank, short, no control characters.
fn deadline_words(due: &Deadline) -> Result<(), Rejection> {
    if let Some(words) = due.words() {
        text("the deadline's words", words)?;
        if words.chars().count() > MAX_WORDS_LEN {
            return Err(Rejection::Inconsistent(format!(
                "the deadline's words are longer than {MAX_WORDS_LEN} characters; keep the deadline short and put the rest in the action's update"
            )));
        }
    }
    Ok(())
}

fn amend_action_with_deadline(
    current: &ActionState,
    e: &ActionAmendedWithDeadline,
) -> Result<(), Rejection> {
    prose("the reason", &e.reason)?;
    optional_text("the action's title", e.title.as_ref())?;
    optional_text("the owner", e.owner.as_ref())?;
    if let Some(due) = &e.due {
        deadline_words(due)?;
    }
    let changes = e.title.as_ref().is_some_and(|t| *t != current.title)
        || e.owner.as_ref().is_some_and(|o| *o != current.owner)
        || e.due.as_ref().is_some_and(|d| *d != current.deadline);
    if changes {
        Ok(())
    } else {
        Err(Rejection::NothingChanged(format!(
            "the amendment changes nothing in action {}: give a new lead, deadline or title",
            e.id
        )))
    }
}

fn change_status(current: &ActionState, e: &ActionStatusChanged) -> Result<(), Rejection> {
    optional_prose("the note", e.note.as_ref())?;
    let rag_changes = e.rag.is_some() && e.rag != current.rag;
    if e.status == current.status && !rag_changes {
        let rag = current
            .rag
            .map(|rag| format!(" with RAG {rag}"))
            .unwrap_or_default();
        return Err(Rejection::NothingChanged(format!(
            "action {} is already {}{rag}: a status change must change the status or the RAG (to record news only, add a note)",
            e.id,
            current.status.label()
        )));
    }
    let reopening = matches!(current.status, Status::Complete | Status::Withdrawn)
        && e.status != current.status;
    if reopening && e.note.is_none() {
        return Err(Rejection::ReopenNeedsNote {
            id: e.id.to_string(),
            status: current.status.label(),
        });
    }
    Ok(())
}

fn attach(state: &State, e: &AttachEvidence) -> Result<EvidenceAttached, Rejection> {
    let id = match &e.id {
        Some(id) => {
            let created = state.evidence.get(id).map(|ev| ev.created);
            if let Some(seq) = created {
                return Err(Rejection::DuplicateId {
                    kind: "evidence",
                    id: id.to_string(),
                    seq,
                });
            }
            id.clone()
        }
        None => state.next_evidence_id(),
    };
    text("the evidence's title", &e.title)?;
    text("the file name", &e.file_name)?;
    text("the media type", &e.media_type)?;
    not_empty("the evidence supports nothing", &e.supports)?;
    at_most("the things the evidence supports", &e.supports)?;
    if e.size == 0 {
        return Err(Rejection::EmptyFile {
            file_name: e.file_name.clone(),
        });
    }
    let supports = e
        .supports
        .iter()
        .map(|reference| state.resolve(reference))
        .collect::<Result<Vec<_>, _>>()?;
    unique_subjects(&supports)?;
    Ok(EvidenceAttached {
        id,
        content_hash: e.content_hash,
        file_name: e.file_name.clone(),
        media_type: e.media_type.clone(),
        size: e.size,
        title: e.title.clone(),
        kind: e.kind,
        supports,
    })
}

fn measure_fields(e: &MeasureDefined) -> Result<(), Rejection> {
    text("the measure's title", &e.title)?;
    text("the unit", &e.unit)?;
    not_empty("the measure evidences no weakness", &e.weaknesses)?;
    at_most("the weaknesses a measure evidences", &e.weaknesses)?;
    unique("weakness", &e.weaknesses)?;
    if e.target_by < e.baseline_on {
        return Err(Rejection::DateOrder(format!(
            "the target date ({}) is before the baseline date ({})",
            e.target_by.long(),
            e.baseline_on.long()
        )));
    }
    let order = e.target.compare(&e.baseline);
    match (e.better, order) {
        (Direction::HigherIsBetter, std::cmp::Ordering::Less) => {
            Err(Rejection::Inconsistent(format!(
                "the target ({}) is below the baseline ({}) but higher values count as better; say that lower is better if it is",
                e.target, e.baseline
            )))
        }
        (Direction::LowerIsBetter, std::cmp::Ordering::Greater) => {
            Err(Rejection::Inconsistent(format!(
                "the target ({}) is above the baseline ({}) but lower values count as better; say that higher is better if it is",
                e.target, e.baseline
            )))
        }
        _ => Ok(()),
    }
}

/// Checks a trajectory against its measure: the measure's unit, no point before the baseline,
/// dates in order and each once.
fn trajectory(
    id: &MeasureId,
    unit: &str,
    baseline_on: Date,
    points: &[TrajectoryInput],
) -> Result<Vec<TrajectoryPoint>, Rejection> {
    at_most("the points of a trajectory", points)?;
    for point in points {
        if let Some(written) = &point.unit
            && !written.trim().eq_ignore_ascii_case(unit.trim())
        {
            let amount = |unit: &str| {
                if unit.chars().next().is_some_and(char::is_alphabetic) {
                    format!("{} {unit}", point.value)
                } else {
                    format!("{}{unit}", point.value)
                }
            };
            return Err(Rejection::Inconsistent(format!(
                "the trajectory point {}={} is in '{written}', but measure {id} is measured in '{unit}': write the value in {unit} ({}={})",
                point.on,
                amount(written),
                point.on,
                amount(unit)
            )));
        }
        if point.on < baseline_on {
            return Err(Rejection::DateOrder(format!(
                "the trajectory point on {} is before measure {id}'s baseline date ({}): a trajectory runs from the baseline toward the target",
                point.on.long(),
                baseline_on.long()
            )));
        }
    }
    for pair in points.windows(2) {
        if pair[1].on == pair[0].on {
            return Err(Rejection::Inconsistent(format!(
                "the trajectory has two points on {}: give one expected value per day",
                pair[0].on.long()
            )));
        }
        if pair[1].on < pair[0].on {
            return Err(Rejection::DateOrder(format!(
                "the trajectory's points are not in date order: {} is given after {}; list them from the earliest",
                pair[1].on.long(),
                pair[0].on.long()
            )));
        }
    }
    Ok(points.iter().map(TrajectoryInput::point).collect())
}

fn amend_measure(state: &State, e: &AmendMeasure) -> Result<MeasureAmended, Rejection> {
    state.require(SubjectKind::Measure, e.id.as_str())?;
    let current = &state.measures[&e.id];
    optional_prose("the definition", e.definition.as_ref())?;
    let points = match &e.trajectory {
        Some(points) => {
            not_empty("the trajectory", points)?;
            Some(trajectory(
                &e.id,
                &current.unit,
                current.baseline_on,
                points,
            )?)
        }
        None => None,
    };
    if e.definition.is_none() && e.period.is_none() && points.is_none() {
        return Err(Rejection::NothingChanged(format!(
            "nothing to change for measure {}: give its definition, period or trajectory",
            e.id
        )));
    }
    if e.definition
        .as_ref()
        .is_none_or(|d| current.definition.as_ref() == Some(d))
        && e.period.is_none_or(|p| current.period == Some(p))
        && points.as_ref().is_none_or(|p| *p == current.trajectory)
    {
        return Err(Rejection::NothingChanged(format!(
            "measure {} already has that definition, period and trajectory",
            e.id
        )));
    }
    Ok(MeasureAmended {
        id: e.id.clone(),
        definition: e.definition.clone(),
        period: e.period,
        trajectory: points,
    })
}

fn pack(state: &State, e: &PackSent, when: When) -> Result<PackSent, Rejection> {
    text("what the pack is for", &e.purpose)?;
    text("who it was sent to", &e.to)?;
    text("the pack's file name", &e.file_name)?;
    if e.as_of > when.today {
        return Err(Rejection::DateOrder(format!(
            "the pack's cut-off ({}) is in the future (today is {}): a pack holds the ledger as it stood, so cut it at today or an earlier day",
            e.as_of.long(),
            when.today.long()
        )));
    }
    if e.as_of > when.occurred_on {
        return Err(Rejection::DateOrder(format!(
            "the pack's cut-off ({}) is after the day it was sent ({}): it is sent on or after its cut-off",
            e.as_of.long(),
            when.occurred_on.long()
        )));
    }
    if e.events == 0 || e.events > state.len {
        return Err(Rejection::Inconsistent(format!(
            "the pack holds {} events but the ledger has {}: a pack is cut from this ledger",
            e.events, state.len
        )));
    }
    if e.size == 0 {
        return Err(Rejection::Inconsistent(
            "the pack file is empty: write the pack again".to_owned(),
        ));
    }
    Ok(e.clone())
}

fn measure_value(e: &MeasureRecorded) -> Result<(), Rejection> {
    optional_text("the source", e.source.as_ref())
}

fn visit(e: &MonitoringVisitFeedback) -> Result<(), Rejection> {
    text("who visited", &e.by)?;
    optional_prose("the summary", e.summary.as_ref())?;
    at_most("the strengths", &e.strengths)?;
    at_most("the concerns", &e.concerns)?;
    at_most("the next steps", &e.next_steps)?;
    let texts =
        |points: &[VisitPoint]| -> Vec<String> { points.iter().map(|p| p.text.clone()).collect() };
    proses("a strength", &texts(&e.strengths))?;
    proses("a concern", &texts(&e.concerns))?;
    proses("a next step", &texts(&e.next_steps))?;
    if e.summary.is_none()
        && e.strengths.is_empty()
        && e.concerns.is_empty()
        && e.next_steps.is_empty()
        && e.letter.is_none()
    {
        return Err(Rejection::EmptyList {
            what: "the visit records no feedback (no overall view, strength, concern, next step or letter)",
        });
    }
    Ok(())
}

fn review(e: &ProgressReviewed) -> Result<(), Rejection> {
    text("the forum", &e.forum)?;
    not_empty("the review assesses no workstream", &e.assessments)?;
    at_most("the assessments", &e.assessments)?;
    unique("workstream", e.assessments.iter().map(|a| &a.workstream))?;
    e.assessments
        .iter()
        .try_for_each(|a| optional_prose("an assessment's note", a.note.as_ref()))
}

fn raise_risk(state: &State, e: &RaiseRisk) -> Result<RiskRaised, Rejection> {
    if let Some(risk) = state.risks.get(&e.id) {
        return Err(Rejection::DuplicateId {
            kind: "risk",
            id: e.id.to_string(),
            seq: risk.created,
        });
    }
    text("the risk's title", &e.title)?;
    optional_prose("the mitigation", e.mitigation.as_ref())?;
    at_most("the things a risk threatens", &e.about)?;
    let about = e
        .about
        .iter()
        .map(|reference| state.resolve(reference))
        .collect::<Result<Vec<_>, _>>()?;
    unique_subjects(&about)?;
    Ok(RiskRaised {
        id: e.id.clone(),
        title: e.title.clone(),
        level: e.level,
        about,
        mitigation: e.mitigation.clone(),
    })
}

fn open_risk<'a>(state: &'a State, id: &RiskId) -> Result<&'a RiskState, Rejection> {
    state.require(SubjectKind::Risk, id.as_str())?;
    let risk = &state.risks[id];
    if risk.closed {
        return Err(Rejection::WrongStage(format!(
            "risk {id} is closed; raise a new risk if it has come back"
        )));
    }
    Ok(risk)
}

fn update_risk(current: &RiskState, e: &RiskUpdated) -> Result<(), Rejection> {
    optional_prose("the mitigation", e.mitigation.as_ref())?;
    optional_prose("the note", e.note.as_ref())?;
    let changes = e.level.is_some_and(|l| l != current.level)
        || (e.mitigation.is_some() && e.mitigation != current.mitigation)
        || e.note.is_some();
    if changes {
        Ok(())
    } else {
        Err(Rejection::NothingChanged(format!(
            "the update changes nothing in risk {}: give a new level or mitigation, or a note",
            e.id
        )))
    }
}

fn checkpoint(state: &State, note: &str) -> Result<crate::event::CheckpointRecorded, Rejection> {
    let parsed = crate::note::Note::parse(note).map_err(|err| {
        Rejection::Inconsistent(format!("the checkpoint is not a signed note: {err}"))
    })?;
    let body = crate::note::Checkpoint::parse(parsed.text()).map_err(|err| {
        Rejection::Inconsistent(format!("the signed note does not hold a checkpoint: {err}"))
    })?;
    if body.size == 0 || body.size > state.len {
        return Err(Rejection::Inconsistent(format!(
            "the checkpoint is of {} events, but the ledger has {}: record a checkpoint of this ledger",
            body.size, state.len
        )));
    }
    Ok(crate::event::CheckpointRecorded {
        origin: body.origin,
        size: body.size,
        root: body.root,
        signers: parsed.signatures().iter().map(|s| s.name.clone()).collect(),
        note: note.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_has_one_listed_code_and_no_two_share_one() {
        let day = Date::new(2024, 1, 1).expect("date");
        let all = [
            Rejection::NotOpened,
            Rejection::AlreadyOpened { area: "A".into() },
            Rejection::DuplicateId {
                kind: "action",
                id: "1.1".into(),
                seq: 3,
            },
            Rejection::UnknownId {
                kind: "action",
                id: "9.9".into(),
                known: String::new(),
            },
            Rejection::AmbiguousReference {
                id: "X1".into(),
                kinds: String::new(),
                example: String::new(),
            },
            Rejection::Blank { field: "the title" },
            Rejection::TooLong { field: "the title" },
            Rejection::ControlCharacter {
                field: "the title",
                character: '\u{7}',
                at: 1,
            },
            Rejection::EmptyList { what: "owners" },
            Rejection::TooMany {
                what: "owners",
                count: 101,
            },
            Rejection::EmptyFile {
                file_name: "a.txt".into(),
            },
            Rejection::Repeated {
                kind: "weakness",
                id: "W1".into(),
            },
            Rejection::NothingChanged(String::new()),
            Rejection::ReopenNeedsNote {
                id: "1.1".into(),
                status: "complete".into(),
            },
            Rejection::DateOrder(String::new()),
            Rejection::InFuture {
                date: day,
                today: day,
            },
            Rejection::WrongStage(String::new()),
            Rejection::UnknownEvent { seq: 9, len: 2 },
            Rejection::Inconsistent(String::new()),
            Rejection::EventTooLarge { bytes: 1 },
        ];
        let codes: Vec<&str> = all.iter().map(Rejection::code).collect();
        let listed: Vec<&str> = REJECTION_CODES.iter().map(|(code, _)| *code).collect();
        assert_eq!(codes, listed, "each variant once, in the list's order");
        let mut unique = codes.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), codes.len());
        assert_eq!(all[3].subject().as_deref(), Some("action 9.9"));
        assert_eq!(all[17].subject().as_deref(), Some("event 9"));
        assert_eq!(all[5].subject(), None);
    }
}
