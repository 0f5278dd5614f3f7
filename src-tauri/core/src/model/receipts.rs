//! Receipts, one per batch and unit: their state, a confirmation (or
//! refusal) and how it reached the register, a receipt with its documents
//! as its slip shows it, and a unit's history of receipts.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::DocQty;

/// State of one batch × unit receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReceiptStatus {
    Pending,
    Confirmed,
    Partial,
    Declined,
}

impl ReceiptStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReceiptStatus::Pending => "pending",
            ReceiptStatus::Confirmed => "confirmed",
            ReceiptStatus::Partial => "partial",
            ReceiptStatus::Declined => "declined",
        }
    }

    /// The Vietnamese label shown and printed.
    pub fn label(self) -> &'static str {
        match self {
            ReceiptStatus::Pending => "Chưa xác nhận",
            ReceiptStatus::Confirmed => "Đã xác nhận",
            ReceiptStatus::Partial => "Nhận thiếu",
            ReceiptStatus::Declined => "Từ chối nhận",
        }
    }

    pub fn parse(s: &str) -> Option<ReceiptStatus> {
        [
            ReceiptStatus::Pending,
            ReceiptStatus::Confirmed,
            ReceiptStatus::Partial,
            ReceiptStatus::Declined,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
    }
}

/// One batch a unit received, and how it confirmed (the unit's history).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UnitReceipt {
    pub batch: String,
    pub batch_title: String,
    pub handed: NaiveDate,
    pub due: NaiveDate,
    pub copies: u32,
    pub receipt_code: String,
    /// False when the unit received for information only.
    pub must_confirm: bool,
    pub status: ReceiptStatus,
    pub signed_by: Option<String>,
    pub signed_on: Option<NaiveDate>,
    pub method: Option<String>,
    pub on_behalf: bool,
    pub note: Option<String>,
    pub days_overdue: u32,
    pub tier: u8,
    /// Days after the due date the confirmation came; 0 when on time or not yet.
    pub days_late: u32,
}

/// How a confirmation reached the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ConfirmMethod {
    /// The secretary (or deputy) at the office.
    InPerson,
    /// A signed slip returned and typed in by the clerk.
    Slip,
    /// From the unit's own copy of the app.
    Remote,
}

impl ConfirmMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            ConfirmMethod::InPerson => "in_person",
            ConfirmMethod::Slip => "slip",
            ConfirmMethod::Remote => "remote",
        }
    }
}

/// A unit's confirmation that a batch arrived (or its refusal). The receipt
/// is named by batch and unit, or by the receipt code printed on the slip.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Confirmation {
    pub batch: String,
    pub unit_code: String,
    /// Name of the person who signed.
    pub by: String,
    /// Date of the signature; `None` for today.
    pub on: Option<NaiveDate>,
    /// The code on the slip, instead of batch and unit.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub receipt_code: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub method: Option<ConfirmMethod>,
    /// Copies actually received, per document; documents not listed arrived
    /// in full. Fewer than handed makes the receipt partial.
    #[serde(default)]
    #[ts(as = "Option<Vec<DocQty>>", optional)]
    pub quantities: Vec<DocQty>,
    /// Declined or returned, with the reason.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub decline: Option<String>,
    /// The signer is not the unit's secretary (a deputy, an office staffer).
    #[serde(default)]
    #[ts(as = "Option<bool>", optional)]
    pub on_behalf: bool,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub note: Option<String>,
    /// A signature drawn on screen, as a PNG data URL
    /// (`data:image/png;base64,…`), stored with the receipt.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub signature: Option<String>,
    /// The numbered copies that arrived, per classified document (`unit`
    /// left empty); fewer than handed makes the receipt partial.
    #[serde(default)]
    #[ts(as = "Option<Vec<super::CopyNumbers>>", optional)]
    pub copies: Vec<super::CopyNumbers>,
}

/// One document of a receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReceiptLine {
    pub symbol: String,
    /// The summary; for a Tuyệt mật document only a placeholder
    /// (`documents::ABSOLUTE_SUMMARY`).
    pub title: String,
    pub quantity: u32,
    /// Copies actually received, when recorded.
    pub received: Option<u32>,
    /// The numbered copies handed (classified documents): "Bản số: 03, 04".
    #[serde(default)]
    #[ts(as = "Option<Vec<u32>>", optional)]
    pub copy_numbers: Vec<u32>,
}

/// A receipt with its documents: what a slip shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReceiptDetail {
    pub receipt_code: String,
    pub batch: String,
    pub batch_title: String,
    pub handed: NaiveDate,
    pub due: NaiveDate,
    pub unit_code: String,
    pub unit_name: String,
    pub must_confirm: bool,
    pub status: ReceiptStatus,
    pub signed_by: Option<String>,
    pub signed_on: Option<NaiveDate>,
    /// in_person, slip, remote, app, cli
    pub method: Option<String>,
    pub on_behalf: bool,
    pub note: Option<String>,
    /// A signature was drawn on screen and is stored with the receipt.
    pub has_signature: bool,
    /// Who recorded the confirmation: the signed-in account (or the system
    /// user of the command line); `None` before this was kept.
    pub recorded_by: Option<String>,
    /// The account of the person who signed, when they signed with their PIN
    /// or while signed in themselves.
    pub signer_account: Option<String>,
    /// The unit's secretary today, who usually signs (the confirm dialog
    /// fills it in); `None` when none is recorded, and for a parent
    /// office's slip.
    pub secretary: Option<String>,
    pub lines: Vec<ReceiptLine>,
}
