//! Which recorded entries are static assets a load test leaves out: what
//! the browser fetched to draw the page (images, styles, scripts, fonts,
//! media, the favicon, source maps), told by the response's MIME type or,
//! when that says nothing, the URL's extension. Pages and API calls stay.

/// Extensions of static files (lower case, without the dot).
const EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "avif", "svg", "ico", "bmp", "css", "js", "mjs", "map",
    "woff", "woff2", "ttf", "otf", "eot", "mp4", "webm", "mp3", "ogg", "wav", "m4a",
];

/// True when the entry at `path` (its path and query) answered with
/// `mime` is a static asset.
pub(crate) fn is_static(path: &str, mime: &str) -> bool {
    is_static_mime(mime) || is_static_path(path)
}

fn is_static_mime(mime: &str) -> bool {
    let mime = mime
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let (kind, sub) = mime.split_once('/').unwrap_or((&mime, ""));
    matches!(kind, "image" | "font" | "audio" | "video")
        || sub == "css"
        || sub.contains("javascript")
        || sub.contains("ecmascript")
        || sub.starts_with("font-")
        || sub.starts_with("x-font")
        || sub == "wasm"
}

fn is_static_path(path: &str) -> bool {
    let path = path.split('?').next().unwrap_or_default();
    let file = path.rsplit('/').next().unwrap_or_default();
    if file.eq_ignore_ascii_case("favicon.ico") {
        return true;
    }
    file.rsplit_once('.')
        .is_some_and(|(_, ext)| EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

#[cfg(test)]
mod tests {
    use super::is_static;

    #[test]
    fn assets_by_mime_type() {
        for mime in [
            "image/png",
            "text/css; charset=utf-8",
            "application/javascript",
            "text/javascript",
            "font/woff2",
            "application/font-woff",
            "video/mp4",
            "audio/mpeg",
        ] {
            assert!(is_static("/x", mime), "{mime}");
        }
        for mime in ["application/json", "text/html", "text/plain", ""] {
            assert!(!is_static("/x", mime), "{mime}");
        }
    }

    #[test]
    fn assets_by_extension_when_the_type_says_nothing() {
        for path in [
            "/favicon.ico",
            "/app.js?v=3",
            "/a/b.CSS",
            "/main.js.map",
            "/f.woff2",
        ] {
            assert!(is_static(path, ""), "{path}");
        }
        for path in ["/users", "/users/7", "/index.html", "/api/v1.2/orders", "/"] {
            assert!(!is_static(path, ""), "{path}");
        }
    }
}
