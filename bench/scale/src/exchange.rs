//! A month of the exchange between offices at province scale: a province
//! office and its commune offices, each with its own register, trading real
//! signed packets through folders. Every week the province hands a batch to
//! every commune; each commune receives it, confirms it, hands the copies
//! on to its branches as its own batch, records some of its branches'
//! confirmations and writes its packet up. What comes out is the province's
//! register as it stood before receiving anything, and one folder with
//! every packet the communes wrote in the month: the benchmark times the
//! province applying them (`benches/exchange.rs`).
//!
//! Everything goes through the app's public API (`Store::site_init`,
//! `add_peer`, `create_batch`, `confirm`, `sync_send`, `sync_receive`), so
//! the packets are exactly the app's.

use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate};
use giaonhan::exchange::packet;
use giaonhan::model::{Confirmation, DocQty, NewBatch, NewDocument, NewUnit};
use giaonhan::{Actor, Error, Result, Store};

/// How many offices and weeks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Month {
    pub communes: usize,
    /// Branches (chi bộ) under each commune.
    pub branches: usize,
    /// Rounds of packets: one batch down and one packet up per commune each.
    pub weeks: usize,
}

impl Month {
    /// A province: 950 commune offices of 10 branches each, four weeks.
    pub fn province() -> Month {
        Month {
            communes: 950,
            branches: 10,
            weeks: 4,
        }
    }

    /// A few offices, for tests.
    pub fn tiny() -> Month {
        Month {
            communes: 3,
            branches: 3,
            weeks: 2,
        }
    }
}

/// What `make` leaves in its folder.
#[derive(Debug, Clone)]
pub struct Made {
    /// The province's register before it received anything.
    pub province: PathBuf,
    /// Every packet the communes wrote to the province.
    pub up: PathBuf,
}

const PROVINCE: &str = "HT";
const PROVINCE_NAME: &str = "Đảng bộ tỉnh Hà Tĩnh";

fn commune_code(i: usize) -> String {
    format!("X{:03}", i + 1)
}

fn branch_code(commune: &str, j: usize) -> String {
    format!("{commune}-{:02}", j + 1)
}

fn first_monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 10, 5).unwrap_or(NaiveDate::MIN)
}

fn week_day(w: usize, plus: u64) -> NaiveDate {
    first_monday()
        .checked_add_days(Days::new(7 * w as u64 + plus))
        .unwrap_or(NaiveDate::MAX)
}

fn doc_symbol(w: usize) -> String {
    format!("{:02}-HD/TU", w + 1)
}

/// Copies of each week's document the province hands to each commune.
const COPIES_DOWN: u32 = 15;

fn unit(code: &str, name: String, parent: Option<&str>, kind: &str) -> NewUnit {
    NewUnit {
        code: code.to_owned(),
        name,
        parent: parent.map(str::to_owned),
        kind: Some(kind.to_owned()),
        ..NewUnit::default()
    }
}

/// The units of one commune as both registers know them: the commune and
/// its branches.
fn commune_units(i: usize, branches: usize) -> Vec<NewUnit> {
    let code = commune_code(i);
    let mut out = vec![unit(
        &code,
        format!("Đảng bộ xã số {}", i + 1),
        Some(PROVINCE),
        "Đảng bộ cơ sở",
    )];
    for j in 0..branches {
        out.push(unit(
            &branch_code(&code, j),
            format!("Chi bộ thôn {} xã số {}", j + 1, i + 1),
            Some(&code),
            "Chi bộ",
        ));
    }
    out
}

fn province_unit() -> NewUnit {
    unit(PROVINCE, PROVINCE_NAME.to_owned(), None, "Đảng bộ tỉnh")
}

fn file_error(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::file(what, path, e)
}

fn mkdir(path: &Path) -> Result<()> {
    std::fs::create_dir_all(path).map_err(|e| file_error("không tạo được thư mục", path, e))
}

/// Makes a month of packets into `dir` (which should be empty): the
/// registers of the province and of every commune, and the folder `up`.
/// `progress(stage, done, total)` is called as communes are done.
pub fn make(dir: &Path, month: &Month, progress: &mut dyn FnMut(&str, usize, usize)) -> Result<Made> {
    let actor = Actor::new("Văn thư", "cli");
    let cards = dir.join("cards");
    let down = dir.join("down");
    let up = dir.join("up");
    let communes_dir = dir.join("communes");
    for d in [&cards, &down, &up, &communes_dir] {
        mkdir(d)?;
    }
    let codes: Vec<String> = (0..month.communes).map(commune_code).collect();

    // The province: its tree, one document per week, its identity.
    let province_path = dir.join("province.sqlite3");
    let mut province = Store::open(&province_path)?;
    province.bulk_load(|p| {
        p.add_unit(&actor, province_unit())?;
        for i in 0..month.communes {
            for u in commune_units(i, month.branches) {
                p.add_unit(&actor, u)?;
            }
        }
        for w in 0..month.weeks {
            p.add_document(
                &actor,
                NewDocument {
                    symbol: doc_symbol(w),
                    title: format!("Hướng dẫn học tập, quán triệt nghị quyết, tuần {}", w + 1),
                    issued_on: Some(week_day(w, 0)),
                    copies_received: COPIES_DOWN * month.communes as u32,
                    ..NewDocument::default()
                },
            )?;
        }
        Ok(())
    })?;
    province.site_init(&actor, PROVINCE, None)?;
    let province_card = cards.join("HT.card");
    province.save_site_card(&actor, &province_card)?;
    let province_print = province.site()?.fingerprint;
    progress("province", 1, 1);

    // Every commune: its register, its identity, and the two trusts.
    for (i, code) in codes.iter().enumerate() {
        let mut c = Store::open(&communes_dir.join(format!("{code}.sqlite3")))?;
        c.bulk_load(|c| {
            c.add_unit(&actor, province_unit())?;
            for u in commune_units(i, month.branches) {
                c.add_unit(&actor, u)?;
            }
            Ok(())
        })?;
        c.site_init(&actor, code, None)?;
        let card = cards.join(format!("{code}.card"));
        c.save_site_card(&actor, &card)?;
        province.add_peer(&actor, &card, &c.site()?.fingerprint)?;
        c.add_peer(&actor, &province_card, &province_print)?;
        if (i + 1) % 50 == 0 || i + 1 == codes.len() {
            progress("communes", i + 1, codes.len());
        }
    }

    // The province's weeks: a batch to every commune, and its packets down.
    for w in 0..month.weeks {
        province.create_batch(
            &actor,
            NewBatch {
                code: format!("T{}", w + 1),
                title: format!("Tài liệu học tập tuần {}", w + 1),
                handed_on: Some(week_day(w, 0)),
                due_on: Some(week_day(w, 14)),
                documents: vec![DocQty {
                    symbol: doc_symbol(w),
                    quantity: COPIES_DOWN,
                    uid: None,
                }],
                units: codes.clone(),
                ..NewBatch::default()
            },
        )?;
        let week = down.join(format!("w{}", w + 1));
        mkdir(&week)?;
        province.sync_send(&actor, &week)?;
        progress("down", w + 1, month.weeks);
    }
    drop(province);

    // Each commune's month: receive, confirm, hand on, record its branches'
    // confirmations, send up.
    for (i, code) in codes.iter().enumerate() {
        let mut c = Store::open(&communes_dir.join(format!("{code}.sqlite3")))?;
        let branches: Vec<String> = (0..month.branches).map(|j| branch_code(code, j)).collect();
        for w in 0..month.weeks {
            let seq = w as i64 + 1;
            let name = packet::file_name(PROVINCE, code, seq);
            let stick = communes_dir.join(format!("{code}-w{seq}"));
            mkdir(&stick)?;
            let from = down.join(format!("w{seq}")).join(&name);
            let to = stick.join(&name);
            std::fs::copy(&from, &to).map_err(|e| file_error("không chép được", &from, e))?;
            c.sync_receive(&actor, &stick)?;
            std::fs::remove_dir_all(&stick).map_err(|e| file_error("không xoá được", &stick, e))?;

            let batch = format!("T{}", w + 1);
            let row = c
                .inbox()?
                .into_iter()
                .find(|r| r.batch == batch)
                .ok_or_else(|| Error::invalid("batch", format!("{code}: đợt {batch} không có trong hộp đến")))?;
            c.confirm(
                &actor,
                Confirmation {
                    by: format!("Bí thư xã số {}", i + 1),
                    on: Some(week_day(w, 2)),
                    receipt_code: Some(row.receipt_code),
                    ..Confirmation::default()
                },
            )?;
            let own = format!("{code}-T{}", w + 1);
            c.create_batch(
                &actor,
                NewBatch {
                    code: own.clone(),
                    title: format!("Tài liệu học tập tuần {} cho các chi bộ", w + 1),
                    handed_on: Some(week_day(w, 3)),
                    due_on: Some(week_day(w, 10)),
                    documents: vec![DocQty {
                        symbol: doc_symbol(w),
                        quantity: 1,
                        uid: None,
                    }],
                    units: branches.clone(),
                    ..NewBatch::default()
                },
            )?;
            // Most branches confirm in the week, a few more the week after.
            let confirm = |c: &mut Store, batch: &str, unit: &str, day: NaiveDate| {
                c.confirm(
                    &actor,
                    Confirmation {
                        batch: batch.to_owned(),
                        unit_code: unit.to_owned(),
                        by: format!("Bí thư chi bộ {unit}"),
                        on: Some(day),
                        ..Confirmation::default()
                    },
                )
            };
            let on_time = branches.len() * 7 / 10;
            for b in &branches[..on_time] {
                confirm(&mut c, &own, b, week_day(w, 5))?;
            }
            if w > 0 {
                let last = format!("{code}-T{w}");
                for b in branches.iter().skip(on_time).take(2) {
                    confirm(&mut c, &last, b, week_day(w, 5))?;
                }
            }
            c.sync_send(&actor, &up)?;
        }
        if (i + 1) % 50 == 0 || i + 1 == codes.len() {
            progress("month", i + 1, codes.len());
        }
    }
    Ok(Made {
        province: province_path,
        up,
    })
}
