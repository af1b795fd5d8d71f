//! Persisted queries: Apollo's automatic persisted queries protocol
//! (`extensions.persistedQuery { version: 1, sha256Hash }`) and an
//! allow-list mode that runs only the documents of a manifest.
//!
//! - `apq` (default): a request with a hash and no document is answered from
//!   the manifest or the store, or with `PERSISTED_QUERY_NOT_FOUND` so the
//!   client sends the document with its hash once; the hash is checked, and
//!   the document stored only once it has passed every limit
//!   ([`crate::graphql::limits::check`]), so nothing larger than
//!   `API_MAX_DOCUMENT_BYTES` or refused by a limit is ever kept. The store is
//!   this process's memory (an LRU of `API_APQ_MEMORY_ENTRIES`: what is used
//!   stays, the least recently used goes first), or with `REDIS_URL` Redis,
//!   shared by every replica, each document under `{REDIS_PREFIX}apq:{hash}`
//!   for `API_APQ_TTL_SECS` after its last use; each replica keeps what it
//!   has read in memory too (a hash names one document forever). A Redis that
//!   cannot be reached only costs the client one more round trip.
//!   One client cannot flush the store: each registers at most
//!   `API_APQ_REGISTRATIONS_PER_HOUR` new documents (a budget in
//!   [`crate::ratelimit`], shared through Redis too), then is refused with
//!   `PERSISTED_QUERY_REGISTRATION_LIMITED` (issue 18: 10,050 registrations
//!   in 5 s used to empty the store). The manifest's documents are kept
//!   apart and never dropped.
//! - `allowlist`: only the manifest's documents run, by hash or in full; a
//!   client cannot register new ones (`PERSISTED_QUERY_NOT_ALLOWED`).
//! - `off`: hashes are refused (`PERSISTED_QUERY_NOT_SUPPORTED`).

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use lru::LruCache;

use sha2::{Digest, Sha256};

use crate::config::PersistedQueries;
use crate::graphql::limits::Refusal;
use crate::shared_store::RedisHandle;

/// The hex SHA-256 of a document, as clients compute it.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Where registered documents are shared between replicas.
struct SharedStore {
    handle: Arc<RedisHandle>,
    prefix: String,
    ttl_secs: u64,
}

/// The persisted documents of this process.
pub struct Persisted {
    mode: PersistedQueries,
    manifest: HashMap<String, Arc<str>>,
    /// Registered documents this process has seen (the whole store without
    /// Redis), the least recently used dropped first.
    learned: Mutex<LruCache<String, Arc<str>>>,
    shared: Option<SharedStore>,
    /// Reads and writes of the shared store that failed.
    pub store_errors: AtomicU64,
}

/// The document a request runs, and whether it is to be registered.
pub struct Resolved {
    /// The document's text.
    pub query: Arc<str>,
    /// The hash to register the document under once it has passed the limits.
    pub register: Option<String>,
}

impl Persisted {
    /// A store in `mode` with the manifest at `file`, if any, registered
    /// documents kept in memory.
    pub fn load(mode: PersistedQueries, file: Option<&std::path::Path>) -> anyhow::Result<Self> {
        let mut manifest = HashMap::new();
        if let Some(path) = file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
            let json: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| anyhow::anyhow!("{} is not JSON: {e}", path.display()))?;
            let mut add = |body: &str, id: Option<&str>| -> anyhow::Result<()> {
                let hash = sha256_hex(body);
                if let Some(id) = id {
                    anyhow::ensure!(
                        id.eq_ignore_ascii_case(&hash),
                        "{}: the id {id} is not the SHA-256 of its document",
                        path.display()
                    );
                }
                manifest.insert(hash, Arc::from(body));
                Ok(())
            };
            if let Some(ops) = json.get("operations").and_then(|o| o.as_array()) {
                for op in ops {
                    let body = op["body"].as_str().ok_or_else(|| {
                        anyhow::anyhow!("{}: an operation without a body", path.display())
                    })?;
                    add(body, op["id"].as_str())?;
                }
            } else if let Some(map) = json.as_object() {
                for (id, body) in map {
                    let body = body.as_str().ok_or_else(|| {
                        anyhow::anyhow!("{}: the value of {id} is not a document", path.display())
                    })?;
                    add(body, Some(id))?;
                }
            } else {
                anyhow::bail!(
                    "{}: expected {{\"operations\": […]}} or {{hash: document}}",
                    path.display()
                );
            }
        }
        Ok(Self {
            mode,
            manifest,
            learned: Mutex::new(LruCache::new(NonZeroUsize::new(10_000).expect("not zero"))),
            shared: None,
            store_errors: AtomicU64::new(0),
        })
    }

    /// Shares registered documents through the Redis of `handle`: keys
    /// `{prefix}apq:{hash}`, each kept `ttl_secs` after its last use.
    pub fn shared_through(mut self, handle: Arc<RedisHandle>, prefix: &str, ttl_secs: u64) -> Self {
        self.shared = Some(SharedStore {
            handle,
            prefix: prefix.to_string(),
            ttl_secs: ttl_secs.max(1),
        });
        self
    }

    /// Keeps at most `entries` registered documents in memory.
    pub fn keeping(self, entries: usize) -> Self {
        let entries = NonZeroUsize::new(entries).unwrap_or(NonZeroUsize::MIN);
        self.learned
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .resize(entries);
        self
    }

    /// Whether this process already holds `hash` (a document sent again
    /// with its hash is no new registration).
    pub fn holds(&self, hash: &str) -> bool {
        self.manifest.contains_key(hash)
            || self
                .learned
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(hash)
    }

    /// `"memory"` or `"redis"`: where registered documents live.
    pub fn backend(&self) -> &'static str {
        if self.shared.is_some() {
            "redis"
        } else {
            "memory"
        }
    }

    /// Documents in the manifest.
    pub fn manifest_len(&self) -> usize {
        self.manifest.len()
    }

    /// The document a request runs: its own text, or the one its hash names
    /// (from the manifest, this process's memory, or the shared store).
    /// `hash` is `extensions.persistedQuery.sha256Hash` when present. A
    /// document sent with its hash in `apq` mode comes back with
    /// [`Resolved::register`] set: call [`Persisted::register`] once it has
    /// passed the limits.
    pub async fn resolve(
        &self,
        query: Option<&str>,
        hash: Option<&str>,
    ) -> Result<Resolved, Refusal> {
        let query = query.filter(|q| !q.trim().is_empty());
        let ready = |query: Arc<str>| Resolved {
            query,
            register: None,
        };
        match (self.mode, query, hash) {
            (PersistedQueries::Off, _, Some(_)) => Err(Refusal::new(
                "PERSISTED_QUERY_NOT_SUPPORTED",
                "persisted_query",
                "PersistedQueryNotSupported",
            )),
            (_, None, None) => Err(Refusal::new(
                "BAD_REQUEST",
                "persisted_query",
                "the request has no query and no persisted query hash",
            )),
            (_, Some(q), Some(h)) if !sha256_hex(q).eq_ignore_ascii_case(h) => Err(Refusal::new(
                "PERSISTED_QUERY_HASH_MISMATCH",
                "persisted_query",
                "the persisted query hash is not the SHA-256 of the query sent",
            )),
            (PersistedQueries::AllowList, q, h) => {
                let hash = match (q, h) {
                    (_, Some(h)) => h.to_ascii_lowercase(),
                    (Some(q), None) => sha256_hex(q),
                    (None, None) => unreachable!("handled above"),
                };
                self.manifest.get(&hash).cloned().map(ready).ok_or_else(|| {
                    Refusal::new(
                        "PERSISTED_QUERY_NOT_ALLOWED",
                        "allowlist",
                        "this server runs only its registered documents, and this is not one of them",
                    )
                })
            }
            (_, Some(q), None) => Ok(ready(Arc::from(q))),
            (_, Some(q), Some(h)) => {
                // A client sends the document because a replica did not know
                // its hash: store it again, also where it expired.
                let h = h.to_ascii_lowercase();
                let in_manifest = self.manifest.contains_key(&h);
                Ok(Resolved {
                    query: Arc::from(q),
                    register: (!in_manifest).then_some(h),
                })
            }
            (_, None, Some(h)) => {
                let h = h.to_ascii_lowercase();
                if let Some(doc) = self.manifest.get(&h) {
                    return Ok(ready(doc.clone()));
                }
                if let Some(doc) = self.learned_get(&h) {
                    return Ok(ready(doc));
                }
                if let Some(doc) = self.shared_get(&h).await {
                    self.learned_put(&h, doc.clone());
                    return Ok(ready(doc));
                }
                Err(Refusal::new(
                    "PERSISTED_QUERY_NOT_FOUND",
                    "persisted_query",
                    "PersistedQueryNotFound",
                ))
            }
        }
    }

    /// Keeps `query` under `hash` (its SHA-256, checked by `resolve`): in
    /// this process's memory, and in the shared store when there is one.
    pub async fn register(&self, hash: &str, query: &Arc<str>) {
        self.learned_put(hash, query.clone());
        let Some(shared) = &self.shared else {
            return;
        };
        let key = format!("{}apq:{hash}", shared.prefix);
        let result: Result<(), redis::RedisError> = async {
            let mut conn = shared.handle.conn().await?;
            redis::cmd("SET")
                .arg(&key)
                .arg(query.as_ref())
                .arg("EX")
                .arg(shared.ttl_secs)
                .query_async(&mut conn)
                .await
        }
        .await;
        if let Err(e) = result {
            self.store_errors.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(error = %e, "persisted-query store unreachable: document kept on this replica only");
        }
    }

    /// The document under `hash`, marked as just used.
    fn learned_get(&self, hash: &str) -> Option<Arc<str>> {
        self.learned
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(hash)
            .cloned()
    }

    fn learned_put(&self, hash: &str, query: Arc<str>) {
        self.learned
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .put(hash.to_string(), query);
    }

    /// The document registered under `hash` on any replica, its lifetime
    /// renewed; `None` when unknown, expired, or the store is unreachable.
    async fn shared_get(&self, hash: &str) -> Option<Arc<str>> {
        let shared = self.shared.as_ref()?;
        let key = format!("{}apq:{hash}", shared.prefix);
        let result: Result<Option<String>, redis::RedisError> = async {
            let mut conn = shared.handle.conn().await?;
            redis::cmd("GETEX")
                .arg(&key)
                .arg("EX")
                .arg(shared.ttl_secs)
                .query_async(&mut conn)
                .await
        }
        .await;
        match result {
            // What another replica stored is trusted only if it still hashes right.
            Ok(Some(doc)) if sha256_hex(&doc) == hash => Some(Arc::from(doc)),
            Ok(_) => None,
            Err(e) => {
                self.store_errors.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(error = %e, "persisted-query store unreachable: asking the client for the document");
                None
            }
        }
    }
}
