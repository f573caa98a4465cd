//! `wsoa narrative`: the impact narrative for the revisit, weakness by weakness, as Markdown or
//! as a self-contained HTML page, built from the ledger at any point in time.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::{Args, ValueEnum};
use wsoa_core::narrative::{EventRecord, Narrative, Source};
use wsoa_core::plan::Plan;
use wsoa_core::point::Point;
use wsoa_core::{Date, Digest};
use wsoa_store::Ledger;

use crate::point::{At, for_each, resolve};

/// How the narrative is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Style {
    /// Markdown, citations as "[events 12, 15]".
    #[default]
    Md,
    /// One self-contained HTML page that prints on A4, citations linked to an appendix.
    Html,
}

/// The options of `wsoa narrative`.
#[derive(Args, Debug)]
pub struct NarrativeArgs {
    /// Markdown or HTML.
    #[arg(long, value_enum, default_value_t = Style::Md)]
    style: Style,
    /// Write the narrative to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Overwrite the file given with --out if it already exists.
    #[arg(long, requires = "out")]
    force: bool,
    #[command(flatten)]
    at: At,
}

/// Builds the narrative at the point asked for and prints it or writes it to `--out`.
pub fn run(ledger: &Ledger, args: &NarrativeArgs) -> anyhow::Result<()> {
    let (narrative, source) = build(ledger, args.at.point())?;
    let text = match args.style {
        Style::Md => narrative.to_markdown(),
        Style::Html => narrative.to_html(),
    };
    write(args, &text, &source)
}

/// The narrative at `point` (unresolved), and the ledger prefix it was built from.
pub fn build(ledger: &Ledger, point: Point) -> anyhow::Result<(Narrative, Source)> {
    let mut point = resolve(ledger, point)?;
    if point == Point::Now {
        // Judge deadlines as at the day the last event was recorded, so that the same events
        // always give the same text.
        let len = ledger.len()?;
        if len == 0 {
            bail!("the ledger has no events yet, so there is nothing to narrate");
        }
        point = Point::Seq(len - 1);
    }
    let mut plan = Plan::default();
    let mut records = Vec::new();
    let mut last: Option<(u64, Digest, i64)> = None;
    for_each(ledger, point, |stored| {
        plan.apply(&stored.event);
        records.push(EventRecord {
            seq: stored.event.seq,
            kind: stored.event.body.kind(),
            hash: stored.hash,
        });
        last = Some((stored.event.seq, stored.hash, stored.event.recorded_at));
        Ok(())
    })?;
    let Some((last_seq, last_hash, last_recorded_at)) = last else {
        bail!("no event belongs to {point}, so there is nothing to narrate");
    };
    let (read, head, as_of) = match point {
        // An "as of" reading skips events that happened later but reads the whole ledger.
        Point::AsOf(day) => {
            let head = ledger.head()?;
            (head.len, head.hash, Some(day))
        }
        _ => (last_seq + 1, last_hash, None),
    };
    let source = Source {
        folded: records.len() as u64,
        read,
        head,
        as_of,
        today: point.today(
            Some(last_recorded_at),
            Date::from_unix_millis(last_recorded_at)
                .context("an event was recorded outside the years this program supports")?,
        ),
    };
    Ok((Narrative::build(&plan, &records, &source), source))
}

/// Prints the narrative, or writes it to `--out`.
fn write(args: &NarrativeArgs, text: &str, source: &Source) -> anyhow::Result<()> {
    match &args.out {
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
        }
        Some(path) => {
            let mut options = std::fs::OpenOptions::new();
            options.write(true);
            if args.force {
                options.create(true).truncate(true);
            } else {
                options.create_new(true);
            }
            let mut file = options.open(path).map_err(|err| {
                if err.kind() == std::io::ErrorKind::AlreadyExists {
                    anyhow::anyhow!(
                        "{} already exists; give --force to overwrite it",
                        path.display()
                    )
                } else {
                    anyhow::Error::new(err).context(format!("cannot write {}", path.display()))
                }
            })?;
            file.write_all(text.as_bytes())
                .and_then(|()| file.sync_all())
                .with_context(|| format!("cannot write {}", path.display()))?;
            writeln!(
                std::io::stdout().lock(),
                "Wrote the impact narrative, built from {} events (head {}), to {}.",
                source.folded,
                source.head.short(),
                path.display()
            )?;
        }
    }
    Ok(())
}
