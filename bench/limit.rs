//! The hashing limit: the least work any verifier of a `wsoa` ledger must do, and nothing more.
//!
//! Streams a bundle (`wsoa export --out FILE`, docs/FORMAT.md section 15) and, for each event
//! record, computes the BLAKE3 chain hash (derive-key mode) and the RFC 6962 leaf hash of its
//! canonical bytes, folding the leaves into the Merkle root with a stack of O(log n) hashes. It
//! does not decode events, check links, hash evidence or check the end record: it is a floor to
//! measure `wsoa verify` against, not a verifier. One thread, constant memory.
//!
//! Usage: `cargo run -p wsoa-core --example limit -- FILE`; prints the number of events, the
//! last chain hash (which `wsoa verify` calls the head) and the root.

use std::io::{BufReader, Read};
use std::process::ExitCode;

use sha2::{Digest as _, Sha256};

const MAGIC: &[u8] = b"WSOA-BUNDLE 1\n";
const CHAIN_CONTEXT: &str = "wsoa-ledger 2026 event chain v1";

fn node(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update([0x01]);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// The RFC 6962 root from the perfect subtrees left on the stack (largest first).
fn root(stack: &[[u8; 32]]) -> [u8; 32] {
    match stack.split_last() {
        None => Sha256::digest([]).into(),
        Some((last, rest)) => rest
            .iter()
            .rev()
            .fold(*last, |right, left| node(left, &right)),
    }
}

fn run(path: &str) -> Result<(u64, [u8; 32], [u8; 32]), String> {
    let file = std::fs::File::open(path).map_err(|err| format!("cannot open {path}: {err}"))?;
    let mut input = BufReader::with_capacity(1 << 20, file);
    let mut magic = [0u8; MAGIC.len()];
    input
        .read_exact(&mut magic)
        .map_err(|err| format!("cannot read {path}: {err}"))?;
    if magic != MAGIC {
        return Err(format!(
            "{path} is not a bundle: it does not start with `WSOA-BUNDLE 1`"
        ));
    }
    let mut events = 0u64;
    let mut head = [0u8; 32];
    // The perfect subtrees of the tree so far, largest first: one per 1 bit of `events`.
    let mut stack: Vec<[u8; 32]> = Vec::with_capacity(64);
    let mut bytes = Vec::new();
    loop {
        let mut header = [0u8; 9];
        input
            .read_exact(&mut header)
            .map_err(|err| format!("{path} ends inside a record header: {err}"))?;
        let length = u64::from_be_bytes(header[1..].try_into().unwrap_or([0; 8]));
        match header[0] {
            0 => break,
            1 => {
                bytes.resize(usize::try_from(length).map_err(|_| "record too long")?, 0);
                input
                    .read_exact(&mut bytes)
                    .map_err(|err| format!("{path} ends inside an event record: {err}"))?;
                let mut chain = blake3::Hasher::new_derive_key(CHAIN_CONTEXT);
                chain.update(&bytes);
                head = *chain.finalize().as_bytes();
                let mut leaf = Sha256::new();
                leaf.update([0x00]);
                leaf.update(&bytes);
                stack.push(leaf.finalize().into());
                events += 1;
                // Merge the two youngest subtrees while they are the same size.
                let mut merges = events.trailing_zeros();
                while merges > 0 {
                    let right = stack.pop().unwrap_or_default();
                    let left = stack.pop().unwrap_or_default();
                    stack.push(node(&left, &right));
                    merges -= 1;
                }
            }
            _ => {
                std::io::copy(&mut (&mut input).take(length), &mut std::io::sink())
                    .map_err(|err| format!("{path} ends inside a record: {err}"))?;
            }
        }
    }
    Ok((events, head, root(&stack)))
}

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: limit BUNDLE_FILE (write one with `wsoa export --out FILE`)");
        return ExitCode::from(2);
    };
    match run(&path) {
        Ok((events, head, root)) => {
            println!(
                "events {events} head {} root {}",
                hex::encode(head),
                hex::encode(root)
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("limit: {err}");
            ExitCode::FAILURE
        }
    }
}
