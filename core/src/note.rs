//! Signed notes and checkpoints: the C2SP `signed-note` v1.0.0 format with Ed25519 keys, and the
//! C2SP `tlog-checkpoint` v1.0.0 body, written and read byte for byte as the specifications say,
//! so that other implementations (Go's `golang.org/x/mod/sumdb/note`, transparency-dev's tools)
//! verify what this ledger signs and this ledger verifies what they sign.
//!
//! A signed note is a text ending in a newline, a blank line, and one or more signature lines:
//!
//! ```text
//! example.org/wsoa
//! 3
//! <base64 root hash>
//!
//! — example.org/wsoa <base64 of key ID (4 bytes, big-endian) || Ed25519 signature (64 bytes)>
//! — adviser.example/witness <...>
//! ```
//!
//! * The key ID is the first four bytes, read as a big-endian `u32`, of
//!   SHA-256(key name || 0x0A || 0x01 || 32-byte Ed25519 public key).
//! * A verifier key (public) is written `<name>+<key ID as 8 lowercase hex digits>+<base64(0x01 ||
//!   public key)>`; a signer key (secret) `PRIVATE+KEY+<name>+<key ID>+<base64(0x01 || 32-byte
//!   seed)>`, as Go's note package writes them.
//! * Key names are non-empty UTF-8 without white space, `+` or control characters.
//! * Notes are UTF-8 with no control characters other than newline. The signed bytes are the text
//!   exactly, final newline included, separating blank line excluded.
//! * Verification ignores signatures by keys it does not trust (name and key ID must both match a
//!   trusted key), verifies every signature by a trusted key, rejects the whole note if any of them
//!   fails, and rejects a note that no trusted key has signed.
//!
//! Parsing is strict and canonical: whatever [`Note::parse`] or [`Checkpoint::parse`] accepts is
//! written back by [`Note::to_string`](std::string::ToString::to_string) or
//! [`Checkpoint::to_text`] as exactly the same bytes.
//!
//! Like the rest of this crate, nothing here does I/O, reads a clock or draws randomness: a new key
//! is made by [`Signer::generate`] from 32 random bytes that the caller supplies.
//!
//! ```
//! use wsoa_core::note::{Checkpoint, Note, Signer};
//! use wsoa_core::Digest;
//!
//! let log = Signer::generate("example.org/wsoa", [7; 32]).expect("valid name");
//! let checkpoint = Checkpoint::new("example.org/wsoa", 3, Digest([1; 32]));
//! let mut note = Note::sign(&checkpoint.to_text().expect("valid"), &log).expect("signed");
//!
//! let adviser = Signer::generate("adviser.example/witness", [9; 32]).expect("valid name");
//! note.cosign(&adviser).expect("cosigned");
//!
//! let text = note.to_string();
//! let trusted = [log.verifier(), adviser.verifier()];
//! let read = Note::parse(&text).expect("parses");
//! assert_eq!(read.verify(&trusted).expect("verifies").len(), 2);
//! assert_eq!(Checkpoint::parse(read.text()).expect("parses"), checkpoint);
//! ```

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest as _, Sha256};

use crate::ids::Digest;

/// The signature type byte of Ed25519 in key IDs and keys (C2SP `signed-note`, "Signature types").
pub const ALG_ED25519: u8 = 0x01;

/// The largest note (or checkpoint text) accepted, in bytes. A checkpoint with a hundred
/// signatures is a few kilobytes; this bounds the work a hostile input can cause.
pub const MAX_NOTE_LEN: usize = 1 << 20;

/// The most signature lines a note may have. The specification asks verifiers to accept at least
/// 16; Go's note package refuses more than 100, and so does this one.
pub const MAX_SIGNATURES: usize = 100;

/// What starts every signature line: an em dash (U+2014) and a space.
const SIGNATURE_PREFIX: &str = "\u{2014} ";

/// What starts every signer key, so that it is never mistaken for a verifier key.
const SIGNER_PREFIX: &str = "PRIVATE+KEY+";

/// What was wrong with a key, a note or a checkpoint, said so that whoever reads it knows what to
/// fix. No message ever repeats a secret key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// A key name that the specification does not allow.
    #[error(
        "'{}' is not a valid key name: {reason}. A key name is non-empty text without spaces, '+' or control characters, such as example.org/wsoa-ledger",
        .name.escape_debug()
    )]
    KeyName {
        /// The name given.
        name: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A verifier (public) key string that is not of the form `name+keyid+key`.
    #[error(
        "this is not a verifier key: {reason}. A verifier key is written NAME+KEYID+KEY: the key name, 8 lowercase hexadecimal digits, and the base64 of the byte 0x01 followed by the 32-byte Ed25519 public key, with no spaces or line breaks around it"
    )]
    VerifierKey {
        /// What is wrong with it.
        reason: String,
    },
    /// A signer (secret) key string that is not of the form `PRIVATE+KEY+name+keyid+key`.
    #[error(
        "this is not a signer key: {reason}. A signer key is written PRIVATE+KEY+NAME+KEYID+KEY, exactly as it was generated, with no spaces or line breaks around it; check that the key file is the one that was generated and was not edited"
    )]
    SignerKey {
        /// What is wrong with it.
        reason: String,
    },
    /// A key whose written key ID is not the one its name and public key give.
    #[error(
        "the key for '{}' says its key ID is {written:08x} but its name and key give {computed:08x}: the key was altered or mistyped; copy it again, whole, from where it was published",
        .name.escape_debug()
    )]
    KeyIdMismatch {
        /// The key name.
        name: String,
        /// The key ID written in the key string.
        written: u32,
        /// The key ID computed from the name and the public key.
        computed: u32,
    },
    /// An Ed25519 seed of the wrong length.
    #[error("an Ed25519 private key seed is 32 bytes, not {len}")]
    SeedLength {
        /// The length given.
        len: usize,
    },
    /// An input larger than [`MAX_NOTE_LEN`].
    #[error(
        "the note is {len} bytes, more than the {max} bytes accepted: it is not a signed note or checkpoint that this ledger or a transparency log would write"
    )]
    TooLarge {
        /// Its length in bytes.
        len: usize,
        /// The most accepted.
        max: usize,
    },
    /// Bytes that are not UTF-8 text.
    #[error(
        "the note is not UTF-8 text (the first invalid byte is at offset {offset}): signed notes are plain UTF-8 text; check that the right file was given"
    )]
    NotUtf8 {
        /// The offset of the first byte that is not valid UTF-8.
        offset: usize,
    },
    /// A control character other than newline.
    #[error(
        "line {line} contains the control character U+{code:04X}; signed notes and checkpoints may contain no control characters other than the newline that ends each line (a file saved with Windows line endings has a carriage return, U+000D, at the end of every line: convert it to Unix line endings)"
    )]
    ControlCharacter {
        /// The line (counting from 1) where it is.
        line: usize,
        /// The character's code point.
        code: u32,
    },
    /// A text to sign that does not end with a newline.
    #[error(
        "the text to sign does not end with a newline: the signed text of a note is whole lines, each ending with a newline"
    )]
    TextMissingNewline,
    /// A note without a blank line followed by signature lines.
    #[error(
        "the note has no signatures: a signed note is its text, one blank line, then one or more lines of the form '— NAME SIGNATURE'; the file may have been cut short, or it is not a signed note"
    )]
    NoSignatureBlock,
    /// A note whose last signature line is cut off.
    #[error(
        "the note's last signature line does not end with a newline: the file may have been cut short; every line of a signed note, the last one too, ends with a newline"
    )]
    MissingFinalNewline,
    /// A line after the blank line that is not a well-formed signature line.
    #[error(
        "line {line} of the note is not a signature line: {reason}. Every line after the blank line that ends the text must be an em dash (U+2014), a space, the key name, a space, and the base64 of the 4-byte key ID and the signature"
    )]
    SignatureLine {
        /// The line (counting from 1) of the note.
        line: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// More signature lines than [`MAX_SIGNATURES`].
    #[error("the note has {count} signature lines, more than the {max} accepted")]
    TooManySignatures {
        /// How many it has (or would have).
        count: usize,
        /// The most accepted.
        max: usize,
    },
    /// No signature in the note is by a trusted key.
    #[error(
        "the note is not signed by any of the trusted keys: it is signed by {signed_by} only. Trust the verifier key of whoever should have signed it; a signature counts only when both its key name and key ID match a trusted key"
    )]
    NoTrustedSignature {
        /// The names and key IDs of the signatures it has, for the message.
        signed_by: String,
    },
    /// A signature by a trusted key that does not verify.
    #[error(
        "the signature by '{}' (key ID {key_id:08x}), a trusted key, does not verify: the note was changed after it was signed, or it was signed by a different key with the same name and key ID. The whole note is rejected",
        .name.escape_debug()
    )]
    InvalidSignature {
        /// The key name.
        name: String,
        /// The key ID.
        key_id: u32,
    },
    /// Two different trusted keys with the same name and key ID.
    #[error(
        "two different trusted keys are both named '{}' with key ID {key_id:08x}, so a signature cannot be told apart: remove the wrong one from the trusted keys",
        .name.escape_debug()
    )]
    AmbiguousKey {
        /// The key name.
        name: String,
        /// The key ID.
        key_id: u32,
    },
    /// A checkpoint text without its three mandatory lines, or cut short.
    #[error(
        "this is not a checkpoint: {reason}. A checkpoint is the origin line, the tree size in decimal, the base64 root hash, then optional non-empty extension lines, each line ending with a newline"
    )]
    CheckpointLines {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A checkpoint origin line that is empty or has control characters.
    #[error(
        "the checkpoint's origin is not valid: {reason}. The origin is the first line, a non-empty name of the log such as example.org/wsoa-ledger"
    )]
    Origin {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A checkpoint tree size line that is not a canonical decimal number.
    #[error(
        "'{}' is not a valid tree size: {reason}. The tree size is written in decimal digits only, with no sign, spaces or leading zeros (an empty tree is 0)",
        .input.escape_debug()
    )]
    TreeSize {
        /// The line given.
        input: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A checkpoint root hash line that is not the base64 of 32 bytes.
    #[error(
        "the checkpoint's root hash is not valid: {reason}. It is the standard, padded base64 of the 32-byte SHA-256 root, 44 characters ending with '='"
    )]
    RootHash {
        /// What is wrong with it.
        reason: String,
    },
    /// A checkpoint extension line that is empty or has control characters.
    #[error(
        "extension line {index} of the checkpoint is not valid: {reason}. Extension lines after the root hash must be non-empty and have no control characters"
    )]
    Extension {
        /// Which extension line (counting from 1).
        index: usize,
        /// What is wrong with it.
        reason: &'static str,
    },
}

// ---------------------------------------------------------------------------------------------
// Key names and key IDs
// ---------------------------------------------------------------------------------------------

/// The key ID of an Ed25519 key: the first four bytes, big-endian, of
/// SHA-256(name || 0x0A || 0x01 || public key).
pub fn key_id(name: &str, public: &[u8; 32]) -> u32 {
    let mut hash = Sha256::new();
    hash.update(name.as_bytes());
    hash.update([b'\n', ALG_ED25519]);
    hash.update(public);
    let digest = hash.finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// Checks a key name: non-empty, no Unicode white space, no `+`, no control characters.
pub fn check_key_name(name: &str) -> Result<(), NoteError> {
    let bad = |reason| {
        Err(NoteError::KeyName {
            name: name.to_owned(),
            reason,
        })
    };
    if name.is_empty() {
        return bad("it is empty");
    }
    if name.chars().any(char::is_whitespace) {
        return bad("it contains a space or other white space");
    }
    if name.contains('+') {
        return bad("it contains '+'");
    }
    if name.chars().any(char::is_control) {
        return bad("it contains a control character");
    }
    Ok(())
}

/// Reads a key ID written as exactly 8 lowercase hexadecimal digits.
fn parse_key_id(hex: &str) -> Option<u32> {
    if hex.len() != 8
        || !hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return None;
    }
    u32::from_str_radix(hex, 16).ok()
}

/// Decodes the key part of a key string: base64 of the type byte 0x01 and 32 bytes.
fn decode_key_bytes(key64: &str) -> Result<[u8; 32], String> {
    let raw = BASE64
        .decode(key64)
        .map_err(|_| "the key is not standard, padded base64".to_owned())?;
    match raw.split_first() {
        None => Err("the key is empty".to_owned()),
        Some((&ALG_ED25519, key)) => key
            .try_into()
            .map_err(|_| format!("an Ed25519 key is 32 bytes, not {}", key.len())),
        Some((alg, _)) => Err(format!(
            "its signature type is 0x{alg:02x}, and only Ed25519 (0x01) is supported"
        )),
    }
}

fn encode_key_bytes(key: &[u8; 32]) -> String {
    let mut bytes = Vec::with_capacity(33);
    bytes.push(ALG_ED25519);
    bytes.extend_from_slice(key);
    BASE64.encode(bytes)
}

// ---------------------------------------------------------------------------------------------
// Verifier
// ---------------------------------------------------------------------------------------------

/// A public Ed25519 key with its name: what checks signatures. Written and read (with
/// [`fmt::Display`] and [`FromStr`]) as `name+keyid+base64(0x01 || public key)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verifier {
    name: String,
    key_id: u32,
    public: VerifyingKey,
}

impl Verifier {
    /// A verifier for a name and a 32-byte Ed25519 public key.
    pub fn new(name: &str, public: [u8; 32]) -> Result<Verifier, NoteError> {
        check_key_name(name)?;
        let key = VerifyingKey::from_bytes(&public).map_err(|_| NoteError::VerifierKey {
            reason: "its 32 bytes are not an Ed25519 public key".to_owned(),
        })?;
        Ok(Verifier {
            name: name.to_owned(),
            key_id: key_id(name, &public),
            public: key,
        })
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key ID.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The 32-byte Ed25519 public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.public.to_bytes()
    }

    /// Whether `bytes` (a signature line's bytes after the key ID) is this key's signature of
    /// `text`. Signatures are checked strictly (RFC 8032 with canonical `S`, and no small-order
    /// key or `R`), which every honestly made Ed25519 signature passes.
    fn verifies(&self, text: &[u8], bytes: &[u8]) -> bool {
        let Ok(bytes) = <[u8; 64]>::try_from(bytes) else {
            return false;
        };
        let signature = ed25519_dalek::Signature::from_bytes(&bytes);
        self.public.verify_strict(text, &signature).is_ok()
    }
}

impl fmt::Display for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}+{:08x}+{}",
            self.name,
            self.key_id,
            encode_key_bytes(self.public.as_bytes())
        )
    }
}

impl FromStr for Verifier {
    type Err = NoteError;

    /// Reads `name+keyid+base64(0x01 || public key)` strictly: no surrounding white space, the key
    /// ID in lowercase hex, and it must be the key ID of the name and key.
    fn from_str(input: &str) -> Result<Verifier, NoteError> {
        let bad = |reason: &str| NoteError::VerifierKey {
            reason: reason.to_owned(),
        };
        if input.starts_with(SIGNER_PREFIX) {
            return Err(bad(
                "it is a signer key, which is secret; give the verifier key printed beside it",
            ));
        }
        let (name, rest) = input
            .split_once('+')
            .ok_or_else(|| bad("it has no '+' after the key name"))?;
        let (id_hex, key64) = rest
            .split_once('+')
            .ok_or_else(|| bad("it has no '+' after the key ID"))?;
        check_key_name(name)?;
        let written =
            parse_key_id(id_hex).ok_or_else(|| bad("the key ID is not 8 lowercase hex digits"))?;
        let public = decode_key_bytes(key64).map_err(|reason| NoteError::VerifierKey { reason })?;
        let verifier = Verifier::new(name, public)?;
        if verifier.key_id != written {
            return Err(NoteError::KeyIdMismatch {
                name: name.to_owned(),
                written,
                computed: verifier.key_id,
            });
        }
        Ok(verifier)
    }
}

// ---------------------------------------------------------------------------------------------
// Signer
// ---------------------------------------------------------------------------------------------

/// A secret Ed25519 key with its name: what signs. Written and read as
/// `PRIVATE+KEY+name+keyid+base64(0x01 || 32-byte seed)`, as Go's note package does. Its `Debug`
/// shows the name and key ID, never the key.
#[derive(Clone)]
pub struct Signer {
    name: String,
    key_id: u32,
    key: SigningKey,
}

impl Signer {
    /// A signer from a name and a 32-byte seed. For a new key the seed must be 32 bytes from a
    /// cryptographically secure random source, which the caller reads (this crate reads none).
    pub fn generate(name: &str, seed: [u8; 32]) -> Result<Signer, NoteError> {
        check_key_name(name)?;
        let key = SigningKey::from_bytes(&seed);
        Ok(Signer {
            name: name.to_owned(),
            key_id: key_id(name, key.verifying_key().as_bytes()),
            key,
        })
    }

    /// A signer from a name and the seed bytes of an existing key, which must be 32 bytes.
    pub fn from_seed(name: &str, seed: &[u8]) -> Result<Signer, NoteError> {
        let seed =
            <[u8; 32]>::try_from(seed).map_err(|_| NoteError::SeedLength { len: seed.len() })?;
        Signer::generate(name, seed)
    }

    /// Reads `PRIVATE+KEY+name+keyid+base64(0x01 || seed)` strictly: no surrounding white space,
    /// the key ID in lowercase hex, and it must be the key ID of the name and the public key.
    pub fn parse_signer(input: &str) -> Result<Signer, NoteError> {
        let bad = |reason: &str| NoteError::SignerKey {
            reason: reason.to_owned(),
        };
        let rest = input
            .strip_prefix(SIGNER_PREFIX)
            .ok_or_else(|| bad("it does not start with PRIVATE+KEY+"))?;
        let (name, rest) = rest
            .split_once('+')
            .ok_or_else(|| bad("it has no '+' after the key name"))?;
        let (id_hex, key64) = rest
            .split_once('+')
            .ok_or_else(|| bad("it has no '+' after the key ID"))?;
        check_key_name(name)?;
        let written =
            parse_key_id(id_hex).ok_or_else(|| bad("the key ID is not 8 lowercase hex digits"))?;
        let seed = decode_key_bytes(key64).map_err(|reason| NoteError::SignerKey { reason })?;
        let signer = Signer::generate(name, seed)?;
        if signer.key_id != written {
            return Err(NoteError::KeyIdMismatch {
                name: name.to_owned(),
                written,
                computed: signer.key_id,
            });
        }
        Ok(signer)
    }

    /// The signer key string, `PRIVATE+KEY+name+keyid+base64(0x01 || seed)`. It is secret: anyone
    /// who has it can sign as this key.
    pub fn to_signer_string(&self) -> String {
        format!(
            "{SIGNER_PREFIX}{}+{:08x}+{}",
            self.name,
            self.key_id,
            encode_key_bytes(self.key.as_bytes())
        )
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key ID.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The public key that checks this key's signatures.
    pub fn verifier(&self) -> Verifier {
        Verifier {
            name: self.name.clone(),
            key_id: self.key_id,
            public: self.key.verifying_key(),
        }
    }

    /// This key's signature line for `text`.
    fn sign_text(&self, text: &str) -> Signature {
        Signature {
            name: self.name.clone(),
            key_id: self.key_id,
            bytes: self.key.sign(text.as_bytes()).to_bytes().to_vec(),
        }
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("name", &self.name)
            .field("key_id", &format_args!("{:08x}", self.key_id))
            .finish_non_exhaustive()
    }
}

// ---------------------------------------------------------------------------------------------
// Note
// ---------------------------------------------------------------------------------------------

/// One signature line of a note, verified or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// The key name.
    pub name: String,
    /// The key ID (the first four bytes of the line's base64, big-endian).
    pub key_id: u32,
    /// The signature itself: the bytes after the key ID (64 for Ed25519; other signature types
    /// have other lengths, and are kept as they are).
    pub bytes: Vec<u8>,
}

impl Signature {
    /// The base64 of the key ID and the signature, as the line writes it.
    pub fn to_base64(&self) -> String {
        let mut raw = Vec::with_capacity(4 + self.bytes.len());
        raw.extend_from_slice(&self.key_id.to_be_bytes());
        raw.extend_from_slice(&self.bytes);
        BASE64.encode(raw)
    }

    fn same_key(&self, other: &Signature) -> bool {
        self.name == other.name && self.key_id == other.key_id
    }

    fn line_len(&self) -> usize {
        SIGNATURE_PREFIX.len() + self.name.len() + 1 + (4 + self.bytes.len()).div_ceil(3) * 4 + 1
    }
}

/// A signed note: a text and one or more signatures of it. Made only by [`Note::sign`] or
/// [`Note::parse`], so it is always well formed; written with
/// [`to_string`](std::string::ToString::to_string).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    text: String,
    signatures: Vec<Signature>,
}

impl Note {
    /// Signs `text` (which must end with a newline and have no other control characters).
    pub fn sign(text: &str, signer: &Signer) -> Result<Note, NoteError> {
        check_size(text.len())?;
        check_controls(text)?;
        if !text.ends_with('\n') {
            return Err(NoteError::TextMissingNewline);
        }
        let note = Note {
            text: text.to_owned(),
            signatures: vec![signer.sign_text(text)],
        };
        check_size(note.encoded_len())?;
        Ok(note)
    }

    /// Adds `signer`'s signature after the existing ones (a cosignature). Signing twice with the
    /// same key changes nothing; a different earlier signature line with the same key name and key
    /// ID (which cannot be valid, since Ed25519 signatures are deterministic) is replaced.
    pub fn cosign(&mut self, signer: &Signer) -> Result<(), NoteError> {
        let new = signer.sign_text(&self.text);
        let mut kept_identical = false;
        let mut signatures: Vec<Signature> = Vec::with_capacity(self.signatures.len() + 1);
        for signature in &self.signatures {
            if !signature.same_key(&new) {
                signatures.push(signature.clone());
            } else if *signature == new && !kept_identical {
                kept_identical = true;
                signatures.push(signature.clone());
            }
        }
        if !kept_identical {
            signatures.push(new);
        }
        if signatures.len() > MAX_SIGNATURES {
            return Err(NoteError::TooManySignatures {
                count: signatures.len(),
                max: MAX_SIGNATURES,
            });
        }
        let cosigned = Note {
            text: self.text.clone(),
            signatures,
        };
        check_size(cosigned.encoded_len())?;
        *self = cosigned;
        Ok(())
    }

    /// Reads a signed note strictly: at most [`MAX_NOTE_LEN`] bytes, no control characters other
    /// than newline, the text up to the last blank line, then one to [`MAX_SIGNATURES`]
    /// well-formed signature lines, the last ending with a newline. Nothing is verified: call
    /// [`Note::verify`] before trusting the text.
    pub fn parse(input: &str) -> Result<Note, NoteError> {
        check_size(input.len())?;
        check_controls(input)?;
        let split = input.rfind("\n\n").ok_or(NoteError::NoSignatureBlock)?;
        let text = &input[..split + 1];
        let block = &input[split + 2..];
        if block.is_empty() {
            return Err(NoteError::NoSignatureBlock);
        }
        let Some(block) = block.strip_suffix('\n') else {
            return Err(NoteError::MissingFinalNewline);
        };
        let count = block.split('\n').count();
        if count > MAX_SIGNATURES {
            return Err(NoteError::TooManySignatures {
                count,
                max: MAX_SIGNATURES,
            });
        }
        // The text's lines, then the blank line, then the signature lines.
        let first_line = text.matches('\n').count() + 2;
        let signatures = block
            .split('\n')
            .enumerate()
            .map(|(i, line)| {
                parse_signature_line(line).map_err(|reason| NoteError::SignatureLine {
                    line: first_line + i,
                    reason,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Note {
            text: text.to_owned(),
            signatures,
        })
    }

    /// Reads a signed note from bytes, which must be UTF-8; see [`Note::parse`].
    pub fn parse_bytes(input: &[u8]) -> Result<Note, NoteError> {
        check_size(input.len())?;
        let input = std::str::from_utf8(input).map_err(|e| NoteError::NotUtf8 {
            offset: e.valid_up_to(),
        })?;
        Note::parse(input)
    }

    /// Verifies the note against the trusted keys and returns those that signed it, in the order
    /// of their signature lines, each once. Signatures by keys not trusted (name and key ID must
    /// both match) are ignored; every signature by a trusted key must verify, or the whole note is
    /// rejected; and at least one trusted key must have signed.
    pub fn verify<'a>(&self, trusted: &'a [Verifier]) -> Result<Vec<&'a Verifier>, NoteError> {
        let mut signed: Vec<&'a Verifier> = Vec::new();
        for signature in &self.signatures {
            let mut matching = trusted
                .iter()
                .filter(|v| v.name == signature.name && v.key_id == signature.key_id);
            let Some(verifier) = matching.next() else {
                continue;
            };
            if matching.any(|other| other.public != verifier.public) {
                return Err(NoteError::AmbiguousKey {
                    name: signature.name.clone(),
                    key_id: signature.key_id,
                });
            }
            if !verifier.verifies(self.text.as_bytes(), &signature.bytes) {
                return Err(NoteError::InvalidSignature {
                    name: signature.name.clone(),
                    key_id: signature.key_id,
                });
            }
            if !signed.iter().any(|v| v.public == verifier.public) {
                signed.push(verifier);
            }
        }
        if signed.is_empty() {
            let signed_by = self
                .signatures
                .iter()
                .map(|s| format!("'{}' (key ID {:08x})", s.name, s.key_id))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(NoteError::NoTrustedSignature { signed_by });
        }
        Ok(signed)
    }

    /// The signed text, final newline included.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The signature lines, in order.
    pub fn signatures(&self) -> &[Signature] {
        &self.signatures
    }

    fn encoded_len(&self) -> usize {
        self.text.len()
            + 1
            + self
                .signatures
                .iter()
                .map(Signature::line_len)
                .sum::<usize>()
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)?;
        f.write_str("\n")?;
        for signature in &self.signatures {
            writeln!(
                f,
                "{SIGNATURE_PREFIX}{} {}",
                signature.name,
                signature.to_base64()
            )?;
        }
        Ok(())
    }
}

fn parse_signature_line(line: &str) -> Result<Signature, String> {
    let rest = line.strip_prefix(SIGNATURE_PREFIX).ok_or_else(|| {
        "it does not start with an em dash (U+2014) and a space (a hyphen or en dash is not enough)"
            .to_owned()
    })?;
    let (name, encoded) = rest
        .split_once(' ')
        .ok_or_else(|| "there is no space between the key name and the signature".to_owned())?;
    if let Err(NoteError::KeyName { reason, .. }) = check_key_name(name) {
        return Err(format!("the key name is not valid: {reason}"));
    }
    if encoded.is_empty() {
        return Err("the signature is empty".to_owned());
    }
    let raw = BASE64
        .decode(encoded)
        .map_err(|_| "the signature is not standard, padded base64".to_owned())?;
    if raw.len() < 5 {
        return Err(
            "the signature is too short to hold a 4-byte key ID and a signature".to_owned(),
        );
    }
    Ok(Signature {
        name: name.to_owned(),
        key_id: u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]),
        bytes: raw[4..].to_vec(),
    })
}

fn check_size(len: usize) -> Result<(), NoteError> {
    if len > MAX_NOTE_LEN {
        return Err(NoteError::TooLarge {
            len,
            max: MAX_NOTE_LEN,
        });
    }
    Ok(())
}

/// Refuses ASCII control characters other than newline. (No byte of a multi-byte UTF-8 character
/// is below 0x80, so checking bytes is checking characters.)
fn check_controls(text: &str) -> Result<(), NoteError> {
    match text.bytes().position(|b| b < 0x20 && b != b'\n') {
        None => Ok(()),
        Some(at) => Err(NoteError::ControlCharacter {
            line: text[..at].matches('\n').count() + 1,
            code: u32::from(text.as_bytes()[at]),
        }),
    }
}

// ---------------------------------------------------------------------------------------------
// Checkpoint
// ---------------------------------------------------------------------------------------------

/// A transparency-log checkpoint (C2SP `tlog-checkpoint` v1.0.0): the text that a signed note signs
/// to commit to a log's Merkle tree at one size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The first line: the log's unique name, non-empty, without control characters.
    pub origin: String,
    /// The number of leaves in the tree.
    pub size: u64,
    /// The RFC 6962 root hash of the tree at that size.
    pub root: Digest,
    /// Optional extension lines after the root hash, each non-empty (their use is not
    /// recommended by the specification; this ledger writes none).
    pub extensions: Vec<String>,
}

impl Checkpoint {
    /// A checkpoint without extension lines.
    pub fn new(origin: impl Into<String>, size: u64, root: Digest) -> Checkpoint {
        Checkpoint {
            origin: origin.into(),
            size,
            root,
            extensions: Vec::new(),
        }
    }

    /// The checkpoint's text, each line ending with a newline: the text a note signs. Fails if
    /// the origin or an extension line is empty or has a control character (a newline included).
    pub fn to_text(&self) -> Result<String, NoteError> {
        check_origin(&self.origin)?;
        for (i, line) in self.extensions.iter().enumerate() {
            check_extension(i + 1, line)?;
        }
        let mut text = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            BASE64.encode(self.root.as_bytes())
        );
        for line in &self.extensions {
            text.push_str(line);
            text.push('\n');
        }
        check_size(text.len())?;
        Ok(text)
    }

    /// Reads a checkpoint's text strictly: a non-empty origin line, the tree size in decimal
    /// without sign or leading zeros, the standard padded base64 of a 32-byte root, then
    /// non-empty extension lines, every line ending with a newline and no control characters.
    pub fn parse(text: &str) -> Result<Checkpoint, NoteError> {
        check_size(text.len())?;
        check_controls(text)?;
        let body = text.strip_suffix('\n').ok_or(NoteError::CheckpointLines {
            reason: "its last line does not end with a newline",
        })?;
        let mut lines = body.split('\n');
        let too_few = NoteError::CheckpointLines {
            reason: "it has fewer than three lines",
        };
        let origin = lines.next().unwrap_or_default();
        let size = lines.next().ok_or_else(|| too_few.clone())?;
        let root = lines.next().ok_or(too_few)?;
        check_origin(origin)?;
        let size = parse_tree_size(size)?;
        let root = parse_root(root)?;
        let extensions = lines
            .enumerate()
            .map(|(i, line)| check_extension(i + 1, line).map(|()| line.to_owned()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Checkpoint {
            origin: origin.to_owned(),
            size,
            root,
            extensions,
        })
    }
}

fn check_origin(origin: &str) -> Result<(), NoteError> {
    if origin.is_empty() {
        return Err(NoteError::Origin {
            reason: "it is empty",
        });
    }
    if origin.chars().any(|c| (c as u32) < 0x20) {
        return Err(NoteError::Origin {
            reason: "it contains a control character or a line break",
        });
    }
    Ok(())
}

fn check_extension(index: usize, line: &str) -> Result<(), NoteError> {
    if line.is_empty() {
        return Err(NoteError::Extension {
            index,
            reason: "it is empty",
        });
    }
    if line.chars().any(|c| (c as u32) < 0x20) {
        return Err(NoteError::Extension {
            index,
            reason: "it contains a control character or a line break",
        });
    }
    Ok(())
}

fn parse_tree_size(input: &str) -> Result<u64, NoteError> {
    let bad = |reason| NoteError::TreeSize {
        input: input.to_owned(),
        reason,
    };
    if input.is_empty() {
        return Err(bad("the line is empty"));
    }
    if !input.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("it has characters other than the digits 0 to 9"));
    }
    if input.len() > 1 && input.starts_with('0') {
        return Err(bad("it has a leading zero"));
    }
    input
        .parse::<u64>()
        .map_err(|_| bad("it is larger than 18446744073709551615"))
}

fn parse_root(input: &str) -> Result<Digest, NoteError> {
    let raw = BASE64.decode(input).map_err(|_| NoteError::RootHash {
        reason: "it is not standard, padded base64".to_owned(),
    })?;
    let bytes = <[u8; 32]>::try_from(raw.as_slice()).map_err(|_| NoteError::RootHash {
        reason: format!("it is {} bytes, not 32", raw.len()),
    })?;
    Ok(Digest(bytes))
}
