//! Tampering: raw edits to the database (`wsoa_store::raw`) of a ledger with a realistic history
//! and evidence, and the exact failure, position and message that `Ledger::verify` reports.

use wsoa_core::note::Verifier;
use wsoa_core::{DecodeError, Digest, chain_hash, content_hash, decode_event, encode_event};
use wsoa_store::{Failure, Ledger, StoreError, VerifyError, VerifyReport, raw};

use crate::fixture::{Fixture, find, on, read_blob};

/// Verifies `ledger` as `Ledger::verify_pinned` (or `verify_trusting`, with `trust`) does, and
/// checks that the walk it runs (read ahead in batches, each decoded and hashed on a second
/// thread; chain hashes and tree nodes read in key order) reports exactly what the reference
/// walk reports (one event at a time on one thread, each record read by its key), for batches
/// of every size from 1 to beyond the whole ledger, so that a failure falls at every place in
/// a batch. Every verification in the tamper and tree tests goes through here.
pub(crate) fn walks(
    ledger: &Ledger,
    pins: &[(u64, Digest)],
    trust: Option<&[Verifier]>,
) -> Result<VerifyReport, VerifyError> {
    let reference = ledger.verify_reference(pins, trust);
    for batch in [1, 2, 3, 4, 7, 16, 1000] {
        assert_eq!(
            ledger.verify_in_batches(pins, trust, batch),
            reference,
            "read ahead in batches of {batch}"
        );
    }
    let verified = match trust {
        Some(trust) => ledger.verify_trusting(pins, trust),
        None => ledger.verify_pinned(pins),
    };
    // `verify` also checks the kept projections after the walk; the walks themselves agree.
    let walked = verified.clone().map(|mut report| {
        report.projections = wsoa_store::ProjectionCheck::default();
        report
    });
    assert_eq!(walked, reference, "as verify runs it");
    verified
}

/// [`walks`] without pins or trusted keys: `Ledger::verify`.
fn verify(f: &Fixture) -> Result<VerifyReport, VerifyError> {
    walks(&f.ledger, &[], None)
}

/// Verification must fail; returns how.
fn verify_fails(f: &Fixture) -> VerifyError {
    match verify(f) {
        Ok(report) => panic!("a tampered ledger verified: {report}"),
        Err(err) => err,
    }
}

/// The stored bytes of event `seq`.
fn bytes_of(f: &Fixture, seq: u64) -> Vec<u8> {
    raw::event_bytes(&f.ledger, seq)
        .expect("the database is readable")
        .expect("the event is stored")
}

/// Changes one byte of event `seq`'s text, keeping it a valid event; returns the new bytes.
fn alter_text(f: &Fixture, seq: u64, needle: &[u8], replacement: u8) -> Vec<u8> {
    let mut bytes = bytes_of(f, seq);
    let at = find(&bytes, needle);
    bytes[at] = replacement;
    raw::put_event_bytes(&f.ledger, seq, &bytes).expect("raw write");
    bytes
}

fn assert_names(err: &VerifyError, words: &str) {
    let message = err.to_string();
    assert!(
        message.contains(words),
        "the message should contain {words:?}: {message}"
    );
}

#[test]
fn an_intact_ledger_verifies_with_its_count_and_head_hash() {
    let f = Fixture::history();
    let report = verify(&f).expect("an intact ledger verifies");
    let head = f.ledger.head().expect("the head record is readable");
    let events = f.events();
    let last = events.last().expect("the history has events");

    assert_eq!(report.events, 22);
    assert_eq!(report.events, events.len() as u64);
    assert_eq!(report.events, head.len);
    assert_eq!(report.head, head.hash);
    assert_eq!(report.head, last.hash);
    assert_eq!(head.recorded_at, last.event.recorded_at);
    assert_eq!(report.evidence_checked, 3);
    assert_eq!(report.evidence_redacted, 0);

    let mut prev = Digest::ZERO;
    for (position, stored) in events.iter().enumerate() {
        assert_eq!(stored.event.seq, position as u64);
        assert_eq!(
            stored.event.prev, prev,
            "event {position} links to the one before"
        );
        assert_eq!(stored.hash, chain_hash(&stored.bytes));
        assert_eq!(stored.bytes, encode_event(&stored.event));
        prev = stored.hash;
    }

    let message = report.to_string();
    assert!(message.contains("All 22 events were checked"), "{message}");
    assert!(message.contains(&head.hash.to_hex()), "{message}");

    let f = f.reopen();
    assert_eq!(verify(&f), Ok(report), "the same after reopening");
}

#[test]
fn a_text_byte_changed_in_the_middle_is_a_hash_mismatch_at_that_event() {
    let f = Fixture::history();
    let seq = f.seq_of("monitoring_visit_recorded");
    let recorded = f.hash_of(seq);
    let bytes = alter_text(&f, seq, b"good progress", b'G');
    assert!(
        decode_event(&bytes).is_ok(),
        "the altered bytes still decode"
    );

    let err = verify_fails(&f);
    assert_eq!(err.seq, Some(seq));
    match &err.failure {
        Failure::HashMismatch {
            seq: at,
            stored,
            computed,
        } => {
            assert_eq!(*at, seq);
            assert_eq!(*stored, recorded);
            assert_eq!(*computed, chain_hash(&bytes));
        }
        other => panic!("expected HashMismatch, got {other:?}"),
    }
    assert_names(&err, &format!("event {seq} has been altered"));
}

#[test]
fn a_byte_that_breaks_decoding_is_undecodable_at_that_event() {
    let f = Fixture::history();
    let seq = f.seq_of("monitoring_visit_recorded");
    // 0xFF is never valid UTF-8, so the summary no longer decodes as text.
    alter_text(&f, seq, b"good progress", 0xFF);

    let err = verify_fails(&f);
    assert_eq!(err.seq, Some(seq));
    match &err.failure {
        Failure::Undecodable {
            seq: at,
            source: DecodeError::Malformed(_),
        } => assert_eq!(*at, seq),
        other => panic!("expected Undecodable (malformed), got {other:?}"),
    }
    assert_names(&err, &format!("event {seq} cannot be decoded"));

    // Reading the event back reports the same damage instead of returning garbage.
    match f.ledger.event(seq) {
        Err(StoreError::Corrupt { seq: at, .. }) => assert_eq!(at, seq),
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

#[test]
fn a_changed_prev_hash_is_a_bad_link_at_that_event() {
    let f = Fixture::history();
    let seq = f.seq_of("progress_reviewed");
    let previous = f.hash_of(seq - 1);
    let mut bytes = bytes_of(&f, seq);
    let at = find(&bytes, previous.as_bytes());
    bytes[at + 5] ^= 0x40;
    raw::put_event_bytes(&f.ledger, seq, &bytes).expect("raw write");

    let err = verify_fails(&f);
    assert_eq!(err.seq, Some(seq));
    match &err.failure {
        Failure::BadLink {
            seq: at,
            expected,
            found,
        } => {
            assert_eq!(*at, seq);
            assert_eq!(*expected, previous);
            let mut altered = previous;
            altered.0[5] ^= 0x40;
            assert_eq!(*found, altered);
        }
        other => panic!("expected BadLink, got {other:?}"),
    }
    assert_names(
        &err,
        &format!("event {seq} does not link to event {}", seq - 1),
    );
}

#[test]
fn a_changed_chain_record_is_a_hash_mismatch_at_that_event() {
    let f = Fixture::history();
    let seq = f.seq_of("note_added");
    let real = f.hash_of(seq);
    raw::put_chain_hash(&f.ledger, seq, Digest([7; 32])).expect("raw write");

    let err = verify_fails(&f);
    assert_eq!(err.seq, Some(seq));
    assert_eq!(
        err.failure,
        Failure::HashMismatch {
            seq,
            stored: Digest([7; 32]),
            computed: real,
        }
    );
    assert_names(&err, &format!("event {seq} has been altered"));
}

/// Every single-bit change anywhere in a stored event is caught, and located at that event.
#[test]
fn every_single_bit_flip_in_an_event_is_caught_at_that_event() {
    let f = Fixture::history();
    let seq = f.seq_of("action_amended") - 1;
    let original = bytes_of(&f, seq);
    for index in 0..original.len() {
        for bit in [0x01u8, 0x80] {
            let mut bytes = original.clone();
            bytes[index] ^= bit;
            raw::put_event_bytes(&f.ledger, seq, &bytes).expect("raw write");
            let err = verify_fails(&f);
            assert_eq!(err.seq, Some(seq), "flip {bit:#x} at byte {index}: {err}");
            let at = match &err.failure {
                Failure::Undecodable { seq, .. }
                | Failure::BadLink { seq, .. }
                | Failure::HashMismatch { seq, .. } => *seq,
                Failure::Misplaced { position, .. } => *position,
                other => panic!("flip {bit:#x} at byte {index}: unexpected {other:?}"),
            };
            assert_eq!(at, seq, "flip {bit:#x} at byte {index}: {err}");
            let message = err.to_string();
            assert!(
                message.contains(&format!("event {seq} "))
                    || message.contains(&format!("position {seq} ")),
                "flip {bit:#x} at byte {index}: the message should name event {seq}: {message}"
            );
        }
    }
    raw::put_event_bytes(&f.ledger, seq, &original).expect("raw write");
    verify(&f).expect("the original bytes verify again");
}

#[test]
fn an_altered_event_with_its_chain_record_fixed_breaks_the_next_link() {
    let f = Fixture::history();
    let seq = f.seq_of("monitoring_visit_recorded");
    let old = f.hash_of(seq);
    let bytes = alter_text(&f, seq, b"good progress", b'G');
    let new = chain_hash(&bytes);
    raw::put_chain_hash(&f.ledger, seq, new).expect("raw write");

    let err = verify_fails(&f);
    let next = seq + 1;
    assert_eq!(err.seq, Some(next));
    assert_eq!(
        err.failure,
        Failure::BadLink {
            seq: next,
            expected: new,
            found: old,
        }
    );
    assert_names(&err, &format!("event {next} does not link to event {seq}"));
}

#[test]
fn an_altered_last_event_with_its_chain_record_fixed_disagrees_with_the_head() {
    let f = Fixture::history();
    let len = f.len();
    let last = len - 1;
    let old = f.hash_of(last);
    let bytes = alter_text(&f, last, b"home visits", b'H');
    let new = chain_hash(&bytes);
    raw::put_chain_hash(&f.ledger, last, new).expect("raw write");

    let err = verify_fails(&f);
    // The last event is the one that no longer matches the head record.
    assert_eq!(err.seq, Some(last));
    assert_eq!(
        err.failure,
        Failure::HeadMismatch {
            head_len: len,
            head_hash: old,
            events: len,
            last_hash: new,
        }
    );
    assert_names(
        &err,
        &format!("has {len} events ending in {old}, but it has {len} events ending in {new}"),
    );
}

#[test]
fn an_event_added_behind_the_ledgers_back_disagrees_with_the_head() {
    let f = Fixture::history();
    let len = f.len();
    let head = f.ledger.head().expect("readable");
    // A well-formed event that links correctly, written straight into the database.
    let mut forged = f
        .ledger
        .event(len - 1)
        .expect("readable")
        .expect("exists")
        .event;
    forged.seq = len;
    forged.prev = head.hash;
    let bytes = encode_event(&forged);
    raw::put_event_bytes(&f.ledger, len, &bytes).expect("raw write");
    raw::put_chain_hash(&f.ledger, len, chain_hash(&bytes)).expect("raw write");

    let err = verify_fails(&f);
    assert_eq!(
        err.seq,
        Some(len),
        "the first event the head does not account for"
    );
    assert_eq!(
        err.failure,
        Failure::HeadMismatch {
            head_len: len,
            head_hash: head.hash,
            events: len + 1,
            last_hash: chain_hash(&bytes),
        }
    );
    assert_names(
        &err,
        &format!("the head record says the ledger has {len} events"),
    );
    assert_names(&err, &format!("but it has {} events", len + 1));
}

#[test]
fn a_deleted_event_in_the_middle_is_a_gap() {
    let f = Fixture::history();
    let seq = f.seq_of("measure_recorded");
    raw::remove_event(&f.ledger, seq).expect("raw delete");

    let err = verify_fails(&f);
    assert_eq!(err.seq, Some(seq));
    assert_eq!(
        err.failure,
        Failure::Gap {
            expected: seq,
            found: seq + 1,
        }
    );
    assert_names(&err, &format!("event {seq} is missing"));

    // Two more deleted after it: the gap is reported from the first missing one.
    raw::remove_event(&f.ledger, seq + 1).expect("raw delete");
    raw::remove_event(&f.ledger, seq + 2).expect("raw delete");
    let err = verify_fails(&f);
    assert_eq!(err.seq, Some(seq));
    assert_eq!(
        err.failure,
        Failure::Gap {
            expected: seq,
            found: seq + 3,
        }
    );
}

#[test]
fn a_deleted_first_event_is_a_gap_at_zero() {
    let f = Fixture::history();
    raw::remove_event(&f.ledger, 0).expect("raw delete");
    let err = verify_fails(&f);
    assert_eq!(err.seq, Some(0));
    assert_eq!(
        err.failure,
        Failure::Gap {
            expected: 0,
            found: 1,
        }
    );
    assert_names(&err, "event 0 is missing");
}

#[test]
fn a_deleted_last_event_disagrees_with_the_head() {
    let f = Fixture::history();
    let len = f.len();
    let last_hash = f.hash_of(len - 1);
    let new_last_hash = f.hash_of(len - 2);
    raw::remove_event(&f.ledger, len - 1).expect("raw delete");

    let err = verify_fails(&f);
    assert_eq!(err.seq, Some(len - 1));
    assert_eq!(
        err.failure,
        Failure::HeadMismatch {
            head_len: len,
            head_hash: last_hash,
            events: len - 1,
            last_hash: new_last_hash,
        }
    );
    assert_names(
        &err,
        &format!("the head record says the ledger has {len} events"),
    );
    assert_names(&err, &format!("but it has {} events", len - 1));
}

#[test]
fn swapped_events_are_misplaced() {
    let f = Fixture::history();
    let a = f.seq_of("workstream_created");
    let b = f.seq_of("progress_reviewed");
    raw::swap_events(&f.ledger, a, b).expect("raw swap");

    let err = verify_fails(&f);
    assert_eq!(err.seq, Some(a));
    assert_eq!(
        err.failure,
        Failure::Misplaced {
            position: a,
            claims: b,
        }
    );
    assert_names(&err, &format!("position {a} says it is event {b}"));

    // Swapping back restores an intact ledger: the swap moved both bytes and chain records.
    raw::swap_events(&f.ledger, a, b).expect("raw swap");
    verify(&f).expect("swapped back, the ledger verifies");

    raw::swap_events(&f.ledger, b, b + 1).expect("raw swap");
    let err = verify_fails(&f);
    assert_eq!(err.seq, Some(b));
    assert_eq!(
        err.failure,
        Failure::Misplaced {
            position: b,
            claims: b + 1,
        }
    );
}

#[test]
fn a_dropped_head_record_is_head_missing_and_stops_appends() {
    let mut f = Fixture::history();
    let len = f.len();
    raw::remove_head(&f.ledger).expect("raw delete");

    let err = verify_fails(&f);
    assert_eq!(err.seq, None);
    assert_eq!(err.failure, Failure::HeadMissing { events: len });
    assert_names(&err, &format!("the ledger holds {len} events"));

    assert!(matches!(f.ledger.head(), Err(StoreError::Damaged(_))));
    let refused = f.ledger.execute(
        &wsoa_core::Command::SubmitPlan { summary: None },
        &on("2020-05-01", "2020-05-01"),
    );
    assert!(
        matches!(refused, Err(StoreError::Damaged(_))),
        "{refused:?}"
    );
    assert_eq!(raw::event_bytes(&f.ledger, len).expect("readable"), None);

    let f = f.reopen();
    assert_eq!(
        verify_fails(&f).failure,
        Failure::HeadMissing { events: len }
    );
}

#[test]
fn altered_evidence_names_the_evidence_and_the_event_that_attached_it() {
    let f = Fixture::history();
    let e2 = f.evidence("E2");
    assert!(raw::alter_blob(&f.ledger, &e2.hash).expect("raw write"));
    let mut altered = e2.content.clone();
    altered[0] ^= 0x01;

    let err = verify_fails(&f);
    assert_eq!(err.seq, Some(e2.seq));
    assert_eq!(
        err.failure,
        Failure::EvidenceAltered {
            id: e2.id.clone(),
            seq: e2.seq,
            expected: e2.hash,
            found: content_hash(&altered),
        }
    );
    assert_names(
        &err,
        &format!(
            "evidence E2 (attached in event {}) has been altered",
            e2.seq
        ),
    );

    match read_blob(&f.ledger, &e2.hash) {
        Err(StoreError::BlobAltered { expected, found }) => {
            assert_eq!(expected, e2.hash);
            assert_eq!(found, content_hash(&altered));
        }
        other => panic!("expected BlobAltered, got {other:?}"),
    }
}

#[test]
fn evidence_removed_without_a_redaction_is_missing() {
    let f = Fixture::history();
    let e1 = f.evidence("E1");
    raw::remove_blob(&f.ledger, &e1.hash).expect("raw delete");
    assert!(!f.ledger.has_blob(&e1.hash).expect("readable"));

    let err = verify_fails(&f);
    assert_eq!(err.seq, Some(e1.seq));
    assert_eq!(
        err.failure,
        Failure::EvidenceMissing {
            id: e1.id.clone(),
            seq: e1.seq,
            hash: e1.hash,
        }
    );
    assert_names(
        &err,
        &format!(
            "evidence E1 (attached in event {}, hash {}) is missing and was not redacted",
            e1.seq, e1.hash
        ),
    );
    assert!(matches!(
        read_blob(&f.ledger, &e1.hash),
        Err(StoreError::BlobMissing(hash)) if hash == e1.hash
    ));

    // The damage is on disk, not in memory.
    let f = f.reopen();
    assert_eq!(verify_fails(&f), err);
}

// Kept checkpoints, the head record's time and the clock rules.

/// The board's signing key in these tests.
fn board() -> wsoa_core::note::Signer {
    wsoa_core::note::Signer::generate("northshire-board", [7; 32]).expect("a signer")
}

/// Keeps a checkpoint of the first `size` events signed by the board; returns its note text.
fn keep_checkpoint(f: &Fixture, size: u64) -> String {
    use wsoa_core::note::{Checkpoint, Note};
    let root = f.ledger.merkle_root(size).expect("root");
    let checkpoint = Checkpoint::new(f.ledger.origin().expect("origin"), size, root);
    let note = Note::sign(&checkpoint.to_text().expect("text"), &board())
        .expect("signed")
        .to_string();
    f.ledger.keep_checkpoint(size, &note).expect("kept");
    note
}

fn kept_failure(err: &VerifyError) -> (u64, String) {
    match &err.failure {
        Failure::KeptCheckpoint { size, why } => (*size, why.clone()),
        other => panic!("expected a kept checkpoint failure, got {other:?}: {err}"),
    }
}

#[test]
fn the_report_says_when_no_checkpoint_is_kept_and_checks_those_that_are() {
    let f = Fixture::history();
    let report = verify(&f).expect("verifies");
    assert_eq!(report.checkpoints, 0);
    let message = report.to_string();
    assert!(
        message.contains("No signed checkpoint is kept"),
        "{message}"
    );
    assert!(message.contains("signed before it"), "{message}");

    keep_checkpoint(&f, 10);
    keep_checkpoint(&f, f.len());
    let report = verify(&f).expect("verifies");
    assert_eq!(report.checkpoints, 2);
    assert!(!report.signatures_checked);
    assert!(
        report.to_string().contains("All 2 signed checkpoints"),
        "{report}"
    );
    let trusted =
        walks(&f.ledger, &[], Some(&[board().verifier()])).expect("verifies with the board's key");
    assert!(trusted.signatures_checked);
    assert!(
        trusted
            .to_string()
            .contains("each verifies with a key you trust"),
        "{trusted}"
    );
}

#[test]
fn a_kept_checkpoints_root_altered_is_caught_and_with_trust_its_signature() {
    let f = Fixture::history();
    let note = keep_checkpoint(&f, 10);
    // The root is the third line of the note; change one character of its base64.
    let lines: Vec<&str> = note.lines().collect();
    let root_line = lines[2];
    let mut altered_root: Vec<u8> = root_line.as_bytes().to_vec();
    altered_root[0] = if altered_root[0] == b'A' { b'B' } else { b'A' };
    let altered = note.replacen(
        root_line,
        std::str::from_utf8(&altered_root).expect("ASCII"),
        1,
    );
    raw::put_checkpoint_bytes(&f.ledger, 10, altered.as_bytes()).expect("raw write");

    let err = verify_fails(&f);
    let (size, why) = kept_failure(&err);
    assert_eq!(size, 10);
    assert_eq!(err.seq, Some(9));
    assert!(why.contains("rewritten"), "{why}");
    let err = walks(&f.ledger, &[], Some(&[board().verifier()]))
        .expect_err("the signature no longer verifies");
    let (size, why) = kept_failure(&err);
    assert_eq!(size, 10);
    assert!(why.contains("signatures do not verify"), "{why}");
}

#[test]
fn a_kept_checkpoints_signature_altered_is_caught_with_trust() {
    let f = Fixture::history();
    let note = keep_checkpoint(&f, 10);
    // The signature line is the last; change one base64 character of the signature itself.
    let last = note.lines().last().expect("a signature line");
    let mut bytes = last.as_bytes().to_vec();
    let at = bytes.len() - 5;
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    let altered = note.replacen(last, std::str::from_utf8(&bytes).expect("ASCII"), 1);
    raw::put_checkpoint_bytes(&f.ledger, 10, altered.as_bytes()).expect("raw write");

    // Without keys only the checkpoint's content can be checked, and it is intact.
    assert_eq!(verify(&f).expect("verifies").checkpoints, 1);
    let err = walks(&f.ledger, &[], Some(&[board().verifier()])).expect_err("caught");
    assert!(
        kept_failure(&err).1.contains("signatures do not verify"),
        "{err}"
    );
}

#[test]
fn a_kept_checkpoint_that_is_garbage_or_under_another_size_is_caught() {
    let f = Fixture::history();
    let note = keep_checkpoint(&f, 10);
    raw::put_checkpoint_bytes(&f.ledger, 10, b"not a note").expect("raw write");
    let (size, why) = kept_failure(&verify_fails(&f));
    assert_eq!(size, 10);
    assert!(why.contains("not a signed note"), "{why}");

    raw::remove_checkpoint(&f.ledger, 10).expect("raw write");
    raw::put_checkpoint_bytes(&f.ledger, 12, note.as_bytes()).expect("raw write");
    let (size, why) = kept_failure(&verify_fails(&f));
    assert_eq!(size, 12);
    assert!(why.contains("kept under size 12"), "{why}");
}

#[test]
fn a_deleted_kept_checkpoint_leaves_a_report_that_says_none_is_kept() {
    let f = Fixture::history();
    keep_checkpoint(&f, 10);
    assert_eq!(verify(&f).expect("verifies").checkpoints, 1);
    raw::remove_checkpoint(&f.ledger, 10).expect("raw write");
    let report = verify(&f).expect("the chain alone still verifies");
    assert_eq!(report.checkpoints, 0);
    assert!(
        report.to_string().contains("No signed checkpoint is kept"),
        "{report}"
    );
}

#[test]
fn a_rechained_rewrite_under_a_kept_checkpoint_is_caught() {
    let f = Fixture::history();
    keep_checkpoint(&f, 12);
    raw::rewrite_history(&f.ledger, 5, |event| {
        event.actor.name = "someone.else@northshire.gov.uk".to_owned();
    })
    .expect("raw write");
    let err = verify_fails(&f);
    let (size, why) = kept_failure(&err);
    assert_eq!((size, err.seq), (12, Some(11)));
    assert!(why.contains("rewritten"), "{why}");
    assert_names(&err, "kept with the history");
}

#[test]
fn a_truncation_under_a_kept_checkpoint_is_caught() {
    let f = Fixture::history();
    let len = f.len();
    keep_checkpoint(&f, len);
    raw::truncate(&f.ledger, len - 3).expect("raw write");
    let err = verify_fails(&f);
    let (size, why) = kept_failure(&err);
    assert_eq!(size, len);
    assert_eq!(err.seq, Some(len - 3));
    assert!(why.contains("cut off the end"), "{why}");
}

#[test]
fn a_kept_checkpoint_of_another_ledger_is_caught() {
    use wsoa_core::note::{Checkpoint, Note};
    let f = Fixture::history();
    let root = f.ledger.merkle_root(10).expect("root");
    let text = Checkpoint::new("wsoa/elsewhere/0123456789abcdef", 10, root)
        .to_text()
        .expect("text");
    let note = Note::sign(&text, &board()).expect("signed").to_string();
    raw::put_checkpoint_bytes(&f.ledger, 10, note.as_bytes()).expect("raw write");
    let (size, why) = kept_failure(&verify_fails(&f));
    assert_eq!(size, 10);
    assert!(why.contains("wsoa/elsewhere/0123456789abcdef"), "{why}");
}

fn note() -> wsoa_core::Command {
    wsoa_core::Command::AddNote(wsoa_core::command::AddNote {
        about: crate::fixture::reference("WS1"),
        text: "Recorded after tampering".to_owned(),
        from: None,
    })
}

/// Flips one bit of the head record's time (its last 8 bytes).
fn flip_head_time(f: &Fixture, bit: u8) {
    let mut head = raw::head_bytes(&f.ledger)
        .expect("readable")
        .expect("a head");
    head[40 + usize::from(bit / 8)] ^= 1 << (bit % 8);
    raw::put_head_bytes(&f.ledger, &head).expect("raw write");
}

#[test]
fn a_flipped_bit_in_the_head_records_time_is_caught_and_appends_nothing() {
    for bit in [0u8, 17, 40, 62] {
        let mut f = Fixture::history();
        let head = f.ledger.head().expect("head");
        flip_head_time(&f, bit);
        let err = verify_fails(&f);
        assert_eq!(err.seq, Some(head.len - 1), "bit {bit}: {err}");
        match &err.failure {
            Failure::HeadTimeMismatch {
                events, last_time, ..
            } => assert_eq!((*events, *last_time), (head.len, head.recorded_at)),
            other => panic!("bit {bit}: expected a head time mismatch, got {other:?}"),
        }
        assert_names(&err, "head record");

        let refused = f
            .ledger
            .execute(&note(), &on("2020-06-01", "2020-06-01"))
            .expect_err("nothing is appended to an altered head");
        assert!(matches!(refused, StoreError::Damaged(_)), "{refused}");
        assert!(
            refused.to_string().contains("head record has been altered"),
            "{refused}"
        );
        assert_eq!(
            raw::event_bytes(&f.ledger, head.len).expect("readable"),
            None
        );
    }
}

#[test]
fn an_impossible_last_time_is_refused_not_copied() {
    let mut f = Fixture::history();
    let len = f.len();
    // Someone re-chains the last event with a time in 2107: the chain verifies again.
    let forged = crate::fixture::noon("2107-12-07");
    raw::rewrite_history(&f.ledger, len - 1, |event| event.recorded_at = forged)
        .expect("raw write");
    verify(&f).expect("a consistent rewrite verifies without a checkpoint");
    let refused = f
        .ledger
        .execute(&note(), &on("2020-06-01", "2020-06-01"))
        .expect_err("the forged time is not copied");
    match &refused {
        StoreError::ClockBehind { last, clock } => {
            assert_eq!(
                (*last, *clock),
                (forged, crate::fixture::noon("2020-06-01"))
            );
        }
        other => panic!("expected ClockBehind, got {other}"),
    }
    assert!(
        refused.to_string().contains("7 December 2107")
            || refused.to_string().contains("2107-12-07"),
        "{refused}"
    );
    assert_eq!(f.len(), len);
}

#[test]
fn recorded_at_going_back_is_caught_even_when_rechained() {
    let f = Fixture::history();
    let seq = 8;
    let before = f.events()[seq as usize - 1].event.recorded_at;
    raw::rewrite_history(&f.ledger, seq, |event| {
        event.recorded_at = before - crate::fixture::DAY_MS;
        event.occurred_on = wsoa_core::Date::uk_from_unix_millis(event.recorded_at)
            .expect("in range")
            .min(event.occurred_on);
    })
    .expect("raw write");
    let err = verify_fails(&f);
    assert_eq!(err.seq, Some(seq));
    assert!(
        matches!(err.failure, Failure::ClockWentBack { seq: 8, previous, .. } if previous == before),
        "{err}"
    );
    assert_names(&err, "recording times never go backwards");
}

#[test]
fn an_event_that_happened_after_the_day_it_was_recorded_is_caught() {
    let f = Fixture::history();
    let seq = 8;
    let mut recorded_on = None;
    raw::rewrite_history(&f.ledger, seq, |event| {
        let day = wsoa_core::Date::uk_from_unix_millis(event.recorded_at).expect("in range");
        recorded_on = Some(day);
        event.occurred_on = wsoa_core::Date::from_days_since_epoch(day.days_since_epoch() + 1)
            .expect("a day later");
    })
    .expect("raw write");
    let err = verify_fails(&f);
    assert_eq!(err.seq, Some(seq));
    match &err.failure {
        Failure::OccurredAfterRecorded {
            seq: 8,
            recorded_on: day,
            ..
        } => assert_eq!(Some(*day), recorded_on),
        other => panic!("expected OccurredAfterRecorded, got {other:?}"),
    }
}

#[test]
fn event_zero_with_a_previous_hash_is_named_plainly() {
    let f = Fixture::history();
    let mut event = f.events()[0].event.clone();
    event.prev = Digest([3; 32]);
    raw::put_event_bytes(&f.ledger, 0, &encode_event(&event)).expect("raw write");
    let err = verify_fails(&f);
    assert_eq!(err.seq, Some(0));
    assert_eq!(
        err.failure,
        Failure::GenesisLink {
            found: Digest([3; 32])
        }
    );
    assert_names(&err, "the first event of a ledger names none");
}

#[test]
fn a_damaged_format_record_is_not_taken_for_a_newer_ledger() {
    let f = Fixture::history();
    let path = f.path().to_owned();
    raw::put_format_bytes(&f.ledger, &[0, 0]).expect("raw write");
    let Fixture { dir, ledger, .. } = f;
    drop(ledger);
    let err = wsoa_store::Ledger::open(&path).err().expect("refused");
    assert!(matches!(err, StoreError::Damaged(_)), "{err}");
    assert!(err.to_string().contains("no wsoa writes"), "{err}");
    drop(dir);

    // A flipped bit that gives a number above the current format may be either; the message
    // says both and never only "use a newer wsoa".
    let f = Fixture::history();
    let path = f.path().to_owned();
    raw::put_format_bytes(&f.ledger, &[0x01, 0x01]).expect("raw write");
    let Fixture { dir, ledger, .. } = f;
    drop(ledger);
    let err = wsoa_store::Ledger::open(&path).err().expect("refused");
    let message = err.to_string();
    assert!(
        message.contains("257") && message.contains("altered or damaged"),
        "{message}"
    );
    drop(dir);
}

#[test]
fn a_kept_checkpoint_of_no_events_with_a_wrong_root_is_caught() {
    use wsoa_core::note::{Checkpoint, Note};
    let f = Fixture::history();
    let text = Checkpoint::new(f.ledger.origin().expect("origin"), 0, Digest([5; 32]))
        .to_text()
        .expect("text");
    let note = Note::sign(&text, &board()).expect("signed").to_string();
    raw::put_checkpoint_bytes(&f.ledger, 0, note.as_bytes()).expect("raw write");
    let (size, why) = kept_failure(&verify_fails(&f));
    assert_eq!(size, 0);
    assert!(why.contains("rewritten"), "{why}");
}

#[test]
fn records_missing_beside_the_events_are_found_by_the_walk_that_reads_them_in_order() {
    // The walk reads chain hashes and tree nodes in key order; a record missing in the middle
    // must not make it lose the records after it.
    let f = Fixture::history();
    raw::put_tree_node_bytes(&f.ledger, 0, 3, None).expect("raw write");
    raw::put_tree_node_bytes(&f.ledger, 0, 5, Some(&[7; 31])).expect("raw write");
    let err = verify_fails(&f);
    assert_eq!(err.seq, Some(5), "{err}");
    assert_names(&err, "a Merkle tree hash is not 32 bytes");

    let f = Fixture::history();
    raw::put_tree_node_bytes(&f.ledger, 0, 3, None).expect("raw write");
    raw::put_tree_node_bytes(&f.ledger, 1, 1, None).expect("raw write");
    let err = verify_fails(&f);
    assert_eq!(
        err.failure,
        Failure::TreeMismatch {
            level: 0,
            index: 3,
            stored: None,
            computed: wsoa_core::merkle::leaf_hash(&bytes_of(&f, 3)),
        }
    );

    let f = Fixture::history();
    raw::put_tree_node_bytes(&f.ledger, 0, 4, None).expect("raw write");
    raw::remove_chain_hash(&f.ledger, 6).expect("raw write");
    let err = verify_fails(&f);
    assert_eq!(err.failure, Failure::ChainRecordMissing { seq: 6 });
}
