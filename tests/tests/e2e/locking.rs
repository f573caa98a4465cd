//! One ledger, one process: while this test process holds the ledger open through
//! `wsoa_store::Ledger::open`, the `wsoa` binary is refused with "in use" (exit 2) and records
//! nothing; once the ledger is released, the same command succeeds.

use crate::harness::Sandbox;

#[test]
fn a_ledger_in_use_is_refused_until_released() {
    let sandbox = Sandbox::opened();
    let add = [
        "weakness",
        "add",
        "W1",
        "--title",
        "Quality assurance",
        "--on",
        "2021-04-20",
    ];

    let held = wsoa_store::Ledger::open(&sandbox.data()).expect("the test can open the ledger");
    for args in [&add[..], &["verify"]] {
        let refused = sandbox.run(args).code_is(2);
        assert!(
            refused.stderr.contains("is in use by another process"),
            "`{}` should say the ledger is in use: {}",
            refused.command,
            refused.stderr
        );
        assert!(refused.stdout.is_empty(), "{}", refused.stdout);
    }
    assert_eq!(
        held.len().expect("the ledger reads"),
        1,
        "nothing was recorded"
    );
    drop(held);

    sandbox.run(&add).success();
    let report = sandbox.verified();
    assert_eq!(report["events"], 2);
}
