//! A signed PDF's bytes (`gcforms verify FILE.pdf`): every signature found
//! by scanning, its `/ByteRange`, CMS and certificate.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = gcforms::package::verify_signed_pdf(data, None);
});
