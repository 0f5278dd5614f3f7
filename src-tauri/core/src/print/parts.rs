//! A long printout's PDF as it is laid out: the pages of a few compilations
//! kept until they fill a part, each part then handed to a thread of its own
//! that writes it to PDF and puts it into the one document (`join`) while
//! the next pages are laid out. What a thousand-page list holds at once is
//! a compilation's layout and a part or two of pages, not every page.

use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::Arc;

use typst::ecow::EcoVec;
use typst::layout::{Frame, FrameItem};
use typst::model::DocumentInfo;
use typst_layout::{Page, PagedDocument};

use super::join::Joiner;
use super::world::PrintWorld;
use crate::{Error, Result};

/// Lays a printout out through `lay_out`, which hands its pages to
/// [`Parts::take`], and returns the PDF of them all with what `lay_out`
/// returned. Parts are written on another thread as they fill.
pub(super) fn written<T>(limit: usize, lay_out: impl FnOnce(&mut Parts) -> Result<T>) -> Result<(Vec<u8>, T)> {
    std::thread::scope(|scope| {
        // One part waits while another is written: the layout runs on.
        let (sink, parts) = sync_channel::<Part>(1);
        let writer = scope.spawn(move || {
            let mut pdf = Pdf::default();
            for part in parts {
                pdf.push(part.write()?)?;
            }
            pdf.finish()
        });
        let mut parts = Parts {
            limit,
            sink,
            pages: EcoVec::new(),
            info: None,
            world: None,
            refused: false,
        };
        let laid = lay_out(&mut parts).and_then(|out| parts.flush().map(|()| out));
        let refused = parts.refused;
        // The channel closes: the writer finishes the document.
        drop(parts);
        let pdf = writer
            .join()
            .map_err(|_| Error::Pdf("luồng ghi PDF dừng bất thường".into()))
            .and_then(|pdf| pdf);
        match (laid, pdf) {
            (Ok(out), Ok(pdf)) => Ok((pdf, out)),
            // A hand-over failed because the writer had: its error says why.
            (Err(_), Err(error)) if refused => Err(error),
            (Err(error), _) | (Ok(_), Err(error)) => Err(error),
        }
    })
}

/// Laid-out pages on their way to the PDF.
pub(super) struct Parts {
    /// Pages per part.
    limit: usize,
    sink: SyncSender<Part>,
    /// Pages laid out and not yet handed over.
    pages: EcoVec<Page>,
    info: Option<DocumentInfo>,
    /// The last compilation's world, for typst's messages.
    world: Option<Arc<PrintWorld>>,
    /// A hand-over failed: the writer had stopped.
    refused: bool,
}

impl Parts {
    /// Takes a compilation's finished `pages` (`alone`: they are the whole
    /// document, laid out at once).
    pub(super) fn take(
        &mut self,
        world: PrintWorld,
        document: &PagedDocument,
        pages: &[Page],
        alone: bool,
    ) -> Result<()> {
        let info = self
            .info
            .get_or_insert_with(|| typst::model::Document::info(document).clone());
        let world = Arc::new(world);
        if alone {
            // The whole document in one compilation: written tagged, as it is.
            let info = info.clone();
            return self.send(Part {
                world,
                pages: pages.iter().cloned().collect(),
                info,
                tagged: true,
            });
        }
        self.world = Some(world);
        // Written untagged: the structure tags of a tagged PDF open and close
        // across a compilation's pages, and they hold each element's
        // content, which would otherwise be kept for every page.
        self.pages.extend(pages.iter().cloned().map(|mut page| {
            strip_tags(&mut page.frame);
            page
        }));
        if self.pages.len() >= self.limit {
            self.hand_over()?;
        }
        Ok(())
    }

    /// Hands the pages not yet written over to the writer.
    fn flush(&mut self) -> Result<()> {
        if self.pages.is_empty() {
            return Ok(());
        }
        self.hand_over()
    }

    fn hand_over(&mut self) -> Result<()> {
        let (Some(world), Some(info)) = (&self.world, &self.info) else {
            return Err(Error::Pdf("danh sách không có trang nào".into()));
        };
        let part = Part {
            world: Arc::clone(world),
            pages: std::mem::take(&mut self.pages),
            info: info.clone(),
            tagged: false,
        };
        self.send(part)
    }

    fn send(&mut self, part: Part) -> Result<()> {
        self.sink.send(part).map_err(|_| {
            self.refused = true;
            Error::Pdf("luồng ghi PDF đã dừng".into())
        })
    }
}

/// Pages to write as one PDF.
struct Part {
    world: Arc<PrintWorld>,
    pages: EcoVec<Page>,
    info: DocumentInfo,
    tagged: bool,
}

impl Part {
    fn write(self) -> Result<Vec<u8>> {
        let document = PagedDocument::new(self.pages, self.info);
        let options = typst_pdf::PdfOptions {
            tagged: self.tagged,
            ..Default::default()
        };
        typst_pdf::pdf(&document, &options).map_err(|d| self.world.errors(&d))
    }
}

/// The document the parts make.
#[derive(Default)]
struct Pdf {
    /// The first part written, kept whole while it is the only one (a
    /// document laid out in one compilation is written tagged, as it is).
    first: Option<Vec<u8>>,
    /// The parts joined so far, from the second part on.
    joined: Option<Joiner>,
}

impl Pdf {
    /// A part written: the first is kept; from the second on, each goes
    /// into the joined PDF at once.
    fn push(&mut self, part: Vec<u8>) -> Result<()> {
        match (&mut self.joined, self.first.take()) {
            (Some(joiner), _) => joiner.push(part),
            (None, None) => {
                self.first = Some(part);
                Ok(())
            }
            (None, Some(first)) => {
                let mut joiner = Joiner::new();
                joiner.push(first)?;
                joiner.push(part)?;
                self.joined = Some(joiner);
                Ok(())
            }
        }
    }

    fn finish(self) -> Result<Vec<u8>> {
        match (self.joined, self.first) {
            (Some(joiner), _) => joiner.finish(),
            (None, Some(first)) => Ok(first),
            (None, None) => Err(Error::Pdf("danh sách không có trang nào".into())),
        }
    }
}

/// Drops the introspection tags from a frame and its groups.
fn strip_tags(frame: &mut Frame) {
    frame.retain(|item| match item {
        FrameItem::Tag(_) => false,
        FrameItem::Group(group) => {
            strip_tags(&mut group.frame);
            true
        }
        _ => true,
    });
}
