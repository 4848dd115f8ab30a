//! Checks of the API descriptions the services publish, for their tests.

use utoipa::PartialSchema;
use utoipa::openapi::{RefOr, Schema};

/// Panics unless the OpenAPI schema of `T` is an object whose properties are exactly
/// `members` and whose required properties are exactly `required` (in any order): the check
/// that a type written only for the API description keeps the members of the wire type it
/// describes.
pub fn assert_object_members<T: PartialSchema>(members: &[&str], required: &[&str]) {
    let RefOr::T(Schema::Object(object)) = T::schema() else { panic!("not an object schema") };
    assert_eq!(sorted(object.properties.keys().map(String::as_str).collect()), sorted(members.to_vec()));
    assert_eq!(sorted(object.required.iter().map(String::as_str).collect()), sorted(required.to_vec()));
}

fn sorted(mut names: Vec<&str>) -> Vec<&str> {
    names.sort_unstable();
    names
}

/// Writes a path with a `{param}` segment out as one path per value: the services register a
/// route per record kind (`/feed/offers`, `/feed/networks`, …), and clients and their
/// generators work best with the paths as they are. Each copy loses the parameter, and its
/// operation ids get the value as a suffix so that they stay unique.
pub fn expand_path_param(doc: &mut serde_json::Value, template: &str, param: &str, values: &[&str]) {
    let Some(paths) = doc.get_mut("paths").and_then(serde_json::Value::as_object_mut) else { return };
    let Some(item) = paths.remove(template) else { return };
    let placeholder = format!("{{{param}}}");
    for value in values {
        let mut copy = item.clone();
        if let Some(operations) = copy.as_object_mut() {
            for operation in operations.values_mut() {
                if let Some(params) =
                    operation.get_mut("parameters").and_then(serde_json::Value::as_array_mut)
                {
                    params.retain(|p| p.get("name").and_then(serde_json::Value::as_str) != Some(param));
                    if params.is_empty()
                        && let Some(o) = operation.as_object_mut()
                    {
                        o.remove("parameters");
                    }
                }
                if let Some(id) = operation.get_mut("operationId")
                    && let Some(s) = id.as_str()
                {
                    *id = serde_json::Value::String(format!("{s}_{value}"));
                }
            }
        }
        paths.insert(template.replace(&placeholder, value), copy);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_parameter_path_becomes_one_path_per_value() {
        let mut doc = json!({"paths": {"/feed/{kind}": {"get": {
            "operationId": "feed",
            "parameters": [{"name": "kind", "in": "path"}, {"name": "afterId", "in": "query"}]
        }}}});
        expand_path_param(&mut doc, "/feed/{kind}", "kind", &["offers", "networks"]);
        let paths = doc["paths"].as_object().unwrap();
        assert_eq!(paths.keys().collect::<Vec<_>>(), ["/feed/networks", "/feed/offers"]);
        assert_eq!(doc["paths"]["/feed/offers"]["get"]["operationId"], "feed_offers");
        assert_eq!(
            doc["paths"]["/feed/offers"]["get"]["parameters"],
            json!([{"name": "afterId", "in": "query"}])
        );
    }
}
