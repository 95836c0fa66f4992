//! The common font subsets and their per-user cache: they change how fast a
//! form prints, never what is printed.
//!
//! Needs fonts-noto-cjk.

use std::path::{Path, PathBuf};

use serde_json::Value;

use gcforms::document::Document;
use gcforms::policy::Policy;
use gcforms::render::{render_with, Coverage, Fonts, RenderError, RenderOptions, COMMON_CHARS};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn document(value: Value) -> Document {
    let report = gcforms::validate_value(value, Policy::default_shaoguan()).unwrap();
    report.document.expect("a typed document")
}

fn example(name: &str) -> Value {
    serde_json::from_slice(&std::fs::read(root().join(format!("examples/{name}.json"))).unwrap())
        .unwrap()
}

/// The example, with the rare name characters 珺喆燊堃 (beyond GB 2312)
/// replaced by common ones.
fn common_example(name: &str) -> Document {
    let text = serde_json::to_string(&example(name)).unwrap();
    let text: String = text
        .chars()
        .map(|c| if "珺喆燊堃".contains(c) { '明' } else { c })
        .collect();
    document(serde_json::from_str(&text).unwrap())
}

fn pdf(fonts: &Fonts, doc: &Document, options: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    render_with(fonts, doc, Policy::default_shaoguan(), options)
}

fn cache_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.sort();
    entries
}

const FORMS: [&str; 5] = [
    "application",
    "security_pledge",
    "change",
    "cancellation",
    "demand_estimate",
];

#[test]
fn the_common_subsets_print_the_same_bytes_as_the_full_faces() {
    let dir = tempfile::tempdir().unwrap();
    let full = Fonts::load_system().expect("fonts-noto-cjk installed");
    let common = Fonts::load_common(dir.path(), Some(&full)).unwrap();
    assert_eq!(common.coverage(), Coverage::Common);
    let options = [
        RenderOptions::default(),
        RenderOptions {
            copies: Some(2),
            draft: true,
            fingerprint: Some("AB:CD".into()),
            signature_area: true,
            reviews: [
                gcforms::render::ReviewBox::NotOnRoute,
                gcforms::render::ReviewBox::Decided {
                    decision: "同意".into(),
                    opinion: "同意上报。".into(),
                    unit: "韶关市政务服务数据管理局".into(),
                    reviewer: "黄山".into(),
                    fingerprint: "AB:CD".into(),
                    date: "2026-10-09".into(),
                },
                gcforms::render::ReviewBox::Blank,
            ],
        },
    ];
    for name in FORMS {
        let doc = common_example(name);
        for options in &options {
            let a = pdf(&full, &doc, options).unwrap();
            let b = pdf(&common, &doc, options).unwrap();
            assert!(a == b, "{name} {options:?}: the subset changed the PDF");
        }
    }
    // Two entries (body, heading), each far smaller than its collection.
    let entries = cache_entries(dir.path());
    assert_eq!(entries.len(), 2, "{entries:?}");
    for entry in entries {
        let size = std::fs::metadata(&entry).unwrap().len();
        assert!(size < 4_000_000, "{}: {size} bytes", entry.display());
    }
}

#[test]
fn characters_beyond_the_subsets_are_learned_for_the_next_time() {
    let dir = tempfile::tempdir().unwrap();
    let full = Fonts::load_system().expect("fonts-noto-cjk installed");
    let common = Fonts::load_common(dir.path(), Some(&full)).unwrap();
    let doc = document(example("application"));
    let options = RenderOptions::default();
    let Err(RenderError::MissingGlyphs(missing)) = pdf(&common, &doc, &options) else {
        panic!("珺 and 喆 are beyond GB 2312");
    };
    let chars: Vec<char> = missing.iter().map(|m| m.ch).collect();
    assert!(chars.contains(&'珺') && chars.contains(&'喆'), "{chars:?}");

    common.learn(&full, &chars);
    let learned = Fonts::load_common(dir.path(), None).unwrap();
    assert_eq!(learned.coverage(), Coverage::Common);
    assert!(learned.has_glyph(gcforms::render::Face::Body, '珺'));
    let expected = pdf(&full, &doc, &options).unwrap();
    assert!(pdf(&learned, &doc, &options).unwrap() == expected);

    // Learning more keeps what was learned before.
    learned.learn(&full, &['燊']);
    let more = Fonts::load_common(dir.path(), None).unwrap();
    for c in ['珺', '喆', '燊', '明'] {
        assert!(more.has_glyph(gcforms::render::Face::Body, c), "{c}");
    }
    // A character no font has is not learned, and changes nothing.
    more.learn(&full, &['\u{E000}']);
    assert_eq!(cache_entries(dir.path()).len(), 2);
}

#[test]
fn a_damaged_cache_entry_is_cut_again() {
    let dir = tempfile::tempdir().unwrap();
    let full = Fonts::load_system().expect("fonts-noto-cjk installed");
    let doc = common_example("security_pledge");
    let expected = pdf(&full, &doc, &RenderOptions::default()).unwrap();
    Fonts::load_common(dir.path(), Some(&full)).unwrap();
    for entry in cache_entries(dir.path()) {
        let bytes = std::fs::read(&entry).unwrap();
        std::fs::write(&entry, &bytes[..bytes.len() / 3]).unwrap();
    }
    let again = Fonts::load_common(dir.path(), Some(&full)).unwrap();
    assert!(pdf(&again, &doc, &RenderOptions::default()).unwrap() == expected);
    // An unwritable cache folder still prints: the subset is cut in memory.
    let blocked = dir.path().join("blocked");
    std::fs::write(&blocked, b"a file, not a folder").unwrap();
    let unwritable = Fonts::load_common(&blocked.join("fonts"), Some(&full)).unwrap();
    assert!(pdf(&unwritable, &doc, &RenderOptions::default()).unwrap() == expected);
}

#[test]
fn the_cli_learns_rare_name_characters_in_its_cache() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a.pdf");
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_gcforms"))
            .env("GCFORMS_CACHE_DIR", dir.path())
            .args(["render", "examples/application.json", "-o"])
            .arg(&out)
            .current_dir(root())
            .output()
            .unwrap()
    };
    assert!(run().status.success());
    let first = std::fs::read(&out).unwrap();
    let fonts = dir.path().join("fonts");
    let learned = Fonts::load_common(&fonts, None).unwrap();
    assert!(learned.has_glyph(gcforms::render::Face::Body, '喆'));
    assert!(run().status.success());
    assert!(
        std::fs::read(&out).unwrap() == first,
        "same PDF from the cache"
    );
}

/// Every non-ASCII character of the forms' fixed text is in the common
/// list, so printing a form never needs the full faces for its own words.
/// `scripts/gen-common-chars` refreshes the list; keep its sources in step.
#[test]
fn common_chars_cover_the_fixed_text() {
    let sources = [
        "src/render",
        "src/document",
        "src/pledge_text.rs",
        "src/policy.rs",
        "src/sign/appearance.rs",
        "assets/policy",
    ];
    let mut files = Vec::new();
    for source in sources {
        let path = root().join(source);
        if path.is_dir() {
            let mut stack = vec![path];
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(dir).unwrap().flatten() {
                    let p = entry.path();
                    if p.is_dir() {
                        stack.push(p);
                    } else {
                        files.push(p);
                    }
                }
            }
        } else {
            files.push(path);
        }
    }
    let mut missing = std::collections::BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        missing.extend(
            text.chars()
                .filter(|c| !c.is_ascii() && !c.is_whitespace() && !COMMON_CHARS.contains(*c)),
        );
    }
    assert!(
        missing.is_empty(),
        "not in assets/fonts/common-chars.txt (run scripts/gen-common-chars): {missing:?}"
    );
}
