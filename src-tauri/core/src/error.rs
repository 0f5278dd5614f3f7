//! Errors: an internal enum with one variant per source, and the small boundary
//! error (`ApiError`) that the UI and CLI can act on, converted in one `match`.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input from the user: names the field and says what is wrong.
    /// `message` reads on its own; the field travels beside it as data
    /// (`ApiError.field`), and the command line prints "field: message".
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

    /// A row holds a value the app does not know (the file was edited
    /// outside the app, or written by another program): the table, the row
    /// and the value are named, and nothing is read as a default instead.
    #[error(transparent)]
    Corrupt(#[from] Corrupt),

    /// The disk holding the database is full (SQLITE_FULL): the action was
    /// rolled back whole, so what was recorded before is intact.
    #[error("ổ đĩa chứa tệp dữ liệu đã đầy: thao tác này chưa được ghi, dữ liệu đã có vẫn nguyên vẹn. Hãy giải phóng dung lượng ổ đĩa (xoá bớt tệp không cần) rồi thử lại.")]
    DiskFull(#[source] rusqlite::Error),

    /// Another window or program held the write lock longer than the busy
    /// timeout (SQLITE_BUSY / SQLITE_LOCKED): nothing was written.
    #[error("sổ đang được dùng ở một cửa sổ hoặc chương trình khác đang ghi dữ liệu: thao tác này chưa được ghi. Hãy đợi một lát rồi thử lại, hoặc đóng cửa sổ kia.")]
    Busy(#[source] rusqlite::Error),

    /// Any other SQLite error on the register (built by the `From` impl below).
    #[error("lỗi cơ sở dữ liệu: {0}")]
    Sqlite(#[source] rusqlite::Error),

    /// SQLite failed on another database file than the open register: a
    /// copy being made or checked (`doing` says what was being done).
    #[error("{doing} {}: {source}", path.display())]
    Copy {
        doing: &'static str,
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },

    /// A file or folder could not be read, written, moved, removed or
    /// locked: what was being done ("không đọc được", …) and which path.
    #[error("{doing} {}: {}", path.display(), io_reason(source))]
    File {
        doing: String,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A packet could not be listed, read or written through the transport
    /// (an S3-compatible hub, or a folder failing without an I/O error):
    /// what was being done on which object, and why.
    #[error("{doing}: {reason}")]
    Transport { doing: String, reason: String },

    /// The disk has no room for a copy: checked before anything is written.
    #[error("không đủ chỗ trống trên ổ đĩa để sao lưu vào {}: cần khoảng {} MB, chỉ còn {} MB. Hãy giải phóng dung lượng ổ đĩa (hoặc chọn ổ khác) rồi thử lại; chưa có gì được ghi", dir.display(), megabytes(*need), megabytes(*available))]
    NoRoom { dir: PathBuf, need: u64, available: u64 },

    /// A copy was stopped between two steps: a restore needs the files.
    #[error("đã dừng sao lưu vào {} để khôi phục dữ liệu", path.display())]
    Stopped { path: PathBuf },

    /// A long run was asked to stop ("Dừng") while its transaction was
    /// open: rolled back, nothing recorded.
    #[error("đã dừng theo yêu cầu, chưa ghi nhận gì")]
    Halted,

    /// The backup was restored, but its row could not be added to the
    /// restored register's log.
    #[error("đã khôi phục {} từ {}, nhưng chưa ghi được việc khôi phục vào nhật ký: {source}", db_path.display(), from.display())]
    RestoredUnlogged {
        db_path: PathBuf,
        from: PathBuf,
        #[source]
        source: Box<Error>,
    },

    /// The operating system names no per-user data folder.
    #[error("không xác định được thư mục dữ liệu của người dùng; hãy chỉ định --db")]
    NoDataDir,

    /// A password or PIN could not be hashed (Argon2).
    #[error("không băm được mật khẩu: {0}")]
    Hash(password_hash::Error),

    /// An XLSX workbook could not be made (`what`: the file or the sheet).
    #[error("{what}: không tạo được tệp Excel: {source}")]
    Xlsx {
        what: String,
        #[source]
        source: rust_xlsxwriter::XlsxError,
    },

    /// CSV could not be written.
    #[error("không ghi được CSV: {0}")]
    Csv(#[source] csv::Error),

    /// A printout could not be typeset: what the typesetter said, with the
    /// line.
    #[error("không tạo được PDF: {0}")]
    Pdf(String),

    /// Reading or writing a stream that is not a file of ours (standard
    /// input and output of the command line).
    #[error("lỗi vào/ra: {0}")]
    Io(#[from] std::io::Error),

    #[error("lỗi dữ liệu JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// A value in a row that the app cannot have written (an enum column holding
/// a value no variant has, a detail that is not its JSON): the row was edited
/// outside the app or the file is damaged. Names the place it was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bảng {table}, {row}: cột {column} chứa «{value}», không phải giá trị ứng dụng ghi (dữ liệu bị sửa ngoài ứng dụng hoặc tệp bị hỏng)")]
pub struct Corrupt {
    pub table: &'static str,
    pub column: &'static str,
    /// The row, as a person finds it: "dòng 12" (its id), "phiếu ABCD-2345".
    pub row: String,
    pub value: String,
}

/// " (why)" after a message, or nothing.
fn in_brackets(why: &Option<String>) -> String {
    why.as_deref().map(|w| format!(" ({w})")).unwrap_or_default()
}

/// An I/O error's cause in Vietnamese (the system's own words otherwise).
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "không tìm thấy tệp hoặc thư mục".to_owned(),
        std::io::ErrorKind::PermissionDenied => "không có quyền truy cập".to_owned(),
        std::io::ErrorKind::StorageFull => "ổ đĩa đã đầy".to_owned(),
        _ => e.to_string(),
    }
}

/// Bytes as whole megabytes, rounded up.
fn megabytes(bytes: u64) -> u64 {
    bytes.div_ceil(1024 * 1024)
}

/// Sorts SQLite's errors: a full disk and a register busy in another window
/// get their own variant and a message the user can act on, instead of the
/// raw "database or disk is full" / "database is locked"; a value a row
/// mapper refused as unknown ([`Corrupt`]) keeps its place.
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        use rusqlite::ErrorCode;
        if let rusqlite::Error::FromSqlConversionFailure(_, _, inner) = &e {
            if let Some(corrupt) = inner.downcast_ref::<Corrupt>() {
                return Error::Corrupt(corrupt.clone());
            }
        }
        match e.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => Error::DiskFull(e),
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Error::Busy(e),
            _ => Error::Sqlite(e),
        }
    }
}

impl Corrupt {
    /// The value `value` of `column` in the row with id `id` of `table`.
    pub fn at_id(table: &'static str, column: &'static str, id: i64, value: impl Into<String>) -> Corrupt {
        Corrupt {
            table,
            column,
            row: format!("dòng {id}"),
            value: value.into(),
        }
    }

    /// As a row mapper's error (`rusqlite::Result`), turned back into
    /// [`Error::Corrupt`] by the `From` impl above. The column index is left
    /// unknown on purpose: rusqlite then shows only this message, which
    /// already names the column.
    pub fn into_sql(self) -> rusqlite::Error {
        rusqlite::Error::FromSqlConversionFailure(usize::MAX, rusqlite::types::Type::Text, Box::new(self))
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

    /// A failed file operation: `doing` is what was being done, as the
    /// start of a sentence ("không đọc được bản sao lưu").
    pub fn file(doing: impl Into<String>, path: &std::path::Path, source: std::io::Error) -> Error {
        Error::File {
            doing: doing.into(),
            path: path.to_owned(),
            source,
        }
    }

    /// What the UI can do about it.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Invalid { .. } => ErrorKind::Invalid,
            Error::Conflict { .. } => ErrorKind::Conflict,
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::Forbidden(_) => ErrorKind::Forbidden,
            Error::TooNew { .. }
            | Error::Unreadable { .. }
            | Error::Missing { .. }
            | Error::Tampered { .. }
            | Error::Corrupt(_)
            | Error::NotOpen { .. }
            | Error::Interrupted
            | Error::Sqlite(_) => ErrorKind::Database,
            // None of these means the register is damaged: free some space,
            // wait, or choose another file.
            Error::DiskFull(_)
            | Error::Busy(_)
            | Error::InUse { .. }
            | Error::Copy { .. }
            | Error::File { .. }
            | Error::Transport { .. }
            | Error::NoRoom { .. }
            | Error::Stopped { .. }
            | Error::Halted
            | Error::RestoredUnlogged { .. }
            | Error::NoDataDir
            | Error::Hash(_)
            | Error::Xlsx { .. }
            | Error::Csv(_)
            | Error::Pdf(_)
            | Error::Io(_)
            | Error::Json(_) => ErrorKind::Io,
        }
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
    /// A complete Vietnamese sentence for the user; it does not repeat the
    /// field (the window shows the field's own label beside it).
    pub message: String,
    /// The input field at fault, when there is one.
    pub field: Option<String>,
}

impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        let kind = e.kind();
        match e {
            Error::Invalid { field, message } | Error::Conflict { field, message } => ApiError {
                kind,
                message,
                field: Some(field),
            },
            e => ApiError {
                kind,
                message: e.to_string(),
                field: None,
            },
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{field}: {}", self.message),
            None => f.write_str(&self.message),
        }
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

    #[test]
    fn the_field_travels_as_data_beside_a_message_that_reads_alone() {
        let api = ApiError::from(Error::invalid("pin", "Mã PIN gồm 4 đến 8 chữ số"));
        assert_eq!(
            (api.kind, api.message.as_str(), api.field.as_deref()),
            (ErrorKind::Invalid, "Mã PIN gồm 4 đến 8 chữ số", Some("pin"))
        );
        let api = ApiError::from(Error::conflict("username", "Tên đăng nhập «a» đã có"));
        assert_eq!(
            (api.kind, api.message.as_str(), api.field.as_deref()),
            (ErrorKind::Conflict, "Tên đăng nhập «a» đã có", Some("username"))
        );
        // The command line still says which field: "pin: …".
        assert_eq!(Error::invalid("pin", "Sai mã PIN").to_string(), "pin: Sai mã PIN");
    }

    #[test]
    fn a_refused_value_keeps_its_table_row_and_value_through_sqlite() {
        let corrupt = Corrupt::at_id("account", "role", 7, "boss");
        let err = Error::from(corrupt.clone().into_sql());
        assert!(matches!(&err, Error::Corrupt(c) if *c == corrupt), "{err:?}");
        let message = err.to_string();
        assert!(
            message.contains("account") && message.contains("7") && message.contains("boss"),
            "{message}"
        );
        assert_eq!(ApiError::from(err).kind, ErrorKind::Database);
    }

    #[test]
    fn file_errors_name_the_file_and_what_was_being_done() {
        let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
        let err = Error::file("không đọc được", std::path::Path::new("/x/don-vi.csv"), missing);
        assert_eq!(
            err.to_string(),
            "không đọc được /x/don-vi.csv: không tìm thấy tệp hoặc thư mục"
        );
        assert_eq!(ApiError::from(err).kind, ErrorKind::Io);
        let no_room = Error::NoRoom {
            dir: "/data/backups".into(),
            need: 116 << 20,
            available: 50 << 20,
        };
        let message = no_room.to_string();
        assert!(
            message.contains("/data/backups") && message.contains("116 MB") && message.contains("50 MB"),
            "{message}"
        );
    }
}
