//! Tests of the scale generator at a tiny size: a seed always gives the same
//! register, and the register keeps the app's invariants (the audit log
//! replays to it: the bulk confirmations wrote what the app writes).

use giaonhan::{Actor, Error, Store};
use giaonhan_scale::{generate, Size, Summary};
use sha2::{Digest, Sha256};

fn generated(seed: u64) -> (tempfile::TempDir, Store, Summary) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join("scale.sqlite3")).expect("open");
    let actor = Actor::new("văn thư", "test");
    let mut stages = Vec::new();
    let summary = generate(&mut store, &actor, &Size::tiny(), seed, &mut |p| stages.push(p.stage)).expect("generate");
    assert_eq!(stages.first(), Some(&"units"));
    assert_eq!(stages.last(), Some(&"batches"));
    (dir, store, summary)
}

/// A hash of everything the seed decides (not the random receipt codes,
/// uids or timestamps of the moment of writing).
fn fingerprint(store: &Store) -> String {
    let mut hash = Sha256::new();
    for sql in [
        "SELECT u.code, v.name, p.code, k.name, u.phone FROM unit u JOIN unit_version v ON v.unit_id = u.id
         LEFT JOIN unit p ON p.id = v.parent_id LEFT JOIN unit_kind k ON k.id = u.kind_id ORDER BY u.code, v.valid_from",
        "SELECT symbol, title, issued_on, copies_received, classification FROM document ORDER BY symbol",
        "SELECT code, title, handed_on, due_on, method FROM batch ORDER BY code",
        "SELECT b.code, u.code, r.copies, r.must_confirm, r.status, r.signed_by, r.signed_on, r.on_behalf, r.note
         FROM receipt r JOIN batch b ON b.id = r.batch_id JOIN unit u ON u.id = r.unit_id ORDER BY b.code, u.code",
        "SELECT b.code, u.code, d.symbol, l.quantity, l.received FROM receipt_line l
         JOIN receipt r ON r.id = l.receipt_id JOIN batch b ON b.id = r.batch_id JOIN unit u ON u.id = r.unit_id
         JOIN document d ON d.id = l.document_id ORDER BY b.code, u.code, d.symbol",
    ] {
        let conn = store.connection();
        let mut stmt = conn.prepare(sql).expect("prepare");
        let n = stmt.column_count();
        let mut rows = stmt.query([]).expect("query");
        while let Some(r) = rows.next().expect("row") {
            for i in 0..n {
                let v: rusqlite::types::Value = r.get(i).expect("value");
                hash.update(format!("{v:?}\u{1f}").as_bytes());
            }
            hash.update(b"\x1e");
        }
    }
    hex::encode(hash.finalize())
}

fn count(store: &Store, sql: &str) -> i64 {
    store.connection().query_row(sql, [], |r| r.get(0)).expect(sql)
}

#[test]
fn a_seed_always_gives_the_same_register() {
    let (_a, first, sum1) = generated(7);
    let (_b, again, sum2) = generated(7);
    let (_c, other, _) = generated(8);
    assert_eq!(sum1, sum2);
    assert_eq!(fingerprint(&first), fingerprint(&again));
    assert_ne!(fingerprint(&first), fingerprint(&other));
}

#[test]
fn the_register_keeps_the_apps_invariants() {
    let (_d, store, sum) = generated(1);
    let size = Size::tiny();
    assert!(sum.units > 20, "{sum:?}");
    assert_eq!(sum.documents, size.documents as i64);
    assert!(sum.batches > 10 && sum.lines > sum.receipts, "{sum:?}");
    // Every receipt's copies are the sum of its lines; every batch's copies
    // per document are the sum over its receipts.
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM receipt r
             WHERE r.copies <> (SELECT sum(quantity) FROM receipt_line l WHERE l.receipt_id = r.id)"
        ),
        0
    );
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM batch_document bd WHERE bd.copies <> (
                 SELECT sum(l.quantity) FROM receipt_line l JOIN receipt r ON r.id = l.receipt_id
                 WHERE r.batch_id = bd.batch_id AND l.document_id = bd.document_id)"
        ),
        0
    );
    // No document was handed out beyond its copies.
    assert!(store
        .list_documents()
        .expect("docs")
        .iter()
        .all(|d| d.copies_on_hand >= 0));
    // Receipt codes are valid; one audit row per batch, one per confirmation,
    // and the chain verifies.
    let codes: Vec<String> = {
        let conn = store.connection();
        let mut stmt = conn.prepare("SELECT code FROM receipt").expect("prepare");
        let rows = stmt.query_map([], |r| r.get(0)).expect("query");
        rows.collect::<rusqlite::Result<_>>().expect("codes")
    };
    assert!(codes
        .iter()
        .all(|c| giaonhan::receipt_code::parse(c).as_deref() == Ok(c.as_str())));
    assert_eq!(
        count(&store, "SELECT count(*) FROM audit_log WHERE action = 'batch.create'"),
        sum.batches
    );
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM audit_log WHERE action = 'receipt.confirm'"
        ),
        count(&store, "SELECT count(*) FROM receipt WHERE status <> 'pending'")
    );
    assert_eq!(store.verify().expect("chain") as i64, sum.audit_rows);
    // Signatures fall between handout and the end of the history; most
    // receipts are confirmed, and the latest batches still have open ones.
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM receipt r JOIN batch b ON b.id = r.batch_id WHERE r.status <> 'pending'
             AND (r.signed_by IS NULL OR r.signed_on < b.handed_on OR r.signed_on > '2026-11-20')"
        ),
        0
    );
    let confirmed = count(&store, "SELECT count(*) FROM receipt WHERE status = 'confirmed'");
    assert!(confirmed * 10 > sum.receipts * 7, "{confirmed} of {}", sum.receipts);
    assert!(sum.open > 0);
    let rows = store
        .outstanding(&giaonhan::model::OutstandingQuery::default())
        .expect("outstanding");
    assert_eq!(rows.len() as i64, sum.open);
}

#[test]
fn a_register_that_holds_anything_is_refused() {
    let (_d, mut store, _) = generated(3);
    let before = count(&store, "SELECT count(*) FROM receipt_line");
    let err = generate(&mut store, &Actor::new("t", "test"), &Size::tiny(), 3, &mut |_| {}).expect_err("must refuse");
    assert!(matches!(err, Error::Conflict { .. }), "{err}");
    assert_eq!(count(&store, "SELECT count(*) FROM receipt_line"), before);
}

/// The register a seed gives is pinned: the end-to-end tests and the
/// benchmarks' figures rest on the district (seed 3) and province (seed 1)
/// registers, so a change here must be on purpose. (This hash is the one
/// the generator gave while it was still part of the core's library.)
#[test]
fn seed_1_still_gives_the_register_it_always_gave() {
    let (_d, store, sum) = generated(1);
    assert_eq!(
        (
            sum.units,
            sum.documents,
            sum.batches,
            sum.receipts,
            sum.lines,
            sum.open,
            sum.audit_rows
        ),
        (100, 30, 24, 594, 1668, 40, 709)
    );
    assert_eq!(
        fingerprint(&store),
        "1f052d16cdefd6ef36aa7393f3f18b79dbb01aefa5ef815a535fa312e3683810"
    );
}

/// The history goes through the 2025 reorganisation: the district
/// committees close on 1 July 2025, their communes merge into new ones
/// directly under the province, and every batch from that day on goes to
/// units open then.
#[test]
fn the_history_goes_through_the_2025_reorganisation() {
    let (_d, store, _) = generated(1);
    let of_kind = "FROM unit u JOIN unit_kind k ON k.id = u.kind_id WHERE k.name = 'Đảng bộ huyện'";
    assert!(count(&store, &format!("SELECT count(*) {of_kind}")) > 0);
    assert_eq!(
        count(
            &store,
            &format!("SELECT count(*) {of_kind} AND u.closed_on <> '2025-07-01'")
        ),
        0
    );
    let merged = count(
        &store,
        "SELECT count(*) FROM unit u JOIN unit s ON s.id = u.successor_id
         WHERE u.closed_on = '2025-07-01' AND s.opened_on = '2025-07-01'",
    );
    assert!(merged >= 2, "{merged} communes merged");
    assert!(count(&store, "SELECT count(*) FROM batch WHERE handed_on >= '2025-07-01'") > 0);
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM receipt r JOIN batch b ON b.id = r.batch_id JOIN unit u ON u.id = r.unit_id
             WHERE b.handed_on >= '2025-07-01' AND u.closed_on <= b.handed_on"
        ),
        0
    );
    // Today no open unit hangs under a closed one.
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM unit u JOIN unit_version v ON v.unit_id = u.id JOIN unit p ON p.id = v.parent_id
             WHERE u.closed_on = '9999-12-31' AND v.valid_to = '9999-12-31' AND p.closed_on <> '9999-12-31'"
        ),
        0
    );
}
