//! `wsoa show`: the plan at a point in time as people and programs read it. A tree (each area of
//! weakness, its workstreams and their actions, its measures; then open risks and the revisit),
//! a CSV tracker with one row per action, and `ShowView`, the serialisable view the tree is drawn
//! from and the CLI prints as JSON. Pure: the caller folds the events and says what "today" is.

use serde::Serialize;

use crate::date::Date;
use crate::decimal::Decimal;
use crate::event::{
    Direction, FindingKind, Framework, InspectionKind, InspectionOutcome, Progress, Rag, Rating,
    RiskLevel, Status,
};
use crate::event::{Period, TrajectoryPoint};
use crate::ids::Digest;
use crate::plan::{
    ActionView, Cite, MeasureView, Plan, RiskView, TrajectoryJudgement, Trend, WorkstreamView,
};

/// The widest a line of the tree gets before text wraps.
const WIDTH: usize = 100;
/// The width of the labels in front of values ("Sponsor", "Evidence", "Mitigation").
const LABEL: usize = 12;

/// Everything `wsoa show` prints, as one serialisable value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ShowView {
    /// The local area.
    pub area: Option<String>,
    /// The day overdue actions are judged against.
    pub today: Date,
    /// How many events were folded.
    pub events: u64,
    /// The sequence number of the last event folded.
    pub last_seq: Option<u64>,
    /// The inspection, once recorded.
    pub inspection: Option<InspectionShow>,
    /// Every inspection with its framework, kind and outcome, listed once the ledger holds more
    /// than the one joint inspection of the 2016 framework.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inspections: Vec<InspectionsShow>,
    /// Where the statement stands, once submitted.
    pub statement: Option<StatementShow>,
    /// Every plan with the findings it answers, its workstreams and their monitoring, listed
    /// once a plan was started beside the ledger's own WSoA.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub plans: Vec<PlanShow>,
    /// The latest monitoring visit, if any.
    pub latest_visit: Option<VisitShow>,
    /// Counts at a glance.
    pub counts: Counts,
    /// Each area of weakness with its workstreams, actions and measures.
    pub weaknesses: Vec<WeaknessShow>,
    /// Workstreams that answer no weakness recorded at this point.
    pub other_workstreams: Vec<WorkstreamShow>,
    /// Actions whose workstream is not recorded at this point.
    pub other_actions: Vec<ActionShow>,
    /// Measures that evidence no weakness recorded at this point.
    pub other_measures: Vec<MeasureShow>,
    /// Risks not yet closed, in the order raised.
    pub open_risks: Vec<RiskShow>,
    /// The revisit window, once scheduled.
    pub revisit: Option<RevisitShow>,
    /// Evidence packs sent, in the order recorded.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub packs: Vec<PackShow>,
}

/// An evidence pack sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PackShow {
    /// What it was for.
    pub purpose: String,
    /// Who it was sent to.
    pub to: String,
    /// When it was sent.
    pub sent_on: Date,
    /// Its cut-off.
    pub as_of: Date,
    /// How many events it holds.
    pub events: u64,
    /// The file's name.
    pub file_name: String,
    /// BLAKE3 of the file.
    pub file_hash: Digest,
    /// Its size in bytes.
    pub size: u64,
    /// The event that recorded it.
    pub seq: u64,
}

/// Counts at a glance.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Areas of weakness.
    pub weaknesses: usize,
    /// Workstreams.
    pub workstreams: usize,
    /// Actions.
    pub actions: usize,
    /// Actions complete.
    pub complete: usize,
    /// Actions in progress.
    pub in_progress: usize,
    /// Actions not started.
    pub not_started: usize,
    /// Actions blocked.
    pub blocked: usize,
    /// Actions withdrawn.
    pub withdrawn: usize,
    /// Actions past their deadline and neither complete nor withdrawn.
    pub overdue: usize,
    /// Actions whose deadline has moved from the one they were created with.
    pub deadlines_moved: usize,
    /// Measures.
    pub measures: usize,
    /// Measures whose latest value meets the target.
    pub measures_meeting_target: usize,
    /// Pieces of evidence.
    pub evidence: usize,
    /// Risks not yet closed.
    pub open_risks: usize,
    /// Risks raised, open or closed.
    pub risks_raised: usize,
    /// Monitoring visits.
    pub monitoring_visits: usize,
    /// Corrections of earlier events.
    pub corrections: usize,
}

/// An inspection beyond the first 2016 one, or any under the 2023 framework.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InspectionsShow {
    /// Its id.
    pub id: String,
    /// 2016 or 2023.
    pub framework: Framework,
    /// full, monitoring or revisit.
    pub kind: InspectionKind,
    /// Its outcome (2023).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<InspectionOutcome>,
    /// Who inspected.
    pub inspectorates: Vec<String>,
    /// First day on site.
    pub from: Date,
    /// Last day on site.
    pub to: Date,
    /// Publication of the report.
    pub published: Date,
}

/// A plan answering findings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlanShow {
    /// Its id (`WSoA` for the ledger's own statement).
    pub id: String,
    /// What kind of plan it is, in the frameworks' words ("Accelerated Progress Plan").
    pub kind: &'static str,
    /// Its title.
    pub title: String,
    /// The findings it answers.
    pub answers: Vec<String>,
    /// The day it was started (for the ledger's WSoA, its first event).
    pub started: Date,
    /// Its current version.
    pub version: u32,
    /// `draft`, `submitted` or `accepted`.
    pub stage: String,
    /// The day of its latest submission.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submitted: Option<Date>,
    /// The day of its latest acceptance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted: Option<Date>,
    /// Its workstreams, each with its monitoring.
    pub workstreams: Vec<PlanWorkstreamShow>,
    /// DfE and NHS England reviews of it, oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<MonitoringReviewShow>,
}

/// A workstream of a plan and its monitoring.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlanWorkstreamShow {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Whether DfE and NHS England still monitor it.
    pub monitored: bool,
    /// The day a review ended its monitoring.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monitoring_ended: Option<Date>,
}

/// A DfE and NHS England review of a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MonitoringReviewShow {
    /// The day of the review.
    pub on: Date,
    /// Who reviewed.
    pub by: String,
    /// Their conclusion.
    pub summary: String,
    /// The workstreams whose monitoring continues.
    pub continues: Vec<String>,
    /// The workstreams whose monitoring ended.
    pub ended: Vec<String>,
}

fn plan_shows(plan: &Plan) -> Vec<PlanShow> {
    if !plan.has_started_plans() {
        return Vec::new();
    }
    plan.plans
        .iter()
        .map(|p| PlanShow {
            id: p.id.clone(),
            kind: p.kind.name(),
            title: p.title.clone(),
            answers: p.answers.clone(),
            started: p.cite.on,
            version: p.version,
            stage: p.stage.clone(),
            submitted: p.submitted.as_ref().map(|c| c.on),
            accepted: p.accepted.as_ref().map(|c| c.on),
            workstreams: p
                .workstreams
                .iter()
                .map(|id| {
                    let ended = p
                        .monitoring_ended
                        .iter()
                        .find(|(ws, _)| ws == id)
                        .map(|(_, cite)| cite.on);
                    PlanWorkstreamShow {
                        id: id.clone(),
                        title: plan
                            .workstream(id)
                            .map(|w| w.title.clone())
                            .unwrap_or_default(),
                        monitored: ended.is_none(),
                        monitoring_ended: ended,
                    }
                })
                .collect(),
            reviews: p
                .reviews
                .iter()
                .map(|r| MonitoringReviewShow {
                    on: r.cite.on,
                    by: r.by.clone(),
                    summary: r.summary.clone(),
                    continues: r.continues.clone(),
                    ended: r.ended.clone(),
                })
                .collect(),
        })
        .collect()
}

fn plans_tree(out: &mut Tree, view: &ShowView) {
    for plan in &view.plans {
        let mut stage = match plan.stage.as_str() {
            "accepted" => format!(
                "version {}, accepted{}",
                plan.version,
                plan.accepted
                    .map(|d| format!(" {}", d.long()))
                    .unwrap_or_default()
            ),
            "submitted" => format!(
                "version {}, submitted{}",
                plan.version,
                plan.submitted
                    .map(|d| format!(" {}", d.long()))
                    .unwrap_or_default()
            ),
            _ => format!("version {}, in draft", plan.version),
        };
        let title = if plan.title == plan.kind {
            String::new()
        } else {
            format!(" '{}'", plan.title)
        };
        stage = format!(
            "{}{title}, started {}; answers {}; {stage}",
            plan.kind,
            plan.started.long(),
            and_list(&plan.answers)
        );
        out.field(2, &plan.id, &stage);
        if !plan.reviews.is_empty() || plan.workstreams.iter().any(|w| !w.monitored) {
            for ws in &plan.workstreams {
                let monitoring = match ws.monitoring_ended {
                    Some(on) => format!("monitoring ended {}", on.long()),
                    None => "still monitored".to_owned(),
                };
                out.field(4, &ws.id, &format!("{}: {monitoring}", ws.title));
            }
            if let Some(review) = plan.reviews.last() {
                out.field(
                    4,
                    "Last review",
                    &format!(
                        "{} by {} ({} in all): {}",
                        review.on.long(),
                        review.by,
                        plan.reviews.len(),
                        review.summary
                    ),
                );
            }
        } else if !plan.workstreams.is_empty() {
            let ids: Vec<String> = plan.workstreams.iter().map(|w| w.id.clone()).collect();
            out.field(4, "Workstreams", &and_list(&ids));
        }
    }
}

/// The inspection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InspectionShow {
    /// Who inspected.
    pub inspectorates: Vec<String>,
    /// First day on site.
    pub from: Date,
    /// Last day on site.
    pub to: Date,
    /// Publication of the report.
    pub published: Date,
}

/// Where the statement stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatementShow {
    /// Its current version.
    pub version: u32,
    /// `draft`, `submitted` or `accepted`.
    pub stage: &'static str,
    /// When it reached that stage.
    pub since: Date,
}

/// The latest monitoring visit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VisitShow {
    /// Its number, from 1.
    pub number: usize,
    /// When it took place.
    pub on: Date,
    /// Who visited.
    pub by: String,
    /// Their overall view.
    pub summary: Option<String>,
}

/// An area of weakness.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WeaknessShow {
    /// Its id.
    pub id: String,
    /// The kind of finding, unless an area of significant weakness of the first inspection:
    /// `priority-action`, `improvement` (2023), `weakness` of a later inspection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<FindingKind>,
    /// The inspection that found it, unless the first (`I1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub found_by: Option<String>,
    /// Its title.
    pub title: String,
    /// The inspectors' finding.
    pub finding: Option<String>,
    /// The revisit's judgement, once recorded.
    pub outcome: Option<OutcomeShow>,
    /// The workstreams that answer it first (a workstream is shown in full under the first of
    /// its weaknesses).
    pub workstreams: Vec<WorkstreamShow>,
    /// Workstreams that also answer it, shown in full under another weakness.
    pub also_answered_by: Vec<String>,
    /// The measures that evidence it first.
    pub measures: Vec<MeasureShow>,
    /// Measures that also evidence it, shown in full under another weakness.
    pub also_measured_by: Vec<String>,
    /// What families said about it, what was done, the difference it made.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub coproduction: Vec<CoproductionShow>,
}

/// "You said, we did, the difference it made."
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CoproductionShow {
    /// Whose voice it is.
    pub from: String,
    /// How many responded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub respondents: Option<u64>,
    /// What they said.
    pub said: String,
    /// What was done.
    pub did: String,
    /// The difference it made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub difference: Option<String>,
    /// When it was recorded as happening.
    pub on: Date,
}

/// A revisit judgement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OutcomeShow {
    /// Sufficient progress or not.
    pub progress: Progress,
    /// When it was given.
    pub on: Date,
}

/// A workstream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkstreamShow {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The senior accountable sponsor.
    pub sponsor: String,
    /// Every weakness it answers.
    pub weaknesses: Vec<String>,
    /// The board's latest assessment.
    pub assessment: Option<AssessmentShow>,
    /// Its actions, in the order created.
    pub actions: Vec<ActionShow>,
}

/// A board's assessment of a workstream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AssessmentShow {
    /// The rating.
    pub rating: Rating,
    /// The forum.
    pub forum: String,
    /// When the board met.
    pub on: Date,
    /// Why, if said.
    pub note: Option<String>,
}

/// An action, as a tracker row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ActionShow {
    /// Its reference.
    pub id: String,
    /// Its workstream.
    pub workstream: String,
    /// What will be done.
    pub title: String,
    /// The lead officer.
    pub owner: String,
    /// The deadline.
    pub due: Date,
    /// The deadline it was created with.
    pub original_due: Date,
    /// The deadline as written, when in words, with the day it is judged by: "Autumn term 2021
    /// (31 December 2021)", "Termly (next update due by 31 December 2021)", "TBC — no deadline
    /// set".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    /// The deadline as written in a tracker: the words, or the date (`2021-09-30`).
    #[serde(skip)]
    pub due_cell: String,
    /// Whether no deadline is set yet ("TBC"): a gap to close.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deadline_not_set: bool,
    /// Its status.
    pub status: Status,
    /// Its RAG, once given.
    pub rag: Option<Rag>,
    /// When it was completed, if it is complete.
    pub completed_on: Option<Date>,
    /// Past its deadline and neither complete nor withdrawn.
    pub overdue: bool,
    /// How many days past its deadline, when overdue.
    pub days_overdue: Option<i64>,
    /// Success criteria.
    pub success: Vec<String>,
    /// The latest update.
    pub latest_update: Option<UpdateShow>,
    /// The evidence that supports it.
    pub evidence: Vec<String>,
    /// Its milestones, in the order added.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub milestones: Vec<MilestoneShow>,
}

/// A milestone of an action, and where it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MilestoneShow {
    /// Its id within the action.
    pub id: String,
    /// What is to be in place.
    pub title: String,
    /// Its day, if it has one.
    pub due: Option<Date>,
    /// Its due date as written ("March 2024 (31 March 2024)").
    pub due_text: String,
    /// `due`, `overdue`, `met`, `met late` or `missed`.
    pub state: &'static str,
    /// When it was met or missed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on: Option<Date>,
    /// Why it was missed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// An update: what was said, when and by whom.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UpdateShow {
    /// What was said.
    pub text: String,
    /// When.
    pub on: Date,
    /// Who recorded it.
    pub by: String,
    /// The event it rests on.
    pub seq: u64,
}

/// A measure of impact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MeasureShow {
    /// Its id.
    pub id: String,
    /// What is measured.
    pub title: String,
    /// The unit.
    pub unit: String,
    /// Which way is better.
    pub better: Direction,
    /// The baseline.
    pub baseline: Decimal,
    /// When the baseline was taken.
    pub baseline_on: Date,
    /// The latest value by date.
    pub latest: Option<ValueShow>,
    /// How many values have been recorded.
    pub values: usize,
    /// The target.
    pub target: Decimal,
    /// When the target should be reached.
    pub target_by: Date,
    /// The direction of travel from the baseline.
    pub trend: Trend,
    /// Whether the latest value meets the target.
    pub target_met: bool,
    /// Whether the target date has passed, on the day the plan is judged, without the target
    /// met.
    pub target_missed: bool,
    /// How it is counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    /// The period each value covers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// The values expected on the way to the target.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub trajectory: Vec<TrajectoryPoint>,
    /// The latest value against the trajectory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub against_trajectory: Option<TrajectoryJudgement>,
}

/// One value of a measure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValueShow {
    /// The value.
    pub value: Decimal,
    /// Its date.
    pub on: Date,
    /// Where it came from.
    pub source: Option<String>,
}

/// An open risk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RiskShow {
    /// Its id.
    pub id: String,
    /// What it is.
    pub title: String,
    /// Its level.
    pub level: RiskLevel,
    /// What it threatens ("workstream WS4").
    pub about: Vec<String>,
    /// What is being done about it.
    pub mitigation: Option<String>,
    /// When it was raised.
    pub raised_on: Date,
    /// The latest update with a note.
    pub latest_update: Option<UpdateShow>,
}

/// The revisit window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RevisitShow {
    /// First day of the window.
    pub from: Date,
    /// Last day of the window.
    pub to: Date,
}

/// The view of `plan` with overdue actions judged on `today`.
pub fn view(plan: &Plan, today: Date) -> ShowView {
    let recorded = |id: &str| plan.weakness(id).is_some();
    let primary = |weaknesses: &[String]| weaknesses.iter().find(|w| recorded(w)).cloned();

    let mut weaknesses: Vec<WeaknessShow> = plan
        .weaknesses
        .iter()
        .map(|weakness| WeaknessShow {
            id: weakness.id.clone(),
            kind: (weakness.kind != FindingKind::Weakness
                || weakness.inspection != crate::decide::FIRST_INSPECTION)
                .then_some(weakness.kind),
            found_by: (weakness.inspection != crate::decide::FIRST_INSPECTION)
                .then(|| weakness.inspection.clone()),
            title: weakness.title.clone(),
            finding: weakness.finding.clone(),
            outcome: weakness
                .outcome
                .as_ref()
                .map(|(progress, cite)| OutcomeShow {
                    progress: *progress,
                    on: cite.on,
                }),
            workstreams: Vec::new(),
            also_answered_by: Vec::new(),
            measures: Vec::new(),
            also_measured_by: Vec::new(),
            coproduction: plan
                .coproduction
                .iter()
                .filter(|c| c.about == weakness.id)
                .map(|c| CoproductionShow {
                    from: c.from.clone(),
                    respondents: c.respondents,
                    said: c.said.clone(),
                    did: c.did.clone(),
                    difference: c.difference.clone(),
                    on: c.cite.on,
                })
                .collect(),
        })
        .collect();
    // `weaknesses` is built from `plan.weaknesses`, so positions are shared.
    let position = |id: &str| plan.weaknesses.iter().position(|w| w.id == id);

    let mut other_workstreams = Vec::new();
    for workstream in &plan.workstreams {
        let shown = workstream_show(plan, workstream, today);
        let first = primary(&workstream.weaknesses);
        for id in &workstream.weaknesses {
            if Some(id) != first.as_ref()
                && let Some(i) = position(id)
            {
                weaknesses[i].also_answered_by.push(workstream.id.clone());
            }
        }
        match first.as_deref().and_then(position) {
            Some(i) => weaknesses[i].workstreams.push(shown),
            None => other_workstreams.push(shown),
        }
    }

    let mut other_measures = Vec::new();
    for measure in &plan.measures {
        let shown = measure_show(measure, today);
        let first = primary(&measure.weaknesses);
        for id in &measure.weaknesses {
            if Some(id) != first.as_ref()
                && let Some(i) = position(id)
            {
                weaknesses[i].also_measured_by.push(measure.id.clone());
            }
        }
        match first.as_deref().and_then(position) {
            Some(i) => weaknesses[i].measures.push(shown),
            None => other_measures.push(shown),
        }
    }

    let other_actions = plan
        .actions
        .iter()
        .filter(|action| plan.workstream(&action.workstream).is_none())
        .map(|action| action_show(action, today))
        .collect();

    let count = |status: Status| plan.actions.iter().filter(|a| a.status == status).count();
    let counts = Counts {
        weaknesses: plan.weaknesses.len(),
        workstreams: plan.workstreams.len(),
        actions: plan.actions.len(),
        complete: count(Status::Complete),
        in_progress: count(Status::InProgress),
        not_started: count(Status::NotStarted),
        blocked: count(Status::Blocked),
        withdrawn: count(Status::Withdrawn),
        overdue: plan.actions.iter().filter(|a| a.overdue(today)).count(),
        deadlines_moved: plan
            .actions
            .iter()
            .filter(|a| a.due != a.original_due)
            .count(),
        measures: plan.measures.len(),
        measures_meeting_target: plan.measures.iter().filter(|m| m.target_met()).count(),
        evidence: plan.evidence.len(),
        open_risks: plan.risks.iter().filter(|r| r.closed.is_none()).count(),
        risks_raised: plan.risks.len(),
        monitoring_visits: plan.visits.len(),
        corrections: plan.corrections.len(),
    };

    ShowView {
        area: plan.area.clone(),
        today,
        events: plan.events,
        last_seq: plan.last_seq,
        inspection: plan.inspection.as_ref().map(|i| InspectionShow {
            inspectorates: i.inspectorates.clone(),
            from: i.from,
            to: i.to,
            published: i.published,
        }),
        inspections: if plan.inspections.iter().all(|i| {
            i.id == crate::decide::FIRST_INSPECTION
                && i.framework == Framework::Y2016
                && i.kind == InspectionKind::Full
        }) {
            Vec::new()
        } else {
            plan.inspections
                .iter()
                .map(|i| InspectionsShow {
                    id: i.id.clone(),
                    framework: i.framework,
                    kind: i.kind,
                    outcome: i.outcome,
                    inspectorates: i.inspectorates.clone(),
                    from: i.from,
                    to: i.to,
                    published: i.published,
                })
                .collect()
        },
        plans: plan_shows(plan),
        statement: plan.statement.as_ref().map(|s| StatementShow {
            version: s.version,
            stage: s.stage,
            since: s.history.last().map_or(today, |step| step.cite.on),
        }),
        latest_visit: plan
            .visits
            .iter()
            .max_by(|a, b| by_date(&a.cite, &b.cite))
            .map(|v| VisitShow {
                number: v.number,
                on: v.cite.on,
                by: v.by.clone(),
                summary: v.summary.clone(),
            }),
        counts,
        weaknesses,
        other_workstreams,
        other_actions,
        other_measures,
        open_risks: plan
            .risks
            .iter()
            .filter(|r| r.closed.is_none())
            .map(risk_show)
            .collect(),
        revisit: plan.revisit.as_ref().map(|(from, to, _)| RevisitShow {
            from: *from,
            to: *to,
        }),
        packs: plan
            .packs
            .iter()
            .map(|p| PackShow {
                purpose: p.purpose.clone(),
                to: p.to.clone(),
                sent_on: p.cite.on,
                as_of: p.as_of,
                events: p.events,
                file_name: p.file_name.clone(),
                file_hash: p.file_hash,
                size: p.size,
                seq: p.cite.seq,
            })
            .collect(),
    }
}

/// Orders two cites by their date, then by the order they were recorded in.
fn by_date(a: &Cite, b: &Cite) -> std::cmp::Ordering {
    a.on.cmp(&b.on).then(a.seq.cmp(&b.seq))
}

fn update(text: &str, cite: &Cite) -> UpdateShow {
    UpdateShow {
        text: text.to_owned(),
        on: cite.on,
        by: cite.by.clone(),
        seq: cite.seq,
    }
}

fn workstream_show(plan: &Plan, workstream: &WorkstreamView, today: Date) -> WorkstreamShow {
    WorkstreamShow {
        id: workstream.id.clone(),
        title: workstream.title.clone(),
        sponsor: workstream.sponsor.clone(),
        weaknesses: workstream.weaknesses.clone(),
        assessment: workstream
            .assessments
            .iter()
            .max_by(|a, b| by_date(&a.cite, &b.cite))
            .map(|a| AssessmentShow {
                rating: a.rating,
                forum: a.forum.clone(),
                on: a.cite.on,
                note: a.note.clone(),
            }),
        actions: plan
            .actions_of(&workstream.id)
            .map(|action| action_show(action, today))
            .collect(),
    }
}

fn action_show(action: &ActionView, today: Date) -> ActionShow {
    let overdue = action.overdue(today);
    ActionShow {
        id: action.id.clone(),
        workstream: action.workstream.clone(),
        title: action.title.clone(),
        owner: action.owner.clone(),
        due: action.due,
        original_due: action.original_due,
        deadline: action
            .deadline
            .is_some()
            .then(|| action.due_text(Date::long)),
        due_cell: action
            .deadline
            .as_ref()
            .map_or_else(|| action.due.to_string(), ToString::to_string),
        deadline_not_set: action.deadline_not_set(),
        status: action.status,
        rag: action.rag,
        completed_on: action.completed().map(|cite| cite.on),
        overdue,
        days_overdue: overdue.then(|| action.due.days_until(today)),
        success: action.success.clone(),
        latest_update: action
            .latest_update()
            .map(|(text, cite)| update(text, cite)),
        evidence: action.evidence.clone(),
        milestones: action
            .milestones
            .iter()
            .map(|m| MilestoneShow {
                id: m.id.clone(),
                title: m.title.clone(),
                due: m.due.date(),
                due_text: m.due.describe(Date::long),
                state: m.state(today),
                on: m
                    .met
                    .as_ref()
                    .map(|(_, cite)| cite.on)
                    .or(m.missed.as_ref().map(|(_, cite)| cite.on)),
                reason: m.missed.as_ref().map(|(reason, _)| reason.clone()),
            })
            .collect(),
    }
}

fn measure_show(measure: &MeasureView, today: Date) -> MeasureShow {
    MeasureShow {
        id: measure.id.clone(),
        title: measure.title.clone(),
        unit: measure.unit.clone(),
        better: measure.better,
        baseline: measure.baseline.clone(),
        baseline_on: measure.baseline_on,
        latest: measure.latest().map(|v| ValueShow {
            value: v.value.clone(),
            on: v.cite.on,
            source: v.source.clone(),
        }),
        values: measure.values.len(),
        target: measure.target.clone(),
        target_by: measure.target_by,
        trend: measure.trend(),
        target_met: measure.target_met(),
        target_missed: measure.target_missed(today),
        definition: measure.definition.clone(),
        period: measure.period,
        trajectory: measure.trajectory.clone(),
        against_trajectory: measure.against_trajectory(),
    }
}

fn risk_show(risk: &RiskView) -> RiskShow {
    RiskShow {
        id: risk.id.clone(),
        title: risk.title.clone(),
        level: risk.level,
        about: risk.about.iter().map(ToString::to_string).collect(),
        mitigation: risk.mitigation.clone(),
        raised_on: risk.cite.on,
        latest_update: risk
            .updates
            .iter()
            .filter_map(|(note, cite)| note.as_deref().map(|note| (note, cite)))
            .max_by(|a, b| by_date(a.1, b.1))
            .map(|(note, cite)| update(note, cite)),
    }
}

// ---------------------------------------------------------------------------------------------
// The tree
// ---------------------------------------------------------------------------------------------

/// The plan as an indented tree for a terminal: plain text, no colour, wrapped to 100 columns.
pub fn text(plan: &Plan, today: Date) -> String {
    let view = view(plan, today);
    let mut out = Tree::default();
    header(&mut out, &view);
    if view.weaknesses.is_empty() && plan.workstreams.is_empty() && plan.actions.is_empty() {
        out.blank();
        out.line(
            0,
            "No areas of weakness, workstreams or actions are recorded at this point.",
        );
    }
    for weakness in &view.weaknesses {
        out.blank();
        weakness_tree(&mut out, &view, weakness);
    }
    if !view.other_workstreams.is_empty() || !view.other_actions.is_empty() {
        out.blank();
        out.line(
            0,
            "Workstreams and actions not yet linked to a recorded weakness",
        );
        for workstream in &view.other_workstreams {
            out.blank();
            workstream_tree(&mut out, 4, workstream);
        }
        for action in &view.other_actions {
            out.blank();
            action_tree(&mut out, 4, action);
        }
    }
    if !view.other_measures.is_empty() {
        out.blank();
        out.line(0, "Measures not yet linked to a recorded weakness");
        for measure in &view.other_measures {
            measure_tree(&mut out, 4, measure);
        }
    }
    out.blank();
    risks_tree(&mut out, &view);
    out.blank();
    revisit_tree(&mut out, &view);
    if !view.packs.is_empty() {
        out.blank();
        packs_tree(&mut out, &view);
    }
    out.finish()
}

fn header(out: &mut Tree, view: &ShowView) {
    let area = view
        .area
        .as_deref()
        .unwrap_or("(local area not yet recorded)");
    out.line(0, &format!("{area}: Written Statement of Action"));
    let events = match (view.events, view.last_seq) {
        (0, _) | (_, None) => "no events".to_owned(),
        (1, Some(seq)) => format!("1 event (event {seq})"),
        (n, Some(seq)) => format!("{n} events (last event {seq})"),
    };
    out.wrapped(
        0,
        &format!("The plan on {}, from {events}.", view.today.long()),
    );
    out.blank();
    match &view.inspection {
        Some(inspection) => out.field(
            0,
            "Inspection",
            &format!(
                "{}, {} to {}; report published {}",
                and_list(&inspection.inspectorates),
                inspection.from.long(),
                inspection.to.long(),
                inspection.published.long()
            ),
        ),
        None => out.field(0, "Inspection", "not yet recorded"),
    }
    for inspection in &view.inspections {
        let outcome = inspection
            .outcome
            .map(|o| format!("; outcome: {}", o.describe()))
            .unwrap_or_default();
        out.field(
            2,
            &inspection.id,
            &format!(
                "{} framework, {} inspection by {}, {} to {}; report published {}{outcome}",
                inspection.framework,
                inspection.kind,
                and_list(&inspection.inspectorates),
                inspection.from.long(),
                inspection.to.long(),
                inspection.published.long()
            ),
        );
    }
    match &view.statement {
        Some(statement) => out.field(
            0,
            "Statement",
            &format!(
                "version {}, {} on {}",
                statement.version,
                match statement.stage {
                    "accepted" => "found fit for purpose",
                    "submitted" => "submitted",
                    _ => "in draft, revised",
                },
                statement.since.long()
            ),
        ),
        None => out.field(0, "Statement", "not yet submitted"),
    }
    if !view.plans.is_empty() {
        out.field(0, "Plans", &format!("{}", view.plans.len()));
        plans_tree(out, view);
    }
    match &view.latest_visit {
        Some(visit) => {
            let summary = visit
                .summary
                .as_deref()
                .map(|s| format!(": {s}"))
                .unwrap_or_default();
            out.field(
                0,
                "Last visit",
                &format!(
                    "{} ({} of {}) by {}{summary}",
                    visit.on.long(),
                    ordinal(visit.number),
                    view.counts.monitoring_visits,
                    visit.by
                ),
            );
        }
        None => out.field(0, "Last visit", "no monitoring visit yet"),
    }

    let c = &view.counts;
    out.blank();
    out.line(0, "At a glance");
    out.field(
        2,
        "Actions",
        &format!(
            "{}: {} complete, {} in progress, {} not started, {} blocked, {} withdrawn",
            c.actions, c.complete, c.in_progress, c.not_started, c.blocked, c.withdrawn
        ),
    );
    out.field(
        2,
        "Overdue",
        &format!(
            "{}{}",
            c.overdue,
            if c.deadlines_moved > 0 {
                format!(
                    "; {} {} moved since first set",
                    c.deadlines_moved,
                    plural(c.deadlines_moved, "deadline", "deadlines")
                )
            } else {
                String::new()
            }
        ),
    );
    out.field(
        2,
        "Measures",
        &format!(
            "{}: {} meeting {}",
            c.measures,
            c.measures_meeting_target,
            plural(c.measures_meeting_target, "its target", "their targets")
        ),
    );
    out.field(
        2,
        "Risks",
        &format!("{} open, {} raised in all", c.open_risks, c.risks_raised),
    );
    out.field(
        2,
        "Evidence",
        &format!("{} {}", c.evidence, plural(c.evidence, "piece", "pieces")),
    );
    if c.corrections > 0 {
        out.field(
            2,
            "Corrected",
            &format!(
                "{} earlier {} (in the ledger's log)",
                c.corrections,
                plural(c.corrections, "event", "events")
            ),
        );
    }
}

fn weakness_tree(out: &mut Tree, view: &ShowView, weakness: &WeaknessShow) {
    match (&weakness.kind, &weakness.found_by) {
        (Some(kind), Some(by)) => out.line(
            0,
            &format!(
                "{}  {} ({}, inspection {by})",
                weakness.id,
                weakness.title,
                kind.name()
            ),
        ),
        (Some(kind), None) => out.line(
            0,
            &format!("{}  {} ({})", weakness.id, weakness.title, kind.name()),
        ),
        _ => out.line(0, &format!("{}  {}", weakness.id, weakness.title)),
    }
    let indent = weakness.id.len() + 2;
    if let Some(finding) = &weakness.finding {
        out.field(indent, "Finding", finding);
    }
    if let Some(outcome) = &weakness.outcome {
        out.field(
            indent,
            "Revisit",
            &format!(
                "{} ({})",
                progress_words(outcome.progress),
                outcome.on.long()
            ),
        );
    }
    for voice in &weakness.coproduction {
        let respondents = voice
            .respondents
            .map(|n| format!(", {n} responded"))
            .unwrap_or_default();
        let difference = voice
            .difference
            .as_deref()
            .map(|d| format!("; the difference it made: {d}"))
            .unwrap_or_default();
        out.field(
            indent,
            "You said",
            &format!(
                "{} ({}{respondents}, {}); we did: {}{difference}",
                voice.said,
                voice.from,
                voice.on.long(),
                voice.did
            ),
        );
    }
    if weakness.workstreams.is_empty() && weakness.also_answered_by.is_empty() {
        out.field(indent, "Workstreams", "none yet");
    }
    for workstream in &weakness.workstreams {
        out.blank();
        workstream_tree(out, indent, workstream);
    }
    if !weakness.also_answered_by.is_empty() {
        out.blank();
        let shown: Vec<String> = weakness
            .also_answered_by
            .iter()
            .map(|id| format!("{id} (shown under {})", shown_under(view, id, true)))
            .collect();
        out.wrapped(indent, &format!("Also answered by {}.", and_list(&shown)));
    }
    out.blank();
    out.line(indent, "Measures");
    if weakness.measures.is_empty() && weakness.also_measured_by.is_empty() {
        out.line(indent + 2, "none yet");
    }
    for measure in &weakness.measures {
        measure_tree(out, indent + 2, measure);
    }
    if !weakness.also_measured_by.is_empty() {
        let shown: Vec<String> = weakness
            .also_measured_by
            .iter()
            .map(|id| format!("{id} (shown under {})", shown_under(view, id, false)))
            .collect();
        out.wrapped(
            indent + 2,
            &format!("Also measured by {}.", and_list(&shown)),
        );
    }
}

/// The weakness a workstream (or a measure) is shown in full under.
fn shown_under(view: &ShowView, id: &str, workstream: bool) -> String {
    view.weaknesses
        .iter()
        .find(|w| {
            if workstream {
                w.workstreams.iter().any(|ws| ws.id == id)
            } else {
                w.measures.iter().any(|m| m.id == id)
            }
        })
        .map_or_else(|| "another weakness".to_owned(), |w| w.id.clone())
}

fn workstream_tree(out: &mut Tree, indent: usize, workstream: &WorkstreamShow) {
    out.wrapped(indent, &format!("{}  {}", workstream.id, workstream.title));
    let inner = indent + workstream.id.len() + 2;
    out.field(inner, "Sponsor", &workstream.sponsor);
    if workstream.weaknesses.len() > 1 {
        out.field(inner, "Answers", &and_list(&workstream.weaknesses));
    }
    match &workstream.assessment {
        Some(a) => {
            let note = a
                .note
                .as_deref()
                .map(|n| format!(": {n}"))
                .unwrap_or_default();
            out.field(
                inner,
                "Board",
                &format!(
                    "{}, {}, {}{note}",
                    rating_words(a.rating),
                    a.forum,
                    a.on.long()
                ),
            );
        }
        None => out.field(inner, "Board", "not yet assessed"),
    }
    if workstream.actions.is_empty() {
        out.field(inner, "Actions", "none yet");
    }
    for action in &workstream.actions {
        out.blank();
        action_tree(out, inner, action);
    }
}

fn action_tree(out: &mut Tree, indent: usize, action: &ActionShow) {
    out.wrapped_hanging(
        indent,
        action.id.len() + 2,
        &format!("{}  {}", action.id, action.title),
    );
    let inner = indent + action.id.len() + 2;
    out.field(inner, "Lead", &action.owner);
    let mut due = action.deadline.clone().unwrap_or_else(|| action.due.long());
    if action.due != action.original_due && !action.deadline_not_set {
        due.push_str(&format!(" (was {})", action.original_due.long()));
    }
    if action.deadline_not_set {
        due.push_str("   GAP: set a deadline");
    }
    if let Some(days) = action.days_overdue {
        due.push_str(&format!(
            "   OVERDUE by {days} {}",
            plural(usize::try_from(days).unwrap_or(usize::MAX), "day", "days")
        ));
    }
    out.field(inner, "Due", &due);
    out.field(inner, "Status", &status_words(action));
    let evidence = match action.evidence.len() {
        0 => "none yet".to_owned(),
        n => format!("{n} ({})", action.evidence.join(", ")),
    };
    out.field(inner, "Evidence", &evidence);
    for milestone in &action.milestones {
        let mut line = format!(
            "{} (due {}): {}",
            milestone.title, milestone.due_text, milestone.state
        );
        if let Some(on) = milestone.on {
            line.push_str(&format!(" on {}", on.long()));
        }
        if let Some(reason) = &milestone.reason {
            line.push_str(&format!(", because {reason}"));
        }
        out.field(inner, &format!("Milestone {}", milestone.id), &line);
    }
    if let Some(update) = &action.latest_update {
        out.field(
            inner,
            "Update",
            &format!("{}: {}", update.on.long(), update.text),
        );
    }
}

fn status_words(action: &ActionShow) -> String {
    let mut words = action.status.label();
    if let Some(on) = action.completed_on {
        words.push_str(&format!(" on {}", on.long()));
    }
    if let Some(rag) = action.rag {
        words.push_str(&format!(", RAG {rag}"));
    }
    words
}

fn measure_tree(out: &mut Tree, indent: usize, measure: &MeasureShow) {
    out.wrapped_hanging(
        indent,
        measure.id.len() + 2,
        &format!(
            "{}  {} ({}; {})",
            measure.id,
            measure.title,
            measure.unit,
            measure.better.label()
        ),
    );
    let inner = indent + measure.id.len() + 2;
    out.field(
        inner,
        "Baseline",
        &format!("{} on {}", measure.baseline, measure.baseline_on.long()),
    );
    match &measure.latest {
        Some(latest) => {
            let source = latest
                .source
                .as_deref()
                .map(|s| format!(" ({s})"))
                .unwrap_or_default();
            out.field(
                inner,
                "Latest",
                &format!("{} on {}{source}", latest.value, latest.on.long()),
            );
        }
        None => out.field(inner, "Latest", "no value recorded yet"),
    }
    out.field(
        inner,
        "Target",
        &format!("{} by {}", measure.target, measure.target_by.long()),
    );
    let trend = match measure.trend {
        Trend::NoData => "no data yet",
        Trend::Improving => "improving",
        Trend::Unchanged => "unchanged",
        Trend::Worsening => "worsening",
    };
    let met = if measure.target_met {
        "; target met"
    } else if measure.target_missed {
        "; target missed"
    } else if measure.latest.is_none() {
        ""
    } else {
        "; target not yet met"
    };
    out.field(
        inner,
        "Progress",
        &format!("{trend} since the baseline{met}"),
    );
    if let Some(definition) = &measure.definition {
        out.field(inner, "Definition", definition);
    }
    if let Some(period) = measure.period {
        out.field(
            inner,
            "Period",
            &format!("each value covers {}", period.describe()),
        );
    }
    if !measure.trajectory.is_empty() {
        let points: Vec<String> = measure
            .trajectory
            .iter()
            .map(|p| format!("{} by {}", p.value, p.on.long()))
            .collect();
        out.field(inner, "Trajectory", &points.join(", "));
        let judged = match &measure.against_trajectory {
            Some(j) => format!(
                "{}: {} on {} against {} expected by {}",
                j.against.words(),
                j.value,
                j.on.long(),
                j.expected,
                j.expected_on.long()
            ),
            None => "no value recorded yet".to_owned(),
        };
        out.field(inner, "Judged", &judged);
    }
}

fn packs_tree(out: &mut Tree, view: &ShowView) {
    out.line(0, "Evidence packs sent");
    for pack in &view.packs {
        out.wrapped_hanging(
            2,
            2,
            &format!(
                "{} (for {}): sent to {} on {}, holding the ledger as known at the end of {} ({} events); {} bytes, BLAKE3 {} (event {})",
                pack.file_name,
                pack.purpose,
                pack.to,
                pack.sent_on.long(),
                pack.as_of.long(),
                pack.events,
                pack.size,
                pack.file_hash.short(),
                pack.seq
            ),
        );
    }
}

fn risks_tree(out: &mut Tree, view: &ShowView) {
    out.line(0, "Open risks");
    if view.open_risks.is_empty() {
        out.line(2, "none");
    }
    for risk in &view.open_risks {
        out.wrapped_hanging(
            2,
            risk.id.len() + 2,
            &format!("{}  {}", risk.id, risk.title),
        );
        let inner = 2 + risk.id.len() + 2;
        out.field(
            inner,
            "Level",
            &format!("{}, raised {}", risk.level, risk.raised_on.long()),
        );
        if !risk.about.is_empty() {
            out.field(inner, "About", &risk.about.join(", "));
        }
        if let Some(mitigation) = &risk.mitigation {
            out.field(inner, "Mitigation", mitigation);
        }
        if let Some(update) = &risk.latest_update {
            out.field(
                inner,
                "Update",
                &format!("{}: {}", update.on.long(), update.text),
            );
        }
    }
}

fn revisit_tree(out: &mut Tree, view: &ShowView) {
    out.line(0, "Revisit");
    match &view.revisit {
        Some(revisit) => out.field(
            2,
            "Window",
            &format!("{} to {}", revisit.from.long(), revisit.to.long()),
        ),
        None => out.field(2, "Window", "not yet scheduled"),
    }
    let outcomes: Vec<String> = view
        .weaknesses
        .iter()
        .filter_map(|w| {
            w.outcome
                .as_ref()
                .map(|o| format!("{} {}", w.id, progress_words(o.progress)))
        })
        .collect();
    if outcomes.is_empty() {
        out.field(2, "Outcomes", "not yet recorded");
    } else {
        out.field(2, "Outcomes", &outcomes.join("; "));
    }
}

fn rating_words(rating: Rating) -> String {
    rating.label()
}

fn progress_words(progress: Progress) -> &'static str {
    match progress {
        Progress::Sufficient => "sufficient progress",
        Progress::Insufficient => "insufficient progress",
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// "A", "A and B", "A, B and C".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Lines of text with indentation and wrapping.
#[derive(Default)]
struct Tree {
    out: String,
}

impl Tree {
    /// One line; any control or invisible formatting character in it (from text recorded
    /// before such characters were refused) is shown as its code point.
    fn line(&mut self, indent: usize, text: &str) {
        self.out.extend(std::iter::repeat_n(' ', indent));
        self.out.push_str(&crate::text::terminal_line(text));
        self.out.push('\n');
    }

    fn blank(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    /// A paragraph wrapped at `WIDTH`, every line at `indent`.
    fn wrapped(&mut self, indent: usize, text: &str) {
        self.wrapped_hanging(indent, 0, text);
    }

    /// A paragraph wrapped at `WIDTH`, its first line at `indent` and the rest `hang` further in.
    fn wrapped_hanging(&mut self, indent: usize, hang: usize, text: &str) {
        let first = WIDTH.saturating_sub(indent).max(20);
        let rest = WIDTH.saturating_sub(indent + hang).max(20);
        for (i, line) in wrap(text, first, rest).iter().enumerate() {
            let at = if i == 0 { indent } else { indent + hang };
            self.line(at, line);
        }
    }

    /// `Label      value`, the value wrapped under itself.
    fn field(&mut self, indent: usize, label: &str, value: &str) {
        let pad = LABEL.max(label.len() + 1);
        let width = WIDTH.saturating_sub(indent + pad).max(20);
        for (i, line) in wrap(value, width, width).iter().enumerate() {
            let head = if i == 0 {
                format!("{label:<pad$}")
            } else {
                " ".repeat(pad)
            };
            self.line(indent, format!("{head}{line}").trim_end());
        }
    }

    fn finish(self) -> String {
        self.out
    }
}

/// Greedy word wrap: the first line at most `first` characters, the others at most `rest`; a
/// word longer than a line gets a line of its own. Line breaks in the text are kept, and so are
/// runs of spaces between words on the same line.
fn wrap(text: &str, first: usize, rest: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        // The characters in `line`, and the whitespace characters before the next word.
        let (mut len, mut gap) = (0, 0);
        for word in paragraph.split(char::is_whitespace) {
            if word.is_empty() {
                gap += 1;
                continue;
            }
            let width = if lines.is_empty() { first } else { rest };
            let word_len = word.chars().count();
            if len > 0 && len + gap + word_len > width {
                lines.push(std::mem::take(&mut line));
                len = 0;
            }
            if len > 0 {
                line.extend(std::iter::repeat_n(' ', gap));
                len += gap;
            }
            line.push_str(word);
            len += word_len;
            gap = 1;
        }
        lines.push(line);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

// ---------------------------------------------------------------------------------------------
// The tracker
// ---------------------------------------------------------------------------------------------

/// The columns of the CSV tracker, in order: the tracker's one list of columns, which the
/// workbook's Tracker sheet and the importer (`wsoa-tracker`, which pairs each with the field it
/// reads it as) share.
pub const CSV_COLUMNS: [&str; 14] = [
    "Ref",
    "Area of weakness",
    "Workstream",
    "Sponsor",
    "Action",
    "Lead",
    "Deadline",
    "Original deadline",
    "Status",
    "RAG",
    "Overdue",
    "Success criteria",
    "Latest update",
    "Evidence",
];

/// The plan as a council's action tracker: a header row, then one row per action in the order
/// the actions were created. Dates are ISO 8601; lists are joined with "; ". A cell that a
/// spreadsheet would run as a formula (one starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return) starts with a single quote (`text::csv_cell`), which the tracker importer removes.
pub fn csv(plan: &Plan, today: Date) -> String {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    let rows = std::iter::once(CSV_COLUMNS.map(str::to_owned).to_vec()).chain(
        plan.actions.iter().map(|action| {
            csv_row(plan, action, today)
                .into_iter()
                .map(|cell| crate::text::csv_cell(&cell).into_owned())
                .collect()
        }),
    );
    for row in rows {
        writer
            .write_record(&row)
            .expect("writing CSV to memory cannot fail");
    }
    let bytes = writer
        .into_inner()
        .expect("flushing CSV to memory cannot fail");
    String::from_utf8(bytes).expect("CSV built from strings is UTF-8")
}

fn csv_row(plan: &Plan, action: &ActionView, today: Date) -> Vec<String> {
    let workstream = plan.workstream(&action.workstream);
    let weaknesses = workstream
        .map(|ws| {
            ws.weaknesses
                .iter()
                .map(|id| match plan.weakness(id) {
                    Some(w) => format!("{id} {}", w.title),
                    None => id.clone(),
                })
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default();
    let status = capitalise(&action.status.label());
    vec![
        action.id.clone(),
        weaknesses,
        match workstream {
            Some(ws) => format!("{} {}", ws.id, ws.title),
            None => action.workstream.clone(),
        },
        workstream.map(|ws| ws.sponsor.clone()).unwrap_or_default(),
        action.title.clone(),
        action.owner.clone(),
        action
            .deadline
            .as_ref()
            .map_or_else(|| action.due.to_string(), ToString::to_string),
        action.original_due.to_string(),
        status,
        action
            .rag
            .map(|rag| capitalise(rag.as_str()))
            .unwrap_or_default(),
        if action.overdue(today) { "Yes" } else { "No" }.to_owned(),
        action.success.join("; "),
        action
            .latest_update()
            .map(|(text, cite)| format!("{}: {text}", cite.on))
            .unwrap_or_default(),
        action.evidence.join("; "),
    ]
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Finding actions
// ---------------------------------------------------------------------------------------------

/// When an action is due, as a filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DueFilter {
    /// Past its deadline and neither complete nor withdrawn.
    Overdue,
    /// Due in the next [`SOON_DAYS`] days (today included), not complete or withdrawn.
    Soon,
}

/// "Due soon" means within this many days.
pub const SOON_DAYS: i64 = 30;

/// Which actions to list: each part given narrows the list; none given lists every action.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ActionFilter {
    /// Only actions with this status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Only actions with this RAG (`Some(None)`: not yet rated).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rag: Option<Option<Rag>>,
    /// Only actions led by this person (any case).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead: Option<String>,
    /// Only actions of this workstream.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workstream: Option<String>,
    /// Only actions of workstreams that answer this weakness or finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weakness: Option<String>,
    /// Only overdue actions, or those due soon.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<DueFilter>,
}

impl ActionFilter {
    /// Whether any part is given.
    pub fn is_empty(&self) -> bool {
        *self == ActionFilter::default()
    }

    /// Whether `action` of `plan`, judged on `today`, is one the filter keeps.
    pub fn matches(&self, plan: &Plan, action: &ActionShow, today: Date) -> bool {
        let open = !matches!(action.status, Status::Complete | Status::Withdrawn);
        self.status.is_none_or(|status| action.status == status)
            && self.rag.is_none_or(|rag| action.rag == rag)
            && self
                .lead
                .as_deref()
                .is_none_or(|lead| action.owner.eq_ignore_ascii_case(lead.trim()))
            && self
                .workstream
                .as_deref()
                .is_none_or(|ws| action.workstream.eq_ignore_ascii_case(ws.trim()))
            && self.weakness.as_deref().is_none_or(|weakness| {
                plan.workstream(&action.workstream).is_some_and(|ws| {
                    ws.weaknesses
                        .iter()
                        .any(|w| w.eq_ignore_ascii_case(weakness.trim()))
                })
            })
            && match self.due {
                None => true,
                Some(DueFilter::Overdue) => action.overdue,
                Some(DueFilter::Soon) => {
                    open && !action.deadline_not_set
                        && (0..=SOON_DAYS).contains(&today.days_until(action.due))
                }
            }
    }

    /// The actions of `view` (of `plan`) that the filter keeps, each once, in the order the
    /// plan shows them (weakness by weakness, then those of no weakness).
    pub fn actions<'a>(&self, plan: &Plan, view: &'a ShowView) -> Vec<&'a ActionShow> {
        let mut seen = std::collections::BTreeSet::new();
        view.weaknesses
            .iter()
            .flat_map(|weakness| weakness.workstreams.iter())
            .chain(view.other_workstreams.iter())
            .flat_map(|workstream| workstream.actions.iter())
            .chain(view.other_actions.iter())
            .filter(|action| seen.insert(action.id.as_str()))
            .filter(|action| self.matches(plan, action, view.today))
            .collect()
    }
}

/// One page of a list: its items, and where it sits in the whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Page<T> {
    /// How many items the whole list has.
    pub total: usize,
    /// This page's number, from 1.
    pub page: usize,
    /// How many items a page holds.
    pub per_page: usize,
    /// How many pages the whole list has (at least 1).
    pub pages: usize,
    /// The items on this page.
    pub items: Vec<T>,
}

impl<T> Page<T> {
    /// Page `page` (from 1) of `items`, `per_page` to a page; a page past the last is empty.
    pub fn of(items: Vec<T>, page: usize, per_page: usize) -> Page<T> {
        let per_page = per_page.max(1);
        let page = page.max(1);
        let total = items.len();
        let items = items
            .into_iter()
            .skip((page - 1).saturating_mul(per_page))
            .take(per_page)
            .collect();
        Page {
            total,
            page,
            per_page,
            pages: total.div_ceil(per_page).max(1),
            items,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrapping_keeps_words_whole_and_spaces_between_them() {
        assert_eq!(wrap("one two three", 8, 8), ["one two", "three"]);
        assert_eq!(wrap("one  two", 20, 20), ["one  two"]);
        assert_eq!(wrap("  led", 20, 20), ["led"]);
        assert_eq!(
            wrap("a unbreakableword b", 5, 5),
            ["a", "unbreakableword", "b"]
        );
        assert_eq!(wrap("first line\nsecond", 20, 20), ["first line", "second"]);
        assert_eq!(wrap("", 20, 20), [""]);
        assert_eq!(wrap("ab cd ef", 5, 2), ["ab cd", "ef"]);
        // Widths count characters, not bytes.
        assert_eq!(wrap("été été", 7, 7), ["été été"]);
    }
}
