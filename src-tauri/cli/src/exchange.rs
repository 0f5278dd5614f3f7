//! The exchange between offices on the command line: the subcommands of
//! `site`, `peer` and `sync`, which with `inbox` call the core and print
//! what it did; `sync receive` prints one line per packet file and fails
//! when any was refused. Packets go to and come from a folder or an
//! S3-compatible bucket (`s3://BUCKET/PREFIX`, the hub set with `sync hub`).

use std::ffi::OsString;
use std::path::PathBuf;

use clap::Subcommand;
use giaonhan::exchange::{HubChange, HubInfo, Outcome, PeerInfo, Place};
use giaonhan::{Actor, Error, Store};

use crate::print::{print, saved};
use crate::secrets::read_secret_line;
use crate::values::{Format, VerifyFormat};

#[derive(Subcommand)]
pub enum SiteCmd {
    /// Makes the identity, once: an id and a key pair for our unit.
    Init {
        #[arg(long, value_name = "CODE")]
        unit: String,
        /// The office's name on its card (default: the unit's name).
        #[arg(long)]
        name: Option<String>,
    },
    /// Shows the identity (id, unit, name, public key, fingerprint).
    Show {
        #[arg(long, value_enum)]
        format: Option<Format>,
    },
    /// Writes the identity card a peer imports (never the secret key).
    Export {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Makes a new key pair for this office. Each trusted office gets the
    /// new key in the next packet, signed with the old key; later packets
    /// are signed with the new one. Print the new card afterwards.
    NewKey,
    /// Prints the identity card as an A4 PDF (fingerprint, QR code of the
    /// card file, lines to sign and stamp), to carry with the first stick.
    Card {
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum PeerCmd {
    /// Trusts an office from its card when the fingerprint typed from the
    /// paper card matches (spaces ignored); otherwise stores nothing.
    Add {
        file: PathBuf,
        #[arg(long, value_name = "DIGITS")]
        fingerprint: String,
    },
    /// The trusted offices, their packets in and out, and any gap.
    List {
        #[arg(long, value_enum)]
        format: Option<Format>,
    },
    /// Stops trusting an office (its records stay).
    Remove {
        #[arg(long, value_name = "CODE")]
        unit: String,
    },
}

#[derive(Subcommand)]
pub enum SyncCmd {
    /// Writes one packet per office with what it has not had, and again
    /// those it has not acknowledged.
    Send {
        /// A folder: a USB stick, a shared folder.
        #[arg(long, value_name = "DIR", required_unless_present = "to", conflicts_with = "to")]
        out: Option<PathBuf>,
        /// An S3-compatible bucket, s3://BUCKET/PREFIX (endpoint and keys
        /// from `sync hub` and the AWS_* environment variables), or a folder.
        #[arg(long, value_name = "s3://BUCKET/PREFIX")]
        to: Option<OsString>,
    },
    /// Applies every packet in a folder, or in a bucket (s3://BUCKET/PREFIX),
    /// addressed to this office, in order. Exit status non-zero when any
    /// was refused.
    Receive {
        #[arg(value_name = "DIR|s3://BUCKET/PREFIX")]
        from: OsString,
    },
    /// Shows the exchange hub (an S3-compatible bucket), or changes what is
    /// given. AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID and
    /// AWS_SECRET_ACCESS_KEY in the environment override these settings.
    Hub {
        /// The hub's bucket and prefix, s3://BUCKET/PREFIX ("" removes it).
        #[arg(long, value_name = "s3://BUCKET/PREFIX")]
        url: Option<String>,
        /// The S3 server, e.g. http://10.0.0.5:8333 ("" for Amazon S3).
        #[arg(long, value_name = "URL")]
        endpoint: Option<String>,
        /// The region ("" for us-east-1).
        #[arg(long)]
        region: Option<String>,
        #[arg(long, value_name = "ID")]
        access_key_id: Option<String>,
        /// Reads the secret key from standard input and stores it in the
        /// register (the environment is the better place for it).
        #[arg(long, conflicts_with = "forget_secret")]
        secret_stdin: bool,
        /// Removes the secret key stored in the register.
        #[arg(long)]
        forget_secret: bool,
        /// text (default) or json: {"settings": {"url", "endpoint",
        /// "region", "access_key_id"}, "secret_stored", "from_env"}.
        #[arg(long, value_enum, default_value = "text")]
        format: VerifyFormat,
    },
}

pub fn site(store: &mut Store, actor: &Actor, cmd: SiteCmd) -> Result<(), Error> {
    match cmd {
        SiteCmd::Init { unit, name } => {
            let s = store.site_init(actor, &unit, name.as_deref())?;
            println!("Đã tạo danh tính cho {} ({})", s.unit, s.name);
            println!("Dấu vân tay: {}", s.fingerprint);
        }
        SiteCmd::Show { format: Some(format) } => print(format, &[store.site()?])?,
        SiteCmd::Show { format: None } => {
            let s = store.site()?;
            println!("Đơn vị: {} ({})", s.unit, s.name);
            println!("Mã cài đặt: {}", s.id);
            println!("Dấu vân tay: {}", s.fingerprint);
        }
        SiteCmd::NewKey => {
            let k = store.site_new_key(actor)?;
            println!("Đã tạo khoá mới cho văn phòng {} ({})", k.site.unit, k.site.name);
            println!("Dấu vân tay mới: {}", k.site.fingerprint);
            println!("Dấu vân tay cũ: {}", k.old_fingerprint);
            for p in &k.packets {
                println!(
                    "Gói số {} cho {} báo khoá mới (ký bằng khoá cũ); lần sync send tới sẽ ghi gói này",
                    p.seq, p.to
                );
            }
            println!("Hãy in lại thẻ định danh (giaonhan site card) để các văn phòng đối chiếu dấu vân tay mới");
        }
        SiteCmd::Export { out } => {
            store.save_site_card(actor, &out)?;
            saved(&out);
        }
        SiteCmd::Card { out } => {
            store.save_site_card_pdf(actor, &out)?;
            saved(&out);
        }
    }
    Ok(())
}

pub fn peer(store: &mut Store, actor: &Actor, cmd: PeerCmd) -> Result<(), Error> {
    match cmd {
        PeerCmd::Add { file, fingerprint } => {
            let p = store.add_peer(actor, &file, &fingerprint)?;
            let relation = if p.relation == "parent" {
                "cấp trên"
            } else {
                "trực thuộc"
            };
            println!("Đã tin cậy văn phòng {} ({}, {relation})", p.unit, p.name);
        }
        PeerCmd::List { format: Some(format) } => print(format, &store.peers()?)?,
        PeerCmd::List { format: None } => {
            for p in store.peers()? {
                println!("{}", peer_line(&p));
            }
        }
        PeerCmd::Remove { unit } => {
            store.remove_peer(actor, &unit)?;
            println!("Đã gỡ văn phòng {unit} khỏi danh sách tin cậy");
        }
    }
    Ok(())
}

fn peer_line(p: &PeerInfo) -> String {
    let relation = if p.relation == "parent" {
        "cấp trên"
    } else {
        "trực thuộc"
    };
    let gap = p.gap.as_deref().map(|g| format!("; {g}")).unwrap_or_default();
    format!(
        "{} ({}, {relation}): đã nhận đến gói số {}, đã gửi đến gói số {} (văn phòng đó đã nhận đến gói số {}){gap}; vân tay {}",
        p.unit, p.name, p.last_in, p.last_out, p.acked, p.fingerprint
    )
}

pub fn sync(store: &mut Store, actor: &Actor, cmd: SyncCmd) -> Result<(), Error> {
    match cmd {
        SyncCmd::Send { out, to } => {
            let place = match (out, to) {
                (Some(dir), _) => Place::Folder(dir),
                (None, Some(to)) => Place::from_arg("to", &to)?,
                (None, None) => return Err(Error::invalid("out", "cần --out THƯ-MỤC hoặc --to s3://BUCKET/THƯ-MỤC")),
            };
            let sent = store.sync_send(actor, &place)?;
            if sent.is_empty() {
                println!("Không có gì mới để gửi");
            }
            for s in sent {
                let again = if s.again {
                    " (gửi lại: chưa được xác nhận đã nhận)"
                } else {
                    ""
                };
                if s.events == 0 {
                    println!(
                        "{}: gói số {} cho {}, chỉ báo đã nhận (không có sự kiện){again}",
                        s.file, s.seq, s.to
                    );
                } else {
                    println!("{}: gói số {} cho {}, {} sự kiện{again}", s.file, s.seq, s.to, s.events);
                }
            }
        }
        SyncCmd::Receive { from } => {
            let received = store.sync_receive(actor, &Place::from_arg("dir", &from)?)?;
            let mut refused = 0;
            for r in &received {
                match &r.outcome {
                    Outcome::Applied { from, seq, events } => {
                        println!("{}: đã áp dụng gói số {seq} từ {from} ({events} sự kiện)", r.file)
                    }
                    Outcome::AlreadyApplied { from, seq } => {
                        println!("{}: gói số {seq} từ {from} đã áp dụng trước đây, bỏ qua", r.file)
                    }
                    Outcome::Waiting { seq, gap, .. } => {
                        println!("{}: gói số {seq} chờ gói trước ({gap})", r.file)
                    }
                    Outcome::Elsewhere => println!("{}: gửi cho văn phòng khác, để nguyên", r.file),
                    Outcome::Refused { reason } => {
                        refused += 1;
                        eprintln!("giaonhan: {}: từ chối: {reason}; không áp dụng gì từ tệp này", r.file);
                    }
                }
            }
            if refused > 0 {
                return Err(Error::invalid("packet", format!("{refused} gói bị từ chối")));
            }
        }
        SyncCmd::Hub {
            url,
            endpoint,
            region,
            access_key_id,
            secret_stdin,
            forget_secret,
            format,
        } => {
            let changing = url.is_some()
                || endpoint.is_some()
                || region.is_some()
                || access_key_id.is_some()
                || secret_stdin
                || forget_secret;
            let info = if changing {
                let mut settings = store.hub_info()?.settings;
                let keep = |given: Option<String>, old: &mut String| {
                    if let Some(v) = given {
                        *old = v;
                    }
                };
                keep(url, &mut settings.url);
                keep(endpoint, &mut settings.endpoint);
                keep(region, &mut settings.region);
                keep(access_key_id, &mut settings.access_key_id);
                let secret_access_key = if secret_stdin {
                    Some(read_secret_line("secret_access_key")?)
                } else {
                    forget_secret.then(String::new)
                };
                store.set_hub(
                    actor,
                    &HubChange {
                        settings,
                        secret_access_key,
                    },
                )?
            } else {
                store.hub_info()?
            };
            match format {
                VerifyFormat::Json => println!("{}", serde_json::to_string_pretty(&info)?),
                VerifyFormat::Text => print_hub(&info),
            }
        }
    }
    Ok(())
}

fn print_hub(info: &HubInfo) {
    let s = &info.settings;
    let or = |v: &str, none: &str| if v.is_empty() { none.to_owned() } else { v.to_owned() };
    println!("Kho trao đổi: {}", or(&s.url, "chưa khai báo"));
    println!("Máy chủ S3: {}", or(&s.endpoint, "Amazon S3"));
    println!("Vùng: {}", or(&s.region, "us-east-1 (mặc định)"));
    println!("Mã khoá truy cập: {}", or(&s.access_key_id, "chưa khai báo"));
    let secret = if info.secret_stored {
        "đã lưu trong sổ"
    } else {
        "không lưu trong sổ"
    };
    println!("Khoá bí mật: {secret}");
    if !info.from_env.is_empty() {
        println!("Dùng thay từ biến môi trường: {}", info.from_env.join(", "));
    }
}

pub fn inbox(store: &Store, format: Format) -> Result<(), Error> {
    print(format, &store.inbox()?)
}
