//! Shared fixture: a ledger in a temporary directory holding a realistic WSoA history (the
//! Northshire local area, inspected in March 2019), plus small helpers for dates, contexts and
//! reading everything back.

use std::io::Cursor;
use std::path::Path;

use tempfile::TempDir;
use wsoa_core::command::AttachEvidence;
use wsoa_core::event::{
    ActionAmended, ActionCreated, ActionStatusChanged, Assessment, Direction, EvidenceKind,
    InspectionRecorded, LedgerOpened, MeasureDefined, MeasureRecorded, MonitoringVisitRecorded,
    ProgressReviewed, Rag, Rating, Status, WeaknessRecorded, WorkstreamCreated,
};
use wsoa_core::{
    ActionId, Actor, Command, Date, Digest, EvidenceId, MeasureId, Role, SubjectRef, WeaknessId,
    WorkstreamId, content_hash,
};
use wsoa_store::{Appended, Context, Ledger, StoredEvent};

/// The local area of the fixture.
pub const AREA: &str = "Northshire local area";

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;

/// A date written in ISO 8601.
pub fn date(text: &str) -> Date {
    text.parse().expect("a valid date")
}

/// Noon (UTC) on a date, as Unix milliseconds.
pub fn noon(text: &str) -> i64 {
    date(text).days_since_epoch() * DAY_MS + DAY_MS / 2
}

/// The SEND officer who records most of the history.
pub fn officer() -> Actor {
    Actor {
        name: "j.patel@northshire.gov.uk".to_owned(),
        role: Role::Officer,
    }
}

/// The officer recording, on `recorded`, something that happened on `occurred`.
pub fn on(occurred: &str, recorded: &str) -> Context {
    Context {
        actor: officer(),
        occurred_on: date(occurred),
        recorded_at: noon(recorded),
    }
}

/// A reference as a user types it (`W1`, `action:1.1`).
pub fn reference(text: &str) -> SubjectRef {
    text.parse().expect("a valid reference")
}

pub fn weakness_id(id: &str) -> WeaknessId {
    WeaknessId::new(id).expect("a valid weakness id")
}

pub fn workstream_id(id: &str) -> WorkstreamId {
    WorkstreamId::new(id).expect("a valid workstream id")
}

pub fn action_id(id: &str) -> ActionId {
    ActionId::new(id).expect("a valid action id")
}

pub fn evidence_id(id: &str) -> EvidenceId {
    EvidenceId::new(id).expect("a valid evidence id")
}

/// An `AttachEvidence` command; its hash and size are left for `attach_evidence` to fill in.
pub fn attachment(
    id: Option<&str>,
    file_name: &str,
    title: &str,
    kind: EvidenceKind,
    supports: &[&str],
) -> AttachEvidence {
    AttachEvidence {
        id: id.map(evidence_id),
        content_hash: Digest::ZERO,
        file_name: file_name.to_owned(),
        media_type: "application/pdf".to_owned(),
        size: 0,
        title: title.to_owned(),
        kind,
        supports: supports.iter().map(|text| reference(text)).collect(),
    }
}

/// `size` bytes that do not repeat in any way a chunking bug could hide (xorshift64).
pub fn generated_bytes(size: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..size)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[3]
        })
        .collect()
}

/// A piece of evidence attached by the fixture.
#[derive(Clone, Debug)]
pub struct Attachment {
    /// Its id.
    pub id: EvidenceId,
    /// The event that attached it.
    pub seq: u64,
    /// BLAKE3 of its content.
    pub hash: Digest,
    /// Its content.
    pub content: Vec<u8>,
}

/// A ledger in its own temporary directory.
pub struct Fixture {
    pub dir: TempDir,
    pub ledger: Ledger,
    /// The evidence attached so far, in order.
    pub evidence: Vec<Attachment>,
}

impl Fixture {
    /// A freshly created ledger with no events.
    pub fn empty() -> Fixture {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let ledger = Ledger::create(dir.path()).expect("a new ledger");
        Fixture {
            dir,
            ledger,
            evidence: Vec::new(),
        }
    }

    /// A ledger holding a realistic history: the ledger opened, the inspection, two weaknesses,
    /// two workstreams with an action each, the plan submitted and accepted, status changes, a
    /// measure with a value, three pieces of evidence, a monitoring visit, a board review, a
    /// parent carer forum note and a deadline that slipped.
    pub fn history() -> Fixture {
        Fixture::history_in(tempfile::tempdir().expect("a temporary directory"))
    }

    /// The same history, in the ledger created in `dir` (a small file system, say).
    pub fn history_in(dir: TempDir) -> Fixture {
        let ledger = Ledger::create(dir.path()).expect("a new ledger");
        let mut f = Fixture {
            dir,
            ledger,
            evidence: Vec::new(),
        };
        f.execute(
            Command::OpenLedger(LedgerOpened {
                area: AREA.to_owned(),
                partners: vec![
                    "Northshire County Council".to_owned(),
                    "Northshire Integrated Care Board".to_owned(),
                ],
            }),
            on("2019-05-02", "2019-05-02"),
        );
        f.execute(
            Command::RecordInspection(InspectionRecorded {
                inspectorates: vec!["Ofsted".to_owned(), "CQC".to_owned()],
                from: date("2019-03-11"),
                to: date("2019-03-15"),
                published: date("2019-05-02"),
            }),
            on("2019-05-02", "2019-05-03"),
        );
        f.execute(
            Command::RecordWeakness(WeaknessRecorded {
                id: weakness_id("W1"),
                title: "Quality assurance of EHC plans".to_owned(),
                finding: Some(
                    "There is no quality assurance framework for the local area's work.".to_owned(),
                ),
            }),
            on("2019-05-02", "2019-05-03"),
        );
        f.execute(
            Command::RecordWeakness(WeaknessRecorded {
                id: weakness_id("W2"),
                title: "Timeliness of EHC needs assessments".to_owned(),
                finding: None,
            }),
            on("2019-05-02", "2019-05-03"),
        );
        f.execute(
            Command::CreateWorkstream(WorkstreamCreated {
                id: workstream_id("WS1"),
                title: "Quality assurance".to_owned(),
                sponsor: "Director of Children's Services".to_owned(),
                weaknesses: vec![weakness_id("W1")],
            }),
            on("2019-06-10", "2019-06-10"),
        );
        f.execute(
            Command::CreateWorkstream(WorkstreamCreated {
                id: workstream_id("WS2"),
                title: "Statutory assessment".to_owned(),
                sponsor: "Designated Clinical Officer".to_owned(),
                weaknesses: vec![weakness_id("W2")],
            }),
            on("2019-06-10", "2019-06-10"),
        );
        f.execute(
            Command::CreateAction(ActionCreated {
                id: action_id("1.1"),
                workstream: workstream_id("WS1"),
                title: "Appoint a SEND quality assurance officer".to_owned(),
                owner: "Head of SEND".to_owned(),
                due: date("2019-09-30"),
                success: vec!["A QA officer is in post".to_owned()],
            }),
            on("2019-06-10", "2019-06-11"),
        );
        f.execute(
            Command::CreateAction(ActionCreated {
                id: action_id("2.1"),
                workstream: workstream_id("WS2"),
                title: "Clear the backlog of EHC needs assessments".to_owned(),
                owner: "EHC Hub Manager".to_owned(),
                due: date("2020-03-31"),
                success: vec![
                    "60% of EHC plans issued within 20 weeks".to_owned(),
                    "No assessment older than 30 weeks".to_owned(),
                ],
            }),
            on("2019-06-10", "2019-06-11"),
        );
        f.execute(
            Command::SubmitPlan {
                summary: Some("Version 1 sent to Ofsted and CQC".to_owned()),
            },
            on("2019-07-31", "2019-07-31"),
        );
        f.execute(
            Command::AcceptPlan {
                summary: Some("Found fit for purpose".to_owned()),
            },
            on("2019-09-10", "2019-09-11"),
        );
        f.execute(
            Command::ChangeActionStatus(ActionStatusChanged {
                id: action_id("1.1"),
                status: Status::InProgress,
                rag: Some(Rag::Amber),
                note: Some("Interviews held".to_owned()),
            }),
            on("2019-09-12", "2019-09-12"),
        );
        f.execute(
            Command::DefineMeasure(MeasureDefined {
                id: MeasureId::new("M1").expect("a valid measure id"),
                title: "EHC plans issued within 20 weeks".to_owned(),
                unit: "%".to_owned(),
                baseline: "12".parse().expect("a decimal"),
                baseline_on: date("2018-08-31"),
                target: "60".parse().expect("a decimal"),
                target_by: date("2020-03-31"),
                better: Direction::HigherIsBetter,
                weaknesses: vec![weakness_id("W2")],
            }),
            on("2019-09-12", "2019-09-13"),
        );
        f.execute(
            Command::RecordMeasure(MeasureRecorded {
                id: MeasureId::new("M1").expect("a valid measure id"),
                value: "63".parse().expect("a decimal"),
                source: Some("EHC hub report, July 2019".to_owned()),
            }),
            on("2019-07-31", "2019-09-13"),
        );
        f.attach(
            b"Minutes of the SEND Improvement Board, 18 September 2019. Present: ...".to_vec(),
            attachment(
                None,
                "board-minutes-2019-09-18.pdf",
                "Improvement Board minutes, September 2019",
                EvidenceKind::Minutes,
                &["WS1"],
            ),
            on("2019-09-18", "2019-09-20"),
        );
        f.execute(
            Command::RecordVisit(
                MonitoringVisitRecorded {
                    by: "DfE and NHS England advisers".to_owned(),
                    summary: Some("The Local Area is making good progress".to_owned()),
                    strengths: vec!["Strong co-production with the parent carer forum".to_owned()],
                    concerns: vec!["Timeliness of EHC plans remains low".to_owned()],
                    next_steps: vec!["Gather evidence of the impact of the actions".to_owned()],
                }
                .into(),
            ),
            on("2019-11-20", "2019-11-22"),
        );
        f.execute(
            Command::ChangeActionStatus(ActionStatusChanged {
                id: action_id("1.1"),
                status: Status::Complete,
                rag: Some(Rag::Green),
                note: Some("QA officer in post since 1 October 2019".to_owned()),
            }),
            on("2019-10-01", "2019-11-25"),
        );
        f.execute(
            Command::ReviewProgress(ProgressReviewed {
                forum: "SEND Improvement Board".to_owned(),
                assessments: vec![
                    Assessment {
                        workstream: workstream_id("WS1"),
                        rating: Rating::OnTrack,
                        note: None,
                    },
                    Assessment {
                        workstream: workstream_id("WS2"),
                        rating: Rating::AtRisk,
                        note: Some("Backlog still above 200 assessments".to_owned()),
                    },
                ],
            }),
            on("2020-01-15", "2020-01-16"),
        );
        f.attach(
            b"EHCP quality audit, December 2019: 42 plans audited, 31 good or better.".to_vec(),
            attachment(
                Some("E2"),
                "ehcp-audit-2019-12.xlsx",
                "Four-level EHCP audit, December 2019",
                EvidenceKind::Audit,
                &["action:1.1", "M1"],
            ),
            on("2020-01-15", "2020-01-16"),
        );
        f.execute(
            Command::AddNote(wsoa_core::command::AddNote {
                about: reference("WS2"),
                text: "Parents say they are not told when an assessment is late.".to_owned(),
                from: Some("Northshire Parent Carer Forum".to_owned()),
            }),
            on("2020-02-03", "2020-02-04"),
        );
        f.attach(
            b"Parent survey, February 2020: 212 responses. Analysis follows.".to_vec(),
            attachment(
                None,
                "parent-survey-2020-02.pdf",
                "Parent survey analysis",
                EvidenceKind::Survey,
                &["W2"],
            ),
            on("2020-02-20", "2020-02-21"),
        );
        f.execute(
            Command::ChangeActionStatus(ActionStatusChanged {
                id: action_id("2.1"),
                status: Status::InProgress,
                rag: Some(Rag::Red),
                note: None,
            }),
            on("2020-03-20", "2020-03-20"),
        );
        f.execute(
            Command::AmendAction(ActionAmended {
                id: action_id("2.1"),
                title: None,
                owner: None,
                due: Some(date("2021-03-31")),
                reason: "COVID-19 restrictions paused home visits".to_owned(),
            }),
            on("2020-04-01", "2020-04-02"),
        );
        f
    }

    /// The ledger's directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// How many events the ledger has.
    pub fn len(&self) -> u64 {
        self.ledger.len().expect("the head record is readable")
    }

    /// Executes a command that must be accepted.
    pub fn execute(&mut self, command: Command, context: Context) -> Appended {
        match self.ledger.execute(&command, &context) {
            Ok(appended) => appended,
            Err(err) => panic!("{command:?} was refused: {err}"),
        }
    }

    /// Attaches content as evidence; the attachment must be accepted.
    pub fn attach(
        &mut self,
        content: Vec<u8>,
        command: AttachEvidence,
        context: Context,
    ) -> Attachment {
        let appended = match self.ledger.attach_evidence(
            Cursor::new(content.as_slice()),
            command.clone(),
            &context,
        ) {
            Ok(appended) => appended,
            Err(err) => panic!("{command:?} was refused: {err}"),
        };
        let wsoa_core::EventBody::EvidenceAttached(attached) = &appended.event.body else {
            panic!("attach_evidence appended {:?}", appended.event.body);
        };
        assert_eq!(attached.content_hash, content_hash(&content));
        assert_eq!(attached.size, content.len() as u64);
        let attachment = Attachment {
            id: attached.id.clone(),
            seq: appended.event.seq,
            hash: attached.content_hash,
            content,
        };
        self.evidence.push(attachment.clone());
        attachment
    }

    /// The evidence attached with this id.
    pub fn evidence(&self, id: &str) -> Attachment {
        self.evidence
            .iter()
            .find(|attachment| attachment.id.as_str() == id)
            .cloned()
            .unwrap_or_else(|| panic!("the fixture attached no evidence {id}"))
    }

    /// Every event, read back from disk.
    pub fn events(&self) -> Vec<StoredEvent> {
        all_events(&self.ledger)
    }

    /// The sequence number of the first event of a kind (`monitoring_visit_recorded`).
    pub fn seq_of(&self, kind: &str) -> u64 {
        self.events()
            .iter()
            .find(|stored| stored.event.body.kind() == kind)
            .map(|stored| stored.event.seq)
            .unwrap_or_else(|| panic!("the fixture has no {kind} event"))
    }

    /// The chain hash of event `seq`, from its stored bytes.
    pub fn hash_of(&self, seq: u64) -> Digest {
        self.ledger
            .event(seq)
            .expect("the event is readable")
            .expect("the event exists")
            .hash
    }

    /// Drops the ledger (releasing its lock) and opens the directory again.
    pub fn reopen(self) -> Fixture {
        let Fixture {
            dir,
            ledger,
            evidence,
        } = self;
        drop(ledger);
        let ledger = Ledger::open(dir.path()).expect("the ledger reopens");
        Fixture {
            dir,
            ledger,
            evidence,
        }
    }
}

/// Every event of a ledger, read back from disk.
pub fn all_events(ledger: &Ledger) -> Vec<StoredEvent> {
    ledger
        .events(0, None)
        .collect::<Result<Vec<_>, _>>()
        .expect("every event is readable")
}

/// The content stored under `hash`, read through `read_blob`.
pub fn read_blob(ledger: &Ledger, hash: &Digest) -> Result<Vec<u8>, wsoa_store::StoreError> {
    let mut out = Vec::new();
    let written = ledger.read_blob(hash, &mut out)?;
    assert_eq!(written, out.len() as u64, "read_blob reports what it wrote");
    Ok(out)
}

/// Where `needle` first occurs in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
        .unwrap_or_else(|| panic!("{:?} not found", String::from_utf8_lossy(needle)))
}
