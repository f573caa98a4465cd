//! The stored RFC 6962 Merkle tree: its roots and proofs agree with the reference computation at
//! every size, an older ledger gets its tree on opening, and a pinned checkpoint catches a
//! rewritten or truncated history that the hash chain alone no longer shows.

use wsoa_core::Digest;
use wsoa_core::merkle::{leaf_hash, root, verify_consistency, verify_inclusion};
use wsoa_store::{Failure, raw};

use crate::fixture::Fixture;
use crate::tamper::walks;

fn leaves(f: &Fixture) -> Vec<Digest> {
    f.events()
        .iter()
        .map(|stored| leaf_hash(&stored.bytes))
        .collect()
}

#[test]
fn roots_and_proofs_agree_with_the_definition_at_every_size() {
    let f = Fixture::history();
    let leaves = leaves(&f);
    let n = leaves.len() as u64;
    assert_eq!(f.ledger.tree_size().expect("readable"), n);
    for size in 0..=n {
        let expected = root(&leaves[..size as usize]);
        assert_eq!(
            f.ledger.merkle_root(size).expect("a root"),
            expected,
            "size {size}"
        );
        for index in 0..size {
            assert_eq!(
                f.ledger.leaf_hash(index).expect("a leaf"),
                leaves[index as usize]
            );
            let proof = f.ledger.inclusion_proof(index, size).expect("a proof");
            verify_inclusion(&leaves[index as usize], index, size, &proof, &expected)
                .unwrap_or_else(|err| panic!("leaf {index} of {size}: {err}"));
        }
        for size1 in 1..=size {
            let proof = f.ledger.consistency_proof(size1, size).expect("a proof");
            let root1 = root(&leaves[..size1 as usize]);
            verify_consistency(size1, size, &proof, &root1, &expected)
                .unwrap_or_else(|err| panic!("{size1} to {size}: {err}"));
        }
    }
    assert!(f.ledger.merkle_root(n + 1).is_err());
    assert!(f.ledger.inclusion_proof(n, n + 1).is_err());
    assert!(f.ledger.consistency_proof(3, n + 1).is_err());
    assert_eq!(
        walks(&f.ledger, &[], None).expect("verifies").root,
        root(&leaves)
    );
}

#[test]
fn an_older_ledger_gets_its_tree_when_it_is_opened() {
    let f = Fixture::history();
    let expected = root(&leaves(&f));
    raw::rebuild_tree(&f.ledger).expect("raw write");
    assert_eq!(f.ledger.merkle_root(f.len()).expect("a root"), expected);
    let f = f.reopen();
    assert_eq!(f.ledger.tree_size().expect("readable"), f.len());
    assert_eq!(f.ledger.merkle_root(f.len()).expect("a root"), expected);
}

#[test]
fn an_altered_tree_is_caught_by_verify() {
    let f = Fixture::history();
    raw::put_tree_node(&f.ledger, 0, 3, Digest([1; 32])).expect("raw write");
    let err = walks(&f.ledger, &[], None).expect_err("the tree no longer matches");
    assert!(
        matches!(
            err.failure,
            Failure::TreeMismatch {
                level: 0,
                index: 3,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(err.seq, Some(3));
}

#[test]
fn a_checkpoint_catches_a_rewritten_history_that_the_chain_alone_misses() {
    let f = Fixture::history();
    let size = f.len() - 4;
    let pinned = f.ledger.merkle_root(size).expect("a root");
    assert!(walks(&f.ledger, &[(size, pinned)], None).is_ok());

    // Rewrite event 5's actor and re-chain everything after it.
    raw::rewrite_history(&f.ledger, 5, |event| {
        event.actor.name = "Someone else".to_owned()
    })
    .expect("raw write");
    let report = walks(&f.ledger, &[], None).expect("the re-chained history verifies on its own");
    assert_eq!(report.events, f.len());

    let err = walks(&f.ledger, &[(size, pinned)], None).expect_err("the checkpoint catches it");
    match err.failure {
        Failure::CheckpointMismatch {
            size: s,
            pinned: p,
            computed,
        } => {
            assert_eq!((s, p), (size, pinned));
            assert_ne!(computed, pinned);
        }
        other => panic!("expected a checkpoint mismatch, got {other}"),
    }
    assert!(err.to_string().contains("rewritten"), "{err}");
}

#[test]
fn a_checkpoint_catches_a_truncated_history() {
    let f = Fixture::history();
    let len = f.len();
    let pinned = f.ledger.merkle_root(len).expect("a root");
    raw::truncate(&f.ledger, len - 3).expect("raw write");
    assert_eq!(
        walks(&f.ledger, &[], None)
            .expect("the shorter chain verifies")
            .events,
        len - 3
    );
    let err = walks(&f.ledger, &[(len, pinned)], None).expect_err("the checkpoint catches it");
    assert_eq!(
        err.failure,
        Failure::Truncated {
            pinned: len,
            events: len - 3
        }
    );
    assert!(err.to_string().contains("cut off"), "{err}");
}

#[test]
fn swapped_events_are_caught_even_when_re_chained() {
    let f = Fixture::history();
    let len = f.len();
    let pinned = f.ledger.merkle_root(len).expect("a root");
    // Swap the bodies of events 6 and 7, then re-chain from 6.
    let seventh = f.ledger.event(7).expect("readable").expect("exists").event;
    let sixth = f.ledger.event(6).expect("readable").expect("exists").event;
    raw::rewrite_history(&f.ledger, 6, |event| {
        event.body = seventh.body.clone();
        event.actor = seventh.actor.clone();
    })
    .expect("raw write");
    raw::rewrite_history(&f.ledger, 7, |event| {
        event.body = sixth.body.clone();
        event.actor = sixth.actor.clone();
    })
    .expect("raw write");
    assert!(walks(&f.ledger, &[], None).is_ok());
    let err = walks(&f.ledger, &[(len, pinned)], None).expect_err("the checkpoint catches it");
    assert!(
        matches!(err.failure, Failure::CheckpointMismatch { .. }),
        "{err}"
    );
}

#[test]
fn a_ledger_with_no_events_has_no_origin_and_that_is_not_damage() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let ledger = wsoa_store::Ledger::create(dir.path()).expect("created");
    let err = ledger.origin().expect_err("no origin yet");
    assert!(matches!(err, wsoa_store::StoreError::Query(_)), "{err}");
    assert!(err.to_string().contains("record an event first"), "{err}");
}
