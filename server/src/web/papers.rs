//! The board papers as downloads, at any day the pages can show: the tracker workbook
//! (`/tracker.xlsx`, the file `wsoa show --format xlsx` writes) and the tracker as CSV
//! (`/tracker.csv`). Each takes the past-date view's `as_of` (a day up to today), judges
//! deadlines at that day as the plan page does, and names the file after it.

use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use wsoa_core::Date;
use wsoa_core::point::Point;
use wsoa_core::timeline::Timeline;

use crate::error::ApiError;
use crate::state::{AppState, today};
use crate::web::dashboard::past_day;
use crate::web::input::{Errors, Fields};
use crate::web::{Signed, WebError};

/// The day asked for (`None`: now), refusing a day that is not a date or is in the future.
fn day_asked(query: Vec<(String, String)>) -> Result<(Option<Date>, Date), WebError> {
    let fields = Fields::new(query);
    let mut errors = Errors::default();
    let clock_today = today()?;
    let as_of = past_day(&fields, &mut errors, clock_today);
    match errors.iter().next() {
        Some((_, message)) => Err(WebError::BadRequest(message.to_owned())),
        None => Ok((as_of, clock_today)),
    }
}

/// `GET /tracker.xlsx`: the tracker workbook of the plan now, or as of `as_of`.
pub async fn workbook(
    State(state): State<AppState>,
    _user: Signed,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (as_of, clock_today) = day_asked(query)?;
    let (bytes, day) = state
        .fold(move |reader| {
            let point = reader.resolve_point(as_of.map_or(Point::Now, Point::AsOf))?;
            let mut timeline = Timeline::new();
            let mut history = Vec::new();
            reader.for_each_at(point, |stored| {
                history.push(timeline.entry(&stored.event, stored.hash));
                Ok::<(), wsoa_store::StoreError>(())
            })?;
            let day = point.today(history.last().map(|e| e.recorded_at), clock_today);
            let bytes = wsoa_papers::xlsx::workbook(timeline.plan(), &history, day)
                .map_err(ApiError::internal)?;
            Ok((bytes, day))
        })
        .await?;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("tracker-{day}.xlsx"),
    ))
}

/// `GET /tracker.csv`: the tracker as CSV (the columns of the workbook's Tracker sheet), now or
/// as of `as_of`.
pub async fn csv(
    State(state): State<AppState>,
    _user: Signed,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let (as_of, clock_today) = day_asked(query)?;
    let (text, day) = state
        .fold(move |reader| {
            let point = reader.resolve_point(as_of.map_or(Point::Now, Point::AsOf))?;
            let (plan, last_recorded_at) = reader.plan_at(point)?;
            let day = point.today(last_recorded_at, clock_today);
            Ok((wsoa_core::show::csv(&plan, day), day))
        })
        .await?;
    Ok(download(
        text.into_bytes(),
        "text/csv; charset=utf-8",
        &format!("tracker-{day}.csv"),
    ))
}

fn download(body: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
