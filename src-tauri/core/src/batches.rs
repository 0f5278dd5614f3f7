//! Handout batches (đợt cấp phát): one batch hands some documents to many
//! units, with one receipt per unit and a due date for confirming it.

use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate};
use rusqlite::{params, OptionalExtension, Row};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::audit::receipt_digest_line;
use crate::dates::vi as fmt_date;
use crate::db::{new_uid, now_utc, today, Actor, Dao, Store};
use crate::error::{Error, Result};
use crate::model::{Batch, Confirmation, DeliveryMethod, NewBatch, ReceiptDetail, ReceiptLine, ReceiptStatus};
use crate::receipt_code;
use crate::text;

/// A receipt a confirmation touches: (receipt id, status, unit code).
type ReceiptRef = (i64, String, String);

/// Days between handout and due date when the user gives none.
pub const DEFAULT_DUE_DAYS: u64 = 7;

/// The counts every screen, the CLI and the printouts share (one definition):
/// `recipients` are all receiving units, `must_confirm` those that must
/// confirm (not "for information"), `open` those of them still open —
/// pending, partial or declined, the rows of the outstanding list today —
/// and `confirmed` = `must_confirm` − `open`. Counted from the partial
/// indexes `receipt_open_idx` and `receipt_info_all_idx`, never by reading
/// every receipt row of ten years.
const COLUMNS: &str = "b.id, b.uid, b.code, b.title, b.handed_on, b.due_on, b.method, b.recorded_by,
     (SELECT count(*) FROM receipt r WHERE r.batch_id = b.id) AS recipients,
     (SELECT count(*) FROM receipt r WHERE r.batch_id = b.id AND r.must_confirm = 0) AS info,
     (SELECT count(*) FROM receipt r WHERE r.batch_id = b.id AND r.status <> 'confirmed' AND r.must_confirm = 1)
       AS open,
     (SELECT coalesce(sum(copies), 0) FROM batch_document bd WHERE bd.batch_id = b.id) AS copies,
     (SELECT group_concat(d.symbol, char(10)) FROM batch_document bd JOIN document d ON d.id = bd.document_id
      WHERE bd.batch_id = b.id) AS documents";

/// `COLUMNS` counted over the receipts of some units only (`:units`, a JSON
/// array of unit ids): a secretary's view of the batches their unit received.
const UNITS_COLUMNS: &str = "b.id, b.uid, b.code, b.title, b.handed_on, b.due_on, b.method, b.recorded_by,
     (SELECT count(*) FROM receipt r WHERE r.batch_id = b.id AND r.unit_id IN own) AS recipients,
     (SELECT count(*) FROM receipt r WHERE r.batch_id = b.id AND r.unit_id IN own AND r.must_confirm = 0) AS info,
     (SELECT count(*) FROM receipt r WHERE r.batch_id = b.id AND r.unit_id IN own
        AND r.status <> 'confirmed' AND r.must_confirm = 1) AS open,
     (SELECT coalesce(sum(r.copies), 0) FROM receipt r WHERE r.batch_id = b.id AND r.unit_id IN own) AS copies,
     (SELECT group_concat(symbol, char(10)) FROM (
        SELECT DISTINCT d.symbol FROM receipt r JOIN receipt_line l ON l.receipt_id = r.id
        JOIN document d ON d.id = l.document_id WHERE r.batch_id = b.id AND r.unit_id IN own ORDER BY d.symbol))
       AS documents";

fn from_row(r: &Row<'_>) -> rusqlite::Result<(i64, Batch)> {
    let docs: Option<String> = r.get("documents")?;
    let recipients: u32 = r.get("recipients")?;
    let must_confirm = recipients.saturating_sub(r.get("info")?);
    let open: u32 = r.get("open")?;
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
            recipients,
            must_confirm,
            open,
            confirmed: must_confirm.saturating_sub(open),
            copies: r.get("copies")?,
            method: DeliveryMethod::parse(&r.get::<_, String>("method")?).unwrap_or_default(),
            recorded_by: r.get("recorded_by")?,
        },
    ))
}

impl Dao<'_> {
    /// The live batches in which one of `units` (a JSON array of unit ids)
    /// has a receipt, newest first, with the figures of those receipts only.
    pub(crate) fn batches_of_units(&self, units: &str) -> Result<Vec<Batch>> {
        let sql = format!(
            "WITH own(id) AS (SELECT value FROM json_each(:units))
             SELECT {UNITS_COLUMNS} FROM batch b
             WHERE b.cancelled_at IS NULL AND b.id IN (SELECT r.batch_id FROM receipt r WHERE r.unit_id IN own)
             ORDER BY b.handed_on DESC, b.id DESC"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let batches = stmt
            .query_map(&[(":units", &units)], from_row)?
            .map(|r| r.map(|(_, b)| b))
            .collect::<rusqlite::Result<_>>()?;
        Ok(batches)
    }

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

        // Documents and their default quantity per unit.
        if input.documents.is_empty() {
            return Err(Error::invalid("documents", "Chưa chọn văn bản nào cho đợt"));
        }
        let mut docs: Vec<(i64, String, u32, i64)> = Vec::with_capacity(input.documents.len());
        for dq in &input.documents {
            let symbol = text::clean(&dq.symbol);
            if docs.iter().any(|d| d.1 == symbol) {
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
            let (doc_id, doc) = self.document_by_symbol(&symbol).map_err(|e| match e {
                Error::NotFound { .. } => Error::invalid("documents", format!("Văn bản «{symbol}» không có trong sổ")),
                e => e,
            })?;
            docs.push((doc_id, symbol, dq.quantity, doc.copies_on_hand));
        }

        // Recipients, as they stand on the handout day: closed units refused.
        // unit id → must confirm
        let mut recipients: BTreeMap<i64, bool> = BTreeMap::new();
        for raw in &input.units {
            recipients.insert(self.recipient(raw, "units", handed)?, true);
        }
        for raw in &input.subtrees {
            let root = self.recipient(raw, "subtrees", handed)?;
            recipients.extend(self.leaves_under(root, handed)?.into_iter().map(|id| (id, true)));
        }
        for kind in &input.kinds {
            let ids = self.units_of_kind(kind, handed)?;
            if ids.is_empty() {
                return Err(Error::invalid(
                    "kinds",
                    format!("Không có đơn vị nào thuộc loại «{}»", text::clean(kind)),
                ));
            }
            recipients.extend(ids.into_iter().map(|id| (id, true)));
        }
        for raw in &input.info_units {
            recipients.insert(self.recipient(raw, "info_units", handed)?, false);
        }
        if recipients.is_empty() {
            return Err(Error::invalid("units", "Chưa chọn đơn vị nhận nào"));
        }

        // Per-unit overrides of the default quantities.
        let mut overrides: HashMap<(i64, usize), u32> = HashMap::new();
        for o in &input.overrides {
            let unit = self.recipient(&o.unit, "overrides", handed)?;
            if !recipients.contains_key(&unit) {
                return Err(Error::invalid(
                    "overrides",
                    format!("Đơn vị «{}» không nằm trong danh sách nhận", o.unit),
                ));
            }
            let symbol = text::clean(&o.symbol);
            let Some(d) = docs.iter().position(|d| d.1 == symbol) else {
                return Err(Error::invalid(
                    "overrides",
                    format!("Văn bản «{symbol}» không có trong đợt"),
                ));
            };
            overrides.insert((unit, d), o.quantity);
        }
        let qty = |unit: i64, d: usize| overrides.get(&(unit, d)).copied().unwrap_or(docs[d].2);

        // Copies handed per document, against the copies on hand.
        let totals: Vec<i64> = (0..docs.len())
            .map(|d| recipients.keys().map(|&u| i64::from(qty(u, d))).sum())
            .collect();
        let over_reason = text::clean_opt(input.over_stock_reason.as_deref());
        let short: Vec<String> = docs
            .iter()
            .zip(&totals)
            .filter(|((_, _, _, on_hand), &total)| total > *on_hand)
            .map(|((_, symbol, _, on_hand), total)| {
                format!(
                    "{symbol}: cần {} bản, còn {} bản",
                    text::thousands(*total),
                    text::thousands(*on_hand)
                )
            })
            .collect();
        if !short.is_empty() && over_reason.is_none() {
            return Err(Error::invalid(
                "documents",
                format!(
                    "Không đủ bản để giao ({}); ghi lý do nếu vẫn giao vượt số bản còn lại",
                    short.join("; ")
                ),
            ));
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
            "INSERT INTO batch (uid, code, title, handed_on, due_on, method, recorded_by, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                uid,
                code,
                title,
                handed,
                due,
                input.method.as_str(),
                actor.name,
                now_utc()
            ],
        )?;
        let batch_id = self.conn.last_insert_rowid();
        let n = recipients.len() as i64;
        // What `verify` replays: the receipts this batch made, in id order.
        let mut receipts_sha256 = Sha256::new();
        {
            let mut add_doc = self
                .conn
                .prepare_cached("INSERT INTO batch_document (batch_id, document_id, copies) VALUES (?1, ?2, ?3)")?;
            for (d, total) in totals.iter().enumerate() {
                if *total > 0 {
                    add_doc.execute(params![batch_id, docs[d].0, total])?;
                }
            }
            let mut code_taken = self
                .conn
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM receipt WHERE code = ?1)")?;
            let mut add_receipt = self.conn.prepare_cached(
                "INSERT INTO receipt (uid, batch_id, unit_id, code, must_confirm, copies) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            let mut add_line = self
                .conn
                .prepare_cached("INSERT INTO receipt_line (receipt_id, document_id, quantity) VALUES (?1, ?2, ?3)")?;
            let mut rng = rand::rng();
            for (&unit_id, &must_confirm) in &recipients {
                let per_unit: i64 = (0..docs.len()).map(|d| i64::from(qty(unit_id, d))).sum();
                if per_unit == 0 {
                    return Err(Error::invalid(
                        "overrides",
                        "Một đơn vị nhận không còn văn bản nào (số bản đều bằng 0)",
                    ));
                }
                let rcode = loop {
                    let c = receipt_code::generate(&mut rng);
                    if !code_taken.query_row([&c], |r| r.get::<_, bool>(0))? {
                        break c;
                    }
                };
                let receipt_uid = new_uid();
                add_receipt.execute(params![receipt_uid, batch_id, unit_id, rcode, must_confirm, per_unit])?;
                receipt_digest_line(
                    &mut receipts_sha256,
                    &receipt_uid,
                    &rcode,
                    unit_id,
                    must_confirm,
                    per_unit,
                );
                let receipt_id = self.conn.last_insert_rowid();
                for (d, doc) in docs.iter().enumerate() {
                    let q = qty(unit_id, d);
                    if q > 0 {
                        add_line.execute(params![receipt_id, doc.0, q])?;
                    }
                }
            }
        }
        if let Some(reason) = &over_reason {
            if !short.is_empty() {
                self.log(
                    "batch.over_stock",
                    Some(&uid),
                    &json!({ "code": code, "short": short, "reason": reason }),
                )?;
            }
        }
        let symbols: Vec<&str> = input.documents.iter().map(|d| d.symbol.as_str()).collect();
        self.log(
            "batch.create",
            Some(&uid),
            &json!({ "code": code, "title": title, "handed_on": handed, "due_on": due,
                     "method": input.method.as_str(), "documents": input.documents,
                     "overrides": input.overrides, "recipients": n, "symbols": symbols,
                     "receipts_sha256": hex::encode(receipts_sha256.finalize()) }),
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

    /// The receipts a confirmation speaks for: the one named by its code, or
    /// the unit's own in the batch plus those of units merged into it (it
    /// signs in their place: "nhận thay"). Returns (receipt id, batch, unit code).
    fn receipts_for(&self, c: &Confirmation) -> Result<(Batch, String, Vec<ReceiptRef>)> {
        if let Some(raw) = c.receipt_code.as_deref().filter(|s| !s.trim().is_empty()) {
            let code = receipt_code::parse(raw)
                .map_err(|e| Error::invalid("receipt_code", format!("«{}»: {e}", raw.trim())))?;
            let found: Option<(i64, String, String, String)> = self
                .conn
                .query_row(
                    "SELECT r.id, r.status, u.code, b.code FROM receipt r JOIN unit u ON u.id = r.unit_id
                     JOIN batch b ON b.id = r.batch_id WHERE r.code = ?1 AND b.cancelled_at IS NULL",
                    [&code],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            let Some((id, status, unit, batch)) = found else {
                return Err(Error::invalid(
                    "receipt_code",
                    format!("Không có phiếu nào mang mã nhận {code}"),
                ));
            };
            let (_, batch) = self.batch_by_code(&batch)?;
            return Ok((batch, unit.clone(), vec![(id, status, unit)]));
        }
        let (batch_id, batch) = self.batch_by_code(&c.batch).map_err(|e| match e {
            Error::NotFound { .. } => Error::invalid("batch", format!("Đợt «{}» không tồn tại", c.batch)),
            e => e,
        })?;
        let unit = self.unit_for("unit_code", &c.unit_code, today())?;
        let mut stmt = self.conn.prepare_cached(
            "WITH RECURSIVE merged(id) AS (
                 SELECT ?2 UNION SELECT u.id FROM unit u JOIN merged m ON u.successor_id = m.id
             )
             SELECT r.id, r.status, u.code FROM receipt r JOIN unit u ON u.id = r.unit_id
             WHERE r.batch_id = ?1 AND r.unit_id IN (SELECT id FROM merged)",
        )?;
        let found = stmt
            .query_map(params![batch_id, unit.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<Vec<(i64, String, String)>>>()?;
        if found.is_empty() {
            return Err(Error::invalid(
                "unit_code",
                format!("Đơn vị «{}» không nhận đợt «{}»", unit.unit.code, batch.code),
            ));
        }
        Ok((batch, unit.unit.code, found))
    }

    /// Records a confirmation by the transaction's actor (the operator);
    /// `signer_account` names the account of the person who signed, when
    /// known (a PIN at the office, a signed-in secretary).
    pub(crate) fn confirm_receipt(&self, c: &Confirmation, signer_account: Option<&str>) -> Result<()> {
        let actor = self.actor()?;
        let (batch, unit_code, found) = self.receipts_for(c)?;
        let by = text::clean(&c.by);
        if by.is_empty() {
            return Err(Error::invalid("by", "Cần ghi tên người ký nhận"));
        }
        let on = c.on.unwrap_or_else(today);
        check_signature_date(on, batch.handed_on)?;
        let open: Vec<&(i64, String, String)> = found
            .iter()
            .filter(|(_, st, _)| ReceiptStatus::parse(st) != Some(ReceiptStatus::Confirmed))
            .collect();
        if open.is_empty() {
            return Err(Error::conflict(
                "unit_code",
                format!("Đơn vị «{unit_code}» đã xác nhận đợt «{}» rồi", batch.code),
            ));
        }
        let decline = text::clean_opt(c.decline.as_deref());
        let method = match c.method {
            Some(m) => m.as_str(),
            None if actor.method == "cli" => "cli",
            None => "app",
        };
        // Signing for the unit without being its secretary is recorded as such.
        let secretary = self.unit_on(&unit_code, on).ok().and_then(|u| u.unit.secretary);
        let on_behalf = c.on_behalf || secretary.is_some_and(|s| text::search_key(&s) != text::search_key(&by));
        let note = text::clean_opt(c.note.as_deref());
        let signature = c.signature.as_deref().map(signature_png).transpose()?;
        for (receipt_id, _, code) in open {
            let lines = self.receipt_lines(*receipt_id)?;
            let mut received: Vec<(i64, u32, u32)> = Vec::with_capacity(lines.len());
            for dq in &c.quantities {
                let symbol = text::clean(&dq.symbol);
                if !lines.iter().any(|(_, l)| l.symbol == symbol) {
                    return Err(Error::invalid(
                        "quantities",
                        format!("Văn bản «{symbol}» không có trong phiếu này"),
                    ));
                }
            }
            for (doc_id, line) in &lines {
                let got = c
                    .quantities
                    .iter()
                    .find(|dq| text::clean(&dq.symbol) == line.symbol)
                    .map(|dq| dq.quantity)
                    .unwrap_or(line.quantity);
                received.push((*doc_id, line.quantity, got));
            }
            let short = received.iter().any(|&(_, listed, got)| got != listed);
            let status = match (&decline, short) {
                (Some(_), _) => ReceiptStatus::Declined,
                (None, true) => ReceiptStatus::Partial,
                (None, false) => ReceiptStatus::Confirmed,
            };
            let mut set_line = self
                .conn
                .prepare_cached("UPDATE receipt_line SET received = ?1 WHERE receipt_id = ?2 AND document_id = ?3")?;
            for &(doc_id, listed, got) in &received {
                set_line.execute(params![(got != listed).then_some(got), receipt_id, doc_id])?;
            }
            let note = decline.clone().or_else(|| note.clone());
            let uid: String = self.conn.query_row(
                "UPDATE receipt SET status = ?1, signed_by = ?2, signed_on = ?3, entered_at = ?4, confirm_method = ?5,
                        on_behalf = ?6, note = ?7, signature = ?8, recorded_by = ?9, signer_account = ?10
                 WHERE id = ?11 RETURNING uid",
                params![
                    status.as_str(),
                    by,
                    on,
                    now_utc(),
                    method,
                    on_behalf,
                    note,
                    signature,
                    actor.name,
                    signer_account,
                    receipt_id
                ],
                |r| r.get(0),
            )?;
            let in_place_of = (code != &unit_code).then_some(code);
            self.log(
                "receipt.confirm",
                Some(&uid),
                &json!({ "batch": batch.code, "unit": unit_code, "in_place_of": in_place_of, "by": by,
                         "signer_account": signer_account, "on": on,
                         "status": status.as_str(), "method": method, "on_behalf": on_behalf, "note": note,
                         "signature_sha256": signature.as_ref().map(|png| hex::encode(Sha256::digest(png))),
                         "received": received.iter().map(|&(d, l, g)| json!([d, l, g])).collect::<Vec<_>>() }),
            )?;
        }
        Ok(())
    }

    /// (document id, line) of one receipt, in symbol order.
    fn receipt_lines(&self, receipt_id: i64) -> Result<Vec<(i64, ReceiptLine)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.id, d.symbol, d.title, d.classification, l.quantity, l.received FROM receipt_line l
             JOIN document d ON d.id = l.document_id WHERE l.receipt_id = ?1 ORDER BY d.symbol",
        )?;
        let lines = stmt
            .query_map([receipt_id], |r| {
                Ok((
                    r.get(0)?,
                    ReceiptLine {
                        symbol: r.get(1)?,
                        // A slip shown or printed never carries a Tuyệt mật summary.
                        title: crate::documents::shown_title(&r.get::<_, String>(3)?, r.get(2)?),
                        quantity: r.get(4)?,
                        received: r.get(5)?,
                    },
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(lines)
    }

    /// A receipt by its code, with what the slip lists.
    pub(crate) fn receipt_detail(&self, raw_code: &str) -> Result<ReceiptDetail> {
        let code = receipt_code::parse(raw_code)
            .map_err(|e| Error::invalid("receipt_code", format!("«{}»: {e}", raw_code.trim())))?;
        let found = self
            .conn
            .query_row(
                "SELECT r.id, r.code, b.code AS batch, b.title, b.handed_on, b.due_on, u.code AS unit_code,
                        v.name, r.must_confirm, r.status, r.signed_by, r.signed_on, r.confirm_method, r.on_behalf, r.note,
                        r.signature IS NOT NULL AS has_signature, r.recorded_by, r.signer_account
                 FROM receipt r JOIN batch b ON b.id = r.batch_id JOIN unit u ON u.id = r.unit_id
                 JOIN unit_version v ON v.unit_id = u.id AND v.valid_from <= b.handed_on AND b.handed_on < v.valid_to
                 WHERE r.code = ?1 AND b.cancelled_at IS NULL",
                [&code],
                |r| {
                    let status: String = r.get("status")?;
                    Ok((
                        r.get::<_, i64>("id")?,
                        ReceiptDetail {
                            receipt_code: r.get("code")?,
                            batch: r.get("batch")?,
                            batch_title: r.get("title")?,
                            handed: r.get("handed_on")?,
                            due: r.get("due_on")?,
                            unit_code: r.get("unit_code")?,
                            unit_name: r.get("name")?,
                            must_confirm: r.get("must_confirm")?,
                            status: ReceiptStatus::parse(&status).unwrap_or(ReceiptStatus::Pending),
                            signed_by: r.get("signed_by")?,
                            signed_on: r.get("signed_on")?,
                            method: r.get("confirm_method")?,
                            on_behalf: r.get("on_behalf")?,
                            note: r.get("note")?,
                            has_signature: r.get("has_signature")?,
                            recorded_by: r.get("recorded_by")?,
                            signer_account: r.get("signer_account")?,
                            lines: Vec::new(),
                        },
                    ))
                },
            )
            .optional()?;
        let Some((id, mut detail)) = found else {
            return Err(Error::invalid(
                "receipt_code",
                format!("Không có phiếu nào mang mã nhận {code}"),
            ));
        };
        detail.lines = self.receipt_lines(id)?.into_iter().map(|(_, l)| l).collect();
        Ok(detail)
    }

    /// Puts confirmed, partial or declined receipts back to pending; the reason
    /// and the old values stay in the log.
    pub(crate) fn undo_receipt(&self, c: &Confirmation, reason: &str) -> Result<()> {
        let reason = text::clean(reason);
        if reason.is_empty() {
            return Err(Error::invalid("reason", "Cần ghi lý do huỷ xác nhận"));
        }
        let (batch, unit_code, found) = self.receipts_for(c)?;
        let done: Vec<&(i64, String, String)> = found
            .iter()
            .filter(|(_, st, _)| ReceiptStatus::parse(st) != Some(ReceiptStatus::Pending))
            .collect();
        if done.is_empty() {
            return Err(Error::invalid(
                "unit_code",
                format!("Đơn vị «{unit_code}» chưa xác nhận đợt «{}»", batch.code),
            ));
        }
        for (id, status, code) in done {
            let (uid, by, on): (String, Option<String>, Option<String>) = self.conn.query_row(
                "SELECT uid, signed_by, signed_on FROM receipt WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            self.conn
                .execute("UPDATE receipt_line SET received = NULL WHERE receipt_id = ?1", [id])?;
            self.conn.execute(
                "UPDATE receipt SET status = 'pending', signed_by = NULL, signed_on = NULL, entered_at = NULL,
                        confirm_method = NULL, on_behalf = 0, note = NULL, signature = NULL, recorded_by = NULL,
                        signer_account = NULL WHERE id = ?1",
                [id],
            )?;
            self.log(
                "receipt.undo",
                Some(&uid),
                &json!({ "batch": batch.code, "unit": code, "was": status, "by": by, "on": on, "reason": reason }),
            )?;
        }
        Ok(())
    }
}

/// Largest drawn signature accepted (a PNG of a signature pad is a few KiB).
const MAX_SIGNATURE_BYTES: usize = 512 * 1024;

/// Decodes a drawn signature sent as a PNG data URL; refuses anything else.
fn signature_png(data_url: &str) -> Result<Vec<u8>> {
    use base64::Engine;
    let bad = |why: &str| Error::invalid("signature", format!("Chữ ký vẽ không hợp lệ: {why}"));
    let b64 = data_url
        .strip_prefix("data:image/png;base64,")
        .ok_or_else(|| bad("cần ảnh PNG"))?;
    if b64.len() > MAX_SIGNATURE_BYTES * 4 / 3 + 4 {
        return Err(bad("ảnh quá lớn"));
    }
    let png = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|_| bad("dữ liệu hỏng"))?;
    if !png.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err(bad("không phải tệp PNG"));
    }
    Ok(png)
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

    /// Records that a unit received a batch (fully, partly) or declined it.
    pub fn confirm(&mut self, actor: &Actor, confirmation: Confirmation) -> Result<()> {
        self.write(actor, |dao| dao.confirm_receipt(&confirmation, None))
    }

    /// Undoes a confirmation; needs a reason, which is logged.
    pub fn undo_confirmation(&mut self, actor: &Actor, receipt: Confirmation, reason: &str) -> Result<()> {
        self.write(actor, |dao| dao.undo_receipt(&receipt, reason))
    }

    /// The receipt with this code (typed or scanned from a slip).
    pub fn receipt(&self, code: &str) -> Result<ReceiptDetail> {
        self.read(|dao| dao.receipt_detail(code))
    }

    /// Cancels a batch after handout; needs a reason. Confirmed receipts keep
    /// their record; the batch leaves every list and its copies return to stock.
    pub fn cancel_batch(&mut self, actor: &Actor, code: &str, reason: &str) -> Result<()> {
        let reason = text::clean(reason);
        if reason.is_empty() {
            return Err(Error::invalid("reason", "Cần ghi lý do huỷ đợt"));
        }
        self.write(actor, |dao| {
            let (id, batch) = dao.batch_by_code(code)?;
            dao.conn.execute(
                "UPDATE batch SET cancelled_at = ?1, cancel_reason = ?2 WHERE id = ?3",
                params![now_utc(), reason, id],
            )?;
            dao.log(
                "batch.cancel",
                Some(&batch.uid),
                &json!({ "code": batch.code, "reason": reason, "confirmed": batch.confirmed }),
            )
        })
    }

    /// Changes a batch's title or due date after handout; needs a reason.
    /// Receipts, confirmed or not, are left as they are.
    pub fn edit_batch(
        &mut self,
        actor: &Actor,
        code: &str,
        title: Option<&str>,
        due_on: Option<NaiveDate>,
        reason: &str,
    ) -> Result<Batch> {
        let reason = text::clean(reason);
        if reason.is_empty() {
            return Err(Error::invalid("reason", "Cần ghi lý do sửa đợt"));
        }
        self.write(actor, |dao| {
            let (id, batch) = dao.batch_by_code(code)?;
            let title = title.map(text::clean).filter(|t| !t.is_empty()).unwrap_or_else(|| batch.title.clone());
            let due = due_on.unwrap_or(batch.due_on);
            if due < batch.handed_on {
                return Err(Error::invalid("due_on", format!("Hạn xác nhận {} trước ngày giao {}", fmt_date(due), fmt_date(batch.handed_on))));
            }
            dao.conn.execute("UPDATE batch SET title = ?1, due_on = ?2 WHERE id = ?3", params![title, due, id])?;
            dao.log(
                "batch.edit",
                Some(&batch.uid),
                &json!({ "code": batch.code, "reason": reason, "title": [batch.title, title], "due_on": [batch.due_on, due] }),
            )?;
            Ok(dao.batch_by_code(&batch.code)?.1)
        })
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
            ..NewBatch::default()
        }
    }

    #[test]
    fn core_loop_hand_out_list_confirm() {
        let (_d, mut s, a) = setup();
        let b = s.create_batch(&a, batch("Đợt 2/2022")).expect("batch");
        assert_eq!((b.recipients, b.confirmed, b.copies), (2, 0, 4));
        assert_eq!(s.list_documents().expect("docs")[0].copies_on_hand, 6);

        let q = OutstandingQuery {
            as_of: Some(date(2022, 8, 12)),
            ..OutstandingQuery::default()
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
            ..Default::default()
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
            ..Default::default()
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

    #[test]
    fn partial_declined_on_behalf_and_by_code() {
        let (_d, mut s, a) = setup();
        s.add_unit(
            &a,
            NewUnit {
                code: "X3".into(),
                name: "Chi bộ thôn Ba".into(),
                parent: Some("X".into()),
                ..Default::default()
            },
        )
        .expect("unit");
        s.set_signer(
            &a,
            crate::model::NewSigner {
                code: "X1".into(),
                role: crate::model::SignerRole::Secretary,
                name: "Nguyễn Văn Bí".into(),
                from_on: None,
            },
        )
        .expect("secretary");
        let b = s.create_batch(&a, batch("B")).expect("batch");
        assert_eq!(b.recipients, 3);
        let rows = s.outstanding(&OutstandingQuery::default()).expect("list");
        let code_of = |unit: &str| {
            rows.iter()
                .find(|r| r.unit_code == unit)
                .map(|r| r.receipt_code.clone())
                .expect("row")
        };

        // X1: a deputy signs in person; recorded as on behalf.
        let c = Confirmation {
            batch: "B".into(),
            unit_code: "X1".into(),
            by: "Lê Phó".into(),
            ..Default::default()
        };
        s.confirm(&a, c).expect("deputy confirms");
        let d = s.receipt(&code_of("X1")).expect("detail");
        assert_eq!((d.status, d.on_behalf), (ReceiptStatus::Confirmed, true));

        // X2: by receipt code from a returned slip, one copy short.
        let c = Confirmation {
            receipt_code: Some(code_of("X2").to_lowercase()),
            by: "Trần Thị B".into(),
            method: Some(crate::model::ConfirmMethod::Slip),
            quantities: vec![DocQty {
                symbol: "05-KH/HU".into(),
                quantity: 1,
            }],
            note: Some("Thiếu 1 bản".into()),
            ..Default::default()
        };
        s.confirm(&a, c).expect("partial");
        let d = s.receipt(&code_of("X2")).expect("detail");
        assert_eq!(d.status, ReceiptStatus::Partial);
        assert_eq!(d.lines[0].received, Some(1));
        assert_eq!(d.method.as_deref(), Some("slip"));

        // X3 declines.
        let c = Confirmation {
            batch: "B".into(),
            unit_code: "X3".into(),
            by: "Phạm C".into(),
            decline: Some("Không đúng đối tượng".into()),
            ..Default::default()
        };
        s.confirm(&a, c).expect("decline");

        let left: Vec<(String, ReceiptStatus)> = s
            .outstanding(&OutstandingQuery::default())
            .expect("list")
            .into_iter()
            .map(|r| (r.unit_code, r.status))
            .collect();
        assert_eq!(
            left,
            vec![
                ("X3".to_owned(), ReceiptStatus::Declined),
                ("X2".to_owned(), ReceiptStatus::Partial)
            ]
        );

        // A typo in the code is caught before any lookup.
        let mut typo: Vec<char> = code_of("X3").chars().collect();
        typo[2] = if typo[2] == 'A' { 'B' } else { 'A' };
        let c = Confirmation {
            receipt_code: Some(typo.into_iter().collect()),
            by: "X".into(),
            ..Default::default()
        };
        assert!(matches!(s.confirm(&a, c), Err(Error::Invalid { field, .. }) if field == "receipt_code"));

        // Undo needs a reason.
        let sel = Confirmation {
            batch: "B".into(),
            unit_code: "X1".into(),
            ..Default::default()
        };
        assert!(s.undo_confirmation(&a, sel.clone(), " ").is_err());
        s.undo_confirmation(&a, sel, "Ký nhầm đợt").expect("undo");
        assert_eq!(
            s.receipt(&code_of("X1")).expect("detail").status,
            ReceiptStatus::Pending
        );
        s.verify().expect("chain holds");
    }

    #[test]
    fn info_recipients_overrides_and_stock() {
        let (_d, mut s, a) = setup();
        let mut b = batch("B");
        b.subtrees.clear();
        b.units = vec!["X1".into()];
        b.info_units = vec!["X2".into()];
        b.overrides = vec![crate::model::UnitQty {
            unit: "X2".into(),
            symbol: "05-KH/HU".into(),
            quantity: 1,
        }];
        let made = s.create_batch(&a, b).expect("batch");
        assert_eq!((made.recipients, made.copies), (2, 3));
        let rows = s.outstanding(&OutstandingQuery::default()).expect("list");
        assert_eq!(
            rows.iter().map(|r| r.unit_code.as_str()).collect::<Vec<_>>(),
            vec!["X1"],
            "info units never outstanding"
        );

        // 10 received, 3 handed: 7 on hand; asking for 8 needs a reason.
        let mut big = batch("C");
        big.documents[0].quantity = 4;
        assert!(matches!(s.create_batch(&a, big.clone()), Err(Error::Invalid { field, .. }) if field == "documents"));
        big.over_stock_reason = Some("Bổ sung bản sao".into());
        s.create_batch(&a, big).expect("with a reason");
        assert_eq!(s.list_documents().expect("docs")[0].copies_on_hand, -1);

        s.cancel_batch(&a, "C", "Giao nhầm").expect("cancel");
        assert_eq!(s.list_documents().expect("docs")[0].copies_on_hand, 7);
        assert_eq!(s.list_batches().expect("batches").len(), 1);
    }

    #[test]
    fn a_drawn_signature_is_stored_with_the_receipt() {
        let (_d, mut s, a) = setup();
        s.create_batch(&a, batch("B")).expect("batch");
        // The smallest valid PNG header is enough for the check.
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        use base64::Engine;
        let url = format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(png)
        );
        let mut c = Confirmation {
            batch: "B".into(),
            unit_code: "X1".into(),
            by: "Lê A".into(),
            ..Default::default()
        };
        c.signature = Some("data:image/jpeg;base64,AAAA".into());
        assert!(matches!(s.confirm(&a, c.clone()), Err(Error::Invalid { field, .. }) if field == "signature"));
        c.signature = Some(url);
        s.confirm(&a, c).expect("confirm with signature");
        let stored: Vec<u8> = s
            .connection()
            .query_row("SELECT signature FROM receipt WHERE signed_by = 'Lê A'", [], |r| {
                r.get(0)
            })
            .expect("blob");
        assert_eq!(stored, png);
        let code: String = s
            .connection()
            .query_row("SELECT code FROM receipt WHERE signed_by = 'Lê A'", [], |r| r.get(0))
            .expect("code");
        assert!(s.receipt(&code).expect("detail").has_signature);
        s.verify().expect("chain holds");
    }
}
