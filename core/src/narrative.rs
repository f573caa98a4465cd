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
use crate::plan::{
    ActionView, Cite, MeasureValue, MeasureView, Plan, PointKind, RiskView, WorkstreamView,
};

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

    /// Whether it flags a finding with no measure of impact moving, for renderers to make it
    /// stand out.
    pub fn is_flag(&self) -> bool {
        self.text.starts_with("Flag: ")
    }

    fn plain(text: &str) -> Claim {
        Claim {
            text: text.to_owned(),
            cites: Vec::new(),
        }
    }
}

/// What a section holds besides its statements, for the renderers that draw tables.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Part {
    /// Statements only.
    #[default]
    Plain,
    /// Statements, then the table of the weakness's actions (`WeaknessNarrative::actions`, or
    /// `WeaknessNarrative::workstreams` when it has too many actions to list).
    Actions,
    /// The table (and charts) of the weakness's measures (`WeaknessNarrative::measures`), then
    /// the statements that judge them.
    Measures,
}

/// A headed part of the document: its statements, never empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// The heading.
    pub heading: String,
    /// Its statements, in order.
    pub claims: Vec<Claim>,
    /// Which table, if any, goes with it.
    pub part: Part,
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
            part: Part::Plain,
        }
    }

    fn with(mut self, part: Part) -> Section {
        self.part = part;
        self
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
    /// What kind of finding it is, in its framework's words ("area of significant weakness").
    pub kind: String,
    /// Introduces the finding, or says it was not recorded.
    pub introduction: Claim,
    /// The finding in the inspectors' words, when recorded.
    pub finding: Option<Finding>,
    /// The revisit's judgement, once recorded.
    pub outcome: Option<Claim>,
    /// The area's own judgement, in a word ("at risk"), from its board's latest ratings of the
    /// workstreams that answer it; `None` until a board has rated one.
    pub judged: Option<&'static str>,
    /// Whether it is flagged as having no measure of impact moving the right way (none
    /// defined, or none moving).
    pub no_impact_shown: bool,
    /// Its parts, in order: the area's judgement (with the flag), the actions, the measures,
    /// what the visits and boards said, the families' voice, what slipped, the evidence, open
    /// risks, what is next.
    pub sections: Vec<Section>,
    /// Its actions as table rows, in the order created; empty when it has more than
    /// `MAX_ACTION_ROWS`, and then `workstreams` sums them up.
    pub actions: Vec<ActionRow>,
    /// Its actions summed up per workstream, when there are too many to list one a row.
    pub workstreams: Vec<WorkstreamRow>,
    /// Its measures as table rows, in the order defined.
    pub measures: Vec<MeasureRow>,
}

/// The most statements of one kind a weakness tells one by one (changes of deadline, notes,
/// evidence): past it, the latest are told and the earlier counted.
const MAX_TOLD: usize = 20;

/// The most values of a measure its table row cites and its chart draws: the latest.
const MAX_VALUES: usize = 60;

/// Keeps the latest `MAX_TOLD` of `claims` (in order, oldest first), saying how many earlier
/// ones there are and where to find them.
fn latest_only(claims: &mut Vec<Claim>, what: &str) {
    if claims.len() > MAX_TOLD {
        let earlier = claims.len() - MAX_TOLD;
        claims.drain(..earlier);
        claims.insert(
            0,
            Claim::plain(&format!(
                "{earlier} earlier {what} are in the finding\u{2019}s timeline; the latest {MAX_TOLD} follow."
            )),
        );
    }
}

/// The most actions a weakness lists one a row; past it, they are summed up per workstream.
pub const MAX_ACTION_ROWS: usize = 40;

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
    /// How it slipped, in a few words ("moved back 92 days; done 43 days late"), or "none".
    pub slip: String,
    /// The evidence attached to it, by id.
    pub evidence: Vec<String>,
    /// The events the row rests on: its creation, its amendments, its status changes.
    pub cites: Vec<Cite>,
}

/// The actions of one workstream summed up, for a weakness with too many actions to list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkstreamRow {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// How many actions it has.
    pub actions: usize,
    /// How many are complete.
    pub complete: usize,
    /// How many are overdue on the day deadlines are judged at.
    pub overdue: usize,
    /// How many are rated red, amber and green.
    pub rag: [usize; 3],
    /// The event that created it.
    pub cites: Vec<Cite>,
}

/// One measure of an area of weakness, as a table row, with amounts written as the sentences
/// write them (`63%`, `1,240 visitors`, `5 or fewer`), and the figures its chart is drawn from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeasureRow {
    /// Its id.
    pub id: String,
    /// What is measured.
    pub title: String,
    /// The unit.
    pub unit: String,
    /// Which way is better.
    pub better: Direction,
    /// The baseline.
    pub baseline: String,
    /// When the baseline was taken.
    pub baseline_on: Date,
    /// The trajectory's steps, written ("60% by 31 March 2024"), in date order.
    pub trajectory: Vec<String>,
    /// The latest value that no correction has declared wrong, and its date.
    pub latest: Option<(String, Date)>,
    /// Where that latest value stands against the trajectory ("below trajectory"), when the
    /// measure has one.
    pub against: Option<&'static str>,
    /// The target.
    pub target: String,
    /// When the target should be reached.
    pub target_by: Date,
    /// Whether that latest value meets the target.
    pub met: bool,
    /// Whether the target's date has passed, on the day judged at, without it being met.
    pub missed: bool,
    /// The judgement in a few words: "target met", "target missed", "above trajectory",
    /// "moving the right way", "no value yet".
    pub judgement: String,
    /// The figures the chart is drawn from: the baseline, the values that no correction has
    /// declared wrong in date order, the trajectory's steps, the target.
    pub chart: MeasureChart,
    /// The events the row rests on: its definition, its values, its amendments.
    pub cites: Vec<Cite>,
}

/// The figures of a measure's chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeasureChart {
    /// The baseline and its day.
    pub baseline: (Date, Decimal),
    /// The values, in date order: the latest `MAX_VALUES`.
    pub values: Vec<(Date, Decimal)>,
    /// How many earlier values are left out.
    pub earlier: usize,
    /// The trajectory's steps, in date order.
    pub trajectory: Vec<(Date, Decimal)>,
    /// The target and its day.
    pub target: (Date, Decimal),
}

/// One finding reported on, in a row of the executive summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummaryRow {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The area's own judgement in a word, or "not yet judged".
    pub judged: String,
    /// The revisit's judgement, once recorded ("sufficient progress").
    pub outcome: Option<&'static str>,
    /// How many actions answer it.
    pub actions: usize,
    /// How many of them are complete.
    pub complete: usize,
    /// How many are overdue.
    pub overdue: usize,
    /// How many measures evidence it.
    pub measures: usize,
    /// How many of them have met their target, or are on or above their trajectory with their
    /// target date still to come.
    pub on_course: usize,
    /// How many have missed their target after its date.
    pub missed: usize,
    /// Flagged: no measure of impact moving the right way.
    pub no_impact_shown: bool,
    /// The events the row rests on: the finding, the outcome.
    pub cites: Vec<Cite>,
}

/// The executive summary: a few statements and a row per finding reported on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// The statements, the day judged at first.
    pub claims: Vec<Claim>,
    /// A row per finding reported on.
    pub rows: Vec<SummaryRow>,
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
    /// The day deadlines and targets are judged at.
    pub judged_at: Date,
    /// The executive summary.
    pub summary: Summary,
    /// The area, inspection, statement and revisit.
    pub opening: Section,
    /// The monitoring visits' overall views, and points that concern no one area.
    pub visits: Section,
    /// Risks to the plan as a whole.
    pub plan_risks: Option<Section>,
    /// One narrative per finding of the plan reported on (every finding, when no plan has been
    /// started beside the WSoA), in the order they were recorded.
    pub weaknesses: Vec<WeaknessNarrative>,
    /// The findings of other plans, a statement each.
    pub other_findings: Option<Section>,
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

        let reported = reported_findings(plan);
        let weaknesses: Vec<WeaknessNarrative> = plan
            .weaknesses
            .iter()
            .filter(|w| reported.contains(w.id.as_str()))
            .map(|weakness| {
                let scope = Scope::new(plan, &weakness.id);
                weakness_narrative(plan, weakness, &scope, &vocabulary, &corrected, today)
            })
            .collect();

        let mut narrative = Narrative {
            title,
            judged_at: today,
            summary: summary(plan, &weaknesses, source),
            opening: opening(plan, source),
            visits: visits(plan, &vocabulary),
            plan_risks: plan_risks(plan),
            weaknesses,
            other_findings: other_findings(plan, &reported, &corrected, today),
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
        let last = self
            .other_findings
            .iter()
            .chain(&self.corrections)
            .flat_map(|s| &s.claims);
        self.summary
            .claims
            .iter()
            .chain(top)
            .chain(per_weakness)
            .chain(last)
    }

    /// The events every table row rests on, row by row: the summary's, then each weakness's
    /// actions (or workstreams) and measures.
    pub fn row_cites(&self) -> impl Iterator<Item = &Cite> {
        let summary = self.summary.rows.iter().flat_map(|r| &r.cites);
        let per_weakness = self.weaknesses.iter().flat_map(|w| {
            w.actions
                .iter()
                .flat_map(|a| &a.cites)
                .chain(w.workstreams.iter().flat_map(|ws| &ws.cites))
                .chain(w.measures.iter().flat_map(|m| &m.cites))
        });
        summary.chain(per_weakness)
    }

    /// The sequence numbers of every cited event, including the findings and the table rows.
    pub fn cited(&self) -> BTreeSet<u64> {
        self.claims()
            .flat_map(|claim| claim.cites.iter().map(|cite| cite.seq))
            .chain(self.row_cites().map(|cite| cite.seq))
            .chain(
                self.weaknesses
                    .iter()
                    .filter_map(|w| w.finding.as_ref().map(|f| f.cite.seq)),
            )
            .collect()
    }

    /// The contents list: each top-level heading with the anchor the HTML page gives it.
    pub fn contents(&self) -> Vec<(String, String)> {
        let mut contents = vec![
            ("summary".to_owned(), "Executive summary".to_owned()),
            ("about".to_owned(), self.opening.heading.clone()),
            ("visits".to_owned(), self.visits.heading.clone()),
        ];
        if let Some(risks) = &self.plan_risks {
            contents.push(("plan-risks".to_owned(), risks.heading.clone()));
        }
        for weakness in &self.weaknesses {
            contents.push((
                format!("weakness-{}", weakness.id),
                format!("{}: {}", weakness.id, weakness.title),
            ));
        }
        if let Some(other) = &self.other_findings {
            contents.push(("other-findings".to_owned(), other.heading.clone()));
        }
        if let Some(corrections) = &self.corrections {
            contents.push(("corrections".to_owned(), corrections.heading.clone()));
        }
        contents.push((
            "appendix".to_owned(),
            "Appendix: the events cited".to_owned(),
        ));
        contents.push(("verification".to_owned(), "Verification".to_owned()));
        contents
    }
}

/// The ids of the findings the narrative takes in turn: those the plan reported on answers
/// (the latest started beside the WSoA), or every finding when no plan has been started.
fn reported_findings(plan: &Plan) -> BTreeSet<&str> {
    match plan.plans.iter().rev().find(|p| !p.implicit) {
        Some(current) => current.answers.iter().map(String::as_str).collect(),
        None => plan.weaknesses.iter().map(|w| w.id.as_str()).collect(),
    }
}

/// "sufficient progress", "insufficient progress".
fn progress_words(progress: Progress) -> &'static str {
    match progress {
        Progress::Sufficient => "sufficient progress",
        Progress::Insufficient => "insufficient progress",
    }
}

fn summary(plan: &Plan, weaknesses: &[WeaknessNarrative], source: &Source) -> Summary {
    let judged = source.today.long();
    let mut claims = vec![Claim::plain(&match source.as_of {
        Some(day) => format!(
            "Judged at {judged}: this narrative describes what had happened by {}, and judges deadlines, overdue actions and missed targets as at that day.",
            day.long()
        ),
        None => format!(
            "Judged at {judged}: deadlines, overdue actions and missed targets are judged as at that day."
        ),
    })];
    let reported: Vec<&crate::plan::WeaknessView> = weaknesses
        .iter()
        .filter_map(|w| plan.weakness(&w.id))
        .collect();
    let current = plan.plans.iter().rev().find(|p| !p.implicit);
    let scope = match current {
        Some(current) => format!(
            "It reports on the {} {}, which answers {}",
            current.kind.name(),
            current.id,
            list(&findings_named(&reported))
        ),
        None => format!("It reports on {}", list(&findings_named(&reported))),
    };
    claims.push(Claim::new(
        if reported.is_empty() {
            "No finding has been recorded yet.".to_owned()
        } else {
            format!("{scope}, each taken in turn after this summary.")
        },
        reported
            .iter()
            .map(|w| &w.cite)
            .chain(current.map(|p| &p.cite))
            .collect(),
    ));
    let mut statuses = [0usize; 5];
    let mut rags = [0usize; 3];
    let mut overdue = 0;
    let mut actions = 0;
    let mut seen = BTreeSet::new();
    for weakness in weaknesses {
        for ws in plan.workstreams_for(&weakness.id) {
            for action in plan.actions_of(&ws.id) {
                if !seen.insert(action.id.as_str()) {
                    continue;
                }
                actions += 1;
                statuses[status_index(action.status)] += 1;
                if let Some(rag) = action.rag {
                    rags[rag_index(rag)] += 1;
                }
                overdue += usize::from(action.overdue(source.today));
            }
        }
    }
    if actions > 0 {
        let parts: Vec<String> = [
            (statuses[2], "complete"),
            (statuses[1], "in progress"),
            (statuses[0], "not started"),
            (statuses[3], "blocked"),
            (statuses[4], "withdrawn"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        claims.push(Claim::plain(&format!(
            "{} answer them: {}; {} overdue as at {judged}. Rated red: {}, amber: {}, green: {}. Each action is cited in its finding\u{2019}s table.",
            capitalise(&count(actions, "action", "actions")),
            list(&parts),
            if overdue == 1 { "one is".to_owned() } else { format!("{} are", if overdue == 0 { "none".to_owned() } else { overdue.to_string() }) },
            rags[0],
            rags[1],
            rags[2]
        )));
    }
    let measures: Vec<&MeasureRow> = weaknesses.iter().flat_map(|w| &w.measures).collect();
    if !measures.is_empty() {
        let met = measures.iter().filter(|m| m.met).count();
        // Each measure in one group: met, missed, or (its date still to come) where it stands.
        let open: Vec<&&MeasureRow> = measures.iter().filter(|m| !m.met && !m.missed).collect();
        let on_course = open
            .iter()
            .filter(|m| matches!(m.against, Some("on trajectory" | "above trajectory")))
            .count();
        let below = open
            .iter()
            .filter(|m| m.against == Some("below trajectory"))
            .count();
        let no_value = open.iter().filter(|m| m.latest.is_none()).count();
        let untracked = open.len() - on_course - below - no_value;
        let missed = measures.iter().filter(|m| m.missed).count();
        let parts: Vec<String> = [
            (met, "has met its target", "have met their target"),
            (
                on_course,
                "is on or above its trajectory, its target date still to come",
                "are on or above their trajectory, their target date still to come",
            ),
            (
                below,
                "is below its trajectory, its target date still to come",
                "are below their trajectory, their target date still to come",
            ),
            (
                untracked,
                "has no trajectory, its target date still to come",
                "have no trajectory, their target date still to come",
            ),
            (no_value, "has no value yet", "have no value yet"),
            (
                missed,
                "has missed its target after its date",
                "have missed their target after its date",
            ),
        ]
        .iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, one, many)| format!("{n} {}", if *n == 1 { one } else { many }))
        .collect();
        claims.push(Claim::plain(&format!(
            "Of their {}: {}. Each measure is cited in its finding\u{2019}s table.",
            count(measures.len(), "measure of impact", "measures of impact"),
            parts.join("; ")
        )));
    }
    let flagged: Vec<&WeaknessNarrative> =
        weaknesses.iter().filter(|w| w.no_impact_shown).collect();
    if !flagged.is_empty() {
        let ids: Vec<String> = flagged.iter().map(|w| w.id.clone()).collect();
        claims.push(Claim::new(
            format!(
                "Flagged: {} no measure of impact moving the right way ({}), so what was done there does not yet show a difference for children and families.",
                if flagged.len() == 1 { "one finding has".to_owned() } else { format!("{} have", count(flagged.len(), "finding", "findings")) },
                list(&ids)
            ),
            flagged
                .iter()
                .filter_map(|w| plan.weakness(&w.id).map(|v| &v.cite))
                .collect(),
        ));
    }
    let scopes: Vec<Scope<'_>> = reported.iter().map(|w| Scope::new(plan, &w.id)).collect();
    let open_risks: Vec<&RiskView> = plan
        .risks
        .iter()
        .filter(|r| r.closed.is_none())
        .filter(|r| r.about.is_empty() || scopes.iter().any(|scope| scope.covers_risk(r)))
        .collect();
    if !open_risks.is_empty() {
        let high = open_risks
            .iter()
            .filter(|r| r.level == crate::event::RiskLevel::High)
            .count();
        claims.push(Claim::new(
            format!(
                "{} open, {}; each is given with its mitigation below.",
                capitalise(&if open_risks.len() == 1 {
                    "one risk to them is".to_owned()
                } else {
                    format!(
                        "{} are",
                        count(open_risks.len(), "risk to them", "risks to them")
                    )
                }),
                match high {
                    0 => "none rated high".to_owned(),
                    n if n == open_risks.len() && n == 1 => "rated high".to_owned(),
                    n if n == open_risks.len() => "all rated high".to_owned(),
                    n => format!("{n} rated high"),
                }
            ),
            open_risks.iter().map(|r| &r.cite).collect(),
        ));
    }
    let rows = weaknesses
        .iter()
        .map(|w| {
            let view = plan.weakness(&w.id);
            let mut cites: Vec<&Cite> = view.map(|v| &v.cite).into_iter().collect();
            cites.extend(view.and_then(|v| v.outcome.as_ref().map(|(_, c)| c)));
            let actions =
                w.actions.len() + w.workstreams.iter().map(|ws| ws.actions).sum::<usize>();
            let complete = w
                .actions
                .iter()
                .filter(|a| a.status == Status::Complete)
                .count()
                + w.workstreams.iter().map(|ws| ws.complete).sum::<usize>();
            let overdue = w.actions.iter().filter(|a| a.overdue).count()
                + w.workstreams.iter().map(|ws| ws.overdue).sum::<usize>();
            SummaryRow {
                id: w.id.clone(),
                title: w.title.clone(),
                judged: w.judged.unwrap_or("not yet judged").to_owned(),
                outcome: view.and_then(|v| v.outcome.as_ref().map(|(p, _)| progress_words(*p))),
                actions,
                complete,
                overdue,
                measures: w.measures.len(),
                on_course: w
                    .measures
                    .iter()
                    .filter(|m| {
                        m.met
                            || (!m.missed
                                && matches!(m.against, Some("on trajectory" | "above trajectory")))
                    })
                    .count(),
                missed: w.measures.iter().filter(|m| m.missed).count(),
                no_impact_shown: w.no_impact_shown,
                cites: Claim::new(String::new(), cites).cites,
            }
        })
        .collect();
    Summary { claims, rows }
}

fn status_index(status: Status) -> usize {
    match status {
        Status::NotStarted => 0,
        Status::InProgress => 1,
        Status::Complete => 2,
        Status::Blocked => 3,
        Status::Withdrawn => 4,
    }
}

fn rag_index(rag: Rag) -> usize {
    match rag {
        Rag::Red => 0,
        Rag::Amber => 1,
        Rag::Green => 2,
    }
}

/// The findings outside the plan reported on, a statement each: its kind, the plan that
/// answers it, the revisit's judgement, its actions and measures in figures.
fn other_findings(
    plan: &Plan,
    reported: &BTreeSet<&str>,
    corrected: &BTreeMap<u64, Vec<(u64, String)>>,
    today: Date,
) -> Option<Section> {
    let claims: Vec<Claim> = plan
        .weaknesses
        .iter()
        .filter(|w| !reported.contains(w.id.as_str()))
        .map(|w| {
            let answered: Vec<String> = plan
                .plans
                .iter()
                .filter(|p| p.answers.contains(&w.id))
                .map(|p| format!("the {} {}", p.kind.name(), p.id))
                .collect();
            let mut text = format!("{}, {} ({}", w.id, titled(&w.title), w.kind.name());
            if !answered.is_empty() {
                let _ = write!(text, ", answered by {}", list(&answered));
            }
            text.push_str("): ");
            let mut cites = vec![&w.cite];
            let mut parts = Vec::new();
            if let Some((progress, cite)) = &w.outcome {
                parts.push(format!(
                    "judged at the revisit to have made {}",
                    progress_words(*progress)
                ));
                cites.push(cite);
            }
            let actions: Vec<&ActionView> = plan
                .workstreams_for(&w.id)
                .flat_map(|ws| plan.actions_of(&ws.id))
                .collect();
            if !actions.is_empty() {
                let complete = actions
                    .iter()
                    .filter(|a| a.status == Status::Complete)
                    .count();
                let overdue = actions.iter().filter(|a| a.overdue(today)).count();
                parts.push(format!(
                    "{complete} of its {} actions complete and {overdue} overdue",
                    actions.len()
                ));
            }
            let measures: Vec<&MeasureView> = plan.measures_for(&w.id).collect();
            if measures.is_empty() {
                parts.push("no measure of impact".to_owned());
            } else {
                let met = measures
                    .iter()
                    .filter(|m| {
                        sound_values(m, corrected)
                            .1
                            .is_some_and(|v| meets_target(m, &v.value))
                    })
                    .count();
                parts.push(format!(
                    "{met} of its {} measures of impact at target",
                    measures.len()
                ));
                cites.extend(measures.iter().map(|m| &m.cite));
            }
            text.push_str(&list(&parts));
            text.push('.');
            Claim::new(text, cites)
        })
        .collect();
    (!claims.is_empty()).then(|| Section::new("Findings of other plans", claims, ""))
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
    let judged = match source.as_of {
        Some(day) => format!(
            "This narrative describes what had happened by {}, and judges deadlines and targets as at that day.",
            day.long()
        ),
        None => format!(
            "This narrative judges deadlines and targets as at {}.",
            source.today.long()
        ),
    };
    let mut claims = vec![Claim::plain(&judged)];
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

/// A point of a visit's feedback as "a concern", and what the visitors did with it ("raised this
/// concern").
fn point_words(kind: PointKind) -> (&'static str, &'static str) {
    match kind {
        PointKind::Strength => ("a strength", "noted this strength"),
        PointKind::Concern => ("a concern", "raised this concern"),
        PointKind::NextStep => ("a next step", "asked for this next step"),
    }
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
        for (kind, index, point) in visit.points() {
            let tied = !visit.about(kind, index).is_empty();
            let relevant = tied
                || plan
                    .weaknesses
                    .iter()
                    .any(|w| vocabulary.relevant(&w.id, point));
            if !relevant {
                claims.push(Claim::new(
                    format!(
                        "At this visit they also recorded {} that concerns the area as a whole: {}",
                        point_words(kind).0,
                        quoted_end(point)
                    ),
                    vec![&visit.cite],
                ));
            }
        }
        if let Some(letter) = &visit.letter {
            claims.push(Claim::new(
                format!("Their letter is kept as evidence {letter}."),
                vec![&visit.cite],
            ));
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
    for cite in narrative.row_cites() {
        cites.entry(cite.seq).or_insert(cite);
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
                    plan.inspections
                        .iter()
                        .find(|i| i.id == weakness.inspection)
                        .or(plan.inspection.as_ref())
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
    let measures: Vec<&MeasureView> = plan
        .measures
        .iter()
        .filter(|m| scope.measures.contains(m.id.as_str()))
        .collect();
    let measure_rows: Vec<MeasureRow> = measures
        .iter()
        .map(|m| measure_row(m, corrected, today))
        .collect();
    let (impact, moving) = changed(plan, &measures, corrected, today);
    let flag = no_impact_flag(plan, scope, measures.is_empty(), moving);
    let (judged, judgement) = judgement(&workstreams, flag.clone());
    let (action_rows, workstream_rows) = if actions.len() > MAX_ACTION_ROWS {
        (Vec::new(), workstream_rows(&workstreams, &actions, today))
    } else {
        (
            actions.iter().map(|a| action_row(plan, a, today)).collect(),
            Vec::new(),
        )
    };
    let mut sections = vec![
        judgement,
        answered_by(&workstreams, &actions).with(Part::Actions),
        impact.with(Part::Measures),
        said(plan, &weakness.id, &workstreams, vocabulary),
        voices(plan, scope, &weakness.id),
        slipped(&workstreams, &actions),
        evidence(plan, scope),
        risks(plan, scope),
        next(&actions, &measure_rows, &measures, today),
    ];
    sections.retain(|s| !s.claims.is_empty());
    WeaknessNarrative {
        id: one_line(&weakness.id),
        title: one_line(&weakness.title),
        kind: weakness.kind.name().to_owned(),
        introduction,
        finding,
        outcome,
        judged,
        no_impact_shown: flag.is_some(),
        sections,
        actions: action_rows,
        workstreams: workstream_rows,
        measures: measure_rows,
    }
}

/// The area's own judgement of a finding: the worst of its board's latest ratings of the
/// workstreams that answer it, with the flag when no measure shows impact.
fn judgement(
    workstreams: &[&WorkstreamView],
    flag: Option<Claim>,
) -> (Option<&'static str>, Section) {
    let latest: Vec<(&WorkstreamView, &crate::plan::AssessmentView)> = workstreams
        .iter()
        .filter_map(|ws| ws.assessments.last().map(|a| (*ws, a)))
        .collect();
    let rank = |rating: Rating| match rating {
        Rating::OnTrack => 0,
        Rating::AtRisk => 1,
        Rating::OffTrack => 2,
    };
    let worst = latest
        .iter()
        .map(|(_, a)| a.rating)
        .max_by_key(|r| rank(*r));
    let mut claims = Vec::new();
    match worst {
        Some(worst) => {
            let each: Vec<String> = latest
                .iter()
                .map(|(ws, a)| {
                    format!(
                        "workstream {} {} by the {} on {}",
                        ws.id,
                        rating_words(a.rating),
                        one_line(&a.forum),
                        a.cite.on.long()
                    )
                })
                .collect();
            claims.push(Claim::new(
                format!(
                    "The area judges this finding {}, the worst of its latest board ratings: {}.",
                    rating_words(worst),
                    list(&each)
                ),
                latest.iter().map(|(_, a)| &a.cite).collect(),
            ));
        }
        None => claims.push(Claim::plain(
            "The area has not yet recorded its own judgement of this finding: no board has rated the workstreams that answer it.",
        )),
    }
    claims.extend(flag);
    (
        worst.map(rating_words),
        Section::new("The area\u{2019}s judgement", claims, ""),
    )
}

/// The flag of a finding with no measure of impact moving the right way: none defined, or
/// none moving, whatever the actions completed.
fn no_impact_flag(plan: &Plan, scope: &Scope<'_>, no_measure: bool, moving: bool) -> Option<Claim> {
    if moving {
        return None;
    }
    let complete: Vec<&Cite> = plan
        .actions
        .iter()
        .filter(|a| scope.actions.contains(a.id.as_str()) && a.status == Status::Complete)
        .map(|a| &a.cite)
        .collect();
    Some(if no_measure {
        let done = match complete.len() {
            0 => String::new(),
            1 => " 1 action for it is complete but, with no measure moving, completed actions alone do not show that anything has changed for children and families.".to_owned(),
            n => format!(" {n} actions for it are complete but, with no measure moving, completed actions alone do not show that anything has changed for children and families."),
        };
        Claim::new(
            format!("Flag: no measure of impact has been defined for this finding yet.{done}"),
            complete,
        )
    } else {
        let done = match complete.len() {
            0 => String::new(),
            1 => ", although 1 action for it is complete".to_owned(),
            n => format!(", although {n} actions for it are complete"),
        };
        Claim::new(
            format!(
                "Flag: no measure of this area is moving the right way yet{done}: completed actions alone do not show that anything has changed for children and families."
            ),
            complete,
        )
    })
}

/// "moved back 92 days; done 43 days late", "12 days overdue", "none".
fn slip_words(action: &ActionView, today: Date) -> String {
    let mut parts = Vec::new();
    let moved = action.original_due.days_until(action.due);
    // Recurring work's next update moves with each update: not a slip.
    let recurring = action
        .deadline
        .as_ref()
        .and_then(Deadline::recurrence)
        .is_some();
    if moved > 0 && !recurring {
        parts.push(format!("moved back {}", plural_days(moved)));
    } else if moved < 0 {
        parts.push(format!("brought forward {}", plural_days(-moved)));
    }
    let judged = action
        .deadline
        .as_ref()
        .is_none_or(|d| matches!(d, Deadline::Written { .. } | Deadline::On(_)));
    if let Some(done) = action.completed() {
        let late = action.due.days_until(done.on);
        if judged && late > 0 {
            parts.push(format!("done {} late", plural_days(late)));
        }
    } else if action.overdue(today) {
        parts.push(format!(
            "{} overdue",
            plural_days(action.due.days_until(today))
        ));
    }
    if parts.is_empty() {
        "none".to_owned()
    } else {
        parts.join("; ")
    }
}

fn action_row(plan: &Plan, action: &ActionView, today: Date) -> ActionRow {
    let mut cites = vec![&action.cite];
    cites.extend(action.amendments.iter().map(|a| &a.cite));
    cites.extend(action.status_changes.iter().map(|c| &c.cite));
    let evidence: Vec<String> = plan
        .evidence
        .iter()
        .filter(|e| {
            e.supports
                .iter()
                .any(|s| matches!(s, Subject::Action(id) if id.as_str() == action.id))
        })
        .map(|e| one_line(&e.id))
        .collect();
    ActionRow {
        id: one_line(&action.id),
        title: one_line(&action.title),
        owner: one_line(&action.owner),
        due: action.due,
        original_due: action.original_due,
        deadline: action
            .deadline
            .is_some()
            .then(|| action.due_text(Date::long)),
        status: action.status,
        rag: action.rag,
        overdue: action.overdue(today),
        slip: slip_words(action, today),
        evidence,
        cites: Claim::new(String::new(), cites).cites,
    }
}

fn workstream_rows(
    workstreams: &[&WorkstreamView],
    actions: &[&ActionView],
    today: Date,
) -> Vec<WorkstreamRow> {
    workstreams
        .iter()
        .map(|ws| {
            let own: Vec<&&ActionView> = actions.iter().filter(|a| a.workstream == ws.id).collect();
            let mut rag = [0; 3];
            for action in &own {
                if let Some(r) = action.rag {
                    rag[rag_index(r)] += 1;
                }
            }
            WorkstreamRow {
                id: one_line(&ws.id),
                title: one_line(&ws.title),
                actions: own.len(),
                complete: own.iter().filter(|a| a.status == Status::Complete).count(),
                overdue: own.iter().filter(|a| a.overdue(today)).count(),
                rag,
                cites: vec![ws.cite.clone()],
            }
        })
        .collect()
}

/// The workstreams that answer a finding, and their sponsors; the table of actions follows.
fn answered_by(workstreams: &[&WorkstreamView], actions: &[&ActionView]) -> Section {
    let mut claims = Vec::new();
    for ws in workstreams {
        // A tracker imported without a sponsor records it as not recorded: a gap, said so.
        let text = if crate::plan::sponsor_recorded(&ws.sponsor) {
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
    if actions.len() > MAX_ACTION_ROWS {
        claims.push(Claim::plain(&format!(
            "With {} actions, they are summed up per workstream below; the plan and the tracker workbook list each.",
            actions.len()
        )));
    }
    if actions.is_empty() && !workstreams.is_empty() {
        claims.push(Claim::plain(
            "No action has been recorded for this area yet.",
        ));
    }
    Section::new(
        "Actions",
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
    latest_only(&mut claims, "changes of deadline, lead or wording");
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

/// Whether `value` is worse than `before`, whichever way is better.
fn worse(measure: &MeasureView, value: &Decimal, before: &Decimal) -> bool {
    let order = value.compare(before);
    match measure.better {
        Direction::HigherIsBetter => order == std::cmp::Ordering::Less,
        Direction::LowerIsBetter => order == std::cmp::Ordering::Greater,
    }
}

/// The sound values of a measure in date order (then in the order recorded).
fn dated_values<'a>(
    measure: &'a MeasureView,
    corrected: &BTreeMap<u64, Vec<(u64, String)>>,
) -> Vec<&'a MeasureValue> {
    let (mut values, _) = sound_values(measure, corrected);
    values.sort_by_key(|v| (v.cite.on, v.cite.seq));
    values
}

fn measure_row(
    measure: &MeasureView,
    corrected: &BTreeMap<u64, Vec<(u64, String)>>,
    today: Date,
) -> MeasureRow {
    let unit = &measure.unit;
    let (_, latest) = sound_values(measure, corrected);
    let met = latest.is_some_and(|v| meets_target(measure, &v.value));
    let missed = measure.target_by < today && !met;
    let against = latest
        .and_then(|v| measure.judge(&v.value, v.cite.on))
        .map(|j| j.against.words());
    let improving = latest.is_some_and(|v| worse(measure, &measure.baseline, &v.value));
    let judgement = if met {
        "target met".to_owned()
    } else if missed {
        format!("target missed: due by {}", measure.target_by.long())
    } else if latest.is_none() {
        "no value yet".to_owned()
    } else if let Some(against) = against {
        against.to_owned()
    } else if improving {
        "moving the right way".to_owned()
    } else {
        "not moving the right way".to_owned()
    };
    let dated = dated_values(measure, corrected);
    let shown = &dated[dated.len().saturating_sub(MAX_VALUES)..];
    let mut cites = vec![&measure.cite];
    cites.extend(shown.iter().map(|v| &v.cite));
    cites.extend(measure.amended.iter());
    MeasureRow {
        id: one_line(&measure.id),
        title: one_line(&measure.title),
        unit: one_line(unit),
        better: measure.better,
        baseline: amount(&measure.baseline, unit),
        baseline_on: measure.baseline_on,
        trajectory: measure
            .trajectory
            .iter()
            .map(|p| format!("{} by {}", amount(&p.value, unit), p.on.long()))
            .collect(),
        latest: latest.map(|v| (amount(&v.value, unit), v.cite.on)),
        against,
        target: target_amount(measure),
        target_by: measure.target_by,
        met,
        missed,
        judgement,
        chart: MeasureChart {
            baseline: (measure.baseline_on, measure.baseline.clone()),
            values: shown.iter().map(|v| (v.cite.on, v.value.clone())).collect(),
            earlier: dated.len() - shown.len(),
            trajectory: measure
                .trajectory
                .iter()
                .map(|p| (p.on, p.value.clone()))
                .collect(),
            target: (measure.target_by, measure.target.clone()),
        },
        cites: Claim::new(String::new(), cites).cites,
    }
}

/// The most dips of one measure named one by one; past it, the latest are named and the
/// earlier counted.
const MAX_DIPS: usize = 5;

/// What changed for a weakness's measures, judged against their trajectories, and whether any
/// is moving the right way.
fn changed(
    plan: &Plan,
    measures: &[&MeasureView],
    corrected: &BTreeMap<u64, Vec<(u64, String)>>,
    today: Date,
) -> (Section, bool) {
    let mut claims = Vec::new();
    let mut moving = false;
    for measure in measures {
        let unit = &measure.unit;
        let name = capitalise(&one_line(&measure.title));
        let against = format!(
            "against a target of {} by {}",
            target_amount(measure),
            measure.target_by.long()
        );
        let (_, latest) = sound_values(measure, corrected);
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
        let improving = worse(measure, &measure.baseline, &latest.value);
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
        let cites = vec![&measure.cite, &latest.cite];
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
        // Dips: each value worse than the one before it, named with its date.
        let dated = dated_values(measure, corrected);
        let dips: Vec<(&MeasureValue, &MeasureValue)> = dated
            .windows(2)
            .filter(|pair| worse(measure, &pair[1].value, &pair[0].value))
            .map(|pair| (pair[0], pair[1]))
            .collect();
        if !dips.is_empty() {
            let shown = &dips[dips.len().saturating_sub(MAX_DIPS)..];
            let named: Vec<String> = shown
                .iter()
                .map(|(before, dip)| {
                    format!(
                        "to {} on {} (from {} on {})",
                        amount(&dip.value, unit),
                        dip.cite.on.long(),
                        amount(&before.value, unit),
                        before.cite.on.long()
                    )
                })
                .collect();
            let times = match dips.len() {
                1 => "once".to_owned(),
                2 => "twice".to_owned(),
                n => format!("{} times", count(n, "", "").trim_end()),
            };
            let earlier = if dips.len() > shown.len() {
                format!(", the latest {} being", shown.len())
            } else {
                String::new()
            };
            let mut dip_cites: Vec<&Cite> = Vec::new();
            for (before, dip) in shown {
                dip_cites.push(&before.cite);
                dip_cites.push(&dip.cite);
            }
            claims.push(Claim::new(
                format!(
                    "Measure {} fell back {times}{earlier}: {}.",
                    measure.id,
                    named.join("; ")
                ),
                dip_cites,
            ));
        }
        let mut text = String::new();
        let mut value_cites: Vec<&Cite> = Vec::new();
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
        if !text.is_empty() {
            claims.push(Claim::new(text.trim_start().to_owned(), value_cites));
        }
    }
    (
        Section::new(
            "Measures of impact",
            claims,
            "No measure of impact has been defined for this area yet.",
        ),
        moving,
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
        for (kind, index, point) in visit.points() {
            let about = visit.about(kind, index);
            let concerns = if about.is_empty() {
                vocabulary.relevant(weakness, point)
            } else {
                about.iter().any(|id| id == weakness)
            };
            if concerns {
                claims.push(Claim::new(
                    format!(
                        "At monitoring visit {} on {on}, the visitors {}: {}",
                        visit.number,
                        point_words(kind).1,
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

/// The families' voice: notes from families, young people, partners and officers, and "You
/// said, we did, the difference it made" entries, in the shape councils report them.
fn voices(plan: &Plan, scope: &Scope<'_>, weakness: &str) -> Section {
    let mut claims: Vec<Claim> = plan
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
    claims.extend(plan.coproduction.iter().filter(|c| c.about == weakness).map(|c| {
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
                "You said, we did, the difference it made: on {}, {}{respondents} said: {} What was done: {}{difference}",
                c.cite.on.long(),
                one_line(&c.from),
                quoted_end(&c.said),
                quoted_end(&c.did)
            ),
            vec![&c.cite],
        )
    }));
    claims.sort_by_key(|c| c.cites.first().map(|cite| (cite.on, cite.seq)));
    latest_only(&mut claims, "notes and entries");
    Section::new(
        "The families\u{2019} voice, and notes from partners and officers",
        claims,
        "No note from families, young people or partners has been recorded about this area.",
    )
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
    let mut claims: Vec<Claim> = plan
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
    latest_only(&mut claims, "pieces of evidence");
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

/// The risks to a finding: the open ones with their mitigations, then the closed ones.
fn risks(plan: &Plan, scope: &Scope<'_>) -> Section {
    let risks: Vec<&RiskView> = plan.risks.iter().filter(|r| scope.covers_risk(r)).collect();
    // The open ones, the highest rated first; past `MAX_TOLD`, the rest are counted.
    let mut open: Vec<&&RiskView> = risks.iter().filter(|r| r.closed.is_none()).collect();
    open.sort_by_key(|r| std::cmp::Reverse(r.level));
    let mut claims: Vec<Claim> = open.iter().take(MAX_TOLD).map(|r| risk_claim(r)).collect();
    if open.len() > MAX_TOLD {
        claims.push(Claim::plain(&format!(
            "{} more open risks, rated no higher, are listed in the plan.",
            open.len() - MAX_TOLD
        )));
    }
    if claims.is_empty() {
        claims.push(Claim::plain("No risk to this area is open."));
    }
    let mut closed: Vec<Claim> = risks
        .iter()
        .filter(|r| r.closed.is_some())
        .map(|r| risk_claim(r))
        .collect();
    latest_only(&mut closed, "closed risks");
    claims.extend(closed);
    Section::new("Open risks and mitigations", claims, "")
}

/// The most actions named in one statement of what is next.
const MAX_NEXT: usize = 10;

/// "1.1 (due by 31 December 2021), 1.2 (…)", the first `MAX_NEXT`, and how many more.
fn named_actions(actions: &[&&ActionView], due: impl Fn(&ActionView) -> String) -> String {
    let mut items: Vec<String> = actions
        .iter()
        .take(MAX_NEXT)
        .map(|a| format!("{} ({})", a.id, due(a)))
        .collect();
    if actions.len() > MAX_NEXT {
        items.push(format!("{} more", actions.len() - MAX_NEXT));
    }
    list(&items)
}

/// What is next for a finding: the overdue actions, the open ones by deadline, and the next
/// point of each measure's trajectory or its target.
fn next(
    actions: &[&ActionView],
    rows: &[MeasureRow],
    measures: &[&MeasureView],
    today: Date,
) -> Section {
    let mut claims = Vec::new();
    let mut open: Vec<&&ActionView> = actions
        .iter()
        .filter(|a| !matches!(a.status, Status::Complete | Status::Withdrawn))
        .collect();
    open.sort_by_key(|a| (a.due, a.cite.seq));
    let (overdue, on_time): (Vec<&&ActionView>, Vec<&&ActionView>) =
        open.iter().partition(|a| a.overdue(today));
    let cites_of = |list: &[&&ActionView]| -> Vec<Cite> {
        let mut cites: Vec<&Cite> = Vec::new();
        for action in list.iter().take(MAX_NEXT) {
            cites.push(&action.cite);
            cites.extend(action.amendments.iter().map(|a| &a.cite));
            cites.extend(action.status_changes.last().map(|c| &c.cite));
        }
        Claim::new(String::new(), cites).cites
    };
    if !overdue.is_empty() {
        claims.push(Claim {
            text: format!(
                "{} overdue as at {}, oldest first: {}.",
                capitalise(&if overdue.len() == 1 {
                    "one action is".to_owned()
                } else {
                    format!("{} are", count(overdue.len(), "action", "actions"))
                }),
                today.long(),
                named_actions(&overdue, |a| format!(
                    "due by {}, {} late, {}",
                    a.due_text(Date::long),
                    plural_days(a.due.days_until(today)),
                    a.status.label()
                ))
            ),
            cites: cites_of(&overdue),
        });
    }
    if !on_time.is_empty() {
        claims.push(Claim {
            text: format!(
                "{} still open and not yet due, soonest first: {}.",
                capitalise(&if on_time.len() == 1 {
                    "one action is".to_owned()
                } else {
                    format!("{} are", count(on_time.len(), "action", "actions"))
                }),
                named_actions(&on_time, short_due)
            ),
            cites: cites_of(&on_time),
        });
    }
    for (measure, row) in measures.iter().zip(rows) {
        if row.met {
            continue;
        }
        let step = measure.trajectory.iter().find(|p| p.on > today);
        let text = match step {
            Some(point) if point.on < measure.target_by => format!(
                "Measure {} next expects {} by {} on its trajectory, towards its target of {} by {}.",
                measure.id,
                amount(&point.value, &measure.unit),
                point.on.long(),
                row.target,
                measure.target_by.long()
            ),
            _ if measure.target_by >= today => format!(
                "Measure {} is to reach its target of {} by {}.",
                measure.id,
                row.target,
                measure.target_by.long()
            ),
            _ => format!(
                "Measure {} missed its target of {} by {}: no later target has been set.",
                measure.id,
                row.target,
                measure.target_by.long()
            ),
        };
        let mut cites = vec![&measure.cite];
        cites.extend(measure.amended.iter());
        claims.push(Claim::new(text, cites));
    }
    if claims.is_empty() {
        claims.push(Claim::plain(if actions.is_empty() {
            "Nothing is planned next: no action answers this area yet."
        } else {
            "Every action for this area is complete or withdrawn, and every measure has met its target."
        }));
    }
    Section::new("What is next", claims, "")
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
    let text = escape_markdown(&claim.text);
    if claim.is_flag() {
        format!("**{text}**{}", md_cites(&claim.cites))
    } else {
        format!("{text}{}", md_cites(&claim.cites))
    }
}

fn md_section(out: &mut String, level: &str, section: &Section, bullets: bool) {
    let _ = writeln!(out, "{level} {}\n", escape_markdown(&section.heading));
    md_claims(out, &section.claims, bullets);
}

fn md_claims(out: &mut String, claims: &[Claim], bullets: bool) {
    let mut in_list = false;
    for claim in claims {
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

/// The cells of a table row of events: "12, 15".
fn seqs(cites: &[Cite]) -> String {
    cites
        .iter()
        .map(|c| c.seq.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The column headings and cells of the tables, shared by the renderers.
pub mod table {
    use super::{ActionRow, MeasureRow, SummaryRow, WorkstreamRow, seqs};
    use crate::date::Date;

    /// The summary's columns.
    pub const SUMMARY: [&str; 8] = [
        "Finding",
        "Area\u{2019}s judgement",
        "Revisit",
        "Actions complete",
        "Overdue",
        "Measures on course",
        "Targets missed",
        "Events",
    ];

    /// A summary row's cells.
    pub fn summary(row: &SummaryRow) -> [String; 8] {
        [
            format!(
                "{}: {}{}",
                row.id,
                row.title,
                if row.no_impact_shown {
                    " (flag: no measure of impact moving)"
                } else {
                    ""
                }
            ),
            row.judged.clone(),
            row.outcome.unwrap_or("not yet judged").to_owned(),
            format!("{} of {}", row.complete, row.actions),
            row.overdue.to_string(),
            format!("{} of {}", row.on_course, row.measures),
            row.missed.to_string(),
            seqs(&row.cites),
        ]
    }

    /// The actions' columns.
    pub const ACTIONS: [&str; 9] = [
        "Ref", "Action", "Lead", "Deadline", "Status", "RAG", "Slip", "Evidence", "Events",
    ];

    /// An action row's deadline: as written, with the original when it moved.
    pub fn deadline(row: &ActionRow) -> String {
        let mut text = row.deadline.clone().unwrap_or_else(|| row.due.long());
        if row.due != row.original_due && row.deadline.is_none() {
            text.push_str(&format!(" (was {})", row.original_due.long()));
        }
        text
    }

    /// An action row's cells.
    pub fn action(row: &ActionRow) -> [String; 9] {
        [
            row.id.clone(),
            row.title.clone(),
            row.owner.clone(),
            deadline(row),
            row.status.label(),
            row.rag
                .map_or("not rated".to_owned(), |r| r.as_str().to_owned()),
            row.slip.clone(),
            if row.evidence.is_empty() {
                "none".to_owned()
            } else {
                row.evidence.join(", ")
            },
            seqs(&row.cites),
        ]
    }

    /// The columns of the actions summed up per workstream.
    pub const WORKSTREAMS: [&str; 7] = [
        "Workstream",
        "Actions",
        "Complete",
        "Overdue",
        "Red",
        "Amber",
        "Green",
    ];

    /// A workstream row's cells.
    pub fn workstream(row: &WorkstreamRow) -> [String; 7] {
        [
            format!("{} {}", row.id, row.title),
            row.actions.to_string(),
            row.complete.to_string(),
            row.overdue.to_string(),
            row.rag[0].to_string(),
            row.rag[1].to_string(),
            row.rag[2].to_string(),
        ]
    }

    /// The measures' columns.
    pub const MEASURES: [&str; 8] = [
        "Measure",
        "Baseline",
        "Trajectory",
        "Latest",
        "Against trajectory",
        "Target",
        "Judgement",
        "Events",
    ];

    fn dated(value: &str, on: Date) -> String {
        format!("{value} ({})", on.long())
    }

    /// A measure row's cells.
    pub fn measure(row: &MeasureRow) -> [String; 8] {
        [
            format!("{} {}", row.id, row.title),
            dated(&row.baseline, row.baseline_on),
            if row.trajectory.is_empty() {
                "none set".to_owned()
            } else {
                row.trajectory.join("; ")
            },
            row.latest
                .as_ref()
                .map_or("none recorded yet".to_owned(), |(v, on)| dated(v, *on)),
            row.against.unwrap_or("no trajectory").to_owned(),
            format!("{} by {}", row.target, row.target_by.long()),
            row.judgement.clone(),
            seqs(&row.cites),
        ]
    }
}

fn md_table<const N: usize>(out: &mut String, headings: [&str; N], rows: &[[String; N]]) {
    let _ = writeln!(out, "| {} |", headings.join(" | "));
    let _ = writeln!(out, "|{}", " --- |".repeat(N));
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| escape_markdown(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push('\n');
}

impl Narrative {
    /// The narrative as Markdown, citations as "[events 12, 15]", tables as pipe tables.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# {}\n", escape_markdown(&self.title));
        let _ = writeln!(out, "## Contents\n");
        for (_, heading) in self.contents() {
            let _ = writeln!(out, "- {}", escape_markdown(&heading));
        }
        out.push('\n');
        let _ = writeln!(out, "## Executive summary\n");
        for claim in &self.summary.claims {
            let _ = writeln!(out, "{}\n", md_claim(claim));
        }
        if !self.summary.rows.is_empty() {
            let rows: Vec<[String; 8]> = self.summary.rows.iter().map(table::summary).collect();
            md_table(&mut out, table::SUMMARY, &rows);
        }
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
                match section.part {
                    Part::Plain => md_section(&mut out, "###", section, true),
                    Part::Actions => {
                        md_section(&mut out, "###", section, true);
                        if !weakness.actions.is_empty() {
                            let rows: Vec<[String; 9]> =
                                weakness.actions.iter().map(table::action).collect();
                            md_table(&mut out, table::ACTIONS, &rows);
                        }
                        if !weakness.workstreams.is_empty() {
                            let rows: Vec<[String; 7]> =
                                weakness.workstreams.iter().map(table::workstream).collect();
                            md_table(&mut out, table::WORKSTREAMS, &rows);
                        }
                    }
                    Part::Measures => {
                        let _ = writeln!(out, "### {}\n", escape_markdown(&section.heading));
                        if !weakness.measures.is_empty() {
                            let rows: Vec<[String; 8]> =
                                weakness.measures.iter().map(table::measure).collect();
                            md_table(&mut out, table::MEASURES, &rows);
                        }
                        md_claims(&mut out, &section.claims, true);
                    }
                }
            }
        }
        if let Some(section) = &self.other_findings {
            md_section(&mut out, "##", section, false);
        }
        if let Some(section) = &self.corrections {
            md_section(&mut out, "##", section, false);
        }
        let _ = writeln!(out, "## Appendix: the events cited\n");
        if self.appendix.is_empty() {
            let _ = writeln!(out, "No event is cited.\n");
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
            out.push('\n');
        }
        // Last, so that the document ends with the head hash it was built from.
        let _ = writeln!(out, "## Verification\n");
        let _ = writeln!(out, "{}", escape_markdown(&self.verification));
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
section.summary { break-after: page; page-break-after: always; }
nav.contents ol { columns: 2; font-size: 10pt; }
blockquote { margin: 3mm 0 3mm 6mm; padding-left: 4mm; border-left: 3px solid #555; font-style: italic; }
ul { padding-left: 6mm; }
li, p, tr, blockquote, figure { break-inside: avoid; page-break-inside: avoid; }
.cite { font-size: 9pt; color: #444; white-space: nowrap; }
.cite a { color: #1d4f91; text-decoration: none; }
.outcome { font-weight: bold; }
.verification { border: 1px solid #999; padding: 3mm; }
code { font-family: 'DejaVu Sans Mono', monospace; font-size: 9pt; word-break: break-all; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; margin: 2mm 0 4mm; }
caption { text-align: left; font-weight: bold; padding: 1mm 0; caption-side: top; }
thead { display: table-header-group; }
th, td { border: 1px solid #bbb; padding: 1mm 2mm; text-align: left; vertical-align: top; }
td.num { text-align: right; }
td.rag-red { background: #ff0000; } td.rag-amber { background: #ffc000; } td.rag-green { background: #00b050; }
td.missed, td.overdue { font-weight: bold; color: #9c0006; }
figure { margin: 2mm 0 4mm; }
figure svg { width: 100%; max-width: 160mm; height: auto; }
figcaption { font-size: 9pt; color: #333; }
section.appendix { break-before: page; page-break-before: always; }
@media screen { body { margin: 10mm auto; } }";

/// A measure's chart as inline SVG: the baseline and the values joined by a line, the
/// trajectory's steps dashed, the target as a dashed line to its date; its title and
/// description are the text alternative.
fn chart(weakness: &str, row: &MeasureRow) -> Markup {
    const W: f64 = 480.0;
    const H: f64 = 200.0;
    const LEFT: f64 = 56.0;
    const RIGHT: f64 = 12.0;
    const TOP: f64 = 12.0;
    const BOTTOM: f64 = 28.0;
    let chart = &row.chart;
    let mut days: Vec<i64> = vec![
        chart.baseline.0.days_since_epoch(),
        chart.target.0.days_since_epoch(),
    ];
    days.extend(chart.values.iter().map(|(d, _)| d.days_since_epoch()));
    days.extend(chart.trajectory.iter().map(|(d, _)| d.days_since_epoch()));
    let mut levels: Vec<f64> = vec![chart.baseline.1.approximate(), chart.target.1.approximate()];
    levels.extend(chart.values.iter().map(|(_, v)| v.approximate()));
    levels.extend(chart.trajectory.iter().map(|(_, v)| v.approximate()));
    let (first, last) = (
        days.iter().copied().min().unwrap_or(0),
        days.iter().copied().max().unwrap_or(0),
    );
    let low = levels.iter().copied().fold(f64::INFINITY, f64::min);
    let high = levels.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let pad = ((high - low) * 0.1).max(1.0);
    let (low, high) = (low - pad, high + pad);
    let x = |day: Date| {
        let span = (last - first).max(1) as f64;
        LEFT + (day.days_since_epoch() - first) as f64 / span * (W - LEFT - RIGHT)
    };
    let y = |value: f64| TOP + (high - value) / (high - low) * (H - TOP - BOTTOM);
    let point = |day: Date, value: &Decimal| format!("{:.1},{:.1}", x(day), y(value.approximate()));
    let mut line = vec![point(chart.baseline.0, &chart.baseline.1)];
    line.extend(chart.values.iter().map(|(d, v)| point(*d, v)));
    let mut steps = Vec::new();
    if !chart.trajectory.is_empty() {
        let mut level = &chart.baseline.1;
        steps.push(point(chart.baseline.0, level));
        for (day, value) in &chart.trajectory {
            steps.push(point(*day, level));
            steps.push(point(*day, value));
            level = value;
        }
        steps.push(point(
            chart
                .target
                .0
                .max(chart.trajectory.last().map_or(chart.target.0, |p| p.0)),
            level,
        ));
    }
    let target_y = y(chart.target.1.approximate());
    let id = format!("chart-{weakness}-{}", row.id);
    let unit = |value: &Decimal| amount(value, &row.unit);
    let values: Vec<String> = chart
        .values
        .iter()
        .map(|(d, v)| format!("{} on {}", unit(v), d.long()))
        .collect();
    let description = format!(
        "Baseline {} on {}. {} Target {} by {}.{}",
        unit(&chart.baseline.1),
        chart.baseline.0.long(),
        match (values.is_empty(), chart.earlier) {
            (true, _) => "No value recorded yet.".to_owned(),
            (false, 0) => format!("Values: {}.", values.join("; ")),
            (false, n) => format!(
                "The latest {} values: {}. {n} earlier values are left out.",
                values.len(),
                values.join("; ")
            ),
        },
        row.target,
        row.target_by.long(),
        if row.trajectory.is_empty() {
            String::new()
        } else {
            format!(" Trajectory: {}.", row.trajectory.join("; "))
        }
    );
    let year = |day: i64| {
        Date::from_days_since_epoch(day)
            .map(|d| d.year().to_string())
            .unwrap_or_default()
    };
    html! {
        figure {
            svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {W} {H}")) role="img" aria-labelledby=(format!("{id}-title {id}-desc")) {
                title id=(format!("{id}-title")) { "Chart of measure " (row.id) ": " (row.title) }
                desc id=(format!("{id}-desc")) { (description) }
                line x1=(LEFT) y1=(TOP) x2=(LEFT) y2=(H - BOTTOM) stroke="#555" {}
                line x1=(LEFT) y1=(H - BOTTOM) x2=(W - RIGHT) y2=(H - BOTTOM) stroke="#555" {}
                text x=(LEFT - 4.0) y=(format!("{:.1}", y(high - pad) + 4.0)) font-size="10" text-anchor="end" { (format!("{:.0}", high - pad)) }
                text x=(LEFT - 4.0) y=(format!("{:.1}", y(low + pad) + 4.0)) font-size="10" text-anchor="end" { (format!("{:.0}", low + pad)) }
                text x=(LEFT) y=(H - 10.0) font-size="10" { (year(first)) }
                text x=(W - RIGHT) y=(H - 10.0) font-size="10" text-anchor="end" { (year(last)) }
                line x1=(LEFT) y1=(format!("{target_y:.1}")) x2=(format!("{:.1}", x(chart.target.0))) y2=(format!("{target_y:.1}")) stroke="#9c0006" stroke-dasharray="2 3" {}
                circle cx=(format!("{:.1}", x(chart.target.0))) cy=(format!("{target_y:.1}")) r="4" fill="none" stroke="#9c0006" {}
                @if !steps.is_empty() {
                    polyline points=(steps.join(" ")) fill="none" stroke="#666" stroke-dasharray="6 3" {}
                }
                polyline points=(line.join(" ")) fill="none" stroke="#1d4f91" stroke-width="2" {}
                @for p in &line {
                    @let (cx, cy) = p.split_once(',').unwrap_or(("0", "0"));
                    circle cx=(cx) cy=(cy) r="2.5" fill="#1d4f91" {}
                }
            }
            figcaption {
                "Measure " (row.id) ", " (row.title) ": values (solid line from the baseline), "
                @if !row.trajectory.is_empty() { "trajectory (dashed steps), " }
                "target " (row.target) " by " (row.target_by.long()) " (dotted line and ring). " (capitalise(&row.judgement)) "."
            }
        }
    }
}

fn html_table<const N: usize>(
    caption: &str,
    headings: [&str; N],
    rows: Vec<[String; N]>,
    classes: impl Fn(usize, usize) -> Option<&'static str>,
) -> Markup {
    html! {
        table {
            caption { (caption) }
            thead { tr { @for h in headings { th scope="col" { (h) } } } }
            tbody {
                @for (r, row) in rows.iter().enumerate() {
                    tr {
                        @for (c, cell) in row.iter().enumerate() {
                            @if c == 0 {
                                th scope="row" { (cell) }
                            } @else {
                                td class=[classes(r, c)] { (cell) }
                            }
                        }
                    }
                }
            }
        }
    }
}

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
    html! {
        @if claim.is_flag() { strong { (claim.text) } } @else { (claim.text) }
        (html_cites(&claim.cites))
    }
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
    /// The narrative as one self-contained HTML page (inline CSS and SVG charts, no scripts, no
    /// external resources) that prints on A4, with citations linked to the appendix of cited
    /// events.
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
                    nav.contents aria-labelledby="contents" {
                        h2 id="contents" { "Contents" }
                        ol { @for (anchor, heading) in self.contents() { li { a href=(format!("#{anchor}")) { (heading) } } } }
                    }
                    section.summary id="summary" {
                        h2 { "Executive summary" }
                        @for claim in &self.summary.claims { p { (html_claim(claim)) } }
                        @if !self.summary.rows.is_empty() {
                            (html_table(
                                "The findings reported on",
                                table::SUMMARY,
                                self.summary.rows.iter().map(table::summary).collect(),
                                |r, c| match c {
                                    4 if self.summary.rows[r].overdue > 0 => Some("num overdue"),
                                    6 if self.summary.rows[r].missed > 0 => Some("num missed"),
                                    3..=6 => Some("num"),
                                    _ => None,
                                },
                            ))
                        }
                    }
                    section id="about" { (html_section(&self.opening, 2, false)) }
                    section id="visits" { (html_section(&self.visits, 2, false)) }
                    @if let Some(section) = &self.plan_risks { section id="plan-risks" { (html_section(section, 2, false)) } }
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
                            @for section in &weakness.sections {
                                @match section.part {
                                    Part::Plain => { (html_section(section, 3, true)) }
                                    Part::Actions => {
                                        (html_section(section, 3, true))
                                        @if !weakness.actions.is_empty() {
                                            (html_table(
                                                &format!("Actions answering {}", weakness.id),
                                                table::ACTIONS,
                                                weakness.actions.iter().map(table::action).collect(),
                                                |r, c| {
                                                    let row = &weakness.actions[r];
                                                    match c {
                                                        3 if row.overdue => Some("overdue"),
                                                        5 => row.rag.map(|rag| match rag {
                                                            Rag::Red => "rag-red",
                                                            Rag::Amber => "rag-amber",
                                                            Rag::Green => "rag-green",
                                                        }),
                                                        _ => None,
                                                    }
                                                },
                                            ))
                                        }
                                        @if !weakness.workstreams.is_empty() {
                                            (html_table(
                                                &format!("Actions answering {}, per workstream", weakness.id),
                                                table::WORKSTREAMS,
                                                weakness.workstreams.iter().map(table::workstream).collect(),
                                                |_, _| Some("num"),
                                            ))
                                        }
                                    }
                                    Part::Measures => {
                                        h3 { (section.heading) }
                                        @if !weakness.measures.is_empty() {
                                            (html_table(
                                                &format!("Measures of impact for {}", weakness.id),
                                                table::MEASURES,
                                                weakness.measures.iter().map(table::measure).collect(),
                                                |r, c| (c == 6 && weakness.measures[r].missed).then_some("missed"),
                                            ))
                                            @for row in &weakness.measures { (chart(&weakness.id, row)) }
                                        }
                                        @for (list, claims) in runs(&section.claims, true) {
                                            @if list {
                                                ul { @for claim in claims { li { (html_claim(claim)) } } }
                                            } @else {
                                                @for claim in claims { p { (html_claim(claim)) } }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    @if let Some(section) = &self.other_findings { section id="other-findings" { (html_section(section, 2, false)) } }
                    @if let Some(section) = &self.corrections { section id="corrections" { (html_section(section, 2, false)) } }
                    section.appendix id="appendix" {
                        h2 { "Appendix: the events cited" }
                        @if self.appendix.is_empty() {
                            p { "No event is cited." }
                        } @else {
                            table {
                                caption { "Every event this document cites" }
                                thead { tr { th scope="col" { "Event" } th scope="col" { "Date" } th scope="col" { "Kind" } th scope="col" { "Recorded by" } th scope="col" { "Hash begins" } } }
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
                    section id="verification" {
                        h2 { "Verification" }
                        p.verification { (self.verification) }
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
            "</figure>",
            "</nav>",
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

    /// The narrative of every event of a ledger, judged at `today`.
    fn narrative_judged(ledger: &MemoryLedger, today: &str) -> Narrative {
        let plan = Plan::from_events(ledger.events());
        let head = ledger.head();
        let source = Source {
            folded: head.len,
            read: head.len,
            head: head.hash,
            as_of: None,
            today: day(today),
        };
        Narrative::build(&plan, &[], &source)
    }

    #[test]
    fn the_executive_summary_counts_what_the_tables_hold() {
        let ledger = demo_ledger();
        let narrative = narrative_of(&ledger);
        let plan = Plan::from_events(ledger.events());
        assert_eq!(narrative.summary.rows.len(), plan.weaknesses.len());
        // A row per finding: a workstream answering two findings counts in both rows.
        for (row, weakness) in narrative.summary.rows.iter().zip(&plan.weaknesses) {
            let actions: Vec<&ActionView> = plan
                .workstreams_for(&weakness.id)
                .flat_map(|ws| plan.actions_of(&ws.id))
                .collect();
            assert_eq!(row.actions, actions.len(), "{}", row.id);
            let complete = actions
                .iter()
                .filter(|a| a.status == Status::Complete)
                .count();
            assert_eq!(row.complete, complete, "{}", row.id);
            assert_eq!(row.measures, plan.measures_for(&weakness.id).count());
        }
        // The statement counts each action once.
        let complete = plan
            .actions
            .iter()
            .filter(|a| a.status == Status::Complete)
            .count();
        let first = &narrative.summary.claims[0].text;
        assert!(
            first.starts_with(&format!("Judged at {}", narrative.judged_at.long())),
            "{first}"
        );
        let markdown = narrative.to_markdown();
        assert!(markdown.contains(&format!(
            "{} actions answer them: {complete} complete",
            plan.actions.len()
        )));
        // The contents list comes before the summary, and names each finding.
        let contents = markdown.find("## Contents").expect("contents");
        let summary = markdown.find("## Executive summary").expect("summary");
        assert!(contents < summary);
        for weakness in &plan.weaknesses {
            assert!(markdown[contents..summary].contains(&format!("- {}:", weakness.id)));
        }
        // The document ends with the head hash.
        assert!(
            markdown.trim_end().ends_with(
                "Anyone with the ledger can rebuild this document and get the same text."
            ),
        );
        assert!(
            markdown[markdown.rfind("## Verification").expect("verification")..]
                .contains(&ledger.head().hash.to_hex())
        );
    }

    #[test]
    fn actions_are_table_rows_with_status_rag_slip_evidence_and_events() {
        let narrative = narrative_of(&demo_ledger());
        let w2 = &narrative.weaknesses[1];
        let row = |id: &str| {
            w2.actions
                .iter()
                .find(|a| a.id == id)
                .unwrap_or_else(|| panic!("no row {id}"))
        };
        let moved = row("2.1");
        assert_eq!(moved.status, Status::Complete);
        assert_eq!(moved.rag, Some(Rag::Green));
        assert_eq!(moved.slip, "moved back 120 days");
        assert_eq!(
            table::deadline(moved),
            "30 April 2022 (was 31 December 2021)"
        );
        assert_eq!(row("2.3").slip, "done 52 days late");
        assert_eq!(row("2.4").evidence, vec!["E5".to_owned()]);
        for action in &w2.actions {
            assert!(!action.cites.is_empty(), "{} cites its events", action.id);
        }
        let markdown = narrative.to_markdown();
        assert!(markdown.contains(
            "| 2\\.1 | Recruit additional educational psychologists and EHC coordinators to clear the backlog of assessments | Head of SEND Services | 30 April 2022 (was 31 December 2021) | complete | green | moved back 120 days | none | 17, 40, 74, 85, 111, 127 |"
        ), "{markdown}");
        // Judged later, an open action is overdue, in its row and in what is next.
        let later = narrative_judged(&demo_ledger(), "2023-03-01");
        let open = later.weaknesses[1]
            .actions
            .iter()
            .find(|a| a.id == "2.5")
            .expect("2.5");
        assert!(open.overdue);
        assert_eq!(open.slip, "moved back 153 days; 60 days overdue");
        assert!(
            later
                .to_markdown()
                .contains("overdue as at 1 March 2023, oldest first")
        );
    }

    #[test]
    fn measures_are_judged_in_a_table_with_missed_targets_and_dips() {
        let before = narrative_judged(&demo_ledger(), "2022-09-30");
        let m1 = |n: &Narrative| {
            n.weaknesses[1]
                .measures
                .iter()
                .find(|m| m.id == "M1")
                .cloned()
                .expect("M1")
        };
        let on_the_day = m1(&before);
        assert_eq!(
            on_the_day.latest,
            Some(("64%".to_owned(), day("2022-09-30")))
        );
        assert!(
            !on_the_day.met && !on_the_day.missed,
            "not missed on its day"
        );
        assert_eq!(on_the_day.judgement, "moving the right way");
        let after = m1(&narrative_judged(&demo_ledger(), "2022-10-01"));
        assert!(after.missed);
        assert_eq!(after.judgement, "target missed: due by 30 September 2022");
        assert_eq!(after.chart.values.len(), 6);
        assert_eq!(after.chart.baseline.1.as_str(), "31");
        let markdown = narrative_of(&demo_ledger()).to_markdown();
        assert!(markdown.contains(
            "| M1 EHC plans issued within 20 weeks (excluding exceptions) | 31% (31 March 2021) | none set | 64% (30 September 2022) | no trajectory | 65% by 30 September 2022 | target missed: due by 30 September 2022 |"
        ));
        // A dip is named with its date; the values are no longer listed one by one.
        assert!(markdown.contains(
            "Measure M1 fell back once: to 39% on 31 December 2021 (from 42% on 30 September 2021)."
        ));
        assert!(!markdown.contains("in the order recorded"));
        let html = narrative_of(&demo_ledger()).to_html();
        assert!(html.contains("<caption>Measures of impact for W2</caption>"));
        assert!(html.contains("aria-labelledby=\"chart-W2-M1-title chart-W2-M1-desc\""));
        assert!(html.contains("<desc id=\"chart-W2-M1-desc\">Baseline 31% on 31 March 2021. Values: 34% on 30 June 2021;"));
    }

    #[test]
    fn a_finding_with_no_measure_of_impact_is_flagged() {
        let narrative = narrative_of(&demo_ledger());
        let w1 = &narrative.weaknesses[0];
        assert!(w1.measures.is_empty());
        assert!(w1.no_impact_shown);
        assert!(narrative.summary.rows[0].no_impact_shown);
        let flag = w1.sections[0]
            .claims
            .iter()
            .find(|c| {
                c.text
                    .starts_with("Flag: no measure of impact has been defined")
            })
            .expect("the flag");
        assert!(
            !flag.cites.is_empty(),
            "the flag cites the completed actions"
        );
        assert!(narrative.weaknesses[1..].iter().all(|w| !w.no_impact_shown));
    }

    #[test]
    fn a_finding_with_very_many_actions_is_summed_up_per_workstream() {
        let mut ledger = MemoryLedger::new();
        let on = day("2021-05-04");
        let at = 1_620_120_000_000;
        let mut commands = vec![
            Command::OpenLedger(LedgerOpened {
                area: "Northshire local area".to_owned(),
                partners: vec![],
            }),
            Command::RecordInspection(InspectionRecorded {
                inspectorates: vec!["Ofsted".to_owned()],
                from: day("2021-03-08"),
                to: day("2021-03-12"),
                published: day("2021-04-27"),
            }),
            Command::RecordWeakness(WeaknessRecorded {
                id: WeaknessId::new("W1").expect("valid"),
                title: "Leadership".to_owned(),
                finding: None,
            }),
            Command::CreateWorkstream(WorkstreamCreated {
                id: WorkstreamId::new("WS1").expect("valid"),
                title: "Leadership".to_owned(),
                sponsor: "Director".to_owned(),
                weaknesses: vec![WeaknessId::new("W1").expect("valid")],
            }),
        ];
        for n in 0..=MAX_ACTION_ROWS {
            commands.push(Command::CreateAction(ActionCreated {
                id: ActionId::new(format!("1.{n}")).expect("valid"),
                workstream: WorkstreamId::new("WS1").expect("valid"),
                title: format!("Action {n}"),
                owner: "Lead".to_owned(),
                due: day("2021-09-30"),
                success: vec![],
            }));
        }
        for n in 0..MAX_TOLD + 5 {
            commands.push(Command::AddNote(crate::command::AddNote {
                about: "WS1".parse().expect("a subject"),
                text: format!("Note {n}"),
                from: Some("Parent carer forum".to_owned()),
            }));
        }
        for command in &commands {
            ledger.record(command, officer(), on, at).expect("accepted");
        }
        let narrative = narrative_judged(&ledger, "2021-10-01");
        let w1 = &narrative.weaknesses[0];
        // The latest notes are told, the earlier counted.
        let voice = w1
            .sections
            .iter()
            .find(|s| s.heading.starts_with("The families"))
            .expect("the families' voice");
        assert_eq!(voice.claims.len(), MAX_TOLD + 1);
        assert!(
            voice.claims[0]
                .text
                .starts_with("5 earlier notes and entries")
        );
        assert!(
            voice.claims[1].text.ends_with("\u{201c}Note 5\u{201d}."),
            "{}",
            voice.claims[1].text
        );
        assert!(w1.actions.is_empty());
        assert_eq!(w1.workstreams.len(), 1);
        assert_eq!(w1.workstreams[0].actions, MAX_ACTION_ROWS + 1);
        assert_eq!(w1.workstreams[0].overdue, MAX_ACTION_ROWS + 1);
        assert_eq!(narrative.summary.rows[0].actions, MAX_ACTION_ROWS + 1);
        let markdown = narrative.to_markdown();
        assert!(
            markdown.contains("| WS1 Leadership | 41 | 0 | 41 | 0 | 0 | 0 |"),
            "{markdown}"
        );
        // What is next names the first ten and counts the rest.
        assert!(markdown.contains("and 31 more"), "{markdown}");
        check_well_formed(&narrative.to_html());
    }

    /// The 2023 demo story (several plans, findings of three types), in a ledger in memory.
    fn demo_2023() -> MemoryLedger {
        crate::demo::framework2023::in_memory()
    }

    #[test]
    fn the_findings_of_the_plan_reported_on_are_taken_in_turn_and_the_others_in_a_line() {
        let narrative = narrative_judged(&demo_2023(), "2025-07-14");
        let ids: Vec<&str> = narrative.weaknesses.iter().map(|w| w.id.as_str()).collect();
        assert_eq!(
            ids,
            ["AFI1", "AFI2", "AFI3"],
            "the improvement plan IP1's findings"
        );
        assert!(
            narrative.summary.claims[1].text.starts_with(
                "It reports on the improvement plan IP1, which answers three areas for improvement"
            ),
            "{}",
            narrative.summary.claims[1].text
        );
        let other = narrative.other_findings.as_ref().expect("other findings");
        assert_eq!(other.claims.len(), 5, "W1 to W4 and AP1");
        assert!(other.claims[4].text.starts_with("AP1, \u{2018}Timeliness of EHC needs assessments\u{2019} (area for priority action, answered by the priority action plan PAP1)"), "{}", other.claims[4].text);
        // Each finding is introduced with its own inspection's report.
        assert_eq!(
            narrative.weaknesses[2].introduction.text,
            "The inspectors\u{2019} report of 12 November 2024 recorded this finding:"
        );
        // A measure with a trajectory: judged against it, charted with its steps.
        let m4 = &narrative.weaknesses[2].measures[0];
        assert_eq!(m4.against, Some("above trajectory"));
        assert_eq!(m4.trajectory.len(), 3);
        assert!(!m4.missed, "its target date is still to come");
        let html = narrative.to_html();
        check_well_formed(&html);
        let chart = &html[html
            .find("aria-labelledby=\"chart-AFI3-M4-title")
            .expect("a chart")..];
        let chart = &chart[..chart.find("</svg>").expect("the chart ends")];
        assert!(
            chart.contains("stroke-dasharray=\"6 3\""),
            "the trajectory's steps: {chart}"
        );
        assert!(
            chart.contains(
                "Trajectory: 65% by 31 March 2025; 80% by 30 June 2025; 90% by 31 December 2025."
            ),
            "{chart}"
        );
        // Judged after the target date, the same measure has missed it.
        let later = narrative_judged(&demo_2023(), "2026-01-01");
        assert!(later.weaknesses[2].measures[0].missed);
        assert_eq!(later.summary.rows[2].missed, 1);
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
