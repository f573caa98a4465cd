//! Excerpts: the events about one weakness, workstream or action, each with its RFC 6962
//! inclusion proof against a signed checkpoint carried in the same file, and the evidence content
//! they attach. An auditor checks an excerpt offline without the rest of the ledger.
//!
//! Layout (docs/FORMAT.md section 16): the magic line `WSOA-EXCERPT 1\n`, then records
//! `tag: u8, length: u64 BE, payload`: tag 3, the signed checkpoint (first, exactly once); tag 2,
//! evidence content (32-byte BLAKE3 hash, then the content); tag 4, a proven event (leaf index
//! u64 BE, proof length u8, the proof's hashes, then the event's canonical bytes); tag 0, the
//! end, whose payload is the BLAKE3 hash of every byte before it.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use wsoa_core::merkle::{leaf_hash, verify_inclusion};
use wsoa_core::note::{Checkpoint, Note, Verifier};
use wsoa_core::{Digest, EventBody, decode_event};

use crate::error::StoreError;
use crate::ledger::Reader;

/// The first line of every excerpt.
pub const EXCERPT_MAGIC: &[u8] = b"WSOA-EXCERPT 1\n";

use crate::bundle::{TAG_CHECKPOINT, TAG_CONTENT, TAG_END};

/// The record of a proven event, the one kind of record a bundle does not have.
const TAG_PROVEN: u8 = 4;

/// The largest record other than evidence content an excerpt may hold.
const MAX_RECORD: u64 = 2 << 20;

/// What an excerpt proves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExcerptReport {
    /// The checkpoint's origin (the ledger).
    pub origin: String,
    /// The checkpoint's tree size.
    pub size: u64,
    /// The checkpoint's root.
    pub root: Digest,
    /// The trusted keys that signed the checkpoint (empty when none were given).
    pub signers: Vec<String>,
    /// The sequence numbers of the events proven, in order.
    pub events: Vec<u64>,
    /// How many pieces of evidence content matched their hashes.
    pub contents: u64,
}

fn write_record(out: &mut impl Write, tag: u8, parts: &[&[u8]]) -> std::io::Result<()> {
    let length: usize = parts.iter().map(|p| p.len()).sum();
    out.write_all(&[tag])?;
    out.write_all(&(length as u64).to_be_bytes())?;
    parts.iter().try_for_each(|part| out.write_all(part))
}

impl Reader {
    /// Writes an excerpt of the events `seqs` (ascending), proven against the kept signed
    /// checkpoint `note` of `size` events, with the content of the evidence they attach.
    pub fn export_excerpt(
        &self,
        seqs: &[u64],
        size: u64,
        note: &str,
        out: impl Write,
    ) -> Result<u64, StoreError> {
        // The checkpoint must describe this ledger, or every proof written against it would
        // fail: a kept checkpoint that does not is damage, for `wsoa verify` to report.
        let checkpoint = Note::parse(note)
            .ok()
            .and_then(|parsed| Checkpoint::parse(parsed.text()).ok())
            .ok_or_else(|| {
                StoreError::Damaged(format!(
                    "the checkpoint kept for {size} events is not a signed checkpoint"
                ))
            })?;
        let root = self.merkle_root(size)?;
        if checkpoint.size != size || checkpoint.origin != self.origin()? || checkpoint.root != root
        {
            return Err(StoreError::Damaged(format!(
                "the checkpoint kept for {size} events does not describe this ledger (it says {} events of {} with root {}; the ledger's root at {size} is {root})",
                checkpoint.size, checkpoint.origin, checkpoint.root
            )));
        }
        let io = StoreError::io("cannot write the excerpt");
        let mut buffer = Vec::new();
        buffer.extend_from_slice(EXCERPT_MAGIC);
        write_record(&mut buffer, TAG_CHECKPOINT, &[note.as_bytes()]).map_err(io)?;
        let mut out = out;
        let mut hasher = blake3::Hasher::new();
        let mut flush = |buffer: &mut Vec<u8>, out: &mut dyn Write| -> Result<(), StoreError> {
            hasher.update(buffer);
            out.write_all(buffer)
                .map_err(StoreError::io("cannot write the excerpt"))?;
            buffer.clear();
            Ok(())
        };
        let mut proven = 0;
        for &seq in seqs.iter().filter(|seq| **seq < size) {
            let stored = self
                .event(seq)?
                .ok_or_else(|| StoreError::Damaged(format!("there is no event {seq}")))?;
            if let EventBody::EvidenceAttached(attached) = &stored.event.body
                && self.has_blob(&attached.content_hash)?
            {
                let mut content = Vec::new();
                self.read_blob(&attached.content_hash, &mut content)?;
                write_record(
                    &mut buffer,
                    TAG_CONTENT,
                    &[attached.content_hash.as_bytes(), &content],
                )
                .map_err(StoreError::io("cannot write the excerpt"))?;
            }
            let proof = self.inclusion_proof(seq, size)?;
            let hashes: Vec<u8> = proof.iter().flat_map(|h| h.0).collect();
            let count = u8::try_from(proof.len()).unwrap_or(u8::MAX);
            write_record(
                &mut buffer,
                TAG_PROVEN,
                &[&seq.to_be_bytes(), &[count], &hashes, &stored.bytes],
            )
            .map_err(StoreError::io("cannot write the excerpt"))?;
            flush(&mut buffer, &mut out)?;
            proven += 1;
        }
        flush(&mut buffer, &mut out)?;
        let end = Digest(*hasher.finalize().as_bytes());
        write_record(&mut out, TAG_END, &[end.as_bytes()])
            .map_err(StoreError::io("cannot write the excerpt"))?;
        out.flush()
            .map_err(StoreError::io("cannot write the excerpt"))?;
        Ok(proven)
    }
}

fn damaged(why: impl Into<String>) -> StoreError {
    StoreError::Excerpt(why.into())
}

/// Checks an excerpt offline: its end hash, its checkpoint (and its signatures, against
/// `trust` when any key is given), every event's inclusion proof against the checkpoint's root,
/// and every evidence content against its hash.
pub fn verify_excerpt(
    mut input: impl Read,
    trust: &[Verifier],
) -> Result<ExcerptReport, StoreError> {
    let mut hasher = blake3::Hasher::new();
    let mut read = |buf: &mut [u8], hasher: &mut blake3::Hasher| -> Result<(), StoreError> {
        input
            .read_exact(buf)
            .map_err(|_| damaged("it is truncated"))?;
        hasher.update(buf);
        Ok(())
    };
    let mut magic = vec![0u8; EXCERPT_MAGIC.len()];
    read(&mut magic, &mut hasher)?;
    if magic != EXCERPT_MAGIC {
        return Err(damaged("it does not start with the excerpt's magic line"));
    }
    let mut report: Option<ExcerptReport> = None;
    let mut contents: BTreeMap<Digest, bool> = BTreeMap::new();
    loop {
        let before_end = hasher.clone();
        let mut header = [0u8; 9];
        read(&mut header, &mut hasher)?;
        let tag = header[0];
        let length = u64::from_be_bytes(header[1..].try_into().unwrap_or([0; 8]));
        if tag != TAG_CONTENT && length > MAX_RECORD {
            return Err(damaged(format!("a record claims {length} bytes")));
        }
        if tag == TAG_CONTENT {
            if length < 32 {
                return Err(damaged("a content record is shorter than its hash"));
            }
            let mut hash = [0u8; 32];
            read(&mut hash, &mut hasher)?;
            let mut content_hasher = blake3::Hasher::new();
            let mut left = length - 32;
            let mut chunk = vec![0u8; 1 << 16];
            while left > 0 {
                let n = chunk.len().min(usize::try_from(left).unwrap_or(usize::MAX));
                read(&mut chunk[..n], &mut hasher)?;
                content_hasher.update(&chunk[..n]);
                left -= n as u64;
            }
            let ok = *content_hasher.finalize().as_bytes() == hash;
            contents.insert(Digest(hash), ok);
            continue;
        }
        let mut payload = vec![0u8; usize::try_from(length).unwrap_or(0)];
        read(&mut payload, &mut hasher)?;
        match tag {
            TAG_END => {
                if payload != before_end.finalize().as_bytes() {
                    return Err(damaged(
                        "its end hash does not match its bytes: the file was altered",
                    ));
                }
                let mut extra = [0u8; 1];
                if input
                    .read(&mut extra)
                    .map_err(|_| damaged("it cannot be read"))?
                    != 0
                {
                    return Err(damaged("there are bytes after its end record"));
                }
                let mut report = report.ok_or_else(|| damaged("it has no checkpoint"))?;
                report.contents = contents.values().filter(|ok| **ok).count() as u64;
                return Ok(report);
            }
            TAG_CHECKPOINT if report.is_none() => {
                let text = String::from_utf8(payload)
                    .map_err(|_| damaged("its checkpoint is not text"))?;
                let note = Note::parse(&text).map_err(|err| {
                    damaged(format!("its checkpoint is not a signed note: {err}"))
                })?;
                let signers = if trust.is_empty() {
                    Vec::new()
                } else {
                    note.verify(trust)
                        .map_err(|err| {
                            damaged(format!("its checkpoint's signatures do not verify: {err}"))
                        })?
                        .iter()
                        .map(|v| v.name().to_owned())
                        .collect()
                };
                let checkpoint = Checkpoint::parse(note.text())
                    .map_err(|err| damaged(format!("its note holds no checkpoint: {err}")))?;
                report = Some(ExcerptReport {
                    origin: checkpoint.origin,
                    size: checkpoint.size,
                    root: checkpoint.root,
                    signers,
                    events: Vec::new(),
                    contents: 0,
                });
            }
            TAG_PROVEN => {
                let report = report
                    .as_mut()
                    .ok_or_else(|| damaged("an event comes before the checkpoint"))?;
                if payload.len() < 9 {
                    return Err(damaged("a proven event record is too short"));
                }
                let index = u64::from_be_bytes(payload[..8].try_into().unwrap_or([0; 8]));
                let count = usize::from(payload[8]);
                let proof_end = 9 + 32 * count;
                if payload.len() < proof_end {
                    return Err(damaged(format!("the proof of event {index} is cut short")));
                }
                let proof: Vec<Digest> = payload[9..proof_end]
                    .chunks_exact(32)
                    .map(|chunk| Digest(chunk.try_into().unwrap_or([0; 32])))
                    .collect();
                let bytes = &payload[proof_end..];
                let event = decode_event(bytes)
                    .map_err(|err| damaged(format!("event {index} cannot be decoded: {err}")))?;
                if event.seq != index {
                    return Err(damaged(format!(
                        "the event proven at position {index} says it is event {}",
                        event.seq
                    )));
                }
                if report.events.last().is_some_and(|last| *last >= index) {
                    return Err(damaged(format!("event {index} is out of order")));
                }
                verify_inclusion(&leaf_hash(bytes), index, report.size, &proof, &report.root)
                    .map_err(|err| {
                        damaged(format!(
                            "event {index} is not in the checkpoint's tree: {err}"
                        ))
                    })?;
                if let EventBody::EvidenceAttached(attached) = &event.body
                    && contents.get(&attached.content_hash) == Some(&false)
                {
                    return Err(damaged(format!(
                        "the content of evidence {} does not match its hash: it was altered",
                        attached.id
                    )));
                }
                report.events.push(index);
            }
            other => return Err(damaged(format!("it has a record of unknown kind {other}"))),
        }
    }
}
