//! Measures of impact kept in a tracker: measure rows among the actions ("6.M1", or a row with a
//! baseline and a target and no action's delivery) and measure columns beside actions (Measure,
//! Baseline, Target, Latest). Each becomes a measure (`DefineMeasure`) and its latest value
//! (`RecordMeasure`); next month's file records a new latest value only when it changed.
//!
//! A value cell is read as councils write it: "31%", "31 % (Feb 2021)", "65% by March 2022",
//! "12 weeks", "Latest: 58% (Oct 2021)". The number is the value (a percentage when followed by
//! "%"), a word after it is the unit, and a date in the cell (or else in the column's heading,
//! "Baseline (Feb 2021)") is the day it belongs to.

use std::str::FromStr;

use wsoa_core::command::Command;
use wsoa_core::date::Date;
use wsoa_core::deadline::Deadline;
use wsoa_core::decide::When;
use wsoa_core::decimal::Decimal;
use wsoa_core::event::{Direction, MeasureDefined, MeasureRecorded};
use wsoa_core::ids::{MeasureId, ParseError, WeaknessId};

use super::{Field, Finding, Named, Planner, parse_date_parts, same_text, short};

/// A measure read from the sheet.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct MeasureRow {
    /// The row, from 1.
    pub row: usize,
    /// Its reference as written ("6.M1"), if it has one.
    pub reference: Option<String>,
    /// What is measured.
    pub title: String,
    /// The baseline, target and latest cells as written, with the date each column's heading
    /// gives.
    pub baseline: Option<(String, Option<Date>)>,
    pub target: Option<(String, Option<Date>)>,
    pub latest: Option<(String, Option<Date>)>,
    /// The row's deadline, when a date: the day the target is for.
    pub due: Option<Date>,
    /// The area of weakness the row is under.
    pub weaknesses: Option<Named>,
}

/// A value as a cell gives it.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Reading {
    pub value: Decimal,
    /// "%", or the word after the number ("weeks", "plans").
    pub unit: Option<String>,
    /// The day the cell names, if any.
    pub on: Option<Date>,
}

/// Words that start a date after a value, not a unit.
const NOT_UNITS: [&str; 12] = [
    "by", "at", "as", "in", "on", "of", "from", "to", "and", "for", "the", "per",
];

/// The value a cell gives: the first number (a percentage's, if one is followed by "%") that is
/// not part of a date, its unit, and the date the cell names. `None` when no number is there.
pub(super) fn reading(text: &str) -> Option<Reading> {
    let chars: Vec<char> = text.chars().collect();
    let mut numbers: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i].is_ascii_digit()
            || (chars[i] == '-'
                && chars.get(i + 1).is_some_and(char::is_ascii_digit)
                && (i == 0 || chars[i - 1].is_whitespace() || chars[i - 1] == ':'));
        if !starts {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < chars.len()
            && (chars[i].is_ascii_digit()
                || (matches!(chars[i], '.' | ',')
                    && chars.get(i + 1).is_some_and(char::is_ascii_digit)))
        {
            i += 1;
        }
        numbers.push((start, i));
    }
    let depth_at = |at: usize| {
        chars[..at].iter().filter(|c| **c == '(').count()
            > chars[..at].iter().filter(|c| **c == ')').count()
    };
    let percent_after = |end: usize| {
        chars[end..]
            .iter()
            .find(|c| !c.is_whitespace())
            .is_some_and(|c| *c == '%')
    };
    let in_date = |(start, end): (usize, usize)| {
        let digits: String = chars[start..end].iter().collect();
        let year = digits.len() == 4
            && digits
                .parse::<u16>()
                .is_ok_and(|y| (2000..=2100).contains(&y));
        let slashed = (start > 0 && chars[start - 1] == '/') || chars.get(end) == Some(&'/');
        let dashed_year = start > 0
            && chars[start - 1] == '-'
            && chars[..start - 1].last().is_some_and(|c| c.is_alphabetic());
        year || slashed || dashed_year || depth_at(start)
    };
    let chosen = numbers
        .iter()
        .copied()
        .find(|n| percent_after(n.1))
        .or_else(|| numbers.iter().copied().find(|n| !in_date(*n)))?;
    let digits: String = chars[chosen.0..chosen.1]
        .iter()
        .filter(|c| **c != ',')
        .collect();
    let value = Decimal::from_str(&digits).ok()?;
    let rest: String = chars[chosen.1..].iter().collect();
    let unit = if percent_after(chosen.1) {
        Some("%".to_owned())
    } else {
        rest.split_whitespace()
            .next()
            .map(|word| {
                word.trim_matches(|c: char| !c.is_alphabetic())
                    .to_lowercase()
            })
            .filter(|word| {
                !word.is_empty()
                    && word.len() <= 15
                    && !NOT_UNITS.contains(&word.as_str())
                    && parse_date_parts(&format!("{word} 2021")).is_none()
            })
    };
    Some(Reading {
        value,
        unit,
        on: date_in(text),
    })
}

/// The day a text names: a date in brackets ("(Feb 2021)"), or after "by", "at", "as at", "in"
/// ("65% by March 2022"), or any run of words that is a date, a month, a term or a quarter.
pub(super) fn date_in(text: &str) -> Option<Date> {
    let read = |phrase: &str| {
        let phrase = phrase.trim();
        parse_date_parts(phrase)
            .map(|(date, _)| date)
            .or_else(|| Deadline::parse(phrase).ok().and_then(|d| d.date()))
    };
    // In brackets: "(Feb 2021)", "(as at 31/10/2021)".
    for part in text.split('(').skip(1) {
        let inside = part.split(')').next().unwrap_or_default();
        let inside = inside.to_lowercase();
        let inside = ["as at ", "as of ", "at ", "in ", "on "]
            .iter()
            .find_map(|lead| inside.strip_prefix(lead))
            .unwrap_or(&inside);
        if let Some(date) = read(inside) {
            return Some(date);
        }
    }
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ';' | ','))
        .filter(|w| !w.is_empty())
        .collect();
    for size in [3, 2, 1] {
        for window in words.windows(size) {
            // A bare number is a value, not a year; a value is not part of a date.
            if size == 1 && !window[0].contains('/') && !window[0].contains('-') {
                continue;
            }
            let phrase = window.join(" ");
            if phrase.contains('%') {
                continue;
            }
            if let Some(date) = read(&phrase) {
                return Some(date);
            }
        }
    }
    None
}

/// The text after one of `labels` in a row's cells ("Baseline: 31% (Feb 2021); Target: 65%"),
/// up to the next label of another kind.
pub(super) fn labelled_value(texts: &[String], labels: &[&str]) -> Option<String> {
    const ALL: [&str; 4] = ["baseline", "target", "latest", "current"];
    for text in texts {
        let lower = text.to_ascii_lowercase();
        for label in labels {
            let Some(at) = lower.find(label) else {
                continue;
            };
            let start = at + label.len();
            let rest = &lower[start..];
            let end = ALL
                .iter()
                .filter(|other| !labels.contains(other))
                .filter_map(|other| rest.find(other))
                .chain(rest.find(';'))
                .chain(rest.find('\n'))
                .min()
                .unwrap_or(rest.len());
            let value = text[start..start + end]
                .trim_matches(|c: char| {
                    c.is_whitespace() || matches!(c, ':' | '-' | '=' | ',' | '.')
                })
                .to_owned();
            if !value.is_empty() {
                return Some(value);
            }
        }
    }
    None
}

/// The measure's reference, if the row's reference is a measure's ("6.M1", "M2").
pub(super) fn is_measure_reference(reference: &str) -> bool {
    let reference = reference.trim().trim_end_matches('.');
    let last = reference.rsplit(['.', '-']).next().unwrap_or(reference);
    last.len() > 1 && last.starts_with(['M', 'm']) && last[1..].bytes().all(|b| b.is_ascii_digit())
}

impl Planner<'_> {
    /// The areas of weakness each measure evidences, resolved before new weaknesses are
    /// recorded (a measure's heading may name one no action does).
    pub(super) fn measure_weaknesses(&mut self, measures: &[MeasureRow]) -> Vec<Vec<String>> {
        let mut problems = Vec::new();
        let found = measures
            .iter()
            .map(|m| {
                m.weaknesses
                    .as_ref()
                    .and_then(|named| self.weaknesses.resolve(named, &mut problems))
                    .unwrap_or_default()
            })
            .collect();
        self.result.problems.append(&mut problems);
        found
    }

    /// The steps that make the ledger's measures match the sheet's.
    pub(super) fn measure_steps(
        &mut self,
        measures: &[MeasureRow],
        weaknesses: Vec<Vec<String>>,
        when: When,
    ) {
        let mut taken: Vec<String> = self.plan.measures.iter().map(|m| m.id.clone()).collect();
        taken.extend(measures.iter().filter_map(|m| m.reference.clone()));
        for (row, weaknesses) in measures.iter().zip(weaknesses) {
            let existing = match &row.reference {
                Some(reference) => self.plan.measures.iter().find(|m| m.id == *reference),
                None => self
                    .plan
                    .measures
                    .iter()
                    .find(|m| same_text(&m.title, &row.title)),
            };
            match existing {
                Some(measure) => {
                    let (id, last) = (
                        measure.id.clone(),
                        measure.values.last().map(|v| v.value.clone()),
                    );
                    self.measure_value(row, &id, last.as_ref());
                }
                None => {
                    let id = match &row.reference {
                        Some(reference) => reference.trim_end_matches('.').to_owned(),
                        None => {
                            let next = (1..)
                                .map(|n| format!("M{n}"))
                                .find(|id| !taken.contains(id))
                                .unwrap_or_default();
                            taken.push(next.clone());
                            next
                        }
                    };
                    self.new_measure(row, &id, weaknesses, when);
                }
            }
        }
    }

    fn new_measure(&mut self, row: &MeasureRow, id: &str, weaknesses: Vec<String>, when: When) {
        let skip = |planner: &mut Self, why: String| {
            planner.result.notices.push(Finding::at_row(
                row.row,
                format!(
                    "measure {id} '{}' is not recorded: {why}; record it with `wsoa measure add`",
                    short(&row.title)
                ),
            ));
        };
        let measure = match MeasureId::new(id) {
            Ok(measure) => measure,
            Err(err) => {
                let reason = match err {
                    ParseError::Id { reason, .. } => reason,
                    other => other.to_string(),
                };
                self.problem(
                    row.row,
                    format!(
                        "reference '{id}' is not a valid measure id ({reason}); use letters, digits, dots and hyphens, such as M1 or 6.M1"
                    ),
                );
                return;
            }
        };
        let read = |cell: &Option<(String, Option<Date>)>| {
            cell.as_ref().and_then(|(text, heading)| {
                reading(text).map(|r| Reading {
                    on: r.on.or(*heading),
                    ..r
                })
            })
        };
        let Some(baseline) = read(&row.baseline) else {
            return skip(self, "the sheet gives no baseline value".to_owned());
        };
        let Some(target) = read(&row.target) else {
            return skip(self, "the sheet gives no target value".to_owned());
        };
        let weaknesses = if weaknesses.is_empty() {
            let mut all: Vec<String> = self.plan.weaknesses.iter().map(|w| w.id.clone()).collect();
            all.extend(self.weaknesses.created.iter().map(|g| g.id.clone()));
            if all.len() != 1 {
                return skip(
                    self,
                    "no area of weakness heads its row, so the weakness it evidences is not known"
                        .to_owned(),
                );
            }
            all
        } else {
            weaknesses
        };
        let Ok(weaknesses) = weaknesses
            .into_iter()
            .map(WeaknessId::new)
            .collect::<Result<Vec<_>, _>>()
        else {
            return;
        };
        let mut assumed = Vec::new();
        let baseline_on = match baseline.on {
            Some(on) => on,
            None => {
                let (on, what) = match &self.plan.inspection {
                    Some(inspection) => (inspection.to, "the inspection's last day"),
                    None => (when.occurred_on, "the tracker's date"),
                };
                assumed.push(format!("its baseline is taken as of {what}, {}", on.long()));
                on
            }
        };
        let target_by = match target.on.or(row.due) {
            Some(on) => on,
            None => {
                let (on, what) = match (&self.plan.revisit, &self.plan.inspection) {
                    (Some((from, _, _)), _) => (*from, "the revisit"),
                    (None, Some(inspection)) => (
                        Date::from_days_since_epoch(inspection.published.days_since_epoch() + 548)
                            .unwrap_or(inspection.published),
                        "the revisit, about 18 months after the report",
                    ),
                    (None, None) => (when.occurred_on, "the tracker's date"),
                };
                assumed.push(format!("its target date is taken as {what}, {}", on.long()));
                on
            }
        };
        let latest = read(&row.latest);
        let unit = [&baseline, &target]
            .into_iter()
            .chain(latest.as_ref())
            .find_map(|r| r.unit.clone())
            .unwrap_or_else(|| "number".to_owned());
        let better = if target.value.compare(&baseline.value) == std::cmp::Ordering::Less {
            Direction::LowerIsBetter
        } else {
            Direction::HigherIsBetter
        };
        if !assumed.is_empty() {
            self.result.notices.push(Finding::at_row(
                row.row,
                format!(
                    "measure {id}: the sheet gives no date for {}; {} (a measure's dates cannot be amended, so check them with --dry-run first)",
                    if baseline.on.is_none() && target.on.is_none() && row.due.is_none() {
                        "its baseline or its target"
                    } else if baseline.on.is_none() {
                        "its baseline"
                    } else {
                        "its target"
                    },
                    assumed.join("; ")
                ),
            ));
        }
        let show = |value: &Decimal| {
            if unit == "%" {
                format!("{value}%")
            } else {
                format!("{value} {unit}")
            }
        };
        let summary = format!(
            "new measure {id} '{}' (baseline {} on {}, target {} by {}; evidences {})",
            short(&row.title),
            show(&baseline.value),
            baseline_on.long(),
            show(&target.value),
            target_by.long(),
            weaknesses
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        );
        self.step(
            Some(row.row),
            Command::DefineMeasure(MeasureDefined {
                id: measure,
                title: row.title.clone(),
                unit,
                baseline: baseline.value,
                baseline_on,
                target: target.value,
                target_by,
                better,
                weaknesses,
            }),
            summary,
        );
        self.measure_value(row, id, None);
    }

    /// The latest value, when the sheet gives one that is not the ledger's latest.
    fn measure_value(&mut self, row: &MeasureRow, id: &str, last: Option<&Decimal>) {
        let Some((text, _)) = &row.latest else { return };
        let Some(latest) = reading(text) else {
            self.result.notices.push(Finding::at_row(
                row.row,
                format!(
                    "measure {id}: the latest value '{}' has no number, so none is recorded",
                    short(text)
                ),
            ));
            return;
        };
        if last.is_some_and(|last| last.compare(&latest.value) == std::cmp::Ordering::Equal) {
            return;
        }
        let Ok(measure) = MeasureId::new(id) else {
            return;
        };
        let heading = self.layout.heading(Field::Latest);
        let column = if self.layout.col(Field::Latest).is_some() {
            format!(", '{heading}'")
        } else {
            String::new()
        };
        let source = format!(
            "tracker {}, row {}{column}: {}",
            self.options.source,
            row.row,
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        );
        self.step(
            Some(row.row),
            Command::RecordMeasure(MeasureRecorded {
                id: measure,
                value: latest.value.clone(),
                source: Some(source),
            }),
            format!("measure {id}: latest value {}", short(text)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        text.parse().expect("valid date")
    }

    fn value(text: &str) -> (String, Option<String>, Option<Date>) {
        let r = reading(text).expect("a value");
        (r.value.to_string(), r.unit, r.on)
    }

    #[test]
    fn values_are_read_as_councils_write_them() {
        assert_eq!(value("31%"), ("31".to_owned(), Some("%".to_owned()), None));
        assert_eq!(
            value("31 % (Feb 2021)"),
            (
                "31".to_owned(),
                Some("%".to_owned()),
                Some(date("2021-02-28"))
            )
        );
        assert_eq!(
            value("65% by March 2022"),
            (
                "65".to_owned(),
                Some("%".to_owned()),
                Some(date("2022-03-31"))
            )
        );
        assert_eq!(
            value("Feb 2021: 31.5%"),
            (
                "31.5".to_owned(),
                Some("%".to_owned()),
                Some(date("2021-02-28"))
            )
        );
        assert_eq!(
            value("12 weeks"),
            ("12".to_owned(), Some("weeks".to_owned()), None)
        );
        assert_eq!(
            value("1,250 plans at 31/10/2021"),
            (
                "1250".to_owned(),
                Some("plans".to_owned()),
                Some(date("2021-10-31"))
            )
        );
        assert_eq!(
            value("(Oct-21) 58"),
            ("58".to_owned(), None, Some(date("2021-10-31")))
        );
        assert_eq!(reading("Not yet known"), None);
        assert_eq!(reading(""), None);
    }

    #[test]
    fn labelled_values_are_found_in_a_rows_text() {
        let texts = vec![
            "Baseline: 31% (Feb 2021); Target 65% by March 2022. Latest - 58% (Oct 2021)"
                .to_owned(),
        ];
        assert_eq!(
            labelled_value(&texts, &["baseline"]).as_deref(),
            Some("31% (Feb 2021)")
        );
        assert_eq!(
            labelled_value(&texts, &["target"]).as_deref(),
            Some("65% by March 2022")
        );
        assert_eq!(
            labelled_value(&texts, &["latest", "current"]).as_deref(),
            Some("58% (Oct 2021)")
        );
    }

    #[test]
    fn measure_references_end_in_m_and_a_number() {
        assert!(is_measure_reference("6.M1"));
        assert!(is_measure_reference("M2"));
        assert!(is_measure_reference("m12."));
        assert!(!is_measure_reference("1.6"));
        assert!(!is_measure_reference("MM"));
    }
}
