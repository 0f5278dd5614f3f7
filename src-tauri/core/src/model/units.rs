//! Units and their tree: a unit as listed on a day, the input for a new one,
//! its edits, the dated reorganisations (rename, move, merge, split, close)
//! and its history, the unit kinds, the secretaries and deputies.

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

/// A unit as a tree or a picker shows it on one day: what every unit of a
/// province's ten thousand carries to the window (no contact details,
/// signers or ids; `Store::unit_as_of` gives the whole unit).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UnitEntry {
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
    /// `None`: open.
    pub closed_on: Option<NaiveDate>,
}

impl From<Unit> for UnitEntry {
    fn from(u: Unit) -> Self {
        UnitEntry {
            code: u.code,
            name: u.name,
            short_name: u.short_name,
            kind: u.kind,
            parent: u.parent,
            depth: u.depth,
            children: u.children,
            descendants: u.descendants,
            closed_on: u.closed_on,
        }
    }
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
