//! Importing units: each row checked (code, name, parent in the register or
//! in the file, no cycle), a row already in the register with the same
//! values left unchanged, and the new units written parents first, only
//! when the whole file holds no error.

use std::collections::{HashMap, HashSet};

use super::checker::{outcome, same, Checker};
use super::report::{ImportReport, Register, RowAction};
use super::Rows;
use crate::db::Dao;
use crate::error::{Error, Result};
use crate::model::NewUnit;
use crate::tabular::{Columns, Issue, Table, TableRow};
use crate::text;
use crate::units::insert_unit_rows;

/// Checks every row of a units file and, when none has an error, adds the
/// new units (parents first) in the caller's transaction.
pub(super) fn check_units(
    dao: &Dao<'_>,
    table: &Table,
    cols: Columns,
    warnings: Vec<Issue>,
    progress: &mut Rows<'_>,
) -> Result<ImportReport> {
    let mut ck = Checker::new(table, cols, warnings);
    let mut rows = Vec::with_capacity(table.rows.len());
    let mut first_row: HashMap<String, usize> = HashMap::new();
    let mut new_units: Vec<(&TableRow, NewUnit)> = Vec::new();
    let known_kinds: HashSet<String> = dao
        .kind_names()?
        .into_iter()
        .map(|k| text::search_key(&k))
        .collect::<HashSet<_>>();
    let mut new_kinds: Vec<String> = Vec::new();

    for (i, row) in table.rows.iter().enumerate() {
        progress.checking(i)?;
        let code = text::clean(ck.get(row, "code"));
        let name = text::clean(ck.get(row, "name"));
        if code.is_empty() {
            ck.error(row, "code", "Mã đơn vị không được để trống".into());
        } else if code.contains(' ') {
            ck.error(row, "code", format!("Mã đơn vị «{code}» không được chứa khoảng trắng"));
        } else if let Some(&first) = first_row.get(&code) {
            ck.error(row, "code", format!("Mã đơn vị «{code}» trùng với dòng {first}"));
        } else {
            first_row.insert(code.clone(), row.line);
        }
        if name.is_empty() {
            ck.error(row, "name", "Tên đơn vị không được để trống".into());
        }
        let input = NewUnit {
            code: code.clone(),
            name: name.clone(),
            parent: ck.opt(row, "parent"),
            kind: ck.opt(row, "kind"),
            short_name: ck.opt(row, "short_name"),
            phone: ck.opt(row, "phone"),
            address: ck.opt(row, "address"),
            opened_on: None,
            secretary: ck.opt(row, "secretary"),
            deputy: ck.opt(row, "deputy"),
        };
        if input.parent.as_deref() == Some(code.as_str()) && !code.is_empty() {
            ck.error(
                row,
                "parent",
                format!("Đơn vị «{code}» không thể là cấp trên của chính nó"),
            );
        }
        if ck.is_bad(row) {
            rows.push(outcome(row, &code, &name, RowAction::Error));
            continue;
        }
        // Already in the register: the same values change nothing; other
        // values need a dated reorganisation, not an import.
        match dao.unit_by_code(&code) {
            Ok(existing) => {
                let u = &existing.unit;
                let checks: [(&str, &Option<String>, Option<String>); 7] = [
                    ("name", &Some(name.clone()), Some(u.name.clone())),
                    ("parent", &input.parent, u.parent.clone()),
                    ("kind", &input.kind, u.kind.clone()),
                    ("short_name", &input.short_name, u.short_name.clone()),
                    ("phone", &input.phone, u.phone.clone()),
                    ("secretary", &input.secretary, u.secretary.clone()),
                    ("deputy", &input.deputy, u.deputy.clone()),
                ];
                for (field, file, stored) in checks {
                    let equal = match field {
                        "parent" => file == &stored,
                        "kind" => {
                            file.as_deref().map(text::search_key) == stored.as_deref().map(text::search_key)
                                || file.is_none()
                        }
                        _ => same(file, &stored),
                    };
                    if !equal {
                        ck.error(
                            row,
                            field,
                            format!(
                                "Mã «{code}» đã có trong sổ với giá trị khác («{}» trong sổ, «{}» trong tệp); \
                                 đổi tên hay chuyển cấp trên bằng chức năng sắp xếp đơn vị, có ngày hiệu lực",
                                stored.as_deref().unwrap_or(""),
                                file.as_deref().unwrap_or("")
                            ),
                        );
                    }
                }
                let action = if ck.is_bad(row) {
                    RowAction::Error
                } else {
                    RowAction::Unchanged
                };
                rows.push(outcome(row, &code, &name, action));
            }
            Err(Error::NotFound { .. }) => {
                if let Some(kind) = &input.kind {
                    let key = text::search_key(kind);
                    if !known_kinds.contains(&key) && !new_kinds.iter().any(|k| text::search_key(k) == key) {
                        new_kinds.push(kind.clone());
                        ck.warn(row, "kind", format!("Loại đơn vị mới «{kind}» sẽ được tạo"));
                    }
                }
                rows.push(outcome(row, &code, &name, RowAction::Add));
                new_units.push((row, input));
            }
            Err(e) => return Err(e),
        }
    }

    // Parents: in the register, or added by this file (in any order).
    let adding: HashMap<&str, usize> = new_units
        .iter()
        .enumerate()
        .map(|(i, (_, u))| (u.code.as_str(), i))
        .collect();
    for (row, unit) in &new_units {
        if let Some(p) = &unit.parent {
            if !adding.contains_key(p.as_str()) && !first_row.contains_key(p) {
                match dao.unit_by_code(p) {
                    Ok(_) => {}
                    Err(Error::NotFound { .. }) => ck.error(
                        row,
                        "parent",
                        format!("Mã cấp trên «{p}» không có trong sổ hay trong tệp"),
                    ),
                    Err(e) => return Err(e),
                }
            }
        }
    }
    // Order so that parents come first; a cycle is an error on each row in it.
    let mut order = Vec::with_capacity(new_units.len());
    let mut state = vec![0u8; new_units.len()]; // 0 new, 1 visiting, 2 done
    for start in 0..new_units.len() {
        let mut chain: Vec<usize> = Vec::new();
        let mut at = Some(start);
        while let Some(i) = at {
            if state[i] == 2 {
                break;
            }
            if state[i] == 1 {
                for &j in &chain {
                    let row: &TableRow = new_units[j].0;
                    let code = new_units[j].1.code.clone();
                    ck.error(row, "parent", format!("Vòng lặp cấp trên: «{code}» nằm dưới chính nó"));
                }
                break;
            }
            state[i] = 1;
            chain.push(i);
            at = new_units[i].1.parent.as_deref().and_then(|p| adding.get(p).copied());
        }
        for &j in chain.iter().rev() {
            state[j] = 2;
            order.push(j);
        }
    }
    for r in &mut rows {
        if ck.bad_rows.contains(&(r.row as usize)) {
            r.action = RowAction::Error;
        }
    }
    let ok = ck.issues.iter().all(|i| i.warning);
    let mut written = 0;
    if ok {
        for (n, &i) in order.iter().enumerate() {
            progress.writing(n, order.len())?;
            insert_unit_rows(dao, &new_units[i].1)?;
            written += 1;
        }
    }
    progress.done(written);
    Ok(ImportReport {
        file: table.file.clone(),
        register: Register::Units,
        rows,
        issues: ck.issues,
        new_kinds,
        written: false,
    })
}
