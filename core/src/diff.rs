//! `Diff`: what changed between two moments, such as since the last monitoring visit. A pure
//! comparison of the plan at each moment, with the events recorded in between deciding what
//! counts as new: actions added, completed or closed, re-dated (with the reasons), status and RAG
//! movements, owner changes, new evidence, measure movements, monitoring-visit feedback, board
//! reviews, risks raised and closed, notes and corrections. Every item cites its events.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::event::{Event, Progress, Rag, Status};
use crate::ids::{Subject, SubjectKind};
use crate::plan::{ActionView, Cite, MeasureValue, MeasureView, Plan, PointKind};
use crate::point::Point;
use crate::timeline::{and_list, because, capitalise, plural, quantity, quote, size, subject_of};

/// Plans started, a started plan's submissions and acceptances, and DfE and NHS England
/// reviews of a plan's monitoring (with the visits), inside the window.
fn plan_changes(after: &Plan, inside: &dyn Fn(&Cite) -> bool, diff: &mut Diff) {
    for plan in after.plans.iter().filter(|p| !p.implicit) {
        if inside(&plan.cite) {
            diff.other.push(Item {
                text: format!(
                    "{} started on {}, answering {}",
                    capitalise(&plan.name()),
                    plan.cite.on.long(),
                    and_list(&plan.answers)
                ),
                subject: None,
                cites: vec![plan.cite.seq],
            });
        }
        for (step, cite) in [("submitted", &plan.submitted), ("accepted", &plan.accepted)] {
            if let Some(cite) = cite.as_ref().filter(|cite| inside(cite)) {
                diff.other.push(Item {
                    text: format!("Plan {} {step} on {}", plan.id, cite.on.long()),
                    subject: None,
                    cites: vec![cite.seq],
                });
            }
        }
    }
    for plan in &after.plans {
        for review in plan.reviews.iter().filter(|r| inside(&r.cite)) {
            let mut text = format!(
                "Monitoring review of plan {} by {} on {}: {}",
                plan.id,
                review.by,
                review.cite.on.long(),
                quote(&review.summary)
            );
            if !review.continues.is_empty() {
                text.push_str(&format!(
                    "; monitoring continues for {}",
                    and_list(&review.continues)
                ));
            }
            if !review.ended.is_empty() {
                text.push_str(&format!(
                    "; monitoring ended for {}",
                    and_list(&review.ended)
                ));
            }
            diff.visits.push(Item {
                subject: None,
                text,
                cites: vec![review.cite.seq],
            });
        }
    }
}

/// One of the two moments compared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Moment {
    /// The point as written (`visit:last`, `2021-11-18`, `now`).
    pub point: String,
    /// The moment for people: "the last monitoring visit on 18 November 2021 (event 57)".
    pub label: String,
    /// The last event folded at that moment, if any.
    pub last_seq: Option<u64>,
    /// How many events were folded.
    pub events: u64,
}

impl Moment {
    /// Describes `point` (as the user gave it, before `visit:` was resolved), read from the plan
    /// folded at it.
    pub fn new(point: &Point, plan: &Plan) -> Moment {
        let event = plan
            .last_seq
            .map(|seq| format!(" (event {seq})"))
            .unwrap_or_else(|| " (before any event)".to_owned());
        let label = match point {
            Point::Now => format!("now{event}"),
            Point::Seq(seq) => format!("event {seq}"),
            Point::Known(day) => format!("what was known by the end of {}{event}", day.long()),
            Point::AsOf(day) => day.long(),
            Point::Visit(n) => {
                let which = match n {
                    None => "the last monitoring visit".to_owned(),
                    Some(n) => format!("monitoring visit {n}"),
                };
                match plan.visits.last() {
                    Some(visit) => format!("{which} on {}{event}", visit.cite.on.long()),
                    None => format!("{which}{event}"),
                }
            }
        };
        Moment {
            point: point.to_string(),
            label,
            last_seq: plan.last_seq,
            events: plan.events,
        }
    }
}

impl Moment {
    /// The moment after the last event folded into `plan`: "event 57", or "the start of the
    /// ledger" when there is none.
    pub fn at_last_event(plan: &Plan) -> Moment {
        match plan.last_seq {
            Some(seq) => Moment::new(&Point::Seq(seq), plan),
            None => Moment {
                point: "seq:none".to_owned(),
                label: "the start of the ledger".to_owned(),
                last_seq: None,
                events: 0,
            },
        }
    }
}

/// One change, in plain English, with the events it rests on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Item {
    /// The thing that changed, if it is one thing.
    pub subject: Option<Subject>,
    /// What changed.
    pub text: String,
    /// The sequence numbers of the events it rests on.
    pub cites: Vec<u64>,
}

/// What changed between two moments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diff {
    /// The earlier moment.
    pub from: Moment,
    /// The later moment.
    pub to: Moment,
    /// How many events were recorded in between.
    pub events: usize,
    /// Whether anything changed.
    pub changed: bool,
    /// Actions created.
    pub actions_added: Vec<Item>,
    /// Actions that became complete or were withdrawn.
    pub actions_completed: Vec<Item>,
    /// Deadlines moved, with the reasons.
    pub deadlines_moved: Vec<Item>,
    /// Other status and RAG movements.
    pub status_changes: Vec<Item>,
    /// Owners changed.
    pub owners_changed: Vec<Item>,
    /// Evidence attached.
    pub evidence_added: Vec<Item>,
    /// Measure values recorded, from the value before to the value after.
    pub measures: Vec<Item>,
    /// Monitoring visits and their feedback.
    pub visits: Vec<Item>,
    /// Board reviews.
    pub reviews: Vec<Item>,
    /// Risks raised.
    pub risks_raised: Vec<Item>,
    /// Risks closed.
    pub risks_closed: Vec<Item>,
    /// Notes added (co-production, the voice of parent carers and young people).
    pub notes: Vec<Item>,
    /// Corrections of earlier events.
    pub corrections: Vec<Item>,
    /// Everything else: weaknesses, workstreams, the statement, rewordings, redactions, risk
    /// levels, the revisit.
    pub other: Vec<Item>,
}

impl Diff {
    /// The sections in reading order: (heading, items).
    pub fn sections(&self) -> [(&'static str, &[Item]); 14] {
        [
            ("Actions added", &self.actions_added),
            ("Actions completed or closed", &self.actions_completed),
            ("Deadlines moved", &self.deadlines_moved),
            ("Status and RAG changes", &self.status_changes),
            ("Owners changed", &self.owners_changed),
            ("Evidence added", &self.evidence_added),
            ("Measures", &self.measures),
            ("Monitoring visit feedback", &self.visits),
            ("Board reviews", &self.reviews),
            ("Risks raised", &self.risks_raised),
            ("Risks closed", &self.risks_closed),
            ("Notes", &self.notes),
            ("Corrections", &self.corrections),
            ("Other changes", &self.other),
        ]
    }

    /// Every list of changes, to narrow them all at once.
    fn lists_mut(&mut self) -> [&mut Vec<Item>; 14] {
        [
            &mut self.actions_added,
            &mut self.actions_completed,
            &mut self.deadlines_moved,
            &mut self.status_changes,
            &mut self.owners_changed,
            &mut self.evidence_added,
            &mut self.measures,
            &mut self.visits,
            &mut self.reviews,
            &mut self.risks_raised,
            &mut self.risks_closed,
            &mut self.notes,
            &mut self.corrections,
            &mut self.other,
        ]
    }

    /// Only the changes about one of `subjects` (a thing and what sits under it, as
    /// `timeline::Matcher::subjects` gives them); a change about no one thing (a visit, a
    /// board) is left out.
    pub fn about(mut self, subjects: &std::collections::BTreeSet<Subject>) -> Diff {
        for list in self.lists_mut() {
            list.retain(|item| item.subject.as_ref().is_some_and(|s| subjects.contains(s)));
        }
        self.changed = self.sections().iter().any(|(_, items)| !items.is_empty());
        self
    }

    /// The diff as text for people: a sentence saying which moments are compared, then a
    /// headed section per kind of change, each item citing its events.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let by_dates = [&self.from, &self.to]
            .iter()
            .any(|moment| moment.point.starts_with("asof:"));
        let (how, between) = if by_dates {
            (" (by the dates things happened)", "happened")
        } else {
            ("", "were recorded")
        };
        if !self.changed {
            out.push_str(&format!(
                "Nothing changed between {} and {}{how}: no events {between} in between.\n",
                self.from.label, self.to.label
            ));
            return out;
        }
        out.push_str(&format!(
            "Since {} to {}{how}: {} {}.\n",
            self.from.label,
            self.to.label,
            plural(self.events as u64, "event", "events"),
            if by_dates { "happened" } else { "recorded" }
        ));
        for (heading, items) in self.sections() {
            if items.is_empty() {
                continue;
            }
            out.push_str(&format!("\n{heading} ({}):\n", items.len()));
            for item in items {
                out.push_str(&format!("  - {} ({})\n", item.text, cites(&item.cites)));
            }
        }
        out
    }
}

/// "event 57", "events 57, 61 and 70".
fn cites(seqs: &[u64]) -> String {
    let numbers: Vec<String> = seqs.iter().map(u64::to_string).collect();
    match numbers.len() {
        1 => format!("event {}", numbers[0]),
        _ => format!("events {}", and_list(&numbers)),
    }
}

/// What changed from `before` to `after`, where `events_between` are the events folded into
/// `after` but not `before` (for two prefixes of the ledger: those with a sequence number after
/// the first's last and up to the second's). The moments are labelled by their last events;
/// replace `from` and `to` with `Moment::new` to name them as the user did.
pub fn diff(before: &Plan, after: &Plan, events_between: &[&Event]) -> Diff {
    let window: BTreeSet<u64> = events_between.iter().map(|event| event.seq).collect();
    let inside = |cite: &Cite| window.contains(&cite.seq);
    let mut diff = Diff {
        from: Moment::at_last_event(before),
        to: Moment::at_last_event(after),
        events: window.len(),
        changed: !window.is_empty(),
        actions_added: Vec::new(),
        actions_completed: Vec::new(),
        deadlines_moved: Vec::new(),
        status_changes: Vec::new(),
        owners_changed: Vec::new(),
        evidence_added: Vec::new(),
        measures: Vec::new(),
        visits: Vec::new(),
        reviews: Vec::new(),
        risks_raised: Vec::new(),
        risks_closed: Vec::new(),
        notes: Vec::new(),
        corrections: Vec::new(),
        other: Vec::new(),
    };

    other_structure(before, after, &inside, &mut diff);
    plan_changes(after, &inside, &mut diff);
    for action in &after.actions {
        actions(before, after, action, &inside, &mut diff);
    }
    for evidence in &after.evidence {
        let (subject, name) = thing(after, SubjectKind::Evidence, &evidence.id);
        if before.evidence_item(&evidence.id).is_none() && inside(&evidence.cite) {
            let supports: Vec<String> = evidence
                .supports
                .iter()
                .map(|s| after.describe(s))
                .collect();
            diff.evidence_added.push(Item {
                text: format!(
                    "{} ({}, {}) attached on {}, supporting {}",
                    capitalise(&name),
                    evidence.kind.label(),
                    size(evidence.size),
                    evidence.cite.on.long(),
                    and_list(&supports)
                ),
                subject: subject.clone(),
                cites: vec![evidence.cite.seq],
            });
        }
        if let Some((reason, cite)) = &evidence.redacted
            && inside(cite)
        {
            diff.other.push(Item {
                text: format!(
                    "Content of {} purged on {}{}",
                    name,
                    cite.on.long(),
                    because(reason)
                ),
                subject,
                cites: vec![cite.seq],
            });
        }
    }
    for measure in &after.measures {
        if let Some(item) = measure_item(before, after, measure, &inside) {
            diff.measures.push(item);
        }
    }
    for visit in after.visits.iter().filter(|visit| inside(&visit.cite)) {
        let mut text = format!(
            "Monitoring visit {} by {} on {}",
            visit.number,
            visit.by,
            visit.cite.on.long()
        );
        if let Some(summary) = &visit.summary {
            text.push_str(&format!(": {}", quote(summary)));
        }
        for (label, kind, list) in [
            ("Strengths", PointKind::Strength, &visit.strengths),
            ("Concerns", PointKind::Concern, &visit.concerns),
            ("Next steps", PointKind::NextStep, &visit.next_steps),
        ] {
            if !list.is_empty() {
                let quoted: Vec<String> = list
                    .iter()
                    .enumerate()
                    .map(|(i, s)| match visit.about(kind, i) {
                        [] => quote(s),
                        about => format!("{} (about {})", quote(s), about.join(", ")),
                    })
                    .collect();
                text.push_str(&format!(". {label}: {}", quoted.join("; ")));
            }
        }
        if let Some(letter) = &visit.letter {
            text.push_str(&format!(". Their letter is evidence {letter}"));
        }
        diff.visits.push(Item {
            subject: None,
            text,
            cites: vec![visit.cite.seq],
        });
    }
    for review in after.reviews.iter().filter(|review| inside(&review.cite)) {
        let parts: Vec<String> = review
            .assessments
            .iter()
            .map(|(ws, rating, note)| {
                let was = after
                    .workstream(ws)
                    .and_then(|view| {
                        view.assessments
                            .iter()
                            .rev()
                            .find(|a| a.cite.seq < review.cite.seq)
                    })
                    .filter(|previous| previous.rating != *rating)
                    .map(|previous| format!(" (was {})", previous.rating.label()))
                    .unwrap_or_default();
                let note = note
                    .as_deref()
                    .map(|note| format!(": {}", quote(note)))
                    .unwrap_or_default();
                let (_, name) = thing(after, SubjectKind::Workstream, ws);
                format!("{name} {}{was}{note}", rating.label())
            })
            .collect();
        diff.reviews.push(Item {
            subject: None,
            text: format!(
                "{} on {}: {}",
                review.forum,
                review.cite.on.long(),
                parts.join("; ")
            ),
            cites: vec![review.cite.seq],
        });
    }
    risks(before, after, &inside, &mut diff);
    for note in after.notes.iter().filter(|note| inside(&note.cite)) {
        let whose = match &note.from {
            Some(from) => format!("from {from}"),
            None => format!("by {}", note.cite.by),
        };
        diff.notes.push(Item {
            subject: Some(note.about.clone()),
            text: format!(
                "On {}, {whose} on {}: {}",
                after.describe(&note.about),
                note.cite.on.long(),
                quote(&note.text)
            ),
            cites: vec![note.cite.seq],
        });
    }
    for correction in after.corrections.iter().filter(|c| inside(&c.cite)) {
        diff.corrections.push(Item {
            subject: None,
            text: format!(
                "Event {} corrected by {} on {}: {}",
                correction.corrects,
                correction.cite.by,
                correction.cite.on.long(),
                correction.reason.trim()
            ),
            cites: vec![correction.corrects, correction.cite.seq]
                .into_iter()
                .filter(|seq| *seq == correction.cite.seq || window.contains(seq))
                .collect(),
        });
    }
    diff
}

fn other_structure(before: &Plan, after: &Plan, inside: &impl Fn(&Cite) -> bool, diff: &mut Diff) {
    if let Some(inspection) = &after.inspection
        && inside(&inspection.cite)
    {
        diff.other.push(Item {
            subject: None,
            text: format!(
                "Inspection by {} recorded: on site from {} to {}, report published on {}",
                and_list(&inspection.inspectorates),
                inspection.from.long(),
                inspection.to.long(),
                inspection.published.long()
            ),
            cites: vec![inspection.cite.seq],
        });
    }
    for weakness in &after.weaknesses {
        if before.weakness(&weakness.id).is_none() && inside(&weakness.cite) {
            let (subject, name) = thing(after, SubjectKind::Weakness, &weakness.id);
            diff.other.push(Item {
                text: format!("{} recorded", capitalise(&name)),
                subject,
                cites: vec![weakness.cite.seq],
            });
        }
    }
    if let Some(statement) = &after.statement {
        for step in statement.history.iter().filter(|step| inside(&step.cite)) {
            let what = match step.step {
                "submitted" => format!("Statement version {} submitted", step.version),
                "accepted" => format!("Statement version {} found fit for purpose", step.version),
                _ => format!("Statement revised as version {}", step.version),
            };
            let summary = step
                .summary
                .as_deref()
                .map(|s| format!(": {}", quote(s)))
                .unwrap_or_default();
            diff.other.push(Item {
                subject: None,
                text: format!("{what} on {}{summary}", step.cite.on.long()),
                cites: vec![step.cite.seq],
            });
        }
    }
    for ws in &after.workstreams {
        let (subject, name) = thing(after, SubjectKind::Workstream, &ws.id);
        match before.workstream(&ws.id) {
            None if inside(&ws.cite) => {
                let answers: Vec<String> = ws
                    .weaknesses
                    .iter()
                    .map(|w| thing(after, SubjectKind::Weakness, w).1)
                    .collect();
                diff.other.push(Item {
                    text: format!(
                        "{} created, sponsored by {}, answering {}",
                        capitalise(&name),
                        ws.sponsor,
                        and_list(&answers)
                    ),
                    subject: subject.clone(),
                    cites: vec![ws.cite.seq],
                });
            }
            _ => {}
        }
        let amendments: Vec<&(String, Cite)> = ws
            .amendments
            .iter()
            .filter(|(_, cite)| inside(cite))
            .collect();
        if !amendments.is_empty() {
            let mut changes = Vec::new();
            if let Some(old) = before.workstream(&ws.id) {
                if old.title != ws.title {
                    changes.push(format!("renamed from {}", quote(&old.title)));
                }
                if old.sponsor != ws.sponsor {
                    changes.push(format!(
                        "sponsor changed from {} to {}",
                        old.sponsor, ws.sponsor
                    ));
                }
                if old.weaknesses != ws.weaknesses {
                    changes.push(format!("now answers {}", and_list(&ws.weaknesses)));
                }
            }
            let reasons: Vec<String> = amendments
                .iter()
                .map(|(reason, _)| because(reason).trim_start_matches(", ").to_owned())
                .collect();
            let changes = if changes.is_empty() {
                String::new()
            } else {
                format!(": {}", changes.join("; "))
            };
            diff.other.push(Item {
                text: format!(
                    "{} amended{changes} ({})",
                    capitalise(&name),
                    reasons.join("; ")
                ),
                subject,
                cites: amendments.iter().map(|(_, cite)| cite.seq).collect(),
            });
        }
    }
    if let Some((from, to, cite)) = &after.revisit
        && inside(cite)
    {
        let text = match &before.revisit {
            Some((old_from, old_to, _)) if (old_from, old_to) != (from, to) => format!(
                "Revisit window moved from {} to {} to between {} and {}",
                old_from.long(),
                old_to.long(),
                from.long(),
                to.long()
            ),
            _ => format!("Revisit expected between {} and {}", from.long(), to.long()),
        };
        diff.other.push(Item {
            subject: None,
            text,
            cites: vec![cite.seq],
        });
    }
    for weakness in &after.weaknesses {
        if let Some((progress, cite)) = &weakness.outcome
            && inside(cite)
        {
            let (subject, name) = thing(after, SubjectKind::Weakness, &weakness.id);
            let judged = match progress {
                Progress::Sufficient => "sufficient progress",
                Progress::Insufficient => "not sufficient progress",
            };
            diff.other.push(Item {
                text: format!("Revisit judged {name}: {judged}"),
                subject,
                cites: vec![cite.seq],
            });
        }
    }
}

fn state(status: Status, rag: Option<Rag>) -> String {
    match rag {
        Some(rag) => format!("{} ({})", status.label(), rag.label()),
        None => status.label(),
    }
}

fn actions(
    before: &Plan,
    after: &Plan,
    action: &ActionView,
    inside: &impl Fn(&Cite) -> bool,
    diff: &mut Diff,
) {
    let (subject, name) = thing(after, SubjectKind::Action, &action.id);
    let old = before.action(&action.id);
    if old.is_none() && inside(&action.cite) {
        diff.actions_added.push(Item {
            text: format!(
                "{} in {}, led by {}, due {}; now {}",
                capitalise(&name),
                thing(after, SubjectKind::Workstream, &action.workstream).1,
                action.owner,
                action.due.long(),
                state(action.status, action.rag)
            ),
            subject: subject.clone(),
            cites: vec![action.cite.seq],
        });
    }

    let changes: Vec<_> = action
        .status_changes
        .iter()
        .filter(|change| inside(&change.cite))
        .collect();
    let finished = matches!(action.status, Status::Complete | Status::Withdrawn);
    let newly_finished = finished && old.is_none_or(|old| old.status != action.status);
    if newly_finished && let Some(change) = changes.iter().rev().find(|c| c.to == action.status) {
        let verb = if action.status == Status::Complete {
            "completed"
        } else {
            "withdrawn"
        };
        let rag = change
            .rag_to
            .map(|rag| format!(" (RAG {})", rag.label()))
            .unwrap_or_default();
        let note = change
            .note
            .as_deref()
            .map(|note| format!(": {}", quote(note)))
            .unwrap_or_default();
        let evidence = if action.evidence.is_empty() {
            String::new()
        } else {
            format!("; evidence: {}", action.evidence.join(", "))
        };
        diff.actions_completed.push(Item {
            text: format!(
                "{} {verb} on {}{rag}, recorded by {}{note}{evidence}",
                capitalise(&name),
                change.cite.on.long(),
                change.cite.by
            ),
            subject: subject.clone(),
            cites: changes.iter().map(|c| c.cite.seq).collect(),
        });
    } else if let Some(first) = changes.first() {
        let start = match old {
            Some(old) => state(old.status, old.rag),
            None => state(first.from, first.rag_from),
        };
        let mut path = vec![start];
        for change in &changes {
            let next = state(change.to, change.rag_to);
            if path.last() != Some(&next) {
                path.push(next);
            }
        }
        let movement = if path.len() == 1 {
            format!("still {}", path[0])
        } else {
            format!("{} to {}", path[0], path[1..].join(", then "))
        };
        let note = changes
            .iter()
            .rev()
            .find_map(|c| c.note.as_deref())
            .map(|note| format!("; latest update: {}", quote(note)))
            .unwrap_or_default();
        diff.status_changes.push(Item {
            text: format!("{}: {movement}{note}", capitalise(&name)),
            subject: subject.clone(),
            cites: changes.iter().map(|c| c.cite.seq).collect(),
        });
    }

    let amendments: Vec<_> = action
        .amendments
        .iter()
        .filter(|amendment| inside(&amendment.cite))
        .collect();
    let moves: Vec<_> = amendments.iter().filter(|a| a.due.is_some()).collect();
    if let Some(first) = moves.first() {
        let mut parts = Vec::new();
        for (i, amendment) in moves.iter().enumerate() {
            let Some((from, to)) = amendment.due else {
                continue;
            };
            let moved = if i == 0 {
                format!("moved from {} to {}", from.long(), to.long())
            } else {
                format!("then to {}", to.long())
            };
            parts.push(format!(
                "{moved} on {}{}",
                amendment.cite.on.long(),
                because(&amendment.reason)
            ));
        }
        let original = if first
            .due
            .is_some_and(|(from, _)| from != action.original_due)
        {
            format!(" (originally due {})", action.original_due.long())
        } else {
            String::new()
        };
        diff.deadlines_moved.push(Item {
            text: format!("Deadline of {name}{original} {}", parts.join("; ")),
            subject: subject.clone(),
            cites: moves.iter().map(|a| a.cite.seq).collect(),
        });
    }
    let owners: Vec<_> = amendments.iter().filter(|a| a.owner.is_some()).collect();
    if !owners.is_empty() {
        let parts: Vec<String> = owners
            .iter()
            .filter_map(|a| {
                a.owner.as_ref().map(|(from, to)| {
                    format!(
                        "from {from} to {to} on {}{}",
                        a.cite.on.long(),
                        because(&a.reason)
                    )
                })
            })
            .collect();
        diff.owners_changed.push(Item {
            text: format!("Owner of {name} changed {}", parts.join("; then ")),
            subject: subject.clone(),
            cites: owners.iter().map(|a| a.cite.seq).collect(),
        });
    }
    for amendment in amendments.iter().filter(|a| a.title.is_some()) {
        if let Some((from, to)) = &amendment.title {
            diff.other.push(Item {
                text: format!(
                    "Action {} reworded from {} to {} on {}{}",
                    action.id,
                    quote(from),
                    quote(to),
                    amendment.cite.on.long(),
                    because(&amendment.reason)
                ),
                subject: subject.clone(),
                cites: vec![amendment.cite.seq],
            });
        }
    }
}

fn measure_item(
    before: &Plan,
    after: &Plan,
    measure: &MeasureView,
    inside: &impl Fn(&Cite) -> bool,
) -> Option<Item> {
    let (subject, name) = thing(after, SubjectKind::Measure, &measure.id);
    let name = capitalise(&name);
    let new_values: Vec<&MeasureValue> =
        measure.values.iter().filter(|v| inside(&v.cite)).collect();
    let defined_now = before.measure(&measure.id).is_none() && inside(&measure.cite);
    if new_values.is_empty() && !defined_now {
        return None;
    }
    let q = |value: &MeasureValue| {
        format!(
            "{} ({})",
            quantity(&value.value, &measure.unit),
            value.cite.on.long()
        )
    };
    let target = format!(
        "baseline {}, target {} by {}",
        quantity(&measure.baseline, &measure.unit),
        quantity(&measure.target, &measure.unit),
        measure.target_by.long()
    );
    let mut cites: Vec<u64> = Vec::new();
    if defined_now {
        cites.push(measure.cite.seq);
    }
    cites.extend(new_values.iter().map(|v| v.cite.seq));
    let text = match (
        before.measure(&measure.id).and_then(MeasureView::latest),
        measure.latest(),
    ) {
        (_, None) => format!("{name} defined: {target}; no value yet"),
        (Some(old), Some(new)) if old.cite.seq == new.cite.seq => {
            let recorded: Vec<String> = new_values.iter().map(|v| q(v)).collect();
            format!(
                "{name}: latest value still {}; values for earlier dates recorded: {}; {target}",
                q(new),
                and_list(&recorded)
            )
        }
        (old, Some(new)) => {
            let movement = match old {
                Some(old) => format!("from {} to {}", q(old), q(new)),
                None if defined_now => format!("defined, and now {}", q(new)),
                None => format!("from no recorded value to {}", q(new)),
            };
            let met = if measure.target_met() {
                "target met"
            } else {
                "target not yet met"
            };
            let others = new_values.len().saturating_sub(1);
            let others = if others > 0 {
                format!(
                    " ({} recorded in all)",
                    plural(new_values.len() as u64, "value", "values")
                )
            } else {
                String::new()
            };
            format!("{name}: {movement}{others}; {target}: {met}")
        }
    };
    Some(Item {
        subject,
        text,
        cites,
    })
}

fn risks(before: &Plan, after: &Plan, inside: &impl Fn(&Cite) -> bool, diff: &mut Diff) {
    for risk in &after.risks {
        let (subject, name) = thing(after, SubjectKind::Risk, &risk.id);
        let old = before.risk(&risk.id);
        if old.is_none() && inside(&risk.cite) {
            let threatens: Vec<String> = risk.about.iter().map(|s| after.describe(s)).collect();
            let threatens = if threatens.is_empty() {
                "the whole plan".to_owned()
            } else {
                and_list(&threatens)
            };
            let mitigation = risk
                .mitigation
                .as_deref()
                .map(|m| format!("; mitigation: {}", quote(m)))
                .unwrap_or_default();
            diff.risks_raised.push(Item {
                text: format!(
                    "{} raised on {} ({} level), threatening {threatens}{mitigation}",
                    capitalise(&name),
                    risk.cite.on.long(),
                    risk.level.label()
                ),
                subject: subject.clone(),
                cites: vec![risk.cite.seq],
            });
        }
        if let Some((reason, cite)) = &risk.closed
            && inside(cite)
        {
            diff.risks_closed.push(Item {
                text: format!(
                    "{} closed on {}{}",
                    capitalise(&name),
                    cite.on.long(),
                    because(reason)
                ),
                subject: subject.clone(),
                cites: vec![cite.seq],
            });
        }
        let updates: Vec<u64> = risk
            .updates
            .iter()
            .filter(|(_, cite)| inside(cite))
            .map(|(_, cite)| cite.seq)
            .collect();
        if let Some(old) = old
            && !updates.is_empty()
        {
            let level = if old.level == risk.level {
                format!("still {} level", risk.level.label())
            } else {
                format!(
                    "level changed from {} to {}",
                    old.level.label(),
                    risk.level.label()
                )
            };
            let note = risk
                .updates
                .iter()
                .rev()
                .filter(|(_, cite)| inside(cite))
                .find_map(|(note, _)| note.as_deref())
                .map(|note| format!("; latest update: {}", quote(note)))
                .unwrap_or_default();
            diff.other.push(Item {
                text: format!(
                    "{} updated {}: {level}{note}",
                    capitalise(&name),
                    match updates.len() {
                        1 => "once".to_owned(),
                        2 => "twice".to_owned(),
                        n => format!("{n} times"),
                    }
                ),
                subject,
                cites: updates,
            });
        }
    }
}

/// A thing in the plan by kind and id, and its name for people. The views hold ids as text,
/// checked when they were recorded, so the subject is always there; were it not, the name
/// still is.
fn thing(plan: &Plan, kind: SubjectKind, id: &str) -> (Option<Subject>, String) {
    match subject_of(kind, id) {
        Some(subject) => {
            let name = plan.describe(&subject);
            (Some(subject), name)
        }
        None => (None, format!("{} {id}", kind.word())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::MemoryLedger;
    use crate::point::visit_seq;

    /// The demo story, recorded in memory.
    fn demo() -> MemoryLedger {
        crate::demo::in_memory(None)
    }

    /// The diff of the demo story from `from` (a prefix point) to now.
    fn since(ledger: &MemoryLedger, from: Point, seq: u64) -> Diff {
        let events: Vec<&Event> = ledger.events().collect();
        let before = Plan::from_events(events.iter().copied().filter(|e| e.seq <= seq));
        let after = Plan::from_events(events.iter().copied());
        let between: Vec<&Event> = events.iter().copied().filter(|e| e.seq > seq).collect();
        let mut diff = diff(&before, &after, &between);
        diff.from = Moment::new(&from, &before);
        diff.to = Moment::new(&Point::Now, &after);
        diff
    }

    #[test]
    fn nothing_changed_says_so() {
        let ledger = demo();
        let plan = Plan::from_events(ledger.events());
        let diff = diff(&plan, &plan, &[]);
        assert!(!diff.changed);
        assert!(diff.sections().iter().all(|(_, items)| items.is_empty()));
        let last = plan.last_seq.expect("events");
        assert_eq!(
            diff.text(),
            format!(
                "Nothing changed between event {last} and event {last}: no events were recorded in between.\n"
            )
        );
    }

    #[test]
    fn every_item_cites_events_in_the_window() {
        let ledger = demo();
        let first = visit_seq(Some(1), ledger.events()).expect("the story has visits");
        let diff = since(&ledger, Point::Visit(Some(1)), first);
        assert!(diff.changed);
        assert_eq!(diff.events as u64, ledger.sealed().len() as u64 - first - 1);
        for (heading, items) in diff.sections() {
            for item in items {
                assert!(!item.cites.is_empty(), "{heading}: {item:?}");
                assert!(
                    item.cites.iter().all(|seq| *seq > first),
                    "{heading}: {item:?}"
                );
                assert!(!item.text.contains("None") && !item.text.contains("{}"));
            }
        }
        // The demo's correction, its late measure values and its slipped deadlines are there.
        assert_eq!(diff.corrections.len(), 1);
        assert!(!diff.deadlines_moved.is_empty());
        assert!(
            diff.deadlines_moved
                .iter()
                .all(|item| item.text.contains("because"))
        );
        let json = serde_json::to_value(&diff).expect("serialises");
        assert_eq!(json["from"]["point"], "visit:1");
        assert_eq!(json["changed"], true);
    }

    #[test]
    fn as_of_windows_follow_the_dates_things_happened() {
        let ledger = demo();
        let from: crate::date::Date = "2021-11-18".parse().expect("date");
        let to: crate::date::Date = "2022-03-01".parse().expect("date");
        let events: Vec<&Event> = ledger.events().collect();
        let before = Plan::from_events(Point::AsOf(from).select(events.iter().copied()));
        let after = Plan::from_events(Point::AsOf(to).select(events.iter().copied()));
        let between: Vec<&Event> = events
            .iter()
            .copied()
            .filter(|e| e.occurred_on > from && e.occurred_on <= to)
            .collect();
        let mut diff = diff(&before, &after, &between);
        diff.from = Moment::new(&Point::AsOf(from), &before);
        diff.to = Moment::new(&Point::AsOf(to), &after);
        let text = diff.text();
        assert!(
            text.starts_with(
                "Since 18 November 2021 to 1 March 2022 (by the dates things happened): "
            ),
            "{text}"
        );
        for (_, items) in diff.sections() {
            for item in items {
                for seq in &item.cites {
                    let on = events[*seq as usize].occurred_on;
                    assert!(on > from && on <= to, "{item:?}");
                }
            }
        }
    }

    #[test]
    fn the_demo_story_since_its_first_visit() {
        let ledger = demo();
        let first = visit_seq(Some(1), ledger.events()).expect("the story has visits");
        let diff = since(&ledger, Point::Visit(Some(1)), first);
        insta::assert_snapshot!(diff.text());
    }
}
