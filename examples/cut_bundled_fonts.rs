//! Cuts the two faces bundled in the program from the system's full Noto
//! CJK faces (Debian's `fonts-noto-cjk`, or the folder in
//! `GCFORMS_FONT_DIR`): the characters of `assets/fonts/common-chars.txt`,
//! glyph order, CIDs, outlines and advances kept. Run by
//! `scripts/cut-bundled-fonts`; the test `bundled_faces_are_cut_from_noto`
//! fails when the files in `assets/fonts/` are not what this writes.

use std::path::Path;
use std::process::ExitCode;

use gcforms::render::{fallback_dirs, Fonts};

fn main() -> ExitCode {
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts");
    let cut = Fonts::full_noto(fallback_dirs()).and_then(|fonts| fonts.cut_common());
    let (body, heading) = match cut {
        Ok(faces) => faces,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    for (name, bytes) in [
        ("NotoSerifCJKsc-Regular-gcforms.otf", body),
        ("NotoSansCJKsc-Bold-gcforms.otf", heading),
    ] {
        let path = out.join(name);
        if let Err(e) = std::fs::write(&path, &bytes) {
            eprintln!("无法写入 {}：{e}", path.display());
            return ExitCode::from(2);
        }
        println!("{}: {} 字节", path.display(), bytes.len());
    }
    ExitCode::SUCCESS
}
