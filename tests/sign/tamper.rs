//! A single flipped byte anywhere in a package or a signed PDF makes
//! `verify` fail (SPEC §5): in the signed ranges, in the base64, in the
//! signature, in the certificate, in the CMS.

use gcforms::package::{verify_package, verify_signed_pdf};

use super::{calendar, packed, policy, signed_pdf};

/// Flips `mask` into byte `i`.
fn flipped(bytes: &[u8], i: usize, mask: u8) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[i] ^= mask;
    out
}

fn package_fails(bytes: &[u8]) -> bool {
    verify_package(bytes, policy(), calendar(), None).map_or(true, |v| !v.valid)
}

fn pdf_fails(bytes: &[u8]) -> bool {
    verify_signed_pdf(bytes, None).map_or(true, |v| !v.valid)
}

fn find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).position(|w| w == needle).unwrap()
}

#[test]
fn every_flipped_byte_of_a_package_is_detected() {
    let p = packed();
    let mut positions: Vec<usize> = (0..p.len()).step_by(p.len() / 400).collect();
    // Every byte of the signature object (algorithm, certificate, value,
    // fingerprint), of the metadata at the top, and of each PDF's hash.
    let sig = find(p, b"\"signature\": {");
    positions.extend((sig..p.len()).step_by(2));
    positions.extend(0..find(p, b"\"documents\""));
    let mut at = 0;
    while let Some(h) = p[at..].windows(9).position(|w| w == b"\"sha256\":") {
        positions.extend(at + h..at + h + 80);
        at += h + 9;
    }
    positions.sort_unstable();
    positions.dedup();
    let mut missed = Vec::new();
    for (n, &i) in positions.iter().enumerate() {
        let mask = 1u8 << (n % 8);
        if !package_fails(&flipped(p, i, mask)) {
            missed.push((i, mask));
        }
    }
    assert!(positions.len() > 1000, "{} positions", positions.len());
    assert!(
        missed.is_empty(),
        "undetected flips (position, mask): {missed:?}"
    );
}

#[test]
fn every_flipped_byte_of_a_signed_pdf_is_detected() {
    let pdf = signed_pdf();
    assert!(!pdf_fails(pdf));
    let sigs = gcforms::sign::verify_pdf(pdf).unwrap();
    let [_, gap_start, gap_end, _] = sigs[0].byte_range;
    // Spread over the file, plus every hex digit of /Contents (the CMS with
    // its certificate and signature, and the padding) with the bit that
    // turns a-f into A-F, and the /ByteRange itself.
    let mut cases: Vec<(usize, u8)> = (0..pdf.len())
        .step_by(pdf.len() / 600)
        .enumerate()
        .map(|(n, i)| (i, 1u8 << (n % 8)))
        .collect();
    let der_end = gap_start
        + pdf[gap_start..gap_end - 1]
            .iter()
            .rposition(|b| *b != b'0')
            .unwrap();
    for (i, b) in pdf.iter().enumerate().take(der_end + 2).skip(gap_start) {
        cases.push((i, if b.is_ascii_alphabetic() { 0x20 } else { 0x01 }));
    }
    cases.extend((der_end + 1..gap_end).step_by(7).map(|i| (i, 0x01)));
    let br = find(pdf, b"/ByteRange");
    cases.extend((br..br + 60).map(|i| (i, 0x01)));
    let mut missed = Vec::new();
    for &(i, mask) in &cases {
        if !pdf_fails(&flipped(pdf, i, mask)) {
            missed.push((i, mask));
        }
    }
    assert!(
        missed.is_empty(),
        "undetected flips (position, mask): {missed:?}"
    );
}
