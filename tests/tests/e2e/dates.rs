//! Dates typed either way: the UK's day-first `15/07/2021` and ISO `2021-07-15` record the same
//! day, on `--on` and on every other date option. Uses `WSOA_DATA` instead of `--data`.

use serde_json::Value;

use crate::harness::{Output, Sandbox, run_command};

/// Runs `wsoa --format json ARGS` with the ledger named by `WSOA_DATA`.
fn run(sandbox: &Sandbox, args: &[&str]) -> Output {
    let mut command = sandbox.command();
    command
        .env("WSOA_DATA", sandbox.data())
        .args(["--format", "json"])
        .args(args);
    run_command(command).success()
}

#[test]
fn uk_and_iso_dates_record_the_same_day() {
    let sandbox = Sandbox::new();
    let opened = run(
        &sandbox,
        &[
            "init",
            "--area",
            "Northshire local area",
            "--on",
            "4/1/2021",
        ],
    )
    .json();
    assert_eq!(opened["occurred_on"], "2021-01-04");
    run(
        &sandbox,
        &[
            "inspection",
            "record",
            "--from",
            "08/03/2021",
            "--to",
            "2021-03-12",
            "--published",
            "20/04/2021",
            "--on",
            "20/04/2021",
        ],
    );
    let uk = run(
        &sandbox,
        &[
            "weakness",
            "add",
            "W1",
            "--title",
            "Quality assurance",
            "--on",
            "15/07/2021",
        ],
    )
    .json();
    let iso = run(
        &sandbox,
        &[
            "weakness",
            "add",
            "W2",
            "--title",
            "Local Offer",
            "--on",
            "2021-07-15",
        ],
    )
    .json();
    assert_eq!(uk["occurred_on"], "2021-07-15");
    assert_eq!(iso["occurred_on"], "2021-07-15");

    let log = run(&sandbox, &["log"]).json_lines();
    let occurred: Vec<&Value> = log.iter().map(|event| &event["occurred_on"]).collect();
    assert_eq!(
        occurred,
        ["2021-01-04", "2021-04-20", "2021-07-15", "2021-07-15"]
    );
    let inspection = &log[1]["body"]["inspection_recorded"];
    assert_eq!(inspection["from"], "2021-03-08");
    assert_eq!(inspection["to"], "2021-03-12");
    assert_eq!(inspection["published"], "2021-04-20");
    assert_eq!(
        inspection["inspectorates"],
        serde_json::json!(["Ofsted", "CQC"])
    );
}
