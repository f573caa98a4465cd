//! The hash chain: each event's `prev` is the chain hash of the event before it, so a linear walk
//! over the canonical bytes verifies the whole history.

use crate::ids::Digest;

/// The BLAKE3 key-derivation context of the chain hash. Using derive-key mode with a context
/// string keeps these hashes distinct from any other BLAKE3 hash of the same bytes.
pub const CHAIN_CONTEXT: &str = "wsoa-ledger 2026 event chain v1";

/// `BLAKE3-derive-key(CHAIN_CONTEXT, canonical bytes)`: the hash that the next event's `prev`
/// holds.
pub fn chain_hash(canonical_bytes: &[u8]) -> Digest {
    let mut hasher = blake3::Hasher::new_derive_key(CHAIN_CONTEXT);
    hasher.update(canonical_bytes);
    Digest(*hasher.finalize().as_bytes())
}

/// Plain BLAKE3 of an evidence file's content, the hash its `EvidenceAttached` event holds.
pub fn content_hash(content: &[u8]) -> Digest {
    Digest(*blake3::hash(content).as_bytes())
}
