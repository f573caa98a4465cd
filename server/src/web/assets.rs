//! The stylesheet and the small script, compiled into the binary (`include_str!`) so that
//! `cargo build` is the whole build. Pages link them with a `?v=` of their content hash, so they
//! can be cached for a year and a new build is fetched at once.

use std::sync::LazyLock;

use axum::extract::Query;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// The stylesheet, after the GOV.UK Design System's patterns.
pub const CSS: &str = include_str!("../../assets/app.css");
/// Progressive enhancement only: the pages work without it.
pub const JS: &str = include_str!("../../assets/app.js");

static CSS_VERSION: LazyLock<String> = LazyLock::new(|| version(CSS));
static JS_VERSION: LazyLock<String> = LazyLock::new(|| version(JS));

fn version(content: &str) -> String {
    blake3::hash(content.as_bytes()).to_hex()[..12].to_owned()
}

/// The stylesheet's address, with its version.
pub fn css_href() -> String {
    format!("/assets/app.css?v={}", *CSS_VERSION)
}

/// The script's address, with its version.
pub fn js_href() -> String {
    format!("/assets/app.js?v={}", *JS_VERSION)
}

/// The `?v=` of an asset request.
#[derive(Debug, Default, Deserialize)]
pub struct AssetQuery {
    /// The content version the page asked for.
    pub v: Option<String>,
}

/// `GET /assets/app.css`.
pub async fn css(Query(query): Query<AssetQuery>, headers: HeaderMap) -> Response {
    asset(
        CSS,
        "text/css; charset=utf-8",
        &CSS_VERSION,
        &query,
        &headers,
    )
}

/// `GET /assets/app.js`.
pub async fn js(Query(query): Query<AssetQuery>, headers: HeaderMap) -> Response {
    asset(
        JS,
        "text/javascript; charset=utf-8",
        &JS_VERSION,
        &query,
        &headers,
    )
}

fn asset(
    body: &'static str,
    content_type: &'static str,
    version: &str,
    query: &AssetQuery,
    headers: &HeaderMap,
) -> Response {
    let etag = format!("\"{version}\"");
    let cache = if query.v.as_deref() == Some(version) {
        // This exact content is at this address for good.
        "public, max-age=31536000, immutable"
    } else {
        // Unversioned (or an old version's address): check back, cheaply, with the ETag.
        "public, max-age=300"
    };
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.split(',').any(|tag| tag.trim() == etag));
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        body.into_response()
    };
    let out = response.headers_mut();
    out.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        out.insert(header::ETAG, etag);
    }
    response
}
