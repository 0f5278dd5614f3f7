//! Fuzz target: any text typed or scanned as a receipt code.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| giaonhan_fuzz::receipt_code(data));
