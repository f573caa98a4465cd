//! `wsoa narrative --format docx`: the impact narrative as a Word document, drawn from the same
//! `Narrative` view the Markdown and HTML renderers use. A title; the opening sections; each
//! area of weakness under a Heading 1 (so Word's navigation pane lists them) with the finding
//! quoted, tables of its actions and measures, and its sections under Heading 2; the appendix of
//! cited events; and, last, the verification statement with the ledger head it was built from.
//! The bytes go to the caller, which writes the file; the same narrative gives the same bytes.

use std::io::Cursor;

use anyhow::Context as _;
use docx_rs::{
    AbstractNumbering, AlignmentType, Docx, Footer, IndentLevel, Level, LevelJc, LevelText,
    LineSpacing, NumPages, NumberFormat, Numbering, NumberingId, PageMargin, PageNum, Paragraph,
    Run, RunFonts, Shading, ShdType, SpecialIndentType, Start, Style, StyleType, Table, TableCell,
    TableRow, WidthType,
};
use wsoa_core::event::Rag;
use wsoa_core::narrative::{
    ActionRow, Claim, MeasureRow, Narrative, Part, Section, Source, SummaryRow, WorkstreamRow,
    table,
};
use wsoa_core::plan::Cite;

/// A4 in twentieths of a point, with 20 mm margins: the page the HTML narrative prints on.
const PAGE_WIDTH: u32 = 11_906;
const PAGE_HEIGHT: u32 = 16_838;
const MARGIN: i32 = 1_134;
/// The width between the margins, which every table fills.
const TEXT_WIDTH: usize = 9_638;

/// The numbering (list) definition of the bulleted claims; docx-rs already defines number 1.
const BULLETS: usize = 2;

/// The fills of RAG cells: the tracker workbook's red, amber and green, each with black text,
/// which reads at 5.3:1 or better on all three (white on that green is 2.9:1 and on that red
/// 4.0:1, below WCAG's 4.5:1 for text of this size).
fn rag_fill(rag: Rag) -> (&'static str, &'static str) {
    match rag {
        Rag::Red => ("FF0000", "000000"),
        Rag::Amber => ("FFC000", "000000"),
        Rag::Green => ("00B050", "000000"),
    }
}

/// The narrative as the bytes of a .docx file. `source` says what it was built from, for the
/// footer and the document's properties (its dates are the day deadlines are judged at, so
/// that the same events give the same bytes; the events and head hash are a custom property).
pub fn document(narrative: &Narrative, source: &Source) -> anyhow::Result<Vec<u8>> {
    let day = format!("{}T00:00:00Z", source.today);
    let mut docx = Docx::new()
        .created_at(&day)
        .updated_at(&day)
        // One custom property only: docx-rs keeps them in a HashMap, whose order (and so the
        // file's bytes) would change from run to run with two or more.
        .custom_property(
            "wsoa-source",
            format!("{} events, head {}", source.folded, source.head.to_hex()),
        )
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(PageMargin {
            top: MARGIN,
            left: MARGIN,
            bottom: MARGIN,
            right: MARGIN,
            header: 567,
            footer: 567,
            gutter: 0,
        })
        .default_fonts(
            RunFonts::new()
                .ascii("Georgia")
                .hi_ansi("Georgia")
                .cs("Georgia"),
        )
        .default_size(22)
        .default_line_spacing(LineSpacing::new().after(120))
        .add_style(heading("Title", "Title", 40, None))
        .add_style(heading("Heading1", "heading 1", 32, Some(0)))
        .add_style(heading("Heading2", "heading 2", 26, Some(1)))
        .add_style(
            Style::new("Quote", StyleType::Paragraph)
                .name("Quote")
                .based_on("Normal")
                .italic()
                .indent(Some(567), None, Some(567), None),
        )
        .add_style(
            Style::new("Citation", StyleType::Character)
                .name("Citation")
                .size(18)
                .color("444444"),
        )
        .add_abstract_numbering(
            AbstractNumbering::new(BULLETS).add_level(
                Level::new(
                    0,
                    Start::new(1),
                    NumberFormat::new("bullet"),
                    LevelText::new("\u{2022}"),
                    LevelJc::new("left"),
                )
                .indent(
                    Some(567),
                    Some(SpecialIndentType::Hanging(283)),
                    None,
                    None,
                ),
            ),
        )
        .add_numbering(Numbering::new(BULLETS, BULLETS))
        .footer(
            Footer::new().add_paragraph(
                Paragraph::new()
                    .add_run(
                        Run::new()
                            .add_text(clean(&format!(
                                "{} \u{2014} built from {} events, head {} \u{2014} page ",
                                narrative.title,
                                source.folded,
                                source.head.short()
                            )))
                            .size(16),
                    )
                    .add_page_num(PageNum::new())
                    .add_run(Run::new().add_text(" of ").size(16))
                    .add_num_pages(NumPages::new()),
            ),
        );

    docx = docx.add_paragraph(styled("Title", &narrative.title));
    // The contents list: plain paragraphs (a TOC field shows its code in LibreOffice until
    // updated), one a heading.
    docx = docx.add_paragraph(styled("Heading1", "Contents").keep_next(true));
    for (_, heading) in narrative.contents() {
        docx = docx.add_paragraph(
            text(&heading).numbering(NumberingId::new(BULLETS), IndentLevel::new(0)),
        );
    }
    // The executive summary, on a page of its own.
    docx = docx.add_paragraph(styled("Heading1", "Executive summary").page_break_before(true));
    for item in &narrative.summary.claims {
        docx = docx.add_paragraph(claim(Paragraph::new(), item));
    }
    if !narrative.summary.rows.is_empty() {
        docx = docx.add_table(summary_table(&narrative.summary.rows));
    }
    docx =
        docx.add_paragraph(styled("Heading1", &narrative.opening.heading).page_break_before(true));
    for item in &narrative.opening.claims {
        docx = docx.add_paragraph(claim(Paragraph::new(), item));
    }
    docx = section(docx, &narrative.visits, "Heading1", false);
    if let Some(risks) = &narrative.plan_risks {
        docx = section(docx, risks, "Heading1", false);
    }
    for weakness in &narrative.weaknesses {
        // No page break: a finding follows on, its heading kept with what comes next, so that
        // a short one leaves no half-empty page.
        docx = docx.add_paragraph(
            styled("Heading1", &format!("{}: {}", weakness.id, weakness.title)).keep_next(true),
        );
        docx = docx.add_paragraph(claim(Paragraph::new(), &weakness.introduction));
        if let Some(finding) = &weakness.finding {
            docx = docx.add_paragraph(styled("Quote", &finding.text));
        }
        if let Some(outcome) = &weakness.outcome {
            docx = docx.add_paragraph(
                Paragraph::new()
                    .add_run(Run::new().add_text(clean(&outcome.text)).bold())
                    .add_run(cites(&outcome.cites)),
            );
        }
        for part in &weakness.sections {
            match part.part {
                Part::Plain => docx = section(docx, part, "Heading2", true),
                Part::Actions => {
                    docx = section(docx, part, "Heading2", true);
                    if !weakness.actions.is_empty() {
                        docx = docx.add_table(actions_table(&weakness.actions));
                    }
                    if !weakness.workstreams.is_empty() {
                        docx = docx.add_table(workstreams_table(&weakness.workstreams));
                    }
                }
                Part::Measures => {
                    docx = docx.add_paragraph(styled("Heading2", &part.heading).keep_next(true));
                    if !weakness.measures.is_empty() {
                        docx = docx.add_table(measures_table(&weakness.measures));
                    }
                    for item in &part.claims {
                        let mut paragraph = Paragraph::new();
                        if !item.cites.is_empty() {
                            paragraph =
                                paragraph.numbering(NumberingId::new(BULLETS), IndentLevel::new(0));
                        }
                        docx = docx.add_paragraph(claim(paragraph, item));
                    }
                }
            }
        }
    }
    if let Some(other) = &narrative.other_findings {
        docx = section(docx, other, "Heading1", false);
    }
    if let Some(corrections) = &narrative.corrections {
        docx = section(docx, corrections, "Heading1", false);
    }
    docx = docx
        .add_paragraph(styled("Heading1", "Appendix: the events cited").page_break_before(true));
    docx = if narrative.appendix.is_empty() {
        docx.add_paragraph(text("No event is cited."))
    } else {
        docx.add_table(appendix_table(narrative))
    };
    // Last, as the Markdown and HTML narratives end with it: what the document was built from.
    docx = docx.add_paragraph(styled("Heading1", "Verification"));
    docx = docx.add_paragraph(text(&narrative.verification));

    let mut bytes = Cursor::new(Vec::new());
    docx.build()
        .pack(&mut bytes)
        .context("cannot build the Word document in memory")?;
    deflate(bytes.into_inner()).context("cannot compress the Word document")
}

/// The same archive with every part deflated. docx-rs stores its parts uncompressed, and the
/// narrative's XML is repetitive (every run carries its properties), so this makes the file
/// about ten times smaller, which matters for a board paper that is emailed. Parts keep their
/// order ([Content_Types].xml first) and a fixed date, so the same narrative gives the same
/// bytes.
fn deflate(stored: Vec<u8>) -> zip::result::ZipResult<Vec<u8>> {
    let mut input = zip::ZipArchive::new(Cursor::new(stored))?;
    let mut output = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for index in 0..input.len() {
        let mut part = input.by_index(index)?;
        let name = part.name()?.into_owned();
        if part.is_dir() {
            output.add_directory(name, options)?;
        } else if name == "word/document.xml" {
            let mut xml = String::new();
            std::io::Read::read_to_string(&mut part, &mut xml)?;
            output.start_file(name, options)?;
            std::io::Write::write_all(&mut output, repeat_header_rows(&xml).as_bytes())?;
        } else {
            output.start_file(name, options)?;
            std::io::copy(&mut part, &mut output)?;
        }
    }
    Ok(output.finish()?.into_inner())
}

/// The document with the first row of every table marked as its header row (`w:tblHeader`),
/// so that Word and LibreOffice repeat it at the top of each page a table runs onto. docx-rs
/// has no setting for it; every table here starts with its header row, whose properties are
/// the first `w:trPr` after `w:tbl` (the table's properties and grid come before any row).
fn repeat_header_rows(xml: &str) -> String {
    const TABLE: &str = "<w:tbl>";
    const ROW_PROPERTIES: &str = "<w:trPr>";
    let mut out = String::with_capacity(xml.len() + 64 * xml.matches(TABLE).count());
    let mut rest = xml;
    while let Some(table) = rest.find(TABLE) {
        let after_table = table + TABLE.len();
        let Some(row) = rest[after_table..].find(ROW_PROPERTIES) else {
            break;
        };
        let at = after_table + row + ROW_PROPERTIES.len();
        out.push_str(&rest[..at]);
        out.push_str("<w:tblHeader />");
        rest = &rest[at..];
    }
    out.push_str(rest);
    out
}

/// A heading style with Word's built-in name ("heading 1"), so that the navigation pane and a
/// table of contents find it, and its outline level.
fn heading(id: &str, name: &str, size: usize, outline: Option<usize>) -> Style {
    let style = Style::new(id, StyleType::Paragraph)
        .name(name)
        .based_on("Normal")
        .next("Normal")
        .size(size)
        .bold()
        .color("1F3864")
        .line_spacing(LineSpacing::new().before(240).after(120));
    match outline {
        Some(level) => style.outline_lvl(level),
        None => style,
    }
}

/// Text as Word can hold it: XML 1.0 has no place for control characters.
fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

fn text(words: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(clean(words)))
}

fn styled(style: &str, words: &str) -> Paragraph {
    text(words).style(style)
}

/// "[events 12, 15]" in the small grey citation style, after a space.
fn cites(cites: &[Cite]) -> Run {
    let list = match cites {
        [] => return Run::new(),
        [one] => format!(" [event {}]", one.seq),
        many => format!(
            " [events {}]",
            many.iter()
                .map(|c| c.seq.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Run::new().add_text(list).style("Citation")
}

fn claim(paragraph: Paragraph, claim: &Claim) -> Paragraph {
    let words = Run::new().add_text(clean(&claim.text));
    paragraph
        .add_run(if claim.is_flag() { words.bold() } else { words })
        .add_run(cites(&claim.cites))
}

/// A headed section: cited claims as bullets when `bullets` (as the Markdown does), the others
/// as paragraphs.
fn section(mut docx: Docx, section: &Section, heading: &str, bullets: bool) -> Docx {
    docx = docx.add_paragraph(styled(heading, &section.heading).keep_next(true));
    for item in &section.claims {
        let mut paragraph = Paragraph::new();
        if bullets && !item.cites.is_empty() {
            paragraph = paragraph.numbering(NumberingId::new(BULLETS), IndentLevel::new(0));
        }
        docx = docx.add_paragraph(claim(paragraph, item));
    }
    docx
}

/// A table cell of `width` twentieths of a point holding `words`.
fn cell(words: &str, width: usize) -> TableCell {
    TableCell::new()
        .width(width, WidthType::Dxa)
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text(clean(words)).size(18)))
}

/// A table with a shaded bold header row and columns of the given widths.
fn table(headings: &[&str], widths: &[usize], rows: Vec<TableRow>) -> Table {
    let head = headings
        .iter()
        .zip(widths)
        .map(|(name, width)| {
            TableCell::new()
                .width(*width, WidthType::Dxa)
                .shading(Shading::new().shd_type(ShdType::Clear).fill("D9E1F2"))
                .add_paragraph(
                    Paragraph::new()
                        .add_run(Run::new().add_text(*name).bold().size(18))
                        .keep_next(true),
                )
        })
        .collect();
    let mut all = vec![TableRow::new(head).cant_split()];
    all.extend(rows);
    Table::new(all)
        .set_grid(widths.to_vec())
        .width(TEXT_WIDTH, WidthType::Dxa)
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A row of plain cells of the given widths, kept on one page.
fn plain_row<const N: usize>(cells: &[String; N], widths: &[usize; N]) -> TableRow {
    TableRow::new(
        cells
            .iter()
            .zip(widths)
            .map(|(words, width)| cell(words, *width))
            .collect(),
    )
    .cant_split()
}

/// A row per finding reported on: the area's judgement, the revisit's, actions and measures in
/// figures, the events.
fn summary_table(rows: &[SummaryRow]) -> Table {
    const WIDTHS: [usize; 8] = [2_638, 1_100, 1_100, 1_000, 900, 1_000, 900, 1_000];
    table(
        &table::SUMMARY,
        &WIDTHS,
        rows.iter()
            .map(|row| plain_row(&table::summary(row), &WIDTHS))
            .collect(),
    )
}

/// Ref, action, lead, deadline (with the original when it moved, and "overdue"), status, RAG
/// (the cell filled in its colour with the word in it), slip, evidence and events.
fn actions_table(actions: &[ActionRow]) -> Table {
    const WIDTHS: [usize; 9] = [600, 2_238, 1_300, 1_400, 900, 800, 1_000, 700, 700];
    let rows = actions
        .iter()
        .map(|action| {
            let cells = table::action(action);
            let mut deadline =
                Paragraph::new().add_run(Run::new().add_text(clean(&cells[3])).size(18));
            if action.overdue {
                deadline = deadline.add_run(
                    Run::new()
                        .add_text(" \u{2014} overdue")
                        .bold()
                        .color("9C0006")
                        .size(18),
                );
            }
            let rag = match action.rag {
                Some(rag) => {
                    let (fill, ink) = rag_fill(rag);
                    TableCell::new()
                        .width(WIDTHS[5], WidthType::Dxa)
                        .shading(Shading::new().shd_type(ShdType::Clear).fill(fill))
                        .add_paragraph(
                            Paragraph::new().align(AlignmentType::Center).add_run(
                                Run::new()
                                    .add_text(capitalise(rag.as_str()))
                                    .bold()
                                    .color(ink)
                                    .size(18),
                            ),
                        )
                }
                None => cell("", WIDTHS[5]),
            };
            TableRow::new(vec![
                cell(&cells[0], WIDTHS[0]),
                cell(&cells[1], WIDTHS[1]),
                cell(&cells[2], WIDTHS[2]),
                TableCell::new()
                    .width(WIDTHS[3], WidthType::Dxa)
                    .add_paragraph(deadline),
                cell(&capitalise(&cells[4]), WIDTHS[4]),
                rag,
                cell(&cells[6], WIDTHS[6]),
                cell(&cells[7], WIDTHS[7]),
                cell(&cells[8], WIDTHS[8]),
            ])
            .cant_split()
        })
        .collect();
    table(&table::ACTIONS, &WIDTHS, rows)
}

/// The actions of a finding with too many to list, summed up per workstream.
fn workstreams_table(rows: &[WorkstreamRow]) -> Table {
    const WIDTHS: [usize; 7] = [3_638, 1_000, 1_000, 1_000, 1_000, 1_000, 1_000];
    table(
        &table::WORKSTREAMS,
        &WIDTHS,
        rows.iter()
            .map(|row| plain_row(&table::workstream(row), &WIDTHS))
            .collect(),
    )
}

/// Each measure: baseline, trajectory, latest value (corrected values left out, as the
/// sentences do), where it stands against the trajectory, target, judgement, events.
fn measures_table(measures: &[MeasureRow]) -> Table {
    const WIDTHS: [usize; 8] = [1_838, 1_100, 1_600, 1_100, 1_000, 1_200, 1_100, 700];
    table(
        &table::MEASURES,
        &WIDTHS,
        measures
            .iter()
            .map(|row| plain_row(&table::measure(row), &WIDTHS))
            .collect(),
    )
}

/// Every cited event: number, date, kind (and any correction), who recorded it, hash prefix.
fn appendix_table(narrative: &Narrative) -> Table {
    const WIDTHS: [usize; 5] = [800, 1_800, 2_600, 2_638, 1_800];
    let rows = narrative
        .appendix
        .iter()
        .map(|event| {
            let mut kind = event.kind.clone().unwrap_or_else(|| "unknown".to_owned());
            for (seq, _) in &event.corrected_by {
                kind.push_str(&format!(" (corrected by event {seq})"));
            }
            TableRow::new(vec![
                cell(&event.seq.to_string(), WIDTHS[0]),
                cell(&event.on.long(), WIDTHS[1]),
                cell(&kind, WIDTHS[2]),
                cell(&event.actor, WIDTHS[3]),
                cell(
                    &event.hash.map(|h| h.short()).unwrap_or_default(),
                    WIDTHS[4],
                ),
            ])
            .cant_split()
        })
        .collect();
    table(
        &["Event", "Date", "Kind", "Recorded by", "Hash begins"],
        &WIDTHS,
        rows,
    )
}

#[cfg(test)]
mod tests {
    use super::repeat_header_rows;

    #[test]
    fn the_first_row_of_every_table_and_only_it_repeats_as_a_header() {
        let row = "<w:tr><w:trPr><w:cantSplit /></w:trPr><w:tc /></w:tr>";
        let table = format!("<w:tbl><w:tblPr /><w:tblGrid />{row}{row}{row}</w:tbl>");
        let xml = format!("<w:body><w:p />{table}<w:p />{table}</w:body>");
        let marked = repeat_header_rows(&xml);
        assert_eq!(marked.matches("<w:tblHeader />").count(), 2, "{marked}");
        let header = "<w:tr><w:trPr><w:tblHeader /><w:cantSplit /></w:trPr><w:tc /></w:tr>";
        let expected = format!("<w:tbl><w:tblPr /><w:tblGrid />{header}{row}{row}</w:tbl>");
        assert_eq!(
            marked,
            format!("<w:body><w:p />{expected}<w:p />{expected}</w:body>")
        );
        assert_eq!(repeat_header_rows("<w:body />"), "<w:body />");
    }
}
