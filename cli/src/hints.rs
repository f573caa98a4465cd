//! The command line's own words for a refusal: the rules say what was wrong in the domain's
//! terms (`Rejection`, or the code a server answered with), and this adds the option or command
//! that puts it right, for the command that was run. The API and the web pages word the same
//! refusal their own way.

/// The hint for a refusal with `code` of the command `path` (`action status`), if one helps.
pub fn for_refusal(path: &str, code: &str) -> Option<String> {
    let hint = match (path, code) {
        (_, "not_opened") => "open the ledger first: `wsoa init --area NAME`",
        ("action status", "reopen_needs_note") => "say why with --note TEXT",
        ("action status", "nothing_changed") => {
            "to record news only, use `wsoa note add --about ID --text TEXT`"
        }
        ("action amend", "nothing_changed") => "give a new --owner, --due or --title",
        ("workstream amend", "nothing_changed") => "give a new --title, --sponsor or --weakness",
        ("risk update", "nothing_changed") => "give a new --level or --mitigation, or a --note",
        ("measure amend", "nothing_changed") => {
            "give --definition, --period or --trajectory DATE=VALUE"
        }
        ("evidence attach", "empty_list") => "add --supports ID",
        ("plan start", "empty_list") => "add --answers FINDING",
        ("workstream add" | "measure add", "empty_list") => "add --weakness ID",
        ("visit record", "empty_list") => {
            "add --summary, --strength, --concern, --next-step or --letter"
        }
        ("review record", "empty_list") => "add --assess WORKSTREAM=on-track",
        ("measure add", "inconsistent") => {
            "--lower-is-better says that lower values are better; leave it out if higher are"
        }
        ("plan submit" | "plan accept" | "plan revise", "wrong_stage") => {
            "a plan's steps are `wsoa plan submit`, `wsoa plan accept` and `wsoa plan revise` (with --plan ID for a plan started after the WSoA)"
        }
        ("milestone met" | "milestone missed", "unknown_id") => {
            "add it first with `wsoa milestone add ACTION ID --title TEXT --due DATE`"
        }
        ("inspection record", "inconsistent" | "wrong_stage") => {
            "give --framework 2016|2023, --kind full|monitoring|revisit and --outcome (2023 only) as the inspection was; to put right one recorded, use `wsoa correct SEQ --reason TEXT`"
        }
        (_, "date_order") => {
            "give the day it happened with --on DATE; to put right an earlier event's date, use `wsoa correct SEQ --reason TEXT`"
        }
        (_, "in_future") => "give the day it happened with --on DATE",
        (_, "unknown_id" | "ambiguous_reference") => {
            "`wsoa show` lists what the plan holds, `wsoa log` every event"
        }
        (_, "blank" | "too_long" | "control_character" | "too_many" | "empty_list") => {
            return Some(format!(
                "`wsoa {path} --help` lists the options that give each part"
            ));
        }
        (_, "wrong_stage" | "inconsistent") if !path.is_empty() => {
            "to put right an earlier event, use `wsoa correct SEQ --reason TEXT`"
        }
        _ => return None,
    };
    Some(hint.to_owned())
}

/// The subcommands named on the command line, as `wsoa --help` lists them (`action status`).
pub fn command_path(matches: &clap::ArgMatches) -> String {
    let mut names = Vec::new();
    let mut current = matches;
    while let Some((name, sub)) = current.subcommand() {
        names.push(name);
        current = sub;
    }
    names.join(" ")
}
