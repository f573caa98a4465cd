//! Raw writes that bypass every rule and every hash. They exist so that tests and audit drills
//! can simulate what someone with direct access to the database could do (alter, delete or
//! reorder events, drop the head record, alter evidence content) and show that verification
//! catches it. Nothing in the `wsoa` command or server calls them.

use wsoa_core::Digest;

use crate::blob::chunk_key;
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
    let path = crate::blob::content_path(ledger.dir(), hash);
    if path.is_file() {
        let mut bytes = std::fs::read(&path).map_err(StoreError::io("cannot read the content"))?;
        match bytes.first_mut() {
            Some(byte) => *byte ^= 0x01,
            None => bytes.push(0),
        }
        std::fs::write(&path, bytes).map_err(StoreError::io("cannot write the content"))?;
        return Ok(true);
    }
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

/// Stores `content` the way ledgers written before content files kept it: in sled, in chunks,
/// with an index entry. Returns its hash. For the tests that older ledgers stay readable.
pub fn put_content_in_sled(ledger: &Ledger, content: &[u8]) -> Result<Digest, StoreError> {
    let hash = Digest(*blake3::hash(content).as_bytes());
    let mut chunks = 0u32;
    for chunk in content.chunks(crate::blob::BLOB_CHUNK_BYTES) {
        ledger.blobs.insert(chunk_key(&hash, chunks), chunk)?;
        chunks += 1;
    }
    ledger.blob_index.insert(
        hash.as_bytes(),
        &crate::blob::index_value(content.len() as u64, chunks),
    )?;
    ledger.flush()?;
    Ok(hash)
}

/// Deletes the content stored under `hash` without recording a redaction.
pub fn remove_blob(ledger: &Ledger, hash: &Digest) -> Result<(), StoreError> {
    ledger.purge_blob(hash)
}

/// Rewrites history the way someone with direct access to the database could: decodes event
/// `seq`, lets `edit` change it, then re-chains every later event to it (new `prev`s, chain hashes
/// and head) and rebuilds the Merkle tree, so that the hash chain alone verifies again. Only a
/// checkpoint taken before the rewrite can tell.
pub fn rewrite_history(
    ledger: &Ledger,
    seq: u64,
    edit: impl FnOnce(&mut wsoa_core::Event),
) -> Result<(), StoreError> {
    let mut events: Vec<wsoa_core::Event> = ledger
        .events(seq, None)
        .map(|stored| stored.map(|s| s.event))
        .collect::<Result<_, _>>()?;
    let Some(first) = events.first_mut() else {
        return Ok(());
    };
    edit(first);
    let mut prev = match seq.checked_sub(1) {
        Some(before) => ledger
            .event(before)?
            .map_or(Digest::ZERO, |stored| stored.hash),
        None => Digest::ZERO,
    };
    let mut last = None;
    for event in &mut events {
        event.prev = prev;
        let bytes = wsoa_core::encode_event(event);
        prev = wsoa_core::chain_hash(&bytes);
        ledger.events.insert(seq_key(event.seq), bytes)?;
        ledger.chain.insert(seq_key(event.seq), prev.as_bytes())?;
        last = Some((event.seq, event.recorded_at));
    }
    if let Some((last_seq, recorded_at)) = last {
        let head = wsoa_core::chain::Head {
            len: last_seq + 1,
            hash: prev,
            recorded_at,
        };
        ledger
            .meta
            .insert(HEAD_KEY, crate::ledger::head_to_bytes(head))?;
    }
    rebuild_tree(ledger)
}

/// Cuts the ledger back to its first `len` events, fixing up the head record and the Merkle
/// tree so that the hash chain alone still verifies. Only a checkpoint of a larger size can tell.
pub fn truncate(ledger: &Ledger, len: u64) -> Result<(), StoreError> {
    let tail: Vec<_> = ledger
        .events
        .range(seq_key(len)..)
        .keys()
        .collect::<Result<_, _>>()?;
    for key in tail {
        ledger.events.remove(&key)?;
        ledger.chain.remove(&key)?;
    }
    match len.checked_sub(1) {
        Some(last) => {
            let stored = ledger
                .event(last)?
                .ok_or_else(|| StoreError::Damaged(format!("there is no event {last}")))?;
            let head = wsoa_core::chain::Head {
                len,
                hash: stored.hash,
                recorded_at: stored.event.recorded_at,
            };
            ledger
                .meta
                .insert(HEAD_KEY, crate::ledger::head_to_bytes(head))?;
        }
        None => {
            ledger.meta.remove(HEAD_KEY)?;
        }
    }
    rebuild_tree(ledger)
}

/// Throws the Merkle tree away and builds it again from the events, as opening a ledger written
/// before the tree was kept does.
pub fn rebuild_tree(ledger: &Ledger) -> Result<(), StoreError> {
    ledger.nodes.clear()?;
    ledger.meta.remove(crate::tree::TREE_SIZE_KEY)?;
    ledger.backfill_tree()
}

/// Overwrites one stored Merkle tree hash (level, index), as an attacker covering their tracks
/// might.
pub fn put_tree_node(
    ledger: &Ledger,
    level: u32,
    index: u64,
    hash: Digest,
) -> Result<(), StoreError> {
    let key = crate::tree::node_key(wsoa_core::merkle::NodeId { level, index });
    ledger.nodes.insert(key, hash.as_bytes())?;
    ledger.flush()
}

/// Stores `bytes` (of any length) as the Merkle tree hash (level, index), or removes it when
/// `bytes` is `None`: damage to the tree that is not a well-formed hash.
pub fn put_tree_node_bytes(
    ledger: &Ledger,
    level: u32,
    index: u64,
    bytes: Option<&[u8]>,
) -> Result<(), StoreError> {
    let key = crate::tree::node_key(wsoa_core::merkle::NodeId { level, index });
    match bytes {
        Some(bytes) => ledger.nodes.insert(key, bytes).map(|_| ())?,
        None => ledger.nodes.remove(key).map(|_| ())?,
    }
    ledger.flush()
}

/// Removes the chain hash recorded beside event `seq`.
pub fn remove_chain_hash(ledger: &Ledger, seq: u64) -> Result<(), StoreError> {
    ledger.chain.remove(crate::ledger::seq_key(seq))?;
    ledger.flush()
}

/// The stored head record, exactly as on disk (48 bytes: length, last chain hash, last
/// `recorded_at`).
pub fn head_bytes(ledger: &Ledger) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(ledger.meta.get(HEAD_KEY)?.map(|bytes| bytes.to_vec()))
}

/// Overwrites the stored head record with `bytes`, as someone forging the last time would.
pub fn put_head_bytes(ledger: &Ledger, bytes: &[u8]) -> Result<(), StoreError> {
    ledger.meta.insert(HEAD_KEY, bytes)?;
    ledger.flush()
}

/// The stored text of the checkpoint kept under `size`, exactly as on disk.
pub fn checkpoint_bytes(ledger: &Ledger, size: u64) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(ledger
        .checkpoints
        .get(size.to_be_bytes())?
        .map(|bytes| bytes.to_vec()))
}

/// Overwrites the checkpoint kept under `size` with `bytes`, bypassing every check.
pub fn put_checkpoint_bytes(ledger: &Ledger, size: u64, bytes: &[u8]) -> Result<(), StoreError> {
    ledger.checkpoints.insert(size.to_be_bytes(), bytes)?;
    ledger.flush()
}

/// Deletes the checkpoint kept under `size`.
pub fn remove_checkpoint(ledger: &Ledger, size: u64) -> Result<(), StoreError> {
    ledger.checkpoints.remove(size.to_be_bytes())?;
    ledger.flush()
}

/// Overwrites the storage format record (`meta/format`) with `bytes`.
pub fn put_format_bytes(ledger: &Ledger, bytes: &[u8]) -> Result<(), StoreError> {
    ledger.meta.insert(b"format", bytes)?;
    ledger.flush()
}

/// The stored value of the kept plan snapshot after event `seq`, if there is one.
pub fn plan_snapshot_bytes(ledger: &Ledger, seq: u64) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(ledger
        .snapshots
        .get(seq_key(seq))?
        .map(|bytes| bytes.to_vec()))
}

/// Overwrites (or adds) the kept plan snapshot after event `seq`, as a crash or a stray write
/// could leave it.
pub fn put_plan_snapshot_bytes(ledger: &Ledger, seq: u64, bytes: &[u8]) -> Result<(), StoreError> {
    ledger.snapshots.insert(seq_key(seq), bytes)?;
    ledger.flush()
}

/// Deletes every kept plan snapshot, as if they had never been written.
pub fn clear_plan_snapshots(ledger: &Ledger) -> Result<(), StoreError> {
    ledger.snapshots.clear()?;
    ledger.flush()
}

/// Deletes the subject index and its position, as if it had never been written.
pub fn clear_subject_index(ledger: &Ledger) -> Result<(), StoreError> {
    ledger.subjects.clear()?;
    ledger.about.clear()?;
    ledger.projections.remove(b"subject_index")?;
    ledger.flush()
}

/// Overwrites what the subject index says event `seq`'s entry is about (JSON, as stored).
pub fn put_event_subjects(ledger: &Ledger, seq: u64, bytes: &[u8]) -> Result<(), StoreError> {
    ledger.about.insert(seq_key(seq), bytes)?;
    ledger.flush()
}

/// Deletes the subject index's key for `subject` (as `action 1.1`) at event `seq`.
pub fn remove_subject_key(ledger: &Ledger, subject: &str, seq: u64) -> Result<(), StoreError> {
    let mut key = subject.as_bytes().to_vec();
    key.push(0);
    key.extend_from_slice(&seq_key(seq));
    ledger.subjects.remove(key)?;
    ledger.flush()
}

/// Deletes the index of late-recorded events and its position, as if it had never been written.
pub fn clear_late_index(ledger: &Ledger) -> Result<(), StoreError> {
    ledger.late.clear()?;
    ledger.projections.remove(b"late_events")?;
    ledger.flush()
}

/// Adds a key to the index of late-recorded events (occurred year u16 BE, month, day, seq u64
/// BE), as a stray write could.
pub fn put_late_key(ledger: &Ledger, key: &[u8]) -> Result<(), StoreError> {
    ledger.late.insert(key, &[][..])?;
    ledger.flush()
}
