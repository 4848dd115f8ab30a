//! Cookies of the web pages: always `HttpOnly` and `SameSite=Lax`, `Secure` behind TLS. Parsing
//! and formatting are the [`cookie`] crate's.

use ::cookie::{Cookie, SameSite, time::Duration};
use axum::http::{HeaderMap, HeaderValue, header};

/// A `Set-Cookie` value. `max_age` in seconds; `None` makes a cookie for the browser session.
pub fn set(name: &str, value: &str, max_age: Option<u64>, secure: bool) -> HeaderValue {
    let mut c = base(name, value);
    if let Some(age) = max_age {
        c.set_max_age(Duration::seconds(i64::try_from(age).unwrap_or(i64::MAX)));
    }
    if secure {
        c.set_secure(true);
    }
    header_value(&c)
}

/// A `Set-Cookie` value that removes the cookie.
pub fn clear(name: &str) -> HeaderValue {
    let mut c = base(name, "");
    c.set_max_age(Duration::ZERO);
    header_value(&c)
}

fn base<'a>(name: &'a str, value: &'a str) -> Cookie<'a> {
    let mut c = Cookie::new(name, value);
    c.set_path("/");
    c.set_http_only(true);
    c.set_same_site(SameSite::Lax);
    c
}

fn header_value(c: &Cookie<'_>) -> HeaderValue {
    HeaderValue::from_str(&c.to_string()).expect("cookie names and values are ASCII tokens")
}

/// The value of the request's cookie `name`, if any.
pub fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .and_then(|c| c.value_raw())
}

/// Whether the visitor reached the service over TLS: the configured public URL is https, or a
/// reverse proxy in front of it says so.
pub fn behind_tls(headers: &HeaderMap, public_url: Option<&str>) -> bool {
    public_url.is_some_and(|u| u.starts_with("https://"))
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The attributes of a `Set-Cookie` value, sorted, without the name and value.
    fn attributes(v: &HeaderValue) -> Vec<String> {
        let mut a: Vec<String> = v.to_str().unwrap().split("; ").skip(1).map(str::to_owned).collect();
        a.sort();
        a
    }

    #[test]
    fn cookies_are_http_only_and_lax() {
        let v = set("s", "abc", Some(60), true);
        assert!(v.to_str().unwrap().starts_with("s=abc; "), "{v:?}");
        assert_eq!(attributes(&v), ["HttpOnly", "Max-Age=60", "Path=/", "SameSite=Lax", "Secure"]);
        let session = set("s", "abc", None, false);
        assert!(!session.to_str().unwrap().contains("Secure"));
        assert_eq!(attributes(&session), ["HttpOnly", "Path=/", "SameSite=Lax"]);
        let gone = clear("s");
        assert!(gone.to_str().unwrap().starts_with("s=; "), "{gone:?}");
        assert_eq!(attributes(&gone), ["HttpOnly", "Max-Age=0", "Path=/", "SameSite=Lax"]);
    }

    #[test]
    fn reads_one_cookie_among_many() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; lotse_csrf=xyz; b=2"));
        assert_eq!(get(&h, "lotse_csrf"), Some("xyz"));
        assert_eq!(get(&h, "c"), None);
        h.append(header::COOKIE, HeaderValue::from_static("broken; lotse_session="));
        assert_eq!(get(&h, "lotse_session"), Some(""));
        assert!(!behind_tls(&h, Some("http://x")));
        h.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert!(behind_tls(&h, None));
    }
}
