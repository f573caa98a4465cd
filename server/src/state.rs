//! The server's shared state: a read handle on the ledger, the channel to the writer, the
//! limits, the web pages' sessions, and the clock. Cloned into every handler (it is a few
//! reference counts).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::oneshot;
use wsoa_core::{Actor, Date};
use wsoa_store::{Context, Reader};

use crate::error::ApiError;
use crate::writer::Job;

/// Limits the server enforces; see `wsoa serve --help` for the defaults.
#[derive(Clone, Debug)]
pub struct Limits {
    /// The largest JSON request body, in bytes.
    pub max_body_bytes: usize,
    /// The largest evidence upload, in bytes.
    pub max_upload_bytes: u64,
    /// How long a client may take to send a request's headers (slowloris protection).
    pub header_read_timeout: Duration,
    /// How long one request may take, end to end.
    pub request_timeout: Duration,
    /// The most connections held at once. At the cap, a new connection takes the place of an
    /// idle one (one that is not answering a request), from the address holding the most; while
    /// none is idle, more wait to be accepted.
    pub max_connections: usize,
    /// The most connections held at once from one IP address; beyond it, a new one takes the
    /// place of that address's longest-idle connection, or is refused if none is idle.
    pub max_connections_per_address: usize,
    /// The largest request head (request line and headers), in bytes; a larger one is answered
    /// 431 and the connection closed.
    pub max_header_bytes: usize,
    /// How long shutdown waits for requests in flight before it stops anyway.
    pub shutdown_grace: Duration,
    /// Mark session cookies `Secure` on every response, for a server reached only over TLS
    /// through a proxy that does not send `X-Forwarded-Proto: https`.
    pub secure_cookies: bool,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body_bytes: 1024 * 1024,
            max_upload_bytes: 100 * 1024 * 1024,
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(120),
            max_connections: 1024,
            max_connections_per_address: 256,
            max_header_bytes: 16 * 1024,
            shutdown_grace: Duration::from_secs(10),
            secure_cookies: false,
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    reader: Reader,
    jobs: std::sync::mpsc::Sender<Job>,
    limits: Limits,
    ready: AtomicBool,
    /// Permits for folds over the whole ledger, one per core: more at once would only share the
    /// cores among themselves and starve the writer (and the quick reads) of CPU.
    folds: tokio::sync::Semaphore,
    web: crate::web::WebState,
}

impl AppState {
    /// State over a ledger whose writer receives `jobs`.
    pub fn new(reader: Reader, jobs: std::sync::mpsc::Sender<Job>, limits: Limits) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                reader,
                jobs,
                limits,
                ready: AtomicBool::new(true),
                folds: tokio::sync::Semaphore::new(
                    std::thread::available_parallelism().map_or(1, usize::from),
                ),
                web: crate::web::WebState::default(),
            }),
        }
    }

    /// The read handle.
    pub fn reader(&self) -> &Reader {
        &self.inner.reader
    }

    /// The limits.
    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    /// What the web pages keep: sessions, the last verification, the cookie settings.
    pub fn web(&self) -> &crate::web::WebState {
        &self.inner.web
    }

    /// Whether the server takes new work (false once shutdown has begun).
    pub fn is_ready(&self) -> bool {
        self.inner.ready.load(Ordering::SeqCst)
    }

    /// Marks the server as shutting down: `/readyz` fails and writes are refused with 503.
    pub fn stop_accepting(&self) {
        self.inner.ready.store(false, Ordering::SeqCst);
    }

    /// Runs blocking read work (sled) on the blocking pool, never on an async worker.
    pub async fn read<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Reader) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let reader = self.inner.reader.clone();
        tokio::task::spawn_blocking(move || work(&reader)).await?
    }

    /// Runs read work that folds over the ledger (a plan, a timeline, a narrative, a full
    /// verification) on the blocking pool, at most one per core at a time; quick lookups (a
    /// token, an event, a proof) use [`AppState::read`] and never queue behind these.
    pub async fn fold<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Reader) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self
            .inner
            .folds
            .acquire()
            .await
            .map_err(|_| ApiError::unavailable("the server is shutting down"))?;
        self.read(work).await
    }

    /// Sends a job to the writer and waits for its answer.
    pub async fn write<T>(
        &self,
        job: impl FnOnce(oneshot::Sender<T>) -> Job,
    ) -> Result<T, ApiError> {
        if !self.is_ready() {
            return Err(ApiError::unavailable(
                "the server is shutting down and takes no new changes; retry against it once it is back",
            ));
        }
        let (reply, answer) = oneshot::channel();
        self.inner
            .jobs
            .send(job(reply))
            .map_err(|_| ApiError::internal("the writer has stopped"))?;
        answer
            .await
            .map_err(|_| ApiError::internal("the writer dropped a job without answering"))
    }
}

/// The recording context for a request: the token's holder as the actor, the business date
/// given (or today in the UK), and the clock.
pub fn context(actor: Actor, on: Option<Date>) -> Result<Context, ApiError> {
    let recorded_at = now_millis()?;
    let today = Date::uk_from_unix_millis(recorded_at)
        .ok_or_else(|| ApiError::internal("the clock is outside the supported years"))?;
    Ok(Context {
        actor,
        occurred_on: on.unwrap_or(today),
        recorded_at,
    })
}

/// Now, in Unix milliseconds.
pub fn now_millis() -> Result<i64, ApiError> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(ApiError::internal)?;
    i64::try_from(now.as_millis()).map_err(ApiError::internal)
}

/// Today in the UK by the clock.
pub fn today() -> Result<Date, ApiError> {
    Date::uk_from_unix_millis(now_millis()?)
        .ok_or_else(|| ApiError::internal("the clock is outside the supported years"))
}
