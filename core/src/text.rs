//! Free text: which characters the ledger refuses in what people type (control characters,
//! bidirectional controls, zero-width and other invisible formatting characters), how stored
//! text is shown safely on a terminal, and how a spreadsheet cell is kept from being run as a
//! formula and read back.

use std::borrow::Cow;

/// Whether `c` is refused in free text. Tabs and line feeds are allowed only in text that may
/// run over several lines (notes, findings, summaries, reasons); every other control character
/// (Unicode category Cc), every invisible formatting character (category Cf: bidirectional
/// controls, zero-width characters, the byte order mark) and the Unicode line and paragraph
/// separators are refused everywhere.
pub fn refused(c: char, multi_line: bool) -> bool {
    match c {
        '\n' | '\t' => !multi_line,
        _ => c.is_control() || is_format(c) || matches!(c, '\u{2028}' | '\u{2029}'),
    }
}

/// The first refused character of `value`, with its position counted in characters from 1.
pub fn first_refused(value: &str, multi_line: bool) -> Option<(usize, char)> {
    value
        .chars()
        .enumerate()
        .find(|(_, c)| refused(*c, multi_line))
        .map(|(i, c)| (i + 1, c))
}

/// A refused character in words, with its code point: "a right-to-left override (U+202E)".
pub fn describe(c: char) -> String {
    let name = match c {
        '\0' => "a null character",
        '\t' => "a tab",
        '\n' => "a line break",
        '\r' => "a carriage return",
        '\u{1b}' => "an escape character",
        '\u{7f}' => "a delete character",
        '\u{ad}' => "a soft hyphen",
        '\u{61c}' => "an Arabic letter mark",
        '\u{200b}' => "a zero-width space",
        '\u{200c}' => "a zero-width non-joiner",
        '\u{200d}' => "a zero-width joiner",
        '\u{200e}' => "a left-to-right mark",
        '\u{200f}' => "a right-to-left mark",
        '\u{2028}' => "a line separator",
        '\u{2029}' => "a paragraph separator",
        '\u{202a}' => "a left-to-right embedding",
        '\u{202b}' => "a right-to-left embedding",
        '\u{202c}' => "a pop directional formatting",
        '\u{202d}' => "a left-to-right override",
        '\u{202e}' => "a right-to-left override",
        '\u{2060}' => "a word joiner",
        '\u{2066}' => "a left-to-right isolate",
        '\u{2067}' => "a right-to-left isolate",
        '\u{2068}' => "a first strong isolate",
        '\u{2069}' => "a pop directional isolate",
        '\u{feff}' => "a zero-width no-break space (byte order mark)",
        c if c.is_control() => "a control character",
        _ => "an invisible formatting character",
    };
    format!("{name} ({})", code_point(c))
}

/// What to do about a refused character, for messages.
pub fn advice(c: char) -> &'static str {
    match c {
        '\n' | '\t' => "this field is a single line: remove it",
        '\r' => "remove it (a line break is a plain new line)",
        _ => "remove it",
    }
}

fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// Unicode general category Cf (format characters), as of Unicode 15.1.
fn is_format(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{600}'..='\u{605}'
            | '\u{61c}'
            | '\u{6dd}'
            | '\u{70f}'
            | '\u{890}'..='\u{891}'
            | '\u{8e2}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{110bd}'
            | '\u{110cd}'
            | '\u{13430}'..='\u{1343f}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0001}'
            | '\u{e0020}'..='\u{e007f}'
    )
}

/// Text from an event made safe to print on one line of a terminal: a line break is shown as
/// `⏎`, and every other character the ledger refuses (control characters, bidirectional
/// controls, zero-width characters) as `<U+XXXX>`, so that text recorded before these rules
/// (or forged) cannot move the cursor, recolour the terminal, reorder what is shown or forge a
/// line. Tabs are kept.
pub fn terminal_line(text: &str) -> Cow<'_, str> {
    // Printable ASCII and tabs, the common case, are checked a byte at a time.
    if text
        .bytes()
        .all(|b| b == b'\t' || (0x20..0x7f).contains(&b))
        || !text.chars().any(|c| c != '\t' && refused(c, false))
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if c == '\n' {
            out.push('\u{23ce}');
        } else if c != '\t' && refused(c, false) {
            out.push('<');
            out.push_str(&code_point(c));
            out.push('>');
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The characters that make a spreadsheet treat a cell as a formula (OWASP's list).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether a cell needs the quote: it starts with a formula character, possibly after quotes
/// (so that a text that really starts with a quote and a formula character reads back exactly).
fn formula_like(value: &str) -> bool {
    value.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// A CSV cell that a spreadsheet will show as text, never run as a formula: a value starting
/// with `=`, `+`, `-`, `@`, a tab or a carriage return (after any quotes) gets a single quote in
/// front, as OWASP recommends. [`csv_cell_back`] undoes it.
pub fn csv_cell(value: &str) -> Cow<'_, str> {
    if formula_like(value) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// The text a CSV cell written by [`csv_cell`] stands for: the quote in front of a formula
/// character is removed; any other cell is returned as it is.
pub fn csv_cell_back(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if formula_like(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_that_look_like_formulas_are_quoted_and_read_back() {
        for value in [
            "=HYPERLINK(\"http://x\")",
            "+44 1234",
            "-5 days",
            "@SUM(A1)",
            "\tindented",
            "\rreturn",
            "'=already quoted",
            "''+twice",
        ] {
            let cell = csv_cell(value);
            assert!(cell.starts_with('\''), "{value:?} -> {cell:?}");
            assert_eq!(csv_cell_back(&cell), value);
        }
        for value in ["Plain title", "'quoted", "", "'", "1.1", "a=b", "x-y"] {
            assert_eq!(csv_cell(value), value);
            assert_eq!(csv_cell_back(value), value);
        }
    }

    #[test]
    fn refused_characters_are_named_with_their_code_point() {
        assert_eq!(
            first_refused("abc\u{202e}def", false),
            Some((4, '\u{202e}'))
        );
        assert_eq!(describe('\u{202e}'), "a right-to-left override (U+202E)");
        assert_eq!(describe('\u{7}'), "a control character (U+0007)");
        assert_eq!(first_refused("one\ntwo\tthree", true), None);
        assert_eq!(first_refused("one\ntwo", false), Some((4, '\n')));
        assert_eq!(first_refused("one\r\ntwo", true), Some((4, '\r')));
        assert_eq!(first_refused("Ofsted’s “letter” — é ✓ 😀", false), None);
    }

    #[test]
    fn terminal_lines_show_hidden_characters_as_code_points() {
        assert_eq!(
            terminal_line("A. \u{1b}[31mPatel\u{202e}\r\nnext"),
            "A. <U+001B>[31mPatel<U+202E><U+000D>\u{23ce}next"
        );
        assert!(matches!(terminal_line("plain\ttext"), Cow::Borrowed(_)));
    }
}
