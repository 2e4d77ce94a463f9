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

/// Hashes a password with argon2id (PHC string with its own random salt).
pub async fn hash(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(AppError::internal)?
}

fn hash_blocking(password: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal(anyhow::anyhow!("argon2: {e}")))
}

/// Checks `password` against a stored hash. With no hash (unknown e-mail) it checks a
/// dummy one, so an unknown address costs the same time as a known one.
pub async fn verify(password: String, stored: Option<String>) -> AppResult<bool> {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = match stored {
            Some(s) => s,
            None => dummy_hash()?.to_owned(),
        };
        let parsed = PasswordHash::new(&stored)
            .map_err(|e| AppError::internal(anyhow::anyhow!("stored hash: {e}")))?;
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(known && matches)
    })
    .await
    .map_err(AppError::internal)?
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

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hash = hash("correct horse battery".into()).await.ok().unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify("correct horse battery".into(), Some(hash.clone()))
            .await
            .ok()
            .unwrap());
        assert!(!verify("wrong horse battery".into(), Some(hash))
            .await
            .ok()
            .unwrap());
        assert!(!verify("anything at all".into(), None).await.ok().unwrap());
    }
}
