//! Golden vectors for the canonical bytes documented in docs/FORMAT.md: the worked example, one
//! event per `EventBody` variant, the enum tags, the hashes, and the byte strings that decoding
//! must refuse.

use wsoa_core::event::{
    ActionAmended, ActionCreated, ActionStatusChanged, Assessment, CorrectionRecorded, Direction,
    EvidenceAttached, EvidenceKind, EvidenceRedacted, InspectionRecorded, LedgerOpened,
    MeasureDefined, MeasureRecorded, MonitoringVisitRecorded, NoteAdded, Outcome, PlanAccepted,
    PlanRevised, PlanSubmitted, Progress, ProgressReviewed, Rag, Rating, RevisitOutcomeRecorded,
    RevisitScheduled, RiskClosed, RiskLevel, RiskRaised, RiskUpdated, Status, WeaknessRecorded,
    WorkstreamAmended, WorkstreamCreated,
};
use wsoa_core::{
    ActionId, Actor, Date, Decimal, DecodeError, Digest, Event, EventBody, EvidenceId, MeasureId,
    RiskId, Role, Subject, WeaknessId, WorkstreamId,
};

// The functions under test.
use wsoa_core::{chain_hash, content_hash, decode_event, encode_event};

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

/// Builds a chained ledger: event n has `seq` n and `prev` the chain hash of event n - 1.
fn chain(entries: Vec<(i64, &str, Actor, EventBody)>) -> Vec<Event> {
    let mut events: Vec<Event> = Vec::new();
    for (seq, (recorded_at, occurred_on, actor, body)) in entries.into_iter().enumerate() {
        let prev = events
            .last()
            .map_or(Digest::ZERO, |last| chain_hash(&encode_event(last)));
        events.push(Event {
            format: 1,
            seq: seq as u64,
            prev,
            recorded_at,
            occurred_on: date(occurred_on),
            actor,
            body,
        });
    }
    events
}

/// The three events of the worked example in docs/FORMAT.md.
fn worked_example() -> Vec<Event> {
    chain(vec![
        (
            1_709_543_700_000,
            "2024-03-04",
            actor("s.hughes", Role::Admin),
            EventBody::LedgerOpened(LedgerOpened {
                area: "Northshire local area".to_owned(),
                partners: texts(&["Northshire County Council", "NHS Northshire ICB"]),
            }),
        ),
        (
            1_709_544_090_000,
            "2024-02-16",
            actor("r.patel", Role::Officer),
            EventBody::WeaknessRecorded(WeaknessRecorded {
                id: w("W1"),
                title: "Timeliness of EHC plans".to_owned(),
                finding: Some("Too many EHC plans are issued after the 20-week limit.".to_owned()),
            }),
        ),
        (
            1_715_868_131_000,
            "2024-05-09",
            actor("j.okafor", Role::Officer),
            EventBody::ActionStatusChanged(ActionStatusChanged {
                id: a("1.1"),
                status: Status::InProgress,
                rag: Some(Rag::Amber),
                note: None,
            }),
        ),
    ])
}

/// The content of the evidence file attached by event 8 of `every_variant`.
const EVIDENCE_CONTENT: &[u8] =
    b"SEND Improvement Board, 12 February 2024\nItem 4: educational psychologist recruitment\n";

/// One realistic ledger holding every `EventBody` variant once, in the order a local area
/// would record them.
fn every_variant() -> Vec<Event> {
    let officer = || actor("r.patel", Role::Officer);
    chain(vec![
        (
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
            1_702_033_200_000,
            "2023-12-08",
            officer(),
            EventBody::PlanSubmitted(PlanSubmitted {
                version: 1,
                summary: Some("Written statement of action submitted to Ofsted and CQC".to_owned()),
            }),
        ),
        (
            1_705_913_100_000,
            "2024-01-19",
            officer(),
            EventBody::PlanAccepted(PlanAccepted {
                version: 1,
                summary: Some("Ofsted and CQC found the statement fit for purpose".to_owned()),
            }),
        ),
        (
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
            1_721_646_660_000,
            "2024-07-22",
            actor("s.hughes", Role::Admin),
            EventBody::EvidenceRedacted(EvidenceRedacted {
                id: e("E1"),
                reason: "The minutes named a child; purged at the family's request".to_owned(),
            }),
        ),
        (
            1_722_261_600_000,
            "2024-07-29",
            officer(),
            EventBody::CorrectionRecorded(CorrectionRecorded {
                seq: 10,
                reason: "The March 2024 value of M1 was 36.2, not 38.2".to_owned(),
            }),
        ),
        (
            1_727_773_200_000,
            "2024-09-30",
            officer(),
            EventBody::RiskClosed(RiskClosed {
                id: r("R1"),
                reason: "All educational psychologist posts filled".to_owned(),
            }),
        ),
        (
            1_728_921_600_000,
            "2024-10-14",
            officer(),
            EventBody::PlanRevised(PlanRevised {
                version: 2,
                summary: "Actions re-phased after the monitoring visit".to_owned(),
            }),
        ),
        (
            1_740_994_200_000,
            "2025-03-03",
            officer(),
            EventBody::RevisitScheduled(RevisitScheduled {
                from: date("2025-09-01"),
                to: date("2025-12-19"),
            }),
        ),
        (
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
    ])
}

// ---------------------------------------------------------------------------------------------
// The documented vectors. Changing any of these is a change of format: see docs/FORMAT.md,
// "Compatibility".
// ---------------------------------------------------------------------------------------------

/// The BLAKE3 content hash of `EVIDENCE_CONTENT`.
const EVIDENCE_HASH: &str = "3b283154e51eb64c8345afba509ab9550d387f85a283b1d96242894b8cbe657f";

/// The EventBody tags of docs/FORMAT.md, by `EventBody::kind`.
const BODY_TAGS: [(&str, u8); 24] = [
    ("ledger_opened", 0),
    ("inspection_recorded", 1),
    ("weakness_recorded", 2),
    ("plan_submitted", 3),
    ("plan_accepted", 4),
    ("plan_revised", 5),
    ("workstream_created", 6),
    ("workstream_amended", 7),
    ("action_created", 8),
    ("action_amended", 9),
    ("action_status_changed", 10),
    ("evidence_attached", 11),
    ("evidence_redacted", 12),
    ("measure_defined", 13),
    ("measure_recorded", 14),
    ("monitoring_visit_recorded", 15),
    ("progress_reviewed", 16),
    ("risk_raised", 17),
    ("risk_updated", 18),
    ("risk_closed", 19),
    ("revisit_scheduled", 20),
    ("revisit_outcome_recorded", 21),
    ("note_added", 22),
    ("correction_recorded", 23),
];

/// The canonical bytes of `worked_example()`, as in docs/FORMAT.md.
const WORKED_BYTES: [&str; 3] = [
    // seq 0: ledger_opened
    concat!(
        "0100000000000000000000000000000000000000000000000000000000000000",
        "0000fd406c7d111c030000fbe807030408732e6875676865730300154e6f7274",
        "687368697265206c6f63616c206172656102194e6f727468736869726520436f",
        "756e747920436f756e63696c124e4853204e6f727468736869726520494342",
    ),
    // seq 1: weakness_recorded
    concat!(
        "01010c69ee311f1fbadad819b09c757ae870038ed4fc2a2ede0a17733fa52899",
        "198ffd205389111c030000fbe807021007722e706174656c0202025731175469",
        "6d656c696e657373206f662045484320706c616e730136546f6f206d616e7920",
        "45484320706c616e732061726520697373756564206166746572207468652032",
        "302d7765656b206c696d69742e",
    ),
    // seq 2: action_status_changed
    concat!(
        "0102ff51269cd307984c68b40fd87a6fd9520423318652f06ac0aaa197449a99",
        "aa9dfd70bd6b031f030000fbe8070509086a2e6f6b61666f72020a03312e3101",
        "010100",
    ),
];

/// The chain hashes of `worked_example()`.
const WORKED_CHAIN: [&str; 3] = [
    "0c69ee311f1fbadad819b09c757ae870038ed4fc2a2ede0a17733fa52899198f",
    "ff51269cd307984c68b40fd87a6fd9520423318652f06ac0aaa197449a99aa9d",
    "e3dbbad7ebd39b2c0adeeb8689dd0c8cb507b1bcac7d5a3a6f8e0545f5274ee8",
];

/// The canonical bytes of `every_variant()`.
const VARIANT_BYTES: [&str; 24] = [
    // seq 0: ledger_opened
    concat!(
        "0100000000000000000000000000000000000000000000000000000000000000",
        "0000fd005a58d817030000fbe7070b1408732e6875676865730300154e6f7274",
        "687368697265206c6f63616c206172656102194e6f727468736869726520436f",
        "756e747920436f756e63696c244e4853204e6f727468736869726520496e7465",
        "677261746564204361726520426f617264",
    ),
    // seq 1: inspection_recorded
    concat!(
        "01016e6376ef4da7169452c4b6f1c5d4ebb3b7c60d23d4d4e591ee0f1f880e24",
        "d72cfdc08161d817030000fbe7070a1b07722e706174656c020102064f667374",
        "656403435143fbe707090bfbe707090ffbe7070a1b",
    ),
    // seq 2: weakness_recorded
    concat!(
        "0102eb7546721398afdbe9b6c2455cd82795786334fc05f030308f852f47063e",
        "9e5dfd808b6fd817030000fbe7070a1b07722e706174656c0202025731235469",
        "6d656c696e65737320616e64207175616c697479206f662045484320706c616e",
        "73016f546f6f206d616e79206368696c6472656e20616e6420796f756e672070",
        "656f706c65207761697420746f6f206c6f6e6720666f72207468656972204548",
        "4320706c616e732c20616e6420746865207175616c697479206f6620706c616e",
        "7320697320746f6f207661726961626c652e",
    ),
    // seq 3: workstream_created
    concat!(
        "0103cc128ed626057e2090a6999832c26a5ace69135f09585ba2d4b009763e13",
        "3c07fd8036882d18030000fbe7070b1c07722e706174656c0206035753311841",
        "73736573736d656e7420616e642045484320706c616e73154469726563746f72",
        "206f6620456475636174696f6e01025731",
    ),
    // seq 4: action_created
    concat!(
        "010414caaeeb4bc01438110983105da4c52aa0206fa52c80b6ae01995c18bc1b",
        "55f9fdd0819c2d18030000fbe7070b1c07722e706174656c020803312e310357",
        "5331415265637275697420656475636174696f6e616c2070737963686f6c6f67",
        "6973747320746f20636c65617220746865206173736573736d656e7420626163",
        "6b6c6f671748656164206f662053454e44204173736573736d656e74fbe80703",
        "1f01314550206164766963652072657475726e65642077697468696e20362077",
        "65656b7320696e20393025206f66206361736573",
    ),
    // seq 5: measure_defined
    concat!(
        "0105861fc4823f99a9c54bb715cbb4f25e848a745610cc64cdef586ececf2766",
        "2f66fd4073a23418030000fbe7070b1c07722e706174656c020d024d31244e65",
        "772045484320706c616e73206973737565642077697468696e20323020776565",
        "6b7301250433312e35fbe707081f023630fbe8070c1f0001025731",
    ),
    // seq 6: plan_submitted
    concat!(
        "0106f4c504967a8e0e9bac294f348c1cc9507d17ecd3f72575746840b63591c9",
        "e093fd00272b9218030000fbe7070c0807722e706174656c0203010137577269",
        "7474656e2073746174656d656e74206f6620616374696f6e207375626d697474",
        "656420746f204f667374656420616e6420435143",
    ),
    // seq 7: plan_accepted
    concat!(
        "01077c3ef00a5c35cc9db0bbb9221c5cb9bb8f5ea8fc0210f074ecdcac9cbeb0",
        "45dffdc04db0601a030000fbe807011307722e706174656c02040101324f6673",
        "74656420616e642043514320666f756e64207468652073746174656d656e7420",
        "66697420666f7220707572706f7365",
    ),
    // seq 8: evidence_attached
    concat!(
        "010896b8c60fd103f7836bc662296d67474f0185ee1da3774781e5b6b2fbe60a",
        "8b1efd0011f6431b030000fbe807020c07722e706174656c020b0245313b2831",
        "54e51eb64c8345afba509ab9550d387f85a283b1d96242894b8cbe657f1c626f",
        "6172642d6d696e757465732d323032342d30322d31322e7478740a746578742f",
        "706c61696e5629496d70726f76656d656e7420626f617264206d696e75746573",
        "3a20455020726563727569746d656e7401020203312e3100025731",
    ),
    // seq 9: action_status_changed
    concat!(
        "010934395a0250d0f3c08d39637b0ad3f5392225b2ab2d7b369f7eeb6ad180e5",
        "40e6fde0a4fa431b030000fbe807020c07722e706174656c020a03312e310101",
        "0201335468726565206f6620666f757220656475636174696f6e616c20707379",
        "63686f6c6f6769737420706f7374732066696c6c6564",
    ),
    // seq 10: measure_recorded
    concat!(
        "010ae4e31ab305a5a47470dda4e2ec4332fd1c1413ee86eebb4ba8b75746439b",
        "8081fd4008b27b1d030000fbe807031f07722e706174656c020e024d31043338",
        "2e32011a45484320687562207265706f72742c204d617263682032303234",
    ),
    // seq 11: risk_raised
    concat!(
        "010b04a4edc5560a6da54fe0538104bdf0c847ffccd28d1f6dfce51c522cefb6",
        "f262fd00bb0b911d030000fbe807040a07722e706174656c0211025231224564",
        "75636174696f6e616c2070737963686f6c6f6769737420766163616e63696573",
        "0201010357533101234167656e637920636f7665722061677265656420756e74",
        "696c204a756e652032303234",
    ),
    // seq 12: progress_reviewed
    concat!(
        "010cea0e76a0f73596e3b1a4c57969d9071945745fc31d40701948897b8e016e",
        "0c3bfd80cb7bcc1d030000fbe807040f07722e706174656c02101653454e4420",
        "496d70726f76656d656e7420426f61726401035753310101284261636b6c6f67",
        "2066616c6c696e67206d6f726520736c6f776c79207468616e20706c616e6e65",
        "64",
    ),
    // seq 13: monitoring_visit_recorded
    concat!(
        "010da0d4521ffb5a4ea4a380697ffaea49d30494c80ec90d1f73ce8d52a32140",
        "c82ffd00e4be2b1f030000fbe807050e07722e706174656c020f1c4466452061",
        "6e64204e485320456e676c616e64206164766973657273012b4c656164657273",
        "20756e6465727374616e6420746865207363616c65206f662074686520626163",
        "6b6c6f67012d5374726f6e6720656e676167656d656e74207769746820746865",
        "20506172656e7420436172657220466f72756d0123416e6e75616c2072657669",
        "65777320617265207374696c6c206f6674656e206c6174650123536574206120",
        "7472616a6563746f727920666f7220616e6e75616c2072657669657773",
    ),
    // seq 14: action_amended
    concat!(
        "010eae51a29c02173ebee3919467c98648103eb5010a43f4fd13981f9ac051e2",
        "c6a2fd0022082c1f030000fbe807051407722e706174656c020903312e310001",
        "225072696e636970616c20456475636174696f6e616c2050737963686f6c6f67",
        "69737401fbe807061e38526563727569746d656e7420726f756e642065787465",
        "6e6465642061667465722074776f2063616e6469646174657320776974686472",
        "6577",
    ),
    // seq 15: workstream_amended
    concat!(
        "010ff84d4efa22367405de2514d4f7f849c5d477d9773021212eeee6d0b52e4d",
        "208efd808927bb1f030000fbe807060307722e706174656c0207035753310128",
        "4173736573736d656e742c2045484320706c616e7320616e6420616e6e75616c",
        "20726576696577730001010257312f416e6e75616c2072657669657773206164",
        "64656420616674657220746865206d6f6e69746f72696e67207669736974",
    ),
    // seq 16: risk_updated
    concat!(
        "0110c9c7cf120147ea2776ed1549824f5f2bcaaf18fbdc00034c7cd4241c30b1",
        "1648fd40fd1c5520030000fbe807061107722e706174656c0212025231010100",
        "011f54776f207065726d616e656e74206170706f696e746d656e7473206d6164",
        "65",
    ),
    // seq 17: note_added
    concat!(
        "01111a27f54e253c36b7368a01b005677639531c1bbc6be32050328e72a502e5",
        "fd7ffd00e4d10721030000fbe8070704076c2e6d6f6f726502160203312e3137",
        "506172656e747320746f6c642075732045502061647669636520697320636c65",
        "6172657220616e64206172726976657320736f6f6e6572011d4e6f7274687368",
        "69726520506172656e7420436172657220466f72756d",
    ),
    // seq 18: evidence_redacted
    concat!(
        "0112b466132383603a4bd085a3ea80644cf43b4818937283fcdee9034e01bbd0",
        "c157fd407346b421030000fbe807071608732e687567686573030c0245313954",
        "6865206d696e75746573206e616d65642061206368696c643b20707572676564",
        "206174207468652066616d696c7927732072657175657374",
    ),
    // seq 19: correction_recorded
    concat!(
        "0113c0c95da797f6fc67e12b8c5b42fe88d9d63051e107162bff2000ed19629b",
        "6915fd00ee94fd21030000fbe807071d07722e706174656c02170a2d54686520",
        "4d6172636820323032342076616c7565206f66204d31207761732033362e322c",
        "206e6f742033382e32",
    ),
    // seq 20: risk_closed
    concat!(
        "01148cb6348dea550d134da331e1cb908cbd46e1c84e230f675f1fa309275c96",
        "43c3fd009d9d8e24030000fbe807091e07722e706174656c021302523129416c",
        "6c20656475636174696f6e616c2070737963686f6c6f6769737420706f737473",
        "2066696c6c6564",
    ),
    // seq 21: plan_revised
    concat!(
        "0115c10663ac5017ede253bc254fcee3c9a80eb48946e2378210f23d3f74624d",
        "7a67fd0000841725030000fbe8070a0e07722e706174656c0205022c41637469",
        "6f6e732072652d70686173656420616674657220746865206d6f6e69746f7269",
        "6e67207669736974",
    ),
    // seq 22: revisit_scheduled
    concat!(
        "0116853f4dee415fd4337fd623b0c88ce71b76148774bb00f5242cfd72aaa9c5",
        "08b0fd8083aeb62a030000fbe907030307722e706174656c0214fbe9070901fb",
        "e9070c13",
    ),
    // seq 23: revisit_outcome_recorded
    concat!(
        "011717f1a292ceeb5c3592d59929269077dc4ec3964eb6e84d1cd0fae9dfb055",
        "0b8efd00a29c6a35030000fbe9070b1507722e706174656c02150102573100",
    ),
];

/// The chain hashes of `every_variant()`.
const VARIANT_CHAIN: [&str; 24] = [
    "6e6376ef4da7169452c4b6f1c5d4ebb3b7c60d23d4d4e591ee0f1f880e24d72c",
    "eb7546721398afdbe9b6c2455cd82795786334fc05f030308f852f47063e9e5d",
    "cc128ed626057e2090a6999832c26a5ace69135f09585ba2d4b009763e133c07",
    "14caaeeb4bc01438110983105da4c52aa0206fa52c80b6ae01995c18bc1b55f9",
    "861fc4823f99a9c54bb715cbb4f25e848a745610cc64cdef586ececf27662f66",
    "f4c504967a8e0e9bac294f348c1cc9507d17ecd3f72575746840b63591c9e093",
    "7c3ef00a5c35cc9db0bbb9221c5cb9bb8f5ea8fc0210f074ecdcac9cbeb045df",
    "96b8c60fd103f7836bc662296d67474f0185ee1da3774781e5b6b2fbe60a8b1e",
    "34395a0250d0f3c08d39637b0ad3f5392225b2ab2d7b369f7eeb6ad180e540e6",
    "e4e31ab305a5a47470dda4e2ec4332fd1c1413ee86eebb4ba8b75746439b8081",
    "04a4edc5560a6da54fe0538104bdf0c847ffccd28d1f6dfce51c522cefb6f262",
    "ea0e76a0f73596e3b1a4c57969d9071945745fc31d40701948897b8e016e0c3b",
    "a0d4521ffb5a4ea4a380697ffaea49d30494c80ec90d1f73ce8d52a32140c82f",
    "ae51a29c02173ebee3919467c98648103eb5010a43f4fd13981f9ac051e2c6a2",
    "f84d4efa22367405de2514d4f7f849c5d477d9773021212eeee6d0b52e4d208e",
    "c9c7cf120147ea2776ed1549824f5f2bcaaf18fbdc00034c7cd4241c30b11648",
    "1a27f54e253c36b7368a01b005677639531c1bbc6be32050328e72a502e5fd7f",
    "b466132383603a4bd085a3ea80644cf43b4818937283fcdee9034e01bbd0c157",
    "c0c95da797f6fc67e12b8c5b42fe88d9d63051e107162bff2000ed19629b6915",
    "8cb6348dea550d134da331e1cb908cbd46e1c84e230f675f1fa309275c9643c3",
    "c10663ac5017ede253bc254fcee3c9a80eb48946e2378210f23d3f74624d7a67",
    "853f4dee415fd4337fd623b0c88ce71b76148774bb00f5242cfd72aaa9c508b0",
    "17f1a292ceeb5c3592d59929269077dc4ec3964eb6e84d1cd0fae9dfb0550b8e",
    "a5f8a91004f316adce9a3f4ec0fe4e5f252549c3414d22d3bf99fdc86340e5a6",
];

// ---------------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------------

fn unhex(text: &str) -> Vec<u8> {
    hex::decode(text).expect("a golden vector is hex")
}

fn all_goldens() -> Vec<Vec<u8>> {
    WORKED_BYTES
        .iter()
        .chain(VARIANT_BYTES.iter())
        .map(|text| unhex(text))
        .collect()
}

/// `bytes` with `len` bytes at `at` replaced by `with`.
fn spliced(bytes: &[u8], at: usize, len: usize, with: &[u8]) -> Vec<u8> {
    let mut out = bytes[..at].to_vec();
    out.extend_from_slice(with);
    out.extend_from_slice(&bytes[at + len..]);
    out
}

/// `bytes` with the only occurrence of `from` replaced by `to`.
fn replaced(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let found: Vec<usize> = bytes
        .windows(from.len())
        .enumerate()
        .filter(|(_, window)| *window == from)
        .map(|(at, _)| at)
        .collect();
    assert_eq!(found.len(), 1, "{from:02x?} must occur exactly once");
    spliced(bytes, found[0], from.len(), to)
}

/// A string as canonical bytes: its length (below 251 here, so one byte) and its UTF-8.
fn string_bytes(text: &str) -> Vec<u8> {
    let mut out = vec![u8::try_from(text.len()).expect("a short string")];
    out.extend_from_slice(text.as_bytes());
    out
}

/// Where the body (its variant tag) of a canonical event starts.
fn body_offset(event: &Event) -> usize {
    let body = bincode::serde::encode_to_vec(&event.body, bincode::config::standard())
        .expect("a body encodes");
    encode_event(event).len() - body.len()
}

fn assert_malformed(bytes: &[u8], what: &str) {
    match decode_event(bytes) {
        Err(DecodeError::Malformed(_)) => {}
        other => panic!("{what}: expected Malformed, got {other:?}"),
    }
}

fn assert_not_canonical(bytes: &[u8], what: &str) {
    assert_eq!(
        decode_event(bytes),
        Err(DecodeError::NotCanonical),
        "{what}"
    );
}

// ---------------------------------------------------------------------------------------------
// An independent reader written from docs/FORMAT.md alone (no bincode, no serde): if the
// document and the encoder ever disagree, this is where it shows.
// ---------------------------------------------------------------------------------------------

/// The wire types of docs/FORMAT.md.
#[derive(Clone, Copy, Debug)]
enum Ty {
    /// A u32 varint.
    U32,
    /// A u64 varint.
    U64,
    /// 32 raw bytes.
    Hash,
    /// A varint length and UTF-8.
    Str,
    /// An id: a `Str` that obeys the id rule.
    Id,
    /// A decimal: a `Str` in canonical decimal form.
    Dec,
    /// year varint, month byte, day byte.
    Date,
    /// 0x00, or 0x01 and the value.
    Opt(&'static Ty),
    /// A varint count and the items.
    List(&'static Ty),
    /// A fieldless enum with this many variants.
    Enum(u32),
    /// Subject: a tag below 6 and an id.
    Subject,
    /// Fields in order.
    Struct(&'static [Ty]),
    /// Deadline: tag 0 and a date; 1, a string and a date; 2, a string and a Recurrence (9
    /// variants); 3 and a string.
    Deadline,
}

use Ty::{
    Date as D, Deadline as Due, Dec, Enum, Hash, Id, List, Opt, Str, Struct, Subject as Subj, U32,
    U64,
};

const ASSESSMENT: Ty = Struct(&[Id, Enum(3), Opt(&Str)]);
const OUTCOME: Ty = Struct(&[Id, Enum(2)]);
const POINT: Ty = Struct(&[D, Dec]);
const VISIT_POINT: Ty = Struct(&[Str, List(&Id)]);

/// Each EventBody payload's fields, in tag order, as the tables of docs/FORMAT.md give them.
const PAYLOADS: [&[Ty]; 41] = [
    /* 0 LedgerOpened */ &[Str, List(&Str)],
    /* 1 InspectionRecorded */ &[List(&Str), D, D, D],
    /* 2 WeaknessRecorded */ &[Id, Str, Opt(&Str)],
    /* 3 PlanSubmitted */ &[U32, Opt(&Str)],
    /* 4 PlanAccepted */ &[U32, Opt(&Str)],
    /* 5 PlanRevised */ &[U32, Str],
    /* 6 WorkstreamCreated */ &[Id, Str, Str, List(&Id)],
    /* 7 WorkstreamAmended */ &[Id, Opt(&Str), Opt(&Str), Opt(&List(&Id)), Str],
    /* 8 ActionCreated */ &[Id, Id, Str, Str, D, List(&Str)],
    /* 9 ActionAmended */ &[Id, Opt(&Str), Opt(&Str), Opt(&D), Str],
    /* 10 ActionStatusChanged */ &[Id, Enum(5), Opt(&Enum(3)), Opt(&Str)],
    /* 11 EvidenceAttached */ &[Id, Hash, Str, Str, U64, Str, Enum(10), List(&Subj)],
    /* 12 EvidenceRedacted */ &[Id, Str],
    /* 13 MeasureDefined */ &[Id, Str, Str, Dec, D, Dec, D, Enum(2), List(&Id)],
    /* 14 MeasureRecorded */ &[Id, Dec, Opt(&Str)],
    /* 15 MonitoringVisitRecorded */ &[Str, Opt(&Str), List(&Str), List(&Str), List(&Str)],
    /* 16 ProgressReviewed */ &[Str, List(&ASSESSMENT)],
    /* 17 RiskRaised */ &[Id, Str, Enum(3), List(&Subj), Opt(&Str)],
    /* 18 RiskUpdated */ &[Id, Opt(&Enum(3)), Opt(&Str), Opt(&Str)],
    /* 19 RiskClosed */ &[Id, Str],
    /* 20 RevisitScheduled */ &[D, D],
    /* 21 RevisitOutcomeRecorded */ &[List(&OUTCOME)],
    /* 22 NoteAdded */ &[Subj, Str, Opt(&Str)],
    /* 23 CorrectionRecorded */ &[U64, Str],
    /* 24 CheckpointRecorded */ &[Str, U64, Hash, List(&Str), Str],
    /* 25 ActionCreatedWithDeadline */ &[Id, Id, Str, Str, Due, List(&Str)],
    /* 26 ActionAmendedWithDeadline */ &[Id, Opt(&Str), Opt(&Str), Opt(&Due), Str],
    /* 27 InspectionAdded */ &[Id, Enum(2), Enum(3), Opt(&Enum(3)), List(&Str), D, D, D],
    /* 28 FindingRecorded */ &[Id, Id, Enum(3), Str, Opt(&Str)],
    /* 29 MilestoneAdded */ &[Id, Id, Str, Due],
    /* 30 MilestoneMet */ &[Id, Id, Opt(&Str)],
    /* 31 MilestoneMissed */ &[Id, Id, Str],
    /* 32 CoproductionRecorded */ &[Id, Str, Str, Opt(&Str), Str, Opt(&U64)],
    /* 33 PlanStarted */ &[Id, Enum(4), Str, List(&Id)],
    /* 34 WorkstreamCreatedInPlan */ &[Id, Str, Str, List(&Id), Id],
    /* 35 PlanStepRecorded */ &[Id, Enum(3), U32, Opt(&Str)],
    /* 36 MonitoringReviewed */ &[Id, Str, Str, List(&Id), List(&Id)],
    /* 37 MeasureDefinedWithTrajectory */
    &[
        Id,
        Str,
        Str,
        Dec,
        D,
        Dec,
        D,
        Enum(2),
        List(&Id),
        Opt(&Str),
        Opt(&Enum(6)),
        List(&POINT),
    ],
    /* 38 MeasureAmended */ &[Id, Opt(&Str), Opt(&Enum(6)), Opt(&List(&POINT))],
    /* 39 PackSent */ &[Str, Str, D, U64, Hash, Str, Hash, U64],
    /* 40 MonitoringVisitFeedback */
    &[
        Str,
        Opt(&Str),
        List(&VISIT_POINT),
        List(&VISIT_POINT),
        List(&VISIT_POINT),
        Opt(&Id),
    ],
];

/// What the independent reader saw of an event's envelope.
#[derive(Debug, PartialEq, Eq)]
struct Envelope {
    format: u16,
    seq: u64,
    prev: Vec<u8>,
    recorded_at: i64,
    occurred_on: (u16, u8, u8),
    actor: String,
    role: u32,
    tag: u32,
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len());
        let end = end.ok_or_else(|| format!("truncated at byte {}", self.at))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn byte(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    /// An unsigned varint of a `bits`-wide integer: < 251 is the value itself; 0xFB, 0xFC and
    /// 0xFD are followed by a little-endian u16, u32 or u64, and are allowed only if the
    /// integer is at least that wide. The shortest form is the only canonical one.
    fn varint(&mut self, bits: u32) -> Result<u64, String> {
        let first = self.byte()?;
        let (width, min) = match first {
            0..=250 => return Ok(u64::from(first)),
            0xFB if bits >= 16 => (2, 251),
            0xFC if bits >= 32 => (4, 1 << 16),
            0xFD if bits >= 64 => (8, 1 << 32),
            _ => return Err(format!("varint marker {first:#04x} for a u{bits}")),
        };
        let value = self
            .take(width)?
            .iter()
            .rev()
            .fold(0u64, |acc, byte| (acc << 8) | u64::from(*byte));
        if value < min {
            return Err(format!("varint {value} is not in its shortest form"));
        }
        Ok(value)
    }

    /// An i64: the varint of its zigzag form (0, -1, 1, -2, ... as 0, 1, 2, 3, ...).
    fn zigzag(&mut self) -> Result<i64, String> {
        let value = self.varint(64)?;
        let magnitude = i64::try_from(value >> 1).map_err(|err| err.to_string())?;
        Ok(if value & 1 == 0 {
            magnitude
        } else {
            -magnitude - 1
        })
    }

    fn tag(&mut self, variants: u32) -> Result<u32, String> {
        let tag = self.varint(32)?;
        u32::try_from(tag)
            .ok()
            .filter(|tag| *tag < variants)
            .ok_or_else(|| format!("tag {tag} is not below {variants}"))
    }

    fn string(&mut self) -> Result<String, String> {
        let len = usize::try_from(self.varint(64)?).map_err(|err| err.to_string())?;
        let bytes = self.take(len)?.to_vec();
        String::from_utf8(bytes).map_err(|err| err.to_string())
    }

    /// year (u16 varint), month and day (raw bytes), a real date from 1900 to 9999.
    fn date(&mut self) -> Result<(u16, u8, u8), String> {
        let year = u16::try_from(self.varint(16)?).map_err(|err| err.to_string())?;
        let (month, day) = (self.byte()?, self.byte()?);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => 0,
        };
        if (1900..=9999).contains(&year) && (1..=days).contains(&day) {
            Ok((year, month, day))
        } else {
            Err(format!("{year:04}-{month:02}-{day:02} is not a date"))
        }
    }

    fn value(&mut self, ty: Ty) -> Result<(), String> {
        match ty {
            U32 => self.varint(32).map(drop),
            U64 => self.varint(64).map(drop),
            Hash => self.take(32).map(drop),
            Str => self.string().map(drop),
            Id => {
                let id = self.string()?;
                let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
                let ok = id.chars().count() <= 40
                    && id
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
                    && edge(id.chars().next())
                    && edge(id.chars().last());
                if ok {
                    Ok(())
                } else {
                    Err(format!("bad id {id:?}"))
                }
            }
            Dec => {
                let text = self.string()?;
                let digits = text.strip_prefix('-').unwrap_or(&text);
                let (int, frac) = digits.split_once('.').unwrap_or((digits, "1"));
                let all = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
                let ok = all(int)
                    && all(frac)
                    && int.len() + frac.len() <= 30
                    && (int == "0" || !int.starts_with('0'))
                    && !(text.starts_with('-') && digits.bytes().all(|b| b == b'0' || b == b'.'));
                if ok {
                    Ok(())
                } else {
                    Err(format!("bad decimal {text:?}"))
                }
            }
            D => self.date().map(drop),
            Opt(inner) => match self.byte()? {
                0 => Ok(()),
                1 => self.value(*inner),
                other => Err(format!("option tag {other}")),
            },
            List(item) => {
                for _ in 0..self.varint(64)? {
                    self.value(*item)?;
                }
                Ok(())
            }
            Enum(variants) => self.tag(variants).map(drop),
            Subj => {
                self.tag(6)?;
                self.value(Id)
            }
            Struct(fields) => fields.iter().try_for_each(|field| self.value(*field)),
            Due => match self.tag(4)? {
                0 => self.value(D),
                1 => self.value(Struct(&[Str, D])),
                2 => self.value(Struct(&[Str, Enum(9)])),
                _ => self.value(Str),
            },
        }
    }

    fn event(bytes: &[u8]) -> Result<Envelope, String> {
        let mut reader = Reader { bytes, at: 0 };
        let envelope = Envelope {
            format: u16::try_from(reader.varint(16)?).map_err(|err| err.to_string())?,
            seq: reader.varint(64)?,
            prev: reader.take(32)?.to_vec(),
            recorded_at: reader.zigzag()?,
            occurred_on: reader.date()?,
            actor: reader.string()?,
            role: reader.tag(4)?,
            tag: reader.tag(41)?,
        };
        if envelope.format != 1 {
            return Err(format!("format {}", envelope.format));
        }
        let payload = PAYLOADS[usize::try_from(envelope.tag).map_err(|err| err.to_string())?];
        reader.value(Struct(payload))?;
        if reader.at != bytes.len() {
            return Err(format!("{} trailing bytes", bytes.len() - reader.at));
        }
        Ok(envelope)
    }
}

// ---------------------------------------------------------------------------------------------
// The worked example of docs/FORMAT.md.
// ---------------------------------------------------------------------------------------------

#[test]
fn worked_example_has_the_documented_bytes_and_hashes() {
    let events = worked_example();
    assert_eq!(events.len(), WORKED_BYTES.len());
    for (n, event) in events.iter().enumerate() {
        let bytes = encode_event(event);
        assert_eq!(hex::encode(&bytes), WORKED_BYTES[n], "bytes of event {n}");
        assert_eq!(
            chain_hash(&bytes).to_hex(),
            WORKED_CHAIN[n],
            "chain hash of {n}"
        );
        assert_eq!(
            decode_event(&bytes).as_ref(),
            Ok(event),
            "round trip of {n}"
        );
    }
    assert_eq!(encode_event(&events[0]).len(), 127);
    assert_eq!(encode_event(&events[1]).len(), 141);
    assert_eq!(encode_event(&events[2]).len(), 67);
}

#[test]
fn worked_example_is_chained() {
    let decoded: Vec<Event> = WORKED_BYTES
        .iter()
        .map(|text| decode_event(&unhex(text)).expect("the documented bytes decode"))
        .collect();
    assert_eq!(decoded[0].prev, Digest::ZERO);
    assert_eq!(decoded[0].prev.to_hex(), "00".repeat(32));
    for n in 1..decoded.len() {
        assert_eq!(decoded[n].seq, n as u64);
        assert_eq!(decoded[n].prev.to_hex(), WORKED_CHAIN[n - 1], "prev of {n}");
    }
    // The option fields of the last event: rag is Some(Amber), note is None.
    let EventBody::ActionStatusChanged(status) = &decoded[2].body else {
        panic!("event 2 is an ActionStatusChanged");
    };
    assert_eq!(status.rag, Some(Rag::Amber));
    assert_eq!(status.note, None);
    assert_eq!(decoded[2].occurred_on, date("2024-05-09"));
    assert_eq!(decoded[2].recorded_at, 1_715_868_131_000);
}

#[test]
fn worked_example_annotated_offsets() {
    // Spot checks of the annotated hex tables.
    let event0 = unhex(WORKED_BYTES[0]);
    assert_eq!(event0[34..43], unhex("fd406c7d111c030000")[..]);
    assert_eq!(event0[43..48], unhex("fbe8070304")[..]);
    assert_eq!(event0[57], 3, "actor.role = Admin");
    assert_eq!(event0[58], 0, "body tag LedgerOpened");
    assert_eq!(event0[81], 2, "two partners");
    let event1 = unhex(WORKED_BYTES[1]);
    assert_eq!(event1[57], 2, "body tag WeaknessRecorded");
    assert_eq!(event1[85], 1, "finding is Some");
    let event2 = unhex(WORKED_BYTES[2]);
    assert_eq!(event2[58], 10, "body tag ActionStatusChanged");
    assert_eq!(
        event2[63..],
        [1, 1, 1, 0],
        "status, rag Some, Amber, note None"
    );
}

// ---------------------------------------------------------------------------------------------
// One golden vector per EventBody variant.
// ---------------------------------------------------------------------------------------------

#[test]
fn every_variant_has_exactly_one_golden_vector() {
    let events = every_variant();
    assert_eq!(events.len(), 24);
    let mut kinds: Vec<&str> = events.iter().map(|event| event.body.kind()).collect();
    kinds.sort_unstable();
    let mut documented: Vec<&str> = BODY_TAGS.iter().map(|(kind, _)| *kind).collect();
    documented.sort_unstable();
    assert_eq!(kinds, documented);
}

#[test]
fn golden_vectors_have_the_documented_bytes_and_hashes() {
    for (n, event) in every_variant().iter().enumerate() {
        let kind = event.body.kind();
        let bytes = encode_event(event);
        assert_eq!(hex::encode(&bytes), VARIANT_BYTES[n], "bytes of {kind}");
        assert_eq!(
            chain_hash(&bytes).to_hex(),
            VARIANT_CHAIN[n],
            "hash of {kind}"
        );
        assert_eq!(
            decode_event(&bytes).as_ref(),
            Ok(event),
            "round trip of {kind}"
        );
        let (_, tag) = BODY_TAGS
            .iter()
            .find(|(documented, _)| *documented == kind)
            .expect("every kind is documented");
        assert_eq!(bytes[body_offset(event)], *tag, "tag of {kind}");
    }
}

#[test]
fn a_ledger_verifies_from_its_bytes_alone() {
    // What an auditor does (docs/FORMAT.md, "How to verify a ledger"), with only BLAKE3.
    let mut expected_prev = [0u8; 32];
    for (n, text) in VARIANT_BYTES.iter().enumerate() {
        let bytes = unhex(text);
        let event = decode_event(&bytes).expect("a golden vector decodes");
        assert_eq!(event.format, 1);
        assert_eq!(event.seq, n as u64);
        assert_eq!(event.prev.0, expected_prev, "prev of event {n}");
        assert_eq!(encode_event(&event), bytes);
        expected_prev = blake3::derive_key("wsoa-ledger 2026 event chain v1", &bytes);
        assert_eq!(hex::encode(expected_prev), VARIANT_CHAIN[n]);
    }
}

#[test]
fn a_changed_byte_breaks_the_chain() {
    // Editing any event changes its chain hash, so the next event's prev no longer matches.
    let bytes = unhex(VARIANT_BYTES[10]);
    let edited = replaced(&bytes, b"38.2", b"36.2");
    let event = decode_event(&edited).expect("still a well-formed event");
    let next = decode_event(&unhex(VARIANT_BYTES[11])).expect("decodes");
    assert_eq!(next.prev, chain_hash(&bytes));
    assert_ne!(next.prev, chain_hash(&encode_event(&event)));
}

#[test]
fn chain_hash_is_blake3_derive_key_with_the_documented_context() {
    assert_eq!(wsoa_core::CHAIN_CONTEXT, "wsoa-ledger 2026 event chain v1");
    for bytes in all_goldens() {
        let expected = blake3::derive_key("wsoa-ledger 2026 event chain v1", &bytes);
        assert_eq!(chain_hash(&bytes).0, expected);
        assert_ne!(chain_hash(&bytes).0, *blake3::hash(&bytes).as_bytes());
    }
    // The hashes of no bytes at all, for checking a BLAKE3 library's two modes.
    assert_eq!(
        chain_hash(b"").to_hex(),
        "30ff3241052b4ab861f4b9f784b24da83a6e490509a0921778ad94da0484570c"
    );
    assert_eq!(
        content_hash(b"").to_hex(),
        "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"
    );
}

#[test]
fn evidence_content_hash_is_plain_blake3() {
    assert_eq!(content_hash(EVIDENCE_CONTENT).to_hex(), EVIDENCE_HASH);
    assert_eq!(
        blake3::hash(EVIDENCE_CONTENT).to_hex().as_str(),
        EVIDENCE_HASH
    );
    assert_eq!(EVIDENCE_CONTENT.len(), 86);
    // The event holds the hash as 32 raw bytes, and the size as a varint.
    let bytes = unhex(VARIANT_BYTES[8]);
    let mut expected = unhex(EVIDENCE_HASH);
    expected.extend_from_slice(&string_bytes("board-minutes-2024-02-12.txt"));
    expected.extend_from_slice(&string_bytes("text/plain"));
    expected.push(86);
    let found = bytes
        .windows(expected.len())
        .any(|window| window == expected);
    assert!(
        found,
        "hash, file name, media type and size follow each other"
    );
}

// ---------------------------------------------------------------------------------------------
// The enum tables of docs/FORMAT.md.
// ---------------------------------------------------------------------------------------------

fn tag_of<T: serde::Serialize>(value: &T) -> Vec<u8> {
    bincode::serde::encode_to_vec(value, bincode::config::standard()).expect("encodes")
}

#[test]
fn enum_tags_are_as_documented() {
    let roles = [Role::Viewer, Role::Auditor, Role::Officer, Role::Admin];
    let statuses = [
        Status::NotStarted,
        Status::InProgress,
        Status::Complete,
        Status::Blocked,
        Status::Withdrawn,
    ];
    let rags = [Rag::Red, Rag::Amber, Rag::Green];
    let kinds = [
        EvidenceKind::Document,
        EvidenceKind::Minutes,
        EvidenceKind::Audit,
        EvidenceKind::Survey,
        EvidenceKind::Training,
        EvidenceKind::CaseStudy,
        EvidenceKind::Dashboard,
        EvidenceKind::Policy,
        EvidenceKind::Feedback,
        EvidenceKind::Other,
    ];
    let directions = [Direction::HigherIsBetter, Direction::LowerIsBetter];
    let ratings = [Rating::OnTrack, Rating::AtRisk, Rating::OffTrack];
    let levels = [RiskLevel::Low, RiskLevel::Medium, RiskLevel::High];
    let progress = [Progress::Sufficient, Progress::Insufficient];
    let expected = |n: u8| -> Vec<Vec<u8>> { (0..n).map(|tag| vec![tag]).collect() };
    assert_eq!(roles.iter().map(tag_of).collect::<Vec<_>>(), expected(4));
    assert_eq!(statuses.iter().map(tag_of).collect::<Vec<_>>(), expected(5));
    assert_eq!(rags.iter().map(tag_of).collect::<Vec<_>>(), expected(3));
    assert_eq!(kinds.iter().map(tag_of).collect::<Vec<_>>(), expected(10));
    assert_eq!(
        directions.iter().map(tag_of).collect::<Vec<_>>(),
        expected(2)
    );
    assert_eq!(ratings.iter().map(tag_of).collect::<Vec<_>>(), expected(3));
    assert_eq!(levels.iter().map(tag_of).collect::<Vec<_>>(), expected(3));
    assert_eq!(progress.iter().map(tag_of).collect::<Vec<_>>(), expected(2));
    let subjects = [
        Subject::Weakness(w("W1")),
        Subject::Workstream(ws("W1")),
        Subject::Action(a("W1")),
        Subject::Measure(m("W1")),
        Subject::Evidence(e("W1")),
        Subject::Risk(r("W1")),
    ];
    for (tag, subject) in (0u8..).zip(&subjects) {
        assert_eq!(tag_of(subject), [tag, 2, b'W', b'1'], "{subject}");
    }
}

#[test]
fn scalars_are_encoded_as_documented() {
    let cases: [(Vec<u8>, &str); 17] = [
        (tag_of(&0u64), "00"),
        (tag_of(&250u64), "fa"),
        (tag_of(&251u64), "fbfb00"),
        (tag_of(&65_535u64), "fbffff"),
        (tag_of(&65_536u64), "fc00000100"),
        (tag_of(&u64::from(u32::MAX)), "fcffffffff"),
        (tag_of(&(1u64 << 32)), "fd0000000001000000"),
        (tag_of(&2024u16), "fbe807"),
        (tag_of(&0i64), "00"),
        (tag_of(&-1i64), "01"),
        (tag_of(&1i64), "02"),
        (tag_of(&-125i64), "f9"),
        (tag_of(&1_709_543_700_000i64), "fd406c7d111c030000"),
        (tag_of(&200u8), "c8"),
        (tag_of(&Some("ok")), "01026f6b"),
        (tag_of(&None::<String>), "00"),
        (tag_of(&date("2021-07-15")), "fbe507070f"),
    ];
    for (encoded, expected) in cases {
        assert_eq!(hex::encode(encoded), expected);
    }
    assert_eq!(hex::encode(tag_of(&-126i64)), "fbfb00");
    assert_eq!(hex::encode(tag_of(&dec("12.50"))), "0531322e3530");
    assert_eq!(hex::encode(tag_of(&Digest([0xab; 32]))), "ab".repeat(32));
    assert_eq!(
        hex::encode(tag_of(&vec![w("W1"), w("W2")])),
        "02025731025732"
    );
}

#[test]
fn the_document_alone_is_enough_to_read_every_golden_vector() {
    let roles = [Role::Viewer, Role::Auditor, Role::Officer, Role::Admin];
    for bytes in all_goldens() {
        let envelope = Reader::event(&bytes).expect("the independent reader reads it");
        let event = decode_event(&bytes).expect("decodes");
        let (_, tag) = BODY_TAGS
            .iter()
            .find(|(kind, _)| *kind == event.body.kind())
            .expect("documented");
        let occurred = &event.occurred_on;
        assert_eq!(
            envelope,
            Envelope {
                format: event.format,
                seq: event.seq,
                prev: event.prev.0.to_vec(),
                recorded_at: event.recorded_at,
                occurred_on: (occurred.year(), occurred.month(), occurred.day()),
                actor: event.actor.name.clone(),
                role: u32::try_from(
                    roles
                        .iter()
                        .position(|role| *role == event.actor.role)
                        .expect("a role"),
                )
                .expect("small"),
                tag: u32::from(*tag),
            }
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Negative vectors: what decoding must refuse, and how.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_trailing_byte_is_refused() {
    for bytes in all_goldens() {
        for extra in [0x00, 0x01, 0xff] {
            let mut longer = bytes.clone();
            longer.push(extra);
            assert_eq!(
                decode_event(&longer),
                Err(DecodeError::TrailingBytes {
                    used: bytes.len(),
                    len: bytes.len() + 1
                })
            );
            assert!(Reader::event(&longer).is_err());
        }
    }
}

#[test]
fn a_truncated_event_is_refused() {
    for bytes in all_goldens() {
        assert_malformed(&bytes[..bytes.len() - 1], "one byte short");
        for len in 0..bytes.len() {
            assert_malformed(&bytes[..len], &format!("cut to {len} bytes"));
            assert!(Reader::event(&bytes[..len]).is_err());
        }
    }
}

#[test]
fn an_unknown_variant_tag_is_refused() {
    for (n, event) in worked_example().iter().chain(&every_variant()).enumerate() {
        let bytes = encode_event(event);
        let at = body_offset(event);
        for tag in [&[27u8][..], &[250], &[0xfb, 0x00, 0x01], &[0xff]] {
            let edited = spliced(&bytes, at, 1, tag);
            assert_malformed(&edited, &format!("event {n} with body tag {tag:02x?}"));
            assert!(Reader::event(&edited).is_err());
        }
    }
    // The envelope's and payloads' own enums: Role 4 and Status 5 and Rag 3 do not exist.
    let event2 = unhex(WORKED_BYTES[2]);
    assert_malformed(&spliced(&event2, 57, 1, &[4]), "role 4");
    assert_malformed(&spliced(&event2, 63, 1, &[5]), "status 5");
    assert_malformed(&spliced(&event2, 65, 1, &[3]), "rag 3");
    // A Subject tag of 6 (EvidenceAttached supports: [action 1.1, weakness W1]).
    let evidence = unhex(VARIANT_BYTES[8]);
    let subjects = [2, 2, 3, b'1', b'.', b'1', 0, 2, b'W', b'1'];
    let bad = [2, 6, 3, b'1', b'.', b'1', 0, 2, b'W', b'1'];
    assert_malformed(&replaced(&evidence, &subjects, &bad), "subject tag 6");
}

#[test]
fn an_unknown_format_is_refused() {
    for bytes in all_goldens() {
        assert_eq!(bytes[0], 1, "format 1 is one byte");
        for format in [0u16, 2, 250] {
            let edited = spliced(&bytes, 0, 1, &[u8::try_from(format).expect("small")]);
            assert_eq!(
                decode_event(&edited),
                Err(DecodeError::UnknownFormat(format))
            );
        }
        let edited = spliced(&bytes, 0, 1, &[0xfb, 0x00, 0x01]);
        assert_eq!(decode_event(&edited), Err(DecodeError::UnknownFormat(256)));
    }
}

#[test]
fn a_longer_varint_than_needed_is_refused() {
    let event0 = unhex(WORKED_BYTES[0]);
    let event1 = unhex(WORKED_BYTES[1]);
    // seq 0 written as FB 00 00 (the documented example of a non-canonical varint).
    let seq = spliced(&event0, 1, 1, &[0xfb, 0x00, 0x00]);
    assert!(seq.starts_with(&[0x01, 0xfb, 0x00, 0x00, 0x00]));
    assert_not_canonical(&seq, "seq 0 as FB 00 00");
    assert_not_canonical(&spliced(&event1, 1, 1, &[0xfc, 1, 0, 0, 0]), "seq 1 as FC");
    assert_not_canonical(
        &spliced(&event1, 1, 1, &[0xfd, 1, 0, 0, 0, 0, 0, 0, 0]),
        "seq 1 as FD",
    );
    assert_not_canonical(
        &spliced(&event0, 0, 1, &[0xfb, 1, 0]),
        "format 1 as FB 01 00",
    );
    // The year 2024 as FC E8 07 00 00: a u16 has no FC form at all.
    let year = spliced(&event0, 43, 3, &[0xfc, 0xe8, 0x07, 0, 0]);
    assert_malformed(&year, "year as a u32");
    assert!(Reader::event(&year).is_err());
    // recorded_at as FE and a u128 is not a valid i64 varint at all.
    let mut wide = vec![0xfe];
    wide.extend_from_slice(&unhex("406c7d111c030000")); // the low eight bytes
    wide.extend_from_slice(&[0; 8]);
    assert_malformed(&spliced(&event0, 34, 9, &wide), "recorded_at as FE");
    // recorded_at = 1 (zigzag 2) written as FB 02 00.
    assert_not_canonical(
        &spliced(&event0, 34, 9, &[0xfb, 0x02, 0x00]),
        "recorded_at 1 as FB 02 00",
    );
    // A string length (actor.name, 8) as FB 08 00.
    assert_not_canonical(&spliced(&event0, 48, 1, &[0xfb, 8, 0]), "length as FB");
    // A Vec count (partners, 2) as FB 02 00.
    assert_not_canonical(&spliced(&event0, 81, 1, &[0xfb, 2, 0]), "count as FB");
    // The body tag (0) as FB 00 00 and a payload enum tag (status 1) as FB 01 00.
    assert_not_canonical(&spliced(&event0, 58, 1, &[0xfb, 0, 0]), "body tag as FB");
    let event2 = unhex(WORKED_BYTES[2]);
    assert_not_canonical(&spliced(&event2, 63, 1, &[0xfb, 1, 0]), "status as FB");
    // The independent reader refuses the longer seq too, without re-encoding anything.
    assert!(Reader::event(&seq).is_err());
    // The reserved marker FF is no varint at all.
    assert_malformed(&spliced(&event0, 1, 1, &[0xff]), "seq as FF");
}

#[test]
fn an_option_or_bool_tag_other_than_0_or_1_is_refused() {
    let event1 = unhex(WORKED_BYTES[1]);
    assert_eq!(event1[85], 1);
    assert_malformed(&spliced(&event1, 85, 1, &[2]), "finding tag 2");
    assert_malformed(&spliced(&event1, 85, 1, &[0xff]), "finding tag FF");
    let event2 = unhex(WORKED_BYTES[2]);
    assert_malformed(&spliced(&event2, 64, 1, &[2]), "rag tag 2");
    assert_malformed(&spliced(&event2, 66, 1, &[2]), "note tag 2");
    // An option tag is one raw byte, never a varint: FB 01 00 is not "Some".
    assert_malformed(&spliced(&event2, 64, 1, &[0xfb, 1, 0]), "rag tag as FB");
    // No event field is a bool today; bincode reads a bool as one byte, 0 or 1 only.
    assert!(
        bincode::serde::decode_from_slice::<bool, _>(&[2], bincode::config::standard()).is_err()
    );
}

#[test]
fn a_date_that_does_not_exist_is_refused() {
    let event0 = unhex(WORKED_BYTES[0]);
    let date_bytes = |year: u16, month: u8, day: u8| {
        let mut out = tag_of(&year);
        out.extend_from_slice(&[month, day]);
        out
    };
    // occurred_on is bytes 43..48 (FB E8 07 03 04).
    let ok = spliced(&event0, 43, 5, &date_bytes(2020, 2, 29));
    assert_eq!(
        decode_event(&ok).map(|event| event.occurred_on),
        Ok(date("2020-02-29"))
    );
    for (year, month, day) in [
        (2021, 2, 29),
        (2100, 2, 29),
        (2021, 6, 31),
        (2021, 13, 1),
        (2021, 0, 10),
        (2021, 7, 0),
        (1899, 12, 31),
        (10000, 1, 1),
        (0, 1, 1),
    ] {
        assert_malformed(
            &spliced(&event0, 43, 5, &date_bytes(year, month, day)),
            &format!("{year}-{month}-{day}"),
        );
    }
    // A date inside a payload: InspectionRecorded's `to` as 2023-09-31.
    let inspection = unhex(VARIANT_BYTES[1]);
    let bad = replaced(
        &inspection,
        &[0xfb, 0xe7, 0x07, 9, 15],
        &[0xfb, 0xe7, 0x07, 9, 31],
    );
    assert_malformed(&bad, "2023-09-31");
}

#[test]
fn a_decimal_not_in_canonical_form_is_refused() {
    // MeasureRecorded (seq 10) holds "38.2"; MeasureDefined (seq 5) holds "31.5" and "60".
    let recorded = unhex(VARIANT_BYTES[10]);
    for bad in [
        "063", "038.2", "+38.2", "-0", "-0.0", "38.", ".2", "3.8e1", "38,2", " 38.2", "",
    ] {
        let edited = replaced(&recorded, &string_bytes("38.2"), &string_bytes(bad));
        assert_malformed(&edited, &format!("decimal {bad:?}"));
        assert!(Reader::event(&edited).is_err(), "reader on {bad:?}");
    }
    for good in ["63", "0", "-3", "0.05", "12.50", "17480"] {
        let edited = replaced(&recorded, &string_bytes("38.2"), &string_bytes(good));
        let event = decode_event(&edited).expect(good);
        let EventBody::MeasureRecorded(body) = event.body else {
            panic!("a MeasureRecorded");
        };
        assert_eq!(body.value.as_str(), good);
        assert!(Reader::event(&edited).is_ok());
    }
    let defined = unhex(VARIANT_BYTES[5]);
    let edited = replaced(&defined, &string_bytes("60"), &string_bytes("060"));
    assert_malformed(&edited, "target 060");
}

#[test]
fn an_id_that_breaks_the_id_rule_is_refused() {
    // WeaknessRecorded (worked example, seq 1) has the id "W1" at bytes 58..61.
    let event1 = unhex(WORKED_BYTES[1]);
    assert_eq!(event1[58..61], string_bytes("W1")[..]);
    let longest = "W".repeat(40);
    let edited = spliced(&event1, 58, 3, &string_bytes(&longest));
    assert!(decode_event(&edited).is_ok());
    for bad in [
        "W 1",
        "",
        "W_1",
        ".W1",
        "W1.",
        "-1",
        "W1 ",
        "Wé1",
        "W/1",
        &"W".repeat(41),
    ] {
        let edited = spliced(&event1, 58, 3, &string_bytes(bad));
        assert_malformed(&edited, &format!("id {bad:?}"));
        assert!(Reader::event(&edited).is_err(), "reader on {bad:?}");
    }
    // Ids inside lists and subjects are checked too.
    let evidence = unhex(VARIANT_BYTES[8]);
    let edited = replaced(&evidence, &[3, b'1', b'.', b'1'], &string_bytes("1 1"));
    assert_malformed(&edited, "subject id with a space");
}

#[test]
fn invalid_utf8_is_refused() {
    let event0 = unhex(WORKED_BYTES[0]);
    // actor.name "s.hughes" at 49..57: replace the "." with a lone continuation byte, then
    // with the overlong encoding of "/".
    assert_eq!(event0[50], b'.');
    assert_malformed(&spliced(&event0, 50, 1, &[0x80]), "lone continuation byte");
    let overlong = spliced(
        &event0,
        48,
        9,
        &[9, b's', 0xc0, 0xaf, b'h', b'u', b'g', b'h', b'e', b's'],
    );
    assert_malformed(&overlong, "overlong encoding");
    // area "Northshire local area": an unpaired surrogate (ED A0 80) in place of "loc".
    let surrogate = replaced(&event0, b"loc", &[0xed, 0xa0, 0x80]);
    assert_malformed(&surrogate, "surrogate");
    assert_malformed(
        &replaced(&event0, b"area", &[0xff, b'r', b'e', b'a']),
        "FF byte",
    );
}

#[test]
fn a_large_event_under_the_limit_decodes() {
    let mut event = worked_example().remove(0);
    event.body = EventBody::LedgerOpened(LedgerOpened {
        area: "N".repeat(1_000_000 - 65),
        partners: Vec::new(),
    });
    let bytes = encode_event(&event);
    assert_eq!(bytes.len(), 1_000_000);
    assert_eq!(
        bytes[59..64],
        [0xfc, 0xff, 0x41, 0x0f, 0x00],
        "area length 999935: FC + u32 LE"
    );
    assert_eq!(decode_event(&bytes), Ok(event));
}

#[test]
fn an_event_over_the_size_limit_is_refused() {
    let limit = wsoa_core::encoding::MAX_EVENT_BYTES;
    assert_eq!(limit, 1_048_576);
    let huge = vec![0u8; limit + 1];
    assert_eq!(
        decode_event(&huge),
        Err(DecodeError::TooLarge { len: limit + 1 })
    );
    // A string that claims more bytes than there are is refused, not allocated.
    let event0 = unhex(WORKED_BYTES[0]);
    let claim = spliced(&event0, 48, 1, &[0xfd, 0, 0, 0, 0, 1, 0, 0, 0]);
    assert_malformed(&claim, "a 2^32-byte actor name in a short input");
}

// ---------------------------------------------------------------------------------------------
// JSON is for people and tools, never hashed; dates and digests are text there.
// ---------------------------------------------------------------------------------------------

#[test]
fn json_shows_dates_as_iso_text_and_digests_as_hex() {
    let events = every_variant();
    let attached = &events[8];
    let json = serde_json::to_value(attached).expect("serialises");
    assert_eq!(json["format"], 1);
    assert_eq!(json["seq"], 8);
    assert_eq!(json["prev"], VARIANT_CHAIN[7]);
    assert_eq!(json["recorded_at"], 1_707_819_600_000i64);
    assert_eq!(json["occurred_on"], "2024-02-12");
    assert_eq!(json["actor"]["role"], "officer");
    let body = &json["body"]["evidence_attached"];
    assert_eq!(body["content_hash"], EVIDENCE_HASH);
    assert_eq!(body["kind"], "minutes");
    assert_eq!(body["supports"][0]["action"], "1.1");
    assert_eq!(body["supports"][1]["weakness"], "W1");
    let back: Event = serde_json::from_value(json).expect("parses back");
    assert_eq!(&back, attached);

    let genesis = serde_json::to_value(&events[0]).expect("serialises");
    assert_eq!(genesis["prev"], "0".repeat(64));
    let measure = serde_json::to_value(&events[5]).expect("serialises");
    let body = &measure["body"]["measure_defined"];
    assert_eq!(body["baseline"], "31.5");
    assert_eq!(body["baseline_on"], "2023-08-31");
    assert_eq!(body["target_by"], "2024-12-31");
    assert_eq!(body["better"], "higher-is-better");

    // JSON is not the canonical bytes: it never decodes as an event.
    let text = serde_json::to_vec(&events[0]).expect("serialises");
    assert!(decode_event(&text).is_err());
}

/// Tag 24, added after the first release: its bytes are pinned like every other variant's, the
/// independent reader reads them, and none of the earlier vectors changed (the tests above).
#[test]
fn a_recorded_checkpoint_has_its_golden_bytes() {
    let event = Event {
        format: 1,
        seq: 173,
        prev: Digest([0x11; 32]),
        recorded_at: 1_666_350_000_000,
        occurred_on: date("2022-10-21"),
        actor: actor("a.patel", Role::Officer),
        body: EventBody::CheckpointRecorded(wsoa_core::event::CheckpointRecorded {
            origin: "wsoa/northshire/0011".to_owned(),
            size: 173,
            root: Digest([0x22; 32]),
            signers: texts(&["board", "dfe"]),
            note: "wsoa/northshire/0011\n173\nIiIi\n\n— board AAAA\n".to_owned(),
        }),
    };
    let bytes = encode_event(&event);
    assert_eq!(hex::encode(&bytes), CHECKPOINT_RECORDED_HEX);
    assert_eq!(decode_event(&bytes), Ok(event));
    assert!(Reader::event(&bytes).is_ok());
}

const CHECKPOINT_RECORDED_HEX: &str = concat!(
    "01ad111111111111111111111111111111111111111111111111111111111111",
    "1111fd004f66f407030000fbe6070a1507612e706174656c02181477736f612f",
    "6e6f72746873686972652f30303131ad22222222222222222222222222222222",
    "222222222222222222222222222222220205626f617264036466652e77736f61",
    "2f6e6f72746873686972652f303031310a3137330a496949690a0ae280942062",
    "6f61726420414141410a",
);

#[test]
fn an_action_with_its_deadline_in_words_has_its_golden_bytes() {
    use wsoa_core::deadline::{Deadline, Recurrence};
    use wsoa_core::event::{ActionAmendedWithDeadline, ActionCreatedWithDeadline};
    let created = Event {
        format: 1,
        seq: 5,
        prev: Digest([0x11; 32]),
        recorded_at: 1_625_140_800_000,
        occurred_on: date("2021-07-01"),
        actor: actor("a.patel", Role::Officer),
        body: EventBody::ActionCreatedWithDeadline(ActionCreatedWithDeadline {
            id: a("1.2"),
            workstream: ws("WS1"),
            title: "Audit EHC plans".to_owned(),
            owner: "QA officer".to_owned(),
            due: Deadline::Written {
                words: "Autumn term 2021".to_owned(),
                date: date("2021-12-31"),
            },
            success: texts(&["Audit reported"]),
        }),
    };
    let amended = |due: Deadline| Event {
        format: 1,
        seq: 6,
        prev: Digest([0x22; 32]),
        recorded_at: 1_633_089_600_000,
        occurred_on: date("2021-10-01"),
        actor: actor("a.patel", Role::Officer),
        body: EventBody::ActionAmendedWithDeadline(ActionAmendedWithDeadline {
            id: a("1.2"),
            title: None,
            owner: None,
            due: Some(due),
            reason: "Now termly".to_owned(),
        }),
    };
    let events = [
        created,
        amended(Deadline::On(date("2022-03-31"))),
        amended(Deadline::Recurring {
            words: "Termly".to_owned(),
            every: Recurrence::Termly,
        }),
        amended(Deadline::NotSet {
            words: "TBC".to_owned(),
        }),
    ];
    for (event, golden) in events.iter().zip(DEADLINE_WORDS_HEX) {
        let bytes = encode_event(event);
        assert_eq!(hex::encode(&bytes), golden, "{:?}", event.body);
        assert_eq!(decode_event(&bytes).as_ref(), Ok(event));
        assert!(Reader::event(&bytes).is_ok());
    }
    // The tags: 25 and 26, then the deadline's variant (0 a date, 1 words and a date, 2 words
    // and a recurrence, 3 words alone) where section 5 puts it.
    let tag_at = |event: &Event| encode_event(event)[body_offset(event)];
    assert_eq!(tag_at(&events[0]), 25);
    assert_eq!(tag_at(&events[1]), 26);
}

/// The canonical bytes of an action created with "Autumn term 2021", and amended to 31 March
/// 2022, to "Termly" and to "TBC".
const DEADLINE_WORDS_HEX: [&str; 4] = [
    concat!(
        "0105111111111111111111111111111111111111111111111111111111111111",
        "1111fd0054e1c3f4020000fbe507070107612e706174656c021903312e320357",
        "53310f41756469742045484320706c616e730a5141206f666669636572011041",
        "7574756d6e207465726d2032303231fbe5070c1f010e4175646974207265706f",
        "72746564",
    ),
    concat!(
        "0106222222222222222222222222222222222222222222222222222222222222",
        "2222fd00747377f8020000fbe5070a0107612e706174656c021a03312e320000",
        "0100fbe607031f0a4e6f77207465726d6c79",
    ),
    concat!(
        "0106222222222222222222222222222222222222222222222222222222222222",
        "2222fd00747377f8020000fbe5070a0107612e706174656c021a03312e320000",
        "0102065465726d6c79050a4e6f77207465726d6c79",
    ),
    concat!(
        "0106222222222222222222222222222222222222222222222222222222222222",
        "2222fd00747377f8020000fbe5070a0107612e706174656c021a03312e320000",
        "0103035442430a4e6f77207465726d6c79",
    ),
];

#[test]
fn an_inspection_of_either_framework_and_its_findings_have_their_golden_bytes() {
    use wsoa_core::event::{
        FindingKind, FindingRecorded, Framework, InspectionAdded, InspectionKind, InspectionOutcome,
    };
    let inspection = Event {
        format: 1,
        seq: 7,
        prev: Digest([0x33; 32]),
        recorded_at: 1_700_481_600_000,
        occurred_on: date("2023-11-20"),
        actor: actor("a.patel", Role::Officer),
        body: EventBody::InspectionAdded(InspectionAdded {
            id: "I2".parse().expect("id"),
            framework: Framework::Y2023,
            kind: InspectionKind::Full,
            outcome: Some(InspectionOutcome::Inconsistent),
            inspectorates: texts(&["Ofsted", "CQC"]),
            from: date("2023-10-02"),
            to: date("2023-10-06"),
            published: date("2023-11-20"),
        }),
    };
    let finding = Event {
        format: 1,
        seq: 8,
        prev: Digest([0x44; 32]),
        recorded_at: 1_700_481_660_000,
        occurred_on: date("2023-11-20"),
        actor: actor("a.patel", Role::Officer),
        body: EventBody::FindingRecorded(FindingRecorded {
            id: w("AP1"),
            inspection: "I2".parse().expect("id"),
            kind: FindingKind::PriorityAction,
            title: "Timeliness of EHC plans".to_owned(),
            finding: None,
        }),
    };
    for (event, golden) in [&inspection, &finding].into_iter().zip(INSPECTION_HEX) {
        let bytes = encode_event(event);
        assert_eq!(hex::encode(&bytes), golden, "{:?}", event.body);
        assert_eq!(decode_event(&bytes).as_ref(), Ok(event));
        assert!(Reader::event(&bytes).is_ok());
    }
    let tag_at = |event: &Event| encode_event(event)[body_offset(event)];
    assert_eq!(tag_at(&inspection), 27);
    assert_eq!(tag_at(&finding), 28);
}

/// The canonical bytes of inspection I2 (2023 framework, full, "inconsistent") and of its
/// area for priority action AP1.
const INSPECTION_HEX: [&str; 2] = [
    concat!(
        "0107333333333333333333333333333333333333333333333333333333333333",
        "3333fd001434d917030000fbe7070b1407612e706174656c021b024932010001",
        "0102064f667374656403435143fbe7070a02fbe7070a06fbe7070b14",
    ),
    concat!(
        "0108444444444444444444444444444444444444444444444444444444444444",
        "4444fdc0e835d917030000fbe7070b1407612e706174656c021c034150310249",
        "32011754696d656c696e657373206f662045484320706c616e7300",
    ),
];

#[test]
fn a_milestone_added_met_and_missed_has_its_golden_bytes() {
    use wsoa_core::deadline::Deadline;
    use wsoa_core::event::{MilestoneAdded, MilestoneMet, MilestoneMissed};
    let event = |seq: u64, body: EventBody| Event {
        format: 1,
        seq,
        prev: Digest([0x55; 32]),
        recorded_at: 1_702_641_600_000,
        occurred_on: date("2023-12-15"),
        actor: actor("a.patel", Role::Officer),
        body,
    };
    let events = [
        event(
            9,
            EventBody::MilestoneAdded(MilestoneAdded {
                action: a("2.1"),
                id: "3m".parse().expect("id"),
                title: "Panel meets monthly".to_owned(),
                due: Deadline::Written {
                    words: "March 2024".to_owned(),
                    date: date("2024-03-31"),
                },
            }),
        ),
        event(
            10,
            EventBody::MilestoneMet(MilestoneMet {
                action: a("2.1"),
                id: "3m".parse().expect("id"),
                note: None,
            }),
        ),
        event(
            11,
            EventBody::MilestoneMissed(MilestoneMissed {
                action: a("2.1"),
                id: "6m".parse().expect("id"),
                reason: "No quorum".to_owned(),
            }),
        ),
    ];
    for (event, golden) in events.iter().zip(MILESTONE_HEX) {
        let bytes = encode_event(event);
        assert_eq!(hex::encode(&bytes), golden, "{:?}", event.body);
        assert_eq!(decode_event(&bytes).as_ref(), Ok(event));
        assert!(Reader::event(&bytes).is_ok());
    }
    let tags: Vec<u8> = events
        .iter()
        .map(|event| encode_event(event)[body_offset(event)])
        .collect();
    assert_eq!(tags, [29, 30, 31]);
}

/// The canonical bytes of milestone 3m of action 2.1 (due "March 2024"), met, and 6m missed.
const MILESTONE_HEX: [&str; 3] = [
    concat!(
        "0109555555555555555555555555555555555555555555555555555555555555",
        "5555fd000cb2da18030000fbe7070c0f07612e706174656c021d03322e310233",
        "6d1350616e656c206d65657473206d6f6e74686c79010a4d6172636820323032",
        "34fbe807031f",
    ),
    concat!(
        "010a555555555555555555555555555555555555555555555555555555555555",
        "5555fd000cb2da18030000fbe7070c0f07612e706174656c021e03322e310233",
        "6d00",
    ),
    concat!(
        "010b555555555555555555555555555555555555555555555555555555555555",
        "5555fd000cb2da18030000fbe7070c0f07612e706174656c021f03322e310236",
        "6d094e6f2071756f72756d",
    ),
];

#[test]
fn the_families_voice_has_its_golden_bytes() {
    use wsoa_core::event::CoproductionRecorded;
    let event = Event {
        format: 1,
        seq: 12,
        prev: Digest([0x66; 32]),
        recorded_at: 1_652_184_000_000,
        occurred_on: date("2022-05-10"),
        actor: actor("a.patel", Role::Officer),
        body: EventBody::CoproductionRecorded(CoproductionRecorded {
            about: w("W3"),
            said: "Hard to find".to_owned(),
            did: "Pages rewritten".to_owned(),
            difference: None,
            from: "PCF survey".to_owned(),
            respondents: Some(212),
        }),
    };
    let bytes = encode_event(&event);
    assert_eq!(hex::encode(&bytes), COPRODUCTION_HEX);
    assert_eq!(decode_event(&bytes), Ok(event.clone()));
    assert!(Reader::event(&bytes).is_ok());
    assert_eq!(bytes[body_offset(&event)], 32);
}

/// The canonical bytes of a "you said, we did" entry about W3 from a survey of 212.
const COPRODUCTION_HEX: &str = concat!(
    "010c666666666666666666666666666666666666666666666666666666666666",
    "6666fd004cae5b01030000fbe607050a07612e706174656c02200257330c4861",
    "726420746f2066696e640f50616765732072657772697474656e000a50434620",
    "73757276657901d4",
);

#[test]
fn plans_and_monitoring_reviews_have_their_golden_bytes() {
    use wsoa_core::PlanId;
    use wsoa_core::event::{
        MonitoringReviewed, PlanKind, PlanStarted, PlanStep, PlanStepRecorded,
        WorkstreamCreatedInPlan,
    };
    let app1: PlanId = "APP1".parse().expect("id");
    let bodies = [
        EventBody::PlanStarted(PlanStarted {
            id: app1.clone(),
            kind: PlanKind::App,
            title: "APP".to_owned(),
            answers: vec![w("W2"), w("W4")],
        }),
        EventBody::WorkstreamCreatedInPlan(WorkstreamCreatedInPlan {
            id: ws("WS5"),
            title: "Panel".to_owned(),
            sponsor: "DCS".to_owned(),
            weaknesses: vec![w("W2")],
            plan: app1.clone(),
        }),
        EventBody::PlanStepRecorded(PlanStepRecorded {
            plan: app1.clone(),
            step: PlanStep::Submitted,
            version: 1,
            summary: None,
        }),
        EventBody::MonitoringReviewed(MonitoringReviewed {
            plan: app1,
            by: "DfE".to_owned(),
            summary: "Good".to_owned(),
            continues: vec![ws("WS6")],
            ended: vec![ws("WS5")],
        }),
    ];
    for ((n, body), expected) in (0_u8..).zip(bodies).zip(PLAN_HEX) {
        let event = Event {
            format: 1,
            seq: 13 + u64::from(n),
            prev: Digest([0x77; 32]),
            recorded_at: 1_677_672_000_000,
            occurred_on: date("2023-03-01"),
            actor: actor("a.patel", Role::Officer),
            body,
        };
        let bytes = encode_event(&event);
        assert_eq!(hex::encode(&bytes), expected.concat(), "tag {}", 33 + n);
        assert_eq!(decode_event(&bytes), Ok(event.clone()));
        assert!(Reader::event(&bytes).is_ok());
        assert_eq!(bytes[body_offset(&event)], 33 + n);
    }
}

/// The canonical bytes of plan APP1 started, its workstream WS5, its submission and a review
/// ending WS5's monitoring (events 13 to 16, docs/FORMAT.md section 24).
const PLAN_HEX: [&[&str]; 4] = [
    &[
        "010d7777777777777777777777777777777777777777777777777777777777777777",
        "fd0054163a0d030000fbe707030107612e706174656c02",
        "21",
        "0441505031",
        "01",
        "03415050",
        "02025732025734",
    ],
    &[
        "010e7777777777777777777777777777777777777777777777777777777777777777",
        "fd0054163a0d030000fbe707030107612e706174656c02",
        "22",
        "03575335",
        "0550616e656c",
        "03444353",
        "01025732",
        "0441505031",
    ],
    &[
        "010f7777777777777777777777777777777777777777777777777777777777777777",
        "fd0054163a0d030000fbe707030107612e706174656c02",
        "23",
        "0441505031",
        "00",
        "01",
        "00",
    ],
    &[
        "01107777777777777777777777777777777777777777777777777777777777777777",
        "fd0054163a0d030000fbe707030107612e706174656c02",
        "24",
        "0441505031",
        "03446645",
        "04476f6f64",
        "0103575336",
        "0103575335",
    ],
];

fn measure_m4() -> MeasureDefined {
    MeasureDefined {
        id: wsoa_core::MeasureId::new("M4").expect("id"),
        title: "Reviews on time".to_owned(),
        unit: "%".to_owned(),
        baseline: "30".parse().expect("decimal"),
        baseline_on: date("2023-03-31"),
        target: "90".parse().expect("decimal"),
        target_by: date("2025-03-31"),
        better: Direction::HigherIsBetter,
        weaknesses: vec![w("AP1")],
    }
}

#[test]
fn measures_with_a_trajectory_and_packs_have_their_golden_bytes() {
    use wsoa_core::event::{
        MeasureAmended, MeasureDefinedWithTrajectory, PackSent, Period, TrajectoryPoint,
    };
    let event = |seq: u64, body: EventBody| Event {
        format: 1,
        seq,
        prev: Digest([0x77; 32]),
        recorded_at: 1_712_145_600_000,
        occurred_on: date("2024-04-03"),
        actor: actor("a.patel", Role::Officer),
        body,
    };
    let point = |on: &str, value: &str| TrajectoryPoint {
        on: date(on),
        value: value.parse().expect("decimal"),
    };
    let defined = event(
        13,
        EventBody::MeasureDefinedWithTrajectory(MeasureDefinedWithTrajectory {
            measure: measure_m4(),
            definition: Some("Held in 12 months".to_owned()),
            period: Some(Period::FinancialYear),
            trajectory: vec![point("2024-03-31", "50"), point("2025-03-31", "90")],
        }),
    );
    let amended = event(
        14,
        EventBody::MeasureAmended(MeasureAmended {
            id: wsoa_core::MeasureId::new("M4").expect("id"),
            definition: None,
            period: Some(Period::Quarter),
            trajectory: Some(vec![point("2024-09-30", "60")]),
        }),
    );
    let sent = event(
        15,
        EventBody::PackSent(PackSent {
            purpose: "APP review".to_owned(),
            to: "DfE adviser".to_owned(),
            as_of: date("2024-03-31"),
            events: 13,
            head: Digest([0x11; 32]),
            file_name: "pack.wsoa".to_owned(),
            file_hash: Digest([0x22; 32]),
            size: 4096,
        }),
    );
    for (event, hex_bytes, tag) in [
        (&defined, TRAJECTORY_HEX[0], 37),
        (&amended, TRAJECTORY_HEX[1], 38),
        (&sent, TRAJECTORY_HEX[2], 39),
    ] {
        let bytes = encode_event(event);
        assert_eq!(
            hex::encode(&bytes),
            hex_bytes.concat(),
            "{}",
            event.body.kind()
        );
        assert_eq!(decode_event(&bytes), Ok(event.clone()));
        assert!(Reader::event(&bytes).is_ok(), "{}", event.body.kind());
        assert_eq!(bytes[body_offset(event)], tag);
    }
}

/// The canonical bytes of measure M4 with its definition, period and trajectory, of its
/// amendment, and of a pack sent.
const TRAJECTORY_HEX: [&[&str]; 3] = [
    &[
        "010d777777777777777777777777777777777777777777777777777777777777",
        "7777fd001ca9471d030000fbe807040307612e706174656c0225024d340f5265",
        "7669657773206f6e2074696d650125023330fbe707031f023930fbe907031f00",
        "0103415031011148656c6420696e203132206d6f6e746873010402fbe807031f",
        "023530fbe907031f023930",
    ],
    &[
        "010e777777777777777777777777777777777777777777777777777777777777",
        "7777fd001ca9471d030000fbe807040307612e706174656c0226024d34000101",
        "0101fbe807091e023630",
    ],
    &[
        "010f777777777777777777777777777777777777777777777777777777777777",
        "7777fd001ca9471d030000fbe807040307612e706174656c02270a4150502072",
        "65766965770b4466452061647669736572fbe807031f0d111111111111111111",
        "1111111111111111111111111111111111111111111111097061636b2e77736f",
        "6122222222222222222222222222222222222222222222222222222222222222",
        "22fb0010",
    ],
];

#[test]
fn a_visit_with_points_tied_to_findings_and_its_letter_has_its_golden_bytes() {
    use wsoa_core::event::{MonitoringVisitFeedback, VisitPoint};
    let event = Event {
        format: 1,
        seq: 16,
        prev: Digest([0x77; 32]),
        recorded_at: 1_712_145_600_000,
        occurred_on: date("2024-04-03"),
        actor: actor("a.patel", Role::Officer),
        body: EventBody::MonitoringVisitFeedback(MonitoringVisitFeedback {
            by: "DfE adviser".to_owned(),
            summary: None,
            strengths: vec![VisitPoint {
                text: "Plans on time".to_owned(),
                about: vec![w("AP1")],
            }],
            concerns: vec![VisitPoint::general("Slow")],
            next_steps: vec![],
            letter: Some(e("E2")),
        }),
    };
    let bytes = encode_event(&event);
    assert_eq!(hex::encode(&bytes), VISIT_FEEDBACK_HEX.concat());
    assert_eq!(decode_event(&bytes), Ok(event.clone()));
    assert!(Reader::event(&bytes).is_ok());
    assert_eq!(bytes[body_offset(&event)], 40);
}

/// The canonical bytes of a monitoring visit whose strength concerns AP1, with letter E2.
const VISIT_FEEDBACK_HEX: [&str; 4] = [
    "0110777777777777777777777777777777777777777777777777777777777777",
    "7777fd001ca9471d030000fbe807040307612e706174656c02280b4466452061",
    "64766973657200010d506c616e73206f6e2074696d6501034150310104536c6f",
    "77000001024532",
];
