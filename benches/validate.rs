//! Benchmarks of validation (placeholder).

fn main() {}
