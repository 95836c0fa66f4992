//! Small text helpers shared by messages and checks.

/// Makes a user-supplied string safe to show on one line of a terminal or in a
/// message: control characters (ANSI escapes, new lines, bidi overrides) are
/// shown as `\u{…}` escapes instead of being interpreted. Long strings are cut.
pub fn printable(s: &str) -> String {
    const MAX_CHARS: usize = 80;
    let mut out = String::with_capacity(s.len().min(MAX_CHARS * 4));
    for (i, c) in s.chars().enumerate() {
        if i == MAX_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() || is_bidi_control(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Unicode bidirectional formatting characters, which can make a printed name
/// read differently from what it is.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// True when a text field counts as not filled in: missing, empty or white space.
pub fn is_blank(s: Option<&str>) -> bool {
    s.is_none_or(|s| s.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_controls_and_bidi() {
        assert_eq!(printable("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(printable("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(printable("韶关"), "韶关");
        assert_eq!(printable(&"长".repeat(100)).chars().count(), 81);
    }

    #[test]
    fn blank_means_missing_or_white_space() {
        assert!(is_blank(None));
        assert!(is_blank(Some(" \t")));
        assert!(is_blank(Some("　")), "full-width space is blank too");
        assert!(!is_blank(Some("a")));
    }
}
