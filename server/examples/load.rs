//! A load generator for `wsoa serve` on loopback (used by `bench/serve.sh`): writers append
//! notes with `POST /api/v1/commands`, each waiting for its 201 (sent once sled has flushed the
//! event) before the next; readers alternate `GET /api/v1/plan` and `GET /api/v1/timeline`. Every
//! thread has one keep-alive connection and runs until the duration is up (or its request cap is
//! reached).
//!
//! Prints one Markdown table row on stdout: appends per second with the p50/p90/p99/max latency
//! of appends, then reads per second with their latency percentiles; details go to stderr. Any
//! failed request makes it exit 1 after reporting, so that a figure never hides errors.
//!
//! ```text
//! cargo run --release -p wsoa-server --example load -- \
//!     --url http://127.0.0.1:8080 --token TOKEN --writers 8 --readers 64 --seconds 10
//! cargo run --release -p wsoa-server --example load -- --header
//! ```

use std::process::ExitCode;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use serde_json::json;

/// What to run.
struct Options {
    url: String,
    token: String,
    writers: usize,
    readers: usize,
    duration: Duration,
    /// The most requests one thread sends, whatever the duration.
    max_requests: usize,
    /// What the notes are about (an id in the ledger).
    about: String,
}

const USAGE: &str = "usage: load --url http://127.0.0.1:PORT --token TOKEN [--writers N] [--readers N] \
[--seconds S] [--max-requests N] [--about ID]\n       load --header   (prints the table's header)";

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        url: String::new(),
        token: String::new(),
        writers: 1,
        readers: 0,
        duration: Duration::from_secs(10),
        max_requests: 1_000_000,
        about: "W1".to_owned(),
    };
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = || {
            value
                .parse::<usize>()
                .map_err(|_| format!("{flag}: '{value}' is not a whole number"))
        };
        match flag.as_str() {
            "--url" => options.url = value.trim_end_matches('/').to_owned(),
            "--token" => options.token.clone_from(value),
            "--writers" => options.writers = number()?,
            "--readers" => options.readers = number()?,
            "--seconds" => options.duration = Duration::from_secs(number()? as u64),
            "--max-requests" => options.max_requests = number()?,
            "--about" => options.about.clone_from(value),
            other => return Err(format!("unknown option {other}")),
        }
    }
    if options.url.is_empty() || options.token.is_empty() {
        return Err("--url and --token are required".into());
    }
    // Load goes to this machine only.
    let host = options
        .url
        .strip_prefix("http://")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("");
    let loopback =
        host.starts_with("127.") || host.starts_with("localhost:") || host.starts_with("[::1]:");
    if !loopback {
        return Err(format!(
            "--url must be http:// on loopback (127.0.0.0/8, localhost, [::1]), not {}",
            options.url
        ));
    }
    if options.writers + options.readers == 0 {
        return Err("nothing to do: give --writers or --readers".into());
    }
    Ok(options)
}

/// What one thread measured.
#[derive(Default)]
struct Measured {
    /// The latency of each successful request.
    latencies: Vec<Duration>,
    /// Response bytes read (readers).
    bytes: u64,
    /// Failed requests, with the first failure described.
    errors: usize,
    first_error: Option<String>,
    /// When the thread finished.
    finished: Option<Instant>,
}

impl Measured {
    fn error(&mut self, what: String) {
        self.errors += 1;
        self.first_error.get_or_insert(what);
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .new_agent()
}

/// Appends notes until `deadline`; a 201 is the only success.
fn write(
    options: &Options,
    writer: usize,
    start: &Barrier,
    deadline: &dyn Fn() -> Instant,
) -> Measured {
    let agent = agent();
    let url = format!("{}/api/v1/commands", options.url);
    let authorization = format!("Bearer {}", options.token);
    let mut measured = Measured::default();
    start.wait();
    let deadline = deadline();
    for n in 0..options.max_requests {
        if Instant::now() >= deadline {
            break;
        }
        let body = json!({
            "kind": "add_note",
            "about": options.about,
            "text": format!("load writer {writer} note {n}"),
        })
        .to_string();
        let sent = Instant::now();
        match agent
            .post(&url)
            .header("Authorization", &authorization)
            .header("Content-Type", "application/json")
            .send(body.as_str())
        {
            Ok(mut response) => {
                let status = response.status().as_u16();
                let text = response.body_mut().read_to_string().unwrap_or_default();
                if status == 201 {
                    measured.latencies.push(sent.elapsed());
                } else {
                    measured.error(format!("POST /api/v1/commands: {status} {text}"));
                }
            }
            Err(err) => measured.error(format!("POST /api/v1/commands: {err}")),
        }
    }
    measured.finished = Some(Instant::now());
    measured
}

/// Reads the plan and the timeline, alternately, until `deadline`.
fn read(
    options: &Options,
    reader: usize,
    start: &Barrier,
    deadline: &dyn Fn() -> Instant,
) -> Measured {
    let agent = agent();
    let paths = ["/api/v1/plan", "/api/v1/timeline"];
    let authorization = format!("Bearer {}", options.token);
    let mut measured = Measured::default();
    start.wait();
    let deadline = deadline();
    for n in 0..options.max_requests {
        if Instant::now() >= deadline {
            break;
        }
        // Readers start on different endpoints so that both are read throughout.
        let path = paths[(n + reader) % 2];
        let sent = Instant::now();
        match agent
            .get(format!("{}{path}", options.url))
            .header("Authorization", &authorization)
            .call()
        {
            Ok(mut response) => {
                let status = response.status().as_u16();
                // Read the whole body (the timeline can be large) without keeping it.
                let copied =
                    std::io::copy(&mut response.body_mut().as_reader(), &mut std::io::sink());
                match copied {
                    Ok(bytes) if status == 200 => {
                        measured.latencies.push(sent.elapsed());
                        measured.bytes += bytes;
                    }
                    Ok(_) => measured.error(format!("GET {path}: {status}")),
                    Err(err) => measured.error(format!("GET {path}: reading the body: {err}")),
                }
            }
            Err(err) => measured.error(format!("GET {path}: {err}")),
        }
    }
    measured.finished = Some(Instant::now());
    measured
}

/// Throughput and latency percentiles (nearest rank) of a set of requests.
struct Summary {
    count: usize,
    per_second: f64,
    p50: Duration,
    p90: Duration,
    p99: Duration,
    max: Duration,
}

fn summarise(mut latencies: Vec<Duration>, elapsed: Duration) -> Option<Summary> {
    if latencies.is_empty() {
        return None;
    }
    latencies.sort_unstable();
    let rank = |p: f64| {
        let index = ((p / 100.0) * latencies.len() as f64).ceil() as usize;
        latencies[index.clamp(1, latencies.len()) - 1]
    };
    Some(Summary {
        count: latencies.len(),
        per_second: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: rank(50.0),
        p90: rank(90.0),
        p99: rank(99.0),
        max: latencies[latencies.len() - 1],
    })
}

fn ms(duration: Duration) -> String {
    format!("{:.1}", duration.as_secs_f64() * 1000.0)
}

/// The row's cells for a summary: per second, p50, p90, p99, max (ms); dashes if none.
fn cells(summary: &Option<Summary>) -> String {
    match summary {
        Some(s) => format!(
            "{:.0} | {} | {} | {} | {}",
            s.per_second,
            ms(s.p50),
            ms(s.p90),
            ms(s.p99),
            ms(s.max)
        ),
        None => "– | – | – | – | –".to_owned(),
    }
}

const HEADER: &str = "| writers | readers | appends/s | append p50 ms | p90 | p99 | max | reads/s | read p50 ms | p90 | p99 | max |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--header") {
        println!("{HEADER}");
        return ExitCode::SUCCESS;
    }
    let options = match parse(&args) {
        Ok(options) => Arc::new(options),
        Err(err) => {
            eprintln!("load: {err}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let threads = options.writers + options.readers;
    let start = Arc::new(Barrier::new(threads + 1));
    // The clock starts when every thread is ready; each takes the deadline from it.
    let began = Arc::new(std::sync::OnceLock::<Instant>::new());
    let spawn = |index: usize, is_writer: bool| {
        let (options, start, began) = (options.clone(), start.clone(), began.clone());
        std::thread::spawn(move || {
            let deadline = || *began.get_or_init(Instant::now) + options.duration;
            if is_writer {
                (true, write(&options, index, &start, &deadline))
            } else {
                (false, read(&options, index, &start, &deadline))
            }
        })
    };
    let handles: Vec<_> = (0..options.writers)
        .map(|w| spawn(w, true))
        .chain((0..options.readers).map(|r| spawn(r, false)))
        .collect();
    start.wait();
    let began = *began.get_or_init(Instant::now);
    let (mut appends, mut reads) = (Vec::new(), Vec::new());
    let (mut errors, mut first_error, mut bytes) = (0, None, 0);
    let mut finished = began;
    for handle in handles {
        let Ok((is_writer, measured)) = handle.join() else {
            eprintln!("load: a client thread panicked");
            return ExitCode::FAILURE;
        };
        errors += measured.errors;
        if first_error.is_none() {
            first_error = measured.first_error;
        }
        bytes += measured.bytes;
        finished = finished.max(measured.finished.unwrap_or(began));
        if is_writer {
            appends.extend(measured.latencies);
        } else {
            reads.extend(measured.latencies);
        }
    }
    let elapsed = finished.duration_since(began);
    let appended = summarise(appends, elapsed);
    let read = summarise(reads, elapsed);
    eprintln!(
        "load: {} writers, {} readers, {:.1} s: {} appends, {} reads ({:.1} MB read), {errors} errors",
        options.writers,
        options.readers,
        elapsed.as_secs_f64(),
        appended.as_ref().map_or(0, |s| s.count),
        read.as_ref().map_or(0, |s| s.count),
        bytes as f64 / 1e6,
    );
    println!(
        "| {} | {} | {} | {} |",
        options.writers,
        options.readers,
        cells(&appended),
        cells(&read)
    );
    if let Some(first) = first_error {
        eprintln!("load: {errors} requests failed; the first: {first}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
