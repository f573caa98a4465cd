//! The page shell every page shares: `<html lang="en-GB">`, the skip link, the header with the
//! service name, the navigation and the sign-out button, the phase banner, the `main` landmark
//! and the footer.

use maud::{DOCTYPE, Markup, html};

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
            nav.header__nav aria-label="Main" {
                ul.header__list {
                    @for (item, href, label) in ITEMS {
                        li.header__item {
                            @if item == nav {
                                a.header__link href=(href) aria-current="page" { (label) }
                            } @else {
                                a.header__link href=(href) { (label) }
                            }
                        }
                    }
                }
            }
            div.header__account {
                span data-testid="signed-in-as" { "Signed in as " strong { (user.name) } " (" (user.role) ")" }
                form #sign-out method="post" action="/logout" {
                    input type="hidden" name="csrf" value=(user.csrf);
                    button.header__sign-out type="submit" { "Sign out" }
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
    shell(title, html! {}, content)
}

fn shell(title: &str, header_extra: Markup, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en-GB" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – " (SERVICE) }
                link rel="stylesheet" href=(assets::css_href());
                script src=(assets::js_href()) defer {}
            }
            body {
                a.skip-link href="#main-content" { "Skip to main content" }
                // The phase banner is part of the banner landmark, so that every piece of the
                // page sits in a landmark.
                header.header {
                    div.header__bar {
                        div.width-container.header__inner {
                            a.header__service href="/" { (SERVICE) }
                            (header_extra)
                        }
                    }
                    div.width-container {
                        div.phase-banner data-testid="phase-banner" {
                            p.phase-banner__content {
                                strong.tag.phase-banner__tag { "Beta" }
                                span.phase-banner__text {
                                    "This is a new service. Nothing shown here is ever edited or deleted: every change is kept in a history anyone can check."
                                }
                            }
                        }
                    }
                }
                div.width-container {
                    main #main-content.main tabindex="-1" {
                        (content)
                    }
                }
                footer.footer {
                    div.width-container {
                        div.footer__meta {
                            h2.visually-hidden { "Support links" }
                            ul.footer__inline-list {
                                li.footer__inline-list-item { a.footer__link href="/accessibility" { "Accessibility statement" } }
                                li.footer__inline-list-item { a.footer__link href="/privacy" { "Privacy notice and cookies" } }
                            }
                        }
                        p.footer__text {
                            "Written Statement of Action evidence ledger. Nothing recorded here is ever edited or deleted: mistakes are corrected by later events, and anyone can verify the history."
                        }
                    }
                }
            }
        }
    }
}
