//! A document ready to print, laid out a compilation at a time: its
//! template, its data and the items the template lays out one after another
//! (a list's rows, the reminders' units, the slips). It becomes a PDF, written
//! in parts as pages come (`parts`), or SVG pages for the preview.

use serde::Serialize;
use typst_layout::{Page, PagedDocument};

use super::parts;
use super::world::PrintWorld;
use super::{svg_pages, typeset};
use crate::db::audit::Head;
use crate::progress::{self, Phase, Unwatched, Watch};
use crate::Result;

/// Items of a list's table laid out per compilation (about 20 pages).
/// typst keeps every cell's layout until a compilation ends (≈ 100 kB a
/// row): a province's 21,000 rows in one compilation took gigabytes; a
/// chunk at a time, with the cache emptied between chunks, what stays is one
/// chunk's cache and the finished pages (≈ 12 kB a row). Smaller chunks
/// also lay out faster (less cache to search); a chunk's last page is laid
/// out twice.
const CHUNK_ITEMS: usize = 300;

/// Items per compilation when each is a page or more (a reminder, a slip).
pub(crate) const PAGES_ITEMS: usize = 60;

/// Pages of a list written to PDF at a time (about 2,000 rows): each part
/// carries its own subset of the fonts, so fewer parts make a smaller file,
/// and smaller parts hold less at once.
const PART_PAGES: usize = 150;

/// A document ready to print: its template and data.
#[derive(Debug, Clone)]
pub struct Printout {
    template: &'static str,
    /// The template's data but for its items (letterhead, title, columns,
    /// signatures).
    frame: serde_json::Map<String, serde_json::Value>,
    /// The name of the items' array in the template's data.
    key: &'static str,
    /// What the template lays out one after another: a list's rows, group
    /// headings and subtotals; the reminders' units; the slips.
    items: Vec<serde_json::Value>,
    /// The line at the foot of every page of a list: the register's check
    /// code, which anchors the paper copy to the audit log.
    check: Option<String>,
    /// Items per compilation when they do not end at a section's end.
    chunk: usize,
    /// A list's sections: a group heading begins a new page once this many
    /// items have been laid out since the last section began (`None`: the
    /// printout is not cut in sections).
    section: Option<usize>,
    /// Pages per part of the PDF (see `parts`).
    part: usize,
}

impl Printout {
    /// A printout whose template lays out the array `key` of its data, an
    /// item at a time, marking where each item begins (`<gn-item>`, its
    /// index from `start`): laid out a chunk of items at a time (see
    /// `lay_out`). `frame` is the rest of the data.
    pub(crate) fn in_pieces(
        template: &'static str,
        key: &'static str,
        frame: &impl Serialize,
        items: Vec<serde_json::Value>,
    ) -> Result<Printout> {
        let serde_json::Value::Object(frame) = serde_json::to_value(frame)? else {
            return Err(crate::Error::Pdf(
                "dữ liệu danh sách không phải một đối tượng JSON".into(),
            ));
        };
        Ok(Printout {
            template,
            frame,
            key,
            items,
            check: None,
            chunk: CHUNK_ITEMS,
            section: None,
            part: PART_PAGES,
        })
    }

    /// Prints "Mã kiểm tra sổ: …" (the first 12 characters of the audit
    /// log's head, see `audit`) at the foot of every page of a list.
    pub fn with_check(mut self, head: Option<&Head>) -> Printout {
        self.check = head.map(|h| format!("Mã kiểm tra sổ: {}", h.check_code()));
        self
    }

    /// Lays it out `items` items at a time (a page or more per item takes
    /// fewer items per chunk; tests make chunks small).
    pub(crate) fn in_chunks_of(mut self, items: usize) -> Printout {
        self.chunk = items.max(1);
        self
    }

    /// Adds `value` to the template's data as `key` (beside the items).
    pub(super) fn with_data(mut self, key: &str, value: serde_json::Value) -> Printout {
        self.frame.insert(key.into(), value);
        self
    }

    /// Cuts the printout in sections: a group heading begins a new page
    /// once `items` items have been laid out since the last one (see
    /// `section_ends`).
    pub(super) fn in_sections_of(mut self, items: usize) -> Printout {
        self.section = Some(items.max(1));
        self
    }

    /// The items before which a new section begins, on a new page: a
    /// group's heading once `section` items have been laid out since the
    /// last section began. The end of the items closes the last one.
    fn section_ends(&self) -> Vec<usize> {
        let mut ends = Vec::new();
        if let Some(section) = self.section {
            let mut since = 0;
            for (i, item) in self.items.iter().enumerate() {
                if since >= section && item.get("kind").and_then(|k| k.as_str()) == Some("heading") {
                    ends.push(i);
                    since = 0;
                }
                since += 1;
            }
        }
        ends.push(self.items.len());
        ends
    }

    /// The items the template lays out, as its data holds them.
    #[cfg(test)]
    pub(super) fn items(&self) -> &[serde_json::Value] {
        &self.items
    }

    /// The list as typst lays it out when it measures every row (no row's
    /// height given, see `fit_rows`).
    #[cfg(test)]
    pub(super) fn without_fitted_rows(mut self) -> Printout {
        for item in &mut self.items {
            if let Some(item) = item.as_object_mut() {
                item.remove("lines");
            }
        }
        self
    }

    /// Writes a list's PDF `pages` pages at a time (tests make parts small).
    #[cfg(test)]
    pub(super) fn in_parts_of(mut self, pages: usize) -> Printout {
        self.part = pages.max(1);
        self
    }

    pub fn pdf(&self) -> Result<Vec<u8>> {
        self.pdf_with_warnings().map(|(pdf, _)| pdf)
    }

    /// The PDF, telling `watch` of each chunk laid out and stopping between
    /// two chunks when it asks to ([`crate::Error::Halted`]).
    pub fn pdf_watched(&self, watch: &mut dyn Watch) -> Result<Vec<u8>> {
        self.pdf_inner(watch).map(|(pdf, _)| pdf)
    }

    /// The PDF and typst's warnings (tests assert there are none).
    pub(crate) fn pdf_with_warnings(&self) -> Result<(Vec<u8>, Vec<String>)> {
        self.pdf_inner(&mut Unwatched)
    }

    fn pdf_inner(&self, watch: &mut dyn Watch) -> Result<(Vec<u8>, Vec<String>)> {
        parts::written(self.part, |parts| {
            self.lay_out(watch, |world, document, pages, alone| {
                parts.take(world, document, pages, alone)
            })
        })
    }

    /// The first `max_pages` pages as SVG images and how many pages there
    /// are in all (every page is laid out; only those are drawn).
    pub(crate) fn first_pages(&self, max_pages: usize) -> Result<(Vec<String>, usize)> {
        let mut shown = Vec::new();
        let total = self.first_pages_each(&mut Unwatched, max_pages, |pages| shown.extend(pages))?;
        Ok((shown, total))
    }

    /// The first `max_pages` pages as SVG images, handed to `show` a chunk
    /// at a time as soon as each is laid out, the rest laid out only to be
    /// counted; stops between two chunks when `watch` asks to
    /// ([`crate::Error::Halted`]). Returns how many pages there are in all.
    pub fn first_pages_each(
        &self,
        watch: &mut dyn Watch,
        max_pages: usize,
        mut show: impl FnMut(Vec<String>),
    ) -> Result<usize> {
        let mut total = 0;
        self.lay_out(watch, |_, _, pages, _| {
            let room = max_pages.saturating_sub(total);
            if room > 0 {
                show(svg_pages(&pages[..room.min(pages.len())]));
            }
            total += pages.len();
            Ok(())
        })?;
        Ok(total)
    }

    /// The pages as SVG images, exactly as they print.
    pub fn pages(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        self.pages_each(&mut Unwatched, |pages| out.extend(pages))?;
        Ok(out)
    }

    /// The pages as SVG images, handed to `show` a chunk at a time as soon
    /// as each is laid out (the preview shows the first pages at once);
    /// stops between two chunks when `watch` asks to ([`crate::Error::Halted`]).
    pub fn pages_each(&self, watch: &mut dyn Watch, show: impl FnMut(Vec<String>)) -> Result<()> {
        self.first_pages_each(watch, usize::MAX, show).map(|_total| ())
    }

    /// Lays the printout out and hands `take` each compilation's finished
    /// pages in order (and whether that compilation is the whole document);
    /// returns typst's warnings.
    ///
    /// A list's table is laid out from some item on, a compilation at a
    /// time, typst's cache emptied after each. A compilation of a list cut
    /// in sections ends at the last section's end within twice `chunk`
    /// items: its sections are page runs that typst lays out side by side,
    /// and all its pages are kept. Otherwise it takes `chunk` items; of a
    /// compilation that does not reach the end, every page but the last is
    /// kept, and the next one starts with the item that began that last
    /// page. Either way the next compilation starts at the top of a page
    /// numbered on, so each page holds exactly what it holds when the whole
    /// list is laid out at once: the table's header repeated on top, group
    /// headings and subtotals where they fall, the letterhead only on the
    /// first page and the signatures after the last row.
    fn lay_out(
        &self,
        watch: &mut dyn Watch,
        mut take: impl FnMut(PrintWorld, &PagedDocument, &[Page], bool) -> Result<()>,
    ) -> Result<Vec<String>> {
        let check = serde_json::to_vec(&self.check)?;
        let (frame, key, items) = (&self.frame, self.key, &self.items);
        let ends = self.section_ends();
        let mut warnings = Vec::new();
        let mut start = 0;
        let mut pages = 0;
        let mut chunk = self.chunk;
        loop {
            if !progress::next(watch, Phase::Print, start, items.len()) {
                return Err(crate::Error::Halted);
            }
            let reach = match self.section {
                Some(_) => chunk.saturating_mul(2),
                None => chunk,
            };
            let section_end = ends
                .iter()
                .copied()
                .filter(|&end| end > start)
                .take_while(|&end| end <= start.saturating_add(reach))
                .last();
            let end = section_end.unwrap_or_else(|| items.len().min(start.saturating_add(chunk)));
            let closing = end == items.len();
            // Where a new section (and a new page) begins, counted from `start`.
            let breaks: Vec<usize> = ends
                .iter()
                .filter(|&&at| at > start && at < end)
                .map(|&at| at - start)
                .collect();
            let mut data = frame.clone();
            data.insert(key.into(), items[start..end].into());
            data.insert("start".into(), start.into());
            data.insert("breaks".into(), breaks.into());
            // Where items begin is asked only of a compilation that ends
            // inside a section (`last_item_start`).
            data.insert("marks".into(), section_end.is_none().into());
            data.insert("first_page".into(), (pages + 1).into());
            data.insert("opening".into(), (start == 0).into());
            data.insert("closing".into(), closing.into());
            let files = [("data.json", serde_json::to_vec(&data)?), ("check.json", check.clone())];
            let (world, document, chunk_warnings) = typeset(self.template, &files)?;
            // Nothing of this compilation's cells is met again: drop typst's
            // cache now rather than hold it through the next ones.
            typst::comemo::evict(0);
            warnings.extend(chunk_warnings);
            let laid = document.pages();
            if closing {
                take(world, &document, laid, start == 0)?;
                progress::finished(watch, Phase::Print, items.len());
                return Ok(warnings);
            }
            if section_end.is_some() {
                // A section ends the compilation: the next begins a page.
                take(world, &document, laid, false)?;
                pages += laid.len();
                start = end;
                continue;
            }
            match last_item_start(&document) {
                Some((page, next)) if page > 1 && next > start => {
                    take(world, &document, &laid[..page - 1], false)?;
                    pages += page - 1;
                    start = next;
                }
                // The chunk fits on one page (or one item fills all its
                // pages): lay more out at once.
                _ => chunk = chunk.saturating_mul(2),
            }
        }
    }
}

/// The last page (counted from 1) of `document` on which an item begins
/// (its mark, `<gn-item>`, lies there), and the first item beginning on it.
/// The pages before it are final: the next chunk starts with that item at
/// the top of a page, as it is in one layout of the whole printout.
fn last_item_start(document: &PagedDocument) -> Option<(usize, usize)> {
    use typst::foundations::{Label, Selector, Value};
    use typst::introspection::{Introspector, MetadataElem};
    let label = Label::new(typst::utils::PicoStr::intern("gn-item"))?;
    let introspector = document.introspector();
    introspector
        .query(&Selector::Label(label))
        .iter()
        .filter_map(|mark| {
            let page = introspector.page(mark.location()?)?.get();
            match mark.to_packed::<MetadataElem>()?.value {
                Value::Int(i) => Some((page, usize::try_from(i).ok()?)),
                _ => None,
            }
        })
        .max_by_key(|&(page, item)| (page, std::cmp::Reverse(item)))
}
