//! The backup commands: a backup to a file, the automatic backup when due,
//! how automatic backups are kept, their listing, a restore, and what the
//! command line offers when the register cannot be opened. The copying,
//! checking, pruning and restoring are the core's (`giaonhan::backup`).

use std::path::{Path, PathBuf};

use giaonhan::backup::{BackupCheck, BackupReason};
use giaonhan::{Actor, Error, Store};

use crate::print::{local_time, print};
use crate::values::Format;

/// The settings `giaonhan backup` may change; `None` keeps the stored value.
pub struct Keep {
    pub keep: Option<u32>,
    pub keep_migrate: Option<u32>,
    pub interval_hours: Option<u32>,
}

impl Keep {
    fn given(&self) -> bool {
        self.keep.is_some() || self.keep_migrate.is_some() || self.interval_hours.is_some()
    }
}

/// `giaonhan backup`: the settings first, then a backup to `out`, then the
/// automatic backup when `auto` (and due).
pub fn backup(store: &mut Store, actor: &Actor, out: Option<PathBuf>, auto: bool, keep: Keep) -> Result<(), Error> {
    if out.is_none() && !auto && !keep.given() {
        return Err(Error::invalid(
            "backup",
            "cần --out TỆP, --auto, --list, --keep N, --keep-migrate N hoặc --interval-hours N",
        ));
    }
    if keep.given() {
        let mut settings = store.backup_settings()?;
        settings.keep = keep.keep.unwrap_or(settings.keep);
        settings.keep_migrate = keep.keep_migrate.unwrap_or(settings.keep_migrate);
        settings.interval_hours = keep.interval_hours.unwrap_or(settings.interval_hours);
        store.set_backup_settings(actor, &settings)?;
        println!(
            "Giữ lại {} bản sao lưu tự động và {} bản trước khi nâng cấp gần nhất; sao lưu tự động cách nhau {} giờ.",
            settings.keep, settings.keep_migrate, settings.interval_hours
        );
    }
    if let Some(out) = out {
        store.backup_to(&out)?;
        // Logged after the copy: a failure to log does not undo it.
        if let Err(e) = store.log_backup(actor, "manual", &out) {
            eprintln!("giaonhan: cảnh báo: đã sao lưu nhưng không ghi được nhật ký: {e}");
        }
        println!("{}", out.display());
    }
    if auto {
        automatic_backup(store, actor)?;
    }
    Ok(())
}

/// `giaonhan backup --auto`: the app's automatic backup, when due.
fn automatic_backup(store: &mut Store, actor: &Actor) -> Result<(), Error> {
    let stop = std::sync::atomic::AtomicBool::new(false);
    let outcome = giaonhan::backup::automatic(store.path(), BackupReason::Start, &stop);
    match &outcome.made {
        Some(made) => {
            if let Err(e) = store.log_backup(actor, made.reason.as_str(), Path::new(&made.path)) {
                eprintln!("giaonhan: cảnh báo: đã sao lưu nhưng không ghi được nhật ký: {e}");
            }
            println!("{}\t{}", check_label(made.check), made.path);
        }
        None if outcome.alert.is_none() => println!("Chưa đến lúc sao lưu tự động: đã có bản sao lưu tốt gần đây."),
        None => {}
    }
    if let Some(problem) = &outcome.register_damaged {
        eprintln!("giaonhan: {problem}");
    }
    match outcome.alert {
        Some(alert) => Err(Error::Io(std::io::Error::other(alert.message))),
        None => Ok(()),
    }
}

/// How a backup's check reads in the listing.
fn check_label(check: BackupCheck) -> &'static str {
    match check {
        BackupCheck::Good => "tốt",
        BackupCheck::Damaged => "HỎNG",
        BackupCheck::Unchecked => "chưa kiểm tra",
    }
}

/// `giaonhan backups`: one line per backup, or JSON / CSV. Needs no open
/// store: it also works when the register is damaged, refused or missing.
pub fn list(db: &Path, format: Option<Format>) -> Result<(), Error> {
    let backups = giaonhan::backup::list(db)?;
    if let Some(format) = format {
        return print(format, &backups);
    }
    if backups.is_empty() {
        println!(
            "Chưa có bản sao lưu tự động nào trong {}.",
            giaonhan::backup::backup_dir(db).display()
        );
    }
    for b in &backups {
        println!(
            "{}\t{}\t{}\t{}\t{}",
            local_time(&b.taken_at),
            b.reason.as_str(),
            check_label(b.check),
            b.size,
            b.path
        );
    }
    Ok(())
}

/// `giaonhan restore FILE`: works on a database that no longer opens, or is
/// missing; refused while another process has it open.
pub fn restore(db: &Path, file: &Path) -> Result<(), Error> {
    let (done, _store) = giaonhan::backup::restore_and_log(db, file, &Actor::cli())?;
    println!("Đã khôi phục {} từ {}.", done.db_path, done.restored_from);
    match done.replaced {
        Some(old) => println!("Tệp dữ liệu trước khi khôi phục được giữ tại {old}"),
        None => println!("Trước đó chưa có tệp dữ liệu."),
    }
    if let Some(head) = done.replaced_head {
        println!(
            "Nhật ký của dữ liệu bị thay dừng ở dòng {} (mã {}).",
            head.id, head.hash
        );
    }
    Ok(())
}

/// After the database was refused: the latest automatic backup and the
/// command that restores it.
pub fn offer_restore(db: &Path) {
    match giaonhan::backup::latest_good(db) {
        Ok(Some(b)) => eprintln!(
            "giaonhan: bản sao lưu tự động tốt mới nhất: {} ({}). Để khôi phục (tệp hiện tại được chuyển sang \
             thư mục {}, không bị xoá): giaonhan --db \"{}\" restore \"{}\"",
            b.path,
            local_time(&b.taken_at),
            giaonhan::backup::REPLACED_DIR,
            db.display(),
            b.path
        ),
        Ok(None) => eprintln!(
            "giaonhan: không có bản sao lưu tự động tốt nào trong {}.",
            giaonhan::backup::backup_dir(db).display()
        ),
        Err(e) => eprintln!("giaonhan: {e}"),
    }
}
