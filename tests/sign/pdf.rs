//! Signed PDFs: PAdES structure, the visible block, reproducibility, more
//! than one signature, and what `verify_pdf` says about changes.

use gcforms::package::{verify_signed_pdf, PaperRenderer, RenderPdf};
use gcforms::sign::{sign_pdf, verify_pdf, SignatureAppearance};

use super::{key, other_key, policy, t0};

fn unsigned() -> Vec<u8> {
    let doc = gcforms::document::Document::SecurityPledge(Default::default());
    PaperRenderer
        .render_pdf(&doc, policy(), &key().fingerprint())
        .unwrap()
}

fn appearance() -> SignatureAppearance {
    SignatureAppearance::new(super::UNIT, "李珺", t0())
}

#[test]
fn pades_signature_covers_the_whole_file() {
    let signed = sign_pdf(&unsigned(), key(), &appearance()).unwrap();
    assert!(signed.starts_with(&unsigned()), "an incremental update");
    let text = String::from_utf8_lossy(&signed);
    assert!(
        text.contains("/SubFilter /ETSI.CAdES.detached")
            || text.contains("/SubFilter/ETSI.CAdES.detached")
    );
    assert!(text.contains("/Adobe.PPKLite"));
    assert!(text.contains("D:20260305164000+08'00'"));
    assert!(signed.ends_with(b"%%EOF\n"));
    let sigs = verify_pdf(&signed).unwrap();
    assert_eq!(sigs.len(), 1);
    let s = &sigs[0];
    assert!(s.is_intact(), "{s:?}");
    assert!(s.covers_whole_file);
    assert_eq!(s.byte_range[0], 0);
    assert_eq!(s.byte_range[2] + s.byte_range[3], signed.len());
    assert_eq!(s.signer.as_ref().unwrap().fingerprint, key().fingerprint());
    assert_eq!(s.time(), Some(t0()));
    assert_eq!(s.sub_filter.as_deref(), Some("/ETSI.CAdES.detached"));
}

#[test]
fn signing_is_reproducible() {
    let a = sign_pdf(&unsigned(), key(), &appearance()).unwrap();
    let b = sign_pdf(&unsigned(), key(), &appearance()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn visible_block_is_a_signature_widget_on_the_last_page() {
    let signed = sign_pdf(&unsigned(), key(), &appearance()).unwrap();
    let doc = lopdf::Document::load_mem(&signed).unwrap();
    let (_, page) = doc.get_pages().into_iter().next_back().unwrap();
    let page = doc.get_dictionary(page).unwrap();
    let annots = page.get(b"Annots").unwrap().as_array().unwrap();
    let widget = doc
        .get_dictionary(annots.last().unwrap().as_reference().unwrap())
        .unwrap();
    assert_eq!(widget.get(b"FT").unwrap().as_name().unwrap(), b"Sig");
    let rect: Vec<f32> = widget
        .get(b"Rect")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_float().unwrap())
        .collect();
    assert!(
        rect[2] - rect[0] > 100.0 && rect[3] - rect[1] > 30.0,
        "{rect:?}"
    );
    // Its description names the unit, the signer and the time.
    let contents = widget.get(b"Contents").unwrap().as_str().unwrap();
    let units: Vec<u16> = contents[2..]
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect();
    let text = String::from_utf16(&units).unwrap();
    assert!(
        text.contains(super::UNIT)
            && text.contains("李珺")
            && text.contains("2026-03-05 16:40:00 +08:00"),
        "{text}"
    );
    // Its appearance draws the text as outlines of the bundled face.
    let ap = widget
        .get(b"AP")
        .unwrap()
        .as_dict()
        .unwrap()
        .get(b"N")
        .unwrap()
        .as_reference()
        .unwrap();
    let stream = doc.get_object(ap).unwrap().as_stream().unwrap();
    let content = stream.decompressed_content().unwrap();
    let fills = content.windows(2).filter(|w| w == b"f\n").count();
    assert!(fills > 30, "glyph outlines drawn: {fills}");
    let catalog = doc.catalog().unwrap();
    let acro = catalog.get(b"AcroForm").unwrap().as_dict().unwrap();
    assert_eq!(acro.get(b"SigFlags").unwrap().as_i64().unwrap(), 3);
}

#[test]
fn second_signature_keeps_the_first_and_the_last_covers_all() {
    let once = sign_pdf(&unsigned(), key(), &appearance()).unwrap();
    let twice = sign_pdf(&once, other_key(), &appearance()).unwrap();
    let sigs = verify_pdf(&twice).unwrap();
    assert_eq!(sigs.len(), 2);
    assert!(sigs.iter().all(|s| s.is_intact()));
    assert!(!sigs[0].covers_whole_file && sigs[1].covers_whole_file);
    let v = verify_signed_pdf(&twice, None).unwrap();
    assert!(v.valid, "{:#?}", v.checks);
    assert_eq!(
        v.signer.unwrap().fingerprint,
        other_key().fingerprint().to_string()
    );
}

#[test]
fn changes_are_caught() {
    let signed = sign_pdf(&unsigned(), key(), &appearance()).unwrap();
    assert!(verify_signed_pdf(&signed, None).unwrap().valid);
    // Bytes appended after signing: not covered.
    let mut appended = signed.clone();
    appended.extend_from_slice(b"1 0 obj\n(x)\nendobj\n");
    let v = verify_signed_pdf(&appended, None).unwrap();
    assert!(!v.valid);
    assert!(v
        .checks
        .iter()
        .any(|c| c.code == "pdf_covers_whole_file" && !c.ok));
    // An unsigned PDF is not valid; bytes that are no PDF are unreadable.
    assert!(!verify_signed_pdf(&unsigned(), None).unwrap().valid);
    assert!(verify_signed_pdf(b"hello", None).is_err());
}

#[test]
fn signing_refuses_what_is_not_a_pdf() {
    assert!(sign_pdf(b"%PDF-1.7\ngarbage", key(), &appearance()).is_err());
    assert!(sign_pdf(b"", key(), &appearance()).is_err());
}
