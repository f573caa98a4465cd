//! The pieces pages are built from, after the GOV.UK Design System's patterns: tags that say
//! their meaning in words (colour is never the only signal), form fields with their label, hint
//! and error message, the error summary, the notification banner, and a few formatters.
//!
//! Everything is a `maud` template, so every value is escaped; nothing here takes HTML.

use maud::{Markup, html};
use wsoa_core::Date;
use wsoa_core::event::{Rag, Rating, RiskLevel, Status};

use crate::web::input::Errors;

/// The colours a tag comes in; each pairs dark text on a light background with a contrast
/// well above 4.5:1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Colour {
    /// Neutral.
    Grey,
    /// Under way.
    Blue,
    /// Good.
    Green,
    /// Bad.
    Red,
    /// A warning.
    Orange,
    /// Closed.
    Purple,
    /// Attention.
    Yellow,
}

impl Colour {
    fn class(self) -> &'static str {
        match self {
            Colour::Grey => "govuk-tag govuk-tag--grey",
            Colour::Blue => "govuk-tag govuk-tag--blue",
            Colour::Green => "govuk-tag govuk-tag--green",
            Colour::Red => "govuk-tag govuk-tag--red",
            Colour::Orange => "govuk-tag govuk-tag--orange",
            Colour::Purple => "govuk-tag govuk-tag--purple",
            Colour::Yellow => "govuk-tag govuk-tag--yellow",
        }
    }
}

/// A tag: a word or two in a coloured box.
pub fn tag(colour: Colour, text: &str) -> Markup {
    html! { strong class=(colour.class()) { (text) } }
}

/// An action's status as a tag: "in progress", "blocked".
pub fn status_tag(status: Status) -> Markup {
    let colour = match status {
        Status::NotStarted => Colour::Grey,
        Status::InProgress => Colour::Blue,
        Status::Complete => Colour::Green,
        Status::Blocked => Colour::Red,
        Status::Withdrawn => Colour::Purple,
    };
    html! { strong class=(colour.class()) data-status=(status.as_str()) { (sentence_case(&status.label())) } }
}

/// A RAG rating as a tag whose text names it ("Red"), or "No RAG" when none is given.
pub fn rag_tag(rag: Option<Rag>) -> Markup {
    match rag {
        Some(rag) => {
            let colour = match rag {
                Rag::Red => Colour::Red,
                Rag::Amber => Colour::Orange,
                Rag::Green => Colour::Green,
            };
            html! { strong class=(colour.class()) data-rag=(rag.as_str()) { (sentence_case(rag.as_str())) } }
        }
        None => html! { strong class=(Colour::Grey.class()) data-rag="none" { "No RAG" } },
    }
}

/// A board's rating of a workstream as a tag.
pub fn rating_tag(rating: Rating) -> Markup {
    let colour = match rating {
        Rating::OnTrack => Colour::Green,
        Rating::AtRisk => Colour::Orange,
        Rating::OffTrack => Colour::Red,
    };
    tag(colour, &sentence_case(&rating.label()))
}

/// A risk's level as a tag.
pub fn risk_tag(level: RiskLevel) -> Markup {
    let colour = match level {
        RiskLevel::Low => Colour::Yellow,
        RiskLevel::Medium => Colour::Orange,
        RiskLevel::High => Colour::Red,
    };
    tag(colour, &format!("{} risk", sentence_case(level.as_str())))
}

/// "Overdue by 12 days".
pub fn overdue_tag(days: i64) -> Markup {
    let text = match days {
        1 => "Overdue by 1 day".to_owned(),
        days => format!("Overdue by {days} days"),
    };
    html! { strong class=(Colour::Red.class()) data-testid="overdue" { (text) } }
}

/// "in progress" → "In progress".
pub fn sentence_case(text: &str) -> String {
    crate::web::input::capitalise(text)
}

/// A date as people in the UK read it, in a `<time>` element with the ISO date for machines.
pub fn date(date: Date) -> Markup {
    html! { time datetime=(date.to_string()) { (date.long()) } }
}

/// A moment of recording (Unix milliseconds) as "19 July 2021 at 10:22 UTC".
pub fn recorded(millis: i64) -> Markup {
    let iso = wsoa_core::date::format_unix_millis(millis);
    let day = Date::from_unix_millis(millis);
    let minutes = millis.rem_euclid(86_400_000) / 60_000;
    match day {
        Some(day) => html! {
            time datetime=(iso) { (day.long()) " at " (format!("{:02}:{:02}", minutes / 60, minutes % 60)) " UTC" }
        },
        None => html! { (iso) },
    }
}

/// An amount with its unit: "63%", "1240 visitors".
pub fn amount(value: &str, unit: &str) -> String {
    match unit.trim() {
        "" => value.to_owned(),
        "%" => format!("{value}%"),
        unit => format!("{value} {unit}"),
    }
}

/// A size in bytes for people: "812 bytes", "1.4 MB".
pub fn size(bytes: u64) -> String {
    match bytes {
        0..1000 => format!("{bytes} bytes"),
        1000..1_000_000 => format!("{:.1} KB", bytes as f64 / 1000.0),
        _ => format!("{:.1} MB", bytes as f64 / 1_000_000.0),
    }
}

/// What kind of control a field is.
#[derive(Clone, Debug)]
pub enum Control {
    /// One line of text.
    Text,
    /// A secret: not echoed back.
    Password,
    /// A date picker (`YYYY-MM-DD`).
    Date,
    /// A number typed as text (exact decimals, so not `type=number`).
    Decimal,
    /// Several lines.
    Textarea {
        /// Visible lines.
        rows: u8,
    },
    /// One choice of several: (value, label).
    Select(Vec<(String, String)>),
    /// A file to upload.
    File,
}

/// A form field: its label, hint, error and control, with ids tying them together.
#[derive(Clone, Debug)]
pub struct Field<'a> {
    /// The control's id (the error summary links to it).
    pub id: &'a str,
    /// The name it is posted under.
    pub name: &'a str,
    /// The label.
    pub label: &'a str,
    /// A hint under the label.
    pub hint: Option<&'a str>,
    /// The problem with what was typed, shown above the control.
    pub error: Option<&'a str>,
    /// What was typed (or the starting value).
    pub value: &'a str,
    /// The control.
    pub control: Control,
}

/// A field in the GOV.UK pattern: label, hint, error message, control, with
/// `aria-describedby` naming the hint and the error.
pub fn field(field: &Field<'_>) -> Markup {
    let hint_id = format!("{}-hint", field.id);
    let error_id = format!("{}-error", field.id);
    let mut described = Vec::new();
    if field.hint.is_some() {
        described.push(hint_id.clone());
    }
    if field.error.is_some() {
        described.push(error_id.clone());
    }
    let described = (!described.is_empty()).then(|| described.join(" "));
    let error = field.error.is_some();
    html! {
        div.govuk-form-group.govuk-form-group--error[error] data-field=(field.name) {
            label.govuk-label for=(field.id) { (field.label) }
            @if let Some(hint) = field.hint {
                div.govuk-hint id=(hint_id) { (hint) }
            }
            @if let Some(message) = field.error {
                p.govuk-error-message id=(error_id) {
                    span.govuk-visually-hidden { "Error: " }
                    (message)
                }
            }
            @match &field.control {
                Control::Text => {
                    input.govuk-input.govuk-input--error[error] type="text" id=(field.id) name=(field.name)
                        value=(field.value) aria-describedby=[described.as_deref()] spellcheck="true";
                }
                Control::Password => {
                    input.govuk-input.govuk-input--error[error] type="password" id=(field.id) name=(field.name)
                        autocomplete="current-password" spellcheck="false" aria-describedby=[described.as_deref()];
                }
                Control::Date => {
                    input.govuk-input.govuk-input--width-10.govuk-input--error[error] type="date" id=(field.id) name=(field.name)
                        value=(field.value) aria-describedby=[described.as_deref()];
                }
                Control::Decimal => {
                    input.govuk-input.govuk-input--width-10.govuk-input--error[error] type="text" inputmode="decimal" id=(field.id)
                        name=(field.name) value=(field.value) aria-describedby=[described.as_deref()] spellcheck="false";
                }
                Control::Textarea { rows } => {
                    textarea.govuk-textarea.govuk-textarea--error[error] id=(field.id) name=(field.name) rows=(rows)
                        aria-describedby=[described.as_deref()] { (field.value) }
                }
                Control::Select(options) => {
                    select.govuk-select.govuk-select--error[error] id=(field.id) name=(field.name) aria-describedby=[described.as_deref()] {
                        @for (value, label) in options {
                            option value=(value) selected[value == field.value] { (label) }
                        }
                    }
                }
                Control::File => {
                    input.govuk-file-upload.govuk-file-upload--error[error] type="file" id=(field.id) name=(field.name)
                        aria-describedby=[described.as_deref()];
                }
            }
        }
    }
}

/// The error summary at the top of a page whose form has problems: "There is a problem" and a
/// link to each field (`#{prefix}{name}`). Nothing when there is no problem.
pub fn error_summary_for(errors: &Errors, prefix: &str) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.govuk-error-summary data-testid="error-summary" data-module="govuk-error-summary" {
                div role="alert" {
                    h2.govuk-error-summary__title { "There is a problem" }
                    div.govuk-error-summary__body {
                        ul.govuk-list.govuk-error-summary__list {
                            @for (target, message) in errors.links() {
                                li { a href=(format!("#{prefix}{target}")) { (message) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A GOV.UK date input: three fields (day, month, year) in a fieldset whose legend asks the
/// question, with one hint and one error message for the group. The fields are named
/// `{name}-day`, `{name}-month`, `{name}-year`, their ids `{id}-day` and so on; the group's
/// container has the id `id`, so that a problem with the whole date links to it.
#[derive(Clone, Debug)]
pub struct DateField<'a> {
    /// The container's id; the fields' ids start with it.
    pub id: &'a str,
    /// The name the fields are posted under, before `-day`, `-month`, `-year`.
    pub name: &'a str,
    /// The question, as the fieldset's legend.
    pub legend: &'a str,
    /// A hint under the legend.
    pub hint: Option<&'a str>,
    /// The problem with the date.
    pub error: Option<&'a str>,
    /// Day, month and year as typed.
    pub values: [String; 3],
}

/// A date input (see `DateField`).
pub fn date_input(field: &DateField<'_>) -> Markup {
    let hint_id = format!("{}-hint", field.id);
    let error_id = format!("{}-error", field.id);
    let mut described = Vec::new();
    if field.hint.is_some() {
        described.push(hint_id.clone());
    }
    if field.error.is_some() {
        described.push(error_id.clone());
    }
    let described = (!described.is_empty()).then(|| described.join(" "));
    let [day, month, year] = &field.values;
    let wrong = match field.error {
        Some(_) => crate::web::input::wrong_parts(day, month, year),
        None => [false; 3],
    };
    let parts = [
        ("day", "Day", day, "govuk-input--width-2", wrong[0]),
        ("month", "Month", month, "govuk-input--width-2", wrong[1]),
        ("year", "Year", year, "govuk-input--width-4", wrong[2]),
    ];
    html! {
        div.govuk-form-group.govuk-form-group--error[field.error.is_some()] data-field=(field.name) {
            fieldset.govuk-fieldset role="group" aria-describedby=[described.as_deref()] {
                legend.govuk-fieldset__legend { (field.legend) }
                @if let Some(hint) = field.hint {
                    div.govuk-hint id=(hint_id) { (hint) }
                }
                @if let Some(message) = field.error {
                    p.govuk-error-message id=(error_id) {
                        span.govuk-visually-hidden { "Error: " }
                        (message)
                    }
                }
                div.govuk-date-input id=(field.id) {
                    @for (part, label, value, width, wrong) in parts {
                        div.govuk-date-input__item {
                            div.govuk-form-group {
                                label.govuk-label.govuk-date-input__label for=(format!("{}-{part}", field.id)) { (label) }
                                input.govuk-input.govuk-date-input__input.(width).govuk-input--error[wrong] type="text"
                                    inputmode="numeric" spellcheck="false"
                                    id=(format!("{}-{part}", field.id)) name=(format!("{}-{part}", field.name))
                                    value=(value);
                            }
                        }
                    }
                }
            }
        }
    }
}

/// GOV.UK radios: one choice of a few, in a fieldset whose legend asks the question. The
/// first radio has the id `id` (the error summary links to it), the others `{id}-2` and on.
#[derive(Clone, Debug)]
pub struct Radios<'a> {
    /// The first radio's id; the others' start with it.
    pub id: &'a str,
    /// The name they are posted under.
    pub name: &'a str,
    /// The question, as the fieldset's legend.
    pub legend: &'a str,
    /// A hint under the legend.
    pub hint: Option<&'a str>,
    /// The problem with the choice.
    pub error: Option<&'a str>,
    /// The value chosen.
    pub value: &'a str,
    /// (value, label) of each radio.
    pub choices: Vec<(String, String)>,
}

/// Radios (see `Radios`): small and side by side where there is room.
pub fn radios(field: &Radios<'_>) -> Markup {
    let hint_id = format!("{}-hint", field.id);
    let error_id = format!("{}-error", field.id);
    let mut described = Vec::new();
    if field.hint.is_some() {
        described.push(hint_id.clone());
    }
    if field.error.is_some() {
        described.push(error_id.clone());
    }
    let described = (!described.is_empty()).then(|| described.join(" "));
    html! {
        div.govuk-form-group.govuk-form-group--error[field.error.is_some()] data-field=(field.name) {
            fieldset.govuk-fieldset aria-describedby=[described.as_deref()] {
                legend.govuk-fieldset__legend { (field.legend) }
                @if let Some(hint) = field.hint {
                    div.govuk-hint id=(hint_id) { (hint) }
                }
                @if let Some(message) = field.error {
                    p.govuk-error-message id=(error_id) {
                        span.govuk-visually-hidden { "Error: " }
                        (message)
                    }
                }
                div.govuk-radios.govuk-radios--small.govuk-radios--inline data-module="govuk-radios" {
                    @for (index, (value, label)) in field.choices.iter().enumerate() {
                        @let id = if index == 0 { field.id.to_owned() } else { format!("{}-{}", field.id, index + 1) };
                        div.govuk-radios__item {
                            input.govuk-radios__input type="radio" id=(id) name=(field.name) value=(value)
                                checked[value == field.value];
                            label.govuk-label.govuk-radios__label for=(id) { (label) }
                        }
                    }
                }
            }
        }
    }
}

/// GOV.UK checkboxes: any number of a few choices, in a fieldset whose legend asks the
/// question. The first checkbox has the id `id` (the error summary links to it), the others
/// `{id}-2` and on; every one is posted under `name`.
#[derive(Clone, Debug)]
pub struct Checkboxes<'a> {
    /// The first checkbox's id; the others' start with it.
    pub id: &'a str,
    /// The name they are posted under.
    pub name: &'a str,
    /// The question, as the fieldset's legend.
    pub legend: &'a str,
    /// A hint under the legend.
    pub hint: Option<&'a str>,
    /// The problem with the choice.
    pub error: Option<&'a str>,
    /// The values ticked.
    pub ticked: Vec<&'a str>,
    /// (value, label) of each checkbox.
    pub choices: Vec<(String, String)>,
}

/// Checkboxes (see `Checkboxes`), small, one under the other.
pub fn checkboxes(field: &Checkboxes<'_>) -> Markup {
    let hint_id = format!("{}-hint", field.id);
    let error_id = format!("{}-error", field.id);
    let mut described = Vec::new();
    if field.hint.is_some() {
        described.push(hint_id.clone());
    }
    if field.error.is_some() {
        described.push(error_id.clone());
    }
    let described = (!described.is_empty()).then(|| described.join(" "));
    html! {
        div.govuk-form-group.govuk-form-group--error[field.error.is_some()] data-field=(field.name) {
            fieldset.govuk-fieldset aria-describedby=[described.as_deref()] {
                legend.govuk-fieldset__legend { (field.legend) }
                @if let Some(hint) = field.hint {
                    div.govuk-hint id=(hint_id) { (hint) }
                }
                @if let Some(message) = field.error {
                    p.govuk-error-message id=(error_id) {
                        span.govuk-visually-hidden { "Error: " }
                        (message)
                    }
                }
                div.govuk-checkboxes.govuk-checkboxes--small data-module="govuk-checkboxes" {
                    @for (index, (value, label)) in field.choices.iter().enumerate() {
                        @let id = if index == 0 { field.id.to_owned() } else { format!("{}-{}", field.id, index + 1) };
                        div.govuk-checkboxes__item {
                            input.govuk-checkboxes__input type="checkbox" id=(id) name=(field.name) value=(value)
                                checked[field.ticked.contains(&value.as_str())];
                            label.govuk-label.govuk-checkboxes__label for=(id) { (label) }
                        }
                    }
                }
            }
        }
    }
}

/// The error summary for a form whose field ids are their names.
pub fn error_summary(errors: &Errors) -> Markup {
    error_summary_for(errors, "")
}

/// A success message after a form was recorded.
pub fn flash(message: Option<&str>) -> Markup {
    html! {
        @if let Some(message) = message {
            div.govuk-notification-banner.govuk-notification-banner--success role="alert" aria-labelledby="flash-title" data-module="govuk-notification-banner" data-testid="flash" {
                div.govuk-notification-banner__header {
                    h2.govuk-notification-banner__title id="flash-title" { "Success" }
                }
                div.govuk-notification-banner__content {
                    p.govuk-notification-banner__heading { (message) }
                }
            }
        }
    }
}

/// The banner of a page showing the plan as it was on a past day: said first, with the way
/// back to today. GOV.UK's notification banner (an "Important" region, not a success).
pub fn past_banner(day: Date, today_href: &str, today_text: &str) -> Markup {
    html! {
        div.govuk-notification-banner role="region" aria-labelledby="past-banner-title" data-module="govuk-notification-banner" data-testid="past-banner" {
            div.govuk-notification-banner__header {
                h2.govuk-notification-banner__title id="past-banner-title" { "Important" }
            }
            div.govuk-notification-banner__content {
                p.govuk-notification-banner__heading {
                    "You are looking at the plan as it was on " (date(day)) ". Nothing can be recorded in this view. "
                    a.govuk-notification-banner__link href=(today_href) data-testid="back-to-today" { (today_text) }
                }
            }
        }
    }
}

/// A GOV.UK back link.
pub fn back_link(href: &str, text: &str) -> Markup {
    html! { a.govuk-back-link href=(href) data-testid="back-link" { (text) } }
}

/// GOV.UK breadcrumbs: where a page sits, from the plan down, each level a link (`trail`:
/// address and words) and the page itself last, marked as the current page.
pub fn breadcrumbs(trail: &[(&str, &str)], current: &str) -> Markup {
    html! {
        nav.govuk-breadcrumbs aria-label="Breadcrumb" data-testid="breadcrumbs" {
            ol.govuk-breadcrumbs__list {
                @for (href, text) in trail {
                    li.govuk-breadcrumbs__list-item { a.govuk-breadcrumbs__link href=(href) { (text) } }
                }
                li.govuk-breadcrumbs__list-item aria-current="page" { (current) }
            }
        }
    }
}

/// GOV.UK pagination with only a previous and a next link (the "block" form): each link's
/// address and words, in a navigation landmark named `label`. Nothing when neither is given.
pub fn pagination(label: &str, prev: Option<(&str, &str)>, next: Option<(&str, &str)>) -> Markup {
    html! {
        @if prev.is_some() || next.is_some() {
            nav.govuk-pagination.govuk-pagination--block aria-label=(label) {
                @if let Some((href, text)) = prev {
                    div.govuk-pagination__prev {
                        a.govuk-link.govuk-pagination__link href=(href) rel="prev" {
                            svg.govuk-pagination__icon.govuk-pagination__icon--prev xmlns="http://www.w3.org/2000/svg" height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13" {
                                path d="m6.5938-0.0078125-6.7266 6.7266 6.7441 6.4062 1.377-1.449-4.1856-3.9768h12.896v-2h-12.984l4.2931-4.293-1.414-1.414z" {}
                            }
                            span.govuk-pagination__link-title.govuk-pagination__link-title--decorated { (text) }
                        }
                    }
                }
                @if let Some((href, text)) = next {
                    div.govuk-pagination__next {
                        a.govuk-link.govuk-pagination__link href=(href) rel="next" {
                            svg.govuk-pagination__icon.govuk-pagination__icon--next xmlns="http://www.w3.org/2000/svg" height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13" {
                                path d="m8.107-0.0078125-1.4136 1.414 4.2926 4.293h-12.986v2h12.896l-4.1855 3.9766 1.377 1.4492 6.7441-6.4062-6.7246-6.7266z" {}
                            }
                            span.govuk-pagination__link-title.govuk-pagination__link-title--decorated { (text) }
                        }
                    }
                }
            }
        }
    }
}

/// One row of a summary list.
pub fn row(key: &str, value: Markup) -> Markup {
    html! {
        div.govuk-summary-list__row {
            dt.govuk-summary-list__key { (key) }
            dd.govuk-summary-list__value { (value) }
        }
    }
}

/// One row of a summary list that may have Change links (`with_changes`): the row's own link
/// (`change`: address and what it changes, said to screen readers after "Change"), or none,
/// marked as a row without one when other rows have theirs.
pub fn change_row(
    key: &str,
    value: Markup,
    change: Option<(&str, &str)>,
    with_changes: bool,
) -> Markup {
    html! {
        @match change {
            None if !with_changes => (row(key, value)),
            Some((href, what)) => div.govuk-summary-list__row {
                dt.govuk-summary-list__key { (key) }
                dd.govuk-summary-list__value { (value) }
                dd.govuk-summary-list__actions {
                    a.govuk-link href=(href) { "Change" span.govuk-visually-hidden { " " (what) } }
                }
            },
            None => div.govuk-summary-list__row.govuk-summary-list__row--no-actions {
                dt.govuk-summary-list__key { (key) }
                dd.govuk-summary-list__value { (value) }
            },
        }
    }
}

/// Choices from a unit enum's words: ("in-progress", "In progress").
pub fn choices(words: &str) -> Vec<(String, String)> {
    words
        .split(", ")
        .map(str::trim)
        .filter(|word| !word.is_empty())
        .map(|word| (word.to_owned(), sentence_case(&word.replace('-', " "))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_say_their_meaning_in_words() {
        assert!(
            status_tag(Status::InProgress)
                .into_string()
                .contains(">In progress<")
        );
        assert!(rag_tag(None).into_string().contains("No RAG"));
        assert!(rag_tag(Some(Rag::Amber)).into_string().contains(">Amber<"));
        assert!(overdue_tag(1).into_string().contains("Overdue by 1 day<"));
    }

    #[test]
    fn a_field_with_an_error_is_described_by_it_and_keeps_the_value() {
        let html = field(&Field {
            id: "status-on",
            name: "on",
            label: "Date",
            hint: Some("When it happened"),
            error: Some("Enter a real date"),
            value: "<2021-13-01>",
            control: Control::Date,
        })
        .into_string();
        assert!(
            html.contains(r#"aria-describedby="status-on-hint status-on-error""#),
            "{html}"
        );
        assert!(
            html.contains(r#"value="&lt;2021-13-01&gt;""#),
            "escaped: {html}"
        );
        assert!(html.contains("form-group--error"));
        assert!(html.contains(r#"<label class="govuk-label" for="status-on">"#));
    }

    #[test]
    fn sizes_and_amounts() {
        assert_eq!(size(812), "812 bytes");
        assert_eq!(size(1400), "1.4 KB");
        assert_eq!(size(2_500_000), "2.5 MB");
        assert_eq!(amount("63", "%"), "63%");
        assert_eq!(amount("1240", "visitors"), "1240 visitors");
        assert_eq!(
            choices(Status::WORDS)[1],
            ("in-progress".to_owned(), "In progress".to_owned())
        );
    }
}
