//! Where packets are written and read: a folder (a USB stick, a shared
//! folder, a mail attachment saved to disk) or an S3-compatible bucket (a
//! province's hub), through one code path — the `object_store` crate's
//! `LocalFileSystem` and `AmazonS3` behind its `ObjectStore` trait.
//!
//! The store stays synchronous: a transport owns a small current-thread
//! runtime and blocks on each call. Listing gives the `*.sgnpkt` objects
//! directly in the folder or under the prefix (never in a subfolder) with
//! their sizes, so that a file too large is refused before it is read, and
//! a read stops past the bound anyway (a folder is listed with the standard
//! library, which passes over names an object store refuses). A write puts the whole packet under
//! its name at once (a folder's file appears only when complete, renamed
//! into place). Every failure names the file or object and, for a bucket,
//! the hub and the reason, in Vietnamese.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{BackoffConfig, ClientOptions, ObjectStore, ObjectStoreExt, PutPayload, RetryConfig};

use super::packet;
use crate::error::{Error, Result};

/// The scheme of a bucket's address: `s3://BUCKET/PREFIX`.
pub const S3_SCHEME: &str = "s3://";
/// The region used when none is given (S3-compatible servers accept any).
pub const DEFAULT_REGION: &str = "us-east-1";

/// How long a connection to the hub may take before it is given up.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one request may take (a packet is at most a few megabytes).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// Where `sync send` writes and `sync receive` reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A folder: the packets directly in it.
    Folder(PathBuf),
    /// An S3-compatible bucket: the packets directly under the prefix.
    Bucket(Bucket),
}

/// A bucket and a prefix in it (`s3://BUCKET/PREFIX`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    pub bucket: String,
    /// Without leading or trailing `/`; empty for the bucket's root.
    pub prefix: String,
}

impl Bucket {
    /// `s3://BUCKET/PREFIX` (or `s3://BUCKET` at the root).
    pub fn url(&self) -> String {
        if self.prefix.is_empty() {
            format!("{S3_SCHEME}{}", self.bucket)
        } else {
            format!("{S3_SCHEME}{}/{}", self.bucket, self.prefix)
        }
    }

    /// Reads `s3://BUCKET[/PREFIX]`; `field` names the input at fault.
    pub fn parse(field: &str, text: &str) -> Result<Bucket> {
        let text = text.trim();
        let Some(rest) = text.strip_prefix(S3_SCHEME) else {
            return Err(Error::invalid(
                field,
                format!("«{text}» không phải địa chỉ kho S3: viết dạng s3://TÊN-BUCKET/THƯ-MỤC"),
            ));
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let valid_bucket = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
            && bucket.starts_with(|c: char| c.is_ascii_alphanumeric())
            && bucket.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !valid_bucket {
            return Err(Error::invalid(
                field,
                format!(
                    "«{bucket}» không phải tên bucket S3 hợp lệ (3 đến 63 ký tự: chữ thường không dấu, chữ số, \
                     dấu chấm, dấu gạch ngang) trong «{text}»"
                ),
            ));
        }
        let prefix = prefix.trim_matches('/');
        if let Err(e) = ObjectPath::parse(prefix) {
            return Err(Error::invalid(
                field,
                format!("thư mục «{prefix}» trong «{text}» không hợp lệ ({e})"),
            ));
        }
        Ok(Bucket {
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
        })
    }
}

impl Place {
    /// An argument as the command line or the window gives it: an
    /// `s3://BUCKET/PREFIX` address, or else a folder.
    pub fn from_arg(field: &str, arg: &std::ffi::OsStr) -> Result<Place> {
        match arg.to_str() {
            Some(text) if text.trim_start().starts_with(S3_SCHEME) => Ok(Place::Bucket(Bucket::parse(field, text)?)),
            _ => Ok(Place::Folder(PathBuf::from(arg))),
        }
    }

    /// The folder's path or the bucket's address, as shown to people.
    pub fn shown(&self) -> String {
        match self {
            Place::Folder(dir) => dir.display().to_string(),
            Place::Bucket(b) => b.url(),
        }
    }
}

/// A folder, given as a path (the callers that only know folders).
impl From<&Path> for Place {
    fn from(dir: &Path) -> Place {
        Place::Folder(dir.to_owned())
    }
}

impl From<&PathBuf> for Place {
    fn from(dir: &PathBuf) -> Place {
        Place::Folder(dir.clone())
    }
}

impl From<PathBuf> for Place {
    fn from(dir: PathBuf) -> Place {
        Place::Folder(dir)
    }
}

impl From<&Place> for Place {
    fn from(place: &Place) -> Place {
        place.clone()
    }
}

/// How to reach an S3-compatible hub: its endpoint, region and keys (from
/// the settings and the environment, see `hub`).
#[derive(Clone, PartialEq, Eq)]
pub struct HubAccess {
    /// `http://10.0.0.5:8333`; `None` for Amazon S3 itself.
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl std::fmt::Debug for HubAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubAccess")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

impl HubAccess {
    /// The hub as named in messages: its endpoint, or Amazon S3's region.
    pub fn shown(&self) -> String {
        match &self.endpoint {
            Some(e) => e.clone(),
            None => format!("Amazon S3 (vùng {})", self.region),
        }
    }
}

/// A packet object found by a listing.
#[derive(Debug, Clone)]
pub struct Listed {
    /// The file or object name (the last part of its path).
    pub name: String,
    pub size: u64,
    location: ObjectPath,
}

/// The folder or the bucket, and the runtime that drives it.
enum Kind {
    Folder(PathBuf),
    Bucket {
        bucket: Bucket,
        hub: String,
        key_id: String,
    },
}

/// One place packets go to or come from, opened.
pub struct Transport {
    store: Arc<dyn ObjectStore>,
    /// The folder's root (empty) or the bucket's prefix.
    prefix: ObjectPath,
    kind: Kind,
    /// Taken only when dropped.
    runtime: Option<tokio::runtime::Runtime>,
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Transport {
            doing: "không khởi động được phần trao đổi qua mạng".to_owned(),
            reason: e.to_string(),
        })
}

impl Transport {
    /// A folder that exists (`field` names the input at fault).
    pub fn folder(field: &str, dir: &Path) -> Result<Transport> {
        if !dir.is_dir() {
            return match std::fs::metadata(dir) {
                Err(e) => Err(Error::file("không mở được thư mục", dir, e)),
                Ok(_) => Err(Error::invalid(field, format!("{}: không phải thư mục", dir.display()))),
            };
        }
        let store = LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| local_error("không mở được thư mục", dir, e))?
            // A packet written is on the disk (and its folder entry too)
            // before the next step, as every file the app writes.
            .with_fsync(true);
        Ok(Transport {
            store: Arc::new(store),
            prefix: ObjectPath::default(),
            kind: Kind::Folder(dir.to_owned()),
            runtime: Some(runtime()?),
        })
    }

    /// A bucket on an S3-compatible hub, addressed by path (`ENDPOINT/BUCKET/KEY`,
    /// as SeaweedFS and MinIO need); plain `http://` endpoints are allowed (a
    /// hub on the office's network).
    pub fn bucket(bucket: &Bucket, access: &HubAccess) -> Result<Transport> {
        // The process's TLS provider (`ring`): the HTTP client finds it when
        // it makes its first connection. Already installed: the same one.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&bucket.bucket)
            .with_region(&access.region)
            .with_access_key_id(&access.access_key_id)
            .with_secret_access_key(&access.secret_access_key)
            .with_virtual_hosted_style_request(false)
            .with_allow_http(true)
            .with_client_options(
                ClientOptions::new()
                    .with_allow_http(true)
                    .with_connect_timeout(CONNECT_TIMEOUT)
                    .with_timeout(REQUEST_TIMEOUT),
            )
            // A hub that cannot be reached is reported within half a minute,
            // not after the library's default three minutes of retries.
            .with_retry(RetryConfig {
                backoff: BackoffConfig::default(),
                max_retries: 2,
                retry_timeout: Duration::from_secs(30),
            });
        if let Some(endpoint) = &access.endpoint {
            builder = builder.with_endpoint(endpoint.trim_end_matches('/'));
        }
        let hub = access.shown();
        let store = builder.build().map_err(|e| Error::Transport {
            doing: format!("không mở được kho S3 {hub} ({})", bucket.url()),
            reason: e.to_string(),
        })?;
        Ok(Transport {
            store: Arc::new(store),
            prefix: ObjectPath::parse(&bucket.prefix).map_err(|e| Error::invalid("hub", e.to_string()))?,
            kind: Kind::Bucket {
                bucket: bucket.clone(),
                hub,
                key_id: access.access_key_id.clone(),
            },
            runtime: Some(runtime()?),
        })
    }

    /// A file or object name as shown: the folder's path joined with it, or
    /// `s3://BUCKET/PREFIX/NAME`.
    pub fn shown(&self, name: &str) -> String {
        match &self.kind {
            Kind::Folder(dir) => dir.join(name).display().to_string(),
            Kind::Bucket { bucket, .. } => format!("{}/{name}", bucket.url()),
        }
    }

    /// The folder's path or the bucket's address.
    pub fn shown_place(&self) -> String {
        match &self.kind {
            Kind::Folder(dir) => dir.display().to_string(),
            Kind::Bucket { bucket, .. } => bucket.url(),
        }
    }

    /// The folder on disk, for a folder.
    pub fn folder_path(&self) -> Option<&Path> {
        match &self.kind {
            Kind::Folder(dir) => Some(dir),
            Kind::Bucket { .. } => None,
        }
    }

    /// Runs `work` to its end on this transport's runtime. Called from a
    /// task of another runtime (a window's command runs on the app's), the
    /// runtime is driven on a thread of its own, which tokio requires.
    fn block_on<F>(&self, work: F) -> F::Output
    where
        F: std::future::Future + Send,
        F::Output: Send,
    {
        let Some(runtime) = &self.runtime else {
            unreachable!("the runtime is taken only when the transport is dropped")
        };
        if tokio::runtime::Handle::try_current().is_err() {
            return runtime.block_on(work);
        }
        std::thread::scope(|s| s.spawn(|| runtime.block_on(work)).join())
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }

    fn location(&self, name: &str) -> ObjectPath {
        self.prefix.clone().join(name)
    }

    /// Asks a bucket for its first object under the prefix, so that a hub
    /// that cannot be reached, or refuses the keys, is reported before
    /// anything is recorded (a folder was checked when opened).
    pub fn check(&self) -> Result<()> {
        if let Kind::Bucket { .. } = &self.kind {
            self.block_on(async {
                match self.store.list(Some(&self.prefix)).next().await {
                    Some(Err(e)) => Err(e),
                    _ => Ok(()),
                }
            })
            .map_err(|e| self.error("không mở được kho", &self.shown_place(), e))?;
        }
        Ok(())
    }

    /// The packet files (`*.sgnpkt`) directly in the folder or under the
    /// prefix, by name.
    pub fn list_packets(&self) -> Result<Vec<Listed>> {
        let mut out = match &self.kind {
            Kind::Folder(dir) => list_folder(dir)?,
            Kind::Bucket { .. } => self.list_bucket()?,
        };
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    fn list_bucket(&self) -> Result<Vec<Listed>> {
        let listed = self
            .block_on(self.store.list_with_delimiter(Some(&self.prefix)))
            .map_err(|e| self.error("không đọc được danh sách gói trong", &self.shown_place(), e))?;
        Ok(listed
            .objects
            .into_iter()
            .filter_map(|meta| {
                let name = meta.location.filename()?.to_owned();
                // Directly under the prefix, never deeper.
                let wanted = meta.location == self.location(&name) && is_packet_name(&name);
                wanted.then_some(Listed {
                    name,
                    size: meta.size,
                    location: meta.location,
                })
            })
            .collect())
    }

    /// The bytes of a listed packet, or `None` when it holds more than `max`
    /// bytes (reading stops there).
    pub fn read(&self, item: &Listed, max: u64) -> Result<Option<Vec<u8>>> {
        let shown = self.shown(&item.name);
        self.block_on(async {
            let got = self.store.get(&item.location).await?;
            let mut stream = got.into_stream();
            let mut bytes = Vec::new();
            while let Some(chunk) = stream.next().await {
                let chunk = chunk?;
                if (bytes.len() + chunk.len()) as u64 > max {
                    return Ok(None);
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(Some(bytes))
        })
        .map_err(|e| self.error("không đọc được gói", &shown, e))
    }

    /// Writes a packet whole under `name` (replacing one of that name).
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<()> {
        let location = self.location(name);
        self.block_on(self.store.put(&location, PutPayload::from(bytes.to_vec())))
            .map(|_| ())
            .map_err(|e| self.error("không ghi được gói", &self.shown(name), e))
    }

    /// A failure, naming what was being done on which file or object and,
    /// for a bucket, the hub and why in words a clerk can act on.
    fn error(&self, doing: &str, what: &str, e: object_store::Error) -> Error {
        match &self.kind {
            Kind::Folder(_) => local_error(doing, Path::new(what), e),
            Kind::Bucket { bucket, hub, key_id } => Error::Transport {
                doing: format!("{doing} {what}"),
                reason: hub_reason(&e, hub, &bucket.bucket, key_id),
            },
        }
    }
}

impl Drop for Transport {
    /// Stops the runtime without waiting: a runtime dropped on a thread
    /// that drives another one (a window's command) would panic.
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// `NAME.sgnpkt`.
fn is_packet_name(name: &str) -> bool {
    name.strip_suffix(packet::EXTENSION)
        .and_then(|stem| stem.strip_suffix('.'))
        .is_some_and(|stem| !stem.is_empty())
}

/// The packet files directly in a folder (links followed, subfolders not
/// entered), with their sizes. Listed here rather than by the object
/// store, which gives up on a whole folder for one name it cannot take (a
/// Mac's `Icon\r` on a stick); a name that is not UTF-8 or holds a control
/// character cannot be a packet's (their names are letters, digits and
/// dashes) and is passed over.
fn list_folder(dir: &Path) -> Result<Vec<Listed>> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::file("không đọc được thư mục", dir, e))?;
    let mut out = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| Error::file("không đọc được thư mục", dir, e))?.path();
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .filter(|n| is_packet_name(n) && object_store::path::PathPart::parse(n).is_ok())
        else {
            continue;
        };
        // A file, or a link to one; a link to nothing is passed over.
        let Ok(meta) = std::fs::metadata(&path) else { continue };
        if meta.is_file() {
            out.push(Listed {
                name: name.to_owned(),
                size: meta.len(),
                location: ObjectPath::default().join(name),
            });
        }
    }
    Ok(out)
}

/// A folder's failure: the I/O error under it when there is one (so the
/// message says "không tìm thấy", "không có quyền", "ổ đĩa đã đầy").
fn local_error(doing: &str, path: &Path, e: object_store::Error) -> Error {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return Error::file(doing, path, std::io::Error::new(io.kind(), io.to_string()));
        }
        source = s.source();
    }
    Error::Transport {
        doing: format!("{doing} {}", path.display()),
        reason: e.to_string(),
    }
}

/// Why a request to the hub failed, in Vietnamese, with the server's own
/// words (an S3 error code such as `SignatureDoesNotMatch`) after it.
fn hub_reason(e: &object_store::Error, hub: &str, bucket: &str, key_id: &str) -> String {
    use object_store::client::HttpErrorKind;
    let detail = detail(e);
    // S3's own error codes first: a listing's failure reaches us without
    // its HTTP status sorted into a kind.
    let denied = matches!(
        detail.as_str(),
        "SignatureDoesNotMatch" | "InvalidAccessKeyId" | "AccessDenied" | "InvalidToken" | "ExpiredToken"
    );
    match e {
        _ if denied => format!(
            "kho S3 {hub} từ chối khoá truy cập {key_id}: sai khoá bí mật, hoặc khoá không có quyền với bucket \
             {bucket} ({detail})"
        ),
        object_store::Error::PermissionDenied { .. } | object_store::Error::Unauthenticated { .. } => format!(
            "kho S3 {hub} từ chối khoá truy cập {key_id}: sai khoá bí mật, hoặc khoá không có quyền với bucket \
             {bucket} ({detail})"
        ),
        _ if detail == "NoSuchBucket" => format!("kho S3 {hub} không có bucket {bucket} ({detail})"),
        object_store::Error::NotFound { .. } => {
            format!("kho S3 {hub} không có bucket {bucket} hoặc không có tệp này ({detail})")
        }
        _ => {
            let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
            while let Some(s) = source {
                if let Some(http) = s.downcast_ref::<object_store::client::HttpError>() {
                    return match http.kind() {
                        HttpErrorKind::Connect => format!("không kết nối được kho S3 {hub}: {detail}"),
                        HttpErrorKind::Timeout => format!("kho S3 {hub} không trả lời kịp: {detail}"),
                        _ => format!("lỗi khi trao đổi với kho S3 {hub}: {detail}"),
                    };
                }
                source = s.source();
            }
            format!("lỗi khi trao đổi với kho S3 {hub}: {detail}")
        }
    }
}

/// The server's error code (`<Code>…</Code>` of an S3 error), or the
/// innermost cause of the failure.
fn detail(e: &object_store::Error) -> String {
    let text = e.to_string();
    if let Some(code) = text
        .split_once("<Code>")
        .and_then(|(_, rest)| rest.split_once("</Code>"))
        .map(|(code, _)| code.trim())
        .filter(|c| !c.is_empty())
    {
        return code.to_owned();
    }
    let mut last: &(dyn std::error::Error + 'static) = e;
    while let Some(s) = last.source() {
        last = s;
    }
    last.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_is_a_bucket_address_or_a_folder() {
        let b = Place::from_arg("to", std::ffi::OsStr::new("s3://so-giao-nhan/ht/goi/")).expect("bucket");
        assert_eq!(
            b,
            Place::Bucket(Bucket {
                bucket: "so-giao-nhan".to_owned(),
                prefix: "ht/goi".to_owned()
            })
        );
        assert_eq!(b.shown(), "s3://so-giao-nhan/ht/goi");
        let root = Bucket::parse("to", "s3://hub").expect("root");
        assert_eq!(root.prefix, "");
        assert_eq!(root.url(), "s3://hub");
        assert_eq!(
            Place::from_arg("to", std::ffi::OsStr::new("/media/usb")).expect("folder"),
            Place::Folder(PathBuf::from("/media/usb"))
        );
        for bad in [
            "s3://",
            "s3://Hub/x",
            "s3://a/x",
            "s3://-hub/x",
            "s3://hub/a//b",
            "http://hub/x",
        ] {
            let e = Bucket::parse("to", bad).expect_err(bad);
            assert!(
                matches!(&e, Error::Invalid { field, .. } if field == "to"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn a_folder_lists_only_its_own_packets_and_reads_within_the_bound() {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::write(dir.path().join("ht-hk-000002.sgnpkt"), b"two").expect("write");
        std::fs::write(dir.path().join("ht-hk-000001.sgnpkt"), b"one").expect("write");
        std::fs::write(dir.path().join("notes.txt"), b"x").expect("write");
        std::fs::write(dir.path().join(".sgnpkt"), b"x").expect("write");
        std::fs::create_dir(dir.path().join("old.sgnpkt")).expect("dir");
        std::fs::create_dir(dir.path().join("sub")).expect("dir");
        std::fs::write(dir.path().join("sub").join("ht-at-000001.sgnpkt"), b"deep").expect("write");
        // Names an object store refuses, as sticks carry them (a Mac's
        // "Icon\r", a name with a control character, one not in UTF-8).
        std::fs::write(dir.path().join("Icon\r"), b"x").expect("write");
        std::fs::write(dir.path().join("a\u{1}b.sgnpkt"), b"x").expect("write");
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            std::fs::write(dir.path().join(std::ffi::OsStr::from_bytes(b"ho\xe0ng.sgnpkt")), b"x").expect("write");
        }
        let t = Transport::folder("out", dir.path()).expect("folder");
        let listed = t.list_packets().expect("list");
        let names: Vec<&str> = listed.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, ["ht-hk-000001.sgnpkt", "ht-hk-000002.sgnpkt"]);
        assert_eq!(listed[0].size, 3);
        assert_eq!(t.read(&listed[0], 3).expect("read"), Some(b"one".to_vec()));
        assert_eq!(t.read(&listed[0], 2).expect("read"), None, "past the bound");
        assert_eq!(
            t.shown(&listed[0].name),
            dir.path().join("ht-hk-000001.sgnpkt").display().to_string()
        );

        t.write("ht-at-000001.sgnpkt", b"new").expect("write");
        assert_eq!(
            std::fs::read(dir.path().join("ht-at-000001.sgnpkt")).expect("read"),
            b"new"
        );
        let left: Vec<String> = std::fs::read_dir(dir.path())
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains('#') || n.ends_with(".tmp"))
            .collect();
        assert!(left.is_empty(), "no temporary file left: {left:?}");
    }

    #[test]
    fn a_transport_works_and_drops_inside_another_runtime() {
        // As a window's command calls it: from a task of the app's runtime.
        let dir = tempfile::tempdir().expect("dir");
        std::fs::write(dir.path().join("ht-hk-000001.sgnpkt"), b"one").expect("write");
        let app = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        let names = app.block_on(async {
            let t = Transport::folder("dir", dir.path()).expect("folder");
            t.write("ht-at-000001.sgnpkt", b"two").expect("write");
            let listed = t.list_packets().expect("list");
            assert_eq!(t.read(&listed[0], 10).expect("read"), Some(b"two".to_vec()));
            listed.into_iter().map(|l| l.name).collect::<Vec<_>>()
        });
        assert_eq!(names, ["ht-at-000001.sgnpkt", "ht-hk-000001.sgnpkt"]);
    }

    #[test]
    fn a_missing_folder_or_a_file_is_refused_naming_it() {
        let dir = tempfile::tempdir().expect("dir");
        let missing = dir.path().join("khong-co");
        let e = Transport::folder("out", &missing).err().expect("missing");
        assert!(e.to_string().contains(&missing.display().to_string()), "{e}");
        let file = dir.path().join("tep.txt");
        std::fs::write(&file, b"x").expect("write");
        let e = Transport::folder("out", &file).err().expect("a file");
        assert!(matches!(&e, Error::Invalid { field, .. } if field == "out"), "{e}");
        assert!(e.to_string().contains("không phải thư mục"), "{e}");
    }

    #[test]
    fn an_unreachable_hub_is_named_with_the_reason() {
        // A port nothing listens on: bound, then closed.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("port")
            .port();
        let access = HubAccess {
            endpoint: Some(format!("http://127.0.0.1:{port}")),
            region: DEFAULT_REGION.to_owned(),
            access_key_id: "khoa".to_owned(),
            secret_access_key: "bi-mat".to_owned(),
        };
        let bucket = Bucket::parse("to", "s3://hub/ht").expect("bucket");
        let t = Transport::bucket(&bucket, &access).expect("transport");
        let e = t.list_packets().expect_err("nothing listens");
        let text = e.to_string();
        assert!(
            text.contains(&format!("không kết nối được kho S3 http://127.0.0.1:{port}"))
                && text.contains("s3://hub/ht"),
            "{text}"
        );
        assert!(!format!("{access:?}").contains("bi-mat"), "the secret is never printed");
    }
}
