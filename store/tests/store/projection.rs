//! Kept projections: reads use the plan snapshots and the subject index, and whatever happens to
//! them (deleted, garbled, of another version, out of date, or written for events a crash lost)
//! the answer is the fold from event 0, and they are put right.

use wsoa_core::command::AddNote;
use wsoa_core::event::CorrectionRecorded;
use wsoa_core::plan::Plan;
use wsoa_core::point::Point;
use wsoa_core::timeline::{Entry, Filter, Matcher, timeline};
use wsoa_core::{Command, Event};
use wsoa_store::raw;

use crate::fixture::{Fixture, date, on, reference};

/// Snapshots this far apart in the tests, so that the fixture's history holds several.
const EVERY: u64 = 4;

/// The fixture's history with a snapshot kept every `EVERY` events.
fn kept() -> Fixture {
    let mut fixture = Fixture::history();
    fixture.ledger.set_snapshot_every(EVERY);
    let written = fixture.ledger.rebuild_projections().expect("rebuilt");
    assert_eq!(written, fixture.len() / EVERY);
    assert!(
        written >= 3,
        "the history is long enough: {} events",
        fixture.len()
    );
    fixture
}

fn events(fixture: &Fixture) -> Vec<Event> {
    fixture
        .events()
        .into_iter()
        .map(|stored| stored.event)
        .collect()
}

/// The plan as it stands after events 0..=seq, folded from event 0.
fn folded(fixture: &Fixture, seq: u64) -> Plan {
    Plan::current_from_events(events(fixture).iter().take(seq as usize + 1))
}

fn note(fixture: &mut Fixture, text: &str) {
    fixture.execute(
        Command::AddNote(AddNote {
            about: reference("W1"),
            text: text.to_owned(),
            from: None,
        }),
        on("2022-09-01", "2022-09-01"),
    );
}

/// A well-formed snapshot at `seq` whose plan differs from the fold: its area is renamed.
fn doctored(fixture: &Fixture, seq: u64) -> Vec<u8> {
    let bytes = raw::plan_snapshot_bytes(&fixture.ledger, seq)
        .expect("readable")
        .expect("kept");
    let (header, packed) = bytes.split_at(42);
    let json = zstd::stream::decode_all(packed).expect("zstd");
    let mut plan: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
    plan["area"] = serde_json::Value::from("Somewhere else");
    let mut value = header.to_vec();
    let json = serde_json::to_vec(&plan).expect("JSON");
    value.extend(zstd::stream::encode_all(json.as_slice(), 3).expect("zstd"));
    value
}

#[test]
fn reads_use_the_kept_snapshot_and_verify_puts_a_wrong_one_right() {
    let fixture = kept();
    let seq = 2 * EVERY - 1;
    raw::put_plan_snapshot_bytes(&fixture.ledger, seq, &doctored(&fixture, seq)).expect("put");
    // The read starts from the snapshot: the doctored area shows, which proves it is used.
    let (plan, _) = fixture.ledger.plan_at(Point::Seq(seq + 1)).expect("plan");
    assert_eq!(plan.area.as_deref(), Some("Somewhere else"));

    let check = fixture.ledger.check_projections().expect("checked");
    assert_eq!(check.rebuilt, vec![seq]);
    assert!(check.removed.is_empty());
    let (plan, _) = fixture.ledger.plan_at(Point::Seq(seq + 1)).expect("plan");
    assert_eq!(plan, folded(&fixture, seq + 1));
    assert!(
        fixture
            .ledger
            .check_projections()
            .expect("checked")
            .is_clean()
    );
}

#[test]
fn garbled_or_other_version_snapshots_are_ignored_and_written_again() {
    let fixture = kept();
    let (garbled, old) = (EVERY - 1, 2 * EVERY - 1);
    raw::put_plan_snapshot_bytes(&fixture.ledger, garbled, b"\x00\x01not a plan").expect("put");
    let mut other_version = raw::plan_snapshot_bytes(&fixture.ledger, old)
        .expect("readable")
        .expect("kept");
    other_version[0..2].copy_from_slice(&2u16.to_be_bytes());
    raw::put_plan_snapshot_bytes(&fixture.ledger, old, &other_version).expect("put");
    for seq in [garbled, garbled + 1, old, old + 2] {
        let (plan, _) = fixture.ledger.plan_at(Point::Seq(seq)).expect("plan");
        assert_eq!(plan, folded(&fixture, seq), "the plan at seq {seq}");
    }
    // The reads that folded past them wrote them again.
    let check = fixture.ledger.check_projections().expect("checked");
    assert!(check.is_clean(), "{check:?}");
}

#[test]
fn deleted_snapshots_give_the_same_answer_and_are_written_again() {
    let mut fixture = kept();
    let last = fixture.len() - 1;
    let before: Vec<Plan> = (0..=last)
        .map(|seq| fixture.ledger.plan_at(Point::Seq(seq)).expect("plan").0)
        .collect();
    raw::clear_plan_snapshots(&fixture.ledger).expect("cleared");
    assert!(fixture.ledger.snapshot_seqs().expect("listed").is_empty());
    for seq in 0..=last {
        let (plan, _) = fixture.ledger.plan_at(Point::Seq(seq)).expect("plan");
        assert_eq!(plan, before[seq as usize]);
        assert_eq!(plan, folded(&fixture, seq));
    }
    assert_eq!(
        fixture.ledger.snapshot_seqs().expect("listed").len() as u64,
        fixture.len() / EVERY
    );
    // An append writes the snapshots it completes.
    raw::clear_plan_snapshots(&fixture.ledger).expect("cleared");
    for n in 0..EVERY {
        note(&mut fixture, &format!("Forum met, meeting {n}"));
    }
    assert_eq!(
        fixture.ledger.snapshot_seqs().expect("listed").last(),
        Some(&((fixture.len() / EVERY) * EVERY - 1))
    );
}

#[test]
fn a_snapshot_for_events_a_crash_lost_is_never_used() {
    let mut fixture = kept();
    let len = fixture.len();
    let seq = (len / EVERY) * EVERY - 1;
    // A snapshot written for events that did not survive: the ledger is cut back below it
    // (as a crash before the events were durable would leave it), the snapshot kept.
    let lost = raw::plan_snapshot_bytes(&fixture.ledger, seq)
        .expect("readable")
        .expect("kept");
    raw::truncate(&fixture.ledger, seq - 1).expect("cut short");
    raw::put_plan_snapshot_bytes(&fixture.ledger, seq, &lost).expect("put");
    let reader = fixture.ledger.reader();
    let (plan, _) = reader.plan_at(Point::Now).expect("plan");
    assert_eq!(plan.events, seq - 1);
    assert_eq!(plan, folded(&fixture, seq - 2));
    // Other events take those seqs: the snapshot names a chain hash they do not have.
    note(&mut fixture, "Forum met");
    raw::put_plan_snapshot_bytes(&fixture.ledger, seq, &lost).expect("put");
    note(&mut fixture, "Forum met again");
    assert_eq!(fixture.len(), seq + 1);
    for point in [Point::Seq(seq), Point::Now] {
        let (plan, _) = reader.plan_at(point).expect("plan");
        assert_eq!(plan, folded(&fixture, seq), "the plan at {point}");
    }
    let check = fixture.ledger.check_projections().expect("checked");
    assert!(check.is_clean(), "the read rewrote it: {check:?}");
}

#[test]
fn a_snapshot_beyond_the_head_is_reported_and_removed() {
    let fixture = kept();
    let len = fixture.len();
    let seq = (len / EVERY) * EVERY - 1;
    let bytes = raw::plan_snapshot_bytes(&fixture.ledger, seq)
        .expect("readable")
        .expect("kept");
    let beyond = seq + 10 * EVERY;
    raw::put_plan_snapshot_bytes(&fixture.ledger, beyond, &bytes).expect("put");
    let (plan, _) = fixture.ledger.plan_at(Point::Now).expect("plan");
    assert_eq!(plan, folded(&fixture, len - 1));
    let check = fixture.ledger.check_projections().expect("checked");
    assert_eq!(check.removed, vec![beyond]);
    assert!(check.rebuilt.is_empty());
}

#[test]
fn verify_reports_out_of_date_snapshots_as_derived_data_rebuilt_not_damage() {
    let fixture = kept();
    let seq = EVERY - 1;
    raw::put_plan_snapshot_bytes(&fixture.ledger, seq, &doctored(&fixture, seq)).expect("put");
    let report = fixture.ledger.verify().expect("the history is intact");
    assert_eq!(report.projections.rebuilt, vec![seq]);
    let text = report.to_string();
    assert!(text.starts_with("The ledger is intact."), "{text}");
    assert!(
        text.contains(&format!(
            "Derived data was out of date and has been rebuilt from the events (this is not damage to the history, which is intact as above): one kept plan snapshot (after events {seq}) written again."
        )),
        "{text}"
    );
    let report = fixture.ledger.verify().expect("the history is intact");
    assert!(report.projections.is_clean());
    assert_eq!(report.projections.matched, fixture.len() / EVERY);
    assert!(
        report.to_string().ends_with(&format!(
            "The {} kept plan snapshots match the events.",
            fixture.len() / EVERY
        )),
        "{report}"
    );
    let (plan, _) = fixture.ledger.plan_at(Point::Seq(seq)).expect("plan");
    assert_eq!(plan, folded(&fixture, seq));
}

/// Every entry of the whole timeline at `point` that `--about reference` keeps.
fn full_timeline(fixture: &Fixture, point: Point, matcher: &Matcher) -> Vec<Entry> {
    let stored = fixture.events();
    let selected: Vec<(&Event, wsoa_core::Digest)> = stored
        .iter()
        .filter(|s| point.select([&s.event]).len() == 1)
        .map(|s| (&s.event, s.hash))
        .collect();
    timeline(selected)
        .filter(|entry| matcher.matches(entry))
        .collect()
}

fn indexed_timeline(fixture: &Fixture, point: Point, matcher: &Matcher) -> Vec<Entry> {
    let mut entries = Vec::new();
    fixture
        .ledger
        .for_each_entry(point, matcher, |entry| {
            entries.push(entry);
            Ok::<(), wsoa_store::StoreError>(())
        })
        .expect("read");
    entries
}

fn about(fixture: &Fixture, reference_text: &str) -> Matcher {
    let (plan, _) = fixture.ledger.plan_at(Point::Now).expect("plan");
    Filter {
        about: Some(reference(reference_text)),
        ..Filter::default()
    }
    .compile(&plan)
    .expect("known")
}

/// A history where a correction of an action's event comes long after it, past several
/// snapshots, so that the index's read resumes from a snapshot just before the correction.
fn corrected() -> Fixture {
    let mut fixture = kept();
    let corrected = fixture.seq_of("action_status_changed");
    for n in 0..3 * EVERY {
        note(&mut fixture, &format!("Forum met, meeting {n}"));
    }
    fixture.execute(
        Command::RecordCorrection(CorrectionRecorded {
            seq: corrected,
            reason: "The status was recorded against the wrong action".to_owned(),
        }),
        on("2022-09-02", "2022-09-02"),
    );
    for n in 0..EVERY {
        note(&mut fixture, &format!("Forum met again, meeting {n}"));
    }
    fixture
}

#[test]
fn timeline_about_through_the_index_is_the_filtered_timeline_including_corrections() {
    let fixture = corrected();
    for reference_text in ["1.1", "WS1", "W1", "M1", "E1", "action:2.1"] {
        let matcher = about(&fixture, reference_text);
        for point in [
            Point::Now,
            Point::Seq(fixture.len() - 2),
            Point::Seq(EVERY + 1),
        ] {
            let expected = full_timeline(&fixture, point, &matcher);
            assert_eq!(
                indexed_timeline(&fixture, point, &matcher),
                expected,
                "--about {reference_text} at {point}"
            );
        }
    }
    let matcher = about(&fixture, "1.1");
    let entries = indexed_timeline(&fixture, Point::Now, &matcher);
    let correction = entries.last().expect("the correction is about action 1.1");
    assert_eq!(correction.kind, "correction_recorded");
    assert!(
        correction
            .sentence
            .contains("(action status changed: action 1.1"),
        "{}",
        correction.sentence
    );
}

#[test]
fn a_damaged_or_missing_subject_index_is_rebuilt_and_the_answer_is_unchanged() {
    let fixture = corrected();
    let matcher = about(&fixture, "1.1");
    let expected = full_timeline(&fixture, Point::Now, &matcher);
    assert_eq!(indexed_timeline(&fixture, Point::Now, &matcher), expected);
    assert!(
        fixture
            .ledger
            .check_projections()
            .expect("checked")
            .is_clean()
    );

    // A key missing: verify's check finds it and builds the index again.
    let status = fixture.seq_of("action_status_changed");
    raw::remove_subject_key(&fixture.ledger, "action 1.1", status).expect("removed");
    let check = fixture.ledger.check_projections().expect("checked");
    assert!(check.subject_index_rebuilt, "{check:?}");
    assert_eq!(indexed_timeline(&fixture, Point::Now, &matcher), expected);

    // What an event is about, garbled: found and rebuilt the same way.
    raw::put_event_subjects(&fixture.ledger, status, b"[not json").expect("put");
    assert!(
        fixture
            .ledger
            .check_projections()
            .expect("checked")
            .subject_index_rebuilt
    );
    assert_eq!(indexed_timeline(&fixture, Point::Now, &matcher), expected);

    // The whole index gone: reads fold the events (they never write), the check builds it.
    raw::clear_subject_index(&fixture.ledger).expect("cleared");
    assert_eq!(indexed_timeline(&fixture, Point::Now, &matcher), expected);
    assert!(
        fixture
            .ledger
            .check_projections()
            .expect("checked")
            .subject_index_rebuilt
    );
    assert_eq!(indexed_timeline(&fixture, Point::Now, &matcher), expected);
    assert!(
        fixture
            .ledger
            .check_projections()
            .expect("checked")
            .is_clean()
    );
}

#[test]
fn the_subject_index_follows_a_history_cut_short_and_grown_again() {
    let mut fixture = corrected();
    let matcher = about(&fixture, "W1");
    assert_eq!(
        indexed_timeline(&fixture, Point::Now, &matcher),
        full_timeline(&fixture, Point::Now, &matcher)
    );
    let len = fixture.len();
    raw::truncate(&fixture.ledger, len - 3).expect("cut short");
    for n in 0..5 {
        note(&mut fixture, &format!("A different meeting {n}"));
    }
    let matcher = about(&fixture, "W1");
    let entries = indexed_timeline(&fixture, Point::Now, &matcher);
    assert_eq!(entries, full_timeline(&fixture, Point::Now, &matcher));
    assert!(
        entries
            .last()
            .is_some_and(|entry| entry.sentence.contains("A different meeting 4"))
    );
}

#[test]
fn as_of_a_day_is_the_plan_as_known_then_plus_the_late_events_whatever_the_index_holds() {
    let mut fixture = corrected();
    // Recorded late: happened in 2021, recorded in 2022, after everything else.
    fixture.execute(
        Command::AddNote(AddNote {
            about: reference("1.1"),
            text: "The officer started in March".to_owned(),
            from: None,
        }),
        on("2021-03-01", "2022-09-03"),
    );
    let events = events(&fixture);
    let mut days: Vec<wsoa_core::Date> = events.iter().map(|event| event.occurred_on).collect();
    days.push(date("2021-03-01"));
    days.push(date("2019-01-01"));
    days.sort();
    days.dedup();
    let expected: Vec<(Plan, Option<i64>)> = days
        .iter()
        .map(|day| {
            let selected = Point::AsOf(*day).select(&events);
            (
                Plan::current_from_events(selected.iter().copied()),
                selected.last().map(|event| event.recorded_at),
            )
        })
        .collect();
    let check = |what: &str| {
        for (day, expected) in days.iter().zip(&expected) {
            let got = fixture.ledger.plan_at(Point::AsOf(*day)).expect("plan");
            assert_eq!(&got, expected, "as of {day}, {what}");
        }
    };
    check("index built by the first read");
    let late_note = fixture.len() - 1;
    let (plan, _) = fixture
        .ledger
        .plan_at(Point::AsOf(date("2021-03-01")))
        .expect("plan");
    assert_eq!(plan.last_seq, Some(late_note), "the late note is folded in");

    raw::clear_late_index(&fixture.ledger).expect("cleared");
    check("index thrown away");
    // A key naming an event that is not late for that day changes nothing.
    let mut stray = vec![0x07, 0xd0, 1, 1];
    stray.extend_from_slice(&(fixture.len() - 2).to_be_bytes());
    raw::put_late_key(&fixture.ledger, &stray).expect("put");
    check("a stray key");
    let report = fixture.ledger.check_projections().expect("checked");
    assert!(report.late_index_rebuilt, "{report:?}");
    check("index rebuilt by the check");
    assert!(
        fixture
            .ledger
            .check_projections()
            .expect("checked")
            .is_clean()
    );
}

#[test]
fn a_replica_keeps_no_snapshots_and_reads_the_same() {
    let story = wsoa_core::demo::in_memory(Some(1_100));
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut replica = wsoa_store::Ledger::replicate(
        &dir.path().join("replica"),
        story.sealed().iter().map(|sealed| Ok(sealed.bytes.clone())),
    )
    .expect("replicated");
    let events: Vec<Event> = story.events().cloned().collect();
    assert!(events.len() > 1_024);
    let seq = events.len() as u64 - 5;
    let (plan, _) = replica.plan_at(Point::Seq(seq)).expect("plan");
    assert_eq!(
        plan,
        Plan::current_from_events(events.iter().take(seq as usize + 1))
    );
    assert!(replica.snapshot_seqs().expect("listed").is_empty());
    // Turned on, they are kept as in any ledger.
    replica.set_snapshot_every(wsoa_store::SNAPSHOT_EVERY);
    assert_eq!(replica.rebuild_projections().expect("rebuilt"), 1);
    let (again, _) = replica.plan_at(Point::Seq(seq)).expect("plan");
    assert_eq!(again, plan);
}

#[test]
fn on_a_full_disk_reads_and_verify_work_without_writing_projections_and_appends_resume() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let Some(disk) = crate::storage::Tmpfs::mount(dir.path(), 24) else {
        return;
    };
    let mut fixture = Fixture::history_in(dir);
    fixture.ledger.set_snapshot_every(EVERY);
    fixture.ledger.rebuild_projections().expect("rebuilt");
    for n in 0..EVERY {
        note(&mut fixture, &format!("Forum met, meeting {n}"));
    }
    // The indexes lag behind: the reads below would have to write to bring them up.
    raw::clear_subject_index(&fixture.ledger).expect("cleared");
    raw::clear_late_index(&fixture.ledger).expect("cleared");
    raw::clear_plan_snapshots(&fixture.ledger).expect("cleared");
    let events = events(&fixture);
    let len = fixture.len();

    let filler = disk.fill();
    let matcher = about(&fixture, "W1");
    assert_eq!(
        indexed_timeline(&fixture, Point::Now, &matcher),
        full_timeline(&fixture, Point::Now, &matcher)
    );
    let day = date("2020-01-15");
    let (plan, _) = fixture.ledger.plan_at(Point::AsOf(day)).expect("plan");
    assert_eq!(
        plan,
        Plan::current_from_events(Point::AsOf(day).select(&events))
    );
    let (plan, _) = fixture.ledger.plan_at(Point::Seq(len - 2)).expect("plan");
    assert_eq!(plan, folded(&fixture, len - 2));
    assert!(fixture.ledger.snapshot_seqs().expect("listed").is_empty());
    let report = fixture
        .ledger
        .verify()
        .expect("the history verifies on a full disk");
    let reason = report.projections.not_checked.clone().expect("not checked");
    assert!(reason.contains("the disk is full"), "{reason}");
    assert!(
        report.to_string().contains("could not be checked"),
        "{report}"
    );

    std::fs::remove_file(filler).expect("the filler can be removed");
    note(&mut fixture, "Written once there is room");
    let report = fixture.ledger.verify().expect("verifies");
    assert!(report.projections.not_checked.is_none(), "{report}");
    assert_eq!(
        indexed_timeline(&fixture, Point::Now, &matcher),
        full_timeline(&fixture, Point::Now, &matcher)
    );
}

#[test]
fn indexes_written_from_the_appended_events_match_a_fresh_fold() {
    // Appends in groups (as the server's group commit and the demo's batches make them), with
    // late events and a correction inside a group: the indexes are extended from the events in
    // memory, and must be exactly what a fold of the ledger gives.
    let mut fixture = kept();
    let corrected = fixture.seq_of("action_status_changed");
    let note = |text: String, occurred: &str| {
        (
            Command::AddNote(AddNote {
                about: reference("1.1"),
                text,
                from: None,
            }),
            on(occurred, "2022-09-05"),
        )
    };
    for group in 0..3 {
        let mut items: Vec<_> = (0..5)
            .map(|n| {
                note(
                    format!("Group {group}, note {n}"),
                    &format!("2022-09-0{}", n + 1),
                )
            })
            .collect();
        if group == 1 {
            items.push((
                Command::RecordCorrection(CorrectionRecorded {
                    seq: corrected,
                    reason: "The status was recorded against the wrong action".to_owned(),
                }),
                on("2022-09-03", "2022-09-05"),
            ));
        }
        let results = fixture.ledger.execute_each(items).expect("appended");
        assert!(results.iter().all(Result::is_ok), "{results:?}");
    }
    let check = fixture.ledger.check_projections().expect("checked");
    assert!(!check.subject_index_rebuilt, "{check:?}");
    assert!(!check.late_index_rebuilt, "{check:?}");
    let matcher = about(&fixture, "1.1");
    assert_eq!(
        indexed_timeline(&fixture, Point::Now, &matcher),
        full_timeline(&fixture, Point::Now, &matcher)
    );
}
