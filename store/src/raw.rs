//! Raw writes that bypass every rule and every hash. They exist so that tests and audit drills
//! can simulate what someone with direct access to the database could do (alter, delete or
//! reorder events, drop the head record, alter evidence content) and show that verification
//! catches it. Nothing in the `wsoa` command or server calls them.

use wsoa_core::Digest;

use crate::blob::{chunk_key, parse_index};
use crate::error::StoreError;
use crate::ledger::{HEAD_KEY, Ledger, seq_key};

/// The stored bytes of event `seq`, exactly as on disk.
pub fn event_bytes(ledger: &Ledger, seq: u64) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(ledger.events.get(seq_key(seq))?.map(|bytes| bytes.to_vec()))
}

/// Overwrites the stored bytes of event `seq`.
pub fn put_event_bytes(ledger: &Ledger, seq: u64, bytes: &[u8]) -> Result<(), StoreError> {
    ledger.events.insert(seq_key(seq), bytes)?;
    ledger.flush()
}

/// Overwrites the chain hash recorded beside event `seq`.
pub fn put_chain_hash(ledger: &Ledger, seq: u64, hash: Digest) -> Result<(), StoreError> {
    ledger.chain.insert(seq_key(seq), hash.as_bytes())?;
    ledger.flush()
}

/// Deletes event `seq` and its chain hash.
pub fn remove_event(ledger: &Ledger, seq: u64) -> Result<(), StoreError> {
    ledger.events.remove(seq_key(seq))?;
    ledger.chain.remove(seq_key(seq))?;
    ledger.flush()
}

/// Swaps the stored bytes (and chain hashes) of two events.
pub fn swap_events(ledger: &Ledger, a: u64, b: u64) -> Result<(), StoreError> {
    for tree in [&ledger.events, &ledger.chain] {
        let first = tree.get(seq_key(a))?;
        let second = tree.get(seq_key(b))?;
        if let (Some(first), Some(second)) = (first, second) {
            tree.insert(seq_key(a), second)?;
            tree.insert(seq_key(b), first)?;
        }
    }
    ledger.flush()
}

/// Deletes the head record.
pub fn remove_head(ledger: &Ledger) -> Result<(), StoreError> {
    ledger.meta.remove(HEAD_KEY)?;
    ledger.flush()
}

/// Flips one bit of the first chunk of the content stored under `hash`; returns whether there
/// was content to alter.
pub fn alter_blob(ledger: &Ledger, hash: &Digest) -> Result<bool, StoreError> {
    let Some(chunk) = ledger.blobs.get(chunk_key(hash, 0))? else {
        return Ok(false);
    };
    let mut altered = chunk.to_vec();
    match altered.first_mut() {
        Some(byte) => *byte ^= 0x01,
        None => altered.push(0),
    }
    ledger.blobs.insert(chunk_key(hash, 0), altered)?;
    ledger.flush()?;
    Ok(true)
}

/// Deletes the content stored under `hash` without recording a redaction.
pub fn remove_blob(ledger: &Ledger, hash: &Digest) -> Result<(), StoreError> {
    if let Some((_, chunks)) = ledger
        .blob_index
        .remove(hash.as_bytes())?
        .and_then(|value| parse_index(&value))
    {
        for index in 0..chunks {
            ledger.blobs.remove(chunk_key(hash, index))?;
        }
    }
    ledger.flush()
}
