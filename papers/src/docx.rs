//! `wsoa narrative --format docx`: the impact narrative as a Word document, drawn from the same
//! `Narrative` view the Markdown and HTML renderers use. A title; the contents, a table of
//! contents field; the opening sections; each area of weakness under a Heading 1 (so Word's
//! navigation pane and the contents list them) with the finding quoted, tables of its actions
//! and measures, and its sections under Heading 2; the appendix of cited events; and, last, the
//! verification statement with the ledger head it was built from.
//! The bytes go to the caller, which writes the file; the same narrative gives the same bytes.

use std::io::Cursor;

use anyhow::Context as _;
use docx_rs::{
    AbstractNumbering, AlignmentType, DocumentChild, Docx, FieldCharType, Footer, Hyperlink,
    HyperlinkType, IndentLevel, InstrText, Level, LevelJc, LevelText, LineSpacing, NumPages,
    NumberFormat, Numbering, NumberingId, PageMargin, PageNum, Paragraph, Run, RunFonts, Shading,
    ShdType, SpecialIndentType, Start, Style, StyleType, Table, TableCell, TableRow, WidthType,
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

/// The contents list's field instruction, as Word writes it: headings 1 and 2 (`\o`), each
/// entry a link to its heading (`\h`), no page numbers in Web view (`\z`), paragraphs' outline
/// levels too (`\u`).
const TOC: &str = r#"TOC \o "1-2" \h \z \u"#;

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
        .add_style(contents_style(1, None))
        .add_style(contents_style(2, Some(283)))
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
    // The contents list goes under this heading (itself not listed) once every heading after it
    // is written.
    docx = docx.add_paragraph(styled("Heading1", "Contents").keep_next(true));
    let contents_at = docx.document.children.len();
    let mut headings = Headings::default();
    // The executive summary, on a page of its own.
    docx = docx.add_paragraph(headings.add(1, "Executive summary").page_break_before(true));
    for item in &narrative.summary.claims {
        docx = docx.add_paragraph(claim(Paragraph::new(), item));
    }
    if !narrative.summary.rows.is_empty() {
        docx = docx.add_table(summary_table(&narrative.summary.rows));
    }
    docx = docx.add_paragraph(
        headings
            .add(1, &narrative.opening.heading)
            .page_break_before(true),
    );
    for item in &narrative.opening.claims {
        docx = docx.add_paragraph(claim(Paragraph::new(), item));
    }
    docx = section(docx, &mut headings, &narrative.visits, 1, false);
    if let Some(risks) = &narrative.plan_risks {
        docx = section(docx, &mut headings, risks, 1, false);
    }
    for weakness in &narrative.weaknesses {
        // No page break: a finding follows on, its heading kept with what comes next, so that
        // a short one leaves no half-empty page.
        docx = docx.add_paragraph(
            headings
                .add(1, &format!("{}: {}", weakness.id, weakness.title))
                .keep_next(true),
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
                Part::Plain => docx = section(docx, &mut headings, part, 2, true),
                Part::Actions => {
                    docx = section(docx, &mut headings, part, 2, true);
                    if !weakness.actions.is_empty() {
                        docx = docx.add_table(actions_table(&weakness.actions));
                    }
                    if !weakness.workstreams.is_empty() {
                        docx = docx.add_table(workstreams_table(&weakness.workstreams));
                    }
                }
                Part::Measures => {
                    docx = docx.add_paragraph(headings.add(2, &part.heading).keep_next(true));
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
        docx = section(docx, &mut headings, other, 1, false);
    }
    if let Some(corrections) = &narrative.corrections {
        docx = section(docx, &mut headings, corrections, 1, false);
    }
    docx = docx.add_paragraph(
        headings
            .add(1, "Appendix: the events cited")
            .page_break_before(true),
    );
    docx = if narrative.appendix.is_empty() {
        docx.add_paragraph(text("No event is cited."))
    } else {
        docx.add_table(appendix_table(narrative))
    };
    // Last, as the Markdown and HTML narratives end with it: what the document was built from.
    docx = docx.add_paragraph(headings.add(1, "Verification"));
    docx = docx.add_paragraph(text(&narrative.verification));
    docx.document.children.splice(
        contents_at..contents_at,
        contents(&headings)
            .into_iter()
            .map(|entry| DocumentChild::Paragraph(Box::new(entry))),
    );

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

/// The style of the contents' entries for headings of `level`, with Word's built-in name
/// ("toc 1"), which Word applies when it rebuilds the list and LibreOffice reads as its own
/// "Contents 1".
fn contents_style(level: usize, indent: Option<i32>) -> Style {
    Style::new(format!("TOC{level}"), StyleType::Paragraph)
        .name(format!("toc {level}"))
        .based_on("Normal")
        .next("Normal")
        .line_spacing(LineSpacing::new().after(100))
        .indent(indent, None, None, None)
}

/// The headings of the document after the contents, in order, with their levels (1 or 2).
#[derive(Default)]
struct Headings(Vec<(usize, String)>);

impl Headings {
    /// A Heading 1 or 2 paragraph of `words`, listed for the contents and holding the bookmark
    /// its entry links to.
    fn add(&mut self, level: usize, words: &str) -> Paragraph {
        let words = clean(words);
        self.0.push((level, words.clone()));
        let id = self.0.len();
        Paragraph::new()
            .style(&format!("Heading{level}"))
            .add_bookmark_start(id, bookmark(id))
            .add_run(Run::new().add_text(words))
            .add_bookmark_end(id)
    }
}

/// The bookmark of the `id`th heading, named as Word names those a table of contents links to
/// (`_Toc`, which also hides it from the list of bookmarks).
fn bookmark(id: usize) -> String {
    format!("_Toc{id}")
}

/// The contents list: a table of contents field, as Word writes one, whose result is an entry
/// per heading (a link to it, in the TOC 1 or TOC 2 style). The field begins in the first entry
/// and ends in a paragraph after the last. It is not marked dirty: Word and LibreOffice show
/// these entries on opening, and Word's "Update field" rebuilds them, adding page numbers.
fn contents(headings: &Headings) -> Vec<Paragraph> {
    let mut entries = Vec::with_capacity(headings.0.len() + 1);
    for (index, (level, words)) in headings.0.iter().enumerate() {
        let mut entry = Paragraph::new().style(&format!("TOC{level}"));
        if index == 0 {
            entry = entry
                .add_run(Run::new().add_field_char(FieldCharType::Begin, false))
                .add_run(Run::new().add_instr_text(InstrText::Unsupported(TOC.to_owned())))
                .add_run(Run::new().add_field_char(FieldCharType::Separate, false));
        }
        entries.push(
            entry.add_hyperlink(
                Hyperlink::new(bookmark(index + 1), HyperlinkType::Anchor)
                    .add_run(Run::new().add_text(words)),
            ),
        );
    }
    entries.push(Paragraph::new().add_run(Run::new().add_field_char(FieldCharType::End, false)));
    entries
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

/// A section headed at `level`: cited claims as bullets when `bullets` (as the Markdown does),
/// the others as paragraphs.
fn section(
    mut docx: Docx,
    headings: &mut Headings,
    section: &Section,
    level: usize,
    bullets: bool,
) -> Docx {
    docx = docx.add_paragraph(headings.add(level, &section.heading).keep_next(true));
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
    use super::{document, repeat_header_rows};
    use std::io::{Cursor, Read as _};
    use wsoa_core::date::Date;
    use wsoa_core::narrative::{EventRecord, Narrative, Source};
    use wsoa_core::plan::Plan;

    /// The demo story's narrative and the body (`word/document.xml`) of its Word document.
    fn demo() -> (Narrative, String) {
        let ledger = wsoa_core::demo::in_memory(None);
        let records: Vec<EventRecord> = ledger
            .sealed()
            .iter()
            .map(|sealed| EventRecord {
                seq: sealed.event.seq,
                kind: sealed.event.body.kind(),
                hash: sealed.hash,
            })
            .collect();
        let head = ledger.head();
        let source = Source {
            folded: head.len,
            read: head.len,
            head: head.hash,
            as_of: None,
            today: Date::from_unix_millis(head.recorded_at).expect("a real day"),
        };
        let narrative = Narrative::build(&Plan::from_events(ledger.events()), &records, &source);
        let bytes = document(&narrative, &source).expect("a Word document");
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip archive");
        let mut xml = String::new();
        archive
            .by_name("word/document.xml")
            .expect("a body")
            .read_to_string(&mut xml)
            .expect("UTF-8");
        (narrative, xml)
    }

    /// The paragraphs of `xml`, each as its style and its text (entities left escaped).
    fn paragraphs(xml: &str) -> Vec<(String, String)> {
        xml.split("<w:p ")
            .skip(1)
            .map(|paragraph| {
                let paragraph = &paragraph[..paragraph.find("</w:p>").unwrap_or(paragraph.len())];
                let style = paragraph
                    .split_once("<w:pStyle w:val=\"")
                    .and_then(|(_, rest)| rest.split_once('"'))
                    .map_or("", |(style, _)| style)
                    .to_owned();
                let text = paragraph
                    .split("<w:t xml:space=\"preserve\">")
                    .skip(1)
                    .filter_map(|run| run.split_once("</w:t>").map(|(text, _)| text))
                    .collect();
                (style, text)
            })
            .collect()
    }

    /// `words` as document.xml holds them.
    fn escaped(words: &str) -> String {
        words
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&apos;")
    }

    #[test]
    fn the_contents_are_a_table_of_contents_field_whose_result_lists_every_heading() {
        let (narrative, xml) = demo();
        let at = |needle: &str, from: usize| {
            from + xml[from..]
                .find(needle)
                .unwrap_or_else(|| panic!("no {needle} after byte {from}"))
        };
        let instr = r#"<w:instrText>TOC \o "1-2" \h \z \u</w:instrText>"#;
        assert_eq!(xml.matches(instr).count(), 1, "one table of contents");
        assert!(!xml.contains(r#"w:dirty="true""#), "not marked dirty");
        let contents = at(">Contents</w:t>", 0);
        let begin = at(r#"<w:fldChar w:fldCharType="begin""#, contents);
        let instr = at(instr, contents);
        let separate = at(r#"<w:fldChar w:fldCharType="separate""#, contents);
        let end = at(r#"<w:fldChar w:fldCharType="end""#, contents);
        assert!(begin < instr && instr < separate && separate < end);
        let first = xml[..begin].rfind("<w:p ").expect("in a paragraph");
        assert!(first > contents, "the field begins in the first entry");
        assert!(
            !xml[first..separate].contains("<w:t "),
            "the entries follow it"
        );
        assert_eq!(
            paragraphs(&xml[end..])[0],
            ("Heading1".to_owned(), "Executive summary".to_owned()),
            "the contents end with the field"
        );

        // The result: an entry per heading after the contents, at its level, in order (the
        // Markdown's contents, with each finding's sections), each linking to the bookmark
        // around its heading.
        let mut expected = Vec::new();
        for (_, heading) in narrative.contents() {
            expected.push(("TOC1".to_owned(), escaped(&heading)));
            let weakness = narrative
                .weaknesses
                .iter()
                .find(|w| heading == format!("{}: {}", w.id, w.title));
            for part in weakness.iter().flat_map(|w| &w.sections) {
                expected.push(("TOC2".to_owned(), escaped(&part.heading)));
            }
        }
        assert!(expected.len() > narrative.contents().len() + narrative.weaknesses.len());
        let mut entries = paragraphs(&xml[first..end]);
        assert_eq!(
            entries.pop(),
            Some((String::new(), String::new())),
            "the field ends in a paragraph of its own"
        );
        assert_eq!(entries, expected);
        let headings: Vec<(String, String)> = paragraphs(&xml[end..])
            .into_iter()
            .filter(|(style, _)| style.starts_with("Heading"))
            .map(|(style, text)| (style.replace("Heading", "TOC"), text))
            .collect();
        assert_eq!(headings, expected, "every Heading 1 and 2 is listed");
        for (index, (_, text)) in expected.iter().enumerate() {
            let name = format!("_Toc{}", index + 1);
            let link = at(&format!(r#"<w:hyperlink w:anchor="{name}""#), first);
            assert!(link < end, "an entry links to {name}");
            let mark = format!(
                r#"<w:bookmarkStart w:id="{}" w:name="{name}" />"#,
                index + 1
            );
            assert_eq!(xml.matches(&mark).count(), 1, "one bookmark {name}");
            let heading = xml[..at(&mark, end)]
                .rfind("<w:p ")
                .expect("in a paragraph");
            let (style, words) = paragraphs(&xml[heading..]).remove(0);
            assert!(style.starts_with("Heading"), "{name} marks a heading");
            assert_eq!(&words, text, "{name} marks its entry's heading");
        }
    }

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
