//! The date rules: a business date never contradicts what the ledger already holds.
//!
//! Every rule compares business dates (`occurred_on` and the dates inside events), never the
//! day something was typed in, so a late entry about a past day is judged by the day it is
//! about. A bound set by an event that was later corrected (`CorrectionRecorded` naming it) no
//! longer binds: the correction says that event's date was wrong.
//!
//! - The inspection is recorded on or after its last day on site (its report is not published
//!   before that day either); a weakness is recorded on or after the inspection's last day.
//! - The inspection and its weaknesses come before the ledger, and so may a measure's values
//!   (its history back to its baseline); everything else is dated on or after the day the
//!   ledger was opened.
//! - The statement is submitted on or after the day the report was published, and accepted on
//!   or after the day it was submitted.
//! - Nothing about a weakness, workstream, action, measure, risk or evidence is dated before the
//!   day it was recorded as created. A measure's values are the exception: they may be filled in
//!   back to its baseline date, and never before it.
//! - A status change is not dated before the action's previous status change.
//! - A milestone is due no earlier than a moved deadline may be: not before its action was
//!   agreed.
//! - A moved deadline is not before the day the action was agreed (created), and a new action
//!   typed in (the CLI, the API, the web form: `Command::CreateActionWithDeadline`) is not born
//!   overdue (`agreed_deadline`). An action imported from a council's tracker
//!   (`Command::ImportAction`, or `CreateAction` with a date) already existed before the import,
//!   so its deadline may have passed when it is recorded; it was agreed by that first deadline at
//!   the latest, so its deadline may later move back as far as the first deadline (a tracker's
//!   revised deadline that has passed too), never before.

use std::collections::{BTreeMap, BTreeSet};

use crate::date::Date;
use crate::event::{Event, EventBody, MeasureDefinedWithTrajectory, Status};
use crate::ids::{ActionId, InspectionId, MeasureId, PlanId, Subject, WeaknessId, WorkstreamId};

use super::Rejection;

/// A date set by an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Bound {
    seq: u64,
    date: Date,
}

/// The inspection's dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Inspection {
    seq: u64,
    to: Date,
    published: Date,
}

/// What the date rules need to know: a fold of the events' business dates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dates {
    opened: Option<Bound>,
    inspection: Option<Inspection>,
    /// Every inspection by id (the first, `InspectionRecorded`, is `I1`).
    inspections: BTreeMap<InspectionId, Inspection>,
    submitted: Option<Bound>,
    /// Plans started with `PlanStarted`, and the latest submission of each.
    plans: BTreeMap<PlanId, Bound>,
    plans_submitted: BTreeMap<PlanId, Bound>,
    created: BTreeMap<Subject, Bound>,
    last_status: BTreeMap<ActionId, (Bound, Status)>,
    /// Actions recorded after their first deadline had passed (rows of a council's tracker):
    /// agreed before they were recorded, by that deadline at the latest.
    agreed_earlier: BTreeMap<ActionId, Date>,
    baselines: BTreeMap<MeasureId, Bound>,
    corrected: BTreeSet<u64>,
}

impl Dates {
    /// Folds one event's dates in.
    pub fn apply(&mut self, event: &Event) {
        let bound = Bound {
            seq: event.seq,
            date: event.occurred_on,
        };
        let mut created = |subject: Subject| {
            self.created.insert(subject, bound);
        };
        match &event.body {
            EventBody::LedgerOpened(_) => self.opened = Some(bound),
            EventBody::InspectionRecorded(e) => {
                let inspection = Inspection {
                    seq: event.seq,
                    to: e.to,
                    published: e.published,
                };
                self.inspection = Some(inspection);
                self.inspections.insert(InspectionId::first(), inspection);
            }
            EventBody::InspectionAdded(e) => {
                let inspection = Inspection {
                    seq: event.seq,
                    to: e.to,
                    published: e.published,
                };
                self.inspection.get_or_insert(inspection);
                self.inspections.insert(e.id.clone(), inspection);
            }
            EventBody::FindingRecorded(e) => created(Subject::Weakness(e.id.clone())),
            EventBody::WeaknessRecorded(e) => created(Subject::Weakness(e.id.clone())),
            EventBody::PlanSubmitted(_) => self.submitted = Some(bound),
            EventBody::WorkstreamCreated(e) => created(Subject::Workstream(e.id.clone())),
            EventBody::WorkstreamCreatedInPlan(e) => created(Subject::Workstream(e.id.clone())),
            EventBody::PlanStarted(e) => {
                self.plans.insert(e.id.clone(), bound);
            }
            EventBody::PlanStepRecorded(e) if e.step == crate::event::PlanStep::Submitted => {
                self.plans_submitted.insert(e.plan.clone(), bound);
            }
            EventBody::ActionCreated(e) => {
                created(Subject::Action(e.id.clone()));
                if e.due < bound.date {
                    self.agreed_earlier.insert(e.id.clone(), e.due);
                }
            }
            EventBody::ActionCreatedWithDeadline(e) => {
                created(Subject::Action(e.id.clone()));
                if let Some(due) = e.due.date().filter(|due| *due < bound.date) {
                    self.agreed_earlier.insert(e.id.clone(), due);
                }
            }
            EventBody::EvidenceAttached(e) => created(Subject::Evidence(e.id.clone())),
            EventBody::MeasureDefined(e)
            | EventBody::MeasureDefinedWithTrajectory(MeasureDefinedWithTrajectory {
                measure: e,
                ..
            }) => {
                created(Subject::Measure(e.id.clone()));
                self.baselines.insert(
                    e.id.clone(),
                    Bound {
                        seq: event.seq,
                        date: e.baseline_on,
                    },
                );
            }
            EventBody::RiskRaised(e) => created(Subject::Risk(e.id.clone())),
            EventBody::ActionStatusChanged(e) => {
                self.last_status.insert(e.id.clone(), (bound, e.status));
            }
            EventBody::CorrectionRecorded(e) => {
                self.corrected.insert(e.seq);
            }
            _ => {}
        }
    }

    /// A bound, unless the event that set it was corrected.
    fn live(&self, bound: Option<Bound>) -> Option<Bound> {
        bound.filter(|b| !self.corrected.contains(&b.seq))
    }

    /// Checks the business dates of an event about to be recorded on `on`.
    pub fn check(&self, body: &EventBody, on: Date) -> Result<(), Rejection> {
        match body {
            EventBody::LedgerOpened(_) => return Ok(()),
            EventBody::InspectionAdded(e) => {
                if on < e.to {
                    return Err(Rejection::DateOrder(format!(
                        "{} is before inspection {}'s last day on site, {}: an inspection is recorded on or after its last day, {} or later",
                        on.long(),
                        e.id,
                        e.to.long(),
                        e.to.long()
                    )));
                }
                return Ok(());
            }
            EventBody::FindingRecorded(e) => {
                if let Some(inspection) = self
                    .inspections
                    .get(&e.inspection)
                    .filter(|i| !self.corrected.contains(&i.seq))
                    && on < inspection.to
                {
                    return Err(conflict(
                        on,
                        format!(
                            "inspection {}, which found {}, ended on {}",
                            e.inspection,
                            e.id,
                            inspection.to.long()
                        ),
                        inspection.seq,
                        inspection.to,
                    ));
                }
                return Ok(());
            }
            EventBody::InspectionRecorded(e) => {
                if on < e.to {
                    return Err(Rejection::DateOrder(format!(
                        "{} is before the inspection's last day on site, {}: an inspection is recorded on or after its last day, {} or later",
                        on.long(),
                        e.to.long(),
                        e.to.long()
                    )));
                }
                return Ok(());
            }
            EventBody::WeaknessRecorded(_) => {
                if let Some(inspection) =
                    self.inspection.filter(|i| !self.corrected.contains(&i.seq))
                    && on < inspection.to
                {
                    return Err(conflict(
                        on,
                        format!(
                            "the inspection that found the weakness ended on {}",
                            inspection.to.long()
                        ),
                        inspection.seq,
                        inspection.to,
                    ));
                }
                return Ok(());
            }
            EventBody::MeasureRecorded(e) => {
                return match self.live(self.baselines.get(&e.id).copied()) {
                    Some(baseline) if on < baseline.date => Err(conflict(
                        on,
                        format!("measure {}'s baseline date, {}", e.id, baseline.date.long()),
                        baseline.seq,
                        baseline.date,
                    )),
                    _ => Ok(()),
                };
            }
            _ => {}
        }
        if let Some(opened) = self.live(self.opened)
            && on < opened.date
        {
            return Err(conflict(
                on,
                format!("the ledger was opened on {}", opened.date.long()),
                opened.seq,
                opened.date,
            ));
        }
        match body {
            EventBody::PlanSubmitted(_) => {
                if let Some(inspection) =
                    self.inspection.filter(|i| !self.corrected.contains(&i.seq))
                    && on < inspection.published
                {
                    return Err(conflict(
                        on,
                        format!(
                            "the inspection report was published on {}, and the statement answers it",
                            inspection.published.long()
                        ),
                        inspection.seq,
                        inspection.published,
                    ));
                }
                Ok(())
            }
            EventBody::PlanAccepted(_) => match self.live(self.submitted) {
                Some(submitted) if on < submitted.date => Err(conflict(
                    on,
                    format!("the statement was submitted on {}", submitted.date.long()),
                    submitted.seq,
                    submitted.date,
                )),
                _ => Ok(()),
            },
            EventBody::WorkstreamCreated(e) => self.weaknesses(on, &e.weaknesses),
            EventBody::WorkstreamCreatedInPlan(e) => {
                self.plan_started(on, &e.plan)?;
                self.weaknesses(on, &e.weaknesses)
            }
            EventBody::PlanStepRecorded(e) => {
                self.plan_started(on, &e.plan)?;
                match self.live(self.plans_submitted.get(&e.plan).copied()) {
                    Some(submitted)
                        if e.step == crate::event::PlanStep::Accepted && on < submitted.date =>
                    {
                        Err(conflict(
                            on,
                            format!("plan {} was submitted on {}", e.plan, submitted.date.long()),
                            submitted.seq,
                            submitted.date,
                        ))
                    }
                    _ => Ok(()),
                }
            }
            EventBody::PlanStarted(e) => self.weaknesses(on, &e.answers),
            EventBody::MonitoringReviewed(e) => {
                self.plan_started(on, &e.plan)?;
                e.continues
                    .iter()
                    .chain(&e.ended)
                    .try_for_each(|ws| self.workstream(on, ws))
            }
            EventBody::WorkstreamAmended(e) => {
                self.about(on, &Subject::Workstream(e.id.clone()))?;
                self.weaknesses(on, e.weaknesses.as_deref().unwrap_or_default())
            }
            EventBody::ActionCreated(e) => self.workstream(on, &e.workstream),
            EventBody::ActionAmended(e) => {
                self.about(on, &Subject::Action(e.id.clone()))?;
                self.moved_deadline(&e.id, e.due)
            }
            EventBody::ActionCreatedWithDeadline(e) => self.workstream(on, &e.workstream),
            EventBody::ActionAmendedWithDeadline(e) => {
                self.about(on, &Subject::Action(e.id.clone()))?;
                self.moved_deadline(&e.id, e.due.as_ref().and_then(|due| due.date()))
            }
            EventBody::MilestoneAdded(e) => {
                self.about(on, &Subject::Action(e.action.clone()))?;
                self.moved_deadline(&e.action, e.due.date())
            }
            EventBody::MilestoneMet(e) => self.about(on, &Subject::Action(e.action.clone())),
            EventBody::CoproductionRecorded(e) => {
                self.about(on, &Subject::Weakness(e.about.clone()))
            }
            EventBody::MilestoneMissed(e) => self.about(on, &Subject::Action(e.action.clone())),
            EventBody::ActionStatusChanged(e) => {
                self.about(on, &Subject::Action(e.id.clone()))?;
                match self
                    .last_status
                    .get(&e.id)
                    .filter(|(b, _)| !self.corrected.contains(&b.seq))
                {
                    Some((last, status)) if on < last.date => Err(conflict(
                        on,
                        format!(
                            "action {}'s previous status change (to {}) on {}",
                            e.id,
                            status.label(),
                            last.date.long()
                        ),
                        last.seq,
                        last.date,
                    )),
                    _ => Ok(()),
                }
            }
            EventBody::EvidenceAttached(e) => e.supports.iter().try_for_each(|s| self.about(on, s)),
            EventBody::EvidenceRedacted(e) => self.about(on, &Subject::Evidence(e.id.clone())),
            EventBody::MeasureDefined(e) => self.weaknesses(on, &e.weaknesses),
            EventBody::MeasureDefinedWithTrajectory(e) => {
                self.weaknesses(on, &e.measure.weaknesses)
            }
            EventBody::MeasureAmended(e) => self.about(on, &Subject::Measure(e.id.clone())),
            EventBody::ProgressReviewed(e) => e
                .assessments
                .iter()
                .try_for_each(|a| self.workstream(on, &a.workstream)),
            EventBody::RiskRaised(e) => e.about.iter().try_for_each(|s| self.about(on, s)),
            EventBody::RiskUpdated(e) => self.about(on, &Subject::Risk(e.id.clone())),
            EventBody::RiskClosed(e) => self.about(on, &Subject::Risk(e.id.clone())),
            EventBody::RevisitOutcomeRecorded(e) => e
                .outcomes
                .iter()
                .try_for_each(|o| self.about(on, &Subject::Weakness(o.weakness.clone()))),
            EventBody::NoteAdded(e) => self.about(on, &e.about),
            _ => Ok(()),
        }
    }

    /// Nothing of a started plan is dated before the day it was started.
    fn plan_started(&self, on: Date, plan: &PlanId) -> Result<(), Rejection> {
        match self.live(self.plans.get(plan).copied()) {
            Some(started) if on < started.date => Err(conflict(
                on,
                format!("plan {plan} was started on {}", started.date.long()),
                started.seq,
                started.date,
            )),
            _ => Ok(()),
        }
    }

    /// Nothing about `subject` is dated before the day it was recorded as created.
    fn about(&self, on: Date, subject: &Subject) -> Result<(), Rejection> {
        match self.live(self.created.get(subject).copied()) {
            Some(created) if on < created.date => Err(conflict(
                on,
                format!(
                    "{} {} was {} on {}",
                    subject.kind().word(),
                    subject.id(),
                    created_word(subject),
                    created.date.long()
                ),
                created.seq,
                created.date,
            )),
            _ => Ok(()),
        }
    }

    fn workstream(&self, on: Date, id: &WorkstreamId) -> Result<(), Rejection> {
        self.about(on, &Subject::Workstream(id.clone()))
    }

    fn weaknesses(&self, on: Date, ids: &[WeaknessId]) -> Result<(), Rejection> {
        ids.iter()
            .try_for_each(|id| self.about(on, &Subject::Weakness(id.clone())))
    }

    /// A moved deadline is not before the day the action was agreed.
    fn moved_deadline(&self, id: &ActionId, due: Option<Date>) -> Result<(), Rejection> {
        let subject = Subject::Action(id.clone());
        let Some(created) = self.live(self.created.get(&subject).copied()) else {
            return Ok(());
        };
        let Some(due) = due else { return Ok(()) };
        // An action recorded after its first deadline had passed was agreed before it was
        // recorded, by that deadline at the latest: its deadline may move back as far as that.
        if let Some(first) = self.agreed_earlier.get(id).copied() {
            return if due < first {
                Err(Rejection::DateOrder(format!(
                    "the deadline {} is before {}, action {id}'s first deadline (event {}): it was recorded after that deadline had passed, so it was agreed by then at the latest; give a deadline on or after {}; if event {}'s deadline was wrong, record a correction of it first",
                    due.long(),
                    first.long(),
                    created.seq,
                    first.long(),
                    created.seq
                )))
            } else {
                Ok(())
            };
        }
        if due < created.date {
            return Err(Rejection::DateOrder(format!(
                "the deadline {} is before action {id} was agreed on {} (event {}): give a deadline on or after {}; if event {}'s date was wrong, record a correction of it first",
                due.long(),
                created.date.long(),
                created.seq,
                created.date.long(),
                created.seq
            )));
        }
        Ok(())
    }
}

/// A new action's deadline is not before the day it is agreed.
pub fn agreed_deadline(id: &ActionId, on: Date, due: Option<Date>) -> Result<(), Rejection> {
    match due {
        Some(due) if due < on => Err(Rejection::DateOrder(format!(
            "the deadline {} is before {}, the day action {id} is agreed: an action is not born overdue; give a deadline on or after {}, or the date it was agreed",
            due.long(),
            on.long(),
            on.long()
        ))),
        _ => Ok(()),
    }
}

/// "recorded", "created", "defined", "attached", "raised": how each kind comes to exist.
fn created_word(subject: &Subject) -> &'static str {
    match subject {
        Subject::Weakness(_) => "recorded",
        Subject::Workstream(_) | Subject::Action(_) => "created",
        Subject::Measure(_) => "defined",
        Subject::Evidence(_) => "attached",
        Subject::Risk(_) => "raised",
    }
}

/// "1 January 2021 is before action 1.5 was created on 1 July 2021 (event 57): ..."
fn conflict(on: Date, what: String, seq: u64, bound: Date) -> Rejection {
    Rejection::DateOrder(format!(
        "{} is before {what} (event {seq}): give a date on or after {}; if event {seq}'s date was wrong, record a correction of it first",
        on.long(),
        bound.long()
    ))
}
