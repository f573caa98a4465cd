//! `wsoa serve` (the HTTP server on the ledger in --data) and `wsoa token` (access tokens,
//! managed offline on the data directory; the first admin token is made this way).

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;
use wsoa_core::Role;
use wsoa_server::Limits;
use wsoa_store::{Ledger, TokenRecord};

use crate::output::{Format, Printer};

/// How the server logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One readable line per event.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// The options of `wsoa serve`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Where to listen. Port 0 picks a free port (the address is printed).
    #[arg(long, default_value = "127.0.0.1:8080", env = "WSOA_ADDR")]
    addr: SocketAddr,
    /// The largest JSON request body, in bytes.
    #[arg(long, default_value_t = 1024 * 1024)]
    max_body_bytes: usize,
    /// The largest evidence upload, in bytes.
    #[arg(long, default_value_t = 100 * 1024 * 1024)]
    max_upload_bytes: u64,
    /// Seconds a client may take to send a request's headers.
    #[arg(long, default_value_t = 10)]
    header_timeout_secs: u64,
    /// Seconds one request may take.
    #[arg(long, default_value_t = 120)]
    request_timeout_secs: u64,
    /// The most connections held at once; at the cap a new one takes the place of an idle one.
    #[arg(long, default_value_t = 1024)]
    max_connections: usize,
    /// The most connections held at once from one IP address (behind a reverse proxy every
    /// connection comes from the proxy: raise this to --max-connections there).
    #[arg(long, default_value_t = 256)]
    max_connections_per_address: usize,
    /// Seconds shutdown waits for requests in flight.
    #[arg(long, default_value_t = 10)]
    shutdown_grace_secs: u64,
    /// Mark the web pages' session cookie Secure on every response (for a server reached only
    /// over TLS through a proxy that does not send X-Forwarded-Proto: https).
    #[arg(long)]
    secure_cookies: bool,
    /// Log lines as text or JSON (level from RUST_LOG, default info).
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

/// Runs the server until SIGINT or SIGTERM, then shuts down gracefully.
pub fn serve(data: &Path, args: &ServeArgs) -> anyhow::Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match args.log_format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
    wsoa_store::report_recoveries_with(|recovery| {
        tracing::warn!(file = %recovery.path.display(), "recovered on opening the ledger: {}", recovery.action);
    });
    let limits = Limits {
        max_body_bytes: args.max_body_bytes,
        max_upload_bytes: args.max_upload_bytes,
        header_read_timeout: Duration::from_secs(args.header_timeout_secs),
        request_timeout: Duration::from_secs(args.request_timeout_secs),
        max_connections: args.max_connections.max(1),
        max_connections_per_address: args.max_connections_per_address.max(1),
        max_header_bytes: Limits::default().max_header_bytes,
        shutdown_grace: Duration::from_secs(args.shutdown_grace_secs),
        secure_cookies: args.secure_cookies,
    };
    // The ledger is opened (and locked) once, before the address is printed, and handed to the
    // server; the tokens are checked first so that an operator sees at once how to make one.
    let ledger = Ledger::create(data)?;
    let has_tokens = ledger.has_tokens()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("cannot listen on {}", args.addr))?;
        let local = listener.local_addr()?;
        println!(
            "Serving the ledger at {} on http://{local} (web pages at http://{local}/, API under /api/v1, described at /api/v1/openapi.json). Ctrl-C stops it.",
            data.display()
        );
        if !has_tokens {
            println!(
                "No access tokens yet. Stop the server, create the first admin token with\n  wsoa --data {} token create --name \"YOUR NAME\" --role admin\nand start it again; admins then make more tokens with POST /api/v1/tokens or `wsoa token create`.",
                data.display()
            );
        }
        use std::io::Write as _;
        std::io::stdout().flush()?;
        wsoa_server::run(ledger, listener, limits, shutdown_signal()).await?;
        println!("Stopped; every acknowledged change is on disk.");
        Ok(())
    })
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}

/// Access tokens for `wsoa serve`.
#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create a token; its secret is printed once (only its hash is kept).
    #[command(
        after_help = "Example:\n  wsoa --data ./northshire token create --name \"A. Patel\" --role admin\n  wsoa token create --name \"DfE adviser\" --role auditor"
    )]
    Create {
        /// Who will use it; events recorded with it carry this name as their actor.
        #[arg(long)]
        name: String,
        /// viewer and auditor read (auditor also verifies and exports); officer records; admin
        /// does everything and manages tokens.
        #[arg(long)]
        role: Role,
    },
    /// List the tokens (never their secrets).
    #[command(after_help = "Example:\n  wsoa token list\n  wsoa token list --format json")]
    List,
    /// Revoke a token by its name or id; it stops working at once.
    #[command(
        after_help = "Example:\n  wsoa token revoke \"A. Patel\"\n  wsoa token revoke 3f9a0c1d2e4b"
    )]
    Revoke {
        /// The token's name or id (from `wsoa token list`).
        name_or_id: String,
    },
}

fn token_json(record: &TokenRecord) -> serde_json::Value {
    json!({
        "id": record.id,
        "name": record.name,
        "role": record.role.to_string(),
        "created_at": record.created_at,
        "revoked_at": record.revoked_at,
    })
}

/// Runs a token command on the data directory (the ledger is created empty if there is none,
/// so that a server's first admin token can be made before anything is recorded).
pub fn token(data: &Path, command: &TokenCommand, out: &Printer) -> anyhow::Result<()> {
    match command {
        TokenCommand::Create { name, role } => {
            let ledger = Ledger::create(data)?;
            let (secret, record) = ledger.create_token(name, *role, crate::now_millis()?)?;
            match out.format {
                Format::Json => {
                    let mut value = token_json(&record);
                    value["token"] = json!(secret);
                    out.json(&value)?;
                }
                Format::Text => {
                    out.line(&format!(
                        "Created token {} for {} ({}). Its secret, shown only now:",
                        record.id, record.name, record.role
                    ))?;
                    out.line(&secret)?;
                    out.line("Give it to its holder; use it as 'Authorization: Bearer TOKEN', or with --server URL --token TOKEN (or WSOA_TOKEN).")?;
                }
            }
        }
        TokenCommand::List => {
            let ledger = Ledger::open(data)?;
            let tokens = ledger.tokens()?;
            match out.format {
                Format::Json => {
                    for record in &tokens {
                        out.json(&token_json(record))?;
                    }
                }
                Format::Text => {
                    if tokens.is_empty() {
                        out.line("No tokens yet; create one with `wsoa token create --name NAME --role admin`.")?;
                    }
                    for record in &tokens {
                        let state = match record.revoked_at {
                            Some(at) => {
                                format!("revoked {}", wsoa_core::date::format_unix_millis(at))
                            }
                            None => "active".to_owned(),
                        };
                        out.line(&format!(
                            "{}  {:<8}  {:<40}  created {}  {state}",
                            record.id,
                            record.role.to_string(),
                            record.name,
                            wsoa_core::date::format_unix_millis(record.created_at)
                        ))?;
                    }
                }
            }
        }
        TokenCommand::Revoke { name_or_id } => {
            let ledger = Ledger::open(data)?;
            let record = ledger.revoke_token(name_or_id, crate::now_millis()?)?;
            match out.format {
                Format::Json => out.json(&token_json(&record))?,
                Format::Text => out.line(&format!(
                    "Revoked token {} of {} ({}); it no longer works.",
                    record.id, record.name, record.role
                ))?,
            }
        }
    }
    Ok(())
}
