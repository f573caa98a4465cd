//! The demo story: a realistic, deterministic history of a fictional local area's Written
//! Statement of Action, as the commands (with their actors, dates and evidence files) that would
//! record it. Pure: no I/O, no clock, and randomness only from a fixed-seed generator, so the same
//! call always tells the same story.
//!
//! The base story follows "Northshire local area" from its 2021 inspection to a revisit in
//! preparation in late 2022. Asked for more events, the story grows the way a large area or a
//! region would: locality workstreams, waves of actions and a steady stream of updates, measure
//! values, board reviews and evidence, to the end of October 2023. It is produced a day at a
//! time, so a million events stream without ever being held in memory together.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, VecDeque};

use crate::chain::content_hash;
use crate::command::{AddNote, AttachEvidence, Command, RaiseRisk};
use crate::date::Date;
use crate::decimal::Decimal;
use crate::event::{
    ActionAmended, ActionCreated, ActionStatusChanged, Actor, Assessment, CorrectionRecorded,
    Direction, EvidenceKind, InspectionRecorded, LedgerOpened, MeasureDefined, MeasureRecorded,
    MonitoringVisitFeedback, ProgressReviewed, Rag, Rating, RevisitScheduled, RiskClosed,
    RiskLevel, RiskUpdated, Role, Status, WeaknessRecorded, WorkstreamAmended, WorkstreamCreated,
};
use crate::ids::{ActionId, MeasureId, RiskId, SubjectKind, SubjectRef, WeaknessId, WorkstreamId};

pub mod framework2023;

/// The story recorded in a ledger in memory, through the same rules as the stored ledger: the
/// fixed history that tests, snapshots and benchmarks of the projections read.
///
/// # Panics
/// If the story breaks a rule, which the story's own tests rule out.
pub fn in_memory(target_events: Option<u64>) -> crate::memory::MemoryLedger {
    let mut ledger = crate::memory::MemoryLedger::new();
    for (index, step) in story(target_events).enumerate() {
        if step.pack_order().is_some() {
            continue;
        }
        if let Err(rejection) = ledger.record(
            &step.command,
            step.actor,
            step.occurred_on,
            step.recorded_at,
        ) {
            panic!("step {index} of the demo story is refused: {rejection}");
        }
    }
    ledger
}

/// The fictional local area the demo story is about.
pub const AREA: &str = "Northshire local area";

/// A file attached as evidence in the story: small generated text, never real personal data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoFile {
    /// The file's name.
    pub file_name: String,
    /// Its media type (`text/csv`).
    pub media_type: String,
    /// Its content.
    pub content: Vec<u8>,
}

/// One step of the story: a command with the envelope it is recorded with, and for evidence the
/// file whose hash and size its `AttachEvidence` carries.
///
/// A `RecordPack` step is an order for an evidence pack (see [`DemoStep::pack_order`]): the pack
/// file is a bundle of the stored ledger, so whoever records the story in a store (`wsoa demo`)
/// cuts the file and fills in the events it holds, their head and the file's hash and size. A
/// recorder without a store, as [`in_memory`], leaves such steps out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoStep {
    /// What is recorded.
    pub command: Command,
    /// Who records it.
    pub actor: Actor,
    /// The business date on which it happened.
    pub occurred_on: Date,
    /// When it is recorded, Unix milliseconds; never earlier than the step before, and never
    /// on a day before `occurred_on`.
    pub recorded_at: i64,
    /// The evidence file, for `AttachEvidence` steps.
    pub file: Option<DemoFile>,
}

impl DemoStep {
    /// The pack this step orders, if it is a `RecordPack` step: what it is for, to whom, its
    /// cut-off and its file's name, with the facts only the file can give left zero.
    pub fn pack_order(&self) -> Option<&crate::event::PackSent> {
        match &self.command {
            Command::RecordPack(order) => Some(order),
            _ => None,
        }
    }
}

/// The story; with `target_events` it grows (more workstreams, actions and updates over a longer
/// period, as a large area or a region would have) to about that many events.
///
/// Without a target, or with one no larger than the base story, it is the base story (about 170
/// events, 2021 to 2022). Every step is accepted by `decide` when applied in order, and the same
/// argument always gives the same steps.
pub fn story(target_events: Option<u64>) -> impl Iterator<Item = DemoStep> {
    Story::new(target_events)
}

// ---------------------------------------------------------------------------------------------
// Randomness and small helpers
// ---------------------------------------------------------------------------------------------

/// splitmix64: tiny, fast and good enough to vary a story; seeded, so always the same story.
#[derive(Clone, Debug)]
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// A number in `low..=high`.
    fn between(&mut self, low: i64, high: i64) -> i64 {
        low + self.below((high - low + 1) as u64) as i64
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const DAY_MS: i64 = 86_400_000;

fn d(year: u16, month: u8, day: u8) -> Date {
    Date::new(year, month, day).expect("the demo story's dates are real")
}

fn ymd((year, month, day): (u16, u8, u8)) -> Date {
    d(year, month, day)
}

fn add_days(date: Date, days: i64) -> Date {
    Date::from_days_since_epoch(date.days_since_epoch() + days)
        .expect("the demo story's dates stay within the supported years")
}

/// Monday is 0, Sunday is 6.
fn weekday(date: Date) -> i64 {
    (date.days_since_epoch() + 3).rem_euclid(7)
}

/// A weekday outside the Christmas break.
fn is_workday(date: Date) -> bool {
    weekday(date) < 5 && !matches!((date.month(), date.day()), (12, 25..=31) | (1, 1))
}

fn last_day_of_previous_month(date: Date) -> Date {
    add_days(d(date.year(), date.month(), 1), -1)
}

fn reference(kind: SubjectKind, id: &str) -> SubjectRef {
    SubjectRef {
        kind: Some(kind),
        id: id.to_owned(),
    }
}

fn action_id(id: &str) -> ActionId {
    ActionId::new(id).expect("the demo story's action ids are valid")
}

fn workstream_id(id: &str) -> WorkstreamId {
    WorkstreamId::new(id).expect("the demo story's workstream ids are valid")
}

fn weakness_id(id: &str) -> WeaknessId {
    WeaknessId::new(id).expect("the demo story's weakness ids are valid")
}

fn measure_id(id: &str) -> MeasureId {
    MeasureId::new(id).expect("the demo story's measure ids are valid")
}

fn risk_id(id: &str) -> RiskId {
    RiskId::new(id).expect("the demo story's risk ids are valid")
}

fn decimal(text: &str) -> Decimal {
    text.parse().expect("the demo story's values are decimals")
}

/// A value held in tenths, as the story writes it: one decimal place for percentages, whole
/// numbers for counts.
fn tenths(value: i64, one_place: bool) -> Decimal {
    let value = value.max(0);
    if one_place {
        decimal(&format!("{}.{}", value / 10, value % 10))
    } else {
        decimal(&(value / 10).to_string())
    }
}

fn status_change(id: &str, status: Status, rag: Rag, note: &str) -> Command {
    Command::ChangeActionStatus(ActionStatusChanged {
        id: action_id(id),
        status,
        rag: Some(rag),
        note: Some(note.to_owned()),
    })
}

fn note(kind: SubjectKind, id: &str, text: &str, from: Option<&str>) -> Command {
    Command::AddNote(AddNote {
        about: reference(kind, id),
        text: text.to_owned(),
        from: from.map(str::to_owned),
    })
}

fn measure_value(id: &str, value: Decimal, source: &str) -> Command {
    Command::RecordMeasure(MeasureRecorded {
        id: measure_id(id),
        value,
        source: Some(source.to_owned()),
    })
}

/// An `AttachEvidence` command and its file; the hash and size are the content's own.
fn evidence(
    title: &str,
    kind: EvidenceKind,
    supports: Vec<SubjectRef>,
    file_name: &str,
    content: String,
) -> (Command, DemoFile) {
    let media_type = match file_name.rsplit('.').next() {
        Some("csv") => "text/csv",
        Some("md") => "text/markdown",
        _ => "text/plain",
    };
    let content = content.into_bytes();
    let command = Command::AttachEvidence(AttachEvidence {
        id: None,
        content_hash: content_hash(&content),
        file_name: file_name.to_owned(),
        media_type: media_type.to_owned(),
        size: content.len() as u64,
        title: title.to_owned(),
        kind,
        supports,
    });
    let file = DemoFile {
        file_name: file_name.to_owned(),
        media_type: media_type.to_owned(),
        content,
    };
    (command, file)
}

// ---------------------------------------------------------------------------------------------
// Planned steps and the script they are written in
// ---------------------------------------------------------------------------------------------

/// Events that a later step needs the sequence number of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Mark {
    /// The Local Offer value typed with its digits transposed.
    MistypedValue,
}

/// A step before its time of day is known.
#[derive(Debug)]
struct Planned {
    recorded_on: Date,
    occurred_on: Date,
    actor: String,
    command: Command,
    file: Option<DemoFile>,
    /// Remember this step's sequence number under this mark.
    mark: Option<Mark>,
    /// This step is a correction of the step with this mark.
    corrects: Option<Mark>,
}

#[derive(Default)]
struct Script {
    steps: Vec<Planned>,
}

impl Script {
    /// A step recorded on the day it happened.
    fn on(&mut self, day: Date, actor: &str, command: Command) -> &mut Planned {
        self.late(day, day, actor, command)
    }

    /// A step recorded on `recorded_on`, about something that happened on `occurred_on`.
    fn late(
        &mut self,
        occurred_on: Date,
        recorded_on: Date,
        actor: &str,
        command: Command,
    ) -> &mut Planned {
        self.steps.push(Planned {
            recorded_on,
            occurred_on,
            actor: actor.to_owned(),
            command,
            file: None,
            mark: None,
            corrects: None,
        });
        self.steps.last_mut().expect("a step was just pushed")
    }

    fn attach(
        &mut self,
        occurred_on: Date,
        recorded_on: Date,
        actor: &str,
        (command, file): (Command, DemoFile),
    ) {
        self.late(occurred_on, recorded_on, actor, command).file = Some(file);
    }

    /// The steps in the order they are recorded (steps of one day keep the order written).
    fn into_steps(mut self) -> Vec<Planned> {
        self.steps.sort_by_key(|step| step.recorded_on);
        self.steps
    }
}

// ---------------------------------------------------------------------------------------------
// The base story
// ---------------------------------------------------------------------------------------------

const PM: &str = "Tom Ellery (SEND Improvement Programme Manager)";
const HEAD: &str = "Daniel Okafor (Head of SEND Services)";
const QA: &str = "Priya Raman (SEND QA Officer)";
const BOARD: &str = "Grace Whitfield (SEND Board Business Support Officer)";
const DCO: &str = "Helen Marsh (Designated Clinical Officer)";
const COPRO: &str = "Amira Haddad (Participation and Co-production Lead)";
const BI: &str = "Owen Pritchard (Business Intelligence Manager)";
const COMMISSIONING: &str = "Rachel Dunmore (Head of Joint Commissioning)";
const LOCAL_OFFER: &str = "Joe Castellan (Local Offer Manager)";

const FORUM: &str = "Northshire Parent Carer Forum";
const BOARD_NAME: &str = "Northshire SEND Improvement Board";
const ADVISERS: &str = "DfE SEND adviser and NHS England SEND adviser";

const WEAKNESSES: [(&str, &str, &str); 5] = [
    (
        "W1",
        "Strategic leadership and joint commissioning",
        "Leaders across education, health and care do not plan or commission services together well enough. Joint commissioning arrangements are underdeveloped and, as a result, there are gaps in provision, including in speech and language therapy and in support for children and young people's emotional and mental health.",
    ),
    (
        "W2",
        "Timeliness and quality of EHC plans",
        "Too many education, health and care (EHC) plans are not completed within the statutory 20 weeks. The quality of plans is too variable. Advice from health and social care is often late or missing, and plans do not capture well enough the outcomes that children, young people and their families want.",
    ),
    (
        "W3",
        "Quality assurance and the use of performance information",
        "There is no quality assurance framework for the local area's work for children and young people with SEND. Leaders do not use the information they hold well enough to evaluate the impact of their work or to target improvement.",
    ),
    (
        "W4",
        "Waiting times for neurodevelopmental assessment",
        "Children and young people wait too long for assessment on the autism spectrum condition and attention deficit hyperactivity disorder pathways. Families receive little support while they wait, and too many reach crisis before help arrives.",
    ),
    (
        "W5",
        "Co-production with families and the Local Offer",
        "Parents and carers do not feel listened to, and too many lack confidence in the local area's ability to meet their children's needs. Co-production is at an early stage. The local offer is not well known, and families find it hard to use.",
    ),
];

const WORKSTREAMS: [(&str, &str, &str, &[&str]); 5] = [
    (
        "WS1",
        "Joint commissioning and strategic leadership",
        "Catherine Aldous, Director of Children's Services, Northshire County Council",
        &["W1"],
    ),
    (
        "WS2",
        "EHC needs assessment: timeliness and quality",
        "Mark Fenwick, Assistant Director, Education and Inclusion",
        &["W2"],
    ),
    (
        "WS3",
        "Quality assurance framework and performance information",
        "Dr Ruth Ogundipe, Assistant Director, Quality and Performance",
        &["W3", "W2"],
    ),
    (
        "WS4",
        "Neurodevelopmental pathway and health provision",
        "Sarah Lindqvist, Director of Nursing and Quality, NHS Northshire CCG",
        &["W4"],
    ),
    (
        "WS5",
        "Co-production, communication and the Local Offer",
        "James Whitcombe, Service Director, Early Help and Partnerships",
        &["W5"],
    ),
];

type ActionRow = (
    &'static str,
    &'static str,
    &'static str,
    (u16, u8, u8),
    &'static [&'static str],
);

const ACTIONS: [ActionRow; 25] = [
    (
        "1.1",
        "Establish a SEND Improvement Board with an independent chair and terms of reference agreed by all partners",
        "Head of SEND Services",
        (2021, 9, 30),
        &[
            "Board meets every eight weeks with education, health, social care and parent carer forum members",
            "Terms of reference agreed by the council, the CCG and the forum",
        ],
    ),
    (
        "1.2",
        "Complete a joint strategic needs assessment for children and young people with SEND aged 0 to 25",
        "Public Health Consultant (Children and Young People)",
        (2022, 1, 31),
        &["Needs assessment published and used to set commissioning priorities"],
    ),
    (
        "1.3",
        "Agree a joint SEND commissioning strategy, signed off by the council's cabinet and the CCG governing body",
        "Head of Joint Commissioning",
        (2022, 3, 31),
        &[
            "Strategy approved by both partners",
            "Parent carer forum co-authors the strategy",
        ],
    ),
    (
        "1.4",
        "Jointly commission speech and language therapy for children and young people aged 0 to 25",
        "Head of Joint Commissioning",
        (2022, 9, 30),
        &[
            "Service starts under one joint specification",
            "Waiting time for therapy under 12 weeks",
        ],
    ),
    (
        "1.5",
        "Agree a section 75 pooled budget for jointly funded placements",
        "Finance Business Partner, Children's Services",
        (2022, 12, 31),
        &["Section 75 agreement signed by both partners"],
    ),
    (
        "2.1",
        "Recruit additional educational psychologists and EHC coordinators to clear the backlog of assessments",
        "Head of SEND Services",
        (2021, 12, 31),
        &[
            "All funded posts filled",
            "No EHC needs assessment waiting more than two weeks for allocation",
        ],
    ),
    (
        "2.2",
        "Run a weekly multi-agency EHC panel with health and social care at every meeting",
        "SEND Assessment and Planning Team Manager",
        (2021, 10, 31),
        &["Health and social care present at 90% of panels"],
    ),
    (
        "2.3",
        "Agree service standards for health and social care advice, returned within six weeks",
        "Designated Clinical Officer",
        (2022, 1, 31),
        &["85% of health advice and 75% of social care advice returned within six weeks"],
    ),
    (
        "2.4",
        "Train every EHC coordinator in writing person-centred, outcome-focused plans",
        "SEND Workforce Development Lead",
        (2022, 3, 31),
        &[
            "All EHC coordinators and team managers trained",
            "Audits show improved outcomes sections",
        ],
    ),
    (
        "2.5",
        "Redesign annual reviews so that plans are amended within four weeks of the review meeting",
        "SEND Assessment and Planning Team Manager",
        (2022, 7, 31),
        &["80% of amendments issued within four weeks"],
    ),
    (
        "3.1",
        "Appoint a SEND quality assurance officer, jointly with the CCG",
        "Assistant Director, Quality and Performance",
        (2021, 10, 31),
        &["Officer in post"],
    ),
    (
        "3.2",
        "Agree a local area quality assurance framework with a four-level multi-agency EHC plan audit",
        "SEND QA Officer",
        (2021, 12, 31),
        &[
            "Framework agreed by the Board",
            "Audit tool used by education, health and care",
        ],
    ),
    (
        "3.3",
        "Build a multi-agency SEND performance dashboard, reported to the Board every month",
        "Business Intelligence Manager",
        (2022, 2, 28),
        &["Dashboard reported monthly to the Board"],
    ),
    (
        "3.4",
        "Run termly multi-agency audits of EHC plans and report the findings to the Board",
        "SEND QA Officer",
        (2022, 6, 30),
        &[
            "Two termly audits completed",
            "70% of audited plans good or better by December 2022",
        ],
    ),
    (
        "3.5",
        "Publish a SEND self-evaluation, updated every term",
        "SEND Improvement Programme Manager",
        (2022, 10, 31),
        &["Self-evaluation agreed by the Board and published"],
    ),
    (
        "4.1",
        "Recruit to a full-time Designated Clinical Officer post",
        "Head of Children's Commissioning, NHS Northshire CCG",
        (2021, 8, 31),
        &["Full-time DCO in post"],
    ),
    (
        "4.2",
        "Commission additional neurodevelopmental assessment capacity to reduce the waiting list",
        "Head of Children's Commissioning, NHS Northshire CCG",
        (2022, 3, 31),
        &[
            "60 additional assessments a month",
            "Fewer than 450 children waiting over 18 weeks by December 2022",
        ],
    ),
    (
        "4.3",
        "Introduce a single point of access and triage for neurodevelopmental referrals",
        "Clinical Lead, Community Paediatrics",
        (2022, 4, 30),
        &["All referrals triaged within 10 working days"],
    ),
    (
        "4.4",
        "Provide pre- and post-diagnostic support for families waiting for assessment",
        "Head of Children's Commissioning, NHS Northshire CCG",
        (2022, 6, 30),
        &[
            "Monthly workshops in every locality",
            "Families report feeling supported while they wait",
        ],
    ),
    (
        "4.5",
        "Train health visitors and school nurses to identify SEND early",
        "Designated Clinical Officer",
        (2022, 11, 30),
        &["90% of health visitors and school nurses trained"],
    ),
    (
        "5.1",
        "Agree a co-production charter with the Northshire Parent Carer Forum",
        "Participation and Co-production Lead",
        (2021, 11, 30),
        &["Charter signed by all partners and the forum"],
    ),
    (
        "5.2",
        "Relaunch the Local Offer website, designed with parents and young people",
        "Local Offer Manager",
        (2022, 2, 28),
        &["New site live", "9,000 visitors a month by September 2022"],
    ),
    (
        "5.3",
        "Run a termly survey of parents and carers and publish 'You said, we did'",
        "Participation and Co-production Lead",
        (2022, 5, 31),
        &[
            "At least 500 responses each term",
            "'You said, we did' published each term",
        ],
    ),
    (
        "5.4",
        "Set up a young people's SEND advisory group for ages 14 to 25",
        "Participation and Co-production Lead",
        (2022, 7, 31),
        &["Group meets every half-term and advises the Board"],
    ),
    (
        "5.5",
        "Publish a SEND newsletter for families every half-term",
        "Local Offer Manager",
        (2023, 2, 28),
        &["Newsletter reaches 3,000 families"],
    ),
];

type Update = (
    &'static str,
    (u16, u8, u8),
    Option<(u16, u8, u8)>,
    &'static str,
    Status,
    Rag,
    &'static str,
);

/// Status changes: action, the day it happened, the day it was recorded when later, who, the new
/// status and RAG, and the update.
const UPDATES: &[Update] = &[
    (
        "4.1",
        (2021, 7, 27),
        None,
        DCO,
        Status::InProgress,
        Rag::Green,
        "Interviews held on 26 July; a preferred candidate has been identified.",
    ),
    (
        "2.1",
        (2021, 8, 12),
        None,
        HEAD,
        Status::InProgress,
        Rag::Green,
        "Four educational psychologist and three EHC coordinator posts advertised.",
    ),
    (
        "1.1",
        (2021, 8, 26),
        None,
        HEAD,
        Status::InProgress,
        Rag::Green,
        "Independent chair appointed; the first meeting is set for 23 September 2021.",
    ),
    (
        "1.2",
        (2021, 9, 2),
        None,
        PM,
        Status::InProgress,
        Rag::Green,
        "Public health analysts have started the SEND needs assessment; data-sharing agreement with the CCG signed.",
    ),
    (
        "5.1",
        (2021, 9, 9),
        None,
        COPRO,
        Status::InProgress,
        Rag::Green,
        "Drafting group of forum members and officers formed; first workshop held on 8 September.",
    ),
    (
        "2.2",
        (2021, 9, 16),
        None,
        HEAD,
        Status::InProgress,
        Rag::Green,
        "Panel redesigned; health and social care members nominated.",
    ),
    (
        "3.1",
        (2021, 9, 16),
        None,
        PM,
        Status::InProgress,
        Rag::Green,
        "Joint post with the CCG advertised.",
    ),
    (
        "1.1",
        (2021, 9, 23),
        None,
        BOARD,
        Status::Complete,
        Rag::Green,
        "The Board met for the first time on 23 September 2021. Terms of reference agreed by the council, the CCG and the parent carer forum.",
    ),
    (
        "1.3",
        (2021, 10, 7),
        None,
        COMMISSIONING,
        Status::InProgress,
        Rag::Green,
        "Drafting group of council and CCG commissioners formed; the parent carer forum has two seats.",
    ),
    (
        "3.2",
        (2021, 10, 7),
        None,
        PM,
        Status::InProgress,
        Rag::Green,
        "Draft framework shared with health and social care partners for comment.",
    ),
    (
        "5.2",
        (2021, 10, 7),
        None,
        LOCAL_OFFER,
        Status::InProgress,
        Rag::Green,
        "Design workshops booked with parents and young people; web supplier appointed.",
    ),
    (
        "4.1",
        (2021, 9, 20),
        Some((2021, 10, 14)),
        DCO,
        Status::Complete,
        Rag::Green,
        "Full-time Designated Clinical Officer in post from 20 September 2021. Recorded late: the start date was confirmed after the CCG's employment checks.",
    ),
    (
        "2.3",
        (2021, 10, 21),
        None,
        DCO,
        Status::InProgress,
        Rag::Amber,
        "Only 48% of health advice was returned within six weeks in September.",
    ),
    (
        "3.1",
        (2021, 10, 21),
        None,
        PM,
        Status::InProgress,
        Rag::Amber,
        "The first recruitment round did not appoint.",
    ),
    (
        "2.2",
        (2021, 10, 28),
        None,
        HEAD,
        Status::Complete,
        Rag::Green,
        "Weekly multi-agency EHC panel running since 4 October; health and social care were present at all four panels in October.",
    ),
    (
        "4.2",
        (2021, 10, 28),
        None,
        DCO,
        Status::InProgress,
        Rag::Green,
        "Additional capacity procured from an independent provider: 60 assessments a month from January 2022.",
    ),
    (
        "2.1",
        (2021, 11, 4),
        None,
        HEAD,
        Status::InProgress,
        Rag::Amber,
        "Three EHC coordinators appointed, but only two of the four educational psychologist posts filled.",
    ),
    (
        "2.4",
        (2021, 11, 11),
        None,
        HEAD,
        Status::InProgress,
        Rag::Green,
        "Training designed with the parent carer forum and SENDIASS; six sessions booked for January and February 2022.",
    ),
    (
        "3.3",
        (2021, 11, 18),
        None,
        BI,
        Status::InProgress,
        Rag::Green,
        "Indicator set agreed with the Board's performance sub-group.",
    ),
    (
        "5.1",
        (2021, 11, 25),
        None,
        COPRO,
        Status::Complete,
        Rag::Green,
        "Co-production charter signed by all partners and the forum at a joint event on 24 November 2021.",
    ),
    (
        "1.2",
        (2021, 12, 2),
        None,
        PM,
        Status::InProgress,
        Rag::Amber,
        "Health data for 19 to 25 year olds is incomplete; the CCG is extracting it from GP records.",
    ),
    (
        "4.3",
        (2021, 12, 2),
        None,
        DCO,
        Status::InProgress,
        Rag::Green,
        "Referral form and triage criteria agreed with community paediatrics and CAMHS.",
    ),
    (
        "3.2",
        (2021, 12, 16),
        None,
        HEAD,
        Status::Complete,
        Rag::Green,
        "QA framework agreed by the Board on 9 December 2021, including the four-level multi-agency EHC plan audit.",
    ),
    (
        "4.2",
        (2022, 1, 6),
        None,
        DCO,
        Status::InProgress,
        Rag::Red,
        "Omicron: community paediatric clinics redeployed and the provider's start delayed.",
    ),
    (
        "2.4",
        (2022, 1, 13),
        None,
        HEAD,
        Status::InProgress,
        Rag::Red,
        "January sessions cancelled because of Omicron staff absence.",
    ),
    (
        "5.3",
        (2022, 1, 20),
        None,
        COPRO,
        Status::InProgress,
        Rag::Green,
        "Spring survey designed with the forum; it opens on 1 March.",
    ),
    (
        "4.4",
        (2022, 1, 20),
        None,
        DCO,
        Status::InProgress,
        Rag::Green,
        "Workshop programme for waiting families designed with the forum and the autism outreach team.",
    ),
    (
        "1.4",
        (2022, 1, 20),
        None,
        COMMISSIONING,
        Status::InProgress,
        Rag::Green,
        "Service specification co-written with the forum; market engagement event held on 18 January.",
    ),
    (
        "3.1",
        (2022, 1, 24),
        None,
        HEAD,
        Status::Complete,
        Rag::Green,
        "SEND quality assurance officer started on 24 January 2022.",
    ),
    (
        "2.3",
        (2022, 1, 27),
        None,
        DCO,
        Status::InProgress,
        Rag::Green,
        "Standards agreed by all health providers; 71% of health advice returned within six weeks in December.",
    ),
    (
        "3.3",
        (2022, 1, 27),
        None,
        BI,
        Status::InProgress,
        Rag::Amber,
        "Waiting for the new case management system, whose go-live has moved to April.",
    ),
    (
        "1.3",
        (2022, 2, 3),
        None,
        COMMISSIONING,
        Status::InProgress,
        Rag::Amber,
        "Cabinet sign-off moved to April so that the strategy can use the needs assessment.",
    ),
    (
        "3.4",
        (2022, 2, 10),
        None,
        QA,
        Status::InProgress,
        Rag::Green,
        "First multi-agency audit of 30 plans under way.",
    ),
    (
        "1.2",
        (2022, 2, 17),
        None,
        PM,
        Status::Complete,
        Rag::Green,
        "SEND needs assessment published on the Local Offer; it goes to the Board on 24 February.",
    ),
    (
        "2.4",
        (2022, 2, 24),
        None,
        HEAD,
        Status::InProgress,
        Rag::Amber,
        "Sessions moved online; four of six delivered.",
    ),
    (
        "5.2",
        (2022, 2, 28),
        Some((2022, 3, 3)),
        LOCAL_OFFER,
        Status::Complete,
        Rag::Green,
        "New Local Offer website launched on 28 February 2022, designed with 14 parents and 9 young people.",
    ),
    (
        "2.5",
        (2022, 3, 3),
        None,
        HEAD,
        Status::InProgress,
        Rag::Green,
        "New annual review paperwork co-produced with schools and families.",
    ),
    (
        "2.1",
        (2022, 3, 10),
        None,
        HEAD,
        Status::InProgress,
        Rag::Green,
        "Two further educational psychologists appointed, starting in April; locum cover until then.",
    ),
    (
        "4.2",
        (2022, 3, 17),
        None,
        DCO,
        Status::InProgress,
        Rag::Amber,
        "The provider started on 7 March; 41 assessments completed in March.",
    ),
    (
        "2.3",
        (2022, 3, 24),
        None,
        DCO,
        Status::Complete,
        Rag::Green,
        "Standards signed by all providers and social care: in February 86% of health advice and 79% of social care advice were returned within six weeks.",
    ),
    (
        "5.4",
        (2022, 3, 24),
        None,
        COPRO,
        Status::InProgress,
        Rag::Amber,
        "Recruiting young people is slower than planned; working with colleges and the youth service.",
    ),
    (
        "1.3",
        (2022, 4, 12),
        None,
        COMMISSIONING,
        Status::Complete,
        Rag::Green,
        "Joint commissioning strategy 2022 to 2025 approved by the CCG governing body on 6 April and by cabinet on 12 April 2022.",
    ),
    (
        "2.4",
        (2022, 4, 14),
        None,
        HEAD,
        Status::Complete,
        Rag::Green,
        "All 38 EHC coordinators and 11 team managers trained; attendance record attached.",
    ),
    (
        "2.1",
        (2022, 4, 28),
        None,
        HEAD,
        Status::Complete,
        Rag::Green,
        "All posts filled. Overdue assessments fell from 142 in October to 37.",
    ),
    (
        "5.5",
        (2022, 4, 28),
        None,
        LOCAL_OFFER,
        Status::InProgress,
        Rag::Green,
        "First issue of the families' newsletter published.",
    ),
    (
        "4.3",
        (2022, 5, 5),
        None,
        DCO,
        Status::Complete,
        Rag::Green,
        "Single point of access live since 3 May; all referrals triaged within 10 working days.",
    ),
    (
        "3.5",
        (2022, 5, 5),
        None,
        PM,
        Status::InProgress,
        Rag::Green,
        "Self-evaluation template agreed; workstream leads drafting their sections.",
    ),
    (
        "1.5",
        (2022, 5, 12),
        None,
        COMMISSIONING,
        Status::InProgress,
        Rag::Amber,
        "Legal advice on the section 75 agreement received; finance leads agreeing each partner's contribution.",
    ),
    (
        "3.3",
        (2022, 5, 26),
        None,
        BI,
        Status::Complete,
        Rag::Green,
        "Dashboard live; it goes to the Board every month from June.",
    ),
    (
        "5.3",
        (2022, 5, 27),
        None,
        COPRO,
        Status::Complete,
        Rag::Green,
        "Spring survey: 612 responses. 'You said, we did' published on the Local Offer.",
    ),
    (
        "1.4",
        (2022, 6, 9),
        None,
        COMMISSIONING,
        Status::InProgress,
        Rag::Amber,
        "One bid received; negotiating to cover the full 0 to 25 age range.",
    ),
    (
        "4.5",
        (2022, 6, 9),
        None,
        DCO,
        Status::InProgress,
        Rag::Green,
        "Training module written with the health visiting and school nursing leads.",
    ),
    (
        "2.5",
        (2022, 6, 16),
        None,
        HEAD,
        Status::InProgress,
        Rag::Amber,
        "Amendments issued within four weeks in 61% of reviews in May; backlog of post-16 reviews.",
    ),
    (
        "3.4",
        (2022, 6, 30),
        None,
        QA,
        Status::Complete,
        Rag::Green,
        "Two termly audits completed (spring: 30 plans; summer: 32 plans); findings reported to the Board on 23 June.",
    ),
    (
        "4.4",
        (2022, 7, 7),
        None,
        DCO,
        Status::Complete,
        Rag::Green,
        "Workshops for waiting families run monthly in all four localities; 212 families have attended since March.",
    ),
    (
        "5.4",
        (2022, 7, 14),
        None,
        COPRO,
        Status::Complete,
        Rag::Green,
        "Young people's SEND advisory group, 'Northshire Voices', has met three times; 16 members aged 14 to 24.",
    ),
    (
        "4.2",
        (2022, 7, 21),
        None,
        DCO,
        Status::Complete,
        Rag::Green,
        "Additional capacity fully mobilised: 64 assessments a month since May.",
    ),
    (
        "1.4",
        (2022, 9, 1),
        None,
        COMMISSIONING,
        Status::Complete,
        Rag::Green,
        "Jointly commissioned 0 to 25 speech and language therapy service started on 1 September 2022.",
    ),
    (
        "3.5",
        (2022, 9, 22),
        None,
        PM,
        Status::InProgress,
        Rag::Amber,
        "Self-evaluation drafted; the health sections need updating after the transfer to the ICB.",
    ),
    (
        "2.5",
        (2022, 10, 6),
        None,
        HEAD,
        Status::InProgress,
        Rag::Green,
        "78% of amendments issued within four weeks in September; the post-16 backlog is cleared.",
    ),
    (
        "4.5",
        (2022, 10, 13),
        None,
        DCO,
        Status::InProgress,
        Rag::Amber,
        "58% of health visitors and 40% of school nurses trained; school nursing vacancies are slowing progress.",
    ),
];

/// Amendments: action, day, who, new owner, new due date, reason.
type Amendment = (
    &'static str,
    (u16, u8, u8),
    &'static str,
    Option<&'static str>,
    Option<(u16, u8, u8)>,
    &'static str,
);

const AMENDMENTS: &[Amendment] = &[
    (
        "4.1",
        (2021, 8, 24),
        DCO,
        None,
        Some((2021, 9, 30)),
        "Recruitment: the preferred candidate's notice period ends on 17 September 2021.",
    ),
    (
        "3.1",
        (2021, 10, 21),
        PM,
        None,
        Some((2022, 1, 31)),
        "Recruitment: the first round did not appoint; the post has been re-advertised jointly with the CCG.",
    ),
    (
        "3.2",
        (2021, 10, 21),
        PM,
        Some("Assistant Director, Quality and Performance"),
        None,
        "The SEND QA officer post is vacant until the second recruitment round; the Assistant Director leads the framework meanwhile.",
    ),
    (
        "2.1",
        (2021, 12, 20),
        HEAD,
        None,
        Some((2022, 4, 30)),
        "Recruitment: national shortage of educational psychologists; two of four posts unfilled after the second round. Locum cover agreed.",
    ),
    (
        "2.4",
        (2022, 1, 13),
        HEAD,
        None,
        Some((2022, 6, 30)),
        "COVID-19: face-to-face sessions in January and February 2022 cancelled because of Omicron staff absence; moving them online.",
    ),
    (
        "4.2",
        (2022, 1, 13),
        DCO,
        None,
        Some((2022, 7, 31)),
        "COVID-19: community paediatric clinics redeployed during the Omicron wave and the provider's mobilisation delayed.",
    ),
    (
        "5.2",
        (2022, 1, 13),
        COPRO,
        Some("Participation and Co-production Lead"),
        None,
        "Responsibility for the Local Offer moved to the participation and co-production team in the January 2022 restructure.",
    ),
    (
        "3.3",
        (2022, 1, 27),
        BI,
        None,
        Some((2022, 5, 31)),
        "The new case management system's go-live moved from January to April 2022, and the dashboard depends on its data.",
    ),
    (
        "2.5",
        (2022, 7, 28),
        HEAD,
        None,
        Some((2022, 12, 31)),
        "Backlog of post-16 annual reviews after the transfer deadline; a dedicated team was formed in August.",
    ),
];

/// Measures: id, title, unit, baseline, baseline date, target, target date, lower is better,
/// weaknesses, and values (the day they describe, the day recorded, the value).
type MeasureRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    (u16, u8, u8),
    &'static str,
    (u16, u8, u8),
    bool,
    &'static [&'static str],
    &'static str,
);

const MEASURES: [MeasureRow; 4] = [
    (
        "M1",
        "EHC plans issued within 20 weeks (excluding exceptions)",
        "%",
        "31",
        (2021, 3, 31),
        "65",
        (2022, 9, 30),
        false,
        &["W2"],
        "EHC hub monthly report",
    ),
    (
        "M2",
        "Children waiting more than 18 weeks for a neurodevelopmental assessment",
        "children",
        "1240",
        (2021, 3, 31),
        "450",
        (2022, 12, 31),
        true,
        &["W4"],
        "Community paediatrics waiting list report",
    ),
    (
        "M3",
        "EHC plans audited as good or better in the multi-agency audit",
        "%",
        "22",
        (2021, 6, 30),
        "70",
        (2022, 12, 31),
        false,
        &["W2", "W3"],
        "Multi-agency EHC plan audit",
    ),
    (
        "M4",
        "Local Offer website visitors per month",
        "visitors",
        "4120",
        (2021, 4, 30),
        "9000",
        (2022, 9, 30),
        false,
        &["W5"],
        "Local Offer web analytics",
    ),
];

/// Measure values: measure, the day described, the day recorded, the value.
/// A measure's value: measure, the day it describes, the day it was recorded, the value.
type Value = (&'static str, (u16, u8, u8), (u16, u8, u8), &'static str);

const VALUES: &[Value] = &[
    ("M1", (2021, 6, 30), (2021, 9, 14), "34"),
    ("M2", (2021, 6, 30), (2021, 9, 14), "1312"),
    ("M1", (2021, 9, 30), (2021, 10, 20), "42"),
    ("M2", (2021, 9, 30), (2021, 10, 20), "1356"),
    ("M4", (2021, 9, 30), (2021, 10, 20), "4380"),
    ("M1", (2021, 12, 31), (2022, 1, 20), "39"),
    ("M2", (2021, 12, 31), (2022, 1, 20), "1290"),
    ("M3", (2021, 12, 31), (2022, 1, 20), "30"),
    ("M4", (2021, 12, 31), (2022, 1, 20), "4210"),
    ("M1", (2022, 3, 31), (2022, 4, 21), "51"),
    ("M2", (2022, 3, 31), (2022, 4, 21), "1104"),
    ("M3", (2022, 3, 31), (2022, 4, 21), "40"),
    ("M4", (2022, 3, 31), (2022, 4, 21), "6045"),
    ("M1", (2022, 6, 30), (2022, 7, 21), "58"),
    ("M2", (2022, 6, 30), (2022, 7, 21), "862"),
    ("M3", (2022, 6, 30), (2022, 7, 21), "47"),
    ("M1", (2022, 9, 30), (2022, 10, 13), "64"),
    ("M2", (2022, 9, 30), (2022, 10, 13), "701"),
    ("M3", (2022, 9, 30), (2022, 10, 13), "56"),
    ("M4", (2022, 9, 30), (2022, 10, 13), "8530"),
];

fn review(forum: &str, assessments: &[(&str, Rating, Option<&str>)]) -> Command {
    Command::ReviewProgress(ProgressReviewed {
        forum: forum.to_owned(),
        assessments: assessments
            .iter()
            .map(|(ws, rating, note)| Assessment {
                workstream: workstream_id(ws),
                rating: *rating,
                note: note.map(str::to_owned),
            })
            .collect(),
    })
}

/// A visit's feedback; a point written `[W2] text` concerns weakness W2.
fn visit(summary: &str, strengths: &[&str], concerns: &[&str], next_steps: &[&str]) -> Command {
    let list = |items: &[&str]| {
        items
            .iter()
            .map(|s| s.parse().expect("the story's visit points are readable"))
            .collect()
    };
    Command::RecordVisit(MonitoringVisitFeedback {
        by: ADVISERS.to_owned(),
        summary: Some(summary.to_owned()),
        strengths: list(strengths),
        concerns: list(concerns),
        next_steps: list(next_steps),
        letter: None,
    })
}

fn base_story() -> Vec<Planned> {
    let mut s = Script::default();
    opening(&mut s);
    writing_the_statement(&mut s);
    delivery(&mut s);
    a_mistyped_value_corrected(&mut s);
    board_reviews(&mut s);
    monitoring_visits(&mut s);
    the_icb_takes_over(&mut s);
    risks(&mut s);
    voices(&mut s);
    evidence_attached(&mut s);
    the_revisit_scheduled(&mut s);
    s.into_steps()
}

/// The story: the report is published; the programme manager opens the ledger the next day.
fn opening(s: &mut Script) {
    let opened = d(2021, 4, 28);
    s.on(
        opened,
        PM,
        Command::OpenLedger(LedgerOpened {
            area: AREA.to_owned(),
            partners: vec![
                "Northshire County Council".to_owned(),
                "NHS Northshire Clinical Commissioning Group".to_owned(),
            ],
        }),
    );
    let published = d(2021, 4, 27);
    s.late(
        published,
        opened,
        PM,
        Command::RecordInspection(InspectionRecorded {
            inspectorates: vec!["Ofsted".to_owned(), "CQC".to_owned()],
            from: d(2021, 3, 8),
            to: d(2021, 3, 12),
            published,
        }),
    );
    for (id, title, finding) in WEAKNESSES {
        s.late(
            published,
            opened,
            PM,
            Command::RecordWeakness(WeaknessRecorded {
                id: weakness_id(id),
                title: title.to_owned(),
                finding: Some(finding.to_owned()),
            }),
        );
    }
}

/// The story: writing the statement.
fn writing_the_statement(s: &mut Script) {
    use SubjectKind as K;
    for (id, title, sponsor, weaknesses) in WORKSTREAMS {
        s.on(
            d(2021, 6, 10),
            PM,
            Command::CreateWorkstream(WorkstreamCreated {
                id: workstream_id(id),
                title: title.to_owned(),
                sponsor: sponsor.to_owned(),
                weaknesses: weaknesses.iter().map(|w| weakness_id(w)).collect(),
            }),
        );
    }
    for (id, title, owner, due, success) in ACTIONS {
        let (day, actor) = match id.as_bytes()[0] {
            b'1' => (d(2021, 7, 1), COMMISSIONING),
            b'2' => (d(2021, 7, 1), HEAD),
            b'3' => (d(2021, 7, 2), PM),
            b'4' => (d(2021, 7, 5), DCO),
            _ => (d(2021, 7, 6), COPRO),
        };
        s.on(
            day,
            actor,
            Command::CreateAction(ActionCreated {
                id: action_id(id),
                workstream: workstream_id(&format!("WS{}", &id[..1])),
                title: title.to_owned(),
                owner: owner.to_owned(),
                due: ymd(due),
                success: success.iter().map(|c| (*c).to_owned()).collect(),
            }),
        );
    }
    s.on(
        d(2021, 7, 8),
        COPRO,
        note(
            K::Weakness,
            "W5",
            "The forum welcomes the draft statement but was given only ten days to comment on it. We want to help write the actions, not only comment on them once they are written.",
            Some(FORUM),
        ),
    );
    s.on(
        d(2021, 8, 5),
        HEAD,
        Command::SubmitPlan {
            summary: Some("Written statement of action, version 1: five workstreams and 25 actions answering the five areas of significant weakness, agreed by the council's cabinet on 3 August and the CCG governing body on 4 August 2021.".to_owned()),
        },
    );
    s.on(
        d(2021, 9, 9),
        HEAD,
        Command::RevisePlan {
            summary: "Ofsted and CQC asked, in their letter of 2 September 2021, for success criteria that measure the impact on children and families rather than activity, and for dates for the health actions. Version 2 adds four measures of impact with baselines and targets, and dated milestones for workstream 4.".to_owned(),
        },
    );
    for (id, title, unit, baseline, baseline_on, target, target_by, lower, weaknesses, _) in
        MEASURES
    {
        s.on(
            d(2021, 9, 14),
            BI,
            Command::DefineMeasure(MeasureDefined {
                id: measure_id(id),
                title: title.to_owned(),
                unit: unit.to_owned(),
                baseline: decimal(baseline),
                baseline_on: ymd(baseline_on),
                target: decimal(target),
                target_by: ymd(target_by),
                better: if lower {
                    Direction::LowerIsBetter
                } else {
                    Direction::HigherIsBetter
                },
                weaknesses: weaknesses.iter().map(|w| weakness_id(w)).collect(),
            }),
        );
    }
    s.on(
        d(2021, 9, 30),
        HEAD,
        Command::SubmitPlan {
            summary: Some("Written statement of action, version 2, with measurable success criteria and four measures of impact, as Ofsted and CQC asked.".to_owned()),
        },
    );
    s.on(
        d(2021, 10, 28),
        HEAD,
        Command::AcceptPlan {
            summary: Some("Letter from Ofsted and CQC of 28 October 2021: the revised written statement of action is fit for purpose.".to_owned()),
        },
    );
}

/// The story: delivery: status changes, slipped deadlines and measure values.
fn delivery(s: &mut Script) {
    for &(id, occurred, recorded, actor, status, rag, text) in UPDATES {
        let occurred = ymd(occurred);
        let recorded = recorded.map_or(occurred, ymd);
        s.late(
            occurred,
            recorded,
            actor,
            status_change(id, status, rag, text),
        );
    }
    for &(id, day, actor, owner, due, reason) in AMENDMENTS {
        s.on(
            ymd(day),
            actor,
            Command::AmendAction(ActionAmended {
                id: action_id(id),
                title: None,
                owner: owner.map(str::to_owned),
                due: due.map(ymd),
                reason: reason.to_owned(),
            }),
        );
    }
    for &(id, occurred, recorded, value) in VALUES {
        let source = MEASURES
            .iter()
            .find(|m| m.0 == id)
            .map_or("Performance report", |m| m.9);
        let source = format!(
            "{source}, {} {}",
            Date::month_name(ymd(occurred)),
            occurred.0
        );
        s.late(
            ymd(occurred),
            ymd(recorded),
            BI,
            measure_value(id, decimal(value), &source),
        );
    }
}

/// The story: the June 2022 Local Offer figure is typed with its digits transposed, then corrected.
fn a_mistyped_value_corrected(s: &mut Script) {
    s.late(
        d(2022, 6, 30),
        d(2022, 7, 21),
        LOCAL_OFFER,
        measure_value(
            "M4",
            decimal("2710"),
            "Local Offer web analytics, June 2022",
        ),
    )
    .mark = Some(Mark::MistypedValue);
    s.on(
        d(2022, 8, 4),
        QA,
        Command::RecordCorrection(CorrectionRecorded {
            seq: 0,
            reason: "The Local Offer figure for June 2022 was entered as 2710 visitors; the web analytics report gives 7210 (the digits were transposed). The correct value is recorded again below.".to_owned(),
        }),
    )
    .corrects = Some(Mark::MistypedValue);
    s.late(
        d(2022, 6, 30),
        d(2022, 8, 4),
        QA,
        measure_value(
            "M4",
            decimal("7210"),
            "Local Offer web analytics, June 2022 (corrected entry)",
        ),
    );
}

/// The story: the SEND Improvement Board's reviews.
fn board_reviews(s: &mut Script) {
    use Rating::{AtRisk, OffTrack, OnTrack};
    s.on(
        d(2021, 9, 23),
        BOARD,
        review(
            BOARD_NAME,
            &[
                (
                    "WS1",
                    OnTrack,
                    Some("Board established; terms of reference agreed."),
                ),
                (
                    "WS2",
                    AtRisk,
                    Some("Educational psychologist recruitment is behind plan."),
                ),
                (
                    "WS3",
                    AtRisk,
                    Some("The QA officer post is not yet filled."),
                ),
                (
                    "WS4",
                    OnTrack,
                    Some("Preferred candidate for the DCO post starts in September."),
                ),
                (
                    "WS5",
                    OnTrack,
                    Some("Co-production charter being drafted with the forum."),
                ),
            ],
        ),
    );
    s.on(
        d(2021, 12, 9),
        BOARD,
        review(
            BOARD_NAME,
            &[
                ("WS1", OnTrack, None),
                (
                    "WS2",
                    AtRisk,
                    Some("Two educational psychologist posts still vacant."),
                ),
                ("WS3", OnTrack, Some("QA framework agreed at this meeting.")),
                (
                    "WS4",
                    AtRisk,
                    Some("The neurodevelopmental waiting list is still above 1,200."),
                ),
                ("WS5", OnTrack, Some("Co-production charter signed.")),
            ],
        ),
    );
    s.on(
        d(2022, 2, 24),
        BOARD,
        review(
            BOARD_NAME,
            &[
                ("WS1", OnTrack, Some("Needs assessment published.")),
                ("WS2", OnTrack, Some("Timeliness recovering after Omicron; two educational psychologists start in April.")),
                ("WS3", AtRisk, Some("Dashboard delayed by the case management system.")),
                ("WS4", OffTrack, Some("Additional assessment capacity delayed by Omicron; recovery plan requested for the next meeting.")),
                ("WS5", OnTrack, None),
            ],
        ),
    );
    s.on(
        d(2022, 4, 21),
        BOARD,
        review(
            BOARD_NAME,
            &[
                (
                    "WS1",
                    OnTrack,
                    Some("Joint commissioning strategy approved."),
                ),
                ("WS2", OnTrack, None),
                (
                    "WS3",
                    OnTrack,
                    Some("First multi-agency audit reported: 40% of plans good or better."),
                ),
                (
                    "WS4",
                    AtRisk,
                    Some("Provider started in March; the waiting list is falling."),
                ),
                (
                    "WS5",
                    OnTrack,
                    Some("Local Offer relaunched; visitors up by half since December."),
                ),
            ],
        ),
    );
    s.on(
        d(2022, 6, 23),
        BOARD,
        review(
            BOARD_NAME,
            &[
                ("WS1", AtRisk, Some("Section 75 agreement behind plan.")),
                ("WS2", OnTrack, None),
                (
                    "WS3",
                    OnTrack,
                    Some("Dashboard reported for the first time."),
                ),
                (
                    "WS4",
                    OnTrack,
                    Some("Waiting list recovery plan on trajectory."),
                ),
                ("WS5", OnTrack, None),
            ],
        ),
    );
    s.on(
        d(2022, 9, 22),
        BOARD,
        review(
            BOARD_NAME,
            &[
                (
                    "WS1",
                    OnTrack,
                    Some("Jointly commissioned therapy service started on 1 September."),
                ),
                (
                    "WS2",
                    OnTrack,
                    Some("Provisional figures show 63% of plans within 20 weeks in August."),
                ),
                ("WS3", AtRisk, Some("Self-evaluation behind plan.")),
                ("WS4", OnTrack, None),
                ("WS5", OnTrack, None),
            ],
        ),
    );
}

/// The story: monitoring visits by DfE and NHS England advisers.
fn monitoring_visits(s: &mut Script) {
    s.late(
        d(2021, 11, 17),
        d(2021, 11, 19),
        PM,
        visit(
            "The local area has made a positive start. Leaders understand the weaknesses found at the inspection, and partners know the revised statement well.",
            &[
                "The SEND Improvement Board has an independent chair and is well attended by education, health and social care leaders and by the parent carer forum.",
                "The weekly multi-agency EHC panel means that decisions are now made jointly.",
                "A full-time Designated Clinical Officer is in post and is already improving the quality of health advice.",
            ],
            &[
                "Only 42% of EHC plans were issued within 20 weeks in September, and recovery depends on recruiting educational psychologists.",
                "Waiting times for neurodevelopmental assessment are still rising.",
                "The quality assurance framework is not yet agreed, so leaders cannot yet show the impact of their work.",
            ],
            &[
                "Agree the QA framework and complete the first multi-agency audit of EHC plans before the next visit.",
                "Set out a trajectory for reducing neurodevelopmental waiting times and report it to the Board every month.",
                "Make sure the views of children and young people, not only of parents, shape the work.",
            ],
        ),
    );
    s.late(
        d(2022, 3, 16),
        d(2022, 4, 6),
        PM,
        visit(
            "Progress continues despite the pressures of the Omicron wave. The area now needs to move from completing actions to showing their impact on children, young people and families. Recorded when the advisers' written feedback arrived on 5 April.",
            &[
                "[W3] The QA framework is agreed and the first multi-agency audit is under way, led by the new QA officer.",
                "[W2] Most health advice for EHC needs assessments is now returned within six weeks.",
                "[W5] The relaunched Local Offer was designed with parents and young people.",
            ],
            &[
                "[W2] Only half of EHC plans are issued within 20 weeks.",
                "[W4] The additional neurodevelopmental assessment capacity started two months late.",
                "[W3] The performance dashboard is delayed by the new case management system.",
            ],
            &[
                "[W2, W3] Use the audit findings to drive a plan for improving the quality of EHC plans.",
                "Gather evidence of impact, including case studies and families' views, for each area of weakness.",
                "[W4] Report the neurodevelopmental waiting list trajectory at every Board meeting.",
            ],
        ),
    );
    s.late(
        d(2022, 7, 13),
        d(2022, 7, 15),
        PM,
        visit(
            "The local area is making good progress with its written statement of action. Leaders know where they need to go further before the revisit.",
            &[
                "[W2] EHC plan timeliness has improved steadily, to 58% within 20 weeks in June 2022.",
                "[W4] The number of children waiting more than 18 weeks for a neurodevelopmental assessment has fallen by a third since December.",
                "[W5] Co-production is now routine: the parent carer forum and the young people's advisory group helped shape the annual review process.",
            ],
            &[
                "[W2, W3] Audits show that the quality of plans is still too variable, particularly the health and social care sections.",
                "[W5] Parents' confidence is improving but remains low: 38% of spring survey respondents were confident that their child's needs are met.",
            ],
            &[
                "Prepare an impact narrative for each area of weakness, citing its evidence.",
                "[W1] Complete the section 75 pooled budget agreement.",
                "Keep up the pace of improvement through the transfer of the CCG's functions to the integrated care board.",
            ],
        ),
    );
}

/// The story: the CCG's functions pass to the new integrated care board.
fn the_icb_takes_over(s: &mut Script) {
    s.on(
        d(2022, 7, 1),
        PM,
        Command::AmendWorkstream(WorkstreamAmended {
            id: workstream_id("WS4"),
            title: None,
            sponsor: Some("Sarah Lindqvist, Chief Nursing Officer, NHS Northshire Integrated Care Board".to_owned()),
            weaknesses: None,
            reason: "On 1 July 2022 NHS Northshire CCG's functions passed to the new integrated care board; the sponsor's role moved with them.".to_owned(),
        }),
    );
}

/// The story: risks.
fn risks(s: &mut Script) {
    use SubjectKind as K;
    s.on(
        d(2021, 10, 14),
        HEAD,
        Command::RaiseRisk(RaiseRisk {
            id: risk_id("R1"),
            title: "A national shortage of educational psychologists delays EHC needs assessments".to_owned(),
            level: RiskLevel::High,
            about: vec![reference(K::Workstream, "WS2"), reference(K::Action, "2.1"), reference(K::Measure, "M1")],
            mitigation: Some("Locum educational psychologists engaged until March 2022; posts re-advertised with a market supplement.".to_owned()),
        }),
    );
    s.on(
        d(2022, 2, 10),
        HEAD,
        Command::UpdateRisk(RiskUpdated {
            id: risk_id("R1"),
            level: Some(RiskLevel::Medium),
            mitigation: None,
            note: Some("Two educational psychologists appointed, starting in April; locum cover extended to the end of April.".to_owned()),
        }),
    );
    s.on(
        d(2022, 8, 11),
        HEAD,
        Command::CloseRisk(RiskClosed {
            id: risk_id("R1"),
            reason: "All educational psychologist posts have been filled since April 2022; new assessments are allocated within two weeks.".to_owned(),
        }),
    );
    s.on(
        d(2022, 1, 6),
        DCO,
        Command::RaiseRisk(RaiseRisk {
            id: risk_id("R2"),
            title: "Omicron staff absence in community paediatrics and therapy services".to_owned(),
            level: RiskLevel::High,
            about: vec![reference(K::Workstream, "WS4"), reference(K::Action, "4.2")],
            mitigation: Some("Clinics prioritised by clinical need; the independent provider's start brought forward where possible.".to_owned()),
        }),
    );
    s.on(
        d(2022, 3, 17),
        DCO,
        Command::CloseRisk(RiskClosed {
            id: risk_id("R2"),
            reason: "Community paediatrics back to full staffing; clinics no longer redeployed."
                .to_owned(),
        }),
    );
    s.on(
        d(2022, 5, 12),
        PM,
        Command::RaiseRisk(RaiseRisk {
            id: risk_id("R3"),
            title: "The transfer of the CCG's functions to the integrated care board disrupts health leadership of the plan".to_owned(),
            level: RiskLevel::Medium,
            about: vec![reference(K::Workstream, "WS4"), reference(K::Weakness, "W4")],
            mitigation: Some("Named ICB executive sponsor confirmed before 1 July; the DCO post transfers unchanged.".to_owned()),
        }),
    );
}

/// The story: voices: the parent carer forum, young people, SENDIASS; and officers' notes.
fn voices(s: &mut Script) {
    use SubjectKind as K;
    s.on(
        d(2021, 11, 25),
        COPRO,
        note(
            K::Action,
            "5.1",
            "The charter was written with us, not for us. Our members want to see it used in every workstream, not only in workstream 5.",
            Some(FORUM),
        ),
    );
    s.on(
        d(2022, 4, 8),
        QA,
        note(
            K::Action,
            "3.4",
            "Spring audit: 30 plans audited by education, health and care auditors together; 40% good or better. The summary is attached as evidence.",
            None,
        ),
    );
    s.on(
        d(2022, 5, 19),
        COPRO,
        note(
            K::Weakness,
            "W2",
            "Parents at our coffee mornings say the new plans are easier to read and that their child's views are in them. Several still waited more than 20 weeks, mostly for health advice.",
            Some(FORUM),
        ),
    );
    s.on(
        d(2022, 7, 14),
        COPRO,
        note(
            K::Action,
            "5.4",
            "We want the Local Offer to have a section written by young people, about college, work and getting around on your own.",
            Some("Northshire Voices (young people's SEND advisory group)"),
        ),
    );
    s.on(
        d(2022, 9, 15),
        COPRO,
        note(
            K::Workstream,
            "WS4",
            "Families on the waiting list value the workshops. Waiting times are still the first thing parents raise with us.",
            Some(FORUM),
        ),
    );
    s.on(
        d(2022, 10, 6),
        COMMISSIONING,
        note(
            K::Action,
            "1.5",
            "Draft section 75 agreement is with both legal teams; approval by the ICB board is expected in December 2022.",
            None,
        ),
    );
    s.on(
        d(2022, 10, 20),
        COPRO,
        note(
            K::Weakness,
            "W2",
            "Requests to SENDIASS for advice about delays in EHC needs assessments fell from 96 in the autumn term 2021 to 41 in the summer term 2022.",
            Some("Northshire SENDIASS"),
        ),
    );
}

/// The story: evidence.
fn evidence_attached(s: &mut Script) {
    use SubjectKind as K;
    s.attach(
        d(2021, 8, 26),
        d(2021, 8, 26),
        BOARD,
        evidence(
            "SEND Improvement Board: terms of reference",
            EvidenceKind::Policy,
            vec![reference(K::Action, "1.1"), reference(K::Workstream, "WS1")],
            "send-improvement-board-terms-of-reference.md",
            terms_of_reference(),
        ),
    );
    s.attach(
        d(2021, 9, 23),
        d(2021, 10, 7),
        BOARD,
        evidence(
            "SEND Improvement Board minutes, 23 September 2021",
            EvidenceKind::Minutes,
            vec![reference(K::Workstream, "WS1"), reference(K::Action, "1.1")],
            "send-board-minutes-2021-09-23.txt",
            minutes_september_2021(),
        ),
    );
    s.attach(
        d(2021, 12, 9),
        d(2021, 12, 16),
        HEAD,
        evidence(
            "Local area SEND quality assurance framework, version 1",
            EvidenceKind::Policy,
            vec![reference(K::Action, "3.2"), reference(K::Weakness, "W3")],
            "send-qa-framework-v1.md",
            qa_framework(),
        ),
    );
    s.attach(
        d(2022, 4, 8),
        d(2022, 4, 8),
        QA,
        evidence(
            "Multi-agency EHC plan audit, spring term 2022: summary",
            EvidenceKind::Audit,
            vec![
                reference(K::Action, "3.4"),
                reference(K::Measure, "M3"),
                reference(K::Weakness, "W2"),
            ],
            "ehcp-audit-spring-2022-summary.csv",
            audit_summary(),
        ),
    );
    s.attach(
        d(2022, 4, 14),
        d(2022, 4, 14),
        HEAD,
        evidence(
            "Person-centred plan writing training: attendance, January to April 2022",
            EvidenceKind::Training,
            vec![reference(K::Action, "2.4")],
            "ehc-coordinator-training-attendance-2022.csv",
            training_attendance(),
        ),
    );
    s.attach(
        d(2022, 5, 27),
        d(2022, 5, 27),
        COPRO,
        evidence(
            "Parent carer survey, spring 2022: analysis and 'You said, we did'",
            EvidenceKind::Survey,
            vec![reference(K::Action, "5.3"), reference(K::Weakness, "W5")],
            "parent-carer-survey-spring-2022-analysis.md",
            survey_analysis(),
        ),
    );
    s.attach(
        d(2022, 6, 23),
        d(2022, 6, 30),
        BOARD,
        evidence(
            "SEND Improvement Board minutes, 23 June 2022",
            EvidenceKind::Minutes,
            vec![
                reference(K::Workstream, "WS1"),
                reference(K::Workstream, "WS3"),
                reference(K::Action, "3.4"),
            ],
            "send-board-minutes-2022-06-23.md",
            minutes_june_2022(),
        ),
    );
    s.attach(
        d(2022, 7, 8),
        d(2022, 7, 8),
        BI,
        evidence(
            "SEND performance dashboard extract, January to June 2022",
            EvidenceKind::Dashboard,
            vec![
                reference(K::Action, "3.3"),
                reference(K::Measure, "M1"),
                reference(K::Measure, "M2"),
            ],
            "send-dashboard-2022-h1.csv",
            dashboard_extract(),
        ),
    );
    s.attach(
        d(2022, 7, 13),
        d(2022, 7, 28),
        PM,
        evidence(
            "Monitoring visit feedback letter, 13 July 2022",
            EvidenceKind::Document,
            WEAKNESSES
                .iter()
                .map(|w| reference(K::Weakness, w.0))
                .collect(),
            "monitoring-visit-feedback-2022-07-13.txt",
            visit_letter(),
        ),
    );
    s.attach(
        d(2022, 9, 30),
        d(2022, 10, 13),
        BI,
        evidence(
            "Neurodevelopmental assessment waiting list, April 2021 to September 2022",
            EvidenceKind::Dashboard,
            vec![
                reference(K::Action, "4.2"),
                reference(K::Measure, "M2"),
                reference(K::Weakness, "W4"),
            ],
            "neurodevelopmental-waiting-list-2022-09.csv",
            waiting_list(),
        ),
    );
}

/// The story: the revisit is scheduled; its outcome is still to come.
fn the_revisit_scheduled(s: &mut Script) {
    s.on(
        d(2022, 9, 29),
        HEAD,
        Command::ScheduleRevisit(RevisitScheduled {
            from: d(2022, 11, 14),
            to: d(2022, 12, 16),
        }),
    );
}

// ---------------------------------------------------------------------------------------------
// The base story's evidence files
// ---------------------------------------------------------------------------------------------

fn terms_of_reference() -> String {
    "# Northshire SEND Improvement Board: terms of reference

Agreed by the partners on 26 August 2021, for adoption at the first meeting on 23 September 2021.

## Purpose

The Board holds the partners of the Northshire local area to account for delivering the written
statement of action (WSoA) that answers the five areas of significant weakness named in the joint
Ofsted and CQC inspection of March 2021, and for showing its impact on children and young people
with SEND and their families.

## Membership

- Independent chair
- Director of Children's Services, Northshire County Council (sponsor, workstream 1)
- Assistant Director, Education and Inclusion (sponsor, workstream 2)
- Assistant Director, Quality and Performance (sponsor, workstream 3)
- Director of Nursing and Quality, NHS Northshire CCG (sponsor, workstream 4)
- Service Director, Early Help and Partnerships (sponsor, workstream 5)
- Designated Clinical Officer
- Two representatives of the Northshire Parent Carer Forum
- Manager, Northshire SENDIASS
- A headteacher and a special school headteacher nominated by the schools forum
- Principal of Northshire College

## Meetings

Every eight weeks. The Board is quorate when the council, the CCG and the forum are present.
DfE and NHS England advisers may attend as observers.

## Reporting

Each workstream lead reports progress, impact and next steps against every action, with a RAG
rating, and the Board records its assessment of each workstream: on track, at risk or off track.
The Board reports to the council's cabinet and the CCG governing body every six months.
"
    .to_owned()
}

fn minutes_september_2021() -> String {
    "NORTHSHIRE SEND IMPROVEMENT BOARD
Minutes of the meeting held on 23 September 2021, 10:00 to 12:30, County Hall and online

Present (by role): Independent Chair; Director of Children's Services; Assistant Director,
Education and Inclusion; Assistant Director, Quality and Performance; Director of Nursing and
Quality (CCG); Service Director, Early Help and Partnerships; Designated Clinical Officer;
Parent Carer Forum (2); SENDIASS Manager; Primary Headteacher; Special School Headteacher.
In attendance: SEND Improvement Programme Manager; Board Business Support Officer (minutes).
Observers: DfE SEND adviser; NHS England SEND adviser.

1. Welcome and terms of reference
   The chair welcomed members to the first meeting. The terms of reference were agreed.

2. Written statement of action
   The Head of SEND Services reported that Ofsted and CQC had asked for measurable success
   criteria and dated health actions. Version 2 will be submitted by 30 September 2021.

3. Workstream reports
   WS1 Joint commissioning and leadership ........ ON TRACK
   WS2 EHC needs assessment ..................... AT RISK (educational psychologist vacancies)
   WS3 Quality assurance ........................ AT RISK (QA officer post not yet filled)
   WS4 Neurodevelopmental pathway ............... ON TRACK (DCO starts 20 September)
   WS5 Co-production and Local Offer ............ ON TRACK

4. Voice of families
   The forum asked to be involved in writing actions from the start. Agreed: the forum will
   co-chair the co-production charter group.

5. Any other business
   None.

Actions
   - Programme manager to circulate version 2 of the statement to members by 28 September.
   - Head of SEND Services to bring a recruitment plan for educational psychologists.

Date of next meeting: 9 December 2021
"
    .to_owned()
}

fn qa_framework() -> String {
    "# Northshire local area SEND quality assurance framework (version 1)

Agreed by the SEND Improvement Board on 9 December 2021.

## Principles

Quality assurance is shared by education, health and social care. It looks at the difference our
work makes to children, young people and families, not only at whether processes were followed.

## The four levels of EHC plan audit

1. **Self-audit**: every EHC coordinator audits two of their own plans each term.
2. **Peer audit**: team managers audit a sample of 10% of new plans each month.
3. **Multi-agency audit**: each term, education, health and care auditors audit 30 plans together,
   with a parent carer forum member on each panel.
4. **Independent audit**: once a year, an external reviewer audits a sample and the audit process.

## Grades

Outstanding, good, requires improvement, inadequate: for the plan overall and for each section
(education, health and social care advice; outcomes; provision).

## Reporting

The QA officer reports audit findings to the Board every term, with an improvement plan for any
section graded requires improvement or inadequate in more than a third of plans.
"
    .to_owned()
}

fn audit_summary() -> String {
    "audit_round,plans_audited,section,outstanding,good,requires_improvement,inadequate
Spring 2022,30,Overall,2,10,13,5
Spring 2022,30,Education advice,3,14,10,3
Spring 2022,30,Health advice,1,8,14,7
Spring 2022,30,Social care advice,0,7,15,8
Spring 2022,30,Outcomes,2,9,14,5
Spring 2022,30,Provision,3,12,11,4
Spring 2022,30,Voice of the child or young person,2,11,12,5
"
    .to_owned()
}

fn training_attendance() -> String {
    "session_date,delivery,team,role,booked,attended
2022-01-11,cancelled (Omicron),EHC Assessment and Planning (North),EHC coordinator,12,0
2022-01-25,cancelled (Omicron),EHC Assessment and Planning (South),EHC coordinator,12,0
2022-02-08,online,EHC Assessment and Planning (North),EHC coordinator,12,11
2022-02-15,online,EHC Assessment and Planning (South),EHC coordinator,12,12
2022-02-22,online,EHC Assessment and Planning (East and West),EHC coordinator,14,13
2022-03-08,online,All teams,Team manager,11,11
2022-03-22,online,All teams (catch-up),EHC coordinator,4,2
2022-04-12,in person,All teams (catch-up),EHC coordinator,2,2
"
    .to_owned()
}

fn survey_analysis() -> String {
    "# Parent carer survey, spring 2022: analysis

Survey open 1 to 31 March 2022, designed with the Northshire Parent Carer Forum.
612 responses (autumn 2021 pilot: 244).

| Question | Agree | Autumn 2021 |
|---|---|---|
| I know where to find information about support for my child | 61% | 44% |
| I was involved in writing my child's EHC plan | 57% | 41% |
| I feel listened to by professionals | 46% | 33% |
| I am confident my child's needs are met | 38% | 29% |

## What parents told us

- The new Local Offer is easier to search, but information about health services is thin.
- Waiting for health advice is the main cause of delay in EHC needs assessments.
- Parents of children waiting for an autism assessment want support while they wait.

## You said, we did

- **You said** you could not find health information. **We did** add a health section, written
  with the DCO, to the Local Offer in May 2022.
- **You said** you wanted support while waiting. **We did** start monthly workshops in every
  locality from March 2022.
"
    .to_owned()
}

fn minutes_june_2022() -> String {
    "# Northshire SEND Improvement Board: minutes, 23 June 2022

**Present (by role):** Independent Chair; sponsors of all five workstreams; Designated Clinical
Officer; SEND QA Officer; Parent Carer Forum (2); Northshire Voices (1); SENDIASS Manager.

## 1. Performance dashboard

The Business Intelligence Manager presented the first monthly dashboard. EHC plans issued within
20 weeks: 58% in May (31% at baseline). Children waiting more than 18 weeks for a
neurodevelopmental assessment: 862 (1,290 in December).

## 2. Summer audit

The QA officer reported the summer multi-agency audit of 32 plans: 47% good or better (40% in
spring). Health and social care sections are still the weakest.

## 3. Workstream assessments

| Workstream | Assessment |
|---|---|
| WS1 | At risk: section 75 agreement behind plan |
| WS2 | On track |
| WS3 | On track |
| WS4 | On track |
| WS5 | On track |

## 4. Preparing for the revisit

Each sponsor will draft an impact narrative for their area of weakness, citing evidence, for the
September meeting.
"
    .to_owned()
}

fn dashboard_extract() -> String {
    "indicator,unit,2022-01,2022-02,2022-03,2022-04,2022-05,2022-06
EHC plans issued within 20 weeks,%,44,47,51,54,58,58
New EHC needs assessment requests,requests,96,104,118,99,112,107
Health advice returned within 6 weeks,%,74,86,84,88,87,90
Social care advice returned within 6 weeks,%,68,79,77,81,80,83
Children waiting over 18 weeks (neurodevelopmental),children,1270,1215,1104,1010,931,862
Annual review amendments within 4 weeks,%,52,55,57,58,61,63
Local Offer visitors,visitors,4390,5120,6045,6410,6980,7210
"
    .to_owned()
}

fn visit_letter() -> String {
    "Department for Education / NHS England
SEND monitoring visit: Northshire local area
Date of visit: 13 July 2022

Dear Director of Children's Services and Chief Nursing Officer,

Thank you for hosting our third monitoring visit on the written statement of action.

Overall, the local area is making good progress. Leaders know where they need to go further
before the revisit.

Strengths
- EHC plan timeliness has improved steadily, to 58% within 20 weeks in June 2022.
- The number of children waiting more than 18 weeks for a neurodevelopmental assessment has
  fallen by a third since December.
- Co-production is now routine.

Areas for further development
- The quality of plans is still too variable, particularly the health and social care sections.
- Parents' confidence remains low.

Next steps
- Prepare an impact narrative for each area of weakness, citing its evidence.
- Complete the section 75 pooled budget agreement.
- Keep up the pace through the transfer to the integrated care board.

DfE SEND adviser
NHS England SEND adviser
"
    .to_owned()
}

fn waiting_list() -> String {
    let mut text =
        String::from("month,referrals,assessments_completed,waiting_total,waiting_over_18_weeks\n");
    let rows = [
        ("2021-04", 142, 38, 1702, 1251),
        ("2021-06", 151, 35, 1788, 1312),
        ("2021-09", 139, 41, 1853, 1356),
        ("2021-12", 127, 44, 1801, 1290),
        ("2022-03", 133, 79, 1652, 1104),
        ("2022-06", 129, 101, 1388, 862),
        ("2022-09", 124, 104, 1231, 701),
    ];
    for (month, referrals, assessed, waiting, over) in rows {
        text.push_str(&format!(
            "{month},{referrals},{assessed},{waiting},{over}\n"
        ));
    }
    text
}

// ---------------------------------------------------------------------------------------------
// The story as an iterator
// ---------------------------------------------------------------------------------------------

/// The working window of a day in which steps are recorded: 08:00 to 17:30 UTC.
const WORKDAY_START_MS: i64 = 8 * 3_600_000;
const WORKDAY_MS: i64 = 9 * 3_600_000 + 1_800_000;

struct Story {
    /// Scripted steps still to come (the base story, and for a larger story its extra episodes).
    script: VecDeque<Planned>,
    /// The growth of a larger story, produced a day at a time.
    growth: Option<Growth>,
    /// Steps of the current day, with their times, ready to hand out.
    ready: VecDeque<DemoStep>,
    /// The next day to produce.
    day: Date,
    /// How many steps were handed to `ready`: the sequence number of the next.
    emitted: u64,
    marks: BTreeMap<Mark, u64>,
    last_recorded_at: i64,
    rng: Rng,
}

impl Story {
    fn new(target_events: Option<u64>) -> Story {
        let mut script = base_story();
        let base = script.len() as u64;
        let mut growth = None;
        if let Some(target) = target_events {
            let extra = larger_story_episodes(0);
            if target > base + extra.len() as u64 {
                let growth_events = target - base - extra.len() as u64;
                let made = Growth::new(growth_events);
                script.extend(larger_story_episodes(made.planned_workstreams()));
                growth = Some(made);
            }
        }
        Story::scripted(script, growth)
    }

    /// A story told from a script (sorted here by the day each step is recorded), grown by
    /// `growth` if given.
    fn scripted(mut script: Vec<Planned>, growth: Option<Growth>) -> Story {
        script.sort_by_key(|step| step.recorded_on);
        let day = script
            .first()
            .map_or(d(2021, 4, 28), |step| step.recorded_on);
        Story {
            script: script.into(),
            growth,
            ready: VecDeque::new(),
            day,
            emitted: 0,
            marks: BTreeMap::new(),
            last_recorded_at: 0,
            rng: Rng(0x005E_ED0F_DA7E),
        }
    }

    fn finished(&self) -> bool {
        self.script.is_empty() && self.growth.as_ref().is_none_or(Growth::finished)
    }

    /// Produces every step recorded on `self.day` into `ready`, with its time of day.
    fn produce_day(&mut self) {
        let day = self.day;
        let mut planned = Vec::new();
        while self.script.front().is_some_and(|s| s.recorded_on <= day) {
            planned.extend(self.script.pop_front());
        }
        if let Some(growth) = &mut self.growth {
            growth.produce(day, &mut planned);
        }
        let count = planned.len() as i64;
        let spacing = WORKDAY_MS / (count + 1);
        let start = day.days_since_epoch() * DAY_MS + WORKDAY_START_MS;
        for (n, mut step) in (1_i64..).zip(planned) {
            let jitter = self.rng.below((spacing / 2).max(1) as u64) as i64;
            let recorded_at = (start + n * spacing + jitter).max(self.last_recorded_at);
            self.last_recorded_at = recorded_at;
            if let Some(mark) = step.mark {
                self.marks.insert(mark, self.emitted);
            }
            if let (Some(mark), Command::RecordCorrection(correction)) =
                (step.corrects, &mut step.command)
            {
                correction.seq = self.marks.get(&mark).copied().unwrap_or_default();
            }
            self.emitted += 1;
            self.ready.push_back(DemoStep {
                command: step.command,
                actor: Actor {
                    name: step.actor,
                    role: Role::Officer,
                },
                occurred_on: step.occurred_on,
                recorded_at,
                file: step.file,
            });
        }
        self.day = add_days(day, 1);
    }
}

impl Iterator for Story {
    type Item = DemoStep;

    fn next(&mut self) -> Option<DemoStep> {
        loop {
            if let Some(step) = self.ready.pop_front() {
                return Some(step);
            }
            if self.finished() {
                return None;
            }
            self.produce_day();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The larger story: extra episodes, and growth a day at a time
// ---------------------------------------------------------------------------------------------

/// Scripted episodes only a larger story has: a third version of the statement that brings the
/// locality workstreams in, the revisit moved to autumn 2023, and DfE and NHS England deep dives.
fn larger_story_episodes(workstreams: u64) -> Vec<Planned> {
    use SubjectKind as K;
    let mut s = Script::default();
    s.on(
        d(2022, 11, 10),
        HEAD,
        Command::RevisePlan {
            summary: format!(
                "Version 3 brings the {workstreams} locality workstreams, set up since the statement was accepted, into the statement, with their actions and measures, so that the revisit can judge the whole programme."
            ),
        },
    );
    s.on(
        d(2022, 11, 24),
        HEAD,
        Command::SubmitPlan {
            summary: Some(
                "Written statement of action, version 3, with the locality workstreams.".to_owned(),
            ),
        },
    );
    s.on(
        d(2023, 1, 12),
        HEAD,
        Command::AcceptPlan {
            summary: Some(
                "Letter from Ofsted and CQC of 12 January 2023: version 3 is fit for purpose."
                    .to_owned(),
            ),
        },
    );
    s.on(
        d(2023, 1, 19),
        HEAD,
        Command::ScheduleRevisit(RevisitScheduled {
            from: d(2023, 11, 13),
            to: d(2023, 12, 15),
        }),
    );
    s.on(
        d(2023, 1, 19),
        HEAD,
        note(
            K::Weakness,
            "W1",
            "Ofsted and CQC have moved the revisit window to 13 November to 15 December 2023, so that it can judge the locality programme in version 3 of the statement.",
            None,
        ),
    );
    let dives = [
        (
            (2023, 2, 15),
            "WS2",
            "Deep dive into EHC needs assessment: timeliness has held above 60% for five months, and the localities now track every assessment at risk of passing 20 weeks.",
        ),
        (
            (2023, 5, 17),
            "WS4",
            "Deep dive into the neurodevelopmental pathway: the waiting list is falling in every locality, and families describe the support while they wait as helpful.",
        ),
        (
            (2023, 7, 12),
            "WS3",
            "Deep dive into quality assurance: the four-level audit is embedded and its findings are acted on, though health and social care sections still lag.",
        ),
        (
            (2023, 9, 20),
            "WS5",
            "Deep dive into co-production: parent carer groups now sit on every locality board.",
        ),
    ];
    for (day, ws, summary) in dives {
        s.on(
            ymd(day),
            PM,
            visit(
                summary,
                &["Leaders know their localities well and use the dashboard to target support."],
                &["Impact is uneven between localities; the weakest need more support from the centre."],
                &[&format!("Bring evidence of impact from every locality for {ws} to the revisit.")],
            ),
        );
    }
    s.into_steps()
}

/// The themes of the locality workstreams: the weakness each answers, its name, and its measure
/// (title, unit, baseline and target in tenths, lower is better, one decimal place).
/// A theme: weakness, name, measure title, unit, baseline and target in tenths, lower is better,
/// one decimal place.
type Theme = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i64,
    i64,
    bool,
    bool,
);

const THEMES: [Theme; 11] = [
    (
        "W1",
        "joint commissioning of therapies",
        "Children waiting over 12 weeks for therapy",
        "children",
        1800,
        600,
        true,
        false,
    ),
    (
        "W1",
        "multi-agency leadership",
        "Partners attending the locality board",
        "%",
        550,
        900,
        false,
        true,
    ),
    (
        "W2",
        "EHC needs assessment timeliness",
        "EHC plans issued within 20 weeks",
        "%",
        300,
        700,
        false,
        true,
    ),
    (
        "W2",
        "quality of EHC plans",
        "EHC plans audited as good or better",
        "%",
        250,
        700,
        false,
        true,
    ),
    (
        "W2",
        "annual reviews",
        "Annual reviews completed on time",
        "%",
        450,
        850,
        false,
        true,
    ),
    (
        "W3",
        "quality assurance and audit",
        "Multi-agency audits completed to schedule",
        "%",
        200,
        900,
        false,
        true,
    ),
    (
        "W3",
        "performance information",
        "Board indicators reported on time",
        "%",
        400,
        950,
        false,
        true,
    ),
    (
        "W4",
        "neurodevelopmental assessment waiting times",
        "Children waiting over 18 weeks for a neurodevelopmental assessment",
        "children",
        3000,
        900,
        true,
        false,
    ),
    (
        "W4",
        "early identification in health services",
        "Two-year health reviews completed",
        "%",
        620,
        850,
        false,
        true,
    ),
    (
        "W5",
        "co-production with families",
        "Parents who feel listened to (termly survey)",
        "%",
        280,
        600,
        false,
        true,
    ),
    (
        "W5",
        "the Local Offer and communication",
        "Local Offer visitors from the locality per month",
        "visitors",
        3500,
        9000,
        false,
        false,
    ),
];

/// Workstreams per locality.
const PER_LOCALITY: u64 = 6;

const LOCALITIES: [&str; 20] = [
    "Wendbury",
    "Ashby Cross",
    "Kellerton",
    "Marlow Fen",
    "Hollins Vale",
    "Brackenford",
    "Thornsby Marsh",
    "Saltcote Bay",
    "Redmere",
    "Fellhampton",
    "Stannick",
    "Widdowfield",
    "Elmsworth",
    "Pennock Green",
    "Quarley Heath",
    "Dunmere",
    "Ravensholt",
    "Cressbridge",
    "Oakenby",
    "Lowther Moss",
];

const DISTRICTS: [&str; 8] = [
    "North", "South", "East", "West", "Central", "Rural", "Town", "Coast",
];

const FIRST_NAMES: [&str; 16] = [
    "Alex", "Bethan", "Chris", "Deepa", "Ellis", "Fiona", "Gareth", "Hana", "Imran", "Jess",
    "Kwame", "Laura", "Marek", "Niamh", "Olu", "Sian",
];

const SURNAMES: [&str; 16] = [
    "Ashdown",
    "Brierley",
    "Carver",
    "Dalby",
    "Ewart",
    "Fairbairn",
    "Greave",
    "Holroyd",
    "Ingleby",
    "Jessop",
    "Kirkham",
    "Lowe",
    "Mottram",
    "Nuttall",
    "Ormerod",
    "Pickles",
];

const OWNER_ROLES: [&str; 10] = [
    "Locality SEND Manager",
    "Senior EHC Coordinator",
    "Early Years SEND Lead",
    "SENCo Network Lead",
    "Locality Early Help Manager",
    "Children's Community Nursing Lead",
    "Educational Psychology Service Manager",
    "Participation Officer",
    "Commissioning Manager (SEND)",
    "Data and Performance Analyst",
];

const ACTION_TEMPLATES: [&str; 12] = [
    "Map current practice in {theme} in {place} against the statement's standards",
    "Agree a {place} improvement plan for {theme} with schools, health and social care",
    "Run a multi-agency workshop on {theme} for {place} practitioners",
    "Co-produce a families' guide to {theme} with {place} parent carers",
    "Audit a sample of {place} cases for {theme} and report to the locality board",
    "Train {place} SENCos and health practitioners in {theme}",
    "Set up a monthly {theme} tracker for {place}, reported to the locality board",
    "Review caseloads for {theme} in {place} and agree staffing",
    "Publish a 'You said, we did' update on {theme} for {place} families",
    "Embed the standards for {theme} in {place} early years settings",
    "Pilot a single named contact for families in {place} ({theme})",
    "Evaluate the {place} pilot on {theme} and agree next steps",
];

const SUCCESS: [&str; 6] = [
    "Reported to the locality board with evidence of impact",
    "{n} practitioners trained",
    "Families' feedback gathered and acted on",
    "{pct}% of sampled cases meet the standard",
    "Agreed by every partner in the locality",
    "Trajectory met for three months running",
];

const PROGRESS_NOTES: [&str; 10] = [
    "Update: {n} of {m} settings in {place} have completed the self-review.",
    "Task group met; {n} next steps agreed, each with an owner.",
    "Draft shared with the {place} parent carer group for comment; feedback due in two weeks.",
    "Sample of {m} case files reviewed; {pct}% met the new standard.",
    "{n} practitioners attended the briefing.",
    "This month's data shows {pct}% against the trajectory.",
    "Joint visit with health colleagues completed; findings go to the next locality board.",
    "Capacity in the team is the main constraint; raised with the locality board.",
    "Guidance revised after feedback from SENCos at the network meeting.",
    "Case study written up with the family's consent, with no identifying details.",
];

const SLOWDOWNS: [&str; 6] = [
    "two vacancies in the team",
    "waiting for sign-off by a partner",
    "the data needed is not yet in the case management system",
    "the school holidays delayed the sessions with SENCos",
    "the provider does not yet have the staff",
    "sickness absence in the team",
];

const COVID_SLOWDOWNS: [&str; 2] = [
    "COVID-19 staff absence",
    "COVID-19 restrictions on visits to settings",
];

const SLIP_REASONS: [&str; 5] = [
    "Recruitment: the post was not filled in the first round and has been re-advertised.",
    "Waiting for the partners' sign-off, moved to the next board cycle.",
    "The new case management system does not yet hold the data the action needs.",
    "School holidays: the work with settings resumes at the start of term.",
    "Provider capacity: the service cannot start until its staff are in post.",
];

const COVID_SLIP_REASONS: [&str; 2] = [
    "COVID-19: sessions cancelled because of staff absence and moved online.",
    "COVID-19: staff redeployed during the Omicron wave.",
];

const VOICES: [&str; 6] = [
    "Parents say they now know who to contact, and calls are returned within a week.",
    "Families welcome the new guide but want it in more community languages.",
    "Waiting times are still the first thing parents raise with us.",
    "Young people want to be asked directly, not only through their parents.",
    "Parents of children in early years settings feel better informed than a year ago.",
    "Some families still tell their story several times to different services.",
];

const VOICE_SOURCES: [&str; 3] = [
    "parent carer group",
    "young people's group",
    "SENDIASS locality worker",
];

struct GenWorkstream {
    id: String,
    locality: usize,
    theme: usize,
    actions_made: u64,
    /// The measure's id and baseline, once defined.
    measure: Option<(String, i64)>,
    defined_on: Date,
}

struct GenAction {
    id: String,
    workstream: usize,
    status: Status,
    rag: Option<Rag>,
    due: Date,
    /// The business date of its creation or of its last status change: a late update is never
    /// dated before it.
    settled_on: Date,
    slips: u8,
    /// The day its lead last changed, so that it changes at most once a day.
    owner_changed: Option<Date>,
    /// Where it sits in `live`.
    slot: usize,
}

/// The growth of a larger story: locality workstreams with their measures, waves of actions, and
/// every day a quota of events (updates, notes, slips, values, reviews, evidence, risks).
struct Growth {
    rng: Rng,
    /// Events still to produce.
    remaining: u64,
    workdays: Vec<Date>,
    next_workday: usize,
    planned_workstreams: usize,
    localities: Vec<String>,
    workstreams: Vec<GenWorkstream>,
    actions: BTreeMap<u64, GenAction>,
    live: Vec<u64>,
    due: BinaryHeap<Reverse<(Date, u64)>>,
    next_action: u64,
    /// How many actions to keep open at once.
    pool: usize,
    open_risks: Vec<String>,
    next_risk: u64,
}

impl Growth {
    fn new(events: u64) -> Growth {
        let mut workdays = Vec::new();
        let mut day = d(2021, 11, 1);
        let end = d(2023, 10, 31);
        while day <= end {
            if is_workday(day) {
                workdays.push(day);
            }
            day = add_days(day, 1);
        }
        let planned_workstreams = (events / 4000).clamp(1, 2000) as usize;
        let localities_needed = planned_workstreams.div_ceil(PER_LOCALITY as usize);
        let localities = (0..localities_needed)
            .map(|n| {
                let place = LOCALITIES[n % LOCALITIES.len()];
                match n / LOCALITIES.len() {
                    0 => place.to_owned(),
                    k if k <= DISTRICTS.len() => format!("{place} {}", DISTRICTS[k - 1]),
                    k => format!("{place} district {k}"),
                }
            })
            .collect();
        let per_day = events / workdays.len() as u64;
        Growth {
            rng: Rng(0xD15C_0DE5_2021),
            remaining: events,
            workdays,
            next_workday: 0,
            planned_workstreams,
            localities,
            workstreams: Vec::new(),
            actions: BTreeMap::new(),
            live: Vec::new(),
            due: BinaryHeap::new(),
            next_action: 0,
            pool: (per_day * 10).max(4) as usize,
            open_risks: Vec::new(),
            next_risk: 101,
        }
    }

    fn planned_workstreams(&self) -> u64 {
        self.planned_workstreams as u64
    }

    fn finished(&self) -> bool {
        self.next_workday >= self.workdays.len()
    }

    fn person(&mut self, role: &str) -> String {
        let first = *self.rng.pick(&FIRST_NAMES);
        let last = *self.rng.pick(&SURNAMES);
        format!("{first} {last} ({role})")
    }

    fn fill(&mut self, template: &str, workstream: usize) -> String {
        let ws = &self.workstreams[workstream];
        let place = self.localities[ws.locality].clone();
        let theme = THEMES[ws.theme].1;
        let m = self.rng.between(8, 40);
        let n = self.rng.between(2, m);
        let pct = self.rng.between(35, 95);
        template
            .replace("{place}", &place)
            .replace("{theme}", theme)
            .replace("{m}", &m.to_string())
            .replace("{n}", &n.to_string())
            .replace("{pct}", &pct.to_string())
    }

    /// Produces the events recorded on `day` (none unless it is the next working day).
    fn produce(&mut self, day: Date, out: &mut Vec<Planned>) {
        if self.workdays.get(self.next_workday) != Some(&day) {
            return;
        }
        let days_left = (self.workdays.len() - self.next_workday) as u64;
        self.next_workday += 1;
        let mut quota = if days_left == 1 {
            self.remaining
        } else {
            let share = self.remaining / days_left;
            let extra = u64::from(self.rng.below(days_left) < self.remaining % days_left);
            share + extra
        };
        let before = out.len();
        self.scheduled(day, &mut quota, out);
        while quota > 0 {
            self.routine(day, out);
            quota -= 1;
        }
        self.remaining -= (out.len() - before) as u64;
    }

    /// Workstreams and measures, actions falling due, new actions, monthly values, locality
    /// boards and their minutes: as many as fit in `quota`.
    fn scheduled(&mut self, day: Date, quota: &mut u64, out: &mut Vec<Planned>) {
        while *quota > 0 && self.workstreams.len() < self.planned_workstreams {
            self.create_workstream(day, out);
            *quota -= 1;
        }
        for ws in 0..self.workstreams.len() {
            if *quota == 0 {
                return;
            }
            if self.workstreams[ws].measure.is_none() {
                self.define_measure(ws, day, out);
                *quota -= 1;
            }
        }
        if self.first_workday_of_month(day) {
            for ws in 0..self.workstreams.len() {
                if *quota == 0 {
                    return;
                }
                if self.workstreams[ws].defined_on < last_day_of_previous_month(day) {
                    self.record_value(ws, day, out);
                    *quota -= 1;
                }
            }
        }
        for locality in 0..self.localities.len() {
            if *quota == 0 {
                return;
            }
            if self.board_meets(locality, day) {
                *quota -= 1;
                let minutes = day.month().is_multiple_of(2) && *quota > 0;
                self.board(locality, day, minutes, out);
                if minutes {
                    *quota -= 1;
                }
            }
        }
        // Actions falling due: completed, or slipped with a reason (at most a third of the day).
        let mut budget = *quota / 3;
        while budget > 0 {
            match self.due.peek() {
                Some(Reverse((due, _))) if *due <= day => {}
                _ => break,
            }
            let Some(Reverse((due, key))) = self.due.pop() else {
                break;
            };
            let Some(action) = self.actions.get(&key) else {
                continue;
            };
            if action.due != due {
                continue;
            }
            self.finish_or_slip(key, day, out);
            budget -= 1;
            *quota -= 1;
        }
        // New actions, to keep the pool of open actions full.
        let mut budget = (*quota / 3).max(u64::from(*quota > 0 && self.live.is_empty()));
        while budget > 0 && self.live.len() < self.pool && !self.workstreams.is_empty() {
            self.create_action(day, out);
            budget -= 1;
            *quota -= 1;
        }
    }

    fn first_workday_of_month(&self, day: Date) -> bool {
        let mut earlier = add_days(day, -1);
        while earlier.month() == day.month() {
            if is_workday(earlier) {
                return false;
            }
            earlier = add_days(earlier, -1);
        }
        true
    }

    fn board_meets(&self, locality: usize, day: Date) -> bool {
        // Each locality board meets monthly on its own weekday of its own week.
        let week = (day.day() - 1) / 7;
        let slot = locality % 15;
        weekday(day) == (slot % 5) as i64 && u64::from(week) == (slot / 5 + 1) as u64
    }

    fn create_workstream(&mut self, day: Date, out: &mut Vec<Planned>) {
        let n = self.workstreams.len();
        let locality = n % self.localities.len();
        let theme = (n / self.localities.len() + locality) % THEMES.len();
        let place = self.localities[locality].clone();
        let sponsor = format!(
            "{} {}, Locality Director, {place}",
            self.rng.pick(&FIRST_NAMES),
            self.rng.pick(&SURNAMES)
        );
        let id = format!("WS{}", n + 6);
        let (weakness, name, ..) = THEMES[theme];
        out.push(Planned {
            recorded_on: day,
            occurred_on: day,
            actor: PM.to_owned(),
            command: Command::CreateWorkstream(WorkstreamCreated {
                id: workstream_id(&id),
                title: format!("{place} locality: {name}"),
                sponsor,
                weaknesses: vec![weakness_id(weakness)],
            }),
            file: None,
            mark: None,
            corrects: None,
        });
        self.workstreams.push(GenWorkstream {
            id,
            locality,
            theme,
            actions_made: 0,
            measure: None,
            defined_on: day,
        });
    }

    fn define_measure(&mut self, ws: usize, day: Date, out: &mut Vec<Planned>) {
        let (weakness, _, title, unit, baseline, target, lower, one_place) =
            THEMES[self.workstreams[ws].theme];
        // Counts vary with the size of the locality; percentages a little around the theme's.
        let baseline = if one_place {
            baseline + self.rng.between(-60, 60)
        } else {
            baseline * self.rng.between(70, 130) / 100
        };
        let target = if one_place {
            target
        } else {
            target * baseline / THEMES[self.workstreams[ws].theme].4
        };
        let id = format!("M{}", ws + 5);
        let place = self.localities[self.workstreams[ws].locality].clone();
        let actor = self.person("Data and Performance Analyst");
        out.push(Planned {
            recorded_on: day,
            occurred_on: day,
            actor,
            command: Command::DefineMeasure(MeasureDefined {
                id: measure_id(&id),
                title: format!("{place}: {title}"),
                unit: unit.to_owned(),
                baseline: tenths(baseline, one_place),
                baseline_on: last_day_of_previous_month(day),
                target: tenths(target, one_place),
                target_by: d(2023, 9, 30),
                better: if lower {
                    Direction::LowerIsBetter
                } else {
                    Direction::HigherIsBetter
                },
                weaknesses: vec![weakness_id(weakness)],
            }),
            file: None,
            mark: None,
            corrects: None,
        });
        self.workstreams[ws].measure = Some((id, baseline));
        self.workstreams[ws].defined_on = day;
    }

    fn record_value(&mut self, ws: usize, day: Date, out: &mut Vec<Planned>) {
        let Some((id, baseline)) = self.workstreams[ws].measure.clone() else {
            return;
        };
        let (_, _, _, _, theme_base, theme_target, _, one_place) =
            THEMES[self.workstreams[ws].theme];
        let target = if one_place {
            theme_target
        } else {
            theme_target * baseline / theme_base
        };
        let month_end = last_day_of_previous_month(day);
        let elapsed = self.workstreams[ws].defined_on.days_until(month_end).max(0);
        let span = self.workstreams[ws]
            .defined_on
            .days_until(d(2023, 9, 30))
            .max(1);
        let progress = (elapsed * 90 / span).min(100);
        let wobble = (target - baseline).abs() / 12;
        let value =
            baseline + (target - baseline) * progress / 100 + self.rng.between(-wobble, wobble);
        let value = if one_place { value.min(1000) } else { value };
        let actor = self.person("Data and Performance Analyst");
        out.push(Planned {
            recorded_on: day,
            occurred_on: month_end,
            actor,
            command: measure_value(
                &id,
                tenths(value, one_place),
                &format!(
                    "Locality dashboard, {} {}",
                    Date::month_name(month_end),
                    month_end.year()
                ),
            ),
            file: None,
            mark: None,
            corrects: None,
        });
    }

    fn board(&mut self, locality: usize, day: Date, minutes: bool, out: &mut Vec<Planned>) {
        let place = self.localities[locality].clone();
        let forum = format!("{place} Locality SEND Partnership Board");
        let members: Vec<usize> = (0..self.workstreams.len())
            .filter(|ws| self.workstreams[*ws].locality == locality)
            .collect();
        if members.is_empty() {
            // A board before its workstreams exist discusses the statement as a whole.
            out.push(self.voice_on_weakness(day, &place));
            return;
        }
        let mut assessments = Vec::new();
        for ws in &members {
            let roll = self.rng.below(100);
            let (rating, note) = match roll {
                0..=69 => (Rating::OnTrack, None),
                70..=94 => (
                    Rating::AtRisk,
                    Some(format!("At risk: {}.", self.rng.pick(&SLOWDOWNS))),
                ),
                _ => (
                    Rating::OffTrack,
                    Some("Off track: recovery plan requested for the next meeting.".to_owned()),
                ),
            };
            assessments.push(Assessment {
                workstream: workstream_id(&self.workstreams[*ws].id),
                rating,
                note,
            });
        }
        let actor = self.person("Locality Business Support Officer");
        let mut text = format!(
            "{}\nMinutes of the meeting held on {}\n\nPresent (by role): Locality Director (chair); Locality SEND Manager; Designated Clinical Officer's deputy; parent carer group (2); SENCo network lead; early help manager.\n\nWorkstream assessments\n",
            forum.to_uppercase(),
            day.long()
        );
        for (ws, a) in members.iter().zip(&assessments) {
            let title = THEMES[self.workstreams[*ws].theme].1;
            text.push_str(&format!(
                "  {} ({title} and related work): {}{}\n",
                a.workstream,
                a.rating.label().to_uppercase(),
                a.note
                    .as_ref()
                    .map(|n| format!(" - {n}"))
                    .unwrap_or_default()
            ));
        }
        text.push_str("\nVoice of families\n  The parent carer group reported on its latest coffee morning.\n\nDate of next meeting: in four weeks\n");
        let supports = members
            .iter()
            .map(|ws| reference(SubjectKind::Workstream, &self.workstreams[*ws].id))
            .collect();
        out.push(Planned {
            recorded_on: day,
            occurred_on: day,
            actor: actor.clone(),
            command: Command::ReviewProgress(ProgressReviewed { forum, assessments }),
            file: None,
            mark: None,
            corrects: None,
        });
        if minutes {
            let slug: String = place
                .to_lowercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect();
            let (command, file) = evidence(
                &format!("{place} locality board minutes, {}", day.long()),
                EvidenceKind::Minutes,
                supports,
                &format!("{slug}-board-minutes-{day}.txt"),
                text,
            );
            out.push(Planned {
                recorded_on: day,
                occurred_on: day,
                actor,
                command,
                file: Some(file),
                mark: None,
                corrects: None,
            });
        }
    }

    fn voice_on_weakness(&mut self, day: Date, place: &str) -> Planned {
        let weakness = *self.rng.pick(&["W1", "W2", "W3", "W4", "W5"]);
        let text = *self.rng.pick(&VOICES);
        Planned {
            recorded_on: day,
            occurred_on: day,
            actor: COPRO.to_owned(),
            command: note(
                SubjectKind::Weakness,
                weakness,
                text,
                Some(&format!("{place} parent carer group")),
            ),
            file: None,
            mark: None,
            corrects: None,
        }
    }

    fn create_action(&mut self, day: Date, out: &mut Vec<Planned>) {
        let ws = self.rng.below(self.workstreams.len() as u64) as usize;
        self.workstreams[ws].actions_made += 1;
        let number = self.workstreams[ws].actions_made;
        let id = format!("{}.{number}", &self.workstreams[ws].id[2..]);
        let title = self.fill(
            ACTION_TEMPLATES[(number as usize - 1) % ACTION_TEMPLATES.len()],
            ws,
        );
        let role = *self.rng.pick(&OWNER_ROLES);
        let place = self.localities[self.workstreams[ws].locality].clone();
        let owner = format!("{role}, {place}");
        let due = add_days(day, self.rng.between(6, 40) * 7);
        let first = *self.rng.pick(&SUCCESS);
        let second = *self.rng.pick(&SUCCESS);
        let mut success = vec![self.fill(first, ws)];
        if second != first {
            success.push(self.fill(second, ws));
        }
        let actor = self.person("Locality SEND Manager");
        out.push(Planned {
            recorded_on: day,
            occurred_on: day,
            actor,
            command: Command::CreateAction(ActionCreated {
                id: action_id(&id),
                workstream: workstream_id(&self.workstreams[ws].id),
                title,
                owner,
                due,
                success,
            }),
            file: None,
            mark: None,
            corrects: None,
        });
        let key = self.next_action;
        self.next_action += 1;
        self.actions.insert(
            key,
            GenAction {
                id,
                workstream: ws,
                status: Status::NotStarted,
                rag: None,
                due,
                settled_on: day,
                slips: 0,
                owner_changed: None,
                slot: self.live.len(),
            },
        );
        self.live.push(key);
        self.due.push(Reverse((due, key)));
    }

    fn status_step(
        &mut self,
        key: u64,
        day: Date,
        occurred_on: Date,
        status: Status,
        rag: Rag,
        note: String,
    ) -> Planned {
        let action = self.actions.get_mut(&key).expect("a live action");
        action.settled_on = occurred_on;
        action.status = status;
        action.rag = Some(rag);
        let id = action.id.clone();
        let actor = self.person("Locality SEND Manager");
        Planned {
            recorded_on: day,
            occurred_on,
            actor,
            command: Command::ChangeActionStatus(ActionStatusChanged {
                id: action_id(&id),
                status,
                rag: Some(rag),
                note: Some(note),
            }),
            file: None,
            mark: None,
            corrects: None,
        }
    }

    /// An action at its due date: completed, or (if blocked, or one time in five) slipped.
    fn finish_or_slip(&mut self, key: u64, day: Date, out: &mut Vec<Planned>) {
        let (status, slips) = {
            let action = &self.actions[&key];
            (action.status, action.slips)
        };
        let slip = status == Status::Blocked || (slips < 2 && self.rng.chance(20));
        if slip {
            let covid = day < d(2022, 4, 1) && self.rng.chance(50);
            let reason = if covid {
                *self.rng.pick(&COVID_SLIP_REASONS)
            } else {
                *self.rng.pick(&SLIP_REASONS)
            };
            let new_due = add_days(day, self.rng.between(4, 12) * 7);
            let action = self.actions.get_mut(&key).expect("a live action");
            action.due = new_due;
            action.slips += 1;
            let id = action.id.clone();
            self.due.push(Reverse((new_due, key)));
            let actor = self.person("Locality SEND Manager");
            out.push(Planned {
                recorded_on: day,
                occurred_on: day,
                actor,
                command: Command::AmendAction(ActionAmended {
                    id: action_id(&id),
                    title: None,
                    owner: None,
                    due: Some(new_due),
                    reason: reason.to_owned(),
                }),
                file: None,
                mark: None,
                corrects: None,
            });
            return;
        }
        let ws = self.actions[&key].workstream;
        let note = self.fill(
            "Complete: reported to the locality board; {pct}% of the sample now meets the standard.",
            ws,
        );
        let step = self.status_step(key, day, day, Status::Complete, Rag::Green, note);
        out.push(step);
        // Off the list of open actions.
        let action = self.actions.remove(&key).expect("a live action");
        let moved = *self.live.last().expect("the action is live");
        self.live.swap_remove(action.slot);
        if moved != key
            && let Some(other) = self.actions.get_mut(&moved)
        {
            other.slot = action.slot;
        }
    }

    /// One routine event: news of an open action, a RAG change, a family's voice, a late entry,
    /// a risk.
    fn routine(&mut self, day: Date, out: &mut Vec<Planned>) {
        if self.live.is_empty() {
            let place =
                self.localities[self.rng.below(self.localities.len() as u64) as usize].clone();
            out.push(self.voice_on_weakness(day, &place));
            return;
        }
        let key = self.live[self.rng.below(self.live.len() as u64) as usize];
        let (status, rag, ws, settled_on, id, owner_changed) = {
            let a = &self.actions[&key];
            (
                a.status,
                a.rag,
                a.workstream,
                a.settled_on,
                a.id.clone(),
                a.owner_changed,
            )
        };
        let covid = day < d(2022, 4, 1);
        let mut roll = self.rng.below(100);
        if (94..=96).contains(&roll) && owner_changed == Some(day) {
            roll = 0;
        }
        if status == Status::NotStarted || (60..85).contains(&roll) {
            let slowdown = if covid && self.rng.chance(40) {
                *self.rng.pick(&COVID_SLOWDOWNS)
            } else {
                *self.rng.pick(&SLOWDOWNS)
            };
            let (status, rag, text) = match (status, rag) {
                (Status::NotStarted, _) => (
                    Status::InProgress,
                    Rag::Green,
                    "Started: lead officer and task group in place.".to_owned(),
                ),
                (Status::InProgress, Some(Rag::Green)) => (
                    Status::InProgress,
                    Rag::Amber,
                    format!("Risk to the timescale: {slowdown}."),
                ),
                (Status::InProgress, Some(Rag::Amber)) => match self.rng.below(10) {
                    0..=5 => (
                        Status::InProgress,
                        Rag::Green,
                        "Back on track: the task group has caught up.".to_owned(),
                    ),
                    6..=8 => (
                        Status::InProgress,
                        Rag::Red,
                        format!("Off track: {slowdown}; escalated to the locality board."),
                    ),
                    _ => (Status::Blocked, Rag::Red, format!("Blocked: {slowdown}.")),
                },
                (Status::InProgress, Some(Rag::Red)) => (
                    Status::InProgress,
                    Rag::Amber,
                    "Recovering: recovery plan agreed by the locality board.".to_owned(),
                ),
                _ => (
                    Status::InProgress,
                    Rag::Amber,
                    "Unblocked: work has restarted.".to_owned(),
                ),
            };
            // One update in ten is recorded late, up to five weeks after it happened.
            let occurred_on = if self.rng.chance(10) {
                let back = self.rng.between(7, 35).min(settled_on.days_until(day));
                add_days(day, -back)
            } else {
                day
            };
            let step = self.status_step(key, day, occurred_on, status, rag, text);
            out.push(step);
            return;
        }
        let place = self.localities[self.workstreams[ws].locality].clone();
        let actor = self.person("Locality SEND Manager");
        let command = match roll {
            0..=59 => {
                let template = *self.rng.pick(&PROGRESS_NOTES);
                note(SubjectKind::Action, &id, &self.fill(template, ws), None)
            }
            85..=93 => {
                let from = format!("{place} {}", self.rng.pick(&VOICE_SOURCES));
                let text = *self.rng.pick(&VOICES);
                note(
                    SubjectKind::Workstream,
                    &self.workstreams[ws].id,
                    text,
                    Some(&from),
                )
            }
            94..=96 => {
                let owner = format!(
                    "{}, {place} (from {})",
                    self.rng.pick(&OWNER_ROLES),
                    day.long()
                );
                if let Some(action) = self.actions.get_mut(&key) {
                    action.owner_changed = Some(day);
                }
                Command::AmendAction(ActionAmended {
                    id: action_id(&id),
                    title: None,
                    owner: Some(owner),
                    due: None,
                    reason: "The previous lead moved to another role in the restructure of locality teams.".to_owned(),
                })
            }
            _ => self.risk(ws, &place),
        };
        out.push(Planned {
            recorded_on: day,
            occurred_on: day,
            actor,
            command,
            file: None,
            mark: None,
            corrects: None,
        });
    }

    fn risk(&mut self, ws: usize, place: &str) -> Command {
        let roll = self.rng.below(3);
        if self.open_risks.len() < 3 || (roll == 0 && self.open_risks.len() < 200) {
            let id = format!("R{}", self.next_risk);
            self.next_risk += 1;
            self.open_risks.push(id.clone());
            let slowdown = *self.rng.pick(&SLOWDOWNS);
            Command::RaiseRisk(RaiseRisk {
                id: risk_id(&id),
                title: format!("In {place}, {slowdown} threatens delivery of {}", THEMES[self.workstreams[ws].theme].1),
                level: *self.rng.pick(&[RiskLevel::Low, RiskLevel::Medium, RiskLevel::High]),
                about: vec![reference(SubjectKind::Workstream, &self.workstreams[ws].id)],
                mitigation: Some("Reviewed monthly by the locality board; escalated to the SEND Improvement Board if it rises.".to_owned()),
            })
        } else {
            let slot = self.rng.below(self.open_risks.len() as u64) as usize;
            if roll == 1 {
                let id = self.open_risks.swap_remove(slot);
                Command::CloseRisk(RiskClosed {
                    id: risk_id(&id),
                    reason: "Mitigation worked: the locality board agreed to close the risk."
                        .to_owned(),
                })
            } else {
                let id = self.open_risks[slot].clone();
                Command::UpdateRisk(RiskUpdated {
                    id: risk_id(&id),
                    level: None,
                    mitigation: None,
                    note: Some(format!(
                        "Reviewed by the {place} locality board: {}.",
                        self.rng.pick(&[
                            "no change",
                            "improving",
                            "worse this month; kept under review"
                        ])
                    )),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::When;
    use crate::event::{Event, EventBody, FORMAT_VERSION};
    use crate::{State, chain_hash, decide, encode_event};

    /// What a replay of the story saw.
    #[derive(Default)]
    struct Replay {
        state: State,
        steps: u64,
        kinds: BTreeMap<&'static str, u64>,
        evidence_kinds: std::collections::BTreeSet<EvidenceKind>,
        late: u64,
        actors: std::collections::BTreeSet<String>,
        slip_reasons: Vec<String>,
        measure_values: BTreeMap<String, u64>,
    }

    /// Decides and applies every step in order, chaining the events as a store would, and
    /// checks each envelope rule on the way. Panics on the first refused step.
    fn replay(steps: impl Iterator<Item = DemoStep>) -> Replay {
        let mut seen = Replay::default();
        let mut prev = crate::ids::Digest::ZERO;
        let mut last_recorded_at = i64::MIN;
        for step in steps {
            let today = Date::from_unix_millis(step.recorded_at).expect("a real day");
            assert!(
                step.recorded_at >= last_recorded_at,
                "recorded_at went backwards at step {}",
                seen.steps
            );
            assert!(
                step.occurred_on <= today,
                "step {} happens after it is recorded",
                seen.steps
            );
            assert!(
                (2021..=2023).contains(&today.year()),
                "step {} is recorded in {}",
                seen.steps,
                today.year()
            );
            assert_eq!(step.actor.role, Role::Officer);
            last_recorded_at = step.recorded_at;
            let when = When {
                occurred_on: step.occurred_on,
                today,
            };
            let body = decide(&seen.state, &step.command, when).unwrap_or_else(|rejection| {
                panic!(
                    "step {} was refused: {rejection}\n{:?}",
                    seen.steps, step.command
                )
            });
            if let (EventBody::EvidenceAttached(e), Some(file)) = (&body, &step.file) {
                assert_eq!(e.content_hash, content_hash(&file.content));
                assert_eq!(e.size, file.content.len() as u64);
                seen.evidence_kinds.insert(e.kind);
            }
            if let EventBody::ActionAmended(e) = &body
                && e.due.is_some()
            {
                seen.slip_reasons.push(e.reason.clone());
            }
            if let EventBody::MeasureRecorded(e) = &body {
                *seen.measure_values.entry(e.id.to_string()).or_default() += 1;
            }
            if step.occurred_on.days_until(today) >= 14 {
                seen.late += 1;
            }
            seen.actors.insert(step.actor.name.clone());
            *seen.kinds.entry(body.kind()).or_default() += 1;
            let event = Event {
                format: FORMAT_VERSION,
                seq: seen.state.len,
                prev,
                recorded_at: step.recorded_at,
                occurred_on: step.occurred_on,
                actor: step.actor,
                body,
            };
            prev = chain_hash(&encode_event(&event));
            seen.state.apply(&event);
            seen.steps += 1;
        }
        seen
    }

    fn count(seen: &Replay, kind: &str) -> u64 {
        seen.kinds.get(kind).copied().unwrap_or_default()
    }

    #[test]
    fn the_base_story_is_accepted_and_has_everything_a_wsoa_has() {
        let seen = replay(story(None));
        let state = &seen.state;
        assert_eq!(state.area.as_deref(), Some(AREA));
        assert!(state.inspection.is_some());
        assert!(state.weaknesses.len() >= 3);
        assert_eq!(state.workstreams.len(), 5);
        assert!(state.workstreams.values().all(|ws| !ws.sponsor.is_empty()));
        assert_eq!(state.actions.len(), 25);
        let dues: Vec<Date> = state.actions.values().map(|a| a.due).collect();
        let (first, last) = (dues.iter().min().copied(), dues.iter().max().copied());
        let spread = first
            .zip(last)
            .map(|(f, l)| f.days_until(l))
            .unwrap_or_default();
        assert!(spread >= 500, "due dates spread over {spread} days");
        assert_eq!(state.measures.len(), 4);
        for (id, values) in &seen.measure_values {
            assert!((4..=7).contains(values), "measure {id} has {values} values");
        }
        assert_eq!(
            count(&seen, "monitoring_visit_recorded") + count(&seen, "monitoring_visit_feedback"),
            3
        );
        assert_eq!(
            count(&seen, "monitoring_visit_feedback"),
            2,
            "points tied to weaknesses"
        );
        assert!(count(&seen, "progress_reviewed") >= 3);
        assert_eq!(count(&seen, "plan_submitted"), 2);
        assert_eq!(count(&seen, "plan_revised"), 1);
        assert_eq!(count(&seen, "plan_accepted"), 1);
        assert_eq!(count(&seen, "correction_recorded"), 1);
        assert_eq!(count(&seen, "revisit_scheduled"), 1);
        assert_eq!(count(&seen, "revisit_outcome_recorded"), 0);
        assert!(
            count(&seen, "risk_raised") >= 1
                && count(&seen, "risk_updated") >= 1
                && count(&seen, "risk_closed") >= 1
        );
        assert!(count(&seen, "note_added") >= 4);
        assert!(count(&seen, "action_status_changed") >= 50);
        assert!(seen.late >= 3, "{} late-recorded steps", seen.late);
        assert!(seen.evidence_kinds.len() >= 3);
        assert!(state.evidence.len() >= 8);
        assert!(seen.slip_reasons.iter().any(|r| r.contains("COVID-19")));
        assert!(seen.slip_reasons.iter().any(|r| r.contains("Recruitment")));
        assert!(seen.actors.len() >= 5);
        assert!(
            state
                .revisit
                .is_some_and(|(from, _)| from.year() == 2022 && from.month() >= 9)
        );
    }

    #[test]
    fn the_correction_points_at_the_mistyped_value() {
        let steps: Vec<DemoStep> = story(None).collect();
        let seq = steps
            .iter()
            .find_map(|step| match &step.command {
                Command::RecordCorrection(c) => Some(c.seq),
                _ => None,
            })
            .expect("the story has a correction");
        let target = usize::try_from(seq).expect("small");
        assert!(matches!(
            &steps[target].command,
            Command::RecordMeasure(m) if m.value.as_str() == "2710"
        ));
    }

    #[test]
    fn the_story_is_the_same_every_time() {
        let first: Vec<DemoStep> = story(None).collect();
        let second: Vec<DemoStep> = story(None).collect();
        assert_eq!(first, second);
        assert!(story(Some(3_000)).eq(story(Some(3_000))));
    }

    #[test]
    fn a_small_target_gives_the_base_story() {
        assert_eq!(story(Some(10)).count(), story(None).count());
    }

    #[test]
    fn a_larger_story_grows_to_about_the_target_and_is_accepted() {
        let target = 20_000;
        let seen = replay(story(Some(target)));
        let low = target * 9 / 10;
        let high = target * 11 / 10;
        assert!(
            (low..=high).contains(&seen.steps),
            "{} steps for a target of {target}",
            seen.steps
        );
        assert!(seen.state.workstreams.len() > 5);
        assert!(seen.state.actions.len() > 25);
        assert!(count(&seen, "evidence_attached") > 10);
        assert!(count(&seen, "progress_reviewed") > 6);
        assert_eq!(count(&seen, "plan_accepted"), 2);
    }
}
