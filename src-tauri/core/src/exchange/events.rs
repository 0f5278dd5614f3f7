//! The events a packet carries, each with its `kind` and its version `v`.
//! Down (to the office of a unit under ours): `unit`, `reorganisation`,
//! `document`, `batch`, `campaign` (a study campaign with the units of the
//! child's subtree that must report), `recall` (a recall of classified
//! copies, with the copies the units of the child's subtree hold);
//! up (to the parent office): `confirmation`, `report`, `study_report` (a
//! unit's study figures for a campaign the parent sent), `copy_return`
//! (copies brought back at the child for a recall the parent sent); both
//! ways: `key`
//! (this office's new public key, in a packet signed with the old one). A
//! kind this build does not know fails to read, and the packet is refused
//! whole; new kinds come with a new events version (study figures,
//! classified-copy returns, …), and a packet carries the lowest events
//! version that knows all its kinds, so an older build reads what it can.

use serde::{Deserialize, Serialize};

use crate::db::exchange_flow::{BatchMeta, DocMeta, LineMeta, Signed};
use crate::db::exchange_recall::RecalledCopy;
use crate::db::exchange_report::ReportMeta;
use crate::db::study::Figures;

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

/// A reorganisation the parent recorded of a unit of the child's subtree
/// (`rename`, `move`, `merge`, `close`), with its effective date and reason,
/// for the child's tree to follow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ReorgEvent {
    pub v: u32,
    pub change: String,
    pub code: String,
    pub on: chrono::NaiveDate,
    pub reason: Option<String>,
    /// `rename`: the name and short name from `on`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_name: Option<String>,
    /// `move`: the new parent's code; `merge`: the unit merged into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
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

/// A study campaign of the parent's (or one it was sent by its own parent),
/// with the units of the child's subtree that must report; its documents
/// travel before it as `document` events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CampaignEvent {
    pub v: u32,
    pub uid: String,
    pub code: String,
    pub title: String,
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    /// The documents studied, by uid.
    pub documents: Vec<String>,
    /// Codes of the units of the child's subtree that must report.
    pub units: Vec<String>,
    /// The name of the office that sent it.
    pub office: String,
}

/// A unit's study figures for a campaign the parent sent, with the office
/// that recorded them (this one, or a child office whose packet brought
/// them here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct StudyReportEvent {
    pub v: u32,
    /// The campaign's uid (the parent's).
    pub campaign: String,
    pub unit: String,
    #[serde(flatten)]
    pub figures: Figures,
    pub recorded_by: String,
    pub entered_at: String,
    pub office_code: String,
    pub office_name: String,
}

/// A recall of the parent's, with the copies held in the child's subtree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RecallEvent {
    pub v: u32,
    pub uid: String,
    pub code: String,
    pub symbol: String,
    pub made_on: chrono::NaiveDate,
    pub due: chrono::NaiveDate,
    pub reason: String,
    pub from: String,
    pub copies: Vec<RecalledCopy>,
}

/// The copies brought back at the child office for a recall the parent
/// sent (every return recorded there so far).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CopyReturnEvent {
    pub v: u32,
    /// The parent's recall uid.
    pub recall: String,
    pub code: String,
    pub copies: Vec<RecalledCopy>,
}

/// The sender's new public key (base64url), in a packet signed with its
/// old key: applied in sequence order, it replaces the key the receiver
/// trusts, and the sender's later packets are signed with the new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct KeyEvent {
    pub v: u32,
    pub public_key: String,
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
    #[serde(rename = "key")]
    Key(KeyEvent),
    #[serde(rename = "reorganisation")]
    Reorganisation(ReorgEvent),
    #[serde(rename = "campaign")]
    Campaign(CampaignEvent),
    #[serde(rename = "study_report")]
    StudyReport(StudyReportEvent),
    #[serde(rename = "recall")]
    Recall(RecallEvent),
    #[serde(rename = "copy_return")]
    CopyReturn(CopyReturnEvent),
}

impl Event {
    /// The events version that brought this kind.
    fn since(&self) -> u32 {
        match self {
            Event::Campaign(_) | Event::StudyReport(_) | Event::Recall(_) | Event::CopyReturn(_) => 3,
            Event::Key(_) | Event::Reorganisation(_) => 2,
            _ => 1,
        }
    }
}

/// The events version a packet holding `events` declares: the lowest that
/// knows every kind in it.
pub(crate) fn version_needed(events: &[Event]) -> u32 {
    events.iter().map(Event::since).max().unwrap_or(1)
}

/// The version every event of this build carries.
pub(crate) const V: u32 = 1;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_packet_declares_the_lowest_events_version_its_kinds_need() {
        let key = Event::Key(KeyEvent {
            v: V,
            public_key: "k".into(),
        });
        let unit: Event = serde_json::from_value(serde_json::json!({
            "kind": "unit", "v": 1, "code": "HK", "name": "Hương Khê", "short_name": null,
            "parent": "HT", "unit_kind": null, "opened_on": null
        }))
        .expect("unit event");
        assert_eq!(version_needed(&[]), 1);
        assert_eq!(version_needed(std::slice::from_ref(&unit)), 1);
        assert_eq!(version_needed(&[unit, key]), 2);
        assert!(version_needed(&[]) <= super::super::packet::EVENTS_VERSION);
    }
}
