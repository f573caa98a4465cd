//! A crash or power cut during start-up never leaves a ledger that will not open: the state a
//! power cut during sled's start-up snapshot left (an empty `snap.*.generating` file) is put
//! right by the next command, which says so on standard error; processes killed at every moment
//! of their start leave a ledger that verifies with every acknowledged event.

use std::path::PathBuf;
use std::time::Duration;

use crate::harness::Sandbox;

/// A ledger with a weakness to write notes about.
fn with_a_weakness() -> Sandbox {
    let sandbox = Sandbox::opened();
    sandbox.record(&[
        "inspection",
        "record",
        "--from",
        "2021-01-11",
        "--to",
        "2021-01-15",
        "--published",
        "2021-02-20",
        "--on",
        "2021-02-20",
    ]);
    sandbox.record(&[
        "weakness",
        "add",
        "W1",
        "--title",
        "Quality assurance",
        "--on",
        "2021-02-20",
    ]);
    sandbox
}

fn newest_snapshot(sandbox: &Sandbox) -> PathBuf {
    let mut snaps: Vec<PathBuf> = std::fs::read_dir(sandbox.data().join("sled"))
        .expect("lists sled's directory")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| {
            path.file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with("snap."))
        })
        .collect();
    snaps.sort();
    snaps
        .pop()
        .expect("a ledger a command has closed has a snapshot")
}

#[test]
fn an_empty_snapshot_left_by_a_power_cut_at_start_up_is_recovered() {
    let sandbox = with_a_weakness();
    for text in ["First note", "Second note"] {
        sandbox.record(&["note", "add", "--about", "W1", "--text", text]);
    }
    let before = sandbox.verified();
    let generating = PathBuf::from(format!(
        "{}0.generating",
        newest_snapshot(&sandbox).display()
    ));
    std::fs::write(&generating, b"").expect("writes the empty snapshot");

    let verify = sandbox.run(&["verify"]).success();
    assert!(
        verify.stderr.contains("recovered") && verify.stderr.contains(".generating"),
        "the command says what it put right: {}",
        verify.stderr
    );
    assert!(
        verify.stdout.contains("The ledger is intact"),
        "{}",
        verify.stdout
    );
    assert!(!generating.exists());
    let after = sandbox.verified();
    assert_eq!(after["events"], before["events"]);
    assert_eq!(after["head"], before["head"]);
    assert_eq!(sandbox.log().len(), 5);
    // Nothing is left to put right: the next command says nothing more.
    let again = sandbox.run(&["verify"]).success();
    assert!(!again.stderr.contains("recovered"), "{}", again.stderr);
}

#[test]
fn a_ledger_stays_openable_when_commands_are_killed_while_they_start() {
    let sandbox = with_a_weakness();
    let mut acknowledged = 3u64;
    for round in 0..24u64 {
        // A writing command killed at a different moment of its start each round (while sled
        // reads its log, writes its start-up snapshot, folds the state or appends).
        let text = format!("Note {round}");
        let mut command = sandbox.command();
        command
            .arg("--data")
            .arg(sandbox.data())
            .args(["note", "add", "--about", "W1", "--text", &text])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null());
        let mut child = command.spawn().expect("starts wsoa");
        std::thread::sleep(Duration::from_micros(round * 2_000));
        let _ = child.kill();
        let output = child.wait_with_output().expect("waits");
        if output.status.success() {
            acknowledged += 1;
        }
        let report = sandbox.verified();
        let events = report["events"].as_u64().expect("a count");
        assert!(
            events >= acknowledged,
            "round {round}: {events} events but {acknowledged} were acknowledged"
        );
        acknowledged = events;
    }
}
