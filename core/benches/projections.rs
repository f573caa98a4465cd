//! Benchmarks of the projections: rebuilding the plan from 10^4, 10^5 and 10^6 events of the
//! demo story, the plan at a point in time on a 10^6-event ledger, and the impact narrative of
//! the demo ledger. Run with `cargo bench -p wsoa-core` (or `bench/run.sh`).

// criterion_group! and criterion_main! generate undocumented public functions.
#![allow(missing_docs)]

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use wsoa_core::chain::Sealed;
use wsoa_core::memory::MemoryLedger;
use wsoa_core::narrative::{EventRecord, Narrative, Source};
use wsoa_core::plan::Plan;
use wsoa_core::point::Point;
use wsoa_core::{Date, Event};

/// The demo story grown to about `events` events, recorded through the ledger's rules.
fn ledger(events: Option<u64>) -> MemoryLedger {
    wsoa_core::demo::in_memory(events)
}

fn rebuild(c: &mut Criterion) {
    let mut group = c.benchmark_group("plan_rebuild");
    group.sample_size(10);
    for size in [10_000u64, 100_000, 1_000_000] {
        let ledger = ledger(Some(size));
        let events: Vec<&Event> = ledger.events().collect();
        group.bench_with_input(
            BenchmarkId::from_parameter(events.len()),
            &events,
            |b, events| b.iter(|| Plan::from_events(events.iter().copied())),
        );
    }
    group.finish();
}

fn point_in_time(c: &mut Criterion) {
    let ledger = ledger(Some(1_000_000));
    let events: Vec<&Event> = ledger.events().collect();
    let middle = events[events.len() / 2];
    let mut group = c.benchmark_group("plan_at_point_1m");
    group.sample_size(10);
    for point in [
        Point::Seq(middle.seq),
        Point::Known(Date::from_unix_millis(middle.recorded_at).expect("a real day")),
        Point::AsOf(middle.occurred_on),
    ] {
        group.bench_function(point.to_string(), |b| {
            b.iter(|| Plan::from_events(point.select(events.iter().copied())))
        });
    }
    group.finish();
}

fn narrative(c: &mut Criterion) {
    let ledger = ledger(None);
    let sealed: &[Sealed] = ledger.sealed();
    let records: Vec<EventRecord> = sealed
        .iter()
        .map(|s| EventRecord {
            seq: s.event.seq,
            kind: s.event.body.kind(),
            hash: s.hash,
        })
        .collect();
    let head = ledger.head();
    let source = Source {
        folded: head.len,
        read: head.len,
        head: head.hash,
        as_of: None,
        today: Date::from_unix_millis(head.recorded_at).expect("a real day"),
    };
    let plan = Plan::from_events(ledger.events());
    c.bench_function("narrative_demo_html", |b| {
        b.iter(|| Narrative::build(&plan, &records, &source).to_html())
    });
    c.bench_function("narrative_demo_markdown", |b| {
        b.iter(|| Narrative::build(&plan, &records, &source).to_markdown())
    });
}

criterion_group!(benches, rebuild, point_in_time, narrative);
criterion_main!(benches);
