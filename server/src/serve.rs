//! Serving: the accept loop (with a cap on connections and a header read timeout, which
//! `axum::serve` does not offer), graceful shutdown, and `run`, which owns the writer thread
//! and the ledger for the server's life.

use std::future::Future;
use std::sync::Arc;

use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use wsoa_store::Ledger;

use crate::api::app;
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
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let (stop_sender, stop) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let permit = tokio::select! {
            () = &mut shutdown => break,
            permit = permits.clone().acquire_owned() => permit.map_err(std::io::Error::other)?,
        };
        let (stream, remote) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors and the like: log, pause, and go on serving.
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        let mut stop = stop.clone();
        let header_timeout = limits.header_read_timeout;
        connections.spawn(async move {
            let _permit = permit;
            let mut builder = Builder::new(TokioExecutor::new());
            builder
                .http1()
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout);
            let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(err) = result {
                        tracing::debug!(%remote, error = %err, "connection ended");
                    }
                }
                _ = stop.changed() => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
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
        .map_err(|err| wsoa_store::StoreError::Damaged(format!("the writer task failed: {err}")))?
        .map_err(|_| wsoa_store::StoreError::Damaged("the writer thread panicked".into()))?;
    ledger.withdraw_server()?;
    drop(ledger);
    served.map_err(wsoa_store::StoreError::io("the server failed"))
}
