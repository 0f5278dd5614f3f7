//! Numbered copies of classified documents (bản số): where each copy is,
//! the numbers a batch hands to a unit, recalls (thu hồi) and their
//! returns, and destruction records (biên bản tiêu hủy).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where a numbered copy is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CopyState {
    /// In the office, never handed out.
    InOffice,
    /// Handed to a unit with a batch.
    Out,
    /// Handed out and returned: back in the office.
    Returned,
    /// Destroyed for good: never handed again.
    Destroyed,
}

impl CopyState {
    pub const ALL: [CopyState; 4] = [
        CopyState::InOffice,
        CopyState::Out,
        CopyState::Returned,
        CopyState::Destroyed,
    ];

    /// The value stored and printed by the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            CopyState::InOffice => "in_office",
            CopyState::Out => "out",
            CopyState::Returned => "returned",
            CopyState::Destroyed => "destroyed",
        }
    }

    /// The Vietnamese label.
    pub fn label(self) -> &'static str {
        match self {
            CopyState::InOffice => "Tại văn phòng",
            CopyState::Out => "Đang ở đơn vị",
            CopyState::Returned => "Đã thu hồi",
            CopyState::Destroyed => "Đã tiêu hủy",
        }
    }

    /// True when the copy is in the office and may be handed out or destroyed.
    pub fn in_office(self) -> bool {
        matches!(self, CopyState::InOffice | CopyState::Returned)
    }
}

/// One numbered copy of a document and where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CopyRow {
    /// Its number (bản số).
    pub copy: u32,
    pub state: CopyState,
    /// The unit's code while the copy is out.
    pub holder: Option<String>,
    /// The batch it went out with (while out, or the last one it came back from).
    pub batch: Option<String>,
    /// The day of its last change.
    pub since: NaiveDate,
}

/// A classified copy a unit holds (the unit's page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HeldCopy {
    pub symbol: String,
    pub classification: super::Classification,
    pub copy: u32,
    pub batch: String,
    pub since: NaiveDate,
}

/// Copy numbers of one document, for one unit of a batch (chosen instead of
/// the next free ones), or those that arrived in a partial receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CopyNumbers {
    /// The unit's code; empty when the receipt is already named.
    #[serde(default)]
    pub unit: String,
    pub symbol: String,
    pub numbers: Vec<u32>,
}

/// Input for a new recall.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewRecall {
    pub code: String,
    pub symbol: String,
    /// Which document of the symbol (one per committee term): the window
    /// sends it; without it, the latest term's.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub uid: Option<String>,
    /// Only the copies handed in this batch.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub batch: Option<String>,
    pub due_on: NaiveDate,
    pub reason: String,
    /// The day the recall is made; `None` for today.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub made_on: Option<NaiveDate>,
}

/// Copies a unit brings back for a recall.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RecallReturn {
    /// The recall's code.
    pub code: String,
    /// The unit's code, or empty when `receipt_code` names it.
    #[serde(default)]
    pub unit: String,
    /// The code of the slip the copies went out with, instead of the unit.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub receipt_code: Option<String>,
    pub copies: Vec<u32>,
    /// Who brought them back.
    pub by: String,
    /// The day they came back; `None` for today.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub on: Option<NaiveDate>,
}

/// A recall with its progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Recall {
    pub code: String,
    pub symbol: String,
    pub batch: Option<String>,
    pub made_on: NaiveDate,
    pub due_on: NaiveDate,
    pub reason: String,
    /// Copies asked back.
    pub copies: Vec<u32>,
    /// Of those, the ones not yet back.
    pub missing: Vec<u32>,
}

/// What one unit of ours must bring back for a recall a parent office
/// sent (from its packets): the copies asked and those not back yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReceivedRecall {
    pub code: String,
    pub symbol: String,
    /// The office that made it.
    pub from: String,
    pub made_on: NaiveDate,
    pub due_on: NaiveDate,
    pub reason: String,
    pub unit_code: String,
    pub unit_name: String,
    pub copies: Vec<u32>,
    pub missing: Vec<u32>,
}

/// A member of a destruction board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BoardMember {
    pub name: String,
    pub position: String,
}

/// Input for a destruction record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewDestruction {
    pub symbol: String,
    /// Which document of the symbol (one per committee term); without it,
    /// the latest term's.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub uid: Option<String>,
    pub copies: Vec<u32>,
    /// The decision it follows (number and date, or its text).
    pub decision: String,
    pub on: NaiveDate,
    pub members: Vec<BoardMember>,
    pub method: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub place: Option<String>,
}

/// A saved destruction record, as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Destruction {
    pub uid: String,
    pub symbol: String,
    pub classification: super::Classification,
    pub copies: Vec<u32>,
    pub decision: String,
    pub on: NaiveDate,
    pub members: Vec<BoardMember>,
    pub method: String,
    pub place: Option<String>,
}

/// Copy numbers as printed: two digits at least, "03, 04".
pub fn copy_list(numbers: &[u32]) -> String {
    numbers.iter().map(|n| format!("{n:02}")).collect::<Vec<_>>().join(", ")
}

/// What happened to the copies of one line of the copy register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CopyEventKind {
    /// Handed to a unit with a batch.
    Handed,
    /// Brought back for a recall.
    Returned,
    /// Destroyed under a destruction record.
    Destroyed,
}

impl CopyEventKind {
    pub fn label(self) -> &'static str {
        match self {
            CopyEventKind::Handed => "Giao",
            CopyEventKind::Returned => "Nộp lại",
            CopyEventKind::Destroyed => "Tiêu hủy",
        }
    }

    pub(crate) fn stored(s: &str) -> Option<CopyEventKind> {
        match s {
            "handed" => Some(CopyEventKind::Handed),
            "returned" => Some(CopyEventKind::Returned),
            "destroyed" => Some(CopyEventKind::Destroyed),
            _ => None,
        }
    }
}

/// One line of the copy register: copies of one document that moved together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CopyEvent {
    pub on: NaiveDate,
    pub symbol: String,
    pub classification: super::Classification,
    pub kind: CopyEventKind,
    /// The copy numbers, ascending.
    pub numbers: Vec<u32>,
    /// The unit that received or brought back the copies (none for a destruction).
    pub unit_code: Option<String>,
    pub unit_name: Option<String>,
    /// The batch's code, the recall's code, or the destruction's decision.
    pub reference: String,
    /// Who signed for the copies or brought them back.
    pub person: Option<String>,
}
