//! The records that cross the boundary to the UI and the CLI.
//!
//! Every type here derives `ts_rs::TS`: `cargo test` regenerates the TypeScript
//! bindings in `ui/src/bindings/`, and the test command fails when the checked-in
//! bindings differ, so the UI cannot drift from the Rust side. Local integer keys
//! never leave the store; records are named by their code (units, batches),
//! symbol (documents) or receipt code.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A kind of unit ("Đảng bộ cơ sở", "Chi bộ", …): data, not code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UnitKind {
    pub name: String,
    /// Units of this kind, open or closed.
    pub units: u32,
}

/// A party unit as the registers list it, as it stood on one day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Unit {
    /// Globally unique id (UUIDv7), stable across installations.
    pub uid: String,
    pub code: String,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: Option<String>,
    /// The parent's code; `None` for a root.
    pub parent: Option<String>,
    /// 0 for a root.
    pub depth: u32,
    /// Direct children on the same day.
    pub children: u32,
    /// Units in the subtree below, this one excluded.
    pub descendants: u32,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
    /// Secretary (bí thư) on the same day.
    pub secretary: Option<String>,
    /// Deputy secretary (phó bí thư) on the same day.
    pub deputy: Option<String>,
    /// `None`: existed before the register began.
    pub opened_on: Option<NaiveDate>,
    /// `None`: open.
    pub closed_on: Option<NaiveDate>,
    /// Code of the unit that took over when this one was merged or split.
    pub successor: Option<String>,
}

/// Input for a new unit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewUnit {
    pub code: String,
    pub name: String,
    /// The parent's code; `None` or empty for a root.
    pub parent: Option<String>,
    /// A kind not seen before is created.
    pub kind: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub short_name: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub phone: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub address: Option<String>,
    /// `None`: existed before the register began.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub opened_on: Option<NaiveDate>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub secretary: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub deputy: Option<String>,
}

/// Changes to a unit's attributes that carry no history (contact details,
/// kind); names and parents change through a dated `Reorganisation`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UnitEdit {
    pub code: String,
    pub kind: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
}

/// A reorganisation of the tree. Nothing is deleted: closed units keep their
/// history and past receipts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum Change {
    Rename {
        code: String,
        name: String,
        short_name: Option<String>,
    },
    /// `parent: None` makes the unit a root.
    Move {
        code: String,
        parent: Option<String>,
    },
    /// Closes every `from` unit; their children and open receipts pass to `into`.
    Merge {
        from: Vec<String>,
        into: String,
    },
    /// Closes `from`; its children and open receipts pass to the first of `into`.
    Split {
        from: String,
        into: Vec<String>,
    },
    Close {
        code: String,
    },
}

/// A reorganisation with its effective date (past or future) and reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Reorganisation {
    pub change: Change,
    pub on: NaiveDate,
    pub reason: Option<String>,
}

/// One entry of a unit's reorganisation history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UnitEvent {
    /// rename, move, merge, split, close
    pub kind: String,
    pub on: NaiveDate,
    pub reason: Option<String>,
    /// A Vietnamese sentence: "Đổi tên từ … thành …".
    pub summary: String,
}

/// Role of an accountable signer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SignerRole {
    /// Bí thư
    Secretary,
    /// Phó bí thư
    Deputy,
}

impl SignerRole {
    pub fn as_str(self) -> &'static str {
        match self {
            SignerRole::Secretary => "secretary",
            SignerRole::Deputy => "deputy",
        }
    }
}

/// A secretary or deputy of a unit for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Signer {
    pub role: SignerRole,
    pub name: String,
    /// `None`: since before the register began.
    pub from_on: Option<NaiveDate>,
    /// `None`: still in office.
    pub to_on: Option<NaiveDate>,
}

/// Input: from `from_on`, `name` holds `role` in unit `code` (the previous
/// holder's term ends that day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewSigner {
    pub code: String,
    pub role: SignerRole,
    pub name: String,
    pub from_on: Option<NaiveDate>,
}

/// Security classification of a document (độ mật).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Classification {
    /// Thường
    #[default]
    Normal,
    /// Mật
    Secret,
    /// Tối mật
    TopSecret,
    /// Tuyệt mật
    Absolute,
}

impl Classification {
    pub const ALL: [Classification; 4] = [
        Classification::Normal,
        Classification::Secret,
        Classification::TopSecret,
        Classification::Absolute,
    ];

    /// The value stored in the database and used on the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Classification::Normal => "normal",
            Classification::Secret => "secret",
            Classification::TopSecret => "top_secret",
            Classification::Absolute => "absolute",
        }
    }

    /// The Vietnamese label.
    pub fn label(self) -> &'static str {
        match self {
            Classification::Normal => "Thường",
            Classification::Secret => "Mật",
            Classification::TopSecret => "Tối mật",
            Classification::Absolute => "Tuyệt mật",
        }
    }

    /// Accepts the stored value or the Vietnamese label, with or without diacritics.
    pub fn parse(s: &str) -> Option<Classification> {
        let key = crate::text::search_key(s);
        Classification::ALL.into_iter().find(|c| {
            key == c.as_str()
                || key == crate::text::search_key(c.label())
                || (key.is_empty() && *c == Classification::Normal)
        })
    }
}

/// A document in the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Document {
    pub uid: String,
    /// Number and symbol, e.g. `05-KH/HU`.
    pub symbol: String,
    /// Parsed from the symbol: `KH`.
    pub doc_type: String,
    /// Parsed from the symbol: `HU`.
    pub issuer: String,
    /// Committee term (khóa) the number belongs to; empty when not given.
    pub term: String,
    /// Summary (trích yếu).
    pub title: String,
    pub issued_on: Option<NaiveDate>,
    pub classification: Classification,
    pub copies_received: u32,
    /// Unknown type or issuing body: accepted, shown as a warning.
    pub warnings: Vec<String>,
    /// Copies received minus copies handed out in batches; computed, never typed.
    #[ts(type = "number")]
    pub copies_on_hand: i64,
}

/// Input for a new document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewDocument {
    pub symbol: String,
    pub title: String,
    pub issued_on: Option<NaiveDate>,
    pub copies_received: u32,
    pub classification: Classification,
    /// Committee term (khóa); the same symbol may recur in another term.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub term: Option<String>,
}

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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DocQty {
    pub symbol: String,
    pub quantity: u32,
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
}

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
    pub lines: Vec<ReceiptLine>,
}

/// What the UI needs to know at start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AppStatus {
    /// Where the database file lives.
    pub db_path: String,
    /// True when the database holds no unit, document or batch yet (first run).
    pub is_empty: bool,
    pub version: String,
}
