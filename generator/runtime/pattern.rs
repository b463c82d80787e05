//! `pattern` constraints: a small linear-time matcher for anchored character-class
//! patterns, `regex_lite` for the rest.

/// A compiled `pattern` constraint. Anchored sequences of character classes with counts
/// (`^[a-f0-9]{24}$`, `^[a-zA-Z0-9][a-zA-Z0-9 ._-]+$`: most patterns in API documents) run on
/// a small matcher about fifty times faster than a general regex engine; anything else goes
/// to `regex_lite`. A pattern neither supports is not checked: the server stays the
/// authority on it.
///
/// Both run in time linear in the value's length, so a long value cannot stall a check:
/// the small matcher does at most two steps per character and atom, and `regex_lite`
/// documents a worst case of O(m × n) for a regex of size m on n bytes (it never
/// backtracks exponentially).
#[derive(Debug)]
pub enum Pattern {
    /// An anchored sequence of counted character classes.
    Simple(Vec<Atom>),
    /// A general regular expression.
    Regex(regex_lite::Regex),
    /// Not understood; values are not checked against it.
    Unsupported,
}

/// One step of a simple pattern: a character class repeated `min..=max` times.
#[derive(Debug, Clone, PartialEq)]
pub struct Atom {
    class: CharClass,
    min: usize,
    max: usize,
}

#[derive(Debug, Clone, PartialEq)]
enum CharClass {
    /// Any character but a line terminator (`.`).
    Any,
    /// Ranges of characters, possibly negated (`[^...]`); a literal is a one-char range.
    Set {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

impl CharClass {
    fn literal(c: char) -> Self {
        CharClass::Set {
            negated: false,
            ranges: vec![(c, c)],
        }
    }

    fn matches(&self, c: char) -> bool {
        match self {
            CharClass::Any => !matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}'),
            CharClass::Set { negated, ranges } => {
                ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated
            }
        }
    }
}

impl Pattern {
    /// Compiles `source`: the simple form when it fits, else a regex.
    pub fn new(source: &str) -> Self {
        if let Some(atoms) = parse_simple(source) {
            return Pattern::Simple(atoms);
        }
        match regex_lite::Regex::new(source) {
            Ok(regex) => Pattern::Regex(regex),
            Err(_) => Pattern::Unsupported,
        }
    }

    /// Whether `value` breaks the pattern (JSON Schema semantics: the pattern may match
    /// anywhere unless anchored).
    pub fn rejects(&self, value: &str) -> bool {
        match self {
            Pattern::Simple(atoms) => !simple_match(atoms, value),
            Pattern::Regex(regex) => !regex.is_match(value),
            Pattern::Unsupported => false,
        }
    }
}

/// Parses `^ atom* $` where an atom is a literal, `.`, an escape (`\d`, `\w`, `\s`, or an
/// escaped character) or a bracket class, with an optional `*`, `+`, `?`, `{n}`, `{n,}` or
/// `{n,m}`. Anything else (groups, alternation, lazy quantifiers, unanchored) is `None`.
fn parse_simple(source: &str) -> Option<Vec<Atom>> {
    let body = source.strip_prefix('^')?.strip_suffix('$')?;
    if body.ends_with('\\') {
        return None;
    }
    let chars: Vec<char> = body.chars().collect();
    let mut atoms = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let class = match chars[i] {
            '.' => {
                i += 1;
                CharClass::Any
            }
            '\\' => {
                let c = *chars.get(i + 1)?;
                i += 2;
                escape_class(c)?
            }
            '[' => {
                let (class, next) = parse_bracket(&chars, i + 1)?;
                i = next;
                class
            }
            '(' | ')' | '|' | '*' | '+' | '?' | '{' | '}' | ']' | '^' | '$' => return None,
            c => {
                i += 1;
                CharClass::literal(c)
            }
        };
        let (min, max, next) = parse_quantifier(&chars, i)?;
        i = next;
        atoms.push(Atom { class, min, max });
    }
    Some(atoms)
}

/// The class of `\c`: `\d`, `\w`, `\s`, or the character itself for punctuation.
fn escape_class(c: char) -> Option<CharClass> {
    let set = |ranges: Vec<(char, char)>| CharClass::Set {
        negated: false,
        ranges,
    };
    Some(match c {
        'd' => set(vec![('0', '9')]),
        'w' => set(vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')]),
        's' => set(vec![
            (' ', ' '),
            ('\t', '\r'),
            ('\u{a0}', '\u{a0}'),
            ('\u{feff}', '\u{feff}'),
        ]),
        c if c.is_ascii_punctuation() => CharClass::literal(c),
        // \b, \D, \uXXXX and friends are left to the regex engine.
        _ => return None,
    })
}

fn parse_bracket(chars: &[char], mut i: usize) -> Option<(CharClass, usize)> {
    let negated = chars.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let c = *chars.get(i)?;
        if c == ']' && !first {
            return Some((CharClass::Set { negated, ranges }, i + 1));
        }
        first = false;
        let lo = match c {
            '\\' => {
                let e = *chars.get(i + 1)?;
                i += 2;
                match escape_class(e)? {
                    CharClass::Set {
                        negated: false,
                        ranges: r,
                    } if r.len() == 1 && r[0].0 == r[0].1 => r[0].0,
                    CharClass::Set {
                        negated: false,
                        ranges: r,
                    } => {
                        ranges.extend(r);
                        continue;
                    }
                    _ => return None,
                }
            }
            '[' => return None,
            c => {
                i += 1;
                c
            }
        };
        // A range `a-z`, unless the `-` is last.
        if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|&n| n != ']') {
            let hi = match chars[i + 1] {
                '\\' => {
                    let e = *chars.get(i + 2)?;
                    if !e.is_ascii_punctuation() {
                        return None;
                    }
                    i += 3;
                    e
                }
                '[' => return None,
                h => {
                    i += 2;
                    h
                }
            };
            if hi < lo {
                return None;
            }
            ranges.push((lo, hi));
        } else {
            ranges.push((lo, lo));
        }
    }
}

fn parse_quantifier(chars: &[char], i: usize) -> Option<(usize, usize, usize)> {
    let (min, max, next) = match chars.get(i) {
        Some('*') => (0, usize::MAX, i + 1),
        Some('+') => (1, usize::MAX, i + 1),
        Some('?') => (0, 1, i + 1),
        Some('{') => {
            let close = i + chars[i..].iter().position(|&c| c == '}')?;
            let inner: String = chars[i + 1..close].iter().collect();
            let (min, max) = match inner.split_once(',') {
                None => {
                    let n = inner.parse().ok()?;
                    (n, n)
                }
                Some((lo, "")) => (lo.parse().ok()?, usize::MAX),
                Some((lo, hi)) => (lo.parse().ok()?, hi.parse().ok()?),
            };
            if max < min {
                return None;
            }
            (min, max, close + 1)
        }
        _ => (1, 1, i),
    };
    // A lazy or possessive marker after a quantifier is not supported.
    if next > i && matches!(chars.get(next), Some('?') | Some('+')) {
        return None;
    }
    Some((min, max, next))
}

/// Whether the whole value matches the atoms: the set of positions reachable after each
/// atom, computed atom by atom in time linear in the value's length (see [`match_counted`]).
fn simple_match(atoms: &[Atom], value: &str) -> bool {
    match_counted(atoms, value, &mut 0)
}

/// [`simple_match`], adding the work done to `steps`: two steps per character and atom,
/// whatever the value. A test holds the count to that bound on adversarial values.
///
/// For an atom `class{min,max}` a position `p` is reachable from a reachable `s` when
/// `min <= p - s <= max` and every character in `s..p` is in the class, that is when
/// `p - s` is at most the run of class characters ending at `p`. So `p` is reachable when
/// some `s` in `p - min(max, run) ..= p - min` was, which a running count of earlier
/// reachable positions answers in one subtraction: no position is visited twice.
pub(crate) fn match_counted(atoms: &[Atom], value: &str, steps: &mut usize) -> bool {
    // The common case, one counted class (`^[a-f0-9]{24}$`), needs no bookkeeping.
    if let [atom] = atoms {
        let mut count = 0usize;
        for c in value.chars() {
            *steps += 1;
            if !atom.class.matches(c) {
                return false;
            }
            count += 1;
        }
        return atom.min <= count && count <= atom.max;
    }
    let chars: Vec<char> = value.chars().collect();
    let len = chars.len();
    let mut reachable = vec![false; len + 1];
    reachable[0] = true;
    // before[i]: how many of positions 0..i are reachable before this atom.
    let mut before = vec![0usize; len + 2];
    let mut next = vec![false; len + 1];
    for atom in atoms {
        for (i, &r) in reachable.iter().enumerate() {
            *steps += 1;
            before[i + 1] = before[i] + usize::from(r);
        }
        let mut run = 0usize;
        for p in 0..=len {
            *steps += 1;
            if p > 0 {
                run = if atom.class.matches(chars[p - 1]) {
                    run + 1
                } else {
                    0
                };
            }
            next[p] = match p.checked_sub(atom.min) {
                // Starts s with p - s in min..=min(max, run): s in lo..=hi.
                Some(hi) if atom.min <= run.min(atom.max) => {
                    let lo = p - run.min(atom.max);
                    before[hi + 1] > before[lo]
                }
                _ => false,
            };
        }
        std::mem::swap(&mut reachable, &mut next);
    }
    reachable[len]
}
