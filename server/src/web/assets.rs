//! What the pages load, compiled into the binary (`include_str!`, `include_bytes!`) so that
//! `cargo build` is the whole build: GOV.UK Frontend (vendored in `server/assets/govuk/`, see
//! its `VERSION` and `server/assets/update-govuk-frontend.sh`), the service's own small
//! stylesheet for what GOV.UK Frontend does not provide, and the script that starts GOV.UK
//! Frontend's components. Pages link each with a `?v=` of its content hash, so they can be
//! cached for a year and a new build is fetched at once; the images the GOV.UK stylesheet refers
//! to are given their `?v=` inside it when it is served.

use std::sync::LazyLock;

use axum::extract::{Path, Query};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The service's own styles: what GOV.UK Frontend has no component for.
pub const CSS: &str = include_str!("../../assets/app.css");
/// Starts GOV.UK Frontend's components (an ES module); the pages work without it.
const JS_SOURCE: &str = include_str!("../../assets/app.js");
/// GOV.UK Frontend's stylesheet, built with Arial for the GDS Transport font.
const GOVUK_CSS_SOURCE: &str = include_str!("../../assets/govuk/govuk-frontend.min.css");
/// GOV.UK Frontend's script, an ES module.
pub const GOVUK_JS: &str = include_str!("../../assets/govuk/govuk-frontend.min.js");
/// The vendored GOV.UK Frontend's version.
pub const GOVUK_VERSION: &str = include_str!("../../assets/govuk/VERSION");

/// Where GOV.UK Frontend's files are served.
pub const GOVUK_PREFIX: &str = "/assets/govuk/";

/// The script GOV.UK Frontend's page template runs first thing in `<body>`: it tells the
/// stylesheet that scripts run (`js-enabled`) and that the browser can run GOV.UK Frontend
/// (`govuk-frontend-supported`). The Content-Security-Policy allows it by its hash.
pub const INLINE_SCRIPT: &str = "document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');";

/// The files under `/assets/govuk/` other than the stylesheet and the script: the images the
/// stylesheet refers to, by their path there.
const GOVUK_FILES: [(&str, &[u8], &str); 1] = [(
    "images/govuk-crest.svg",
    include_bytes!("../../assets/govuk/images/govuk-crest.svg"),
    "image/svg+xml",
)];

/// One file served under `/assets/`.
struct Asset {
    body: Body,
    content_type: &'static str,
    version: String,
}

enum Body {
    Static(&'static [u8]),
    Built(String),
}

impl Body {
    fn bytes(&self) -> &[u8] {
        match self {
            Body::Static(bytes) => bytes,
            Body::Built(text) => text.as_bytes(),
        }
    }
}

impl Asset {
    fn new(body: Body, content_type: &'static str) -> Asset {
        let version = version(body.bytes());
        Asset {
            body,
            content_type,
            version,
        }
    }

    /// The address pages use: the path with `?v=` of the content.
    fn href(&self, path: &str) -> String {
        format!("{path}?v={}", self.version)
    }
}

fn version(content: &[u8]) -> String {
    blake3::hash(content).to_hex()[..12].to_owned()
}

static GOVUK_FILE_ASSETS: LazyLock<Vec<(&'static str, Asset)>> = LazyLock::new(|| {
    GOVUK_FILES
        .iter()
        .map(|(path, bytes, content_type)| (*path, Asset::new(Body::Static(bytes), content_type)))
        .collect()
});

/// The GOV.UK stylesheet as served: every `url()` of a vendored file given that file's `?v=`.
static GOVUK_CSS: LazyLock<Asset> = LazyLock::new(|| {
    let mut css = GOVUK_CSS_SOURCE.to_owned();
    for (path, asset) in GOVUK_FILE_ASSETS.iter() {
        let plain = format!("{GOVUK_PREFIX}{path}");
        css = css.replace(
            &format!("url(\"{plain}\")"),
            &format!("url(\"{}\")", asset.href(&plain)),
        );
    }
    Asset::new(Body::Built(css), "text/css; charset=utf-8")
});

static GOVUK_JS_ASSET: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        Body::Static(GOVUK_JS.as_bytes()),
        "text/javascript; charset=utf-8",
    )
});

static APP_CSS: LazyLock<Asset> =
    LazyLock::new(|| Asset::new(Body::Static(CSS.as_bytes()), "text/css; charset=utf-8"));

/// The service's script as served: it imports GOV.UK Frontend by its versioned address, so that
/// the module the page loads is the one cached for a year.
static APP_JS: LazyLock<Asset> = LazyLock::new(|| {
    let plain = format!("{GOVUK_PREFIX}govuk-frontend.min.js");
    let js = JS_SOURCE.replace(
        &format!("\"{plain}\""),
        &format!("\"{}\"", GOVUK_JS_ASSET.href(&plain)),
    );
    Asset::new(Body::Built(js), "text/javascript; charset=utf-8")
});

/// The Content-Security-Policy of every page: everything from this server only, and of inline
/// scripts only `INLINE_SCRIPT`, by its SHA-256 hash.
pub static CONTENT_SECURITY_POLICY: LazyLock<String> = LazyLock::new(|| {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(INLINE_SCRIPT));
    format!(
        "default-src 'none'; style-src 'self'; script-src 'self' 'sha256-{hash}'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
});

/// The service's stylesheet's address, with its version.
pub fn css_href() -> String {
    APP_CSS.href("/assets/app.css")
}

/// The service's script's address, with its version.
pub fn js_href() -> String {
    APP_JS.href("/assets/app.js")
}

/// GOV.UK Frontend's stylesheet's address, with its version.
pub fn govuk_css_href() -> String {
    GOVUK_CSS.href(&format!("{GOVUK_PREFIX}govuk-frontend.min.css"))
}

/// GOV.UK Frontend's script's address, with its version.
pub fn govuk_js_href() -> String {
    GOVUK_JS_ASSET.href(&format!("{GOVUK_PREFIX}govuk-frontend.min.js"))
}

/// The `?v=` of an asset request.
#[derive(Debug, Default, Deserialize)]
pub struct AssetQuery {
    /// The content version the page asked for.
    pub v: Option<String>,
}

/// `GET /assets/app.css`.
pub async fn css(Query(query): Query<AssetQuery>, headers: HeaderMap) -> Response {
    respond(&APP_CSS, &query, &headers)
}

/// `GET /assets/app.js`.
pub async fn js(Query(query): Query<AssetQuery>, headers: HeaderMap) -> Response {
    respond(&APP_JS, &query, &headers)
}

/// `GET /assets/govuk/{*path}`: GOV.UK Frontend's stylesheet, script and images; 404 for
/// anything else.
pub async fn govuk(
    Path(path): Path<String>,
    Query(query): Query<AssetQuery>,
    headers: HeaderMap,
) -> Response {
    let asset = match path.as_str() {
        "govuk-frontend.min.css" => Some(&*GOVUK_CSS),
        "govuk-frontend.min.js" => Some(&*GOVUK_JS_ASSET),
        other => GOVUK_FILE_ASSETS
            .iter()
            .find(|(file, _)| *file == other)
            .map(|(_, asset)| asset),
    };
    match asset {
        Some(asset) => respond(asset, &query, &headers),
        None => crate::web::not_found().await.into_response(),
    }
}

fn respond(asset: &'static Asset, query: &AssetQuery, headers: &HeaderMap) -> Response {
    let etag = format!("\"{}\"", asset.version);
    let cache = if query.v.as_deref() == Some(asset.version.as_str()) {
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
        asset.body.bytes().to_vec().into_response()
    };
    let out = response.headers_mut();
    out.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(etag) = HeaderValue::from_str(&etag) {
        out.insert(header::ETAG, etag);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_service_script_imports_the_versioned_govuk_script() {
        let js = std::str::from_utf8(APP_JS.body.bytes()).expect("UTF-8");
        assert!(
            js.contains(&format!("from \"{}\"", govuk_js_href())),
            "{js}"
        );
    }

    #[test]
    fn the_govuk_stylesheet_refers_to_its_images_by_version() {
        let css = std::str::from_utf8(GOVUK_CSS.body.bytes()).expect("UTF-8");
        for (path, asset) in GOVUK_FILE_ASSETS.iter() {
            let href = asset.href(&format!("{GOVUK_PREFIX}{path}"));
            assert!(css.contains(&format!("url(\"{href}\")")), "{path}");
        }
        assert!(!css.contains("woff"), "no GDS Transport font files");
    }

    #[test]
    fn the_policy_allows_the_inline_script_by_its_hash() {
        // The SHA-256 of the script, worked out apart from the code above.
        let expected = "sha256-GUQ5ad8JK5KmEWmROf3LZd9ge94daqNvd8xy9YS1iDw=";
        let digest =
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(INLINE_SCRIPT));
        assert_eq!(format!("sha256-{digest}"), expected);
        assert!(CONTENT_SECURITY_POLICY.contains(&format!("'{expected}'")));
    }
}
