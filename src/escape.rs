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
        if c.is_control() || is_invisible_format(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Invisible formatting characters: the bidirectional controls, which can
/// make a printed name read differently from what it is, and zero-width
/// characters and marks, which print as nothing (or as a box) and make two
/// equal-looking names differ.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{061c}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
    )
}

/// The first character of `s` that a form cannot hold: a control character
/// other than line break, carriage return and tab (which the printed form
/// lays out as a new line and a space), or an invisible formatting
/// character. With its position (1-based, in characters).
pub fn unprintable(s: &str) -> Option<(usize, char)> {
    s.chars()
        .enumerate()
        .find(|&(_, c)| {
            (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || is_invisible_format(c)
        })
        .map(|(i, c)| (i + 1, c))
}

/// How a character is named in a message: its code point, `U+202E`.
pub fn code_point(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unprintable_finds_controls_and_invisible_marks_but_not_line_breaks() {
        assert_eq!(unprintable("韶关市\n数据局\t"), None);
        assert_eq!(unprintable("韶关\u{202e}市"), Some((3, '\u{202e}')));
        assert_eq!(unprintable("a\u{7}"), Some((2, '\u{7}')));
        assert_eq!(unprintable("a\u{200b}b"), Some((2, '\u{200b}')));
        assert_eq!(unprintable("\u{feff}x"), Some((1, '\u{feff}')));
        assert_eq!(code_point('\u{202e}'), "U+202E");
        assert_eq!(code_point('\u{7}'), "U+0007");
    }

    #[test]
    fn printable_escapes_controls_and_bidi() {
        assert_eq!(printable("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(printable("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(printable("韶关"), "韶关");
        assert_eq!(printable(&"长".repeat(100)).chars().count(), 81);
    }
}
