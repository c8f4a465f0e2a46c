//! Structured log lines on stderr: one line per event, as `key=value` text
//! (`--log-format text`) or as one JSON object per line for log shippers
//! (`--log-format json`). Without `--log-format` only warnings are logged,
//! as text. Events are few and
//! coarse (a scan started, finished, took over a stale lock); per-file
//! problems go to `scan_errors`, not the log.

use serde_json::{Map, Value};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

static JSON: AtomicBool = AtomicBool::new(false);
static INFO: AtomicBool = AtomicBool::new(false);

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `2026-11-23T02:00:00Z info scan.finished files_read=12 …`
    Text,
    /// `{"ts":"2026-11-23T02:00:00Z","level":"info","event":"scan.finished",…}`
    Json,
}

/// Logs every event in `format` from now on, for the whole process.
/// Until then only warnings are written, as text: an interactive run
/// shows its summary table, not log lines.
pub fn set_format(format: Format) {
    JSON.store(format == Format::Json, Ordering::Relaxed);
    INFO.store(true, Ordering::Relaxed);
}

/// Logs an event people may act on.
pub fn warn(event: &str, fields: &[(&str, Value)]) {
    write("warn", event, fields);
}

/// Logs an event of a normal run (once a format is set).
pub fn info(event: &str, fields: &[(&str, Value)]) {
    if INFO.load(Ordering::Relaxed) {
        write("info", event, fields);
    }
}

/// The line for an event, without its newline.
pub fn line(format: Format, ts: &str, level: &str, event: &str, fields: &[(&str, Value)]) -> String {
    match format {
        Format::Json => {
            let mut object = Map::new();
            object.insert("ts".into(), ts.into());
            object.insert("level".into(), level.into());
            object.insert("event".into(), event.into());
            for (k, v) in fields {
                object.insert((*k).to_string(), v.clone());
            }
            Value::Object(object).to_string()
        }
        Format::Text => {
            let mut line = format!("{ts} {level} {event}");
            for (k, v) in fields {
                let text = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                if text.is_empty() || text.contains([' ', '"', '=']) {
                    line.push_str(&format!(" {k}={}", Value::String(text)));
                } else {
                    line.push_str(&format!(" {k}={text}"));
                }
            }
            line
        }
    }
}

fn write(level: &str, event: &str, fields: &[(&str, Value)]) {
    let format = if JSON.load(Ordering::Relaxed) {
        Format::Json
    } else {
        Format::Text
    };
    let ts = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut text = line(format, &ts, level, event, fields);
    text.push('\n');
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_one_event_each_as_text_or_json() {
        let fields = [
            ("files", Value::from(12u64)),
            ("out", Value::from("/srv/datakart out")),
            ("mode", Value::from("incremental")),
        ];
        assert_eq!(
            line(
                Format::Text,
                "2026-11-23T02:00:00Z",
                "info",
                "scan.finished",
                &fields
            ),
            r#"2026-11-23T02:00:00Z info scan.finished files=12 out="/srv/datakart out" mode=incremental"#
        );
        let json: Value = serde_json::from_str(&line(
            Format::Json,
            "2026-11-23T02:00:00Z",
            "warn",
            "lock.stale",
            &fields,
        ))
        .unwrap();
        assert_eq!(json["event"], "lock.stale");
        assert_eq!(json["level"], "warn");
        assert_eq!(json["files"], 12);
        assert_eq!(json["out"], "/srv/datakart out");
    }
}
