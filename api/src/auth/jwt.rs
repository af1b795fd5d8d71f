//! JWT access tokens: HS256 only (the algorithm is pinned, so `alg: none` or
//! another algorithm in a token is refused), with `exp`, `nbf`, `iss` and
//! `aud` required and checked. Refresh by logging in again.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// Issuer written into and required from every token.
pub const ISSUER: &str = "progress-hub";
/// Audience written into and required from every token.
pub const AUDIENCE: &str = "progress-hub-api";

/// Claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// User id.
    pub sub: String,
    /// Role at issue time (the server re-reads the user on every request).
    pub role: String,
    /// The user's `token_version` at issue time: a token whose version is
    /// not the user's current one (the password, active flag or role changed
    /// since) is refused. Required: tokens without it are refused too.
    pub ver: i32,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Not before.
    pub nbf: i64,
    /// Expires at.
    pub exp: i64,
}

/// Signing and verification keys with the validation rules.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    /// Lifetime of issued tokens in seconds.
    pub ttl_secs: i64,
    /// Key of [`JwtKeys::secret_digest`], derived from the signing secret
    /// (so every replica sharing `JWT_SECRET` computes the same digests).
    digest_key: std::sync::Arc<[u8]>,
}

impl JwtKeys {
    /// Keys from a shared secret.
    pub fn new(secret: &[u8], ttl_secs: i64) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl_secs,
            digest_key: hmac_sha256(secret, b"progress-hub idempotency secrets").into(),
        }
    }

    /// A keyed digest (HMAC-SHA256, hex) of a secret such as a password, for
    /// idempotency request hashes: a replay with another password hashes
    /// differently, yet the stored hash reveals nothing of the password to
    /// anyone without the server secret (a plain hash could be guessed
    /// offline from the database).
    pub fn secret_digest(&self, secret: &str) -> String {
        hmac_sha256(&self.digest_key, secret.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Issues a token for a user at their current `token_version`; returns it
    /// with its expiry (seconds since the epoch).
    pub fn issue(
        &self,
        user_id: i32,
        role: &str,
        token_version: i32,
    ) -> anyhow::Result<(String, i64)> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_string(),
            role: role.to_string(),
            ver: token_version,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now,
            nbf: now,
            exp: now + self.ttl_secs,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok((token, claims.exp))
    }

    /// Verifies a token and returns its claims.
    pub fn verify(&self, token: &str) -> Result<Claims, jsonwebtoken::errors::Error> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
    }
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    use hmac::Mac;
    let mut mac =
        hmac::Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// Why a configured secret is refused in production, if it is.
pub fn weak_secret(secret: &str) -> Option<&'static str> {
    const KNOWN_WEAK: [&str; 6] = [
        "secret",
        "changeme",
        "change-me",
        "password",
        "jwt-secret",
        "development",
    ];
    if secret.len() < 32 {
        return Some("JWT_SECRET must be at least 32 bytes");
    }
    if KNOWN_WEAK
        .iter()
        .any(|w| secret.to_ascii_lowercase().contains(w))
    {
        return Some("JWT_SECRET looks like a placeholder");
    }
    let distinct: std::collections::HashSet<char> = secret.chars().collect();
    if distinct.len() < 10 {
        return Some("JWT_SECRET has too few distinct characters");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_tampering_is_refused() {
        let keys = JwtKeys::new(b"0123456789abcdefghijklmnopqrstuvwxyz", 60);
        let (token, _) = keys.issue(7, "manager", 0).unwrap();
        assert_eq!(keys.verify(&token).unwrap().sub, "7");
        let other = JwtKeys::new(b"zyxwvutsrqponmlkjihgfedcba9876543210", 60);
        assert!(other.verify(&token).is_err(), "wrong signature");
        let mut parts: Vec<&str> = token.split('.').collect();
        let none_header = base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            br#"{"alg":"none","typ":"JWT"}"#,
        );
        parts[0] = &none_header;
        assert!(
            keys.verify(&format!("{}.{}.", parts[0], parts[1])).is_err(),
            "alg none"
        );
    }

    #[test]
    fn weak_secrets_are_named() {
        assert!(weak_secret("short").is_some());
        assert!(weak_secret("changeme-changeme-changeme-changeme").is_some());
        assert!(weak_secret("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").is_some());
        assert!(weak_secret("q8V2m!xP4rT9wZ1kL6nB3cF7hJ0dS5gY").is_none());
    }
}
