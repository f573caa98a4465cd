//! The browser test of the web pages of `wsoa serve`: a real server on a demo ledger, driven in
//! real headless Chromium (Debian's `/usr/bin/chromium`) by `tests/browser/run.mjs`, a Node
//! script using playwright-core and axe-core (pinned in `tests/browser/package-lock.json`).
//!
//! This test makes the ledger (`wsoa demo`), an officer's and an auditor's token, starts
//! `wsoa serve --addr 127.0.0.1:0`, waits for `/healthz`, runs the script and expects it to exit
//! 0. The script signs in, records a status change through the form and finds it on the action
//! page, the dashboard and the timeline, uploads evidence and downloads it byte-identical, opens
//! and downloads the narrative, starts a plan after the WSoA and records its review, sets a
//! measure's trajectory, makes an evidence pack (which must then verify, with the server's ledger
//! recording that it was sent), runs a full verification as the auditor, checks every page with
//! axe-core (no serious or critical WCAG 2.2 AA violation), and writes screenshots of the
//! dashboard and an action page to `target/screenshots/`.
//!
//! It needs Node.js 20 or later, Chromium and `npm ci` in `tests/browser`: `.ci/setup` installs
//! them. When any is missing the test fails and says so; it never passes without a browser.
//! Nothing waits on a timer: every wait is on a condition with a bounded patience.

// The browser test uses the part of the end-to-end harness that builds and finds `wsoa`.
#[allow(dead_code)]
#[path = "e2e/harness.rs"]
mod harness;

use std::fs::File;
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use harness::Sandbox;

/// Debian's Chromium, which the script launches.
const CHROMIUM: &str = "/usr/bin/chromium";
/// The oldest Node.js that playwright-core supports.
const NODE_MAJOR: u32 = 20;
/// How long the server may take to start and answer `/healthz`.
const PATIENCE: Duration = Duration::from_secs(60);
/// How long the whole browser scenario may take (the script gives up on its own after 240 s).
const SCRIPT_PATIENCE: Duration = Duration::from_secs(300);
/// How long a stopped script may take to close Chromium before it is killed.
const STOP_PATIENCE: Duration = Duration::from_secs(15);
/// The officer who records through the pages; events carry this name.
const OFFICER: &str = "A. Patel, SEND QA Officer";
/// The auditor who runs the verification.
const AUDITOR: &str = "R. Okafor, DfE SEND adviser";

/// The workspace's root folder.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives inside the workspace")
        .to_path_buf()
}

/// `tests/browser`, with the script, its package files and (after `npm ci`) `node_modules`.
fn browser_dir() -> PathBuf {
    workspace().join("tests").join("browser")
}

/// Where the screenshots go: `screenshots/` in the target folder this test was built in
/// (`target/screenshots` unless `CARGO_TARGET_DIR` moves it).
fn screenshots_dir() -> PathBuf {
    std::env::current_exe()
        .ok()
        // target/<profile>/deps/browser-<hash>  ->  target
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.to_path_buf()))
        .unwrap_or_else(|| workspace().join("target"))
        .join("screenshots")
}

/// What is missing for the browser test to run, each with what it is for; empty when ready.
fn missing_prerequisites() -> Vec<String> {
    let mut missing = Vec::new();
    match Command::new("node").arg("--version").output() {
        Ok(output) if output.status.success() => {
            let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
            let major = version
                .trim_start_matches('v')
                .split('.')
                .next()
                .and_then(|major| major.parse::<u32>().ok());
            if major.is_none_or(|major| major < NODE_MAJOR) {
                missing.push(format!(
                    "Node.js {NODE_MAJOR} or later (found `node` {version})"
                ));
            }
        }
        _ => missing.push(format!(
            "Node.js {NODE_MAJOR} or later (`node` is not on PATH)"
        )),
    }
    if !Path::new(CHROMIUM).is_file() {
        missing.push(format!(
            "Chromium at {CHROMIUM} (Debian package `chromium`)"
        ));
    }
    missing.extend(stale_node_modules());
    missing
}

/// Each dependency pinned in `tests/browser/package.json` that `node_modules` lacks or holds at
/// another version.
fn stale_node_modules() -> Vec<String> {
    let dir = browser_dir();
    let manifest: Value = match std::fs::read_to_string(dir.join("package.json"))
        .map_err(|err| err.to_string())
        .and_then(|text| serde_json::from_str(&text).map_err(|err| err.to_string()))
    {
        Ok(manifest) => manifest,
        Err(err) => return vec![format!("a readable tests/browser/package.json ({err})")],
    };
    let Some(dependencies) = manifest["dependencies"].as_object() else {
        return vec!["dependencies in tests/browser/package.json".to_owned()];
    };
    dependencies
        .iter()
        .filter_map(|(name, pinned)| {
            let pinned = pinned.as_str().unwrap_or("(not a version)");
            let installed =
                std::fs::read_to_string(dir.join("node_modules").join(name).join("package.json"))
                    .ok()
                    .and_then(|text| serde_json::from_str::<Value>(&text).ok())
                    .and_then(|package| package["version"].as_str().map(str::to_owned));
            match installed {
                Some(version) if version == pinned => None,
                Some(version) => Some(format!(
                    "npm package {name} {pinned} in tests/browser/node_modules (found {version})"
                )),
                None => Some(format!(
                    "npm package {name} {pinned} in tests/browser/node_modules (not installed)"
                )),
            }
        })
        .collect()
}

/// A child process killed and reaped on drop, so that nothing outlives a failed test. The
/// browser script is asked to stop first (SIGTERM: Playwright then closes Chromium), and
/// killed only if it does not.
struct Guard {
    child: Child,
    what: &'static str,
    terminate_first: bool,
}

impl Guard {
    /// Waits for the process to exit, for at most `patience`; `Ok(None)` if it is still
    /// running then.
    fn wait(&mut self, patience: Duration) -> std::io::Result<Option<ExitStatus>> {
        let started = Instant::now();
        loop {
            match self.child.try_wait()? {
                Some(status) => return Ok(Some(status)),
                None if started.elapsed() < patience => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                None => return Ok(None),
            }
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        if self.terminate_first {
            let _ = Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .status();
            if let Ok(Some(_)) = self.wait(STOP_PATIENCE) {
                return;
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The last `count` lines of a file, for failure messages.
fn tail(path: &Path, count: usize) -> String {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(count)..].join("\n")
        }
        Err(err) => format!("(cannot read {}: {err})", path.display()),
    }
}

/// Starts `wsoa serve` on the sandbox's ledger; returns it with its URL once `/healthz`
/// answers 200.
fn start_server(sandbox: &Sandbox, log: &Path) -> (Guard, String) {
    let stderr = File::create(log).expect("the server's log file can be created");
    let mut command = sandbox.command();
    command
        .arg("--data")
        .arg(sandbox.data())
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr);
    let mut child = command.spawn().expect("`wsoa serve` can be started");
    let pipe = child.stdout.take().expect("stdout is piped");
    let mut server = Guard {
        child,
        what: "`wsoa serve`",
        terminate_first: false,
    };
    let (lines, stdout) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let first = stdout.recv_timeout(PATIENCE).unwrap_or_else(|err| {
        panic!(
            "`wsoa serve` printed nothing within {PATIENCE:?} ({err}); its log:\n{}",
            tail(log, 50)
        )
    });
    let url = first
        .split_whitespace()
        .find(|word| word.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("`wsoa serve` named no URL in its first line: {first}"))
        .to_owned();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .new_agent();
    let started = Instant::now();
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!(
                "`wsoa serve` exited ({status}) before answering /healthz; its log:\n{}",
                tail(log, 50)
            );
        }
        let last = match agent.get(format!("{url}/healthz")).call() {
            Ok(response) if response.status() == 200 => break,
            Ok(response) => format!("status {}", response.status()),
            Err(err) => err.to_string(),
        };
        assert!(
            started.elapsed() < PATIENCE,
            "{url}/healthz did not answer 200 within {PATIENCE:?} (last: {last}); the server's log:\n{}",
            tail(log, 50)
        );
        // Only while the server starts: an attempt fails at once if nothing listens yet.
        std::thread::sleep(Duration::from_millis(25));
    }
    (server, url)
}

/// Makes a token with `wsoa token create` (offline, before the server holds the ledger).
fn token(sandbox: &Sandbox, name: &str, role: &str) -> String {
    let created = sandbox
        .json(&["token", "create", "--name", name, "--role", role])
        .json();
    created["token"]
        .as_str()
        .unwrap_or_else(|| panic!("`wsoa token create` printed no token: {created}"))
        .to_owned()
}

#[test]
fn an_officer_and_an_auditor_use_the_web_pages_in_headless_chromium() {
    let missing = missing_prerequisites();
    assert!(
        missing.is_empty(),
        "the browser test cannot run; missing:\n  - {}\nRun `.ci/setup` from the workspace root (it installs Chromium and Node.js with apt when missing, then runs `npm ci --prefix tests/browser`).",
        missing.join("\n  - ")
    );
    // Building `wsoa` (or confirming it is up to date) is not part of the test's own time.
    harness::wsoa_binary();
    let started = Instant::now();

    let sandbox = Sandbox::new();
    sandbox.run(&["demo"]).success();
    let officer = token(&sandbox, OFFICER, "officer");
    let auditor = token(&sandbox, AUDITOR, "auditor");
    let server_log = sandbox.root().join("serve.log");
    let (_server, url) = start_server(&sandbox, &server_log);
    let ready = started.elapsed();

    let downloads = sandbox.root().join("downloads");
    let screenshots = screenshots_dir();
    let script_out = sandbox.root().join("browser.stdout");
    let script_err = sandbox.root().join("browser.stderr");
    let child = Command::new("node")
        .arg(browser_dir().join("run.mjs"))
        .current_dir(browser_dir())
        .env("WSOA_URL", &url)
        .env("WSOA_OFFICER_TOKEN", &officer)
        .env("WSOA_AUDITOR_TOKEN", &auditor)
        .env("WSOA_OFFICER_NAME", OFFICER)
        .env("WSOA_AUDITOR_NAME", AUDITOR)
        .env("WSOA_SCREENSHOTS", &screenshots)
        .env("WSOA_DOWNLOADS", &downloads)
        .env("WSOA_CHROMIUM", CHROMIUM)
        .stdin(Stdio::null())
        .stdout(File::create(&script_out).expect("the script's stdout file can be created"))
        .stderr(File::create(&script_err).expect("the script's stderr file can be created"))
        .spawn()
        .expect("`node tests/browser/run.mjs` can be started");
    let mut script = Guard {
        child,
        what: "`node tests/browser/run.mjs`",
        terminate_first: true,
    };
    let status = script
        .wait(SCRIPT_PATIENCE)
        .unwrap_or_else(|err| panic!("cannot wait for {}: {err}", script.what));
    let printed = std::fs::read_to_string(&script_out).unwrap_or_default();
    let errors = std::fs::read_to_string(&script_err).unwrap_or_default();
    match status {
        Some(status) if status.success() => {
            println!("{printed}{errors}");
            println!(
                "browser test: server ready in {:.1} s, whole test {:.1} s; screenshots in {}",
                ready.as_secs_f64(),
                started.elapsed().as_secs_f64(),
                screenshots.display()
            );
            // The evidence pack made on the evidence page verifies offline, and the server's
            // ledger records sending this very file.
            let mut verify = sandbox.command();
            verify
                .arg("verify")
                .arg(downloads.join("pack.wsoa"))
                .args(["--server", &url, "--token", &auditor]);
            let checked = harness::run_command(verify).success();
            assert!(
                checked.stdout.contains("records sending this pack"),
                "{}\n{}",
                checked.stdout,
                checked.stderr
            );
        }
        outcome => {
            let how = match outcome {
                Some(status) => format!("exited with {status}"),
                None => format!("did not finish within {SCRIPT_PATIENCE:?}"),
            };
            panic!(
                "the browser scenario {how}.\n--- its output ---\n{printed}\n--- its errors ---\n{errors}\n--- the server's log (last lines) ---\n{}",
                tail(&server_log, 40)
            );
        }
    }
}
