//! Surviving power cuts outside the append path: recovering a ledger directory from what an
//! interrupted start, stop or write can leave behind, and writing files so that a power cut
//! leaves either the old state or the whole new file, never a torn one.
//!
//! ## What a crash can leave in a ledger directory, and what opening does about it
//!
//! | left behind | why | what opening does |
//! |---|---|---|
//! | `sled/snap.*.generating` | sled writes its snapshot (a cache of where pages are in its log) to this name, syncs it and renames it; a crash before the rename leaves it, empty or partial, and sled 0.34 then takes it for the newest snapshot and refuses to open | removed when sled fails to open; it never holds data (the log does, and the previous snapshot is still there) |
//! | `sled/conf` empty or torn | sled writes it, unsynced, when it creates the database | sled rewrites an empty one itself; a torn one that fails its checksum is removed and rewritten with the same fixed settings |
//! | `SERVER.tmp`, `SERVER` of a dead process | a server killed while announcing itself, or killed at all | removed |
//! | `LOCK` | held with an advisory lock, which the operating system releases when its process dies | nothing to do |
//!
//! Anything else that keeps sled from opening is damage: the error names the file and says to
//! keep a copy of the directory before anything else is tried.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

use crate::error::StoreError;

/// One thing that opening a ledger found unfinished and put right.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recovery {
    /// The file concerned.
    pub path: PathBuf,
    /// What was done, and why it was safe.
    pub action: String,
}

impl std::fmt::Display for Recovery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.action)
    }
}

static REPORTER: RwLock<Option<fn(&Recovery)>> = RwLock::new(None);

/// Sets where recoveries are reported as they happen (standard error for the command line, the
/// log for a server). Every recovery is also kept on the ledger ([`crate::Ledger::recovered`]).
pub fn report_recoveries_with(reporter: fn(&Recovery)) {
    if let Ok(mut slot) = REPORTER.write() {
        *slot = Some(reporter);
    }
}

fn report(recovery: &Recovery) {
    if let Ok(slot) = REPORTER.read()
        && let Some(reporter) = *slot
    {
        reporter(recovery);
    }
}

/// The suffix sled gives a snapshot while it is being written (sled 0.34, `write_snapshot`).
const SNAPSHOT_GENERATING: &str = ".generating";

/// Removes from sled's directory what an interrupted snapshot or settings write left behind.
/// Called only when sled failed to open, while this process holds the ledger's `LOCK` and no
/// sled instance has the directory open.
pub(crate) fn recover_sled_dir(db_path: &Path) -> Result<Vec<Recovery>, StoreError> {
    let mut done = Vec::new();
    let entries = std::fs::read_dir(db_path)
        .map_err(StoreError::io(format!("cannot read {}", db_path.display())))?;
    for entry in entries {
        let entry = entry.map_err(StoreError::io(format!("cannot read {}", db_path.display())))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.starts_with("snap.") && name.ends_with(SNAPSHOT_GENERATING) {
            let path = entry.path();
            let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
            remove(&path)?;
            done.push(Recovery {
                path,
                action: format!(
                    "removed an unfinished snapshot ({size} bytes) left by an interrupted start or stop; \
                     snapshots only index the log, which holds every event"
                ),
            });
        }
    }
    let conf = db_path.join("conf");
    if let Ok(bytes) = std::fs::read(&conf)
        && bytes.len() > 8
        && !settings_checksum_holds(&bytes)
    {
        remove(&conf)?;
        done.push(Recovery {
            path: conf,
            action:
                "removed a torn settings file (it fails its checksum); the database rewrites it \
                     with the fixed settings every ledger uses"
                    .into(),
        });
    }
    if !done.is_empty() {
        sync_dir(db_path)?;
    }
    Ok(done)
}

/// sled's settings file ends with a CRC-32 (little-endian, as sled's `u32_to_arr`) of the rest.
fn settings_checksum_holds(bytes: &[u8]) -> bool {
    let (body, crc) = bytes.split_at(bytes.len() - 4);
    crc32(body).to_le_bytes() == crc
}

/// CRC-32 (IEEE), as sled computes it with crc32fast.
pub(crate) fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// Removes the server files a dead process left in the ledger directory: a `SERVER` naming a
/// process that is not running, and a `SERVER.tmp` never renamed. Called with `LOCK` held, so
/// no live server owns them.
pub(crate) fn recover_ledger_dir(
    dir: &Path,
    server_file: &str,
) -> Result<Vec<Recovery>, StoreError> {
    let mut done = Vec::new();
    let temp = dir.join(format!("{server_file}.tmp"));
    if temp.exists() {
        remove(&temp)?;
        done.push(Recovery {
            path: temp,
            action: "removed a server address file a server was killed while writing".into(),
        });
    }
    let server = dir.join(server_file);
    if server.exists() {
        remove(&server)?;
        done.push(Recovery {
            path: server,
            action: "removed the address of a server that is no longer running (it was stopped \
                     without shutting down)"
                .into(),
        });
    }
    if !done.is_empty() {
        sync_dir(dir)?;
    }
    // Evidence content being written when the process died: a temporary `NewFile`, never moved
    // into place, so no event refers to it (content is stored before its event).
    let content = dir.join(crate::blob::CONTENT_DIR);
    if let Ok(entries) = std::fs::read_dir(&content) {
        let mut removed = false;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') && name.ends_with(".partial") {
                remove(&entry.path())?;
                removed = true;
                done.push(Recovery {
                    path: entry.path(),
                    action: "removed evidence content whose writing was interrupted (it was never attached)".into(),
                });
            }
        }
        if removed {
            sync_dir(&content)?;
        }
    }
    Ok(done)
}

/// Reports recoveries as they happen, and returns them.
pub(crate) fn announce(recoveries: Vec<Recovery>) -> Vec<Recovery> {
    for recovery in &recoveries {
        report(recovery);
    }
    recoveries
}

fn remove(path: &Path) -> Result<(), StoreError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(err) => Err(StoreError::io(format!("cannot remove {}", path.display()))(
            err,
        )),
    }
}

/// Makes a directory's entries (files created, renamed or removed in it) durable.
pub fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    File::open(dir)
        .and_then(|handle| handle.sync_all())
        .map_err(StoreError::io(format!(
            "cannot sync the directory {}",
            dir.display()
        )))
}

/// A file written so that a crash or power cut at any moment leaves either nothing (or the old
/// file) at `path`, or the whole new file: it is written under a temporary name in the same
/// directory, synced, then moved into place, and the directory is synced. Dropped without
/// [`NewFile::commit`], the temporary is removed.
pub struct NewFile {
    path: PathBuf,
    temp: PathBuf,
    file: Option<File>,
    replace: bool,
}

/// What to do when the destination already exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Existing {
    /// Refuse: an existing file is never overwritten (checked at creation and again, atomically,
    /// at commit).
    Keep,
    /// Replace it, atomically.
    Replace,
}

impl NewFile {
    /// Starts writing `path`. With `Existing::Keep`, fails with an `AlreadyExists` I/O error when
    /// `path` exists. `private` makes the file readable by its owner alone (keys).
    pub fn create(path: &Path, existing: Existing, private: bool) -> std::io::Result<NewFile> {
        if existing == Existing::Keep && std::fs::symlink_metadata(path).is_ok() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                format!("{} already exists", path.display()),
            ));
        }
        let name = path
            .file_name()
            .ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("{} is not a file name", path.display()),
                )
            })?
            .to_string_lossy()
            .into_owned();
        let temp = path.with_file_name(format!(".{name}.{}.partial", std::process::id()));
        let mut options = OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        if private {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        #[cfg(not(unix))]
        let _ = private;
        let file = options.open(&temp)?;
        Ok(NewFile {
            path: path.to_owned(),
            temp,
            file: Some(file),
            replace: existing == Existing::Replace,
        })
    }

    /// Syncs the content, moves it into place and syncs the directory. Only after this returns
    /// is the file's content guaranteed to survive a power cut.
    pub fn commit(mut self) -> std::io::Result<()> {
        let file = self
            .file
            .take()
            .ok_or_else(|| std::io::Error::other("the file was already committed or abandoned"))?;
        let placed = file.sync_all().and_then(|()| {
            drop(file);
            if self.replace {
                std::fs::rename(&self.temp, &self.path)
            } else {
                // A hard link fails if the destination appeared meanwhile: never overwrite.
                std::fs::hard_link(&self.temp, &self.path)
                    .and_then(|()| std::fs::remove_file(&self.temp))
            }
        });
        if let Err(err) = placed {
            let _ = std::fs::remove_file(&self.temp);
            return Err(err);
        }
        let parent = self.path.parent().unwrap_or(Path::new("."));
        sync_dir(parent).map_err(|err| std::io::Error::other(err.to_string()))
    }
}

impl Write for NewFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.file {
            Some(file) => file.write(buf),
            None => Err(std::io::Error::other("the file was already committed")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.file {
            Some(file) => file.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for NewFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn a_new_file_appears_whole_or_not_at_all() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.bin");
        let mut file = NewFile::create(&path, Existing::Keep, false).expect("creates");
        file.write_all(b"hello").expect("writes");
        assert!(!path.exists(), "nothing at the destination before commit");
        file.commit().expect("commits");
        assert_eq!(std::fs::read(&path).expect("reads"), b"hello");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("lists")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "no temporary left: {leftovers:?}");
    }

    #[test]
    fn an_abandoned_file_leaves_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.bin");
        let mut file = NewFile::create(&path, Existing::Keep, false).expect("creates");
        file.write_all(b"half").expect("writes");
        drop(file);
        assert_eq!(std::fs::read_dir(dir.path()).expect("lists").count(), 0);
    }

    #[test]
    fn an_existing_file_is_kept_unless_replacing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.bin");
        std::fs::write(&path, b"old").expect("writes");
        let err = NewFile::create(&path, Existing::Keep, false)
            .err()
            .expect("refused");
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
        // A file that appears between creation and commit is not overwritten either.
        let other = dir.path().join("late.bin");
        let mut file = NewFile::create(&other, Existing::Keep, false).expect("creates");
        std::fs::write(&other, b"theirs").expect("writes");
        file.write_all(b"mine").expect("writes");
        assert_eq!(
            file.commit().expect_err("refused").kind(),
            std::io::ErrorKind::AlreadyExists
        );
        assert_eq!(std::fs::read(&other).expect("reads"), b"theirs");
        let mut file = NewFile::create(&path, Existing::Replace, false).expect("creates");
        file.write_all(b"new").expect("writes");
        file.commit().expect("commits");
        assert_eq!(std::fs::read(&path).expect("reads"), b"new");
    }
}
