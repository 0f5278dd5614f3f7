//! Bulk import and export of the two registers (units, documents) as CSV or
//! XLSX. An import is checked whole first — every problem reported with
//! file, row and column — and written in one transaction only when there is
//! none; re-importing the same file changes nothing and says so.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::db::{Actor, Dao, Store};
use crate::documents::Symbol;
use crate::error::{Error, Result};
use crate::model::{Classification, NewDocument, NewUnit};
use crate::tabular::{self, Cell, Columns, Field, Issue, Table, TableRow};
use crate::text;

/// A file chosen for import in the window: what the window shows of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ChosenFile {
    /// The file name, without its folder.
    pub name: String,
    /// Size in bytes.
    #[ts(type = "number")]
    pub size: u64,
}

impl ChosenFile {
    /// The file at `path`, which must exist.
    pub fn of(path: &Path) -> Result<ChosenFile> {
        let size = std::fs::metadata(path)
            .map_err(|e| crate::files::io_error(path, e, "đọc"))?
            .len();
        Ok(ChosenFile {
            name: ChosenFile::name_of(path),
            size,
        })
    }

    fn name_of(path: &Path) -> String {
        path.file_name()
            .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
    }
}

/// Which register a file feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Register {
    Units,
    Documents,
}

/// What happens to one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RowAction {
    /// A new record.
    Add,
    /// Already in the register with the same values.
    Unchanged,
    /// Refused: see the issues of this row.
    Error,
}

/// The outcome of one data row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RowOutcome {
    pub row: u32,
    /// Unit code or document symbol.
    pub key: String,
    pub name: String,
    pub action: RowAction,
}

/// The preview (or the result) of an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportReport {
    pub file: String,
    pub register: Register,
    pub rows: Vec<RowOutcome>,
    /// Errors and warnings, each at file:row:column.
    pub issues: Vec<Issue>,
    /// Unit kinds the import creates.
    pub new_kinds: Vec<String>,
    /// True when the rows were written (not a dry run, no error).
    pub written: bool,
}

impl ImportReport {
    pub fn error_count(&self) -> usize {
        self.issues.iter().filter(|i| !i.warning).count()
    }

    pub fn is_ok(&self) -> bool {
        self.error_count() == 0
    }

    fn count(&self, action: RowAction) -> usize {
        self.rows.iter().filter(|r| r.action == action).count()
    }

    /// One Vietnamese sentence for the user.
    pub fn summary(&self, dry_run: bool) -> String {
        let (added, same) = (self.count(RowAction::Add), self.count(RowAction::Unchanged));
        if !self.is_ok() {
            return format!("{}: {} lỗi; không ghi dòng nào.", self.file, self.error_count());
        }
        if added == 0 {
            return format!("{}: không có gì thay đổi — {same} dòng đã có trong sổ.", self.file);
        }
        let verb = if dry_run { "sẽ thêm" } else { "đã thêm" };
        let mut s = format!("{}: {verb} {added} dòng, {same} dòng đã có.", self.file);
        if !self.new_kinds.is_empty() {
            s.push_str(&format!(" Loại đơn vị mới: {}.", self.new_kinds.join(", ")));
        }
        s
    }
}

const UNIT_FIELDS: &[Field] = &[
    Field {
        name: "code",
        aliases: &["Mã", "Mã đơn vị", "unit_code"],
        required: true,
    },
    Field {
        name: "name",
        aliases: &["Tên", "Tên đơn vị", "unit_name"],
        required: true,
    },
    Field {
        name: "parent",
        aliases: &["Mã cấp trên", "parent_code", "Cấp trên"],
        required: true,
    },
    Field {
        name: "kind",
        aliases: &["Loại", "Loại đơn vị"],
        required: true,
    },
    Field {
        name: "short_name",
        aliases: &["Tên viết tắt", "Tên tắt"],
        required: false,
    },
    Field {
        name: "phone",
        aliases: &["Điện thoại", "Số điện thoại", "SĐT"],
        required: false,
    },
    Field {
        name: "secretary",
        aliases: &["Bí thư"],
        required: false,
    },
    Field {
        name: "deputy",
        aliases: &["Phó bí thư"],
        required: false,
    },
    Field {
        name: "address",
        aliases: &["Địa chỉ"],
        required: false,
    },
];

const DOC_FIELDS: &[Field] = &[
    Field {
        name: "symbol",
        aliases: &["Số ký hiệu", "Số, ký hiệu", "Ký hiệu", "Số và ký hiệu"],
        required: true,
    },
    Field {
        name: "title",
        aliases: &["Trích yếu", "Tên văn bản", "Trích yếu nội dung"],
        required: true,
    },
    Field {
        name: "date",
        aliases: &["Ngày", "Ngày ban hành", "Ngày văn bản", "issued_on"],
        required: false,
    },
    Field {
        name: "copies",
        aliases: &["Số bản", "Số bản nhận", "copies_received"],
        required: false,
    },
    Field {
        name: "classification",
        aliases: &["Độ mật", "Mật"],
        required: false,
    },
];

/// Column headers of exports and templates (Vietnamese; imports accept them).
const UNIT_HEADERS: &[&str] = &[
    "Mã",
    "Tên",
    "Mã cấp trên",
    "Loại",
    "Tên viết tắt",
    "Điện thoại",
    "Bí thư",
    "Phó bí thư",
    "Địa chỉ",
];
const DOC_HEADERS: &[&str] = &["Số ký hiệu", "Trích yếu", "Ngày", "Số bản", "Độ mật", "Còn lại"];

/// Collects issues for one file.
struct Checker<'t> {
    table: &'t Table,
    cols: Columns,
    issues: Vec<Issue>,
    bad_rows: HashSet<usize>,
}

impl<'t> Checker<'t> {
    fn new(table: &'t Table, cols: Columns, warnings: Vec<Issue>) -> Checker<'t> {
        Checker {
            table,
            cols,
            issues: warnings,
            bad_rows: HashSet::new(),
        }
    }

    fn error(&mut self, row: &TableRow, field: &str, message: String) {
        self.bad_rows.insert(row.line);
        self.issues.push(Issue {
            file: self.table.file.clone(),
            row: u32::try_from(row.line).unwrap_or(u32::MAX),
            column: self.cols.header(field).map(str::to_owned),
            message,
            warning: false,
        });
    }

    fn warn(&mut self, row: &TableRow, field: &str, message: String) {
        self.issues.push(Issue {
            file: self.table.file.clone(),
            row: u32::try_from(row.line).unwrap_or(u32::MAX),
            column: self.cols.header(field).map(str::to_owned),
            message,
            warning: true,
        });
    }

    fn get(&self, row: &'t TableRow, field: &str) -> &'t str {
        self.cols.get(row, field)
    }

    fn opt(&self, row: &'t TableRow, field: &str) -> Option<String> {
        text::clean_opt(Some(self.get(row, field)))
    }

    fn is_bad(&self, row: &TableRow) -> bool {
        self.bad_rows.contains(&row.line)
    }
}

fn outcome(row: &TableRow, key: &str, name: &str, action: RowAction) -> RowOutcome {
    RowOutcome {
        row: u32::try_from(row.line).unwrap_or(u32::MAX),
        key: key.to_owned(),
        name: name.to_owned(),
        action,
    }
}

/// Compares a file value with the register's: equal ignoring an empty cell.
fn same(file: &Option<String>, stored: &Option<String>) -> bool {
    file.is_none() || file == stored
}

impl Dao<'_> {
    fn import_units(&self, table: &Table, cols: Columns, warnings: Vec<Issue>) -> Result<ImportReport> {
        let mut ck = Checker::new(table, cols, warnings);
        let mut rows = Vec::with_capacity(table.rows.len());
        let mut first_row: HashMap<String, usize> = HashMap::new();
        let mut new_units: Vec<(&TableRow, NewUnit)> = Vec::new();
        let known_kinds: HashSet<String> = self
            .kinds()?
            .into_iter()
            .map(|k| text::search_key(&k))
            .collect::<HashSet<_>>();
        let mut new_kinds: Vec<String> = Vec::new();

        for row in &table.rows {
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
            match self.unit_by_code(&code) {
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
                    match self.unit_by_code(p) {
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
        if ok {
            for i in order {
                self.insert_unit(&new_units[i].1)?;
            }
        }
        Ok(ImportReport {
            file: table.file.clone(),
            register: Register::Units,
            rows,
            issues: ck.issues,
            new_kinds,
            written: false,
        })
    }

    fn kinds(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("SELECT name FROM unit_kind")?;
        let kinds = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(kinds)
    }

    fn import_documents(&self, table: &Table, cols: Columns, warnings: Vec<Issue>) -> Result<ImportReport> {
        let mut ck = Checker::new(table, cols, warnings);
        let mut rows = Vec::with_capacity(table.rows.len());
        let mut first_row: HashMap<String, usize> = HashMap::new();
        let mut new_docs = Vec::new();
        for row in &table.rows {
            let symbol = text::clean(ck.get(row, "symbol"));
            let title = text::clean(ck.get(row, "title"));
            if symbol.is_empty() {
                ck.error(row, "symbol", "Số ký hiệu không được để trống".into());
            } else if let Err(why) = Symbol::parse(&symbol) {
                ck.error(row, "symbol", format!("Số ký hiệu sai: {why}"));
            } else if let Some(&first) = first_row.get(&symbol) {
                ck.error(row, "symbol", format!("Văn bản «{symbol}» trùng với dòng {first}"));
            } else {
                first_row.insert(symbol.clone(), row.line);
                for w in Symbol::parse(&symbol).map(|s| s.warnings()).unwrap_or_default() {
                    ck.warn(row, "symbol", w);
                }
            }
            if title.is_empty() {
                ck.error(row, "title", "Trích yếu không được để trống".into());
            }
            let issued_on = match ck.opt(row, "date") {
                None => None,
                Some(d) => match tabular::parse_date(&d) {
                    Ok(d) => Some(d),
                    Err(why) => {
                        ck.error(row, "date", why);
                        None
                    }
                },
            };
            let copies = match ck.opt(row, "copies") {
                None => 0,
                Some(c) => tabular::parse_count(&c).unwrap_or_else(|why| {
                    ck.error(row, "copies", why);
                    0
                }),
            };
            let classification = match ck.opt(row, "classification") {
                None => Classification::Normal,
                Some(c) => Classification::parse(&c).unwrap_or_else(|| {
                    ck.error(
                        row,
                        "classification",
                        format!("Độ mật «{c}» không hợp lệ: Thường, Mật, Tối mật, Tuyệt mật"),
                    );
                    Classification::Normal
                }),
            };
            if ck.is_bad(row) {
                rows.push(outcome(row, &symbol, &title, RowAction::Error));
                continue;
            }
            let input = NewDocument {
                symbol: symbol.clone(),
                title: title.clone(),
                issued_on,
                copies_received: copies,
                classification,
                term: None,
            };
            match self.document_by_symbol(&symbol) {
                Ok((_, d)) => {
                    let diffs = [
                        // An export stands a placeholder for a Tuyệt mật summary.
                        (
                            "title",
                            d.title != title
                                && !(d.classification == Classification::Absolute
                                    && title == crate::documents::ABSOLUTE_SUMMARY),
                        ),
                        ("date", issued_on.is_some() && d.issued_on != issued_on),
                        ("copies", copies != 0 && d.copies_received != copies),
                        ("classification", d.classification != classification),
                    ];
                    for (field, differs) in diffs {
                        if differs {
                            ck.error(
                                row,
                                field,
                                format!("Văn bản «{symbol}» đã có trong sổ với giá trị khác"),
                            );
                        }
                    }
                    let action = if ck.is_bad(row) {
                        RowAction::Error
                    } else {
                        RowAction::Unchanged
                    };
                    rows.push(outcome(row, &symbol, &title, action));
                }
                Err(Error::NotFound { .. }) => {
                    rows.push(outcome(row, &symbol, &title, RowAction::Add));
                    new_docs.push(input);
                }
                Err(e) => return Err(e),
            }
        }
        let ok = ck.issues.iter().all(|i| i.warning);
        if ok {
            for d in &new_docs {
                self.insert_document(d)?;
            }
        }
        Ok(ImportReport {
            file: table.file.clone(),
            register: Register::Documents,
            rows,
            issues: ck.issues,
            new_kinds: Vec::new(),
            written: false,
        })
    }
}

impl Store {
    /// Imports a CSV or XLSX file (by extension).
    pub fn import_file(
        &mut self,
        actor: &Actor,
        register: Register,
        path: &Path,
        dry_run: bool,
    ) -> Result<ImportReport> {
        let table = tabular::read_table(path)?;
        self.import_table(actor, register, &table, dry_run)
    }

    /// Imports a file the user chose in the window, read here from its path
    /// (never sent through the window); messages name it by its file name.
    pub fn import_chosen(
        &mut self,
        actor: &Actor,
        register: Register,
        path: &Path,
        dry_run: bool,
    ) -> Result<ImportReport> {
        let table = tabular::read_table_as(path, &ChosenFile::name_of(path))?;
        self.import_table(actor, register, &table, dry_run)
    }

    /// Checks every row, then writes all of them in one transaction, or
    /// nothing when there is any error or this is a dry run.
    pub fn import_table(
        &mut self,
        actor: &Actor,
        register: Register,
        table: &Table,
        dry_run: bool,
    ) -> Result<ImportReport> {
        let fields = match register {
            Register::Units => UNIT_FIELDS,
            Register::Documents => DOC_FIELDS,
        };
        let (cols, warnings) = match Columns::map(table, fields) {
            Ok(found) => found,
            Err(issues) => {
                return Ok(ImportReport {
                    file: table.file.clone(),
                    register,
                    rows: Vec::new(),
                    issues,
                    new_kinds: Vec::new(),
                    written: false,
                })
            }
        };
        let mut report = self.attempt(actor, |dao| {
            let report = match register {
                Register::Units => dao.import_units(table, cols, warnings)?,
                Register::Documents => dao.import_documents(table, cols, warnings)?,
            };
            let commit = report.is_ok() && !dry_run && report.rows.iter().any(|r| r.action == RowAction::Add);
            Ok((report, commit))
        })?;
        report.written = report.is_ok() && !dry_run && report.rows.iter().any(|r| r.action == RowAction::Add);
        Ok(report)
    }

    fn export_rows(&self, register: Register) -> Result<(&'static [&'static str], Vec<Vec<Cell>>)> {
        let opt = |s: &Option<String>| s.clone().map(Cell::Text).unwrap_or(Cell::Empty);
        Ok(match register {
            Register::Units => {
                let rows = self
                    .list_units()?
                    .into_iter()
                    .map(|u| {
                        vec![
                            Cell::Text(u.code.clone()),
                            Cell::Text(u.name.clone()),
                            opt(&u.parent),
                            opt(&u.kind),
                            opt(&u.short_name),
                            opt(&u.phone),
                            opt(&u.secretary),
                            opt(&u.deputy),
                            opt(&u.address),
                        ]
                    })
                    .collect();
                (UNIT_HEADERS, rows)
            }
            Register::Documents => {
                let rows = self
                    .list_documents()?
                    .into_iter()
                    .map(|d| {
                        vec![
                            Cell::Text(d.symbol),
                            Cell::Text(d.title),
                            d.issued_on.map(Cell::Date).unwrap_or(Cell::Empty),
                            Cell::Int(i64::from(d.copies_received)),
                            Cell::Text(d.classification.label().to_owned()),
                            Cell::Int(d.copies_on_hand),
                        ]
                    })
                    .collect();
                (DOC_HEADERS, rows)
            }
        })
    }

    /// A register as the file `out` asks for: CSV or XLSX by its extension.
    pub fn export_bytes(&self, register: Register, out: &Path) -> Result<Vec<u8>> {
        let (headers, rows) = self.export_rows(register)?;
        bytes_by_extension(out, register, headers, &rows)
    }

    /// An empty file with the register's columns, for users to fill in; CSV
    /// or XLSX by the extension of `out`.
    pub fn template_bytes(register: Register, out: &Path) -> Result<Vec<u8>> {
        let headers = match register {
            Register::Units => UNIT_HEADERS,
            Register::Documents => &DOC_HEADERS[..5],
        };
        bytes_by_extension(out, register, headers, &[])
    }
}

fn bytes_by_extension(out: &Path, register: Register, headers: &[&str], rows: &[Vec<Cell>]) -> Result<Vec<u8>> {
    let ext = out.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let sheet = match register {
        Register::Units => "Đơn vị",
        Register::Documents => "Văn bản",
    };
    match ext.as_deref() {
        Some("xlsx") => tabular::xlsx_bytes(sheet, headers, rows),
        Some("csv") => {
            let mut bytes = Vec::new();
            tabular::write_csv(&mut bytes, headers, rows)?;
            Ok(bytes)
        }
        _ => Err(Error::invalid(
            "out",
            format!("{}: chỉ xuất được tệp .csv hoặc .xlsx", out.display()),
        )),
    }
}
