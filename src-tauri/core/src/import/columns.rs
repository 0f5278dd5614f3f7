//! The columns of the two registers in a file: the fields an import looks
//! for (with the header names it accepts, English or Vietnamese) and the
//! headers exports and templates write.

use crate::tabular::Field;

pub(super) const UNIT_FIELDS: &[Field] = &[
    Field {
        name: "code",
        aliases: &["Mã", "Mã đơn vị", "unit_code"],
        required: true,
    },
    Field {
        name: "name",
        aliases: &["Tên", "Tên đơn vị", "unit_name"],
        required: true,
    },
    Field {
        name: "parent",
        aliases: &["Mã cấp trên", "parent_code", "Cấp trên"],
        required: true,
    },
    Field {
        name: "kind",
        aliases: &["Loại", "Loại đơn vị"],
        required: true,
    },
    Field {
        name: "short_name",
        aliases: &["Tên viết tắt", "Tên tắt"],
        required: false,
    },
    Field {
        name: "phone",
        aliases: &["Điện thoại", "Số điện thoại", "SĐT"],
        required: false,
    },
    Field {
        name: "secretary",
        aliases: &["Bí thư"],
        required: false,
    },
    Field {
        name: "deputy",
        aliases: &["Phó bí thư"],
        required: false,
    },
    Field {
        name: "address",
        aliases: &["Địa chỉ"],
        required: false,
    },
];

pub(super) const DOC_FIELDS: &[Field] = &[
    Field {
        name: "symbol",
        aliases: &["Số ký hiệu", "Số, ký hiệu", "Ký hiệu", "Số và ký hiệu"],
        required: true,
    },
    Field {
        name: "title",
        aliases: &["Trích yếu", "Tên văn bản", "Trích yếu nội dung"],
        required: true,
    },
    Field {
        name: "date",
        aliases: &["Ngày", "Ngày ban hành", "Ngày văn bản", "issued_on"],
        required: false,
    },
    Field {
        name: "copies",
        aliases: &["Số bản", "Số bản nhận", "copies_received"],
        required: false,
    },
    Field {
        name: "classification",
        aliases: &["Độ mật", "Mật"],
        required: false,
    },
    Field {
        name: "term",
        aliases: &["Khóa", "Nhiệm kỳ"],
        required: false,
    },
];

/// Column headers of exports and templates (Vietnamese; imports accept them).
pub(super) const UNIT_HEADERS: &[&str] = &[
    "Mã",
    "Tên",
    "Mã cấp trên",
    "Loại",
    "Tên viết tắt",
    "Điện thoại",
    "Bí thư",
    "Phó bí thư",
    "Địa chỉ",
];
pub(super) const DOC_HEADERS: &[&str] = &["Số ký hiệu", "Trích yếu", "Ngày", "Số bản", "Độ mật", "Khóa", "Còn lại"];
