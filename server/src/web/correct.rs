//! `/events/{seq}/correct`: recording that an earlier entry of the history was wrong, from the
//! row that shows it (on the timeline and an action's history). Nothing is edited or deleted:
//! the correction is a new event that names the one it corrects and says what was wrong and
//! what is right, exactly as `wsoa correct SEQ --reason TEXT` records it. Officers and admins
//! only.
//!
//! The page shows the entry being corrected, then the form (the reason and the day the mistake
//! was found); when recorded, it goes to the new event on the timeline with a message naming
//! both events.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use wsoa_core::event::CorrectionRecorded;
use wsoa_core::point::Point;
use wsoa_core::timeline::{Entry, Timeline};
use wsoa_core::{Command, Rejection};

use crate::error::ApiError;
use crate::state::{AppState, today};
use crate::web::input::{self, Errors, FormState, field_named, refusal, submit};
use crate::web::layout::{Nav, page as layout_page};
use crate::web::timeline::event_href;
use crate::web::widgets::{self, Control, DateField, Field, error_summary_for};
use crate::web::{Signed, WebError, html_response};

/// The address of the correction form of an event.
pub fn correct_href(seq: u64) -> String {
    format!("/events/{seq}/correct")
}

fn parse_seq(text: &str) -> Result<u64, WebError> {
    text.parse().map_err(|_| {
        WebError::NotFound(format!(
            "'{text}' is not an event number. Find the entry to correct on the timeline."
        ))
    })
}

/// The entry of event `seq`, as the timeline describes it.
async fn entry(state: &AppState, seq: u64) -> Result<Entry, WebError> {
    let found = state
        .fold(move |reader| {
            if seq >= reader.len()? {
                return Ok(None);
            }
            let mut timeline = Timeline::new();
            let mut found = None;
            reader.for_each_at(Point::Seq(seq), |stored| {
                let entry = timeline.entry(&stored.event, stored.hash);
                if entry.seq == seq {
                    found = Some(entry);
                }
                Ok::<(), ApiError>(())
            })?;
            Ok(found)
        })
        .await?;
    found.ok_or_else(|| {
        WebError::NotFound(format!(
            "There is no event {seq} in the ledger. Find the entry to correct on the timeline."
        ))
    })
}

fn render(status: StatusCode, user: &Signed, entry: &Entry, form: &FormState) -> Response {
    let title = if form.errors.is_empty() {
        format!("Record a correction of event {}", entry.seq)
    } else {
        format!("Error: Record a correction of event {}", entry.seq)
    };
    let content = html! {
        (widgets::back_link(&event_href(entry.seq), "Back to the timeline"))
        (error_summary_for(&form.errors, "correct-"))
        span.govuk-caption-m { "Event " (entry.seq) }
        h1.govuk-heading-l { "Record a correction" }
        dl.govuk-summary-list data-testid="corrected-entry" {
            (widgets::row("What it says", html! { (entry.sentence) }))
            (widgets::row("Happened", widgets::date(entry.occurred_on)))
            (widgets::row("Recorded", html! { (widgets::recorded(entry.recorded_at)) " by " (entry.actor) }))
        }
        div.govuk-warning-text {
            span.govuk-warning-text__icon aria-hidden="true" { "!" }
            strong.govuk-warning-text__text {
                span.govuk-visually-hidden { "Warning" }
                "Nothing in the history is edited or deleted. The correction is a new entry saying that this one was wrong and what is right; both stay, and everyone sees both."
            }
        }
        form #correct-form method="post" action=(correct_href(entry.seq)) novalidate {
            input type="hidden" name="csrf" value=(user.csrf);
            input type="hidden" name="nonce" value=(form.value("nonce"));
            (widgets::field(&Field {
                id: "correct-reason",
                name: "reason",
                label: "What was wrong, and what is right",
                hint: Some("For example: the visit was on 18 November 2021, not 18 October. If the right facts need recording, record them too."),
                error: form.error("reason"),
                value: form.value("reason"),
                control: Control::Textarea { rows: 4 },
            }))
            (widgets::date_input(&DateField {
                id: "correct-on",
                name: "on",
                legend: "When the mistake was found",
                hint: Some("For example, 3 12 2021. It cannot be in the future."),
                error: form.error("on"),
                values: form.date_values("on"),
            }))
            div.govuk-button-group {
                button.govuk-button type="submit" data-module="govuk-button" data-testid="submit-correction" { "Record the correction" }
                a.govuk-link href=(event_href(entry.seq)) { "Cancel" }
            }
        }
    };
    html_response(status, layout_page(&title, user, Nav::Timeline, content))
}

/// `GET /events/{seq}/correct`.
pub async fn page(
    State(state): State<AppState>,
    user: Signed,
    Path(seq): Path<String>,
) -> Result<Response, WebError> {
    user.require_record()?;
    let seq = parse_seq(&seq)?;
    let entry = entry(&state, seq).await?;
    let mut form = FormState::fresh(&[])?;
    form.set_date("on", today()?);
    Ok(render(StatusCode::OK, &user, &entry, &form))
}

/// `POST /events/{seq}/correct`: fields `reason` and the date input `on` (today when blank).
pub async fn correct(
    State(state): State<AppState>,
    user: Signed,
    Path(seq): Path<String>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let fields = input::accept(&user, form)?;
    let seq = parse_seq(&seq)?;
    let corrected = entry(&state, seq).await?;
    let mut errors = Errors::default();
    let reason = input::required(
        &fields,
        &mut errors,
        "reason",
        "what was wrong and what is right",
    );
    let on = input::occurred_on(&fields, &mut errors);
    let again = |errors: Errors| {
        let form = FormState::again(fields.clone(), errors);
        render(StatusCode::UNPROCESSABLE_ENTITY, &user, &corrected, &form)
    };
    let (Some(on), true) = (on, errors.is_empty()) else {
        return Ok(again(errors));
    };
    let command = Command::RecordCorrection(CorrectionRecorded { seq, reason });
    match submit(&state, &user, &fields, command, on).await? {
        Ok(new) => {
            user.flash(
                &state,
                format!("The correction of event {seq} was recorded as event {new}."),
            );
            Ok(Redirect::to(&event_href(new)).into_response())
        }
        Err(refused) => {
            refusal(&mut errors, refused, |rejection| match rejection {
                Rejection::InFuture { .. } | Rejection::DateOrder(_) => "on",
                other => field_named(other, &[("the reason", "reason")]).unwrap_or("reason"),
            });
            Ok(again(errors))
        }
    }
}

/// The link from a history row to its correction form, for those who may record.
pub fn link(seq: u64) -> Markup {
    html! {
        a.govuk-link href=(correct_href(seq)) data-testid=(format!("correct-{seq}")) {
            "Record a correction" span.govuk-visually-hidden { " of event " (seq) }
        }
    }
}
