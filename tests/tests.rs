//! All integration tests of the core, in one binary (faster to link, one
//! place to look): data-driven rule cases, properties, and the CLI.

mod cases;
mod cli;
mod props;
mod support;
