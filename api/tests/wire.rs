//! The JSON wire format of commands and recorded events (`wsoa_api::wire`): every kind's
//! example body parses to the core command it means; every core command survives the trip to
//! the wire and back, through JSON text; malformed bodies are refused with messages that name
//! the field; and a recorded event's bytes decode back to the event, refusing any tampering.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::str::FromStr;

use proptest::prelude::*;
use serde_json::json;
use utoipa::OpenApi;
use wsoa_api::wire::{
    AttachEvidenceRequest, CommandRequest, RecordedEvent, WireError, recorded_id,
};
use wsoa_core::command::{
    ActionInPlan, AddFinding, AddInspection, AddNote, AddWorkstream, AmendMeasure, AttachEvidence,
    DefineMeasure, RaiseRisk, StepPlan, TrajectoryInput,
};
use wsoa_core::event::{
    ActionAmended, ActionAmendedWithDeadline, ActionCreated, ActionCreatedWithDeadline,
    ActionStatusChanged, Assessment, CoproductionRecorded, CorrectionRecorded, Direction,
    EvidenceKind, EvidenceRedacted, FindingKind, Framework, InspectionKind, InspectionOutcome,
    InspectionRecorded, LedgerOpened, MeasureDefined, MeasureRecorded, MilestoneAdded,
    MilestoneMet, MilestoneMissed, MonitoringReviewed, MonitoringVisitRecorded, Outcome, PlanKind,
    PlanStarted, PlanStep, Progress, ProgressReviewed, Rag, Rating, RevisitOutcomeRecorded,
    RevisitScheduled, RiskClosed, RiskLevel, RiskUpdated, Status, WeaknessRecorded,
    WorkstreamAmended, WorkstreamCreated,
};
use wsoa_core::event::{MonitoringVisitFeedback, PackSent, Period, VisitPoint};
use wsoa_core::{
    Command, Date, Deadline, Decimal, Digest, EventBody, Recurrence, SubjectKind, SubjectRef,
    chain_hash,
};

/// Parses what a test writes by hand, which is always valid.
fn p<T: FromStr>(text: &str) -> T
where
    T::Err: Debug,
{
    text.parse()
        .unwrap_or_else(|err| panic!("'{text}' should parse: {err:?}"))
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

/// Given a JSON body, when the server reads it and parses it at the edge, then it is this core
/// command, happening on this date.
fn check(body: serde_json::Value, expected: Command, expected_on: Option<&str>) {
    let text = body.to_string();
    let request = CommandRequest::from_json(text.as_bytes())
        .unwrap_or_else(|err| panic!("{text} should be read: {err}"));
    assert_eq!(
        Some(request.kind()),
        body["kind"].as_str(),
        "kind() of {text}"
    );
    let (command, on) = request
        .into_command()
        .unwrap_or_else(|err| panic!("{text} should parse: {err}"));
    assert_eq!(command, expected, "{text}");
    assert_eq!(on, expected_on.map(p::<Date>), "on of {text}");
}

#[test]
fn every_kind_parses_from_its_json_example() {
    let hash = "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262";
    let cases = [
        (
            json!({"kind": "open_ledger", "on": "2021-01-04", "area": "Northshire local area",
                   "partners": ["Northshire County Council", "Northshire ICB"]}),
            Command::OpenLedger(LedgerOpened {
                area: "Northshire local area".to_owned(),
                partners: strings(&["Northshire County Council", "Northshire ICB"]),
            }),
            Some("2021-01-04"),
        ),
        (
            json!({"kind": "record_inspection", "from": "08/03/2021", "to": "2021-03-12",
                   "published": "2021-04-20"}),
            Command::RecordInspection(InspectionRecorded {
                inspectorates: strings(&["Ofsted", "CQC"]),
                from: p("2021-03-08"),
                to: p("2021-03-12"),
                published: p("2021-04-20"),
            }),
            None,
        ),
        (
            json!({"kind": "record_weakness", "on": null, "id": "W1",
                   "title": "Quality assurance of EHC plans",
                   "finding": "There is no \"quality assurance\" framework."}),
            Command::RecordWeakness(WeaknessRecorded {
                id: p("W1"),
                title: "Quality assurance of EHC plans".to_owned(),
                finding: Some("There is no \"quality assurance\" framework.".to_owned()),
            }),
            None,
        ),
        (
            json!({"kind": "submit_plan", "on": "30/07/2021"}),
            Command::SubmitPlan { summary: None },
            Some("2021-07-30"),
        ),
        (
            json!({"kind": "accept_plan", "summary": "Fit for purpose"}),
            Command::AcceptPlan {
                summary: Some("Fit for purpose".to_owned()),
            },
            None,
        ),
        (
            json!({"kind": "revise_plan", "summary": "Stronger measures"}),
            Command::RevisePlan {
                summary: "Stronger measures".to_owned(),
            },
            None,
        ),
        (
            json!({"kind": "create_workstream", "id": "WS1", "title": "EHC plans",
                   "sponsor": "Director of Education", "weaknesses": ["W1", "W2"]}),
            Command::CreateWorkstream(WorkstreamCreated {
                id: p("WS1"),
                title: "EHC plans".to_owned(),
                sponsor: "Director of Education".to_owned(),
                weaknesses: vec![p("W1"), p("W2")],
            }),
            None,
        ),
        (
            json!({"kind": "amend_workstream", "id": "WS1", "sponsor": "Assistant Director, SEND",
                   "title": null, "reason": "Restructure"}),
            Command::AmendWorkstream(WorkstreamAmended {
                id: p("WS1"),
                title: None,
                sponsor: Some("Assistant Director, SEND".to_owned()),
                weaknesses: None,
                reason: "Restructure".to_owned(),
            }),
            None,
        ),
        (
            json!({"kind": "create_action", "on": "2021-07-15", "id": "A1.1", "workstream": "WS1",
                   "title": "Appoint a QA officer", "owner": "Head of SEND", "due": "2021-12-31",
                   "success": ["Officer in post"]}),
            Command::CreateAction(ActionCreated {
                id: p("A1.1"),
                workstream: p("WS1"),
                title: "Appoint a QA officer".to_owned(),
                owner: "Head of SEND".to_owned(),
                due: p("2021-12-31"),
                success: strings(&["Officer in post"]),
            }),
            Some("2021-07-15"),
        ),
        (
            json!({"kind": "amend_action", "id": "1.1", "due": "31/12/2021",
                   "reason": "Recruitment paused"}),
            Command::AmendAction(ActionAmended {
                id: p("1.1"),
                title: None,
                owner: None,
                due: Some(p("2021-12-31")),
                reason: "Recruitment paused".to_owned(),
            }),
            None,
        ),
        (
            json!({"kind": "change_action_status", "id": "1.1", "status": "in-progress",
                   "rag": "Amber", "note": "Interviews held"}),
            Command::ChangeActionStatus(ActionStatusChanged {
                id: p("1.1"),
                status: Status::InProgress,
                rag: Some(Rag::Amber),
                note: Some("Interviews held".to_owned()),
            }),
            None,
        ),
        (
            json!({"kind": "attach_evidence", "content_hash": hash, "file_name": "minutes.pdf",
                   "media_type": "application/pdf", "size": 48213, "title": "Board minutes",
                   "evidence_kind": "case-study", "supports": ["WS1", "action:1.1"]}),
            Command::AttachEvidence(AttachEvidence {
                id: None,
                content_hash: p(hash),
                file_name: "minutes.pdf".to_owned(),
                media_type: "application/pdf".to_owned(),
                size: 48213,
                title: "Board minutes".to_owned(),
                kind: EvidenceKind::CaseStudy,
                supports: vec![p("WS1"), p("action:1.1")],
            }),
            None,
        ),
        (
            json!({"kind": "redact_evidence", "id": "E7", "reason": "Names a child"}),
            Command::RedactEvidence(EvidenceRedacted {
                id: p("E7"),
                reason: "Names a child".to_owned(),
            }),
            None,
        ),
        (
            json!({"kind": "define_measure", "id": "M1", "title": "EHC plans in 20 weeks",
                   "unit": "%", "baseline": "012.50", "baseline_on": "2018-08-31",
                   "target": "60", "target_by": "2019-12-31", "better": "lower-is-better",
                   "weaknesses": ["W1"]}),
            Command::DefineMeasure(MeasureDefined {
                id: p("M1"),
                title: "EHC plans in 20 weeks".to_owned(),
                unit: "%".to_owned(),
                baseline: p("12.50"),
                baseline_on: p("2018-08-31"),
                target: p("60"),
                target_by: p("2019-12-31"),
                better: Direction::LowerIsBetter,
                weaknesses: vec![p("W1")],
            }),
            None,
        ),
        (
            json!({"kind": "record_measure", "on": "2019-07-31", "id": "M1", "value": "-3",
                   "source": "EHC hub report"}),
            Command::RecordMeasure(MeasureRecorded {
                id: p("M1"),
                value: p("-3"),
                source: Some("EHC hub report".to_owned()),
            }),
            Some("2019-07-31"),
        ),
        (
            json!({"kind": "record_visit", "by": "DfE and NHS England advisers",
                   "strengths": ["Co-production"], "next_steps": ["Show impact"]}),
            Command::RecordVisit(
                MonitoringVisitRecorded {
                    by: "DfE and NHS England advisers".to_owned(),
                    summary: None,
                    strengths: strings(&["Co-production"]),
                    concerns: Vec::new(),
                    next_steps: strings(&["Show impact"]),
                }
                .into(),
            ),
            None,
        ),
        (
            json!({"kind": "record_visit", "by": "DfE adviser",
                   "concerns": ["[W2, AP1] Plan quality", "Slow"], "letter": "E7"}),
            Command::RecordVisit(MonitoringVisitFeedback {
                by: "DfE adviser".to_owned(),
                summary: None,
                strengths: Vec::new(),
                concerns: vec![
                    VisitPoint {
                        text: "Plan quality".to_owned(),
                        about: vec![p("W2"), p("AP1")],
                    },
                    VisitPoint::general("Slow"),
                ],
                next_steps: Vec::new(),
                letter: Some(p("E7")),
            }),
            None,
        ),
        (
            json!({"kind": "review_progress", "forum": "SEND Improvement Board",
                   "assessments": [{"workstream": "WS1", "rating": "on-track"},
                                   {"workstream": "WS2", "rating": "at risk",
                                    "note": "Recruitment has slipped"}]}),
            Command::ReviewProgress(ProgressReviewed {
                forum: "SEND Improvement Board".to_owned(),
                assessments: vec![
                    Assessment {
                        workstream: p("WS1"),
                        rating: Rating::OnTrack,
                        note: None,
                    },
                    Assessment {
                        workstream: p("WS2"),
                        rating: Rating::AtRisk,
                        note: Some("Recruitment has slipped".to_owned()),
                    },
                ],
            }),
            None,
        ),
        (
            json!({"kind": "raise_risk", "id": "R1", "title": "EP vacancies"}),
            Command::RaiseRisk(RaiseRisk {
                id: p("R1"),
                title: "EP vacancies".to_owned(),
                level: RiskLevel::Medium,
                about: Vec::new(),
                mitigation: None,
            }),
            None,
        ),
        (
            json!({"kind": "update_risk", "id": "R1", "level": "low", "note": "Recruited"}),
            Command::UpdateRisk(RiskUpdated {
                id: p("R1"),
                level: Some(RiskLevel::Low),
                mitigation: None,
                note: Some("Recruited".to_owned()),
            }),
            None,
        ),
        (
            json!({"kind": "close_risk", "id": "R1", "reason": "Fully recruited"}),
            Command::CloseRisk(RiskClosed {
                id: p("R1"),
                reason: "Fully recruited".to_owned(),
            }),
            None,
        ),
        (
            json!({"kind": "schedule_revisit", "from": "2022-09-01", "to": "2022-11-30"}),
            Command::ScheduleRevisit(RevisitScheduled {
                from: p("2022-09-01"),
                to: p("2022-11-30"),
            }),
            None,
        ),
        (
            json!({"kind": "record_revisit_outcome", "on": "2022-10-14",
                   "outcomes": [{"weakness": "W1", "progress": "sufficient"},
                                {"weakness": "W2", "progress": "insufficient"}]}),
            Command::RecordRevisitOutcome(RevisitOutcomeRecorded {
                outcomes: vec![
                    Outcome {
                        weakness: p("W1"),
                        progress: Progress::Sufficient,
                    },
                    Outcome {
                        weakness: p("W2"),
                        progress: Progress::Insufficient,
                    },
                ],
            }),
            Some("2022-10-14"),
        ),
        (
            json!({"kind": "add_note", "about": "W3", "text": "Easier to find",
                   "from": "Parent Carer Forum"}),
            Command::AddNote(AddNote {
                about: p("W3"),
                text: "Easier to find".to_owned(),
                from: Some("Parent Carer Forum".to_owned()),
            }),
            None,
        ),
        (
            json!({"kind": "record_correction", "seq": 41, "reason": "14 June, not 4 June"}),
            Command::RecordCorrection(CorrectionRecorded {
                seq: 41,
                reason: "14 June, not 4 June".to_owned(),
            }),
            None,
        ),
        (
            json!({"kind": "record_checkpoint", "note": "wsoa.example/northshire\n3\nabc=\n"}),
            Command::RecordCheckpoint {
                note: "wsoa.example/northshire\n3\nabc=\n".to_owned(),
            },
            None,
        ),
        (
            json!({"kind": "create_action_with_deadline", "id": "1.2", "workstream": "WS1",
                   "title": "Audit EHC plans", "owner": "QA officer", "due": "Autumn term 2021"}),
            Command::CreateActionWithDeadline(ActionCreatedWithDeadline {
                id: p("1.2"),
                workstream: p("WS1"),
                title: "Audit EHC plans".to_owned(),
                owner: "QA officer".to_owned(),
                due: Deadline::Written {
                    words: "Autumn term 2021".to_owned(),
                    date: p("2021-12-31"),
                },
                success: vec![],
            }),
            None,
        ),
        (
            json!({"kind": "amend_action_with_deadline", "id": "1.2", "due": "TBC",
                   "reason": "Waiting for the audit tool"}),
            Command::AmendActionWithDeadline(ActionAmendedWithDeadline {
                id: p("1.2"),
                title: None,
                owner: None,
                due: Some(Deadline::NotSet {
                    words: "TBC".to_owned(),
                }),
                reason: "Waiting for the audit tool".to_owned(),
            }),
            None,
        ),
        (
            json!({"kind": "import_action", "id": "1.3", "workstream": "WS1",
                   "title": "Report to the board", "owner": "Head of SEND", "due": "Not recorded"}),
            Command::ImportAction(ActionCreatedWithDeadline {
                id: p("1.3"),
                workstream: p("WS1"),
                title: "Report to the board".to_owned(),
                owner: "Head of SEND".to_owned(),
                due: Deadline::NotSet {
                    words: "Not recorded".to_owned(),
                },
                success: vec![],
            }),
            None,
        ),
        (
            json!({"kind": "add_inspection", "framework": "2023", "inspection_kind": "full",
                   "outcome": "inconsistent", "from": "2023-10-02", "to": "2023-10-06",
                   "published": "2023-11-20"}),
            Command::AddInspection(AddInspection {
                id: None,
                framework: Framework::Y2023,
                kind: InspectionKind::Full,
                outcome: Some(InspectionOutcome::Inconsistent),
                inspectorates: vec!["Ofsted".to_owned(), "CQC".to_owned()],
                from: p("2023-10-02"),
                to: p("2023-10-06"),
                published: p("2023-11-20"),
            }),
            None,
        ),
        (
            json!({"kind": "record_finding", "id": "AP1", "type": "priority-action",
                   "title": "Timeliness of EHC plans", "inspection": "I2"}),
            Command::RecordFinding(AddFinding {
                id: p("AP1"),
                inspection: Some(p("I2")),
                kind: FindingKind::PriorityAction,
                title: "Timeliness of EHC plans".to_owned(),
                finding: None,
            }),
            None,
        ),
        (
            json!({"kind": "add_milestone", "action": "2.1", "id": "3m",
                   "title": "Panel meets monthly", "due": "March 2024"}),
            Command::AddMilestone(MilestoneAdded {
                action: p("2.1"),
                id: p("3m"),
                title: "Panel meets monthly".to_owned(),
                due: Deadline::Written {
                    words: "March 2024".to_owned(),
                    date: p("2024-03-31"),
                },
            }),
            None,
        ),
        (
            json!({"kind": "milestone_met", "action": "2.1", "id": "3m"}),
            Command::MeetMilestone(MilestoneMet {
                action: p("2.1"),
                id: p("3m"),
                note: None,
            }),
            None,
        ),
        (
            json!({"kind": "milestone_missed", "action": "2.1", "id": "6m", "reason": "No quorum"}),
            Command::MissMilestone(MilestoneMissed {
                action: p("2.1"),
                id: p("6m"),
                reason: "No quorum".to_owned(),
            }),
            None,
        ),
        (
            json!({"kind": "record_coproduction", "about": "W3", "said": "Hard to find",
                   "did": "Pages rewritten", "from": "PCF survey", "respondents": 212}),
            Command::RecordCoproduction(CoproductionRecorded {
                about: p("W3"),
                said: "Hard to find".to_owned(),
                did: "Pages rewritten".to_owned(),
                difference: None,
                from: "PCF survey".to_owned(),
                respondents: Some(212),
            }),
            None,
        ),
        (
            json!({"kind": "start_plan", "on": "2023-03-01", "id": "APP1", "plan_kind": "app",
                   "title": "Accelerated Progress Plan", "answers": ["W2", "W4"]}),
            Command::StartPlan(PlanStarted {
                id: p("APP1"),
                kind: PlanKind::App,
                title: "Accelerated Progress Plan".to_owned(),
                answers: vec![p("W2"), p("W4")],
            }),
            Some("2023-03-01"),
        ),
        (
            json!({"kind": "add_workstream", "plan": "APP1", "id": "WS5", "title": "Panel",
                   "sponsor": "DCS", "weaknesses": ["W2"]}),
            Command::AddWorkstream(AddWorkstream {
                plan: Some(p("APP1")),
                id: p("WS5"),
                title: "Panel".to_owned(),
                sponsor: "DCS".to_owned(),
                weaknesses: vec![p("W2")],
            }),
            None,
        ),
        (
            json!({"kind": "define_measure_with_trajectory", "id": "M1", "title": "Reviews on time",
                   "unit": "%", "baseline": "30", "baseline_on": "2023-03-31", "target": "90",
                   "target_by": "2025-03-31", "weaknesses": ["AP1"], "period": "financial-year",
                   "trajectory": ["2024-03-31=50%", "2025-03-31=90"]}),
            Command::DefineMeasureWithTrajectory(DefineMeasure {
                id: p("M1"),
                title: "Reviews on time".to_owned(),
                unit: "%".to_owned(),
                baseline: p("30"),
                baseline_on: p("2023-03-31"),
                target: p("90"),
                target_by: p("2025-03-31"),
                better: Direction::HigherIsBetter,
                weaknesses: vec![p("AP1")],
                definition: None,
                period: Some(Period::FinancialYear),
                trajectory: vec![
                    TrajectoryInput {
                        on: p("2024-03-31"),
                        value: p("50"),
                        unit: Some("%".to_owned()),
                    },
                    TrajectoryInput {
                        on: p("2025-03-31"),
                        value: p("90"),
                        unit: None,
                    },
                ],
            }),
            None,
        ),
        (
            json!({"kind": "create_action_in_plan", "plan": "APP1", "id": "5.1",
                   "workstream": "WS5", "title": "Weekly panel", "owner": "Head of SEND",
                   "due": "Autumn term 2023"}),
            Command::CreateActionInPlan(ActionInPlan {
                plan: p("APP1"),
                id: p("5.1"),
                workstream: p("WS5"),
                title: "Weekly panel".to_owned(),
                owner: "Head of SEND".to_owned(),
                due: p("Autumn term 2023"),
                success: vec![],
            }),
            None,
        ),
        (
            json!({"kind": "amend_measure", "id": "M1", "trajectory": ["2024-09-30=60%"]}),
            Command::AmendMeasure(AmendMeasure {
                id: p("M1"),
                definition: None,
                period: None,
                trajectory: Some(vec![TrajectoryInput {
                    on: p("2024-09-30"),
                    value: p("60"),
                    unit: Some("%".to_owned()),
                }]),
            }),
            None,
        ),
        (
            json!({"kind": "step_plan", "step": "submitted", "summary": "Sent to DfE"}),
            Command::StepPlan(StepPlan {
                plan: None,
                step: PlanStep::Submitted,
                summary: Some("Sent to DfE".to_owned()),
            }),
            None,
        ),
        (
            json!({"kind": "review_monitoring", "plan": "APP1", "by": "DfE", "summary": "Good",
                   "ended": ["WS5"]}),
            Command::ReviewMonitoring(MonitoringReviewed {
                plan: p("APP1"),
                by: "DfE".to_owned(),
                summary: "Good".to_owned(),
                continues: vec![],
                ended: vec![p("WS5")],
            }),
            None,
        ),
        (
            json!({"kind": "record_pack", "for": "APP review", "to": "DfE adviser",
                   "as_of": "2024-03-31", "events": 13, "head": "11".repeat(32),
                   "file_name": "pack.wsoa", "file_hash": "22".repeat(32), "size": 4096}),
            Command::RecordPack(PackSent {
                purpose: "APP review".to_owned(),
                to: "DfE adviser".to_owned(),
                as_of: p("2024-03-31"),
                events: 13,
                head: Digest([0x11; 32]),
                file_name: "pack.wsoa".to_owned(),
                file_hash: Digest([0x22; 32]),
                size: 4096,
            }),
            None,
        ),
    ];
    let kinds: BTreeSet<&str> = cases
        .iter()
        .filter_map(|(body, _, _)| body["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        CommandRequest::KINDS.iter().copied().collect(),
        "one example per kind"
    );
    for (body, expected, on) in cases {
        check(body, expected, on);
    }
}

#[test]
fn kinds_are_the_commands_in_their_order() {
    assert_eq!(
        CommandRequest::KINDS,
        [
            "open_ledger",
            "record_inspection",
            "record_weakness",
            "submit_plan",
            "accept_plan",
            "revise_plan",
            "create_workstream",
            "amend_workstream",
            "create_action",
            "amend_action",
            "change_action_status",
            "attach_evidence",
            "redact_evidence",
            "define_measure",
            "record_measure",
            "record_visit",
            "review_progress",
            "raise_risk",
            "update_risk",
            "close_risk",
            "schedule_revisit",
            "record_revisit_outcome",
            "add_note",
            "record_correction",
            "record_checkpoint",
            "create_action_with_deadline",
            "amend_action_with_deadline",
            "import_action",
            "add_inspection",
            "record_finding",
            "add_milestone",
            "milestone_met",
            "milestone_missed",
            "record_coproduction",
            "start_plan",
            "add_workstream",
            "create_action_in_plan",
            "step_plan",
            "review_monitoring",
            "define_measure_with_trajectory",
            "amend_measure",
            "record_pack",
        ]
    );
}

/// Random material from which one command of every kind is built.
#[derive(Debug, Clone)]
struct Parts {
    texts: [String; 6],
    ids: [String; 4],
    dates: [Date; 3],
    decimals: [Decimal; 2],
    digest: [u8; 32],
    number: u64,
    choices: [u8; 8],
    flags: [bool; 8],
}

/// Any text, with quotes, backslashes, newlines and non-ASCII letters made likely.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[a-z \"'\\\\\n\té€😀ŵ]{0,16}"]
}

fn id() -> impl Strategy<Value = String> {
    "[A-Za-z0-9]([A-Za-z0-9.-]{0,10}[A-Za-z0-9])?"
}

fn date() -> impl Strategy<Value = Date> {
    (1900u16..=9999, 1u8..=12, 1u8..=28)
        .prop_map(|(year, month, day)| Date::new(year, month, day).expect("days 1 to 28 exist"))
}

fn decimal() -> impl Strategy<Value = Decimal> {
    "[-+]?[0-9]{1,12}(\\.[0-9]{1,6})?".prop_map(|text| p(&text))
}

fn parts() -> impl Strategy<Value = Parts> {
    (
        prop::array::uniform6(text()),
        prop::array::uniform4(id()),
        prop::array::uniform3(date()),
        prop::array::uniform2(decimal()),
        any::<[u8; 32]>(),
        any::<u64>(),
        any::<[u8; 8]>(),
        any::<[bool; 8]>(),
    )
        .prop_map(
            |(texts, ids, dates, decimals, digest, number, choices, flags)| Parts {
                texts,
                ids,
                dates,
                decimals,
                digest,
                number,
                choices,
                flags,
            },
        )
}

fn pick<T: Copy>(all: &[T], choice: u8) -> T {
    all[usize::from(choice) % all.len()]
}

/// One command of every kind, from the parts; optional fields present or not as the flags say.
fn every_command(parts: &Parts) -> Vec<Command> {
    let [t0, t1, t2, t3, t4, t5] = parts.texts.clone();
    let [i0, i1, i2, i3] = parts.ids.clone();
    let [d0, d1, d2] = parts.dates;
    let [x0, x1] = parts.decimals.clone();
    let c = parts.choices;
    let f = parts.flags;
    let maybe = |flag: bool, text: &String| flag.then(|| text.clone());
    let subject = |choice: u8, id: &String| SubjectRef {
        kind: pick(
            &[
                None,
                Some(SubjectKind::Weakness),
                Some(SubjectKind::Workstream),
                Some(SubjectKind::Action),
                Some(SubjectKind::Measure),
                Some(SubjectKind::Evidence),
                Some(SubjectKind::Risk),
            ],
            choice,
        ),
        id: id.clone(),
    };
    let statuses = [
        Status::NotStarted,
        Status::InProgress,
        Status::Complete,
        Status::Blocked,
        Status::Withdrawn,
    ];
    let levels = [RiskLevel::Low, RiskLevel::Medium, RiskLevel::High];
    let kinds = [
        EvidenceKind::Document,
        EvidenceKind::Minutes,
        EvidenceKind::Audit,
        EvidenceKind::Survey,
        EvidenceKind::Training,
        EvidenceKind::CaseStudy,
        EvidenceKind::Dashboard,
        EvidenceKind::Policy,
        EvidenceKind::Feedback,
        EvidenceKind::Other,
    ];
    vec![
        Command::OpenLedger(LedgerOpened {
            area: t0.clone(),
            partners: vec![t1.clone(), t2.clone()],
        }),
        Command::RecordInspection(InspectionRecorded {
            inspectorates: if f[0] { Vec::new() } else { vec![t3.clone()] },
            from: d0,
            to: d1,
            published: d2,
        }),
        Command::RecordWeakness(WeaknessRecorded {
            id: p(&i0),
            title: t0.clone(),
            finding: maybe(f[1], &t1),
        }),
        Command::SubmitPlan {
            summary: maybe(f[2], &t2),
        },
        Command::AcceptPlan {
            summary: maybe(f[3], &t3),
        },
        Command::RevisePlan {
            summary: t4.clone(),
        },
        Command::CreateWorkstream(WorkstreamCreated {
            id: p(&i1),
            title: t0.clone(),
            sponsor: t1.clone(),
            weaknesses: vec![p(&i0), p(&i2)],
        }),
        Command::AmendWorkstream(WorkstreamAmended {
            id: p(&i1),
            title: maybe(f[0], &t2),
            sponsor: maybe(f[1], &t3),
            weaknesses: f[2].then(|| if f[3] { Vec::new() } else { vec![p(&i3)] }),
            reason: t5.clone(),
        }),
        Command::CreateAction(ActionCreated {
            id: p(&i2),
            workstream: p(&i1),
            title: t0.clone(),
            owner: t1.clone(),
            due: d0,
            success: vec![t2.clone(), t3.clone(), t4.clone()],
        }),
        Command::AmendAction(ActionAmended {
            id: p(&i2),
            title: maybe(f[4], &t0),
            owner: maybe(f[5], &t1),
            due: f[6].then_some(d1),
            reason: t2.clone(),
        }),
        Command::ChangeActionStatus(ActionStatusChanged {
            id: p(&i2),
            status: pick(&statuses, c[0]),
            rag: f[7].then(|| pick(&[Rag::Red, Rag::Amber, Rag::Green], c[1])),
            note: maybe(f[0], &t3),
        }),
        Command::AttachEvidence(AttachEvidence {
            id: f[1].then(|| p(&i3)),
            content_hash: Digest(parts.digest),
            file_name: t0.clone(),
            media_type: t1.clone(),
            size: parts.number,
            title: t2.clone(),
            kind: pick(&kinds, c[2]),
            supports: vec![subject(c[3], &i0), subject(c[4], &i1)],
        }),
        Command::RedactEvidence(EvidenceRedacted {
            id: p(&i3),
            reason: t3.clone(),
        }),
        Command::DefineMeasure(MeasureDefined {
            id: p(&i0),
            title: t0.clone(),
            unit: t1.clone(),
            baseline: x0.clone(),
            baseline_on: d0,
            target: x1.clone(),
            target_by: d2,
            better: pick(&[Direction::HigherIsBetter, Direction::LowerIsBetter], c[5]),
            weaknesses: vec![p(&i1)],
        }),
        Command::RecordMeasure(MeasureRecorded {
            id: p(&i0),
            value: x1,
            source: maybe(f[2], &t4),
        }),
        Command::RecordVisit(MonitoringVisitFeedback {
            by: t0.clone(),
            summary: maybe(f[3], &t1),
            strengths: vec![VisitPoint {
                text: t2.clone(),
                about: vec![p(&i1)],
            }],
            concerns: if f[4] {
                Vec::new()
            } else {
                vec![VisitPoint::general(t3.clone())]
            },
            next_steps: vec![
                VisitPoint::general(t4.clone()),
                VisitPoint::general(t5.clone()),
            ],
            letter: if f[4] { Some(p(&i0)) } else { None },
        }),
        Command::ReviewProgress(ProgressReviewed {
            forum: t0.clone(),
            assessments: vec![
                Assessment {
                    workstream: p(&i1),
                    rating: pick(&[Rating::OnTrack, Rating::AtRisk, Rating::OffTrack], c[6]),
                    note: maybe(f[5], &t1),
                },
                Assessment {
                    workstream: p(&i2),
                    rating: Rating::OffTrack,
                    note: None,
                },
            ],
        }),
        Command::RaiseRisk(RaiseRisk {
            id: p(&i3),
            title: t0.clone(),
            level: pick(&levels, c[7]),
            about: if f[6] {
                Vec::new()
            } else {
                vec![subject(c[0], &i2)]
            },
            mitigation: maybe(f[7], &t1),
        }),
        Command::UpdateRisk(RiskUpdated {
            id: p(&i3),
            level: f[0].then(|| pick(&levels, c[1])),
            mitigation: maybe(f[1], &t2),
            note: maybe(f[2], &t3),
        }),
        Command::CloseRisk(RiskClosed {
            id: p(&i3),
            reason: t4.clone(),
        }),
        Command::ScheduleRevisit(RevisitScheduled { from: d1, to: d2 }),
        Command::RecordRevisitOutcome(RevisitOutcomeRecorded {
            outcomes: vec![
                Outcome {
                    weakness: p(&i0),
                    progress: pick(&[Progress::Sufficient, Progress::Insufficient], c[2]),
                },
                Outcome {
                    weakness: p(&i1),
                    progress: Progress::Insufficient,
                },
            ],
        }),
        Command::AddNote(AddNote {
            about: subject(c[3], &i2),
            text: t0.clone(),
            from: maybe(f[3], &t1),
        }),
        Command::RecordCorrection(CorrectionRecorded {
            seq: parts.number,
            reason: t5,
        }),
        Command::RecordCheckpoint { note: t0.clone() },
        Command::CreateActionWithDeadline(ActionCreatedWithDeadline {
            id: p(&i2),
            workstream: p(&i1),
            title: t0.clone(),
            owner: t1.clone(),
            due: if f[1] {
                Deadline::On(d2)
            } else {
                Deadline::Written {
                    words: "Q3 2021/22".to_owned(),
                    date: p("2021-12-31"),
                }
            },
            success: vec![t2.clone()],
        }),
        Command::AmendActionWithDeadline(ActionAmendedWithDeadline {
            id: p(&i2),
            title: maybe(f[2], &t0),
            owner: maybe(f[3], &t1),
            due: f[6].then(|| Deadline::Recurring {
                words: "Termly".to_owned(),
                every: Recurrence::Termly,
            }),
            reason: t3,
        }),
        Command::ImportAction(ActionCreatedWithDeadline {
            id: p(&i2),
            workstream: p(&i1),
            title: t1.clone(),
            owner: t0.clone(),
            due: if f[4] {
                Deadline::On(d2)
            } else {
                Deadline::Written {
                    words: "Spring 2020".to_owned(),
                    date: p("2020-03-31"),
                }
            },
            success: vec![],
        }),
        Command::AddInspection(AddInspection {
            id: f[5].then(|| p(&i3)),
            framework: pick(&[Framework::Y2016, Framework::Y2023], c[5]),
            kind: pick(
                &[
                    InspectionKind::Full,
                    InspectionKind::Monitoring,
                    InspectionKind::Revisit,
                ],
                c[6],
            ),
            outcome: f[7].then(|| {
                pick(
                    &[
                        InspectionOutcome::Positive,
                        InspectionOutcome::Inconsistent,
                        InspectionOutcome::Systemic,
                    ],
                    c[7],
                )
            }),
            inspectorates: vec![t4.clone()],
            from: d0,
            to: d1,
            published: d2,
        }),
        Command::RecordFinding(AddFinding {
            id: p(&i0),
            inspection: f[4].then(|| p(&i3)),
            kind: pick(
                &[
                    FindingKind::Weakness,
                    FindingKind::PriorityAction,
                    FindingKind::Improvement,
                ],
                c[4],
            ),
            title: t0.clone(),
            finding: maybe(f[0], &t2),
        }),
        Command::AddMilestone(MilestoneAdded {
            action: p(&i1),
            id: p(&i2),
            title: t1.clone(),
            due: if f[3] {
                Deadline::On(d0)
            } else {
                Deadline::Written {
                    words: "March 2024".to_owned(),
                    date: p("2024-03-31"),
                }
            },
        }),
        Command::MeetMilestone(MilestoneMet {
            action: p(&i1),
            id: p(&i2),
            note: maybe(f[1], &t2),
        }),
        Command::MissMilestone(MilestoneMissed {
            action: p(&i1),
            id: p(&i2),
            reason: t1.clone(),
        }),
        Command::RecordCoproduction(CoproductionRecorded {
            about: p(&i0),
            said: t0.clone(),
            did: t1.clone(),
            difference: maybe(f[2], &t2),
            from: t4.clone(),
            respondents: f[6].then_some(parts.number),
        }),
        Command::StartPlan(PlanStarted {
            id: p(&i1),
            kind: pick(
                &[
                    PlanKind::Wsoa,
                    PlanKind::App,
                    PlanKind::PriorityActionPlan,
                    PlanKind::ImprovementPlan,
                ],
                c[5],
            ),
            title: t0.clone(),
            answers: vec![p(&i0), p(&i2)],
        }),
        Command::AddWorkstream(AddWorkstream {
            plan: f[3].then(|| p(&i3)),
            id: p(&i1),
            title: t1.clone(),
            sponsor: t2.clone(),
            weaknesses: vec![p(&i0)],
        }),
        Command::CreateActionInPlan(ActionInPlan {
            plan: p(&i3),
            id: p(&i2),
            workstream: p(&i1),
            title: parts.texts[3].clone(),
            owner: t4.clone(),
            due: Deadline::On(d0),
            success: vec![parts.texts[5].clone()],
        }),
        Command::StepPlan(StepPlan {
            plan: f[4].then(|| p(&i3)),
            step: pick(
                &[PlanStep::Submitted, PlanStep::Accepted, PlanStep::Revised],
                c[6],
            ),
            summary: maybe(f[5], &t1),
        }),
        Command::ReviewMonitoring(MonitoringReviewed {
            plan: p(&i3),
            by: t2.clone(),
            summary: parts.texts[3].clone(),
            continues: vec![p(&i0)],
            ended: if f[7] { vec![p(&i1)] } else { vec![] },
        }),
        Command::DefineMeasureWithTrajectory(DefineMeasure {
            id: p(&i0),
            title: t0.clone(),
            unit: "%".to_owned(),
            baseline: parts.decimals[0].clone(),
            baseline_on: d0,
            target: parts.decimals[1].clone(),
            target_by: d1,
            better: if f[0] {
                Direction::HigherIsBetter
            } else {
                Direction::LowerIsBetter
            },
            weaknesses: vec![p(&i1)],
            definition: maybe(f[1], &t2),
            period: f[2].then(|| pick(&Period::ALL, c[5])),
            trajectory: vec![TrajectoryInput {
                on: d2,
                value: parts.decimals[0].clone(),
                unit: f[3].then(|| "%".to_owned()),
            }],
        }),
        Command::AmendMeasure(AmendMeasure {
            id: p(&i0),
            definition: maybe(f[4], &t2),
            period: f[5].then(|| pick(&Period::ALL, c[6])),
            trajectory: f[6].then(|| {
                vec![TrajectoryInput {
                    on: d1,
                    value: parts.decimals[1].clone(),
                    unit: None,
                }]
            }),
        }),
        Command::RecordPack(PackSent {
            purpose: t0.clone(),
            to: t1.clone(),
            as_of: d0,
            events: parts.number,
            head: Digest(parts.digest),
            file_name: t4.clone(),
            file_hash: Digest(parts.digest),
            size: parts.number,
        }),
    ]
}

/// Given a core command, when it is sent (converted, written as JSON text, read back) and
/// parsed at the edge, then it is the same command on the same date.
fn round_trip(command: &Command, on: Option<Date>) {
    let request = CommandRequest::from(command).with_on(on);
    let text = serde_json::to_string(&request).expect("a request serialises");
    let read: CommandRequest =
        serde_json::from_str(&text).unwrap_or_else(|err| panic!("{text} should read back: {err}"));
    assert_eq!(read, request, "the JSON text of {command:?}");
    let (back, back_on) = read
        .into_command()
        .unwrap_or_else(|err| panic!("{text} should parse: {err}"));
    assert_eq!(&back, command, "{text}");
    assert_eq!(back_on, on, "{text}");
}

proptest! {
    #[test]
    fn every_command_round_trips_through_the_wire(
        parts in parts(),
        on in prop::option::of(date()),
    ) {
        let commands = every_command(&parts);
        let kinds: Vec<&str> = commands
            .iter()
            .map(|command| CommandRequest::from(command).kind())
            .collect();
        prop_assert_eq!(kinds.as_slice(), CommandRequest::KINDS);
        for command in &commands {
            round_trip(command, on);
        }
    }
}

#[test]
fn the_demo_story_round_trips_through_the_wire() {
    for step in wsoa_core::demo::story(None) {
        round_trip(&step.command, Some(step.occurred_on));
    }
}

#[test]
fn requests_are_written_with_their_kind_and_the_cli_words() {
    let command = Command::ChangeActionStatus(ActionStatusChanged {
        id: p("1.1"),
        status: Status::NotStarted,
        rag: Some(Rag::Red),
        note: None,
    });
    let request = CommandRequest::from(&command).with_on(Some(p("15/07/2021")));
    assert_eq!(request.on(), Some("2021-07-15"));
    assert_eq!(
        serde_json::to_value(&request).expect("serialises"),
        json!({"kind": "change_action_status", "on": "2021-07-15", "id": "1.1",
               "status": "not-started", "rag": "red", "note": null})
    );
    let evidence = Command::AttachEvidence(AttachEvidence {
        id: None,
        content_hash: Digest([0xab; 32]),
        file_name: "a.csv".to_owned(),
        media_type: "text/csv".to_owned(),
        size: 3,
        title: "Data".to_owned(),
        kind: EvidenceKind::CaseStudy,
        supports: vec![p("action:1.1"), p("W1")],
    });
    let value = serde_json::to_value(CommandRequest::from(&evidence)).expect("serialises");
    assert_eq!(value["kind"], "attach_evidence");
    assert_eq!(value["evidence_kind"], "case-study");
    assert_eq!(value["content_hash"], "ab".repeat(32));
    assert_eq!(value["supports"], json!(["action:1.1", "W1"]));
}

/// Given a JSON body, when the server reads and parses it, then it is refused, with a message
/// containing every one of `fragments`.
fn refused(body: &str, fragments: &[&str]) {
    let message = match CommandRequest::from_json(body.as_bytes()) {
        Err(err) => err.to_string(),
        Ok(request) => match request.into_command() {
            Err(err) => err.to_string(),
            Ok(command) => panic!("{body} should be refused, but parsed as {command:?}"),
        },
    };
    for fragment in fragments {
        assert!(
            message.contains(fragment),
            "refusing {body}: '{message}' should contain '{fragment}'"
        );
    }
}

#[test]
fn unknown_fields_are_refused_by_name() {
    let cases: [(&str, &[&str]); 5] = [
        (
            r#"{"kind": "close_risk", "id": "R1", "reason": "Done", "colour": "red"}"#,
            &["field 'colour'", "close_risk", "id, reason"],
        ),
        (
            // The evidence's own kind is `evidence_kind`: `kind` names the command.
            r#"{"kind": "redact_evidence", "id": "E1", "reason": "DPA", "evidence_kind": "audit"}"#,
            &["field 'evidence_kind'", "redact_evidence"],
        ),
        (
            r#"{"kind": "submit_plan", "summery": "v1"}"#,
            &["field 'summery'", "on, summary"],
        ),
        (
            r#"{"kind": "review_progress", "forum": "Board",
                "assessments": [{"workstream": "WS1", "rating": "on-track", "rag": "red"}]}"#,
            &[
                "field 'assessments'",
                "unknown field `rag`",
                "`workstream`, `rating`",
            ],
        ),
        (
            r#"{"kind": "record_revisit_outcome",
                "outcomes": [{"weakness": "W1", "progress": "sufficient", "date": "2022-10-14"}]}"#,
            &["unknown field `date`"],
        ),
    ];
    for (body, fragments) in cases {
        refused(body, fragments);
    }
    // The per-kind structs refuse unknown fields on their own too (a multipart upload's fields
    // may be read straight into one).
    let err = serde_json::from_str::<AttachEvidenceRequest>(
        r#"{"file_name": "a", "media_type": "b", "title": "c", "supports": ["W1"], "extra": 1}"#,
    )
    .expect_err("an unknown field is refused");
    assert!(err.to_string().contains("unknown field `extra`"), "{err}");
}

#[test]
fn malformed_values_are_refused_naming_the_field() {
    let cases: [(&str, &[&str]); 21] = [
        // Bodies that are not commands.
        (
            r#"["create_action"]"#,
            &["a JSON object with a 'kind' field", "not an array"],
        ),
        (
            r#"{"id": "R1"}"#,
            &["field 'kind' is missing", "close_risk"],
        ),
        (
            r#"{"kind": 7}"#,
            &["field 'kind'", "a number", "open_ledger"],
        ),
        (
            r#"{"kind": "delete_everything"}"#,
            &["field 'kind'", "'delete_everything'", "add_note"],
        ),
        (
            r#"{"kind": "close_risk", "id": "R1"}"#,
            &["close_risk", "missing field `reason`"],
        ),
        ("{\"kind\": \"close_risk\", ", &["EOF"]),
        // Wrong JSON types.
        (
            r#"{"kind": "create_action", "id": "1.1", "workstream": "WS1", "title": "t",
                "owner": "o", "due": 20211231}"#,
            &[
                "field 'due'",
                "invalid type: integer `20211231`, expected a string",
            ],
        ),
        (
            r#"{"kind": "record_correction", "seq": "41", "reason": "r"}"#,
            &["field 'seq'", "expected u64"],
        ),
        (
            r#"{"kind": "record_correction", "seq": -1, "reason": "r"}"#,
            &["field 'seq'", "-1"],
        ),
        (
            r#"{"kind": "create_workstream", "id": "WS1", "title": "t", "sponsor": "s",
                "weaknesses": "W1"}"#,
            &["field 'weaknesses'", "expected a sequence"],
        ),
        (
            r#"{"kind": "record_measure", "id": "M1", "value": 63}"#,
            &["field 'value'", "expected a string"],
        ),
        (
            r#"{"kind": "submit_plan", "on": 20210730}"#,
            &["field 'on'", "expected a string"],
        ),
        // Values of the right type but the wrong form.
        (
            r#"{"kind": "create_action", "id": "1.1", "workstream": "WS1", "title": "t",
                "owner": "o", "due": "2021-13-01"}"#,
            &["field 'due': '2021-13-01' is not a date: "],
        ),
        (
            r#"{"kind": "submit_plan", "on": "31/06/2021"}"#,
            &["field 'on'", "'31/06/2021' is not a date", "does not exist"],
        ),
        (
            r#"{"kind": "change_action_status", "id": "1.1", "status": "done"}"#,
            &[
                "field 'status'",
                "'done' is not a valid status",
                "in-progress",
            ],
        ),
        (
            r#"{"kind": "change_action_status", "id": "2.3 a", "status": "complete"}"#,
            &[
                "field 'id'",
                "'2.3 a' is not a valid action id",
                "it contains a space",
            ],
        ),
        (
            r#"{"kind": "define_measure", "id": "M1", "title": "t", "unit": "%",
                "baseline": "12%", "baseline_on": "2018-08-31", "target": "60",
                "target_by": "2019-12-31", "weaknesses": ["W1"]}"#,
            &["field 'baseline'", "'12%' is not a decimal number"],
        ),
        (
            r#"{"kind": "review_progress", "forum": "Board", "assessments": [
                {"workstream": "WS1", "rating": "on-track"},
                {"workstream": "WS2", "rating": "wobbly"}]}"#,
            &["field 'assessments[1].rating'", "'wobbly'", "off-track"],
        ),
        (
            r#"{"kind": "add_note", "about": "task:1.1", "text": "t"}"#,
            &["field 'about'", "'task'", "action:1.1"],
        ),
        (
            r#"{"kind": "attach_evidence", "content_hash": "abc", "size": 3, "file_name": "a",
                "media_type": "b", "title": "c", "supports": ["W1"]}"#,
            &[
                "field 'content_hash'",
                "'abc' is not a hash",
                "64 hexadecimal digits",
            ],
        ),
        (
            r#"{"kind": "attach_evidence", "file_name": "a", "media_type": "b", "title": "c",
                "supports": ["W1"]}"#,
            &["field 'content_hash' is missing", "multipart"],
        ),
    ];
    for (body, fragments) in cases {
        refused(body, fragments);
    }
}

#[test]
fn a_wire_error_says_which_field_and_what_was_given() {
    let request = CommandRequest::from_json(
        br#"{"kind": "schedule_revisit", "from": "2022-09-01", "to": "30/02/2022"}"#,
    )
    .expect("the body is well formed");
    let err = request
        .into_command()
        .expect_err("30 February does not exist");
    match &err {
        WireError::Field { field, error } => {
            assert_eq!(field, "to");
            assert!(error.to_string().contains("'30/02/2022'"), "{error}");
        }
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[test]
fn recorded_events_decode_back_to_the_sealed_events() {
    let ledger = wsoa_core::demo::in_memory(None);
    let mut evidence = 0;
    for sealed in ledger.sealed() {
        // Given a sealed event, when the server sends it and a client reads the response,
        let recorded = RecordedEvent::new(&sealed.event, &sealed.bytes, sealed.hash);
        let text = serde_json::to_string(&recorded).expect("serialises");
        let read: RecordedEvent = serde_json::from_str(&text).expect("reads back");
        assert_eq!(read, recorded);
        // then the client gets exactly the event and hash that were sealed.
        let (event, hash) = read
            .decode()
            .unwrap_or_else(|err| panic!("event {}: {err}", sealed.event.seq));
        assert_eq!(event, sealed.event);
        assert_eq!(hash, sealed.hash);
        assert_eq!(recorded.kind, sealed.event.body.kind());
        assert_eq!(recorded.id, recorded_id(&sealed.event.body));
        if let EventBody::EvidenceAttached(attached) = &sealed.event.body {
            evidence += 1;
            assert_eq!(recorded.content_hash, Some(attached.content_hash.to_hex()));
            assert_eq!(recorded.size, Some(attached.size));
        } else {
            assert!(!text.contains("content_hash"), "{text}");
        }
    }
    assert!(evidence > 0, "the demo story attaches evidence");
}

#[test]
fn a_recorded_event_reads_as_the_cli_prints_it() {
    let ledger = wsoa_core::demo::in_memory(None);
    let sealed = ledger
        .sealed()
        .iter()
        .find(|sealed| matches!(sealed.event.body, EventBody::ActionCreated(_)))
        .expect("the demo creates actions");
    let value = serde_json::to_value(RecordedEvent::new(
        &sealed.event,
        &sealed.bytes,
        sealed.hash,
    ))
    .expect("serialises");
    let EventBody::ActionCreated(created) = &sealed.event.body else {
        unreachable!("found above");
    };
    assert_eq!(value["seq"], sealed.event.seq);
    assert_eq!(value["hash"], sealed.hash.to_hex());
    assert_eq!(value["kind"], "action_created");
    assert_eq!(value["occurred_on"], sealed.event.occurred_on.to_string());
    assert_eq!(value["recorded_at"], sealed.event.recorded_at);
    assert_eq!(
        value["actor"],
        json!({"name": sealed.event.actor.name, "role": sealed.event.actor.role.as_str()})
    );
    assert_eq!(value["id"], created.id.to_string());
    assert_eq!(value["bytes"], hex::encode(&sealed.bytes));
}

#[test]
fn tampered_recorded_events_are_refused() {
    let ledger = wsoa_core::demo::in_memory(None);
    let sealed = ledger
        .sealed()
        .iter()
        .find(|sealed| matches!(sealed.event.body, EventBody::EvidenceAttached(_)))
        .expect("the demo attaches evidence");
    let good = RecordedEvent::new(&sealed.event, &sealed.bytes, sealed.hash);
    let mut flipped = sealed.bytes.clone();
    flipped[10] ^= 1;
    // Bytes and hash replaced together: the hash matches, but the bytes are not one event.
    let mut trailing = sealed.bytes.clone();
    trailing.push(0);
    let not_an_event = RecordedEvent {
        hash: chain_hash(&trailing).to_hex(),
        bytes: hex::encode(&trailing),
        ..good.clone()
    };
    type Tamper = Box<dyn Fn(RecordedEvent) -> RecordedEvent>;
    let cases: Vec<(&str, Tamper, &[&str])> = vec![
        (
            "a flipped bit in the bytes",
            Box::new(move |r| RecordedEvent {
                bytes: hex::encode(&flipped),
                ..r
            }),
            &["field 'hash'", "the response was altered"],
        ),
        (
            "another hash",
            Box::new(|r| RecordedEvent {
                hash: Digest([7; 32]).to_hex(),
                ..r
            }),
            &["field 'hash' is 0707", "hash to"],
        ),
        (
            "a hash that is not hex",
            Box::new(|r| RecordedEvent {
                hash: "not a hash".to_owned(),
                ..r
            }),
            &["field 'hash'", "'not a hash' is not a hash"],
        ),
        (
            "bytes that are not hex",
            Box::new(|r| RecordedEvent {
                bytes: "zz".to_owned(),
                ..r
            }),
            &["field 'bytes'", "hexadecimal"],
        ),
        (
            "bytes and hash both replaced by a non-event",
            Box::new(move |_| not_an_event.clone()),
            &[
                "field 'bytes' does not hold a canonical event",
                "ends at byte",
            ],
        ),
        (
            "another seq",
            Box::new(|r| RecordedEvent {
                seq: r.seq + 1,
                ..r
            }),
            &["field 'seq' says", "the event's bytes say"],
        ),
        (
            "another kind",
            Box::new(|r| RecordedEvent {
                kind: "risk_closed".to_owned(),
                ..r
            }),
            &["field 'kind'", "risk_closed", "evidence_attached"],
        ),
        (
            "another id",
            Box::new(|r| RecordedEvent {
                id: Some("E999".to_owned()),
                ..r
            }),
            &["field 'id'", "E999"],
        ),
        (
            "no content hash",
            Box::new(|r| RecordedEvent {
                content_hash: None,
                ..r
            }),
            &["field 'content_hash' says nothing"],
        ),
        (
            "another role",
            Box::new(|r| RecordedEvent {
                actor: wsoa_api::wire::RecordedActor {
                    role: "admin".to_owned(),
                    ..r.actor.clone()
                },
                ..r
            }),
            &["field 'actor'", "admin"],
        ),
    ];
    assert!(good.decode().is_ok(), "the untampered event decodes");
    for (what, tamper, fragments) in cases {
        let message = tamper(good.clone())
            .decode()
            .map(|(event, _)| panic!("{what}: should be refused, decoded {event:?}"))
            .expect_err("refused")
            .to_string();
        for fragment in fragments {
            assert!(
                message.contains(fragment),
                "{what}: '{message}' should contain '{fragment}'"
            );
        }
    }
}

#[test]
fn the_openapi_document_describes_every_kind() {
    #[derive(OpenApi)]
    #[openapi(components(schemas(CommandRequest, RecordedEvent)))]
    struct Doc;
    let document = Doc::openapi().to_json().expect("the document serialises");
    let document: serde_json::Value = serde_json::from_str(&document).expect("it is JSON");
    let schemas = &document["components"]["schemas"];
    let variants = schemas["CommandRequest"]["oneOf"]
        .as_array()
        .expect("CommandRequest is one of the kinds");
    let titles: Vec<&str> = variants
        .iter()
        .filter_map(|variant| variant["title"].as_str())
        .collect();
    assert_eq!(titles, CommandRequest::KINDS);
    for (variant, kind) in variants.iter().zip(CommandRequest::KINDS) {
        // Each kind is one closed object with `kind` among its properties, so that a strict
        // validator accepts exactly the bodies the server accepts.
        assert_eq!(variant["type"], "object", "{kind}");
        assert_eq!(variant["additionalProperties"], false, "{kind}");
        assert_eq!(variant["properties"]["kind"]["enum"], json!([kind]));
        assert_eq!(variant["required"][0], "kind", "{kind}");
        assert_eq!(variant["properties"]["on"]["example"], "2021-07-15");
    }
    let evidence = &variants[11]["properties"];
    assert_eq!(evidence["evidence_kind"]["type"], "string");
    assert_eq!(evidence["content_hash"]["type"], json!(["string", "null"]));
    assert!(
        schemas["AssessmentRequest"].is_object(),
        "nested types are components"
    );
    assert!(
        schemas["OutcomeRequest"].is_object(),
        "nested types are components"
    );
    assert!(schemas["RecordedEvent"]["properties"]["bytes"].is_object());
    assert!(schemas["RecordedActor"].is_object());
}
