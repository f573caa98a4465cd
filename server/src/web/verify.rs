//! `/verify`: is the history whole and unaltered? The page shows the ledger's head and Merkle
//! root, the latest kept signed checkpoint with its signatures, the checkpoints recorded in the
//! ledger, and the plain-English report of the last full verification run on this server.
//! Auditors (and admins) have a button that runs a full verification now: every event re-hashed
//! and re-linked, the Merkle tree recomputed, every piece of evidence re-checked and every kept
//! checkpoint's root compared. It runs on the blocking pool; the result is kept for everyone's
//! page, and the auditor is redirected (303) to it.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use wsoa_core::plan::CheckpointView;
use wsoa_core::point::Point;

use crate::auth::Permission;
use crate::state::{AppState, now_millis};
use crate::web::input::Fields;
use crate::web::layout::{Nav, page as layout_page};
use crate::web::widgets::{self, Colour, tag};
use crate::web::{Signed, WebError, html_response};

/// One full verification run, as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerificationRun {
    /// When it finished, Unix milliseconds.
    pub at: i64,
    /// Who ran it.
    pub by: String,
    /// Whether the ledger verified.
    pub intact: bool,
    /// The plain-English report (or what is wrong, naming the first bad event).
    pub report: String,
}

/// A kept checkpoint as the page shows it.
struct Kept {
    size: u64,
    note: String,
    origin: Option<String>,
    root: Option<String>,
    signatures: Vec<(String, String)>,
}

struct Facts {
    events: u64,
    head: String,
    root: Option<String>,
    kept: Option<Kept>,
    kept_count: usize,
    recorded: Vec<CheckpointView>,
}

/// `GET /verify`.
pub async fn page(State(state): State<AppState>, user: Signed) -> Result<Response, WebError> {
    let facts = state
        .read(|reader| {
            let head = reader.head()?;
            let root = if head.len > 0 {
                Some(reader.merkle_root(head.len)?.to_hex())
            } else {
                None
            };
            let checkpoints = reader.checkpoints()?;
            let kept_count = checkpoints.len();
            let kept = checkpoints.into_iter().last().map(|(size, note)| {
                let parsed = wsoa_core::note::Note::parse(&note).ok();
                let checkpoint = parsed
                    .as_ref()
                    .and_then(|parsed| wsoa_core::note::Checkpoint::parse(parsed.text()).ok());
                Kept {
                    size,
                    origin: checkpoint.as_ref().map(|c| c.origin.clone()),
                    root: checkpoint.as_ref().map(|c| c.root.to_hex()),
                    signatures: parsed
                        .map(|parsed| {
                            parsed
                                .signatures()
                                .iter()
                                .map(|s| (s.name.clone(), format!("{:08x}", s.key_id)))
                                .collect()
                        })
                        .unwrap_or_default(),
                    note,
                }
            });
            let recorded = reader.plan_at(Point::Now)?.0.checkpoints;
            Ok(Facts {
                events: head.len,
                head: head.hash.to_hex(),
                root,
                kept,
                kept_count,
                recorded,
            })
        })
        .await?;
    let last = state.web().last_verification();
    let content = render(&user, &facts, last.as_ref());
    Ok(html_response(
        StatusCode::OK,
        layout_page("Verification", &user, Nav::Verify, content),
    ))
}

fn render(user: &Signed, facts: &Facts, last: Option<&VerificationRun>) -> Markup {
    html! {
        (crate::web::widgets::breadcrumbs(&[("/", "Plan")], "Verification"))
        h1.govuk-heading-l { "Verification" }
        p.govuk-body {
            "Verification proves that nothing in the ledger was edited, deleted or reordered: every event is re-hashed and re-linked to the one before it, the Merkle tree is recomputed from the events, every piece of evidence is checked against its hash, and every kept signed checkpoint is compared with the tree. "
            "Anyone can do the same offline with " code { "wsoa verify" } "."
        }
        h2.govuk-heading-m id="last-verification" { "Last full verification" }
        @match last {
            Some(run) => {
                div data-testid="verification-result" {
                    p.govuk-body {
                        @if run.intact { (tag(Colour::Green, "Intact")) } @else { (tag(Colour::Red, "Failed")) }
                        " Run by " (run.by) " on " (widgets::recorded(run.at)) "."
                    }
                    p.govuk-body data-testid="verification-report" { (run.report) }
                }
            }
            None => p.govuk-body data-testid="verification-result" { "No full verification has been run on this server since it started." }
        }
        @if user.can(Permission::Audit) {
            form #verify-form method="post" action="/verify" {
                input type="hidden" name="csrf" value=(user.csrf);
                button.govuk-button type="submit" data-module="govuk-button" data-testid="run-verification" { "Run full verification" }
            }
        }
        h2.govuk-heading-m id="downloads" { "Check it yourself" }
        p.govuk-body { "Take a copy and check it offline with " code { "wsoa verify FILE" } ", on a computer that does not trust this server." }
        ul.govuk-list.govuk-list--bullet data-testid="verify-downloads" {
            @if user.can(Permission::Audit) {
                li { a.govuk-link href="/verify/bundle" download="ledger.wsoa" data-testid="download-bundle" { "Download the whole ledger as a bundle" } " (every event, the evidence files and the signed checkpoints, in one file)" }
            }
            @if facts.kept.is_some() {
                li { a.govuk-link href="/verify/checkpoint" download="checkpoint.txt" data-testid="download-checkpoint" { "Download the latest signed checkpoint" } " (a signed note pinning the history; keep it, and later check any copy against it)" }
            }
        }
        @if !user.can(Permission::Audit) {
            p.govuk-body.app-secondary { "The whole ledger can be downloaded by auditors and admins." }
        }
        h2.govuk-heading-m { "The ledger now" }
        dl.govuk-summary-list data-testid="ledger-facts" {
            (widgets::row("Events", html! { (facts.events) }))
            (widgets::row("Head hash (BLAKE3 chain)", html! { span.app-hash { (facts.head) } }))
            (widgets::row("Merkle root (RFC 6962, SHA-256)", html! {
                @match &facts.root { Some(root) => span.app-hash { (root) }, None => "None: the ledger is empty" }
            }))
        }
        h2.govuk-heading-m { "Latest signed checkpoint" }
        @match &facts.kept {
            None => p.govuk-body data-testid="checkpoint" { "No signed checkpoint has been kept yet. An auditor signs one with " code { "wsoa checkpoint --key FILE" } "." }
            Some(kept) => {
                p.govuk-body { (facts.kept_count) " kept in all; the latest pins the first " (kept.size) " events." }
                dl.govuk-summary-list data-testid="checkpoint" {
                    (widgets::row("Ledger", html! { (kept.origin.as_deref().unwrap_or("unreadable")) }))
                    (widgets::row("Events pinned", html! { (kept.size) }))
                    (widgets::row("Root", html! { span.app-hash { (kept.root.as_deref().unwrap_or("unreadable")) } }))
                    (widgets::row("Signatures", html! {
                        @if kept.signatures.is_empty() { "None readable" }
                        @else {
                            ul.govuk-list {
                                @for (name, key) in &kept.signatures { li { (name) " (key " code { (key) } ")" } }
                            }
                        }
                    }))
                }
                details.govuk-details {
                    summary.govuk-details__summary { span.govuk-details__summary-text { "The signed note" } }
                    div.govuk-details__text { pre.app-note { (kept.note) } }
                }
                p.govuk-body.app-secondary { "Check the signatures against the signers' public keys with " code { "wsoa verify --key" } "; this page shows who signed, not whether you trust them." }
            }
        }
        @if !facts.recorded.is_empty() {
            h2.govuk-heading-m { "Checkpoints recorded in the ledger" }
            div.app-table-wrapper data-scroll-region tabindex="0" role="region" aria-label="Checkpoints recorded in the ledger, scrolls sideways" {
                table.govuk-table {
                    caption.govuk-table__caption.govuk-visually-hidden { "Checkpoints recorded in the ledger" }
                    thead.govuk-table__head { tr.govuk-table__row { th.govuk-table__header scope="col" { "Event" } th.govuk-table__header scope="col" { "Events pinned" } th.govuk-table__header scope="col" { "Signed by" } th.govuk-table__header scope="col" { "Root begins" } } }
                    tbody.govuk-table__body {
                        @for checkpoint in &facts.recorded {
                            tr.govuk-table__row {
                                td.govuk-table__cell { a.govuk-link href=(crate::web::timeline::event_href(checkpoint.cite.seq)) { (checkpoint.cite.seq) } }
                                td.govuk-table__cell { (checkpoint.size) }
                                td.govuk-table__cell { (checkpoint.signers.join(", ")) }
                                td.govuk-table__cell { code { (checkpoint.root.short()) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `POST /verify` (auditors and admins): runs the full verification and shows its report.
pub async fn run(
    State(state): State<AppState>,
    user: Signed,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    if !user.can(Permission::Audit) {
        return Err(WebError::Forbidden(format!(
            "You are signed in as {} with the role {}. Running a full verification needs an auditor's or an admin's token; anyone can run `wsoa verify` on a copy of the ledger.",
            user.name, user.role
        )));
    }
    let fields = Fields::from_form(form)?;
    user.check_csrf(Some(fields.get("csrf")))?;
    let (intact, report) = state
        .fold(|reader| {
            // The walk checks every kept checkpoint (origin, size, root at its size) itself.
            Ok(match reader.verify() {
                Ok(report) => (true, report.to_string()),
                Err(err) => (
                    false,
                    match err.seq {
                        Some(seq) => format!(
                            "The ledger does not verify. The first bad event is {seq}: {err}"
                        ),
                        None => format!("The ledger does not verify: {err}"),
                    },
                ),
            })
        })
        .await?;
    state.web().remember_verification(VerificationRun {
        at: now_millis()?,
        by: user.name.clone(),
        intact,
        report,
    });
    user.flash(
        &state,
        if intact {
            "Verification finished: the ledger is intact.".to_owned()
        } else {
            "Verification finished: the ledger does not verify. See the report.".to_owned()
        },
    );
    Ok(Redirect::to("/verify#last-verification").into_response())
}

/// `GET /verify/bundle` (auditors and admins): the whole ledger as a bundle file, to verify
/// offline with `wsoa verify FILE`.
pub async fn bundle(State(state): State<AppState>, user: Signed) -> Result<Response, WebError> {
    if !user.can(Permission::Audit) {
        return Err(WebError::Forbidden(format!(
            "You are signed in as {} with the role {}. Downloading the whole ledger needs an auditor's or an admin's token.",
            user.name, user.role
        )));
    }
    Ok(crate::api::audit::bundle_download(&state))
}

/// `GET /verify/checkpoint`: the latest kept signed checkpoint, as the text of its note.
pub async fn checkpoint(
    State(state): State<AppState>,
    _user: Signed,
) -> Result<Response, WebError> {
    let note = state
        .read(|reader| Ok(reader.checkpoints()?.pop().map(|(_, note)| note)))
        .await?;
    let Some(note) = note else {
        return Err(WebError::NotFound(
            "No signed checkpoint has been kept yet, so there is none to download.".to_owned(),
        ));
    };
    let mut response = note.into_response();
    let headers = response.headers_mut();
    headers.insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(
        axum::http::header::CONTENT_DISPOSITION,
        axum::http::HeaderValue::from_static("attachment; filename=\"checkpoint.txt\""),
    );
    Ok(response)
}
