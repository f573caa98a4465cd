//! Importing a council's spreadsheet tracker: finding the row of headings (under title rows, in
//! merged or two-row headers), recognising the usual column headings, reading each action row
//! (dates as Excel serial numbers or as text, status and RAG words as councils write them), and
//! planning the commands that make the ledger match the spreadsheet, given what it already holds.
//!
//! Pure, like the core it builds on: the CLI reads the file into a [`Sheet`]; [`plan_import`]
//! returns an [`ImportPlan`]: the commands in order (each with the row it comes from and a line
//! for people), every problem row by row, and notices (skipped rows, ignored columns). A plan
//! with problems must record nothing. Because the plan is a difference between the spreadsheet
//! and the ledger, importing the same file twice plans nothing the second time, and next month's
//! file plans only what changed.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use wsoa_core::command::{AddNote, Command};
use wsoa_core::date::{Date, MONTH_NAMES};
use wsoa_core::deadline::Deadline;
use wsoa_core::decide::{State, When, decide};
use wsoa_core::event::{
    ActionAmended, ActionAmendedWithDeadline, ActionCreated, ActionCreatedWithDeadline,
    ActionStatusChanged, Actor, Event, FORMAT_VERSION, Rag, Role, Status, WeaknessRecorded,
    WorkstreamAmended, WorkstreamCreated,
};
use wsoa_core::ids::{
    ActionId, Digest, ParseError, SubjectKind, SubjectRef, WeaknessId, WorkstreamId,
};
use wsoa_core::plan::Plan;

mod measure;

use measure::{MeasureRow, is_measure_reference, labelled_value};

pub use wsoa_core::plan::{SPONSOR_NOT_RECORDED, sponsor_recorded};

/// How many rows from the top are searched for the row of headings.
pub const HEADER_SEARCH_ROWS: usize = 50;

/// One cell as read from a spreadsheet.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Nothing in it.
    Empty,
    /// Text, as written.
    Text(String),
    /// A number; in a deadline column, an Excel serial date.
    Number(f64),
    /// A date (a cell formatted as a date in the workbook).
    Date(Date),
}

impl Cell {
    /// The cell as text: trimmed, Windows line breaks made plain, the quote that keeps a
    /// spreadsheet from running a cell as a formula removed (`text::csv_cell_back`, so that a
    /// plan exported with `wsoa show --format csv` reads back as it was recorded), whole numbers
    /// without a decimal point, dates in ISO 8601.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => {
                wsoa_core::text::csv_cell_back(text.replace("\r\n", "\n").trim()).to_owned()
            }
            Cell::Number(number) => format_number(*number),
            Cell::Date(date) => date.to_string(),
        }
    }
}

fn format_number(number: f64) -> String {
    if number.is_finite() && number.fract() == 0.0 && number.abs() < 1e15 {
        format!("{number:.0}")
    } else {
        number.to_string()
    }
}

/// A worksheet: `rows[0]` is the spreadsheet's row 1, and `rows[r][0]` its column A, so that
/// every message names the row and column a person sees in Excel.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sheet {
    /// The rows, from row 1; rows may have different lengths.
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    /// A sheet of text cells (from a CSV file): blank strings become empty cells.
    pub fn from_text<R, C>(rows: R) -> Sheet
    where
        R: IntoIterator<Item = C>,
        C: IntoIterator<Item = String>,
    {
        Sheet {
            rows: rows
                .into_iter()
                .map(|row| {
                    row.into_iter()
                        .map(|text| {
                            if text.trim().is_empty() {
                                Cell::Empty
                            } else {
                                Cell::Text(text)
                            }
                        })
                        .collect()
                })
                .collect(),
        }
    }

    fn cell(&self, row: usize, column: Option<usize>) -> &Cell {
        column
            .and_then(|c| self.rows.get(row).and_then(|cells| cells.get(c)))
            .unwrap_or(&Cell::Empty)
    }
}

/// The date of an Excel serial number in the 1900 date system: 1 is 1 January 1900, and 60 is
/// Excel's 29 February 1900, which never existed (Lotus 1-2-3's leap-year bug, kept by Excel),
/// so it gives `None`; from 61 (1 March 1900) on, serials count real days. A fraction (the time
/// of day) is ignored.
pub fn excel_serial_date(serial: f64) -> Option<Date> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    // Truncation is intended: the whole part is the day, the fraction the time of day.
    let day = serial.floor() as i64;
    // Serial 25569 is 1 January 1970. Before the phantom 29 February the count is one day
    // shorter, because Excel counts that day and the calendar does not.
    match day {
        60 => None,
        1..=59 => Date::from_days_since_epoch(day - 25_568),
        _ => Date::from_days_since_epoch(day - 25_569),
    }
}

/// The earliest and latest years a deadline is believed to have: a number outside them in a
/// deadline column (2021, 12) is not taken for a serial date.
const PLAUSIBLE_YEARS: std::ops::RangeInclusive<u16> = 2000..=2100;

/// A date written in a cell as text, as councils write them: `2021-07-15`, `15/07/2021`,
/// `15/07/21`, `15 July 2021`, `15th Jul 2021`, `15-Jul-21`, `Thursday 15 July 2021`, `July 15,
/// 2021`, an ISO date with a time of day (`2021-07-15 00:00:00`), or a month alone (`July 2021`,
/// `end of July 2021`, `by Sept 2021`), which means the last day of that month. Two-digit years
/// are in this century. Anything else (`Autumn 2021`, `Q3`, `TBC`, `Ongoing`) is not a date.
pub fn parse_date_text(input: &str) -> Option<Date> {
    parse_date_parts(input).map(|(date, _)| date)
}

/// `parse_date_text`, saying whether the text named a day (`false` for a month alone).
fn parse_date_parts(input: &str) -> Option<(Date, bool)> {
    let text = input.trim();
    if let Ok(date) = text.parse::<Date>() {
        return Some((date, true));
    }
    // ISO with a time of day, as CSV exports write date cells.
    if let Some((day, time)) = text.split_once(['T', ' '])
        && time
            .trim()
            .trim_end_matches('Z')
            .chars()
            .all(|c| c.is_ascii_digit() || c == ':' || c == '.')
        && let Ok(date) = day.parse::<Date>()
    {
        return Some((date, true));
    }
    // Day-first with a two-digit year: 15/07/21.
    let parts: Vec<&str> = text.split('/').collect();
    if let [d, m, y] = parts.as_slice()
        && y.len() == 2
        && let (Ok(d), Ok(m), Ok(y)) = (d.parse::<u8>(), m.parse::<u8>(), y.parse::<u16>())
    {
        return Date::new(2000 + y, m, d).ok().map(|date| (date, true));
    }
    let lower = text.to_lowercase();
    let mut words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | ',' | '.'))
        .filter(|w| !w.is_empty())
        .collect();
    for filler in [["by", "the"], ["end", "of"]] {
        while words.first().is_some_and(|w| filler.contains(w)) {
            words.remove(0);
        }
    }
    const WEEKDAYS: [&str; 14] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
    ];
    if words.first().is_some_and(|w| WEEKDAYS.contains(w)) {
        words.remove(0);
    }
    let day = |word: &str| {
        let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let suffix = &word[digits.len()..];
        let ordinal = matches!(suffix, "" | "st" | "nd" | "rd" | "th");
        (ordinal && !digits.is_empty() && digits.len() <= 2)
            .then(|| digits.parse::<u8>().ok())
            .flatten()
    };
    let year = |word: &str| match word.len() {
        4 => word.parse::<u16>().ok(),
        2 => word.parse::<u16>().ok().map(|y| 2000 + y),
        _ => None,
    };
    match words.as_slice() {
        [d, m, y] => {
            if let (Some(d), Some(m), Some(y)) = (day(d), month(m), year(y)) {
                return Date::new(y, m, d).ok().map(|date| (date, true));
            }
            // July 15 2021.
            let (m, d, y) = (month(words[0])?, day(words[1])?, year(words[2])?);
            Date::new(y, m, d).ok().map(|date| (date, true))
        }
        [m, y] => {
            let (m, y) = (month(m)?, year(y)?);
            let first_of_next = if m == 12 {
                Date::new(y.checked_add(1)?, 1, 1).ok()?
            } else {
                Date::new(y, m + 1, 1).ok()?
            };
            Date::from_days_since_epoch(first_of_next.days_since_epoch() - 1)
                .map(|date| (date, false))
        }
        _ => None,
    }
}

/// A month's number from its name or a three-letter (or "sept") abbreviation.
fn month(word: &str) -> Option<u8> {
    MONTH_NAMES.iter().zip(1u8..).find_map(|(name, number)| {
        let name = name.to_lowercase();
        (word == name || word == &name[..3] || (number == 9 && word == "sept")).then_some(number)
    })
}

/// A deadline cell: nothing, a deadline (a date, or words the ledger reads: "Autumn term 2021",
/// "Ongoing", "TBC"), or words it cannot read as a deadline ("See above"), kept as written.
#[derive(Clone, Debug, PartialEq)]
enum Due {
    Blank,
    Deadline(Deadline),
    /// The words, and why they are no deadline (what to write instead).
    Unreadable(String, String),
}

/// The deadline of a new action whose cell gives none: not yet set, a gap to close.
pub const DEADLINE_NOT_RECORDED: &str = "Not recorded";

/// What a deadline cell says: a date (a date cell, an Excel serial number, or a full date written
/// as text), words that stand for a date or for recurring or unset work, read by
/// [`Deadline::parse`] and kept as written ("July 2021", "Autumn term 2021", "Q3 2021/22",
/// "Ongoing", "TBC"), nothing, or words that are none of these. The one place deadline cells are
/// interpreted.
fn read_deadline_cell(cell: &Cell) -> Due {
    let serial = |number: f64| {
        excel_serial_date(number).filter(|date| PLAUSIBLE_YEARS.contains(&date.year()))
    };
    match cell {
        Cell::Empty => Due::Blank,
        Cell::Date(date) => Due::Deadline(Deadline::On(*date)),
        Cell::Number(number) => serial(*number).map_or_else(
            || Due::Unreadable(cell.text(), wsoa_core::deadline::FORMS.to_owned()),
            |date| Due::Deadline(Deadline::On(date)),
        ),
        Cell::Text(_) => {
            let text = cell.text();
            if text.is_empty() {
                return Due::Blank;
            }
            if let Some(date) = text.parse::<f64>().ok().and_then(serial) {
                return Due::Deadline(Deadline::On(date));
            }
            match (parse_date_parts(&text), Deadline::parse(&text)) {
                // A full date ("15/07/2021", "15 July 2021") is a date, however written.
                (Some((date, true)), _) => Due::Deadline(Deadline::On(date)),
                (_, Ok(deadline)) => Due::Deadline(deadline),
                (Some((date, false)), Err(_)) => Due::Deadline(Deadline::On(date)),
                (None, Err(error)) => {
                    let reason = match error {
                        ParseError::Deadline { reason, .. } => reason,
                        other => other.to_string(),
                    };
                    Due::Unreadable(text, reason)
                }
            }
        }
    }
}

/// Whether two deadlines say the same for the ledger: the same day (however written: "Jul-21"
/// and "July 2021" and 31/07/2021 are one deadline), the same recurrence, or both not set.
fn same_deadline(a: &Deadline, b: &Deadline) -> bool {
    match (a.date(), b.date()) {
        (Some(x), Some(y)) => x == y,
        (None, None) => a.recurrence() == b.recurrence(),
        _ => false,
    }
}

/// A deadline for people: "Autumn term 2021 (31 December 2021)", "Ongoing", "31 October 2021".
fn describe_deadline(deadline: &Deadline) -> String {
    deadline.describe(Date::long)
}

/// An action's deadline as the ledger holds it.
fn current_deadline(action: &wsoa_core::plan::ActionView) -> Deadline {
    action.deadline.clone().unwrap_or(Deadline::On(action.due))
}

/// The command that amends an action: `AmendAction` when the deadline (if it moves) is a date,
/// as it always was, `AmendActionWithDeadline` when it moves to words.
fn amendment(
    id: ActionId,
    title: Option<String>,
    owner: Option<String>,
    due: Option<Deadline>,
    reason: String,
) -> Command {
    match due {
        None => Command::AmendAction(ActionAmended {
            id,
            title,
            owner,
            due: None,
            reason,
        }),
        Some(Deadline::On(date)) => Command::AmendAction(ActionAmended {
            id,
            title,
            owner,
            due: Some(date),
            reason,
        }),
        Some(due) => Command::AmendActionWithDeadline(ActionAmendedWithDeadline {
            id,
            title,
            owner,
            due: Some(due),
            reason,
        }),
    }
}

/// Lowercase, apostrophes dropped, every other run of punctuation and spaces one space, and a
/// lone "s" (from "officer(s)") dropped: how headings, statuses and RAG words are compared.
fn normalise(text: &str) -> String {
    let spaced: String = text
        .chars()
        .filter(|c| !matches!(c, '\'' | '\u{2019}'))
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                ' '
            }
        })
        .collect();
    spaced
        .split_whitespace()
        .filter(|word| *word != "s")
        .collect::<Vec<_>>()
        .join(" ")
}

/// The status a tracker's word means: `Not started`, `In progress` (also "ongoing", "on track",
/// "underway", "delayed"), `Complete` (also "Completed", "Done", "Closed", "Achieved"),
/// `Blocked` (also "On hold", "Paused") or `Withdrawn` (also "Cancelled", "No longer
/// required"), in any case and spacing; a known word followed by more ("Complete - see
/// evidence") counts. `None` for anything else.
pub fn parse_status(input: &str) -> Option<Status> {
    const WORDS: [(&str, Status); 40] = [
        ("not started", Status::NotStarted),
        ("not yet started", Status::NotStarted),
        ("yet to start", Status::NotStarted),
        ("to start", Status::NotStarted),
        ("not begun", Status::NotStarted),
        ("pending", Status::NotStarted),
        ("planned", Status::NotStarted),
        ("in progress", Status::InProgress),
        ("inprogress", Status::InProgress),
        ("started", Status::InProgress),
        ("ongoing", Status::InProgress),
        ("on going", Status::InProgress),
        ("underway", Status::InProgress),
        ("under way", Status::InProgress),
        ("on track", Status::InProgress),
        ("in hand", Status::InProgress),
        ("progressing", Status::InProgress),
        ("delayed", Status::InProgress),
        ("behind schedule", Status::InProgress),
        ("partially complete", Status::InProgress),
        ("partly complete", Status::InProgress),
        ("complete", Status::Complete),
        ("completed", Status::Complete),
        ("done", Status::Complete),
        ("closed", Status::Complete),
        ("achieved", Status::Complete),
        ("finished", Status::Complete),
        ("delivered", Status::Complete),
        ("blocked", Status::Blocked),
        ("on hold", Status::Blocked),
        ("paused", Status::Blocked),
        ("stalled", Status::Blocked),
        ("suspended", Status::Blocked),
        ("withdrawn", Status::Withdrawn),
        ("cancelled", Status::Withdrawn),
        ("canceled", Status::Withdrawn),
        ("no longer required", Status::Withdrawn),
        ("not required", Status::Withdrawn),
        ("superseded", Status::Withdrawn),
        ("removed", Status::Withdrawn),
    ];
    let text = normalise(input);
    if let Some((_, status)) = WORDS.iter().find(|(word, _)| *word == text) {
        return Some(*status);
    }
    // The longest known phrase that starts the text, whole words only.
    WORDS
        .iter()
        .filter(|(word, _)| {
            text.strip_prefix(word)
                .is_some_and(|rest| rest.starts_with(' '))
        })
        .max_by_key(|(word, _)| word.len())
        .map(|(_, status)| *status)
}

/// What a RAG cell says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RagCell {
    /// Red, amber or green.
    Rag(Rag),
    /// Blue (BRAG): complete.
    Blue,
}

/// The RAG a cell means: `R`, `A`, `G`, `B` alone, or `Red`, `Amber`, `Green`, `Blue` (BRAG's
/// complete; "Complete" in a RAG column means the same) with or without more words
/// ("Green - on track"). `Err(true)` when it names more than one rating ("Red/Amber"),
/// `Err(false)` when it names none.
pub fn parse_rag(input: &str) -> Result<RagCell, bool> {
    let text = normalise(input);
    let single = match text.as_str() {
        "r" => Some(RagCell::Rag(Rag::Red)),
        "a" => Some(RagCell::Rag(Rag::Amber)),
        "g" => Some(RagCell::Rag(Rag::Green)),
        "b" | "complete" | "completed" => Some(RagCell::Blue),
        _ => None,
    };
    if let Some(rag) = single {
        return Ok(rag);
    }
    let found: BTreeSet<RagCell> = text
        .split(' ')
        .filter_map(|word| match word {
            "red" => Some(RagCell::Rag(Rag::Red)),
            "amber" => Some(RagCell::Rag(Rag::Amber)),
            "green" => Some(RagCell::Rag(Rag::Green)),
            "blue" => Some(RagCell::Blue),
            _ => None,
        })
        .collect();
    let mut found = found.into_iter();
    match (found.next(), found.next()) {
        (Some(rag), None) => Ok(rag),
        (Some(_), Some(_)) => Err(true),
        (None, _) => Err(false),
    }
}

/// The field an import reads each column of the tracker the ledger writes as, in the order of
/// [`TRACKER_HEADINGS`] (`None`: worked out from the others, not read back).
const COLUMN_FIELDS: [Option<Field>; 14] = [
    Some(Field::Ref),
    Some(Field::Weakness),
    Some(Field::Workstream),
    Some(Field::Sponsor),
    Some(Field::Action),
    Some(Field::Owner),
    Some(Field::Due),
    None,
    Some(Field::Status),
    Some(Field::Rag),
    None,
    Some(Field::Success),
    Some(Field::Update),
    None,
];

/// The headings of the tracker the ledger writes (`wsoa show --format csv` and the workbook's
/// Tracker sheet), in order: the core's one list.
pub const TRACKER_HEADINGS: [&str; 14] = wsoa_core::show::CSV_COLUMNS;

/// The columns of the tracker the ledger writes, each with the field an import reads it as. One
/// list, so that what is exported imports back.
pub const TRACKER_COLUMNS: [(&str, Option<Field>); 14] = {
    let mut columns = [("", None); 14];
    let mut i = 0;
    while i < columns.len() {
        columns[i] = (TRACKER_HEADINGS[i], COLUMN_FIELDS[i]);
        i += 1;
    }
    columns
};

/// What a column of the tracker holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    /// The action's reference (its id).
    Ref,
    /// What will be done (the action's wording).
    Action,
    /// The lead officer.
    Owner,
    /// The deadline.
    Due,
    /// A revised deadline beside the deadline: the current one, the deadline's having slipped.
    RevisedDue,
    /// The status.
    Status,
    /// The RAG rating.
    Rag,
    /// Success criteria or measures of impact.
    Success,
    /// The latest update.
    Update,
    /// The workstream.
    Workstream,
    /// The area of weakness.
    Weakness,
    /// The workstream's senior accountable sponsor.
    Sponsor,
    /// A measure of impact's title (on a measure's row, or beside an action).
    Measure,
    /// A measure's baseline value (its date in the cell or the heading: "Baseline (Feb 2021)").
    Baseline,
    /// A measure's target value (its date in the cell or the heading: "Target (March 2022)").
    Target,
    /// A measure's latest value.
    Latest,
    /// A column to leave out (only through `--map COLUMN=ignore`).
    Ignore,
}

impl Field {
    /// Every field's word, as `--map COLUMN=FIELD` takes it.
    pub const WORDS: &'static str = "ref, action, owner, due, revised, status, rag, success, update, workstream, weakness, sponsor, measure, baseline, target, latest, ignore";

    /// The field's word (`owner`).
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Ref => "ref",
            Field::Action => "action",
            Field::Owner => "owner",
            Field::Due => "due",
            Field::RevisedDue => "revised",
            Field::Status => "status",
            Field::Rag => "rag",
            Field::Success => "success",
            Field::Update => "update",
            Field::Workstream => "workstream",
            Field::Weakness => "weakness",
            Field::Sponsor => "sponsor",
            Field::Measure => "measure",
            Field::Baseline => "baseline",
            Field::Target => "target",
            Field::Latest => "latest",
            Field::Ignore => "ignore",
        }
    }

    /// What the field is, for a sentence ("the deadline").
    pub fn label(self) -> &'static str {
        match self {
            Field::Ref => "the action's reference",
            Field::Action => "the action",
            Field::Owner => "the owner",
            Field::Due => "the deadline",
            Field::RevisedDue => "the revised deadline",
            Field::Status => "the status",
            Field::Rag => "the RAG rating",
            Field::Success => "the success criteria",
            Field::Update => "the latest update",
            Field::Workstream => "the workstream",
            Field::Weakness => "the area of weakness",
            Field::Sponsor => "the sponsor",
            Field::Measure => "the measure",
            Field::Baseline => "the measure's baseline",
            Field::Target => "the measure's target",
            Field::Latest => "the measure's latest value",
            Field::Ignore => "nothing",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Field {
    type Err = ParseError;

    /// A field's word, or one of the usual headings for it (`lead`, `deadline`, `rag rating`).
    fn from_str(input: &str) -> Result<Field, ParseError> {
        let word = normalise(input);
        let fields = [
            Field::Ref,
            Field::Action,
            Field::Owner,
            Field::Due,
            Field::RevisedDue,
            Field::Status,
            Field::Rag,
            Field::Success,
            Field::Update,
            Field::Workstream,
            Field::Weakness,
            Field::Sponsor,
            Field::Measure,
            Field::Baseline,
            Field::Target,
            Field::Latest,
            Field::Ignore,
        ];
        if let Some(field) = fields.into_iter().find(|f| f.as_str() == word) {
            return Ok(field);
        }
        match word.as_str() {
            "none" | "skip" => return Ok(Field::Ignore),
            "success criteria" => return Ok(Field::Success),
            _ => {}
        }
        recognise_exact(&word)
            .map(|(field, _)| field)
            .ok_or(ParseError::Choice {
                what: "field",
                input: input.to_owned(),
                allowed: Field::WORDS,
            })
    }
}

/// How sure a heading's recognition is: a `--map` beats a usual heading, which beats a loose one
/// ("Comments" is an update only when no column is headed "Update" or "Progress update").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    Mapped,
    Usual,
    Loose,
}

/// The usual headings of each field, normalised; the second list of each is the loose ones.
#[rustfmt::skip]
const HEADINGS: [(Field, &[&str], &[&str]); 16] = [
    (
        Field::Ref,
        &["ref", "refs", "reference", "ref no", "ref number", "reference number", "action ref",
          "action reference", "action no", "action number", "action id"],
        &["no", "number", "id", "item", "item no"],
    ),
    (
        Field::Action,
        &["action", "actions", "action description", "description of action", "action title",
          "actions to be taken", "action to be taken", "what we will do", "what will we do",
          "what will be done", "key actions", "key action", "detailed action"],
        &["description", "activity", "activities", "task", "tasks"],
    ),
    (
        Field::Owner,
        &["lead", "owner", "lead officer", "action owner", "action lead", "responsible officer",
          "responsible person", "responsible lead", "lead person", "lead responsible officer",
          "accountable officer", "officer responsible", "named lead", "by whom", "leads",
          "owners", "lead officers", "responsible officers", "operational lead"],
        &["who", "responsible", "accountable lead", "accountable person", "lead agency"],
    ),
    (
        Field::Due,
        &["deadline", "timescale", "timescales", "due", "due date", "date due", "by when",
          "target date", "target completion date", "date for completion", "timeframe",
          "time frame", "deadline date", "current deadline", "due by"],
        &["when", "completion date", "end date", "target completion"],
    ),
    (
        Field::RevisedDue,
        &["revised deadline", "revised date", "new deadline", "revised timescale",
          "revised due date", "revised target date", "amended deadline", "revised completion date"],
        &[],
    ),
    (
        Field::Status,
        &["status", "action status", "current status", "progress status", "status of action",
          "delivery status"],
        &["state"],
    ),
    (
        Field::Rag,
        &["rag", "rag rating", "rag status", "brag", "brag rating", "brag status", "overall rag",
          "progress rag"],
        &["rating"],
    ),
    (
        Field::Success,
        &["success criteria", "success criterion", "measure of impact", "measures of impact",
          "measures of success", "measure of success", "success measures", "success measure",
          "impact measures", "impact measure", "intended impact", "expected impact",
          "what success looks like", "how we will know", "how will we know",
          "evidence of impact", "measure of impact evidence", "impact evidence"],
        &["impact", "outcome", "outcomes", "expected outcome", "expected outcomes",
          "intended outcome", "intended outcomes"],
    ),
    (
        Field::Update,
        &["update", "updates", "latest update", "progress update", "update on progress",
          "progress to date", "current position", "latest position", "monthly update",
          "progress notes", "progress commentary", "update this period", "progress this period",
          "update this month", "progress this month", "latest progress", "rag commentary"],
        &["progress", "commentary", "comments", "comment", "narrative", "notes"],
    ),
    (
        Field::Workstream,
        &["workstream", "workstreams", "work stream", "work streams", "workstream title",
          "workstream name"],
        &["theme", "strand"],
    ),
    (
        Field::Weakness,
        &["area of weakness", "areas of weakness", "area of significant weakness",
          "areas of significant weakness", "significant weakness", "weakness", "aow", "asw",
          "key concern", "key concerns", "area for development", "areas for development",
          "area for priority action", "areas for priority action", "area for improvement",
          "areas for improvement", "priority area", "improvement priority"],
        &["weaknesses", "finding", "findings", "concern", "concerns"],
    ),
    (
        Field::Sponsor,
        &["sponsor", "senior sponsor", "workstream sponsor", "senior accountable sponsor",
          "accountable sponsor", "sro", "senior responsible officer", "executive sponsor",
          "strategic lead", "workstream lead"],
        &[],
    ),
    (
        Field::Measure,
        &["measure", "measures", "kpi", "kpis", "key performance indicator",
          "key performance indicators", "performance measure", "performance measures",
          "performance indicator", "performance indicators", "impact measure title", "metric",
          "metrics", "measure title", "measure description"],
        &["indicator", "indicators"],
    ),
    (
        Field::Baseline,
        &["baseline", "baseline position", "baseline data", "baseline figure", "baseline value",
          "starting point", "start point", "baseline performance"],
        &[],
    ),
    (
        Field::Target,
        &["target", "targets", "target value", "target figure", "target position",
          "target performance"],
        &[],
    ),
    (
        Field::Latest,
        &["latest", "latest data", "latest figure", "latest value", "latest performance",
          "current", "current figure", "current value", "current performance", "current data",
          "actual", "latest actual", "performance to date"],
        &[],
    ),
];

/// The field a normalised heading is one of the usual headings of.
fn recognise_exact(heading: &str) -> Option<(Field, Tier)> {
    HEADINGS.iter().find_map(|(field, usual, loose)| {
        if usual.contains(&heading) {
            Some((*field, Tier::Usual))
        } else if loose.contains(&heading) {
            Some((*field, Tier::Loose))
        } else {
            None
        }
    })
}

/// The field a heading as written names: one of the usual headings, or a compound whose
/// recognised parts agree ("Deadline / Timescale", "Lead (owner)", "RAG (Red/Amber/Green)").
fn recognise_heading(raw: &str) -> Option<(Field, Tier)> {
    if raw.trim() == "#" {
        return Some((Field::Ref, Tier::Loose));
    }
    if let Some(found) = recognise_exact(&normalise(raw)) {
        return Some(found);
    }
    let lower = raw.to_lowercase();
    let parts: Vec<String> = lower
        .split(['/', '&', '(', ')', ',', '|', '\n', ':', '+'])
        .flat_map(|part| part.split(" or ").map(str::to_owned).collect::<Vec<_>>())
        .flat_map(|part| part.split(" and ").map(str::to_owned).collect::<Vec<_>>())
        .map(|part| normalise(&part))
        .filter(|part| !part.is_empty())
        .collect();
    if parts.len() < 2 {
        return None;
    }
    let found: Vec<(Field, Tier)> = parts.iter().filter_map(|p| recognise_exact(p)).collect();
    let first = *found.first()?;
    found.iter().all(|(field, _)| *field == first.0).then(|| {
        (
            first.0,
            found.iter().map(|(_, t)| *t).min().unwrap_or(first.1),
        )
    })
}

/// `--map COLUMN=FIELD`: the column (its heading as written, or its letter) holds the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnMap {
    /// The heading or the column letter, as given.
    pub column: String,
    /// What it holds.
    pub field: Field,
}

/// A `--map` that is not `COLUMN=FIELD`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MapError(String);

impl FromStr for ColumnMap {
    type Err = MapError;

    fn from_str(input: &str) -> Result<ColumnMap, MapError> {
        let Some((column, field)) = input.rsplit_once('=') else {
            return Err(MapError(format!(
                "'{input}' is not COLUMN=FIELD: write the column's heading or letter, '=', and what it holds ({}), such as \"Lead person=owner\" or H=ignore",
                Field::WORDS
            )));
        };
        if column.trim().is_empty() {
            return Err(MapError(format!(
                "'{input}' names no column: write the column's heading or letter before '='"
            )));
        }
        let field = field
            .parse::<Field>()
            .map_err(|err| MapError(err.to_string()))?;
        Ok(ColumnMap {
            column: column.trim().to_owned(),
            field,
        })
    }
}

/// The column letter of a 0-based index: A, B, ..., Z, AA, AB, ...
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + u8::try_from(rem).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// The 0-based index of a column letter (`A`, `h`, `AB`), if it is one (up to three letters).
fn column_index(letters: &str) -> Option<usize> {
    let letters = letters.trim();
    if letters.is_empty() || letters.len() > 3 || !letters.chars().all(|c| c.is_ascii_alphabetic())
    {
        return None;
    }
    letters
        .to_ascii_uppercase()
        .bytes()
        .try_fold(0usize, |n, b| Some(n * 26 + usize::from(b - b'A' + 1)))
        .map(|n| n - 1)
}

/// One column of the tracker, as read from its row of headings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// Its letter (`A`).
    pub letter: String,
    /// Its heading as written (both rows of a two-row heading, joined by " / ").
    pub heading: String,
    /// What it was read as; `None` for a column that is not imported.
    pub field: Option<Field>,
}

/// Something found in the file: a problem that stops the import, or a notice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The spreadsheet row it is about, from 1; `None` for the file as a whole.
    pub row: Option<usize>,
    /// What is wrong or what was done, and how to fix it.
    pub message: String,
}

impl Finding {
    fn at_row(row: usize, message: impl Into<String>) -> Finding {
        Finding {
            row: Some(row),
            message: message.into(),
        }
    }

    fn whole_file(message: impl Into<String>) -> Finding {
        Finding {
            row: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.row {
            Some(row) => write!(f, "row {row}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// One command of the import, with the row it comes from and a line saying what it records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The spreadsheet row it comes from (a new weakness or workstream: its first row).
    pub row: Option<usize>,
    /// The command.
    pub command: Command,
    /// What it records, for people ("action 1.2: deadline 30 September 2021 → 31 December 2021").
    pub summary: String,
}

impl Step {
    /// The kind of event it records, as `wsoa log` names kinds (`action_amended`).
    pub fn kind(&self) -> &'static str {
        match &self.command {
            Command::RecordWeakness(_) => "weakness_recorded",
            Command::CreateWorkstream(_) => "workstream_created",
            Command::AmendWorkstream(_) => "workstream_amended",
            Command::CreateAction(_) => "action_created",
            Command::ImportAction(_) => "action_created_with_deadline",
            Command::AmendAction(_) => "action_amended",
            Command::AmendActionWithDeadline(_) => "action_amended_with_deadline",
            Command::ChangeActionStatus(_) => "action_status_changed",
            Command::DefineMeasure(_) => "measure_defined",
            Command::RecordMeasure(_) => "measure_recorded",
            Command::AddNote(_) => "note_added",
            _ => "other",
        }
    }

    /// The id of what it records or changes.
    pub fn id(&self) -> String {
        match &self.command {
            Command::RecordWeakness(e) => e.id.to_string(),
            Command::CreateWorkstream(e) => e.id.to_string(),
            Command::AmendWorkstream(e) => e.id.to_string(),
            Command::CreateAction(e) => e.id.to_string(),
            Command::ImportAction(e) => e.id.to_string(),
            Command::AmendAction(e) => e.id.to_string(),
            Command::AmendActionWithDeadline(e) => e.id.to_string(),
            Command::ChangeActionStatus(e) => e.id.to_string(),
            Command::DefineMeasure(e) => e.id.to_string(),
            Command::RecordMeasure(e) => e.id.to_string(),
            Command::AddNote(e) => e.about.id.clone(),
            _ => String::new(),
        }
    }
}

/// What an import would do.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportPlan {
    /// The row of headings (the first, for a two-row heading), from 1, once found.
    pub header_row: Option<usize>,
    /// The columns as read.
    pub columns: Vec<Column>,
    /// How many rows were read as actions.
    pub action_rows: usize,
    /// The commands, in the order they must be recorded.
    pub steps: Vec<Step>,
    /// What stops the import, row by row (file-wide problems first).
    pub problems: Vec<Finding>,
    /// What was skipped or left as it is, row by row.
    pub notices: Vec<Finding>,
}

impl ImportPlan {
    /// The commands to record, in order.
    pub fn commands(&self) -> impl Iterator<Item = &Command> {
        self.steps.iter().map(|step| &step.command)
    }
}

/// The options of an import, beyond the sheet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// The file's name, for amendment reasons and notes ("northshire-tracker-2021-10.xlsx").
    pub source: String,
    /// `--map COLUMN=FIELD`, in the order given.
    pub maps: Vec<ColumnMap>,
    /// The owner of a new action whose owner cell is blank (or when there is no owner column).
    pub default_owner: Option<String>,
    /// The deadline of a new action whose deadline cell is blank or not a date.
    pub default_due: Option<Date>,
    /// The sponsor of a new workstream with no sponsor cell.
    pub default_sponsor: Option<String>,
    /// The workstream of rows with none ("WS1" if it exists, or "WS1 Title" to create it).
    pub default_workstream: Option<String>,
    /// The area of weakness of rows with none ("W1", or "W1 Title" to create it).
    pub default_weakness: Option<String>,
    /// Why the changes were made, for amendments ("Agreed at the October board").
    pub reason: Option<String>,
}

/// The layout of the sheet: where the headings are and which column holds what.
struct Layout {
    header_row: usize,
    data_start: usize,
    columns: Vec<Column>,
    of: BTreeMap<Field, usize>,
}

impl Layout {
    fn col(&self, field: Field) -> Option<usize> {
        self.of.get(&field).copied()
    }

    /// The heading of a field's column, as written, for messages.
    fn heading(&self, field: Field) -> String {
        self.col(field)
            .and_then(|c| self.columns.get(c))
            .map(|c| c.heading.clone())
            .unwrap_or_default()
    }
}

fn texts_of(row: &[Cell]) -> Vec<String> {
    row.iter().map(Cell::text).collect()
}

/// The field of a heading cell, `--map` by heading first.
fn field_of(heading: &str, maps: &[ColumnMap]) -> Option<(Field, Tier)> {
    let normalised = normalise(heading);
    if normalised.is_empty() && heading.trim() != "#" {
        return None;
    }
    maps.iter()
        .find(|map| normalise(&map.column) == normalised && !normalised.is_empty())
        .map(|map| (map.field, Tier::Mapped))
        .or_else(|| recognise_heading(heading))
}

/// Whether a sheet has a row of headings: how a workbook's sheet with the tracker is told from
/// its cover sheet or its lists.
pub fn has_headings(sheet: &Sheet, maps: &[ColumnMap]) -> bool {
    best_header(sheet, maps).is_some()
}

/// A column while the layout is worked out: its index, heading and what it was recognised as.
type Candidate = (usize, String, Option<(Field, Tier)>);

/// The 0-based index of the row of headings: of the first rows, the one where most fields are
/// recognised (at least two; the first of equals), so that title rows above it are passed over.
fn best_header(sheet: &Sheet, maps: &[ColumnMap]) -> Option<usize> {
    let score = |row: &[Cell]| {
        texts_of(row)
            .iter()
            .filter_map(|text| field_of(text, maps))
            .map(|(field, _)| field)
            .filter(|field| *field != Field::Ignore)
            .collect::<BTreeSet<_>>()
            .len()
    };
    let mut best: Option<(usize, usize)> = None;
    for (index, row) in sheet.rows.iter().take(HEADER_SEARCH_ROWS).enumerate() {
        let found = score(row);
        if found >= 2 && best.is_none_or(|(_, most)| found > most) {
            best = Some((index, found));
        }
    }
    best.map(|(index, _)| index)
}

fn find_layout(sheet: &Sheet, maps: &[ColumnMap]) -> Result<Layout, Vec<Finding>> {
    let Some(header) = best_header(sheet, maps) else {
        return Err(vec![Finding::whole_file(format!(
            "no row of headings found: none of the first {HEADER_SEARCH_ROWS} rows has two or more of the usual headings (Ref, Action, Lead or Owner, Deadline, Status, RAG, Success criteria, Update, Workstream, Area of weakness); name the columns with --map COLUMN=FIELD"
        ))]);
    };
    // Headings over two rows: "Progress" merged over "Status" and "RAG", the other headings
    // merged down both rows (and so, once merged cells are filled, in both). The row with the
    // most headings may be either of the two.
    let texts = |index: usize| sheet.rows.get(index).map(|row| texts_of(row));
    let heading_row = |row: &[String], other: &[String]| {
        let filled: Vec<(usize, &String)> = row
            .iter()
            .enumerate()
            .filter(|(_, t)| !t.is_empty())
            .collect();
        filled.len() >= 2
            && filled
                .iter()
                .all(|(c, t)| field_of(t, maps).is_some() || other.get(*c).is_some_and(|o| o == *t))
    };
    let main = texts(header).unwrap_or_default();
    let first = match header.checked_sub(1).and_then(texts) {
        Some(above) if heading_row(&above, &main) => header - 1,
        _ => header,
    };
    let last = match texts(header + 1) {
        Some(below) if first == header && heading_row(&below, &main) => header + 1,
        _ => header,
    };
    let rows: Vec<Vec<String>> = (first..=last).filter_map(texts).collect();
    let width = sheet
        .rows
        .iter()
        .skip(first)
        .map(Vec::len)
        .max()
        .unwrap_or(0);
    let mut problems = Vec::new();
    let mut candidates: Vec<Candidate> = (0..width)
        .map(|c| {
            let mut parts: Vec<&String> = Vec::new();
            for row in &rows {
                if let Some(text) = row.get(c).filter(|t| !t.is_empty())
                    && parts.last() != Some(&text)
                {
                    parts.push(text);
                }
            }
            // The lowest heading says most ("Status" under "Progress").
            let field = parts.iter().rev().find_map(|part| field_of(part, maps));
            let heading = parts
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(" / ");
            (c, heading, field)
        })
        .collect();
    // Maps by column letter, for columns whose heading no map named.
    for map in maps {
        let by_heading = candidates.iter().any(|(_, heading, _)| {
            !heading.is_empty()
                && (normalise(heading) == normalise(&map.column)
                    || heading
                        .split(" / ")
                        .any(|part| normalise(part) == normalise(&map.column)))
        });
        if by_heading {
            continue;
        }
        match column_index(&map.column) {
            Some(index) => {
                if index >= candidates.len() {
                    candidates.extend((candidates.len()..=index).map(|c| (c, String::new(), None)));
                }
                candidates[index].2 = Some((map.field, Tier::Mapped));
            }
            None => {
                let headings: Vec<String> = candidates
                    .iter()
                    .filter(|(_, heading, _)| !heading.is_empty())
                    .map(|(_, heading, _)| heading.clone())
                    .collect();
                problems.push(Finding::whole_file(format!(
                    "--map '{}={}': no column is headed '{}' and it is not a column letter; the headings on row {} are {}",
                    map.column,
                    map.field,
                    map.column,
                    header + 1,
                    headings.join(", ")
                )));
            }
        }
    }
    // One column per field: the surest recognition wins; two equally sure is ambiguous.
    let mut of: BTreeMap<Field, usize> = BTreeMap::new();
    let mut fields: Vec<Option<Field>> = vec![None; candidates.len()];
    let mut by_field: BTreeMap<Field, Vec<(Tier, usize)>> = BTreeMap::new();
    for (c, _, found) in &candidates {
        if let Some((field, tier)) = found
            && *field != Field::Ignore
        {
            by_field.entry(*field).or_default().push((*tier, *c));
        }
    }
    for (field, mut columns) in by_field {
        columns.sort();
        let best_tier = columns[0].0;
        let best: Vec<usize> = columns
            .iter()
            .filter(|(tier, _)| *tier == best_tier)
            .map(|(_, c)| *c)
            .collect();
        if let [first, second, ..] = best.as_slice() {
            let name = |c: usize| format!("{} '{}'", column_letter(c), candidates[c].1);
            problems.push(Finding::whole_file(format!(
                "columns {} and {} are both read as {}; keep one with --map '{}=ignore'",
                name(*first),
                name(*second),
                field.label(),
                candidates[*second].1
            )));
        }
        of.insert(field, best[0]);
        fields[best[0]] = Some(field);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    // "Target" with no deadline and no baseline beside it is the actions' target date.
    if !of.contains_key(&Field::Due)
        && !of.contains_key(&Field::Baseline)
        && let Some(c) = of.remove(&Field::Target)
    {
        of.insert(Field::Due, c);
        fields[c] = Some(Field::Due);
    }
    // A Measure column with no baseline or target beside it holds success criteria in words.
    if !of.contains_key(&Field::Baseline)
        && !of.contains_key(&Field::Target)
        && !of.contains_key(&Field::Success)
        && let Some(c) = of.remove(&Field::Measure)
    {
        of.insert(Field::Success, c);
        fields[c] = Some(Field::Success);
    }
    // A revised deadline with no deadline beside it is the deadline.
    if !of.contains_key(&Field::Due)
        && let Some(c) = of.remove(&Field::RevisedDue)
    {
        of.insert(Field::Due, c);
        fields[c] = Some(Field::Due);
    }
    let columns = candidates
        .into_iter()
        .map(|(c, heading, _)| Column {
            letter: column_letter(c),
            heading,
            field: fields[c],
        })
        .collect();
    Ok(Layout {
        header_row: first,
        data_start: last + 1,
        columns,
        of,
    })
}

/// Which kind of group a cell names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Weakness,
    Workstream,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::Weakness => "W",
            Kind::Workstream => "WS",
        }
    }

    fn word(self) -> &'static str {
        match self {
            Kind::Weakness => "area of weakness",
            Kind::Workstream => "workstream",
        }
    }

    fn labels(self) -> &'static [&'static str] {
        match self {
            Kind::Weakness => &[
                "areas of significant weakness",
                "area of significant weakness",
                "significant weakness",
                "area of weakness",
                "weakness",
                "area for priority action",
                "area for development",
                "area for improvement",
                "key concern",
                "improvement priority",
                "priority area",
                "area",
                "aow",
                "asw",
                "w",
            ],
            Kind::Workstream => &["work stream", "workstream", "ws", "theme", "strand"],
        }
    }

    fn option(self) -> &'static str {
        match self {
            Kind::Weakness => "--default-weakness 'W1 Title'",
            Kind::Workstream => "--default-workstream 'WS1 Title'",
        }
    }

    fn add_command(self) -> &'static str {
        match self {
            Kind::Weakness => "wsoa weakness add",
            Kind::Workstream => "wsoa workstream add",
        }
    }
}

/// Whether `token` looks like an id a tracker gives a weakness or workstream: a few letters,
/// then numbers of up to three digits joined by dots or hyphens, then perhaps one letter
/// (`W1`, `WS2`, `3`, `1.2`, `2a`). Years and "0-25" are not ids.
fn looks_like_id(token: &str) -> bool {
    let letters = token.chars().take_while(char::is_ascii_alphabetic).count();
    if letters > 4 {
        return false;
    }
    let rest = &token[letters..];
    let rest = rest
        .strip_suffix(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(rest);
    !rest.is_empty()
        && rest.split(['.', '-']).all(|group| {
            !group.is_empty() && group.len() <= 3 && group.bytes().all(|b| b.is_ascii_digit())
        })
        && !(letters == 0 && rest.contains('-'))
}

/// Numbers as headings write them in words ("Work stream One").
const NUMBER_WORDS: [&str; 12] = [
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve",
];

/// Splits "W1: Quality assurance", "Weakness 1 - Quality", "Workstream 2 Timeliness", "WS3" or
/// "Quality assurance" into an id and a title (either may be missing).
fn split_label(text: &str, kind: Kind) -> (Option<String>, Option<String>) {
    let text = text.trim();
    let lower = text.to_lowercase();
    let separators = |c: char| {
        c.is_whitespace() || matches!(c, ':' | '-' | '\u{2013}' | '\u{2014}' | '.' | ')' | ',')
    };
    let title_of = |rest: &str| {
        let title = rest.trim_start_matches(separators).trim();
        (!title.is_empty()).then(|| title.to_owned())
    };
    for label in kind.labels() {
        if let Some(rest) = lower.strip_prefix(label) {
            let after = rest.trim_start();
            // "Work stream One - The Local Offer": a number written as a word.
            if let Some((word, number)) = NUMBER_WORDS.iter().zip(1u8..).find(|(word, _)| {
                after
                    .strip_prefix(**word)
                    .is_some_and(|r| r.is_empty() || r.starts_with(separators))
            }) {
                let rest = &text[text.len() - after.len() + word.len()..];
                return (Some(format!("{}{number}", kind.prefix())), title_of(rest));
            }
            let number: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
                .collect();
            let number = number.trim_end_matches('.');
            let starts_with_digit = number.starts_with(|c: char| c.is_ascii_digit());
            if starts_with_digit && looks_like_id(number) {
                let consumed = text.len() - after.len() + number.len();
                let rest = &text[consumed..];
                if rest.is_empty() || rest.starts_with(separators) {
                    return (
                        Some(format!("{}{}", kind.prefix(), number.to_ascii_uppercase())),
                        title_of(rest),
                    );
                }
            }
        }
    }
    let token: String = text
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        .collect();
    let token = token.trim_end_matches(['.', '-']);
    let rest = &text[token.len()..];
    if looks_like_id(token)
        && token.chars().any(|c| c.is_ascii_digit())
        && (rest.is_empty() || rest.starts_with(separators))
    {
        return (Some(token.to_owned()), title_of(rest));
    }
    (None, Some(text.to_owned()))
}

/// Where a weakness or workstream was named: a cell (its row and column heading) or an option.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Origin {
    Cell { row: usize, heading: String },
    Option,
}

/// A weakness or workstream as named in one cell (or option).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Named {
    origin: Origin,
    text: String,
}

/// One action row, read.
struct ActionRow {
    row: usize,
    /// Whether its cells could all be read; a row that could not is checked but plans nothing.
    readable: bool,
    reference: ActionId,
    title: Option<String>,
    owner: Option<String>,
    due: Due,
    /// The revised deadline beside it, if the sheet has one.
    revised: Due,
    status: Option<Status>,
    rag: Option<Rag>,
    success: Vec<String>,
    update: Option<String>,
    workstream: Option<Named>,
    weaknesses: Option<Named>,
    sponsor: Option<String>,
}

/// The texts of a list cell: one item per line or per ";", bullets removed.
fn items(text: &str) -> Vec<String> {
    text.split(['\n', ';'])
        .map(|item| {
            item.trim()
                .trim_start_matches(['\u{2022}', '*', '-', '\u{00b7}', '\u{25e6}', '\u{2013}'])
                .trim()
                .to_owned()
        })
        .filter(|item| !item.is_empty())
        .collect()
}

fn non_empty(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

/// How titles and owners are compared: case and runs of spaces ignored.
fn same_text(a: &str, b: &str) -> bool {
    let squash = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    squash(a) == squash(b)
}

/// Texts are shown to people shortened, so that one line stays one line.
fn short(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 70 {
        format!("{}...", one_line.chars().take(67).collect::<String>())
    } else {
        one_line
    }
}

/// The rows read from the sheet: actions, problems and notices.
struct Read {
    actions: Vec<ActionRow>,
    measures: Vec<MeasureRow>,
    /// How many rows were read as actions, including those with problems.
    action_rows: usize,
    problems: Vec<Finding>,
    notices: Vec<Finding>,
}

/// What a row that is not blank is.
enum RowKind {
    /// A totals row, a repeated row of headings, a row with neither reference nor action.
    Skipped(String),
    /// A heading row that names the workstream (or weakness) of the rows below.
    Section(Field, String),
    /// An action.
    Action,
    /// A measure of impact ("6.M1", or a baseline and a target with no action's delivery).
    Measure,
}

fn classify(filled: &[(usize, String)], layout: &Layout, maps: &[ColumnMap]) -> RowKind {
    let first = normalise(&filled[0].1);
    let starts = |word: &str| first == word || first.starts_with(&format!("{word} "));
    if [
        "total",
        "totals",
        "grand total",
        "subtotal",
        "sub total",
        "count",
    ]
    .iter()
    .any(|w| starts(w))
    {
        return RowKind::Skipped("skipped: a totals row".to_owned());
    }
    let headings = filled
        .iter()
        .filter(|(_, t)| field_of(t, maps).is_some())
        .count();
    if headings >= 2 && headings == filled.len() {
        return RowKind::Skipped("skipped: a repeated row of headings".to_owned());
    }
    let text = &filled[0].1;
    let labelled_any =
        |text: &str| labelled(text, Kind::Weakness) || labelled(text, Kind::Workstream);
    if [
        "key",
        "legend",
        "rag key",
        "brag key",
        "rag rating key",
        "rag ratings",
    ]
    .iter()
    .any(|w| starts(w))
        && !labelled_any(text)
    {
        return RowKind::Skipped("skipped: a key or legend row".to_owned());
    }
    let in_column = |field: Field| filled.iter().all(|(c, _)| Some(*c) == layout.col(field));
    let distinct: BTreeSet<&String> = filled.iter().map(|(_, t)| t).collect();
    let only_reference = in_column(Field::Ref) && ActionId::new(text.trim_end_matches('.')).is_ok();
    // One text (perhaps merged across the row) is a heading, unless it is a bare reference or
    // a remark in a column that is not imported; one that names its weakness or workstream
    // with a number ("ASW1, Joint commissioning") is a heading in any column.
    let imported = |c: usize| layout.columns.get(c).is_some_and(|col| col.field.is_some());
    let heading_like =
        filled.len() > 1 || filled[0].0 == 0 || imported(filled[0].0) || labelled_any(text);
    if distinct.len() == 1 && !only_reference && heading_like {
        if in_column(Field::Workstream)
            || (!in_column(Field::Weakness) && labelled(text, Kind::Workstream))
        {
            return RowKind::Section(Field::Workstream, text.clone());
        }
        if in_column(Field::Weakness) || labelled(text, Kind::Weakness) {
            return RowKind::Section(Field::Weakness, text.clone());
        }
        return RowKind::Skipped(format!(
            "skipped: '{}' stands alone on its row, so it is read as a heading, not an action",
            short(text)
        ));
    }
    if only_reference {
        return RowKind::Skipped(format!(
            "skipped: only a reference ({}), nothing else",
            text.trim_end_matches('.')
        ));
    }
    let has = |field: Field| {
        layout
            .col(field)
            .is_some_and(|col| filled.iter().any(|(c, _)| *c == col))
    };
    let reference = layout
        .col(Field::Ref)
        .and_then(|col| filled.iter().find(|(c, _)| *c == col))
        .map(|(_, text)| text.as_str());
    if reference.is_some_and(is_measure_reference)
        || (has(Field::Baseline)
            && has(Field::Target)
            && !has(Field::Owner)
            && !has(Field::Status)
            && !has(Field::Rag)
            && reference.is_none_or(|r| ActionId::new(r.trim_end_matches('.')).is_err()))
    {
        return RowKind::Measure;
    }
    if let Some(section) = reference_and_title(filled, layout) {
        return section;
    }
    if !has(Field::Ref) && !has(Field::Action) {
        return RowKind::Skipped("skipped: no reference and no action".to_owned());
    }
    RowKind::Action
}

/// A row with a reference and a title and nothing of an action's delivery (no owner, deadline,
/// status, RAG or update) is a heading for the rows under it, when the sheet has columns for
/// delivery: "ASW1" beside "Joint commissioning", "Area of weakness 2" beside its title. A
/// reference with a dot ("1.6") is an action's, so such a row stays an action (and its
/// blank cells are reported).
fn reference_and_title(filled: &[(usize, String)], layout: &Layout) -> Option<RowKind> {
    const DELIVERY: [Field; 7] = [
        Field::Owner,
        Field::Due,
        Field::RevisedDue,
        Field::Status,
        Field::Rag,
        Field::Update,
        Field::Sponsor,
    ];
    let delivery_columns: Vec<usize> = DELIVERY.iter().filter_map(|f| layout.col(*f)).collect();
    if delivery_columns.is_empty() || filled.iter().any(|(c, _)| delivery_columns.contains(c)) {
        return None;
    }
    let texts: Vec<&String> = filled
        .iter()
        .map(|(_, t)| t)
        .fold(Vec::new(), |mut all, t| {
            if !all.contains(&t) {
                all.push(t);
            }
            all
        });
    let reference_at = layout
        .col(Field::Ref)
        .and_then(|ref_col| filled.iter().find(|(c, _)| *c == ref_col))
        .map_or(filled[0].1.as_str(), |(_, t)| t.as_str());
    let title_at = layout
        .col(Field::Action)
        .and_then(|col| filled.iter().find(|(c, t)| *c == col && t != reference_at))
        .map(|(_, t)| t.as_str())
        .or_else(|| {
            texts
                .iter()
                .find(|t| t.as_str() != reference_at)
                .map(|t| t.as_str())
        })?;
    let reference = reference_at.trim().trim_end_matches(['.', ':', ',']);
    let kind_of = |text: &str| {
        if labelled(text, Kind::Weakness) {
            Some(Kind::Weakness)
        } else if labelled(text, Kind::Workstream) {
            Some(Kind::Workstream)
        } else {
            None
        }
    };
    let labelled_kind = kind_of(reference);
    let bare_id = !reference.contains(['.', ' '])
        && looks_like_id(reference)
        && reference.chars().any(|c| c.is_ascii_digit());
    if texts.len() != 2 || (labelled_kind.is_none() && !bare_id) {
        return None;
    }
    // Unlabelled ("IP6"): the kind the sheet has no column for, an area of weakness first.
    let kind = labelled_kind.unwrap_or(
        if layout.col(Field::Weakness).is_some() && layout.col(Field::Workstream).is_none() {
            Kind::Workstream
        } else {
            Kind::Weakness
        },
    );
    let field = match kind {
        Kind::Weakness => Field::Weakness,
        Kind::Workstream => Field::Workstream,
    };
    Some(RowKind::Section(
        field,
        format!("{reference}: {}", title_at.trim()),
    ))
}

/// The workstream a weakness heading's rows form when the sheet names no workstreams: "Area of
/// weakness 3: Transitions" gives workstream WS3 "Transitions", answering W3.
fn workstream_of_weakness(text: &str) -> String {
    let first = items(text).into_iter().next().unwrap_or_default();
    match split_label(&first, Kind::Weakness) {
        (Some(id), title) => {
            let number = id
                .strip_prefix('W')
                .filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
                .unwrap_or(&id);
            let id = if number.starts_with(|c: char| c.is_ascii_digit()) {
                format!("WS{number}")
            } else {
                id.clone()
            };
            match title {
                Some(title) => format!("{id}: {title}"),
                None => id,
            }
        }
        (None, title) => title.unwrap_or_default(),
    }
}

fn read_rows(sheet: &Sheet, layout: &Layout, maps: &[ColumnMap], options: &ImportOptions) -> Read {
    // With no workstream column, no workstream heading and no --default-workstream, each area
    // of weakness heading's rows form a workstream of the same number and title.
    let workstream_sections = sheet
        .rows
        .iter()
        .skip(layout.data_start)
        .filter_map(|cells| {
            let filled: Vec<(usize, String)> = cells
                .iter()
                .enumerate()
                .map(|(c, cell)| (c, cell.text()))
                .filter(|(_, text)| !text.is_empty())
                .collect();
            (!filled.is_empty()).then(|| classify(&filled, layout, maps))
        })
        .any(|kind| matches!(kind, RowKind::Section(Field::Workstream, _)));
    let derive_workstreams = layout.col(Field::Workstream).is_none()
        && !workstream_sections
        && options.default_workstream.is_none();
    let mut read = Read {
        actions: Vec::new(),
        measures: Vec::new(),
        action_rows: 0,
        problems: Vec::new(),
        notices: Vec::new(),
    };
    let cell = |r: usize, field: Field| sheet.cell(r, layout.col(field)).text();
    // A measure's value: its column's cell (with the date its heading gives), or the text after
    // its label anywhere on the row ("Baseline: 31% (Feb 2021)").
    let measure_cell = |r: usize, field: Field, texts: &[String], labels: &[&str]| {
        let heading_date = layout
            .col(field)
            .and_then(|_| measure::date_in(&layout.heading(field)));
        non_empty(cell(r, field))
            .or_else(|| labelled_value(texts, labels))
            .map(|text| (text, heading_date))
    };
    let mut current_workstream: Option<Named> = None;
    let mut current_weaknesses: Option<Named> = None;
    let mut seen: BTreeMap<ActionId, usize> = BTreeMap::new();
    for (r, cells) in sheet.rows.iter().enumerate().skip(layout.data_start) {
        let number = r + 1;
        let filled: Vec<(usize, String)> = cells
            .iter()
            .enumerate()
            .map(|(c, cell)| (c, cell.text()))
            .filter(|(_, text)| !text.is_empty())
            .collect();
        if filled.is_empty() {
            continue;
        }
        let named = |field: Field, text: String| Named {
            origin: Origin::Cell {
                row: number,
                heading: layout.heading(field),
            },
            text,
        };
        match classify(&filled, layout, maps) {
            RowKind::Skipped(why) => {
                read.notices.push(Finding::at_row(number, why));
                continue;
            }
            RowKind::Section(field, text) => {
                let what = match field {
                    Field::Workstream => "workstream",
                    _ => "area of weakness",
                };
                let mut notice = format!(
                    "'{}' is a heading: its {what} applies to the rows below",
                    short(&text)
                );
                if field == Field::Weakness && derive_workstreams {
                    let workstream = workstream_of_weakness(&text);
                    notice.push_str(&format!(
                        "; the sheet names no workstreams, so they form workstream '{}'",
                        short(&workstream)
                    ));
                    current_workstream = Some(named(Field::Weakness, workstream));
                }
                read.notices.push(Finding::at_row(number, notice));
                let section = Some(named(field, text));
                match field {
                    Field::Workstream => current_workstream = section,
                    _ => current_weaknesses = section,
                }
                continue;
            }
            RowKind::Action => {}
            RowKind::Measure => {
                let weaknesses = cell(r, Field::Weakness);
                if !weaknesses.is_empty() {
                    current_weaknesses = Some(named(Field::Weakness, weaknesses));
                }
                let texts: Vec<String> = filled.iter().map(|(_, t)| t.clone()).collect();
                let reference = non_empty(cell(r, Field::Ref))
                    .filter(|reference| is_measure_reference(reference));
                let title = non_empty(cell(r, Field::Measure))
                    .or_else(|| non_empty(cell(r, Field::Action)))
                    .or_else(|| {
                        filled
                            .iter()
                            .map(|(_, t)| t)
                            .filter(|t| Some(*t) != reference.as_ref())
                            .max_by_key(|t| t.len())
                            .cloned()
                    })
                    .unwrap_or_default();
                read.measures.push(MeasureRow {
                    row: number,
                    reference,
                    title,
                    baseline: measure_cell(r, Field::Baseline, &texts, &["baseline"]),
                    target: measure_cell(r, Field::Target, &texts, &["target"]),
                    latest: measure_cell(r, Field::Latest, &texts, &["latest", "current"]),
                    due: match read_deadline_cell(sheet.cell(r, layout.col(Field::Due))) {
                        Due::Deadline(deadline) => deadline.date(),
                        _ => None,
                    },
                    weaknesses: current_weaknesses.clone(),
                });
                continue;
            }
        }
        read.action_rows += 1;
        // The workstream and weakness carry down from the row above: merged cells read so.
        let workstream = cell(r, Field::Workstream);
        if !workstream.is_empty() {
            current_workstream = Some(named(Field::Workstream, workstream));
        }
        let weaknesses = cell(r, Field::Weakness);
        if !weaknesses.is_empty() {
            if derive_workstreams {
                current_workstream =
                    Some(named(Field::Weakness, workstream_of_weakness(&weaknesses)));
            }
            current_weaknesses = Some(named(Field::Weakness, weaknesses));
        }
        let reference = cell(r, Field::Ref);
        let title = cell(r, Field::Action);
        let mut problems = Vec::new();
        let parsed = if reference.is_empty() {
            problems.push(format!(
                "no reference in '{}' for the action '{}'; give every action a reference, such as 1.1",
                layout.heading(Field::Ref),
                short(&title)
            ));
            None
        } else {
            match ActionId::new(reference.trim_end_matches('.')) {
                Ok(id) => Some(id),
                Err(err) => {
                    let reason = match err {
                        ParseError::Id { reason, .. } => reason,
                        other => other.to_string(),
                    };
                    problems.push(format!(
                        "reference '{reference}' is not a valid action id ({reason}); use letters, digits, dots and hyphens, such as 1.1 or A2.3"
                    ));
                    None
                }
            }
        };
        if let Some(id) = &parsed {
            match seen.get(id) {
                Some(earlier) => problems.push(format!(
                    "reference {id} is also on row {earlier}; give each action its own reference"
                )),
                None => {
                    seen.insert(id.clone(), number);
                }
            }
        }
        let status_text = cell(r, Field::Status);
        let mut status = None;
        if !status_text.is_empty() {
            status = parse_status(&status_text);
            if status.is_none() {
                problems.push(format!(
                    "status '{status_text}' is not a status; write Not started, In progress, Complete, Blocked or Withdrawn"
                ));
            }
        }
        let rag_text = cell(r, Field::Rag);
        let mut rag = None;
        if !rag_text.is_empty() {
            match parse_rag(&rag_text) {
                Ok(RagCell::Rag(found)) => rag = Some(found),
                // Blue (BRAG) is complete; the ledger keeps complete actions green.
                Ok(RagCell::Blue) => match status {
                    Some(other) if other != Status::Complete => problems.push(format!(
                        "RAG '{rag_text}' means complete but the status is '{status_text}'; make them agree"
                    )),
                    _ if status_text.is_empty() || status.is_some() => {
                        status = Some(Status::Complete);
                        rag = Some(Rag::Green);
                    }
                    _ => {}
                },
                Err(true) => problems.push(format!(
                    "RAG '{rag_text}' gives more than one rating; write one of Red, Amber or Green"
                )),
                Err(false) => problems.push(format!(
                    "RAG '{rag_text}' is not a RAG rating; write Red, Amber or Green (or R, A, G), or Blue for complete"
                )),
            }
        }
        // A row with problems is still read, so that the rest of its problems are found too;
        // it only plans nothing.
        let readable = problems.is_empty();
        read.problems.extend(
            problems
                .into_iter()
                .map(|message| Finding::at_row(number, message)),
        );
        let Some(reference) = parsed else {
            continue;
        };
        // A measure beside the action: a Measure cell with its baseline and target.
        if let Some(title) = non_empty(cell(r, Field::Measure)) {
            read.measures.push(MeasureRow {
                row: number,
                reference: None,
                title,
                baseline: measure_cell(r, Field::Baseline, &[], &[]),
                target: measure_cell(r, Field::Target, &[], &[]),
                latest: measure_cell(r, Field::Latest, &[], &[]),
                due: None,
                weaknesses: current_weaknesses.clone(),
            });
        }
        read.actions.push(ActionRow {
            row: number,
            readable,
            reference,
            title: non_empty(title),
            owner: non_empty(cell(r, Field::Owner)),
            due: read_deadline_cell(sheet.cell(r, layout.col(Field::Due))),
            revised: read_deadline_cell(sheet.cell(r, layout.col(Field::RevisedDue))),
            status,
            rag,
            success: items(&cell(r, Field::Success)),
            update: non_empty(cell(r, Field::Update)),
            workstream: current_workstream.clone(),
            weaknesses: current_weaknesses.clone(),
            sponsor: non_empty(cell(r, Field::Sponsor)),
        });
    }
    read
}

/// Whether a heading's text starts with a label of that kind and a number ("Workstream 2: ...").
fn labelled(text: &str, kind: Kind) -> bool {
    let lower = text.trim().to_lowercase();
    kind.labels().iter().any(|label| {
        lower
            .strip_prefix(label)
            .map(str::trim_start)
            .is_some_and(|rest| {
                rest.starts_with(|c: char| c.is_ascii_digit())
                    || NUMBER_WORDS.iter().any(|word| rest.starts_with(word))
            })
    }) && split_label(text, kind).0.is_some()
}

/// A weakness or workstream the import creates.
struct NewGroup {
    id: String,
    title: String,
    row: Option<usize>,
}

/// Resolving what cells name to the ids of weaknesses or workstreams, old and new.
struct Groups {
    kind: Kind,
    /// (id, title) of those in the ledger.
    existing: Vec<(String, String)>,
    /// Every id in the ledger or written in the file: new ids for titles alone avoid them.
    taken: BTreeSet<String>,
    created: Vec<NewGroup>,
    /// The title each id was given in the file, and where first.
    titles: BTreeMap<String, (String, Option<usize>)>,
    /// What each cell resolved to.
    resolved: BTreeMap<(Named, usize), Result<String, ()>>,
}

fn origin_row(origin: &Origin) -> Option<usize> {
    match origin {
        Origin::Cell { row, .. } => Some(*row),
        Origin::Option => None,
    }
}

impl Groups {
    fn new(kind: Kind, existing: Vec<(String, String)>) -> Groups {
        let taken = existing.iter().map(|(id, _)| id.clone()).collect();
        Groups {
            kind,
            existing,
            taken,
            created: Vec::new(),
            titles: BTreeMap::new(),
            resolved: BTreeMap::new(),
        }
    }

    fn parts(&self, named: &Named) -> Vec<(Option<String>, Option<String>)> {
        let texts = match self.kind {
            Kind::Weakness => items(&named.text),
            Kind::Workstream => vec![named.text.trim().to_owned()],
        };
        texts.iter().map(|t| split_label(t, self.kind)).collect()
    }

    fn reserve(&mut self, named: &Named) {
        for (id, _) in self.parts(named) {
            if let Some(id) = id {
                self.taken.insert(id);
            }
        }
    }

    fn exists(&self, id: &str) -> bool {
        self.existing.iter().any(|(e, _)| e == id)
    }

    /// The ids a cell names (one for a workstream; one or more for weaknesses), or the problems
    /// that stop it. Each cell is resolved once, however many rows it carries down to.
    fn resolve(&mut self, named: &Named, problems: &mut Vec<Finding>) -> Option<Vec<String>> {
        let parts = self.parts(named);
        let mut ids = Vec::new();
        let mut failed = false;
        for (index, (id, title)) in parts.into_iter().enumerate() {
            let key = (named.clone(), index);
            if let Some(done) = self.resolved.get(&key) {
                match done {
                    Ok(id) => ids.push(id.clone()),
                    Err(()) => failed = true,
                }
                continue;
            }
            let result = self.resolve_one(id, title, &named.origin);
            let stored = match result {
                Ok(id) => {
                    ids.push(id.clone());
                    Ok(id)
                }
                Err(message) => {
                    failed = true;
                    problems.push(Finding {
                        row: origin_row(&named.origin),
                        message,
                    });
                    Err(())
                }
            };
            self.resolved.insert(key, stored);
        }
        (!failed && !ids.is_empty()).then_some(ids)
    }

    fn resolve_one(
        &mut self,
        id: Option<String>,
        title: Option<String>,
        origin: &Origin,
    ) -> Result<String, String> {
        let row = origin_row(origin);
        let word = self.kind.word();
        match (id, title) {
            (Some(id), title) => {
                let known = self.exists(&id) || self.created.iter().any(|g| g.id == id);
                match title {
                    Some(title) => {
                        if let Some((earlier, at)) = self.titles.get(&id) {
                            if !same_text(earlier, &title) {
                                let at = at.map_or_else(
                                    || "in the option".to_owned(),
                                    |r| format!("on row {r}"),
                                );
                                return Err(format!(
                                    "{word} {id} is called '{}' here but '{}' {at}; use one title",
                                    short(&title),
                                    short(earlier)
                                ));
                            }
                        } else {
                            self.titles.insert(id.clone(), (title.clone(), row));
                        }
                        if !known {
                            self.created.push(NewGroup {
                                id: id.clone(),
                                title,
                                row,
                            });
                        }
                        Ok(id)
                    }
                    None if known => Ok(id),
                    None => Err(match origin {
                        Origin::Cell { heading, .. } => format!(
                            "{word} {id} is not in the ledger and '{heading}' gives no title for it; write it as '{id} Title' or record it first with `{}`",
                            self.kind.add_command()
                        ),
                        Origin::Option => format!(
                            "{}: {word} {id} is not in the ledger and no title is given for it; write it as '{id} Title'",
                            self.kind.option().split(' ').next().unwrap_or_default()
                        ),
                    }),
                }
            }
            (None, Some(title)) => {
                if let Some((id, _)) = self.existing.iter().find(|(_, t)| same_text(t, &title)) {
                    return Ok(id.clone());
                }
                if let Some(group) = self.created.iter().find(|g| same_text(&g.title, &title)) {
                    return Ok(group.id.clone());
                }
                let id = (1..)
                    .map(|n| format!("{}{n}", self.kind.prefix()))
                    .find(|id| !self.taken.contains(id))
                    .unwrap_or_default();
                self.taken.insert(id.clone());
                self.titles.insert(id.clone(), (title.clone(), row));
                self.created.push(NewGroup {
                    id: id.clone(),
                    title,
                    row,
                });
                Ok(id)
            }
            (None, None) => Err(format!("the {word} is blank")),
        }
    }

    /// The title the file gives an existing id, if it differs from the ledger's.
    fn renamed(&self, id: &str) -> Option<&(String, Option<usize>)> {
        let (_, current) = self.existing.iter().find(|(e, _)| e == id)?;
        self.titles
            .get(id)
            .filter(|(title, _)| !same_text(title, current))
    }
}

/// What the file says about one workstream, gathered over its rows.
#[derive(Default)]
struct WorkstreamFacts {
    first_row: Option<usize>,
    weaknesses: Vec<String>,
    sponsor: Option<(String, usize)>,
    /// Its rows could not all be read, so it is neither created nor amended.
    blocked: bool,
}

/// Plans the commands that make the ledger (as `plan` and `state` describe it) match the
/// tracker in `sheet`, and checks each against the rules as of `when`. A plan with problems must
/// record nothing; a plan with no steps means the ledger already matches the file.
pub fn plan_import(
    plan: &Plan,
    state: &State,
    sheet: &Sheet,
    options: &ImportOptions,
    when: When,
) -> ImportPlan {
    let mut result = ImportPlan::default();
    if state.area.is_none() {
        result.problems.push(Finding::whole_file(
            wsoa_core::decide::Rejection::NotOpened.to_string(),
        ));
        return result;
    }
    if when.occurred_on > when.today {
        result.problems.push(Finding::whole_file(
            wsoa_core::decide::Rejection::InFuture {
                date: when.occurred_on,
                today: when.today,
            }
            .to_string(),
        ));
        return result;
    }
    let layout = match find_layout(sheet, &options.maps) {
        Ok(layout) => layout,
        Err(problems) => {
            result.problems = problems;
            return result;
        }
    };
    result.header_row = Some(layout.header_row + 1);
    result.columns.clone_from(&layout.columns);
    for (field, what) in [(Field::Ref, "Ref"), (Field::Action, "Action")] {
        if layout.col(field).is_none() {
            result.problems.push(Finding::whole_file(format!(
                "no column holds {} (a heading such as {what}); name it with --map COLUMN={}",
                field.label(),
                field
            )));
        }
    }
    if !result.problems.is_empty() {
        return result;
    }
    let ignored: Vec<String> = layout
        .columns
        .iter()
        .filter(|c| c.field.is_none() && !c.heading.is_empty())
        .map(|c| format!("{} '{}'", c.letter, short(&c.heading)))
        .collect();
    if !ignored.is_empty() {
        result.notices.push(Finding::whole_file(format!(
            "columns not imported: {}",
            ignored.join(", ")
        )));
    }
    let read = read_rows(sheet, &layout, &options.maps, options);
    result.action_rows = read.action_rows;
    result.problems.extend(read.problems);
    result.notices.extend(read.notices);
    Planner::new(plan, options, &layout, &mut result, &read.actions).run(
        &read.actions,
        &read.measures,
        when,
    );
    check_rules(state, when, &mut result);
    result.problems.sort_by_key(|p| p.row);
    result.notices.sort_by_key(|n| n.row);
    result
}

/// Plans the steps of an import, stage by stage: the columns new actions need, the workstream of
/// each row, new and changed weaknesses and workstreams, then each action.
struct Planner<'a> {
    plan: &'a Plan,
    options: &'a ImportOptions,
    layout: &'a Layout,
    result: &'a mut ImportPlan,
    weaknesses: Groups,
    workstreams: Groups,
    /// What the file says of each workstream, by id, and the order they first appear in.
    facts: BTreeMap<String, WorkstreamFacts>,
    order: Vec<String>,
}

/// `--default-workstream` or `--default-weakness`, as a named cell would be.
fn default_named(text: Option<&String>) -> Option<Named> {
    text.map(|text| Named {
        origin: Origin::Option,
        text: text.clone(),
    })
}

impl<'a> Planner<'a> {
    fn reason(&self, row: Option<usize>) -> String {
        let at = match row {
            Some(row) => format!("tracker {}, row {row}", self.options.source),
            None => format!("tracker {}", self.options.source),
        };
        // Read after "because" in the timeline and the narrative.
        match &self.options.reason {
            Some(reason) => format!("{reason} ({at})"),
            None => format!("the {at}, says so (imported with `wsoa import tracker`)"),
        }
    }

    fn problem(&mut self, row: usize, message: String) {
        self.result.problems.push(Finding::at_row(row, message));
    }

    fn step(&mut self, row: Option<usize>, command: Command, summary: String) {
        self.result.steps.push(Step {
            row,
            command,
            summary,
        });
    }

    fn new(
        plan: &'a Plan,
        options: &'a ImportOptions,
        layout: &'a Layout,
        result: &'a mut ImportPlan,
        rows: &[ActionRow],
    ) -> Planner<'a> {
        let mut weaknesses = Groups::new(
            Kind::Weakness,
            plan.weaknesses
                .iter()
                .map(|w| (w.id.clone(), w.title.clone()))
                .collect(),
        );
        let mut workstreams = Groups::new(
            Kind::Workstream,
            plan.workstreams
                .iter()
                .map(|w| (w.id.clone(), w.title.clone()))
                .collect(),
        );
        // Ids written anywhere in the file are kept from titles written alone.
        for row in rows {
            if let Some(named) = &row.workstream {
                workstreams.reserve(named);
            }
            if let Some(named) = &row.weaknesses {
                weaknesses.reserve(named);
            }
        }
        if let Some(named) = default_named(options.default_workstream.as_ref()) {
            workstreams.reserve(&named);
        }
        if let Some(named) = default_named(options.default_weakness.as_ref()) {
            weaknesses.reserve(&named);
        }
        Planner {
            plan,
            options,
            layout,
            result,
            weaknesses,
            workstreams,
            facts: BTreeMap::new(),
            order: Vec::new(),
        }
    }

    fn run(mut self, rows: &[ActionRow], measures: &[MeasureRow], when: When) {
        self.missing_columns(rows);
        let row_workstreams = self.assign_workstreams(rows);
        let measure_weaknesses = self.measure_weaknesses(measures);
        self.default_weakness();
        self.weakness_steps();
        let blocked = self.workstream_steps();
        for (row, workstream) in rows.iter().zip(row_workstreams) {
            let Some(workstream) = workstream.filter(|ws| !blocked.contains(ws)) else {
                continue;
            };
            let planned = self.result.steps.len();
            match self.plan.action(row.reference.as_str()) {
                None => self.new_action(row, &workstream),
                Some(current) => self.changed_action(row, current),
            }
            if !row.readable {
                self.result.steps.truncate(planned);
            }
        }
        self.absent(rows);
        self.measure_steps(measures, measure_weaknesses, when);
    }

    /// A column that new actions need and no default stands in for: said once, not on every row.
    fn missing_columns(&mut self, rows: &[ActionRow]) {
        let options = self.options;
        if rows
            .iter()
            .all(|row| self.plan.action(row.reference.as_str()).is_some())
        {
            return;
        }
        let missing = [
            (
                Field::Owner,
                options.default_owner.is_some(),
                "no column holds the owner (a heading such as Lead or Owner), and new actions need one; name it with --map COLUMN=owner or give --default-owner NAME",
            ),
            (
                Field::Due,
                options.default_due.is_some(),
                "no column holds the deadline (a heading such as Deadline, Timescale or Due), and new actions need one; name it with --map COLUMN=due or give --default-due DATE",
            ),
            (
                Field::Workstream,
                options.default_workstream.is_some()
                    || rows.iter().any(|row| row.workstream.is_some()),
                "no column holds the workstream (a heading such as Workstream), and new actions need one; name it with --map COLUMN=workstream or give --default-workstream 'WS1 Title'",
            ),
        ];
        for (field, defaulted, message) in missing {
            if self.layout.col(field).is_none() && !defaulted {
                self.result.problems.push(Finding::whole_file(message));
            }
        }
    }

    /// The workstream of each row (`None` where it cannot be known), gathering on the way what
    /// the file says of each workstream: its rows, its weaknesses, its sponsor.
    fn assign_workstreams(&mut self, rows: &[ActionRow]) -> Vec<Option<String>> {
        let plan = self.plan;
        let default_workstream = default_named(self.options.default_workstream.as_ref());
        let mut problems = Vec::new();
        let mut assigned = Vec::with_capacity(rows.len());
        for row in rows {
            let existing = plan.action(row.reference.as_str());
            // Defaults fill in for new actions only: an action in the ledger keeps its own.
            let named = row.workstream.clone().or_else(|| {
                existing
                    .is_none()
                    .then(|| default_workstream.clone())
                    .flatten()
            });
            let id = match &named {
                Some(named) => self
                    .workstreams
                    .resolve(named, &mut problems)
                    .and_then(|ids| ids.into_iter().next()),
                None => {
                    let column = self.layout.col(Field::Workstream);
                    let sections = rows.iter().any(|row| row.workstream.is_some());
                    if existing.is_none() && (column.is_some() || sections) {
                        let message = match column {
                            Some(_) => format!(
                                "no workstream in '{}'; fill the cell or give --default-workstream 'WS1 Title'",
                                self.layout.heading(Field::Workstream)
                            ),
                            None => "no workstream: no heading row above names one; add one (such as 'Workstream 1: Title') or give --default-workstream 'WS1 Title'".to_owned(),
                        };
                        problems.push(Finding::at_row(row.row, message));
                    }
                    existing.map(|a| a.workstream.clone())
                }
            };
            let Some(id) = id else {
                assigned.push(None);
                continue;
            };
            if let Some(action) = existing
                && action.workstream != id
            {
                problems.push(Finding::at_row(
                    row.row,
                    format!(
                        "action {} is in workstream {} in the ledger but {id} here; an action cannot move to another workstream, so fix the cell",
                        row.reference, action.workstream
                    ),
                ));
                assigned.push(None);
                continue;
            }
            let facts = self.facts.entry(id.clone()).or_insert_with(|| {
                self.order.push(id.clone());
                WorkstreamFacts::default()
            });
            facts.first_row.get_or_insert(row.row);
            if let Some(named) = &row.weaknesses {
                match self.weaknesses.resolve(named, &mut problems) {
                    Some(ids) => {
                        for w in ids {
                            if !facts.weaknesses.contains(&w) {
                                facts.weaknesses.push(w);
                            }
                        }
                    }
                    None => facts.blocked = true,
                }
            }
            if let Some(sponsor) = &row.sponsor {
                match &facts.sponsor {
                    Some((earlier, at)) if !same_text(earlier, sponsor) => {
                        problems.push(Finding::at_row(
                            row.row,
                            format!(
                                "workstream {id} has the sponsor '{}' here but '{}' on row {at}; use one sponsor",
                                short(sponsor),
                                short(earlier)
                            ),
                        ));
                        facts.blocked = true;
                    }
                    Some(_) => {}
                    None => facts.sponsor = Some((sponsor.clone(), row.row)),
                }
            }
            assigned.push(Some(id));
        }
        self.result.problems.append(&mut problems);
        assigned
    }

    /// A new workstream that no cell gives a weakness answers `--default-weakness`.
    fn default_weakness(&mut self) {
        let Some(named) = default_named(self.options.default_weakness.as_ref()) else {
            return;
        };
        let mut problems = Vec::new();
        for id in &self.order {
            let Some(facts) = self.facts.get_mut(id) else {
                continue;
            };
            if self.plan.workstream(id).is_none() && facts.weaknesses.is_empty() {
                match self.weaknesses.resolve(&named, &mut problems) {
                    Some(ids) => facts.weaknesses = ids,
                    None => facts.blocked = true,
                }
            }
        }
        self.result.problems.append(&mut problems);
    }

    fn weakness_steps(&mut self) {
        let created: Vec<(String, String, Option<usize>)> = self
            .weaknesses
            .created
            .iter()
            .map(|g| (g.id.clone(), g.title.clone(), g.row))
            .collect();
        for (id, title, row) in created {
            let Ok(weakness) = WeaknessId::new(id.clone()) else {
                continue;
            };
            self.step(
                row,
                Command::RecordWeakness(WeaknessRecorded {
                    id: weakness,
                    title: title.clone(),
                    finding: None,
                }),
                format!("new area of weakness {id} '{}'", short(&title)),
            );
        }
    }

    /// Creates the new workstreams and amends the changed ones; returns those that can be
    /// neither (their actions plan nothing: the problems say why).
    fn workstream_steps(&mut self) -> BTreeSet<String> {
        let mut blocked = BTreeSet::new();
        for id in self.order.clone() {
            let Some(facts) = self.facts.get(&id) else {
                continue;
            };
            let ready = !facts.blocked
                && match self.plan.workstream(&id) {
                    None => self.new_workstream(&id),
                    Some(current) => {
                        self.changed_workstream(&id, current);
                        true
                    }
                };
            if !ready {
                blocked.insert(id);
            }
        }
        blocked
    }

    /// Plans a new workstream; false if it cannot be created.
    fn new_workstream(&mut self, id: &str) -> bool {
        let Some(facts) = self.facts.get(id) else {
            return false;
        };
        let group = self.workstreams.created.iter().find(|g| g.id == id);
        let title = group.map(|g| g.title.clone()).unwrap_or_default();
        // Where it is named: its own heading row, or the first row of its actions.
        let row = group
            .and_then(|g| g.row)
            .or(facts.first_row)
            .unwrap_or_default();
        let sponsor = facts
            .sponsor
            .as_ref()
            .map(|(s, _)| s.clone())
            .or_else(|| self.options.default_sponsor.clone());
        // Most trackers name no sponsor: the workstream is recorded with its sponsor not
        // recorded, a gap the plan and the narrative show until it is amended.
        let sponsor = match sponsor {
            Some(sponsor) => Some(sponsor),
            None => {
                self.result.notices.push(Finding::at_row(
                    row,
                    format!(
                        "workstream {id} '{}' has no sponsor in the sheet; it is recorded as \"{SPONSOR_NOT_RECORDED}\", a gap to close with `wsoa workstream amend {id} --sponsor NAME`",
                        short(&title)
                    ),
                ));
                Some(SPONSOR_NOT_RECORDED.to_owned())
            }
        };
        let weaknesses = facts.weaknesses.clone();
        let mut problems = Vec::new();
        if weaknesses.is_empty() {
            problems.push(format!(
                "workstream {id} '{}' is new and answers no area of weakness; add an Area of weakness column (or --map COLUMN=weakness) or give --default-weakness 'W1 Title'",
                short(&title)
            ));
        }
        let (Some(sponsor), true, Ok(ws_id)) = (
            sponsor,
            problems.is_empty(),
            WorkstreamId::new(id.to_owned()),
        ) else {
            for problem in problems {
                self.problem(row, problem);
            }
            return false;
        };
        self.step(
            Some(row),
            Command::CreateWorkstream(WorkstreamCreated {
                id: ws_id,
                title: title.clone(),
                sponsor: sponsor.clone(),
                weaknesses: weaknesses
                    .iter()
                    .filter_map(|w| WeaknessId::new(w.clone()).ok())
                    .collect(),
            }),
            format!(
                "new workstream {id} '{}' (sponsor {}; answers {})",
                short(&title),
                short(&sponsor),
                weaknesses.join(", ")
            ),
        );
        true
    }

    /// Plans the amendment of a workstream the file renames, gives a new sponsor or more
    /// weaknesses (never fewer: another file may hold the rest).
    fn changed_workstream(&mut self, id: &str, current: &wsoa_core::plan::WorkstreamView) {
        let Some(facts) = self.facts.get(id) else {
            return;
        };
        let row = facts.first_row;
        let mut changes = Vec::new();
        let title = self.workstreams.renamed(id).map(|(title, _)| {
            changes.push(format!(
                "title '{}' → '{}'",
                short(&current.title),
                short(title)
            ));
            title.clone()
        });
        let sponsor = facts
            .sponsor
            .as_ref()
            .filter(|(s, _)| !same_text(s, &current.sponsor))
            .map(|(s, _)| {
                changes.push(format!(
                    "sponsor '{}' → '{}'",
                    short(&current.sponsor),
                    short(s)
                ));
                s.clone()
            });
        let added: Vec<&String> = facts
            .weaknesses
            .iter()
            .filter(|w| !current.weaknesses.contains(w))
            .collect();
        let weaknesses = (!added.is_empty()).then(|| {
            let all: Vec<String> = current
                .weaknesses
                .iter()
                .chain(added.iter().copied())
                .cloned()
                .collect();
            changes.push(format!("now answers {}", all.join(", ")));
            all.into_iter()
                .filter_map(|w| WeaknessId::new(w).ok())
                .collect::<Vec<_>>()
        });
        let Ok(ws_id) = WorkstreamId::new(id.to_owned()) else {
            return;
        };
        if changes.is_empty() {
            return;
        }
        self.step(
            row,
            Command::AmendWorkstream(WorkstreamAmended {
                id: ws_id,
                title,
                sponsor,
                weaknesses,
                reason: self.reason(row),
            }),
            format!("workstream {id}: {}", changes.join("; ")),
        );
    }

    /// Says which actions of the ledger the file leaves out (they are left as they are).
    fn absent(&mut self, rows: &[ActionRow]) {
        if rows.is_empty() {
            return;
        }
        let listed: BTreeSet<&str> = rows.iter().map(|row| row.reference.as_str()).collect();
        let absent: Vec<&str> = self
            .plan
            .actions
            .iter()
            .map(|a| a.id.as_str())
            .filter(|id| !listed.contains(id))
            .collect();
        if absent.is_empty() {
            return;
        }
        let shown = if absent.len() > 12 {
            format!("{} and {} more", absent[..12].join(", "), absent.len() - 12)
        } else {
            absent.join(", ")
        };
        self.result.notices.push(Finding::whole_file(format!(
            "actions in the ledger but not in the tracker, left as they are: {shown}"
        )));
    }

    fn new_action(&mut self, row: &ActionRow, workstream: &str) {
        let layout = self.layout;
        let options = self.options;
        let mut ok = true;
        let title = match &row.title {
            Some(title) => title.clone(),
            None => {
                self.problem(
                    row.row,
                    format!(
                        "action {} is new and has no text in '{}'; fill the cell",
                        row.reference,
                        layout.heading(Field::Action)
                    ),
                );
                ok = false;
                String::new()
            }
        };
        let owner = match row.owner.clone().or_else(|| options.default_owner.clone()) {
            Some(owner) => owner,
            None => {
                if layout.col(Field::Owner).is_some() {
                    self.problem(
                        row.row,
                        format!(
                            "no owner in '{}'; fill the cell or give --default-owner NAME",
                            layout.heading(Field::Owner)
                        ),
                    );
                }
                ok = false;
                String::new()
            }
        };
        let (original, revised) = self.row_deadlines(row);
        let deadline = match original {
            Some(deadline) => deadline,
            None => self.missing_deadline(row),
        };
        if !ok {
            return;
        }
        let Ok(workstream_id) = WorkstreamId::new(workstream) else {
            return;
        };
        let summary = format!(
            "new action {} '{}' in {workstream} (owner {}, due {})",
            row.reference,
            short(&title),
            short(&owner),
            describe_deadline(&deadline)
        );
        let command = match &deadline {
            Deadline::On(due) => Command::CreateAction(ActionCreated {
                id: row.reference.clone(),
                workstream: workstream_id,
                title,
                owner,
                due: *due,
                success: row.success.clone(),
            }),
            _ => Command::ImportAction(ActionCreatedWithDeadline {
                id: row.reference.clone(),
                workstream: workstream_id,
                title,
                owner,
                due: deadline.clone(),
                success: row.success.clone(),
            }),
        };
        self.step(Some(row.row), command, summary);
        if let Some(revised) = revised.filter(|revised| !same_deadline(revised, &deadline)) {
            self.slip_step(row, &deadline, revised);
        }
        let status = row.status.unwrap_or(Status::NotStarted);
        if status != Status::NotStarted || row.rag.is_some() {
            self.status_step(
                row,
                status,
                row.rag,
                row.update.clone(),
                Some(Status::NotStarted),
                None,
            );
        } else if let Some(update) = &row.update {
            self.note_step(row, update);
        }
    }

    fn changed_action(&mut self, row: &ActionRow, current: &wsoa_core::plan::ActionView) {
        let layout = self.layout;
        let mut changes = Vec::new();
        let title = row
            .title
            .as_ref()
            .filter(|t| !same_text(t, &current.title))
            .map(|t| {
                changes.push(format!(
                    "wording '{}' → '{}'",
                    short(&current.title),
                    short(t)
                ));
                t.clone()
            });
        let owner = row
            .owner
            .as_ref()
            .filter(|o| !same_text(o, &current.owner))
            .map(|o| {
                changes.push(format!(
                    "owner '{}' → '{}'",
                    short(&current.owner),
                    short(o)
                ));
                o.clone()
            });
        let (original, revised) = self.row_deadlines(row);
        let from = current_deadline(current);
        let from_revised = revised.is_some();
        let due = revised
            .or(original)
            .filter(|deadline| !same_deadline(deadline, &from))
            .inspect(|deadline| {
                let column = if from_revised {
                    format!(" ('{}')", layout.heading(Field::RevisedDue))
                } else {
                    String::new()
                };
                changes.push(format!(
                    "deadline {} → {}{column}",
                    describe_deadline(&from),
                    describe_deadline(deadline)
                ));
            });
        if !row.success.is_empty() && row.success != current.success {
            self.result.notices.push(Finding::at_row(row.row, format!(
                "the success criteria of action {} differ from the ledger's; no event amends success criteria, so they are left as recorded",
                row.reference
            )));
        }
        if !changes.is_empty() {
            let reason = match &due {
                Some(to) if from_revised => self.slip_reason(row.row, &from, to),
                _ => self.reason(Some(row.row)),
            };
            self.step(
                Some(row.row),
                amendment(row.reference.clone(), title, owner, due, reason),
                format!("action {}: {}", row.reference, changes.join("; ")),
            );
        }
        let latest = current.latest_update();
        let update = row.update.as_ref().filter(|text| {
            !latest.is_some_and(|(note, cite)| {
                same_text(text, note) || same_text(text, &format!("{}: {note}", cite.on))
            })
        });
        let status = row.status.unwrap_or(current.status);
        let rag_changes = row.rag.is_some() && row.rag != current.rag;
        if status != current.status || rag_changes {
            let _ = layout;
            self.status_step(
                row,
                status,
                row.rag.filter(|_| rag_changes || status != current.status),
                update.cloned(),
                Some(current.status),
                current.rag,
            );
        } else if let Some(update) = update {
            self.note_step(row, update);
        }
    }

    /// The deadline a row gives (its Deadline cell) and the revised deadline beside it: the
    /// current deadline is the revised one. Words that are no deadline the ledger can read are
    /// never a problem, so a monthly re-import of an unchanged row goes through: an action the
    /// ledger holds keeps its deadline, with a notice saying so.
    fn row_deadlines(&mut self, row: &ActionRow) -> (Option<Deadline>, Option<Deadline>) {
        let current = self
            .plan
            .action(row.reference.as_str())
            .map(current_deadline);
        let mut read = |due: &Due, what: &str| match due {
            Due::Deadline(deadline) => Some(deadline.clone()),
            Due::Blank => None,
            Due::Unreadable(text, _) => {
                if let Some(current) = &current {
                    self.result.notices.push(Finding::at_row(
                        row.row,
                        format!(
                            "{what} '{}' is not a date or deadline words the ledger reads, so action {} keeps its deadline, {}",
                            short(text),
                            row.reference,
                            describe_deadline(current)
                        ),
                    ));
                }
                None
            }
        };
        let original = read(&row.due, "deadline");
        let revised = read(&row.revised, "revised deadline");
        match (original, revised) {
            (None, Some(revised)) => (Some(revised), None),
            found => found,
        }
    }

    /// The deadline of a new action whose row gives none: `--default-due` when given, else not
    /// set (shown as "Not recorded", a gap to close): no date is invented.
    fn missing_deadline(&mut self, row: &ActionRow) -> Deadline {
        let layout = self.layout;
        let amend = format!(
            "a gap to close with `wsoa action amend {} --due DEADLINE --reason TEXT`",
            row.reference
        );
        if let Some(default) = self.options.default_due {
            if let Due::Unreadable(text, _) = &row.due {
                self.result.notices.push(Finding::at_row(
                    row.row,
                    format!(
                        "deadline '{}' is not a date or deadline words the ledger reads; action {} takes --default-due {}",
                        short(text),
                        row.reference,
                        default.long()
                    ),
                ));
            }
            return Deadline::On(default);
        }
        let (words, message) = match &row.due {
            Due::Unreadable(text, reason) => {
                let message = format!(
                    "deadline '{}' is not a date or deadline words the ledger reads ({reason}), so action {} is recorded with no deadline set, shown as \"{DEADLINE_NOT_RECORDED}\": {amend}",
                    short(text),
                    row.reference
                );
                (DEADLINE_NOT_RECORDED.to_owned(), Some(message))
            }
            _ => {
                let message = layout.col(Field::Due).map(|_| {
                    format!(
                        "no deadline in '{}', so action {} is recorded with no deadline set, shown as \"{DEADLINE_NOT_RECORDED}\": {amend}",
                        layout.heading(Field::Due),
                        row.reference
                    )
                });
                (DEADLINE_NOT_RECORDED.to_owned(), message)
            }
        };
        if let Some(message) = message {
            self.result.notices.push(Finding::at_row(row.row, message));
        }
        Deadline::NotSet { words }
    }

    /// Why a deadline moved to the one in a revised-deadline column: the file and row say so.
    fn slip_reason(&self, row: usize, from: &Deadline, to: &Deadline) -> String {
        let at = format!("tracker {}, row {row}", self.options.source);
        let column = self.layout.heading(Field::RevisedDue);
        match &self.options.reason {
            Some(reason) => format!("{reason} ({at}, '{column}')"),
            None => format!(
                "the {at}, revises the deadline from {} to {} in '{column}' (imported with `wsoa import tracker`)",
                describe_deadline(from),
                describe_deadline(to)
            ),
        }
    }

    /// A new action's revised deadline: recorded as the slip it is, after its creation.
    fn slip_step(&mut self, row: &ActionRow, from: &Deadline, to: Deadline) {
        let reason = self.slip_reason(row.row, from, &to);
        let summary = format!(
            "action {}: deadline {} → {} ('{}')",
            row.reference,
            describe_deadline(from),
            describe_deadline(&to),
            self.layout.heading(Field::RevisedDue)
        );
        self.step(
            Some(row.row),
            amendment(row.reference.clone(), None, None, Some(to), reason),
            summary,
        );
    }

    fn status_step(
        &mut self,
        row: &ActionRow,
        status: Status,
        rag: Option<Rag>,
        update: Option<String>,
        from: Option<Status>,
        rag_from: Option<Rag>,
    ) {
        let reopening =
            from.is_some_and(|f| matches!(f, Status::Complete | Status::Withdrawn) && f != status);
        let note = update.clone().or_else(|| {
            reopening.then(|| {
                format!(
                    "Reopened in the tracker {} (row {})",
                    self.options.source, row.row
                )
            })
        });
        let mut parts = Vec::new();
        match from {
            Some(from) if from != status => {
                parts.push(format!("status {} → {}", from.label(), status.label()))
            }
            _ => {}
        }
        if let Some(rag) = rag {
            match rag_from {
                Some(before) if before != rag => parts.push(format!("RAG {before} → {rag}")),
                Some(_) => {}
                None => parts.push(format!("RAG {rag}")),
            }
        }
        if let Some(note) = &note {
            parts.push(format!("update '{}'", short(note)));
        }
        self.step(
            Some(row.row),
            Command::ChangeActionStatus(ActionStatusChanged {
                id: row.reference.clone(),
                status,
                rag,
                note,
            }),
            format!("action {}: {}", row.reference, parts.join(", ")),
        );
    }

    fn note_step(&mut self, row: &ActionRow, update: &str) {
        self.step(
            Some(row.row),
            Command::AddNote(AddNote {
                about: SubjectRef {
                    kind: Some(SubjectKind::Action),
                    id: row.reference.to_string(),
                },
                text: update.to_owned(),
                from: None,
            }),
            format!("action {}: update '{}'", row.reference, short(update)),
        );
    }
}

/// Checks every step against the rules, each against the state the earlier ones leave, so that
/// a dry run reports what a real import would refuse. A refused step's dependants are not
/// checked: their refusal would only repeat it.
fn check_rules(state: &State, when: When, result: &mut ImportPlan) {
    let mut state = state.clone();
    let mut failed: BTreeSet<String> = BTreeSet::new();
    let actor = Actor {
        name: "wsoa import tracker".to_owned(),
        role: Role::Officer,
    };
    for step in &result.steps {
        let depends_on: Vec<String> = match &step.command {
            Command::CreateWorkstream(e) => e
                .weaknesses
                .iter()
                .map(|w| format!("weakness {w}"))
                .collect(),
            Command::AmendWorkstream(e) => std::iter::once(format!("workstream {}", e.id))
                .chain(
                    e.weaknesses
                        .iter()
                        .flatten()
                        .map(|w| format!("weakness {w}")),
                )
                .collect(),
            Command::CreateAction(e) => vec![format!("workstream {}", e.workstream)],
            Command::ImportAction(e) => vec![format!("workstream {}", e.workstream)],
            Command::AmendAction(e) => vec![format!("action {}", e.id)],
            Command::AmendActionWithDeadline(e) => vec![format!("action {}", e.id)],
            Command::ChangeActionStatus(e) => vec![format!("action {}", e.id)],
            Command::AddNote(e) => vec![format!("action {}", e.about.id)],
            Command::DefineMeasure(e) => e
                .weaknesses
                .iter()
                .map(|w| format!("weakness {w}"))
                .collect(),
            Command::RecordMeasure(e) => vec![format!("measure {}", e.id)],
            _ => Vec::new(),
        };
        if depends_on.iter().any(|d| failed.contains(d)) {
            continue;
        }
        match decide(&state, &step.command, when) {
            Ok(body) => {
                let event = Event {
                    format: FORMAT_VERSION,
                    seq: state.len,
                    prev: Digest::ZERO,
                    recorded_at: 0,
                    occurred_on: when.occurred_on,
                    actor: actor.clone(),
                    body,
                };
                state.apply(&event);
            }
            Err(rejection) => {
                let subject = match &step.command {
                    Command::RecordWeakness(e) => format!("weakness {}", e.id),
                    Command::CreateWorkstream(e) => format!("workstream {}", e.id),
                    Command::CreateAction(e) => format!("action {}", e.id),
                    Command::ImportAction(e) => format!("action {}", e.id),
                    Command::DefineMeasure(e) => format!("measure {}", e.id),
                    _ => String::new(),
                };
                failed.insert(subject);
                let message = format!("{}: {rejection}", step.summary);
                result.problems.push(Finding {
                    row: step.row,
                    message,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_exported_column_imports_back_as_its_field() {
        for (heading, field) in super::TRACKER_COLUMNS {
            assert_eq!(
                super::recognise_heading(heading).map(|(found, _)| found),
                field,
                "{heading}"
            );
        }
    }

    use super::*;

    fn date(text: &str) -> Date {
        text.parse().expect("valid date")
    }

    #[test]
    fn excel_serials_count_from_1900_with_the_phantom_leap_day() {
        assert_eq!(excel_serial_date(1.0), Some(date("1900-01-01")));
        assert_eq!(excel_serial_date(59.0), Some(date("1900-02-28")));
        assert_eq!(excel_serial_date(60.0), None);
        assert_eq!(excel_serial_date(61.0), Some(date("1900-03-01")));
        assert_eq!(excel_serial_date(25_569.0), Some(date("1970-01-01")));
        assert_eq!(excel_serial_date(44_392.75), Some(date("2021-07-15")));
        assert_eq!(excel_serial_date(0.0), None);
        assert_eq!(excel_serial_date(f64::NAN), None);
    }

    #[test]
    fn dates_written_as_councils_write_them() {
        for (text, expected) in [
            ("2021-07-15", "2021-07-15"),
            ("15/07/2021", "2021-07-15"),
            ("15/7/21", "2021-07-15"),
            ("15 July 2021", "2021-07-15"),
            ("15th July 2021", "2021-07-15"),
            ("15-Jul-2021", "2021-07-15"),
            ("15-Jul-21", "2021-07-15"),
            ("Thursday 15 July 2021", "2021-07-15"),
            ("July 15, 2021", "2021-07-15"),
            ("2021-07-15 00:00:00", "2021-07-15"),
            ("July 2021", "2021-07-31"),
            ("end of Feb 2024", "2024-02-29"),
            ("by Sept 2021", "2021-09-30"),
            ("December 2021", "2021-12-31"),
        ] {
            assert_eq!(parse_date_text(text), Some(date(expected)), "{text}");
        }
        for text in [
            "Autumn 2021",
            "Q3 2021",
            "TBC",
            "Ongoing",
            "31/02/2021",
            "2021",
            "15 Julyish 2021",
        ] {
            assert_eq!(parse_date_text(text), None, "{text}");
        }
    }

    #[test]
    fn labels_split_into_ids_and_titles() {
        let w = |t: &str| split_label(t, Kind::Weakness);
        let ws = |t: &str| split_label(t, Kind::Workstream);
        let some = |id: &str, title: &str| (Some(id.to_owned()), Some(title.to_owned()));
        assert_eq!(w("W1: Quality assurance"), some("W1", "Quality assurance"));
        assert_eq!(
            w("Area of weakness 2 - Joint commissioning"),
            some("W2", "Joint commissioning")
        );
        assert_eq!(w("1. Quality assurance"), some("1", "Quality assurance"));
        assert_eq!(ws("Workstream 3: Timeliness"), some("WS3", "Timeliness"));
        assert_eq!(ws("WS 4 Local Offer"), some("WS4", "Local Offer"));
        assert_eq!(ws("WS1"), (Some("WS1".to_owned()), None));
        assert!(labelled("W2 Timeliness", Kind::Weakness));
        assert!(!labelled("Weekly meeting", Kind::Weakness));
        assert!(labelled("WS2: Timeliness", Kind::Workstream));
        assert_eq!(ws("0-25 pathway"), (None, Some("0-25 pathway".to_owned())));
        assert_eq!(ws("2022 refresh"), (None, Some("2022 refresh".to_owned())));
        assert_eq!(
            ws("Quality of EHC plans"),
            (None, Some("Quality of EHC plans".to_owned()))
        );
    }

    #[test]
    fn statuses_and_rag_in_councils_words() {
        for (text, status) in [
            ("Complete", Status::Complete),
            ("Completed", Status::Complete),
            ("DONE", Status::Complete),
            ("Complete - see evidence", Status::Complete),
            ("In Progress", Status::InProgress),
            ("in-progress", Status::InProgress),
            ("Ongoing", Status::InProgress),
            ("Not started", Status::NotStarted),
            ("On hold", Status::Blocked),
            ("No longer required", Status::Withdrawn),
        ] {
            assert_eq!(parse_status(text), Some(status), "{text}");
        }
        assert_eq!(parse_status("not complete"), None);
        assert_eq!(parse_rag("R"), Ok(RagCell::Rag(Rag::Red)));
        assert_eq!(parse_rag("amber"), Ok(RagCell::Rag(Rag::Amber)));
        assert_eq!(parse_rag("Green - on track"), Ok(RagCell::Rag(Rag::Green)));
        assert_eq!(parse_rag("Blue"), Ok(RagCell::Blue));
        assert_eq!(parse_rag("Red/Amber"), Err(true));
        assert_eq!(parse_rag("Purple"), Err(false));
        assert_eq!(parse_rag("A bit late"), Err(false));
    }

    #[test]
    fn headings_are_recognised_in_their_usual_forms() {
        for (heading, field) in [
            ("Ref", Field::Ref),
            ("Ref.", Field::Ref),
            ("  ACTION ", Field::Action),
            ("Lead Officer(s)", Field::Owner),
            ("Deadline / Timescale", Field::Due),
            ("RAG (Red/Amber/Green)", Field::Rag),
            ("Success criteria / Measure of impact", Field::Success),
            ("Area of Weakness", Field::Weakness),
            ("Update on progress", Field::Update),
        ] {
            assert_eq!(
                recognise_heading(heading).map(|(f, _)| f),
                Some(field),
                "{heading}"
            );
        }
        assert_eq!(recognise_heading("Original deadline"), None);
        assert_eq!(recognise_heading("Action and timescale"), None);
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_index("ab"), Some(27));
    }
}
