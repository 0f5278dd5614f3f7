//! A second process that holds a register open, for the tests of a restore
//! that must wait for nobody (`tests/tests/cli_backup.rs`):
//!
//!   hold_register store DB    opens DB as the app and the CLI do (`Store`)
//!   hold_register sqlite DB   opens DB with a plain SQLite connection and
//!                             reads it, as a program that knows nothing of
//!                             the register's lock file would
//!
//! Prints `open` once the register is open, then keeps it open until its
//! standard input closes.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [mode, db] = args.as_slice() else {
        eprintln!("usage: hold_register store|sqlite DB");
        return ExitCode::from(2);
    };
    let db = PathBuf::from(db);
    let held: Box<dyn std::any::Any> = match mode.as_str() {
        "store" => match giaonhan::Store::open_existing(&db) {
            Ok(store) => Box::new(store),
            Err(e) => {
                eprintln!("hold_register: {e}");
                return ExitCode::from(2);
            }
        },
        "sqlite" => {
            let opened = rusqlite::Connection::open(&db).and_then(|conn| {
                conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0))?;
                Ok(conn)
            });
            match opened {
                Ok(conn) => Box::new(conn),
                Err(e) => {
                    eprintln!("hold_register: {e}");
                    return ExitCode::from(2);
                }
            }
        }
        other => {
            eprintln!("hold_register: unknown mode {other}");
            return ExitCode::from(2);
        }
    };
    println!("open");
    let _ = std::io::stdout().flush();
    let mut rest = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut rest);
    drop(held);
    ExitCode::SUCCESS
}
