//! The language-neutral test vectors in `testdata/` (docs/FORMAT.md section 19): events of every
//! kind, Merkle trees and proofs, keys, signed notes and checkpoints, and UK clock dates, as JSON
//! files that an implementation in any language can read.
//!
//! Two kinds of test keep the files honest:
//!
//! - the reading tests parse each file and check every vector against the real code (decode,
//!   re-encode, hash, prove, parse, verify), so a vector that the code no longer agrees with fails;
//! - `testdata_files_are_what_the_code_writes` regenerates each file in memory from the code and
//!   compares it with the committed file byte for byte, so the files cannot drift either way.
//!
//! After a deliberate change (a new event kind, say), regenerate the files with
//! `cargo test -p wsoa-core --test vectors -- --ignored write_testdata` and review the diff: no
//! existing event's bytes or hashes may change (docs/FORMAT.md, "Compatibility").

use std::path::PathBuf;

use serde_json::{Value, json};
use wsoa_core::date::format_unix_millis;
use wsoa_core::event::{
    ActionAmended, ActionCreated, ActionStatusChanged, Assessment, CheckpointRecorded,
    CorrectionRecorded, Direction, EvidenceAttached, EvidenceKind, EvidenceRedacted,
    InspectionRecorded, LedgerOpened, MeasureDefined, MeasureRecorded, MonitoringVisitRecorded,
    NoteAdded, Outcome, PlanAccepted, PlanRevised, PlanSubmitted, Progress, ProgressReviewed, Rag,
    Rating, RevisitOutcomeRecorded, RevisitScheduled, RiskClosed, RiskLevel, RiskRaised,
    RiskUpdated, Status, WeaknessRecorded, WorkstreamAmended, WorkstreamCreated,
};
use wsoa_core::merkle::{
    consistency_proof, empty_root, inclusion_proof, leaf_hash, root, verify_consistency,
    verify_inclusion,
};
use wsoa_core::note::{Checkpoint, Note, NoteError, Signer, Verifier};
use wsoa_core::{
    ActionId, Actor, CHAIN_CONTEXT, Date, Decimal, Digest, Event, EventBody, EvidenceId, MeasureId,
    RiskId, Role, Subject, WeaknessId, WorkstreamId, chain_hash, content_hash, decode_event,
    encode_event,
};

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

/// A file of vectors and the function that writes it.
type VectorFile = (&'static str, fn() -> Value);

/// The files this test owns.
const FILES: [VectorFile; 4] = [
    ("events.json", events_file),
    ("merkle.json", merkle_file),
    ("notes.json", notes_file),
    ("clocks.json", clocks_file),
];

fn testdata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata")
}

fn render(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("JSON");
    text.push('\n');
    text
}

fn read(name: &str) -> Value {
    let path = testdata().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{name} is not JSON: {err}"))
}

#[test]
#[ignore = "writes testdata/; run it on purpose after a deliberate change of format"]
fn write_testdata() {
    std::fs::create_dir_all(testdata()).expect("testdata/");
    for (name, make) in FILES {
        std::fs::write(testdata().join(name), render(&make())).expect("written");
    }
}

#[test]
fn testdata_files_are_what_the_code_writes() {
    for (name, make) in FILES {
        let path = testdata().join(name);
        let committed = std::fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
        assert!(
            committed == render(&make()),
            "testdata/{name} is not what the code writes today. If the format changed on \
             purpose, run `cargo test -p wsoa-core --test vectors -- --ignored write_testdata` \
             and review the diff: no existing event's bytes or hashes may change"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Small helpers shared by the writers and the readers
// ---------------------------------------------------------------------------------------------

fn hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

fn unhex(text: &str) -> Vec<u8> {
    hex::decode(text).unwrap_or_else(|err| panic!("'{text}' is not hex: {err}"))
}

fn digest(value: &Value) -> Digest {
    value
        .as_str()
        .expect("a digest as hex")
        .parse()
        .expect("64 hex digits")
}

fn digests(value: &Value) -> Vec<Digest> {
    value
        .as_array()
        .expect("a list of digests")
        .iter()
        .map(digest)
        .collect()
}

fn text(value: &Value) -> &str {
    value.as_str().expect("a string")
}

fn number(value: &Value) -> u64 {
    value.as_u64().expect("a number")
}

/// The variant name of an error (`Malformed`, `RootMismatch`), from its `Debug` form.
fn variant(error: &impl std::fmt::Debug) -> String {
    format!("{error:?}")
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect()
}

/// The `error` and `message` fields of a negative vector.
fn error_fields(error: &(impl std::fmt::Debug + std::fmt::Display)) -> Value {
    json!({ "error": variant(error), "message": error.to_string() })
}

/// Checks a negative vector's expected error against the one the code gave.
fn assert_error(vector: &Value, error: &(impl std::fmt::Debug + std::fmt::Display)) {
    let what = text(&vector["description"]);
    assert_eq!(text(&vector["error"]), variant(error), "{what}");
    assert_eq!(text(&vector["message"]), error.to_string(), "{what}");
}

/// The bytes of a vector: `bytes` in hex, then, when `pad` is given, its `byte` repeated until
/// the input is `to_length` bytes long (so that an input over a size limit need not be written
/// out).
fn vector_bytes(vector: &Value, field: &str) -> Vec<u8> {
    let mut bytes = unhex(text(&vector[field]));
    if let Some(pad) = vector.get("pad") {
        let byte = unhex(text(&pad["byte"]))[0];
        bytes.resize(number(&pad["to_length"]) as usize, byte);
    }
    bytes
}

fn with_pad(mut vector: Value, byte: u8, to_length: usize) -> Value {
    vector["pad"] = json!({ "byte": hex(&[byte]), "to_length": to_length });
    vector
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

fn date(text: &str) -> Date {
    text.parse().expect("a valid date")
}

fn actor(name: &str, role: Role) -> Actor {
    Actor {
        name: name.to_owned(),
        role,
    }
}

fn texts(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

fn w(id: &str) -> WeaknessId {
    WeaknessId::new(id).expect("a valid weakness id")
}

fn ws(id: &str) -> WorkstreamId {
    WorkstreamId::new(id).expect("a valid workstream id")
}

fn a(id: &str) -> ActionId {
    ActionId::new(id).expect("a valid action id")
}

fn m(id: &str) -> MeasureId {
    MeasureId::new(id).expect("a valid measure id")
}

fn e(id: &str) -> EvidenceId {
    EvidenceId::new(id).expect("a valid evidence id")
}

fn r(id: &str) -> RiskId {
    RiskId::new(id).expect("a valid risk id")
}

fn dec(text: &str) -> Decimal {
    text.parse().expect("a valid decimal")
}

/// The content of the evidence file attached by event 8.
const EVIDENCE_CONTENT: &[u8] =
    b"SEND Improvement Board, 12 February 2024\nItem 4: educational psychologist recruitment\n";

/// The key that signs the checkpoint recorded by the last event, and the adviser who cosigns it.
const LOG_KEY: (&str, [u8; 32]) = ("northshire.gov.uk/wsoa", [0x11; 32]);
const ADVISER_KEY: (&str, [u8; 32]) = ("adviser.example/witness", [0x22; 32]);
const STRANGER_KEY: (&str, [u8; 32]) = ("stranger.example/log", [0x33; 32]);

fn signer(key: (&str, [u8; 32])) -> Signer {
    Signer::generate(key.0, key.1).expect("a valid key name")
}

/// The checkpoint origin of a ledger, by the rule of docs/FORMAT.md section 14 (the store's own
/// code is checked against the same rule by `testdata/origins.json`).
fn origin(area: &str, genesis: &Digest) -> String {
    let mut slug = String::new();
    for c in area.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    let slug = if slug.is_empty() { "ledger" } else { slug };
    format!("wsoa/{slug}/{}", &genesis.to_hex()[..16])
}

/// One ledger of 25 events, one of every `EventBody` kind (tags 0 to 24), in the order a local
/// area would record them, each with a description. The first 24 are the golden ledger of
/// `core/tests/golden.rs`; the 25th records a cosigned checkpoint of the first 24.
fn ledger() -> Vec<(&'static str, Event)> {
    let officer = || actor("r.patel", Role::Officer);
    let entries: Vec<(&'static str, i64, &str, Actor, EventBody)> = vec![
        (
            "LedgerOpened: event 0, so `prev` is 32 zero bytes; the area and two partners",
            1_700_474_400_000,
            "2023-11-20",
            actor("s.hughes", Role::Admin),
            EventBody::LedgerOpened(LedgerOpened {
                area: "Northshire local area".to_owned(),
                partners: texts(&[
                    "Northshire County Council",
                    "NHS Northshire Integrated Care Board",
                ]),
            }),
        ),
        (
            "InspectionRecorded: a list of two strings and three dates; occurred_on is before the day it was recorded",
            1_700_474_700_000,
            "2023-10-27",
            officer(),
            EventBody::InspectionRecorded(InspectionRecorded {
                inspectorates: texts(&["Ofsted", "CQC"]),
                from: date("2023-09-11"),
                to: date("2023-09-15"),
                published: date("2023-10-27"),
            }),
        ),
        (
            "WeaknessRecorded: an id, a title and an option that is some",
            1_700_475_160_000,
            "2023-10-27",
            officer(),
            EventBody::WeaknessRecorded(WeaknessRecorded {
                id: w("W1"),
                title: "Timeliness and quality of EHC plans".to_owned(),
                finding: Some(
                    "Too many children and young people wait too long for their EHC plans, \
                     and the quality of plans is too variable."
                        .to_owned(),
                ),
            }),
        ),
        (
            "WorkstreamCreated: a list of one weakness id",
            1_701_189_000_000,
            "2023-11-28",
            officer(),
            EventBody::WorkstreamCreated(WorkstreamCreated {
                id: ws("WS1"),
                title: "Assessment and EHC plans".to_owned(),
                sponsor: "Director of Education".to_owned(),
                weaknesses: vec![w("W1")],
            }),
        ),
        (
            "ActionCreated: a due date and a list of success criteria",
            1_701_189_665_000,
            "2023-11-28",
            officer(),
            EventBody::ActionCreated(ActionCreated {
                id: a("1.1"),
                workstream: ws("WS1"),
                title: "Recruit educational psychologists to clear the assessment backlog"
                    .to_owned(),
                owner: "Head of SEND Assessment".to_owned(),
                due: date("2024-03-31"),
                success: texts(&["EP advice returned within 6 weeks in 90% of cases"]),
            }),
        ),
        (
            "MeasureDefined: two decimals (strings), two dates and a Direction",
            1_701_248_580_000,
            "2023-11-28",
            officer(),
            EventBody::MeasureDefined(MeasureDefined {
                id: m("M1"),
                title: "New EHC plans issued within 20 weeks".to_owned(),
                unit: "%".to_owned(),
                baseline: dec("31.5"),
                baseline_on: date("2023-08-31"),
                target: dec("60"),
                target_by: date("2024-12-31"),
                better: Direction::HigherIsBetter,
                weaknesses: vec![w("W1")],
            }),
        ),
        (
            "PlanSubmitted: a u32 version and an option that is some",
            1_702_033_200_000,
            "2023-12-08",
            officer(),
            EventBody::PlanSubmitted(PlanSubmitted {
                version: 1,
                summary: Some("Written statement of action submitted to Ofsted and CQC".to_owned()),
            }),
        ),
        (
            "PlanAccepted",
            1_705_913_100_000,
            "2024-01-19",
            officer(),
            EventBody::PlanAccepted(PlanAccepted {
                version: 1,
                summary: Some("Ofsted and CQC found the statement fit for purpose".to_owned()),
            }),
        ),
        (
            "EvidenceAttached: a 32-byte content hash with no length prefix (plain BLAKE3 of the file in `evidence`), a u64 size and two Subjects",
            1_707_819_600_000,
            "2024-02-12",
            officer(),
            EventBody::EvidenceAttached(EvidenceAttached {
                id: e("E1"),
                content_hash: content_hash(EVIDENCE_CONTENT),
                file_name: "board-minutes-2024-02-12.txt".to_owned(),
                media_type: "text/plain".to_owned(),
                size: EVIDENCE_CONTENT.len() as u64,
                title: "Improvement board minutes: EP recruitment".to_owned(),
                kind: EvidenceKind::Minutes,
                supports: vec![Subject::Action(a("1.1")), Subject::Weakness(w("W1"))],
            }),
        ),
        (
            "ActionStatusChanged: a Status, an optional Rag and an optional note",
            1_707_819_750_000,
            "2024-02-12",
            officer(),
            EventBody::ActionStatusChanged(ActionStatusChanged {
                id: a("1.1"),
                status: Status::InProgress,
                rag: Some(Rag::Green),
                note: Some("Three of four educational psychologist posts filled".to_owned()),
            }),
        ),
        (
            "MeasureRecorded: a decimal value on occurred_on",
            1_712_582_100_000,
            "2024-03-31",
            officer(),
            EventBody::MeasureRecorded(MeasureRecorded {
                id: m("M1"),
                value: dec("38.2"),
                source: Some("EHC hub report, March 2024".to_owned()),
            }),
        ),
        (
            "RiskRaised: a RiskLevel and a list of Subjects",
            1_712_761_200_000,
            "2024-04-10",
            officer(),
            EventBody::RiskRaised(RiskRaised {
                id: r("R1"),
                title: "Educational psychologist vacancies".to_owned(),
                level: RiskLevel::High,
                about: vec![Subject::Workstream(ws("WS1"))],
                mitigation: Some("Agency cover agreed until June 2024".to_owned()),
            }),
        ),
        (
            "ProgressReviewed: a list of Assessment structs",
            1_713_259_800_000,
            "2024-04-15",
            officer(),
            EventBody::ProgressReviewed(ProgressReviewed {
                forum: "SEND Improvement Board".to_owned(),
                assessments: vec![Assessment {
                    workstream: ws("WS1"),
                    rating: Rating::AtRisk,
                    note: Some("Backlog falling more slowly than planned".to_owned()),
                }],
            }),
        ),
        (
            "MonitoringVisitRecorded: three lists of strings",
            1_716_206_400_000,
            "2024-05-14",
            officer(),
            EventBody::MonitoringVisitRecorded(MonitoringVisitRecorded {
                by: "DfE and NHS England advisers".to_owned(),
                summary: Some("Leaders understand the scale of the backlog".to_owned()),
                strengths: texts(&["Strong engagement with the Parent Carer Forum"]),
                concerns: texts(&["Annual reviews are still often late"]),
                next_steps: texts(&["Set a trajectory for annual reviews"]),
            }),
        ),
        (
            "ActionAmended: options that are none (00) and some (01 then the value), an optional date",
            1_716_208_800_000,
            "2024-05-20",
            officer(),
            EventBody::ActionAmended(ActionAmended {
                id: a("1.1"),
                title: None,
                owner: Some("Principal Educational Psychologist".to_owned()),
                due: Some(date("2024-06-30")),
                reason: "Recruitment round extended after two candidates withdrew".to_owned(),
            }),
        ),
        (
            "WorkstreamAmended: an option of a list (01, then the count, then the ids)",
            1_717_409_400_000,
            "2024-06-03",
            officer(),
            EventBody::WorkstreamAmended(WorkstreamAmended {
                id: ws("WS1"),
                title: Some("Assessment, EHC plans and annual reviews".to_owned()),
                sponsor: None,
                weaknesses: Some(vec![w("W1")]),
                reason: "Annual reviews added after the monitoring visit".to_owned(),
            }),
        ),
        (
            "RiskUpdated: an optional RiskLevel",
            1_718_700_900_000,
            "2024-06-17",
            officer(),
            EventBody::RiskUpdated(RiskUpdated {
                id: r("R1"),
                level: Some(RiskLevel::Medium),
                mitigation: None,
                note: Some("Two permanent appointments made".to_owned()),
            }),
        ),
        (
            "NoteAdded: one Subject (not a list) and an optional source",
            1_720_200_000_000,
            "2024-07-04",
            actor("l.moore", Role::Officer),
            EventBody::NoteAdded(NoteAdded {
                about: Subject::Action(a("1.1")),
                text: "Parents told us EP advice is clearer and arrives sooner".to_owned(),
                from: Some("Northshire Parent Carer Forum".to_owned()),
            }),
        ),
        (
            "EvidenceRedacted: the content of E1 may now be absent; its hash in event 8 stands",
            1_721_646_660_000,
            "2024-07-22",
            actor("s.hughes", Role::Admin),
            EventBody::EvidenceRedacted(EvidenceRedacted {
                id: e("E1"),
                reason: "The minutes named a child; purged at the family's request".to_owned(),
            }),
        ),
        (
            "CorrectionRecorded: a u64 naming an earlier event",
            1_722_261_600_000,
            "2024-07-29",
            officer(),
            EventBody::CorrectionRecorded(CorrectionRecorded {
                seq: 10,
                reason: "The March 2024 value of M1 was 36.2, not 38.2".to_owned(),
            }),
        ),
        (
            "RiskClosed",
            1_727_773_200_000,
            "2024-09-30",
            officer(),
            EventBody::RiskClosed(RiskClosed {
                id: r("R1"),
                reason: "All educational psychologist posts filled".to_owned(),
            }),
        ),
        (
            "PlanRevised: a summary that is not optional",
            1_728_921_600_000,
            "2024-10-14",
            officer(),
            EventBody::PlanRevised(PlanRevised {
                version: 2,
                summary: "Actions re-phased after the monitoring visit".to_owned(),
            }),
        ),
        (
            "RevisitScheduled: two dates",
            1_740_994_200_000,
            "2025-03-03",
            officer(),
            EventBody::RevisitScheduled(RevisitScheduled {
                from: date("2025-09-01"),
                to: date("2025-12-19"),
            }),
        ),
        (
            "RevisitOutcomeRecorded: a list of Outcome structs",
            1_763_978_400_000,
            "2025-11-21",
            officer(),
            EventBody::RevisitOutcomeRecorded(RevisitOutcomeRecorded {
                outcomes: vec![Outcome {
                    weakness: w("W1"),
                    progress: Progress::Sufficient,
                }],
            }),
        ),
    ];
    let mut events: Vec<(&'static str, Event)> = Vec::new();
    for (description, recorded_at, occurred_on, actor, body) in entries {
        push(
            &mut events,
            description,
            (recorded_at, occurred_on),
            actor,
            body,
        );
    }
    // Event 24: a checkpoint of the first 24 events, signed by the ledger's key and cosigned by
    // the adviser, recorded in the ledger itself.
    let leaves: Vec<Digest> = events
        .iter()
        .map(|(_, event)| leaf_hash(&encode_event(event)))
        .collect();
    let genesis = chain_hash(&encode_event(&events[0].1));
    let checkpoint = Checkpoint::new(origin("Northshire local area", &genesis), 24, root(&leaves));
    let mut note = Note::sign(
        &checkpoint.to_text().expect("a checkpoint"),
        &signer(LOG_KEY),
    )
    .expect("signed");
    note.cosign(&signer(ADVISER_KEY)).expect("cosigned");
    push(
        &mut events,
        "CheckpointRecorded (tag 24): a cosigned checkpoint of the first 24 events (its origin, size, RFC 6962 root as a 32-byte digest, the signers' names) and the signed note itself as a string",
        (1_764_000_000_000, "2025-11-24"),
        actor("s.hughes", Role::Admin),
        EventBody::CheckpointRecorded(CheckpointRecorded {
            origin: checkpoint.origin.clone(),
            size: checkpoint.size,
            root: checkpoint.root,
            signers: vec![LOG_KEY.0.to_owned(), ADVISER_KEY.0.to_owned()],
            note: note.to_string(),
        }),
    );
    events
}

/// Appends the event that follows the last of `events`: the next `seq`, `prev` its chain hash.
fn push(
    events: &mut Vec<(&'static str, Event)>,
    description: &'static str,
    (recorded_at, occurred_on): (i64, &str),
    actor: Actor,
    body: EventBody,
) {
    let prev = events
        .last()
        .map_or(Digest::ZERO, |(_, last)| chain_hash(&encode_event(last)));
    let seq = events.len() as u64;
    events.push((
        description,
        Event {
            format: 1,
            seq,
            prev,
            recorded_at,
            occurred_on: date(occurred_on),
            actor,
            body,
        },
    ));
}

/// The position of the `EventBody` tag in an event whose `seq` is below 251: format (1 byte),
/// seq (1), prev (32), recorded_at (9), occurred_on (5), the actor's name (1 + its length), role
/// (1).
fn body_at(event: &Event) -> usize {
    50 + event.actor.name.len()
}

fn spliced(bytes: &[u8], at: usize, remove: usize, insert: &[u8]) -> Vec<u8> {
    let mut out = bytes[..at].to_vec();
    out.extend_from_slice(insert);
    out.extend_from_slice(&bytes[at + remove..]);
    out
}

/// `bytes` with the one occurrence of `from` replaced by `to`.
fn replaced(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let at: Vec<usize> = bytes
        .windows(from.len())
        .enumerate()
        .filter(|(_, window)| *window == from)
        .map(|(at, _)| at)
        .collect();
    assert_eq!(at.len(), 1, "{from:02x?} occurs once");
    spliced(bytes, at[0], from.len(), to)
}

/// A length-prefixed string as the bytes write it (lengths below 251).
fn string_bytes(text: &str) -> Vec<u8> {
    let mut out = vec![u8::try_from(text.len()).expect("a short string")];
    out.extend_from_slice(text.as_bytes());
    out
}

/// The byte strings that decoding must refuse, each made from a valid event of the ledger.
fn invalid_events(events: &[(&str, Event)]) -> Vec<(String, Vec<u8>, Option<usize>)> {
    let bytes: Vec<Vec<u8>> = events.iter().map(|(_, e)| encode_event(e)).collect();
    let by_kind = |kind: &str| -> usize {
        events
            .iter()
            .position(|(_, e)| e.body.kind() == kind)
            .expect("a kind in the ledger")
    };
    let body = |i: usize| body_at(&events[i].1);
    let status = by_kind("action_status_changed");
    let weakness = by_kind("weakness_recorded");
    let measure = by_kind("measure_defined");
    let value = by_kind("measure_recorded");
    let note = by_kind("note_added");
    let revisit = by_kind("revisit_scheduled");
    let mut out: Vec<(String, Vec<u8>, Option<usize>)> = vec![
        (
            "event 0 with one byte 00 after it".into(),
            [bytes[0].clone(), vec![0]].concat(),
            None,
        ),
        ("no bytes at all".into(), Vec::new(), None),
        (
            "event 0 cut short by one byte".into(),
            bytes[0][..bytes[0].len() - 1].to_vec(),
            None,
        ),
        (
            "event 2 cut short inside `prev`".into(),
            bytes[2][..20].to_vec(),
            None,
        ),
        ("format 0".into(), spliced(&bytes[0], 0, 1, &[0]), None),
        ("format 2".into(), spliced(&bytes[0], 0, 1, &[2]), None),
        (
            "format 256, written FB 00 01".into(),
            spliced(&bytes[0], 0, 1, &[0xFB, 0, 1]),
            None,
        ),
        (
            "seq 0 written FB 00 00 instead of 00: not the shortest form".into(),
            spliced(&bytes[0], 1, 1, &[0xFB, 0, 0]),
            None,
        ),
        (
            "the area's length 21 written FB 15 00 instead of 15: not the shortest form".into(),
            replaced(
                &bytes[0],
                &string_bytes("Northshire local area"),
                &[&[0xFB, 21, 0][..], b"Northshire local area"].concat(),
            ),
            None,
        ),
        (
            "recorded_at written with the u128 marker FE".into(),
            spliced(&bytes[0], 34, 1, &[0xFE]),
            None,
        ),
        (
            "the year of occurred_on written with FC (a u32 marker in a u16 field)".into(),
            spliced(&bytes[1], 43, 3, &[0xFC, 0xE7, 0x07, 0, 0]),
            None,
        ),
        (
            "occurred_on 29 February 2021, which does not exist".into(),
            spliced(&bytes[1], 43, 5, &[0xFB, 0xE5, 0x07, 2, 29]),
            None,
        ),
        (
            "occurred_on with month 13".into(),
            spliced(&bytes[1], 46, 1, &[13]),
            None,
        ),
        (
            "occurred_on with day 0".into(),
            spliced(&bytes[1], 47, 1, &[0]),
            None,
        ),
        (
            "occurred_on in 1899, before the first year allowed".into(),
            spliced(&bytes[1], 43, 3, &[0xFB, 0x6B, 0x07]),
            None,
        ),
        (
            "actor.role tag 4 (Role has tags 0 to 3)".into(),
            spliced(&bytes[1], body(1) - 1, 1, &[4]),
            None,
        ),
        (
            "EventBody tag 41 (tags 0 to 40 are all there are)".into(),
            spliced(&bytes[revisit], body(revisit), 1, &[41]),
            None,
        ),
        (
            "Status tag 5 (Status has tags 0 to 4)".into(),
            spliced(&bytes[status], body(status) + 5, 1, &[5]),
            None,
        ),
        (
            "option tag 02 for `rag` (only 00 and 01 exist)".into(),
            spliced(&bytes[status], body(status) + 6, 1, &[2]),
            None,
        ),
        (
            "Rag tag 3 (Rag has tags 0 to 2)".into(),
            spliced(&bytes[status], body(status) + 7, 1, &[3]),
            None,
        ),
        (
            "Subject tag 6 (Subject has tags 0 to 5)".into(),
            spliced(&bytes[note], body(note) + 1, 1, &[6]),
            None,
        ),
        (
            "the actor's name with an invalid UTF-8 byte FF".into(),
            spliced(&bytes[1], 49, 1, &[0xFF]),
            None,
        ),
        (
            "weakness id `W 1`, with a space".into(),
            replaced(&bytes[weakness], &string_bytes("W1"), &string_bytes("W 1")),
            None,
        ),
        (
            "weakness id `W_1`, with an underscore".into(),
            replaced(&bytes[weakness], &string_bytes("W1"), &string_bytes("W_1")),
            None,
        ),
        (
            "weakness id `.1`, starting with a dot".into(),
            replaced(&bytes[weakness], &string_bytes("W1"), &string_bytes(".1")),
            None,
        ),
        (
            "weakness id of 41 characters".into(),
            replaced(
                &bytes[weakness],
                &string_bytes("W1"),
                &string_bytes(&"W".repeat(41)),
            ),
            None,
        ),
        (
            "weakness id `Wé1`, with a non-ASCII letter".into(),
            replaced(&bytes[weakness], &string_bytes("W1"), &string_bytes("Wé1")),
            None,
        ),
        (
            "the empty weakness id".into(),
            replaced(&bytes[weakness], &string_bytes("W1"), &string_bytes("")),
            None,
        ),
    ];
    for bad in [
        "063", "-0", "+31.5", "31.", ".5", "3.15e1", "1,234", "31.5%", " 31.5", "",
    ] {
        out.push((
            format!("the decimal baseline `{bad}`, which is not in canonical form"),
            replaced(&bytes[measure], &string_bytes("31.5"), &string_bytes(bad)),
            None,
        ));
    }
    out.push((
        "the decimal value `-0.0`".into(),
        replaced(&bytes[value], &string_bytes("38.2"), &string_bytes("-0.0")),
        None,
    ));
    out.push((
        "the decimal value with 31 digits, one more than allowed".into(),
        replaced(
            &bytes[value],
            &string_bytes("38.2"),
            &string_bytes(&"1".repeat(31)),
        ),
        None,
    ));
    out.push((
        "event 0 followed by zero bytes up to 1,048,577 bytes, one more than an event may have (written with `pad`)".into(),
        bytes[0].clone(),
        Some(wsoa_core::encoding::MAX_EVENT_BYTES + 1),
    ));
    out
}

fn event_json(event: &Event, bytes: &[u8]) -> Value {
    let mut value = serde_json::to_value(event).expect("JSON");
    value["hash"] = json!(chain_hash(bytes).to_hex());
    value["leaf_hash"] = json!(leaf_hash(bytes).to_hex());
    value["bytes"] = json!(hex(bytes));
    value["recorded_at_iso"] = json!(format_unix_millis(event.recorded_at));
    value
}

fn events_file() -> Value {
    let events = ledger();
    let mut vectors = Vec::new();
    let mut leaves = Vec::new();
    for (description, event) in &events {
        let bytes = encode_event(event);
        leaves.push(leaf_hash(&bytes));
        vectors.push(json!({
            "description": description,
            "seq": event.seq,
            "kind": event.body.kind(),
            "bytes": hex(&bytes),
            "chain_hash": chain_hash(&bytes).to_hex(),
            "leaf_hash": leaf_hash(&bytes).to_hex(),
            "json": event_json(event, &bytes),
        }));
    }
    let head = chain_hash(&encode_event(&events.last().expect("events").1));
    let invalid: Vec<Value> = invalid_events(&events)
        .into_iter()
        .map(|(description, bytes, pad)| {
            let mut input = bytes.clone();
            if let Some(length) = pad {
                input.resize(length, 0);
            }
            let error = decode_event(&input).expect_err("refused");
            let mut vector = json!({ "description": description, "bytes": hex(&bytes) });
            if let Some(length) = pad {
                vector = with_pad(vector, 0, length);
            }
            for (key, value) in error_fields(&error).as_object().expect("an object") {
                vector[key] = value.clone();
            }
            vector
        })
        .collect();
    json!({
        "description": "Events of every kind (EventBody tags 0 to 24), forming one chained ledger of 25 events, with their canonical bytes (docs/FORMAT.md sections 2 to 6), chain hash (section 7), RFC 6962 leaf hash (section 12) and JSON view as `wsoa log --format json` prints it (section 7); then byte strings that strict decoding must refuse, each with the reference decoder's error. Every event here also obeys the clock rules (section 8).",
        "chain_hash": format!("BLAKE3 derive-key mode, context \"{CHAIN_CONTEXT}\", key material = the canonical bytes, 32-byte output"),
        "leaf_hash": "SHA-256(0x00 || canonical bytes)",
        "evidence": [{
            "description": "the file attached by event 8; its plain BLAKE3 hash is the event's content_hash",
            "content": hex(EVIDENCE_CONTENT),
            "content_hash": content_hash(EVIDENCE_CONTENT).to_hex(),
        }],
        "events": vectors,
        "head": head.to_hex(),
        "root": root(&leaves).to_hex(),
        "invalid": invalid,
    })
}

#[test]
fn every_event_vector_decodes_reencodes_and_hashes_as_the_file_says() {
    let file = read("events.json");
    let vectors = file["events"].as_array().expect("events");
    let mut prev = Digest::ZERO;
    let mut leaves = Vec::new();
    let mut kinds = std::collections::BTreeSet::new();
    for (n, vector) in vectors.iter().enumerate() {
        let bytes = unhex(text(&vector["bytes"]));
        let event = decode_event(&bytes).unwrap_or_else(|err| panic!("event {n}: {err}"));
        assert_eq!(
            encode_event(&event),
            bytes,
            "event {n} re-encodes to its bytes"
        );
        assert_eq!(event.seq, n as u64);
        assert_eq!(number(&vector["seq"]), event.seq);
        assert_eq!(event.prev, prev, "event {n} links to the one before");
        assert_eq!(text(&vector["kind"]), event.body.kind());
        let hash = chain_hash(&bytes);
        assert_eq!(
            digest(&vector["chain_hash"]),
            hash,
            "event {n}'s chain hash"
        );
        assert_eq!(
            hash,
            Digest(blake3::derive_key(CHAIN_CONTEXT, &bytes)),
            "the chain hash is BLAKE3 derive-key"
        );
        assert_eq!(digest(&vector["leaf_hash"]), leaf_hash(&bytes));
        assert_eq!(
            vector["json"],
            event_json(&event, &bytes),
            "event {n}'s JSON"
        );
        kinds.insert(event.body.kind());
        prev = hash;
        leaves.push(leaf_hash(&bytes));
    }
    assert_eq!(kinds.len(), 25, "one event of each of the 25 kinds");
    assert_eq!(digest(&file["head"]), prev);
    assert_eq!(digest(&file["root"]), root(&leaves));
    for evidence in file["evidence"].as_array().expect("evidence") {
        let content = unhex(text(&evidence["content"]));
        assert_eq!(digest(&evidence["content_hash"]), content_hash(&content));
        assert_eq!(
            content_hash(&content),
            Digest(*blake3::hash(&content).as_bytes()),
            "the content hash is plain BLAKE3"
        );
    }
}

#[test]
fn every_event_vector_obeys_the_clock_rules() {
    let file = read("events.json");
    let mut last = i64::MIN;
    for vector in file["events"].as_array().expect("events") {
        let event = decode_event(&unhex(text(&vector["bytes"]))).expect("decodes");
        assert!(event.recorded_at >= last, "recorded_at never decreases");
        let uk = Date::uk_from_unix_millis(event.recorded_at).expect("a date");
        assert!(
            event.occurred_on <= uk,
            "occurred_on is not after the UK day"
        );
        last = event.recorded_at;
    }
}

#[test]
fn every_invalid_event_vector_is_refused_with_its_error() {
    let file = read("events.json");
    let invalid = file["invalid"].as_array().expect("invalid");
    assert!(invalid.len() >= 40);
    for vector in invalid {
        let bytes = vector_bytes(vector, "bytes");
        let error = decode_event(&bytes).expect_err(text(&vector["description"]));
        assert_error(vector, &error);
    }
}

// ---------------------------------------------------------------------------------------------
// Merkle trees and proofs
// ---------------------------------------------------------------------------------------------

/// The leaves of the RFC 6962 reference test tree (certificate-transparency's
/// `merkle_tree_test.cc`, also used by Go's `sumdb/tlog` and transparency-dev's `merkle`).
const REFERENCE_LEAVES: [&str; 8] = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
];

/// The roots of that tree at sizes 1 to 8, as published with it: an anchor outside this
/// project's code.
const REFERENCE_ROOTS: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

fn hex_list(items: &[Digest]) -> Value {
    json!(items.iter().map(Digest::to_hex).collect::<Vec<_>>())
}

fn tree_json(description: &str, data: &[Vec<u8>]) -> (Value, Vec<Digest>) {
    let leaves: Vec<Digest> = data.iter().map(|d| leaf_hash(d)).collect();
    let roots: Vec<Value> = (0..=leaves.len())
        .map(|size| json!({ "size": size, "root": root(&leaves[..size]).to_hex() }))
        .collect();
    let value = json!({
        "description": description,
        "leaves": data.iter().map(|d| hex(d)).collect::<Vec<_>>(),
        "leaf_hashes": hex_list(&leaves),
        "roots": roots,
    });
    (value, leaves)
}

fn flip(hash: &Digest) -> Digest {
    let mut bytes = hash.0;
    bytes[0] ^= 0x01;
    Digest(bytes)
}

fn inclusion_json(
    description: &str,
    leaf: &Digest,
    index: u64,
    size: u64,
    proof: &[Digest],
    root: &Digest,
) -> Value {
    let mut vector = json!({
        "description": description,
        "leaf_hash": leaf.to_hex(),
        "leaf_index": index,
        "tree_size": size,
        "proof": hex_list(proof),
        "root": root.to_hex(),
    });
    match verify_inclusion(leaf, index, size, proof, root) {
        Ok(()) => vector["valid"] = json!(true),
        Err(error) => {
            vector["valid"] = json!(false);
            vector["error"] = json!(variant(&error));
            vector["message"] = json!(error.to_string());
        }
    }
    vector
}

fn consistency_json(
    description: &str,
    (size1, size2): (u64, u64),
    proof: &[Digest],
    root1: &Digest,
    root2: &Digest,
) -> Value {
    let mut vector = json!({
        "description": description,
        "size1": size1,
        "size2": size2,
        "proof": hex_list(proof),
        "root1": root1.to_hex(),
        "root2": root2.to_hex(),
    });
    match verify_consistency(size1, size2, proof, root1, root2) {
        Ok(()) => vector["valid"] = json!(true),
        Err(error) => {
            vector["valid"] = json!(false);
            vector["error"] = json!(variant(&error));
            vector["message"] = json!(error.to_string());
        }
    }
    vector
}

fn merkle_file() -> Value {
    let reference: Vec<Vec<u8>> = REFERENCE_LEAVES.iter().map(|l| unhex(l)).collect();
    let (reference_tree, leaves) = tree_json(
        "the RFC 6962 reference test tree of 8 leaves (certificate-transparency), with its root at every size from 0",
        &reference,
    );
    let ledger_bytes: Vec<Vec<u8>> = ledger().iter().map(|(_, e)| encode_event(e)).collect();
    let (ledger_tree, ledger_leaves) = tree_json(
        "the ledger of events.json: leaf n is the canonical bytes of event n",
        &ledger_bytes,
    );
    let mut inclusion = Vec::new();
    let mut consistency = Vec::new();
    for size in 1..=leaves.len() {
        let tree = &leaves[..size];
        for (index, leaf) in tree.iter().enumerate() {
            let proof = inclusion_proof(tree, index as u64).expect("a proof");
            inclusion.push(inclusion_json(
                &format!("reference tree: leaf {index} in the tree of {size}"),
                leaf,
                index as u64,
                size as u64,
                &proof,
                &root(tree),
            ));
        }
        for size1 in 1..=size {
            let proof = consistency_proof(tree, size1 as u64).expect("a proof");
            consistency.push(consistency_json(
                &format!("reference tree: the tree of {size1} is a prefix of the tree of {size}"),
                (size1 as u64, size as u64),
                &proof,
                &root(&leaves[..size1]),
                &root(tree),
            ));
        }
    }
    for (index, size) in [(0, 25), (8, 25), (24, 25), (13, 24)] {
        let tree = &ledger_leaves[..size];
        inclusion.push(inclusion_json(
            &format!("ledger: event {index} in the tree of {size} events"),
            &ledger_leaves[index],
            index as u64,
            size as u64,
            &inclusion_proof(tree, index as u64).expect("a proof"),
            &root(tree),
        ));
    }
    for (size1, size2) in [(1, 25), (7, 25), (16, 25), (24, 25), (3, 13)] {
        let tree = &ledger_leaves[..size2];
        consistency.push(consistency_json(
            &format!("ledger: the first {size1} events are a prefix of the first {size2}"),
            (size1 as u64, size2 as u64),
            &consistency_proof(tree, size1 as u64).expect("a proof"),
            &root(&ledger_leaves[..size1]),
            &root(tree),
        ));
    }
    // Corrupted inclusion proofs of leaf 2 in the reference tree of 7.
    let tree = &leaves[..7];
    let proof = inclusion_proof(tree, 2).expect("a proof");
    let good_root = root(tree);
    let mut flipped = proof.clone();
    flipped[1] = flip(&flipped[1]);
    let mut swapped = proof.clone();
    swapped.swap(0, 1);
    let bad_inclusion = vec![
        inclusion_json(
            "a proof hash with one bit flipped",
            &leaves[2],
            2,
            7,
            &flipped,
            &good_root,
        ),
        inclusion_json(
            "two proof hashes swapped",
            &leaves[2],
            2,
            7,
            &swapped,
            &good_root,
        ),
        inclusion_json(
            "the last proof hash missing",
            &leaves[2],
            2,
            7,
            &proof[..proof.len() - 1],
            &good_root,
        ),
        inclusion_json(
            "one proof hash too many",
            &leaves[2],
            2,
            7,
            &[proof.clone(), vec![leaves[0]]].concat(),
            &good_root,
        ),
        inclusion_json(
            "the wrong leaf hash (leaf 3's)",
            &leaves[3],
            2,
            7,
            &proof,
            &good_root,
        ),
        inclusion_json(
            "the wrong index (3 for leaf 2)",
            &leaves[2],
            3,
            7,
            &proof,
            &good_root,
        ),
        inclusion_json(
            "the root of another tree size (8)",
            &leaves[2],
            2,
            7,
            &proof,
            &root(&leaves[..8]),
        ),
        inclusion_json(
            "the index equal to the tree size",
            &leaves[2],
            7,
            7,
            &proof,
            &good_root,
        ),
        inclusion_json("the empty tree", &leaves[2], 0, 0, &[], &empty_root()),
        inclusion_json(
            "the leaf's data given instead of its leaf hash: SHA-256(0x00 || data) was not applied",
            &Digest(sha256(&reference[2])),
            2,
            7,
            &proof,
            &good_root,
        ),
    ];
    // Corrupted consistency proofs from the reference tree of 3 to the tree of 7.
    let proof = consistency_proof(tree, 3).expect("a proof");
    let root3 = root(&leaves[..3]);
    let mut flipped = proof.clone();
    flipped[0] = flip(&flipped[0]);
    let bad_consistency = vec![
        consistency_json(
            "a proof hash with one bit flipped",
            (3, 7),
            &flipped,
            &root3,
            &good_root,
        ),
        consistency_json(
            "the last proof hash missing",
            (3, 7),
            &proof[..proof.len() - 1],
            &root3,
            &good_root,
        ),
        consistency_json(
            "one proof hash too many",
            (3, 7),
            &[proof.clone(), vec![leaves[0]]].concat(),
            &root3,
            &good_root,
        ),
        consistency_json(
            "the wrong first root (of size 4)",
            (3, 7),
            &proof,
            &root(&leaves[..4]),
            &good_root,
        ),
        consistency_json(
            "the wrong second root (of size 8)",
            (3, 7),
            &proof,
            &root3,
            &root(&leaves[..8]),
        ),
        consistency_json("the sizes reversed", (7, 3), &proof, &good_root, &root3),
        consistency_json(
            "from the empty tree: there is no such proof",
            (0, 7),
            &[],
            &empty_root(),
            &good_root,
        ),
        consistency_json(
            "the same size with two different roots",
            (7, 7),
            &[],
            &good_root,
            &flip(&good_root),
        ),
    ];
    json!({
        "description": "RFC 6962 / RFC 9162 Merkle trees (docs/FORMAT.md sections 12 and 13): leaf hash = SHA-256(0x00 || leaf), node hash = SHA-256(0x01 || left || right), the empty tree's root = SHA-256(\"\"). Roots at every size, inclusion and consistency proofs (proof hashes in RFC 9162 order, from the leaf up) that verify, and corrupted ones that must not, each with the reference verifier's error.",
        "empty_root": empty_root().to_hex(),
        "trees": [reference_tree, ledger_tree],
        "inclusion": inclusion,
        "consistency": consistency,
        "invalid_inclusion": bad_inclusion,
        "invalid_consistency": bad_consistency,
    })
}

fn sha256(data: &[u8]) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(data).into()
}

fn check_inclusion(vector: &Value) -> Result<(), wsoa_core::merkle::ProofError> {
    verify_inclusion(
        &digest(&vector["leaf_hash"]),
        number(&vector["leaf_index"]),
        number(&vector["tree_size"]),
        &digests(&vector["proof"]),
        &digest(&vector["root"]),
    )
}

fn check_consistency(vector: &Value) -> Result<(), wsoa_core::merkle::ProofError> {
    verify_consistency(
        number(&vector["size1"]),
        number(&vector["size2"]),
        &digests(&vector["proof"]),
        &digest(&vector["root1"]),
        &digest(&vector["root2"]),
    )
}

#[test]
fn every_merkle_vector_verifies_or_fails_as_the_file_says() {
    let file = read("merkle.json");
    assert_eq!(digest(&file["empty_root"]), Digest(sha256(b"")));
    let trees = file["trees"].as_array().expect("trees");
    for tree in trees {
        let data: Vec<Vec<u8>> = tree["leaves"]
            .as_array()
            .expect("leaves")
            .iter()
            .map(|l| unhex(text(l)))
            .collect();
        let leaves: Vec<Digest> = data.iter().map(|d| leaf_hash(d)).collect();
        assert_eq!(digests(&tree["leaf_hashes"]), leaves);
        for (leaf, data) in leaves.iter().zip(&data) {
            assert_eq!(leaf.0, sha256(&[&[0u8][..], data].concat()));
        }
        for vector in tree["roots"].as_array().expect("roots") {
            let size = number(&vector["size"]) as usize;
            assert_eq!(
                digest(&vector["root"]),
                root(&leaves[..size]),
                "root of {size}"
            );
        }
    }
    // The reference tree's roots are the ones published with it.
    let reference = &trees[0]["roots"];
    for (size, expected) in REFERENCE_ROOTS.iter().enumerate() {
        assert_eq!(text(&reference[size + 1]["root"]), *expected);
    }
    for vector in file["inclusion"].as_array().expect("inclusion") {
        assert_eq!(vector["valid"], json!(true));
        check_inclusion(vector).unwrap_or_else(|err| panic!("{}: {err}", vector["description"]));
    }
    for vector in file["consistency"].as_array().expect("consistency") {
        assert_eq!(vector["valid"], json!(true));
        check_consistency(vector).unwrap_or_else(|err| panic!("{}: {err}", vector["description"]));
    }
    for vector in file["invalid_inclusion"]
        .as_array()
        .expect("invalid inclusion")
    {
        assert_eq!(vector["valid"], json!(false));
        assert_error(
            vector,
            &check_inclusion(vector).expect_err(text(&vector["description"])),
        );
    }
    for vector in file["invalid_consistency"]
        .as_array()
        .expect("invalid consistency")
    {
        assert_eq!(vector["valid"], json!(false));
        assert_error(
            vector,
            &check_consistency(vector).expect_err(text(&vector["description"])),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Keys, signed notes and checkpoints
// ---------------------------------------------------------------------------------------------

/// Parses a note, verifies it against `trusted` and parses its checkpoint, as a verifier of a
/// checkpoint does: the first refusal, or the signers' names and the checkpoint.
fn read_checkpoint(
    note: &[u8],
    trusted: &[Verifier],
) -> Result<(Vec<String>, Checkpoint), NoteError> {
    let note = Note::parse_bytes(note)?;
    let signers = note
        .verify(trusted)?
        .iter()
        .map(|v| v.name().to_owned())
        .collect();
    Ok((signers, Checkpoint::parse(note.text())?))
}

fn note_vector(description: &str, note: &[u8], trusted: &[&Signer], pad: Option<usize>) -> Value {
    let trusted: Vec<Verifier> = trusted.iter().map(|s| s.verifier()).collect();
    let mut vector = match std::str::from_utf8(note) {
        Ok(text) => json!({ "description": description, "note": text }),
        Err(_) => json!({ "description": description, "note_hex": hex(note) }),
    };
    vector["trusted"] = json!(trusted.iter().map(ToString::to_string).collect::<Vec<_>>());
    let mut input = note.to_vec();
    if let Some(length) = pad {
        input.resize(length, b'a');
        vector = with_pad(vector, b'a', length);
    }
    match read_checkpoint(&input, &trusted) {
        Ok((signers, checkpoint)) => {
            vector["valid"] = json!(true);
            vector["signers"] = json!(signers);
            vector["checkpoint"] = json!({
                "origin": checkpoint.origin,
                "size": checkpoint.size,
                "root": checkpoint.root.to_hex(),
                "extensions": checkpoint.extensions,
            });
        }
        Err(error) => {
            vector["valid"] = json!(false);
            vector["error"] = json!(variant(&error));
            vector["message"] = json!(error.to_string());
        }
    }
    vector
}

fn sign(text: &str, by: &Signer) -> String {
    Note::sign(text, by).expect("signed").to_string()
}

fn notes_file() -> Value {
    let log = signer(LOG_KEY);
    let adviser = signer(ADVISER_KEY);
    let stranger = signer(STRANGER_KEY);
    let keys: Vec<Value> = [LOG_KEY, ADVISER_KEY, STRANGER_KEY]
        .iter()
        .map(|key| {
            let s = signer(*key);
            json!({
                "name": key.0,
                "seed": hex(&key.1),
                "public_key": hex(&s.verifier().public_key()),
                "key_id": format!("{:08x}", s.key_id()),
                "signer_key": s.to_signer_string(),
                "verifier_key": s.verifier().to_string(),
            })
        })
        .collect();
    let events = ledger();
    let leaves: Vec<Digest> = events
        .iter()
        .map(|(_, e)| leaf_hash(&encode_event(e)))
        .collect();
    let origin = origin(
        "Northshire local area",
        &chain_hash(&encode_event(&events[0].1)),
    );
    let text = Checkpoint::new(origin.clone(), 25, root(&leaves))
        .to_text()
        .expect("a checkpoint");
    let signed = sign(&text, &log);
    let mut cosigned = Note::parse(&signed).expect("a note");
    cosigned.cosign(&adviser).expect("cosigned");
    let cosigned = cosigned.to_string();
    let with_stranger = format!(
        "{signed}{}",
        sign(&text, &stranger)
            .split_once("\n\n")
            .expect("a block")
            .1
    );
    let stranger_line = sign(&text, &stranger)
        .split_once("\n\n")
        .expect("a block")
        .1
        .to_owned();
    let signature_block = signed.split_once("\n\n").expect("a block").1;
    let sig64 = signature_block
        .trim_end()
        .rsplit_once(' ')
        .expect("a signature")
        .1;
    let mut short_signature = base64_decode(sig64);
    short_signature.pop();
    let other = sign(&text.replacen("\n25\n", "\n24\n", 1), &log);
    let other_sig64 = other.trim_end().rsplit_once(' ').expect("a signature").1;
    let with_block = |block: &str| format!("{text}\n{block}");
    let good = vec![
        note_vector(
            "a checkpoint of the 25 events of events.json, signed by the ledger's key",
            signed.as_bytes(),
            &[&log],
            None,
        ),
        note_vector(
            "the same checkpoint cosigned by the adviser: both signatures verify",
            cosigned.as_bytes(),
            &[&log, &adviser],
            None,
        ),
        note_vector(
            "the cosigned checkpoint, trusting only the adviser: the ledger's signature is ignored",
            cosigned.as_bytes(),
            &[&adviser],
            None,
        ),
        note_vector(
            "a signature by a key that is not trusted is ignored",
            with_stranger.as_bytes(),
            &[&log],
            None,
        ),
        note_vector(
            "the empty tree: size 0, root SHA-256(\"\")",
            sign(
                &Checkpoint::new(origin.clone(), 0, empty_root())
                    .to_text()
                    .expect("text"),
                &log,
            )
            .as_bytes(),
            &[&log],
            None,
        ),
        note_vector(
            "a checkpoint with one extension line (this ledger writes none, but reads them)",
            sign(&format!("{text}extension line\n"), &log).as_bytes(),
            &[&log],
            None,
        ),
    ];
    let bad = vec![
        note_vector(
            "over 1 MiB: a signed note padded with `a` to 1,048,577 bytes",
            signed.as_bytes(),
            &[&log],
            Some(wsoa_core::note::MAX_NOTE_LEN + 1),
        ),
        note_vector(
            "not UTF-8: a byte FF in the origin",
            &[&[0xFFu8][..], &signed.as_bytes()[1..]].concat(),
            &[&log],
            None,
        ),
        note_vector(
            "Windows line endings: a carriage return ends each line",
            signed.replace('\n', "\r\n").as_bytes(),
            &[&log],
            None,
        ),
        note_vector(
            "a tab in the origin",
            signed.replacen('/', "\t", 1).as_bytes(),
            &[&log],
            None,
        ),
        note_vector(
            "the checkpoint text alone, with no blank line and no signature",
            text.as_bytes(),
            &[&log],
            None,
        ),
        note_vector(
            "a blank line and no signature line after it",
            format!("{text}\n").as_bytes(),
            &[&log],
            None,
        ),
        note_vector(
            "the last signature line without its newline",
            signed.trim_end_matches('\n').as_bytes(),
            &[&log],
            None,
        ),
        note_vector(
            "101 signature lines, one more than accepted",
            format!("{signed}{}", stranger_line.repeat(100)).as_bytes(),
            &[&log],
            None,
        ),
        note_vector(
            "a signature line starting with a hyphen instead of an em dash",
            with_block(&signature_block.replacen('\u{2014}', "-", 1)).as_bytes(),
            &[&log],
            None,
        ),
        note_vector(
            "a signature line with no space between the key name and the signature",
            with_block(&format!("\u{2014} {}{sig64}\n", LOG_KEY.0)).as_bytes(),
            &[&log],
            None,
        ),
        note_vector(
            "a signature line whose key name contains `+`",
            with_block(&signature_block.replacen("northshire", "north+shire", 1)).as_bytes(),
            &[&log],
            None,
        ),
        note_vector(
            "a signature line with an empty signature",
            with_block(&format!("\u{2014} {} \n", LOG_KEY.0)).as_bytes(),
            &[&log],
            None,
        ),
        note_vector(
            "a signature that is not base64",
            with_block(&format!("\u{2014} {} not*base64\n", LOG_KEY.0)).as_bytes(),
            &[&log],
            None,
        ),
        note_vector(
            "a signature of 4 bytes: a key ID and nothing else",
            with_block(&format!("\u{2014} {} AAAAAA==\n", LOG_KEY.0)).as_bytes(),
            &[&log],
            None,
        ),
        note_vector(
            "signed only by a key that is not trusted",
            sign(&text, &stranger).as_bytes(),
            &[&log],
            None,
        ),
        note_vector(
            "the text changed after signing (size 25 made 24): the trusted signature does not verify",
            signed.replacen("\n25\n", "\n24\n", 1).as_bytes(),
            &[&log],
            None,
        ),
        note_vector(
            "a trusted key's signature one byte short (63 bytes)",
            with_block(&format!(
                "\u{2014} {} {}\n",
                LOG_KEY.0,
                base64_encode(&short_signature)
            ))
            .as_bytes(),
            &[&log],
            None,
        ),
        note_vector(
            "the ledger key's signature is of another text, while the adviser's is good: the whole note is refused",
            cosigned.replacen(sig64, other_sig64, 1).as_bytes(),
            &[&log, &adviser],
            None,
        ),
        note_vector(
            "a signed text with only two lines: not a checkpoint",
            sign(&format!("{origin}\n25\n"), &log).as_bytes(),
            &[&log],
            None,
        ),
        note_vector(
            "an empty origin line",
            sign(&text.replacen(&origin, "", 1), &log).as_bytes(),
            &[&log],
            None,
        ),
        note_vector(
            "an empty tree size line",
            sign(&text.replacen("\n25\n", "\n\n", 1), &log).as_bytes(),
            &[&log],
            None,
        ),
        note_vector(
            "a tree size with a sign",
            sign(&text.replacen("\n25\n", "\n+25\n", 1), &log).as_bytes(),
            &[&log],
            None,
        ),
        note_vector(
            "a tree size with a leading zero",
            sign(&text.replacen("\n25\n", "\n025\n", 1), &log).as_bytes(),
            &[&log],
            None,
        ),
        note_vector(
            "a tree size of 2^64, too large",
            sign(
                &text.replacen("\n25\n", "\n18446744073709551616\n", 1),
                &log,
            )
            .as_bytes(),
            &[&log],
            None,
        ),
        note_vector(
            "a root that is not base64",
            sign(&format!("{origin}\n25\nnot base64!\n"), &log).as_bytes(),
            &[&log],
            None,
        ),
        note_vector(
            "a root of 31 bytes",
            sign(
                &format!("{origin}\n25\n{}\n", base64_encode(&[7; 31])),
                &log,
            )
            .as_bytes(),
            &[&log],
            None,
        ),
        note_vector(
            "a root in unpadded base64",
            sign(
                &format!(
                    "{origin}\n25\n{}\n",
                    base64_encode(&root(&leaves).0).trim_end_matches('=')
                ),
                &log,
            )
            .as_bytes(),
            &[&log],
            None,
        ),
        note_vector(
            "an empty extension line",
            sign(&format!("{text}\n"), &log).as_bytes(),
            &[&log],
            None,
        ),
    ];
    let mut bad_keys: Vec<Value> = Vec::new();
    let verifier = log.verifier().to_string();
    let (name, rest) = verifier.split_once('+').expect("a key");
    let (id, key64) = rest.split_once('+').expect("a key");
    let mut key_bytes = base64_decode(key64);
    let mut not_a_point = None;
    for byte in 0..=255u8 {
        if Verifier::new("n", [byte; 32]).is_err() {
            not_a_point = Some([byte; 32]);
            break;
        }
    }
    let not_a_point = not_a_point.expect("32 equal bytes that are not an Ed25519 point");
    let wrong_id = format!("{:08x}", log.key_id() ^ 1);
    let mut alg2 = key_bytes.clone();
    alg2[0] = 2;
    key_bytes.pop();
    for (description, key) in [
        (
            "a signer key, which is secret, given as a verifier key",
            log.to_signer_string(),
        ),
        ("no '+' at all", name.to_owned()),
        ("no '+' after the key ID", format!("{name}+{id}")),
        (
            "a key name with a space",
            format!("north shire+{id}+{key64}"),
        ),
        (
            "the key ID in upper case",
            format!("{name}+{}+{key64}", id.to_uppercase()),
        ),
        (
            "a key ID of 7 digits",
            format!("{name}+{}+{key64}", &id[1..]),
        ),
        (
            "a key that is not base64",
            format!("{name}+{id}+not*base64"),
        ),
        (
            "signature type 0x02 instead of 0x01 (Ed25519)",
            format!("{name}+{id}+{}", base64_encode(&alg2)),
        ),
        (
            "a key of 31 bytes",
            format!("{name}+{id}+{}", base64_encode(&key_bytes)),
        ),
        (
            "32 bytes that are not an Ed25519 public key",
            format!(
                "n+{:08x}+{}",
                wsoa_core::note::key_id("n", &not_a_point),
                base64_encode(&[&[1u8][..], &not_a_point].concat())
            ),
        ),
        (
            "a key ID that is not the one the name and key give",
            format!("{name}+{wrong_id}+{key64}"),
        ),
        ("white space after the key", format!("{verifier}\n")),
    ] {
        let error = key.parse::<Verifier>().expect_err(description);
        bad_keys.push(json!({ "description": description, "key": key, "error": variant(&error), "message": error.to_string() }));
    }
    let signer_string = log.to_signer_string();
    let mut bad_signers: Vec<Value> = Vec::new();
    for (description, key) in [
        ("a verifier key given as a signer key", verifier.clone()),
        (
            "a key ID that is not the one the name and key give",
            signer_string.replacen(id, &wrong_id, 1),
        ),
        (
            "a seed of 31 bytes",
            format!(
                "PRIVATE+KEY+{name}+{id}+{}",
                base64_encode(&[&[1u8][..], &LOG_KEY.1[..31]].concat())
            ),
        ),
    ] {
        let error = Signer::parse_signer(&key).expect_err(description);
        bad_signers.push(json!({ "description": description, "key": key, "error": variant(&error), "message": error.to_string() }));
    }
    json!({
        "description": "Ed25519 keys, C2SP signed notes and tlog checkpoints (docs/FORMAT.md section 14). Each note vector is read as a verifier of a checkpoint reads it: parse the note, verify it against the `trusted` verifier keys, parse its text as a checkpoint; `valid` notes give the names of the trusted keys that signed, in the order of their lines, and the checkpoint; the others give the first refusal. Then verifier and signer key strings that must be refused. Ed25519 signatures are deterministic, so signing a note's text with a key's seed gives exactly the signature shown. (`AmbiguousKey`, two different trusted keys with one name and key ID, has no vector: it needs a 32-bit key ID collision.)",
        "keys": keys,
        "notes": good,
        "invalid_notes": bad,
        "invalid_verifier_keys": bad_keys,
        "invalid_signer_keys": bad_signers,
    })
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .expect("base64")
}

fn note_input(vector: &Value) -> Vec<u8> {
    let mut bytes = match vector.get("note") {
        Some(note) => text(note).as_bytes().to_vec(),
        None => unhex(text(&vector["note_hex"])),
    };
    if let Some(pad) = vector.get("pad") {
        let byte = unhex(text(&pad["byte"]))[0];
        bytes.resize(number(&pad["to_length"]) as usize, byte);
    }
    bytes
}

fn trusted(vector: &Value) -> Vec<Verifier> {
    vector["trusted"]
        .as_array()
        .expect("trusted keys")
        .iter()
        .map(|key| text(key).parse().expect("a verifier key"))
        .collect()
}

#[test]
fn every_key_and_note_vector_reads_as_the_file_says() {
    let file = read("notes.json");
    for key in file["keys"].as_array().expect("keys") {
        let seed: [u8; 32] = unhex(text(&key["seed"])).try_into().expect("32 bytes");
        let signer = Signer::generate(text(&key["name"]), seed).expect("a key");
        assert_eq!(text(&key["signer_key"]), signer.to_signer_string());
        assert_eq!(text(&key["verifier_key"]), signer.verifier().to_string());
        assert_eq!(text(&key["key_id"]), format!("{:08x}", signer.key_id()));
        let public: [u8; 32] = unhex(text(&key["public_key"]))
            .try_into()
            .expect("32 bytes");
        assert_eq!(
            wsoa_core::note::key_id(text(&key["name"]), &public),
            signer.key_id()
        );
        let parsed: Verifier = text(&key["verifier_key"]).parse().expect("a verifier key");
        assert_eq!(parsed.public_key(), public);
        Signer::parse_signer(text(&key["signer_key"])).expect("a signer key");
    }
    let signer_of = |name: &str| -> Signer {
        let key = file["keys"]
            .as_array()
            .expect("keys")
            .iter()
            .find(|k| text(&k["name"]) == name)
            .expect("a known key");
        let seed: [u8; 32] = unhex(text(&key["seed"])).try_into().expect("32 bytes");
        Signer::generate(name, seed).expect("a key")
    };
    for vector in file["notes"].as_array().expect("notes") {
        let what = text(&vector["description"]);
        assert_eq!(vector["valid"], json!(true), "{what}");
        let input = note_input(vector);
        let (signers, checkpoint) =
            read_checkpoint(&input, &trusted(vector)).unwrap_or_else(|err| panic!("{what}: {err}"));
        assert_eq!(vector["signers"], json!(signers), "{what}");
        assert_eq!(text(&vector["checkpoint"]["origin"]), checkpoint.origin);
        assert_eq!(number(&vector["checkpoint"]["size"]), checkpoint.size);
        assert_eq!(digest(&vector["checkpoint"]["root"]), checkpoint.root);
        assert_eq!(
            vector["checkpoint"]["extensions"],
            json!(checkpoint.extensions)
        );
        // Parsing is canonical: the note is written back byte for byte, and each signature is
        // exactly the one its key makes (Ed25519 is deterministic).
        let note = Note::parse_bytes(&input).expect("a note");
        assert_eq!(note.to_string().as_bytes(), input.as_slice(), "{what}");
        for signature in note.signatures() {
            let again = Note::sign(note.text(), &signer_of(&signature.name)).expect("signed");
            assert_eq!(again.signatures()[0].bytes, signature.bytes, "{what}");
        }
    }
    let bad = file["invalid_notes"].as_array().expect("invalid notes");
    let mut kinds = std::collections::BTreeSet::new();
    for vector in bad {
        let what = text(&vector["description"]);
        assert_eq!(vector["valid"], json!(false), "{what}");
        let error = read_checkpoint(&note_input(vector), &trusted(vector)).expect_err(what);
        assert_error(vector, &error);
        kinds.insert(variant(&error));
    }
    for kind in [
        "TooLarge",
        "NotUtf8",
        "ControlCharacter",
        "NoSignatureBlock",
        "MissingFinalNewline",
        "TooManySignatures",
        "SignatureLine",
        "NoTrustedSignature",
        "InvalidSignature",
        "CheckpointLines",
        "Origin",
        "TreeSize",
        "RootHash",
        "Extension",
    ] {
        assert!(kinds.contains(kind), "a vector for {kind}");
    }
    for vector in file["invalid_verifier_keys"].as_array().expect("keys") {
        let error = text(&vector["key"])
            .parse::<Verifier>()
            .expect_err(text(&vector["description"]));
        assert_error(vector, &error);
    }
    for vector in file["invalid_signer_keys"].as_array().expect("keys") {
        let what = text(&vector["description"]);
        let error = Signer::parse_signer(text(&vector["key"])).expect_err(what);
        assert_error(vector, &error);
    }
}

// ---------------------------------------------------------------------------------------------
// Clocks: recorded_at as a UK calendar day, and its ISO form
// ---------------------------------------------------------------------------------------------

fn clocks_file() -> Value {
    let moments: [(&str, i64); 12] = [
        ("the Unix epoch", 0),
        ("one millisecond before the epoch", -1),
        (
            "a winter evening: GMT, the UK day is the UTC day",
            1_704_067_140_000,
        ),
        (
            "a summer night, 23:59 UTC on 30 June 2024: BST, already 1 July in the UK",
            1_719_791_940_000,
        ),
        (
            "00:59:59.999 UTC on 31 March 2024, the last moment of GMT that spring",
            1_711_846_799_999,
        ),
        (
            "01:00 UTC on 31 March 2024, the first moment of BST",
            1_711_846_800_000,
        ),
        (
            "23:30 UTC on 31 March 2024: BST, 1 April in the UK",
            1_711_927_800_000,
        ),
        (
            "00:59:59.999 UTC on 27 October 2024, the last moment of BST",
            1_729_990_799_999,
        ),
        ("01:00 UTC on 27 October 2024, GMT again", 1_729_990_800_000),
        (
            "23:30 UTC on 26 October 2024: BST, 27 October in the UK",
            1_729_985_400_000,
        ),
        (
            "the worked example's event 2 (docs/FORMAT.md section 10)",
            1_715_868_131_000,
        ),
        ("the last event of events.json", 1_764_000_000_000),
    ];
    let clocks: Vec<Value> = moments
        .iter()
        .map(|(description, millis)| {
            json!({
                "description": description,
                "recorded_at": millis,
                "recorded_at_iso": format_unix_millis(*millis),
                "utc_date": Date::from_unix_millis(*millis).expect("a date").to_string(),
                "uk_date": Date::uk_from_unix_millis(*millis).expect("a date").to_string(),
            })
        })
        .collect();
    let rules: Vec<Value> = [
        (
            "recorded on the same UK day it happened",
            1_719_791_940_000,
            "2024-07-01",
        ),
        (
            "occurred the UK day after it was recorded",
            1_719_791_940_000,
            "2024-07-02",
        ),
        (
            "occurred on the UTC day but recorded in BST on the next UK day: allowed",
            1_719_791_940_000,
            "2024-06-30",
        ),
        (
            "a winter evening: the UK day is the UTC day, and the next day is in the future",
            1_704_067_140_000,
            "2024-01-01",
        ),
        (
            "recorded long after it happened",
            1_704_067_140_000,
            "2019-05-02",
        ),
    ]
    .iter()
    .map(|(description, millis, on)| {
        let uk = Date::uk_from_unix_millis(*millis).expect("a date");
        json!({
            "description": description,
            "recorded_at": millis,
            "occurred_on": on,
            "allowed": date(on) <= uk,
        })
    })
    .collect();
    json!({
        "description": "recorded_at (Unix milliseconds, UTC) as the UTC calendar day, the UK (Europe/London) calendar day, and the ISO 8601 form of `recorded_at_iso` (docs/FORMAT.md sections 7 and 8, \"Clock rules\"); then pairs of recorded_at and occurred_on with whether clock rule 2 allows them (occurred_on must not be after the UK day of recorded_at).",
        "clocks": clocks,
        "occurred_on_rule": rules,
    })
}

#[test]
fn every_clock_vector_gives_its_uk_day() {
    let file = read("clocks.json");
    for vector in file["clocks"].as_array().expect("clocks") {
        let millis = vector["recorded_at"].as_i64().expect("a time");
        let what = text(&vector["description"]);
        assert_eq!(
            text(&vector["recorded_at_iso"]),
            format_unix_millis(millis),
            "{what}"
        );
        let utc = Date::from_unix_millis(millis).expect("a date");
        let uk = Date::uk_from_unix_millis(millis).expect("a date");
        assert_eq!(text(&vector["utc_date"]), utc.to_string(), "{what}");
        assert_eq!(text(&vector["uk_date"]), uk.to_string(), "{what}");
    }
    let rules = file["occurred_on_rule"].as_array().expect("rules");
    assert!(rules.iter().any(|r| r["allowed"] == json!(false)));
    for vector in rules {
        let millis = vector["recorded_at"].as_i64().expect("a time");
        let uk = Date::uk_from_unix_millis(millis).expect("a date");
        let on = date(text(&vector["occurred_on"]));
        assert_eq!(
            vector["allowed"],
            json!(on <= uk),
            "{}",
            text(&vector["description"])
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The independent verifier
// ---------------------------------------------------------------------------------------------

/// `testdata/verify.py`, a verifier written from docs/FORMAT.md alone in another language,
/// reaches the verdict every vector states. Skipped, with a message, where there is no python3.
#[test]
fn the_independent_python_verifier_agrees_with_every_vector() {
    let script = testdata().join("verify.py");
    let output = match std::process::Command::new("python3").arg(&script).output() {
        Ok(output) => output,
        Err(err) => {
            eprintln!("skipped: python3 cannot be run ({err})");
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "testdata/verify.py disagrees:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("every vector agrees"), "{stdout}");
    eprintln!("{stdout}");
}
