//! The quarantine as the API shows it: rejected items with their findings, paged by
//! `(node_id, id)`, per record kind (offers by default; institutions, networks and projects
//! with `kind`). The operator sees every node's entries, a node (with its token) its own.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use lotse_standard::rpde::Kind;

use crate::store::{HubStore, QuarantineEntry, QuarantineReason, StoreError};

/// Entries per page unless the client asks for fewer or more.
pub const DEFAULT_LIMIT: u32 = 100;
/// The most entries one page holds.
pub const MAX_LIMIT: u32 = 1000;

/// One rejected item.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuarantineView {
    pub node_id: String,
    pub id: String,
    pub reason: QuarantineReason,
    /// The findings that rejected the item (`severity`, `code`, `pointer`, `message`).
    #[schema(value_type = Vec<Object>)]
    pub findings: Value,
    /// The item's data as received, when there was any.
    #[schema(value_type = Option<Object>)]
    pub data: Option<Value>,
    /// The standard version the node reported for the item.
    pub standard_version: Option<String>,
    /// The node's change number of the item.
    pub node_modified: i64,
    /// When the hub received it (Unix seconds).
    pub received_at: i64,
}

impl From<QuarantineEntry> for QuarantineView {
    fn from(e: QuarantineEntry) -> Self {
        QuarantineView {
            findings: serde_json::from_str(&e.findings).unwrap_or(Value::Array(Vec::new())),
            data: e.data.as_deref().and_then(|d| serde_json::from_str(d).ok()),
            node_id: e.node_id,
            id: e.id,
            reason: e.reason,
            standard_version: e.standard_version,
            node_modified: e.node_modified,
            received_at: e.received_at,
        }
    }
}

/// A page of the quarantine.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuarantinePage {
    pub items: Vec<QuarantineView>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next_after: Option<String>,
}

/// Paging parameters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuarantineQuery {
    /// Only this node's entries (operators only; a node always sees its own).
    pub node_id: Option<String>,
    /// The `next_after` of the previous page: `{node_id}/{id}`.
    pub after: Option<String>,
    /// The record kind: `offers` (default), `organizations`, `networks` or `projects`.
    pub kind: Option<String>,
    /// Entries per page, 1 to 1000 (default 100).
    pub limit: Option<u32>,
}

impl QuarantineQuery {
    /// The kind asked for; `None` for a word that names no kind.
    pub fn kind(&self) -> Option<Kind> {
        match self.kind.as_deref() {
            None => Some(Kind::Offer),
            Some(k) => Kind::from_plural(k),
        }
    }
}

/// One page of the offers' quarantine of `node_id` (or all nodes).
pub async fn page(
    store: &dyn HubStore,
    node_id: Option<&str>,
    after: Option<&str>,
    limit: Option<u32>,
) -> Result<QuarantinePage, StoreError> {
    page_of(store, Kind::Offer, node_id, after, limit).await
}

/// One page of the quarantine of `kind` of `node_id` (or all nodes).
pub async fn page_of(
    store: &dyn HubStore,
    kind: Kind,
    node_id: Option<&str>,
    after: Option<&str>,
    limit: Option<u32>,
) -> Result<QuarantinePage, StoreError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    // Node ids contain no `/`, so the first one separates the two parts of the cursor.
    let after = after.and_then(|a| a.split_once('/'));
    let entries = match kind {
        Kind::Offer => store.list_quarantine(node_id, after, limit).await?,
        _ => store.list_record_quarantine(kind, node_id, after, limit).await?,
    };
    let next_after = if entries.len() == limit as usize {
        entries.last().map(|e| format!("{}/{}", e.node_id, e.id))
    } else {
        None
    };
    Ok(QuarantinePage { items: entries.into_iter().map(QuarantineView::from).collect(), next_after })
}
