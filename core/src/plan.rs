//! `Plan`: the state of the statement after a set of events, with every fact citing the events it
//! rests on. A pure fold: `Plan::apply` takes events in ledger order; the point in time decides
//! which events are folded (see `point`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::deadline::Deadline;
use crate::decimal::Decimal;
use crate::event::{
    ActionAmended, ActionAmendedWithDeadline, ActionCreated, ActionCreatedWithDeadline,
    ActionStatusChanged, Direction, Event, EventBody, EvidenceAttached, EvidenceKind, FindingKind,
    Framework, InspectionKind, InspectionOutcome, MeasureAmended, MeasureDefined, MeasureRecorded,
    MilestoneAdded, MonitoringReviewed, MonitoringVisitFeedback, NoteAdded, Period, PlanKind,
    PlanStep, Progress, ProgressReviewed, Rag, Rating, RiskLevel, RiskRaised, RiskUpdated, Status,
    TrajectoryPoint, WorkstreamAmended, WorkstreamCreated, WorkstreamCreatedInPlan,
};
use crate::ids::{Digest, PlanId, Subject};

/// The sponsor of a workstream whose tracker names none, as recorded: the plan and the
/// narrative show it as a gap (see [`sponsor_recorded`]).
pub const SPONSOR_NOT_RECORDED: &str = "Not recorded";

/// Whether a workstream's sponsor is known: false for [`SPONSOR_NOT_RECORDED`], however it is
/// spaced or capitalised.
pub fn sponsor_recorded(sponsor: &str) -> bool {
    let squash = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    squash(sponsor) != squash(SPONSOR_NOT_RECORDED)
}

/// Who recorded something and when: the event it rests on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cite {
    /// The event's sequence number.
    pub seq: u64,
    /// When it happened.
    pub on: Date,
    /// Who recorded it.
    pub by: String,
}

impl Cite {
    fn of(event: &Event) -> Cite {
        Cite {
            seq: event.seq,
            on: event.occurred_on,
            by: event.actor.name.clone(),
        }
    }
}

/// The statement itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Statement {
    /// The current version, from 1.
    pub version: u32,
    /// `draft`, `submitted` or `accepted`.
    pub stage: &'static str,
    /// Submissions, acceptances and revisions, in order: (what, version, summary, cite).
    pub history: Vec<StatementStep>,
}

/// One step in the statement's life.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatementStep {
    /// `submitted`, `accepted` or `revised`.
    pub step: &'static str,
    /// The version concerned.
    pub version: u32,
    /// What was said.
    pub summary: Option<String>,
    /// The event.
    pub cite: Cite,
}

/// An inspection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectionView {
    /// Its id (`I1` for the first).
    pub id: String,
    /// The framework it was held under.
    pub framework: Framework,
    /// Full, monitoring or revisit.
    pub kind: InspectionKind,
    /// Its outcome (2023 framework), once recorded.
    pub outcome: Option<InspectionOutcome>,
    /// Who inspected.
    pub inspectorates: Vec<String>,
    /// First day on site.
    pub from: Date,
    /// Last day on site.
    pub to: Date,
    /// Publication of the report.
    pub published: Date,
    /// The event.
    pub cite: Cite,
}

/// An area of weakness.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeaknessView {
    /// Its id.
    pub id: String,
    /// What kind of finding it is: an area of significant weakness (2016), an area for
    /// priority action or for improvement (2023).
    pub kind: FindingKind,
    /// The inspection that found it.
    pub inspection: String,
    /// Its title.
    pub title: String,
    /// The inspectors' finding.
    pub finding: Option<String>,
    /// The revisit's judgement, once recorded.
    pub outcome: Option<(Progress, Cite)>,
    /// The event that recorded it.
    pub cite: Cite,
}

/// A board's latest view of a workstream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentView {
    /// The rating.
    pub rating: Rating,
    /// The forum.
    pub forum: String,
    /// Why, if said.
    pub note: Option<String>,
    /// The review event.
    pub cite: Cite,
}

/// A workstream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkstreamView {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its sponsor.
    pub sponsor: String,
    /// The weaknesses it answers.
    pub weaknesses: Vec<String>,
    /// Every board assessment, oldest first.
    pub assessments: Vec<AssessmentView>,
    /// Amendments: (reason, cite).
    pub amendments: Vec<(String, Cite)>,
    /// The plan it belongs to, when not the ledger's WSoA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// The event that created it.
    pub cite: Cite,
}

/// A plan answering findings: the ledger's WSoA, an accelerated progress plan, a priority
/// action plan, an improvement plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanView {
    /// Its id (`WSoA` for the ledger's own statement).
    pub id: String,
    /// What kind of plan it is.
    pub kind: PlanKind,
    /// Its title.
    pub title: String,
    /// Whether it is the ledger's own WSoA, never started by a `PlanStarted` event: it answers
    /// every area of significant weakness and holds every workstream created without a plan.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub implicit: bool,
    /// The findings it answers.
    pub answers: Vec<String>,
    /// Its current version, from 1.
    pub version: u32,
    /// `draft`, `submitted` or `accepted`.
    pub stage: String,
    /// The latest submission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted: Option<Cite>,
    /// The latest acceptance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted: Option<Cite>,
    /// Its workstreams, in the order created.
    pub workstreams: Vec<String>,
    /// DfE and NHS England reviews of it, in the order recorded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<MonitoringReviewView>,
    /// Workstreams whose monitoring ended, each with the review that ended it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub monitoring_ended: Vec<(String, Cite)>,
    /// The event that started it (for the implicit WSoA, the first event of it).
    pub cite: Cite,
}

impl PlanView {
    /// Its workstreams still monitored: every one whose monitoring has not ended.
    pub fn monitored(&self) -> impl Iterator<Item = &str> {
        self.workstreams
            .iter()
            .filter(|ws| !self.monitoring_ended.iter().any(|(id, _)| id == *ws))
            .map(String::as_str)
    }

    /// Its name in words: "Accelerated Progress Plan APP1 'Title'".
    pub fn name(&self) -> String {
        if self.implicit {
            format!("{} ({})", self.kind.name(), self.id)
        } else {
            format!("{} {} '{}'", self.kind.name(), self.id, self.title)
        }
    }
}

/// A DfE and NHS England review of a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitoringReviewView {
    /// Who reviewed.
    pub by: String,
    /// Their conclusion.
    pub summary: String,
    /// The workstreams whose monitoring continues.
    pub continues: Vec<String>,
    /// The workstreams whose monitoring ended.
    pub ended: Vec<String>,
    /// The event.
    pub cite: Cite,
}

/// A change of owner, deadline or wording.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amendment {
    /// The owner before and after, if it changed.
    pub owner: Option<(String, String)>,
    /// The deadline before and after, if it moved.
    pub due: Option<(Date, Date)>,
    /// The deadline before and after as people read it, if it moved and either is in words
    /// ("September 2021 (30 September 2021)" → "Ongoing").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<(String, String)>,
    /// The wording before and after, if it changed.
    pub title: Option<(String, String)>,
    /// Why.
    pub reason: String,
    /// The event.
    pub cite: Cite,
}

/// A status change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    /// The status before.
    pub from: Status,
    /// The status after.
    pub to: Status,
    /// The RAG before.
    pub rag_from: Option<Rag>,
    /// The RAG after.
    pub rag_to: Option<Rag>,
    /// The update given with it.
    pub note: Option<String>,
    /// The event.
    pub cite: Cite,
}

/// An action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionView {
    /// Its id.
    pub id: String,
    /// Its workstream.
    pub workstream: String,
    /// Its wording.
    pub title: String,
    /// Its owner.
    pub owner: String,
    /// Its deadline: the day it is judged by. For recurring work ("Termly") it is the day the
    /// next update is due; for a deadline not yet set ("TBC") the day the action was agreed,
    /// and the action is never overdue, but shows a gap to close.
    pub due: Date,
    /// The deadline it was created with.
    pub original_due: Date,
    /// Its deadline as written, when in words ("Autumn term 2021", "Ongoing", "TBC").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Deadline>,
    /// Success criteria.
    pub success: Vec<String>,
    /// Its status.
    pub status: Status,
    /// Its RAG, once given.
    pub rag: Option<Rag>,
    /// Every status change, oldest first.
    pub status_changes: Vec<StatusChange>,
    /// Every amendment, oldest first.
    pub amendments: Vec<Amendment>,
    /// Notes about it: (text, from, cite).
    pub notes: Vec<(String, Option<String>, Cite)>,
    /// Evidence that supports it.
    pub evidence: Vec<String>,
    /// Its milestones, in the order added.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub milestones: Vec<MilestoneView>,
    /// The event that created it.
    pub cite: Cite,
}

/// What families said about a weakness, what was done, the difference it made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoproductionView {
    /// The weakness or finding it is about.
    pub about: String,
    /// What they said.
    pub said: String,
    /// What was done.
    pub did: String,
    /// The difference it made, once known.
    pub difference: Option<String>,
    /// Whose voice it is.
    pub from: String,
    /// How many responded.
    pub respondents: Option<u64>,
    /// The event.
    pub cite: Cite,
}

/// An evidence pack sent before a review or visit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackView {
    /// What it was for.
    pub purpose: String,
    /// Who it was sent to.
    pub to: String,
    /// Its cut-off.
    pub as_of: Date,
    /// How many events it holds.
    pub events: u64,
    /// The chain hash of its last event.
    pub head: Digest,
    /// The file's name.
    pub file_name: String,
    /// BLAKE3 of the file.
    pub file_hash: Digest,
    /// Its size in bytes.
    pub size: u64,
    /// The event that recorded it sent (its date is the day it was sent).
    pub cite: Cite,
}

/// A milestone of an action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestoneView {
    /// Its id within the action.
    pub id: String,
    /// What is to be in place.
    pub title: String,
    /// When, as written.
    pub due: Deadline,
    /// Met: the event, and what shows it.
    pub met: Option<(Option<String>, Cite)>,
    /// Missed: why, and the event.
    pub missed: Option<(String, Cite)>,
    /// The event that added it.
    pub cite: Cite,
}

impl MilestoneView {
    /// "met", "missed", "met late", "overdue" (past its day, neither met nor missed) or "due".
    pub fn state(&self, today: Date) -> &'static str {
        match (&self.met, &self.missed) {
            (Some(_), Some(_)) => "met late",
            (Some(_), None) => "met",
            (None, Some(_)) => "missed",
            (None, None) if self.due.date().is_some_and(|due| due < today) => "overdue",
            (None, None) => "due",
        }
    }
}

impl ActionView {
    /// Whether it is past its deadline on `today` and neither complete nor withdrawn.
    pub fn overdue(&self, today: Date) -> bool {
        !self.deadline_not_set()
            && self.due < today
            && !matches!(self.status, Status::Complete | Status::Withdrawn)
    }

    /// Whether its deadline is not yet set ("TBC"): a gap to close.
    pub fn deadline_not_set(&self) -> bool {
        self.deadline.as_ref().is_some_and(Deadline::is_not_set)
    }

    /// Its deadline for people, with `long` formatting a day: "Autumn term 2021 (31 December
    /// 2021)", "Termly (next update due by 31 December 2021)", "TBC — no deadline set", or the
    /// day alone.
    pub fn due_text(&self, long: impl Fn(Date) -> String) -> String {
        match &self.deadline {
            None => long(self.due),
            Some(Deadline::Recurring { words, .. }) => {
                format!("{words} (next update due by {})", long(self.due))
            }
            Some(deadline) => deadline.describe(long),
        }
    }

    /// Recurring work is judged by the age of its last update: an update on `on` moves the day
    /// the next one is due.
    fn updated_on(&mut self, on: Date) {
        if let Some(every) = self.deadline.as_ref().and_then(Deadline::recurrence) {
            let next = Date::from_days_since_epoch(on.days_since_epoch() + every.period_days())
                .unwrap_or(on);
            self.due = self.due.max(next);
        }
    }

    /// The latest update: the newest note of a status change or of a note about it.
    pub fn latest_update(&self) -> Option<(&str, &Cite)> {
        let from_status = self
            .status_changes
            .iter()
            .filter_map(|change| change.note.as_deref().map(|note| (note, &change.cite)));
        let from_notes = self
            .notes
            .iter()
            .map(|(text, _, cite)| (text.as_str(), cite));
        from_status
            .chain(from_notes)
            .max_by_key(|(_, cite)| cite.seq)
    }

    /// Forgets the history no reader of the plan as it stands reads ([`Detail::Current`]): of
    /// its status changes, all but the latest, the latest with a note and the latest to
    /// complete (what [`ActionView::latest_update`] and [`ActionView::completed`] read); of its
    /// notes, all but the latest; every amendment.
    fn forget_history(&mut self) {
        let changes = &self.status_changes;
        let keep = [
            changes.len().checked_sub(1),
            changes.iter().rposition(|change| change.note.is_some()),
            changes
                .iter()
                .rposition(|change| change.to == Status::Complete),
        ];
        let mut i = 0;
        self.status_changes.retain(|_| {
            i += 1;
            keep.contains(&Some(i - 1))
        });
        let notes = self.notes.len();
        self.notes.drain(..notes.saturating_sub(1));
        self.amendments.clear();
    }

    /// When it was (last) completed, if it is complete.
    pub fn completed(&self) -> Option<&Cite> {
        if self.status != Status::Complete {
            return None;
        }
        self.status_changes
            .iter()
            .rev()
            .find(|change| change.to == Status::Complete)
            .map(|change| &change.cite)
    }
}

/// One value of a measure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureValue {
    /// The value.
    pub value: Decimal,
    /// Where it came from.
    pub source: Option<String>,
    /// The event (its date is the value's date).
    pub cite: Cite,
}

/// A measure of impact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureView {
    /// Its id.
    pub id: String,
    /// What is measured.
    pub title: String,
    /// The unit.
    pub unit: String,
    /// The baseline.
    pub baseline: Decimal,
    /// When the baseline was taken.
    pub baseline_on: Date,
    /// The target.
    pub target: Decimal,
    /// When the target should be reached.
    pub target_by: Date,
    /// Which way is better.
    pub better: Direction,
    /// The weaknesses it evidences.
    pub weaknesses: Vec<String>,
    /// Its values, in the order they were recorded.
    pub values: Vec<MeasureValue>,
    /// The event that defined it.
    pub cite: Cite,
    /// How it is counted, once given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    /// The period each value covers, once given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// The values expected on the way to the target, in date order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trajectory: Vec<TrajectoryPoint>,
    /// The events that set its definition, period or trajectory after it was defined.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amended: Vec<Cite>,
}

/// Where a value stands against a measure's trajectory, whichever way is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Against {
    /// Exactly the value expected.
    On,
    /// Better than expected (higher, or lower when lower is better).
    Above,
    /// Worse than expected.
    Below,
}

impl Against {
    /// "on trajectory", "above trajectory", "below trajectory".
    pub fn words(self) -> &'static str {
        match self {
            Against::On => "on trajectory",
            Against::Above => "above trajectory",
            Against::Below => "below trajectory",
        }
    }
}

/// A value judged against the trajectory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrajectoryJudgement {
    /// On, above or below.
    pub against: Against,
    /// The value judged.
    pub value: Decimal,
    /// Its date.
    pub on: Date,
    /// The value expected by then.
    pub expected: Decimal,
    /// The trajectory point (or the baseline) the expected value comes from.
    pub expected_on: Date,
}

/// Which way a measure has moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Trend {
    /// No value recorded yet.
    NoData,
    /// Moved the better way from the baseline.
    Improving,
    /// Unchanged from the baseline.
    Unchanged,
    /// Moved the worse way from the baseline.
    Worsening,
}

impl MeasureView {
    /// The latest value by date (the last recorded among those of the latest date).
    pub fn latest(&self) -> Option<&MeasureValue> {
        self.values
            .iter()
            .max_by(|a, b| a.cite.on.cmp(&b.cite.on).then(a.cite.seq.cmp(&b.cite.seq)))
    }

    /// The direction of travel from the baseline to the latest value.
    pub fn trend(&self) -> Trend {
        let Some(latest) = self.latest() else {
            return Trend::NoData;
        };
        let order = latest.value.compare(&self.baseline);
        match (order, self.better) {
            (std::cmp::Ordering::Equal, _) => Trend::Unchanged,
            (std::cmp::Ordering::Greater, Direction::HigherIsBetter)
            | (std::cmp::Ordering::Less, Direction::LowerIsBetter) => Trend::Improving,
            _ => Trend::Worsening,
        }
    }

    /// The value expected on `day`: that of the last trajectory point on or before it (the
    /// trajectory is read as steps, never interpolated), or the baseline before the first point.
    /// `None` when the measure has no trajectory.
    pub fn expected_on(&self, day: Date) -> Option<(Date, &Decimal)> {
        if self.trajectory.is_empty() {
            return None;
        }
        Some(
            self.trajectory
                .iter()
                .rev()
                .find(|p| p.on <= day)
                .map_or((self.baseline_on, &self.baseline), |p| (p.on, &p.value)),
        )
    }

    /// `value`, dated `on`, judged against the trajectory, whichever way is better.
    pub fn judge(&self, value: &Decimal, on: Date) -> Option<TrajectoryJudgement> {
        let (expected_on, expected) = self.expected_on(on)?;
        let against = match (value.compare(expected), self.better) {
            (std::cmp::Ordering::Equal, _) => Against::On,
            (std::cmp::Ordering::Greater, Direction::HigherIsBetter)
            | (std::cmp::Ordering::Less, Direction::LowerIsBetter) => Against::Above,
            _ => Against::Below,
        };
        Some(TrajectoryJudgement {
            against,
            value: value.clone(),
            on,
            expected: expected.clone(),
            expected_on,
        })
    }

    /// The latest value judged against the trajectory (`None` without a value or a trajectory).
    pub fn against_trajectory(&self) -> Option<TrajectoryJudgement> {
        let latest = self.latest()?;
        self.judge(&latest.value, latest.cite.on)
    }

    /// Whether the target date has passed, judged on `today`, without the latest value meeting
    /// the target.
    pub fn target_missed(&self, today: Date) -> bool {
        self.target_by < today && !self.target_met()
    }

    /// Whether the latest value meets the target.
    pub fn target_met(&self) -> bool {
        self.latest().is_some_and(|latest| {
            let order = latest.value.compare(&self.target);
            match self.better {
                Direction::HigherIsBetter => order != std::cmp::Ordering::Less,
                Direction::LowerIsBetter => order != std::cmp::Ordering::Greater,
            }
        })
    }
}

/// A piece of evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceView {
    /// Its id.
    pub id: String,
    /// What it is.
    pub title: String,
    /// What kind of document.
    pub kind: EvidenceKind,
    /// The file's name.
    pub file_name: String,
    /// Its media type.
    pub media_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// BLAKE3 of its content.
    pub content_hash: Digest,
    /// What it supports.
    pub supports: Vec<Subject>,
    /// The redaction, if its content was purged: (reason, cite).
    pub redacted: Option<(String, Cite)>,
    /// The event that attached it.
    pub cite: Cite,
}

/// A monitoring visit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitView {
    /// Its number, from 1, in the order recorded.
    pub number: usize,
    /// Who visited.
    pub by: String,
    /// Their overall view.
    pub summary: Option<String>,
    /// Strengths.
    pub strengths: Vec<String>,
    /// Concerns.
    pub concerns: Vec<String>,
    /// Next steps.
    pub next_steps: Vec<String>,
    /// The points the visitors tied to findings; a point not listed concerns the area as a
    /// whole.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tied: Vec<TiedPoint>,
    /// The visit's letter, attached as evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub letter: Option<String>,
    /// The event.
    pub cite: Cite,
}

/// Which list of a visit's feedback a point is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PointKind {
    /// A strength.
    Strength,
    /// A concern.
    Concern,
    /// A next step.
    NextStep,
}

/// A point of a visit's feedback tied to the findings it concerns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TiedPoint {
    /// Which list it is in.
    pub point: PointKind,
    /// Its place in that list, from 0.
    pub index: usize,
    /// The weaknesses or findings it concerns.
    pub about: Vec<String>,
}

impl VisitView {
    /// The findings a point concerns (empty: the area as a whole).
    pub fn about(&self, point: PointKind, index: usize) -> &[String] {
        self.tied
            .iter()
            .find(|t| t.point == point && t.index == index)
            .map_or(&[], |t| t.about.as_slice())
    }

    /// Every point with its kind, its place in its list and its text.
    pub fn points(&self) -> impl Iterator<Item = (PointKind, usize, &str)> {
        [
            (PointKind::Strength, &self.strengths),
            (PointKind::Concern, &self.concerns),
            (PointKind::NextStep, &self.next_steps),
        ]
        .into_iter()
        .flat_map(|(kind, list)| {
            list.iter()
                .enumerate()
                .map(move |(i, text)| (kind, i, text.as_str()))
        })
    }
}

/// A board review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewView {
    /// The forum.
    pub forum: String,
    /// (workstream, rating, note).
    pub assessments: Vec<(String, Rating, Option<String>)>,
    /// The event.
    pub cite: Cite,
}

/// A risk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskView {
    /// Its id.
    pub id: String,
    /// What it is.
    pub title: String,
    /// Its level.
    pub level: RiskLevel,
    /// What it threatens.
    pub about: Vec<Subject>,
    /// Its mitigation.
    pub mitigation: Option<String>,
    /// Updates: (note, cite).
    pub updates: Vec<(Option<String>, Cite)>,
    /// The closure, if closed: (reason, cite).
    pub closed: Option<(String, Cite)>,
    /// The event that raised it.
    pub cite: Cite,
}

impl RiskView {
    /// Forgets the history no reader of the plan as it stands reads ([`Detail::Current`]):
    /// every update but the latest with a note (by its date, then its event).
    fn forget_history(&mut self) {
        let latest = self
            .updates
            .iter()
            .filter(|(note, _)| note.is_some())
            .map(|(_, cite)| (cite.on, cite.seq))
            .max();
        self.updates
            .retain(|(note, cite)| note.is_some() && Some((cite.on, cite.seq)) == latest);
    }
}

/// A note about something in the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteView {
    /// What it is about.
    pub about: Subject,
    /// The note.
    pub text: String,
    /// Whose voice.
    pub from: Option<String>,
    /// The event.
    pub cite: Cite,
}

/// A correction of an earlier event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionView {
    /// The event that was wrong.
    pub corrects: u64,
    /// What was wrong.
    pub reason: String,
    /// The correcting event.
    pub cite: Cite,
}

/// A signed checkpoint recorded in the ledger: the history up to event `size - 1` witnessed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointView {
    /// How many events it pins.
    pub size: u64,
    /// The RFC 6962 root it pins.
    pub root: Digest,
    /// Who signed it.
    pub signers: Vec<String>,
    /// The event that recorded it.
    pub cite: Cite,
}

/// The plan as the folded events describe it. Collections keep the order things were recorded
/// in; `index` maps ids to positions.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// How many events were folded.
    pub events: u64,
    /// The sequence number of the last event folded.
    pub last_seq: Option<u64>,
    /// The local area.
    pub area: Option<String>,
    /// The partners.
    pub partners: Vec<String>,
    /// The inspection the statement answers: the first recorded.
    pub inspection: Option<InspectionView>,
    /// Every inspection, in the order recorded.
    pub inspections: Vec<InspectionView>,
    /// The statement.
    pub statement: Option<Statement>,
    /// Weaknesses, in the order recorded.
    pub weaknesses: Vec<WeaknessView>,
    /// Workstreams, in the order created.
    pub workstreams: Vec<WorkstreamView>,
    /// Actions, in the order created.
    pub actions: Vec<ActionView>,
    /// Measures, in the order defined.
    pub measures: Vec<MeasureView>,
    /// Evidence, in the order attached.
    pub evidence: Vec<EvidenceView>,
    /// Monitoring visits, in the order recorded.
    pub visits: Vec<VisitView>,
    /// Board reviews, in the order recorded.
    pub reviews: Vec<ReviewView>,
    /// Risks, in the order raised.
    pub risks: Vec<RiskView>,
    /// Notes, in the order added.
    pub notes: Vec<NoteView>,
    /// What families said, what was done, the difference it made, in the order recorded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coproduction: Vec<CoproductionView>,
    /// Evidence packs sent, in the order recorded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub packs: Vec<PackView>,
    /// Corrections, in the order recorded.
    pub corrections: Vec<CorrectionView>,
    /// Signed checkpoints recorded in the ledger, in the order recorded.
    pub checkpoints: Vec<CheckpointView>,
    /// The revisit window: (from, to, cite).
    pub revisit: Option<(Date, Date, Cite)>,
    /// The plans answering findings, in the order started (the ledger's WSoA first, once it has
    /// an area of significant weakness, a workstream or a step).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plans: Vec<PlanView>,
    /// How much history it keeps as it folds (written only when it is not the whole).
    #[serde(default, skip_serializing_if = "Detail::is_full")]
    detail: Detail,
    #[serde(skip)]
    index: Index,
}

/// How much of each thing's history a plan keeps as it folds.
///
/// A plan with every status change, amendment, note and risk update grows with the ledger's
/// history; the plan as it stands grows only with the things in it. Readers of the plan as it
/// stands (`show`, the dashboard, the tracker's downloads, the timeline's names) read the same
/// from either; readers of history (the narrative, an action's changes) need the whole, and a
/// diff needs the whole only from its first point on (see [`Plan::keeping_history`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Detail {
    /// Every change as it was folded.
    #[default]
    Full,
    /// Only what describes the plan as it stands: of each action, its latest status change,
    /// its latest with a note and its latest to complete, and its latest note; of each risk,
    /// its latest update with a note; no amendments of actions and no list of notes.
    Current,
}

impl Detail {
    fn is_full(&self) -> bool {
        *self == Detail::Full
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Index {
    weaknesses: BTreeMap<String, usize>,
    workstreams: BTreeMap<String, usize>,
    actions: BTreeMap<String, usize>,
    measures: BTreeMap<String, usize>,
    evidence: BTreeMap<String, usize>,
    risks: BTreeMap<String, usize>,
    /// Each workstream's actions, by position, in the order created.
    actions_by_workstream: BTreeMap<String, Vec<usize>>,
}

impl Plan {
    /// An inspection: the first recorded is the one the statement answers.
    fn inspected(&mut self, e: &crate::event::InspectionAdded, cite: Cite) {
        let view = InspectionView {
            id: e.id.to_string(),
            framework: e.framework,
            kind: e.kind,
            outcome: e.outcome,
            inspectorates: e.inspectorates.clone(),
            from: e.from,
            to: e.to,
            published: e.published,
            cite,
        };
        self.inspection.get_or_insert_with(|| view.clone());
        self.inspections.push(view);
    }

    /// A finding of an inspection (an area of significant weakness of the first is one too).
    fn found(&mut self, e: &crate::event::FindingRecorded, cite: Cite) {
        let view = WeaknessView {
            id: e.id.to_string(),
            kind: e.kind,
            inspection: e.inspection.to_string(),
            title: e.title.clone(),
            finding: e.finding.clone(),
            outcome: None,
            cite,
        };
        if e.kind == FindingKind::Weakness {
            let cite = view.cite.clone();
            self.wsoa(&cite).answers.push(view.id.clone());
        }
        push(
            &mut self.weaknesses,
            &mut self.index.weaknesses,
            view.id.clone(),
            view,
        );
    }

    /// The ledger's implicit WSoA, added to the plans the first time an event concerns it.
    fn wsoa(&mut self, cite: &Cite) -> &mut PlanView {
        let at = match self.plans.iter().position(|p| p.implicit) {
            Some(at) => at,
            None => {
                self.plans.insert(
                    0,
                    PlanView {
                        id: crate::ids::PlanId::WSOA.to_owned(),
                        kind: PlanKind::Wsoa,
                        title: PlanKind::Wsoa.name().to_owned(),
                        implicit: true,
                        answers: Vec::new(),
                        version: 1,
                        stage: "draft".to_owned(),
                        submitted: None,
                        accepted: None,
                        workstreams: Vec::new(),
                        reviews: Vec::new(),
                        monitoring_ended: Vec::new(),
                        cite: cite.clone(),
                    },
                );
                0
            }
        };
        &mut self.plans[at]
    }

    /// A plan by id (`WSoA` for the ledger's own statement), to change.
    fn plan_mut(&mut self, id: &str, cite: &Cite) -> Option<&mut PlanView> {
        if id == crate::ids::PlanId::WSOA && !self.plans.iter().any(|p| p.id == id && !p.implicit) {
            return Some(self.wsoa(cite));
        }
        self.plans.iter_mut().find(|p| p.id == id)
    }

    /// A plan by id.
    pub fn plan(&self, id: &str) -> Option<&PlanView> {
        self.plans.iter().find(|p| p.id == id)
    }

    /// The plan a workstream belongs to.
    pub fn plan_of(&self, workstream: &str) -> Option<&PlanView> {
        self.plans
            .iter()
            .find(|p| p.workstreams.iter().any(|ws| ws == workstream))
    }

    /// Whether any plan was started with `wsoa plan start` (so the ledger holds more than its
    /// own WSoA).
    pub fn has_started_plans(&self) -> bool {
        self.plans.iter().any(|p| !p.implicit)
    }

    /// A step of a plan: its version, stage and latest submission or acceptance.
    fn plan_step(&mut self, id: &str, step: PlanStep, version: u32, cite: &Cite) {
        if let Some(plan) = self.plan_mut(id, cite) {
            plan.version = version;
            match step {
                PlanStep::Submitted => {
                    plan.stage = "submitted".to_owned();
                    plan.submitted = Some(cite.clone());
                }
                PlanStep::Accepted => {
                    plan.stage = "accepted".to_owned();
                    plan.accepted = Some(cite.clone());
                }
                PlanStep::Revised => plan.stage = "draft".to_owned(),
            }
        }
    }

    /// A milestone of an action, to change.
    fn milestone_mut(&mut self, action: &str, id: &str) -> Option<&mut MilestoneView> {
        let i = *self.index.actions.get(action)?;
        self.actions[i].milestones.iter_mut().find(|m| m.id == id)
    }

    /// The plan after every event of `events`, in order.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a Event>) -> Plan {
        let mut plan = Plan::default();
        for event in events {
            plan.apply(event);
        }
        plan
    }

    /// An empty plan that keeps only what describes it as it stands ([`Detail::Current`]).
    pub fn current() -> Plan {
        Plan {
            detail: Detail::Current,
            ..Plan::default()
        }
    }

    /// The fold of `events` keeping only what describes the plan as it stands.
    pub fn current_from_events<'a>(events: impl IntoIterator<Item = &'a Event>) -> Plan {
        let mut plan = Plan::current();
        for event in events {
            plan.apply(event);
        }
        plan
    }

    /// How much history this plan keeps.
    pub fn detail(&self) -> Detail {
        self.detail
    }

    /// This plan, keeping every change folded from here on: a diff from this point reads only
    /// the changes after it, so a plan of [`Detail::Current`] is where such a fold can start.
    pub fn keeping_history(mut self) -> Plan {
        self.detail = Detail::Full;
        self
    }

    /// The plan with its lookup by id rebuilt. The lookup is not serialised, so a plan read back
    /// (from a kept snapshot) must pass through this before it is used; the result equals the
    /// plan that was written.
    pub fn reindexed(mut self) -> Plan {
        fn positions<'a>(ids: impl Iterator<Item = &'a str>) -> BTreeMap<String, usize> {
            ids.enumerate().map(|(i, id)| (id.to_owned(), i)).collect()
        }
        self.index = Index {
            weaknesses: positions(self.weaknesses.iter().map(|w| w.id.as_str())),
            workstreams: positions(self.workstreams.iter().map(|w| w.id.as_str())),
            actions: positions(self.actions.iter().map(|a| a.id.as_str())),
            measures: positions(self.measures.iter().map(|m| m.id.as_str())),
            evidence: positions(self.evidence.iter().map(|e| e.id.as_str())),
            risks: positions(self.risks.iter().map(|r| r.id.as_str())),
            actions_by_workstream: BTreeMap::new(),
        };
        for (i, action) in self.actions.iter().enumerate() {
            self.index
                .actions_by_workstream
                .entry(action.workstream.clone())
                .or_default()
                .push(i);
        }
        self
    }

    /// A weakness by id.
    pub fn weakness(&self, id: &str) -> Option<&WeaknessView> {
        self.index.weaknesses.get(id).map(|&i| &self.weaknesses[i])
    }

    /// A workstream by id.
    pub fn workstream(&self, id: &str) -> Option<&WorkstreamView> {
        self.index
            .workstreams
            .get(id)
            .map(|&i| &self.workstreams[i])
    }

    /// An action by id.
    pub fn action(&self, id: &str) -> Option<&ActionView> {
        self.index.actions.get(id).map(|&i| &self.actions[i])
    }

    /// A measure by id.
    pub fn measure(&self, id: &str) -> Option<&MeasureView> {
        self.index.measures.get(id).map(|&i| &self.measures[i])
    }

    /// A piece of evidence by id.
    pub fn evidence_item(&self, id: &str) -> Option<&EvidenceView> {
        self.index.evidence.get(id).map(|&i| &self.evidence[i])
    }

    /// A risk by id.
    pub fn risk(&self, id: &str) -> Option<&RiskView> {
        self.index.risks.get(id).map(|&i| &self.risks[i])
    }

    /// The workstreams that answer a weakness.
    pub fn workstreams_for<'a>(
        &'a self,
        weakness: &'a str,
    ) -> impl Iterator<Item = &'a WorkstreamView> {
        self.workstreams
            .iter()
            .filter(move |ws| ws.weaknesses.iter().any(|w| w == weakness))
    }

    /// The actions of a workstream.
    pub fn actions_of<'a>(&'a self, workstream: &'a str) -> impl Iterator<Item = &'a ActionView> {
        self.index
            .actions_by_workstream
            .get(workstream)
            .into_iter()
            .flatten()
            .map(|&i| &self.actions[i])
    }

    /// The measures that evidence a weakness.
    pub fn measures_for<'a>(&'a self, weakness: &'a str) -> impl Iterator<Item = &'a MeasureView> {
        self.measures
            .iter()
            .filter(move |m| m.weaknesses.iter().any(|w| w == weakness))
    }

    /// A short human name for a subject: "action 1.1 'Appoint a QA officer'".
    pub fn describe(&self, subject: &Subject) -> String {
        let title = match subject {
            Subject::Weakness(id) => self.weakness(id.as_str()).map(|w| w.title.clone()),
            Subject::Workstream(id) => self.workstream(id.as_str()).map(|w| w.title.clone()),
            Subject::Action(id) => self.action(id.as_str()).map(|a| a.title.clone()),
            Subject::Measure(id) => self.measure(id.as_str()).map(|m| m.title.clone()),
            Subject::Evidence(id) => self.evidence_item(id.as_str()).map(|e| e.title.clone()),
            Subject::Risk(id) => self.risk(id.as_str()).map(|r| r.title.clone()),
        };
        match title {
            Some(title) => format!("{subject} '{title}'"),
            None => subject.to_string(),
        }
    }

    /// Adds a newly created action, judged by `due` (the day its deadline stands for) and
    /// keeping the council's words for it, if any.
    fn add_action(&mut self, head: ActionHead, due: Date, deadline: Option<Deadline>, cite: Cite) {
        let view = ActionView {
            id: head.id,
            workstream: head.workstream,
            title: head.title,
            owner: head.owner,
            due,
            original_due: due,
            deadline,
            success: head.success,
            status: Status::NotStarted,
            rag: None,
            status_changes: Vec::new(),
            amendments: Vec::new(),
            notes: Vec::new(),
            evidence: Vec::new(),
            milestones: Vec::new(),
            cite,
        };
        let workstream = view.workstream.clone();
        let replaced = self
            .index
            .actions
            .get(&view.id)
            .map(|&i| (i, self.actions[i].workstream.clone()));
        push(
            &mut self.actions,
            &mut self.index.actions,
            view.id.clone(),
            view,
        );
        let by_workstream = &mut self.index.actions_by_workstream;
        match replaced {
            None => by_workstream
                .entry(workstream)
                .or_default()
                .push(self.actions.len() - 1),
            Some((_, was)) if was == workstream => {}
            Some((i, was)) => {
                if let Some(list) = by_workstream.get_mut(&was) {
                    list.retain(|&j| j != i);
                    if list.is_empty() {
                        by_workstream.remove(&was);
                    }
                }
                let list = by_workstream.entry(workstream).or_default();
                let at = list.partition_point(|&j| j < i);
                list.insert(at, i);
            }
        }
    }

    fn visit(&mut self, e: &MonitoringVisitFeedback, cite: Cite) {
        let texts = |points: &[crate::event::VisitPoint]| -> Vec<String> {
            points.iter().map(|p| p.text.clone()).collect()
        };
        let tied = [
            (PointKind::Strength, &e.strengths),
            (PointKind::Concern, &e.concerns),
            (PointKind::NextStep, &e.next_steps),
        ]
        .into_iter()
        .flat_map(|(point, list)| {
            list.iter()
                .enumerate()
                .filter(|(_, p)| !p.about.is_empty())
                .map(move |(index, p)| TiedPoint {
                    point,
                    index,
                    about: p.about.iter().map(|id| id.as_str().to_owned()).collect(),
                })
        })
        .collect();
        self.visits.push(VisitView {
            number: self.visits.len() + 1,
            by: e.by.clone(),
            summary: e.summary.clone(),
            strengths: texts(&e.strengths),
            concerns: texts(&e.concerns),
            next_steps: texts(&e.next_steps),
            tied,
            letter: e.letter.as_ref().map(|id| id.as_str().to_owned()),
            cite,
        });
    }

    fn measure_defined(
        &mut self,
        e: &MeasureDefined,
        definition: Option<String>,
        period: Option<Period>,
        trajectory: &[TrajectoryPoint],
        cite: Cite,
    ) {
        let view = MeasureView {
            id: e.id.to_string(),
            title: e.title.clone(),
            unit: e.unit.clone(),
            baseline: e.baseline.clone(),
            baseline_on: e.baseline_on,
            target: e.target.clone(),
            target_by: e.target_by,
            better: e.better,
            weaknesses: e.weaknesses.iter().map(ToString::to_string).collect(),
            values: Vec::new(),
            cite,
            definition,
            period,
            trajectory: trajectory.to_vec(),
            amended: Vec::new(),
        };
        push(
            &mut self.measures,
            &mut self.index.measures,
            view.id.clone(),
            view,
        );
    }

    /// Applies one event. Like `State::apply`, it never refuses: events that refer to things
    /// outside the folded set (possible when folding "as of" a business date) change nothing.
    pub fn apply(&mut self, event: &Event) {
        self.events += 1;
        self.last_seq = Some(event.seq);
        let cite = Cite::of(event);
        match &event.body {
            EventBody::LedgerOpened(e) => {
                self.area = Some(e.area.clone());
                self.partners.clone_from(&e.partners);
            }
            EventBody::InspectionRecorded(e) => self.inspected(&e.as_added(), cite),
            EventBody::InspectionAdded(e) => self.inspected(e, cite),
            EventBody::FindingRecorded(e) => self.found(e, cite),
            EventBody::WeaknessRecorded(e) => self.found(&e.as_finding(), cite),
            EventBody::PlanSubmitted(e) => {
                self.plan_step(PlanId::WSOA, PlanStep::Submitted, e.version, &cite);
                self.statement_step("submitted", e.version, e.summary.clone(), cite)
            }
            EventBody::PlanAccepted(e) => {
                self.plan_step(PlanId::WSOA, PlanStep::Accepted, e.version, &cite);
                self.statement_step("accepted", e.version, e.summary.clone(), cite)
            }
            EventBody::PlanRevised(e) => {
                self.plan_step(PlanId::WSOA, PlanStep::Revised, e.version, &cite);
                self.statement_step("revised", e.version, Some(e.summary.clone()), cite)
            }
            EventBody::PlanStarted(e) => self.plans.push(PlanView {
                id: e.id.to_string(),
                kind: e.kind,
                title: e.title.clone(),
                implicit: false,
                answers: e.answers.iter().map(ToString::to_string).collect(),
                version: 1,
                stage: "draft".to_owned(),
                submitted: None,
                accepted: None,
                workstreams: Vec::new(),
                reviews: Vec::new(),
                monitoring_ended: Vec::new(),
                cite,
            }),
            EventBody::PlanStepRecorded(e) => {
                self.plan_step(e.plan.as_str(), e.step, e.version, &cite);
            }
            EventBody::MonitoringReviewed(e) => self.on_monitoring_reviewed(e, cite),
            EventBody::WorkstreamCreatedInPlan(e) => self.on_workstream_created_in_plan(e, cite),
            EventBody::WorkstreamCreated(e) => self.on_workstream_created(e, cite),
            EventBody::WorkstreamAmended(e) => self.on_workstream_amended(e, cite),
            EventBody::ActionCreated(e) => self.on_action_created(e, cite),
            EventBody::ActionAmended(e) => self.on_action_amended(e, cite),
            EventBody::ActionCreatedWithDeadline(e) => {
                self.on_action_created_with_deadline(e, cite)
            }
            EventBody::ActionAmendedWithDeadline(e) => {
                self.on_action_amended_with_deadline(e, cite)
            }
            EventBody::CoproductionRecorded(e) => self.coproduction.push(CoproductionView {
                about: e.about.to_string(),
                said: e.said.clone(),
                did: e.did.clone(),
                difference: e.difference.clone(),
                from: e.from.clone(),
                respondents: e.respondents,
                cite,
            }),
            EventBody::MilestoneAdded(e) => self.on_milestone_added(e, cite),
            EventBody::MilestoneMet(e) => {
                if let Some(m) = self.milestone_mut(e.action.as_str(), e.id.as_str()) {
                    m.met = Some((e.note.clone(), cite));
                }
            }
            EventBody::MilestoneMissed(e) => {
                if let Some(m) = self.milestone_mut(e.action.as_str(), e.id.as_str()) {
                    m.missed = Some((e.reason.clone(), cite));
                }
            }
            EventBody::ActionStatusChanged(e) => self.on_action_status_changed(e, cite),
            EventBody::EvidenceAttached(e) => self.on_evidence_attached(e, cite),
            EventBody::EvidenceRedacted(e) => {
                if let Some(&i) = self.index.evidence.get(e.id.as_str()) {
                    self.evidence[i].redacted = Some((e.reason.clone(), cite));
                }
            }
            EventBody::MeasureDefined(e) => self.measure_defined(e, None, None, &[], cite),
            EventBody::MeasureDefinedWithTrajectory(e) => self.measure_defined(
                &e.measure,
                e.definition.clone(),
                e.period,
                &e.trajectory,
                cite,
            ),
            EventBody::MeasureAmended(e) => self.on_measure_amended(e, cite),
            EventBody::PackSent(e) => self.packs.push(PackView {
                purpose: e.purpose.clone(),
                to: e.to.clone(),
                as_of: e.as_of,
                events: e.events,
                head: e.head,
                file_name: e.file_name.clone(),
                file_hash: e.file_hash,
                size: e.size,
                cite,
            }),
            EventBody::MeasureRecorded(e) => self.on_measure_recorded(e, cite),
            EventBody::MonitoringVisitRecorded(e) => {
                self.visit(&MonitoringVisitFeedback::from(e.clone()), cite);
            }
            EventBody::MonitoringVisitFeedback(e) => self.visit(e, cite),
            EventBody::ProgressReviewed(e) => self.on_progress_reviewed(e, cite),
            EventBody::RiskRaised(e) => self.on_risk_raised(e, cite),
            EventBody::RiskUpdated(e) => self.on_risk_updated(e, cite),
            EventBody::RiskClosed(e) => {
                if let Some(&i) = self.index.risks.get(e.id.as_str()) {
                    self.risks[i].closed = Some((e.reason.clone(), cite));
                }
            }
            EventBody::RevisitScheduled(e) => self.revisit = Some((e.from, e.to, cite)),
            EventBody::RevisitOutcomeRecorded(e) => {
                for outcome in &e.outcomes {
                    if let Some(&i) = self.index.weaknesses.get(outcome.weakness.as_str()) {
                        self.weaknesses[i].outcome = Some((outcome.progress, cite.clone()));
                    }
                }
            }
            EventBody::NoteAdded(e) => self.on_note_added(e, cite),
            EventBody::CheckpointRecorded(e) => self.checkpoints.push(CheckpointView {
                size: e.size,
                root: e.root,
                signers: e.signers.clone(),
                cite,
            }),
            EventBody::CorrectionRecorded(e) => self.corrections.push(CorrectionView {
                corrects: e.seq,
                reason: e.reason.clone(),
                cite,
            }),
        }
    }

    /// Folds `MonitoringReviewed`.
    fn on_monitoring_reviewed(&mut self, e: &MonitoringReviewed, cite: Cite) {
        if let Some(plan) = self.plan_mut(e.plan.as_str(), &cite) {
            for ws in &e.ended {
                if !plan
                    .monitoring_ended
                    .iter()
                    .any(|(id, _)| id == ws.as_str())
                {
                    plan.monitoring_ended.push((ws.to_string(), cite.clone()));
                }
            }
            plan.reviews.push(MonitoringReviewView {
                by: e.by.clone(),
                summary: e.summary.clone(),
                continues: e.continues.iter().map(ToString::to_string).collect(),
                ended: e.ended.iter().map(ToString::to_string).collect(),
                cite,
            });
        }
    }

    /// Folds `WorkstreamCreatedInPlan`.
    fn on_workstream_created_in_plan(&mut self, e: &WorkstreamCreatedInPlan, cite: Cite) {
        if let Some(plan) = self.plan_mut(e.plan.as_str(), &cite) {
            plan.workstreams.push(e.id.to_string());
        }
        let view = WorkstreamView {
            id: e.id.to_string(),
            title: e.title.clone(),
            sponsor: e.sponsor.clone(),
            weaknesses: e.weaknesses.iter().map(ToString::to_string).collect(),
            assessments: Vec::new(),
            amendments: Vec::new(),
            plan: Some(e.plan.to_string()),
            cite,
        };
        push(
            &mut self.workstreams,
            &mut self.index.workstreams,
            view.id.clone(),
            view,
        );
    }

    /// Folds `WorkstreamCreated`.
    fn on_workstream_created(&mut self, e: &WorkstreamCreated, cite: Cite) {
        self.wsoa(&cite).workstreams.push(e.id.to_string());
        let view = WorkstreamView {
            id: e.id.to_string(),
            title: e.title.clone(),
            sponsor: e.sponsor.clone(),
            weaknesses: e.weaknesses.iter().map(ToString::to_string).collect(),
            assessments: Vec::new(),
            amendments: Vec::new(),
            plan: None,
            cite,
        };
        push(
            &mut self.workstreams,
            &mut self.index.workstreams,
            view.id.clone(),
            view,
        );
    }

    /// Folds `WorkstreamAmended`.
    fn on_workstream_amended(&mut self, e: &WorkstreamAmended, cite: Cite) {
        if let Some(&i) = self.index.workstreams.get(e.id.as_str()) {
            let ws = &mut self.workstreams[i];
            if let Some(title) = &e.title {
                ws.title.clone_from(title);
            }
            if let Some(sponsor) = &e.sponsor {
                ws.sponsor.clone_from(sponsor);
            }
            if let Some(list) = &e.weaknesses {
                ws.weaknesses = list.iter().map(ToString::to_string).collect();
            }
            ws.amendments.push((e.reason.clone(), cite));
        }
    }

    /// Folds `ActionCreated`.
    fn on_action_created(&mut self, e: &ActionCreated, cite: Cite) {
        self.add_action(
            ActionHead {
                id: e.id.to_string(),
                workstream: e.workstream.to_string(),
                title: e.title.clone(),
                owner: e.owner.clone(),
                success: e.success.clone(),
            },
            e.due,
            None,
            cite,
        );
    }

    /// Folds `ActionAmended`.
    fn on_action_amended(&mut self, e: &ActionAmended, cite: Cite) {
        if let Some(&i) = self.index.actions.get(e.id.as_str()) {
            let action = &mut self.actions[i];
            let amendment = Amendment {
                owner: changed(&action.owner, e.owner.as_ref()),
                due: e
                    .due
                    .filter(|due| *due != action.due)
                    .map(|due| (action.due, due)),
                deadline: e
                    .due
                    .filter(|_| action.deadline.is_some())
                    .map(|due| (action.due_text(Date::long), due.long())),
                title: changed(&action.title, e.title.as_ref()),
                reason: e.reason.clone(),
                cite,
            };
            if let Some(owner) = &e.owner {
                action.owner.clone_from(owner);
            }
            if let Some(due) = e.due {
                action.due = due;
                action.deadline = None;
            }
            if let Some(title) = &e.title {
                action.title.clone_from(title);
            }
            action.amendments.push(amendment);
            if self.detail == Detail::Current {
                action.forget_history();
            }
        }
    }

    /// Folds `ActionCreatedWithDeadline`.
    fn on_action_created_with_deadline(&mut self, e: &ActionCreatedWithDeadline, cite: Cite) {
        let due = judged_by(&e.due, cite.on);
        self.add_action(
            ActionHead {
                id: e.id.to_string(),
                workstream: e.workstream.to_string(),
                title: e.title.clone(),
                owner: e.owner.clone(),
                success: e.success.clone(),
            },
            due,
            Some(e.due.clone()),
            cite,
        );
    }

    /// Folds `ActionAmendedWithDeadline`.
    fn on_action_amended_with_deadline(&mut self, e: &ActionAmendedWithDeadline, cite: Cite) {
        if let Some(&i) = self.index.actions.get(e.id.as_str()) {
            let next = e.due.as_ref().map(|due| judged_by(due, cite.on));
            let action = &mut self.actions[i];
            let (before, old_due) = (action.due_text(Date::long), action.due);
            let owner = changed(&action.owner, e.owner.as_ref());
            let title = changed(&action.title, e.title.as_ref());
            if let Some(owner) = &e.owner {
                action.owner.clone_from(owner);
            }
            if let Some(title) = &e.title {
                action.title.clone_from(title);
            }
            if let (Some(due), Some(next)) = (&e.due, next) {
                action.due = next;
                action.deadline = Some(due.clone());
            }
            let after = action.due_text(Date::long);
            let dated = e.due.as_ref().and_then(Deadline::date).is_some();
            action.amendments.push(Amendment {
                owner,
                due: (dated && action.due != old_due).then_some((old_due, action.due)),
                deadline: (e.due.is_some() && before != after).then_some((before, after)),
                title,
                reason: e.reason.clone(),
                cite,
            });
            if self.detail == Detail::Current {
                action.forget_history();
            }
        }
    }

    /// Folds `MilestoneAdded`.
    fn on_milestone_added(&mut self, e: &MilestoneAdded, cite: Cite) {
        if let Some(&i) = self.index.actions.get(e.action.as_str()) {
            self.actions[i].milestones.push(MilestoneView {
                id: e.id.to_string(),
                title: e.title.clone(),
                due: e.due.clone(),
                met: None,
                missed: None,
                cite,
            });
        }
    }

    /// Folds `ActionStatusChanged`.
    fn on_action_status_changed(&mut self, e: &ActionStatusChanged, cite: Cite) {
        if let Some(&i) = self.index.actions.get(e.id.as_str()) {
            let action = &mut self.actions[i];
            action.updated_on(cite.on);
            let rag_to = e.rag.or(action.rag);
            action.status_changes.push(StatusChange {
                from: action.status,
                to: e.status,
                rag_from: action.rag,
                rag_to,
                note: e.note.clone(),
                cite,
            });
            action.status = e.status;
            action.rag = rag_to;
            if self.detail == Detail::Current {
                action.forget_history();
            }
        }
    }

    /// Folds `EvidenceAttached`.
    fn on_evidence_attached(&mut self, e: &EvidenceAttached, cite: Cite) {
        for subject in &e.supports {
            if let Subject::Action(id) = subject
                && let Some(&i) = self.index.actions.get(id.as_str())
            {
                self.actions[i].evidence.push(e.id.to_string());
            }
        }
        let view = EvidenceView {
            id: e.id.to_string(),
            title: e.title.clone(),
            kind: e.kind,
            file_name: e.file_name.clone(),
            media_type: e.media_type.clone(),
            size: e.size,
            content_hash: e.content_hash,
            supports: e.supports.clone(),
            redacted: None,
            cite,
        };
        push(
            &mut self.evidence,
            &mut self.index.evidence,
            view.id.clone(),
            view,
        );
    }

    /// Folds `MeasureAmended`.
    fn on_measure_amended(&mut self, e: &MeasureAmended, cite: Cite) {
        if let Some(&i) = self.index.measures.get(e.id.as_str()) {
            let measure = &mut self.measures[i];
            if e.definition.is_some() {
                measure.definition.clone_from(&e.definition);
            }
            if e.period.is_some() {
                measure.period = e.period;
            }
            if let Some(trajectory) = &e.trajectory {
                measure.trajectory.clone_from(trajectory);
            }
            measure.amended.push(cite);
        }
    }

    /// Folds `MeasureRecorded`.
    fn on_measure_recorded(&mut self, e: &MeasureRecorded, cite: Cite) {
        if let Some(&i) = self.index.measures.get(e.id.as_str()) {
            self.measures[i].values.push(MeasureValue {
                value: e.value.clone(),
                source: e.source.clone(),
                cite,
            });
        }
    }

    /// Folds `ProgressReviewed`.
    fn on_progress_reviewed(&mut self, e: &ProgressReviewed, cite: Cite) {
        for assessment in &e.assessments {
            if let Some(&i) = self.index.workstreams.get(assessment.workstream.as_str()) {
                self.workstreams[i].assessments.push(AssessmentView {
                    rating: assessment.rating,
                    forum: e.forum.clone(),
                    note: assessment.note.clone(),
                    cite: cite.clone(),
                });
            }
        }
        self.reviews.push(ReviewView {
            forum: e.forum.clone(),
            assessments: e
                .assessments
                .iter()
                .map(|a| (a.workstream.to_string(), a.rating, a.note.clone()))
                .collect(),
            cite,
        });
    }

    /// Folds `RiskRaised`.
    fn on_risk_raised(&mut self, e: &RiskRaised, cite: Cite) {
        let view = RiskView {
            id: e.id.to_string(),
            title: e.title.clone(),
            level: e.level,
            about: e.about.clone(),
            mitigation: e.mitigation.clone(),
            updates: Vec::new(),
            closed: None,
            cite,
        };
        push(
            &mut self.risks,
            &mut self.index.risks,
            view.id.clone(),
            view,
        );
    }

    /// Folds `RiskUpdated`.
    fn on_risk_updated(&mut self, e: &RiskUpdated, cite: Cite) {
        if let Some(&i) = self.index.risks.get(e.id.as_str()) {
            let risk = &mut self.risks[i];
            if let Some(level) = e.level {
                risk.level = level;
            }
            if e.mitigation.is_some() {
                risk.mitigation.clone_from(&e.mitigation);
            }
            risk.updates.push((e.note.clone(), cite));
            if self.detail == Detail::Current {
                risk.forget_history();
            }
        }
    }

    /// Folds `NoteAdded`.
    fn on_note_added(&mut self, e: &NoteAdded, cite: Cite) {
        if let Subject::Action(id) = &e.about
            && let Some(&i) = self.index.actions.get(id.as_str())
        {
            self.actions[i].updated_on(cite.on);
            self.actions[i]
                .notes
                .push((e.text.clone(), e.from.clone(), cite.clone()));
            if self.detail == Detail::Current {
                self.actions[i].forget_history();
            }
        }
        if self.detail == Detail::Full {
            self.notes.push(NoteView {
                about: e.about.clone(),
                text: e.text.clone(),
                from: e.from.clone(),
                cite,
            });
        }
    }

    fn statement_step(
        &mut self,
        step: &'static str,
        version: u32,
        summary: Option<String>,
        cite: Cite,
    ) {
        let statement = self.statement.get_or_insert_with(|| Statement {
            version,
            stage: "draft",
            history: Vec::new(),
        });
        statement.version = version;
        statement.stage = match step {
            "revised" => "draft",
            other => other,
        };
        statement.history.push(StatementStep {
            step,
            version,
            summary,
            cite,
        });
    }
}

/// A statement as read back (from a kept snapshot), its stage still text.
#[derive(Deserialize)]
struct StatementRead {
    version: u32,
    stage: String,
    history: Vec<StatementStepRead>,
}

/// A statement step as read back, its word still text.
#[derive(Deserialize)]
struct StatementStepRead {
    step: String,
    version: u32,
    summary: Option<String>,
    cite: Cite,
}

/// One of the words `Plan::apply` writes for a statement's stage or step, so that the field can
/// stay a `&'static str` when a plan is read back.
fn statement_word(word: &str) -> Result<&'static str, String> {
    ["draft", "submitted", "accepted", "revised"]
        .into_iter()
        .find(|known| *known == word)
        .ok_or_else(|| {
            format!(
                "'{word}' is not a statement stage or step (draft, submitted, accepted, revised)"
            )
        })
}

impl StatementStepRead {
    fn checked(self) -> Result<StatementStep, String> {
        Ok(StatementStep {
            step: statement_word(&self.step)?,
            version: self.version,
            summary: self.summary,
            cite: self.cite,
        })
    }
}

// Written by hand: a derived `Deserialize` of a struct holding a `&'static str` would demand
// input that lives forever.
impl<'de> Deserialize<'de> for Statement {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Statement, D::Error> {
        let read = StatementRead::deserialize(deserializer)?;
        let history = read
            .history
            .into_iter()
            .map(StatementStepRead::checked)
            .collect::<Result<_, _>>()
            .map_err(serde::de::Error::custom)?;
        Ok(Statement {
            version: read.version,
            stage: statement_word(&read.stage).map_err(serde::de::Error::custom)?,
            history,
        })
    }
}

/// What every created action carries, whichever way its deadline was written.
struct ActionHead {
    id: String,
    workstream: String,
    title: String,
    owner: String,
    success: Vec<String>,
}

fn push<T>(list: &mut Vec<T>, index: &mut BTreeMap<String, usize>, id: String, item: T) {
    // An id appears once in a valid ledger; if an "as of" fold ever met it twice, the later
    // record replaces the earlier rather than duplicating it.
    match index.get(&id) {
        Some(&i) => list[i] = item,
        None => {
            index.insert(id, list.len());
            list.push(item);
        }
    }
}

/// The day a deadline set on `on` is judged by: its day; for recurring work, the day the first
/// update is due; for a deadline not yet set, `on` itself (never judged overdue).
fn judged_by(due: &Deadline, on: Date) -> Date {
    match due {
        Deadline::On(date) | Deadline::Written { date, .. } => *date,
        Deadline::Recurring { every, .. } => {
            Date::from_days_since_epoch(on.days_since_epoch() + every.period_days()).unwrap_or(on)
        }
        Deadline::NotSet { .. } => on,
    }
}

fn changed(current: &str, new: Option<&String>) -> Option<(String, String)> {
    new.filter(|new| new.as_str() != current)
        .map(|new| (current.to_owned(), new.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{
        ActionAmended, ActionCreated, ActionStatusChanged, Actor, MeasureDefined, MeasureRecorded,
        NoteAdded, Role, WorkstreamCreated,
    };
    use crate::ids::{ActionId, MeasureId, WeaknessId, WorkstreamId};

    fn date(text: &str) -> Date {
        text.parse().expect("valid date")
    }

    /// A plan folded from bodies, each with its business date, in ledger order.
    fn fold(bodies: Vec<(&str, EventBody)>) -> Plan {
        let events: Vec<Event> = bodies
            .into_iter()
            .enumerate()
            .map(|(seq, (on, body))| Event {
                format: crate::event::FORMAT_VERSION,
                seq: seq as u64,
                prev: Digest::ZERO,
                recorded_at: 1_626_350_400_000 + seq as i64,
                occurred_on: date(on),
                actor: Actor {
                    name: "A. Patel".to_owned(),
                    role: Role::Officer,
                },
                body,
            })
            .collect();
        Plan::from_events(&events)
    }

    fn action_1_1(due: &str) -> Vec<(&'static str, EventBody)> {
        vec![
            (
                "2021-05-10",
                EventBody::WorkstreamCreated(WorkstreamCreated {
                    id: WorkstreamId::new("WS1").expect("valid"),
                    title: "Quality assurance".to_owned(),
                    sponsor: "Director of Education".to_owned(),
                    weaknesses: vec![WeaknessId::new("W1").expect("valid")],
                }),
            ),
            (
                "2021-05-10",
                EventBody::ActionCreated(ActionCreated {
                    id: ActionId::new("1.1").expect("valid"),
                    workstream: WorkstreamId::new("WS1").expect("valid"),
                    title: "Appoint a QA officer".to_owned(),
                    owner: "Head of SEND".to_owned(),
                    due: date(due),
                    success: vec!["Officer in post".to_owned()],
                }),
            ),
        ]
    }

    fn status(to: Status, note: Option<&str>) -> EventBody {
        EventBody::ActionStatusChanged(ActionStatusChanged {
            id: ActionId::new("1.1").expect("valid"),
            status: to,
            rag: None,
            note: note.map(str::to_owned),
        })
    }

    #[test]
    fn an_action_is_overdue_only_after_its_deadline_and_while_open() {
        let plan = fold(action_1_1("2021-09-30"));
        let action = plan.action("1.1").expect("exists");
        assert!(!action.overdue(date("2021-09-30")), "due today is not late");
        assert!(action.overdue(date("2021-10-01")));
        for (closed, overdue) in [
            (Status::Complete, false),
            (Status::Withdrawn, false),
            (Status::Blocked, true),
            (Status::InProgress, true),
        ] {
            let mut bodies = action_1_1("2021-09-30");
            bodies.push(("2021-09-01", status(closed, None)));
            let plan = fold(bodies);
            let action = plan.action("1.1").expect("exists");
            assert_eq!(action.overdue(date("2021-12-01")), overdue, "{closed}");
        }
    }

    #[test]
    fn the_latest_update_is_the_newest_note_of_either_kind_and_keeps_the_rag() {
        let mut bodies = action_1_1("2021-09-30");
        bodies.push((
            "2021-08-02",
            EventBody::ActionStatusChanged(ActionStatusChanged {
                id: ActionId::new("1.1").expect("valid"),
                status: Status::InProgress,
                rag: Some(Rag::Amber),
                note: Some("Post advertised".to_owned()),
            }),
        ));
        bodies.push((
            "2021-08-20",
            EventBody::NoteAdded(NoteAdded {
                about: Subject::Action(ActionId::new("1.1").expect("valid")),
                text: "Interviews on 2 September".to_owned(),
                from: None,
            }),
        ));
        // A status change without a note is not an update, and keeps the last RAG.
        bodies.push(("2021-08-25", status(Status::Blocked, None)));
        let plan = fold(bodies);
        let action = plan.action("1.1").expect("exists");
        let (text, cite) = action.latest_update().expect("there is an update");
        assert_eq!(text, "Interviews on 2 September");
        assert_eq!(cite.on, date("2021-08-20"));
        assert_eq!(action.status, Status::Blocked);
        assert_eq!(action.rag, Some(Rag::Amber));
        assert!(action.completed().is_none());

        let mut bodies = action_1_1("2021-09-30");
        bodies.push(("2021-09-01", status(Status::Complete, Some("In post"))));
        let plan = fold(bodies);
        let action = plan.action("1.1").expect("exists");
        assert_eq!(action.latest_update().map(|(t, _)| t), Some("In post"));
        assert_eq!(action.completed().map(|c| c.on), Some(date("2021-09-01")));
        assert!(
            fold(action_1_1("2021-09-30"))
                .action("1.1")
                .expect("exists")
                .latest_update()
                .is_none()
        );
    }

    #[test]
    fn a_slipped_deadline_keeps_the_original_and_records_each_move() {
        let mut bodies = action_1_1("2021-09-30");
        for (on, due) in [("2021-09-20", "2021-12-31"), ("2021-12-20", "2022-03-31")] {
            bodies.push((
                on,
                EventBody::ActionAmended(ActionAmended {
                    id: ActionId::new("1.1").expect("valid"),
                    title: None,
                    owner: None,
                    due: Some(date(due)),
                    reason: "Recruitment paused".to_owned(),
                }),
            ));
        }
        let plan = fold(bodies);
        let action = plan.action("1.1").expect("exists");
        assert_eq!(action.due, date("2022-03-31"));
        assert_eq!(action.original_due, date("2021-09-30"));
        let moves: Vec<_> = action.amendments.iter().filter_map(|a| a.due).collect();
        assert_eq!(
            moves,
            vec![
                (date("2021-09-30"), date("2021-12-31")),
                (date("2021-12-31"), date("2022-03-31"))
            ]
        );
        assert!(
            !action.overdue(date("2022-01-10")),
            "judged on the new deadline"
        );
    }

    fn measure(better: Direction, values: &[(&'static str, &str)]) -> MeasureView {
        let mut bodies = vec![(
            "2021-09-06",
            EventBody::MeasureDefined(MeasureDefined {
                id: MeasureId::new("M1").expect("valid"),
                title: "A measure".to_owned(),
                unit: "%".to_owned(),
                baseline: "40".parse().expect("decimal"),
                baseline_on: date("2021-03-31"),
                target: match better {
                    Direction::HigherIsBetter => "60",
                    Direction::LowerIsBetter => "20",
                }
                .parse()
                .expect("decimal"),
                target_by: date("2022-09-30"),
                better,
                weaknesses: vec![WeaknessId::new("W1").expect("valid")],
            }),
        )];
        for (on, value) in values {
            bodies.push((
                on,
                EventBody::MeasureRecorded(MeasureRecorded {
                    id: MeasureId::new("M1").expect("valid"),
                    value: value.parse().expect("decimal"),
                    source: None,
                }),
            ));
        }
        fold(bodies).measure("M1").expect("exists").clone()
    }

    #[test]
    fn trend_and_target_for_higher_is_better() {
        let higher = Direction::HigherIsBetter;
        let none = measure(higher, &[]);
        assert_eq!(none.trend(), Trend::NoData);
        assert!(!none.target_met());
        let rising = measure(higher, &[("2021-12-31", "50")]);
        assert_eq!(rising.trend(), Trend::Improving);
        assert!(!rising.target_met());
        let met = measure(higher, &[("2021-12-31", "60.0")]);
        assert!(met.target_met(), "exactly the target meets it");
        assert_eq!(
            measure(higher, &[("2021-12-31", "40.00")]).trend(),
            Trend::Unchanged
        );
        assert_eq!(
            measure(higher, &[("2021-12-31", "39.5")]).trend(),
            Trend::Worsening
        );
        // The latest is by date, not by recording order: a back-dated value does not hide a
        // newer one.
        let back_dated = measure(higher, &[("2022-03-31", "65"), ("2021-12-31", "30")]);
        assert_eq!(back_dated.latest().map(|v| v.value.as_str()), Some("65"));
        assert_eq!(back_dated.trend(), Trend::Improving);
        assert!(back_dated.target_met());
    }

    #[test]
    fn trend_and_target_for_lower_is_better() {
        let lower = Direction::LowerIsBetter;
        let falling = measure(lower, &[("2021-12-31", "30")]);
        assert_eq!(falling.trend(), Trend::Improving);
        assert!(!falling.target_met());
        let met = measure(lower, &[("2021-12-31", "30"), ("2022-06-30", "20")]);
        assert!(met.target_met(), "exactly the target meets it");
        let below = measure(lower, &[("2022-06-30", "12")]);
        assert!(below.target_met());
        let rising = measure(lower, &[("2021-12-31", "55")]);
        assert_eq!(rising.trend(), Trend::Worsening);
        assert!(!rising.target_met());
    }

    #[test]
    fn a_plan_read_back_from_json_and_reindexed_equals_the_plan_written() {
        let ledger = crate::demo::in_memory(Some(3_000));
        let events: Vec<&Event> = ledger.events().collect();
        let plan = Plan::from_events(events.iter().copied());
        assert!(plan.statement.is_some() && !plan.actions.is_empty());
        let json = serde_json::to_vec(&plan).expect("serialises");
        let read: Plan = serde_json::from_slice(&json).expect("reads back");
        assert_ne!(read, plan, "the lookup by id is not serialised");
        let read = read.reindexed();
        assert_eq!(read, plan);
        assert_eq!(read.action("1.1"), plan.action("1.1"));
    }

    #[test]
    fn an_unknown_statement_word_is_refused_when_read_back() {
        let json = r#"{"version":1,"stage":"lost","history":[]}"#;
        let err = serde_json::from_str::<Statement>(json).expect_err("not a stage");
        assert!(
            err.to_string().contains("'lost' is not a statement stage"),
            "{err}"
        );
    }
}
