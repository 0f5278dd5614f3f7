//! One PDF from the PDFs of a long list's parts. A list of a thousand pages
//! is written to PDF a part at a time as it is laid out (`lists.rs`), so no
//! moment holds every page's layout; the parts are then put under one page
//! tree here. Each part keeps its own fonts and content streams, unchanged;
//! the document takes the first part's catalog, information and identifier.

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::{Error, Result};

/// Page attributes a page may inherit from the nodes above it (PDF 32000-1,
/// 7.7.3.4); each page gets them on itself before it changes parent.
const INHERITED: [&[u8]; 4] = [b"Resources", b"MediaBox", b"CropBox", b"Rotate"];

/// The pages of `parts`, in order, as one PDF.
pub(crate) fn join(parts: &[Vec<u8>]) -> Result<Vec<u8>> {
    let Some((first, rest)) = parts.split_first() else {
        return Err(Error::Pdf("danh sách không có trang nào".into()));
    };
    let mut doc = load(first)?;
    let root = doc
        .catalog()
        .and_then(|c| c.get(b"Pages"))
        .and_then(Object::as_reference)
        .map_err(broken)?;
    let mut kids = own_pages(&mut doc)?;
    for part in rest {
        let mut next = load(part)?;
        next.renumber_objects_with(next_id(&doc));
        kids.extend(own_pages(&mut next)?);
        doc.objects.append(&mut next.objects);
        doc.max_id = doc.max_id.max(next_id(&doc) - 1);
    }
    for &page in &kids {
        doc.get_dictionary_mut(page).map_err(broken)?.set("Parent", root);
    }
    let count = i64::try_from(kids.len()).map_err(|_| Error::Pdf("quá nhiều trang".into()))?;
    let tree = doc.get_dictionary_mut(root).map_err(broken)?;
    tree.set("Kids", kids.into_iter().map(Object::Reference).collect::<Vec<_>>());
    tree.set("Count", count);
    // The parts' own catalogs, page trees and information dictionaries are
    // no longer reachable from the trailer.
    doc.prune_objects();
    let mut out = Vec::new();
    doc.save_to(&mut out).map_err(broken)?;
    Ok(out)
}

fn load(bytes: &[u8]) -> Result<Document> {
    Document::load_mem(bytes).map_err(broken)
}

/// The first object number above every object of `doc`.
fn next_id(doc: &Document) -> u32 {
    doc.objects.keys().map(|&(id, _)| id).max().unwrap_or(0).max(doc.max_id) + 1
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
