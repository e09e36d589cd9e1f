//! Malformed events are reported in the words of the stream (objects, arrays, numbers), never
//! with Rust type names.

use fairkit_monitor::parse_event;

#[test]
fn malformed_events_speak_json() {
    for (line, want) in [
        (
            &b"[]"[..],
            "invalid length 0, expected a JSON object (column 2)",
        ),
        (
            br#"["label", 1]"#,
            "invalid length 2, expected a JSON object (column 12)",
        ),
        (
            b"3",
            "invalid type: integer `3`, expected a JSON object (column 1)",
        ),
        (
            br#"{"type":"label","id":[1],"label":1}"#,
            "invalid type: array, expected an integer or a string id (column 22)",
        ),
        (
            br#"{"type":"prediction","id":1,"ts":"x","group":"a","prediction":1}"#,
            "invalid type: string \"x\", expected a number (column 36)",
        ),
        (
            br#"{"type":"label","id":1,"label":"1"}"#,
            "invalid type: string \"1\", expected a whole number of at least 0 (column 34)",
        ),
    ] {
        let Err(message) = parse_event(line) else {
            panic!("{line:?} parsed");
        };
        assert_eq!(message, want, "{line:?}");
    }
}
