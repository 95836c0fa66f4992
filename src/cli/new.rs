//! `gcforms new FORM [--from SOURCE.json] [-o OUT.json]`: a blank
//! document with a fresh `id`, as the app's 新建 makes one. A 附件3 or 附件4
//! given `--from` starts from the application it changes or cancels
//! ([`gcforms::document::prefill`]), as the app's 引用原申请 does; a
//! 资源需求预估表 given `--from` starts from last year's, as the app's
//! 以此为模板新建 does.

use std::path::Path;

use gcforms::document::{prefill, FormKind};
use gcforms::input::read_file_limited;
use gcforms::store::{new_document, UnitProfile};

use super::{report_error, write_output, Outcome};

/// Writes the new document to `output`, or to standard output.
pub fn run(form: FormKind, from: Option<&Path>, output: Option<&Path>) -> Outcome {
    let mut document = new_document(form, &UnitProfile::default());
    if let Some(path) = from {
        let name = path.display().to_string();
        let source = match read_file_limited(path).and_then(|b| gcforms::input::parse_json(&b)) {
            Ok(v) => v,
            Err(e) => {
                report_error(&name, &e);
                return Outcome::Unreadable;
            }
        };
        let filled = if form == FormKind::DemandEstimate {
            let today = chrono::Local::now().date_naive();
            prefill::from_estimate(&document, &source, today)
        } else {
            prefill::from_application(&document, &source)
        };
        document = match filled {
            Ok(d) => d,
            Err(e) => {
                report_error(&name, &e);
                return Outcome::Findings;
            }
        };
    }
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    match output {
        Some(path) => write_output(path, text.as_bytes()),
        None => {
            print!("{text}");
            Outcome::Ok
        }
    }
}
