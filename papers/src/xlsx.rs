//! `wsoa show --format xlsx`: the plan as the tracker workbook a board recognises. Sheet
//! "Tracker" has one row per action, grouped by weakness and workstream (indented group rows
//! with an outline), real Excel dates, RAG cells filled red, amber or green (with the word in
//! the cell, not colour alone) and overdue deadlines marked; "Measures" has each measure's
//! baseline, recorded values and target; "History" has one row per event of the point, in the
//! timeline's words; "Print" has the actions in the seven columns a printed board paper
//! needs, one page wide on A4 landscape. Built from `wsoa_core::show::view` and the timeline; the bytes go to the
//! caller, which writes the file.

use std::collections::BTreeMap;

use anyhow::Context as _;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, FormatPattern, Note,
    Workbook, Worksheet,
};
use wsoa_core::Date;
use wsoa_core::event::Rag;
use wsoa_core::plan::{MeasureView, Plan, Trend};
use wsoa_core::show::{ActionShow, ShowView, WorkstreamShow};
use wsoa_core::timeline::{DEFAULT_LATE_AFTER, Entry};

/// The tracker's columns, in order. The names are the ones council trackers use and that
/// `wsoa import tracker` recognises (those of `wsoa show --format csv`, and the workstream's
/// sponsor, which an import needs to create a workstream), so that an exported workbook can be
/// imported back; the header is one plain row at the top for the same reason. Cells hold what
/// the CSV's do: "W1 Title" names, lists joined with "; ", the latest update after its date.
pub const TRACKER_COLUMNS: [&str; 14] = wsoa_core::show::CSV_COLUMNS;

/// The width of each tracker column, in characters.
const TRACKER_WIDTHS: [f64; 14] = [
    8.0, 26.0, 28.0, 22.0, 48.0, 24.0, 12.0, 12.0, 13.0, 8.0, 9.0, 36.0, 48.0, 14.0,
];

// The tracker's columns by name, as `TRACKER_COLUMNS` orders them.
const REF: u16 = 0;
const WEAKNESS: u16 = 1;
const WORKSTREAM: u16 = 2;
const SPONSOR: u16 = 3;
const ACTION: u16 = 4;
const LEAD: u16 = 5;
const DEADLINE: u16 = 6;
const ORIGINAL_DEADLINE: u16 = 7;
const STATUS: u16 = 8;
const RAG: u16 = 9;
const OVERDUE: u16 = 10;
const SUCCESS: u16 = 11;
const UPDATE: u16 = 12;
const EVIDENCE: u16 = 13;
/// The last column, where group rows end.
const LAST_TRACKER_COL: u16 = EVIDENCE;

/// The measures sheet's columns: one row per recorded value, baseline and target repeated so
/// that any row can be read (or filtered) on its own.
pub const MEASURE_COLUMNS: [&str; 14] = [
    "Ref",
    "Measure",
    "Area of weakness",
    "Unit",
    "Better",
    "Baseline",
    "Baseline date",
    "Date",
    "Value",
    "Source",
    "Target",
    "Target date",
    "Progress",
    "Note",
];

const MEASURE_WIDTHS: [f64; 14] = [
    8.0, 40.0, 26.0, 10.0, 10.0, 10.0, 12.0, 12.0, 10.0, 30.0, 10.0, 12.0, 30.0, 36.0,
];

/// The history sheet's columns: one row per event, as `wsoa timeline` tells it.
pub const HISTORY_COLUMNS: [&str; 8] = [
    "Event",
    "Happened",
    "Recorded (UTC)",
    "Recorded by",
    "Kind",
    "What happened",
    "Recorded late",
    "Hash",
];

const HISTORY_WIDTHS: [f64; 8] = [8.0, 12.0, 17.0, 28.0, 22.0, 90.0, 16.0, 66.0];

/// The most data rows a worksheet holds below its header row.
const MAX_ROWS: usize = 1_048_575;

/// Fills, as Excel writes them: the RAG colours are Excel's standard red, amber (its "gold")
/// and green, the ones council trackers use.
const RED: u32 = 0xFF0000;
const AMBER: u32 = 0xFFC000;
const GREEN: u32 = 0x00B050;
/// The text on a RAG fill: black reads at 5.3:1 or better on all three (white on this green is
/// 2.9:1 and on this red 4.0:1, below WCAG's 4.5:1 for text of this size).
const RAG_INK: u32 = 0x000000;
/// An overdue deadline: Excel's own "light red fill with dark red text".
const OVERDUE_FILL: u32 = 0xFFC7CE;
const OVERDUE_TEXT: u32 = 0x9C0006;
const HEADER_FILL: u32 = 0x1F3864;
const WEAKNESS_FILL: u32 = 0xD9E1F2;
const WORKSTREAM_FILL: u32 = 0xEDEDED;

/// The cell formats, made once.
struct Formats {
    header: Format,
    weakness: Format,
    workstream: Format,
    text: Format,
    date: Format,
    datetime: Format,
    number: Format,
    overdue_date: Format,
    overdue_word: Format,
    late: Format,
    red: Format,
    amber: Format,
    green: Format,
}

impl Formats {
    fn new() -> Formats {
        let cell = Format::new()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0xBFBFBF));
        let date = cell.clone().set_num_format("dd/mm/yyyy");
        let filled = |fill: u32, text: u32| {
            cell.clone()
                .set_pattern(FormatPattern::Solid)
                .set_background_color(Color::RGB(fill))
                .set_font_color(Color::RGB(text))
                .set_bold()
                .set_align(FormatAlign::Center)
        };
        Formats {
            header: cell
                .clone()
                .set_bold()
                .set_pattern(FormatPattern::Solid)
                .set_background_color(Color::RGB(HEADER_FILL))
                .set_font_color(Color::White),
            weakness: Format::new()
                .set_bold()
                .set_font_size(12)
                .set_pattern(FormatPattern::Solid)
                .set_background_color(Color::RGB(WEAKNESS_FILL))
                .set_align(FormatAlign::VerticalCenter),
            workstream: Format::new()
                .set_bold()
                .set_pattern(FormatPattern::Solid)
                .set_background_color(Color::RGB(WORKSTREAM_FILL))
                .set_align(FormatAlign::VerticalCenter),
            text: cell.clone(),
            datetime: cell.clone().set_num_format("dd/mm/yyyy hh:mm"),
            number: cell.clone().set_num_format("General"),
            overdue_date: date
                .clone()
                .set_bold()
                .set_pattern(FormatPattern::Solid)
                .set_background_color(Color::RGB(OVERDUE_FILL))
                .set_font_color(Color::RGB(OVERDUE_TEXT)),
            overdue_word: cell
                .clone()
                .set_bold()
                .set_font_color(Color::RGB(OVERDUE_TEXT)),
            late: cell.clone().set_bold(),
            date,
            red: filled(RED, RAG_INK),
            amber: filled(AMBER, RAG_INK),
            green: filled(GREEN, RAG_INK),
        }
    }

    fn rag(&self, rag: Rag) -> &Format {
        match rag {
            Rag::Red => &self.red,
            Rag::Amber => &self.amber,
            Rag::Green => &self.green,
        }
    }
}

/// The workbook of `plan` (the fold of the events of `history`), with overdue actions judged
/// on `today`, as the bytes of an .xlsx file. The same events and `today` give the same bytes.
pub fn workbook(plan: &Plan, history: &[Entry], today: Date) -> anyhow::Result<Vec<u8>> {
    anyhow::ensure!(
        history.len() <= MAX_ROWS,
        "the history has {} events, more than a worksheet holds ({MAX_ROWS} rows); give an earlier point in time with --at, --as-known or --as-of",
        history.len()
    );
    let view = wsoa_core::show::view(plan, today);
    let formats = Formats::new();
    let mut book = Workbook::new();
    let area = plan.area.as_deref().unwrap_or("Local area");
    // Fixed creation time (the day the plan is judged at) so that the file is reproducible.
    book.set_properties(
        &DocProperties::new()
            .set_title(format!("{area}: Written Statement of Action tracker"))
            .set_subject(format!("The plan as it stood on {}", today.long()))
            .set_comment(provenance(history))
            .set_creation_datetime(&excel_date(today)?),
    );

    let sheet = book.add_worksheet().set_name("Tracker")?;
    tracker(sheet, plan, &view, &formats)?;
    page_setup(sheet, area, "tracker", today, history);

    let sheet = book.add_worksheet().set_name("Measures")?;
    measures(sheet, plan, &view, &formats)?;
    page_setup(sheet, area, "measures", today, history);

    let sheet = book.add_worksheet().set_name("History")?;
    history_sheet(sheet, history, &formats)?;
    page_setup(sheet, area, "history", today, history);

    let sheet = book.add_worksheet().set_name("Print")?;
    print_sheet(sheet, &view, &formats)?;
    page_setup(sheet, area, "tracker", today, history);

    book.save_to_buffer()
        .context("cannot build the workbook in memory")
}

/// "Built from 170 events (last event 169, hash 1a2b3c4d5e6f)".
fn provenance(history: &[Entry]) -> String {
    match history.last() {
        Some(last) => format!(
            "Built from {} {} (last event {}, hash {}) by wsoa show --format xlsx",
            history.len(),
            if history.len() == 1 {
                "event"
            } else {
                "events"
            },
            last.seq,
            last.hash.short()
        ),
        None => "Built from no events".to_owned(),
    }
}

/// Landscape, one page wide, the header row repeated on every page, and a page header that
/// says what and when (Excel's header codes: `&L` left, `&R` right, `&P` page, `&N` pages).
fn page_setup(sheet: &mut Worksheet, area: &str, what: &str, today: Date, history: &[Entry]) {
    // `&` starts a code in page headers; Excel limits a header to 255 characters.
    let area: String = area.replace('&', "&&").chars().take(120).collect();
    sheet
        .set_landscape()
        .set_paper_size(9) // A4
        .set_print_fit_to_pages(1, 0)
        .set_header(format!(
            "&L{area}: WSoA {what}&Ras it stood on {}",
            today.long()
        ))
        .set_footer(format!(
            "&L{}&RPage &P of &N",
            provenance(history).replace('&', "&&")
        ));
    // This only fails for a row beyond Excel's limits, which row 0 is not.
    let _ = sheet.set_repeat_rows(0, 0);
}

fn header(
    sheet: &mut Worksheet,
    columns: &[&str],
    widths: &[f64],
    formats: &Formats,
) -> anyhow::Result<()> {
    let mut lines = 1;
    for (col, (name, width)) in columns.iter().zip(widths).enumerate() {
        let col = col_num(col);
        sheet.write_string_with_format(0, col, *name, &formats.header)?;
        sheet.set_column_width(col, *width)?;
        lines = lines.max(wrapped_lines(name, *width));
    }
    sheet.set_row_height(0, (15 * lines) as f64)?;
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn col_num(col: usize) -> u16 {
    u16::try_from(col).unwrap_or(u16::MAX)
}

fn row_num(row: usize) -> anyhow::Result<u32> {
    u32::try_from(row).context("too many rows for a worksheet")
}

fn excel_date(date: Date) -> anyhow::Result<ExcelDateTime> {
    ExcelDateTime::from_ymd(date.year(), date.month(), date.day())
        .with_context(|| format!("{date} cannot be written as an Excel date"))
}

/// "W1 Quality assurance; W3 Joint commissioning": the weaknesses a workstream answers.
fn weakness_names(plan: &Plan, ids: &[String]) -> String {
    ids.iter()
        .map(|id| match plan.weakness(id) {
            Some(w) => format!("{id} {}", w.title),
            None => id.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Writes wrapped text cells (blank ones keep their borders) and sets the row tall enough for
/// the longest. Excel grows rows of wrapped text by itself, but not every reader does
/// (LibreOffice keeps the stored height), so the height is written down.
fn text_cells(
    sheet: &mut Worksheet,
    row: u32,
    cells: &[(u16, &str)],
    widths: &[f64],
    format: &Format,
) -> anyhow::Result<()> {
    let mut lines = 1;
    for &(col, value) in cells {
        if value.is_empty() {
            sheet.write_blank(row, col, format)?;
        } else {
            sheet.write_string_with_format(row, col, fit(value), format)?;
            let width = widths.get(usize::from(col)).copied().unwrap_or(10.0);
            lines = lines.max(wrapped_lines(value, width));
        }
    }
    if lines > 1 {
        // 15 points a line of 11-point text; Excel's tallest row is 409 points.
        sheet.set_row_height(row, (15 * lines).min(409) as f64)?;
    }
    Ok(())
}

/// Text as a cell holds it: Excel refuses more than 32,767 characters in a cell, which a list
/// of long success criteria could reach, so a longer text is cut and says so.
fn fit(text: &str) -> String {
    const MAX: usize = 32_767;
    if text.chars().count() <= MAX {
        return text.to_owned();
    }
    let marker = " [cut here: the rest is in `wsoa show`]";
    let mut cut: String = text.chars().take(MAX - marker.chars().count()).collect();
    cut.push_str(marker);
    cut
}

/// About how many lines `text` takes in a wrapped column `width` characters wide. Excel's
/// width unit is one digit; words do not break, so a line holds a little less than that.
fn wrapped_lines(text: &str, width: f64) -> usize {
    let per_line = (width * 1.1).floor().max(1.0) as usize;
    text.lines()
        .map(|line| {
            let mut lines = 1;
            let mut used = 0;
            for word in line.split_whitespace() {
                let len = word.chars().count();
                if used > 0 && used + 1 + len > per_line {
                    lines += 1;
                    used = len;
                } else {
                    used += if used > 0 { len + 1 } else { len };
                }
            }
            lines
        })
        .sum::<usize>()
        .max(1)
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Sheet 1: a header row, then each weakness as a group row (its name in the Area of weakness
/// column), each of its workstreams as a group row (its name in the Workstream column) and
/// their actions. A group row holds one text, the name the action rows below also carry, with
/// Ref and Action empty, so an importer reads it as a section heading or skips it; the details
/// (finding, revisit outcome, sponsor, the board's latest rating) are in a note on it. Group
/// rows carry the outline (levels 1 and 2) that lets a reader fold the tracker to its
/// workstreams.
fn tracker(
    sheet: &mut Worksheet,
    plan: &Plan,
    view: &ShowView,
    formats: &Formats,
) -> anyhow::Result<()> {
    header(sheet, &TRACKER_COLUMNS, &TRACKER_WIDTHS, formats)?;
    // Outline symbols above their groups, where the group rows are.
    sheet.group_symbols_above(true);
    let mut row = 1;
    for weakness in &view.weaknesses {
        let mut details = Vec::new();
        if let Some(finding) = &weakness.finding {
            details.push(format!("Finding: {finding}"));
        }
        if let Some(outcome) = &weakness.outcome {
            details.push(format!(
                "Revisit: {} progress ({})",
                outcome.progress.as_str(),
                outcome.on.long()
            ));
        }
        let first = row;
        let label = format!("{} {}", weakness.id, weakness.title);
        group_row(sheet, row, WEAKNESS, &label, &details, &formats.weakness)?;
        row += 1;
        for workstream in &weakness.workstreams {
            row = workstream_rows(sheet, plan, workstream, row, formats)?;
        }
        if row > first + 1 {
            sheet.group_rows(row_num(first + 1)?, row_num(row - 1)?)?;
        }
    }
    if !view.other_workstreams.is_empty() || !view.other_actions.is_empty() {
        let first = row;
        group_row(
            sheet,
            row,
            WEAKNESS,
            "Not yet linked to a recorded weakness",
            &[],
            &formats.weakness,
        )?;
        row += 1;
        for workstream in &view.other_workstreams {
            row = workstream_rows(sheet, plan, workstream, row, formats)?;
        }
        for action in &view.other_actions {
            let names = Names {
                weaknesses: "",
                workstream: &action.workstream,
                sponsor: "",
            };
            action_row(sheet, row, action, &names, formats)?;
            row += 1;
        }
        if row > first + 1 {
            sheet.group_rows(row_num(first + 1)?, row_num(row - 1)?)?;
        }
    }
    sheet.autofilter(0, 0, row_num(row.max(2) - 1)?, LAST_TRACKER_COL)?;
    Ok(())
}

/// A group row: `label` from column `col` to the last, merged and filled, with `details` (if
/// any) in a note on it.
fn group_row(
    sheet: &mut Worksheet,
    row: usize,
    col: u16,
    label: &str,
    details: &[String],
    format: &Format,
) -> anyhow::Result<()> {
    let row = row_num(row)?;
    for before in 0..col {
        sheet.write_blank(row, before, format)?;
    }
    sheet.merge_range(row, col, row, LAST_TRACKER_COL, label, format)?;
    sheet.set_row_height(row, 20)?;
    if !details.is_empty() {
        sheet.insert_note(
            row,
            col,
            &Note::new(details.join("\n"))
                .set_author("wsoa")
                .set_width(480)
                .set_height(160),
        )?;
    }
    Ok(())
}

/// What an action row says about the groups it belongs to.
struct Names<'a> {
    weaknesses: &'a str,
    workstream: &'a str,
    sponsor: &'a str,
}

/// A workstream's group row and its actions from `row`; returns the next free row.
fn workstream_rows(
    sheet: &mut Worksheet,
    plan: &Plan,
    workstream: &WorkstreamShow,
    row: usize,
    formats: &Formats,
) -> anyhow::Result<usize> {
    let mut details = vec![format!("Sponsor: {}", workstream.sponsor)];
    if let Some(a) = &workstream.assessment {
        let note = a
            .note
            .as_deref()
            .map(|n| format!(": {n}"))
            .unwrap_or_default();
        details.push(format!(
            "{} rated it {} on {}{note}",
            a.forum,
            a.rating.label(),
            a.on.long()
        ));
    }
    let name = format!("{} {}", workstream.id, workstream.title);
    group_row(sheet, row, WORKSTREAM, &name, &details, &formats.workstream)?;
    let weaknesses = weakness_names(plan, &workstream.weaknesses);
    let names = Names {
        weaknesses: &weaknesses,
        workstream: &name,
        sponsor: &workstream.sponsor,
    };
    let first = row + 1;
    let mut row = first;
    for action in &workstream.actions {
        action_row(sheet, row, action, &names, formats)?;
        row += 1;
    }
    if row > first {
        sheet.group_rows(row_num(first)?, row_num(row - 1)?)?;
    }
    Ok(row)
}

/// One action, in the columns of `TRACKER_COLUMNS`.
fn action_row(
    sheet: &mut Worksheet,
    row: usize,
    action: &ActionShow,
    names: &Names<'_>,
    formats: &Formats,
) -> anyhow::Result<()> {
    let row = row_num(row)?;
    let text = &formats.text;
    let update = action
        .latest_update
        .as_ref()
        .map(|update| format!("{}: {}", update.on, update.text))
        .unwrap_or_default();
    text_cells(
        sheet,
        row,
        &[
            (REF, &action.id),
            (WEAKNESS, names.weaknesses),
            (WORKSTREAM, names.workstream),
            (SPONSOR, names.sponsor),
            (ACTION, &action.title),
            (LEAD, &action.owner),
            (STATUS, &capitalise(&action.status.label())),
            (SUCCESS, &action.success.join("; ")),
            (UPDATE, &update),
            (EVIDENCE, &action.evidence.join("; ")),
        ],
        &TRACKER_WIDTHS,
        text,
    )?;
    let due = if action.overdue {
        &formats.overdue_date
    } else {
        &formats.date
    };
    if action.deadline.is_some() {
        // As the council wrote it ("Autumn term 2021", "Termly", "TBC"): a date alone would say
        // more than the plan does, and the words import back as they are.
        let words = if action.overdue {
            &formats.overdue_word
        } else {
            text
        };
        sheet.write_string_with_format(row, DEADLINE, &action.due_cell, words)?;
    } else {
        sheet.write_datetime_with_format(row, DEADLINE, excel_date(action.due)?, due)?;
    }
    sheet.write_datetime_with_format(
        row,
        ORIGINAL_DEADLINE,
        excel_date(action.original_due)?,
        &formats.date,
    )?;
    match action.rag {
        Some(rag) => {
            sheet.write_string_with_format(row, RAG, capitalise(rag.as_str()), formats.rag(rag))?;
        }
        None => {
            sheet.write_blank(row, RAG, text)?;
        }
    }
    match action.days_overdue {
        Some(days) => {
            sheet.write_string_with_format(row, OVERDUE, "Yes", &formats.overdue_word)?;
            // The number of days goes in a note on the cell, so that the column stays Yes or
            // No for filters and importers.
            sheet.insert_note(
                row,
                OVERDUE,
                &Note::new(format!(
                    "Overdue by {days} {}",
                    if days == 1 { "day" } else { "days" }
                ))
                .set_author("wsoa"),
            )?;
        }
        None => {
            sheet.write_string_with_format(row, OVERDUE, "No", text)?;
        }
    }
    Ok(())
}

/// The columns of the sheet made for printing: the tracker without the columns that repeat
/// what its group rows say (weakness, workstream, sponsor) or that a reader of paper does not
/// need, so that one page of A4 landscape holds its width at a readable size (about 10 pt).
pub const PRINT_COLUMNS: [&str; 7] = [
    "Ref",
    "Action",
    "Lead",
    "Deadline",
    "Status",
    "RAG",
    "Latest update",
];

/// The print sheet's column widths, in characters: 139 in all, what A4 landscape holds between
/// Excel's default margins at about nine tenths of full size.
const PRINT_WIDTHS: [f64; 7] = [7.0, 40.0, 20.0, 13.0, 12.0, 7.0, 40.0];

/// Sheet 4, "Print": the tracker as a board paper prints it, one page wide on A4 landscape:
/// group rows for each weakness and workstream, then its actions in the columns of
/// `PRINT_COLUMNS`. The Tracker sheet keeps every column, for filtering and for import.
fn print_sheet(sheet: &mut Worksheet, view: &ShowView, formats: &Formats) -> anyhow::Result<()> {
    header(sheet, &PRINT_COLUMNS, &PRINT_WIDTHS, formats)?;
    let last = col_num(PRINT_COLUMNS.len() - 1);
    let mut row = 1;
    let label = |sheet: &mut Worksheet, row: usize, text: &str, format: &Format| {
        let at = row_num(row)?;
        sheet.merge_range(at, 0, at, last, text, format)?;
        sheet.set_row_height(at, 20)?;
        anyhow::Ok(())
    };
    let groups = view
        .weaknesses
        .iter()
        .map(|w| {
            (
                format!("{} {}", w.id, w.title),
                w.workstreams.iter().collect::<Vec<_>>(),
            )
        })
        .chain((!view.other_workstreams.is_empty()).then(|| {
            (
                "Not yet linked to a recorded weakness".to_owned(),
                view.other_workstreams.iter().collect(),
            )
        }));
    for (weakness, workstreams) in groups {
        label(sheet, row, &weakness, &formats.weakness)?;
        row += 1;
        for workstream in workstreams {
            let name = format!(
                "{} {} (sponsor: {})",
                workstream.id, workstream.title, workstream.sponsor
            );
            label(sheet, row, &name, &formats.workstream)?;
            row += 1;
            for action in &workstream.actions {
                print_row(sheet, row, action, formats)?;
                row += 1;
            }
        }
    }
    for action in &view.other_actions {
        print_row(sheet, row, action, formats)?;
        row += 1;
    }
    Ok(())
}

/// One action in the columns of `PRINT_COLUMNS`.
fn print_row(
    sheet: &mut Worksheet,
    row: usize,
    action: &ActionShow,
    formats: &Formats,
) -> anyhow::Result<()> {
    let update = action
        .latest_update
        .as_ref()
        .map(|update| format!("{}: {}", update.on, update.text))
        .unwrap_or_default();
    let deadline = if action.overdue {
        format!("{} (overdue)", action.due_cell)
    } else {
        action.due_cell.clone()
    };
    let at = row_num(row)?;
    text_cells(
        sheet,
        at,
        &[
            (0, &action.id),
            (1, &action.title),
            (2, &action.owner),
            (3, &deadline),
            (4, &capitalise(&action.status.label())),
            (6, &update),
        ],
        &PRINT_WIDTHS,
        &formats.text,
    )?;
    match action.rag {
        Some(rag) => {
            sheet.write_string_with_format(at, 5, capitalise(rag.as_str()), formats.rag(rag))?;
        }
        None => {
            sheet.write_blank(at, 5, &formats.text)?;
        }
    }
    Ok(())
}

/// Sheet 2: each measure's recorded values in date order, one a row, with its baseline and
/// target; the latest value's row says how it is going. A measure with no value yet has one
/// row. Values that a correction declared wrong stay, with a note saying so.
fn measures(
    sheet: &mut Worksheet,
    plan: &Plan,
    view: &ShowView,
    formats: &Formats,
) -> anyhow::Result<()> {
    header(sheet, &MEASURE_COLUMNS, &MEASURE_WIDTHS, formats)?;
    let corrected: BTreeMap<u64, Vec<String>> =
        plan.corrections
            .iter()
            .fold(BTreeMap::new(), |mut map, correction| {
                map.entry(correction.corrects)
                    .or_insert_with(Vec::new)
                    .push(format!(
                        "Corrected by event {}: {}",
                        correction.cite.seq, correction.reason
                    ));
                map
            });
    let ids = view
        .weaknesses
        .iter()
        .flat_map(|w| &w.measures)
        .chain(&view.other_measures)
        .map(|m| m.id.as_str());
    let mut row = 1;
    for measure in ids.filter_map(|id| plan.measure(id)) {
        let mut values: Vec<_> = measure.values.iter().collect();
        values.sort_by(|a, b| a.cite.on.cmp(&b.cite.on).then(a.cite.seq.cmp(&b.cite.seq)));
        let latest = measure.latest().map(|v| v.cite.seq);
        if values.is_empty() {
            measure_row(
                sheet,
                row,
                plan,
                measure,
                None,
                "No value recorded yet",
                "",
                formats,
            )?;
            row += 1;
        }
        for value in values {
            let progress = if Some(value.cite.seq) == latest {
                progress(measure)
            } else {
                String::new()
            };
            let note = corrected
                .get(&value.cite.seq)
                .map(|notes| notes.join("; "))
                .unwrap_or_default();
            measure_row(
                sheet,
                row,
                plan,
                measure,
                Some(value),
                &progress,
                &note,
                formats,
            )?;
            row += 1;
        }
    }
    sheet.autofilter(
        0,
        0,
        row_num(row.max(2) - 1)?,
        col_num(MEASURE_COLUMNS.len() - 1),
    )?;
    Ok(())
}

/// "Improving; target met".
fn progress(measure: &MeasureView) -> String {
    let trend = match measure.trend() {
        Trend::NoData => return "No value recorded yet".to_owned(),
        Trend::Improving => "Improving",
        Trend::Unchanged => "Unchanged",
        Trend::Worsening => "Worsening",
    };
    let met = if measure.target_met() {
        "target met"
    } else {
        "target not yet met"
    };
    format!("{trend} since the baseline; {met}")
}

#[allow(clippy::too_many_arguments)]
fn measure_row(
    sheet: &mut Worksheet,
    row: usize,
    plan: &Plan,
    measure: &MeasureView,
    value: Option<&wsoa_core::plan::MeasureValue>,
    progress: &str,
    note: &str,
    formats: &Formats,
) -> anyhow::Result<()> {
    let row = row_num(row)?;
    let text = &formats.text;
    let better = match measure.better {
        wsoa_core::event::Direction::HigherIsBetter => "Higher",
        wsoa_core::event::Direction::LowerIsBetter => "Lower",
    };
    text_cells(
        sheet,
        row,
        &[
            (0, &measure.id),
            (1, &measure.title),
            (2, &weakness_names(plan, &measure.weaknesses)),
            (3, &measure.unit),
            (4, better),
            (9, value.and_then(|v| v.source.as_deref()).unwrap_or("")),
            (12, progress),
            (13, note),
        ],
        &MEASURE_WIDTHS,
        text,
    )?;
    sheet.write_number_with_format(row, 5, measure.baseline.approximate(), &formats.number)?;
    sheet.write_datetime_with_format(row, 6, excel_date(measure.baseline_on)?, &formats.date)?;
    match value {
        Some(value) => {
            sheet.write_datetime_with_format(row, 7, excel_date(value.cite.on)?, &formats.date)?;
            sheet.write_number_with_format(row, 8, value.value.approximate(), &formats.number)?;
        }
        None => {
            sheet.write_blank(row, 7, text)?;
            sheet.write_blank(row, 8, text)?;
        }
    }
    sheet.write_number_with_format(row, 10, measure.target.approximate(), &formats.number)?;
    sheet.write_datetime_with_format(row, 11, excel_date(measure.target_by)?, &formats.date)?;
    Ok(())
}

/// Sheet 3: one row per event of the point, in ledger order, as `wsoa timeline` tells it.
fn history_sheet(
    sheet: &mut Worksheet,
    history: &[Entry],
    formats: &Formats,
) -> anyhow::Result<()> {
    header(sheet, &HISTORY_COLUMNS, &HISTORY_WIDTHS, formats)?;
    let text = &formats.text;
    for (i, entry) in history.iter().enumerate() {
        let row = row_num(i + 1)?;
        // Event numbers fit a double exactly far beyond any ledger's length.
        sheet.write_number_with_format(row, 0, entry.seq as f64, &formats.number)?;
        sheet.write_datetime_with_format(row, 1, excel_date(entry.occurred_on)?, &formats.date)?;
        let recorded = ExcelDateTime::from_timestamp(entry.recorded_at.div_euclid(1000))
            .context("an event was recorded at a time Excel cannot hold")?;
        sheet.write_datetime_with_format(row, 2, recorded, &formats.datetime)?;
        text_cells(
            sheet,
            row,
            &[
                (3, &entry.actor),
                (4, &entry.kind.replace('_', " ")),
                (5, &entry.sentence),
            ],
            &HISTORY_WIDTHS,
            text,
        )?;
        if entry.is_late(DEFAULT_LATE_AFTER) {
            sheet.write_string_with_format(
                row,
                6,
                format!("Yes, {} days later", entry.late_days),
                &formats.late,
            )?;
        } else {
            sheet.write_string_with_format(row, 6, "No", text)?;
        }
        sheet.write_string_with_format(row, 7, entry.hash.to_hex(), text)?;
    }
    sheet.autofilter(
        0,
        0,
        row_num(history.len().max(1))?,
        col_num(HISTORY_COLUMNS.len() - 1),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG 2's contrast ratio of two sRGB colours.
    fn contrast(a: u32, b: u32) -> f64 {
        let luminance = |rgb: u32| {
            let channel = |shift: u32| {
                let c = f64::from((rgb >> shift) & 0xFF) / 255.0;
                if c <= 0.039_28 {
                    c / 12.92
                } else {
                    ((c + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0)
        };
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn rag_words_read_at_wcag_aa_on_their_fills() {
        for fill in [RED, AMBER, GREEN] {
            let ratio = contrast(fill, RAG_INK);
            assert!(ratio >= 4.5, "{fill:06X}: {ratio:.2}:1");
        }
        // The white text it replaces did not.
        assert!(contrast(GREEN, 0xFFFFFF) < 3.0);
    }
}
