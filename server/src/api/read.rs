//! The reading endpoints: the plan, the timeline, what changed between two points, the impact
//! narrative and the raw log, each at any point in time with the CLI's own parameters
//! (`at`, `as_known`, `as_of`, `point`). Every fold runs on the blocking pool.

use axum::Json;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::IntoParams;
use wsoa_core::event::Rag;
use wsoa_core::plan::Plan;
use wsoa_core::point::Point;
use wsoa_core::show::{ActionFilter, DueFilter, Page};
use wsoa_core::timeline::{DEFAULT_LATE_AFTER, Filter};
use wsoa_core::{Date, SubjectRef};

use crate::auth::{Caller, Permission};
use crate::error::{ApiError, ErrorBody};
use crate::state::{AppState, today};

/// When to read the ledger at; at most one may be given (default: now).
///
/// Flattened into each reading endpoint's query, so every field is a string (serde's flatten
/// hands numbers over as text) and parsed here, once.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct PointQuery {
    /// The ledger as it stood after this event (a sequence number).
    pub at: Option<String>,
    /// What the ledger had recorded by the end of this day (2021-11-18).
    pub as_known: Option<String>,
    /// What had happened by this day, by the events' own dates.
    pub as_of: Option<String>,
    /// Any point as one value: now, seq:N, known:DATE, asof:DATE, DATE, visit:last, visit:N.
    pub point: Option<String>,
}

impl PointQuery {
    /// The point these parameters name.
    pub fn point(&self) -> Result<Point, ApiError> {
        let given = [
            self.at.is_some(),
            self.as_known.is_some(),
            self.as_of.is_some(),
            self.point.is_some(),
        ];
        if given.iter().filter(|given| **given).count() > 1 {
            return Err(ApiError::bad_request(
                "give at most one of at, as_known, as_of and point",
            ));
        }
        let date = |name: &str, text: &str| {
            text.parse::<Date>().map_err(|err| {
                ApiError::bad_request(format!("{name}: '{text}' is not a date: {err}"))
            })
        };
        Ok(if let Some(seq) = &self.at {
            Point::Seq(seq.trim().parse().map_err(|_| {
                ApiError::bad_request(format!("at: '{seq}' is not an event number"))
            })?)
        } else if let Some(day) = &self.as_known {
            Point::Known(date("as_known", day)?)
        } else if let Some(day) = &self.as_of {
            Point::AsOf(date("as_of", day)?)
        } else if let Some(point) = &self.point {
            point
                .parse()
                .map_err(|err| ApiError::bad_request(format!("point: {err}")))?
        } else {
            Point::Now
        })
    }
}

/// How the plan is returned.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct PlanQuery {
    /// json (default), text (the tree `wsoa show` prints) or csv (the tracker).
    pub format: Option<String>,
    /// Only the actions with this status (not-started, in-progress, complete, blocked,
    /// withdrawn): the answer is then one page of a list of actions.
    pub status: Option<String>,
    /// Only the actions with this RAG (red, amber, green; none: not yet rated).
    pub rag: Option<String>,
    /// Only the actions led by this person.
    pub lead: Option<String>,
    /// Only the actions of this workstream.
    pub workstream: Option<String>,
    /// Only the actions of the workstreams that answer this weakness or finding.
    pub weakness: Option<String>,
    /// Only the overdue actions (overdue), or those due in the next 30 days (soon).
    pub due: Option<String>,
    /// true: the same as due=overdue.
    pub overdue: Option<String>,
    /// The page of the list of actions, from 1 (a list is returned when this or a filter is
    /// given).
    pub page: Option<String>,
    /// How many actions a page holds (default 100, at most 1000).
    pub per_page: Option<String>,
    /// The point in time (documented as its own parameters).
    #[serde(flatten)]
    #[param(ignore)]
    pub at: PointQuery,
}

/// Actions on a page of a plan list unless `per_page` says otherwise, and the most it may say.
pub const ACTIONS_PER_PAGE: usize = 100;
const MAX_PER_PAGE: usize = 1000;

impl PlanQuery {
    /// The filter of actions asked for, and the page; `None` when the whole plan is asked for.
    fn list(&self) -> Result<Option<(ActionFilter, usize, usize)>, ApiError> {
        let filter = ActionFilter {
            status: parsed(
                self.status.as_deref(),
                "status",
                "not-started, in-progress, complete, blocked or withdrawn",
            )?,
            rag: match self.rag.as_deref() {
                None => None,
                Some("none") => Some(None),
                Some(rag) => {
                    parsed::<Rag>(Some(rag), "rag", "red, amber, green or none")?.map(Some)
                }
            },
            lead: self.lead.clone(),
            workstream: self.workstream.clone(),
            weakness: self.weakness.clone(),
            due: self.due_filter()?,
        };
        let number = |name: &str, text: Option<&str>, default: usize, most: usize| match text {
            None => Ok(default),
            Some(text) => match text.trim().parse::<usize>() {
                Ok(n) if (1..=most).contains(&n) => Ok(n),
                _ => Err(ApiError::bad_request(format!(
                    "{name} '{text}' is not a whole number from 1 to {most}"
                ))),
            },
        };
        let page = number("page", self.page.as_deref(), 1, usize::MAX)?;
        let per_page = number(
            "per_page",
            self.per_page.as_deref(),
            ACTIONS_PER_PAGE,
            MAX_PER_PAGE,
        )?;
        let listed = !filter.is_empty() || self.page.is_some() || self.per_page.is_some();
        Ok(listed.then_some((filter, page, per_page)))
    }
}

impl PlanQuery {
    /// `due`, with `overdue=true` as another way of saying due=overdue.
    fn due_filter(&self) -> Result<Option<DueFilter>, ApiError> {
        let due = match self.due.as_deref() {
            None => None,
            Some("overdue") => Some(DueFilter::Overdue),
            Some("soon") => Some(DueFilter::Soon),
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "due '{other}' is not one of overdue, soon"
                )));
            }
        };
        let overdue = match self.overdue.as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "overdue '{other}' is not one of true, false"
                )));
            }
        };
        match (due, overdue) {
            (due, false) => Ok(due),
            (None | Some(DueFilter::Overdue), true) => Ok(Some(DueFilter::Overdue)),
            (Some(DueFilter::Soon), true) => Err(ApiError::bad_request(
                "due=soon and overdue=true ask for two different lists; give one",
            )),
        }
    }
}

/// A query parameter read as `T`, or a refusal naming what it may be.
fn parsed<T: std::str::FromStr>(
    text: Option<&str>,
    name: &str,
    expected: &str,
) -> Result<Option<T>, ApiError> {
    text.map(|text| {
        text.trim()
            .parse::<T>()
            .map_err(|_| ApiError::bad_request(format!("{name} '{text}' is not one of {expected}")))
    })
    .transpose()
}

/// The plan: each weakness with its workstreams and actions, measures, evidence, risks.
#[utoipa::path(get, path = "/api/v1/plan", tag = "read", params(PlanQuery, PointQuery),
    responses((status = 200, description = "The plan (JSON, or text/csv with format)"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn plan(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<PlanQuery>,
) -> Result<Response, ApiError> {
    caller.require(Permission::Read)?;
    let asked = query.at.point()?;
    let format = query.format.clone().unwrap_or_else(|| "json".to_owned());
    if !matches!(format.as_str(), "json" | "text" | "csv") {
        return Err(ApiError::bad_request(format!(
            "format '{format}' is not one of json, text, csv"
        )));
    }
    let list = query.list()?;
    if list.is_some() && format != "json" {
        return Err(ApiError::bad_request(format!(
            "a list of actions (filters, page, per_page) is JSON only; leave out format={format} or the filters"
        )));
    }
    let clock_today = today()?;
    state
        .fold(move |reader| {
            let point = reader.resolve_point(asked)?;
            let (plan, last_recorded_at) = reader.plan_at(point)?;
            let today = point.today(last_recorded_at, clock_today);
            if let Some((filter, page, per_page)) = list {
                let view = wsoa_core::show::view(&plan, today);
                let actions = filter.actions(&plan, &view);
                let page = Page::of(actions, page, per_page);
                return Ok(Json(json!({
                    "point": point.to_string(),
                    "today": today.to_string(),
                    "filter": filter,
                    "total": page.total,
                    "page": page.page,
                    "per_page": page.per_page,
                    "pages": page.pages,
                    "actions": page.items,
                }))
                .into_response());
            }
            Ok(match format.as_str() {
                "text" => text(
                    wsoa_core::show::text(&plan, today),
                    "text/plain; charset=utf-8",
                ),
                "csv" => text(
                    wsoa_core::show::csv(&plan, today),
                    "text/csv; charset=utf-8",
                ),
                _ => {
                    let mut value = serde_json::to_value(wsoa_core::show::view(&plan, today))
                        .map_err(ApiError::internal)?;
                    value["point"] = json!(point.to_string());
                    Json(value).into_response()
                }
            })
        })
        .await
}

/// Which events the timeline shows.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct TimelineQuery {
    /// Only events about this thing or anything under it (WS1, 1.1, weakness:W1).
    pub about: Option<String>,
    /// Only events that happened on or after this day.
    pub since: Option<String>,
    /// Only events that happened on or before this day.
    pub until: Option<String>,
    /// Only events recorded by someone whose name contains this (any case).
    pub by: Option<String>,
    /// Only events of this kind, such as action_status_changed.
    pub kind: Option<String>,
    /// Flag events recorded this many days or more after they happened (default 14).
    pub late_after: Option<String>,
    /// Skip this many matching entries (default 0), to read a long history in pages.
    pub offset: Option<String>,
    /// Return at most this many entries (default: all); `total` says how many match.
    pub limit: Option<String>,
    /// The point in time (documented as its own parameters).
    #[serde(flatten)]
    #[param(ignore)]
    pub at: PointQuery,
}

/// A whole number from a query parameter.
fn count(name: &str, text: &Option<String>) -> Result<Option<usize>, ApiError> {
    text.as_deref()
        .map(|text| {
            text.trim().parse::<usize>().map_err(|_| {
                ApiError::bad_request(format!("{name}: '{text}' is not a whole number"))
            })
        })
        .transpose()
}

/// The history as people read it: one entry per event with both dates, who, and what.
#[utoipa::path(get, path = "/api/v1/timeline", tag = "read", params(TimelineQuery, PointQuery),
    responses((status = 200, description = "Entries, oldest first"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn timeline(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<TimelineQuery>,
) -> Result<Json<Value>, ApiError> {
    caller.require(Permission::Read)?;
    let asked = query.at.point()?;
    let date = |name: &str, text: &Option<String>| -> Result<Option<Date>, ApiError> {
        text.as_deref()
            .map(|text| {
                text.parse::<Date>().map_err(|err| {
                    ApiError::bad_request(format!("{name}: '{text}' is not a date: {err}"))
                })
            })
            .transpose()
    };
    let about = query
        .about
        .as_deref()
        .map(|text| {
            text.parse::<SubjectRef>()
                .map_err(|err| ApiError::bad_request(format!("about: {err}")))
        })
        .transpose()?;
    let filter = Filter {
        about,
        since: date("since", &query.since)?,
        until: date("until", &query.until)?,
        actor: query.by.clone(),
        kind: query.kind.clone(),
    };
    let late_after = match &query.late_after {
        Some(days) => days.trim().parse::<u32>().map_err(|_| {
            ApiError::bad_request(format!(
                "late_after: '{days}' is not a whole number of days"
            ))
        })?,
        None => DEFAULT_LATE_AFTER as u32,
    };
    let late_after = i64::from(late_after);
    let offset = count("offset", &query.offset)?.unwrap_or(0);
    let limit = count("limit", &query.limit)?.unwrap_or(usize::MAX);
    state
        .fold(move |reader| {
            let point = reader.resolve_point(asked)?;
            let plan = if filter.about.is_some() {
                reader.plan_at(point)?.0
            } else {
                Plan::default()
            };
            let matcher = filter
                .compile(&plan)
                .map_err(|err| ApiError::bad_request(err.to_string()))?;
            let mut entries = Vec::new();
            let mut total = 0usize;
            reader.for_each_entry(point, &matcher, |entry| {
                if total >= offset && entries.len() < limit {
                    entries.push(
                        serde_json::to_value(entry.view(late_after)).map_err(ApiError::internal)?,
                    );
                }
                total += 1;
                Ok::<(), ApiError>(())
            })?;
            Ok(Json(json!({
                "point": point.to_string(),
                "total": total,
                "offset": offset,
                "entries": entries,
            })))
        })
        .await
}

/// The two points to compare.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DiffQuery {
    /// The earlier point (visit:last, a date, seq:N ...).
    pub from: String,
    /// The later point (default: now).
    pub to: Option<String>,
    /// json (default) or text.
    pub format: Option<String>,
    /// Only the changes about this thing or anything under it (W1, WS2, 1.1, weakness:W1).
    pub about: Option<String>,
    /// Only the changes about this weakness or finding and what answers it.
    pub weakness: Option<String>,
    /// Only the changes about this workstream and its actions.
    pub workstream: Option<String>,
}

impl DiffQuery {
    /// What the changes are narrowed to, if anything: at most one of about, weakness and
    /// workstream.
    fn about(&self) -> Result<Option<SubjectRef>, ApiError> {
        let given: Vec<(&str, &String)> = [
            ("about", &self.about),
            ("weakness", &self.weakness),
            ("workstream", &self.workstream),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.as_ref().map(|v| (name, v)))
        .collect();
        let (name, value) = match given.as_slice() {
            [] => return Ok(None),
            [one] => *one,
            _ => {
                return Err(ApiError::bad_request(
                    "give at most one of about, weakness and workstream",
                ));
            }
        };
        let reference = match name {
            "weakness" => format!("weakness:{}", value.trim()),
            "workstream" => format!("workstream:{}", value.trim()),
            _ => value.trim().to_owned(),
        };
        reference
            .parse::<SubjectRef>()
            .map(Some)
            .map_err(|err| ApiError::bad_request(format!("{name}: {err}")))
    }
}

/// What changed between two points, such as since the last monitoring visit.
#[utoipa::path(get, path = "/api/v1/diff", tag = "read", params(DiffQuery),
    responses((status = 200, description = "The changes"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn diff(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<DiffQuery>,
) -> Result<Response, ApiError> {
    caller.require(Permission::Read)?;
    let parse = |name: &str, text: &str| -> Result<Point, ApiError> {
        text.parse()
            .map_err(|err| ApiError::bad_request(format!("{name}: {err}")))
    };
    let from = parse("from", &query.from)?;
    let to = match &query.to {
        Some(to) => parse("to", to)?,
        None => Point::Now,
    };
    let as_text = match query.format.as_deref() {
        None | Some("json") => false,
        Some("text") => true,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "format '{other}' is not one of json, text"
            )));
        }
    };
    let about = query.about()?;
    state
        .fold(move |reader| {
            let between = reader.plans_between(from, to)?;
            let mut changes = between.changes(&from, &to);
            if let Some(about) = &about {
                let filter = Filter {
                    about: Some(about.clone()),
                    ..Filter::default()
                };
                let matcher = filter
                    .compile(&between.after)
                    .map_err(|err| ApiError::bad_request(format!("about: {err}")))?;
                if let Some(subjects) = matcher.subjects() {
                    changes = changes.about(subjects);
                }
            }
            Ok(if as_text {
                text(changes.text(), "text/plain; charset=utf-8")
            } else {
                Json(serde_json::to_value(&changes).map_err(ApiError::internal)?).into_response()
            })
        })
        .await
}

/// How the narrative is written.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct NarrativeQuery {
    /// md (default) or html.
    pub style: Option<String>,
    /// The point in time (documented as its own parameters).
    #[serde(flatten)]
    #[param(ignore)]
    pub at: PointQuery,
}

/// The impact narrative for the revisit, weakness by weakness, citing its events.
#[utoipa::path(get, path = "/api/v1/narrative", tag = "read", params(NarrativeQuery, PointQuery),
    responses((status = 200, description = "Markdown or HTML", content_type = "text/markdown"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn narrative(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<NarrativeQuery>,
) -> Result<Response, ApiError> {
    caller.require(Permission::Read)?;
    let asked = query.at.point()?;
    let html = match query.style.as_deref() {
        None | Some("md") => false,
        Some("html") => true,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "style '{other}' is not one of md, html"
            )));
        }
    };
    state
        .fold(move |reader| {
            let (narrative, _source) = reader.narrative_at(asked)?;
            Ok(if html {
                text(narrative.to_html(), "text/html; charset=utf-8")
            } else {
                text(narrative.to_markdown(), "text/markdown; charset=utf-8")
            })
        })
        .await
}

/// Which events of the log.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LogQuery {
    /// The first event (default 0).
    pub from: Option<u64>,
    /// The last event (default: the last one).
    pub to: Option<u64>,
}

/// The raw events, one JSON object per line (`application/x-ndjson`), each with its canonical
/// bytes (hex), chain hash and Merkle leaf hash, from which anyone can recompute every hash.
#[utoipa::path(get, path = "/api/v1/log", tag = "read", params(LogQuery),
    responses((status = 200, description = "One event per line", content_type = "application/x-ndjson"), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn log(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<LogQuery>,
) -> Result<Response, ApiError> {
    caller.require(Permission::Read)?;
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(16);
    let reader = state.reader().clone();
    // Streams from the blocking pool: memory stays flat whatever the ledger's size.
    tokio::task::spawn_blocking(move || {
        let len = match reader.len() {
            Ok(len) => len,
            Err(err) => {
                let _ = sender.blocking_send(Err(std::io::Error::other(err.to_string())));
                return;
            }
        };
        if len == 0 {
            return;
        }
        let to = query.to.unwrap_or(len - 1).min(len - 1);
        let mut chunk = Vec::with_capacity(64 * 1024);
        for stored in reader.events(query.from.unwrap_or(0), Some(to)) {
            let line = stored
                .map_err(|err| std::io::Error::other(err.to_string()))
                .and_then(|stored| log_line(&stored).map_err(std::io::Error::other));
            match line {
                Ok(line) => {
                    chunk.extend_from_slice(line.as_bytes());
                    chunk.push(b'\n');
                    if chunk.len() >= 64 * 1024
                        && sender
                            .blocking_send(Ok(std::mem::take(&mut chunk)))
                            .is_err()
                    {
                        return;
                    }
                }
                Err(err) => {
                    let _ = sender.blocking_send(Err(err));
                    return;
                }
            }
        }
        if !chunk.is_empty() {
            let _ = sender.blocking_send(Ok(chunk));
        }
    });
    let stream = tokio_stream_from(receiver);
    let mut response = Body::from_stream(stream).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-ndjson"),
    );
    Ok(response)
}

/// One event of the log as JSON, as `wsoa log --format json` prints it.
pub fn log_line(stored: &wsoa_store::StoredEvent) -> Result<String, serde_json::Error> {
    wsoa_api::log_line(&stored.event, &stored.hash, &stored.bytes)
}

/// A blocking writer that sends what is written, chunk by chunk, to a streamed response body.
pub struct ChannelWriter {
    /// Where the chunks go.
    pub sender: tokio::sync::mpsc::Sender<Result<Vec<u8>, std::io::Error>>,
}

impl std::io::Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.sender
            .blocking_send(Ok(buf.to_vec()))
            .map_err(|_| std::io::Error::other("the client went away"))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A stream over a channel's items.
pub fn tokio_stream_from<T: Send + 'static>(
    receiver: tokio::sync::mpsc::Receiver<T>,
) -> impl futures_util::Stream<Item = T> + Send + 'static {
    futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|item| (item, receiver))
    })
}

/// A text response with a content type.
pub fn text(body: String, content_type: &'static str) -> Response {
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}
