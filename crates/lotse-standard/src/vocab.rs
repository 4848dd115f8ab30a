//! The standard's code lists, embedded from `schemas/vocabularies/`.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

/// A German and an English text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    pub de: String,
    pub en: String,
}

/// One code of a vocabulary.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Code {
    pub code: String,
    pub label: Label,
    /// Only for categories: the offer type the category belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_type: Option<String>,
    /// Only for languages: `rtl` for right-to-left scripts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Label>,
}

/// A code list such as `offer-types` or `categories`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Vocabulary {
    pub id: String,
    pub title: Label,
    pub codes: Vec<Code>,
    #[serde(skip)]
    index: HashMap<String, usize>,
}

impl Vocabulary {
    fn parse(json: &str) -> Self {
        let mut v: Vocabulary = serde_json::from_str(json).expect("embedded vocabulary is valid");
        v.index = v.codes.iter().enumerate().map(|(i, c)| (c.code.clone(), i)).collect();
        v
    }

    pub fn get(&self, code: &str) -> Option<&Code> {
        self.index.get(code).map(|&i| &self.codes[i])
    }

    pub fn contains(&self, code: &str) -> bool {
        self.index.contains_key(code)
    }

    /// The position of a code in the list; meaningful where order is (CEFR levels).
    pub fn position(&self, code: &str) -> Option<usize> {
        self.index.get(code).copied()
    }

    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.codes.iter().map(|c| c.code.as_str())
    }
}

/// All vocabularies of the standard, by field.
#[derive(Debug)]
pub struct Vocabularies {
    pub offer_types: Vocabulary,
    pub categories: Vocabulary,
    pub provider_kinds: Vocabulary,
    pub statuses: Vocabulary,
    pub target_groups: Vocabulary,
    pub life_phases: Vocabulary,
    pub languages: Vocabulary,
    pub cefr_levels: Vocabulary,
    pub cost_kinds: Vocabulary,
    pub delivery: Vocabulary,
    pub features: Vocabulary,
    pub accessibility: Vocabulary,
    pub residence_status: Vocabulary,
    pub weekdays: Vocabulary,
    /// Organizations' `school_type` (since 1.1).
    pub school_types: Vocabulary,
    /// The `purpose` of organizations' and projects' links (since 1.1).
    pub link_purposes: Vocabulary,
    /// Projects' `status` (since 1.1).
    pub project_statuses: Vocabulary,
}

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        /// The raw vocabulary files as `(id, json)`, for serving the standard as it is.
        pub const FILES: &[(&str, &str)] = &[
            $(($name, include_str!(concat!("../../../schemas/vocabularies/", $name, ".json")))),*
        ];
    };
}

embedded!(
    "offer-types",
    "categories",
    "provider-kinds",
    "statuses",
    "target-groups",
    "life-phases",
    "languages",
    "cefr-levels",
    "cost-kinds",
    "delivery",
    "features",
    "accessibility",
    "residence-status",
    "weekdays",
    "school-types",
    "link-purposes",
    "project-statuses",
);

fn file(id: &str) -> &'static str {
    FILES.iter().find(|(name, _)| *name == id).map(|(_, json)| *json).expect("vocabulary is embedded")
}

static VOCABULARIES: LazyLock<Vocabularies> = LazyLock::new(|| Vocabularies {
    offer_types: Vocabulary::parse(file("offer-types")),
    categories: Vocabulary::parse(file("categories")),
    provider_kinds: Vocabulary::parse(file("provider-kinds")),
    statuses: Vocabulary::parse(file("statuses")),
    target_groups: Vocabulary::parse(file("target-groups")),
    life_phases: Vocabulary::parse(file("life-phases")),
    languages: Vocabulary::parse(file("languages")),
    cefr_levels: Vocabulary::parse(file("cefr-levels")),
    cost_kinds: Vocabulary::parse(file("cost-kinds")),
    delivery: Vocabulary::parse(file("delivery")),
    features: Vocabulary::parse(file("features")),
    accessibility: Vocabulary::parse(file("accessibility")),
    residence_status: Vocabulary::parse(file("residence-status")),
    weekdays: Vocabulary::parse(file("weekdays")),
    school_types: Vocabulary::parse(file("school-types")),
    link_purposes: Vocabulary::parse(file("link-purposes")),
    project_statuses: Vocabulary::parse(file("project-statuses")),
});

/// The embedded vocabularies, parsed on first use.
pub fn vocabularies() -> &'static Vocabularies {
    &VOCABULARIES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vocabulary_parses_and_has_codes() {
        let v = vocabularies();
        assert_eq!(v.offer_types.codes.len(), 7);
        assert_eq!(v.cefr_levels.codes().collect::<Vec<_>>(), ["alpha", "A1", "A2", "B1", "B2", "C1", "C2"]);
        assert!(v.languages.codes.len() > 180);
        for kind in ["kita", "beratungsstelle", "bibliothek", "schule"] {
            assert!(v.provider_kinds.contains(kind), "{kind}");
        }
        assert_eq!(v.school_types.codes.len(), 10);
        assert_eq!(
            v.link_purposes.codes().collect::<Vec<_>>(),
            ["registration", "integreat", "website", "social_media", "other"]
        );
        assert_eq!(v.project_statuses.codes().collect::<Vec<_>>(), ["planned", "running", "completed"]);
        for (id, _) in FILES {
            let voc = Vocabulary::parse(file(id));
            assert_eq!(&voc.id, id);
            assert!(!voc.codes.is_empty(), "{id} is empty");
        }
    }

    #[test]
    fn every_category_has_a_known_offer_type() {
        let v = vocabularies();
        for c in &v.categories.codes {
            let parent = c.offer_type.as_deref().unwrap_or_default();
            assert!(v.offer_types.contains(parent), "{} has unknown parent {parent:?}", c.code);
        }
    }
}
