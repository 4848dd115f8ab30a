//! Token administration for the command line (`lotse node token …`).

use lotse_http::Secret;
use lotse_http::token::{generate_token, hash_token};

use crate::ingest::now_unix;
use crate::store::{NodeStore, Role, StoreError, TokenInfo};

/// Creates a token; returns the token itself (shown once, never stored) and its record.
pub async fn create(
    store: &dyn NodeStore,
    name: &str,
    role: Role,
) -> Result<(Secret, TokenInfo), StoreError> {
    let token = generate_token();
    let info = store.create_token(name, role, &hash_token(token.expose()), now_unix()).await?;
    Ok((token, info))
}

/// Revokes the active token with this id; `false` if there is none.
pub async fn revoke(store: &dyn NodeStore, id: i64) -> Result<bool, StoreError> {
    store.revoke_token(id, now_unix()).await
}
