//! Excerpts: the events about one thing, each with its inclusion proof against a signed
//! checkpoint carried in the file, verify offline; an altered byte, a proof against another
//! tree, or an untrusted signer is refused.

use std::io::Cursor;

use wsoa_core::note::{Checkpoint, Note, Signer};
use wsoa_store::{StoreError, verify_excerpt};

use crate::fixture::Fixture;

/// Signs and keeps a checkpoint of the whole ledger; returns the signer's verifier key.
fn checkpoint(f: &Fixture) -> (u64, String, wsoa_core::note::Verifier) {
    let size = f.len();
    let root = f.ledger.merkle_root(size).expect("a root");
    let text = Checkpoint::new(f.ledger.origin().expect("an origin"), size, root)
        .to_text()
        .expect("a checkpoint");
    let signer = Signer::generate("northshire-board", [9; 32]).expect("a key");
    let note = Note::sign(&text, &signer).expect("signed").to_string();
    f.ledger.keep_checkpoint(size, &note).expect("kept");
    (size, note, signer.verifier())
}

fn excerpt(f: &Fixture, seqs: &[u64]) -> (Vec<u8>, wsoa_core::note::Verifier) {
    let (size, note, verifier) = checkpoint(f);
    let mut bytes = Vec::new();
    let proven = f
        .ledger
        .export_excerpt(seqs, size, &note, &mut bytes)
        .expect("exported");
    assert_eq!(proven, seqs.len() as u64);
    (bytes, verifier)
}

#[test]
fn an_excerpt_verifies_offline_with_every_event_proven() {
    let f = Fixture::history();
    let attach = f.seq_of("evidence_attached");
    let seqs = [1, 3, attach, f.len() - 1];
    let (bytes, board) = excerpt(&f, &seqs);
    let report = verify_excerpt(Cursor::new(&bytes), &[board]).expect("verifies");
    assert_eq!(report.events, seqs.to_vec());
    assert_eq!(report.size, f.len());
    assert_eq!(report.root, f.ledger.merkle_root(f.len()).expect("a root"));
    assert_eq!(report.signers, vec!["northshire-board".to_owned()]);
    assert_eq!(
        report.contents, 1,
        "the attached evidence's content travels with it"
    );
    // Without trusted keys, the proofs still verify against the carried checkpoint.
    assert!(
        verify_excerpt(Cursor::new(&bytes), &[])
            .expect("verifies")
            .signers
            .is_empty()
    );
}

#[test]
fn any_alteration_or_an_untrusted_signer_is_refused() {
    let f = Fixture::history();
    let (bytes, _) = excerpt(&f, &[2, 5, 9]);
    let stranger = Signer::generate("stranger", [1; 32])
        .expect("a key")
        .verifier();
    let err = verify_excerpt(Cursor::new(&bytes), &[stranger]).expect_err("untrusted");
    assert!(matches!(err, StoreError::Excerpt(_)), "{err}");
    assert!(err.to_string().contains("signatures"), "{err}");
    // Every single flipped byte is caught, whatever it hits.
    for at in (0..bytes.len()).step_by(7) {
        let mut altered = bytes.clone();
        altered[at] ^= 0x20;
        assert!(
            verify_excerpt(Cursor::new(&altered), &[]).is_err(),
            "a flipped byte at {at} is caught"
        );
    }
    assert!(verify_excerpt(Cursor::new(&bytes[..bytes.len() - 1]), &[]).is_err());
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(verify_excerpt(Cursor::new(&longer), &[]).is_err());
}

#[test]
fn an_event_altered_and_resealed_fails_its_inclusion_proof() {
    let f = Fixture::history();
    let target = f.events()[4].bytes.clone();
    let (mut bytes, _) = excerpt(&f, &[4]);
    // Change one letter of the event's text, then recompute the file's end hash, so that only
    // the inclusion proof stands between the forgery and the auditor.
    let at = bytes
        .windows(target.len())
        .position(|window| window == target.as_slice())
        .expect("the event's bytes are in the excerpt");
    let letter = at
        + target
            .iter()
            .rposition(u8::is_ascii_lowercase)
            .expect("the event has text");
    bytes[letter] = bytes[letter].to_ascii_uppercase();
    let end = bytes.len() - 32;
    let hash = blake3::hash(&bytes[..end - 9]);
    bytes[end..].copy_from_slice(hash.as_bytes());
    let err = verify_excerpt(Cursor::new(&bytes), &[]).expect_err("the proof fails");
    assert!(
        err.to_string()
            .contains("event 4 is not in the checkpoint's tree"),
        "{err}"
    );
}

/// Outside input never panics or hangs the excerpt reader.
mod fuzz {
    use std::io::Cursor;
    use std::sync::OnceLock;

    use proptest::prelude::*;
    use wsoa_store::{EXCERPT_MAGIC, verify_excerpt};

    use crate::fixture::Fixture;

    fn excerpt() -> &'static [u8] {
        static EXCERPT: OnceLock<Vec<u8>> = OnceLock::new();
        EXCERPT.get_or_init(|| super::excerpt(&Fixture::history(), &[1, 2, 6, 9]).0)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn arbitrary_bytes(mut bytes in proptest::collection::vec(any::<u8>(), 0..256), magic in any::<bool>()) {
            if magic {
                let mut with_magic = EXCERPT_MAGIC.to_vec();
                with_magic.append(&mut bytes);
                bytes = with_magic;
            }
            prop_assert!(verify_excerpt(Cursor::new(&bytes), &[]).is_err());
        }

        #[test]
        fn mutated_excerpts(
            position in any::<proptest::sample::Index>(),
            value in any::<u8>(),
            mutation in 0u8..4,
        ) {
            let mut bytes = excerpt().to_vec();
            let at = position.index(bytes.len());
            match mutation {
                0 => bytes[at] ^= value.max(1),
                1 => bytes.truncate(at),
                2 => bytes.insert(at, value),
                _ => {
                    bytes.remove(at);
                }
            }
            prop_assert!(verify_excerpt(Cursor::new(&bytes), &[]).is_err());
        }
    }
}

#[test]
fn an_excerpt_is_not_written_against_a_kept_checkpoint_that_does_not_describe_the_ledger() {
    let f = Fixture::history();
    let size = 10;
    let root = f.ledger.merkle_root(size + 1).expect("a root");
    // A checkpoint of 10 events carrying the root of 11: signed, but not this history.
    let text = Checkpoint::new(f.ledger.origin().expect("an origin"), size, root)
        .to_text()
        .expect("a checkpoint");
    let signer = Signer::generate("northshire-board", [9; 32]).expect("a key");
    let note = Note::sign(&text, &signer).expect("signed").to_string();
    let mut bytes = Vec::new();
    let err = f
        .ledger
        .export_excerpt(&[1, 3], size, &note, &mut bytes)
        .expect_err("refused");
    assert!(matches!(err, StoreError::Damaged(_)), "{err}");
    assert!(
        err.to_string().contains("does not describe this ledger"),
        "{err}"
    );
    assert!(bytes.is_empty(), "nothing written");
}
