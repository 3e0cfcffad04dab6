//! The JSON lines on stdout.

use std::io::Write;

use libp2p::rendezvous::{ErrorCode, Registration};
use serde_json::{json, Value};

pub fn emit(value: Value) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{value}");
    let _ = stdout.flush();
}

pub fn error(message: &str) {
    eprintln!("rust-rdv: error: {message}");
    emit(json!({ "event": "error", "message": message }));
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn unhex(text: &str) -> Result<Vec<u8>, String> {
    if text.len() % 2 != 0 {
        return Err(format!("odd hex length: {text}"));
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).map_err(|e| format!("hex {text}: {e}")))
        .collect()
}

/// The protocol's status code of a rust error code (the spec's numbering)
pub fn status(code: ErrorCode) -> u32 {
    match code {
        ErrorCode::InvalidNamespace => 100,
        ErrorCode::InvalidSignedPeerRecord => 101,
        ErrorCode::InvalidTtl => 102,
        ErrorCode::InvalidCookie => 103,
        ErrorCode::NotAuthorized => 200,
        ErrorCode::InternalError => 300,
        ErrorCode::Unavailable => 400,
    }
}

pub fn registration(registration: &Registration) -> Value {
    let record = &registration.record;
    json!({
        "peerId": record.peer_id().to_string(),
        "ns": registration.namespace.to_string(),
        "ttl": registration.ttl,
        "seq": record.seq(),
        "addrs": record.addresses().iter().map(|a| a.to_string()).collect::<Vec<_>>(),
        "envelope": hex(&record.to_signed_envelope().into_protobuf_encoding()),
    })
}
