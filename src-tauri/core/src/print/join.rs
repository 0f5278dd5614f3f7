//! One PDF from the PDFs of a long list's parts. A list of a thousand pages
//! is written to PDF a part at a time as it is laid out (`lists.rs`), so no
//! moment holds every page's layout; each part is put into the one PDF as
//! soon as it is written (`Joiner::push`): its objects renumbered after
//! those already there and written out, its pages hung under one page tree,
//! the part itself let go. What the join holds is the PDF so far and one
//! part. Each part keeps its own fonts and content streams, unchanged; the
//! document takes the first part's catalog, information and identifier.
//! The other parts' catalogs and page-tree nodes stay in the file,
//! unreachable (a few hundred bytes a part).

use std::io::Write;

use lopdf::{Dictionary, Document, Object, ObjectId, Writer};

use crate::{Error, Result};

/// Page attributes a page may inherit from the nodes above it (PDF 32000-1,
/// 7.7.3.4); each page gets them on itself before it changes parent.
const INHERITED: [&[u8]; 4] = [b"Resources", b"MediaBox", b"CropBox", b"Rotate"];

/// The PDF being joined: parts go in one after the other (`push`), the page
/// tree, cross-reference table and trailer at the end (`finish`).
pub(crate) struct Joiner {
    out: Vec<u8>,
    /// Byte offset of each object by number (index 0 is the free head).
    offsets: Vec<Option<usize>>,
    /// The first part's catalog, page tree and trailer.
    first: Option<First>,
    kids: Vec<ObjectId>,
}

struct First {
    /// The page tree's root: its number is kept, it is written last.
    tree: (ObjectId, Dictionary),
    trailer: Dictionary,
}

impl Joiner {
    pub(crate) fn new() -> Joiner {
        Joiner {
            out: Vec::new(),
            offsets: vec![None],
            first: None,
            kids: Vec::new(),
        }
    }

    /// Puts the pages of `part` after those already in, and lets it go.
    pub(crate) fn push(&mut self, part: Vec<u8>) -> Result<()> {
        let mut doc = load(&part)?;
        drop(part);
        let next = u32::try_from(self.offsets.len()).map_err(|_| Error::Pdf("quá nhiều đối tượng".into()))?;
        doc.renumber_objects_with(next);
        let pages = own_pages(&mut doc)?;
        if self.first.is_none() {
            writeln!(self.out, "%PDF-{}", doc.version).map_err(broken)?;
            self.out.extend_from_slice(b"%\xE2\xE3\xCF\xD3\n");
            let catalog = doc
                .trailer
                .get(b"Root")
                .and_then(Object::as_reference)
                .map_err(broken)?;
            let root = doc
                .get_dictionary(catalog)
                .and_then(|c| c.get(b"Pages"))
                .and_then(Object::as_reference)
                .map_err(broken)?;
            let tree = doc.get_dictionary(root).map_err(broken)?.clone();
            doc.objects.remove(&root);
            let mut trailer = Dictionary::new();
            for key in [&b"Root"[..], b"Info", b"ID"] {
                if let Ok(value) = doc.trailer.get(key) {
                    trailer.set(key, value.clone());
                }
            }
            self.first = Some(First {
                tree: (root, tree),
                trailer,
            });
        }
        let Some(first) = &self.first else {
            return Err(Error::Pdf("danh sách không có trang nào".into()));
        };
        for &page in &pages {
            doc.get_dictionary_mut(page)
                .map_err(broken)?
                .set("Parent", first.tree.0);
        }
        self.kids.extend(pages);
        for (id, mut object) in std::mem::take(&mut doc.objects) {
            if let Object::Stream(stream) = &mut object {
                // Object and cross-reference streams of the part describe
                // its own numbering; the objects they held are loaded apart.
                if matches!(
                    stream.dict.get(b"Type").and_then(Object::as_name),
                    Ok(b"ObjStm" | b"XRef")
                ) {
                    continue;
                }
                let length = i64::try_from(stream.content.len()).map_err(broken)?;
                stream.dict.set("Length", length);
            }
            self.write(id, &object)?;
        }
        Ok(())
    }

    /// The one PDF.
    pub(crate) fn finish(mut self) -> Result<Vec<u8>> {
        let Some(first) = self.first.take() else {
            return Err(Error::Pdf("danh sách không có trang nào".into()));
        };
        let (root, mut tree) = first.tree;
        let count = i64::try_from(self.kids.len()).map_err(|_| Error::Pdf("quá nhiều trang".into()))?;
        tree.set(
            "Kids",
            self.kids.iter().map(|&k| Object::Reference(k)).collect::<Vec<_>>(),
        );
        tree.set("Count", count);
        self.write(root, &Object::Dictionary(tree))?;
        let xref = self.out.len();
        let size = self.offsets.len();
        let mut table = format!("xref\n0 {size}\n");
        for (n, offset) in self.offsets.iter().enumerate() {
            match offset {
                Some(at) => table.push_str(&format!("{at:010} 00000 n\r\n")),
                None if n == 0 => table.push_str("0000000000 65535 f\r\n"),
                None => table.push_str("0000000000 00000 f\r\n"),
            }
        }
        self.out.extend_from_slice(table.as_bytes());
        let mut trailer = first.trailer;
        trailer.set("Size", i64::try_from(size).map_err(broken)?);
        self.out.extend_from_slice(b"trailer\n");
        Writer::write_object(&mut self.out, &Object::Dictionary(trailer)).map_err(broken)?;
        write!(self.out, "\nstartxref\n{xref}\n%%EOF\n").map_err(broken)?;
        Ok(self.out)
    }

    fn write(&mut self, (number, generation): ObjectId, object: &Object) -> Result<()> {
        let n = usize::try_from(number).map_err(broken)?;
        if self.offsets.len() <= n {
            self.offsets.resize(n + 1, None);
        }
        self.offsets[n] = Some(self.out.len());
        writeln!(self.out, "{number} {generation} obj").map_err(broken)?;
        Writer::write_object(&mut self.out, object).map_err(broken)?;
        self.out.extend_from_slice(b"\nendobj\n");
        Ok(())
    }
}

fn load(bytes: &[u8]) -> Result<Document> {
    Document::load_mem(bytes).map_err(broken)
}

/// The pages of `doc` in order, each holding the attributes it inherited.
fn own_pages(doc: &mut Document) -> Result<Vec<ObjectId>> {
    let pages: Vec<ObjectId> = doc.page_iter().collect();
    for &page in &pages {
        let mut found: Vec<(&[u8], Object)> = Vec::new();
        for key in INHERITED {
            if doc.get_dictionary(page).map_err(broken)?.has(key) {
                continue;
            }
            if let Some(value) = inherited(doc, page, key)? {
                found.push((key, value));
            }
        }
        let dict = doc.get_dictionary_mut(page).map_err(broken)?;
        for (key, value) in found {
            dict.set(key, value);
        }
    }
    Ok(pages)
}

/// The value of `key` on the nearest page-tree node above `page` that has it.
fn inherited(doc: &Document, page: ObjectId, key: &[u8]) -> Result<Option<Object>> {
    let mut node: &Dictionary = doc.get_dictionary(page).map_err(broken)?;
    // A page tree is shallow; the bound only stops a malformed cycle.
    for _ in 0..64 {
        let Ok(parent) = node.get(b"Parent").and_then(Object::as_reference) else {
            return Ok(None);
        };
        node = doc.get_dictionary(parent).map_err(broken)?;
        if let Ok(value) = node.get(key) {
            return Ok(Some(value.clone()));
        }
    }
    Ok(None)
}

fn broken(e: impl std::fmt::Display) -> Error {
    Error::Pdf(format!("không ghép được các phần của tệp PDF: {e}"))
}
