//! The country's 2025 reorganisation at full scale, for the plan benchmark:
//! a register of provinces, their districts and communes as they stood
//! before 1 July 2025, and the mapping table that abolishes the districts
//! (every district closed), merges the communes about three into one under
//! the new provinces (a few split over two new communes) and the provinces
//! about two into one. The rows come shuffled, as a table sorted by name
//! comes, not by level. Seeded: a seed always gives the same register and
//! plan. The register is written through the core's own unit import.

use chrono::NaiveDate;
use giaonhan::import::Register;
use giaonhan::tabular::{Table, TableRow};
use giaonhan::{Actor, Error, Result, Store};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use crate::names;

/// How many units before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountrySize {
    pub provinces: usize,
    pub districts: usize,
    pub communes: usize,
    pub new_provinces: usize,
    pub new_communes: usize,
    /// One commune in this many is split over two new communes.
    pub split_every: usize,
}

impl CountrySize {
    /// The whole country in 2025: 63 provinces, ≈ 700 districts, ≈ 9,700
    /// communes → 34 provinces, ≈ 3,300 communes (≈ 10,400 rows).
    pub fn country() -> CountrySize {
        CountrySize {
            provinces: 63,
            districts: 700,
            communes: 9_660,
            new_provinces: 34,
            new_communes: 3_300,
            split_every: 50,
        }
    }

    /// A few of each, for tests.
    pub fn tiny() -> CountrySize {
        CountrySize {
            provinces: 5,
            districts: 12,
            communes: 90,
            new_provinces: 3,
            new_communes: 30,
            split_every: 10,
        }
    }
}

/// The day the plan takes effect.
pub fn plan_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 7, 1).unwrap_or(NaiveDate::MIN)
}

/// The headers of the plan table.
pub const PLAN_HEADERS: [&str; 6] = ["Mã cũ", "Mã mới", "Tên mới", "Mã cấp trên mới", "Loại mới", "Chính"];

/// The register and the plan.
pub struct Country {
    /// Units as rows of the units import: code, name, parent, kind.
    pub units: Vec<[String; 4]>,
    /// The plan's rows (see `PLAN_HEADERS`), shuffled.
    pub plan: Vec<[String; 6]>,
}

fn place(rng: &mut impl Rng) -> String {
    names::place(rng)
}

/// Makes the register and the plan of `size` from `seed`.
pub fn country(size: &CountrySize, seed: u64) -> Country {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut units: Vec<[String; 4]> = Vec::new();
    let mut plan: Vec<[String; 6]> = Vec::new();
    let s = |x: &str| x.to_owned();

    // Old provinces, each the part of one new province (the first
    // `2 × (provinces − new_provinces)` merge in pairs, the rest stay).
    let merging = 2 * size.provinces.saturating_sub(size.new_provinces);
    let mut new_of_province = Vec::with_capacity(size.provinces);
    for p in 0..size.provinces {
        let code = format!("T{:02}", p + 1);
        units.push([
            code.clone(),
            format!("Đảng bộ tỉnh {}", place(&mut rng)),
            s(""),
            s("Đảng bộ tỉnh"),
        ]);
        if p < merging {
            let new = format!("NT{:02}", p / 2 + 1);
            let name = if p % 2 == 0 {
                format!("Đảng bộ tỉnh {} mới", place(&mut rng))
            } else {
                String::new()
            };
            plan.push([code, new.clone(), name, s(""), s("Đảng bộ tỉnh"), s("")]);
            new_of_province.push(new);
        } else {
            plan.push([code.clone(), code.clone(), s(""), s(""), s(""), s("")]);
            new_of_province.push(code);
        }
    }
    // Districts, spread over the provinces; every one closes.
    let mut province_of_district = Vec::with_capacity(size.districts);
    for d in 0..size.districts {
        let p = d * size.provinces / size.districts.max(1);
        let code = format!("T{:02}-H{:03}", p + 1, d + 1);
        units.push([
            code.clone(),
            format!("Đảng bộ huyện {}", place(&mut rng)),
            format!("T{:02}", p + 1),
            s("Đảng bộ huyện"),
        ]);
        plan.push([code.clone(), s(""), s(""), s(""), s(""), s("")]);
        province_of_district.push((p, code));
    }
    // Communes, spread over the districts, merged about three into one
    // under the new province; one in `split_every` is split over its
    // group's commune and the next.
    let mut named = vec![false; size.new_communes + 1];
    for c in 0..size.communes {
        let d = c * size.districts / size.communes.max(1);
        let (p, district) = &province_of_district[d];
        let code = format!("{district}-X{:05}", c + 1);
        units.push([
            code.clone(),
            format!("Đảng bộ xã {}", place(&mut rng)),
            district.clone(),
            s("Đảng bộ xã"),
        ]);
        let group = c * size.new_communes / size.communes.max(1);
        let mut successor = |g: usize, rng: &mut rand::rngs::StdRng, primary: &str| {
            let new = format!("X{:04}", g + 1);
            let (name, parent) = if named[g] {
                (String::new(), String::new())
            } else {
                named[g] = true;
                (format!("Đảng bộ xã {} mới", place(rng)), new_of_province[*p].clone())
            };
            [code.clone(), new, name, parent, s(""), s(primary)]
        };
        if size.split_every > 0 && c % size.split_every == size.split_every - 1 && group + 1 < size.new_communes {
            plan.push(successor(group, &mut rng, "x"));
            plan.push(successor(group + 1, &mut rng, ""));
        } else {
            plan.push(successor(group, &mut rng, ""));
        }
    }
    plan.shuffle(&mut rng);
    Country { units, plan }
}

/// A table as read from `file`: a header line, then the rows.
pub(crate) fn table(file: &str, headers: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Table {
    Table {
        file: file.to_owned(),
        header_line: 1,
        headers: headers.iter().map(|h| (*h).to_owned()).collect(),
        rows: rows
            .enumerate()
            .map(|(i, cells)| TableRow { line: i + 2, cells })
            .collect(),
    }
}

impl Country {
    /// Adds the old register's units through the units import (one transaction).
    pub fn load(&self, store: &mut Store, actor: &Actor) -> Result<()> {
        let t = table(
            "don-vi.csv",
            &["Mã", "Tên", "Mã cấp trên", "Loại"],
            self.units.iter().map(|u| u.to_vec()),
        );
        let report = store.import_table(actor, Register::Units, &t, false)?;
        if !report.is_ok() {
            let first = report.issues.iter().find(|i| !i.warning).map(ToString::to_string);
            return Err(Error::invalid("units", first.unwrap_or_default()));
        }
        Ok(())
    }

    /// The plan as a table, as read from `file`.
    pub fn plan_table(&self, file: &str) -> Table {
        table(file, &PLAN_HEADERS, self.plan.iter().map(|r| r.to_vec()))
    }
}
