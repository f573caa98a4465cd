//! Board papers out. `wsoa show --format xlsx --out FILE` is read back with calamine and must
//! hold what `wsoa show --format json` and `wsoa timeline --format json` say, at the same point,
//! with its RAG fills and overdue marks checked in the workbook's own XML; `wsoa import tracker`
//! must read it back into the same plan. `wsoa narrative --format docx --out FILE` is unzipped
//! and must have a heading per weakness, tables and the verification statement last, and
//! LibreOffice must turn it into a PDF that reads the same. Binary formats are refused without
//! `--out` and with the wrong command.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;
use std::process::Command;

use calamine::{Data, Reader, Xlsx, open_workbook};
use serde_json::Value;

use crate::harness::{Sandbox, run_command};

/// The tracker's header row, as an importer and a person read it.
const TRACKER_HEADER: [&str; 14] = [
    "Ref",
    "Area of weakness",
    "Workstream",
    "Sponsor",
    "Action",
    "Lead",
    "Deadline",
    "Original deadline",
    "Status",
    "RAG",
    "Overdue",
    "Success criteria",
    "Latest update",
    "Evidence",
];

/// Excel's fills for RAG cells (ARGB, as styles.xml writes them) and an overdue deadline.
const FILLS: [(&str, &str); 3] = [
    ("red", "FFFF0000"),
    ("amber", "FFFFC000"),
    ("green", "FF00B050"),
];
const OVERDUE_FILL: &str = "FFFFC7CE";

/// A sandbox holding the demo ledger.
fn demo() -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.json(&["demo"]);
    sandbox
}

/// One part of a zip file (an .xlsx or .docx), as text.
fn zip_part(path: &Path, name: &str) -> String {
    let file = std::fs::File::open(path).expect("the exported file exists");
    let mut archive = zip::ZipArchive::new(file).expect("the exported file is a zip archive");
    let mut part = archive
        .by_name(name)
        .unwrap_or_else(|err| panic!("{} has no {name}: {err}", path.display()));
    let mut text = String::new();
    part.read_to_string(&mut text).expect("the part is UTF-8");
    text
}

/// Days from 1 January 1970 to a civil date (Howard Hinnant's algorithm), written out here so
/// that dates are checked independently of the code under test.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The Excel serial number (1900 date system) of an ISO date.
fn excel_serial(iso: &str) -> f64 {
    let parts: Vec<i64> = iso
        .split('-')
        .map(|p| p.parse().expect("an ISO date"))
        .collect();
    (days_from_civil(parts[0], parts[1], parts[2]) - days_from_civil(1899, 12, 30)) as f64
}

/// A cell as text: strings as they are, numbers in their shortest form, blanks empty.
fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        other => format!("{other:?}"),
    }
}

/// `in-progress` as the tracker writes it: `In progress`.
fn word(json: &Value) -> String {
    let word = json.as_str().unwrap_or("").replace('-', " ");
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Every action of a `show --format json` view, in the order the tracker groups them.
fn actions_of(view: &Value) -> Vec<&Value> {
    let mut actions = Vec::new();
    let workstreams = view["weaknesses"]
        .as_array()
        .expect("weaknesses")
        .iter()
        .flat_map(|w| w["workstreams"].as_array().expect("workstreams"))
        .chain(
            view["other_workstreams"]
                .as_array()
                .expect("other workstreams"),
        );
    for workstream in workstreams {
        actions.extend(workstream["actions"].as_array().expect("actions"));
    }
    actions.extend(view["other_actions"].as_array().expect("other actions"));
    actions
}

/// Every measure of a view, in the order the measures sheet lists them.
fn measures_of(view: &Value) -> Vec<&Value> {
    view["weaknesses"]
        .as_array()
        .expect("weaknesses")
        .iter()
        .flat_map(|w| w["measures"].as_array().expect("measures"))
        .chain(view["other_measures"].as_array().expect("other measures"))
        .collect()
}

/// A sheet's rows, from A1.
fn sheet_rows(
    workbook: &mut Xlsx<std::io::BufReader<std::fs::File>>,
    name: &str,
) -> Vec<Vec<Data>> {
    let range = workbook
        .worksheet_range(name)
        .unwrap_or_else(|err| panic!("no sheet {name}: {err}"));
    assert_eq!(range.start(), Some((0, 0)), "{name} starts at A1");
    range.rows().map(<[Data]>::to_vec).collect()
}

/// The column of a heading in a header row.
fn column(header: &[Data], name: &str) -> usize {
    header
        .iter()
        .position(|cell| text(cell) == name)
        .unwrap_or_else(|| panic!("no column {name:?} in {header:?}"))
}

/// "A", "B", ... "N": the letter of a column (the tracker has fewer than 27).
fn letter(col: usize) -> char {
    char::from(b'A' + u8::try_from(col).expect("a small column"))
}

/// The value of an attribute in one XML start tag.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[start..].find('"')? + start;
    Some(&tag[start..end])
}

/// The start tags of every `<child` element in the first `<parent` element of `xml`.
fn start_tags<'a>(xml: &'a str, parent: &str, child: &str) -> Vec<&'a str> {
    let from = xml
        .find(&format!("<{parent}"))
        .unwrap_or_else(|| panic!("no <{parent}>"));
    let to = xml[from..]
        .find(&format!("</{parent}>"))
        .unwrap_or_else(|| panic!("<{parent}> is not closed"))
        + from;
    let inner = &xml[from..to];
    let mut tags = Vec::new();
    let mut rest = inner;
    let open = format!("<{child}");
    while let Some(at) = rest.find(&open) {
        let after = &rest[at + open.len()..];
        if after.starts_with([' ', '>', '/']) {
            let end = after.find('>').expect("a tag ends") + at + open.len() + 1;
            tags.push(&rest[at..end]);
        }
        rest = &rest[at + open.len()..];
    }
    tags
}

/// The elements `<child>...</child>` in the first `<parent` element, whole.
fn elements<'a>(xml: &'a str, parent: &str, child: &str) -> Vec<&'a str> {
    let from = xml.find(&format!("<{parent}")).expect("the parent exists");
    let to = xml[from..].find(&format!("</{parent}>")).expect("closed") + from;
    let close = format!("</{child}>");
    let open = format!("<{child}>");
    xml[from..to]
        .split(&open)
        .skip(1)
        .map(|piece| piece.split(&close).next().expect("split gives one piece"))
        .collect()
}

/// The fill colour and boldness of a cell of the first sheet, from the workbook's XML: the
/// cell's style index, that style's fill and font.
struct Styles {
    /// (fill colour, bold) of each cell style.
    xfs: Vec<(Option<String>, bool)>,
    /// The style index of each cell reference of the first sheet.
    cells: BTreeMap<String, usize>,
}

impl Styles {
    fn of(path: &Path) -> Styles {
        let styles = zip_part(path, "xl/styles.xml");
        let fills: Vec<Option<String>> = elements(&styles, "fills", "fill")
            .iter()
            .map(|fill| {
                fill.find("<fgColor")
                    .and_then(|at| attribute(&fill[at..], "rgb").map(str::to_owned))
            })
            .collect();
        let bold: Vec<bool> = elements(&styles, "fonts", "font")
            .iter()
            .map(|font| font.contains("<b/>"))
            .collect();
        let index = |tag: &str, name: &str| -> usize {
            attribute(tag, name).map_or(0, |v| v.parse().expect("an index"))
        };
        let xfs = start_tags(&styles, "cellXfs", "xf")
            .iter()
            .map(|xf| {
                (
                    fills[index(xf, "fillId")].clone(),
                    bold[index(xf, "fontId")],
                )
            })
            .collect();
        let sheet = zip_part(path, "xl/worksheets/sheet1.xml");
        let cells = start_tags(&sheet, "sheetData", "c")
            .iter()
            .map(|c| {
                (
                    attribute(c, "r").expect("a cell reference").to_owned(),
                    index(c, "s"),
                )
            })
            .collect();
        Styles { xfs, cells }
    }

    fn cell(&self, reference: &str) -> (Option<String>, bool) {
        let style = self
            .cells
            .get(reference)
            .unwrap_or_else(|| panic!("no cell {reference}"));
        self.xfs[*style].clone()
    }
}

/// Checks the workbook at `path` against `wsoa show` and `wsoa timeline` at the point given
/// by `point` (options such as `--as-of DATE`, or none for now).
#[track_caller]
fn check_workbook(sandbox: &Sandbox, path: &Path, point: &[&str]) {
    let mut args = vec!["show"];
    args.extend_from_slice(point);
    let view = sandbox.json(&args).json();
    let mut workbook: Xlsx<_> = open_workbook(path).expect("calamine opens the workbook");
    assert_eq!(
        workbook.sheet_names(),
        ["Tracker", "Measures", "History", "Print"],
        "the sheets, in order"
    );

    // Sheet 4, for printing: every action in the tracker's order, in few enough columns that
    // one page of A4 landscape holds them at about nine tenths of full size.
    let print = sheet_rows(&mut workbook, "Print");
    let header: Vec<String> = print[0].iter().map(text).collect();
    assert_eq!(
        header,
        [
            "Ref",
            "Action",
            "Lead",
            "Deadline",
            "Status",
            "RAG",
            "Latest update"
        ]
    );
    let printed: Vec<String> = print
        .iter()
        .skip(1)
        .filter(|row| !text(&row[1]).is_empty())
        .map(|row| text(&row[0]))
        .collect();
    let ids: Vec<String> = actions_of(&view)
        .iter()
        .map(|a| a["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(printed, ids, "the print sheet has every action, in order");
    let xml = zip_part(path, "xl/worksheets/sheet4.xml");
    for needle in [
        "paperSize=\"9\"",
        "orientation=\"landscape\"",
        "fitToPage=\"1\"",
    ] {
        assert!(
            xml.contains(needle),
            "the print sheet's page setup has {needle}"
        );
    }
    let width: f64 = start_tags(&xml, "cols", "col")
        .iter()
        .map(|col| {
            attribute(col, "width")
                .expect("a width")
                .parse::<f64>()
                .expect("a number")
        })
        .sum();
    assert!(
        width <= 150.0,
        "the print sheet is {width} characters wide: too small a print on A4"
    );

    // Sheet 1: one plain header row, then group rows and one row per action.
    let rows = sheet_rows(&mut workbook, "Tracker");
    let header: Vec<String> = rows[0].iter().map(text).collect();
    assert_eq!(header, TRACKER_HEADER, "the tracker's header row");
    let col = |name| column(&rows[0], name);
    let (reference, workstream_col, weakness_col) =
        (col("Ref"), col("Workstream"), col("Area of weakness"));
    let expected = actions_of(&view);
    let mut found = Vec::new();
    let mut current_workstream = String::new();
    let mut weaknesses_seen = Vec::new();
    for (i, row) in rows.iter().enumerate().skip(1) {
        if text(&row[reference]).is_empty() {
            // A group row: one name, in the Area of weakness or the Workstream column.
            let filled: Vec<String> = row.iter().map(text).filter(|t| !t.is_empty()).collect();
            assert_eq!(filled.len(), 1, "a group row names one thing: {row:?}");
            if !text(&row[workstream_col]).is_empty() {
                current_workstream = text(&row[workstream_col]);
            } else {
                weaknesses_seen.push(text(&row[weakness_col]));
            }
            continue;
        }
        assert_eq!(
            text(&row[workstream_col]),
            current_workstream,
            "row {} sits under its workstream's group row",
            i + 1
        );
        found.push((i, row));
    }
    let names: Vec<String> = view["weaknesses"]
        .as_array()
        .expect("weaknesses")
        .iter()
        .map(|w| {
            format!(
                "{} {}",
                w["id"].as_str().expect("id"),
                w["title"].as_str().expect("title")
            )
        })
        .collect();
    assert_eq!(
        weaknesses_seen[..names.len()],
        names[..],
        "a group row per weakness, in order"
    );
    assert_eq!(
        found.len(),
        expected.len(),
        "one row per action: {:?}",
        found
            .iter()
            .map(|(_, r)| text(&r[reference]))
            .collect::<Vec<_>>()
    );
    let styles = Styles::of(path);
    let mut rags_seen = 0;
    for ((i, row), action) in found.iter().zip(&expected) {
        let at = |name| text(&row[col(name)]);
        assert_eq!(
            at("Ref"),
            action["id"].as_str().expect("id"),
            "row {}",
            i + 1
        );
        assert_eq!(at("Action"), action["title"].as_str().expect("title"));
        assert_eq!(at("Lead"), action["owner"].as_str().expect("owner"));
        assert_eq!(
            at("Status"),
            word(&action["status"]),
            "status of {}",
            at("Ref")
        );
        assert_eq!(at("RAG"), word(&action["rag"]), "RAG of {}", at("Ref"));
        let overdue = action["overdue"].as_bool().expect("overdue");
        assert_eq!(at("Overdue"), if overdue { "Yes" } else { "No" });
        for (name, field) in [("Deadline", "due"), ("Original deadline", "original_due")] {
            match &row[col(name)] {
                Data::DateTime(date) => assert_eq!(
                    date.as_f64(),
                    excel_serial(action[field].as_str().expect("a date")),
                    "{name} of {}",
                    at("Ref")
                ),
                other => panic!("{name} of {} is not a date: {other:?}", at("Ref")),
            }
        }
        // Styles: the RAG cell filled in its colour, an overdue deadline filled and bold.
        let cell = |name| format!("{}{}", letter(col(name)), i + 1);
        let (fill, bold) = styles.cell(&cell("RAG"));
        if let Some(rag) = action["rag"].as_str() {
            let want = FILLS.iter().find(|(w, _)| *w == rag).expect("a RAG word").1;
            assert_eq!(fill.as_deref(), Some(want), "the RAG fill of {}", at("Ref"));
            assert!(bold, "RAG words are bold");
            rags_seen += 1;
        }
        let (fill, bold) = styles.cell(&cell("Deadline"));
        assert_eq!(
            (fill.as_deref() == Some(OVERDUE_FILL), bold),
            (overdue, overdue),
            "the deadline of {} is marked if and only if it is overdue",
            at("Ref")
        );
    }
    assert!(rags_seen > 0, "some actions have a RAG");
    let sheet = zip_part(path, "xl/worksheets/sheet1.xml");
    for needle in [
        "state=\"frozen\"",
        "ySplit=\"1\"",
        "<autoFilter ref=\"A1:N",
        "outlineLevel=\"2\"",
    ] {
        assert!(sheet.contains(needle), "the tracker sheet has {needle}");
    }

    // Sheet 2: each measure's values, with its baseline and target.
    let rows = sheet_rows(&mut workbook, "Measures");
    let col = |name| column(&rows[0], name);
    for measure in measures_of(&view) {
        let id = measure["id"].as_str().expect("id");
        let mine: Vec<&Vec<Data>> = rows
            .iter()
            .skip(1)
            .filter(|row| text(&row[col("Ref")]) == id)
            .collect();
        let values = measure["values"].as_u64().expect("a count") as usize;
        assert_eq!(mine.len(), values.max(1), "a row per value of {id}");
        let number = |v: &Value| {
            v.as_str()
                .expect("a decimal")
                .parse::<f64>()
                .expect("a number")
        };
        for row in &mine {
            assert_eq!(
                row[col("Baseline")],
                Data::Float(number(&measure["baseline"]))
            );
            assert_eq!(row[col("Target")], Data::Float(number(&measure["target"])));
        }
        if let Some(latest) = measure["latest"].as_object() {
            let row = mine
                .iter()
                .find(|row| !text(&row[col("Progress")]).is_empty())
                .unwrap_or_else(|| panic!("the latest value of {id} says how it is going"));
            assert_eq!(row[col("Value")], Data::Float(number(&latest["value"])));
            match &row[col("Date")] {
                Data::DateTime(date) => assert_eq!(
                    date.as_f64(),
                    excel_serial(latest["on"].as_str().expect("a date"))
                ),
                other => panic!("the date of {id}'s value is not a date: {other:?}"),
            }
        }
    }

    // Sheet 3: the history at the same point, as the timeline tells it.
    let mut args = vec!["timeline"];
    args.extend_from_slice(point);
    let timeline = sandbox.json(&args).json_lines();
    let rows = sheet_rows(&mut workbook, "History");
    let col = |name| column(&rows[0], name);
    assert_eq!(
        rows.len() - 1,
        timeline.len(),
        "a row per event at the point"
    );
    for (row, entry) in rows.iter().skip(1).zip(&timeline) {
        assert_eq!(
            row[col("Event")],
            Data::Float(entry["seq"].as_u64().expect("seq") as f64)
        );
        assert_eq!(
            text(&row[col("What happened")]),
            entry["sentence"].as_str().expect("sentence")
        );
        assert_eq!(
            text(&row[col("Hash")]),
            entry["hash"].as_str().expect("hash")
        );
    }
}

#[test]
fn the_tracker_workbook_holds_the_plan_now_and_as_of_a_board() {
    let sandbox = demo();
    let wrote = sandbox
        .run(&["show", "--format", "xlsx", "--out", "tracker.xlsx"])
        .success();
    assert!(
        wrote.stdout.contains("Wrote the tracker") && wrote.stdout.contains("tracker.xlsx"),
        "{}",
        wrote.stdout
    );
    check_workbook(&sandbox, &sandbox.root().join("tracker.xlsx"), &[]);
    // Now, some deadlines have passed: the check above has seen them marked.
    let now = sandbox.json(&["show"]).json();
    assert!(
        now["counts"]["overdue"].as_u64() > Some(0),
        "{}",
        now["counts"]
    );

    // As it stood on the day after the first monitoring visit.
    let point = ["--as-of", "2021-11-18"];
    let mut args = vec!["show", "--format", "xlsx", "--out", "board.xlsx"];
    args.extend_from_slice(&point);
    sandbox.run(&args).success();
    let board = sandbox.root().join("board.xlsx");
    check_workbook(&sandbox, &board, &point);

    // `--out` takes the other formats too: the same CSV as on standard output.
    let mut csv = vec!["show", "--format", "csv"];
    csv.extend_from_slice(&point);
    let printed = sandbox.run(&csv).success().stdout;
    csv.extend_from_slice(&["--out", "tracker.csv"]);
    sandbox.run(&csv).success();
    let written = std::fs::read_to_string(sandbox.root().join("tracker.csv")).expect("the CSV");
    assert_eq!(written, printed, "--out writes what would be printed");

    // The same point gives the same bytes; an existing file is kept unless --force.
    let again = sandbox.run(&args).code_is(2);
    assert!(
        again.stderr.contains("already exists; give --force"),
        "{}",
        again.stderr
    );
    let first = std::fs::read(&board).expect("the workbook");
    args.push("--force");
    sandbox.run(&args).success();
    assert_eq!(
        std::fs::read(&board).expect("the workbook"),
        first,
        "reproducible"
    );
}

/// The facts of each action an import can carry: what `wsoa show --format json` says of them.
fn tracker_facts(view: &Value) -> BTreeMap<String, Vec<Value>> {
    actions_of(view)
        .into_iter()
        .map(|action| {
            let facts = [
                "title",
                "owner",
                "due",
                "status",
                "rag",
                "workstream",
                "success",
            ]
            .iter()
            .map(|field| action[*field].clone())
            .collect();
            (action["id"].as_str().expect("id").to_owned(), facts)
        })
        .collect()
}

#[test]
fn the_tracker_workbook_imports_back_into_the_same_plan() {
    let sandbox = demo();
    sandbox
        .run(&["show", "--format", "xlsx", "--out", "tracker.xlsx"])
        .success();
    // Into the ledger it came from: it already says everything the workbook says.
    let same = sandbox
        .json(&["import", "tracker", "tracker.xlsx", "--dry-run"])
        .json();
    assert_eq!(same["problems"], serde_json::json!([]), "{same}");
    assert_eq!(
        same["steps"],
        serde_json::json!([]),
        "nothing to record: {same}"
    );
    assert_eq!(
        same["action_rows"],
        actions_of(&sandbox.json(&["show"]).json()).len()
    );

    // Into a new ledger: the same weaknesses, workstreams and actions, and a second import
    // of the same file records nothing.
    let fresh = Sandbox::opened();
    let workbook = sandbox.root().join("tracker.xlsx");
    let workbook = workbook.to_str().expect("a UTF-8 path");
    fresh.json(&["import", "tracker", workbook]);
    let (original, imported) = (sandbox.json(&["show"]).json(), fresh.json(&["show"]).json());
    assert_eq!(tracker_facts(&imported), tracker_facts(&original));
    let names = |view: &Value| -> Vec<(Value, Value)> {
        view["weaknesses"]
            .as_array()
            .expect("weaknesses")
            .iter()
            .map(|w| (w["id"].clone(), w["title"].clone()))
            .collect()
    };
    assert_eq!(names(&imported), names(&original), "the areas of weakness");
    let again = fresh
        .json(&["import", "tracker", workbook, "--dry-run"])
        .json();
    assert_eq!(again["steps"], serde_json::json!([]), "{again}");
}

/// The paragraphs of a Word document's body: (style, text), tables' cells included.
fn paragraphs(document: &str) -> Vec<(String, String)> {
    let unescape = |t: &str| {
        t.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    };
    let mut found = Vec::new();
    let mut rest = document;
    while let Some(at) = rest.find("<w:p") {
        let after = &rest[at + 4..];
        if !after.starts_with(['>', ' ']) {
            rest = after;
            continue;
        }
        let end = after.find("</w:p>").expect("a paragraph ends");
        let body = &after[..end];
        let style = body
            .find("<w:pStyle ")
            .and_then(|s| attribute(&body[s..], "w:val"))
            .unwrap_or("")
            .to_owned();
        let mut words = String::new();
        let mut runs = body;
        while let Some(t) = runs.find("<w:t") {
            let tag = &runs[t + 4..];
            if tag.starts_with(['>', ' ']) {
                let open = tag.find('>').expect("a tag ends") + 1;
                let close = tag.find("</w:t>").unwrap_or(open);
                words.push_str(&unescape(&tag[open..close]));
            }
            runs = tag;
        }
        found.push((style, words));
        rest = &after[end..];
    }
    found
}

/// Checks that every element opened in an XML text is closed in order.
fn check_xml(xml: &str) {
    let mut open: Vec<&str> = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("every tag ends with >") + start;
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') || tag.ends_with('/') {
            continue;
        }
        let name = tag.split_whitespace().next().expect("a tag name");
        match name.strip_prefix('/') {
            Some(closing) => assert_eq!(open.pop(), Some(closing), "</{closing}> is misplaced"),
            None => open.push(name),
        }
    }
    assert!(open.is_empty(), "left open: {open:?}");
}

#[test]
fn the_narrative_as_a_word_document_has_a_heading_per_weakness_tables_and_the_verification_last() {
    let sandbox = demo();
    let wrote = sandbox
        .run(&["narrative", "--format", "docx", "--out", "narrative.docx"])
        .success();
    assert!(
        wrote.stdout.contains("as a Word document"),
        "{}",
        wrote.stdout
    );
    let path = sandbox.root().join("narrative.docx");
    let document = zip_part(&path, "word/document.xml");
    check_xml(&document);
    let styles = zip_part(&path, "word/styles.xml");
    for needle in [
        "w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"",
        "<w:outlineLvl w:val=\"0\" />",
        "w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"",
    ] {
        assert!(styles.contains(needle), "styles.xml has {needle}: {styles}");
    }

    let view = sandbox.json(&["show"]).json();
    let paragraphs = paragraphs(&document);
    let headings: Vec<&str> = paragraphs
        .iter()
        .filter(|(style, _)| style == "Heading1")
        .map(|(_, text)| text.as_str())
        .collect();
    let weaknesses: Vec<String> = view["weaknesses"]
        .as_array()
        .expect("weaknesses")
        .iter()
        .map(|w| {
            format!(
                "{}: {}",
                w["id"].as_str().expect("id"),
                w["title"].as_str().expect("title")
            )
        })
        .collect();
    let mut position = 0;
    for weakness in &weaknesses {
        position += headings[position..]
            .iter()
            .position(|h| h == weakness)
            .unwrap_or_else(|| panic!("no Heading 1 {weakness:?} (in order) in {headings:?}"));
    }
    assert_eq!(
        headings[..3],
        ["Contents", "Executive summary", "About this document"],
        "{headings:?}"
    );
    assert_eq!(
        headings.last(),
        Some(&"Verification"),
        "the verification is last: {headings:?}"
    );
    let sub: Vec<&str> = paragraphs
        .iter()
        .filter(|(style, _)| style == "Heading2")
        .map(|(_, text)| text.as_str())
        .collect();
    for heading in [
        "The area\u{2019}s judgement",
        "Actions",
        "Measures of impact",
        "What is next",
    ] {
        assert_eq!(
            sub.iter().filter(|h| **h == heading).count(),
            weaknesses.len(),
            "a Heading 2 {heading:?} per weakness"
        );
    }

    // Tables: the actions (every reference in a cell), the measures, the appendix; each marks
    // its header row to repeat on every page the table runs onto.
    assert!(
        document.matches("<w:tbl>").count() > weaknesses.len(),
        "tables of actions, measures and cited events"
    );
    assert_eq!(
        document.matches("<w:tblHeader />").count(),
        document.matches("<w:tbl>").count(),
        "one repeating header row per table"
    );
    let cells: Vec<&str> = paragraphs.iter().map(|(_, text)| text.as_str()).collect();
    for heading in [
        "Ref",
        "Lead",
        "Deadline",
        "Status",
        "RAG",
        "Baseline",
        "Trajectory",
        "Latest",
        "Judgement",
        "Slip",
        "Evidence",
        "Hash begins",
    ] {
        assert!(cells.contains(&heading), "a table has a {heading:?} column");
    }
    for action in actions_of(&view) {
        let id = action["id"].as_str().expect("id");
        assert!(cells.contains(&id), "action {id} is in a table");
        if let Some(rag) = action["rag"].as_str() {
            let fill = &FILLS.iter().find(|(w, _)| *w == rag).expect("a RAG").1[2..];
            assert!(
                document.contains(&format!("w:fill=\"{fill}\"")),
                "a {rag} RAG cell is filled {fill}"
            );
        }
    }

    // The same events give the same bytes.
    let first = std::fs::read(&path).expect("the document");
    sandbox
        .run(&[
            "narrative",
            "--format",
            "docx",
            "--out",
            "narrative.docx",
            "--force",
        ])
        .success();
    assert_eq!(
        std::fs::read(&path).expect("the document"),
        first,
        "reproducible"
    );

    // The verification statement ends the document, with the head that `wsoa verify` reports.
    let head = sandbox.verified()["head"]
        .as_str()
        .expect("a head")
        .to_owned();
    let last = paragraphs
        .iter()
        .rev()
        .find(|(_, text)| !text.is_empty())
        .map(|(_, text)| text.as_str())
        .expect("the document has text");
    assert!(
        last.contains(&head) && last.contains("Anyone with the ledger can rebuild this document"),
        "the last paragraph is the verification statement: {last}"
    );
}

/// Checks that a program is on PATH (it can be started at all; `version` is an option that
/// makes it print its version and stop), or fails saying how to install it.
fn require(program: &str, version: &str, package: &str) {
    let found = Command::new(program).arg(version).output().is_ok();
    assert!(
        found,
        "`{program}` is not on PATH: install it with `apt-get install -y --no-install-recommends {package}` \
         (.ci/run installs it); this test opens the Word document with a real reader"
    );
}

#[test]
fn libreoffice_opens_the_word_document_and_prints_it_as_the_narrative() {
    require("soffice", "--version", "libreoffice-writer-nogui");
    require("pdftotext", "-v", "poppler-utils");
    let sandbox = demo();
    sandbox
        .run(&["narrative", "--format", "docx", "--out", "narrative.docx"])
        .success();
    // A profile of its own, so that runs in parallel (and a user's LibreOffice) never collide.
    let profile = sandbox.root().join("libreoffice-profile");
    let pdf_dir = sandbox.root().join("pdf");
    let mut soffice = Command::new("soffice");
    soffice
        .current_dir(sandbox.root())
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&pdf_dir)
        .arg("narrative.docx");
    let converted = run_command(soffice);
    assert_eq!(converted.code, Some(0), "soffice failed: {converted:?}");
    let pdf = pdf_dir.join("narrative.pdf");
    let bytes = std::fs::read(&pdf)
        .unwrap_or_else(|err| panic!("LibreOffice wrote no PDF ({err}): {converted:?}"));
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    assert!(
        bytes.len() > 20_000,
        "a PDF of the whole narrative, not an empty page: {} bytes",
        bytes.len()
    );

    let mut pdftotext = Command::new("pdftotext");
    pdftotext.arg(&pdf).arg("-");
    let read = run_command(pdftotext).success().stdout;
    // The appendix of cited events runs over several pages, each starting with its header row.
    let appendix_pages = read
        .split('\u{c}')
        .filter(|page| page.contains("Hash begins"))
        .count();
    assert!(
        appendix_pages >= 2,
        "the appendix's header row repeats on each of its pages ({appendix_pages} found)"
    );
    let read = read.split_whitespace().collect::<Vec<_>>().join(" ");
    let view = sandbox.json(&["show"]).json();
    let first = &view["weaknesses"][0];
    let heading = format!(
        "{}: {}",
        first["id"].as_str().expect("id"),
        first["title"].as_str().expect("title")
    );
    let head = sandbox.verified()["head"]
        .as_str()
        .expect("a head")
        .to_owned();
    for expected in [
        heading.as_str(),
        "Executive summary",
        "Measures of impact",
        "Verification",
        &head[..12],
    ] {
        assert!(
            read.contains(expected),
            "the PDF says {expected:?}:\n{read}"
        );
    }
}

#[test]
fn the_narrative_as_a_pdf_is_the_html_page_printed_by_chromium() {
    require("chromium", "--version", "chromium");
    require("pdftotext", "-v", "poppler-utils");
    let sandbox = demo();
    let wrote = sandbox
        .run(&["narrative", "--format", "pdf", "--out", "narrative.pdf"])
        .success();
    assert!(wrote.stdout.contains("as a PDF"), "{}", wrote.stdout);
    let pdf = sandbox.root().join("narrative.pdf");
    let bytes = std::fs::read(&pdf).expect("the PDF");
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    let mut pdftotext = Command::new("pdftotext");
    pdftotext.arg(&pdf).arg("-");
    let read = run_command(pdftotext).success().stdout;
    let read = read.split_whitespace().collect::<Vec<_>>().join(" ");
    let head = sandbox.verified()["head"]
        .as_str()
        .expect("a head")
        .to_owned();
    for expected in ["About this document", "Verification", &head[..16]] {
        assert!(
            read.contains(expected),
            "the PDF says {expected:?}:\n{read}"
        );
    }
    // An existing file is kept unless --force.
    let kept = sandbox
        .run(&["narrative", "--format", "pdf", "--out", "narrative.pdf"])
        .code_is(2);
    assert!(kept.stderr.contains("--force"), "{}", kept.stderr);
}

#[test]
fn without_a_browser_the_pdf_is_refused_with_what_to_do_instead() {
    let sandbox = Sandbox::opened();
    let mut command = sandbox.command();
    command
        .env("PATH", sandbox.root())
        .env_remove("WSOA_CHROMIUM")
        .args(["narrative", "--format", "pdf", "--out", "n.pdf"]);
    let refused = run_command(command);
    assert_ne!(refused.code, Some(0), "{refused:?}");
    for words in ["apt-get install chromium", "WSOA_CHROMIUM", "--format html"] {
        assert!(
            refused.stderr.contains(words),
            "{words}: {}",
            refused.stderr
        );
    }
    assert!(!sandbox.root().join("n.pdf").exists(), "nothing is written");

    let mut command = sandbox.command();
    command
        .env("WSOA_CHROMIUM", sandbox.root().join("no-such-browser"))
        .args(["narrative", "--format", "pdf", "--out", "n.pdf"]);
    let refused = run_command(command);
    assert!(
        refused.stderr.contains("which is not a file"),
        "{}",
        refused.stderr
    );
}

#[test]
fn binary_formats_need_out_and_the_command_that_writes_them() {
    let sandbox = Sandbox::opened();
    let before = sandbox.verified();
    for (args, expected) in [
        (
            &["show", "--format", "xlsx"][..],
            "--format xlsx writes a file; give --out FILE",
        ),
        (
            &["narrative", "--format", "docx"],
            "--format docx writes a file; give --out FILE",
        ),
        (
            &["narrative", "--format", "xlsx", "--out", "x.xlsx"],
            "--format xlsx is only for `wsoa show`",
        ),
        (
            &["show", "--format", "docx", "--out", "x.docx"],
            "--format docx is only for `wsoa narrative`",
        ),
        (
            &[
                "narrative",
                "--format",
                "docx",
                "--style",
                "html",
                "--out",
                "x.docx",
            ],
            "--style html cannot be used with --format docx",
        ),
        (
            &["timeline", "--format", "xlsx"],
            "--format xlsx is only for `wsoa show`",
        ),
        (
            &["log", "--format", "docx"],
            "--format docx is only for `wsoa narrative`",
        ),
        (
            &["narrative", "--format", "csv"],
            "--format csv is only for `wsoa show`",
        ),
    ] {
        sandbox.refuses(&before, args, &[expected]);
    }
    for file in ["x.xlsx", "x.docx"] {
        assert!(
            !sandbox.root().join(file).exists(),
            "{file} was not written"
        );
    }

    // The options are checked before the ledger is opened: no ledger, still the same advice.
    let empty = Sandbox::new();
    let refused = empty.run(&["show", "--format", "xlsx"]).code_is(2);
    assert!(
        refused.stderr.contains("give --out FILE"),
        "{}",
        refused.stderr
    );

    // An existing file is kept unless --force.
    let kept = sandbox.file("kept.docx", b"someone's document");
    let refused = sandbox
        .run(&["narrative", "--format", "docx", "--out", "kept.docx"])
        .code_is(2);
    assert!(
        refused.stderr.contains("already exists; give --force"),
        "{}",
        refused.stderr
    );
    assert_eq!(std::fs::read(&kept).expect("kept"), b"someone's document");
}
