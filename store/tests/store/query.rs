//! Reading at a point: the kept plan "now" is always the fold of every event, whether the
//! ledger grew since it was kept, or was cut short behind the ledger's back.

use wsoa_core::command::AddNote;
use wsoa_core::plan::Plan;
use wsoa_core::point::Point;
use wsoa_core::{Command, EventBody};

use crate::fixture::{Fixture, on, reference};

/// The plan as it stands folded from event 0, without the kept one.
fn folded(fixture: &Fixture) -> Plan {
    let mut plan = Plan::current();
    for stored in fixture.events() {
        plan.apply(&stored.event);
    }
    plan
}

#[test]
fn the_plan_now_follows_appends_and_a_history_cut_short() {
    let mut fixture = Fixture::history();
    let reader = fixture.ledger.reader();
    assert_eq!(
        reader.plan_at(Point::Now).expect("plan").0,
        folded(&fixture)
    );
    for n in 0..3 {
        fixture.execute(
            Command::AddNote(AddNote {
                about: reference("W1"),
                text: format!("Forum met, meeting {n}"),
                from: None,
            }),
            on("2022-09-01", "2022-09-01"),
        );
        // A clone made before the appends sees them: the kept plan is shared and brought up
        // to date from where it stopped.
        let (plan, last) = reader.plan_at(Point::Now).expect("plan");
        assert_eq!(plan, folded(&fixture));
        assert_eq!(last, fixture.events().last().map(|s| s.event.recorded_at));
    }
    assert!(matches!(
        fixture.events().last().map(|s| s.event.body.clone()),
        Some(EventBody::NoteAdded(_))
    ));
    let len = fixture.len();
    wsoa_store::raw::truncate(&fixture.ledger, len - 5).expect("cut short");
    let (plan, _) = reader.plan_at(Point::Now).expect("plan");
    assert_eq!(plan.events, len - 5);
    assert_eq!(plan, folded(&fixture));
}

#[test]
fn the_narrative_is_judged_now_at_the_day_given_and_at_a_point_at_its_own_day() {
    let fixture = Fixture::history();
    let reader = fixture.ledger.reader();
    let last = fixture.events().last().expect("events").event.recorded_at;
    let last_day = wsoa_core::date::Date::from_unix_millis(last).expect("a day");
    // Without a day, "now" is judged at the day the last event was recorded.
    let (narrative, source) = reader.narrative_at(Point::Now).expect("narrative");
    assert_eq!(source.today, last_day);
    assert_eq!(narrative.judged_at, last_day);
    // With one, "now" is judged at it, as the plan's pages and the workbook are.
    let today = crate::fixture::date("2030-01-31");
    let (narrative, source) = reader
        .narrative_judged_at(Point::Now, today)
        .expect("narrative");
    assert_eq!(source.today, today);
    assert!(
        narrative.summary.claims[0]
            .text
            .starts_with("Judged at 31 January 2030"),
        "{}",
        narrative.summary.claims[0].text
    );
    // A point in time is judged at its own day, whatever the day given.
    let day = crate::fixture::date("2021-12-31");
    let (narrative, source) = reader
        .narrative_judged_at(Point::AsOf(day), today)
        .expect("narrative");
    assert_eq!(source.today, day);
    assert_eq!(narrative.judged_at, day);
}
