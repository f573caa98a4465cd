//! Measures with a trajectory, and evidence packs, through the CLI: a measure's definition,
//! period and trajectory, its latest value shown on, above or below the trajectory and "target
//! missed" once the target date has passed; a pack written, recorded, verified offline and
//! against the ledger, listed by `timeline --kind pack` and `show`, and a tampered pack refused.

use std::time::{SystemTime, UNIX_EPOCH};

use wsoa_core::Date;

use crate::harness::{Sandbox, is_hash, run_command};

/// Today as the ledger sees it (the UK date).
fn today() -> Date {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_millis();
    Date::uk_from_unix_millis(i64::try_from(millis).expect("in range"))
        .expect("today is a supported date")
}

/// A statement with weakness W1 and measure M1 (EHC plans within 20 weeks, 30% in March 2023,
/// 90% aimed for by March 2025, with a trajectory), and one value of it.
fn statement(latest: &str) -> Sandbox {
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
            "Timeliness of EHC plans",
            "--on",
            "2021-04-20",
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
            "30",
            "--baseline-on",
            "2023-03-31",
            "--target",
            "90",
            "--target-by",
            "2025-03-31",
            "--weakness",
            "W1",
            "--definition",
            "New EHC plans issued within 20 weeks, excluding exceptions",
            "--period",
            "quarter",
            "--trajectory",
            "2023-09-30=45%",
            "--trajectory",
            "March 2024=60%",
            "--trajectory",
            "31/03/2025=90",
            "--on",
            "2023-04-03",
        ],
        &["measure", "record", "M1", latest, "--on", "2024-03-31"],
    ] {
        sandbox.record(args);
    }
    sandbox
}

#[test]
fn a_measure_shows_its_trajectory_and_target_missed() {
    let sandbox = statement("52");
    let log = sandbox.log();
    assert!(
        log[3]["body"]["measure_defined_with_trajectory"].is_object(),
        "{}",
        log[3]
    );
    let text = sandbox.run(&["show"]).success().stdout;
    assert!(
        text.contains(
            "Trajectory  45 by 30 September 2023, 60 by 31 March 2024, 90 by 31 March 2025"
        ),
        "{text}"
    );
    assert!(
        text.contains("below trajectory: 52 on 31 March 2024 against 60 expected by 31 March 2024"),
        "{text}"
    );
    assert!(text.contains("each value covers the quarter"), "{text}");
    // Judged today, long after 31 March 2025: the target was missed.
    assert!(text.contains("target missed"), "{text}");
    let plan = sandbox.json(&["show"]).json();
    let measure = &plan["weaknesses"][0]["measures"][0];
    assert_eq!(measure["target_missed"], true, "{measure}");
    assert_eq!(
        measure["against_trajectory"]["against"], "below",
        "{measure}"
    );
    // Judged on a day before the target date, it is not missed yet.
    let then = sandbox
        .run(&["show", "--as-of", "2024-04-01"])
        .success()
        .stdout;
    assert!(!then.contains("target missed"), "{then}");
    let narrative = sandbox.run(&["narrative"]).success().stdout;
    assert!(
        narrative.contains(
            "Against its trajectory, measure M1 is below trajectory: 52% on 31 March 2024"
        ),
        "{narrative}"
    );
    assert!(narrative.contains("Target missed"), "{narrative}");
    sandbox.verified();
}

#[test]
fn a_trajectory_agreed_later_and_the_rules_it_keeps() {
    let sandbox = statement("61");
    let before = sandbox.verified();
    // Out of order, and in another unit: refused, nothing written.
    let err = sandbox.refuses(
        &before,
        &[
            "measure",
            "trajectory",
            "M1",
            "--trajectory",
            "2024-09-30=70%",
            "--trajectory",
            "2024-03-31=60%",
        ],
        &["not in date order"],
    );
    assert!(err.contains("list them from the earliest"), "{err}");
    sandbox.refuses(
        &before,
        &[
            "measure",
            "trajectory",
            "M1",
            "--trajectory",
            "2024-09-30=70 days",
        ],
        &["measured in '%'"],
    );
    sandbox.refuses(
        &before,
        &[
            "measure",
            "trajectory",
            "M9",
            "--trajectory",
            "2024-09-30=70%",
        ],
        &["no measure M9"],
    );
    sandbox.refuses(
        &before,
        &["measure", "trajectory", "M1", "--trajectory", "2024-09-30"],
        &["DATE=VALUE"],
    );
    let amended = sandbox.record(&[
        "measure",
        "amend",
        "M1",
        "--trajectory",
        "2024-03-31=55%",
        "--trajectory",
        "2025-03-31=90%",
        "--on",
        "2024-04-02",
    ]);
    let seq = amended["seq"].as_u64().expect("a seq");
    let text = sandbox.run(&["show"]).success().stdout;
    assert!(
        text.contains("above trajectory: 61 on 31 March 2024 against 55 expected by 31 March 2024"),
        "{text}"
    );
    let timeline = sandbox
        .run(&["timeline", "--kind", "measure_amended"])
        .success()
        .stdout;
    assert!(
        timeline.contains("amended: trajectory 55% by 31 March 2024 and 90% by 31 March 2025"),
        "{timeline}"
    );
    assert_eq!(sandbox.log().len() as u64, seq + 1);
    sandbox.verified();
}

#[test]
fn a_pack_is_written_recorded_and_verified_offline_and_a_tampered_one_is_refused() {
    let sandbox = statement("52");
    let today = today().to_string();
    let before = sandbox.verified();
    // A cut-off in the future is refused, and no file is written.
    let tomorrow = Date::from_days_since_epoch(today_days() + 1)
        .expect("a date")
        .to_string();
    sandbox.refuses(
        &before,
        &[
            "pack",
            "--for",
            "APP review",
            "--to",
            "DfE adviser",
            "--as-of",
            &tomorrow,
            "--out",
            "future.wsoa",
        ],
        &["is in the future"],
    );
    assert!(!sandbox.root().join("future.wsoa").exists());

    let events = sandbox.log().len() as u64;
    let pack = sandbox.record(&[
        "pack",
        "--for",
        "APP six-month review",
        "--to",
        "DfE SEND adviser",
        "--as-of",
        &today,
        "--out",
        "app-review.wsoa",
    ]);
    assert_eq!(pack["events"], events, "{pack}");
    assert!(is_hash(&pack["file_hash"]), "{pack}");
    let path = sandbox.root().join("app-review.wsoa");
    let bytes = std::fs::read(&path).expect("the pack is written");
    assert_eq!(pack["size"], bytes.len() as u64);
    assert_eq!(
        pack["file_hash"],
        blake3::hash(&bytes).to_hex().as_str(),
        "the recorded hash is the file's"
    );
    let log = sandbox.log();
    let sent = &log.last().expect("events")["body"]["pack_sent"];
    assert_eq!(sent["file_hash"], pack["file_hash"], "{sent}");

    // Offline, anywhere: the pack verifies as a bundle.
    let mut bare = sandbox.command();
    bare.args(["verify", "app-review.wsoa"]);
    let offline = run_command(bare).success().stdout;
    assert!(offline.contains(&format!("{events} events")), "{offline}");
    assert!(!offline.contains("records sending"), "{offline}");
    // With the ledger: it records sending this very file.
    let checked = sandbox.run(&["verify", "app-review.wsoa"]).success().stdout;
    assert!(
        checked.contains("records sending this pack: event")
            && checked.contains("for APP six-month review, to DfE SEND adviser"),
        "{checked}"
    );
    // The timeline and show list it.
    let timeline = sandbox
        .run(&["timeline", "--kind", "pack"])
        .success()
        .stdout;
    assert!(
        timeline.contains(
            "Evidence pack 'app-review.wsoa' for 'APP six-month review' sent to DfE SEND adviser"
        ),
        "{timeline}"
    );
    assert_eq!(
        timeline
            .lines()
            .filter(|l| l.contains("Evidence pack"))
            .count(),
        1
    );
    let text = sandbox.run(&["show"]).success().stdout;
    assert!(
        text.contains("Evidence packs sent")
            && text.contains("app-review.wsoa (for APP six-month review)"),
        "{text}"
    );

    // One byte changed in the middle: the pack does not verify, and says why.
    let mut tampered = bytes.clone();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 0x01;
    sandbox.file("tampered.wsoa", &tampered);
    let refused = sandbox.run(&["verify", "tampered.wsoa"]).code_is(1).stdout;
    assert!(refused.contains("does NOT verify"), "{refused}");
    assert!(!refused.contains("records sending"), "{refused}");

    // An intact bundle the ledger never sent: intact, but not a pack this ledger records.
    sandbox.run(&["export", "--out", "whole.wsoa"]).success();
    let other = sandbox.run(&["verify", "whole.wsoa"]).success().stdout;
    assert!(
        other.contains("records no pack with this file's hash"),
        "{other}"
    );
    sandbox.verified();
}

fn today_days() -> i64 {
    today().days_since_epoch()
}

#[test]
fn a_pack_through_a_server_is_cut_from_its_ledger_and_recorded_there() {
    let sandbox = statement("52");
    let admin = crate::serve::token(&sandbox, "Priya Raman (QA)", "admin");
    let server = crate::serve::Server::start(&sandbox);
    let today = today().to_string();
    let mut command = sandbox.command();
    command
        .args(["--server", &server.url, "--token", &admin])
        .args(["--format", "json", "pack", "--for", "Monitoring inspection"])
        .args(["--to", "Ofsted", "--as-of", &today, "--out", "remote.wsoa"]);
    let pack = run_command(command).success().json();
    assert_eq!(pack["events"], 5, "{pack}");
    let bytes = std::fs::read(sandbox.root().join("remote.wsoa")).expect("written");
    assert_eq!(pack["file_hash"], blake3::hash(&bytes).to_hex().as_str());
    // The server recorded it, as the token's holder.
    let mut verify = sandbox.command();
    verify
        .args(["--server", &server.url, "--token", &admin])
        .args(["verify", "remote.wsoa"]);
    let checked = run_command(verify).success().stdout;
    assert!(
        checked.contains("records sending this pack") && checked.contains("to Ofsted"),
        "{checked}"
    );
}
