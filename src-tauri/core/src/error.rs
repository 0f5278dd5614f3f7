//! Errors: an internal enum with one variant per source, and the small boundary
//! error (`ApiError`) that the UI and CLI can act on, converted in one `match`.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input from the user: names the field and says what is wrong.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },

    /// A referenced record does not exist.
    #[error("{what} '{key}' không tồn tại")]
    NotFound { what: &'static str, key: String },

    /// The record would clash with an existing one (duplicate code, …).
    #[error("{field}: {message}")]
    Conflict { field: String, message: String },

    /// The database file was written by a newer version of the app.
    #[error("tệp dữ liệu {path} do phiên bản mới hơn tạo ra (phiên bản lược đồ {found}, ứng dụng này hỗ trợ đến {supported}); hãy cập nhật ứng dụng. Tệp được giữ nguyên.")]
    TooNew { path: PathBuf, found: i64, supported: i64 },

    /// The file is not a usable database (not SQLite, corrupt, truncated).
    #[error("không mở được tệp dữ liệu {path}: {reason}. Tệp được giữ nguyên, không bị xoá hay ghi đè.")]
    Unreadable { path: PathBuf, reason: String },

    /// There is no database file at the path (and this action creates none).
    #[error("không tìm thấy tệp dữ liệu {path}; không có tệp nào được tạo.")]
    Missing { path: PathBuf },

    /// Another window or program has the register open, so it cannot be
    /// replaced now (a restore); nothing was moved.
    #[error("chưa khôi phục được vào {path}: {reason}. Hãy đóng các cửa sổ và lệnh đang dùng sổ rồi thử lại; chưa có tệp nào bị di chuyển.")]
    InUse { path: PathBuf, reason: String },

    /// The app holds no open register (the database could not be opened;
    /// the window offers to restore a backup): `problem` says why.
    #[error("Chưa mở được tệp dữ liệu{}; hãy khôi phục một bản sao lưu.", in_brackets(.problem))]
    NotOpen { problem: Option<String> },

    /// An earlier action of this process failed half-way (a panic while it
    /// held the register): its transaction was rolled back.
    #[error("Một thao tác trước đó bị lỗi giữa chừng và đã được huỷ; hãy đóng rồi mở lại ứng dụng. Dữ liệu đã lưu không bị ảnh hưởng.")]
    Interrupted,

    /// Not allowed for this account (role, own unit only, locked PIN).
    #[error("{0}")]
    Forbidden(String),

    /// The audit log does not hold, or the register is not what replaying
    /// the log gives: `reason` names the first difference (and the log row,
    /// when the fault is in a row of the log).
    #[error("nhật ký hoặc dữ liệu sổ đã bị sửa ngoài ứng dụng: {reason}")]
    Tampered { row: Option<i64>, reason: String },

    /// The disk holding the database is full (SQLITE_FULL): the action was
    /// rolled back whole, so what was recorded before is intact.
    #[error("ổ đĩa chứa tệp dữ liệu đã đầy: thao tác này chưa được ghi, dữ liệu đã có vẫn nguyên vẹn. Hãy giải phóng dung lượng ổ đĩa (xoá bớt tệp không cần) rồi thử lại.")]
    DiskFull(#[source] rusqlite::Error),

    /// Another window or program held the write lock longer than the busy
    /// timeout (SQLITE_BUSY / SQLITE_LOCKED): nothing was written.
    #[error("sổ đang được dùng ở một cửa sổ hoặc chương trình khác đang ghi dữ liệu: thao tác này chưa được ghi. Hãy đợi một lát rồi thử lại, hoặc đóng cửa sổ kia.")]
    Busy(#[source] rusqlite::Error),

    /// Any other SQLite error (built by the `From` impl below).
    #[error("lỗi cơ sở dữ liệu: {0}")]
    Sqlite(#[source] rusqlite::Error),

    #[error("lỗi vào/ra: {0}")]
    Io(#[from] std::io::Error),

    #[error("lỗi dữ liệu JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// " (why)" after a message, or nothing.
fn in_brackets(why: &Option<String>) -> String {
    why.as_deref().map(|w| format!(" ({w})")).unwrap_or_default()
}

/// Sorts SQLite's errors: a full disk and a register busy in another window
/// get their own variant and a message the user can act on, instead of the
/// raw "database or disk is full" / "database is locked".
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        use rusqlite::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => Error::DiskFull(e),
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Error::Busy(e),
            _ => Error::Sqlite(e),
        }
    }
}

impl Error {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn conflict(field: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Conflict {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn not_found(what: &'static str, key: impl Into<String>) -> Error {
        Error::NotFound { what, key: key.into() }
    }
}

/// What the UI can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorKind {
    /// Fix the named field and try again.
    Invalid,
    /// Something named does not exist.
    NotFound,
    /// Clashes with an existing record.
    Conflict,
    /// The database file cannot be used; it was left untouched.
    Database,
    /// Disk or file problem.
    Io,
    /// Not allowed for the current user.
    Forbidden,
}

/// The error that crosses IPC: `{ kind, message, field }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ApiError {
    pub kind: ErrorKind,
    /// A complete Vietnamese sentence for the user.
    pub message: String,
    /// The input field at fault, when there is one.
    pub field: Option<String>,
}

impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        let message = e.to_string();
        let (kind, field) = match e {
            Error::Invalid { field, .. } => (ErrorKind::Invalid, Some(field)),
            Error::Conflict { field, .. } => (ErrorKind::Conflict, Some(field)),
            Error::NotFound { .. } => (ErrorKind::NotFound, None),
            Error::Forbidden(_) => (ErrorKind::Forbidden, None),
            Error::TooNew { .. }
            | Error::Unreadable { .. }
            | Error::Missing { .. }
            | Error::Tampered { .. }
            | Error::NotOpen { .. }
            | Error::Interrupted
            | Error::Sqlite(_) => (ErrorKind::Database, None),
            // Neither means the file is damaged: free some space, or wait.
            Error::Io(_) | Error::Json(_) | Error::DiskFull(_) | Error::Busy(_) | Error::InUse { .. } => {
                (ErrorKind::Io, None)
            }
        };
        ApiError { kind, message, field }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite(code: std::os::raw::c_int) -> Error {
        Error::from(rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None))
    }

    #[test]
    fn a_full_disk_and_a_busy_register_say_what_to_do() {
        let full = ApiError::from(sqlite(rusqlite::ffi::SQLITE_FULL));
        assert_eq!(full.kind, ErrorKind::Io);
        assert!(
            full.message.contains("ổ đĩa") && full.message.contains("đầy"),
            "{}",
            full.message
        );
        assert!(!full.message.contains("disk is full"), "{}", full.message);

        for code in [rusqlite::ffi::SQLITE_BUSY, rusqlite::ffi::SQLITE_LOCKED] {
            let busy = ApiError::from(sqlite(code));
            assert_eq!(busy.kind, ErrorKind::Io);
            assert!(
                busy.message.contains("cửa sổ hoặc chương trình khác"),
                "{}",
                busy.message
            );
            assert!(!busy.message.contains("locked"), "{}", busy.message);
        }

        let other = ApiError::from(sqlite(rusqlite::ffi::SQLITE_CORRUPT));
        assert_eq!(other.kind, ErrorKind::Database);
    }
}
