//! The providers that offers name, as organizations of the node: one entry per provider of the
//! chosen municipalities (a provider that several towns share, such as a chamber, once, at the
//! first of them), in an order drawn from the seed, so that a small set of organizations holds
//! a mix of providers and not only those of the first town.
//!
//! Organization `2i` is entry `i` (while there are entries); the odd indices and those after
//! the last entry are institutions of `organization.rs`. That lets an offer find the
//! organization of its provider by the provider's name, and an institution the organization of
//! its operator, without generating any other record.

use std::collections::HashMap;

use rand::Rng;

use crate::providers::{FAMS, Fam, ProviderInfo, providers_at};

/// One provider as an organization.
#[derive(Debug)]
pub(crate) struct Entry {
    /// Index into `places()`.
    pub place: usize,
    pub fam: Fam,
    pub info: &'static ProviderInfo,
}

#[derive(Debug, Clone)]
pub(crate) struct Catalog {
    entries: Vec<&'static Entry>,
    /// Each provider's position in `entries`, by name.
    by_name: HashMap<&'static str, usize>,
}

/// Every provider of every municipality as an entry, built once per process (the generator
/// keeps references into it).
static ALL: std::sync::LazyLock<Vec<Vec<Entry>>> = std::sync::LazyLock::new(|| {
    (0..crate::places::places().len())
        .map(|place| {
            let fams = providers_at(place);
            FAMS.iter()
                .flat_map(|&fam| fams[fam as usize].iter().map(move |info| Entry { place, fam, info }))
                .collect()
        })
        .collect()
});

impl Catalog {
    /// The providers of the given places (indices into `places()`, in region order), shuffled
    /// with `rng`.
    pub(crate) fn new(places: &[usize], rng: &mut impl Rng) -> Catalog {
        let mut entries: Vec<&'static Entry> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for &place in places {
            for entry in &ALL[place] {
                if seen.insert(entry.info.name.as_str()) {
                    entries.push(entry);
                }
            }
        }
        // Fisher–Yates, so that the order depends on nothing but the seed and the places.
        for i in (1..entries.len()).rev() {
            let j = rng.random_range(0..=i);
            entries.swap(i, j);
        }
        let by_name = entries.iter().enumerate().map(|(i, e)| (e.info.name.as_str(), i)).collect();
        Catalog { entries, by_name }
    }

    /// The provider that organization `index` is, if it is one.
    pub(crate) fn entry(&self, index: u64) -> Option<&'static Entry> {
        if !index.is_multiple_of(2) {
            return None;
        }
        usize::try_from(index / 2).ok().and_then(|i| self.entries.get(i)).copied()
    }

    /// The organization index of the provider of this name.
    pub(crate) fn organization_of(&self, name: &str) -> Option<u64> {
        self.by_name.get(name).map(|&i| 2 * i as u64)
    }

    /// The organization index of the first provider of a family in a place, such as a town's
    /// youth office.
    pub(crate) fn first_of(&self, place: usize, fam: Fam) -> Option<u64> {
        let info = providers_at(place)[fam as usize].first()?;
        self.organization_of(&info.name)
    }
}
