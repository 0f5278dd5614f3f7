//! What really reached a database file, read through a read-only connection
//! of its own, without the core: the text in every table, unit codes, the
//! receipt codes of a batch, rows of the audit log.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

fn open(db: &Path) -> Connection {
    Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open the database read-only")
}

/// Every text value stored in any table of the database at `path`: lets a
/// test check what reached the file (a name in NFC, no NFD anywhere)
/// without depending on the schema's layout.
pub fn stored_texts(path: &Path) -> Vec<String> {
    let conn = open(path);
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("list the tables");
    let mut texts = Vec::new();
    for table in tables {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{table}\""))
            .expect("select a table");
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).expect("query a table");
        while let Some(row) = rows.next().expect("read a row") {
            for i in 0..columns {
                if let Ok(rusqlite::types::ValueRef::Text(t)) = row.get_ref(i) {
                    texts.push(String::from_utf8_lossy(t).into_owned());
                }
            }
        }
    }
    texts
}

/// The codes of every unit, in code order.
pub fn unit_codes(db: &Path) -> Vec<String> {
    open(db)
        .prepare("SELECT code FROM unit ORDER BY code")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("read the unit codes")
}

/// The receipt codes of `batch`: (unit code, receipt code), in unit code order.
pub fn receipt_codes(db: &Path, batch: &str) -> Vec<(String, String)> {
    open(db)
        .prepare(
            "SELECT u.code, r.code FROM receipt r JOIN unit u ON u.id = r.unit_id \
             JOIN batch b ON b.id = r.batch_id WHERE b.code = ?1 ORDER BY u.code",
        )
        .and_then(|mut s| s.query_map([batch], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .expect("read the receipt codes")
}

/// The receipt code of `unit` in `batch`.
pub fn receipt_code(db: &Path, batch: &str, unit: &str) -> String {
    receipt_codes(db, batch)
        .into_iter()
        .find_map(|(u, code)| (u == unit).then_some(code))
        .unwrap_or_else(|| panic!("no receipt of {unit} in {batch}"))
}

/// One row of the audit log: through which door, what, and its details (JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub method: String,
    pub action: String,
    pub detail: String,
}

/// The last row of the audit log.
pub fn last_audit(db: &Path) -> AuditRow {
    open(db)
        .query_row(
            "SELECT method, action, detail FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| {
                Ok(AuditRow {
                    method: r.get(0)?,
                    action: r.get(1)?,
                    detail: r.get(2)?,
                })
            },
        )
        .expect("the last audit row")
}

/// The details (JSON) of every audit row of `action`, oldest first.
pub fn audit_details(db: &Path, action: &str) -> Vec<String> {
    open(db)
        .prepare("SELECT detail FROM audit_log WHERE action = ?1 ORDER BY id")
        .and_then(|mut s| s.query_map([action], |r| r.get(0))?.collect())
        .expect("read the audit rows")
}
