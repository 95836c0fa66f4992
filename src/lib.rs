//! # gcforms — 政务云资源申请助手, the core
//!
//! The four documents of Shaoguan's 政务云 measures (韶政数通〔2020〕16号) and
//! the yearly demand estimate, the policy their rules are drawn from, and the
//! rules themselves. The desktop
//! shell and the `gcforms` CLI are thin adapters over this crate; it never
//! depends on tauri.
//!
//! ```
//! let policy = gcforms::policy::Policy::default_shaoguan();
//! let json = br#"{"form":"security_pledge","schema_version":1,"id":"x"}"#;
//! let report = gcforms::validate_bytes(json, &policy).unwrap();
//! assert!(report.findings.iter().any(|f| f.code == gcforms::rules::Code::Required));
//! ```

pub mod backup;
pub mod calendar;
pub mod data_dir;
pub mod demand;
pub mod document;
pub mod escape;
pub mod inbox;
pub mod input;
pub mod package;
pub mod pledge_text;
pub mod policy;
pub mod render;
pub mod rules;
pub mod sign;
pub mod store;

pub use rules::{validate_bytes, validate_value, Report};
