//! The append protocol and the ledger's life on disk: `recorded_at` never goes backwards,
//! all-or-nothing and one-by-one batches, the directory lock, opening a directory with no
//! ledger, reopening, and reading ranges back.

use wsoa_core::command::AddNote;
use wsoa_core::event::{
    ActionCreated, ActionStatusChanged, LedgerOpened, Status, WorkstreamCreated,
};
use wsoa_core::{Command, Digest, Rejection};
use wsoa_store::{Appended, Context, Head, Ledger, StoreError};

use crate::fixture::{
    AREA, DAY_MS, Fixture, action_id, all_events, date, noon, on, reference, weakness_id,
    workstream_id,
};

fn create_workstream(id: &str) -> Command {
    Command::CreateWorkstream(WorkstreamCreated {
        id: workstream_id(id),
        title: "Preparing for adulthood".to_owned(),
        sponsor: "Assistant Director, Adult Social Care".to_owned(),
        weaknesses: vec![weakness_id("W1")],
    })
}

fn create_action(id: &str, workstream: &str) -> Command {
    Command::CreateAction(ActionCreated {
        id: action_id(id),
        workstream: workstream_id(workstream),
        title: "Publish a transitions protocol".to_owned(),
        owner: "Transitions Lead".to_owned(),
        due: date("2020-12-31"),
        success: vec![],
    })
}

fn note(text: &str) -> Command {
    Command::AddNote(AddNote {
        about: reference("WS1"),
        text: text.to_owned(),
        from: None,
    })
}

fn ctx() -> Context {
    on("2020-05-01", "2020-05-01")
}

/// The appended events must be exactly what is read back, one after the other from `first`.
fn assert_read_back(f: &Fixture, first: u64, appended: &[Appended]) {
    let stored = all_events(&f.ledger);
    for (offset, appended) in appended.iter().enumerate() {
        let seq = first + offset as u64;
        let back = &stored[seq as usize];
        assert_eq!(appended.event.seq, seq);
        assert_eq!(back.event, appended.event);
        assert_eq!(back.hash, appended.hash);
        assert_eq!(appended.event.prev, stored[seq as usize - 1].hash);
    }
}

#[test]
fn recorded_at_never_goes_backwards_even_if_the_clock_does() {
    let mut f = Fixture::history();
    let head = f.ledger.head().expect("readable");
    assert_eq!(head.recorded_at, noon("2020-04-02"));

    // The clock has stepped back five days.
    let appended = f.execute(
        note("Recorded while the clock was wrong"),
        on("2020-03-20", "2020-03-28"),
    );
    assert_eq!(
        appended.event.recorded_at, head.recorded_at,
        "clamped to the last event"
    );
    assert_eq!(
        appended.event.occurred_on,
        date("2020-03-20"),
        "the business date is kept"
    );
    assert_eq!(
        f.ledger.head().expect("readable").recorded_at,
        head.recorded_at
    );

    // A clock that is right again is used as it is.
    let later = noon("2020-04-10");
    let appended = f.execute(
        note("Clock fixed"),
        Context {
            recorded_at: later,
            ..on("2020-04-10", "2020-04-10")
        },
    );
    assert_eq!(appended.event.recorded_at, later);

    // The clamp survives reopening: it reads the head record, not memory.
    let mut f = f.reopen();
    let appended = f.execute(note("After a restart"), on("2020-04-01", "2020-04-01"));
    assert_eq!(appended.event.recorded_at, later);

    // Within one batch each event is clamped to the one before it.
    let clocks = [later + 1_000, later - DAY_MS, later + 5_000, later + 2_000];
    let items = clocks.iter().map(|&recorded_at| {
        (
            note("Batched"),
            Context {
                recorded_at,
                ..on("2020-04-01", "2020-04-01")
            },
        )
    });
    let appended = f.ledger.execute_all(items).expect("all accepted");
    let times: Vec<i64> = appended.iter().map(|a| a.event.recorded_at).collect();
    assert_eq!(
        times,
        [later + 1_000, later + 1_000, later + 5_000, later + 5_000]
    );

    let events = all_events(&f.ledger);
    assert!(
        events
            .windows(2)
            .all(|pair| pair[0].event.recorded_at <= pair[1].event.recorded_at),
        "recorded_at is monotonic over the whole ledger"
    );
    f.ledger.verify().expect("the ledger verifies");
}

#[test]
fn execute_all_with_one_bad_command_appends_nothing_and_names_it() {
    for bad_at in 0..3 {
        let mut f = Fixture::history();
        let head = f.ledger.head().expect("readable");
        let mut items = vec![
            (create_workstream("WS3"), ctx()),
            (create_action("3.1", "WS3"), ctx()),
            (note("Transitions workstream set up"), ctx()),
        ];
        items[bad_at] = (create_action("9.9", "WS9"), ctx());

        match f.ledger.execute_all(items) {
            Err((index, StoreError::Rejected(Rejection::UnknownId { kind, id, .. }))) => {
                assert_eq!(index, bad_at);
                assert_eq!((kind, id.as_str()), ("workstream", "WS9"));
            }
            Err((index, other)) => panic!("unexpected error at {index}: {other}"),
            Ok(appended) => panic!("appended {} events", appended.len()),
        }
        assert_eq!(f.ledger.head().expect("readable"), head);
        assert_eq!(f.ledger.verify().expect("verifies").events, head.len);

        // Nothing the batch decided leaked into the rules: WS3 does not exist.
        if bad_at != 0 {
            match f.ledger.execute(&create_action("3.1", "WS3"), &ctx()) {
                Err(StoreError::Rejected(Rejection::UnknownId { id, .. })) => {
                    assert_eq!(id, "WS3");
                }
                other => panic!("WS3 should not exist: {other:?}"),
            }
        }
    }
}

#[test]
fn execute_all_appends_a_good_batch_in_order() {
    let mut f = Fixture::history();
    let first = f.len();
    let appended = f
        .ledger
        .execute_all([
            (create_workstream("WS3"), ctx()),
            (create_action("3.1", "WS3"), ctx()),
            (note("Transitions workstream set up"), ctx()),
        ])
        .expect("each command sees the ones before it");
    assert_eq!(appended.len(), 3);
    assert_eq!(f.len(), first + 3);
    assert_read_back(&f, first, &appended);
    assert_eq!(f.ledger.head().expect("readable").hash, appended[2].hash);
    f.ledger.verify().expect("the ledger verifies");
}

#[test]
fn execute_each_appends_the_good_ones_and_returns_each_rejection() {
    let mut f = Fixture::history();
    let first = f.len();
    let results = f
        .ledger
        .execute_each([
            (create_workstream("WS3"), ctx()),
            (create_action("9.9", "WS9"), ctx()),
            (create_action("3.1", "WS3"), ctx()),
            (create_workstream("WS3"), ctx()),
            (note("Transitions workstream set up"), ctx()),
        ])
        .expect("no storage error");
    assert_eq!(results.len(), 5);

    let mut appended = Vec::new();
    for (index, result) in results.into_iter().enumerate() {
        match (index, result) {
            (0 | 2 | 4, Ok(a)) => appended.push(a),
            (1, Err(Rejection::UnknownId { id, .. })) => assert_eq!(id, "WS9"),
            (3, Err(Rejection::DuplicateId { kind, id, seq })) => {
                assert_eq!((kind, id.as_str(), seq), ("workstream", "WS3", first));
            }
            (index, other) => panic!("item {index}: unexpected {other:?}"),
        }
    }
    assert_eq!(
        f.len(),
        first + 3,
        "only the three good ones, with no holes"
    );
    assert_read_back(&f, first, &appended);
    let head = f.ledger.head().expect("readable");
    assert_eq!(head.hash, appended[2].hash);
    assert_eq!(f.ledger.verify().expect("verifies").head, head.hash);

    // A batch in which everything is refused appends nothing.
    let results = f
        .ledger
        .execute_each([(create_workstream("WS3"), ctx()), (note(" "), ctx())])
        .expect("no storage error");
    assert!(results.iter().all(Result::is_err), "{results:?}");
    assert_eq!(f.ledger.head().expect("readable"), head);

    // What was appended is what the rules now know, after a restart too.
    let mut f = f.reopen();
    f.execute(
        Command::ChangeActionStatus(ActionStatusChanged {
            id: action_id("3.1"),
            status: Status::InProgress,
            rag: None,
            note: None,
        }),
        ctx(),
    );
}

#[test]
fn a_rejected_command_appends_nothing() {
    let mut f = Fixture::history();
    let head = f.ledger.head().expect("readable");
    let refused = f.ledger.execute(&create_workstream("WS1"), &ctx());
    let Err(StoreError::Rejected(rejection)) = refused else {
        panic!("expected a rejection, got {refused:?}");
    };
    assert_eq!(
        rejection,
        Rejection::DuplicateId {
            kind: "workstream",
            id: "WS1".to_owned(),
            seq: f.seq_of("workstream_created"),
        }
    );
    assert_eq!(
        StoreError::Rejected(rejection.clone()).to_string(),
        rejection.to_string()
    );

    // A business date after the (caller's) today.
    let refused = f
        .ledger
        .execute(&note("Early"), &on("2020-05-02", "2020-05-01"));
    assert!(matches!(
        refused,
        Err(StoreError::Rejected(Rejection::InFuture { .. }))
    ));
    assert_eq!(f.ledger.head().expect("readable"), head);
    assert_eq!(f.ledger.verify().expect("verifies").events, head.len);
}

#[test]
fn a_clock_outside_the_supported_years_is_an_error_and_appends_nothing() {
    let mut f = Fixture::history();
    let head = f.ledger.head().expect("readable");
    // A clock that stepped back is clamped to the last event's time; one that leapt past the
    // supported years cannot be.
    let broken = Context {
        recorded_at: i64::MAX,
        ..ctx()
    };
    assert!(matches!(
        f.ledger.execute(&note("Broken clock"), &broken),
        Err(StoreError::ClockOutOfRange(_))
    ));
    assert!(matches!(
        f.ledger
            .execute_each([(note("Fine"), ctx()), (note("Broken clock"), broken)]),
        Err(StoreError::ClockOutOfRange(_))
    ));
    assert_eq!(f.ledger.head().expect("readable"), head);
    let appended = f.execute(note("Fine"), ctx());
    assert_eq!(appended.event.seq, head.len);
}

#[test]
fn a_ledger_open_elsewhere_is_in_use_until_it_is_dropped() {
    let f = Fixture::history();
    let len = f.len();
    for second in [Ledger::open(f.path()), Ledger::create(f.path())] {
        match second {
            Err(StoreError::InUse { dir, server }) => {
                assert_eq!(dir, f.path());
                assert_eq!(server, None);
            }
            Err(other) => panic!("expected InUse, got {other}"),
            Ok(_) => panic!("the ledger was opened twice"),
        }
    }
    let err = Ledger::open(f.path()).err().expect("in use");
    assert!(
        err.to_string().contains("in use by another process"),
        "{err}"
    );

    // The refused opening did not disturb the first one.
    f.ledger.verify().expect("the ledger verifies");

    let Fixture { dir, ledger, .. } = f;
    drop(ledger);
    let reopened = Ledger::open(dir.path()).expect("free again once the first is dropped");
    assert_eq!(reopened.len().expect("readable"), len);
    reopened.verify().expect("the ledger verifies");
}

#[test]
fn opening_waits_for_the_database_lock_of_an_instance_still_closing() {
    // sled's background threads keep its lock on `sled/db` for a moment after the ledger is
    // dropped; opening waits for the lock rather than report a free ledger as unopenable.
    let f = Fixture::history();
    let len = f.len();
    let Fixture { dir, ledger, .. } = f;
    drop(ledger);
    let db = std::fs::File::open(dir.path().join("sled").join("db")).expect("sled's file");
    db.lock().expect("the lock sled takes");
    let (opened, opening) = std::sync::mpsc::channel();
    let path = dir.path().to_owned();
    let opener = std::thread::spawn(move || {
        let result = Ledger::open(&path).map(|ledger| ledger.len().expect("readable"));
        opened.send(()).expect("the test waits");
        result
    });
    // While the lock is held, the opener does not finish (it waits, up to two seconds).
    assert!(
        opening
            .recv_timeout(std::time::Duration::from_millis(100))
            .is_err(),
        "the ledger opened while sled's lock was held"
    );
    db.unlock().expect("released");
    let reopened = opener.join().expect("the opener ends");
    assert_eq!(reopened.expect("opened once the lock is free"), len);
}

#[test]
fn opening_a_directory_without_a_ledger_is_no_ledger() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    match Ledger::open(dir.path()) {
        Err(StoreError::NoLedger { dir: at }) => assert_eq!(at, dir.path()),
        Err(other) => panic!("expected NoLedger, got {other}"),
        Ok(_) => panic!("an empty directory opened as a ledger"),
    }
    let missing = dir.path().join("not-there");
    assert!(matches!(
        Ledger::open(&missing),
        Err(StoreError::NoLedger { .. })
    ));
    assert!(!missing.exists(), "open creates nothing");
    let err = Ledger::open(dir.path()).err().expect("no ledger");
    assert!(err.to_string().contains("create one there"), "{err}");
}

#[test]
fn a_new_ledger_is_empty_verifies_and_must_be_opened_first() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("northshire");
    let mut ledger = Ledger::create(&path).expect("created");
    assert!(ledger.is_empty().expect("readable"));
    assert_eq!(
        ledger.head().expect("readable"),
        Head {
            len: 0,
            hash: Digest::ZERO,
            recorded_at: 0,
        }
    );
    let report = ledger.verify().expect("an empty ledger verifies");
    assert_eq!((report.events, report.head), (0, Digest::ZERO));
    assert!(report.to_string().contains("The ledger is empty"));

    assert!(matches!(
        ledger.execute(&create_workstream("WS1"), &ctx()),
        Err(StoreError::Rejected(Rejection::NotOpened))
    ));
    assert!(ledger.is_empty().expect("readable"));
    drop(ledger);

    // A created ledger with no events is still a ledger.
    let mut ledger = Ledger::open(&path).expect("opens");
    let open = Command::OpenLedger(LedgerOpened {
        area: AREA.to_owned(),
        partners: vec![],
    });
    let appended = ledger.execute(&open, &ctx()).expect("opened");
    assert_eq!((appended.event.seq, appended.event.prev), (0, Digest::ZERO));
    assert!(matches!(
        ledger.execute(&open, &ctx()),
        Err(StoreError::Rejected(Rejection::AlreadyOpened { area })) if area == AREA
    ));
    assert_eq!(ledger.len().expect("readable"), 1);
}

#[test]
fn appended_events_survive_reopening_and_the_rules_remember_them() {
    let f = Fixture::history();
    let head = f.ledger.head().expect("readable");
    let events = f.events();
    let report = f.ledger.verify().expect("verifies");

    let mut f = f.reopen();
    assert_eq!(f.ledger.head().expect("readable"), head);
    assert_eq!(f.events(), events);
    assert_eq!(f.ledger.verify(), Ok(report));

    let state = f.ledger.state().expect("state").clone();
    assert_eq!(state.len, head.len);
    assert_eq!(state.area.as_deref(), Some(AREA));
    assert_eq!(state.actions[&action_id("1.1")].status, Status::Complete);
    assert_eq!(state.evidence.len(), 3);
    assert!(matches!(
        f.ledger.execute(&create_workstream("WS2"), &ctx()),
        Err(StoreError::Rejected(Rejection::DuplicateId { .. }))
    ));
}

#[test]
fn events_read_back_by_range() {
    let f = Fixture::history();
    let all = f.events();
    let range = f
        .ledger
        .events(3, Some(5))
        .collect::<Result<Vec<_>, _>>()
        .expect("readable");
    assert_eq!(range, all[3..=5]);
    let tail = f
        .ledger
        .events(20, None)
        .collect::<Result<Vec<_>, _>>()
        .expect("readable");
    assert_eq!(tail, all[20..]);
    assert_eq!(f.ledger.event(7).expect("readable").as_ref(), Some(&all[7]));
    assert_eq!(f.ledger.event(f.len()).expect("readable"), None);
    assert_eq!(f.ledger.events(f.len(), None).count(), 0);
    assert_eq!(f.ledger.events(5, Some(3)).count(), 0, "an empty range");
}

#[test]
fn a_ledger_held_by_a_server_names_it_unless_that_server_is_gone() {
    let f = Fixture::history();
    f.ledger
        .announce_server("http://127.0.0.1:8080")
        .expect("announced");
    match Ledger::open(f.path()) {
        Err(err @ StoreError::InUse { .. }) => {
            let StoreError::InUse { server, .. } = &err else {
                unreachable!("matched above")
            };
            assert_eq!(server.as_deref(), Some("http://127.0.0.1:8080"));
            assert!(
                err.to_string()
                    .contains("held by the server running at http://127.0.0.1:8080"),
                "{err}"
            );
        }
        Err(other) => panic!("expected InUse, got {other}"),
        Ok(_) => panic!("the ledger was opened twice"),
    }
    // A file left by a server that was killed names a process that is gone: not named then.
    let mut exited = std::process::Command::new("true").spawn().expect("runs");
    exited.wait().expect("exits");
    std::fs::write(
        f.path().join("SERVER"),
        format!("http://127.0.0.1:9999\n{}\n", exited.id()),
    )
    .expect("written");
    match Ledger::open(f.path()) {
        Err(StoreError::InUse { server, .. }) => assert_eq!(server, None),
        Err(other) => panic!("expected InUse, got {other}"),
        Ok(_) => panic!("the ledger was opened twice"),
    }
    f.ledger.withdraw_server().expect("withdrawn");
    assert!(!f.path().join("SERVER").exists());
}
