//! The whole life of one Written Statement of Action, recorded through the CLI the way the
//! seed reports describe it (Essex's three areas of weakness, quoted in the inspectors' words):
//! inspection, weaknesses, plan submitted, revised, resubmitted and accepted, workstreams,
//! actions, slipped deadlines, evidence, a measure of impact, a monitoring visit, a board review,
//! a risk, the parent carer forum's voice, a correction and the revisit. Every command's JSON
//! report is checked as it goes, and at the end `verify` and an independent recomputation of the
//! hash chain from `log` must agree with what was reported.

use std::path::Path;

use serde_json::{Value, json};

use crate::harness::{ACTOR, Sandbox, check_chain};

const FINDING_W1: &str = "The joint commissioning arrangements between the local authority and \
the CCGs do not work well enough to provide children and young people with the services that \
they need: too much variation between the CCGs leads to inequality, inconsistency and \
unacceptably long waiting times for services.";
const FINDING_W2: &str = "The reasons for, and accuracy of, the high proportions of children and \
young people identified with moderate learning difficulties are yet to be resolved.";
const FINDING_W3: &str = "Too many EHC plans do not include the information needed to secure \
high-quality outcomes for children and young people.";

/// A ledger being written, with the hash of every event reported so far.
struct Life {
    sandbox: Sandbox,
    hashes: Vec<String>,
    kinds: Vec<String>,
}

impl Life {
    /// Records one event and checks its report: the next seq, the expected kind, and the
    /// `--on` date as its occurred_on.
    #[track_caller]
    fn record(&mut self, kind: &str, args: &[&str]) -> Value {
        let report = self.sandbox.record(args);
        assert_eq!(
            report["seq"],
            self.hashes.len(),
            "{args:?}: seq should be one more than the last: {report}"
        );
        assert_eq!(report["kind"], kind, "{args:?}: {report}");
        if let Some(at) = args.iter().position(|arg| *arg == "--on") {
            assert_eq!(report["occurred_on"], args[at + 1], "{args:?}: {report}");
        }
        self.hashes
            .push(report["hash"].as_str().expect("hash is text").to_owned());
        self.kinds.push(kind.to_owned());
        report
    }

    /// Attaches a file and checks that the reported content hash is its BLAKE3, computed here.
    #[track_caller]
    fn attach(&mut self, file: &Path, id: &str, args: &[&str]) -> Value {
        let content = std::fs::read(file).expect("the evidence file exists");
        let path = file.to_str().expect("temporary paths are UTF-8");
        let mut full = vec!["evidence", "attach", path];
        full.extend_from_slice(args);
        let report = self.record("evidence_attached", &full);
        assert_eq!(report["id"], id, "{report}");
        assert_eq!(
            report["content_hash"],
            blake3::hash(&content).to_hex().as_str(),
            "the content hash should be the file's BLAKE3: {report}"
        );
        assert_eq!(report["size"], content.len(), "{report}");
        report
    }
}

#[test]
fn a_whole_statement_from_inspection_to_revisit_verifies() {
    let mut life = Life {
        sandbox: Sandbox::new(),
        hashes: Vec::new(),
        kinds: Vec::new(),
    };

    // The local area, the inspection and its three areas of significant weakness.
    life.record(
        "ledger_opened",
        &[
            "init",
            "--area",
            "Northshire local area",
            "--partner",
            "Northshire County Council",
            "--partner",
            "NHS Mid Northshire CCG",
            "--partner",
            "NHS North East Northshire CCG",
            "--on",
            "2021-01-04",
        ],
    );
    life.record(
        "inspection_recorded",
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
        ],
    );
    for (id, title, finding) in [
        ("W1", "Joint commissioning", FINDING_W1),
        (
            "W2",
            "Pupils with moderate learning difficulties",
            FINDING_W2,
        ),
        ("W3", "Education, health and care plans", FINDING_W3),
    ] {
        let report = life.record(
            "weakness_recorded",
            &[
                "weakness",
                "add",
                id,
                "--title",
                title,
                "--finding",
                finding,
                "--on",
                "2021-04-20",
            ],
        );
        assert_eq!(report["id"], id);
    }

    // Workstreams with their senior accountable sponsors, and their actions.
    for (id, title, sponsor, weaknesses) in [
        (
            "WS1",
            "Joint commissioning across the 0-25 age range",
            "Director of Commissioning, NHS Mid Northshire CCG",
            &["W1"][..],
        ),
        (
            "WS2",
            "Accurate identification of need",
            "Director of Education",
            &["W2"][..],
        ),
        (
            "WS3",
            "EHC plan quality and oversight",
            "Assistant Director, SEND and Inclusion",
            &["W3", "W2"][..],
        ),
    ] {
        let mut args = vec![
            "workstream",
            "add",
            id,
            "--title",
            title,
            "--sponsor",
            sponsor,
        ];
        for weakness in weaknesses {
            args.extend(["--weakness", weakness]);
        }
        args.extend(["--on", "2021-05-10"]);
        life.record("workstream_created", &args);
    }
    life.record(
        "action_created",
        &[
            "action",
            "add",
            "1.1",
            "--workstream",
            "WS1",
            "--title",
            "Agree a joint commissioning strategy for SEND services from 0 to 25",
            "--owner",
            "Head of Joint Commissioning",
            "--due",
            "2021-12-31",
            "--success",
            "Strategy signed by the council and both CCGs",
            "--success",
            "Speech and language therapy waiting times reported monthly to the board",
            "--on",
            "2021-05-10",
        ],
    );
    life.record(
        "action_created",
        &[
            "action",
            "add",
            "2.1",
            "--workstream",
            "WS2",
            "--title",
            "Audit the identification of moderate learning difficulties in 30 schools",
            "--owner",
            "Principal Educational Psychologist",
            "--due",
            "2021-11-30",
            "--success",
            "Audit findings reported to the SEND Improvement Board",
            "--on",
            "2021-05-10",
        ],
    );
    life.record(
        "action_created",
        &[
            "action",
            "add",
            "3.1",
            "--workstream",
            "WS3",
            "--title",
            "Appoint a SEND quality assurance officer and agree a QA framework",
            "--owner",
            "Head of SEND",
            "--due",
            "2021-09-30",
            "--success",
            "Officer in post",
            "--success",
            "QA framework agreed by the board",
            "--on",
            "2021-05-10",
        ],
    );
    life.record(
        "action_created",
        &[
            "action",
            "add",
            "3.2",
            "--workstream",
            "WS3",
            "--title",
            "Four-level audit of a sample of EHC plans every term",
            "--owner",
            "SEND Quality Assurance Officer",
            "--due",
            "2022-07-31",
            "--success",
            "80% of audited plans rated good or better",
            "--on",
            "2021-05-10",
        ],
    );

    // The statement: submitted, strengthened as the inspectorates asked, resubmitted, accepted.
    let submitted = life.record(
        "plan_submitted",
        &[
            "plan",
            "submit",
            "--summary",
            "Written statement of action, version 1",
            "--on",
            "2021-07-27",
        ],
    );
    assert_eq!(submitted["id"], "version 1");
    let revised = life.record(
        "plan_revised",
        &[
            "plan",
            "revise",
            "--summary",
            "Measures of impact and named leads added, as Ofsted and CQC asked",
            "--on",
            "2021-08-20",
        ],
    );
    assert_eq!(revised["id"], "version 2");
    let resubmitted = life.record(
        "plan_submitted",
        &[
            "plan",
            "submit",
            "--summary",
            "Written statement of action, version 2",
            "--on",
            "2021-08-23",
        ],
    );
    assert_eq!(resubmitted["id"], "version 2");
    let accepted = life.record(
        "plan_accepted",
        &[
            "plan",
            "accept",
            "--summary",
            "Letter: the statement is fit for purpose",
            "--on",
            "2021-09-06",
        ],
    );
    assert_eq!(accepted["id"], "version 2");

    // Delivery: status changes with RAG and notes, and a deadline that slipped.
    life.record(
        "action_status_changed",
        &[
            "action",
            "status",
            "3.1",
            "in-progress",
            "--rag",
            "amber",
            "--note",
            "Post advertised; interviews on 2 September",
            "--on",
            "2021-08-02",
        ],
    );
    life.record(
        "action_status_changed",
        &[
            "action",
            "status",
            "1.1",
            "blocked",
            "--rag",
            "red",
            "--note",
            "Commissioning staff redeployed to the COVID-19 vaccination programme",
            "--on",
            "2021-09-20",
        ],
    );
    life.record(
        "action_amended",
        &[
            "action",
            "amend",
            "1.1",
            "--due",
            "2022-03-31",
            "--reason",
            "Commissioning staff redeployed to the COVID-19 vaccination programme",
            "--on",
            "2021-10-01",
        ],
    );
    life.record(
        "action_status_changed",
        &[
            "action",
            "status",
            "3.1",
            "complete",
            "--rag",
            "green",
            "--note",
            "QA officer started on 1 September; framework agreed by the board on 14 October",
            "--on",
            "2021-10-14",
        ],
    );
    life.record(
        "action_status_changed",
        &[
            "action",
            "status",
            "2.1",
            "in-progress",
            "--rag",
            "green",
            "--on",
            "2021-10-18",
        ],
    );

    // Evidence: board minutes, an audit and a survey analysis.
    let minutes = life.sandbox.file(
        "board-minutes-2021-10.pdf",
        b"%PDF-1.4\n\
          SEND Improvement Board, 14 October 2021. Item 4: the QA framework was agreed.\n%%EOF\n",
    );
    let audit = life.sandbox.file(
        "ehcp-audit-autumn-2021.csv",
        b"plan,section,rating\nP001,outcomes,good\nP002,provision,requires improvement\n\
          P003,health advice,outstanding\n",
    );
    let survey = life.sandbox.file(
        "parent-survey-analysis-2021.txt",
        "Parent carer survey, July 2021: 412 responses; 61% said they knew where to find the \
         Local Offer, up from 38%.\n"
            .as_bytes(),
    );
    life.attach(
        &minutes,
        "E1",
        &[
            "--title",
            "SEND Improvement Board minutes, October 2021",
            "--kind",
            "minutes",
            "--supports",
            "WS3",
            "--supports",
            "3.1",
            "--on",
            "2021-10-14",
        ],
    );
    life.attach(
        &audit,
        "E2",
        &[
            "--title",
            "Four-level EHC plan audit, autumn term 2021",
            "--kind",
            "audit",
            "--supports",
            "action:3.2",
            "--supports",
            "W3",
            "--on",
            "2021-12-10",
        ],
    );
    life.attach(
        &survey,
        "E3",
        &[
            "--title",
            "Parent carer survey analysis, July 2021",
            "--kind",
            "survey",
            "--supports",
            "WS1",
            "--on",
            "2021-08-31",
        ],
    );
    let copy = life.sandbox.root().join("audit-copy.csv");
    let got = life
        .sandbox
        .json(&[
            "evidence",
            "get",
            "E2",
            "--out",
            copy.to_str().expect("UTF-8 path"),
        ])
        .json();
    assert_eq!(
        std::fs::read(&copy).expect("evidence get wrote the file"),
        std::fs::read(&audit).expect("the original is still there"),
        "evidence get should give back exactly the bytes attached"
    );
    assert_eq!(got["id"], "E2");
    assert_eq!(
        got["content_hash"],
        blake3::hash(&std::fs::read(&audit).expect("readable"))
            .to_hex()
            .as_str()
    );

    // A measure of impact, from its baseline, with three values.
    life.record(
        "measure_defined",
        &[
            "measure",
            "add",
            "M1",
            "--title",
            "EHC plans issued within 20 weeks",
            "--unit",
            "%",
            "--baseline",
            "12",
            "--baseline-on",
            "2021-03-31",
            "--target",
            "60",
            "--target-by",
            "2022-09-30",
            "--weakness",
            "W3",
            "--on",
            "2021-09-06",
        ],
    );
    for (value, source, on) in [
        ("28.5", "EHC hub report, December 2021", "2021-12-31"),
        ("41", "EHC hub report, March 2022", "2022-03-31"),
        ("63", "EHC hub report, June 2022", "2022-06-30"),
    ] {
        life.record(
            "measure_recorded",
            &[
                "measure", "record", "M1", value, "--source", source, "--on", on,
            ],
        );
    }

    // Monitoring, board review, a risk, the parent carer forum's voice.
    let visit = life.record(
        "monitoring_visit_recorded",
        &[
            "visit",
            "record",
            "--by",
            "DfE and NHS England advisers",
            "--summary",
            "The local area is making good progress",
            "--strength",
            "Strong co-production with the parent carer forum",
            "--strength",
            "The QA officer is in post and the framework is agreed",
            "--concern",
            "Waiting times for speech and language therapy vary too much between the CCGs",
            "--next-step",
            "Show the impact of the QA framework on the quality of EHC plans",
            "--on",
            "2021-11-08",
        ],
    );
    life.record(
        "progress_reviewed",
        &[
            "review",
            "record",
            "--forum",
            "SEND Improvement Board",
            "--assess",
            "WS1=at-risk:The strategy slipped to March: commissioning staff were redeployed",
            "--assess",
            "WS2=on-track",
            "--assess",
            "WS3=on-track",
            "--on",
            "2021-12-02",
        ],
    );
    life.record(
        "risk_raised",
        &[
            "risk",
            "raise",
            "R1",
            "--title",
            "Educational psychologist vacancies delay EHC needs assessments",
            "--level",
            "high",
            "--about",
            "WS3",
            "--about",
            "W3",
            "--mitigation",
            "Locum cover agreed to March",
            "--on",
            "2021-10-05",
        ],
    );
    life.record(
        "risk_updated",
        &[
            "risk",
            "update",
            "R1",
            "--level",
            "medium",
            "--note",
            "Two educational psychologists appointed",
            "--on",
            "2022-01-10",
        ],
    );
    life.record(
        "risk_closed",
        &[
            "risk",
            "close",
            "R1",
            "--reason",
            "Establishment fully recruited",
            "--on",
            "2022-04-01",
        ],
    );
    life.record(
        "note_added",
        &[
            "note",
            "add",
            "--about",
            "W1",
            "--text",
            "Parents said waiting times are still too long, but the single point of access helps",
            "--from",
            "Northshire Parent Carer Forum",
            "--on",
            "2022-02-10",
        ],
    );
    let visit_seq = visit["seq"].as_u64().expect("seq is a number").to_string();
    let correction = life.record(
        "correction_recorded",
        &[
            "correct",
            &visit_seq,
            "--reason",
            "The visit was on 18 November, not 8 November; the feedback is unchanged.",
            "--on",
            "2022-02-14",
        ],
    );
    assert_eq!(correction["id"], format!("event {visit_seq}"));

    // The revisit.
    life.record(
        "revisit_scheduled",
        &[
            "revisit",
            "schedule",
            "--from",
            "2022-09-01",
            "--to",
            "2022-11-30",
            "--on",
            "2022-06-01",
        ],
    );
    life.record(
        "revisit_outcome_recorded",
        &[
            "revisit",
            "outcome",
            "--weakness",
            "W1=sufficient",
            "--weakness",
            "W2=sufficient",
            "--weakness",
            "W3=insufficient",
            "--on",
            "2022-10-14",
        ],
    );

    let events = life.hashes.len();
    let head = life.hashes.last().expect("events were recorded").clone();

    // `verify` says how many events there are and what the head is.
    let verify = life.sandbox.run(&["verify"]).success();
    assert!(
        verify.stdout.contains(&format!("All {events} events")),
        "verify should count {events} events: {}",
        verify.stdout
    );
    assert!(
        verify.stdout.contains(&head),
        "verify should name the head hash {head}: {}",
        verify.stdout
    );
    let report = life.sandbox.verified();
    assert_eq!(report["events"], events);
    assert_eq!(report["head"], head.as_str());
    assert_eq!(report["evidence_checked"], 3);

    // The log, recomputed independently, is exactly the chain that was reported.
    let log = life.sandbox.log();
    assert_eq!(log.len(), events, "one JSON object per event");
    assert_eq!(check_chain(&log), life.hashes);
    for (event, kind) in log.iter().zip(&life.kinds) {
        assert!(
            event["body"].get(kind.as_str()).is_some(),
            "event {} should be {kind}: {event}",
            event["seq"]
        );
        assert_eq!(event["actor"]["name"], ACTOR);
    }

    // What was recorded is what was said.
    let bodies: Vec<&Value> = log.iter().map(|event| &event["body"]).collect();
    let of_kind = |kind: &str| -> Vec<&Value> {
        bodies
            .iter()
            .filter_map(|body| body.get(kind))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        of_kind("ledger_opened")[0]["partners"],
        json!([
            "Northshire County Council",
            "NHS Mid Northshire CCG",
            "NHS North East Northshire CCG"
        ])
    );
    let findings: Vec<&Value> = of_kind("weakness_recorded")
        .iter()
        .map(|w| &w["finding"])
        .collect();
    assert_eq!(findings, [FINDING_W1, FINDING_W2, FINDING_W3]);
    let versions: Vec<&Value> = bodies
        .iter()
        .filter_map(|body| {
            ["plan_submitted", "plan_revised", "plan_accepted"]
                .iter()
                .find_map(|kind| body.get(*kind))
        })
        .map(|plan| &plan["version"])
        .collect();
    assert_eq!(versions, [1, 2, 2, 2]);
    let amended = of_kind("action_amended")[0];
    assert_eq!(amended["id"], "1.1");
    assert_eq!(amended["due"], "2022-03-31");
    assert_eq!(
        amended["reason"],
        "Commissioning staff redeployed to the COVID-19 vaccination programme"
    );
    let statuses: Vec<(&Value, &Value, &Value)> = of_kind("action_status_changed")
        .iter()
        .map(|change| (&change["id"], &change["status"], &change["rag"]))
        .collect();
    assert_eq!(
        statuses,
        [
            (&json!("3.1"), &json!("in-progress"), &json!("amber")),
            (&json!("1.1"), &json!("blocked"), &json!("red")),
            (&json!("3.1"), &json!("complete"), &json!("green")),
            (&json!("2.1"), &json!("in-progress"), &json!("green")),
        ]
    );
    let attached = of_kind("evidence_attached");
    assert_eq!(
        attached[0]["supports"],
        json!([{"workstream": "WS3"}, {"action": "3.1"}])
    );
    assert_eq!(
        attached[1]["supports"],
        json!([{"action": "3.2"}, {"weakness": "W3"}])
    );
    let kinds: Vec<&Value> = attached.iter().map(|e| &e["kind"]).collect();
    assert_eq!(kinds, ["minutes", "audit", "survey"]);
    let names: Vec<&Value> = attached.iter().map(|e| &e["file_name"]).collect();
    assert_eq!(
        names,
        [
            "board-minutes-2021-10.pdf",
            "ehcp-audit-autumn-2021.csv",
            "parent-survey-analysis-2021.txt"
        ]
    );
    let values: Vec<&Value> = of_kind("measure_recorded")
        .iter()
        .map(|m| &m["value"])
        .collect();
    assert_eq!(values, ["28.5", "41", "63"]);
    let visit_body = of_kind("monitoring_visit_recorded")[0];
    assert_eq!(visit_body["strengths"].as_array().map(Vec::len), Some(2));
    assert_eq!(visit_body["concerns"].as_array().map(Vec::len), Some(1));
    assert_eq!(visit_body["next_steps"].as_array().map(Vec::len), Some(1));
    let assessments = &of_kind("progress_reviewed")[0]["assessments"];
    assert_eq!(assessments[0]["rating"], "at-risk");
    assert_eq!(
        assessments[0]["note"],
        "The strategy slipped to March: commissioning staff were redeployed"
    );
    assert_eq!(assessments[1]["note"], Value::Null);
    let note = of_kind("note_added")[0];
    assert_eq!(note["about"], json!({"weakness": "W1"}));
    assert_eq!(note["from"], "Northshire Parent Carer Forum");
    assert_eq!(of_kind("correction_recorded")[0]["seq"], visit["seq"]);
    assert_eq!(
        of_kind("revisit_outcome_recorded")[0]["outcomes"],
        json!([
            {"weakness": "W1", "progress": "sufficient"},
            {"weakness": "W2", "progress": "sufficient"},
            {"weakness": "W3", "progress": "insufficient"}
        ])
    );
}
