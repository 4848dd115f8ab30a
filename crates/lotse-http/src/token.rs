//! Bearer tokens: generation, hashing and extraction from requests.
//!
//! Services store only the SHA-256 hash of a token, so a leaked database does not leak usable
//! credentials. Tokens carry 32 random bytes, which makes a fast unsalted hash sufficient: there
//! is nothing to brute-force.

use axum::http::{HeaderMap, header};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::Secret;

/// The prefix of every token this project issues, so that secret scanners can recognise them.
pub const TOKEN_PREFIX: &str = "lotse_";

/// Number of random bytes in a token.
pub const TOKEN_RANDOM_BYTES: usize = 32;

/// A new random token `lotse_<64 hex digits>`.
pub fn generate_token() -> Secret {
    generate_token_with_prefix(TOKEN_PREFIX)
}

/// A new random token with the given prefix followed by 64 hex digits.
pub fn generate_token_with_prefix(prefix: &str) -> Secret {
    let mut bytes = [0u8; TOKEN_RANDOM_BYTES];
    // The thread-local generator is a CSPRNG seeded from the operating system.
    rand::rng().fill_bytes(&mut bytes);
    Secret::new(format!("{prefix}{}", hex::encode(bytes)))
}

/// The hex-encoded SHA-256 hash under which a token is stored.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The token of an `Authorization: Bearer <token>` header, if there is one.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = token.trim();
    (!token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn tokens_are_prefixed_random_and_long() {
        let a = generate_token();
        let b = generate_token();
        assert!(a.expose().starts_with("lotse_"));
        assert_eq!(a.expose().len(), "lotse_".len() + 64);
        assert_ne!(a.expose(), b.expose());
    }

    #[test]
    fn hash_is_hex_sha256() {
        // SHA-256 of "abc" from FIPS 180-2.
        assert_eq!(hash_token("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn bearer_extraction() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer_token(&h), None);
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer lotse_x"));
        assert_eq!(bearer_token(&h), Some("lotse_x"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("bearer   lotse_y "));
        assert_eq!(bearer_token(&h), Some("lotse_y"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer_token(&h), None);
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer "));
        assert_eq!(bearer_token(&h), None);
    }
}
