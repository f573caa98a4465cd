//! A plan that keeps only what describes it as it stands (`Detail::Current`, what the kept
//! projections hold) reads exactly as the plan with its whole history for every reader of the
//! plan as it stands, and a diff folded from it equals the diff of two whole plans.

use wsoa_core::date::Date;
use wsoa_core::diff::diff;
use wsoa_core::event::Event;
use wsoa_core::plan::{Detail, Plan};
use wsoa_core::show;

/// The demo stories: the base story grown to some thousands of events (status changes, notes,
/// amendments and risk updates by the hundred), and the story under the 2023 framework.
fn stories() -> Vec<Vec<Event>> {
    vec![
        wsoa_core::demo::in_memory(Some(4_000))
            .events()
            .cloned()
            .collect(),
        wsoa_core::demo::framework2023::in_memory()
            .events()
            .cloned()
            .collect(),
    ]
}

/// Points spread through a ledger of `len` events, with its last.
fn points(len: usize) -> Vec<usize> {
    let mut points: Vec<usize> = (1..=9).map(|n| len * n / 10).collect();
    points.push(len - 1);
    points.dedup();
    points
}

fn day_of(event: &Event) -> Date {
    Date::uk_from_unix_millis(event.recorded_at).expect("a day in range")
}

#[test]
fn the_plan_as_it_stands_reads_as_the_whole_plan() {
    for events in stories() {
        for end in points(events.len()) {
            let full = Plan::from_events(&events[..=end]);
            let current = Plan::current_from_events(&events[..=end]);
            assert_eq!(current.detail(), Detail::Current);
            for today in [day_of(&events[end]), day_of(&events[events.len() - 1])] {
                assert_eq!(
                    show::view(&current, today),
                    show::view(&full, today),
                    "show's view after event {end}, judged on {today}"
                );
                assert_eq!(
                    show::text(&current, today),
                    show::text(&full, today),
                    "show's text after event {end}"
                );
                assert_eq!(
                    show::csv(&current, today),
                    show::csv(&full, today),
                    "the tracker's CSV after event {end}"
                );
            }
        }
        // What it is for: it grows with the things in the plan, not with their history.
        let full = serde_json::to_vec(&Plan::from_events(&events)).expect("json");
        let current = serde_json::to_vec(&Plan::current_from_events(&events)).expect("json");
        assert!(
            current.len() < full.len(),
            "{} bytes kept of {}",
            current.len(),
            full.len()
        );
    }
}

#[test]
fn a_diff_folded_from_the_plan_as_it_stands_is_the_diff_of_whole_plans() {
    for events in stories() {
        let points = points(events.len());
        for (i, &from) in points.iter().enumerate() {
            for &to in &points[i..] {
                let between: Vec<&Event> = events[from + 1..=to].iter().collect();
                let expected = diff(
                    &Plan::from_events(&events[..=from]),
                    &Plan::from_events(&events[..=to]),
                    &between,
                );
                let before = Plan::current_from_events(&events[..=from]);
                let mut after = before.clone().keeping_history();
                for event in &between {
                    after.apply(event);
                }
                assert_eq!(
                    diff(&before, &after, &between),
                    expected,
                    "the diff from event {from} to event {to}"
                );
            }
        }
    }
}

#[test]
fn a_plan_read_back_keeps_its_detail() {
    let events: Vec<Event> = wsoa_core::demo::in_memory(None).events().cloned().collect();
    for plan in [
        Plan::from_events(&events),
        Plan::current_from_events(&events),
    ] {
        let json = serde_json::to_vec(&plan).expect("json");
        let back: Plan = serde_json::from_slice::<Plan>(&json)
            .expect("reads back")
            .reindexed();
        assert_eq!(back, plan);
    }
}
