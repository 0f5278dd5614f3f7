//! Vietnamese names for the generated register: places, people, agencies,
//! departments and the province's own bodies, and the phone numbers of
//! offices and branch secretaries.

use rand::Rng;

use super::pick;

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
pub(crate) const AGENCY: &[&str] = &[
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
pub(crate) const DEPARTMENT: &[&str] = &[
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
pub(crate) const PROVINCE_BODY: &[(&str, &str)] = &[
    ("TU-VP", "Văn phòng Tỉnh ủy"),
    ("TU-BTC", "Ban Tổ chức Tỉnh ủy"),
    ("TU-UBKT", "Ủy ban Kiểm tra Tỉnh ủy"),
    ("TU-BTGDV", "Ban Tuyên giáo và Dân vận Tỉnh ủy"),
    ("TU-BNC", "Ban Nội chính Tỉnh ủy"),
    ("TU-BCSD", "Đảng ủy Ủy ban nhân dân tỉnh"),
];

pub(crate) fn person(rng: &mut impl Rng) -> String {
    format!("{} {} {}", pick(rng, SURNAME), pick(rng, MIDDLE), pick(rng, GIVEN))
}

pub(crate) fn place(rng: &mut impl Rng) -> String {
    let a = pick(rng, PLACE);
    loop {
        let b = pick(rng, PLACE);
        if b != a {
            return format!("{a} {b}");
        }
    }
}

pub(crate) fn office_phone(rng: &mut impl Rng) -> String {
    format!(
        "0239 3{:02} {:03}",
        rng.random_range(0..100u32),
        rng.random_range(0..1000u32)
    )
}

pub(crate) fn mobile(rng: &mut impl Rng) -> String {
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
