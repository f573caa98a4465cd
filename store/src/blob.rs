//! Evidence content: stored once per BLAKE3 content hash, in 1 MiB chunks, streamed in and out so
//! that a 200 MB file never sits whole in memory. Events hold only the hash, so purging content
//! (redaction) leaves every event hash intact.

use std::io::{Read, Seek, SeekFrom, Write};

use wsoa_core::command::AttachEvidence;
use wsoa_core::event::EvidenceRedacted;
use wsoa_core::{Command, Digest, EventBody};

use crate::error::StoreError;
use crate::ledger::{Appended, Context, Ledger, Reader};

/// The size of one stored chunk of evidence content.
pub const BLOB_CHUNK_BYTES: usize = 1 << 20;

/// A file's content hash and size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlobInfo {
    /// BLAKE3 of the content.
    pub hash: Digest,
    /// Its size in bytes.
    pub size: u64,
}

/// Hashes content as it streams past, in chunks.
pub fn hash_content(mut reader: impl Read) -> std::io::Result<BlobInfo> {
    let mut hasher = blake3::Hasher::new();
    let mut buffer = vec![0u8; BLOB_CHUNK_BYTES];
    let mut size = 0u64;
    loop {
        let n = read_full(&mut reader, &mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        size += n as u64;
    }
    Ok(BlobInfo {
        hash: Digest(*hasher.finalize().as_bytes()),
        size,
    })
}

/// Reads until `buffer` is full or the reader ends, so that chunks have a fixed size.
fn read_full(reader: &mut impl Read, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(filled)
}

pub(crate) fn chunk_key(hash: &Digest, index: u32) -> [u8; 36] {
    let mut key = [0u8; 36];
    key[..32].copy_from_slice(hash.as_bytes());
    key[32..].copy_from_slice(&index.to_be_bytes());
    key
}

pub(crate) fn index_value(size: u64, chunks: u32) -> [u8; 12] {
    let mut value = [0u8; 12];
    value[..8].copy_from_slice(&size.to_be_bytes());
    value[8..].copy_from_slice(&chunks.to_be_bytes());
    value
}

pub(crate) fn parse_index(value: &[u8]) -> Option<(u64, u32)> {
    let size = u64::from_be_bytes(value.get(..8)?.try_into().ok()?);
    let chunks = u32::from_be_bytes(value.get(8..12)?.try_into().ok()?);
    Some((size, chunks))
}

impl Ledger {
    /// Stores `content` and appends the `EvidenceAttached` event that records it. The command's
    /// `content_hash` and `size` are computed here from the content itself.
    ///
    /// The rules are checked before any content is written, so a rejected attachment writes
    /// nothing. The content is read twice (once to hash it for the rules, once to store it) and
    /// must not change in between.
    pub fn attach_evidence<R: Read + Seek>(
        &mut self,
        mut content: R,
        mut command: AttachEvidence,
        context: &Context,
    ) -> Result<Appended, StoreError> {
        let first = hash_content(&mut content).map_err(StoreError::io("cannot read the file"))?;
        command.content_hash = first.hash;
        command.size = first.size;
        let command = Command::AttachEvidence(command);
        // Dry run: decide against the current state without writing, so that a rejection
        // writes no content. The append below decides again, against the same state.
        let when = crate::ledger::when(&self.head()?, context)?;
        wsoa_core::decide::check_actor_name(&context.actor.name)?;
        wsoa_core::decide(self.state()?, &command, when)?;
        if !self.has_blob(&first.hash)? {
            content
                .seek(SeekFrom::Start(0))
                .map_err(StoreError::io("cannot read the file again"))?;
            self.write_blob(&mut content, first)?;
        }
        self.execute(&command, context)
    }

    pub(crate) fn write_blob(
        &self,
        content: &mut impl Read,
        expected: crate::BlobInfo,
    ) -> Result<(), StoreError> {
        // Room for the content and sled's framing of each chunk, before a byte is written: a
        // chunk sled fails to write part-way stops writes in this process (see `space`).
        self.check_room(expected.size.saturating_add(expected.size / 16))?;
        let mut hasher = blake3::Hasher::new();
        let mut buffer = vec![0u8; BLOB_CHUNK_BYTES];
        let mut chunks = 0u32;
        let mut size = 0u64;
        loop {
            let n =
                read_full(content, &mut buffer).map_err(StoreError::io("cannot read the file"))?;
            if n == 0 {
                break;
            }
            hasher.update(&buffer[..n]);
            self.blobs
                .insert(chunk_key(&expected.hash, chunks), &buffer[..n])
                .map_err(|err| self.write_failed(err.into()))?;
            chunks += 1;
            size += n as u64;
        }
        let second = Digest(*hasher.finalize().as_bytes());
        if second != expected.hash || size != expected.size {
            for index in 0..chunks {
                self.blobs.remove(chunk_key(&expected.hash, index))?;
            }
            return Err(StoreError::ContentChanged {
                first: expected.hash,
                second,
            });
        }
        // The index entry is written last: content without an index entry is an unfinished
        // write, invisible to readers and overwritten by the next attempt.
        self.blob_index
            .insert(expected.hash.as_bytes(), &index_value(size, chunks))
            .map_err(|err| self.write_failed(err.into()))?;
        self.flush()
    }

    /// Appends an `EvidenceRedacted` event, then purges the content unless another piece of
    /// evidence that is not redacted has the same content.
    pub fn redact_evidence(
        &mut self,
        command: EvidenceRedacted,
        context: &Context,
    ) -> Result<Appended, StoreError> {
        let appended = self.execute(&Command::RedactEvidence(command), context)?;
        if let EventBody::EvidenceRedacted(redacted) = &appended.event.body {
            let state = self.state()?;
            let hash = state.evidence[&redacted.id].content_hash;
            let still_needed = state
                .evidence
                .values()
                .any(|evidence| evidence.content_hash == hash && !evidence.redacted);
            if !still_needed {
                self.purge_blob(&hash)?;
            }
        }
        Ok(appended)
    }

    pub(crate) fn purge_blob(&self, hash: &Digest) -> Result<(), StoreError> {
        // The index entry goes first, so a crash part-way leaves unreachable chunks, never an
        // index entry pointing at half a file.
        if let Some((_, chunks)) = self
            .blob_index
            .remove(hash.as_bytes())?
            .and_then(|value| parse_index(&value))
        {
            for index in 0..chunks {
                self.blobs.remove(chunk_key(hash, index))?;
            }
        }
        self.flush()
    }
}

impl Reader {
    /// Whether content with this hash is stored.
    pub fn has_blob(&self, hash: &Digest) -> Result<bool, StoreError> {
        Ok(self.blob_index.contains_key(hash.as_bytes())?)
    }

    /// Streams the content stored under `hash` into `out`, checking it against the hash as it
    /// goes. On `BlobAltered` the bytes already written must be discarded.
    pub fn read_blob(&self, hash: &Digest, out: &mut impl Write) -> Result<u64, StoreError> {
        let (size, chunks) = self
            .blob_index
            .get(hash.as_bytes())?
            .and_then(|value| parse_index(&value))
            .ok_or(StoreError::BlobMissing(*hash))?;
        let mut hasher = blake3::Hasher::new();
        let mut written = 0u64;
        for index in 0..chunks {
            let chunk = self
                .blobs
                .get(chunk_key(hash, index))?
                .ok_or(StoreError::BlobMissing(*hash))?;
            hasher.update(&chunk);
            out.write_all(&chunk)
                .map_err(StoreError::io("cannot write the evidence out"))?;
            written += chunk.len() as u64;
        }
        let found = Digest(*hasher.finalize().as_bytes());
        if found != *hash || written != size {
            return Err(StoreError::BlobAltered {
                expected: *hash,
                found,
            });
        }
        Ok(written)
    }
}
