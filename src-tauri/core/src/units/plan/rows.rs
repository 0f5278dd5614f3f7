//! A plan's rows read one by one: each cell cleaned, codes one word, the
//! old unit open on the plan's day, the "primary" mark understood; every
//! problem an issue at file:row:column, collected with the rows it spoils.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::dates;
use crate::db::{Dao, UnitRow};
use crate::error::{Error, Result};
use crate::tabular::{Columns, Issue, Table};
use crate::text;

/// One row as read.
pub(super) struct Row {
    pub old: String,
    pub new: Option<String>,
    pub name: Option<String>,
    pub parent: Option<String>,
    pub kind: Option<String>,
    pub primary: bool,
}

/// Collects issues and knows which rows are bad (by index in the table).
pub(super) struct Found<'t> {
    pub table: &'t Table,
    pub cols: &'t Columns,
    pub issues: Vec<Issue>,
    pub bad: HashSet<usize>,
}

impl Found<'_> {
    pub(super) fn error(&mut self, i: usize, field: &str, message: String) {
        self.bad.insert(i);
        self.issues.push(self.cols.error(&self.table.rows[i], field, message));
    }

    pub(super) fn warn(&mut self, i: usize, field: &str, message: String) {
        self.issues.push(self.cols.warning(&self.table.rows[i], field, message));
    }

    /// The row number the user sees of the row at index `i`.
    pub(super) fn line(&self, i: usize) -> usize {
        self.table.rows[i].line
    }
}

/// What a value in the "primary" column means: `Some(true)` for a mark.
fn primary_mark(s: &str) -> Option<bool> {
    match text::search_key(s).as_str() {
        "" | "0" | "khong" | "no" | "false" => Some(false),
        "x" | "1" | "co" | "yes" | "true" | "chinh" | "✓" | "✔" => Some(true),
        _ => None,
    }
}

/// A code in a cell: cleaned, one word.
fn code_in(found: &mut Found<'_>, i: usize, field: &str, raw: &str, label: &str) -> Option<String> {
    let code = text::clean(raw);
    if code.is_empty() {
        return None;
    }
    if code.contains(' ') {
        found.error(i, field, format!("{label} «{code}» không được chứa khoảng trắng"));
        return None;
    }
    Some(code)
}

/// Why a code names no unit open on `day`.
pub(super) fn not_open(dao: &Dao<'_>, code: &str, day: NaiveDate, label: &str) -> Result<String> {
    Ok(match dao.unit_on(code, day) {
        Ok(_) => format!("Đơn vị «{code}» không hoạt động vào ngày {}", dates::vi(day)),
        Err(Error::NotFound { .. }) => format!("{label} «{code}» không có trong sổ"),
        Err(e) => return Err(e),
    })
}

/// Reads every row on its own; `open` holds the units open on `day`.
pub(super) fn read_rows(
    dao: &Dao<'_>,
    found: &mut Found<'_>,
    open: &HashMap<&str, &UnitRow>,
    day: NaiveDate,
) -> Result<Vec<Row>> {
    let (table, cols) = (found.table, found.cols);
    let mut rows: Vec<Row> = Vec::with_capacity(table.rows.len());
    for (i, r) in table.rows.iter().enumerate() {
        let get = |f: &str| cols.get(r, f);
        let old = code_in(found, i, "old_code", get("old_code"), "Mã cũ");
        let old = match old {
            None => {
                if !found.bad.contains(&i) {
                    found.error(i, "old_code", "Mã cũ không được để trống".into());
                }
                String::new()
            }
            Some(old) if !open.contains_key(old.as_str()) => {
                let why = not_open(dao, &old, day, "Mã cũ")?;
                found.error(i, "old_code", why);
                old
            }
            Some(old) => {
                let unit = open[old.as_str()];
                if unit.opened >= day {
                    found.error(
                        i,
                        "old_code",
                        format!(
                            "Đơn vị «{old}» thành lập ngày {}; ngày của kế hoạch phải sau ngày đó",
                            dates::vi(unit.opened)
                        ),
                    );
                }
                old
            }
        };
        let new = code_in(found, i, "new_code", get("new_code"), "Mã mới");
        let parent = code_in(found, i, "new_parent", get("new_parent"), "Mã cấp trên mới");
        let name = text::clean_opt(Some(get("new_name")));
        let kind = text::clean_opt(Some(get("new_kind")));
        let primary = match primary_mark(get("primary")) {
            Some(p) => p,
            None => {
                found.error(
                    i,
                    "primary",
                    format!(
                        "Cột Chính chỉ ghi «x» (đơn vị kế tục chính) hoặc để trống, không ghi «{}»",
                        get("primary")
                    ),
                );
                false
            }
        };
        if new.is_none() && !found.bad.contains(&i) {
            for (field, given) in [
                ("new_name", name.is_some()),
                ("new_parent", parent.is_some()),
                ("new_kind", kind.is_some()),
            ] {
                if given {
                    found.error(
                        i,
                        field,
                        format!("Không có Mã mới nên «{old}» giải thể; dòng này không được ghi đơn vị mới"),
                    );
                }
            }
        }
        rows.push(Row {
            old,
            new,
            name,
            parent,
            kind,
            primary,
        });
    }

    Ok(rows)
}
