//! 总计, derived from the rows and never typed: 主机 = Σ quantity,
//! CPU = Σ vcpu × quantity, 内存 = Σ memory_gb × quantity,
//! 存储 = Σ data_disk_gb × quantity. A demand estimate's rows are totals
//! already (主机(台), CPU(核), … of one system), so its 总计 is their plain
//! sum ([`Sums::of_demand_item`]).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::document::{CancelledHost, DemandItem, Host, Totals};

/// The derived 总计. Arithmetic saturates: a row with absurd numbers is
/// already an error of its own and must not crash the sum.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Sums {
    /// 主机(台).
    pub hosts: i64,
    /// CPU(核).
    pub vcpu: i64,
    /// 内存(G).
    pub memory_gb: i64,
    /// 存储(G).
    pub storage_gb: i64,
}

/// The numbers of a row that 总计 sums; missing numbers count as zero.
pub trait CountedRow {
    /// (quantity, vcpu, memory_gb, data_disk_gb) of one row.
    fn numbers(&self) -> [Option<i64>; 4];
}

impl CountedRow for Host {
    fn numbers(&self) -> [Option<i64>; 4] {
        [self.quantity, self.vcpu, self.memory_gb, self.data_disk_gb]
    }
}

impl CountedRow for CancelledHost {
    fn numbers(&self) -> [Option<i64>; 4] {
        [self.quantity, self.vcpu, self.memory_gb, self.data_disk_gb]
    }
}

impl Sums {
    /// Sums any rows.
    pub fn of<'a, R: CountedRow + 'a>(rows: impl IntoIterator<Item = &'a R>) -> Sums {
        rows.into_iter().fold(Sums::default(), |acc, row| {
            let [q, cpu, mem, disk] = row.numbers().map(|n| n.unwrap_or(0));
            Sums {
                hosts: acc.hosts.saturating_add(q),
                vcpu: acc.vcpu.saturating_add(cpu.saturating_mul(q)),
                memory_gb: acc.memory_gb.saturating_add(mem.saturating_mul(q)),
                storage_gb: acc.storage_gb.saturating_add(disk.saturating_mul(q)),
            }
        })
    }

    /// One row of a demand estimate, its numbers as they stand; missing
    /// numbers count as zero.
    pub fn of_demand_item(item: &DemandItem) -> Sums {
        let n = |v: Option<i64>| v.unwrap_or(0);
        Sums {
            hosts: n(item.hosts),
            vcpu: n(item.vcpu),
            memory_gb: n(item.memory_gb),
            storage_gb: n(item.storage_gb),
        }
    }

    /// The components with their JSON names and printed labels.
    pub fn parts(&self) -> [(&'static str, &'static str, i64); 4] {
        [
            ("hosts", "主机台数", self.hosts),
            ("vcpu", "CPU核数", self.vcpu),
            ("memory_gb", "内存(G)", self.memory_gb),
            ("storage_gb", "存储(G)", self.storage_gb),
        ]
    }

    /// The same numbers in the document's `totals` shape, for export.
    pub fn to_document_totals(self) -> Totals {
        Totals {
            hosts: Some(self.hosts),
            vcpu: Some(self.vcpu),
            memory_gb: Some(self.memory_gb),
            storage_gb: Some(self.storage_gb),
        }
    }
}

impl std::ops::AddAssign for Sums {
    fn add_assign(&mut self, other: Sums) {
        self.hosts = self.hosts.saturating_add(other.hosts);
        self.vcpu = self.vcpu.saturating_add(other.vcpu);
        self.memory_gb = self.memory_gb.saturating_add(other.memory_gb);
        self.storage_gb = self.storage_gb.saturating_add(other.storage_gb);
    }
}

/// Components of an imported `totals` that differ from the derived sums:
/// (JSON name, label, imported, derived).
pub fn mismatches(
    imported: &Totals,
    derived: &Sums,
) -> Vec<(&'static str, &'static str, i64, i64)> {
    let given = [
        imported.hosts,
        imported.vcpu,
        imported.memory_gb,
        imported.storage_gb,
    ];
    derived
        .parts()
        .into_iter()
        .zip(given)
        .filter_map(|((key, label, want), got)| {
            got.filter(|g| *g != want).map(|g| (key, label, g, want))
        })
        .collect()
}
