//! The `wsoa` command: argument parsing, reading files, printing and exit codes. Every rule lives
//! in `wsoa-core` and every byte on disk in `wsoa-store`; this binary only connects them.

mod audit;
mod bundle;
mod demo;
mod diff;
mod evidence;
mod hints;
mod import;
mod narrative;
mod output;
mod pack;
mod point;
mod progress;
mod projections;
mod read;
mod record;
mod remote;
mod serve;
mod show;
mod timeline;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use clap::{CommandFactory as _, FromArgMatches as _, Parser, Subcommand};
use wsoa_core::{Actor, Date, Role};
use wsoa_store::{Context, Ledger, StoreError};

use crate::output::OutputFormat;

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
    /// Work through a running `wsoa serve` at this address instead of on --data: every command
    /// records and reads through its API, with the same output.
    #[arg(long, global = true, env = "WSOA_SERVER", value_name = "URL")]
    server: Option<String>,
    /// The bearer token to use with --server (from `wsoa token create`).
    #[arg(
        long,
        global = true,
        env = "WSOA_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    token: Option<String>,
    /// How to print results.
    #[arg(long, global = true, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
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
    /// Check that the history is whole and unaltered, and (with --checkpoint) that it still
    /// extends a signed checkpoint; exits 1 naming the first bad event if not.
    #[command(
        after_help = "Example:\n  wsoa --data ./northshire verify\n  wsoa verify northshire.wsoa\n  wsoa verify --checkpoint visit-3.checkpoint --trust \"$(cat board.vkey)\""
    )]
    Verify(read::VerifyArgs),
    /// Write the whole ledger (events, evidence content, checkpoints) to one bundle file that
    /// anyone can verify offline with `wsoa verify FILE`.
    #[command(
        after_help = "Example:\n  wsoa --data ./northshire export --out northshire.wsoa\n  wsoa verify northshire.wsoa --checkpoint visit-3.checkpoint --trust \"$(cat board.vkey)\""
    )]
    Export(bundle::ExportArgs),
    /// Write the evidence pack sent before a review or visit (the ledger as known at the end of
    /// --as-of, as a bundle anyone can verify offline) and record that it was sent, with its
    /// hash, so that what the adviser was shown can be proven later.
    #[command(
        after_help = "Example:\n  wsoa pack --for \"APP six-month review\" --to \"DfE SEND adviser\" --as-of 2024-03-31 --out app-review-2024-03.wsoa\n  wsoa verify app-review-2024-03.wsoa\n  wsoa timeline --kind pack"
    )]
    Pack(pack::PackArgs),
    /// Restore a ledger from a bundle into a new directory, verifying it on the way; or, with
    /// `tracker`, import a spreadsheet tracker into this ledger.
    #[command(
        after_help = "Example:\n  wsoa import northshire.wsoa --data ./northshire-restored\n  wsoa --data ./northshire-restored verify\n  wsoa import tracker northshire-tracker-2021-10.xlsx --dry-run"
    )]
    Import(bundle::ImportArgs),
    /// Manage Ed25519 signing keys for checkpoints.
    #[command(subcommand)]
    Key(audit::KeyCommand),
    /// Sign a checkpoint of the ledger (C2SP tlog-checkpoint in a signed note) and keep it.
    #[command(
        after_help = "Example:\n  wsoa checkpoint --key board.key > visit-3.checkpoint\n  wsoa checkpoint --key board.key --size 120"
    )]
    Checkpoint(audit::CheckpointArgs),
    /// Add a second signature to a checkpoint (a DfE or NHS England adviser, a partner), after
    /// checking the log's signature and, with --previous, that the ledger extends the last one.
    #[command(
        after_help = "Example:\n  wsoa cosign visit-3.checkpoint --key adviser.key --trust \"$(cat board.vkey)\" --previous visit-2.checkpoint > visit-3.cosigned"
    )]
    Cosign(audit::CosignArgs),
    /// Print an inclusion proof of one event, or a consistency proof between two sizes.
    #[command(
        after_help = "Example:\n  wsoa prove 41 --format json > event-41.proof\n  wsoa prove --from 120 --to 173 --format json > growth.proof"
    )]
    Prove(audit::ProveArgs),
    /// Check a proof against a signed checkpoint, without the ledger.
    #[command(
        after_help = "Example:\n  wsoa check-proof event-41.proof --checkpoint visit-3.checkpoint --trust \"$(cat board.vkey)\""
    )]
    CheckProof(audit::CheckProofArgs),
    /// Build a realistic demo ledger of a fictional local area, verify it, and show how to explore it.
    #[command(
        after_help = "Example:\n  wsoa --data ./demo demo\n  wsoa --data ./demo-2023 demo --framework 2023\n  wsoa --data ./demo-region demo --events 1000000"
    )]
    Demo(demo::DemoArgs),
    /// Show the plan: each weakness, its workstreams and actions, measures and risks, now or at
    /// any point in time.
    #[command(
        after_help = "Example:\n  wsoa show\n  wsoa show --as-of 2021-11-18\n  wsoa show --point visit:last --format csv > tracker.csv\n  wsoa show --as-of 2022-02-03 --format xlsx --out board-tracker.xlsx"
    )]
    Show(show::ShowArgs),
    /// Write the impact narrative for the revisit, weakness by weakness, citing the events it
    /// rests on.
    #[command(
        after_help = "Example:\n  wsoa narrative --format html --out narrative.html\n  wsoa narrative --as-of 2022-09-01\n  wsoa narrative --format docx --out narrative.docx\n  wsoa narrative --format pdf --out narrative.pdf"
    )]
    Narrative(narrative::NarrativeArgs),
    /// The history as people read it: a line per event with both of its dates, who recorded
    /// it and what happened; entries recorded long after the event are flagged LATE.
    #[command(
        after_help = "Example:\n  wsoa timeline --about WS1 --since 2021-09-01\n  wsoa timeline --kind action_status_changed --late-after 7\n  wsoa timeline --by Patel --as-of 2021-11-18 --format json"
    )]
    Timeline(timeline::TimelineArgs),
    /// What changed between two points in time, such as since the last monitoring visit: actions
    /// added, completed and re-dated, RAG movements, evidence, measures, feedback and risks.
    #[command(
        after_help = "Example:\n  wsoa diff --from visit:last\n  wsoa diff --from 2021-11-18 --to 2022-03-01\n  wsoa diff --from seq:40 --to visit:2 --format json"
    )]
    Diff(diff::DiffArgs),
    /// Serve the ledger over HTTP to a partnership: a JSON API with bearer tokens and roles,
    /// one writer that commits concurrent changes together. Stops cleanly on Ctrl-C or SIGTERM.
    #[command(
        after_help = "Example:\n  wsoa --data ./northshire token create --name \"A. Patel\" --role admin\n  wsoa --data ./northshire serve --addr 127.0.0.1:8080\n  curl -H \"Authorization: Bearer $TOKEN\" http://127.0.0.1:8080/api/v1/plan"
    )]
    Serve(serve::ServeArgs),
    /// Create, list and revoke the access tokens of `wsoa serve` (offline, on the data directory).
    #[command(subcommand)]
    Token(serve::TokenCommand),
    /// Check or rebuild the kept projections (plan snapshots derived from the events, never
    /// hashed) that make reads at a point in time fast.
    #[command(
        subcommand,
        after_help = "Example:\n  wsoa --data ./northshire projections rebuild\n  wsoa --data ./northshire projections check"
    )]
    Projections(projections::ProjectionsCommand),
}

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let path = hints::command_path(&matches);
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(err) => err.exit(),
    };
    wsoa_store::report_recoveries_with(|recovery| {
        let _ = writeln!(std::io::stderr(), "wsoa: recovered {recovery}");
    });
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            let _ = writeln!(std::io::stderr(), "wsoa: error: {err:#}");
            if let Some(hint) = hints::for_error(&err, &path) {
                let _ = writeln!(std::io::stderr(), "wsoa: hint: {hint}");
            }
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

/// Input errors (a broken rule, an unknown id, a missing file, a ledger in use) and a full or
/// read-only disk (nothing was recorded; free space and run the command again) exit 2; a damaged
/// ledger or a failing machine exits 1.
fn exit_code_for(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if cause.downcast_ref::<audit::DoesNotVerify>().is_some() {
            return EXIT_FAILED;
        }
        if let Some(remote) = cause.downcast_ref::<remote::RemoteError>() {
            return remote::exit_code(remote);
        }
        if let Some(store) = cause.downcast_ref::<StoreError>() {
            return match store {
                StoreError::Rejected(_)
                | StoreError::Proof(_)
                | StoreError::InUse { .. }
                | StoreError::NoLedger { .. }
                | StoreError::UnsupportedFormat { .. }
                | StoreError::BlobMissing(_)
                | StoreError::ContentChanged { .. }
                | StoreError::Query(_)
                | StoreError::BadTokenName(_)
                | StoreError::TokenExists(_)
                | StoreError::NoSuchToken(_)
                | StoreError::IdempotencyKeyReused
                | StoreError::NotEmpty(_)
                | StoreError::DiskFull(_)
                | StoreError::ReadOnly(_)
                | StoreError::WritesStopped(_) => EXIT_INPUT,
                StoreError::Corrupt { .. }
                | StoreError::Damaged(_)
                | StoreError::Unopenable { .. }
                | StoreError::BlobAltered { .. }
                | StoreError::Excerpt(_)
                | StoreError::ClockBehind { .. }
                | StoreError::Io { .. }
                | StoreError::ClockOutOfRange(_)
                | StoreError::BadSource(_)
                | StoreError::NotRecorded(_)
                | StoreError::Internal(_)
                | StoreError::Database(_) => EXIT_FAILED,
            };
        }
    }
    EXIT_INPUT
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let out = output::Printer::new(cli.format);
    let name = match &cli.command {
        Commands::Show(_) => "show",
        Commands::Narrative(_) => "narrative",
        _ => "",
    };
    output::check_format(cli.format, name)?;
    if let Some(url) = cli.server.clone() {
        return remote::run(cli, &url, &out);
    }
    match cli.command {
        Commands::Record(command) => {
            let context = context(cli.actor, command.on())?;
            let appended = if command.creates_ledger() {
                vec![Ledger::init(&cli.data, &command.into_command(), &context)?.1]
            } else {
                command.execute(&mut Ledger::open(&cli.data)?, &context)?
            };
            for appended in &appended {
                out.recorded(appended)?;
            }
        }
        Commands::Evidence(command) => {
            let mut ledger = Ledger::open(&cli.data)?;
            command.run(&mut ledger, cli.actor, &out)?;
        }
        Commands::Log(args) => {
            let ledger = Ledger::open(&cli.data)?;
            read::log(&ledger, &args, &out)?;
        }
        Commands::Verify(args) => {
            if let Some(path) = &args.bundle {
                let packs = bundle::packs_sent(&cli.data)?;
                return bundle::verify(path, &args, packs.as_ref(), &out);
            }
            let ledger = Ledger::open_for_walk(&cli.data)?;
            return read::verify(&ledger, &args, &out);
        }
        Commands::Export(args) => bundle::export(&Ledger::open_for_walk(&cli.data)?, &args, &out)?,
        Commands::Pack(args) => {
            let context = context(cli.actor, args.on())?;
            pack::run(&cli.data, &args, &context, &out)?;
        }
        Commands::Import(mut args) => match args.what.take() {
            Some(command) => return import::run(command, &cli.data, cli.actor, &out),
            None => bundle::import(&cli.data, &args, &out)?,
        },
        Commands::Key(command) => audit::key(command, &out)?,
        Commands::Checkpoint(args) => {
            audit::checkpoint(&mut Ledger::open(&cli.data)?, &args, cli.actor, &out)?;
        }
        Commands::Cosign(args) => {
            // Without a ledger the checkpoint is cosigned on its signature alone; a ledger that
            // is there but cannot be opened is an error, never a reason to skip its checks.
            let ledger = match Ledger::open(&cli.data) {
                Ok(ledger) => Some(ledger),
                Err(StoreError::NoLedger { .. }) => None,
                Err(err) => return Err(err.into()),
            };
            audit::cosign(ledger.as_ref(), &args, &out)?;
        }
        Commands::Prove(args) => audit::prove(&Ledger::open(&cli.data)?, &args, &out)?,
        Commands::CheckProof(args) => audit::check_proof(&args, &out)?,
        Commands::Demo(args) => demo::run(&cli.data, &args, &out)?,
        Commands::Show(args) => show::run(&cli.data, &args, &out)?,
        Commands::Narrative(args) => narrative::run(&cli.data, &args, &out)?,
        Commands::Timeline(args) => timeline::run(&Ledger::open(&cli.data)?, &args, &out)?,
        Commands::Diff(args) => diff::run(&Ledger::open(&cli.data)?, &args, &out)?,
        Commands::Serve(args) => serve::serve(&cli.data, &args)?,
        Commands::Token(command) => serve::token(&cli.data, &command, &out)?,
        Commands::Projections(command) => {
            projections::run(&Ledger::open(&cli.data)?, &command, &out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The system clock, in Unix milliseconds.
fn now_millis() -> anyhow::Result<i64> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .context("the system clock is set before 1970")?;
    i64::try_from(now.as_millis()).context("the system clock is out of range")
}

/// The UK civil date at a moment of the clock.
fn uk_day(millis: i64) -> anyhow::Result<Date> {
    Date::uk_from_unix_millis(millis)
        .context("the system clock is outside the years this program supports")
}

/// The recording context: the actor from `--actor` or the OS user, the business date from `--on`
/// (default today), and the clock.
fn context(actor: Option<String>, on: Option<Date>) -> anyhow::Result<Context> {
    let recorded_at = now_millis()?;
    let today = uk_day(recorded_at)?;
    let name = actor
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .filter(|name| !name.trim().is_empty())
        .context("no actor: give --actor NAME or set WSOA_ACTOR")?;
    wsoa_core::decide::check_actor_name(&name)?;
    Ok(Context {
        actor: Actor {
            name,
            role: Role::Officer,
        },
        occurred_on: on.unwrap_or(today),
        recorded_at,
    })
}
