//! The language-neutral test vectors in `testdata/` that need a ledger on disk
//! (docs/FORMAT.md section 19): checkpoint origins, a small bundle and an excerpt, good and
//! damaged, each with the verification result the project's own code gives.
//!
//! As in `core/tests/vectors.rs`, the reading tests check every vector against the real code,
//! and `testdata_files_are_what_the_code_writes` regenerates each file and compares it byte for
//! byte. Regenerate after a deliberate change with
//! `cargo test -p wsoa-store --test store -- --ignored write_testdata`.

use std::io::Cursor;
use std::path::PathBuf;

use serde_json::{Value, json};
use wsoa_core::command::AttachEvidence;
use wsoa_core::event::{
    ActionCreated, ActionStatusChanged, EvidenceKind, EvidenceRedacted, LedgerOpened, Rag, Status,
    WeaknessRecorded, WorkstreamCreated,
};
use wsoa_core::note::{Checkpoint, Note, Signer, Verifier};
use wsoa_core::{
    Actor, Command, Digest, Event, EventBody, Role, chain_hash, decode_event, encode_event,
};
use wsoa_store::{BUNDLE_MAGIC, EXCERPT_MAGIC, bundle_origin, verify_bundle, verify_excerpt};

use crate::fixture::{
    Fixture, action_id, attachment, date, evidence_id, noon, weakness_id, workstream_id,
};

/// A file of vectors and the function that writes it.
type VectorFile = (&'static str, fn() -> Value);

/// The files this module owns.
const FILES: [VectorFile; 3] = [
    ("origins.json", origins_file),
    ("bundle.json", bundle_file),
    ("excerpt.json", excerpt_file),
];

/// The ledger's signing key and the adviser's, as in `testdata/notes.json`.
const LOG_KEY: (&str, [u8; 32]) = ("northshire.gov.uk/wsoa", [0x11; 32]);
const ADVISER_KEY: (&str, [u8; 32]) = ("adviser.example/witness", [0x22; 32]);
const STRANGER_KEY: (&str, [u8; 32]) = ("stranger.example/log", [0x33; 32]);

fn signer(key: (&str, [u8; 32])) -> Signer {
    Signer::generate(key.0, key.1).expect("a valid key name")
}

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
             purpose, run `cargo test -p wsoa-store --test store -- --ignored write_testdata` \
             and review the diff"
        );
    }
}

fn hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

fn unhex(text: &str) -> Vec<u8> {
    hex::decode(text).unwrap_or_else(|err| panic!("'{text}' is not hex: {err}"))
}

fn text(value: &Value) -> &str {
    value.as_str().expect("a string")
}

fn digest(value: &Value) -> Digest {
    text(value).parse().expect("64 hex digits")
}

/// The variant name of an error, from its `Debug` form.
fn variant(error: &impl std::fmt::Debug) -> String {
    format!("{error:?}")
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect()
}

/// One record of a bundle or an excerpt: its tag and payload.
type Record = (u8, Vec<u8>);

/// Splits a file into its magic line and its records, the end record excluded.
fn records(bytes: &[u8], magic: &[u8]) -> Vec<Record> {
    assert!(bytes.starts_with(magic));
    let mut at = magic.len();
    let mut out = Vec::new();
    loop {
        let tag = bytes[at];
        let length =
            u64::from_be_bytes(bytes[at + 1..at + 9].try_into().expect("8 bytes")) as usize;
        let payload = bytes[at + 9..at + 9 + length].to_vec();
        at += 9 + length;
        if tag == 0 {
            assert_eq!(at, bytes.len(), "the end record is last");
            return out;
        }
        out.push((tag, payload));
    }
}

/// A file from its magic line and records, ending in an end record whose hash is right: so that
/// a damaged record is caught by the check that is about it, not by the end hash.
fn assemble(magic: &[u8], records: &[Record]) -> Vec<u8> {
    let mut bytes = magic.to_vec();
    for (tag, payload) in records {
        bytes.push(*tag);
        bytes.extend_from_slice(&(payload.len() as u64).to_be_bytes());
        bytes.extend_from_slice(payload);
    }
    let end = blake3::hash(&bytes);
    bytes.push(0);
    bytes.extend_from_slice(&32u64.to_be_bytes());
    bytes.extend_from_slice(end.as_bytes());
    bytes
}

// ---------------------------------------------------------------------------------------------
// Origins
// ---------------------------------------------------------------------------------------------

const AREAS: [&str; 12] = [
    "Northshire local area",
    "  St. Helens & Knowsley  ",
    "Bath and North East Somerset (BANES)",
    "Ynys Môn",
    "Area--51 -- SEND",
    "Ceredigion \u{2665}",
    "Môô",
    "---",
    "東京",
    "",
    "ÉLANCOURT",
    "west_sussex.gov.uk",
];

/// A bundle holding only `event` as event 0: enough for `bundle_origin`, which reads no further.
fn first_record(bytes: &[u8]) -> Vec<u8> {
    let mut bundle = BUNDLE_MAGIC.to_vec();
    bundle.push(1);
    bundle.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
    bundle.extend_from_slice(bytes);
    bundle
}

/// Event 0 with this body, recorded as event 0 of the worked example in docs/FORMAT.md section
/// 10 was; with that example's area and partners it is that very event.
fn genesis(body: EventBody) -> Event {
    Event {
        format: 1,
        seq: 0,
        prev: Digest::ZERO,
        recorded_at: 1_709_543_700_000,
        occurred_on: date("2024-03-04"),
        actor: Actor {
            name: "s.hughes".to_owned(),
            role: Role::Admin,
        },
        body,
    }
}

fn origins_file() -> Value {
    let mut vectors: Vec<Value> = AREAS
        .iter()
        .map(|area| {
            let event = genesis(EventBody::LedgerOpened(LedgerOpened {
                area: (*area).to_owned(),
                partners: vec![
                    "Northshire County Council".to_owned(),
                    "NHS Northshire ICB".to_owned(),
                ],
            }));
            let bytes = encode_event(&event);
            json!({
                "description": format!("event 0 opens the ledger of the area {area:?}"),
                "area": area,
                "event": hex(&bytes),
                "chain_hash": chain_hash(&bytes).to_hex(),
                "origin": bundle_origin(Cursor::new(first_record(&bytes))).expect("an origin"),
            })
        })
        .collect();
    let event = genesis(EventBody::WeaknessRecorded(WeaknessRecorded {
        id: weakness_id("W1"),
        title: "Timeliness of EHC plans".to_owned(),
        finding: None,
    }));
    let bytes = encode_event(&event);
    vectors.push(json!({
        "description": "event 0 is not a LedgerOpened (never so in a ledger the project writes): the slug is `ledger`",
        "area": null,
        "event": hex(&bytes),
        "chain_hash": chain_hash(&bytes).to_hex(),
        "origin": bundle_origin(Cursor::new(first_record(&bytes))).expect("an origin"),
    }));
    json!({
        "description": "The checkpoint origin of a ledger (docs/FORMAT.md section 14, \"The origin of a ledger\"): wsoa/<slug of the area of event 0>/<first 16 hex digits of event 0's chain hash>. Each vector gives event 0's canonical bytes, its chain hash and the origin the project's code derives from them.",
        "origins": vectors,
    })
}

#[test]
fn every_origin_vector_is_the_origin_the_store_derives() {
    let file = read("origins.json");
    let vectors = file["origins"].as_array().expect("origins");
    assert!(
        vectors
            .iter()
            .any(|v| text(&v["origin"]).contains("/ledger/"))
    );
    for vector in vectors {
        let bytes = unhex(text(&vector["event"]));
        let event = decode_event(&bytes).expect("an event");
        let hash = chain_hash(&bytes);
        assert_eq!(digest(&vector["chain_hash"]), hash);
        match (&event.body, vector["area"].as_str()) {
            (EventBody::LedgerOpened(opened), Some(area)) => assert_eq!(opened.area, area),
            (EventBody::LedgerOpened(_), None) => panic!("an area is given for LedgerOpened"),
            (_, area) => assert!(area.is_none()),
        }
        let origin = text(&vector["origin"]);
        assert!(origin.is_ascii(), "{origin}");
        assert!(origin.ends_with(&format!("/{}", &hash.to_hex()[..16])));
        assert_eq!(
            bundle_origin(Cursor::new(first_record(&bytes))).expect("an origin"),
            origin,
            "{}",
            text(&vector["description"])
        );
    }
}

// ---------------------------------------------------------------------------------------------
// A small ledger, its bundle and an excerpt
// ---------------------------------------------------------------------------------------------

const MINUTES: &[u8] =
    b"SEND Improvement Board, 12 March 2024\nItem 3: a QA officer starts on 1 April\n";
const REDACTED: &[u8] = b"Case study: a named child (content purged at the family's request)\n";

fn context(occurred: &str, recorded: &str) -> wsoa_store::Context {
    wsoa_store::Context {
        actor: Actor {
            name: "r.patel".to_owned(),
            role: Role::Officer,
        },
        occurred_on: date(occurred),
        recorded_at: noon(recorded),
    }
}

fn text_attachment(id: &str, file_name: &str, title: &str, supports: &[&str]) -> AttachEvidence {
    let mut command = attachment(Some(id), file_name, title, EvidenceKind::Minutes, supports);
    command.media_type = "text/plain".to_owned();
    command
}

/// A ledger of 9 events with two pieces of evidence, one redacted, and a checkpoint of all of
/// it signed by the ledger's key and cosigned by the adviser, kept beside it.
fn small_ledger() -> (Fixture, String) {
    let mut f = Fixture::empty();
    f.execute(
        Command::OpenLedger(LedgerOpened {
            area: "Northshire local area".to_owned(),
            partners: vec!["Northshire County Council".to_owned()],
        }),
        context("2024-03-04", "2024-03-04"),
    );
    f.execute(
        Command::RecordWeakness(WeaknessRecorded {
            id: weakness_id("W1"),
            title: "Quality assurance of EHC plans".to_owned(),
            finding: None,
        }),
        context("2024-02-16", "2024-03-04"),
    );
    f.execute(
        Command::CreateWorkstream(WorkstreamCreated {
            id: workstream_id("WS1"),
            title: "Quality assurance".to_owned(),
            sponsor: "Director of Children's Services".to_owned(),
            weaknesses: vec![weakness_id("W1")],
        }),
        context("2024-03-05", "2024-03-05"),
    );
    f.execute(
        Command::CreateAction(ActionCreated {
            id: action_id("1.1"),
            workstream: workstream_id("WS1"),
            title: "Appoint a SEND quality assurance officer".to_owned(),
            owner: "Head of SEND".to_owned(),
            due: date("2024-06-30"),
            success: vec!["A QA officer is in post".to_owned()],
        }),
        context("2024-03-05", "2024-03-05"),
    );
    f.attach(
        MINUTES.to_vec(),
        text_attachment(
            "E1",
            "minutes.txt",
            "Board minutes, 12 March",
            &["action:1.1"],
        ),
        context("2024-03-12", "2024-03-13"),
    );
    f.attach(
        REDACTED.to_vec(),
        text_attachment("E2", "case-study.txt", "A case study", &["W1"]),
        context("2024-03-14", "2024-03-14"),
    );
    f.execute(
        Command::ChangeActionStatus(ActionStatusChanged {
            id: action_id("1.1"),
            status: Status::Complete,
            rag: Some(Rag::Green),
            note: Some("The QA officer started on 1 April".to_owned()),
        }),
        context("2024-04-01", "2024-04-02"),
    );
    f.ledger
        .redact_evidence(
            EvidenceRedacted {
                id: evidence_id("E2"),
                reason: "It named a child; purged at the family's request".to_owned(),
            },
            &context("2024-04-03", "2024-04-03"),
        )
        .expect("redacted");
    let size = f.len();
    let root = f.ledger.merkle_root(size).expect("a root");
    let text = Checkpoint::new(f.ledger.origin().expect("an origin"), size, root)
        .to_text()
        .expect("a checkpoint");
    let mut note = Note::sign(&text, &signer(LOG_KEY)).expect("signed");
    note.cosign(&signer(ADVISER_KEY)).expect("cosigned");
    let note = note.to_string();
    f.ledger.keep_checkpoint(size, &note).expect("kept");
    (f, note)
}

fn bundle_vector(description: &str, bytes: &[u8], pins: &[(u64, Digest)]) -> Value {
    let mut vector = json!({
        "description": description,
        "bundle": hex(bytes),
        "pins": pins.iter().map(|(size, root)| json!({ "size": size, "root": root.to_hex() })).collect::<Vec<_>>(),
    });
    match verify_bundle(Cursor::new(bytes), pins) {
        Ok(report) => {
            vector["valid"] = json!(true);
            vector["report"] = json!({
                "events": report.events,
                "head": report.head.to_hex(),
                "root": report.root.to_hex(),
                "evidence_checked": report.evidence_checked,
                "evidence_redacted": report.evidence_redacted,
            });
        }
        Err(error) => {
            vector["valid"] = json!(false);
            vector["seq"] = json!(error.seq);
            vector["error"] = json!(variant(&error.failure));
            vector["message"] = json!(error.to_string());
        }
    }
    vector
}

fn bundle_file() -> Value {
    let (f, _) = small_ledger();
    let mut bytes = Vec::new();
    let export = f.ledger.export(&mut bytes).expect("exported");
    let pin = (export.events, export.root);
    let good = records(&bytes, BUNDLE_MAGIC);
    let index_of = |tag: u8, nth: usize| -> usize {
        good.iter()
            .enumerate()
            .filter(|(_, (t, _))| *t == tag)
            .nth(nth)
            .expect("a record")
            .0
    };
    let edited = |edit: &dyn Fn(&mut Vec<Record>)| -> Vec<u8> {
        let mut changed = good.clone();
        edit(&mut changed);
        assemble(BUNDLE_MAGIC, &changed)
    };
    let mut end_flipped = bytes.clone();
    *end_flipped.last_mut().expect("bytes") ^= 0x01;
    let mut magic = bytes.clone();
    magic[12] = b'2';
    let vectors = vec![
        bundle_vector(
            "the whole ledger: 8 events, the content of E1 (E2's was redacted, so it has no record), and the kept cosigned checkpoint",
            &bytes,
            &[],
        ),
        bundle_vector(
            "the same bundle checked against a trusted checkpoint's size and root (a pin)",
            &bytes,
            &[pin],
        ),
        bundle_vector(
            "a pin of the first 5 events with their root",
            &bytes,
            &[(5, f.ledger.merkle_root(5).expect("a root"))],
        ),
        bundle_vector("the last bit of the end hash flipped", &end_flipped, &[]),
        bundle_vector(
            "cut short: the end record removed",
            &bytes[..bytes.len() - 41],
            &[],
        ),
        bundle_vector(
            "a byte after the end record",
            &[bytes.clone(), vec![0]].concat(),
            &[],
        ),
        bundle_vector("the magic line says WSOA-BUNDLE 2", &magic, &[]),
        bundle_vector(
            "a pin whose root is not this history's",
            &bytes,
            &[(pin.0, Digest([7; 32]))],
        ),
        bundle_vector(
            "a record of unknown type 9 before the end (the end hash recomputed)",
            &edited(&|r| r.push((9, vec![1, 2, 3]))),
            &[],
        ),
        bundle_vector(
            "a content record of 31 bytes, too short for its hash (the end hash recomputed)",
            &edited(&|r| r.insert(1, (2, vec![0; 31]))),
            &[],
        ),
        bundle_vector(
            "one letter of event 1's title changed (the end hash recomputed): event 2 no longer links to it",
            &edited(&|r| {
                let event = &mut r[index_of(1, 1)].1;
                let at = event
                    .windows(7)
                    .position(|w| w == b"Quality")
                    .expect("the title");
                event[at] = b'q';
            }),
            &[],
        ),
        bundle_vector(
            "event 3's record removed (the end hash recomputed): the next record says it is event 4",
            &edited(&|r| {
                r.remove(index_of(1, 3));
            }),
            &[],
        ),
        bundle_vector(
            "one byte of E1's content changed (the end hash recomputed)",
            &edited(&|r| {
                let content = &mut r[index_of(2, 0)].1;
                content[40] ^= 0x20;
            }),
            &[],
        ),
        bundle_vector(
            "E1's content record removed (the end hash recomputed): content that was never redacted is missing",
            &edited(&|r| {
                r.remove(index_of(2, 0));
            }),
            &[],
        ),
        bundle_vector(
            "an event's canonical bytes with a trailing byte (the end hash recomputed)",
            &edited(&|r| r[index_of(1, 2)].1.push(0)),
            &[],
        ),
    ];
    json!({
        "description": "A small bundle (docs/FORMAT.md section 15) of a ledger of 8 events with two pieces of evidence, one redacted, and a cosigned checkpoint; then damaged copies. `bundle` is the whole file in hex; `pins` are (tree size, root) pairs of trusted checkpoints that the verifier checks the recomputed root against. A valid bundle gives the report of the walk; an invalid one gives the first failure: `error` is the reference verifier's kind of failure, `seq` the event where it was found (null when the failure is not in an event) and `message` its words. Where a vector says \"the end hash recomputed\", the damaged file's end record was rewritten to match, so the check that is about the damage is the one that fails.",
        "trusted": [signer(LOG_KEY).verifier().to_string(), signer(ADVISER_KEY).verifier().to_string()],
        "bundles": vectors,
    })
}

#[test]
fn every_bundle_vector_verifies_or_fails_as_the_file_says() {
    let file = read("bundle.json");
    let vectors = file["bundles"].as_array().expect("bundles");
    for vector in vectors {
        let what = text(&vector["description"]);
        let bytes = unhex(text(&vector["bundle"]));
        let pins: Vec<(u64, Digest)> = vector["pins"]
            .as_array()
            .expect("pins")
            .iter()
            .map(|pin| (pin["size"].as_u64().expect("a size"), digest(&pin["root"])))
            .collect();
        match verify_bundle(Cursor::new(&bytes), &pins) {
            Ok(report) => {
                assert_eq!(vector["valid"], json!(true), "{what}");
                let expected = &vector["report"];
                assert_eq!(expected["events"], json!(report.events), "{what}");
                assert_eq!(digest(&expected["head"]), report.head, "{what}");
                assert_eq!(digest(&expected["root"]), report.root, "{what}");
                assert_eq!(expected["evidence_checked"], json!(report.evidence_checked));
                assert_eq!(
                    expected["evidence_redacted"],
                    json!(report.evidence_redacted)
                );
                // The end record is plain BLAKE3 of every byte before it.
                let end = &bytes[bytes.len() - 32..];
                assert_eq!(end, blake3::hash(&bytes[..bytes.len() - 41]).as_bytes());
            }
            Err(error) => {
                assert_eq!(vector["valid"], json!(false), "{what}: {error}");
                assert_eq!(vector["seq"], json!(error.seq), "{what}");
                assert_eq!(text(&vector["error"]), variant(&error.failure), "{what}");
                assert_eq!(text(&vector["message"]), error.to_string(), "{what}");
            }
        }
    }
    assert!(
        vectors
            .iter()
            .filter(|v| v["valid"] == json!(false))
            .count()
            >= 10
    );
    // The carried checkpoint is a signed note of this very history.
    let bundle = unhex(text(&vectors[0]["bundle"]));
    let (_, note) = records(&bundle, BUNDLE_MAGIC)
        .into_iter()
        .find(|(tag, _)| *tag == 3)
        .expect("a checkpoint record");
    let trusted: Vec<Verifier> = file["trusted"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|key| text(key).parse().expect("a verifier key"))
        .collect();
    let note = Note::parse_bytes(&note).expect("a note");
    assert_eq!(note.verify(&trusted).expect("verifies").len(), 2);
    let checkpoint = Checkpoint::parse(note.text()).expect("a checkpoint");
    assert_eq!(
        checkpoint.root,
        digest(&vectors[0]["report"]["root"]),
        "the checkpoint's root is the bundle's"
    );
    assert_eq!(
        checkpoint.origin,
        bundle_origin(Cursor::new(&bundle)).expect("an origin")
    );
}

fn excerpt_vector(description: &str, bytes: &[u8], trusted: &[Verifier]) -> Value {
    let mut vector = json!({
        "description": description,
        "excerpt": hex(bytes),
        "trusted": trusted.iter().map(ToString::to_string).collect::<Vec<_>>(),
    });
    match verify_excerpt(Cursor::new(bytes), trusted) {
        Ok(report) => {
            vector["valid"] = json!(true);
            vector["report"] = json!({
                "origin": report.origin,
                "size": report.size,
                "root": report.root.to_hex(),
                "signers": report.signers,
                "events": report.events,
                "contents": report.contents,
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

fn excerpt_file() -> Value {
    let (f, note) = small_ledger();
    let size = f.len();
    // The events about action 1.1: created, its evidence attached, its status changed.
    let seqs = [3, 4, 6];
    let mut bytes = Vec::new();
    f.ledger
        .export_excerpt(&seqs, size, &note, &mut bytes)
        .expect("exported");
    let log = signer(LOG_KEY).verifier();
    let adviser = signer(ADVISER_KEY).verifier();
    let stranger = signer(STRANGER_KEY).verifier();
    let good = records(&bytes, EXCERPT_MAGIC);
    let index_of = |tag: u8, nth: usize| -> usize {
        good.iter()
            .enumerate()
            .filter(|(_, (t, _))| *t == tag)
            .nth(nth)
            .expect("a record")
            .0
    };
    let edited = |edit: &dyn Fn(&mut Vec<Record>)| -> Vec<u8> {
        let mut changed = good.clone();
        edit(&mut changed);
        assemble(EXCERPT_MAGIC, &changed)
    };
    let mut end_flipped = bytes.clone();
    *end_flipped.last_mut().expect("bytes") ^= 0x01;
    let vectors = vec![
        excerpt_vector(
            "the events about action 1.1 (3, 4 and 6), each with its inclusion proof against the cosigned checkpoint of all 8 events, and the content of E1, which event 4 attaches; both signers trusted",
            &bytes,
            &[log.clone(), adviser.clone()],
        ),
        excerpt_vector(
            "the same excerpt with no trusted key: the proofs are checked against the carried checkpoint, and no signer is reported",
            &bytes,
            &[],
        ),
        excerpt_vector(
            "the same excerpt trusting only a key that did not sign it",
            &bytes,
            &[stranger],
        ),
        excerpt_vector("the last bit of the end hash flipped", &end_flipped, &[]),
        excerpt_vector(
            "cut short: the end record removed",
            &bytes[..bytes.len() - 41],
            &[],
        ),
        excerpt_vector(
            "a byte after the end record",
            &[bytes.clone(), vec![0]].concat(),
            &[],
        ),
        excerpt_vector(
            "a proof hash of event 6 flipped (the end hash recomputed)",
            &edited(&|r| {
                let record = &mut r[index_of(4, 2)].1;
                record[9] ^= 0x01;
            }),
            &[],
        ),
        excerpt_vector(
            "event 3's leaf index changed to 2 (the end hash recomputed)",
            &edited(&|r| {
                let record = &mut r[index_of(4, 0)].1;
                record[7] = 2;
            }),
            &[],
        ),
        excerpt_vector(
            "events 4 and 6 in the wrong order (the end hash recomputed)",
            &edited(&|r| {
                let (a, b) = (index_of(4, 1), index_of(4, 2));
                r.swap(a, b);
            }),
            &[],
        ),
        excerpt_vector(
            "one byte of E1's content changed (the end hash recomputed)",
            &edited(&|r| {
                let content = &mut r[index_of(2, 0)].1;
                content[40] ^= 0x20;
            }),
            &[],
        ),
        excerpt_vector(
            "the checkpoint record removed (the end hash recomputed)",
            &edited(&|r| {
                r.remove(index_of(3, 0));
            }),
            &[],
        ),
        excerpt_vector(
            "the checkpoint's tree size changed from 8 to 9 after signing (the end hash recomputed), trusting the ledger's key",
            &edited(&|r| {
                let note = &mut r[index_of(3, 0)].1;
                let at = note
                    .windows(3)
                    .position(|w| w == b"\n8\n")
                    .expect("the size line");
                note[at + 1] = b'9';
            }),
            std::slice::from_ref(&log),
        ),
        excerpt_vector(
            "a record of unknown type 9 (the end hash recomputed)",
            &edited(&|r| r.push((9, vec![1]))),
            &[],
        ),
    ];
    json!({
        "description": "An excerpt (docs/FORMAT.md section 16) of the ledger of bundle.json: the events about one action, each with its RFC 6962 inclusion proof against the cosigned checkpoint carried first in the file; then damaged copies. `excerpt` is the whole file in hex, `trusted` the verifier keys whose signatures are checked (none: only the proofs and hashes are checked). A valid excerpt gives what it proves; an invalid one gives the reference verifier's error. Where a vector says \"the end hash recomputed\", the damaged file's end record was rewritten to match.",
        "excerpts": vectors,
    })
}

#[test]
fn every_excerpt_vector_verifies_or_fails_as_the_file_says() {
    let file = read("excerpt.json");
    let vectors = file["excerpts"].as_array().expect("excerpts");
    for vector in vectors {
        let what = text(&vector["description"]);
        let bytes = unhex(text(&vector["excerpt"]));
        let trusted: Vec<Verifier> = vector["trusted"]
            .as_array()
            .expect("keys")
            .iter()
            .map(|key| text(key).parse().expect("a verifier key"))
            .collect();
        match verify_excerpt(Cursor::new(&bytes), &trusted) {
            Ok(report) => {
                assert_eq!(vector["valid"], json!(true), "{what}");
                let expected = &vector["report"];
                assert_eq!(text(&expected["origin"]), report.origin, "{what}");
                assert_eq!(expected["size"], json!(report.size), "{what}");
                assert_eq!(digest(&expected["root"]), report.root, "{what}");
                assert_eq!(expected["signers"], json!(report.signers), "{what}");
                assert_eq!(expected["events"], json!(report.events), "{what}");
                assert_eq!(expected["contents"], json!(report.contents), "{what}");
                let end = &bytes[bytes.len() - 32..];
                assert_eq!(end, blake3::hash(&bytes[..bytes.len() - 41]).as_bytes());
            }
            Err(error) => {
                assert_eq!(vector["valid"], json!(false), "{what}: {error}");
                assert_eq!(text(&vector["error"]), variant(&error), "{what}");
                assert_eq!(text(&vector["message"]), error.to_string(), "{what}");
            }
        }
    }
    assert!(
        vectors
            .iter()
            .filter(|v| v["valid"] == json!(false))
            .count()
            >= 10
    );
}
