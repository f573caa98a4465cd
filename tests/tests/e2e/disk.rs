//! A full or read-only disk is an error, never a hang: the command exits 2 saying the disk is
//! full (or read-only) and records nothing; a server answers 507, `/readyz` says it is not ready
//! while writes would fail, SIGTERM still stops it; the next write once there is room is
//! recorded, and everything acknowledged before is intact (`wsoa verify`).
//!
//! Two ways to run out of room. A small tmpfs mounted on the ledger's directory (these tests
//! run as root; where `mount` is not permitted, those tests print a notice and return). And,
//! with no mount at all, a file-size limit (`ulimit -f`, `RLIMIT_FSIZE`) on the `wsoa` process,
//! with `SIGXFSZ` ignored so that a write past the limit fails with `EFBIG` as a write to a full
//! disk fails with `ENOSPC`: sled meets it part-way through a write, which is what used to hang.
//!
//! Every run of `wsoa` here has a bounded wait: a hang is a test failure, not a stuck test.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::{Output, Sandbox};
use crate::serve::token;

/// The longest any one command, answer or exit may take (debug builds, a busy machine). The
/// store waits at most a minute for a flush, so a hang shows as a failure well within this.
const PATIENCE: Duration = Duration::from_secs(120);

/// A tmpfs mounted for one test, unmounted when dropped.
struct Tmpfs {
    at: PathBuf,
}

impl Tmpfs {
    /// Mounts a tmpfs of `mib` MiB at `at` (created if need be); `None`, with a notice on
    /// stderr, where this machine does not let the test mount one.
    fn mount(at: &Path, mib: u32) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).expect("the mount point can be made");
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mib}m"), "tmpfs"])
            .arg(at)
            .stderr(Stdio::piped())
            .output();
        match mounted {
            Ok(output) if output.status.success() => Some(Tmpfs { at: at.to_owned() }),
            Ok(output) => {
                eprintln!(
                    "NOTICE: skipped: cannot mount a tmpfs here ({}); the file-size-limit tests cover a failing write without one",
                    String::from_utf8_lossy(&output.stderr).trim()
                );
                None
            }
            Err(err) => {
                eprintln!("NOTICE: skipped: cannot run `mount` ({err})");
                None
            }
        }
    }

    /// Fills the file system to the last byte with a file `filler`; returns its path.
    fn fill(&self) -> PathBuf {
        use std::io::Write as _;
        let path = self.at.join("filler");
        let mut file = std::fs::File::create(&path).expect("the filler can be created");
        let block = vec![0u8; 64 * 1024];
        loop {
            match file.write(&block) {
                Ok(0) => break,
                Ok(_) => {}
                Err(err) if err.kind() == std::io::ErrorKind::StorageFull => break,
                Err(err) => panic!("filling the tmpfs failed otherwise: {err}"),
            }
        }
        // The last partial block.
        let _ = file.write(&[0u8; 512]);
        path
    }

    /// Remounts it read-only (`ro`) or read-write.
    fn remount(&self, options: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(&self.at)
            .status()
            .expect("`mount` runs");
        assert!(status.success(), "remount {options} failed: {status}");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.at).status();
    }
}

/// Runs a prepared command, waiting at most [`PATIENCE`]: a command still running then is
/// killed and the test fails saying it hung.
fn run_bounded(mut command: Command) -> Output {
    let shown = format!("{command:?}");
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| panic!("cannot run {shown}: {err}"));
    let (done, finished) = mpsc::channel();
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let readers = std::thread::spawn(move || {
        use std::io::Read as _;
        let (mut out, mut err) = (String::new(), String::new());
        let _ = stdout.read_to_string(&mut out);
        let _ = stderr.read_to_string(&mut err);
        let _ = done.send(());
        (out, err)
    });
    if finished.recv_timeout(PATIENCE).is_err() {
        let _ = child.kill();
        let _ = child.wait();
        panic!("{shown} hung: still running after {PATIENCE:?}");
    }
    let status = child.wait().expect("the command can be reaped");
    let (stdout, stderr) = readers.join().expect("the reader thread does not panic");
    Output {
        command: shown,
        code: status.code(),
        stdout,
        stderr,
    }
}

/// `wsoa --data <ledger> ARGS` in the sandbox, with a bounded wait.
fn wsoa(sandbox: &Sandbox, args: &[&str]) -> Output {
    let mut command = sandbox.command();
    command.arg("--data").arg(sandbox.data()).args(args);
    run_bounded(command)
}

/// `command` run under a file-size limit of `kib` KiB, with `SIGXFSZ` ignored (so that a write
/// past the limit fails with `EFBIG` instead of killing the process), through bash.
fn limited(command: &Command, kib: u64) -> Command {
    let mut shell = Command::new("bash");
    shell
        .arg("-c")
        .arg(format!(r#"trap "" XFSZ; ulimit -f {kib}; exec "$0" "$@""#))
        .arg(command.get_program())
        .args(command.get_args());
    if let Some(dir) = command.get_current_dir() {
        shell.current_dir(dir);
    }
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => shell.env(key, value),
            None => shell.env_remove(key),
        };
    }
    shell
}

/// Random-looking content no other test attaches, so it is never already stored.
fn content(bytes: usize, seed: u8) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes);
    let mut block = *blake3::hash(&[seed]).as_bytes();
    while out.len() < bytes {
        block = *blake3::hash(&block).as_bytes();
        out.extend_from_slice(&block);
    }
    out.truncate(bytes);
    out
}

/// A ledger opened for Northshire with weakness W1.
fn open_with_w1(sandbox: &Sandbox) {
    wsoa(
        sandbox,
        &[
            "init",
            "--area",
            "Northshire local area",
            "--on",
            "2021-01-04",
        ],
    )
    .success();
    wsoa(
        sandbox,
        &[
            "weakness",
            "add",
            "W1",
            "--title",
            "Quality",
            "--on",
            "2021-01-04",
        ],
    )
    .success();
}

/// `wsoa verify --format json`, which must say the ledger is intact.
#[track_caller]
fn verified(sandbox: &Sandbox) -> Value {
    let output = wsoa(sandbox, &["--format", "json", "verify"]).success();
    let mut report = output.json();
    assert_eq!(report["ok"], true, "the ledger should verify: {report}");
    // sled's space on disk is not what the ledger holds (see `Sandbox::verified`).
    if let Some(report) = report.as_object_mut() {
        report.remove("size_on_disk");
    }
    report
}

/// Asserts that a refusal exited 2, printed nothing, and said the disk is full (or read-only).
#[track_caller]
fn refused_for(output: &Output, words: &str) {
    assert_eq!(
        output.code,
        Some(2),
        "{} should exit 2\nstdout: {}\nstderr: {}",
        output.command,
        output.stdout,
        output.stderr
    );
    assert!(output.stdout.is_empty(), "{}", output.stdout);
    assert!(
        output.stderr.contains(words) && output.stderr.contains("nothing was recorded"),
        "{} should say {words:?} and that nothing was recorded: {}",
        output.command,
        output.stderr
    );
    assert!(
        !output.stderr.contains("damaged"),
        "a full disk is not damage: {}",
        output.stderr
    );
}

#[test]
fn a_full_disk_refuses_with_exit_2_records_nothing_and_the_next_write_after_freeing_space_succeeds()
{
    let sandbox = Sandbox::new();
    let Some(disk) = Tmpfs::mount(&sandbox.data(), 24) else {
        return;
    };
    open_with_w1(&sandbox);
    let first = sandbox.file("first.bin", &content(2_000_000, 1));
    let second = sandbox.file("second.bin", &content(3_000_000, 2));
    let first = first.to_str().expect("UTF-8 path");
    let second = second.to_str().expect("UTF-8 path");
    wsoa(
        &sandbox,
        &[
            "evidence",
            "attach",
            first,
            "--title",
            "Audit",
            "--supports",
            "W1",
        ],
    )
    .success();
    let before = verified(&sandbox);

    let filler = disk.fill();
    let attach = [
        "evidence",
        "attach",
        second,
        "--title",
        "Survey",
        "--supports",
        "W1",
    ];
    refused_for(&wsoa(&sandbox, &attach), "the disk is full");
    refused_for(
        &wsoa(
            &sandbox,
            &[
                "weakness",
                "add",
                "W2",
                "--title",
                "Q2",
                "--on",
                "2021-01-05",
            ],
        ),
        "the disk is full",
    );
    // Nothing was written, and reading still works on the full disk.
    assert_eq!(verified(&sandbox), before);

    std::fs::remove_file(filler).expect("the filler can be removed");
    wsoa(&sandbox, &attach).success();
    let after = verified(&sandbox);
    assert_eq!(after["events"], 4, "{after}");
    assert_eq!(after["evidence_checked"], 2, "{after}");
}

#[test]
fn a_read_only_disk_refuses_with_exit_2_and_writes_resume_when_it_is_writable() {
    let sandbox = Sandbox::new();
    let Some(disk) = Tmpfs::mount(&sandbox.data(), 16) else {
        return;
    };
    open_with_w1(&sandbox);
    disk.remount("ro");
    refused_for(
        &wsoa(
            &sandbox,
            &[
                "weakness",
                "add",
                "W2",
                "--title",
                "Q2",
                "--on",
                "2021-01-05",
            ],
        ),
        "read-only",
    );
    disk.remount("rw");
    wsoa(
        &sandbox,
        &[
            "weakness",
            "add",
            "W2",
            "--title",
            "Q2",
            "--on",
            "2021-01-05",
        ],
    )
    .success();
    assert_eq!(verified(&sandbox)["events"], 3);
}

#[test]
fn a_write_failing_part_way_exits_2_without_hanging_and_loses_nothing() {
    let sandbox = Sandbox::new();
    open_with_w1(&sandbox);
    let before = verified(&sandbox);
    // Each 1 MiB chunk of evidence is a file of its own in sled: a 600 KiB limit fails the
    // first one part-way, inside sled, after the check for free space has passed.
    let file = sandbox.file("big.bin", &content(3_000_000, 3));
    let file = file.to_str().expect("UTF-8 path");
    let attach = [
        "evidence",
        "attach",
        file,
        "--title",
        "Survey",
        "--supports",
        "W1",
    ];
    let mut command = sandbox.command();
    command.arg("--data").arg(sandbox.data()).args(attach);
    let output = run_bounded(limited(&command, 600));
    refused_for(&output, "the disk is full");
    assert!(
        output.stderr.contains("File too large"),
        "{}",
        output.stderr
    );

    // Nothing half-written: the ledger is as it was, and the same attachment now succeeds.
    assert_eq!(verified(&sandbox), before);
    wsoa(&sandbox, &attach).success();
    let after = verified(&sandbox);
    assert_eq!(after["events"], 3, "{after}");
}

/// A running `wsoa serve` on the sandbox's ledger, killed on drop.
struct Serving {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Serving {
    /// Starts `command` (a `wsoa ... serve --addr 127.0.0.1:0`) and waits for its address and
    /// for `/healthz`.
    fn start(sandbox: &Sandbox, mut command: Command) -> Serving {
        let log = sandbox.root().join("serve.log");
        let stderr = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .expect("the log can be opened");
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("`wsoa serve` starts");
        let pipe = child.stdout.take().expect("stdout is piped");
        let (lines, first) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let _ = lines.send(line);
            }
        });
        let line = first
            .recv_timeout(PATIENCE)
            .expect("`wsoa serve` prints its address");
        let url = line
            .split_whitespace()
            .find(|word| word.starts_with("http://127.0.0.1:"))
            .unwrap_or_else(|| panic!("no address in {line}"))
            .to_owned();
        let serving = Serving { child, url, log };
        let started = Instant::now();
        while serving.get("/healthz").0 != 200 {
            assert!(started.elapsed() < PATIENCE, "/healthz never answered");
            std::thread::sleep(Duration::from_millis(25));
        }
        serving
    }

    fn agent() -> ureq::Agent {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(PATIENCE))
            .build()
            .new_agent()
    }

    /// `GET path`: the status and body, or (0, why) with no answer.
    fn get(&self, path: &str) -> (u16, String) {
        match Serving::agent().get(format!("{}{path}", self.url)).call() {
            Ok(mut response) => (
                response.status().as_u16(),
                response.body_mut().read_to_string().unwrap_or_default(),
            ),
            Err(err) => (0, err.to_string()),
        }
    }

    /// `POST /api/v1/commands`: the status and the JSON body.
    fn post(&self, token: &str, command: &Value) -> (u16, Value) {
        let mut response = Serving::agent()
            .post(format!("{}/api/v1/commands", self.url))
            .header("Authorization", &format!("Bearer {token}"))
            .header("Content-Type", "application/json")
            .send(command.to_string().as_str())
            .unwrap_or_else(|err| panic!("no answer to {command}: {err}\n{}", self.log()));
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// Sends SIGTERM and waits (at most [`PATIENCE`]) for the server to exit; its exit code.
    fn terminate(&mut self) -> Option<i32> {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("`kill` runs");
        assert!(sent.success());
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("the server can be waited for") {
                return status.code();
            }
            assert!(
                started.elapsed() < PATIENCE,
                "SIGTERM did not stop the server within {PATIENCE:?}\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `wsoa --data <ledger> serve --addr 127.0.0.1:0`.
fn serve_command(sandbox: &Sandbox) -> Command {
    let mut command = sandbox.command();
    command
        .arg("--data")
        .arg(sandbox.data())
        .args(["serve", "--addr", "127.0.0.1:0"]);
    command
}

/// A note about W1, to append over the API.
fn note(n: usize) -> Value {
    json!({"kind": "add_note", "about": "W1", "text": format!("Note {n}")})
}

#[test]
fn a_server_on_a_full_disk_answers_507_is_not_ready_and_takes_writes_again_once_there_is_room() {
    let sandbox = Sandbox::new();
    let Some(disk) = Tmpfs::mount(&sandbox.data(), 24) else {
        return;
    };
    open_with_w1(&sandbox);
    let officer = token(&sandbox, "Disk officer", "officer");
    let mut server = Serving::start(&sandbox, serve_command(&sandbox));
    let (status, body) = server.post(&officer, &note(1));
    assert_eq!(status, 201, "{body}");
    assert_eq!(server.get("/readyz").0, 200);

    let filler = disk.fill();
    // An upload through the CLI: the server answers 507 and the CLI exits 2, saying why.
    let file = sandbox.file("upload.bin", &content(2_000_000, 4));
    let mut attach = sandbox.command();
    attach
        .args(["--server", &server.url, "--token", &officer])
        .args(["evidence", "attach"])
        .arg(&file)
        .args(["--title", "Survey", "--supports", "W1"]);
    let uploaded = run_bounded(attach);
    assert_eq!(uploaded.code, Some(2), "{uploaded:?}");
    assert!(
        uploaded.stderr.contains("disk is full")
            && uploaded.stderr.contains("nothing was recorded"),
        "{}",
        uploaded.stderr
    );
    let (status, body) = server.post(&officer, &note(2));
    assert_eq!(status, 507, "{body}");
    assert_eq!(body["error"]["code"], "disk_full", "{body}");
    let (status, text) = server.get("/readyz");
    assert_eq!(status, 503, "{text}");
    assert!(text.contains("disk is full"), "{text}");
    assert_eq!(
        server.get("/healthz").0,
        200,
        "the server is alive, only not ready"
    );

    std::fs::remove_file(filler).expect("the filler can be removed");
    assert_eq!(
        server.get("/readyz").0,
        200,
        "ready again once there is room"
    );
    let (status, body) = server.post(&officer, &note(3));
    assert_eq!(status, 201, "{body}");
    assert_eq!(server.terminate(), Some(0), "{}", server.log());
    let report = verified(&sandbox);
    assert_eq!(report["events"], 4, "{report}");
}

#[test]
fn a_server_whose_write_fails_part_way_refuses_writes_with_507_stops_on_sigterm_and_loses_nothing()
{
    let sandbox = Sandbox::new();
    open_with_w1(&sandbox);
    let officer = token(&sandbox, "Limit officer", "officer");
    let data_file = sandbox.data().join("sled").join("db");
    let size = std::fs::metadata(&data_file)
        .expect("sled's data file")
        .len();
    // sled's log cannot grow past its first segment: appends fill it, and the write of the
    // next segment fails inside sled's writer, after every check for room has passed.
    let mut server = Serving::start(
        &sandbox,
        limited(&serve_command(&sandbox), size.div_ceil(1024)),
    );
    let mut acknowledged = 0;
    let refusal = loop {
        let (status, body) = server.post(&officer, &note(acknowledged));
        match status {
            201 => acknowledged += 1,
            _ => break (status, body),
        }
        assert!(acknowledged < 20_000, "the limit was never reached");
    };
    assert_eq!(refusal.0, 507, "{:?}\n{}", refusal.1, server.log());
    assert_eq!(refusal.1["error"]["code"], "disk_full", "{:?}", refusal.1);
    // Writes stay refused in this process, and it says it is not ready.
    let (status, body) = server.post(&officer, &note(acknowledged));
    assert_eq!(status, 507, "{body}");
    assert_eq!(body["error"]["code"], "writes_stopped", "{body}");
    let (status, text) = server.get("/readyz");
    assert_eq!(status, 503, "{text}");
    assert!(text.contains("restart"), "{text}");
    assert_eq!(server.terminate(), Some(0), "{}", server.log());

    // Restarted with room, it takes writes again; every acknowledged note is there.
    let mut server = Serving::start(&sandbox, serve_command(&sandbox));
    let (status, body) = server.post(&officer, &note(acknowledged + 1));
    assert_eq!(status, 201, "{body}");
    assert_eq!(server.terminate(), Some(0), "{}", server.log());
    let report = verified(&sandbox);
    assert_eq!(
        report["events"].as_u64(),
        Some(acknowledged as u64 + 3),
        "{report}"
    );
}
