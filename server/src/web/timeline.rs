//! `/timeline`: the history as people read it, newest first, with the CLI's filters (`about`,
//! `since`, `until`, `by`, `kind`, `late_after`) and a page of 100 entries at a time. Each entry
//! has both of its dates (when it happened, when it was recorded), flags late entries, and says
//! what happened naming things by their titles at that moment.

use std::collections::VecDeque;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;
use wsoa_core::Subject;
use wsoa_core::plan::Plan;
use wsoa_core::point::Point;
use wsoa_core::timeline::{DEFAULT_LATE_AFTER, Entry, Filter, FilterError, KINDS, Timeline};

use crate::error::ApiError;
use crate::state::AppState;
use crate::web::input::{Errors, Fields, optional_date};
use crate::web::layout::{Nav, page as layout_page};
use crate::web::widgets::{self, Control, Field, error_summary};
use crate::web::{Signed, WebError, html_response};

/// Entries on one page.
pub const PAGE: usize = 100;
/// The furthest page back: it bounds the memory a request can ask for.
pub const MAX_PAGE: usize = 10_000;

/// The timeline's filters, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct TimelineQuery {
    /// Only events about this thing or anything under it (WS1, 1.1, weakness:W1).
    pub about: Option<String>,
    /// Only events that happened on or after this day.
    pub since: Option<String>,
    /// Only events that happened on or before this day.
    pub until: Option<String>,
    /// Only events recorded by someone whose name contains this.
    pub by: Option<String>,
    /// Only events of this kind.
    pub kind: Option<String>,
    /// Flag events recorded this many days or more after they happened.
    pub late_after: Option<String>,
    /// Which page, from 1 (the newest).
    pub page: Option<String>,
}

impl TimelineQuery {
    fn fields(&self) -> Fields {
        let mut fields = Fields::default();
        for (name, value) in [
            ("about", &self.about),
            ("since", &self.since),
            ("until", &self.until),
            ("by", &self.by),
            ("kind", &self.kind),
            ("late_after", &self.late_after),
        ] {
            fields.set(name, value.clone().unwrap_or_default());
        }
        fields
    }
}

struct Found {
    entries: Vec<Entry>,
    total: usize,
}

/// `GET /timeline`.
pub async fn page(
    State(state): State<AppState>,
    user: Signed,
    Query(query): Query<TimelineQuery>,
) -> Result<Response, WebError> {
    let fields = query.fields();
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
    let page = query
        .page
        .as_deref()
        .and_then(|page| page.trim().parse::<usize>().ok())
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
        match read(&state, filter, page).await? {
            Ok(found) => Some(found),
            Err(err) => {
                let field = match &err {
                    FilterError::UnknownKind { .. } => "kind",
                    FilterError::UnknownSubject { .. } | FilterError::Ambiguous { .. } => "about",
                    FilterError::EmptyRange { .. } => "since",
                };
                let message = err
                    .to_string()
                    .replace("--since", "the first day")
                    .replace("--until", "the last day");
                errors.add(field, widgets::sentence_case(&message));
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
    let content = render(&fields, &errors, found.as_ref(), page, late_after);
    Ok(html_response(
        status,
        layout_page(title, &user, Nav::Timeline, content),
    ))
}

async fn read(
    state: &AppState,
    filter: Filter,
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
            let mut timeline = Timeline::new();
            reader.for_each_at(Point::Now, |stored| {
                let entry = timeline.entry(&stored.event, stored.hash);
                if matcher.matches(&entry) {
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
            Ok(Ok(Found { entries, total }))
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
    late_after: i64,
) -> Markup {
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
        (error_summary(errors))
        h1.heading-l { "Timeline" }
        p.body { "Every change recorded in the ledger, newest first. “Happened” is the date given for the change; “Recorded” is when the ledger learned of it." }
        form #timeline-filters.filters method="get" action="/timeline" novalidate {
            (field("about", "About", Some("An id, such as W1, WS2 or 1.1; includes everything under it"), Control::Text))
            (field("since", "Happened on or after", None, Control::Date))
            (field("until", "Happened on or before", None, Control::Date))
            (field("by", "Recorded by", Some("Part of a name"), Control::Text))
            (field("kind", "Kind of change", None, Control::Select(kinds())))
            (field("late_after", "Flag as late when recorded this many days after", None, Control::Decimal))
            div.button-group {
                button.button.button--secondary type="submit" data-testid="filter" { "Filter" }
                a.link href="/timeline" { "Clear the filters" }
            }
        }
        @if let Some(found) = found {
            @let first = (page - 1) * PAGE + 1;
            @if found.entries.is_empty() {
                p.body.inset data-testid="timeline-count" {
                    @if found.total == 0 { "No event matches." } @else { "There are only " (found.total) " matching events; go back a page." }
                }
            } @else {
                p.body data-testid="timeline-count" {
                    "Showing " (first) " to " (first + found.entries.len() - 1) " of " (found.total) " matching events, newest first."
                }
                div.table-wrapper {
                    table.table data-testid="timeline" {
                        caption.visually-hidden { "Timeline" }
                        thead {
                            tr {
                                th scope="col" { "Event" }
                                th scope="col" { "Happened" }
                                th scope="col" { "Recorded" }
                                th scope="col" { "By" }
                                th scope="col" { "What happened" }
                            }
                        }
                        tbody {
                            @for entry in &found.entries {
                                tr data-testid=(format!("entry-{}", entry.seq)) data-kind=(entry.kind) {
                                    td { (entry.seq) }
                                    td { (widgets::date(entry.occurred_on)) }
                                    td {
                                        (widgets::recorded(entry.recorded_at))
                                        @if entry.is_late(late_after) {
                                            br; (widgets::tag(widgets::Colour::Yellow, &format!("Late: {} days after", entry.late_days)))
                                        }
                                    }
                                    td { (entry.actor) }
                                    td {
                                        (entry.sentence)
                                        (action_links(&entry.about))
                                    }
                                }
                            }
                        }
                    }
                }
                (pages(fields, page, found.total))
            }
        }
    }
}

fn action_links(about: &[Subject]) -> Markup {
    html! {
        @for subject in about {
            @if let Subject::Action(id) = subject {
                " " a href=(format!("/actions/{id}")) { "See action " (id) }
            }
        }
    }
}

/// Links to the newer and older pages, keeping the filters.
fn pages(fields: &Fields, page: usize, total: usize) -> Markup {
    let link = |page: usize| {
        let mut query: Vec<String> = ["about", "since", "until", "by", "kind", "late_after"]
            .iter()
            .filter_map(|name| {
                fields
                    .optional(name)
                    .map(|value| format!("{name}={}", encode(&value)))
            })
            .collect();
        query.push(format!("page={page}"));
        format!("/timeline?{}", query.join("&"))
    };
    let older = page * PAGE < total && page < MAX_PAGE;
    html! {
        @if page > 1 || older {
            nav.button-group aria-label="Pages of the timeline" {
                @if page > 1 { a.link href=(link(page - 1)) rel="prev" { "Newer events" } }
                @if older { a.link href=(link(page + 1)) rel="next" { "Older events" } }
            }
        }
    }
}

/// Percent-encodes a query value (everything but unreserved characters).
fn encode(value: &str) -> String {
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
