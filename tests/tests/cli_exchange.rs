//! The exchange between offices through the real `giaonhan` binary, with
//! three registers in temporary folders: the province (HT) and two commune
//! offices (HK, AT). Identity cards and fingerprints, packets carried on a
//! "stick" (a folder), batches down into the communes' inboxes, handing the
//! received copies on to the branches, confirmations up; every bad packet
//! refused with nothing applied; a packet that waits for the one before
//! it; a packet applied twice; and `verify` clean on all three at the end.

use std::path::Path;

use giaonhan_tests::cli::{fails, ok, run};
use giaonhan_tests::offices::*;
use giaonhan_tests::packets::{parts, resign_body, resigned, secret_key, sign_with};
use giaonhan_tests::readers;
use serde_json::Value;

/// The province's register with batch D1B too (2 copies to the branch
/// HK-01 directly), and its identity.
fn province() -> Office {
    let p = province_register();
    #[rustfmt::skip]
    ok(&p.db, &["batch", "new", "--code", "D1B", "--title", "Đợt 1 năm 2025 (chi bộ)", "--handed", "2025-02-01",
                "--due", "2025-02-15", "--doc", "12-NQ/TU:2", "--unit", "HK-01"]);
    ok(&p.db, &["site", "init", "--unit", "HT"]);
    p
}

fn stick() -> tempfile::TempDir {
    tempfile::tempdir().expect("stick")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

fn on_hand(o: &Office, symbol: &str) -> i64 {
    json(&o.db, &["doc", "list", "--format", "json"])
        .as_array()
        .expect("docs")
        .iter()
        .find(|d| d["symbol"] == symbol)
        .and_then(|d| d["copies_on_hand"].as_i64())
        .unwrap_or_else(|| panic!("no document {symbol}"))
}

fn receipt_code_at(o: &Office, batch: &str, unit: &str) -> String {
    json(&o.db, &["outstanding", "--format", "json", "--batch", batch])
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["unit_code"] == unit)
        .and_then(|r| r["receipt_code"].as_str())
        .unwrap_or_else(|| panic!("{unit} not outstanding in {batch}"))
        .to_owned()
}

fn verified(o: &Office) {
    let out = ok(&o.db, &["verify"]);
    assert!(out.contains("Nhật ký nguyên vẹn"), "{out}");
}

#[test]
fn identity_is_made_once_and_a_peer_needs_the_right_fingerprint() {
    let p = province();
    let hk = commune(HK);
    let err = fails(&p.db, &["site", "init", "--unit", "HT"]);
    assert!(err.contains("chỉ tạo một lần"), "{err}");

    let shown = json(&p.db, &["site", "show", "--format", "json"]);
    let mut keys: Vec<&str> = shown[0]
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["fingerprint", "id", "name", "public_key", "unit"]);
    assert_eq!(shown[0]["unit"], "HT");
    assert_eq!(shown[0]["name"], "Đảng bộ tỉnh Hà Tĩnh");
    let groups: Vec<&str> = shown[0]["fingerprint"].as_str().expect("fp").split(' ').collect();
    assert_eq!(groups.len(), 6);
    assert!(groups
        .iter()
        .all(|g| g.len() == 5 && g.bytes().all(|b| b.is_ascii_digit())));

    // The card holds the public key and never the secret one.
    let card = p.path("ht.card");
    ok(&p.db, &["site", "export", "--out", s(&card)]);
    let text = std::fs::read_to_string(&card).expect("card");
    let secret: Vec<u8> = rusqlite::Connection::open(&p.db)
        .expect("open")
        .query_row("SELECT secret_key FROM site", [], |r| r.get(0))
        .expect("secret");
    use base64::Engine;
    for engine in [
        base64::engine::general_purpose::URL_SAFE_NO_PAD,
        base64::engine::general_purpose::STANDARD,
    ] {
        assert!(!text.contains(&engine.encode(&secret)), "the card holds the secret key");
    }
    assert!(!text.contains(&hex(&secret)));
    let card_json: Value = serde_json::from_str(&text).expect("card JSON");
    assert_eq!(card_json["format"], "sogiaonhan-site-card");
    assert_eq!(card_json["public_key"], shown[0]["public_key"]);

    // A wrong fingerprint is refused and nothing is stored.
    let mut wrong: Vec<char> = fingerprint(&p).chars().collect();
    wrong[0] = if wrong[0] == '1' { '2' } else { '1' };
    let wrong: String = wrong.into_iter().collect();
    let err = fails(&hk.db, &["peer", "add", s(&card), "--fingerprint", &wrong]);
    assert!(err.contains("không khớp"), "{err}");
    assert_eq!(
        json(&hk.db, &["peer", "list", "--format", "json"]),
        Value::Array(vec![])
    );

    // The right one, with its spaces, is trusted; the relation comes from the tree.
    ok(&hk.db, &["peer", "add", s(&card), "--fingerprint", &fingerprint(&p)]);
    let peers = json(&hk.db, &["peer", "list", "--format", "json"]);
    assert_eq!(peers[0]["unit"], "HT");
    assert_eq!(peers[0]["relation"], "parent");
    let err = fails(&hk.db, &["peer", "add", s(&card), "--fingerprint", &fingerprint(&p)]);
    assert!(err.contains("đã có"), "{err}");
    ok(&hk.db, &["peer", "remove", "--unit", "HT"]);
    assert_eq!(
        json(&hk.db, &["peer", "list", "--format", "json"]),
        Value::Array(vec![])
    );
    verified(&p);
    verified(&hk);
}

#[test]
fn the_printed_card_holds_the_fingerprint_and_its_qr_code_the_card_file() {
    let p = province();
    let pdf = p.path("the-dinh-danh.pdf");
    // Nothing prints before the office has given its letterhead.
    let err = fails(&p.db, &["site", "card", "--out", s(&pdf)]);
    assert!(err.contains("letterhead"), "{err}");
    assert!(!pdf.exists());
    giaonhan_tests::cli::give_letterhead(&p.db);
    ok(&p.db, &["site", "card", "--out", s(&pdf)]);

    assert_eq!(readers::pdf_pages(&pdf), 1);
    let text = readers::pdf_text(&pdf);
    let fp: Vec<String> = fingerprint(&p).split(' ').map(str::to_owned).collect();
    for s in [
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "THẺ ĐỊNH DANH TRAO ĐỔI",
        "Đảng bộ tỉnh Hà Tĩnh (HT)",
        &fp[..3].join(" "),
        &fp[3..].join(" "),
        json(&p.db, &["site", "show", "--format", "json"])[0]["id"]
            .as_str()
            .expect("id"),
        "(Ký tên, đóng dấu)",
    ] {
        assert!(text.contains(s), "{s:?} missing from:\n{text}");
    }

    // The QR code holds the card file, byte for byte as `site export` writes it.
    let card = p.path("ht.card");
    ok(&p.db, &["site", "export", "--out", s(&card)]);
    let png = readers::pdf_page_png(&pdf, 1, &p.path("card-page"));
    let out = std::process::Command::new("zbarimg")
        .args(["--raw", "-q", "-Sbinary"])
        .arg(&png)
        .output()
        .expect("run zbarimg (zbar-tools, scripts/setup.sh)");
    assert!(
        out.status.success(),
        "zbarimg: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let decoded = out.stdout.strip_suffix(b"\n").unwrap_or(&out.stdout);
    assert_eq!(decoded, std::fs::read(&card).expect("card").as_slice());

    let logged: i64 = rusqlite::Connection::open(&p.db)
        .expect("open")
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'print.site_card'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(logged, 1);
    verified(&p);
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn batches_go_down_confirmations_come_up_and_received_copies_are_handed_on() {
    let p = province();
    let hk = commune(HK);
    let at = commune(AT);
    pair(&p, &hk);
    pair(&p, &at);

    let down = stick();
    let sent = ok(&p.db, &["sync", "send", "--out", s(down.path())]);
    assert_eq!(sent.lines().count(), 2, "one packet per commune: {sent}");

    // HK applies its packet and leaves AT's alone.
    let got = ok(&hk.db, &["sync", "receive", s(down.path())]);
    assert!(got.contains("đã áp dụng gói số 1 từ HT"), "{got}");
    assert!(got.contains("gửi cho văn phòng khác, để nguyên"), "{got}");
    assert_eq!(
        std::fs::read_dir(down.path()).expect("stick").count(),
        2,
        "nothing removed"
    );

    // HK's inbox: its own receipt and its branch's, with the province's codes.
    let rows = inbox(&hk);
    let mut seen: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["batch"].as_str().unwrap_or("").to_owned(),
                r["unit_code"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("D1".to_owned(), "HK".to_owned()),
            ("D1B".to_owned(), "HK-01".to_owned())
        ]
    );
    let row = rows.iter().find(|r| r["unit_code"] == "HK").expect("HK row");
    for key in [
        "batch",
        "title",
        "from",
        "unit_code",
        "receipt_code",
        "handed",
        "due",
        "status",
    ] {
        assert!(row.get(key).is_some(), "inbox row lacks {key}: {row}");
    }
    assert_eq!(row["from"], "Đảng bộ tỉnh Hà Tĩnh");
    assert_eq!(row["handed"], "2025-02-01");
    assert_eq!(row["due"], "2025-02-15");
    assert_eq!(row["status"], "pending");
    assert_eq!(row["receipt_code"], receipt_code_at(&p, "D1", "HK").as_str());

    // The branches came with the subtree; the document entered as received:
    // the 5 copies addressed to HK are on hand (not HK-01's 2).
    let units = ok(&hk.db, &["unit", "list", "--format", "csv"]);
    assert!(
        units.contains("HK-01") && units.contains("HK-02") && !units.contains("AT-01"),
        "{units}"
    );
    assert_eq!(on_hand(&hk, "12-NQ/TU"), 5);

    // Handing on: not more than received, then within it.
    #[rustfmt::skip]
    let err = fails(&hk.db, &["batch", "new", "--code", "X1", "--title", "Chuyển tiếp nghị quyết", "--handed", "2025-02-05",
                              "--due", "2025-02-20", "--doc", "12-NQ/TU:3", "--subtree", "HK"]);
    assert!(err.contains("Không đủ bản"), "{err}");
    #[rustfmt::skip]
    ok(&hk.db, &["batch", "new", "--code", "X1", "--title", "Chuyển tiếp nghị quyết", "--handed", "2025-02-05",
                 "--due", "2025-02-20", "--doc", "12-NQ/TU:2", "--subtree", "HK"]);
    assert_eq!(on_hand(&hk, "12-NQ/TU"), 1);

    // HK confirms its own receipt one copy short, and its branch's on its behalf.
    let own = code_in_inbox(&hk, "HK", "D1");
    #[rustfmt::skip]
    ok(&hk.db, &["confirm", "--code", &own, "--by", "Trần Văn Bình", "--at", "2025-02-03", "--qty", "12-NQ/TU:4"]);
    assert_eq!(on_hand(&hk, "12-NQ/TU"), 0, "4 copies received, 4 handed on");
    let branch = code_in_inbox(&hk, "HK-01", "D1B");
    #[rustfmt::skip]
    ok(&hk.db, &["confirm", "--code", &branch, "--by", "Lê Văn Phó", "--on-behalf", "--method", "remote"]);
    let row = inbox(&hk).into_iter().find(|r| r["unit_code"] == "HK").expect("row");
    assert_eq!(row["status"], "partial");

    // AT declines by batch and unit, like a local receipt.
    ok(&at.db, &["sync", "receive", s(down.path())]);
    #[rustfmt::skip]
    ok(&at.db, &["confirm", "--batch", "D1", "--unit", "AT", "--by", "Phạm Thị C", "--decline", "Không đúng đối tượng"]);

    // Meanwhile the province recorded HK-01's receipt at its own office: the
    // packet's confirmation must not override it.
    #[rustfmt::skip]
    ok(&p.db, &["confirm", "--batch", "D1B", "--unit", "HK-01", "--by", "Nguyễn Thị Hoa", "--method", "in-person"]);

    // Up.
    let up = stick();
    ok(&hk.db, &["sync", "send", "--out", s(up.path())]);
    ok(&at.db, &["sync", "send", "--out", s(up.path())]);
    let got = ok(&p.db, &["sync", "receive", s(up.path())]);
    assert!(
        got.contains("đã áp dụng gói số 1 từ HK") && got.contains("đã áp dụng gói số 1 từ AT"),
        "{got}"
    );

    let hk_receipt = json(&p.db, &["receipt", &own]);
    assert_eq!(hk_receipt[0]["status"], "partial");
    assert_eq!(hk_receipt[0]["signed_by"], "Trần Văn Bình");
    assert_eq!(hk_receipt[0]["signed_on"], "2025-02-03");
    assert_eq!(hk_receipt[0]["method"], "remote");
    assert_eq!(hk_receipt[0]["lines"][0]["received"], 4);
    let by = hk_receipt[0]["recorded_by"].as_str().expect("recorded_by");
    assert!(
        by.contains("văn phòng HK") && by.contains("gói số 1"),
        "came by packet: {by}"
    );
    let kept = json(&p.db, &["receipt", &branch]);
    assert_eq!(
        kept[0]["signed_by"], "Nguyễn Thị Hoa",
        "the province's own confirmation stands"
    );
    assert_eq!(kept[0]["method"], "in_person");
    // Which of the two a later packet may change, as kept in the receipts.
    let set_by_packet = |code: &str| -> bool {
        rusqlite::Connection::open(&p.db)
            .expect("open")
            .query_row("SELECT set_by_packet FROM receipt WHERE code = ?1", [code], |r| {
                r.get(0)
            })
            .expect("receipt")
    };
    assert!(set_by_packet(&own) && !set_by_packet(&branch));
    let outstanding = json(&p.db, &["outstanding", "--format", "json"]);
    let open: Vec<(&str, &str)> = outstanding
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["unit_code"].as_str().unwrap_or(""),
                r["status"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(
        open.contains(&("HK", "partial")) && open.contains(&("AT", "declined")),
        "{open:?}"
    );

    // The consolidated list: the province's own open receipts, and those of
    // HK's own batch X1 (handed on to its branches) as HK reported them.
    let seen = consolidated(&p);
    for want in ["HT D1 HK", "HT D1 AT", "HK X1 HK-01", "HK X1 HK-02"] {
        assert!(seen.iter().any(|r| r == want), "{want} missing from {seen:?}");
    }
    let rows = json(&p.db, &["outstanding", "--consolidated", "--format", "json"]);
    let x1 = rows
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["batch"] == "X1")
        .expect("X1 row");
    assert_eq!(x1["group_code"], "HK");
    assert_eq!(x1["copies"], 2);
    // HK-02 confirms at HK: the next report takes it off the province's list.
    ok(
        &hk.db,
        &["confirm", "--batch", "X1", "--unit", "HK-02", "--by", "Võ Thị Lan"],
    );
    let report = stick();
    ok(&hk.db, &["sync", "send", "--out", s(report.path())]);
    ok(&p.db, &["sync", "receive", s(report.path())]);
    let rows = json(&p.db, &["outstanding", "--consolidated", "--format", "json"]);
    let x1: Vec<&str> = rows
        .as_array()
        .expect("rows")
        .iter()
        .filter(|r| r["batch"] == "X1")
        .map(|r| r["unit_code"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(x1, ["HK-01"]);

    // The same stick again changes nothing.
    let before = head(&p);
    let again = ok(&p.db, &["sync", "receive", s(up.path())]);
    assert_eq!(again.matches("đã áp dụng trước đây").count(), 2, "{again}");
    assert_eq!(head(&p), before, "no row added by a packet applied twice");

    // An undo at HK goes up too.
    ok(&hk.db, &["unconfirm", "--code", &own, "--reason", "Ký nhầm ngày"]);
    let up2 = stick();
    ok(&hk.db, &["sync", "send", "--out", s(up2.path())]);
    ok(&p.db, &["sync", "receive", s(up2.path())]);
    assert_eq!(json(&p.db, &["receipt", &own])[0]["status"], "pending");

    for o in [&p, &hk, &at] {
        verified(o);
    }
}

/// Runs `sync receive` on a folder holding just `bytes` as a packet file,
/// expects a refusal naming the file and `why`, and nothing applied.
fn refused(o: &Office, bytes: &[u8], why: &str) {
    let dir = stick();
    let file = dir.path().join("ht-hk-000001.sgnpkt");
    std::fs::write(&file, bytes).expect("write");
    let out = run(&o.db, &["sync", "receive", s(dir.path())]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "refused: {err}");
    // The Windows build joins the folder and the file name with '\\'.
    let named = err.replace('\\', "/").contains(s(&file));
    assert!(named && err.contains(why), "expected the file and «{why}»: {err}");
    assert!(inbox(o).is_empty(), "nothing applied");
    let peers = json(&o.db, &["peer", "list", "--format", "json"]);
    assert_eq!(peers[0]["last_in"], 0);
}

#[test]
fn every_bad_packet_is_refused_with_its_file_and_reason() {
    let p = province();
    let hk = commune(HK);
    pair(&p, &hk);
    let dir = stick();
    ok(&p.db, &["sync", "send", "--out", s(dir.path())]);
    let good = std::fs::read(dir.path().join("ht-hk-000001.sgnpkt")).expect("packet");

    // One byte edited inside the events.
    let mut edited = good.clone();
    let at = good.len() / 2;
    edited[at] ^= 0x20;
    refused(&hk, &edited, "chữ ký không khớp");
    // Truncated.
    refused(&hk, &good[..good.len() - 10], "bị cắt");
    refused(&hk, &good[..good.len() / 3], "bị cắt");
    // Not a packet at all.
    refused(&hk, b"PK\x03\x04 not a packet", "không phải gói trao đổi");

    // Signed by an unknown key: another register claiming to be the province.
    let impostor = office(&[HT, HK]);
    ok(&impostor.db, &["site", "init", "--unit", "HT"]);
    let card = hk.path("hk.card");
    ok(&hk.db, &["site", "export", "--out", s(&card)]);
    ok(
        &impostor.db,
        &["peer", "add", s(&card), "--fingerprint", &fingerprint(&hk)],
    );
    #[rustfmt::skip]
    ok(&impostor.db, &["doc", "add", "--symbol", "99-NQ/TU", "--title", "Giả", "--copies", "5"]);
    #[rustfmt::skip]
    ok(&impostor.db, &["batch", "new", "--code", "G1", "--title", "Giả", "--handed", "2025-02-01", "--due", "2025-02-15",
                       "--doc", "99-NQ/TU:1", "--unit", "HK"]);
    let fake = stick();
    ok(&impostor.db, &["sync", "send", "--out", s(fake.path())]);
    let fake_bytes = std::fs::read(fake.path().join("ht-hk-000001.sgnpkt")).expect("fake");
    refused(&hk, &fake_bytes, "khoá không được tin cậy");

    // From a newer version, properly signed with the province's key.
    refused(
        &hk,
        &resigned(&p, &good, |h| h["format"] = 2.into()),
        "phiên bản mới hơn",
    );
    // An event kind this version does not know (same events version).
    let unknown = resign_body(&p, &good, |events| {
        events
            .as_array_mut()
            .expect("array")
            .push(serde_json::json!({"kind": "study", "v": 1}))
    });
    refused(&hk, &unknown, "không rõ loại");
    // A receipt with a status or a confirmation method the app does not know.
    let receipt_with = |field: &str, value: &str| {
        resign_body(&p, &good, |events| {
            let batch = events
                .as_array_mut()
                .expect("array")
                .iter_mut()
                .find(|e| e["kind"] == "batch")
                .expect("a batch event");
            batch["receipts"][0][field] = value.into();
        })
    };
    refused(
        &hk,
        &receipt_with("status", "lost"),
        "trường status có trạng thái «lost» không rõ",
    );
    refused(
        &hk,
        &receipt_with("method", "fax"),
        "trường method có cách xác nhận «fax» không rõ",
    );

    // The good packet still applies, then is already applied.
    let out = ok(&hk.db, &["sync", "receive", s(dir.path())]);
    assert!(out.contains("đã áp dụng gói số 1"), "{out}");
    assert!(!inbox(&hk).is_empty());
    let out = ok(&hk.db, &["sync", "receive", s(dir.path())]);
    assert!(out.contains("đã áp dụng trước đây"), "{out}");
    verified(&hk);
}

#[test]
fn a_packet_waits_for_the_one_before_it_and_lost_packets_are_written_again() {
    let p = province();
    let hk = commune(HK);
    pair(&p, &hk);
    let first = stick();
    ok(&p.db, &["sync", "send", "--out", s(first.path())]);

    // A second batch: packet 2. Packet 1, not acknowledged, is written again.
    #[rustfmt::skip]
    ok(&p.db, &["batch", "new", "--code", "D2", "--title", "Đợt 2 năm 2025", "--handed", "2025-03-01",
                "--due", "2025-03-15", "--doc", "12-NQ/TU:1", "--unit", "HK"]);
    let second = stick();
    let out = ok(&p.db, &["sync", "send", "--out", s(second.path())]);
    assert!(
        out.contains("gói số 1") && out.contains("gửi lại") && out.contains("gói số 2"),
        "{out}"
    );

    // Only packet 2 reaches HK: it waits, and the peer list shows the gap.
    let only_two = stick();
    std::fs::copy(
        second.path().join("ht-hk-000002.sgnpkt"),
        only_two.path().join("ht-hk-000002.sgnpkt"),
    )
    .expect("copy");
    let out = ok(&hk.db, &["sync", "receive", s(only_two.path())]);
    assert!(out.contains("chờ gói trước"), "{out}");
    assert!(inbox(&hk).is_empty(), "nothing applied before packet 1");
    let peers = json(&hk.db, &["peer", "list", "--format", "json"]);
    assert_eq!(peers[0]["gap"], "thiếu gói số 1 từ HT");
    let text = ok(&hk.db, &["peer", "list"]);
    assert!(text.contains("thiếu gói số 1 từ HT"), "{text}");

    // Packet 1 arrives (from the first stick): 1 applies, then 2 from the register.
    let out = ok(&hk.db, &["sync", "receive", s(first.path())]);
    assert!(
        out.contains("đã áp dụng gói số 1") && out.contains("đã áp dụng gói số 2"),
        "{out}"
    );
    let batches: Vec<String> = inbox(&hk)
        .iter()
        .map(|r| r["batch"].as_str().unwrap_or("").to_owned())
        .collect();
    assert!(
        batches.contains(&"D1".to_owned()) && batches.contains(&"D2".to_owned()),
        "{batches:?}"
    );
    assert_eq!(
        json(&hk.db, &["peer", "list", "--format", "json"])[0]["gap"],
        Value::Null
    );
    let out = ok(&hk.db, &["sync", "receive", s(second.path())]);
    assert_eq!(out.matches("đã áp dụng trước đây").count(), 2, "{out}");

    // HK's next packet acknowledges both: the province stops writing them again.
    ok(
        &hk.db,
        &["confirm", "--batch", "D2", "--unit", "HK", "--by", "Trần Văn Bình"],
    );
    let up = stick();
    ok(&hk.db, &["sync", "send", "--out", s(up.path())]);
    ok(&p.db, &["sync", "receive", s(up.path())]);
    let peers = json(&p.db, &["peer", "list", "--format", "json"]);
    assert_eq!(peers[0]["acked"], 2);
    let out = ok(&p.db, &["sync", "send", "--out", s(stick().path())]);
    assert!(!out.contains("gửi lại"), "{out}");
    verified(&p);
    verified(&hk);
}

/// The public key of a secret key, as packets and cards write it.
fn public_text(secret: &[u8]) -> String {
    use base64::Engine;
    let key = ed25519_dalek::SigningKey::from_bytes(&secret.try_into().expect("32 bytes"));
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes())
}

/// A folder holding copies of the named files of `from`.
fn stick_with(from: &Path, names: &[&str]) -> tempfile::TempDir {
    let dir = stick();
    for name in names {
        std::fs::copy(from.join(name), dir.path().join(name)).expect("copy");
    }
    dir
}

fn peer_fingerprint(o: &Office, unit: &str) -> String {
    json(&o.db, &["peer", "list", "--format", "json"])
        .as_array()
        .expect("peers")
        .iter()
        .find(|p| p["unit"] == unit)
        .and_then(|p| p["fingerprint"].as_str())
        .unwrap_or_else(|| panic!("no peer {unit}"))
        .to_owned()
}

#[test]
fn a_new_key_crosses_in_a_packet_signed_with_the_old_one() {
    let p = province();
    let hk = commune(HK);
    let at = commune(AT);
    pair(&p, &hk);
    pair(&p, &at);
    let first = stick();
    ok(&p.db, &["sync", "send", "--out", s(first.path())]);
    ok(&hk.db, &["sync", "receive", s(first.path())]);
    ok(&at.db, &["sync", "receive", s(first.path())]);

    // The province makes a new key pair: a new fingerprint, shown and printed.
    let old_secret = secret_key(&p);
    let old_fingerprint = fingerprint(&p);
    let out = ok(&p.db, &["site", "new-key"]);
    let new_fingerprint = fingerprint(&p);
    assert_ne!(new_fingerprint, old_fingerprint);
    assert!(out.contains(&format!("Dấu vân tay mới: {new_fingerprint}")), "{out}");
    assert!(
        out.contains("Gói số 2 cho HK") && out.contains("Gói số 2 cho AT"),
        "{out}"
    );
    assert_ne!(secret_key(&p), old_secret);
    let logged: String = rusqlite::Connection::open(&p.db)
        .expect("open")
        .query_row("SELECT detail FROM audit_log WHERE action = 'site.key'", [], |r| {
            r.get(0)
        })
        .expect("site.key logged");
    assert!(logged.contains(&new_fingerprint), "{logged}");
    use base64::Engine;
    for secret in [&old_secret, &secret_key(&p)] {
        let text = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret);
        assert!(
            !logged.contains(&text) && !logged.contains(&hex(secret)),
            "a secret key in the log"
        );
    }
    giaonhan_tests::cli::give_letterhead(&p.db);
    let pdf = p.path("the.pdf");
    ok(&p.db, &["site", "card", "--out", s(&pdf)]);
    let groups: Vec<&str> = new_fingerprint.split(' ').collect();
    assert!(readers::pdf_text(&pdf).contains(&groups[..3].join(" ")));
    let card = p.path("new.card");
    ok(&p.db, &["site", "export", "--out", s(&card)]);
    let card: Value = serde_json::from_str(&std::fs::read_to_string(&card).expect("card")).expect("JSON");
    assert_eq!(card["public_key"], public_text(&secret_key(&p)).as_str());

    // A new batch: packet 2 to each commune announces the key (signed with
    // the old one, written for the first time), packet 3 is signed with the new.
    #[rustfmt::skip]
    ok(&p.db, &["batch", "new", "--code", "D2", "--title", "Đợt 2 năm 2025", "--handed", "2025-03-01",
                "--due", "2025-03-15", "--doc", "12-NQ/TU:1", "--unit", "HK", "--unit", "AT"]);
    let down = stick();
    let out = ok(&p.db, &["sync", "send", "--out", s(down.path())]);
    assert!(out.contains("gói số 2 cho HK, 1 sự kiện\n"), "{out}");
    assert!(out.contains("gói số 3 cho HK"), "{out}");
    let (header, body) = parts(&std::fs::read(down.path().join("ht-hk-000002.sgnpkt")).expect("2"));
    assert_eq!(header["key"], public_text(&old_secret).as_str());
    assert_eq!(body[0]["kind"], "key");
    assert_eq!(body[0]["public_key"], public_text(&secret_key(&p)).as_str());
    let (header, _) = parts(&std::fs::read(down.path().join("ht-hk-000003.sgnpkt")).expect("3"));
    assert_eq!(header["key"], public_text(&secret_key(&p)).as_str());

    // Signed with the new key before the change has been applied: refused.
    let three = std::fs::read(down.path().join("ht-hk-000003.sgnpkt")).expect("3");
    let early = resigned(&p, &three, |h| {
        h["seq"] = 2.into();
        h["prev"] = parts(&std::fs::read(down.path().join("ht-hk-000002.sgnpkt")).expect("2")).0["prev"].clone();
    });
    let dir = stick();
    std::fs::write(dir.path().join("ht-hk-000002.sgnpkt"), &early).expect("write");
    let refused = run(&hk.db, &["sync", "receive", s(dir.path())]);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !refused.status.success() && err.contains("khoá chưa được tin cậy"),
        "{err}"
    );
    assert_eq!(peer_fingerprint(&hk, "HT"), old_fingerprint);

    // HK: the change and the packet after it in one run.
    let out = ok(&hk.db, &["sync", "receive", s(down.path())]);
    assert!(
        out.contains("đã áp dụng gói số 2 từ HT") && out.contains("đã áp dụng gói số 3 từ HT"),
        "{out}"
    );
    assert_eq!(peer_fingerprint(&hk, "HT"), new_fingerprint);
    assert!(inbox(&hk).iter().any(|r| r["batch"] == "D2"));

    // AT: the packet signed with the new key first waits, and is applied
    // from the waiting room once the change arrives.
    let three_only = stick_with(down.path(), &["ht-at-000003.sgnpkt"]);
    let out = ok(&at.db, &["sync", "receive", s(three_only.path())]);
    assert!(out.contains("chờ gói trước"), "{out}");
    assert!(
        !inbox(&at).iter().any(|r| r["batch"] == "D2"),
        "nothing applied before the change"
    );
    assert_eq!(peer_fingerprint(&at, "HT"), old_fingerprint);
    let two_only = stick_with(down.path(), &["ht-at-000002.sgnpkt"]);
    let out = ok(&at.db, &["sync", "receive", s(two_only.path())]);
    assert!(
        out.contains("đã áp dụng gói số 2 từ HT") && out.contains("đã áp dụng gói số 3 từ HT"),
        "{out}"
    );
    assert_eq!(peer_fingerprint(&at, "HT"), new_fingerprint);
    assert!(inbox(&at).iter().any(|r| r["batch"] == "D2"));

    // Not yet acknowledged: packets 2 and 3 are written again, byte for byte.
    let again = stick();
    let out = ok(&p.db, &["sync", "send", "--out", s(again.path())]);
    assert!(out.contains("gói số 2 cho HK, 1 sự kiện (gửi lại"), "{out}");
    for name in ["ht-hk-000002.sgnpkt", "ht-hk-000003.sgnpkt"] {
        assert_eq!(
            std::fs::read(again.path().join(name)).expect("again"),
            std::fs::read(down.path().join(name)).expect("first"),
            "{name} rewritten"
        );
    }
    // Applied twice: nothing changes (the old-key packet included).
    let out = ok(&hk.db, &["sync", "receive", s(again.path())]);
    assert_eq!(out.matches("đã áp dụng trước đây").count(), 3, "{out}");

    // Packet 4 forged with the old key after the change: refused; the
    // genuine one (new key) applies.
    #[rustfmt::skip]
    ok(&p.db, &["batch", "new", "--code", "D3", "--title", "Đợt 3 năm 2025", "--handed", "2025-04-01",
                "--due", "2025-04-15", "--doc", "12-NQ/TU:1", "--unit", "HK"]);
    let fourth = stick();
    ok(&p.db, &["sync", "send", "--out", s(fourth.path())]);
    let genuine = std::fs::read(fourth.path().join("ht-hk-000004.sgnpkt")).expect("4");
    let (mut header, body) = parts(&genuine);
    header["key"] = public_text(&old_secret).into();
    let forged = sign_with(&old_secret, &header, &body);
    let dir = stick();
    std::fs::write(dir.path().join("ht-hk-000004.sgnpkt"), &forged).expect("write");
    let refused = run(&hk.db, &["sync", "receive", s(dir.path())]);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success() && err.contains("khoá cũ"), "{err}");
    assert!(!inbox(&hk).iter().any(|r| r["batch"] == "D3"));
    // The same forgery naming the new key in its header fails its signature.
    let header = parts(&genuine).0;
    std::fs::write(
        dir.path().join("ht-hk-000004.sgnpkt"),
        sign_with(&old_secret, &header, &body),
    )
    .expect("write");
    let err = String::from_utf8_lossy(&run(&hk.db, &["sync", "receive", s(dir.path())]).stderr).into_owned();
    assert!(err.contains("chữ ký không khớp"), "{err}");
    let out = ok(&hk.db, &["sync", "receive", s(fourth.path())]);
    assert!(out.contains("đã áp dụng gói số 4 từ HT"), "{out}");
    assert!(inbox(&hk).iter().any(|r| r["batch"] == "D3"));

    for o in [&p, &hk, &at] {
        verified(o);
    }
}

/// When an office is removed and added again from its new card (its old
/// key lost or in other hands), the packet announcing that key, signed with
/// the old one, passes without changing anything, and the packets after
/// it apply.
#[test]
fn an_office_added_again_from_its_new_card_takes_the_key_packet_in_its_stride() {
    let p = province();
    let hk = commune(HK);
    pair(&p, &hk);
    let first = stick();
    ok(&p.db, &["sync", "send", "--out", s(first.path())]);
    ok(&hk.db, &["sync", "receive", s(first.path())]);
    ok(&p.db, &["site", "new-key"]);
    ok(&hk.db, &["peer", "remove", "--unit", "HT"]);
    let card = p.path("new.card");
    ok(&p.db, &["site", "export", "--out", s(&card)]);
    ok(&hk.db, &["peer", "add", s(&card), "--fingerprint", &fingerprint(&p)]);
    assert_eq!(peer_fingerprint(&hk, "HT"), fingerprint(&p));

    #[rustfmt::skip]
    ok(&p.db, &["batch", "new", "--code", "D2", "--title", "Đợt 2 năm 2025", "--handed", "2025-03-01",
                "--due", "2025-03-15", "--doc", "12-NQ/TU:1", "--unit", "HK"]);
    let down = stick();
    ok(&p.db, &["sync", "send", "--out", s(down.path())]);
    let out = ok(&hk.db, &["sync", "receive", s(down.path())]);
    assert!(
        out.contains("đã áp dụng gói số 2 từ HT") && out.contains("đã áp dụng gói số 3 từ HT"),
        "{out}"
    );
    assert!(inbox(&hk).iter().any(|r| r["batch"] == "D2"));
    verified(&hk);
}

/// The unit `code` of `unit list --format json` (on `as_of`, or today).
fn unit_row(o: &Office, code: &str, as_of: Option<&str>) -> Option<Value> {
    let mut args = vec!["unit", "list", "--format", "json"];
    if let Some(day) = as_of {
        args.extend(["--as-of", day]);
    }
    json(&o.db, &args)
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["code"] == code)
        .cloned()
}

#[test]
fn the_commune_tree_follows_the_provinces_renames_moves_and_closings() {
    let p = province();
    ok(
        &p.db,
        &[
            "unit",
            "add",
            "--code",
            "HK-03",
            "--name",
            "Chi bộ thôn Tây Sơn",
            "--parent",
            "HK",
            "--kind",
            "Chi bộ",
        ],
    );
    let hk = commune(HK);
    pair(&p, &hk);
    let first = stick();
    ok(&p.db, &["sync", "send", "--out", s(first.path())]);
    ok(&hk.db, &["sync", "receive", s(first.path())]);
    assert_eq!(
        unit_row(&hk, "HK-01", None).expect("HK-01")["name"],
        "Chi bộ thôn Đông Trung"
    );

    // At the province, from 01/07/2025: a rename, a move within HK's subtree, a closing.
    #[rustfmt::skip]
    ok(&p.db, &["unit", "rename", "--code", "HK-01", "--name", "Chi bộ thôn Trung Hòa", "--on", "2025-07-01",
                "--reason", "Đổi tên thôn"]);
    #[rustfmt::skip]
    ok(&p.db, &["unit", "move", "--code", "HK-02", "--parent", "HK-01", "--on", "2025-07-01",
                "--reason", "Sáp nhập thôn"]);
    ok(&p.db, &["unit", "close", "--code", "HK-03", "--on", "2025-07-01"]);
    let down = stick();
    ok(&p.db, &["sync", "send", "--out", s(down.path())]);
    let out = ok(&hk.db, &["sync", "receive", s(down.path())]);
    assert!(out.contains("đã áp dụng gói số 2 từ HT"), "{out}");

    // The commune's tree today, and as it stood before the effective date.
    let today = unit_row(&hk, "HK-01", None).expect("HK-01");
    assert_eq!(today["name"], "Chi bộ thôn Trung Hòa");
    assert_eq!(unit_row(&hk, "HK-02", None).expect("HK-02")["parent"], "HK-01");
    assert!(unit_row(&hk, "HK-03", None).is_none(), "HK-03 closed");
    let before = unit_row(&hk, "HK-01", Some("2025-06-30")).expect("HK-01 before");
    assert_eq!(before["name"], "Chi bộ thôn Đông Trung");
    assert_eq!(
        unit_row(&hk, "HK-02", Some("2025-06-30")).expect("HK-02")["parent"],
        "HK"
    );
    assert!(unit_row(&hk, "HK-03", Some("2025-06-30")).is_some());

    // Their history: the same dates and reasons, recorded as by the province's packet.
    let history = json(&hk.db, &["unit", "history", "--code", "HK-01", "--format", "json"]);
    assert_eq!(history.as_array().expect("events").len(), 1, "{history}");
    assert_eq!(history[0]["kind"], "rename");
    assert_eq!(history[0]["on"], "2025-07-01");
    assert_eq!(history[0]["reason"], "Đổi tên thôn");
    let moved = json(&hk.db, &["unit", "history", "--code", "HK-02", "--format", "json"]);
    assert_eq!(
        (moved[0]["kind"].as_str(), moved[0]["reason"].as_str()),
        (Some("move"), Some("Sáp nhập thôn"))
    );
    let closed = json(&hk.db, &["unit", "history", "--code", "HK-03", "--format", "json"]);
    assert_eq!(closed[0]["kind"], "close");
    let actors: Vec<String> = {
        let conn = rusqlite::Connection::open(&hk.db).expect("open");
        let mut stmt = conn
            .prepare("SELECT actor FROM audit_log WHERE action IN ('unit.rename', 'unit.move', 'unit.close')")
            .expect("prepare");
        let rows = stmt.query_map([], |r| r.get(0)).expect("query");
        rows.collect::<rusqlite::Result<_>>().expect("rows")
    };
    assert_eq!(actors.len(), 3, "{actors:?}");
    assert!(actors.iter().all(|a| a == "văn phòng HT, gói số 2"), "{actors:?}");

    // The next packet, with the same reorganisations logged before its
    // cursor, changes nothing more; a change HK cannot follow (a move out of
    // its subtree) is logged as ignored and the packet applies.
    #[rustfmt::skip]
    ok(&p.db, &["unit", "move", "--code", "HK-02", "--parent", "AT", "--on", "2025-08-01"]);
    let third = stick();
    ok(&p.db, &["sync", "send", "--out", s(third.path())]);
    let out = ok(&hk.db, &["sync", "receive", s(third.path())]);
    assert!(out.contains("đã áp dụng gói số 3 từ HT"), "{out}");
    assert_eq!(unit_row(&hk, "HK-02", None).expect("HK-02")["parent"], "HK-01");
    assert_eq!(
        json(&hk.db, &["unit", "history", "--code", "HK-01", "--format", "json"])
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    let ignored: String = rusqlite::Connection::open(&hk.db)
        .expect("open")
        .query_row(
            "SELECT detail FROM audit_log WHERE action = 'exchange.ignored'",
            [],
            |r| r.get(0),
        )
        .expect("ignored");
    assert!(ignored.contains("HK-02") && ignored.contains("AT"), "{ignored}");
    verified(&p);
    verified(&hk);
}

/// The packet files `sync send` wrote into a fresh folder, and its output.
fn send(o: &Office) -> (Vec<String>, String) {
    let dir = stick();
    let out = ok(&o.db, &["sync", "send", "--out", s(dir.path())]);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // The folder goes with `dir`: receive from a copy.
    let keep = o.path("last-send");
    let _ = std::fs::remove_dir_all(&keep);
    std::fs::create_dir(&keep).expect("keep");
    for n in &names {
        std::fs::copy(dir.path().join(n), keep.join(n)).expect("copy");
    }
    (names, out)
}

#[test]
fn an_acknowledgement_goes_back_once_and_quiet_offices_write_nothing() {
    let p = province();
    let hk = commune(HK);
    pair(&p, &hk);
    let (names, _) = send(&p);
    assert_eq!(names, ["ht-hk-000001.sgnpkt"]);
    ok(&hk.db, &["sync", "receive", s(&p.path("last-send"))]);

    // HK has nothing new, but has applied packet 1: a packet with no events
    // says so.
    let (names, out) = send(&hk);
    assert_eq!(names, ["hk-ht-000001.sgnpkt"], "{out}");
    assert!(out.contains("chỉ báo đã nhận"), "{out}");
    let (header, body) = parts(&std::fs::read(hk.path("last-send").join(&names[0])).expect("packet"));
    assert_eq!(
        (header["acked"].as_i64(), header["events"].as_i64()),
        (Some(1), Some(0))
    );
    assert_eq!(body, serde_json::json!([]));
    ok(&p.db, &["sync", "receive", s(&hk.path("last-send"))]);
    assert_eq!(json(&p.db, &["peer", "list", "--format", "json"])[0]["acked"], 1);

    // The province owes nothing for an empty packet, and packet 1 is
    // acknowledged: nothing to write. Two quiet rounds: nothing either side.
    for round in 0..2 {
        for o in [&p, &hk] {
            let (names, out) = send(o);
            assert!(names.is_empty(), "round {round}: {names:?}");
            assert!(out.contains("Không có gì mới để gửi"), "{out}");
        }
    }

    // A confirmation at HK: packet 2, and the empty packet 1 before it
    // (not acknowledged) again, so no number is missing at the province.
    #[rustfmt::skip]
    ok(&hk.db, &["confirm", "--batch", "D1", "--unit", "HK", "--by", "Trần Văn Bình"]);
    let (names, out) = send(&hk);
    assert_eq!(names, ["hk-ht-000001.sgnpkt", "hk-ht-000002.sgnpkt"], "{out}");
    let out = ok(&p.db, &["sync", "receive", s(&hk.path("last-send"))]);
    assert!(out.contains("đã áp dụng gói số 2 từ HK"), "{out}");
    // The province's packet 2 brings the batch as it now stands (and
    // acknowledges HK's 2); HK acknowledges it with an empty packet 3; then
    // both are quiet.
    let (names, out) = send(&p);
    assert_eq!(names, ["ht-hk-000002.sgnpkt"], "{out}");
    ok(&hk.db, &["sync", "receive", s(&p.path("last-send"))]);
    let (names, out) = send(&hk);
    assert_eq!(names, ["hk-ht-000003.sgnpkt"], "{out}");
    assert!(out.contains("chỉ báo đã nhận"), "{out}");
    ok(&p.db, &["sync", "receive", s(&hk.path("last-send"))]);
    for o in [&p, &hk, &p, &hk] {
        let (names, _) = send(o);
        assert!(names.is_empty(), "{names:?}");
    }
    assert_eq!(json(&p.db, &["peer", "list", "--format", "json"])[0]["acked"], 2);
    assert_eq!(json(&hk.db, &["peer", "list", "--format", "json"])[0]["acked"], 2);
    verified(&p);
    verified(&hk);
}

#[test]
fn verify_replays_the_inbox_and_names_a_receipt_changed_behind_the_apps_back() {
    let p = province();
    let hk = commune(HK);
    pair(&p, &hk);
    let down = stick();
    ok(&p.db, &["sync", "send", "--out", s(down.path())]);
    ok(&hk.db, &["sync", "receive", s(down.path())]);
    verified(&hk);

    let code = code_in_inbox(&hk, "HK-01", "D1B");
    rusqlite::Connection::open(&hk.db)
        .expect("raw open")
        .execute(
            "UPDATE inbox_receipt SET status = 'confirmed', signed_by = 'Kẻ gian' WHERE code = ?1",
            [&code],
        )
        .expect("tamper");
    let err = fails(&hk.db, &["verify"]);
    let shown = format!("{}-{}", &code[..4], &code[4..]);
    for part in [
        shown.as_str(),
        "hộp đến",
        "«D1B»",
        "HK-01",
        "trạng thái trong sổ là «Đã xác nhận»",
        "«Chưa xác nhận»",
    ] {
        assert!(err.contains(part), "{part} not in: {err}");
    }
}
