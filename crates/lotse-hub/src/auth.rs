//! Authentication as extractors: a handler that names one in its arguments runs only for a
//! caller it admits, so no handler can forget the check. Token checks apply the per-token rate
//! limit of [`AppState::limiter`] once the token is known.
//!
//! | extractor | admits | otherwise |
//! |---|---|---|
//! | [`Operator`] | an operator token | 401 (429 over the rate limit) |
//! | [`NodeAuth`] | the token of the node in the path's `{node_id}` | 401, 403 with another node's token |
//! | [`OperatorRead`] | an operator token, or the session of the operator pages (reading only) | as [`Operator`] |
//! | [`OperatorOrSteward`] | as [`OperatorRead`], or the token of the node in the path | as [`NodeAuth`] |
//! | [`OperatorSession`] | the session of the operator pages | a redirect to the login page |
//!
//! Sessions: the login page sets the cookie [`SESSION_COOKIE`] holding a random session id; the
//! store keeps only the id's SHA-256 hash with an expiry, and a revoked operator token ends its
//! sessions at once.
//!
//! Put the extractor after `Path` and `Query` in a handler's arguments: axum runs them in
//! order, so a malformed path or query is answered before the token is looked up.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use lotse_http::Problem;
use lotse_http::rate_limit::retry_after_secs;
use lotse_http::token::{bearer_token, hash_token};
use lotse_web::Lang;
use lotse_web::session::SessionCookie;

use crate::http_error::{HttpError, HttpResult};
use crate::state::AppState;
use crate::store::{NodeInfo, Role, TokenInfo};

/// The session cookie of the operator pages.
pub(crate) const SESSION_COOKIE: SessionCookie = SessionCookie("lotse_betrieb");
/// The login page of the operator pages.
pub(crate) const LOGIN_PATH: &str = "/betrieb/anmelden";

/// A request with a valid operator token, within its rate limit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Operator;

/// A request with the token of the node named by the path's `{node_id}`, within its rate
/// limit.
#[derive(Debug, Clone)]
pub(crate) struct NodeAuth(pub NodeInfo);

/// A request of an operator with a token or, for reading only, with the session of the
/// operator pages (so that the pages can link to the CSV downloads). Requests that change data
/// take [`Operator`], since a cookie would be sent along by a forged cross-site request as well.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OperatorRead;

/// A request of an operator (as [`OperatorRead`]) or of the steward of the node named by the
/// path's `{node_id}`, with that node's token.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OperatorOrSteward;

/// A request of the operator pages with a valid session.
#[derive(Debug, Clone)]
pub(crate) struct OperatorSession(pub TokenInfo);

/// Whether a token found by its hash is an operator's and still valid: what the bearer check
/// and the login page both require.
pub(crate) fn is_active_operator(token: &TokenInfo) -> bool {
    token.revoked_at.is_none() && token.role == Role::Operator
}

/// Applies the per-token rate limit.
fn rate_limit(state: &AppState, token_hash: &str) -> Result<(), Problem> {
    state.limiter.check(token_hash).map_err(|wait| Problem::too_many_requests(retry_after_secs(wait)))
}

/// The operator behind the request's bearer token: 401 without a valid one.
async fn operator_token(state: &AppState, headers: &HeaderMap) -> HttpResult<TokenInfo> {
    let token = bearer_token(headers).ok_or_else(Problem::unauthorized)?;
    let hash = hash_token(token);
    let info = state.hub.store().token_by_hash(&hash).await?;
    match info {
        Some(t) if is_active_operator(&t) => {
            rate_limit(state, &hash)?;
            Ok(t)
        }
        _ => Err(Problem::unauthorized().into()),
    }
}

/// The node behind the request's bearer token, which must be the node `node_id`: 401 without
/// a valid node token, 403 with the token of another node.
async fn node_token(state: &AppState, headers: &HeaderMap, node_id: &str) -> HttpResult<NodeInfo> {
    let token = bearer_token(headers).ok_or_else(Problem::unauthorized)?;
    let hash = hash_token(token);
    let Some(node) = state.hub.store().node_by_token(&hash).await? else {
        return Err(Problem::unauthorized().into());
    };
    rate_limit(state, &hash)?;
    if node.id != node_id {
        return Err(Problem::new(StatusCode::FORBIDDEN, "forbidden", "Keine Berechtigung", "Forbidden")
            .with_detail(
                format!("Dieses Token gehört zum Knoten „{}“, nicht zu „{node_id}“.", node.id),
                format!("This token belongs to the node \"{}\", not to \"{node_id}\".", node.id),
            )
            .into());
    }
    Ok(node)
}

/// The operator behind the request's session cookie, if the session is valid.
async fn session_operator(state: &AppState, headers: &HeaderMap) -> Option<TokenInfo> {
    let hash = SESSION_COOKIE.hash_in(headers)?;
    state.hub.store().session_token(&hash, crate::unix_now()).await.ok().flatten()
}

async fn operator_read(state: &AppState, headers: &HeaderMap) -> HttpResult<()> {
    if session_operator(state, headers).await.is_some() {
        return Ok(());
    }
    operator_token(state, headers).await.map(|_| ())
}

/// The path's `{node_id}`; a route without one is a mistake of the router, not of the caller.
async fn path_node_id(parts: &mut Parts, state: &AppState) -> HttpResult<String> {
    let params = RawPathParams::from_request_parts(parts, state)
        .await
        .map_err(|e| HttpError(Problem::internal(&e)))?;
    match params.iter().find(|(name, _)| *name == "node_id") {
        Some((_, value)) => Ok(value.to_owned()),
        None => {
            let e = std::io::Error::other("node authentication on a route without {node_id}");
            Err(HttpError(Problem::internal(&e)))
        }
    }
}

impl FromRequestParts<AppState> for Operator {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        operator_token(state, &parts.headers).await.map(|_| Operator)
    }
}

impl FromRequestParts<AppState> for NodeAuth {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let node_id = path_node_id(parts, state).await?;
        node_token(state, &parts.headers, &node_id).await.map(NodeAuth)
    }
}

impl FromRequestParts<AppState> for OperatorRead {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        operator_read(state, &parts.headers).await.map(|()| OperatorRead)
    }
}

impl FromRequestParts<AppState> for OperatorOrSteward {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if operator_read(state, &parts.headers).await.is_ok() {
            return Ok(OperatorOrSteward);
        }
        let node_id = path_node_id(parts, state).await?;
        node_token(state, &parts.headers, &node_id).await.map(|_| OperatorOrSteward)
    }
}

impl FromRequestParts<AppState> for OperatorSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match session_operator(state, &parts.headers).await {
            Some(t) => Ok(OperatorSession(t)),
            None => {
                // The login page in the language of the page asked for.
                let login = match Lang::from_query(parts.uri.query()) {
                    Lang::En => format!("{LOGIN_PATH}?lang=en"),
                    Lang::De => LOGIN_PATH.to_owned(),
                };
                Err(Redirect::to(&login).into_response())
            }
        }
    }
}
