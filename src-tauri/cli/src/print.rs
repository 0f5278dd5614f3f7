//! What the command line prints on standard output: records as JSON or CSV,
//! the path of a file it wrote, local times, and the report of `verify`.

use std::io::Write;
use std::path::Path;

use giaonhan::{Error, Store};
use serde::Serialize;

use crate::values::{Format, VerifyFormat};

/// Records as one pretty JSON array, or as CSV with a header row (list-valued
/// fields joined with "; ", formula-like text neutralised).
pub fn print(format: Format, rows: &[impl Serialize]) -> Result<(), Error> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, rows)?;
            writeln!(out)?;
        }
        Format::Csv => giaonhan::tabular::write_rows(out, rows)?,
    }
    Ok(())
}

/// The path of a file written, for scripts.
pub fn saved(out: &Path) {
    println!("{}", out.display());
}

/// An instant in the user's time zone: "28/11/2026 13:05:01".
pub fn local_time(t: &chrono::DateTime<chrono::Utc>) -> String {
    let local = t.with_timezone(&chrono::Local);
    format!(
        "{} {}",
        giaonhan::dates::vi(local.date_naive()),
        local.format("%H:%M:%S")
    )
}

/// `giaonhan verify`: the report on stdout (a sentence, or JSON); a problem
/// also on stderr, with a failure exit status.
pub fn verify(store: &Store, format: VerifyFormat, expect: Option<&str>) -> Result<(), Error> {
    let v = store.verify_log(expect)?;
    if format == VerifyFormat::Json {
        println!("{}", serde_json::to_string_pretty(&v)?);
    }
    match v.problem {
        Some(p) => Err(Error::Tampered {
            row: p.row,
            reason: p.message,
        }),
        None => {
            if format == VerifyFormat::Text {
                let head = match &v.head {
                    Some(h) => format!("; dòng cuối {}, mã kiểm tra sổ {}", h.id, h.check_code()),
                    None => String::new(),
                };
                let anchor = match &v.expected {
                    Some(e) => format!("; còn nguyên đến dòng {} (mã {})", e.id, e.check_code()),
                    None => String::new(),
                };
                println!("Nhật ký nguyên vẹn: {} dòng, khớp với dữ liệu sổ{head}{anchor}", v.rows);
            }
            Ok(())
        }
    }
}
