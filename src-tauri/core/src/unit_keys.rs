//! The search keys of the units of one day, in Vietnamese order of their
//! names, kept in memory while the units stay as they are (like the day's
//! tree). Search as you type walks them and stops as soon as the best
//! matches are known, instead of reading and sorting every unit that holds
//! a short key: «chi bo thon» is held by nine units in ten of a province.
//! The rows come from the db layer (`Dao::unit_keys_on`); this module only
//! ranks them.

/// One unit of the day: its id, whether it is open that day, and its
/// search key (name, short name and code without diacritics).
#[derive(Debug)]
pub(crate) struct UnitKey {
    pub id: i64,
    pub open: bool,
    pub key: String,
}

/// The units that had a name on one day, open or closed.
#[derive(Debug)]
pub(crate) struct UnitKeys(Vec<UnitKey>);

impl UnitKeys {
    /// `rows` must be in Vietnamese order of the units' names, then by code:
    /// the order the best matches are shown in.
    pub fn new(rows: Vec<UnitKey>) -> UnitKeys {
        UnitKeys(rows)
    }

    /// Ids of at most `limit` units whose key holds `key` (itself a search
    /// key), the closed ones only if `include_closed`: first those whose key
    /// starts with it, then those where a later word does, then the rest,
    /// each in the rows' order. The walk ends once `limit` units of the first
    /// kind are found, since nothing after them can come before them.
    pub fn best(&self, key: &str, include_closed: bool, limit: usize) -> Vec<i64> {
        if limit == 0 {
            return Vec::new();
        }
        let word = format!(" {key}");
        let mut ranks: [Vec<i64>; 3] = Default::default();
        for unit in &self.0 {
            if !(unit.open || include_closed) {
                continue;
            }
            let rank = match unit.key.find(key) {
                None => continue,
                Some(0) => 0,
                Some(_) if unit.key.contains(&word) => 1,
                Some(_) => 2,
            };
            if ranks[rank].len() < limit {
                ranks[rank].push(unit.id);
                if rank == 0 && ranks[0].len() == limit {
                    break;
                }
            }
        }
        ranks.into_iter().flatten().take(limit).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys<S: AsRef<str>>(rows: &[(i64, bool, S)]) -> UnitKeys {
        UnitKeys::new(
            rows.iter()
                .map(|(id, open, key)| UnitKey {
                    id: *id,
                    open: *open,
                    key: key.as_ref().to_owned(),
                })
                .collect(),
        )
    }

    #[test]
    fn best_puts_a_start_before_a_word_before_anywhere_each_in_name_order() {
        let units = keys(&[
            (1, true, "dang bo xa huong khe"),
            (2, true, "chi bo huongkhe 1"),
            (3, true, "huong son"),
            (4, true, "chi bo thuong"),
            (5, true, "huong khe"),
            (6, true, "chi bo an"),
        ]);
        assert_eq!(units.best("huong", false, 10), vec![3, 5, 1, 2, 4]);
        assert_eq!(units.best("huong", false, 3), vec![3, 5, 1]);
        assert_eq!(units.best("khe", false, 10), vec![1, 5, 2]);
        assert!(units.best("xyz", false, 10).is_empty());
        assert!(units.best("huong", false, 0).is_empty());
    }

    #[test]
    fn best_takes_closed_units_only_when_asked() {
        let units = keys(&[(1, false, "xa an hoa"), (2, true, "xa an phu")]);
        assert_eq!(units.best("xa an", false, 10), vec![2]);
        assert_eq!(units.best("xa an", true, 10), vec![1, 2]);
    }

    #[test]
    fn best_matches_letters_literally_and_an_empty_key_takes_the_first_names() {
        let units = keys(&[(1, true, "to 1_2"), (2, true, "to 102"), (3, true, "to 10%")]);
        assert_eq!(units.best("1_", false, 10), vec![1]);
        assert_eq!(units.best("%", false, 10), vec![3]);
        assert_eq!(units.best("", false, 2), vec![1, 2]);
    }

    #[test]
    fn best_stops_at_the_limit_of_starts_and_keeps_their_order() {
        let rows: Vec<(i64, bool, String)> = (1..=200)
            .map(|i| (i, true, format!("{}chi bo {i}", if i % 3 == 0 { "x " } else { "" })))
            .collect();
        let units = keys(&rows);
        let best = units.best("chi bo", false, 50);
        let starts: Vec<i64> = (1..=200).filter(|i| i % 3 != 0).take(50).collect();
        assert_eq!(best, starts);
    }
}
