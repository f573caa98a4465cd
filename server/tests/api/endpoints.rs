//! The success path of every endpoint.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use wsoa_core::Role;
use wsoa_core::chain::chain_hash;
use wsoa_core::encoding::decode_event;

use crate::harness::{Fixture, multipart};

#[tokio::test]
async fn health_readiness_and_the_openapi_document_need_no_token() {
    let fixture = Fixture::new();
    for path in ["/healthz", "/readyz", "/api/v1/openapi.json"] {
        let reply = fixture
            .call(Method::GET, path, None, None, Vec::new(), &[])
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
    }
    let doc = fixture
        .call(
            Method::GET,
            "/api/v1/openapi.json",
            None,
            None,
            Vec::new(),
            &[],
        )
        .await
        .json();
    // The document is generated from the handlers: every route is in it.
    for path in [
        "/api/v1/commands",
        "/api/v1/commands/batch",
        "/api/v1/plan",
        "/api/v1/timeline",
        "/api/v1/diff",
        "/api/v1/narrative",
        "/api/v1/log",
        "/api/v1/verify",
        "/api/v1/checkpoint",
        "/api/v1/checkpoints",
        "/api/v1/proofs",
        "/api/v1/bundle",
        "/api/v1/evidence",
        "/api/v1/evidence/{id}/content",
        "/api/v1/tokens",
        "/api/v1/tokens/{name_or_id}",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from the OpenAPI document"
        );
    }
    assert!(doc["components"]["schemas"]["CommandRequest"].is_object());
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
}

#[tokio::test]
async fn the_openapi_document_lists_the_storage_clock_and_limit_answers() {
    let fixture = Fixture::new();
    let doc = fixture
        .call(
            Method::GET,
            "/api/v1/openapi.json",
            None,
            None,
            Vec::new(),
            &[],
        )
        .await
        .json();
    let answers = |path: &str, method: &str| -> Vec<String> {
        doc["paths"][path][method]["responses"]
            .as_object()
            .map(|responses| responses.keys().cloned().collect())
            .unwrap_or_default()
    };
    // Every route that writes says it can answer 507 (disk full, read-only, writes stopped).
    for (path, method) in [
        ("/api/v1/commands", "post"),
        ("/api/v1/commands/batch", "post"),
        ("/api/v1/evidence", "post"),
        ("/api/v1/checkpoints", "post"),
        ("/api/v1/tokens", "post"),
        ("/api/v1/tokens/{name_or_id}", "delete"),
    ] {
        let listed = answers(path, method);
        assert!(
            listed.contains(&"507".to_owned()),
            "{method} {path}: {listed:?}"
        );
    }
    // Those that append events also answer 503 when the server's clock is wrong, and a command
    // naming content never uploaded is a 404.
    for path in [
        "/api/v1/commands",
        "/api/v1/commands/batch",
        "/api/v1/evidence",
    ] {
        let listed = answers(path, "post");
        assert!(listed.contains(&"503".to_owned()), "{path}: {listed:?}");
    }
    assert!(answers("/api/v1/commands", "post").contains(&"404".to_owned()));
    assert!(answers("/api/v1/evidence/{id}/content", "get").contains(&"404".to_owned()));
    // Reads do not write, so they never answer 507.
    assert!(!answers("/api/v1/plan", "get").contains(&"507".to_owned()));
    // Every route answers 431 for an oversized head and 413 for an oversized declared body.
    let paths = doc["paths"].as_object().expect("paths");
    for (path, item) in paths {
        for (method, operation) in item.as_object().expect("a path item") {
            let responses = &operation["responses"];
            for status in ["413", "431"] {
                assert!(
                    responses[status].is_object(),
                    "{method} {path} does not list {status}"
                );
            }
        }
    }
}

#[tokio::test]
async fn a_recorded_command_carries_the_tokens_name_and_role_and_its_bytes_verify() {
    let fixture = Fixture::new();
    let reply = fixture
        .post_json(
            Role::Officer,
            "/api/v1/commands",
            &json!({"kind": "open_ledger", "area": "Northshire local area", "actor": "someone else"}),
        )
        .await;
    // An "actor" in the body is an unknown field, refused: the actor comes from the token.
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
    assert!(reply.error_message().contains("actor"), "{}", reply.text());
    assert_eq!(fixture.len(), 0);

    let reply = fixture
        .post_json(
            Role::Officer,
            "/api/v1/commands",
            &json!({"kind": "open_ledger", "area": "Northshire local area", "on": "2021-01-04"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let body = reply.json();
    assert_eq!(body["seq"], 0);
    assert_eq!(body["kind"], "ledger_opened");
    assert_eq!(body["actor"]["name"], "officer person");
    assert_eq!(body["actor"]["role"], "officer");
    assert_eq!(body["occurred_on"], "2021-01-04");
    let bytes = hex::decode(body["bytes"].as_str().expect("bytes")).expect("hex");
    assert_eq!(chain_hash(&bytes).to_hex(), body["hash"]);
    let event = decode_event(&bytes).expect("decodes");
    assert_eq!(event.actor.name, "officer person");
    let stored = fixture.reader.event(0).expect("reads").expect("exists");
    assert_eq!(stored.bytes, bytes);
}

#[tokio::test]
async fn the_plan_timeline_diff_narrative_and_log_read_the_recorded_plan() {
    let fixture = Fixture::with_plan().await;
    let plan = fixture.get(Role::Viewer, "/api/v1/plan").await;
    assert_eq!(plan.status, StatusCode::OK, "{}", plan.text());
    let text = plan.text();
    assert!(text.contains("Agree a QA framework"), "{text}");
    assert_eq!(plan.json()["point"], "now");

    let tree = fixture.get(Role::Viewer, "/api/v1/plan?format=text").await;
    assert!(
        tree.text().contains("Northshire local area"),
        "{}",
        tree.text()
    );
    let csv = fixture.get(Role::Viewer, "/api/v1/plan?format=csv").await;
    assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
    assert!(csv.text().contains("1.1"), "{}", csv.text());

    // Before the action was created, it was not in the plan.
    let earlier = fixture.get(Role::Viewer, "/api/v1/plan?at=3").await;
    assert!(!earlier.text().contains("Agree a QA framework"));
    let as_of = fixture
        .get(Role::Viewer, "/api/v1/plan?as_of=2021-04-30")
        .await;
    assert!(!as_of.text().contains("Agree a QA framework"));

    let timeline = fixture
        .get(Role::Viewer, "/api/v1/timeline?about=1.1")
        .await
        .json();
    let entries = timeline["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 2, "{timeline}");
    // Pages of a long history: `total` counts every match, `entries` holds the page.
    let page = fixture
        .get(Role::Viewer, "/api/v1/timeline?offset=2&limit=3")
        .await
        .json();
    assert_eq!(page["total"], fixture.len(), "{page}");
    let seqs: Vec<_> = page["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|entry| entry["seq"].clone())
        .collect();
    assert_eq!(seqs, [2, 3, 4], "{page}");
    let bad = fixture
        .get(Role::Viewer, "/api/v1/timeline?limit=many")
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text());

    let diff = fixture
        .get(Role::Viewer, "/api/v1/diff?from=seq:3&format=text")
        .await;
    assert_eq!(diff.status, StatusCode::OK, "{}", diff.text());
    assert!(diff.text().contains("1.1"), "{}", diff.text());
    let diff = fixture.get(Role::Viewer, "/api/v1/diff?from=seq:3").await;
    assert!(diff.json().is_object());

    let markdown = fixture.get(Role::Viewer, "/api/v1/narrative").await;
    assert_eq!(
        markdown.headers["content-type"],
        "text/markdown; charset=utf-8"
    );
    assert!(markdown.text().contains("Quality assurance of EHC plans"));
    let html = fixture
        .get(Role::Viewer, "/api/v1/narrative?style=html")
        .await;
    assert!(
        html.text().starts_with("<!DOCTYPE html>"),
        "{}",
        &html.text()[..40]
    );

    let log = fixture.get(Role::Viewer, "/api/v1/log").await;
    assert_eq!(log.headers["content-type"], "application/x-ndjson");
    let lines: Vec<serde_json::Value> = log
        .text()
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON line"))
        .collect();
    assert_eq!(lines.len() as u64, fixture.len());
    let mut prev = wsoa_core::Digest([0; 32]);
    for (seq, line) in lines.iter().enumerate() {
        let bytes = hex::decode(line["bytes"].as_str().expect("bytes")).expect("hex");
        let event = decode_event(&bytes).expect("decodes");
        assert_eq!(event.seq, seq as u64);
        assert_eq!(event.prev, prev);
        prev = chain_hash(&bytes);
        assert_eq!(prev.to_hex(), line["hash"]);
    }
    let some = fixture.get(Role::Viewer, "/api/v1/log?from=2&to=3").await;
    assert_eq!(some.text().lines().count(), 2);
}

#[tokio::test]
async fn verification_proofs_checkpoints_and_the_bundle_serve_auditors() {
    let fixture = Fixture::with_plan().await;
    let report = fixture.get(Role::Auditor, "/api/v1/verify").await.json();
    assert_eq!(report["verified"], true, "{report}");
    assert_eq!(report["events"], fixture.len());

    let inclusion = fixture
        .get(Role::Auditor, "/api/v1/proofs?seq=2")
        .await
        .json();
    let root: wsoa_core::Digest = inclusion["root"]
        .as_str()
        .expect("root")
        .parse()
        .expect("hash");
    let leaf: wsoa_core::Digest = inclusion["leaf_hash"]
        .as_str()
        .expect("leaf")
        .parse()
        .expect("hash");
    let proof: Vec<wsoa_core::Digest> = inclusion["proof"]
        .as_array()
        .expect("proof")
        .iter()
        .map(|h| h.as_str().expect("hex").parse().expect("hash"))
        .collect();
    wsoa_core::merkle::verify_inclusion(&leaf, 2, fixture.len(), &proof, &root)
        .expect("the inclusion proof checks");
    let consistency = fixture
        .get(Role::Auditor, "/api/v1/proofs?from=2&to=6")
        .await
        .json();
    assert_eq!(consistency["size1"], 2);

    // A signed checkpoint is kept, and served back.
    let size = fixture.len();
    let origin = fixture.reader.origin().expect("origin");
    let root = fixture.reader.merkle_root(size).expect("root");
    let signer = wsoa_core::note::Signer::from_seed("northshire-board", &[7; 32]).expect("signer");
    let checkpoint = wsoa_core::note::Checkpoint::new(origin, size, root);
    let note =
        wsoa_core::note::Note::sign(&checkpoint.to_text().expect("text"), &signer).expect("signs");
    let kept = fixture
        .call(
            Method::POST,
            "/api/v1/checkpoints",
            Some(fixture.token(Role::Auditor)),
            Some("text/plain"),
            note.to_string().into_bytes(),
            &[],
        )
        .await;
    assert_eq!(kept.status, StatusCode::CREATED, "{}", kept.text());
    let latest = fixture.get(Role::Viewer, "/api/v1/checkpoint").await;
    assert_eq!(latest.text(), note.to_string());
    let verified = fixture.get(Role::Auditor, "/api/v1/verify").await.json();
    assert_eq!(verified["checkpoints_checked"], 1, "{verified}");

    let bundle = fixture.get(Role::Auditor, "/api/v1/bundle").await;
    assert_eq!(bundle.status, StatusCode::OK);
    let report = wsoa_store::verify_bundle(&bundle.body[..], &[])
        .unwrap_or_else(|err| panic!("the bundle does not verify: {err}"));
    assert_eq!(report.events, fixture.len());
}

#[tokio::test]
async fn evidence_is_uploaded_listed_and_downloaded_byte_for_byte() {
    let fixture = Fixture::with_plan().await;
    let content: Vec<u8> = (0..40_000u32).map(|n| (n * 7 % 251) as u8).collect();
    let (content_type, body) = multipart(&[
        (
            "title",
            None,
            "QA framework, board minutes — ‘approved’".as_bytes(),
        ),
        ("supports", None, b"W1, 1.1"),
        ("kind", None, b"minutes"),
        ("on", None, b"2021-07-01"),
        ("file", Some("C:\\Users\\pat\\..\\minutes.pdf"), &content),
    ]);
    let reply = fixture
        .call(
            Method::POST,
            "/api/v1/evidence",
            Some(fixture.token(Role::Officer)),
            Some(&content_type),
            body,
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert_eq!(reply.json()["id"], "E1");
    let list = fixture.get(Role::Viewer, "/api/v1/evidence").await.json();
    assert_eq!(list[0]["file_name"], "minutes.pdf", "{list}");
    assert_eq!(list[0]["media_type"], "application/pdf");
    assert_eq!(list[0]["title"], "QA framework, board minutes — ‘approved’");
    assert_eq!(list[0]["supports"], json!(["weakness:W1", "action:1.1"]));
    let download = fixture
        .get(Role::Viewer, "/api/v1/evidence/E1/content")
        .await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.body.as_ref(), content.as_slice());
    assert_eq!(
        download.headers["content-disposition"],
        "attachment; filename=\"minutes.pdf\""
    );
    assert_eq!(download.headers["x-content-type-options"], "nosniff");

    // Redaction purges the content: the download says so.
    let redacted = fixture
        .post_json(
            Role::Officer,
            "/api/v1/commands",
            &json!({"kind": "redact_evidence", "id": "E1", "reason": "Names a child; data-protection request 2021/14"}),
        )
        .await;
    assert_eq!(redacted.status, StatusCode::CREATED, "{}", redacted.text());
    let gone = fixture
        .get(Role::Viewer, "/api/v1/evidence/E1/content")
        .await;
    assert_eq!(gone.status, StatusCode::GONE, "{}", gone.text());
    assert!(gone.error_message().contains("data-protection request"));
    let missing = fixture
        .get(Role::Viewer, "/api/v1/evidence/E9/content")
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn admins_create_list_and_revoke_tokens_and_a_revoked_token_stops_working() {
    let fixture = Fixture::new();
    let created = fixture
        .post_json(
            Role::Admin,
            "/api/v1/tokens",
            &json!({"name": "DfE adviser", "role": "auditor"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let secret = created.json()["token"].as_str().expect("secret").to_owned();
    let as_adviser = fixture
        .call(
            Method::GET,
            "/api/v1/verify",
            Some(&secret),
            None,
            Vec::new(),
            &[],
        )
        .await;
    assert_eq!(as_adviser.status, StatusCode::OK, "{}", as_adviser.text());
    let list = fixture.get(Role::Admin, "/api/v1/tokens").await;
    assert!(
        !list.text().contains(&secret),
        "the list never shows secrets"
    );
    assert_eq!(list.json().as_array().expect("list").len(), 5);
    let duplicate = fixture
        .post_json(
            Role::Admin,
            "/api/v1/tokens",
            &json!({"name": "DfE adviser", "role": "viewer"}),
        )
        .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);
    let revoked = fixture
        .call(
            Method::DELETE,
            "/api/v1/tokens/DfE%20adviser",
            Some(fixture.token(Role::Admin)),
            None,
            Vec::new(),
            &[],
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.text());
    let after = fixture
        .call(
            Method::GET,
            "/api/v1/verify",
            Some(&secret),
            None,
            Vec::new(),
            &[],
        )
        .await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(after.error_code(), "unauthorized");
}

#[tokio::test]
async fn a_batch_records_every_command_or_none() {
    let fixture = Fixture::with_plan().await;
    let before = fixture.len();
    let refused = fixture
        .post_json(
            Role::Officer,
            "/api/v1/commands/batch",
            &json!({"commands": [
                {"kind": "record_weakness", "id": "W2", "title": "Joint commissioning"},
                {"kind": "create_workstream", "id": "WS2", "title": "Commissioning", "sponsor": "ICB director", "weaknesses": ["W2"]},
                {"kind": "create_action", "id": "2.1", "workstream": "WS9", "title": "Map services", "owner": "ICB lead", "due": "2022-03-31"},
            ]}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.text());
    assert!(
        refused.error_message().starts_with("command 2: "),
        "{}",
        refused.text()
    );
    assert!(refused.error_message().contains("nothing was recorded"));
    assert_eq!(fixture.len(), before, "all or nothing");

    let recorded = fixture
        .post_json(
            Role::Officer,
            "/api/v1/commands/batch",
            &json!({"commands": [
                {"kind": "record_weakness", "id": "W2", "title": "Joint commissioning"},
                {"kind": "create_workstream", "id": "WS2", "title": "Commissioning", "sponsor": "ICB director", "weaknesses": ["W2"]},
                {"kind": "create_action", "id": "2.1", "workstream": "WS2", "title": "Map services", "owner": "ICB lead", "due": "2022-03-31"},
            ]}),
        )
        .await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.text());
    let events = recorded.json()["events"]
        .as_array()
        .expect("events")
        .clone();
    assert_eq!(events.len(), 3);
    assert_eq!(events[2]["seq"], before + 2);
    assert_eq!(events[2]["actor"]["name"], "officer person");
    assert_eq!(fixture.len(), before + 3);
}

#[tokio::test]
async fn every_download_and_answer_tells_browsers_not_to_sniff() {
    let fixture = Fixture::with_plan().await;
    for path in [
        "/api/v1/plan?format=csv",
        "/api/v1/plan?format=text",
        "/api/v1/narrative?style=html",
        "/api/v1/log",
        "/api/v1/bundle",
        "/api/v1/openapi.json",
        "/api/v1/no-such-thing",
    ] {
        let reply = fixture.get(Role::Admin, path).await;
        assert_eq!(
            reply
                .headers
                .get("x-content-type-options")
                .map(|value| value.to_str().unwrap_or_default()),
            Some("nosniff"),
            "{path} ({})",
            reply.status
        );
    }
}

#[tokio::test]
async fn verify_checks_the_kept_checkpoints_itself_and_names_the_one_that_disagrees() {
    let fixture = Fixture::with_plan().await;
    let size = fixture.len();
    let origin = fixture.reader.origin().expect("origin");
    let root = fixture.reader.merkle_root(size).expect("root");
    let signer = wsoa_core::note::Signer::from_seed("northshire-board", &[7; 32]).expect("signer");
    let checkpoint = wsoa_core::note::Checkpoint::new(origin, size, root);
    let note =
        wsoa_core::note::Note::sign(&checkpoint.to_text().expect("text"), &signer).expect("signs");
    let kept = fixture
        .call(
            Method::POST,
            "/api/v1/checkpoints",
            Some(fixture.token(Role::Auditor)),
            Some("text/plain"),
            note.to_string().into_bytes(),
            &[],
        )
        .await;
    assert_eq!(kept.status, StatusCode::CREATED, "{}", kept.text());
    // The history under the checkpoint is rewritten and re-chained: the chain alone verifies,
    // only the kept checkpoint can tell.
    let fixture = fixture.tampered(|ledger| {
        wsoa_store::raw::rewrite_history(ledger, 2, |event| event.actor.name = "forger".into())
            .expect("rewritten");
    });
    let verified = fixture.get(Role::Auditor, "/api/v1/verify").await.json();
    assert_eq!(verified["verified"], false, "{verified}");
    let report = verified["report"].as_str().expect("a report");
    assert!(
        report.contains(&format!(
            "the signed checkpoint of {size} events kept with the history does not verify"
        )),
        "{report}"
    );
    // It is a checkpoint the ledger keeps, not one the caller trusted.
    assert!(!report.contains("a trusted checkpoint"), "{report}");
}

#[tokio::test]
async fn the_plan_lists_the_actions_a_filter_asks_for_a_page_at_a_time() {
    let fixture = Fixture::with_demo();
    let whole = fixture.get(Role::Viewer, "/api/v1/plan").await.json();
    // Every action of the plan, once, as the plan shows them.
    let mut every: Vec<Value> = Vec::new();
    for weakness in whole["weaknesses"].as_array().expect("weaknesses") {
        for workstream in weakness["workstreams"].as_array().expect("workstreams") {
            for action in workstream["actions"].as_array().expect("actions") {
                if !every.iter().any(|a| a["id"] == action["id"]) {
                    every.push(action.clone());
                }
            }
        }
    }
    assert!(every.len() >= 25, "{}", every.len());
    let ids = |actions: &[Value]| {
        actions
            .iter()
            .map(|a| a["id"].as_str().expect("id").to_owned())
            .collect::<Vec<_>>()
    };
    let listed = |path: &str| {
        let path = path.to_owned();
        let fixture = &fixture;
        async move {
            let reply = fixture.get(Role::Viewer, &path).await;
            assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text());
            reply.json()
        }
    };

    for (query, keep) in [
        (
            "status=complete",
            &(|a: &Value| a["status"] == "complete") as &dyn Fn(&Value) -> bool,
        ),
        ("rag=amber", &|a: &Value| a["rag"] == "amber"),
        ("workstream=WS2", &|a: &Value| a["workstream"] == "WS2"),
        ("overdue=true", &|a: &Value| a["overdue"] == true),
        ("due=overdue&status=in-progress", &|a: &Value| {
            a["overdue"] == true && a["status"] == "in-progress"
        }),
    ] {
        let list = listed(&format!("/api/v1/plan?{query}&per_page=1000")).await;
        let expected: Vec<Value> = every.iter().filter(|a| keep(a)).cloned().collect();
        assert!(
            !expected.is_empty() && expected.len() < every.len(),
            "{query} keeps some of the demo's actions and not others"
        );
        let got = list["actions"].as_array().expect("actions");
        assert_eq!(ids(got), ids(&expected), "{query}");
        assert_eq!(list["total"], expected.len(), "{query}");
    }
    // A weakness keeps the actions of the workstreams that answer it.
    let w1 = listed("/api/v1/plan?weakness=W1&per_page=1000").await;
    let answering: Vec<&str> = whole["weaknesses"][0]["workstreams"]
        .as_array()
        .expect("workstreams")
        .iter()
        .flat_map(|ws| ws["actions"].as_array().expect("actions"))
        .map(|a| a["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids(w1["actions"].as_array().expect("actions")), answering);

    // Pages: 10 to a page, in order, every action on exactly one page.
    let mut paged = Vec::new();
    let first = listed("/api/v1/plan?per_page=10").await;
    let pages = first["pages"].as_u64().expect("pages");
    assert_eq!(pages as usize, every.len().div_ceil(10));
    for page in 1..=pages {
        let list = listed(&format!("/api/v1/plan?per_page=10&page={page}")).await;
        assert_eq!(list["total"], every.len());
        paged.extend(list["actions"].as_array().expect("actions").iter().cloned());
    }
    assert_eq!(ids(&paged), ids(&every));
    let past = listed(&format!("/api/v1/plan?per_page=10&page={}", pages + 1)).await;
    assert_eq!(past["actions"], json!([]));

    // A filter at a point in time: as the plan stood then.
    let then = listed("/api/v1/plan?status=complete&at=60").await;
    assert_eq!(then["point"], "seq:60");
    assert!(
        then["total"].as_u64() < listed("/api/v1/plan?status=complete").await["total"].as_u64()
    );

    // Not yet rated: early on, before the first updates.
    let unrated = listed("/api/v1/plan?rag=none&at=40&per_page=1000").await;
    let actions = unrated["actions"].as_array().expect("actions");
    assert!(!actions.is_empty(), "{unrated}");
    assert!(actions.iter().all(|a| a["rag"].is_null()), "{unrated}");

    for (path, says) in [
        ("/api/v1/plan?status=done", "status 'done'"),
        ("/api/v1/plan?rag=purple", "rag 'purple'"),
        ("/api/v1/plan?due=later", "due 'later'"),
        ("/api/v1/plan?overdue=yes", "overdue 'yes'"),
        ("/api/v1/plan?due=soon&overdue=true", "two different lists"),
        ("/api/v1/plan?page=0", "page '0'"),
        ("/api/v1/plan?per_page=5000", "per_page '5000'"),
        ("/api/v1/plan?status=complete&format=csv", "JSON only"),
    ] {
        let reply = fixture.get(Role::Viewer, path).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{path}: {}",
            reply.text()
        );
        assert!(
            reply.error_message().contains(says),
            "{path}: {}",
            reply.error_message()
        );
    }
}

#[tokio::test]
async fn a_diff_narrowed_to_a_weakness_keeps_only_the_changes_about_it_and_what_answers_it() {
    let fixture = Fixture::with_demo();
    let whole = fixture
        .get(Role::Viewer, "/api/v1/diff?from=visit:1")
        .await
        .json();
    let narrowed = fixture
        .get(Role::Viewer, "/api/v1/diff?from=visit:1&weakness=W1")
        .await;
    assert_eq!(narrowed.status, StatusCode::OK, "{}", narrowed.text());
    let narrowed = narrowed.json();
    let plan = fixture.get(Role::Viewer, "/api/v1/plan").await.json();
    let w1 = &plan["weaknesses"][0];
    assert_eq!(w1["id"], "W1");
    // W1, its workstreams and their actions, and its measures.
    let mut family = vec![json!({"weakness": "W1"})];
    for workstream in w1["workstreams"].as_array().expect("workstreams") {
        family.push(json!({"workstream": workstream["id"]}));
        for action in workstream["actions"].as_array().expect("actions") {
            family.push(json!({"action": action["id"]}));
        }
    }
    for measure in w1["measures"].as_array().expect("measures") {
        family.push(json!({"measure": measure["id"]}));
    }
    let items = |diff: &Value| -> Vec<Value> {
        diff.as_object()
            .expect("a diff")
            .values()
            .filter_map(Value::as_array)
            .flatten()
            .cloned()
            .collect()
    };
    let kept = items(&narrowed);
    let all = items(&whole);
    assert!(!kept.is_empty() && kept.len() < all.len(), "{narrowed}");
    for item in &all {
        let subject = &item["subject"];
        if family.iter().any(|s| subject == s) {
            assert!(kept.contains(item), "{item} is about W1 or what answers it");
        } else if subject.is_null() || subject.get("action").is_some() {
            // Another weakness's action, or a change about no one thing (a visit, a board).
            assert!(!kept.contains(item), "{item} is not about W1");
        } else {
            // Evidence and risks are kept when they concern W1's family.
            assert!(
                !kept.contains(item)
                    || subject.get("evidence").is_some()
                    || subject.get("risk").is_some(),
                "{item}"
            );
        }
    }
    assert!(
        kept.iter().all(|item| all.contains(item)),
        "only changes of the whole diff"
    );
    for (path, says) in [
        (
            "/api/v1/diff?from=visit:1&weakness=W1&workstream=WS1",
            "at most one",
        ),
        ("/api/v1/diff?from=visit:1&about=Z9", "Z9"),
    ] {
        let reply = fixture.get(Role::Viewer, path).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{path}: {}",
            reply.text()
        );
        assert!(
            reply.error_message().contains(says),
            "{path}: {}",
            reply.error_message()
        );
    }
}
