//! Integration tests of gcforms: one module per area of the core and CLI.

mod sign;
