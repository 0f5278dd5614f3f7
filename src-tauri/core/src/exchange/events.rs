//! The events a packet carries, each with its `kind` and its version `v`.
//! Down (to the office of a unit under ours): `unit`, `document`, `batch`;
//! up (to the parent office): `confirmation`, `report`. A kind this build does not
//! know fails to read, and the packet is refused whole; new kinds come with
//! a new events version (study figures, classified-copy returns, …).

use serde::{Deserialize, Serialize};

use crate::db::exchange_flow::{BatchMeta, DocMeta, LineMeta, Signed};
use crate::db::exchange_report::ReportMeta;

/// A unit of the child's subtree as the parent knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct UnitEvent {
    pub v: u32,
    pub code: String,
    pub name: String,
    pub short_name: Option<String>,
    pub parent: Option<String>,
    #[serde(rename = "unit_kind")]
    pub kind: Option<String>,
    pub opened_on: Option<chrono::NaiveDate>,
}

/// A document's metadata (never its content; no Tuyệt mật summary).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DocumentEvent {
    pub v: u32,
    #[serde(flatten)]
    pub doc: DocMeta,
}

/// A batch with the receipts of the child's subtree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct BatchEvent {
    pub v: u32,
    /// The name of the office that handed it.
    pub from: String,
    #[serde(flatten)]
    pub batch: BatchMeta,
}

/// A confirmation (or its undoing: status `pending`) recorded at the child
/// office on a receipt the parent handed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ConfirmationEvent {
    pub v: u32,
    /// The parent's receipt uid.
    pub receipt: String,
    pub code: String,
    #[serde(flatten)]
    pub signed: Signed,
    pub received: Vec<LineMeta>,
}

/// The state of one of the child office's own batches (every receipt).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ReportEvent {
    pub v: u32,
    #[serde(flatten)]
    pub report: ReportMeta,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub(crate) enum Event {
    #[serde(rename = "unit")]
    Unit(UnitEvent),
    #[serde(rename = "document")]
    Document(DocumentEvent),
    #[serde(rename = "batch")]
    Batch(BatchEvent),
    #[serde(rename = "confirmation")]
    Confirmation(ConfirmationEvent),
    #[serde(rename = "report")]
    Report(ReportEvent),
}

/// The version every event of this build carries.
pub(crate) const V: u32 = 1;
