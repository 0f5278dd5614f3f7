//! Scale data for benchmarks and load tests: a deterministic (seeded) province
//! or district register with ten years of history — a unit tree with
//! Vietnamese names, documents with realistic symbols, batches handed out
//! several times a week, and confirmations spread the way they arrive (most
//! on time, some late, a few partial or declined, some never; recent batches
//! more open).
//!
//! Units, documents and batches go through the same `Dao` methods the app
//! uses (`insert_unit`, `insert_document`, `insert_batch`), so receipt codes,
//! search and sort keys, batch totals and audit rows are exactly the app's.
//! Confirmations are the one bulk path: `confirm_receipt` resolves the batch
//! and recounts its receipts on every call, which is right for one click but
//! would take hours for four million receipts. `confirm_bulk` below writes
//! the same columns and the same audit row per receipt from data already in
//! hand; it lives here, and only here.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use rand::{Rng, RngCore};
use rusqlite::params;
use serde_json::json;

use crate::db::{Actor, Dao, Store};
use crate::error::{Error, Result};
use crate::model::{Classification, DeliveryMethod, DocQty, NewBatch, NewDocument, NewUnit, ReceiptStatus};

/// How much data to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Size {
    /// Grassroots organisations (đảng bộ cơ sở and chi bộ cơ sở).
    pub committees: usize,
    /// Documents in the register.
    pub documents: usize,
    /// Years of history, ending on `end`.
    pub years: u32,
    pub batches_per_year: usize,
    /// Most recipients of one batch.
    pub max_recipients: usize,
    /// The last day of the history (a fixed date, so a seed always gives the
    /// same register).
    pub end: NaiveDate,
}

/// The last day of the generated history.
fn default_end() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or(NaiveDate::MIN)
}

impl Size {
    /// A province: ≈ 950 grassroots organisations, ≈ 9,000 branches, 3,000
    /// documents, ten years of 300 batches of up to 5,000 recipients:
    /// ≈ 4 million receipts and ≈ 12 million receipt lines.
    pub fn province() -> Size {
        Size {
            committees: 950,
            documents: 3000,
            years: 10,
            batches_per_year: 300,
            max_recipients: 5000,
            end: default_end(),
        }
    }

    /// A district, about a tenth of a province.
    pub fn district() -> Size {
        Size {
            committees: 95,
            documents: 300,
            years: 10,
            batches_per_year: 300,
            max_recipients: 500,
            end: default_end(),
        }
    }

    /// A few dozen units and batches, for tests.
    pub fn tiny() -> Size {
        Size {
            committees: 6,
            documents: 30,
            years: 2,
            batches_per_year: 12,
            max_recipients: 40,
            end: default_end(),
        }
    }
}

/// Where the generator is, for a progress line.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    pub stage: &'static str,
    pub done: usize,
    pub total: usize,
    /// Receipt lines written so far.
    pub lines: u64,
}

/// What was generated.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub units: i64,
    pub documents: i64,
    pub batches: i64,
    pub receipts: i64,
    pub lines: i64,
    pub open: i64,
    pub audit_rows: i64,
}

/// SplitMix64: a tiny generator whose output is fixed by its definition, so a
/// seed gives the same data whatever version of `rand` is linked.
struct SplitMix(u64);

impl RngCore for SplitMix {
    fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn fill_bytes(&mut self, dst: &mut [u8]) {
        for chunk in dst.chunks_mut(8) {
            let v = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
}

fn pick<'a, T>(rng: &mut impl Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

// ---------------------------------------------------------------- names

const PLACE: &[&str] = &[
    "An",
    "Bình",
    "Cẩm",
    "Đức",
    "Đông",
    "Hà",
    "Hải",
    "Hòa",
    "Hồng",
    "Hưng",
    "Hương",
    "Khánh",
    "Kỳ",
    "Lạc",
    "Lâm",
    "Lộc",
    "Long",
    "Mỹ",
    "Nam",
    "Nghĩa",
    "Ngọc",
    "Phú",
    "Phúc",
    "Phong",
    "Quang",
    "Sơn",
    "Tân",
    "Thạch",
    "Thành",
    "Thanh",
    "Thịnh",
    "Thuận",
    "Tiến",
    "Trung",
    "Trường",
    "Tùng",
    "Vĩnh",
    "Xuân",
    "Yên",
    "Khê",
    "Linh",
    "Điền",
    "Đồng",
    "Châu",
    "Giang",
    "Lĩnh",
    "Mai",
    "Minh",
    "Ninh",
    "Quý",
    "Tịnh",
    "Trà",
    "Tường",
    "Vân",
    "Việt",
    "Ấp",
    "Ân",
    "Bắc",
    "Cường",
    "Diễn",
    "Đạt",
    "Gia",
    "Hạnh",
    "Kim",
    "Liên",
    "Mỹ",
    "Nhân",
    "Phổ",
    "Quỳnh",
    "Sen",
];
const SURNAME: &[&str] = &[
    "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
    "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trương",
];
const MIDDLE: &[&str] = &[
    "Văn",
    "Thị",
    "Đình",
    "Hữu",
    "Minh",
    "Thanh",
    "Ngọc",
    "Quang",
    "Xuân",
    "Đức",
    "Thị Thu",
    "Văn Tiến",
    "Công",
];
const GIVEN: &[&str] = &[
    "Hòa",
    "Lan",
    "Hùng",
    "Dũng",
    "Phúc",
    "Hương",
    "Tâm",
    "Nam",
    "Bình",
    "An",
    "Hải",
    "Hà",
    "Thảo",
    "Trang",
    "Tuấn",
    "Long",
    "Sơn",
    "Thủy",
    "Yến",
    "Nga",
    "Lộc",
    "Khoa",
    "Ánh",
    "Đạt",
    "Cường",
    "Hiếu",
    "Lý",
    "Mai",
    "Quý",
    "Thắng",
    "Tú",
    "Vinh",
    "Việt",
    "Xuân",
    "Đông",
    "Hạnh",
    "Huệ",
    "Lợi",
    "Oanh",
    "Phượng",
];
const AGENCY: &[&str] = &[
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Tài chính",
    "Sở Nông nghiệp và Môi trường",
    "Sở Xây dựng",
    "Sở Nội vụ",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Công Thương",
    "Bộ Chỉ huy Quân sự tỉnh",
    "Công an tỉnh",
    "Bệnh viện Đa khoa tỉnh",
    "Trường Chính trị Trần Phú",
    "Báo và Phát thanh, Truyền hình tỉnh",
    "Ngân hàng Nhà nước chi nhánh tỉnh",
    "Kho bạc Nhà nước tỉnh",
];
const DEPARTMENT: &[&str] = &[
    "Văn phòng",
    "Phòng Tổ chức cán bộ",
    "Phòng Kế hoạch – Tài chính",
    "Phòng Thanh tra",
    "Phòng Nghiệp vụ 1",
    "Phòng Nghiệp vụ 2",
    "Khoa Nội",
    "Khoa Ngoại",
    "Khoa Sản",
    "Khoa Nhi",
    "Khoa Dược",
    "Tổ Toán – Tin",
    "Tổ Ngữ văn",
    "Đội Kiểm tra",
];
const PROVINCE_BODY: &[(&str, &str)] = &[
    ("TU-VP", "Văn phòng Tỉnh ủy"),
    ("TU-BTC", "Ban Tổ chức Tỉnh ủy"),
    ("TU-UBKT", "Ủy ban Kiểm tra Tỉnh ủy"),
    ("TU-BTGDV", "Ban Tuyên giáo và Dân vận Tỉnh ủy"),
    ("TU-BNC", "Ban Nội chính Tỉnh ủy"),
    ("TU-BCSD", "Đảng ủy Ủy ban nhân dân tỉnh"),
];

fn person(rng: &mut impl Rng) -> String {
    format!("{} {} {}", pick(rng, SURNAME), pick(rng, MIDDLE), pick(rng, GIVEN))
}

fn place(rng: &mut impl Rng) -> String {
    let a = pick(rng, PLACE);
    loop {
        let b = pick(rng, PLACE);
        if b != a {
            return format!("{a} {b}");
        }
    }
}

fn office_phone(rng: &mut impl Rng) -> String {
    format!(
        "0239 3{:02} {:03}",
        rng.random_range(0..100u32),
        rng.random_range(0..1000u32)
    )
}

fn mobile(rng: &mut impl Rng) -> String {
    let prefix = pick(
        rng,
        &[
            "091", "094", "098", "097", "086", "088", "035", "036", "039", "070", "077", "083",
        ],
    );
    format!(
        "{prefix}{} {:03} {:03}",
        rng.random_range(0..10u32),
        rng.random_range(0..1000u32),
        rng.random_range(0..1000u32)
    )
}

// ---------------------------------------------------------------- the tree

struct UnitSpec {
    code: String,
    name: String,
    parent: Option<usize>,
    kind: &'static str,
    phone: String,
    secretary: String,
    deputy: Option<String>,
}

const GRASSROOTS: &str = "Đảng bộ cơ sở";
const GRASSROOTS_BRANCH: &str = "Chi bộ cơ sở";
const BRANCH: &str = "Chi bộ";
const PART: &str = "Đảng bộ bộ phận";

struct Tree {
    units: Vec<UnitSpec>,
    /// Per grassroots organisation: its index and its leaves (the units a
    /// batch to its subtree reaches).
    committees: Vec<(usize, Vec<usize>)>,
    /// Province bodies: receive batches for information.
    bodies: Vec<usize>,
    /// The kinds of the grassroots organisations that occur.
    grassroots_kinds: Vec<String>,
}

impl Tree {
    fn add(
        &mut self,
        rng: &mut impl Rng,
        code: String,
        name: String,
        parent: Option<usize>,
        kind: &'static str,
    ) -> usize {
        let phone = if kind == BRANCH { mobile(rng) } else { office_phone(rng) };
        let secretary = person(rng);
        let deputy = rng.random_bool(0.6).then(|| person(rng));
        self.units.push(UnitSpec {
            code,
            name,
            parent,
            kind,
            phone,
            secretary,
            deputy,
        });
        self.units.len() - 1
    }

    fn build(rng: &mut impl Rng, size: &Size) -> Tree {
        let mut t = Tree {
            units: Vec::new(),
            committees: Vec::new(),
            bodies: Vec::new(),
            grassroots_kinds: Vec::new(),
        };
        let root = t.add(rng, "TINH".into(), "Đảng bộ tỉnh Hà Tĩnh".into(), None, "Đảng bộ tỉnh");
        for (code, name) in PROVINCE_BODY {
            let i = t.add(rng, (*code).into(), (*name).into(), Some(root), "Cơ quan tham mưu");
            t.bodies.push(i);
        }
        let mut used_places = std::collections::BTreeSet::new();
        for c in 0..size.committees {
            let code = format!("CS{:04}", c + 1);
            let mut commune = place(rng);
            for _ in 0..20 {
                if used_places.insert(commune.clone()) {
                    break;
                }
                commune = place(rng);
            }
            let roll = rng.random_range(0..100u32);
            // 60 % communes, 12 % wards, 13 % agencies and enterprises with
            // branches of their own, 15 % grassroots branches with none.
            let (name, kind, style) = match roll {
                0..60 => (format!("Đảng bộ xã {commune}"), GRASSROOTS, 0),
                60..72 => (format!("Đảng bộ phường {commune}"), GRASSROOTS, 1),
                72..85 => {
                    let agency = if c < AGENCY.len() * 3 {
                        AGENCY[c % AGENCY.len()].to_owned()
                    } else {
                        format!("Công ty Cổ phần {commune}")
                    };
                    (format!("Đảng bộ {agency}"), GRASSROOTS, 2)
                }
                _ => {
                    let what = pick(
                        rng,
                        &[
                            "Trường THPT",
                            "Trung tâm Y tế",
                            "Chi cục Thuế khu vực",
                            "Ngân hàng Nông nghiệp chi nhánh",
                            "Trường Mầm non",
                            "Hạt Kiểm lâm",
                        ],
                    );
                    (format!("Chi bộ {what} {commune}"), GRASSROOTS_BRANCH, 3)
                }
            };
            let ci = t.add(rng, code.clone(), name, Some(root), kind);
            let mut leaves = Vec::new();
            if style == 3 {
                leaves.push(ci);
                t.committees.push((ci, leaves));
                continue;
            }
            // ≈ 9,000 branches over ≈ 810 committees with branches: 4–18 each.
            let n = rng.random_range(4..=18usize);
            // A tenth of the communes and wards group some branches under a
            // đảng bộ bộ phận.
            let parts = if style < 2 && rng.random_bool(0.1) {
                rng.random_range(1..=3usize)
            } else {
                0
            };
            let mut part_ids = Vec::new();
            for p in 0..parts {
                let pi = t.add(
                    rng,
                    format!("{code}-B{}", p + 1),
                    format!("Đảng bộ bộ phận khối {}", p + 1),
                    Some(ci),
                    PART,
                );
                part_ids.push(pi);
            }
            for b in 0..n {
                let name = match style {
                    0 => match b {
                        0 => format!("Chi bộ Trường Tiểu học {commune}"),
                        1 => format!("Chi bộ Trường Mầm non {commune}"),
                        2 => "Chi bộ Công an xã".to_owned(),
                        3 => "Chi bộ Quân sự xã".to_owned(),
                        4 => "Chi bộ Trạm Y tế xã".to_owned(),
                        _ if rng.random_bool(0.3) => format!("Chi bộ xóm {}", b - 4),
                        _ => format!("Chi bộ thôn {}", place(rng)),
                    },
                    1 => match b {
                        0 => format!("Chi bộ Trường THCS {commune}"),
                        1 => "Chi bộ Công an phường".to_owned(),
                        _ => format!("Chi bộ Tổ dân phố {}", b - 1),
                    },
                    _ => format!("Chi bộ {}", DEPARTMENT[b % DEPARTMENT.len()]),
                };
                let parent = if !part_ids.is_empty() && b >= 5 && b % 2 == 0 {
                    part_ids[b % part_ids.len()]
                } else {
                    ci
                };
                let bi = t.add(rng, format!("{code}-{:02}", b + 1), name, Some(parent), BRANCH);
                leaves.push(bi);
            }
            t.committees.push((ci, leaves));
        }
        for kind in [GRASSROOTS, GRASSROOTS_BRANCH] {
            if t.committees.iter().any(|c| t.units[c.0].kind == kind) {
                t.grassroots_kinds.push(kind.to_owned());
            }
        }
        t
    }
}

// ---------------------------------------------------------------- documents

struct DocSpec {
    symbol: String,
    title: String,
    issued: NaiveDate,
    class: Classification,
    copies: u64,
}

/// (type, body, weight, title templates); `{y}` is the year, `{n}` a number.
const DOC_KINDS: &[(&str, &str, u32, &[&str])] = &[
    (
        "NQ",
        "TW",
        3,
        &["Nghị quyết Hội nghị lần thứ {n} Ban Chấp hành Trung ương Đảng về tiếp tục đổi mới, hoàn thiện thể chế"],
    ),
    ("CT", "TW", 2, &["Chỉ thị về tăng cường sự lãnh đạo của Đảng đối với công tác phòng, chống tham nhũng, lãng phí"]),
    ("KL", "TW", 4, &["Kết luận của Bộ Chính trị về tiếp tục thực hiện Nghị quyết số {n}-NQ/TW"]),
    ("QĐ", "TW", 2, &["Quy định về trách nhiệm nêu gương của cán bộ, đảng viên"]),
    ("HD", "BTGTW", 3, &["Hướng dẫn tuyên truyền kỷ niệm các ngày lễ lớn, sự kiện lịch sử năm {y}"]),
    ("HD", "BTCTW", 3, &["Hướng dẫn một số vấn đề cụ thể về nghiệp vụ công tác đảng viên"]),
    ("CT", "TU", 4, &["Chỉ thị về lãnh đạo tổ chức Tết Nguyên đán năm {y}"]),
    ("NQ", "TU", 3, &["Nghị quyết chuyên đề về phát triển nông nghiệp, nông thôn giai đoạn {y}–{y5}"]),
    (
        "KH",
        "TU",
        12,
        &[
            "Kế hoạch học tập, quán triệt và triển khai thực hiện Nghị quyết Hội nghị lần thứ {n} Ban Chấp hành Trung ương",
            "Kế hoạch tổ chức các hoạt động kỷ niệm {n} năm Ngày thành lập Đảng bộ tỉnh",
        ],
    ),
    ("TB", "TU", 8, &["Thông báo kết luận của Ban Thường vụ Tỉnh ủy về tình hình thực hiện nhiệm vụ quý {q} năm {y}"]),
    ("BC", "TU", 6, &["Báo cáo tình hình thực hiện nhiệm vụ 6 tháng đầu năm, phương hướng nhiệm vụ 6 tháng cuối năm {y}"]),
    (
        "CV",
        "BTGTU",
        18,
        &[
            "Công văn về việc tuyên truyền kỷ niệm {n} năm Ngày thành lập Đảng Cộng sản Việt Nam",
            "Công văn về việc định hướng sinh hoạt chi bộ chuyên đề tháng {m} năm {y}",
            "Công văn về việc phát hành tài liệu sinh hoạt chi bộ năm {y}",
        ],
    ),
    (
        "HD",
        "BTGTU",
        8,
        &["Hướng dẫn nội dung sinh hoạt chi bộ định kỳ năm {y}", "Hướng dẫn tổ chức Tuần lễ học tập suốt đời năm {y}"],
    ),
    ("CTr", "TU", 3, &["Chương trình hành động thực hiện Nghị quyết Đại hội Đảng bộ tỉnh nhiệm kỳ {y}–{y5}"]),
    ("ĐA", "TU", 2, &["Đề án nâng cao chất lượng sinh hoạt chi bộ giai đoạn {y}–{y5}"]),
    ("QĐ", "TU", 4, &["Quyết định ban hành Quy chế làm việc của Ban Chấp hành Đảng bộ tỉnh"]),
    ("HD", "UBKTTU", 3, &["Hướng dẫn kiểm tra, giám sát việc thực hiện Điều lệ Đảng năm {y}"]),
    ("CV", "VPTU", 6, &["Công văn về việc gửi tài liệu phục vụ hội nghị quán triệt năm {y}"]),
    ("TTr", "BTCTU", 1, &["Tờ trình về việc kiện toàn tổ chức bộ máy các cơ quan tham mưu, giúp việc"]),
    ("BB", "TU", 1, &["Biên bản hội nghị Ban Chấp hành Đảng bộ tỉnh mở rộng"]),
];

fn make_documents(rng: &mut impl Rng, size: &Size, start: NaiveDate) -> Vec<DocSpec> {
    let total_weight: u32 = DOC_KINDS.iter().map(|k| k.2).sum();
    let span = (size.end - start).num_days().max(1);
    // Numbers run per issuing body and type within a committee term; the term
    // is left out of the symbol, so a counter that never restarts keeps every
    // symbol unique across the whole register.
    let mut counters: BTreeMap<(&str, &str), u32> = BTreeMap::new();
    let mut issued: Vec<NaiveDate> = (0..size.documents)
        .map(|_| start - Days::new(60) + Days::new(rng.random_range(0..(span + 60)) as u64))
        .collect();
    issued.sort();
    issued
        .into_iter()
        .map(|day| {
            let mut w = rng.random_range(0..total_weight);
            let mut kind = &DOC_KINDS[0];
            for k in DOC_KINDS {
                if w < k.2 {
                    kind = k;
                    break;
                }
                w -= k.2;
            }
            // Since 2025 the propaganda and mass-mobilisation boards are one.
            let body = if kind.1 == "BTGTU" && day.year() >= 2025 {
                "BTGDVTU"
            } else {
                kind.1
            };
            let n = counters.entry((kind.0, body)).or_insert(0);
            *n += rng.random_range(1..=3);
            let title = pick(rng, kind.3)
                .replace("{y5}", &(day.year() + 5).to_string())
                .replace("{y}", &day.year().to_string())
                .replace("{q}", &(day.month0() / 3 + 1).to_string())
                .replace("{m}", &day.month().to_string())
                .replace("{n}", &rng.random_range(2..=95u32).to_string());
            let class = match rng.random_range(0..1000u32) {
                0..5 => Classification::TopSecret,
                5..35 => Classification::Secret,
                _ => Classification::Normal,
            };
            DocSpec {
                symbol: format!("{:02}-{}/{}", n, kind.0, body),
                title,
                issued: day,
                class,
                copies: 0,
            }
        })
        .collect()
}

// ---------------------------------------------------------------- batches

enum Target {
    /// Every grassroots organisation (by kind).
    Grassroots,
    /// Every branch under these grassroots organisations (tree indices).
    Subtrees(Vec<usize>),
    /// These units, one by one.
    Units(Vec<usize>),
}

struct BatchPlan {
    code: String,
    title: String,
    handed: NaiveDate,
    due: NaiveDate,
    method: DeliveryMethod,
    docs: Vec<(usize, u32)>,
    target: Target,
    info: Vec<usize>,
}

/// Weekdays in [start, end], for handout dates.
fn workdays(start: NaiveDate, end: NaiveDate) -> Vec<NaiveDate> {
    start
        .iter_days()
        .take_while(|d| *d <= end)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .collect()
}

fn plan_batches(
    rng: &mut impl Rng,
    size: &Size,
    tree: &Tree,
    docs: &mut [DocSpec],
    start: NaiveDate,
) -> Vec<BatchPlan> {
    let days = workdays(start, size.end);
    let total = size.batches_per_year * size.years as usize;
    let mut handed: Vec<NaiveDate> = (0..total).map(|_| *pick(rng, &days)).collect();
    handed.sort();
    let mut per_year: BTreeMap<i32, u32> = BTreeMap::new();
    let branches: usize = tree.committees.iter().map(|c| c.1.len()).sum();
    let mut plans = Vec::with_capacity(total);
    for day in handed {
        let n = per_year.entry(day.year()).or_insert(0);
        *n += 1;
        let due = day + Days::new(*pick(rng, &[7u64, 7, 7, 7, 10, 10, 10, 15, 15, 30]));
        // Documents issued in the last four months (older ones when too few).
        let upto = docs.partition_point(|d| d.issued <= day);
        let from = docs.partition_point(|d| d.issued < day - Days::new(120));
        let pool: Vec<usize> = if upto >= from + 5 {
            (from..upto).collect()
        } else {
            (upto.saturating_sub(20)..upto).collect()
        };
        if pool.is_empty() {
            continue;
        }
        let want = rng.random_range(1..=5usize).min(pool.len());
        let mut chosen: Vec<usize> = Vec::with_capacity(want);
        while chosen.len() < want {
            let d = *pick(rng, &pool);
            if !chosen.contains(&d) {
                chosen.push(d);
            }
        }
        let roll = rng.random_range(0..100u32);
        let (target, recipients, per_unit_max) = if roll < 35 {
            (Target::Grassroots, tree.committees.len(), 5)
        } else if roll < 78 {
            // Branches of some grassroots organisations, up to the limit.
            let goal = rng
                .random_range(size.max_recipients / 20..=size.max_recipients)
                .min(branches);
            let mut order: Vec<usize> = (0..tree.committees.len()).collect();
            for i in (1..order.len()).rev() {
                order.swap(i, rng.random_range(0..=i));
            }
            let mut picked = Vec::new();
            let mut count = 0;
            for c in order {
                let leaves = tree.committees[c].1.len();
                if count + leaves > goal && !picked.is_empty() {
                    continue;
                }
                picked.push(c);
                count += leaves;
                if count >= goal * 9 / 10 {
                    break;
                }
            }
            (Target::Subtrees(picked), count, 2)
        } else {
            let k = rng.random_range(3..=60usize).min(branches);
            let mut picked: Vec<usize> = Vec::with_capacity(k);
            while picked.len() < k {
                let (_, leaves) = pick(rng, &tree.committees);
                let u = *pick(rng, leaves);
                if !picked.contains(&u) {
                    picked.push(u);
                }
            }
            (Target::Units(picked), k, 3)
        };
        let info: Vec<usize> = if rng.random_bool(0.3) {
            tree.bodies.iter().copied().filter(|_| rng.random_bool(0.5)).collect()
        } else {
            Vec::new()
        };
        let doc_qty: Vec<(usize, u32)> = chosen
            .into_iter()
            .map(|d| (d, rng.random_range(1..=per_unit_max)))
            .collect();
        for &(d, q) in &doc_qty {
            docs[d].copies += u64::from(q) * (recipients + info.len()) as u64;
        }
        let first = &docs[doc_qty[0].0];
        let title = match rng.random_range(0..4u32) {
            0 => format!("Học tập, quán triệt {}", first.symbol),
            1 => format!("Triển khai {}", first.symbol),
            2 => format!("Tài liệu sinh hoạt chi bộ tháng {}/{}", day.month(), day.year()),
            _ => format!("Gửi {} văn bản của cấp trên", doc_qty.len()),
        };
        let method = match rng.random_range(0..20u32) {
            0..10 => DeliveryMethod::InPerson,
            10..15 => DeliveryMethod::ViaCommune,
            15..18 => DeliveryMethod::Post,
            _ => DeliveryMethod::Electronic,
        };
        plans.push(BatchPlan {
            code: format!("Đợt {n}/{}", day.year()),
            title,
            handed: day,
            due,
            method,
            docs: doc_qty,
            target,
            info,
        });
    }
    plans
}

// ---------------------------------------------------------------- confirmations

/// One receipt of a batch just recorded, with its lines.
struct Open {
    id: i64,
    uid: String,
    unit: String,
    must_confirm: bool,
    /// (document id, quantity, symbol)
    lines: Vec<(i64, u32, String)>,
}

const DECLINE: &[&str] = &[
    "Không đúng đối tượng",
    "Đơn vị đã nhận ở đợt trước",
    "Đơn vị đang kiện toàn, chưa có người nhận",
];

impl Dao<'_> {
    fn receipts_of_batch(&self, code: &str) -> Result<Vec<Open>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.id, r.uid, u.code, r.must_confirm, l.document_id, l.quantity, d.symbol
             FROM batch b JOIN receipt r ON r.batch_id = b.id JOIN unit u ON u.id = r.unit_id
             JOIN receipt_line l ON l.receipt_id = r.id JOIN document d ON d.id = l.document_id
             WHERE b.code = ?1 ORDER BY r.id, d.symbol",
        )?;
        let mut rows = stmt.query([code])?;
        let mut out: Vec<Open> = Vec::new();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            if out.last().is_none_or(|o| o.id != id) {
                out.push(Open {
                    id,
                    uid: r.get(1)?,
                    unit: r.get(2)?,
                    must_confirm: r.get(3)?,
                    lines: Vec::new(),
                });
            }
            if let Some(o) = out.last_mut() {
                o.lines.push((r.get(4)?, r.get(5)?, r.get(6)?));
            }
        }
        Ok(out)
    }

    /// Confirms the receipts of one batch as they would have come in, up to
    /// `end`. Writes what `confirm_receipt` writes: the receipt's columns,
    /// `received` on short lines, and one `receipt.confirm` audit row.
    fn confirm_bulk(
        &self,
        rng: &mut impl Rng,
        plan: &BatchPlan,
        end: NaiveDate,
        signers: &BTreeMap<String, (String, Option<String>)>,
    ) -> Result<()> {
        let receipts = self.receipts_of_batch(&plan.code)?;
        let recent = (end - plan.handed).num_days() < 365;
        let (never, partial, declined) = if recent {
            (0.003, 0.008, 0.002)
        } else {
            (0.0005, 0.0005, 0.0001)
        };
        let window = (plan.due - plan.handed).num_days().max(1) as u64;
        let mut set_receipt = self.conn.prepare_cached(
            "UPDATE receipt SET status = ?1, signed_by = ?2, signed_on = ?3, entered_at = ?4, confirm_method = ?5,
                    on_behalf = ?6, note = ?7, recorded_by = ?8 WHERE id = ?9",
        )?;
        let mut set_line = self
            .conn
            .prepare_cached("UPDATE receipt_line SET received = ?1 WHERE receipt_id = ?2 AND document_id = ?3")?;
        for r in receipts.iter().filter(|r| r.must_confirm) {
            if rng.random_bool(never) {
                continue;
            }
            // Most within the due window, one in eight late by up to two months.
            let delay = if rng.random_bool(0.875) {
                rng.random_range(0..=window)
            } else {
                window + 1 + rng.random_range(0..60u64).min(rng.random_range(0..60u64))
            };
            let on = plan.handed + Days::new(delay);
            if on > end {
                continue;
            }
            let (secretary, deputy) = signers.get(&r.unit).cloned().unwrap_or_else(|| (person(rng), None));
            let (by, on_behalf) = match (rng.random_range(0..100u32), deputy) {
                (0..85, _) => (secretary, false),
                (_, Some(d)) => (d, true),
                (_, None) => (person(rng), true),
            };
            let roll: f64 = rng.random();
            let mut received: Vec<(i64, u32, u32)> = r.lines.iter().map(|l| (l.0, l.1, l.1)).collect();
            let (status, note) = if roll < declined {
                (ReceiptStatus::Declined, Some(pick(rng, DECLINE).to_string()))
            } else if roll < declined + partial {
                let i = rng.random_range(0..received.len());
                received[i].2 = received[i].1.saturating_sub(1);
                (ReceiptStatus::Partial, Some(format!("Thiếu 1 bản {}", r.lines[i].2)))
            } else {
                (ReceiptStatus::Confirmed, None)
            };
            let method = *pick(rng, &["in_person", "in_person", "in_person", "slip", "slip", "remote"]);
            let entered = format!(
                "{on}T{:02}:{:02}:{:02}.000Z",
                rng.random_range(1..10u32),
                rng.random_range(0..60u32),
                rng.random_range(0..60u32)
            );
            for &(doc, listed, got) in &received {
                if got != listed {
                    set_line.execute(params![got, r.id, doc])?;
                }
            }
            let operator = &self.actor()?.name;
            set_receipt.execute(params![
                status.as_str(),
                by,
                on,
                entered,
                method,
                on_behalf,
                note,
                operator,
                r.id
            ])?;
            self.log(
                "receipt.confirm",
                Some(&r.uid),
                &json!({ "batch": plan.code, "unit": r.unit, "in_place_of": null, "by": by,
                         "signer_account": null, "on": on,
                         "status": status.as_str(), "method": method, "on_behalf": on_behalf, "note": note,
                         "signature_sha256": null,
                         "received": received.iter().map(|&(d, l, g)| json!([d, l, g])).collect::<Vec<_>>() }),
            )?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- driver

/// Batches recorded per transaction: big enough to be fast, small enough
/// that the write-ahead log stays a few dozen megabytes.
const BATCHES_PER_COMMIT: usize = 25;

impl Store {
    /// Fills an empty register with scale data (see the module comment).
    /// Refuses a register that holds anything. `progress` is called after
    /// each stage and every few batches.
    pub fn generate_scale(
        &mut self,
        actor: &Actor,
        size: &Size,
        seed: u64,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<Summary> {
        if !self.status()?.is_empty {
            return Err(Error::conflict(
                "demo",
                "Cơ sở dữ liệu đã có dữ liệu; chỉ sinh dữ liệu quy mô lớn vào sổ trống",
            ));
        }
        // A brand-new file: nothing to lose if the machine stops mid-way, so
        // skip the fsync at every commit and give SQLite a large page cache
        // while generating; both go back to the app's values afterwards.
        let conn = self.connection();
        conn.pragma_update(None, "synchronous", "OFF")?;
        conn.pragma_update(None, "cache_size", -512_000)?;
        let out = self.generate_into(actor, size, seed, progress);
        let conn = self.connection();
        conn.pragma_update(None, "cache_size", -2000)?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        out
    }

    fn generate_into(
        &mut self,
        actor: &Actor,
        size: &Size,
        seed: u64,
        progress: &mut dyn FnMut(&Progress),
    ) -> Result<Summary> {
        let mut rng = SplitMix(seed);
        let start = size
            .end
            .checked_sub_days(Days::new(365 * u64::from(size.years)))
            .ok_or_else(|| Error::invalid("years", "Khoảng thời gian không hợp lệ"))?;
        let tree = Tree::build(&mut rng, size);
        let mut docs = make_documents(&mut rng, size, start);
        let plans = plan_batches(&mut rng, size, &tree, &mut docs, start);
        for d in &mut docs {
            // What the batches need plus a spare tenth; unused ones get a few.
            d.copies = if d.copies == 0 {
                rng.random_range(10..=100)
            } else {
                (d.copies + d.copies / 10).div_ceil(10) * 10
            };
        }

        let mut p = Progress {
            stage: "units",
            done: 0,
            total: tree.units.len(),
            lines: 0,
        };
        self.write(actor, |dao| {
            for u in &tree.units {
                crate::units::insert_unit(
                    dao,
                    &NewUnit {
                        code: u.code.clone(),
                        name: u.name.clone(),
                        parent: u.parent.map(|i| tree.units[i].code.clone()),
                        kind: Some(u.kind.into()),
                        phone: Some(u.phone.clone()),
                        secretary: Some(u.secretary.clone()),
                        deputy: u.deputy.clone(),
                        ..NewUnit::default()
                    },
                )?;
            }
            Ok(())
        })?;
        p.done = tree.units.len();
        progress(&p);

        p = Progress {
            stage: "documents",
            done: 0,
            total: docs.len(),
            lines: 0,
        };
        self.write(actor, |dao| {
            for d in &docs {
                crate::documents::insert_document(
                    dao,
                    &NewDocument {
                        symbol: d.symbol.clone(),
                        title: d.title.clone(),
                        issued_on: Some(d.issued),
                        copies_received: u32::try_from(d.copies).unwrap_or(u32::MAX),
                        classification: d.class,
                        term: None,
                    },
                )?;
            }
            Ok(())
        })?;
        p.done = docs.len();
        progress(&p);

        let signers: BTreeMap<String, (String, Option<String>)> = tree
            .units
            .iter()
            .map(|u| (u.code.clone(), (u.secretary.clone(), u.deputy.clone())))
            .collect();
        p = Progress {
            stage: "batches",
            done: 0,
            total: plans.len(),
            lines: 0,
        };
        for chunk in plans.chunks(BATCHES_PER_COMMIT) {
            let lines = self.write(actor, |dao| {
                let mut lines = 0u64;
                for plan in chunk {
                    let code = |i: &usize| tree.units[*i].code.clone();
                    let (units, subtrees, kinds) = match &plan.target {
                        Target::Grassroots => (Vec::new(), Vec::new(), tree.grassroots_kinds.clone()),
                        Target::Subtrees(cs) => (
                            Vec::new(),
                            cs.iter().map(|c| code(&tree.committees[*c].0)).collect(),
                            Vec::new(),
                        ),
                        Target::Units(us) => (us.iter().map(code).collect(), Vec::new(), Vec::new()),
                    };
                    let batch = dao.insert_batch(&NewBatch {
                        code: plan.code.clone(),
                        title: plan.title.clone(),
                        handed_on: Some(plan.handed),
                        due_on: Some(plan.due),
                        documents: plan
                            .docs
                            .iter()
                            .map(|&(d, q)| DocQty {
                                symbol: docs[d].symbol.clone(),
                                quantity: q,
                            })
                            .collect(),
                        units,
                        subtrees,
                        kinds,
                        info_units: plan.info.iter().map(code).collect(),
                        overrides: Vec::new(),
                        method: plan.method,
                        over_stock_reason: None,
                    })?;
                    lines += batch.recipients as u64 * plan.docs.len() as u64;
                    dao.confirm_bulk(&mut rng, plan, size.end, &signers)?;
                }
                Ok(lines)
            })?;
            p.done += chunk.len();
            p.lines += lines;
            progress(&p);
        }

        self.read(|dao| {
            let count = |table: &str| -> Result<i64> {
                Ok(dao
                    .conn
                    .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
            };
            Ok(Summary {
                units: count("unit")?,
                documents: count("document")?,
                batches: count("batch")?,
                receipts: count("receipt")?,
                lines: count("receipt_line")?,
                open: dao.conn.query_row(
                    "SELECT count(*) FROM receipt WHERE status <> 'confirmed' AND must_confirm = 1",
                    [],
                    |r| r.get(0),
                )?,
                audit_rows: count("audit_log")?,
            })
        })
    }
}

#[cfg(test)]
mod tests;
