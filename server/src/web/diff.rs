//! `/diff`: what changed between two moments, by default since the last monitoring visit:
//! actions added, completed or closed, deadlines moved (with the reasons), status and RAG
//! movements, new evidence, measure movements, visit feedback, reviews, risks, notes and
//! corrections, each citing its events.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;
use wsoa_core::diff::Diff;
use wsoa_core::plan::VisitView;
use wsoa_core::point::Point;

use crate::state::AppState;
use crate::web::input::{Errors, Fields};
use crate::web::layout::{Nav, page as layout_page};
use crate::web::widgets::{self, Control, Field, error_summary};
use crate::web::{Signed, WebError, html_response};

/// The two moments, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct DiffQuery {
    /// The earlier moment (default `visit:last`).
    pub from: Option<String>,
    /// The later moment (default `now`).
    pub to: Option<String>,
}

/// `GET /diff`.
pub async fn page(
    State(state): State<AppState>,
    user: Signed,
    Query(query): Query<DiffQuery>,
) -> Result<Response, WebError> {
    let visits = state
        .fold(|reader| Ok(reader.plan_at(Point::Now)?.0.visits))
        .await?;
    let asked_from = query.from.filter(|from| !from.trim().is_empty());
    // Without a visit there is no "since the last visit": the page asks for a moment instead.
    let from_text = asked_from.or_else(|| (!visits.is_empty()).then(|| "visit:last".to_owned()));
    let mut fields = Fields::default();
    fields.set("from", from_text.clone().unwrap_or_default());
    fields.set(
        "to",
        query
            .to
            .filter(|to| !to.trim().is_empty())
            .unwrap_or_else(|| "now".to_owned()),
    );
    let mut errors = Errors::default();
    let mut parse = |name: &str| match fields.get(name).trim().parse::<Point>() {
        Ok(point) => Some(point),
        Err(err) => {
            errors.add(name, widgets::sentence_case(&err.to_string()));
            None
        }
    };
    let (from, to) = match from_text {
        Some(_) => (parse("from"), parse("to")),
        None => (None, None),
    };
    let mut changes = None;
    if let (Some(from), Some(to)) = (from, to) {
        let outcome = state
            .fold(move |reader| match reader.plans_between(from, to) {
                Ok(between) => Ok(Ok(between.changes(&from, &to))),
                Err(wsoa_store::StoreError::Query(message)) => Ok(Err(message)),
                Err(err) => Err(err.into()),
            })
            .await?;
        match outcome {
            Ok(found) => changes = Some(found),
            Err(message) => {
                let field = if message.contains("--to") && !message.contains("--from") {
                    "to"
                } else {
                    "from"
                };
                let message = message
                    .replace("--from", "the earlier moment")
                    .replace("--to", "the later moment");
                errors.add(field, widgets::sentence_case(&message));
            }
        }
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let title = if errors.is_empty() {
        "What changed"
    } else {
        "Error: What changed"
    };
    let content = render(&fields, &errors, &visits, changes.as_ref());
    Ok(html_response(
        status,
        layout_page(title, &user, Nav::Diff, content),
    ))
}

fn render(
    fields: &Fields,
    errors: &Errors,
    visits: &[VisitView],
    changes: Option<&Diff>,
) -> Markup {
    let moments = "visit:last, visit:2, a date such as 2021-11-18 (what had happened by then), known:2021-11-18 (what had been recorded by then), seq:120, or now";
    html! {
        (crate::web::widgets::breadcrumbs(&[("/", "Plan")], "What changed"))
        (error_summary(errors))
        h1.heading-l { "What changed" }
        p.body { "Compare the plan at two moments, such as the last monitoring visit and now." }
        @if !visits.is_empty() {
            ul.list.list--plain data-testid="visit-links" {
                @for visit in visits {
                    li { a href=(format!("/diff?from=visit:{}", visit.number)) { "Since monitoring visit " (visit.number) " on " (visit.cite.on.long()) } }
                }
            }
        }
        form #diff-form.filters method="get" action="/diff" novalidate {
            (widgets::field(&Field { id: "from", name: "from", label: "From", hint: Some(moments),
                error: errors.get("from"), value: fields.get("from"), control: Control::Text }))
            (widgets::field(&Field { id: "to", name: "to", label: "To", hint: None,
                error: errors.get("to"), value: fields.get("to"), control: Control::Text }))
            button.button.button--secondary type="submit" data-testid="compare" { "Compare" }
        }
        @if changes.is_none() && errors.is_empty() {
            p.body.inset data-testid="diff-summary" {
                "No monitoring visit has been recorded yet, so there is no “since the last visit”: enter the earlier moment above."
            }
        }
        @if let Some(changes) = changes {
            p.body data-testid="diff-summary" {
                @if changes.changed {
                    "From " strong { (changes.from.label) } " to " strong { (changes.to.label) } ": "
                    (crate::web::dashboard::plural(changes.events as u64, "event", "events")) " in between."
                } @else {
                    "Nothing changed between " (changes.from.label) " and " (changes.to.label) "."
                }
            }
            @for (heading, items) in changes.sections() {
                @if !items.is_empty() {
                    h2.heading-m { (heading) " (" (items.len()) ")" }
                    ul.list {
                        @for item in items {
                            li {
                                (item.text) " "
                                span.cites { "(" (cites(&item.cites)) ")" }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn cites(seqs: &[u64]) -> String {
    let numbers: Vec<String> = seqs.iter().map(u64::to_string).collect();
    match numbers.as_slice() {
        [] => String::new(),
        [one] => format!("event {one}"),
        [rest @ .., last] => format!("events {} and {last}", rest.join(", ")),
    }
}
