//! The route of a package (SPEC §5.1, 第十七、十九、二十三条): the levels that
//! review it, in order — the 主管部门 when the unit applies through one, the
//! county bureau when the unit is not a city unit, and the city bureau always,
//! last.
//!
//! The route is a function of a document's routing facts
//! ([`RoutingFacts::of_document`]): the `applicant` block of an application,
//! change or cancellation, or the top level of a demand estimate (SPEC §7).
//! A package's route is the one its routed documents agree on (the 附件2
//! has none).

use serde_json::Value;

use super::ReviewLevel;

/// The `jurisdiction` of a city unit (市直).
pub const CITY: &str = "city";

/// What decides a document's route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingFacts {
    /// 主管部门, when the unit applies through one.
    pub supervisor_unit: Option<String>,
    /// `city` or a county-level area.
    pub jurisdiction: Option<String>,
}

impl RoutingFacts {
    /// The facts of a document's data, by its `form`; `None` for a form that
    /// is not reviewed on its own (the 附件2 goes with its application).
    pub fn of_document(data: &Value) -> Option<RoutingFacts> {
        let holder = match data.get("form").and_then(Value::as_str)? {
            "application" | "change" | "cancellation" => data.get("applicant")?,
            "demand_estimate" => data,
            _ => return None,
        };
        let text = |key: &str| {
            holder
                .get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        Some(RoutingFacts {
            supervisor_unit: text("supervisor_unit"),
            jurisdiction: text("jurisdiction"),
        })
    }
}

/// Why a package has no route.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RouteError {
    /// No application, change, cancellation or demand estimate.
    #[error("提交包中没有资源申请表、变更申请表、注销申请表或需求预估表，无法确定审核层级")]
    NoRoutedDocument,
    /// A routed document without its jurisdiction.
    #[error("文档{} 未填写所属地区（jurisdiction），无法确定是否须经县(市、区)审核", .0 + 1)]
    NoJurisdiction(usize),
    /// Two documents route differently.
    #[error("文档{} 与文档{} 的审核层级不同（主管部门或所属地区不一致），无法确定审核层级", .0 + 1, .1 + 1)]
    Conflict(usize, usize),
}

/// The levels that review a package, in order; the city is always last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route(Vec<ReviewLevel>);

impl Route {
    /// The route of one document's facts; `None` without a jurisdiction.
    pub fn of_facts(facts: &RoutingFacts) -> Option<Route> {
        let jurisdiction = facts.jurisdiction.as_deref()?;
        let mut levels = Vec::with_capacity(3);
        if facts.supervisor_unit.is_some() {
            levels.push(ReviewLevel::Supervisor);
        }
        if jurisdiction != CITY {
            levels.push(ReviewLevel::County);
        }
        levels.push(ReviewLevel::City);
        Some(Route(levels))
    }

    /// The route of a package's documents (their `data`): every routed
    /// document must give the same one.
    pub fn of_documents<'a>(
        documents: impl IntoIterator<Item = &'a Value>,
    ) -> Result<Route, RouteError> {
        let mut found: Option<(usize, Route)> = None;
        for (i, data) in documents.into_iter().enumerate() {
            let Some(facts) = RoutingFacts::of_document(data) else {
                continue;
            };
            let route = Route::of_facts(&facts).ok_or(RouteError::NoJurisdiction(i))?;
            match &found {
                Some((first, r)) if *r != route => return Err(RouteError::Conflict(*first, i)),
                Some(_) => {}
                None => found = Some((i, route)),
            }
        }
        found.map(|(_, r)| r).ok_or(RouteError::NoRoutedDocument)
    }

    /// The levels, in order.
    pub fn levels(&self) -> &[ReviewLevel] {
        &self.0
    }

    /// Whether `level` reviews this package.
    pub fn contains(&self, level: ReviewLevel) -> bool {
        self.0.contains(&level)
    }

    /// 「主管部门 → 韶关市政务服务数据管理部门」.
    pub fn describe(&self) -> String {
        self.0
            .iter()
            .map(|l| l.label())
            .collect::<Vec<_>>()
            .join(" → ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn route(docs: &[Value]) -> Result<Vec<ReviewLevel>, RouteError> {
        Route::of_documents(docs).map(|r| r.levels().to_vec())
    }

    #[test]
    fn routes_follow_the_supervisor_and_the_jurisdiction() {
        use ReviewLevel::*;
        let app = |supervisor: &str, jurisdiction: &str| json!({"form": "application", "applicant": {"supervisor_unit": supervisor, "jurisdiction": jurisdiction}});
        let pledge = json!({"form": "security_pledge", "unit_name": "x"});
        assert_eq!(
            route(&[app("韶关市自然资源局", "city"), pledge.clone()]),
            Ok(vec![Supervisor, City])
        );
        assert_eq!(route(&[app("", "city")]), Ok(vec![City]));
        assert_eq!(route(&[app("  ", "wujiang")]), Ok(vec![County, City]));
        assert_eq!(
            route(&[app("乐昌市卫生健康局", "lechang")]),
            Ok(vec![Supervisor, County, City])
        );
        let estimate = json!({"form": "demand_estimate", "supervisor_unit": "韶关市教育局", "jurisdiction": "city"});
        assert_eq!(route(&[estimate]), Ok(vec![Supervisor, City]));
        let change = json!({"form": "change", "applicant": {"jurisdiction": "renhua"}});
        assert_eq!(route(&[change.clone(), change]), Ok(vec![County, City]));
        assert_eq!(
            route(std::slice::from_ref(&pledge)),
            Err(RouteError::NoRoutedDocument)
        );
        assert_eq!(
            route(&[pledge, json!({"form": "cancellation", "applicant": {}})]),
            Err(RouteError::NoJurisdiction(1))
        );
        assert_eq!(
            route(&[app("", "city"), app("", "wujiang")]),
            Err(RouteError::Conflict(0, 1))
        );
    }
}
