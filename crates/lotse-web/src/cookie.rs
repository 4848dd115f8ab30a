//! Cookies of the web pages: always `HttpOnly` and `SameSite=Lax`, `Secure` behind TLS.

use axum::http::{HeaderMap, HeaderValue, header};

/// A `Set-Cookie` value. `max_age` in seconds; `None` makes a cookie for the browser session.
pub fn set(name: &str, value: &str, max_age: Option<u64>, secure: bool) -> HeaderValue {
    let mut s = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        s.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        s.push_str("; Secure");
    }
    HeaderValue::from_str(&s).expect("cookie names and values are ASCII tokens")
}

/// A `Set-Cookie` value that removes the cookie.
pub fn clear(name: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"))
        .expect("cookie names are ASCII tokens")
}

/// The value of the request's cookie `name`, if any.
pub fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
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

    #[test]
    fn cookies_are_http_only_and_lax() {
        let v = set("s", "abc", Some(60), true);
        assert_eq!(v.to_str().unwrap(), "s=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure");
        assert!(!set("s", "abc", None, false).to_str().unwrap().contains("Secure"));
    }

    #[test]
    fn reads_one_cookie_among_many() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; lotse_csrf=xyz; b=2"));
        assert_eq!(get(&h, "lotse_csrf"), Some("xyz"));
        assert_eq!(get(&h, "c"), None);
        assert!(!behind_tls(&h, Some("http://x")));
        h.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert!(behind_tls(&h, None));
    }
}
