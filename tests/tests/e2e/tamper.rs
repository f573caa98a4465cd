//! Tampering through the back door: a ledger built with the CLI has one byte of one stored
//! event flipped with `wsoa_store::raw`; `wsoa verify` must then exit 1 and name that event, in
//! text and in JSON.

use crate::harness::Sandbox;

#[test]
fn verify_names_an_event_altered_on_disk() {
    let sandbox = Sandbox::opened();
    for args in [
        &[
            "weakness",
            "add",
            "W1",
            "--title",
            "Joint commissioning",
            "--on",
            "2021-04-20",
        ][..],
        &[
            "weakness",
            "add",
            "W2",
            "--title",
            "Identification of need",
            "--on",
            "2021-04-20",
        ],
        &[
            "weakness",
            "add",
            "W3",
            "--title",
            "EHC plan quality",
            "--on",
            "2021-04-20",
        ],
    ] {
        sandbox.run(args).success();
    }
    sandbox.verified();

    // Event 2 is W2's: turn "Identification" into "identification", a change that still
    // decodes, so only the hash can tell.
    {
        let ledger = wsoa_store::Ledger::open(&sandbox.data()).expect("the ledger opens");
        let mut bytes = wsoa_store::raw::event_bytes(&ledger, 2)
            .expect("the event reads")
            .expect("event 2 exists");
        let at = bytes
            .windows(b"Identification".len())
            .position(|window| window == b"Identification")
            .expect("the title is in the event's bytes");
        bytes[at] ^= 0x20;
        wsoa_store::raw::put_event_bytes(&ledger, 2, &bytes).expect("the bytes are overwritten");
    }

    let text = sandbox.run(&["verify"]).code_is(1);
    assert!(
        text.stdout.contains("does NOT verify") && text.stdout.contains("The first bad event is 2"),
        "verify should name event 2: {}",
        text.stdout
    );
    let json = sandbox
        .run(&["--format", "json", "verify"])
        .code_is(1)
        .json();
    assert_eq!(json["ok"], false, "{json}");
    assert_eq!(json["seq"], 2, "{json}");
    assert!(
        json["message"]
            .as_str()
            .is_some_and(|message| message.contains("event 2")),
        "{json}"
    );
}
