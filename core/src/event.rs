//! The event: the envelope that is hashed and chained, and one body variant per kind of change
//! to a Written Statement of Action.
//!
//! Field order and variant order are part of the canonical bytes (docs/FORMAT.md): new variants
//! go at the end of `EventBody`, and no field is ever reordered, removed or retyped.

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::deadline::Deadline;
use crate::decimal::Decimal;
use crate::ids::{
    ActionId, Digest, EvidenceId, InspectionId, MeasureId, MilestoneId, PlanId, RiskId, Subject,
    WeaknessId, WorkstreamId,
};

/// The version of the envelope encoding written by this code.
pub const FORMAT_VERSION: u16 = 1;

/// One immutable entry of the ledger. Every field is hashed, in this order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Encoding version of this envelope (`FORMAT_VERSION`).
    pub format: u16,
    /// Position in the ledger, from 0.
    pub seq: u64,
    /// Chain hash of event `seq - 1`; all zero for event 0.
    pub prev: Digest,
    /// When the ledger learned of it: Unix time in milliseconds, UTC.
    pub recorded_at: i64,
    /// The business date on which it happened (a board met, a visit took place).
    pub occurred_on: Date,
    /// Who recorded it.
    pub actor: Actor,
    /// What happened.
    pub body: EventBody,
}

/// Who recorded an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The person or service, as named by their credentials (`--actor` on the command line).
    pub name: String,
    /// What they were allowed to do when they recorded it.
    pub role: Role,
}

/// The roles of the people who use the ledger.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Reads the plan.
    Viewer,
    /// Reads and verifies.
    Auditor,
    /// Records changes.
    Officer,
    /// Manages access.
    Admin,
}

/// One variant per kind of change. Each variant holds a struct of the same name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventBody {
    /// Tag 0: the genesis event.
    LedgerOpened(LedgerOpened),
    /// Tag 1.
    InspectionRecorded(InspectionRecorded),
    /// Tag 2.
    WeaknessRecorded(WeaknessRecorded),
    /// Tag 3.
    PlanSubmitted(PlanSubmitted),
    /// Tag 4.
    PlanAccepted(PlanAccepted),
    /// Tag 5.
    PlanRevised(PlanRevised),
    /// Tag 6.
    WorkstreamCreated(WorkstreamCreated),
    /// Tag 7.
    WorkstreamAmended(WorkstreamAmended),
    /// Tag 8.
    ActionCreated(ActionCreated),
    /// Tag 9.
    ActionAmended(ActionAmended),
    /// Tag 10.
    ActionStatusChanged(ActionStatusChanged),
    /// Tag 11.
    EvidenceAttached(EvidenceAttached),
    /// Tag 12.
    EvidenceRedacted(EvidenceRedacted),
    /// Tag 13.
    MeasureDefined(MeasureDefined),
    /// Tag 14.
    MeasureRecorded(MeasureRecorded),
    /// Tag 15.
    MonitoringVisitRecorded(MonitoringVisitRecorded),
    /// Tag 16.
    ProgressReviewed(ProgressReviewed),
    /// Tag 17.
    RiskRaised(RiskRaised),
    /// Tag 18.
    RiskUpdated(RiskUpdated),
    /// Tag 19.
    RiskClosed(RiskClosed),
    /// Tag 20.
    RevisitScheduled(RevisitScheduled),
    /// Tag 21.
    RevisitOutcomeRecorded(RevisitOutcomeRecorded),
    /// Tag 22.
    NoteAdded(NoteAdded),
    /// Tag 23.
    CorrectionRecorded(CorrectionRecorded),
    /// Tag 24: a signed (often cosigned) checkpoint of this ledger, recorded in it.
    CheckpointRecorded(CheckpointRecorded),
    /// Tag 25: an action whose deadline is written in words ("Autumn term 2021", "Ongoing",
    /// "TBC"). An action with a plain date is still recorded as `ActionCreated`.
    ActionCreatedWithDeadline(ActionCreatedWithDeadline),
    /// Tag 26: an action's deadline moves to words (and its owner or wording may change with
    /// it). A move to a plain date is still recorded as `ActionAmended`.
    ActionAmendedWithDeadline(ActionAmendedWithDeadline),
    /// Tag 27: an inspection with its id, its framework (2016 or 2023), its kind and, under the
    /// 2023 framework, its outcome. The first inspection recorded without a framework is still
    /// `InspectionRecorded` (it is inspection `I1` of the 2016 framework).
    InspectionAdded(InspectionAdded),
    /// Tag 28: a finding of an inspection: an area of significant weakness (2016), an area for
    /// priority action or an area for improvement (2023).
    FindingRecorded(FindingRecorded),
    /// Tag 29: a milestone of an action (an accelerated progress plan's 3, 6 and 12-month
    /// milestones), with its due date as written.
    MilestoneAdded(MilestoneAdded),
    /// Tag 30: a milestone met.
    MilestoneMet(MilestoneMet),
    /// Tag 31: a milestone missed, and why.
    MilestoneMissed(MilestoneMissed),
    /// Tag 32: the families' voice in the shape councils report it: what they said, what was
    /// done, the difference it made.
    CoproductionRecorded(CoproductionRecorded),
    /// Tag 33: a plan answering findings is started (an accelerated progress plan after a
    /// revisit, a priority action plan or an improvement plan after a 2023 inspection, a later
    /// WSoA). A ledger with no such event has one implicit plan, its WSoA (`PlanId::WSOA`).
    PlanStarted(PlanStarted),
    /// Tag 34: a workstream of a started plan. A workstream of the implicit WSoA is still
    /// recorded as `WorkstreamCreated`.
    WorkstreamCreatedInPlan(WorkstreamCreatedInPlan),
    /// Tag 35: a started plan submitted, accepted or revised. The implicit WSoA's steps are still
    /// `PlanSubmitted`, `PlanAccepted` and `PlanRevised`.
    PlanStepRecorded(PlanStepRecorded),
    /// Tag 36: a DfE and NHS England review of a plan, continuing or ending the monitoring of
    /// its workstreams.
    MonitoringReviewed(MonitoringReviewed),
    /// Tag 37: a measure defined with its definition, its reporting period or a trajectory
    /// toward its target. A measure without any of these is still recorded as `MeasureDefined`.
    MeasureDefinedWithTrajectory(MeasureDefinedWithTrajectory),
    /// Tag 38: a measure's definition, reporting period or trajectory set after it was defined
    /// (its baseline and target never change).
    MeasureAmended(MeasureAmended),
    /// Tag 39: an evidence pack sent before a review or visit: to whom, for what, the point of
    /// the ledger it was cut at, and the pack file's hash and size.
    PackSent(PackSent),
    /// Tag 40: a monitoring visit's feedback with points tied to the findings they concern, or
    /// with the visit's letter. A visit with neither is still recorded as
    /// `MonitoringVisitRecorded`.
    MonitoringVisitFeedback(MonitoringVisitFeedback),
}

impl EventBody {
    /// The variant's name in snake case, as used by `--kind` filters and JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            EventBody::LedgerOpened(_) => "ledger_opened",
            EventBody::InspectionRecorded(_) => "inspection_recorded",
            EventBody::WeaknessRecorded(_) => "weakness_recorded",
            EventBody::PlanSubmitted(_) => "plan_submitted",
            EventBody::PlanAccepted(_) => "plan_accepted",
            EventBody::PlanRevised(_) => "plan_revised",
            EventBody::WorkstreamCreated(_) => "workstream_created",
            EventBody::WorkstreamAmended(_) => "workstream_amended",
            EventBody::ActionCreated(_) => "action_created",
            EventBody::ActionAmended(_) => "action_amended",
            EventBody::ActionStatusChanged(_) => "action_status_changed",
            EventBody::EvidenceAttached(_) => "evidence_attached",
            EventBody::EvidenceRedacted(_) => "evidence_redacted",
            EventBody::MeasureDefined(_) => "measure_defined",
            EventBody::MeasureRecorded(_) => "measure_recorded",
            EventBody::MonitoringVisitRecorded(_) => "monitoring_visit_recorded",
            EventBody::ProgressReviewed(_) => "progress_reviewed",
            EventBody::RiskRaised(_) => "risk_raised",
            EventBody::RiskUpdated(_) => "risk_updated",
            EventBody::RiskClosed(_) => "risk_closed",
            EventBody::RevisitScheduled(_) => "revisit_scheduled",
            EventBody::RevisitOutcomeRecorded(_) => "revisit_outcome_recorded",
            EventBody::NoteAdded(_) => "note_added",
            EventBody::CorrectionRecorded(_) => "correction_recorded",
            EventBody::CheckpointRecorded(_) => "checkpoint_recorded",
            EventBody::ActionCreatedWithDeadline(_) => "action_created_with_deadline",
            EventBody::ActionAmendedWithDeadline(_) => "action_amended_with_deadline",
            EventBody::InspectionAdded(_) => "inspection_added",
            EventBody::FindingRecorded(_) => "finding_recorded",
            EventBody::MilestoneAdded(_) => "milestone_added",
            EventBody::MilestoneMet(_) => "milestone_met",
            EventBody::MilestoneMissed(_) => "milestone_missed",
            EventBody::CoproductionRecorded(_) => "coproduction_recorded",
            EventBody::PlanStarted(_) => "plan_started",
            EventBody::WorkstreamCreatedInPlan(_) => "workstream_created_in_plan",
            EventBody::PlanStepRecorded(_) => "plan_step_recorded",
            EventBody::MonitoringReviewed(_) => "monitoring_reviewed",
            EventBody::MeasureDefinedWithTrajectory(_) => "measure_defined_with_trajectory",
            EventBody::MeasureAmended(_) => "measure_amended",
            EventBody::PackSent(_) => "pack_sent",
            EventBody::MonitoringVisitFeedback(_) => "monitoring_visit_feedback",
        }
    }
}

/// The ledger of one local area's WSoA is opened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerOpened {
    /// The local area ("Northshire local area").
    pub area: String,
    /// The partners who own the plan jointly (the council, the ICB, ...).
    pub partners: Vec<String>,
}

/// The joint inspection and the publication of its report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectionRecorded {
    /// Who inspected ("Ofsted", "CQC").
    pub inspectorates: Vec<String>,
    /// First day on site.
    pub from: Date,
    /// Last day on site.
    pub to: Date,
    /// The day the report letter was published.
    pub published: Date,
}

/// The inspection framework an inspection was held under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Framework {
    /// Variant 0: the 2016 framework (significant weaknesses, a WSoA, a revisit).
    #[serde(rename = "2016")]
    Y2016,
    /// Variant 1: the framework in use since January 2023 (three outcomes, areas for priority
    /// action and for improvement, monitoring inspections).
    #[serde(rename = "2023")]
    Y2023,
}

/// What kind of inspection it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InspectionKind {
    /// Variant 0: a full inspection of the local area.
    Full,
    /// Variant 1: a monitoring inspection (2023 framework).
    Monitoring,
    /// Variant 2: a revisit of a written statement of action (2016 framework).
    Revisit,
}

/// The outcome of an inspection under the 2023 framework.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InspectionOutcome {
    /// Variant 0: the local area partnership's arrangements typically lead to positive
    /// experiences and outcomes.
    Positive,
    /// Variant 1: they lead to inconsistent experiences and outcomes.
    Inconsistent,
    /// Variant 2: there are widespread and/or systemic failings leading to significant concerns.
    Systemic,
}

impl InspectionOutcome {
    /// The outcome in the framework's words.
    pub fn describe(self) -> &'static str {
        match self {
            InspectionOutcome::Positive => "positive experiences and outcomes",
            InspectionOutcome::Inconsistent => "inconsistent experiences and outcomes",
            InspectionOutcome::Systemic => "widespread and/or systemic failings",
        }
    }
}

/// An inspection of the local area, any of several in one ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectionAdded {
    /// Its id (`I2`).
    pub id: InspectionId,
    /// The framework it was held under.
    pub framework: Framework,
    /// Full, monitoring or revisit.
    pub kind: InspectionKind,
    /// Its outcome, under the 2023 framework.
    pub outcome: Option<InspectionOutcome>,
    /// Who inspected ("Ofsted", "CQC").
    pub inspectorates: Vec<String>,
    /// First day on site.
    pub from: Date,
    /// Last day on site.
    pub to: Date,
    /// The day the report was published.
    pub published: Date,
}

/// What kind of finding it is, in its framework's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// Variant 0: an area of significant weakness (2016 framework).
    Weakness,
    /// Variant 1: an area for priority action (2023 framework).
    PriorityAction,
    /// Variant 2: an area for improvement (2023 framework).
    Improvement,
}

impl FindingKind {
    /// The finding's name: "area of significant weakness", "area for priority action".
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::Weakness => "area of significant weakness",
            FindingKind::PriorityAction => "area for priority action",
            FindingKind::Improvement => "area for improvement",
        }
    }

    /// The framework whose findings are of this kind.
    pub fn framework(self) -> Framework {
        match self {
            FindingKind::Weakness => Framework::Y2016,
            FindingKind::PriorityAction | FindingKind::Improvement => Framework::Y2023,
        }
    }
}

/// A finding of an inspection. Findings share their ids with the areas of weakness, so
/// workstreams, measures, evidence and notes answer them as they answer weaknesses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingRecorded {
    /// Its id (`AP1`, `AFI2`, `W3`).
    pub id: WeaknessId,
    /// The inspection that found it.
    pub inspection: InspectionId,
    /// What kind of finding it is.
    pub kind: FindingKind,
    /// A short title.
    pub title: String,
    /// The inspectors' words, if recorded.
    pub finding: Option<String>,
}

/// A milestone of an action: what is to be in place by when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestoneAdded {
    /// The action it belongs to.
    pub action: ActionId,
    /// Its id within the action (`3m`, `MS1`).
    pub id: MilestoneId,
    /// What is to be in place.
    pub title: String,
    /// When, as written (a date, "March 2024", "Q4 2023/24").
    pub due: crate::deadline::Deadline,
}

/// A milestone met on the event's `occurred_on` date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestoneMet {
    /// The action it belongs to.
    pub action: ActionId,
    /// Which milestone.
    pub id: MilestoneId,
    /// What shows it, if said.
    pub note: Option<String>,
}

/// A milestone missed, and why (advisers ask).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestoneMissed {
    /// The action it belongs to.
    pub action: ActionId,
    /// Which milestone.
    pub id: MilestoneId,
    /// Why it was missed.
    pub reason: String,
}

/// "You said, we did, the difference it made": what children, young people and families said
/// about a weakness or finding, what was done, and what changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoproductionRecorded {
    /// The weakness or finding it is about.
    pub about: WeaknessId,
    /// What they said.
    pub said: String,
    /// What was done.
    pub did: String,
    /// The difference it made, once known.
    pub difference: Option<String>,
    /// Whose voice it is ("Northshire Parent Carer Forum", "Year 10 survey").
    pub from: String,
    /// How many responded, for a survey.
    pub respondents: Option<u64>,
}

/// What kind of plan it is, in the frameworks' words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlanKind {
    /// Variant 0: a Written Statement of Action (2016 framework).
    Wsoa,
    /// Variant 1: an Accelerated Progress Plan, after a revisit found insufficient progress.
    App,
    /// Variant 2: a priority action plan (2023 framework, areas for priority action).
    PriorityActionPlan,
    /// Variant 3: an improvement plan (2023 framework, areas for improvement).
    ImprovementPlan,
}

impl PlanKind {
    /// The plan's name in the frameworks' words: "Written Statement of Action".
    pub fn name(self) -> &'static str {
        match self {
            PlanKind::Wsoa => "Written Statement of Action",
            PlanKind::App => "Accelerated Progress Plan",
            PlanKind::PriorityActionPlan => "priority action plan",
            PlanKind::ImprovementPlan => "improvement plan",
        }
    }
}

/// A plan answering findings is started.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanStarted {
    /// Its id (`APP1`).
    pub id: PlanId,
    /// What kind of plan it is.
    pub kind: PlanKind,
    /// Its title.
    pub title: String,
    /// The findings it answers (at least one, each recorded).
    pub answers: Vec<WeaknessId>,
}

/// A workstream of a started plan: `WorkstreamCreated` with the plan it belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkstreamCreatedInPlan {
    /// Its id.
    pub id: WorkstreamId,
    /// A short title.
    pub title: String,
    /// The senior accountable sponsor.
    pub sponsor: String,
    /// The findings it answers (at least one, each answered by its plan).
    pub weaknesses: Vec<WeaknessId>,
    /// The plan it belongs to.
    pub plan: PlanId,
}

/// A step in a started plan's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlanStep {
    /// Variant 0: the version was submitted.
    Submitted,
    /// Variant 1: the version was accepted.
    Accepted,
    /// Variant 2: a new version was started.
    Revised,
}

/// A started plan is submitted, accepted or revised (`PlanSubmitted`, `PlanAccepted` and
/// `PlanRevised` with the plan's id).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanStepRecorded {
    /// Which plan.
    pub plan: PlanId,
    /// What happened.
    pub step: PlanStep,
    /// The version concerned (the new version, for a revision).
    pub version: u32,
    /// What was said (always given for a revision).
    pub summary: Option<String>,
}

/// A DfE and NHS England review of a plan, held on `occurred_on`: monitoring continues for
/// some workstreams and ends for others.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitoringReviewed {
    /// The plan reviewed.
    pub plan: PlanId,
    /// Who reviewed ("DfE and NHS England advisers").
    pub by: String,
    /// Their conclusion.
    pub summary: String,
    /// The workstreams whose monitoring continues.
    pub continues: Vec<WorkstreamId>,
    /// The workstreams whose monitoring ends.
    pub ended: Vec<WorkstreamId>,
}

impl InspectionRecorded {
    /// The same inspection as any inspection is recorded: `I1`, a full inspection of the 2016
    /// framework.
    pub fn as_added(&self) -> InspectionAdded {
        InspectionAdded {
            id: InspectionId::first(),
            framework: Framework::Y2016,
            kind: InspectionKind::Full,
            outcome: None,
            inspectorates: self.inspectorates.clone(),
            from: self.from,
            to: self.to,
            published: self.published,
        }
    }
}

impl WeaknessRecorded {
    /// The same weakness as any finding is recorded: an area of significant weakness of `I1`.
    pub fn as_finding(&self) -> FindingRecorded {
        FindingRecorded {
            id: self.id.clone(),
            inspection: InspectionId::first(),
            kind: FindingKind::Weakness,
            title: self.title.clone(),
            finding: self.finding.clone(),
        }
    }
}

/// An area of significant weakness named in the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeaknessRecorded {
    /// Its id.
    pub id: WeaknessId,
    /// A short title.
    pub title: String,
    /// The finding in the inspectors' words.
    pub finding: Option<String>,
}

/// The statement (at a version) is submitted to Ofsted and CQC.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanSubmitted {
    /// The version submitted, from 1.
    pub version: u32,
    /// What was submitted.
    pub summary: Option<String>,
}

/// Ofsted and CQC find the statement fit for purpose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanAccepted {
    /// The version accepted.
    pub version: u32,
    /// What the letter said.
    pub summary: Option<String>,
}

/// The statement is revised; the new version must be submitted again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRevised {
    /// The new version.
    pub version: u32,
    /// What changed and why.
    pub summary: String,
}

/// A workstream with its senior accountable sponsor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkstreamCreated {
    /// Its id.
    pub id: WorkstreamId,
    /// A short title.
    pub title: String,
    /// The senior accountable sponsor.
    pub sponsor: String,
    /// The weaknesses it answers (at least one).
    pub weaknesses: Vec<WeaknessId>,
}

/// A workstream's title, sponsor or weaknesses change, for a reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkstreamAmended {
    /// Which workstream.
    pub id: WorkstreamId,
    /// The new title, if it changed.
    pub title: Option<String>,
    /// The new sponsor, if they changed.
    pub sponsor: Option<String>,
    /// The new list of weaknesses, if it changed.
    pub weaknesses: Option<Vec<WeaknessId>>,
    /// Why.
    pub reason: String,
}

/// An action of a workstream, with its owner and deadline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionCreated {
    /// Its id.
    pub id: ActionId,
    /// The workstream it belongs to.
    pub workstream: WorkstreamId,
    /// What will be done.
    pub title: String,
    /// The lead officer.
    pub owner: String,
    /// The deadline.
    pub due: Date,
    /// Success criteria or measures of impact.
    pub success: Vec<String>,
}

/// An action's owner, deadline or wording changes, for a reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionAmended {
    /// Which action.
    pub id: ActionId,
    /// The new wording, if it changed.
    pub title: Option<String>,
    /// The new owner, if they changed.
    pub owner: Option<String>,
    /// The new deadline, if it moved.
    pub due: Option<Date>,
    /// Why (a slipped deadline's reason is what inspectors ask about).
    pub reason: String,
}

/// An action of a workstream whose deadline is written in words: the words are kept, with the day
/// they stand for, or as recurring work, or as a deadline not yet set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionCreatedWithDeadline {
    /// Its id.
    pub id: ActionId,
    /// The workstream it belongs to.
    pub workstream: WorkstreamId,
    /// What will be done.
    pub title: String,
    /// The lead officer.
    pub owner: String,
    /// The deadline as written.
    pub due: Deadline,
    /// Success criteria or measures of impact.
    pub success: Vec<String>,
}

impl ActionCreatedWithDeadline {
    /// The event that records it: `ActionCreated` when the deadline is a plain date, so an action
    /// with a date is recorded exactly as it always was.
    pub fn into_body(self) -> EventBody {
        match self.due {
            Deadline::On(due) => EventBody::ActionCreated(ActionCreated {
                id: self.id,
                workstream: self.workstream,
                title: self.title,
                owner: self.owner,
                due,
                success: self.success,
            }),
            _ => EventBody::ActionCreatedWithDeadline(self),
        }
    }
}

/// An action's deadline moves to words, for a reason (its owner or wording may change too).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionAmendedWithDeadline {
    /// Which action.
    pub id: ActionId,
    /// The new wording, if it changed.
    pub title: Option<String>,
    /// The new owner, if they changed.
    pub owner: Option<String>,
    /// The new deadline as written, if it moved.
    pub due: Option<Deadline>,
    /// Why.
    pub reason: String,
}

impl ActionAmendedWithDeadline {
    /// The event that records it: `ActionAmended` unless the new deadline is in words.
    pub fn into_body(self) -> EventBody {
        match self.due {
            Some(Deadline::On(_)) | None => EventBody::ActionAmended(ActionAmended {
                id: self.id,
                title: self.title,
                owner: self.owner,
                due: self.due.and_then(|due| due.date()),
                reason: self.reason,
            }),
            Some(_) => EventBody::ActionAmendedWithDeadline(self),
        }
    }
}

/// Where an action stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Not started.
    NotStarted,
    /// In progress.
    InProgress,
    /// Complete.
    Complete,
    /// Blocked.
    Blocked,
    /// Withdrawn.
    Withdrawn,
}

/// A red/amber/green rating.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rag {
    /// Red.
    Red,
    /// Amber.
    Amber,
    /// Green.
    Green,
}

/// An action's status (and optionally its RAG) changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionStatusChanged {
    /// Which action.
    pub id: ActionId,
    /// The status it now has.
    pub status: Status,
    /// The RAG it now has, if one was given.
    pub rag: Option<Rag>,
    /// The update that goes with it.
    pub note: Option<String>,
}

/// What kind of document a piece of evidence is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceKind {
    /// Any document.
    Document,
    /// Minutes of a board or meeting.
    Minutes,
    /// Audit results (such as an EHCP quality audit).
    Audit,
    /// A survey and its analysis.
    Survey,
    /// Training records and attendance.
    Training,
    /// A case study.
    CaseStudy,
    /// A performance dashboard or data extract.
    Dashboard,
    /// A policy, procedure or framework.
    Policy,
    /// Feedback from parents, carers or young people.
    Feedback,
    /// Anything else.
    Other,
}

/// A file is attached as evidence. Only its hash is hashed; the content is stored beside.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceAttached {
    /// Its id.
    pub id: EvidenceId,
    /// BLAKE3 hash of the file's content.
    pub content_hash: Digest,
    /// The file's name when attached.
    pub file_name: String,
    /// Its media type (`application/pdf`).
    pub media_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// What it is, in a few words.
    pub title: String,
    /// What kind of document it is.
    pub kind: EvidenceKind,
    /// What it supports (at least one).
    pub supports: Vec<Subject>,
}

/// A piece of evidence's content is purged for data-protection reasons; its hash stays.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceRedacted {
    /// Which evidence.
    pub id: EvidenceId,
    /// Why (the data-protection request).
    pub reason: String,
}

/// Which way a measure should move.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// Higher values are better (EHC plans issued within 20 weeks).
    HigherIsBetter,
    /// Lower values are better (exclusions, waiting times).
    LowerIsBetter,
}

/// A measure of impact with its baseline and target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureDefined {
    /// Its id.
    pub id: MeasureId,
    /// What is measured.
    pub title: String,
    /// The unit ("%", "visitors", "days").
    pub unit: String,
    /// The value before the plan.
    pub baseline: Decimal,
    /// When the baseline was taken.
    pub baseline_on: Date,
    /// The value aimed for.
    pub target: Decimal,
    /// When it should be reached.
    pub target_by: Date,
    /// Which way is better.
    pub better: Direction,
    /// The weaknesses whose impact it shows (at least one).
    pub weaknesses: Vec<WeaknessId>,
}

/// The period a measure's value covers, as a council reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Period {
    /// Variant 0: the month to the value's date.
    Month,
    /// Variant 1: the quarter to the value's date.
    Quarter,
    /// Variant 2: the year to date.
    YearToDate,
    /// Variant 3: the academic year (September to August).
    AcademicYear,
    /// Variant 4: the financial year (April to March).
    FinancialYear,
    /// Variant 5: the calendar year.
    CalendarYear,
}

impl Period {
    /// Every period, in variant order.
    pub const ALL: [Period; 6] = [
        Period::Month,
        Period::Quarter,
        Period::YearToDate,
        Period::AcademicYear,
        Period::FinancialYear,
        Period::CalendarYear,
    ];

    /// The word the CLI and the API take (`year-to-date`).
    pub fn word(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::YearToDate => "year-to-date",
            Period::AcademicYear => "academic-year",
            Period::FinancialYear => "financial-year",
            Period::CalendarYear => "calendar-year",
        }
    }

    /// The period in words ("the financial year").
    pub fn describe(self) -> &'static str {
        match self {
            Period::Month => "the month",
            Period::Quarter => "the quarter",
            Period::YearToDate => "the year to date",
            Period::AcademicYear => "the academic year",
            Period::FinancialYear => "the financial year",
            Period::CalendarYear => "the calendar year",
        }
    }
}

impl std::str::FromStr for Period {
    type Err = crate::ids::ParseError;

    fn from_str(input: &str) -> Result<Period, crate::ids::ParseError> {
        let word = input.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        Period::ALL
            .into_iter()
            .find(|p| p.word() == word)
            .ok_or_else(|| crate::ids::ParseError::Choice {
                what: "period",
                input: input.to_owned(),
                allowed: "month, quarter, year-to-date, academic-year, financial-year, calendar-year",
            })
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.word())
    }
}

/// One point of a measure's trajectory: the value expected by a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrajectoryPoint {
    /// The day.
    pub on: Date,
    /// The value expected by then, in the measure's unit.
    pub value: Decimal,
}

/// A measure defined with its definition, period or trajectory (tag 37).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureDefinedWithTrajectory {
    /// The measure, with the same fields as `MeasureDefined` and in the same order.
    pub measure: MeasureDefined,
    /// How it is counted ("new EHC plans issued in the period within 20 weeks, excluding
    /// exceptions, as a share of all new plans issued").
    pub definition: Option<String>,
    /// The period each value covers.
    pub period: Option<Period>,
    /// The values expected on the way to the target, in date order.
    pub trajectory: Vec<TrajectoryPoint>,
}

impl MeasureDefinedWithTrajectory {
    /// The event that records it: `MeasureDefined` when it has no definition, period or
    /// trajectory, so such a measure is recorded exactly as it always was.
    pub fn into_body(self) -> EventBody {
        if self.definition.is_none() && self.period.is_none() && self.trajectory.is_empty() {
            EventBody::MeasureDefined(self.measure)
        } else {
            EventBody::MeasureDefinedWithTrajectory(self)
        }
    }
}

/// A measure's definition, period or trajectory set after it was defined (tag 38). What is
/// `None` stays as it was; a trajectory given replaces the whole trajectory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureAmended {
    /// Which measure.
    pub id: MeasureId,
    /// The new definition, if it changed.
    pub definition: Option<String>,
    /// The new period, if it changed.
    pub period: Option<Period>,
    /// The new trajectory, in date order, if it changed.
    pub trajectory: Option<Vec<TrajectoryPoint>>,
}

/// An evidence pack sent before a review or visit (tag 39).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackSent {
    /// What it was for ("APP six-month review").
    pub purpose: String,
    /// Who it was sent to ("DfE SEND adviser").
    pub to: String,
    /// The cut-off: the pack holds the ledger as known at the end of this day.
    pub as_of: Date,
    /// How many events the pack holds (events 0 to `events - 1`).
    pub events: u64,
    /// The chain hash of the last event it holds.
    pub head: Digest,
    /// The pack file's name as written.
    pub file_name: String,
    /// BLAKE3 of the whole pack file.
    pub file_hash: Digest,
    /// Its size in bytes.
    pub size: u64,
}

/// A measure's value on the event's `occurred_on` date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureRecorded {
    /// Which measure.
    pub id: MeasureId,
    /// The value.
    pub value: Decimal,
    /// Where it came from ("EHC hub report, July 2019").
    pub source: Option<String>,
}

/// Feedback from a DfE / NHS England monitoring visit held on `occurred_on`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitoringVisitRecorded {
    /// Who visited ("DfE and NHS England advisers").
    pub by: String,
    /// Their overall view.
    pub summary: Option<String>,
    /// Strengths they found.
    pub strengths: Vec<String>,
    /// Concerns they raised.
    pub concerns: Vec<String>,
    /// What they asked to be done next.
    pub next_steps: Vec<String>,
}

/// One point of a monitoring visit's feedback (a strength, a concern or a next step) and the
/// findings it concerns (none: the area as a whole).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitPoint {
    /// The visitors' words.
    pub text: String,
    /// The weaknesses or findings it concerns.
    pub about: Vec<WeaknessId>,
}

impl VisitPoint {
    /// A point that concerns no finding in particular.
    pub fn general(text: impl Into<String>) -> VisitPoint {
        VisitPoint {
            text: text.into(),
            about: Vec::new(),
        }
    }
}

/// Feedback from a monitoring visit held on `occurred_on`, with each point tied to the findings
/// it concerns and the visit's letter (tag 40). The fields are `MonitoringVisitRecorded`'s, each
/// point with its findings, then the letter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitoringVisitFeedback {
    /// Who visited ("DfE and NHS England advisers").
    pub by: String,
    /// Their overall view.
    pub summary: Option<String>,
    /// Strengths they found.
    pub strengths: Vec<VisitPoint>,
    /// Concerns they raised.
    pub concerns: Vec<VisitPoint>,
    /// What they asked to be done next.
    pub next_steps: Vec<VisitPoint>,
    /// The visit's letter, attached as evidence.
    pub letter: Option<EvidenceId>,
}

impl MonitoringVisitFeedback {
    /// Every point: the strengths, then the concerns, then the next steps.
    pub fn points(&self) -> impl Iterator<Item = &VisitPoint> {
        self.strengths
            .iter()
            .chain(&self.concerns)
            .chain(&self.next_steps)
    }

    /// The findings the points name, each once, in the order first named.
    pub fn findings(&self) -> Vec<WeaknessId> {
        let mut findings: Vec<WeaknessId> = Vec::new();
        for id in self.points().flat_map(|point| &point.about) {
            if !findings.contains(id) {
                findings.push(id.clone());
            }
        }
        findings
    }

    /// The same feedback as `MonitoringVisitRecorded` holds it, when no point is tied to a
    /// finding and there is no letter: such a visit keeps that event's bytes.
    pub fn untied(&self) -> Option<MonitoringVisitRecorded> {
        let plain = |points: &[VisitPoint]| -> Option<Vec<String>> {
            points
                .iter()
                .map(|p| p.about.is_empty().then(|| p.text.clone()))
                .collect()
        };
        if self.letter.is_some() {
            return None;
        }
        Some(MonitoringVisitRecorded {
            by: self.by.clone(),
            summary: self.summary.clone(),
            strengths: plain(&self.strengths)?,
            concerns: plain(&self.concerns)?,
            next_steps: plain(&self.next_steps)?,
        })
    }
}

impl From<MonitoringVisitRecorded> for MonitoringVisitFeedback {
    fn from(e: MonitoringVisitRecorded) -> MonitoringVisitFeedback {
        let points = |texts: Vec<String>| texts.into_iter().map(VisitPoint::general).collect();
        MonitoringVisitFeedback {
            by: e.by,
            summary: e.summary,
            strengths: points(e.strengths),
            concerns: points(e.concerns),
            next_steps: points(e.next_steps),
            letter: None,
        }
    }
}

/// A board's view of one workstream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rating {
    /// On track.
    OnTrack,
    /// At risk.
    AtRisk,
    /// Off track.
    OffTrack,
}

/// One line of a progress review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    /// Which workstream.
    pub workstream: WorkstreamId,
    /// The board's rating.
    pub rating: Rating,
    /// Why, if said.
    pub note: Option<String>,
}

/// A board (improvement board, partnership board) reviews progress on `occurred_on`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressReviewed {
    /// Which forum ("SEND Improvement Board").
    pub forum: String,
    /// Its assessment of each workstream it reviewed (at least one, each workstream once).
    pub assessments: Vec<Assessment>,
}

/// How serious a risk is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RiskLevel {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
}

/// A risk to delivery is raised.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskRaised {
    /// Its id.
    pub id: RiskId,
    /// What the risk is.
    pub title: String,
    /// How serious it is.
    pub level: RiskLevel,
    /// What it threatens.
    pub about: Vec<Subject>,
    /// What is being done about it.
    pub mitigation: Option<String>,
}

/// A risk's level or mitigation changes, or there is news of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskUpdated {
    /// Which risk.
    pub id: RiskId,
    /// The new level, if it changed.
    pub level: Option<RiskLevel>,
    /// The new mitigation, if it changed.
    pub mitigation: Option<String>,
    /// The update.
    pub note: Option<String>,
}

/// A risk is closed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskClosed {
    /// Which risk.
    pub id: RiskId,
    /// Why it no longer applies.
    pub reason: String,
}

/// The window in which the inspectors will revisit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisitScheduled {
    /// First day of the window.
    pub from: Date,
    /// Last day of the window.
    pub to: Date,
}

/// The inspectors' judgement on one weakness at the revisit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Progress {
    /// Sufficient progress.
    Sufficient,
    /// Not sufficient progress.
    Insufficient,
}

/// One weakness's outcome at the revisit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// Which weakness.
    pub weakness: WeaknessId,
    /// The judgement.
    pub progress: Progress,
}

/// The revisit's outcome letter, weakness by weakness.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisitOutcomeRecorded {
    /// One judgement per weakness judged (at least one, each weakness once).
    pub outcomes: Vec<Outcome>,
}

/// A note: co-production, the voice of parent carers and young people, or any remark.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteAdded {
    /// What it is about.
    pub about: Subject,
    /// The note.
    pub text: String,
    /// Whose voice it is, if not the recorder's ("Parent Carer Forum").
    pub from: Option<String>,
}

/// An earlier event was wrong. The earlier event is never changed; this says how it was wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionRecorded {
    /// The sequence number of the event that was wrong.
    pub seq: u64,
    /// What was wrong and what is right.
    pub reason: String,
}

/// A signed checkpoint of this ledger (C2SP signed note over a tlog checkpoint) is recorded in
/// it: once a DfE adviser has cosigned the history up to a monitoring visit, that history can
/// never be rewritten unnoticed, and the ledger itself says so.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointRecorded {
    /// The checkpoint's origin line (this ledger's).
    pub origin: String,
    /// The tree size it pins: the history up to event `size - 1`.
    pub size: u64,
    /// The RFC 6962 root it pins.
    pub root: Digest,
    /// The names on its signature lines, in order.
    pub signers: Vec<String>,
    /// The signed note, exactly as given, so anyone can check the signatures later.
    pub note: String,
}

/// Gives a unit enum its kebab-case words: `as_str`, `FromStr` (accepting any case, and spaces or
/// underscores for hyphens), and the list of words for error messages.
macro_rules! words {
    ($name:ident, $what:literal, { $($variant:ident => $word:literal),+ $(,)? }) => {
        impl $name {
            /// Every value's word, comma separated.
            pub const WORDS: &'static str = concat!($($word, ", "),+);

            /// The value's word (`in-progress`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }

            /// The value's word for a sentence (`in progress`).
            pub fn label(self) -> String {
                self.as_str().replace('-', " ")
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::ids::ParseError;

            fn from_str(input: &str) -> Result<$name, crate::ids::ParseError> {
                let word = input.trim().to_ascii_lowercase().replace([' ', '_'], "-");
                match word.as_str() {
                    $($word => Ok($name::$variant),)+
                    _ => Err(crate::ids::ParseError::Choice {
                        what: $what,
                        input: input.to_owned(),
                        allowed: Self::WORDS.trim_end_matches(", "),
                    }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

words!(Role, "role", { Viewer => "viewer", Auditor => "auditor", Officer => "officer", Admin => "admin" });
words!(Status, "status", {
    NotStarted => "not-started",
    InProgress => "in-progress",
    Complete => "complete",
    Blocked => "blocked",
    Withdrawn => "withdrawn",
});
words!(Rag, "RAG rating", { Red => "red", Amber => "amber", Green => "green" });
words!(EvidenceKind, "kind of evidence", {
    Document => "document",
    Minutes => "minutes",
    Audit => "audit",
    Survey => "survey",
    Training => "training",
    CaseStudy => "case-study",
    Dashboard => "dashboard",
    Policy => "policy",
    Feedback => "feedback",
    Other => "other",
});
words!(Direction, "direction", { HigherIsBetter => "higher-is-better", LowerIsBetter => "lower-is-better" });
words!(Rating, "assessment", { OnTrack => "on-track", AtRisk => "at-risk", OffTrack => "off-track" });
words!(RiskLevel, "risk level", { Low => "low", Medium => "medium", High => "high" });
words!(Progress, "revisit outcome", { Sufficient => "sufficient", Insufficient => "insufficient" });
words!(Framework, "inspection framework", { Y2016 => "2016", Y2023 => "2023" });
words!(InspectionKind, "kind of inspection", { Full => "full", Monitoring => "monitoring", Revisit => "revisit" });
words!(InspectionOutcome, "inspection outcome", {
    Positive => "positive",
    Inconsistent => "inconsistent",
    Systemic => "systemic",
});
words!(PlanKind, "kind of plan", {
    Wsoa => "wsoa",
    App => "app",
    PriorityActionPlan => "priority-action-plan",
    ImprovementPlan => "improvement-plan",
});
words!(PlanStep, "plan step", { Submitted => "submitted", Accepted => "accepted", Revised => "revised" });
words!(FindingKind, "type of finding", {
    Weakness => "weakness",
    PriorityAction => "priority-action",
    Improvement => "improvement",
});
