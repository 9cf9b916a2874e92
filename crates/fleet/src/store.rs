//! The calls to etcd: connect with the settings' TLS and auth, list the
//! desired state, put services by compare-and-swap, write drains, read
//! and publish directors' status. Every call is bounded by [`OP_TIMEOUT`].

use crate::desired::Change;
use crate::keys::Layout;
use crate::put::{plan, Guard, Read};
use crate::settings::Settings;
use crate::status::{DirectorStatus, LEASE_TTL_SECS};
use crate::watch::Reply;
use crate::Error;
use etcd_client::{
    Certificate, Client, Compare, CompareOp, ConnectOptions, DeleteOptions, EventType, GetOptions,
    Identity, LeaseKeepAliveStream, LeaseKeeper, PutOptions, TlsOptions, Txn, TxnOp, WatchOptions,
    WatchStream,
};
use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

/// The longest one call to etcd may take.
pub const OP_TIMEOUT: Duration = Duration::from_secs(5);

/// A connection to the cluster's etcd.
pub struct Store {
    client: Client,
    /// The cluster's keys.
    pub layout: Layout,
    endpoints: String,
}

/// What a put did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Put {
    /// Nothing differed: nothing written; the services' revision.
    Unchanged(i64),
    /// Written in one transaction at this revision.
    Written {
        /// The store's revision after it.
        revision: i64,
        /// How many service keys were written.
        puts: usize,
        /// How many were deleted.
        deletes: usize,
    },
}

fn read_file(p: &std::path::Path) -> Result<Vec<u8>, Error> {
    std::fs::read(p).map_err(|e| Error::File {
        path: p.to_path_buf(),
        error: e.to_string(),
    })
}

/// The connection options of `s`: TLS and auth as given; HTTP/2 pings
/// every 10 s while a call is open (etcd's server refuses pings closer
/// than its `--grpc-keepalive-min-time`, 5 s by default, and any without
/// an open call: it answers too many with GOAWAY), a dead connection
/// found 5 s after; every call marked to require a leader, so that a
/// member cut off from its cluster's quorum cancels the watch instead of
/// keeping it open and silent about what the others write.
fn options(s: &Settings) -> Result<ConnectOptions, Error> {
    let mut o = ConnectOptions::new()
        .with_connect_timeout(Duration::from_secs(3))
        .with_keep_alive(Duration::from_secs(10), Duration::from_secs(5))
        .with_keep_alive_while_idle(false)
        .with_require_leader(true);
    if let Some(t) = &s.tls {
        let mut tls = TlsOptions::new();
        if let Some(ca) = &t.ca {
            tls = tls.ca_certificate(Certificate::from_pem(read_file(ca)?));
        }
        if let Some((c, k)) = &t.identity {
            tls = tls.identity(Identity::from_pem(read_file(c)?, read_file(k)?));
        }
        o = o.with_tls(tls);
    }
    if let Some(a) = &s.auth {
        let text = String::from_utf8(read_file(&a.password_file)?).map_err(|_| Error::File {
            path: a.password_file.clone(),
            error: "not UTF-8 text".into(),
        })?;
        let pw = text.lines().next().unwrap_or_default().to_string();
        o = o.with_user(a.user.clone(), pw);
    }
    Ok(o)
}

impl Store {
    /// Connect with `s`'s endpoints, TLS and auth.
    pub async fn connect(s: &Settings) -> Result<Store, Error> {
        let endpoints = s.endpoints.join(",");
        let o = options(s)?;
        let client = bounded(&endpoints, Client::connect(&s.endpoints, Some(o))).await?;
        Ok(Store {
            client,
            layout: Layout::new(&s.prefix),
            endpoints,
        })
    }

    fn err(&self, e: impl std::fmt::Display) -> Error {
        Error::Store {
            endpoints: self.endpoints.clone(),
            error: e.to_string(),
        }
    }

    /// The whole desired range: its revision and every key with its value.
    pub async fn list_desired(&mut self) -> Result<(i64, Vec<(String, String)>), Error> {
        let (start, end) = self.layout.desired_range();
        let r = bounded(
            &self.endpoints,
            self.client
                .get(start, Some(GetOptions::new().with_range(end))),
        )
        .await?;
        let rev = r.header().map_or(0, |h| h.revision());
        let kvs = r
            .kvs()
            .iter()
            .map(|kv| (text(kv.key()), text(kv.value())))
            .collect();
        Ok((rev, kvs))
    }

    /// The service keys at `at` (0: now): the store's revision and each
    /// key read.
    async fn services_at(&mut self, at: i64) -> Result<(i64, Vec<Read>), Error> {
        let mut o = GetOptions::new().with_prefix();
        if at > 0 {
            o = o.with_revision(at);
        }
        let r = bounded(
            &self.endpoints,
            self.client.get(self.layout.services(), Some(o)),
        )
        .await
        .map_err(|e| match e {
            Error::Store { error, .. } if error.contains("compacted") => Error::Compacted(at),
            e => e,
        })?;
        let rev = r.header().map_or(0, |h| h.revision());
        let read = r
            .kvs()
            .iter()
            .map(|kv| Read {
                key: text(kv.key()),
                value: text(kv.value()),
                mod_revision: kv.mod_revision(),
            })
            .collect();
        Ok((rev, read))
    }

    /// The services (text form -> native TOML) and the highest revision
    /// they were written at (0: none).
    pub async fn services(&mut self) -> Result<(i64, BTreeMap<String, String>), Error> {
        let (_, read) = self.services_at(0).await?;
        let rev = read.iter().map(|r| r.mod_revision).max().unwrap_or(0);
        let layout = self.layout.clone();
        let map = read
            .into_iter()
            .filter_map(|r| match layout.entry(&r.key) {
                crate::keys::Entry::Service(s) => Some((s, r.value)),
                _ => None,
            })
            .collect();
        Ok((rev, map))
    }

    /// Make the service keys `wanted` (text form -> native TOML) in one
    /// transaction, deleting the others, on the condition that nothing
    /// changed since `expect` (`None`: since they were read here).
    pub async fn put_services(
        &mut self,
        wanted: &BTreeMap<String, String>,
        expect: Option<i64>,
    ) -> Result<Put, Error> {
        let (now, read) = self.services_at(expect.unwrap_or(0)).await?;
        let base = expect.unwrap_or(now);
        let p = plan(&self.layout, base, &read, wanted);
        let compares: Vec<Compare> = p
            .guards
            .iter()
            .map(|g| match g {
                Guard::Unchanged(k, r) => Compare::mod_revision(k.as_str(), CompareOp::Equal, *r),
                Guard::NoneAfter(start, end, r) => {
                    Compare::mod_revision(start.as_str(), CompareOp::Less, r + 1)
                        .with_range(end.clone())
                }
            })
            .collect();
        let mut ops: Vec<TxnOp> = p
            .puts
            .iter()
            .map(|(k, v)| TxnOp::put(k.as_str(), v.as_str(), None))
            .collect();
        ops.extend(p.deletes.iter().map(|k| TxnOp::delete(k.as_str(), None)));
        let r = bounded(
            &self.endpoints,
            self.client.txn(Txn::new().when(compares).and_then(ops)),
        )
        .await?;
        let revision = r.header().map_or(0, |h| h.revision());
        if !r.succeeded() {
            return Err(Error::Conflict {
                base,
                now: revision,
            });
        }
        // The guards alone (nothing differed): a transaction without
        // writes, which checks the base and moves no revision.
        if p.is_empty() {
            return Ok(Put::Unchanged(base));
        }
        Ok(Put::Written {
            revision,
            puts: p.puts.len(),
            deletes: p.deletes.len(),
        })
    }

    /// Drain `dest` of `service` on every director; `by` says who.
    pub async fn put_drain(&mut self, service: &str, dest: &str, by: &str) -> Result<i64, Error> {
        let k = self.layout.drain(service, dest);
        let r = bounded(&self.endpoints, self.client.put(k, by, None)).await?;
        Ok(r.header().map_or(0, |h| h.revision()))
    }

    /// Clear the drain of `dest` (every destination's with `None`).
    pub async fn delete_drain(&mut self, service: &str, dest: Option<&str>) -> Result<i64, Error> {
        let (k, o) = match dest {
            Some(d) => (self.layout.drain(service, d), None),
            None => (
                self.layout.drains_of(service),
                Some(DeleteOptions::new().with_prefix()),
            ),
        };
        let r = bounded(&self.endpoints, self.client.delete(k, o)).await?;
        Ok(r.header().map_or(0, |h| h.revision()))
    }

    /// Every director's status (a value that does not read is an error
    /// naming its key).
    pub async fn directors(&mut self) -> Result<Vec<DirectorStatus>, Error> {
        let r = bounded(
            &self.endpoints,
            self.client.get(
                self.layout.directors(),
                Some(GetOptions::new().with_prefix()),
            ),
        )
        .await?;
        r.kvs()
            .iter()
            .map(|kv| {
                serde_json::from_slice(kv.value()).map_err(|e| Error::Value {
                    key: text(kv.key()),
                    msg: format!("not a director's status: {e}"),
                })
            })
            .collect()
    }

    /// Grant a lease for a director's key, with the one keep-alive
    /// stream that renews it.
    pub async fn lease(&mut self) -> Result<Lease, Error> {
        let r = bounded(
            &self.endpoints,
            self.client.lease_grant(LEASE_TTL_SECS, None),
        )
        .await?;
        let (keeper, answers) =
            bounded(&self.endpoints, self.client.lease_keep_alive(r.id())).await?;
        Ok(Lease {
            id: r.id(),
            keeper,
            answers,
            endpoints: self.endpoints.clone(),
        })
    }

    /// Publish `st` under its director's key with `lease` (its id).
    pub async fn publish(&mut self, st: &DirectorStatus, lease: i64) -> Result<(), Error> {
        let v = serde_json::to_string(st).map_err(|e| self.err(e))?;
        let k = self.layout.director(&st.name);
        bounded(
            &self.endpoints,
            self.client
                .put(k, v, Some(PutOptions::new().with_lease(lease))),
        )
        .await?;
        Ok(())
    }

    /// Start a watch of the desired range from `revision`, with progress
    /// notifications.
    pub async fn watch(&mut self, revision: i64) -> Result<WatchStream, Error> {
        let (start, end) = self.layout.desired_range();
        let o = WatchOptions::new()
            .with_range(end)
            .with_start_revision(revision)
            .with_progress_notify();
        bounded(&self.endpoints, self.client.watch(start, Some(o))).await
    }

    /// Compact the store's history up to `revision` (tests).
    pub async fn compact(&mut self, revision: i64) -> Result<(), Error> {
        bounded(&self.endpoints, self.client.compact(revision, None)).await?;
        Ok(())
    }
}

/// A lease with its keep-alive stream: one stream for the lease's life
/// (a renewal is a message on it, and writes nothing in etcd's history).
pub struct Lease {
    /// The lease's id.
    pub id: i64,
    keeper: LeaseKeeper,
    answers: LeaseKeepAliveStream,
    endpoints: String,
}

impl Lease {
    /// Renew it once; false when etcd no longer has it (then grant
    /// another).
    pub async fn renew(&mut self) -> Result<bool, Error> {
        bounded(&self.endpoints, self.keeper.keep_alive()).await?;
        let r = bounded(&self.endpoints, self.answers.message()).await?;
        Ok(r.is_some_and(|r| r.ttl() > 0))
    }
}

/// The next response of a watch as [`Reply`]; `None` when the stream
/// ended.
pub async fn next_reply(w: &mut WatchStream, endpoints: &str) -> Result<Option<Reply>, Error> {
    let r = w.message().await.map_err(|e| Error::Store {
        endpoints: endpoints.to_string(),
        error: e.to_string(),
    })?;
    Ok(r.map(|r| Reply {
        created: r.created(),
        canceled: r.canceled(),
        compact_revision: r.compact_revision(),
        cancel_reason: r.cancel_reason().to_string(),
        header_revision: r.header().map_or(0, |h| h.revision()),
        events: r
            .events()
            .iter()
            .filter_map(|e| {
                let kv = e.kv()?;
                let k = text(kv.key());
                let c = match e.event_type() {
                    EventType::Put => Change::Put(k, text(kv.value())),
                    EventType::Delete => Change::Delete(k),
                };
                Some((c, kv.mod_revision()))
            })
            .collect(),
    }))
}

impl Store {
    /// The endpoints, as errors name them.
    pub fn endpoints(&self) -> &str {
        &self.endpoints
    }
}

/// Bytes as text (etcd keys and values here are UTF-8; anything else is
/// shown with replacement characters and then refused by its reader).
fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `f` within [`OP_TIMEOUT`], its error as [`Error::Store`].
async fn bounded<T>(
    endpoints: &str,
    f: impl Future<Output = Result<T, etcd_client::Error>>,
) -> Result<T, Error> {
    match tokio::time::timeout(OP_TIMEOUT, f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(Error::Store {
            endpoints: endpoints.to_string(),
            error: e.to_string(),
        }),
        Err(_) => Err(Error::Store {
            endpoints: endpoints.to_string(),
            error: format!("no answer within {}s", OP_TIMEOUT.as_secs()),
        }),
    }
}
