//! The command line's own words for a refusal: the rules say what was wrong in the domain's
//! terms (`Rejection`, or the code a server answered with), and this adds the option or command
//! that puts it right, for the command that was run. The API and the web pages word the same
//! refusal their own way.

/// The command line's hint for an error of the command `path` (`action status`), if one helps:
/// for the store's own errors by their kind, for a refusal by its code (here or on a server).
pub fn for_error(err: &anyhow::Error, path: &str) -> Option<String> {
    use wsoa_store::StoreError;
    for cause in err.chain() {
        if let Some(store) = cause.downcast_ref::<StoreError>() {
            return match store {
                StoreError::Rejected(rejection) => for_refusal(path, rejection.code()),
                // As the API names it.
                StoreError::Query(_) => for_refusal(path, "bad_point"),
                StoreError::NoLedger { .. } => Some(
                    "create one with `wsoa init --area NAME`, or point --data (or WSOA_DATA) at an existing one"
                        .to_owned(),
                ),
                StoreError::InUse {
                    server: Some(url), ..
                } => Some(format!(
                    "work through it with --server {url} --token TOKEN (or set WSOA_SERVER and WSOA_TOKEN), or stop `wsoa serve` first"
                )),
                StoreError::Corrupt { .. } | StoreError::Damaged(_) | StoreError::ClockBehind { .. } => {
                    Some("`wsoa verify` gives a full report".to_owned())
                }
                StoreError::WritesStopped(_) => {
                    Some("run the command again, or restart `wsoa serve`".to_owned())
                }
                StoreError::TokenExists(name) => {
                    Some(format!("revoke it first with `wsoa token revoke '{name}'`"))
                }
                StoreError::NoSuchToken(_) => Some("`wsoa token list` shows them".to_owned()),
                StoreError::BadTokenName(_) => {
                    Some("give it with --name, e.g. --name \"A. Patel (QA)\"".to_owned())
                }
                _ => None,
            };
        }
        if let Some(remote) = cause.downcast_ref::<crate::remote::RemoteError>() {
            return for_refusal(path, &remote.code);
        }
    }
    None
}

/// The hint for a refusal with `code` of the command `path` (`action status`), if one helps.
pub fn for_refusal(path: &str, code: &str) -> Option<String> {
    let hint = match (path, code) {
        ("diff", "bad_point") => {
            "--from names the earlier moment and --to the later: an event number (seq:N), visit:N or visit:last, a date (what had happened by then), or now"
        }
        (_, "bad_point") => {
            "--at names an event number from 0; --as-of a date; visit:N the N-th monitoring visit"
        }
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
