//! `wsoa narrative`: a small statement recorded through the CLI is told back weakness by
//! weakness, in Markdown and in HTML, ending with the head hash that `wsoa verify` reports.

use crate::harness::Sandbox;

const FINDING: &str = "There is no quality assurance framework for the local area's work for \
children and young people with SEND <script>alert(1)</script>.";

/// Checks that every tag opened is closed in order (void elements excepted) and nothing is
/// left open: a tiny well-formedness check for the page `wsoa narrative` writes.
pub fn check_well_formed(html: &str) {
    const VOID: &[&str] = &["meta", "br", "hr", "img", "link", "input"];
    let rest = html
        .strip_prefix("<!DOCTYPE html>")
        .expect("the page starts with a doctype");
    let mut open: Vec<String> = Vec::new();
    let mut rest = rest;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("every tag ends with >") + start;
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop().as_deref(), Some(name), "</{name}> is misplaced");
        } else {
            let name = tag
                .split(|c: char| c.is_whitespace() || c == '/')
                .next()
                .expect("a tag name")
                .to_owned();
            assert!(
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()),
                "a bad tag <{tag}>"
            );
            if name == "style" {
                let close = rest.find("</style>").expect("style is closed");
                rest = &rest[close + "</style>".len()..];
            } else if !VOID.contains(&name.as_str()) {
                open.push(name);
            }
        }
    }
    assert!(open.is_empty(), "left open: {open:?}");
}

#[test]
fn the_narrative_tells_the_statement_back_and_ends_with_the_verified_head() {
    let sandbox = Sandbox::opened();
    for args in [
        &[
            "inspection",
            "record",
            "--from",
            "2021-03-08",
            "--to",
            "2021-03-12",
            "--published",
            "2021-04-20",
            "--on",
            "2021-04-20",
        ][..],
        &[
            "weakness",
            "add",
            "W1",
            "--title",
            "Quality assurance",
            "--finding",
            FINDING,
            "--on",
            "2021-04-20",
        ],
        &[
            "workstream",
            "add",
            "WS1",
            "--title",
            "Quality assurance framework",
            "--sponsor",
            "Assistant Director, Quality and Performance",
            "--weakness",
            "W1",
            "--on",
            "2021-05-10",
        ],
        &[
            "action",
            "add",
            "1.1",
            "--workstream",
            "WS1",
            "--title",
            "Appoint a SEND quality assurance officer",
            "--owner",
            "Head of SEND",
            "--due",
            "2021-09-30",
            "--on",
            "2021-05-10",
        ],
        &[
            "action",
            "status",
            "1.1",
            "complete",
            "--rag",
            "green",
            "--note",
            "QA officer started on 1 September",
            "--on",
            "2021-09-01",
        ],
        &[
            "measure",
            "add",
            "M1",
            "--title",
            "EHC plans issued within 20 weeks",
            "--unit",
            "%",
            "--baseline",
            "12",
            "--baseline-on",
            "2021-03-31",
            "--target",
            "60",
            "--target-by",
            "2022-09-30",
            "--weakness",
            "W1",
            "--on",
            "2021-09-06",
        ],
        &[
            "measure",
            "record",
            "M1",
            "63",
            "--source",
            "EHC hub report, June 2022",
            "--on",
            "2022-06-30",
        ],
    ] {
        sandbox.record(args);
    }
    let report = sandbox.verified();
    let head = report["head"].as_str().expect("verify reports the head");
    let events = report["events"].as_u64().expect("verify counts the events");

    let markdown = sandbox.run(&["narrative"]).success().stdout;
    assert!(
        markdown.contains("There is no quality assurance framework for the local area's work"),
        "{markdown}"
    );
    assert!(
        markdown.contains("\\<script\\>alert(1)\\</script\\>"),
        "{markdown}"
    );
    assert!(!markdown.contains("<script>"), "{markdown}");
    // The action is a row of its finding's table: complete, green, no slip.
    assert!(
        markdown.contains(
            "| 1\\.1 | Appoint a SEND quality assurance officer | Head of SEND | 30 September 2021 | complete | green | none | none |"
        ),
        "{markdown}"
    );
    assert!(
        markdown.contains(
            "EHC plans issued within 20 weeks rose from 12% (31 March 2021) to 63% (30 June 2022), \
             against a target of 60% by 30 September 2022: the target has been met."
        ),
        "{markdown}"
    );
    assert!(
        markdown.contains(&format!(
            "Built from the first {events} events of the ledger, whose head hash is {head}."
        )),
        "{markdown}"
    );

    // The same ledger gives the same text.
    assert_eq!(sandbox.run(&["narrative"]).success().stdout, markdown);

    // Before the measure's value was recorded, the narrative says so.
    let earlier = sandbox
        .run(&["narrative", "--as-of", "2021-12-31"])
        .success()
        .stdout;
    assert!(
        earlier.contains("No value has been recorded since the baseline."),
        "{earlier}"
    );
    // A point in time is judged at its own day; now, at the day `wsoa show` judges at.
    assert!(
        earlier.contains("Judged at 31 December 2021: "),
        "{earlier}"
    );
    let shown = sandbox.run(&["show", "--out", "plan.txt"]).success().stdout;
    let today = shown
        .split("as it stood on ")
        .nth(1)
        .and_then(|rest| rest.split(" (").next())
        .expect("show says the day it judges at");
    assert!(
        markdown.contains(&format!("Judged at {today}: ")),
        "judged at {today}: {markdown}"
    );

    // HTML to a file: no script, well formed, and never overwritten without --force.
    let page = sandbox.root().join("f.html");
    let path = page.to_str().expect("UTF-8 path");
    sandbox
        .run(&["narrative", "--format", "html", "--out", path])
        .success();
    let html = std::fs::read_to_string(&page).expect("the narrative was written");
    // `--format` chooses the format; `--style` is the same, kept for older scripts.
    let by_style = sandbox
        .run(&["narrative", "--style", "html"])
        .success()
        .stdout;
    let by_format = sandbox
        .run(&["narrative", "--format", "html"])
        .success()
        .stdout;
    assert_eq!(by_style, by_format);
    assert_eq!(by_format, html);
    let markdown = sandbox
        .run(&["narrative", "--format", "md"])
        .success()
        .stdout;
    assert!(markdown.starts_with("# Impact narrative"), "{markdown}");
    let clash = sandbox
        .run(&["narrative", "--format", "md", "--style", "html"])
        .code_is(2);
    assert!(
        clash
            .stderr
            .contains("--style html and --format md ask for two different formats"),
        "{}",
        clash.stderr
    );
    let elsewhere = sandbox.run(&["show", "--format", "html"]).code_is(2);
    assert!(
        elsewhere
            .stderr
            .contains("--format html is only for `wsoa narrative`"),
        "{}",
        elsewhere.stderr
    );
    assert!(!html.to_lowercase().contains("<script"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains(head));
    check_well_formed(&html);
    let refused = sandbox
        .run(&["narrative", "--style", "html", "--out", path])
        .code_is(2);
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    sandbox
        .run(&["narrative", "--out", path, "--force"])
        .success();
    assert!(
        std::fs::read_to_string(&page)
            .expect("rewritten")
            .starts_with("# Impact narrative")
    );
}
