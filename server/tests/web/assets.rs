use axum::http::{Method, StatusCode};
use wsoa_core::Role;

use crate::harness::{Fixture, Reply};

/// The addresses a page loads from `/assets/`: its stylesheets and scripts, in page order.
fn linked_assets(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for marker in [
        r#"<link rel="stylesheet" href=""#,
        r#"<script type="module" src=""#,
    ] {
        for rest in html.split(marker).skip(1) {
            if let Some(address) = rest.split('"').next() {
                found.push(address.to_owned());
            }
        }
    }
    found
}

/// Every `url(...)` in a stylesheet, without quotes.
fn urls(css: &str) -> Vec<String> {
    css.split("url(")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .map(|url| url.trim().trim_matches('"').trim_matches('\'').to_owned())
        .collect()
}

fn header(reply: &Reply, name: &str) -> String {
    reply
        .headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Fetches a versioned asset and checks it is there for a year, with its type.
async fn versioned(fixture: &Fixture, address: &str, content_type: &str) -> Reply {
    assert!(address.contains("?v="), "{address} carries its version");
    let reply = fixture.get_anonymous(address).await;
    assert_eq!(reply.status, StatusCode::OK, "{address}");
    assert_eq!(header(&reply, "content-type"), content_type, "{address}");
    assert_eq!(
        header(&reply, "cache-control"),
        "public, max-age=31536000, immutable",
        "{address}"
    );
    assert_eq!(header(&reply, "x-content-type-options"), "nosniff");
    assert!(!reply.body.is_empty(), "{address}");
    // The version is the ETag, and a stale version is only cached briefly.
    let version = address.split("?v=").nth(1).expect("version");
    assert_eq!(
        header(&reply, "etag"),
        format!("\"{version}\""),
        "{address}"
    );
    let path = address.split('?').next().expect("path");
    let old = fixture
        .get_anonymous(&format!("{path}?v=000000000000"))
        .await;
    assert_eq!(old.status, StatusCode::OK);
    assert_eq!(header(&old, "cache-control"), "public, max-age=300");
    let again = fixture
        .call(
            Method::GET,
            address,
            &[("if-none-match", &header(&reply, "etag"))],
            Vec::new(),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{address}");
    reply
}

#[tokio::test]
async fn pages_link_govuk_frontend_and_the_services_own_files_each_served_with_its_type_and_a_years_cache()
 {
    let fixture = Fixture::with_plan().await;
    let session = fixture.sign_in(Role::Viewer).await;
    for page in [
        session.get("/").await.text(),
        fixture.get_anonymous("/login").await.text(),
    ] {
        let assets = linked_assets(&page);
        assert_eq!(assets.len(), 3, "{assets:?}");
        // GOV.UK Frontend's stylesheet first, the service's own after it, so that it can add
        // to it; the script at the end of the body.
        assert!(assets[0].starts_with("/assets/govuk/govuk-frontend.min.css?v="));
        assert!(assets[1].starts_with("/assets/app.css?v="));
        assert!(assets[2].starts_with("/assets/app.js?v="));

        let govuk_css = versioned(&fixture, &assets[0], "text/css; charset=utf-8").await;
        let govuk_css = govuk_css.text();
        assert!(govuk_css.contains(".govuk-summary-list__actions"));
        assert!(govuk_css.contains(".govuk-error-summary"));
        // Arial, never the GDS Transport font (for gov.uk services only) nor its files.
        assert!(govuk_css.contains("font-family:arial,sans-serif"));
        assert!(!govuk_css.contains("GDS Transport"));
        assert!(!govuk_css.contains("woff"));

        let app_css = versioned(&fixture, &assets[1], "text/css; charset=utf-8").await;
        assert!(app_css.text().contains(".app-table--stack"));

        let app_js = versioned(&fixture, &assets[2], "text/javascript; charset=utf-8").await;
        let app_js = app_js.text();
        assert!(app_js.contains("initAll()"), "{app_js}");
        // It imports GOV.UK Frontend's module by its versioned address.
        let import = app_js
            .split("from \"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("an import");
        assert!(import.starts_with("/assets/govuk/govuk-frontend.min.js?v="));
        let govuk_js = versioned(&fixture, import, "text/javascript; charset=utf-8").await;
        let govuk_js = govuk_js.text();
        assert!(govuk_js.contains("initAll"));
        assert!(govuk_js.contains("const version=\"5."), "GOV.UK Frontend 5");
        // No source map is vendored, so none is asked for.
        assert!(!govuk_js.contains("sourceMappingURL"));
    }
}

#[tokio::test]
async fn everything_the_stylesheets_refer_to_is_served() {
    let fixture = Fixture::with_plan().await;
    let page = fixture.get_anonymous("/login").await.text();
    let mut checked = 0;
    for stylesheet in linked_assets(&page)
        .into_iter()
        .filter(|address| address.contains(".css"))
    {
        let css = fixture.get_anonymous(&stylesheet).await.text();
        for url in urls(&css) {
            // Only this server's files (the Content-Security-Policy allows nothing else), each
            // with its version so that it too is cached for a year.
            assert!(url.starts_with("/assets/govuk/"), "{stylesheet}: {url}");
            let content_type = match url
                .split('?')
                .next()
                .and_then(|path| path.rsplit('.').next())
            {
                Some("svg") => "image/svg+xml",
                Some("png") => "image/png",
                Some("ico") => "image/x-icon",
                other => panic!("{stylesheet}: an unexpected kind of file {other:?} in {url}"),
            };
            let reply = versioned(&fixture, &url, content_type).await;
            if content_type == "image/svg+xml" {
                assert!(reply.text().contains("<svg"), "{url}");
            }
            checked += 1;
        }
    }
    assert!(
        checked >= 1,
        "GOV.UK Frontend's stylesheet refers to its crest"
    );
    // Anything else under /assets/ is not found.
    for missing in [
        "/assets/govuk/fonts/bold-b542beb274-v2.woff2",
        "/assets/govuk/images/nothing.svg",
        "/assets/govuk/../app.css",
        "/assets/nothing.css",
    ] {
        assert_eq!(
            fixture.get_anonymous(missing).await.status,
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
}

/// The classes of an HTML page outside its SVG charts (whose classes are only hooks).
fn classes(html: &str) -> Vec<String> {
    let mut outside = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<svg") {
        outside.push_str(&rest[..start]);
        rest = rest[start..]
            .split_once("</svg>")
            .map_or("", |(_, after)| after);
    }
    outside.push_str(rest);
    outside
        .split(" class=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .flat_map(|list| {
            list.split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Whether a stylesheet has a rule for this class (`.name` not followed by more of a name).
fn defines(css: &str, class: &str) -> bool {
    // GOV.UK Frontend's override classes (`govuk-!-...`) are escaped in selectors.
    let selector = format!(".{}", class.replace('!', "\\!"));
    css.match_indices(&selector).any(|(at, _)| {
        css[at + selector.len()..]
            .chars()
            .next()
            .is_none_or(|next| !(next.is_ascii_alphanumeric() || next == '-' || next == '_'))
    })
}

/// Classes of GOV.UK Frontend's component markup that its stylesheet has no rule of their own
/// for (its rules are on their children and modifiers, or its script finds them); hooks for
/// its script (`govuk-js-`) are let through too.
const UNSTYLED: [&str; 5] = [
    "govuk-radios",
    "govuk-checkboxes",
    "govuk-table__head",
    "govuk-table__body",
    "govuk-table__row",
];

#[tokio::test]
async fn every_class_on_the_pages_is_govuk_frontends_or_the_services_own_and_styled() {
    let fixture = Fixture::with_plan().await;
    let govuk_css = fixture
        .get_anonymous("/assets/govuk/govuk-frontend.min.css")
        .await
        .text();
    let app_css = fixture.get_anonymous("/assets/app.css").await.text();
    let officer = fixture.sign_in(Role::Officer).await;
    let mut pages = vec![
        fixture.get_anonymous("/login").await.text(),
        fixture.get_anonymous("/accessibility").await.text(),
        fixture.get_anonymous("/privacy").await.text(),
        fixture.get_anonymous("/nowhere").await.text(),
    ];
    for path in [
        "/",
        "/?as_of=2021-07-01",
        "/?status=blocked",
        "/actions/1.1",
        "/actions/1.1?change=status",
        "/actions/1.1?change=amend",
        "/actions/1.1?change=evidence",
        "/actions/1.1?change=milestone",
        "/actions/new",
        "/visits/new",
        "/reviews/new",
        "/measures/values/new",
        "/inspections/new",
        "/findings/new",
        "/coproduction/new",
        "/events/1/correct",
        "/timeline",
        "/diff",
        "/evidence",
        "/evidence/new",
        "/narrative",
        "/verify",
        // A form with problems: the error summary and the fields' error messages.
        "/?as_of=2021-02-30",
    ] {
        pages.push(officer.get(path).await.text());
    }
    let invalid = officer
        .post(
            "/visits/new",
            &[("on-day", "30"), ("on-month", "2"), ("on-year", "2021")],
        )
        .await;
    pages.push(invalid.text());
    let mut seen = std::collections::BTreeSet::new();
    for page in &pages {
        // Buttons as GOV.UK Frontend's button macro writes them, for its script to start.
        for button in page.split("<button class=\"govuk-button").skip(1) {
            let tag = button.split('>').next().unwrap_or("");
            assert!(
                tag.contains(r#"data-module="govuk-button""#),
                "<button class=\"govuk-button{tag}>"
            );
        }
        for class in classes(page) {
            seen.insert(class);
        }
    }
    let mut wrong = Vec::new();
    for class in &seen {
        let styled = if class.starts_with("govuk-js-") || UNSTYLED.contains(&class.as_str()) {
            true
        } else if class.starts_with("govuk-") {
            defines(&govuk_css, class)
        } else if class.starts_with("app-") {
            defines(&app_css, class)
        } else {
            false
        };
        if !styled {
            wrong.push(class.clone());
        }
    }
    assert_eq!(wrong, Vec::<String>::new(), "classes no stylesheet defines");
    // The components the pages are built from, each seen at least once.
    for component in [
        "govuk-date-input",
        "govuk-radios",
        "govuk-checkboxes",
        "govuk-error-summary",
        "govuk-summary-list",
        "govuk-summary-list__actions",
        "govuk-table",
        "govuk-tag",
        "govuk-back-link",
        "govuk-breadcrumbs",
        "govuk-notification-banner",
        "govuk-warning-text",
        "govuk-details",
        "govuk-footer",
        "govuk-phase-banner",
        "govuk-skip-link",
        "govuk-service-navigation",
        "govuk-button",
    ] {
        assert!(seen.contains(component), "no page uses {component}");
    }
    // The service's own stylesheet imitates none of GOV.UK Frontend's components: it defines
    // only `app-` classes (and adds to GOV.UK's, never redefines one alone).
    let mut plain = String::new();
    let mut rest = app_css.as_str();
    while let Some(start) = rest.find("/*") {
        plain.push_str(&rest[..start]);
        rest = rest[start..]
            .split_once("*/")
            .map_or("", |(_, after)| after);
    }
    plain.push_str(rest);
    let mut rules = 0;
    for block in plain.split('}') {
        // The innermost selector before the declarations (inside an @media block too).
        let Some(selector) = block.rsplit('{').nth(1) else {
            continue;
        };
        for part in selector.split(',').map(str::trim) {
            assert!(
                part.contains(".app-")
                    || part == ".govuk-template__body"
                    || part == ".govuk-main-wrapper"
                    || part == "blockquote.govuk-inset-text",
                "app.css styles {part:?}, which is not the service's own"
            );
            rules += 1;
        }
    }
    assert!(rules > 20, "{rules} rules read");
}

#[test]
fn the_vendored_govuk_frontend_keeps_its_licence_and_version() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/govuk");
    let licence = std::fs::read_to_string(format!("{dir}/LICENSE.txt")).expect("LICENSE.txt");
    assert!(licence.starts_with("The MIT License (MIT)"));
    assert!(licence.contains("Crown Copyright (Government Digital Service)"));
    let version = std::fs::read_to_string(format!("{dir}/VERSION")).expect("VERSION");
    assert!(version.trim().starts_with("5."), "{version}");
    let js = std::fs::read_to_string(format!("{dir}/govuk-frontend.min.js")).expect("script");
    assert!(
        js.contains(&format!("const version=\"{}\"", version.trim())),
        "the script is the version VERSION names"
    );
}
