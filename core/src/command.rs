//! Commands: what a user asks the ledger to record. `decide` checks a command against the
//! current state and turns it into the event body that records it.
//!
//! Where a command carries exactly what its event will hold, it reuses the event's struct; where
//! the ledger must fill something in (a version number, an evidence id) or resolve what a user
//! typed (a reference of unknown kind), the command has its own struct.

use crate::date::Date;
use crate::decimal::Decimal;
use crate::event::{
    ActionAmended, ActionAmendedWithDeadline, ActionCreated, ActionCreatedWithDeadline,
    ActionStatusChanged, CoproductionRecorded, CorrectionRecorded, EvidenceKind, EvidenceRedacted,
    FindingKind, Framework, InspectionKind, InspectionOutcome, InspectionRecorded, LedgerOpened,
    MeasureDefined, MeasureRecorded, MilestoneAdded, MilestoneMet, MilestoneMissed,
    MonitoringReviewed, MonitoringVisitFeedback, PlanStarted, PlanStep, ProgressReviewed,
    RevisitOutcomeRecorded, RevisitScheduled, RiskClosed, RiskLevel, RiskUpdated, WeaknessRecorded,
    WorkstreamAmended, WorkstreamCreated,
};
use crate::event::{Direction, PackSent, Period, TrajectoryPoint};
use crate::ids::{
    Digest, EvidenceId, InspectionId, MeasureId, PlanId, RiskId, SubjectRef, WeaknessId,
};

/// Everything that can be recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Open a new ledger (only as its first event).
    OpenLedger(LedgerOpened),
    /// Record the inspection (once).
    RecordInspection(InspectionRecorded),
    /// Record an area of significant weakness.
    RecordWeakness(WeaknessRecorded),
    /// Submit the current version of the statement.
    SubmitPlan {
        /// What was submitted.
        summary: Option<String>,
    },
    /// Record that the submitted version was found fit for purpose.
    AcceptPlan {
        /// What the letter said.
        summary: Option<String>,
    },
    /// Start a new version of the statement.
    RevisePlan {
        /// What changes and why.
        summary: String,
    },
    /// Create a workstream.
    CreateWorkstream(WorkstreamCreated),
    /// Amend a workstream.
    AmendWorkstream(WorkstreamAmended),
    /// Create an action.
    CreateAction(ActionCreated),
    /// Amend an action's owner, deadline or wording.
    AmendAction(ActionAmended),
    /// Change an action's status and RAG.
    ChangeActionStatus(ActionStatusChanged),
    /// Attach a file (already stored by its hash) as evidence.
    AttachEvidence(AttachEvidence),
    /// Purge a piece of evidence's content.
    RedactEvidence(EvidenceRedacted),
    /// Define a measure of impact.
    DefineMeasure(MeasureDefined),
    /// Record a measure's value.
    RecordMeasure(MeasureRecorded),
    /// Record a monitoring visit's feedback, each point with the findings it concerns, and its
    /// letter.
    RecordVisit(MonitoringVisitFeedback),
    /// Record a board's review of progress.
    ReviewProgress(ProgressReviewed),
    /// Raise a risk.
    RaiseRisk(RaiseRisk),
    /// Update a risk.
    UpdateRisk(RiskUpdated),
    /// Close a risk.
    CloseRisk(RiskClosed),
    /// Schedule (or reschedule) the revisit.
    ScheduleRevisit(RevisitScheduled),
    /// Record the revisit's outcome.
    RecordRevisitOutcome(RevisitOutcomeRecorded),
    /// Add a note about something in the plan.
    AddNote(AddNote),
    /// Record that an earlier event was wrong.
    RecordCorrection(CorrectionRecorded),
    /// Record a signed checkpoint of this ledger (its note text). The ledger checks that it is
    /// its own, at a size it has, with its root, before deciding.
    RecordCheckpoint {
        /// The signed note.
        note: String,
    },
    /// Create an action whose deadline may be written in words ("Autumn term 2021", "Ongoing",
    /// "TBC"); with a plain date it is recorded exactly as `CreateAction` records it.
    CreateActionWithDeadline(ActionCreatedWithDeadline),
    /// Amend an action, its deadline possibly written in words; with a plain date (or no new
    /// deadline) it is recorded exactly as `AmendAction` records it.
    AmendActionWithDeadline(ActionAmendedWithDeadline),
    /// Record an action agreed before it was recorded (a row of a council's tracker): recorded
    /// as `CreateActionWithDeadline` records it, but its deadline may already have passed, since
    /// the action existed before the ledger heard of it.
    ImportAction(ActionCreatedWithDeadline),
    /// Record an inspection with its id, framework, kind and outcome (any number of them). The
    /// first, a full 2016 inspection, is recorded as `RecordInspection` records it.
    AddInspection(AddInspection),
    /// Record a finding of an inspection: an area of significant weakness (2016), an area for
    /// priority action or for improvement (2023).
    RecordFinding(AddFinding),
    /// Add a milestone to an action.
    AddMilestone(MilestoneAdded),
    /// Record that a milestone was met.
    MeetMilestone(MilestoneMet),
    /// Record that a milestone was missed, and why.
    MissMilestone(MilestoneMissed),
    /// Record what families said, what was done and the difference it made.
    RecordCoproduction(CoproductionRecorded),
    /// Start a plan answering findings (an accelerated progress plan, a priority action plan).
    StartPlan(PlanStarted),
    /// Create a workstream of a plan; `CreateWorkstream` is this with the default plan.
    AddWorkstream(AddWorkstream),
    /// Create an action, checking that its workstream belongs to the plan named; recorded as
    /// `CreateActionWithDeadline` records it.
    CreateActionInPlan(ActionInPlan),
    /// Submit, accept or revise a plan; `SubmitPlan`, `AcceptPlan` and `RevisePlan` are this
    /// with the default plan.
    StepPlan(StepPlan),
    /// Record a DfE and NHS England review of a plan's monitoring.
    ReviewMonitoring(MonitoringReviewed),
    /// Define a measure with its definition, period or trajectory; without any of them it is
    /// recorded exactly as `DefineMeasure` records it.
    DefineMeasureWithTrajectory(DefineMeasure),
    /// Set a measure's definition, period or trajectory after it was defined.
    AmendMeasure(AmendMeasure),
    /// Record that an evidence pack was sent.
    RecordPack(PackSent),
}

/// Create a workstream of a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddWorkstream {
    /// The plan; the latest plan started when none is given (the ledger's WSoA when none was).
    pub plan: Option<PlanId>,
    /// Its id.
    pub id: crate::ids::WorkstreamId,
    /// A short title.
    pub title: String,
    /// The senior accountable sponsor.
    pub sponsor: String,
    /// The findings it answers (at least one, each answered by the plan).
    pub weaknesses: Vec<WeaknessId>,
}

impl AddWorkstream {
    /// The workstream of the default plan, as `CreateWorkstream` gives it.
    pub fn of_default_plan(w: &WorkstreamCreated) -> AddWorkstream {
        AddWorkstream {
            plan: None,
            id: w.id.clone(),
            title: w.title.clone(),
            sponsor: w.sponsor.clone(),
            weaknesses: w.weaknesses.clone(),
        }
    }

    /// The workstream itself.
    pub fn workstream(&self) -> WorkstreamCreated {
        WorkstreamCreated {
            id: self.id.clone(),
            title: self.title.clone(),
            sponsor: self.sponsor.clone(),
            weaknesses: self.weaknesses.clone(),
        }
    }
}

/// An action of a workstream of the plan named: the plan is checked, not recorded (an action
/// belongs to its workstream's plan).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionInPlan {
    /// The plan its workstream must belong to.
    pub plan: PlanId,
    /// Its id.
    pub id: crate::ids::ActionId,
    /// The workstream it belongs to.
    pub workstream: crate::ids::WorkstreamId,
    /// What will be done.
    pub title: String,
    /// The lead officer.
    pub owner: String,
    /// The deadline, as written.
    pub due: crate::deadline::Deadline,
    /// Success criteria or measures of impact.
    pub success: Vec<String>,
}

impl ActionInPlan {
    /// The action itself.
    pub fn action(&self) -> ActionCreatedWithDeadline {
        ActionCreatedWithDeadline {
            id: self.id.clone(),
            workstream: self.workstream.clone(),
            title: self.title.clone(),
            owner: self.owner.clone(),
            due: self.due.clone(),
            success: self.success.clone(),
        }
    }
}

/// Submit, accept or revise a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepPlan {
    /// The plan; the latest plan started when none is given (the ledger's WSoA when none was).
    pub plan: Option<PlanId>,
    /// Submitted, accepted or revised.
    pub step: PlanStep,
    /// What was said (required for a revision).
    pub summary: Option<String>,
}

impl std::str::FromStr for crate::event::VisitPoint {
    type Err = crate::ids::ParseError;

    /// Reads a point of a visit's feedback as written: `[W2] text` ties it to weakness W2,
    /// `[AP1, AFI2] text` to two findings, and text without brackets concerns the area as a
    /// whole.
    fn from_str(input: &str) -> Result<crate::event::VisitPoint, crate::ids::ParseError> {
        // Text is kept as written (a point's own spaces are its own); only one space after
        // the brackets is taken as the separator.
        let Some(rest) = input.trim_start().strip_prefix('[') else {
            return Ok(crate::event::VisitPoint::general(input));
        };
        let (ids, text) = rest
            .split_once(']')
            .ok_or_else(|| crate::ids::ParseError::Id {
                kind: "weakness or finding",
                input: input.to_owned(),
                reason: "the findings a point concerns are closed with ], as in [W2] text"
                    .to_owned(),
            })?;
        // `[] text`: no finding, for a point whose own text begins with a bracket.
        let about = if ids.trim().is_empty() {
            Vec::new()
        } else {
            ids.split(',')
                .map(|id| WeaknessId::new(id.trim()))
                .collect::<Result<Vec<_>, _>>()?
        };
        Ok(crate::event::VisitPoint {
            text: text.strip_prefix(' ').unwrap_or(text).to_owned(),
            about,
        })
    }
}

impl std::fmt::Display for crate::event::VisitPoint {
    /// As `FromStr` reads it back.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.about.is_empty() {
            let ids: Vec<&str> = self.about.iter().map(WeaknessId::as_str).collect();
            write!(f, "[{}] ", ids.join(", "))?;
        } else if self.text.trim_start().starts_with('[') {
            f.write_str("[] ")?;
        }
        f.write_str(&self.text)
    }
}

/// One point of a trajectory as written (`2024-03-31=45%`): the value may carry a unit, which
/// must be the measure's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrajectoryInput {
    /// The day.
    pub on: Date,
    /// The value expected by then.
    pub value: Decimal,
    /// The unit written after the value ("%"), if any.
    pub unit: Option<String>,
}

impl std::str::FromStr for TrajectoryInput {
    type Err = crate::ids::ParseError;

    /// Reads `DATE=VALUE`: the date as a deadline may be written when it stands for a day
    /// (`2024-03-31`, `31/03/2024`, `March 2024`), the value a decimal with the measure's unit
    /// after it if wanted (`45%`, `45`, `12 days`).
    fn from_str(input: &str) -> Result<TrajectoryInput, crate::ids::ParseError> {
        let (day, value) = input
            .split_once('=')
            .ok_or_else(|| crate::ids::ParseError::Date {
                input: input.to_owned(),
                reason: "write a trajectory point as DATE=VALUE, such as 2024-03-31=45%".to_owned(),
            })?;
        let deadline = crate::deadline::Deadline::parse(day)?;
        let on = deadline.date().ok_or_else(|| crate::ids::ParseError::Date {
            input: day.trim().to_owned(),
            reason: "it names no day; give the day the value is expected by, such as 2024-03-31 or March 2024".to_owned(),
        })?;
        let value = value.trim();
        let end = value
            .char_indices()
            .find(|&(i, c)| !(c.is_ascii_digit() || c == '.' || (i == 0 && (c == '-' || c == '+'))))
            .map_or(value.len(), |(i, _)| i);
        let (number, unit) = value.split_at(end);
        let unit = unit.trim();
        Ok(TrajectoryInput {
            on,
            value: number.parse()?,
            unit: (!unit.is_empty()).then(|| unit.to_owned()),
        })
    }
}

impl std::fmt::Display for TrajectoryInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.unit.as_deref() {
            Some(unit) if unit.chars().next().is_some_and(char::is_alphabetic) => {
                write!(f, "{}={} {unit}", self.on, self.value)
            }
            unit => write!(f, "{}={}{}", self.on, self.value, unit.unwrap_or("")),
        }
    }
}

impl TrajectoryInput {
    /// The point as recorded (the unit, once checked, is the measure's and is not repeated).
    pub fn point(&self) -> TrajectoryPoint {
        TrajectoryPoint {
            on: self.on,
            value: self.value.clone(),
        }
    }
}

/// Define a measure of impact, with its definition, period and trajectory if known: the fields
/// of `MeasureDefined`, then those.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefineMeasure {
    /// Its id.
    pub id: MeasureId,
    /// What is measured.
    pub title: String,
    /// The unit.
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
    /// The weaknesses whose impact it shows.
    pub weaknesses: Vec<WeaknessId>,
    /// How it is counted.
    pub definition: Option<String>,
    /// The period each value covers.
    pub period: Option<Period>,
    /// The values expected on the way to the target.
    pub trajectory: Vec<TrajectoryInput>,
}

impl DefineMeasure {
    /// The measure with no definition, period or trajectory yet, to be given them.
    pub fn of(m: MeasureDefined) -> DefineMeasure {
        DefineMeasure {
            id: m.id,
            title: m.title,
            unit: m.unit,
            baseline: m.baseline,
            baseline_on: m.baseline_on,
            target: m.target,
            target_by: m.target_by,
            better: m.better,
            weaknesses: m.weaknesses,
            definition: None,
            period: None,
            trajectory: Vec::new(),
        }
    }

    /// The measure as `MeasureDefined` records it.
    pub fn measure(&self) -> MeasureDefined {
        MeasureDefined {
            id: self.id.clone(),
            title: self.title.clone(),
            unit: self.unit.clone(),
            baseline: self.baseline.clone(),
            baseline_on: self.baseline_on,
            target: self.target.clone(),
            target_by: self.target_by,
            better: self.better,
            weaknesses: self.weaknesses.clone(),
        }
    }
}

/// Set a measure's definition, period or trajectory (a trajectory given replaces the old one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AmendMeasure {
    /// Which measure.
    pub id: MeasureId,
    /// The new definition.
    pub definition: Option<String>,
    /// The new period.
    pub period: Option<Period>,
    /// The new trajectory.
    pub trajectory: Option<Vec<TrajectoryInput>>,
}

/// Record an inspection of the local area under either framework.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddInspection {
    /// An id to use; the ledger assigns the next free `I<n>` when none is given.
    pub id: Option<InspectionId>,
    /// The framework it was held under.
    pub framework: Framework,
    /// Full, monitoring or revisit.
    pub kind: InspectionKind,
    /// Its outcome, under the 2023 framework.
    pub outcome: Option<InspectionOutcome>,
    /// Who inspected.
    pub inspectorates: Vec<String>,
    /// First day on site.
    pub from: Date,
    /// Last day on site.
    pub to: Date,
    /// The day the report was published.
    pub published: Date,
}

/// Record a finding of an inspection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddFinding {
    /// Its id (`AP1`, `AFI2`, `W3`).
    pub id: WeaknessId,
    /// The inspection that found it; the latest recorded when none is given.
    pub inspection: Option<InspectionId>,
    /// What kind of finding it is.
    pub kind: FindingKind,
    /// A short title.
    pub title: String,
    /// The inspectors' words, if recorded.
    pub finding: Option<String>,
}

/// Attach evidence whose content is already stored under `content_hash`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachEvidence {
    /// An id to use; the ledger assigns the next free `E<n>` when none is given.
    pub id: Option<EvidenceId>,
    /// BLAKE3 of the content.
    pub content_hash: Digest,
    /// The file's name.
    pub file_name: String,
    /// Its media type.
    pub media_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// What it is.
    pub title: String,
    /// What kind of document it is.
    pub kind: EvidenceKind,
    /// What it supports, as typed.
    pub supports: Vec<SubjectRef>,
}

impl AttachEvidence {
    /// A monitoring visit's letter, attached with the visit on `on` (its content hash and size
    /// are filled in by whoever stores it): it supports the findings the visit's points name,
    /// or, when they name none, those `every_finding` gives.
    pub fn visit_letter(
        visit: &MonitoringVisitFeedback,
        on: Date,
        file_name: String,
        media_type: String,
        every_finding: impl FnOnce() -> Vec<WeaknessId>,
    ) -> AttachEvidence {
        let mut findings = visit.findings();
        if findings.is_empty() {
            findings = every_finding();
        }
        AttachEvidence {
            id: None,
            content_hash: Digest::ZERO,
            file_name,
            media_type,
            size: 0,
            title: format!("Monitoring visit letter, {}", on.long()),
            kind: EvidenceKind::Document,
            supports: findings
                .iter()
                .map(|id| SubjectRef {
                    kind: Some(crate::ids::SubjectKind::Weakness),
                    id: id.as_str().to_owned(),
                })
                .collect(),
        }
    }
}

/// Raise a risk about things in the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RaiseRisk {
    /// Its id.
    pub id: RiskId,
    /// What the risk is.
    pub title: String,
    /// How serious it is.
    pub level: RiskLevel,
    /// What it threatens, as typed (may be empty: a risk to the whole plan).
    pub about: Vec<SubjectRef>,
    /// What is being done about it.
    pub mitigation: Option<String>,
}

/// Add a note about one thing in the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddNote {
    /// What it is about, as typed.
    pub about: SubjectRef,
    /// The note.
    pub text: String,
    /// Whose voice it is.
    pub from: Option<String>,
}
