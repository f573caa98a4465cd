//! The auditor's story through the real binary: a board signs a checkpoint, a DfE adviser
//! cosigns it, the ledger grows and still extends it, proofs are checked without the ledger, and
//! a history rewritten or cut short behind the ledger's back (re-chained so that the hash chain
//! alone verifies) is caught by the checkpoint.

use crate::harness::Sandbox;

/// Generates a key and returns its verifier key.
fn key(sandbox: &Sandbox, name: &str, file: &str) -> String {
    let output = sandbox.json(&["key", "generate", "--name", name, "--out", file]);
    let vkey = output.json()["verifier_key"]
        .as_str()
        .expect("a verifier key")
        .to_owned();
    assert!(vkey.starts_with(&format!("{name}+")), "{vkey}");
    vkey
}

/// Writes what a command printed to a file in the sandbox.
fn save(sandbox: &Sandbox, name: &str, args: &[&str]) -> String {
    let output = sandbox.run(args).success();
    let path = sandbox.file(name, output.stdout.as_bytes());
    path.to_str().expect("UTF-8 path").to_owned()
}

#[test]
fn checkpoints_pin_the_history_and_proofs_check_without_the_ledger() {
    let sandbox = Sandbox::new();
    sandbox.json(&["demo"]);
    let board = key(&sandbox, "northshire-board", "board.key");
    let adviser = key(&sandbox, "dfe-adviser", "adviser.key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(sandbox.root().join("board.key"))
            .expect("the key exists")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the signing key is private");
    }

    // The board signs; the adviser checks the board's signature and cosigns.
    let signed = save(
        &sandbox,
        "v3.checkpoint",
        &["checkpoint", "--key", "board.key"],
    );
    let cosigned = save(
        &sandbox,
        "v3.cosigned",
        &["cosign", &signed, "--key", "adviser.key", "--trust", &board],
    );
    let text = std::fs::read_to_string(&cosigned).expect("written");
    assert!(
        text.contains("— northshire-board ") && text.contains("— dfe-adviser "),
        "{text}"
    );
    let size: u64 = text
        .lines()
        .nth(1)
        .expect("a size line")
        .parse()
        .expect("a number");

    // The ledger grows, and still extends the cosigned checkpoint.
    sandbox.record(&[
        "note",
        "add",
        "--about",
        "W1",
        "--text",
        "Parents say plans are clearer",
        "--on",
        "2022-10-21",
    ]);
    let verified = sandbox
        .run(&[
            "verify",
            "--checkpoint",
            &cosigned,
            "--trust",
            &board,
            "--trust",
            &adviser,
        ])
        .success();
    assert!(
        verified.stdout.contains(&format!(
            "extends the checkpoint of its first {size} events"
        )),
        "{}",
        verified.stdout
    );

    // A proof of one event, and of growth, checked with only the checkpoint and a key.
    let proof = save(
        &sandbox,
        "e41.proof",
        &[
            "--format",
            "json",
            "prove",
            "41",
            "--size",
            &size.to_string(),
        ],
    );
    let checked = sandbox
        .run(&[
            "check-proof",
            &proof,
            "--checkpoint",
            &cosigned,
            "--trust",
            &adviser,
        ])
        .success();
    assert!(
        checked.stdout.contains("Event 41 is in the ledger"),
        "{}",
        checked.stdout
    );
    let growth = save(
        &sandbox,
        "growth.proof",
        &[
            "--format",
            "json",
            "prove",
            "--from",
            "100",
            "--to",
            &size.to_string(),
        ],
    );
    sandbox
        .run(&[
            "check-proof",
            &growth,
            "--checkpoint",
            &signed,
            "--trust",
            &board,
        ])
        .success();

    // A proof with one hash flipped, or checked against an untrusted key, is refused.
    let mut forged: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&proof).expect("written")).expect("JSON");
    let first = forged["proof"][0].as_str().expect("a hash").to_owned();
    let flipped = format!(
        "{}{}",
        if first.starts_with('0') { "1" } else { "0" },
        &first[1..]
    );
    forged["proof"][0] = serde_json::Value::String(flipped);
    let forged = sandbox.file("forged.proof", forged.to_string().as_bytes());
    let refused = sandbox
        .run(&[
            "check-proof",
            forged.to_str().expect("UTF-8"),
            "--checkpoint",
            &cosigned,
            "--trust",
            &adviser,
        ])
        .code_is(1);
    assert!(
        refused.stderr.contains("does not verify"),
        "{}",
        refused.stderr
    );
    let stranger = key(&sandbox, "stranger", "stranger.key");
    let refused = sandbox
        .run(&[
            "check-proof",
            &proof,
            "--checkpoint",
            &cosigned,
            "--trust",
            &stranger,
        ])
        .code_is(2);
    assert!(refused.stderr.contains("signatures"), "{}", refused.stderr);
}

#[test]
fn a_rewritten_or_truncated_history_is_caught_by_the_checkpoint() {
    let sandbox = Sandbox::new();
    sandbox.json(&["demo"]);
    let board = key(&sandbox, "northshire-board", "board.key");
    let signed = save(&sandbox, "cp", &["checkpoint", "--key", "board.key"]);

    // Someone with the database rewrites event 30 and re-chains everything after it.
    {
        let ledger = wsoa_store::Ledger::open(&sandbox.data()).expect("opens");
        wsoa_store::raw::rewrite_history(&ledger, 30, |event| {
            event.actor.name = "Someone else".to_owned();
        })
        .expect("raw write");
    }
    // The checkpoint `wsoa checkpoint` kept catches it without being given, and so does the
    // one the auditor brings.
    let kept = sandbox.run(&["verify"]).code_is(1);
    assert!(
        kept.stdout.contains("kept with the history") && kept.stdout.contains("rewritten"),
        "{}",
        kept.stdout
    );
    let caught = sandbox
        .run(&["verify", "--checkpoint", &signed, "--trust", &board])
        .code_is(1);
    assert!(caught.stdout.contains("rewritten"), "{}", caught.stdout);

    // Cutting the tail off is caught too.
    let sandbox = Sandbox::new();
    sandbox.json(&["demo"]);
    let board = key(&sandbox, "northshire-board", "board.key");
    let signed = save(&sandbox, "cp", &["checkpoint", "--key", "board.key"]);
    {
        let ledger = wsoa_store::Ledger::open(&sandbox.data()).expect("opens");
        let len = ledger.len().expect("readable");
        wsoa_store::raw::truncate(&ledger, len - 5).expect("raw write");
    }
    let kept = sandbox.run(&["verify"]).code_is(1);
    assert!(kept.stdout.contains("cut off the end"), "{}", kept.stdout);
    let caught = sandbox
        .run(&[
            "--format",
            "json",
            "verify",
            "--checkpoint",
            &signed,
            "--trust",
            &board,
        ])
        .code_is(1);
    let report: serde_json::Value = serde_json::from_str(caught.stdout.trim()).expect("JSON");
    assert_eq!(report["ok"], false);
    assert!(
        report["message"]
            .as_str()
            .expect("a message")
            .contains("cut off"),
        "{report}"
    );
}

#[test]
fn a_bundle_verifies_offline_catches_corruption_and_restores_a_ledger() {
    let sandbox = Sandbox::new();
    sandbox.json(&["demo"]);
    let board = key(&sandbox, "northshire-board", "board.key");
    let signed = save(&sandbox, "cp", &["checkpoint", "--key", "board.key"]);
    let head = sandbox.verified()["head"]
        .as_str()
        .expect("a head")
        .to_owned();

    // Export, and refuse to overwrite the file.
    sandbox.run(&["export", "--out", "bundle.wsoa"]).success();
    let refused = sandbox.run(&["export", "--out", "bundle.wsoa"]).code_is(2);
    assert!(refused.stderr.contains("bundle.wsoa"), "{}", refused.stderr);

    // Verified offline (no ledger needed), with the same head, and against the checkpoint.
    let elsewhere = Sandbox::new();
    let bundle = sandbox.root().join("bundle.wsoa");
    let bundle_arg = bundle.to_str().expect("UTF-8 path");
    let offline = elsewhere
        .json(&[
            "verify",
            bundle_arg,
            "--checkpoint",
            &signed,
            "--trust",
            &board,
        ])
        .json();
    assert_eq!(offline["ok"], true, "{offline}");
    assert_eq!(offline["head"], head.as_str());
    assert_eq!(offline["checkpoints"], 1);
    assert!(
        !elsewhere.data().exists(),
        "verifying a bundle creates no ledger"
    );

    // One byte altered: exit 1, naming what is wrong.
    let mut bytes = std::fs::read(&bundle).expect("written");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    let corrupt = sandbox.file("corrupt.wsoa", &bytes);
    let caught = sandbox
        .run(&["verify", corrupt.to_str().expect("UTF-8 path")])
        .code_is(1);
    assert!(
        caught.stdout.contains("does NOT verify"),
        "{}",
        caught.stdout
    );
    let restored = sandbox.root().join("restored");
    import(&sandbox, corrupt.to_str().expect("UTF-8"), &restored).code_is(1);
    assert!(!restored.exists(), "a corrupt bundle restores nothing");

    // Imported into a new directory, the copy verifies with the same head and still extends
    // the original checkpoint.
    import(&sandbox, bundle_arg, &restored).success();
    let data = restored.to_str().expect("UTF-8 path");
    let copy = with_data(&sandbox, data, &["--format", "json", "verify"]);
    let copy = copy.success().json();
    assert_eq!(copy["head"], head.as_str());
    with_data(
        &sandbox,
        data,
        &["verify", "--checkpoint", &signed, "--trust", &board],
    )
    .success();
    // Importing again over the copy is refused.
    import(&sandbox, bundle_arg, &restored).code_is(2);
}

/// Runs `wsoa import FILE --data DIR`.
fn import(sandbox: &Sandbox, bundle: &str, dir: &std::path::Path) -> crate::harness::Output {
    let mut command = sandbox.command();
    command.arg("import").arg(bundle).arg("--data").arg(dir);
    crate::harness::run_command(command)
}

/// Runs `wsoa --data DIR ARGS`.
fn with_data(sandbox: &Sandbox, dir: &str, args: &[&str]) -> crate::harness::Output {
    let mut command = sandbox.command();
    command.arg("--data").arg(dir).args(args);
    crate::harness::run_command(command)
}

#[test]
fn a_cosigned_checkpoint_recorded_in_the_ledger_is_told_in_the_timeline_and_narrative() {
    let sandbox = Sandbox::new();
    sandbox.json(&["demo"]);
    let board = key(&sandbox, "northshire-board", "board.key");
    key(&sandbox, "dfe-adviser", "adviser.key");
    let signed = save(&sandbox, "cp", &["checkpoint", "--key", "board.key"]);
    let cosigned = save(
        &sandbox,
        "cp.cosigned",
        &["cosign", &signed, "--key", "adviser.key", "--trust", &board],
    );
    let recorded = sandbox.record(&["checkpoint", "record", &cosigned, "--on", "2022-10-21"]);
    assert_eq!(recorded["kind"], "checkpoint_recorded");

    let timeline = sandbox
        .run(&["timeline", "--kind", "checkpoint_recorded"])
        .success();
    assert!(
        timeline.stdout.contains("witnessed")
            && timeline.stdout.contains("northshire-board and dfe-adviser"),
        "{}",
        timeline.stdout
    );
    let narrative = sandbox.run(&["narrative"]).success();
    assert!(
        narrative.stdout.contains("was witnessed"),
        "{}",
        narrative.stdout
    );
    sandbox.run(&["verify"]).success();

    // A checkpoint of another ledger is refused, and nothing is recorded.
    let other = Sandbox::opened();
    let before = other.verified();
    let refused = other.run(&["checkpoint", "record", &cosigned]).code_is(2);
    assert!(
        refused.stderr.contains("another ledger"),
        "{}",
        refused.stderr
    );
    assert_eq!(other.verified(), before);
}

#[test]
fn an_excerpt_about_one_workstream_is_proven_event_by_event() {
    let sandbox = Sandbox::new();
    sandbox.json(&["demo"]);
    // No checkpoint yet: an excerpt has nothing to be proven against.
    let refused = sandbox
        .run(&["export", "--out", "ws1.excerpt", "--about", "WS1"])
        .code_is(2);
    assert!(
        refused.stderr.contains("wsoa checkpoint --key"),
        "{}",
        refused.stderr
    );

    let board = key(&sandbox, "northshire-board", "board.key");
    sandbox.run(&["checkpoint", "--key", "board.key"]).success();
    let exported = sandbox
        .json(&["export", "--out", "ws1.excerpt", "--about", "WS1"])
        .json();
    let events = exported["events"].as_u64().expect("a count");
    assert!(events >= 5, "{exported}");

    let checked = sandbox
        .run(&[
            "--format",
            "json",
            "verify",
            "ws1.excerpt",
            "--trust",
            &board,
        ])
        .success();
    let report: serde_json::Value = serde_json::from_str(checked.stdout.trim()).expect("JSON");
    assert_eq!(report["ok"], true);
    assert_eq!(
        report["events"].as_array().map(Vec::len),
        Some(events as usize)
    );
    assert!(
        report["message"]
            .as_str()
            .expect("a message")
            .contains("signed by northshire-board"),
        "{report}"
    );

    let path = sandbox.root().join("ws1.excerpt");
    let mut bytes = std::fs::read(&path).expect("written");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&path, bytes).expect("written");
    let caught = sandbox.run(&["verify", "ws1.excerpt"]).code_is(1);
    assert!(
        caught.stdout.contains("does NOT verify"),
        "{}",
        caught.stdout
    );
}

/// A small ledger: opened, with two weaknesses (three events).
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

/// Changes one base64 character of line `line` (counted from 0; -1 is the last) of a kept
/// checkpoint, behind the ledger's back.
fn alter_kept(sandbox: &Sandbox, size: u64, line: isize) {
    let ledger = wsoa_store::Ledger::open(&sandbox.data()).expect("opens");
    let note = wsoa_store::raw::checkpoint_bytes(&ledger, size)
        .expect("readable")
        .expect("a kept checkpoint");
    let note = String::from_utf8(note).expect("UTF-8");
    let lines: Vec<&str> = note.lines().collect();
    let index = if line < 0 {
        lines.len() - 1
    } else {
        line as usize
    };
    let target = lines[index];
    let mut bytes = target.as_bytes().to_vec();
    let at = bytes.len() - 5;
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    let altered = note.replacen(target, std::str::from_utf8(&bytes).expect("ASCII"), 1);
    wsoa_store::raw::put_checkpoint_bytes(&ledger, size, altered.as_bytes()).expect("raw write");
}

fn kept_note(sandbox: &Sandbox, size: u64) -> Option<Vec<u8>> {
    let ledger = wsoa_store::Ledger::open(&sandbox.data()).expect("opens");
    wsoa_store::raw::checkpoint_bytes(&ledger, size).expect("readable")
}

#[test]
fn cosign_refuses_a_checkpoint_that_contradicts_the_open_ledger() {
    let sandbox = small();
    let board = key(&sandbox, "northshire-board", "board.key");
    let adviser_file = sandbox.root().join("adviser.key");
    let adviser_file = adviser_file.to_str().expect("UTF-8").to_owned();
    key(&sandbox, "dfe-adviser", &adviser_file);
    let signed = save(&sandbox, "cp", &["checkpoint", "--key", "board.key"]);
    let cosign =
        |on: &Sandbox| on.run(&["cosign", &signed, "--key", &adviser_file, "--trust", &board]);

    // Another ledger open: its origin differs.
    let other = small();
    let refused = cosign(&other).code_is(1);
    assert!(
        refused
            .stderr
            .contains("is of the ledger wsoa/northshire-local-area/")
            && refused.stderr.contains("do not cosign"),
        "{}",
        refused.stderr
    );
    assert!(refused.stdout.is_empty(), "{}", refused.stdout);
    assert_eq!(
        kept_note(&other, 3),
        None,
        "nothing kept in the other ledger"
    );

    // The kept checkpoint altered behind the ledger's back is never replaced.
    alter_kept(&sandbox, 3, 2);
    let altered = kept_note(&sandbox, 3);
    let refused = cosign(&sandbox).code_is(1);
    assert!(
        refused
            .stderr
            .contains("already keeps a different checkpoint of 3 events"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        kept_note(&sandbox, 3),
        altered,
        "the stored checkpoint is unchanged"
    );

    // The history rewritten under it: the root differs.
    {
        let ledger = wsoa_store::Ledger::open(&sandbox.data()).expect("opens");
        wsoa_store::raw::remove_checkpoint(&ledger, 3).expect("raw write");
        wsoa_store::raw::rewrite_history(&ledger, 1, |event| {
            event.actor.name = "Someone else".to_owned();
        })
        .expect("raw write");
    }
    let refused = cosign(&sandbox).code_is(1);
    assert!(
        refused.stderr.contains("does not describe this history"),
        "{}",
        refused.stderr
    );
    assert_eq!(kept_note(&sandbox, 3), None, "nothing kept");

    // Cut short: the checkpoint is larger than the ledger.
    {
        let ledger = wsoa_store::Ledger::open(&sandbox.data()).expect("opens");
        wsoa_store::raw::truncate(&ledger, 2).expect("raw write");
    }
    let refused = cosign(&sandbox).code_is(1);
    assert!(
        refused.stderr.contains("it has only 2"),
        "{}",
        refused.stderr
    );

    // The same checkpoint on the intact ledger is cosigned and kept with both signatures.
    let intact = small();
    let board = key(&intact, "northshire-board", "board.key");
    let adviser = key(&intact, "dfe-adviser", "adviser.key");
    let signed = save(&intact, "cp", &["checkpoint", "--key", "board.key"]);
    intact
        .run(&["cosign", &signed, "--key", "adviser.key", "--trust", &board])
        .success();
    let kept = String::from_utf8(kept_note(&intact, 3).expect("kept")).expect("UTF-8");
    assert!(kept.contains("— dfe-adviser "), "{kept}");
    let report = intact
        .json(&["verify", "--trust", &board, "--trust", &adviser])
        .json();
    assert_eq!(report["kept_checkpoints"], 1, "{report}");
    assert_eq!(report["kept_signatures_checked"], true, "{report}");
}

#[test]
fn a_bundle_carrying_an_altered_checkpoint_is_refused_by_verify_and_import() {
    // The root altered: caught without keys.
    let sandbox = small();
    let board = key(&sandbox, "northshire-board", "board.key");
    save(&sandbox, "cp", &["checkpoint", "--key", "board.key"]);
    alter_kept(&sandbox, 3, 2);
    // The export copies what is kept; the bundle's end hash is right.
    sandbox.run(&["export", "--out", "root.wsoa"]).success();
    let bundle = sandbox.root().join("root.wsoa");
    let bundle = bundle.to_str().expect("UTF-8");
    let caught = Sandbox::new().run(&["verify", bundle]).code_is(1);
    assert!(
        caught.stdout.contains("checkpoint of 3 events") && caught.stdout.contains("rewritten"),
        "{}",
        caught.stdout
    );
    let restored = sandbox.root().join("restored");
    let refused = import(&sandbox, bundle, &restored).code_is(1);
    assert!(
        refused.stderr.contains("checkpoint of 3 events"),
        "{}",
        refused.stderr
    );
    assert!(!restored.exists(), "nothing is restored");

    // The signature altered: caught when the key is trusted.
    let sandbox = small();
    let board2 = key(&sandbox, "northshire-board", "board.key");
    assert_ne!(board, board2);
    save(&sandbox, "cp", &["checkpoint", "--key", "board.key"]);
    alter_kept(&sandbox, 3, -1);
    sandbox.run(&["export", "--out", "sig.wsoa"]).success();
    let bundle = sandbox.root().join("sig.wsoa");
    let bundle = bundle.to_str().expect("UTF-8");
    let elsewhere = Sandbox::new();
    let unchecked = elsewhere.json(&["verify", bundle]).json();
    assert_eq!(unchecked["ok"], true, "{unchecked}");
    assert_eq!(unchecked["kept_signatures_checked"], false, "{unchecked}");
    let caught = elsewhere
        .run(&["verify", bundle, "--trust", &board2])
        .code_is(1);
    assert!(
        caught.stdout.contains("signatures do not verify"),
        "{}",
        caught.stdout
    );
    let restored = sandbox.root().join("restored");
    let mut command = sandbox.command();
    command
        .arg("import")
        .arg(bundle)
        .arg("--trust")
        .arg(&board2)
        .arg("--data")
        .arg(&restored);
    let refused = crate::harness::run_command(command).code_is(1);
    assert!(
        refused.stderr.contains("signatures do not verify"),
        "{}",
        refused.stderr
    );
    assert!(!restored.exists(), "nothing is restored");
}
