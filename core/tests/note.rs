//! Tests of `wsoa_core::note`: known-answer vectors from Go's `golang.org/x/mod/sumdb/note` tests
//! (the PeterNeumann and EnochRoot keys and notes), from transparency-dev/formats' tests (key
//! pairs, and a real sum.golang.org checkpoint signed by the Go checksum database) and from the
//! C2SP specifications' examples; round trips; a negative test for each rule of the formats; and
//! property tests that no input, arbitrary or mutated, makes a parser panic or a changed note
//! verify.

use proptest::prelude::*;
use wsoa_core::Digest;
use wsoa_core::note::{
    Checkpoint, MAX_SIGNATURES, Note, NoteError, Signature, Signer, Verifier, check_key_name,
    key_id,
};

// ---------------------------------------------------------------------------------------------
// Vectors, copied from their sources
// ---------------------------------------------------------------------------------------------

// golang.org/x/mod sumdb/note/note_test.go (TestNewSigner, TestNewVerifier, TestSign, TestOpen).
const PETER_SKEY: &str =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const ENOCH_VKEY: &str = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const PETER_TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                          then you don't know what your problem is.\n";
const PETER_SIG: &str = "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const ENOCH_SIG: &str = "\u{2014} EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

// transparency-dev/formats log/note_test.go: key pairs made by Go's note.GenerateKey.
const TD_KEY_PAIRS: [(&str, &str); 4] = [
    (
        "PRIVATE+KEY+Log+2271c621+AdEIq9FLRQni54Wg68T96VJO+iayOaulswav2DUMKgvQ",
        "Log+2271c621+AemuH5ooBpEPcr+W8onrjA1NfuzBVHdezakU81Ekarvs",
    ),
    (
        "PRIVATE+KEY+Known+451c786d+AQPRoE2+Z+Ed1HaHBA9F/FfracvcZ2rDU39kCecMEoci",
        "Known+451c786d+AXAQ0T7lbwuY4ABJ9/MYY9bWV3hmSyOGVt2x42NkmdUH",
    ),
    (
        "PRIVATE+KEY+KnownAgain+4893b26c+ARhZda/l25zjGZswYLDZsLNRzNpmv5wYTN9IoTr1OJ2+",
        "KnownAgain+4893b26c+AQ+LR7BFF/F/dkpIBjBpSvT0crkteizuUkavAoGeaYMj",
    ),
    (
        "PRIVATE+KEY+Unknown+fdbb2e08+Aav2knTC6orbhXX8pMWuNiWgO+Wwk2DB+h1eU2Q1W1nU",
        "Unknown+fdbb2e08+AWgRIYZ+8x1Vl+1Q+sR8zciNHiYI1SdlBjNw+RV0rots",
    ),
];

// transparency-dev/formats log/note_test.go (TestSumDBNoteParsing): a checkpoint of the Go
// checksum database, signed by sum.golang.org's key. Its key's base64 contains '+'.
const SUMDB_VKEY: &str = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";
const SUMDB_NOTE: &str = "go.sum database tree\n6476701\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n\n\u{2014} sum.golang.org Az3grsLX85Gz+s1SiTbgkuqxgItqFq7gsMUEyVnrsa9LM7Us9S+1xbFIGu95949rj4nPRYfvimWEPWL+o3GeoWwOoAw=\n";

// C2SP signed-note.md and tlog-checkpoint.md: the examples at the top of each (no key given).
const C2SP_NOTE: &str = "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned \u{e8} subito sera.\n\n\u{2014} quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n";
const C2SP_CHECKPOINT: &str = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n\u{2014} example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn peter() -> Signer {
    Signer::parse_signer(PETER_SKEY).expect("Peter's signer key parses")
}

fn vkey(s: &str) -> Verifier {
    s.parse().expect("verifier key parses")
}

fn new_signer(name: &str, byte: u8) -> Signer {
    Signer::generate(name, [byte; 32]).expect("valid key name")
}

fn peter_note() -> String {
    format!("{PETER_TEXT}\n{PETER_SIG}")
}

/// A signature line as a note writes it.
fn line(signature: &Signature) -> String {
    format!("\u{2014} {} {}\n", signature.name, signature.to_base64())
}

fn verify_str(note: &str, trusted: &[Verifier]) -> Result<Vec<String>, NoteError> {
    let note = Note::parse(note)?;
    Ok(note
        .verify(trusted)?
        .into_iter()
        .map(|v| v.name().to_owned())
        .collect())
}

fn sig_line_error(note: &str) -> bool {
    matches!(Note::parse(note), Err(NoteError::SignatureLine { .. }))
}

fn root(byte: u8) -> Digest {
    Digest([byte; 32])
}

// ---------------------------------------------------------------------------------------------
// Known answers
// ---------------------------------------------------------------------------------------------

#[test]
fn go_signer_key_gives_go_verifier_key_and_key_id() {
    let signer = peter();
    assert_eq!(signer.name(), "PeterNeumann");
    assert_eq!(signer.key_id(), 0xc74f20a3);
    assert_eq!(signer.to_signer_string(), PETER_SKEY);
    assert_eq!(signer.verifier().to_string(), PETER_VKEY);
    assert_eq!(vkey(PETER_VKEY), signer.verifier());
    let verifier = vkey(PETER_VKEY);
    assert_eq!(
        key_id("PeterNeumann", &verifier.public_key()),
        verifier.key_id()
    );
    let enoch = vkey(ENOCH_VKEY);
    assert_eq!((enoch.name(), enoch.key_id()), ("EnochRoot", 0xaf0cfe78));
    assert_eq!(enoch.to_string(), ENOCH_VKEY);
}

#[test]
fn transparency_dev_key_pairs_match() {
    for (skey, expected_vkey) in TD_KEY_PAIRS {
        let signer = Signer::parse_signer(skey).expect("signer key parses");
        assert_eq!(signer.to_signer_string(), skey);
        assert_eq!(signer.verifier().to_string(), expected_vkey);
        assert_eq!(vkey(expected_vkey), signer.verifier());
    }
}

#[test]
fn signing_gives_exactly_the_go_note() {
    let note = Note::sign(PETER_TEXT, &peter()).expect("signs");
    assert_eq!(note.to_string(), peter_note());
    assert_eq!(note.text(), PETER_TEXT);
    assert_eq!(note.signatures().len(), 1);
    assert_eq!(note.signatures()[0].key_id, 0xc74f20a3);
    assert_eq!(note.signatures()[0].bytes.len(), 64);
}

#[test]
fn go_notes_verify_as_go_opens_them() {
    let (peter, enoch) = (vkey(PETER_VKEY), vkey(ENOCH_VKEY));
    let both = format!("{PETER_TEXT}\n{PETER_SIG}{ENOCH_SIG}");

    // One trusted, one not: Enoch's signature is ignored.
    assert_eq!(
        verify_str(&both, std::slice::from_ref(&peter)),
        Ok(vec!["PeterNeumann".to_owned()])
    );
    // Both trusted.
    assert_eq!(
        verify_str(&both, &[peter.clone(), enoch.clone()]),
        Ok(vec!["PeterNeumann".to_owned(), "EnochRoot".to_owned()])
    );
    // Only Enoch trusted.
    assert_eq!(
        verify_str(&both, std::slice::from_ref(&enoch)),
        Ok(vec!["EnochRoot".to_owned()])
    );
    // None trusted.
    assert!(matches!(
        verify_str(&both, &[]),
        Err(NoteError::NoTrustedSignature { .. })
    ));
    let parsed = Note::parse(&both).expect("parses");
    assert_eq!(parsed.to_string(), both);
    assert_eq!(parsed.text(), PETER_TEXT);
}

#[test]
fn go_duplicated_signature_lines_are_accepted() {
    // Go's TestOpen "Duplicated verified and unverified signatures".
    let enoch_abcd = format!("{}ABCD{}", &ENOCH_SIG[..60], &ENOCH_SIG[60..]);
    let note = format!("{PETER_TEXT}\n{PETER_SIG}{PETER_SIG}{ENOCH_SIG}{ENOCH_SIG}{enoch_abcd}");
    assert_eq!(
        verify_str(&note, &[vkey(PETER_VKEY)]),
        Ok(vec!["PeterNeumann".to_owned()])
    );
}

#[test]
fn go_corrupted_signature_is_rejected() {
    // Go's TestOpen "Invalid signature": four base64 characters inserted into Peter's signature.
    let note = format!("{PETER_TEXT}\n{}ABCD{}", &PETER_SIG[..60], &PETER_SIG[60..]);
    assert_eq!(
        verify_str(&note, &[vkey(PETER_VKEY)]),
        Err(NoteError::InvalidSignature {
            name: "PeterNeumann".to_owned(),
            key_id: 0xc74f20a3
        })
    );
}

#[test]
fn go_malformed_notes_are_rejected() {
    // Go's TestOpen "Invalid encoded message syntax".
    let bad = [
        PETER_TEXT.to_owned(),
        format!("{PETER_TEXT}\n"),
        format!("{PETER_TEXT}\n{}", &PETER_SIG[..PETER_SIG.len() - 1]),
        format!("\x01{PETER_TEXT}\n{PETER_SIG}"),
        format!(
            "{PETER_TEXT}\n\u{2014} Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
        ),
        format!("{PETER_TEXT}\n{PETER_SIG}Unexpected line.\n"),
    ];
    for note in bad {
        assert!(Note::parse(&note).is_err(), "accepted {note:?}");
    }
    let mut not_utf8 = b"\xff".to_vec();
    not_utf8.extend_from_slice(peter_note().as_bytes());
    assert_eq!(
        Note::parse_bytes(&not_utf8),
        Err(NoteError::NotUtf8 { offset: 0 })
    );
}

#[test]
fn go_verifier_key_manglings_are_rejected() {
    // Go's TestNewVerifier: every proper substring, and every byte incremented.
    let b = PETER_VKEY.as_bytes();
    for i in 0..=b.len() {
        for j in i + 1..=b.len() {
            if i != 0 || j != b.len() {
                let s = std::str::from_utf8(&b[i..j]).expect("ASCII");
                assert!(s.parse::<Verifier>().is_err(), "accepted {s:?}");
            }
        }
    }
    for i in 0..b.len() {
        let mut m = b.to_vec();
        m[i] += 1;
        let s = String::from_utf8(m).expect("ASCII");
        assert!(s.parse::<Verifier>().is_err(), "accepted {s:?}");
    }
    // Wrong key length, and unknown algorithm, each with a key ID adjusted to match.
    for s in [
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ] {
        assert!(
            matches!(s.parse::<Verifier>(), Err(NoteError::VerifierKey { .. })),
            "{s}"
        );
    }
}

#[test]
fn go_signer_key_manglings_are_rejected() {
    // Go's TestNewSigner.
    let b = PETER_SKEY.as_bytes();
    for i in 0..=b.len() {
        for j in i + 1..=b.len() {
            if i != 0 || j != b.len() {
                let s = std::str::from_utf8(&b[i..j]).expect("ASCII");
                assert!(Signer::parse_signer(s).is_err(), "accepted {s:?}");
            }
        }
    }
    for i in 0..b.len() {
        let mut m = b.to_vec();
        m[i] += 1;
        let s = String::from_utf8(m).expect("ASCII");
        assert!(Signer::parse_signer(&s).is_err(), "accepted {s:?}");
    }
}

#[test]
fn go_checksum_database_checkpoint_verifies_and_parses() {
    let note = Note::parse(SUMDB_NOTE).expect("parses");
    let trusted = [vkey(SUMDB_VKEY)];
    let signed = note
        .verify(&trusted)
        .expect("sum.golang.org's signature verifies");
    assert_eq!(signed[0].name(), "sum.golang.org");
    assert_eq!(signed[0].key_id(), 0x033de0ae);
    let checkpoint = Checkpoint::parse(note.text()).expect("checkpoint parses");
    assert_eq!(checkpoint.origin, "go.sum database tree");
    assert_eq!(checkpoint.size, 6476701);
    assert_eq!(
        checkpoint.root.to_hex(),
        "99bf102d022cd19d323f90acb6aea0ba3f3ba1759e0bd80433ca158a49a6f569"
    );
    assert!(checkpoint.extensions.is_empty());
    assert_eq!(checkpoint.to_text().expect("writes"), note.text());
    assert_eq!(note.to_string(), SUMDB_NOTE);
    // Signed by another key of the same name, it is not trusted.
    let other = new_signer("sum.golang.org", 1);
    assert!(matches!(
        Note::sign(note.text(), &other)
            .expect("signs")
            .verify(&trusted),
        Err(NoteError::NoTrustedSignature { .. })
    ));
}

#[test]
fn c2sp_examples_parse_and_round_trip() {
    let note = Note::parse(C2SP_NOTE).expect("parses");
    // The text includes its own empty line: the last blank line separates the signatures.
    assert_eq!(
        note.text(),
        "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned \u{e8} subito sera.\n"
    );
    assert_eq!(note.signatures()[0].name, "quasimodo.example/salvatore");
    assert_eq!(note.to_string(), C2SP_NOTE);
    assert!(matches!(
        note.verify(&[vkey(PETER_VKEY)]),
        Err(NoteError::NoTrustedSignature { .. })
    ));

    let note = Note::parse(C2SP_CHECKPOINT).expect("parses");
    assert_eq!(note.to_string(), C2SP_CHECKPOINT);
    let checkpoint = Checkpoint::parse(note.text()).expect("parses");
    assert_eq!(checkpoint.origin, "example.com/behind-the-sofa");
    assert_eq!(checkpoint.size, 20852163);
    assert_eq!(checkpoint.to_text().expect("writes"), note.text());
}

// ---------------------------------------------------------------------------------------------
// Round trips and cosigning
// ---------------------------------------------------------------------------------------------

#[test]
fn generated_keys_round_trip() {
    let signer = new_signer("example.org/wsoa-ledger", 42);
    let again = Signer::parse_signer(&signer.to_signer_string()).expect("parses");
    assert_eq!(again.verifier(), signer.verifier());
    assert_eq!(again.to_signer_string(), signer.to_signer_string());
    let verifier = vkey(&signer.verifier().to_string());
    assert_eq!(verifier, signer.verifier());
    assert_eq!(
        Signer::from_seed("example.org/wsoa-ledger", &[42; 32])
            .expect("valid")
            .verifier(),
        verifier
    );
    assert_eq!(
        Signer::from_seed("x", &[1; 31]).map(|s| s.key_id()),
        Err(NoteError::SeedLength { len: 31 })
    );
    let unicode = new_signer("Se\u{f1}or-1", 3);
    assert_eq!(vkey(&unicode.verifier().to_string()), unicode.verifier());
}

#[test]
fn signer_debug_and_errors_never_show_the_secret() {
    let signer = peter();
    let secret = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    assert!(!format!("{signer:?}").contains(secret));
    let mangled = PETER_SKEY.replace("c74f20a3", "c74f20a4");
    let err = Signer::parse_signer(&mangled).expect_err("wrong key ID");
    assert!(!err.to_string().contains(secret));
    let err = Signer::parse_signer(&format!("{PETER_SKEY}\n")).expect_err("trailing newline");
    assert!(!err.to_string().contains(secret), "{err}");
}

#[test]
fn cosign_then_verify_with_both_keys() {
    let log = new_signer("example.org/wsoa", 1);
    let adviser = new_signer("adviser.example/witness", 2);
    let text = Checkpoint::new("example.org/wsoa", 7, root(9))
        .to_text()
        .expect("valid");
    let mut note = Note::sign(&text, &log).expect("signs");
    let first_line = line(&note.signatures()[0]);
    note.cosign(&adviser).expect("cosigns");
    let written = note.to_string();
    assert!(written.starts_with(&format!("{text}\n{first_line}")));
    assert_eq!(note.signatures().len(), 2);

    let read = Note::parse(&written).expect("parses");
    assert_eq!(read, note);
    let trusted = [log.verifier(), adviser.verifier()];
    let names: Vec<_> = read
        .verify(&trusted)
        .expect("verifies")
        .iter()
        .map(|v| v.name())
        .collect();
    assert_eq!(names, ["example.org/wsoa", "adviser.example/witness"]);
    // Either key alone is enough; neither is not.
    assert_eq!(read.verify(&trusted[..1]).expect("log").len(), 1);
    assert_eq!(read.verify(&trusted[1..]).expect("adviser").len(), 1);
    assert!(read.verify(&[]).is_err());

    // Cosigning again with the same key changes nothing.
    let mut again = read.clone();
    again.cosign(&adviser).expect("cosigns");
    again.cosign(&log).expect("cosigns");
    assert_eq!(again, read);
}

#[test]
fn cosign_replaces_a_stale_signature_by_the_same_key_as_go_does() {
    // Go's TestSign "Check that existing signature is replaced by new one".
    let stale = Signature {
        name: "PeterNeumann".to_owned(),
        key_id: 0xc74f20a3,
        bytes: vec![1, 2, 3],
    };
    let mut note = Note::parse(&format!("{PETER_TEXT}\n{}", line(&stale))).expect("parses");
    note.cosign(&peter()).expect("cosigns");
    assert_eq!(note.to_string(), peter_note());
}

#[test]
fn sixteen_signatures_are_accepted_and_more_than_the_limit_refused() {
    let signers: Vec<Signer> = (0..16u8).map(|i| new_signer(&format!("w{i}"), i)).collect();
    let mut note = Note::sign("checkpoint\n", &signers[0]).expect("signs");
    for s in &signers[1..] {
        note.cosign(s).expect("cosigns");
    }
    let trusted: Vec<Verifier> = signers.iter().map(Signer::verifier).collect();
    let read = Note::parse(&note.to_string()).expect("parses");
    assert_eq!(read.verify(&trusted).expect("verifies").len(), 16);

    let too_many = format!("{PETER_TEXT}\n{}", PETER_SIG.repeat(MAX_SIGNATURES + 1));
    assert_eq!(
        Note::parse(&too_many),
        Err(NoteError::TooManySignatures {
            count: MAX_SIGNATURES + 1,
            max: MAX_SIGNATURES
        })
    );
    let at_limit = format!("{PETER_TEXT}\n{}", PETER_SIG.repeat(MAX_SIGNATURES));
    let mut full = Note::parse(&at_limit).expect("parses");
    assert!(matches!(
        full.cosign(&signers[0]),
        Err(NoteError::TooManySignatures { .. })
    ));
}

#[test]
fn checkpoint_round_trips_with_extensions() {
    let mut checkpoint = Checkpoint::new("example.org/wsoa ledger", 0, root(0));
    assert_eq!(
        checkpoint.to_text().expect("writes"),
        "example.org/wsoa ledger\n0\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
    );
    checkpoint.size = u64::MAX;
    checkpoint.extensions = vec!["ext one".to_owned(), "\u{2014} two".to_owned()];
    let text = checkpoint.to_text().expect("writes");
    assert_eq!(Checkpoint::parse(&text), Ok(checkpoint));
}

// ---------------------------------------------------------------------------------------------
// One negative test for each rule
// ---------------------------------------------------------------------------------------------

#[test]
fn key_names_follow_the_spec() {
    for good in ["PeterNeumann", "example.org/log42", "Se\u{f1}or-1", "a"] {
        assert_eq!(check_key_name(good), Ok(()), "{good}");
    }
    for bad in [
        "",
        "a b",
        "a+b",
        "a\tb",
        "a\u{a0}b",
        "a\u{2003}b",
        "a\u{3000}b",
        "a\x01b",
        "a\u{7f}\u{85}",
    ] {
        assert!(
            matches!(check_key_name(bad), Err(NoteError::KeyName { .. })),
            "{bad:?}"
        );
        assert!(Signer::generate(bad, [1; 32]).is_err(), "{bad:?}");
    }
}

#[test]
fn verifier_key_with_wrong_key_id_or_name_is_rejected() {
    let wrong_id = PETER_VKEY.replace("c74f20a3", "c74f20a4");
    assert_eq!(
        wrong_id.parse::<Verifier>(),
        Err(NoteError::KeyIdMismatch {
            name: "PeterNeumann".to_owned(),
            written: 0xc74f20a4,
            computed: 0xc74f20a3
        })
    );
    let upper_id = PETER_VKEY.replace("c74f20a3", "C74F20A3");
    assert!(matches!(
        upper_id.parse::<Verifier>(),
        Err(NoteError::VerifierKey { .. })
    ));
    let wrong_name = PETER_VKEY.replace("PeterNeumann", "PeterNeuman");
    assert!(matches!(
        wrong_name.parse::<Verifier>(),
        Err(NoteError::KeyIdMismatch { .. })
    ));
    let err = PETER_SKEY.parse::<Verifier>().expect_err("secret key");
    assert!(err.to_string().contains("signer key"), "{err}");
    assert!(format!(" {PETER_VKEY}").parse::<Verifier>().is_err());
    assert!(format!("{PETER_VKEY}\n").parse::<Verifier>().is_err());
}

#[test]
fn signature_with_wrong_key_id_or_name_is_not_trusted() {
    let peter = vkey(PETER_VKEY);
    let signed = Note::parse(&peter_note()).expect("parses");
    let good = signed.signatures()[0].clone();

    let mut wrong_id = good.clone();
    wrong_id.key_id ^= 1;
    let note = format!("{PETER_TEXT}\n{}", line(&wrong_id));
    assert!(matches!(
        verify_str(&note, std::slice::from_ref(&peter)),
        Err(NoteError::NoTrustedSignature { .. })
    ));

    let misnamed = PETER_SIG.replace("PeterNeumann", "CarmenSandiego");
    let note = format!("{PETER_TEXT}\n{misnamed}");
    let err = verify_str(&note, std::slice::from_ref(&peter)).expect_err("untrusted");
    assert!(err.to_string().contains("CarmenSandiego"), "{err}");
}

#[test]
fn bad_base64_is_rejected() {
    for sig in [
        "!!!!",
        "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM",
        "x08go_ZJkuBS9UG_SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
        // Non-zero trailing bits: the same bytes as "...AM=", but not the canonical encoding.
        "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAN=",
        "x08g",
        "",
    ] {
        let note = format!("{PETER_TEXT}\n\u{2014} PeterNeumann {sig}\n");
        assert!(sig_line_error(&note), "accepted {sig:?}");
    }
    let bad_key = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T";
    assert!(matches!(
        bad_key.parse::<Verifier>(),
        Err(NoteError::VerifierKey { .. })
    ));
}

#[test]
fn missing_trailing_newline_is_rejected() {
    assert_eq!(
        Note::sign("no newline", &peter()),
        Err(NoteError::TextMissingNewline)
    );
    assert_eq!(Note::sign("", &peter()), Err(NoteError::TextMissingNewline));
    let cut = peter_note();
    assert_eq!(
        Note::parse(cut.trim_end_matches('\n')),
        Err(NoteError::MissingFinalNewline)
    );
    assert!(matches!(
        Checkpoint::parse("o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
        Err(NoteError::CheckpointLines { .. })
    ));
}

#[test]
fn control_characters_are_rejected() {
    for text in ["a\tb\n", "a\rb\n", "line\r\n", "\x00\n", "a\x1b[31m\n"] {
        assert!(
            matches!(
                Note::sign(text, &peter()),
                Err(NoteError::ControlCharacter { .. })
            ),
            "{text:?}"
        );
    }
    let crlf = peter_note().replace('\n', "\r\n");
    assert_eq!(
        Note::parse(&crlf),
        Err(NoteError::ControlCharacter {
            line: 1,
            code: 0x0d
        })
    );
    let err = Note::parse(&crlf).expect_err("CRLF").to_string();
    assert!(err.contains("Windows line endings"), "{err}");
    let in_signature = format!("{PETER_TEXT}\n{}", PETER_SIG.replace(' ', "\t"));
    assert_eq!(
        Note::parse(&in_signature),
        Err(NoteError::ControlCharacter { line: 4, code: 9 })
    );
    assert!(matches!(
        Checkpoint::parse("o\x07\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"),
        Err(NoteError::ControlCharacter { line: 1, code: 7 })
    ));
}

#[test]
fn note_without_blank_line_is_rejected() {
    assert_eq!(
        Note::parse(&format!("{PETER_TEXT}{PETER_SIG}")),
        Err(NoteError::NoSignatureBlock)
    );
    assert_eq!(Note::parse(""), Err(NoteError::NoSignatureBlock));
    assert_eq!(Note::parse("\n\n"), Err(NoteError::NoSignatureBlock));
    // A blank line after the signatures makes them part of the text, and leaves none.
    assert_eq!(
        Note::parse(&format!("{}\n", peter_note())),
        Err(NoteError::NoSignatureBlock)
    );
}

#[test]
fn signature_line_without_em_dash_is_rejected() {
    for prefix in ["- ", "\u{2013} ", "\u{2014}", "\u{2014}  ", "-- ", ""] {
        let sig = PETER_SIG.replacen("\u{2014} ", prefix, 1);
        let note = format!("{PETER_TEXT}\n{sig}");
        assert!(sig_line_error(&note), "accepted prefix {prefix:?}");
    }
    let err = Note::parse(&format!(
        "{PETER_TEXT}\n{}",
        PETER_SIG.replacen('\u{2014}', "-", 1)
    ))
    .expect_err("hyphen")
    .to_string();
    assert!(err.contains("line 4") && err.contains("em dash"), "{err}");
    // A signature with no name, or no signature.
    assert!(sig_line_error(&format!(
        "{PETER_TEXT}\n\u{2014}  AAAAAAAA\n"
    )));
    assert!(sig_line_error(&format!(
        "{PETER_TEXT}\n\u{2014} PeterNeumann\n"
    )));
}

#[test]
fn unknown_signer_only_is_rejected() {
    let stranger = new_signer("example.org/stranger", 5);
    let note = Note::sign(PETER_TEXT, &stranger).expect("signs");
    let err = note.verify(&[vkey(PETER_VKEY)]).expect_err("untrusted");
    assert!(matches!(err, NoteError::NoTrustedSignature { .. }));
    assert!(err.to_string().contains("example.org/stranger"), "{err}");
}

#[test]
fn bad_signature_from_a_trusted_key_rejects_even_with_a_good_one() {
    let (a, b) = (new_signer("a.example", 1), new_signer("b.example", 2));
    let mut note = Note::sign("text\n", &a).expect("signs");
    note.cosign(&b).expect("cosigns");
    let mut corrupt = note.signatures()[1].clone();
    corrupt.bytes[10] ^= 0x20;
    let good = line(&note.signatures()[0]);
    let bad = line(&corrupt);
    let trusted = [a.verifier(), b.verifier()];
    for written in [
        format!("text\n\n{good}{bad}"),
        format!("text\n\n{bad}{good}"),
    ] {
        assert_eq!(
            verify_str(&written, &trusted),
            Err(NoteError::InvalidSignature {
                name: "b.example".to_owned(),
                key_id: b.key_id()
            })
        );
        // Not trusting b, its bad signature is ignored.
        assert_eq!(
            verify_str(&written, &trusted[..1]),
            Ok(vec!["a.example".to_owned()])
        );
    }
    // A wrong-length signature by a trusted key is a bad signature too.
    let mut short = note.signatures()[0].clone();
    short.bytes.truncate(63);
    assert!(matches!(
        verify_str(&format!("text\n\n{}", line(&short)), &trusted),
        Err(NoteError::InvalidSignature { .. })
    ));
    // A changed text.
    let changed = note.to_string().replacen("text", "texT", 1);
    assert!(matches!(
        verify_str(&changed, &trusted),
        Err(NoteError::InvalidSignature { .. })
    ));
}

#[test]
fn a_trusted_key_listed_twice_counts_once() {
    let note = Note::parse(&peter_note()).expect("parses");
    let peter = vkey(PETER_VKEY);
    assert_eq!(
        note.verify(&[peter.clone(), peter.clone()])
            .expect("duplicate entry is harmless")
            .len(),
        1
    );
}

#[test]
fn tree_size_must_be_canonical_decimal() {
    let root64 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    for bad in [
        "007",
        "00",
        "+7",
        "-7",
        " 7",
        "7 ",
        "0x7",
        "",
        "1e3",
        "\u{663}",
        "18446744073709551616",
    ] {
        let text = format!("origin\n{bad}\n{root64}\n");
        assert!(
            matches!(Checkpoint::parse(&text), Err(NoteError::TreeSize { .. })),
            "accepted {bad:?}"
        );
    }
    for (good, size) in [("0", 0), ("10", 10), ("18446744073709551615", u64::MAX)] {
        let text = format!("origin\n{good}\n{root64}\n");
        assert_eq!(Checkpoint::parse(&text).map(|c| c.size), Ok(size));
    }
}

#[test]
fn root_must_be_padded_base64_of_32_bytes() {
    for bad in [
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", // 31 bytes
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", // 33 bytes
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  // no padding
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=", // non-zero trailing bits
        "____________________________________________", // URL-safe alphabet
        "",
        "00000000000000000000000000000000000000000000000000000000000000000000000", // hex
    ] {
        let text = format!("origin\n1\n{bad}\n");
        assert!(
            matches!(Checkpoint::parse(&text), Err(NoteError::RootHash { .. })),
            "accepted {bad:?}"
        );
    }
}

#[test]
fn checkpoint_lines_are_checked() {
    let root64 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    assert!(matches!(
        Checkpoint::parse(&format!("\n1\n{root64}\n")),
        Err(NoteError::Origin { .. })
    ));
    assert!(matches!(
        Checkpoint::parse("origin\n1\n"),
        Err(NoteError::CheckpointLines { .. })
    ));
    assert!(matches!(
        Checkpoint::parse(&format!("origin\n1\n{root64}\n\n")),
        Err(NoteError::Extension { index: 1, .. })
    ));
    assert!(matches!(
        Checkpoint::parse(&format!("origin\n1\n{root64}\next\n\nmore\n")),
        Err(NoteError::Extension { index: 2, .. })
    ));
    let empty = Checkpoint::new("", 1, root(1));
    assert!(matches!(empty.to_text(), Err(NoteError::Origin { .. })));
    let two_lines = Checkpoint::new("a\nb", 1, root(1));
    assert!(matches!(two_lines.to_text(), Err(NoteError::Origin { .. })));
    let mut bad_ext = Checkpoint::new("o", 1, root(1));
    bad_ext.extensions = vec!["ok".to_owned(), String::new()];
    assert!(matches!(
        bad_ext.to_text(),
        Err(NoteError::Extension { index: 2, .. })
    ));
}

#[test]
fn oversized_input_is_rejected_before_anything_else() {
    let big = "a".repeat(wsoa_core::note::MAX_NOTE_LEN) + "\n";
    assert!(matches!(
        Note::sign(&big, &peter()),
        Err(NoteError::TooLarge { .. })
    ));
    assert!(matches!(Note::parse(&big), Err(NoteError::TooLarge { .. })));
    assert!(matches!(
        Checkpoint::parse(&big),
        Err(NoteError::TooLarge { .. })
    ));
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn parsers_never_panic_on_arbitrary_text(input in ".{0,300}") {
        let _ = Note::parse(&input);
        let _ = Checkpoint::parse(&input);
        let _ = input.parse::<Verifier>();
        let _ = Signer::parse_signer(&input);
        let _ = check_key_name(&input);
    }

    #[test]
    fn note_parser_never_panics_on_arbitrary_bytes(input in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = Note::parse_bytes(&input);
    }

    #[test]
    fn note_shaped_text_either_fails_or_round_trips(
        text in "([^\\x00-\\x1f]{0,12}\n){1,4}",
        lines in proptest::collection::vec("(\u{2014} |- |)[a-zA-Z+ ]{0,6} [A-Za-z0-9+/=]{0,12}", 1..4),
    ) {
        let input = format!("{text}\n{}\n", lines.join("\n"));
        if let Ok(note) = Note::parse(&input) {
            prop_assert_eq!(note.to_string(), input);
            prop_assert!(note.verify(&[vkey(PETER_VKEY)]).is_err());
        }
    }

    #[test]
    fn checkpoint_shaped_text_either_fails_or_round_trips(
        origin in "[^\\x00-\\x1f]{0,8}",
        size in "[-+0-9 ]{0,6}",
        root64 in "[A-Za-z0-9+/=]{40,46}",
        extra in "(\n[a-z]{0,3}){0,2}",
        newline in any::<bool>(),
    ) {
        let input = format!("{origin}\n{size}\n{root64}{extra}{}", if newline { "\n" } else { "" });
        if let Ok(checkpoint) = Checkpoint::parse(&input) {
            prop_assert_eq!(checkpoint.to_text(), Ok(input));
        }
    }

    #[test]
    fn any_signed_text_round_trips_and_verifies(
        seed in any::<[u8; 32]>(),
        name in "[a-z./-]{1,12}",
        text in "([^\\x00-\\x1f]{0,20}\n){1,5}",
    ) {
        let signer = Signer::generate(&name, seed).expect("valid name");
        let note = Note::sign(&text, &signer).expect("signs");
        let read = Note::parse(&note.to_string()).expect("parses");
        prop_assert_eq!(&read, &note);
        prop_assert_eq!(read.text(), text.as_str());
        let trusted = [signer.verifier()];
        prop_assert_eq!(read.verify(&trusted).map(|v| v.len()), Ok(1));
        let again = Signer::parse_signer(&signer.to_signer_string()).expect("parses");
        prop_assert_eq!(again.verifier(), vkey(&signer.verifier().to_string()));
    }

    #[test]
    fn any_changed_byte_of_a_signed_note_fails_verification(index in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let original = peter_note().into_bytes();
        let i = index.index(original.len());
        prop_assume!(original[i] != byte);
        let mut changed = original;
        changed[i] = byte;
        let result = Note::parse_bytes(&changed).and_then(|n| n.verify(&[vkey(PETER_VKEY)]).map(|_| ()));
        prop_assert!(result.is_err());
    }

    #[test]
    fn any_changed_byte_of_a_key_string_is_rejected(index in any::<prop::sample::Index>(), byte in any::<u8>(), secret in any::<bool>()) {
        let original = if secret { PETER_SKEY } else { PETER_VKEY }.as_bytes().to_vec();
        let i = index.index(original.len());
        prop_assume!(original[i] != byte);
        let mut changed = original;
        changed[i] = byte;
        if let Ok(changed) = String::from_utf8(changed) {
            prop_assert!(changed.parse::<Verifier>().is_err());
            prop_assert!(Signer::parse_signer(&changed).is_err());
        }
    }

    #[test]
    fn any_changed_byte_of_a_checkpoint_never_panics(index in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let note = Note::parse(SUMDB_NOTE).expect("parses");
        let mut changed = note.text().as_bytes().to_vec();
        let i = index.index(changed.len());
        changed[i] = byte;
        if let Ok(text) = String::from_utf8(changed)
            && let Ok(checkpoint) = Checkpoint::parse(&text)
        {
            prop_assert_eq!(checkpoint.to_text(), Ok(text));
        }
    }
}

/// Recording a checkpoint in the ledger: `decide` takes the signed note apart, and refuses
/// anything that is not a signed checkpoint of a size the ledger has.
mod recording {
    use wsoa_core::decide::When;
    use wsoa_core::event::{EventBody, LedgerOpened};
    use wsoa_core::memory::MemoryLedger;
    use wsoa_core::note::{Checkpoint, Note, Signer};
    use wsoa_core::{Actor, Command, Date, Digest, Rejection, Role, decide};

    fn ledger() -> MemoryLedger {
        let mut ledger = MemoryLedger::new();
        let day: Date = "2021-07-15".parse().expect("a date");
        ledger
            .record(
                &Command::OpenLedger(LedgerOpened {
                    area: "Northshire local area".to_owned(),
                    partners: vec![],
                }),
                Actor {
                    name: "A. Patel".to_owned(),
                    role: Role::Officer,
                },
                day,
                1_626_350_400_000,
            )
            .expect("accepted");
        ledger
    }

    fn note(size: u64) -> String {
        let board = Signer::generate("northshire-board", [3; 32]).expect("a key");
        let text = Checkpoint::new("wsoa/northshire-local-area/00", size, Digest([1; 32]))
            .to_text()
            .expect("a checkpoint");
        Note::sign(&text, &board).expect("signed").to_string()
    }

    fn when() -> When {
        let day: Date = "2021-07-15".parse().expect("a date");
        When {
            occurred_on: day,
            today: day,
        }
    }

    #[test]
    fn a_signed_checkpoint_of_a_size_the_ledger_has_is_recorded_with_its_signers() {
        let ledger = ledger();
        let body = decide(
            ledger.state(),
            &Command::RecordCheckpoint { note: note(1) },
            when(),
        )
        .expect("accepted");
        let EventBody::CheckpointRecorded(recorded) = body else {
            panic!("a checkpoint event");
        };
        assert_eq!(recorded.size, 1);
        assert_eq!(recorded.root, Digest([1; 32]));
        assert_eq!(recorded.signers, vec!["northshire-board".to_owned()]);
        assert_eq!(recorded.origin, "wsoa/northshire-local-area/00");
        assert_eq!(recorded.note, note(1));
    }

    #[test]
    fn anything_else_is_refused() {
        let ledger = ledger();
        for (note, words) in [
            (note(2), "the ledger has 1"),
            (note(0), "of 0 events"),
            ("not a note".to_owned(), "not a signed note"),
            (
                Note::sign(
                    "just text\n",
                    &Signer::generate("board", [4; 32]).expect("a key"),
                )
                .expect("signed")
                .to_string(),
                "does not hold a checkpoint",
            ),
        ] {
            let err = decide(ledger.state(), &Command::RecordCheckpoint { note }, when())
                .expect_err("refused");
            assert!(matches!(err, Rejection::Inconsistent(_)), "{err}");
            assert!(err.to_string().contains(words), "{err}");
        }
    }
}
