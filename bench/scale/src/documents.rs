//! The generated documents register: symbols with realistic types and
//! issuing bodies, numbered per body and type, titles from templates, a few
//! classified.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};
use giaonhan::model::Classification;
use rand::Rng;

use super::{pick, Size};

/// One document to register; `copies` counts what the batches need.
pub(crate) struct DocSpec {
    pub(crate) symbol: String,
    pub(crate) title: String,
    pub(crate) issued: NaiveDate,
    pub(crate) class: Classification,
    pub(crate) copies: u64,
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

pub(crate) fn make_documents(rng: &mut impl Rng, size: &Size, start: NaiveDate) -> Vec<DocSpec> {
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
