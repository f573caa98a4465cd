//! The recording commands: each turns its arguments into one `wsoa_core::Command`, which the
//! ledger checks and appends. Arguments are parsed once, here, into the core's types.

use anyhow::Context as _;
use clap::{Args, Subcommand};
use wsoa_core::command::{
    ActionInPlan, AddFinding, AddInspection, AddNote, AddWorkstream, AmendMeasure, DefineMeasure,
    RaiseRisk, StepPlan, TrajectoryInput,
};
use wsoa_core::event::Period;
use wsoa_core::event::{
    ActionAmendedWithDeadline, ActionCreatedWithDeadline, ActionStatusChanged, Assessment,
    CoproductionRecorded, CorrectionRecorded, Direction, FindingKind, Framework, InspectionKind,
    InspectionOutcome, InspectionRecorded, LedgerOpened, MeasureDefined, MeasureRecorded,
    MilestoneAdded, MilestoneMet, MilestoneMissed, MonitoringReviewed, MonitoringVisitFeedback,
    Outcome, PlanKind, PlanStarted, PlanStep, Progress, ProgressReviewed, Rag, Rating,
    RevisitOutcomeRecorded, RevisitScheduled, RiskClosed, RiskLevel, RiskUpdated, Status,
    VisitPoint, WeaknessRecorded, WorkstreamAmended, WorkstreamCreated,
};
use wsoa_core::{
    ActionId, Command, Date, Deadline, Decimal, InspectionId, MeasureId, MilestoneId, PlanId,
    RiskId, SubjectRef, WeaknessId, WorkstreamId,
};
use wsoa_store::{Appended, Context, Ledger};

/// When a change happened; every recording command takes it.
#[derive(Args, Debug, Clone)]
pub struct When {
    /// The date it happened (2021-07-15 or 15/07/2021); today if not given.
    #[arg(long, value_name = "DATE")]
    on: Option<Date>,
}

#[derive(Subcommand, Debug)]
pub enum RecordCommand {
    /// Open a new ledger for a local area's statement.
    #[command(
        after_help = "Example:\n  wsoa init --area \"Northshire local area\" --partner \"Northshire County Council\" --partner \"Northshire ICB\" --on 2021-01-04"
    )]
    Init {
        /// The local area.
        #[arg(long)]
        area: String,
        /// A partner that owns the statement jointly (repeat for each).
        #[arg(long = "partner", value_name = "NAME")]
        partners: Vec<String>,
        #[command(flatten)]
        when: When,
    },
    /// Record inspections: the joint inspection, a revisit, a 2023 inspection.
    #[command(subcommand)]
    Inspection(InspectionCommand),
    /// Record areas of significant weakness (the 2016 framework's findings).
    #[command(subcommand)]
    Weakness(WeaknessCommand),
    /// Record an inspection's findings: areas for priority action and for improvement (2023),
    /// areas of significant weakness (2016).
    #[command(subcommand)]
    Finding(FindingCommand),
    /// Start plans answering findings (an Accelerated Progress Plan, a priority action plan), and
    /// record a plan's submission, acceptance and revisions.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// Create and amend workstreams.
    #[command(subcommand)]
    Workstream(WorkstreamCommand),
    /// Create actions, amend them, change their status.
    #[command(subcommand)]
    Action(ActionCommand),
    /// Define measures of impact and record their values.
    #[command(subcommand)]
    Measure(MeasureCommand),
    /// Record monitoring visits by DfE and NHS England advisers.
    #[command(subcommand)]
    Visit(VisitCommand),
    /// Record board reviews of progress.
    #[command(subcommand)]
    Review(ReviewCommand),
    /// Raise, update and close risks.
    #[command(subcommand)]
    Risk(RiskCommand),
    /// Schedule the revisit and record its outcome.
    #[command(subcommand)]
    Revisit(RevisitCommand),
    /// Add notes: co-production, the voice of parent carers and young people.
    #[command(subcommand)]
    Note(NoteCommand),
    /// Add an action's milestones (3, 6 and 12-month milestones of an accelerated progress
    /// plan) and record them met or missed.
    #[command(subcommand)]
    Milestone(MilestoneCommand),
    /// Record the families' voice: you said, we did, the difference it made.
    #[command(subcommand)]
    Coproduction(CoproductionCommand),
    /// Record DfE and NHS England reviews of a plan's monitoring.
    #[command(subcommand)]
    Monitoring(MonitoringCommand),
    /// Record that an earlier event was wrong (the event itself is never changed).
    #[command(
        after_help = "Example:\n  wsoa correct 41 --reason \"The visit was on 14 June, not 4 June; the feedback is unchanged.\""
    )]
    Correct {
        /// The sequence number of the event that was wrong.
        seq: u64,
        /// What was wrong and what is right.
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        when: When,
    },
}

#[derive(Subcommand, Debug)]
pub enum InspectionCommand {
    /// Record an inspection's dates and the report's publication. Without --framework, --kind,
    /// --outcome or --id it is the joint inspection of the 2016 framework (once); with them, any
    /// number of inspections, each with an id (I1, I2, ...).
    #[command(
        after_help = "Example:\n  wsoa inspection record --from 2021-03-08 --to 2021-03-12 --published 2021-04-20 --on 2021-04-20\n  wsoa inspection record --framework 2023 --outcome inconsistent --from 2023-10-02 --to 2023-10-06 --published 2023-11-20 --on 2023-11-20"
    )]
    Record {
        /// The framework it was held under: 2016 or 2023 (2016 if absent).
        #[arg(long)]
        framework: Option<Framework>,
        /// full, monitoring (2023) or revisit (2016); full if absent.
        #[arg(long)]
        kind: Option<InspectionKind>,
        /// Under the 2023 framework: positive, inconsistent or systemic.
        #[arg(long)]
        outcome: Option<InspectionOutcome>,
        /// Its id (the next free I1, I2, ... if absent).
        #[arg(long)]
        id: Option<InspectionId>,
        /// First day on site.
        #[arg(long)]
        from: Date,
        /// Last day on site.
        #[arg(long)]
        to: Date,
        /// The day the report letter was published.
        #[arg(long)]
        published: Date,
        /// Who inspected (repeat for each).
        #[arg(long = "inspectorate", value_name = "NAME", default_values_t = ["Ofsted".to_owned(), "CQC".to_owned()])]
        inspectorates: Vec<String>,
        #[command(flatten)]
        when: When,
    },
}

#[derive(Subcommand, Debug)]
pub enum FindingCommand {
    /// Record a finding of an inspection, in the inspectors' words.
    #[command(
        after_help = "Example:\n  wsoa finding add AP1 --type priority-action --title \"Timeliness of EHC plans\" --inspection I2 --on 2023-11-20"
    )]
    Add {
        /// Its id, as the report or the tracker writes it (AP1, AFI2, W3).
        id: WeaknessId,
        /// weakness (2016), priority-action or improvement (2023).
        #[arg(long = "type")]
        kind: FindingKind,
        /// A short title.
        #[arg(long)]
        title: String,
        /// The finding, as the report words it.
        #[arg(long)]
        finding: Option<String>,
        /// The inspection that found it (the latest recorded if absent).
        #[arg(long)]
        inspection: Option<InspectionId>,
        #[command(flatten)]
        when: When,
    },
}

#[derive(Subcommand, Debug)]
pub enum WeaknessCommand {
    /// Record an area of significant weakness, in the inspectors' words.
    #[command(
        after_help = "Example:\n  wsoa weakness add W1 --title \"Quality assurance of EHC plans\" --finding \"There is no quality assurance framework for the local area's work.\" --on 2021-04-20"
    )]
    Add {
        /// Its id (W1, 3).
        id: WeaknessId,
        /// A short title.
        #[arg(long)]
        title: String,
        /// The finding, as the report words it.
        #[arg(long)]
        finding: Option<String>,
        #[command(flatten)]
        when: When,
    },
}

#[derive(Subcommand, Debug)]
pub enum PlanCommand {
    /// Start a plan answering recorded findings: an Accelerated Progress Plan after a revisit,
    /// a priority action plan or an improvement plan after a 2023 inspection. A ledger's own
    /// WSoA (plan WSoA) needs no start.
    #[command(
        after_help = "Example:\n  wsoa plan start APP1 --kind app --title \"Accelerated Progress Plan\" --answers W2 --answers W4 --on 2023-03-01"
    )]
    Start {
        /// Its id (APP1, PAP1).
        id: PlanId,
        /// wsoa (Written Statement of Action), app (Accelerated Progress Plan),
        /// priority-action-plan or improvement-plan.
        #[arg(long)]
        kind: PlanKind,
        /// Its title.
        #[arg(long)]
        title: String,
        /// A finding it answers (repeat for each).
        #[arg(long = "answers", value_name = "FINDING", required = true)]
        answers: Vec<WeaknessId>,
        #[command(flatten)]
        when: When,
    },
    /// Record that a plan was submitted (the statement to Ofsted and CQC).
    #[command(
        after_help = "Example:\n  wsoa plan submit --summary \"Written statement of action, version 1\" --on 2021-07-30"
    )]
    Submit {
        /// The plan; the latest plan started if not given (WSoA for the ledger's own statement).
        #[arg(long, value_name = "ID")]
        plan: Option<PlanId>,
        /// What was submitted.
        #[arg(long)]
        summary: Option<String>,
        #[command(flatten)]
        when: When,
    },
    /// Record that a plan was accepted (the statement found fit for purpose).
    #[command(
        after_help = "Example:\n  wsoa plan accept --summary \"Letter: the statement is fit for purpose\" --on 2021-09-01"
    )]
    Accept {
        /// The plan; the latest plan started if not given (WSoA for the ledger's own statement).
        #[arg(long, value_name = "ID")]
        plan: Option<PlanId>,
        /// What the letter said.
        #[arg(long)]
        summary: Option<String>,
        #[command(flatten)]
        when: When,
    },
    /// Record a revision of a plan (it must then be submitted again).
    #[command(
        after_help = "Example:\n  wsoa plan revise --summary \"Strengthened measures of impact as the inspectorates asked\" --on 2021-08-20"
    )]
    Revise {
        /// The plan; the latest plan started if not given (WSoA for the ledger's own statement).
        #[arg(long, value_name = "ID")]
        plan: Option<PlanId>,
        /// What changed and why.
        #[arg(long)]
        summary: String,
        #[command(flatten)]
        when: When,
    },
}

#[derive(Subcommand, Debug)]
pub enum MonitoringCommand {
    /// Record a DfE and NHS England review of a plan (about every six months for an
    /// Accelerated Progress Plan): monitoring continues for some workstreams and ends for others.
    #[command(
        after_help = "Example:\n  wsoa monitoring review --by \"DfE and NHS England advisers\" --plan APP1 --summary \"Sustained improvement in EHC plan timeliness\" --ended WS5 --continues WS6 --date 2023-09-14"
    )]
    Review {
        /// Who reviewed.
        #[arg(long)]
        by: String,
        /// The plan reviewed (WSoA for the ledger's own statement).
        #[arg(long, value_name = "ID")]
        plan: PlanId,
        /// Their conclusion.
        #[arg(long)]
        summary: String,
        /// A workstream of the plan whose monitoring continues (repeat for each).
        #[arg(long = "continues", value_name = "WS")]
        continues: Vec<WorkstreamId>,
        /// A workstream of the plan whose monitoring ends (repeat for each).
        #[arg(long = "ended", value_name = "WS")]
        ended: Vec<WorkstreamId>,
        /// The day of the review (2023-09-14 or 14/09/2023); today if not given.
        #[arg(long = "date", visible_alias = "on", value_name = "DATE")]
        date: Option<Date>,
    },
}

#[derive(Subcommand, Debug)]
pub enum WorkstreamCommand {
    /// Create a workstream with its senior accountable sponsor.
    #[command(
        after_help = "Example:\n  wsoa workstream add WS1 --title \"EHC plan timeliness and quality\" --sponsor \"Director of Education\" --weakness W1 --weakness W2"
    )]
    Add {
        /// Its id (WS1).
        id: WorkstreamId,
        /// A short title.
        #[arg(long)]
        title: String,
        /// The senior accountable sponsor.
        #[arg(long)]
        sponsor: String,
        /// A weakness it answers (repeat for each).
        #[arg(long = "weakness", value_name = "ID", required = true)]
        weaknesses: Vec<WeaknessId>,
        /// The plan it belongs to; the latest plan started if not given (WSoA for the ledger's
        /// own statement).
        #[arg(long, value_name = "ID")]
        plan: Option<PlanId>,
        #[command(flatten)]
        when: When,
    },
    /// Change a workstream's title, sponsor or weaknesses, saying why.
    #[command(
        after_help = "Example:\n  wsoa workstream amend WS1 --sponsor \"Assistant Director, SEND\" --reason \"Restructure of the education directorate\""
    )]
    Amend {
        /// Which workstream.
        id: WorkstreamId,
        /// The new title.
        #[arg(long)]
        title: Option<String>,
        /// The new sponsor.
        #[arg(long)]
        sponsor: Option<String>,
        /// The new list of weaknesses (repeat for each; replaces the old list).
        #[arg(long = "weakness", value_name = "ID")]
        weaknesses: Vec<WeaknessId>,
        /// Why.
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        when: When,
    },
}

#[derive(Subcommand, Debug)]
pub enum ActionCommand {
    /// Create an action with its owner and deadline.
    #[command(
        after_help = "Example:\n  wsoa action add 1.1 --workstream WS1 --title \"Appoint a SEND quality assurance officer\" --owner \"Head of SEND\" --due 2021-09-30 --success \"Officer in post\" --success \"QA framework agreed by the board\""
    )]
    Add {
        /// Its id (1.1, 2.3a, A2.3).
        id: ActionId,
        /// The workstream it belongs to.
        #[arg(long)]
        workstream: WorkstreamId,
        /// What will be done.
        #[arg(long)]
        title: String,
        /// The lead officer.
        #[arg(long)]
        owner: String,
        /// The deadline: a date (2021-09-30, 30/09/2021), or the words the council used: a month
        /// ("July 2021", "Sep-21"), a term or season ("Autumn term 2021": autumn 31 December,
        /// spring 31 March, summer 31 July), a quarter or financial year ("Q3 2021/22",
        /// "2021/22"), "end of March 2022", recurring ("Ongoing", "Termly", "Monthly",
        /// "Quarterly", "Annually") or not yet set ("TBC", "TBA", "To be agreed").
        #[arg(long)]
        due: Deadline,
        /// A success criterion or measure of impact (repeat for each).
        #[arg(long = "success", value_name = "TEXT")]
        success: Vec<String>,
        /// The plan its workstream belongs to, checked (an action belongs to its workstream's
        /// plan).
        #[arg(long, value_name = "ID")]
        plan: Option<PlanId>,
        #[command(flatten)]
        when: When,
    },
    /// Change an action's owner, deadline or wording, saying why.
    #[command(
        after_help = "Example:\n  wsoa action amend 1.1 --due 2021-12-31 --reason \"Recruitment paused during the COVID-19 lockdown\""
    )]
    Amend {
        /// Which action.
        id: ActionId,
        /// The new owner.
        #[arg(long)]
        owner: Option<String>,
        /// The new deadline: a date or the council's words, as for `wsoa action add --due`.
        #[arg(long)]
        due: Option<Deadline>,
        /// The new wording.
        #[arg(long)]
        title: Option<String>,
        /// Why.
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        when: When,
    },
    /// Change an action's status (and RAG).
    #[command(
        after_help = "Example:\n  wsoa action status 1.1 complete --rag green --note \"QA officer started on 1 September\" --on 2021-09-01"
    )]
    Status {
        /// Which action.
        id: ActionId,
        /// not-started, in-progress, complete, blocked or withdrawn.
        status: Status,
        /// red, amber or green.
        #[arg(long)]
        rag: Option<Rag>,
        /// The update that goes with it (required when reopening a complete or withdrawn action).
        #[arg(long)]
        note: Option<String>,
        #[command(flatten)]
        when: When,
    },
}

#[derive(Subcommand, Debug)]
pub enum MeasureCommand {
    /// Define a measure of impact with its baseline and target.
    #[command(
        after_help = "Example:\n  wsoa measure add M1 --title \"EHC plans issued within 20 weeks\" --unit % --baseline 12 --baseline-on 2018-08-31 --target 60 --target-by 2019-12-31 --weakness W1"
    )]
    Add {
        /// Its id (M1).
        id: MeasureId,
        /// What is measured.
        #[arg(long)]
        title: String,
        /// The unit (%, visitors, days).
        #[arg(long)]
        unit: String,
        /// The value before the plan, as a decimal.
        #[arg(long, allow_negative_numbers = true)]
        baseline: Decimal,
        /// When the baseline was taken.
        #[arg(long)]
        baseline_on: Date,
        /// The value aimed for.
        #[arg(long, allow_negative_numbers = true)]
        target: Decimal,
        /// When it should be reached.
        #[arg(long)]
        target_by: Date,
        /// Lower values are better (waiting times, exclusions).
        #[arg(long)]
        lower_is_better: bool,
        /// A weakness whose impact it shows (repeat for each).
        #[arg(long = "weakness", value_name = "ID", required = true)]
        weaknesses: Vec<WeaknessId>,
        /// How it is counted (what is in and out of the numerator and denominator).
        #[arg(long, value_name = "TEXT")]
        definition: Option<String>,
        /// The period each value covers: month, quarter, year-to-date, academic-year,
        /// financial-year or calendar-year.
        #[arg(long, value_name = "PERIOD")]
        period: Option<Period>,
        /// A point of the trajectory toward the target, DATE=VALUE (2024-03-31=45%), in date
        /// order (repeat for each).
        #[arg(
            long = "trajectory",
            value_name = "DATE=VALUE",
            allow_hyphen_values = true
        )]
        trajectory: Vec<TrajectoryInput>,
        #[command(flatten)]
        when: When,
    },
    /// Set a measure's definition, period or trajectory once agreed (a trajectory given
    /// replaces the old one).
    #[command(
        visible_alias = "trajectory",
        after_help = "Example:\n  wsoa measure trajectory M1 --trajectory 2024-03-31=30% --trajectory 2024-09-30=45% --trajectory 2025-03-31=60%\n  wsoa measure amend M1 --definition \"New EHC plans issued within 20 weeks, excluding exceptions\" --period quarter"
    )]
    Amend {
        /// Which measure.
        id: MeasureId,
        /// How it is counted.
        #[arg(long, value_name = "TEXT")]
        definition: Option<String>,
        /// The period each value covers.
        #[arg(long, value_name = "PERIOD")]
        period: Option<Period>,
        /// A point of the trajectory, DATE=VALUE, in date order (repeat for each).
        #[arg(
            long = "trajectory",
            value_name = "DATE=VALUE",
            allow_hyphen_values = true
        )]
        trajectory: Vec<TrajectoryInput>,
        #[command(flatten)]
        when: When,
    },
    /// Record a measure's value on a date (--on).
    #[command(
        after_help = "Example:\n  wsoa measure record M1 63 --source \"EHC hub report, July 2019\" --on 2019-07-31"
    )]
    Record {
        /// Which measure.
        id: MeasureId,
        /// The value, as a decimal (63, 12.5, -3).
        #[arg(allow_negative_numbers = true)]
        value: Decimal,
        /// Where it came from.
        #[arg(long)]
        source: Option<String>,
        #[command(flatten)]
        when: When,
    },
}

#[derive(Subcommand, Debug)]
pub enum VisitCommand {
    /// Record a monitoring visit's feedback.
    #[command(
        after_help = "Example:\n  wsoa visit record --by \"DfE and NHS England advisers\" --summary \"The local area is making good progress\" --strength \"[W5] Strong co-production with the parent carer forum\" --concern \"[W2] EHC plan quality is inconsistent\" --next-step \"Show the impact of the QA framework\" --letter visit-letter-2021-11.pdf --on 2021-11-18"
    )]
    Record {
        /// Who visited.
        #[arg(long)]
        by: String,
        /// Their overall view.
        #[arg(long)]
        summary: Option<String>,
        /// A strength they found (repeat for each); "[W2] TEXT" ties it to weakness or finding
        /// W2, "[AP1, AFI2] TEXT" to two.
        #[arg(long = "strength", value_name = "TEXT")]
        strengths: Vec<VisitPoint>,
        /// A concern they raised (repeat for each); "[W2] TEXT" ties it to W2.
        #[arg(long = "concern", value_name = "TEXT")]
        concerns: Vec<VisitPoint>,
        /// A next step they asked for (repeat for each); "[W2] TEXT" ties it to W2.
        #[arg(long = "next-step", value_name = "TEXT")]
        next_steps: Vec<VisitPoint>,
        /// The visit's letter: a file, attached as evidence with the visit in one step.
        #[arg(long, value_name = "FILE", conflicts_with = "letter_evidence")]
        letter: Option<std::path::PathBuf>,
        /// The visit's letter, already attached as evidence.
        #[arg(long, value_name = "ID")]
        letter_evidence: Option<wsoa_core::EvidenceId>,
        #[command(flatten)]
        when: When,
    },
}

#[derive(Subcommand, Debug)]
pub enum ReviewCommand {
    /// Record a board's assessment of workstreams.
    #[command(
        after_help = "Example:\n  wsoa review record --forum \"SEND Improvement Board\" --assess WS1=on-track --assess \"WS2=at-risk:Recruitment to the new posts has slipped\" --on 2021-12-02"
    )]
    Record {
        /// Which forum.
        #[arg(long)]
        forum: String,
        /// WORKSTREAM=on-track|at-risk|off-track, optionally followed by :NOTE (repeat for each).
        #[arg(long = "assess", value_name = "WORKSTREAM=RATING[:NOTE]", required = true, value_parser = parse_assessment)]
        assessments: Vec<Assessment>,
        #[command(flatten)]
        when: When,
    },
}

#[derive(Subcommand, Debug)]
pub enum RiskCommand {
    /// Raise a risk to delivery.
    #[command(
        after_help = "Example:\n  wsoa risk raise R1 --title \"Educational psychologist vacancies delay EHC assessments\" --level high --about WS1 --mitigation \"Locum cover agreed to March\""
    )]
    Raise {
        /// Its id (R1).
        id: RiskId,
        /// What the risk is.
        #[arg(long)]
        title: String,
        /// low, medium or high.
        #[arg(long, default_value_t = RiskLevel::Medium)]
        level: RiskLevel,
        /// What it threatens: an id, or kind:id (repeat for each).
        #[arg(long = "about", value_name = "ID")]
        about: Vec<SubjectRef>,
        /// What is being done about it.
        #[arg(long)]
        mitigation: Option<String>,
        #[command(flatten)]
        when: When,
    },
    /// Change a risk's level or mitigation, or add news of it.
    #[command(
        after_help = "Example:\n  wsoa risk update R1 --level medium --note \"Two educational psychologists appointed\""
    )]
    Update {
        /// Which risk.
        id: RiskId,
        /// The new level.
        #[arg(long)]
        level: Option<RiskLevel>,
        /// The new mitigation.
        #[arg(long)]
        mitigation: Option<String>,
        /// The update.
        #[arg(long)]
        note: Option<String>,
        #[command(flatten)]
        when: When,
    },
    /// Close a risk.
    #[command(
        after_help = "Example:\n  wsoa risk close R1 --reason \"Establishment fully recruited\""
    )]
    Close {
        /// Which risk.
        id: RiskId,
        /// Why it no longer applies.
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        when: When,
    },
}

#[derive(Subcommand, Debug)]
pub enum RevisitCommand {
    /// Schedule (or reschedule) the window in which inspectors will revisit.
    #[command(after_help = "Example:\n  wsoa revisit schedule --from 2022-09-01 --to 2022-11-30")]
    Schedule {
        /// First day of the window.
        #[arg(long)]
        from: Date,
        /// Last day of the window.
        #[arg(long)]
        to: Date,
        #[command(flatten)]
        when: When,
    },
    /// Record the revisit's judgement on each weakness.
    #[command(
        after_help = "Example:\n  wsoa revisit outcome --weakness W1=sufficient --weakness W2=insufficient --on 2022-10-14"
    )]
    Outcome {
        /// WEAKNESS=sufficient|insufficient (repeat for each).
        #[arg(long = "weakness", value_name = "ID=OUTCOME", required = true, value_parser = parse_outcome)]
        outcomes: Vec<Outcome>,
        #[command(flatten)]
        when: When,
    },
}

#[derive(Subcommand, Debug)]
pub enum CoproductionCommand {
    /// Record what children, young people or families said about a weakness or finding, what
    /// was done, and the difference it made.
    #[command(
        after_help = "Example:\n  wsoa coproduction add --about W3 --said \"We could not find the short breaks offer\" --did \"Rewrote the Local Offer pages with the forum\" --difference \"Page visits up by half\" --from \"Northshire Parent Carer Forum survey\" --respondents 212 --on 2022-05-10"
    )]
    Add {
        /// The weakness or finding it is about.
        #[arg(long)]
        about: WeaknessId,
        /// What they said.
        #[arg(long)]
        said: String,
        /// What was done.
        #[arg(long)]
        did: String,
        /// The difference it made, once known.
        #[arg(long)]
        difference: Option<String>,
        /// Whose voice it is (a forum, a survey, a young people's group).
        #[arg(long)]
        from: String,
        /// How many responded, for a survey.
        #[arg(long)]
        respondents: Option<u64>,
        #[command(flatten)]
        when: When,
    },
}

#[derive(Subcommand, Debug)]
pub enum MilestoneCommand {
    /// Add a milestone to an action: what is to be in place by when.
    #[command(
        after_help = "Example:\n  wsoa milestone add 2.1 3m --title \"Joint resource panel meeting monthly\" --due \"March 2024\" --on 2023-12-15"
    )]
    Add {
        /// The action.
        action: ActionId,
        /// The milestone's id within the action (3m, 6m, 12m, MS1).
        id: MilestoneId,
        /// What is to be in place.
        #[arg(long)]
        title: String,
        /// When: a date, or words as for an action's deadline ("March 2024", "Q4 2023/24").
        #[arg(long)]
        due: Deadline,
        #[command(flatten)]
        when: When,
    },
    /// Record that a milestone was met.
    #[command(
        after_help = "Example:\n  wsoa milestone met 2.1 3m --note \"Panel met in January, February and March\" --on 2024-03-28"
    )]
    Met {
        /// The action.
        action: ActionId,
        /// The milestone.
        id: MilestoneId,
        /// What shows it.
        #[arg(long)]
        note: Option<String>,
        #[command(flatten)]
        when: When,
    },
    /// Record that a milestone was missed, and why.
    #[command(
        after_help = "Example:\n  wsoa milestone missed 2.1 6m --reason \"Two panel meetings cancelled for lack of quorum\" --on 2024-07-01"
    )]
    Missed {
        /// The action.
        action: ActionId,
        /// The milestone.
        id: MilestoneId,
        /// Why it was missed.
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        when: When,
    },
}

#[derive(Subcommand, Debug)]
pub enum NoteCommand {
    /// Add a note about a weakness, workstream, action, measure, evidence or risk.
    #[command(
        after_help = "Example:\n  wsoa note add --about W3 --text \"Parents said the new Local Offer pages were easier to find\" --from \"Northshire Parent Carer Forum\""
    )]
    Add {
        /// What it is about: an id, or kind:id when the id is ambiguous (action:1.1).
        #[arg(long)]
        about: SubjectRef,
        /// The note.
        #[arg(long)]
        text: String,
        /// Whose voice it is.
        #[arg(long)]
        from: Option<String>,
        #[command(flatten)]
        when: When,
    },
}

fn parse_assessment(input: &str) -> Result<Assessment, String> {
    let (workstream, rest) = input
        .split_once('=')
        .ok_or_else(|| format!("'{input}' should look like WS1=on-track or WS1=at-risk:NOTE"))?;
    let (rating, note) = match rest.split_once(':') {
        Some((rating, note)) => (rating, Some(note.to_owned())),
        None => (rest, None),
    };
    Ok(Assessment {
        workstream: workstream.parse().map_err(|e| format!("{e}"))?,
        rating: rating.parse::<Rating>().map_err(|e| format!("{e}"))?,
        note,
    })
}

fn parse_outcome(input: &str) -> Result<Outcome, String> {
    let (weakness, progress) = input
        .split_once('=')
        .ok_or_else(|| format!("'{input}' should look like W1=sufficient or W1=insufficient"))?;
    Ok(Outcome {
        weakness: weakness.parse().map_err(|e| format!("{e}"))?,
        progress: progress.parse::<Progress>().map_err(|e| format!("{e}"))?,
    })
}

fn some_if_any<T>(list: Vec<T>) -> Option<Vec<T>> {
    if list.is_empty() { None } else { Some(list) }
}

impl RecordCommand {
    /// Whether this command may create the ledger directory (only `init` may).
    pub fn creates_ledger(&self) -> bool {
        matches!(self, RecordCommand::Init { .. })
    }

    /// The `--on` date given, if any.
    pub fn on(&self) -> Option<Date> {
        use RecordCommand as R;
        let when = match self {
            R::Init { when, .. } | R::Correct { when, .. } => when,
            R::Inspection(InspectionCommand::Record { when, .. }) => when,
            R::Weakness(WeaknessCommand::Add { when, .. }) => when,
            R::Finding(FindingCommand::Add { when, .. }) => when,
            R::Monitoring(MonitoringCommand::Review { date, .. }) => return *date,
            R::Plan(
                PlanCommand::Start { when, .. }
                | PlanCommand::Submit { when, .. }
                | PlanCommand::Accept { when, .. }
                | PlanCommand::Revise { when, .. },
            ) => when,
            R::Workstream(
                WorkstreamCommand::Add { when, .. } | WorkstreamCommand::Amend { when, .. },
            ) => when,
            R::Action(
                ActionCommand::Add { when, .. }
                | ActionCommand::Amend { when, .. }
                | ActionCommand::Status { when, .. },
            ) => when,
            R::Measure(
                MeasureCommand::Add { when, .. }
                | MeasureCommand::Amend { when, .. }
                | MeasureCommand::Record { when, .. },
            ) => when,
            R::Visit(VisitCommand::Record { when, .. }) => when,
            R::Review(ReviewCommand::Record { when, .. }) => when,
            R::Risk(
                RiskCommand::Raise { when, .. }
                | RiskCommand::Update { when, .. }
                | RiskCommand::Close { when, .. },
            ) => when,
            R::Revisit(
                RevisitCommand::Schedule { when, .. } | RevisitCommand::Outcome { when, .. },
            ) => when,
            R::Note(NoteCommand::Add { when, .. }) => when,
            R::Coproduction(CoproductionCommand::Add { when, .. }) => when,
            R::Milestone(
                MilestoneCommand::Add { when, .. }
                | MilestoneCommand::Met { when, .. }
                | MilestoneCommand::Missed { when, .. },
            ) => when,
        };
        when.on
    }

    /// The core command these arguments ask for.
    pub fn into_command(self) -> Command {
        use RecordCommand as R;
        match self {
            R::Init { area, partners, .. } => Command::OpenLedger(LedgerOpened { area, partners }),
            R::Inspection(command) => command.into_command(),
            R::Coproduction(command) => command.into_command(),
            R::Milestone(command) => command.into_command(),
            R::Finding(command) => command.into_command(),
            R::Weakness(command) => command.into_command(),
            R::Plan(command) => command.into_command(),
            R::Monitoring(command) => command.into_command(),
            R::Workstream(command) => command.into_command(),
            R::Action(command) => command.into_command(),
            R::Measure(command) => command.into_command(),
            R::Visit(command) => command.into_command(),
            R::Review(command) => command.into_command(),
            R::Risk(command) => command.into_command(),
            R::Revisit(command) => command.into_command(),
            R::Note(command) => command.into_command(),
            R::Correct { seq, reason, .. } => {
                Command::RecordCorrection(CorrectionRecorded { seq, reason })
            }
        }
    }

    /// The visit letter's file, when one is to be attached with the visit.
    pub fn letter_file(&self) -> Option<&std::path::Path> {
        match self {
            RecordCommand::Visit(VisitCommand::Record {
                letter: Some(file), ..
            }) => Some(file),
            _ => None,
        }
    }

    /// Checks the command against the rules and appends what records it: one event, or, for a
    /// visit with its letter's file, the letter's evidence and the visit in one transaction.
    pub fn execute(self, ledger: &mut Ledger, context: &Context) -> anyhow::Result<Vec<Appended>> {
        let Some(file) = self.letter_file().map(std::path::Path::to_owned) else {
            return Ok(vec![ledger.execute(&self.into_command(), context)?]);
        };
        let Command::RecordVisit(visit) = self.into_command() else {
            unreachable!("only a visit has a letter");
        };
        let content = std::fs::File::open(&file)
            .with_context(|| format!("cannot read the letter {}", file.display()))?;
        if content.metadata().is_ok_and(|m| m.is_dir()) {
            anyhow::bail!("{} is a directory; give the letter's file", file.display());
        }
        let (file_name, media_type) = crate::evidence::name_and_media_type(&file);
        let state = ledger.state()?;
        let attach = wsoa_core::command::AttachEvidence::visit_letter(
            &visit,
            context.occurred_on,
            file_name,
            media_type,
            || state.weaknesses.keys().cloned().collect(),
        );
        let then = |id| {
            Command::RecordVisit(MonitoringVisitFeedback {
                letter: Some(id),
                ..visit
            })
        };
        match ledger.attach_evidence_then(content, attach, then, None, context)? {
            wsoa_store::AttachedThen::Appended(appended) => Ok(appended),
            wsoa_store::AttachedThen::Replayed(seq) => {
                anyhow::bail!("the visit was recorded already, as event {seq}")
            }
        }
    }
}

impl InspectionCommand {
    /// The core command these arguments ask for.
    fn into_command(self) -> Command {
        match self {
            InspectionCommand::Record {
                framework: None,
                kind: None,
                outcome: None,
                id: None,
                from,
                to,
                published,
                inspectorates,
                ..
            } => Command::RecordInspection(InspectionRecorded {
                inspectorates,
                from,
                to,
                published,
            }),
            InspectionCommand::Record {
                framework,
                kind,
                outcome,
                id,
                from,
                to,
                published,
                inspectorates,
                ..
            } => Command::AddInspection(AddInspection {
                id,
                framework: framework.unwrap_or(Framework::Y2016),
                kind: kind.unwrap_or(InspectionKind::Full),
                outcome,
                inspectorates,
                from,
                to,
                published,
            }),
        }
    }
}

impl CoproductionCommand {
    /// The core command these arguments ask for.
    fn into_command(self) -> Command {
        match self {
            CoproductionCommand::Add {
                about,
                said,
                did,
                difference,
                from,
                respondents,
                ..
            } => Command::RecordCoproduction(CoproductionRecorded {
                about,
                said,
                did,
                difference,
                from,
                respondents,
            }),
        }
    }
}

impl MilestoneCommand {
    /// The core command these arguments ask for.
    fn into_command(self) -> Command {
        match self {
            MilestoneCommand::Add {
                action,
                id,
                title,
                due,
                ..
            } => Command::AddMilestone(MilestoneAdded {
                action,
                id,
                title,
                due,
            }),
            MilestoneCommand::Met {
                action, id, note, ..
            } => Command::MeetMilestone(MilestoneMet { action, id, note }),
            MilestoneCommand::Missed {
                action, id, reason, ..
            } => Command::MissMilestone(MilestoneMissed { action, id, reason }),
        }
    }
}

impl FindingCommand {
    /// The core command these arguments ask for.
    fn into_command(self) -> Command {
        match self {
            FindingCommand::Add {
                id,
                kind,
                title,
                finding,
                inspection,
                ..
            } => Command::RecordFinding(AddFinding {
                id,
                inspection,
                kind,
                title,
                finding,
            }),
        }
    }
}

impl WeaknessCommand {
    /// The core command these arguments ask for.
    fn into_command(self) -> Command {
        match self {
            WeaknessCommand::Add {
                id, title, finding, ..
            } => Command::RecordWeakness(WeaknessRecorded { id, title, finding }),
        }
    }
}

impl PlanCommand {
    /// The core command these arguments ask for.
    fn into_command(self) -> Command {
        match self {
            PlanCommand::Start {
                id,
                kind,
                title,
                answers,
                ..
            } => Command::StartPlan(PlanStarted {
                id,
                kind,
                title,
                answers,
            }),
            PlanCommand::Submit {
                plan: None,
                summary,
                ..
            } => Command::SubmitPlan { summary },
            PlanCommand::Accept {
                plan: None,
                summary,
                ..
            } => Command::AcceptPlan { summary },
            PlanCommand::Revise {
                plan: None,
                summary,
                ..
            } => Command::RevisePlan { summary },
            PlanCommand::Submit { plan, summary, .. } => Command::StepPlan(StepPlan {
                plan,
                step: PlanStep::Submitted,
                summary,
            }),
            PlanCommand::Accept { plan, summary, .. } => Command::StepPlan(StepPlan {
                plan,
                step: PlanStep::Accepted,
                summary,
            }),
            PlanCommand::Revise { plan, summary, .. } => Command::StepPlan(StepPlan {
                plan,
                step: PlanStep::Revised,
                summary: Some(summary),
            }),
        }
    }
}

impl MonitoringCommand {
    /// The core command these arguments ask for.
    fn into_command(self) -> Command {
        match self {
            MonitoringCommand::Review {
                by,
                plan,
                summary,
                continues,
                ended,
                ..
            } => Command::ReviewMonitoring(MonitoringReviewed {
                plan,
                by,
                summary,
                continues,
                ended,
            }),
        }
    }
}

impl WorkstreamCommand {
    /// The core command these arguments ask for.
    fn into_command(self) -> Command {
        match self {
            WorkstreamCommand::Add {
                id,
                title,
                sponsor,
                weaknesses,
                plan: Some(plan),
                ..
            } => Command::AddWorkstream(AddWorkstream {
                plan: Some(plan),
                id,
                title,
                sponsor,
                weaknesses,
            }),
            WorkstreamCommand::Add {
                id,
                title,
                sponsor,
                weaknesses,
                plan: None,
                ..
            } => Command::CreateWorkstream(WorkstreamCreated {
                id,
                title,
                sponsor,
                weaknesses,
            }),
            WorkstreamCommand::Amend {
                id,
                title,
                sponsor,
                weaknesses,
                reason,
                ..
            } => Command::AmendWorkstream(WorkstreamAmended {
                id,
                title,
                sponsor,
                weaknesses: some_if_any(weaknesses),
                reason,
            }),
        }
    }
}

impl ActionCommand {
    /// The core command these arguments ask for.
    fn into_command(self) -> Command {
        match self {
            ActionCommand::Add {
                id,
                workstream,
                title,
                owner,
                due,
                success,
                plan: Some(plan),
                ..
            } => Command::CreateActionInPlan(ActionInPlan {
                plan,
                id,
                workstream,
                title,
                owner,
                due,
                success,
            }),
            ActionCommand::Add {
                id,
                workstream,
                title,
                owner,
                due,
                success,
                plan: None,
                ..
            } => Command::CreateActionWithDeadline(ActionCreatedWithDeadline {
                id,
                workstream,
                title,
                owner,
                due,
                success,
            }),
            ActionCommand::Amend {
                id,
                owner,
                due,
                title,
                reason,
                ..
            } => Command::AmendActionWithDeadline(ActionAmendedWithDeadline {
                id,
                title,
                owner,
                due,
                reason,
            }),
            ActionCommand::Status {
                id,
                status,
                rag,
                note,
                ..
            } => Command::ChangeActionStatus(ActionStatusChanged {
                id,
                status,
                rag,
                note,
            }),
        }
    }
}

impl MeasureCommand {
    /// The core command these arguments ask for.
    fn into_command(self) -> Command {
        match self {
            MeasureCommand::Add {
                id,
                title,
                unit,
                baseline,
                baseline_on,
                target,
                target_by,
                lower_is_better,
                weaknesses,
                definition,
                period,
                trajectory,
                ..
            } if definition.is_some() || period.is_some() || !trajectory.is_empty() => {
                Command::DefineMeasureWithTrajectory(DefineMeasure {
                    id,
                    title,
                    unit,
                    baseline,
                    baseline_on,
                    target,
                    target_by,
                    better: if lower_is_better {
                        Direction::LowerIsBetter
                    } else {
                        Direction::HigherIsBetter
                    },
                    weaknesses,
                    definition,
                    period,
                    trajectory,
                })
            }
            MeasureCommand::Amend {
                id,
                definition,
                period,
                trajectory,
                ..
            } => Command::AmendMeasure(AmendMeasure {
                id,
                definition,
                period,
                trajectory: (!trajectory.is_empty()).then_some(trajectory),
            }),
            MeasureCommand::Add {
                id,
                title,
                unit,
                baseline,
                baseline_on,
                target,
                target_by,
                lower_is_better,
                weaknesses,
                ..
            } => Command::DefineMeasure(MeasureDefined {
                id,
                title,
                unit,
                baseline,
                baseline_on,
                target,
                target_by,
                better: if lower_is_better {
                    Direction::LowerIsBetter
                } else {
                    Direction::HigherIsBetter
                },
                weaknesses,
            }),
            MeasureCommand::Record {
                id, value, source, ..
            } => Command::RecordMeasure(MeasureRecorded { id, value, source }),
        }
    }
}

impl VisitCommand {
    /// The core command these arguments ask for.
    fn into_command(self) -> Command {
        match self {
            VisitCommand::Record {
                by,
                summary,
                strengths,
                concerns,
                next_steps,
                letter_evidence,
                ..
            } => Command::RecordVisit(MonitoringVisitFeedback {
                by,
                summary,
                strengths,
                concerns,
                next_steps,
                letter: letter_evidence,
            }),
        }
    }
}

impl ReviewCommand {
    /// The core command these arguments ask for.
    fn into_command(self) -> Command {
        match self {
            ReviewCommand::Record {
                forum, assessments, ..
            } => Command::ReviewProgress(ProgressReviewed { forum, assessments }),
        }
    }
}

impl RiskCommand {
    /// The core command these arguments ask for.
    fn into_command(self) -> Command {
        match self {
            RiskCommand::Raise {
                id,
                title,
                level,
                about,
                mitigation,
                ..
            } => Command::RaiseRisk(RaiseRisk {
                id,
                title,
                level,
                about,
                mitigation,
            }),
            RiskCommand::Update {
                id,
                level,
                mitigation,
                note,
                ..
            } => Command::UpdateRisk(RiskUpdated {
                id,
                level,
                mitigation,
                note,
            }),
            RiskCommand::Close { id, reason, .. } => Command::CloseRisk(RiskClosed { id, reason }),
        }
    }
}

impl RevisitCommand {
    /// The core command these arguments ask for.
    fn into_command(self) -> Command {
        match self {
            RevisitCommand::Schedule { from, to, .. } => {
                Command::ScheduleRevisit(RevisitScheduled { from, to })
            }
            RevisitCommand::Outcome { outcomes, .. } => {
                Command::RecordRevisitOutcome(RevisitOutcomeRecorded { outcomes })
            }
        }
    }
}

impl NoteCommand {
    /// The core command these arguments ask for.
    fn into_command(self) -> Command {
        match self {
            NoteCommand::Add {
                about, text, from, ..
            } => Command::AddNote(AddNote { about, text, from }),
        }
    }
}
