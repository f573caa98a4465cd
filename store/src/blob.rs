//! Evidence content: stored once per BLAKE3 content hash, streamed in and out so that a file of
//! any size never sits whole in memory. Events hold only the hash, so purging content
//! (redaction) leaves every event hash intact.
//!
//! Content is kept in a file of its own, `content/<hash in hex>` in the ledger's directory,
//! written under a temporary name, synced, moved into place and the directory synced (see
//! `durable::NewFile`): a file under its hash's name is whole, and is checked against the hash
//! whenever it is read. Outside sled, its bytes never pass through sled's cache or log, so
//! storing, reading and verifying it take the same small buffer whatever its size. Ledgers
//! written before kept content in sled, in 1 MiB chunks (`blobs`, indexed by `blob_index`); that
//! content is still read, verified, exported and purged where it is.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use wsoa_core::command::AttachEvidence;
use wsoa_core::event::EvidenceRedacted;
use wsoa_core::{Command, Digest, EventBody, EvidenceId};

use crate::error::StoreError;
use crate::ledger::{Appended, Context, IdempotencyKey, Ledger, Reader, Refusals, Submission};

/// The size of one stored chunk of evidence content (content kept in sled by older ledgers), and
/// of the buffer content is streamed through.
pub const BLOB_CHUNK_BYTES: usize = 1 << 20;

/// The folder of the ledger's directory that holds evidence content files.
pub(crate) const CONTENT_DIR: &str = "content";

/// The file that holds the content with this hash, in the ledger directory `dir`.
pub(crate) fn content_path(dir: &Path, hash: &Digest) -> PathBuf {
    dir.join(CONTENT_DIR).join(hash.to_hex())
}

/// Where the content with a hash is kept.
pub(crate) enum Stored {
    /// In its own file (open, and its size).
    File(File, u64),
    /// In sled, in this many chunks, of this size in all (a ledger written before content files).
    Chunks(u64, u32),
}

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

#[cfg(any(test, feature = "tamper"))]
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

/// Hashes the content to attach and fills in the attachment's hash and size from it.
fn hashed(content: &mut impl Read, command: &mut AttachEvidence) -> Result<BlobInfo, StoreError> {
    let info = hash_content(content).map_err(StoreError::io("cannot read the file"))?;
    command.content_hash = info.hash;
    command.size = info.size;
    Ok(info)
}

/// What [`Ledger::attach_evidence_then`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttachedThen {
    /// The evidence and the command's event, appended now.
    Appended(Vec<Appended>),
    /// Appended earlier under the same idempotency key, as this event; nothing was appended now.
    Replayed(u64),
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
        let first = hashed(&mut content, &mut command)?;
        let command = Command::AttachEvidence(command);
        // Dry run: decide against the current state without writing, so that a rejection
        // writes no content. The append below decides again, against the same state.
        let when = crate::ledger::when(&self.head()?, context)?;
        wsoa_core::decide::check_actor_name(&context.actor.name)?;
        wsoa_core::decide(self.state()?, &command, when)?;
        self.keep_content(&mut content, first)?;
        self.execute(&command, context)
    }

    /// As [`Ledger::attach_evidence`], then, in the same transaction, the command `then` makes
    /// of the evidence's id (a monitoring visit whose letter it is). Both are checked against
    /// the rules before any content is written, and either both are appended or neither is.
    ///
    /// With an idempotency key, the second command's event is remembered under it in the same
    /// transaction; a retry with the same key and request appends nothing and answers
    /// [`AttachedThen::Replayed`] with that event.
    pub fn attach_evidence_then<R: Read + Seek>(
        &mut self,
        mut content: R,
        mut command: AttachEvidence,
        then: impl FnOnce(EvidenceId) -> Command,
        idempotency: Option<IdempotencyKey>,
        context: &Context,
    ) -> Result<AttachedThen, StoreError> {
        if let Some(key) = &idempotency
            && let Some(seq) = self.idempotent(key)?
        {
            return Ok(AttachedThen::Replayed(seq));
        }
        let first = hashed(&mut content, &mut command)?;
        let id = match &command.id {
            Some(id) => id.clone(),
            None => self.state()?.next_evidence_id(),
        };
        command.id = Some(id.clone());
        let attach = Command::AttachEvidence(command);
        let follow = then(id);
        // Dry run of both, the second against the state the first leaves, so that a rejection
        // writes no content.
        let head = self.head()?;
        let when = crate::ledger::when(&head, context)?;
        let mut state = self.state()?.clone();
        let body = wsoa_core::decide(&state, &attach, when)?;
        let (sealed, _) = wsoa_core::chain::seal(
            &head,
            body,
            context.actor.clone(),
            context.occurred_on,
            context.recorded_at,
        )?;
        state.apply(&sealed.event);
        wsoa_core::decide(&state, &follow, when)?;
        self.keep_content(&mut content, first)?;
        let submissions = [
            Submission {
                command: attach,
                context: context.clone(),
                idempotency: None,
            },
            Submission {
                command: follow,
                context: context.clone(),
                idempotency,
            },
        ];
        let mut appended = Vec::with_capacity(2);
        for result in self.decide_and_append(submissions, Refusals::StopAll)? {
            appended.push(result?);
        }
        Ok(AttachedThen::Appended(appended))
    }

    /// Stores content already hashed as `first`, read again from its start, unless content with
    /// that hash is kept already.
    fn keep_content<R: Read + Seek>(
        &self,
        content: &mut R,
        first: BlobInfo,
    ) -> Result<(), StoreError> {
        if !self.has_blob(&first.hash)? {
            content
                .seek(SeekFrom::Start(0))
                .map_err(StoreError::io("cannot read the file again"))?;
            self.write_blob(content, first)?;
        }
        Ok(())
    }

    pub(crate) fn write_blob(
        &self,
        content: &mut impl Read,
        expected: crate::BlobInfo,
    ) -> Result<(), StoreError> {
        // Room for the content before a byte is written.
        self.check_room(expected.size.saturating_add(4096))?;
        let folder = self.dir().join(CONTENT_DIR);
        if !folder.exists() {
            std::fs::create_dir_all(&folder).map_err(StoreError::io(format!(
                "cannot create {}",
                folder.display()
            )))?;
            crate::durable::sync_dir(self.dir())?;
        }
        let path = content_path(self.dir(), &expected.hash);
        let cannot_write = || StoreError::io(format!("cannot write {}", path.display()));
        let mut file =
            crate::durable::NewFile::create(&path, crate::durable::Existing::Replace, false)
                .map_err(cannot_write())?;
        let mut hasher = blake3::Hasher::new();
        let mut buffer = vec![0u8; BLOB_CHUNK_BYTES];
        let mut size = 0u64;
        loop {
            let n =
                read_full(content, &mut buffer).map_err(StoreError::io("cannot read the file"))?;
            if n == 0 {
                break;
            }
            hasher.update(&buffer[..n]);
            file.write_all(&buffer[..n]).map_err(cannot_write())?;
            size += n as u64;
        }
        let second = Digest(*hasher.finalize().as_bytes());
        if second != expected.hash || size != expected.size {
            // Dropped uncommitted: the temporary file is removed.
            return Err(StoreError::ContentChanged {
                first: expected.hash,
                second,
            });
        }
        // Synced, moved into place and the folder synced: only now is it stored.
        file.commit().map_err(cannot_write())
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
        let path = content_path(self.dir(), hash);
        match std::fs::remove_file(&path) {
            Ok(()) => crate::durable::sync_dir(&self.dir().join(CONTENT_DIR))?,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => {
                return Err(StoreError::io(format!("cannot remove {}", path.display()))(
                    err,
                ));
            }
        }
        // Content kept in sled by an older ledger: the index entry goes first, so a crash
        // part-way leaves unreachable chunks, never an index entry pointing at half a file.
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
        Ok(content_path(self.dir(), hash).is_file()
            || self.blob_index.contains_key(hash.as_bytes())?)
    }

    /// Where the content with this hash is kept, if it is.
    pub(crate) fn stored_blob(&self, hash: &Digest) -> Result<Option<Stored>, StoreError> {
        let path = content_path(self.dir(), hash);
        match File::open(&path) {
            Ok(file) => {
                let size = file
                    .metadata()
                    .map_err(StoreError::io(format!("cannot read {}", path.display())))?
                    .len();
                return Ok(Some(Stored::File(file, size)));
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => {
                return Err(StoreError::io(format!("cannot open {}", path.display()))(
                    err,
                ));
            }
        }
        Ok(self
            .blob_index
            .get(hash.as_bytes())?
            .and_then(|value| parse_index(&value))
            .map(|(size, chunks)| Stored::Chunks(size, chunks)))
    }

    /// The size of the content stored under `hash`, if it is stored.
    pub(crate) fn blob_size(&self, hash: &Digest) -> Result<Option<u64>, StoreError> {
        Ok(self.stored_blob(hash)?.map(|stored| match stored {
            Stored::File(_, size) | Stored::Chunks(size, _) => size,
        }))
    }

    /// Streams the content stored under `hash` into `out` (when given) and hashes it as it
    /// goes: `Ok(None)` when it is not stored, or part of it is missing; otherwise its BLAKE3
    /// hash and size as read, and whether it is intact (not when it was altered).
    pub(crate) fn stream_blob(
        &self,
        hash: &Digest,
        mut out: Option<&mut dyn Write>,
    ) -> Result<Option<(Digest, u64, bool)>, StoreError> {
        let mut hasher = blake3::Hasher::new();
        let mut written = 0u64;
        let cannot_write = || StoreError::io("cannot write the evidence out");
        match self.stored_blob(hash)? {
            None => return Ok(None),
            Some(Stored::File(mut file, _)) => {
                let path = content_path(self.dir(), hash);
                let mut buffer = vec![0u8; BLOB_CHUNK_BYTES];
                loop {
                    let n = read_full(&mut file, &mut buffer)
                        .map_err(StoreError::io(format!("cannot read {}", path.display())))?;
                    if n == 0 {
                        break;
                    }
                    hasher.update(&buffer[..n]);
                    if let Some(out) = out.as_mut() {
                        out.write_all(&buffer[..n]).map_err(cannot_write())?;
                    }
                    written += n as u64;
                }
            }
            Some(Stored::Chunks(size, chunks)) => {
                for index in 0..chunks {
                    let Some(chunk) = self.blobs.get(chunk_key(hash, index))? else {
                        return Ok(None);
                    };
                    hasher.update(&chunk);
                    if let Some(out) = out.as_mut() {
                        out.write_all(&chunk).map_err(cannot_write())?;
                    }
                    written += chunk.len() as u64;
                }
                if written != size {
                    // A size that disagrees with the index: altered, whatever the hash says.
                    return Ok(Some((
                        Digest(*hasher.finalize().as_bytes()),
                        written,
                        false,
                    )));
                }
            }
        }
        let found = Digest(*hasher.finalize().as_bytes());
        Ok(Some((found, written, found == *hash)))
    }

    /// Streams the content stored under `hash` into `out`, checking it against the hash as it
    /// goes. On `BlobAltered` the bytes already written must be discarded.
    pub fn read_blob(&self, hash: &Digest, out: &mut impl Write) -> Result<u64, StoreError> {
        let Some((found, written, intact)) = self.stream_blob(hash, Some(out))? else {
            return Err(StoreError::BlobMissing(*hash));
        };
        if !intact {
            return Err(StoreError::BlobAltered {
                expected: *hash,
                found,
            });
        }
        Ok(written)
    }
}
