//! The `wsoa` command: argument parsing, reading files, printing and exit codes. Every rule lives
//! in `wsoa-core` and every byte on disk in `wsoa-store`; this binary only connects them.

mod evidence;
mod output;
mod read;
mod record;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use wsoa_core::{Actor, Date, Role};
use wsoa_store::{Context, Ledger, StoreError};

use crate::output::Format;

/// Exit code for a ledger that does not verify, or a failure of the machine.
const EXIT_FAILED: u8 = 1;
/// Exit code for a command that was wrong: bad usage, bad input, a broken rule.
const EXIT_INPUT: u8 = 2;

/// Record a local area's Written Statement of Action as a tamper-evident history, and prove it.
#[derive(Parser, Debug)]
#[command(
    name = "wsoa",
    version,
    about,
    after_help = "Example:\n  wsoa --data ./northshire init --area \"Northshire local area\" --partner \"Northshire County Council\"\n  wsoa --data ./northshire weakness add W1 --title \"Quality assurance\" --on 2021-03-12\n  wsoa --data ./northshire verify"
)]
pub struct Cli {
    /// The ledger's directory.
    #[arg(long, global = true, env = "WSOA_DATA", default_value = "./wsoa-data")]
    data: PathBuf,
    /// Who is recording (defaults to the operating-system user).
    #[arg(long, global = true, env = "WSOA_ACTOR")]
    actor: Option<String>,
    /// How to print results.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(subcommand)]
    command: Commands,
}

#[derive(Subcommand, Debug)]
enum Commands {
    #[command(flatten)]
    Record(record::RecordCommand),
    /// Attach, retrieve or redact evidence files.
    #[command(subcommand)]
    Evidence(evidence::EvidenceCommand),
    /// Print the raw events, with their canonical bytes and hashes.
    #[command(
        after_help = "Example:\n  wsoa log --from 10 --to 20\n  wsoa log --format json > events.jsonl"
    )]
    Log(read::LogArgs),
    /// Check that the history is whole and unaltered; exits 1 naming the first bad event if not.
    #[command(after_help = "Example:\n  wsoa --data ./northshire verify")]
    Verify,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            let _ = writeln!(std::io::stderr(), "wsoa: error: {err:#}");
            ExitCode::from(exit_code_for(&err))
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Input errors (a broken rule, an unknown id, a missing file, a ledger in use) exit 2; a damaged
/// ledger or a failing machine exits 1.
fn exit_code_for(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if let Some(store) = cause.downcast_ref::<StoreError>() {
            return match store {
                StoreError::Rejected(_)
                | StoreError::InUse { .. }
                | StoreError::NoLedger { .. }
                | StoreError::UnsupportedFormat { .. }
                | StoreError::BlobMissing(_)
                | StoreError::ContentChanged { .. } => EXIT_INPUT,
                StoreError::Corrupt { .. }
                | StoreError::Damaged(_)
                | StoreError::BlobAltered { .. }
                | StoreError::Io { .. }
                | StoreError::Database(_) => EXIT_FAILED,
            };
        }
    }
    EXIT_INPUT
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let out = output::Printer::new(cli.format);
    match cli.command {
        Commands::Record(command) => {
            let mut ledger = open_for(&cli.data, command.creates_ledger())?;
            let context = context(cli.actor, command.on())?;
            let appended = command.execute(&mut ledger, &context)?;
            out.recorded(&appended)?;
        }
        Commands::Evidence(command) => {
            let mut ledger = Ledger::open(&cli.data)?;
            command.run(&mut ledger, cli.actor, &out)?;
        }
        Commands::Log(args) => {
            let ledger = Ledger::open(&cli.data)?;
            read::log(&ledger, &args, &out)?;
        }
        Commands::Verify => {
            let ledger = Ledger::open(&cli.data)?;
            return read::verify(&ledger, &out);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn open_for(dir: &std::path::Path, create: bool) -> Result<Ledger, StoreError> {
    if create {
        Ledger::create(dir)
    } else {
        Ledger::open(dir)
    }
}

/// The recording context: the actor from `--actor` or the OS user, the business date from `--on`
/// (default today), and the clock.
fn context(actor: Option<String>, on: Option<Date>) -> anyhow::Result<Context> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .context("the system clock is set before 1970")?;
    let recorded_at = i64::try_from(now.as_millis()).context("the system clock is out of range")?;
    let today = Date::from_unix_millis(recorded_at)
        .context("the system clock is outside the years this program supports")?;
    let name = actor
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .filter(|name| !name.trim().is_empty())
        .context("no actor: give --actor NAME or set WSOA_ACTOR")?;
    Ok(Context {
        actor: Actor {
            name,
            role: Role::Officer,
        },
        occurred_on: on.unwrap_or(today),
        recorded_at,
    })
}
