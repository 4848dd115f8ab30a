//! The steward and admin API under `/api/v1`.

pub mod imports;
pub mod records;
pub mod tokens;

use lotse_http::Problem;

/// Default and maximum page sizes of the listing endpoints.
pub const DEFAULT_LIMIT: u32 = 100;
pub const MAX_LIMIT: u32 = 1000;

/// Parses an optional `limit` query value.
pub fn parse_limit(limit: Option<&str>) -> Result<u32, Problem> {
    match limit {
        None => Ok(DEFAULT_LIMIT),
        Some(s) => match s.parse::<u32>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            _ => Err(Problem::bad_request(
                format!("limit muss zwischen 1 und {MAX_LIMIT} liegen."),
                format!("limit must be between 1 and {MAX_LIMIT}."),
            )),
        },
    }
}

/// Unix seconds as RFC 3339 (UTC), for API answers.
pub fn rfc3339(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}
