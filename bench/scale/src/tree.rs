//! The generated unit tree as it stood before 1 July 2025: a province
//! committee and its bodies, its district committees with the communes and
//! wards under them, the province's agencies and enterprises, about a
//! thousand grassroots organisations in all and their branches, some grouped
//! under a đảng bộ bộ phận. The district level goes in the history's 2025
//! reorganisation (`reorganise.rs`).

use rand::Rng;

use super::names::{mobile, office_phone, person, place, AGENCY, DEPARTMENT, PROVINCE_BODY};
use super::{pick, Size};

/// One unit to add, its parent by index in `Tree::units`.
pub(crate) struct UnitSpec {
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) parent: Option<usize>,
    pub(crate) kind: &'static str,
    pub(crate) phone: String,
    pub(crate) secretary: String,
    pub(crate) deputy: Option<String>,
}

const GRASSROOTS: &str = "Đảng bộ cơ sở";
const GRASSROOTS_BRANCH: &str = "Chi bộ cơ sở";
const BRANCH: &str = "Chi bộ";
const PART: &str = "Đảng bộ bộ phận";
pub(crate) const DISTRICT: &str = "Đảng bộ huyện";

/// Grassroots organisations per district committee, about.
const PER_DISTRICT: usize = 60;

/// The tree to add, parents before children.
pub(crate) struct Tree {
    pub(crate) units: Vec<UnitSpec>,
    /// Per grassroots organisation: its index and its leaves (the units a
    /// batch to its subtree reaches).
    pub(crate) committees: Vec<(usize, Vec<usize>)>,
    /// The district committees (indices), parents of the communes and wards.
    pub(crate) districts: Vec<usize>,
    /// Province bodies: receive batches for information.
    pub(crate) bodies: Vec<usize>,
    /// The kinds of the grassroots organisations that occur.
    pub(crate) grassroots_kinds: Vec<String>,
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

    pub(crate) fn build(rng: &mut impl Rng, size: &Size) -> Tree {
        let mut t = Tree {
            units: Vec::new(),
            committees: Vec::new(),
            bodies: Vec::new(),
            grassroots_kinds: Vec::new(),
            districts: Vec::new(),
        };
        let root = t.add(rng, "TINH".into(), "Đảng bộ tỉnh Hà Tĩnh".into(), None, "Đảng bộ tỉnh");
        for (code, name) in PROVINCE_BODY {
            let i = t.add(rng, (*code).into(), (*name).into(), Some(root), "Cơ quan tham mưu");
            t.bodies.push(i);
        }
        let mut used_places = std::collections::BTreeSet::new();
        let districts = (size.committees / PER_DISTRICT).max(1);
        for d in 0..districts {
            let name = format!("Đảng bộ huyện {}", place(rng));
            let i = t.add(rng, format!("H{:02}", d + 1), name, Some(root), DISTRICT);
            t.districts.push(i);
        }
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
            // Communes and wards sit under their district, the rest under the province.
            let parent = if style < 2 {
                t.districts[c * districts / size.committees.max(1)]
            } else {
                root
            };
            let ci = t.add(rng, code.clone(), name, Some(parent), kind);
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
