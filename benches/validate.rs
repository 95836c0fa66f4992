//! Validation benchmarks (placeholder until written).

fn main() {}
