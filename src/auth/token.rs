//! Bearer tokens: random, shown once to the client, stored only as a SHA-256 hash.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A token's hash, the key it is stored and cached under.
pub type TokenHash = [u8; 32];

/// A new token: `cl_` and 32 random bytes (256 bits) in URL-safe base64.
pub fn generate() -> String {
    let mut bytes = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("cl_{}", URL_SAFE_NO_PAD.encode(bytes))
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
}
