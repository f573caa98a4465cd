//! Benchmarks of reads from a ledger on disk at 10^5 events of the demo story, with the kept
//! projections (plan snapshots, the subject index) beside a fold from event 0: the plan now, the
//! plan at a seq, and `timeline --about` one action. Run with `cargo bench -p wsoa-store --bench
//! reads` (or `bench/run.sh`).

// criterion_group! and criterion_main! generate undocumented public functions.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use wsoa_core::SubjectRef;
use wsoa_core::plan::Plan;
use wsoa_core::point::Point;
use wsoa_core::timeline::{Filter, Matcher, Timeline};
use wsoa_store::{Ledger, StoreError};

const EVENTS: u64 = 100_000;

/// The demo story grown to about `EVENTS` events, written to a ledger in a temporary directory.
fn ledger() -> (tempfile::TempDir, Ledger) {
    let story = wsoa_core::demo::in_memory(Some(EVENTS));
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut ledger = Ledger::replicate(
        &dir.path().join("ledger"),
        story.sealed().iter().map(|sealed| Ok(sealed.bytes.clone())),
    )
    .expect("the demo is written");
    // A replica keeps no snapshots: keep them as a ledger that grew by appends does.
    ledger.set_snapshot_every(wsoa_store::SNAPSHOT_EVERY);
    ledger
        .rebuild_projections()
        .expect("the projections are built");
    (dir, ledger)
}

fn about(ledger: &Ledger, id: &str) -> Matcher {
    let (plan, _) = ledger.plan_at(Point::Now).expect("plan");
    Filter {
        about: Some(id.parse::<SubjectRef>().expect("a reference")),
        ..Filter::default()
    }
    .compile(&plan)
    .expect("the demo has it")
}

fn reads(c: &mut Criterion) {
    let (_dir, ledger) = ledger();
    let len = ledger.len().expect("length");
    let seq = len / 2 + 777;
    let mut group = c.benchmark_group("reads_1e5");
    group.sample_size(10);
    group.bench_function("plan_now_kept", |b| {
        b.iter(|| ledger.plan_at(Point::Now).expect("plan"))
    });
    group.bench_function("plan_at_seq_snapshot", |b| {
        b.iter(|| ledger.plan_at(Point::Seq(seq)).expect("plan"))
    });
    group.bench_function("plan_at_seq_full_fold", |b| {
        b.iter(|| {
            let mut plan = Plan::default();
            ledger
                .for_each_at(Point::Seq(seq), |stored| {
                    plan.apply(&stored.event);
                    Ok::<(), StoreError>(())
                })
                .expect("fold");
            plan
        })
    });
    let matcher = about(&ledger, "action:1.1");
    ledger
        .for_each_entry(Point::Now, &matcher, |_| Ok::<(), StoreError>(()))
        .expect("the subject index is built");
    group.bench_function("timeline_about_action_indexed", |b| {
        b.iter(|| {
            let mut n = 0u64;
            ledger
                .for_each_entry(Point::Now, &matcher, |_| {
                    n += 1;
                    Ok::<(), StoreError>(())
                })
                .expect("timeline");
            n
        })
    });
    group.bench_function("timeline_about_action_full_fold", |b| {
        b.iter(|| {
            let mut timeline = Timeline::new();
            let mut n = 0u64;
            ledger
                .for_each_at(Point::Now, |stored| {
                    if matcher.matches(&timeline.entry(&stored.event, stored.hash)) {
                        n += 1;
                    }
                    Ok::<(), StoreError>(())
                })
                .expect("timeline");
            n
        })
    });
    group.bench_function("rebuild_projections", |b| {
        b.iter(|| ledger.rebuild_projections().expect("rebuilt"))
    });
    group.finish();
}

criterion_group!(benches, reads);
criterion_main!(benches);
