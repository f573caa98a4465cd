//! `MemoryLedger`: a ledger held in memory, with exactly the append rules of the stored one
//! (`decide`, then `seal`). For tests, the demo and benchmarks of the projections, which need a
//! real chained history but no disk.

use crate::chain::{Head, Sealed, seal};
use crate::command::Command;
use crate::date::Date;
use crate::decide::{Rejection, State, decide};
use crate::event::{Actor, Event};

/// An in-memory ledger.
#[derive(Clone, Debug, Default)]
pub struct MemoryLedger {
    events: Vec<Sealed>,
    state: State,
    head: Option<Head>,
}

impl MemoryLedger {
    /// An empty ledger.
    pub fn new() -> MemoryLedger {
        MemoryLedger::default()
    }

    /// Checks a command and appends its event, as the stored ledger would.
    pub fn record(
        &mut self,
        command: &Command,
        actor: Actor,
        occurred_on: Date,
        recorded_at: i64,
    ) -> Result<&Sealed, Rejection> {
        let head = self.head();
        let when = head
            .when(occurred_on, recorded_at)
            .ok_or(Rejection::InFuture {
                date: occurred_on,
                today: occurred_on,
            })?;
        let body = decide(&self.state, command, when)?;
        let (sealed, next) = seal(&head, body, actor, occurred_on, recorded_at)?;
        self.state.apply(&sealed.event);
        self.head = Some(next);
        self.events.push(sealed);
        Ok(self.events.last().expect("just pushed"))
    }

    /// The head.
    pub fn head(&self) -> Head {
        self.head.unwrap_or(Head::EMPTY)
    }

    /// The rule state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Every event with its bytes and hash.
    pub fn sealed(&self) -> &[Sealed] {
        &self.events
    }

    /// Every event.
    pub fn events(&self) -> impl Iterator<Item = &Event> {
        self.events.iter().map(|sealed| &sealed.event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{LedgerOpened, Role};
    use crate::ids::Digest;

    fn officer() -> Actor {
        Actor {
            name: "A. Patel".to_owned(),
            role: Role::Officer,
        }
    }

    fn open(area: &str) -> Command {
        Command::OpenLedger(LedgerOpened {
            area: area.to_owned(),
            partners: vec![],
        })
    }

    #[test]
    fn records_chained_events_and_leaves_nothing_behind_a_rejection() {
        let day: Date = "2021-07-15".parse().expect("valid");
        let noon = 1_626_350_400_000;
        let mut ledger = MemoryLedger::new();
        let first = ledger
            .record(&open("Northshire"), officer(), day, noon)
            .expect("accepted")
            .clone();
        assert_eq!(first.event.seq, 0);
        assert_eq!(first.event.prev, Digest::ZERO);
        let head = ledger.head();
        let refused = ledger.record(&open("Southshire"), officer(), day, noon + 1);
        assert!(matches!(refused, Err(Rejection::AlreadyOpened { .. })));
        assert_eq!(ledger.head(), head);
        assert_eq!(ledger.sealed().len(), 1);
        assert_eq!(head.hash, first.hash);
        assert_eq!(head.recorded_at, noon);
    }
}
