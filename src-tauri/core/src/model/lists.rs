//! The supervisor's lists and figures: the outstanding list and its
//! filters, the printed lists and the formats they save as, the escalation
//! tiers, the dashboard's figures and the flags of the unit tree.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::ReceiptStatus;

/// One receipt that is not yet confirmed, as it stood on the as-of day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OutstandingRow {
    pub batch: String,
    pub batch_title: String,
    pub unit_code: String,
    pub unit_name: String,
    /// The grouping unit: the grassroots committee the unit belongs to (the
    /// unit's ancestor just below the top of the tree), or the unit itself
    /// when it is at that level or at the top.
    pub group_code: String,
    pub group_name: String,
    /// The unit's secretary on the as-of day.
    pub secretary: Option<String>,
    pub phone: Option<String>,
    pub handed: NaiveDate,
    pub due: NaiveDate,
    /// Days past the due date at the as-of date; 0 when not yet due.
    pub days_overdue: u32,
    /// Escalation tier (1, 2, 3 … from the tier settings); 0 when not overdue.
    pub tier: u8,
    /// Copies handed to the unit in the batch, all documents together (only
    /// the chosen document's copies when the list is filtered by document).
    pub copies: u32,
    pub receipt_code: String,
    pub status: ReceiptStatus,
    /// When the receipt was addressed to a unit since merged into this one:
    /// that unit's code ("nhận thay").
    pub in_place_of: Option<String>,
    /// …and its name.
    pub in_place_of_name: Option<String>,
    /// A receipt not confirmed, or copies a recall still waits for (then
    /// `batch` is the recall's code and `copies_missing` the numbers).
    #[serde(default)]
    #[ts(as = "Option<RowKind>", optional)]
    pub kind: RowKind,
    /// The copy numbers a recall still waits for from the unit.
    #[serde(default)]
    #[ts(as = "Option<Vec<u32>>", optional)]
    pub copies_missing: Vec<u32>,
}

/// What a row of the outstanding list waits for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RowKind {
    /// A receipt to confirm.
    #[default]
    Receipt,
    /// Copies to return for a recall (thu hồi).
    Recall,
}

/// Counts of a whole outstanding list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OutstandingTotals {
    /// Units with something outstanding.
    pub units: u32,
    /// Receipts outstanding (lượt nhận).
    pub lines: u32,
    /// …of them past their due date.
    pub overdue_lines: u32,
    /// Copies in those receipts.
    pub copies: u32,
}

/// The subtotal of one committee's group of the outstanding list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OutstandingGroup {
    /// The committee's code (`OutstandingRow::group_code`).
    pub code: String,
    pub units: u32,
    pub lines: u32,
    pub copies: u32,
}

/// Part of the outstanding list: `rows` from the `offset`-th, with the totals
/// of the whole list and the whole subtotal of each committee its rows are
/// in, in list order. The window draws a long list a page at a time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OutstandingPage {
    pub offset: u32,
    pub rows: Vec<OutstandingRow>,
    pub total: OutstandingTotals,
    pub groups: Vec<OutstandingGroup>,
}

/// Filters of the outstanding list. Every field may be left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
#[ts(export)]
pub struct OutstandingQuery {
    /// Batch codes; empty for every batch.
    pub batches: Vec<String>,
    /// Only this unit and the units under it (code).
    pub subtree: Option<String>,
    /// Only receipts that list this document (symbol).
    pub document: Option<String>,
    /// Only receipts past their due date.
    pub overdue_only: bool,
    /// Only receipts at this escalation tier.
    pub tier: Option<u8>,
    /// The day the list is drawn up for: receipts confirmed after it count as
    /// outstanding, batches handed after it are left out, days overdue are
    /// counted to it. `None` for today.
    pub as_of: Option<NaiveDate>,
}

/// The lists printed from the outstanding filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PrintList {
    /// Danh sách đơn vị chưa xác nhận.
    Outstanding,
    /// Danh sách liên hệ: secretary, phone, what is outstanding.
    Calls,
    /// Giấy nhắc: one page per overdue unit.
    Reminders,
}

/// A file format a list is saved as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SaveFormat {
    Pdf,
    Xlsx,
    Csv,
}

impl SaveFormat {
    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            SaveFormat::Pdf => "pdf",
            SaveFormat::Xlsx => "xlsx",
            SaveFormat::Csv => "csv",
        }
    }
}

/// Escalation tiers: tier N starts when a receipt is `days[N-1]` days overdue
/// (at least 1). Default 1, 7, 14: tier 1 from the first day late, tier 2
/// after a week, tier 3 after two.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Tiers {
    pub days: Vec<u32>,
}

/// The dashboard figures of one batch, as they stood on the as-of day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BatchStats {
    pub code: String,
    pub title: String,
    pub handed_on: NaiveDate,
    pub due_on: NaiveDate,
    /// Copies handed out, all documents and recipients together.
    pub copies: u32,
    /// Units that must confirm.
    pub units: u32,
    /// Units that receive for information only.
    pub info_units: u32,
    pub confirmed: u32,
    pub partial: u32,
    pub declined: u32,
    /// Neither confirmed, partial nor declined.
    pub pending: u32,
    /// Share of the must-confirm units that confirmed, 0–100.
    pub completion: f64,
    /// Outstanding receipts per escalation tier: `overdue[0]` is tier 1.
    pub overdue: Vec<u32>,
}

/// Completion of one batch within one grassroots committee (a bar of the chart).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct GroupCompletion {
    pub group_code: String,
    pub group_name: String,
    pub units: u32,
    pub confirmed: u32,
    pub completion: f64,
}

/// Confirmations of a batch up to a day (a point of the line chart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CurvePoint {
    pub day: NaiveDate,
    /// Receipts confirmed on or before `day`, all together.
    pub confirmed: u32,
}

/// Open receipts of a unit, for the flags in the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UnitFlag {
    pub unit_code: String,
    /// Outstanding receipts (pending, partial, declined).
    pub open: u32,
    pub partial: u32,
    pub declined: u32,
    /// Of which overdue.
    pub overdue: u32,
    /// Highest escalation tier among them; 0 when none is overdue.
    pub tier: u8,
    pub max_days_overdue: u32,
}
