//! IR: example values within a schema's checks (bounds, steps, lengths, simple patterns),
//! shared by the README's usage example and the smoke test's arguments. Plain functions
//! over [`Constraints`]; no tokens.

use super::{Bound, Constraints};

/// An integer within the bounds.
pub fn example_int(c: Option<&Constraints>) -> i64 {
    let Some(c) = c else { return 1 };
    let min = c.minimum.as_ref().map(|b| match b {
        Bound::Int(i) => i.saturating_add(i64::from(c.exclusive_minimum)),
        Bound::Float(f) => (f.floor() as i64).saturating_add(1),
    });
    let max = c.maximum.as_ref().map(|b| match b {
        Bound::Int(i) => i.saturating_sub(i64::from(c.exclusive_maximum)),
        Bound::Float(f) => (f.ceil() as i64).saturating_sub(1),
    });
    let step = match c.multiple_of {
        Some(Bound::Int(m)) if m > 0 => m,
        _ => 1,
    };
    match (min, max) {
        (Some(lo), _) => lo
            .div_euclid(step)
            .saturating_add(i64::from(lo % step != 0))
            .saturating_mul(step),
        (None, Some(hi)) if hi < step => hi.div_euclid(step).saturating_mul(step),
        _ => step,
    }
}

/// A number within the bounds.
pub fn example_float(c: Option<&Constraints>) -> f64 {
    let Some(c) = c else { return 1.0 };
    let bound = |b: &Bound| match b {
        Bound::Int(i) => *i as f64,
        Bound::Float(f) => *f,
    };
    match (c.minimum.as_ref().map(bound), c.maximum.as_ref().map(bound)) {
        (Some(lo), Some(hi)) if c.exclusive_minimum => (lo + hi) / 2.0,
        (Some(lo), _) if c.exclusive_minimum => lo + 1.0,
        (Some(lo), _) => lo,
        (None, Some(hi)) if hi < 1.0 => hi - 1.0,
        _ => 1.0,
    }
}

/// A string that fits the pattern, if it is a simple one, and the length bounds; made only
/// of characters that are plain in Rust and Markdown.
pub fn example_string(c: Option<&Constraints>) -> String {
    let plain = |s: &str| {
        s.chars()
            .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.' | '@' | ':'))
    };
    let from_pattern = c
        .and_then(|c| c.pattern.as_deref())
        .and_then(pattern_example)
        .filter(|s| plain(s));
    if let Some(s) = from_pattern {
        return s;
    }
    let min = c.and_then(|c| c.min_length).unwrap_or(0).min(64) as usize;
    let max = c.and_then(|c| c.max_length).unwrap_or(u64::MAX).min(64) as usize;
    let mut s = "example".to_string();
    while s.len() < min {
        s.push('x');
    }
    s.truncate(max.max(min).max(1));
    s
}

/// The shortest string an anchored pattern of literal characters and character classes
/// (each with an optional quantifier) matches, taking the first character of each class.
pub fn pattern_example(pattern: &str) -> Option<String> {
    let p = pattern.strip_prefix('^')?.strip_suffix('$')?;
    let chars: Vec<char> = p.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let ch = match chars[i] {
            '[' => {
                let end = i + chars[i..].iter().position(|c| *c == ']')?;
                let class = &chars[i + 1..end];
                if class.first().is_none_or(|c| matches!(c, '^' | '\\' | '[')) {
                    return None;
                }
                i = end + 1;
                class[0]
            }
            '\\' => {
                let c = *chars.get(i + 1)?;
                i += 2;
                match c {
                    'd' => '0',
                    'w' => 'a',
                    '.' | '-' | '_' => c,
                    _ => return None,
                }
            }
            c if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '@' | ':') => {
                i += 1;
                c
            }
            _ => return None,
        };
        let count = match chars.get(i) {
            Some('+') => {
                i += 1;
                1
            }
            Some('*') | Some('?') => {
                i += 1;
                0
            }
            Some('{') => {
                let end = i + chars[i..].iter().position(|c| *c == '}')?;
                let inner: String = chars[i + 1..end].iter().collect();
                i = end + 1;
                inner.split(',').next()?.trim().parse::<usize>().ok()?
            }
            _ => 1,
        };
        if count > 64 {
            return None;
        }
        out.extend(std::iter::repeat_n(ch, count));
    }
    Some(out)
}
