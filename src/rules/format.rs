//! Formats of phone numbers, e-mail addresses and dates.

use chrono::NaiveDate;

/// A mainland mobile (`1[3-9]` + 9 digits, optionally after `+86`) or a
/// landline: `0` + a 2–3 digit area code, an optional `-`, 7–8 digits, and an
/// optional extension (`-`, `转` or `#` + 1–6 digits). Shaoguan's area code is 0751.
pub fn is_phone(s: &str) -> bool {
    let s = s.trim();
    let mobile = s
        .strip_prefix("+86")
        .or_else(|| s.strip_prefix("86-"))
        .unwrap_or(s);
    if is_mobile(mobile.trim_start()) {
        return true;
    }
    is_landline(s)
}

fn is_mobile(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        && b.iter().all(u8::is_ascii_digit)
}

fn is_landline(s: &str) -> bool {
    let (number, extension) = split_extension(s);
    if let Some(ext) = extension {
        if !(1..=6).contains(&ext.len()) || !ext.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    let Some(rest) = number.strip_prefix('0') else {
        return false;
    };
    if let Some((area, local)) = rest.split_once('-') {
        return (2..=3).contains(&area.len())
            && all_digits(area)
            && (7..=8).contains(&local.len())
            && all_digits(local);
    }
    // Without a dash, area code and local number run together: 2+7 to 3+8 digits.
    all_digits(rest) && (9..=11).contains(&rest.len())
}

fn split_extension(s: &str) -> (&str, Option<&str>) {
    for sep in ["转", "#", "ext"] {
        if let Some((n, e)) = s.split_once(sep) {
            return (n.trim(), Some(e.trim()));
        }
    }
    // A second dash starts an extension: 0751-8888888-123.
    if let Some(first) = s.find('-') {
        if let Some(second) = s[first + 1..].find('-') {
            let at = first + 1 + second;
            return (&s[..at], Some(&s[at + 1..]));
        }
    }
    (s, None)
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// A plausible e-mail address: one `@`, a local part without spaces, and a
/// domain of dot-separated labels ending in an alphabetic top-level label.
pub fn is_email(s: &str) -> bool {
    let s = s.trim();
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    if local.is_empty() || local.len() > 64 || domain.contains('@') || s.len() > 254 {
        return false;
    }
    let local_ok = local
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "._%+-!#$&'*/=?^`{|}~".contains(c))
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
    local_ok && domain_ok
}

/// Parses a strict `YYYY-MM-DD` date.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// True for an RFC 3339 date-time.
pub fn is_rfc3339(s: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(s).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        for ok in [
            "13800138000",
            "19912345678",
            "+8613800138000",
            "0751-8888888",
            "07518888888",
            "0751-88888888",
            "020-12345678",
            "010-1234567",
            "0751-8888888-123",
            "0751-8888888转806",
        ] {
            assert!(is_phone(ok), "{ok} should be accepted");
        }
        for bad in [
            "",
            "12800138000",
            "1380013800",
            "138001380000",
            "751-8888888",
            "0751-888888",
            "0751-888888888",
            "0751-8888888-1234567",
            "abc",
            "0751 8888888x",
            "13800１38000",
        ] {
            assert!(!is_phone(bad), "{bad} should be refused");
        }
    }

    #[test]
    fn emails() {
        for ok in ["a@b.cn", "zhang.san@sg.gov.cn", "x+tag@mail-1.example.com"] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "", "a", "a@", "@b.cn", "a@b", "a@b.c", "a b@c.cn", "a@@b.cn", "a@b..cn", "a@-b.cn",
            "a@b.c1",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn dates() {
        assert!(parse_date("2026-02-28").is_some());
        assert!(parse_date("2024-02-29").is_some());
        for bad in [
            "2026-02-29",
            "2026-2-28",
            "2026/02/28",
            "20260228",
            "2026-13-01",
            " 2026-01-01",
        ] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
    }
}
