//! Pointer: JSON pointers (RFC 6901) as diagnostics and references write them: building
//! one from tokens, escaping `~` and `/`, and decoding a token of a `$ref` (pointer and
//! URI percent-escapes). Below every stage: load, lower and diagnostics use it; it uses
//! nothing of the crate.

/// Builds JSON pointers, escaping `~` and `/` in each token (RFC 6901).
pub fn pointer(tokens: &[&str]) -> String {
    let mut out = String::from("#");
    for token in tokens {
        out.push('/');
        push_token(&mut out, token);
    }
    out
}

/// Appends one token to a pointer.
pub fn child(base: &str, token: &str) -> String {
    let mut out = String::with_capacity(base.len() + token.len() + 1);
    out.push_str(base);
    out.push('/');
    push_token(&mut out, token);
    out
}

fn push_token(out: &mut String, token: &str) {
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// Decodes one JSON pointer token (`~1` is `/`, `~0` is `~`) and URI percent-escapes.
pub(crate) fn unescape_token(token: &str) -> String {
    let replaced = token.replace("~1", "/").replace("~0", "~");
    if !replaced.contains('%') {
        return replaced;
    }
    let bytes = replaced.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        // Bytes, not string slices: the two after a `%` may be inside a multi-byte char.
        if let (b'%', Some(hi), Some(lo)) = (
            bytes[i],
            bytes.get(i + 1).and_then(|b| hex_digit(*b)),
            bytes.get(i + 2).and_then(|b| hex_digit(*b)),
        ) {
            out.push(hi << 4 | lo);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or(replaced)
}

fn hex_digit(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_slashes_and_tildes() {
        assert_eq!(
            pointer(&["paths", "/v1/a~b", "get"]),
            "#/paths/~1v1~1a~0b/get"
        );
        assert_eq!(child("#/paths", "/x"), "#/paths/~1x");
    }

    #[test]
    fn unescape_token_decodes_pointer_and_percent_escapes() {
        assert_eq!(unescape_token("a~1b~0c"), "a/b~c");
        assert_eq!(unescape_token("Caf%C3%A9"), "Café");
        assert_eq!(unescape_token("%7Bid%7d"), "{id}");
        assert_eq!(unescape_token("100%25"), "100%");
    }

    #[test]
    fn unescape_token_keeps_what_is_not_an_escape_and_never_panics() {
        for (token, expected) in [
            ("%", "%"),
            ("a%", "a%"),
            ("a%4", "a%4"),
            ("%Z", "%Z"),
            ("%ZZ", "%ZZ"),
            ("%é", "%é"),
            ("%1é", "%1é"),
            ("%é1", "%é1"),
            ("~1q%1é", "/q%1é"),
            ("%😀x", "%😀x"),
            ("%4😀", "%4😀"),
            (
                "https:~1~1api.example.com~1%é{version}~1%",
                "https://api.example.com/%é{version}/%",
            ),
            ("%+1", "%+1"),
            ("%-1", "%-1"),
        ] {
            assert_eq!(unescape_token(token), expected, "{token}");
        }
        // An escape that decodes to bytes that are not UTF-8 keeps the token as written.
        assert_eq!(unescape_token("%FF"), "%FF");
        assert_eq!(unescape_token("%C3"), "%C3");
    }
}
