//! Canonical bytes: the one encoding of an event that is hashed, stored and exported.
//!
//! It is bincode 2.0.1 with `config::standard()` (little-endian, variable-length integers) over
//! the serde derive of `Event`, laid out byte by byte in docs/FORMAT.md. Decoding is strict: it
//! refuses trailing bytes, oversized input, and any encoding that is not the one this module
//! would write for the same event, so that one event has exactly one byte string and one hash.

use bincode::config::{self, Configuration, Limit, LittleEndian, Varint};

use crate::event::{Event, FORMAT_VERSION};

/// The largest canonical event accepted, in bytes. Events carry text, never files.
pub const MAX_EVENT_BYTES: usize = 1 << 20;

/// bincode's decoding budget counts the in-memory size of what it decodes (8 bytes for every
/// length prefix), not the bytes read. No encoded byte costs more than 8, so eight times the
/// input cap accepts every event under `MAX_EVENT_BYTES` while still bounding allocation.
const DECODE_BUDGET: usize = 8 * MAX_EVENT_BYTES;

type Canonical = Configuration<LittleEndian, Varint, Limit<DECODE_BUDGET>>;

fn canonical() -> Canonical {
    config::standard().with_limit::<DECODE_BUDGET>()
}

/// The envelope's `format`, read from the leading varint before anything else, so that an event
/// of a future format is reported as such rather than as malformed.
fn leading_format(bytes: &[u8]) -> Option<u16> {
    match bytes {
        [small, ..] if *small < 251 => Some(u16::from(*small)),
        [0xFB, low, high, ..] => Some(u16::from_le_bytes([*low, *high])),
        _ => None,
    }
}

/// Why a byte string is not a canonical event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Longer than `MAX_EVENT_BYTES`.
    #[error("the event is {len} bytes long, more than the {MAX_EVENT_BYTES} allowed")]
    TooLarge {
        /// Its length.
        len: usize,
    },
    /// Not an event at all (truncated, an unknown variant tag, invalid UTF-8, a bad id or date).
    #[error("the bytes do not decode as an event: {0}")]
    Malformed(String),
    /// A valid event followed by more bytes.
    #[error("the event ends at byte {used} but {len} bytes were given")]
    TrailingBytes {
        /// Where the event ended.
        used: usize,
        /// How many bytes there were.
        len: usize,
    },
    /// A decodable event whose bytes are not the canonical encoding (a number written in a
    /// longer form than needed, for instance).
    #[error("the bytes decode as an event but are not its canonical encoding")]
    NotCanonical,
    /// An envelope version this code does not know.
    #[error(
        "the event has format version {0}, but this program reads only version {FORMAT_VERSION}"
    )]
    UnknownFormat(u16),
}

/// The canonical bytes of an event.
pub fn encode_event(event: &Event) -> Vec<u8> {
    // Encoding into a Vec cannot fail for these types: there are no maps of unknown length,
    // no `collect_str`, and every event the program builds is far below the size limit.
    bincode::serde::encode_to_vec(event, config::standard())
        .expect("an event always encodes: its types use only bincode-supported serde shapes")
}

/// Decodes canonical bytes, refusing anything that is not exactly what `encode_event` writes.
pub fn decode_event(bytes: &[u8]) -> Result<Event, DecodeError> {
    if bytes.len() > MAX_EVENT_BYTES {
        return Err(DecodeError::TooLarge { len: bytes.len() });
    }
    if let Some(format) = leading_format(bytes)
        && format != FORMAT_VERSION
    {
        return Err(DecodeError::UnknownFormat(format));
    }
    let (event, used): (Event, usize) = bincode::serde::decode_from_slice(bytes, canonical())
        .map_err(|err| DecodeError::Malformed(err.to_string()))?;
    if used != bytes.len() {
        return Err(DecodeError::TrailingBytes {
            used,
            len: bytes.len(),
        });
    }
    if event.format != FORMAT_VERSION {
        return Err(DecodeError::UnknownFormat(event.format));
    }
    if encode_event(&event) != bytes {
        return Err(DecodeError::NotCanonical);
    }
    Ok(event)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Actor, EventBody, LedgerOpened, Role};
    use crate::ids::Digest;

    fn opened(partners: Vec<String>) -> Event {
        Event {
            format: FORMAT_VERSION,
            seq: 0,
            prev: Digest::ZERO,
            recorded_at: 1_626_307_200_000,
            occurred_on: "2021-07-15".parse().expect("valid date"),
            actor: Actor {
                name: "A. Patel".to_owned(),
                role: Role::Officer,
            },
            body: EventBody::LedgerOpened(LedgerOpened {
                area: "x".to_owned(),
                partners,
            }),
        }
    }

    #[test]
    fn every_event_under_the_size_cap_decodes_however_many_strings_it_holds() {
        // Many one-letter strings: bincode's budget counts 8 bytes per length prefix, so a
        // budget equal to the cap would refuse this event although it is well under 1 MiB.
        let event = opened(vec!["p".to_owned(); 300_000]);
        let bytes = encode_event(&event);
        assert!(bytes.len() < MAX_EVENT_BYTES);
        assert_eq!(decode_event(&bytes), Ok(event));
    }

    #[test]
    fn a_future_format_is_named_as_such() {
        let mut event = opened(vec![]);
        event.format = 2;
        assert_eq!(
            decode_event(&encode_event(&event)),
            Err(DecodeError::UnknownFormat(2))
        );
        event.format = 300;
        assert_eq!(
            decode_event(&encode_event(&event)),
            Err(DecodeError::UnknownFormat(300))
        );
    }
}
