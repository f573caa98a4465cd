//! The core and the store speak the domain's words: no message, sentence or label written by
//! the rules, the reading projections or the store names a command-line option, an environment
//! variable or a `wsoa` command. Each front door words a refusal its own way (the command line adds its options, the
//! pages the field beside which to show it, the API the code), so the core's text must suit all
//! of them. (The tracker importer, a command-line import whose messages name its own options,
//! is a crate of its own, `wsoa-tracker`.)

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("core/src is readable") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// The string literals of the code before its tests, with their line numbers.
fn literals(text: &str) -> Vec<(usize, String)> {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    let mut found = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") {
            continue;
        }
        let mut rest = line;
        while let Some(start) = rest.find('"') {
            let after = &rest[start + 1..];
            let mut end = None;
            let mut escaped = false;
            for (i, c) in after.char_indices() {
                match c {
                    '\\' if !escaped => escaped = true,
                    '"' if !escaped => {
                        end = Some(i);
                        break;
                    }
                    _ => escaped = false,
                }
            }
            match end {
                Some(end) => {
                    found.push((n + 1, after[..end].to_owned()));
                    rest = &after[end + 1..];
                }
                None => {
                    found.push((n + 1, after.to_owned()));
                    break;
                }
            }
        }
    }
    found
}

fn names_the_command_line(literal: &str) -> bool {
    let option = literal.match_indices("--").any(|(i, _)| {
        literal[i + 2..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase())
            && !literal[..i].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '-')
    });
    option
        || literal.contains("`wsoa")
        || literal.contains("wsoa init")
        || literal.contains("WSOA_")
}

#[test]
fn no_message_of_the_core_or_the_store_names_an_option_a_variable_or_a_command() {
    let core = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&core.join("src"), &mut files);
    sources(&core.join("../store/src"), &mut files);
    assert!(
        files.len() > 30,
        "the core's and the store's sources are found: {files:?}"
    );
    let mut offending = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable");
        for (line, literal) in literals(&text) {
            if names_the_command_line(&literal) {
                offending.push(format!("{}:{line}: {literal}", file.display()));
            }
        }
    }
    assert!(
        offending.is_empty(),
        "the core's or the store's text names the command line:\n{}",
        offending.join("\n")
    );
}

#[test]
fn the_check_finds_options_commands_and_variables() {
    assert!(names_the_command_line("give --on DATE"));
    assert!(names_the_command_line("run `wsoa init --area NAME`"));
    assert!(names_the_command_line("set WSOA_TOKEN"));
    assert!(!names_the_command_line("give the day it happened"));
    assert!(!names_the_command_line("1--2"));
}
