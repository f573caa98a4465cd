//! `/accessibility` and `/privacy`: the accessibility statement a public-sector service must
//! publish, and the privacy notice (with the cookies the service sets). Both are open to
//! everyone, signed in or not, and linked from every page's footer.

use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};

use crate::web::html_response;
use crate::web::layout::{SERVICE, bare};
use crate::web::session::{IDLE, LOGIN_COOKIE, LOGIN_FORM_SECONDS, SESSION_COOKIE};

fn page(title: &str, content: Markup) -> Response {
    html_response(
        StatusCode::OK,
        bare(
            title,
            html! {
                a.govuk-back-link href="/" data-testid="back-link" { "Back to the service" }
                (content)
            },
        ),
    )
}

/// `GET /accessibility`.
pub async fn accessibility() -> Response {
    page(
        "Accessibility statement",
        html! {
            h1.govuk-heading-l { "Accessibility statement for the " (SERVICE) }
            p.govuk-body {
                "This statement applies to the " (SERVICE) ", the web pages of a local area's Written Statement of Action evidence ledger. "
                "It is run by the local area partnership (the council and the integrated care board) that runs this server."
            }
            p.govuk-body {
                "We want as many people as possible to be able to use this service. For example, you should be able to:"
            }
            ul.govuk-list.govuk-list--bullet {
                li { "change colours, contrast levels and fonts using your browser or device settings" }
                li { "zoom in up to 400% without the text spilling off the screen, and use the pages on a screen 320 pixels wide without scrolling sideways (wide tables scroll inside their own box, which you can reach with the keyboard)" }
                li { "get from the start of the page to its main content with the \u{201c}Skip to main content\u{201d} link, and use every form with a keyboard alone" }
                li { "use the service with a screen reader: status and RAG ratings are words, not only colours, and each chart has a description and a table of its values" }
                li { "use the service without JavaScript" }
            }
            h2.govuk-heading-m { "How accessible this service is" }
            p.govuk-body {
                "The pages are written to meet the Web Content Accessibility Guidelines (WCAG) version 2.2 at level AA, built with GOV.UK Frontend, the GOV.UK Design System's own components. "
                "The service's automated tests open every main page in a browser at 320 and 1,280 pixels wide and check it with axe-core against WCAG 2.2 A and AA."
            }
            p.govuk-body { "We know of these limitations:" }
            ul.govuk-list.govuk-list--bullet {
                li { "The downloads (the narrative in Markdown and HTML, and files attached as evidence) are documents written by people, and may not be accessible. Ask the service's administrator for another format." }
                li { "Automated tests find only some accessibility problems. The pages have not yet had an audit by people with access needs." }
            }
            h2.govuk-heading-m { "Feedback and contact information" }
            p.govuk-body {
                "If you find a problem, or need information in a different format, contact the person who gave you your access token (the service's administrator) at your council or integrated care board. "
                "They will consider your request and get back to you."
            }
            h2.govuk-heading-m { "Enforcement procedure" }
            p.govuk-body {
                "The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 (the \u{2018}accessibility regulations\u{2019}). "
                "If you are not happy with how we respond to your complaint, contact the Equality Advisory and Support Service (EASS)."
            }
            h2.govuk-heading-m { "Preparation of this statement" }
            p.govuk-body {
                "This statement describes the pages as the service provides them and how they are tested. "
                "The organisation running this server should add the date it last reviewed the statement and the result of its own assessment."
            }
        },
    )
}

/// `GET /privacy`.
pub async fn privacy() -> Response {
    let idle_hours = IDLE.as_secs() / 3600;
    page(
        "Privacy notice",
        html! {
            h1.govuk-heading-l { "Privacy notice" }
            p.govuk-body {
                "The " (SERVICE) " keeps the history of a local area's Written Statement of Action: the areas of weakness, the actions, their progress, the evidence for it and what monitoring visits and boards said. "
                "The council and integrated care board that run this server are the data controllers; their data protection officers can answer questions about this notice."
            }
            h2.govuk-heading-m { "What is recorded about you" }
            ul.govuk-list.govuk-list--bullet {
                li { "When you record something, your name and role (as written on your access token) and the time, with what you recorded. This is how the plan's history shows who did what, and it is why the history cannot be edited: mistakes are corrected by a later entry." }
                li { "While you are signed in, a session kept in the server's memory only: it ends when you sign out, after " (idle_hours) " hours without use, or when the server restarts." }
            }
            p.govuk-body {
                "Keep personal data about children and families out of what you record and attach. "
                "If a file attached as evidence holds personal data it should not, the service's administrator can remove its content; the history keeps only the fact that a file was attached and its fingerprint (hash)."
            }
            h2.govuk-heading-m { "Cookies" }
            p.govuk-body { "The service sets only the cookies it needs to work, so it does not ask for consent. It uses no analytics and nothing from other sites." }
            div.app-table-wrapper data-scroll-region tabindex="0" role="region" aria-label="Cookies" {
                table.govuk-table data-testid="cookies" {
                    caption.govuk-table__caption.govuk-visually-hidden { "Cookies" }
                    thead.govuk-table__head { tr.govuk-table__row { th.govuk-table__header scope="col" { "Name" } th.govuk-table__header scope="col" { "Purpose" } th.govuk-table__header scope="col" { "Expires" } } }
                    tbody.govuk-table__body {
                        tr.govuk-table__row { td.govuk-table__cell { code { (SESSION_COOKIE) } } td.govuk-table__cell { "Keeps you signed in" } td.govuk-table__cell { "When you sign out or close the browser, or after " (idle_hours) " hours without use" } }
                        tr.govuk-table__row { td.govuk-table__cell { code { (LOGIN_COOKIE) } } td.govuk-table__cell { "Protects the sign-in form from being sent by another site" } td.govuk-table__cell { "When you sign in, or after " (LOGIN_FORM_SECONDS / 60) " minutes" } }
                    }
                }
            }
        },
    )
}
