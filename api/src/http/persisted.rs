//! Persisted queries: Apollo's automatic persisted queries protocol
//! (`extensions.persistedQuery { version: 1, sha256Hash }`) and an
//! allow-list mode that runs only the documents of a manifest.
//!
//! - `apq` (default): a request with a hash and no document is answered from
//!   the store, or with `PERSISTED_QUERY_NOT_FOUND` so the client sends the
//!   document with its hash once; the hash is checked before it is stored.
//!   The store is in memory, bounded, and per replica (a client that meets a
//!   replica that has not seen its hash simply registers it again).
//! - `allowlist`: only the manifest's documents run, by hash or in full; a
//!   client cannot register new ones (`PERSISTED_QUERY_NOT_ALLOWED`).
//! - `off`: hashes are refused (`PERSISTED_QUERY_NOT_SUPPORTED`).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use sha2::{Digest, Sha256};

use crate::config::PersistedQueries;
use crate::graphql::limits::Refusal;

/// Most documents the automatic store keeps.
const MAX_STORED: usize = 10_000;

/// The hex SHA-256 of a document, as clients compute it.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The persisted documents of this process.
pub struct Persisted {
    mode: PersistedQueries,
    manifest: HashMap<String, Arc<str>>,
    learned: RwLock<HashMap<String, Arc<str>>>,
}

impl Persisted {
    /// A store in `mode` with the manifest at `file`, if any.
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
            learned: RwLock::new(HashMap::new()),
        })
    }

    /// Documents in the manifest.
    pub fn manifest_len(&self) -> usize {
        self.manifest.len()
    }

    /// The document a request runs: its own text, or the one its hash names.
    /// `hash` is `extensions.persistedQuery.sha256Hash` when present.
    pub fn resolve(&self, query: Option<&str>, hash: Option<&str>) -> Result<Arc<str>, Refusal> {
        let query = query.filter(|q| !q.trim().is_empty());
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
                self.manifest.get(&hash).cloned().ok_or_else(|| {
                    Refusal::new(
                        "PERSISTED_QUERY_NOT_ALLOWED",
                        "allowlist",
                        "this server runs only its registered documents, and this is not one of them",
                    )
                })
            }
            (_, Some(q), None) => Ok(Arc::from(q)),
            (_, Some(q), Some(h)) => {
                let h = h.to_ascii_lowercase();
                let mut learned = self.learned.write().unwrap_or_else(|e| e.into_inner());
                if learned.len() >= MAX_STORED {
                    learned.clear();
                }
                let doc: Arc<str> = Arc::from(q);
                learned.insert(h, doc.clone());
                Ok(doc)
            }
            (_, None, Some(h)) => {
                let h = h.to_ascii_lowercase();
                if let Some(doc) = self.manifest.get(&h) {
                    return Ok(doc.clone());
                }
                self.learned
                    .read()
                    .unwrap_or_else(|e| e.into_inner())
                    .get(&h)
                    .cloned()
                    .ok_or_else(|| {
                        Refusal::new(
                            "PERSISTED_QUERY_NOT_FOUND",
                            "persisted_query",
                            "PersistedQueryNotFound",
                        )
                    })
            }
        }
    }
}
