//! `Timeline`: one entry per event, in ledger order, with both of its dates, who recorded it, what
//! it touched and a plain-English sentence that names things by their titles at that moment. A
//! pure fold: it keeps a `Plan` as it goes, so a sentence about action 1.1 uses the wording the
//! action had when the event was recorded.
//!
//! `Filter` narrows a timeline (`--about`, `--since`, `--until`, `--by`, `--kind`); `--about`
//! follows the plan's structure, so a workstream includes its actions and a weakness its
//! workstreams, their actions and its measures.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::date::{Date, format_unix_millis};
use crate::decimal::Decimal;
use crate::event::{Event, EventBody, Progress, Status};
use crate::ids::{Digest, Subject, SubjectKind, SubjectRef};
use crate::plan::Plan;

mod describe;

/// Every kind of event, in tag order, as `EventBody::kind` names them and `--kind` takes them
/// (`--kind pack` stands for `pack_sent`).
pub const KINDS: [&str; 41] = [
    "ledger_opened",
    "inspection_recorded",
    "weakness_recorded",
    "plan_submitted",
    "plan_accepted",
    "plan_revised",
    "workstream_created",
    "workstream_amended",
    "action_created",
    "action_amended",
    "action_status_changed",
    "evidence_attached",
    "evidence_redacted",
    "measure_defined",
    "measure_recorded",
    "monitoring_visit_recorded",
    "progress_reviewed",
    "risk_raised",
    "risk_updated",
    "risk_closed",
    "revisit_scheduled",
    "revisit_outcome_recorded",
    "note_added",
    "correction_recorded",
    "checkpoint_recorded",
    "action_created_with_deadline",
    "action_amended_with_deadline",
    "inspection_added",
    "finding_recorded",
    "milestone_added",
    "milestone_met",
    "milestone_missed",
    "coproduction_recorded",
    "plan_started",
    "workstream_created_in_plan",
    "plan_step_recorded",
    "monitoring_reviewed",
    "measure_defined_with_trajectory",
    "measure_amended",
    "pack_sent",
    "monitoring_visit_feedback",
];

/// How many days after it happened an event may be recorded before it is flagged late, unless
/// told otherwise (`--late-after`).
pub const DEFAULT_LATE_AFTER: i64 = 14;

/// One event of the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The event's sequence number.
    pub seq: u64,
    /// Its chain hash.
    pub hash: Digest,
    /// The business date on which it happened.
    pub occurred_on: Date,
    /// When the ledger learned of it: Unix milliseconds, UTC.
    pub recorded_at: i64,
    /// Who recorded it.
    pub actor: String,
    /// The kind of event (`action_status_changed`).
    pub kind: &'static str,
    /// What happened, in plain English, naming things by their titles at that moment.
    pub sentence: String,
    /// What it touched directly.
    pub about: Vec<Subject>,
    /// Days from the day it happened to the (UK) day it was recorded.
    pub late_days: i64,
}

impl Entry {
    /// The day the ledger learned of it, as a UK calendar date.
    pub fn recorded_on(&self) -> Date {
        recorded_day(self.recorded_at).unwrap_or(self.occurred_on)
    }

    /// Whether it was recorded `late_after` or more days after it happened.
    pub fn is_late(&self, late_after: i64) -> bool {
        self.late_days >= late_after
    }

    /// "happened 30 June 2021, recorded 19 July 2021 (19 days later)".
    pub fn dates(&self) -> String {
        let happened = self.occurred_on.long();
        match self.late_days {
            0 => format!("happened and recorded {happened}"),
            days => {
                let gap = if days > 0 {
                    format!("{} later", plural(days.unsigned_abs(), "day", "days"))
                } else {
                    format!("{} earlier", plural(days.unsigned_abs(), "day", "days"))
                };
                format!(
                    "happened {happened}, recorded {} ({gap})",
                    self.recorded_on().long()
                )
            }
        }
    }

    /// The entry as one line of text: sequence number, hash prefix, both dates, a `LATE` flag
    /// when recorded `late_after` or more days after it happened, who recorded it, and the
    /// sentence. Line breaks, control and invisible formatting characters in the actor's name
    /// or the sentence are shown as their code points (`text::terminal_line`), so that text in
    /// an event can never forge a line or send a terminal a code.
    pub fn line(&self, late_after: i64) -> String {
        let flag = if self.is_late(late_after) {
            "  LATE"
        } else {
            ""
        };
        format!(
            "{:>6}  {}  {}{flag}  [{}]  {}",
            self.seq,
            self.hash.short(),
            self.dates(),
            crate::text::terminal_line(&self.actor),
            crate::text::terminal_line(&self.sentence)
        )
    }

    /// The entry for JSON.
    pub fn view(&self, late_after: i64) -> EntryView<'_> {
        EntryView {
            seq: self.seq,
            hash: self.hash.to_hex(),
            kind: self.kind,
            occurred_on: self.occurred_on,
            recorded_at: format_unix_millis(self.recorded_at),
            recorded_on: self.recorded_on(),
            late_days: self.late_days,
            late: self.is_late(late_after),
            actor: &self.actor,
            sentence: &self.sentence,
            about: self
                .about
                .iter()
                .map(|subject| format!("{}:{}", subject.kind().word(), subject.id()))
                .collect(),
        }
    }
}

/// An entry as it is printed in JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EntryView<'a> {
    /// The event's sequence number.
    pub seq: u64,
    /// Its chain hash, 64 hex digits.
    pub hash: String,
    /// The kind of event.
    pub kind: &'static str,
    /// When it happened (ISO 8601).
    pub occurred_on: Date,
    /// When it was recorded (ISO 8601, UTC, with milliseconds).
    pub recorded_at: String,
    /// The UK day it was recorded.
    pub recorded_on: Date,
    /// Days from happening to recording.
    pub late_days: i64,
    /// Whether that is at least the lateness threshold.
    pub late: bool,
    /// Who recorded it.
    pub actor: &'a str,
    /// What happened.
    pub sentence: &'a str,
    /// What it touched, as `kind:id` references.
    pub about: Vec<String>,
}

/// What the timeline remembers of each event so that a later correction can say what it
/// corrects.
#[derive(Clone, Debug)]
struct Brief {
    seq: u64,
    kind: &'static str,
    occurred_on: Date,
    about: Vec<Subject>,
}

/// The fold that produces entries: feed it events in ledger order. Its sentences name things
/// as they stand, so its plan keeps no history ([`crate::plan::Detail::Current`]).
#[derive(Clone, Debug)]
pub struct Timeline {
    plan: Plan,
    briefs: Vec<Brief>,
}

impl Default for Timeline {
    fn default() -> Timeline {
        Timeline::new()
    }
}

impl Timeline {
    /// An empty timeline.
    pub fn new() -> Timeline {
        Timeline {
            plan: Plan::current(),
            briefs: Vec::new(),
        }
    }

    /// The plan as it stands after every event fed so far.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// A timeline that goes on from `plan` (the plan after the events before the next one fed),
    /// as when the plan comes from a kept snapshot. It remembers nothing of those events: before
    /// feeding a correction of one of them, [`Timeline::recall`] it.
    pub fn resume(plan: Plan) -> Timeline {
        Timeline {
            plan,
            briefs: Vec::new(),
        }
    }

    /// Folds the next event in without describing it (when its entry is not wanted).
    pub fn pass(&mut self, event: &Event) {
        self.plan.apply(event);
    }

    /// Remembers an earlier event and what its entry was about, so that a correction of it fed
    /// later is described as if every event had been fed.
    pub fn recall(&mut self, event: &Event, about: Vec<Subject>) {
        if let Err(i) = self
            .briefs
            .binary_search_by_key(&event.seq, |brief| brief.seq)
        {
            self.briefs.insert(
                i,
                Brief {
                    seq: event.seq,
                    kind: event.body.kind(),
                    occurred_on: event.occurred_on,
                    about,
                },
            );
        }
    }

    /// Forgets what it remembers of the events fed so far (what they were about, for describing
    /// corrections of them), to keep memory flat in a timeline kept alive for a long time; they
    /// can be recalled.
    pub fn forget(&mut self) {
        self.briefs.clear();
    }

    /// Whether an earlier event is remembered (fed, or recalled).
    pub fn remembers(&self, seq: u64) -> bool {
        self.brief(seq).is_some()
    }

    /// The entry for the next event (with its chain hash), which is then folded in.
    pub fn entry(&mut self, event: &Event, hash: Digest) -> Entry {
        let (sentence, about) = self.describe(event);
        let late_days = recorded_day(event.recorded_at)
            .map_or(0, |recorded| event.occurred_on.days_until(recorded));
        let entry = Entry {
            seq: event.seq,
            hash,
            occurred_on: event.occurred_on,
            recorded_at: event.recorded_at,
            actor: event.actor.name.clone(),
            kind: event.body.kind(),
            sentence,
            about,
            late_days,
        };
        if self.briefs.last().is_none_or(|last| last.seq < event.seq) {
            self.briefs.push(Brief {
                seq: event.seq,
                kind: entry.kind,
                occurred_on: event.occurred_on,
                about: entry.about.clone(),
            });
        }
        self.plan.apply(event);
        entry
    }

    fn brief(&self, seq: u64) -> Option<&Brief> {
        self.briefs
            .binary_search_by_key(&seq, |brief| brief.seq)
            .ok()
            .map(|i| &self.briefs[i])
    }
}

/// The timeline of `events` (in ledger order, each with its chain hash).
pub fn timeline<'a>(
    events: impl IntoIterator<Item = (&'a Event, Digest)>,
) -> impl Iterator<Item = Entry> {
    let mut fold = Timeline::new();
    events
        .into_iter()
        .map(move |(event, hash)| fold.entry(event, hash))
}

/// Which entries to keep. Every condition given must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only events about this thing or anything under it.
    pub about: Option<SubjectRef>,
    /// Only events that happened on or after this day.
    pub since: Option<Date>,
    /// Only events that happened on or before this day.
    pub until: Option<Date>,
    /// Only events recorded by someone whose name contains this (any case).
    pub actor: Option<String>,
    /// Only events of this kind (`action_status_changed`; hyphens and spaces also accepted).
    pub kind: Option<String>,
}

/// Why a filter cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    /// `--kind` is not one of the kinds of event.
    #[error("'{given}' is not a kind of event: use one of {}", KINDS.join(", "))]
    UnknownKind {
        /// What was given.
        given: String,
    },
    /// `--about` names nothing in the plan.
    #[error("there is no {what} in the ledger; check the id against the ledger's events")]
    UnknownSubject {
        /// "action 9.9", or "weakness, workstream, action, measure, evidence or risk '9.9'".
        what: String,
    },
    /// `--about` without a kind names more than one thing.
    #[error("'{id}' is the id of a {kinds}: say which, as in {example}")]
    Ambiguous {
        /// The id.
        id: String,
        /// The kinds that have it.
        kinds: String,
        /// A qualified reference.
        example: String,
    },
    /// `--since` is after `--until`.
    #[error("the start, {}, is after the end, {}: nothing could match", .since.long(), .until.long())]
    EmptyRange {
        /// The start.
        since: Date,
        /// The end.
        until: Date,
    },
}

/// The canonical kind for what a user typed, if it is one.
pub fn parse_kind(input: &str) -> Option<&'static str> {
    let word = input.trim().to_ascii_lowercase().replace(['-', ' '], "_");
    let word = match word.as_str() {
        "pack" | "packs" => "pack_sent".to_owned(),
        "visit" | "visits" => "monitoring_visit_recorded".to_owned(),
        _ => word,
    };
    KINDS.into_iter().find(|kind| *kind == word)
}

impl Filter {
    /// Checks the filter against the plan its `--about` is resolved in and returns a matcher.
    pub fn compile(&self, plan: &Plan) -> Result<Matcher, FilterError> {
        let kind = match &self.kind {
            Some(given) => Some(parse_kind(given).ok_or_else(|| FilterError::UnknownKind {
                given: given.clone(),
            })?),
            None => None,
        };
        if let (Some(since), Some(until)) = (self.since, self.until)
            && since > until
        {
            return Err(FilterError::EmptyRange { since, until });
        }
        let subjects = match &self.about {
            Some(reference) => Some(family(plan, &resolve(plan, reference)?)),
            None => None,
        };
        Ok(Matcher {
            subjects,
            since: self.since,
            until: self.until,
            actor: self.actor.as_ref().map(|a| a.trim().to_lowercase()),
            kind,
        })
    }
}

/// A filter checked against a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matcher {
    subjects: Option<BTreeSet<Subject>>,
    since: Option<Date>,
    until: Option<Date>,
    actor: Option<String>,
    kind: Option<&'static str>,
}

impl Matcher {
    /// Whether the entry passes every condition.
    pub fn matches(&self, entry: &Entry) -> bool {
        self.kind.is_none_or(|kind| {
            kind == entry.kind
                // A visit with points tied to findings is still a monitoring visit.
                || (kind == "monitoring_visit_recorded" && entry.kind == "monitoring_visit_feedback")
        })
            && self.since.is_none_or(|since| entry.occurred_on >= since)
            && self.until.is_none_or(|until| entry.occurred_on <= until)
            && self
                .actor
                .as_ref()
                .is_none_or(|actor| entry.actor.to_lowercase().contains(actor.as_str()))
            && self
                .subjects
                .as_ref()
                .is_none_or(|subjects| entry.about.iter().any(|s| subjects.contains(s)))
    }

    /// The things `--about` covers (the thing named and everything under it), if given.
    pub fn subjects(&self) -> Option<&BTreeSet<Subject>> {
        self.subjects.as_ref()
    }
}

/// Resolves a reference as typed against the plan.
pub fn resolve(plan: &Plan, reference: &SubjectRef) -> Result<Subject, FilterError> {
    let exists = |kind: SubjectKind| match kind {
        SubjectKind::Weakness => plan.weakness(&reference.id).is_some(),
        SubjectKind::Workstream => plan.workstream(&reference.id).is_some(),
        SubjectKind::Action => plan.action(&reference.id).is_some(),
        SubjectKind::Measure => plan.measure(&reference.id).is_some(),
        SubjectKind::Evidence => plan.evidence_item(&reference.id).is_some(),
        SubjectKind::Risk => plan.risk(&reference.id).is_some(),
    };
    let kind = match reference.kind {
        Some(kind) if exists(kind) => kind,
        Some(kind) => {
            return Err(FilterError::UnknownSubject {
                what: format!("{} {}", kind.word(), reference.id),
            });
        }
        None => {
            let kinds: Vec<SubjectKind> = SubjectKind::ALL
                .into_iter()
                .filter(|kind| exists(*kind))
                .collect();
            match kinds.as_slice() {
                [] => {
                    return Err(FilterError::UnknownSubject {
                        what: format!(
                            "weakness, workstream, action, measure, evidence or risk '{}'",
                            reference.id
                        ),
                    });
                }
                [kind] => *kind,
                many => {
                    return Err(FilterError::Ambiguous {
                        id: reference.id.clone(),
                        kinds: many
                            .iter()
                            .map(|k| k.word())
                            .collect::<Vec<_>>()
                            .join(" and "),
                        example: format!("{}:{}", many[0].word(), reference.id),
                    });
                }
            }
        }
    };
    subject_of(kind, &reference.id).ok_or_else(|| FilterError::UnknownSubject {
        what: format!("{} {}", kind.word(), reference.id),
    })
}

/// A subject from a kind and an id held as text.
pub(crate) fn subject_of(kind: SubjectKind, id: &str) -> Option<Subject> {
    Some(match kind {
        SubjectKind::Weakness => Subject::Weakness(id.parse().ok()?),
        SubjectKind::Workstream => Subject::Workstream(id.parse().ok()?),
        SubjectKind::Action => Subject::Action(id.parse().ok()?),
        SubjectKind::Measure => Subject::Measure(id.parse().ok()?),
        SubjectKind::Evidence => Subject::Evidence(id.parse().ok()?),
        SubjectKind::Risk => Subject::Risk(id.parse().ok()?),
    })
}

/// A thing and everything under it in the plan: a weakness's workstreams, their actions and the
/// weakness's measures; a workstream's actions; and the evidence that supports, and the risks
/// that threaten, any of those.
pub fn family(plan: &Plan, subject: &Subject) -> BTreeSet<Subject> {
    let mut set = BTreeSet::from([subject.clone()]);
    let add_workstream = |set: &mut BTreeSet<Subject>, ws: &str| {
        if let Some(s) = subject_of(SubjectKind::Workstream, ws) {
            set.insert(s);
        }
        for action in plan.actions_of(ws) {
            if let Some(s) = subject_of(SubjectKind::Action, &action.id) {
                set.insert(s);
            }
        }
    };
    match subject {
        Subject::Weakness(id) => {
            for ws in plan.workstreams_for(id.as_str()) {
                add_workstream(&mut set, &ws.id);
            }
            for measure in plan.measures_for(id.as_str()) {
                if let Some(s) = subject_of(SubjectKind::Measure, &measure.id) {
                    set.insert(s);
                }
            }
        }
        Subject::Workstream(id) => add_workstream(&mut set, id.as_str()),
        _ => {}
    }
    let structural = set.clone();
    for evidence in &plan.evidence {
        if evidence.supports.iter().any(|s| structural.contains(s))
            && let Some(s) = subject_of(SubjectKind::Evidence, &evidence.id)
        {
            set.insert(s);
        }
    }
    for risk in &plan.risks {
        if risk.about.iter().any(|s| structural.contains(s))
            && let Some(s) = subject_of(SubjectKind::Risk, &risk.id)
        {
            set.insert(s);
        }
    }
    set
}

/// A risk and the things it threatens, as the plan knows them.
fn with_risk_subjects(plan: &Plan, subject: Subject) -> Vec<Subject> {
    let threatens = plan
        .risk(subject.id())
        .map(|risk| risk.about.clone())
        .unwrap_or_default();
    std::iter::once(subject).chain(threatens).collect()
}

/// The UK calendar day of a Unix time in milliseconds (the day a council officer would say it
/// was recorded on).
fn recorded_day(millis: i64) -> Option<Date> {
    Date::uk_from_unix_millis(millis)
}

fn inspectorates(plan: &Plan) -> String {
    match &plan.inspection {
        Some(inspection) if !inspection.inspectorates.is_empty() => {
            and_list(&inspection.inspectorates)
        }
        _ => "Ofsted and CQC".to_owned(),
    }
}

fn said(text: Option<&str>) -> String {
    text.map(str::trim)
        .filter(|text| !text.is_empty())
        .map(|text| format!(": {}", quote(text)))
        .unwrap_or_default()
}

fn changes_text(changes: &[String]) -> String {
    if changes.is_empty() {
        " with nothing changed".to_owned()
    } else {
        format!(": {}", changes.join("; "))
    }
}

/// `'text'`, trimmed.
/// "due Autumn term 2021 (31 December 2021)", "recurring: Termly", "with no deadline set (TBC)".
fn deadline_phrase(due: &crate::deadline::Deadline) -> String {
    use crate::deadline::Deadline;
    match due {
        Deadline::On(_) | Deadline::Written { .. } => format!("due {}", due.describe(Date::long)),
        Deadline::Recurring { words, .. } => format!("recurring: {words}"),
        Deadline::NotSet { words } => format!("with no deadline set ({words})"),
    }
}

/// "Measure M1 'EHC plans ...' defined: baseline ..., target ... (...), showing the impact on ...".
fn measure_defined(e: &crate::event::MeasureDefined, name: &dyn Fn(&Subject) -> String) -> String {
    let weaknesses: Vec<String> = e
        .weaknesses
        .iter()
        .map(|w| name(&Subject::Weakness(w.clone())))
        .collect();
    format!(
        "Measure {} {} defined: baseline {} on {}, target {} by {} ({}), showing the impact on {}",
        e.id,
        quote(&e.title),
        quantity(&e.baseline, &e.unit),
        e.baseline_on.long(),
        quantity(&e.target, &e.unit),
        e.target_by.long(),
        e.better.label(),
        and_list(&weaknesses)
    )
}

/// "; defined as '...'; each value covers the financial year; trajectory 30% by 31 March 2024
/// and 45% by 30 September 2024".
fn measure_details(
    unit: &str,
    definition: Option<&str>,
    period: Option<crate::event::Period>,
    trajectory: Option<&[crate::event::TrajectoryPoint]>,
) -> String {
    let mut out = String::new();
    if let Some(definition) = definition {
        out.push_str(&format!("; defined as {}", quote(definition)));
    }
    if let Some(period) = period {
        out.push_str(&format!("; each value covers {}", period.describe()));
    }
    if let Some(points) = trajectory.filter(|points| !points.is_empty()) {
        let points: Vec<String> = points
            .iter()
            .map(|p| format!("{} by {}", quantity(&p.value, unit), p.on.long()))
            .collect();
        out.push_str(&format!("; trajectory {}", and_list(&points)));
    }
    out
}

pub(crate) fn quote(text: &str) -> String {
    format!("'{}'", text.trim())
}

/// The first letter in upper case.
pub(crate) fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// ", because recruitment paused": the reason as the end of a sentence. Its first letter is
/// lowered only when its first word looks like an ordinary capitalised word (so "COVID-19",
/// "DfE" and "Ofsted" keep their capitals), and a final full stop is dropped.
pub(crate) fn because(reason: &str) -> String {
    let reason = reason.trim().trim_end_matches('.');
    if reason.is_empty() {
        return String::new();
    }
    let first_word = reason
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .trim_end_matches(|c: char| c.is_ascii_punctuation());
    let mut letters = first_word.chars();
    let ordinary = letters.next().is_some_and(char::is_uppercase)
        && first_word.chars().count() > 1
        && letters.all(|c| c.is_lowercase())
        && !PROPER_WORDS.contains(&first_word)
        && !crate::date::MONTH_NAMES.contains(&first_word);
    let reason = if ordinary {
        let mut chars = reason.chars();
        chars
            .next()
            .map(|first| first.to_lowercase().chain(chars).collect())
            .unwrap_or_default()
    } else {
        reason.to_owned()
    };
    format!(", because {reason}")
}

/// Capitalised words (besides the months) that keep their capital at the start of a reason.
const PROPER_WORDS: &[&str] = &[
    "Ofsted",
    "Northshire",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Christmas",
    "Easter",
    "English",
];

/// "a", "a and b", "a, b and c".
pub(crate) fn and_list<T: AsRef<str>>(items: &[T]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [rest @ .., last] => format!(
            "{} and {}",
            rest.iter()
                .map(AsRef::as_ref)
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

/// "1 day", "3 days".
pub(crate) fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// "no concerns", "1 concern", "3 concerns".
pub(crate) fn counted(n: usize, one: &str, many: &str) -> String {
    if n == 0 {
        format!("no {many}")
    } else {
        plural(n as u64, one, many)
    }
}

/// A file size for people: "812 bytes", "24 KB", "3.2 MB".
pub(crate) fn size(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    if bytes < KB {
        plural(bytes, "byte", "bytes")
    } else if bytes < MB {
        format!("{} KB", (bytes + KB / 2) / KB)
    } else {
        let tenths = (bytes * 10 + MB / 2) / MB;
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

/// A measure's value with its unit: "63%", "17,480 visitors", "12.5 days".
pub(crate) fn quantity(value: &Decimal, unit: &str) -> String {
    let text = value.as_str();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (digits, None),
    };
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let number = match frac {
        Some(frac) => format!("{sign}{grouped}.{frac}"),
        None => format!("{sign}{grouped}"),
    };
    match unit.trim() {
        "" => number,
        "%" => format!("{number}%"),
        unit => format!("{number} {unit}"),
    }
}

/// ", with 2 success criteria", or nothing when there are none.
fn with_success(n: usize) -> String {
    match n {
        0 => String::new(),
        n => format!(
            ", with {}",
            plural(n as u64, "success criterion", "success criteria")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{AddNote, AttachEvidence, Command, RaiseRisk};
    use crate::event::{
        ActionAmended, ActionCreated, ActionStatusChanged, Actor, Assessment, CorrectionRecorded,
        Direction, EvidenceKind, EvidenceRedacted, InspectionRecorded, LedgerOpened,
        MeasureDefined, MeasureRecorded, MonitoringVisitRecorded, Outcome, ProgressReviewed, Rag,
        Rating, RevisitOutcomeRecorded, RevisitScheduled, RiskClosed, RiskLevel, RiskUpdated, Role,
        WeaknessRecorded, WorkstreamAmended, WorkstreamCreated,
    };
    use crate::memory::MemoryLedger;

    /// The demo story, recorded in memory.
    fn demo() -> MemoryLedger {
        crate::demo::in_memory(None)
    }

    fn entries(ledger: &MemoryLedger) -> Vec<Entry> {
        timeline(ledger.sealed().iter().map(|s| (&s.event, s.hash))).collect()
    }

    fn date(text: &str) -> Date {
        text.parse().expect("a valid date")
    }

    /// Noon UTC on a day, in Unix milliseconds.
    fn noon(day: &str) -> i64 {
        date(day).days_since_epoch() * 86_400_000 + 43_200_000
    }

    fn reference(text: &str) -> SubjectRef {
        text.parse().expect("a valid reference")
    }

    /// A small ledger with one event of every kind, each happening on `on` and recorded on
    /// `recorded` (the status change of 1.1 happens 20 days before it is recorded). Returns the
    /// ledger and, per event, a phrase its sentence must contain (the title of what it is about).
    fn every_kind() -> (MemoryLedger, Vec<&'static str>) {
        let mut ledger = MemoryLedger::new();
        let mut expected = Vec::new();
        let mut day = date("2021-06-01");
        let mut record = |command: Command, who: &str, phrase: &'static str, late: i64| {
            // A late event is recorded `late` days after the day after the one before it, so
            // that what it is about still happened after everything recorded before it.
            day = Date::from_days_since_epoch(day.days_since_epoch() + 1 + late).expect("a date");
            let recorded = day.days_since_epoch() * 86_400_000 + 43_200_000;
            let on = Date::from_days_since_epoch(day.days_since_epoch() - late).expect("a date");
            let actor = Actor {
                name: who.to_owned(),
                role: Role::Officer,
            };
            ledger
                .record(&command, actor, on, recorded)
                .unwrap_or_else(|err| panic!("{command:?} is accepted: {err}"));
            expected.push(phrase);
        };
        let w1: crate::WeaknessId = "W1".parse().expect("id");
        let w2: crate::WeaknessId = "W2".parse().expect("id");
        let ws1: crate::WorkstreamId = "WS1".parse().expect("id");
        let ws2: crate::WorkstreamId = "WS2".parse().expect("id");
        let a11: crate::ActionId = "1.1".parse().expect("id");
        let m1: crate::MeasureId = "M1".parse().expect("id");
        let r1: crate::RiskId = "R1".parse().expect("id");
        let officer = "A. Patel";
        record(
            Command::OpenLedger(LedgerOpened {
                area: "Northshire local area".to_owned(),
                partners: vec!["Northshire County Council".to_owned()],
            }),
            officer,
            "Northshire local area",
            0,
        );
        record(
            Command::RecordInspection(InspectionRecorded {
                inspectorates: vec!["Ofsted".to_owned(), "CQC".to_owned()],
                from: date("2021-03-08"),
                to: date("2021-03-12"),
                published: date("2021-04-20"),
            }),
            officer,
            "Ofsted and CQC",
            0,
        );
        for (id, title) in [(&w1, "Quality assurance"), (&w2, "Timeliness of EHC plans")] {
            record(
                Command::RecordWeakness(WeaknessRecorded {
                    id: id.clone(),
                    title: title.to_owned(),
                    finding: Some("There is no quality assurance framework.".to_owned()),
                }),
                officer,
                if id == &w1 {
                    "'Quality assurance'"
                } else {
                    "'Timeliness of EHC plans'"
                },
                0,
            );
        }
        record(
            Command::SubmitPlan {
                summary: Some("Version 1".to_owned()),
            },
            officer,
            "version 1",
            0,
        );
        record(
            Command::RevisePlan {
                summary: "More measurable success criteria".to_owned(),
            },
            officer,
            "version 2",
            0,
        );
        record(
            Command::SubmitPlan { summary: None },
            officer,
            "version 2",
            0,
        );
        record(
            Command::AcceptPlan {
                summary: Some("Fit for purpose".to_owned()),
            },
            officer,
            "version 2",
            0,
        );
        record(
            Command::CreateWorkstream(WorkstreamCreated {
                id: ws1.clone(),
                title: "QA framework".to_owned(),
                sponsor: "Director of Education".to_owned(),
                weaknesses: vec![w1.clone()],
            }),
            officer,
            "'QA framework'",
            0,
        );
        record(
            Command::CreateWorkstream(WorkstreamCreated {
                id: ws2.clone(),
                title: "EHC timeliness".to_owned(),
                sponsor: "Head of SEND".to_owned(),
                weaknesses: vec![w2.clone()],
            }),
            officer,
            "'EHC timeliness'",
            0,
        );
        record(
            Command::AmendWorkstream(WorkstreamAmended {
                id: ws1.clone(),
                title: None,
                sponsor: Some("Assistant Director, SEND".to_owned()),
                weaknesses: None,
                reason: "Restructure of the directorate".to_owned(),
            }),
            officer,
            "'QA framework'",
            0,
        );
        record(
            Command::CreateAction(ActionCreated {
                id: a11.clone(),
                workstream: ws1.clone(),
                title: "Appoint a QA officer".to_owned(),
                owner: "Head of SEND".to_owned(),
                due: date("2021-09-30"),
                success: vec!["Officer in post".to_owned()],
            }),
            officer,
            "'Appoint a QA officer'",
            0,
        );
        record(
            Command::CreateAction(ActionCreated {
                id: "2.1".parse().expect("id"),
                workstream: ws2.clone(),
                title: "Recruit EHC coordinators".to_owned(),
                owner: "Head of SEND".to_owned(),
                due: date("2021-12-31"),
                success: vec![],
            }),
            officer,
            "'Recruit EHC coordinators'",
            0,
        );
        record(
            Command::AmendAction(ActionAmended {
                id: a11.clone(),
                title: None,
                owner: None,
                due: Some(date("2021-12-31")),
                reason: "Recruitment paused during COVID-19".to_owned(),
            }),
            officer,
            "'Appoint a QA officer'",
            0,
        );
        record(
            Command::ChangeActionStatus(ActionStatusChanged {
                id: a11.clone(),
                status: Status::Complete,
                rag: Some(Rag::Green),
                note: Some("Officer started".to_owned()),
            }),
            "J. Smith",
            "'Appoint a QA officer'",
            20,
        );
        record(
            Command::AttachEvidence(AttachEvidence {
                id: None,
                content_hash: crate::content_hash(b"minutes"),
                file_name: "minutes.pdf".to_owned(),
                media_type: "application/pdf".to_owned(),
                size: 24 * 1024,
                title: "Board minutes".to_owned(),
                kind: EvidenceKind::Minutes,
                supports: vec![reference("1.1")],
            }),
            officer,
            "'Board minutes'",
            0,
        );
        record(
            Command::RedactEvidence(EvidenceRedacted {
                id: "E1".parse().expect("id"),
                reason: "It named a child".to_owned(),
            }),
            officer,
            "'Board minutes'",
            0,
        );
        for (id, weakness, title) in [
            (&m1, &w1, "Plans passing QA audit"),
            (
                &"M2".parse().expect("id"),
                &w2,
                "EHC plans issued within 20 weeks",
            ),
        ] {
            record(
                Command::DefineMeasure(MeasureDefined {
                    id: id.clone(),
                    title: title.to_owned(),
                    unit: "%".to_owned(),
                    baseline: "12".parse().expect("decimal"),
                    baseline_on: date("2021-03-31"),
                    target: "60".parse().expect("decimal"),
                    target_by: date("2022-03-31"),
                    better: Direction::HigherIsBetter,
                    weaknesses: vec![weakness.clone()],
                }),
                officer,
                if id == &m1 {
                    "'Plans passing QA audit'"
                } else {
                    "'EHC plans issued within 20 weeks'"
                },
                0,
            );
        }
        record(
            Command::RecordMeasure(MeasureRecorded {
                id: "M2".parse().expect("id"),
                value: "63".parse().expect("decimal"),
                source: Some("EHC hub".to_owned()),
            }),
            officer,
            "'EHC plans issued within 20 weeks' recorded at 63% (baseline 12%, target 60%)",
            0,
        );
        record(
            Command::RecordVisit(
                MonitoringVisitRecorded {
                    by: "DfE and NHS England advisers".to_owned(),
                    summary: None,
                    strengths: vec!["Leadership".to_owned(), "Co-production".to_owned()],
                    concerns: vec!["Plan quality".to_owned()],
                    next_steps: vec!["Audit".to_owned(), "Impact".to_owned()],
                }
                .into(),
            ),
            officer,
            "Monitoring visit by DfE and NHS England advisers: 2 strengths, 1 concern, 2 next steps",
            0,
        );
        record(
            Command::RecordVisit(crate::event::MonitoringVisitFeedback {
                by: "DfE and NHS England advisers".to_owned(),
                summary: None,
                strengths: vec![],
                concerns: vec!["[W1] Plan quality".parse().expect("a point")],
                next_steps: vec![],
                letter: Some("E1".parse().expect("id")),
            }),
            officer,
            "1 concern, no next steps; points about W1; their letter is evidence E1",
            0,
        );
        record(
            Command::ReviewProgress(ProgressReviewed {
                forum: "SEND Improvement Board".to_owned(),
                assessments: vec![Assessment {
                    workstream: ws1.clone(),
                    rating: Rating::OnTrack,
                    note: None,
                }],
            }),
            officer,
            "'QA framework' on track",
            0,
        );
        record(
            Command::RaiseRisk(RaiseRisk {
                id: r1.clone(),
                title: "EP vacancies".to_owned(),
                level: RiskLevel::High,
                about: vec![reference("WS1")],
                mitigation: None,
            }),
            officer,
            "'EP vacancies'",
            0,
        );
        record(
            Command::UpdateRisk(RiskUpdated {
                id: r1.clone(),
                level: Some(RiskLevel::Medium),
                mitigation: None,
                note: Some("Locums found".to_owned()),
            }),
            officer,
            "'EP vacancies'",
            0,
        );
        record(
            Command::CloseRisk(RiskClosed {
                id: r1.clone(),
                reason: "Posts filled".to_owned(),
            }),
            officer,
            "'EP vacancies'",
            0,
        );
        record(
            Command::ScheduleRevisit(RevisitScheduled {
                from: date("2022-11-01"),
                to: date("2022-12-16"),
            }),
            officer,
            "1 November 2022",
            0,
        );
        record(
            Command::RecordRevisitOutcome(RevisitOutcomeRecorded {
                outcomes: vec![Outcome {
                    weakness: w1.clone(),
                    progress: Progress::Sufficient,
                }],
            }),
            officer,
            "'Quality assurance': sufficient progress",
            0,
        );
        record(
            Command::AddNote(AddNote {
                about: reference("WS2"),
                text: "Parents want shorter plans".to_owned(),
                from: Some("Parent Carer Forum".to_owned()),
            }),
            officer,
            "'EHC timeliness'",
            0,
        );
        record(
            Command::RecordCorrection(CorrectionRecorded {
                seq: 14,
                reason: "The officer started a week earlier".to_owned(),
            }),
            officer,
            "event 14 (action status changed: action 1.1 'Appoint a QA officer'",
            0,
        );
        let board = crate::note::Signer::generate("northshire-board", [7; 32]).expect("a key");
        let text = crate::note::Checkpoint::new(
            "wsoa/northshire-local-area/0011223344556677",
            20,
            Digest([5; 32]),
        )
        .to_text()
        .expect("a checkpoint");
        let note = crate::note::Note::sign(&text, &board)
            .expect("signed")
            .to_string();
        record(
            Command::RecordCheckpoint { note },
            officer,
            "History to event 19 witnessed: checkpoint of 20 events (root 050505050505) signed by northshire-board",
            0,
        );
        let a15: crate::ActionId = "1.5".parse().expect("id");
        record(
            Command::CreateActionWithDeadline(crate::event::ActionCreatedWithDeadline {
                id: a15.clone(),
                workstream: ws1.clone(),
                title: "Publish a termly newsletter".to_owned(),
                owner: "Head of SEND".to_owned(),
                due: crate::Deadline::parse("Termly").expect("words"),
                success: vec![],
            }),
            officer,
            "Termly",
            0,
        );
        record(
            Command::AmendActionWithDeadline(crate::event::ActionAmendedWithDeadline {
                id: a15,
                title: None,
                owner: None,
                due: Some(crate::Deadline::parse("Autumn term 2022").expect("words")),
                reason: "One issue agreed instead".to_owned(),
            }),
            officer,
            "Autumn term 2022",
            0,
        );
        record(
            Command::AddInspection(crate::command::AddInspection {
                id: None,
                framework: crate::event::Framework::Y2023,
                kind: crate::event::InspectionKind::Full,
                outcome: Some(crate::event::InspectionOutcome::Inconsistent),
                inspectorates: vec!["Ofsted".to_owned(), "CQC".to_owned()],
                from: date("2021-06-01"),
                to: date("2021-06-05"),
                published: date("2021-06-20"),
            }),
            officer,
            "inconsistent experiences and outcomes",
            0,
        );
        record(
            Command::RecordFinding(crate::command::AddFinding {
                id: "AP1".parse().expect("id"),
                inspection: None,
                kind: crate::event::FindingKind::PriorityAction,
                title: "Timeliness of EHC plans".to_owned(),
                finding: None,
            }),
            officer,
            "Area for priority action AP1 'Timeliness of EHC plans' recorded from inspection I2",
            0,
        );
        let a15: crate::ActionId = "1.5".parse().expect("id");
        for (id, due) in [("3m", "December 2022"), ("6m", "March 2023")] {
            record(
                Command::AddMilestone(crate::event::MilestoneAdded {
                    action: a15.clone(),
                    id: id.parse().expect("id"),
                    title: "Newsletter reaches every family".to_owned(),
                    due: crate::Deadline::parse(due).expect("words"),
                }),
                officer,
                "'Newsletter reaches every family', due",
                0,
            );
        }
        record(
            Command::MeetMilestone(crate::event::MilestoneMet {
                action: a15.clone(),
                id: "3m".parse().expect("id"),
                note: Some("Sent to 4,100 families".to_owned()),
            }),
            officer,
            "Milestone 3m of action 1.5",
            0,
        );
        record(
            Command::MissMilestone(crate::event::MilestoneMissed {
                action: a15,
                id: "6m".parse().expect("id"),
                reason: "The printer's contract lapsed".to_owned(),
            }),
            officer,
            "missed, because the printer's contract lapsed",
            0,
        );
        record(
            Command::RecordCoproduction(crate::event::CoproductionRecorded {
                about: w1.clone(),
                said: "Plans did not say what would change".to_owned(),
                did: "Wrote outcomes with families".to_owned(),
                difference: Some("Parents rate plans clearer".to_owned()),
                from: "Parent Carer Forum survey".to_owned(),
                respondents: Some(212),
            }),
            officer,
            "Parent Carer Forum survey (212 responded) said 'Plans did not say what would change'",
            0,
        );
        let app1: crate::PlanId = "APP1".parse().expect("id");
        let ws3: crate::WorkstreamId = "WS3".parse().expect("id");
        record(
            Command::StartPlan(crate::event::PlanStarted {
                id: app1.clone(),
                kind: crate::event::PlanKind::App,
                title: "Faster plans".to_owned(),
                answers: vec![w1.clone()],
            }),
            officer,
            "Accelerated Progress Plan APP1 'Faster plans' started, answering weakness W1",
            0,
        );
        record(
            Command::AddWorkstream(crate::command::AddWorkstream {
                plan: Some(app1.clone()),
                id: ws3.clone(),
                title: "Panel every week".to_owned(),
                sponsor: "Director of Education".to_owned(),
                weaknesses: vec![w1.clone()],
            }),
            officer,
            "Workstream WS3 'Panel every week' of plan APP1 created",
            0,
        );
        record(
            Command::StepPlan(crate::command::StepPlan {
                plan: Some(app1.clone()),
                step: crate::event::PlanStep::Submitted,
                summary: None,
            }),
            officer,
            "Accelerated Progress Plan APP1 'Faster plans' version 1 submitted",
            0,
        );
        record(
            Command::ReviewMonitoring(crate::event::MonitoringReviewed {
                plan: app1,
                by: "DfE and NHS England advisers".to_owned(),
                summary: "Timeliness sustained".to_owned(),
                continues: vec![],
                ended: vec![ws3],
            }),
            officer,
            "Monitoring review of plan APP1 by DfE and NHS England advisers: 'Timeliness sustained'; monitoring ended for workstream WS3 'Panel every week'",
            0,
        );
        let m9: crate::MeasureId = "M9".parse().expect("id");
        record(
            Command::DefineMeasureWithTrajectory(crate::command::DefineMeasure {
                id: m9.clone(),
                title: "Annual reviews on time".to_owned(),
                unit: "%".to_owned(),
                baseline: "30".parse().expect("decimal"),
                baseline_on: date("2021-06-01"),
                target: "90".parse().expect("decimal"),
                target_by: date("2023-06-01"),
                better: crate::event::Direction::HigherIsBetter,
                weaknesses: vec![w2.clone()],
                definition: Some("Reviews held within 12 months".to_owned()),
                period: Some(crate::event::Period::Quarter),
                trajectory: vec![crate::command::TrajectoryInput {
                    on: date("2022-06-01"),
                    value: "60".parse().expect("decimal"),
                    unit: Some("%".to_owned()),
                }],
            }),
            officer,
            "trajectory 60% by 1 June 2022",
            0,
        );
        record(
            Command::AmendMeasure(crate::command::AmendMeasure {
                id: m9,
                definition: None,
                period: Some(crate::event::Period::FinancialYear),
                trajectory: None,
            }),
            officer,
            "amended: each value covers the financial year",
            0,
        );
        record(
            Command::RecordPack(crate::event::PackSent {
                purpose: "APP review".to_owned(),
                to: "DfE adviser".to_owned(),
                as_of: date("2021-06-01"),
                events: 3,
                head: Digest([7; 32]),
                file_name: "pack.wsoa".to_owned(),
                file_hash: Digest([9; 32]),
                size: 2048,
            }),
            officer,
            "Evidence pack 'pack.wsoa' for 'APP review' sent to DfE adviser",
            0,
        );
        (ledger, expected)
    }

    #[test]
    fn every_kind_of_event_has_a_sentence_naming_its_thing() {
        let (ledger, expected) = every_kind();
        let entries = entries(&ledger);
        let kinds: BTreeSet<&str> = entries.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            KINDS.into_iter().collect(),
            "one event of every kind"
        );
        for (entry, phrase) in entries.iter().zip(&expected) {
            let sentence = &entry.sentence;
            assert!(
                sentence.contains(phrase),
                "{}: {sentence:?} should contain {phrase:?}",
                entry.kind
            );
            for bad in ["{}", "{", "None", "Some(", "\"", "  "] {
                assert!(!sentence.contains(bad), "{}: {sentence:?}", entry.kind);
            }
            assert!(sentence.starts_with(char::is_uppercase), "{sentence:?}");
        }
        let text = |seq: usize| entries[seq].sentence.as_str();
        assert_eq!(
            text(13),
            "Deadline of action 1.1 'Appoint a QA officer' moved from 30 September 2021 to 31 December 2021 by A. Patel, because recruitment paused during COVID-19"
        );
        assert_eq!(
            text(14),
            "Action 1.1 'Appoint a QA officer' marked complete (RAG green) by J. Smith: 'Officer started'"
        );
        assert_eq!(
            text(15),
            "Evidence E1 'Board minutes' (minutes, 24 KB, hash 0ed6d2b1a2f8) attached, supporting action 1.1"
                .replace("0ed6d2b1a2f8", &crate::content_hash(b"minutes").short())
        );
    }

    #[test]
    fn sentences_use_titles_as_they_were_then() {
        let (mut ledger, _) = every_kind();
        let actor = Actor {
            name: "A. Patel".to_owned(),
            role: Role::Officer,
        };
        let day = date("2021-08-01");
        ledger
            .record(
                &Command::AmendAction(ActionAmended {
                    id: "1.1".parse().expect("id"),
                    title: Some("Appoint a SEND QA officer".to_owned()),
                    owner: None,
                    due: None,
                    reason: "Clearer wording".to_owned(),
                }),
                actor,
                day,
                noon("2021-08-01") + 100 * 86_400_000,
            )
            .expect("accepted");
        let entries = entries(&ledger);
        let last = entries.last().expect("entries");
        assert_eq!(
            last.sentence,
            "Action 1.1 'Appoint a QA officer' reworded as 'Appoint a SEND QA officer' by A. Patel, because clearer wording"
        );
        // The earlier sentences keep the wording the action had then.
        assert!(entries[14].sentence.contains("'Appoint a QA officer'"));
    }

    #[test]
    fn late_flag_appears_exactly_at_the_threshold() {
        let (ledger, _) = every_kind();
        let entries = entries(&ledger);
        let late = &entries[14];
        assert_eq!(late.late_days, 20);
        assert!(
            late.dates().contains("recorded ") && late.dates().contains("(20 days later)"),
            "{}",
            late.dates()
        );
        for (threshold, flagged) in [(19, true), (20, true), (21, false), (7, true)] {
            assert_eq!(
                late.line(threshold).contains("LATE"),
                flagged,
                "threshold {threshold}: {}",
                late.line(threshold)
            );
            assert_eq!(late.view(threshold).late, flagged);
        }
        let on_time = &entries[13];
        assert_eq!(on_time.late_days, 0);
        assert!(!on_time.line(0).is_empty());
        assert!(
            on_time.line(0).contains("LATE"),
            "0 days >= a threshold of 0"
        );
        assert!(!on_time.line(1).contains("LATE"));
        assert!(on_time.dates().starts_with("happened and recorded"));
        for days in [13, 14, 15] {
            let entry = Entry {
                late_days: days,
                ..late.clone()
            };
            assert_eq!(
                entry.line(DEFAULT_LATE_AFTER).contains("  LATE  "),
                days >= 14
            );
        }
    }

    fn matching(entries: &[Entry], plan: &Plan, filter: &Filter) -> Vec<u64> {
        let matcher = filter.compile(plan).expect("a valid filter");
        entries
            .iter()
            .filter(|e| matcher.matches(e))
            .map(|e| e.seq)
            .collect()
    }

    #[test]
    fn about_includes_children() {
        let (ledger, _) = every_kind();
        let entries = entries(&ledger);
        let plan = Plan::from_events(ledger.events());
        let about = |text: &str| Filter {
            about: Some(reference(text)),
            ..Filter::default()
        };
        let kinds = |seqs: &[u64]| -> Vec<&str> {
            seqs.iter().map(|s| entries[*s as usize].kind).collect()
        };
        // An action: its own events, the evidence that supports it (attached and redacted) and
        // the correction of one of its events.
        let action = matching(&entries, &plan, &about("1.1"));
        assert_eq!(action, vec![11, 13, 14, 15, 16, 29]);
        // Its workstream: also the workstream's own events, its other action's events (none
        // here), its review and the risk that threatens it, and the evidence's redaction.
        let workstream = matching(&entries, &plan, &about("WS1"));
        for seq in &action {
            assert!(workstream.contains(seq), "{seq} in {workstream:?}");
        }
        assert_eq!(
            kinds(&workstream),
            vec![
                "workstream_created",
                "workstream_amended",
                "action_created",
                "action_amended",
                "action_status_changed",
                "evidence_attached",
                "evidence_redacted",
                "progress_reviewed",
                "risk_raised",
                "risk_updated",
                "risk_closed",
                "correction_recorded",
                "action_created_with_deadline",
                "action_amended_with_deadline",
                "milestone_added",
                "milestone_added",
                "milestone_met",
                "milestone_missed",
            ]
        );
        assert!(!workstream.contains(&12), "action 2.1 belongs to WS2");
        // The weakness: all of that, plus its own events and its measure's.
        let weakness = matching(&entries, &plan, &about("weakness:W1"));
        for seq in &workstream {
            assert!(weakness.contains(seq), "{seq} in {weakness:?}");
        }
        let extra: Vec<&str> = kinds(&weakness)
            .into_iter()
            .filter(|k| !kinds(&workstream).contains(k))
            .collect();
        assert_eq!(
            extra,
            vec![
                "weakness_recorded",
                "measure_defined",
                "monitoring_visit_feedback",
                "revisit_outcome_recorded",
                "coproduction_recorded",
                "plan_started",
                "workstream_created_in_plan",
                "monitoring_reviewed",
            ]
        );
        assert!(
            !weakness
                .iter()
                .any(|s| entries[*s as usize].kind == "measure_recorded"),
            "M2's value belongs to W2"
        );
        let w2 = matching(&entries, &plan, &about("W2"));
        assert_eq!(
            kinds(&w2),
            vec![
                "weakness_recorded",
                "workstream_created",
                "action_created",
                "measure_defined",
                "measure_recorded",
                "note_added",
                "measure_defined_with_trajectory",
                "measure_amended",
            ]
        );
    }

    #[test]
    fn filters_by_date_actor_and_kind() {
        let (ledger, _) = every_kind();
        let entries = entries(&ledger);
        let plan = Plan::from_events(ledger.events());
        let by_kind = Filter {
            kind: Some("Action-Status-Changed".to_owned()),
            ..Filter::default()
        };
        assert_eq!(matching(&entries, &plan, &by_kind), vec![14]);
        let by_actor = Filter {
            actor: Some("smith".to_owned()),
            ..Filter::default()
        };
        assert_eq!(matching(&entries, &plan, &by_actor), vec![14]);
        let window = Filter {
            since: Some(entries[3].occurred_on),
            until: Some(entries[5].occurred_on),
            ..Filter::default()
        };
        assert_eq!(matching(&entries, &plan, &window), vec![3, 4, 5]);
        // The late status change happened before the events around it.
        let early = Filter {
            until: Some(entries[14].occurred_on),
            since: Some(entries[14].occurred_on),
            ..Filter::default()
        };
        assert_eq!(matching(&entries, &plan, &early), vec![14]);
    }

    #[test]
    fn bad_filters_say_what_is_wrong() {
        let (ledger, _) = every_kind();
        let plan = Plan::from_events(ledger.events());
        let err = Filter {
            kind: Some("status".to_owned()),
            ..Filter::default()
        }
        .compile(&plan)
        .expect_err("not a kind")
        .to_string();
        assert!(err.contains("'status' is not a kind of event"), "{err}");
        for kind in KINDS {
            assert!(err.contains(kind), "{err} should list {kind}");
        }
        let err = Filter {
            about: Some(reference("9.9")),
            ..Filter::default()
        }
        .compile(&plan)
        .expect_err("no such thing")
        .to_string();
        assert!(
            err.contains("'9.9'") && err.contains("no weakness"),
            "{err}"
        );
        let err = Filter {
            about: Some(reference("action:WS1")),
            ..Filter::default()
        }
        .compile(&plan)
        .expect_err("WS1 is not an action")
        .to_string();
        assert!(err.contains("there is no action WS1"), "{err}");
        let err = Filter {
            since: Some(date("2022-01-01")),
            until: Some(date("2021-01-01")),
            ..Filter::default()
        }
        .compile(&plan)
        .expect_err("empty range")
        .to_string();
        assert!(err.contains("is after the end"), "{err}");
    }

    #[test]
    fn json_view_has_both_dates_and_references() {
        let (ledger, _) = every_kind();
        let entries = entries(&ledger);
        let value = serde_json::to_value(entries[15].view(DEFAULT_LATE_AFTER)).expect("json");
        assert_eq!(value["kind"], "evidence_attached");
        assert_eq!(
            value["about"],
            serde_json::json!(["evidence:E1", "action:1.1"])
        );
        assert_eq!(value["hash"].as_str().map(str::len), Some(64));
        assert_eq!(value["occurred_on"], value["recorded_on"]);
        assert_eq!(value["late"], false);
        assert!(
            value["recorded_at"]
                .as_str()
                .is_some_and(|t| t.ends_with('Z'))
        );
    }

    #[test]
    fn helpers_write_plain_english() {
        assert_eq!(size(812), "812 bytes");
        assert_eq!(size(1), "1 byte");
        assert_eq!(size(24 * 1024 + 100), "24 KB");
        assert_eq!(size(3_355_443), "3.2 MB");
        let dec = |t: &str| -> Decimal { t.parse().expect("decimal") };
        assert_eq!(quantity(&dec("17480"), "visitors"), "17,480 visitors");
        assert_eq!(quantity(&dec("-1234567.5"), ""), "-1,234,567.5");
        assert_eq!(quantity(&dec("63"), "%"), "63%");
        assert_eq!(quantity(&dec("999"), "days"), "999 days");
        assert_eq!(
            because("Recruitment paused."),
            ", because recruitment paused"
        );
        assert_eq!(because("COVID-19 lockdown"), ", because COVID-19 lockdown");
        assert_eq!(because("DfE asked for it"), ", because DfE asked for it");
        assert_eq!(because("Ofsted asked"), ", because Ofsted asked");
        assert_eq!(and_list(&["a", "b", "c"]), "a, b and c");
        assert_eq!(counted(0, "concern", "concerns"), "no concerns");
    }

    fn demo_text(ledger: &MemoryLedger) -> String {
        let lines: Vec<String> = entries(ledger)
            .iter()
            .map(|entry| entry.line(DEFAULT_LATE_AFTER))
            .collect();
        lines.join("\n")
    }

    #[test]
    fn the_demo_story_reads_as_a_timeline() {
        let ledger = demo();
        insta::assert_snapshot!(demo_text(&ledger));
    }
}
