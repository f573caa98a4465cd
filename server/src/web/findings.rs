//! The recording forms of inspections and what they found, and of the families' voice: an
//! inspection under either framework (2016 or 2023, full, monitoring or revisit, with the
//! 2023 framework's outcome), a finding of an inspection (an area of significant weakness, an
//! area for priority action or an area for improvement), and a "you said, we did, the
//! difference it made" entry about a weakness or finding. Officers and admins only.
//!
//! Each builds the same core `Command` as `wsoa inspection record`, `wsoa finding add` and
//! `wsoa coproduction add`, and sends it through the writer; a problem brings the form back
//! (422) with the error summary and the message beside the field.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use wsoa_core::command::{AddFinding, AddInspection};
use wsoa_core::event::{
    CoproductionRecorded, FindingKind, Framework, InspectionKind, InspectionOutcome,
};
use wsoa_core::plan::Plan;
use wsoa_core::{Command, InspectionId, Rejection, WeaknessId};

use crate::state::AppState;
use crate::web::forms::{FormPage, date, done, fresh_today, plan, render, text};
use crate::web::input::{self, Errors, FormState, field_named, refusal, submit};
use crate::web::widgets::{self, Control, Radios};
use crate::web::{Signed, WebError};

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

/// The words of a finding's kind for people: "Area for priority action".
pub fn finding_name(kind: FindingKind) -> String {
    widgets::sentence_case(kind.name())
}

/// An inspection in a few words: "2023 framework, full inspection".
pub fn inspection_words(framework: Framework, kind: InspectionKind) -> String {
    let kind = match kind {
        InspectionKind::Full => "full inspection",
        InspectionKind::Monitoring => "monitoring inspection",
        InspectionKind::Revisit => "revisit",
    };
    format!("{} framework, {kind}", framework.as_str())
}

// ---------------------------------------------------------------------------------------------
// An inspection
// ---------------------------------------------------------------------------------------------

const INSPECTION: FormPage<'static> = FormPage {
    title: "Record an inspection",
    intro: "An inspection of the local area's SEND arrangements by Ofsted and the CQC, under the 2016 framework (areas of significant weakness, a written statement of action, a revisit) or the framework in use since January 2023 (an outcome, areas for priority action and for improvement, monitoring inspections).",
    form_id: "inspection-form",
    prefix: "inspection-",
    action: "/inspections/new",
    submit: "Record the inspection",
    upload: false,
};

fn inspection_body(form: &FormState) -> Markup {
    let p = INSPECTION.prefix;
    let mut outcomes = vec![(
        String::new(),
        "No overall outcome (2016 framework)".to_owned(),
    )];
    outcomes.extend(
        [
            InspectionOutcome::Positive,
            InspectionOutcome::Inconsistent,
            InspectionOutcome::Systemic,
        ]
        .map(|outcome| {
            (
                outcome.as_str().to_owned(),
                widgets::sentence_case(outcome.describe()),
            )
        }),
    );
    html! {
        (radios(p, form, "framework", "Framework", None, vec![
            ("2016".to_owned(), "2016 framework".to_owned()),
            ("2023".to_owned(), "2023 framework (since January 2023)".to_owned()),
        ]))
        (radios(p, form, "kind", "Kind of inspection", Some("A monitoring inspection belongs to the 2023 framework; a revisit follows a written statement of action under the 2016 framework."), vec![
            ("full".to_owned(), "Full inspection".to_owned()),
            ("monitoring".to_owned(), "Monitoring inspection".to_owned()),
            ("revisit".to_owned(), "Revisit".to_owned()),
        ]))
        (radios(p, form, "outcome", "Outcome", Some("Only inspections under the 2023 framework give one."), outcomes))
        (text(p, form, "id", "Reference (optional)", Some("For example, I2. Leave blank for the next free one."), Control::Text))
        (text(p, form, "inspectorates", "Who inspected", Some("One a line"), Control::Textarea { rows: 2 }))
        (date(p, form, "from", "First day on site", Some("For example, 2 10 2023")))
        (date(p, form, "to", "Last day on site", Some("For example, 6 10 2023")))
        (date(p, form, "published", "Date the report was published", Some("For example, 20 11 2023. It cannot be in the future.")))
    }
}

/// `GET /inspections/new`.
pub async fn inspection_page(user: Signed) -> Result<Response, WebError> {
    user.require_record()?;
    let form = FormState::fresh(&[
        ("framework", "2023".to_owned()),
        ("kind", "full".to_owned()),
        ("inspectorates", "Ofsted\nCQC".to_owned()),
    ])?;
    Ok(render(
        StatusCode::OK,
        &user,
        &INSPECTION,
        &form,
        inspection_body(&form),
    ))
}

/// `POST /inspections/new`: fields `framework` (2016, 2023), `kind` (full, monitoring,
/// revisit), `outcome` (blank, positive, inconsistent, systemic), `id` (blank for the next
/// free one), `inspectorates` (one a line), the date inputs `from`, `to` and `published` (the
/// day it is recorded as happening).
pub async fn inspection(
    State(state): State<AppState>,
    user: Signed,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let fields = input::accept(&user, form)?;
    let mut errors = Errors::default();
    let framework: Option<Framework> =
        input::parsed(&fields, &mut errors, "framework", "the framework");
    let kind: Option<InspectionKind> =
        input::parsed(&fields, &mut errors, "kind", "the kind of inspection");
    let outcome: Option<InspectionOutcome> = match fields.optional("outcome") {
        None => None,
        Some(_) => input::parsed(&fields, &mut errors, "outcome", "the outcome"),
    };
    let id: Option<InspectionId> = match fields.optional("id") {
        None => None,
        Some(_) => input::parsed(&fields, &mut errors, "id", "the reference"),
    };
    let inspectorates = fields.lines("inspectorates");
    if inspectorates.is_empty() {
        errors.add(
            "inspectorates",
            "Enter who inspected, such as Ofsted and CQC",
        );
    }
    let from = input::date(&fields, &mut errors, "from", "the first day on site");
    let to = input::date(&fields, &mut errors, "to", "the last day on site");
    let published = input::date(&fields, &mut errors, "published", "the date of the report");
    let again = |errors: Errors| {
        let form = FormState::again(fields.clone(), errors);
        render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &user,
            &INSPECTION,
            &form,
            inspection_body(&form),
        )
    };
    let (Some(framework), Some(kind), Some(from), Some(to), Some(published), true) =
        (framework, kind, from, to, published, errors.is_empty())
    else {
        return Ok(again(errors));
    };
    let command = Command::AddInspection(AddInspection {
        id,
        framework,
        kind,
        outcome,
        inspectorates,
        from,
        to,
        published,
    });
    match submit(&state, &user, &fields, command, published).await? {
        Ok(seq) => Ok(done(
            &state,
            &user,
            "/#inspections",
            format!(
                "The {} published on {} was recorded (event {seq}).",
                inspection_words(framework, kind),
                published.long()
            ),
        )),
        Err(refused) => {
            refusal(&mut errors, refused, |rejection| match rejection {
                Rejection::DuplicateId { .. } => "id",
                Rejection::InFuture { .. } => "published",
                Rejection::DateOrder(message) if message.contains("published") => "published",
                Rejection::DateOrder(_) => "to",
                Rejection::Inconsistent(message) if message.contains("outcome") => "outcome",
                Rejection::Inconsistent(_) => "kind",
                _ => "inspectorates",
            });
            Ok(again(errors))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A finding
// ---------------------------------------------------------------------------------------------

const FINDING: FormPage<'static> = FormPage {
    title: "Add a finding",
    intro: "What an inspection found, in its framework's words: under the 2016 framework an area of significant weakness, under the 2023 framework an area for priority action or an area for improvement.",
    form_id: "finding-form",
    prefix: "finding-",
    action: "/findings/new",
    submit: "Add the finding",
    upload: false,
};

fn finding_body(plan: &Plan, form: &FormState) -> Markup {
    let p = FINDING.prefix;
    let mut inspections = vec![(String::new(), "The latest inspection".to_owned())];
    inspections.extend(plan.inspections.iter().map(|inspection| {
        (
            inspection.id.clone(),
            format!(
                "{}: {}, published {}",
                inspection.id,
                inspection_words(inspection.framework, inspection.kind),
                inspection.published.long()
            ),
        )
    }));
    let kinds = [
        FindingKind::Weakness,
        FindingKind::PriorityAction,
        FindingKind::Improvement,
    ]
    .map(|kind| {
        (
            kind.as_str().to_owned(),
            format!(
                "{} ({} framework)",
                finding_name(kind),
                kind.framework().as_str()
            ),
        )
    })
    .to_vec();
    html! {
        (text(p, form, "inspection", "Inspection", None, Control::Select(inspections)))
        (radios(p, form, "type", "Type of finding", None, kinds))
        (text(p, form, "id", "Reference", Some("As the report or your tracker writes it: for example, AP1, AFI2 or W3"), Control::Text))
        (text(p, form, "title", "Title", Some("A few words, for example Timeliness of EHC plans"), Control::Text))
        (text(p, form, "finding", "The finding (optional)", Some("The report's words"), Control::Textarea { rows: 4 }))
        (date(p, form, "on", "Date of the report", Some("For example, 20 11 2023. It cannot be in the future.")))
    }
}

/// `GET /findings/new`.
pub async fn finding_page(
    State(state): State<AppState>,
    user: Signed,
) -> Result<Response, WebError> {
    user.require_record()?;
    let plan = plan(&state).await?;
    let mut form = fresh_today()?;
    // The type the latest inspection's framework gives first.
    let first = match plan.inspections.last().map(|i| i.framework) {
        Some(Framework::Y2023) => FindingKind::PriorityAction,
        _ => FindingKind::Weakness,
    };
    form.fields.set("type", first.as_str());
    Ok(render(
        StatusCode::OK,
        &user,
        &FINDING,
        &form,
        finding_body(&plan, &form),
    ))
}

/// `POST /findings/new`: fields `inspection` (blank: the latest), `type` (weakness,
/// priority-action, improvement), `id`, `title`, `finding`, the date input `on`.
pub async fn finding(
    State(state): State<AppState>,
    user: Signed,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let fields = input::accept(&user, form)?;
    let mut errors = Errors::default();
    let inspection: Option<InspectionId> = match fields.optional("inspection") {
        None => None,
        Some(_) => input::parsed(&fields, &mut errors, "inspection", "the inspection"),
    };
    let kind: Option<FindingKind> =
        input::parsed(&fields, &mut errors, "type", "the type of finding");
    let id: Option<WeaknessId> = input::parsed(&fields, &mut errors, "id", "the reference");
    let title = input::required(&fields, &mut errors, "title", "the title");
    let finding = fields.optional("finding");
    let on = input::date(&fields, &mut errors, "on", "the date of the report");
    let again = |errors: Errors| async {
        let plan = plan(&state).await?;
        let form = FormState::again(fields.clone(), errors);
        Ok::<_, WebError>(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &user,
            &FINDING,
            &form,
            finding_body(&plan, &form),
        ))
    };
    let (Some(kind), Some(id), Some(on), true) = (kind, id, on, errors.is_empty()) else {
        return again(errors).await;
    };
    let command = Command::RecordFinding(AddFinding {
        id: id.clone(),
        inspection,
        kind,
        title,
        finding,
    });
    match submit(&state, &user, &fields, command, on).await? {
        Ok(seq) => Ok(done(
            &state,
            &user,
            &format!("/#weakness-{id}"),
            format!("{} {id} was added (event {seq}).", finding_name(kind)),
        )),
        Err(refused) => {
            refusal(&mut errors, refused, |rejection| match rejection {
                Rejection::DuplicateId { .. } => "id",
                Rejection::UnknownId { .. } | Rejection::NotOpened => "inspection",
                Rejection::InFuture { .. } | Rejection::DateOrder(_) => "on",
                Rejection::Inconsistent(message) if message.contains("recorded") => "inspection",
                Rejection::Inconsistent(_) => "type",
                other => field_named(
                    other,
                    &[("the finding's title", "title"), ("the finding", "finding")],
                )
                .unwrap_or("title"),
            });
            again(errors).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// You said, we did, the difference it made
// ---------------------------------------------------------------------------------------------

const COPRODUCTION: FormPage<'static> = FormPage {
    title: "Record what families said",
    intro: "You said, we did, the difference it made: what children, young people and families said about an area of the plan, what was done about it, and what changed.",
    form_id: "coproduction-form",
    prefix: "coproduction-",
    action: "/coproduction/new",
    submit: "Record it",
    upload: false,
};

fn coproduction_body(plan: &Plan, form: &FormState) -> Markup {
    let p = COPRODUCTION.prefix;
    let mut about = vec![(String::new(), "Choose the weakness or finding".to_owned())];
    about.extend(plan.weaknesses.iter().map(|weakness| {
        (
            weakness.id.clone(),
            format!("{}: {}", weakness.id, weakness.title),
        )
    }));
    html! {
        (text(p, form, "about", "What it is about", None, Control::Select(about)))
        (text(p, form, "from", "Whose voice it is", Some("For example, Northshire Parent Carer Forum, a survey of parents, or the young people's group"), Control::Text))
        (text(p, form, "respondents", "How many responded (optional)", Some("For a survey: the number of people who answered"), Control::Decimal))
        (text(p, form, "said", "You said", Some("What they said"), Control::Textarea { rows: 3 }))
        (text(p, form, "did", "We did", Some("What was done about it"), Control::Textarea { rows: 3 }))
        (text(p, form, "difference", "The difference it made (optional)", Some("What changed for children, young people and families, once known"), Control::Textarea { rows: 3 }))
        (date(p, form, "on", "Date", Some("When this was heard or reported, for example 14 3 2024. It cannot be in the future.")))
    }
}

/// `GET /coproduction/new`.
pub async fn coproduction_page(
    State(state): State<AppState>,
    user: Signed,
) -> Result<Response, WebError> {
    user.require_record()?;
    let plan = plan(&state).await?;
    let form = fresh_today()?;
    Ok(render(
        StatusCode::OK,
        &user,
        &COPRODUCTION,
        &form,
        coproduction_body(&plan, &form),
    ))
}

/// `POST /coproduction/new`: fields `about`, `from`, `respondents`, `said`, `did`,
/// `difference`, the date input `on`.
pub async fn coproduction(
    State(state): State<AppState>,
    user: Signed,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let fields = input::accept(&user, form)?;
    let mut errors = Errors::default();
    let about: Option<WeaknessId> =
        input::parsed(&fields, &mut errors, "about", "what it is about");
    let from = input::required(&fields, &mut errors, "from", "whose voice it is");
    let respondents = match fields.optional("respondents") {
        None => None,
        Some(text) => match text.parse::<u64>() {
            Ok(0) | Err(_) => {
                errors.add(
                    "respondents",
                    "How many responded must be a whole number from 1 up, such as 212, or left blank",
                );
                None
            }
            Ok(n) => Some(n),
        },
    };
    let said = input::required(&fields, &mut errors, "said", "what they said");
    let did = input::required(&fields, &mut errors, "did", "what was done");
    let difference = fields.optional("difference");
    let on = input::date(&fields, &mut errors, "on", "the date");
    let again = |errors: Errors| async {
        let plan = plan(&state).await?;
        let form = FormState::again(fields.clone(), errors);
        Ok::<_, WebError>(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &user,
            &COPRODUCTION,
            &form,
            coproduction_body(&plan, &form),
        ))
    };
    let (Some(about), Some(on), true) = (about, on, errors.is_empty()) else {
        return again(errors).await;
    };
    let command = Command::RecordCoproduction(CoproductionRecorded {
        about: about.clone(),
        said,
        did,
        difference,
        from,
        respondents,
    });
    match submit(&state, &user, &fields, command, on).await? {
        Ok(seq) => Ok(done(
            &state,
            &user,
            &format!("/#coproduction-{about}"),
            format!("What families said about {about} was recorded (event {seq})."),
        )),
        Err(refused) => {
            refusal(&mut errors, refused, |rejection| match rejection {
                Rejection::UnknownId { .. } => "about",
                Rejection::InFuture { .. } | Rejection::DateOrder(_) => "on",
                other => field_named(
                    other,
                    &[
                        ("what families said", "said"),
                        ("what was done", "did"),
                        ("the difference", "difference"),
                        ("whose voice", "from"),
                    ],
                )
                .unwrap_or("said"),
            });
            again(errors).await
        }
    }
}
