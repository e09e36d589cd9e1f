//! Placeholder: this crate is created when its work starts.
#![deny(missing_docs)]
