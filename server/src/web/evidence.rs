//! `/evidence`: every piece of evidence attached, with what it supports and a download link
//! (and, below, the evidence packs sent: `web::packs`);
//! redacted evidence is shown as such ("Redacted on DATE by NAME: reason"), without a link.
//! `/evidence/{id}/download` streams the content from the store, byte for byte as attached.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use wsoa_core::plan::EvidenceView;
use wsoa_core::point::Point;
use wsoa_core::{EvidenceId, Subject};

use crate::auth::Permission;
use crate::state::{AppState, today};
use crate::web::input::{Fields, FormState};
use crate::web::layout::{Nav, page as layout_page};
use crate::web::widgets::{self, Control, DateField, Field, error_summary_for, size};
use crate::web::{Signed, WebError, html_response};

/// `GET /evidence`: the list.
pub async fn page(State(state): State<AppState>, user: Signed) -> Result<Response, WebError> {
    let (evidence, packs) = state
        .fold(|reader| {
            let plan = reader.plan_at(Point::Now)?.0;
            Ok((plan.evidence, plan.packs))
        })
        .await?;
    let content = html! {
        (crate::web::widgets::breadcrumbs(&[("/", "Plan")], "Evidence"))
        h1.govuk-heading-l { "Evidence" }
        p.govuk-body {
            "Every file attached as evidence, in the order attached. Only each file's hash is in the ledger's history, so a file's content can be redacted for data protection without breaking verification."
        }
        @if user.can(Permission::Record) {
            p.govuk-body { a.govuk-link href="/evidence/new" data-testid="attach-evidence" { "Attach evidence to an area of weakness, a workstream, an action or a measure" } }
        }
        @if evidence.is_empty() {
            p.govuk-inset-text { "No evidence has been attached yet." }
        } @else {
            div.app-table-wrapper data-scroll-region tabindex="0" role="region" aria-label="Evidence, scrolls sideways" {
                table.govuk-table data-testid="evidence" {
                    caption.govuk-table__caption.govuk-visually-hidden { "Evidence" }
                    thead.govuk-table__head {
                        tr.govuk-table__row {
                            th.govuk-table__header scope="col" { "Id" }
                            th.govuk-table__header scope="col" { "What it is" }
                            th.govuk-table__header scope="col" { "Supports" }
                            th.govuk-table__header scope="col" { "Attached" }
                            th.govuk-table__header scope="col" { "File" }
                        }
                    }
                    tbody.govuk-table__body {
                        @for item in &evidence {
                            tr.govuk-table__row id=(format!("evidence-{}", item.id)) data-testid=(format!("evidence-row-{}", item.id)) {
                                td.govuk-table__cell { (item.id) }
                                td.govuk-table__cell { (item.title) br; span.app-meta { (widgets::sentence_case(&item.kind.label())) } }
                                td.govuk-table__cell { (supports(&item.supports)) }
                                td.govuk-table__cell { (widgets::date(item.cite.on)) br; span.app-meta { "by " (item.cite.by) ", " a.govuk-link href=(crate::web::timeline::event_href(item.cite.seq)) { "event " (item.cite.seq) } } }
                                td.govuk-table__cell { (file_cell(item)) }
                            }
                        }
                    }
                }
            }
        }
        (crate::web::packs::list(&packs, user.can(Permission::Record)))
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
                Subject::Action(id) => a.govuk-link href=(format!("/actions/{id}")) { "action " (id) },
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
                p.govuk-body-s data-testid="redacted" {
                    (widgets::tag(widgets::Colour::Purple, "Redacted"))
                    " Redacted on " (cite.on.long()) " by " (cite.by) ": " (reason)
                }
                span.app-meta { (item.file_name) ", " (size(item.size)) }
                details.govuk-details {
                    summary.govuk-details__summary { span.govuk-details__summary-text { "For auditors: the file's fingerprint" } }
                    div.govuk-details__text {
                        "The history keeps the file's BLAKE3 hash, which begins "
                        span.app-hash { (item.content_hash.short()) }
                        ", so the redacted file can still be checked if a copy turns up."
                    }
                }
            }
            None => {
                a.govuk-link href=(format!("/evidence/{}/download", item.id)) download=(item.file_name) data-testid=(format!("download-{}", item.id)) {
                    "Download " (item.file_name)
                    span.govuk-visually-hidden { " (evidence " (item.id) ")" }
                }
                br;
                span.app-meta { (size(item.size)) ", " (item.media_type) }
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

/// What evidence can support, for the form's list: every weakness or finding, workstream,
/// action and measure, as `kind:id` with its title.
fn subjects(plan: &wsoa_core::plan::Plan) -> Vec<(String, String)> {
    let mut choices = vec![(String::new(), "Choose what it supports".to_owned())];
    choices.extend(plan.weaknesses.iter().map(|w| {
        (
            format!("weakness:{}", w.id),
            format!(
                "{} {}: {}",
                crate::web::findings::finding_name(w.kind),
                w.id,
                w.title
            ),
        )
    }));
    choices.extend(plan.workstreams.iter().map(|ws| {
        (
            format!("workstream:{}", ws.id),
            format!("Workstream {}: {}", ws.id, ws.title),
        )
    }));
    choices.extend(plan.actions.iter().map(|a| {
        (
            format!("action:{}", a.id),
            format!("Action {}: {}", a.id, a.title),
        )
    }));
    choices.extend(plan.measures.iter().map(|m| {
        (
            format!("measure:{}", m.id),
            format!("Measure {}: {}", m.id, m.title),
        )
    }));
    choices
}

fn form_page(user: &Signed, plan: &wsoa_core::plan::Plan, form: &FormState) -> Markup {
    let field = |name: &str, label: &str, hint: Option<&str>, control: Control| {
        let id = format!("evidence-{name}");
        widgets::field(&Field {
            id: &id,
            name,
            label,
            hint,
            error: form.error(name),
            value: form.value(name),
            control,
        })
    };
    html! {
        (widgets::back_link("/evidence", "Back to the evidence"))
        (error_summary_for(&form.errors, "evidence-"))
        h1.govuk-heading-l { "Attach evidence" }
        p.govuk-body { "A document that shows progress on an area of weakness or a finding, a workstream, an action or a measure. The file is kept; the history keeps its fingerprint, so it can be checked later." }
        form #evidence-form method="post" action="/evidence/new" enctype="multipart/form-data" novalidate {
            input type="hidden" name="csrf" value=(user.csrf);
            (field("supports", "What it supports", None, Control::Select(subjects(plan))))
            (field("title", "What it is", Some("For example, Minutes of the SEND Improvement Board, 23 September 2021"), Control::Text))
            (field("kind", "Kind of document", None, Control::Select(widgets::choices(wsoa_core::event::EvidenceKind::WORDS))))
            (widgets::date_input(&DateField {
                id: "evidence-on",
                name: "on",
                legend: "When it happened",
                hint: Some("The day of the document, for example 23 9 2021. It cannot be in the future."),
                error: form.error("on"),
                values: form.date_values("on"),
            }))
            (widgets::field(&Field { id: "evidence-file", name: "file", label: "File",
                hint: Some("Keep personal data about children out of evidence where you can: its content can be redacted later."),
                error: form.error("file"), value: "", control: Control::File }))
            div.govuk-button-group {
                button.govuk-button type="submit" data-module="govuk-button" data-testid="submit-evidence" { "Attach the file" }
                a.govuk-link href="/evidence" { "Cancel" }
            }
        }
    }
}

/// `GET /evidence/new`, and `?supports=KIND:ID` to start with it chosen.
pub async fn new_page(
    State(state): State<AppState>,
    user: Signed,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.require_record()?;
    let chosen = Fields::new(query).get("supports").to_owned();
    let mut form = FormState::fresh(&[("kind", "document".to_owned()), ("supports", chosen)])?;
    form.set_date("on", today()?);
    form_again(&state, &user, form, StatusCode::OK).await
}

/// The evidence form with what was typed and the problems found.
pub async fn form_again(
    state: &AppState,
    user: &Signed,
    form: FormState,
    status: StatusCode,
) -> Result<Response, WebError> {
    let plan = state
        .fold(|reader| Ok(reader.plan_at(Point::Now)?.0))
        .await?;
    let title = if form.errors.is_empty() {
        "Attach evidence"
    } else {
        "Error: Attach evidence"
    };
    Ok(html_response(
        status,
        layout_page(title, user, Nav::Evidence, form_page(user, &plan, &form)),
    ))
}
