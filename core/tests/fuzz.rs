//! Decoding outside input never panics or hangs: arbitrary bytes, and real events mutated one
//! way or another, are either refused with a clean error or (when the mutation happens to give
//! another valid event) decode to something that encodes back to exactly the same bytes.

use proptest::prelude::*;
use wsoa_core::{decode_event, encode_event};

/// The canonical bytes of every event of the demo story: realistic inputs to mutate.
fn corpus() -> &'static [Vec<u8>] {
    static CORPUS: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    CORPUS.get_or_init(|| {
        wsoa_core::demo::in_memory(None)
            .sealed()
            .iter()
            .map(|sealed| sealed.bytes.clone())
            .collect()
    })
}

fn check(bytes: &[u8]) {
    if let Ok(event) = decode_event(bytes) {
        assert_eq!(
            encode_event(&event),
            bytes,
            "a decoded event re-encodes to its bytes"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_are_refused_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        check(&bytes);
    }

    #[test]
    fn mutated_events_are_refused_or_stay_canonical(
        pick in any::<proptest::sample::Index>(),
        position in any::<proptest::sample::Index>(),
        value in any::<u8>(),
        mutation in 0u8..4,
    ) {
        let original = pick.get(corpus());
        let mut bytes = original.clone();
        let at = position.index(bytes.len());
        match mutation {
            0 => bytes[at] = value,
            1 => bytes.truncate(at),
            2 => bytes.insert(at, value),
            _ => {
                bytes.remove(at);
            }
        }
        check(&bytes);
    }
}
