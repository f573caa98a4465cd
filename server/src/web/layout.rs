//! The page shell every page shares, GOV.UK Frontend's page template: `<html lang="en-GB">`, the
//! skip link, the header with the service name, the navigation and the sign-out button, the
//! phase banner, the `main` landmark and the footer.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::web::Signed;
use crate::web::assets;
use crate::web::widgets::flash;

/// Which navigation item a page belongs to (marked `aria-current="page"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nav {
    /// The plan dashboard and the action pages.
    Plan,
    /// The timeline.
    Timeline,
    /// What changed.
    Diff,
    /// The evidence.
    Evidence,
    /// The narrative.
    Narrative,
    /// Verification.
    Verify,
    /// A form page.
    Record,
}

const ITEMS: [(Nav, &str, &str); 6] = [
    (Nav::Plan, "/", "Plan"),
    (Nav::Timeline, "/timeline", "Timeline"),
    (Nav::Diff, "/diff", "What changed"),
    (Nav::Evidence, "/evidence", "Evidence"),
    (Nav::Narrative, "/narrative", "Narrative"),
    (Nav::Verify, "/verify", "Verify"),
];

/// The service's name, in the header and every title.
pub const SERVICE: &str = "WSoA ledger";

/// A page for a signed-in person: navigation, who they are, a sign-out button, and the message
/// the last form left.
pub fn page(title: &str, user: &Signed, nav: Nav, content: Markup) -> Markup {
    shell(
        title,
        html! {
            // GOV.UK Frontend's service navigation: the items collapse behind a "Menu" button
            // on a narrow screen when its script runs, and stay a plain list when it does not.
            nav.govuk-service-navigation__wrapper aria-label="Main" {
                button.govuk-service-navigation__toggle.govuk-js-service-navigation-toggle type="button" aria-controls="navigation" hidden aria-hidden="true" { "Menu" }
                ul.govuk-service-navigation__list #navigation {
                    @for (item, href, label) in ITEMS {
                        @if item == nav {
                            li.govuk-service-navigation__item.govuk-service-navigation__item--active {
                                a.govuk-service-navigation__link href=(href) aria-current="page" {
                                    strong.govuk-service-navigation__active-fallback { (label) }
                                }
                            }
                        } @else {
                            li.govuk-service-navigation__item {
                                a.govuk-service-navigation__link href=(href) { (label) }
                            }
                        }
                    }
                }
            }
        },
        html! {
            div.app-account {
                p.govuk-body-s.app-account__name data-testid="signed-in-as" { "Signed in as " strong { (user.name) } " (" (user.role) ")" }
                form #sign-out method="post" action="/logout" {
                    input type="hidden" name="csrf" value=(user.csrf);
                    button.govuk-button.govuk-button--secondary.app-account__sign-out type="submit" data-module="govuk-button" { "Sign out" }
                }
            }
        },
        html! {
            (flash(user.flash.as_deref()))
            (content)
        },
    )
}

/// A page for someone not (or no longer) signed in: the sign-in page and error pages.
pub fn bare(title: &str, content: Markup) -> Markup {
    shell(title, html! {}, html! {}, content)
}

/// The page template GOV.UK Frontend documents: `govuk-template` on `<html>`, the inline
/// script that marks the body `govuk-frontend-supported` (allowed by its hash in the
/// Content-Security-Policy, `assets::INLINE_SCRIPT`), the skip link, a header with the service
/// navigation and the phase banner (this service is not on gov.uk, so no GOV.UK header or
/// crown), the main wrapper, and a footer without the GOV.UK licence and copyright. The script
/// is an ES module that calls `initAll()`; every page works without it.
fn shell(title: &str, navigation: Markup, account: Markup, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en-GB" class="govuk-template" {
            head {
                meta charset="utf-8";
                title { (title) " – " (SERVICE) }
                meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover";
                meta name="theme-color" content="#0b0c0c";
                link rel="stylesheet" href=(assets::govuk_css_href());
                link rel="stylesheet" href=(assets::css_href());
            }
            body.govuk-template__body {
                script { (PreEscaped(assets::INLINE_SCRIPT)) }
                a.govuk-skip-link href="#main-content" data-module="govuk-skip-link" { "Skip to main content" }
                // The phase banner is part of the banner landmark, so that every piece of the
                // page sits in a landmark.
                header.app-header {
                    section.govuk-service-navigation aria-label="Service information" data-module="govuk-service-navigation" {
                        div.govuk-width-container {
                            div.govuk-service-navigation__container {
                                span.govuk-service-navigation__service-name {
                                    a.govuk-service-navigation__link href="/" { (SERVICE) }
                                }
                                (navigation)
                            }
                            (account)
                        }
                    }
                    div.govuk-width-container {
                        div.govuk-phase-banner data-testid="phase-banner" {
                            p.govuk-phase-banner__content {
                                strong.govuk-tag.govuk-phase-banner__content__tag { "Beta" }
                                span.govuk-phase-banner__text {
                                    "This is a new service. Nothing shown here is ever edited or deleted: every change is kept in a history anyone can check."
                                }
                            }
                        }
                    }
                }
                div.govuk-width-container {
                    main.govuk-main-wrapper #main-content {
                        (content)
                    }
                }
                footer class="govuk-footer govuk-!-display-none-print" {
                    div.govuk-width-container {
                        div.govuk-footer__meta {
                            div.govuk-footer__meta-item.govuk-footer__meta-item--grow {
                                h2.govuk-visually-hidden { "Support links" }
                                ul.govuk-footer__inline-list {
                                    li.govuk-footer__inline-list-item { a.govuk-footer__link href="/accessibility" { "Accessibility statement" } }
                                    li.govuk-footer__inline-list-item { a.govuk-footer__link href="/privacy" { "Privacy notice" } }
                                }
                                div.govuk-footer__meta-custom {
                                    "Written Statement of Action evidence ledger. Nothing recorded here is ever edited or deleted: mistakes are corrected by later events, and anyone can verify the history."
                                }
                            }
                        }
                    }
                }
                script type="module" src=(assets::js_href()) {}
            }
        }
    }
}
