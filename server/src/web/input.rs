//! What a form posted, and what happens to it: the fields as typed (`Fields`, kept to show them
//! again), the problems found (`Errors`, each tied to the field it concerns), parsing what people
//! type into core types, and sending the resulting `Command` through the writer exactly as the
//! API does, with the session's actor.
//!
//! Only the shape of input is checked here (is this a date, a number, an id); every rule of the
//! statement is `decide`'s, and its `Rejection` comes back to be shown next to a field.

use axum::extract::Form;
use axum::extract::rejection::FormRejection;
use wsoa_core::{Command, Date, Deadline, Decimal, Rejection};
use wsoa_store::{IdempotencyKey, Submission};

use crate::state::{AppState, context, today};
use crate::web::{Signed, WebError};
use crate::writer::{Job, Outcome, SubmitError};

/// The fields of a posted form, in the order sent; a name may repeat.
#[derive(Clone, Debug, Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// Fields from name/value pairs.
    pub fn new(pairs: Vec<(String, String)>) -> Fields {
        Fields(pairs)
    }

    /// Fields from a posted form, or a 400 page when the body is not a form.
    pub fn from_form(
        form: Result<Form<Vec<(String, String)>>, FormRejection>,
    ) -> Result<Fields, WebError> {
        match form {
            Ok(Form(pairs)) => Ok(Fields(pairs)),
            Err(err) => Err(WebError::BadRequest(format!(
                "The form could not be read: {}. Submit it from the page again.",
                err.body_text()
            ))),
        }
    }

    /// The first value of a field, or "" when it was not sent.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.as_str())
    }

    /// Every non-blank value of a field that may repeat (ticked checkboxes), trimmed, in the
    /// order sent.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.trim())
            .filter(|value| !value.is_empty())
            .collect()
    }

    /// Whether a field was sent at all (blank or not).
    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(key, _)| key == name)
    }

    /// Sets a field (replacing any value), as a form starts out.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.0.retain(|(key, _)| key != name);
        self.0.push((name.to_owned(), value.into()));
    }

    /// The field's text, trimmed, or `None` when blank.
    pub fn optional(&self, name: &str) -> Option<String> {
        let value = self.get(name).trim();
        (!value.is_empty()).then(|| value.to_owned())
    }

    /// A text area's non-blank lines, each trimmed: one item a line (strengths, success
    /// criteria).
    pub fn lines(&self, name: &str) -> Vec<String> {
        self.get(name)
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// A hash of what was posted, to tell a resubmission from a different request under the
    /// same form nonce.
    pub fn digest(&self) -> wsoa_core::Digest {
        let mut hasher = blake3::Hasher::new();
        for (key, value) in &self.0 {
            hasher.update(&(key.len() as u64).to_le_bytes());
            hasher.update(key.as_bytes());
            hasher.update(&(value.len() as u64).to_le_bytes());
            hasher.update(value.as_bytes());
        }
        wsoa_core::Digest(*hasher.finalize().as_bytes())
    }
}

/// A form as it is shown: the values in its fields and the problems found with them. A fresh
/// form carries a new `nonce` (see `submit`).
#[derive(Clone, Debug, Default)]
pub struct FormState {
    /// What the fields hold.
    pub fields: Fields,
    /// What is wrong with them.
    pub errors: Errors,
}

impl FormState {
    /// A new form with these starting values and a fresh nonce.
    pub fn fresh(defaults: &[(&str, String)]) -> Result<FormState, WebError> {
        let mut fields = Fields::default();
        for (name, value) in defaults {
            fields.set(name, value.clone());
        }
        fields.set("nonce", crate::web::session::random_hex()?);
        Ok(FormState {
            fields,
            errors: Errors::default(),
        })
    }

    /// Fills a date input's three fields with a day, as a form starts out.
    pub fn set_date(&mut self, name: &str, date: Date) {
        let [day, month, year] = part_names(name);
        self.fields.set(&day, date.day().to_string());
        self.fields.set(&month, date.month().to_string());
        self.fields.set(&year, date.year().to_string());
    }

    /// The three values of a date input as typed; when only one `YYYY-MM-DD` field was sent,
    /// its parts.
    pub fn date_values(&self, name: &str) -> [String; 3] {
        let names = part_names(name);
        if !names.iter().any(|part| self.fields.has(part))
            && let Ok(date) = self.fields.get(name).trim().parse::<Date>()
        {
            return [
                date.day().to_string(),
                date.month().to_string(),
                date.year().to_string(),
            ];
        }
        names.map(|part| self.fields.get(&part).to_owned())
    }

    /// A form shown again with what was typed and what is wrong with it.
    pub fn again(fields: Fields, errors: Errors) -> FormState {
        FormState { fields, errors }
    }

    /// The value of a field.
    pub fn value(&self, name: &str) -> &str {
        self.fields.get(name)
    }

    /// The problem with a field.
    pub fn error(&self, name: &str) -> Option<&str> {
        self.errors.get(name)
    }
}

/// Reads a recording form's fields after checking, in this order, that the person may record
/// (403) and that the form carried their session's CSRF token (403).
pub fn accept(
    user: &Signed,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Fields, WebError> {
    user.require_record()?;
    let fields = Fields::from_form(form)?;
    user.check_csrf(Some(fields.get("csrf")))?;
    Ok(fields)
}

/// The problems with a form: (field name, message), in the order of the form, each with the
/// id suffix of the control the error summary links to ("" for the field itself, `-day` for
/// the first wrong part of a date input).
#[derive(Clone, Debug, Default)]
pub struct Errors(Vec<(String, String, &'static str)>);

impl Errors {
    /// Notes a problem with a field (the first problem per field is kept).
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.add_at(field, "", message);
    }

    /// Notes a problem with a field whose summary link goes to `{field}{part}`: a date input's
    /// wrong part.
    pub fn add_at(&mut self, field: &str, part: &'static str, message: impl Into<String>) {
        if self.get(field).is_none() {
            self.0.push((field.to_owned(), message.into(), part));
        }
    }

    /// The problem with a field, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(name, _, _)| name == field)
            .map(|(_, message, _)| message.as_str())
    }

    /// Whether there is no problem.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every problem, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .map(|(field, message, _)| (field.as_str(), message.as_str()))
    }

    /// Every problem with the id (without the form's prefix) its summary link goes to.
    pub fn links(&self) -> impl Iterator<Item = (String, &str)> {
        self.0
            .iter()
            .map(|(field, message, part)| (format!("{field}{part}"), message.as_str()))
    }
}

/// Compares two secrets in time that does not depend on where they differ: both are hashed
/// with BLAKE3, whose hash comparison is constant-time, so neither length nor content leaks.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    blake3::hash(a.as_bytes()) == blake3::hash(b.as_bytes())
}

/// The three fields of a GOV.UK date input for `name`: `{name}-day`, `{name}-month`,
/// `{name}-year`.
pub fn part_names(name: &str) -> [String; 3] {
    [
        format!("{name}-day"),
        format!("{name}-month"),
        format!("{name}-year"),
    ]
}

/// What a date input holds: nothing, a date, or a problem (its message and the part whose
/// field the error summary links to).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateInput {
    /// Nothing typed.
    Blank,
    /// A real date.
    Date(Date),
    /// Something that is not a date.
    Wrong {
        /// What is wrong, for the field's error message.
        message: String,
        /// The id suffix of the field to link to: `-day`, `-month`, `-year`, or "" (a date sent
        /// as one field).
        part: &'static str,
    },
}

const PARTS: [&str; 3] = ["day", "month", "year"];
const PART_SUFFIXES: [&str; 3] = ["-day", "-month", "-year"];

fn day_part(text: &str) -> Option<u8> {
    (!text.is_empty() && text.len() <= 2 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
        .filter(|day| (1..=31).contains(day))
}

/// A month as a number (1 to 12) or its name or first three letters ("Nov", "november",
/// "Sept"), as the GOV.UK Design System asks a date input to accept.
fn month_part(text: &str) -> Option<u8> {
    if !text.is_empty() && text.len() <= 2 && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok().filter(|month| (1..=12).contains(month));
    }
    let lower = text.to_ascii_lowercase();
    let lower = lower.trim_end_matches('.');
    if lower == "sept" {
        return Some(9);
    }
    wsoa_core::date::MONTH_NAMES
        .iter()
        .position(|name| {
            let name = name.to_ascii_lowercase();
            lower == name || (lower.len() == 3 && name.starts_with(lower))
        })
        .and_then(|index| u8::try_from(index + 1).ok())
}

fn year_part(text: &str) -> Option<u16> {
    (text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// Which of a date input's three parts are wrong (blank, or not a day, a month, a year of 4
/// numbers); when each part is fine on its own (31 February, a future date), all three.
pub fn wrong_parts(day: &str, month: &str, year: &str) -> [bool; 3] {
    let (day, month, year) = (day.trim(), month.trim(), year.trim());
    let wrong = [
        day_part(day).is_none(),
        month_part(month).is_none(),
        year_part(year).is_none(),
    ];
    if wrong.iter().any(|wrong| *wrong) {
        wrong
    } else {
        [true; 3]
    }
}

/// Reads the date input `name`: its three fields, or, when none of them was sent, one field
/// `name` holding `YYYY-MM-DD` (as scripts and older pages send it). `what` names the date in
/// messages ("the date of the visit").
pub fn read_date(fields: &Fields, name: &str, what: &str) -> DateInput {
    let names = part_names(name);
    if !names.iter().any(|part| fields.has(part)) {
        let text = fields.get(name).trim();
        if text.is_empty() {
            return DateInput::Blank;
        }
        return match text.parse::<Date>() {
            Ok(date) => DateInput::Date(date),
            Err(_) => DateInput::Wrong {
                message: format!(
                    "{} must be a real date, written as year-month-day, such as 2021-11-18",
                    capitalise(what)
                ),
                part: "",
            },
        };
    }
    let [day, month, year] = names.map(|part| fields.get(&part).trim().to_owned());
    let typed = [day.as_str(), month.as_str(), year.as_str()];
    if typed.iter().all(|part| part.is_empty()) {
        return DateInput::Blank;
    }
    let missing: Vec<usize> = (0..3).filter(|&i| typed[i].is_empty()).collect();
    if !missing.is_empty() {
        let words: Vec<&str> = missing.iter().map(|&i| PARTS[i]).collect();
        return DateInput::Wrong {
            message: format!(
                "{} must include a {}",
                capitalise(what),
                words.join(" and ")
            ),
            part: PART_SUFFIXES[missing[0]],
        };
    }
    let wrong = wrong_parts(&day, &month, &year);
    let first = wrong.iter().position(|wrong| *wrong).unwrap_or(0);
    let wrong_format = |message: String| DateInput::Wrong {
        message,
        part: PART_SUFFIXES[first],
    };
    let (Some(d), Some(m)) = (day_part(&day), month_part(&month)) else {
        return wrong_format(format!(
            "{} must be a real date: the day a number from 1 to 31, the month a number from 1 to 12 or its name",
            capitalise(what)
        ));
    };
    let Some(y) = year_part(&year) else {
        return wrong_format(format!(
            "{}: the year must include 4 numbers, such as 2021",
            capitalise(what)
        ));
    };
    if !(wsoa_core::date::MIN_YEAR..=wsoa_core::date::MAX_YEAR).contains(&y) {
        return DateInput::Wrong {
            message: format!(
                "{} must be a real date: the year must be between {} and {}",
                capitalise(what),
                wsoa_core::date::MIN_YEAR,
                wsoa_core::date::MAX_YEAR
            ),
            part: "-year",
        };
    }
    match Date::new(y, m, d) {
        Ok(date) => DateInput::Date(date),
        Err(_) => DateInput::Wrong {
            message: format!(
                "{} must be a real date: {} {y} does not have a day {d}",
                capitalise(what),
                wsoa_core::date::MONTH_NAMES[usize::from(m - 1)]
            ),
            part: "-day",
        },
    }
}

/// A required date input.
pub fn date(fields: &Fields, errors: &mut Errors, name: &str, what: &str) -> Option<Date> {
    match read_date(fields, name, what) {
        DateInput::Blank => {
            let names = part_names(name);
            let part = if names.iter().any(|part| fields.has(part)) {
                "-day"
            } else {
                ""
            };
            errors.add_at(name, part, format!("Enter {what}"));
            None
        }
        other => date_or_error(errors, name, other),
    }
}

/// An optional date input.
pub fn optional_date(fields: &Fields, errors: &mut Errors, name: &str, what: &str) -> Option<Date> {
    date_or_error(errors, name, read_date(fields, name, what))
}

fn date_or_error(errors: &mut Errors, name: &str, input: DateInput) -> Option<Date> {
    match input {
        DateInput::Blank => None,
        DateInput::Date(date) => Some(date),
        DateInput::Wrong { message, part } => {
            errors.add_at(name, part, message);
            None
        }
    }
}

/// The date a change happened (`on`): the given day, or today when blank.
pub fn occurred_on(fields: &Fields, errors: &mut Errors) -> Option<Date> {
    match read_date(fields, "on", "the date it happened") {
        DateInput::Blank => today().ok(),
        other => date_or_error(errors, "on", other),
    }
}

/// The field of an action form holding its deadline as written in the plan.
pub const DEADLINE_WORDS: &str = "due_words";

/// An action form's deadline: the date input `due`, or the text field `due_words` holding the
/// deadline as the plan writes it ("Autumn term 2021", "Termly", "TBC"), one or the other.
/// `None` when neither is filled in; when `required`, that is a problem too.
pub fn deadline(fields: &Fields, errors: &mut Errors, required: bool) -> Option<Deadline> {
    let date = read_date(fields, "due", "the deadline");
    let words = fields.optional(DEADLINE_WORDS);
    let part = if part_names("due").iter().any(|part| fields.has(part)) {
        "-day"
    } else {
        ""
    };
    match (date, words) {
        (DateInput::Blank, None) => {
            if required {
                errors.add_at(
                    "due",
                    part,
                    "Enter the deadline: a date, or the deadline as written in the plan, such as Autumn term 2021",
                );
            }
            None
        }
        (DateInput::Blank, Some(words)) => match Deadline::parse(&words) {
            Ok(deadline) => Some(deadline),
            Err(err) => {
                errors.add(DEADLINE_WORDS, capitalise(&err.to_string()));
                None
            }
        },
        (_, Some(_)) => {
            errors.add_at(
                "due",
                part,
                "Enter the deadline once: either a date, or as written in the plan, not both",
            );
            None
        }
        (date, None) => date_or_error(errors, "due", date).map(Deadline::On),
    }
}

/// A required piece of text.
pub fn required(fields: &Fields, errors: &mut Errors, name: &str, what: &str) -> String {
    let value = fields.get(name).trim().to_owned();
    if value.is_empty() {
        errors.add(name, format!("Enter {what}"));
    }
    value
}

/// A required exact decimal number.
pub fn decimal(fields: &Fields, errors: &mut Errors, name: &str, what: &str) -> Option<Decimal> {
    let text = fields.get(name).trim();
    if text.is_empty() {
        errors.add(name, format!("Enter {what}"));
        return None;
    }
    match text.parse::<Decimal>() {
        Ok(value) => Some(value),
        Err(_) => {
            errors.add(
                name,
                format!(
                    "{} must be a number, such as 63, 12.5 or -3",
                    capitalise(what)
                ),
            );
            None
        }
    }
}

/// A required number in a unit: for a percentage (`unit` "%"), "63%" is read as 63; a "%"
/// after a number in any other unit is refused, naming the unit.
pub fn amount(
    fields: &Fields,
    errors: &mut Errors,
    name: &str,
    what: &str,
    unit: Option<&str>,
) -> Option<Decimal> {
    let text = fields.get(name).trim();
    let Some(number) = text.strip_suffix('%') else {
        return decimal(fields, errors, name, what);
    };
    match unit.map(str::trim) {
        Some("%") | None => {
            let mut only = Fields::default();
            only.set(name, number.trim_end());
            decimal(&only, errors, name, what)
        }
        Some(unit) => {
            let unit = if unit.is_empty() { "no unit" } else { unit };
            errors.add(
                name,
                format!(
                    "{} is not a percentage: this measure is counted in {unit}, so enter the number alone, such as {}",
                    capitalise(what),
                    number.trim_end()
                ),
            );
            None
        }
    }
}

/// Something parsed with `FromStr` (an id, a status), with the parser's own message.
pub fn parsed<T: std::str::FromStr>(
    fields: &Fields,
    errors: &mut Errors,
    name: &str,
    what: &str,
) -> Option<T>
where
    T::Err: std::fmt::Display,
{
    let text = fields.get(name).trim();
    if text.is_empty() {
        errors.add(name, format!("Enter {what}"));
        return None;
    }
    match text.parse::<T>() {
        Ok(value) => Some(value),
        Err(err) => {
            errors.add(name, capitalise(&err.to_string()));
            None
        }
    }
}

/// The first letter in capitals, for a message that starts a sentence.
pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Why a submitted command appended nothing, for the form to show.
#[derive(Debug)]
pub enum Refused {
    /// A rule of the statement refused it.
    Rule(Rejection),
    /// The same form (its nonce) was already used for a different request.
    FormReused,
}

/// The idempotency key of a form sent with its nonce: a resubmission of the same form (a double
/// click, a refresh) finds what the first recorded instead of recording it again.
pub fn form_key(user: &Signed, fields: &Fields) -> Option<IdempotencyKey> {
    let nonce = fields.get("nonce").trim();
    (!nonce.is_empty() && nonce.len() <= 128).then(|| {
        // Scoped by the actor's name and a fixed prefix, so a form's nonce never meets an API
        // client's Idempotency-Key.
        let mut key = b"web\0".to_vec();
        key.extend_from_slice(user.name.as_bytes());
        key.push(0);
        key.extend_from_slice(nonce.as_bytes());
        IdempotencyKey {
            key,
            request: fields.digest(),
        }
    })
}

/// Sends a command through the writer with the session's actor, as `POST /api/v1/commands`
/// does. The form's nonce (a hidden field, new for each form shown) is its idempotency key, so
/// that a double click or a resubmitted page records once. Returns the event's sequence number.
pub async fn submit(
    state: &AppState,
    user: &Signed,
    fields: &Fields,
    command: Command,
    on: Date,
) -> Result<Result<u64, Refused>, WebError> {
    let context = context(user.actor(), Some(on))?;
    let idempotency = form_key(user, fields);
    let submission = Submission {
        command,
        context,
        idempotency,
    };
    match state
        .write(|reply| Job::Submit { submission, reply })
        .await?
    {
        Ok(Outcome::Appended(seq) | Outcome::Replayed(seq)) => Ok(Ok(seq)),
        Err(SubmitError::Rejected(rejection)) => Ok(Err(Refused::Rule(rejection))),
        Err(SubmitError::Store(wsoa_store::StoreError::IdempotencyKeyReused)) => {
            Ok(Err(Refused::FormReused))
        }
        Err(SubmitError::Store(err)) => Err(err.into()),
    }
}

/// A rejection's message for a form, as the rules word it in the domain's terms (a reopened
/// action's in the form's own); the field it stands beside says what to fill in.
pub fn web_message(rejection: &Rejection) -> String {
    let text = match rejection {
        Rejection::ReopenNeedsNote { id, status } => {
            format!("Action {id} is {status}: to move it out of {status}, say why in the update")
        }
        other => other.to_string(),
    };
    capitalise(text.trim())
}

/// Notes a refusal against the field it concerns: `field_for` names the field a rejection is
/// about (by the words `decide` uses for it), or the form's main field.
pub fn refusal(
    errors: &mut Errors,
    refused: Refused,
    field_for: impl Fn(&Rejection) -> &'static str,
) {
    match refused {
        Refused::Rule(rejection) => {
            let field = field_for(&rejection);
            errors.add(field, web_message(&rejection));
        }
        Refused::FormReused => errors.add(
            "nonce",
            "This form was already used to record something else. Reload the page to start a new one.",
        ),
    }
}

/// The field a text rule's words name (`the reason` → `reason`), by the table given.
pub fn field_named(rejection: &Rejection, table: &[(&str, &'static str)]) -> Option<&'static str> {
    let words = rejection.field()?;
    table
        .iter()
        .find(|(prefix, _)| words.starts_with(prefix))
        .map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields::new(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn fields_keep_what_was_typed_and_read_lines() {
        let form = fields(&[
            ("a", " x "),
            ("lines", "one\r\n\r\n  two \n"),
            ("a", "second"),
        ]);
        assert_eq!(form.get("a"), " x ", "the first value, as typed");
        assert_eq!(form.optional("a").as_deref(), Some("x"));
        assert_eq!(form.get("missing"), "");
        assert_eq!(form.optional("missing"), None);
        assert_eq!(form.lines("lines"), vec!["one", "two"]);
    }

    #[test]
    fn dates_and_numbers_say_what_is_wrong() {
        let form = fields(&[("due", "2021-02-30"), ("value", "6o"), ("blank", " ")]);
        let mut errors = Errors::default();
        assert_eq!(date(&form, &mut errors, "due", "the deadline"), None);
        assert_eq!(decimal(&form, &mut errors, "value", "the value"), None);
        assert_eq!(date(&form, &mut errors, "blank", "the date"), None);
        assert!(errors.get("due").is_some_and(|m| m.contains("real date")));
        assert!(
            errors
                .get("value")
                .is_some_and(|m| m.contains("must be a number"))
        );
        assert_eq!(errors.get("blank"), Some("Enter the date"));
        assert_eq!(
            errors.iter().map(|(field, _)| field).collect::<Vec<_>>(),
            vec!["due", "value", "blank"]
        );
    }

    #[test]
    fn a_date_input_reads_day_month_year_and_says_which_part_is_wrong() {
        let read = |day: &str, month: &str, year: &str| {
            read_date(
                &fields(&[("on-day", day), ("on-month", month), ("on-year", year)]),
                "on",
                "the date",
            )
        };
        let day = |text: &str| DateInput::Date(text.parse().expect("a date"));
        assert_eq!(read("18", "11", "2021"), day("2021-11-18"));
        assert_eq!(read("07", "September", "2021"), day("2021-09-07"));
        assert_eq!(read("7", "sept", "2021"), day("2021-09-07"));
        assert_eq!(read("7", "Dec.", "2021"), day("2021-12-07"));
        assert_eq!(read("", "", ""), DateInput::Blank);
        assert!(matches!(
            read("29", "2", "2021"),
            DateInput::Wrong { part: "-day", .. }
        ));
        assert!(matches!(
            read("1", "13", "2021"),
            DateInput::Wrong { part: "-month", .. }
        ));
        assert!(matches!(
            read("1", "1", "1800"),
            DateInput::Wrong { part: "-year", .. }
        ));
        assert!(matches!(
            read("1", "", ""),
            DateInput::Wrong { part: "-month", .. }
        ));
        assert_eq!(wrong_parts("1", "x", "21"), [false, true, true]);
        assert_eq!(wrong_parts("31", "2", "2021"), [true, true, true]);
        // One field, as a script sends it.
        let one = read_date(&fields(&[("on", "2021-11-18")]), "on", "the date");
        assert_eq!(one, day("2021-11-18"));
    }

    #[test]
    fn a_refusal_is_said_as_the_rules_say_it_and_a_reopened_action_as_the_form_asks() {
        let reopen = Rejection::ReopenNeedsNote {
            id: "1.1".to_owned(),
            status: "complete".to_owned(),
        };
        assert_eq!(
            web_message(&reopen),
            "Action 1.1 is complete: to move it out of complete, say why in the update"
        );
        let visit = Rejection::Blank {
            field: "who visited",
        };
        assert_eq!(web_message(&visit), "Who visited must not be empty");
        let kept = Rejection::NothingChanged("action 1.1 is already complete (since May)".into());
        assert_eq!(
            web_message(&kept),
            "Action 1.1 is already complete (since May)"
        );
    }

    #[test]
    fn secrets_compare_equal_only_when_equal() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
        assert!(!constant_time_eq("", "a"));
    }

    #[test]
    fn a_rule_about_a_field_is_shown_next_to_it() {
        let table = [("the reason", "reason"), ("the owner", "owner")];
        let blank = Rejection::Blank {
            field: "the reason",
        };
        assert_eq!(field_named(&blank, &table), Some("reason"));
        assert_eq!(field_named(&Rejection::NotOpened, &table), None);
        let mut errors = Errors::default();
        refusal(&mut errors, Refused::Rule(blank), |r| {
            field_named(r, &table).unwrap_or("status")
        });
        assert_eq!(errors.get("reason"), Some("The reason must not be empty"));
    }
}
