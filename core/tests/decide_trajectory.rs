//! Given / when / then: a measure's definition, period and trajectory, and evidence packs.

use wsoa_core::command::{AmendMeasure, DefineMeasure, TrajectoryInput};
use wsoa_core::decide::When;
use wsoa_core::event::{
    Direction, InspectionRecorded, LedgerOpened, MeasureAmended, MeasureDefined,
    MeasureDefinedWithTrajectory, PackSent, Period, TrajectoryPoint, WeaknessRecorded,
};
use wsoa_core::{
    Actor, Command, Date, Decimal, Digest, Event, EventBody, FORMAT_VERSION, MeasureId, Rejection,
    Role, State, WeaknessId, decide,
};

fn date(text: &str) -> Date {
    text.parse().expect("a valid date")
}

fn dec(text: &str) -> Decimal {
    text.parse().expect("a valid decimal")
}

fn mid(id: &str) -> MeasureId {
    MeasureId::new(id).expect("a valid measure id")
}

fn now() -> When {
    When {
        occurred_on: date("2024-04-02"),
        today: date("2024-04-03"),
    }
}

/// The state after `commands`, each decided and applied in turn (each must be accepted).
fn given(commands: &[Command]) -> State {
    let mut state = State::default();
    for command in commands {
        let body = decide(&state, command, now())
            .unwrap_or_else(|rejection| panic!("given {command:?} was refused: {rejection}"));
        let event = Event {
            format: FORMAT_VERSION,
            seq: state.len,
            prev: Digest::ZERO,
            recorded_at: 1_712_145_600_000 + state.len as i64,
            occurred_on: now().occurred_on,
            actor: Actor {
                name: "qa.officer".to_owned(),
                role: Role::Officer,
            },
            body,
        };
        state.apply(&event);
    }
    state
}

fn measure(id: &str, better: Direction) -> MeasureDefined {
    let (baseline, target) = match better {
        Direction::HigherIsBetter => (dec("30"), dec("90")),
        Direction::LowerIsBetter => (dec("40"), dec("10")),
    };
    MeasureDefined {
        id: mid(id),
        title: "Annual reviews held on time".to_owned(),
        unit: "%".to_owned(),
        baseline,
        baseline_on: date("2023-03-31"),
        target,
        target_by: date("2025-03-31"),
        better,
        weaknesses: vec![WeaknessId::new("W1").expect("id")],
    }
}

fn point(on: &str, value: &str, unit: Option<&str>) -> TrajectoryInput {
    TrajectoryInput {
        on: date(on),
        value: dec(value),
        unit: unit.map(str::to_owned),
    }
}

/// The command defining `measure` with these extras.
fn defining(
    m: MeasureDefined,
    definition: Option<&str>,
    period: Option<Period>,
    trajectory: Vec<TrajectoryInput>,
) -> Command {
    Command::DefineMeasureWithTrajectory(DefineMeasure {
        id: m.id,
        title: m.title,
        unit: m.unit,
        baseline: m.baseline,
        baseline_on: m.baseline_on,
        target: m.target,
        target_by: m.target_by,
        better: m.better,
        weaknesses: m.weaknesses,
        definition: definition.map(str::to_owned),
        period,
        trajectory,
    })
}

fn define(trajectory: Vec<TrajectoryInput>) -> Command {
    defining(
        measure("M1", Direction::HigherIsBetter),
        Some("Reviews held within 12 months of the last"),
        Some(Period::FinancialYear),
        trajectory,
    )
}

fn opened() -> Vec<Command> {
    vec![
        Command::OpenLedger(LedgerOpened {
            area: "Northshire local area".to_owned(),
            partners: vec!["Northshire County Council".to_owned()],
        }),
        Command::RecordInspection(InspectionRecorded {
            inspectorates: vec!["Ofsted".to_owned(), "CQC".to_owned()],
            from: date("2023-01-09"),
            to: date("2023-01-13"),
            published: date("2023-02-20"),
        }),
        Command::RecordWeakness(WeaknessRecorded {
            id: WeaknessId::new("W1").expect("id"),
            title: "Annual reviews".to_owned(),
            finding: None,
        }),
    ]
}

fn with_measure() -> Vec<Command> {
    let mut commands = opened();
    commands.push(Command::DefineMeasure(measure(
        "M1",
        Direction::HigherIsBetter,
    )));
    commands
}

fn refused(state: &State, command: &Command) -> Rejection {
    decide(state, command, now()).expect_err("refused")
}

#[test]
fn a_measure_with_a_trajectory_is_recorded_with_it_and_one_without_as_before() {
    let state = given(&opened());
    let body = decide(
        &state,
        &define(vec![
            point("2024-03-31", "50", Some("%")),
            point("2025-03-31", "90", None),
        ]),
        now(),
    )
    .expect("accepted");
    assert_eq!(
        body,
        EventBody::MeasureDefinedWithTrajectory(MeasureDefinedWithTrajectory {
            measure: measure("M1", Direction::HigherIsBetter),
            definition: Some("Reviews held within 12 months of the last".to_owned()),
            period: Some(Period::FinancialYear),
            trajectory: vec![
                TrajectoryPoint {
                    on: date("2024-03-31"),
                    value: dec("50")
                },
                TrajectoryPoint {
                    on: date("2025-03-31"),
                    value: dec("90")
                },
            ],
        })
    );
    let plain = defining(
        measure("M1", Direction::HigherIsBetter),
        None,
        None,
        Vec::new(),
    );
    assert_eq!(
        decide(&state, &plain, now()),
        Ok(EventBody::MeasureDefined(measure(
            "M1",
            Direction::HigherIsBetter
        )))
    );
}

#[test]
fn trajectory_dates_are_in_order_and_each_once() {
    let state = given(&opened());
    let rejection = refused(
        &state,
        &define(vec![
            point("2024-09-30", "60", None),
            point("2024-03-31", "50", None),
        ]),
    );
    assert!(
        matches!(rejection, Rejection::DateOrder(_)),
        "{rejection:?}"
    );
    assert!(
        rejection.to_string().contains("not in date order"),
        "{rejection}"
    );
    let rejection = refused(
        &state,
        &define(vec![
            point("2024-03-31", "50", None),
            point("2024-03-31", "55", None),
        ]),
    );
    assert!(
        matches!(rejection, Rejection::Inconsistent(_)),
        "{rejection:?}"
    );
    assert!(
        rejection
            .to_string()
            .contains("two points on 31 March 2024"),
        "{rejection}"
    );
}

#[test]
fn trajectory_values_are_in_the_measures_unit_and_start_at_the_baseline() {
    let state = given(&opened());
    let rejection = refused(
        &state,
        &define(vec![point("2024-03-31", "50", Some("days"))]),
    );
    assert!(
        rejection
            .to_string()
            .contains("is measured in '%': write the value in %"),
        "{rejection}"
    );
    let rejection = refused(&state, &define(vec![point("2022-03-31", "20", None)]));
    assert!(
        matches!(rejection, Rejection::DateOrder(_)),
        "{rejection:?}"
    );
    assert!(
        rejection
            .to_string()
            .contains("before measure M1's baseline date"),
        "{rejection}"
    );
}

#[test]
fn a_trajectory_is_set_later_on_a_measure_that_exists() {
    let state = given(&with_measure());
    let amend = |id: &str, trajectory: Option<Vec<TrajectoryInput>>| {
        Command::AmendMeasure(AmendMeasure {
            id: mid(id),
            definition: None,
            period: None,
            trajectory,
        })
    };
    assert_eq!(
        decide(
            &state,
            &amend("M1", Some(vec![point("2024-03-31", "50", Some("%"))])),
            now()
        ),
        Ok(EventBody::MeasureAmended(MeasureAmended {
            id: mid("M1"),
            definition: None,
            period: None,
            trajectory: Some(vec![TrajectoryPoint {
                on: date("2024-03-31"),
                value: dec("50")
            }]),
        }))
    );
    let rejection = refused(
        &state,
        &amend("M7", Some(vec![point("2024-03-31", "50", None)])),
    );
    assert!(
        matches!(rejection, Rejection::UnknownId { .. }),
        "{rejection:?}"
    );
    assert!(
        rejection.to_string().contains("no measure M7"),
        "{rejection}"
    );
    let rejection = refused(&state, &amend("M1", None));
    assert!(
        rejection
            .to_string()
            .contains("give its definition, period or trajectory"),
        "{rejection}"
    );
    let rejection = refused(
        &state,
        &amend(
            "M1",
            Some(vec![
                point("2024-09-30", "60", None),
                point("2024-03-31", "50", None),
            ]),
        ),
    );
    assert!(
        matches!(rejection, Rejection::DateOrder(_)),
        "{rejection:?}"
    );
    let set = given(&{
        let mut commands = with_measure();
        commands.push(amend("M1", Some(vec![point("2024-03-31", "50", None)])));
        commands
    });
    let rejection = refused(
        &set,
        &amend("M1", Some(vec![point("2024-03-31", "50", None)])),
    );
    assert!(
        matches!(rejection, Rejection::NothingChanged(_)),
        "{rejection:?}"
    );
}

fn pack(as_of: &str, events: u64) -> Command {
    Command::RecordPack(PackSent {
        purpose: "APP six-month review".to_owned(),
        to: "DfE SEND adviser".to_owned(),
        as_of: date(as_of),
        events,
        head: Digest([1; 32]),
        file_name: "pack.wsoa".to_owned(),
        file_hash: Digest([2; 32]),
        size: 1024,
    })
}

#[test]
fn a_packs_cut_off_is_not_in_the_future_and_within_the_ledger() {
    let state = given(&with_measure());
    assert!(matches!(
        decide(&state, &pack("2024-04-01", 4), now()),
        Ok(EventBody::PackSent(_))
    ));
    let rejection = refused(&state, &pack("2024-04-04", 4));
    assert!(
        matches!(rejection, Rejection::DateOrder(_)),
        "{rejection:?}"
    );
    assert!(
        rejection
            .to_string()
            .contains("cut-off (4 April 2024) is in the future"),
        "{rejection}"
    );
    let rejection = refused(&state, &pack("2024-04-03", 4));
    assert!(
        rejection.to_string().contains("after the day it was sent"),
        "{rejection}"
    );
    let rejection = refused(&state, &pack("2024-04-01", 5));
    assert!(
        rejection
            .to_string()
            .contains("the pack holds 5 events but the ledger has 4"),
        "{rejection}"
    );
    let blank = Command::RecordPack(PackSent {
        purpose: " ".to_owned(),
        ..match pack("2024-04-01", 4) {
            Command::RecordPack(p) => p,
            _ => unreachable!(),
        }
    });
    assert!(matches!(refused(&state, &blank), Rejection::Blank { .. }));
}

// ---------------------------------------------------------------------------------------------
// Views: the plan, `show` and the narrative judge the latest value against the trajectory.
// ---------------------------------------------------------------------------------------------

mod views {
    use super::*;
    use wsoa_core::event::MeasureRecorded;
    use wsoa_core::memory::MemoryLedger;
    use wsoa_core::narrative::{Narrative, Source};
    use wsoa_core::plan::{Against, Plan};

    /// A ledger with measure M1 (and its trajectory) and the given values, each on its day.
    fn ledger(better: Direction, values: &[(&str, &str)]) -> MemoryLedger {
        let mut ledger = MemoryLedger::new();
        let actor = Actor {
            name: "qa.officer".to_owned(),
            role: Role::Officer,
        };
        let mut at = 1_680_000_000_000_i64;
        let mut record = |ledger: &mut MemoryLedger, command: Command, on: &str| {
            at += 60_000;
            ledger
                .record(
                    &command,
                    actor.clone(),
                    date(on),
                    at.max(date(on).days_since_epoch() * 86_400_000 + 43_200_000),
                )
                .unwrap_or_else(|err| panic!("{command:?}: {err}"));
        };
        for command in opened() {
            record(&mut ledger, command, "2023-03-31");
        }
        let trajectory = match better {
            Direction::HigherIsBetter => vec![
                point("2023-09-30", "45", None),
                point("2024-03-31", "60", None),
                point("2025-03-31", "90", None),
            ],
            Direction::LowerIsBetter => vec![
                point("2023-09-30", "30", None),
                point("2024-03-31", "20", None),
            ],
        };
        record(
            &mut ledger,
            defining(
                measure("M1", better),
                None,
                Some(Period::Quarter),
                trajectory,
            ),
            "2023-03-31",
        );
        for (on, value) in values {
            record(
                &mut ledger,
                Command::RecordMeasure(MeasureRecorded {
                    id: mid("M1"),
                    value: dec(value),
                    source: None,
                }),
                on,
            );
        }
        ledger
    }

    fn plan(ledger: &MemoryLedger) -> Plan {
        Plan::from_events(ledger.events())
    }

    #[test]
    fn the_latest_value_is_on_above_or_below_the_last_point_at_or_before_its_date() {
        let higher = |on: &str, value: &str| {
            let ledger = ledger(Direction::HigherIsBetter, &[(on, value)]);
            let judged = plan(&ledger).measures[0]
                .against_trajectory()
                .expect("a value and a trajectory");
            (
                judged.against,
                judged.expected.to_string(),
                judged.expected_on,
            )
        };
        // Between the points of 30 September 2023 (45) and 31 March 2024 (60): steps, so 45.
        assert_eq!(
            higher("2024-01-31", "45"),
            (Against::On, "45".to_owned(), date("2023-09-30"))
        );
        assert_eq!(higher("2024-03-31", "61").0, Against::Above);
        assert_eq!(higher("2024-03-31", "59").0, Against::Below);
        // Before the first point, the baseline is what was expected.
        assert_eq!(
            higher("2023-06-30", "30"),
            (Against::On, "30".to_owned(), date("2023-03-31"))
        );
        // Lower is better: below the number is above the trajectory.
        let ledger = ledger(Direction::LowerIsBetter, &[("2024-04-01", "18")]);
        let judged = plan(&ledger).measures[0]
            .against_trajectory()
            .expect("judged");
        assert_eq!(judged.against, Against::Above);
        let ledger = super::views::ledger(Direction::LowerIsBetter, &[("2024-04-01", "25")]);
        let judged = plan(&ledger).measures[0]
            .against_trajectory()
            .expect("judged");
        assert_eq!(judged.against, Against::Below);
    }

    #[test]
    fn show_states_the_trajectory_and_target_missed_once_its_date_has_passed() {
        let ledger = ledger(
            Direction::HigherIsBetter,
            &[("2023-12-31", "40"), ("2024-03-31", "52")],
        );
        let plan = plan(&ledger);
        let before = wsoa_core::show::text(&plan, date("2025-03-31"));
        assert!(
            before.contains(
                "Trajectory  45 by 30 September 2023, 60 by 31 March 2024, 90 by 31 March 2025"
            ),
            "{before}"
        );
        assert!(
            before.contains("Judged      below trajectory: 52 on 31 March 2024 against 60 expected by 31 March 2024"),
            "{before}"
        );
        assert!(before.contains("target not yet met"), "{before}");
        assert!(!before.contains("target missed"), "{before}");
        let after = wsoa_core::show::text(&plan, date("2025-04-01"));
        assert!(after.contains("target missed"), "{after}");
        let view = wsoa_core::show::view(&plan, date("2025-04-01"));
        let shown = &view.weaknesses[0].measures[0];
        assert!(shown.target_missed);
        assert_eq!(shown.period, Some(Period::Quarter));
        assert_eq!(
            shown.against_trajectory.as_ref().map(|j| j.against),
            Some(Against::Below)
        );
    }

    fn narrative(ledger: &MemoryLedger, today: &str) -> String {
        let plan = plan(ledger);
        let n = ledger.events().count() as u64;
        Narrative::build(
            &plan,
            &[],
            &Source {
                folded: n,
                read: n,
                head: Digest::ZERO,
                as_of: None,
                today: date(today),
            },
        )
        .to_markdown()
    }

    #[test]
    fn the_narrative_states_impact_against_the_trajectory_and_never_from_actions_alone() {
        let below = narrative(
            &ledger(Direction::HigherIsBetter, &[("2024-03-31", "52")]),
            "2025-04-01",
        );
        assert!(
            below.contains("Against its trajectory, measure M1 is below trajectory: 52% on 31 March 2024, where its trajectory expected 60% by 31 March 2024. Target missed: 90% was to be reached by 31 March 2025."),
            "{below}"
        );
        let not_moving = narrative(
            &ledger(Direction::HigherIsBetter, &[("2024-03-31", "28")]),
            "2024-04-03",
        );
        assert!(
            not_moving.contains("Flag: no measure of this area is moving the right way yet"),
            "{not_moving}"
        );
        let moving = narrative(
            &ledger(Direction::HigherIsBetter, &[("2024-03-31", "61")]),
            "2024-04-03",
        );
        assert!(moving.contains("above trajectory"), "{moving}");
        assert!(
            !moving.contains("no measure of this area is moving"),
            "{moving}"
        );
    }
}

#[test]
fn a_trajectory_point_is_read_as_written() {
    let read = |text: &str| text.parse::<TrajectoryInput>();
    assert_eq!(
        read("2024-03-31=45%"),
        Ok(point("2024-03-31", "45", Some("%")))
    );
    assert_eq!(read("31/03/2024=45"), Ok(point("2024-03-31", "45", None)));
    assert_eq!(
        read("2024-03-31=12.5 days"),
        Ok(point("2024-03-31", "12.5", Some("days")))
    );
    assert_eq!(read("March 2024=-3"), Ok(point("2024-03-31", "-3", None)));
    let err = read("2024-03-31").expect_err("no value").to_string();
    assert!(err.contains("DATE=VALUE"), "{err}");
    let err = read("TBC=45%").expect_err("no day").to_string();
    assert!(err.contains("names no day"), "{err}");
    let err = read("2024-03-31=%").expect_err("no number").to_string();
    assert!(err.contains("is not a decimal number"), "{err}");
}
