//! Signing in and out: the token form, the session cookie's attributes, the login form's own
//! CSRF protection, and revocation signing a session out.

use axum::http::{Method, StatusCode};
use serde_json::json;
use wsoa_core::Role;

use crate::harness::{Fixture, encode};

#[tokio::test]
async fn signing_in_sets_a_strict_http_only_session_cookie() {
    let fixture = Fixture::new();
    let session = fixture.sign_in(Role::Officer).await;
    let cookie = session.login.set_cookie("wsoa_session").expect("set");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(
            cookie.split("; ").any(|a| a == attribute),
            "{attribute} missing from {cookie}"
        );
    }
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP: a Secure cookie would never come back"
    );
    assert_eq!(session.cookie.len(), 64, "32 random bytes as hex");
    // The login form's CSRF cookie is cleared once used.
    let login = session.login.set_cookie("wsoa_login").expect("cleared");
    assert!(login.contains("Max-Age=0"), "{login}");

    // Behind a TLS proxy, the cookie is Secure.
    let tls = fixture
        .sign_in_with(
            fixture.token(Role::Viewer),
            &[("x-forwarded-proto", "https")],
        )
        .await
        .unwrap_or_else(|reply| panic!("{}", reply.text()));
    let cookie = tls.login.set_cookie("wsoa_session").expect("set");
    assert!(cookie.ends_with("; Secure"), "{cookie}");
    // And an operator can ask for Secure cookies always.
    fixture.state().web().set_secure_cookies(true);
    let always = fixture.sign_in(Role::Viewer).await;
    assert!(
        always
            .login
            .set_cookie("wsoa_session")
            .expect("set")
            .contains("Secure")
    );
    // Two sign-ins are two sessions.
    assert_ne!(tls.cookie, always.cookie);
}

#[tokio::test]
async fn a_bad_or_blank_token_shows_the_problem_next_to_the_field() {
    let fixture = Fixture::new();
    for (token, message) in [
        ("wsoa_not-a-real-token", "The token is not valid"),
        ("   ", "Enter your access token"),
    ] {
        let reply = fixture
            .sign_in_with(token, &[])
            .await
            .err()
            .expect("refused");
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
        let text = reply.text();
        assert!(text.contains("There is a problem"), "{text}");
        assert!(text.contains(r##"<a href="#token">"##), "{text}");
        assert!(
            text.contains(r#"<p class="govuk-error-message" id="token-error">"#),
            "{text}"
        );
        assert!(text.contains(message), "{text}");
        assert!(
            !text.contains("not-a-real-token"),
            "a token is never shown back"
        );
        assert!(reply.set_cookie("wsoa_session").is_none());
        assert!(
            reply.set_cookie("wsoa_login").is_some(),
            "a fresh form, with a fresh CSRF cookie"
        );
    }
}

#[tokio::test]
async fn the_login_form_refuses_a_post_without_its_csrf_cookie_or_value() {
    let fixture = Fixture::new();
    let token = fixture.token(Role::Officer).to_owned();
    let form = fixture.get_anonymous("/login").await;
    let cookie = format!("wsoa_login={}", form.cookie("wsoa_login").expect("set"));
    let csrf = form.csrf();
    let cases: [(Option<&str>, &str); 3] = [
        (None, csrf.as_str()),
        (Some(cookie.as_str()), "0000"),
        (Some(cookie.as_str()), ""),
    ];
    for (cookie, csrf) in cases {
        let mut headers = vec![("content-type", "application/x-www-form-urlencoded")];
        if let Some(cookie) = cookie {
            headers.push(("cookie", cookie));
        }
        let reply = fixture
            .call(
                Method::POST,
                "/login",
                &headers,
                encode(&[("csrf", csrf), ("token", &token)]).into_bytes(),
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.text());
        assert!(reply.set_cookie("wsoa_session").is_none());
        assert!(
            reply
                .text()
                .contains("had expired, or did not come from this site")
        );
    }
}

#[tokio::test]
async fn signing_out_clears_the_cookie_and_ends_the_session() {
    let fixture = Fixture::new();
    let session = fixture.sign_in(Role::Viewer).await;
    // Signing out is a form too: without the CSRF token it is refused.
    let refused = session.post_raw("/logout", &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        session.get("/").await.status,
        StatusCode::OK,
        "still signed in"
    );
    let reply = session.post("/logout", &[]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), "/login");
    let cleared = reply.set_cookie("wsoa_session").expect("cleared");
    assert!(cleared.starts_with("wsoa_session=;"), "{cleared}");
    assert!(cleared.contains("Max-Age=0"));
    // The old cookie no longer works, even if a browser kept it.
    let after = session.get("/").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert_eq!(after.location(), "/login");
    assert!(fixture.state().web().sessions().is_empty());
}

#[tokio::test]
async fn revoking_a_token_signs_its_sessions_out() {
    let fixture = Fixture::new();
    let session = fixture.sign_in(Role::Officer).await;
    assert_eq!(session.get("/").await.status, StatusCode::OK);
    let reply = fixture
        .call(
            Method::DELETE,
            "/api/v1/tokens/officer%20person",
            &[(
                "authorization",
                &format!("Bearer {}", fixture.token(Role::Admin)),
            )],
            Vec::new(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let after = session.get("/").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert_eq!(after.location(), "/login");
    let before = fixture.len();
    let post = session
        .post(
            "/visits/new",
            &[("by", "Someone"), ("on", "2021-11-18"), ("summary", "x")],
        )
        .await;
    assert_eq!(post.status, StatusCode::SEE_OTHER);
    assert_eq!(fixture.len(), before, "a revoked token records nothing");
    assert!(
        fixture
            .sign_in_with(fixture.token(Role::Officer), &[])
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_signed_in_visit_to_the_login_page_goes_to_the_plan() {
    let fixture = Fixture::new();
    fixture
        .record(json!({"kind": "open_ledger", "area": "Northshire local area", "on": "2021-01-04"}))
        .await;
    let session = fixture.sign_in(Role::Viewer).await;
    let reply = session.get("/login").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), "/");
}

/// POSTs `/logout` with the session's cookie, its valid CSRF token and `extra` headers.
async fn logout_with(
    fixture: &Fixture,
    session: &crate::harness::Session<'_>,
    extra: &[(&str, &str)],
) -> crate::harness::Reply {
    let cookie = format!("wsoa_session={}", session.cookie);
    let mut headers = vec![
        ("cookie", cookie.as_str()),
        ("content-type", "application/x-www-form-urlencoded"),
    ];
    headers.extend_from_slice(extra);
    fixture
        .call(
            Method::POST,
            "/logout",
            &headers,
            encode(&[("csrf", &session.csrf)]).into_bytes(),
        )
        .await
}

#[tokio::test]
async fn a_valid_csrf_token_posted_from_another_site_is_refused() {
    let fixture = Fixture::new();
    let session = fixture.sign_in(Role::Officer).await;
    for extra in [
        vec![("origin", "https://evil.example")],
        vec![
            ("host", "wsoa.example:8080"),
            ("origin", "http://wsoa.example.evil:8080"),
        ],
        vec![("host", "wsoa.example:8080"), ("origin", "null")],
        vec![("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
        // A browser's Sec-Fetch-Site is believed over a matching Origin.
        vec![
            ("host", "wsoa.example:8080"),
            ("origin", "http://wsoa.example:8080"),
            ("sec-fetch-site", "cross-site"),
        ],
    ] {
        let reply = logout_with(&fixture, &session, &extra).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{extra:?}");
        assert!(
            reply.text().contains("another site"),
            "{extra:?}: {}",
            reply.text()
        );
        // Refused before anything happened: still signed in.
        assert_eq!(session.get("/").await.status, StatusCode::OK, "{extra:?}");
    }
    // Signing in from another site is refused too, whatever the form carries.
    let refused = fixture
        .sign_in_with(
            fixture.token(Role::Officer),
            &[("sec-fetch-site", "cross-site")],
        )
        .await
        .err()
        .expect("refused");
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
}

#[tokio::test]
async fn same_origin_browsers_and_clients_without_the_headers_pass_with_the_csrf_token() {
    let fixture = Fixture::new();
    for extra in [
        vec![("sec-fetch-site", "same-origin")],
        vec![
            ("host", "wsoa.example:8080"),
            ("origin", "http://wsoa.example:8080"),
        ],
        // Behind a TLS proxy that rewrites Host and says which host it was sent to.
        vec![
            ("host", "127.0.0.1:8080"),
            ("x-forwarded-host", "wsoa.example"),
            ("origin", "https://wsoa.example"),
        ],
        // Neither header: not a browser; the CSRF token decides.
        vec![],
    ] {
        let session = fixture.sign_in(Role::Officer).await;
        let reply = logout_with(&fixture, &session, &extra).await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{extra:?}: {}",
            reply.text()
        );
        assert_eq!(reply.location(), "/login");
    }
    // Without the token, a request with neither header is still refused.
    let session = fixture.sign_in(Role::Officer).await;
    let reply = session.post_raw("/logout", &[]).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}
