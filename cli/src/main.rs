//! The `wsoa` command.
fn main() {}
