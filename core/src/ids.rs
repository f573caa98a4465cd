//! Identifiers as councils write them in their trackers (`1.1`, `2.3a`, `A2.3`, `WS1`, `W3`),
//! one newtype per kind so that an action id can never be passed where a workstream id is meant,
//! plus `Digest`, the 32-byte hashes, and `Subject`, a reference to any of them.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

/// The longest id accepted, in characters.
pub const MAX_ID_LEN: usize = 40;

/// A value typed by a user (or read from bytes) that is not of the right form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// An id with characters other than letters, digits, dots and hyphens, or of the wrong length.
    #[error(
        "'{input}' is not a valid {kind} id: {reason}. Ids are letters, digits, dots and hyphens, starting and ending with a letter or digit, such as 1.1, 2.3a, A2.3, WS1 or W3"
    )]
    Id {
        /// What kind of id was expected.
        kind: &'static str,
        /// What was given.
        input: String,
        /// Why it was refused.
        reason: String,
    },
    /// A date that is not written as one or does not exist.
    #[error("'{input}' is not a date: {reason}")]
    Date {
        /// What was given.
        input: String,
        /// Why it was refused.
        reason: String,
    },
    /// A deadline that is neither a date nor words that stand for one.
    #[error("'{input}' is not a deadline: {reason}")]
    Deadline {
        /// What was given.
        input: String,
        /// Why it was refused, and what to write instead.
        reason: String,
    },
    /// A number that is not a plain decimal.
    #[error(
        "'{input}' is not a decimal number: {reason}. Write it with digits and at most one decimal point, such as 63, 12.5 or -3"
    )]
    Decimal {
        /// What was given.
        input: String,
        /// Why it was refused.
        reason: String,
    },
    /// A hash that is not 64 hexadecimal digits.
    #[error("'{input}' is not a hash: write it as 64 hexadecimal digits")]
    Digest {
        /// What was given.
        input: String,
    },
    /// A word that is not one of the allowed values.
    #[error("'{input}' is not a valid {what}: use one of {allowed}")]
    Choice {
        /// What was expected.
        what: &'static str,
        /// What was given.
        input: String,
        /// The allowed values, comma separated.
        allowed: &'static str,
    },
}

fn check_id(kind: &'static str, input: &str) -> Result<(), ParseError> {
    let bad = |reason: &str| ParseError::Id {
        kind,
        input: input.to_owned(),
        reason: reason.to_owned(),
    };
    if input.is_empty() {
        return Err(bad("it is empty"));
    }
    if input.chars().count() > MAX_ID_LEN {
        return Err(bad(&format!("it is longer than {MAX_ID_LEN} characters")));
    }
    if let Some(c) = input
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '.' || *c == '-'))
    {
        let shown = if c.is_whitespace() {
            "a space".to_owned()
        } else {
            format!("'{c}'")
        };
        return Err(bad(&format!("it contains {shown}")));
    }
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !edge_ok(input.chars().next()) || !edge_ok(input.chars().last()) {
        return Err(bad("it must start and end with a letter or digit"));
    }
    Ok(())
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// What this kind of id is called in messages.
            pub const KIND: &'static str = $kind;

            /// Checks and wraps an id.
            pub fn new(input: impl Into<String>) -> Result<$name, ParseError> {
                let input = input.into();
                check_id($kind, &input)?;
                Ok($name(input))
            }

            /// The id as written.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = ParseError;
            fn from_str(input: &str) -> Result<$name, ParseError> {
                $name::new(input.trim())
            }
        }

        impl TryFrom<String> for $name {
            type Error = ParseError;
            fn try_from(input: String) -> Result<$name, ParseError> {
                $name::new(input)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        // Ids order and compare exactly as their text does, so maps keyed by id can be
        // searched with a plain `&str`.
        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(
    /// An area of significant weakness named by the inspectors (`W1`, `3`).
    WeaknessId,
    "weakness"
);
id_type!(
    /// A workstream of the plan (`WS1`).
    WorkstreamId,
    "workstream"
);
id_type!(
    /// An action of a workstream (`1.1`, `2.3a`, `A2.3`).
    ActionId,
    "action"
);
id_type!(
    /// A measure of impact (`M1`, `KPI-3`).
    MeasureId,
    "measure"
);
id_type!(
    /// A piece of evidence (`E1`; assigned by the ledger unless given).
    EvidenceId,
    "evidence"
);
id_type!(
    /// A risk on the plan's risk log (`R1`).
    RiskId,
    "risk"
);
id_type!(
    /// An inspection of the local area (`I1`, `I2`; the first inspection is `I1`).
    InspectionId,
    "inspection"
);

impl InspectionId {
    /// The id of the first inspection, the one `InspectionRecorded` records.
    pub const FIRST: &'static str = "I1";

    /// `I1`: the first inspection.
    pub fn first() -> InspectionId {
        InspectionId(InspectionId::FIRST.to_owned())
    }
}
id_type!(
    /// A plan answering findings: the WSoA, an accelerated progress plan, a priority action
    /// plan, an improvement plan (`WSoA`, `APP1`, `PAP1`).
    PlanId,
    "plan"
);

impl PlanId {
    /// The id of the implicit plan of a ledger's first inspection: its Written Statement of
    /// Action, which answers every area of significant weakness and holds every workstream
    /// created without a plan.
    pub const WSOA: &'static str = "WSoA";

    /// `WSoA`: the implicit Written Statement of Action.
    pub fn wsoa() -> PlanId {
        PlanId(PlanId::WSOA.to_owned())
    }
}
id_type!(
    /// A milestone of an action (`3m`, `6m`, `12m`, `MS1`), unique within its action.
    MilestoneId,
    "milestone"
);

/// The kinds of thing a note, a risk or a piece of evidence can be about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SubjectKind {
    /// An area of weakness.
    Weakness,
    /// A workstream.
    Workstream,
    /// An action.
    Action,
    /// A measure.
    Measure,
    /// A piece of evidence.
    Evidence,
    /// A risk.
    Risk,
}

impl SubjectKind {
    /// Every kind, in the order an unqualified id is looked up.
    pub const ALL: [SubjectKind; 6] = [
        SubjectKind::Weakness,
        SubjectKind::Workstream,
        SubjectKind::Action,
        SubjectKind::Measure,
        SubjectKind::Evidence,
        SubjectKind::Risk,
    ];

    /// The word for this kind in messages and in `kind:ID` references.
    pub fn word(self) -> &'static str {
        match self {
            SubjectKind::Weakness => "weakness",
            SubjectKind::Workstream => "workstream",
            SubjectKind::Action => "action",
            SubjectKind::Measure => "measure",
            SubjectKind::Evidence => "evidence",
            SubjectKind::Risk => "risk",
        }
    }
}

/// A reference to one thing in the plan, with its kind resolved. This is what events store.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Subject {
    /// An area of weakness.
    Weakness(WeaknessId),
    /// A workstream.
    Workstream(WorkstreamId),
    /// An action.
    Action(ActionId),
    /// A measure.
    Measure(MeasureId),
    /// A piece of evidence.
    Evidence(EvidenceId),
    /// A risk.
    Risk(RiskId),
}

impl Subject {
    /// The kind of thing referred to.
    pub fn kind(&self) -> SubjectKind {
        match self {
            Subject::Weakness(_) => SubjectKind::Weakness,
            Subject::Workstream(_) => SubjectKind::Workstream,
            Subject::Action(_) => SubjectKind::Action,
            Subject::Measure(_) => SubjectKind::Measure,
            Subject::Evidence(_) => SubjectKind::Evidence,
            Subject::Risk(_) => SubjectKind::Risk,
        }
    }

    /// The id as written.
    pub fn id(&self) -> &str {
        match self {
            Subject::Weakness(id) => id.as_str(),
            Subject::Workstream(id) => id.as_str(),
            Subject::Action(id) => id.as_str(),
            Subject::Measure(id) => id.as_str(),
            Subject::Evidence(id) => id.as_str(),
            Subject::Risk(id) => id.as_str(),
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind().word(), self.id())
    }
}

/// A reference as a user typed it: `1.1` (any kind) or `action:1.1` (a given kind). The ledger
/// resolves it against the plan, because only the plan knows which kinds have that id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubjectRef {
    /// The kind, when the user named it.
    pub kind: Option<SubjectKind>,
    /// The id, checked for form only.
    pub id: String,
}

/// As typed: `kind:id` when the kind was named, the id alone otherwise; `FromStr` reads it back.
impl fmt::Display for SubjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            Some(kind) => write!(f, "{}:{}", kind.word(), self.id),
            None => f.write_str(&self.id),
        }
    }
}

impl FromStr for SubjectRef {
    type Err = ParseError;

    fn from_str(input: &str) -> Result<SubjectRef, ParseError> {
        let input = input.trim();
        let (kind, id) = match input.split_once(':') {
            Some((word, id)) => {
                let kind = SubjectKind::ALL
                    .into_iter()
                    .find(|kind| kind.word() == word.trim().to_ascii_lowercase())
                    .ok_or_else(|| ParseError::Choice {
                        what: "kind of reference",
                        input: word.to_owned(),
                        allowed: "weakness, workstream, action, measure, evidence, risk (as in action:1.1)",
                    })?;
                (Some(kind), id.trim())
            }
            None => (None, input),
        };
        check_id(kind.map_or("referenced", SubjectKind::word), id)?;
        Ok(SubjectRef {
            kind,
            id: id.to_owned(),
        })
    }
}

/// A 32-byte hash: a BLAKE3 chain hash or content hash.
///
/// In canonical bytes it is 32 raw bytes with no length prefix; in JSON and text it is 64
/// lowercase hexadecimal digits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    /// The all-zero digest, the `prev` of the first event.
    pub const ZERO: Digest = Digest([0; 32]);

    /// The digest in lowercase hex.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The first 12 hex digits, for people.
    pub fn short(&self) -> String {
        hex::encode(&self.0[..6])
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({})", self.to_hex())
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl FromStr for Digest {
    type Err = ParseError;

    fn from_str(input: &str) -> Result<Digest, ParseError> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(input.trim(), &mut bytes).map_err(|_| ParseError::Digest {
            input: input.to_owned(),
        })?;
        Ok(Digest(bytes))
    }
}

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.serialize_str(&self.to_hex())
        } else {
            self.0.serialize(serializer)
        }
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Digest, D::Error> {
        if deserializer.is_human_readable() {
            let text = String::deserialize(deserializer)?;
            text.parse().map_err(de::Error::custom)
        } else {
            <[u8; 32]>::deserialize(deserializer).map(Digest)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_ids_councils_write() {
        for id in ["1.1", "2.3a", "A2.3", "WS1", "W3", "KPI-3", "1"] {
            assert_eq!(ActionId::new(id).expect(id).as_str(), id);
        }
    }

    #[test]
    fn rejects_malformed_ids_with_the_reason() {
        let cases = [
            ("", "it is empty"),
            ("2.3 a", "it contains a space"),
            ("WS_1", "it contains '_'"),
            (".1", "must start and end"),
            ("1.", "must start and end"),
            ("-1", "must start and end"),
            (&"x".repeat(41), "longer than 40"),
        ];
        for (input, reason) in cases {
            let err = WorkstreamId::new(input).expect_err(input).to_string();
            assert!(err.contains(reason), "{err}");
            assert!(err.contains("workstream id"), "{err}");
        }
    }

    #[test]
    fn subject_refs_may_name_their_kind() {
        let plain: SubjectRef = "1.1".parse().expect("valid");
        assert_eq!(plain.kind, None);
        let typed: SubjectRef = "action:1.1".parse().expect("valid");
        assert_eq!(typed.kind, Some(SubjectKind::Action));
        assert_eq!(typed.id, "1.1");
        assert!("task:1.1".parse::<SubjectRef>().is_err());
        assert!("action:1 1".parse::<SubjectRef>().is_err());
    }

    #[test]
    fn digests_are_hex_in_json() {
        let digest = Digest([0xab; 32]);
        let json = serde_json::to_string(&digest).expect("serialises");
        assert_eq!(json, format!("\"{}\"", "ab".repeat(32)));
        let back: Digest = serde_json::from_str(&json).expect("parses");
        assert_eq!(back, digest);
        assert!("abc".parse::<Digest>().is_err());
    }
}
