//! The window loads nothing from outside the app: every navigation of the
//! main webview is checked against the app's own origin, and requests for a
//! new window (`window.open`, `target=_blank`) are refused.
//!
//! The CSP already keeps scripts, images and connections to the app's own
//! origin; this guard covers what the CSP does not: following a link, a
//! `window.location` change, and new windows (which WebView2 on Windows would
//! otherwise open in a browser window).

use tauri::Url;

/// Where the app's own pages are served from: `tauri://localhost` on Linux
/// and macOS, `http(s)://tauri.localhost` on Windows.
fn is_app_origin(url: &Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost") && url.port().is_none(),
        _ => false,
    }
}

/// Whether the main webview may navigate to `url`: the app's own origin,
/// or in a debug build the dev server of `dev_url` (same origin) when the
/// configuration names one.
pub fn allowed(url: &Url, dev_url: Option<&Url>) -> bool {
    is_app_origin(url)
        || (cfg!(debug_assertions) && dev_url.is_some_and(|dev| dev.origin() == url.origin()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn only_the_apps_origin_is_allowed() {
        for ok in [
            "tauri://localhost",
            "tauri://localhost/index.html#/inbox",
            "http://tauri.localhost/",
            "https://tauri.localhost/assets/x.js",
        ] {
            assert!(allowed(&url(ok), None), "{ok}");
        }
        for refused in [
            "http://127.0.0.1:8080/x",
            "http://localhost/",
            "https://example.com/",
            "tauri://evil.example",
            "http://tauri.localhost.example.com/",
            "http://tauri.localhost:8080/",
            "http://user@evil.example/tauri.localhost",
            "file:///etc/passwd",
            "data:text/html,<b>x</b>",
            "javascript:alert(1)",
            "about:blank",
        ] {
            assert!(!allowed(&url(refused), None), "{refused}");
        }
    }

    #[test]
    fn the_dev_server_only_in_debug_builds() {
        let dev = url("http://localhost:5173");
        assert_eq!(
            allowed(&url("http://localhost:5173/src/main.ts"), Some(&dev)),
            cfg!(debug_assertions)
        );
        assert!(!allowed(&url("http://localhost:5174/"), Some(&dev)));
        assert!(!allowed(&url("http://127.0.0.1:8080/"), Some(&dev)));
    }
}
