//! Rules of 资源需求预估表 (SPEC §7): the filing unit's block, the year and
//! its due date (第十七条), each row's numbers, and the same system twice.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use super::collector::{Ctx, Field};
use super::findings::Code;
use super::host::HostContext;
use super::shared::{check_envelope, check_jurisdiction};
use super::totals::Sums;
use crate::document::{DemandEstimate, DemandItem};
use crate::escape::printable;

/// Every rule of a demand estimate. Returns the 总计 of its rows.
pub fn check(ctx: &mut Ctx, estimate: &DemandEstimate) -> Sums {
    check_envelope(ctx, &estimate.envelope);
    ctx.text(estimate.unit_name.as_deref(), Field::top("unit_name"), "");
    check_jurisdiction(
        ctx,
        estimate.jurisdiction.as_deref(),
        Field::top("jurisdiction"),
        "",
    );
    ctx.text(
        estimate.contact_name.as_deref(),
        Field::top("contact_name"),
        "",
    );
    ctx.phone(
        estimate.contact_phone.as_deref(),
        Field::top("contact_phone"),
        "",
    );
    let year = ctx.present(estimate.year, Field::top("year"), "");
    let submitted = ctx.date(
        estimate.submit_date.as_deref(),
        true,
        Field::top("submit_date"),
        "",
    );
    if let (Some(year), Some(submitted)) = (year, submitted) {
        check_year(ctx, year, submitted);
    }

    let items = estimate.items();
    if items.is_empty() {
        ctx.error(
            Code::Required,
            "items",
            "需求明细至少需要填写一行，请添加需求".into(),
        );
    }
    let mut sums = Sums::default();
    for (i, item) in items.iter().enumerate() {
        let at = HostContext::row("items", "items[]", "需求", i, item.system_name.as_deref());
        check_item(ctx, item, &at);
        sums += Sums::of_demand_item(item);
    }
    check_duplicate_systems(ctx, estimate);
    sums
}

/// `estimate_year` when 预估年度 is not after the year of 填报日期; otherwise
/// `estimate_late` (a warning) when 填报日期 is after the due date.
fn check_year(ctx: &mut Ctx, year: i64, submitted: NaiveDate) {
    let filed_in = i64::from(submitted.year());
    if year <= filed_in {
        let field = ctx.label("year");
        ctx.error(
            Code::EstimateYear,
            "year",
            format!(
                "{field}为{year}年，应晚于填报日期 {submitted} 所在的{filed_in}年（第十七条：每年提出的是第二年的资源需求），请改为{}年",
                filed_in + 1
            ),
        );
        return;
    }
    let Some(due) = ctx.policy.sla.demand_estimate_due_for(year) else {
        return;
    };
    if submitted > due {
        let late = (submitted - due).num_days();
        ctx.warning(
            Code::EstimateLate,
            "submit_date",
            format!(
                "填报日期 {submitted} 晚于{year}年度需求预估的报送截止日期 {due}，逾期{late}天（第十七条）；请尽快报送，并在备注中说明逾期原因"
            ),
        );
    }
}

/// One row: 系统名称 and 需求类型 required; the numbers present, whole and
/// not negative; storage enough for the hosts' data disks.
fn check_item(ctx: &mut Ctx, item: &DemandItem, at: &HostContext) {
    let owner = at.owner;
    ctx.text(item.system_name.as_deref(), at.at("system_name"), owner);
    ctx.present(item.kind, at.at("kind"), owner);
    let mut all_valid = true;
    for (name, value) in item.numbers() {
        let f = at.at(name);
        match ctx.present(value, f, owner) {
            Some(v) if v < 0 => {
                let field = ctx.label(&f.pattern());
                ctx.error(
                    Code::EstimateNegative,
                    f.path(),
                    format!("{owner}{field}为{v}，不能为负数，请填写0或正整数"),
                );
                all_valid = false;
            }
            Some(_) => {}
            None => all_valid = false,
        }
    }
    if let (true, Some(hosts), Some(storage)) = (all_valid, item.hosts, item.storage_gb) {
        check_storage(ctx, hosts, storage, at);
    }
}

/// `estimate_storage_min`: every host needs at least the policy's minimum
/// data disk (数据盘 100GB起), so a row's storage is at least hosts × that.
fn check_storage(ctx: &mut Ctx, hosts: i64, storage: i64, at: &HostContext) {
    let owner = at.owner;
    let per_host = ctx.policy.min_data_disk_gb;
    let needed = hosts.saturating_mul(per_host);
    if storage < needed {
        ctx.error(
            Code::EstimateStorageMin,
            at.at("storage_gb").path(),
            format!(
                "{owner}存储为{storage}GB，少于{hosts}台主机 × 每台数据盘最低{per_host}GB = {needed}GB，请改为{needed}GB或以上，或减少主机台数"
            ),
        );
    }
}

/// `duplicate_system` on every row whose using unit and 系统名称 (trimmed)
/// repeat an earlier row's: one system of one unit is one row.
fn check_duplicate_systems(ctx: &mut Ctx, estimate: &DemandEstimate) {
    let mut first_seen: HashMap<(&str, &str), usize> = HashMap::new();
    for (i, item) in estimate.items().iter().enumerate() {
        let Some(key) = estimate.item_key(item) else {
            continue;
        };
        match first_seen.get(&key) {
            Some(&first) => {
                let (unit, system) = key;
                ctx.error(
                    Code::DuplicateSystem,
                    format!("items[{i}].system_name"),
                    format!(
                        "第{}行需求的使用单位“{}”和系统名称“{}”与第{}行相同；同一单位的同一系统只填一行，请合并两行，或改正使用单位、系统名称",
                        i + 1,
                        printable(unit),
                        printable(system),
                        first + 1
                    ),
                );
            }
            None => {
                first_seen.insert(key, i);
            }
        }
    }
}
