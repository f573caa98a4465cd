//! `wsoa demo` on an empty directory: it builds a realistic ledger, verifies it, writes the
//! impact narrative beside it, and every reading command works on the result.

use crate::harness::Sandbox;
use crate::narrative::check_well_formed;

#[test]
fn the_demo_builds_a_ledger_that_verifies_and_narrates() {
    let sandbox = Sandbox::new();
    let built = sandbox.json(&["demo"]).success().json();
    let events = built["events"].as_u64().expect("an event count");
    assert!(events >= 150, "{built}");
    for (what, at_least) in [
        ("weaknesses", 3),
        ("workstreams", 5),
        ("actions", 25),
        ("measures", 4),
        ("evidence", 3),
    ] {
        assert!(
            built[what].as_u64().expect("a count") >= at_least,
            "{what}: {built}"
        );
    }

    // An independent walk agrees with what the demo reported.
    let verified = sandbox.verified();
    assert_eq!(verified["events"].as_u64(), Some(events));
    assert_eq!(verified["head"], built["head"]);

    let narrative = sandbox.data().join("narrative.html");
    let html = std::fs::read_to_string(&narrative).expect("the demo writes the narrative");
    assert!(!html.contains("<script"), "the narrative has no scripts");
    check_well_formed(&html);
    assert!(
        html.contains(built["head"].as_str().expect("a head hash")),
        "the narrative ends with the head hash it was built from"
    );

    // The commands the demo suggests work on what it built.
    for args in [
        &["show"][..],
        &["show", "--point", "visit:1"],
        &["timeline", "--about", "W1"],
        &["diff", "--from", "visit:last"],
        &["log", "--from", "150"],
    ] {
        let output = sandbox.run(args).success();
        assert!(
            !output.stdout.trim().is_empty(),
            "`{}` printed nothing",
            output.command
        );
    }

    // A second demo into the same directory is refused and changes nothing.
    let again = sandbox.run(&["demo"]).code_is(2);
    assert!(
        again.stderr.contains("already holds a ledger"),
        "{}",
        again.stderr
    );
    assert_eq!(sandbox.verified(), verified);
}

#[test]
fn the_demo_grows_to_the_size_asked_for() {
    let sandbox = Sandbox::new();
    let built = sandbox.json(&["demo", "--events", "3000"]).success().json();
    assert_eq!(built["events"].as_u64(), Some(3000), "{built}");
    assert_eq!(sandbox.verified()["events"].as_u64(), Some(3000));
}

#[test]
fn the_2023_demo_holds_both_frameworks_in_one_history() {
    let sandbox = Sandbox::new();
    let built = sandbox
        .json(&["demo", "--framework", "2023"])
        .success()
        .json();
    assert_eq!(built["area"], "Eastbrook local area", "{built}");
    assert_eq!(
        sandbox.verified()["events"].as_u64(),
        built["events"].as_u64()
    );
    let plan = sandbox.json(&["show"]).success().json();
    let frameworks: Vec<_> = plan["inspections"]
        .as_array()
        .expect("the inspections")
        .iter()
        .map(|inspection| inspection["framework"].to_string())
        .collect();
    assert_eq!(frameworks, ["\"2016\"", "\"2016\"", "\"2023\""], "{plan}");
    let shown = sandbox.run(&["show"]).success().stdout;
    // Words as a reader sees them, whatever the wrapping.
    let shown = shown.split_whitespace().collect::<Vec<_>>().join(" ");
    for words in [
        "2023 framework",
        "inconsistent experiences and outcomes",
        "Timeliness of EHC needs assessments",
        "insufficient progress",
        "You said",
    ] {
        assert!(shown.contains(words), "{words}: {shown}");
    }

    // The plans after the WSoA, each with its stage, and the APP's monitoring ended by review.
    let plans: Vec<_> = plan["plans"]
        .as_array()
        .expect("the plans")
        .iter()
        .map(|p| format!("{} {} {}", p["id"], p["kind"], p["stage"]))
        .collect();
    assert_eq!(plans.len(), 4, "{plans:?}");
    assert!(plans[1].starts_with("\"APP1\""), "{plans:?}");

    // The packs sent before the reviews are files beside the ledger, each one the ledger records.
    let packs = built["packs"].as_array().expect("the packs");
    assert_eq!(packs.len(), 4, "{built}");
    for pack in packs {
        let path = pack.as_str().expect("a path");
        let said = sandbox.run(&["verify", path]).success().stdout;
        assert!(said.contains("records sending this pack"), "{said}");
    }
    let listed = sandbox
        .run(&["timeline", "--kind", "pack"])
        .success()
        .stdout;
    assert_eq!(listed.matches("Evidence pack '").count(), 4, "{listed}");

    // A pack altered after it was sent is not the one recorded.
    let first = packs[0].as_str().expect("a path");
    let mut bytes = std::fs::read(first).expect("the pack");
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let altered = sandbox.data().join("altered.wsoa");
    std::fs::write(&altered, bytes).expect("written");
    let refused = sandbox.run(&["verify", &altered.display().to_string()]);
    assert!(
        !refused.stdout.contains("records sending this pack"),
        "{}",
        refused.stdout
    );

    // The larger story grows the 2016 story only.
    let other = Sandbox::new();
    let refused = other
        .run(&["demo", "--framework", "2023", "--events", "5000"])
        .code_is(2);
    assert!(refused.stderr.contains("--events"), "{}", refused.stderr);
    assert!(!other.data().join("sled").exists());
}

#[test]
fn verify_draws_no_progress_bar_unless_standard_error_is_a_terminal() {
    // More events than the walk's batch, so that a bar would be updated while it runs.
    let sandbox = Sandbox::new();
    sandbox.json(&["demo", "--events", "5000"]).success();
    for args in [&["verify"][..], &["--format", "json", "verify"]] {
        let output = sandbox.run(args).success();
        assert!(
            output.stderr.is_empty(),
            "`{}` wrote to standard error, which is not a terminal here: {:?}",
            output.command,
            output.stderr
        );
        assert!(
            !output.stdout.contains('\r') && !output.stdout.contains('\u{1b}'),
            "`{}` drew on standard output: {:?}",
            output.command,
            output.stdout
        );
    }

    // On a terminal (a pseudo-terminal from util-linux's `script`), the bar is drawn on
    // standard error with the count, the rate and the time left, and cleared at the end.
    let script = std::path::Path::new("/usr/bin/script");
    if !script.exists() {
        eprintln!("skipping the terminal half: /usr/bin/script is not installed");
        return;
    }
    let typescript = sandbox.root().join("typescript");
    let line = format!(
        "{} --data {} verify >/dev/null",
        crate::harness::wsoa_binary().display(),
        sandbox.data().display()
    );
    let mut command = std::process::Command::new(script);
    command.args(["-qec", &line]).arg(&typescript);
    crate::harness::run_command(command).success();
    let drawn = std::fs::read_to_string(&typescript).expect("script writes the typescript");
    assert!(drawn.contains("verifying"), "{drawn:?}");
    assert!(drawn.contains("/5,000 events"), "{drawn:?}");
    assert!(drawn.contains("/s, "), "{drawn:?}");
    assert!(drawn.contains(" left ["), "{drawn:?}");

    // With --format json, nothing but the JSON, even on a terminal.
    let line = format!(
        "{} --data {} --format json verify",
        crate::harness::wsoa_binary().display(),
        sandbox.data().display()
    );
    let mut command = std::process::Command::new(script);
    command.args(["-qec", &line]).arg(&typescript);
    crate::harness::run_command(command).success();
    let drawn = std::fs::read_to_string(&typescript).expect("script writes the typescript");
    assert!(!drawn.contains("verifying"), "{drawn:?}");
    assert!(drawn.contains("\"ok\":true"), "{drawn:?}");
}

#[test]
fn verify_reports_the_size_on_disk_and_the_canonical_bytes() {
    let sandbox = Sandbox::new();
    sandbox.json(&["demo"]).success();
    let canonical: u64 = sandbox
        .log()
        .iter()
        .map(|event| event["bytes"].as_str().expect("hex bytes").len() as u64 / 2)
        .sum();
    let verified = sandbox.json(&["verify"]).success().json();
    assert_eq!(
        verified["canonical_bytes"].as_u64(),
        Some(canonical),
        "{verified}"
    );
    let on_disk = verified["size_on_disk"].as_u64().expect("a size on disk");
    assert!(on_disk > canonical, "{verified}");
    let text = sandbox.run(&["verify"]).success();
    let last = text.stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("The ledger takes ")
            && last.contains(" on disk, for ")
            && last.contains(" of canonical event bytes ("),
        "{}",
        text.stdout
    );
}

#[test]
fn demo_export_import_and_rebuild_draw_bars_only_on_a_terminal_with_text_output() {
    let sandbox = Sandbox::new();
    let built = sandbox.run(&["demo", "--events", "5000"]).success();
    let bundle = sandbox.root().join("copy.bundle");
    let bundle_text = bundle.display().to_string();
    let copy = sandbox.root().join("copy").display().to_string();
    let exported = sandbox.run(&["export", "--out", &bundle_text]).success();
    let mut import = sandbox.command();
    import.args(["--data", &copy, "import", &bundle_text]);
    let imported = crate::harness::run_command(import).success();
    let rebuilt = sandbox.run(&["projections", "rebuild"]).success();
    for output in [&exported, &imported, &rebuilt] {
        assert!(
            output.stderr.is_empty(),
            "`{}` wrote to standard error, which is not a terminal here: {:?}",
            output.command,
            output.stderr
        );
    }
    assert!(
        !built.stderr.contains('\r') && !built.stderr.contains('\u{1b}'),
        "`{}` drew a bar on standard error, which is not a terminal here: {:?}",
        built.command,
        built.stderr
    );

    let script = std::path::Path::new("/usr/bin/script");
    if !script.exists() {
        eprintln!("skipping the terminal half: /usr/bin/script is not installed");
        return;
    }
    let wsoa = crate::harness::wsoa_binary().display().to_string();
    let data = sandbox.data().display().to_string();
    let on_terminal = |line: String| {
        let typescript = sandbox.root().join("typescript");
        let mut command = std::process::Command::new(script);
        command.args(["-qec", &line]).arg(&typescript);
        crate::harness::run_command(command).success();
        std::fs::read_to_string(&typescript).expect("script writes the typescript")
    };
    let other = sandbox.root().join("other").display().to_string();
    let drawn = on_terminal(format!(
        "{wsoa} --data {other} demo --events 5000 >/dev/null"
    ));
    assert!(drawn.contains("building the demo"), "{drawn:?}");
    assert!(drawn.contains("/5,000 events"), "{drawn:?}");
    let again = sandbox.root().join("again.bundle").display().to_string();
    let drawn = on_terminal(format!(
        "{wsoa} --data {data} export --out {again} >/dev/null"
    ));
    assert!(drawn.contains("exporting"), "{drawn:?}");
    let third = sandbox.root().join("third").display().to_string();
    let drawn = on_terminal(format!("{wsoa} --data {third} import {again} >/dev/null"));
    assert!(drawn.contains("importing"), "{drawn:?}");
    assert!(drawn.contains(" left ["), "{drawn:?}");
    let drawn = on_terminal(format!(
        "{wsoa} --data {data} projections rebuild >/dev/null"
    ));
    assert!(drawn.contains("rebuilding the projections"), "{drawn:?}");
    // With --format json, nothing but the JSON, even on a terminal.
    let drawn = on_terminal(format!(
        "{wsoa} --data {data} --format json projections rebuild"
    ));
    assert!(!drawn.contains("rebuilding"), "{drawn:?}");
}
