//! A PKCS#12 key file (`gcforms key import|show`, `pack --key`, the app's
//! 导入 .p12/.pfx). The seeds are protected with this target's passphrase,
//! some without a MAC and with unencrypted bags, so mutations reach the
//! bags and the key and certificate parsers, not only the MAC check.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = gcforms::sign::UnitKey::from_pkcs12(data, "fuzz-passphrase");
});
