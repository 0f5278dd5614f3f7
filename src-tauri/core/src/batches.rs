//! Handout batches (đợt cấp phát): one batch hands some documents to many
//! units, with one receipt per unit and a due date for confirming it.
//!
//! A handout is planned first (`plan_batch`: every rule — dates, documents,
//! recipients as they stand on the handout day, per-unit quantities, copies
//! on hand — checked through `Dao` reads, nothing written), then written in
//! one go (`Dao::insert_batch`) with its audit row, in the caller's
//! transaction. Confirming a receipt is `receipts`' part.

use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::audit::receipt_digest_line;
use crate::dates;
use crate::db::{today, Actor, BatchPlan, Dao, PlannedReceipt, Store};
use crate::error::{Error, Result};
use crate::model::{Batch, NewBatch};
use crate::text;

/// Days between handout and due date when the user gives none.
pub const DEFAULT_DUE_DAYS: u64 = 7;

/// A document of a batch being planned.
struct PlannedDoc {
    id: i64,
    symbol: String,
    /// Copies per unit unless overridden.
    quantity: u32,
    on_hand: i64,
}

/// Checks a new batch against every rule and works out what it writes:
/// the recipients as they stand on the handout day (closed units refused),
/// each unit's copies per document, the copies handed against those on
/// hand. Reads only; the first broken rule is the error, naming its field.
pub(crate) fn plan_batch(dao: &Dao<'_>, input: &NewBatch) -> Result<BatchPlan> {
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
            format!("Hạn xác nhận {} trước ngày giao {}", dates::vi(due), dates::vi(handed)),
        ));
    }

    // Documents and their default quantity per unit.
    if input.documents.is_empty() {
        return Err(Error::invalid("documents", "Chưa chọn văn bản nào cho đợt"));
    }
    let mut docs: Vec<PlannedDoc> = Vec::with_capacity(input.documents.len());
    for dq in &input.documents {
        let symbol = text::clean(&dq.symbol);
        if dq.quantity == 0 {
            return Err(Error::invalid(
                "documents",
                format!("Số bản của văn bản {symbol} phải lớn hơn 0"),
            ));
        }
        let Some((id, doc)) = dao.document_chosen(&symbol, dq.uid.as_deref())? else {
            return Err(Error::invalid(
                "documents",
                format!("Văn bản «{symbol}» không có trong sổ"),
            ));
        };
        if let Some(same) = docs.iter().find(|d| d.symbol == symbol) {
            // A batch names its documents (and each unit's quantities) by
            // symbol: two terms' documents of one symbol go in two batches.
            let message = if same.id == id {
                format!("Văn bản {symbol} được chọn hai lần")
            } else {
                format!(
                    "Hai văn bản cùng số ký hiệu {symbol} (của hai nhiệm kỳ) không giao chung một đợt được; giao văn bản kia ở một đợt khác"
                )
            };
            return Err(Error::invalid("documents", message));
        }
        docs.push(PlannedDoc {
            id,
            symbol,
            quantity: dq.quantity,
            on_hand: doc.copies_on_hand,
        });
    }

    // Recipients, as they stand on the handout day: closed units refused.
    // unit id → must confirm
    let mut recipients: BTreeMap<i64, bool> = BTreeMap::new();
    for raw in &input.units {
        recipients.insert(recipient(dao, raw, "units", handed)?, true);
    }
    for raw in &input.subtrees {
        let root = recipient(dao, raw, "subtrees", handed)?;
        recipients.extend(dao.leaves_under(root, handed)?.into_iter().map(|id| (id, true)));
    }
    for kind in &input.kinds {
        let ids = dao.units_of_kind(kind, handed)?;
        if ids.is_empty() {
            return Err(Error::invalid(
                "kinds",
                format!("Không có đơn vị nào thuộc loại «{}»", text::clean(kind)),
            ));
        }
        recipients.extend(ids.into_iter().map(|id| (id, true)));
    }
    for raw in &input.info_units {
        recipients.insert(recipient(dao, raw, "info_units", handed)?, false);
    }
    if recipients.is_empty() {
        return Err(Error::invalid("units", "Chưa chọn đơn vị nhận nào"));
    }

    // Per-unit overrides of the default quantities.
    let mut overrides: HashMap<(i64, usize), u32> = HashMap::new();
    for o in &input.overrides {
        let unit = recipient(dao, &o.unit, "overrides", handed)?;
        if !recipients.contains_key(&unit) {
            return Err(Error::invalid(
                "overrides",
                format!("Đơn vị «{}» không nằm trong danh sách nhận", o.unit),
            ));
        }
        let symbol = text::clean(&o.symbol);
        let Some(d) = docs.iter().position(|d| d.symbol == symbol) else {
            return Err(Error::invalid(
                "overrides",
                format!("Văn bản «{symbol}» không có trong đợt"),
            ));
        };
        overrides.insert((unit, d), o.quantity);
    }
    let qty = |unit: i64, d: usize| overrides.get(&(unit, d)).copied().unwrap_or(docs[d].quantity);

    // Copies handed per document, against the copies on hand.
    let totals: Vec<i64> = (0..docs.len())
        .map(|d| recipients.keys().map(|&u| i64::from(qty(u, d))).sum())
        .collect();
    let over_stock_reason = text::clean_opt(input.over_stock_reason.as_deref());
    let short: Vec<String> = docs
        .iter()
        .zip(&totals)
        .filter(|(doc, &total)| total > doc.on_hand)
        .map(|(doc, total)| {
            format!(
                "{}: cần {} bản, còn {} bản",
                doc.symbol,
                text::thousands(*total),
                text::thousands(doc.on_hand)
            )
        })
        .collect();
    if !short.is_empty() && over_stock_reason.is_none() {
        return Err(Error::invalid(
            "documents",
            format!(
                "Không đủ bản để giao ({}); ghi lý do nếu vẫn giao vượt số bản còn lại",
                short.join("; ")
            ),
        ));
    }

    if dao.batch_code_taken(&code)? || dao.recall_code_taken(&code)? {
        return Err(Error::conflict("code", format!("Mã đợt «{code}» đã có")));
    }
    let mut receipts = Vec::with_capacity(recipients.len());
    for (&unit_id, &must_confirm) in &recipients {
        let lines: Vec<(i64, u32)> = docs
            .iter()
            .enumerate()
            .map(|(d, doc)| (doc.id, qty(unit_id, d)))
            .filter(|&(_, q)| q > 0)
            .collect();
        if lines.is_empty() {
            return Err(Error::invalid(
                "overrides",
                "Một đơn vị nhận không còn văn bản nào (số bản đều bằng 0)",
            ));
        }
        receipts.push(PlannedReceipt {
            unit_id,
            must_confirm,
            copies: lines.iter().map(|&(_, q)| i64::from(q)).sum(),
            lines,
        });
    }
    Ok(BatchPlan {
        code,
        title,
        handed_on: handed,
        due_on: due,
        method: input.method,
        documents: docs
            .iter()
            .zip(&totals)
            .filter(|(_, &total)| total > 0)
            .map(|(doc, &total)| (doc.id, total))
            .collect(),
        receipts,
        short,
        over_stock_reason,
    })
}

/// A unit that can receive a batch handed out on `day`: it exists then.
fn recipient(dao: &Dao<'_>, code: &str, field: &str, day: NaiveDate) -> Result<i64> {
    let unit = dao.unit_for(field, code, day)?;
    if !unit.exists_on(day) {
        return Err(Error::invalid(
            field,
            format!(
                "Đơn vị «{}» không hoạt động vào ngày giao {}, không nhận đợt mới",
                unit.unit.code,
                dates::vi(day)
            ),
        ));
    }
    Ok(unit.id)
}

/// Hands out a batch inside the caller's transaction (`Store::write`):
/// plans it (`plan_batch`), writes the plan, and logs it — with the
/// digest of the receipts it made, which `verify` replays, and a second
/// row when copies were handed beyond those on hand. The app, the demo data
/// and bulk loaders all hand out through here.
pub fn hand_out(dao: &Dao<'_>, input: &NewBatch) -> Result<Batch> {
    let plan = plan_batch(dao, input)?;
    let copies = crate::copies::plan_copies(dao, input, &plan)?;
    let (uid, receipts) = dao.insert_batch(&plan)?;
    let mut receipts_sha256 = Sha256::new();
    for r in &receipts {
        receipt_digest_line(
            &mut receipts_sha256,
            &r.uid,
            &r.code,
            r.unit_id,
            r.must_confirm,
            r.copies,
        );
    }
    if let Some(reason) = &plan.over_stock_reason {
        if !plan.short.is_empty() {
            dao.log(
                "batch.over_stock",
                Some(&uid),
                &json!({ "code": plan.code, "short": plan.short, "reason": reason }),
            )?;
        }
    }
    let symbols: Vec<&str> = input.documents.iter().map(|d| d.symbol.as_str()).collect();
    dao.log(
        "batch.create",
        Some(&uid),
        &json!({ "code": plan.code, "title": plan.title, "handed_on": plan.handed_on, "due_on": plan.due_on,
                 "method": plan.method.as_str(), "documents": input.documents,
                 "overrides": input.overrides, "recipients": plan.receipts.len() as i64, "symbols": symbols,
                 "receipts_sha256": hex::encode(receipts_sha256.finalize()) }),
    )?;
    crate::copies::hand_copies(dao, &uid, &plan, &copies)?;
    Ok(dao.batch_by_code(&plan.code)?.1)
}

impl Store {
    pub fn create_batch(&mut self, actor: &Actor, batch: NewBatch) -> Result<Batch> {
        self.write(actor, |dao| hand_out(dao, &batch))
    }

    /// Batches, newest first.
    pub fn list_batches(&self) -> Result<Vec<Batch>> {
        self.read(|dao| dao.batches())
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
            dao.cancel_batch(id, &reason)?;
            // Numbered copies out with it are back in the office.
            let released = dao.release_batch_copies(id, today())?;
            dao.log(
                "batch.cancel",
                Some(&batch.uid),
                &json!({ "code": batch.code, "reason": reason, "confirmed": batch.confirmed,
                         "copies_released": released }),
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
                return Err(Error::invalid(
                    "due_on",
                    format!("Hạn xác nhận {} trước ngày giao {}", dates::vi(due), dates::vi(batch.handed_on)),
                ));
            }
            dao.update_batch(id, &title, due)?;
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
pub(crate) mod tests {
    use super::*;
    use crate::model::{Confirmation, DocQty, NewDocument, NewUnit, OutstandingQuery};

    pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    /// A commune with two branches and one document.
    pub(crate) fn setup() -> (tempfile::TempDir, Store, Actor) {
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

    pub(crate) fn batch(code: &str) -> NewBatch {
        NewBatch {
            code: code.into(),
            title: "Học tập Nghị quyết".into(),
            handed_on: Some(date(2022, 8, 2)),
            due_on: Some(date(2022, 8, 9)),
            documents: vec![DocQty {
                symbol: "05-KH/HU".into(),
                quantity: 2,
                uid: None,
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

    /// A batch's receipt codes share their first two characters (one region
    /// of the code's index per batch); each code still parses on its own.
    #[test]
    fn the_codes_of_a_batch_share_their_prefix() {
        let (_d, mut s, a) = setup();
        for code in ["Đợt 1/2022", "Đợt 2/2022", "Đợt 3/2022"] {
            let mut b = batch(code);
            b.documents[0].quantity = 1;
            s.create_batch(&a, b).expect("batch");
        }
        let codes: Vec<(i64, String)> = s
            .connection()
            .prepare("SELECT batch_id, code FROM receipt ORDER BY batch_id")
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows");
        assert_eq!(codes.len(), 6);
        for pair in codes.chunks(2) {
            assert_eq!(pair[0].0, pair[1].0, "two receipts per batch");
            assert_eq!(pair[0].1[..2], pair[1].1[..2], "{pair:?}");
            assert_ne!(pair[0].1, pair[1].1);
            for (_, code) in pair {
                assert_eq!(crate::receipt_code::parse(code).as_deref(), Ok(code.as_str()));
            }
        }
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

    /// Numbers run per term: a batch hands out the term's document chosen
    /// by uid, the latest term's by symbol alone, and never both at once.
    #[test]
    fn one_symbol_in_two_terms_hands_out_the_document_chosen() {
        let (_d, mut s, a) = setup();
        s.add_document(
            &a,
            NewDocument {
                symbol: "05-KH/HU".into(),
                title: "Kế hoạch của nhiệm kỳ mới".into(),
                copies_received: 20,
                term: Some("2025-2030".into()),
                ..Default::default()
            },
        )
        .expect("new term's document");
        let on_hand = |s: &Store| -> Vec<(String, i64)> {
            let mut docs: Vec<_> = s
                .list_documents()
                .expect("docs")
                .into_iter()
                .map(|d| (d.title, d.copies_on_hand))
                .collect();
            docs.sort();
            docs
        };
        let old = s
            .list_documents()
            .expect("docs")
            .into_iter()
            .find(|d| d.title == "Kế hoạch")
            .expect("old term's document");

        // By uid: the old term's document, 2 copies to each of 2 units.
        let mut chosen = batch("B1");
        chosen.documents[0].uid = Some(old.uid.clone());
        s.create_batch(&a, chosen).expect("old term's batch");
        assert_eq!(
            on_hand(&s),
            [("Kế hoạch".into(), 6), ("Kế hoạch của nhiệm kỳ mới".into(), 20)]
        );

        // By symbol alone: the latest term's.
        s.create_batch(&a, batch("B2")).expect("latest term's batch");
        assert_eq!(
            on_hand(&s),
            [("Kế hoạch".into(), 6), ("Kế hoạch của nhiệm kỳ mới".into(), 16)]
        );

        // A uid whose document has another symbol is not taken on trust.
        let mut wrong = batch("B3");
        wrong.documents[0].symbol = "45-CT/TW".into();
        wrong.documents[0].uid = Some(old.uid.clone());
        let err = s.create_batch(&a, wrong).expect_err("symbol and uid disagree");
        assert!(err.to_string().contains("không có trong sổ"), "{err}");

        // Both terms' documents in one batch: refused, and said so.
        let mut both = batch("B4");
        both.documents.push(DocQty {
            uid: Some(old.uid),
            symbol: "05-KH/HU".into(),
            quantity: 1,
        });
        let err = s.create_batch(&a, both).expect_err("two terms at once");
        assert!(err.to_string().contains("hai nhiệm kỳ"), "{err}");
        assert_eq!(s.list_batches().expect("batches").len(), 2);

        // The batch list tells the two documents apart: the term follows a
        // symbol the register holds in another term too (the old one was
        // registered without its term).
        let mut shown: Vec<(String, Vec<String>)> = s
            .list_batches()
            .expect("batches")
            .into_iter()
            .map(|b| (b.code, b.documents))
            .collect();
        shown.sort();
        assert_eq!(
            shown,
            [
                ("B1".to_owned(), vec!["05-KH/HU".to_owned()]),
                ("B2".to_owned(), vec!["05-KH/HU (khóa 2025-2030)".to_owned()])
            ]
        );

        // The outstanding list's document filter: the symbol alone is every
        // term's document, SYMBOL@TERM one term's.
        let batches_listing = |document: &str| -> Result<Vec<String>> {
            let query = OutstandingQuery {
                document: Some(document.into()),
                ..Default::default()
            };
            let mut codes: Vec<String> = s.outstanding(&query)?.into_iter().map(|r| r.batch).collect();
            codes.sort();
            codes.dedup();
            Ok(codes)
        };
        assert_eq!(batches_listing("05-KH/HU").expect("every term"), ["B1", "B2"]);
        assert_eq!(batches_listing(" 05-KH/HU@2025-2030 ").expect("one term"), ["B2"]);
        let err = batches_listing("05-KH/HU@2010-2015").expect_err("no such term");
        assert!(err.to_string().contains("05-KH/HU (khóa 2010-2015)"), "{err}");
        let err = batches_listing("05-KH/HU@").expect_err("no term after @");
        assert!(err.to_string().contains("sau @"), "{err}");
    }

    /// The plan holds every row the batch writes and writes nothing itself;
    /// handing it out writes exactly those rows.
    #[test]
    fn a_plan_reads_only_and_the_write_is_the_plan() {
        let (_d, mut s, a) = setup();
        s.add_document(
            &a,
            NewDocument {
                symbol: "45-CT/TW".into(),
                title: "Chỉ thị".into(),
                copies_received: 1,
                ..Default::default()
            },
        )
        .expect("doc");
        let mut input = batch("B");
        input.documents.push(DocQty {
            symbol: "45-CT/TW".into(),
            quantity: 1,
            uid: None,
        });
        // X2 gets none of 45-CT/TW: 1 copy handed of 1 on hand.
        input.overrides = vec![crate::model::UnitQty {
            unit: "X2".into(),
            symbol: "45-CT/TW".into(),
            quantity: 0,
        }];
        let audit_rows = |s: &Store| s.verify().expect("chain");
        let before = audit_rows(&s);
        let plan = s.read(|dao| plan_batch(dao, &input)).expect("plan");
        assert_eq!(audit_rows(&s), before, "planning logs nothing");
        assert!(s.list_batches().expect("batches").is_empty(), "planning writes nothing");

        let ids = s
            .read(|dao| Ok((dao.unit_by_code("X1")?.id, dao.unit_by_code("X2")?.id)))
            .expect("ids");
        let doc = |symbol: &str| s.read(|dao| Ok(dao.document_by_symbol(symbol)?.0)).expect("doc id");
        let (kh, ct) = (doc("05-KH/HU"), doc("45-CT/TW"));
        assert_eq!(
            (plan.code.as_str(), plan.handed_on, plan.due_on),
            ("B", date(2022, 8, 2), date(2022, 8, 9))
        );
        assert_eq!(plan.documents, vec![(kh, 4), (ct, 1)]);
        // (unit id, must confirm, copies, (document id, copies) per line)
        type Planned = (i64, bool, i64, Vec<(i64, u32)>);
        let receipts: Vec<Planned> = plan
            .receipts
            .iter()
            .map(|r| (r.unit_id, r.must_confirm, r.copies, r.lines.clone()))
            .collect();
        let mut expected = vec![
            (ids.0, true, 3, vec![(kh, 2), (ct, 1)]),
            (ids.1, true, 2, vec![(kh, 2)]),
        ];
        expected.sort();
        assert_eq!(receipts, expected);
        assert!(plan.short.is_empty());

        let made = s.create_batch(&a, input).expect("hand out");
        assert_eq!((made.recipients, made.copies), (2, 5));
        let slip = |unit: &str| {
            let rows = s.outstanding(&OutstandingQuery::default()).expect("list");
            let code = rows
                .iter()
                .find(|r| r.unit_code == unit)
                .expect("row")
                .receipt_code
                .clone();
            s.receipt(&code).expect("slip")
        };
        let lines = |unit: &str| -> Vec<(String, u32)> {
            slip(unit).lines.into_iter().map(|l| (l.symbol, l.quantity)).collect()
        };
        assert_eq!(
            lines("X1"),
            vec![("05-KH/HU".to_owned(), 2), ("45-CT/TW".to_owned(), 1)]
        );
        assert_eq!(lines("X2"), vec![("05-KH/HU".to_owned(), 2)]);
        assert_eq!(audit_rows(&s), before + 1, "one audit row for the batch");
    }
}
