//! Offline bundles: one file holding everything an auditor needs to verify a ledger without it
//! (its events, the content of its evidence, its kept checkpoints), ending in a BLAKE3 hash of
//! the whole file. The format is `docs/FORMAT.md` section 15. Writing, verifying and importing
//! all stream: evidence content passes through in chunks and is never whole in memory.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::Path;

use wsoa_core::note::Verifier;
use wsoa_core::{Digest, EventBody, chain_hash, decode_event};

use crate::blob::{BLOB_CHUNK_BYTES, BlobInfo};
use crate::error::StoreError;
use crate::ledger::{Ledger, Reader};
use crate::verify::{Content, Failure, Source, VerifyError, VerifyReport, walk};

/// The first line of every bundle.
pub const BUNDLE_MAGIC: &[u8] = b"WSOA-BUNDLE 1\n";

// Record tags, shared with excerpts (`excerpt.rs`), which use the same framing.
pub(crate) const TAG_END: u8 = 0;
const TAG_EVENT: u8 = 1;
pub(crate) const TAG_CONTENT: u8 = 2;
pub(crate) const TAG_CHECKPOINT: u8 = 3;
/// The largest signed checkpoint a bundle may carry.
const MAX_CHECKPOINT_BYTES: u64 = 1 << 16;
/// How many imported events are written per transaction.
const IMPORT_BATCH: usize = 1024;

/// What an export wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportReport {
    /// How many events.
    pub events: u64,
    /// How many pieces of evidence content (one per distinct content hash).
    pub contents: u64,
    /// The total size of that content, in bytes.
    pub content_bytes: u64,
    /// How many signed checkpoints.
    pub checkpoints: u64,
    /// The chain hash of the last event.
    pub head: Digest,
    /// The RFC 6962 root of all the events.
    pub root: Digest,
    /// The BLAKE3 hash in the end record: of every byte of the file before it.
    pub file_hash: Digest,
}

/// A writer that hashes everything written through it.
struct HashingWriter<W> {
    inner: W,
    hasher: blake3::Hasher,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn record_header(out: &mut impl Write, tag: u8, length: u64) -> Result<(), StoreError> {
    out.write_all(&[tag])
        .and_then(|()| out.write_all(&length.to_be_bytes()))
        .map_err(StoreError::io("cannot write the bundle"))
}

fn record(out: &mut impl Write, tag: u8, payload: &[u8]) -> Result<(), StoreError> {
    record_header(out, tag, payload.len() as u64)?;
    out.write_all(payload)
        .map_err(StoreError::io("cannot write the bundle"))
}

impl Reader {
    /// Writes the whole ledger as a bundle: the magic line, every event in order, each piece
    /// of stored evidence content just before the first event that attaches it (redacted
    /// content has none), the kept checkpoints, and the end record.
    pub fn export(&self, out: impl Write) -> Result<ExportReport, StoreError> {
        self.export_prefix(out, self.len()?)
    }

    /// Writes the first `events` events as a bundle, as [`Reader::export`] writes the whole
    /// ledger: the evidence content they attach and the kept checkpoints of at most `events`
    /// events. It is the ledger as it stood after event `events - 1`, and verifies as such.
    pub fn export_prefix(&self, out: impl Write, events: u64) -> Result<ExportReport, StoreError> {
        let mut out = HashingWriter {
            inner: out,
            hasher: blake3::Hasher::new(),
        };
        out.write_all(BUNDLE_MAGIC)
            .map_err(StoreError::io("cannot write the bundle"))?;
        let mut written = BTreeSet::new();
        let mut report = ExportReport {
            events: 0,
            contents: 0,
            content_bytes: 0,
            checkpoints: 0,
            head: Digest::ZERO,
            root: Digest::ZERO,
            file_hash: Digest::ZERO,
        };
        let prefix = events
            .checked_sub(1)
            .into_iter()
            .flat_map(|last| self.events(0, Some(last)));
        for stored in prefix {
            let stored = stored?;
            if let EventBody::EvidenceAttached(attached) = &stored.event.body {
                let hash = attached.content_hash;
                if let Some(size) = self.blob_size(&hash)?
                    && written.insert(hash)
                {
                    record_header(&mut out, TAG_CONTENT, 32 + size)?;
                    out.write_all(hash.as_bytes())
                        .map_err(StoreError::io("cannot write the bundle"))?;
                    self.read_blob(&hash, &mut out)?;
                    report.contents += 1;
                    report.content_bytes += size;
                }
            }
            record(&mut out, TAG_EVENT, &stored.bytes)?;
            report.events += 1;
            report.head = stored.hash;
        }
        for (_, note) in self
            .checkpoints()?
            .into_iter()
            .filter(|(size, _)| *size <= report.events)
        {
            record(&mut out, TAG_CHECKPOINT, note.as_bytes())?;
            report.checkpoints += 1;
        }
        let file_hash = Digest(*out.hasher.finalize().as_bytes());
        record(&mut out, TAG_END, file_hash.as_bytes())?;
        out.flush()
            .map_err(StoreError::io("cannot write the bundle"))?;
        report.root = self.merkle_root(report.events)?;
        report.file_hash = file_hash;
        Ok(report)
    }
}

impl Ledger {
    /// Creates a new ledger in `dir` from a bundle, verifying it as it streams in: events are
    /// appended exactly as they are (never decided again), evidence content and checkpoints
    /// are stored. `dir` must not exist or be empty. If the bundle does not verify, nothing is
    /// left behind: the directory is removed (or emptied, when it existed).
    pub fn import(dir: &Path, input: impl Read) -> Result<Ledger, StoreError> {
        Ledger::import_trusting(dir, input, None)
    }

    /// As [`Ledger::import`]; with `trust`, every checkpoint the bundle carries must also carry
    /// a signature that verifies with one of the trusted keys.
    pub fn import_trusting(
        dir: &Path,
        input: impl Read,
        trust: Option<&[Verifier]>,
    ) -> Result<Ledger, StoreError> {
        let existed = dir.exists();
        if existed {
            let mut entries = std::fs::read_dir(dir)
                .map_err(StoreError::io(format!("cannot read {}", dir.display())))?;
            if entries.next().is_some() {
                return Err(StoreError::NotEmpty(format!(
                    "{} is not empty; import a bundle only into a new directory",
                    dir.display()
                )));
            }
        }
        let ledger = Ledger::create(dir)?;
        match import_into(ledger, input, trust) {
            Ok(ledger) => Ok(ledger),
            Err(err) => {
                let cleanup = if existed {
                    std::fs::remove_dir_all(dir).and_then(|()| std::fs::create_dir(dir))
                } else {
                    std::fs::remove_dir_all(dir)
                };
                cleanup.map_err(StoreError::io(format!("cannot remove {}", dir.display())))?;
                Err(err)
            }
        }
    }
}

fn import_into(
    ledger: Ledger,
    input: impl Read,
    trust: Option<&[Verifier]>,
) -> Result<Ledger, StoreError> {
    let mut source = BundleSource::new(input, Some(ledger));
    let report = walk(&mut source, &[], trust)
        .map_err(|err| StoreError::BadSource(format!("the bundle does not verify: {err}")))?;
    let mut ledger = source
        .ledger
        .take()
        .ok_or_else(|| StoreError::Internal("the import lost its ledger".into()))?;
    ledger.append_raw(&std::mem::take(&mut source.pending))?;
    for (size, note) in std::mem::take(&mut source.checked_checkpoints) {
        ledger.keep_checkpoint(size, &note)?;
    }
    let copy = ledger.verify()?;
    if copy.head != report.head || copy.root != report.root {
        return Err(StoreError::Damaged(
            "the imported ledger does not have the bundle's head and root".into(),
        ));
    }
    Ok(ledger)
}

/// Verifies a bundle offline with the same walk as `Ledger::verify_pinned`: strict decoding,
/// order, links, the clock rules, evidence content (redacted content is absent on purpose), the
/// RFC 6962 root per pin, the checkpoints it carries (origin and root at their sizes), and
/// finally the end record's hash of the whole file. Memory stays constant apart from the set of
/// evidence content hashes and one leaf hash per event (to check the carried checkpoints, which
/// follow the events).
pub fn verify_bundle(
    input: impl Read,
    pins: &[(u64, Digest)],
) -> Result<VerifyReport, VerifyError> {
    verify_bundle_trusting(input, pins, None)
}

/// As [`verify_bundle`]; with `trust`, every checkpoint the bundle carries must also carry a
/// signature that verifies with one of the trusted keys.
pub fn verify_bundle_trusting(
    input: impl Read,
    pins: &[(u64, Digest)],
    trust: Option<&[Verifier]>,
) -> Result<VerifyReport, VerifyError> {
    walk(&mut BundleSource::new(input, None), pins, trust)
}

/// The checkpoint origin of the ledger in a bundle, read from its first event (which must be
/// the bundle's first record), so that a checkpoint can be matched to it before the walk.
pub fn bundle_origin(input: impl Read) -> Result<String, VerifyError> {
    let mut source = BundleSource::new(input, None);
    let (_, bytes) = source
        .next_event()?
        .ok_or_else(|| bundle_fail(None, "it holds no events, so it has no origin"))?;
    let event = decode_event(&bytes).map_err(|source| VerifyError {
        seq: Some(0),
        failure: Failure::Undecodable { seq: 0, source },
    })?;
    Ok(crate::tree::origin_of(&event, &chain_hash(&bytes)))
}

fn bundle_fail(seq: Option<u64>, message: impl Into<String>) -> VerifyError {
    VerifyError {
        seq,
        failure: Failure::Bundle(message.into()),
    }
}

/// A bundle being read: every byte read is hashed, to check the end record.
struct BundleSource<R> {
    input: R,
    hasher: blake3::Hasher,
    started: bool,
    ended: bool,
    events: u64,
    /// Content hashes seen: `Ok` when the content hashed to its hash, `Err(found)` when not.
    contents: BTreeMap<Digest, Option<Digest>>,
    /// When importing: the new ledger, and the events checked but not yet written.
    ledger: Option<Ledger>,
    pending: Vec<Vec<u8>>,
    /// The checkpoint records read, in order: (size, signed-note text).
    checkpoints: Vec<(u64, String)>,
    /// The same, once handed to the walk (which checks them).
    checked_checkpoints: Vec<(u64, String)>,
}

impl<R: Read> BundleSource<R> {
    fn new(input: R, ledger: Option<Ledger>) -> Self {
        BundleSource {
            input,
            hasher: blake3::Hasher::new(),
            started: false,
            ended: false,
            events: 0,
            contents: BTreeMap::new(),
            ledger,
            pending: Vec::new(),
            checkpoints: Vec::new(),
            checked_checkpoints: Vec::new(),
        }
    }

    fn truncated(&self) -> VerifyError {
        bundle_fail(
            None,
            format!(
                "it ends after {} events without its end record: the file is truncated",
                self.events
            ),
        )
    }

    /// Reads exactly `buf.len()` bytes, hashing them; `Ok(false)` at a clean end of file.
    fn read_exact_or_end(&mut self, buf: &mut [u8], hash: bool) -> Result<bool, VerifyError> {
        let mut filled = 0;
        while filled < buf.len() {
            match self.input.read(&mut buf[filled..]) {
                Ok(0) if filled == 0 => return Ok(false),
                Ok(0) => return Err(self.truncated()),
                Ok(n) => filled += n,
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                Err(err) => return Err(bundle_fail(None, format!("it cannot be read: {err}"))),
            }
        }
        if hash {
            self.hasher.update(buf);
        }
        Ok(true)
    }

    fn read_exact(&mut self, buf: &mut [u8]) -> Result<(), VerifyError> {
        if self.read_exact_or_end(buf, true)? {
            Ok(())
        } else {
            Err(self.truncated())
        }
    }

    /// Streams one content record's content (`length` bytes), hashing it and, when importing,
    /// storing it.
    fn content_record(&mut self, claimed: Digest, length: u64) -> Result<(), VerifyError> {
        if self.contents.contains_key(&claimed) {
            return Err(bundle_fail(
                None,
                format!(
                    "it holds two content records for the hash {claimed}: each piece of content appears once"
                ),
            ));
        }
        let found = if let Some(ledger) = self.ledger.take() {
            let mut reader = ContentReader {
                source: self,
                left: length,
                failed: None,
            };
            let stored = ledger.write_blob(
                &mut reader,
                BlobInfo {
                    hash: claimed,
                    size: length,
                },
            );
            let failed = reader.failed.take();
            self.ledger = Some(ledger);
            if let Some(err) = failed {
                return Err(err);
            }
            match stored {
                Ok(()) => claimed,
                Err(StoreError::ContentChanged { second, .. }) => second,
                Err(err) => return Err(bundle_fail(None, err.to_string())),
            }
        } else {
            let mut hasher = blake3::Hasher::new();
            let mut buffer = vec![0u8; BLOB_CHUNK_BYTES.min(length as usize).max(1)];
            let mut left = length;
            while left > 0 {
                let n = buffer.len().min(left as usize);
                self.read_exact(&mut buffer[..n])?;
                hasher.update(&buffer[..n]);
                left -= n as u64;
            }
            Digest(*hasher.finalize().as_bytes())
        };
        if found == claimed {
            self.contents.insert(claimed, None);
        } else {
            self.contents.entry(claimed).or_insert(Some(found));
        }
        Ok(())
    }

    fn checkpoint_record(&mut self, length: u64) -> Result<(), VerifyError> {
        if length > MAX_CHECKPOINT_BYTES {
            return Err(bundle_fail(
                None,
                format!(
                    "a checkpoint record is {length} bytes long, more than a checkpoint can be"
                ),
            ));
        }
        let mut text = vec![0u8; length as usize];
        self.read_exact(&mut text)?;
        let size = std::str::from_utf8(&text)
            .ok()
            .and_then(|text| wsoa_core::note::Note::parse(text).ok())
            .and_then(|note| wsoa_core::note::Checkpoint::parse(note.text()).ok())
            .map(|checkpoint| checkpoint.size)
            .ok_or_else(|| bundle_fail(None, "a checkpoint record is not a signed checkpoint"))?;
        if let Some(&(previous, _)) = self.checkpoints.last()
            && previous >= size
        {
            return Err(bundle_fail(
                None,
                format!(
                    "its checkpoint of {size} events follows one of {previous}: checkpoints come once per size, smallest first"
                ),
            ));
        }
        let text = String::from_utf8(text)
            .map_err(|_| bundle_fail(None, "a checkpoint record is not UTF-8"))?;
        self.checkpoints.push((size, text));
        Ok(())
    }

    fn end_record(&mut self, before: Digest) -> Result<(), VerifyError> {
        let mut length = [0u8; 8];
        self.read_exact(&mut length)?;
        if u64::from_be_bytes(length) != 32 {
            return Err(bundle_fail(None, "its end record is not 32 bytes long"));
        }
        let mut stored = [0u8; 32];
        self.read_exact(&mut stored)?;
        if Digest(stored) != before {
            return Err(bundle_fail(
                None,
                format!(
                    "its bytes hash to {before}, but its end record says {}: the file has been altered",
                    Digest(stored)
                ),
            ));
        }
        let mut extra = [0u8; 1];
        if self.read_exact_or_end(&mut extra, false)? {
            return Err(bundle_fail(None, "there are bytes after its end record"));
        }
        Ok(())
    }
}

/// The `length` bytes of one content record, read through the bundle's hash.
struct ContentReader<'a, R> {
    source: &'a mut BundleSource<R>,
    left: u64,
    failed: Option<VerifyError>,
}

impl<R: Read> Read for ContentReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf
            .len()
            .min(self.left.min(BLOB_CHUNK_BYTES as u64) as usize);
        if n == 0 {
            return Ok(0);
        }
        if let Err(err) = self.source.read_exact(&mut buf[..n]) {
            self.failed = Some(err.clone());
            return Err(std::io::Error::other(err));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

impl<R: Read> Source for BundleSource<R> {
    fn next_event(&mut self) -> Result<Option<(u64, Vec<u8>)>, VerifyError> {
        if self.ended {
            return Ok(None);
        }
        if !self.started {
            let mut magic = [0u8; BUNDLE_MAGIC.len()];
            if !self.read_exact_or_end(&mut magic, true)? || magic != BUNDLE_MAGIC {
                return Err(bundle_fail(
                    None,
                    "it does not start with `WSOA-BUNDLE 1`: it is not a bundle, or its format is newer",
                ));
            }
            self.started = true;
        }
        loop {
            let before = Digest(*self.hasher.finalize().as_bytes());
            let mut header = [0u8; 9];
            if !self.read_exact_or_end(&mut header[..1], true)? {
                return Err(self.truncated());
            }
            if header[0] == TAG_END {
                self.end_record(before)?;
                self.ended = true;
                return Ok(None);
            }
            self.read_exact(&mut header[1..])?;
            let length = u64::from_be_bytes(header[1..].try_into().unwrap_or([0; 8]));
            match header[0] {
                TAG_EVENT | TAG_CONTENT if !self.checkpoints.is_empty() => {
                    return Err(bundle_fail(
                        None,
                        "an event or content record follows a checkpoint record: checkpoints come after the last event",
                    ));
                }
                TAG_EVENT => {
                    if length > wsoa_core::encoding::MAX_EVENT_BYTES as u64 {
                        return Err(bundle_fail(
                            Some(self.events),
                            format!(
                                "the record of event {} is {length} bytes long, more than an event can be",
                                self.events
                            ),
                        ));
                    }
                    let mut bytes = vec![0u8; length as usize];
                    self.read_exact(&mut bytes)?;
                    let position = self.events;
                    self.events += 1;
                    return Ok(Some((position, bytes)));
                }
                TAG_CONTENT => {
                    if length < 32 {
                        return Err(bundle_fail(
                            None,
                            "a content record is too short for its hash",
                        ));
                    }
                    let mut hash = [0u8; 32];
                    self.read_exact(&mut hash)?;
                    self.content_record(Digest(hash), length - 32)?;
                }
                TAG_CHECKPOINT => self.checkpoint_record(length)?,
                tag => {
                    return Err(bundle_fail(
                        None,
                        format!("it holds a record of unknown type {tag}"),
                    ));
                }
            }
        }
    }

    fn content(&mut self, hash: &Digest) -> Result<Content, VerifyError> {
        Ok(match self.contents.get(hash) {
            None => Content::Absent,
            Some(None) => Content::Intact,
            Some(Some(found)) => Content::Altered(*found),
        })
    }

    fn carries_checkpoints(&self) -> bool {
        true
    }

    fn carried_checkpoints(&mut self) -> Vec<(u64, String)> {
        self.checked_checkpoints = std::mem::take(&mut self.checkpoints);
        self.checked_checkpoints.clone()
    }

    fn accepted(&mut self, seq: u64, bytes: &[u8]) -> Result<(), VerifyError> {
        let Some(ledger) = self.ledger.as_mut() else {
            return Ok(());
        };
        self.pending.push(bytes.to_vec());
        if self.pending.len() >= IMPORT_BATCH {
            let batch = std::mem::take(&mut self.pending);
            ledger
                .append_raw(&batch)
                .map_err(|err| bundle_fail(Some(seq), err.to_string()))?;
        }
        Ok(())
    }
}
