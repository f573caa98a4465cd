//! Failures that are not damage get their own errors: a full file system (checked before
//! anything is written, so nothing is half-written and the next write after space is freed
//! succeeds) and a clock outside the supported years. The full-disk test mounts a small tmpfs;
//! where mounting is not permitted it prints a notice and returns (the end-to-end tests cover a
//! write failing inside sled without a mount, under a file-size limit).

use std::io::{Cursor, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};

use wsoa_core::event::{EvidenceKind, WeaknessRecorded};
use wsoa_core::{Command, content_hash};
use wsoa_store::{Context, Ledger, StoreError};

use crate::fixture::{
    Fixture, attachment, date, generated_bytes, officer, on, read_blob, weakness_id,
};

/// A tmpfs mounted for one test, unmounted when dropped.
pub(crate) struct Tmpfs {
    at: PathBuf,
}

impl Tmpfs {
    pub(crate) fn mount(at: &Path, mib: u32) -> Option<Tmpfs> {
        let mounted = Process::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mib}m"), "tmpfs"])
            .arg(at)
            .stderr(Stdio::piped())
            .output();
        match mounted {
            Ok(output) if output.status.success() => Some(Tmpfs { at: at.to_owned() }),
            Ok(output) => {
                eprintln!(
                    "NOTICE: skipped: cannot mount a tmpfs here ({})",
                    String::from_utf8_lossy(&output.stderr).trim()
                );
                None
            }
            Err(err) => {
                eprintln!("NOTICE: skipped: cannot run `mount` ({err})");
                None
            }
        }
    }

    /// Fills the file system to the last byte; returns the filler's path.
    pub(crate) fn fill(&self) -> PathBuf {
        let path = self.at.join("filler");
        let mut file = std::fs::File::create(&path).expect("the filler can be created");
        let block = vec![0u8; 64 * 1024];
        loop {
            match file.write(&block) {
                Ok(0) => break,
                Ok(_) => {}
                Err(err) if err.kind() == std::io::ErrorKind::StorageFull => break,
                Err(err) => panic!("filling the tmpfs failed otherwise: {err}"),
            }
        }
        path
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Process::new("umount").arg("-l").arg(&self.at).status();
    }
}

fn weakness(id: &str) -> Command {
    Command::RecordWeakness(WeaknessRecorded {
        id: weakness_id(id),
        title: format!("Weakness {id}"),
        finding: None,
    })
}

#[test]
fn a_full_file_system_is_refused_before_anything_is_written_and_writes_resume_once_there_is_room() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let Some(disk) = Tmpfs::mount(dir.path(), 24) else {
        return;
    };
    let mut f = Fixture {
        ledger: Ledger::create(dir.path()).expect("a new ledger"),
        dir,
        evidence: Vec::new(),
    };
    f.execute(
        Command::OpenLedger(wsoa_core::event::LedgerOpened {
            area: "Northshire local area".to_owned(),
            partners: Vec::new(),
        }),
        on("2019-05-02", "2019-05-02"),
    );
    f.execute(weakness("W1"), on("2019-05-02", "2019-05-02"));
    f.ledger.writable().expect("room to write");
    let head = f.ledger.head().expect("readable");

    let filler = disk.fill();
    let content = generated_bytes(3_000_000, 7);
    let command = attachment(None, "survey.pdf", "Survey", EvidenceKind::Survey, &["W1"]);
    let refused = f.ledger.attach_evidence(
        Cursor::new(content.as_slice()),
        command.clone(),
        &on("2019-05-03", "2019-05-03"),
    );
    assert!(
        matches!(&refused, Err(StoreError::DiskFull(_))),
        "{refused:?}"
    );
    let refused = refused.expect_err("refused").to_string();
    assert!(refused.contains("the disk is full"), "{refused}");
    assert!(refused.contains("nothing was recorded"), "{refused}");
    assert!(!refused.contains("damaged"), "{refused}");
    assert!(
        !f.ledger
            .has_blob(&content_hash(&content))
            .expect("readable"),
        "no content was stored"
    );
    let appended = f
        .ledger
        .execute(&weakness("W2"), &on("2019-05-03", "2019-05-03"));
    assert!(
        matches!(appended, Err(StoreError::DiskFull(_))),
        "{appended:?}"
    );
    assert!(matches!(f.ledger.writable(), Err(StoreError::DiskFull(_))));
    assert_eq!(f.ledger.head().expect("readable"), head);

    std::fs::remove_file(filler).expect("the filler can be removed");
    f.ledger.writable().expect("room again");
    let attached = f.attach(content.clone(), command, on("2019-05-03", "2019-05-03"));
    assert_eq!(
        read_blob(&f.ledger, &attached.hash).expect("readable"),
        content
    );
    f.execute(weakness("W2"), on("2019-05-03", "2019-05-03"));
    let report = f.ledger.verify().expect("verifies");
    assert_eq!(report.events, head.len + 2);
}

#[test]
fn a_clock_outside_the_supported_years_is_its_own_error_not_damage() {
    let mut f = Fixture::history();
    let head = f.ledger.head().expect("readable");
    let context = Context {
        actor: officer(),
        occurred_on: date("2019-05-03"),
        recorded_at: i64::MAX,
    };
    let refused = f.ledger.execute(&weakness("W9"), &context);
    assert!(
        matches!(&refused, Err(StoreError::ClockOutOfRange(at)) if *at == i64::MAX),
        "{refused:?}"
    );
    let message = refused.expect_err("refused").to_string();
    assert!(message.contains("set the system clock"), "{message}");
    assert!(!message.contains("damaged"), "{message}");
    assert_eq!(f.ledger.head().expect("readable"), head);
}
