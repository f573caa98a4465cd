//! `/diff`: what changed between two moments, by default since the last monitoring visit:
//! actions added, completed or closed, deadlines moved (with the reasons), status and RAG
//! movements, new evidence, measure movements, visit feedback, reviews, risks, notes and
//! corrections, each citing its events.
//!
//! However many events lie between the moments, the page stays small: it opens with a count of
//! each kind of change, shows the first [`SHOWN`] of each, and opens one kind on its own a page
//! of [`PER_PAGE`] at a time (`section=`, `page=`). `about=` keeps only the changes about one
//! area of weakness or finding, workstream, action or measure, and what answers it; the whole
//! comparison downloads as text (`/diff.txt`, with the same query).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use wsoa_core::diff::Diff;
use wsoa_core::plan::{ReviewView, VisitView};
use wsoa_core::point::Point;
use wsoa_core::timeline::Filter;

use crate::state::AppState;
use crate::web::input::{self, DateInput, Errors, Fields, FormState};
use crate::web::layout::{Nav, page as layout_page};
use crate::web::widgets::{self, Control, DateField, Field, error_summary};
use crate::web::{Signed, WebError, html_response};

/// `GET /diff`: the two moments are `from` and `to`, each a moment of the ledger chosen from a
/// list (`visit:last`, `visit:N`, a board review as `seq:N`, `now`, or any point the command
/// line takes, as links carry them) or a date typed in the date input `from_date` / `to_date`
/// (what had happened by then), which wins when filled in.
async fn compared(state: &AppState, query: Vec<(String, String)>) -> Result<Compared, WebError> {
    let (visits, reviews, subjects) = state
        .fold(|reader| {
            let plan = reader.plan_at(Point::Now)?.0;
            let subjects = plan
                .weaknesses
                .iter()
                .map(|w| (w.id.clone(), w.title.clone()))
                .chain(
                    plan.workstreams
                        .iter()
                        .map(|w| (w.id.clone(), w.title.clone())),
                )
                .chain(
                    plan.measures
                        .iter()
                        .map(|m| (m.id.clone(), m.title.clone())),
                )
                .map(|(id, title)| (id.clone(), format!("{id}: {title}")))
                .collect::<Vec<_>>();
            Ok((plan.visits, plan.reviews, subjects))
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
    let about = fields.optional("about");
    if let (Some(from), Some(to)) = (from, to) {
        let outcome = state
            .fold(move |reader| {
                // Each moment resolved on its own first, so a refusal stands beside the field
                // that named it; the order of the two is the earlier field's.
                for (field, point) in [("from", from), ("to", to)] {
                    match reader.resolve_point(point) {
                        Ok(_) => {}
                        Err(wsoa_store::StoreError::Query(message)) => {
                            return Ok(Err(Narrowing::Point(field, message)));
                        }
                        Err(err) => return Err(err.into()),
                    }
                }
                match reader.plans_between(from, to) {
                    Ok(between) => Ok(narrowed(&between, from, to, about)),
                    Err(wsoa_store::StoreError::Query(message)) => {
                        Ok(Err(Narrowing::Point("from", message)))
                    }
                    Err(err) => Err(err.into()),
                }
            })
            .await?;
        match outcome {
            Ok(found) => changes = Some(found),
            Err(Narrowing::About(message)) => {
                errors.add("about", widgets::sentence_case(&message));
            }
            Err(Narrowing::Point(field, message)) => {
                errors.add(field, widgets::sentence_case(&message));
            }
        }
    }
    Ok(Compared {
        fields,
        errors,
        visits,
        reviews,
        subjects,
        changes,
    })
}

/// What a query asked to compare, and what was found.
struct Compared {
    fields: Fields,
    errors: Errors,
    visits: Vec<VisitView>,
    reviews: Vec<ReviewView>,
    /// The things `about` may name: (value, label), in the plan's order.
    subjects: Vec<(String, String)>,
    changes: Option<Diff>,
}

/// `GET /diff`: the two moments are `from` and `to`, each a moment of the ledger chosen from a
/// list (`visit:last`, `visit:N`, a board review as `seq:N`, `now`, or any point the command
/// line takes, as links carry them) or a date typed in the date input `from_date` / `to_date`
/// (what had happened by then), which wins when filled in.
pub async fn page(
    State(state): State<AppState>,
    user: Signed,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let compared = compared(&state, query).await?;
    let (status, title) = if compared.errors.is_empty() {
        (StatusCode::OK, "What changed")
    } else {
        (StatusCode::BAD_REQUEST, "Error: What changed")
    };
    let content = render(&compared);
    Ok(html_response(
        status,
        layout_page(title, &user, Nav::Diff, content),
    ))
}

/// `GET /diff.txt`: the whole comparison the same query shows, as text to keep or send.
pub async fn download_text(
    State(state): State<AppState>,
    _user: Signed,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let compared = compared(&state, query).await?;
    if let Some((_, message)) = compared.errors.iter().next() {
        return Err(WebError::BadRequest(message.to_owned()));
    }
    let changes = compared.changes.ok_or_else(|| {
        WebError::BadRequest(
            "No monitoring visit has been recorded yet: choose the earlier moment on the What changed page".to_owned(),
        )
    })?;
    Ok(crate::web::papers::download(
        changes.text().into_bytes(),
        "text/plain; charset=utf-8",
        "what-changed.txt",
    ))
}

/// Why a comparison could not be made: a moment the ledger cannot place, or an `about` that
/// names nothing.
enum Narrowing {
    /// A moment that names nothing, or the two out of order: the field and the message.
    Point(&'static str, String),
    About(String),
}

/// The changes between two plans, kept to those about one thing (and what answers it) when
/// `about` names one.
fn narrowed(
    between: &wsoa_store::Between,
    from: Point,
    to: Point,
    about: Option<String>,
) -> Result<Diff, Narrowing> {
    let changes = between.changes(&from, &to);
    let Some(about) = about else {
        return Ok(changes);
    };
    let about = about
        .parse::<wsoa_core::SubjectRef>()
        .map_err(|err| Narrowing::About(err.to_string()))?;
    let filter = Filter {
        about: Some(about),
        ..Filter::default()
    };
    let matcher = filter
        .compile(&between.after)
        .map_err(|err| Narrowing::About(err.to_string()))?;
    Ok(match matcher.subjects() {
        Some(subjects) => changes.about(subjects),
        None => changes,
    })
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

/// The changes of each kind shown on the page of all kinds; the rest open on their own.
pub const SHOWN: usize = 50;
/// The changes of one kind on a page of their own.
pub const PER_PAGE: usize = 100;

/// A kind of change's name in addresses: its heading's words, lower case, joined by dashes.
fn section_key(heading: &str) -> String {
    heading
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

/// The page's address with the comparison's own fields and these others.
fn href(fields: &Fields, path: &str, extra: &[(&str, String)]) -> String {
    let mut names: Vec<String> = ["from", "to", "about"].map(str::to_owned).into();
    names.extend(input::part_names("from_date"));
    names.extend(input::part_names("to_date"));
    let mut query: Vec<String> = names
        .iter()
        .filter_map(|name| {
            fields
                .optional(name)
                .map(|value| format!("{name}={}", crate::web::timeline::encode(&value)))
        })
        .collect();
    query.extend(
        extra
            .iter()
            .map(|(name, value)| format!("{name}={}", crate::web::timeline::encode(value))),
    );
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

fn render(compared: &Compared) -> Markup {
    let Compared {
        fields,
        errors,
        visits,
        reviews,
        subjects,
        changes,
    } = compared;
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
    let mut about_choices = vec![(String::new(), "Everything".to_owned())];
    about_choices.extend(subjects.iter().cloned());
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
            (widgets::field(&Field { id: "about", name: "about", label: "About",
                hint: Some("Only the changes about one area of weakness or finding, workstream or measure, and what answers it"),
                error: errors.get("about"), value: fields.get("about"),
                control: Control::Select(about_choices) }))
            button.govuk-button.govuk-button--secondary data-module="govuk-button" type="submit" data-testid="compare" { "Compare" }
        }
        @if changes.is_none() && errors.is_empty() {
            p.govuk-inset-text data-testid="diff-summary" {
                "No monitoring visit has been recorded yet, so there is no “since the last visit”: choose the earlier moment above."
            }
        }
        @if let Some(changes) = changes {
            (found(fields, changes))
        }
    }
}

/// The changes found: a count of each kind, then each kind's first changes, or one kind a page
/// at a time when `section` names it.
fn found(fields: &Fields, changes: &Diff) -> Markup {
    let sections: Vec<(String, &str, &[wsoa_core::diff::Item])> = changes
        .sections()
        .into_iter()
        .filter(|(_, items)| !items.is_empty())
        .map(|(heading, items)| (section_key(heading), heading, items))
        .collect();
    let chosen = fields.optional("section");
    let one = chosen
        .as_deref()
        .and_then(|key| sections.iter().find(|(k, _, _)| k == key));
    let page = fields
        .optional("page")
        .and_then(|p| p.trim().parse::<usize>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    html! {
        p.govuk-body data-testid="diff-summary" {
            @if changes.changed {
                "From " strong { (changes.from.label) } " to " strong { (changes.to.label) } ": "
                (crate::web::dashboard::plural(changes.events as u64, "event", "events")) " in between."
            } @else {
                "Nothing changed between " (changes.from.label) " and " (changes.to.label) "."
            }
        }
        @if changes.changed {
            p.govuk-body { a.govuk-link href=(href(fields, "/diff.txt", &[])) download { "Download the whole comparison as text" } }
        }
        @match one {
            Some((key, heading, items)) => {
                @let pages = items.len().div_ceil(PER_PAGE).max(1);
                @let page = page.min(pages);
                @let start = (page - 1) * PER_PAGE;
                p.govuk-body { a.govuk-link href=(href(fields, "/diff", &[])) { "Back to every kind of change" } }
                h2.govuk-heading-m data-testid="diff-section" { (heading) " (" (items.len()) ")" }
                @if pages > 1 {
                    p.govuk-body { "Changes " (start + 1) " to " ((start + PER_PAGE).min(items.len())) " of " (items.len()) "." }
                }
                (list(&items[start..(start + PER_PAGE).min(items.len())]))
                @let prev = (page > 1).then(|| href(fields, "/diff", &[("section", key.clone()), ("page", (page - 1).to_string())]));
                @let next = (page < pages).then(|| href(fields, "/diff", &[("section", key.clone()), ("page", (page + 1).to_string())]));
                (widgets::pagination("Pages of these changes", prev.as_deref().map(|h| (h, "Previous page")), next.as_deref().map(|h| (h, "Next page"))))
            }
            None => {
                @if sections.len() > 1 {
                    ul.govuk-list.govuk-list--bullet data-testid="diff-counts" {
                        @for (key, heading, items) in &sections {
                            li { a.govuk-link href=(format!("#{key}")) { (heading) } ": " (items.len()) }
                        }
                    }
                }
                @for (key, heading, items) in &sections {
                    h2.govuk-heading-m id=(key) { (heading) " (" (items.len()) ")" }
                    (list(&items[..items.len().min(SHOWN)]))
                    @if items.len() > SHOWN {
                        p.govuk-body { a.govuk-link href=(href(fields, "/diff", &[("section", key.clone())])) { "Show all " (items.len()) " " (heading.to_lowercase()) } }
                    }
                }
            }
        }
    }
}

fn list(items: &[wsoa_core::diff::Item]) -> Markup {
    html! {
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
