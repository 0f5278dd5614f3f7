//! The packet file: one file any transport can carry, signed as a whole.
//!
//! ```text
//! b"SGNPKT01" | u32 LE header length | header JSON | u32 LE body length |
//! body JSON | 64-byte Ed25519 signature over every byte before it
//! ```
//!
//! The header is the manifest (origin, recipient, sequence number of the
//! origin→recipient pair, hash of the previous packet to that recipient,
//! versions, the highest packet from the recipient applied at the origin,
//! the public key that signed it); the body is the array of events. Reading
//! checks in a fixed order, so a packet addressed elsewhere is left alone
//! before anything else is asked of it, and nothing is believed before the
//! signature holds. A packet signed with a key other than the one trusted
//! for its origin is checked against the key it names (so damage is still
//! caught at once), but only the receiver decides whether that key is
//! trusted: after the origin's key change has been applied, or never.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The first bytes of every packet.
pub const MAGIC: &[u8; 8] = b"SGNPKT01";
/// The packet format this build writes and reads.
pub const FORMAT: u32 = 1;
/// The highest version of the events this build understands (2: the `key`
/// and `reorganisation` events; 3: `campaign`, `study_report`, `recall`, `copy_return`); a packet
/// declares the lowest one its events need.
pub const EVENTS_VERSION: u32 = 3;
/// The file name's extension.
pub const EXTENSION: &str = "sgnpkt";
/// Largest packet read (a month of a commune is far less).
pub const MAX_PACKET_BYTES: u64 = 256 * 1024 * 1024;
/// The `prev` of a first packet.
pub const NO_PREVIOUS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const SIGNATURE_LEN: usize = 64;

/// The sender of a packet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    pub id: String,
    pub unit: String,
}

/// The manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub format: u32,
    pub events_version: u32,
    pub origin: Origin,
    pub recipient: String,
    pub seq: i64,
    /// Hex SHA-256 of the previous packet file to this recipient.
    pub prev: String,
    /// When it was written (information only: order comes from `seq`).
    pub written_at: String,
    /// The highest packet from the recipient applied at the origin.
    pub acked: i64,
    /// How many events the body holds.
    pub events: u64,
    /// The public key that signed the packet (base64url); absent in packets
    /// of the first version, which are signed with the key trusted then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// Why the bytes of a file are not a packet that can be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not a packet, truncated, or its parts do not parse.
    Damaged(String),
    /// The signature does not hold: edited or signed by another key.
    BadSignature,
    /// Written by a newer version of the app.
    Newer { format: u32, events_version: u32 },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Damaged(why) => write!(f, "tệp hỏng hoặc không phải gói trao đổi ({why})"),
            Refusal::BadSignature => {
                write!(f, "chữ ký không khớp: gói đã bị sửa hoặc không do văn phòng gửi ký")
            }
            Refusal::Newer { format, events_version } => write!(
                f,
                "gói do phiên bản mới hơn của ứng dụng tạo ra (định dạng {format}, sự kiện phiên bản \
                 {events_version}); hãy cập nhật ứng dụng"
            ),
        }
    }
}

/// A packet split into its parts, signature not yet checked.
#[derive(Debug)]
pub struct Opened<'a> {
    pub header: Header,
    /// The bytes the signature covers.
    signed: &'a [u8],
    body: &'a [u8],
    signature: [u8; SIGNATURE_LEN],
}

/// SHA-256 of a whole packet file, hex: what the next packet's `prev` names.
pub fn hash(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Writes a packet: the header (with `events` set to the body's count and
/// `key` to the signer's public key), the body, the signature.
pub fn write(key: &SigningKey, header: &Header, events: &[serde_json::Value]) -> serde_json::Result<Vec<u8>> {
    let header = Header {
        events: events.len() as u64,
        key: Some(crate::exchange::identity::key_text(&key.verifying_key().to_bytes())),
        ..header.clone()
    };
    let head = serde_json::to_vec(&header)?;
    let body = serde_json::to_vec(events)?;
    let mut out = Vec::with_capacity(MAGIC.len() + 8 + head.len() + body.len() + SIGNATURE_LEN);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&u32_len(head.len()).to_le_bytes());
    out.extend_from_slice(&head);
    out.extend_from_slice(&u32_len(body.len()).to_le_bytes());
    out.extend_from_slice(&body);
    let signature = key.sign(&out);
    out.extend_from_slice(&signature.to_bytes());
    Ok(out)
}

fn u32_len(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Splits a file into its parts, checking the magic and every length
/// against the bytes there are; parses the header only.
pub fn open(bytes: &[u8]) -> Result<Opened<'_>, Refusal> {
    let damaged = |why: &str| Refusal::Damaged(why.to_owned());
    let rest = bytes
        .strip_prefix(MAGIC.as_slice())
        .ok_or_else(|| damaged("thiếu dấu hiệu đầu gói"))?;
    let (head, rest) = take_part(rest).ok_or_else(|| damaged("phần đầu bị cắt"))?;
    let (body, rest) = take_part(rest).ok_or_else(|| damaged("phần nội dung bị cắt"))?;
    let signature: [u8; SIGNATURE_LEN] = rest.try_into().map_err(|_| {
        if rest.len() < SIGNATURE_LEN {
            damaged("chữ ký bị cắt")
        } else {
            damaged("có dữ liệu thừa sau chữ ký")
        }
    })?;
    let header: Header =
        serde_json::from_slice(head).map_err(|e| Refusal::Damaged(format!("phần đầu không đọc được: {e}")))?;
    Ok(Opened {
        header,
        signed: &bytes[..bytes.len() - SIGNATURE_LEN],
        body,
        signature,
    })
}

/// A u32 LE length and that many bytes, or None when there are fewer.
fn take_part(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let len = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
    let rest = &bytes[4..];
    (rest.len() >= len).then(|| rest.split_at(len))
}

impl Opened<'_> {
    /// The key the packet says signed it, or `trusted` when it names none.
    pub fn signer(&self, trusted: &[u8; 32]) -> Result<[u8; 32], Refusal> {
        match &self.header.key {
            None => Ok(*trusted),
            Some(text) => crate::exchange::identity::decode_key(text)
                .ok_or_else(|| Refusal::Damaged("khoá ký ghi trong phần đầu hỏng".to_owned())),
        }
    }

    /// Checks the signature with the origin's key (strict verification),
    /// then the versions; returns the events.
    pub fn verify(&self, key: &[u8; 32]) -> Result<Vec<serde_json::Value>, Refusal> {
        let key = VerifyingKey::from_bytes(key).map_err(|_| Refusal::BadSignature)?;
        let signature = Signature::from_bytes(&self.signature);
        key.verify_strict(self.signed, &signature)
            .map_err(|_| Refusal::BadSignature)?;
        if self.header.format > FORMAT || self.header.events_version > EVENTS_VERSION {
            return Err(Refusal::Newer {
                format: self.header.format,
                events_version: self.header.events_version,
            });
        }
        let events: Vec<serde_json::Value> = serde_json::from_slice(self.body)
            .map_err(|e| Refusal::Damaged(format!("phần nội dung không đọc được: {e}")))?;
        if events.len() as u64 != self.header.events {
            return Err(Refusal::Damaged(format!(
                "phần đầu ghi {} sự kiện, nội dung có {}",
                self.header.events,
                events.len()
            )));
        }
        Ok(events)
    }
}

/// The file name of a packet (not trusted when read): origin unit,
/// recipient unit, sequence number.
pub fn file_name(origin_unit: &str, recipient_unit: &str, seq: i64) -> String {
    format!(
        "{}-{}-{seq:06}.{EXTENSION}",
        name_part(origin_unit),
        name_part(recipient_unit)
    )
}

/// Whether a file's name can be that of a packet to `recipient_unit`
/// (`…-RECIPIENT-NNNNNN.sgnpkt`). Only a hint: a name that says so may
/// still hold a packet for another office (the header decides), and one
/// renamed by hand says nothing.
pub fn named_for(name: &str, recipient_unit: &str) -> bool {
    let Some(stem) = name.strip_suffix(EXTENSION).and_then(|s| s.strip_suffix('.')) else {
        return false;
    };
    let Some((rest, seq)) = stem.rsplit_once('-') else {
        return false;
    };
    seq.len() >= 6
        && seq.bytes().all(|b| b.is_ascii_digit())
        && rest.ends_with(&format!("-{}", name_part(recipient_unit)))
}

/// A unit code as it stands in a packet's file name.
fn name_part(unit: &str) -> String {
    let stem = crate::text::file_stem(unit);
    if stem.is_empty() {
        "x".to_owned()
    } else {
        stem
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_name_says_which_office_the_packet_is_for() {
        assert!(named_for(&file_name("HT", "HK", 12), "HK"));
        assert!(named_for(&file_name("HT", "HK-01", 1), "HK-01"));
        assert!(!named_for(&file_name("HT", "AT", 1), "HK"));
        assert!(!named_for(&file_name("HK", "HT", 1), "HK"), "from HK, not to it");
        assert!(!named_for("ghi-chu.txt", "HK"));
        assert!(!named_for("ht-hk-abc.sgnpkt", "HK"));
    }

    fn header(seq: i64) -> Header {
        Header {
            format: FORMAT,
            events_version: EVENTS_VERSION,
            origin: Origin {
                id: "a".into(),
                unit: "HT".into(),
            },
            recipient: "b".into(),
            seq,
            prev: NO_PREVIOUS.into(),
            written_at: "2025-08-01T00:00:00Z".into(),
            acked: 0,
            events: 0,
            key: None,
        }
    }

    #[test]
    fn a_packet_reads_back_and_every_damage_is_refused() {
        let key = crate::exchange::identity::new_signing_key();
        let public = key.verifying_key().to_bytes();
        let events = vec![json!({"kind": "unit", "v": 1, "code": "HK"})];
        let bytes = write(&key, &header(1), &events).expect("write");
        let opened = open(&bytes).expect("open");
        assert_eq!(opened.header.events, 1);
        assert_eq!(opened.verify(&public).expect("verify"), events);

        // One byte edited anywhere: the signature (or the parsing) fails.
        for i in [3, 20, bytes.len() / 2, bytes.len() - 70, bytes.len() - 1] {
            let mut edited = bytes.clone();
            edited[i] ^= 0x01;
            let refused = open(&edited).and_then(|o| o.verify(&public).map(|_| ()));
            assert!(refused.is_err(), "byte {i} edited was accepted");
        }
        // Truncated at any length.
        for len in [0, 5, 12, 40, bytes.len() - 1] {
            let refused = open(&bytes[..len]).and_then(|o| o.verify(&public).map(|_| ()));
            assert!(matches!(refused, Err(Refusal::Damaged(_))), "cut at {len}: {refused:?}");
        }
        // A length pointing past the end is a refusal, not a panic.
        let mut huge = bytes.clone();
        huge[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(open(&huge), Err(Refusal::Damaged(_))));
        // Another key.
        let other = crate::exchange::identity::new_signing_key().verifying_key().to_bytes();
        assert_eq!(open(&bytes).expect("open").verify(&other), Err(Refusal::BadSignature));
        // A newer format, properly signed.
        let newer = write(&key, &Header { format: 2, ..header(1) }, &events).expect("write");
        assert!(matches!(
            open(&newer).expect("open").verify(&public),
            Err(Refusal::Newer { format: 2, .. })
        ));
        assert_eq!(hash(&bytes).len(), 64);
    }

    #[test]
    fn a_packet_names_the_key_that_signed_it() {
        let key = crate::exchange::identity::new_signing_key();
        let public = key.verifying_key().to_bytes();
        let trusted = crate::exchange::identity::new_signing_key().verifying_key().to_bytes();
        let bytes = write(&key, &header(1), &[]).expect("write");
        let opened = open(&bytes).expect("open");
        assert_eq!(opened.signer(&trusted), Ok(public));
        assert_eq!(
            opened.verify(&public).expect("its own key"),
            Vec::<serde_json::Value>::new()
        );
        assert_eq!(opened.verify(&trusted), Err(Refusal::BadSignature));

        // A first-version packet names no key: the trusted one is meant.
        let mut old = Header::clone(&opened.header);
        old.key = None;
        let head = serde_json::to_vec(&old).expect("json");
        assert!(!String::from_utf8_lossy(&head).contains("\"key\""));
        let unnamed = Opened { header: old, ..opened };
        assert_eq!(unnamed.signer(&trusted), Ok(trusted));
        // A key that is not one is damage.
        let bad = Opened {
            header: Header {
                key: Some("not a key".into()),
                ..header(1)
            },
            ..unnamed
        };
        assert!(matches!(bad.signer(&trusted), Err(Refusal::Damaged(_))));
    }

    #[test]
    fn file_names_are_sanitised_and_ordered_by_seq() {
        assert_eq!(file_name("HT", "HK-01", 2), "ht-hk-01-000002.sgnpkt");
        assert_eq!(file_name("Đ/1", "../x", 12), "d-1-x-000012.sgnpkt");
    }
}
