//! Evidence packs on the pages: the list of packs sent (for what, to whom, the cut-off, the
//! events held, the file's name, and behind a details element its hash and size), and the
//! officers' form that makes one, as `wsoa pack` does: the server cuts a bundle of the ledger as
//! known at the end of the cut-off day (`Reader::export_prefix`: its events, the evidence content
//! they attach, the checkpoints kept by then) into a temporary file, hashes the whole file,
//! records `PackSent` through the writer with the session's actor, and only then answers with
//! the file as a download. A refused pack records nothing and its file is dropped.

use std::io::{Read, Seek, SeekFrom, Write};

use axum::body::Body;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use wsoa_core::Digest;
use wsoa_core::event::{EventBody, PackSent};
use wsoa_core::plan::PackView;
use wsoa_core::point::Point;
use wsoa_core::{Command, Rejection};

use crate::api::read::tokio_stream_from;
use crate::error::ApiError;
use crate::state::{AppState, today};
use crate::web::forms::{FormPage, date, render, text};
use crate::web::input::{self, Errors, FormState, field_named, refusal, submit};
use crate::web::widgets::{self, Control};
use crate::web::{Signed, WebError};

/// The packs sent, newest last, for the evidence page.
pub fn list(packs: &[PackView], can_make: bool) -> Markup {
    html! {
        section #packs aria-labelledby="packs-heading" data-testid="packs" {
            h2.govuk-heading-l #packs-heading { "Evidence packs sent" }
            p.govuk-body { "A pack is the ledger as it was known at the end of its cut-off day, in one file that anyone can verify, sent before a review or a visit. Its hash is kept, so anyone can later prove exactly what was sent." }
            @if can_make {
                p.govuk-body { a.govuk-link href="/packs/new" data-testid="make-pack" { "Make an evidence pack" } }
            }
            @if packs.is_empty() {
                p.govuk-inset-text { "No evidence pack has been recorded as sent yet." }
            } @else {
                div.app-table-wrapper data-scroll-region tabindex="0" role="region" aria-label="Evidence packs sent, scrolls sideways" {
                    // On a narrow screen each row stacks (see `.table--stack`), each cell saying
                    // what it is; the roles keep it a table for screen readers.
                    table.govuk-table.app-table--stack data-testid="packs-table" role="table" {
                        caption.govuk-table__caption.govuk-visually-hidden { "Evidence packs sent" }
                        thead role="rowgroup" {
                            tr role="row" {
                                th scope="col" role="columnheader" { "For" }
                                th scope="col" role="columnheader" { "Sent to" }
                                th scope="col" role="columnheader" { "Cut-off" }
                                th scope="col" role="columnheader" { "Sent" }
                                th scope="col" role="columnheader" { "File" }
                            }
                        }
                        tbody role="rowgroup" {
                            @for (i, pack) in packs.iter().enumerate() {
                                tr role="row" data-testid=(format!("pack-row-{}", i + 1)) {
                                    td role="cell" { strong { (pack.purpose) } }
                                    td role="cell" data-label="Sent to" { (pack.to) }
                                    td role="cell" data-label="Cut-off" { (widgets::date(pack.as_of)) br; span.app-meta { (crate::web::dashboard::plural(pack.events, "event", "events")) } }
                                    td role="cell" data-label="Sent" { (widgets::date(pack.cite.on)) br; span.app-meta { "by " (pack.cite.by) } }
                                    td role="cell" data-label="File" {
                                        (pack.file_name) br; span.app-meta { (widgets::size(pack.size)) }
                                        details.govuk-details {
                                            summary.govuk-details__summary { span.govuk-details__summary-text { "Its hash" } }
                                            div.govuk-details__text {
                                                "File BLAKE3 " code.app-hash { (pack.file_hash.to_hex()) } br;
                                                "Holds events 0 to " (pack.events.saturating_sub(1)) ", the last with chain hash " code.app-hash { (pack.head.to_hex()) } br;
                                                "Recorded as " a.govuk-link href=(crate::web::timeline::event_href(pack.cite.seq)) { "event " (pack.cite.seq) }
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
}

const PACK: FormPage<'static> = FormPage {
    title: "Make an evidence pack",
    intro: "The ledger as it was known at the end of the cut-off day, in one file: every entry of its history by then, the evidence files they attach and the signed checkpoints. The pack downloads once made, and is recorded as sent, today, with its hash.",
    form_id: "pack-form",
    prefix: "pack-",
    action: "/packs/new",
    submit: "Make and download the pack",
    upload: false,
};

fn pack_body(form: &FormState) -> Markup {
    let p = PACK.prefix;
    html! {
        (text(p, form, "for", "What it is for", Some("For example, APP six-month review"), Control::Text))
        (text(p, form, "to", "Who it is sent to", Some("For example, DfE SEND adviser"), Control::Text))
        (date(p, form, "as_of", "Cut-off date", Some("The pack holds what was recorded by the end of this day, for example 31 3 2024. It cannot be in the future.")))
    }
}

/// `GET /packs/new`.
pub async fn new_page(user: Signed) -> Result<Response, WebError> {
    user.require_record()?;
    let mut form = FormState::fresh(&[])?;
    form.set_date("as_of", today()?);
    Ok(render(
        StatusCode::OK,
        &user,
        &PACK,
        &form,
        pack_body(&form),
    ))
}

/// Writes through to a file and hashes every byte written: the whole pack file's BLAKE3 and
/// size, as `wsoa verify` and the record of the pack take them.
struct Hashing<W> {
    inner: W,
    hasher: blake3::Hasher,
    size: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A pack cut and written to a temporary file (removed when dropped).
struct Cut {
    file: std::fs::File,
    events: u64,
    head: Digest,
    file_hash: Digest,
    size: u64,
}

/// `POST /packs/new`: fields `for`, `to`, the date input `as_of`. Answers with the pack file
/// (`pack-YYYY-MM-DD.wsoa`) once it is recorded as sent; a problem brings the form back.
pub async fn make(
    State(state): State<AppState>,
    user: Signed,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let fields = input::accept(&user, form)?;
    let mut errors = Errors::default();
    let purpose = input::required(&fields, &mut errors, "for", "what the pack is for");
    let to = input::required(&fields, &mut errors, "to", "who it is sent to");
    let as_of = input::date(&fields, &mut errors, "as_of", "the cut-off date");
    let again = |errors: Errors| {
        let form = FormState::again(fields.clone(), errors);
        render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &user,
            &PACK,
            &form,
            pack_body(&form),
        )
    };
    let (Some(as_of), true) = (as_of, errors.is_empty()) else {
        return Ok(again(errors));
    };
    let cut = state
        .fold(move |reader| {
            let Some(last) = reader.last_seq_in(Point::Known(as_of))? else {
                return Ok(None);
            };
            let head = reader
                .event(last)?
                .ok_or_else(|| ApiError::internal(format!("event {last} could not be read")))?
                .hash;
            let events = last + 1;
            let file = tempfile::tempfile().map_err(ApiError::internal)?;
            let mut out = Hashing {
                inner: std::io::BufWriter::new(file),
                hasher: blake3::Hasher::new(),
                size: 0,
            };
            reader.export_prefix(&mut out, events)?;
            out.flush().map_err(ApiError::internal)?;
            let file = out
                .inner
                .into_inner()
                .map_err(|err| ApiError::internal(err.into_error()))?;
            Ok(Some(Cut {
                file,
                events,
                head,
                file_hash: Digest(*out.hasher.finalize().as_bytes()),
                size: out.size,
            }))
        })
        .await?;
    let Some(mut cut) = cut else {
        errors.add_at(
            "as_of",
            "-day",
            format!(
                "Nothing had been recorded by the end of {}, so the pack would be empty: choose a later cut-off date",
                as_of.long()
            ),
        );
        return Ok(again(errors));
    };
    let file_name = format!("pack-{as_of}.wsoa");
    let sent = PackSent {
        purpose: purpose.clone(),
        to: to.clone(),
        as_of,
        events: cut.events,
        head: cut.head,
        file_name: file_name.clone(),
        file_hash: cut.file_hash,
        size: cut.size,
    };
    let on = today()?;
    let file_hash = cut.file_hash;
    match submit(&state, &user, &fields, Command::RecordPack(sent), on).await? {
        // The same form sent twice records once: if the ledger has grown since, this file is
        // not the one recorded, and is not handed out as if it were.
        Ok(seq) if !records(&state, seq, file_hash).await? => {
            errors.add(
                "nonce",
                format!(
                    "This form already made a pack, recorded as event {seq}: it is listed on the evidence page. To make another, reload this page."
                ),
            );
            Ok(again(errors))
        }
        Ok(seq) => {
            user.flash(
                &state,
                format!(
                    "The evidence pack for {purpose} was made ({}, {}) and recorded as sent to {to} (event {seq}).",
                    crate::web::dashboard::plural(cut.events, "event", "events"),
                    widgets::size(cut.size)
                ),
            );
            cut.file
                .seek(SeekFrom::Start(0))
                .map_err(ApiError::internal)?;
            Ok(download(cut.file, &file_name))
        }
        Err(refused) => {
            refusal(&mut errors, refused, |rejection| match rejection {
                Rejection::DateOrder(_) | Rejection::InFuture { .. } => "as_of",
                other => field_named(
                    other,
                    &[
                        ("what the pack is for", "for"),
                        ("who it was sent to", "to"),
                    ],
                )
                .unwrap_or("for"),
            });
            Ok(again(errors))
        }
    }
}

/// Whether event `seq` records sending a pack file with this hash.
async fn records(state: &AppState, seq: u64, file_hash: Digest) -> Result<bool, WebError> {
    Ok(state
        .read(move |reader| {
            Ok(reader.event(seq)?.is_some_and(|stored| {
                matches!(&stored.event.body, EventBody::PackSent(sent) if sent.file_hash == file_hash)
            }))
        })
        .await?)
}

/// The pack file as a download, streamed from the temporary file on the blocking pool.
fn download(mut file: std::fs::File, file_name: &str) -> Response {
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(8);
    tokio::task::spawn_blocking(move || {
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    if sender.blocking_send(Ok(buf[..n].to_vec())).is_err() {
                        break;
                    }
                }
                Err(err) => {
                    let _ = sender.blocking_send(Err(err));
                    break;
                }
            }
        }
    });
    let mut response = Body::from_stream(tokio_stream_from(receiver)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
