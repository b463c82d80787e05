//! Docs: turns description text from the document into rustdoc that renders well and
//! provokes no rustdoc warnings or doctests.

/// Lines of rustdoc for `text`: trimmed, bare URLs wrapped in `<>`, brackets escaped so
/// they are not read as intra-doc links, code fences marked `text` so nothing is run as a
/// doctest, and indentation removed so nothing becomes an indented code block.
pub fn doc_lines(text: &str) -> Vec<String> {
    let converted;
    let text = if text.contains("</") {
        converted = html_to_markdown(text);
        converted.as_str()
    } else {
        text
    };
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

/// Descriptions written in HTML (common in documents converted from other formats) become
/// Markdown: paragraphs, code, emphasis, lists and links; other tags are dropped. Only
/// applied when the text has closing tags, so a lone `<b>` in prose stays text.
fn html_to_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut link: Option<String> = None;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('>') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let tag = &rest[start + 1..start + len];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let replacement = match (name.as_str(), closing) {
            ("p" | "div" | "ul" | "ol" | "note" | "important" | "pre", _) => {
                Some("\n\n".to_string())
            }
            ("br", _) => Some("\n".to_string()),
            ("li", false) => Some("\n- ".to_string()),
            ("li", true) => Some(String::new()),
            ("code" | "tt", _) => Some("`".to_string()),
            ("b" | "strong", _) => Some("**".to_string()),
            ("i" | "em", _) => Some("*".to_string()),
            ("a", false) => {
                link = tag
                    .split("href=\"")
                    .nth(1)
                    .and_then(|h| h.split('"').next())
                    .map(str::to_string);
                Some(String::new())
            }
            ("a", true) => Some(link.take().map(|h| format!(" (<{h}>)")).unwrap_or_default()),
            (
                "span" | "dl" | "dt" | "dd" | "h1" | "h2" | "h3" | "h4" | "fullname" | "title"
                | "u" | "small",
                _,
            ) => Some(String::new()),
            _ => None,
        };
        match replacement {
            Some(r) => out.push_str(&r),
            None => out.push_str(&rest[start..=start + len]),
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    // Collapse the blank lines paragraphs leave behind.
    let mut collapsed = String::with_capacity(out.len());
    let mut blank = 0;
    for line in out.lines() {
        if line.trim().is_empty() {
            blank += 1;
            if blank == 1 {
                collapsed.push('\n');
            }
        } else {
            blank = 0;
            collapsed.push_str(line.trim());
            collapsed.push('\n');
        }
    }
    collapsed.trim().to_string()
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
