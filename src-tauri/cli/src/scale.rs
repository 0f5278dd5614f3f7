//! `giaonhan demo --scale`: ten years of a district's or a province's data
//! for the benchmarks, made by the scale generator, with progress on stderr.

use giaonhan::{Actor, Error, Store};

use crate::values::ScaleArg;

/// Generates the register, printing its summary as one JSON line.
pub fn generate(store: &mut Store, actor: &Actor, scale: ScaleArg, seed: u64) -> Result<(), Error> {
    let size = match scale {
        ScaleArg::District => giaonhan_scale::Size::district(),
        ScaleArg::Province => giaonhan_scale::Size::province(),
    };
    let started = std::time::Instant::now();
    let summary = giaonhan_scale::generate(store, actor, &size, seed, &mut |p| {
        if p.stage == "batches" && p.done % 300 != 0 && p.done != p.total {
            return;
        }
        let stage = match p.stage {
            "units" => "đơn vị",
            "documents" => "văn bản",
            "reorganisation" => "sắp xếp bỏ cấp huyện 01/07/2025, dòng của phương án",
            _ => "đợt cấp phát",
        };
        eprintln!(
            "[{:>5.0} s] {stage}: {}/{}, {} dòng giao nhận",
            started.elapsed().as_secs_f64(),
            giaonhan::text::thousands(p.done as i64),
            giaonhan::text::thousands(p.total as i64),
            giaonhan::text::thousands(p.lines as i64)
        );
    })?;
    store.use_sample_letterhead(actor)?;
    println!("{}", serde_json::to_string(&summary)?);
    Ok(())
}
