//! Documents in the register: the record as listed (with the copies on
//! hand), the input for a new one, and the security classification.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

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

/// What stands in a Tuyệt mật document's summary wherever it is shown,
/// printed or exported: only its symbol, classification and copies are.
pub const ABSOLUTE_SUMMARY: &str = "(Tuyệt mật: không ghi trích yếu)";

/// The summary as it may be printed or exported: a Tuyệt mật document's
/// (classification `absolute`, as stored) is replaced by [`ABSOLUTE_SUMMARY`].
pub fn shown_title(classification: &str, title: String) -> String {
    if classification == Classification::Absolute.as_str() {
        ABSOLUTE_SUMMARY.to_owned()
    } else {
        title
    }
}
