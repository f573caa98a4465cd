//! `wsoa serve` as a real process on `127.0.0.1:0`, driven over HTTP with ureq: a server killed
//! with SIGKILL while clients append loses no acknowledged append and opens again; SIGTERM stops
//! it gracefully with exit code 0; the first start says how to make a token, and a local command
//! on the ledger it holds is refused naming it; roles and the recorded actor come from the token;
//! idle connections cannot starve it, and oversized request heads and declared bodies are
//! refused before they are read.
//!
//! Every server is a child process inside a [`Server`] guard that kills it when a test panics.
//! Nothing waits on a timer: waits are on conditions (a line on stdout, a channel of
//! acknowledgements, `/healthz` answering, the process exiting), each with a bounded patience
//! and a panic that says what did not happen, with the server's log.

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::{Sandbox, check_chain};

/// How long any one wait (for the address, an answer, enough acknowledgements, an exit) may take
/// before the test fails; generous, for debug builds on a busy machine.
const PATIENCE: Duration = Duration::from_secs(60);

/// A running `wsoa --data <ledger> serve --addr 127.0.0.1:0`; killed (SIGKILL) and reaped on
/// drop, so that no server outlives a failed test.
pub(crate) struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`, from the first line of stdout.
    pub(crate) url: String,
    /// Standard output, line by line, from a thread that reads it until the process closes it.
    stdout: mpsc::Receiver<String>,
    /// The lines of stdout received so far.
    printed: Vec<String>,
    /// Where the server's stderr (its log) goes; shown when a test fails.
    log: PathBuf,
}

/// How a server ended.
struct Ended {
    status: ExitStatus,
    /// Everything it printed on stdout.
    stdout: String,
}

impl Server {
    /// Starts a server on the sandbox's ledger and waits until it answers `/healthz` (which also
    /// means that it holds the ledger: it accepts connections only once it does).
    pub(crate) fn start(sandbox: &Sandbox) -> Server {
        Server::start_with(sandbox, &[])
    }

    /// [`Server::start`] with more options for `wsoa serve`.
    pub(crate) fn start_with(sandbox: &Sandbox, options: &[&str]) -> Server {
        let log = sandbox.root().join("serve.log");
        let stderr = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .expect("the server's log file can be opened");
        let mut command = sandbox.command();
        command
            .arg("--data")
            .arg(sandbox.data())
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(options)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr);
        let mut child = command.spawn().expect("`wsoa serve` can be started");
        let pipe = child.stdout.take().expect("stdout is piped");
        let (lines, stdout) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            url: String::new(),
            stdout,
            printed: Vec::new(),
            log,
        };
        let first = match server.stdout.recv_timeout(PATIENCE) {
            Ok(line) => line,
            Err(err) => server.fail(&format!(
                "`wsoa serve` printed no first line within {PATIENCE:?} ({err})"
            )),
        };
        server.printed.push(first.clone());
        assert!(
            first.starts_with(&format!(
                "Serving the ledger at {}",
                sandbox.data().display()
            )),
            "the first line should say which ledger is served: {first}"
        );
        server.url = match first
            .split_whitespace()
            .find(|word| word.starts_with("http://127.0.0.1:"))
        {
            Some(url) => url.to_owned(),
            None => server.fail(&format!("the first line names no URL: {first}")),
        };
        server.wait_until_healthy();
        server
    }

    /// Asks `/healthz` until it answers 200; an attempt fails fast only if nothing accepts the
    /// connection, so the pause between attempts matters only while the server is starting.
    fn wait_until_healthy(&mut self) {
        let agent = agent();
        let started = Instant::now();
        let mut last = String::new();
        while started.elapsed() < PATIENCE {
            if let Ok(Some(status)) = self.child.try_wait() {
                self.fail(&format!(
                    "the server exited ({status}) before answering /healthz"
                ));
            }
            match agent.get(format!("{}/healthz", self.url)).call() {
                Ok(response) if response.status() == 200 => return,
                Ok(response) => last = format!("status {}", response.status()),
                Err(err) => last = err.to_string(),
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        self.fail(&format!(
            "/healthz did not answer 200 within {PATIENCE:?} (last: {last})"
        ))
    }

    /// The process id, as `kill` takes it.
    fn pid(&self) -> String {
        self.child.id().to_string()
    }

    /// Sends SIGTERM (with the `kill` command) and waits for the process to exit.
    fn terminate(&mut self) -> Ended {
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &self.pid()])
            .status()
            .expect("the `kill` command runs");
        assert!(sent.success(), "`kill -TERM {}` failed: {sent}", self.pid());
        self.wait_for_exit()
    }

    /// Kills the process with SIGKILL (`Child::kill` on Unix) and reaps it.
    fn kill(&mut self) -> ExitStatus {
        self.child.kill().expect("the server can be killed");
        self.child.wait().expect("the killed server can be reaped")
    }

    /// Waits, within [`PATIENCE`], for the process to exit; then collects all it printed.
    fn wait_for_exit(&mut self) -> Ended {
        let started = Instant::now();
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if started.elapsed() < PATIENCE => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Ok(None) => self.fail(&format!("the server did not exit within {PATIENCE:?}")),
                Err(err) => self.fail(&format!("cannot wait for the server: {err}")),
            }
        };
        // The process has exited, so its stdout is closed and the reading thread ends.
        loop {
            match self.stdout.recv_timeout(PATIENCE) {
                Ok(line) => self.printed.push(line),
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    self.fail("the server exited but its stdout did not close")
                }
            }
        }
        Ended {
            status,
            stdout: self.printed.join("\n"),
        }
    }

    /// The server's log (its stderr) so far.
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_else(|err| format!("(no log: {err})"))
    }

    /// Fails the test with `what`, the server's stdout so far and its log.
    fn fail(&self, what: &str) -> ! {
        panic!(
            "{what}\nserver stdout:\n{}\nserver log ({}):\n{}",
            self.printed.join("\n"),
            self.log.display(),
            self.log()
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Already exited in a passing test; SIGKILL otherwise. Either way, reap it.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP client that returns 4xx and 5xx answers as responses, not errors.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .new_agent()
}

/// `POST /api/v1/commands`; the status and the JSON body, or why there was no answer.
fn post(
    agent: &ureq::Agent,
    url: &str,
    token: &str,
    command: &Value,
) -> Result<(u16, Value), String> {
    let mut response = agent
        .post(format!("{url}/api/v1/commands"))
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .send(command.to_string().as_str())
        .map_err(|err| err.to_string())?;
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .read_to_string()
        .map_err(|err| err.to_string())?;
    let body = serde_json::from_str(&text).map_err(|err| format!("{err}: {text}"))?;
    Ok((status, body))
}

/// `GET path`: the status and the body as text; panics if there is no answer.
fn get(agent: &ureq::Agent, url: &str, token: &str, path: &str) -> (u16, String) {
    let mut response = agent
        .get(format!("{url}{path}"))
        .header("Authorization", &format!("Bearer {token}"))
        .call()
        .unwrap_or_else(|err| panic!("GET {path} got no answer: {err}"));
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .read_to_string()
        .unwrap_or_else(|err| panic!("GET {path}: the body cannot be read: {err}"));
    (status, text)
}

/// Posts a command that must be recorded (201); returns its answer.
#[track_caller]
fn record(server: &Server, token: &str, command: Value) -> Value {
    match post(&agent(), &server.url, token, &command) {
        Ok((201, body)) => body,
        other => server.fail(&format!(
            "{command} should be recorded (201), got {other:?}"
        )),
    }
}

/// Creates a token offline (the server must not be running) and returns its secret.
#[track_caller]
pub(crate) fn token(sandbox: &Sandbox, name: &str, role: &str) -> String {
    let created = sandbox
        .json(&["token", "create", "--name", name, "--role", role])
        .json();
    assert_eq!(created["role"], role, "{created}");
    created["token"]
        .as_str()
        .unwrap_or_else(|| panic!("`wsoa token create` printed no token: {created}"))
        .to_owned()
}

/// Opens the ledger and records weakness W1 over the API, as the officer.
fn open_with_w1(server: &Server, officer: &str) {
    let opened = record(
        server,
        officer,
        json!({"kind": "open_ledger", "area": "Northshire local area", "on": "2021-01-04"}),
    );
    assert_eq!(opened["seq"], 0, "{opened}");
    record(
        server,
        officer,
        json!({"kind": "record_weakness", "id": "W1", "title": "Quality assurance of EHC plans"}),
    );
}

/// The text of a note event from the log, if it is one.
fn note_text(event: &Value) -> Option<&str> {
    event["body"]["note_added"]["text"].as_str()
}

/// The events of an NDJSON log.
fn ndjson(text: &str) -> Vec<Value> {
    text.lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|err| panic!("each line of the log is JSON ({err}): {line}"))
        })
        .collect()
}

/// What one appending client did.
struct Client {
    /// (seq, text) of every note answered with 201.
    acknowledged: Vec<(u64, String)>,
    /// The number of its last note sent (acknowledged or not).
    last_sent: usize,
    /// Why it stopped, if that was a failure (an error before the kill, a missing seq, or
    /// running out of notes while the server still ran).
    failure: Option<String>,
}

/// Notes a client sends at most: a bound on its loop, never reached before the kill.
const MAX_NOTES_PER_CLIENT: usize = 20_000;

/// Appends notes "client C note N" (N = 0, 1, ...) one at a time until a request fails, sending
/// `()` on `acks` for each 201. A failure before `killing` is set is reported as one.
fn append_until_refused(
    client: usize,
    url: String,
    token: String,
    killing: Arc<AtomicBool>,
    acks: mpsc::Sender<()>,
) -> Client {
    let agent = agent();
    let mut acknowledged = Vec::new();
    for n in 0..MAX_NOTES_PER_CLIENT {
        let text = format!("client {client} note {n}");
        let answer = post(
            &agent,
            &url,
            &token,
            &json!({"kind": "add_note", "about": "W1", "text": text}),
        );
        let failure = match answer {
            Ok((201, body)) => match body["seq"].as_u64() {
                Some(seq) => {
                    acknowledged.push((seq, text));
                    let _ = acks.send(());
                    continue;
                }
                None => Some(format!("client {client}: a 201 without a seq: {body}")),
            },
            _ if killing.load(Ordering::SeqCst) => None,
            other => Some(format!(
                "client {client}: note {n} failed while the server ran: {other:?}"
            )),
        };
        return Client {
            acknowledged,
            last_sent: n,
            failure,
        };
    }
    Client {
        acknowledged,
        last_sent: MAX_NOTES_PER_CLIENT,
        failure: Some(format!(
            "client {client} sent all {MAX_NOTES_PER_CLIENT} notes before the server was killed"
        )),
    }
}

#[test]
fn a_server_killed_while_clients_append_loses_no_acknowledged_append() {
    const CLIENTS: usize = 4;
    const ACKNOWLEDGED_BEFORE_KILL: usize = 300;
    let sandbox = Sandbox::new();
    let officer = token(&sandbox, "Load officer", "officer");
    let mut server = Server::start(&sandbox);
    open_with_w1(&server, &officer);

    let killing = Arc::new(AtomicBool::new(false));
    let (acks, acknowledgements) = mpsc::channel();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let (url, token, killing, acks) = (
                server.url.clone(),
                officer.clone(),
                killing.clone(),
                acks.clone(),
            );
            std::thread::spawn(move || append_until_refused(client, url, token, killing, acks))
        })
        .collect();
    drop(acks);
    let mut waited = None;
    for received in 0..ACKNOWLEDGED_BEFORE_KILL {
        if let Err(err) = acknowledgements.recv_timeout(PATIENCE) {
            waited = Some(format!(
                "only {received} of {ACKNOWLEDGED_BEFORE_KILL} appends were acknowledged ({err})"
            ));
            break;
        }
    }

    // SIGKILL while the clients are still appending: no graceful anything.
    killing.store(true, Ordering::SeqCst);
    let status = server.kill();
    let reports: Vec<Client> = clients
        .into_iter()
        .map(|client| client.join().expect("a client thread does not panic"))
        .collect();
    let failures: Vec<&str> = reports
        .iter()
        .filter_map(|r| r.failure.as_deref())
        .collect();
    if let Some(waited) = waited {
        server.fail(&format!("{waited}; client failures: {failures:#?}"));
    }
    assert!(failures.is_empty(), "clients failed: {failures:#?}");
    assert_eq!(
        status.code(),
        None,
        "the server was killed by a signal: {status}"
    );
    let mut acknowledged: BTreeMap<u64, String> = BTreeMap::new();
    for (seq, text) in reports.iter().flat_map(|r| r.acknowledged.iter().cloned()) {
        if let Some(earlier) = acknowledged.insert(seq, text.clone()) {
            panic!("seq {seq} was acknowledged twice: '{earlier}' and '{text}'");
        }
    }
    assert!(acknowledged.len() >= ACKNOWLEDGED_BEFORE_KILL);

    // The lock died with the process: a new server opens the same directory.
    let mut restarted = Server::start(&sandbox);
    let (status, text) = get(&agent(), &restarted.url, &officer, "/api/v1/log");
    assert_eq!(status, 200, "{text}");
    let log = ndjson(&text);
    check_chain(&log);
    let mut notes: BTreeMap<String, u64> = BTreeMap::new();
    for event in &log {
        if let Some(text) = note_text(event) {
            let seq = event["seq"].as_u64().expect("every event has a seq");
            if let Some(earlier) = notes.insert(text.to_owned(), seq) {
                panic!("'{text}' is in the ledger twice, at {earlier} and {seq}");
            }
        }
    }
    for (seq, text) in &acknowledged {
        assert_eq!(
            notes.get(text),
            Some(seq),
            "acknowledged '{text}' at seq {seq} is not there after the kill"
        );
    }
    // Anything else can only be a client's one request in flight at the kill: its next note.
    let in_flight: Vec<String> = reports
        .iter()
        .enumerate()
        .map(|(client, report)| format!("client {client} note {}", report.last_sent))
        .collect();
    for (text, seq) in &notes {
        assert!(
            acknowledged.get(seq) == Some(text) || in_flight.contains(text),
            "'{text}' at seq {seq} was neither acknowledged nor in flight at the kill"
        );
    }
    assert_eq!(log.len(), 2 + notes.len(), "only W1's ledger and notes");

    // The restarted server appends after the recovered head.
    let next = record(
        &restarted,
        &officer,
        json!({"kind": "add_note", "about": "W1", "text": "after the restart"}),
    );
    assert_eq!(next["seq"].as_u64(), Some(log.len() as u64), "{next}");
    let ended = restarted.terminate();
    assert!(
        ended.status.success(),
        "the restarted server stops cleanly: {}",
        ended.status
    );
    let report = sandbox.verified();
    assert_eq!(
        report["events"].as_u64(),
        Some(log.len() as u64 + 1),
        "{report}"
    );
}

#[test]
fn sigterm_stops_the_server_gracefully_with_exit_code_0() {
    const ACKNOWLEDGED_BEFORE_STOP: usize = 20;
    let sandbox = Sandbox::new();
    let officer = token(&sandbox, "Stop officer", "officer");
    let mut server = Server::start(&sandbox);
    open_with_w1(&server, &officer);

    // One client appends while the signal arrives; what it was told is recorded must be there.
    let stopping = Arc::new(AtomicBool::new(false));
    let (acks, acknowledgements) = mpsc::channel();
    let client = {
        let (url, token, stopping) = (server.url.clone(), officer.clone(), stopping.clone());
        std::thread::spawn(move || append_until_refused(0, url, token, stopping, acks))
    };
    for received in 0..ACKNOWLEDGED_BEFORE_STOP {
        if let Err(err) = acknowledgements.recv_timeout(PATIENCE) {
            stopping.store(true, Ordering::SeqCst);
            server.fail(&format!(
                "only {received} of {ACKNOWLEDGED_BEFORE_STOP} appends were acknowledged ({err})"
            ));
        }
    }
    stopping.store(true, Ordering::SeqCst);
    let ended = server.terminate();
    let report = client.join().expect("the client thread does not panic");
    assert_eq!(report.failure, None, "the client failed");
    assert_eq!(
        ended.status.code(),
        Some(0),
        "SIGTERM should stop the server with exit code 0; stdout:\n{}\nlog:\n{}",
        ended.stdout,
        server.log()
    );
    assert!(
        ended
            .stdout
            .contains("Stopped; every acknowledged change is on disk."),
        "the server should say it stopped: {}",
        ended.stdout
    );

    // The directory is free again, intact, and holds every acknowledged note.
    let verified = sandbox.verified();
    let log = sandbox.log();
    check_chain(&log);
    assert_eq!(
        verified["events"].as_u64(),
        Some(log.len() as u64),
        "{verified}"
    );
    for (seq, text) in &report.acknowledged {
        let event = usize::try_from(*seq).ok().and_then(|seq| log.get(seq));
        assert_eq!(
            event.and_then(note_text),
            Some(text.as_str()),
            "acknowledged '{text}' should be event {seq}"
        );
    }
}

#[test]
fn the_first_start_without_tokens_says_how_to_make_one() {
    let sandbox = Sandbox::new();
    let mut server = Server::start(&sandbox);

    // The server holds the ledger: a local command is refused and told where the server is.
    let refused = sandbox.run(&["show"]).code_is(2);
    let held = format!("held by the server running at {}", server.url);
    assert!(
        refused.stderr.contains(&held) && refused.stderr.contains("--server"),
        "`{}` should say {held:?} and name --server, but said: {}",
        refused.command,
        refused.stderr
    );
    assert!(refused.stdout.is_empty(), "{}", refused.stdout);

    let ended = server.terminate();
    assert!(
        ended.status.success(),
        "the server stops cleanly: {}",
        ended.status
    );
    for phrase in ["No access tokens yet", "token create", "--role admin"] {
        assert!(
            ended.stdout.contains(phrase),
            "the first start should say how to create a token ({phrase:?}): {}",
            ended.stdout
        );
    }
}

#[test]
fn roles_and_actor_come_from_the_token() {
    let sandbox = Sandbox::new();
    let viewer = token(&sandbox, "Vera Viewer", "viewer");
    let officer = token(&sandbox, "Olu Officer", "officer");
    // Started with WSOA_ACTOR set (the harness sets it): the server must not use it.
    let mut server = Server::start(&sandbox);
    let agent = agent();

    let opening =
        json!({"kind": "open_ledger", "area": "Northshire local area", "on": "2021-01-04"});
    let (status, body) = post(&agent, &server.url, &viewer, &opening).expect("an answer");
    assert_eq!(status, 403, "a viewer may not record: {body}");
    assert_eq!(body["error"]["code"], "forbidden", "{body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("viewer"),
        "the refusal names the role: {body}"
    );
    let (status, text) = get(&agent, &server.url, &viewer, "/api/v1/log");
    assert_eq!(
        (status, text.as_str()),
        (200, ""),
        "a viewer reads; nothing was recorded"
    );
    let (status, text) = get(&agent, &server.url, &viewer, "/api/v1/verify");
    assert_eq!(status, 403, "a viewer may not audit: {text}");

    let opened = record(&server, &officer, opening);
    assert_eq!(opened["actor"]["name"], "Olu Officer", "{opened}");
    assert_eq!(opened["actor"]["role"], "officer", "{opened}");
    // Nothing in a body can choose the actor.
    let (status, body) = post(
        &agent,
        &server.url,
        &officer,
        &json!({"kind": "record_weakness", "id": "W1", "title": "QA", "actor": "Someone else"}),
    )
    .expect("an answer");
    assert_eq!(status, 400, "an actor in the body is refused: {body}");
    record(
        &server,
        &officer,
        json!({"kind": "record_weakness", "id": "W1", "title": "Quality assurance"}),
    );

    let ended = server.terminate();
    assert!(
        ended.status.success(),
        "the server stops cleanly: {}",
        ended.status
    );
    let log = sandbox.log();
    assert_eq!(
        log.len(),
        2,
        "only the officer's two commands were recorded"
    );
    for event in &log {
        assert_eq!(event["actor"]["name"], "Olu Officer", "{event}");
        assert_eq!(event["actor"]["role"], "officer", "{event}");
    }
}

/// The address `host:port` of a server's URL, for raw sockets.
fn socket_address(server: &Server) -> std::net::SocketAddr {
    server
        .url
        .trim_start_matches("http://")
        .parse()
        .unwrap_or_else(|err| panic!("{} is not host:port: {err}", server.url))
}

/// Sends `request` (a whole request head, and body if any) on a fresh connection and returns
/// the status line of the answer; the request is written from another thread, so that a server
/// that answers before reading everything is not blocked by a full socket buffer.
fn raw_status_line(server: &Server, request: Vec<u8>) -> String {
    use std::io::{Read as _, Write as _};
    let mut stream = std::net::TcpStream::connect(socket_address(server))
        .unwrap_or_else(|err| server.fail(&format!("cannot connect: {err}")));
    stream
        .set_read_timeout(Some(PATIENCE))
        .expect("a read timeout can be set");
    let mut writer = stream.try_clone().expect("the socket can be cloned");
    let sending = std::thread::spawn(move || {
        // The server may close early (that is the point); a failed write is not the test's.
        let _ = writer.write_all(&request);
        let _ = writer.flush();
    });
    let mut answer = Vec::new();
    let mut buffer = [0_u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                answer.extend_from_slice(&buffer[..n]);
                if answer.windows(2).any(|pair| pair == b"\r\n") {
                    break;
                }
            }
            Err(err) if answer.is_empty() => {
                server.fail(&format!("no answer to a raw request: {err}"))
            }
            Err(_) => break,
        }
    }
    let _ = sending.join();
    let text = String::from_utf8_lossy(&answer);
    text.lines().next().unwrap_or_default().to_owned()
}

#[test]
fn a_connection_that_sends_nothing_or_half_a_head_is_closed_after_the_header_timeout() {
    use std::io::{Read as _, Write as _};
    let sandbox = Sandbox::new();
    let server = Server::start_with(&sandbox, &["--header-timeout-secs", "1"]);
    for (what, sent) in [
        ("nothing", &b""[..]),
        (
            "half a request head",
            &b"GET /healthz HTTP/1.1\r\nHost: x\r\n"[..],
        ),
    ] {
        let mut stream = std::net::TcpStream::connect(socket_address(&server))
            .unwrap_or_else(|err| server.fail(&format!("cannot connect: {err}")));
        stream
            .write_all(sent)
            .unwrap_or_else(|err| server.fail(&format!("cannot send {what}: {err}")));
        // Far longer than the header timeout: a server that never closes the connection fails
        // the test with a timed-out read, never a pass.
        stream
            .set_read_timeout(Some(PATIENCE))
            .expect("a read timeout can be set");
        let mut buffer = [0_u8; 64];
        match stream.read(&mut buffer) {
            Ok(0) => {}
            Err(err) if err.kind() == std::io::ErrorKind::ConnectionReset => {}
            Ok(n) => server.fail(&format!(
                "the server answered a connection that sent {what} with {n} bytes: {:?}",
                String::from_utf8_lossy(&buffer[..n])
            )),
            Err(err) => server.fail(&format!(
                "a connection that sent {what} was still open after {PATIENCE:?} ({err}); the header timeout is 1 s"
            )),
        }
    }
}

/// Opens `idle` connections that send nothing to a server started with `options` (a header
/// timeout far longer than the test among them, so that only the limits on connections can keep
/// `/healthz` answering), then asks `/healthz` three times while they are all held open.
fn healthz_answers_while_idle_connections_are_open(options: &[&str], idle: usize) {
    let sandbox = Sandbox::new();
    let server = Server::start_with(&sandbox, options);
    let address = socket_address(&server);
    let mut held = Vec::with_capacity(idle);
    for n in 0..idle {
        match std::net::TcpStream::connect_timeout(&address, PATIENCE) {
            Ok(stream) => held.push(stream),
            Err(err) => server.fail(&format!(
                "idle connection {n} could not be opened ({err}); this test needs more than {idle} file descriptors (ulimit -n)"
            )),
        }
    }
    let agent = agent();
    for attempt in 0..3 {
        match agent.get(format!("{}/healthz", server.url)).call() {
            Ok(mut response) => {
                let status = response.status().as_u16();
                let body = response.body_mut().read_to_string().unwrap_or_default();
                assert_eq!(
                    (status, body.as_str()),
                    (200, "ok\n"),
                    "/healthz (attempt {attempt}) with {idle} idle connections open ({options:?})"
                );
            }
            Err(err) => server.fail(&format!(
                "/healthz (attempt {attempt}) got no answer with {idle} idle connections open ({options:?}): {err}"
            )),
        }
    }
    drop(held);
}

#[test]
fn healthz_answers_while_2000_idle_connections_from_one_address_are_open() {
    // The default limits: 1024 connections, 256 from one address.
    healthz_answers_while_idle_connections_are_open(&["--header-timeout-secs", "3600"], 2000);
}

#[test]
fn healthz_answers_when_idle_connections_fill_the_cap_on_all_connections() {
    // A per-address limit above the cap: only giving up idle connections at the cap saves it.
    healthz_answers_while_idle_connections_are_open(
        &[
            "--header-timeout-secs",
            "3600",
            "--max-connections",
            "50",
            "--max-connections-per-address",
            "1000",
        ],
        200,
    );
}

#[test]
fn oversized_heads_get_431_and_oversized_declared_bodies_get_413_before_they_are_read() {
    let sandbox = Sandbox::new();
    let officer = token(&sandbox, "Olu Officer", "officer");
    let server = Server::start(&sandbox);
    let head_with = |value_bytes: usize| {
        format!(
            "GET /healthz HTTP/1.1\r\nHost: {}\r\nX-Filler: {}\r\nConnection: close\r\n\r\n",
            socket_address(&server),
            "a".repeat(value_bytes)
        )
        .into_bytes()
    };
    // The limit is 16 KiB for the whole head: 12 KiB of header passes, 17 KiB and 200 kB do not.
    assert_eq!(
        raw_status_line(&server, head_with(12 * 1024)),
        "HTTP/1.1 200 OK"
    );
    assert_eq!(
        raw_status_line(&server, head_with(17 * 1024)),
        "HTTP/1.1 431 Request Header Fields Too Large"
    );
    assert_eq!(
        raw_status_line(&server, head_with(200 * 1000)),
        "HTTP/1.1 431 Request Header Fields Too Large"
    );
    // A declared body over the limit, with none of it sent: answered at once, not waited for.
    for (path, content_type) in [
        ("/api/v1/commands", "application/json"),
        ("/api/v1/evidence", "multipart/form-data; boundary=x"),
        ("/actions/A1.1/evidence", "multipart/form-data; boundary=x"),
        ("/login", "application/x-www-form-urlencoded"),
    ] {
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {officer}\r\nContent-Type: {content_type}\r\nContent-Length: 10000000000\r\n\r\n",
            socket_address(&server)
        );
        assert_eq!(
            raw_status_line(&server, request.into_bytes()),
            "HTTP/1.1 413 Payload Too Large",
            "POST {path} declaring 10 GB"
        );
    }
    // The server still serves, and the refused requests recorded nothing.
    let (status, log) = get(&agent(), &server.url, &officer, "/api/v1/log");
    assert_eq!((status, log.as_str()), (200, ""));
}

#[test]
fn a_command_naming_content_never_uploaded_is_refused_without_alarm() {
    let sandbox = Sandbox::new();
    let officer = token(&sandbox, "Olu Officer", "officer");
    let mut server = Server::start(&sandbox);
    open_with_w1(&server, &officer);
    let (status, body) = post(
        &agent(),
        &server.url,
        &officer,
        &json!({"kind": "attach_evidence", "content_hash": "cd".repeat(32), "file_name": "minutes.pdf",
                "media_type": "application/pdf", "size": 10, "title": "Board minutes", "supports": ["W1"]}),
    )
    .expect("an answer");
    assert_eq!(status, 404, "{body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(&"cd".repeat(32)) && message.contains("POST /api/v1/evidence"),
        "the refusal names the hash and how to upload the file: {body}"
    );
    // The server goes on recording.
    record(
        &server,
        &officer,
        json!({"kind": "add_note", "about": "W1", "text": "After the refusal"}),
    );
    let ended = server.terminate();
    assert!(ended.status.success(), "{}", ended.status);
    let log = server.log();
    assert!(
        !log.contains("damaged") && !log.contains("internal error"),
        "a client's mistake is no alarm in the log:\n{log}"
    );
    assert_eq!(sandbox.log().len(), 3, "the opening, W1 and the note");
}
