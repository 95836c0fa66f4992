//! The bytes the package's signatures cover, in RFC 8785 canonical form
//! (SPEC §5, §5.1):
//! - the applicant's `signature`: the package without `signature` and
//!   `reviews`;
//! - review number k (from 0): the whole package as it stood — the
//!   applicant's `signature` included — with `reviews` holding reviews 0…k
//!   and review k without its own `signature`.
//!
//! [`SignedForms`] puts each top-level member in canonical form once (the
//! documents with their PDFs are nearly all of a package's bytes) and
//! assembles every form from those pieces; the result is exactly
//! `jcs::canonicalize` of the package so cut (a unit test holds it to the
//! definitions written plainly).

use serde_json::Value;

use crate::sign::jcs::{canonicalize, JcsError};

/// The member that holds the reviews.
const REVIEWS: &str = "reviews";

/// The member that holds the applicant's signature.
const SIGNATURE: &str = "signature";

/// The signed forms of a package.
#[derive(Debug)]
pub struct SignedForms<'a> {
    /// Every top-level member but `reviews`, as `"name":value` in canonical
    /// form, in canonical order (by the names' UTF-16 code units).
    members: Vec<(&'a str, Vec<u8>)>,
    reviews: &'a [Value],
}

impl<'a> SignedForms<'a> {
    /// Prepares the forms of `package`, which must be an object.
    pub fn new(package: &'a Value) -> Result<SignedForms<'a>, JcsError> {
        let Some(object) = package.as_object() else {
            return Err(JcsError("提交包不是 JSON 对象".into()));
        };
        let reviews = object
            .get(REVIEWS)
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        let mut members = object
            .iter()
            .filter(|(name, _)| *name != REVIEWS)
            .map(|(name, value)| {
                let mut member = canonicalize(&Value::String(name.clone()))?;
                member.push(b':');
                member.extend(canonicalize(value)?);
                Ok((name.as_str(), member))
            })
            .collect::<Result<Vec<_>, JcsError>>()?;
        members.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
        Ok(SignedForms { members, reviews })
    }

    /// The bytes the applicant's `signature` covers.
    pub fn applicant(&self) -> Vec<u8> {
        self.assemble(None, |name| name != SIGNATURE)
    }

    /// How many reviews the package holds.
    pub fn reviews(&self) -> usize {
        self.reviews.len()
    }

    /// The bytes review `index` signs; `None` past the last review.
    pub fn review(&self, index: usize) -> Option<Result<Vec<u8>, JcsError>> {
        let mut stood: Vec<Value> = self.reviews.get(..=index)?.to_vec();
        if let Some(Value::Object(own)) = stood.last_mut() {
            own.shift_remove(SIGNATURE);
        }
        let mut member = b"\"reviews\":".to_vec();
        if let Err(e) = canonicalize(&Value::Array(stood)).map(|array| member.extend(array)) {
            return Some(Err(e));
        }
        Some(Ok(self.assemble(Some(member), |_| true)))
    }

    /// `{`, the members `keep` keeps with `reviews` (when given) in its
    /// place, `}`.
    fn assemble(&self, reviews: Option<Vec<u8>>, keep: impl Fn(&str) -> bool) -> Vec<u8> {
        let size: usize = self.members.iter().map(|(_, m)| m.len() + 1).sum();
        let mut out = Vec::with_capacity(size + reviews.as_ref().map_or(0, Vec::len) + 2);
        let mut reviews = reviews;
        out.push(b'{');
        for (name, member) in &self.members {
            if name.encode_utf16().gt(REVIEWS.encode_utf16()) {
                if let Some(r) = reviews.take() {
                    push_member(&mut out, &r);
                }
            }
            if keep(name) {
                push_member(&mut out, member);
            }
        }
        if let Some(r) = reviews {
            push_member(&mut out, &r);
        }
        out.push(b'}');
        out
    }
}

fn push_member(out: &mut Vec<u8>, member: &[u8]) {
    if out.len() > 1 {
        out.push(b',');
    }
    out.extend_from_slice(member);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// SPEC §5.1's definition, written plainly.
    fn review_plain(package: &Value, index: usize) -> String {
        let mut stood = package.clone();
        let reviews = stood["reviews"].as_array_mut().unwrap();
        reviews.truncate(index + 1);
        reviews[index].as_object_mut().unwrap().remove("signature");
        String::from_utf8(canonicalize(&stood).unwrap()).unwrap()
    }

    /// SPEC §5's definition, written plainly.
    fn applicant_plain(package: &Value) -> String {
        let mut v = package.clone();
        v.as_object_mut().unwrap().remove("signature");
        v.as_object_mut().unwrap().remove("reviews");
        String::from_utf8(canonicalize(&v).unwrap()).unwrap()
    }

    #[test]
    fn assembled_forms_are_the_canonical_forms_of_the_definitions() {
        let reviews = json!([
            {"level": "supervisor", "opinion": "同意\n上报", "signature": {"value": "a"}},
            {"level": "city", "signature": {"value": "b"}},
        ]);
        for package in [
            json!({"format": "gcforms-package", "documents": [{"data": {"é": 1, "z": [1.5, "\u{1f600}"]}}], "reviews": reviews, "signature": {"value": "s"}, "created_at": "x"}),
            // Members only after `reviews`, only before it, and names that
            // sort differently by UTF-16 than by UTF-8.
            json!({"reviews": reviews, "zz": 1, "\u{ff61}": 2, "\u{1f600}": 3, "signature": 0}),
            json!({"a": true, "reviews": reviews}),
            json!({"reviews": reviews}),
        ] {
            let forms = SignedForms::new(&package).unwrap();
            for index in 0..2 {
                let ours = forms.review(index).unwrap().unwrap();
                assert_eq!(
                    String::from_utf8(ours).unwrap(),
                    review_plain(&package, index)
                );
            }
            assert!(forms.review(2).is_none());
            assert_eq!(
                String::from_utf8(forms.applicant()).unwrap(),
                applicant_plain(&package)
            );
        }
        let no_reviews = json!({"signature": 1, "b": 2});
        assert_eq!(
            SignedForms::new(&no_reviews).unwrap().applicant(),
            b"{\"b\":2}"
        );
    }
}
