//! Offline bundles: an export verifies offline with the ledger's head and root, imports into a
//! new ledger that verifies the same, carries content larger than a chunk and leaves redacted
//! content out, and every kind of damage to the file is caught.

use std::io::Cursor;

use wsoa_core::Digest;
use wsoa_core::event::{EvidenceKind, EvidenceRedacted};
use wsoa_core::note::{Checkpoint, Note, Signer};
use wsoa_store::{BLOB_CHUNK_BYTES, Failure, Ledger, StoreError, VerifyError, verify_bundle};

use crate::fixture::{Fixture, attachment, evidence_id, find, generated_bytes, on, read_blob};

fn export(f: &Fixture) -> Vec<u8> {
    let mut bundle = Vec::new();
    let report = f.ledger.export(&mut bundle).expect("the export succeeds");
    let head = f.ledger.head().expect("head");
    assert_eq!((report.events, report.head), (head.len, head.hash));
    bundle
}

fn verify(bundle: &[u8]) -> Result<wsoa_store::VerifyReport, VerifyError> {
    verify_bundle(Cursor::new(bundle), &[])
}

/// Keeps a signed checkpoint of the whole ledger and returns its note text.
fn keep_checkpoint(f: &Fixture) -> String {
    let size = f.len();
    let root = f.ledger.merkle_root(size).expect("root");
    let checkpoint = Checkpoint::new(f.ledger.origin().expect("origin"), size, root);
    let signer = Signer::generate("northshire-board", [7; 32]).expect("a signer");
    let note = Note::sign(&checkpoint.to_text().expect("text"), &signer)
        .expect("signed")
        .to_string();
    f.ledger.keep_checkpoint(size, &note).expect("kept");
    note
}

/// Recomputes the end record so that only the damage under test is in the file.
fn reseal(bundle: &mut [u8]) {
    let end = bundle.len() - 41;
    assert_eq!(bundle[end], 0, "the last record is the end record");
    let hash = blake3::hash(&bundle[..end]);
    bundle[end + 9..].copy_from_slice(hash.as_bytes());
}

/// The offset of each record: (offset, tag, length).
fn records(bundle: &[u8]) -> Vec<(usize, u8, usize)> {
    let mut offset = wsoa_store::BUNDLE_MAGIC.len();
    let mut out = Vec::new();
    while offset < bundle.len() {
        let tag = bundle[offset];
        let length = u64::from_be_bytes(bundle[offset + 1..offset + 9].try_into().expect("8"));
        out.push((offset, tag, length as usize));
        offset += 9 + length as usize;
    }
    out
}

#[test]
fn a_bundle_round_trips_through_verify_and_import() {
    let mut f = Fixture::history();
    let large = generated_bytes(BLOB_CHUNK_BYTES * 2 + 12_345, 42);
    let big = f.attach(
        large.clone(),
        attachment(
            Some("E9"),
            "case-file-audit.pdf",
            "Case file audit, all localities",
            EvidenceKind::Audit,
            &["WS1"],
        ),
        on("2020-06-01", "2020-06-01"),
    );
    let note = keep_checkpoint(&f);
    let original = f.ledger.verify().expect("the fixture verifies");

    let bundle = export(&f);
    assert!(bundle.starts_with(b"WSOA-BUNDLE 1\n"));
    let offline = verify(&bundle).expect("the bundle verifies");
    assert_eq!(
        offline, original,
        "same events, head, root and evidence counts"
    );
    let pinned = verify_bundle(
        Cursor::new(&bundle),
        &[(3, f.ledger.merkle_root(3).expect("r"))],
    )
    .expect("a pin of an earlier size holds");
    assert_eq!(pinned.root, original.root);

    let dir = tempfile::tempdir().expect("a temporary directory");
    let target = dir.path().join("copy");
    let copy = Ledger::import(&target, Cursor::new(&bundle)).expect("the import succeeds");
    let verified = copy.verify().expect("the copy verifies");
    assert_eq!(verified, original);
    assert_eq!(copy.head().expect("head"), f.ledger.head().expect("head"));
    assert_eq!(
        copy.merkle_root(verified.events).expect("root"),
        original.root
    );
    for attached in &f.evidence {
        assert_eq!(
            read_blob(&copy, &attached.hash).expect("the content was imported"),
            attached.content,
            "{}",
            attached.id
        );
    }
    assert_eq!(read_blob(&copy, &big.hash).expect("large"), large);
    assert_eq!(
        copy.checkpoints().expect("checkpoints"),
        vec![(original.events, note)]
    );
    assert_eq!(
        copy.origin().expect("origin"),
        f.ledger.origin().expect("origin")
    );
    assert_eq!(
        wsoa_store::bundle_origin(Cursor::new(&bundle)).expect("origin"),
        f.ledger.origin().expect("origin")
    );
    // Exporting the copy gives the same file, byte for byte.
    let mut again = Vec::new();
    copy.export(&mut again).expect("export");
    assert!(again == bundle, "the copy exports the same bundle");
}

#[test]
fn redacted_evidence_is_exported_without_its_content_and_still_verifies() {
    let mut f = Fixture::history();
    let e3 = f.evidence("E3");
    f.ledger
        .redact_evidence(
            EvidenceRedacted {
                id: evidence_id("E3"),
                reason: "Subject access request".to_owned(),
            },
            &on("2020-06-01", "2020-06-01"),
        )
        .expect("redacted");
    let bundle = export(&f);
    let contents = records(&bundle)
        .into_iter()
        .filter(|(_, tag, _)| *tag == 2)
        .count();
    assert_eq!(
        contents,
        f.evidence.len() - 1,
        "no record for redacted content"
    );
    assert!(
        !bundle
            .windows(e3.content.len())
            .any(|window| window == e3.content.as_slice()),
        "the redacted content is not in the bundle"
    );
    let report = verify(&bundle).expect("a bundle with redacted evidence verifies");
    assert_eq!(report.evidence_redacted, 1);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let copy = Ledger::import(dir.path(), Cursor::new(&bundle)).expect("imported");
    assert_eq!(copy.verify().expect("verifies").evidence_redacted, 1);
}

#[test]
fn a_missing_content_record_is_reported_as_the_ledger_walk_reports_it() {
    let f = Fixture::history();
    let e2 = f.evidence("E2");
    let mut bundle = export(&f);
    let (offset, _, length) = records(&bundle)
        .into_iter()
        .find(|(offset, tag, _)| {
            *tag == 2 && bundle[offset + 9..offset + 41] == *e2.hash.as_bytes()
        })
        .expect("E2's content record");
    bundle.drain(offset..offset + 9 + length);
    reseal(&mut bundle);
    let err = verify(&bundle).expect_err("missing content is caught");
    assert_eq!(
        err.failure,
        Failure::EvidenceMissing {
            id: e2.id.clone(),
            seq: e2.seq,
            hash: e2.hash
        }
    );
}

#[test]
fn a_flipped_byte_in_an_event_names_the_event() {
    let f = Fixture::history();
    let mut bundle = export(&f);
    let seq = f.seq_of("monitoring_visit_recorded");
    let at = find(&bundle, b"making good progress");
    bundle[at] ^= 0x01;
    let err = verify(&bundle).expect_err("caught");
    assert_eq!(err.seq, Some(seq + 1), "{err}");
    assert!(
        matches!(err.failure, Failure::BadLink { seq: bad, .. } if bad == seq + 1),
        "{err}"
    );
    // Even with the end hash recomputed, the chain catches it.
    reseal(&mut bundle);
    assert_eq!(verify(&bundle).expect_err("caught").seq, Some(seq + 1));
}

#[test]
fn a_flipped_byte_in_evidence_content_names_the_evidence() {
    let f = Fixture::history();
    let e2 = f.evidence("E2");
    let mut bundle = export(&f);
    let at = find(&bundle, b"42 plans audited");
    bundle[at] ^= 0x01;
    let err = verify(&bundle).expect_err("caught");
    match &err.failure {
        Failure::EvidenceAltered { id, seq, .. } => {
            assert_eq!((id, *seq), (&e2.id, e2.seq));
        }
        other => panic!("expected altered evidence, got {other}"),
    }
    assert!(err.to_string().contains("evidence E2"), "{err}");
}

#[test]
fn truncation_and_damage_to_the_file_are_caught() {
    let f = Fixture::history();
    let bundle = export(&f);
    let bundle_failure = |bytes: &[u8], expected: &str| {
        let err = verify(bytes).expect_err("caught");
        match &err.failure {
            Failure::Bundle(message) => assert!(message.contains(expected), "{message}"),
            other => panic!("expected a damaged bundle, got {other}"),
        }
    };
    // Cut inside a record, and cleanly after a record (the end record is missing).
    bundle_failure(&bundle[..bundle.len() / 2], "truncated");
    let end = bundle.len() - 41;
    bundle_failure(&bundle[..end], "truncated");
    bundle_failure(&bundle[..end + 20], "truncated");
    // A wrong end hash.
    let mut wrong = bundle.clone();
    *wrong.last_mut().expect("a byte") ^= 0x80;
    bundle_failure(&wrong, "has been altered");
    // A checkpoint or the magic line altered, which no chain covers.
    let mut magic = bundle.clone();
    magic[0] = b'X';
    bundle_failure(&magic, "WSOA-BUNDLE 1");
    // Bytes after the end.
    let mut extra = bundle.clone();
    extra.push(0);
    bundle_failure(&extra, "after its end record");
    // An unknown record type.
    let mut unknown = bundle.clone();
    let (offset, _, _) = records(&bundle)[1];
    unknown[offset] = 9;
    bundle_failure(&unknown, "unknown type 9");
    // Nothing at all.
    bundle_failure(b"", "WSOA-BUNDLE 1");
}

#[test]
fn records_out_of_order_are_caught() {
    let f = Fixture::history();
    let bundle = export(&f);
    let events: Vec<_> = records(&bundle)
        .into_iter()
        .filter(|(_, tag, _)| *tag == 1)
        .collect();
    let (a, b) = (events[3], events[4]);
    let mut swapped = bundle[..a.0].to_vec();
    swapped.extend_from_slice(&bundle[b.0..b.0 + 9 + b.2]);
    swapped.extend_from_slice(&bundle[a.0..a.0 + 9 + a.2]);
    swapped.extend_from_slice(&bundle[b.0 + 9 + b.2..]);
    assert_eq!(swapped.len(), bundle.len());
    reseal(&mut swapped);
    let err = verify(&swapped).expect_err("caught");
    assert_eq!(
        err.failure,
        Failure::Misplaced {
            position: 3,
            claims: 4
        }
    );
}

#[test]
fn a_pin_the_bundle_does_not_extend_is_caught() {
    let f = Fixture::history();
    let bundle = export(&f);
    let err =
        verify_bundle(Cursor::new(&bundle), &[(f.len() + 1, Digest([1; 32]))]).expect_err("caught");
    assert!(matches!(err.failure, Failure::Truncated { .. }), "{err}");
    let err = verify_bundle(Cursor::new(&bundle), &[(2, Digest([1; 32]))]).expect_err("caught");
    assert!(
        matches!(err.failure, Failure::CheckpointMismatch { size: 2, .. }),
        "{err}"
    );
}

#[test]
fn import_refuses_a_directory_in_use_and_a_corrupt_bundle_creates_nothing() {
    let f = Fixture::history();
    let bundle = export(&f);
    // A directory that holds a ledger, or anything else, is refused.
    let refused = Ledger::import(f.path(), Cursor::new(&bundle));
    assert!(refused.is_err());
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("notes.txt"), b"keep me").expect("written");
    match Ledger::import(dir.path(), Cursor::new(&bundle)) {
        Err(StoreError::NotEmpty(message)) => assert!(message.contains("not empty"), "{message}"),
        Err(other) => panic!("expected a refusal, got {other}"),
        Ok(_) => panic!("imported into a non-empty directory"),
    }
    assert_eq!(
        std::fs::read(dir.path().join("notes.txt")).expect("untouched"),
        b"keep me"
    );

    // A corrupt bundle leaves no ledger behind, whether the directory existed or not.
    let mut corrupt = bundle.clone();
    let at = find(&corrupt, b"42 plans audited");
    corrupt[at] ^= 0x01;
    let fresh = tempfile::tempdir().expect("a temporary directory");
    let target = fresh.path().join("copy");
    let err = Ledger::import(&target, Cursor::new(&corrupt))
        .err()
        .expect("refused");
    assert!(err.to_string().contains("evidence E2"), "{err}");
    // The bundle is at fault, not the ledger being made: no "damaged, run `wsoa verify`".
    assert!(matches!(err, StoreError::BadSource(_)), "{err}");
    assert!(
        err.to_string().starts_with("the bundle does not verify"),
        "{err}"
    );
    assert!(!err.to_string().contains("wsoa verify"), "{err}");
    assert!(!target.exists(), "nothing was created");
    let truncated = &bundle[..bundle.len() - 10];
    assert!(Ledger::import(fresh.path(), Cursor::new(truncated)).is_err());
    assert_eq!(
        std::fs::read_dir(fresh.path()).expect("readable").count(),
        0,
        "the empty directory is left empty"
    );
    assert!(matches!(
        Ledger::open(fresh.path()),
        Err(StoreError::NoLedger { .. })
    ));
}

/// Outside input never panics or hangs the bundle reader: arbitrary bytes, and a real bundle
/// with one byte changed, inserted or removed, or cut short, are refused cleanly (or, if a change
/// happens to leave a valid bundle, verified as one).
mod fuzz {
    use std::io::Cursor;
    use std::sync::OnceLock;

    use proptest::prelude::*;
    use wsoa_store::{bundle_origin, verify_bundle};

    use super::export;
    use crate::fixture::Fixture;

    fn bundle() -> &'static [u8] {
        static BUNDLE: OnceLock<Vec<u8>> = OnceLock::new();
        BUNDLE.get_or_init(|| export(&Fixture::history()))
    }

    fn read(bytes: &[u8]) {
        let _ = verify_bundle(Cursor::new(bytes), &[]);
        let _ = bundle_origin(Cursor::new(bytes));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn arbitrary_bytes(mut bytes in proptest::collection::vec(any::<u8>(), 0..256), magic in any::<bool>()) {
            if magic {
                // Past the magic line, so the record reader itself is exercised.
                let mut with_magic = b"WSOA-BUNDLE 1\n".to_vec();
                with_magic.append(&mut bytes);
                bytes = with_magic;
            }
            read(&bytes);
        }

        #[test]
        fn mutated_bundles(
            position in any::<proptest::sample::Index>(),
            value in any::<u8>(),
            mutation in 0u8..4,
        ) {
            let mut bytes = bundle().to_vec();
            let at = position.index(bytes.len());
            match mutation {
                0 => bytes[at] ^= value.max(1),
                1 => bytes.truncate(at),
                2 => bytes.insert(at, value),
                _ => {
                    bytes.remove(at);
                }
            }
            // Any change to the file breaks its closing hash, whatever else it does.
            prop_assert!(verify_bundle(Cursor::new(&bytes), &[]).is_err());
            read(&bytes);
        }
    }
}

/// Keeps a board-signed checkpoint of the first `size` events; returns its note text.
fn keep_checkpoint_of(f: &Fixture, size: u64) -> String {
    let root = f.ledger.merkle_root(size).expect("root");
    let checkpoint = Checkpoint::new(f.ledger.origin().expect("origin"), size, root);
    let signer = Signer::generate("northshire-board", [7; 32]).expect("a signer");
    let note = Note::sign(&checkpoint.to_text().expect("text"), &signer)
        .expect("signed")
        .to_string();
    f.ledger.keep_checkpoint(size, &note).expect("kept");
    note
}

fn board_key() -> wsoa_core::note::Verifier {
    Signer::generate("northshire-board", [7; 32])
        .expect("a signer")
        .verifier()
}

/// Replaces the payload of record `index` (same length) and reseals the file.
fn replace_record(bundle: &[u8], index: usize, payload: &[u8]) -> Vec<u8> {
    let (offset, _, length) = records(bundle)[index];
    assert_eq!(payload.len(), length);
    let mut out = bundle.to_vec();
    out[offset + 9..offset + 9 + length].copy_from_slice(payload);
    reseal(&mut out);
    out
}

fn import_fails(bundle: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let target = dir.path().join("copy");
    let err = Ledger::import(&target, Cursor::new(bundle))
        .err()
        .expect("the import is refused");
    assert!(!target.exists(), "a refused import leaves nothing behind");
    err.to_string()
}

#[test]
fn the_checkpoints_a_bundle_carries_are_checked() {
    let f = Fixture::history();
    keep_checkpoint_of(&f, 10);
    keep_checkpoint_of(&f, f.len());
    let bundle = export(&f);
    let report = verify(&bundle).expect("verifies");
    assert_eq!((report.checkpoints, report.signatures_checked), (2, false));
    let trusted =
        wsoa_store::verify_bundle_trusting(Cursor::new(&bundle), &[], Some(&[board_key()]))
            .expect("verifies with the board's key");
    assert!(trusted.signatures_checked);

    // The root of the first checkpoint altered after signing (one base64 character), resealed.
    let index = records(&bundle)
        .iter()
        .position(|(_, tag, _)| *tag == 3)
        .expect("a checkpoint record");
    let (offset, _, length) = records(&bundle)[index];
    let note = std::str::from_utf8(&bundle[offset + 9..offset + 9 + length]).expect("UTF-8");
    let root_line = note.lines().nth(2).expect("a root line");
    let mut flipped = root_line.as_bytes().to_vec();
    flipped[1] = if flipped[1] == b'A' { b'B' } else { b'A' };
    let altered = note.replacen(root_line, std::str::from_utf8(&flipped).expect("ASCII"), 1);
    let altered = replace_record(&bundle, index, altered.as_bytes());
    let err = verify(&altered).expect_err("caught");
    assert!(
        matches!(&err.failure, Failure::KeptCheckpoint { size: 10, why } if why.contains("rewritten")),
        "{err}"
    );
    let err = wsoa_store::verify_bundle_trusting(Cursor::new(&altered), &[], Some(&[board_key()]))
        .expect_err("caught");
    assert!(
        matches!(&err.failure, Failure::KeptCheckpoint { size: 10, why } if why.contains("signatures do not verify")),
        "{err}"
    );
    assert!(import_fails(&altered).contains("checkpoint of 10 events"));

    // The signature altered: caught when the key is trusted, by verification and import.
    let last = note.lines().last().expect("a signature line");
    let mut bytes = last.as_bytes().to_vec();
    let at = bytes.len() - 5;
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    let signature = note.replacen(last, std::str::from_utf8(&bytes).expect("ASCII"), 1);
    let signature = replace_record(&bundle, index, signature.as_bytes());
    verify(&signature).expect("without keys the checkpoint's content is intact");
    let err =
        wsoa_store::verify_bundle_trusting(Cursor::new(&signature), &[], Some(&[board_key()]))
            .expect_err("caught");
    assert!(
        err.to_string().contains("signatures do not verify"),
        "{err}"
    );
    let dir = tempfile::tempdir().expect("a temporary directory");
    let refused = Ledger::import_trusting(
        &dir.path().join("copy"),
        Cursor::new(&signature),
        Some(&[board_key()]),
    );
    assert!(refused.is_err());
    assert!(!dir.path().join("copy").exists());
}

#[test]
fn checkpoints_out_of_order_or_before_an_event_are_refused() {
    let f = Fixture::history();
    keep_checkpoint_of(&f, 10);
    keep_checkpoint_of(&f, f.len());
    let bundle = export(&f);
    let all = records(&bundle);
    let checkpoints: Vec<_> = all
        .iter()
        .filter(|(_, tag, _)| *tag == 3)
        .copied()
        .collect();
    let (a, b) = (checkpoints[0], checkpoints[1]);
    // Swapped: the larger first.
    let mut swapped = bundle[..a.0].to_vec();
    swapped.extend_from_slice(&bundle[b.0..b.0 + 9 + b.2]);
    swapped.extend_from_slice(&bundle[a.0..a.0 + 9 + a.2]);
    swapped.extend_from_slice(&bundle[b.0 + 9 + b.2..]);
    reseal(&mut swapped);
    let err = verify(&swapped).expect_err("caught");
    assert!(
        matches!(&err.failure, Failure::Bundle(m) if m.contains("smallest first")),
        "{err}"
    );
    assert!(import_fails(&swapped).contains("smallest first"));
    // The same checkpoint twice.
    let mut twice = bundle[..b.0].to_vec();
    twice.extend_from_slice(&bundle[a.0..a.0 + 9 + a.2]);
    twice.extend_from_slice(&bundle[b.0..]);
    reseal(&mut twice);
    let err = verify(&twice).expect_err("caught");
    assert!(
        matches!(&err.failure, Failure::Bundle(m) if m.contains("smallest first")),
        "{err}"
    );
    // A checkpoint moved before the last event.
    let last_event = *all.iter().rfind(|(_, tag, _)| *tag == 1).expect("an event");
    let mut early = bundle[..last_event.0].to_vec();
    early.extend_from_slice(&bundle[a.0..a.0 + 9 + a.2]);
    early.extend_from_slice(&bundle[last_event.0..a.0]);
    early.extend_from_slice(&bundle[a.0 + 9 + a.2..]);
    assert_eq!(early.len(), bundle.len());
    reseal(&mut early);
    let err = verify(&early).expect_err("caught");
    assert!(
        matches!(&err.failure, Failure::Bundle(m) if m.contains("checkpoints come after the last event")),
        "{err}"
    );
}

#[test]
fn a_duplicate_content_record_is_refused() {
    let f = Fixture::history();
    let bundle = export(&f);
    let content = *records(&bundle)
        .iter()
        .find(|(_, tag, _)| *tag == 2)
        .expect("a content record");
    let record = &bundle[content.0..content.0 + 9 + content.2];
    let mut twice = bundle[..content.0].to_vec();
    twice.extend_from_slice(record);
    twice.extend_from_slice(&bundle[content.0..]);
    reseal(&mut twice);
    let err = verify(&twice).expect_err("caught");
    assert!(
        matches!(&err.failure, Failure::Bundle(m) if m.contains("two content records")),
        "{err}"
    );
    assert!(import_fails(&twice).contains("two content records"));
}

#[test]
fn a_clock_step_back_in_a_bundle_is_caught_by_verification_and_import() {
    let f = Fixture::history();
    let seq = 8;
    let before = f.events()[seq as usize - 1].event.recorded_at;
    wsoa_store::raw::rewrite_history(&f.ledger, seq, |event| {
        event.recorded_at = before - 2 * crate::fixture::DAY_MS;
        event.occurred_on = wsoa_core::Date::uk_from_unix_millis(event.recorded_at)
            .expect("in range")
            .min(event.occurred_on);
    })
    .expect("raw write");
    let bundle = export(&f);
    let err = verify(&bundle).expect_err("caught");
    assert_eq!(err.seq, Some(seq));
    assert!(
        matches!(err.failure, Failure::ClockWentBack { seq: 8, .. }),
        "{err}"
    );
    assert!(import_fails(&bundle).contains("recording times never go backwards"));
}

#[test]
fn a_replica_refuses_events_that_break_the_clock_rules() {
    let f = Fixture::history();
    let mut events: Vec<Vec<u8>> = f.events().into_iter().map(|stored| stored.bytes).collect();
    // Re-chain from event 5 with event 5 dated after the day it was recorded.
    let mut prev = f.events()[4].hash;
    for (seq, bytes) in events.iter_mut().enumerate().skip(5) {
        let mut event = wsoa_core::decode_event(bytes).expect("decodes");
        if seq == 5 {
            let day = wsoa_core::Date::uk_from_unix_millis(event.recorded_at).expect("in range");
            event.occurred_on =
                wsoa_core::Date::from_days_since_epoch(day.days_since_epoch() + 2).expect("a date");
        }
        event.prev = prev;
        *bytes = wsoa_core::encode_event(&event);
        prev = wsoa_core::chain_hash(bytes);
    }
    let dir = tempfile::tempdir().expect("a temporary directory");
    let refused = Ledger::replicate(&dir.path().join("replica"), events.into_iter().map(Ok))
        .err()
        .expect("refused");
    assert!(
        refused
            .to_string()
            .contains("after the day it was recorded"),
        "{refused}"
    );
}

#[test]
fn a_replica_into_a_directory_holding_a_ledger_is_refused_as_input_not_damage() {
    let f = Fixture::history();
    let events: Vec<Vec<u8>> = f.events().into_iter().map(|stored| stored.bytes).collect();
    let refused = Ledger::replicate(f.path(), events.into_iter().map(Ok))
        .err()
        .expect("refused");
    assert!(matches!(refused, StoreError::NotEmpty(_)), "{refused}");
    assert!(
        refused.to_string().contains("already holds a ledger"),
        "{refused}"
    );
    assert!(!refused.to_string().contains("damaged"), "{refused}");
}

#[test]
fn a_prefix_exports_the_ledger_as_it_stood_after_that_many_events() {
    let f = Fixture::history();
    keep_checkpoint_of(&f, 10);
    keep_checkpoint_of(&f, f.len());
    let mut prefix = Vec::new();
    let report = f
        .ledger
        .export_prefix(&mut prefix, 12)
        .expect("the export succeeds");
    let twelfth = f
        .ledger
        .events(11, Some(11))
        .next()
        .expect("event 11")
        .expect("read");
    assert_eq!((report.events, report.head), (12, twelfth.hash));
    assert_eq!(report.root, f.ledger.merkle_root(12).expect("root"));
    assert_eq!(
        report.checkpoints, 1,
        "only the checkpoint of 10 events is carried"
    );
    let verified = verify(&prefix).expect("the prefix verifies offline");
    assert_eq!((verified.events, verified.head), (12, twelfth.hash));
    assert_eq!(verified.checkpoints, 1);
    assert_ne!(prefix, export(&f), "the whole ledger is longer");
    let mut none = Vec::new();
    let empty = f
        .ledger
        .export_prefix(&mut none, 0)
        .expect("an empty prefix");
    assert_eq!(empty.events, 0);
}
