//! `wsoa projections`: the kept plan snapshots of a ledger past the first 1,024 events are
//! checked and rebuilt on demand, and reads at a point give the same answer before and after.

use crate::harness::Sandbox;

#[test]
fn projections_are_checked_and_rebuilt_and_reads_do_not_change() {
    let sandbox = Sandbox::new();
    sandbox.json(&["demo", "--events", "2100"]).success();
    let checked = sandbox.json(&["projections", "check"]).success().json();
    assert_eq!(checked["events"].as_u64(), Some(2100), "{checked}");
    assert_eq!(checked["matched"].as_u64(), Some(2), "{checked}");
    assert_eq!(checked["rebuilt"], serde_json::json!([]), "{checked}");

    let at = |point: &str| {
        sandbox
            .json(&["show", "--point", point])
            .success()
            .json()
            .to_string()
    };
    let points = ["seq:1023", "seq:1500", "seq:2099", "visit:last", "visit:1"];
    let before: Vec<String> = points.iter().map(|point| at(point)).collect();

    let rebuilt = sandbox.run(&["projections", "rebuild"]).success();
    assert_eq!(
        rebuilt.stdout.trim(),
        "Rebuilt the kept projections from 2100 events: 2 plan snapshots (one after every 1024 events).",
    );
    let after: Vec<String> = points.iter().map(|point| at(point)).collect();
    assert_eq!(before, after);

    let verified = sandbox.run(&["verify"]).success();
    assert!(
        verified
            .stdout
            .contains("The 2 kept plan snapshots match the events."),
        "{}",
        verified.stdout
    );
}
