//! Generated data is valid: for many seeds, no record carries a validation error, and the
//! warnings it carries are the intended ones.

use lotse_generate::{Generator, Options};
use lotse_standard::date::Date;
use lotse_standard::read::Record;
use lotse_standard::validate::{Batch, Validator};
use lotse_standard::{Code, Severity};
use proptest::prelude::*;

fn check(seed: u64, today: Date, n: usize, municipalities: Option<Vec<String>>) -> (usize, usize) {
    let validator = Validator::new(today);
    let mut batch = Batch::default();
    let mut options = Options::new(seed, today);
    options.municipalities = municipalities;
    let mut warnings = 0;
    for (i, offer) in Generator::new(options).unwrap().take(n).enumerate() {
        let report = batch.validate(&validator, i, Record::json(serde_json::to_value(&offer).unwrap(), None));
        assert!(!report.has_errors(), "seed {seed}, offer {i}: {:?}", report.findings);
        for f in &report.findings {
            if f.severity == Severity::Warning {
                assert_eq!(f.code, Code::VerifiedStale, "seed {seed}, offer {i}: unexpected warning {f:?}");
                warnings += 1;
            }
        }
    }
    (n, warnings)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn any_seed_and_date_gives_records_without_errors(seed in any::<u64>(), days in 0i64..3_650) {
        let today = Date::new(2024, 1, 1).unwrap().add_days(days);
        check(seed, today, 150, None);
    }

    #[test]
    fn restricted_municipalities_stay_valid(seed in any::<u64>(), pick in 0usize..53) {
        let ags = lotse_geo::ruhr().municipalities[pick].ags.clone();
        check(seed, Date::new(2026, 11, 23).unwrap(), 60, Some(vec![ags]));
    }
}

#[test]
fn about_five_percent_carry_warnings() {
    let (n, warnings) = check(2026, Date::new(2026, 11, 23).unwrap(), 4_000, None);
    let share = warnings as f64 / n as f64;
    assert!((0.03..=0.07).contains(&share), "warning share {share}");
}
