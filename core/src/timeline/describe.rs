//! The sentence the timeline gives each kind of event, one function a kind, each naming things
//! by the titles they had when the event was recorded.

use super::*;
use crate::event::{
    ActionAmended, ActionAmendedWithDeadline, ActionCreated, ActionCreatedWithDeadline,
    ActionStatusChanged, CheckpointRecorded, CoproductionRecorded, CorrectionRecorded,
    EvidenceAttached, EvidenceRedacted, FindingRecorded, InspectionAdded, InspectionRecorded,
    LedgerOpened, MeasureAmended, MeasureDefined, MeasureDefinedWithTrajectory, MeasureRecorded,
    MilestoneAdded, MilestoneMet, MilestoneMissed, MonitoringReviewed, MonitoringVisitFeedback,
    MonitoringVisitRecorded, NoteAdded, PackSent, PlanAccepted, PlanRevised, PlanStarted,
    PlanStepRecorded, PlanSubmitted, ProgressReviewed, RevisitOutcomeRecorded, RevisitScheduled,
    RiskClosed, RiskRaised, RiskUpdated, WeaknessRecorded, WorkstreamAmended, WorkstreamCreated,
    WorkstreamCreatedInPlan,
};

impl Timeline {
    /// The sentence for an event and what it touched, against the plan before it.
    pub(super) fn describe(&self, event: &Event) -> (String, Vec<Subject>) {
        let by = event.actor.name.as_str();
        match &event.body {
            EventBody::LedgerOpened(e) => self.ledger_opened(e),
            EventBody::InspectionRecorded(e) => self.inspection_recorded(e),
            EventBody::CoproductionRecorded(e) => self.coproduction_recorded(e),
            EventBody::MilestoneAdded(e) => self.milestone_added(e),
            EventBody::MilestoneMet(e) => self.milestone_met(e),
            EventBody::MilestoneMissed(e) => self.milestone_missed(e),
            EventBody::InspectionAdded(e) => self.inspection_added(e),
            EventBody::FindingRecorded(e) => self.finding_recorded(e),
            EventBody::WeaknessRecorded(e) => self.weakness_recorded(e),
            EventBody::PlanSubmitted(e) => self.plan_submitted(e),
            EventBody::PlanAccepted(e) => self.plan_accepted(e),
            EventBody::PlanRevised(e) => self.plan_revised(by, e),
            EventBody::PlanStarted(e) => self.plan_started(e),
            EventBody::WorkstreamCreatedInPlan(e) => self.workstream_created_in_plan(e),
            EventBody::PlanStepRecorded(e) => self.plan_step_recorded(by, e),
            EventBody::MonitoringReviewed(e) => self.monitoring_reviewed(e),
            EventBody::WorkstreamCreated(e) => self.workstream_created(e),
            EventBody::WorkstreamAmended(e) => self.workstream_amended(by, e),
            EventBody::ActionCreated(e) => self.action_created(e),
            EventBody::ActionAmended(e) => self.action_amended(by, e),
            EventBody::ActionCreatedWithDeadline(e) => self.action_created_with_deadline(e),
            EventBody::ActionAmendedWithDeadline(e) => self.action_amended_with_deadline(by, e),
            EventBody::ActionStatusChanged(e) => self.action_status_changed(by, e),
            EventBody::EvidenceAttached(e) => self.evidence_attached(e),
            EventBody::EvidenceRedacted(e) => self.evidence_redacted(by, e),
            EventBody::MeasureDefined(e) => self.measure_defined(e),
            EventBody::MeasureDefinedWithTrajectory(e) => self.measure_defined_with_trajectory(e),
            EventBody::MeasureAmended(e) => self.measure_amended(e),
            EventBody::PackSent(e) => self.pack_sent(e),
            EventBody::MeasureRecorded(e) => self.measure_recorded(e),
            EventBody::MonitoringVisitRecorded(e) => self.monitoring_visit_recorded(e),
            EventBody::MonitoringVisitFeedback(e) => self.monitoring_visit_feedback(e),
            EventBody::ProgressReviewed(e) => self.progress_reviewed(e),
            EventBody::RiskRaised(e) => self.risk_raised(e),
            EventBody::RiskUpdated(e) => self.risk_updated(by, e),
            EventBody::RiskClosed(e) => self.risk_closed(by, e),
            EventBody::RevisitScheduled(e) => self.revisit_scheduled(e),
            EventBody::RevisitOutcomeRecorded(e) => self.revisit_outcome_recorded(e),
            EventBody::NoteAdded(e) => self.note_added(by, e),
            EventBody::CheckpointRecorded(e) => self.checkpoint_recorded(by, e),
            EventBody::CorrectionRecorded(e) => self.correction_recorded(by, e),
        }
    }

    /// The sentence for `LedgerOpened`.
    fn ledger_opened(&self, e: &LedgerOpened) -> (String, Vec<Subject>) {
        let sentence = if e.partners.is_empty() {
            format!("Ledger opened for {}", e.area)
        } else {
            format!(
                "Ledger opened for {}, whose statement is owned jointly by {}",
                e.area,
                and_list(&e.partners)
            )
        };
        (sentence, vec![])
    }

    /// The sentence for `InspectionRecorded`.
    fn inspection_recorded(&self, e: &InspectionRecorded) -> (String, Vec<Subject>) {
        (
            format!(
                "Joint inspection by {}, on site from {} to {}; report published on {}",
                and_list(&e.inspectorates),
                e.from.long(),
                e.to.long(),
                e.published.long()
            ),
            vec![],
        )
    }

    /// The sentence for `CoproductionRecorded`.
    fn coproduction_recorded(&self, e: &CoproductionRecorded) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let name = |subject: &Subject| plan.describe(subject);
        let subject = Subject::Weakness(e.about.clone());
        let respondents = e
            .respondents
            .map(|n| format!(" ({n} responded)"))
            .unwrap_or_default();
        let difference = e
            .difference
            .as_deref()
            .map(|d| format!("; the difference it made: {}", quote(d)))
            .unwrap_or_default();
        (
            format!(
                "About {}, {}{respondents} said {}; we did {}{difference}",
                name(&subject),
                e.from,
                quote(&e.said),
                quote(&e.did)
            ),
            vec![subject],
        )
    }

    /// The sentence for `MilestoneAdded`.
    fn milestone_added(&self, e: &MilestoneAdded) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let name = |subject: &Subject| plan.describe(subject);
        let subject = Subject::Action(e.action.clone());
        (
            format!(
                "Milestone {} of {} added: {}, due {}",
                e.id,
                name(&subject),
                quote(&e.title),
                e.due.describe(Date::long)
            ),
            vec![subject],
        )
    }

    /// The sentence for `MilestoneMet`.
    fn milestone_met(&self, e: &MilestoneMet) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let name = |subject: &Subject| plan.describe(subject);
        let subject = Subject::Action(e.action.clone());
        (
            format!(
                "Milestone {} of {} met{}",
                e.id,
                name(&subject),
                said(e.note.as_deref())
            ),
            vec![subject],
        )
    }

    /// The sentence for `MilestoneMissed`.
    fn milestone_missed(&self, e: &MilestoneMissed) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let name = |subject: &Subject| plan.describe(subject);
        let subject = Subject::Action(e.action.clone());
        (
            format!(
                "Milestone {} of {} missed{}",
                e.id,
                name(&subject),
                because(&e.reason)
            ),
            vec![subject],
        )
    }

    /// The sentence for `InspectionAdded`.
    fn inspection_added(&self, e: &InspectionAdded) -> (String, Vec<Subject>) {
        let outcome = e
            .outcome
            .map(|o| format!("; its outcome: {}", o.describe()))
            .unwrap_or_default();
        (
            format!(
                "Inspection {} ({} framework, {}) by {}, on site from {} to {}; report published on {}{outcome}",
                e.id,
                e.framework.label(),
                e.kind.label(),
                and_list(&e.inspectorates),
                e.from.long(),
                e.to.long(),
                e.published.long()
            ),
            vec![],
        )
    }

    /// The sentence for `FindingRecorded`.
    fn finding_recorded(&self, e: &FindingRecorded) -> (String, Vec<Subject>) {
        let finding = e
            .finding
            .as_deref()
            .map(|finding| format!(": {}", quote(finding)))
            .unwrap_or_default();
        (
            format!(
                "{} {} {} recorded from inspection {}{finding}",
                capitalise(e.kind.name()),
                e.id,
                quote(&e.title),
                e.inspection
            ),
            vec![Subject::Weakness(e.id.clone())],
        )
    }

    /// The sentence for `WeaknessRecorded`.
    fn weakness_recorded(&self, e: &WeaknessRecorded) -> (String, Vec<Subject>) {
        let finding = e
            .finding
            .as_deref()
            .map(|finding| format!(": {}", quote(finding)))
            .unwrap_or_default();
        (
            format!(
                "Area of significant weakness {} {} recorded{finding}",
                e.id,
                quote(&e.title)
            ),
            vec![Subject::Weakness(e.id.clone())],
        )
    }

    /// The sentence for `PlanSubmitted`.
    fn plan_submitted(&self, e: &PlanSubmitted) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        (
            format!(
                "Statement version {} submitted to {}{}",
                e.version,
                inspectorates(plan),
                said(e.summary.as_deref())
            ),
            vec![],
        )
    }

    /// The sentence for `PlanAccepted`.
    fn plan_accepted(&self, e: &PlanAccepted) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        (
            format!(
                "Statement version {} found fit for purpose by {}{}",
                e.version,
                inspectorates(plan),
                said(e.summary.as_deref())
            ),
            vec![],
        )
    }

    /// The sentence for `PlanRevised`.
    fn plan_revised(&self, by: &str, e: &PlanRevised) -> (String, Vec<Subject>) {
        (
            format!(
                "Statement revised as version {} by {by}{}",
                e.version,
                said(Some(&e.summary))
            ),
            vec![],
        )
    }

    /// The sentence for `PlanStarted`.
    fn plan_started(&self, e: &PlanStarted) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let name = |subject: &Subject| plan.describe(subject);
        let answers: Vec<String> = e
            .answers
            .iter()
            .map(|w| name(&Subject::Weakness(w.clone())))
            .collect();
        (
            format!(
                "{} {} {} started, answering {}",
                capitalise(e.kind.name()),
                e.id,
                quote(&e.title),
                and_list(&answers)
            ),
            e.answers.iter().cloned().map(Subject::Weakness).collect(),
        )
    }

    /// The sentence for `WorkstreamCreatedInPlan`.
    fn workstream_created_in_plan(&self, e: &WorkstreamCreatedInPlan) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let name = |subject: &Subject| plan.describe(subject);
        let answers: Vec<String> = e
            .weaknesses
            .iter()
            .map(|w| name(&Subject::Weakness(w.clone())))
            .collect();
        let mut about = vec![Subject::Workstream(e.id.clone())];
        about.extend(e.weaknesses.iter().cloned().map(Subject::Weakness));
        (
            format!(
                "Workstream {} {} of plan {} created, sponsored by {}, answering {}",
                e.id,
                quote(&e.title),
                e.plan,
                e.sponsor,
                and_list(&answers)
            ),
            about,
        )
    }

    /// The sentence for `PlanStepRecorded`.
    fn plan_step_recorded(&self, by: &str, e: &PlanStepRecorded) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let plan_name = plan
            .plan(e.plan.as_str())
            .map_or_else(|| format!("Plan {}", e.plan), |p| capitalise(&p.name()));
        let step = match e.step {
            crate::event::PlanStep::Submitted => {
                format!("version {} submitted", e.version)
            }
            crate::event::PlanStep::Accepted => format!("version {} accepted", e.version),
            crate::event::PlanStep::Revised => {
                format!("revised as version {} by {by}", e.version)
            }
        };
        (
            format!("{plan_name} {step}{}", said(e.summary.as_deref())),
            vec![],
        )
    }

    /// The sentence for `MonitoringReviewed`.
    fn monitoring_reviewed(&self, e: &MonitoringReviewed) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let name = |subject: &Subject| plan.describe(subject);
        let names = |list: &[crate::ids::WorkstreamId]| {
            and_list(
                &list
                    .iter()
                    .map(|ws| name(&Subject::Workstream(ws.clone())))
                    .collect::<Vec<_>>(),
            )
        };
        let mut outcome = String::new();
        if !e.continues.is_empty() {
            outcome.push_str(&format!(
                "; monitoring continues for {}",
                names(&e.continues)
            ));
        }
        if !e.ended.is_empty() {
            outcome.push_str(&format!("; monitoring ended for {}", names(&e.ended)));
        }
        let about = e
            .continues
            .iter()
            .chain(&e.ended)
            .cloned()
            .map(Subject::Workstream)
            .collect();
        (
            format!(
                "Monitoring review of plan {} by {}: {}{outcome}",
                e.plan,
                e.by,
                quote(&e.summary)
            ),
            about,
        )
    }

    /// The sentence for `WorkstreamCreated`.
    fn workstream_created(&self, e: &WorkstreamCreated) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let name = |subject: &Subject| plan.describe(subject);
        let answers: Vec<String> = e
            .weaknesses
            .iter()
            .map(|w| name(&Subject::Weakness(w.clone())))
            .collect();
        let mut about = vec![Subject::Workstream(e.id.clone())];
        about.extend(e.weaknesses.iter().cloned().map(Subject::Weakness));
        (
            format!(
                "Workstream {} {} created, sponsored by {}, answering {}",
                e.id,
                quote(&e.title),
                e.sponsor,
                and_list(&answers)
            ),
            about,
        )
    }

    /// The sentence for `WorkstreamAmended`.
    fn workstream_amended(&self, by: &str, e: &WorkstreamAmended) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let name = |subject: &Subject| plan.describe(subject);
        let subject = Subject::Workstream(e.id.clone());
        let current = plan.workstream(e.id.as_str());
        let mut changes = Vec::new();
        if let Some(title) = &e.title
            && current.is_none_or(|ws| &ws.title != title)
        {
            changes.push(format!("renamed {}", quote(title)));
        }
        if let Some(sponsor) = &e.sponsor
            && current.is_none_or(|ws| &ws.sponsor != sponsor)
        {
            match current {
                Some(ws) => {
                    changes.push(format!("sponsor changed from {} to {sponsor}", ws.sponsor))
                }
                None => changes.push(format!("sponsor now {sponsor}")),
            }
        }
        let mut about = vec![subject.clone()];
        if let Some(list) = &e.weaknesses {
            let names: Vec<String> = list
                .iter()
                .map(|w| name(&Subject::Weakness(w.clone())))
                .collect();
            changes.push(format!("now answers {}", and_list(&names)));
            about.extend(list.iter().cloned().map(Subject::Weakness));
        }
        (
            format!(
                "{} amended by {by}{}{}",
                capitalise(&name(&subject)),
                changes_text(&changes),
                because(&e.reason)
            ),
            about,
        )
    }

    /// The sentence for `ActionCreated`.
    fn action_created(&self, e: &ActionCreated) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let name = |subject: &Subject| plan.describe(subject);
        let success = with_success(e.success.len());
        (
            format!(
                "Action {} {} created in {}, led by {}, due {}{success}",
                e.id,
                quote(&e.title),
                name(&Subject::Workstream(e.workstream.clone())),
                e.owner,
                e.due.long()
            ),
            vec![Subject::Action(e.id.clone())],
        )
    }

    /// The sentence for `ActionAmended`.
    fn action_amended(&self, by: &str, e: &ActionAmended) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let name = |subject: &Subject| plan.describe(subject);
        let subject = Subject::Action(e.id.clone());
        let current = plan.action(e.id.as_str());
        // The deadline it moved from, as the council wrote it ("Oct-21 (31 October
        // 2021)", "TBC — no deadline set"), or the date.
        let due = e
            .due
            .and_then(|due| current.map(|a| (a, due)))
            .filter(|(a, new)| a.deadline.is_some() || a.due != *new)
            .map(|(a, new)| {
                let old = a
                    .deadline
                    .as_ref()
                    .map_or_else(|| a.due.long(), |d| d.describe(Date::long));
                (old, new)
            });
        let owner = e
            .owner
            .as_ref()
            .and_then(|owner| current.map(|a| (&a.owner, owner)))
            .filter(|(old, new)| old != new);
        let title = e
            .title
            .as_ref()
            .filter(|title| current.is_none_or(|a| &a.title != *title));
        let named = name(&subject);
        let sentence = match (&due, owner, title) {
            (Some((old, new)), None, None) => format!(
                "Deadline of {named} moved from {old} to {} by {by}{}",
                new.long(),
                because(&e.reason)
            ),
            (None, Some((old, new)), None) => format!(
                "Owner of {named} changed from {old} to {new} by {by}{}",
                because(&e.reason)
            ),
            (None, None, Some(title)) => format!(
                "{} reworded as {} by {by}{}",
                capitalise(&named),
                quote(title),
                because(&e.reason)
            ),
            _ => {
                let mut changes = Vec::new();
                if let Some((old, new)) = due {
                    changes.push(format!("deadline moved from {old} to {}", new.long()));
                } else if let Some(new) = e.due.filter(|_| current.is_none()) {
                    changes.push(format!("deadline now {}", new.long()));
                }
                if let Some((old, new)) = owner {
                    changes.push(format!("owner changed from {old} to {new}"));
                } else if let Some(new) = e.owner.as_ref().filter(|_| current.is_none()) {
                    changes.push(format!("owner now {new}"));
                }
                if let Some(title) = title {
                    changes.push(format!("reworded as {}", quote(title)));
                }
                format!(
                    "{} amended by {by}{}{}",
                    capitalise(&named),
                    changes_text(&changes),
                    because(&e.reason)
                )
            }
        };
        (sentence, vec![subject])
    }

    /// The sentence for `ActionCreatedWithDeadline`.
    fn action_created_with_deadline(
        &self,
        e: &ActionCreatedWithDeadline,
    ) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let name = |subject: &Subject| plan.describe(subject);
        let success = with_success(e.success.len());
        (
            format!(
                "Action {} {} created in {}, led by {}, {}{success}",
                e.id,
                quote(&e.title),
                name(&Subject::Workstream(e.workstream.clone())),
                e.owner,
                deadline_phrase(&e.due)
            ),
            vec![Subject::Action(e.id.clone())],
        )
    }

    /// The sentence for `ActionAmendedWithDeadline`.
    fn action_amended_with_deadline(
        &self,
        by: &str,
        e: &ActionAmendedWithDeadline,
    ) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let name = |subject: &Subject| plan.describe(subject);
        let subject = Subject::Action(e.id.clone());
        let current = plan.action(e.id.as_str());
        let mut changes = Vec::new();
        if let Some(due) = &e.due {
            match current {
                Some(action) => changes.push(format!(
                    "deadline moved from {} to {}",
                    action.due_text(Date::long),
                    due.describe(Date::long)
                )),
                None => changes.push(format!("deadline now {}", due.describe(Date::long))),
            }
        }
        if let Some(owner) = e
            .owner
            .as_ref()
            .filter(|owner| current.is_none_or(|a| &a.owner != *owner))
        {
            changes.push(format!("owner now {owner}"));
        }
        if let Some(title) = e
            .title
            .as_ref()
            .filter(|title| current.is_none_or(|a| &a.title != *title))
        {
            changes.push(format!("reworded as {}", quote(title)));
        }
        (
            format!(
                "{} amended by {by}{}{}",
                capitalise(&name(&subject)),
                changes_text(&changes),
                because(&e.reason)
            ),
            vec![subject],
        )
    }

    /// The sentence for `ActionStatusChanged`.
    fn action_status_changed(&self, by: &str, e: &ActionStatusChanged) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let name = |subject: &Subject| plan.describe(subject);
        let subject = Subject::Action(e.id.clone());
        let current = plan.action(e.id.as_str());
        let before = current.map(|a| a.status);
        let reopened = matches!(before, Some(Status::Complete | Status::Withdrawn))
            && !matches!(e.status, Status::Complete | Status::Withdrawn);
        let rag = match (e.rag, current.and_then(|a| a.rag)) {
            (Some(new), Some(old)) if new != old => {
                format!(" (RAG {}, was {})", new.label(), old.label())
            }
            (Some(new), _) => format!(" (RAG {})", new.label()),
            (None, _) => String::new(),
        };
        let note = e
            .note
            .as_deref()
            .map(|note| format!(": {}", quote(note)))
            .unwrap_or_default();
        let named = capitalise(&name(&subject));
        let sentence = match (before, e.status) {
            (Some(old), new) if old == new => {
                format!("{named} updated by {by}, still {}{rag}{note}", new.label())
            }
            _ if reopened => {
                format!(
                    "{named} reopened as {}{rag} by {by}{note}",
                    e.status.label()
                )
            }
            (_, Status::Withdrawn) => format!("{named} withdrawn{rag} by {by}{note}"),
            (_, new) => format!("{named} marked {}{rag} by {by}{note}", new.label()),
        };
        (sentence, vec![subject])
    }

    /// The sentence for `EvidenceAttached`.
    fn evidence_attached(&self, e: &EvidenceAttached) -> (String, Vec<Subject>) {
        let supports: Vec<String> = e.supports.iter().map(ToString::to_string).collect();
        let mut about = vec![Subject::Evidence(e.id.clone())];
        about.extend(e.supports.iter().cloned());
        (
            format!(
                "Evidence {} {} ({}, {}, hash {}) attached, supporting {}",
                e.id,
                quote(&e.title),
                e.kind.label(),
                size(e.size),
                e.content_hash.short(),
                and_list(&supports)
            ),
            about,
        )
    }

    /// The sentence for `EvidenceRedacted`.
    fn evidence_redacted(&self, by: &str, e: &EvidenceRedacted) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let name = |subject: &Subject| plan.describe(subject);
        let subject = Subject::Evidence(e.id.clone());
        (
            format!(
                "Content of {} purged by {by}{}; its hash stays in the ledger",
                name(&subject),
                because(&e.reason)
            ),
            vec![subject],
        )
    }

    /// The sentence for `MeasureDefined`.
    fn measure_defined(&self, e: &MeasureDefined) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let name = |subject: &Subject| plan.describe(subject);
        (
            measure_defined(e, &name),
            vec![Subject::Measure(e.id.clone())],
        )
    }

    /// The sentence for `MeasureDefinedWithTrajectory`.
    fn measure_defined_with_trajectory(
        &self,
        e: &MeasureDefinedWithTrajectory,
    ) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let name = |subject: &Subject| plan.describe(subject);
        let mut sentence = measure_defined(&e.measure, &name);
        sentence.push_str(&measure_details(
            &e.measure.unit,
            e.definition.as_deref(),
            e.period,
            Some(&e.trajectory),
        ));
        (sentence, vec![Subject::Measure(e.measure.id.clone())])
    }

    /// The sentence for `MeasureAmended`.
    fn measure_amended(&self, e: &MeasureAmended) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let name = |subject: &Subject| plan.describe(subject);
        let subject = Subject::Measure(e.id.clone());
        let unit = plan.measure(e.id.as_str()).map_or("", |m| m.unit.as_str());
        let details = measure_details(
            unit,
            e.definition.as_deref(),
            e.period,
            e.trajectory.as_deref(),
        );
        (
            format!(
                "{} amended: {}",
                capitalise(&name(&subject)),
                details.trim_start_matches("; ")
            ),
            vec![subject],
        )
    }

    /// The sentence for `PackSent`.
    fn pack_sent(&self, e: &PackSent) -> (String, Vec<Subject>) {
        (
            format!(
                "Evidence pack {} for {} sent to {}: the ledger as known at the end of {} ({} events, head {}), {} bytes, BLAKE3 {}",
                quote(&e.file_name),
                quote(&e.purpose),
                e.to,
                e.as_of.long(),
                e.events,
                e.head.short(),
                e.size,
                e.file_hash.short()
            ),
            vec![],
        )
    }

    /// The sentence for `MeasureRecorded`.
    fn measure_recorded(&self, e: &MeasureRecorded) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let name = |subject: &Subject| plan.describe(subject);
        let subject = Subject::Measure(e.id.clone());
        let context = plan
            .measure(e.id.as_str())
            .map(|m| {
                format!(
                    " (baseline {}, target {})",
                    quantity(&m.baseline, &m.unit),
                    quantity(&m.target, &m.unit)
                )
            })
            .unwrap_or_default();
        let unit = plan.measure(e.id.as_str()).map_or("", |m| m.unit.as_str());
        let source = e
            .source
            .as_deref()
            .map(|source| format!(", from {source}"))
            .unwrap_or_default();
        (
            format!(
                "{} recorded at {}{context}{source}",
                capitalise(&name(&subject)),
                quantity(&e.value, unit)
            ),
            vec![subject],
        )
    }

    /// The sentence for `MonitoringVisitRecorded`.
    fn monitoring_visit_recorded(&self, e: &MonitoringVisitRecorded) -> (String, Vec<Subject>) {
        let summary = said(e.summary.as_deref());
        (
            format!(
                "Monitoring visit by {}: {}, {}, {}{summary}",
                e.by,
                counted(e.strengths.len(), "strength", "strengths"),
                counted(e.concerns.len(), "concern", "concerns"),
                counted(e.next_steps.len(), "next step", "next steps"),
            ),
            vec![],
        )
    }

    /// The sentence for `MonitoringVisitFeedback`.
    fn monitoring_visit_feedback(&self, e: &MonitoringVisitFeedback) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let name = |subject: &Subject| plan.describe(subject);
        let summary = said(e.summary.as_deref());
        let mut about: Vec<Subject> = e.findings().into_iter().map(Subject::Weakness).collect();
        about.sort();
        let concerning = if about.is_empty() {
            String::new()
        } else {
            let ids: Vec<&str> = about.iter().map(Subject::id).collect();
            format!("; points about {}", and_list(&ids))
        };
        let letter = e
            .letter
            .as_ref()
            .map(|id| format!("; their letter is {}", name(&Subject::Evidence(id.clone()))))
            .unwrap_or_default();
        (
            format!(
                "Monitoring visit by {}: {}, {}, {}{concerning}{letter}{summary}",
                e.by,
                counted(e.strengths.len(), "strength", "strengths"),
                counted(e.concerns.len(), "concern", "concerns"),
                counted(e.next_steps.len(), "next step", "next steps"),
            ),
            about,
        )
    }

    /// The sentence for `ProgressReviewed`.
    fn progress_reviewed(&self, e: &ProgressReviewed) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let name = |subject: &Subject| plan.describe(subject);
        let parts: Vec<String> = e
            .assessments
            .iter()
            .map(|a| {
                let subject = Subject::Workstream(a.workstream.clone());
                let was = plan
                    .workstream(a.workstream.as_str())
                    .and_then(|ws| ws.assessments.last())
                    .filter(|last| last.rating != a.rating)
                    .map(|last| format!(" (was {})", last.rating.label()))
                    .unwrap_or_default();
                format!("{} {}{was}", name(&subject), a.rating.label())
            })
            .collect();
        (
            format!("{} reviewed progress: {}", e.forum, parts.join("; ")),
            e.assessments
                .iter()
                .map(|a| Subject::Workstream(a.workstream.clone()))
                .collect(),
        )
    }

    /// The sentence for `RiskRaised`.
    fn risk_raised(&self, e: &RiskRaised) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let name = |subject: &Subject| plan.describe(subject);
        let threatens: Vec<String> = e.about.iter().map(&name).collect();
        let threatens = if threatens.is_empty() {
            "the whole plan".to_owned()
        } else {
            and_list(&threatens)
        };
        let mitigation = e
            .mitigation
            .as_deref()
            .map(|m| format!("; mitigation: {}", quote(m)))
            .unwrap_or_default();
        let mut about = vec![Subject::Risk(e.id.clone())];
        about.extend(e.about.iter().cloned());
        (
            format!(
                "Risk {} {} raised ({} level), threatening {threatens}{mitigation}",
                e.id,
                quote(&e.title),
                e.level.label()
            ),
            about,
        )
    }

    /// The sentence for `RiskUpdated`.
    fn risk_updated(&self, by: &str, e: &RiskUpdated) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let name = |subject: &Subject| plan.describe(subject);
        let subject = Subject::Risk(e.id.clone());
        let current = plan.risk(e.id.as_str());
        let mut changes = Vec::new();
        if let Some(level) = e.level {
            match current.map(|r| r.level).filter(|old| *old != level) {
                Some(old) => changes.push(format!(
                    "level changed from {} to {}",
                    old.label(),
                    level.label()
                )),
                None if current.is_none() => changes.push(format!("level now {}", level.label())),
                None => {}
            }
        }
        if let Some(mitigation) = &e.mitigation {
            changes.push(format!("mitigation now {}", quote(mitigation)));
        }
        let note = e
            .note
            .as_deref()
            .map(|note| format!(": {}", quote(note)))
            .unwrap_or_default();
        let changes = if changes.is_empty() {
            String::new()
        } else {
            format!(" ({})", changes.join("; "))
        };
        (
            format!(
                "{} updated by {by}{changes}{note}",
                capitalise(&name(&subject))
            ),
            with_risk_subjects(plan, subject),
        )
    }

    /// The sentence for `RiskClosed`.
    fn risk_closed(&self, by: &str, e: &RiskClosed) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let name = |subject: &Subject| plan.describe(subject);
        let subject = Subject::Risk(e.id.clone());
        (
            format!(
                "{} closed by {by}{}",
                capitalise(&name(&subject)),
                because(&e.reason)
            ),
            with_risk_subjects(plan, subject),
        )
    }

    /// The sentence for `RevisitScheduled`.
    fn revisit_scheduled(&self, e: &RevisitScheduled) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let sentence = match &plan.revisit {
            Some((from, to, _)) if (*from, *to) != (e.from, e.to) => format!(
                "Revisit window moved from {} to {} to between {} and {}",
                from.long(),
                to.long(),
                e.from.long(),
                e.to.long()
            ),
            _ => format!(
                "Revisit expected between {} and {}",
                e.from.long(),
                e.to.long()
            ),
        };
        (sentence, vec![])
    }

    /// The sentence for `RevisitOutcomeRecorded`.
    fn revisit_outcome_recorded(&self, e: &RevisitOutcomeRecorded) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let name = |subject: &Subject| plan.describe(subject);
        let parts: Vec<String> = e
            .outcomes
            .iter()
            .map(|o| {
                let judged = match o.progress {
                    Progress::Sufficient => "sufficient progress",
                    Progress::Insufficient => "not sufficient progress",
                };
                format!("{}: {judged}", name(&Subject::Weakness(o.weakness.clone())))
            })
            .collect();
        (
            format!("Revisit outcome recorded: {}", parts.join("; ")),
            e.outcomes
                .iter()
                .map(|o| Subject::Weakness(o.weakness.clone()))
                .collect(),
        )
    }

    /// The sentence for `NoteAdded`.
    fn note_added(&self, by: &str, e: &NoteAdded) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let name = |subject: &Subject| plan.describe(subject);
        let whose = match &e.from {
            Some(from) => format!("from {from}"),
            None => format!("by {by}"),
        };
        (
            format!("Note on {} {whose}: {}", name(&e.about), quote(&e.text)),
            vec![e.about.clone()],
        )
    }

    /// The sentence for `CheckpointRecorded`.
    fn checkpoint_recorded(&self, by: &str, e: &CheckpointRecorded) -> (String, Vec<Subject>) {
        (
            format!(
                "History to event {} witnessed: checkpoint of {} events (root {}) signed by {}, recorded by {by}",
                e.size.saturating_sub(1),
                e.size,
                e.root.short(),
                and_list(&e.signers)
            ),
            vec![],
        )
    }

    /// The sentence for `CorrectionRecorded`.
    fn correction_recorded(&self, by: &str, e: &CorrectionRecorded) -> (String, Vec<Subject>) {
        let plan = &self.plan;
        let name = |subject: &Subject| plan.describe(subject);
        let (what, about) = match self.brief(e.seq) {
            Some(brief) => {
                let things: Vec<String> = brief.about.iter().map(&name).collect();
                let things = if things.is_empty() {
                    String::new()
                } else {
                    format!(": {}", and_list(&things))
                };
                (
                    format!(
                        " ({}{things}, on {})",
                        brief.kind.replace('_', " "),
                        brief.occurred_on.long()
                    ),
                    brief.about.clone(),
                )
            }
            None => (String::new(), vec![]),
        };
        (
            format!(
                "Correction of event {}{what} by {by}: {}",
                e.seq,
                e.reason.trim()
            ),
            about,
        )
    }
}
