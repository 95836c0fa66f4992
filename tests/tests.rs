//! All integration tests of gcforms, in one binary (faster to link, one place
//! to look): one module per area of the core and the CLI.

mod architecture;
mod calendar;
mod cases;
mod cli;
mod demand;
mod fonts;
mod inbox;
mod props;
mod render;
mod review;
mod sign;
mod store;
mod support;
