//! Evidence content: chunked storage round trips byte for byte, identical content is stored
//! once, a rejected or interrupted attachment writes nothing, and redaction purges content
//! without breaking verification.

use std::io::{Cursor, Read, Seek, SeekFrom};

use wsoa_core::event::{EvidenceKind, EvidenceRedacted};
use wsoa_core::{Command, EventBody, Rejection, content_hash};
use wsoa_store::{BLOB_CHUNK_BYTES, StoreError, hash_content, raw};

use crate::fixture::{Fixture, attachment, evidence_id, generated_bytes, on, read_blob};

/// A reader that counts how often it is rewound, so a test can tell whether the content was
/// read a second time (to be stored) or not.
struct Watched<'a> {
    inner: Cursor<&'a [u8]>,
    rewinds: usize,
}

impl<'a> Watched<'a> {
    fn new(content: &'a [u8]) -> Watched<'a> {
        Watched {
            inner: Cursor::new(content),
            rewinds: 0,
        }
    }
}

impl Read for Watched<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.inner.read(buf)
    }
}

impl Seek for Watched<'_> {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.rewinds += 1;
        self.inner.seek(pos)
    }
}

/// A file that is rewritten between the first read (hashing) and the second (storing).
struct Rewritten {
    first: Cursor<Vec<u8>>,
    second: Cursor<Vec<u8>>,
    rewound: bool,
}

impl Read for Rewritten {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.rewound {
            self.second.read(buf)
        } else {
            self.first.read(buf)
        }
    }
}

impl Seek for Rewritten {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.rewound = true;
        self.second.seek(pos)
    }
}

fn redact(f: &mut Fixture, id: &str, recorded: &str) -> u64 {
    let appended = f
        .ledger
        .redact_evidence(
            EvidenceRedacted {
                id: evidence_id(id),
                reason: "Subject access request: the case study names a child".to_owned(),
            },
            &on(recorded, recorded),
        )
        .expect("the redaction is accepted");
    appended.event.seq
}

#[test]
fn content_larger_than_one_chunk_round_trips_byte_for_byte() {
    let mut f = Fixture::history();
    let content = generated_bytes(BLOB_CHUNK_BYTES * 5 / 2, 2021);
    let info = hash_content(content.as_slice()).expect("hashing memory cannot fail");
    assert_eq!(info.hash, content_hash(&content));
    assert_eq!(info.size, content.len() as u64);

    let before = f.len();
    let attached = f.attach(
        content.clone(),
        attachment(
            None,
            "ehcp-dashboard-2020.csv",
            "EHC plan timeliness dashboard, 2020",
            EvidenceKind::Dashboard,
            &["M1", "W2"],
        ),
        on("2020-04-30", "2020-05-01"),
    );
    assert_eq!(attached.seq, before);
    assert_eq!(f.len(), before + 1);
    assert_eq!(attached.hash, info.hash);

    let back = read_blob(&f.ledger, &attached.hash).expect("the content is stored");
    assert_eq!(back.len(), content.len());
    assert!(back == content, "the content comes back byte for byte");

    let report = f.ledger.verify().expect("the ledger verifies");
    assert_eq!(report.evidence_checked, 4);

    // And the same after reopening: it was flushed, not just cached.
    let f = f.reopen();
    assert!(read_blob(&f.ledger, &attached.hash).expect("stored") == content);
}

#[test]
fn empty_content_is_refused_and_stores_nothing() {
    let mut f = Fixture::history();
    let before = f.ledger.len().expect("readable");
    let refused = f
        .ledger
        .attach_evidence(
            Cursor::new(&b""[..]),
            attachment(
                None,
                "extract.csv",
                "Data extract",
                EvidenceKind::Dashboard,
                &["WS2"],
            ),
            &on("2020-04-30", "2020-05-01"),
        )
        .expect_err("an empty file is refused");
    assert!(
        refused
            .to_string()
            .contains("extract.csv is empty (0 bytes)"),
        "{refused}"
    );
    assert_eq!(f.ledger.len().expect("readable"), before);
    assert!(!f.ledger.has_blob(&content_hash(b"")).expect("readable"));
}

#[test]
fn one_byte_and_exactly_one_chunk_contents_round_trip() {
    let mut f = Fixture::history();
    for (index, size) in [1, BLOB_CHUNK_BYTES, BLOB_CHUNK_BYTES + 1]
        .into_iter()
        .enumerate()
    {
        let content = generated_bytes(size, index as u64 + 7);
        let attached = f.attach(
            content.clone(),
            attachment(
                None,
                "extract.csv",
                "Data extract",
                EvidenceKind::Dashboard,
                &["WS2"],
            ),
            on("2020-04-30", "2020-05-01"),
        );
        assert!(
            read_blob(&f.ledger, &attached.hash).expect("stored") == content,
            "{size} bytes round trip"
        );
    }
    f.ledger.verify().expect("the ledger verifies");
}

#[test]
fn the_same_content_attached_twice_is_stored_once() {
    let mut f = Fixture::history();
    let e2 = f.evidence("E2");

    let mut reader = Watched::new(&e2.content);
    let appended = f
        .ledger
        .attach_evidence(
            &mut reader,
            attachment(
                None,
                "audit-copy.xlsx",
                "The December 2019 audit, filed again under WS2",
                EvidenceKind::Audit,
                &["WS2"],
            ),
            &on("2020-04-30", "2020-05-01"),
        )
        .expect("the attachment is accepted");
    assert_eq!(
        reader.rewinds, 0,
        "content already stored is not read a second time"
    );
    let EventBody::EvidenceAttached(attached) = &appended.event.body else {
        panic!("appended {:?}", appended.event.body);
    };
    assert_eq!(attached.id, evidence_id("E4"));
    assert_eq!(attached.content_hash, e2.hash);

    let report = f.ledger.verify().expect("the ledger verifies");
    assert_eq!(report.evidence_checked, 4);

    // One copy serves both: removing it once leaves both pieces without content, and
    // verification names the first of them.
    raw::remove_blob(&f.ledger, &e2.hash).expect("raw delete");
    assert!(!f.ledger.has_blob(&e2.hash).expect("readable"));
    let err = f.ledger.verify().expect_err("the content is gone");
    assert_eq!(err.seq, Some(e2.seq));

    // New content, by contrast, is read again to be stored.
    let content = b"Training register: 113 SENCOs attended".to_vec();
    let mut reader = Watched::new(&content);
    f.ledger
        .attach_evidence(
            &mut reader,
            attachment(
                None,
                "training.pdf",
                "SENCO seminar attendance",
                EvidenceKind::Training,
                &["WS1"],
            ),
            &on("2020-04-30", "2020-05-01"),
        )
        .expect("the attachment is accepted");
    assert_eq!(reader.rewinds, 1);
}

#[test]
fn a_rejected_attachment_writes_no_content_and_no_event() {
    let mut f = Fixture::history();
    let head = f.ledger.head().expect("readable");
    let content = b"Case study: a year 9 pupil's annual review".to_vec();
    let hash = content_hash(&content);

    let refused = f.ledger.attach_evidence(
        Cursor::new(content.as_slice()),
        attachment(
            None,
            "case-study.docx",
            "Case study",
            EvidenceKind::CaseStudy,
            &["WS9"],
        ),
        &on("2020-04-30", "2020-05-01"),
    );
    match refused {
        Err(StoreError::Rejected(Rejection::UnknownId { id, .. })) => assert_eq!(id, "WS9"),
        other => panic!("expected an unknown id, got {other:?}"),
    }
    assert!(!f.ledger.has_blob(&hash).expect("readable"));
    assert!(matches!(
        read_blob(&f.ledger, &hash),
        Err(StoreError::BlobMissing(missing)) if missing == hash
    ));

    let refused = f.ledger.attach_evidence(
        Cursor::new(content.as_slice()),
        attachment(
            Some("E2"),
            "case-study.docx",
            "Case study",
            EvidenceKind::CaseStudy,
            &["WS1"],
        ),
        &on("2020-04-30", "2020-05-01"),
    );
    match refused {
        Err(StoreError::Rejected(Rejection::DuplicateId { kind, id, seq })) => {
            assert_eq!(
                (kind, id.as_str(), seq),
                ("evidence", "E2", f.evidence("E2").seq)
            );
        }
        other => panic!("expected a duplicate id, got {other:?}"),
    }
    assert!(!f.ledger.has_blob(&hash).expect("readable"));

    // A business date in the future is refused before anything is stored, too.
    let refused = f.ledger.attach_evidence(
        Cursor::new(content.as_slice()),
        attachment(
            None,
            "case-study.docx",
            "Case study",
            EvidenceKind::CaseStudy,
            &["WS1"],
        ),
        &on("2020-05-02", "2020-05-01"),
    );
    assert!(matches!(
        refused,
        Err(StoreError::Rejected(Rejection::InFuture { .. }))
    ));
    assert!(!f.ledger.has_blob(&hash).expect("readable"));

    assert_eq!(f.ledger.head().expect("readable"), head);
    let report = f.ledger.verify().expect("the ledger verifies");
    assert_eq!(report.events, head.len);
    assert_eq!(report.evidence_checked, 3);
}

#[test]
fn content_that_changes_while_it_is_stored_is_refused_and_leaves_nothing() {
    let mut f = Fixture::history();
    let head = f.ledger.head().expect("readable");
    let first = b"Draft QA framework, version 3".to_vec();
    let second = b"Draft QA framework, version 4".to_vec();
    let reader = Rewritten {
        first: Cursor::new(first.clone()),
        second: Cursor::new(second.clone()),
        rewound: false,
    };
    let refused = f.ledger.attach_evidence(
        reader,
        attachment(
            None,
            "qa-framework.docx",
            "QA framework",
            EvidenceKind::Policy,
            &["W1"],
        ),
        &on("2020-04-30", "2020-05-01"),
    );
    match refused {
        Err(StoreError::ContentChanged {
            first: a,
            second: b,
        }) => {
            assert_eq!(a, content_hash(&first));
            assert_eq!(b, content_hash(&second));
        }
        other => panic!("expected ContentChanged, got {other:?}"),
    }
    assert!(!f.ledger.has_blob(&content_hash(&first)).expect("readable"));
    assert!(!f.ledger.has_blob(&content_hash(&second)).expect("readable"));
    assert_eq!(f.ledger.head().expect("readable"), head);
    f.ledger.verify().expect("the ledger verifies");

    // The state was not disturbed: the next attachment gets the next id.
    let attached = f.attach(
        first,
        attachment(
            None,
            "qa-framework.docx",
            "QA framework",
            EvidenceKind::Policy,
            &["W1"],
        ),
        on("2020-04-30", "2020-05-01"),
    );
    assert_eq!(attached.id, evidence_id("E4"));
}

#[test]
fn redacted_evidence_verifies_is_counted_and_its_content_is_gone() {
    let mut f = Fixture::history();
    let e3 = f.evidence("E3");
    let before = f.len();
    let seq = redact(&mut f, "E3", "2020-06-01");
    assert_eq!(seq, before);

    let report = f.ledger.verify().expect("a redacted ledger verifies");
    assert_eq!(report.events, before + 1);
    assert_eq!(report.evidence_redacted, 1);
    assert_eq!(report.evidence_checked, 2);
    let message = report.to_string();
    assert!(
        message.contains("one piece more was redacted on purpose"),
        "{message}"
    );

    assert!(!f.ledger.has_blob(&e3.hash).expect("readable"));
    assert!(matches!(
        read_blob(&f.ledger, &e3.hash),
        Err(StoreError::BlobMissing(hash)) if hash == e3.hash
    ));

    // The hash stays in the history.
    let attached = f.ledger.event(e3.seq).expect("readable").expect("exists");
    let EventBody::EvidenceAttached(attached) = attached.event.body else {
        panic!("event {} is not the attachment", e3.seq);
    };
    assert_eq!(attached.content_hash, e3.hash);

    // Redacting again is refused and records nothing.
    let refused = f.ledger.redact_evidence(
        EvidenceRedacted {
            id: evidence_id("E3"),
            reason: "again".to_owned(),
        },
        &on("2020-06-02", "2020-06-02"),
    );
    assert!(matches!(
        refused,
        Err(StoreError::Rejected(Rejection::NothingChanged(_)))
    ));
    assert_eq!(f.len(), before + 1);

    let f = f.reopen();
    assert_eq!(f.ledger.verify(), Ok(report));
}

#[test]
fn redaction_keeps_content_another_unredacted_piece_of_evidence_shares() {
    let mut f = Fixture::history();
    let e2 = f.evidence("E2");
    let copy = f.attach(
        e2.content.clone(),
        attachment(
            Some("E2b"),
            "audit-copy.xlsx",
            "The December 2019 audit, filed again under WS2",
            EvidenceKind::Audit,
            &["WS2"],
        ),
        on("2020-04-30", "2020-05-01"),
    );
    assert_eq!(copy.hash, e2.hash);

    redact(&mut f, "E2", "2020-06-01");
    assert!(
        f.ledger.has_blob(&e2.hash).expect("readable"),
        "E2b still needs the content"
    );
    assert!(read_blob(&f.ledger, &e2.hash).expect("still stored") == e2.content);
    let report = f.ledger.verify().expect("the ledger verifies");
    assert_eq!((report.evidence_checked, report.evidence_redacted), (3, 1));

    redact(&mut f, "E2b", "2020-06-02");
    assert!(!f.ledger.has_blob(&e2.hash).expect("readable"));
    let report = f.ledger.verify().expect("the ledger verifies");
    assert_eq!((report.evidence_checked, report.evidence_redacted), (2, 2));

    // Attaching the same content afresh stores it again, and all of it still verifies.
    let again = f.attach(
        e2.content.clone(),
        attachment(
            Some("E2c"),
            "audit.xlsx",
            "The December 2019 audit, with the child's name removed",
            EvidenceKind::Audit,
            &["W1"],
        ),
        on("2020-06-03", "2020-06-03"),
    );
    assert!(read_blob(&f.ledger, &again.hash).expect("stored again") == e2.content);
    let report = f.ledger.verify().expect("the ledger verifies");
    assert_eq!((report.evidence_checked, report.evidence_redacted), (3, 2));
}

#[test]
fn an_attachment_whose_content_was_never_stored_is_refused() {
    let mut f = Fixture::history();
    let head = f.ledger.head().expect("readable");
    let mut command = attachment(
        None,
        "minutes.pdf",
        "Board minutes",
        EvidenceKind::Minutes,
        &["W1"],
    );
    command.content_hash = content_hash(b"content that was never stored");
    command.size = 29;
    let refused = f.ledger.execute(
        &Command::AttachEvidence(command.clone()),
        &on("2020-04-30", "2020-05-01"),
    );
    assert!(
        matches!(refused, Err(StoreError::BlobMissing(hash)) if hash == command.content_hash),
        "{refused:?}"
    );
    assert_eq!(f.ledger.head().expect("readable"), head);
    assert_eq!(f.ledger.verify().expect("verifies").events, head.len);
}

#[test]
fn content_is_kept_in_its_own_file_named_by_its_hash() {
    let mut f = Fixture::history();
    let content = generated_bytes(BLOB_CHUNK_BYTES + 17, 7);
    let attached = f.attach(
        content.clone(),
        attachment(
            None,
            "survey.csv",
            "Parent survey",
            EvidenceKind::Survey,
            &["W1"],
        ),
        on("2020-04-30", "2020-05-01"),
    );
    let path = f.ledger.dir().join("content").join(attached.hash.to_hex());
    assert!(std::fs::read(&path).expect("the content file") == content);
    // Nothing of it in sled, and no temporary file left beside it.
    let names: Vec<String> = std::fs::read_dir(path.parent().expect("folder"))
        .expect("readable")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert!(
        names.iter().all(|name| !name.ends_with(".partial")),
        "{names:?}"
    );
    // A content file altered on disk is found by a read and by verification.
    assert!(raw::alter_blob(&f.ledger, &attached.hash).expect("altered"));
    assert!(matches!(
        read_blob(&f.ledger, &attached.hash),
        Err(StoreError::BlobAltered { .. })
    ));
    let err = f
        .ledger
        .verify()
        .expect_err("altered content fails verification");
    assert!(err.to_string().contains("content"), "{err}");
}

#[test]
fn content_an_older_ledger_kept_in_sled_is_still_read_verified_exported_and_purged() {
    let mut f = Fixture::history();
    let content = generated_bytes(BLOB_CHUNK_BYTES * 2 + 5, 11);
    let hash = raw::put_content_in_sled(&f.ledger, &content).expect("stored in sled");
    assert!(f.ledger.has_blob(&hash).expect("readable"));
    // Attaching the same content finds it stored: no content file is written.
    let attached = f.attach(
        content.clone(),
        attachment(
            None,
            "old.pdf",
            "An older attachment",
            EvidenceKind::Dashboard,
            &["W1"],
        ),
        on("2020-04-30", "2020-05-01"),
    );
    assert_eq!(attached.hash, hash);
    assert!(!f.ledger.dir().join("content").join(hash.to_hex()).exists());
    assert!(read_blob(&f.ledger, &hash).expect("read") == content);
    let report = f.ledger.verify().expect("verifies");
    assert_eq!(report.evidence_checked, 4);
    let mut bundle = Vec::new();
    let exported = f.ledger.export(&mut bundle).expect("exported");
    assert_eq!(exported.contents, 4);
    let id = attached.id.to_string();
    redact(&mut f, &id, "2020-05-02");
    assert!(!f.ledger.has_blob(&hash).expect("readable"));
    assert!(matches!(
        read_blob(&f.ledger, &hash),
        Err(StoreError::BlobMissing(_))
    ));
    f.ledger.verify().expect("verifies after the redaction");
}

/// The size of the file the memory test attaches: larger than the memory limit.
const LARGE: u64 = 96 * 1024 * 1024;
/// The most memory attaching, reading back, verifying and redacting it may take.
const MEMORY_LIMIT_KB: u64 = 64 * 1024;

/// Run by `a_file_larger_than_the_memory_limit_...` in a process of its own: attaches, reads
/// back, verifies and redacts a file of [`LARGE`] bytes, then prints the process's peak
/// resident memory (VmHWM) from /proc/self/status.
#[test]
#[ignore = "run in a child process by the memory test below"]
fn large_evidence_in_a_child_process() {
    let Ok(folder) = std::env::var("WSOA_LARGE_EVIDENCE_DIR") else {
        return;
    };
    let folder = std::path::PathBuf::from(folder);
    let file_path = folder.join("large.bin");
    {
        // Written in pieces: the test itself must not hold the file in memory.
        let mut file = std::fs::File::create(&file_path).expect("creates the file");
        let piece = generated_bytes(BLOB_CHUNK_BYTES, 5);
        let mut written = 0;
        let mut n = 0u8;
        while written < LARGE {
            let mut varied = piece.clone();
            varied[0] = n;
            n = n.wrapping_add(1);
            std::io::Write::write_all(&mut file, &varied).expect("writes");
            written += varied.len() as u64;
        }
    }
    let mut f = Fixture::history_in(tempfile::tempdir_in(&folder).expect("a ledger folder"));
    let file = std::fs::File::open(&file_path).expect("opens the file");
    let appended = f
        .ledger
        .attach_evidence(
            file,
            attachment(
                None,
                "large.bin",
                "A large file",
                EvidenceKind::Dashboard,
                &["W1"],
            ),
            &on("2020-04-30", "2020-05-01"),
        )
        .expect("attached");
    let EventBody::EvidenceAttached(attached) = &appended.event.body else {
        panic!("not an attachment");
    };
    let mut out = std::fs::File::create(folder.join("back.bin")).expect("creates");
    let size = f
        .ledger
        .read_blob(&attached.content_hash, &mut out)
        .expect("read back");
    assert_eq!(size, LARGE);
    f.ledger.verify().expect("verifies");
    let id = attached.id.to_string();
    redact(&mut f, &id, "2020-05-02");
    assert!(!f.ledger.has_blob(&attached.content_hash).expect("readable"));
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let peak = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .expect("VmHWM");
    println!("peak-kb {}", peak.trim().trim_end_matches("kB").trim());
}

#[test]
fn a_file_larger_than_the_memory_limit_is_attached_read_verified_and_redacted_within_it() {
    if !std::path::Path::new("/proc/self/status").exists() {
        return; // Peak memory is read from Linux's accounting.
    }
    let folder = tempfile::tempdir().expect("a temporary directory");
    let output = std::process::Command::new(std::env::current_exe().expect("this test binary"))
        .args([
            "--exact",
            "evidence::large_evidence_in_a_child_process",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("WSOA_LARGE_EVIDENCE_DIR", folder.path())
        .output()
        .expect("runs the child");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let peak: u64 = stdout
        .lines()
        .find_map(|line| line.split("peak-kb ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("the child printed no peak: {stdout}"))
        .parse()
        .expect("a number");
    assert!(
        peak <= MEMORY_LIMIT_KB,
        "attaching, reading, verifying and redacting {} MB took {peak} kB at peak, over {MEMORY_LIMIT_KB} kB",
        LARGE >> 20
    );
}

#[test]
fn a_content_file_left_half_written_by_a_crash_is_removed_on_open_and_reported() {
    let mut f = Fixture::history();
    let content = generated_bytes(1000, 3);
    let attached = f.attach(
        content.clone(),
        attachment(None, "kept.csv", "Kept", EvidenceKind::Survey, &["W1"]),
        on("2020-04-30", "2020-05-01"),
    );
    // What a process killed while writing a content file leaves: its temporary name.
    let folder = f.ledger.dir().join("content");
    let partial = folder.join(format!(".{}.4242.partial", "ab".repeat(32)));
    std::fs::write(&partial, b"half a file").expect("written");
    let f = f.reopen();
    assert!(!partial.exists(), "the temporary content file is removed");
    assert!(
        f.ledger.recovered().iter().any(
            |recovery| recovery.path == partial && recovery.action.contains("evidence content")
        ),
        "{:?}",
        f.ledger.recovered()
    );
    // Content that was stored whole stays.
    assert!(read_blob(&f.ledger, &attached.hash).expect("read") == content);
    f.ledger.verify().expect("verifies");
}
