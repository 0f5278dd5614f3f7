//! The version-tiling rules: a unit's versions (name, short name, parent)
//! tile its timeline from the first day to the last, without gap or
//! overlap. A dated change splits the version holding its day and carries
//! forward into later versions that still had the old value, up to the
//! first one changed on purpose; neighbours that became equal are joined.
//! Pure functions over versions: the db layer reads and writes them.

use chrono::NaiveDate;

use crate::dates;
use crate::db::{beginning, end, UnitVersion};
use crate::error::{Error, Result};

/// Which attribute a dated change sets.
#[derive(Debug, Clone)]
pub(super) enum Attr {
    /// Name and short name.
    Name(String, Option<String>),
    Parent(Option<i64>),
}

impl Attr {
    /// True when `v` holds the same value of this attribute as `old`.
    fn same_as(&self, v: &UnitVersion, old: &UnitVersion) -> bool {
        match self {
            Attr::Name(..) => v.name == old.name && v.short_name == old.short_name,
            Attr::Parent(_) => v.parent_id == old.parent_id,
        }
    }

    fn apply(&self, v: &mut UnitVersion) {
        match self {
            Attr::Name(name, short) => {
                v.name = name.clone();
                v.short_name = short.clone();
            }
            Attr::Parent(p) => v.parent_id = *p,
        }
    }
}

/// The one version of a new unit: the whole timeline.
pub(super) fn whole(name: String, short_name: Option<String>, parent_id: Option<i64>) -> UnitVersion {
    UnitVersion {
        from: beginning(),
        to: end(),
        name,
        short_name,
        parent_id,
    }
}

/// `versions` (oldest first) with `attr` set from `day` on: the version
/// holding `day` is split, and later versions that still had the old value
/// follow, up to the first one that was changed on purpose. Refused when
/// no version holds `day`.
pub(super) fn set_from(mut versions: Vec<UnitVersion>, day: NaiveDate, attr: &Attr) -> Result<Vec<UnitVersion>> {
    let Some(i) = versions.iter().position(|v| v.from <= day && day < v.to) else {
        return Err(Error::invalid(
            "on",
            format!("Ngày {} nằm ngoài lịch sử đơn vị", dates::vi(day)),
        ));
    };
    if versions[i].from < day {
        let mut tail = versions[i].clone();
        tail.from = day;
        versions[i].to = day;
        versions.insert(i + 1, tail);
    }
    let start = if versions[i].from == day { i } else { i + 1 };
    let old = versions[start].clone();
    for v in versions.iter_mut().skip(start) {
        if !attr.same_as(v, &old) {
            break;
        }
        attr.apply(v);
    }
    Ok(versions)
}

/// `versions` with neighbours that hold the same values joined into one.
pub(super) fn merged(versions: &[UnitVersion]) -> Vec<UnitVersion> {
    let mut out: Vec<UnitVersion> = Vec::with_capacity(versions.len());
    for v in versions {
        match out.last_mut() {
            Some(last) if last.name == v.name && last.short_name == v.short_name && last.parent_id == v.parent_id => {
                last.to = v.to;
            }
            _ => out.push(v.clone()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn names(versions: &[UnitVersion]) -> Vec<(NaiveDate, NaiveDate, &str)> {
        versions.iter().map(|v| (v.from, v.to, v.name.as_str())).collect()
    }

    fn rename(name: &str) -> Attr {
        Attr::Name(name.into(), None)
    }

    #[test]
    fn a_change_splits_the_version_holding_its_day() {
        let v = vec![whole("A".into(), None, None)];
        let v = set_from(v, date(2024, 3, 1), &rename("B")).expect("rename");
        assert_eq!(
            names(&v),
            vec![(beginning(), date(2024, 3, 1), "A"), (date(2024, 3, 1), end(), "B")]
        );
    }

    #[test]
    fn an_earlier_change_carries_forward_until_a_deliberate_one() {
        let v = vec![whole("A".into(), None, Some(1))];
        let v = set_from(v, date(2025, 7, 1), &rename("C")).expect("later rename");
        let v = set_from(v, date(2024, 6, 1), &rename("B")).expect("earlier rename");
        // B runs up to the day C was chosen on purpose; C stays.
        assert_eq!(
            names(&v),
            vec![
                (beginning(), date(2024, 6, 1), "A"),
                (date(2024, 6, 1), date(2025, 7, 1), "B"),
                (date(2025, 7, 1), end(), "C"),
            ]
        );
        // A move dated earlier than both renames keeps the names and
        // follows through every version.
        let v = set_from(v, date(2024, 1, 1), &Attr::Parent(Some(2))).expect("move");
        assert_eq!(v.len(), 4);
        assert_eq!(v[0].parent_id, Some(1));
        assert!(v[1..].iter().all(|v| v.parent_id == Some(2)), "{v:?}");
    }

    #[test]
    fn a_day_outside_the_timeline_is_refused_naming_it() {
        let v = vec![UnitVersion {
            to: date(2025, 1, 1),
            ..whole("A".into(), None, None)
        }];
        let err = set_from(v, date(2025, 3, 1), &rename("B")).expect_err("outside");
        assert!(
            matches!(&err, Error::Invalid { field, message } if field == "on" && message.contains("01/03/2025")),
            "{err:?}"
        );
    }

    #[test]
    fn equal_neighbours_are_joined() {
        let v = vec![whole("A".into(), None, None)];
        let v = set_from(v, date(2024, 3, 1), &rename("B")).expect("rename");
        let v = set_from(v, date(2024, 3, 1), &rename("A")).expect("rename back");
        assert_eq!(v.len(), 2, "still split before joining");
        assert_eq!(names(&merged(&v)), vec![(beginning(), end(), "A")]);
    }
}
