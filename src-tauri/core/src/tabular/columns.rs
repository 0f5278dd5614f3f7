//! Header matching: where each expected [`Field`] sits in a table, found
//! from its header row in any order, whatever the case, diacritics or
//! language of the header; and the [`Issue`]s at a row, in a field's column.

use super::issue::Issue;
use super::read::{Table, TableRow};
use crate::text::search_key;

/// One expected column: canonical name and accepted header aliases, compared
/// by [`search_key`] (so case and diacritics are ignored; '_' and '-' count as
/// spaces, and a trailing '*' or "(…)" note is ignored).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
}

impl Field {
    fn accepts(&self, key: &str) -> bool {
        header_key(self.name) == key || self.aliases.iter().any(|a| header_key(a) == key)
    }

    fn accepted_names(&self) -> String {
        let mut names = vec![self.name];
        for alias in self.aliases {
            if !names.iter().any(|n| header_key(n) == header_key(alias)) {
                names.push(alias);
            }
        }
        names.join(", ")
    }
}

/// The comparison key of a header: search key, '_' and '-' as spaces, a
/// required-mark '*' and a trailing "(dd/mm/yyyy)"-style note removed.
fn header_key(header: &str) -> String {
    let mut s = search_key(header);
    if s.ends_with(')') {
        if let Some(open) = s.rfind('(') {
            s.truncate(open);
        }
    }
    let s: String = s
        .chars()
        .filter(|c| *c != '*' && *c != ':')
        .map(|c| if c == '_' || c == '-' { ' ' } else { c })
        .collect();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where each field sits in a table, found from its header row.
#[derive(Debug, Clone)]
pub struct Columns {
    file: String,
    slots: Vec<Slot>,
}

#[derive(Debug, Clone)]
struct Slot {
    field: &'static str,
    index: Option<usize>,
    header: Option<String>,
}

impl Columns {
    /// Finds the fields in the header row. `Ok((columns, warnings))`, or
    /// `Err(errors)` when a required column is missing (the message lists the
    /// accepted names) or two columns name the same field. Unknown columns
    /// and data under an empty header are ignored but reported as warnings.
    /// Header issues are reported on the header row.
    pub fn map(table: &Table, fields: &[Field]) -> std::result::Result<(Columns, Vec<Issue>), Vec<Issue>> {
        let file = table.file.as_str();
        let header_row = row_number(table.header_line);
        let mut slots: Vec<Slot> = fields
            .iter()
            .map(|f| Slot {
                field: f.name,
                index: None,
                header: None,
            })
            .collect();
        let mut errors = Vec::new();
        let mut warnings = Vec::new();

        for (index, header) in table.headers.iter().enumerate() {
            if header.is_empty() {
                if let Some(row) = table
                    .rows
                    .iter()
                    .find(|r| r.cells.get(index).is_some_and(|c| !c.is_empty()))
                {
                    warnings.push(Issue::warning(
                        file,
                        row_number(row.line),
                        None,
                        format!(
                            "cột thứ {} ({}) có dữ liệu nhưng không có tiêu đề nên bị bỏ qua",
                            index + 1,
                            column_letters(index)
                        ),
                    ));
                }
                continue;
            }
            let key = header_key(header);
            match fields.iter().position(|f| f.accepts(&key)) {
                None => warnings.push(Issue::warning(
                    file,
                    header_row,
                    Some(header),
                    format!("cột «{header}» không có trong mẫu nhập nên bị bỏ qua"),
                )),
                Some(k) => match &slots[k].header {
                    Some(first) => errors.push(Issue::error(
                        file,
                        header_row,
                        Some(header),
                        format!(
                            "cột «{header}» trùng với cột «{first}» (cùng là «{}»); hãy xoá bớt một cột",
                            fields[k].name
                        ),
                    )),
                    None => {
                        slots[k].index = Some(index);
                        slots[k].header = Some(header.clone());
                    }
                },
            }
        }

        // Cells beyond the last header: a forgotten header, or shifted data.
        let width = table.headers.len();
        if let Some(row) = table.rows.iter().find(|r| r.cells.len() > width) {
            let index = row.cells.len() - 1;
            warnings.push(Issue::warning(
                file,
                row_number(row.line),
                None,
                format!(
                    "có dữ liệu ở cột thứ {} ({}), ngoài các cột có tiêu đề, nên bị bỏ qua",
                    index + 1,
                    column_letters(index)
                ),
            ));
        }

        for (field, slot) in fields.iter().zip(&slots) {
            if field.required && slot.index.is_none() {
                errors.push(Issue::error(
                    file,
                    header_row,
                    None,
                    format!(
                        "thiếu cột «{}»; tên cột được chấp nhận: {}",
                        field.name,
                        field.accepted_names()
                    ),
                ));
            }
        }

        if errors.is_empty() {
            Ok((
                Columns {
                    file: file.to_string(),
                    slots,
                },
                warnings,
            ))
        } else {
            Err(errors)
        }
    }

    fn slot(&self, field: &str) -> Option<&Slot> {
        let slot = self.slots.iter().find(|s| s.field == field);
        debug_assert!(slot.is_some(), "field {field:?} was not passed to Columns::map");
        slot
    }

    /// The cell of `field` in `row`: "" when the column is absent or the cell
    /// missing.
    pub fn get<'r>(&self, row: &'r TableRow, field: &str) -> &'r str {
        self.index(field)
            .and_then(|i| row.cells.get(i))
            .map_or("", String::as_str)
    }

    /// The cell of `field`, `None` when absent or empty.
    pub fn get_opt<'r>(&self, row: &'r TableRow, field: &str) -> Option<&'r str> {
        Some(self.get(row, field)).filter(|s| !s.is_empty())
    }

    /// The zero-based column index of `field`, when the file has it.
    pub fn index(&self, field: &str) -> Option<usize> {
        self.slot(field).and_then(|s| s.index)
    }

    /// Whether the file has a column for `field`.
    pub fn has(&self, field: &str) -> bool {
        self.index(field).is_some()
    }

    /// The header text as written in the file, for messages.
    pub fn header(&self, field: &str) -> Option<&str> {
        self.slot(field).and_then(|s| s.header.as_deref())
    }

    /// An error at `row`, in the column of `field`.
    pub fn error(&self, row: &TableRow, field: &str, message: impl Into<String>) -> Issue {
        Issue::error(&self.file, row_number(row.line), self.header(field), message)
    }

    /// A warning at `row`, in the column of `field`.
    pub fn warning(&self, row: &TableRow, field: &str, message: impl Into<String>) -> Issue {
        Issue::warning(&self.file, row_number(row.line), self.header(field), message)
    }
}

fn row_number(line: usize) -> u32 {
    u32::try_from(line).unwrap_or(u32::MAX)
}

/// "A", "B", …, "Z", "AA", … for a zero-based column index.
pub(super) fn column_letters(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.iter().rev().map(|&b| b as char).collect()
}

#[cfg(test)]
mod tests {
    use crate::tabular::{parse_date, read_table_bytes};

    use super::*;

    const UNIT_FIELDS: &[Field] = &[
        Field {
            name: "code",
            aliases: &["Mã", "Mã đơn vị"],
            required: true,
        },
        Field {
            name: "name",
            aliases: &["Tên", "Tên đơn vị"],
            required: true,
        },
        Field {
            name: "parent",
            aliases: &["Mã cấp trên"],
            required: true,
        },
        Field {
            name: "kind",
            aliases: &["Loại"],
            required: false,
        },
        Field {
            name: "short_name",
            aliases: &["Tên viết tắt"],
            required: false,
        },
        Field {
            name: "date",
            aliases: &["Ngày"],
            required: false,
        },
        Field {
            name: "copies",
            aliases: &["Số bản"],
            required: false,
        },
    ];

    #[test]
    fn vietnamese_headers_match_with_or_without_diacritics_in_any_case() {
        for parent in [
            "Mã cấp trên",
            "ma cap tren",
            "MÃ CẤP TRÊN",
            "Ma_cap_tren",
            "parent",
            "Mã cấp trên *",
        ] {
            let csv = format!("MÃ;tên;{parent};Cột lạ\nCB1;Chi bộ 1;HU;x\n");
            let table = read_table_bytes("u.csv", csv.as_bytes()).unwrap();
            let (cols, warnings) = Columns::map(&table, UNIT_FIELDS).unwrap_or_else(|e| panic!("{parent}: {e:?}"));
            let row = &table.rows[0];
            assert_eq!(cols.get(row, "parent"), "HU", "{parent}");
            assert_eq!(cols.get(row, "code"), "CB1");
            assert_eq!(cols.get(row, "name"), "Chi bộ 1");
            assert_eq!(cols.get(row, "kind"), "", "absent column reads as empty");
            assert!(!cols.has("kind"));
            assert_eq!(cols.header("parent"), Some(parent));
            assert_eq!(cols.header("code"), Some("MÃ"));
            assert_eq!(cols.header("kind"), None);
            assert_eq!(
                warnings,
                [Issue::warning(
                    "u.csv",
                    1,
                    Some("Cột lạ"),
                    "cột «Cột lạ» không có trong mẫu nhập nên bị bỏ qua"
                )]
            );
        }
    }

    #[test]
    fn missing_required_and_doubled_columns_are_errors() {
        let table = read_table_bytes("u.csv", "Mã,Tên\nCB1,Chi bộ 1\n".as_bytes()).unwrap();
        let errors = Columns::map(&table, UNIT_FIELDS).unwrap_err();
        assert_eq!(errors.len(), 1);
        let e = &errors[0];
        assert!(!e.warning);
        assert_eq!((e.file.as_str(), e.row, e.column.as_deref()), ("u.csv", 1, None));
        assert_eq!(
            e.message,
            "thiếu cột «parent»; tên cột được chấp nhận: parent, Mã cấp trên"
        );
        assert_eq!(
            e.to_string(),
            "u.csv:1: thiếu cột «parent»; tên cột được chấp nhận: parent, Mã cấp trên"
        );

        let table = read_table_bytes("u.csv", "code,Mã,name,parent\n".as_bytes()).unwrap();
        let errors = Columns::map(&table, UNIT_FIELDS).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].column.as_deref(), Some("Mã"));
        assert!(
            errors[0].message.contains("trùng với cột «code»"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn columns_build_issues_at_row_and_column() {
        let table = read_table_bytes("d.csv", "Mã;Tên;Mã cấp trên;Ngày\nA;B;;31/02/2024\n".as_bytes()).unwrap();
        let (cols, _) = Columns::map(&table, UNIT_FIELDS).unwrap();
        let row = &table.rows[0];
        let reason = parse_date(cols.get(row, "date")).unwrap_err();
        let issue = cols.error(row, "date", reason);
        assert_eq!(issue.to_string(), "d.csv:2:Ngày: ngày «31/02/2024» không có thật");
        assert_eq!(cols.get_opt(row, "parent"), None);
        let warning = cols.warning(row, "name", "tên ngắn");
        assert_eq!(warning.to_string(), "d.csv:2:Tên: cảnh báo: tên ngắn");
    }

    #[test]
    fn data_outside_headed_columns_is_a_warning() {
        let table = read_table_bytes("u.csv", "code;;name;parent\nA;zzz;B;\nC;;D;;extra\n".as_bytes()).unwrap();
        let (_, warnings) = Columns::map(&table, UNIT_FIELDS).unwrap();
        let text: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "u.csv:2: cảnh báo: cột thứ 2 (B) có dữ liệu nhưng không có tiêu đề nên bị bỏ qua",
                "u.csv:3: cảnh báo: có dữ liệu ở cột thứ 5 (E), ngoài các cột có tiêu đề, nên bị bỏ qua",
            ]
        );
    }

    #[test]
    fn column_letters_and_header_keys() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(16383), "XFD");
        assert_eq!(header_key("Ngày ban hành (dd/mm/yyyy)"), "ngay ban hanh");
        assert_eq!(header_key("Số_ký-hiệu *"), "so ky hieu");
    }
}
