//! Bad database files for the tests of refusal and recovery (CLI, app binary,
//! window): the bytes of a good database made corrupt, truncated, random, or
//! marked as written by a newer version of the app; and a damaged index that
//! only the full integrity check finds.

use std::path::Path;

/// Spoils the database at `db` (closed, no -wal) in the way `kind` names:
/// `corrupt`, `truncated`, `random` or `newer`.
pub fn spoil(kind: &str, db: &Path) {
    if kind == "newer" {
        let conn = rusqlite::Connection::open(db).expect("open the database");
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("read the version");
        conn.pragma_update(None, "user_version", v + 1)
            .expect("bump the version");
        // Back to one file, so that nothing but the main file holds the change.
        conn.pragma_update(None, "journal_mode", "DELETE")
            .expect("leave WAL mode");
        return;
    }
    let good = std::fs::read(db).expect("read the database");
    std::fs::write(db, damage(kind, &good)).expect("spoil the database");
}

/// The bytes of a good database made bad.
pub fn damage(kind: &str, good: &[u8]) -> Vec<u8> {
    match kind {
        // Garbage over every page after the first: the schema page stays
        // readable, the tables do not.
        "corrupt" => good
            .iter()
            .enumerate()
            .map(|(i, b)| if i < 4096 { *b } else { (i % 251) as u8 })
            .collect(),
        "truncated" => good[..good.len() / 3].to_vec(),
        "random" => {
            let mut x: u32 = 0x2545_F491;
            (0..good.len())
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    (x >> 24) as u8
                })
                .collect()
        }
        other => panic!("unknown damage {other}"),
    }
}

/// What the refusal says for each kind of damage.
pub fn expected_message(kind: &str) -> &'static str {
    match kind {
        "newer" => "phiên bản mới hơn",
        "random" => "không phải tệp cơ sở dữ liệu SQLite",
        _ => "không mở được tệp dữ liệu",
    }
}

/// Damage that the quick check when a register opens misses and a full
/// `integrity_check` finds: an index whose definition no longer matches its
/// entries (the backup API copies it page for page, so every copy has it).
pub fn damage_an_index(db: &Path) {
    let conn = rusqlite::Connection::open(db).expect("open the database");
    conn.execute_batch(
        "CREATE INDEX damage_probe ON audit_log (action);
         PRAGMA writable_schema = ON;
         UPDATE sqlite_schema SET sql = 'CREATE INDEX damage_probe ON audit_log (actor)'
          WHERE name = 'damage_probe';
         PRAGMA writable_schema = OFF;",
    )
    .expect("damage an index");
}
