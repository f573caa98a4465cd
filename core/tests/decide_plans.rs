//! Given/when/then tests of plans answering findings and of monitoring reviews: a plan answers
//! recorded findings with a new id; workstreams belong to one plan (by default the latest
//! started); a ledger with no plan started keeps recording its WSoA exactly as before; monitoring
//! continues or ends only for a workstream of the plan reviewed, and ends once.

use wsoa_core::command::{ActionInPlan, AddWorkstream, StepPlan};
use wsoa_core::decide::When;
use wsoa_core::event::{
    ActionCreated, InspectionRecorded, LedgerOpened, MonitoringReviewed, PlanKind, PlanStarted,
    PlanStep, PlanStepRecorded, PlanSubmitted, WeaknessRecorded, WorkstreamCreated,
    WorkstreamCreatedInPlan,
};
use wsoa_core::plan::Plan;
use wsoa_core::{
    Actor, Command, Date, Deadline, Digest, Event, EventBody, FORMAT_VERSION, PlanId, Rejection,
    Role, State, WeaknessId, WorkstreamId, decide,
};

fn date(text: &str) -> Date {
    text.parse().expect("a date")
}

fn now() -> When {
    When {
        occurred_on: date("2023-03-01"),
        today: date("2023-03-02"),
    }
}

fn w(id: &str) -> WeaknessId {
    id.parse().expect("an id")
}

fn ws(id: &str) -> WorkstreamId {
    id.parse().expect("an id")
}

fn p(id: &str) -> PlanId {
    id.parse().expect("an id")
}

/// Decides and applies `commands` in order; panics if any is refused.
fn history(commands: &[Command]) -> (State, Vec<Event>) {
    history_on(commands, |_| now().occurred_on)
}

/// `history`, each command happening on the day `day` gives for its position.
fn history_on(commands: &[Command], day: impl Fn(usize) -> Date) -> (State, Vec<Event>) {
    let mut state = State::default();
    let mut events = Vec::new();
    for (n, command) in (0_i64..).zip(commands) {
        let when = When {
            occurred_on: day(events.len()),
            today: now().today,
        };
        let body = decide(&state, command, when)
            .unwrap_or_else(|rejection| panic!("given command {n} was refused: {rejection}"));
        let event = Event {
            format: FORMAT_VERSION,
            seq: state.len,
            prev: Digest::ZERO,
            recorded_at: 1_677_672_000_000 + n * 60_000,
            occurred_on: when.occurred_on,
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

fn when(given: &[Command], command: &Command) -> Result<EventBody, Rejection> {
    decide(&history(given).0, command, now())
}

#[track_caller]
fn refused(given: &[Command], command: &Command, words: &[&str]) -> Rejection {
    let rejection = when(given, command).expect_err("the command is refused");
    let message = rejection.to_string();
    for word in words {
        assert!(
            message.contains(word),
            "the message {message:?} should mention {word:?}"
        );
    }
    rejection
}

fn workstream(id: &str, weaknesses: &[&str]) -> WorkstreamCreated {
    WorkstreamCreated {
        id: ws(id),
        title: format!("Workstream {id}"),
        sponsor: "Director of Children's Services".to_owned(),
        weaknesses: weaknesses.iter().map(|id| w(id)).collect(),
    }
}

fn in_plan(plan: Option<&str>, id: &str, weaknesses: &[&str]) -> Command {
    let e = workstream(id, weaknesses);
    Command::AddWorkstream(AddWorkstream {
        plan: plan.map(p),
        id: e.id,
        title: e.title,
        sponsor: e.sponsor,
        weaknesses: e.weaknesses,
    })
}

fn start(id: &str, kind: PlanKind, answers: &[&str]) -> Command {
    Command::StartPlan(PlanStarted {
        id: p(id),
        kind,
        title: format!("Plan {id}"),
        answers: answers.iter().map(|id| w(id)).collect(),
    })
}

fn review(plan: &str, continues: &[&str], ended: &[&str]) -> Command {
    Command::ReviewMonitoring(MonitoringReviewed {
        plan: p(plan),
        by: "DfE and NHS England advisers".to_owned(),
        summary: "Progress reviewed".to_owned(),
        continues: continues.iter().map(|id| ws(id)).collect(),
        ended: ended.iter().map(|id| ws(id)).collect(),
    })
}

/// A WSoA of three weaknesses, WS1 answering W1, accepted: a ledger from before plans.
fn wsoa() -> Vec<Command> {
    vec![
        Command::OpenLedger(LedgerOpened {
            area: "Northshire local area".to_owned(),
            partners: vec![],
        }),
        Command::RecordInspection(InspectionRecorded {
            inspectorates: vec!["Ofsted".to_owned(), "CQC".to_owned()],
            from: date("2019-03-04"),
            to: date("2019-03-08"),
            published: date("2019-04-20"),
        }),
        Command::RecordWeakness(WeaknessRecorded {
            id: w("W1"),
            title: "Quality assurance".to_owned(),
            finding: None,
        }),
        Command::RecordWeakness(WeaknessRecorded {
            id: w("W2"),
            title: "Timeliness of EHC plans".to_owned(),
            finding: None,
        }),
        Command::RecordWeakness(WeaknessRecorded {
            id: w("W3"),
            title: "Local Offer".to_owned(),
            finding: None,
        }),
        Command::CreateWorkstream(workstream("WS1", &["W1"])),
        Command::SubmitPlan { summary: None },
        Command::AcceptPlan { summary: None },
    ]
}

/// The WSoA, then APP1 answering W2 and W3 with WS5 (W2) and WS6 (W3).
fn app() -> Vec<Command> {
    let mut commands = wsoa();
    commands.extend([
        start("APP1", PlanKind::App, &["W2", "W3"]),
        in_plan(Some("APP1"), "WS5", &["W2"]),
        in_plan(None, "WS6", &["W3"]),
    ]);
    commands
}

#[test]
fn a_ledger_with_no_plan_started_records_its_wsoa_as_before() {
    let given = wsoa();
    // A workstream with no plan is still `WorkstreamCreated`, with or without `--plan WSoA`.
    let created = EventBody::WorkstreamCreated(workstream("WS2", &["W2"]));
    assert_eq!(
        when(
            &given,
            &Command::CreateWorkstream(workstream("WS2", &["W2"]))
        ),
        Ok(created.clone())
    );
    assert_eq!(
        when(&given, &in_plan(Some("WSoA"), "WS2", &["W2"])),
        Ok(created)
    );
    // A step of the statement is still `PlanRevised`.
    assert_eq!(
        when(
            &given,
            &Command::StepPlan(StepPlan {
                plan: None,
                step: PlanStep::Revised,
                summary: Some("More detail".to_owned()),
            })
        ),
        Ok(EventBody::PlanRevised(wsoa_core::event::PlanRevised {
            version: 2,
            summary: "More detail".to_owned(),
        }))
    );
    // The fold shows one implicit plan, the WSoA, answering every weakness and holding WS1.
    let plan = Plan::from_events(&history(&given).1);
    assert_eq!(plan.plans.len(), 1);
    let wsoa = &plan.plans[0];
    assert!(wsoa.implicit);
    assert_eq!(wsoa.id, "WSoA");
    assert_eq!(wsoa.kind, PlanKind::Wsoa);
    assert_eq!(wsoa.answers, ["W1", "W2", "W3"]);
    assert_eq!(wsoa.workstreams, ["WS1"]);
    assert_eq!(wsoa.stage, "accepted");
    assert!(!plan.has_started_plans());
}

#[test]
fn a_plan_answers_recorded_findings_with_a_new_id() {
    let given = wsoa();
    assert_eq!(
        when(&given, &start("APP1", PlanKind::App, &["W2", "W3"])),
        Ok(EventBody::PlanStarted(PlanStarted {
            id: p("APP1"),
            kind: PlanKind::App,
            title: "Plan APP1".to_owned(),
            answers: vec![w("W2"), w("W3")],
        }))
    );
    let unknown = refused(
        &given,
        &start("APP1", PlanKind::App, &["W9"]),
        &["there is no weakness W9", "W1, W2, W3"],
    );
    assert!(unknown.is_not_found());
    refused(
        &given,
        &start("APP1", PlanKind::App, &[]),
        &["the plan answers no finding", "give at least one"],
    );
    refused(
        &given,
        &start("APP1", PlanKind::App, &["W2", "W2"]),
        &["finding W2 is named twice"],
    );
    let mut twice = given.clone();
    twice.push(start("APP1", PlanKind::App, &["W2"]));
    let duplicate = refused(
        &twice,
        &start("APP1", PlanKind::PriorityActionPlan, &["W3"]),
        &["plan APP1 already exists (recorded in event 8)"],
    );
    assert!(duplicate.is_conflict());
    refused(
        &given,
        &start("WSoA", PlanKind::Wsoa, &["W2"]),
        &[
            "WSoA is the id of the ledger's own Written Statement of Action",
            "another id",
        ],
    );
}

#[test]
fn a_workstream_belongs_to_the_latest_plan_started_unless_told_and_answers_its_findings() {
    let mut given = wsoa();
    given.push(start("APP1", PlanKind::App, &["W2", "W3"]));
    let expected = EventBody::WorkstreamCreatedInPlan(WorkstreamCreatedInPlan {
        id: ws("WS5"),
        title: "Workstream WS5".to_owned(),
        sponsor: "Director of Children's Services".to_owned(),
        weaknesses: vec![w("W2")],
        plan: p("APP1"),
    });
    // By default, the latest plan started, whether asked through `CreateWorkstream` or not.
    assert_eq!(
        when(&given, &in_plan(None, "WS5", &["W2"])),
        Ok(expected.clone())
    );
    assert_eq!(
        when(
            &given,
            &Command::CreateWorkstream(workstream("WS5", &["W2"]))
        ),
        Ok(expected)
    );
    // The WSoA is still there to add to, by name.
    assert_eq!(
        when(&given, &in_plan(Some("WSoA"), "WS2", &["W1"])),
        Ok(EventBody::WorkstreamCreated(workstream("WS2", &["W1"])))
    );
    refused(
        &given,
        &in_plan(None, "WS5", &["W1"]),
        &[
            "workstream WS5 of plan APP1 would answer W1, which plan APP1 does not answer",
            "plan APP1 answers W2, W3",
        ],
    );
    let unknown = refused(
        &given,
        &in_plan(Some("PAP1"), "WS5", &["W2"]),
        &["there is no plan PAP1", "WSoA, APP1", "start one first"],
    );
    assert!(unknown.is_not_found());
    refused(
        &given,
        &in_plan(Some("APP1"), "WS1", &["W2"]),
        &["workstream WS1 already exists"],
    );
}

#[test]
fn an_action_named_with_a_plan_must_be_of_a_workstream_of_that_plan() {
    let given = app();
    let action = |plan: &str, workstream: &str| {
        Command::CreateActionInPlan(ActionInPlan {
            plan: p(plan),
            id: "5.1".parse().expect("id"),
            workstream: ws(workstream),
            title: "Weekly EHC plan panel".to_owned(),
            owner: "Head of SEND".to_owned(),
            due: Deadline::On(date("2023-09-30")),
            success: vec![],
        })
    };
    assert_eq!(
        when(&given, &action("APP1", "WS5")),
        Ok(EventBody::ActionCreated(ActionCreated {
            id: "5.1".parse().expect("id"),
            workstream: ws("WS5"),
            title: "Weekly EHC plan panel".to_owned(),
            owner: "Head of SEND".to_owned(),
            due: date("2023-09-30"),
            success: vec![],
        }))
    );
    assert!(when(&given, &action("WSoA", "WS1")).is_ok());
    refused(
        &given,
        &action("APP1", "WS1"),
        &[
            "workstream WS1 belongs to plan WSoA, not APP1",
            "choose plan WSoA",
        ],
    );
    refused(
        &given,
        &action("WSoA", "WS5"),
        &["workstream WS5 belongs to plan APP1, not WSoA"],
    );
}

#[test]
fn a_started_plan_is_submitted_accepted_and_revised_on_its_own() {
    let given = app();
    let step = |plan: Option<&str>, step: PlanStep, summary: Option<&str>| {
        Command::StepPlan(StepPlan {
            plan: plan.map(p),
            step,
            summary: summary.map(str::to_owned),
        })
    };
    // `plan submit` with no plan submits the latest plan started.
    let submitted = EventBody::PlanStepRecorded(PlanStepRecorded {
        plan: p("APP1"),
        step: PlanStep::Submitted,
        version: 1,
        summary: None,
    });
    assert_eq!(
        when(&given, &Command::SubmitPlan { summary: None }),
        Ok(submitted.clone())
    );
    assert_eq!(
        when(&given, &step(Some("APP1"), PlanStep::Submitted, None)),
        Ok(submitted)
    );
    refused(
        &given,
        &step(Some("APP1"), PlanStep::Accepted, None),
        &[
            "version 1 of plan APP1 has not been submitted",
            "record its submission first",
        ],
    );
    // The WSoA keeps its own stage: accepted, so it can be revised, as version 2.
    assert_eq!(
        when(
            &given,
            &step(Some("WSoA"), PlanStep::Revised, Some("Refreshed"))
        ),
        Ok(EventBody::PlanRevised(wsoa_core::event::PlanRevised {
            version: 2,
            summary: "Refreshed".to_owned(),
        }))
    );
    refused(
        &given,
        &step(Some("WSoA"), PlanStep::Submitted, None),
        &["version 1 of the statement was accepted"],
    );
    let mut submitted = given.clone();
    submitted.push(step(Some("APP1"), PlanStep::Submitted, None));
    refused(
        &submitted,
        &step(Some("APP1"), PlanStep::Submitted, None),
        &["version 1 of plan APP1 is already submitted"],
    );
    refused(
        &submitted,
        &step(Some("APP1"), PlanStep::Revised, None),
        &["the summary of the revision must not be empty"],
    );
    submitted.push(step(
        Some("APP1"),
        PlanStep::Revised,
        Some("Milestones added"),
    ));
    let (state, events) = history(&submitted);
    assert_eq!(state.plans[&p("APP1")].version, 2);
    let plan = Plan::from_events(&events);
    let app1 = plan.plan("APP1").expect("APP1");
    assert_eq!((app1.version, app1.stage.as_str()), (2, "draft"));
    assert!(app1.submitted.is_some());
    let wsoa = plan.plan("WSoA").expect("the WSoA");
    assert_eq!(wsoa.stage, "accepted", "the WSoA's own stage is unchanged");
    assert_eq!(
        plan.statement.as_ref().map(|s| s.history.len()),
        Some(2),
        "the statement's history holds only the WSoA's steps"
    );
    // An old submission event still reads as the WSoA's.
    assert!(matches!(
        events[6].body,
        EventBody::PlanSubmitted(PlanSubmitted { version: 1, .. })
    ));
}

#[test]
fn monitoring_continues_or_ends_only_for_a_workstream_of_the_plan_and_ends_once() {
    let given = app();
    let accepted = review("APP1", &["WS6"], &["WS5"]);
    assert_eq!(
        when(&given, &accepted),
        Ok(EventBody::MonitoringReviewed(MonitoringReviewed {
            plan: p("APP1"),
            by: "DfE and NHS England advisers".to_owned(),
            summary: "Progress reviewed".to_owned(),
            continues: vec![ws("WS6")],
            ended: vec![ws("WS5")],
        }))
    );
    refused(
        &given,
        &review("APP1", &[], &["WS1"]),
        &[
            "workstream WS1 belongs to plan WSoA, not APP1",
            "only for that plan's workstreams",
        ],
    );
    refused(
        &given,
        &review("WSoA", &["WS5"], &[]),
        &["workstream WS5 belongs to plan APP1, not WSoA"],
    );
    refused(
        &given,
        &review("APP1", &[], &["WS9"]),
        &["there is no workstream WS9"],
    );
    refused(
        &given,
        &review("APP2", &[], &["WS5"]),
        &["there is no plan APP2"],
    );
    refused(
        &given,
        &review("APP1", &["WS5"], &["WS5"]),
        &["workstream WS5 is named twice"],
    );
    let mut ended = given.clone();
    ended.push(accepted);
    let again = refused(
        &ended,
        &review("APP1", &[], &["WS5"]),
        &[
            "monitoring of workstream WS5 already ended (event 11)",
            "cannot end again",
        ],
    );
    assert!(matches!(again, Rejection::WrongStage(_)));
    refused(
        &ended,
        &review("APP1", &["WS5"], &[]),
        &["monitoring of workstream WS5 ended (event 11), so it cannot continue"],
    );
    // WS6 may still end later; the WSoA may be reviewed for its own workstream.
    assert!(when(&ended, &review("APP1", &[], &["WS6"])).is_ok());
    assert!(when(&ended, &review("WSoA", &[], &["WS1"])).is_ok());
    // The WSoA's id is read in any case, and recorded as the ledger writes it.
    match when(&ended, &review("wsoa", &[], &["WS1"])) {
        Ok(EventBody::MonitoringReviewed(e)) => assert_eq!(e.plan.as_str(), "WSoA"),
        other => panic!("a review of the WSoA is recorded: {other:?}"),
    }
}

#[test]
fn the_plan_view_shows_which_workstreams_are_still_monitored() {
    let mut commands = app();
    commands.push(review("APP1", &["WS6"], &["WS5"]));
    let (_, events) = history(&commands);
    let plan = Plan::from_events(&events);
    assert!(plan.has_started_plans());
    assert_eq!(
        plan.plans.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
        ["WSoA", "APP1"]
    );
    let app1 = plan.plan("APP1").expect("APP1");
    assert_eq!(app1.kind.name(), "Accelerated Progress Plan");
    assert_eq!(app1.answers, ["W2", "W3"]);
    assert_eq!(app1.workstreams, ["WS5", "WS6"]);
    assert_eq!(app1.monitored().collect::<Vec<_>>(), ["WS6"]);
    assert_eq!(app1.monitoring_ended.len(), 1);
    assert_eq!(app1.monitoring_ended[0].0, "WS5");
    assert_eq!(app1.monitoring_ended[0].1.seq, 11);
    assert_eq!(app1.reviews.len(), 1);
    assert_eq!(plan.plan_of("WS5").map(|p| p.id.as_str()), Some("APP1"));
    assert_eq!(plan.plan_of("WS1").map(|p| p.id.as_str()), Some("WSoA"));
    assert_eq!(
        plan.workstream("WS5").and_then(|w| w.plan.as_deref()),
        Some("APP1")
    );
    // The plan survives a kept snapshot's JSON round trip.
    let json = serde_json::to_string(&plan).expect("json");
    let back: Plan = serde_json::from_str::<Plan>(&json)
        .expect("read back")
        .reindexed();
    assert_eq!(back, plan);
}

#[test]
fn show_lists_plans_with_their_findings_and_monitoring_once_a_plan_is_started() {
    // Before a plan is started, show says nothing new.
    let (_, events) = history(&wsoa());
    let before = Plan::from_events(&events);
    assert!(
        wsoa_core::show::view(&before, date("2023-03-02"))
            .plans
            .is_empty()
    );
    assert!(!wsoa_core::show::text(&before, date("2023-03-02")).contains("Plans:"));

    let mut commands = app();
    commands.push(review("APP1", &["WS6"], &["WS5"]));
    let (_, events) = history(&commands);
    let plan = Plan::from_events(&events);
    let view = wsoa_core::show::view(&plan, date("2023-03-02"));
    let json = serde_json::to_value(&view).expect("json");
    let plans = json["plans"].as_array().expect("plans listed");
    assert_eq!(plans.len(), 2);
    assert_eq!(plans[0]["id"], "WSoA");
    assert_eq!(plans[0]["kind"], "Written Statement of Action");
    assert_eq!(plans[0]["stage"], "accepted");
    assert_eq!(plans[1]["id"], "APP1");
    assert_eq!(plans[1]["kind"], "Accelerated Progress Plan");
    assert_eq!(plans[1]["answers"], serde_json::json!(["W2", "W3"]));
    assert_eq!(
        plans[1]["workstreams"],
        serde_json::json!([
            {"id": "WS5", "title": "Workstream WS5", "monitored": false,
             "monitoring_ended": "2023-03-01"},
            {"id": "WS6", "title": "Workstream WS6", "monitored": true},
        ])
    );
    assert_eq!(plans[1]["reviews"][0]["ended"], serde_json::json!(["WS5"]));

    let text = wsoa_core::show::text(&plan, date("2023-03-02"));
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for line in [
        "Plans 2 WSoA Written Statement of Action, started 1 March 2023; answers W1, W2 and W3; version 1, accepted 1 March 2023 Workstreams WS1",
        "APP1 Accelerated Progress Plan 'Plan APP1', started 1 March 2023; answers W2 and W3; version 1, in draft",
        "WS5 Workstream WS5: monitoring ended 1 March 2023",
        "WS6 Workstream WS6: still monitored",
        "Last review 1 March 2023 by DfE and NHS England advisers (1 in all): Progress reviewed",
    ] {
        assert!(words.contains(line), "{line:?} in\n{text}");
    }
}

#[test]
fn a_workstream_of_a_started_plan_is_amended_to_answer_only_its_plan_s_findings() {
    let given = app();
    let amend = |weaknesses: &[&str]| {
        Command::AmendWorkstream(wsoa_core::event::WorkstreamAmended {
            id: ws("WS5"),
            title: None,
            sponsor: None,
            weaknesses: Some(weaknesses.iter().map(|id| w(id)).collect()),
            reason: "Scope changed".to_owned(),
        })
    };
    assert!(when(&given, &amend(&["W2", "W3"])).is_ok());
    refused(
        &given,
        &amend(&["W1"]),
        &["workstream WS5 of plan APP1 would answer W1, which plan APP1 does not answer"],
    );
    // A workstream of the WSoA answers any recorded weakness, as before.
    let wsoa_amend = Command::AmendWorkstream(wsoa_core::event::WorkstreamAmended {
        id: ws("WS1"),
        title: None,
        sponsor: None,
        weaknesses: Some(vec![w("W1"), w("W3")]),
        reason: "Scope changed".to_owned(),
    });
    assert!(when(&given, &wsoa_amend).is_ok());
}

#[test]
fn nothing_of_a_plan_is_dated_before_it_was_started_nor_accepted_before_it_was_submitted() {
    // The WSoA in 2019, the plan from 1 March 2023, submitted on 2 March.
    let dated = |n: usize| {
        date(match n {
            0..8 => "2019-05-01",
            8..11 => "2023-03-01",
            _ => "2023-03-02",
        })
    };
    let (state, _) = history_on(&app(), dated);
    let on = |day: &str| When {
        occurred_on: date(day),
        today: date("2023-03-02"),
    };
    let early = decide(&state, &review("APP1", &[], &["WS5"]), on("2023-02-01"))
        .expect_err("a review before the plan started is refused");
    assert!(
        early
            .to_string()
            .contains("1 February 2023 is before plan APP1 was started on 1 March 2023"),
        "{early}"
    );
    let mut submitted = app();
    submitted.push(Command::StepPlan(StepPlan {
        plan: Some(p("APP1")),
        step: PlanStep::Submitted,
        summary: None,
    }));
    let (state, _) = history_on(&submitted, dated);
    let accept = Command::StepPlan(StepPlan {
        plan: Some(p("APP1")),
        step: PlanStep::Accepted,
        summary: None,
    });
    let rejection = decide(&state, &accept, on("2023-03-01")).expect_err("refused");
    assert!(
        rejection
            .to_string()
            .contains("1 March 2023 is before plan APP1 was submitted on 2 March 2023"),
        "{rejection}"
    );
    assert!(decide(&state, &accept, on("2023-03-02")).is_ok());
}
