//! Integration tests of the monitor: O14 (docs/test-oracles.md#o14), the window against a
//! brute-force model, the alert state machine, the JSON-lines reader and the `/metrics` server.

mod alerts;
mod confidence;
mod o14;
mod properties;
mod server;
mod stream;
mod words;
