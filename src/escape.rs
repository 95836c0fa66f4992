//! Escaping user-supplied strings for display: a name or value from the input
//! is shown through [`printable`], never as it is.

/// Makes a user-supplied string safe to show on one line of a terminal or in a
/// message: control characters (ANSI escapes, new lines, bidi overrides) are
/// shown as `\u{…}` escapes instead of being interpreted. Long strings are cut.
pub fn printable(s: &str) -> String {
    escaped(s, 80)
}

/// [`printable`] without the cut, for text a reader must see whole and whose
/// length is bounded elsewhere (a reviewer's opinion).
pub fn printable_whole(s: &str) -> String {
    escaped(s, usize::MAX)
}

fn escaped(s: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max_chars.saturating_mul(4)));
    for (i, c) in s.chars().enumerate() {
        if i == max_chars {
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
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
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
}
