//! Serving: the accept loop (with limits on connections, a header read timeout that also
//! closes connections that send nothing, and a cap on the size of request heads, which
//! `axum::serve` does not offer), graceful shutdown, and `run`, which owns the writer thread
//! and the ledger for the server's life.
//!
//! Connections are served with hyper's HTTP/1 connection directly rather than hyper-util's
//! auto (HTTP/1 or HTTP/2) builder: that builder first reads the connection's opening bytes to
//! tell the versions apart, with no timeout, so a connection that never sent a byte was held
//! for ever; hyper's own header read timeout starts as soon as the connection is served, before
//! any byte arrives. Only HTTP/1 is compiled in.

use std::convert::Infallible;
use std::future::Future;

use axum::extract::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt as _;
use wsoa_store::Ledger;

use crate::api::app;
use crate::connections::{Connections, InFlight, Requests};
use crate::state::{AppState, Limits};
use crate::writer;

/// Serves `state` on `listener` until `shutdown` completes; then stops accepting, lets the
/// requests in flight finish (up to the grace period), and returns.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = state.limits().clone();
    let router = app(state.clone());
    let open = Connections::new(limits.max_connections, limits.max_connections_per_address);
    let (stop_sender, stop) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    let mut connections = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            () = open.wait_for_room() => {}
        }
        let (stream, remote) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors and the like: give up an idle connection if there
                    // is one (its descriptor is freed as its task ends), else pause; either way
                    // go on serving.
                    tracing::warn!(error = %err, "accept failed");
                    if !open.evict_one_idle() {
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    } else {
                        tokio::task::yield_now().await;
                    }
                    continue;
                }
            },
        };
        let ticket = match open.admit(remote.ip().to_canonical()) {
            Ok(ticket) => ticket,
            Err(refused) => {
                // Dropping the stream closes it: every connection that could make room is
                // answering a request.
                tracing::warn!(%remote, reason = ?refused, "connection refused: no room");
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let requests = ticket.requests();
        let router = router.clone();
        let service = hyper::service::service_fn(move |request: Request<Incoming>| {
            // Marked as answering a request from the moment hyper hands it over, before the
            // answer's future is first polled.
            serve_request(router.clone(), requests.begin(), request)
        });
        let mut stop = stop.clone();
        let header_timeout = limits.header_read_timeout;
        let max_header_bytes = limits.max_header_bytes;
        connections.spawn(async move {
            let mut builder = http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .max_header_size(max_header_bytes);
            let connection = builder.serve_connection(TokioIo::new(stream), service);
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(err) = result {
                        tracing::debug!(%remote, error = %err, "connection ended");
                    }
                }
                _ = stop.changed() => {
                    if !ticket.never_served() {
                        connection.as_mut().graceful_shutdown();
                        let _ = connection.await;
                    }
                }
                () = ticket.evicted() => {
                    // Idle when chosen. Nothing was ever answered on it: drop it (hyper would
                    // otherwise wait for a request head). Else hyper closes it at once between
                    // requests, or after the one a race let in.
                    tracing::debug!(%remote, "idle connection closed to make room");
                    if !ticket.never_served() {
                        connection.as_mut().graceful_shutdown();
                        let _ = connection.await;
                    }
                }
            }
            drop(ticket);
        });
        // Reap finished connections so the set does not grow.
        while connections.try_join_next().is_some() {}
    }
    tracing::info!("shutting down: no new connections; finishing requests in flight");
    state.stop_accepting();
    let _ = stop_sender.send(true);
    let drained = tokio::time::timeout(limits.shutdown_grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            "requests still in flight after {:?}; stopping them",
            limits.shutdown_grace
        );
        connections.abort_all();
    }
    Ok(())
}

/// Answers one request with the router, keeping the connection marked as answering a
/// request (`in_flight`) until the response body has been sent.
async fn serve_request(
    router: axum::Router,
    in_flight: InFlight,
    request: Request<Incoming>,
) -> Result<axum::response::Response, Infallible> {
    let response = match router.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    Ok(response.map(|body| Requests::hold(body, in_flight)))
}

/// Runs a server on an open ledger (the caller opened it, and so holds its lock from before the
/// server announces itself until after it stops): starts the writer thread, serves until
/// `shutdown`, then stops the writer (which finishes the appends it has), flushes, and releases
/// the lock.
pub async fn run(
    ledger: Ledger,
    listener: TcpListener,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), wsoa_store::StoreError> {
    let url = format!(
        "http://{}",
        listener.local_addr().map_err(wsoa_store::StoreError::io(
            "cannot read the listening address"
        ))?
    );
    ledger.announce_server(&url)?;
    let reader = ledger.reader();
    let (jobs, receiver) = std::sync::mpsc::channel();
    let writer = std::thread::Builder::new()
        .name("wsoa-writer".into())
        .spawn(move || writer::run(ledger, receiver))
        .map_err(wsoa_store::StoreError::io("cannot start the writer thread"))?;
    let secure_cookies = limits.secure_cookies;
    let state = AppState::new(reader, jobs, limits);
    if secure_cookies {
        state.web().set_secure_cookies(true);
    }
    let served = serve(listener, state, shutdown).await;
    // Every handler's state (and with it the last sender) is gone once serving returns, so
    // the writer finishes what it has and hands the ledger back.
    let ledger = tokio::task::spawn_blocking(move || writer.join())
        .await
        .map_err(|err| wsoa_store::StoreError::Internal(format!("the writer task failed: {err}")))?
        .map_err(|_| wsoa_store::StoreError::Internal("the writer thread panicked".into()))?;
    ledger.withdraw_server()?;
    drop(ledger);
    served.map_err(wsoa_store::StoreError::io("the server failed"))
}
