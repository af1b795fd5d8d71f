//! Record keys: the secret draw behind each row's rounding.
//!
//! A key must never be derivable from what a reader can see or guess, and
//! the same row must keep its key, or a reader watching a figure across
//! edits would see fresh roundings of the same count and could average
//! them. So:
//!
//! - rows written through the API get a random key from the database (the
//!   column default) when they are new, and keep their key when an edit
//!   replaces them (an attendance grid replaced cell by cell keeps each
//!   cell's key; a service count is updated in place);
//! - rows loaded in bulk (the demo dataset, imports) get a keyed hash
//!   (HMAC-SHA256) of what identifies the row, never of its value, under a
//!   secret: `DISCLOSURE_KEY_SECRET` when set (a deployment that reloads its
//!   data and wants the same figures; the tests, so both engines read the
//!   same), otherwise a random secret drawn for that load and forgotten.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::KEY_MODULUS;

/// Makes record keys for rows loaded in bulk.
#[derive(Clone)]
pub struct RecordKeys {
    secret: Vec<u8>,
}

impl std::fmt::Debug for RecordKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecordKeys(<secret>)")
    }
}

impl RecordKeys {
    /// Keys under a given secret.
    pub fn with_secret(secret: impl AsRef<[u8]>) -> Self {
        Self {
            secret: secret.as_ref().to_vec(),
        }
    }

    /// Keys under a random secret (never stored: the keys it made cannot be
    /// made again).
    pub fn random() -> Self {
        let secret: [u8; 32] = rand::random();
        Self::with_secret(secret)
    }

    /// Keys under `secret` when it is given and not empty, else under a
    /// random secret (`DISCLOSURE_KEY_SECRET`, read by [`crate::config::Settings`]).
    pub fn from_secret(secret: Option<&str>) -> Self {
        match secret {
            Some(s) if !s.is_empty() => Self::with_secret(s.as_bytes()),
            _ => Self::random(),
        }
    }

    /// The key of the row identified by `identity` (what makes it this row:
    /// its table, its event or project and its dimension codes; never its
    /// value): in `1..KEY_MODULUS`.
    pub fn key(&self, identity: &str) -> i64 {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes keys of any length");
        mac.update(identity.as_bytes());
        let digest = mac.finalize().into_bytes();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        1 + (u64::from_le_bytes(first) % (KEY_MODULUS as u64 - 1)) as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_depend_on_the_secret_and_the_identity_and_stay_in_range() {
        let a = RecordKeys::with_secret("one");
        let b = RecordKeys::with_secret("two");
        assert_eq!(a.key("attendance|1|f"), a.key("attendance|1|f"));
        assert_ne!(a.key("attendance|1|f"), b.key("attendance|1|f"));
        assert_ne!(a.key("attendance|1|f"), a.key("attendance|1|m"));
        for i in 0..1000 {
            let k = RecordKeys::random().key(&i.to_string());
            assert!((1..KEY_MODULUS).contains(&k));
        }
    }
}
