//! `--server URL --token TOKEN`: every command through a running `wsoa serve`, with the same
//! output and exit codes as on a local ledger.
//!
//! Recording commands are sent as API commands; the server's answer carries the event's
//! canonical bytes, which are decoded and checked against their hash before anything is
//! printed. Reading commands work on a local replica: the server's events (fetched from
//! `/api/v1/log`, each re-hashed and re-linked as it is stored) and kept checkpoints in a
//! temporary ledger, read by exactly the code that reads a local ledger. `verify` and `export`
//! fetch the whole bundle (evidence content included; an auditor's or admin's token) and check
//! it here, so the answer never rests on the server's word.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use serde_json::{Value, json};
use wsoa_api::client::Client;
use wsoa_api::wire::{CommandRequest, RecordedEvent};
use wsoa_core::command::AttachEvidence;
use wsoa_core::{Command, Date, Digest};
use wsoa_store::{Appended, Ledger, StoreError};

use crate::output::{Format, Printer};
use crate::{Cli, Commands};

/// An error the server answered with: its HTTP status, code and message.
pub use wsoa_api::client::ClientError as RemoteError;

/// A bad request, a broken rule or a missing permission exits 2 as locally, and so does the
/// server's full or read-only disk (507: nothing was recorded; send it again once there is
/// room); a server failure, or no server at all (status 0), exits 1.
pub fn exit_code(err: &RemoteError) -> u8 {
    if ((400..500).contains(&err.status) && err.code != "internal") || err.status == 507 {
        crate::EXIT_INPUT
    } else {
        crate::EXIT_FAILED
    }
}

/// A server and the token to use with it.
pub struct Remote {
    client: Client,
}

/// A temporary local copy of the server's ledger.
pub struct Replica {
    /// The copy.
    pub ledger: Ledger,
    dir: tempfile::TempDir,
}

impl Replica {
    /// Closes the copy (releasing its lock) for commands that open a ledger by its directory;
    /// the directory lives as long as the returned guard.
    pub fn into_dir(self) -> (tempfile::TempDir, PathBuf) {
        let path = self.ledger.dir().to_owned();
        drop(self.ledger);
        (self.dir, path)
    }
}

impl Remote {
    /// A client of the server at `url`.
    pub fn new(url: &str, token: Option<String>) -> anyhow::Result<Remote> {
        let token = token.filter(|token| !token.trim().is_empty()).context(
            "--server needs a token: give --token TOKEN or set WSOA_TOKEN (an admin makes one with `wsoa token create`)",
        )?;
        let client = Client::new(url, &token).map_err(|err| anyhow::anyhow!("--server {err}"))?;
        Ok(Remote { client })
    }

    fn get(&self, path: &str) -> anyhow::Result<wsoa_api::client::Response> {
        Ok(self.client.get(path)?)
    }

    /// Records a command; returns the event as the server stored it, after checking its bytes
    /// against its hash.
    pub fn record(&self, command: &Command, on: Option<Date>) -> anyhow::Result<Appended> {
        let recorded = self
            .client
            .record(&CommandRequest::from(command).with_on(on))?;
        checked(&recorded)
    }

    /// Records commands all together or none of them (`POST /api/v1/commands/batch`).
    pub fn record_all(
        &self,
        commands: &[Command],
        on: Option<Date>,
    ) -> anyhow::Result<Vec<Appended>> {
        let requests: Vec<CommandRequest> = commands
            .iter()
            .map(|command| CommandRequest::from(command).with_on(on))
            .collect();
        let batch = self.client.record_all(&requests)?;
        batch.events.iter().map(checked).collect()
    }

    /// Uploads a file as evidence.
    pub fn attach(
        &self,
        path: &Path,
        command: &AttachEvidence,
        on: Option<Date>,
    ) -> anyhow::Result<Appended> {
        let file =
            std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        if file.metadata().is_ok_and(|m| m.is_dir()) {
            bail!("{} is a directory; attach a file", path.display());
        }
        let boundary = format!("wsoa-{}", hex::encode(random_bytes()?));
        let mut head = String::new();
        let mut text = |name: &str, value: &str| {
            head.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            ));
        };
        text("title", &command.title);
        text("kind", &command.kind.to_string());
        text("media_type", &command.media_type);
        for subject in &command.supports {
            text("supports", &subject.to_string());
        }
        if let Some(id) = &command.id {
            text("id", &id.to_string());
        }
        if let Some(on) = on {
            text("on", &on.to_string());
        }
        let file_name = command.file_name.replace(['"', '\r', '\n'], "_");
        head.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        ));
        let tail = format!("\r\n--{boundary}--\r\n");
        let body = std::io::Cursor::new(head.into_bytes())
            .chain(file)
            .chain(std::io::Cursor::new(tail.into_bytes()));
        let mut response = self.client.post(
            "/evidence",
            &format!("multipart/form-data; boundary={boundary}"),
            body,
        )?;
        let recorded: RecordedEvent = response
            .body_mut()
            .read_json()
            .context("the server's answer is not a recorded event")?;
        checked(&recorded)
    }

    /// Downloads a piece of evidence to `path` (which must not exist), checking it against its
    /// hash; returns the hash and size.
    pub fn download_evidence(&self, id: &str, path: &Path) -> anyhow::Result<(Digest, u64)> {
        if path.exists() {
            bail!(
                "{} already exists; choose another --out or remove it first",
                path.display()
            );
        }
        let mut response = self.get(&format!("/evidence/{id}/content"))?;
        let hash: Digest = response
            .headers()
            .get("x-content-hash")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse().ok())
            .context("the server sent no content hash with the evidence")?;
        let folder = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
            _ => PathBuf::from("."),
        };
        let mut partial = tempfile::NamedTempFile::new_in(&folder)
            .with_context(|| format!("cannot write in {}", folder.display()))?;
        let info = {
            let mut hashing = HashingReader {
                inner: response.body_mut().as_reader(),
                hasher: blake3::Hasher::new(),
                size: 0,
            };
            std::io::copy(&mut hashing, partial.as_file_mut())
                .context("the download was cut short")?;
            (Digest(*hashing.hasher.finalize().as_bytes()), hashing.size)
        };
        if info.0 != hash {
            bail!(StoreError::BlobAltered {
                expected: hash,
                found: info.0
            });
        }
        partial.persist_noclobber(path).map_err(|err| {
            anyhow::Error::new(err.error).context(format!("cannot write {}", path.display()))
        })?;
        Ok(info)
    }

    /// A local copy of the server's events and kept checkpoints.
    pub fn events_replica(&self) -> anyhow::Result<Replica> {
        let dir = tempfile::tempdir().context("cannot make a temporary directory")?;
        let mut response = self.get("/log")?;
        let lines = BufReader::new(response.body_mut().as_reader()).lines();
        let events = lines.map(|line| {
            let line = line.map_err(StoreError::io("cannot read the server's events"))?;
            let value: Value = serde_json::from_str(&line).map_err(|err| {
                StoreError::BadSource(format!(
                    "the server sent an event that is not JSON ({err}); check that --server names a `wsoa serve`"
                ))
            })?;
            let bytes = value["bytes"]
                .as_str()
                .and_then(|text| hex::decode(text).ok())
                .ok_or_else(|| {
                    StoreError::BadSource(format!(
                        "the server sent event {} without its bytes; check that --server names a `wsoa serve`",
                        value["seq"]
                    ))
                })?;
            // The replica re-hashes and re-links every event as it stores it; the hash the
            // server sent must agree.
            let claimed = value["hash"].as_str().unwrap_or_default();
            if wsoa_core::chain::chain_hash(&bytes).to_hex() != claimed {
                return Err(StoreError::BadSource(format!(
                    "the server sent event {} with a hash that is not its bytes' hash: its copy of the ledger, or the connection, altered it; run `wsoa verify` on the server's ledger",
                    value["seq"]
                )));
            }
            Ok(bytes)
        });
        let ledger = Ledger::replicate(&dir.path().join("replica"), events)?;
        let kept: Value = self.get("/checkpoints")?.body_mut().read_json()?;
        for checkpoint in kept["checkpoints"].as_array().into_iter().flatten() {
            if let (Some(size), Some(note)) =
                (checkpoint["size"].as_u64(), checkpoint["note"].as_str())
            {
                ledger.keep_checkpoint(size, note)?;
            }
        }
        Ok(Replica { ledger, dir })
    }

    /// Downloads the whole ledger as a bundle into a temporary file.
    pub fn bundle(&self) -> anyhow::Result<tempfile::NamedTempFile> {
        let mut file = tempfile::NamedTempFile::new().context("cannot make a temporary file")?;
        let mut response = self.get("/bundle")?;
        std::io::copy(&mut response.body_mut().as_reader(), file.as_file_mut())
            .context("the bundle download was cut short")?;
        Ok(file)
    }

    /// A complete local copy (events, evidence content, checkpoints) from the bundle, verified
    /// as it is imported.
    pub fn full_replica(&self) -> anyhow::Result<Replica> {
        let file = self.bundle()?;
        let dir = tempfile::tempdir().context("cannot make a temporary directory")?;
        let ledger = Ledger::import(
            &dir.path().join("replica"),
            std::fs::File::open(file.path())?,
        )?;
        Ok(Replica { ledger, dir })
    }

    /// Keeps a signed checkpoint on the server.
    pub fn keep_checkpoint(&self, note: &str) -> anyhow::Result<()> {
        self.client.post(
            "/checkpoints",
            "text/plain",
            std::io::Cursor::new(note.to_owned()),
        )?;
        Ok(())
    }

    /// A JSON request to the token endpoints.
    fn tokens(&self, method: &str, path: &str, body: Option<Value>) -> anyhow::Result<Value> {
        Ok(match (method, body) {
            ("POST", Some(body)) => self.client.post_json(path, &body)?,
            ("DELETE", _) => self.client.delete_json(path)?,
            _ => self.client.get_json(path)?,
        })
    }
}

struct HashingReader<R> {
    inner: R,
    hasher: blake3::Hasher,
    size: u64,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }
}

fn random_bytes() -> anyhow::Result<[u8; 12]> {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).map_err(|err| anyhow::anyhow!("no randomness: {err}"))?;
    Ok(bytes)
}

/// A recorded event decoded from its bytes, refused unless they hash to what it claims.
fn checked(recorded: &RecordedEvent) -> anyhow::Result<Appended> {
    let (event, hash) = recorded
        .decode()
        .context("the server's answer does not hold to its own hash")?;
    Ok(Appended { event, hash })
}

/// Runs a command through the server.
pub fn run(cli: Cli, url: &str, out: &Printer) -> anyhow::Result<ExitCode> {
    let remote = Remote::new(url, cli.token.clone())?;
    if cli.actor.is_some() {
        eprintln!(
            "wsoa: note: --actor (or WSOA_ACTOR) is not used with --server: the server records the token's holder as the actor"
        );
    }
    match cli.command {
        Commands::Record(command) => {
            if let Some(file) = command.letter_file() {
                anyhow::bail!(
                    "--letter {} cannot be sent to a server with the visit: attach the letter first (`wsoa evidence attach {} --title TITLE --supports ID`) and give its id with --letter-evidence",
                    file.display(),
                    file.display()
                );
            }
            let on = command.on();
            let appended = remote.record(&command.into_command(), on)?;
            out.recorded(&appended)?;
        }
        Commands::Evidence(command) => command.run_remote(&remote, out)?,
        Commands::Log(args) => crate::read::log(&remote.events_replica()?.ledger, &args, out)?,
        Commands::Verify(args) => {
            if let Some(path) = &args.bundle {
                let replica = remote.events_replica()?;
                let (plan, _) = replica.ledger.plan_at(wsoa_core::point::Point::Now)?;
                let packs = (std::path::PathBuf::from(url), plan.packs);
                return crate::bundle::verify(path, &args, Some(&packs), out);
            }
            let bundle = remote.bundle()?;
            return crate::bundle::verify(bundle.path(), &args, None, out);
        }
        Commands::Pack(args) => {
            // The pack is cut from a verified local copy of the server's ledger (with its
            // evidence content), then the server records it sent.
            let mut replica = remote.full_replica()?;
            let recorded_at = crate::now_millis()?;
            let context = wsoa_store::Context {
                actor: wsoa_core::Actor {
                    name: "replica".to_owned(),
                    role: wsoa_core::Role::Officer,
                },
                occurred_on: match args.on() {
                    Some(on) => on,
                    None => crate::uk_day(recorded_at)?,
                },
                recorded_at,
            };
            let written =
                crate::pack::write(&mut replica.ledger, &args.order(), &args.out, &context)?;
            match remote.record(&Command::RecordPack(written.sent.clone()), args.on()) {
                Ok(appended) => crate::pack::report(&written, &appended, &args.out, out)?,
                Err(err) => {
                    let _ = std::fs::remove_file(&args.out);
                    return Err(err);
                }
            }
        }
        Commands::Export(args) => {
            crate::bundle::export(&remote.full_replica()?.ledger, &args, out)?;
        }
        Commands::Checkpoint(args) => {
            if let Some((file, on)) = args.record_file() {
                let note = std::fs::read_to_string(file)
                    .with_context(|| format!("cannot read {}", file.display()))?;
                let appended = remote.record(&Command::RecordCheckpoint { note }, on)?;
                out.recorded(&appended)?;
            } else {
                let mut replica = remote.events_replica()?;
                let before = replica.ledger.checkpoints()?;
                crate::audit::checkpoint(&mut replica.ledger, &args, None, out)?;
                let signed = replica
                    .ledger
                    .checkpoints()?
                    .into_iter()
                    .find(|kept| !before.contains(kept))
                    .context("the checkpoint was not signed")?;
                remote.keep_checkpoint(&signed.1)?;
            }
        }
        Commands::Cosign(args) => {
            let replica = remote.events_replica()?;
            crate::audit::cosign(Some(&replica.ledger), &args, out)?;
        }
        Commands::Prove(args) => crate::audit::prove(&remote.events_replica()?.ledger, &args, out)?,
        Commands::Show(args) => {
            let (_guard, dir) = remote.events_replica()?.into_dir();
            crate::show::run(&dir, &args, out)?;
        }
        Commands::Narrative(args) => {
            let (_guard, dir) = remote.events_replica()?.into_dir();
            crate::narrative::run(&dir, &args, out)?;
        }
        Commands::Timeline(args) => {
            crate::timeline::run(&remote.events_replica()?.ledger, &args, out)?;
        }
        Commands::Diff(args) => crate::diff::run(&remote.events_replica()?.ledger, &args, out)?,
        Commands::Token(command) => token(&remote, &command, out)?,
        Commands::Key(command) => crate::audit::key(command, out)?,
        Commands::CheckProof(args) => crate::audit::check_proof(&args, out)?,
        Commands::Import(mut args) if args.what.is_some() => {
            if let Some(command) = args.what.take() {
                return crate::import::run_remote(command, &remote, out);
            }
        }
        Commands::Demo(_) | Commands::Import(_) | Commands::Serve(_) | Commands::Projections(_) => {
            bail!(
                "this command works on a local directory, not through a server: leave out --server (and WSOA_SERVER)"
            )
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn token(
    remote: &Remote,
    command: &crate::serve::TokenCommand,
    out: &Printer,
) -> anyhow::Result<()> {
    use crate::serve::TokenCommand;
    match command {
        TokenCommand::Create { name, role } => {
            let created = remote.tokens(
                "POST",
                "/tokens",
                Some(json!({"name": name, "role": role.to_string()})),
            )?;
            let record = &created["record"];
            match out.format {
                Format::Json => {
                    let mut value = record.clone();
                    value["token"] = created["token"].clone();
                    out.json(&value)?;
                }
                Format::Text => {
                    out.line(&format!(
                        "Created token {} for {} ({}). Its secret, shown only now:",
                        record["id"].as_str().unwrap_or_default(),
                        record["name"].as_str().unwrap_or_default(),
                        record["role"].as_str().unwrap_or_default()
                    ))?;
                    out.line(created["token"].as_str().unwrap_or_default())?;
                }
            }
        }
        TokenCommand::List => {
            let list = remote.tokens("GET", "/tokens", None)?;
            for record in list.as_array().into_iter().flatten() {
                match out.format {
                    Format::Json => out.json(record)?,
                    Format::Text => out.line(&format!(
                        "{}  {:<8}  {}{}",
                        record["id"].as_str().unwrap_or_default(),
                        record["role"].as_str().unwrap_or_default(),
                        record["name"].as_str().unwrap_or_default(),
                        if record["revoked_at"].is_null() {
                            ""
                        } else {
                            "  revoked"
                        }
                    ))?,
                }
            }
        }
        TokenCommand::Revoke { name_or_id } => {
            let path = format!("/tokens/{}", percent_encode(name_or_id));
            let record = remote.tokens("DELETE", &path, None)?;
            match out.format {
                Format::Json => out.json(&record)?,
                Format::Text => out.line(&format!(
                    "Revoked token {} of {} ({}); it no longer works.",
                    record["id"].as_str().unwrap_or_default(),
                    record["name"].as_str().unwrap_or_default(),
                    record["role"].as_str().unwrap_or_default()
                ))?,
            }
        }
    }
    Ok(())
}

/// Percent-encodes a path segment (everything but unreserved characters).
fn percent_encode(segment: &str) -> String {
    segment
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}
