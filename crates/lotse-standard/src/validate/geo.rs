//! The geographic rules: coordinates inside the region, swapped coordinates, and the
//! municipality of the coordinates against the declared AGS.

use lotse_geo::{LatLon, Region};

use super::Position;
use super::path::Path;
use crate::finding::{Code, Finding, Message};

/// How far outside the declared municipality a point may lie and still count as imprecision of
/// the generalised boundaries (VG250 is accurate to a few hundred metres) rather than an error.
pub const BORDER_TOLERANCE_M: f64 = 500.0;

/// Where a location's coordinates lie, and at most one finding about them.
pub(super) fn check_position(
    region: &Region,
    path: &Path<'_>,
    lat: f64,
    lon: f64,
    declared_ags: Option<&str>,
) -> (Position, Option<Finding>) {
    let p = LatLon::new(lat, lon);
    let declared = declared_ags.and_then(|a| region.municipality(a));
    let found = region.locate_with_hint(p, declared_ags);
    let lat_path = path.key("lat");
    if let (Some(found), Some(declared)) = (found, declared)
        && found.ags == declared.ags
    {
        return (Position::Inside, None);
    }
    if let Some(declared) = declared {
        let d = declared.distance_m(p);
        if d <= BORDER_TOLERANCE_M {
            let finding = Finding::new(
                Code::MunicipalityNearBorder,
                lat_path.pointer(),
                Message::new(
                    format!(
                        "Die Koordinaten liegen {d:.0} m außerhalb von {} (AGS {}).",
                        declared.name, declared.ags
                    ),
                    format!("The coordinates lie {d:.0} m outside {} (AGS {}).", declared.name, declared.ags),
                ),
            );
            return (Position::NearBorder, Some(finding));
        }
    }
    match found {
        Some(found) => {
            // Without a known declared municipality there is nothing to compare with; the AGS
            // has its own finding.
            let Some(declared) = declared else { return (Position::Unchecked, None) };
            let d = declared.distance_m(p);
            let finding = Finding::new(
                Code::MunicipalityMismatch,
                lat_path.pointer(),
                Message::new(
                    format!(
                        "Die Koordinaten liegen in {} (AGS {}), {:.1} km von {} (AGS {}) entfernt.",
                        found.name,
                        found.ags,
                        d / 1000.0,
                        declared.name,
                        declared.ags
                    ),
                    format!(
                        "The coordinates lie in {} (AGS {}), {:.1} km from {} (AGS {}).",
                        found.name,
                        found.ags,
                        d / 1000.0,
                        declared.name,
                        declared.ags
                    ),
                ),
            );
            (Position::Elsewhere, Some(finding))
        }
        None => {
            if region.locate(LatLon::new(lon, lat)).is_some() {
                (
                    Position::Swapped,
                    Some(Finding::new(
                        Code::CoordinatesSwapped,
                        lat_path.pointer(),
                        Message::new(
                            format!(
                                "Breite und Länge sind vertauscht: lat = {lat}, lon = {lon} liegt außerhalb, lat = {lon}, lon = {lat} in der Region."
                            ),
                            format!(
                                "Latitude and longitude are swapped: lat = {lat}, lon = {lon} lies outside, lat = {lon}, lon = {lat} inside the region."
                            ),
                        ),
                    )),
                )
            } else {
                (
                    Position::OutsideRegion,
                    Some(Finding::new(
                        Code::CoordinatesOutsideRegion,
                        lat_path.pointer(),
                        Message::new(
                            format!("lat = {lat}, lon = {lon} liegt außerhalb der Region {}.", region.id),
                            format!("lat = {lat}, lon = {lon} lies outside the region {}.", region.id),
                        ),
                    )),
                )
            }
        }
    }
}
