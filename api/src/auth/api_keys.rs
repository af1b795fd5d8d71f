//! API keys for third-party dashboards: `phk_<prefix>_<secret>`, shown once,
//! stored as a SHA-256 hash (the secret is 256 random bits, so a fast hash is
//! enough), looked up by prefix and compared in constant time; read-only,
//! revocable, with a last-used time.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use entities::api_key;

/// A newly generated key: the plaintext (shown once) and what is stored.
pub struct NewKey {
    /// The full key to hand to the client.
    pub plaintext: String,
    /// Public lookup prefix.
    pub prefix: String,
    /// Hex SHA-256 of the whole key.
    pub hash: String,
}

/// Generates a fresh key.
pub fn generate() -> NewKey {
    let mut prefix_bytes = [0u8; 6];
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut prefix_bytes);
    rand::rng().fill_bytes(&mut secret);
    let prefix = URL_SAFE_NO_PAD
        .encode(prefix_bytes)
        .replace(['-', '_'], "x");
    let plaintext = format!("phk_{prefix}_{}", URL_SAFE_NO_PAD.encode(secret));
    NewKey {
        hash: digest(&plaintext),
        prefix,
        plaintext,
    }
}

fn digest(key: &str) -> String {
    Sha256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Finds the active key matching `plaintext` and records its use (at most once a minute).
pub async fn verify<C: ConnectionTrait>(
    db: &C,
    plaintext: &str,
) -> Result<Option<api_key::Model>, sea_orm::DbErr> {
    let Some(prefix) = plaintext
        .strip_prefix("phk_")
        .and_then(|rest| rest.split('_').next())
    else {
        return Ok(None);
    };
    let Some(key) = api_key::Entity::find()
        .filter(api_key::Column::Prefix.eq(prefix))
        .filter(api_key::Column::RevokedAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if !bool::from(digest(plaintext).as_bytes().ct_eq(key.key_hash.as_bytes())) {
        return Ok(None);
    }
    let now = Utc::now();
    if key
        .last_used_at
        .is_none_or(|t| (now - t).num_seconds() >= 60)
    {
        api_key::Entity::update_many()
            .col_expr(api_key::Column::LastUsedAt, Expr::value(now))
            .filter(api_key::Column::Id.eq(key.id))
            .exec(db)
            .await?;
    }
    Ok(Some(key))
}
