//! `Date`: a real calendar date (proleptic Gregorian, no time zone), as the business dates of a
//! WSoA are written: "15 July 2021" to people, `2021-07-15` in data.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

use crate::ids::ParseError;

/// The earliest year a date may have. Nothing in a WSoA predates the SEND reforms by a century.
pub const MIN_YEAR: u16 = 1900;
/// The latest year a date may have.
pub const MAX_YEAR: u16 = 9999;

/// The months' names, January first.
pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A calendar date that is known to exist (no 31 June, no 29 February 2021).
///
/// In canonical bytes it is the triple `(year: u16, month: u8, day: u8)`; in JSON it is the
/// ISO 8601 string `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// Builds a date, checking that it exists.
    pub fn new(year: u16, month: u8, day: u8) -> Result<Date, ParseError> {
        let valid = (MIN_YEAR..=MAX_YEAR).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        if valid {
            Ok(Date { year, month, day })
        } else {
            Err(ParseError::Date {
                input: format!("{year:04}-{month:02}-{day:02}"),
                reason: if (MIN_YEAR..=MAX_YEAR).contains(&year) {
                    "that day does not exist in the calendar".to_owned()
                } else {
                    format!("the year must be between {MIN_YEAR} and {MAX_YEAR}")
                },
            })
        }
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1 to 31.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil, which is exact for the proleptic Gregorian calendar.
        let year = i64::from(self.year) - i64::from(self.month <= 2);
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let month = i64::from(self.month);
        let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5
            + i64::from(self.day)
            - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The date `days` days after 1970-01-01, if it lies within the supported years.
    pub fn from_days_since_epoch(days: i64) -> Option<Date> {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let mp = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        let year = u16::try_from(year).ok()?;
        Date::new(year, u8::try_from(month).ok()?, u8::try_from(day).ok()?).ok()
    }

    /// The UTC calendar date of a Unix time in milliseconds.
    pub fn from_unix_millis(millis: i64) -> Option<Date> {
        Date::from_days_since_epoch(millis.div_euclid(86_400_000))
    }

    /// The civil date in the UK (Europe/London) at a Unix time in milliseconds: Greenwich Mean
    /// Time in winter, British Summer Time (UTC+1) from 01:00 UTC on the last Sunday of March
    /// to 01:00 UTC on the last Sunday of October, as the law has fixed since 1996. A council
    /// officer's "today" is this date, not the UTC one.
    pub fn uk_from_unix_millis(millis: i64) -> Option<Date> {
        const HOUR: i64 = 3_600_000;
        let utc = Date::from_unix_millis(millis)?;
        let starts = last_sunday(utc.year, 3).days_since_epoch() * 86_400_000 + HOUR;
        let ends = last_sunday(utc.year, 10).days_since_epoch() * 86_400_000 + HOUR;
        let offset = if (starts..ends).contains(&millis) {
            HOUR
        } else {
            0
        };
        Date::from_unix_millis(millis + offset)
    }

    /// The number of days from `self` to `later` (negative if `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        later.days_since_epoch() - self.days_since_epoch()
    }

    /// The month's name: "July".
    pub fn month_name(self) -> &'static str {
        MONTH_NAMES[usize::from(self.month - 1)]
    }

    /// The date as people read it in the UK: "15 July 2021".
    pub fn long(self) -> String {
        format!("{} {} {}", self.day, self.month_name(), self.year)
    }
}

/// A Unix time in milliseconds as ISO 8601 UTC with milliseconds: `2021-07-19T10:22:03.123Z`.
pub fn format_unix_millis(millis: i64) -> String {
    let day = millis.div_euclid(86_400_000);
    let in_day = millis.rem_euclid(86_400_000);
    let (hours, rest) = (in_day / 3_600_000, in_day % 3_600_000);
    let (minutes, rest) = (rest / 60_000, rest % 60_000);
    let (seconds, ms) = (rest / 1000, rest % 1000);
    match Date::from_days_since_epoch(day) {
        Some(date) => format!("{date}T{hours:02}:{minutes:02}:{seconds:02}.{ms:03}Z"),
        None => format!("{millis} ms since 1970-01-01"),
    }
}

/// The last Sunday of a month (1970-01-01 was a Thursday).
fn last_sunday(year: u16, month: u8) -> Date {
    let last = Date {
        year,
        month,
        day: days_in_month(year, month),
    };
    let weekday = (last.days_since_epoch() + 4).rem_euclid(7); // 0 = Sunday
    Date::from_days_since_epoch(last.days_since_epoch() - weekday).unwrap_or(last)
}

fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = ParseError;

    /// Accepts ISO 8601 (`2021-07-15`) and the UK's day-first form (`15/07/2021`).
    fn from_str(input: &str) -> Result<Date, ParseError> {
        let text = input.trim();
        let bad = |reason: &str| ParseError::Date {
            input: input.to_owned(),
            reason: reason.to_owned(),
        };
        let (year, month, day) = if let Some((y, rest)) = text.split_once('-') {
            let (m, d) = rest
                .split_once('-')
                .ok_or_else(|| bad("write it as 2021-07-15 or 15/07/2021"))?;
            (y, m, d)
        } else if let Some((d, rest)) = text.split_once('/') {
            let (m, y) = rest
                .split_once('/')
                .ok_or_else(|| bad("write it as 2021-07-15 or 15/07/2021"))?;
            (y, m, d)
        } else {
            return Err(bad("write it as 2021-07-15 or 15/07/2021"));
        };
        let digits = |part: &str, max_len: usize| {
            !part.is_empty() && part.len() <= max_len && part.bytes().all(|b| b.is_ascii_digit())
        };
        if year.len() != 4 || !digits(year, 4) || !digits(month, 2) || !digits(day, 2) {
            return Err(bad(
                "write it as 2021-07-15 or 15/07/2021, with a four-digit year",
            ));
        }
        let parse = |part: &str| part.parse::<u16>().map_err(|_| bad("not a number"));
        let year = parse(year)?;
        let month = u8::try_from(parse(month)?).map_err(|_| bad("the month is out of range"))?;
        let day = u8::try_from(parse(day)?).map_err(|_| bad("the day is out of range"))?;
        Date::new(year, month, day).map_err(|err| match err {
            ParseError::Date { reason, .. } => bad(&reason),
            other => other,
        })
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.serialize_str(&self.to_string())
        } else {
            (self.year, self.month, self.day).serialize(serializer)
        }
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        if deserializer.is_human_readable() {
            let text = String::deserialize(deserializer)?;
            text.parse().map_err(de::Error::custom)
        } else {
            let (year, month, day) = <(u16, u8, u8)>::deserialize(deserializer)?;
            Date::new(year, month, day).map_err(de::Error::custom)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> Date {
        text.parse().expect("valid date")
    }

    #[test]
    fn parses_iso_and_uk_forms() {
        assert_eq!(date("2021-07-15"), Date::new(2021, 7, 15).expect("valid"));
        assert_eq!(date("15/07/2021"), date("2021-07-15"));
        assert_eq!(date("5/7/2021"), date("2021-07-05"));
        assert_eq!(date("2021-07-15").long(), "15 July 2021");
    }

    #[test]
    fn rejects_dates_that_do_not_exist() {
        for bad in [
            "2021-02-29",
            "31/06/2021",
            "2021-13-01",
            "2021-00-10",
            "15/07/21",
            "July 2021",
            "",
            "2021-7",
            "1899-12-31",
            "+021-01-01",
        ] {
            let err = bad.parse::<Date>().expect_err(bad);
            assert!(err.to_string().contains(bad), "{err} should quote {bad}");
        }
        assert!("2020-02-29".parse::<Date>().is_ok());
        assert!("2000-02-29".parse::<Date>().is_ok());
        assert!("1900-02-29".parse::<Date>().is_err());
    }

    #[test]
    fn uk_dates_follow_british_summer_time() {
        let at = |text: &str| {
            // "YYYY-MM-DDTHH:MM" in UTC.
            let (day, time) = text.split_once('T').expect("a time");
            let (h, m) = time.split_once(':').expect("hours and minutes");
            date(day).days_since_epoch() * 86_400_000
                + h.parse::<i64>().expect("hours") * 3_600_000
                + m.parse::<i64>().expect("minutes") * 60_000
        };
        // Summer: 23:30 UTC is already the next day in London.
        assert_eq!(
            Date::uk_from_unix_millis(at("2021-07-15T23:30")),
            Some(date("2021-07-16"))
        );
        // Winter: GMT, the same day.
        assert_eq!(
            Date::uk_from_unix_millis(at("2021-12-15T23:30")),
            Some(date("2021-12-15"))
        );
        // 2021: BST from 01:00 UTC on 28 March to 01:00 UTC on 31 October.
        assert_eq!(last_sunday(2021, 3), date("2021-03-28"));
        assert_eq!(last_sunday(2021, 10), date("2021-10-31"));
        assert_eq!(
            Date::uk_from_unix_millis(at("2021-03-27T23:30")),
            Some(date("2021-03-27"))
        );
        assert_eq!(
            Date::uk_from_unix_millis(at("2021-03-28T23:30")),
            Some(date("2021-03-29"))
        );
        assert_eq!(
            Date::uk_from_unix_millis(at("2021-10-30T23:30")),
            Some(date("2021-10-31"))
        );
        assert_eq!(
            Date::uk_from_unix_millis(at("2021-10-31T23:30")),
            Some(date("2021-10-31"))
        );
    }

    #[test]
    fn epoch_days_round_trip() {
        assert_eq!(date("1970-01-01").days_since_epoch(), 0);
        assert_eq!(date("2021-07-15").days_since_epoch(), 18_823);
        for days in (-25_567..80_000).step_by(37) {
            let d = Date::from_days_since_epoch(days).expect("in range");
            assert_eq!(d.days_since_epoch(), days);
        }
        assert_eq!(
            Date::from_unix_millis(1_626_307_200_000),
            Some(date("2021-07-15"))
        );
        assert_eq!(Date::from_unix_millis(-1), Some(date("1969-12-31")));
        assert_eq!(date("2021-06-30").days_until(date("2021-07-19")), 19);
        assert_eq!(
            format_unix_millis(1_626_690_123_456),
            "2021-07-19T10:22:03.456Z"
        );
    }
}
