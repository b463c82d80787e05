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

/// The longest value [`pattern_value`] makes.
const MAX_PATTERN_VALUE: usize = 4096;

/// A string the (ECMA-262) `pattern` matches, made by walking it: the first branch of each
/// alternation, the first character of each class (for a negated class, a character it
/// leaves out), each item repeated its minimum count (at least once for `*`), anchors and
/// lookarounds skipped; padded to `min_length` when nothing anchors the end. Checked with
/// `regex-lite` where it can compile the pattern; `None` when no value was found.
pub fn pattern_value(pattern: &str, min_length: usize, max_length: usize) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut walker = Walker {
        chars: &chars,
        i: 0,
        depth: 0,
    };
    let mut value = walker.alternation()?;
    if walker.i != chars.len() {
        return None;
    }
    let anchored_end = pattern.ends_with('$') && !pattern.ends_with("\\$");
    while value.chars().count() < min_length && !anchored_end && value.len() < MAX_PATTERN_VALUE {
        value.push('x');
    }
    let n = value.chars().count();
    if n < min_length || n > max_length {
        return None;
    }
    match regex_lite::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .nest_limit(64)
        .build()
    {
        Ok(re) if !re.is_match(&value) => None,
        // Matched, or a pattern regex-lite cannot read (lookarounds): the value stands.
        _ => Some(value),
    }
}

struct Walker<'p> {
    chars: &'p [char],
    i: usize,
    depth: usize,
}

impl Walker<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    /// Branches up to the end or a `)`: the first one's value.
    fn alternation(&mut self) -> Option<String> {
        self.depth += 1;
        if self.depth > 64 {
            return None;
        }
        let first = self.sequence()?;
        while self.peek() == Some('|') {
            self.i += 1;
            self.sequence()?;
        }
        self.depth -= 1;
        Some(first)
    }

    fn sequence(&mut self) -> Option<String> {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let item = self.item()?;
            let count = self.quantifier()?;
            for _ in 0..count {
                out.push_str(&item);
                if out.len() > MAX_PATTERN_VALUE {
                    return None;
                }
            }
        }
        Some(out)
    }

    /// One atom's value (empty for anchors and lookarounds).
    fn item(&mut self) -> Option<String> {
        let c = self.peek()?;
        self.i += 1;
        Some(match c {
            '^' | '$' => String::new(),
            '.' => "a".to_string(),
            '(' => {
                let mut skip = false;
                if self.peek() == Some('?') {
                    self.i += 1;
                    match self.peek()? {
                        ':' => self.i += 1,
                        '=' | '!' => {
                            self.i += 1;
                            skip = true;
                        }
                        '<' => {
                            self.i += 1;
                            if matches!(self.peek(), Some('=' | '!')) {
                                self.i += 1;
                                skip = true;
                            } else {
                                // A named group: skip the name.
                                while self.peek()? != '>' {
                                    self.i += 1;
                                }
                                self.i += 1;
                            }
                        }
                        _ => return None,
                    }
                }
                let inner = self.alternation()?;
                if self.peek()? != ')' {
                    return None;
                }
                self.i += 1;
                if skip {
                    String::new()
                } else {
                    inner
                }
            }
            '[' => self.class()?.to_string(),
            '\\' => {
                let e = self.peek()?;
                self.i += 1;
                match e {
                    'b' | 'B' => String::new(),
                    'x' => self.hex()?.to_string(),
                    _ => escape(e)?.to_string(),
                }
            }
            '*' | '+' | '?' | '{' | ')' | '|' => return None,
            c => c.to_string(),
        })
    }

    /// The repeat count of the item before: its minimum, but once for `*`.
    fn quantifier(&mut self) -> Option<usize> {
        let count = match self.peek() {
            Some('*') | Some('+') => {
                self.i += 1;
                1
            }
            Some('?') => {
                self.i += 1;
                0
            }
            Some('{') => {
                let end = self.i + self.chars[self.i..].iter().position(|c| *c == '}')?;
                let inner: String = self.chars[self.i + 1..end].iter().collect();
                let min = inner.split(',').next()?.trim().parse::<usize>().ok()?;
                self.i = end + 1;
                min
            }
            _ => return Some(1),
        };
        // A lazy or possessive mark changes nothing here.
        if matches!(self.peek(), Some('?') | Some('+')) {
            self.i += 1;
        }
        (count <= 256).then_some(count)
    }

    /// The character of a `\\xHH` escape (the `\\x` already read).
    fn hex(&mut self) -> Option<char> {
        let digits: String = self.chars.get(self.i..self.i + 2)?.iter().collect();
        self.i += 2;
        u32::from_str_radix(&digits, 16)
            .ok()
            .and_then(char::from_u32)
    }

    /// A character of a `[...]` class (the `[` already read).
    fn class(&mut self) -> Option<char> {
        let negated = self.peek() == Some('^');
        if negated {
            self.i += 1;
        }
        let mut members: Vec<(char, char)> = Vec::new();
        let mut first = true;
        loop {
            let c = self.peek()?;
            self.i += 1;
            if c == ']' && !first {
                break;
            }
            first = false;
            let low = if c == '\\' {
                let e = self.peek()?;
                self.i += 1;
                match e {
                    'd' => {
                        members.push(('0', '9'));
                        continue;
                    }
                    'w' => {
                        members.extend([('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')]);
                        continue;
                    }
                    's' => {
                        members.extend([(' ', ' '), ('\t', '\t'), ('\n', '\n'), ('\r', '\r')]);
                        continue;
                    }
                    'x' => self.hex()?,
                    e => escape(e)?,
                }
            } else {
                c
            };
            if self.peek() == Some('-') && self.chars.get(self.i + 1).is_some_and(|n| *n != ']') {
                self.i += 1;
                let mut high = self.peek()?;
                self.i += 1;
                if high == '\\' {
                    let e = self.peek()?;
                    self.i += 1;
                    high = if e == 'x' { self.hex()? } else { escape(e)? };
                }
                members.push((low, high));
            } else {
                members.push((low, low));
            }
        }
        let inside = |ch: char| members.iter().any(|(lo, hi)| *lo <= ch && ch <= *hi);
        if negated {
            ['a', 'x', '0', 'A', '_', '-', '.', '~']
                .into_iter()
                .find(|c| !inside(*c))
        } else {
            // A letter or digit when the class has one, for values that read well.
            ['a', 'A', '0', 'x']
                .into_iter()
                .find(|c| inside(*c))
                .or_else(|| members.first().map(|(lo, _)| *lo))
        }
    }
}

/// The character an escape outside a shorthand class stands for.
fn escape(e: char) -> Option<char> {
    Some(match e {
        'd' => '0',
        'D' | 'W' | 'S' => 'a',
        'w' => 'a',
        's' => ' ',
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        c if c.is_ascii_digit() => return None,
        'u' | 'x' | 'p' | 'P' | 'c' | 'k' => return None,
        c => c,
    })
}

#[cfg(test)]
mod tests {
    use super::pattern_value;

    #[test]
    fn patterns_give_values_they_match() {
        let cases = [
            (r"^[\s]*[\w+=.#|!&-]+@[\w.-]+\.[\w]+[\s]*$", " a@a.a "),
            (
                r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*",
                "a.a/a.a",
            ),
            (
                r"^arn:aws:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+",
                "arn:aws:iam::000000000000:rolea",
            ),
            (r"[a-zA-Z0-9\\-]*", "a"),
            (r".{6,128}$", "aaaaaa"),
            (r"^[^:]+:(?!x)[0-9]{2}$", "a:00"),
            (r"^(foo|bar)-\d+$", "foo-0"),
            (r"^(?!aws:)[^\x00-\x1f\x22]+$", "a"),
            (r"^\x41[\x30-\x39]$", "A0"),
        ];
        for (pattern, expected) in cases {
            assert_eq!(
                pattern_value(pattern, 0, usize::MAX).as_deref(),
                Some(expected),
                "{pattern}"
            );
        }
        assert_eq!(pattern_value("^[a-z]+", 4, 8).as_deref(), Some("axxx"));
        assert_eq!(pattern_value("^[a-z]+$", 4, 8), None);
        for unsupported in [r"^(a)\1$", "^[a-z]{300}$", "(", "a{2", r"^\u00e9$"] {
            assert_eq!(
                pattern_value(unsupported, 0, usize::MAX),
                None,
                "{unsupported}"
            );
        }
    }
}
