//! `wsoa narrative`: the impact narrative for the revisit, weakness by weakness, as Markdown
//! (`--format md`, the default), as a self-contained HTML page (`--format html`) or as a Word
//! document (`--format docx`, see `docx`) or as a PDF (`--format pdf`: the HTML page printed by
//! headless Chromium, see `pdf`), built from the ledger at any point in time.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::{Args, ValueEnum};
use wsoa_core::narrative::Source;
use wsoa_store::Ledger;

use crate::output::{OutputFormat, Printer, write_file};

use crate::point::At;

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
    /// The same as --format md or --format html (kept for scripts written before --format took
    /// them).
    #[arg(long, value_enum, hide = true)]
    style: Option<Style>,
    /// Write the narrative to this file instead of standard output (needed with --format docx).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Overwrite the file given with --out if it already exists.
    #[arg(long, requires = "out")]
    force: bool,
    #[command(flatten)]
    at: At,
}

/// Builds the narrative at the point asked for from the ledger in `data` and prints it or writes
/// it to `--out`; with `--format docx`, writes it as a Word document (the options are checked
/// before the ledger is opened, so a mistake is reported as such).
pub fn run(data: &Path, args: &NarrativeArgs, out: &Printer) -> anyhow::Result<()> {
    let docx = out.requested == OutputFormat::Docx;
    let pdf = out.requested == OutputFormat::Pdf;
    let asked = match out.requested {
        OutputFormat::Md => Some(Style::Md),
        OutputFormat::Html => Some(Style::Html),
        _ => None,
    };
    if let Some(style) = args.style {
        let word = if style == Style::Html { "html" } else { "md" };
        if docx || pdf {
            bail!(
                "--style {word} cannot be used with --format {}: leave out --style, or give --format md or --format html instead",
                out.requested.name()
            );
        }
        if asked.is_some_and(|asked| asked != style) {
            bail!(
                "--style {word} and --format {} ask for two different formats; give one: --format md, --format html or --format docx",
                out.requested.name()
            );
        }
    }
    let style = asked.or(args.style).unwrap_or_default();
    if out.requested.writes_file() && args.out.is_none() {
        bail!(out.requested.needs_out());
    }
    // Found before the ledger is read, so that a machine without a browser is told at once.
    let browser = if pdf {
        Some(wsoa_papers::pdf::browser()?)
    } else {
        None
    };
    let ledger = Ledger::open(data)?;
    // Judged as `wsoa show` and the tracker workbook judge: now as at today, any other point
    // as at its own day.
    let today = crate::uk_day(crate::now_millis()?)?;
    let (narrative, source) = ledger.narrative_judged_at(args.at.point(), today)?;
    let bytes = if docx {
        wsoa_papers::docx::document(&narrative, &source)?
    } else if let Some(browser) = &browser {
        wsoa_papers::pdf::print(browser, &narrative.to_html())?
    } else {
        match style {
            Style::Md => narrative.to_markdown(),
            Style::Html => narrative.to_html(),
        }
        .into_bytes()
    };
    let what = match out.requested {
        OutputFormat::Docx => " as a Word document",
        OutputFormat::Pdf => " as a PDF",
        _ => "",
    };
    write(args, &bytes, &source, what)
}

/// Prints the narrative, or writes it to `--out`.
fn write(args: &NarrativeArgs, bytes: &[u8], source: &Source, what: &str) -> anyhow::Result<()> {
    match &args.out {
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(bytes)?;
            stdout.flush()?;
        }
        Some(path) => {
            write_file(path, bytes, args.force)?;
            writeln!(
                std::io::stdout().lock(),
                "Wrote the impact narrative{what}, built from {} events (head {}), to {}.",
                source.folded,
                source.head.short(),
                path.display()
            )?;
        }
    }
    Ok(())
}
