//! Offers generated without the options of standard 1.1 keep their bytes: other crates' tests
//! (search relevance, benchmarks) and published demo data depend on them, so a change to the
//! generator that alters them must be deliberate. The digests were taken before organizations,
//! networks and projects were added.

use lotse_generate::{Date, Format, Generator, Options, write_offers};

/// FNV-1a over the bytes: stable across Rust versions, unlike the standard library's hasher.
fn digest(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

fn output(options: Options, n: usize, format: Format) -> u64 {
    let mut out = Vec::new();
    write_offers(Generator::new(options).unwrap(), n, format, &mut out).unwrap();
    digest(&out)
}

#[test]
fn offers_keep_their_bytes() {
    let today = Date::new(2026, 3, 1).unwrap();
    let region = output(Options::new(42, today), 2_000, Format::Ndjson);
    let mut essen = Options::new(7, today);
    essen.node_id = Some("essen".into());
    essen.municipalities = Some(vec!["05113000".into()]);
    let node = output(essen.clone(), 1_000, Format::Ndjson);
    let csv = output(essen, 300, Format::Csv);
    assert_eq!(region, 0x8231_6d6a_40dc_f0f8, "offers of the whole region changed");
    assert_eq!(node, 0x5e0d_8229_00bf_1d73, "offers of a node changed");
    assert_eq!(csv, 0x5555_a265_688d_b208, "offers' CSV changed");
}
