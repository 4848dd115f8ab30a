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
