//! `Ledger`: opening a ledger directory, the append protocol, and reading events back.
//!
//! On disk a ledger directory holds `LOCK` (an advisory lock held while the ledger is open, so a
//! second process gets a clear "in use" error) and `sled/`, a sled database with these trees:
//!
//! | tree         | key                      | value                                        |
//! |--------------|--------------------------|----------------------------------------------|
//! | `events`     | seq, u64 big-endian      | the event's canonical bytes                  |
//! | `chain`      | seq, u64 big-endian      | the event's chain hash (32 bytes)            |
//! | `meta`       | `format`                 | storage format, u16 big-endian               |
//! | `meta`       | `head`                   | length u64 BE, last chain hash, last recorded_at i64 BE |
//! | `blob_index` | content hash (32 bytes)  | size u64 BE, chunk count u32 BE (older ledgers' content) |
//! | `blobs`      | content hash, chunk u32 BE | up to 1 MiB of content (older ledgers; new content is in `content/`, see `blob`) |
//! | `plan_snapshots` | seq, u64 big-endian  | a kept plan snapshot: derived, never hashed (see `projection`) |
//! | `subject_index`, `event_subjects`, `projections` | see `subjects` | the subject index: derived, never hashed |
//! | `late_events` | see `late` | the late-recorded events: derived, never hashed |
//!
//! An append writes `events`, `chain` and `meta/head` in one sled transaction and flushes before
//! it returns, so an acknowledged event survives the process being killed, and a crash leaves
//! either the whole append or none of it.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};
use wsoa_core::chain::{Head, seal};
use wsoa_core::decide::When;
use wsoa_core::{
    Actor, Command, Date, Digest, Event, Rejection, State, chain_hash, decide, decode_event,
};

use crate::durable::{self, Recovery};
use crate::error::StoreError;

/// The storage layout version written in `meta/format`.
pub(crate) const STORAGE_FORMAT: u16 = 1;
pub(crate) const HEAD_KEY: &[u8] = b"head";
const FORMAT_KEY: &[u8] = b"format";
/// The file a running server writes its address to, so that a command refused as "in use" can
/// say where the server is. A stale file (after a crash) is harmless: it is read only while the
/// lock is held.
const SERVER_FILE: &str = "SERVER";

/// Who records a command, and when: the parts of an event's envelope the caller supplies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Context {
    /// Who is recording.
    pub actor: Actor,
    /// The business date of the change.
    pub occurred_on: Date,
    /// The caller's clock, Unix milliseconds. The ledger never lets `recorded_at` go backwards:
    /// if the clock stepped back, the previous event's time is used instead; a clock more than
    /// [`MAX_CLOCK_BEHIND_MS`] behind it is refused (`StoreError::ClockBehind`).
    pub recorded_at: i64,
}

pub(crate) fn head_to_bytes(head: Head) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(48);
    bytes.extend_from_slice(&head.len.to_be_bytes());
    bytes.extend_from_slice(head.hash.as_bytes());
    bytes.extend_from_slice(&head.recorded_at.to_be_bytes());
    bytes
}

pub(crate) fn head_from_bytes(bytes: &[u8]) -> Option<Head> {
    if bytes.len() != 48 {
        return None;
    }
    Some(Head {
        len: u64::from_be_bytes(bytes[0..8].try_into().ok()?),
        hash: Digest(bytes[8..40].try_into().ok()?),
        recorded_at: i64::from_be_bytes(bytes[40..48].try_into().ok()?),
    })
}

/// A command to decide and append, with the key its result is remembered under, if any.
#[derive(Clone, Debug)]
pub struct Submission {
    /// What to record.
    pub command: Command,
    /// Who records it, and when.
    pub context: Context,
    /// Remember the appended event under this key, in the same transaction, so that a retry
    /// with the same key finds it instead of appending again.
    pub idempotency: Option<IdempotencyKey>,
}

/// An idempotency key: the caller's key (already scoped, e.g. by the token that sent it) and a
/// hash of the request it came with, so that a key reused for a different request is caught.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdempotencyKey {
    /// The scoped key.
    pub key: Vec<u8>,
    /// A hash of the request.
    pub request: Digest,
}

/// An event that was just appended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Appended {
    /// The event as stored.
    pub event: Event,
    /// Its chain hash.
    pub hash: Digest,
}

/// An event read back from the ledger, with its bytes and chain hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEvent {
    /// The decoded event.
    pub event: Event,
    /// Its canonical bytes, exactly as stored and hashed.
    pub bytes: Vec<u8>,
    /// Its chain hash.
    pub hash: Digest,
}

/// A read handle on a ledger: the sled trees, shared. Cloning is cheap (the handles are
/// reference-counted), and a `Reader` can be sent to other threads, so that reads (projections,
/// proofs, verification, evidence downloads) run beside the one writer without waiting for it.
///
/// Every read bounds itself by the head it reads first: an append writes its events before (or
/// with) the head that counts them, so a reader never sees a head naming events it cannot read.
#[derive(Clone)]
pub struct Reader {
    dir: PathBuf,
    pub(crate) db: sled::Db,
    pub(crate) events: sled::Tree,
    pub(crate) chain: sled::Tree,
    pub(crate) meta: sled::Tree,
    pub(crate) blobs: sled::Tree,
    pub(crate) blob_index: sled::Tree,
    pub(crate) nodes: sled::Tree,
    pub(crate) checkpoints: sled::Tree,
    pub(crate) tokens: sled::Tree,
    pub(crate) idempotency: sled::Tree,
    /// Kept plan snapshots: derived data, never hashed (see `projection`).
    pub(crate) snapshots: sled::Tree,
    /// How many events apart they are kept.
    pub(crate) snapshot_every: u64,
    /// The subject index, what each event is about, and the derived data's positions (see
    /// `subjects`).
    pub(crate) subjects: sled::Tree,
    pub(crate) about: sled::Tree,
    pub(crate) projections: sled::Tree,
    /// The index of late-recorded events (see `late`).
    pub(crate) late: sled::Tree,
    /// sled's data file, opened to `fdatasync` it after each flush (see `Ledger::flush`).
    data_file: std::sync::Arc<File>,
    /// The plan now, kept up to date by `plan_at(Point::Now)` (see `query`).
    pub(crate) plan_cache: std::sync::Arc<std::sync::Mutex<Option<crate::query::PlanNow>>>,
    /// Whether a write has failed part-way, stopping writes in this process (see `space`).
    pub(crate) health: std::sync::Arc<crate::space::Health>,
}

/// An open ledger: the only handle that writes. Only one `Ledger` (in any process) can have a
/// directory open at a time; it holds the directory's lock file until dropped.
///
/// A `Ledger` dereferences to its [`Reader`], so every read is available on it too.
pub struct Ledger {
    reader: Reader,
    /// The rule state, built on first need by folding every event; dropped whenever an append
    /// fails part-way, so that it is rebuilt from what is really on disk.
    state: Option<State>,
    _lock: File,
    /// What opening found unfinished (left by a crash or power cut) and put right.
    recovered: Vec<Recovery>,
    /// The timeline after the events the subject index covers, kept between appends so that
    /// each append extends the index from where it stopped (see `subjects`).
    pub(crate) timeline: Option<(wsoa_core::timeline::Timeline, u64)>,
}

impl std::ops::Deref for Ledger {
    type Target = Reader;

    fn deref(&self) -> &Reader {
        &self.reader
    }
}

impl Reader {
    /// The event remembered under an idempotency key, if any: `Ok(Some(seq))` when the key was
    /// used for the same request, `IdempotencyKeyReused` when for a different one.
    pub fn idempotent(&self, key: &IdempotencyKey) -> Result<Option<u64>, StoreError> {
        let Some(value) = self.idempotency.get(key.key.as_slice())? else {
            return Ok(None);
        };
        if value.len() != 40 {
            return Err(StoreError::Damaged(
                "an idempotency record is not 40 bytes".into(),
            ));
        }
        if &value[8..] != key.request.as_bytes() {
            return Err(StoreError::IdempotencyKeyReused);
        }
        let mut seq = [0u8; 8];
        seq.copy_from_slice(&value[..8]);
        Ok(Some(u64::from_be_bytes(seq)))
    }

    /// The ledger's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The head record: how many events there are and the last chain hash.
    pub fn head(&self) -> Result<Head, StoreError> {
        match self.meta.get(HEAD_KEY)? {
            Some(bytes) => head_from_bytes(&bytes)
                .ok_or_else(|| StoreError::Damaged("the head record is malformed".into())),
            None if self.events.is_empty() => Ok(Head::EMPTY),
            None => Err(StoreError::Damaged(
                "the head record is missing although there are events".into(),
            )),
        }
    }

    /// How many events there are.
    pub fn len(&self) -> Result<u64, StoreError> {
        Ok(self.head()?.len)
    }

    /// Whether the ledger has no events yet.
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(self.len()? == 0)
    }

    /// One event.
    pub fn event(&self, seq: u64) -> Result<Option<StoredEvent>, StoreError> {
        self.events(seq, Some(seq)).next().transpose()
    }

    /// The events from `from` to `to` (inclusive; to the end when `None`), decoded, in order.
    /// Reading streams from disk: memory does not grow with the range.
    pub fn events(
        &self,
        from: u64,
        to: Option<u64>,
    ) -> impl Iterator<Item = Result<StoredEvent, StoreError>> + use<> {
        let range = match to {
            Some(to) => self.events.range(seq_key(from)..=seq_key(to)),
            None => self.events.range(seq_key(from)..),
        };
        range.map(|entry| {
            let (key, bytes) = entry?;
            let seq = <[u8; 8]>::try_from(key.as_ref())
                .map(u64::from_be_bytes)
                .map_err(|_| StoreError::Damaged("an event key is not 8 bytes".into()))?;
            let event =
                decode_event(&bytes).map_err(|source| StoreError::Corrupt { seq, source })?;
            let hash = chain_hash(&bytes);
            Ok(StoredEvent {
                event,
                bytes: bytes.to_vec(),
                hash,
            })
        })
    }
}

/// The address of the server that wrote `SERVER` in `dir`, unless that file names a process that
/// is no longer running (a server killed with SIGKILL leaves the file behind; on Linux its
/// process id tells a live server from a dead one).
fn running_server(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join(SERVER_FILE)).ok()?;
    let mut lines = text.lines();
    let url = lines.next()?.trim().to_owned();
    if url.is_empty() {
        return None;
    }
    if cfg!(target_os = "linux")
        && let Some(pid) = lines.next().and_then(|pid| pid.trim().parse::<u32>().ok())
        && !Path::new("/proc").join(pid.to_string()).exists()
    {
        return None;
    }
    Some(url)
}

/// Opens sled's database. This process holds the directory's `LOCK`, so sled's own file lock can
/// only be held by an instance this process just dropped whose background I/O threads are still
/// finishing (sled releases its lock when the last of them ends). Wait for them, for at most two
/// seconds, rather than report a ledger that is not in use as if it were.
fn open_sled(path: &Path, cache: Option<u64>) -> Result<(sled::Db, Vec<Recovery>), StoreError> {
    let mut recovered = Vec::new();
    loop {
        wait_for_sled_lock(path)?;
        let mut config = sled::Config::new().path(path);
        if let Some(bytes) = cache {
            config = config.cache_capacity(bytes);
        }
        match config.open() {
            Ok(db) => return Ok((db, recovered)),
            Err(err) if recovered.is_empty() => {
                // What an interrupted start or stop leaves behind keeps sled from opening:
                // remove it (only provably unfinished temporaries) and try once more.
                recovered = durable::announce(durable::recover_sled_dir(path)?);
                if recovered.is_empty() {
                    return Err(unopenable(path, err));
                }
            }
            Err(err) => return Err(unopenable(path, err)),
        }
    }
}

/// Waits until no sled instance holds the lock on the database file `db` (sled takes an
/// exclusive `flock` on it, as `File::try_lock` does), for at most two seconds: the lock asked
/// for and released here, so that sled is opened only once it can take it. sled reports a lock
/// it cannot take only as text in an error of kind `Other`; asking the lock itself needs no
/// reading of that text.
fn wait_for_sled_lock(path: &Path) -> Result<(), StoreError> {
    let db = path.join("db");
    let file = match File::open(&db) {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(StoreError::Io {
                context: format!("cannot open {}", db.display()),
                source,
            });
        }
    };
    for _ in 0..200 {
        match file.try_lock() {
            Ok(()) => {
                // Closing the file releases the lock too; unlocking first says so.
                let _ = file.unlock();
                return Ok(());
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(std::fs::TryLockError::Error(source)) => {
                return Err(StoreError::Io {
                    context: format!("cannot lock {}", db.display()),
                    source,
                });
            }
        }
    }
    // Still held after two seconds: sled's own error says so.
    Ok(())
}

/// The error for a database sled cannot open even after recovery, naming the file at fault.
fn unopenable(path: &Path, err: sled::Error) -> StoreError {
    match err {
        sled::Error::Corruption { .. } => {
            let file = newest_snapshot(path)
                .filter(|snap| !snapshot_checksum_holds(snap))
                .unwrap_or_else(|| path.join("db"));
            StoreError::Unopenable {
                file,
                detail: err.to_string(),
            }
        }
        other => StoreError::from(other),
    }
}

/// The snapshot sled would read: the last `snap.*` file by name.
fn newest_snapshot(path: &Path) -> Option<PathBuf> {
    let mut snaps: Vec<PathBuf> = std::fs::read_dir(path)
        .ok()?
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_name().to_string_lossy().starts_with("snap."))
        .map(|entry| entry.path())
        .collect();
    snaps.sort();
    snaps.pop()
}

/// Whether a sled snapshot file ends with a correct CRC-32 of its content (sled 0.34's layout:
/// content, 8 bytes of length, 4 bytes of CRC-32 little-endian).
fn snapshot_checksum_holds(path: &Path) -> bool {
    match std::fs::read(path) {
        Ok(bytes) if bytes.len() > 12 => {
            let (body, tail) = bytes.split_at(bytes.len() - 12);
            durable::crc32(body).to_le_bytes() == tail[8..]
        }
        _ => false,
    }
}

/// sled's cache for a ledger opened for one pass over it ([`Ledger::open_for_walk`]).
pub const WALK_CACHE_BYTES: u64 = 16 * 1024 * 1024;

/// How many events `replicate` appends per transaction.
const REPLICATE_BATCH: usize = 10_000;

pub(crate) fn seq_key(seq: u64) -> [u8; 8] {
    seq.to_be_bytes()
}

impl Ledger {
    /// Opens the ledger in `dir`, creating the directory and an empty ledger if there is none.
    pub fn create(dir: &Path) -> Result<Ledger, StoreError> {
        Ledger::open_inner(dir, true, None)
    }

    /// Creates the ledger in `dir` with its first event (`OpenLedger`). When the command is
    /// refused, nothing is created: no directory, no database.
    pub fn init(
        dir: &Path,
        command: &Command,
        context: &Context,
    ) -> Result<(Ledger, Appended), StoreError> {
        if !dir.join("sled").exists() {
            decide(&State::default(), command, when(&Head::EMPTY, context)?)?;
        }
        let mut ledger = Ledger::create(dir)?;
        let appended = ledger.execute(command, context)?;
        Ok((ledger, appended))
    }

    /// Creates a new ledger in `dir` holding exactly `events` (canonical bytes, in order),
    /// appended as they are, never decided again: each must decode, be the next, and link to the
    /// one before. This is how a copy of another ledger's history (fetched from a server) is
    /// made readable by every local reading command. `dir` must hold no ledger yet.
    ///
    /// A replica is read once and thrown away, so it keeps no plan snapshots (writing them
    /// would cost more than the reads they speed up); [`Ledger::set_snapshot_every`] turns them
    /// on.
    pub fn replicate(
        dir: &Path,
        events: impl IntoIterator<Item = Result<Vec<u8>, StoreError>>,
    ) -> Result<Ledger, StoreError> {
        if dir.join("sled").exists() {
            return Err(StoreError::NotEmpty(format!(
                "{} already holds a ledger; replicate only into a new directory",
                dir.display()
            )));
        }
        let mut ledger = Ledger::create(dir)?;
        ledger.reader.snapshot_every = u64::MAX;
        let mut batch = Vec::with_capacity(REPLICATE_BATCH);
        for bytes in events {
            batch.push(bytes?);
            if batch.len() == REPLICATE_BATCH {
                ledger.append_raw(&batch)?;
                batch.clear();
            }
        }
        ledger.append_raw(&batch)?;
        Ok(ledger)
    }

    /// Opens the existing ledger in `dir`; fails with `NoLedger` if there is none.
    pub fn open(dir: &Path) -> Result<Ledger, StoreError> {
        Ledger::open_inner(dir, false, None)
    }

    /// Opens the existing ledger in `dir` for one pass over it (verify, export): sled's cache is
    /// bounded to [`WALK_CACHE_BYTES`] instead of sled's default of 1 GiB, since a walk reads
    /// each page once and keeping them would only grow the process with the ledger.
    pub fn open_for_walk(dir: &Path) -> Result<Ledger, StoreError> {
        Ledger::open_inner(dir, false, Some(WALK_CACHE_BYTES))
    }

    fn open_inner(dir: &Path, create: bool, cache: Option<u64>) -> Result<Ledger, StoreError> {
        let db_path = dir.join("sled");
        if !create && !db_path.exists() {
            return Err(StoreError::NoLedger {
                dir: dir.to_owned(),
            });
        }
        let new_dir = !db_path.exists();
        std::fs::create_dir_all(dir)
            .map_err(StoreError::io(format!("cannot create {}", dir.display())))?;
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join("LOCK"))
            .map_err(StoreError::io(format!(
                "cannot open {}",
                dir.join("LOCK").display()
            )))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(StoreError::InUse {
                    dir: dir.to_owned(),
                    server: running_server(dir),
                });
            }
            Err(std::fs::TryLockError::Error(source)) => {
                return Err(StoreError::Io {
                    context: format!("cannot lock {}", dir.join("LOCK").display()),
                    source,
                });
            }
        }
        let mut recovered = durable::announce(durable::recover_ledger_dir(dir, SERVER_FILE)?);
        let (db, sled_recovered) = open_sled(&db_path, cache)?;
        recovered.extend(sled_recovered);
        if new_dir {
            // A new ledger's directories must survive a power cut like its first event.
            durable::sync_dir(&db_path)?;
            durable::sync_dir(dir)?;
            if let Some(parent) = dir.parent() {
                durable::sync_dir(parent)?;
            }
        }
        let meta = db.open_tree("meta")?;
        match meta.get(FORMAT_KEY)? {
            Some(bytes) => {
                let found = <[u8; 2]>::try_from(bytes.as_ref())
                    .map(u16::from_be_bytes)
                    .map_err(|_| {
                        StoreError::Damaged("the storage format record is malformed".into())
                    })?;
                if found == 0 {
                    return Err(StoreError::Damaged(
                        "the storage format record says 0, which no wsoa writes: the record has been altered or damaged".into(),
                    ));
                }
                if found != STORAGE_FORMAT {
                    return Err(StoreError::UnsupportedFormat {
                        found,
                        expected: STORAGE_FORMAT,
                    });
                }
            }
            None => {
                meta.insert(FORMAT_KEY, &STORAGE_FORMAT.to_be_bytes())?;
                db.flush()?;
            }
        }
        let data_file = File::open(db_path.join("db")).map_err(StoreError::io(format!(
            "cannot open {}",
            db_path.join("db").display()
        )))?;
        let reader = Reader {
            data_file: std::sync::Arc::new(data_file),
            plan_cache: std::sync::Arc::default(),
            health: std::sync::Arc::default(),
            dir: dir.to_owned(),
            events: db.open_tree("events")?,
            chain: db.open_tree("chain")?,
            blobs: db.open_tree("blobs")?,
            blob_index: db.open_tree("blob_index")?,
            nodes: db.open_tree("nodes")?,
            checkpoints: db.open_tree("checkpoints")?,
            tokens: db.open_tree("tokens")?,
            idempotency: db.open_tree("idempotency")?,
            snapshots: db.open_tree(crate::projection::SNAPSHOT_TREE)?,
            snapshot_every: crate::projection::SNAPSHOT_EVERY,
            subjects: db.open_tree(crate::subjects::SUBJECT_TREE)?,
            about: db.open_tree(crate::subjects::ABOUT_TREE)?,
            projections: db.open_tree(crate::subjects::PROJECTIONS_TREE)?,
            late: db.open_tree(crate::late::LATE_TREE)?,
            meta,
            db,
        };
        let ledger = Ledger {
            reader,
            state: None,
            _lock: lock,
            recovered,
            timeline: None,
        };
        ledger.backfill_tree()?;
        Ok(ledger)
    }

    /// What opening this ledger found left unfinished by a crash or power cut, and put right
    /// (also reported as it happens, see [`crate::report_recoveries_with`]).
    pub fn recovered(&self) -> &[Recovery] {
        &self.recovered
    }

    /// Writes the address of the server that holds this ledger into the directory, so that a
    /// command refused as "in use" can name it; [`Ledger::withdraw_server`] removes it. Written
    /// to a temporary name, synced and renamed, so a power cut never leaves a torn address.
    pub fn announce_server(&self, url: &str) -> Result<(), StoreError> {
        let path = self.dir().join(SERVER_FILE);
        let temp = self.dir().join(format!("{SERVER_FILE}.tmp"));
        let write = || -> std::io::Result<()> {
            let mut file = File::create(&temp)?;
            std::io::Write::write_all(
                &mut file,
                format!("{url}\n{}\n", std::process::id()).as_bytes(),
            )?;
            file.sync_all()?;
            std::fs::rename(&temp, &path)
        };
        write().map_err(StoreError::io(format!("cannot write {}", path.display())))?;
        durable::sync_dir(self.dir())
    }

    /// Removes the server address written by [`Ledger::announce_server`].
    pub fn withdraw_server(&self) -> Result<(), StoreError> {
        let path = self.dir().join(SERVER_FILE);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(err) => Err(StoreError::io(format!("cannot remove {}", path.display()))(
                err,
            )),
        }
    }

    /// Keeps plan snapshots every `every` events (at least 1) from now on, in this handle and
    /// the readers made from it after, instead of every [`crate::SNAPSHOT_EVERY`]. For tests and
    /// benchmarks that need snapshots in small ledgers: any kept snapshot is used wherever it
    /// stands, and `check_projections` removes those that are not at this spacing.
    #[doc(hidden)]
    pub fn set_snapshot_every(&mut self, every: u64) {
        self.reader.snapshot_every = every.max(1);
    }

    /// A read handle that can be cloned and sent to other threads. The directory's lock belongs
    /// to this `Ledger`: keep it alive as long as its readers are in use.
    pub fn reader(&self) -> Reader {
        self.reader.clone()
    }

    /// The state the rules are checked against, as of the last event.
    pub fn state(&mut self) -> Result<&State, StoreError> {
        if self.state.is_none() {
            let mut state = State::default();
            for stored in self.events(0, None) {
                state.apply(&stored?.event);
            }
            self.state = Some(state);
        }
        Ok(self.state.get_or_insert_with(State::default))
    }

    /// Checks one command against the rules and appends the event that records it.
    pub fn execute(
        &mut self,
        command: &Command,
        context: &Context,
    ) -> Result<Appended, StoreError> {
        let mut results = self.execute_each(std::iter::once((command.clone(), context.clone())))?;
        match results.pop() {
            Some(result) => Ok(result?),
            None => unreachable!("one command gives one result"),
        }
    }

    /// Checks each command in turn (each against the state the earlier accepted ones leave) and
    /// appends every accepted one in a single transaction and a single flush (group commit). A
    /// rejected command appends nothing and does not affect the others.
    pub fn execute_each(
        &mut self,
        items: impl IntoIterator<Item = (Command, Context)>,
    ) -> Result<Vec<Result<Appended, Rejection>>, StoreError> {
        self.submit_each(items.into_iter().map(|(command, context)| Submission {
            command,
            context,
            idempotency: None,
        }))
    }

    /// As [`Ledger::execute_each`], remembering each appended event under its idempotency key
    /// (in the same transaction, so a key is never kept for an event that was not written).
    pub fn submit_each(
        &mut self,
        items: impl IntoIterator<Item = Submission>,
    ) -> Result<Vec<Result<Appended, Rejection>>, StoreError> {
        self.decide_and_append(items, Refusals::SkipEach)
    }

    /// Checks every command and appends them all in one transaction, or, if any is rejected,
    /// appends none and returns the first rejection with its position in `items`.
    pub fn execute_all(
        &mut self,
        items: impl IntoIterator<Item = (Command, Context)>,
    ) -> Result<Vec<Appended>, (usize, StoreError)> {
        let submissions = items.into_iter().map(|(command, context)| Submission {
            command,
            context,
            idempotency: None,
        });
        let results = self
            .decide_and_append(submissions, Refusals::StopAll)
            .map_err(|err| (0, err))?;
        let mut appended = Vec::with_capacity(results.len());
        for (index, result) in results.into_iter().enumerate() {
            appended.push(result.map_err(|rejection| (index, rejection.into()))?);
        }
        Ok(appended)
    }

    /// The head record, after checking that its time is the last event's `recorded_at`: the
    /// next event copies the head's time when the clock is behind it, so a head record whose
    /// time was altered must never be appended to.
    fn checked_head(&self) -> Result<Head, StoreError> {
        let head = self.head()?;
        let Some(last) = head.len.checked_sub(1) else {
            return Ok(head);
        };
        let recorded_at = match self.event(last)? {
            Some(stored) => stored.event.recorded_at,
            None => {
                return Err(StoreError::Damaged(format!(
                    "the head record counts {} events, but event {last} is missing",
                    head.len
                )));
            }
        };
        if recorded_at != head.recorded_at {
            return Err(StoreError::Damaged(format!(
                "the head record says the last event was recorded at {}, but event {last} says {}: the head record has been altered, so nothing is appended",
                wsoa_core::date::format_unix_millis(head.recorded_at),
                wsoa_core::date::format_unix_millis(recorded_at)
            )));
        }
        Ok(head)
    }

    pub(crate) fn decide_and_append(
        &mut self,
        items: impl IntoIterator<Item = Submission>,
        refusals: Refusals,
    ) -> Result<Vec<Result<Appended, Rejection>>, StoreError> {
        let mut head = self.checked_head()?;
        self.state()?;
        let mut state = self.state.take().unwrap_or_default();
        let mut results = Vec::new();
        let mut batch = Vec::new();
        let mut keys = Vec::new();
        let mut failed = false;
        for Submission {
            command,
            context,
            idempotency,
        } in items
        {
            let checked = when(&head, &context).and_then(|when| match &command {
                // Content is stored before the event that references it (`attach_evidence`);
                // an attachment whose content is not there would fail verification.
                Command::AttachEvidence(attach) if !self.has_blob(&attach.content_hash)? => {
                    Err(StoreError::BlobMissing(attach.content_hash))
                }
                _ => Ok(when),
            });
            let when = match checked {
                Ok(when) => when,
                Err(err) => {
                    self.state = None;
                    return Err(err);
                }
            };
            let sealed = decide(&state, &command, when).and_then(|body| {
                seal(
                    &head,
                    body,
                    context.actor,
                    context.occurred_on,
                    context.recorded_at,
                )
            });
            match sealed {
                Ok((sealed, next)) => {
                    head = next;
                    state.apply(&sealed.event);
                    if let Some(key) = idempotency {
                        keys.push((key, sealed.event.seq));
                    }
                    batch.push((sealed.event.seq, sealed.bytes, sealed.hash));
                    results.push(Ok(Appended {
                        event: sealed.event,
                        hash: sealed.hash,
                    }));
                }
                Err(rejection) => {
                    failed = true;
                    results.push(Err(rejection));
                }
            }
        }
        if failed && refusals == Refusals::StopAll {
            // The working state has absorbed events that will not be written: rebuild it.
            self.state = None;
            return Ok(results);
        }
        match self.write(&batch, &keys, head) {
            Ok(()) => {
                self.state = Some(state);
                if !batch.is_empty() {
                    let fresh: Vec<(&Event, Digest)> = results
                        .iter()
                        .filter_map(|result| result.as_ref().ok())
                        .map(|appended| (&appended.event, appended.hash))
                        .collect();
                    self.keep_indexes(&fresh);
                }
                Ok(results)
            }
            Err(err) => {
                self.state = None;
                Err(err)
            }
        }
    }

    /// Appends events exactly as they are (their bytes were decided elsewhere, as in a bundle
    /// being imported), without deciding them again: each must decode, be the next `seq`, and
    /// link to the head. Chain hashes, the head and the Merkle nodes are written as for any
    /// append, in one transaction.
    pub(crate) fn append_raw(&mut self, events: &[Vec<u8>]) -> Result<(), StoreError> {
        let mut head = self.head()?;
        let mut batch = Vec::with_capacity(events.len());
        let mut decoded = Vec::with_capacity(events.len());
        for bytes in events {
            let event = decode_event(bytes).map_err(|source| StoreError::Corrupt {
                seq: head.len,
                source,
            })?;
            if event.seq != head.len || event.prev != head.hash {
                return Err(StoreError::Damaged(format!(
                    "event {} does not follow the head (length {}, hash {})",
                    event.seq, head.len, head.hash
                )));
            }
            let previous = if head.len == 0 {
                i64::MIN
            } else {
                head.recorded_at
            };
            crate::verify::clock_rules(&event, previous)
                .map_err(|failure| StoreError::Damaged(failure.to_string()))?;
            let hash = chain_hash(bytes);
            batch.push((event.seq, bytes.clone(), hash));
            head = Head {
                len: head.len + 1,
                hash,
                recorded_at: event.recorded_at,
            };
            decoded.push((event, hash));
        }
        self.state = None;
        self.write(&batch, &[], head)?;
        let fresh: Vec<(&Event, Digest)> = decoded.iter().map(|(e, h)| (e, *h)).collect();
        self.keep_indexes(&fresh);
        Ok(())
    }

    /// Writes already-decided events and the new head in one transaction, then flushes.
    fn write(
        &self,
        batch: &[(u64, Vec<u8>, Digest)],
        keys: &[(IdempotencyKey, u64)],
        head: Head,
    ) -> Result<(), StoreError> {
        if batch.is_empty() {
            return Ok(());
        }
        self.check_room(0)?;
        let head_bytes = head_to_bytes(head);
        // The Merkle nodes these events complete are computed before the transaction, whose
        // closure sled may run more than once.
        let (nodes, tree_size) =
            self.nodes_for(batch.iter().map(|(_, bytes, _)| bytes.as_slice()))?;
        (
            &self.events,
            &self.chain,
            &self.meta,
            &self.nodes,
            &self.idempotency,
        )
            .transaction(|(events, chain, meta, tree, idempotency)| {
                for (seq, bytes, hash) in batch {
                    events.insert(&seq_key(*seq), bytes.as_slice())?;
                    chain.insert(&seq_key(*seq), hash.as_bytes())?;
                }
                for (key, seq) in keys {
                    let mut value = seq_key(*seq).to_vec();
                    value.extend_from_slice(key.request.as_bytes());
                    idempotency.insert(key.key.as_slice(), value)?;
                }
                for (key, hash) in &nodes {
                    tree.insert(key.as_slice(), hash.as_bytes().as_slice())?;
                }
                meta.insert(crate::tree::TREE_SIZE_KEY, &tree_size.to_be_bytes())?;
                meta.insert(HEAD_KEY, head_bytes.as_slice())?;
                Ok::<(), ConflictableTransactionError<()>>(())
            })
            .map_err(|err| match err {
                TransactionError::Storage(err) => self.write_failed(err.into()),
                TransactionError::Abort(()) => {
                    StoreError::Internal("the append transaction was aborted".into())
                }
            })?;
        self.flush()?;
        // Only once the events are durable: the snapshots they complete. Derived data, so a
        // failure here leaves a longer fold for the next read, never a lost append.
        let _ = self.keep_projections();
        Ok(())
    }
}

impl Reader {
    /// Makes everything written so far durable: sled's flush writes its log and waits for the
    /// pages (with `sync_file_range` on Linux, which neither flushes the disk's write cache nor
    /// records a grown file's size), then an `fdatasync` of sled's data file does both, so an
    /// acknowledged change survives a power cut as well as a killed process.
    ///
    /// The flush is waited for at most `space::FLUSH_TIMEOUT`; if it fails or times out, writes
    /// stop in this process (see [`Reader::write_failed`]).
    pub(crate) fn flush(&self) -> Result<(), StoreError> {
        self.health.check()?;
        let db = self.db.clone();
        let data_file = self.data_file.clone();
        crate::space::bounded(crate::space::FLUSH_TIMEOUT, move || {
            db.flush()?;
            data_file
                .sync_data()
                .map_err(StoreError::io("cannot sync the ledger's data file to disk"))
        })
        .map_err(|err| self.write_failed(err))
    }

    /// Whether a write could be made now: `WritesStopped` after a write failed part-way in this
    /// process, `ReadOnly` on a read-only file system, `DiskFull` with less than
    /// [`crate::MIN_FREE_BYTES`] free. A server's `/readyz` asks this.
    pub fn writable(&self) -> Result<(), StoreError> {
        self.check_room(0)
    }

    /// As [`Reader::writable`], with room for `needed` more bytes.
    pub(crate) fn check_room(&self, needed: u64) -> Result<(), StoreError> {
        self.health.check()?;
        crate::space::check_room(&self.dir, needed)
    }

    /// After a write failed part-way: stops writes in this process and keeps one reference to
    /// the database until the process ends, so that sled's flush-on-drop never waits on the
    /// write it lost (see `space`). Returns the error, to be reported.
    pub(crate) fn write_failed(&self, err: StoreError) -> StoreError {
        if self.health.stop(&err) {
            std::mem::forget(self.db.clone());
        }
        err
    }
}

/// How far behind the last event's time the caller's clock may be and still be taken as a clock
/// that stepped back (the event then carries the last event's time). Further behind, the append
/// is refused: either the clock is wrong or the last event's time is impossible, and copying it
/// would date the new event wrongly.
pub const MAX_CLOCK_BEHIND_MS: i64 = 31 * 24 * 3_600_000;

/// The dates a command is decided with after `head`.
pub(crate) fn when(head: &Head, context: &Context) -> Result<When, StoreError> {
    if head.recorded_at > context.recorded_at.saturating_add(MAX_CLOCK_BEHIND_MS) {
        return Err(StoreError::ClockBehind {
            last: head.recorded_at,
            clock: context.recorded_at,
        });
    }
    head.when(context.occurred_on, context.recorded_at)
        .ok_or(StoreError::ClockOutOfRange(context.recorded_at))
}

/// What a refused command does to the others appended with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusals {
    /// It appends nothing and the others go ahead (`execute_each`, `submit_each`).
    SkipEach,
    /// Nothing is appended at all (`execute_all`).
    StopAll,
}

#[cfg(test)]
mod tests {
    use super::*;
    use wsoa_core::Role;
    use wsoa_core::encoding::MAX_EVENT_BYTES;
    use wsoa_core::event::LedgerOpened;

    #[test]
    fn an_event_too_large_to_read_back_is_refused_and_nothing_is_written() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let mut ledger = Ledger::create(dir.path()).expect("creates");
        // Each partner's name is within the per-field limit; together they are not.
        let partners = (0..60)
            .map(|n| format!("{n}{}", "€".repeat(19_990)))
            .collect();
        let command = Command::OpenLedger(LedgerOpened {
            area: "Northshire".to_owned(),
            partners,
        });
        let context = Context {
            actor: Actor {
                name: "A. Patel".to_owned(),
                role: Role::Officer,
            },
            occurred_on: "2021-07-15".parse().expect("valid date"),
            recorded_at: 1_626_307_200_000,
        };
        let err = ledger.execute(&command, &context).expect_err("too large");
        assert!(
            matches!(
                err,
                StoreError::Rejected(Rejection::EventTooLarge { bytes }) if bytes > MAX_EVENT_BYTES
            ),
            "{err}"
        );
        assert_eq!(ledger.head().expect("head"), Head::EMPTY);
        assert!(ledger.events(0, None).next().is_none());
        assert_eq!(ledger.state().expect("state").len, 0);
    }
}
