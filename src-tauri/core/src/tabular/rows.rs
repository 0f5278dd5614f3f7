//! Any list of records as CSV (the command line's `--format csv`): one column
//! per field in the order the type declares them, one row per record. A
//! list-valued field (a batch's documents, a document's warnings, a receipt's
//! lines) goes into one cell, its items joined with "; "; a nested record
//! reads "field=value, …". Text cells a spreadsheet would run as a formula
//! are neutralised as in every CSV export ([`crate::tabular::formula_safe`]).
//!
//! The records go through their JSON form, read back with the fields in
//! order: the same field names and values as `--format json`.

use std::fmt;
use std::io::Write;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Serialize;

use super::write::formula_safe;
use crate::error::{Error, Result};

/// A JSON value whose objects keep their fields in order.
enum Ordered {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    Text(String),
    List(Vec<Ordered>),
    Record(Vec<(String, Ordered)>),
}

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Ordered, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E>(self) -> std::result::Result<Ordered, E> {
                Ok(Ordered::Null)
            }
            fn visit_none<E>(self) -> std::result::Result<Ordered, E> {
                Ok(Ordered::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Ordered, D::Error> {
                Ordered::deserialize(d)
            }
            fn visit_bool<E>(self, b: bool) -> std::result::Result<Ordered, E> {
                Ok(Ordered::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> std::result::Result<Ordered, E> {
                Ok(Ordered::Number(n.into()))
            }
            fn visit_u64<E>(self, n: u64) -> std::result::Result<Ordered, E> {
                Ok(Ordered::Number(n.into()))
            }
            fn visit_f64<E: de::Error>(self, n: f64) -> std::result::Result<Ordered, E> {
                serde_json::Number::from_f64(n)
                    .map(Ordered::Number)
                    .ok_or_else(|| E::custom("not a finite number"))
            }
            fn visit_str<E>(self, s: &str) -> std::result::Result<Ordered, E> {
                Ok(Ordered::Text(s.to_owned()))
            }
            fn visit_string<E>(self, s: String) -> std::result::Result<Ordered, E> {
                Ok(Ordered::Text(s))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Ordered, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Ordered::List(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Ordered, A::Error> {
                let mut fields = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    fields.push(entry);
                }
                Ok(Ordered::Record(fields))
            }
        }
        d.deserialize_any(V)
    }
}

impl Ordered {
    /// The text of a cell, and whether it is a plain number (never escaped).
    fn cell(&self) -> (String, bool) {
        match self {
            Ordered::Null => (String::new(), false),
            Ordered::Bool(b) => (b.to_string(), false),
            Ordered::Number(n) => (n.to_string(), true),
            Ordered::Text(s) => (s.clone(), false),
            Ordered::List(items) => (items.iter().map(|i| i.cell().0).collect::<Vec<_>>().join("; "), false),
            Ordered::Record(fields) => (
                fields
                    .iter()
                    .map(|(k, v)| format!("{k}={}", v.cell().0))
                    .collect::<Vec<_>>()
                    .join(", "),
                false,
            ),
        }
    }
}

/// Writes `rows` as CSV: a header row of field names (every field any
/// record has, in order of appearance), then one row per record.
pub fn write_rows(out: impl Write, rows: &[impl Serialize]) -> Result<()> {
    let mut records: Vec<Vec<(String, Ordered)>> = Vec::with_capacity(rows.len());
    for row in rows {
        let json = serde_json::to_string(row)?;
        match serde_json::from_str::<Ordered>(&json)? {
            Ordered::Record(fields) => records.push(fields),
            other => records.push(vec![("value".to_owned(), other)]),
        }
    }
    let mut header: Vec<&str> = Vec::new();
    for record in &records {
        for (name, _) in record {
            if !header.contains(&name.as_str()) {
                header.push(name);
            }
        }
    }
    let mut w = csv::WriterBuilder::new().flexible(false).from_writer(out);
    let csv_error = Error::Csv;
    if !records.is_empty() {
        w.write_record(&header).map_err(csv_error)?;
    }
    for record in &records {
        let cells = header.iter().map(|name| {
            record
                .iter()
                .find(|(k, _)| k == name)
                .map_or_else(String::new, |(_, v)| {
                    let (text, number) = v.cell();
                    if number {
                        text
                    } else {
                        formula_safe(&text).into_owned()
                    }
                })
        });
        w.write_record(cells).map_err(csv_error)?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Line {
        symbol: String,
        received: Option<u32>,
    }

    #[derive(Serialize)]
    struct Row {
        zeta: String,
        alpha: i64,
        warnings: Vec<String>,
        lines: Vec<Line>,
        note: Option<String>,
    }

    #[test]
    fn fields_keep_their_order_lists_join_and_formulas_are_neutralised() {
        let rows = [
            Row {
                zeta: "=HYPERLINK(\"x\")".into(),
                alpha: -3,
                warnings: vec!["loại «QQ» lạ".into(), "cơ quan lạ".into()],
                lines: vec![
                    Line {
                        symbol: "05-KH/HU".into(),
                        received: Some(1),
                    },
                    Line {
                        symbol: "12-CT/TU".into(),
                        received: None,
                    },
                ],
                note: None,
            },
            Row {
                zeta: "+84 912 111 222".into(),
                alpha: 7,
                warnings: vec![],
                lines: vec![],
                note: Some("@chú ý".into()),
            },
        ];
        let mut out = Vec::new();
        write_rows(&mut out, &rows).expect("csv");
        let text = String::from_utf8(out).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "zeta,alpha,warnings,lines,note");
        assert_eq!(
            lines[1],
            "\"'=HYPERLINK(\"\"x\"\")\",-3,loại «QQ» lạ; cơ quan lạ,\"symbol=05-KH/HU, received=1; symbol=12-CT/TU, received=\","
        );
        assert_eq!(lines[2], "'+84 912 111 222,7,,,'@chú ý");
    }
}
