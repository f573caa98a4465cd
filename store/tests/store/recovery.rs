//! Opening a ledger after a crash or power cut: every unfinished temporary that an interrupted
//! start, stop or write can leave in the directory is put right (and reported), the ledger then
//! verifies with every event written before the interruption; anything else is reported as
//! damage naming the file, and nothing is removed.

use std::path::{Path, PathBuf};

use wsoa_store::{Ledger, StoreError, StoredEvent};

use crate::fixture::{Fixture, all_events};

/// A realistic ledger, closed, with the events it held.
fn closed_history() -> (tempfile::TempDir, Vec<StoredEvent>) {
    let fixture = Fixture::history();
    let events = fixture.events();
    let Fixture { dir, ledger, .. } = fixture;
    drop(ledger);
    // Opening writes sled's start-up snapshot; a clean close leaves it in place.
    drop(Ledger::open(dir.path()).expect("reopens"));
    (dir, events)
}

fn sled_dir(dir: &Path) -> PathBuf {
    dir.join("sled")
}

/// The snapshot sled would read first: the last `snap.*` by name.
fn newest_snapshot(dir: &Path) -> PathBuf {
    let mut snaps: Vec<PathBuf> = std::fs::read_dir(sled_dir(dir))
        .expect("lists sled's directory")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| {
            path.file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with("snap."))
        })
        .collect();
    snaps.sort();
    snaps.pop().expect("a closed ledger has a snapshot")
}

/// Opens the directory and checks it recovered what was expected, verifies, and holds exactly
/// the events it held before.
fn reopens_whole(dir: &Path, before: &[StoredEvent], recovered: &[&Path]) {
    let ledger = Ledger::open(dir).expect("the ledger opens after recovery");
    let mut found: Vec<PathBuf> = ledger
        .recovered()
        .iter()
        .map(|recovery| recovery.path.clone())
        .collect();
    found.sort();
    let mut expected: Vec<PathBuf> = recovered.iter().map(|path| path.to_path_buf()).collect();
    expected.sort();
    assert_eq!(found, expected, "what opening put right");
    for path in recovered {
        assert!(!path.exists(), "{} was removed", path.display());
    }
    let report = ledger.verify().expect("the recovered ledger verifies");
    assert_eq!(report.events, before.len() as u64);
    assert_eq!(
        all_events(&ledger),
        before,
        "every event is back, unchanged"
    );
    drop(ledger);
    let again = Ledger::open(dir).expect("and opens again");
    assert!(again.recovered().is_empty(), "nothing is left to recover");
}

#[test]
fn an_empty_snapshot_left_by_an_interrupted_start_is_removed() {
    // The state a power cut during sled's start-up snapshot left: an empty file named like the
    // newest snapshot with `.generating` after it, which sled 0.34 reads as the newest snapshot.
    let (dir, before) = closed_history();
    let newest = newest_snapshot(dir.path());
    let generating = PathBuf::from(format!("{}0.generating", newest.display()));
    std::fs::write(&generating, b"").expect("writes");
    reopens_whole(dir.path(), &before, &[&generating]);
}

#[test]
fn a_partly_written_snapshot_is_removed() {
    let (dir, before) = closed_history();
    let newest = newest_snapshot(dir.path());
    let mut partial = std::fs::read(&newest).expect("reads the snapshot");
    partial.truncate(partial.len() / 2 + 13);
    let generating = sled_dir(dir.path()).join("snap.FFFFFFFFFFFFFFF0.generating");
    std::fs::write(&generating, &partial).expect("writes");
    reopens_whole(dir.path(), &before, &[&generating]);
}

#[test]
fn a_first_snapshot_interrupted_before_any_other_existed_is_removed() {
    let (dir, before) = closed_history();
    let newest = newest_snapshot(dir.path());
    let generating = PathBuf::from(format!("{}.generating", newest.display()));
    std::fs::rename(&newest, &generating).expect("renames");
    let mut torn = std::fs::read(&generating).expect("reads");
    torn.truncate(7);
    std::fs::write(&generating, &torn).expect("writes");
    reopens_whole(dir.path(), &before, &[&generating]);
}

#[test]
fn a_torn_settings_file_is_rewritten() {
    let (dir, before) = closed_history();
    let conf = sled_dir(dir.path()).join("conf");
    let mut bytes = std::fs::read(&conf).expect("reads");
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    bytes.truncate(bytes.len() - 3);
    std::fs::write(&conf, &bytes).expect("writes");
    let newest = newest_snapshot(dir.path());
    let generating = PathBuf::from(format!("{}0.generating", newest.display()));
    std::fs::write(&generating, b"").expect("writes");
    let ledger = Ledger::open(dir.path()).expect("opens");
    assert!(
        ledger.recovered().iter().any(|r| r.path == generating),
        "{:?}",
        ledger.recovered()
    );
    assert_eq!(
        ledger.verify().expect("verifies").events,
        before.len() as u64
    );
    assert_eq!(all_events(&ledger), before);
}

#[test]
fn the_address_file_of_a_dead_server_is_removed() {
    let (dir, before) = closed_history();
    let server = dir.path().join("SERVER");
    let temp = dir.path().join("SERVER.tmp");
    std::fs::write(&server, "http://127.0.0.1:9\n4194304999\n").expect("writes");
    std::fs::write(&temp, "http://127.0.0.1:9\n").expect("writes");
    reopens_whole(dir.path(), &before, &[&server, &temp]);
}

#[test]
fn an_announced_server_address_is_written_whole_and_withdrawn() {
    let fixture = Fixture::history();
    fixture
        .ledger
        .announce_server("http://127.0.0.1:8080")
        .expect("announces");
    let text = std::fs::read_to_string(fixture.path().join("SERVER")).expect("reads");
    assert!(text.starts_with("http://127.0.0.1:8080\n"), "{text}");
    assert!(!fixture.path().join("SERVER.tmp").exists());
    fixture.ledger.withdraw_server().expect("withdraws");
    assert!(!fixture.path().join("SERVER").exists());
}

#[test]
fn a_damaged_snapshot_is_reported_with_its_file_and_nothing_is_removed() {
    let (dir, _) = closed_history();
    let newest = newest_snapshot(dir.path());
    let mut bytes = std::fs::read(&newest).expect("reads");
    bytes[0] ^= 0x55;
    std::fs::write(&newest, &bytes).expect("writes");
    let listing = |dir: &Path| {
        let mut names: Vec<_> = std::fs::read_dir(sled_dir(dir))
            .expect("lists")
            .map(|e| e.expect("entry").file_name())
            .collect();
        names.sort();
        names
    };
    let files_before = listing(dir.path());
    let err = Ledger::open(dir.path()).err().expect("refused");
    match &err {
        StoreError::Unopenable { file, .. } => assert_eq!(file, &newest),
        other => panic!("expected Unopenable, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains("is damaged"), "{message}");
    assert!(message.contains("Keep a copy"), "{message}");
    assert!(
        !message.contains("newer"),
        "not a version problem: {message}"
    );
    assert_eq!(listing(dir.path()), files_before, "nothing was removed");
    assert_eq!(std::fs::read(&newest).expect("reads"), bytes, "nor changed");
}
