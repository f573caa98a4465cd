//! `/narrative`: the impact narrative for the revisit, weakness by weakness, every statement
//! linked to the events it rests on (listed in the appendix), with downloads of the same
//! document as a self-contained HTML page (`/narrative.html`, from core's escaping renderer) and
//! as Markdown (`/narrative.md`).
//!
//! The page renders the narrative's sections itself, in the site's own page, rather than
//! embedding core's HTML page: one document outline, one stylesheet, and no second escaping
//! question (every value goes through `maud` once).

use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use maud::{Markup, html};
use wsoa_core::Date;
use wsoa_core::narrative::{Claim, Narrative, Section, Source};
use wsoa_core::point::Point;

use crate::error::ApiError;
use crate::state::AppState;
use crate::web::layout::{Nav, page as layout_page};
use crate::web::papers::{day_asked, download};
use crate::web::{Signed, WebError, html_response};

/// Reads the narrative now, or as of a past day (by the dates things happened), or `None` when
/// the ledger has nothing to narrate by then.
async fn narrative(
    state: &AppState,
    as_of: Option<Date>,
) -> Result<Option<(Narrative, Source)>, WebError> {
    let point = as_of.map_or(Point::Now, Point::AsOf);
    // Judged as the plan page and the workbook judge: now at today, a past day at that day.
    let today = crate::state::today()?;
    Ok(state
        .fold(
            move |reader| match reader.narrative_judged_at(point, today) {
                Ok(built) => Ok(Some(built)),
                Err(wsoa_store::StoreError::Query(_)) => Ok(None),
                Err(err) => Err(err.into()),
            },
        )
        .await?)
}

/// `GET /narrative`, now or as of `?as_of=`.
pub async fn page(
    State(state): State<AppState>,
    user: Signed,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (as_of, _) = day_asked(query)?;
    let content = match narrative(&state, as_of).await? {
        None => html! {
            (crate::web::widgets::breadcrumbs(&[("/", "Plan")], "Impact narrative"))
            h1.govuk-heading-l { "Impact narrative" }
            p.govuk-inset-text { "The ledger has no events yet, so there is nothing to narrate." }
        },
        Some((narrative, _)) => html! {
            @if let Some(day) = as_of {
                (crate::web::widgets::past_banner(day, "/narrative", "See the narrative today"))
            }
            (render(&narrative, as_of))
        },
    };
    Ok(html_response(
        StatusCode::OK,
        layout_page("Impact narrative", &user, Nav::Narrative, content),
    ))
}

/// The downloads of the narrative shown, keeping its past day.
fn downloads(as_of: Option<Date>) -> Markup {
    let query = as_of.map_or_else(String::new, |day| format!("?as_of={day}"));
    html! {
        ul.govuk-list data-testid="narrative-downloads" {
            li { a.govuk-link href=(format!("/narrative.docx{query}")) { "Download as a Word document" } }
            li { a.govuk-link href=(format!("/narrative.pdf{query}")) { "Download as a PDF" } }
            li { a.govuk-link href=(format!("/narrative.html{query}")) { "Download as a web page (HTML)" } }
            li { a.govuk-link href=(format!("/narrative.md{query}")) { "Download as Markdown" } }
        }
    }
}

fn render(narrative: &Narrative, as_of: Option<Date>) -> Markup {
    html! {
        (crate::web::widgets::breadcrumbs(&[("/", "Plan")], "Impact narrative"))
        span.govuk-caption-m { "Impact narrative" }
        h1.govuk-heading-l data-testid="narrative-title" { (narrative.title) }
        p.govuk-body {
            "Built from the ledger: every statement cites the events it rests on, listed at the end. "
            "Anyone with the ledger can rebuild it and get the same text."
        }
        (downloads(as_of))
        div.app-narrative {
            (summary(narrative))
            (section(&narrative.opening, 2))
            (section(&narrative.visits, 2))
            @if let Some(risks) = &narrative.plan_risks { (section(risks, 2)) }
            @for weakness in &narrative.weaknesses {
                section id=(format!("weakness-{}", weakness.id)) {
                    h2.govuk-heading-l { (weakness.id) ": " (weakness.title) }
                    p.govuk-body { (claim(&weakness.introduction)) }
                    @if let Some(finding) = &weakness.finding {
                        blockquote.govuk-inset-text { (finding.text) }
                    }
                    @if let Some(outcome) = &weakness.outcome {
                        p.govuk-body { strong { (claim(outcome)) } }
                    }
                    @if let Some(judged) = weakness.judged {
                        p.govuk-body { "The area's own judgement, from its board's latest ratings: " strong { (judged) } }
                    }
                    @if weakness.no_impact_shown {
                        div.govuk-warning-text data-testid=(format!("no-impact-{}", weakness.id)) {
                            span.govuk-warning-text__icon aria-hidden="true" { "!" }
                            strong.govuk-warning-text__text {
                                span.govuk-visually-hidden { "Warning" }
                                "No measure of impact is moving the right way for this finding: completed actions alone do not show that anything has changed for children and families."
                            }
                        }
                    }
                    (actions_table(weakness))
                    (measures_table(weakness))
                    @for part in &weakness.sections { (section(part, 3)) }
                }
            }
            @if let Some(others) = &narrative.other_findings { (section(others, 2)) }
            @if let Some(corrections) = &narrative.corrections { (section(corrections, 2)) }
            h2.govuk-heading-m { "Verification" }
            p.govuk-body { (narrative.verification) }
            h2.govuk-heading-m id="appendix" { "Appendix: the events cited" }
            @if narrative.appendix.is_empty() {
                p.govuk-body { "No event is cited." }
            } @else {
                details.govuk-details open {
                summary.govuk-details__summary { span.govuk-details__summary-text { "The events, with the start of each one's hash, for auditors" } }
                div.govuk-details__text {
                div.app-table-wrapper data-scroll-region tabindex="0" role="region" aria-label="The events cited, scrolls sideways" {
                    table.govuk-table data-testid="appendix" {
                        caption.govuk-table__caption.govuk-visually-hidden { "The events cited" }
                        thead.govuk-table__head { tr.govuk-table__row { th.govuk-table__header scope="col" { "Event" } th.govuk-table__header scope="col" { "Date" } th.govuk-table__header scope="col" { "Kind" } th.govuk-table__header scope="col" { "Recorded by" } th.govuk-table__header scope="col" { "Hash begins" } } }
                        tbody.govuk-table__body {
                            @for event in &narrative.appendix {
                                tr.govuk-table__row id=(format!("event-{}", event.seq)) {
                                    td.govuk-table__cell { a.govuk-link href=(crate::web::timeline::event_href(event.seq)) aria-label=(format!("Event {}", event.seq)) { (event.seq) } }
                                    td.govuk-table__cell { (event.on.long()) }
                                    td.govuk-table__cell {
                                        (event.kind.as_deref().unwrap_or("unknown"))
                                        @for (seq, _) in &event.corrected_by { " (corrected by event " (seq) ")" }
                                    }
                                    td.govuk-table__cell { (event.actor) }
                                    td.govuk-table__cell { code { (event.hash.map(|hash| hash.short()).unwrap_or_default()) } }
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
}

/// The executive summary: what the narrative is judged at, its sentences, and a row per finding.
fn summary(narrative: &Narrative) -> Markup {
    let summary = &narrative.summary;
    html! {
        h2.govuk-heading-m { "Summary" }
        p.govuk-body data-testid="judged-at" { "Judged at " strong { (narrative.judged_at.long()) } "." }
        @for item in &summary.claims { p.govuk-body { (claim(item)) } }
        @if !summary.rows.is_empty() {
            div.app-table-wrapper data-scroll-region tabindex="0" role="region" aria-label="The findings at a glance, scrolls sideways" {
                table.govuk-table data-testid="summary-table" {
                    caption.govuk-table__caption.govuk-table__caption--m { "The findings at a glance" }
                    thead.govuk-table__head { tr.govuk-table__row {
                        th.govuk-table__header scope="col" { "Finding" }
                        th.govuk-table__header scope="col" { "Area's judgement" }
                        th.govuk-table__header scope="col" { "Revisit" }
                        th.govuk-table__header.govuk-table__header--numeric scope="col" { "Actions complete" }
                        th.govuk-table__header.govuk-table__header--numeric scope="col" { "Overdue" }
                        th.govuk-table__header.govuk-table__header--numeric scope="col" { "Measures on course" }
                        th.govuk-table__header.govuk-table__header--numeric scope="col" { "Targets missed" }
                    } }
                    tbody.govuk-table__body {
                        @for row in &summary.rows {
                            tr.govuk-table__row {
                                th.govuk-table__header scope="row" { a.govuk-link href=(format!("#weakness-{}", row.id)) { (row.id) } " " (row.title) }
                                td.govuk-table__cell { (row.judged) }
                                td.govuk-table__cell { (row.outcome.unwrap_or("none yet")) }
                                td.govuk-table__cell.govuk-table__cell--numeric { (row.complete) " of " (row.actions) }
                                td.govuk-table__cell.govuk-table__cell--numeric { (row.overdue) }
                                td.govuk-table__cell.govuk-table__cell--numeric { (row.on_course) " of " (row.measures) }
                                td.govuk-table__cell.govuk-table__cell--numeric { (row.missed) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A finding's actions, a row each (or a row per workstream, when it has too many to list).
fn actions_table(weakness: &wsoa_core::narrative::WeaknessNarrative) -> Markup {
    html! {
        @if !weakness.actions.is_empty() {
            div.app-table-wrapper data-scroll-region tabindex="0" role="region" aria-label=(format!("The actions of {}, scrolls sideways", weakness.id)) {
                table.govuk-table data-testid=(format!("actions-{}", weakness.id)) {
                    caption.govuk-table__caption.govuk-table__caption--m { "Actions" }
                    thead.govuk-table__head { tr.govuk-table__row {
                        th.govuk-table__header scope="col" { "Action" }
                        th.govuk-table__header scope="col" { "Lead" }
                        th.govuk-table__header scope="col" { "Deadline" }
                        th.govuk-table__header scope="col" { "Status" }
                        th.govuk-table__header scope="col" { "RAG" }
                        th.govuk-table__header scope="col" { "Slip" }
                        th.govuk-table__header scope="col" { "Evidence" }
                    } }
                    tbody.govuk-table__body {
                        @for row in &weakness.actions {
                            tr.govuk-table__row {
                                th.govuk-table__header scope="row" { a.govuk-link href=(format!("/actions/{}", row.id)) { (row.id) } " " (row.title) }
                                td.govuk-table__cell { (row.owner) }
                                td.govuk-table__cell {
                                    (row.deadline.clone().unwrap_or_else(|| row.due.long()))
                                    @if row.overdue { " " strong.govuk-tag.govuk-tag--red { "Overdue" } }
                                }
                                td.govuk-table__cell { (crate::web::widgets::status_tag(row.status)) }
                                td.govuk-table__cell { (crate::web::widgets::rag_tag(row.rag)) }
                                td.govuk-table__cell { (row.slip) }
                                td.govuk-table__cell { @if row.evidence.is_empty() { "none" } @else { (row.evidence.join(", ")) } }
                            }
                        }
                    }
                }
            }
        }
        @if !weakness.workstreams.is_empty() {
            table.govuk-table data-testid=(format!("workstreams-{}", weakness.id)) {
                caption.govuk-table__caption.govuk-table__caption--m { "Actions by workstream" }
                thead.govuk-table__head { tr.govuk-table__row {
                    th.govuk-table__header scope="col" { "Workstream" }
                    th.govuk-table__header.govuk-table__header--numeric scope="col" { "Actions" }
                    th.govuk-table__header.govuk-table__header--numeric scope="col" { "Complete" }
                    th.govuk-table__header.govuk-table__header--numeric scope="col" { "Overdue" }
                } }
                tbody.govuk-table__body {
                    @for row in &weakness.workstreams {
                        tr.govuk-table__row {
                            th.govuk-table__header scope="row" { (row.id) " " (row.title) }
                            td.govuk-table__cell.govuk-table__cell--numeric { (row.actions) }
                            td.govuk-table__cell.govuk-table__cell--numeric { (row.complete) }
                            td.govuk-table__cell.govuk-table__cell--numeric { (row.overdue) }
                        }
                    }
                }
            }
        }
    }
}

/// A finding's measures: baseline, trajectory, latest, target and the judgement.
fn measures_table(weakness: &wsoa_core::narrative::WeaknessNarrative) -> Markup {
    html! {
        @if !weakness.measures.is_empty() {
            div.app-table-wrapper data-scroll-region tabindex="0" role="region" aria-label=(format!("The measures of {}, scrolls sideways", weakness.id)) {
                table.govuk-table data-testid=(format!("measures-{}", weakness.id)) {
                    caption.govuk-table__caption.govuk-table__caption--m { "Measures of impact" }
                    thead.govuk-table__head { tr.govuk-table__row {
                        th.govuk-table__header scope="col" { "Measure" }
                        th.govuk-table__header scope="col" { "Baseline" }
                        th.govuk-table__header scope="col" { "Trajectory" }
                        th.govuk-table__header scope="col" { "Latest" }
                        th.govuk-table__header scope="col" { "Target" }
                        th.govuk-table__header scope="col" { "Judgement" }
                    } }
                    tbody.govuk-table__body {
                        @for row in &weakness.measures {
                            tr.govuk-table__row {
                                th.govuk-table__header scope="row" { (row.id) " " (row.title) " (" (row.unit) ")" }
                                td.govuk-table__cell { (row.baseline) " on " (row.baseline_on.long()) }
                                td.govuk-table__cell { @if row.trajectory.is_empty() { "none" } @else { (row.trajectory.join("; ")) } }
                                td.govuk-table__cell { @match &row.latest { Some((value, on)) => { (value) " on " (on.long()) } None => { "no value yet" } } }
                                td.govuk-table__cell { (row.target) " by " (row.target_by.long()) }
                                td.govuk-table__cell { (row.judgement) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn section(section: &Section, level: u8) -> Markup {
    html! {
        @if level == 2 { h2.govuk-heading-m { (section.heading) } } @else { h3.govuk-heading-s { (section.heading) } }
        @let cited = section.claims.iter().any(|claim| !claim.cites.is_empty());
        @if cited && section.claims.len() > 1 {
            ul.govuk-list.govuk-list--bullet { @for item in &section.claims { li { (claim(item)) } } }
        } @else {
            @for item in &section.claims { p.govuk-body { (claim(item)) } }
        }
    }
}

fn claim(claim: &Claim) -> Markup {
    html! {
        (claim.text)
        @if !claim.cites.is_empty() {
            " "
            span.app-cites {
                "(" @if claim.cites.len() == 1 { "event " } @else { "events " }
                @for (i, cite) in claim.cites.iter().enumerate() {
                    @if i > 0 { ", " }
                    a.govuk-link href=(format!("#event-{}", cite.seq)) { (cite.seq) }
                }
                ")"
            }
        }
    }
}

async fn document(
    state: &AppState,
    query: Vec<(String, String)>,
) -> Result<(Narrative, Source, String), WebError> {
    let (as_of, _) = day_asked(query)?;
    let (narrative, source) = narrative(state, as_of).await?.ok_or_else(|| {
        WebError::NotFound(
            "The ledger has no events by then, so there is no narrative to download.".to_owned(),
        )
    })?;
    let stem = as_of.map_or_else(|| "narrative".to_owned(), |day| format!("narrative-{day}"));
    Ok((narrative, source, stem))
}

/// `GET /narrative.html`: the narrative as a self-contained web page, to keep or send.
pub async fn download_html(
    State(state): State<AppState>,
    _user: Signed,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (narrative, _, stem) = document(&state, query).await?;
    let mut response = download(
        narrative.to_html().into_bytes(),
        "text/html; charset=utf-8",
        &format!("{stem}.html"),
    );
    // Its own inline stylesheet, and nothing else, may apply if it is opened from here.
    response.headers_mut().insert(
        "content-security-policy",
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
    );
    Ok(response)
}

/// `GET /narrative.md`: the narrative as Markdown.
pub async fn download_markdown(
    State(state): State<AppState>,
    _user: Signed,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (narrative, _, stem) = document(&state, query).await?;
    Ok(download(
        narrative.to_markdown().into_bytes(),
        "text/markdown; charset=utf-8",
        &format!("{stem}.md"),
    ))
}

/// `GET /narrative.docx`: the narrative as the Word document `wsoa narrative --format docx`
/// writes.
pub async fn download_word(
    State(state): State<AppState>,
    _user: Signed,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (narrative, source, stem) = document(&state, query).await?;
    let bytes = tokio::task::spawn_blocking(move || {
        wsoa_papers::docx::document(&narrative, &source).map_err(ApiError::internal)
    })
    .await??;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &format!("{stem}.docx"),
    ))
}

/// Held while a PDF is printed.
static PRINTING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// `GET /narrative.pdf`: the narrative's HTML printed to PDF by headless Chromium on the server,
/// as `wsoa narrative --format pdf` does; where the server has no Chromium, a 503 that says to
/// print the HTML download instead.
pub async fn download_pdf(
    State(state): State<AppState>,
    _user: Signed,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let browser = wsoa_papers::pdf::browser().map_err(|_| {
        ApiError::unavailable(
            "This server cannot make PDFs: it has no Chromium browser to print with. Download the narrative as a web page (HTML) and print it to PDF from your browser, or ask the server's operator to install Chromium",
        )
    })?;
    let (narrative, _, stem) = document(&state, query).await?;
    let html = narrative.to_html();
    // One browser at a time: each takes hundreds of megabytes, so requests for PDFs queue rather
    // than start a browser each.
    let _printing = PRINTING
        .acquire()
        .await
        .map_err(|_| ApiError::unavailable("the server is shutting down"))?;
    let bytes = tokio::task::spawn_blocking(move || {
        wsoa_papers::pdf::print(&browser, &html).map_err(ApiError::internal)
    })
    .await??;
    Ok(download(bytes, "application/pdf", &format!("{stem}.pdf")))
}
