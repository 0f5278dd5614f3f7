//! The typst "world" the printer compiles in: one main source, a few virtual
//! files given by the caller (JSON data, images), the shared layout library and
//! the bundled fonts only. Nothing is read from disk, no system font is scanned
//! and no package is ever downloaded, so a PDF looks the same on every machine.

use std::collections::HashMap;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};

/// The serif faces of the body text, also read for their advances (`fit`).
pub(super) const SERIF_REGULAR: &[u8] = include_bytes!("../../fonts/LiberationSerif-Regular.ttf");
pub(super) const SERIF_ITALIC: &[u8] = include_bytes!("../../fonts/LiberationSerif-Italic.ttf");

/// The fonts shipped in `fonts/` (SIL OFL, see `fonts/LICENSE-OFL.txt`).
const FONT_FILES: [&[u8]; 5] = [
    SERIF_REGULAR,
    include_bytes!("../../fonts/LiberationSerif-Bold.ttf"),
    SERIF_ITALIC,
    include_bytes!("../../fonts/LiberationSerif-BoldItalic.ttf"),
    include_bytes!("../../fonts/LiberationMono-Bold.ttf"),
];

/// Files every document can import, whatever the caller passes.
const BUILTIN_FILES: [(&str, &str); 1] = [("giaonhan/party.typ", include_str!("party.typ"))];

struct Fonts {
    fonts: Vec<Font>,
    book: LazyHash<FontBook>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = FONT_FILES
        .iter()
        .flat_map(|data| Font::iter(Bytes::new(*data)))
        .collect();
    let book = LazyHash::new(FontBook::from_fonts(&fonts));
    Fonts { fonts, book }
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// Number of faces loaded from the bundled font files (for tests).
#[cfg(test)]
pub(crate) fn font_count() -> usize {
    FONTS.fonts.len()
}

/// A file id in the project root for a path such as `data.json`.
fn file_id(path: &str) -> Result<FileId, String> {
    let vpath = VirtualPath::new(path).map_err(|e| format!("đường dẫn tệp ảo không hợp lệ '{path}': {e:?}"))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

pub(crate) struct PrintWorld {
    main: Source,
    files: HashMap<FileId, Bytes>,
}

impl PrintWorld {
    /// A world whose main file is `source`; `files` are reachable by their
    /// path from the project root (`json("data.json")`).
    pub(crate) fn new(source: &str, files: &[(&str, Vec<u8>)]) -> Result<PrintWorld, String> {
        let main = Source::new(file_id("main.typ")?, source.to_owned());
        let mut map = HashMap::new();
        for (path, text) in BUILTIN_FILES {
            map.insert(file_id(path)?, Bytes::from_string(text));
        }
        for (path, data) in files {
            let id = file_id(path)?;
            if id == main.id() || map.contains_key(&id) {
                return Err(format!("tệp ảo '{path}' trùng tên với một tệp có sẵn"));
            }
            map.insert(id, Bytes::new(data.clone()));
        }
        Ok(PrintWorld { main, files: map })
    }

    fn not_found(id: FileId) -> FileError {
        FileError::NotFound(id.vpath().get_with_slash().into())
    }

    /// "message (at /main.typ line 12)", with hints, for one diagnostic.
    pub(crate) fn describe(&self, diag: &SourceDiagnostic) -> String {
        let mut text = diag.message.to_string();
        if let (Some(id), Some(range)) = (diag.span.id(), self.range(diag.span)) {
            let line = self.source(id).ok().and_then(|s| s.lines().byte_to_line(range.start));
            let path = id.vpath().get_with_slash();
            match line {
                Some(line) => text.push_str(&format!(" ({path} dòng {})", line + 1)),
                None => text.push_str(&format!(" ({path})")),
            }
        }
        for hint in &diag.hints {
            text.push_str(&format!("; gợi ý: {}", hint.v));
        }
        text
    }
}

impl World for PrintWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        let bytes = self.files.get(&id).ok_or_else(|| Self::not_found(id))?;
        let text = std::str::from_utf8(bytes.as_slice()).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text.to_owned()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.text().to_owned()));
        }
        self.files.get(&id).cloned().ok_or_else(|| Self::not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    /// No clock: a document prints the dates its data carries, so the same
    /// data always gives the same PDF.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}
