//! `/`: the plan dashboard. Counts at a glance, each linking to the list of what it counts;
//! filters of the actions (status, RAG, lead, workstream, area of weakness, overdue, due soon)
//! that make the page one list of the matching actions; otherwise each area of weakness with
//! its workstreams (their sponsor and the board's latest rating) and their actions (status,
//! RAG, lead, deadline; overdue ones flagged in words and with a bar), and its measures, headed
//! by the latest value and the target's state, with their definition, period and judgement
//! against a trajectory (`web::measures`), as line charts with their values in a table. Once a
//! plan after the WSoA is started, every plan with its workstreams (`web::plans`). A
//! date input shows the plan as it stood on any past day (`?as_of=`), by the dates things
//! happened, under a banner, with nothing to record and the date kept on the action pages.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use wsoa_core::Date;
use wsoa_core::event::{FindingKind, InspectionOutcome, Rag, Status};
use wsoa_core::plan::Plan;
use wsoa_core::point::Point;
use wsoa_core::show::{ActionShow, MeasureShow, ShowView, WorkstreamShow, view};

use crate::auth::Permission;
use crate::state::{AppState, today};
use crate::web::input::{self, Errors, Fields, FormState, optional_date};
use crate::web::layout::{Nav, page as layout_page};
use crate::web::widgets::{
    self, Control, DateField, Field, error_summary, overdue_tag, rag_tag, rating_tag, risk_tag,
    status_tag,
};
use crate::web::{Signed, WebError, chart, html_response};

/// Reads the day of a past-date view from a query (`as_of` as a date input, or one
/// `YYYY-MM-DD` field, as links carry it): `None` for today. A day after today is refused:
/// the plan cannot be shown as it will be.
pub fn past_day(fields: &Fields, errors: &mut Errors, clock_today: Date) -> Option<Date> {
    let day = optional_date(fields, errors, "as_of", "the date")?;
    if day > clock_today {
        errors.add_at(
            "as_of",
            "-day",
            format!(
                "The date must be today or in the past: the plan can be shown as it was, not as it will be. Enter a date up to {}",
                clock_today.long()
            ),
        );
        return None;
    }
    Some(day)
}

/// `GET /`: the plan, now or as of a day.
pub async fn page(
    State(state): State<AppState>,
    user: Signed,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let fields = Fields::new(query);
    let mut errors = Errors::default();
    let clock_today = today()?;
    let as_of = past_day(&fields, &mut errors, clock_today);
    let filters = Filters::read(&fields, &mut errors);
    let point = as_of.map_or(Point::Now, Point::AsOf);
    let (plan, shown, today) = state
        .fold(move |reader| {
            let point = reader.resolve_point(point)?;
            let (plan, last_recorded_at) = reader.plan_at(point)?;
            let today = point.today(last_recorded_at, clock_today);
            let shown = view(&plan, today);
            Ok((plan, shown, today))
        })
        .await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let form = FormState::again(fields, errors);
    let content = render(&user, &plan, &shown, today, as_of, &form, &filters);
    let title = match (&form.errors.is_empty(), as_of) {
        (false, _) => "Error: Plan".to_owned(),
        (true, Some(day)) => format!("Plan as it was on {}", day.long()),
        (true, None) => "Plan".to_owned(),
    };
    Ok(html_response(
        status,
        layout_page(&title, &user, Nav::Plan, content),
    ))
}

/// The plan's filters of its actions, from the query: `status`, `rag` (or `none`), `lead`,
/// `workstream`, `weakness`, `due` (`overdue`, or `soon`: due in the next 30 days); `list=all`
/// lists every action. Any of them turns the page into one list of the actions that match.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    status: Option<Status>,
    /// `Some(None)`: no RAG given yet.
    rag: Option<Option<Rag>>,
    lead: Option<String>,
    workstream: Option<String>,
    weakness: Option<String>,
    due: Option<Due>,
    all: bool,
}

/// When an action is due, as a filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Due {
    /// Past its deadline and neither complete nor withdrawn.
    Overdue,
    /// Due in the next `SOON_DAYS` days (today included), not complete or withdrawn.
    Soon,
}

/// "Due soon" means within this many days.
pub const SOON_DAYS: i64 = 30;

/// The names of the filters in the query, kept when the past date changes.
const FILTERS: [&str; 7] = [
    "status",
    "rag",
    "lead",
    "workstream",
    "weakness",
    "due",
    "list",
];

impl Filters {
    fn read(fields: &Fields, errors: &mut Errors) -> Filters {
        let status = fields
            .optional("status")
            .and_then(|_| input::parsed::<Status>(fields, errors, "status", "the status"));
        let rag = match fields.optional("rag").as_deref() {
            None => None,
            Some("none") => Some(None),
            Some(_) => input::parsed::<Rag>(fields, errors, "rag", "the RAG rating").map(Some),
        };
        let due = match fields.optional("due").as_deref() {
            None => None,
            Some("overdue") => Some(Due::Overdue),
            Some("soon") => Some(Due::Soon),
            Some(_) => {
                errors.add(
                    "due",
                    "Choose when the actions are due: overdue, or due in the next 30 days",
                );
                None
            }
        };
        Filters {
            status,
            rag,
            lead: fields.optional("lead"),
            workstream: fields.optional("workstream"),
            weakness: fields.optional("weakness"),
            due,
            all: fields.get("list") == "all",
        }
    }

    /// Whether the page is a list of actions.
    fn active(&self) -> bool {
        self.all
            || self.status.is_some()
            || self.rag.is_some()
            || self.lead.is_some()
            || self.workstream.is_some()
            || self.weakness.is_some()
            || self.due.is_some()
    }

    fn matches(&self, plan: &Plan, action: &ActionShow, today: Date) -> bool {
        let open = !matches!(action.status, Status::Complete | Status::Withdrawn);
        self.status.is_none_or(|status| action.status == status)
            && self.rag.is_none_or(|rag| action.rag == rag)
            && self
                .lead
                .as_deref()
                .is_none_or(|lead| action.owner.eq_ignore_ascii_case(lead))
            && self
                .workstream
                .as_deref()
                .is_none_or(|ws| action.workstream == ws)
            && self.weakness.as_deref().is_none_or(|weakness| {
                plan.workstream(&action.workstream)
                    .is_some_and(|ws| ws.weaknesses.iter().any(|w| w == weakness))
            })
            && match self.due {
                None => true,
                Some(Due::Overdue) => action.overdue,
                Some(Due::Soon) => {
                    open && !action.deadline_not_set && {
                        let days = today.days_until(action.due);
                        (0..=SOON_DAYS).contains(&days)
                    }
                }
            }
    }
}

/// Every action of the view once, in the order the plan shows them.
fn all_actions(shown: &ShowView) -> Vec<&ActionShow> {
    let mut seen = std::collections::BTreeSet::new();
    shown
        .weaknesses
        .iter()
        .flat_map(|weakness| weakness.workstreams.iter())
        .chain(shown.other_workstreams.iter())
        .flat_map(|workstream| workstream.actions.iter())
        .chain(shown.other_actions.iter())
        .filter(|action| seen.insert(action.id.clone()))
        .collect()
}

/// The plan's address with a query (and the past date, if any).
/// The board papers of the plan shown (now, or as it stood on the past day), to download.
fn papers_links(as_of: Option<Date>) -> Markup {
    let query = as_of.map_or_else(String::new, |day| format!("?as_of={day}"));
    html! {
        ul.govuk-list data-testid="papers" {
            li { a.govuk-link href=(format!("/tracker.xlsx{query}")) { "Download the tracker (Excel workbook)" } }
            li { a.govuk-link href=(format!("/tracker.csv{query}")) { "Download the tracker (CSV)" } }
            li { a.govuk-link href=(format!("/narrative{query}")) { "Read the impact narrative" @if as_of.is_some() { " as it stood that day" } " (Word, PDF and web page downloads)" } }
        }
    }
}

/// A workstream's actions shown on the whole plan before a link to the list of them all, so
/// that the plan of a large area stays a page a person can read.
pub const WORKSTREAM_ACTIONS_SHOWN: usize = 25;

/// Actions on a page of a filtered list.
pub const LIST_PAGE: usize = 100;

/// The page of a filtered list asked for (`page`, from 1; a page that is not a number is the
/// first).
fn list_page(form: &FormState) -> usize {
    form.fields
        .optional("page")
        .and_then(|page| page.trim().parse::<usize>().ok())
        .filter(|page| *page >= 1)
        .unwrap_or(1)
}

/// Links to the pages before and after this one of a filtered list, keeping its filters.
fn list_pages(form: &FormState, as_of: Option<Date>, page: usize, pages: usize) -> Markup {
    let href = |page: usize| {
        let mut query: Vec<String> = FILTERS
            .iter()
            .filter_map(|name| {
                form.fields
                    .optional(name)
                    .map(|value| format!("{name}={}", crate::web::timeline::encode(&value)))
            })
            .collect();
        query.push(format!("page={page}"));
        plan_href(&query.join("&"), as_of)
    };
    let prev = (page > 1).then(|| href(page - 1));
    let next = (page < pages).then(|| href(page + 1));
    widgets::pagination(
        "Pages of the matching actions",
        prev.as_deref().map(|href| (href, "Previous page")),
        next.as_deref().map(|href| (href, "Next page")),
    )
}

fn plan_href(query: &str, as_of: Option<Date>) -> String {
    match (query, as_of) {
        ("", None) => "/".to_owned(),
        ("", Some(day)) => format!("/?as_of={day}"),
        (query, None) => format!("/?{query}"),
        (query, Some(day)) => format!("/?{query}&as_of={day}"),
    }
}

fn filter_form(plan: &Plan, shown: &ShowView, form: &FormState, as_of: Option<Date>) -> Markup {
    let select = |name: &'static str, label: &'static str, choices: Vec<(String, String)>| {
        widgets::field(&Field {
            id: name,
            name,
            label,
            hint: None,
            error: form.error(name),
            value: form.value(name),
            control: Control::Select(choices),
        })
    };
    let mut statuses = vec![(String::new(), "Any status".to_owned())];
    statuses.extend(widgets::choices(Status::WORDS));
    let mut rags = vec![(String::new(), "Any RAG".to_owned())];
    rags.extend(widgets::choices(Rag::WORDS));
    rags.push(("none".to_owned(), "No RAG yet".to_owned()));
    let mut leads: Vec<String> = all_actions(shown).iter().map(|a| a.owner.clone()).collect();
    leads.sort();
    leads.dedup();
    let mut lead_choices = vec![(String::new(), "Any lead".to_owned())];
    lead_choices.extend(leads.into_iter().map(|lead| (lead.clone(), lead)));
    let mut workstreams = vec![(String::new(), "Any workstream".to_owned())];
    workstreams.extend(
        plan.workstreams
            .iter()
            .map(|ws| (ws.id.clone(), format!("{}: {}", ws.id, ws.title))),
    );
    let mut weaknesses = vec![(String::new(), "Any area of weakness".to_owned())];
    weaknesses.extend(
        shown
            .weaknesses
            .iter()
            .map(|w| (w.id.clone(), format!("{}: {}", w.id, w.title))),
    );
    let due = vec![
        (String::new(), "Any time".to_owned()),
        ("overdue".to_owned(), "Overdue".to_owned()),
        (
            "soon".to_owned(),
            format!("Due in the next {SOON_DAYS} days"),
        ),
    ];
    html! {
        form #plan-filters.app-filters method="get" action="/" novalidate aria-label="Filter the actions" {
            (select("status", "Status", statuses))
            (select("rag", "RAG rating", rags))
            (select("lead", "Lead", lead_choices))
            (select("workstream", "Workstream", workstreams))
            (select("weakness", "Area of weakness", weaknesses))
            (select("due", "Due", due))
            @if let Some(day) = as_of {
                input type="hidden" name="as_of" value=(day);
            }
            div.govuk-button-group {
                button.govuk-button.govuk-button--secondary type="submit" data-module="govuk-button" data-testid="filter" { "Show the actions" }
                a.govuk-link href=(plan_href("", as_of)) { "Clear the filters" }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn render(
    user: &Signed,
    plan: &Plan,
    shown: &ShowView,
    today: Date,
    as_of: Option<Date>,
    form: &FormState,
    filters: &Filters,
) -> Markup {
    let area = shown.area.as_deref().unwrap_or("The local area");
    let errors = &form.errors;
    let typed = form
        .date_values("as_of")
        .iter()
        .any(|part| !part.trim().is_empty());
    html! {
        (error_summary(errors))
        @if let Some(day) = as_of {
            (widgets::past_banner(day, "/", "See the plan today"))
        }
        span.govuk-caption-m { (area) }
        h1.govuk-heading-l { "Written Statement of Action" }
        p.govuk-body data-testid="point" {
            @match as_of {
                Some(day) => {
                    "The plan as it stood on " strong { (day.long()) } ", by the dates things happened: "
                    (plural(shown.events, "event", "events")) " of the ledger. Deadlines are judged at that day."
                }
                None => {
                    "The plan now, with everything recorded so far. Deadlines are judged at " (today.long()) "."
                }
            }
        }
        // Event numbers are for auditors: behind a details element, in plain words first.
        details.govuk-details data-testid="point-details" {
            summary.govuk-details__summary { span.govuk-details__summary-text { "Where this comes from" } }
            div.govuk-details__text {
                "Every change is kept, in order, in a history that cannot be edited. This page is built from "
                (plural(shown.events, "entry", "entries")) " of that history"
                @if let Some(seq) = shown.last_seq { " (the last is " a.govuk-link href=(crate::web::timeline::event_href(seq)) { "event " (seq) } ")" }
                "."
            }
        }
        form #as-of-form.app-filters method="get" action="/" novalidate {
            (widgets::date_input(&DateField {
                id: "as_of",
                name: "as_of",
                legend: "See the plan as it stood on a past date",
                hint: Some("For example, the day of a monitoring visit, such as 18 11 2021"),
                error: errors.get("as_of"),
                values: form.date_values("as_of"),
            }))
            @for name in FILTERS {
                @if let Some(value) = form.fields.optional(name) {
                    input type="hidden" name=(name) value=(value);
                }
            }
            div.govuk-button-group {
                button.govuk-button.govuk-button--secondary type="submit" data-module="govuk-button" data-testid="show-as-of" { "Show the plan on this date" }
                @if as_of.is_some() || typed {
                    a.govuk-link href="/" { "Back to the plan now" }
                }
            }
        }
        (papers_links(as_of))
        // Nothing is recorded from the past-date view: its pages show the plan as it was.
        @if user.can(Permission::Record) && as_of.is_none() {
            h2.govuk-heading-m { "Record a change" }
            ul.govuk-list data-testid="record-links" {
                li { a.govuk-link href="/actions/new" { "Add an action" } }
                li { a.govuk-link href="/visits/new" { "Record a monitoring visit" } }
                li { a.govuk-link href="/reviews/new" { "Record a board review" } }
                li { a.govuk-link href="/measures/values/new" { "Record a measure's value" } }
                li { a.govuk-link href="/inspections/new" { "Record an inspection" } }
                li { a.govuk-link href="/findings/new" { "Add a finding of an inspection" } }
                li { a.govuk-link href="/coproduction/new" { "Record what families said (you said, we did)" } }
                li { a.govuk-link href="/plans/new" { "Start a plan (an Accelerated Progress Plan, a priority action or improvement plan)" } }
                li { a.govuk-link href="/workstreams/new" { "Add a workstream to a plan" } }
                li { a.govuk-link href="/plans/review" { "Record a DfE and NHS England monitoring review of a plan" } }
                li { a.govuk-link href="/measures/amend" { "Change a measure's definition, period or trajectory" } }
                li { a.govuk-link href="/packs/new" { "Make an evidence pack" } }
            }
        }
        h2.govuk-heading-m { "At a glance" }
        ul.app-counts data-testid="counts" {
            (count("actions", shown.counts.actions, "actions", "", &plan_href("list=all", as_of)))
            (count("complete", shown.counts.complete, "complete", "app-count--complete", &plan_href("status=complete", as_of)))
            (count("in-progress", shown.counts.in_progress, "in progress", "", &plan_href("status=in-progress", as_of)))
            (count("overdue", shown.counts.overdue, "overdue", "app-count--overdue", &plan_href("due=overdue", as_of)))
            (count("blocked", shown.counts.blocked, "blocked", "app-count--blocked", &plan_href("status=blocked", as_of)))
            (count("not-started", shown.counts.not_started, "not started", "", &plan_href("status=not-started", as_of)))
        }
        h2.govuk-heading-m id="find-actions" { "Find actions" }
        (filter_form(plan, shown, form, as_of))
        @if filters.active() && errors.is_empty() {
            @let matching: Vec<ActionShow> = all_actions(shown)
                .into_iter()
                .filter(|action| filters.matches(plan, action, today))
                .cloned()
                .collect();
            h2.govuk-heading-m id="matching-actions" data-testid="matching" {
                (plural(matching.len() as u64, "action matches", "actions match"))
            }
            @if matching.is_empty() {
                p.govuk-inset-text { "No action matches these filters. " a.govuk-link href=(plan_href("", as_of)) { "Clear the filters" } " to see the whole plan." }
            } @else {
                @let pages = matching.len().div_ceil(LIST_PAGE);
                @let page = list_page(form).min(pages);
                @let start = (page - 1) * LIST_PAGE;
                @let end = (start + LIST_PAGE).min(matching.len());
                @if pages > 1 {
                    p.govuk-body data-testid="list-page" { "Actions " (start + 1) " to " (end) " of " (matching.len()) "." }
                }
                (actions_table(&matching[start..end], "Actions that match the filters", as_of))
                (list_pages(form, as_of, page, pages))
            }
            p.govuk-body { a.govuk-link href=(plan_href("", as_of)) { "See the whole plan" } }
        }
        @if let Some(visit) = &shown.latest_visit {
            p.govuk-body data-testid="latest-visit" {
                "Last monitoring visit: " (widgets::date(visit.on)) " by " (visit.by) "."
                @if let Some(summary) = &visit.summary { " " (summary) }
            }
        }
        // Filtered, the page is the list above; the whole plan otherwise.
        @if !filters.active() || !errors.is_empty() {
            (inspections_section(plan))
            (crate::web::plans::section(shown, user, as_of))
            @if shown.weaknesses.is_empty() && plan.workstreams.is_empty() && plan.actions.is_empty() {
                p.govuk-inset-text { "No areas of weakness, workstreams or actions are recorded at this point." }
            }
            @for weakness in &shown.weaknesses {
                section.app-weakness id=(format!("weakness-{}", weakness.id)) aria-labelledby=(format!("weakness-{}-heading", weakness.id)) {
                    h2.govuk-heading-l id=(format!("weakness-{}-heading", weakness.id)) {
                        span.govuk-caption-m { (crate::web::findings::finding_name(weakness.kind.unwrap_or(FindingKind::Weakness))) " " (weakness.id) }
                        // A space, so that the heading's accessible name reads "W1 Strategic ...".
                        " "
                        (weakness.title)
                    }
                    @if let Some(outcome) = &weakness.outcome {
                        p.govuk-body {
                            "Revisit: "
                            @match outcome.progress {
                                wsoa_core::event::Progress::Sufficient => (widgets::tag(widgets::Colour::Green, "Sufficient progress")),
                                wsoa_core::event::Progress::Insufficient => (widgets::tag(widgets::Colour::Red, "Insufficient progress")),
                            }
                            " on " (widgets::date(outcome.on))
                        }
                    }
                    @if let Some(finding) = &weakness.finding {
                        blockquote.govuk-inset-text.govuk-body-s { (finding) }
                    }
                    @for workstream in &weakness.workstreams {
                        (workstream_section(plan, workstream, as_of))
                    }
                    @if !weakness.also_answered_by.is_empty() {
                        p.app-meta { "Also answered by " (weakness.also_answered_by.join(", ")) ", shown under another area." }
                    }
                    @if !weakness.measures.is_empty() {
                        h3.govuk-heading-m { "Measures of impact" }
                        @for measure in &weakness.measures { (measure_section(plan, measure, today, user.can(Permission::Record) && as_of.is_none())) }
                    }
                    @if !weakness.also_measured_by.is_empty() {
                        p.app-meta { "Also measured by " (weakness.also_measured_by.join(", ")) ", shown under another area." }
                    }
                    (coproduction_section(&weakness.id, &weakness.coproduction))
                }
            }
            @if !shown.other_workstreams.is_empty() || !shown.other_actions.is_empty() || !shown.other_measures.is_empty() {
                section.app-weakness {
                    h2.govuk-heading-l { "Not under a recorded area of weakness" }
                    @for workstream in &shown.other_workstreams { (workstream_section(plan, workstream, as_of)) }
                    @if !shown.other_actions.is_empty() {
                        h3.govuk-heading-m { "Actions of workstreams not recorded at this point" }
                        (actions_table(&shown.other_actions, "Other actions", as_of))
                    }
                    @for measure in &shown.other_measures { (measure_section(plan, measure, today, user.can(Permission::Record) && as_of.is_none())) }
                }
            }
            @if !shown.open_risks.is_empty() {
                h2.govuk-heading-l { "Open risks" }
                div.app-table-wrapper data-scroll-region tabindex="0" role="region" aria-label="Open risks, scrolls sideways" {
                    table.govuk-table data-testid="risks" {
                        caption.govuk-table__caption.govuk-visually-hidden { "Open risks" }
                        thead.govuk-table__head { tr.govuk-table__row { th.govuk-table__header scope="col" { "Risk" } th.govuk-table__header scope="col" { "Level" } th.govuk-table__header scope="col" { "About" } th.govuk-table__header scope="col" { "Mitigation" } } }
                        tbody.govuk-table__body {
                            @for risk in &shown.open_risks {
                                tr.govuk-table__row {
                                    td.govuk-table__cell { strong { (risk.id) } " " (risk.title) }
                                    td.govuk-table__cell { (risk_tag(risk.level)) }
                                    td.govuk-table__cell { (risk.about.join(", ")) }
                                    td.govuk-table__cell { (risk.mitigation.as_deref().unwrap_or("None recorded")) }
                                }
                            }
                        }
                    }
                }
            }
            @if let Some(revisit) = &shown.revisit {
                p.govuk-body { "The revisit is expected between " (widgets::date(revisit.from)) " and " (widgets::date(revisit.to)) "." }
            }
        }
    }
}

/// The inspections, each with its framework, kind, dates and (2023) outcome, and its findings
/// grouped by type, in the framework's words, each linking to its section of the plan.
fn inspections_section(plan: &Plan) -> Markup {
    let kinds = [
        FindingKind::Weakness,
        FindingKind::PriorityAction,
        FindingKind::Improvement,
    ];
    html! {
        @if !plan.inspections.is_empty() {
            section #inspections aria-labelledby="inspections-heading" data-testid="inspections" {
                h2.govuk-heading-l #inspections-heading { "Inspections" }
                @for inspection in &plan.inspections {
                    div.app-inspection id=(format!("inspection-{}", inspection.id)) data-testid=(format!("inspection-{}", inspection.id)) {
                        h3.govuk-heading-m {
                            span.govuk-caption-m { "Inspection " (inspection.id) }
                            " "
                            (widgets::sentence_case(&crate::web::findings::inspection_words(inspection.framework, inspection.kind)))
                        }
                        dl.govuk-summary-list {
                            (widgets::row("On site", html! { (widgets::date(inspection.from)) " to " (widgets::date(inspection.to)) }))
                            (widgets::row("Report published", widgets::date(inspection.published)))
                            (widgets::row("Inspected by", html! { (inspection.inspectorates.join(" and ")) }))
                            @if let Some(outcome) = inspection.outcome {
                                (widgets::row("Outcome", html! {
                                    span data-testid="inspection-outcome" {
                                        (widgets::tag(match outcome {
                                            InspectionOutcome::Positive => widgets::Colour::Green,
                                            InspectionOutcome::Inconsistent => widgets::Colour::Orange,
                                            InspectionOutcome::Systemic => widgets::Colour::Red,
                                        }, &widgets::sentence_case(outcome.describe())))
                                    }
                                }))
                            }
                        }
                        @for kind in kinds {
                            @let found: Vec<_> = plan.weaknesses.iter().filter(|w| w.inspection == inspection.id && w.kind == kind).collect();
                            @if !found.is_empty() {
                                h4.govuk-heading-s { (plural_finding(kind, found.len())) }
                                ul.govuk-list.govuk-list--bullet data-testid=(format!("findings-{}-{}", inspection.id, kind.as_str())) {
                                    @for weakness in found {
                                        li { a.govuk-link href=(format!("#weakness-{}", weakness.id)) { (weakness.id) } " " (weakness.title) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// "Areas for priority action", "Area of significant weakness".
fn plural_finding(kind: FindingKind, n: usize) -> String {
    let name = crate::web::findings::finding_name(kind);
    if n == 1 {
        name
    } else {
        name.replacen("Area ", "Areas ", 1)
    }
}

/// "You said, we did, the difference it made" for one weakness or finding.
fn coproduction_section(about: &str, entries: &[wsoa_core::show::CoproductionShow]) -> Markup {
    html! {
        @if !entries.is_empty() {
            div.app-coproduction id=(format!("coproduction-{about}")) data-testid=(format!("coproduction-{about}")) {
                h3.govuk-heading-m { "You said, we did, the difference it made" }
                @for entry in entries {
                    dl.govuk-summary-list {
                        (widgets::row("Who", html! {
                            (entry.from)
                            @if let Some(n) = entry.respondents { " (" (plural(n, "respondent", "respondents")) ")" }
                            ", " (widgets::date(entry.on))
                        }))
                        (widgets::row("You said", html! { (entry.said) }))
                        (widgets::row("We did", html! { (entry.did) }))
                        (widgets::row("The difference it made", html! {
                            @match &entry.difference {
                                Some(difference) => (difference),
                                None => "Not yet known",
                            }
                        }))
                    }
                }
            }
        }
    }
}

/// A tile: a number and what it counts, linking to the list of those actions.
fn count(id: &str, number: usize, label: &str, class: &str, href: &str) -> Markup {
    html! {
        li.app-count.(class) data-testid=(format!("count-{id}")) {
            a.app-count__link href=(href) {
                span.app-count__number { (number) }
                " "
                span.app-count__label { (label) }
            }
        }
    }
}

/// A workstream with its sponsor, the board's latest view and its actions; once more than one
/// plan exists, its caption names the plan it belongs to.
fn workstream_section(plan: &Plan, workstream: &WorkstreamShow, as_of: Option<Date>) -> Markup {
    let of = plan
        .has_started_plans()
        .then(|| plan.plan_of(&workstream.id))
        .flatten();
    html! {
        section.app-workstream id=(format!("workstream-{}", workstream.id)) {
            h3.govuk-heading-m {
                span.govuk-caption-m data-testid=(format!("workstream-caption-{}", workstream.id)) {
                    "Workstream " (workstream.id)
                    @if let Some(of) = of { " of plan " (of.id) }
                }
                " "
                (workstream.title)
            }
            dl.govuk-summary-list {
                (widgets::row("Sponsor", html! { (workstream.sponsor) }))
                (widgets::row("Board's latest view", match &workstream.assessment {
                    Some(assessment) => html! {
                        (rating_tag(assessment.rating)) " " (assessment.forum) ", " (widgets::date(assessment.on))
                        @if let Some(note) = &assessment.note { ": " (note) }
                    },
                    None => html! { "Not yet assessed" },
                }))
            }
            @if workstream.actions.is_empty() {
                p.govuk-body { "No actions yet." }
            } @else {
                @let shown = workstream.actions.len().min(WORKSTREAM_ACTIONS_SHOWN);
                (actions_table(&workstream.actions[..shown], &format!("Actions of workstream {}", workstream.id), as_of))
                @if workstream.actions.len() > shown {
                    p.govuk-body data-testid=(format!("more-actions-{}", workstream.id)) {
                        a.govuk-link href=(plan_href(&format!("workstream={}", crate::web::timeline::encode(&workstream.id)), as_of)) {
                            "See all " (workstream.actions.len()) " actions of workstream " (workstream.id)
                        }
                        ", " (LIST_PAGE) " a page"
                    }
                }
            }
        }
    }
}

/// The address of an action's page, in the past-date view when `as_of` is given.
pub fn action_href(id: &str, as_of: Option<Date>) -> String {
    match as_of {
        Some(day) => format!("/actions/{id}?as_of={day}"),
        None => format!("/actions/{id}"),
    }
}

/// The actions as a table: reference (linking to the action's page, at the same past date
/// when `as_of` is given), what, lead, deadline, status, RAG; an overdue row is marked with a
/// bar and says "Overdue by N days".
pub fn actions_table(actions: &[ActionShow], caption: &str, as_of: Option<Date>) -> Markup {
    html! {
        div.app-table-wrapper data-scroll-region tabindex="0" role="region" aria-label=(format!("{caption}, scrolls sideways")) {
            // On a narrow screen each row stacks (see `.table--stack`): the roles keep it a table
            // for screen readers whatever its display.
            table.govuk-table.app-table--stack data-testid="actions" role="table" {
                caption.govuk-table__caption.govuk-visually-hidden { (caption) }
                thead.govuk-table__head role="rowgroup" {
                    tr.govuk-table__row role="row" {
                        th.govuk-table__header scope="col" role="columnheader" { "Ref" }
                        th.govuk-table__header scope="col" role="columnheader" { "Action" }
                        th.govuk-table__header scope="col" role="columnheader" { "Status" }
                        th.govuk-table__header scope="col" role="columnheader" { "RAG" }
                        th.govuk-table__header scope="col" role="columnheader" { "Lead" }
                        th.govuk-table__header scope="col" role="columnheader" { "Due" }
                    }
                }
                tbody.govuk-table__body role="rowgroup" {
                    @for action in actions {
                        tr.govuk-table__row.app-table__row--overdue[action.overdue] role="row" id=(format!("action-{}", action.id)) data-testid=(format!("action-row-{}", action.id)) {
                            td.govuk-table__cell role="cell" { a.govuk-link href=(action_href(&action.id, as_of)) { (action.id) } }
                            td.govuk-table__cell role="cell" {
                                (action.title)
                                @if let Some(update) = &action.latest_update {
                                    br;
                                    span.app-meta { "Latest: " (update.text) " (" (update.on.long()) ")" }
                                }
                            }
                            // Status and RAG come straight after the title: on a narrow
                            // screen they stay beside it, each cell saying what it is.
                            td.govuk-table__cell role="cell" data-label="Status" { (status_tag(action.status)) }
                            td.govuk-table__cell role="cell" data-label="RAG" { (rag_tag(action.rag)) }
                            td.govuk-table__cell role="cell" data-label="Lead" { (action.owner) }
                            td.govuk-table__cell role="cell" data-label="Due" {
                                @match &action.deadline {
                                    // As written in the plan, with the day it is judged by.
                                    Some(words) => span data-testid="deadline-words" { (words) },
                                    None => (widgets::date(action.due)),
                                }
                                @if action.due != action.original_due {
                                    br; span.app-meta { "first set for " (action.original_due.long()) }
                                }
                                @if let Some(days) = action.days_overdue {
                                    br; (overdue_tag(days))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `a - b` exactly, as decimal text ("26.5", "-3"), or `None` past i128's range.
fn difference(a: &str, b: &str) -> Option<String> {
    fn parts(text: &str) -> Option<(i128, u32)> {
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let scale = u32::try_from(fraction.len()).ok()?;
        let value: i128 = format!("{whole}{fraction}").parse().ok()?;
        Some((if negative { -value } else { value }, scale))
    }
    let (a, a_scale) = parts(a)?;
    let (b, b_scale) = parts(b)?;
    let scale = a_scale.max(b_scale);
    let a = a.checked_mul(10i128.checked_pow(scale - a_scale)?)?;
    let b = b.checked_mul(10i128.checked_pow(scale - b_scale)?)?;
    let diff = a.checked_sub(b)?;
    let digits = diff.unsigned_abs().to_string();
    let scale = scale as usize;
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (whole, fraction) = padded.split_at(padded.len() - scale);
    let fraction = fraction.trim_end_matches('0');
    let sign = if diff < 0 { "-" } else { "" };
    Some(if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    })
}

/// The change from the baseline in words: "up 26.5 percentage points", "down 3 families", "no
/// change".
fn change_words(latest: &str, baseline: &str, unit: &str) -> Option<String> {
    let diff = difference(latest, baseline)?;
    let (direction, size) = match diff.strip_prefix('-') {
        Some(size) => ("down", size.to_owned()),
        None if diff == "0" => return Some("no change".to_owned()),
        None => ("up", diff),
    };
    Some(match unit.trim() {
        "%" => format!("{direction} {size} percentage points"),
        "" => format!("{direction} {size}"),
        unit => format!("{direction} {size} {unit}"),
    })
}

/// A measure's headline: its latest value and the change from the baseline, the target, and
/// whether the target is met, not yet met, or missed (its date has passed at `today`).
fn measure_headline(measure: &MeasureShow, today: Date) -> Markup {
    let unit = &measure.unit;
    html! {
        p.govuk-body data-testid=(format!("measure-headline-{}", measure.id)) {
            @match &measure.latest {
                Some(latest) => {
                    "Latest " strong { (widgets::amount(latest.value.as_str(), unit)) } " on " (widgets::date(latest.on))
                    @if let Some(change) = change_words(latest.value.as_str(), measure.baseline.as_str(), unit) {
                        ": " (change) " from the baseline"
                    }
                    " of " (widgets::amount(measure.baseline.as_str(), unit)) " (" (measure.baseline_on.long()) "). "
                }
                None => {
                    "No value recorded yet. Baseline " (widgets::amount(measure.baseline.as_str(), unit)) " on " (measure.baseline_on.long()) ". "
                }
            }
            "Target " (widgets::amount(measure.target.as_str(), unit)) " by " (measure.target_by.long())
            " (" (measure.better.label()) "). "
            @if measure.target_met { (widgets::tag(widgets::Colour::Green, "Target met")) }
            @else if measure.target_missed || measure.target_by < today { (widgets::tag(widgets::Colour::Red, "Target missed")) }
            @else { (widgets::tag(widgets::Colour::Grey, "Target not yet met")) }
        }
    }
}

fn measure_section(plan: &Plan, measure: &MeasureShow, today: Date, record: bool) -> Markup {
    let Some(full) = plan.measure(&measure.id) else {
        return html! {};
    };
    let chart_id = format!("chart-{}", measure.id.to_ascii_lowercase());
    let mut values: Vec<_> = full.values.iter().collect();
    values.sort_by(|a, b| a.cite.on.cmp(&b.cite.on).then(a.cite.seq.cmp(&b.cite.seq)));
    html! {
        div.app-measure id=(format!("measure-{}", measure.id)) {
            h4.govuk-heading-s { (measure.id) ": " (measure.title) }
            (measure_headline(measure, today))
            (crate::web::measures::details(measure))
            (chart::svg(full, &chart_id))
            details.govuk-details {
                summary.govuk-details__summary { span.govuk-details__summary-text { "The values of " (measure.id) " as a table" } }
                div.govuk-details__text {
                    @if values.is_empty() {
                        p.govuk-body { "No values have been recorded yet." }
                    } @else {
                        div.app-table-wrapper data-scroll-region tabindex="0" role="region" aria-label=(format!("Values of {}, scrolls sideways", measure.id)) {
                        table.govuk-table {
                            caption.govuk-table__caption.govuk-visually-hidden { "Values of " (measure.id) }
                            thead.govuk-table__head { tr.govuk-table__row { th.govuk-table__header scope="col" { "Date" } th.govuk-table__header.govuk-table__header--numeric scope="col" { "Value" } th.govuk-table__header scope="col" { "Source" } } }
                            tbody.govuk-table__body {
                                tr.govuk-table__row {
                                    td.govuk-table__cell { (widgets::date(measure.baseline_on)) " (baseline)" }
                                    td.govuk-table__cell.govuk-table__cell--numeric { (widgets::amount(measure.baseline.as_str(), &measure.unit)) }
                                    td.govuk-table__cell { }
                                }
                                @for value in &values {
                                    tr.govuk-table__row {
                                        td.govuk-table__cell { (widgets::date(value.cite.on)) }
                                        td.govuk-table__cell.govuk-table__cell--numeric { (widgets::amount(value.value.as_str(), &measure.unit)) }
                                        td.govuk-table__cell { (value.source.as_deref().unwrap_or("")) }
                                    }
                                }
                            }
                        }
                        }
                    }
                }
            }
            @if !measure.trajectory.is_empty() {
                details.govuk-details data-testid=(format!("trajectory-{}", measure.id)) {
                    summary.govuk-details__summary { span.govuk-details__summary-text { "The trajectory of " (measure.id) " as a table" } }
                    div.govuk-details__text {
                        div.app-table-wrapper data-scroll-region tabindex="0" role="region" aria-label=(format!("Trajectory of {}, scrolls sideways", measure.id)) {
                            table.govuk-table {
                                caption.govuk-table__caption.govuk-visually-hidden { "Trajectory of " (measure.id) }
                                thead.govuk-table__head { tr.govuk-table__row { th.govuk-table__header scope="col" { "By" } th.govuk-table__header.govuk-table__header--numeric scope="col" { "Value expected" } } }
                                tbody.govuk-table__body {
                                    @for point in &measure.trajectory {
                                        tr.govuk-table__row {
                                            td.govuk-table__cell { (widgets::date(point.on)) }
                                            td.govuk-table__cell.govuk-table__cell--numeric { (widgets::amount(point.value.as_str(), &measure.unit)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if record {
                p.govuk-body { a.govuk-link href=(format!("/measures/amend?measure={}", measure.id)) { "Change the definition, period or trajectory of " (measure.id) } }
            }
        }
    }
}

/// "1 event", "173 events".
pub fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_are_exact() {
        assert_eq!(difference("57.5", "31").as_deref(), Some("26.5"));
        assert_eq!(difference("31", "57.5").as_deref(), Some("-26.5"));
        assert_eq!(difference("0.1", "0.3").as_deref(), Some("-0.2"));
        assert_eq!(difference("12.50", "2.5").as_deref(), Some("10"));
        assert_eq!(difference("-3", "-3").as_deref(), Some("0"));
        assert_eq!(difference("0.05", "0").as_deref(), Some("0.05"));
        assert_eq!(
            change_words("64", "31", "%").as_deref(),
            Some("up 33 percentage points")
        );
        assert_eq!(
            change_words("28", "31", "weeks").as_deref(),
            Some("down 3 weeks")
        );
        assert_eq!(change_words("31", "31", "%").as_deref(), Some("no change"));
    }
}
