//! The second demo story: a local area whose history runs from a 2016-framework inspection,
//! through its written statement of action, a revisit that found insufficient progress in two of
//! four weaknesses and the Accelerated Progress Plan that followed, to an inspection under the
//! 2023 framework with areas for priority action and for improvement, and the priority action
//! plan that answers them. Pure and deterministic, as the base story is.
//!
//! "Eastbrook local area" is fictional; its people, numbers and letters are invented.

use super::{
    ADVISERS, Planned, Script, Story, action_id, d, decimal, evidence, measure_id, measure_value,
    note, reference, review, risk_id, status_change, visit, weakness_id, workstream_id,
};
use crate::command::{
    AddFinding, AddInspection, AddWorkstream, AmendMeasure, Command, DefineMeasure, RaiseRisk,
    StepPlan, TrajectoryInput,
};
use crate::date::Date;
use crate::deadline::Deadline;
use crate::event::Rag;
use crate::event::{
    ActionCreated, CoproductionRecorded, Direction, EvidenceKind, FindingKind, Framework,
    InspectionKind, InspectionOutcome, LedgerOpened, MeasureDefined, MilestoneAdded, MilestoneMet,
    MilestoneMissed, MonitoringReviewed, Outcome, PackSent, Period, PlanKind, PlanStarted,
    PlanStep, Progress, Rating, RevisitOutcomeRecorded, RevisitScheduled, RiskLevel, Status,
    WorkstreamCreated,
};
use crate::ids::{Digest, InspectionId, MilestoneId, PlanId, SubjectKind as K};

use super::DemoStep;

/// The fictional local area of the second story.
pub const AREA: &str = "Eastbrook local area";

/// The story recorded in memory, as [`super::in_memory`] records the base story: without its
/// evidence packs, which are files only a store can cut.
pub fn in_memory() -> crate::memory::MemoryLedger {
    let mut ledger = crate::memory::MemoryLedger::new();
    for (index, step) in story()
        .filter(|step| step.pack_order().is_none())
        .enumerate()
    {
        if let Err(rejection) = ledger.record(
            &step.command,
            step.actor,
            step.occurred_on,
            step.recorded_at,
        ) {
            panic!("step {index} of the 2023 story is refused: {rejection}");
        }
    }
    ledger
}

/// The story: about 200 events from April 2019 to July 2025. Every step is accepted by
/// `decide` when applied in order, and it is always the same story.
pub fn story() -> impl Iterator<Item = DemoStep> {
    Story::scripted(script(), None)
}

const PM: &str = "Sam Whitlock (SEND Improvement Lead)";
const DCS: &str = "Nadia Brennan (Director of Children's Services)";
const ICB: &str = "Dr Femi Adeyemi (Designated Clinical Officer)";
const BI: &str = "Lucy Harcourt (SEND Performance Analyst)";
const COPRO: &str = "Martin Oyelaran (Engagement and Co-production Manager)";
const FORUM: &str = "Eastbrook Parent Carer Forum";
const BOARD: &str = "Eastbrook SEND Partnership Board";

/// Board reviews: (day, each workstream's rating with a note).
type BoardRow = (
    (u16, u8, u8),
    &'static [(&'static str, Rating, Option<&'static str>)],
);

const BOARDS: [BoardRow; 7] = [
    (
        (2020, 1, 20),
        &[
            ("WS1", Rating::OnTrack, None),
            ("WS2", Rating::OnTrack, None),
            (
                "WS3",
                Rating::AtRisk,
                Some("The waiting list is still growing."),
            ),
            ("WS4", Rating::OnTrack, None),
        ],
    ),
    (
        (2020, 7, 20),
        &[
            (
                "WS1",
                Rating::AtRisk,
                Some("Pooled budget paused by the pandemic."),
            ),
            ("WS2", Rating::AtRisk, None),
            (
                "WS3",
                Rating::OffTrack,
                Some("Clinics were suspended for ten weeks."),
            ),
            ("WS4", Rating::AtRisk, None),
        ],
    ),
    (
        (2021, 1, 18),
        &[
            ("WS1", Rating::OnTrack, None),
            ("WS2", Rating::OnTrack, None),
            (
                "WS3",
                Rating::OffTrack,
                Some("The median wait is longer than at the inspection."),
            ),
            (
                "WS4",
                Rating::AtRisk,
                Some("Families still say they are consulted late."),
            ),
        ],
    ),
    (
        (2022, 2, 21),
        &[
            (
                "WS5",
                Rating::AtRisk,
                Some("Second provider not yet at full capacity."),
            ),
            ("WS6", Rating::OnTrack, None),
        ],
    ),
    (
        (2022, 8, 22),
        &[
            (
                "WS5",
                Rating::OnTrack,
                Some("The median wait is below the trajectory."),
            ),
            ("WS6", Rating::OnTrack, None),
        ],
    ),
    (
        (2025, 3, 24),
        &[
            ("WS7", Rating::AtRisk, Some("Surge team not yet complete.")),
            ("WS8", Rating::OnTrack, None),
            ("WS9", Rating::OnTrack, None),
            ("WS10", Rating::AtRisk, None),
        ],
    ),
    (
        (2025, 6, 23),
        &[
            (
                "WS7",
                Rating::AtRisk,
                Some("Psychology capacity starts in July."),
            ),
            (
                "WS8",
                Rating::AtRisk,
                Some("Year 9 reviews: 58% include the new section."),
            ),
            ("WS9", Rating::OnTrack, None),
            ("WS10", Rating::OnTrack, None),
        ],
    ),
];

/// The 2016 inspection's areas of significant weakness.
const WEAKNESSES: [(&str, &str, &str); 4] = [
    (
        "W1",
        "Strategic leadership and joint commissioning",
        "Leaders across education, health and care do not share an accurate view of the area's strengths and weaknesses, and joint commissioning arrangements are underdeveloped.",
    ),
    (
        "W2",
        "Timeliness and quality of EHC plans",
        "Too few education, health and care plans are issued within 20 weeks, and the quality of plans is too variable; health and social care advice is often missing.",
    ),
    (
        "W3",
        "Waiting times for neurodevelopmental assessment",
        "Children and young people wait too long for an autism spectrum disorder assessment, and families receive little support while they wait.",
    ),
    (
        "W4",
        "Co-production with families and the Local Offer",
        "Parents and carers are not routinely involved in designing services, and the Local Offer is hard to find and out of date.",
    ),
];

/// The 2023 inspection's findings: (id, kind, title, the inspectors' words).
const FINDINGS_2023: [(&str, FindingKind, &str, &str); 4] = [
    (
        "AP1",
        FindingKind::PriorityAction,
        "Timeliness of EHC needs assessments",
        "Leaders across the partnership should urgently improve the timeliness of education, health and care needs assessments, so that children and young people receive the support they need without delay.",
    ),
    (
        "AFI1",
        FindingKind::Improvement,
        "Preparing for adulthood",
        "Leaders should make sure that young people with SEND are well prepared for adulthood, with plans for employment, independent living and health from Year 9.",
    ),
    (
        "AFI2",
        FindingKind::Improvement,
        "Oversight of alternative provision",
        "Leaders should strengthen their oversight of the quality and suitability of alternative provision used for children and young people with SEND.",
    ),
    (
        "AFI3",
        FindingKind::Improvement,
        "Health information in EHC plans",
        "Health partners should make sure that health advice is provided on time and that health needs and provision are clearly described in EHC plans.",
    ),
];

/// Workstreams: (id, title, sponsor, what they answer).
const WORKSTREAMS: [(&str, &str, &str, &[&str]); 10] = [
    (
        "WS1",
        "Leadership and joint commissioning",
        "Director of Children's Services and CCG Chief Nurse",
        &["W1"],
    ),
    (
        "WS2",
        "EHC needs assessments and plans",
        "Assistant Director, Inclusion",
        &["W2"],
    ),
    (
        "WS3",
        "Neurodevelopmental pathway",
        "CCG Director of Commissioning",
        &["W3"],
    ),
    (
        "WS4",
        "Co-production and the Local Offer",
        "Assistant Director, Early Help",
        &["W4"],
    ),
    (
        "WS5",
        "Neurodevelopmental assessment: accelerated recovery",
        "ICB Director of Nursing",
        &["W3"],
    ),
    (
        "WS6",
        "Working with families",
        "Director of Children's Services",
        &["W4"],
    ),
    (
        "WS7",
        "EHC needs assessment recovery",
        "Director of Children's Services",
        &["AP1"],
    ),
    (
        "WS8",
        "Preparing for adulthood",
        "Director of Adult Social Care",
        &["AFI1"],
    ),
    (
        "WS9",
        "Alternative provision",
        "Assistant Director, Education",
        &["AFI2"],
    ),
    (
        "WS10",
        "Health information in EHC plans",
        "ICB Chief Nurse",
        &["AFI3"],
    ),
];

/// Actions: (id, title, owner, due, recorded on, success criteria).
type ActionRow = (
    &'static str,
    &'static str,
    &'static str,
    (u16, u8, u8),
    (u16, u8, u8),
    &'static str,
);

const ACTIONS: [ActionRow; 24] = [
    (
        "1.1",
        "Agree a joint commissioning strategy for SEND with the CCG",
        "Head of Joint Commissioning",
        (2019, 12, 31),
        (2019, 5, 28),
        "The strategy is signed by the council's cabinet and the CCG's governing body.",
    ),
    (
        "1.2",
        "Set up a SEND Partnership Board with a shared performance dashboard",
        "Assistant Director, Inclusion",
        (2019, 9, 30),
        (2019, 5, 28),
        "The board meets monthly and reviews one dashboard across education, health and care.",
    ),
    (
        "1.3",
        "Pool budgets for speech and language therapy",
        "Head of Joint Commissioning",
        (2020, 3, 31),
        (2019, 5, 28),
        "A section 75 agreement is in place.",
    ),
    (
        "2.1",
        "Recruit four additional EHC coordinators",
        "Head of SEND Services",
        (2019, 10, 31),
        (2019, 5, 29),
        "Caseloads fall below 120 per coordinator.",
    ),
    (
        "2.2",
        "Audit the quality of EHC plans with health and care partners each term",
        "SEND Quality Assurance Lead",
        (2019, 12, 20),
        (2019, 5, 29),
        "80% of audited plans are rated good or better.",
    ),
    (
        "2.3",
        "Clear the backlog of overdue annual reviews",
        "Head of SEND Services",
        (2020, 7, 31),
        (2019, 5, 29),
        "No annual review is more than a month overdue.",
    ),
    (
        "3.1",
        "Commission additional autism assessment capacity",
        "CCG Head of Children's Commissioning",
        (2020, 1, 31),
        (2019, 5, 30),
        "200 extra assessments a year are commissioned.",
    ),
    (
        "3.2",
        "Open a single point of access for neurodevelopmental referrals",
        "Community Paediatrics Service Manager",
        (2020, 6, 30),
        (2019, 5, 30),
        "Every referral is triaged within two weeks.",
    ),
    (
        "3.3",
        "Offer families support before and after diagnosis",
        "CCG Head of Children's Commissioning",
        (2020, 9, 30),
        (2019, 5, 30),
        "Every family on the waiting list is offered a workshop.",
    ),
    (
        "4.1",
        "Agree a co-production charter with the parent carer forum",
        "Engagement and Co-production Manager",
        (2019, 10, 31),
        (2019, 5, 31),
        "The charter is signed by the forum and every partner.",
    ),
    (
        "4.2",
        "Relaunch the Local Offer website with families",
        "Local Offer Officer",
        (2020, 3, 31),
        (2019, 5, 31),
        "Families rate the Local Offer easy to use in the annual survey.",
    ),
    (
        "4.3",
        "Publish a 'You said, we did' report each term",
        "Engagement and Co-production Manager",
        (2019, 12, 20),
        (2019, 5, 31),
        "Three reports a year, written with the forum.",
    ),
    (
        "5.1",
        "Clear the autism assessment waiting list with a second provider",
        "ICB Head of Children's Commissioning",
        (2022, 9, 30),
        (2021, 10, 19),
        "No child waits more than 18 weeks from referral to assessment.",
    ),
    (
        "5.2",
        "Offer every waiting family a named contact and the support line",
        "Community Paediatrics Service Manager",
        (2022, 3, 31),
        (2021, 10, 19),
        "Every family on the waiting list has a named contact.",
    ),
    (
        "6.1",
        "Co-produce the Local Offer's content with the forum, page by page",
        "Local Offer Officer",
        (2022, 6, 30),
        (2021, 10, 20),
        "Families rate the Local Offer easy to use.",
    ),
    (
        "6.2",
        "Run quarterly open sessions with the Director of Children's Services",
        "Engagement and Co-production Manager",
        (2022, 3, 31),
        (2021, 10, 20),
        "Four sessions a year, with what was heard published.",
    ),
    (
        "7.1",
        "Recruit a needs assessment surge team for 12 months",
        "Head of SEND Services",
        (2025, 4, 30),
        (2025, 1, 21),
        "New EHC plans issued within 20 weeks back above 60%.",
    ),
    (
        "7.2",
        "Weekly tracking of every needs assessment past week 12",
        "SEND Quality Assurance Lead",
        (2025, 2, 28),
        (2025, 1, 21),
        "Every late assessment has a named lead and a date.",
    ),
    (
        "7.3",
        "Agree educational psychology capacity with a second provider",
        "Principal Educational Psychologist",
        (2025, 6, 30),
        (2025, 1, 21),
        "Psychology advice returned within six weeks.",
    ),
    (
        "8.1",
        "Preparing-for-adulthood reviews from Year 9 in every EHC plan",
        "Head of Preparing for Adulthood",
        (2025, 9, 30),
        (2025, 1, 22),
        "Every Year 9 review covers employment, independence and health.",
    ),
    (
        "8.2",
        "A supported internship offer with three employers",
        "Head of Preparing for Adulthood",
        (2025, 7, 31),
        (2025, 1, 22),
        "30 supported internships a year.",
    ),
    (
        "9.1",
        "Register and quality-assure every alternative provision the area uses",
        "Head of Inclusion",
        (2025, 5, 31),
        (2025, 1, 22),
        "Every placement is in a registered, quality-assured provision.",
    ),
    (
        "10.1",
        "Health advice for needs assessments within six weeks",
        "Designated Clinical Officer",
        (2025, 6, 30),
        (2025, 1, 23),
        "90% of health advice returned within six weeks.",
    ),
    (
        "10.2",
        "Audit health sections of EHC plans with the health providers",
        "Designated Clinical Officer",
        (2025, 7, 31),
        (2025, 1, 23),
        "80% of audited health sections rated good.",
    ),
];

/// Status updates: (action, day, status, RAG, what happened).
/// A status update: (action, day, status, RAG, what happened).
type UpdateRow = (&'static str, (u16, u8, u8), Status, Rag, &'static str);

const UPDATES: &[UpdateRow] = &[
    (
        "1.2",
        (2019, 7, 15),
        Status::InProgress,
        Rag::Green,
        "Terms of reference agreed; first meeting set for September.",
    ),
    (
        "2.1",
        (2019, 7, 22),
        Status::InProgress,
        Rag::Amber,
        "Two of four posts filled; the others readvertised.",
    ),
    (
        "4.1",
        (2019, 7, 29),
        Status::InProgress,
        Rag::Green,
        "Drafting with the forum's steering group.",
    ),
    (
        "1.2",
        (2019, 9, 26),
        Status::Complete,
        Rag::Green,
        "The SEND Partnership Board met for the first time on 24 September, with the dashboard.",
    ),
    (
        "1.1",
        (2019, 10, 3),
        Status::InProgress,
        Rag::Amber,
        "Draft strategy out to consultation; CCG sign-off expected in January.",
    ),
    (
        "3.1",
        (2019, 10, 10),
        Status::InProgress,
        Rag::Green,
        "Independent provider procured; assessments start in November.",
    ),
    (
        "4.1",
        (2019, 10, 30),
        Status::Complete,
        Rag::Green,
        "Charter signed at the forum's AGM.",
    ),
    (
        "2.1",
        (2019, 11, 18),
        Status::Complete,
        Rag::Green,
        "All four coordinators in post.",
    ),
    (
        "2.2",
        (2019, 12, 18),
        Status::Complete,
        Rag::Green,
        "First termly audit: 61% of plans good or better; findings to the board.",
    ),
    (
        "4.3",
        (2019, 12, 19),
        Status::Complete,
        Rag::Green,
        "First 'You said, we did' report published with the forum.",
    ),
    (
        "3.2",
        (2020, 1, 20),
        Status::InProgress,
        Rag::Amber,
        "Single point of access designed; staffing not yet agreed.",
    ),
    (
        "1.1",
        (2020, 2, 12),
        Status::Complete,
        Rag::Green,
        "Strategy signed by cabinet and the CCG governing body.",
    ),
    (
        "3.1",
        (2020, 2, 27),
        Status::Complete,
        Rag::Green,
        "Extra capacity in place: 210 assessments a year.",
    ),
    (
        "1.3",
        (2020, 4, 20),
        Status::Blocked,
        Rag::Red,
        "Pooled budget paused: COVID-19 response has taken finance staff.",
    ),
    (
        "3.2",
        (2020, 5, 11),
        Status::InProgress,
        Rag::Red,
        "Clinics suspended during lockdown; the waiting list is growing.",
    ),
    (
        "4.2",
        (2020, 6, 1),
        Status::InProgress,
        Rag::Amber,
        "New Local Offer site built; testing with families delayed.",
    ),
    (
        "2.3",
        (2020, 7, 27),
        Status::InProgress,
        Rag::Amber,
        "Backlog down from 410 to 160 overdue reviews.",
    ),
    (
        "3.2",
        (2020, 9, 14),
        Status::Complete,
        Rag::Amber,
        "Single point of access open; triage within two weeks for 70% of referrals.",
    ),
    (
        "3.3",
        (2020, 11, 16),
        Status::InProgress,
        Rag::Amber,
        "Online workshops running; uptake is low.",
    ),
    (
        "1.3",
        (2020, 12, 7),
        Status::Complete,
        Rag::Green,
        "Section 75 agreement for speech and language therapy signed.",
    ),
    (
        "2.3",
        (2021, 1, 25),
        Status::Complete,
        Rag::Green,
        "No annual review more than a month overdue.",
    ),
    (
        "4.2",
        (2021, 3, 1),
        Status::Complete,
        Rag::Amber,
        "Local Offer relaunched; families say it is still hard to find things.",
    ),
    (
        "3.3",
        (2021, 4, 12),
        Status::Complete,
        Rag::Amber,
        "Workshops offered to every waiting family; 31% attended.",
    ),
    (
        "5.2",
        (2021, 12, 13),
        Status::InProgress,
        Rag::Green,
        "Named contacts allocated to the first 600 families.",
    ),
    (
        "5.1",
        (2022, 1, 17),
        Status::InProgress,
        Rag::Green,
        "Second provider started; waiting list at 1,140 children.",
    ),
    (
        "6.2",
        (2022, 1, 24),
        Status::InProgress,
        Rag::Green,
        "First open session held; 64 parents attended.",
    ),
    (
        "6.1",
        (2022, 2, 7),
        Status::InProgress,
        Rag::Green,
        "Forum volunteers reviewing the Local Offer, ten pages a week.",
    ),
    (
        "5.2",
        (2022, 3, 28),
        Status::Complete,
        Rag::Green,
        "Every waiting family has a named contact.",
    ),
    (
        "6.2",
        (2022, 3, 30),
        Status::Complete,
        Rag::Green,
        "Sessions set for the year; the notes are on the Local Offer.",
    ),
    (
        "6.1",
        (2022, 6, 29),
        Status::Complete,
        Rag::Green,
        "Every Local Offer page reviewed with families.",
    ),
    (
        "5.1",
        (2022, 9, 26),
        Status::InProgress,
        Rag::Amber,
        "Longest wait down to 31 weeks; 18 weeks expected by March.",
    ),
    (
        "5.1",
        (2023, 3, 27),
        Status::Complete,
        Rag::Green,
        "No child waits more than 18 weeks.",
    ),
    (
        "7.2",
        (2025, 2, 24),
        Status::Complete,
        Rag::Green,
        "Weekly tracking in place; every late assessment has a named lead.",
    ),
    (
        "7.1",
        (2025, 3, 3),
        Status::InProgress,
        Rag::Amber,
        "Six of eight surge team posts filled.",
    ),
    (
        "9.1",
        (2025, 3, 17),
        Status::InProgress,
        Rag::Green,
        "Register built; 14 of 22 providers visited.",
    ),
    (
        "10.1",
        (2025, 4, 7),
        Status::InProgress,
        Rag::Amber,
        "Health advice within six weeks: 71%, from 48%.",
    ),
    (
        "7.3",
        (2025, 5, 12),
        Status::InProgress,
        Rag::Red,
        "Second provider's start delayed to July.",
    ),
    (
        "9.1",
        (2025, 5, 29),
        Status::Complete,
        Rag::Green,
        "Every provision in use registered and visited.",
    ),
    (
        "8.1",
        (2025, 6, 16),
        Status::InProgress,
        Rag::Amber,
        "Year 9 reviews include the new section in 58% of plans.",
    ),
];

/// Measures: (id, title, unit, baseline, baseline on, target, target by, lower is better, what
/// they measure).
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
);

const MEASURES: [MeasureRow; 4] = [
    (
        "M1",
        "New EHC plans issued within 20 weeks",
        "%",
        "38",
        (2019, 3, 31),
        "80",
        (2021, 3, 31),
        false,
        &["W2"],
    ),
    (
        "M2",
        "Median wait from referral to autism assessment",
        "weeks",
        "56",
        (2019, 3, 31),
        "18",
        (2023, 3, 31),
        true,
        &["W3"],
    ),
    (
        "M3",
        "Parent carers who feel listened to (forum survey)",
        "%",
        "41",
        (2019, 3, 31),
        "65",
        (2023, 6, 30),
        false,
        &["W4"],
    ),
    (
        "M4",
        "Health advice for needs assessments within six weeks",
        "%",
        "48",
        (2024, 12, 31),
        "90",
        (2025, 12, 31),
        false,
        &["AFI3"],
    ),
];

/// Values: (measure, the period's last day, value, source).
/// A value: (measure, the period's last day, value, source).
type ValueRow = (&'static str, (u16, u8, u8), &'static str, &'static str);

const VALUES: &[ValueRow] = &[
    ("M1", (2019, 9, 30), "41", "SEND performance dashboard"),
    (
        "M2",
        (2019, 9, 30),
        "58",
        "Community paediatrics waiting list report",
    ),
    ("M1", (2019, 12, 31), "47", "SEND performance dashboard"),
    ("M3", (2019, 12, 31), "44", "Parent carer forum survey"),
    (
        "M2",
        (2019, 12, 31),
        "61",
        "Community paediatrics waiting list report",
    ),
    ("M1", (2020, 3, 31), "55", "SEND performance dashboard"),
    ("M1", (2020, 6, 30), "49", "SEND performance dashboard"),
    (
        "M2",
        (2020, 6, 30),
        "64",
        "Community paediatrics waiting list report",
    ),
    ("M3", (2020, 6, 30), "43", "Parent carer forum survey"),
    ("M1", (2020, 9, 30), "58", "SEND performance dashboard"),
    (
        "M2",
        (2020, 12, 31),
        "63",
        "Community paediatrics waiting list report",
    ),
    ("M1", (2020, 12, 31), "66", "SEND performance dashboard"),
    ("M3", (2020, 12, 31), "45", "Parent carer forum survey"),
    ("M1", (2021, 3, 31), "74", "SEND performance dashboard"),
    (
        "M2",
        (2021, 3, 31),
        "59",
        "Community paediatrics waiting list report",
    ),
    ("M3", (2021, 6, 30), "46", "Parent carer forum survey"),
    (
        "M2",
        (2021, 6, 30),
        "57",
        "Community paediatrics waiting list report",
    ),
    ("M1", (2021, 6, 30), "78", "SEND performance dashboard"),
    ("M2", (2021, 12, 31), "55", "ICB waiting list report"),
    ("M3", (2022, 1, 31), "48", "Parent carer forum survey"),
    ("M2", (2022, 3, 31), "48", "ICB waiting list report"),
    ("M2", (2022, 6, 30), "39", "ICB waiting list report"),
    ("M3", (2022, 6, 30), "53", "Parent carer forum survey"),
    ("M2", (2022, 9, 30), "31", "ICB waiting list report"),
    ("M3", (2022, 11, 30), "59", "Parent carer forum survey"),
    ("M2", (2022, 12, 31), "26", "ICB waiting list report"),
    ("M2", (2023, 3, 31), "22", "ICB waiting list report"),
    ("M3", (2023, 5, 31), "63", "Parent carer forum survey"),
    ("M2", (2023, 6, 30), "19", "ICB waiting list report"),
    ("M1", (2023, 6, 30), "71", "SEND performance dashboard"),
    ("M1", (2023, 12, 31), "58", "SEND performance dashboard"),
    ("M1", (2024, 6, 30), "44", "SEND performance dashboard"),
    ("M1", (2025, 3, 31), "52", "SEND performance dashboard"),
    (
        "M4",
        (2025, 3, 31),
        "71",
        "ICB designated clinical officer's report",
    ),
    ("M1", (2025, 6, 30), "61", "SEND performance dashboard"),
    (
        "M4",
        (2025, 6, 30),
        "83",
        "ICB designated clinical officer's report",
    ),
];

/// Milestones of the follow-on plans' actions: (action, id, title, due, met on or missed on with
/// the reason).
type MilestoneRow = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<((u16, u8, u8), Option<&'static str>)>,
);

const MILESTONES: [MilestoneRow; 12] = [
    (
        "5.1",
        "3m",
        "Second provider assessing 40 children a month",
        "31 January 2022",
        Some(((2022, 1, 31), None)),
    ),
    (
        "5.1",
        "6m",
        "Longest wait below 40 weeks",
        "30 April 2022",
        Some((
            (2022, 5, 3),
            Some(
                "The longest wait was 44 weeks at the end of April: the second provider lost two clinicians in March.",
            ),
        )),
    ),
    (
        "5.1",
        "12m",
        "No child waits more than 18 weeks",
        "Autumn term 2022",
        Some((
            (2023, 1, 9),
            Some(
                "The longest wait at the end of December was 24 weeks; 18 weeks was reached in March 2023.",
            ),
        )),
    ),
    (
        "6.1",
        "3m",
        "Forum volunteers recruited and trained",
        "31 January 2022",
        Some(((2022, 1, 28), None)),
    ),
    (
        "6.1",
        "6m",
        "Half of the Local Offer's pages reviewed with families",
        "30 April 2022",
        Some(((2022, 4, 29), None)),
    ),
    (
        "6.2",
        "3m",
        "First open session held",
        "31 January 2022",
        Some(((2022, 1, 24), None)),
    ),
    ("7.1", "3m", "Surge team in post", "30 April 2025", None),
    (
        "7.1",
        "6m",
        "New EHC plans within 20 weeks above 60%",
        "31 July 2025",
        None,
    ),
    (
        "7.3",
        "3m",
        "Second psychology provider contracted",
        "31 March 2025",
        Some((
            (2025, 4, 1),
            Some("Procurement took longer than planned; the contract was signed on 28 April."),
        )),
    ),
    (
        "9.1",
        "3m",
        "Register of alternative provision published",
        "31 March 2025",
        Some(((2025, 3, 28), None)),
    ),
    (
        "10.1",
        "3m",
        "Health advice tracker shared with the council each week",
        "28 February 2025",
        Some(((2025, 2, 26), None)),
    ),
    (
        "10.1",
        "6m",
        "80% of health advice within six weeks",
        "30 June 2025",
        Some(((2025, 6, 30), None)),
    ),
];

/// What families said, what was done, the difference it made: (day, about, said, did,
/// difference, from, respondents).
type CoproductionRow = (
    (u16, u8, u8),
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    Option<u64>,
);

const COPRODUCTION: [CoproductionRow; 5] = [
    (
        (2020, 1, 27),
        "W4",
        "You said the Local Offer was hard to find your way around and often out of date.",
        "We rebuilt the Local Offer with a group of twelve parents who tested every section before it went live.",
        Some(
            "Visits to the Local Offer rose by a third, but families told us in 2021 that it was still hard to find things.",
        ),
        FORUM,
        None,
    ),
    (
        (2021, 11, 22),
        "W3",
        "You said waiting for an autism assessment without any support was the hardest part.",
        "We gave every waiting family a named contact and opened a support line five days a week.",
        None,
        "Eastbrook neurodevelopmental pathway survey",
        Some(412),
    ),
    (
        (2022, 7, 11),
        "W3",
        "You said the named contacts helped, but you still did not know how long you would wait.",
        "We now send every family their expected wait each month, and publish the waiting times on the Local Offer.",
        Some(
            "78% of families who used the support line said it helped them while they waited, up from 35% in 2021.",
        ),
        "Eastbrook neurodevelopmental pathway survey",
        Some(388),
    ),
    (
        (2022, 10, 3),
        "W4",
        "You said you wanted to help write the Local Offer, not only comment on it.",
        "Forum volunteers reviewed every page with the Local Offer team and now own a page each.",
        Some("63% of parent carers now say they feel listened to, up from 41% in 2019."),
        FORUM,
        Some(297),
    ),
    (
        (2025, 4, 14),
        "AFI1",
        "You said nobody talked to you about work, money or where you would live until you were 17.",
        "Year 9 reviews now include a conversation about employment, independent living and health, led by the young person.",
        None,
        "Eastbrook Youth Voice SEND group",
        None,
    ),
];

fn ymd((year, month, day): (u16, u8, u8)) -> Date {
    d(year, month, day)
}

fn inspection_id(id: &str) -> InspectionId {
    InspectionId::new(id).expect("the story's inspection ids are valid")
}

fn milestone_id(id: &str) -> MilestoneId {
    MilestoneId::new(id).expect("the story's milestone ids are valid")
}

fn deadline(text: &str) -> Deadline {
    Deadline::parse(text).expect("the story's deadlines are readable")
}

fn script() -> Vec<Planned> {
    let mut s = Script::default();
    history_2016(&mut s);
    revisit_and_app(&mut s);
    inspection_2023(&mut s);
    delivery(&mut s);
    monitoring_reviews(&mut s);
    s.into_steps()
}

/// The 2016-framework inspection, its written statement of action and its measures.
fn history_2016(s: &mut Script) {
    let opened = d(2019, 4, 3);
    s.on(
        opened,
        PM,
        Command::OpenLedger(LedgerOpened {
            area: AREA.to_owned(),
            partners: vec![
                "Eastbrook Borough Council".to_owned(),
                "NHS Eastbrook Clinical Commissioning Group".to_owned(),
            ],
        }),
    );
    let published = d(2019, 4, 2);
    s.late(
        published,
        opened,
        PM,
        Command::AddInspection(AddInspection {
            id: None,
            framework: Framework::Y2016,
            kind: InspectionKind::Full,
            outcome: None,
            inspectorates: vec!["Ofsted".to_owned(), "CQC".to_owned()],
            from: d(2019, 2, 4),
            to: d(2019, 2, 8),
            published,
        }),
    );
    for (id, title, finding) in WEAKNESSES {
        s.late(
            published,
            opened,
            PM,
            Command::RecordFinding(AddFinding {
                id: weakness_id(id),
                inspection: Some(inspection_id("I1")),
                kind: FindingKind::Weakness,
                title: title.to_owned(),
                finding: Some(finding.to_owned()),
            }),
        );
    }
    for (id, title, sponsor, answers) in &WORKSTREAMS[..4] {
        s.on(
            d(2019, 5, 20),
            PM,
            create_workstream(id, title, sponsor, answers),
        );
    }
    for row in ACTIONS.iter().filter(|row| plan_of(row.0) == 0) {
        s.on(ymd(row.4), PM, create_action(row));
    }
    s.on(
        d(2019, 7, 9),
        DCS,
        Command::SubmitPlan {
            summary: Some("Written statement of action: four workstreams and twelve actions answering the four areas of significant weakness, agreed by the council's cabinet and the CCG governing body.".to_owned()),
        },
    );
    for row in &MEASURES[..3] {
        s.on(d(2019, 7, 15), BI, define_measure(row));
    }
    s.on(
        d(2019, 8, 20),
        DCS,
        Command::AcceptPlan {
            summary: Some("Letter from Ofsted and CQC of 20 August 2019: the written statement of action is fit for purpose.".to_owned()),
        },
    );
    s.on(
        d(2019, 12, 5),
        PM,
        visit(
            "First monitoring visit: a good start on leadership and on EHC plans; the autism waiting list is still growing.",
            &["[W1] The SEND Partnership Board has a shared dashboard and uses it.", "[W2] EHC coordinators are in post and caseloads are falling."],
            &["[W3] The autism assessment waiting list has grown since the inspection."],
            &["[W3] Set out how the waiting list will be brought down, with a trajectory."],
        ),
    );
    s.on(
        d(2020, 10, 14),
        PM,
        visit(
            "Second monitoring visit, held online: EHC timeliness has recovered after the first lockdown; waiting times and co-production have not moved.",
            &["[W2] New EHC plans within 20 weeks are back above the level before the pandemic."],
            &["[W3] The median wait for an autism assessment is longer than at the inspection.", "[W4] Parents say they are consulted late, on decisions already made."],
            &["[W4] Agree with the forum how families will help shape the Local Offer.", "[W3] Bring the waiting list to the SEND Partnership Board each month."],
        ),
    );
    s.on(
        d(2021, 2, 8),
        PM,
        Command::ScheduleRevisit(RevisitScheduled {
            from: d(2021, 6, 14),
            to: d(2021, 6, 16),
        }),
    );
    s.on(
        d(2021, 3, 10),
        PM,
        visit(
            "Third monitoring visit, before the revisit.",
            &["[W1] Joint commissioning is established; the pooled budget for speech and language therapy is in place."],
            &["[W3] Waiting times for autism assessment remain well above the target.", "[W4] Families' confidence in being listened to has barely moved."],
            &["Show the difference families experience, not only the actions completed."],
        ),
    );
}

/// The revisit, its outcome and the Accelerated Progress Plan.
fn revisit_and_app(s: &mut Script) {
    let published = d(2021, 8, 10);
    s.late(
        published,
        d(2021, 8, 11),
        PM,
        Command::AddInspection(AddInspection {
            id: Some(inspection_id("I2")),
            framework: Framework::Y2016,
            kind: InspectionKind::Revisit,
            outcome: None,
            inspectorates: vec!["Ofsted".to_owned(), "CQC".to_owned()],
            from: d(2021, 6, 14),
            to: d(2021, 6, 16),
            published,
        }),
    );
    s.late(
        published,
        d(2021, 8, 11),
        PM,
        Command::RecordRevisitOutcome(RevisitOutcomeRecorded {
            outcomes: [
                ("W1", Progress::Sufficient),
                ("W2", Progress::Sufficient),
                ("W3", Progress::Insufficient),
                ("W4", Progress::Insufficient),
            ]
            .into_iter()
            .map(|(weakness, progress)| Outcome {
                weakness: weakness_id(weakness),
                progress,
            })
            .collect(),
        }),
    );
    s.on(
        d(2021, 10, 11),
        DCS,
        Command::StartPlan(PlanStarted {
            id: plan_id("APP1"),
            kind: PlanKind::App,
            title: "Accelerated Progress Plan: autism assessment waits and co-production"
                .to_owned(),
            answers: vec![weakness_id("W3"), weakness_id("W4")],
        }),
    );
    // Once a plan is started, a workstream created without one belongs to it.
    for (id, title, sponsor, answers) in &WORKSTREAMS[4..6] {
        s.on(
            d(2021, 10, 18),
            PM,
            create_workstream(id, title, sponsor, answers),
        );
    }
    for row in ACTIONS.iter().filter(|row| plan_of(row.0) == 1) {
        s.on(ymd(row.4), PM, create_action(row));
    }
    s.on(
        d(2021, 10, 25),
        BI,
        Command::AmendMeasure(AmendMeasure {
            id: measure_id("M2"),
            definition: Some("Median weeks from referral to the first diagnostic assessment appointment, children and young people aged 2 to 18, on the waiting list at the quarter's end.".to_owned()),
            period: Some(Period::Quarter),
            trajectory: Some(trajectory(&[
                ((2022, 3, 31), "45"),
                ((2022, 9, 30), "32"),
                ((2023, 3, 31), "18"),
            ])),
        }),
    );
    s.on(
        d(2021, 11, 1),
        DCS,
        step_plan("APP1", PlanStep::Submitted, None),
    );
    s.on(
        d(2021, 11, 29),
        DCS,
        step_plan(
            "APP1",
            PlanStep::Accepted,
            Some("DfE and NHS England agreed the Accelerated Progress Plan, with six-monthly reviews."),
        ),
    );
    s.on(
        d(2021, 12, 8),
        PM,
        visit(
            "First review of the Accelerated Progress Plan.",
            &["[W3] Every family waiting for an assessment now has a named contact."],
            &["[W3] The second provider is not yet at full capacity."],
            &["[W3] Report the waiting list against the trajectory each month."],
        ),
    );
}

/// The 2023-framework inspection and its findings.
fn inspection_2023(s: &mut Script) {
    let published = d(2024, 11, 12);
    s.late(
        published,
        d(2024, 11, 13),
        PM,
        Command::AddInspection(AddInspection {
            id: Some(inspection_id("I3")),
            framework: Framework::Y2023,
            kind: InspectionKind::Full,
            outcome: Some(InspectionOutcome::Inconsistent),
            inspectorates: vec!["Ofsted".to_owned(), "CQC".to_owned()],
            from: d(2024, 9, 23),
            to: d(2024, 9, 27),
            published,
        }),
    );
    for (id, kind, title, finding) in FINDINGS_2023 {
        s.late(
            published,
            d(2024, 11, 13),
            PM,
            Command::RecordFinding(AddFinding {
                id: weakness_id(id),
                inspection: Some(inspection_id("I3")),
                kind,
                title: title.to_owned(),
                finding: Some(finding.to_owned()),
            }),
        );
    }
    let plans = [
        (
            "PAP1",
            PlanKind::PriorityActionPlan,
            "Priority action plan: timeliness of EHC needs assessments",
            &["AP1"][..],
        ),
        (
            "IP1",
            PlanKind::ImprovementPlan,
            "Improvement plan: preparing for adulthood, alternative provision and health advice",
            &["AFI1", "AFI2", "AFI3"][..],
        ),
    ];
    for (id, kind, title, answers) in plans {
        s.on(
            d(2025, 1, 7),
            DCS,
            Command::StartPlan(PlanStarted {
                id: plan_id(id),
                kind,
                title: title.to_owned(),
                answers: answers.iter().map(|w| weakness_id(w)).collect(),
            }),
        );
    }
    for (id, title, sponsor, answers) in &WORKSTREAMS[6..] {
        let plan = if answers.contains(&"AP1") {
            "PAP1"
        } else {
            "IP1"
        };
        s.on(
            d(2025, 1, 14),
            PM,
            Command::AddWorkstream(AddWorkstream {
                plan: Some(plan_id(plan)),
                id: workstream_id(id),
                title: (*title).to_owned(),
                sponsor: (*sponsor).to_owned(),
                weaknesses: answers.iter().map(|w| weakness_id(w)).collect(),
            }),
        );
    }
    for row in ACTIONS.iter().filter(|row| plan_of(row.0) == 2) {
        s.on(ymd(row.4), PM, create_action(row));
    }
    s.on(
        d(2025, 1, 23),
        BI,
        Command::DefineMeasureWithTrajectory(DefineMeasure {
            definition: Some("Health advice returned within six weeks of the request, as a share of the requests due in the quarter.".to_owned()),
            period: Some(Period::Quarter),
            trajectory: trajectory(&[
                ((2025, 3, 31), "65"),
                ((2025, 6, 30), "80"),
                ((2025, 12, 31), "90"),
            ]),
            ..DefineMeasure::of(measure(&MEASURES[3]))
        }),
    );
    s.on(
        d(2025, 2, 14),
        DCS,
        step_plan(
            "PAP1",
            PlanStep::Submitted,
            Some(
                "Priority action plan sent to Ofsted and CQC within 25 working days of the report.",
            ),
        ),
    );
}

/// A monitoring review: (day, plan, summary, workstreams whose monitoring continues, those whose
/// monitoring ends).
type ReviewRow = (
    Date,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);

/// DfE and NHS England reviews of the plans' monitoring: the APP's, which ends once the 2023
/// inspection has set the next plan, and the priority action plan's first.
fn monitoring_reviews(s: &mut Script) {
    let reviews: [ReviewRow; 4] = [
        (
            d(2022, 6, 15),
            "APP1",
            "Six-month review: the waiting list is falling but not yet to its trajectory; families' part in the Local Offer is visibly stronger.",
            &["WS5", "WS6"],
            &[],
        ),
        (
            d(2023, 1, 18),
            "APP1",
            "Twelve-month review: co-production is embedded and sustained; the waiting list still needs watching.",
            &["WS5"],
            &["WS6"],
        ),
        (
            d(2024, 12, 10),
            "APP1",
            "The area SEND inspection of September 2024 sets the next plan: the APP's monitoring ends.",
            &[],
            &["WS5"],
        ),
        (
            d(2025, 6, 25),
            "PAP1",
            "First review of the priority action plan: needs assessment timeliness is recovering with the surge team.",
            &["WS7"],
            &[],
        ),
    ];
    // The pack sent to the advisers before each review, cut at the end of the working day before.
    let packs: [(Date, &str); 4] = [
        (d(2022, 6, 13), "APP six-month review"),
        (d(2023, 1, 16), "APP twelve-month review"),
        (d(2024, 12, 9), "APP final review"),
        (d(2025, 6, 23), "Priority action plan review"),
    ];
    for (sent, purpose) in packs {
        let as_of = super::add_days(sent, -3);
        s.on(
            sent,
            PM,
            Command::RecordPack(PackSent {
                purpose: purpose.to_owned(),
                to: ADVISERS.to_owned(),
                as_of,
                events: 0,
                head: Digest::ZERO,
                file_name: format!("pack-{as_of}.wsoa"),
                file_hash: Digest::ZERO,
                size: 0,
            }),
        );
    }
    for (on, plan, summary, continues, ended) in reviews {
        s.on(
            on,
            ADVISERS,
            Command::ReviewMonitoring(MonitoringReviewed {
                plan: plan_id(plan),
                by: "DfE and NHS England advisers".to_owned(),
                summary: summary.to_owned(),
                continues: continues.iter().map(|w| workstream_id(w)).collect(),
                ended: ended.iter().map(|w| workstream_id(w)).collect(),
            }),
        );
    }
}

/// Updates, values, milestones, the families' voice and evidence, across all three plans.
fn delivery(s: &mut Script) {
    for &(id, day, status, rag, text) in UPDATES {
        s.on(ymd(day), PM, status_change(id, status, rag, text));
    }
    for &(id, day, value, source) in VALUES {
        let on = ymd(day);
        // A period's figures are reported on the tenth working day or so after it ends.
        let recorded = super::add_days(on, 14);
        let source = format!("{source}, {} {}", Date::month_name(on), on.year());
        s.late(on, recorded, BI, measure_value(id, decimal(value), &source));
    }
    for (action, id, title, due, done) in MILESTONES {
        let recorded = ACTIONS
            .iter()
            .find(|row| row.0 == action)
            .map(|row| ymd(row.4))
            .expect("the milestone's action is in the story");
        s.on(
            recorded,
            PM,
            Command::AddMilestone(MilestoneAdded {
                action: action_id(action),
                id: milestone_id(id),
                title: title.to_owned(),
                due: deadline(due),
            }),
        );
        match done {
            Some((day, None)) => s.on(
                ymd(day),
                PM,
                Command::MeetMilestone(MilestoneMet {
                    action: action_id(action),
                    id: milestone_id(id),
                    note: None,
                }),
            ),
            Some((day, Some(reason))) => s.on(
                ymd(day),
                PM,
                Command::MissMilestone(MilestoneMissed {
                    action: action_id(action),
                    id: milestone_id(id),
                    reason: reason.to_owned(),
                }),
            ),
            None => continue,
        };
    }
    // Missed in January, met in March: the milestone shows as met late.
    s.on(
        d(2023, 3, 27),
        PM,
        Command::MeetMilestone(MilestoneMet {
            action: action_id("5.1"),
            id: milestone_id("12m"),
            note: Some(
                "ICB waiting list report, March 2023: no child waits more than 18 weeks."
                    .to_owned(),
            ),
        }),
    );
    for (day, about, said, did, difference, from, respondents) in COPRODUCTION {
        s.on(
            ymd(day),
            COPRO,
            Command::RecordCoproduction(CoproductionRecorded {
                about: weakness_id(about),
                said: said.to_owned(),
                did: did.to_owned(),
                difference: difference.map(str::to_owned),
                from: from.to_owned(),
                respondents,
            }),
        );
    }
    for (day, assessments) in BOARDS {
        s.on(ymd(day), PM, review(BOARD, assessments));
    }
    s.on(
        d(2025, 2, 10),
        DCS,
        Command::RaiseRisk(RaiseRisk {
            id: risk_id("R1"),
            title: "Too few educational psychologists to return advice within six weeks".to_owned(),
            level: RiskLevel::High,
            about: vec![
                reference(K::Workstream, "WS7"),
                reference(K::Action, "7.3"),
                reference(K::Measure, "M1"),
            ],
            mitigation: Some(
                "A second provider is being procured; locum psychologists cover until it starts."
                    .to_owned(),
            ),
        }),
    );
    s.on(
        d(2022, 5, 9),
        ICB,
        note(
            K::Action,
            "5.1",
            "The second provider lost two clinicians in March; a locum team covers from May.",
            None,
        ),
    );
    s.attach(
        d(2022, 7, 11),
        d(2022, 7, 12),
        COPRO,
        evidence(
            "Neurodevelopmental pathway survey, summer 2022: 388 families",
            EvidenceKind::Survey,
            vec![reference(K::Weakness, "W3"), reference(K::Action, "5.2")],
            "pathway-survey-2022.csv",
            "question,agree,neither,disagree,respondents\nThe support line helped me while I waited,78%,12%,10%,388\nI know how long I will wait,41%,22%,37%,388\n".to_owned(),
        ),
    );
    s.attach(
        d(2024, 11, 12),
        d(2024, 11, 13),
        PM,
        evidence(
            "Area SEND inspection report, November 2024",
            EvidenceKind::Document,
            vec![reference(K::Weakness, "AP1")],
            "area-send-inspection-2024.txt",
            "Ofsted and CQC: area SEND inspection of Eastbrook local area, 23 to 27 September 2024.\n\nOutcome: the local area partnership's arrangements lead to inconsistent experiences and outcomes for children and young people with SEND.\n\nArea for priority action: the timeliness of EHC needs assessments.\nAreas for improvement: preparing for adulthood; oversight of alternative provision; health information in EHC plans.\n".to_owned(),
        ),
    );
}

/// Which plan an action belongs to: 0 the WSoA, 1 the APP, 2 the priority action plan.
fn plan_of(action: &str) -> u8 {
    match action
        .split('.')
        .next()
        .and_then(|ws| ws.parse::<u8>().ok())
    {
        Some(1..=4) => 0,
        Some(5 | 6) => 1,
        _ => 2,
    }
}

fn plan_id(id: &str) -> PlanId {
    id.parse().expect("a plan id of the story")
}

fn step_plan(plan: &str, step: PlanStep, summary: Option<&str>) -> Command {
    Command::StepPlan(StepPlan {
        plan: Some(plan_id(plan)),
        step,
        summary: summary.map(str::to_owned),
    })
}

/// Trajectory points of a measure in its unit: (day, value).
fn trajectory(points: &[((u16, u8, u8), &str)]) -> Vec<TrajectoryInput> {
    points
        .iter()
        .map(|&(on, value)| TrajectoryInput {
            on: ymd(on),
            value: decimal(value),
            unit: None,
        })
        .collect()
}

fn create_workstream(id: &str, title: &str, sponsor: &str, answers: &[&str]) -> Command {
    Command::CreateWorkstream(WorkstreamCreated {
        id: workstream_id(id),
        title: title.to_owned(),
        sponsor: sponsor.to_owned(),
        weaknesses: answers.iter().map(|w| weakness_id(w)).collect(),
    })
}

fn create_action(&(id, title, owner, due, _, success): &ActionRow) -> Command {
    Command::CreateAction(ActionCreated {
        id: action_id(id),
        workstream: workstream_id(&format!("WS{}", id.split('.').next().unwrap_or(id))),
        title: title.to_owned(),
        owner: owner.to_owned(),
        due: ymd(due),
        success: vec![success.to_owned()],
    })
}

fn define_measure(row: &MeasureRow) -> Command {
    Command::DefineMeasure(measure(row))
}

fn measure(
    &(id, title, unit, baseline, baseline_on, target, target_by, lower, measures): &MeasureRow,
) -> MeasureDefined {
    MeasureDefined {
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
        weaknesses: measures.iter().map(|w| weakness_id(w)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::MemoryLedger;

    fn recorded() -> MemoryLedger {
        in_memory()
    }

    #[test]
    fn every_step_is_accepted_and_the_story_is_always_the_same() {
        let first = recorded();
        let second = recorded();
        assert_eq!(first.head(), second.head());
        assert!(
            first.sealed().len() > 150,
            "{} events",
            first.sealed().len()
        );
    }

    #[test]
    fn the_story_holds_both_frameworks_and_every_kind_of_finding() {
        let plan = crate::plan::Plan::from_events(recorded().events());
        let frameworks: Vec<_> = plan.inspections.iter().map(|i| i.framework).collect();
        assert_eq!(
            frameworks,
            [Framework::Y2016, Framework::Y2016, Framework::Y2023]
        );
        for kind in [
            FindingKind::Weakness,
            FindingKind::PriorityAction,
            FindingKind::Improvement,
        ] {
            assert!(plan.weaknesses.iter().any(|w| w.kind == kind), "{kind:?}");
        }
        assert!(!plan.coproduction.is_empty());
        let states: Vec<_> = plan
            .actions
            .iter()
            .flat_map(|a| a.milestones.iter().map(|m| m.state(d(2025, 7, 31))))
            .collect();
        for state in ["met", "missed", "met late", "overdue"] {
            assert!(states.contains(&state), "{state}: {states:?}");
        }
    }

    #[test]
    fn the_story_starts_its_later_plans_reviews_their_monitoring_and_tracks_trajectories() {
        let plan = crate::plan::Plan::from_events(recorded().events());
        let plans: Vec<_> = plan
            .plans
            .iter()
            .map(|p| (p.id.as_str(), p.kind, p.stage.as_str(), p.workstreams.len()))
            .collect();
        assert_eq!(
            plans,
            [
                ("WSoA", PlanKind::Wsoa, "accepted", 4),
                ("APP1", PlanKind::App, "accepted", 2),
                ("PAP1", PlanKind::PriorityActionPlan, "submitted", 1),
                ("IP1", PlanKind::ImprovementPlan, "draft", 3),
            ]
        );
        let app = &plan.plans[1];
        assert_eq!(app.reviews.len(), 3);
        let ended: Vec<_> = app
            .monitoring_ended
            .iter()
            .map(|(w, _)| w.as_str())
            .collect();
        assert_eq!(ended, ["WS6", "WS5"]);
        // The waiting list ended above its trajectory's last step; health advice is ahead of its.
        let judged = |id: &str| {
            let m = plan.measure(id).expect("measure");
            (
                m.period,
                m.trajectory.len(),
                m.against_trajectory().map(|j| j.against),
            )
        };
        assert_eq!(
            judged("M2"),
            (Some(Period::Quarter), 3, Some(crate::plan::Against::Below))
        );
        assert_eq!(
            judged("M4"),
            (Some(Period::Quarter), 3, Some(crate::plan::Against::Above))
        );
    }
}
