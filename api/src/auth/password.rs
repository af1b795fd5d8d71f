//! Password hashing with argon2id (the crate's defaults: m=19 MiB, t=2, p=1).
//! Hashing and verifying run on the blocking pool: each costs ~16 ms of CPU.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use argon2::{Argon2, PasswordHash};

/// Shortest accepted password.
pub const MIN_LENGTH: usize = 12;

/// Hashes a password into a PHC string (`$argon2id$…`).
pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
    })
    .await?
}

/// A hash of a random password, verified against when the user does not
/// exist, so unknown users and wrong passwords take the same time.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(b"not a real password, never matches", &salt)
            .expect("hashing a constant works")
            .to_string()
    })
}

/// Verifies a password against a stored hash; `None` verifies against a dummy
/// hash and fails, taking the same time.
pub async fn verify(stored: Option<String>, password: String) -> bool {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let hash_text = stored.unwrap_or_else(|| dummy_hash().to_string());
        let ok = PasswordHash::new(&hash_text)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        ok && known
    })
    .await
    .unwrap_or(false)
}

/// Checks a new password against the policy; returns the problem, if any.
pub fn policy_problem(password: &str) -> Option<String> {
    if password.chars().count() < MIN_LENGTH {
        return Some(format!(
            "the password must have at least {MIN_LENGTH} characters"
        ));
    }
    if password
        .chars()
        .all(|c| c == password.chars().next().unwrap_or(' '))
    {
        return Some("the password must not repeat one character".into());
    }
    None
}
