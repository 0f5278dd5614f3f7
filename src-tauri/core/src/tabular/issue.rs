//! A problem found in an imported file, at file:row:column, with a
//! Vietnamese sentence: an error stops the import, a warning does not.

use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A problem at file:row:column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Issue {
    pub file: String,
    /// Row as a spreadsheet user sees it; 0 = the whole file.
    pub row: u32,
    /// The header text as written in the file.
    pub column: Option<String>,
    /// A Vietnamese sentence.
    pub message: String,
    /// A warning does not stop the import.
    pub warning: bool,
}

impl Issue {
    /// An error: the import stops.
    pub fn error(file: impl Into<String>, row: u32, column: Option<&str>, message: impl Into<String>) -> Issue {
        Issue {
            file: file.into(),
            row,
            column: column.map(str::to_string),
            message: message.into(),
            warning: false,
        }
    }

    /// A warning: shown, but the import goes on.
    pub fn warning(file: impl Into<String>, row: u32, column: Option<&str>, message: impl Into<String>) -> Issue {
        Issue {
            warning: true,
            ..Issue::error(file, row, column, message)
        }
    }
}

/// "FILE:ROW:COLUMN: message", or "FILE:ROW: message" without a column; a
/// warning's message starts with "cảnh báo: ".
impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:", self.file, self.row)?;
        if let Some(column) = self.column.as_deref().filter(|c| !c.is_empty()) {
            write!(f, "{column}:")?;
        }
        if self.warning {
            f.write_str(" cảnh báo:")?;
        }
        write!(f, " {}", self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_display() {
        let e = Issue::error("a.csv", 12, Some("Mã cấp trên"), "không có đơn vị mã «X»");
        assert_eq!(e.to_string(), "a.csv:12:Mã cấp trên: không có đơn vị mã «X»");
        let e = Issue::error("a.csv", 0, Some(""), "tệp trống");
        assert_eq!(e.to_string(), "a.csv:0: tệp trống");
    }
}
