//! The rules of a network (Netzwerk).

use serde_json::{Map, Value};

use super::checker::{Checker, DESCRIPTION_MAX, SHORT_TEXT_MAX, TITLE_MAX};
use super::path::Path;
use crate::finding::Code;

const FIELDS: &[&str] = &[
    "id",
    "name",
    "topic",
    "description",
    "coordinators",
    "members",
    "service_area",
    "life_phases",
    "target_groups",
    "meeting_schedule",
    "how_to_join",
    "contact",
    "url",
    "verified_at",
];
/// `coordinators` is required too, but a missing one has its own code.
const REQUIRED: &[&str] = &["id", "name", "service_area"];
const COORDINATOR_FIELDS: &[&str] = &["name", "role", "email", "phone", "organization"];

impl Checker<'_, '_> {
    pub(super) fn network(&mut self, root: &Path<'_>, m: &Map<String, Value>) {
        let voc = self.v.vocab;
        self.fields(root, m, FIELDS, REQUIRED);
        self.id(root, m);
        self.lang_map_field(root, m, "name", TITLE_MAX);
        self.lang_map_field(root, m, "topic", TITLE_MAX);
        self.lang_map_field(root, m, "description", DESCRIPTION_MAX);
        self.coordinators(root, m);
        self.reference_list_field(root, m, "members");
        // A network may serve municipalities beyond its node's jurisdiction (the caller decides
        // what applies), so only the keys themselves are checked.
        self.service_area(root, m);
        self.code_list_field(root, m, "life_phases", &voc.life_phases, 0);
        self.code_list_field(root, m, "target_groups", &voc.target_groups, 0);
        self.lang_map_field(root, m, "meeting_schedule", SHORT_TEXT_MAX);
        self.lang_map_field(root, m, "how_to_join", SHORT_TEXT_MAX);
        self.contact_field(root, m);
        self.url_field(root, m, "url");
        self.verified_at(root, m);
    }

    /// At least one coordinator, each with a name, and at least one reachable by e-mail or
    /// phone: a network nobody can contact is of no use to an adviser.
    fn coordinators(&mut self, root: &Path<'_>, m: &Map<String, Value>) {
        let p = root.key("coordinators");
        let items = match m.get("coordinators") {
            None => None,
            Some(v) => match self.array(&p, v) {
                Some(items) => Some(items),
                None => return,
            },
        };
        let Some(items) = items.filter(|items| !items.is_empty()) else {
            self.push(
                Code::CoordinatorRequired,
                &p,
                "Das Netzwerk braucht mindestens eine Koordinationsperson (coordinators).".into(),
                "The network needs at least one coordinator (coordinators).".into(),
            );
            return;
        };
        let mut reachable = false;
        for (i, item) in items.iter().enumerate() {
            let ip = p.index(i);
            let Some(cm) = self.object(&ip, item) else { continue };
            self.fields(&ip, cm, COORDINATOR_FIELDS, &["name"]);
            self.text_field(&ip, cm, "name", TITLE_MAX);
            self.text_field(&ip, cm, "role", TITLE_MAX);
            self.reachable(&ip, cm);
            self.reference_field(&ip, cm, "organization");
            reachable |= cm.contains_key("email") || cm.contains_key("phone");
        }
        if !reachable {
            self.push(
                Code::CoordinatorUnreachable,
                &p,
                "Keine Koordinationsperson hat eine E-Mail-Adresse (email) oder Telefonnummer (phone)."
                    .into(),
                "No coordinator has an e-mail address (email) or phone number (phone).".into(),
            );
        }
    }
}
