//! The experiment file of `fairkit compare --config`: any text either parses into a checked
//! configuration or is refused, without panicking, hanging or exhausting memory.
#![no_main]

use fairkit_harness::compare::CompareConfig;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match CompareConfig::from_toml(text, "fuzz.toml") {
        Ok(config) => {
            config
                .check()
                .expect("a parsed config passes its own check");
            // It is recorded in results.json.
            serde_json::to_string(&config).expect("a config serializes");
        }
        Err(e) => drop(e.to_string()),
    }
});
