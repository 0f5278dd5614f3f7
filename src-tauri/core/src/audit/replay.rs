//! Replaying the audit log against the register: what the log says every
//! receipt, batch, account and inbox receipt should be now, compared with
//! what the tables hold, so that a direct `UPDATE` behind the app's back (a receipt marked
//! confirmed, a signer changed, an account made administrator) is named.
//!
//! What is replayed, and from which rows:
//! - a receipt's status, signer and copies received, from its last
//!   `receipt.confirm` / `receipt.undo` row; a receipt with no such row must be
//!   pending, unsigned and with nothing recorded as received. A batch of 5,000
//!   units logs one `batch.create` row, not 5,000: that row carries how many
//!   receipts the batch made (`recipients`) and, since this check exists, the
//!   SHA-256 of their list (`receipts_sha256`: uid, code, unit, must-confirm,
//!   copies of each, in creation order), so receipts added, removed or handed
//!   to another unit afterwards are found too;
//! - whether a batch is cancelled (`batch.cancel`);
//! - a batch's counts kept in its row (all receipts, "for information",
//!   must-confirm still open), against a recount of its receipts;
//! - an account's role and whether it is disabled, from `account.add` and any
//!   later `account.*` row whose detail carries `role` or `disabled`
//!   (`account.disable` / `account.enable` also count without it);
//! - an inbox receipt's status (what a parent office handed us), from the
//!   `inbox.batch` rows of the packets that brought it (each lists its
//!   receipts' states; the parent's state counts until a confirmation or an
//!   undo is made here) and the `inbox.confirm` / `inbox.undo` rows here.
//!   An inbox receipt no row names is reported, unless an `inbox.batch` row
//!   from before the states were listed could have brought it;
//! - an inbox recall (a parent office's recall of copies our units hold):
//!   its code, due day, copies and which are brought back, from the
//!   `inbox.recall` rows of the packets that brought it and the
//!   `inbox.return` rows of returns recorded here (`inbox.rs`);
//! - a numbered copy's state, from `copies.hand`, `batch.cancel`,
//!   `recall.return` and `copies.destroy` (`copies.rs`).
//!
//! A confirmation without `status` counts as confirmed: the first versions
//! recorded only full confirmations, and since the compact detail a full
//! confirmation leaves its status out. Rows written before a field was
//! logged replay what they allow: without `by` its signer, without
//! `received` its copies are not checked; a batch without `receipts_sha256`
//! is checked by its count only.
//!
//! Speed, for a province's ten years (4 million receipts, 12 million lines):
//! the log is read once (with the hash chain), then the receipts and the
//! received-copy lines are each read once in id order and merged; no query
//! per row. What a receipt's last event says is kept as a 64-bit digest keyed
//! by the receipt's uid (32 bytes per receipt, sorted once); the details are
//! read again only to word the first difference.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::ops::ControlFlow;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::Problem;
use crate::accounts::Role;
use crate::db::audit::{BatchCounts, ReceiptState};
use crate::db::Dao;
use crate::error::Result;
use crate::exchange::PACKET_METHOD;
use crate::model::ReceiptStatus;
use crate::print::display_code;

/// A batch's receipts as the replay reads them: their counts and the
/// digest of their list.
#[derive(Default)]
struct Tally {
    counts: BatchCounts,
    sha: Sha256,
}

/// Adds one receipt to the digest of a batch's receipts (`receipts_sha256`),
/// in creation (id) order; shared by the batch that writes it and the check.
pub(crate) fn receipt_digest_line(
    h: &mut Sha256,
    uid: &str,
    code: &str,
    unit_id: i64,
    must_confirm: bool,
    copies: i64,
) {
    h.update(format!("{uid}\t{code}\t{unit_id}\t{}\t{copies}\n", u8::from(must_confirm)).as_bytes());
}

/// The digest covers the signer (old rows may not name it).
const KNOW_SIGNER: u8 = 1;
/// The digest covers the copies received (old rows may not list them).
const KNOW_LINES: u8 = 2;

/// What one receipt event says the receipt is now.
#[derive(Clone, Copy)]
struct ReceiptEvent {
    key: [u8; 16],
    /// Its row in the log.
    row: i64,
    /// It came in a packet (the receipt's `set_by_packet`).
    by_packet: bool,
    flags: u8,
    digest: u64,
}

struct BatchLog {
    row: i64,
    code: String,
    recipients: Option<u64>,
    receipts_sha256: Option<String>,
    cancelled: bool,
}

struct AccountLog {
    row: i64,
    username: String,
    role: Option<String>,
    disabled: bool,
}

/// The state the log builds up, row by row.
#[derive(Default)]
pub(super) struct Replay {
    inbox: super::inbox::InboxReplay,
    copies: super::copies::CopyReplay,
    receipts: Vec<ReceiptEvent>,
    /// By batch uid.
    batches: HashMap<String, BatchLog>,
    /// By account uid.
    accounts: HashMap<String, AccountLog>,
    /// Username → account uid, for rows that name the account only.
    usernames: HashMap<String, String>,
}

/// A receipt as the log says it is: status, and the signer and the copies
/// received (document id, copies) when the row tells them.
struct Expect {
    status: String,
    signer: Option<Option<String>>,
    lines: Option<Vec<(i64, i64)>>,
}

#[derive(Deserialize)]
struct ConfirmDetail {
    status: Option<String>,
    by: Option<String>,
    /// (document id, copies listed, copies received) per line.
    received: Option<Vec<(i64, i64, i64)>>,
}

#[derive(Deserialize)]
struct BatchCreate {
    code: Option<String>,
    recipients: Option<u64>,
    receipts_sha256: Option<String>,
}

#[derive(Deserialize)]
struct AccountChange {
    username: Option<String>,
    role: Option<String>,
    disabled: Option<bool>,
}

impl Expect {
    fn pending() -> Expect {
        Expect {
            status: "pending".into(),
            signer: Some(None),
            lines: Some(Vec::new()),
        }
    }

    fn of(action: &str, detail: &str) -> serde_json::Result<Expect> {
        if action == "receipt.undo" {
            return Ok(Expect::pending());
        }
        let d: ConfirmDetail = serde_json::from_str(detail)?;
        Ok(Expect {
            status: d.status.unwrap_or_else(|| "confirmed".into()),
            signer: d.by.map(Some),
            lines: d.received.map(|lines| {
                let mut short: Vec<(i64, i64)> = lines
                    .into_iter()
                    .filter(|&(_, listed, got)| got != listed)
                    .map(|(doc, _, got)| (doc, got))
                    .collect();
                short.sort_unstable();
                short
            }),
        })
    }

    fn flags(&self) -> u8 {
        (if self.signer.is_some() { KNOW_SIGNER } else { 0 }) | (if self.lines.is_some() { KNOW_LINES } else { 0 })
    }

    fn digest(&self) -> u64 {
        digest(
            self.flags(),
            &self.status,
            self.signer.as_ref().and_then(|s| s.as_deref()),
            self.lines.as_deref().unwrap_or_default(),
        )
    }
}

/// The state a digest stands for; parts not in `flags` are left out.
fn digest(flags: u8, status: &str, signer: Option<&str>, lines: &[(i64, i64)]) -> u64 {
    let mut h = DefaultHasher::new();
    status.hash(&mut h);
    if flags & KNOW_SIGNER != 0 {
        signer.hash(&mut h);
    }
    if flags & KNOW_LINES != 0 {
        lines.hash(&mut h);
    }
    h.finish()
}

/// A receipt uid as 16 bytes (uids are UUIDs; anything else is hashed).
fn key(uid: &str) -> [u8; 16] {
    match uuid::Uuid::parse_str(uid) {
        Ok(u) => *u.as_bytes(),
        Err(_) => {
            let mut k = [0u8; 16];
            k.copy_from_slice(&Sha256::digest(uid.as_bytes())[..16]);
            k
        }
    }
}

impl Replay {
    /// Takes one row of the log (its hash already checked).
    pub(super) fn feed(
        &mut self,
        row: i64,
        method: &str,
        action: &str,
        entity: Option<&str>,
        detail: &str,
    ) -> std::result::Result<(), Problem> {
        let bad =
            |e: serde_json::Error| Problem::at(row, format!("không đọc được chi tiết của thao tác «{action}» ({e})"));
        self.copies.feed(row, action, entity, detail).map_err(bad)?;
        match (action, entity) {
            ("receipt.confirm" | "receipt.undo", Some(uid)) => {
                let e = Expect::of(action, detail).map_err(bad)?;
                self.receipts.push(ReceiptEvent {
                    key: key(uid),
                    row,
                    by_packet: method == PACKET_METHOD,
                    flags: e.flags(),
                    digest: e.digest(),
                });
            }
            ("batch.create", Some(uid)) => {
                let d: BatchCreate = serde_json::from_str(detail).map_err(bad)?;
                self.batches.insert(
                    uid.to_owned(),
                    BatchLog {
                        row,
                        code: d.code.unwrap_or_default(),
                        recipients: d.recipients,
                        receipts_sha256: d.receipts_sha256,
                        cancelled: false,
                    },
                );
            }
            (a, _) if a.starts_with("inbox.") => self.inbox.feed(row, action, entity, detail).map_err(bad)?,
            ("batch.cancel", Some(uid)) => {
                if let Some(b) = self.batches.get_mut(uid) {
                    b.cancelled = true;
                }
            }
            (a, _) if a.starts_with("account.") => {
                let d: AccountChange = serde_json::from_str(detail).map_err(bad)?;
                if a == "account.add" {
                    if let (Some(uid), Some(username)) = (entity, d.username) {
                        self.usernames.insert(username.clone(), uid.to_owned());
                        self.accounts.insert(
                            uid.to_owned(),
                            AccountLog {
                                row,
                                username,
                                role: d.role,
                                disabled: d.disabled.unwrap_or(false),
                            },
                        );
                    }
                    return Ok(());
                }
                let disabled = d.disabled.or(match a {
                    "account.disable" => Some(true),
                    "account.enable" => Some(false),
                    _ => None,
                });
                let uid = entity
                    .map(str::to_owned)
                    .or_else(|| d.username.as_ref().and_then(|u| self.usernames.get(u).cloned()));
                if let Some(acc) = uid.and_then(|u| self.accounts.get_mut(&u)) {
                    if let Some(role) = d.role {
                        acc.role = Some(role);
                        acc.row = row;
                    }
                    if let Some(disabled) = disabled {
                        acc.disabled = disabled;
                        acc.row = row;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Compares the register with the replayed log; the first difference.
    pub(super) fn check(mut self, dao: &Dao<'_>) -> Result<Option<Problem>> {
        let mut tallies: HashMap<i64, Tally> = HashMap::new();
        if let Some(p) = self.check_receipts(dao, &mut tallies)? {
            return Ok(Some(p));
        }
        if let Some(p) = self.check_batches(dao, tallies)? {
            return Ok(Some(p));
        }
        if let Some(p) = self.check_accounts(dao)? {
            return Ok(Some(p));
        }
        if let Some(p) = std::mem::take(&mut self.copies).check(dao)? {
            return Ok(Some(p));
        }
        std::mem::take(&mut self.inbox).check(dao)
    }

    fn check_receipts(&mut self, dao: &Dao<'_>, tallies: &mut HashMap<i64, Tally>) -> Result<Option<Problem>> {
        // The last event of each receipt: sorted by uid, newest first, then
        // one per uid.
        let mut events = std::mem::take(&mut self.receipts);
        events.sort_unstable_by(|a, b| a.key.cmp(&b.key).then(b.row.cmp(&a.row)));
        events.dedup_by_key(|e| e.key);
        let mut matched = vec![false; events.len()];

        let problem = dao.each_receipt_state(|r: &ReceiptState<'_>| {
            let tally = tallies.entry(r.batch_id).or_default();
            tally.counts.total += 1;
            tally.counts.info += i64::from(!r.must_confirm);
            tally.counts.open += i64::from(r.must_confirm && r.status != ReceiptStatus::Confirmed.as_str());
            receipt_digest_line(&mut tally.sha, &r.uid, &r.code, r.unit_id, r.must_confirm, r.copies);

            let k = key(&r.uid);
            let last = events.binary_search_by(|e| e.key.cmp(&k)).ok().map(|i| {
                matched[i] = true;
                events[i]
            });
            let (flags, expected) = match last {
                Some(e) => (e.flags, e.digest),
                None => {
                    let p = Expect::pending();
                    (p.flags(), p.digest())
                }
            };
            if digest(flags, &r.status, r.signer.as_deref(), r.received) != expected
                || r.set_by_packet != last.is_some_and(|e| e.by_packet)
            {
                return describe_receipt(dao, r, last).map(ControlFlow::Break);
            }
            Ok(ControlFlow::Continue(()))
        })?;
        if problem.is_some() {
            return Ok(problem);
        }
        if let Some(i) = matched.iter().position(|m| !m) {
            let uid = uuid::Uuid::from_bytes(events[i].key).to_string();
            let row = events[i].row;
            return Ok(Some(Problem {
                row: Some(row),
                message: format!(
                    "nhật ký ghi việc xác nhận phiếu nhận {uid} (dòng {row}), nhưng phiếu đó không còn trong sổ"
                ),
            }));
        }
        Ok(None)
    }

    fn check_batches(&mut self, dao: &Dao<'_>, mut tallies: HashMap<i64, Tally>) -> Result<Option<Problem>> {
        for batch in dao.batch_states()? {
            let (id, uid, code, cancelled) = (batch.id, batch.uid, batch.code, batch.cancelled);
            let Some(log) = self.batches.remove(&uid) else {
                return Ok(Some(Problem::state(format!(
                    "đợt «{code}» có trong sổ nhưng nhật ký không ghi việc tạo đợt này"
                ))));
            };
            let Tally { counts: recount, sha } = tallies.remove(&id).unwrap_or_default();
            let count = u64::try_from(recount.total).unwrap_or(0);
            let at = |what: String| Problem {
                row: Some(log.row),
                message: format!("đợt «{code}»: {what} (dòng {})", log.row),
            };
            if let Some(n) = log.recipients.filter(|n| *n != count) {
                return Ok(Some(at(format!(
                    "sổ có {count} phiếu nhận, nhật ký ghi {n} phiếu khi tạo đợt"
                ))));
            }
            if let Some(d) = &log.receipts_sha256 {
                if *d != hex::encode(sha.finalize()) {
                    return Ok(Some(at(
                        "danh sách phiếu nhận (mã nhận, đơn vị nhận, số bản) khác với lúc tạo đợt".to_owned(),
                    )));
                }
            }
            if batch.counts != recount {
                let c = batch.counts;
                return Ok(Some(Problem::state(format!(
                    "đợt «{code}»: số phiếu ghi trong dòng của đợt ({} phiếu, {} để biết, {} chưa xác nhận) \
                     khác với số đếm lại từ các phiếu ({} phiếu, {} để biết, {} chưa xác nhận)",
                    c.total, c.info, c.open, recount.total, recount.info, recount.open
                ))));
            }
            if log.cancelled != cancelled {
                let state = |c: bool| if c { "đã huỷ" } else { "chưa huỷ" };
                return Ok(Some(at(format!(
                    "trong sổ đợt {}, nhật ký ghi đợt {}",
                    state(cancelled),
                    state(log.cancelled)
                ))));
            }
        }
        if let Some(log) = self.batches.values().min_by_key(|b| b.row) {
            return Ok(Some(Problem::at(
                log.row,
                format!(
                    "nhật ký ghi việc tạo đợt «{}», nhưng đợt đó không còn trong sổ",
                    log.code
                ),
            )));
        }
        Ok(None)
    }

    fn check_accounts(&mut self, dao: &Dao<'_>) -> Result<Option<Problem>> {
        let role_label = |r: &str| Role::parse(r).map_or_else(|| r.to_owned(), |r| r.label().to_owned());
        let state = |disabled: bool| {
            if disabled {
                "đã bị vô hiệu hoá"
            } else {
                "đang dùng được"
            }
        };
        for account in dao.account_states()? {
            let (uid, username, role, disabled) = (account.uid, account.username, account.role, account.disabled);
            let Some(log) = self.accounts.remove(&uid) else {
                return Ok(Some(Problem::state(format!(
                    "tài khoản «{username}» có trong sổ nhưng nhật ký không ghi việc tạo tài khoản này"
                ))));
            };
            let at = |what: String| Problem {
                row: Some(log.row),
                message: format!("tài khoản «{username}»: {what} (dòng {})", log.row),
            };
            if let Some(logged) = log.role.as_deref().filter(|l| *l != role) {
                return Ok(Some(at(format!(
                    "vai trò trong sổ là «{}», nhật ký ghi «{}»",
                    role_label(&role),
                    role_label(logged)
                ))));
            }
            if log.disabled != disabled {
                return Ok(Some(at(format!(
                    "trong sổ tài khoản {}, nhật ký ghi tài khoản {}",
                    state(disabled),
                    state(log.disabled)
                ))));
            }
        }
        if let Some(log) = self.accounts.values().min_by_key(|a| a.row) {
            return Ok(Some(Problem::at(
                log.row,
                format!(
                    "nhật ký ghi việc tạo tài khoản «{}», nhưng tài khoản đó không còn trong sổ",
                    log.username
                ),
            )));
        }
        Ok(None)
    }
}

/// Words the difference between a receipt and its last event (`last`, none
/// when the log has no event of it): reads the event's row again (the only
/// per-receipt query, once, on the way out).
fn describe_receipt(dao: &Dao<'_>, found: &ReceiptState<'_>, last: Option<ReceiptEvent>) -> Result<Problem> {
    let (batch, unit) = dao.codes_of_batch_and_unit(found.batch_id, found.unit_id)?;
    let (row, expect) = match last {
        Some(e) => {
            let (action, detail) = dao.log_action_at(e.row)?;
            (Some(e.row), Expect::of(&action, &detail)?)
        }
        None => (None, Expect::pending()),
    };
    let place = format!(
        "phiếu nhận {} (đợt «{batch}», đơn vị {unit})",
        display_code(&found.code)
    );
    let logged = |what: String| match row {
        Some(r) => format!("nhật ký ghi {what} (dòng {r})"),
        None => format!("nhật ký chưa ghi lần xác nhận nào, tức là {what}"),
    };
    let status_label = |s: &str| ReceiptStatus::parse(s).map_or_else(|| s.to_owned(), |s| s.label().to_owned());
    let message = if expect.status != found.status {
        format!(
            "{place}: trạng thái trong sổ là «{}», {}",
            status_label(&found.status),
            logged(format!("«{}»", status_label(&expect.status)))
        )
    } else if let Some(signer) = expect
        .signer
        .as_ref()
        .filter(|s| s.as_deref() != found.signer.as_deref())
    {
        let name = |s: Option<&str>| s.map_or_else(|| "không có ai".to_owned(), |s| format!("«{s}»"));
        format!(
            "{place}: người ký nhận trong sổ là {}, {}",
            name(found.signer.as_deref()),
            logged(name(signer.as_deref()))
        )
    } else if expect.lines.as_deref().is_none_or(|lines| lines == found.received) {
        // Status, signer and lines agree: the packet flag is what differs.
        let came = |packet: bool| {
            if packet {
                "«nhận qua gói của văn phòng cấp dưới»"
            } else {
                "«ghi tại văn phòng này»"
            }
        };
        format!(
            "{place}: lần xác nhận cuối trong sổ là {}, {}",
            came(found.set_by_packet),
            logged(came(last.is_some_and(|e| e.by_packet)).to_owned())
        )
    } else {
        let lines = |lines: &[(i64, i64)]| -> Result<String> {
            if lines.is_empty() {
                return Ok("nhận đủ số bản".to_owned());
            }
            let mut parts = Vec::with_capacity(lines.len());
            for &(doc, got) in lines {
                let symbol = dao.symbol_of_document(doc)?;
                parts.push(format!("{}: nhận {got} bản", symbol.unwrap_or_else(|| doc.to_string())));
            }
            Ok(parts.join("; "))
        };
        format!(
            "{place}: số bản đã nhận trong sổ là «{}», {}",
            lines(found.received)?,
            logged(format!("«{}»", lines(expect.lines.as_deref().unwrap_or_default())?))
        )
    };
    Ok(Problem { row, message })
}
