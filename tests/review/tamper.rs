//! Tampering with reviews: edits, drops, swaps and substituted certificates
//! make `verify` fail and name the review; every single-byte flip of a small
//! reviewed package is detected (SPEC §5.1).

use gcforms::document::Document;
use gcforms::package::{ReviewDecision::*, ReviewLevel::*};
use gcforms::render::RenderError;
use gcforms::sign::Fingerprint;

use super::*;

/// The reviews named by failed checks.
fn named(v: &Verification) -> Vec<usize> {
    let mut reviews: Vec<usize> = failures(v).into_iter().filter_map(|(_, r)| r).collect();
    reviews.dedup();
    reviews
}

/// Fails, and each failed check about a review says which one in its text.
fn assert_fails_naming(bytes: &[u8], reviews: &[usize]) -> Verification {
    let v = verify(bytes);
    assert!(!v.valid);
    assert_eq!(named(&v), reviews, "{:#?}", failures(&v));
    for c in v.checks.iter().filter(|c| c.fails()) {
        if let Some(r) = c.review {
            assert!(
                c.message.contains(&format!("审核记录{}", r + 1)),
                "{}",
                c.message
            );
        }
    }
    v
}

#[test]
fn editing_an_earlier_opinion_breaks_it_and_every_later_review() {
    let [_, _, three] = approved_chain();
    let mut v = value(three);
    v["reviews"][0]["opinion"] = json!("同意上报，请从快办理。");
    let out = assert_fails_naming(&bytes(&v), &[0, 1, 2]);
    assert!(failures(&out)
        .iter()
        .all(|(code, _)| code == "review_signature"));
    // The last review's deadline: only its own signature.
    let mut v = value(three);
    v["reviews"][2]["deadline"] = json!("2026-10-30");
    assert_fails_naming(&bytes(&v), &[2]);
    // Its level, its decision, its received date.
    for (field, to) in [
        ("level", json!("county")),
        ("decision", json!("reject")),
        ("received", json!("2026-09-28")),
    ] {
        let mut v = value(three);
        v["reviews"][2][field] = to;
        let out = verify(&bytes(&v));
        assert!(!out.valid, "{field}");
        assert!(
            failures(&out).contains(&("review_signature".to_string(), Some(2))),
            "{field}"
        );
    }
}

#[test]
fn dropping_or_swapping_reviews_is_detected() {
    let [_, _, three] = approved_chain();
    // The first review dropped: the two left were signed over it.
    let mut v = value(three);
    v["reviews"].as_array_mut().unwrap().remove(0);
    let out = assert_fails_naming(&bytes(&v), &[0, 1]);
    assert!(failures(&out).contains(&("review_order".to_string(), Some(0))));
    // The last dropped: what is left verifies — it is the package as it
    // stood after the county — and says so: awaiting the city.
    let mut v = value(three);
    v["reviews"].as_array_mut().unwrap().pop();
    let out = verify(&bytes(&v));
    assert!(out.valid);
    assert_eq!(
        out.status,
        Some(gcforms::package::ReviewStatus::AwaitingCity)
    );
    // Two swapped.
    let mut v = value(three);
    v["reviews"].as_array_mut().unwrap().swap(0, 1);
    let out = assert_fails_naming(&bytes(&v), &[0, 1, 2]);
    assert!(failures(&out).contains(&("review_order".to_string(), Some(0))));
}

#[test]
fn another_reviewers_certificate_is_detected() {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let [_, _, three] = approved_chain();
    let other = reviewer_key(City);
    // The county's certificate swapped for the city's, fingerprint too.
    let mut v = value(three);
    v["reviews"][1]["signature"]["certificate"] = json!(b64.encode(&other.certificate().der));
    v["reviews"][1]["signature"]["fingerprint"] = json!(other.fingerprint().to_string());
    let out = assert_fails_naming(&bytes(&v), &[1, 2]);
    let check = out.checks.iter().find(|c| c.fails()).unwrap();
    assert!(check.message.contains("审核签名无效"), "{}", check.message);
    // The fingerprint alone: its first hex digit changed.
    let mut v = value(three);
    let stated = v["reviews"][2]["signature"]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    let first = if stated.starts_with('A') { "B" } else { "A" };
    v["reviews"][2]["signature"]["fingerprint"] = json!(format!("{first}{}", &stated[1..]));
    let out = assert_fails_naming(&bytes(&v), &[2]);
    assert!(out
        .checks
        .iter()
        .any(|c| c.fails() && c.message.contains("指纹")));
}

/// A one-page PDF with nothing on it: packages small enough to flip every
/// byte of. `pack` signs it like any other.
fn blank_pdf(_: &Document, _: &Policy, _: &Fingerprint) -> Result<Vec<u8>, RenderError> {
    use lopdf::{dictionary, Object, Stream};
    let mut doc = lopdf::Document::with_version("1.7");
    let pages = doc.new_object_id();
    let content = doc.add_object(Stream::new(dictionary! {}, Vec::new()));
    let page = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Contents" => content,
    });
    doc.objects.insert(
        pages,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    Ok(out)
}

/// A change routed 主管部门 → 市, with a blank PDF, reviewed by both.
fn small_reviewed_package() -> Vec<u8> {
    let mut change = example("change");
    change["applicant"]["supervisor_unit"] = json!(SUPERVISOR);
    let package = pack_with(vec![change], packed_at(), &blank_pdf);
    let one = append(
        &package,
        &request(Supervisor, Approve, "同意。", "2026-09-21", "2026-09-22"),
    )
    .unwrap();
    append(
        &one,
        &request(
            City,
            Return,
            "请补充\n扩容依据。",
            "2026-09-23",
            "2026-09-24",
        ),
    )
    .unwrap()
}

#[test]
fn every_flipped_byte_of_a_small_reviewed_package_is_detected() {
    let package = small_reviewed_package();
    let v = verify(&package);
    assert!(v.valid && v.reviews.len() == 2, "{:#?}", failures(&v));
    let fails = |bytes: &[u8]| {
        gcforms::package::verify_package(bytes, policy(), calendar(), None)
            .map_or(true, |v| !v.valid)
    };
    let positions: Vec<usize> = (0..package.len()).collect();
    // Both cores; each position flips one bit, the bit turning with the position.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4);
    let missed: Vec<(usize, u8)> = std::thread::scope(|s| {
        let workers: Vec<_> = positions
            .chunks(positions.len().div_ceil(threads))
            .map(|chunk| {
                let package = &package;
                s.spawn(move || {
                    let mut missed = Vec::new();
                    let mut flipped = package.clone();
                    for &i in chunk {
                        let mask = 1u8 << (i % 8);
                        flipped[i] ^= mask;
                        if !fails(&flipped) {
                            missed.push((i, mask));
                        }
                        flipped[i] ^= mask;
                    }
                    missed
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    eprintln!(
        "flipped one bit at each of {} byte positions of a package with {} reviews: {} undetected",
        positions.len(),
        v.reviews.len(),
        missed.len()
    );
    assert!(
        missed.is_empty(),
        "undetected flips (position, mask): {missed:?}"
    );
}
