//! The RFC 6962 Merkle tree over the ledger's events, kept on disk so that a root or a proof at
//! any size costs O(log n) look-ups, never a rehash of the whole ledger.
//!
//! The `nodes` tree holds every perfect subtree: key `level (u8) || index (u64 BE)`, value its
//! 32-byte hash; level 0 holds the leaf hashes `SHA-256(0x00 || event bytes)`. Each append adds
//! the leaves and the subtrees they complete, in the same transaction as the events.
//! `meta/tree_size` says how many leaves the nodes cover. These hashes are derived data: the
//! verification walk recomputes the root from the event bytes and checks it against them.

use wsoa_core::Digest;
use wsoa_core::merkle::{
    CompactRange, NodeId, ProofError, consistency_ranges, inclusion_ranges, leaf_hash,
    subtree_from_nodes,
};

use crate::error::StoreError;
use crate::ledger::{Ledger, Reader};

pub(crate) const TREE_SIZE_KEY: &[u8] = b"tree_size";

/// How many leaves the tree's backfill writes per batch when an older ledger is opened.
const BACKFILL_BATCH: usize = 4096;

/// A stored node: its key in the `nodes` tree and its hash.
pub(crate) type NodeEntry = ([u8; 9], Digest);

pub(crate) fn node_key(id: NodeId) -> [u8; 9] {
    let mut key = [0u8; 9];
    key[0] = u8::try_from(id.level).unwrap_or(u8::MAX);
    key[1..].copy_from_slice(&id.index.to_be_bytes());
    key
}

impl Reader {
    /// How many events the stored Merkle tree covers (all of them, once the ledger is open).
    pub fn tree_size(&self) -> Result<u64, StoreError> {
        Ok(match self.meta.get(TREE_SIZE_KEY)? {
            Some(bytes) => <[u8; 8]>::try_from(bytes.as_ref())
                .map(u64::from_be_bytes)
                .map_err(|_| StoreError::Damaged("the tree size record is malformed".into()))?,
            None => 0,
        })
    }

    /// The stored hash of a perfect subtree, if there is one.
    pub(crate) fn stored_node(&self, id: NodeId) -> Result<Option<Digest>, StoreError> {
        Ok(match self.nodes.get(node_key(id))? {
            Some(bytes) => Some(
                <[u8; 32]>::try_from(bytes.as_ref())
                    .map(Digest)
                    .map_err(|_| {
                        StoreError::Damaged("a Merkle tree hash is not 32 bytes".into())
                    })?,
            ),
            None => None,
        })
    }

    fn node(&self, id: NodeId) -> Result<Digest, StoreError> {
        let bytes = self.nodes.get(node_key(id))?.ok_or_else(|| {
            StoreError::Damaged(format!(
                "the Merkle tree has no hash for level {} index {}",
                id.level, id.index
            ))
        })?;
        <[u8; 32]>::try_from(bytes.as_ref())
            .map(Digest)
            .map_err(|_| StoreError::Damaged("a Merkle tree hash is not 32 bytes".into()))
    }

    /// The frontier (compact range) of the stored tree.
    pub(crate) fn frontier(&self) -> Result<CompactRange, StoreError> {
        CompactRange::from_nodes(self.tree_size()?, |id| self.node(id))
    }

    fn check_size(&self, size: u64) -> Result<(), StoreError> {
        let available = self.tree_size()?;
        if size > available {
            return Err(ProofError::TreeTooSmall {
                requested: size,
                available,
            }
            .into());
        }
        Ok(())
    }

    /// The RFC 6962 root of the first `size` events.
    pub fn merkle_root(&self, size: u64) -> Result<Digest, StoreError> {
        self.check_size(size)?;
        subtree_from_nodes(0, size, |id| self.node(id))
    }

    /// The RFC 6962 leaf hash of event `seq`.
    pub fn leaf_hash(&self, seq: u64) -> Result<Digest, StoreError> {
        self.check_size(seq.saturating_add(1))?;
        self.node(NodeId {
            level: 0,
            index: seq,
        })
    }

    /// The inclusion proof of event `index` in the tree of the first `size` events, in RFC 9162
    /// order (from the leaf up).
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Digest>, StoreError> {
        let ranges = inclusion_ranges(index, size)?;
        self.check_size(size)?;
        ranges
            .iter()
            .map(|range| subtree_from_nodes(range.start, range.size, |id| self.node(id)))
            .collect()
    }

    /// The consistency proof that the first `size1` events are a prefix of the first `size2`.
    pub fn consistency_proof(&self, size1: u64, size2: u64) -> Result<Vec<Digest>, StoreError> {
        let ranges = consistency_ranges(size1, size2)?;
        self.check_size(size2)?;
        ranges
            .iter()
            .map(|range| subtree_from_nodes(range.start, range.size, |id| self.node(id)))
            .collect()
    }

    /// The nodes that appending `leaves` (event bytes, in order) after the stored tree completes.
    pub(crate) fn nodes_for<'a>(
        &self,
        leaves: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<(Vec<NodeEntry>, u64), StoreError> {
        let mut frontier = self.frontier()?;
        let mut nodes = Vec::new();
        for bytes in leaves {
            for (id, hash) in frontier.push(leaf_hash(bytes)) {
                nodes.push((node_key(id), hash));
            }
        }
        Ok((nodes, frontier.size()))
    }
}

impl Ledger {
    /// Builds the tree for events appended before the tree was kept (a ledger from an earlier
    /// version), in batches. Idempotent: it starts where the stored tree ends.
    pub(crate) fn backfill_tree(&self) -> Result<(), StoreError> {
        let len = match self.head() {
            Ok(head) => head.len,
            // A damaged head is for `verify` to report; opening still works.
            Err(_) => return Ok(()),
        };
        loop {
            let start = self.tree_size()?;
            if start >= len {
                return Ok(());
            }
            let mut bytes = Vec::with_capacity(BACKFILL_BATCH);
            for entry in self
                .events
                .range(crate::ledger::seq_key(start)..)
                .take(BACKFILL_BATCH)
            {
                bytes.push(entry?.1);
            }
            if bytes.is_empty() {
                return Ok(());
            }
            let (nodes, size) = self.nodes_for(bytes.iter().map(|b| b.as_ref()))?;
            let mut batch = sled::Batch::default();
            for (key, hash) in &nodes {
                batch.insert(key.as_slice(), hash.as_bytes().as_slice());
            }
            self.nodes.apply_batch(batch)?;
            self.meta.insert(TREE_SIZE_KEY, &size.to_be_bytes())?;
            self.flush()?;
        }
    }
}

impl Reader {
    /// The checkpoint origin of this ledger: `wsoa/<area>/<first 16 hex digits of the chain hash
    /// of event 0>`. The genesis hash covers the area, the partners and the moment the ledger
    /// was opened, so no two ledgers share an origin.
    pub fn origin(&self) -> Result<String, StoreError> {
        let genesis = self.event(0)?.ok_or_else(|| {
            StoreError::Query(
                "the ledger has no events, so it has no origin and no checkpoint yet: record an event first".into(),
            )
        })?;
        Ok(origin_of(&genesis.event, &genesis.hash))
    }

    /// The kept checkpoints, smallest size first: (size, signed-note text).
    pub fn checkpoints(&self) -> Result<Vec<(u64, String)>, StoreError> {
        self.checkpoints
            .iter()
            .map(|entry| {
                let (key, value) = entry?;
                let size = <[u8; 8]>::try_from(key.as_ref())
                    .map(u64::from_be_bytes)
                    .map_err(|_| StoreError::Damaged("a checkpoint key is not 8 bytes".into()))?;
                let text = String::from_utf8(value.to_vec())
                    .map_err(|_| StoreError::Damaged("a kept checkpoint is not UTF-8".into()))?;
                Ok((size, text))
            })
            .collect()
    }
}

/// The checkpoint origin of the ledger whose event 0 is `genesis`, with chain hash `hash`.
pub(crate) fn origin_of(genesis: &wsoa_core::Event, hash: &wsoa_core::Digest) -> String {
    let area = match &genesis.body {
        wsoa_core::EventBody::LedgerOpened(opened) => slug(&opened.area),
        _ => "ledger".to_owned(),
    };
    format!("wsoa/{area}/{}", &hash.to_hex()[..16])
}

/// Lower-case letters and digits, other runs of characters as one hyphen.
fn slug(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "ledger".to_owned()
    } else {
        slug.to_owned()
    }
}

impl Ledger {
    /// Keeps a signed checkpoint (its signed-note text) under its tree size; a later note for
    /// the same size (with more cosignatures) replaces the earlier.
    pub fn keep_checkpoint(&self, size: u64, note: &str) -> Result<(), StoreError> {
        self.checkpoints
            .insert(size.to_be_bytes(), note.as_bytes())?;
        self.flush()
    }

    /// Records a signed checkpoint of this ledger in it (a `CheckpointRecorded` event), after
    /// checking that it is this ledger's (its origin) and that its root is this ledger's root at
    /// its size: a checkpoint of another history is refused.
    pub fn record_checkpoint(
        &mut self,
        note: &str,
        context: &crate::ledger::Context,
    ) -> Result<crate::ledger::Appended, StoreError> {
        use wsoa_core::Rejection;
        let refuse = |why: String| StoreError::Rejected(Rejection::Inconsistent(why));
        let parsed = wsoa_core::note::Note::parse(note)
            .map_err(|err| refuse(format!("the checkpoint is not a signed note: {err}")))?;
        let checkpoint = wsoa_core::note::Checkpoint::parse(parsed.text())
            .map_err(|err| refuse(format!("the signed note does not hold a checkpoint: {err}")))?;
        let origin = self.origin()?;
        if checkpoint.origin != origin {
            return Err(refuse(format!(
                "the checkpoint is of another ledger ({}), not of this one ({origin})",
                checkpoint.origin
            )));
        }
        let len = self.len()?;
        if checkpoint.size == 0 || checkpoint.size > len {
            return Err(refuse(format!(
                "the checkpoint is of {} events, but this ledger has {len}",
                checkpoint.size
            )));
        }
        let root = self.merkle_root(checkpoint.size)?;
        if root != checkpoint.root {
            return Err(refuse(format!(
                "the checkpoint says the first {} events have root {}, but this ledger's are {root}: it does not describe this history",
                checkpoint.size, checkpoint.root
            )));
        }
        self.execute(
            &wsoa_core::Command::RecordCheckpoint {
                note: note.to_owned(),
            },
            context,
        )
    }
}
