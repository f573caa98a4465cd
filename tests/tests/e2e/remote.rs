//! `wsoa --server URL --token TOKEN`: every command through a running `wsoa serve`, with the
//! output and exit codes it has on a local ledger.

use std::process::Command;

use crate::harness::{Output, Sandbox, run_command};
use crate::serve::{Server, token};

/// Runs `wsoa --server URL --token TOKEN ARGS` (no `--data`: the server's ledger is used).
fn remote(sandbox: &Sandbox, server: &Server, secret: &str, args: &[&str]) -> Output {
    let mut command: Command = sandbox.command();
    command
        .args(["--server", &server.url, "--token", secret])
        .args(args);
    run_command(command)
}

/// The reading commands compared, local against remote.
const READINGS: &[&[&str]] = &[
    &["show"],
    &["--format", "json", "show"],
    &["--format", "csv", "show"],
    &["show", "--as-of", "2021-11-18"],
    &["timeline", "--about", "WS1"],
    &[
        "--format",
        "json",
        "timeline",
        "--kind",
        "action_status_changed",
    ],
    &["diff", "--from", "visit:last"],
    &[
        "--format", "json", "diff", "--from", "seq:10", "--to", "seq:60",
    ],
    &["narrative"],
    &["narrative", "--style", "html", "--at", "100"],
    &["log", "--from", "3", "--to", "5"],
    &["--format", "json", "log"],
    &["--format", "json", "prove", "5"],
    &["prove", "--from", "10", "--to", "100"],
    // Refusals are the same too.
    &["show", "--at", "99999"],
    &["diff", "--from", "visit:9"],
];

#[test]
fn every_reading_command_prints_through_a_server_exactly_what_it_prints_locally() {
    let sandbox = Sandbox::new();
    sandbox.run(&["demo"]).success();
    let local: Vec<Output> = READINGS.iter().map(|args| sandbox.run(args)).collect();
    let viewer = token(&sandbox, "Board member", "viewer");
    let server = Server::start(&sandbox);
    for (args, local) in READINGS.iter().zip(&local) {
        let through = remote(&sandbox, &server, &viewer, args);
        assert_eq!(
            (through.code, &through.stdout),
            (local.code, &local.stdout),
            "`wsoa {}` differs through the server; stderr: {}",
            args.join(" "),
            through.stderr
        );
    }
}

#[test]
fn recording_through_a_server_carries_the_tokens_name_and_refuses_as_locally() {
    let sandbox = Sandbox::opened();
    sandbox
        .run(&[
            "weakness",
            "add",
            "W1",
            "--title",
            "Quality assurance",
            "--on",
            "2021-04-20",
        ])
        .success();
    let refused_locally = sandbox
        .run(&["weakness", "add", "W1", "--title", "Again"])
        .code_is(2);
    let officer = token(&sandbox, "Priya Raman (QA)", "officer");
    let viewer = token(&sandbox, "Board member", "viewer");
    let auditor = token(&sandbox, "DfE adviser", "auditor");
    let server = Server::start(&sandbox);

    let note = remote(
        &sandbox,
        &server,
        &officer,
        &[
            "--format",
            "json",
            "note",
            "add",
            "--about",
            "W1",
            "--text",
            "Forum met",
        ],
    )
    .success()
    .json();
    assert_eq!(note["kind"], "note_added", "{note}");
    assert_eq!(note["seq"], 2, "{note}");

    let refused = remote(
        &sandbox,
        &server,
        &officer,
        &["weakness", "add", "W1", "--title", "Again"],
    )
    .code_is(2);
    assert_eq!(
        refused.stderr.lines().last(),
        refused_locally.stderr.lines().last()
    );

    let forbidden = remote(
        &sandbox,
        &server,
        &viewer,
        &["note", "add", "--about", "W1", "--text", "Not mine to add"],
    )
    .code_is(2);
    assert!(
        forbidden.stderr.contains("may not record"),
        "{}",
        forbidden.stderr
    );

    // Evidence goes up and comes back byte for byte, checked against its hash.
    let content: Vec<u8> = (0..100_000u32).map(|n| (n * 31 % 253) as u8).collect();
    let file = sandbox.file("audit.pdf", &content);
    let attached = remote(
        &sandbox,
        &server,
        &officer,
        &[
            "--format",
            "json",
            "evidence",
            "attach",
            file.to_str().expect("a UTF-8 path"),
            "--title",
            "EHCP audit",
            "--kind",
            "audit",
            "--supports",
            "W1",
        ],
    )
    .success()
    .json();
    assert_eq!(attached["id"], "E1", "{attached}");
    remote(
        &sandbox,
        &server,
        &viewer,
        &["evidence", "get", "E1", "--out", "back.pdf"],
    )
    .success();
    assert_eq!(
        std::fs::read(sandbox.root().join("back.pdf")).expect("downloaded"),
        content
    );

    // Verification fetches the bundle and checks it here; it needs an auditor.
    let verified = remote(&sandbox, &server, &auditor, &["verify"]).success();
    assert!(
        verified.stdout.contains("The ledger is intact"),
        "{}",
        verified.stdout
    );
    remote(&sandbox, &server, &officer, &["verify"]).code_is(2);

    // Nothing listening: a failure of the machine, exit 1, saying where it looked.
    let mut command = sandbox.command();
    command.args([
        "--server",
        "http://127.0.0.1:1",
        "--token",
        &officer,
        "show",
    ]);
    let unreachable = run_command(command).code_is(1);
    assert!(
        unreachable.stderr.contains("cannot reach the server"),
        "{}",
        unreachable.stderr
    );

    drop(server);
    let log = sandbox.json(&["log"]).json_lines();
    assert_eq!(log[2]["actor"]["name"], "Priya Raman (QA)");
    assert_eq!(log[2]["actor"]["role"], "officer");
}

/// Answers every request on a local port with `200 OK` and `body`, until the test ends: a
/// "server" that is not `wsoa serve` (a proxy's page, another program).
fn impostor(body: &'static str) -> String {
    use std::io::{Read as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a local port");
    let url = format!("http://{}", listener.local_addr().expect("its address"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
                head.push(byte[0]);
            }
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

#[test]
fn a_server_that_sends_something_other_than_events_is_named_as_the_fault_not_local_damage() {
    let sandbox = Sandbox::new();
    let url = impostor("<html>Service unavailable</html>\n");
    let mut command = sandbox.command();
    command.args(["--server", &url, "--token", "wsoa_x", "show"]);
    let output = run_command(command).code_is(1);
    assert!(
        output
            .stderr
            .contains("the server sent an event that is not JSON")
            && output.stderr.contains("--server"),
        "{}",
        output.stderr
    );
    assert!(
        !output.stderr.contains("damaged") && !output.stderr.contains("wsoa verify"),
        "bad data from a server is not damage to a ledger: {}",
        output.stderr
    );
}
