//! `/timeline`: the history as people read it, newest first, with the CLI's filters (`about`,
//! `since`, `until`, `by`, `kind`, `late_after`) and a page of 100 entries at a time. Each entry
//! has both of its dates (when it happened, when it was recorded), flags late entries, and says
//! what happened naming things by their titles at that moment. It counts the late entries and
//! lists them alone (`late=only`); `event=N` shows one event, where event numbers link.

use std::collections::VecDeque;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use wsoa_core::plan::Plan;
use wsoa_core::point::Point;
use wsoa_core::timeline::{DEFAULT_LATE_AFTER, Entry, Filter, FilterError, KINDS, Timeline};
use wsoa_core::{Date, Subject};

use crate::error::ApiError;
use crate::state::AppState;
use crate::web::input::{Errors, Fields, FormState, optional_date};
use crate::web::layout::{Nav, page as layout_page};
use crate::web::widgets::{self, Control, DateField, Field, error_summary};
use crate::web::{Signed, WebError, html_response};

/// Entries on one page.
pub const PAGE: usize = 100;
/// The furthest page back: it bounds the memory a request can ask for.
pub const MAX_PAGE: usize = 10_000;

/// The query's fields that are not filters but are kept across pages: `late` (`only`: late
/// entries only) and `event` (one event by its number).
const KEPT: [&str; 6] = ["about", "by", "kind", "late_after", "late", "event"];

struct Found {
    entries: Vec<Entry>,
    total: usize,
    /// How many of the matching events were recorded late.
    late: usize,
}

/// What the query asks for beyond the core filter.
#[derive(Clone, Copy, Debug)]
struct Only {
    /// Late entries only.
    late: bool,
    /// One event, by its number.
    event: Option<u64>,
    /// Late means recorded this many days or more after it happened.
    late_after: i64,
}

/// `GET /timeline`.
pub async fn page(
    State(state): State<AppState>,
    user: Signed,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let fields = Fields::new(query);
    let mut errors = Errors::default();
    let about = match fields.optional("about") {
        None => None,
        Some(text) => match text.parse::<wsoa_core::SubjectRef>() {
            Ok(about) => Some(about),
            Err(err) => {
                errors.add("about", widgets::sentence_case(&err.to_string()));
                None
            }
        },
    };
    let since = optional_date(&fields, &mut errors, "since", "the first day");
    let until = optional_date(&fields, &mut errors, "until", "the last day");
    let late_after = match fields.optional("late_after") {
        None => DEFAULT_LATE_AFTER,
        Some(text) => match text.parse::<u32>() {
            Ok(days) => i64::from(days),
            Err(_) => {
                errors.add("late_after", "Enter a whole number of days, such as 14");
                DEFAULT_LATE_AFTER
            }
        },
    };
    let event = match fields.optional("event") {
        None => None,
        Some(text) => match text.parse::<u64>() {
            Ok(seq) => Some(seq),
            Err(_) => {
                errors.add("event", "Enter an event number, such as 120");
                None
            }
        },
    };
    let only = Only {
        late: fields.get("late") == "only",
        event,
        late_after,
    };
    let page = fields
        .optional("page")
        .and_then(|page| page.parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, MAX_PAGE);
    let filter = Filter {
        about,
        since,
        until,
        actor: fields.optional("by"),
        kind: fields.optional("kind"),
    };
    let found = if errors.is_empty() {
        match read(&state, filter, only, page).await? {
            Ok(found) => Some(found),
            Err(err) => {
                let field = match &err {
                    FilterError::UnknownKind { .. } => "kind",
                    FilterError::UnknownSubject { .. } | FilterError::Ambiguous { .. } => "about",
                    FilterError::EmptyRange { .. } => "since",
                };
                errors.add(field, widgets::sentence_case(&err.to_string()));
                None
            }
        }
    } else {
        None
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let title = if errors.is_empty() {
        "Timeline"
    } else {
        "Error: Timeline"
    };
    let can_record = user.can(crate::auth::Permission::Record);
    let content = render(
        &fields,
        &errors,
        found.as_ref(),
        page,
        only,
        (since, until),
        can_record,
    );
    Ok(html_response(
        status,
        layout_page(title, &user, Nav::Timeline, content),
    ))
}

async fn read(
    state: &AppState,
    filter: Filter,
    only: Only,
    page: usize,
) -> Result<Result<Found, FilterError>, WebError> {
    Ok(state
        .fold(move |reader| {
            let plan = if filter.about.is_some() {
                reader.plan_at(Point::Now)?.0
            } else {
                Plan::default()
            };
            let matcher = match filter.compile(&plan) {
                Ok(matcher) => matcher,
                Err(err) => return Ok(Err(err)),
            };
            // Keep only the newest `page * PAGE` matches while streaming the whole ledger.
            let keep = page * PAGE;
            let mut window: VecDeque<Entry> = VecDeque::new();
            let mut total = 0usize;
            let mut late = 0usize;
            let mut timeline = Timeline::new();
            reader.for_each_at(Point::Now, |stored| {
                let entry = timeline.entry(&stored.event, stored.hash);
                if only.event.is_some_and(|seq| seq != entry.seq) || !matcher.matches(&entry) {
                    return Ok(());
                }
                let is_late = entry.is_late(only.late_after);
                late += usize::from(is_late);
                if is_late || !only.late {
                    total += 1;
                    window.push_back(entry);
                    if window.len() > keep {
                        window.pop_front();
                    }
                }
                Ok::<(), ApiError>(())
            })?;
            // The window ends with the newest match; this page is the oldest `PAGE` of it
            // (fewer when the matches run out).
            let skip_newest = (page - 1) * PAGE;
            let end = window.len().saturating_sub(skip_newest);
            let start = end.saturating_sub(PAGE);
            let mut entries: Vec<Entry> = window.drain(start..end).collect();
            entries.reverse();
            Ok(Ok(Found {
                entries,
                total,
                late,
            }))
        })
        .await?)
}

fn kinds() -> Vec<(String, String)> {
    let mut kinds = vec![(String::new(), "Any kind".to_owned())];
    kinds.extend(KINDS.iter().map(|kind| {
        (
            (*kind).to_owned(),
            widgets::sentence_case(&kind.replace('_', " ")),
        )
    }));
    kinds
}

fn render(
    fields: &Fields,
    errors: &Errors,
    found: Option<&Found>,
    page: usize,
    only: Only,
    range: (Option<Date>, Option<Date>),
    can_record: bool,
) -> Markup {
    let late_after = only.late_after;
    let date = |name: &'static str, legend: &'static str| {
        let form = FormState::again(fields.clone(), errors.clone());
        widgets::date_input(&DateField {
            id: name,
            name,
            legend,
            hint: Some("For example, 18 11 2021"),
            error: errors.get(name),
            values: form.date_values(name),
        })
    };
    let field =
        |name: &'static str, label: &'static str, hint: Option<&'static str>, control: Control| {
            widgets::field(&Field {
                id: name,
                name,
                label,
                hint,
                error: errors.get(name),
                value: fields.get(name),
                control,
            })
        };
    html! {
        (crate::web::widgets::breadcrumbs(&[("/", "Plan")], "Timeline"))
        (error_summary(errors))
        h1.govuk-heading-l { "Timeline" }
        p.govuk-body { "Every change recorded in the ledger, newest first. “Happened” is the date given for the change; “Recorded” is when the ledger learned of it." }
        form #timeline-filters.app-filters method="get" action="/timeline" novalidate {
            (field("about", "About", Some("An id, such as W1, WS2 or 1.1; includes everything under it"), Control::Text))
            (date("since", "Happened on or after"))
            (date("until", "Happened on or before"))
            (field("by", "Recorded by", Some("Part of a name"), Control::Text))
            (field("kind", "Kind of change", None, Control::Select(kinds())))
            (field("late_after", "Flag as late when recorded this many days after", None, Control::Decimal))
            div.govuk-form-group {
                div.govuk-checkboxes.govuk-checkboxes--small {
                    div.govuk-checkboxes__item {
                        input.govuk-checkboxes__input #late type="checkbox" name="late" value="only" checked[only.late];
                        label.govuk-label.govuk-checkboxes__label for="late" { "Late entries only" }
                    }
                }
            }
            @if let Some(seq) = only.event {
                input type="hidden" name="event" value=(seq);
            }
            div.govuk-button-group {
                button.govuk-button.govuk-button--secondary type="submit" data-module="govuk-button" data-testid="filter" { "Filter" }
                a.govuk-link href="/timeline" { "Clear the filters" }
            }
        }
        @if let Some(found) = found {
            @let first = (page - 1) * PAGE + 1;
            @if found.entries.is_empty() {
                p.govuk-inset-text data-testid="timeline-count" {
                    @if found.total == 0 { "No event matches." } @else { "There are only " (found.total) " matching events; go back a page." }
                }
            } @else {
                p.govuk-body data-testid="timeline-count" {
                    "Showing " (first) " to " (first + found.entries.len() - 1) " of " (found.total)
                    @if only.late { " late entries" } @else { " matching events" }
                    ", newest first."
                }
                p.govuk-body data-testid="late-count" {
                    @match found.late {
                        0 => { "None of them was recorded " (late_after) " days or more after it happened." }
                        1 => { "1 was recorded " (late_after) " days or more after it happened" }
                        late => { (late) " were recorded " (late_after) " days or more after they happened" }
                    }
                    @if found.late > 0 {
                        @if only.late {
                            ": these are shown. " a.govuk-link href=(link(fields, range, 1, Some(false))) { "Show every matching event" }
                        } @else {
                            ": " a.govuk-link href=(link(fields, range, 1, Some(true))) data-testid="late-only" { "show only the late entries" }
                        }
                        "."
                    }
                }
                div.app-table-wrapper data-scroll-region tabindex="0" role="region" aria-label="Timeline, scrolls sideways" {
                    table.govuk-table data-testid="timeline" {
                        caption.govuk-table__caption.govuk-visually-hidden { "Timeline" }
                        thead.govuk-table__head {
                            tr.govuk-table__row {
                                th.govuk-table__header scope="col" { "Event" }
                                th.govuk-table__header scope="col" { "Happened" }
                                th.govuk-table__header scope="col" { "Recorded" }
                                th.govuk-table__header scope="col" { "By" }
                                th.govuk-table__header scope="col" { "What happened" }
                            }
                        }
                        tbody.govuk-table__body {
                            @for entry in &found.entries {
                                tr.govuk-table__row data-testid=(format!("entry-{}", entry.seq)) data-kind=(entry.kind) {
                                    td.govuk-table__cell { a.govuk-link href=(event_href(entry.seq)) aria-label=(format!("Event {}", entry.seq)) { (entry.seq) } }
                                    td.govuk-table__cell { (widgets::date(entry.occurred_on)) }
                                    td.govuk-table__cell {
                                        (widgets::recorded(entry.recorded_at))
                                        @if entry.is_late(late_after) {
                                            br; (widgets::tag(widgets::Colour::Yellow, &format!("Late: {} days after", entry.late_days)))
                                        }
                                    }
                                    td.govuk-table__cell { (entry.actor) }
                                    td.govuk-table__cell {
                                        (entry.sentence)
                                        (action_links(&entry.about))
                                        @if can_record {
                                            br; (crate::web::correct::link(entry.seq))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                (pages(fields, range, page, found.total))
            }
        }
    }
}

fn action_links(about: &[Subject]) -> Markup {
    html! {
        @for subject in about {
            @if let Subject::Action(id) = subject {
                " " a.govuk-link href=(format!("/actions/{id}")) { "See action " (id) }
            }
        }
    }
}

/// The address of one event on the timeline: event numbers elsewhere link here.
pub fn event_href(seq: u64) -> String {
    format!("/timeline?event={seq}#entry-{seq}")
}

/// The timeline's address with these filters (the dates as read, written `YYYY-MM-DD`), at a
/// page, with late entries only or not (`None`: as now).
fn link(
    fields: &Fields,
    (since, until): (Option<Date>, Option<Date>),
    page: usize,
    late: Option<bool>,
) -> String {
    let mut query: Vec<String> = KEPT
        .iter()
        .filter(|name| **name != "late")
        .filter_map(|name| {
            fields
                .optional(name)
                .map(|value| format!("{name}={}", encode(&value)))
        })
        .collect();
    for (name, date) in [("since", since), ("until", until)] {
        if let Some(date) = date {
            query.push(format!("{name}={date}"));
        }
    }
    if late.unwrap_or(fields.get("late") == "only") {
        query.push("late=only".to_owned());
    }
    if page > 1 {
        query.push(format!("page={page}"));
    }
    if query.is_empty() {
        "/timeline".to_owned()
    } else {
        format!("/timeline?{}", query.join("&"))
    }
}

/// Links to the newer and older pages, keeping the filters.
fn pages(
    fields: &Fields,
    range: (Option<Date>, Option<Date>),
    page: usize,
    total: usize,
) -> Markup {
    let older = page * PAGE < total && page < MAX_PAGE;
    let newer_href = (page > 1).then(|| link(fields, range, page - 1, None));
    let older_href = older.then(|| link(fields, range, page + 1, None));
    widgets::pagination(
        "Pages of the timeline",
        newer_href.as_deref().map(|href| (href, "Newer events")),
        older_href.as_deref().map(|href| (href, "Older events")),
    )
}

/// Percent-encodes a query value (everything but unreserved characters).
pub(crate) fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(encode("weakness:W1"), "weakness%3AW1");
        assert_eq!(encode("A. Patel & co"), "A.%20Patel%20%26%20co");
    }
}
