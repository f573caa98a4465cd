//! `/narrative`: the impact narrative for the revisit, weakness by weakness, every statement
//! linked to the events it rests on (listed in the appendix), with downloads of the same
//! document as a self-contained HTML page (`/narrative.html`, from core's escaping renderer) and
//! as Markdown (`/narrative.md`).
//!
//! The page renders the narrative's sections itself, in the site's own page, rather than
//! embedding core's HTML page: one document outline, one stylesheet, and no second escaping
//! question (every value goes through `maud` once).

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use wsoa_core::narrative::{Claim, Narrative, Section};
use wsoa_core::point::Point;

use crate::state::AppState;
use crate::web::layout::{Nav, page as layout_page};
use crate::web::{Signed, WebError, html_response};

/// Reads the narrative now, or `None` when the ledger has nothing to narrate.
async fn narrative(state: &AppState) -> Result<Option<Narrative>, WebError> {
    Ok(state
        .fold(|reader| match reader.narrative_at(Point::Now) {
            Ok((narrative, _)) => Ok(Some(narrative)),
            Err(wsoa_store::StoreError::Query(_)) => Ok(None),
            Err(err) => Err(err.into()),
        })
        .await?)
}

/// `GET /narrative`.
pub async fn page(State(state): State<AppState>, user: Signed) -> Result<Response, WebError> {
    let content = match narrative(&state).await? {
        None => html! {
            (crate::web::widgets::breadcrumbs(&[("/", "Plan")], "Impact narrative"))
            h1.heading-l { "Impact narrative" }
            p.body.inset { "The ledger has no events yet, so there is nothing to narrate." }
        },
        Some(narrative) => render(&narrative),
    };
    Ok(html_response(
        StatusCode::OK,
        layout_page("Impact narrative", &user, Nav::Narrative, content),
    ))
}

fn render(narrative: &Narrative) -> Markup {
    html! {
        (crate::web::widgets::breadcrumbs(&[("/", "Plan")], "Impact narrative"))
        span.caption { "Impact narrative" }
        h1.heading-l data-testid="narrative-title" { (narrative.title) }
        p.body {
            "Built from the ledger: every statement cites the events it rests on, listed at the end. "
            "Anyone with the ledger can rebuild it and get the same text."
        }
        ul.list.list--plain data-testid="narrative-downloads" {
            li { a href="/narrative.html" download="narrative.html" { "Download as a web page (HTML)" } }
            li { a href="/narrative.md" download="narrative.md" { "Download as Markdown" } }
        }
        div.narrative {
            (section(&narrative.opening, 2))
            (section(&narrative.visits, 2))
            @if let Some(risks) = &narrative.plan_risks { (section(risks, 2)) }
            @for weakness in &narrative.weaknesses {
                section id=(format!("weakness-{}", weakness.id)) {
                    h2.heading-l { (weakness.id) ": " (weakness.title) }
                    p.body { (claim(&weakness.introduction)) }
                    @if let Some(finding) = &weakness.finding {
                        blockquote.inset { (finding.text) }
                    }
                    @if let Some(outcome) = &weakness.outcome {
                        p.body { strong { (claim(outcome)) } }
                    }
                    @for part in &weakness.sections { (section(part, 3)) }
                }
            }
            @if let Some(corrections) = &narrative.corrections { (section(corrections, 2)) }
            h2.heading-m { "Verification" }
            p.body { (narrative.verification) }
            h2.heading-m id="appendix" { "Appendix: the events cited" }
            @if narrative.appendix.is_empty() {
                p.body { "No event is cited." }
            } @else {
                details open {
                summary { "The events, with the start of each one's hash, for auditors" }
                div.table-wrapper data-scroll-region tabindex="0" role="region" aria-label="The events cited, scrolls sideways" {
                    table.table data-testid="appendix" {
                        caption.visually-hidden { "The events cited" }
                        thead { tr { th scope="col" { "Event" } th scope="col" { "Date" } th scope="col" { "Kind" } th scope="col" { "Recorded by" } th scope="col" { "Hash begins" } } }
                        tbody {
                            @for event in &narrative.appendix {
                                tr id=(format!("event-{}", event.seq)) {
                                    td { a.link href=(crate::web::timeline::event_href(event.seq)) aria-label=(format!("Event {}", event.seq)) { (event.seq) } }
                                    td { (event.on.long()) }
                                    td {
                                        (event.kind.as_deref().unwrap_or("unknown"))
                                        @for (seq, _) in &event.corrected_by { " (corrected by event " (seq) ")" }
                                    }
                                    td { (event.actor) }
                                    td { code { (event.hash.map(|hash| hash.short()).unwrap_or_default()) } }
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

fn section(section: &Section, level: u8) -> Markup {
    html! {
        @if level == 2 { h2.heading-m { (section.heading) } } @else { h3.heading-s { (section.heading) } }
        @let cited = section.claims.iter().any(|claim| !claim.cites.is_empty());
        @if cited && section.claims.len() > 1 {
            ul.list { @for item in &section.claims { li { (claim(item)) } } }
        } @else {
            @for item in &section.claims { p.body { (claim(item)) } }
        }
    }
}

fn claim(claim: &Claim) -> Markup {
    html! {
        (claim.text)
        @if !claim.cites.is_empty() {
            " "
            span.cites {
                "(" @if claim.cites.len() == 1 { "event " } @else { "events " }
                @for (i, cite) in claim.cites.iter().enumerate() {
                    @if i > 0 { ", " }
                    a href=(format!("#event-{}", cite.seq)) { (cite.seq) }
                }
                ")"
            }
        }
    }
}

fn download(body: String, content_type: &'static str, file_name: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static(file_name),
    );
    response
}

async fn document(state: &AppState) -> Result<Narrative, WebError> {
    narrative(state).await?.ok_or_else(|| {
        WebError::NotFound(
            "The ledger has no events yet, so there is no narrative to download.".to_owned(),
        )
    })
}

/// `GET /narrative.html`: the narrative as a self-contained web page, to keep or send.
pub async fn download_html(
    State(state): State<AppState>,
    _user: Signed,
) -> Result<Response, WebError> {
    let narrative = document(&state).await?;
    let mut response = download(
        narrative.to_html(),
        "text/html; charset=utf-8",
        "attachment; filename=\"narrative.html\"",
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
) -> Result<Response, WebError> {
    let narrative = document(&state).await?;
    Ok(download(
        narrative.to_markdown(),
        "text/markdown; charset=utf-8",
        "attachment; filename=\"narrative.md\"",
    ))
}
