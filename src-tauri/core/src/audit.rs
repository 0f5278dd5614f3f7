//! The tamper-evident audit log: every change appends one row holding who,
//! when, what, and the SHA-256 of the previous row.
//!
//! `verify` checks, in one pass over the log and one over the receipts, that
//! the chain holds row by row, that no id is missing, that the append-only
//! triggers are the ones the schema made, and that replaying the log gives the
//! register's current state (`replay`). What the chain alone cannot show — rows
//! cut from the end, or the whole tail rewritten and re-hashed — the head's
//! hash shows: it is printed on every list ("Mã kiểm tra sổ"), and
//! `verify --expect` fails unless the chain still reaches that row unchanged.

mod copies;
mod inbox;
mod replay;

use serde::Serialize;

use crate::db::audit::{schema_triggers, LogRow, GENESIS};
use crate::db::{Dao, Store};
use crate::error::{Error, Result};

pub use crate::db::audit::{Head, CHECK_CODE_LEN};
pub(crate) use replay::receipt_digest_line;

/// The first thing found wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The log row at fault, when the fault is in a row of the log.
    pub row: Option<i64>,
    /// A Vietnamese sentence naming what and where.
    pub message: String,
}

impl Problem {
    fn at(row: i64, message: impl Into<String>) -> Problem {
        Problem {
            row: Some(row),
            message: format!("dòng {row}: {}", message.into()),
        }
    }

    fn state(message: impl Into<String>) -> Problem {
        Problem {
            row: None,
            message: message.into(),
        }
    }
}

/// What `verify` found: `{"ok": …, "rows": N, "head": {"id": N, "hash": "…"}}`,
/// with the first problem when not ok.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub ok: bool,
    /// Rows in the log.
    pub rows: u64,
    /// The last row, `None` for an empty log.
    pub head: Option<Head>,
    /// The row `--expect` named, when it was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<Head>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

impl Store {
    /// Checks the log and the register against it (see the module comment);
    /// returns the number of rows, or `Error::Tampered` naming the first
    /// problem.
    pub fn verify(&self) -> Result<u64> {
        let v = self.verify_log(None)?;
        match v.problem {
            None => Ok(v.rows),
            Some(p) => Err(Error::Tampered {
                row: p.row,
                reason: p.message,
            }),
        }
    }

    /// The last row of the log (what a printed list carries).
    pub fn log_head(&self) -> Result<Option<Head>> {
        self.read(|dao| dao.log_head())
    }

    /// Everything `verify` checks, as a report. With `expect` (the hash of a
    /// row, or its first 12+ hex characters as printed), the log must still
    /// hold that row with the chain intact up to it. `Err` only when the
    /// checks could not run (a bad `expect`, a database error).
    pub fn verify_log(&self, expect: Option<&str>) -> Result<Verification> {
        let expect = expect.map(normalise_expect).transpose()?;
        self.read(|dao| {
            let mut chain = Chain::new(expect.as_deref());
            dao.each_log_row(|row| chain.row(row))?;
            let Chain {
                rows,
                head,
                expected,
                mut problem,
                replay,
                ..
            } = chain;
            if problem.is_none() {
                if let (Some(prefix), None) = (expect.as_deref(), &expected) {
                    problem = Some(Problem::state(format!(
                        "không có dòng nhật ký nào mang mã kiểm tra {prefix}: nhật ký đã bị cắt bớt hoặc viết lại \
                         sau khi mã đó được in (hoặc mã đó thuộc sổ khác)"
                    )));
                }
            }
            if problem.is_none() {
                problem = check_triggers(dao)?;
            }
            if problem.is_none() {
                problem = replay.check(dao)?;
            }
            Ok(Verification {
                ok: problem.is_none(),
                rows,
                head,
                expected,
                problem,
            })
        })
    }
}

/// A hash or its first 12+ characters, lower case; anything else is refused.
fn normalise_expect(raw: &str) -> Result<String> {
    let s = raw.trim().to_ascii_lowercase();
    if s.len() < CHECK_CODE_LEN || s.len() > 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::invalid(
            "expect",
            format!(
                "«{}»: mã kiểm tra là {CHECK_CODE_LEN} đến 64 chữ số thập lục phân (0–9, a–f), như in ở chân danh sách",
                raw.trim()
            ),
        ));
    }
    Ok(s)
}

/// The walk along the chain: one row at a time, in id order.
struct Chain<'e> {
    expect: Option<&'e str>,
    prev: String,
    rows: u64,
    head: Option<Head>,
    expected: Option<Head>,
    problem: Option<Problem>,
    replay: replay::Replay,
}

impl<'e> Chain<'e> {
    fn new(expect: Option<&'e str>) -> Chain<'e> {
        Chain {
            expect,
            prev: GENESIS.to_owned(),
            rows: 0,
            head: None,
            expected: None,
            problem: None,
            replay: replay::Replay::default(),
        }
    }

    fn row(&mut self, row: LogRow) -> Result<()> {
        let id = row.id;
        self.rows += 1;
        let before = self.head.replace(Head {
            id,
            hash: row.hash.clone(),
        });
        // After the first problem only the count and the head go on.
        if self.problem.is_some() {
            return Ok(());
        }
        let expected_id = before.as_ref().map_or(1, |h| h.id + 1);
        if id != expected_id {
            let missing = if id == expected_id + 1 {
                format!("dòng {expected_id}")
            } else {
                format!("các dòng {expected_id}–{}", id - 1)
            };
            self.problem = Some(Problem::at(
                id,
                format!("thiếu {missing} trước dòng này (dòng nhật ký bị xoá)"),
            ));
            return Ok(());
        }
        // The hash covers the row before's hash: a row edited, or one
        // deleted or slipped in before it, breaks the chain here.
        if row.entry().hash(&self.prev) != row.hash {
            self.problem = Some(Problem::at(
                id,
                "nội dung không khớp mã băm (dòng bị sửa, hoặc không nối tiếp dòng trước: dòng bị xoá hay chèn)",
            ));
            return Ok(());
        }
        if let Some(prefix) = self.expect {
            if row.hash.starts_with(prefix) {
                if let Some(first) = &self.expected {
                    return Err(Error::invalid(
                        "expect",
                        format!(
                            "mã kiểm tra {prefix} trùng hai dòng ({} và {id}); hãy nhập thêm chữ số",
                            first.id
                        ),
                    ));
                }
                self.expected = Some(Head {
                    id,
                    hash: row.hash.clone(),
                });
            }
        }
        if let Err(problem) = self
            .replay
            .feed(id, &row.method, &row.action, row.entity_uid.as_deref(), &row.detail)
        {
            self.problem = Some(problem);
        }
        self.prev = row.hash;
        Ok(())
    }
}

/// The triggers the schema makes, compared with the file's: a missing,
/// altered or foreign trigger is named.
fn check_triggers(dao: &Dao<'_>) -> Result<Option<Problem>> {
    let expected = schema_triggers()?;
    let found = dao.triggers()?;
    for (name, (table, sql)) in &expected {
        match found.get(name) {
            None => {
                return Ok(Some(Problem::state(format!(
                    "trigger «{name}» bảo vệ bảng {table} (chỉ được ghi thêm) đã bị xoá khỏi tệp dữ liệu"
                ))))
            }
            Some((t, s)) if t != table || s != sql => {
                return Ok(Some(Problem::state(format!(
                    "trigger «{name}» bảo vệ bảng {table} đã bị thay đổi, không còn như ứng dụng tạo ra"
                ))))
            }
            Some(_) => {}
        }
    }
    if let Some((name, (table, _))) = found.iter().find(|(name, _)| !expected.contains_key(*name)) {
        return Ok(Some(Problem::state(format!(
            "tệp dữ liệu có trigger lạ «{name}» trên bảng {table}, không do ứng dụng tạo ra"
        ))));
    }
    Ok(None)
}

#[cfg(test)]
mod tests;
