//! Help: every subcommand's `--help` ends with an "Example:" that uses that subcommand. The
//! list of subcommands is both written out here and discovered from the binary's own help, so a
//! new subcommand without an example, or a renamed one, fails the test.

use crate::harness::{Sandbox, run_command};

const SUBCOMMANDS: &[&str] = &[
    "init",
    "inspection record",
    "weakness add",
    "finding add",
    "milestone add",
    "milestone met",
    "milestone missed",
    "coproduction add",
    "plan start",
    "monitoring review",
    "plan submit",
    "plan accept",
    "plan revise",
    "workstream add",
    "workstream amend",
    "action add",
    "action amend",
    "action status",
    "measure add",
    "measure record",
    "measure amend",
    "visit record",
    "review record",
    "risk raise",
    "risk update",
    "risk close",
    "revisit schedule",
    "revisit outcome",
    "note add",
    "correct",
    "evidence attach",
    "evidence get",
    "evidence redact",
    "log",
    "verify",
    "demo",
    "show",
    "timeline",
    "diff",
    "narrative",
    "key generate",
    "checkpoint",
    "checkpoint record",
    "cosign",
    "prove",
    "check-proof",
    "export",
    "pack",
    "import",
    "serve",
    "token create",
    "token list",
    "token revoke",
    "import tracker",
    "projections rebuild",
    "projections check",
];

/// The help text of `wsoa PATH --help`, which must exit 0.
fn help(sandbox: &Sandbox, path: &str) -> String {
    let mut command = sandbox.command();
    command.args(path.split_whitespace()).arg("--help");
    run_command(command).success().stdout
}

/// The subcommands listed under "Commands:" in a help text (without `help` itself).
fn listed(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|line| line.trim() != "Commands:")
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

/// Whether a help text's usage runs the command itself, not only its subcommands
/// (`wsoa import FILE` as well as `wsoa import tracker FILE`).
fn runs_itself(help: &str) -> bool {
    help.lines()
        .skip_while(|line| !line.starts_with("Usage:"))
        .take_while(|line| !line.trim().is_empty())
        .any(|line| !line.trim_end().ends_with("<COMMAND>"))
}

/// Every runnable subcommand, found by walking the binary's help from the top: the leaves, and
/// the commands that also run without a subcommand.
fn discover(sandbox: &Sandbox, path: &str, leaves: &mut Vec<String>) {
    let text = help(sandbox, path);
    let children = listed(&text);
    if children.is_empty() || (!path.is_empty() && runs_itself(&text)) {
        leaves.push(path.to_owned());
    }
    for child in children {
        discover(sandbox, format!("{path} {child}").trim(), leaves);
    }
}

#[test]
fn every_subcommand_help_shows_an_example() {
    let sandbox = Sandbox::new();
    let mut expected: Vec<String> = SUBCOMMANDS.iter().map(|s| (*s).to_owned()).collect();
    for path in &expected {
        let text = help(&sandbox, path);
        let example = text
            .split_once("Example:")
            .map(|(_, example)| example.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|| panic!("`wsoa {path} --help` shows no example:\n{text}"));
        let leaf = path.split_whitespace().last().expect("a path has a word");
        assert!(
            example.starts_with("wsoa ") && example.contains(&format!(" {leaf}")),
            "the example of `wsoa {path}` should use it: {example}"
        );
    }

    let mut found = Vec::new();
    discover(&sandbox, "", &mut found);
    found.sort();
    expected.sort();
    assert_eq!(found, expected, "the subcommands the binary lists");
}
