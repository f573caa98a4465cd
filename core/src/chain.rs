//! The hash chain: each event's `prev` is the chain hash of the event before it, so a linear walk
//! over the canonical bytes verifies the whole history.

use crate::date::Date;
use crate::decide::{Rejection, When};
use crate::encoding::{MAX_EVENT_BYTES, encode_event};
use crate::event::{Actor, Event, EventBody, FORMAT_VERSION};
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

/// The end of a ledger: what the next event is chained to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    /// How many events there are.
    pub len: u64,
    /// The chain hash of the last event (all zero when there is none).
    pub hash: Digest,
    /// When the last event was recorded (0 when there is none).
    pub recorded_at: i64,
}

impl Head {
    /// The head of an empty ledger.
    pub const EMPTY: Head = Head {
        len: 0,
        hash: Digest::ZERO,
        recorded_at: 0,
    };

    /// The dates a command is decided with after this head. "Today" is the UK date of the time
    /// the event will carry: `recorded_at`, or the head's own time if the clock stepped back
    /// behind it. `None` if that time is outside the supported years.
    pub fn when(&self, occurred_on: Date, recorded_at: i64) -> Option<When> {
        let today = Date::uk_from_unix_millis(recorded_at.max(self.recorded_at))?;
        Some(When { occurred_on, today })
    }
}

/// An event with its canonical bytes and chain hash, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sealed {
    /// The event.
    pub event: Event,
    /// Its canonical bytes.
    pub bytes: Vec<u8>,
    /// Its chain hash.
    pub hash: Digest,
}

/// Builds the event that follows `head` (the next `seq`, `prev` = the head's hash, and a
/// `recorded_at` that never goes backwards), and the head that follows it. Refuses an event
/// whose canonical bytes would exceed what every reader accepts, and an actor's name with a
/// character refused in free text (`decide::check_actor_name`).
pub fn seal(
    head: &Head,
    body: EventBody,
    actor: Actor,
    occurred_on: Date,
    recorded_at: i64,
) -> Result<(Sealed, Head), Rejection> {
    crate::decide::check_actor_name(&actor.name)?;
    let event = Event {
        format: FORMAT_VERSION,
        seq: head.len,
        prev: head.hash,
        recorded_at: recorded_at.max(head.recorded_at),
        occurred_on,
        actor,
        body,
    };
    let bytes = encode_event(&event);
    if bytes.len() > MAX_EVENT_BYTES {
        return Err(Rejection::EventTooLarge { bytes: bytes.len() });
    }
    let hash = chain_hash(&bytes);
    let next = Head {
        len: head.len + 1,
        hash,
        recorded_at: event.recorded_at,
    };
    Ok((Sealed { event, bytes, hash }, next))
}
