//! A real server on `127.0.0.1:0`: 32 writers of 200 commands each over HTTP leave one chain
//! that verifies, holding every acknowledged command exactly once; a graceful shutdown while
//! they write loses no acknowledged command.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{Value, json};
use wsoa_core::{EventBody, Role};
use wsoa_store::Ledger;

const WRITERS: usize = 32;
const COMMANDS: usize = 200;

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent()
}

/// Posts a note; returns (status, body).
fn post(agent: &ureq::Agent, url: &str, token: &str, text: &str) -> Result<(u16, Value), String> {
    let body = json!({"kind": "add_note", "about": "W1", "text": text}).to_string();
    let mut response = agent
        .post(format!("{url}/api/v1/commands"))
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .send(body.as_str())
        .map_err(|err| err.to_string())?;
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .read_to_string()
        .map_err(|err| err.to_string())?;
    let value = serde_json::from_str(&text).map_err(|err| format!("{err}: {text}"))?;
    Ok((status, value))
}

/// A ledger with W1 and an officer token, closed again so that the server can take it.
fn prepare(dir: &std::path::Path) -> String {
    let mut ledger = Ledger::create(dir).expect("creates");
    let (token, _) = ledger
        .create_token("Load officer", Role::Officer, 1_700_000_000_000)
        .expect("token");
    let context = wsoa_store::Context {
        actor: wsoa_core::Actor {
            name: "Setup".into(),
            role: Role::Officer,
        },
        occurred_on: "2021-04-20".parse().expect("date"),
        recorded_at: 1_700_000_000_000,
    };
    for command in [
        wsoa_core::Command::OpenLedger(wsoa_core::event::LedgerOpened {
            area: "Northshire".into(),
            partners: vec![],
        }),
        wsoa_core::Command::RecordWeakness(wsoa_core::event::WeaknessRecorded {
            id: "W1".parse().expect("id"),
            title: "Quality assurance".into(),
            finding: None,
        }),
    ] {
        ledger.execute(&command, &context).expect("setup");
    }
    token
}

/// Starts `wsoa_server::run` on a free port; returns its URL, a trigger that shuts it down,
/// and the handle that completes when it has.
fn start(
    dir: std::path::PathBuf,
) -> (
    String,
    tokio::sync::oneshot::Sender<()>,
    std::thread::JoinHandle<()>,
) {
    let (url_sender, url_receiver) = std::sync::mpsc::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handle = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("binds");
            let url = format!("http://{}", listener.local_addr().expect("address"));
            url_sender.send(url).expect("sends");
            let ledger = Ledger::open(&dir).expect("opens");
            wsoa_server::run(ledger, listener, wsoa_server::Limits::default(), async {
                let _ = stopped.await;
            })
            .await
            .expect("serves and stops cleanly");
        });
    });
    let url = url_receiver.recv().expect("the server starts");
    (url, stop, handle)
}

/// Checks that the ledger verifies and holds each acknowledged (seq, text) exactly once.
fn check_ledger(dir: &std::path::Path, acknowledged: &BTreeMap<u64, String>) -> usize {
    let ledger = Ledger::open(dir).expect("opens once the server has stopped");
    ledger.verify().expect("the chain verifies");
    let mut notes: BTreeMap<String, u64> = BTreeMap::new();
    for stored in ledger.events(0, None) {
        let stored = stored.expect("reads");
        if let EventBody::NoteAdded(note) = &stored.event.body {
            assert!(
                notes.insert(note.text.clone(), stored.event.seq).is_none(),
                "'{}' appended twice",
                note.text
            );
            assert_eq!(stored.event.actor.name, "Load officer");
        }
    }
    for (seq, text) in acknowledged {
        assert_eq!(notes.get(text), Some(seq), "acknowledged '{text}' at {seq}");
    }
    notes.len()
}

#[test]
fn thirty_two_writers_leave_one_valid_chain_with_every_acknowledged_command_once() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let token = prepare(dir.path());
    let (url, stop, server) = start(dir.path().to_owned());
    let writers: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let (url, token) = (url.clone(), token.clone());
            std::thread::spawn(move || {
                let agent = agent();
                let mut acknowledged = Vec::new();
                for n in 0..COMMANDS {
                    let text = format!("writer {writer} note {n}");
                    let (status, body) = post(&agent, &url, &token, &text).expect("request");
                    assert_eq!(status, 201, "{body}");
                    acknowledged.push((body["seq"].as_u64().expect("seq"), text));
                }
                acknowledged
            })
        })
        .collect();
    let mut acknowledged = BTreeMap::new();
    for writer in writers {
        for (seq, text) in writer.join().expect("writer") {
            assert!(
                acknowledged.insert(seq, text).is_none(),
                "seq {seq} acknowledged twice"
            );
        }
    }
    stop.send(()).expect("stops");
    server.join().expect("server thread");
    assert_eq!(acknowledged.len(), WRITERS * COMMANDS);
    assert_eq!(check_ledger(dir.path(), &acknowledged), WRITERS * COMMANDS);
}

#[test]
fn a_graceful_shutdown_while_writers_append_keeps_every_acknowledged_command() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let token = prepare(dir.path());
    let (url, stop, server) = start(dir.path().to_owned());
    let running = Arc::new(AtomicBool::new(true));
    let writers: Vec<_> = (0..8)
        .map(|writer| {
            let (url, token, running) = (url.clone(), token.clone(), running.clone());
            std::thread::spawn(move || {
                let agent = agent();
                let mut acknowledged = Vec::new();
                let mut n = 0;
                while running.load(Ordering::SeqCst) {
                    let text = format!("writer {writer} note {n}");
                    n += 1;
                    // After shutdown begins, requests fail (refused, 503 or connection
                    // closed); only 201s are acknowledgements.
                    if let Ok((201, body)) = post(&agent, &url, &token, &text) {
                        acknowledged.push((body["seq"].as_u64().expect("seq"), text));
                    }
                }
                acknowledged
            })
        })
        .collect();
    // Let the writers get going: wait until 100 notes are in, by reading over HTTP.
    let agent = agent();
    loop {
        let mut response = agent
            .get(format!("{url}/api/v1/log?from=100&to=100"))
            .header("Authorization", &format!("Bearer {token}"))
            .call()
            .expect("reads");
        if !response
            .body_mut()
            .read_to_string()
            .expect("body")
            .is_empty()
        {
            break;
        }
    }
    stop.send(()).expect("stops");
    server.join().expect("server thread");
    running.store(false, Ordering::SeqCst);
    let mut acknowledged = BTreeMap::new();
    for writer in writers {
        acknowledged.extend(writer.join().expect("writer"));
    }
    assert!(acknowledged.len() >= 98, "{}", acknowledged.len());
    check_ledger(dir.path(), &acknowledged);
}
