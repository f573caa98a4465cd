//! The shared harness: finds the real `wsoa` binary, gives each test its own ledger directory in
//! a temporary folder, runs commands there with a fixed actor, and checks their output.
//!
//! Finding the binary: neither `cargo test -p wsoa-tests` nor `cargo test --workspace` builds
//! `target/<profile>/wsoa` (cargo builds a package's binary for the integration tests of that
//! package only, and `wsoa-cli` has none), so before the first test runs the harness asks cargo
//! (`$CARGO build -p wsoa-cli --bin wsoa`, same profile) to build it, or to confirm it is up to
//! date, and runs the executable cargo reports. This also means a stale binary is never tested.
//! When the tests are not run by cargo (`CARGO` unset) the harness uses `wsoa` beside the
//! `deps/` folder of this test binary; if it cannot find one it stops and says to run
//! `cargo build -p wsoa-cli`.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;
use tempfile::TempDir;

/// Who records every event in these tests.
pub const ACTOR: &str = "qa.officer@northshire.example";

/// The BLAKE3 key-derivation context of the chain hash, written out here rather than taken from
/// `wsoa-core`, so that the chain is recomputed independently of the code under test.
pub const CHAIN_CONTEXT: &str = "wsoa-ledger 2026 event chain v1";

/// The path of the `wsoa` binary, built once per test run; panics with instructions when it
/// cannot be built or found.
pub fn wsoa_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let test_exe = std::env::current_exe().expect("the test binary knows its own path");
        // target/<profile>/deps/e2e-<hash>  ->  target/<profile>
        let profile_dir = test_exe
            .parent()
            .and_then(Path::parent)
            .expect("the test binary lives in target/<profile>/deps");
        let beside = profile_dir.join(format!("wsoa{}", std::env::consts::EXE_SUFFIX));
        match std::env::var_os("CARGO") {
            Some(cargo) => build_with_cargo(&cargo, profile_dir).unwrap_or_else(|why| {
                panic!("cannot build `wsoa` ({why}); run `cargo build -p wsoa-cli` to see why")
            }),
            None => {
                assert!(
                    beside.is_file(),
                    "the `wsoa` binary is not at {}: run `cargo build -p wsoa-cli` first",
                    beside.display()
                );
                beside
            }
        }
    })
}

/// Runs `cargo build -p wsoa-cli --bin wsoa` for the profile of this test binary and returns the
/// executable that cargo reports.
fn build_with_cargo(cargo: &OsStr, profile_dir: &Path) -> Result<PathBuf, String> {
    let profile = match profile_dir.file_name().and_then(OsStr::to_str) {
        Some("debug") | None => "dev",
        Some(other) => other,
    };
    let output = Command::new(cargo)
        .args([
            "build",
            "-p",
            "wsoa-cli",
            "--bin",
            "wsoa",
            "--profile",
            profile,
        ])
        .args(["--message-format", "json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .output()
        .map_err(|err| format!("cannot run cargo: {err}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "`cargo build -p wsoa-cli` failed:\n{}\n{stdout}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|message| {
            message["reason"] == "compiler-artifact" && message["target"]["name"] == "wsoa"
        })
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| "cargo built nothing called `wsoa`".to_owned())
}

/// What one run of `wsoa` did.
#[derive(Debug)]
pub struct Output {
    /// The command line, for failure messages.
    pub command: String,
    /// The exit code (`None` if killed by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Output {
    /// Asserts that the command exited 0 and returns it.
    #[track_caller]
    pub fn success(self) -> Output {
        self.code_is(0)
    }

    /// Asserts the exit code and returns the output.
    #[track_caller]
    pub fn code_is(self, code: i32) -> Output {
        assert_eq!(
            self.code,
            Some(code),
            "`{}` should exit {code}\nstdout: {}\nstderr: {}",
            self.command,
            self.stdout,
            self.stderr
        );
        self
    }

    /// Standard output parsed as one JSON value.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim()).unwrap_or_else(|err| {
            panic!(
                "`{}` should print one JSON value ({err}):\n{}",
                self.command, self.stdout
            )
        })
    }

    /// Standard output parsed as one JSON value per line.
    #[track_caller]
    pub fn json_lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|line| {
                serde_json::from_str(line).unwrap_or_else(|err| {
                    panic!(
                        "`{}` should print one JSON object per line ({err}): {line}",
                        self.command
                    )
                })
            })
            .collect()
    }
}

/// Runs a prepared command and captures what it did.
pub fn run_command(mut command: Command) -> Output {
    let shown = std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(OsStr::to_string_lossy)
        .collect::<Vec<_>>()
        .join(" ");
    let output = command
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|err| panic!("cannot run `{shown}`: {err}"));
    Output {
        command: shown,
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A temporary folder holding one test's ledger (in `ledger/`) and the files it attaches.
pub struct Sandbox {
    dir: TempDir,
}

impl Sandbox {
    /// An empty folder: no ledger yet.
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::Builder::new()
                .prefix("wsoa-e2e-")
                .tempdir()
                .expect("a temporary directory can be created"),
        }
    }

    /// A folder with a ledger opened for Northshire on 4 January 2021.
    pub fn opened() -> Sandbox {
        let sandbox = Sandbox::new();
        sandbox
            .run(&[
                "init",
                "--area",
                "Northshire local area",
                "--partner",
                "Northshire County Council",
                "--partner",
                "NHS Northshire Clinical Commissioning Group",
                "--on",
                "2021-01-04",
            ])
            .success();
        sandbox
    }

    /// The folder; commands run with it as their working directory.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The ledger's directory (what `--data` names).
    pub fn data(&self) -> PathBuf {
        self.root().join("ledger")
    }

    /// Writes a file into the folder and returns its path.
    pub fn file(&self, name: &str, contents: &[u8]) -> PathBuf {
        let path = self.root().join(name);
        std::fs::write(&path, contents).expect("a test file can be written");
        path
    }

    /// `wsoa` with no arguments yet, run in the folder with the fixed actor, and with no
    /// `WSOA_DATA` inherited from the environment.
    pub fn command(&self) -> Command {
        let mut command = Command::new(wsoa_binary());
        command
            .current_dir(self.root())
            .env("WSOA_ACTOR", ACTOR)
            .env_remove("WSOA_DATA");
        command
    }

    /// Runs `wsoa --data <ledger> ARGS`.
    pub fn run(&self, args: &[&str]) -> Output {
        let mut command = self.command();
        command.arg("--data").arg(self.data()).args(args);
        run_command(command)
    }

    /// Runs `wsoa --data <ledger> --format json ARGS`, which must succeed.
    #[track_caller]
    pub fn json(&self, args: &[&str]) -> Output {
        let mut full = vec!["--format", "json"];
        full.extend_from_slice(args);
        self.run(&full).success()
    }

    /// Runs a recording command with `--format json`; it must succeed and report a sequence
    /// number and a 64-hex-digit hash. Returns what it printed.
    #[track_caller]
    pub fn record(&self, args: &[&str]) -> Value {
        let output = self.json(args);
        let value = output.json();
        assert!(
            value["seq"].is_u64(),
            "`{}` should report a seq: {value}",
            output.command
        );
        assert!(
            is_hash(&value["hash"]),
            "`{}` should report a 64-hex-digit hash: {value}",
            output.command
        );
        value
    }

    /// `wsoa verify --format json`, which must say the ledger is intact.
    #[track_caller]
    pub fn verified(&self) -> Value {
        let mut report = self.json(&["verify"]).json();
        assert_eq!(report["ok"], true, "the ledger should verify: {report}");
        // The space sled takes on disk can change when nothing is recorded (opening a ledger
        // may write sled's own records): it is not part of what the ledger holds.
        if let Some(report) = report.as_object_mut() {
            report.remove("size_on_disk");
        }
        report
    }

    /// Every event, from `wsoa log --format json`.
    #[track_caller]
    pub fn log(&self) -> Vec<Value> {
        self.json(&["log"]).json_lines()
    }

    /// Runs a command that must be refused: exit 2, nothing on standard output, each of
    /// `expected` on standard error, and the ledger exactly as `before` (a `verified()` report:
    /// the same number of events, the same head hash, the same evidence). Returns stderr.
    #[track_caller]
    pub fn refuses(&self, before: &Value, args: &[&str], expected: &[&str]) -> String {
        let output = self.run(args).code_is(2);
        assert!(
            output.stdout.is_empty(),
            "`{}` was refused but printed {}",
            output.command,
            output.stdout
        );
        for phrase in expected {
            assert!(
                output.stderr.contains(phrase),
                "`{}` should explain itself with {phrase:?} on stderr, but said: {}",
                output.command,
                output.stderr
            );
        }
        let after = self.verified();
        assert_eq!(
            &after, before,
            "`{}` was refused but the ledger changed",
            output.command
        );
        output.stderr
    }
}

/// Whether a JSON value is a hash as the ledger writes them: 64 lowercase hex digits.
pub fn is_hash(value: &Value) -> bool {
    value.as_str().is_some_and(|text| {
        text.len() == 64
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// The chain hash of canonical event bytes, computed here with the `blake3` crate.
pub fn chain_hash(bytes: &[u8]) -> String {
    let mut hasher = blake3::Hasher::new_derive_key(CHAIN_CONTEXT);
    hasher.update(bytes);
    hasher.finalize().to_hex().to_string()
}

/// Checks `wsoa log --format json` output independently of the code under test: events are
/// numbered 0, 1, 2, ...; each `hash` is the chain hash of its hex-decoded `bytes`; each `prev`
/// is the hash before it (all zeros first). Returns the hashes in order.
#[track_caller]
pub fn check_chain(log: &[Value]) -> Vec<String> {
    let mut previous = "0".repeat(64);
    let mut hashes = Vec::with_capacity(log.len());
    for (index, event) in log.iter().enumerate() {
        assert_eq!(event["seq"], index, "events out of order: {event}");
        let bytes = hex::decode(event["bytes"].as_str().expect("every event has bytes"))
            .expect("bytes are hex");
        let hash = chain_hash(&bytes);
        assert_eq!(
            event["hash"], hash,
            "event {index}: hash is not the chain hash of its bytes"
        );
        assert_eq!(
            event["prev"],
            previous,
            "event {index}: prev is not the hash of event {}",
            index.wrapping_sub(1)
        );
        previous.clone_from(&hash);
        hashes.push(hash);
    }
    hashes
}

/// A date that is certainly in the future: 1 January, two years from now.
pub fn future_date() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs();
    // 31,556,952 seconds is the mean Gregorian year; two years ahead absorbs any rounding.
    format!("{}-01-01", 1970 + seconds / 31_556_952 + 2)
}
