//! A single flipped byte anywhere in a package or a signed PDF makes
//! `verify` fail (SPEC §5): in the signed ranges, in the base64, in the
//! signature, in the certificate, in the CMS.

use gcforms::package::{verify_package, verify_signed_pdf};

use super::{calendar, packed, policy, signed_pdf};
use crate::support::Rng;

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

/// The signed PDF of each form: 附件1 and 附件2 from one package, 附件3 and
/// 附件4 each packed alone.
fn every_signed_pdf() -> Vec<(&'static str, Vec<u8>)> {
    use gcforms::package::{pack, PaperRenderer};
    let alone = |form: &str| {
        let package = pack(
            vec![super::example(form)],
            policy(),
            super::key(),
            &PaperRenderer,
            &super::options(),
        )
        .unwrap();
        super::pdf_of(&serde_json::to_vec(&package).unwrap(), 0)
    };
    vec![
        ("application", signed_pdf().to_vec()),
        ("security_pledge", super::pdf_of(packed(), 1)),
        ("change", alone("change")),
        ("cancellation", alone("cancellation")),
    ]
}

/// The byte offsets of the signature dictionary holding `/ByteRange`: from
/// its `<<` to its `>>`.
fn signature_dictionary(pdf: &[u8]) -> std::ops::Range<usize> {
    let br = find(pdf, b"/ByteRange");
    let start = pdf[..br].windows(2).rposition(|w| w == b"<<").unwrap();
    let mut depth = 0usize;
    let mut i = start;
    loop {
        if pdf[i..].starts_with(b"<<") {
            depth += 1;
            i += 2;
        } else if pdf[i..].starts_with(b">>") {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return start..i;
            }
        } else {
            i += 1;
        }
    }
}

/// Issue 16's figure: in each signed PDF, 10,000 positions sampled at
/// random, every byte within 64 of each end of the signed ranges, and every
/// byte of the signature dictionary (its `/Contents` included) — each
/// changed — and `verify` must fail every time. Spread over two threads.
#[test]
fn every_byte_of_each_signed_pdf_sampled_and_its_signature_dictionary_whole() {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    let mut rng = Rng(seed);
    let (mut tried, mut missed) = (0usize, Vec::new());
    for (form, pdf) in every_signed_pdf() {
        assert!(!pdf_fails(&pdf), "{form}: the unchanged PDF verifies");
        let sigs = gcforms::sign::verify_pdf(&pdf).unwrap();
        let [a, b, c, d] = sigs[0].byte_range;
        let mut positions: Vec<usize> = (0..10_000)
            .map(|_| rng.below(pdf.len() as u64) as usize)
            .collect();
        for edge in [a, a + b, c, c + d] {
            positions.extend(edge.saturating_sub(64)..(edge + 64).min(pdf.len()));
        }
        positions.extend(signature_dictionary(&pdf));
        positions.sort_unstable();
        positions.dedup();
        // Each position changed in a way that stays plausible where it can:
        // a hex digit becomes another digit or changes case, anything else
        // has one bit flipped.
        let cases: Vec<(usize, u8)> = positions
            .iter()
            .enumerate()
            .map(|(n, &i)| {
                let mask = match pdf[i] {
                    b'a'..=b'f' | b'A'..=b'F' => 0x20,
                    b'0'..=b'9' => 0x01,
                    _ => 1u8 << (n % 8),
                };
                (i, mask)
            })
            .collect();
        let halves = cases.split_at(cases.len() / 2);
        let undetected: Vec<(usize, u8)> = std::thread::scope(|s| {
            let pdf = &pdf;
            let run = move |part: &[(usize, u8)]| {
                part.iter()
                    .filter(|&&(i, mask)| !pdf_fails(&flipped(pdf, i, mask)))
                    .copied()
                    .collect::<Vec<_>>()
            };
            let first = s.spawn(move || run(halves.0));
            let mut second = run(halves.1);
            let mut all = first.join().unwrap();
            all.append(&mut second);
            all
        });
        tried += cases.len();
        missed.extend(undetected.into_iter().map(|(i, m)| (form, i, m)));
        assert!(
            positions.len() > 10_000,
            "{form}: {} positions",
            positions.len()
        );
    }
    eprintln!(
        "every-byte test of the signed PDFs (seed {seed}): {tried} positions tried, {} missed",
        missed.len()
    );
    assert!(
        missed.is_empty(),
        "seed {seed}: undetected changes (form, position, mask): {missed:?}"
    );
}
