//! Packets taken apart and signed again by hand, with an office's own key
//! read from its register file: what a newer version, or an office's
//! tampered copy of the app, would send. The format is the one the core
//! writes: magic, header length and JSON, body length and JSON, signature.

use serde_json::Value;

use crate::offices::Office;

/// The parts of a packet file: header JSON, body JSON.
pub fn parts(bytes: &[u8]) -> (Value, Value) {
    let hl = u32::from_le_bytes(bytes[8..12].try_into().expect("len")) as usize;
    let header = serde_json::from_slice(&bytes[12..12 + hl]).expect("header");
    let bl = u32::from_le_bytes(bytes[12 + hl..16 + hl].try_into().expect("len")) as usize;
    let body = serde_json::from_slice(&bytes[16 + hl..16 + hl + bl]).expect("body");
    (header, body)
}

/// The office's secret key, read from its register file.
pub fn secret_key(o: &Office) -> Vec<u8> {
    rusqlite::Connection::open(&o.db)
        .expect("open")
        .query_row("SELECT secret_key FROM site", [], |r| r.get(0))
        .expect("secret")
}

/// A packet written again from its parts, signed with the office's own
/// secret key (read from its register file), as a newer version would.
pub fn sign(o: &Office, header: &Value, body: &Value) -> Vec<u8> {
    sign_with(&secret_key(o), header, body)
}

/// A packet written from its parts and signed with `secret`.
pub fn sign_with(secret: &[u8], header: &Value, body: &Value) -> Vec<u8> {
    use ed25519_dalek::Signer;
    let key = ed25519_dalek::SigningKey::from_bytes(&secret.try_into().expect("32 bytes"));
    let head = serde_json::to_vec(header).expect("header");
    let body = serde_json::to_vec(body).expect("body");
    let mut out = b"SGNPKT01".to_vec();
    out.extend_from_slice(&(head.len() as u32).to_le_bytes());
    out.extend_from_slice(&head);
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend_from_slice(&body);
    let signature = key.sign(&out);
    out.extend_from_slice(&signature.to_bytes());
    out
}

pub fn resigned(o: &Office, bytes: &[u8], change: impl FnOnce(&mut Value)) -> Vec<u8> {
    let (mut header, body) = parts(bytes);
    change(&mut header);
    sign(o, &header, &body)
}

pub fn resign_body(o: &Office, bytes: &[u8], change: impl FnOnce(&mut Value)) -> Vec<u8> {
    let (mut header, mut body) = parts(bytes);
    change(&mut body);
    header["events"] = body.as_array().map_or(0, Vec::len).into();
    sign(o, &header, &body)
}
