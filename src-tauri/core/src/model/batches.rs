//! Handout batches (đợt cấp phát): the batch with its progress, the input
//! for a new one (documents, recipients, per-unit quantities) and how it
//! reaches its units.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A handout batch (đợt cấp phát) with its progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Batch {
    pub uid: String,
    pub code: String,
    pub title: String,
    pub handed_on: NaiveDate,
    pub due_on: NaiveDate,
    /// Symbols of the documents in the batch.
    pub documents: Vec<String>,
    /// Recipient units, "for information" ones included.
    pub recipients: u32,
    /// Recipients that must confirm (all but the "for information" ones).
    pub must_confirm: u32,
    /// Of those, the ones still open: pending, partial or declined — the
    /// rows of `outstanding --batch CODE` today.
    pub open: u32,
    /// Of those, the ones confirmed: `must_confirm − open`.
    pub confirmed: u32,
    /// Copies handed out in total.
    pub copies: u32,
    pub method: DeliveryMethod,
    /// The clerk who recorded it.
    pub recorded_by: String,
}

/// One document and the copies each recipient gets.
///
/// Numbers run per committee term, so one symbol may name documents of
/// several terms: `uid` says which (the window always sends it); without it
/// the symbol means the latest term's document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DocQty {
    pub symbol: String,
    pub quantity: u32,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub uid: Option<String>,
}

/// How a batch reaches its units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DeliveryMethod {
    /// Trực tiếp
    #[default]
    InPerson,
    /// Qua bưu điện
    Post,
    /// Qua đảng ủy xã/phường
    ViaCommune,
    /// Bản điện tử
    Electronic,
}

impl DeliveryMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryMethod::InPerson => "in_person",
            DeliveryMethod::Post => "post",
            DeliveryMethod::ViaCommune => "via_commune",
            DeliveryMethod::Electronic => "electronic",
        }
    }

    pub fn parse(s: &str) -> Option<DeliveryMethod> {
        [
            DeliveryMethod::InPerson,
            DeliveryMethod::Post,
            DeliveryMethod::ViaCommune,
            DeliveryMethod::Electronic,
        ]
        .into_iter()
        .find(|m| m.as_str() == s)
    }
}

/// A per-unit quantity that overrides the batch's default for one document
/// (0: that unit does not get the document).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UnitQty {
    pub unit: String,
    pub symbol: String,
    pub quantity: u32,
}

/// Input for a new batch. Recipients are the listed units, every open unit
/// without children under each subtree, and every open unit of each kind;
/// `info_units` receive for information only and are never outstanding.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewBatch {
    pub code: String,
    pub title: String,
    pub handed_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    pub documents: Vec<DocQty>,
    pub units: Vec<String>,
    pub subtrees: Vec<String>,
    #[serde(default)]
    #[ts(as = "Option<Vec<String>>", optional)]
    pub kinds: Vec<String>,
    #[serde(default)]
    #[ts(as = "Option<Vec<String>>", optional)]
    pub info_units: Vec<String>,
    #[serde(default)]
    #[ts(as = "Option<Vec<UnitQty>>", optional)]
    pub overrides: Vec<UnitQty>,
    #[serde(default)]
    #[ts(as = "Option<DeliveryMethod>", optional)]
    pub method: DeliveryMethod,
    /// Needed to hand out more copies than are on hand; logged.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub over_stock_reason: Option<String>,
    /// Numbered copies of a classified document chosen for a unit instead
    /// of the next free ones (as many as the unit gets).
    #[serde(default)]
    #[ts(as = "Option<Vec<super::CopyNumbers>>", optional)]
    pub copy_numbers: Vec<super::CopyNumbers>,
}
