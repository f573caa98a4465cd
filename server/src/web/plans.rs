//! The plans that follow a Written Statement of Action, on the pages: the plan page's section
//! listing every plan (its kind in the framework's words, title, the findings it answers, its
//! stage and version, its workstreams and whether DfE and NHS England still monitor each, its
//! last review), and the officers' forms that record them, as `wsoa plan start`, `wsoa plan
//! submit|accept|revise`, `wsoa monitoring review` and `wsoa workstream add --plan` do: start a
//! plan answering recorded findings, step a plan, record a monitoring review (monitoring
//! continues or ends for the plan's workstreams), and add a workstream to a chosen plan.
//!
//! Each builds the same core `Command` as the API and sends it through the writer; a problem
//! brings the form back (422) with the error summary and the message beside the field, and
//! nothing is recorded.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use wsoa_core::command::{AddWorkstream, StepPlan};
use wsoa_core::event::{MonitoringReviewed, PlanKind, PlanStarted, PlanStep};
use wsoa_core::plan::Plan;
use wsoa_core::show::{PlanShow, ShowView};
use wsoa_core::{Command, Date, PlanId, Rejection, WeaknessId, WorkstreamId};

use crate::auth::Permission;
use crate::state::AppState;
use crate::web::forms::{FormPage, chooser, date, done, fresh_today, plan, render, text};
use crate::web::input::{self, Errors, Fields, FormState, field_named, refusal, submit};
use crate::web::widgets::{self, Checkboxes, Colour, Control, Radios};
use crate::web::{Signed, WebError};

/// A plan's kind for people, starting a sentence: "Accelerated Progress Plan", "Priority
/// action plan".
pub fn kind_words(kind: PlanKind) -> String {
    widgets::sentence_case(kind.name())
}

/// A plan's stage as a tag: draft, submitted, accepted.
fn stage_tag(stage: &str) -> Markup {
    let colour = match stage {
        "accepted" => Colour::Green,
        "submitted" => Colour::Blue,
        _ => Colour::Grey,
    };
    widgets::tag(colour, &widgets::sentence_case(stage))
}

/// A plan's heading words: "Accelerated Progress Plan: Accelerated Progress Plan, March 2023"
/// said once when the title is the kind's name.
fn heading(plan: &PlanShow) -> String {
    titled(plan.kind, &plan.title)
}

/// A plan's kind and title in one: the title alone when it already starts with the kind's name
/// ("Accelerated Progress Plan: autism assessment waits"), else "Kind: title".
fn titled(kind: &str, title: &str) -> String {
    let starts = title
        .get(..kind.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(kind));
    if starts {
        widgets::sentence_case(title)
    } else {
        format!("{}: {title}", widgets::sentence_case(kind))
    }
}

/// The plan page's section of plans, shown once a plan other than the ledger's WSoA is
/// started: each plan with what it answers, its stage, its workstreams grouped under it (each
/// still monitored, or since when not and by which review), its last review, and (for officers,
/// today) the links to record its next step, a review or a workstream.
pub fn section(shown: &ShowView, user: &Signed, as_of: Option<Date>) -> Markup {
    let record = user.can(Permission::Record) && as_of.is_none();
    html! {
        @if !shown.plans.is_empty() {
            section #plans aria-labelledby="plans-heading" data-testid="plans" {
                h2.govuk-heading-l #plans-heading { "Plans" }
                p.govuk-body { "The Written Statement of Action and the plans that followed it, each answering findings of an inspection, with the workstreams DfE and NHS England monitor." }
                @if record {
                    p.govuk-body { a.govuk-link href="/plans/new" data-testid="start-plan" { "Start a plan" } }
                }
                @for plan in &shown.plans {
                    (plan_card(plan, record))
                }
            }
        }
    }
}

fn plan_card(plan: &PlanShow, record: bool) -> Markup {
    let ended_by = |ws: &str| {
        plan.reviews
            .iter()
            .rev()
            .find(|review| review.ended.iter().any(|id| id == ws))
    };
    html! {
        div id=(format!("plan-{}", plan.id)) data-testid=(format!("plan-{}", plan.id)) {
            h3.govuk-heading-m {
                span.govuk-caption-m { "Plan " (plan.id) }
                " "
                (heading(plan))
            }
            dl.govuk-summary-list {
                (widgets::row("Answers", html! {
                    @if plan.answers.is_empty() {
                        "No finding recorded yet"
                    }
                    @for (i, finding) in plan.answers.iter().enumerate() {
                        @if i > 0 { ", " }
                        a.govuk-link href=(format!("#weakness-{finding}")) { (finding) }
                    }
                }))
                (widgets::row("Stage", html! {
                    span data-testid=(format!("plan-stage-{}", plan.id)) {
                        (stage_tag(&plan.stage)) " version " (plan.version)
                    }
                    @if let Some(on) = plan.submitted { br; span.app-meta { "Last submitted " (on.long()) } }
                    @if let Some(on) = plan.accepted { br; span.app-meta { "Last accepted " (on.long()) } }
                }))
                (widgets::row("Started", widgets::date(plan.started)))
                (widgets::row("Last review", match plan.reviews.last() {
                    Some(review) => html! {
                        span data-testid=(format!("plan-review-{}", plan.id)) {
                            (review.by) ", " (widgets::date(review.on)) ": " (review.summary)
                        }
                    },
                    None => html! { "Not yet reviewed by DfE and NHS England" },
                }))
            }
            h4.govuk-heading-s { "Workstreams of " (plan.id) }
            @if plan.workstreams.is_empty() {
                p.govuk-body { "No workstreams yet." }
            } @else {
                ul.govuk-list.govuk-list--bullet data-testid=(format!("plan-workstreams-{}", plan.id)) {
                    @for ws in &plan.workstreams {
                        li data-testid=(format!("plan-workstream-{}", ws.id)) {
                            a.govuk-link href=(format!("#workstream-{}", ws.id)) { (ws.id) } " " (ws.title) ": "
                            @match ws.monitoring_ended {
                                Some(on) => {
                                    (widgets::tag(Colour::Purple, "Monitoring ended"))
                                    " on " (on.long())
                                    @if let Some(review) = ended_by(&ws.id) { " (review by " (review.by) ")" }
                                }
                                None => (widgets::tag(Colour::Blue, "Still monitored")),
                            }
                        }
                    }
                }
            }
            @if record {
                ul.govuk-list data-testid=(format!("plan-links-{}", plan.id)) {
                    li { a.govuk-link href=(format!("/plans/step?plan={}", plan.id)) { "Record that " (plan.id) " was submitted, accepted or revised" } }
                    li { a.govuk-link href=(format!("/plans/review?plan={}", plan.id)) { "Record a monitoring review of " (plan.id) } }
                    li { a.govuk-link href=(format!("/workstreams/new?plan={}", plan.id)) { "Add a workstream to " (plan.id) } }
                }
            }
        }
    }
}

/// Radios whose id is the page's prefix and its name.
fn radios(
    prefix: &str,
    form: &FormState,
    name: &str,
    legend: &str,
    hint: Option<&str>,
    choices: Vec<(String, String)>,
) -> Markup {
    let id = format!("{prefix}{name}");
    widgets::radios(&Radios {
        id: &id,
        name,
        legend,
        hint,
        error: form.error(name),
        value: form.value(name),
        choices,
    })
}

/// Checkboxes whose id is the page's prefix and its name.
fn checkboxes(
    prefix: &str,
    form: &FormState,
    name: &str,
    legend: &str,
    hint: Option<&str>,
    choices: Vec<(String, String)>,
) -> Markup {
    let id = format!("{prefix}{name}");
    widgets::checkboxes(&Checkboxes {
        id: &id,
        name,
        legend,
        hint,
        error: form.error(name),
        ticked: form.fields.all(name),
        choices,
    })
}

/// Every plan as choices of a select: "APP1: Accelerated Progress Plan, March 2023".
fn plan_choices(plan: &Plan) -> Vec<(String, String)> {
    let mut choices = vec![(String::new(), "Choose a plan".to_owned())];
    choices.extend(plan.plans.iter().map(|p| {
        (
            p.id.clone(),
            format!("{} {}", p.id, titled(p.kind.name(), &p.title)),
        )
    }));
    choices
}

/// Every recorded finding as checkbox choices: "AP1: Timeliness of EHC plans (area for
/// priority action)".
fn finding_choices(plan: &Plan) -> Vec<(String, String)> {
    plan.weaknesses
        .iter()
        .map(|w| {
            (
                w.id.clone(),
                format!(
                    "{}: {} ({})",
                    w.id,
                    w.title,
                    w.kind.name().to_ascii_lowercase()
                ),
            )
        })
        .collect()
}

/// Ids typed or ticked, each parsed; a problem is noted against `name`.
fn ids<T: std::str::FromStr>(fields: &Fields, errors: &mut Errors, name: &str) -> Vec<T>
where
    T::Err: std::fmt::Display,
{
    let mut out = Vec::new();
    for value in fields.all(name) {
        match value.parse::<T>() {
            Ok(id) => out.push(id),
            Err(err) => errors.add(name, input::capitalise(&err.to_string())),
        }
    }
    out
}

/// The plan named in a page's query (`?plan=APP1`), kept as the form's starting choice.
fn chosen(query: &[(String, String)]) -> Option<String> {
    query
        .iter()
        .find(|(key, value)| key == "plan" && !value.trim().is_empty())
        .map(|(_, value)| value.trim().to_owned())
}

// ---------------------------------------------------------------------------------------------
// Starting a plan
// ---------------------------------------------------------------------------------------------

const START: FormPage<'static> = FormPage {
    title: "Start a plan",
    intro: "A plan that answers findings of an inspection: an Accelerated Progress Plan after a revisit found insufficient progress, or a priority action plan or improvement plan after an inspection under the 2023 framework. Its workstreams, actions and reviews are recorded once it is started.",
    form_id: "plan-start-form",
    prefix: "plan-",
    action: "/plans/new",
    submit: "Start the plan",
    upload: false,
};

fn start_body(plan: &Plan, form: &FormState) -> Markup {
    let p = START.prefix;
    let kinds = [
        PlanKind::App,
        PlanKind::PriorityActionPlan,
        PlanKind::ImprovementPlan,
        PlanKind::Wsoa,
    ]
    .map(|kind| (kind.as_str().to_owned(), kind_words(kind)))
    .to_vec();
    html! {
        (radios(p, form, "kind", "Kind of plan", None, kinds))
        (text(p, form, "id", "Reference", Some("As your documents name it: for example, APP1 or PAP1. WSoA is the first Written Statement of Action's own."), Control::Text))
        (text(p, form, "title", "Title", Some("For example, Accelerated Progress Plan, March 2023"), Control::Text))
        @if plan.weaknesses.is_empty() {
            p.govuk-inset-text { "No findings are recorded yet: record the inspection and its findings first." }
        }
        (checkboxes(p, form, "answers", "Findings it answers", Some("Tick every finding the plan answers"), finding_choices(plan)))
        (date(p, form, "on", "Date it was started", Some("For example, 1 3 2023. It cannot be in the future.")))
    }
}

/// `GET /plans/new`.
pub async fn start_page(State(state): State<AppState>, user: Signed) -> Result<Response, WebError> {
    user.require_record()?;
    let plan = plan(&state).await?;
    let mut form = fresh_today()?;
    form.fields.set("kind", PlanKind::App.as_str());
    Ok(render(
        StatusCode::OK,
        &user,
        &START,
        &form,
        start_body(&plan, &form),
    ))
}

/// `POST /plans/new`: fields `kind` (app, priority-action-plan, improvement-plan, wsoa), `id`,
/// `title`, `answers` (repeated: the findings ticked), the date input `on`.
pub async fn start(
    State(state): State<AppState>,
    user: Signed,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let fields = input::accept(&user, form)?;
    let mut errors = Errors::default();
    let kind: Option<PlanKind> = input::parsed(&fields, &mut errors, "kind", "the kind of plan");
    let id: Option<PlanId> = input::parsed(&fields, &mut errors, "id", "the plan's reference");
    let title = input::required(&fields, &mut errors, "title", "the plan's title");
    let answers: Vec<WeaknessId> = ids(&fields, &mut errors, "answers");
    if answers.is_empty() && errors.get("answers").is_none() {
        errors.add("answers", "Tick at least one finding the plan answers");
    }
    let on = input::date(&fields, &mut errors, "on", "the date it was started");
    let again = |errors: Errors| async {
        let plan = plan(&state).await?;
        let form = FormState::again(fields.clone(), errors);
        Ok::<_, WebError>(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &user,
            &START,
            &form,
            start_body(&plan, &form),
        ))
    };
    let (Some(kind), Some(id), Some(on), true) = (kind, id, on, errors.is_empty()) else {
        return again(errors).await;
    };
    let command = Command::StartPlan(PlanStarted {
        id: id.clone(),
        kind,
        title,
        answers,
    });
    match submit(&state, &user, &fields, command, on).await? {
        Ok(seq) => Ok(done(
            &state,
            &user,
            &format!("/#plan-{id}"),
            format!("The {} {id} was started (event {seq}).", kind.name()),
        )),
        Err(refused) => {
            refusal(&mut errors, refused, |rejection| match rejection {
                Rejection::DuplicateId { .. } => "id",
                Rejection::Inconsistent(message) if message.contains("own Written Statement") => {
                    "id"
                }
                Rejection::UnknownId { .. } | Rejection::EmptyList { .. } => "answers",
                Rejection::Repeated { .. } | Rejection::TooMany { .. } => "answers",
                Rejection::InFuture { .. } | Rejection::DateOrder(_) => "on",
                other => field_named(other, &[("the plan's title", "title")]).unwrap_or("title"),
            });
            again(errors).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Submitting, accepting or revising a plan
// ---------------------------------------------------------------------------------------------

const STEP: FormPage<'static> = FormPage {
    title: "Record a plan's step",
    intro: "A plan is submitted to DfE and NHS England, accepted by them, or revised: a revision starts the plan's next version, which is then submitted again.",
    form_id: "plan-step-form",
    prefix: "step-",
    action: "/plans/step",
    submit: "Record the step",
    upload: false,
};

fn step_body(plan: &Plan, form: &FormState) -> Markup {
    let p = STEP.prefix;
    let steps = vec![
        ("submitted".to_owned(), "Submitted".to_owned()),
        ("accepted".to_owned(), "Accepted".to_owned()),
        ("revised".to_owned(), "Revised (a new version)".to_owned()),
    ];
    html! {
        (text(p, form, "plan", "Plan", None, Control::Select(plan_choices(plan))))
        @if let Some(current) = plan.plan(form.value("plan")) {
            p.govuk-body data-testid="plan-now" {
                "Plan " (current.id) " is now " (stage_tag(&current.stage)) " version " (current.version) "."
            }
        }
        (radios(p, form, "step", "What happened", None, steps))
        (text(p, form, "summary", "What was said", Some("Needed for a revision: what changed. Optional otherwise, for example Fit for purpose."), Control::Textarea { rows: 3 }))
        (date(p, form, "on", "Date", Some("For example, 30 7 2023. It cannot be in the future.")))
    }
}

/// `GET /plans/step?plan=ID`.
pub async fn step_page(
    State(state): State<AppState>,
    user: Signed,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.require_record()?;
    let plan = plan(&state).await?;
    let mut form = fresh_today()?;
    if let Some(id) = chosen(&query) {
        // The next step of the chosen plan, as a starting choice.
        if let Some(current) = plan.plan(&id) {
            let next = match current.stage.as_str() {
                "draft" => "submitted",
                "submitted" => "accepted",
                _ => "revised",
            };
            form.fields.set("step", next);
        }
        form.fields.set("plan", id);
    }
    Ok(render(
        StatusCode::OK,
        &user,
        &STEP,
        &form,
        step_body(&plan, &form),
    ))
}

/// `POST /plans/step`: fields `plan`, `step` (submitted, accepted, revised), `summary`, the
/// date input `on`.
pub async fn step(
    State(state): State<AppState>,
    user: Signed,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let fields = input::accept(&user, form)?;
    let mut errors = Errors::default();
    let id: Option<PlanId> = input::parsed(&fields, &mut errors, "plan", "the plan");
    let step: Option<PlanStep> = input::parsed(&fields, &mut errors, "step", "what happened");
    let summary = fields.optional("summary");
    if step == Some(PlanStep::Revised) && summary.is_none() {
        errors.add("summary", "Enter what changed in the revision");
    }
    let on = input::date(&fields, &mut errors, "on", "the date");
    let again = |errors: Errors| async {
        let plan = plan(&state).await?;
        let form = FormState::again(fields.clone(), errors);
        Ok::<_, WebError>(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &user,
            &STEP,
            &form,
            step_body(&plan, &form),
        ))
    };
    let (Some(id), Some(step), Some(on), true) = (id, step, on, errors.is_empty()) else {
        return again(errors).await;
    };
    let command = Command::StepPlan(StepPlan {
        plan: Some(id.clone()),
        step,
        summary,
    });
    match submit(&state, &user, &fields, command, on).await? {
        Ok(seq) => Ok(done(
            &state,
            &user,
            &format!("/#plan-{id}"),
            format!("Plan {id} was recorded as {step} (event {seq})."),
        )),
        Err(refused) => {
            refusal(&mut errors, refused, |rejection| match rejection {
                Rejection::UnknownId { .. } => "plan",
                Rejection::WrongStage(_) | Rejection::NotOpened => "step",
                Rejection::InFuture { .. } | Rejection::DateOrder(_) => "on",
                _ => "summary",
            });
            again(errors).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A monitoring review
// ---------------------------------------------------------------------------------------------

const REVIEW: FormPage<'static> = FormPage {
    title: "Record a monitoring review",
    intro: "A DfE and NHS England review of a plan: their conclusion, and for each of the plan's workstreams whether their monitoring continues or ends. A workstream whose monitoring has ended is no longer monitored.",
    form_id: "monitoring-form",
    prefix: "monitoring-",
    action: "/plans/review",
    submit: "Record the review",
    upload: false,
};

fn review_body(plan: &Plan, form: &FormState) -> Markup {
    let p = REVIEW.prefix;
    let chosen = plan.plan(form.value("plan"));
    let workstreams: Vec<(String, String)> = chosen
        .map(|current| {
            current
                .monitored()
                .map(|id| {
                    let title = plan.workstream(id).map_or("", |ws| ws.title.as_str());
                    (id.to_owned(), format!("{id}: {title}"))
                })
                .collect()
        })
        .unwrap_or_default();
    html! {
        input type="hidden" name="plan" value=(form.value("plan"));
        dl.govuk-summary-list {
            (widgets::row("Plan", html! {
                span id=(format!("{p}plan")) data-testid="review-plan" {
                    @match chosen {
                        Some(current) => { (current.id) " " (titled(current.kind.name(), &current.title)) }
                        None => { (form.value("plan")) }
                    }
                }
                " "
                a.govuk-link href="/plans/review" { "Choose another plan" }
            }))
        }
        @if let Some(message) = form.error("plan") {
            p.govuk-error-message { span.govuk-visually-hidden { "Error: " } (message) }
        }
        (text(p, form, "by", "Who reviewed", Some("For example, DfE and NHS England advisers"), Control::Text))
        (text(p, form, "summary", "Their conclusion", None, Control::Textarea { rows: 3 }))
        @if let Some(current) = chosen {
            @for (id, cite) in &current.monitoring_ended {
                p.govuk-body-s { "Monitoring of " (id) " already ended on " (cite.on.long()) "." }
            }
            @if workstreams.is_empty() {
                p.govuk-inset-text { "No workstream of " (current.id) " is still monitored." }
            }
        }
        @if !workstreams.is_empty() {
            (checkboxes(p, form, "continues", "Monitoring continues for", Some("Tick the workstreams they will go on monitoring"), workstreams.clone()))
            (checkboxes(p, form, "ended", "Monitoring ends for", Some("Tick the workstreams whose monitoring ends: this cannot be undone"), workstreams))
        }
        (date(p, form, "on", "Date of the review", Some("For example, 14 9 2023. It cannot be in the future.")))
    }
}

/// The first step of recording a review: which plan was reviewed (a form sent by GET).
fn choose_plan(user: &Signed, plan: &Plan, error: Option<&str>) -> Response {
    chooser(
        user,
        &REVIEW,
        "plan",
        "Which plan was reviewed",
        "Its workstreams are shown next, to say which continue to be monitored",
        plan_choices(plan),
        error,
    )
}

/// `GET /plans/review?plan=ID`: which plan was reviewed, then the review form with that plan's
/// workstreams.
pub async fn review_page(
    State(state): State<AppState>,
    user: Signed,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.require_record()?;
    let plan = plan(&state).await?;
    let Some(id) = chosen(&query) else {
        let error = query
            .iter()
            .any(|(key, _)| key == "plan")
            .then_some("Choose the plan that was reviewed");
        return Ok(choose_plan(&user, &plan, error));
    };
    if plan.plan(&id).is_none() {
        return Ok(choose_plan(
            &user,
            &plan,
            Some(&format!("There is no plan {id}: choose one of the list")),
        ));
    }
    let mut form = fresh_today()?;
    form.fields.set("plan", id);
    Ok(render(
        StatusCode::OK,
        &user,
        &REVIEW,
        &form,
        review_body(&plan, &form),
    ))
}

/// `POST /plans/review`: fields `plan`, `by`, `summary`, `continues` and `ended` (repeated:
/// the workstreams ticked), the date input `on`.
pub async fn review(
    State(state): State<AppState>,
    user: Signed,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let fields = input::accept(&user, form)?;
    let mut errors = Errors::default();
    let id: Option<PlanId> = input::parsed(&fields, &mut errors, "plan", "the plan reviewed");
    let by = input::required(&fields, &mut errors, "by", "who reviewed");
    let summary = input::required(&fields, &mut errors, "summary", "their conclusion");
    let continues: Vec<WorkstreamId> = ids(&fields, &mut errors, "continues");
    let ended: Vec<WorkstreamId> = ids(&fields, &mut errors, "ended");
    if let Some(both) = continues.iter().find(|ws| ended.contains(ws)) {
        errors.add(
            "ended",
            format!(
                "Workstream {both} is ticked both to continue and to end: tick it under one of them"
            ),
        );
    }
    let on = input::date(&fields, &mut errors, "on", "the date of the review");
    let again = |errors: Errors| async {
        let plan = plan(&state).await?;
        let form = FormState::again(fields.clone(), errors);
        Ok::<_, WebError>(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &user,
            &REVIEW,
            &form,
            review_body(&plan, &form),
        ))
    };
    let (Some(id), Some(on), true) = (id, on, errors.is_empty()) else {
        return again(errors).await;
    };
    let ending = ended.len();
    let command = Command::ReviewMonitoring(MonitoringReviewed {
        plan: id.clone(),
        by,
        summary,
        continues,
        ended,
    });
    match submit(&state, &user, &fields, command, on).await? {
        Ok(seq) => Ok(done(
            &state,
            &user,
            &format!("/#plan-{id}"),
            format!(
                "The review of plan {id} was recorded (event {seq}){}.",
                match ending {
                    0 => String::new(),
                    n => format!(
                        ": monitoring ended for {}",
                        crate::web::dashboard::plural(n as u64, "workstream", "workstreams")
                    ),
                }
            ),
        )),
        Err(refused) => {
            refusal(&mut errors, refused, |rejection| match rejection {
                Rejection::UnknownId { kind, .. } if *kind == "plan" => "plan",
                Rejection::UnknownId { .. }
                | Rejection::Inconsistent(_)
                | Rejection::Repeated { .. } => "continues",
                Rejection::WrongStage(message) if message.contains("cannot end") => "ended",
                Rejection::WrongStage(_) => "continues",
                Rejection::InFuture { .. } | Rejection::DateOrder(_) => "on",
                other => field_named(other, &[("who reviewed", "by"), ("the summary", "summary")])
                    .unwrap_or("summary"),
            });
            again(errors).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A workstream of a plan
// ---------------------------------------------------------------------------------------------

const WORKSTREAM: FormPage<'static> = FormPage {
    title: "Add a workstream",
    intro: "A workstream of a plan, with its senior sponsor and the findings it answers: only findings its plan answers.",
    form_id: "workstream-form",
    prefix: "workstream-",
    action: "/workstreams/new",
    submit: "Add the workstream",
    upload: false,
};

fn workstream_body(plan: &Plan, form: &FormState) -> Markup {
    let p = WORKSTREAM.prefix;
    html! {
        (text(p, form, "plan", "Plan", Some("The plan it belongs to"), Control::Select(plan_choices(plan))))
        (text(p, form, "id", "Reference", Some("For example, WS5: letters, digits, dots and hyphens"), Control::Text))
        (text(p, form, "title", "Title", Some("For example, Weekly EHC panel"), Control::Text))
        (text(p, form, "sponsor", "Sponsor", Some("The senior accountable sponsor, by role: for example, Director of Education"), Control::Text))
        (checkboxes(p, form, "weaknesses", "Findings it answers", Some("Tick at least one; each must be a finding its plan answers"), finding_choices(plan)))
        (date(p, form, "on", "Date it was agreed", Some("For example, 10 3 2023. It cannot be in the future.")))
    }
}

/// `GET /workstreams/new?plan=ID`.
pub async fn workstream_page(
    State(state): State<AppState>,
    user: Signed,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.require_record()?;
    let plan = plan(&state).await?;
    let mut form = fresh_today()?;
    let start = chosen(&query).or_else(|| plan.plans.last().map(|p| p.id.clone()));
    if let Some(id) = start {
        form.fields.set("plan", id);
    }
    Ok(render(
        StatusCode::OK,
        &user,
        &WORKSTREAM,
        &form,
        workstream_body(&plan, &form),
    ))
}

/// `POST /workstreams/new`: fields `plan`, `id`, `title`, `sponsor`, `weaknesses` (repeated:
/// the findings ticked), the date input `on`.
pub async fn workstream(
    State(state): State<AppState>,
    user: Signed,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let fields = input::accept(&user, form)?;
    let mut errors = Errors::default();
    let plan_id: Option<PlanId> = input::parsed(&fields, &mut errors, "plan", "the plan");
    let id: Option<WorkstreamId> =
        input::parsed(&fields, &mut errors, "id", "the workstream's reference");
    let title = input::required(&fields, &mut errors, "title", "the workstream's title");
    let sponsor = input::required(&fields, &mut errors, "sponsor", "the sponsor");
    let weaknesses: Vec<WeaknessId> = ids(&fields, &mut errors, "weaknesses");
    if weaknesses.is_empty() && errors.get("weaknesses").is_none() {
        errors.add(
            "weaknesses",
            "Tick at least one finding the workstream answers",
        );
    }
    let on = input::date(&fields, &mut errors, "on", "the date it was agreed");
    let again = |errors: Errors| async {
        let plan = plan(&state).await?;
        let form = FormState::again(fields.clone(), errors);
        Ok::<_, WebError>(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &user,
            &WORKSTREAM,
            &form,
            workstream_body(&plan, &form),
        ))
    };
    let (Some(plan_id), Some(id), Some(on), true) = (plan_id, id, on, errors.is_empty()) else {
        return again(errors).await;
    };
    let command = Command::AddWorkstream(AddWorkstream {
        plan: Some(plan_id.clone()),
        id: id.clone(),
        title,
        sponsor,
        weaknesses,
    });
    match submit(&state, &user, &fields, command, on).await? {
        Ok(seq) => Ok(done(
            &state,
            &user,
            &format!("/#plan-{plan_id}"),
            format!("Workstream {id} was added to plan {plan_id} (event {seq})."),
        )),
        Err(refused) => {
            refusal(&mut errors, refused, |rejection| match rejection {
                Rejection::DuplicateId { .. } => "id",
                Rejection::UnknownId { kind, .. } if *kind == "plan" => "plan",
                Rejection::UnknownId { .. }
                | Rejection::Inconsistent(_)
                | Rejection::EmptyList { .. }
                | Rejection::Repeated { .. }
                | Rejection::TooMany { .. } => "weaknesses",
                Rejection::InFuture { .. } | Rejection::DateOrder(_) => "on",
                other => field_named(
                    other,
                    &[
                        ("the workstream's title", "title"),
                        ("the sponsor", "sponsor"),
                    ],
                )
                .unwrap_or("title"),
            });
            again(errors).await
        }
    }
}
