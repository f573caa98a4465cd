//! `wsoa import tracker FILE`: reads a council's spreadsheet tracker (XLSX, XLSM, XLSB, XLS and
//! ODS through calamine; CSV through the csv crate) into rows of cells, has
//! `wsoa_tracker` plan the events that make the ledger match it, prints the plan with every
//! problem row by row, and records it all or nothing. The reading of headings, dates and words,
//! and every rule, live in the core; this file only reads the file and prints.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use calamine::{Data, Reader, Sheets};
use clap::{Args, Subcommand};
use serde_json::{Value, json};
use wsoa_core::decide::When;
use wsoa_core::plan::Plan;
use wsoa_core::text::terminal_line;
use wsoa_core::{Date, State};
use wsoa_store::{Appended, Ledger};
use wsoa_tracker::{self as tracker, Cell, ColumnMap, ImportOptions, ImportPlan, Sheet};

use crate::output::{Format, Printer};

/// What `wsoa import` can bring into an existing ledger (a bundle restores a new one).
#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Import a spreadsheet tracker (.xlsx, .xls, .ods or .csv) into this ledger, recording
    /// only what it changes.
    ///
    /// Each row becomes the events that would have produced it: its area of weakness and
    /// workstream (if new), the action, its status and RAG, and the latest update as a note.
    /// Against a ledger that already holds the tracker, only what changed is recorded (a
    /// deadline moved, an owner changed, a status or RAG moved, a new update), so next month's
    /// tracker can be imported too, and the same file twice records nothing. All rows or none: a
    /// file with problems records nothing, and every problem is listed, row by row.
    ///
    /// The usual headings are recognised in any case and spacing: Ref; Action; Lead or Owner;
    /// Deadline, Timescale or Due; Status; RAG; Success criteria or Measure of impact; Update or
    /// Progress; Workstream; Area of weakness; Sponsor. Title rows above the headings, a second
    /// row of headings under merged cells, blank rows, section headings ("Workstream 2: ...")
    /// and totals rows are passed over. A blank Workstream or Area of weakness cell is the one
    /// above it, as merged cells read. Weaknesses and workstreams are written "W1 Title" or
    /// "Workstream 1: Title" (an id and a title), or by title alone (matched to the ledger's, or
    /// given the next free W<n> or WS<n>). Dates may be Excel dates, 2021-07-15, 15/07/2021,
    /// "15 July 2021" or "July 2021" (the month's last day). Defaults fill in for new actions
    /// and workstreams only; what the ledger holds is changed only by what the file says.
    #[command(
        after_help = "Example:\n  wsoa import tracker tracker-sept.xlsx --default-sponsor \"Director of Education\" --dry-run\n  wsoa import tracker tracker-sept.xlsx --default-sponsor \"Director of Education\" --on 2021-09-30\n  wsoa import tracker tracker-oct.csv --map \"Lead person=owner\" --map H=ignore --on 2021-10-31"
    )]
    Tracker(TrackerArgs),
}

/// The options of `wsoa import tracker`.
#[derive(Args, Debug)]
pub struct TrackerArgs {
    /// The tracker: .xlsx, .xlsm, .xlsb, .xls, .ods or .csv.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The worksheet to read; without it, the workbook's first sheet that has a row of headings.
    #[arg(long, value_name = "NAME")]
    sheet: Option<String>,
    /// What a column holds when its heading is not a usual one: the heading as written (or the
    /// column letter) = ref, action, owner, due, revised, status, rag, success, update,
    /// workstream, weakness, sponsor, or ignore to leave it out. Repeat for each column.
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    maps: Vec<ColumnMap>,
    /// Print what would be recorded and every problem, row by row, and record nothing (exits 2
    /// if there are problems).
    #[arg(long)]
    dry_run: bool,
    /// The owner of a new action whose owner cell is blank (or when there is no owner column).
    #[arg(long, value_name = "NAME")]
    default_owner: Option<String>,
    /// The deadline of a new action whose deadline cell is blank or not a date ("Autumn 2021");
    /// without it, such an action waits, with a notice, and the rest of the file is recorded.
    #[arg(long, value_name = "DATE")]
    default_due: Option<Date>,
    /// The sponsor of a new workstream when the file has no Sponsor column; without it, the
    /// sponsor is recorded as "Not recorded", a gap to close.
    #[arg(long, value_name = "NAME")]
    default_sponsor: Option<String>,
    /// The workstream of new actions with none ("WS1" if it exists, "WS1 Title" to create it).
    #[arg(long, value_name = "WORKSTREAM")]
    default_workstream: Option<String>,
    /// The area of weakness of new workstreams with none ("W1", or "W1 Title" to create it).
    #[arg(long, value_name = "WEAKNESS")]
    default_weakness: Option<String>,
    /// Why things changed, for the amendments' reasons (the file and row are always named).
    #[arg(long, value_name = "TEXT")]
    reason: Option<String>,
    /// The date the tracker shows the plan as it stood ("position at"): the date of every event
    /// recorded (2021-07-15 or 15/07/2021); today if not given.
    #[arg(long, value_name = "DATE")]
    on: Option<Date>,
}

/// Runs an import into the ledger in `data`.
pub fn run(
    command: ImportCommand,
    data: &Path,
    actor: Option<String>,
    out: &Printer,
) -> anyhow::Result<ExitCode> {
    match command {
        ImportCommand::Tracker(args) => import_tracker(data, &args, actor, out, None),
    }
}

/// Runs an import through a server: the plan is made against a verified replica of its
/// ledger, and recorded with one all-or-nothing batch.
pub fn run_remote(
    command: ImportCommand,
    remote: &crate::remote::Remote,
    out: &Printer,
) -> anyhow::Result<ExitCode> {
    let (_guard, dir) = remote.events_replica()?.into_dir();
    match command {
        ImportCommand::Tracker(args) => {
            // The actor is the server's to set (the token's holder); any name works here.
            import_tracker(&dir, &args, Some("server".to_owned()), out, Some(remote))
        }
    }
}

fn import_tracker(
    data: &Path,
    args: &TrackerArgs,
    actor: Option<String>,
    out: &Printer,
    remote: Option<&crate::remote::Remote>,
) -> anyhow::Result<ExitCode> {
    let context = crate::context(actor, args.on)?;
    let today = crate::uk_day(context.recorded_at)?;
    let (sheet, sheet_name) = read_sheet(&args.file, args.sheet.as_deref(), &args.maps)?;
    let mut ledger = Ledger::open(data)?;
    let mut plan = Plan::default();
    let mut state = State::default();
    for stored in ledger.events(0, None) {
        let stored = stored?;
        plan.apply(&stored.event);
        state.apply(&stored.event);
    }
    let source = args.file.file_name().map_or_else(
        || args.file.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    let options = ImportOptions {
        source: source.clone(),
        maps: args.maps.clone(),
        default_owner: args.default_owner.clone(),
        default_due: args.default_due,
        default_sponsor: args.default_sponsor.clone(),
        default_workstream: args.default_workstream.clone(),
        default_weakness: args.default_weakness.clone(),
        reason: args.reason.clone(),
    };
    let when = When {
        occurred_on: context.occurred_on,
        today,
    };
    let planned = tracker::plan_import(&plan, &state, &sheet, &options, when);
    let report = Report {
        source: &source,
        sheet: sheet_name.as_deref(),
        planned: &planned,
        dry_run: args.dry_run,
    };
    let problems = planned.problems.len();
    if args.dry_run {
        report.print(out, None)?;
        return Ok(if problems == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(crate::EXIT_INPUT)
        });
    }
    if problems > 0 {
        match out.format {
            Format::Json => report.print(out, None)?,
            Format::Text => report.print_problems()?,
        }
        bail!(
            "{source} has {} (listed above), so nothing was recorded; fix the file or give the options the messages name, and check with --dry-run",
            counted(problems, "problem", "problems")
        );
    }
    if let Some(remote) = remote {
        drop(ledger);
        let commands: Vec<_> = planned
            .steps
            .iter()
            .map(|step| step.command.clone())
            .collect();
        let appended = remote.record_all(&commands, args.on)?;
        report.print(out, Some(&appended))?;
        return Ok(ExitCode::SUCCESS);
    }
    let items = planned
        .steps
        .iter()
        .map(|step| (step.command.clone(), context.clone()));
    let appended = ledger.execute_all(items).map_err(|(index, err)| {
        let at = planned.steps.get(index).map_or_else(String::new, |step| {
            let row = step.row.map(|r| format!("row {r}: ")).unwrap_or_default();
            format!("{row}{}", step.summary)
        });
        anyhow::Error::new(err).context(format!("{at}; nothing was recorded"))
    })?;
    report.print(out, Some(&appended))?;
    Ok(ExitCode::SUCCESS)
}

/// "1 problem", "3 problems".
fn counted(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// What an import planned (and, once recorded, the events it appended), for printing.
struct Report<'a> {
    source: &'a str,
    sheet: Option<&'a str>,
    planned: &'a ImportPlan,
    dry_run: bool,
}

impl Report<'_> {
    fn print(&self, out: &Printer, appended: Option<&[Appended]>) -> anyhow::Result<()> {
        match out.format {
            Format::Json => out.json(&self.json(appended)),
            Format::Text => {
                // Headings, sheet names and cell text come from the file as written: escaped,
                // so that a hostile spreadsheet cannot drive the terminal.
                for line in self.text(appended) {
                    out.line(&terminal_line(&line))?;
                }
                Ok(())
            }
        }
    }

    /// The problems alone, on standard error, for an import that records nothing.
    fn print_problems(&self) -> anyhow::Result<()> {
        use std::io::Write;
        let mut stderr = std::io::stderr().lock();
        for problem in &self.planned.problems {
            writeln!(stderr, "{}", terminal_line(&problem.to_string()))?;
        }
        Ok(())
    }

    fn text(&self, appended: Option<&[Appended]>) -> Vec<String> {
        let planned = self.planned;
        let mut lines = Vec::new();
        let sheet = self
            .sheet
            .map(|name| format!(", sheet '{name}'"))
            .unwrap_or_default();
        match planned.header_row {
            Some(row) => {
                lines.push(format!(
                    "Read {}{sheet}: headings on row {row}, {} read as actions.",
                    self.source,
                    counted(planned.action_rows, "row", "rows")
                ));
                let columns: Vec<String> = planned
                    .columns
                    .iter()
                    .filter_map(|c| {
                        c.field
                            .map(|field| format!("{} '{}' = {field}", c.letter, c.heading))
                    })
                    .collect();
                lines.push(format!("Columns: {}.", columns.join(", ")));
            }
            None => lines.push(format!("Read {}{sheet}.", self.source)),
        }
        let steps = &planned.steps;
        let problems = &planned.problems;
        match appended {
            Some(appended) if !appended.is_empty() => {
                let first = appended.first().map_or(0, |a| a.event.seq);
                let last = appended.last().map_or(0, |a| a.event.seq);
                lines.push(format!(
                    "Recorded {} ({first} to {last}), each on {}:",
                    counted(appended.len(), "event", "events"),
                    appended
                        .first()
                        .map_or_else(String::new, |a| a.event.occurred_on.long())
                ));
                for (step, event) in steps.iter().zip(appended) {
                    lines.push(format!("  event {}, {}", event.event.seq, at(step)));
                }
            }
            _ if steps.is_empty() && problems.is_empty() => lines.push(format!(
                "Nothing to record: the ledger already matches {}.",
                self.source
            )),
            _ if steps.is_empty() => {}
            _ => {
                let who = if problems.is_empty() {
                    "Would record"
                } else {
                    "The rows without problems would record"
                };
                lines.push(format!(
                    "{who} {}:",
                    counted(steps.len(), "event", "events")
                ));
                lines.extend(steps.iter().map(|step| format!("  {}", at(step))));
            }
        }
        if !planned.notices.is_empty() {
            lines.push("Notices:".to_owned());
            lines.extend(planned.notices.iter().map(|n| format!("  {n}")));
        }
        if !problems.is_empty() {
            lines.push(format!(
                "{}; nothing can be recorded until they are fixed:",
                counted(problems.len(), "problem", "problems")
            ));
            lines.extend(problems.iter().map(|p| format!("  {p}")));
        }
        if self.dry_run {
            lines.push("Dry run: nothing was recorded.".to_owned());
        }
        if let Some(last) = appended.and_then(<[Appended]>::last) {
            lines.push(format!("The head hash is {}.", last.hash));
        }
        lines
    }

    fn json(&self, appended: Option<&[Appended]>) -> Value {
        let planned = self.planned;
        let findings = |list: &[tracker::Finding]| -> Vec<Value> {
            list.iter()
                .map(|f| json!({ "row": f.row, "message": f.message }))
                .collect()
        };
        let steps: Vec<Value> = planned
            .steps
            .iter()
            .enumerate()
            .map(|(index, step)| {
                let mut value = json!({
                    "row": step.row,
                    "kind": step.kind(),
                    "id": step.id(),
                    "summary": step.summary,
                });
                if let Some(event) = appended.and_then(|a| a.get(index)) {
                    value["seq"] = json!(event.event.seq);
                    value["hash"] = json!(event.hash.to_hex());
                }
                value
            })
            .collect();
        json!({
            "file": self.source,
            "sheet": self.sheet,
            "header_row": planned.header_row,
            "action_rows": planned.action_rows,
            "columns": planned.columns.iter().map(|c| json!({
                "column": c.letter,
                "heading": c.heading,
                "field": c.field.map(|f| f.as_str()),
            })).collect::<Vec<_>>(),
            "dry_run": self.dry_run,
            "recorded": appended.map_or(0, <[Appended]>::len),
            "head": appended.and_then(<[Appended]>::last).map(|a| a.hash.to_hex()),
            "steps": steps,
            "problems": findings(&planned.problems),
            "notices": findings(&planned.notices),
        })
    }
}

/// "row 5: new action 1.1 ..." (a step from an option has no row).
fn at(step: &tracker::Step) -> String {
    match step.row {
        Some(row) => format!("row {row}: {}", step.summary),
        None => step.summary.clone(),
    }
}

/// The kinds of file a tracker can be.
enum Kind {
    Csv,
    Workbook,
}

fn kind_of(path: &Path) -> anyhow::Result<Kind> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "csv" | "txt" | "tsv" => Ok(Kind::Csv),
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => Ok(Kind::Workbook),
        _ => bail!(
            "cannot tell what kind of file {} is from its name: give a .xlsx, .xlsm, .xlsb, .xls, .ods or .csv file",
            path.display()
        ),
    }
}

/// Reads the tracker's sheet, and the sheet's name for a workbook.
fn read_sheet(
    path: &Path,
    sheet: Option<&str>,
    maps: &[ColumnMap],
) -> anyhow::Result<(Sheet, Option<String>)> {
    match kind_of(path)? {
        Kind::Csv => {
            if let Some(name) = sheet {
                bail!(
                    "--sheet '{name}': {} is a CSV file, which has one sheet; leave --sheet out",
                    path.display()
                );
            }
            Ok((read_csv(path)?, None))
        }
        Kind::Workbook => {
            let (sheet, name) = read_workbook(path, sheet, maps)?;
            Ok((sheet, Some(name)))
        }
    }
}

/// Reads a CSV file: UTF-8 (with or without Excel's byte-order mark) or, failing that,
/// Windows-1252 (what Excel's plain "CSV (Comma delimited)" writes); comma, semicolon or tab
/// separated, whichever the first line uses most.
fn read_csv(path: &Path) -> anyhow::Result<Sheet> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|&b| windows_1252(b)).collect(),
    };
    let first_line = text
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("");
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first_line.bytes().filter(|b| b == d).count())
        .filter(|d| first_line.as_bytes().contains(d))
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.with_context(|| {
            format!(
                "{} is not readable as CSV at record {}",
                path.display(),
                index + 1
            )
        })?;
        rows.push(record.iter().map(str::to_owned).collect::<Vec<_>>());
    }
    Ok(Sheet::from_text(rows))
}

/// A byte of Windows-1252 as a character (its 0x80 to 0x9F differ from Latin-1: curly quotes,
/// dashes, the euro sign).
fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9F => HIGH[usize::from(byte - 0x80)],
        other => char::from(other),
    }
}

/// Reads the chosen sheet of a workbook (or the first with a row of headings), with merged
/// cells filled from their top-left cell, as a person reads them.
fn read_workbook(
    path: &Path,
    wanted: Option<&str>,
    maps: &[ColumnMap],
) -> anyhow::Result<(Sheet, String)> {
    let mut workbook = calamine::open_workbook_auto(path)
        .with_context(|| format!("cannot read {} as a workbook", path.display()))?;
    let names = workbook.sheet_names();
    let candidates: Vec<String> = match wanted {
        Some(name) => {
            let found = names
                .iter()
                .find(|n| n.as_str() == name)
                .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(name.trim())));
            match found {
                Some(found) => vec![found.clone()],
                None => bail!(
                    "there is no sheet '{name}' in {}; its sheets are {}",
                    path.display(),
                    quoted(&names)
                ),
            }
        }
        None => names.clone(),
    };
    let mut first = None;
    for name in candidates {
        let sheet = sheet_of(&mut workbook, &name)
            .with_context(|| format!("cannot read the sheet '{name}' of {}", path.display()))?;
        if wanted.is_some() || tracker::has_headings(&sheet, maps) {
            return Ok((sheet, name));
        }
        first.get_or_insert((sheet, name));
    }
    // No sheet has headings: the first one is read, so that its problems are the ones shown.
    first.ok_or_else(|| anyhow::anyhow!("{} has no sheets", path.display()))
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One sheet as rows of cells from row 1 and column A, so that row numbers in messages are the
/// ones Excel shows.
fn sheet_of<RS: std::io::Read + std::io::Seek>(
    workbook: &mut Sheets<RS>,
    name: &str,
) -> anyhow::Result<Sheet> {
    let range = workbook.worksheet_range(name)?;
    let merged = match workbook {
        Sheets::Xlsx(xlsx) => xlsx.merge_cells_by_sheet_name(name).unwrap_or_default(),
        Sheets::Xls(xls) => xls.merge_cells_by_sheet_name(name).unwrap_or_default(),
        Sheets::Xlsb(_) | Sheets::Ods(_) => Vec::new(),
    };
    let Some((top, left)) = range.start() else {
        return Ok(Sheet::default());
    };
    let (top, left) = (usize::try_from(top)?, usize::try_from(left)?);
    let mut rows: Vec<Vec<Cell>> = vec![Vec::new(); top];
    for row in range.rows() {
        let mut cells = vec![Cell::Empty; left];
        cells.extend(row.iter().map(cell_of));
        rows.push(cells);
    }
    for region in merged {
        let (r0, c0) = (region.start.0 as usize, region.start.1 as usize);
        let value = rows.get(r0).and_then(|row| row.get(c0)).cloned();
        let Some(value) = value.filter(|v| *v != Cell::Empty) else {
            continue;
        };
        for r in r0..=region.end.0 as usize {
            for c in c0..=region.end.1 as usize {
                if let Some(cell) = rows.get_mut(r).and_then(|row| row.get_mut(c))
                    && *cell == Cell::Empty
                {
                    *cell = value.clone();
                }
            }
        }
    }
    Ok(Sheet { rows })
}

/// A calamine cell as a core cell: dates formatted as dates become dates (1900 and 1904 date
/// systems alike); other numbers stay numbers, which the core reads as serial dates where a
/// deadline is expected.
fn cell_of(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => {
            Cell::Text(text.clone())
        }
        Data::Float(number) => Cell::Number(*number),
        // Whole numbers from a spreadsheet are far below 2^53, so they convert exactly.
        #[allow(clippy::cast_precision_loss)]
        Data::Int(number) => Cell::Number(*number as f64),
        Data::Bool(value) => Cell::Text(if *value { "TRUE" } else { "FALSE" }.to_owned()),
        Data::DateTime(datetime) if datetime.is_datetime() => {
            let (year, month, day, ..) = datetime.to_ymd_hms_milli();
            Date::new(year, month, day).map_or(Cell::Number(datetime.as_f64()), Cell::Date)
        }
        Data::DateTime(datetime) => Cell::Number(datetime.as_f64()),
        Data::Error(error) => Cell::Text(error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sheet: &Sheet) -> Vec<Vec<String>> {
        sheet
            .rows
            .iter()
            .map(|row| row.iter().map(Cell::text).collect())
            .collect()
    }

    #[test]
    fn csv_from_excel_is_read_in_its_encoding_and_separator() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        // Excel's "CSV UTF-8": a byte-order mark, commas, a quoted line break.
        let utf8 = dir.path().join("utf8.csv");
        std::fs::write(
            &utf8,
            "\u{feff}Ref,Action\n1.1,\"Agree the framework\nand audit\"\n".as_bytes(),
        )
        .expect("writes");
        assert_eq!(
            texts(&read_csv(&utf8).expect("reads")),
            [
                vec!["Ref", "Action"],
                vec!["1.1", "Agree the framework\nand audit"]
            ]
        );
        // Excel's plain CSV in a locale with decimal commas: Windows-1252 and semicolons.
        let legacy = dir.path().join("legacy.csv");
        let mut bytes =
            b"Ref;Action;Lead\n1.1;Parents\x92 charter \x96 draft;Head of SEND\n".to_vec();
        bytes.extend_from_slice(b"1.2;Budget \xa3500;Head of SEND\n");
        std::fs::write(&legacy, bytes).expect("writes");
        assert_eq!(
            texts(&read_csv(&legacy).expect("reads")),
            [
                vec!["Ref", "Action", "Lead"],
                vec![
                    "1.1",
                    "Parents\u{2019} charter \u{2013} draft",
                    "Head of SEND"
                ],
                vec!["1.2", "Budget £500", "Head of SEND"],
            ]
        );
    }

    #[test]
    fn files_are_told_apart_by_their_names() {
        assert!(matches!(kind_of(Path::new("t.CSV")), Ok(Kind::Csv)));
        assert!(matches!(kind_of(Path::new("t.xlsx")), Ok(Kind::Workbook)));
        assert!(matches!(kind_of(Path::new("t.ods")), Ok(Kind::Workbook)));
        let err = kind_of(Path::new("t.pdf"))
            .map(|_| ())
            .expect_err("refused");
        assert!(err.to_string().contains("give a .xlsx"), "{err}");
    }
}
