//! The recording forms that are not about one action: a new action, a monitoring visit's
//! feedback (strengths, concerns, next steps), a board review (a rating per workstream) and a
//! measure's value. Officers and admins only: for anyone else the pages are 403 and hold no form.
//!
//! Each builds a core `Command` from what was typed and sends it through the writer; a problem
//! (a date that is not a date, or a rule of the statement) brings the form back with status 422,
//! the error summary, the message beside the field and what was typed.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use wsoa_core::event::{
    ActionCreatedWithDeadline, Assessment, MeasureRecorded, MonitoringVisitFeedback,
    ProgressReviewed, Rating, VisitPoint,
};
use wsoa_core::plan::Plan;
use wsoa_core::point::Point;
use wsoa_core::{ActionId, Command, Date, MeasureId, Rejection, WorkstreamId};

use crate::state::{AppState, context, today};
use crate::web::input::{
    self, DEADLINE_WORDS, Errors, FormState, Refused, field_named, refusal, submit,
};
use crate::web::layout::{Nav, page as layout_page};
use crate::web::widgets::{self, Control, DateField, Field, error_summary_for};
use crate::web::{Signed, WebError, html_response};

/// A form page: the error summary, the heading, an introduction and the form.
pub(crate) struct FormPage<'a> {
    pub(crate) title: &'a str,
    pub(crate) intro: &'a str,
    /// The form's id; its fields' ids start with `prefix`.
    pub(crate) form_id: &'a str,
    pub(crate) prefix: &'a str,
    pub(crate) action: &'a str,
    pub(crate) submit: &'a str,
    /// Whether the form sends a file (`multipart/form-data`).
    pub(crate) upload: bool,
}

pub(crate) fn render(
    status: StatusCode,
    user: &Signed,
    page: &FormPage<'_>,
    form: &FormState,
    body: Markup,
) -> Response {
    let title = if form.errors.is_empty() {
        page.title.to_owned()
    } else {
        format!("Error: {}", page.title)
    };
    let content = html! {
        (widgets::back_link("/", "Back to the plan"))
        (error_summary_for(&form.errors, page.prefix))
        h1.govuk-heading-l { (page.title) }
        p.govuk-body { (page.intro) }
        form id=(page.form_id) method="post" action=(page.action) enctype=[page.upload.then_some("multipart/form-data")] novalidate {
            input type="hidden" name="csrf" value=(user.csrf);
            input type="hidden" name="nonce" value=(form.value("nonce"));
            (body)
            div.govuk-button-group {
                button.govuk-button type="submit" data-module="govuk-button" data-testid="submit" { (page.submit) }
                a.govuk-link href="/" { "Cancel" }
            }
        }
    };
    html_response(status, layout_page(&title, user, Nav::Record, content))
}

/// The first step of a form about one thing chosen from a list (which plan was reviewed, which
/// measure changes): a form sent by GET to `page.action` with one select, `name`, so that the
/// form itself then shows that thing's own fields. `error` is the problem with the choice.
#[allow(clippy::too_many_arguments)]
pub(crate) fn chooser(
    user: &Signed,
    page: &FormPage<'_>,
    name: &str,
    label: &str,
    hint: &str,
    choices: Vec<(String, String)>,
    error: Option<&str>,
) -> Response {
    let mut errors = Errors::default();
    if let Some(message) = error {
        errors.add(name, message);
    }
    let id = format!("choose-{name}");
    let content = html! {
        (widgets::back_link("/", "Back to the plan"))
        (error_summary_for(&errors, "choose-"))
        h1.govuk-heading-l { (page.title) }
        p.govuk-body { (page.intro) }
        form id=(format!("{}-choose", page.form_id)) method="get" action=(page.action) novalidate {
            (widgets::field(&Field {
                id: &id,
                name,
                label,
                hint: Some(hint),
                error: errors.get(name),
                value: "",
                control: Control::Select(choices),
            }))
            div.govuk-button-group {
                button.govuk-button data-module="govuk-button" type="submit" data-testid="continue" { "Continue" }
                a.govuk-link href="/" { "Cancel" }
            }
        }
    };
    let (status, title) = if errors.is_empty() {
        (StatusCode::OK, page.title.to_owned())
    } else {
        (StatusCode::BAD_REQUEST, format!("Error: {}", page.title))
    };
    html_response(status, layout_page(&title, user, Nav::Record, content))
}

/// A field whose id is the page's prefix and its name.
pub(crate) fn text(
    prefix: &str,
    form: &FormState,
    name: &str,
    label: &str,
    hint: Option<&str>,
    control: Control,
) -> Markup {
    let id = format!("{prefix}{name}");
    widgets::field(&Field {
        id: &id,
        name,
        label,
        hint,
        error: form.error(name),
        value: form.value(name),
        control,
    })
}

pub(crate) async fn plan(state: &AppState) -> Result<Plan, WebError> {
    Ok(state
        .fold(|reader| Ok(reader.plan_at(Point::Now)?.0))
        .await?)
}

pub(crate) fn done(state: &AppState, user: &Signed, to: &str, message: String) -> Response {
    user.flash(state, message);
    Redirect::to(to).into_response()
}

/// A fresh form whose date input `on` starts at today.
pub(crate) fn fresh_today() -> Result<FormState, WebError> {
    let mut form = FormState::fresh(&[])?;
    form.set_date("on", today()?);
    Ok(form)
}

/// A date input whose id is the page's prefix and its name.
pub(crate) fn date(
    prefix: &str,
    form: &FormState,
    name: &str,
    legend: &str,
    hint: Option<&str>,
) -> Markup {
    let id = format!("{prefix}{name}");
    widgets::date_input(&DateField {
        id: &id,
        name,
        legend,
        hint,
        error: form.error(name),
        values: form.date_values(name),
    })
}

/// An action's deadline: a date input, or the deadline as written in the plan.
pub(crate) fn deadline_fields(prefix: &str, form: &FormState, legend: &str) -> Markup {
    let words_id = format!("{prefix}{DEADLINE_WORDS}");
    html! {
        (date(prefix, form, "due", legend, Some("For example, 31 3 2022")))
        (widgets::field(&Field {
            id: &words_id,
            name: DEADLINE_WORDS,
            label: "Or the deadline as written in the plan",
            hint: Some("Leave the date blank if you write it here. For example, Autumn term 2021, July 2021, Q3 2021/22, Ongoing, Termly or TBC."),
            error: form.error(DEADLINE_WORDS),
            value: form.value(DEADLINE_WORDS),
            control: Control::Text,
        }))
    }
}

// ---------------------------------------------------------------------------------------------
// A new action
// ---------------------------------------------------------------------------------------------

const NEW_ACTION: FormPage<'static> = FormPage {
    title: "Add an action",
    intro: "An action of a workstream, with the lead officer who will take it and the date by which it will be done: the law requires both.",
    form_id: "new-action-form",
    prefix: "action-",
    action: "/actions/new",
    submit: "Add the action",
    upload: false,
};

fn new_action_body(plan: &Plan, form: &FormState) -> Markup {
    let mut workstreams = vec![(String::new(), "Choose a workstream".to_owned())];
    // Once more than one plan exists, each workstream says whose it is: an action belongs to its
    // workstream's plan.
    let plans = plan.has_started_plans();
    workstreams.extend(plan.workstreams.iter().map(|ws| {
        let label = match plan.plan_of(&ws.id).filter(|_| plans) {
            Some(of) => format!("{}: {} (plan {})", ws.id, ws.title, of.id),
            None => format!("{}: {}", ws.id, ws.title),
        };
        (ws.id.clone(), label)
    }));
    let p = NEW_ACTION.prefix;
    html! {
        (text(p, form, "workstream", "Workstream", None, Control::Select(workstreams)))
        (text(p, form, "id", "Reference", Some("For example, 2.4: letters, digits, dots and hyphens"), Control::Text))
        (text(p, form, "title", "What will be done", None, Control::Textarea { rows: 3 }))
        (text(p, form, "owner", "Lead", Some("The lead officer, by role: for example, Head of SEND Services"), Control::Text))
        (deadline_fields(p, form, "Deadline"))
        (text(p, form, "success", "Success criteria (optional)", Some("One a line: how you will know it worked"), Control::Textarea { rows: 3 }))
        (date(p, form, "on", "Date it was agreed", Some("For example, 1 12 2021. It cannot be in the future.")))
    }
}

/// `GET /actions/new`.
pub async fn new_action_page(
    State(state): State<AppState>,
    user: Signed,
) -> Result<Response, WebError> {
    user.require_record()?;
    let plan = plan(&state).await?;
    let form = fresh_today()?;
    Ok(render(
        StatusCode::OK,
        &user,
        &NEW_ACTION,
        &form,
        new_action_body(&plan, &form),
    ))
}

/// `POST /actions/new`: fields `workstream`, `id`, `title`, `owner`, the deadline (the date
/// input `due`, or `due_words` as written in the plan), `success` (one a line), the date input
/// `on`.
pub async fn new_action(
    State(state): State<AppState>,
    user: Signed,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let fields = input::accept(&user, form)?;
    let mut errors = Errors::default();
    let workstream: Option<WorkstreamId> =
        input::parsed(&fields, &mut errors, "workstream", "the workstream");
    let id: Option<ActionId> = input::parsed(&fields, &mut errors, "id", "the action's reference");
    let title = input::required(&fields, &mut errors, "title", "what will be done");
    let owner = input::required(&fields, &mut errors, "owner", "the lead");
    let due = input::deadline(&fields, &mut errors, true);
    let success = fields.lines("success");
    let on = input::occurred_on(&fields, &mut errors);
    let again = |errors: Errors| async {
        let plan = plan(&state).await?;
        let form = FormState::again(fields.clone(), errors);
        Ok::<_, WebError>(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &user,
            &NEW_ACTION,
            &form,
            new_action_body(&plan, &form),
        ))
    };
    let (Some(workstream), Some(id), Some(due), Some(on), true) =
        (workstream, id, due, on, errors.is_empty())
    else {
        return again(errors).await;
    };
    // A date or the plan's words; the rules (not before the day the action is agreed) are
    // decide's.
    let command = Command::CreateActionWithDeadline(ActionCreatedWithDeadline {
        id: id.clone(),
        workstream,
        title,
        owner,
        due,
        success,
    });
    match submit(&state, &user, &fields, command, on).await? {
        Ok(seq) => Ok(done(
            &state,
            &user,
            &format!("/actions/{id}"),
            format!("Action {id} was added (event {seq})."),
        )),
        Err(refused) => {
            refusal(&mut errors, refused, |rejection| match rejection {
                Rejection::DuplicateId { .. } => "id",
                Rejection::UnknownId { .. } => "workstream",
                Rejection::InFuture { .. } => "on",
                Rejection::DateOrder(_) => "due",
                other => field_named(
                    other,
                    &[
                        ("the action's title", "title"),
                        ("the owner", "owner"),
                        ("a success criterion", "success"),
                        ("the deadline's words", DEADLINE_WORDS),
                    ],
                )
                .unwrap_or("title"),
            });
            again(errors).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A monitoring visit
// ---------------------------------------------------------------------------------------------

const VISIT: FormPage<'static> = FormPage {
    title: "Record a monitoring visit",
    intro: "The written feedback of a DfE and NHS England monitoring visit: their overall view, the strengths they found, their concerns and what they asked to be done next.",
    form_id: "visit-form",
    prefix: "visit-",
    action: "/visits/new",
    submit: "Record the visit",
    upload: true,
};

/// How to write a visit's points, and tie one to an area of weakness or finding.
const POINT_HINT: &str = "One a line. To tie a point to an area of weakness or finding, begin it with its number in square brackets, such as [W2] or [AP1, AFI2].";

/// The points of one list of a visit's feedback, one a line; a line that does not read is
/// named beside its field.
fn points(fields: &input::Fields, errors: &mut Errors, name: &'static str) -> Vec<VisitPoint> {
    let mut points = Vec::new();
    for line in fields.lines(name) {
        match line.parse::<VisitPoint>() {
            Ok(point) => points.push(point),
            Err(err) => errors.add(name, format!("\u{201c}{line}\u{201d} does not read: {err}")),
        }
    }
    points
}

fn visit_body(form: &FormState) -> Markup {
    let p = VISIT.prefix;
    let lines = Some(POINT_HINT);
    html! {
        (text(p, form, "by", "Who visited", Some("For example, DfE SEND adviser and NHS England SEND adviser"), Control::Text))
        (date(p, form, "on", "Date of the visit", Some("For example, 18 11 2021. It cannot be in the future.")))
        (text(p, form, "summary", "Their overall view (optional)", None, Control::Textarea { rows: 3 }))
        (text(p, form, "strengths", "Strengths", lines, Control::Textarea { rows: 4 }))
        (text(p, form, "concerns", "Concerns", lines, Control::Textarea { rows: 4 }))
        (text(p, form, "next_steps", "Next steps", lines, Control::Textarea { rows: 4 }))
        (text(p, form, "letter", "Their letter (optional)", Some("The visit's feedback letter, kept as evidence with the visit. Choose it again if the form shows a problem."), Control::File))
    }
}

/// Stores a visit's letter and records it as evidence with the visit, in one transaction: the
/// letter supports the findings the visit's points concern, or every finding when none is named.
/// Answers the visit's event number.
async fn letter_and_visit(
    state: &AppState,
    user: &Signed,
    fields: &input::Fields,
    (file, file_name, declared): (std::fs::File, String, Option<String>),
    visit: MonitoringVisitFeedback,
    on: Date,
) -> Result<Result<u64, Refused>, WebError> {
    let every_finding = if visit.findings().is_empty() {
        state
            .fold(|reader| Ok(reader.plan_at(wsoa_core::point::Point::Now)?.0.weaknesses))
            .await?
            .into_iter()
            .filter_map(|w| w.id.parse().ok())
            .collect()
    } else {
        Vec::new()
    };
    let media_type = crate::upload::media_type(declared, &file_name);
    let command =
        wsoa_core::command::AttachEvidence::visit_letter(&visit, on, file_name, media_type, || {
            every_finding
        });
    let context = context(user.actor(), Some(on))?;
    let idempotency = input::form_key(user, fields);
    match state
        .write(|reply| crate::writer::Job::AttachLetter {
            file,
            command,
            visit,
            idempotency,
            context,
            reply,
        })
        .await?
    {
        Ok(wsoa_store::AttachedThen::Appended(appended)) => {
            Ok(Ok(appended.last().map_or(0, |a| a.event.seq)))
        }
        Ok(wsoa_store::AttachedThen::Replayed(seq)) => Ok(Ok(seq)),
        Err(wsoa_store::StoreError::IdempotencyKeyReused) => Ok(Err(Refused::FormReused)),
        Err(wsoa_store::StoreError::Rejected(rejection)) => Ok(Err(Refused::Rule(rejection))),
        Err(err) => Err(err.into()),
    }
}

/// `GET /visits/new`.
pub async fn visit_page(user: Signed) -> Result<Response, WebError> {
    user.require_record()?;
    let form = fresh_today()?;
    Ok(render(
        StatusCode::OK,
        &user,
        &VISIT,
        &form,
        visit_body(&form),
    ))
}

/// `POST /visits/new`: fields `by`, `on`, `summary`, `strengths`, `concerns`, `next_steps`
/// (the last three one item a line).
pub async fn visit(
    State(state): State<AppState>,
    user: Signed,
    request: axum::extract::Request,
) -> Result<Response, WebError> {
    use axum::extract::FromRequest as _;
    let multipart = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("multipart/form-data"));
    let mut errors = Errors::default();
    let (fields, letter) = if multipart {
        user.require_record()?;
        let upload = crate::web::action::read_upload(
            &state,
            axum::extract::Multipart::from_request(request, &state).await,
            "letter",
        )
        .await?;
        user.check_csrf(Some(upload.fields.get("csrf")))?;
        if upload.too_large {
            errors.add(
                "letter",
                format!(
                    "The letter is larger than this server's upload limit of {}. Choose a smaller file.",
                    crate::web::widgets::size(state.limits().max_upload_bytes)
                ),
            );
        }
        (upload.fields, upload.file)
    } else {
        let form = Form::<Vec<(String, String)>>::from_request(request, &state).await;
        (input::accept(&user, form)?, None)
    };
    let letter = match letter {
        None => None,
        Some((file, name, declared)) => match crate::api::evidence::base_name(&name) {
            Ok(name) => Some((file, name, declared)),
            Err(_) => {
                errors.add(
                    "letter",
                    "The letter has no usable name: rename it, for example visit-letter.pdf, and choose it again",
                );
                None
            }
        },
    };
    let by = input::required(&fields, &mut errors, "by", "who visited");
    let on = input::date(&fields, &mut errors, "on", "the date of the visit");
    let summary = fields.optional("summary");
    let (strengths, concerns, next_steps) = (
        points(&fields, &mut errors, "strengths"),
        points(&fields, &mut errors, "concerns"),
        points(&fields, &mut errors, "next_steps"),
    );
    if summary.is_none()
        && strengths.is_empty()
        && concerns.is_empty()
        && next_steps.is_empty()
        && letter.is_none()
    {
        errors.add(
            "summary",
            "Enter their overall view, or at least one strength, concern or next step",
        );
    }
    let again = |errors: Errors| {
        let form = FormState::again(fields.clone(), errors);
        render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &user,
            &VISIT,
            &form,
            visit_body(&form),
        )
    };
    let (Some(on), true) = (on, errors.is_empty()) else {
        return Ok(again(errors));
    };
    // An area that names no finding is refused beside the list whose line named it.
    let naming = |id: &str| {
        [
            ("strengths", &strengths),
            ("concerns", &concerns),
            ("next_steps", &next_steps),
        ]
        .into_iter()
        .find(|(_, list)| {
            list.iter()
                .any(|p| p.about.iter().any(|a| a.as_str() == id))
        })
        .map(|(field, _)| field)
    };
    let unknown_field = |rejection: &Rejection| match rejection {
        Rejection::UnknownId { id, .. } => naming(id),
        _ => None,
    };
    let command = Command::RecordVisit(MonitoringVisitFeedback {
        by,
        summary,
        strengths: strengths.clone(),
        concerns: concerns.clone(),
        next_steps: next_steps.clone(),
        letter: None,
    });
    let recorded = match letter {
        None => submit(&state, &user, &fields, command, on).await?,
        Some((file, file_name, declared)) => {
            let Command::RecordVisit(visit) = command else {
                unreachable!("the command is a visit");
            };
            letter_and_visit(
                &state,
                &user,
                &fields,
                (file, file_name, declared),
                visit,
                on,
            )
            .await?
        }
    };
    match recorded {
        Ok(seq) => Ok(done(
            &state,
            &user,
            "/diff",
            format!(
                "The monitoring visit of {} was recorded (event {seq}).",
                on.long()
            ),
        )),
        Err(refused) => {
            refusal(&mut errors, refused, |rejection| match rejection {
                Rejection::InFuture { .. } => "on",
                other if unknown_field(other).is_some() => {
                    unknown_field(other).unwrap_or("summary")
                }
                other => field_named(
                    other,
                    &[
                        ("who visited", "by"),
                        ("the summary", "summary"),
                        ("a strength", "strengths"),
                        ("a concern", "concerns"),
                        ("a next step", "next_steps"),
                    ],
                )
                .unwrap_or("summary"),
            });
            Ok(again(errors))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A board review
// ---------------------------------------------------------------------------------------------

const REVIEW: FormPage<'static> = FormPage {
    title: "Record a board review",
    intro: "A board's (such as the SEND Improvement Board's) assessment of progress: rate each workstream it reviewed. Leave a workstream as not assessed if the board did not review it.",
    form_id: "review-form",
    prefix: "review-",
    action: "/reviews/new",
    submit: "Record the review",
    upload: false,
};

fn review_body(plan: &Plan, form: &FormState) -> Markup {
    let p = REVIEW.prefix;
    let mut ratings = vec![(String::new(), "Not assessed".to_owned())];
    ratings.extend(widgets::choices(Rating::WORDS));
    html! {
        (text(p, form, "forum", "Board", Some("For example, Northshire SEND Improvement Board"), Control::Text))
        (date(p, form, "on", "Date of the meeting", Some("For example, 23 9 2021. It cannot be in the future.")))
        @if plan.workstreams.is_empty() {
            p.govuk-inset-text { "No workstreams are recorded yet, so there is nothing to assess." }
        }
        @for workstream in &plan.workstreams {
            fieldset.govuk-fieldset.app-fieldset-group data-testid=(format!("assess-{}", workstream.id)) {
                legend.govuk-fieldset__legend.govuk-fieldset__legend--s { "Workstream " (workstream.id) ": " (workstream.title) }
                p.govuk-body-s data-testid=(format!("previous-{}", workstream.id)) {
                    @match workstream.assessments.last() {
                        Some(last) => {
                            "Last rated " (widgets::rating_tag(last.rating)) " by " (last.forum) " on " (widgets::date(last.cite.on))
                            @if let Some(note) = &last.note { ": " (note) }
                        }
                        None => "Not rated before.",
                    }
                }
                (text(p, form, &format!("rating-{}", workstream.id), "Assessment", None, Control::Select(ratings.clone())))
                (text(p, form, &format!("note-{}", workstream.id), "Why (optional)", None, Control::Textarea { rows: 2 }))
            }
        }
    }
}

/// `GET /reviews/new`.
pub async fn review_page(
    State(state): State<AppState>,
    user: Signed,
) -> Result<Response, WebError> {
    user.require_record()?;
    let plan = plan(&state).await?;
    let form = fresh_today()?;
    Ok(render(
        StatusCode::OK,
        &user,
        &REVIEW,
        &form,
        review_body(&plan, &form),
    ))
}

/// `POST /reviews/new`: fields `forum`, `on`, and for each workstream `rating-{id}` (blank, or
/// on-track, at-risk, off-track) and `note-{id}`.
pub async fn review(
    State(state): State<AppState>,
    user: Signed,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let fields = input::accept(&user, form)?;
    let plan = plan(&state).await?;
    let mut errors = Errors::default();
    let forum = input::required(&fields, &mut errors, "forum", "the board");
    let on = input::date(&fields, &mut errors, "on", "the date of the meeting");
    let mut assessments = Vec::new();
    for workstream in &plan.workstreams {
        let rating_field = format!("rating-{}", workstream.id);
        if fields.optional(&rating_field).is_none() {
            continue;
        }
        let rating: Option<Rating> =
            input::parsed(&fields, &mut errors, &rating_field, "the assessment");
        let (Some(rating), Ok(id)) = (rating, WorkstreamId::new(workstream.id.as_str())) else {
            continue;
        };
        assessments.push(Assessment {
            workstream: id,
            rating,
            note: fields.optional(&format!("note-{}", workstream.id)),
        });
    }
    let first_rating = plan
        .workstreams
        .first()
        .map_or_else(|| "forum".to_owned(), |ws| format!("rating-{}", ws.id));
    if assessments.is_empty() && errors.get(&first_rating).is_none() {
        errors.add(&first_rating, "Assess at least one workstream");
    }
    let again = |errors: Errors| {
        let form = FormState::again(fields.clone(), errors);
        render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &user,
            &REVIEW,
            &form,
            review_body(&plan, &form),
        )
    };
    let (Some(on), true) = (on, errors.is_empty()) else {
        return Ok(again(errors));
    };
    let assessed = assessments.len();
    let command = Command::ReviewProgress(ProgressReviewed { forum, assessments });
    match submit(&state, &user, &fields, command, on).await? {
        Ok(seq) => Ok(done(
            &state,
            &user,
            "/",
            format!(
                "The review of {} was recorded (event {seq}).",
                crate::web::dashboard::plural(assessed as u64, "workstream", "workstreams")
            ),
        )),
        Err(refused) => {
            // A rejection names a fixed field, and the workstreams' fields are named at run
            // time: a problem with a note is shown at the board's field, its message saying
            // which.
            refusal(&mut errors, refused, |rejection| match rejection {
                Rejection::InFuture { .. } => "on",
                _ => "forum",
            });
            Ok(again(errors))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A measure's value
// ---------------------------------------------------------------------------------------------

const MEASURE_VALUE: FormPage<'static> = FormPage {
    title: "Record a measure's value",
    intro: "A new value of a measure of impact, on the date it was measured, with where it came from.",
    form_id: "measure-value-form",
    prefix: "measure-",
    action: "/measures/values/new",
    submit: "Record the value",
    upload: false,
};

fn measure_value_body(plan: &Plan, form: &FormState) -> Markup {
    let p = MEASURE_VALUE.prefix;
    let mut measures = vec![(String::new(), "Choose a measure".to_owned())];
    measures.extend(plan.measures.iter().map(|m| {
        (
            m.id.clone(),
            format!(
                "{}: {} ({})",
                m.id,
                m.title,
                if m.unit.is_empty() {
                    "no unit"
                } else {
                    &m.unit
                }
            ),
        )
    }));
    html! {
        (text(p, form, "measure", "Measure", None, Control::Select(measures)))
        (text(p, form, "value", "Value", Some("A number, such as 63 or 12.5, in the measure's unit; a percentage may be written 63%"), Control::Decimal))
        (date(p, form, "on", "Date of the value", Some("The day it was measured, for example 30 6 2022")))
        (text(p, form, "source", "Source (optional)", Some("For example, EHC hub report, June 2022"), Control::Text))
    }
}

/// `GET /measures/values/new`.
pub async fn measure_value_page(
    State(state): State<AppState>,
    user: Signed,
) -> Result<Response, WebError> {
    user.require_record()?;
    let plan = plan(&state).await?;
    let form = fresh_today()?;
    Ok(render(
        StatusCode::OK,
        &user,
        &MEASURE_VALUE,
        &form,
        measure_value_body(&plan, &form),
    ))
}

/// `POST /measures/values/new`: fields `measure`, `value`, `on`, `source`.
pub async fn measure_value(
    State(state): State<AppState>,
    user: Signed,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let fields = input::accept(&user, form)?;
    let mut errors = Errors::default();
    let measure: Option<MeasureId> = input::parsed(&fields, &mut errors, "measure", "the measure");
    // "63%" is a percentage's value as people write it.
    let unit = match fields.optional("measure") {
        Some(id) => plan(&state)
            .await?
            .measure(&id)
            .map(|measure| measure.unit.clone()),
        None => None,
    };
    let value = input::amount(&fields, &mut errors, "value", "the value", unit.as_deref());
    let on = input::date(&fields, &mut errors, "on", "the date of the value");
    let source = fields.optional("source");
    let again = |errors: Errors| async {
        let plan = plan(&state).await?;
        let form = FormState::again(fields.clone(), errors);
        Ok::<_, WebError>(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &user,
            &MEASURE_VALUE,
            &form,
            measure_value_body(&plan, &form),
        ))
    };
    let (Some(measure), Some(value), Some(on), true) = (measure, value, on, errors.is_empty())
    else {
        return again(errors).await;
    };
    let command = Command::RecordMeasure(MeasureRecorded {
        id: measure.clone(),
        value,
        source,
    });
    match submit(&state, &user, &fields, command, on).await? {
        Ok(seq) => Ok(done(
            &state,
            &user,
            &format!("/#measure-{measure}"),
            format!("The value of measure {measure} was recorded (event {seq})."),
        )),
        Err(refused) => {
            refusal(&mut errors, refused, |rejection| match rejection {
                Rejection::UnknownId { .. } => "measure",
                Rejection::InFuture { .. } => "on",
                other => field_named(other, &[("the source", "source")]).unwrap_or("value"),
            });
            again(errors).await
        }
    }
}
