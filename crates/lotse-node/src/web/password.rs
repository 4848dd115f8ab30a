//! Passwords of steward accounts: Argon2id hashes in PHC format, and the account commands behind
//! `lotse node user …`.
//!
//! Argon2id with the crate's default cost (19 MiB, two passes) makes every guess against a
//! stolen database expensive; verifying runs on the blocking pool so that a login never stalls
//! the request threads.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::sync::LazyLock;

use argon2::Argon2;
use rand::RngCore;

use crate::ingest::now_unix;
use crate::store::{NodeStore, StewardUser, StoreError};

/// The shortest password an admin may set.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// A hash to verify against when the account does not exist, so that a wrong name takes as
/// long as a wrong password and does not reveal which names exist.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("kein-konto-no-account").unwrap_or_default());

/// Why a password cannot be set.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error(
        "Das Passwort braucht mindestens {MIN_PASSWORD_CHARS} Zeichen / the password needs at least {MIN_PASSWORD_CHARS} characters"
    )]
    TooShort,
    #[error(
        "Kontoname ungültig (1–64 Zeichen, keine Leerzeichen) / invalid account name (1–64 characters, no spaces)"
    )]
    BadName,
    #[error("Passwort-Hash / password hash: {0}")]
    Hash(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Hashes a password with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| PasswordError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Whether `password` matches `hash` (a PHC string); `None` verifies against a dummy hash and
/// is always `false`.
pub fn verify_password(password: &str, hash: Option<&str>) -> bool {
    let (phc, real) = match hash {
        Some(h) => (h, true),
        None => (DUMMY_HASH.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok() && real
}

fn check(name: &str, password: &str) -> Result<(), PasswordError> {
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_whitespace) {
        return Err(PasswordError::BadName);
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    Ok(())
}

/// Creates an account with a password.
pub async fn add_user(
    store: &dyn NodeStore,
    name: &str,
    password: &str,
) -> Result<StewardUser, PasswordError> {
    check(name, password)?;
    let hash = hash_password(password)?;
    Ok(store.create_user(name, &hash, now_unix()).await?)
}

/// Sets a new password and ends the account's sessions; `false` if there is no such account.
pub async fn set_password(store: &dyn NodeStore, name: &str, password: &str) -> Result<bool, PasswordError> {
    check(name, password)?;
    let hash = hash_password(password)?;
    Ok(store.set_user_password(name, &hash, now_unix()).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_verify() {
        let h = hash_password("richtig-langes-passwort").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password("richtig-langes-passwort", Some(&h)));
        assert!(!verify_password("falsches-passwort", Some(&h)));
        assert!(!verify_password("richtig-langes-passwort", None));
        assert_ne!(h, hash_password("richtig-langes-passwort").unwrap(), "salted");
    }

    #[test]
    fn rules() {
        assert!(matches!(check("anna", "kurz"), Err(PasswordError::TooShort)));
        assert!(matches!(check("an na", "lang-genug-1234"), Err(PasswordError::BadName)));
        assert!(check("anna", "lang-genug-1234").is_ok());
    }
}
