//! `lotse generate`: realistic, deterministic sample records of any kind on stdout.

use lotse_generate::{Format, Generator, Kind, Options, PartnerNode, write_records};
use lotse_standard::date::Date;

#[derive(clap::Args)]
pub struct Args {
    /// Art der Datensätze / kind of record: offer, organization, network, project.
    #[arg(long, default_value = "offer", value_parser = parse_kind)]
    kind: Kind,
    /// Anzahl der Datensätze / number of records.
    #[arg(long = "count", visible_alias = "offers", default_value_t = 1000)]
    count: usize,
    /// Startwert des Zufalls; gleicher Wert, gleiche Daten / seed: same seed, same data.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Ausgabeformat / output format: ndjson, json, csv.
    #[arg(long, default_value = "ndjson")]
    format: Format,
    /// Knoten-ID als Präfix der IDs / node id, used as the id prefix.
    #[arg(long = "node")]
    node: Option<String>,
    /// Nur diese Kommunen (AGS, kommagetrennt) / only these municipalities (AGS, comma-separated).
    #[arg(long, value_delimiter = ',')]
    municipalities: Option<Vec<String>>,
    /// Stichtag (JJJJ-MM-TT), sonst heute / reference date, default today.
    #[arg(long, value_parser = crate::validate_cmd::parse_date)]
    today: Option<Date>,
    /// Einrichtungen des Knotens, auf die Datensätze verweisen (bei --kind organization
    /// ohne Angabe: --count) / the node's organizations that records refer to (with
    /// --kind organization, --count unless given).
    #[arg(long)]
    organizations: Option<u64>,
    /// Netzwerke des Knotens, denen Angebote angehören / the node's networks that offers
    /// belong to.
    #[arg(long)]
    networks: Option<u64>,
    /// Projekte des Knotens, zu denen Angebote gehören / the node's projects that offers are
    /// part of.
    #[arg(long)]
    projects: Option<u64>,
    /// Ein zweiter Knoten, dessen Einrichtungen Netzwerke und Projekte einbeziehen / a second
    /// node whose organizations networks and projects include.
    #[arg(long, requires = "partner_organizations")]
    partner_node: Option<String>,
    /// Einrichtungen des zweiten Knotens / the second node's organizations.
    #[arg(long, requires = "partner_node")]
    partner_organizations: Option<u64>,
    /// Kommunen des zweiten Knotens (AGS, kommagetrennt) / the second node's municipalities.
    #[arg(long, value_delimiter = ',', requires = "partner_node")]
    partner_municipalities: Option<Vec<String>>,
}

/// `--kind`: the lowercase singular of a kind.
fn parse_kind(s: &str) -> Result<Kind, String> {
    Kind::from_singular(s).ok_or_else(|| {
        format!(
            "unbekannte Art {s:?}: offer, organization, network oder project / unknown kind {s:?}: offer, organization, network or project"
        )
    })
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let mut options = Options::new(args.seed, args.today.unwrap_or_else(Date::today_utc));
    options.node_id = args.node;
    options.municipalities = args.municipalities;
    // Organizations generated on their own refer to each other (`part_of`) within what is
    // written, unless the set is said to be larger.
    let own_count = (args.kind == Kind::Organization).then_some(args.count as u64);
    options.organizations = args.organizations.or(own_count);
    options.networks = args.networks;
    options.projects = args.projects;
    options.partner = match (args.partner_node, args.partner_organizations) {
        (Some(node_id), Some(organizations)) => Some(PartnerNode {
            node_id,
            organizations,
            municipalities: args.partner_municipalities.unwrap_or_default(),
        }),
        _ => None,
    };
    let generator = Generator::new(options)?;
    let stdout = std::io::stdout();
    match write_records(generator.records(args.kind), args.count, args.kind, args.format, stdout.lock()) {
        // A closed pipe (`| head`) is a normal way to stop reading.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
