//! Password rules and argon2id hashing. Hashing is slow on purpose, so it runs on the
//! blocking pool, never on the async workers.

use std::sync::OnceLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::error::{AppError, AppResult};

/// The shortest password accepted, in characters.
pub const MIN_CHARS: usize = 12;
/// The longest, so that hashing cost stays bounded.
pub const MAX_CHARS: usize = 256;

/// Checks a new password against the policy.
pub fn check_policy(field: &str, password: &str) -> AppResult<()> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(AppError::bad_input(
            field,
            format!("must be at least {MIN_CHARS} characters"),
        ));
    }
    if chars > MAX_CHARS {
        return Err(AppError::bad_input(
            field,
            format!("must be at most {MAX_CHARS} characters"),
        ));
    }
    Ok(())
}

/// Checks only the upper bound, for a password that is tried rather than set (sign-in,
/// the current password): a longer one cannot be anyone's, and would cost hashing time.
pub fn check_max_length(field: &str, password: &str) -> AppResult<()> {
    if password.chars().count() > MAX_CHARS {
        return Err(AppError::bad_input(
            field,
            format!("must be at most {MAX_CHARS} characters"),
        ));
    }
    Ok(())
}

/// Hashes a password with argon2id on the blocking pool, with no bound on how many run
/// at once: for the command line and the demo's seed only. Requests hash through the
/// bounded [`super::hashing::HashingPool`].
pub async fn hash(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(AppError::internal)?
}

/// Hashes a password with argon2id (PHC string with its own random salt). Slow on
/// purpose: call it on a blocking thread.
pub fn hash_blocking(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal(anyhow::anyhow!("argon2: {e}")))
}

/// Checks `password` against a stored hash. With no hash (unknown e-mail) it checks a
/// dummy one, so an unknown address costs the same time as a known one. Slow on
/// purpose: call it on a blocking thread.
pub fn verify_blocking(password: &str, stored: Option<&str>) -> AppResult<bool> {
    let known = stored.is_some();
    let stored = match stored {
        Some(s) => s,
        None => dummy_hash()?,
    };
    let parsed = PasswordHash::new(stored)
        .map_err(|e| AppError::internal(anyhow::anyhow!("stored hash: {e}")))?;
    let matches = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    Ok(known && matches)
}

fn dummy_hash() -> AppResult<&'static str> {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return Ok(hash);
    }
    let hash = hash_blocking("not a password anyone has: dummy for timing")?;
    Ok(DUMMY.get_or_init(|| hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_needs_twelve_characters() {
        assert!(check_policy("password", "short-pass1").is_err());
        assert!(check_policy("password", "long-enough-1").is_ok());
        assert!(check_policy("password", "двенадцать!!").is_ok());
    }

    #[test]
    fn a_hash_verifies_its_password_only() {
        let hash = hash_blocking("correct horse battery").ok().unwrap();
        assert!(hash.starts_with("$argon2id$"));
        let check = |password: &str, stored: Option<&str>| verify_blocking(password, stored).ok();
        assert_eq!(check("correct horse battery", Some(&hash)), Some(true));
        assert_eq!(check("wrong horse battery", Some(&hash)), Some(false));
        assert_eq!(check("anything at all", None), Some(false));
    }
}
