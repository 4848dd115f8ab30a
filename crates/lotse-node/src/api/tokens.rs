//! `/api/v1/admin/tokens`: token management for admins.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use lotse_http::Problem;
use lotse_http::token::{generate_token, hash_token};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Admin;
use crate::ingest::now_unix;
use crate::state::AppState;
use crate::store::{Role, StoreError, TokenInfo};

/// A token to create.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewToken {
    /// A name that says who holds the token, e.g. `vhs-essen`.
    pub name: String,
    /// Default `steward`.
    #[serde(default)]
    pub role: Option<Role>,
}

/// A created token. The token itself is shown only here, once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    pub token: String,
    #[serde(flatten)]
    pub info: TokenInfo,
}

/// `GET /api/v1/admin/tokens`
#[utoipa::path(
    get, path = "/api/v1/admin/tokens", tag = "admin",
    responses(
        (status = 200, description = "Alle Tokens (ohne die Tokens selbst) / all tokens (without the tokens themselves)", body = Vec<TokenInfo>),
        (status = 401, description = "Kein gültiges Token / no valid token", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Nur für Admins / admins only", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list_tokens(
    State(state): State<AppState>,
    _admin: Admin,
) -> Result<Json<Vec<TokenInfo>>, Problem> {
    Ok(Json(state.store.list_tokens().await.map_err(|e| Problem::internal(&e))?))
}

/// `POST /api/v1/admin/tokens`
#[utoipa::path(
    post, path = "/api/v1/admin/tokens", tag = "admin",
    request_body = NewToken,
    responses(
        (status = 201, description = "Angelegt; das Token wird nur jetzt gezeigt / created; the token is shown only now", body = CreatedToken),
        (status = 401, description = "Kein gültiges Token / no valid token", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Nur für Admins / admins only", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Name schon vergeben / name taken", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn create_token(
    State(state): State<AppState>,
    _admin: Admin,
    lotse_http::json::Json(new): lotse_http::json::Json<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>), Problem> {
    let name = new.name.trim();
    if name.is_empty() || name.len() > 100 {
        return Err(Problem::bad_request(
            "Der Name muss 1 bis 100 Zeichen lang sein.",
            "The name must be 1 to 100 characters long.",
        ));
    }
    let token = generate_token();
    let info = state
        .store
        .create_token(name, new.role.unwrap_or(Role::Steward), &hash_token(token.expose()), now_unix())
        .await
        .map_err(|e| match e {
            StoreError::DuplicateTokenName(n) => {
                Problem::new(StatusCode::CONFLICT, "conflict", "Name schon vergeben", "Name already taken")
                    .with_detail(
                        format!("Es gibt schon ein aktives Token namens „{n}“."),
                        format!("There already is an active token named \"{n}\"."),
                    )
            }
            e => Problem::internal(&e),
        })?;
    Ok((StatusCode::CREATED, Json(CreatedToken { token: token.expose().to_owned(), info })))
}

/// `DELETE /api/v1/admin/tokens/{id}`: revokes a token.
#[utoipa::path(
    delete, path = "/api/v1/admin/tokens/{id}", tag = "admin",
    params(("id" = i64, Path, description = "Die Nummer des Tokens / the token's number")),
    responses(
        (status = 204, description = "Widerrufen / revoked"),
        (status = 401, description = "Kein gültiges Token / no valid token", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 403, description = "Nur für Admins / admins only", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
        (status = 404, description = "Kein aktives Token mit dieser Nummer / no active token with this number", body = lotse_http::problem::ProblemDetails, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn revoke_token(
    State(state): State<AppState>,
    _admin: Admin,
    Path(id): Path<i64>,
) -> Result<StatusCode, Problem> {
    if state.store.revoke_token(id, now_unix()).await.map_err(|e| Problem::internal(&e))? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Problem::not_found(&format!("Das aktive Token {id}"), &format!("Active token {id}")))
    }
}
