//! Tests of `runtime/pattern.rs`: the simple matcher agrees with `regex_lite` and stays linear.

use crate::runtime::pattern::match_counted;
use crate::runtime::Pattern;

#[test]
fn simple_patterns_agree_with_regex_lite() {
    let patterns = [
        "^[a-f0-9]{24}$",
        "^[a-zA-Z0-9][a-zA-Z0-9 ._-]+$",
        "^[a-zA-Z0-9][a-zA-Z0-9 .:;=@_-]+$",
        "^0x[a-f0-9]+$",
        "^[a-zA-Z0-9_+=,.@:\\/-]+$",
        "^arn:aws:iam::[0-9]{12}:role/.+$",
        "^\\d{3}-\\d{2,4}$",
        "^a?b*c{2,}$",
        "^[^/]+$",
        "^[\\w.-]{1,8}x$",
        "^.*a.*$",
        "^$",
    ];
    let inputs = [
        "",
        "a",
        "ab",
        "abc",
        "50000000abcdef1234566789",
        "50000000abcdef123456678",
        "5000000Aabcdef1234566789",
        "my task.v2",
        " leading",
        "x",
        "0x",
        "0xabc",
        "0xABC",
        "arn:aws:iam::123456789012:role/r",
        "arn:aws:iam::12:role/r",
        "123-45",
        "123-4567",
        "123-45678",
        "bcc",
        "abcc",
        "acc",
        "abbbccc",
        "a/b",
        "ab_c.x",
        "abcdefghix",
        "aaa",
        "ba",
        "größe",
        "tab\tx",
        "new\nline",
        "x-y_z+1=2,3.4@5:6/7",
    ];
    for source in patterns {
        let pattern = Pattern::new(source);
        assert!(
            matches!(pattern, Pattern::Simple(_)),
            "{source} should use the simple matcher"
        );
        let regex = regex_lite::Regex::new(source).unwrap();
        for input in inputs {
            assert_eq!(
                !pattern.rejects(input),
                regex.is_match(input),
                "pattern {source} on {input:?}"
            );
        }
    }
    for unsupported in ["^(a|b)$", "abc", "^a+?$", "^\\bx$", "^[a-z]{2}|x$"] {
        assert!(
            !matches!(Pattern::new(unsupported), Pattern::Simple(_)),
            "{unsupported}"
        );
    }
    // Unanchored patterns match anywhere, as in JSON Schema.
    assert!(!Pattern::new("b+").rejects("abba"));
}

/// Random simple patterns and values, over a small alphabet so that matches and near
/// misses are both common, agree with `regex_lite`.
#[test]
fn random_simple_patterns_agree_with_regex_lite() {
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move |n: usize| {
        // xorshift64: deterministic, so a failure reproduces.
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let classes = ["a", "b", "[ab]", "[^a]", ".", "\\d", "[a-c0-9]"];
    let quantifiers = ["", "*", "+", "?", "{2}", "{0,3}", "{1,}", "{2,4}"];
    let letters = ['a', 'b', 'c', '0', '7', '-'];
    let mut checked = 0;
    for _ in 0..400 {
        let mut source = String::from("^");
        for _ in 0..1 + next(5) {
            source.push_str(classes[next(classes.len())]);
            source.push_str(quantifiers[next(quantifiers.len())]);
        }
        source.push('$');
        let pattern = Pattern::new(&source);
        assert!(matches!(pattern, Pattern::Simple(_)), "{source}");
        let regex = regex_lite::Regex::new(&source).unwrap();
        for _ in 0..40 {
            let value: String = (0..next(9)).map(|_| letters[next(letters.len())]).collect();
            assert_eq!(
                !pattern.rejects(&value),
                regex.is_match(&value),
                "pattern {source} on {value:?}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 16_000);
}

/// The simple matcher does a bounded amount of work per character and atom, however
/// the value is built: counted in steps, not timed (`cargo xtask bench` times it).
#[test]
fn simple_matcher_is_linear_in_the_value() {
    let len = 100_000;
    let letters = "a".repeat(len);
    let cases = [
        // Every split of the run between the atoms is a candidate, then the end fails.
        ("^[a-z]+[a-z]+[a-z]+0$", letters.clone(), false),
        ("^a*a*a*a*a*b$", letters.clone(), false),
        ("^.*a.*a.*a$", letters.clone(), true),
        ("^[a-z]{1,60000}[a-z]*[a-z]{2}$", letters.clone(), true),
        ("^\\w+\\d+$", format!("{letters}7"), true),
        ("^[a-z]+[a-z]+[a-z]+0$", format!("{letters}0"), true),
    ];
    for (source, value, expected) in cases {
        let Pattern::Simple(atoms) = Pattern::new(source) else {
            panic!("{source} should use the simple matcher");
        };
        let mut steps = 0;
        assert_eq!(
            match_counted(&atoms, &value, &mut steps),
            expected,
            "{source}"
        );
        let chars = value.chars().count();
        let bound = 2 * atoms.len() * (chars + 1);
        assert!(
            steps <= bound,
            "{source}: {steps} steps for {chars} characters, more than {bound}"
        );
        // The general engine agrees on the long value too.
        let regex = regex_lite::Regex::new(source).unwrap();
        assert_eq!(regex.is_match(&value), expected, "{source} (regex_lite)");
    }
}
