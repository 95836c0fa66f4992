//! Rules over documents given together (SPEC §2.2, §5): an application needs
//! its 附件2 (`pledge_missing`, 第十九条), and the pledge must name the same
//! unit (`pledge_unit_mismatch`).

use super::findings::{Code, Finding};
use crate::document::Document;
use crate::escape::printable;

/// A finding about one document of a set, by its index in the set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetFinding {
    /// Index of the document the finding belongs to.
    pub index: usize,
    /// The finding.
    pub finding: Finding,
}

/// Checks the pairing of applications and pledges. With `require_pledge`
/// (building a package), every application needs a pledge whose
/// `application_id` is its `id`.
pub fn check(documents: &[&Document], require_pledge: bool) -> Vec<SetFinding> {
    let mut out = Vec::new();
    for (i, doc) in documents.iter().enumerate() {
        let Document::Application(app) = doc else {
            continue;
        };
        let app_id = app.envelope.id.as_deref().map(str::trim).unwrap_or("");
        let app_unit = app
            .applicant
            .as_ref()
            .and_then(|a| a.unit_name.as_deref())
            .map(str::trim);
        let pledges: Vec<(usize, &crate::document::SecurityPledge)> = documents
            .iter()
            .enumerate()
            .filter_map(|(j, d)| match d {
                Document::SecurityPledge(p)
                    if !app_id.is_empty()
                        && p.application_id.as_deref().map(str::trim) == Some(app_id) =>
                {
                    Some((j, p))
                }
                _ => None,
            })
            .collect();
        if pledges.is_empty() && require_pledge {
            out.push(SetFinding {
                index: i,
                finding: Finding::error(
                    Code::PledgeMissing,
                    "",
                    "缺少与本申请表对应的资源使用安全责任书（附件2）：按第十九条，申请须同时签署安全责任书，且责任书的申请编号应为本申请表的编号".into(),
                ),
            });
        }
        for (j, pledge) in pledges {
            let pledge_unit = pledge.unit_name.as_deref().map(str::trim);
            if let (Some(a), Some(p)) = (app_unit, pledge_unit) {
                if !a.is_empty() && !p.is_empty() && a != p {
                    out.push(SetFinding {
                        index: j,
                        finding: Finding::error(
                            Code::PledgeUnitMismatch,
                            "unit_name",
                            format!(
                                "安全责任书的单位“{}”与申请表的单位名称“{}”不一致，请改为同一单位",
                                printable(p),
                                printable(a)
                            ),
                        ),
                    });
                }
            }
        }
    }
    out
}
