//! `Narrative`: the impact narrative for the revisit, weakness by weakness, built from a `Plan`
//! and rendered as Markdown or as a self-contained HTML page. Every statement carries the
//! sequence numbers of the events it rests on, and the document ends with the ledger prefix it
//! was built from, so that anyone with the ledger can rebuild it and get the same text.
//!
//! Pure: building and rendering read nothing but their arguments.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::date::Date;
use crate::deadline::Deadline;
use crate::decimal::Decimal;
use crate::event::{Direction, Progress, Rag, Rating, Status};
use crate::ids::{Digest, Subject};
use crate::plan::{ActionView, Cite, MeasureValue, MeasureView, Plan, RiskView, WorkstreamView};

/// What the narrative needs to know of a folded event besides what the plan cites: its kind
/// and its chain hash, for the appendix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventRecord {
    /// Its sequence number.
    pub seq: u64,
    /// Its kind (`action_status_changed`).
    pub kind: &'static str,
    /// Its chain hash.
    pub hash: Digest,
}

/// The ledger prefix a narrative was built from, and the day its deadlines are judged at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// How many events were folded.
    pub folded: u64,
    /// How many events were read: the folded ones are among events `0..read`.
    pub read: u64,
    /// The chain hash of event `read - 1`, the head of the prefix read.
    pub head: Digest,
    /// When only events that had happened by a day were folded, that day.
    pub as_of: Option<Date>,
    /// The day deadlines are judged at.
    pub today: Date,
}

/// One statement with the events it rests on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    /// The statement, in full sentences.
    pub text: String,
    /// The events it rests on, by sequence number, without repeats.
    pub cites: Vec<Cite>,
}

impl Claim {
    fn new(text: String, cites: Vec<&Cite>) -> Claim {
        let mut seen = BTreeSet::new();
        let mut cites: Vec<Cite> = cites
            .into_iter()
            .filter(|cite| seen.insert(cite.seq))
            .cloned()
            .collect();
        cites.sort_by_key(|cite| cite.seq);
        Claim { text, cites }
    }

    fn plain(text: &str) -> Claim {
        Claim {
            text: text.to_owned(),
            cites: Vec::new(),
        }
    }
}

/// A headed part of the document: its statements, never empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// The heading.
    pub heading: String,
    /// Its statements, in order.
    pub claims: Vec<Claim>,
}

impl Section {
    fn new(heading: &str, claims: Vec<Claim>, when_empty: &str) -> Section {
        Section {
            heading: heading.to_owned(),
            claims: if claims.is_empty() {
                vec![Claim::plain(when_empty)]
            } else {
                claims
            },
        }
    }
}

/// The inspectors' finding, quoted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Their words.
    pub text: String,
    /// The event that recorded them.
    pub cite: Cite,
}

/// The narrative of one area of weakness.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeaknessNarrative {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Introduces the finding, or says it was not recorded.
    pub introduction: Claim,
    /// The finding in the inspectors' words, when recorded.
    pub finding: Option<Finding>,
    /// The revisit's judgement, once recorded.
    pub outcome: Option<Claim>,
    /// What was done, what slipped, what changed, what was said, the evidence, what is open.
    pub sections: Vec<Section>,
    /// Its actions as table rows, in the order created, for renderers that draw tables (the
    /// Word document); the sections tell the same facts in sentences.
    pub actions: Vec<ActionRow>,
    /// Its measures as table rows, in the order defined.
    pub measures: Vec<MeasureRow>,
}

/// One action of an area of weakness, as a table row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionRow {
    /// Its reference.
    pub id: String,
    /// What will be done.
    pub title: String,
    /// The lead officer.
    pub owner: String,
    /// Its deadline.
    pub due: Date,
    /// The deadline it was created with.
    pub original_due: Date,
    /// Its deadline as written, when in words, with the day it is judged by ("Autumn term 2021
    /// (31 December 2021)", "TBC — no deadline set").
    pub deadline: Option<String>,
    /// Its status.
    pub status: Status,
    /// Its RAG, once given.
    pub rag: Option<Rag>,
    /// Past its deadline on the day deadlines are judged at, and neither complete nor withdrawn.
    pub overdue: bool,
}

/// One measure of an area of weakness, as a table row, with amounts written as the sentences
/// write them (`63%`, `1,240 visitors`, `5 or fewer`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeasureRow {
    /// Its id.
    pub id: String,
    /// What is measured.
    pub title: String,
    /// The baseline.
    pub baseline: String,
    /// When the baseline was taken.
    pub baseline_on: Date,
    /// The latest value that no correction has declared wrong, and its date.
    pub latest: Option<(String, Date)>,
    /// The target.
    pub target: String,
    /// When the target should be reached.
    pub target_by: Date,
    /// Whether that latest value meets the target.
    pub met: bool,
}

/// One cited event, for the appendix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CitedEvent {
    /// Its sequence number.
    pub seq: u64,
    /// When it happened.
    pub on: Date,
    /// Its kind in words (`action status changed`), when known.
    pub kind: Option<String>,
    /// Who recorded it.
    pub actor: String,
    /// Its chain hash, when known.
    pub hash: Option<Digest>,
    /// The corrections recorded against it: (correcting event, what was wrong).
    pub corrected_by: Vec<(u64, String)>,
}

/// The impact narrative.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Narrative {
    /// The document's title.
    pub title: String,
    /// The area, inspection, statement and revisit.
    pub opening: Section,
    /// The monitoring visits' overall views, and points that concern no one area.
    pub visits: Section,
    /// Risks to the plan as a whole.
    pub plan_risks: Option<Section>,
    /// One narrative per area of weakness, in the order they were recorded.
    pub weaknesses: Vec<WeaknessNarrative>,
    /// Corrections of earlier events.
    pub corrections: Option<Section>,
    /// How the document can be rebuilt and checked.
    pub verification: String,
    /// Every cited event, in ledger order.
    pub appendix: Vec<CitedEvent>,
}

// ---------------------------------------------------------------------------------------------
// Words
// ---------------------------------------------------------------------------------------------

/// `"text."` or `"text".`: a quotation that ends a sentence.
fn quoted_end(text: &str) -> String {
    let text = one_line(text);
    if text.ends_with(['.', '!', '?']) {
        format!("\u{201c}{text}\u{201d}")
    } else {
        format!("\u{201c}{text}\u{201d}.")
    }
}

/// A title in single quotes.
fn titled(text: &str) -> String {
    format!("\u{2018}{}\u{2019}", one_line(text).trim_end_matches('.'))
}

/// Newlines and runs of spaces become one space, so that no user text can start a line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// "a", "a and b", "a, b and c".
fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// "it is due by 31 December 2021", "it is due by Autumn term 2021 (31 December 2021)", "it is
/// recurring work (Termly), its next update due by 31 December 2021", "no deadline has been set
/// for it yet (TBC), a gap to close".
fn due_phrase(action: &ActionView) -> String {
    match &action.deadline {
        None | Some(Deadline::On(_)) => format!("it is due by {}", action.due.long()),
        Some(Deadline::Written { .. }) => {
            format!("it is due by {}", action.due_text(Date::long))
        }
        Some(Deadline::Recurring { words, .. }) => format!(
            "it is recurring work ({words}), its next update due by {}",
            action.due.long()
        ),
        Some(Deadline::NotSet { words }) => {
            format!("no deadline has been set for it yet ({words}), a gap to close")
        }
    }
}

/// "due by 31 December 2021", "Termly, next update due by 31 December 2021", "TBC: no deadline
/// set".
fn short_due(action: &ActionView) -> String {
    match &action.deadline {
        Some(Deadline::Recurring { words, .. }) => {
            format!("{words}, next update due by {}", action.due.long())
        }
        Some(Deadline::NotSet { words }) => format!("{words}: no deadline set"),
        _ => format!("due by {}", action.due_text(Date::long)),
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    let word = if n == 1 { one } else { many };
    let number = match n {
        0 => "no".to_owned(),
        1 => "one".to_owned(),
        2 => "two".to_owned(),
        3 => "three".to_owned(),
        4 => "four".to_owned(),
        5 => "five".to_owned(),
        6 => "six".to_owned(),
        7 => "seven".to_owned(),
        8 => "eight".to_owned(),
        9 => "nine".to_owned(),
        n => n.to_string(),
    };
    format!("{number} {word}")
}

/// A decimal with thousands separators: `1240` becomes `1,240`.
fn number(value: &Decimal) -> String {
    let text = value.as_str();
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (int, frac) = match unsigned.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (unsigned, None),
    };
    let mut grouped = String::new();
    for (i, digit) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    match frac {
        Some(frac) => format!("{sign}{grouped}.{frac}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A value with its unit: `63%`, `1,240 children`.
fn amount(value: &Decimal, unit: &str) -> String {
    let unit = one_line(unit);
    match unit.as_str() {
        "" => number(value),
        "%" => format!("{}%", number(value)),
        unit => format!("{} {unit}", number(value)),
    }
}

/// "8 to 12 March 2021", "30 November to 4 December 2021", "28 December 2021 to 3 January 2022".
fn span(from: Date, to: Date) -> String {
    if from == to {
        from.long()
    } else if from.year() == to.year() && from.month() == to.month() {
        format!("{} to {}", from.day(), to.long())
    } else if from.year() == to.year() {
        let long = from.long();
        let without_year = long
            .rsplit_once(' ')
            .map_or(long.as_str(), |(head, _)| head);
        format!("{without_year} to {}", to.long())
    } else {
        format!("{} to {}", from.long(), to.long())
    }
}

fn rating_words(rating: Rating) -> &'static str {
    match rating {
        Rating::OnTrack => "on track",
        Rating::AtRisk => "at risk",
        Rating::OffTrack => "off track",
    }
}

fn status_words(status: Status) -> &'static str {
    match status {
        Status::NotStarted => "has not started",
        Status::InProgress => "is in progress",
        Status::Complete => "is complete",
        Status::Blocked => "is blocked",
        Status::Withdrawn => "has been withdrawn",
    }
}

fn plural_days(days: i64) -> String {
    if days == 1 {
        "one day".to_owned()
    } else {
        format!("{days} days")
    }
}

// ---------------------------------------------------------------------------------------------
// Which things belong to a weakness
// ---------------------------------------------------------------------------------------------

/// The ids of everything that answers or evidences one weakness.
struct Scope<'a> {
    weakness: &'a str,
    workstreams: BTreeSet<&'a str>,
    actions: BTreeSet<&'a str>,
    measures: BTreeSet<&'a str>,
    evidence: BTreeSet<&'a str>,
}

impl<'a> Scope<'a> {
    fn new(plan: &'a Plan, weakness: &'a str) -> Scope<'a> {
        let workstreams: BTreeSet<&str> = plan
            .workstreams_for(weakness)
            .map(|ws| ws.id.as_str())
            .collect();
        let actions = plan
            .actions
            .iter()
            .filter(|a| workstreams.contains(a.workstream.as_str()))
            .map(|a| a.id.as_str())
            .collect();
        let measures = plan.measures_for(weakness).map(|m| m.id.as_str()).collect();
        let mut scope = Scope {
            weakness,
            workstreams,
            actions,
            measures,
            evidence: BTreeSet::new(),
        };
        scope.evidence = plan
            .evidence
            .iter()
            .filter(|e| e.supports.iter().any(|s| scope.covers(s)))
            .map(|e| e.id.as_str())
            .collect();
        scope
    }

    fn covers(&self, subject: &Subject) -> bool {
        match subject {
            Subject::Weakness(id) => id.as_str() == self.weakness,
            Subject::Workstream(id) => self.workstreams.contains(id.as_str()),
            Subject::Action(id) => self.actions.contains(id.as_str()),
            Subject::Measure(id) => self.measures.contains(id.as_str()),
            Subject::Evidence(id) => self.evidence.contains(id.as_str()),
            Subject::Risk(_) => false,
        }
    }

    fn covers_risk(&self, risk: &RiskView) -> bool {
        risk.about.iter().any(|s| self.covers(s))
    }
}

/// Words too common in WSoA prose to tie a visit's point to one area.
const COMMON_WORDS: &[&str] = &[
    "about",
    "across",
    "after",
    "and",
    "are",
    "area",
    "areas",
    "before",
    "being",
    "better",
    "but",
    "care",
    "child",
    "children",
    "each",
    "every",
    "family",
    "for",
    "from",
    "good",
    "has",
    "have",
    "health",
    "into",
    "its",
    "local",
    "month",
    "more",
    "need",
    "not",
    "now",
    "one",
    "only",
    "per",
    "plan",
    "plans",
    "people",
    "provision",
    "send",
    "service",
    "services",
    "than",
    "that",
    "the",
    "their",
    "them",
    "they",
    "this",
    "through",
    "too",
    "under",
    "week",
    "weeks",
    "well",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "with",
    "within",
    "work",
    "year",
    "young",
];

/// The words of a text that can tie it to an area: lower case, plurals folded, common words
/// left out.
fn words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .map(|word| word.trim_matches('-').to_lowercase())
        .map(|word| match word.strip_suffix('s') {
            Some(stem) if stem.len() >= 4 && !stem.ends_with('s') => stem.to_owned(),
            _ => word,
        })
        .filter(|word| word.chars().count() >= 3 && !COMMON_WORDS.contains(&word.as_str()))
        .collect()
}

/// For each weakness, the words of its title and of the titles of its workstreams and measures;
/// a visit's point is relevant to a weakness when the words it shares with it weigh at least
/// one, each word weighing one over the number of weaknesses it belongs to, or when it names the
/// weakness or one of its workstreams by id.
struct Vocabulary {
    words: BTreeMap<String, BTreeSet<String>>,
    ids: BTreeMap<String, BTreeSet<String>>,
    spread: BTreeMap<String, usize>,
}

impl Vocabulary {
    fn new(plan: &Plan) -> Vocabulary {
        let mut words_of = BTreeMap::new();
        let mut ids_of = BTreeMap::new();
        let mut spread: BTreeMap<String, usize> = BTreeMap::new();
        for weakness in &plan.weaknesses {
            let mut text = weakness.title.clone();
            let mut ids = BTreeSet::from([weakness.id.to_lowercase()]);
            for ws in plan.workstreams_for(&weakness.id) {
                text.push(' ');
                text.push_str(&ws.title);
                ids.insert(ws.id.to_lowercase());
            }
            for measure in plan.measures_for(&weakness.id) {
                text.push(' ');
                text.push_str(&measure.title);
            }
            let set = words(&text);
            for word in &set {
                *spread.entry(word.clone()).or_default() += 1;
            }
            words_of.insert(weakness.id.clone(), set);
            ids_of.insert(weakness.id.clone(), ids);
        }
        Vocabulary {
            words: words_of,
            ids: ids_of,
            spread,
        }
    }

    fn relevant(&self, weakness: &str, text: &str) -> bool {
        let found = words(text);
        let named = self.ids.get(weakness).is_some_and(|ids| {
            text.split(|c: char| !c.is_alphanumeric())
                .any(|token| ids.contains(&token.to_lowercase()))
        });
        let weight: f64 = self.words.get(weakness).map_or(0.0, |own| {
            own.intersection(&found)
                .map(|word| 1.0 / self.spread.get(word).copied().unwrap_or(1).max(1) as f64)
                .sum()
        });
        named || weight >= 1.0
    }
}

// ---------------------------------------------------------------------------------------------
// Building
// ---------------------------------------------------------------------------------------------

impl Narrative {
    /// Builds the narrative of `plan`, the fold of the events described by `source`. `records`
    /// gives the kind and hash of the folded events (any order); cited events missing from it
    /// are listed in the appendix without them.
    pub fn build(plan: &Plan, records: &[EventRecord], source: &Source) -> Narrative {
        let today = source.today;
        let corrected: BTreeMap<u64, Vec<(u64, String)>> =
            plan.corrections
                .iter()
                .fold(BTreeMap::new(), |mut map, correction| {
                    map.entry(correction.corrects)
                        .or_insert_with(Vec::new)
                        .push((correction.cite.seq, one_line(&correction.reason)));
                    map
                });
        let vocabulary = Vocabulary::new(plan);
        let area = plan
            .area
            .clone()
            .map(|area| one_line(&area))
            .unwrap_or_else(|| "The local area".to_owned());
        let title = format!("Impact narrative: {area}");

        let weaknesses = plan
            .weaknesses
            .iter()
            .map(|weakness| {
                let scope = Scope::new(plan, &weakness.id);
                weakness_narrative(plan, weakness, &scope, &vocabulary, &corrected, today)
            })
            .collect();

        let mut narrative = Narrative {
            title,
            opening: opening(plan, source),
            visits: visits(plan, &vocabulary),
            plan_risks: plan_risks(plan),
            weaknesses,
            corrections: corrections(plan),
            verification: verification(source),
            appendix: Vec::new(),
        };
        narrative.appendix = appendix(&narrative, records, &corrected);
        narrative
    }

    /// Every claim in the document, in order.
    pub fn claims(&self) -> impl Iterator<Item = &Claim> {
        let top = [
            Some(&self.opening),
            Some(&self.visits),
            self.plan_risks.as_ref(),
        ]
        .into_iter()
        .flatten()
        .flat_map(|section| &section.claims);
        let per_weakness = self.weaknesses.iter().flat_map(|w| {
            std::iter::once(&w.introduction)
                .chain(&w.outcome)
                .chain(w.sections.iter().flat_map(|s| &s.claims))
        });
        let last = self.corrections.iter().flat_map(|s| &s.claims);
        top.chain(per_weakness).chain(last)
    }

    /// The sequence numbers of every cited event, including the findings.
    pub fn cited(&self) -> BTreeSet<u64> {
        self.claims()
            .flat_map(|claim| claim.cites.iter().map(|cite| cite.seq))
            .chain(
                self.weaknesses
                    .iter()
                    .filter_map(|w| w.finding.as_ref().map(|f| f.cite.seq)),
            )
            .collect()
    }
}

/// "two areas for priority action", "one area for improvement": an inspection's findings counted
/// by kind, in the framework's words.
fn findings_named(findings: &[&crate::plan::WeaknessView]) -> Vec<String> {
    [
        crate::event::FindingKind::Weakness,
        crate::event::FindingKind::PriorityAction,
        crate::event::FindingKind::Improvement,
    ]
    .iter()
    .filter_map(|kind| {
        let n = findings.iter().filter(|f| f.kind == *kind).count();
        (n > 0).then(|| {
            let name = kind.name();
            count(n, name, &name.replacen("area ", "areas ", 1))
        })
    })
    .collect()
}

fn opening(plan: &Plan, source: &Source) -> Section {
    let mut claims = Vec::new();
    if let Some(area) = &plan.area {
        let partners: Vec<String> = plan.partners.iter().map(|p| one_line(p)).collect();
        let mut text = format!(
            "This is the impact narrative of the written statement of action of {}, prepared for the revisit by the inspectors.",
            one_line(area)
        );
        if !partners.is_empty() {
            let _ = write!(
                text,
                " The statement belongs jointly to {}.",
                list(&partners)
            );
        }
        claims.push(Claim {
            text,
            cites: Vec::new(),
        });
    }
    if let Some(inspection) = &plan.inspection {
        let who = list(
            &inspection
                .inspectorates
                .iter()
                .map(|i| one_line(i))
                .collect::<Vec<_>>(),
        );
        let who = if who.is_empty() {
            "The inspectors".to_owned()
        } else {
            who
        };
        let dates = if inspection.from == inspection.to {
            format!("on {}", inspection.from.long())
        } else {
            format!("from {}", span(inspection.from, inspection.to))
        };
        let mut text = format!(
            "{who} inspected the local area {dates} and published their report on {}.",
            inspection.published.long()
        );
        let mut cites = vec![&inspection.cite];
        let found: Vec<&crate::plan::WeaknessView> = plan
            .weaknesses
            .iter()
            .filter(|w| w.inspection == inspection.id)
            .collect();
        match found.len() {
            _ if inspection.framework == crate::event::Framework::Y2023 => {
                let named = findings_named(&found);
                if named.is_empty() {
                    text.push_str(" No finding has been recorded from it yet.");
                } else {
                    let _ = write!(
                        text,
                        " Its outcome: {}. It named {}, which this document takes in turn.",
                        inspection.outcome.map_or("not recorded", |o| o.describe()),
                        list(&named)
                    );
                }
                cites.extend(found.iter().map(|w| &w.cite));
            }
            0 => text.push_str(" No area of significant weakness has been recorded from it yet."),
            n => {
                let _ = write!(
                    text,
                    " The report named {} of significant weakness, which this document takes in turn.",
                    count(n, "area", "areas")
                );
                cites.extend(found.iter().map(|w| &w.cite));
            }
        }
        claims.push(Claim::new(text, cites));
        // Later inspections (a revisit, an inspection under the 2023 framework) and what each
        // found, in the framework's own words.
        for later in plan.inspections.iter().filter(|i| i.id != inspection.id) {
            let findings: Vec<&crate::plan::WeaknessView> = plan
                .weaknesses
                .iter()
                .filter(|w| w.inspection == later.id)
                .collect();
            let mut text = format!(
                "Inspection {} ({} framework, {}) took place from {} and its report was published on {}.",
                later.id,
                later.framework,
                later.kind.label(),
                span(later.from, later.to),
                later.published.long()
            );
            if let Some(outcome) = later.outcome {
                let _ = write!(text, " Its outcome: {}.", outcome.describe());
            }
            let named = findings_named(&findings);
            if !named.is_empty() {
                let _ = write!(text, " It named {}.", list(&named));
            }
            let mut cites = vec![&later.cite];
            cites.extend(findings.iter().map(|f| &f.cite));
            claims.push(Claim::new(text, cites));
        }
    } else {
        claims.push(Claim::plain("No inspection has been recorded yet."));
    }
    match &plan.statement {
        Some(statement) => {
            for step in &statement.history {
                let mut text = match step.step {
                    "submitted" => format!(
                        "Version {} of the written statement of action was submitted on {}.",
                        step.version,
                        step.cite.on.long()
                    ),
                    "accepted" => format!(
                        "On {}, Ofsted and CQC found version {} fit for purpose.",
                        step.cite.on.long(),
                        step.version
                    ),
                    _ => format!(
                        "Work on version {} began on {}.",
                        step.version,
                        step.cite.on.long()
                    ),
                };
                if let Some(summary) = &step.summary {
                    let _ = write!(text, " The record says: {}", quoted_end(summary));
                }
                claims.push(Claim::new(text, vec![&step.cite]));
            }
            let latest = statement.history.last().map(|s| &s.cite);
            let text = match statement.stage {
                "accepted" => format!(
                    "Version {} is the current statement, and it has been accepted.",
                    statement.version
                ),
                "submitted" => format!(
                    "Version {} is the current statement; it has been submitted and is awaiting the inspectors' view.",
                    statement.version
                ),
                _ => format!(
                    "Version {} is the current statement; it is in draft and has not yet been submitted.",
                    statement.version
                ),
            };
            claims.push(Claim::new(text, latest.into_iter().collect()));
        }
        None => claims.push(Claim::plain(
            "No version of the written statement of action has been submitted yet.",
        )),
    }
    match &plan.revisit {
        Some((from, to, cite)) => claims.push(Claim::new(
            format!(
                "The revisit is expected between {}.",
                span(*from, *to).replacen(" to ", " and ", 1)
            ),
            vec![cite],
        )),
        None => claims.push(Claim::plain("No revisit window has been recorded yet.")),
    }
    claims.extend(plan_claims(plan));
    let judged = match source.as_of {
        Some(day) => format!(
            "This narrative describes what had happened by {}, and judges deadlines as at that day.",
            day.long()
        ),
        None => format!(
            "This narrative judges deadlines as at {}.",
            source.today.long()
        ),
    };
    claims.push(Claim::plain(&judged));
    for checkpoint in &plan.checkpoints {
        let signers: Vec<String> = checkpoint.signers.iter().map(|s| one_line(s)).collect();
        claims.push(Claim::new(
            format!(
                "On {}, the history up to event {} was witnessed: a checkpoint of its first {} events (Merkle root {}) signed by {} was recorded in the ledger, so that history cannot be rewritten unnoticed.",
                checkpoint.cite.on.long(),
                checkpoint.size.saturating_sub(1),
                checkpoint.size,
                checkpoint.root.short(),
                list(&signers)
            ),
            vec![&checkpoint.cite],
        ));
    }
    Section::new("About this document", claims, "")
}

/// The plan reported on (the latest started, once a plan is started beside the WSoA) and every
/// DfE and NHS England review of a plan's monitoring.
fn plan_claims(plan: &Plan) -> Vec<Claim> {
    let mut claims = Vec::new();
    if let Some(current) = plan.plans.iter().rev().find(|p| !p.implicit) {
        let answers: Vec<String> = current
            .answers
            .iter()
            .map(|id| match plan.weakness(id) {
                Some(w) => format!("{id} ({})", one_line(&w.title)),
                None => id.clone(),
            })
            .collect();
        claims.push(Claim::new(
            format!(
                "It reports on the {} {} {}, started on {}, which answers {}.",
                current.kind.name(),
                current.id,
                titled(&current.title),
                current.cite.on.long(),
                list(&answers)
            ),
            vec![&current.cite],
        ));
    }
    for p in &plan.plans {
        for review in &p.reviews {
            let mut text = format!(
                "On {}, {} reviewed plan {}: {}",
                review.cite.on.long(),
                one_line(&review.by),
                p.id,
                quoted_end(&review.summary)
            );
            if !review.continues.is_empty() {
                text.push_str(&format!(
                    " Monitoring continues for {}.",
                    list(&review.continues)
                ));
            }
            if !review.ended.is_empty() {
                text.push_str(&format!(" Monitoring ended for {}.", list(&review.ended)));
            }
            claims.push(Claim::new(text, vec![&review.cite]));
        }
        let monitored: Vec<String> = p.monitored().map(str::to_owned).collect();
        if !p.reviews.is_empty() && !monitored.is_empty() {
            claims.push(Claim::plain(&format!(
                "Workstreams of plan {} still monitored: {}.",
                p.id,
                list(&monitored)
            )));
        }
    }
    claims
}

fn visits(plan: &Plan, vocabulary: &Vocabulary) -> Section {
    let mut claims = Vec::new();
    for visit in &plan.visits {
        let mut text = format!(
            "Monitoring visit {}, by {}, took place on {}.",
            visit.number,
            one_line(&visit.by),
            visit.cite.on.long()
        );
        match &visit.summary {
            Some(summary) => {
                let _ = write!(text, " Their overall view was: {}", quoted_end(summary));
            }
            None => text.push_str(" They recorded no overall view."),
        }
        let _ = write!(
            text,
            " They recorded {}, {} and {}.",
            count(visit.strengths.len(), "strength", "strengths"),
            count(visit.concerns.len(), "concern", "concerns"),
            count(visit.next_steps.len(), "next step", "next steps")
        );
        claims.push(Claim::new(text, vec![&visit.cite]));
        let points = visit
            .strengths
            .iter()
            .map(|p| ("a strength", p))
            .chain(visit.concerns.iter().map(|p| ("a concern", p)))
            .chain(visit.next_steps.iter().map(|p| ("a next step", p)));
        for (what, point) in points {
            let relevant = plan
                .weaknesses
                .iter()
                .any(|w| vocabulary.relevant(&w.id, point));
            if !relevant {
                claims.push(Claim::new(
                    format!(
                        "At this visit they also recorded {what} that does not concern one area in particular: {}",
                        quoted_end(point)
                    ),
                    vec![&visit.cite],
                ));
            }
        }
    }
    Section::new(
        "Monitoring visits",
        claims,
        "No monitoring visit has been recorded yet.",
    )
}

fn plan_risks(plan: &Plan) -> Option<Section> {
    let claims: Vec<Claim> = plan
        .risks
        .iter()
        .filter(|risk| risk.about.is_empty())
        .map(risk_claim)
        .collect();
    (!claims.is_empty()).then(|| Section::new("Risks to the whole plan", claims, ""))
}

fn corrections(plan: &Plan) -> Option<Section> {
    let claims: Vec<Claim> = plan
        .corrections
        .iter()
        .map(|correction| {
            Claim::new(
                format!(
                    "On {}, event {} was recorded as wrong; the correction says: {} The event itself is unchanged, as every event in the ledger is.",
                    correction.cite.on.long(),
                    correction.corrects,
                    quoted_end(&correction.reason)
                ),
                vec![&correction.cite],
            )
        })
        .collect();
    (!claims.is_empty()).then(|| Section::new("Corrections", claims, ""))
}

fn verification(source: &Source) -> String {
    let head = source.head.to_hex();
    match source.as_of {
        Some(day) if source.folded != source.read => format!(
            "Built from the {} of the ledger that had happened by {}, among its first {} events, whose head hash is {head}. Anyone with the ledger can rebuild this document and get the same text.",
            count_events(source.folded),
            day.long(),
            source.read
        ),
        _ => format!(
            "Built from the first {} of the ledger, whose head hash is {head}. Anyone with the ledger can rebuild this document and get the same text.",
            count_events(source.read)
        ),
    }
}

fn count_events(n: u64) -> String {
    if n == 1 {
        "event".to_owned()
    } else {
        format!("{n} events")
    }
}

fn appendix(
    narrative: &Narrative,
    records: &[EventRecord],
    corrected: &BTreeMap<u64, Vec<(u64, String)>>,
) -> Vec<CitedEvent> {
    let by_seq: BTreeMap<u64, &EventRecord> = records.iter().map(|r| (r.seq, r)).collect();
    let mut cites: BTreeMap<u64, &Cite> = BTreeMap::new();
    for claim in narrative.claims() {
        for cite in &claim.cites {
            cites.entry(cite.seq).or_insert(cite);
        }
    }
    for weakness in &narrative.weaknesses {
        if let Some(finding) = &weakness.finding {
            cites.entry(finding.cite.seq).or_insert(&finding.cite);
        }
    }
    cites
        .into_values()
        .map(|cite| {
            let record = by_seq.get(&cite.seq);
            CitedEvent {
                seq: cite.seq,
                on: cite.on,
                kind: record.map(|r| r.kind.replace('_', " ")),
                actor: one_line(&cite.by),
                hash: record.map(|r| r.hash),
                corrected_by: corrected.get(&cite.seq).cloned().unwrap_or_default(),
            }
        })
        .collect()
}

fn weakness_narrative(
    plan: &Plan,
    weakness: &crate::plan::WeaknessView,
    scope: &Scope<'_>,
    vocabulary: &Vocabulary,
    corrected: &BTreeMap<u64, Vec<(u64, String)>>,
    today: Date,
) -> WeaknessNarrative {
    let (introduction, finding) = match &weakness.finding {
        Some(text) => (
            Claim::new(
                format!(
                    "The inspectors\u{2019} report of {} recorded this finding:",
                    plan.inspection
                        .as_ref()
                        .map_or_else(|| weakness.cite.on.long(), |i| i.published.long())
                ),
                vec![&weakness.cite],
            ),
            Some(Finding {
                text: one_line(text),
                cite: weakness.cite.clone(),
            }),
        ),
        None => (
            Claim::new(
                "The inspectors\u{2019} words for this finding have not been recorded.".to_owned(),
                vec![&weakness.cite],
            ),
            None,
        ),
    };
    let outcome = weakness.outcome.as_ref().map(|(progress, cite)| {
        let text = match progress {
            Progress::Sufficient => {
                "At the revisit, the inspectors judged that the local area has made sufficient progress in addressing this area of weakness."
            }
            Progress::Insufficient => {
                "At the revisit, the inspectors judged that the local area has not made sufficient progress in addressing this area of weakness."
            }
        };
        Claim::new(text.to_owned(), vec![cite])
    });
    let workstreams: Vec<&WorkstreamView> = plan.workstreams_for(&weakness.id).collect();
    let actions: Vec<&ActionView> = plan
        .actions
        .iter()
        .filter(|a| scope.actions.contains(a.id.as_str()))
        .collect();

    let mut sections = vec![
        done(&workstreams, &actions),
        slipped(&workstreams, &actions),
        changed(plan, scope, corrected, today),
        said(plan, &weakness.id, &workstreams, vocabulary),
        voices(plan, scope),
    ];
    sections.extend(you_said_we_did(plan, &weakness.id));
    sections.extend([evidence(plan, scope), open(plan, scope, &actions, today)]);
    let action_rows = actions
        .iter()
        .map(|a| ActionRow {
            id: one_line(&a.id),
            title: one_line(&a.title),
            owner: one_line(&a.owner),
            due: a.due,
            original_due: a.original_due,
            deadline: a.deadline.is_some().then(|| a.due_text(Date::long)),
            status: a.status,
            rag: a.rag,
            overdue: a.overdue(today),
        })
        .collect();
    let measure_rows = plan
        .measures
        .iter()
        .filter(|m| scope.measures.contains(m.id.as_str()))
        .map(|m| {
            let (_, latest) = sound_values(m, corrected);
            MeasureRow {
                id: one_line(&m.id),
                title: one_line(&m.title),
                baseline: amount(&m.baseline, &m.unit),
                baseline_on: m.baseline_on,
                latest: latest.map(|v| (amount(&v.value, &m.unit), v.cite.on)),
                target: target_amount(m),
                target_by: m.target_by,
                met: latest.is_some_and(|v| meets_target(m, &v.value)),
            }
        })
        .collect();
    WeaknessNarrative {
        id: one_line(&weakness.id),
        title: one_line(&weakness.title),
        introduction,
        finding,
        outcome,
        sections,
        actions: action_rows,
        measures: measure_rows,
    }
}

fn action_name(action: &ActionView) -> String {
    format!("Action {}, {},", action.id, titled(&action.title))
}

/// The RAG history of an action, when it has one: "It was rated green on A and amber on B."
fn rag_history(action: &ActionView) -> Option<String> {
    let mut steps = Vec::new();
    let mut last = None;
    for change in &action.status_changes {
        if change.rag_to != last {
            if let Some(rag) = change.rag_to {
                steps.push(format!("{} on {}", rag.as_str(), change.cite.on.long()));
            }
            last = change.rag_to;
        }
    }
    (!steps.is_empty()).then(|| format!("It was rated {}.", list(&steps)))
}

fn done(workstreams: &[&WorkstreamView], actions: &[&ActionView]) -> Section {
    let mut claims = Vec::new();
    for ws in workstreams {
        // A tracker imported without a sponsor records it as not recorded: a gap, said so.
        let text = if crate::tracker::sponsor_recorded(&ws.sponsor) {
            format!(
                "Workstream {}, {}, answers this area; its senior accountable sponsor is {}.",
                ws.id,
                titled(&ws.title),
                one_line(&ws.sponsor)
            )
        } else {
            format!(
                "Workstream {}, {}, answers this area; its senior accountable sponsor is not recorded, a gap to close.",
                ws.id,
                titled(&ws.title)
            )
        };
        let mut cites = vec![&ws.cite];
        cites.extend(ws.amendments.iter().map(|(_, cite)| cite));
        claims.push(Claim::new(text, cites));
    }
    let mut ordered: Vec<&&ActionView> = actions.iter().collect();
    // Completed first, by completion date; then the rest in the order they were created.
    ordered.sort_by_key(|a| match a.completed() {
        Some(cite) => (0, cite.on, cite.seq),
        None => (1, a.cite.on, a.cite.seq),
    });
    for action in ordered {
        let mut cites: Vec<&Cite> = vec![&action.cite];
        cites.extend(action.status_changes.iter().map(|c| &c.cite));
        let lead = format!("led by {}", one_line(&action.owner));
        let deadline = if action.deadline.is_some() {
            format!("its deadline of {}", action.due_text(Date::long))
        } else if action.due == action.original_due {
            format!("its deadline of {}", action.due.long())
        } else {
            format!(
                "its deadline of {} (originally {})",
                action.due.long(),
                action.original_due.long()
            )
        };
        let mut text = match action.completed() {
            Some(done) => {
                let lateness = done.on.days_since_epoch() - action.due.days_since_epoch();
                let judged = action
                    .deadline
                    .as_ref()
                    .is_none_or(|d| matches!(d, Deadline::Written { .. }));
                let timing = if !judged {
                    format!(", with {deadline}")
                } else if lateness > 0 {
                    format!(", {} after {deadline}", plural_days(lateness))
                } else {
                    format!(", by {deadline}")
                };
                let started = action
                    .status_changes
                    .iter()
                    .find(|c| c.to == Status::InProgress)
                    .map(|c| format!(" Work on it started on {}.", c.cite.on.long()))
                    .unwrap_or_default();
                format!(
                    "{} {lead}, was completed on {}{timing}; the completion was recorded by {}.{started}",
                    action_name(action),
                    done.on.long(),
                    one_line(&done.by)
                )
            }
            None if action.status == Status::Withdrawn => {
                format!("{} {lead}, has been withdrawn.", action_name(action))
            }
            None => {
                let originally = if action.due == action.original_due || action.deadline.is_some() {
                    String::new()
                } else {
                    format!(" (originally {})", action.original_due.long())
                };
                format!(
                    "{} {lead}, {}; {}{originally}.",
                    action_name(action),
                    status_words(action.status),
                    due_phrase(action)
                )
            }
        };
        if let Some(history) = rag_history(action) {
            text.push(' ');
            text.push_str(&history);
        }
        if let Some((update, cite)) = action.latest_update() {
            let _ = write!(
                text,
                " The latest update, on {}, said: {}",
                cite.on.long(),
                quoted_end(update)
            );
            cites.push(cite);
        }
        claims.push(Claim::new(text, cites));
    }
    if actions.is_empty() && !workstreams.is_empty() {
        claims.push(Claim::plain(
            "No action has been recorded for this area yet.",
        ));
    }
    Section::new(
        "What was done",
        claims,
        "No workstream or action answers this area yet.",
    )
}

fn slipped(workstreams: &[&WorkstreamView], actions: &[&ActionView]) -> Section {
    let mut claims = Vec::new();
    for action in actions {
        for amendment in &action.amendments {
            let mut changes = Vec::new();
            if let Some((from, to)) = &amendment.due {
                let verb = if to > from {
                    "moved back"
                } else {
                    "brought forward"
                };
                changes.push(format!(
                    "its deadline was {verb} from {} to {}",
                    from.long(),
                    to.long()
                ));
            }
            if let Some((from, to)) = &amendment.owner {
                changes.push(format!(
                    "its lead changed from {} to {}",
                    one_line(from),
                    one_line(to)
                ));
            }
            if let Some((from, to)) = &amendment.title {
                changes.push(format!(
                    "its wording changed from {} to {}",
                    titled(from),
                    titled(to)
                ));
            }
            let what = if changes.is_empty() {
                "it was amended without changing its owner, deadline or wording".to_owned()
            } else {
                list(&changes)
            };
            claims.push(Claim::new(
                format!(
                    "On {}, for action {}, {what}. The reason given was: {}",
                    amendment.cite.on.long(),
                    action.id,
                    quoted_end(&amendment.reason)
                ),
                vec![&action.cite, &amendment.cite],
            ));
        }
    }
    for ws in workstreams {
        for (reason, cite) in &ws.amendments {
            claims.push(Claim::new(
                format!(
                    "On {}, workstream {} was amended. The reason given was: {}",
                    cite.on.long(),
                    ws.id,
                    quoted_end(reason)
                ),
                vec![&ws.cite, cite],
            ));
        }
    }
    claims.sort_by_key(|c| c.cites.last().map(|cite| (cite.on, cite.seq)));
    Section::new(
        "What slipped, and why",
        claims,
        "No deadline, lead or wording of an action for this area has been changed.",
    )
}

/// The values of a measure that no correction has declared wrong, and the latest of them.
fn sound_values<'a>(
    measure: &'a MeasureView,
    corrected: &BTreeMap<u64, Vec<(u64, String)>>,
) -> (Vec<&'a MeasureValue>, Option<&'a MeasureValue>) {
    let values: Vec<&MeasureValue> = measure
        .values
        .iter()
        .filter(|v| !corrected.contains_key(&v.cite.seq))
        .collect();
    let latest = values
        .iter()
        .copied()
        .max_by(|a, b| a.cite.on.cmp(&b.cite.on).then(a.cite.seq.cmp(&b.cite.seq)));
    (values, latest)
}

/// The target with its unit, "or fewer" when lower is better.
fn target_amount(measure: &MeasureView) -> String {
    match measure.better {
        Direction::HigherIsBetter => amount(&measure.target, &measure.unit),
        Direction::LowerIsBetter => format!("{} or fewer", amount(&measure.target, &measure.unit)),
    }
}

/// Whether `value` meets the measure's target, whichever way is better.
fn meets_target(measure: &MeasureView, value: &Decimal) -> bool {
    let order = value.compare(&measure.target);
    match measure.better {
        Direction::HigherIsBetter => order != std::cmp::Ordering::Less,
        Direction::LowerIsBetter => order != std::cmp::Ordering::Greater,
    }
}

fn changed(
    plan: &Plan,
    scope: &Scope<'_>,
    corrected: &BTreeMap<u64, Vec<(u64, String)>>,
    today: Date,
) -> Section {
    let mut claims = Vec::new();
    let mut moving = false;
    for measure in plan
        .measures
        .iter()
        .filter(|m| scope.measures.contains(m.id.as_str()))
    {
        let unit = &measure.unit;
        let name = capitalise(&one_line(&measure.title));
        let against = format!(
            "against a target of {} by {}",
            target_amount(measure),
            measure.target_by.long()
        );
        let (values, latest) = sound_values(measure, corrected);
        let Some(latest) = latest else {
            claims.push(Claim::new(
                format!(
                    "{name} (measure {}) had a baseline of {} ({}), {against}. No value has been recorded since the baseline.",
                    measure.id,
                    amount(&measure.baseline, unit),
                    measure.baseline_on.long()
                ),
                vec![&measure.cite],
            ));
            continue;
        };
        let order = latest.value.compare(&measure.baseline);
        let movement = match order {
            std::cmp::Ordering::Greater => "rose",
            std::cmp::Ordering::Less => "fell",
            std::cmp::Ordering::Equal => "stayed the same",
        };
        let from_to = if order == std::cmp::Ordering::Equal {
            format!(
                "at {} from {} to {}",
                amount(&latest.value, unit),
                measure.baseline_on.long(),
                latest.cite.on.long()
            )
        } else {
            format!(
                "from {} ({}) to {} ({})",
                amount(&measure.baseline, unit),
                measure.baseline_on.long(),
                amount(&latest.value, unit),
                latest.cite.on.long()
            )
        };
        let met = meets_target(measure, &latest.value);
        let improving = matches!(
            (order, measure.better),
            (std::cmp::Ordering::Greater, Direction::HigherIsBetter)
                | (std::cmp::Ordering::Less, Direction::LowerIsBetter)
        );
        let passed = measure.target_by < today;
        let verdict = if met {
            "the target has been met.".to_owned()
        } else if improving && passed {
            format!(
                "it moved the right way, but the target was not met by {}.",
                measure.target_by.long()
            )
        } else if improving {
            "it is moving the right way, but the target has not been met yet.".to_owned()
        } else if order == std::cmp::Ordering::Equal {
            "there has been no change from the baseline, and the target has not been met."
                .to_owned()
        } else {
            "it has moved the wrong way, away from the target.".to_owned()
        };
        moving |= improving;
        let mut cites = vec![&measure.cite];
        cites.extend(values.iter().map(|v| &v.cite));
        claims.push(Claim::new(
            format!("{name} {movement} {from_to}, {against}: {verdict}"),
            cites.clone(),
        ));
        if let Some(judged) = measure.judge(&latest.value, latest.cite.on) {
            let expected = if judged.expected_on == measure.baseline_on
                && measure.trajectory.iter().all(|p| p.on > latest.cite.on)
            {
                format!(
                    "the baseline of {} still stood then, before the trajectory's first point",
                    amount(&judged.expected, unit)
                )
            } else {
                format!(
                    "its trajectory expected {} by {}",
                    amount(&judged.expected, unit),
                    judged.expected_on.long()
                )
            };
            let missed = if passed && !met {
                format!(
                    " Target missed: {} was to be reached by {}.",
                    target_amount(measure),
                    measure.target_by.long()
                )
            } else {
                String::new()
            };
            let mut trajectory_cites = cites.clone();
            trajectory_cites.extend(measure.amended.iter());
            claims.push(Claim::new(
                format!(
                    "Against its trajectory, measure {} is {}: {} on {}, where {expected}.{missed}",
                    measure.id,
                    judged.against.words(),
                    amount(&judged.value, unit),
                    judged.on.long()
                ),
                trajectory_cites,
            ));
        }
        let series: Vec<String> = values
            .iter()
            .map(|v| {
                let source = v
                    .source
                    .as_deref()
                    .map(|s| format!(", from {}", one_line(s)))
                    .unwrap_or_default();
                format!("{} on {}{source}", amount(&v.value, unit), v.cite.on.long())
            })
            .collect();
        let series = match series.as_slice() {
            [rest @ .., last] if !rest.is_empty() => format!("{}; and {last}", rest.join("; ")),
            _ => series.join(""),
        };
        let mut text = format!(
            "The {} recorded for measure {} {}: {series}.",
            if values.len() == 1 { "value" } else { "values" },
            measure.id,
            if values.len() == 1 {
                "is"
            } else {
                "are, in the order recorded"
            },
        );
        let mut value_cites: Vec<&Cite> = values.iter().map(|v| &v.cite).collect();
        for wrong in measure
            .values
            .iter()
            .filter(|v| corrected.contains_key(&v.cite.seq))
        {
            let _ = write!(
                text,
                " A value of {} for {} was recorded and later corrected, so it is left out here.",
                amount(&wrong.value, unit),
                wrong.cite.on.long()
            );
            value_cites.push(&wrong.cite);
            if let Some(fixes) = corrected.get(&wrong.cite.seq) {
                for (seq, _) in fixes {
                    if let Some(c) = plan.corrections.iter().find(|c| c.cite.seq == *seq) {
                        value_cites.push(&c.cite);
                    }
                }
            }
        }
        claims.push(Claim::new(text, value_cites));
    }
    let complete: Vec<&Cite> = plan
        .actions
        .iter()
        .filter(|a| scope.actions.contains(a.id.as_str()) && a.status == Status::Complete)
        .map(|a| &a.cite)
        .collect();
    if !moving && !claims.is_empty() {
        let done = match complete.len() {
            0 => String::new(),
            1 => ", although 1 action for it is complete".to_owned(),
            n => format!(", although {n} actions for it are complete"),
        };
        claims.push(Claim::new(
            format!(
                "No measure of this area is moving the right way yet{done}: completed actions alone do not show that anything has changed for children and families."
            ),
            complete,
        ));
    } else if claims.is_empty() && !complete.is_empty() {
        let done = match complete.len() {
            1 => "1 action for it is complete".to_owned(),
            n => format!("{n} actions for it are complete"),
        };
        claims.push(Claim::new(
            format!(
                "No measure of impact has been defined for this area yet. {} but, with no measure moving, completed actions alone do not show that anything has changed for children and families.",
                capitalise(&done)
            ),
            complete,
        ));
    }
    Section::new(
        "What changed",
        claims,
        "No measure of impact has been defined for this area yet.",
    )
}

fn said(
    plan: &Plan,
    weakness: &str,
    workstreams: &[&WorkstreamView],
    vocabulary: &Vocabulary,
) -> Section {
    let mut claims = Vec::new();
    for visit in &plan.visits {
        let on = visit.cite.on.long();
        for (what, points) in [
            ("noted this strength", &visit.strengths),
            ("raised this concern", &visit.concerns),
            ("asked for this next step", &visit.next_steps),
        ] {
            for point in points.iter().filter(|p| vocabulary.relevant(weakness, p)) {
                claims.push(Claim::new(
                    format!(
                        "At monitoring visit {} on {on}, the visitors {what}: {}",
                        visit.number,
                        quoted_end(point)
                    ),
                    vec![&visit.cite],
                ));
            }
        }
    }
    if claims.is_empty() && !plan.visits.is_empty() {
        claims.push(Claim::plain(
            "No point of the monitoring visits\u{2019} feedback refers specifically to this area; their overall views are given at the start of this document.",
        ));
    }
    for ws in workstreams {
        let Some(latest) = ws.assessments.last() else {
            continue;
        };
        let mut text = format!(
            "At its latest review of workstream {}, on {}, the {} rated it {}",
            ws.id,
            latest.cite.on.long(),
            one_line(&latest.forum),
            rating_words(latest.rating)
        );
        match &latest.note {
            Some(note) => {
                let _ = write!(text, ": {}", quoted_end(note));
            }
            None => text.push('.'),
        }
        if ws.assessments.len() > 1 {
            let history: Vec<String> = ws
                .assessments
                .iter()
                .map(|a| format!("{} on {}", rating_words(a.rating), a.cite.on.long()))
                .collect();
            let _ = write!(text, " Its ratings over time were {}.", list(&history));
        }
        let mut cites = vec![&ws.cite];
        cites.extend(ws.assessments.iter().map(|a| &a.cite));
        claims.push(Claim::new(text, cites));
    }
    if workstreams.iter().all(|ws| ws.assessments.is_empty()) {
        claims.push(Claim::plain(
            "No board has yet reviewed the progress of the workstreams for this area.",
        ));
    }
    Section::new("What the monitoring visits and the board said", claims, "")
}

fn voices(plan: &Plan, scope: &Scope<'_>) -> Section {
    let claims = plan
        .notes
        .iter()
        .filter(|note| scope.covers(&note.about))
        .map(|note| {
            let who = note
                .from
                .as_deref()
                .map_or_else(|| one_line(&note.cite.by), one_line);
            Claim::new(
                format!(
                    "On {}, {who} said about {}: {}",
                    note.cite.on.long(),
                    subject_name(plan, &note.about),
                    quoted_end(&note.text)
                ),
                vec![&note.cite],
            )
        })
        .collect();
    Section::new(
        "What families, young people, partners and officers noted",
        claims,
        "No note from families, young people or partners has been recorded about this area.",
    )
}

/// "You said, we did, the difference it made", in the shape councils report the families'
/// voice; only when such entries are recorded about this area.
fn you_said_we_did(plan: &Plan, weakness: &str) -> Option<Section> {
    let claims: Vec<Claim> = plan
        .coproduction
        .iter()
        .filter(|c| c.about == weakness)
        .map(|c| {
            let respondents = c
                .respondents
                .map(|n| format!(" ({n} responded)"))
                .unwrap_or_default();
            let difference = match &c.difference {
                Some(text) => format!(" The difference it made: {}", quoted_end(text)),
                None => " The difference it made has not yet been recorded.".to_owned(),
            };
            Claim::new(
                format!(
                    "On {}, {}{respondents} said: {} What was done: {}{difference}",
                    c.cite.on.long(),
                    one_line(&c.from),
                    quoted_end(&c.said),
                    quoted_end(&c.did)
                ),
                vec![&c.cite],
            )
        })
        .collect();
    (!claims.is_empty()).then(|| {
        Section::new(
            "You said, we did, the difference it made",
            claims,
            "No entry has been recorded.",
        )
    })
}

/// "action 1.1 ‘Establish a board’", or just "action 1.1" when it is not in the plan.
fn subject_name(plan: &Plan, subject: &Subject) -> String {
    let title = match subject {
        Subject::Weakness(id) => plan.weakness(id.as_str()).map(|w| &w.title),
        Subject::Workstream(id) => plan.workstream(id.as_str()).map(|w| &w.title),
        Subject::Action(id) => plan.action(id.as_str()).map(|a| &a.title),
        Subject::Measure(id) => plan.measure(id.as_str()).map(|m| &m.title),
        Subject::Evidence(id) => plan.evidence_item(id.as_str()).map(|e| &e.title),
        Subject::Risk(id) => plan.risk(id.as_str()).map(|r| &r.title),
    };
    match title {
        Some(title) => format!("{subject} {}", titled(title)),
        None => subject.to_string(),
    }
}

fn evidence(plan: &Plan, scope: &Scope<'_>) -> Section {
    let claims = plan
        .evidence
        .iter()
        .filter(|e| scope.evidence.contains(e.id.as_str()))
        .map(|e| {
            let supports: Vec<String> = e.supports.iter().map(ToString::to_string).collect();
            let mut cites = vec![&e.cite];
            let text = match &e.redacted {
                Some((reason, cite)) => {
                    cites.push(cite);
                    format!(
                        "Evidence {}, a {} attached on {}, has been redacted: its content was removed on {} ({}). Its content hash, {}, stays in the ledger. It supported {}.",
                        e.id,
                        e.kind.label(),
                        e.cite.on.long(),
                        cite.on.long(),
                        one_line(reason).trim_end_matches('.'),
                        e.content_hash.short(),
                        list(&supports)
                    )
                }
                None => format!(
                    "Evidence {}, {} ({}, {}), supports {}. Its content hash begins {}.",
                    e.id,
                    titled(&e.title),
                    e.kind.label(),
                    e.cite.on.long(),
                    list(&supports),
                    e.content_hash.short()
                ),
            };
            Claim::new(text, cites)
        })
        .collect();
    Section::new(
        "The evidence",
        claims,
        "No evidence has been attached for this area yet.",
    )
}

fn risk_claim(risk: &RiskView) -> Claim {
    let mut cites = vec![&risk.cite];
    cites.extend(risk.updates.iter().map(|(_, cite)| cite));
    let mut text = match &risk.closed {
        Some((reason, cite)) => {
            cites.push(cite);
            format!(
                "Risk {}, {}, raised on {}, was closed on {}. The reason given was: {}",
                risk.id,
                titled(&risk.title),
                risk.cite.on.long(),
                cite.on.long(),
                quoted_end(reason)
            )
        }
        None => {
            let mut text = format!(
                "Risk {}, {}, raised on {}, is open and rated {}.",
                risk.id,
                titled(&risk.title),
                risk.cite.on.long(),
                risk.level.label()
            );
            if let Some(mitigation) = &risk.mitigation {
                let _ = write!(text, " Its mitigation is: {}", quoted_end(mitigation));
            }
            text
        }
    };
    if let Some((note, cite)) = risk
        .updates
        .iter()
        .rev()
        .find_map(|(note, cite)| note.as_ref().map(|n| (n, cite)))
    {
        let _ = write!(
            text,
            " Its latest update, on {}, said: {}",
            cite.on.long(),
            quoted_end(note)
        );
    }
    Claim::new(text, cites)
}

fn open(plan: &Plan, scope: &Scope<'_>, actions: &[&ActionView], today: Date) -> Section {
    let mut claims = Vec::new();
    let open: Vec<&&ActionView> = actions
        .iter()
        .filter(|a| !matches!(a.status, Status::Complete | Status::Withdrawn))
        .collect();
    let (overdue, on_time): (Vec<&&ActionView>, Vec<&&ActionView>) =
        open.iter().partition(|a| a.overdue(today));
    for action in &overdue {
        let days = action.due.days_until(today);
        let mut cites = vec![&action.cite];
        cites.extend(action.amendments.iter().map(|a| &a.cite));
        cites.extend(action.status_changes.last().map(|c| &c.cite));
        claims.push(Claim::new(
            format!(
                "Action {}, {}, is overdue: it was due by {} and, {} later, it {}.",
                action.id,
                titled(&action.title),
                action.due_text(Date::long),
                plural_days(days),
                status_words(action.status)
            ),
            cites,
        ));
    }
    if !on_time.is_empty() {
        let items: Vec<String> = on_time
            .iter()
            .map(|a| format!("{} ({})", a.id, short_due(a)))
            .collect();
        let mut cites: Vec<&Cite> = Vec::new();
        for action in &on_time {
            cites.push(&action.cite);
            cites.extend(action.amendments.iter().map(|a| &a.cite));
            cites.extend(action.status_changes.last().map(|c| &c.cite));
        }
        claims.push(Claim::new(
            format!(
                "{} still open and not yet due: {}.",
                capitalise(&if on_time.len() == 1 {
                    "one action is".to_owned()
                } else {
                    format!("{} are", count(on_time.len(), "action", "actions"))
                }),
                list(&items)
            ),
            cites,
        ));
    }
    let risks: Vec<&RiskView> = plan.risks.iter().filter(|r| scope.covers_risk(r)).collect();
    for risk in risks.iter().filter(|r| r.closed.is_none()) {
        claims.push(risk_claim(risk));
    }
    if claims.is_empty() {
        claims.push(Claim::plain(if actions.is_empty() {
            "Nothing is recorded as open: there are no actions for this area, and no open risk to it."
        } else {
            "Every action for this area is complete or withdrawn, and no risk to it is open."
        }));
    }
    for risk in risks.iter().filter(|r| r.closed.is_some()) {
        claims.push(risk_claim(risk));
    }
    Section::new("What is still open, and at risk", claims, "")
}

// ---------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------

/// Escapes text for Markdown so that it reads as written: every character that could make a
/// link, emphasis, code, HTML, a table cell, a heading, a quote or a list is backslash-escaped,
/// and line breaks become spaces.
pub fn escape_markdown(text: &str) -> String {
    let text = one_line(text);
    let mut out = String::with_capacity(text.len() + 8);
    for (i, c) in text.chars().enumerate() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '-' | '+' | '=' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    // "1. " or "1) " at the start of a line would begin a list.
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && matches!(out[digits..].chars().next(), Some('.' | ')')) {
        out.insert(digits, '\\');
    }
    out
}

fn md_cites(cites: &[Cite]) -> String {
    match cites {
        [] => String::new(),
        [one] => format!(" [event {}]", one.seq),
        many => format!(
            " [events {}]",
            many.iter()
                .map(|c| c.seq.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn md_claim(claim: &Claim) -> String {
    format!("{}{}", escape_markdown(&claim.text), md_cites(&claim.cites))
}

fn md_section(out: &mut String, level: &str, section: &Section, bullets: bool) {
    let _ = writeln!(out, "{level} {}\n", escape_markdown(&section.heading));
    let mut in_list = false;
    for claim in &section.claims {
        let bullet = bullets && !claim.cites.is_empty();
        if in_list && !bullet {
            out.push('\n');
        }
        if bullet {
            let _ = writeln!(out, "- {}", md_claim(claim));
        } else {
            let _ = writeln!(out, "{}\n", md_claim(claim));
        }
        in_list = bullet;
    }
    if in_list {
        out.push('\n');
    }
}

impl Narrative {
    /// The narrative as Markdown, citations as "[events 12, 15]".
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# {}\n", escape_markdown(&self.title));
        md_section(&mut out, "##", &self.opening, false);
        md_section(&mut out, "##", &self.visits, false);
        if let Some(section) = &self.plan_risks {
            md_section(&mut out, "##", section, false);
        }
        for weakness in &self.weaknesses {
            let _ = writeln!(
                out,
                "## {}: {}\n",
                escape_markdown(&weakness.id),
                escape_markdown(&weakness.title)
            );
            let _ = writeln!(out, "{}\n", md_claim(&weakness.introduction));
            if let Some(finding) = &weakness.finding {
                let _ = writeln!(out, "> {}\n", escape_markdown(&finding.text));
            }
            if let Some(outcome) = &weakness.outcome {
                let _ = writeln!(out, "**{}**\n", md_claim(outcome));
            }
            for section in &weakness.sections {
                md_section(&mut out, "###", section, true);
            }
        }
        if let Some(section) = &self.corrections {
            md_section(&mut out, "##", section, false);
        }
        let _ = writeln!(out, "## Verification\n");
        let _ = writeln!(out, "{}\n", escape_markdown(&self.verification));
        let _ = writeln!(out, "## Appendix: the events cited\n");
        if self.appendix.is_empty() {
            let _ = writeln!(out, "No event is cited.");
        } else {
            let _ = writeln!(out, "| Event | Date | Kind | Recorded by | Hash begins |");
            let _ = writeln!(out, "| ---: | --- | --- | --- | --- |");
            for event in &self.appendix {
                let mut kind = event.kind.clone().unwrap_or_else(|| "unknown".to_owned());
                for (seq, _) in &event.corrected_by {
                    let _ = write!(kind, " (corrected by event {seq})");
                }
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    event.seq,
                    event.on.long(),
                    escape_markdown(&kind),
                    escape_markdown(&event.actor),
                    event.hash.map(|h| h.short()).unwrap_or_default()
                );
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------------------------

const CSS: &str = "@page { size: A4; margin: 20mm; }
body { font-family: Georgia, 'Times New Roman', serif; font-size: 11pt; line-height: 1.45; color: #111; max-width: 170mm; margin: 0 auto; }
h1 { font-size: 20pt; margin: 0 0 6mm; }
h2 { font-size: 15pt; margin: 8mm 0 3mm; border-bottom: 1px solid #999; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 12pt; margin: 5mm 0 2mm; break-after: avoid; page-break-after: avoid; }
section.weakness { break-before: page; page-break-before: always; }
blockquote { margin: 3mm 0 3mm 6mm; padding-left: 4mm; border-left: 3px solid #555; font-style: italic; }
ul { padding-left: 6mm; }
li, p, tr, blockquote { break-inside: avoid; page-break-inside: avoid; }
.cite { font-size: 9pt; color: #444; white-space: nowrap; }
.cite a { color: #1d4f91; text-decoration: none; }
.outcome { font-weight: bold; }
.verification { border: 1px solid #999; padding: 3mm; }
code { font-family: 'DejaVu Sans Mono', monospace; font-size: 9pt; word-break: break-all; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; }
thead { display: table-header-group; }
th, td { border: 1px solid #bbb; padding: 1mm 2mm; text-align: left; vertical-align: top; }
td.num { text-align: right; }
section.appendix { break-before: page; page-break-before: always; }
@media screen { body { margin: 10mm auto; } }";

fn html_cites(cites: &[Cite]) -> Markup {
    html! {
        @if !cites.is_empty() {
            " "
            span.cite {
                "[" (if cites.len() == 1 { "event " } else { "events " })
                @for (i, cite) in cites.iter().enumerate() {
                    @if i > 0 { ", " }
                    a href=(format!("#event-{}", cite.seq)) { (cite.seq) }
                }
                "]"
            }
        }
    }
}

fn html_claim(claim: &Claim) -> Markup {
    html! { (claim.text) (html_cites(&claim.cites)) }
}

/// Runs of claims: cited ones (shown as a list, when `bullets`) and plain ones (paragraphs).
fn runs(claims: &[Claim], bullets: bool) -> Vec<(bool, &[Claim])> {
    let mut runs = Vec::new();
    let mut start = 0;
    for i in 1..=claims.len() {
        let kind = |c: &Claim| bullets && !c.cites.is_empty();
        if i == claims.len() || kind(&claims[i]) != kind(&claims[start]) {
            runs.push((kind(&claims[start]), &claims[start..i]));
            start = i;
        }
    }
    runs
}

fn html_section(section: &Section, heading: u8, bullets: bool) -> Markup {
    html! {
        @if heading == 2 { h2 { (section.heading) } } @else { h3 { (section.heading) } }
        @for (list, claims) in runs(&section.claims, bullets) {
            @if list {
                ul { @for claim in claims { li { (html_claim(claim)) } } }
            } @else {
                @for claim in claims { p { (html_claim(claim)) } }
            }
        }
    }
}

impl Narrative {
    /// The narrative as one self-contained HTML page (inline CSS, no scripts, no external
    /// resources) that prints on A4, with citations linked to the appendix of cited events.
    pub fn to_html(&self) -> String {
        let page = html! {
            (DOCTYPE)
            html lang="en-GB" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (self.title) }
                    style { (PreEscaped(CSS)) }
                }
                body {
                    h1 { (self.title) }
                    (html_section(&self.opening, 2, false))
                    (html_section(&self.visits, 2, false))
                    @if let Some(section) = &self.plan_risks { (html_section(section, 2, false)) }
                    @for weakness in &self.weaknesses {
                        section.weakness id=(format!("weakness-{}", weakness.id)) {
                            h2 { (weakness.id) ": " (weakness.title) }
                            p { (html_claim(&weakness.introduction)) }
                            @if let Some(finding) = &weakness.finding {
                                blockquote { (finding.text) }
                            }
                            @if let Some(outcome) = &weakness.outcome {
                                p.outcome { (html_claim(outcome)) }
                            }
                            @for section in &weakness.sections { (html_section(section, 3, true)) }
                        }
                    }
                    @if let Some(section) = &self.corrections { (html_section(section, 2, false)) }
                    h2 { "Verification" }
                    p.verification { (self.verification) }
                    section.appendix {
                        h2 { "Appendix: the events cited" }
                        @if self.appendix.is_empty() {
                            p { "No event is cited." }
                        } @else {
                            table {
                                thead { tr { th { "Event" } th { "Date" } th { "Kind" } th { "Recorded by" } th { "Hash begins" } } }
                                tbody {
                                    @for event in &self.appendix {
                                        tr id=(format!("event-{}", event.seq)) {
                                            td.num { (event.seq) }
                                            td { (event.on.long()) }
                                            td {
                                                (event.kind.as_deref().unwrap_or("unknown"))
                                                @for (seq, _) in &event.corrected_by {
                                                    " (corrected by event " (seq) ")"
                                                }
                                            }
                                            td { (event.actor) }
                                            td { code { (event.hash.map(|h| h.short()).unwrap_or_default()) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        };
        // One block a line, so that the page reads (and diffs) well as text. Every `<` of user
        // text is escaped, so these strings only ever match the template's own tags.
        let mut text = page.into_string();
        for tag in [
            "</title>",
            "</style>",
            "</head>",
            "<body>",
            "</h1>",
            "</h2>",
            "</h3>",
            "</p>",
            "<ul>",
            "</li>",
            "</ul>",
            "</blockquote>",
            "</section>",
            "<tbody>",
            "</thead>",
            "</tr>",
            "</tbody>",
            "</table>",
            "</body>",
        ] {
            text = text.replace(tag, &format!("{tag}\n"));
        }
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::Command;
    use crate::event::{
        ActionCreated, Actor, EvidenceRedacted, InspectionRecorded, LedgerOpened, Outcome,
        RevisitOutcomeRecorded, Role, WeaknessRecorded, WorkstreamCreated,
    };
    use crate::ids::{ActionId, EvidenceId, WeaknessId, WorkstreamId};
    use crate::memory::MemoryLedger;

    /// The demo story, recorded in a ledger in memory.
    fn demo_ledger() -> MemoryLedger {
        crate::demo::in_memory(None)
    }

    /// The narrative of every event of a ledger, judged at the day its last event was recorded.
    fn narrative_of(ledger: &MemoryLedger) -> Narrative {
        let mut plan = Plan::default();
        let mut records = Vec::new();
        for sealed in ledger.sealed() {
            plan.apply(&sealed.event);
            records.push(EventRecord {
                seq: sealed.event.seq,
                kind: sealed.event.body.kind(),
                hash: sealed.hash,
            });
        }
        let head = ledger.head();
        let source = Source {
            folded: head.len,
            read: head.len,
            head: head.hash,
            as_of: None,
            today: Date::from_unix_millis(head.recorded_at).expect("a real day"),
        };
        Narrative::build(&plan, &records, &source)
    }

    fn officer() -> Actor {
        Actor {
            name: "A. Patel <a.patel@northshire.example>".to_owned(),
            role: Role::Officer,
        }
    }

    fn day(text: &str) -> Date {
        text.parse().expect("a valid date")
    }

    /// Checks that every tag opened is closed in order (void elements excepted), that nothing
    /// is left open, and that there are no scripts or external resources.
    fn check_well_formed(html: &str) {
        const VOID: &[&str] = &["meta", "br", "hr", "img", "link", "input"];
        assert!(html.starts_with("<!DOCTYPE html>"), "no doctype");
        assert!(!html.to_lowercase().contains("<script"), "a script");
        assert!(!html.contains("src="), "an external resource");
        assert!(!html.contains("<link"), "an external resource");
        let mut open: Vec<String> = Vec::new();
        let mut rest = &html["<!DOCTYPE html>".len()..];
        while let Some(start) = rest.find('<') {
            let end = rest[start..].find('>').expect("every tag is closed by >") + start;
            let tag = &rest[start + 1..end];
            assert!(!tag.contains('<'), "a stray < inside a tag: {tag}");
            rest = &rest[end + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                let expected = open
                    .pop()
                    .unwrap_or_else(|| panic!("</{name}> closes nothing"));
                assert_eq!(expected, name, "</{name}> closes <{expected}>");
            } else {
                let name = tag
                    .split(|c: char| c.is_whitespace() || c == '/')
                    .next()
                    .expect("a tag name")
                    .to_owned();
                assert!(
                    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()),
                    "a bad tag name in <{tag}>"
                );
                if name == "style" {
                    let close = rest.find("</style>").expect("style is closed");
                    assert!(!rest[..close].contains('<'), "markup inside style");
                    rest = &rest[close + "</style>".len()..];
                    continue;
                }
                if !VOID.contains(&name.as_str()) {
                    open.push(name);
                }
            }
        }
        assert!(open.is_empty(), "left open: {open:?}");
        assert!(!rest.contains('>'), "a stray > after the last tag");
    }

    #[test]
    fn the_demo_narrative_in_markdown() {
        let narrative = narrative_of(&demo_ledger());
        insta::assert_snapshot!("demo_markdown", narrative.to_markdown());
    }

    #[test]
    fn the_demo_narrative_in_html() {
        let narrative = narrative_of(&demo_ledger());
        let html = narrative.to_html();
        check_well_formed(&html);
        insta::assert_snapshot!("demo_html", html);
    }

    #[test]
    fn every_citation_names_a_real_event_and_every_covered_event_is_cited() {
        let mut ledger = demo_ledger();
        // Complete the story: a redaction and the revisit's outcome.
        let last = ledger.head();
        let next_day = |n: i64| last.recorded_at + n * 86_400_000;
        let on = |n: i64| Date::from_unix_millis(next_day(n)).expect("a real day");
        ledger
            .record(
                &Command::RedactEvidence(EvidenceRedacted {
                    id: EvidenceId::new("E1").expect("valid"),
                    reason: "Subject access request: the file named a child.".to_owned(),
                }),
                officer(),
                on(1),
                next_day(1),
            )
            .expect("redaction accepted");
        ledger
            .record(
                &Command::RecordRevisitOutcome(RevisitOutcomeRecorded {
                    outcomes: vec![
                        Outcome {
                            weakness: WeaknessId::new("W1").expect("valid"),
                            progress: Progress::Sufficient,
                        },
                        Outcome {
                            weakness: WeaknessId::new("W4").expect("valid"),
                            progress: Progress::Insufficient,
                        },
                    ],
                }),
                officer(),
                on(2),
                next_day(2),
            )
            .expect("outcome accepted");
        let narrative = narrative_of(&ledger);
        let events: Vec<&crate::event::Event> = ledger.events().collect();
        for claim in narrative.claims() {
            for cite in &claim.cites {
                let event = events
                    .get(usize::try_from(cite.seq).expect("small"))
                    .unwrap_or_else(|| panic!("{:?} cites a missing event", claim.text));
                assert_eq!(event.occurred_on, cite.on, "{}", claim.text);
                assert_eq!(event.actor.name, cite.by, "{}", claim.text);
            }
        }
        let cited = narrative.cited();
        let appendix: BTreeSet<u64> = narrative.appendix.iter().map(|e| e.seq).collect();
        assert_eq!(
            cited, appendix,
            "the appendix lists exactly the cited events"
        );
        for entry in &narrative.appendix {
            let sealed = &ledger.sealed()[usize::try_from(entry.seq).expect("small")];
            assert_eq!(entry.hash, Some(sealed.hash));
            assert_eq!(entry.kind, Some(sealed.event.body.kind().replace('_', " ")));
        }
        // Every kind but the genesis event is cited somewhere.
        let covered =
            |kind: &str| kind != "ledger_opened" && crate::timeline::KINDS.contains(&kind);
        let mut kinds_seen = BTreeSet::new();
        for event in &events {
            let kind = event.body.kind();
            if covered(kind) {
                kinds_seen.insert(kind);
                assert!(
                    cited.contains(&event.seq),
                    "event {} ({kind}) is not cited",
                    event.seq
                );
            }
        }
        for kind in [
            "action_status_changed",
            "action_amended",
            "measure_recorded",
            "monitoring_visit_recorded",
            "progress_reviewed",
            "evidence_attached",
            "evidence_redacted",
            "risk_raised",
            "risk_updated",
            "risk_closed",
            "revisit_outcome_recorded",
        ] {
            assert!(
                kinds_seen.contains(kind),
                "the story has no {kind} to check"
            );
        }
        let markdown = narrative.to_markdown();
        assert!(markdown.contains("has made sufficient progress"));
        assert!(markdown.contains("has not made sufficient progress"));
        assert!(markdown.contains("has been redacted"));
        assert!(!markdown.contains("None"));
        assert!(!markdown.contains("Some("));
        check_well_formed(&narrative.to_html());
    }

    #[test]
    fn hostile_text_is_shown_as_text() {
        const HOSTILE: &str = "<script>alert('x')</script> *bold* _it_ [link](http://evil.example) # not a heading | cell `code` &amp;";
        let mut ledger = MemoryLedger::new();
        let on = day("2021-05-04");
        let at = 1_620_120_000_000;
        let commands = [
            Command::OpenLedger(LedgerOpened {
                area: format!("1. Area {HOSTILE}"),
                partners: vec![format!("- {HOSTILE}")],
            }),
            Command::RecordInspection(InspectionRecorded {
                inspectorates: vec!["Ofsted".to_owned(), "CQC".to_owned()],
                from: day("2021-03-08"),
                to: day("2021-03-12"),
                published: day("2021-04-27"),
            }),
            Command::RecordWeakness(WeaknessRecorded {
                id: WeaknessId::new("W1").expect("valid"),
                title: format!("# {HOSTILE}"),
                finding: Some(format!("> {HOSTILE}\n\n# Heading\n- item")),
            }),
            Command::CreateWorkstream(WorkstreamCreated {
                id: WorkstreamId::new("WS1").expect("valid"),
                title: HOSTILE.to_owned(),
                sponsor: HOSTILE.to_owned(),
                weaknesses: vec![WeaknessId::new("W1").expect("valid")],
            }),
            Command::CreateAction(ActionCreated {
                id: ActionId::new("1.1").expect("valid"),
                workstream: WorkstreamId::new("WS1").expect("valid"),
                title: HOSTILE.to_owned(),
                owner: HOSTILE.to_owned(),
                due: day("2021-09-30"),
                success: vec![],
            }),
        ];
        for command in &commands {
            ledger.record(command, officer(), on, at).expect("accepted");
        }
        let narrative = narrative_of(&ledger);
        let markdown = narrative.to_markdown();
        assert!(!markdown.contains("<script>"), "{markdown}");
        assert!(markdown.contains("\\<script\\>alert('x')\\</script\\>"));
        assert!(markdown.contains("\\*bold\\*"));
        assert!(markdown.contains("\\_it\\_"));
        assert!(markdown.contains("\\[link\\](http://evil.example)"));
        assert!(markdown.contains("\\# not a heading \\| cell \\`code\\` \\&amp;"));
        assert!(markdown.contains("# Impact narrative: 1. Area \\<script"));
        for line in markdown.lines() {
            assert!(
                !line.starts_with("# Heading") && !line.starts_with("- item"),
                "user text started a line: {line}"
            );
        }
        let html = narrative.to_html();
        check_well_formed(&html);
        assert!(
            html.contains("&lt;script&gt;alert('x')&lt;/script&gt;"),
            "{html}"
        );
        assert!(html.contains("&amp;amp;"));
        assert!(html.contains("A. Patel &lt;a.patel@northshire.example&gt;"));
    }

    #[test]
    fn the_same_events_give_the_same_bytes() {
        let first = narrative_of(&demo_ledger());
        let second = narrative_of(&demo_ledger());
        assert_eq!(first, second);
        assert_eq!(first.to_markdown(), second.to_markdown());
        assert_eq!(first.to_html(), second.to_html());
    }

    #[test]
    fn an_empty_plan_says_so_plainly() {
        let mut ledger = MemoryLedger::new();
        ledger
            .record(
                &Command::OpenLedger(LedgerOpened {
                    area: "Northshire local area".to_owned(),
                    partners: vec![],
                }),
                officer(),
                day("2021-05-04"),
                1_620_120_000_000,
            )
            .expect("accepted");
        let markdown = narrative_of(&ledger).to_markdown();
        assert!(markdown.contains("No inspection has been recorded yet."));
        assert!(markdown.contains("No monitoring visit has been recorded yet."));
        assert!(markdown.contains("Built from the first event of the ledger, whose head hash is"));
    }

    #[test]
    fn numbers_and_escapes() {
        let n = |s: &str| number(&s.parse().expect("decimal"));
        assert_eq!(n("1240"), "1,240");
        assert_eq!(n("1240000.5"), "1,240,000.5");
        assert_eq!(n("-123"), "-123");
        assert_eq!(n("63"), "63");
        assert_eq!(escape_markdown("12. Twelve"), "12\\. Twelve");
        assert_eq!(escape_markdown("- list\n# head"), "\\- list \\# head");
    }
}
