//! A document ready to print, laid out a compilation at a time: its
//! template, its data and the items the template lays out one after another
//! (a list's rows, the reminders' units, the slips). It becomes a PDF, written
//! in parts as pages come (`parts`), or SVG pages for the preview.

use rayon::prelude::*;
use serde::Serialize;
use typst::layout::{Frame, Point};
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

/// The page numbers of a list cut in sections (see `Numbers`).
const NUMBERS: &str = include_str!("numbers.typ");

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
    /// A printout is laid out from some item on, a compilation at a time,
    /// typst's cache emptied after each. A compilation of a list cut in
    /// sections ends at a section's end within twice `chunk` items, and all
    /// its pages are kept. Otherwise it takes `chunk` items; of a compilation
    /// that does not reach the end, every page but the last is kept, and the
    /// next one starts with the item that began that last page. Either way
    /// the next compilation starts at the top of a page, so each page holds
    /// exactly what it holds when the whole printout is laid out at once: a
    /// list's header repeated on top, group headings and subtotals where they
    /// fall, the letterhead only on the first page and the signatures after
    /// the last row.
    ///
    /// Since a section begins a page, what a section's pages hold does not
    /// depend on the sections before it, only their numbers do: a list's
    /// sections are laid out two at a time on the layout's thread pool, and
    /// their pages numbered afterwards (`Numbers`).
    fn lay_out(
        &self,
        watch: &mut dyn Watch,
        mut take: impl FnMut(PrintWorld, &PagedDocument, &[Page], bool) -> Result<()>,
    ) -> Result<Vec<String>> {
        let check = serde_json::to_vec(&self.check)?;
        let len = self.items.len();
        let mut warnings = Vec::new();
        let mut delivery = Delivery {
            numbers: self.section.map(|_| Numbers::new(&self.frame)),
            pages: 0,
        };
        let runs = self.runs();
        let fits = |&(from, to): &(usize, usize)| self.section.is_some() && to - from <= self.reach(self.chunk);
        let mut next = 0;
        while let Some(&(from, to)) = runs.get(next) {
            if !fits(&runs[next]) {
                // A run of several compilations, one after the other, each
                // one's pages taken as it comes.
                let run_warnings =
                    self.lay_out_run(
                        from,
                        to,
                        &check,
                        Evict::EachCompilation,
                        &mut |start, laid| match laid {
                            None if !progress::next(watch, Phase::Print, start, len) => Err(crate::Error::Halted),
                            None => Ok(delivery.pages + 1),
                            Some(laid) => delivery.deliver(laid, &mut take).map(|_document| 0),
                        },
                    )?;
                warnings.extend(run_warnings);
                next += 1;
                continue;
            }
            // Runs of one compilation each, laid out side by side as tasks of
            // the thread pool typst's layout itself runs in (a compilation
            // waiting for its pages helps lay out the other's). Handing their
            // pages over while the next are laid out was tried: no faster,
            // and more memory.
            if !progress::next(watch, Phase::Print, from, len) {
                return Err(crate::Error::Halted);
            }
            let wave: Vec<(usize, usize)> = runs[next..]
                .iter()
                .take_while(|r| fits(r))
                .take(RUNS_AT_ONCE)
                .copied()
                .collect();
            next += wave.len();
            let laid_out: Vec<_> = wave
                .par_iter()
                .map(|&(from, to)| self.collected_run(from, to, &check))
                .collect();
            // Nothing of these compilations' cells is met again: the cache
            // is emptied and each document dropped once its pages are
            // handed over, on the pool's threads while this one hands the
            // pages over (freeing them here took a fifth of a long list's
            // time, the pool idle meanwhile).
            rayon::in_place_scope(|scope| {
                scope.spawn(|_| typst::comemo::evict(0));
                delivery.hand_over(laid_out, &mut warnings, &mut take, |document| {
                    scope.spawn(move |_| drop(document));
                })
            })?;
        }
        progress::finished(watch, Phase::Print, len);
        Ok(warnings)
    }

    /// The most items a compilation takes: twice `chunk` for a list cut in
    /// sections (a section up to that long is one compilation), else `chunk`.
    fn reach(&self, chunk: usize) -> usize {
        match self.section {
            Some(_) => chunk.saturating_mul(2),
            None => chunk,
        }
    }

    /// A printout's runs, as items `[from, to)`: a list's sections, each
    /// laid out as one compilation, or, for a section longer than a
    /// compilation's reach, in several; a printout not cut in sections is
    /// one run. One section per compilation keeps the granularity
    /// of a compilation of two sections one after the other: the preview's
    /// first pages come after two sections laid out side by side, and a stop
    /// is heeded every two sections.
    fn runs(&self) -> Vec<(usize, usize)> {
        let mut from = 0;
        let mut runs: Vec<(usize, usize)> = self
            .section_ends()
            .into_iter()
            .filter(|&end| end > 0)
            .map(|end| (std::mem::replace(&mut from, end), end))
            .collect();
        if runs.is_empty() {
            // A printout of no items still has its pages (its title, "none").
            runs.push((0, 0));
        }
        runs
    }

    /// Lays items `[from, to)` out (`to` a section's end) and keeps every
    /// compilation's kept pages; for a run laid out beside others, on any
    /// thread, typst's cache left to its caller to empty.
    fn collected_run(&self, from: usize, to: usize, check: &[u8]) -> Result<(Vec<Laid>, Vec<String>)> {
        let mut laids = Vec::new();
        let warnings = self.lay_out_run(from, to, check, Evict::Never, &mut |_, laid| {
            laids.extend(laid);
            Ok(1)
        })?;
        Ok((laids, warnings))
    }

    /// Lays items `[from, to)` out a compilation at a time (see `lay_out`),
    /// handing each to `laid` with the item it starts from. `laid` is also
    /// asked, with `None`, before each compilation, and answers the number
    /// its first page takes when the template numbers pages.
    fn lay_out_run(
        &self,
        from: usize,
        to: usize,
        check: &[u8],
        evict: Evict,
        laid: &mut dyn FnMut(usize, Option<Laid>) -> Result<usize>,
    ) -> Result<Vec<String>> {
        let (frame, key, items) = (&self.frame, self.key, &self.items);
        let mut warnings = Vec::new();
        let mut start = from;
        let mut chunk = self.chunk;
        loop {
            let first_page = laid(start, None)?;
            // A run is one section (or the whole printout, not cut in
            // sections): it ends the compilation once it is within reach.
            let section_end = (to <= start.saturating_add(self.reach(chunk))).then_some(to);
            let end = section_end.unwrap_or_else(|| to.min(start.saturating_add(chunk)));
            let closing = end == items.len();
            let mut data = frame.clone();
            data.insert(key.into(), items[start..end].into());
            data.insert("start".into(), start.into());
            // Where items begin is asked only of a compilation that ends
            // inside a section (`last_item_start`).
            data.insert("marks".into(), section_end.is_none().into());
            data.insert("first_page".into(), first_page.into());
            data.insert("opening".into(), (start == 0).into());
            data.insert("closing".into(), closing.into());
            let files = [
                ("data.json", serde_json::to_vec(&data)?),
                ("check.json", check.to_vec()),
            ];
            let (world, document, compiled_warnings) = typeset(self.template, &files)?;
            if evict == Evict::EachCompilation {
                // Nothing of this compilation's cells is met again: drop
                // typst's cache now rather than hold it through the next ones.
                typst::comemo::evict(0);
            }
            warnings.extend(compiled_warnings);
            // A section's end ends the compilation, and the next begins a
            // page: every page is kept. Otherwise the last page is laid out
            // again from the item that begins it.
            let step = if end == to || section_end.is_some() {
                Some((document.pages().len(), end))
            } else {
                last_item_start(&document)
                    .filter(|&(page, next)| page > 1 && next > start)
                    .map(|(page, next)| (page - 1, next))
            };
            let Some((kept, next)) = step else {
                // The chunk fits on one page (or one item fills all its
                // pages): lay more out at once.
                chunk = chunk.saturating_mul(2);
                continue;
            };
            let alone = start == 0 && closing;
            laid(
                start,
                Some(Laid {
                    world,
                    document,
                    kept,
                    alone,
                }),
            )?;
            if end == to {
                return Ok(warnings);
            }
            start = next;
        }
    }
}

/// Runs of a list's sections laid out at once, side by side.
const RUNS_AT_ONCE: usize = 2;

/// When a run of compilations empties typst's cache.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Evict {
    /// After each compilation (nothing else is being laid out meanwhile).
    EachCompilation,
    /// Never: another run is being laid out beside it (its caller empties
    /// the cache once both are done).
    Never,
}

/// Hands laid-out pages to the printout's taker in order, numbering them
/// when the template does not.
struct Delivery<'a> {
    /// The numbers laid over a list's pages (`None`: the template numbers them).
    numbers: Option<Numbers<'a>>,
    /// Pages handed over so far.
    pages: usize,
}

impl Delivery<'_> {
    /// Hands the pages of runs laid out side by side over in order, and
    /// each document, its pages handed over, to `done`.
    fn hand_over(
        &mut self,
        laid_out: Vec<Result<(Vec<Laid>, Vec<String>)>>,
        warnings: &mut Vec<String>,
        take: &mut impl FnMut(PrintWorld, &PagedDocument, &[Page], bool) -> Result<()>,
        mut done: impl FnMut(PagedDocument),
    ) -> Result<()> {
        for run in laid_out {
            let (laids, run_warnings) = run?;
            warnings.extend(run_warnings);
            for laid in laids {
                done(self.deliver(laid, take)?);
            }
        }
        Ok(())
    }

    /// Hands a compilation's kept pages over; returns its document.
    fn deliver(
        &mut self,
        laid: Laid,
        take: &mut impl FnMut(PrintWorld, &PagedDocument, &[Page], bool) -> Result<()>,
    ) -> Result<PagedDocument> {
        let mut pages = laid.document.pages()[..laid.kept].to_vec();
        if let Some(numbers) = &mut self.numbers {
            for page in &mut pages {
                page.frame.prepend_frame(Point::zero(), numbers.next()?);
            }
        }
        self.pages += pages.len();
        take(laid.world, &laid.document, &pages, laid.alone)?;
        Ok(laid.document)
    }
}

/// A compilation's finished pages: its first `kept` pages are kept.
struct Laid {
    world: PrintWorld,
    document: PagedDocument,
    kept: usize,
    /// The compilation is the whole printout.
    alone: bool,
}

/// The page numbers of a list laid out in runs of sections, laid over its
/// pages in order: "2", "3", … centred in the top margin as `party.typ`
/// numbers a page, each the frame of a page of `numbers.typ`, with the
/// list's page setup and nothing but its header. Laid out a few hundred at a
/// time.
struct Numbers<'a> {
    /// The list's data but its items (letterhead, orientation).
    frame: &'a serde_json::Map<String, serde_json::Value>,
    /// The number the first of `ready` takes.
    first: usize,
    ready: std::vec::IntoIter<Frame>,
}

/// Page numbers laid out at once.
const NUMBERS_AT_ONCE: usize = 200;

impl<'a> Numbers<'a> {
    fn new(frame: &'a serde_json::Map<String, serde_json::Value>) -> Numbers<'a> {
        Numbers {
            frame,
            first: 1,
            ready: Vec::new().into_iter(),
        }
    }

    /// The next page's number, as a frame the size of the page.
    fn next(&mut self) -> Result<Frame> {
        if let Some(frame) = self.ready.next() {
            return Ok(frame);
        }
        let mut data = self.frame.clone();
        data.insert("first_page".into(), self.first.into());
        data.insert("count".into(), NUMBERS_AT_ONCE.into());
        let (_, document, _) = typeset(NUMBERS, &[("data.json", serde_json::to_vec(&data)?)])?;
        let mut frames: std::vec::IntoIter<Frame> = document
            .pages()
            .iter()
            .map(|page| page.frame.clone())
            .collect::<Vec<_>>()
            .into_iter();
        let frame = frames
            .next()
            .ok_or_else(|| crate::Error::Pdf("không dàn được số trang".into()))?;
        self.first += frames.len() + 1;
        self.ready = frames;
        Ok(frame)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `groups` groups of `rows` rows, each with its heading.
    fn printout(groups: usize, rows: usize) -> Printout {
        let group = std::iter::once(serde_json::json!({ "kind": "heading" }))
            .chain(std::iter::repeat_n(serde_json::json!({ "kind": "row" }), rows));
        let items = std::iter::repeat_n(group, groups).flatten().collect();
        Printout::in_pieces("", "items", &serde_json::json!({}), items).expect("printout")
    }

    #[test]
    fn a_lists_runs_are_its_sections() {
        // Eight groups of 40 items; a section ends before a heading once 100
        // items are laid out: at items 120 and 240, and at the end (320).
        let list = printout(8, 39).in_sections_of(100);
        assert_eq!(list.section_ends(), [120, 240, 320]);
        // A compilation reaches 120 items: a section each, laid out side by side.
        let runs = list.clone().in_chunks_of(60);
        assert_eq!(runs.runs(), [(0, 120), (120, 240), (240, 320)]);
        assert!(runs
            .runs()
            .iter()
            .all(|&(from, to)| to - from <= runs.reach(runs.chunk)));
        // Reaching 60: each section is laid out in several compilations.
        let narrow = list.in_chunks_of(30);
        assert_eq!(narrow.runs(), [(0, 120), (120, 240), (240, 320)]);
        assert!(narrow
            .runs()
            .iter()
            .all(|&(from, to)| to - from > narrow.reach(narrow.chunk)));
        // No items: one run, for the printout's own pages.
        let empty = printout(0, 0).in_sections_of(100);
        assert_eq!(empty.runs(), [(0, 0)]);
    }
}
