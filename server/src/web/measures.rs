//! A measure's definition, period and trajectory, on the pages: the words the plan page gives
//! each measure (how it is counted, what each value covers, the value expected by now and
//! whether the latest is on, above or below it), and the officers' form that sets them, as
//! `wsoa measure amend` and `wsoa measure trajectory` do. The trajectory is typed one point a
//! line, a date and the value expected by then; a trajectory given replaces the whole one.
//!
//! Only what changed is sent: a form sent unchanged is refused here, and every rule (dates in
//! order, none before the baseline) is `decide`'s, shown beside the field.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use wsoa_core::command::{AmendMeasure, TrajectoryInput};
use wsoa_core::event::Period;
use wsoa_core::plan::{Against, MeasureView, Plan};
use wsoa_core::show::MeasureShow;
use wsoa_core::{Command, Date, Deadline, Decimal, MeasureId, Rejection};

use crate::state::AppState;
use crate::web::forms::{FormPage, chooser, done, fresh_today, plan, render, text};
use crate::web::input::{self, Errors, Fields, FormState, field_named, refusal, submit};
use crate::web::widgets::{self, Colour, Control};
use crate::web::{Signed, WebError};

/// A day as the trajectory field shows it: "31/03/2024".
fn day_text(day: Date) -> String {
    format!("{:02}/{:02}/{}", day.day(), day.month(), day.year())
}

/// How a measure is counted and judged, under its headline: its definition and period, the
/// latest value against the trajectory (on, above or below, with the value expected by then).
pub fn details(measure: &MeasureShow) -> Markup {
    let unit = &measure.unit;
    html! {
        @if measure.definition.is_some() || measure.period.is_some() || !measure.trajectory.is_empty() {
            dl.govuk-summary-list data-testid=(format!("measure-details-{}", measure.id)) {
                @if let Some(definition) = &measure.definition {
                    (widgets::row("How it is counted", html! { (definition) }))
                }
                @if let Some(period) = measure.period {
                    (widgets::row("Each value covers", html! { (widgets::sentence_case(period.describe())) }))
                }
                @if !measure.trajectory.is_empty() {
                    (widgets::row("Trajectory", html! {
                        @for (i, point) in measure.trajectory.iter().enumerate() {
                            @if i > 0 { ", " }
                            (widgets::amount(point.value.as_str(), unit)) " by " (point.on.long())
                        }
                    }))
                    (widgets::row("Against the trajectory", html! {
                        span data-testid=(format!("measure-against-{}", measure.id)) {
                            @match &measure.against_trajectory {
                                Some(judged) => {
                                    (against_tag(judged.against))
                                    ": the latest value, " (widgets::amount(judged.value.as_str(), unit)) " on " (judged.on.long())
                                    ", against " (widgets::amount(judged.expected.as_str(), unit)) " expected "
                                    @if judged.expected_on == measure.baseline_on && !measure.trajectory.iter().any(|p| p.on == judged.expected_on) {
                                        "(the baseline, before the trajectory's first point)"
                                    } @else {
                                        "by " (judged.expected_on.long())
                                    }
                                }
                                None => "No value recorded yet to judge",
                            }
                        }
                    }))
                }
            }
        }
    }
}

/// On, above or below trajectory as a tag.
pub fn against_tag(against: Against) -> Markup {
    let colour = match against {
        Against::On => Colour::Blue,
        Against::Above => Colour::Green,
        Against::Below => Colour::Red,
    };
    widgets::tag(colour, &widgets::sentence_case(against.words()))
}

// ---------------------------------------------------------------------------------------------
// The form
// ---------------------------------------------------------------------------------------------

const AMEND: FormPage<'static> = FormPage {
    title: "Change a measure's definition, period or trajectory",
    intro: "How a measure is counted, what each of its values covers, and the values expected on the way to its target. A trajectory given replaces the one recorded before; each value is judged against the last point on or before its date.",
    form_id: "measure-amend-form",
    prefix: "amend-",
    action: "/measures/amend",
    submit: "Save the changes",
    upload: false,
};

fn amend_body(plan: &Plan, form: &FormState) -> Markup {
    let p = AMEND.prefix;
    let mut periods = vec![(String::new(), "Not given".to_owned())];
    periods.extend(Period::ALL.into_iter().map(|period| {
        (
            period.word().to_owned(),
            widgets::sentence_case(period.describe()),
        )
    }));
    let chosen = plan.measure(form.value("measure"));
    let trajectory_hint = match chosen {
        Some(m) => format!(
            "One point a line: the date, a space, then the value expected by then in {}, for example 31/03/2024 45. The date may also be written as March 2024. Points go from the earliest, none before the baseline ({}). Left blank, the trajectory recorded stays as it is.",
            if m.unit.trim().is_empty() { "the measure's unit".to_owned() } else { format!("the measure's unit ({})", m.unit.trim()) },
            m.baseline_on.long()
        ),
        None => "One point a line: the date, a space, then the value expected by then in the measure's unit, for example 31/03/2024 45. The date may also be written as March 2024. Points go from the earliest, none before the baseline. Left blank, the trajectory recorded stays as it is.".to_owned(),
    };
    html! {
        input type="hidden" name="measure" value=(form.value("measure"));
        dl.govuk-summary-list {
            (widgets::row("Measure", html! {
                span id=(format!("{p}measure")) data-testid="amend-measure" {
                    @match chosen {
                        Some(m) => { (m.id) ": " (m.title) }
                        None => { (form.value("measure")) }
                    }
                }
                " "
                a.govuk-link href="/measures/amend" { "Choose another measure" }
            }))
            @if let Some(m) = chosen {
                (widgets::row("Baseline and target", html! {
                    span data-testid="measure-now" {
                        (widgets::amount(m.baseline.as_str(), &m.unit)) " on " (m.baseline_on.long())
                        "; target " (widgets::amount(m.target.as_str(), &m.unit)) " by " (m.target_by.long())
                    }
                }))
            }
        }
        @if let Some(message) = form.error("measure") {
            p.govuk-error-message { span.govuk-visually-hidden { "Error: " } (message) }
        }
        (text(p, form, "definition", "How it is counted", Some("For example, new EHC plans issued in the period within 20 weeks, excluding exceptions, as a share of all new plans issued"), Control::Textarea { rows: 3 }))
        (text(p, form, "period", "What each value covers", None, Control::Select(periods)))
        (text(p, form, "trajectory", "Trajectory", Some(&trajectory_hint), Control::Textarea { rows: 5 }))
        (crate::web::forms::date(p, form, "on", "Date agreed", Some("For example, 1 4 2024. It cannot be in the future.")))
    }
}

/// A measure's recorded definition, period and trajectory in the form's fields.
fn fill(form: &mut FormState, measure: &MeasureView) {
    form.fields.set("measure", measure.id.clone());
    form.fields
        .set("definition", measure.definition.clone().unwrap_or_default());
    form.fields.set(
        "period",
        measure.period.map_or("", |period| period.word()).to_owned(),
    );
    let lines: Vec<String> = measure
        .trajectory
        .iter()
        .map(|point| format!("{} {}", day_text(point.on), point.value.as_str()))
        .collect();
    form.fields.set("trajectory", lines.join("\n"));
}

/// The first step: which measure changes (a form sent by GET).
fn choose_measure(user: &Signed, plan: &Plan, error: Option<&str>) -> Response {
    let mut measures = vec![(String::new(), "Choose a measure".to_owned())];
    measures.extend(
        plan.measures
            .iter()
            .map(|m| (m.id.clone(), format!("{}: {}", m.id, m.title))),
    );
    chooser(
        user,
        &AMEND,
        "measure",
        "Which measure",
        "Its definition, period and trajectory as recorded are shown next, to change",
        measures,
        error,
    )
}

/// `GET /measures/amend?measure=ID`: the form, filled with what the measure has now.
pub async fn amend_page(
    State(state): State<AppState>,
    user: Signed,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    user.require_record()?;
    let plan = plan(&state).await?;
    let asked = Fields::new(query);
    let Some(wanted) = asked.optional("measure") else {
        let error = asked
            .has("measure")
            .then_some("Choose the measure to change");
        return Ok(choose_measure(&user, &plan, error));
    };
    let Some(measure) = plan.measure(&wanted) else {
        return Ok(choose_measure(
            &user,
            &plan,
            Some(&format!(
                "There is no measure {wanted}: choose one of the list"
            )),
        ));
    };
    let mut form = fresh_today()?;
    fill(&mut form, measure);
    Ok(render(
        StatusCode::OK,
        &user,
        &AMEND,
        &form,
        amend_body(&plan, &form),
    ))
}

/// Reads the trajectory field: one point a line, the date then the value. A problem names the
/// line.
fn trajectory(fields: &Fields, errors: &mut Errors, unit: &str) -> Option<Vec<TrajectoryInput>> {
    let mut points = Vec::new();
    for (n, line) in fields.get("trajectory").lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let line_no = n + 1;
        let Some((day, value)) = line.rsplit_once(char::is_whitespace) else {
            errors.add(
                "trajectory",
                format!(
                    "Line {line_no} ('{line}') needs a date and a value separated by a space, such as 31/03/2024 45"
                ),
            );
            return None;
        };
        let on = match Deadline::parse(day.trim()).ok().and_then(|d| d.date()) {
            Some(on) => on,
            None => {
                errors.add(
                    "trajectory",
                    format!(
                        "Line {line_no}: '{}' is not a day; write it as 31/03/2024, 2024-03-31 or March 2024",
                        day.trim()
                    ),
                );
                return None;
            }
        };
        let number = match value.strip_suffix('%') {
            Some(number) if unit.trim() == "%" => number,
            Some(_) => {
                errors.add(
                    "trajectory",
                    format!(
                        "Line {line_no}: the value is written as a percentage, but this measure is counted in {}: write the number alone",
                        if unit.trim().is_empty() { "no unit" } else { unit.trim() }
                    ),
                );
                return None;
            }
            None => value,
        };
        match number.parse::<Decimal>() {
            Ok(value) => points.push(TrajectoryInput {
                on,
                value,
                unit: None,
            }),
            Err(_) => {
                errors.add(
                    "trajectory",
                    format!("Line {line_no}: '{value}' is not a number, such as 45 or 12.5"),
                );
                return None;
            }
        }
    }
    Some(points)
}

/// `POST /measures/amend`: fields `measure`, `definition`, `period` (blank: not given),
/// `trajectory` (one "date value" a line), the date input `on`. Only what differs from the
/// measure as recorded is sent.
pub async fn amend(
    State(state): State<AppState>,
    user: Signed,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let fields = input::accept(&user, form)?;
    let plan_now = plan(&state).await?;
    let mut errors = Errors::default();
    let id: Option<MeasureId> = input::parsed(&fields, &mut errors, "measure", "the measure");
    let current = id.as_ref().and_then(|id| plan_now.measure(id.as_str()));
    if let (Some(id), None) = (&id, current) {
        errors.add(
            "measure",
            format!("There is no measure {id}: choose one of the list"),
        );
    }
    let period: Option<Period> = match fields.optional("period") {
        None => None,
        Some(_) => input::parsed(&fields, &mut errors, "period", "what each value covers"),
    };
    let unit = current.map_or("", |m| m.unit.as_str());
    let points = trajectory(&fields, &mut errors, unit);
    let on = input::date(&fields, &mut errors, "on", "the date agreed");
    let mut amendment = None;
    if let (Some(id), Some(current), Some(points)) = (&id, current, &points) {
        let definition = fields
            .optional("definition")
            .filter(|d| current.definition.as_ref() != Some(d));
        let period = period.filter(|p| current.period != Some(*p));
        let same_points = points.len() == current.trajectory.len()
            && points
                .iter()
                .zip(&current.trajectory)
                .all(|(a, b)| a.on == b.on && a.value.compare(&b.value).is_eq());
        let trajectory = (!points.is_empty() && !same_points).then(|| points.clone());
        if definition.is_none() && period.is_none() && trajectory.is_none() {
            if fields.optional("definition").is_none()
                && points.is_empty()
                && fields.optional("period").is_none()
            {
                errors.add(
                    "definition",
                    "Enter how it is counted, choose what each value covers, or give a trajectory",
                );
            } else {
                errors.add(
                    "definition",
                    format!("Nothing was changed: measure {id} already has this definition, period and trajectory. Change one of them, or cancel"),
                );
            }
        }
        amendment = Some(AmendMeasure {
            id: id.clone(),
            definition,
            period,
            trajectory,
        });
    }
    let again = |errors: Errors| {
        let form = FormState::again(fields.clone(), errors);
        render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &user,
            &AMEND,
            &form,
            amend_body(&plan_now, &form),
        )
    };
    let (Some(amendment), Some(on), true) = (amendment, on, errors.is_empty()) else {
        return Ok(again(errors));
    };
    let id = amendment.id.clone();
    match submit(&state, &user, &fields, Command::AmendMeasure(amendment), on).await? {
        Ok(seq) => Ok(done(
            &state,
            &user,
            &format!("/#measure-{id}"),
            format!("Measure {id} was changed (event {seq})."),
        )),
        Err(refused) => {
            refusal(&mut errors, refused, |rejection| match rejection {
                Rejection::UnknownId { .. } => "measure",
                Rejection::DateOrder(message) if message.contains("trajectory") => "trajectory",
                Rejection::Inconsistent(_) | Rejection::TooMany { .. } => "trajectory",
                Rejection::InFuture { .. } | Rejection::DateOrder(_) => "on",
                other => {
                    field_named(other, &[("the definition", "definition")]).unwrap_or("definition")
                }
            });
            Ok(again(errors))
        }
    }
}
