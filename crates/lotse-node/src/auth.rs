//! Bearer-token authentication, roles and the per-token rate limit.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use lotse_http::Problem;
use lotse_http::rate_limit::retry_after_secs;
use lotse_http::token::{bearer_token, hash_token};

use crate::state::AppState;
use crate::store::{Role, TokenInfo};

/// A request with a valid steward or admin token, within its rate limit.
#[derive(Debug, Clone)]
pub struct Steward(pub TokenInfo);

/// A request with a valid admin token, within its rate limit.
#[derive(Debug, Clone)]
pub struct Admin(pub TokenInfo);

async fn authenticate(parts: &Parts, state: &AppState) -> Result<TokenInfo, Problem> {
    let token = bearer_token(&parts.headers).ok_or_else(Problem::unauthorized)?;
    let hash = hash_token(token);
    let info = state
        .store
        .token_by_hash(&hash)
        .await
        .map_err(|e| Problem::internal(&e))?
        .filter(|t| t.revoked_at.is_none())
        .ok_or_else(Problem::unauthorized)?;
    // Keyed by hash, so the limiter never holds a usable token.
    state.limiter.check(&hash).map_err(|wait| Problem::too_many_requests(retry_after_secs(wait)))?;
    Ok(info)
}

impl FromRequestParts<AppState> for Steward {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        authenticate(parts, state).await.map(Steward)
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let info = authenticate(parts, state).await?;
        if info.role != Role::Admin {
            return Err(Problem::forbidden(Role::Admin.as_str()));
        }
        Ok(Admin(info))
    }
}
