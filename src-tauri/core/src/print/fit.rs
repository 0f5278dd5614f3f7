//! How many lines the cells of a printed list take, where that is sure, so
//! that the template can give a row its height instead of typst measuring
//! every cell of it first and laying it out again at that height (a table
//! lays each row of automatic height out twice: about 40 % of a long
//! list's time).
//!
//! A cell's text is shaped as typst shapes it (the same shaper, face, size
//! and language) and broken as typst breaks a ragged paragraph: each line
//! takes as many words as fit. Where a line's end falls within a hair of its
//! column's edge, or the text could break elsewhere than between words, or
//! the face lacks a character, the answer is "not sure" and typst measures
//! the row as before. A test compares the pages laid out both ways.

use std::cell::RefCell;
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::LazyLock;

use rustybuzz::{BufferFlags, Direction, Face, Language, Script, ShapePlan, UnicodeBuffer};

use super::world::{SERIF_ITALIC, SERIF_REGULAR};

/// Points per millimetre.
const PT_PER_MM: f64 = 72.0 / 25.4;

/// A line this close to its column's width is not sure to fit, or not to.
const HAIR_PT: f64 = 0.05;

struct Faces {
    regular: Face<'static>,
    italic: Face<'static>,
    /// The printed documents' language (`lang: "vi"`, party.typ).
    language: Language,
}

static FACES: LazyLock<Option<Faces>> = LazyLock::new(|| {
    Some(Faces {
        regular: Face::from_slice(SERIF_REGULAR, 0)?,
        italic: Face::from_slice(SERIF_ITALIC, 0)?,
        language: Language::from_str("vi").ok()?,
    })
});

/// The style of a line of text in a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Style {
    Regular,
    Italic,
}

/// The room for text in each column of a list's table, in points.
pub(super) struct Fit {
    room: Vec<f64>,
    /// Shaping plans made so far, by style and script (a plan is costly to
    /// make and the same for every text of one script).
    plans: RefCell<Vec<(Style, Script, ShapePlan)>>,
    /// Widths measured so far, by style and size (in points' bits), then
    /// text: a list repeats its batches, dates, statuses and the first words
    /// of its units' names, and shaping is most of the counting.
    widths: RefCell<HashMap<(Style, u64), Widths>>,
}

/// Texts and their widths in points (`None`: not sure, see `width_pt`).
type Widths = HashMap<String, Option<f64>>;

impl Fit {
    /// `widths` in millimetres, 0 for the column that takes the rest of the
    /// line (`1fr`); `line_mm` is the width of the page's text area and
    /// `inset_pt` a cell's inset on each side.
    pub(super) fn new(line_mm: f64, widths: &[f64], inset_pt: f64) -> Fit {
        let fixed: f64 = widths.iter().sum();
        let room = widths
            .iter()
            .map(|&w| {
                let w = if w == 0.0 { line_mm - fixed } else { w };
                w * PT_PER_MM - 2.0 * inset_pt
            })
            .collect();
        Fit {
            room,
            plans: RefCell::default(),
            widths: RefCell::default(),
        }
    }

    /// How many columns there are.
    pub(super) fn columns(&self) -> usize {
        self.room.len()
    }

    /// How many lines `text` at `size_pt` surely takes in column `column`,
    /// or `None` when that is not sure.
    pub(super) fn lines(&self, column: usize, text: &str, size_pt: f64, style: Style) -> Option<usize> {
        let (faces, &room) = (FACES.as_ref()?, self.room.get(column)?);
        if unbreakable(text) {
            return Some(1);
        }
        let face = match style {
            Style::Regular => &faces.regular,
            Style::Italic => &faces.italic,
        };
        let width = |text: &str| self.width_pt(face, style, &faces.language, text, size_pt);
        let whole = width(text)?;
        if whole <= room - HAIR_PT {
            return Some(1);
        }
        if text.starts_with(' ') || text.ends_with(' ') || text.contains("  ") {
            return None;
        }
        let words: Vec<&str> = text.split(' ').collect();
        if !words.iter().all(|w| {
            w.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, ',' | '.' | ';' | ':'))
        }) {
            return None;
        }
        // Each line takes words while they fit, as typst's simple line
        // breaking does; a line is measured as it would be shaped alone.
        let mut lines = 0;
        let mut start = 0;
        while start < words.len() {
            let mut end = start + 1;
            if width(&words[start..end].join(" "))? > room - HAIR_PT {
                return None;
            }
            while end < words.len() {
                let longer = width(&words[start..=end].join(" "))?;
                if longer <= room - HAIR_PT {
                    end += 1;
                } else if longer > room + HAIR_PT {
                    break;
                } else {
                    return None;
                }
            }
            lines += 1;
            start = end;
        }
        Some(lines)
    }
}

/// A text with no place a line may break: digits, with a thousands dot
/// ("21.343"). It takes one line however narrow its column.
fn unbreakable(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_digit() || c == '.')
}

impl Fit {
    /// The width of `text` shaped at `size_pt` as typst shapes it, or
    /// `None` when the face lacks one of its characters (typst would take
    /// another face) or it holds a control character; measured once.
    fn width_pt(&self, face: &Face, style: Style, language: &Language, text: &str, size_pt: f64) -> Option<f64> {
        let key = (style, size_pt.to_bits());
        let known = self.widths.borrow().get(&key).and_then(|w| w.get(text).copied());
        if let Some(width) = known {
            return width;
        }
        let width = self.shaped_width_pt(face, style, language, text, size_pt);
        self.widths
            .borrow_mut()
            .entry(key)
            .or_default()
            .insert(text.to_owned(), width);
        width
    }

    fn shaped_width_pt(&self, face: &Face, style: Style, language: &Language, text: &str, size_pt: f64) -> Option<f64> {
        if text.chars().any(char::is_control) {
            return None;
        }
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.set_language(language.clone());
        buffer.set_direction(Direction::LeftToRight);
        buffer.guess_segment_properties();
        buffer.set_flags(BufferFlags::REMOVE_DEFAULT_IGNORABLES);
        let script = buffer.script();
        let mut plans = self.plans.borrow_mut();
        let plan = match plans.iter().position(|p| p.0 == style && p.1 == script) {
            Some(at) => at,
            None => {
                let plan = ShapePlan::new(face, Direction::LeftToRight, Some(script), Some(language), &[]);
                plans.push((style, script, plan));
                plans.len() - 1
            }
        };
        let shaped = rustybuzz::shape_with_plan(face, &plans[plan].2, buffer);
        if shaped.glyph_infos().iter().any(|g| g.glyph_id == 0) {
            return None;
        }
        let units: i64 = shaped.glyph_positions().iter().map(|p| i64::from(p.x_advance)).sum();
        Some(units as f64 / f64::from(face.units_per_em()) * size_pt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_counted_where_sure_and_left_to_typst_otherwise() {
        // A 38 mm column: about 102 pt of room.
        let fit = Fit::new(257.0, &[38.0, 0.0, 5.0], 3.0);
        let lines = |column, text| fit.lines(column, text, 11.0, Style::Regular);
        assert_eq!(lines(0, "Nguyễn Thị Hằng"), Some(1));
        assert_eq!(lines(0, "Nguyễn Thị Phương Thảo Hoàng Lan"), Some(2));
        assert_eq!(lines(0, "Hằng\nLan"), None, "a control character");
        assert_eq!(lines(0, "文件"), None, "a glyph the face lacks");
        assert_eq!(
            lines(0, "Đợt 2/2022 (hạn 12/08/2022); Đợt 3/2022"),
            None,
            "breaks inside words"
        );
        assert_eq!(lines(0, "Nguyễn  Thị Phương Thảo Hoàng Lan"), None, "two spaces");
        let wide = "W".repeat(40);
        assert_eq!(lines(0, &wide), None, "a word wider than the column");
        assert_eq!(lines(2, "21.343"), Some(1), "digits do not break");
        assert_eq!(lines(3, "x"), None, "no such column");
        // The `1fr` column takes what the others leave: 214 mm.
        let long = "Chi bộ thôn Đông Hương Khê số 1234, Đảng bộ xã Hương Khê";
        assert_eq!(lines(1, long), Some(1));
        assert_eq!(fit.lines(1, "từ chối nhận", 10.0, Style::Italic), Some(1));
    }
}
