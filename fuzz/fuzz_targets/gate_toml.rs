//! The `gate.toml` of `fairkit gate`: any text either parses into a valid configuration or is
//! refused, without panicking or hanging.
#![no_main]

use fairkit_gate::GateConfig;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match GateConfig::from_toml(text) {
        Ok(config) => config.validate().expect("a parsed config is valid"),
        // The command prints the message: formatting it must not panic either.
        Err(e) => drop(e.to_string()),
    }
});
