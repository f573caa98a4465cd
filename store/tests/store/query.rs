//! Reading at a point: the kept plan "now" is always the fold of every event, whether the
//! ledger grew since it was kept, or was cut short behind the ledger's back.

use wsoa_core::command::AddNote;
use wsoa_core::plan::Plan;
use wsoa_core::point::Point;
use wsoa_core::{Command, EventBody};

use crate::fixture::{Fixture, on, reference};

/// The plan folded from event 0, without the kept one.
fn folded(fixture: &Fixture) -> Plan {
    let mut plan = Plan::default();
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
