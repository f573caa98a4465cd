//! `/actions/{id}`: one action. What it is now (lead, deadline, status, RAG, success criteria),
//! its full history from the ledger (every status, RAG, owner, deadline and wording change with
//! who recorded it, when it happened, when it was recorded and why), its evidence, and, for
//! officers, one change at a time (`?change=`): the forms to change its status, amend it, add a
//! note, attach evidence, add a milestone and record one met or missed. With
//! `?as_of=DATE` it shows the action as it was that day, with no forms.
//!
//! Each form posts to its own address and, when recorded, redirects back here (303), so the
//! page shows the new state at once; when refused, the page comes back (422) with the problem
//! next to the field and what was typed kept.

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use wsoa_core::command::{AddNote, AttachEvidence};
use wsoa_core::event::{
    ActionAmendedWithDeadline, ActionStatusChanged, EvidenceKind, MilestoneAdded, MilestoneMet,
    MilestoneMissed, Rag, Status,
};
use wsoa_core::plan::{ActionView, EvidenceView, Plan};
use wsoa_core::point::Point;
use wsoa_core::timeline::{DEFAULT_LATE_AFTER, Entry, Filter};
use wsoa_core::{
    ActionId, Command, Date, Deadline, Digest, MilestoneId, Rejection, SubjectKind, SubjectRef,
};

use crate::auth::Permission;
use crate::state::{AppState, context, today};
use crate::web::input::{self, Errors, Fields, FormState, field_named, refusal, submit};
use crate::web::layout::{Nav, page as layout_page};
use crate::web::widgets::{
    self, Control, DateField, Field, error_summary_for, overdue_tag, rag_tag, status_tag,
};
use crate::web::{Signed, WebError, evidence, html_response};
use crate::writer::Job;

/// The largest text part of an upload form (a title, a kind, a date): anything longer is not
/// what the form sends.
const MAX_UPLOAD_TEXT: usize = 64 * 1024;

/// What the action page shows.
pub struct ActionData {
    /// The plan now.
    pub plan: Plan,
    /// The action.
    pub action: ActionView,
    /// Every event about it (and its evidence and risks), oldest first.
    pub history: Vec<Entry>,
    /// The day deadlines are judged at.
    pub today: Date,
    /// The past day the page shows the action as it was on, if any.
    pub as_of: Option<Date>,
}

/// The four forms of the page, each with what it holds.
pub struct ActionForms {
    /// Change status and RAG.
    pub status: FormState,
    /// Amend the lead, the deadline or the wording.
    pub amend: FormState,
    /// Add a note.
    pub note: FormState,
    /// Attach evidence.
    pub evidence: FormState,
    /// Add a milestone.
    pub milestone: FormState,
    /// Record a milestone met or missed.
    pub milestone_outcome: FormState,
}

impl ActionForms {
    /// The form whose fields' ids start with `prefix`.
    fn get(&self, prefix: &str) -> &FormState {
        match prefix {
            "status-" => &self.status,
            "amend-" => &self.amend,
            "note-" => &self.note,
            "milestone-" => &self.milestone,
            "milestone-outcome-" => &self.milestone_outcome,
            _ => &self.evidence,
        }
    }

    fn fresh(action: &ActionView, today: Date) -> Result<ActionForms, WebError> {
        let mut status = FormState::fresh(&[("status", action.status.as_str().to_owned())])?;
        status.set_date("on", today);
        // The deadline starts as the action has it: the plan's words, or the date.
        let words = action
            .deadline
            .as_ref()
            .and_then(Deadline::words)
            .unwrap_or("")
            .to_owned();
        let mut amend = FormState::fresh(&[
            ("title", action.title.clone()),
            ("owner", action.owner.clone()),
            (input::DEADLINE_WORDS, words.clone()),
        ])?;
        if words.is_empty() {
            amend.set_date("due", action.due);
        }
        amend.set_date("on", today);
        let mut note = FormState::fresh(&[])?;
        note.set_date("on", today);
        let mut evidence = FormState::fresh(&[("kind", "document".to_owned())])?;
        evidence.set_date("on", today);
        let mut milestone = FormState::fresh(&[])?;
        milestone.set_date("on", today);
        let first_open = action
            .milestones
            .iter()
            .find(|m| m.met.is_none() && m.missed.is_none())
            .map_or_else(String::new, |m| m.id.clone());
        let mut milestone_outcome =
            FormState::fresh(&[("milestone", first_open), ("outcome", "met".to_owned())])?;
        milestone_outcome.set_date("on", today);
        Ok(ActionForms {
            status,
            amend,
            note,
            evidence,
            milestone,
            milestone_outcome,
        })
    }
}

fn parse_id(id: &str) -> Result<ActionId, WebError> {
    ActionId::new(id).map_err(|_| {
        WebError::NotFound(format!(
            "There is no action '{id}'. Action references look like 1.1; find them on the plan."
        ))
    })
}

/// Reads the action, its history and the plan: now, or as they were on a past day (`as_of`,
/// by the dates things happened, as the dashboard's past-date view).
pub async fn load(
    state: &AppState,
    id: &ActionId,
    as_of: Option<Date>,
) -> Result<ActionData, WebError> {
    let clock_today = today()?;
    let wanted = id.clone();
    let point = as_of.map_or(Point::Now, Point::AsOf);
    state
        .fold(move |reader| {
            let point = reader.resolve_point(point)?;
            let (plan, last_recorded_at) = reader.plan_at(point)?;
            let today = point.today(last_recorded_at, clock_today);
            let id = wanted;
            let Some(action) = plan.action(id.as_str()).cloned() else {
                return Ok(None);
            };
            let filter = Filter {
                about: Some(SubjectRef {
                    kind: Some(SubjectKind::Action),
                    id: id.to_string(),
                }),
                ..Filter::default()
            };
            let matcher = filter
                .compile(&plan)
                .map_err(|err| crate::error::ApiError::internal(err.to_string()))?;
            let mut history = Vec::new();
            reader.for_each_entry(point, &matcher, |entry| {
                history.push(entry);
                Ok::<(), crate::error::ApiError>(())
            })?;
            // The plan as it stands keeps no action's history: its status changes and
            // amendments come from folding the action's own events (they depend on nothing
            // else), read by the subject index, so the page costs what the action holds.
            let mut own = Plan::default();
            for entry in &history {
                if let Some(stored) = reader.event(entry.seq)? {
                    own.apply(&stored.event);
                }
            }
            let mut action = action;
            if let Some(whole) = own.action(id.as_str()) {
                action.status_changes.clone_from(&whole.status_changes);
                action.amendments.clone_from(&whole.amendments);
                action.notes.clone_from(&whole.notes);
            }
            Ok(Some(ActionData {
                plan,
                action,
                history,
                today,
                as_of,
            }))
        })
        .await?
        .ok_or_else(|| match as_of {
            Some(day) => WebError::NotFound(format!(
                "There was no action {id} in the plan on {}: it was added later, or not at all. Open the plan today to find it.",
                day.long()
            )),
            None => WebError::NotFound(format!(
                "There is no action {id} in the ledger. Find the action on the plan."
            )),
        })
}

/// The action as it is now, without its history.
async fn current_action(state: &AppState, id: &ActionId) -> Result<ActionView, WebError> {
    let wanted = id.clone();
    state
        .fold(move |reader| {
            Ok(reader
                .plan_at(Point::Now)?
                .0
                .action(wanted.as_str())
                .cloned())
        })
        .await?
        .ok_or_else(|| WebError::NotFound(format!("There is no action {id} in the ledger.")))
}

/// The changes an officer can record on an action's page, one at a time: the `change` query
/// value, the form's prefix, and the link's words.
const CHANGES: [(&str, &str, &str); 6] = [
    ("status", "status-", "Change the status"),
    ("amend", "amend-", "Amend the lead, deadline or wording"),
    ("note", "note-", "Add a note"),
    ("evidence", "evidence-", "Attach evidence"),
    ("milestone", "milestone-", "Add a milestone"),
    (
        "milestone-outcome",
        "milestone-outcome-",
        "Record a milestone met or missed",
    ),
];

/// `GET /actions/{id}`, and `?as_of=YYYY-MM-DD` (or the date input's three fields): the
/// action as it was on that past day, with no forms. For officers, `?change=` opens one form
/// (`status`, `amend`, `note`, `evidence`, `milestone`, `milestone-outcome`): one change at a
/// time.
pub async fn page(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let mut errors = Errors::default();
    let query = Fields::new(query);
    let open = CHANGES
        .iter()
        .find(|(name, _, _)| *name == query.get("change"))
        .map(|(_, prefix, _)| *prefix);
    let as_of = crate::web::dashboard::past_day(&query, &mut errors, today()?);
    if let Some((_, message)) = errors.iter().next() {
        return Err(WebError::BadRequest(format!(
            "{message}. Choose the date on the plan page."
        )));
    }
    let data = load(&state, &id, as_of).await?;
    let forms = ActionForms::fresh(&data.action, data.today)?;
    Ok(respond(StatusCode::OK, &user, &data, &forms, open))
}

fn respond(
    status: StatusCode,
    user: &Signed,
    data: &ActionData,
    forms: &ActionForms,
    open: Option<&str>,
) -> Response {
    let title = format!("Action {}", data.action.id);
    let failed = open.is_some_and(|prefix| !forms.get(prefix).errors.is_empty());
    let title = if failed {
        format!("Error: {title}")
    } else {
        title
    };
    html_response(
        status,
        layout_page(&title, user, Nav::Plan, render(user, data, forms, open)),
    )
}

fn render(user: &Signed, data: &ActionData, forms: &ActionForms, open: Option<&str>) -> Markup {
    let action = &data.action;
    let workstream = data.plan.workstream(&action.workstream);
    let evidence: Vec<&EvidenceView> = action
        .evidence
        .iter()
        .filter_map(|id| data.plan.evidence_item(id))
        .collect();
    // The crumbs keep the past date, if any.
    let (plan_href, workstream_href) = match data.as_of {
        Some(day) => (
            format!("/?as_of={day}"),
            format!("/?as_of={day}#workstream-{}", action.workstream),
        ),
        None => (
            "/".to_owned(),
            format!("/#workstream-{}", action.workstream),
        ),
    };
    html! {
        (widgets::breadcrumbs(&[
            (&plan_href, "Plan"),
            (&workstream_href, &format!("Workstream {}", action.workstream)),
        ], &format!("Action {}", action.id)))
        @if let Some(day) = data.as_of {
            (widgets::past_banner(day, &format!("/actions/{}", action.id), "See this action today"))
        }
        @if let Some(prefix) = open {
            (error_summary_for(&forms.get(prefix).errors, prefix))
        }
        span.govuk-caption-m { "Action " (action.id) " of workstream " (action.workstream) }
        h1.govuk-heading-l data-testid="action-title" { (action.title) }
        // Officers see a Change link on what they can change; nothing changes in the past view.
        @let changes = user.can(Permission::Record) && data.as_of.is_none();
        @let status_href = format!("/actions/{}?change=status#change-status", action.id);
        @let amend_href = format!("/actions/{}?change=amend#amend", action.id);
        dl.govuk-summary-list data-testid="action-summary" {
            (widgets::change_row("Workstream", match workstream {
                Some(ws) => html! { (ws.id) ": " (ws.title) },
                None => html! { (action.workstream) },
            }, None, changes))
            (widgets::change_row("Lead", html! { span data-testid="action-owner" { (action.owner) } }, changes.then_some((amend_href.as_str(), "the lead")), changes))
            (widgets::change_row("Due", html! {
                span data-testid="action-due" { (due(action)) }
                @if action.due != action.original_due { " (first set for " (action.original_due.long()) ")" }
                @if action.overdue(data.today) { " " (overdue_tag(action.due.days_until(data.today))) }
            }, changes.then_some((amend_href.as_str(), "the deadline")), changes))
            (widgets::change_row("Status", html! { span data-testid="action-status" { (status_tag(action.status)) } }, changes.then_some((status_href.as_str(), "the status")), changes))
            (widgets::change_row("RAG", html! { span data-testid="action-rag" { (rag_tag(action.rag)) } }, changes.then_some((status_href.as_str(), "the RAG rating")), changes))
            (widgets::change_row("Success criteria", html! {
                @if action.success.is_empty() { "None recorded" }
                @else { ul.govuk-list.govuk-list--bullet { @for criterion in &action.success { li { (criterion) } } } }
            }, None, changes))
            (widgets::change_row("Created", html! { (widgets::date(action.cite.on)) " by " (action.cite.by) " (" a.govuk-link href=(crate::web::timeline::event_href(action.cite.seq)) { "event " (action.cite.seq) } ")" }, None, changes))
        }

        // Nothing is recorded from the past-date view; otherwise one change at a time.
        @if user.can(Permission::Record) && data.as_of.is_none() {
            @let open_milestones = action.milestones.iter().any(|m| m.met.is_none());
            @match open {
                Some(prefix) if prefix != "milestone-outcome-" || open_milestones => {
                    div.app-change data-testid="open-change" {
                        @match prefix {
                            "status-" => (status_form(user, action, &forms.status)),
                            "amend-" => (amend_form(user, action, &forms.amend)),
                            "note-" => (note_form(user, action, &forms.note)),
                            "milestone-" => (milestone_form(user, action, &forms.milestone)),
                            "milestone-outcome-" => (milestone_outcome_form(user, action, &forms.milestone_outcome)),
                            _ => (evidence_form(user, action, &forms.evidence)),
                        }
                        p.govuk-body { a.govuk-link href=(format!("/actions/{}", action.id)) { "Cancel and go back to the action" } }
                    }
                }
                _ => {
                    h2.govuk-heading-m id="record-a-change" { "Record a change" }
                    ul.govuk-list data-testid="change-links" {
                        @for (name, _, words) in CHANGES {
                            @if name != "milestone-outcome" || open_milestones {
                                li { a.govuk-link href=(format!("/actions/{}?change={name}", action.id)) { (words) } }
                            }
                        }
                    }
                }
            }
        }

        (milestones_section(action, data.today))

        h2.govuk-heading-m id="history" { "History" }
        p.govuk-body {
            "Everything the ledger holds about this action, its evidence and the risks to it, oldest first. "
            "“Happened” is the date given for the change; “Recorded” is when the ledger learned of it. "
            "Entries recorded " (DEFAULT_LATE_AFTER) " days or more after they happened are marked late."
        }
        (history_table(action, &data.history, user.can(Permission::Record) && data.as_of.is_none()))

        h2.govuk-heading-m id="evidence" { "Evidence" }
        @if evidence.is_empty() {
            p.govuk-body { "No evidence supports this action yet." }
        } @else {
            ul.govuk-list data-testid="action-evidence" {
                @for item in &evidence {
                    li id=(format!("evidence-{}", item.id)) {
                        strong { (item.id) } " " (item.title) " (" (item.kind.label()) ")"
                        div { (evidence::file_cell(item)) }
                    }
                }
            }
        }

    }
}

/// An action's deadline: the day it is judged by, beside the plan's words when the deadline
/// was written in words ("Autumn term 2021 (31 December 2021)").
pub fn due(action: &ActionView) -> Markup {
    html! {
        @match &action.deadline {
            None | Some(Deadline::On(_)) => (widgets::date(action.due)),
            Some(Deadline::Written { words, .. }) => {
                span data-testid="deadline-words" { (words) } " (" (widgets::date(action.due)) ")"
            }
            Some(Deadline::Recurring { words, .. }) => {
                span data-testid="deadline-words" { (words) } " (next update due by " (widgets::date(action.due)) ")"
            }
            Some(Deadline::NotSet { words }) => {
                span data-testid="deadline-words" { (words) } " " (widgets::tag(widgets::Colour::Yellow, "No deadline set"))
            }
        }
    }
}

fn history_table(action: &ActionView, history: &[Entry], can_correct: bool) -> Markup {
    html! {
        div.app-table-wrapper data-scroll-region tabindex="0" role="region" aria-label=(format!("History of action {}, scrolls sideways", action.id)) {
            table.govuk-table data-testid="history" {
                caption.govuk-table__caption.govuk-visually-hidden { "History of action " (action.id) }
                thead.govuk-table__head {
                    tr.govuk-table__row {
                        th.govuk-table__header scope="col" { "Event" }
                        th.govuk-table__header scope="col" { "Happened" }
                        th.govuk-table__header scope="col" { "Recorded" }
                        th.govuk-table__header scope="col" { "By" }
                        th.govuk-table__header scope="col" { "What changed" }
                    }
                }
                tbody.govuk-table__body {
                    @for entry in history {
                        tr.govuk-table__row data-testid=(format!("history-{}", entry.seq)) data-kind=(entry.kind) {
                            td.govuk-table__cell { a.govuk-link href=(crate::web::timeline::event_href(entry.seq)) aria-label=(format!("Event {}", entry.seq)) { (entry.seq) } }
                            td.govuk-table__cell { (widgets::date(entry.occurred_on)) }
                            td.govuk-table__cell {
                                (widgets::recorded(entry.recorded_at))
                                @if entry.is_late(DEFAULT_LATE_AFTER) {
                                    br; (widgets::tag(widgets::Colour::Yellow, &format!("Late: {} days after", entry.late_days)))
                                }
                            }
                            td.govuk-table__cell { (entry.actor) }
                            td.govuk-table__cell {
                                (detail(action, entry))
                                @if can_correct { (crate::web::correct::link(entry.seq)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The change an entry records, with tags for status and RAG moves and the reason for an
/// amendment, then the timeline's sentence.
fn detail(action: &ActionView, entry: &Entry) -> Markup {
    let status = action
        .status_changes
        .iter()
        .find(|change| change.cite.seq == entry.seq);
    let amendment = action
        .amendments
        .iter()
        .find(|amendment| amendment.cite.seq == entry.seq);
    html! {
        @if let Some(change) = status {
            div.app-tags {
                "Status " (status_tag(change.from)) " to " (status_tag(change.to))
                @if change.rag_from != change.rag_to {
                    "; RAG " (rag_tag(change.rag_from)) " to " (rag_tag(change.rag_to))
                }
            }
        }
        @if let Some(amendment) = amendment {
            ul.govuk-list {
                @if let Some((from, to)) = &amendment.due { li { "Deadline: " (from.long()) " to " strong { (to.long()) } } }
                @if let Some((from, to)) = &amendment.owner { li { "Lead: " (from) " to " strong { (to) } } }
                @if let Some((from, to)) = &amendment.title { li { "Wording: “" (from) "” to " strong { "“" (to) "”" } } }
                li { "Reason: " (amendment.reason) }
            }
        }
        p.govuk-body-s { (entry.sentence) }
    }
}

fn hidden(user: &Signed, form: &FormState) -> Markup {
    html! {
        input type="hidden" name="csrf" value=(user.csrf);
        input type="hidden" name="nonce" value=(form.value("nonce"));
    }
}

fn status_form(user: &Signed, action: &ActionView, form: &FormState) -> Markup {
    let mut rags = vec![(
        String::new(),
        format!(
            "Keep as it is ({})",
            action.rag.map_or("none".to_owned(), |rag| rag.label())
        ),
    )];
    rags.extend(widgets::choices(Rag::WORDS));
    html! {
        h2.govuk-heading-m id="change-status" { "Change the status" }
        form #status-form method="post" action=(format!("/actions/{}/status", action.id)) novalidate {
            (hidden(user, form))
            (widgets::radios(&widgets::Radios { id: "status-status", name: "status", legend: "Status", hint: None,
                error: form.error("status"), value: form.value("status"), choices: widgets::choices(Status::WORDS) }))
            (widgets::radios(&widgets::Radios { id: "status-rag", name: "rag", legend: "RAG rating", hint: None,
                error: form.error("rag"), value: form.value("rag"), choices: rags }))
            (widgets::field(&Field { id: "status-note", name: "note", label: "Update (optional)",
                hint: Some("What happened, in a sentence or two. Needed when reopening a complete or withdrawn action."),
                error: form.error("note"), value: form.value("note"), control: Control::Textarea { rows: 3 } }))
            (date_field("status-on", form))
            button.govuk-button type="submit" data-module="govuk-button" data-testid="submit-status" { "Change the status" }
        }
    }
}

fn amend_form(user: &Signed, action: &ActionView, form: &FormState) -> Markup {
    html! {
        h2.govuk-heading-m id="amend" { "Amend the lead, deadline or wording" }
        form #amend-form method="post" action=(format!("/actions/{}/amend", action.id)) novalidate {
            (hidden(user, form))
            (widgets::field(&Field { id: "amend-owner", name: "owner", label: "Lead", hint: None,
                error: form.error("owner"), value: form.value("owner"), control: Control::Text }))
            (crate::web::forms::deadline_fields("amend-", form, "Deadline"))
            (widgets::field(&Field { id: "amend-title", name: "title", label: "Wording", hint: None,
                error: form.error("title"), value: form.value("title"), control: Control::Textarea { rows: 2 } }))
            (widgets::field(&Field { id: "amend-reason", name: "reason", label: "Reason for the change",
                hint: Some("Inspectors ask why deadlines move: say why"),
                error: form.error("reason"), value: form.value("reason"), control: Control::Textarea { rows: 2 } }))
            (date_field("amend-on", form))
            button.govuk-button type="submit" data-module="govuk-button" data-testid="submit-amend" { "Amend the action" }
        }
    }
}

fn note_form(user: &Signed, action: &ActionView, form: &FormState) -> Markup {
    html! {
        h2.govuk-heading-m id="add-note" { "Add a note" }
        form #note-form method="post" action=(format!("/actions/{}/notes", action.id)) novalidate {
            (hidden(user, form))
            (widgets::field(&Field { id: "note-text", name: "text", label: "Note", hint: None,
                error: form.error("text"), value: form.value("text"), control: Control::Textarea { rows: 3 } }))
            (widgets::field(&Field { id: "note-from", name: "from", label: "Whose voice it is (optional)",
                hint: Some("For example, Parent Carer Forum. Leave blank if it is your own."),
                error: form.error("from"), value: form.value("from"), control: Control::Text }))
            (date_field("note-on", form))
            button.govuk-button type="submit" data-module="govuk-button" data-testid="submit-note" { "Add the note" }
        }
    }
}

fn evidence_form(user: &Signed, action: &ActionView, form: &FormState) -> Markup {
    html! {
        h2.govuk-heading-m id="attach" { "Attach evidence" }
        form #evidence-form method="post" action=(format!("/actions/{}/evidence", action.id)) enctype="multipart/form-data" novalidate {
            input type="hidden" name="csrf" value=(user.csrf);
            (widgets::field(&Field { id: "evidence-title", name: "title", label: "What it is",
                hint: Some("For example, Minutes of the SEND Improvement Board, 23 September 2021"),
                error: form.error("title"), value: form.value("title"), control: Control::Text }))
            (widgets::field(&Field { id: "evidence-kind", name: "kind", label: "Kind of document", hint: None,
                error: form.error("kind"), value: form.value("kind"), control: Control::Select(widgets::choices(EvidenceKind::WORDS)) }))
            (date_field("evidence-on", form))
            (widgets::field(&Field { id: "evidence-file", name: "file", label: "File",
                hint: Some("Keep personal data about children out of evidence where you can: only the file's hash enters the history, and its content can be redacted later."),
                error: form.error("file"), value: "", control: Control::File }))
            button.govuk-button type="submit" data-module="govuk-button" data-testid="submit-evidence" { "Attach the file" }
        }
    }
}

/// The action's milestones: what is to be in place by when, and whether it was met, missed or
/// is still due (overdue once its day has passed).
fn milestones_section(action: &ActionView, today: Date) -> Markup {
    html! {
        h2.govuk-heading-m id="milestones" { "Milestones" }
        @if action.milestones.is_empty() {
            p.govuk-body { "No milestones are set for this action." }
        } @else {
            div.app-table-wrapper data-scroll-region tabindex="0" role="region" aria-label=(format!("Milestones of action {}, scrolls sideways", action.id)) {
                table.govuk-table.app-table--stack data-testid="milestones" role="table" {
                    caption.govuk-table__caption.govuk-visually-hidden { "Milestones of action " (action.id) }
                    thead.govuk-table__head role="rowgroup" {
                        tr.govuk-table__row role="row" {
                            th.govuk-table__header scope="col" role="columnheader" { "Milestone" }
                            th.govuk-table__header scope="col" role="columnheader" { "State" }
                            th.govuk-table__header scope="col" role="columnheader" { "Due" }
                        }
                    }
                    tbody.govuk-table__body role="rowgroup" {
                        @for milestone in &action.milestones {
                            tr.govuk-table__row role="row" data-testid=(format!("milestone-{}", milestone.id)) {
                                td.govuk-table__cell role="cell" { strong { (milestone.id) } " " (milestone.title) }
                                td.govuk-table__cell role="cell" data-label="State" { (milestone_state(milestone, today)) }
                                td.govuk-table__cell role="cell" data-label="Due" { (milestone.due.describe(Date::long)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A milestone's state as a tag, with the day and what shows it or why it was missed.
fn milestone_state(milestone: &wsoa_core::plan::MilestoneView, today: Date) -> Markup {
    let state = milestone.state(today);
    let colour = match state {
        "met" => widgets::Colour::Green,
        "met late" => widgets::Colour::Blue,
        "missed" | "overdue" => widgets::Colour::Red,
        _ => widgets::Colour::Grey,
    };
    html! {
        span data-milestone-state=(state) { (widgets::tag(colour, &widgets::sentence_case(state))) }
        @if let Some((note, cite)) = &milestone.met {
            " on " (widgets::date(cite.on))
            @if let Some(note) = note { br; span.app-meta { (note) } }
        }
        @if let Some((reason, cite)) = &milestone.missed {
            @if milestone.met.is_none() { " on " (widgets::date(cite.on)) }
            br; span.app-meta { "Missed: " (reason) }
        }
    }
}

fn milestone_form(user: &Signed, action: &ActionView, form: &FormState) -> Markup {
    html! {
        h2.govuk-heading-m id="add-milestone" { "Add a milestone" }
        form #milestone-form method="post" action=(format!("/actions/{}/milestones", action.id)) novalidate {
            (hidden(user, form))
            (widgets::field(&Field { id: "milestone-id", name: "id", label: "Reference",
                hint: Some("Short, unique within this action: for example, 3m, 6m, 12m or MS1"),
                error: form.error("id"), value: form.value("id"), control: Control::Text }))
            (widgets::field(&Field { id: "milestone-title", name: "title", label: "What is to be in place", hint: None,
                error: form.error("title"), value: form.value("title"), control: Control::Textarea { rows: 2 } }))
            (crate::web::forms::deadline_fields("milestone-", form, "Due"))
            (date_field("milestone-on", form))
            button.govuk-button type="submit" data-module="govuk-button" data-testid="submit-milestone" { "Add the milestone" }
        }
    }
}

fn milestone_outcome_form(user: &Signed, action: &ActionView, form: &FormState) -> Markup {
    let milestones: Vec<(String, String)> = action
        .milestones
        .iter()
        .filter(|m| m.met.is_none())
        .map(|m| (m.id.clone(), format!("{}: {}", m.id, m.title)))
        .collect();
    html! {
        h2.govuk-heading-m id="milestone-outcome" { "Record a milestone met or missed" }
        form #milestone-outcome-form method="post" action=(format!("/actions/{}/milestones/outcome", action.id)) novalidate {
            (hidden(user, form))
            (widgets::radios(&widgets::Radios { id: "milestone-outcome-milestone", name: "milestone", legend: "Milestone", hint: None,
                error: form.error("milestone"), value: form.value("milestone"), choices: milestones }))
            (widgets::radios(&widgets::Radios { id: "milestone-outcome-outcome", name: "outcome", legend: "Was it met?", hint: None,
                error: form.error("outcome"), value: form.value("outcome"),
                choices: vec![("met".to_owned(), "Met".to_owned()), ("missed".to_owned(), "Missed".to_owned())] }))
            (widgets::field(&Field { id: "milestone-outcome-text", name: "text", label: "What shows it was met, or why it was missed",
                hint: Some("Optional when met; advisers ask why a milestone was missed, so say why"),
                error: form.error("text"), value: form.value("text"), control: Control::Textarea { rows: 2 } }))
            (date_field("milestone-outcome-on", form))
            button.govuk-button type="submit" data-module="govuk-button" data-testid="submit-milestone-outcome" { "Record it" }
        }
    }
}

fn date_field(id: &str, form: &FormState) -> Markup {
    widgets::date_input(&DateField {
        id,
        name: "on",
        legend: "When it happened",
        hint: Some("The day of the change, for example 23 9 2021. It cannot be in the future."),
        error: form.error("on"),
        values: form.date_values("on"),
    })
}

/// After a refusal: the page again with one form holding what was typed and the problems.
async fn refused(
    state: &AppState,
    user: &Signed,
    id: &ActionId,
    which: &'static str,
    fields: Fields,
    errors: Errors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let data = load(state, id, None).await?;
    let mut forms = ActionForms::fresh(&data.action, data.today)?;
    let form = FormState::again(fields, errors);
    match which {
        "status-" => forms.status = form,
        "amend-" => forms.amend = form,
        "note-" => forms.note = form,
        "milestone-" => forms.milestone = form,
        "milestone-outcome-" => forms.milestone_outcome = form,
        _ => forms.evidence = form,
    }
    Ok(respond(status, user, &data, &forms, Some(which)))
}

fn recorded(state: &AppState, user: &Signed, id: &ActionId, message: String) -> Response {
    user.flash(state, message);
    Redirect::to(&format!("/actions/{id}")).into_response()
}

/// `POST /actions/{id}/status`: fields `status`, `rag` (blank keeps it), `note`, `on`.
pub async fn change_status(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<String>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let fields = input::accept(&user, form)?;
    let id = parse_id(&id)?;
    let mut errors = Errors::default();
    let status: Option<Status> = input::parsed(&fields, &mut errors, "status", "the status");
    let rag: Option<Rag> = match fields.optional("rag") {
        None => None,
        Some(_) => input::parsed(&fields, &mut errors, "rag", "the RAG rating"),
    };
    let note = fields.optional("note");
    let on = input::occurred_on(&fields, &mut errors);
    let (Some(status), Some(on), true) = (status, on, errors.is_empty()) else {
        return refused(
            &state,
            &user,
            &id,
            "status-",
            fields,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let command = Command::ChangeActionStatus(ActionStatusChanged {
        id: id.clone(),
        status,
        rag,
        note,
    });
    match submit(&state, &user, &fields, command, on).await? {
        Ok(seq) => Ok(recorded(
            &state,
            &user,
            &id,
            format!("Action {id} is now {} (event {seq}).", status.label()),
        )),
        Err(refusal_reason) => {
            refusal(&mut errors, refusal_reason, |rejection| match rejection {
                Rejection::ReopenNeedsNote { .. } => "note",
                Rejection::InFuture { .. } => "on",
                other => field_named(other, &[("the note", "note")]).unwrap_or("status"),
            });
            refused(
                &state,
                &user,
                &id,
                "status-",
                fields,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `POST /actions/{id}/amend`: fields `owner`, the deadline (the date input `due` or
/// `due_words`, as written in the plan), `title` (each recorded only if changed from what the
/// action has now), `reason`, the date input `on`.
pub async fn amend(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<String>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let fields = input::accept(&user, form)?;
    let id = parse_id(&id)?;
    let current = current_action(&state, &id).await?;
    let mut errors = Errors::default();
    let owner = fields.optional("owner");
    let title = fields.optional("title");
    let due = input::deadline(&fields, &mut errors, false);
    let reason = input::required(&fields, &mut errors, "reason", "the reason for the change");
    let on = input::occurred_on(&fields, &mut errors);
    // Only what differs from the action now is recorded; a blank field changes nothing.
    let owner = owner.filter(|owner| *owner != current.owner);
    let title = title.filter(|title| *title != current.title);
    let now = current
        .deadline
        .clone()
        .unwrap_or(Deadline::On(current.due));
    let due = due.filter(|due| *due != now);
    if errors.is_empty() && owner.is_none() && title.is_none() && due.is_none() {
        errors.add(
            "owner",
            "Change the lead, the deadline or the wording: as typed, they are the same as now",
        );
    }
    let (Some(on), true) = (on, errors.is_empty()) else {
        return refused(
            &state,
            &user,
            &id,
            "amend-",
            fields,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let moved = due.is_some();
    let command = Command::AmendActionWithDeadline(ActionAmendedWithDeadline {
        id: id.clone(),
        title,
        owner,
        due,
        reason,
    });
    match submit(&state, &user, &fields, command, on).await? {
        Ok(seq) => Ok(recorded(
            &state,
            &user,
            &id,
            if moved {
                format!("The deadline of action {id} was moved (event {seq}).")
            } else {
                format!("Action {id} was amended (event {seq}).")
            },
        )),
        Err(refusal_reason) => {
            refusal(&mut errors, refusal_reason, |rejection| match rejection {
                Rejection::InFuture { .. } => "on",
                Rejection::DateOrder(_) => "due",
                other => field_named(
                    other,
                    &[
                        ("the reason", "reason"),
                        ("the owner", "owner"),
                        ("the action's title", "title"),
                        ("the deadline's words", input::DEADLINE_WORDS),
                    ],
                )
                .unwrap_or("reason"),
            });
            refused(
                &state,
                &user,
                &id,
                "amend-",
                fields,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `POST /actions/{id}/notes`: fields `text`, `from`, `on`.
pub async fn add_note(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<String>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let fields = input::accept(&user, form)?;
    let id = parse_id(&id)?;
    let mut errors = Errors::default();
    let text = input::required(&fields, &mut errors, "text", "the note");
    let from = fields.optional("from");
    let on = input::occurred_on(&fields, &mut errors);
    let (Some(on), true) = (on, errors.is_empty()) else {
        return refused(
            &state,
            &user,
            &id,
            "note-",
            fields,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let command = Command::AddNote(AddNote {
        about: SubjectRef {
            kind: Some(SubjectKind::Action),
            id: id.to_string(),
        },
        // Trimmed at the ends only: line breaks inside are part of what was said.
        text,
        from,
    });
    match submit(&state, &user, &fields, command, on).await? {
        Ok(seq) => Ok(recorded(
            &state,
            &user,
            &id,
            format!("The note was added to action {id} (event {seq})."),
        )),
        Err(refusal_reason) => {
            refusal(&mut errors, refusal_reason, |rejection| match rejection {
                Rejection::InFuture { .. } => "on",
                other => field_named(other, &[("the note", "text"), ("whose voice", "from")])
                    .unwrap_or("text"),
            });
            refused(
                &state,
                &user,
                &id,
                "note-",
                fields,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `POST /actions/{id}/evidence` (`multipart/form-data`): parts `csrf`, `title`, `kind`, `on`
/// and `file`. The file streams to a temporary file, refused past the server's upload limit;
/// the writer stores it and appends the event only if the rules accept it.
pub async fn attach(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, WebError> {
    user.require_record()?;
    let id = parse_id(&id)?;
    upload(state, user, multipart, Target::Action(id)).await
}

/// `POST /evidence/new` (`multipart/form-data`): as an action's upload, with the part
/// `supports` naming what the evidence supports (`weakness:W1`, `workstream:WS1`,
/// `action:1.1`, `measure:M1`).
pub async fn attach_chosen(
    State(state): State<AppState>,
    user: Signed,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, WebError> {
    user.require_record()?;
    upload(state, user, multipart, Target::Chosen).await
}

/// What an upload supports: the action whose page it came from, or what the evidence form's
/// `supports` field chose.
enum Target {
    Action(ActionId),
    Chosen,
}

impl Target {
    /// The form again, with what was typed and the problems.
    async fn again(
        &self,
        state: &AppState,
        user: &Signed,
        fields: Fields,
        errors: Errors,
        status: StatusCode,
    ) -> Result<Response, WebError> {
        match self {
            Target::Action(id) => {
                refused(state, user, id, "evidence-", fields, errors, status).await
            }
            Target::Chosen => {
                evidence::form_again(state, user, FormState::again(fields, errors), status).await
            }
        }
    }
}

/// A multipart form as read: its text fields, the file chosen (spooled to a temporary file,
/// with its name and declared media type) and whether that file was over the upload limit.
pub(crate) struct Upload {
    pub(crate) fields: Fields,
    pub(crate) file: Option<(std::fs::File, String, Option<String>)>,
    pub(crate) too_large: bool,
}

/// Reads a multipart form, streaming its part `file_part` to a temporary file and refusing it past
/// the server's upload limit.
pub(crate) async fn read_upload(
    state: &AppState,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
    file_part: &str,
) -> Result<Upload, WebError> {
    let mut multipart = multipart.map_err(|err| {
        WebError::BadRequest(format!(
            "The upload could not be read ({}). Submit it from the page again.",
            err.body_text()
        ))
    })?;
    let limit = state.limits().max_upload_bytes;
    let mut fields = Fields::default();
    let mut file: Option<(std::fs::File, String, Option<String>)> = None;
    let mut too_large = false;
    let bad = |err: axum::extract::multipart::MultipartError| {
        WebError::BadRequest(format!(
            "The upload could not be read ({}). Try again.",
            err.body_text()
        ))
    };
    while let Some(mut part) = multipart.next_field().await.map_err(bad)? {
        let name = part.name().unwrap_or("").to_owned();
        if name == file_part {
            let file_name = part.file_name().unwrap_or("").to_owned();
            let declared = part.content_type().map(str::to_owned);
            let (temp, written) = match crate::upload::spool(&mut part, limit).await {
                Ok(crate::upload::Spooled::File { file, size }) => (file, size),
                Ok(crate::upload::Spooled::TooLarge) => {
                    too_large = true;
                    break;
                }
                Err(crate::upload::SpoolError::Read(err)) => return Err(bad(err)),
                Err(crate::upload::SpoolError::Io(err)) => {
                    return Err(crate::error::ApiError::internal(err).into());
                }
            };
            if !file_name.trim().is_empty() || written > 0 {
                file = Some((temp, file_name, declared));
            }
        } else {
            let mut text = Vec::new();
            while let Some(chunk) = part.chunk().await.map_err(bad)? {
                text.extend_from_slice(&chunk);
                if text.len() > MAX_UPLOAD_TEXT {
                    return Err(WebError::TooLarge(format!(
                        "The form's field '{name}' is longer than {MAX_UPLOAD_TEXT} bytes."
                    )));
                }
            }
            fields.set(&name, String::from_utf8_lossy(&text).into_owned());
        }
    }
    Ok(Upload {
        fields,
        file,
        too_large,
    })
}

async fn upload(
    state: AppState,
    user: Signed,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
    target: Target,
) -> Result<Response, WebError> {
    let Upload {
        fields,
        file,
        too_large,
    } = read_upload(&state, multipart, "file").await?;
    let limit = state.limits().max_upload_bytes;
    let mut errors = Errors::default();
    user.check_csrf(Some(fields.get("csrf")))?;
    if too_large {
        errors.add(
            "file",
            format!(
                "The file is larger than this server's upload limit of {}. Choose a smaller file, or ask the server's operator to raise it.",
                widgets::size(limit)
            ),
        );
        return target
            .again(&state, &user, fields, errors, StatusCode::PAYLOAD_TOO_LARGE)
            .await;
    }
    let supports = match &target {
        Target::Action(id) => Some(SubjectRef {
            kind: Some(SubjectKind::Action),
            id: id.to_string(),
        }),
        Target::Chosen => input::parsed::<SubjectRef>(
            &fields,
            &mut errors,
            "supports",
            "what the evidence supports",
        ),
    };
    let title = input::required(&fields, &mut errors, "title", "what the document is");
    // The form always sends a kind; a client that sends none means any document.
    let kind: Option<EvidenceKind> = match fields.optional("kind") {
        None => Some(EvidenceKind::Document),
        Some(_) => input::parsed(&fields, &mut errors, "kind", "the kind of document"),
    };
    let on = input::occurred_on(&fields, &mut errors);
    let file = match file {
        None => {
            errors.add("file", "Choose the file to attach");
            None
        }
        Some((temp, name, declared)) => match crate::api::evidence::base_name(&name) {
            Ok(name) => Some((temp, name, declared)),
            Err(_) => {
                errors.add("file", "The file has no usable name: rename it, for example minutes.pdf, and choose it again");
                None
            }
        },
    };
    let (Some(supports), Some(kind), Some(on), Some((temp, file_name, declared)), true) =
        (supports, kind, on, file, errors.is_empty())
    else {
        if !errors.is_empty() && errors.get("file").is_none() {
            // Browsers never send a chosen file again, so say so beside the field.
            errors.add(
                "file",
                "Choose the file again: it is not kept when the form has a problem",
            );
        }
        return target
            .again(
                &state,
                &user,
                fields,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
    };
    let media_type = crate::upload::media_type(declared, &file_name);
    let command = AttachEvidence {
        id: None,
        content_hash: Digest([0; 32]),
        file_name,
        media_type,
        size: 0,
        title,
        kind,
        supports: vec![supports],
    };
    let context = context(user.actor(), Some(on))?;
    let appended = state
        .write(|reply| Job::Attach {
            file: temp,
            command,
            context,
            reply,
        })
        .await?;
    match appended {
        Ok(appended) => {
            let evidence = match &appended.event.body {
                wsoa_core::EventBody::EvidenceAttached(e) => e.id.to_string(),
                _ => "the evidence".to_owned(),
            };
            let seq = appended.event.seq;
            match &target {
                Target::Action(id) => Ok(recorded(
                    &state,
                    &user,
                    id,
                    format!("Evidence {evidence} was attached to action {id} (event {seq})."),
                )),
                Target::Chosen => {
                    user.flash(
                        &state,
                        format!("Evidence {evidence} was attached (event {seq})."),
                    );
                    Ok(Redirect::to(&format!("/evidence#evidence-{evidence}")).into_response())
                }
            }
        }
        Err(wsoa_store::StoreError::Rejected(rejection)) => {
            let field = match &rejection {
                Rejection::InFuture { .. } => "on",
                Rejection::UnknownId { .. } | Rejection::AmbiguousReference { .. } => "supports",
                other => field_named(
                    other,
                    &[("the evidence's title", "title"), ("the file name", "file")],
                )
                .unwrap_or("file"),
            };
            errors.add(field, input::web_message(&rejection));
            if field != "file" {
                errors.add(
                    "file",
                    "Choose the file again: it is not kept when the form has a problem",
                );
            }
            target
                .again(
                    &state,
                    &user,
                    fields,
                    errors,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
        }
        Err(err) => Err(err.into()),
    }
}

/// `POST /actions/{id}/milestones`: fields `id`, `title`, the deadline (the date input `due`,
/// or `due_words` as written in the plan), the date input `on`.
pub async fn add_milestone(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<String>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let fields = input::accept(&user, form)?;
    let id = parse_id(&id)?;
    let mut errors = Errors::default();
    let milestone: Option<MilestoneId> =
        input::parsed(&fields, &mut errors, "id", "the milestone's reference");
    let title = input::required(&fields, &mut errors, "title", "what is to be in place");
    let due = input::deadline(&fields, &mut errors, true);
    let on = input::occurred_on(&fields, &mut errors);
    let (Some(milestone), Some(due), Some(on), true) = (milestone, due, on, errors.is_empty())
    else {
        return refused(
            &state,
            &user,
            &id,
            "milestone-",
            fields,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let command = Command::AddMilestone(MilestoneAdded {
        action: id.clone(),
        id: milestone.clone(),
        title,
        due,
    });
    match submit(&state, &user, &fields, command, on).await? {
        Ok(seq) => Ok(recorded(
            &state,
            &user,
            &id,
            format!("Milestone {milestone} was added to action {id} (event {seq})."),
        )),
        Err(refusal_reason) => {
            refusal(&mut errors, refusal_reason, |rejection| match rejection {
                Rejection::DuplicateId { .. } => "id",
                Rejection::InFuture { .. } => "on",
                Rejection::DateOrder(_) => "due",
                other => field_named(
                    other,
                    &[
                        ("the milestone's title", "title"),
                        ("the deadline's words", input::DEADLINE_WORDS),
                    ],
                )
                .unwrap_or("title"),
            });
            refused(
                &state,
                &user,
                &id,
                "milestone-",
                fields,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `POST /actions/{id}/milestones/outcome`: fields `milestone`, `outcome` (met or missed),
/// `text` (what shows it was met, optional; why it was missed, required), the date input `on`.
pub async fn milestone_outcome(
    State(state): State<AppState>,
    user: Signed,
    Path(id): Path<String>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let fields = input::accept(&user, form)?;
    let id = parse_id(&id)?;
    let mut errors = Errors::default();
    let milestone: Option<MilestoneId> =
        input::parsed(&fields, &mut errors, "milestone", "the milestone");
    let met = match fields.get("outcome").trim() {
        "met" => Some(true),
        "missed" => Some(false),
        _ => {
            errors.add("outcome", "Choose whether the milestone was met or missed");
            None
        }
    };
    let text = fields.optional("text");
    if met == Some(false) && text.is_none() {
        errors.add("text", "Enter why the milestone was missed");
    }
    let on = input::occurred_on(&fields, &mut errors);
    let (Some(milestone), Some(met), Some(on), true) = (milestone, met, on, errors.is_empty())
    else {
        return refused(
            &state,
            &user,
            &id,
            "milestone-outcome-",
            fields,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let command = if met {
        Command::MeetMilestone(MilestoneMet {
            action: id.clone(),
            id: milestone.clone(),
            note: text,
        })
    } else {
        Command::MissMilestone(MilestoneMissed {
            action: id.clone(),
            id: milestone.clone(),
            reason: text.unwrap_or_default(),
        })
    };
    match submit(&state, &user, &fields, command, on).await? {
        Ok(seq) => Ok(recorded(
            &state,
            &user,
            &id,
            format!(
                "Milestone {milestone} of action {id} was recorded as {} (event {seq}).",
                if met { "met" } else { "missed" }
            ),
        )),
        Err(refusal_reason) => {
            refusal(&mut errors, refusal_reason, |rejection| match rejection {
                Rejection::InFuture { .. } | Rejection::DateOrder(_) => "on",
                Rejection::NothingChanged(_) | Rejection::UnknownId { .. } => "milestone",
                other => field_named(other, &[("the note", "text"), ("the reason", "text")])
                    .unwrap_or("milestone"),
            });
            refused(
                &state,
                &user,
                &id,
                "milestone-outcome-",
                fields,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
