//! Tampering through the back door: a ledger built with the CLI has one byte of one stored
//! event flipped with `wsoa_store::raw`; `wsoa verify` must then exit 1 and name that event, in
//! text and in JSON.

use crate::harness::Sandbox;

#[test]
fn verify_names_an_event_altered_on_disk() {
    let sandbox = Sandbox::opened();
    for args in [
        &[
            "weakness",
            "add",
            "W1",
            "--title",
            "Joint commissioning",
            "--on",
            "2021-04-20",
        ][..],
        &[
            "weakness",
            "add",
            "W2",
            "--title",
            "Identification of need",
            "--on",
            "2021-04-20",
        ],
        &[
            "weakness",
            "add",
            "W3",
            "--title",
            "EHC plan quality",
            "--on",
            "2021-04-20",
        ],
    ] {
        sandbox.run(args).success();
    }
    sandbox.verified();

    // Event 2 is W2's: turn "Identification" into "identification", a change that still
    // decodes, so only the hash can tell.
    {
        let ledger = wsoa_store::Ledger::open(&sandbox.data()).expect("the ledger opens");
        let mut bytes = wsoa_store::raw::event_bytes(&ledger, 2)
            .expect("the event reads")
            .expect("event 2 exists");
        let at = bytes
            .windows(b"Identification".len())
            .position(|window| window == b"Identification")
            .expect("the title is in the event's bytes");
        bytes[at] ^= 0x20;
        wsoa_store::raw::put_event_bytes(&ledger, 2, &bytes).expect("the bytes are overwritten");
    }

    let text = sandbox.run(&["verify"]).code_is(1);
    assert!(
        text.stdout.contains("does NOT verify") && text.stdout.contains("The first bad event is 2"),
        "verify should name event 2: {}",
        text.stdout
    );
    let json = sandbox
        .run(&["--format", "json", "verify"])
        .code_is(1)
        .json();
    assert_eq!(json["ok"], false, "{json}");
    assert_eq!(json["seq"], 2, "{json}");
    assert!(
        json["message"]
            .as_str()
            .is_some_and(|message| message.contains("event 2")),
        "{json}"
    );
}

/// A ledger with three events.
fn small() -> Sandbox {
    let sandbox = Sandbox::opened();
    for (id, title) in [
        ("W1", "Joint commissioning"),
        ("W2", "Identification of need"),
    ] {
        sandbox
            .run(&[
                "weakness",
                "add",
                id,
                "--title",
                title,
                "--on",
                "2021-04-20",
            ])
            .success();
    }
    sandbox
}

#[test]
fn verify_says_when_no_checkpoint_is_kept_and_checks_those_that_are() {
    let sandbox = small();
    let text = sandbox.run(&["verify"]).success();
    assert!(
        text.stdout.contains("No signed checkpoint is kept")
            && text
                .stdout
                .contains("can only be caught against a checkpoint signed before it"),
        "{}",
        text.stdout
    );
    let report = sandbox.verified();
    assert_eq!(report["kept_checkpoints"], 0, "{report}");
    assert!(
        report["message"]
            .as_str()
            .expect("a message")
            .contains("No signed checkpoint is kept"),
        "{report}"
    );

    let board = sandbox
        .json(&["key", "generate", "--name", "board", "--out", "board.key"])
        .json()["verifier_key"]
        .as_str()
        .expect("a key")
        .to_owned();
    sandbox.run(&["checkpoint", "--key", "board.key"]).success();
    let report = sandbox.verified();
    assert_eq!(report["kept_checkpoints"], 1, "{report}");

    // A kept checkpoint's root flipped: exit 1, naming it, in text and JSON.
    let original = {
        let ledger = wsoa_store::Ledger::open(&sandbox.data()).expect("opens");
        let note = wsoa_store::raw::checkpoint_bytes(&ledger, 3)
            .expect("readable")
            .expect("kept");
        let mut altered = note.clone();
        let root_at = note
            .iter()
            .enumerate()
            .filter(|(_, byte)| **byte == b'\n')
            .nth(1)
            .map(|(at, _)| at + 3)
            .expect("a root line");
        altered[root_at] = if altered[root_at] == b'A' { b'B' } else { b'A' };
        wsoa_store::raw::put_checkpoint_bytes(&ledger, 3, &altered).expect("raw write");
        note
    };
    let caught = sandbox.run(&["verify"]).code_is(1);
    assert!(
        caught.stdout.contains("does NOT verify")
            && caught
                .stdout
                .contains("the signed checkpoint of 3 events kept with the history"),
        "{}",
        caught.stdout
    );
    let caught = sandbox.run(&["--format", "json", "verify"]).code_is(1);
    let json: serde_json::Value = serde_json::from_str(caught.stdout.trim()).expect("JSON");
    assert_eq!(json["ok"], false);
    assert_eq!(json["seq"], 2);

    // With the original back, verify --trust checks its signature too.
    {
        let ledger = wsoa_store::Ledger::open(&sandbox.data()).expect("opens");
        wsoa_store::raw::put_checkpoint_bytes(&ledger, 3, &original).expect("raw write");
    }
    let trusted = sandbox.json(&["verify", "--trust", &board]).json();
    assert_eq!(trusted["kept_signatures_checked"], true, "{trusted}");

    // Deleted: the report says that none is kept, and what that means.
    {
        let ledger = wsoa_store::Ledger::open(&sandbox.data()).expect("opens");
        wsoa_store::raw::remove_checkpoint(&ledger, 3).expect("raw write");
    }
    let report = sandbox.verified();
    assert_eq!(report["kept_checkpoints"], 0, "{report}");
    assert!(
        report["message"]
            .as_str()
            .expect("a message")
            .contains("No signed checkpoint is kept"),
        "{report}"
    );
}

#[test]
fn a_flipped_head_time_is_reported_by_verify_and_blocks_no_more_than_it_must() {
    let sandbox = small();
    let events = sandbox.log().len();
    {
        let ledger = wsoa_store::Ledger::open(&sandbox.data()).expect("opens");
        let mut head = wsoa_store::raw::head_bytes(&ledger)
            .expect("readable")
            .expect("a head");
        head[42] ^= 0x04;
        wsoa_store::raw::put_head_bytes(&ledger, &head).expect("raw write");
    }
    let caught = sandbox.run(&["verify"]).code_is(1);
    assert!(
        caught.stdout.contains("does NOT verify") && caught.stdout.contains("head record"),
        "{}",
        caught.stdout
    );
    // A new event would copy the forged time: it is refused, and nothing is written.
    let refused = sandbox
        .run(&[
            "weakness",
            "add",
            "W3",
            "--title",
            "EHC plan quality",
            "--on",
            "2021-04-20",
        ])
        .code_is(1);
    assert!(
        refused.stderr.contains("head record has been altered"),
        "{}",
        refused.stderr
    );
    let ledger = wsoa_store::Ledger::open(&sandbox.data()).expect("opens");
    assert_eq!(
        wsoa_store::raw::event_bytes(&ledger, events as u64).expect("readable"),
        None
    );
}
