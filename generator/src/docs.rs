//! Docs: turns description text from the document into rustdoc that renders well and
//! provokes no rustdoc warnings or doctests.

/// Lines of rustdoc for `text`: trimmed, bare URLs wrapped in `<>`, brackets escaped so
/// they are not read as intra-doc links, code fences marked `text` so nothing is run as a
/// doctest, and indentation removed so nothing becomes an indented code block.
pub fn doc_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    for raw in text.trim().lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            out.push(if in_fence {
                "```".to_string()
            } else {
                "```text".to_string()
            });
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(line.to_string());
        } else {
            out.push(escape_line(trimmed));
        }
    }
    if in_fence {
        out.push("```".to_string());
    }
    out
}

fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while !rest.is_empty() {
        if let Some(pos) = find_url(rest) {
            // `<https://...>` is already an autolink: drop the brackets and add them back once.
            let before = &rest[..pos];
            let before = before.strip_suffix('<').unwrap_or(before);
            out.push_str(&escape_plain(before));
            let url_len = rest[pos..]
                .find(|c: char| {
                    c.is_whitespace() || c == '>' || c == '<' || c == '"' || c == '`' || c == ')'
                })
                .unwrap_or(rest.len() - pos);
            let mut url = &rest[pos..pos + url_len];
            // Sentence punctuation after a URL is not part of it.
            while url.ends_with(['.', ',', ';', ':']) {
                url = &url[..url.len() - 1];
            }
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[pos + url.len()..];
            rest = rest.strip_prefix('>').unwrap_or(rest);
        } else {
            out.push_str(&escape_plain(rest));
            break;
        }
    }
    out
}

fn find_url(s: &str) -> Option<usize> {
    ["https://", "http://"]
        .iter()
        .filter_map(|p| s.find(p))
        .min()
}

fn escape_plain(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_code = false;
    for c in s.chars() {
        match c {
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            '[' | ']' if !in_code => {
                out.push('\\');
                out.push(c);
            }
            '<' | '>' if !in_code => out.push_str(if c == '<' { "&lt;" } else { "&gt;" }),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_brackets_and_indentation() {
        assert_eq!(
            doc_lines("See https://docs.aws.amazon.com/x.html. Or [this]\n    indented"),
            vec![
                "See <https://docs.aws.amazon.com/x.html>. Or \\[this\\]",
                "indented"
            ]
        );
        assert_eq!(
            doc_lines("```\nlet x = 1;\n```"),
            vec!["```text", "let x = 1;", "```"]
        );
        assert_eq!(doc_lines("a <b> `[c]`"), vec!["a &lt;b&gt; `[c]`"]);
        assert_eq!(
            doc_lines("see <https://x.y/z>."),
            vec!["see <https://x.y/z>."]
        );
    }
}
