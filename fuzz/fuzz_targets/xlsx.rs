//! Fuzz target: any bytes as an XLSX file handed to the import.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| giaonhan_fuzz::import_file("fuzz.xlsx", data));
