//! `Deadline`: an action's deadline as the council wrote it.
//!
//! A deadline is a day (`2021-07-15`), or words that stand for a day ("July 2021", "Autumn term
//! 2021", "Q3 2021/22", "end of March 2022"), or no single day: recurring work ("Ongoing",
//! "Termly", "Monthly") or a deadline not yet set ("TBC"). The words are kept as written and
//! shown beside the day used for judging.
//!
//! Which day words stand for (England's school year and the UK financial year):
//!
//! | words | the day |
//! |---|---|
//! | a month: "July 2021", "Sep-21", "Sept 2021", "end of March 2022", "by July 2021" | its last day |
//! | "Autumn 2021", "Autumn term 2021" | 31 December 2021 (the autumn term runs September to December) |
//! | "Spring 2022", "Spring term 2022" | 31 March 2022 (the spring term runs January to Easter; Easter moves, the quarter's end does not) |
//! | "Summer 2022", "Summer term 2022" | 31 July 2022 (the summer term ends in late July) |
//! | a term of a school year: "Autumn term 2021/22", "Spring 2021/22", "Summer term 2021/22" | autumn in the first year, spring and summer in the second |
//! | a quarter of a financial year (April to March): "Q1 2021/22" … "Q4 2021/22" | 30 June 2021, 30 September 2021, 31 December 2021, 31 March 2022 |
//! | a financial year: "2021/22", "2021-22", "FY 2021/22", "2021/2022" | 31 March 2022 |
//! | a calendar year: "2021", "end of 2021", "December 2021" | 31 December 2021 |
//!
//! Two-digit years are in this century. "Winter 2021" (December or February?) and a quarter
//! without its financial year ("Q3 2021") are refused, with the words to write instead.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::date::{Date, MONTH_NAMES};
use crate::ids::ParseError;

/// The longest deadline words kept (a cell of a tracker, not a paragraph).
pub const MAX_WORDS_LEN: usize = 80;

/// An action's deadline as the council wrote it.
///
/// In canonical bytes it is an enum (variant index, then its fields in order); the variant
/// order is frozen.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Deadline {
    /// Variant 0: a day, given as a date.
    On(Date),
    /// Variant 1: words that stand for a day ("Autumn term 2021" for 31 December 2021).
    Written {
        /// The words as written.
        words: String,
        /// The day they stand for, used for judging.
        date: Date,
    },
    /// Variant 2: recurring work with no single day ("Ongoing", "Termly"); judged by the age of
    /// its last update.
    Recurring {
        /// The words as written.
        words: String,
        /// How often it is expected to be updated.
        every: Recurrence,
    },
    /// Variant 3: a deadline not yet set ("TBC"): a gap to close.
    NotSet {
        /// The words as written.
        words: String,
    },
}

/// How often recurring work is expected to show progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Recurrence {
    /// Variant 0: "Ongoing", "Continuous": judged as quarterly, the monitoring visits' rhythm.
    Ongoing,
    /// Variant 1: "Weekly".
    Weekly,
    /// Variant 2: "Fortnightly".
    Fortnightly,
    /// Variant 3: "Monthly".
    Monthly,
    /// Variant 4: "Half-termly".
    HalfTermly,
    /// Variant 5: "Termly".
    Termly,
    /// Variant 6: "Quarterly".
    Quarterly,
    /// Variant 7: "Six-monthly", "Biannually".
    SixMonthly,
    /// Variant 8: "Annually", "Yearly".
    Annually,
}

impl Recurrence {
    /// The most days between two updates before recurring work counts as overdue.
    pub fn period_days(self) -> i64 {
        match self {
            Recurrence::Weekly => 7,
            Recurrence::Fortnightly => 14,
            Recurrence::Monthly => 31,
            Recurrence::HalfTermly => 49,
            Recurrence::Ongoing | Recurrence::Quarterly => 92,
            Recurrence::Termly => 122,
            Recurrence::SixMonthly => 183,
            Recurrence::Annually => 366,
        }
    }

    /// Its name for people: "termly".
    pub fn label(self) -> &'static str {
        match self {
            Recurrence::Ongoing => "ongoing",
            Recurrence::Weekly => "weekly",
            Recurrence::Fortnightly => "fortnightly",
            Recurrence::Monthly => "monthly",
            Recurrence::HalfTermly => "half-termly",
            Recurrence::Termly => "termly",
            Recurrence::Quarterly => "quarterly",
            Recurrence::SixMonthly => "six-monthly",
            Recurrence::Annually => "annually",
        }
    }
}

/// What the refusal of unknown words says can be written instead.
pub const FORMS: &str = "write a date (2021-07-15 or 15/07/2021), a month (July 2021, Sep-21, \
     end of March 2022), a term or season (Autumn term 2021, Spring 2022, Summer 2022), a quarter \
     or financial year (Q3 2021/22, 2021/22), recurring words (Ongoing, Termly, Monthly, \
     Quarterly, Annually) or words for a deadline not yet set (TBC, TBA, To be agreed)";

const RECURRING: [(&str, Recurrence); 17] = [
    ("ongoing", Recurrence::Ongoing),
    ("on going", Recurrence::Ongoing),
    ("continuous", Recurrence::Ongoing),
    ("continual", Recurrence::Ongoing),
    ("weekly", Recurrence::Weekly),
    ("fortnightly", Recurrence::Fortnightly),
    ("monthly", Recurrence::Monthly),
    ("half termly", Recurrence::HalfTermly),
    ("termly", Recurrence::Termly),
    ("each term", Recurrence::Termly),
    ("quarterly", Recurrence::Quarterly),
    ("six monthly", Recurrence::SixMonthly),
    ("biannually", Recurrence::SixMonthly),
    ("bi annually", Recurrence::SixMonthly),
    ("annually", Recurrence::Annually),
    ("annual", Recurrence::Annually),
    ("yearly", Recurrence::Annually),
];

const NOT_SET: [&str; 11] = [
    "tbc",
    "tba",
    "tbd",
    "to be confirmed",
    "to be agreed",
    "to be announced",
    "to be decided",
    "to be determined",
    "not yet set",
    "not yet agreed",
    "not recorded",
];

impl Deadline {
    /// Reads a deadline as a council writes it (see the module's table for which day words
    /// stand for). A plain date gives `Deadline::On`; anything else keeps its words, trimmed,
    /// with runs of spaces made one.
    pub fn parse(text: &str) -> Result<Deadline, ParseError> {
        let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let bad = |reason: String| ParseError::Deadline {
            input: text.to_owned(),
            reason,
        };
        if words.is_empty() {
            return Err(bad(format!("it is empty: {FORMS}")));
        }
        if words.chars().count() > MAX_WORDS_LEN {
            return Err(bad(format!(
                "it is longer than {MAX_WORDS_LEN} characters: keep the deadline short and put \
                 the rest in the action's update"
            )));
        }
        if let Ok(date) = words.parse::<Date>() {
            return Ok(Deadline::On(date));
        }
        let key = normalise(&words);
        let bare = key
            .trim_start_matches("by ")
            .trim_start_matches("the ")
            .trim_end_matches(" basis")
            .trim_end_matches(" and ongoing");
        if let Some((_, every)) = RECURRING.iter().find(|(word, _)| *word == bare) {
            return Ok(Deadline::Recurring {
                words,
                every: *every,
            });
        }
        if NOT_SET.contains(&bare) {
            return Ok(Deadline::NotSet { words });
        }
        match day_of(&key) {
            Ok(Some(date)) => Ok(Deadline::Written { words, date }),
            Ok(None) => Err(bad(FORMS.to_owned())),
            Err(reason) => Err(bad(reason)),
        }
    }

    /// The day used for judging, if there is one.
    pub fn date(&self) -> Option<Date> {
        match self {
            Deadline::On(date) | Deadline::Written { date, .. } => Some(*date),
            Deadline::Recurring { .. } | Deadline::NotSet { .. } => None,
        }
    }

    /// The words as written, if the deadline was given in words.
    pub fn words(&self) -> Option<&str> {
        match self {
            Deadline::On(_) => None,
            Deadline::Written { words, .. }
            | Deadline::Recurring { words, .. }
            | Deadline::NotSet { words } => Some(words),
        }
    }

    /// How often recurring work is expected to show progress.
    pub fn recurrence(&self) -> Option<Recurrence> {
        match self {
            Deadline::Recurring { every, .. } => Some(*every),
            _ => None,
        }
    }

    /// Whether no deadline is set yet.
    pub fn is_not_set(&self) -> bool {
        matches!(self, Deadline::NotSet { .. })
    }

    /// The deadline for people, with `long` formatting the day: "Autumn term 2021 (31 December
    /// 2021)", "Ongoing", "TBC — no deadline set", or the day alone.
    pub fn describe(&self, long: impl Fn(Date) -> String) -> String {
        match self {
            Deadline::On(date) => long(*date),
            Deadline::Written { words, date } => format!("{words} ({})", long(*date)),
            Deadline::Recurring { words, .. } => words.clone(),
            Deadline::NotSet { words } => format!("{words} — no deadline set"),
        }
    }
}

impl From<Date> for Deadline {
    fn from(date: Date) -> Deadline {
        Deadline::On(date)
    }
}

impl std::str::FromStr for Deadline {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Deadline, ParseError> {
        Deadline::parse(text)
    }
}

/// What `Deadline::parse` reads back: a plain date as `2021-07-15`, anything else its words. For
/// people, use `describe`.
impl fmt::Display for Deadline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Deadline::On(date) => write!(f, "{date}"),
            Deadline::Written { words, .. }
            | Deadline::Recurring { words, .. }
            | Deadline::NotSet { words } => f.write_str(words),
        }
    }
}

/// Lowercase, every run of characters other than letters, digits and '/' one space.
fn normalise(text: &str) -> String {
    let spaced: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '/' {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                ' '
            }
        })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The day words stand for: `Ok(None)` when they are not deadline words at all, `Err` with what
/// to write instead when they are ambiguous.
fn day_of(key: &str) -> Result<Option<Date>, String> {
    let mut words: Vec<String> = Vec::new();
    for word in key.split(' ') {
        // "2021-22" arrives as "2021 22": a financial or school year.
        if let Some(last) = words.last_mut()
            && last.len() == 4
            && let (Some(first), Some(second)) = (full_year(last), full_year(word))
            && second == first + 1
        {
            last.push('/');
            last.push_str(word);
            continue;
        }
        words.push(word.to_owned());
    }
    let mut words: Vec<&str> = words.iter().map(String::as_str).collect();
    // "by", "the", "end of", "by the end of": fillers before the words that matter.
    while let Some(first) = words.first() {
        match *first {
            "by" | "the" | "end" | "of" | "before" | "fy" => {
                words.remove(0);
            }
            _ => break,
        }
    }
    match words.as_slice() {
        [] => Ok(None),
        [year] => {
            if let Some(first) = financial_year(year) {
                return Ok(Date::new(first + 1, 3, 31).ok());
            }
            let calendar = (year.len() == 4).then(|| full_year(year)).flatten();
            Ok(calendar.and_then(|y| Date::new(y, 12, 31).ok()))
        }
        [quarter, year] if quarter_number(quarter).is_some() => {
            let q = quarter_number(quarter).unwrap_or(1);
            match financial_year(year) {
                Some(first) => Ok(quarter_end(first, q)),
                None => Err(format!(
                    "a quarter needs its financial year (April to March): write Q{q} {}/{}, \
                     or the month",
                    year,
                    full_year(year)
                        .map_or_else(|| "22".to_owned(), |y| format!("{:02}", (y + 1) % 100))
                )),
            }
        }
        [fy, quarter] if quarter_number(quarter).is_some() && financial_year(fy).is_some() => {
            let q = quarter_number(quarter).unwrap_or(1);
            Ok(financial_year(fy).and_then(|first| quarter_end(first, q)))
        }
        [day, month_word, year] if month(month_word).is_some() && day_number(day).is_some() => {
            let (Some(d), Some(m), Some(y)) = (day_number(day), month(month_word), full_year(year))
            else {
                return Ok(None);
            };
            Ok(Date::new(y, m, d).ok())
        }
        [month_word, year] if month(month_word).is_some() => {
            let (Some(m), Some(y)) = (month(month_word), full_year(year)) else {
                return Ok(None);
            };
            Ok(last_day(y, m))
        }
        [season, rest @ ..] if season_month(season).is_some() || *season == "winter" => {
            let rest: Vec<&str> = rest.iter().copied().filter(|w| *w != "term").collect();
            let [year] = rest.as_slice() else {
                return Ok(None);
            };
            if *season == "winter" {
                return Err(
                    "winter spans two years (December to February): write the month, such as \
                     February 2022, or a term, such as Spring term 2022"
                        .to_owned(),
                );
            }
            let m = season_month(season).unwrap_or(12);
            if let Some(first) = financial_year(year) {
                // A term of a school year: autumn in its first year, spring and summer in its
                // second.
                let y = if m == 12 { first } else { first + 1 };
                return Ok(last_day(y, m));
            }
            Ok(full_year(year).and_then(|y| last_day(y, m)))
        }
        _ => Ok(None),
    }
}

/// A month's number from its name or a three-letter (or "sept") abbreviation.
fn month(word: &str) -> Option<u8> {
    MONTH_NAMES.iter().zip(1u8..).find_map(|(name, number)| {
        let name = name.to_lowercase();
        (word == name || word == &name[..3] || (number == 9 && word == "sept")).then_some(number)
    })
}

/// The month a term or season ends in: autumn December, spring March, summer July.
fn season_month(word: &str) -> Option<u8> {
    match word {
        "autumn" | "fall" => Some(12),
        "spring" => Some(3),
        "summer" => Some(7),
        _ => None,
    }
}

/// "1st", "15", "15th".
fn day_number(word: &str) -> Option<u8> {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &word[digits.len()..];
    let ordinal = matches!(suffix, "" | "st" | "nd" | "rd" | "th");
    (ordinal && !digits.is_empty() && digits.len() <= 2)
        .then(|| digits.parse::<u8>().ok())
        .flatten()
}

/// A four-digit year, or a two-digit one in this century.
fn full_year(word: &str) -> Option<u16> {
    if !word.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match word.len() {
        4 => word.parse::<u16>().ok(),
        2 => word.parse::<u16>().ok().map(|y| 2000 + y),
        _ => None,
    }
}

/// The first calendar year of a financial (or school) year written "2021/22", "2021/2022" or
/// "21/22" ("2021-22" is joined into "2021/22" by `day_of`).
fn financial_year(word: &str) -> Option<u16> {
    let (first, second) = word.split_once('/')?;
    let first = full_year(first)?;
    let second = full_year(second)?;
    (second == first + 1).then_some(first)
}

fn quarter_number(word: &str) -> Option<u8> {
    match word {
        "q1" => Some(1),
        "q2" => Some(2),
        "q3" => Some(3),
        "q4" => Some(4),
        _ => None,
    }
}

/// The last day of quarter `q` of the financial year starting in April of `first`.
fn quarter_end(first: u16, q: u8) -> Option<Date> {
    match q {
        1 => Date::new(first, 6, 30).ok(),
        2 => Date::new(first, 9, 30).ok(),
        3 => Date::new(first, 12, 31).ok(),
        _ => Date::new(first + 1, 3, 31).ok(),
    }
}

fn last_day(year: u16, month: u8) -> Option<Date> {
    let first_of_next = if month == 12 {
        Date::new(year.checked_add(1)?, 1, 1).ok()?
    } else {
        Date::new(year, month + 1, 1).ok()?
    };
    Date::from_days_since_epoch(first_of_next.days_since_epoch() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        text.parse().expect("a test date")
    }

    fn written(text: &str) -> Date {
        match Deadline::parse(text) {
            Ok(Deadline::Written { words, date }) => {
                assert_eq!(words, text.trim());
                date
            }
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn a_date_is_a_day_without_words() {
        assert_eq!(
            Deadline::parse(" 2021-07-15 "),
            Ok(Deadline::On(day("2021-07-15")))
        );
        assert_eq!(
            Deadline::parse("15/07/2021"),
            Ok(Deadline::On(day("2021-07-15")))
        );
        assert_eq!(written("15 July 2021"), day("2021-07-15"));
    }

    #[test]
    fn a_month_is_its_last_day() {
        assert_eq!(written("July 2021"), day("2021-07-31"));
        assert_eq!(written("Sep-21"), day("2021-09-30"));
        assert_eq!(written("Sept 2021"), day("2021-09-30"));
        assert_eq!(written("Apr 2020"), day("2020-04-30"));
        assert_eq!(written("Feb 2024"), day("2024-02-29"));
        assert_eq!(written("end of March 2022"), day("2022-03-31"));
        assert_eq!(written("By the end of December 2021"), day("2021-12-31"));
    }

    #[test]
    fn terms_and_seasons_follow_the_school_year() {
        assert_eq!(written("Autumn 2021"), day("2021-12-31"));
        assert_eq!(written("Autumn term 2021"), day("2021-12-31"));
        assert_eq!(written("Spring 2021"), day("2021-03-31"));
        assert_eq!(written("Spring Term 2022"), day("2022-03-31"));
        assert_eq!(written("Summer 2022"), day("2022-07-31"));
        assert_eq!(written("Autumn term 2021/22"), day("2021-12-31"));
        assert_eq!(written("Spring term 2021/22"), day("2022-03-31"));
        assert_eq!(written("Summer 2021-22"), day("2022-07-31"));
    }

    #[test]
    fn quarters_and_years_follow_the_financial_year() {
        assert_eq!(written("Q1 2021/22"), day("2021-06-30"));
        assert_eq!(written("Q2 2021/22"), day("2021-09-30"));
        assert_eq!(written("Q3 2021/22"), day("2021-12-31"));
        assert_eq!(written("Q4 2021/22"), day("2022-03-31"));
        assert_eq!(written("Q3 2021-22"), day("2021-12-31"));
        assert_eq!(written("2021/22 Q4"), day("2022-03-31"));
        assert_eq!(written("2021/22"), day("2022-03-31"));
        assert_eq!(written("2021-22"), day("2022-03-31"));
        assert_eq!(written("FY 2021/2022"), day("2022-03-31"));
        assert_eq!(written("2021"), day("2021-12-31"));
        assert_eq!(written("end of 2021"), day("2021-12-31"));
    }

    #[test]
    fn recurring_and_unset_deadlines_keep_their_words() {
        for (text, every) in [
            ("Ongoing", Recurrence::Ongoing),
            ("on-going", Recurrence::Ongoing),
            ("Termly", Recurrence::Termly),
            ("Monthly", Recurrence::Monthly),
            ("Quarterly", Recurrence::Quarterly),
            ("Annually", Recurrence::Annually),
            ("Half-termly", Recurrence::HalfTermly),
        ] {
            assert_eq!(
                Deadline::parse(text),
                Ok(Deadline::Recurring {
                    words: text.to_owned(),
                    every
                }),
                "{text}"
            );
        }
        for text in ["TBC", "tba", "To be agreed", "To be confirmed"] {
            assert_eq!(
                Deadline::parse(text),
                Ok(Deadline::NotSet {
                    words: text.to_owned()
                })
            );
        }
    }

    #[test]
    fn words_for_no_day_are_refused_with_what_to_write() {
        let err = |text: &str| Deadline::parse(text).expect_err(text).to_string();
        assert!(err("Winter 2021").contains("write the month"));
        assert!(err("Q3 2021").contains("Q3 2021/22"));
        assert!(err("Autumm 2021").contains("Autumn term 2021"));
        assert!(err("").contains("empty"));
        assert!(err("21").contains("a month (July 2021"));
        assert!(err("31 June 2021").contains("is not a deadline"));
        assert!(err(&"x".repeat(100)).contains("longer than 80"));
    }

    #[test]
    fn words_are_shown_beside_the_day() {
        let shown = |text: &str| Deadline::parse(text).expect(text).describe(Date::long);
        assert_eq!(
            shown("Autumn term 2021"),
            "Autumn term 2021 (31 December 2021)"
        );
        assert_eq!(shown("Ongoing"), "Ongoing");
        assert_eq!(shown("TBC"), "TBC — no deadline set");
        assert_eq!(shown("2021-07-15"), "15 July 2021");
    }

    #[test]
    fn the_text_form_reads_back_as_the_same_deadline() {
        for text in [
            "2021-07-15",
            "Autumn term 2021",
            "Q3 2021/22",
            "Ongoing",
            "TBC",
        ] {
            let deadline = Deadline::parse(text).expect(text);
            assert_eq!(deadline.to_string(), text);
            assert_eq!(Deadline::parse(&deadline.to_string()), Ok(deadline));
        }
    }
}
