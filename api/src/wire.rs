//! The JSON wire format of the HTTP API's commands (`POST /api/v1/commands`) and of what a
//! recorded command returns. This module owns the request types, their parsing into
//! `wsoa_core::Command` at the edge of the server, their conversion back from a `Command` (which
//! is how the CLI's `--server` mode builds a request), and `RecordedEvent`, the response.
//!
//! These types are deliberately separate from the hashed types in `wsoa_core::event`: the
//! canonical bytes of an event are hashed and chained forever, while the API will grow and change.
//! Keeping the two apart means no change to a field name, a default or a spelling here can ever
//! change a hash, and the hashed types never have to carry attributes for the web. On the wire
//! every id, date, decimal and hash is a string written exactly as the command line accepts it,
//! every enum is the command line's word (`in-progress`, `case-study`, `higher-is-better`), and
//! parsing happens once, in `CommandRequest::into_command`, with errors that name the field.

use std::collections::BTreeSet;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};
use wsoa_core::chain::chain_hash;
use wsoa_core::command::{
    ActionInPlan, AddFinding, AddInspection, AddNote, AddWorkstream, AmendMeasure, AttachEvidence,
    DefineMeasure, RaiseRisk, StepPlan, TrajectoryInput,
};
use wsoa_core::encoding::{DecodeError, decode_event};
use wsoa_core::event::{
    ActionAmended, ActionAmendedWithDeadline, ActionCreated, ActionCreatedWithDeadline,
    ActionStatusChanged, Assessment, CoproductionRecorded, CorrectionRecorded, Direction,
    EvidenceKind, EvidenceRedacted, FindingKind, Framework, InspectionKind, InspectionOutcome,
    InspectionRecorded, LedgerOpened, MeasureDefined, MeasureRecorded, MilestoneAdded,
    MilestoneMet, MilestoneMissed, MonitoringReviewed, MonitoringVisitFeedback, Outcome, PackSent,
    Period, PlanKind, PlanStarted, PlanStep, Progress, ProgressReviewed, Rag, Rating,
    RevisitOutcomeRecorded, RevisitScheduled, RiskClosed, RiskLevel, RiskUpdated, Status,
    VisitPoint, WeaknessRecorded, WorkstreamAmended, WorkstreamCreated,
};
use wsoa_core::{
    ActionId, Command, Date, Deadline, Decimal, Digest, Event, EventBody, EvidenceId, InspectionId,
    MeasureId, MilestoneId, ParseError, PlanId, RiskId, SubjectRef, WeaknessId, WorkstreamId,
};

/// Why a request (or a recorded event sent back) is not acceptable. Every message names the
/// field, quotes what was given and says what is expected, because it is shown to the person
/// or program that sent it as the body of a 400 or 422 response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// A field's text is not of the form its type needs (an id with a space, a date that does
    /// not exist, a word that is not one of the allowed ones). Correct the value as the message
    /// says and send it again.
    #[error("field '{field}': {error}")]
    Field {
        /// The field, as named in the JSON (`due`, `assessments[1].rating`).
        field: String,
        /// What is wrong with its value: what was given and what is expected.
        error: ParseError,
    },
    /// A field that may be left out of the JSON only when the server fills it in (the content
    /// hash and size of an uploaded evidence file) is missing. Give it, or upload the file.
    #[error("field '{field}' is missing: {hint}")]
    Missing {
        /// The field, as named in the JSON.
        field: String,
        /// How to supply it.
        hint: &'static str,
    },
    /// The body is not a command: not JSON, not an object, no or an unknown `kind`, a field the
    /// kind does not have, a missing field or a value of the wrong JSON type. The message names
    /// the field; fix the body as it says.
    #[error("{0}")]
    Body(String),
    /// A recorded event's `bytes` are not hexadecimal.
    #[error("field 'bytes': {0}; it should be the event's canonical bytes as hexadecimal digits")]
    NotHex(String),
    /// A recorded event's `bytes` match its `hash` but are not a canonical event: the server and
    /// the client disagree about the format, or both fields were altered.
    #[error("field 'bytes' does not hold a canonical event: {0}")]
    Decode(DecodeError),
    /// A recorded event's `bytes` do not hash to its `hash`: the response was altered or
    /// corrupted on the way. Do not trust it; read the event again.
    #[error(
        "field 'hash' is {claimed} but the event's bytes hash to {actual}: the response was altered or corrupted on the way"
    )]
    HashMismatch {
        /// The hash the response claimed.
        claimed: Digest,
        /// The chain hash of the bytes it carried.
        actual: Digest,
    },
    /// A recorded event's summary field disagrees with its bytes: the response was altered, or
    /// the server is broken. Trust the bytes, which the hash vouches for, or read it again.
    #[error("field '{field}' says {claimed} but the event's bytes say {actual}")]
    Mismatch {
        /// The summary field.
        field: String,
        /// What the field said (JSON).
        claimed: String,
        /// What the decoded event says (JSON).
        actual: String,
    },
}

/// How one core value is written on the wire (`F`) and read back at the edge. Reading names the
/// field in its error; writing never fails, and reading what was written gives the value back.
trait OnWire<F>: Sized {
    fn read(form: F, field: &str) -> Result<Self, WireError>;
    fn write(&self) -> F;
}

impl OnWire<String> for String {
    fn read(form: String, _field: &str) -> Result<String, WireError> {
        Ok(form)
    }
    fn write(&self) -> String {
        self.clone()
    }
}

impl OnWire<u64> for u64 {
    fn read(form: u64, _field: &str) -> Result<u64, WireError> {
        Ok(form)
    }
    fn write(&self) -> u64 {
        *self
    }
}

/// Text types whose `FromStr` is what the command line accepts and whose `Display` writes what
/// `FromStr` reads back.
macro_rules! text_on_wire {
    ($($ty:ty),+ $(,)?) => {
        $(
            impl OnWire<String> for $ty {
                fn read(form: String, field: &str) -> Result<$ty, WireError> {
                    form.parse().map_err(|error| WireError::Field {
                        field: field.to_owned(),
                        error,
                    })
                }
                fn write(&self) -> String {
                    self.to_string()
                }
            }
        )+
    };
}

text_on_wire!(
    WeaknessId,
    WorkstreamId,
    ActionId,
    MeasureId,
    EvidenceId,
    RiskId,
    Date,
    Deadline,
    Decimal,
    Digest,
    Status,
    Rag,
    EvidenceKind,
    Direction,
    Rating,
    RiskLevel,
    Progress,
    InspectionId,
    Framework,
    InspectionKind,
    InspectionOutcome,
    FindingKind,
    MilestoneId,
    PlanId,
    PlanKind,
    PlanStep,
    Period,
    TrajectoryInput,
    VisitPoint,
);

impl OnWire<String> for SubjectRef {
    fn read(form: String, field: &str) -> Result<SubjectRef, WireError> {
        form.parse().map_err(|error| WireError::Field {
            field: field.to_owned(),
            error,
        })
    }
    fn write(&self) -> String {
        self.to_string()
    }
}

/// What to say when an uploaded file's facts are missing from a JSON body.
const UPLOAD_HINT: &str = "give it for content already stored, or upload the file in a multipart \
                           request and the server fills it in";

impl OnWire<Option<String>> for Digest {
    fn read(form: Option<String>, field: &str) -> Result<Digest, WireError> {
        let form = form.ok_or_else(|| WireError::Missing {
            field: field.to_owned(),
            hint: UPLOAD_HINT,
        })?;
        OnWire::read(form, field)
    }
    fn write(&self) -> Option<String> {
        Some(self.to_hex())
    }
}

impl OnWire<Option<u64>> for u64 {
    fn read(form: Option<u64>, field: &str) -> Result<u64, WireError> {
        form.ok_or_else(|| WireError::Missing {
            field: field.to_owned(),
            hint: UPLOAD_HINT,
        })
    }
    fn write(&self) -> Option<u64> {
        Some(*self)
    }
}

impl<F, T: OnWire<F>> OnWire<Option<F>> for Option<T> {
    fn read(form: Option<F>, field: &str) -> Result<Option<T>, WireError> {
        form.map(|form| T::read(form, field)).transpose()
    }
    fn write(&self) -> Option<F> {
        self.as_ref().map(T::write)
    }
}

impl<F, T: OnWire<F>> OnWire<Vec<F>> for Vec<T> {
    fn read(form: Vec<F>, field: &str) -> Result<Vec<T>, WireError> {
        form.into_iter()
            .enumerate()
            .map(|(index, form)| T::read(form, &format!("{field}[{index}]")))
            .collect()
    }
    fn write(&self) -> Vec<F> {
        self.iter().map(T::write).collect()
    }
}

/// A board's rating of one workstream, in `review_progress`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentRequest {
    /// Which workstream.
    #[schema(example = "WS1")]
    pub workstream: String,
    /// The board's rating: on-track, at-risk or off-track.
    #[schema(example = "at-risk")]
    pub rating: String,
    /// Why, if said.
    #[schema(example = "Recruitment to the new posts has slipped")]
    pub note: Option<String>,
}

impl OnWire<AssessmentRequest> for Assessment {
    fn read(form: AssessmentRequest, field: &str) -> Result<Assessment, WireError> {
        Ok(Assessment {
            workstream: OnWire::read(form.workstream, &format!("{field}.workstream"))?,
            rating: OnWire::read(form.rating, &format!("{field}.rating"))?,
            note: form.note,
        })
    }
    fn write(&self) -> AssessmentRequest {
        AssessmentRequest {
            workstream: self.workstream.write(),
            rating: self.rating.write(),
            note: self.note.clone(),
        }
    }
}

/// The inspectors' judgement on one weakness, in `record_revisit_outcome`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeRequest {
    /// Which weakness.
    #[schema(example = "W1")]
    pub weakness: String,
    /// The judgement: sufficient or insufficient.
    #[schema(example = "sufficient")]
    pub progress: String,
}

impl OnWire<OutcomeRequest> for Outcome {
    fn read(form: OutcomeRequest, field: &str) -> Result<Outcome, WireError> {
        Ok(Outcome {
            weakness: OnWire::read(form.weakness, &format!("{field}.weakness"))?,
            progress: OnWire::read(form.progress, &format!("{field}.progress"))?,
        })
    }
    fn write(&self) -> OutcomeRequest {
        OutcomeRequest {
            weakness: self.weakness.write(),
            progress: self.progress.write(),
        }
    }
}

fn default_inspectorates() -> Vec<String> {
    vec!["Ofsted".to_owned(), "CQC".to_owned()]
}

fn default_evidence_kind() -> String {
    EvidenceKind::Document.as_str().to_owned()
}

fn default_direction() -> String {
    Direction::HigherIsBetter.as_str().to_owned()
}

fn default_risk_level() -> String {
    RiskLevel::Medium.as_str().to_owned()
}

/// A field's name in the JSON: its Rust name unless the command list gives another.
macro_rules! json_name {
    ($field:ident) => {
        stringify!($field)
    };
    ($field:ident $json:literal) => {
        $json
    };
}

/// A core command (or, in pattern position, its destructuring), whether its variant holds a
/// payload struct (`Command::CreateAction(ActionCreated { .. })`) or fields of its own
/// (`Command::SubmitPlan { .. }`).
macro_rules! core_command {
    ($variant:ident () { $($body:tt)* }) => {
        Command::$variant { $($body)* }
    };
    ($variant:ident ($payload:ident) { $($body:tt)* }) => {
        Command::$variant($payload { $($body)* })
    };
}

/// Defines one request struct per command kind (each with the optional `on` date and
/// `deny_unknown_fields`), the `CommandRequest` enum over them, its schema, and the conversions
/// both ways. An entry reads `"kind" => WireStruct for CommandVariant(CorePayload) { fields }`.
/// Each wire field has the name of the core field it becomes (its JSON name may differ, with
/// `field as "json_name"`), and the core side is destructured without `..`, so a core field that
/// the wire forgot, or a `Command` variant without a kind, is a compile error.
macro_rules! commands {
    ($(
        $(#[doc = $doc:literal])*
        $tag:literal => $request:ident for $variant:ident $(($payload:ident))? {
            $(
                $(#[$($attr:tt)*])*
                $field:ident $(as $json:tt)? : $wire:ty
            ),* $(,)?
        }
    )+) => {
        $(
            $(#[doc = $doc])*
            #[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, ToSchema)]
            #[serde(deny_unknown_fields)]
            pub struct $request {
                /// The business date on which it happened (2021-07-15 or 15/07/2021). Absent or
                /// null: today, the UK date as the server decides it.
                #[serde(default)]
                #[schema(example = "2021-07-15")]
                pub on: Option<String>,
                $(
                    $(#[$($attr)*])*
                    $(#[serde(rename = $json)])?
                    pub $field: $wire,
                )*
            }

            impl $request {
                /// Every field's name in the JSON, `on` first.
                const FIELDS: &'static [&'static str] =
                    &["on", $(json_name!($field $($json)?)),*];

                /// Reads the fields of a body whose `kind` was this one. The type of every field
                /// present is checked first, so that a wrong type is reported with the field's
                /// name, which a derived `Deserialize` does not give.
                fn from_object(body: Map<String, Value>) -> Result<$request, String> {
                    let kind = $tag;
                    let unknown = body.keys().find(|key| !Self::FIELDS.contains(&key.as_str()));
                    if let Some(unknown) = unknown {
                        return Err(format!(
                            "field '{unknown}' is not part of a '{kind}' command: \
                             its fields are kind, {}",
                            Self::FIELDS.join(", ")
                        ));
                    }
                    check_type::<Option<String>>(&body, "on")?;
                    $(check_type::<$wire>(&body, json_name!($field $($json)?))?;)*
                    serde_json::from_value(Value::Object(body))
                        .map_err(|err| format!("a '{kind}' command: {err}"))
                }
            }
        )+

        /// One recording command as a JSON body: a `kind` tag naming the command, an optional
        /// `on` date, and the command's fields. Unknown fields are refused. Ids, dates, decimals
        /// and hashes are strings as the command line accepts them; enums are the command
        /// line's words; optional fields may be absent or null.
        #[derive(Serialize, Debug, Clone, PartialEq, Eq)]
        #[serde(tag = "kind")]
        pub enum CommandRequest {
            $(
                $(#[doc = $doc])*
                #[serde(rename = $tag)]
                $variant($request),
            )+
        }

        impl CommandRequest {
            /// Every `kind`, in the order of `wsoa_core::Command`'s variants.
            pub const KINDS: &'static [&'static str] = &[$($tag),+];

            /// The `kind` tag of this request (`create_action`).
            pub fn kind(&self) -> &'static str {
                match self {
                    $(CommandRequest::$variant(_) => $tag,)+
                }
            }

            /// The `on` date as given, unparsed; `None` means today.
            pub fn on(&self) -> Option<&str> {
                match self {
                    $(CommandRequest::$variant(request) => request.on.as_deref(),)+
                }
            }

            /// The same request happening on `on` (`None`: today, as the server decides).
            pub fn with_on(mut self, on: Option<Date>) -> CommandRequest {
                let text = on.map(|date| date.to_string());
                match &mut self {
                    $(CommandRequest::$variant(request) => request.on = text,)+
                }
                self
            }

            /// Parses every field into the core's types: the command, and the date it happened
            /// on if one was given. Fails on the first field that does not parse, naming it.
            pub fn into_command(self) -> Result<(Command, Option<Date>), WireError> {
                match self {
                    $(
                        CommandRequest::$variant(request) => {
                            let on: Option<Date> = OnWire::read(request.on, "on")?;
                            let command = core_command!($variant ($($payload)?) {
                                $($field: OnWire::read(
                                    request.$field,
                                    json_name!($field $($json)?),
                                )?,)*
                            });
                            Ok((command, on))
                        }
                    )+
                }
            }

            fn from_object(
                kind: &str,
                body: Map<String, Value>,
            ) -> Result<CommandRequest, String> {
                match kind {
                    $($tag => $request::from_object(body).map(CommandRequest::$variant),)+
                    other => Err(format!(
                        "field 'kind': '{other}' is not a kind of command: use one of {}",
                        CommandRequest::KINDS.join(", ")
                    )),
                }
            }
        }

        impl PartialSchema for CommandRequest {
            fn schema() -> RefOr<Schema> {
                command_schema([$(($tag, <$request as PartialSchema>::schema())),+])
            }
        }

        impl ToSchema for CommandRequest {
            fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
                $(<$request as ToSchema>::schemas(schemas);)+
            }
        }

        impl From<&Command> for CommandRequest {
            /// The request that asks for exactly this command, with no `on` date (see
            /// `with_on`). `into_command` gives the same command back.
            fn from(command: &Command) -> CommandRequest {
                match command {
                    $(
                        core_command!($variant ($($payload)?) { $($field),* }) => {
                            CommandRequest::$variant($request {
                                on: None,
                                $($field: OnWire::write($field),)*
                            })
                        }
                    )+
                }
            }
        }
    };
}

/// The OpenAPI schema of `CommandRequest`, written by hand because a derived one would say
/// `allOf` (the kind's fields, and `kind`), which contradicts the kind's `additionalProperties:
/// false`: each kind is instead one object with `kind` among its properties, so that a strict
/// validator accepts exactly what the server does.
fn command_schema<const N: usize>(kinds: [(&'static str, RefOr<Schema>); N]) -> RefOr<Schema> {
    let mut one_of = OneOfBuilder::new()
        .description(Some(
            "One recording command: a `kind` naming the command, an optional `on` date (today if \
             absent or null), and the command's fields. Unknown fields are refused. Ids, dates, \
             decimals and hashes are strings as the command line accepts them; enums are the \
             command line's words; optional fields may be absent or null.",
        ))
        .examples([
            serde_json::json!({
                "kind": "create_action",
                "on": "2021-07-15",
                "id": "1.1",
                "workstream": "WS1",
                "title": "Appoint a SEND quality assurance officer",
                "owner": "Head of SEND",
                "due": "2021-12-31",
                "success": ["Officer in post"],
            }),
            serde_json::json!({
                "kind": "change_action_status",
                "id": "1.1",
                "status": "in-progress",
                "rag": "amber",
                "note": "Interviews held; an offer has been made",
            }),
        ]);
    for (kind, schema) in kinds {
        let item = match schema {
            RefOr::T(Schema::Object(mut object)) => {
                let tag = ObjectBuilder::new()
                    .schema_type(Type::String)
                    .enum_values(Some([kind]))
                    .description(Some("Which command this is."));
                object.title = Some(kind.to_owned());
                object.properties.insert("kind".to_owned(), tag.into());
                object.required.insert(0, "kind".to_owned());
                RefOr::T(Schema::Object(object))
            }
            other => other,
        };
        one_of = one_of.item(item);
    }
    RefOr::T(Schema::OneOf(one_of.build()))
}

/// Checks that a field, if present, has the JSON type its wire type needs, naming it if not.
fn check_type<T: serde::de::DeserializeOwned>(
    body: &Map<String, Value>,
    field: &str,
) -> Result<(), String> {
    match body.get(field) {
        Some(value) => T::deserialize(value)
            .map(drop)
            .map_err(|err| format!("field '{field}': {err}")),
        None => Ok(()),
    }
}

commands! {
    /// Open a new ledger for a local area's statement (only as its first event).
    "open_ledger" => OpenLedgerRequest for OpenLedger(LedgerOpened) {
        /// The local area.
        #[schema(example = "Northshire local area")]
        area: String,
        /// The partners who own the statement jointly; none if absent.
        #[serde(default)]
        #[schema(example = json!(["Northshire County Council", "Northshire ICB"]))]
        partners: Vec<String>,
    }
    /// Record the joint inspection's dates and the report's publication (once).
    "record_inspection" => RecordInspectionRequest for RecordInspection(InspectionRecorded) {
        /// Who inspected; Ofsted and CQC if absent.
        #[serde(default = "default_inspectorates")]
        #[schema(example = json!(["Ofsted", "CQC"]))]
        inspectorates: Vec<String>,
        /// First day on site.
        #[schema(example = "2021-03-08")]
        from: String,
        /// Last day on site.
        #[schema(example = "2021-03-12")]
        to: String,
        /// The day the report letter was published.
        #[schema(example = "2021-04-20")]
        published: String,
    }
    /// Record an area of significant weakness, in the inspectors' words.
    "record_weakness" => RecordWeaknessRequest for RecordWeakness(WeaknessRecorded) {
        /// Its id.
        #[schema(example = "W1")]
        id: String,
        /// A short title.
        #[schema(example = "Quality assurance of EHC plans")]
        title: String,
        /// The finding, as the report words it.
        #[schema(example = "There is no quality assurance framework for the local area's work.")]
        finding: Option<String>,
    }
    /// Record that the current version of the statement was submitted to Ofsted and CQC.
    "submit_plan" => SubmitPlanRequest for SubmitPlan {
        /// What was submitted.
        #[schema(example = "Written statement of action, version 1")]
        summary: Option<String>,
    }
    /// Record that Ofsted and CQC found the submitted version fit for purpose.
    "accept_plan" => AcceptPlanRequest for AcceptPlan {
        /// What the letter said.
        #[schema(example = "Letter: the statement is fit for purpose")]
        summary: Option<String>,
    }
    /// Start a new version of the statement (it must then be submitted again).
    "revise_plan" => RevisePlanRequest for RevisePlan {
        /// What changes and why.
        #[schema(example = "Strengthened measures of impact as the inspectorates asked")]
        summary: String,
    }
    /// Create a workstream with its senior accountable sponsor.
    "create_workstream" => CreateWorkstreamRequest for CreateWorkstream(WorkstreamCreated) {
        /// Its id.
        #[schema(example = "WS1")]
        id: String,
        /// A short title.
        #[schema(example = "EHC plan timeliness and quality")]
        title: String,
        /// The senior accountable sponsor.
        #[schema(example = "Director of Education")]
        sponsor: String,
        /// The weaknesses it answers (at least one).
        #[schema(example = json!(["W1", "W2"]))]
        weaknesses: Vec<String>,
    }
    /// Change a workstream's title, sponsor or weaknesses, saying why.
    "amend_workstream" => AmendWorkstreamRequest for AmendWorkstream(WorkstreamAmended) {
        /// Which workstream.
        #[schema(example = "WS1")]
        id: String,
        /// The new title, if it changes.
        title: Option<String>,
        /// The new sponsor, if they change.
        #[schema(example = "Assistant Director, SEND")]
        sponsor: Option<String>,
        /// The new list of weaknesses, replacing the old one, if it changes.
        #[schema(example = json!(["W1"]))]
        weaknesses: Option<Vec<String>>,
        /// Why.
        #[schema(example = "Restructure of the education directorate")]
        reason: String,
    }
    /// Create an action of a workstream with its owner and deadline.
    "create_action" => CreateActionRequest for CreateAction(ActionCreated) {
        /// Its id.
        #[schema(example = "1.1")]
        id: String,
        /// The workstream it belongs to.
        #[schema(example = "WS1")]
        workstream: String,
        /// What will be done.
        #[schema(example = "Appoint a SEND quality assurance officer")]
        title: String,
        /// The lead officer.
        #[schema(example = "Head of SEND")]
        owner: String,
        /// The deadline (2021-09-30 or 30/09/2021).
        #[schema(example = "2021-09-30")]
        due: String,
        /// Success criteria or measures of impact; none if absent.
        #[serde(default)]
        #[schema(example = json!(["Officer in post", "QA framework agreed by the board"]))]
        success: Vec<String>,
    }
    /// Change an action's owner, deadline or wording, saying why.
    "amend_action" => AmendActionRequest for AmendAction(ActionAmended) {
        /// Which action.
        #[schema(example = "1.1")]
        id: String,
        /// The new wording, if it changes.
        title: Option<String>,
        /// The new owner, if they change.
        owner: Option<String>,
        /// The new deadline, if it moves.
        #[schema(example = "2021-12-31")]
        due: Option<String>,
        /// Why.
        #[schema(example = "Recruitment paused during the COVID-19 lockdown")]
        reason: String,
    }
    /// Change an action's status (and RAG).
    "change_action_status" => ChangeActionStatusRequest
        for ChangeActionStatus(ActionStatusChanged) {
        /// Which action.
        #[schema(example = "1.1")]
        id: String,
        /// not-started, in-progress, complete, blocked or withdrawn.
        #[schema(example = "in-progress")]
        status: String,
        /// red, amber or green, if given.
        #[schema(example = "amber")]
        rag: Option<String>,
        /// The update that goes with it (required when reopening a complete or withdrawn action).
        #[schema(example = "Interviews held; offer made")]
        note: Option<String>,
    }
    /// Attach a file as evidence. In a JSON body the content must already be stored under
    /// `content_hash`; in a multipart upload the server fills in `content_hash` and `size` from
    /// the file.
    "attach_evidence" => AttachEvidenceRequest for AttachEvidence(AttachEvidence) {
        /// An id for it; the next free E1, E2, ... when absent.
        #[schema(example = "E3")]
        id: Option<String>,
        /// BLAKE3 hash of the content, 64 hexadecimal digits (required in a JSON body).
        #[schema(example = "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262")]
        content_hash: Option<String>,
        /// The file's name.
        #[schema(example = "board-minutes-2021-12.pdf")]
        file_name: String,
        /// Its media type.
        #[schema(example = "application/pdf")]
        media_type: String,
        /// Its size in bytes (required in a JSON body).
        #[schema(example = 48213)]
        size: Option<u64>,
        /// What it is, in a few words.
        #[schema(example = "SEND Improvement Board minutes, December 2021")]
        title: String,
        /// document, minutes, audit, survey, training, case-study, dashboard, policy, feedback or
        /// other; document if absent. (Named `evidence_kind` because `kind` names the command.)
        #[serde(default = "default_evidence_kind")]
        #[schema(example = "minutes")]
        kind as "evidence_kind": String,
        /// What it supports: ids, or kind:id when an id is ambiguous (at least one).
        #[schema(example = json!(["WS1", "action:1.1"]))]
        supports: Vec<String>,
    }
    /// Purge a piece of evidence's content for data-protection reasons; its hash stays.
    "redact_evidence" => RedactEvidenceRequest for RedactEvidence(EvidenceRedacted) {
        /// Which evidence.
        #[schema(example = "E7")]
        id: String,
        /// Why (the data-protection request).
        #[schema(example = "Case study names a child; subject access request 2022/114")]
        reason: String,
    }
    /// Define a measure of impact with its baseline and target.
    "define_measure" => DefineMeasureRequest for DefineMeasure(MeasureDefined) {
        /// Its id.
        #[schema(example = "M1")]
        id: String,
        /// What is measured.
        #[schema(example = "EHC plans issued within 20 weeks")]
        title: String,
        /// The unit.
        #[schema(example = "%")]
        unit: String,
        /// The value before the plan, as a decimal string.
        #[schema(example = "12")]
        baseline: String,
        /// When the baseline was taken.
        #[schema(example = "2018-08-31")]
        baseline_on: String,
        /// The value aimed for, as a decimal string.
        #[schema(example = "60")]
        target: String,
        /// When it should be reached.
        #[schema(example = "2019-12-31")]
        target_by: String,
        /// higher-is-better or lower-is-better; higher-is-better if absent.
        #[serde(default = "default_direction")]
        #[schema(example = "higher-is-better")]
        better: String,
        /// The weaknesses whose impact it shows (at least one).
        #[schema(example = json!(["W1"]))]
        weaknesses: Vec<String>,
    }
    /// Record a measure's value on the `on` date.
    "record_measure" => RecordMeasureRequest for RecordMeasure(MeasureRecorded) {
        /// Which measure.
        #[schema(example = "M1")]
        id: String,
        /// The value, as a decimal string (63, 12.5, -3).
        #[schema(example = "63")]
        value: String,
        /// Where it came from.
        #[schema(example = "EHC hub report, July 2019")]
        source: Option<String>,
    }
    /// Record a monitoring visit's feedback (the visit took place on `on`). A point written
    /// `[W2] text` concerns weakness W2 (`[AP1, AFI2] text`: two findings); a point without
    /// brackets concerns the area as a whole.
    "record_visit" => RecordVisitRequest for RecordVisit(MonitoringVisitFeedback) {
        /// Who visited.
        #[schema(example = "DfE and NHS England advisers")]
        by: String,
        /// Their overall view.
        #[schema(example = "The local area is making good progress")]
        summary: Option<String>,
        /// Strengths they found; none if absent.
        #[serde(default)]
        #[schema(example = json!(["[W5] Strong co-production with the parent carer forum"]))]
        strengths: Vec<String>,
        /// Concerns they raised; none if absent.
        #[serde(default)]
        #[schema(example = json!(["[W2] EHC plan quality is inconsistent"]))]
        concerns: Vec<String>,
        /// Next steps they asked for; none if absent.
        #[serde(default)]
        #[schema(example = json!(["Show the impact of the QA framework"]))]
        next_steps: Vec<String>,
        /// The visit's letter: evidence already attached (attach it first, or upload it with
        /// the visit from the web page).
        #[schema(example = "E7")]
        letter: Option<String>,
    }
    /// Record a board's assessment of workstreams (the board met on `on`).
    "review_progress" => ReviewProgressRequest for ReviewProgress(ProgressReviewed) {
        /// Which forum.
        #[schema(example = "SEND Improvement Board")]
        forum: String,
        /// Its rating of each workstream it reviewed (at least one, each workstream once).
        assessments: Vec<AssessmentRequest>,
    }
    /// Raise a risk to delivery.
    "raise_risk" => RaiseRiskRequest for RaiseRisk(RaiseRisk) {
        /// Its id.
        #[schema(example = "R1")]
        id: String,
        /// What the risk is.
        #[schema(example = "Educational psychologist vacancies delay EHC assessments")]
        title: String,
        /// low, medium or high; medium if absent.
        #[serde(default = "default_risk_level")]
        #[schema(example = "high")]
        level: String,
        /// What it threatens: ids, or kind:id when an id is ambiguous; the whole plan if absent.
        #[serde(default)]
        #[schema(example = json!(["WS1"]))]
        about: Vec<String>,
        /// What is being done about it.
        #[schema(example = "Locum cover agreed to March")]
        mitigation: Option<String>,
    }
    /// Change a risk's level or mitigation, or add news of it.
    "update_risk" => UpdateRiskRequest for UpdateRisk(RiskUpdated) {
        /// Which risk.
        #[schema(example = "R1")]
        id: String,
        /// The new level (low, medium or high), if it changes.
        #[schema(example = "medium")]
        level: Option<String>,
        /// The new mitigation, if it changes.
        mitigation: Option<String>,
        /// The update.
        #[schema(example = "Two educational psychologists appointed")]
        note: Option<String>,
    }
    /// Close a risk.
    "close_risk" => CloseRiskRequest for CloseRisk(RiskClosed) {
        /// Which risk.
        #[schema(example = "R1")]
        id: String,
        /// Why it no longer applies.
        #[schema(example = "Establishment fully recruited")]
        reason: String,
    }
    /// Schedule (or reschedule) the window in which the inspectors will revisit.
    "schedule_revisit" => ScheduleRevisitRequest for ScheduleRevisit(RevisitScheduled) {
        /// First day of the window.
        #[schema(example = "2022-09-01")]
        from: String,
        /// Last day of the window.
        #[schema(example = "2022-11-30")]
        to: String,
    }
    /// Record the revisit's judgement on each weakness.
    "record_revisit_outcome" => RecordRevisitOutcomeRequest
        for RecordRevisitOutcome(RevisitOutcomeRecorded) {
        /// One judgement per weakness judged (at least one, each weakness once).
        outcomes: Vec<OutcomeRequest>,
    }
    /// Add a note about a weakness, workstream, action, measure, evidence or risk.
    "add_note" => AddNoteRequest for AddNote(AddNote) {
        /// What it is about: an id, or kind:id when the id is ambiguous.
        #[schema(example = "action:1.1")]
        about: String,
        /// The note.
        #[schema(example = "Parents said the new Local Offer pages were easier to find")]
        text: String,
        /// Whose voice it is.
        #[schema(example = "Northshire Parent Carer Forum")]
        from: Option<String>,
    }
    /// Record that an earlier event was wrong (the event itself is never changed).
    "record_correction" => RecordCorrectionRequest for RecordCorrection(CorrectionRecorded) {
        /// The sequence number of the event that was wrong.
        #[schema(example = 41)]
        seq: u64,
        /// What was wrong and what is right.
        #[schema(example = "The visit was on 14 June, not 4 June; the feedback is unchanged.")]
        reason: String,
    }
    /// Record a signed checkpoint of this ledger (its C2SP signed note, often cosigned).
    "record_checkpoint" => RecordCheckpointRequest for RecordCheckpoint {
        /// The signed note, exactly as signed.
        note: String,
    }
    /// Create an action whose deadline is a date or the words the council used ("Autumn term
    /// 2021", "Q3 2021/22", "Ongoing", "TBC"); with a date it is recorded as `create_action` is.
    "create_action_with_deadline" => CreateActionWithDeadlineRequest
        for CreateActionWithDeadline(ActionCreatedWithDeadline) {
        /// Its id.
        #[schema(example = "1.1")]
        id: String,
        /// The workstream it belongs to.
        #[schema(example = "WS1")]
        workstream: String,
        /// What will be done.
        #[schema(example = "Appoint a SEND quality assurance officer")]
        title: String,
        /// The lead officer.
        #[schema(example = "Head of SEND")]
        owner: String,
        /// The deadline: a date (2021-09-30 or 30/09/2021) or words: a month ("July 2021"), a
        /// term or season ("Autumn term 2021"), a quarter or financial year ("Q3 2021/22",
        /// "2021/22"), recurring ("Ongoing", "Termly") or not yet set ("TBC").
        #[schema(example = "Autumn term 2021")]
        due: String,
        /// Success criteria or measures of impact; none if absent.
        #[serde(default)]
        #[schema(example = json!(["Officer in post"]))]
        success: Vec<String>,
    }
    /// Change an action's owner, deadline or wording, saying why; the deadline may be words, as
    /// for `create_action_with_deadline`.
    "amend_action_with_deadline" => AmendActionWithDeadlineRequest
        for AmendActionWithDeadline(ActionAmendedWithDeadline) {
        /// Which action.
        #[schema(example = "1.1")]
        id: String,
        /// The new wording, if it changes.
        title: Option<String>,
        /// The new owner, if they change.
        owner: Option<String>,
        /// The new deadline, a date or words, if it moves.
        #[schema(example = "Spring term 2022")]
        due: Option<String>,
        /// Why.
        #[schema(example = "Recruitment paused during the COVID-19 lockdown")]
        reason: String,
    }
    /// Record an action agreed before it was recorded, as a row of a council's tracker: as
    /// `create_action_with_deadline`, but its deadline may already have passed.
    "import_action" => ImportActionRequest
        for ImportAction(ActionCreatedWithDeadline) {
        /// Its id.
        #[schema(example = "1.1")]
        id: String,
        /// The workstream it belongs to.
        #[schema(example = "WS1")]
        workstream: String,
        /// What will be done.
        #[schema(example = "Appoint a SEND quality assurance officer")]
        title: String,
        /// The lead officer.
        #[schema(example = "Head of SEND")]
        owner: String,
        /// The deadline: a date (2021-09-30 or 30/09/2021) or words: a month ("July 2021"), a
        /// term or season ("Autumn term 2021"), a quarter or financial year ("Q3 2021/22",
        /// "2021/22"), recurring ("Ongoing", "Termly") or not yet set ("TBC").
        #[schema(example = "Autumn term 2021")]
        due: String,
        /// Success criteria or measures of impact; none if absent.
        #[serde(default)]
        #[schema(example = json!(["Officer in post"]))]
        success: Vec<String>,
    }
    /// Record an inspection of the local area under either framework (any number of them):
    /// a 2016 full inspection or revisit, a 2023 full or monitoring inspection with its outcome.
    "add_inspection" => AddInspectionRequest for AddInspection(AddInspection) {
        /// Its id (`I2`); the next free `I<n>` if absent (the first inspection is `I1`).
        #[schema(example = "I2")]
        id: Option<String>,
        /// The framework: 2016 or 2023.
        #[schema(example = "2023")]
        framework: String,
        /// full, monitoring or revisit.
        #[schema(example = "full")]
        kind as "inspection_kind": String,
        /// Under the 2023 framework: positive, inconsistent or systemic.
        #[schema(example = "inconsistent")]
        outcome: Option<String>,
        /// Who inspected; Ofsted and CQC if absent.
        #[serde(default = "default_inspectorates")]
        #[schema(example = json!(["Ofsted", "CQC"]))]
        inspectorates: Vec<String>,
        /// First day on site.
        #[schema(example = "2023-10-02")]
        from: String,
        /// Last day on site.
        #[schema(example = "2023-10-06")]
        to: String,
        /// The day the report was published.
        #[schema(example = "2023-11-20")]
        published: String,
    }
    /// Record a finding of an inspection: weakness (2016), priority-action or improvement (2023).
    "record_finding" => RecordFindingRequest for RecordFinding(AddFinding) {
        /// Its id, as the report or the tracker writes it (`AP1`, `AFI2`).
        #[schema(example = "AP1")]
        id: String,
        /// The inspection that found it; the latest recorded if absent.
        #[schema(example = "I2")]
        inspection: Option<String>,
        /// weakness, priority-action or improvement.
        #[schema(example = "priority-action")]
        kind as "type": String,
        /// A short title.
        #[schema(example = "Timeliness of EHC plans")]
        title: String,
        /// The finding, as the report words it.
        finding: Option<String>,
    }
    /// Add a milestone to an action: what is to be in place by when.
    "add_milestone" => AddMilestoneRequest for AddMilestone(MilestoneAdded) {
        /// The action.
        #[schema(example = "2.1")]
        action: String,
        /// The milestone's id within the action.
        #[schema(example = "3m")]
        id: String,
        /// What is to be in place.
        #[schema(example = "Joint resource panel meeting monthly")]
        title: String,
        /// When: a date or words, as for an action's deadline.
        #[schema(example = "March 2024")]
        due: String,
    }
    /// Record that a milestone was met.
    "milestone_met" => MilestoneMetRequest for MeetMilestone(MilestoneMet) {
        /// The action.
        #[schema(example = "2.1")]
        action: String,
        /// The milestone.
        #[schema(example = "3m")]
        id: String,
        /// What shows it.
        note: Option<String>,
    }
    /// Record that a milestone was missed, and why.
    "milestone_missed" => MilestoneMissedRequest for MissMilestone(MilestoneMissed) {
        /// The action.
        #[schema(example = "2.1")]
        action: String,
        /// The milestone.
        #[schema(example = "6m")]
        id: String,
        /// Why it was missed.
        #[schema(example = "Two panel meetings cancelled for lack of quorum")]
        reason: String,
    }
    /// Record what families said about a weakness or finding, what was done, and the difference
    /// it made.
    "record_coproduction" => RecordCoproductionRequest for RecordCoproduction(CoproductionRecorded) {
        /// The weakness or finding it is about.
        #[schema(example = "W3")]
        about: String,
        /// What they said.
        #[schema(example = "We could not find the short breaks offer")]
        said: String,
        /// What was done.
        #[schema(example = "Rewrote the Local Offer pages with the forum")]
        did: String,
        /// The difference it made, once known.
        difference: Option<String>,
        /// Whose voice it is.
        #[schema(example = "Northshire Parent Carer Forum survey")]
        from: String,
        /// How many responded, for a survey.
        #[schema(example = 212)]
        respondents: Option<u64>,
    }
    /// Start a plan answering recorded findings: an Accelerated Progress Plan after a revisit, a
    /// priority action plan or an improvement plan after a 2023 inspection.
    "start_plan" => StartPlanRequest for StartPlan(PlanStarted) {
        /// Its id (not `WSoA`, the ledger's own statement).
        #[schema(example = "APP1")]
        id: String,
        /// wsoa, app, priority-action-plan or improvement-plan.
        #[schema(example = "app")]
        kind as "plan_kind": String,
        /// Its title.
        #[schema(example = "Accelerated Progress Plan, March 2023")]
        title: String,
        /// The findings it answers (at least one).
        #[schema(example = json!(["W2", "W4"]))]
        answers: Vec<String>,
    }
    /// Create a workstream of a plan (the latest plan started if absent; `WSoA` for the ledger's
    /// own statement).
    "add_workstream" => AddWorkstreamRequest for AddWorkstream(AddWorkstream) {
        /// The plan; the latest plan started if absent.
        #[schema(example = "APP1")]
        plan: Option<String>,
        /// Its id.
        #[schema(example = "WS5")]
        id: String,
        /// A short title.
        #[schema(example = "Timeliness of EHC plans")]
        title: String,
        /// The senior accountable sponsor.
        #[schema(example = "Director of Education")]
        sponsor: String,
        /// The findings it answers, each answered by the plan (at least one).
        #[schema(example = json!(["W2"]))]
        weaknesses: Vec<String>,
    }
    /// Create an action of a workstream of the plan named (the plan is checked; an action
    /// belongs to its workstream's plan).
    "create_action_in_plan" => CreateActionInPlanRequest for CreateActionInPlan(ActionInPlan) {
        /// The plan its workstream belongs to.
        #[schema(example = "APP1")]
        plan: String,
        /// Its id.
        #[schema(example = "5.1")]
        id: String,
        /// The workstream it belongs to.
        #[schema(example = "WS5")]
        workstream: String,
        /// What will be done.
        #[schema(example = "Weekly EHC plan panel")]
        title: String,
        /// The lead officer.
        #[schema(example = "Head of SEND")]
        owner: String,
        /// The deadline: a date or words, as for `create_action_with_deadline`.
        #[schema(example = "2023-09-30")]
        due: String,
        /// Success criteria or measures of impact; none if absent.
        #[serde(default)]
        success: Vec<String>,
    }
    /// Submit, accept or revise a plan (the latest plan started if absent).
    "step_plan" => StepPlanRequest for StepPlan(StepPlan) {
        /// The plan; the latest plan started if absent, `WSoA` for the ledger's own statement.
        #[schema(example = "APP1")]
        plan: Option<String>,
        /// submitted, accepted or revised.
        #[schema(example = "submitted")]
        step: String,
        /// What was said (required for a revision).
        summary: Option<String>,
    }
    /// Record a DfE and NHS England review of a plan: monitoring continues for some of its
    /// workstreams and ends for others.
    "review_monitoring" => ReviewMonitoringRequest for ReviewMonitoring(MonitoringReviewed) {
        /// The plan reviewed.
        #[schema(example = "APP1")]
        plan: String,
        /// Who reviewed.
        #[schema(example = "DfE and NHS England advisers")]
        by: String,
        /// Their conclusion.
        #[schema(example = "Sustained improvement in EHC plan timeliness")]
        summary: String,
        /// The workstreams whose monitoring continues; none if absent.
        #[serde(default)]
        #[schema(example = json!(["WS6"]))]
        continues: Vec<String>,
        /// The workstreams whose monitoring ends; none if absent.
        #[serde(default)]
        #[schema(example = json!(["WS5"]))]
        ended: Vec<String>,
    }
    /// Define a measure of impact with its definition, the period each value covers and a
    /// trajectory toward its target; without any of these it is recorded as `define_measure` is.
    "define_measure_with_trajectory" => DefineMeasureWithTrajectoryRequest
        for DefineMeasureWithTrajectory(DefineMeasure) {
        /// Its id.
        #[schema(example = "M1")]
        id: String,
        /// What is measured.
        #[schema(example = "EHC plans issued within 20 weeks")]
        title: String,
        /// The unit.
        #[schema(example = "%")]
        unit: String,
        /// The value before the plan, as a decimal string.
        #[schema(example = "12")]
        baseline: String,
        /// When the baseline was taken.
        #[schema(example = "2023-03-31")]
        baseline_on: String,
        /// The value aimed for, as a decimal string.
        #[schema(example = "60")]
        target: String,
        /// When it should be reached.
        #[schema(example = "2025-03-31")]
        target_by: String,
        /// higher-is-better or lower-is-better; higher-is-better if absent.
        #[serde(default = "default_direction")]
        #[schema(example = "higher-is-better")]
        better: String,
        /// The weaknesses or findings whose impact it shows (at least one).
        #[schema(example = json!(["AP1"]))]
        weaknesses: Vec<String>,
        /// How it is counted.
        #[schema(example = "New EHC plans issued in the period within 20 weeks, excluding exceptions")]
        definition: Option<String>,
        /// The period each value covers: month, quarter, year-to-date, academic-year,
        /// financial-year or calendar-year.
        #[schema(example = "quarter")]
        period: Option<String>,
        /// The trajectory as DATE=VALUE points in date order (the value may carry the
        /// measure's unit); none if absent.
        #[serde(default)]
        #[schema(example = json!(["2024-03-31=30%", "2024-09-30=45%"]))]
        trajectory: Vec<String>,
    }
    /// Set a measure's definition, period or trajectory after it was defined (a trajectory
    /// given replaces the whole trajectory).
    "amend_measure" => AmendMeasureRequest for AmendMeasure(AmendMeasure) {
        /// Which measure.
        #[schema(example = "M1")]
        id: String,
        /// The new definition, if it changes.
        definition: Option<String>,
        /// The new period, if it changes.
        #[schema(example = "quarter")]
        period: Option<String>,
        /// The new trajectory as DATE=VALUE points in date order, if it changes.
        #[schema(example = json!(["2024-03-31=30%", "2024-09-30=45%"]))]
        trajectory: Option<Vec<String>>,
    }
    /// Record that an evidence pack was sent (`wsoa pack` writes the file and records this):
    /// for what, to whom, its cut-off, the events it holds and the file's hash and size.
    "record_pack" => RecordPackRequest for RecordPack(PackSent) {
        /// What it was for.
        #[schema(example = "APP six-month review")]
        purpose as "for": String,
        /// Who it was sent to.
        #[schema(example = "DfE SEND adviser")]
        to: String,
        /// The cut-off: the ledger as known at the end of this day.
        #[schema(example = "2024-03-31")]
        as_of: String,
        /// How many events the pack holds.
        #[schema(example = 42)]
        events: u64,
        /// The chain hash of the last event it holds, as 64 hex digits.
        head: String,
        /// The pack file's name.
        #[schema(example = "pack-2024-03-31.wsoa")]
        file_name: String,
        /// BLAKE3 of the whole file, as 64 hex digits.
        file_hash: String,
        /// Its size in bytes.
        #[schema(example = 48213)]
        size: u64,
    }
}

impl CommandRequest {
    /// Reads a request from a JSON body, with the same messages as its `Deserialize`.
    pub fn from_json(body: &[u8]) -> Result<CommandRequest, WireError> {
        serde_json::from_slice(body).map_err(|err| WireError::Body(err.to_string()))
    }

    fn from_value(value: Value) -> Result<CommandRequest, String> {
        let Value::Object(mut body) = value else {
            return Err(format!(
                "a command is a JSON object with a 'kind' field, such as {{\"kind\": \"close_risk\", \"id\": \"R1\", \"reason\": \"...\"}}, not {}",
                json_type(&value)
            ));
        };
        match body.remove("kind") {
            Some(Value::String(kind)) => CommandRequest::from_object(&kind, body),
            Some(other) => Err(format!(
                "field 'kind': {} is not a kind of command: use a string, one of {}",
                json_type(&other),
                CommandRequest::KINDS.join(", ")
            )),
            None => Err(format!(
                "field 'kind' is missing: say which command this is, one of {}",
                CommandRequest::KINDS.join(", ")
            )),
        }
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Deserialised by hand rather than derived: serde's internally tagged enums buffer the body and
/// lose the field's name from type errors, and cannot refuse unknown fields together with a
/// shared field. Reading the object first keeps every message tied to its field.
impl<'de> Deserialize<'de> for CommandRequest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<CommandRequest, D::Error> {
        let value = Value::deserialize(deserializer)?;
        CommandRequest::from_value(value).map_err(de::Error::custom)
    }
}

/// Who recorded an event, in a `RecordedEvent`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, ToSchema)]
pub struct RecordedActor {
    /// The person or service, as named by their credentials.
    #[schema(example = "A. Patel")]
    pub name: String,
    /// Their role when they recorded it: viewer, auditor, officer or admin.
    #[schema(example = "officer")]
    pub role: String,
}

/// What the server returns for a recorded command: a summary for people and scripts, and the
/// event's canonical bytes, so that a client can decode the event itself, check it against
/// `hash`, and print exactly what a local append prints.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, ToSchema)]
pub struct RecordedEvent {
    /// Its position in the ledger, from 0.
    #[schema(example = 42)]
    pub seq: u64,
    /// Its chain hash, 64 lowercase hexadecimal digits.
    #[schema(example = "9f2c4be1d0a3f6e7c8b9a0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1")]
    pub hash: String,
    /// The kind of event (`action_created`).
    #[schema(example = "action_created")]
    pub kind: String,
    /// The business date on which it happened, ISO 8601.
    #[schema(example = "2021-07-15")]
    pub occurred_on: String,
    /// When the ledger recorded it: Unix time in milliseconds, UTC.
    #[schema(example = 1_626_690_123_456_i64)]
    pub recorded_at: i64,
    /// Who recorded it.
    pub actor: RecordedActor,
    /// The id of what it created or changed, if it has one (`1.1`, `version 2`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "1.1")]
    pub id: Option<String>,
    /// For attached evidence: the BLAKE3 hash of the content, 64 hexadecimal digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_hash: Option<String>,
    /// For attached evidence: the content's size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// The event's canonical bytes in lowercase hexadecimal: decode them with
    /// `wsoa_core::encoding::decode_event` and hash them with `wsoa_core::chain::chain_hash`.
    pub bytes: String,
}

impl RecordedEvent {
    /// The response for an event, its canonical bytes and its chain hash.
    pub fn new(event: &Event, bytes: &[u8], hash: Digest) -> RecordedEvent {
        let (content_hash, size) = match &event.body {
            EventBody::EvidenceAttached(evidence) => {
                (Some(evidence.content_hash.to_hex()), Some(evidence.size))
            }
            _ => (None, None),
        };
        RecordedEvent {
            seq: event.seq,
            hash: hash.to_hex(),
            kind: event.body.kind().to_owned(),
            occurred_on: event.occurred_on.to_string(),
            recorded_at: event.recorded_at,
            actor: RecordedActor {
                name: event.actor.name.clone(),
                role: event.actor.role.as_str().to_owned(),
            },
            id: recorded_id(&event.body),
            content_hash,
            size,
            bytes: hex::encode(bytes),
        }
    }

    /// The event these bytes hold and its chain hash, after checking that the bytes hash to
    /// `hash`, that they are a canonical event, and that every summary field says what the
    /// event says. A response altered on the way is refused.
    pub fn decode(&self) -> Result<(Event, Digest), WireError> {
        let bytes = hex::decode(&self.bytes).map_err(|err| WireError::NotHex(err.to_string()))?;
        let claimed: Digest = OnWire::read(self.hash.clone(), "hash")?;
        let actual = chain_hash(&bytes);
        if claimed != actual {
            return Err(WireError::HashMismatch { claimed, actual });
        }
        let event = decode_event(&bytes).map_err(WireError::Decode)?;
        let expected = RecordedEvent::new(&event, &bytes, actual);
        if let Some((field, claimed, actual)) = self.first_difference(&expected) {
            return Err(WireError::Mismatch {
                field,
                claimed,
                actual,
            });
        }
        Ok((event, actual))
    }

    /// The first summary field (other than `hash` and `bytes`, checked by value above, so a
    /// difference of hex case alone is no difference) where `self` and `other` disagree.
    fn first_difference(&self, other: &RecordedEvent) -> Option<(String, String, String)> {
        let fields = |event: &RecordedEvent| match serde_json::to_value(event) {
            Ok(Value::Object(fields)) => fields,
            _ => Map::new(),
        };
        let (mine, theirs) = (fields(self), fields(other));
        let names: BTreeSet<&String> = mine.keys().chain(theirs.keys()).collect();
        names
            .into_iter()
            .filter(|name| !matches!(name.as_str(), "hash" | "bytes"))
            .find(|name| mine.get(*name) != theirs.get(*name))
            .map(|name| {
                let shown = |value: Option<&Value>| {
                    value.map_or_else(|| "nothing".to_owned(), Value::to_string)
                };
                (name.clone(), shown(mine.get(name)), shown(theirs.get(name)))
            })
    }
}

/// The id of the thing an event created or changed, if it has one: an id (`1.1`), the subject
/// of a note (`action 1.1`), a version (`version 2`), a corrected event (`event 41`) or a
/// checkpoint's size.
pub fn recorded_id(body: &EventBody) -> Option<String> {
    Some(match body {
        EventBody::WeaknessRecorded(e) => e.id.to_string(),
        EventBody::WorkstreamCreated(e) => e.id.to_string(),
        EventBody::WorkstreamAmended(e) => e.id.to_string(),
        EventBody::ActionCreated(e) => e.id.to_string(),
        EventBody::ActionAmended(e) => e.id.to_string(),
        EventBody::ActionCreatedWithDeadline(e) => e.id.to_string(),
        EventBody::ActionAmendedWithDeadline(e) => e.id.to_string(),
        EventBody::ActionStatusChanged(e) => e.id.to_string(),
        EventBody::EvidenceAttached(e) => e.id.to_string(),
        EventBody::EvidenceRedacted(e) => e.id.to_string(),
        EventBody::MeasureDefined(e) => e.id.to_string(),
        EventBody::MeasureRecorded(e) => e.id.to_string(),
        EventBody::RiskRaised(e) => e.id.to_string(),
        EventBody::RiskUpdated(e) => e.id.to_string(),
        EventBody::RiskClosed(e) => e.id.to_string(),
        EventBody::NoteAdded(e) => e.about.to_string(),
        EventBody::PlanSubmitted(e) => format!("version {}", e.version),
        EventBody::PlanAccepted(e) => format!("version {}", e.version),
        EventBody::PlanRevised(e) => format!("version {}", e.version),
        EventBody::CorrectionRecorded(e) => format!("event {}", e.seq),
        EventBody::CheckpointRecorded(e) => format!("checkpoint of {} events", e.size),
        _ => return None,
    })
}

/// The events a batch appended (`POST /api/v1/commands/batch`).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RecordedBatch {
    /// One per command, in order.
    pub events: Vec<RecordedEvent>,
}
