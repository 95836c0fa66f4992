//! Integration tests, all in one binary; one module per area.

mod store;
