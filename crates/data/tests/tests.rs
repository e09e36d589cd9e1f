//! Integration tests of fairkit-data: the public datasets prepared as the reference results
//! were.

mod public;
