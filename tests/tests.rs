//! The integration tests, one module per area.

mod render;
