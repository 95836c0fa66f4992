//! The faces bundled in the program: every form prints from them alone,
//! to the same bytes with or without the system's fonts, and a character
//! they lack comes from a system face — Noto CJK or a TrueType face like
//! SimSun — or is an error naming it and its field.
//!
//! Needs fonts-noto-cjk (what the bundle is cut from) and
//! fonts-droid-fallback (a TrueType CJK face, as Windows' SimSun is).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use gcforms::document::Document;
use gcforms::policy::Policy;
use gcforms::render::{
    common_chars, fallback_dirs, render_with, Face, Fonts, RenderError, RenderOptions,
    BUNDLED_BODY, BUNDLED_HEADING, COMMON_CHARS,
};

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

fn pdf(fonts: &Fonts, doc: &Document, options: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    render_with(fonts, doc, Policy::default_shaoguan(), options)
}

const FORMS: [&str; 5] = [
    "application",
    "security_pledge",
    "change",
    "cancellation",
    "demand_estimate",
];

/// A character beyond the bundle (not in the 通用规范汉字表 nor GB 2312)
/// that both Noto Serif CJK and Droid Sans Fallback have.
const RARE: char = '丂';

/// The Debian folder of a TrueType CJK face (fonts-droid-fallback).
const TRUETYPE_FACE: &str = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf";

/// The folder of the full Noto CJK collections (fonts-noto-cjk).
const NOTO_DIR: &str = "/usr/share/fonts/opentype/noto";

/// A folder holding only `files` (linked), as a PC with just those fonts.
fn font_folder(files: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in files {
        let path = Path::new(file);
        std::os::unix::fs::symlink(path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    dir
}

fn all_options() -> [RenderOptions; 2] {
    [
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
    ]
}

/// The committed faces are what `scripts/cut-bundled-fonts` cuts from the
/// installed Noto collections, and they hold every character of the list
/// that Noto has.
#[test]
fn bundled_faces_are_cut_from_noto() {
    let full = Fonts::full_noto(vec![PathBuf::from(NOTO_DIR)]).expect("fonts-noto-cjk installed");
    let (body, heading) = full.cut_common().unwrap();
    assert!(
        body == BUNDLED_BODY && heading == BUNDLED_HEADING,
        "assets/fonts/*-gcforms.otf are stale: run scripts/cut-bundled-fonts"
    );
    let bundled = Fonts::bundled_with_fallback_dirs(Vec::new());
    for face in [Face::Body, Face::Heading] {
        let lacking: String = common_chars()
            .filter(|&c| full.primary_has_glyph(face, c) && !bundled.primary_has_glyph(face, c))
            .collect();
        assert!(lacking.is_empty(), "{face:?} lacks {lacking}");
    }
    // The 8,105 characters of the 通用规范汉字表 are there, with GB 2312's.
    let han = common_chars()
        .filter(|&c| {
            bundled.primary_has_glyph(Face::Body, c) && ('\u{3400}'..='\u{3134F}').contains(&c)
        })
        .count();
    assert!(han >= 8_105 + 200, "{han} Chinese characters bundled");
    assert!(!bundled.primary_has_glyph(Face::Body, RARE));
}

/// With no system font at all (an empty font folder), every example prints,
/// to the same bytes as with the system's fonts and as with the full Noto
/// faces the bundle was cut from.
#[test]
fn every_example_prints_the_same_without_system_fonts() {
    let empty = tempfile::tempdir().unwrap();
    let alone = Fonts::bundled_with_fallback_dirs(vec![empty.path().to_path_buf()]);
    let with_system = Fonts::bundled_with_fallback_dirs(fallback_dirs());
    let full = Fonts::full_noto(vec![PathBuf::from(NOTO_DIR)]).expect("fonts-noto-cjk installed");
    for name in FORMS {
        let doc = document(example(name));
        for options in &all_options() {
            let a = pdf(&alone, &doc, options).unwrap();
            assert!(
                pdf(&with_system, &doc, options).unwrap() == a,
                "{name} {options:?}"
            );
            assert!(
                pdf(&full, &doc, options).unwrap() == a,
                "{name} {options:?}: full faces"
            );
        }
    }
}

fn with_rare_name() -> Document {
    let mut value = example("application");
    value["applicant"]["contact_name"] = Value::String(format!("王{RARE}明"));
    document(value)
}

fn pdftotext(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// `pdffonts`' table without its two header lines.
fn pdffonts(pdf: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdffonts").arg(&path).output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .skip(2)
        .map(str::to_string)
        .collect()
}

/// A name with a character the bundle lacks takes it from a system face:
/// a TrueType one (as SimSun on Windows) embedded as a TrueType subset, or
/// the full Noto face; every other character stays in the bundled face.
/// With no system font it is an error naming the character and its field.
#[test]
fn a_character_outside_the_bundle_uses_the_fallback_face() {
    let doc = with_rare_name();
    let options = RenderOptions::default();

    let truetype = font_folder(&[TRUETYPE_FACE]);
    let fonts = Fonts::bundled_with_fallback_dirs(vec![truetype.path().to_path_buf()]);
    let printed = pdf(&fonts, &doc, &options).unwrap();
    assert!(pdftotext(&printed).contains(&format!("王{RARE}明")));
    let table = pdffonts(&printed);
    assert_eq!(table.len(), 3, "{table:#?}");
    let fallback: Vec<&String> = table
        .iter()
        .filter(|l| l.contains("DroidSansFallback"))
        .collect();
    assert_eq!(fallback.len(), 1, "{table:#?}");
    assert!(fallback[0].contains("CID TrueType"), "{table:#?}");
    for line in &table {
        // emb sub uni, before the object number and generation.
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(
            words[words.len() - 5..words.len() - 2],
            ["yes"; 3],
            "{line}"
        );
    }
    for line in table.iter().filter(|l| !l.contains("DroidSansFallback")) {
        assert!(line.contains("CID Type 0C"), "{table:#?}");
    }

    // Song faces come first for the body: with Noto Serif and Droid both
    // present, the character is Noto Serif's.
    let both = font_folder(&[
        TRUETYPE_FACE,
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    ]);
    let fonts = Fonts::bundled_with_fallback_dirs(vec![both.path().to_path_buf()]);
    let printed = pdf(&fonts, &doc, &options).unwrap();
    let table = pdffonts(&printed);
    assert_eq!(table.len(), 3, "{table:#?}");
    assert_eq!(
        table
            .iter()
            .filter(|l| l.contains("NotoSerifCJKsc-Regular"))
            .count(),
        2,
        "the bundled face and the full one: {table:#?}"
    );

    // The same fallback face gives the same bytes wherever it is found.
    let again = font_folder(&[TRUETYPE_FACE]);
    let fonts = Fonts::bundled_with_fallback_dirs(vec![again.path().to_path_buf()]);
    let one = pdf(&fonts, &doc, &options).unwrap();
    let truetype_only = Fonts::bundled_with_fallback_dirs(vec![truetype.path().to_path_buf()]);
    assert!(pdf(&truetype_only, &doc, &options).unwrap() == one);

    let empty = tempfile::tempdir().unwrap();
    let fonts = Fonts::bundled_with_fallback_dirs(vec![empty.path().to_path_buf()]);
    let Err(RenderError::MissingGlyphs(missing)) = pdf(&fonts, &doc, &options) else {
        panic!("{RARE} is in no font");
    };
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!(missing[0].ch, RARE);
    assert_eq!(missing[0].path, "applicant.contact_name");
    let message = missing[0].to_string();
    assert!(
        message.contains(RARE) && message.contains("U+4E02"),
        "{message}"
    );
}

fn cli(font_dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gcforms"))
        .env("GCFORMS_FONT_DIR", font_dir)
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}

/// The command line prints from the bundle with an empty font folder, the
/// same bytes as with the system's, and names a character no font has.
#[test]
fn the_cli_prints_without_system_fonts() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("fonts");
    std::fs::create_dir(&empty).unwrap();
    let out = dir.path().join("a.pdf");
    let out_arg = out.to_str().unwrap();
    let run = cli(
        &empty,
        &["render", "examples/application.json", "-o", out_arg],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let alone = std::fs::read(&out).unwrap();
    let run = cli(
        Path::new(NOTO_DIR),
        &["render", "examples/application.json", "-o", out_arg],
    );
    assert!(run.status.success());
    assert!(std::fs::read(&out).unwrap() == alone);

    let rare = dir.path().join("rare.json");
    let mut value = example("application");
    value["applicant"]["contact_name"] = Value::String(format!("王{RARE}明"));
    std::fs::write(&rare, serde_json::to_vec(&value).unwrap()).unwrap();
    std::fs::remove_file(&out).unwrap();
    let run = cli(&empty, &["render", rare.to_str().unwrap(), "-o", out_arg]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("U+4E02") && stderr.contains("applicant.contact_name"),
        "{stderr}"
    );
    assert!(!out.exists(), "no file for a document that cannot print");
    let truetype = font_folder(&[TRUETYPE_FACE]);
    let run = cli(
        truetype.path(),
        &["render", rare.to_str().unwrap(), "-o", out_arg],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(pdftotext(&std::fs::read(&out).unwrap()).contains(&format!("王{RARE}明")));
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
