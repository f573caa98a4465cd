//! `/diff`: what changed between two moments, by default since the last monitoring visit:
//! actions added, completed or closed, deadlines moved (with the reasons), status and RAG
//! movements, new evidence, measure movements, visit feedback, reviews, risks, notes and
//! corrections, each citing its events.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use wsoa_core::diff::Diff;
use wsoa_core::plan::{ReviewView, VisitView};
use wsoa_core::point::Point;

use crate::state::AppState;
use crate::web::input::{self, DateInput, Errors, Fields, FormState};
use crate::web::layout::{Nav, page as layout_page};
use crate::web::widgets::{self, Control, DateField, Field, error_summary};
use crate::web::{Signed, WebError, html_response};

/// `GET /diff`: the two moments are `from` and `to`, each a moment of the ledger chosen from a
/// list (`visit:last`, `visit:N`, a board review as `seq:N`, `now`, or any point the command
/// line takes, as links carry them) or a date typed in the date input `from_date` / `to_date`
/// (what had happened by then), which wins when filled in.
pub async fn page(
    State(state): State<AppState>,
    user: Signed,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (visits, reviews) = state
        .fold(|reader| {
            let plan = reader.plan_at(Point::Now)?.0;
            Ok((plan.visits, plan.reviews))
        })
        .await?;
    let mut fields = Fields::new(query);
    let mut errors = Errors::default();
    // Without a visit there is no "since the last visit": the page asks for a moment instead.
    // Sent at all, even blank (the list's "A date" with no date typed is a problem to show).
    let asked = |fields: &Fields, name: &str| {
        fields.has(name)
            || input::part_names(&format!("{name}_date"))
                .iter()
                .any(|part| fields.optional(part).is_some())
    };
    let from_asked = asked(&fields, "from");
    if !from_asked && !visits.is_empty() {
        fields.set("from", "visit:last");
    }
    if !asked(&fields, "to") {
        fields.set("to", "now");
    }
    let mut moment = |name: &'static str, what: &str| -> Option<Point> {
        let date_name = format!("{name}_date");
        match input::read_date(&fields, &date_name, what) {
            DateInput::Date(day) => return Some(Point::AsOf(day)),
            DateInput::Wrong { message, part } => {
                errors.add_at(&date_name, part, message);
                return None;
            }
            DateInput::Blank => {}
        }
        match fields.optional(name) {
            None => {
                errors.add(
                    name,
                    format!("Choose {what} from the list, or enter a date below it"),
                );
                None
            }
            Some(text) => match text.parse::<Point>() {
                Ok(point) => Some(point),
                Err(err) => {
                    errors.add(name, widgets::sentence_case(&err.to_string()));
                    None
                }
            },
        }
    };
    let (from, to) = if from_asked || !visits.is_empty() {
        (
            moment("from", "the earlier moment"),
            moment("to", "the later moment"),
        )
    } else {
        (None, None)
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
    let content = render(&fields, &errors, &visits, &reviews, changes.as_ref());
    Ok(html_response(
        status,
        layout_page(title, &user, Nav::Diff, content),
    ))
}

/// The moments a list offers: the last visit (for `from`) or now (for `to`), each monitoring
/// visit, each board review, and whatever other point the address gave, as it was given.
fn moments(
    name: &str,
    given: &str,
    visits: &[VisitView],
    reviews: &[ReviewView],
) -> Vec<(String, String)> {
    let mut choices = Vec::new();
    if name == "to" {
        choices.push(("now".to_owned(), "Now".to_owned()));
    }
    if let Some(last) = visits.last() {
        choices.push((
            "visit:last".to_owned(),
            format!("The last monitoring visit ({})", last.cite.on.long()),
        ));
    }
    for visit in visits {
        choices.push((
            format!("visit:{}", visit.number),
            format!(
                "Monitoring visit {} on {}",
                visit.number,
                visit.cite.on.long()
            ),
        ));
    }
    for review in reviews {
        choices.push((
            format!("seq:{}", review.cite.seq),
            format!("Board review: {}, {}", review.forum, review.cite.on.long()),
        ));
    }
    if name == "from" {
        choices.push(("now".to_owned(), "Now".to_owned()));
    }
    let given = given.trim();
    if !given.is_empty() && !choices.iter().any(|(value, _)| value == given) {
        choices.push((given.to_owned(), format!("As given: {given}")));
    }
    choices.insert(0, (String::new(), "A date (enter it below)".to_owned()));
    choices
}

fn render(
    fields: &Fields,
    errors: &Errors,
    visits: &[VisitView],
    reviews: &[ReviewView],
    changes: Option<&Diff>,
) -> Markup {
    let form = FormState::again(fields.clone(), errors.clone());
    let moment = |name: &'static str, label: &'static str, legend: &'static str| {
        let date_name = format!("{name}_date");
        html! {
            (widgets::field(&Field { id: name, name, label, hint: None,
                error: errors.get(name), value: fields.get(name),
                control: Control::Select(moments(name, fields.get(name), visits, reviews)) }))
            (widgets::date_input(&DateField {
                id: &date_name,
                name: &date_name,
                legend,
                hint: Some("What had happened by the end of that day, for example 18 11 2021. Leave it blank to use the moment chosen above."),
                error: errors.get(&date_name),
                values: form.date_values(&date_name),
            }))
        }
    };
    html! {
        (crate::web::widgets::breadcrumbs(&[("/", "Plan")], "What changed"))
        (error_summary(errors))
        h1.govuk-heading-l { "What changed" }
        p.govuk-body { "Compare the plan at two moments, such as the last monitoring visit and now." }
        @if !visits.is_empty() {
            ul.govuk-list data-testid="visit-links" {
                @for visit in visits {
                    li { a.govuk-link href=(format!("/diff?from=visit:{}", visit.number)) { "Since monitoring visit " (visit.number) " on " (visit.cite.on.long()) } }
                }
            }
        }
        form #diff-form.app-filters method="get" action="/diff" novalidate {
            (moment("from", "From", "Or from a date"))
            (moment("to", "To", "Or to a date"))
            button.govuk-button.govuk-button--secondary type="submit" data-module="govuk-button" data-testid="compare" { "Compare" }
        }
        @if changes.is_none() && errors.is_empty() {
            p.govuk-inset-text data-testid="diff-summary" {
                "No monitoring visit has been recorded yet, so there is no “since the last visit”: choose the earlier moment above."
            }
        }
        @if let Some(changes) = changes {
            p.govuk-body data-testid="diff-summary" {
                @if changes.changed {
                    "From " strong { (changes.from.label) } " to " strong { (changes.to.label) } ": "
                    (crate::web::dashboard::plural(changes.events as u64, "event", "events")) " in between."
                } @else {
                    "Nothing changed between " (changes.from.label) " and " (changes.to.label) "."
                }
            }
            @for (heading, items) in changes.sections() {
                @if !items.is_empty() {
                    h2.govuk-heading-m { (heading) " (" (items.len()) ")" }
                    ul.govuk-list.govuk-list--bullet {
                        @for item in items {
                            li {
                                (item.text) " "
                                span.app-cites { "(" (cites(&item.cites)) ")" }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// "event 12", "events 3, 7 and 12", each number a link to its event on the timeline.
fn cites(seqs: &[u64]) -> Markup {
    let link =
        |seq: &u64| html! { a.govuk-link href=(crate::web::timeline::event_href(*seq)) { (seq) } };
    html! {
        @match seqs {
            [] => {}
            [one] => { "event " (link(one)) }
            [rest @ .., last] => {
                "events "
                @for (index, seq) in rest.iter().enumerate() {
                    @if index > 0 { ", " }
                    (link(seq))
                }
                " and " (link(last))
            }
        }
    }
}
