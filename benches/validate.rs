//! Validation benchmark (placeholder until benchmarks are written).

fn main() {}
