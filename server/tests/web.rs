//! Web page tests: the application in-process (`app(state)` driven with tower's `oneshot`),
//! signed in through the login form with a session cookie, as a browser would be. Every page's
//! status and key content, signing in and out, CSRF and role checks on every form, validation
//! that keeps what was typed, hostile input escaped, evidence round trips and verification.

#[path = "web/harness.rs"]
mod harness;

/// Every page answers a signed-in viewer and officer with its key content; signed out, every
/// page redirects to the login page.
#[path = "web/pages.rs"]
mod pages;

/// Signing in with a token, the session cookie's attributes, signing out, revoked tokens.
#[path = "web/session.rs"]
mod session;

/// The recording forms: CSRF, roles, validation beside the field, post/redirect/get.
#[path = "web/forms.rs"]
mod forms;

/// Hostile text (`<script>`) is shown as text on every page it reaches.
#[path = "web/escaping.rs"]
mod escaping;

/// Evidence uploaded through the action page, downloaded byte for byte, redaction shown.
#[path = "web/evidence.rs"]
mod evidence;

/// The verification page and the auditors' button.
#[path = "web/verify.rs"]
mod verify;

/// Inspections, findings, milestones and "you said, we did" through their forms.
#[path = "web/findings.rs"]
mod findings;

/// Breadcrumbs and back links, corrections from the history, the diff's moments.
#[path = "web/navigation.rs"]
mod navigation;

/// GOV.UK Frontend and the service's own files: linked, served with their types and caching,
/// nothing a stylesheet refers to missing, and every class on the pages one of theirs.
#[path = "web/assets.rs"]
mod assets;
/// The plans after the WSoA, monitoring reviews, trajectories and evidence packs through their
/// forms.
#[path = "web/plans.rs"]
mod plans;
/// A monitoring visit's points tied to findings, and its letter uploaded with it.
#[path = "web/visits.rs"]
mod visits;
