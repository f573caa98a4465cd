//! `Decimal`: a measure's value written as an exact decimal. Floats never enter hashed data:
//! the same number must always have the same bytes, and "63.1%" must stay 63.1, not 63.09999.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ids::ParseError;

/// The most digits a value may have, before and after the point together.
pub const MAX_DIGITS: usize = 30;

/// An exact decimal number in canonical form: an optional `-`, an integer part without leading
/// zeros, and an optional fractional part (`63`, `12.5`, `-3`, `0.05`). Trailing fractional zeros
/// are kept, because "12.50" may state a precision the council meant.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Decimal(String);

impl Decimal {
    /// The canonical text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn parts(&self) -> (bool, &str, &str) {
        let (negative, digits) = match self.0.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, self.0.as_str()),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        (negative, int, frac.trim_end_matches('0'))
    }

    /// Compares two values exactly, as numbers (so `12.50` equals `12.5`).
    pub fn compare(&self, other: &Decimal) -> Ordering {
        let (a_neg, a_int, a_frac) = self.parts();
        let (b_neg, b_int, b_frac) = other.parts();
        let magnitude = a_int
            .len()
            .cmp(&b_int.len())
            .then_with(|| a_int.cmp(b_int))
            .then_with(|| a_frac.cmp(b_frac));
        match (a_neg, b_neg) {
            (false, false) => magnitude,
            (true, true) => magnitude.reverse(),
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
        }
    }

    /// An approximation for drawing charts; never used in hashed data or comparisons.
    pub fn approximate(&self) -> f64 {
        self.0.parse().unwrap_or(0.0)
    }
}

impl FromStr for Decimal {
    type Err = ParseError;

    fn from_str(input: &str) -> Result<Decimal, ParseError> {
        let bad = |reason: &str| ParseError::Decimal {
            input: input.to_owned(),
            reason: reason.to_owned(),
        };
        let text = input.trim();
        let (negative, unsigned) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        if unsigned.is_empty() {
            return Err(bad("there are no digits"));
        }
        let (int, frac) = match unsigned.split_once('.') {
            Some((int, frac)) => (int, Some(frac)),
            None => (unsigned, None),
        };
        let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(int) || !frac.is_none_or(all_digits) {
            return Err(bad(
                "only digits, one decimal point and a leading sign are allowed",
            ));
        }
        if frac == Some("") {
            return Err(bad("there are no digits after the decimal point"));
        }
        if int.len() + frac.map_or(0, str::len) > MAX_DIGITS {
            return Err(bad(&format!("it has more than {MAX_DIGITS} digits")));
        }
        let int = int.trim_start_matches('0');
        let int = if int.is_empty() { "0" } else { int };
        let mut canonical = String::with_capacity(text.len() + 1);
        let is_zero = int == "0" && frac.is_none_or(|f| f.bytes().all(|b| b == b'0'));
        if negative && !is_zero {
            canonical.push('-');
        }
        canonical.push_str(int);
        if let Some(frac) = frac {
            canonical.push('.');
            canonical.push_str(frac);
        }
        Ok(Decimal(canonical))
    }
}

impl TryFrom<String> for Decimal {
    type Error = ParseError;

    /// Accepts only the canonical form, so that decoded bytes cannot smuggle in a second
    /// spelling of the same value.
    fn try_from(input: String) -> Result<Decimal, ParseError> {
        let parsed: Decimal = input.parse()?;
        if parsed.0 == input {
            Ok(parsed)
        } else {
            Err(ParseError::Decimal {
                input,
                reason: format!("it is not in canonical form (write {})", parsed.0),
            })
        }
    }
}

impl From<Decimal> for String {
    fn from(value: Decimal) -> String {
        value.0
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Decimal {
        text.parse().expect(text)
    }

    #[test]
    fn canonicalises_what_people_type() {
        for (input, canonical) in [
            ("63", "63"),
            ("063", "63"),
            ("+12.5", "12.5"),
            ("12.50", "12.50"),
            ("-0", "0"),
            ("-0.0", "0.0"),
            ("0.05", "0.05"),
            (" -3 ", "-3"),
            ("17480", "17480"),
        ] {
            assert_eq!(dec(input).as_str(), canonical, "{input}");
        }
    }

    #[test]
    fn rejects_anything_but_plain_decimals() {
        for bad in [
            "", "-", "1e3", "1,234", "12.", ".", "63%", "NaN", "1.2.3", "--1",
        ] {
            assert!(bad.parse::<Decimal>().is_err(), "{bad}");
        }
        assert!("1".repeat(31).parse::<Decimal>().is_err());
        assert!(Decimal::try_from("063".to_owned()).is_err());
        assert!(Decimal::try_from("63".to_owned()).is_ok());
    }

    #[test]
    fn compares_as_numbers() {
        assert_eq!(dec("12.50").compare(&dec("12.5")), Ordering::Equal);
        assert_eq!(dec("9").compare(&dec("10")), Ordering::Less);
        assert_eq!(dec("-9").compare(&dec("-10")), Ordering::Greater);
        assert_eq!(dec("-1").compare(&dec("0")), Ordering::Less);
        assert_eq!(dec("0.05").compare(&dec("0.5")), Ordering::Less);
        assert_eq!(dec("63").compare(&dec("12")), Ordering::Greater);
    }
}
