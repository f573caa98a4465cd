//! Plans after the WSoA: a WSoA, a revisit with insufficient progress, then an Accelerated
//! Progress Plan answering that weakness, with workstreams of its own and a DfE and NHS England
//! review that ends one workstream's monitoring; recorded through the CLI on a local ledger and
//! through a running server, read back the same way.

use std::process::Command;

use serde_json::Value;

use crate::harness::{Output, Sandbox, run_command};
use crate::serve::{Server, token};

/// The story, command by command, as a council's SEND improvement lead would type it.
const STORY: &[&[&str]] = &[
    &[
        "init",
        "--area",
        "Northshire local area",
        "--on",
        "2021-01-04",
    ],
    &[
        "inspection",
        "record",
        "--from",
        "2021-03-08",
        "--to",
        "2021-03-12",
        "--published",
        "2021-04-20",
        "--on",
        "2021-04-20",
    ],
    &[
        "weakness",
        "add",
        "W1",
        "--title",
        "Quality assurance",
        "--on",
        "2021-04-20",
    ],
    &[
        "weakness",
        "add",
        "W2",
        "--title",
        "Timeliness of EHC plans",
        "--on",
        "2021-04-20",
    ],
    &[
        "workstream",
        "add",
        "WS1",
        "--title",
        "QA framework",
        "--sponsor",
        "DCS",
        "--weakness",
        "W1",
        "--on",
        "2021-05-03",
    ],
    &[
        "workstream",
        "add",
        "WS2",
        "--title",
        "EHC plan timeliness",
        "--sponsor",
        "DCS",
        "--weakness",
        "W2",
        "--on",
        "2021-05-03",
    ],
    &["plan", "submit", "--on", "2021-07-30"],
    &["plan", "accept", "--on", "2021-09-01"],
    &[
        "inspection",
        "record",
        "--framework",
        "2016",
        "--kind",
        "revisit",
        "--from",
        "2022-11-07",
        "--to",
        "2022-11-09",
        "--published",
        "2023-01-10",
        "--on",
        "2023-01-10",
    ],
    &[
        "revisit",
        "outcome",
        "--weakness",
        "W1=sufficient",
        "--weakness",
        "W2=insufficient",
        "--on",
        "2023-01-10",
    ],
    &[
        "plan",
        "start",
        "APP1",
        "--kind",
        "app",
        "--title",
        "Accelerated Progress Plan",
        "--answers",
        "W2",
        "--on",
        "2023-03-01",
    ],
    &[
        "workstream",
        "add",
        "WS5",
        "--plan",
        "APP1",
        "--title",
        "Weekly EHC panel",
        "--sponsor",
        "Director of Education",
        "--weakness",
        "W2",
        "--on",
        "2023-03-01",
    ],
    // With no --plan, a workstream belongs to the latest plan started.
    &[
        "workstream",
        "add",
        "WS6",
        "--title",
        "Health advice in six weeks",
        "--sponsor",
        "ICB Director of Nursing",
        "--weakness",
        "W2",
        "--on",
        "2023-03-01",
    ],
    &[
        "action",
        "add",
        "5.1",
        "--plan",
        "APP1",
        "--workstream",
        "WS5",
        "--title",
        "Run a weekly panel",
        "--owner",
        "Head of SEND",
        "--due",
        "2023-06-30",
        "--on",
        "2023-03-02",
    ],
    &["plan", "submit", "--plan", "APP1", "--on", "2023-03-10"],
    &[
        "monitoring",
        "review",
        "--by",
        "DfE and NHS England advisers",
        "--plan",
        "APP1",
        "--summary",
        "Timeliness sustained above 60% for six months",
        "--ended",
        "WS5",
        "--continues",
        "WS6",
        "--date",
        "2023-09-14",
    ],
];

/// What the story's plans look like in `wsoa --format json show`.
#[track_caller]
fn check_plans(show: &Value) {
    let plans = show["plans"].as_array().expect("show lists the plans");
    assert_eq!(plans.len(), 2, "{show}");
    assert_eq!(plans[0]["id"], "WSoA");
    assert_eq!(plans[0]["kind"], "Written Statement of Action");
    assert_eq!(plans[0]["stage"], "accepted");
    assert_eq!(plans[0]["answers"], serde_json::json!(["W1", "W2"]));
    assert_eq!(plans[1]["id"], "APP1");
    assert_eq!(plans[1]["kind"], "Accelerated Progress Plan");
    assert_eq!(plans[1]["answers"], serde_json::json!(["W2"]));
    assert_eq!(plans[1]["stage"], "submitted");
    assert_eq!(plans[1]["submitted"], "2023-03-10");
    assert_eq!(
        plans[1]["workstreams"],
        serde_json::json!([
            {"id": "WS5", "title": "Weekly EHC panel", "monitored": false,
             "monitoring_ended": "2023-09-14"},
            {"id": "WS6", "title": "Health advice in six weeks", "monitored": true},
        ])
    );
    assert_eq!(plans[1]["reviews"][0]["by"], "DfE and NHS England advisers");
}

#[test]
fn an_app_after_a_revisit_through_the_cli() {
    let sandbox = Sandbox::new();
    for args in STORY {
        sandbox.run(args).success();
    }
    let log = sandbox.log();
    let kinds: Vec<&str> = log
        .iter()
        .filter_map(|e| e["body"].as_object()?.keys().next().map(String::as_str))
        .collect();
    // The WSoA's events are recorded as they always were; the APP's with the new kinds.
    assert_eq!(
        kinds,
        [
            "ledger_opened",
            "inspection_recorded",
            "weakness_recorded",
            "weakness_recorded",
            "workstream_created",
            "workstream_created",
            "plan_submitted",
            "plan_accepted",
            "inspection_added",
            "revisit_outcome_recorded",
            "plan_started",
            "workstream_created_in_plan",
            "workstream_created_in_plan",
            "action_created",
            "plan_step_recorded",
            "monitoring_reviewed",
        ]
    );
    check_plans(&sandbox.json(&["show"]).json());

    let text = sandbox.run(&["show"]).success().stdout;
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for phrase in [
        "APP1 Accelerated Progress Plan, started 1 March 2023; answers W2; version 1, submitted 10 March 2023",
        "WS5 Weekly EHC panel: monitoring ended 14 September 2023",
        "WS6 Health advice in six weeks: still monitored",
    ] {
        assert!(words.contains(phrase), "{phrase:?} in\n{text}");
    }

    let timeline = sandbox
        .run(&["timeline", "--kind", "monitoring_reviewed"])
        .success()
        .stdout;
    assert!(
        timeline.contains("Monitoring review of plan APP1 by DfE and NHS England advisers"),
        "{timeline}"
    );
    assert!(
        timeline.contains("monitoring ended for workstream WS5"),
        "{timeline}"
    );
    let started = sandbox
        .run(&["timeline", "--kind", "plan_started"])
        .success()
        .stdout;
    assert!(
        started.contains("Accelerated Progress Plan APP1 'Accelerated Progress Plan' started"),
        "{started}"
    );

    let narrative = sandbox.run(&["narrative"]).success().stdout;
    for phrase in [
        "It reports on the Accelerated Progress Plan APP1",
        "DfE and NHS England advisers reviewed plan APP1",
        "Monitoring ended for WS5.",
    ] {
        assert!(narrative.contains(phrase), "{phrase:?} in\n{narrative}");
    }

    let diff = sandbox.run(&["diff", "--from", "seq:9"]).success().stdout;
    for phrase in [
        "Accelerated Progress Plan APP1 'Accelerated Progress Plan' started on 1 March 2023, answering W2",
        "Plan APP1 submitted on 10 March 2023",
        "Monitoring review of plan APP1 by DfE and NHS England advisers on 14 September 2023",
        "monitoring ended for WS5",
    ] {
        assert!(diff.contains(phrase), "{phrase:?} in\n{diff}");
    }

    // Refusals: nothing written, and each says what was wrong.
    let before = sandbox.verified();
    sandbox.refuses(
        &before,
        &[
            "monitoring",
            "review",
            "--by",
            "DfE",
            "--plan",
            "APP1",
            "--summary",
            "Again",
            "--ended",
            "WS5",
        ],
        &[
            "monitoring of workstream WS5 already ended",
            "cannot end again",
        ],
    );
    sandbox.refuses(
        &before,
        &[
            "monitoring",
            "review",
            "--by",
            "DfE",
            "--plan",
            "APP1",
            "--summary",
            "Wrong plan",
            "--ended",
            "WS1",
        ],
        &["workstream WS1 belongs to plan WSoA, not APP1"],
    );
    sandbox.refuses(
        &before,
        &[
            "plan",
            "start",
            "APP2",
            "--kind",
            "app",
            "--title",
            "T",
            "--answers",
            "W9",
        ],
        &["there is no weakness W9"],
    );
    sandbox.refuses(
        &before,
        &[
            "plan",
            "start",
            "APP1",
            "--kind",
            "app",
            "--title",
            "T",
            "--answers",
            "W2",
        ],
        &["plan APP1 already exists"],
    );
    sandbox.refuses(
        &before,
        &[
            "workstream",
            "add",
            "WS7",
            "--plan",
            "APP1",
            "--title",
            "T",
            "--sponsor",
            "S",
            "--weakness",
            "W1",
        ],
        &["which plan APP1 does not answer"],
    );
    let bad_kind = sandbox
        .run(&[
            "plan",
            "start",
            "P",
            "--kind",
            "apps",
            "--title",
            "T",
            "--answers",
            "W2",
        ])
        .code_is(2);
    assert!(
        bad_kind
            .stderr
            .contains("wsoa, app, priority-action-plan, improvement-plan"),
        "{}",
        bad_kind.stderr
    );
}

/// Runs `wsoa --server URL --token TOKEN ARGS`.
fn remote(sandbox: &Sandbox, server: &Server, secret: &str, args: &[&str]) -> Output {
    let mut command: Command = sandbox.command();
    command
        .args(["--server", &server.url, "--token", secret])
        .args(args);
    run_command(command)
}

#[test]
fn an_app_after_a_revisit_through_the_server() {
    let sandbox = Sandbox::new();
    let officer = token(&sandbox, "SEND improvement lead", "officer");
    let server = Server::start(&sandbox);
    for args in STORY {
        remote(&sandbox, &server, &officer, args).success();
    }
    let show = remote(&sandbox, &server, &officer, &["--format", "json", "show"]).success();
    check_plans(&show.json());
    let refused = remote(
        &sandbox,
        &server,
        &officer,
        &[
            "monitoring",
            "review",
            "--by",
            "DfE",
            "--plan",
            "APP1",
            "--summary",
            "Again",
            "--ended",
            "WS5",
        ],
    )
    .code_is(2);
    assert!(
        refused
            .stderr
            .contains("monitoring of workstream WS5 already ended"),
        "{}",
        refused.stderr
    );
}
