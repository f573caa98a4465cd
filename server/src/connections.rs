//! The connections the server holds, and who keeps one when they run short.
//!
//! A connection is *idle* while no request is being answered on it: it has not yet sent a
//! complete request head (a fresh connection, or a kept-alive one waiting for its next request).
//! Idle connections cost the server nothing but a slot, so they are the ones given up when slots
//! run short:
//!
//! - at most `max_per_address` connections from one IP address: a new one beyond that takes the
//!   place of that address's longest-idle connection, and is refused (closed at once) if every
//!   connection of that address is answering a request;
//! - at most `max_total` connections in all: a new one beyond that takes the place of the
//!   longest-idle connection of the address holding the most connections (so that a client
//!   holding many idle sockets pays for them, not everyone else); while none is idle, the accept
//!   loop waits for one to end or fall idle.
//!
//! Closing an idle connection loses nothing: a connection on which nothing was ever answered is
//! dropped; one that has answered requests is shut down gracefully (hyper closes it at once when
//! it is between requests, and otherwise after the request in flight). A request is in flight
//! from the moment hyper hands it to the service until its response body has been sent.
//!
//! Together with the header read timeout (a connection that has not sent a complete request
//! head within it is closed), this means idle sockets, from one address or many, cannot keep
//! a request that is actually sent (such as `/healthz`) from being answered.

use std::collections::HashMap;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use hyper::body::{Frame, SizeHint};
use tokio::sync::Notify;

/// The connections open now, with the limits on them.
pub struct Connections {
    table: Mutex<Table>,
    /// Notified whenever a connection ends or falls idle: the accept loop may have room again.
    room: Notify,
    max_total: usize,
    max_per_address: usize,
}

#[derive(Default)]
struct Table {
    /// Ids, and the ticks that order connections by when they fell idle.
    tick: u64,
    open: HashMap<u64, Entry>,
}

struct Entry {
    address: IpAddr,
    /// Requests handed to the service whose responses have not been sent in full.
    in_flight: usize,
    /// Requests handed to the service so far.
    served: u64,
    /// The tick at which it was opened or last fell idle.
    idle_since: u64,
    /// Chosen to make room: no longer counted against the limits.
    evicted: bool,
    close: Arc<Notify>,
}

impl Entry {
    fn is_idle(&self) -> bool {
        !self.evicted && self.in_flight == 0
    }
}

impl Table {
    fn next_tick(&mut self) -> u64 {
        self.tick += 1;
        self.tick
    }

    fn counted(&self) -> impl Iterator<Item = &Entry> {
        self.open.values().filter(|entry| !entry.evicted)
    }

    fn count(&self) -> usize {
        self.counted().count()
    }

    fn count_from(&self, address: IpAddr) -> usize {
        self.counted()
            .filter(|entry| entry.address == address)
            .count()
    }

    fn any_idle(&self) -> bool {
        self.open.values().any(Entry::is_idle)
    }

    /// The longest-idle connection from `address`.
    fn idle_victim_from(&self, address: IpAddr) -> Option<u64> {
        self.open
            .iter()
            .filter(|(_, entry)| entry.is_idle() && entry.address == address)
            .min_by_key(|(_, entry)| entry.idle_since)
            .map(|(id, _)| *id)
    }

    /// The longest-idle connection of the address holding the most connections among those
    /// with an idle one.
    fn idle_victim(&self) -> Option<u64> {
        let mut per_address: HashMap<IpAddr, usize> = HashMap::new();
        for entry in self.counted() {
            *per_address.entry(entry.address).or_default() += 1;
        }
        self.open
            .iter()
            .filter(|(_, entry)| entry.is_idle())
            .max_by_key(|(_, entry)| {
                (
                    per_address.get(&entry.address).copied().unwrap_or(0),
                    std::cmp::Reverse(entry.idle_since),
                )
            })
            .map(|(id, _)| *id)
    }

    fn evict(&mut self, id: u64) {
        if let Some(entry) = self.open.get_mut(&id) {
            entry.evicted = true;
            entry.close.notify_one();
        }
    }
}

/// Why a new connection was not admitted.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Every connection from its address is answering a request.
    AddressBusy,
    /// Every connection is answering a request.
    Full,
}

impl Connections {
    /// No connections yet; at most `max_total` in all and `max_per_address` from one address
    /// (each at least 1).
    pub fn new(max_total: usize, max_per_address: usize) -> Arc<Connections> {
        Arc::new(Connections {
            table: Mutex::new(Table::default()),
            room: Notify::new(),
            max_total: max_total.max(1),
            max_per_address: max_per_address.max(1),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Table> {
        self.table
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// How many connections count against the limits now.
    pub fn open(&self) -> usize {
        self.lock().count()
    }

    /// Waits until a new connection could be admitted: fewer than the cap are open, or one of
    /// them is idle (and so can make room).
    pub async fn wait_for_room(&self) {
        loop {
            let notified = self.room.notified();
            {
                let table = self.lock();
                if table.count() < self.max_total || table.any_idle() {
                    return;
                }
            }
            notified.await;
        }
    }

    /// Admits a connection from `address`, closing an idle one to make room if a limit is
    /// reached; refuses it if no connection that would make room is idle.
    pub fn admit(self: &Arc<Connections>, address: IpAddr) -> Result<Ticket, Refused> {
        let mut table = self.lock();
        if table.count_from(address) >= self.max_per_address {
            let victim = table
                .idle_victim_from(address)
                .ok_or(Refused::AddressBusy)?;
            table.evict(victim);
        }
        if table.count() >= self.max_total {
            let victim = table.idle_victim().ok_or(Refused::Full)?;
            table.evict(victim);
        }
        let id = table.next_tick();
        let close = Arc::new(Notify::new());
        table.open.insert(
            id,
            Entry {
                address,
                in_flight: 0,
                served: 0,
                idle_since: id,
                evicted: false,
                close: close.clone(),
            },
        );
        Ok(Ticket {
            id,
            connections: self.clone(),
            close,
        })
    }

    /// Closes the longest-idle connection of the address holding the most (when the process is
    /// out of file descriptors, say); false if none is idle.
    pub fn evict_one_idle(&self) -> bool {
        let mut table = self.lock();
        match table.idle_victim() {
            Some(victim) => {
                table.evict(victim);
                true
            }
            None => false,
        }
    }

    fn begin(self: &Arc<Connections>, id: u64) -> InFlight {
        if let Some(entry) = self.lock().open.get_mut(&id) {
            entry.in_flight += 1;
            entry.served += 1;
        }
        InFlight {
            id,
            connections: self.clone(),
        }
    }
}

/// A connection's place among the open ones; gives it up when dropped.
pub struct Ticket {
    id: u64,
    connections: Arc<Connections>,
    close: Arc<Notify>,
}

impl Ticket {
    /// A handle that marks requests in flight on this connection.
    pub fn requests(&self) -> Requests {
        Requests {
            id: self.id,
            connections: self.connections.clone(),
        }
    }

    /// Completes when the connection has been chosen to make room for another.
    pub async fn evicted(&self) {
        self.close.notified().await;
    }

    /// Whether nothing was ever handed to the service on this connection, so that dropping it
    /// loses nothing (whatever it has sent is not a complete request head).
    pub fn never_served(&self) -> bool {
        self.connections
            .lock()
            .open
            .get(&self.id)
            .is_none_or(|entry| entry.served == 0 && entry.in_flight == 0)
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.connections.lock().open.remove(&self.id);
        self.connections.room.notify_one();
    }
}

/// Marks requests in flight on one connection (cloned into its service).
#[derive(Clone)]
pub struct Requests {
    id: u64,
    connections: Arc<Connections>,
}

impl Requests {
    /// A request is being answered until the returned guard is dropped.
    pub fn begin(&self) -> InFlight {
        self.connections.begin(self.id)
    }

    /// `body`, holding `guard` until it has been sent in full (or dropped), without changing
    /// its size (so `Content-Length` is kept).
    pub fn hold(body: Body, guard: InFlight) -> Body {
        Body::new(Tracked {
            body,
            _guard: guard,
        })
    }
}

/// A request in flight; falls idle when dropped.
pub struct InFlight {
    id: u64,
    connections: Arc<Connections>,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        {
            let mut table = self.connections.lock();
            let tick = table.next_tick();
            if let Some(entry) = table.open.get_mut(&self.id) {
                entry.in_flight = entry.in_flight.saturating_sub(1);
                if entry.in_flight == 0 {
                    entry.idle_since = tick;
                }
            }
        }
        self.connections.room.notify_one();
    }
}

/// A response body that keeps its request in flight until it is done.
struct Tracked {
    body: Body,
    _guard: InFlight,
}

impl hyper::body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([10, 0, 0, last])
    }

    fn evicted(connections: &Connections, ticket: &Ticket) -> bool {
        connections.lock().open[&ticket.id].evicted
    }

    #[test]
    fn one_address_at_its_limit_gives_up_its_longest_idle_connection() {
        let connections = Connections::new(100, 3);
        let first = connections.admit(ip(1)).expect("admitted");
        let second = connections.admit(ip(1)).expect("admitted");
        let third = connections.admit(ip(1)).expect("admitted");
        let newest = connections
            .admit(ip(1))
            .expect("admitted in place of an idle one");
        assert!(evicted(&connections, &first));
        assert!(!evicted(&connections, &second));
        assert!(!evicted(&connections, &third));
        assert!(!evicted(&connections, &newest));
        assert_eq!(connections.open(), 3);
    }

    #[test]
    fn a_connection_answering_a_request_is_never_given_up() {
        let connections = Connections::new(100, 2);
        let first = connections.admit(ip(1)).expect("admitted");
        let second = connections.admit(ip(1)).expect("admitted");
        let _busy_first = first.requests().begin();
        let _busy_second = second.requests().begin();
        assert_eq!(connections.admit(ip(1)).err(), Some(Refused::AddressBusy));
        // Another address is not affected.
        assert!(connections.admit(ip(2)).is_ok());
        assert!(!evicted(&connections, &first));
        assert!(!first.never_served());
    }

    #[test]
    fn a_connection_that_finished_a_request_is_idle_again_and_newest() {
        let connections = Connections::new(100, 2);
        let first = connections.admit(ip(1)).expect("admitted");
        let second = connections.admit(ip(1)).expect("admitted");
        drop(first.requests().begin());
        // `first` fell idle after `second` opened, so `second` has been idle longest.
        let _third = connections.admit(ip(1)).expect("admitted");
        assert!(!evicted(&connections, &first));
        assert!(evicted(&connections, &second));
    }

    #[test]
    fn at_the_cap_the_address_holding_the_most_gives_up_a_connection() {
        let connections = Connections::new(4, 10);
        let lone = connections.admit(ip(1)).expect("admitted");
        let flood: Vec<Ticket> = (0..3)
            .map(|_| connections.admit(ip(2)).expect("admitted"))
            .collect();
        let _newcomer = connections.admit(ip(3)).expect("admitted at the cap");
        assert!(!evicted(&connections, &lone), "the lone connection is kept");
        assert!(evicted(&connections, &flood[0]), "the flood's oldest goes");
        assert_eq!(connections.open(), 4);
    }

    #[test]
    fn at_the_cap_with_nothing_idle_a_connection_is_refused_and_room_comes_back() {
        let connections = Connections::new(2, 10);
        let first = connections.admit(ip(1)).expect("admitted");
        let second = connections.admit(ip(2)).expect("admitted");
        let busy_first = first.requests().begin();
        let _busy_second = second.requests().begin();
        assert_eq!(connections.admit(ip(3)).err(), Some(Refused::Full));
        assert!(!connections.evict_one_idle());
        drop(busy_first);
        assert!(connections.evict_one_idle());
        assert!(evicted(&connections, &first));
        drop(first);
        assert_eq!(connections.open(), 1);
        assert!(connections.admit(ip(3)).is_ok());
    }

    #[test]
    fn a_dropped_ticket_frees_its_place() {
        let connections = Connections::new(1, 1);
        let only = connections.admit(ip(1)).expect("admitted");
        assert!(only.never_served());
        drop(only);
        assert_eq!(connections.open(), 0);
    }
}
