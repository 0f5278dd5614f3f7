//! Tests of the unit tree: order, refusals, kinds, reorganisations over time.

use super::*;
use crate::model::{Change, DocQty, NewBatch, NewDocument, NewSigner, OutstandingQuery, Reorganisation, UnitKind};

fn store() -> (tempfile::TempDir, Store, Actor) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("t.sqlite3")).expect("open");
    (dir, store, Actor::new("t", "test"))
}

fn unit(code: &str, name: &str, parent: Option<&str>) -> NewUnit {
    NewUnit {
        code: code.into(),
        name: name.into(),
        parent: parent.map(Into::into),
        ..NewUnit::default()
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn codes(units: &[Unit]) -> Vec<(String, Option<String>)> {
    units.iter().map(|u| (u.code.clone(), u.parent.clone())).collect()
}

fn pair(code: &str, parent: Option<&str>) -> (String, Option<String>) {
    (code.to_owned(), parent.map(str::to_owned))
}

#[test]
fn list_is_depth_first_in_vietnamese_order() {
    let (_d, mut s, a) = store();
    s.add_unit(&a, unit("X", "Đảng bộ xã Ân Phú", None)).expect("add");
    s.add_unit(&a, unit("X2", "Chi bộ Đông", Some("X"))).expect("add");
    s.add_unit(&a, unit("X1", "Chi bộ Dương", Some("X"))).expect("add");
    s.add_unit(&a, unit("A", "Đảng bộ xã An Hòa", None)).expect("add");
    s.add_unit(&a, unit("A1", "Chi bộ Ấp 1", Some("A"))).expect("add");
    let got: Vec<(String, u32, u32, u32)> = s
        .list_units()
        .expect("list")
        .into_iter()
        .map(|u| (u.code, u.depth, u.children, u.descendants))
        .collect();
    let want = [
        ("A", 0, 1, 1),
        ("A1", 1, 0, 0),
        ("X", 0, 2, 2),
        ("X1", 1, 0, 0),
        ("X2", 1, 0, 0),
    ];
    let want: Vec<(String, u32, u32, u32)> = want.iter().map(|(c, d, n, m)| (c.to_string(), *d, *n, *m)).collect();
    assert_eq!(got, want);
}

#[test]
fn bad_units_are_refused_with_the_field_and_nothing_written() {
    let (_d, mut s, a) = store();
    s.add_unit(&a, unit("X", "Đảng bộ xã", None)).expect("add");
    let cases = [
        (unit("", "Tên", None), "code"),
        (unit("Y", "  ", None), "name"),
        (unit("Y", "Chi bộ", Some("NOPE")), "parent"),
        (unit("X", "Trùng mã", None), "code"),
        (unit("A B", "Có dấu cách", None), "code"),
    ];
    for (input, field) in cases {
        let err = s.add_unit(&a, input).expect_err("refused");
        match err {
            Error::Invalid { field: f, .. } | Error::Conflict { field: f, .. } => assert_eq!(f, field),
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(s.list_units().expect("list").len(), 1);
    let logs: i64 = s
        .connection()
        .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .expect("count");
    assert_eq!(logs, 1);
}

#[test]
fn kinds_are_created_once_ignoring_diacritics_and_can_be_renamed() {
    let (_d, mut s, a) = store();
    let mut u = unit("A", "Chi bộ 1", None);
    u.kind = Some("Chi bộ".into());
    s.add_unit(&a, u.clone()).expect("add");
    u.code = "B".into();
    u.kind = Some("chi bo".into());
    s.add_unit(&a, u).expect("add");
    assert_eq!(
        s.list_kinds().expect("kinds"),
        vec![UnitKind {
            name: "Chi bộ".into(),
            units: 2
        }]
    );
    s.save_kind(&a, Some("Chi bộ"), "Chi bộ cơ sở").expect("rename kind");
    assert_eq!(s.unit("A").expect("unit").kind.as_deref(), Some("Chi bộ cơ sở"));
}

#[test]
fn search_ignores_case_diacritics_and_tone_placement() {
    let (_d, mut s, a) = store();
    s.add_unit(&a, unit("HK", "Đảng bộ xã Hương Khê", None)).expect("add");
    s.add_unit(&a, unit("HH", "Chi bộ thôn Hoà Hải", Some("HK")))
        .expect("add");
    s.add_unit(&a, unit("KH", "Chi bộ Khê Thượng", Some("HK")))
        .expect("add");
    for q in ["huong khe", "HƯƠNG KHÊ", "Hương Khê", "dang uy xa huong"] {
        let found: Vec<String> = s
            .search_units(q, 10)
            .expect("search")
            .into_iter()
            .map(|u| u.code)
            .collect();
        if q.starts_with("dang uy") {
            assert!(found.is_empty(), "{q}: {found:?}");
        } else {
            assert_eq!(found, vec!["HK"], "{q}");
        }
    }
    let nfd: String = unicode_normalization::UnicodeNormalization::nfd("Hòa Hải").collect();
    for q in ["hoa hai", "Hòa Hải", nfd.as_str()] {
        let found: Vec<String> = s
            .search_units(q, 10)
            .expect("search")
            .into_iter()
            .map(|u| u.code)
            .collect();
        assert_eq!(found, vec!["HH"], "{q}");
    }
    // A name starting with the query ranks before one that merely contains it.
    let found: Vec<String> = s
        .search_units("khe", 10)
        .expect("search")
        .into_iter()
        .map(|u| u.code)
        .collect();
    assert_eq!(found, vec!["KH", "HK"]);
}

#[test]
fn rename_and_move_are_dated_and_the_past_is_kept() {
    let (_d, mut s, a) = store();
    s.add_unit(&a, unit("P1", "Đảng bộ xã A", None)).expect("add");
    s.add_unit(&a, unit("P2", "Đảng bộ xã B", None)).expect("add");
    s.add_unit(&a, unit("C", "Chi bộ thôn 1", Some("P1"))).expect("add");
    let rename = Change::Rename {
        code: "C".into(),
        name: "Chi bộ thôn Trung Hòa".into(),
        short_name: None,
    };
    s.reorganise(
        &a,
        Reorganisation {
            change: rename,
            on: date(2024, 3, 1),
            reason: Some("Đổi tên thôn".into()),
        },
    )
    .expect("rename");
    let mv = Change::Move {
        code: "C".into(),
        parent: Some("P2".into()),
    };
    s.reorganise(
        &a,
        Reorganisation {
            change: mv,
            on: date(2025, 7, 1),
            reason: None,
        },
    )
    .expect("move");

    let before = s.units_as_of(date(2024, 1, 1)).expect("tree");
    let c = before.iter().find(|u| u.code == "C").expect("C");
    assert_eq!((c.name.as_str(), c.parent.as_deref()), ("Chi bộ thôn 1", Some("P1")));
    let between = s.units_as_of(date(2025, 1, 1)).expect("tree");
    let c = between.iter().find(|u| u.code == "C").expect("C");
    assert_eq!(
        (c.name.as_str(), c.parent.as_deref()),
        ("Chi bộ thôn Trung Hòa", Some("P1"))
    );
    let after = s.units_as_of(date(2025, 8, 1)).expect("tree");
    let c = after.iter().find(|u| u.code == "C").expect("C");
    assert_eq!(
        (c.name.as_str(), c.parent.as_deref()),
        ("Chi bộ thôn Trung Hòa", Some("P2"))
    );

    // A rename recorded later but dated earlier does not undo the move.
    let rename = Change::Rename {
        code: "C".into(),
        name: "Chi bộ Trung Hòa".into(),
        short_name: None,
    };
    s.reorganise(
        &a,
        Reorganisation {
            change: rename,
            on: date(2024, 6, 1),
            reason: None,
        },
    )
    .expect("rename");
    let after = s.units_as_of(date(2025, 8, 1)).expect("tree");
    let c = after.iter().find(|u| u.code == "C").expect("C");
    assert_eq!((c.name.as_str(), c.parent.as_deref()), ("Chi bộ Trung Hòa", Some("P2")));
    let history = s.unit_history("C").expect("history");
    assert_eq!(history.len(), 3);
    assert!(history[0].summary.contains("Chi bộ thôn Trung Hòa"));
}

#[test]
fn a_move_into_its_own_subtree_is_refused() {
    let (_d, mut s, a) = store();
    s.add_unit(&a, unit("P", "Đảng bộ", None)).expect("add");
    s.add_unit(&a, unit("C", "Chi bộ", Some("P"))).expect("add");
    let mv = Change::Move {
        code: "P".into(),
        parent: Some("C".into()),
    };
    let err = s.reorganise(
        &a,
        Reorganisation {
            change: mv,
            on: date(2025, 1, 1),
            reason: None,
        },
    );
    assert!(matches!(err, Err(Error::Invalid { field, .. }) if field == "parent"));
}

#[test]
fn merge_moves_children_and_open_receipts_to_the_successor() {
    let (_d, mut s, a) = store();
    s.add_unit(&a, unit("T", "Đảng bộ tỉnh", None)).expect("add");
    s.add_unit(&a, unit("XA", "Đảng bộ xã An", Some("T"))).expect("add");
    s.add_unit(&a, unit("XB", "Đảng bộ xã Bình", Some("T"))).expect("add");
    s.add_unit(&a, unit("A1", "Chi bộ An 1", Some("XA"))).expect("add");
    s.add_unit(&a, unit("B1", "Chi bộ Bình 1", Some("XB"))).expect("add");
    s.add_unit(&a, unit("AB", "Đảng bộ xã An Bình", Some("T")))
        .expect("add");
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
    s.create_batch(
        &a,
        NewBatch {
            code: "Đ1".into(),
            title: "Đợt 1".into(),
            handed_on: Some(date(2025, 5, 2)),
            due_on: Some(date(2025, 5, 9)),
            documents: vec![DocQty {
                symbol: "05-KH/HU".into(),
                quantity: 1,
                uid: None,
            }],
            units: vec!["XA".into()],
            subtrees: vec![],
            ..NewBatch::default()
        },
    )
    .expect("batch");

    let merge = Change::Merge {
        from: vec!["XA".into(), "XB".into()],
        into: "AB".into(),
    };
    s.reorganise(
        &a,
        Reorganisation {
            change: merge,
            on: date(2025, 7, 1),
            reason: Some("Sáp nhập xã".into()),
        },
    )
    .expect("merge");

    let before = s.units_as_of(date(2025, 6, 30)).expect("tree");
    assert!(codes(&before).contains(&pair("A1", Some("XA"))));
    let after = s.units_as_of(date(2025, 7, 1)).expect("tree");
    assert!(codes(&after).contains(&pair("A1", Some("AB"))));
    assert!(codes(&after).contains(&pair("B1", Some("AB"))));
    assert!(!codes(&after).iter().any(|(c, _)| c == "XA" || c == "XB"));
    let history = s.unit_history("AB").expect("history of the successor");
    assert_eq!(history.len(), 2, "{history:?}");
    assert!(history[0].summary.contains("XA") || history[1].summary.contains("XA"));
    let found = |closed: bool| -> Vec<String> {
        s.search_units_in("xa an", 10, closed)
            .expect("search")
            .into_iter()
            .map(|u| u.code)
            .collect()
    };
    assert!(
        !found(false).contains(&"XA".to_owned()),
        "closed units are not found by default"
    );
    assert!(found(true).contains(&"XA".to_owned()));
    let xa = s.unit("XA").expect("closed units stay");
    assert_eq!(
        (xa.closed_on, xa.successor.as_deref()),
        (Some(date(2025, 7, 1)), Some("AB"))
    );

    // The open receipt of XA shows under AB, "nhận thay".
    let rows = s
        .outstanding(&OutstandingQuery {
            as_of: Some(date(2025, 8, 1)),
            ..OutstandingQuery::default()
        })
        .expect("list");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].unit_code, "AB");
    assert_eq!(rows[0].in_place_of.as_deref(), Some("XA"));
    assert_eq!(rows[0].in_place_of_name.as_deref(), Some("Đảng bộ xã An"));

    // AB confirms in XA's place.
    let c = crate::model::Confirmation {
        batch: "Đ1".into(),
        unit_code: "AB".into(),
        by: "Lê Văn C".into(),
        on: None,
        ..Default::default()
    };
    s.confirm(&a, c).expect("confirm in place");
    assert!(s.outstanding(&OutstandingQuery::default()).expect("list").is_empty());

    // Closed units receive no new batch.
    let err = s.create_batch(
        &a,
        NewBatch {
            code: "Đ2".into(),
            title: "Đợt 2".into(),
            handed_on: Some(date(2025, 8, 2)),
            due_on: None,
            documents: vec![DocQty {
                symbol: "05-KH/HU".into(),
                quantity: 1,
                uid: None,
            }],
            units: vec!["XB".into()],
            subtrees: vec![],
            ..NewBatch::default()
        },
    );
    assert!(matches!(err, Err(Error::Invalid { field, .. }) if field == "units"));
    s.verify().expect("chain holds");
}

/// Merges unit X into unit Y from `on`.
fn merge_x_into_y(s: &mut Store, a: &Actor, on: NaiveDate) {
    let change = Change::Merge {
        from: vec!["X".into()],
        into: "Y".into(),
    };
    s.reorganise(
        a,
        Reorganisation {
            change,
            on,
            reason: None,
        },
    )
    .expect("merge");
}

#[test]
fn a_future_merger_takes_effect_on_its_day() {
    let (_d, mut s, a) = store();
    s.add_unit(&a, unit("X", "Đảng bộ xã", None)).expect("add");
    s.add_unit(&a, unit("Y", "Đảng bộ xã khác", None)).expect("add");
    let future = today() + chrono::Days::new(30);
    merge_x_into_y(&mut s, &a, future);
    assert_eq!(s.list_units().expect("today").len(), 2, "still two units today");
    assert_eq!(s.units_as_of(future).expect("then").len(), 1);
}

#[test]
fn entries_are_the_listed_units_without_their_details() {
    let (_d, mut s, a) = store();
    s.add_unit(&a, unit("X", "Đảng bộ xã", None)).expect("add");
    s.add_unit(
        &a,
        NewUnit {
            secretary: Some("Lê Văn Tám".into()),
            phone: Some("0239 111 222".into()),
            ..unit("X1", "Chi bộ thôn 1", Some("X"))
        },
    )
    .expect("add");
    s.add_unit(&a, unit("Y", "Đảng bộ xã khác", None)).expect("add");
    let future = today() + chrono::Days::new(30);
    merge_x_into_y(&mut s, &a, future);
    for day in [today(), future] {
        let whole: Vec<UnitEntry> = s.units_as_of(day).expect("units").into_iter().map(Into::into).collect();
        assert_eq!(s.unit_entries_as_of(day).expect("entries"), whole, "on {day}");
    }
    assert_eq!(
        s.unit_entries_as_of(today()).expect("today"),
        s.list_unit_entries().expect("list")
    );
    let then = s.unit_as_of("X1", future).expect("X1 then");
    assert_eq!((then.parent.as_deref(), then.depth), (Some("Y"), 1));
    assert_eq!(then.secretary.as_deref(), Some("Lê Văn Tám"));
    assert_eq!(s.unit("X1").expect("X1 today").parent.as_deref(), Some("X"));
}

#[test]
fn close_refuses_a_unit_with_children_then_closes_a_leaf() {
    let (_d, mut s, a) = store();
    s.add_unit(&a, unit("P", "Đảng bộ", None)).expect("add");
    s.add_unit(&a, unit("C", "Chi bộ", Some("P"))).expect("add");
    let close = |code: &str| Reorganisation {
        change: Change::Close { code: code.into() },
        on: date(2025, 1, 1),
        reason: None,
    };
    assert!(matches!(s.reorganise(&a, close("P")), Err(Error::Invalid { .. })));
    s.reorganise(&a, close("C")).expect("close leaf");
    assert_eq!(codes(&s.list_units().expect("list")), vec![pair("P", None)]);
    assert_eq!(s.units_as_of(date(2024, 12, 31)).expect("before").len(), 2);
}

#[test]
fn a_unit_cannot_close_on_or_before_the_day_it_opened() {
    let (_d, mut s, a) = store();
    let mut u = unit("A", "Chi bộ A", None);
    u.opened_on = Some(date(2025, 3, 1));
    s.add_unit(&a, u).expect("add");
    let close = Reorganisation {
        change: Change::Close { code: "A".into() },
        on: date(2025, 3, 1),
        reason: None,
    };
    let err = s.reorganise(&a, close.clone()).expect_err("same day");
    assert!(
        matches!(&err, Error::Invalid { field, message } if field == "on" && message.contains("01/03/2025")),
        "{err:?}"
    );
    s.reorganise(
        &a,
        Reorganisation {
            on: date(2025, 3, 2),
            ..close
        },
    )
    .expect("the day after");
}

#[test]
fn signers_over_time() {
    let (_d, mut s, a) = store();
    let mut u = unit("C", "Chi bộ", None);
    u.secretary = Some("Nguyễn Văn A".into());
    s.add_unit(&a, u).expect("add");
    s.set_signer(
        &a,
        NewSigner {
            code: "C".into(),
            role: SignerRole::Secretary,
            name: "Trần Thị B".into(),
            from_on: Some(date(2024, 6, 1)),
        },
    )
    .expect("appoint");
    assert_eq!(
        s.signer_on("C", SignerRole::Secretary, date(2024, 3, 12))
            .expect("who")
            .as_deref(),
        Some("Nguyễn Văn A")
    );
    assert_eq!(
        s.signer_on("C", SignerRole::Secretary, date(2024, 7, 1))
            .expect("who")
            .as_deref(),
        Some("Trần Thị B")
    );
    assert_eq!(s.unit("C").expect("unit").secretary.as_deref(), Some("Trần Thị B"));
}

#[test]
fn a_single_unit_carries_its_place_in_the_tree() {
    let (_d, mut s, a) = store();
    s.add_unit(&a, unit("P", "Đảng bộ", None)).expect("add");
    s.add_unit(&a, unit("Q", "Đảng bộ bộ phận", Some("P"))).expect("add");
    let c = s.add_unit(&a, unit("C", "Chi bộ", Some("Q"))).expect("add");
    assert_eq!((c.depth, c.children, c.descendants), (2, 0, 0));
    let p = s.unit("P").expect("unit");
    assert_eq!((p.depth, p.children, p.descendants), (0, 1, 2));
    let listed = s.list_units().expect("list");
    assert_eq!(listed.iter().find(|u| u.code == "C").map(|u| u.depth), Some(2));
}

/// Real place names of Hà Tĩnh and neighbouring provinces, with every
/// Vietnamese letter and tone among them.
const PLACES: &[&str] = &[
    "Hương Khê",
    "Hương Sơn",
    "Hương Trà",
    "Hương Đô",
    "Hương Thủy",
    "Hương Vĩnh",
    "Hòa Hải",
    "Hoà Bình",
    "Hà Linh",
    "Hàm Trường",
    "Phúc Đồng",
    "Phúc Trạch",
    "Phú Gia",
    "Phú Phong",
    "Gia Phố",
    "Lộc Yên",
    "Điền Mỹ",
    "Hải Ninh",
    "Đức Thọ",
    "Đức Lạng",
    "Đức Đồng",
    "Đông Trung",
    "Dương Thủy",
    "Ấp Thượng",
    "Ân Phú",
    "An Dũng",
    "Ăn Lạc",
    "Cẩm Xuyên",
    "Cẩm Bình",
    "Cẩm Nhượng",
    "Kỳ Anh",
    "Kỳ Hoa",
    "Kỳ Sơn",
    "Thạch Hà",
    "Thạch Khê",
    "Thạch Kim",
    "Nghi Xuân",
    "Xuân Hội",
    "Xuân Thành",
    "Tiên Điền",
    "Can Lộc",
    "Vượng Lộc",
    "Trường Lưu",
    "Ơn Lương",
    "Ôn Thủy",
    "Ưu Điềm",
    "Uy Nỗ",
    "Yên Hồ",
    "Sơn Kim",
    "Sơn Tây",
    "Sơn Hồng",
    "Vũ Quang",
    "Quang Thọ",
    "Thượng Lộc",
    "Mai Phụ",
    "Thiên Cầm",
    "Tượng Sơn",
    "Lưu Vĩnh Sơn",
    "Bắc Hồng",
    "Nam Hồng",
    "Trung Lương",
    "Đậu Liêu",
];

#[test]
fn the_tree_sorts_siblings_like_the_cldr_reference_on_hundreds_of_names() {
    let (_d, mut s, a) = store();
    s.add_unit(&a, unit("ROOT", "Đảng bộ tỉnh", None)).expect("root");
    let mut names = Vec::new();
    for (i, place) in PLACES.iter().enumerate() {
        for prefix in [
            "Chi bộ thôn",
            "Đảng bộ xã",
            "Chi bộ Trường Tiểu học",
            "Chi bộ Tổ dân phố",
        ] {
            let name = format!("{prefix} {place}");
            let code = format!("U{i}-{}", names.len());
            s.add_unit(&a, unit(&code, &name, Some("ROOT"))).expect("add");
            names.push(name);
        }
    }
    assert!(names.len() >= 240);
    // The reference: ICU4X's CLDR "vi" collator, comparing the strings themselves.
    let mut reference = names.clone();
    reference.sort_by(|x, y| text::compare(x, y));
    let listed: Vec<String> = s
        .list_units()
        .expect("list")
        .into_iter()
        .skip(1)
        .map(|u| u.name)
        .collect();
    assert_eq!(listed, reference);
    // And a few facts of the Vietnamese alphabet the reference must hold.
    let pos = |n: &str| reference.iter().position(|x| x == n).expect(n);
    assert!(pos("Chi bộ thôn An Dũng") < pos("Chi bộ thôn Ăn Lạc"));
    assert!(pos("Chi bộ thôn Ăn Lạc") < pos("Chi bộ thôn Ân Phú"));
    assert!(pos("Chi bộ thôn Dương Thủy") < pos("Chi bộ thôn Đông Trung"));
    assert!(pos("Chi bộ thôn Ôn Thủy") < pos("Chi bộ thôn Ơn Lương"));
    assert!(pos("Chi bộ thôn Uy Nỗ") < pos("Chi bộ thôn Ưu Điềm"));
    assert!(pos("Chi bộ thôn Đức Thọ") < pos("Chi bộ thôn Gia Phố"));
}
