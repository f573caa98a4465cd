//! The writer: one thread that owns the `Ledger` and performs every write, so that appends are
//! serialised without a lock. Handlers send it jobs over a channel and await the answer.
//!
//! Group commit: when the writer takes a command, it also takes every command already waiting
//! (up to a limit), decides them in order, and appends all the accepted ones in one sled
//! transaction and one flush, then answers each. Under load, many requests share one flush,
//! which is what makes durable appends fast. A command the rules refuse is answered with its
//! rejection and appends nothing, without affecting the others in its group.
//!
//! The writer is a plain thread, not a tokio task, because everything it does blocks (sled,
//! fsync); it never runs on an async worker.

use std::collections::HashMap;
use std::fs::File;
use std::sync::mpsc;

use tokio::sync::oneshot;
use wsoa_core::command::AttachEvidence;
use wsoa_core::{Rejection, Role};
use wsoa_store::{Appended, Context, IdempotencyKey, Ledger, StoreError, Submission, TokenRecord};

/// The most commands appended in one transaction.
pub const MAX_GROUP: usize = 256;

/// What a submitted command came to.
#[derive(Debug)]
pub enum Outcome {
    /// Appended now as this event.
    Appended(u64),
    /// Appended earlier under the same idempotency key, as this event; nothing was appended now.
    Replayed(u64),
}

/// The answer to a submission.
pub type SubmitResult = Result<Outcome, SubmitError>;

/// What a submitted command came to, with the event when it was appended now.
#[derive(Debug)]
pub enum Recorded {
    /// Appended now: the sealed event, handed back as it was written (never read back).
    Appended(Box<Appended>),
    /// Appended earlier under the same idempotency key, as this event; nothing was appended now.
    Replayed(u64),
}

/// The answer to a [`Job::Record`].
pub type RecordResult = Result<Recorded, SubmitError>;

/// Why a submission appended nothing.
#[derive(Debug)]
pub enum SubmitError {
    /// The rules refused it.
    Rejected(Rejection),
    /// The store refused it or failed.
    Store(StoreError),
}

/// Work for the writer.
pub enum Job {
    /// Decide and append a command (grouped with others waiting).
    Submit {
        /// The command, its context and idempotency key.
        submission: Submission,
        /// Where the answer goes.
        reply: oneshot::Sender<SubmitResult>,
    },
    /// As `Submit`, answered with the appended event itself, so that the response needs no
    /// read of the ledger.
    Record {
        /// The command, its context and idempotency key.
        submission: Submission,
        /// Where the answer goes.
        reply: oneshot::Sender<RecordResult>,
    },
    /// Decide and append several commands all together, or none of them (`execute_all`).
    SubmitAll {
        /// The commands with their contexts, in order.
        items: Vec<(wsoa_core::Command, Context)>,
        /// Where the answer goes: the appended events, or the first refusal and its position.
        reply: oneshot::Sender<Result<Vec<Appended>, (usize, StoreError)>>,
    },
    /// Store an uploaded file and append the `EvidenceAttached` event for it.
    Attach {
        /// The uploaded content (a temporary file, removed when dropped).
        file: File,
        /// What to attach it as.
        command: AttachEvidence,
        /// Who and when.
        context: Context,
        /// Where the answer goes.
        reply: oneshot::Sender<Result<Appended, StoreError>>,
    },
    /// Store an uploaded monitoring visit letter and append, in one transaction, its
    /// `EvidenceAttached` event and the visit whose letter it is.
    AttachLetter {
        /// The uploaded letter (a temporary file, removed when dropped).
        file: File,
        /// What to attach it as.
        command: AttachEvidence,
        /// The visit, its letter filled in with the evidence's id.
        visit: wsoa_core::event::MonitoringVisitFeedback,
        /// The form's idempotency key, remembered with the visit.
        idempotency: Option<wsoa_store::IdempotencyKey>,
        /// Who and when.
        context: Context,
        /// Where the answer goes: the two events, or the visit recorded earlier with the key.
        reply: oneshot::Sender<Result<wsoa_store::AttachedThen, StoreError>>,
    },
    /// Redact a piece of evidence: append the event and purge its content.
    Redact {
        /// What to redact and why.
        redaction: wsoa_core::event::EvidenceRedacted,
        /// Who and when.
        context: Context,
        /// Where the answer goes.
        reply: oneshot::Sender<Result<Appended, StoreError>>,
    },
    /// Record a signed checkpoint of this ledger in it.
    RecordCheckpoint {
        /// The signed note.
        note: String,
        /// Who and when.
        context: Context,
        /// Where the answer goes.
        reply: oneshot::Sender<Result<Appended, StoreError>>,
    },
    /// Keep a signed checkpoint (not an event).
    KeepCheckpoint {
        /// Its tree size.
        size: u64,
        /// The signed note.
        note: String,
        /// Where the answer goes.
        reply: oneshot::Sender<Result<(), StoreError>>,
    },
    /// Create an access token.
    CreateToken {
        /// Its holder's name.
        name: String,
        /// Its role.
        role: Role,
        /// Now, Unix milliseconds.
        now: i64,
        /// Where the answer goes: the secret and the record.
        reply: oneshot::Sender<Result<(String, TokenRecord), StoreError>>,
    },
    /// Revoke an access token.
    RevokeToken {
        /// Its name or id.
        name_or_id: String,
        /// Now, Unix milliseconds.
        now: i64,
        /// Where the answer goes.
        reply: oneshot::Sender<Result<TokenRecord, StoreError>>,
    },
}

/// Runs the writer until every sender is dropped, then flushes and returns the ledger (so that
/// the caller decides when the directory's lock is released).
pub fn run(mut ledger: Ledger, jobs: mpsc::Receiver<Job>) -> Ledger {
    let mut pending: Option<Job> = None;
    loop {
        let job = match pending.take() {
            Some(job) => job,
            None => match jobs.recv() {
                Ok(job) => job,
                Err(mpsc::RecvError) => break,
            },
        };
        match job {
            Job::Submit { submission, reply } => {
                pending = group(&mut ledger, &jobs, (submission, Reply::Seq(reply)));
            }
            Job::Record { submission, reply } => {
                pending = group(&mut ledger, &jobs, (submission, Reply::Event(reply)));
            }
            Job::SubmitAll { items, reply } => {
                let missing = items.iter().enumerate().find_map(|(index, (command, _))| {
                    missing_content(&ledger, command).map(|err| (index, err))
                });
                let _ = reply.send(match missing {
                    Some(refusal) => Err(refusal),
                    None => ledger.execute_all(items),
                });
            }
            Job::Attach {
                file,
                command,
                context,
                reply,
            } => {
                let _ = reply.send(ledger.attach_evidence(file, command, &context));
            }
            Job::AttachLetter {
                file,
                command,
                visit,
                idempotency,
                context,
                reply,
            } => {
                let then = |id| {
                    wsoa_core::Command::RecordVisit(wsoa_core::event::MonitoringVisitFeedback {
                        letter: Some(id),
                        ..visit
                    })
                };
                let _ = reply.send(ledger.attach_evidence_then(
                    file,
                    command,
                    then,
                    idempotency,
                    &context,
                ));
            }
            Job::Redact {
                redaction,
                context,
                reply,
            } => {
                let _ = reply.send(ledger.redact_evidence(redaction, &context));
            }
            Job::RecordCheckpoint {
                note,
                context,
                reply,
            } => {
                let _ = reply.send(ledger.record_checkpoint(&note, &context));
            }
            Job::KeepCheckpoint { size, note, reply } => {
                let _ = reply.send(ledger.keep_checkpoint(size, &note));
            }
            Job::CreateToken {
                name,
                role,
                now,
                reply,
            } => {
                let _ = reply.send(ledger.create_token(&name, role, now));
            }
            Job::RevokeToken {
                name_or_id,
                now,
                reply,
            } => {
                let _ = reply.send(ledger.revoke_token(&name_or_id, now));
            }
        }
    }
    ledger
}

/// Where a submission's answer goes.
enum Reply {
    /// The event's seq only (`Job::Submit`).
    Seq(oneshot::Sender<SubmitResult>),
    /// The event itself (`Job::Record`).
    Event(oneshot::Sender<RecordResult>),
}

impl Reply {
    fn send(self, answer: RecordResult) {
        match self {
            Reply::Seq(reply) => {
                let _ = reply.send(answer.map(|recorded| match recorded {
                    Recorded::Appended(appended) => Outcome::Appended(appended.event.seq),
                    Recorded::Replayed(seq) => Outcome::Replayed(seq),
                }));
            }
            Reply::Event(reply) => {
                let _ = reply.send(answer);
            }
        }
    }
}

/// Takes `first` and every submission already waiting (up to [`MAX_GROUP`]) and commits them
/// as one group; returns the job that ended the group, if it was of another kind.
fn group(
    ledger: &mut Ledger,
    jobs: &mpsc::Receiver<Job>,
    first: (Submission, Reply),
) -> Option<Job> {
    let mut group = vec![first];
    let mut pending = None;
    while group.len() < MAX_GROUP {
        match jobs.try_recv() {
            Ok(Job::Submit { submission, reply }) => group.push((submission, Reply::Seq(reply))),
            Ok(Job::Record { submission, reply }) => {
                group.push((submission, Reply::Event(reply)));
            }
            Ok(other) => {
                pending = Some(other);
                break;
            }
            Err(_) => break,
        }
    }
    commit_group(ledger, group);
    pending
}

/// Decides and appends a group of submissions in one transaction and one flush. Submissions
/// whose idempotency key was already used are answered from the ledger (or from an earlier
/// submission in the same group) and append nothing.
fn commit_group(ledger: &mut Ledger, group: Vec<(Submission, Reply)>) {
    let mut to_append = Vec::with_capacity(group.len());
    let mut replies = Vec::with_capacity(group.len());
    // Where each submission's answer comes from.
    enum Source {
        Own(usize),
        SameKeyAs(usize),
        Ready(RecordResult),
    }
    let mut keys_in_group: HashMap<Vec<u8>, (usize, IdempotencyKey)> = HashMap::new();
    for (submission, reply) in group {
        if let Some(err) = missing_content(ledger, &submission.command) {
            replies.push((Source::Ready(Err(SubmitError::Store(err))), reply));
            continue;
        }
        let source = match &submission.idempotency {
            Some(key) => match ledger.idempotent(key) {
                Ok(Some(seq)) => Source::Ready(Ok(Recorded::Replayed(seq))),
                Err(err) => Source::Ready(Err(SubmitError::Store(err))),
                Ok(None) => match keys_in_group.get(&key.key) {
                    Some((index, first)) if first.request == key.request => {
                        Source::SameKeyAs(*index)
                    }
                    Some(_) => {
                        Source::Ready(Err(SubmitError::Store(StoreError::IdempotencyKeyReused)))
                    }
                    None => {
                        keys_in_group.insert(key.key.clone(), (to_append.len(), key.clone()));
                        to_append.push(submission);
                        Source::Own(to_append.len() - 1)
                    }
                },
            },
            None => {
                to_append.push(submission);
                Source::Own(to_append.len() - 1)
            }
        };
        replies.push((source, reply));
    }
    let results: Result<Vec<Result<Appended, Rejection>>, StoreError> = if to_append.is_empty() {
        Ok(Vec::new())
    } else {
        ledger.submit_each(to_append)
    };
    for (source, reply) in replies {
        let answer = match source {
            Source::Ready(answer) => answer,
            Source::Own(index) => own_answer(&results, index, false),
            Source::SameKeyAs(index) => own_answer(&results, index, true),
        };
        reply.send(answer);
    }
}

/// Why `command` cannot be appended because it names evidence content that is not stored
/// (never uploaded, or redacted): the client's mistake, answered on its own, never a failure
/// of the whole group. The store refuses it too, but for the whole transaction at once.
fn missing_content(ledger: &Ledger, command: &wsoa_core::Command) -> Option<StoreError> {
    match command {
        wsoa_core::Command::AttachEvidence(attach) => match ledger.has_blob(&attach.content_hash) {
            Ok(true) => None,
            Ok(false) => Some(StoreError::BlobMissing(attach.content_hash)),
            Err(err) => Some(err),
        },
        _ => None,
    }
}

fn own_answer(
    results: &Result<Vec<Result<Appended, Rejection>>, StoreError>,
    index: usize,
    replay: bool,
) -> RecordResult {
    match results {
        Ok(results) => match results.get(index) {
            Some(Ok(appended)) if replay => Ok(Recorded::Replayed(appended.event.seq)),
            Some(Ok(appended)) => Ok(Recorded::Appended(Box::new(appended.clone()))),
            Some(Err(rejection)) => Err(SubmitError::Rejected(rejection.clone())),
            None => Err(SubmitError::Store(StoreError::NotRecorded(
                "the writer lost a command's result".into(),
            ))),
        },
        // The whole group failed to be written; each request gets the same failure, as itself
        // (a full disk is a full disk, not damage).
        Err(err) => Err(SubmitError::Store(err.again())),
    }
}
