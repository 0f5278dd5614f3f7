//! Handout batches (đợt cấp phát): one batch hands some documents to many
//! units, with one receipt per unit and a due date for confirming it.

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};
use rusqlite::{params, OptionalExtension, Row};
use serde_json::json;

use crate::error::{Error, Result};
use crate::model::{Batch, Confirmation, NewBatch, ReceiptStatus};
use crate::receipt_code;
use crate::store::{new_uid, now_utc, today, Actor, Dao, Store};
use crate::text;
use crate::units::fmt_date;

/// Days between handout and due date when the user gives none.
pub const DEFAULT_DUE_DAYS: u64 = 7;

const COLUMNS: &str = "b.id, b.uid, b.code, b.title, b.handed_on, b.due_on,
     (SELECT count(*) FROM receipt r WHERE r.batch_id = b.id) AS recipients,
     (SELECT count(*) FROM receipt r WHERE r.batch_id = b.id AND r.status = 'confirmed') AS confirmed,
     (SELECT coalesce(sum(copies), 0) FROM batch_document bd WHERE bd.batch_id = b.id) AS copies,
     (SELECT group_concat(d.symbol, char(10)) FROM batch_document bd JOIN document d ON d.id = bd.document_id
      WHERE bd.batch_id = b.id) AS documents";

fn from_row(r: &Row<'_>) -> rusqlite::Result<(i64, Batch)> {
    let docs: Option<String> = r.get("documents")?;
    Ok((
        r.get("id")?,
        Batch {
            uid: r.get("uid")?,
            code: r.get("code")?,
            title: r.get("title")?,
            handed_on: r.get("handed_on")?,
            due_on: r.get("due_on")?,
            documents: docs
                .map(|d| d.split('\n').map(str::to_owned).collect())
                .unwrap_or_default(),
            recipients: r.get("recipients")?,
            confirmed: r.get("confirmed")?,
            copies: r.get("copies")?,
        },
    ))
}

impl Dao<'_> {
    pub(crate) fn batch_by_code(&self, code: &str) -> Result<(i64, Batch)> {
        let sql = format!("SELECT {COLUMNS} FROM batch b WHERE b.code = ?1 AND b.cancelled_at IS NULL");
        self.conn
            .query_row(&sql, [text::clean(code)], from_row)
            .optional()?
            .ok_or_else(|| Error::not_found("Đợt cấp phát", code))
    }

    pub(crate) fn insert_batch(&self, input: &NewBatch) -> Result<Batch> {
        let actor = self.actor()?;
        let code = text::clean(&input.code);
        if code.is_empty() {
            return Err(Error::invalid("code", "Mã đợt không được để trống"));
        }
        let title = text::clean(&input.title);
        if title.is_empty() {
            return Err(Error::invalid("title", "Nội dung đợt cấp phát không được để trống"));
        }
        let handed = input.handed_on.unwrap_or_else(today);
        let due = match input.due_on {
            Some(due) => due,
            None => handed
                .checked_add_days(Days::new(DEFAULT_DUE_DAYS))
                .ok_or_else(|| Error::invalid("handed_on", "Ngày giao không hợp lệ"))?,
        };
        if due < handed {
            return Err(Error::invalid(
                "due_on",
                format!(
                    "Hạn xác nhận {} trước ngày giao {}",
                    due.format("%d/%m/%Y"),
                    handed.format("%d/%m/%Y")
                ),
            ));
        }

        // Documents and quantities.
        if input.documents.is_empty() {
            return Err(Error::invalid("documents", "Chưa chọn văn bản nào cho đợt"));
        }
        let mut docs = Vec::with_capacity(input.documents.len());
        let mut seen = BTreeSet::new();
        for dq in &input.documents {
            let symbol = text::clean(&dq.symbol);
            if !seen.insert(symbol.clone()) {
                return Err(Error::invalid(
                    "documents",
                    format!("Văn bản {symbol} được chọn hai lần"),
                ));
            }
            if dq.quantity == 0 {
                return Err(Error::invalid(
                    "documents",
                    format!("Số bản của văn bản {symbol} phải lớn hơn 0"),
                ));
            }
            let (doc_id, _) = self.document_by_symbol(&symbol).map_err(|e| match e {
                Error::NotFound { .. } => Error::invalid("documents", format!("Văn bản «{symbol}» không có trong sổ")),
                e => e,
            })?;
            docs.push((doc_id, dq.quantity));
        }

        // Recipients: listed units, plus the open leaves of each subtree.
        // Units are taken as they stand on the handout day: closed ones refused.
        let mut recipients = BTreeSet::new();
        for raw in &input.units {
            recipients.insert(self.recipient(raw, "units", handed)?);
        }
        for raw in &input.subtrees {
            let root = self.recipient(raw, "subtrees", handed)?;
            recipients.extend(self.leaves_under(root, handed)?);
        }
        if recipients.is_empty() {
            return Err(Error::invalid("units", "Chưa chọn đơn vị nhận nào"));
        }

        let exists: bool =
            self.conn
                .query_row("SELECT EXISTS (SELECT 1 FROM batch WHERE code = ?1)", [&code], |r| {
                    r.get(0)
                })?;
        if exists {
            return Err(Error::conflict("code", format!("Mã đợt «{code}» đã có")));
        }
        let uid = new_uid();
        self.conn.execute(
            "INSERT INTO batch (uid, code, title, handed_on, due_on, recorded_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![uid, code, title, handed, due, actor.name, now_utc()],
        )?;
        let batch_id = self.conn.last_insert_rowid();
        let n = recipients.len() as i64;
        let per_unit: i64 = docs.iter().map(|&(_, q)| i64::from(q)).sum();
        {
            let mut add_doc = self
                .conn
                .prepare_cached("INSERT INTO batch_document (batch_id, document_id, copies) VALUES (?1, ?2, ?3)")?;
            for &(doc_id, qty) in &docs {
                add_doc.execute(params![batch_id, doc_id, i64::from(qty) * n])?;
            }
            let mut code_taken = self
                .conn
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM receipt WHERE code = ?1)")?;
            let mut add_receipt = self.conn.prepare_cached(
                "INSERT INTO receipt (uid, batch_id, unit_id, code, copies) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let mut add_line = self
                .conn
                .prepare_cached("INSERT INTO receipt_line (receipt_id, document_id, quantity) VALUES (?1, ?2, ?3)")?;
            let mut rng = rand::rng();
            for &unit_id in &recipients {
                let rcode = loop {
                    let c = receipt_code::generate(&mut rng);
                    if !code_taken.query_row([&c], |r| r.get::<_, bool>(0))? {
                        break c;
                    }
                };
                add_receipt.execute(params![new_uid(), batch_id, unit_id, rcode, per_unit])?;
                let receipt_id = self.conn.last_insert_rowid();
                for &(doc_id, qty) in &docs {
                    add_line.execute(params![receipt_id, doc_id, qty])?;
                }
            }
        }
        let symbols: Vec<&str> = input.documents.iter().map(|d| d.symbol.as_str()).collect();
        self.log(
            "batch.create",
            Some(&uid),
            &json!({ "code": code, "title": title, "handed_on": handed, "due_on": due,
                     "documents": input.documents, "recipients": n, "symbols": symbols }),
        )?;
        Ok(self.batch_by_code(&code)?.1)
    }

    /// A unit that can receive a batch handed out on `day`: it exists then.
    fn recipient(&self, code: &str, field: &str, day: NaiveDate) -> Result<i64> {
        let unit = self.unit_for(field, code, day)?;
        if !unit.exists_on(day) {
            return Err(Error::invalid(
                field,
                format!(
                    "Đơn vị «{}» không hoạt động vào ngày giao {}, không nhận đợt mới",
                    unit.unit.code,
                    fmt_date(day)
                ),
            ));
        }
        Ok(unit.id)
    }

    pub(crate) fn confirm_receipt(&self, c: &Confirmation) -> Result<()> {
        let actor = self.actor()?;
        let (batch_id, batch) = self.batch_by_code(&c.batch).map_err(|e| match e {
            Error::NotFound { .. } => Error::invalid("batch", format!("Đợt «{}» không tồn tại", c.batch)),
            e => e,
        })?;
        let unit = self.unit_for("unit_code", &c.unit_code, today())?;
        let by = text::clean(&c.by);
        if by.is_empty() {
            return Err(Error::invalid("by", "Cần ghi tên người ký nhận"));
        }
        let on = c.on.unwrap_or_else(today);
        check_signature_date(on, batch.handed_on)?;
        // The unit's own receipt, and those of units merged into it (it signs
        // in their place: "nhận thay").
        let mut stmt = self.conn.prepare_cached(
            "WITH RECURSIVE merged(id) AS (
                 SELECT ?2 UNION SELECT u.id FROM unit u JOIN merged m ON u.successor_id = m.id
             )
             SELECT r.uid, r.status, u.code FROM receipt r JOIN unit u ON u.id = r.unit_id
             WHERE r.batch_id = ?1 AND r.unit_id IN (SELECT id FROM merged)",
        )?;
        let found = stmt
            .query_map(params![batch_id, unit.id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        if found.is_empty() {
            return Err(Error::invalid(
                "unit_code",
                format!("Đơn vị «{}» không nhận đợt «{}»", unit.unit.code, batch.code),
            ));
        }
        let open: Vec<&(String, String, String)> = found
            .iter()
            .filter(|(_, st, _)| ReceiptStatus::parse(st) != Some(ReceiptStatus::Confirmed))
            .collect();
        if open.is_empty() {
            return Err(Error::conflict(
                "unit_code",
                format!("Đơn vị «{}» đã xác nhận đợt «{}» rồi", unit.unit.code, batch.code),
            ));
        }
        let method = if actor.method == "cli" { "cli" } else { "app" };
        for (uid, _, code) in open {
            self.conn.execute(
                "UPDATE receipt SET status = 'confirmed', signed_by = ?1, signed_on = ?2, entered_at = ?3,
                        confirm_method = ?4
                 WHERE uid = ?5",
                params![by, on, now_utc(), method, uid],
            )?;
            let in_place_of = (code != &unit.unit.code).then_some(code);
            self.log(
                "receipt.confirm",
                Some(uid),
                &json!({ "batch": batch.code, "unit": unit.unit.code, "in_place_of": in_place_of, "by": by, "on": on }),
            )?;
        }
        Ok(())
    }
}

/// A signature cannot predate the handout nor lie in the future.
fn check_signature_date(on: NaiveDate, handed: NaiveDate) -> Result<()> {
    if on < handed {
        return Err(Error::invalid(
            "on",
            format!(
                "Ngày ký {} trước ngày giao {}",
                on.format("%d/%m/%Y"),
                handed.format("%d/%m/%Y")
            ),
        ));
    }
    if on > today() {
        return Err(Error::invalid(
            "on",
            format!("Ngày ký {} ở tương lai", on.format("%d/%m/%Y")),
        ));
    }
    Ok(())
}

impl Store {
    pub fn create_batch(&mut self, actor: &Actor, batch: NewBatch) -> Result<Batch> {
        self.write(actor, |dao| dao.insert_batch(&batch))
    }

    /// Batches, newest first.
    pub fn list_batches(&self) -> Result<Vec<Batch>> {
        self.read(|dao| {
            let sql = format!(
                "SELECT {COLUMNS} FROM batch b WHERE b.cancelled_at IS NULL ORDER BY b.handed_on DESC, b.id DESC"
            );
            let mut stmt = dao.conn.prepare(&sql)?;
            let batches = stmt
                .query_map([], from_row)?
                .map(|r| r.map(|(_, b)| b))
                .collect::<rusqlite::Result<_>>()?;
            Ok(batches)
        })
    }

    /// Records that a unit received a batch.
    pub fn confirm(&mut self, actor: &Actor, confirmation: Confirmation) -> Result<()> {
        self.write(actor, |dao| dao.confirm_receipt(&confirmation))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocQty, NewDocument, NewUnit, OutstandingQuery};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    /// A commune with two branches and one document.
    fn setup() -> (tempfile::TempDir, Store, Actor) {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut s = Store::open(&dir.path().join("t.sqlite3")).expect("open");
        let a = Actor::new("văn thư", "test");
        for (code, name, parent) in [
            ("X", "Đảng bộ xã Hương Khê", None),
            ("X1", "Chi bộ thôn Trung Hòa", Some("X")),
            ("X2", "Chi bộ thôn Đông", Some("X")),
        ] {
            s.add_unit(
                &a,
                NewUnit {
                    code: code.into(),
                    name: name.into(),
                    parent: parent.map(Into::into),
                    ..NewUnit::default()
                },
            )
            .expect("unit");
        }
        s.add_document(
            &a,
            NewDocument {
                symbol: "05-KH/HU".into(),
                title: "Kế hoạch".into(),
                copies_received: 10,
                ..Default::default()
            },
        )
        .expect("doc");
        (dir, s, a)
    }

    fn batch(code: &str) -> NewBatch {
        NewBatch {
            code: code.into(),
            title: "Học tập Nghị quyết".into(),
            handed_on: Some(date(2022, 8, 2)),
            due_on: Some(date(2022, 8, 9)),
            documents: vec![DocQty {
                symbol: "05-KH/HU".into(),
                quantity: 2,
            }],
            units: vec![],
            subtrees: vec!["X".into()],
        }
    }

    #[test]
    fn core_loop_hand_out_list_confirm() {
        let (_d, mut s, a) = setup();
        let b = s.create_batch(&a, batch("Đợt 2/2022")).expect("batch");
        assert_eq!((b.recipients, b.confirmed, b.copies), (2, 0, 4));
        assert_eq!(s.list_documents().expect("docs")[0].copies_on_hand, 6);

        let q = OutstandingQuery {
            batch: None,
            as_of: Some(date(2022, 8, 12)),
        };
        let rows = s.outstanding(&q).expect("outstanding");
        let units: Vec<(&str, u32, u32)> = rows
            .iter()
            .map(|r| (r.unit_code.as_str(), r.days_overdue, r.copies))
            .collect();
        assert_eq!(units, vec![("X2", 3, 2), ("X1", 3, 2)], "Đông sorts before Trung Hòa");

        let c = Confirmation {
            batch: "Đợt 2/2022".into(),
            unit_code: "X1".into(),
            by: "Nguyễn Văn A".into(),
            on: Some(date(2022, 8, 5)),
        };
        s.confirm(&a, c.clone()).expect("confirm");
        let rows = s.outstanding(&q).expect("outstanding");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].unit_code, "X2");
        assert!(matches!(s.confirm(&a, c), Err(Error::Conflict { .. })));
        assert_eq!(s.verify().expect("chain"), 6);
    }

    #[test]
    fn bad_batches_are_refused_whole() {
        let (_d, mut s, a) = setup();
        let mut cases: Vec<(NewBatch, &str)> = Vec::new();
        let mut b = batch("B");
        b.due_on = Some(date(2022, 8, 1));
        cases.push((b, "due_on"));
        let mut b = batch("B");
        b.documents[0].quantity = 0;
        cases.push((b, "documents"));
        let mut b = batch("B");
        b.documents[0].symbol = "99-NQ/TW".into();
        cases.push((b, "documents"));
        let mut b = batch("B");
        b.subtrees = vec!["NOPE".into()];
        cases.push((b, "subtrees"));
        let mut b = batch("B");
        b.subtrees.clear();
        cases.push((b, "units"));
        let mut b = batch("B");
        b.title = " ".into();
        cases.push((b, "title"));
        for (input, field) in cases {
            match s.create_batch(&a, input) {
                Err(Error::Invalid { field: f, .. }) => assert_eq!(f, field),
                other => panic!("expected invalid {field}, got {other:?}"),
            }
        }
        let receipts: i64 = s
            .connection()
            .query_row("SELECT count(*) FROM receipt", [], |r| r.get(0))
            .expect("count");
        assert_eq!(receipts, 0);
        assert!(s.list_batches().expect("batches").is_empty());
    }

    #[test]
    fn confirmation_needs_a_name_and_a_sane_date() {
        let (_d, mut s, a) = setup();
        s.create_batch(&a, batch("B")).expect("batch");
        let mut c = Confirmation {
            batch: "B".into(),
            unit_code: "X1".into(),
            by: " ".into(),
            on: None,
        };
        assert!(matches!(s.confirm(&a, c.clone()), Err(Error::Invalid { field, .. }) if field == "by"));
        c.by = "Lê Thị B".into();
        c.on = Some(date(2022, 8, 1));
        assert!(matches!(s.confirm(&a, c.clone()), Err(Error::Invalid { field, .. }) if field == "on"));
        c.unit_code = "X".into();
        c.on = None;
        assert!(matches!(s.confirm(&a, c), Err(Error::Invalid { field, .. }) if field == "unit_code"));
    }

    #[test]
    fn demo_loads_once() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut s = Store::open(&dir.path().join("t.sqlite3")).expect("open");
        let a = Actor::new("t", "test");
        assert!(s.status().expect("status").is_empty);
        s.load_demo(&a).expect("demo");
        assert!(!s.status().expect("status").is_empty);
        assert_eq!(s.list_batches().expect("batches").len(), 2);
        assert!(!s.outstanding(&OutstandingQuery::default()).expect("list").is_empty());
        assert!(matches!(s.load_demo(&a), Err(Error::Conflict { .. })));
        s.verify().expect("chain holds");
    }
}
