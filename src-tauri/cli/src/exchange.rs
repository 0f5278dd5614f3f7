//! The exchange between offices on the command line: the subcommands of
//! `site`, `peer` and `sync`, which with `inbox` call the core and print
//! what it did; `sync receive` prints one line per packet file and fails
//! when any was refused.

use std::path::PathBuf;

use clap::Subcommand;
use giaonhan::exchange::{Outcome, PeerInfo};
use giaonhan::{Actor, Error, Store};

use crate::print::{print, saved};
use crate::values::Format;

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
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Applies every packet in DIR addressed to this office, in order.
    /// Exit status non-zero when any was refused.
    Receive { dir: PathBuf },
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
        SyncCmd::Send { out } => {
            let sent = store.sync_send(actor, &out)?;
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
        SyncCmd::Receive { dir } => {
            let received = store.sync_receive(actor, &dir)?;
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
    }
    Ok(())
}

pub fn inbox(store: &Store, format: Format) -> Result<(), Error> {
    print(format, &store.inbox()?)
}
