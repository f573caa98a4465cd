//! `/evidence`: every piece of evidence attached, with what it supports and a download link;
//! redacted evidence is shown as such ("Redacted on DATE by NAME: reason"), without a link.
//! `/evidence/{id}/download` streams the content from the store, byte for byte as attached.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use wsoa_core::plan::EvidenceView;
use wsoa_core::point::Point;
use wsoa_core::{EvidenceId, Subject};

use crate::state::AppState;
use crate::web::layout::{Nav, page as layout_page};
use crate::web::widgets::{self, size};
use crate::web::{Signed, WebError, html_response};

/// `GET /evidence`: the list.
pub async fn page(State(state): State<AppState>, user: Signed) -> Result<Response, WebError> {
    let evidence = state
        .fold(|reader| Ok(reader.plan_at(Point::Now)?.0.evidence))
        .await?;
    let content = html! {
        (crate::web::widgets::breadcrumbs(&[("/", "Plan")], "Evidence"))
        h1.heading-l { "Evidence" }
        p.body {
            "Every file attached as evidence, in the order attached. Only each file's hash is in the ledger's history, so a file's content can be redacted for data protection without breaking verification."
        }
        @if evidence.is_empty() {
            p.body.inset { "No evidence has been attached yet." }
        } @else {
            div.table-wrapper data-scroll-region tabindex="0" role="region" aria-label="Evidence, scrolls sideways" {
                table.table data-testid="evidence" {
                    caption.visually-hidden { "Evidence" }
                    thead {
                        tr {
                            th scope="col" { "Id" }
                            th scope="col" { "What it is" }
                            th scope="col" { "Supports" }
                            th scope="col" { "Attached" }
                            th scope="col" { "File" }
                        }
                    }
                    tbody {
                        @for item in &evidence {
                            tr id=(format!("evidence-{}", item.id)) data-testid=(format!("evidence-row-{}", item.id)) {
                                td { (item.id) }
                                td { (item.title) br; span.meta { (widgets::sentence_case(&item.kind.label())) } }
                                td { (supports(&item.supports)) }
                                td { (widgets::date(item.cite.on)) br; span.meta { "by " (item.cite.by) ", event " (item.cite.seq) } }
                                td { (file_cell(item)) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(html_response(
        StatusCode::OK,
        layout_page("Evidence", &user, Nav::Evidence, content),
    ))
}

/// What a piece of evidence supports, with links to actions' pages.
pub fn supports(subjects: &[Subject]) -> Markup {
    html! {
        @for (i, subject) in subjects.iter().enumerate() {
            @if i > 0 { ", " }
            @match subject {
                Subject::Action(id) => a href=(format!("/actions/{id}")) { "action " (id) },
                other => (other.to_string()),
            }
        }
    }
}

/// The file's name, size and a download link, or the redaction that removed its content.
pub fn file_cell(item: &EvidenceView) -> Markup {
    html! {
        @match &item.redacted {
            Some((reason, cite)) => {
                p.body-s data-testid="redacted" {
                    (widgets::tag(widgets::Colour::Purple, "Redacted"))
                    " Redacted on " (cite.on.long()) " by " (cite.by) ": " (reason)
                }
                span.meta { (item.file_name) ", " (size(item.size)) }
                details {
                    summary { "For auditors: the file's fingerprint" }
                    div {
                        "The history keeps the file's BLAKE3 hash, which begins "
                        span.hash { (item.content_hash.short()) }
                        ", so the redacted file can still be checked if a copy turns up."
                    }
                }
            }
            None => {
                a href=(format!("/evidence/{}/download", item.id)) download=(item.file_name) data-testid=(format!("download-{}", item.id)) {
                    "Download " (item.file_name)
                    span.visually-hidden { " (evidence " (item.id) ")" }
                }
                br;
                span.meta { (size(item.size)) ", " (item.media_type) }
            }
        }
    }
}

/// `GET /evidence/{id}/download`: the content as attached, as a download.
pub async fn download(
    State(state): State<AppState>,
    _user: Signed,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id: EvidenceId = id
        .parse()
        .map_err(|_| WebError::NotFound(format!("There is no evidence '{id}'.")))?;
    let found = state
        .fold(move |reader| {
            let (plan, _) = reader.plan_at(Point::Now)?;
            Ok(plan.evidence_item(id.as_str()).cloned())
        })
        .await?;
    let item = found.ok_or_else(|| {
        WebError::NotFound("There is no evidence with that id; see the evidence page.".to_owned())
    })?;
    if let Some((reason, cite)) = &item.redacted {
        return Ok(crate::web::error_page(
            StatusCode::GONE,
            "This evidence was redacted",
            &format!(
                "The content of evidence {} was redacted on {} by {}: {reason}. Its hash stays in the ledger.",
                item.id,
                cite.on.long(),
                cite.by
            ),
        ));
    }
    crate::api::evidence::download(
        &state,
        item.content_hash,
        &item.media_type,
        &item.file_name,
        item.size,
    )
    .map_err(WebError::Api)
}
