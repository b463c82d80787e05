//! Durations in the config: a number and a unit (`ms`, `s`, `m`, `h`), such as `"30s"`,
//! `"1.5s"` or `"250ms"`; and the same text back, for templates and messages.

use std::time::Duration;

/// The longest duration the config accepts: one day.
const MAX: Duration = Duration::from_secs(24 * 60 * 60);

/// Parses `"30s"`, `"1.5s"`, `"250ms"`, `"2m"`, `"1h"`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let millis_per_unit = match unit {
        "ms" => 1.0,
        "s" => 1_000.0,
        "m" => 60_000.0,
        "h" => 3_600_000.0,
        "" => {
            return Err(format!(
                "`{text}` has no unit: write it as `30s`, `250ms`, `2m` or `1h`"
            ))
        }
        _ => return Err(format!("`{unit}` is not a unit: use `ms`, `s`, `m` or `h`")),
    };
    let valid = !number.is_empty()
        && number.matches('.').count() <= 1
        && !number.starts_with('.')
        && !number.ends_with('.');
    let value: f64 = match number.parse() {
        Ok(v) if valid => v,
        _ => {
            return Err(format!(
                "`{text}` is not a duration such as `30s` or `250ms`"
            ))
        }
    };
    let millis = value * millis_per_unit;
    if millis > MAX.as_millis() as f64 {
        return Err(format!("`{text}` is longer than a day"));
    }
    Ok(Duration::from_micros((millis * 1_000.0).round() as u64))
}

/// The shortest text [`parse_duration`] reads back as `d` (to the millisecond).
pub fn format_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(3_600_000) && ms > 0 {
        format!("{}h", ms / 3_600_000)
    } else if ms.is_multiple_of(60_000) && ms > 0 {
        format!("{}m", ms / 60_000)
    } else if ms.is_multiple_of(1_000) {
        format!("{}s", ms / 1_000)
    } else {
        format!("{ms}ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_numbers_with_units() {
        let cases = [
            ("30s", Duration::from_secs(30)),
            ("1.5s", Duration::from_millis(1500)),
            ("250ms", Duration::from_millis(250)),
            ("2m", Duration::from_secs(120)),
            ("1h", Duration::from_secs(3600)),
            (" 0s ", Duration::ZERO),
        ];
        for (text, want) in cases {
            assert_eq!(parse_duration(text), Ok(want), "{text}");
            assert_eq!(parse_duration(&format_duration(want)), Ok(want), "{text}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_duration() {
        for text in [
            "30", "s", "1..5s", ".5s", "5.s", "-1s", "3 days", "25h", "1e3s", "",
        ] {
            assert!(parse_duration(text).is_err(), "{text}");
        }
        assert!(parse_duration("30").unwrap_err().contains("no unit"));
        assert!(parse_duration("3d")
            .unwrap_err()
            .contains("`d` is not a unit"));
    }
}
