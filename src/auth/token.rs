//! Bearer tokens: random, shown once to the client, stored only as a SHA-256 hash.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A token's hash, the key it is stored and cached under.
pub type TokenHash = [u8; 32];

/// What a device token starts with, so that it is never mistaken for a bearer token.
pub const DEVICE_PREFIX: &str = "cld_";

/// A new bearer token: `cl_` and 32 random bytes (256 bits) in URL-safe base64.
pub fn generate() -> String {
    with_random_bytes("cl_")
}

/// A new device token: `cld_` and 32 random bytes (256 bits) in URL-safe base64.
pub fn generate_device() -> String {
    with_random_bytes(DEVICE_PREFIX)
}

/// Whether `text` has the form of a device token (a client's cookie may hold anything).
pub fn looks_like_device_token(text: &str) -> bool {
    text.strip_prefix(DEVICE_PREFIX)
        .is_some_and(|rest| rest.len() == 43 && URL_SAFE_NO_PAD.decode(rest).is_ok())
}

fn with_random_bytes(prefix: &str) -> String {
    let mut bytes = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The hash a token is stored under.
pub fn hash(token: &str) -> TokenHash {
    Sha256::digest(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_long() {
        let (a, b) = (generate(), generate());
        assert_ne!(a, b);
        assert!(a.len() >= 40);
        assert_ne!(hash(&a), hash(&b));
    }

    #[test]
    fn device_tokens_are_told_apart_from_anything_else() {
        let device = generate_device();
        assert!(looks_like_device_token(&device));
        assert!(!looks_like_device_token(&generate()));
        assert!(!looks_like_device_token("cld_short"));
        assert!(!looks_like_device_token(&format!("{device}x")));
        assert!(!looks_like_device_token(""));
    }
}
