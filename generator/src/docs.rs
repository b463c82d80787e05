//! Docs: turns description text from the document into rustdoc that renders well and
//! provokes no rustdoc warnings. Nothing the document says becomes code: every code block
//! comes out fenced as `text`, nothing is left indented enough to be an indented code
//! block, and control characters never reach a doc comment.

/// Lines of rustdoc for `text`: trimmed, bare URLs wrapped in `<>`, brackets escaped so
/// they are not read as intra-doc links, every code block (fenced with backticks or tildes,
/// inside a quote or list item, or an HTML `<pre>`) fenced as `text` so nothing is run as a
/// doctest, and indentation removed so nothing becomes an indented code block.
pub fn doc_lines(text: &str) -> Vec<String> {
    let text = clean(text);
    let converted;
    let text = if text.contains("</") {
        converted = html_to_markdown(&text);
        converted.as_str()
    } else {
        text.as_str()
    };
    blocks(trim_blank_lines(text))
        .into_iter()
        .flat_map(|b| match b {
            Block::Line(l) => vec![l],
            Block::Code(lines) => {
                let fence = "`".repeat(longest_run(&lines, '`').max(2) + 1);
                let mut out = Vec::with_capacity(lines.len() + 2);
                out.push(format!("{fence}text"));
                out.extend(lines);
                out.push(fence);
                out
            }
        })
        .collect()
}

/// `text` as one line of rustdoc, for list items and other places that take a single
/// line: the lines of [`doc_lines`] joined with spaces, code blocks as inline code.
pub fn doc_line(text: &str) -> String {
    let text = clean(text);
    let converted;
    let text = if text.contains("</") {
        converted = html_to_markdown(&text);
        converted.as_str()
    } else {
        text.as_str()
    };
    let parts: Vec<String> = blocks(trim_blank_lines(text))
        .into_iter()
        .filter_map(|b| match b {
            Block::Line(l) => Some(l),
            Block::Code(lines) => {
                let code: Vec<&str> = lines
                    .iter()
                    .map(|l| l.trim())
                    .filter(|l| !l.is_empty())
                    .collect();
                (!code.is_empty()).then(|| code_span(&code.join(" ")))
            }
        })
        .filter(|l| !l.is_empty())
        .collect();
    parts.join(" ")
}

/// `text` with nothing that could break a doc comment or a line: line breaks, tabs and
/// other control characters become spaces and text-direction controls are dropped. For
/// names and values from the document placed into generated prose.
pub fn one_line(text: &str) -> String {
    text.chars()
        .filter(|c| !is_direction_control(*c))
        .map(|c| {
            if is_break(c) || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// `text` as an inline code span, whatever backticks it holds.
pub fn code_span(text: &str) -> String {
    let text = one_line(text);
    let fence = "`".repeat(longest_run(&[text.as_str()], '`') + 1);
    // A span whose text starts or ends with a backtick (or a space) needs padding spaces;
    // CommonMark strips exactly one from each side.
    if text.starts_with(['`', ' ']) || text.ends_with(['`', ' ']) {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

/// Line breaks of every kind: CR LF, lone CR, NEL, and the Unicode line and paragraph
/// separators become `\n`; other control characters but tabs become spaces; text-direction
/// controls (which rustc rejects in comments) are dropped.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push('\n');
            }
            c if is_break(c) => out.push('\n'),
            '\t' => out.push('\t'),
            c if is_direction_control(c) => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// The characters rustc's `text_direction_codepoint_in_comment` lint rejects.
fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The longest run of `ch` in any of `lines`.
fn longest_run<S: AsRef<str>>(lines: &[S], ch: char) -> usize {
    let mut longest = 0;
    for line in lines {
        let mut run = 0;
        for c in line.as_ref().chars() {
            run = if c == ch { run + 1 } else { 0 };
            longest = longest.max(run);
        }
    }
    longest
}

enum Block {
    /// A line of prose, escaped.
    Line(String),
    /// The lines of a code block, as written.
    Code(Vec<String>),
}

/// An open fenced code block: its fence and the containers it sits in.
struct Fence {
    ch: char,
    len: usize,
    /// How many `>` the opening line had.
    quotes: usize,
    /// Whether it opened in a list item (a less indented line ends the item).
    listed: bool,
    /// Columns between the containers and the fence, removed from content lines.
    indent: usize,
}

/// Splits text into prose lines and code blocks. Fences of backticks or tildes, three or
/// more, close with the same character at least as many times, or at the end of the text
/// or of the quote or list item they opened in. Lines indented four columns more than the
/// list item they are in (if any), not continuing a paragraph, are indented code.
fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<(Fence, Vec<String>)> = None;
    let mut indented: Option<(usize, Vec<String>)> = None;
    // Whether the line before was prose that a further line would continue.
    let mut in_paragraph = false;
    // The content indent of the list item being written, or 0.
    let mut list_indent = 0;
    for raw in text.lines() {
        let line = raw.trim_end();
        if let Some((fence, mut code)) = open.take() {
            match fence_content(&fence, line) {
                Content::Line(l) => {
                    code.push(l);
                    open = Some((fence, code));
                    continue;
                }
                Content::Close => {
                    out.push(Block::Code(code));
                    in_paragraph = false;
                    continue;
                }
                Content::Ended => out.push(Block::Code(code)),
            }
        }
        if let Some((cols, mut code)) = indented.take() {
            if line.is_empty() || columns(line) >= cols {
                code.push(strip_columns(line, cols));
                indented = Some((cols, code));
                continue;
            }
            let blank_after = code.last().is_some_and(|l| l.is_empty());
            while code.last().is_some_and(|l| l.is_empty()) {
                code.pop();
            }
            out.push(Block::Code(code));
            if blank_after {
                out.push(Block::Line(String::new()));
            }
        }
        if !line.is_empty() && !in_paragraph && columns(line) >= list_indent + 4 {
            let cols = list_indent + 4;
            indented = Some((cols, vec![strip_columns(line, cols)]));
            continue;
        }
        let split = containers(line);
        if split.listed {
            list_indent = split.width;
        } else if !line.is_empty() && !in_paragraph && columns(line) < list_indent {
            list_indent = 0;
        }
        if let Some((ch, len)) = fence_start(split.rest) {
            open = Some((
                Fence {
                    ch,
                    len,
                    quotes: split.quotes,
                    listed: split.listed,
                    indent: split.width,
                },
                Vec::new(),
            ));
            continue;
        }
        in_paragraph = !split.rest.is_empty();
        let mut l = split.prefix;
        l.push_str(&escape_line(split.rest));
        out.push(Block::Line(l.trim_end().to_string()));
    }
    if let Some((_, mut code)) = indented {
        while code.last().is_some_and(|l| l.is_empty()) {
            code.pop();
        }
        out.push(Block::Code(code));
    }
    if let Some((_, code)) = open {
        out.push(Block::Code(code));
    }
    out
}

/// The columns of a line's indentation, tabs to the next multiple of four.
fn columns(line: &str) -> usize {
    let mut cols = 0;
    for c in line.chars() {
        match c {
            ' ' => cols += 1,
            '\t' => cols += 4 - cols % 4,
            _ => break,
        }
    }
    cols
}

/// `line` with `cols` columns of indentation removed (a tab that reaches past them leaves
/// spaces).
fn strip_columns(line: &str, cols: usize) -> String {
    let mut at = 0;
    for (i, c) in line.char_indices() {
        if at >= cols {
            return line[i..].to_string();
        }
        match c {
            ' ' => at += 1,
            '\t' => at += 4 - at % 4,
            _ => return line[i..].to_string(),
        }
    }
    if at > cols {
        return " ".repeat(at - cols);
    }
    String::new()
}

/// `text` from its first line that is not blank, without trailing whitespace: leading
/// indentation is kept, since it may make a code block.
fn trim_blank_lines(text: &str) -> &str {
    let text = text.trim_end();
    let start = text
        .char_indices()
        .find(|(_, c)| !c.is_whitespace())
        .map_or(text.len(), |(i, _)| i);
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    &text[line_start..]
}

enum Content {
    Line(String),
    Close,
    /// The container the fence opened in ended: the line is prose again.
    Ended,
}

fn fence_content(fence: &Fence, line: &str) -> Content {
    let mut rest = line;
    for _ in 0..fence.quotes {
        match rest.trim_start().strip_prefix('>') {
            Some(r) => rest = r.strip_prefix(' ').unwrap_or(r),
            None => return Content::Ended,
        }
    }
    let leading = rest.len() - rest.trim_start().len();
    if fence.listed && !rest.trim().is_empty() && leading < fence.indent {
        return Content::Ended;
    }
    let t = rest.trim();
    if t.len() >= fence.len && t.chars().all(|c| c == fence.ch) {
        return Content::Close;
    }
    let mut strip = fence.indent;
    let content = rest.trim_start_matches(|c: char| {
        let s = c.is_whitespace() && strip > 0;
        strip = strip.saturating_sub(1);
        s
    });
    Content::Line(content.to_string())
}

/// A code fence at the start of `rest`: its character and length. A backtick fence's info
/// string cannot hold a backtick (such a line is inline code).
fn fence_start(rest: &str) -> Option<(char, usize)> {
    let ch = rest.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let len = rest.chars().take_while(|c| *c == ch).count();
    if len < 3 || (ch == '`' && rest[len..].contains('`')) {
        return None;
    }
    Some((ch, len))
}

/// A line split into its container markers (`>`, list bullets and numbers) and the rest.
struct Containers<'a> {
    /// The markers, each followed by one space.
    prefix: String,
    /// The text after the markers and their whitespace.
    rest: &'a str,
    /// How many `>` markers.
    quotes: usize,
    /// Whether one marker is a list item's.
    listed: bool,
    /// Columns after the last quote marker up to the text: a list item's content indent.
    width: usize,
}

fn containers(line: &str) -> Containers<'_> {
    let mut prefix = String::new();
    let mut quotes = 0;
    let mut listed = false;
    let mut rest = line;
    let mut after_quotes = line;
    loop {
        let t = rest.trim_start();
        if let Some(r) = t.strip_prefix('>') {
            quotes += 1;
            prefix.push_str("> ");
            rest = r;
            after_quotes = r.strip_prefix(' ').unwrap_or(r);
            continue;
        }
        let marker_len = list_marker(t);
        if marker_len > 0 {
            listed = true;
            prefix.push_str(&t[..marker_len]);
            prefix.push(' ');
            rest = &t[marker_len..];
            continue;
        }
        rest = t;
        break;
    }
    let width = after_quotes[..after_quotes.len() - rest.len()]
        .chars()
        .count();
    Containers {
        prefix,
        rest,
        quotes,
        listed,
        width,
    }
}

/// The length of a list marker (`-`, `*`, `+`, `1.`, `1)`) followed by whitespace at the
/// start of `t`, or 0.
fn list_marker(t: &str) -> usize {
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let len = match t.as_bytes().get(digits) {
        Some(b'-' | b'*' | b'+') if digits == 0 => 1,
        Some(b'.' | b')') if (1..=9).contains(&digits) => digits + 1,
        _ => return 0,
    };
    match t.as_bytes().get(len) {
        Some(b' ' | b'\t') => len,
        _ => 0,
    }
}

/// Descriptions written in HTML (common in documents converted from other formats) become
/// Markdown: paragraphs, code, emphasis, lists and links; `<pre>` becomes a code block;
/// other tags are dropped. Only applied when the text has closing tags, so a lone `<b>` in
/// prose stays text.
fn html_to_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut link: Option<String> = None;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('>') else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let tag = &rest[start + 1..start + len];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let after = &rest[start + len + 1..];
        // Code keeps its text as written: up to the closing tag, inner tags dropped.
        if !closing && matches!(name.as_str(), "pre" | "code" | "tt") {
            let (inner, next) = match find_ascii_ci(after, &format!("</{name}")) {
                Some(end) => {
                    let close = after[end..].find('>').map_or(after.len(), |i| end + i + 1);
                    (&after[..end], &after[close..])
                }
                None => (after, ""),
            };
            let inner = decode_entities(&strip_tags(inner));
            if name == "pre" {
                // Marked with NUL lines (`clean` leaves no NUL), fenced after collapsing.
                out.push_str("\n\n\0pre\n");
                out.push_str(inner.trim_matches('\n'));
                out.push_str("\n\0/pre\n\n");
            } else if !inner.trim().is_empty() {
                out.push_str(&code_span(inner.trim()));
            }
            rest = next;
            continue;
        }
        let replacement = match (name.as_str(), closing) {
            ("p" | "div" | "ul" | "ol" | "note" | "important" | "pre", _) => {
                Some("\n\n".to_string())
            }
            ("br", _) => Some("\n".to_string()),
            ("li", false) => Some("\n- ".to_string()),
            ("li" | "code" | "tt", true) => Some(String::new()),
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
        rest = after;
    }
    out.push_str(rest);
    // Collapse the blank lines paragraphs leave behind; `<pre>` text keeps its lines.
    let mut collapsed = String::with_capacity(out.len());
    let mut blank = 0;
    let mut pre: Option<Vec<&str>> = None;
    for line in out.lines() {
        if let Some(lines) = &mut pre {
            if line == "\0/pre" {
                let fence = "`".repeat(longest_run(lines, '`').max(2) + 1);
                collapsed.push_str(&fence);
                collapsed.push('\n');
                for l in lines.iter() {
                    collapsed.push_str(l.trim_end());
                    collapsed.push('\n');
                }
                collapsed.push_str(&fence);
                collapsed.push('\n');
                pre = None;
            } else {
                lines.push(line);
            }
        } else if line == "\0pre" {
            blank = 0;
            pre = Some(Vec::new());
        } else if line.trim().is_empty() {
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

/// Where `needle` (ASCII, lowercase) starts in `haystack`, ignoring ASCII case.
fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// `text` without its HTML tags.
fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The common HTML entities decoded, for code, where Markdown would show them as written.
fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// One line of prose: code spans kept as written; in the text between them bare URLs
/// wrapped in `<>`, brackets escaped and `<`, `>` written as entities.
fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while let Some(tick) = rest.find('`') {
        let run = rest[tick..].bytes().take_while(|b| *b == b'`').count();
        let after = &rest[tick + run..];
        match closing_run(after, run) {
            Some(end) => {
                let span_end = tick + run + end + run;
                out.push_str(&escape_text(&rest[..tick]));
                out.push_str(&rest[tick..span_end]);
                rest = &rest[span_end..];
            }
            // A run no run of the same length closes is literal text.
            None => {
                out.push_str(&escape_text(&rest[..tick + run]));
                rest = after;
            }
        }
    }
    out.push_str(&escape_text(rest));
    out
}

/// Where the first run of exactly `run` backticks in `text` starts.
fn closing_run(text: &str, run: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let len = bytes[i..].iter().take_while(|b| **b == b'`').count();
            if len == run {
                return Some(i);
            }
            i += len;
        } else {
            i += 1;
        }
    }
    None
}

fn escape_text(line: &str) -> String {
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
    for c in s.chars() {
        match c {
            '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        doc_lines(text)
    }

    #[test]
    fn urls_brackets_and_indentation() {
        assert_eq!(
            lines("See https://docs.aws.amazon.com/x.html. Or [this]\n    indented"),
            vec![
                "See <https://docs.aws.amazon.com/x.html>. Or \\[this\\]",
                "indented"
            ]
        );
        assert_eq!(
            lines("```\nlet x = 1;\n```"),
            vec!["```text", "let x = 1;", "```"]
        );
        assert_eq!(lines("a <b> `[c]`"), vec!["a &lt;b&gt; `[c]`"]);
        assert_eq!(lines("see <https://x.y/z>."), vec!["see <https://x.y/z>."]);
    }

    #[test]
    fn every_fence_becomes_text() {
        for (input, expected) in [
            (
                "```rust\nfn main() {}\n```",
                vec!["```text", "fn main() {}", "```"],
            ),
            ("```ignore\nx\n```", vec!["```text", "x", "```"]),
            (
                "```should_panic,edition2021\nx\n```",
                vec!["```text", "x", "```"],
            ),
            ("~~~\nx\n~~~", vec!["```text", "x", "```"]),
            ("~~~python {.x}\nx\n~~~", vec!["```text", "x", "```"]),
            ("  ```rust\n  x\n  ```", vec!["```text", "x", "```"]),
            // Unclosed: the block runs to the end.
            ("```\nfn main() {}", vec!["```text", "fn main() {}", "```"]),
            ("~~~~\nx", vec!["```text", "x", "```"]),
        ] {
            assert_eq!(lines(input), expected, "{input:?}");
        }
    }

    #[test]
    fn a_fence_closes_with_its_own_character_and_at_least_its_length() {
        // A shorter or other fence inside is content; the output fence is longer than any
        // backtick run inside, so the content cannot close it.
        assert_eq!(
            lines("`````\n```\nfn a() {}\n```\n`````\nafter"),
            vec!["````text", "```", "fn a() {}", "```", "````", "after"]
        );
        assert_eq!(
            lines("~~~~\n```\nx\n~~~\n~~~~~\nafter"),
            vec!["````text", "```", "x", "~~~", "````", "after"]
        );
        assert_eq!(
            lines("```\n~~~\nx\n```"),
            vec!["```text", "~~~", "x", "```"]
        );
        // A closing fence takes no info string.
        assert_eq!(
            lines("```\nx\n``` rust\n```"),
            vec!["````text", "x", "``` rust", "````"]
        );
    }

    #[test]
    fn fences_in_quotes_and_list_items() {
        assert_eq!(
            lines("> ```\n> fn main() {}\n> ```\nafter"),
            vec!["```text", "fn main() {}", "```", "after"]
        );
        // The quote ending ends the block.
        assert_eq!(
            lines("> ```\n> x\nnot quoted"),
            vec!["```text", "x", "```", "not quoted"]
        );
        assert_eq!(
            lines("- ```\n  fn main() {}\n  ```\n- next"),
            vec!["```text", "fn main() {}", "```", "- next"]
        );
        assert_eq!(lines("1. ~~~\n   x\n   ~~~"), vec!["```text", "x", "```"]);
        assert_eq!(
            lines("> - ```rust\n>   x\n>   ```"),
            vec!["```text", "x", "```"]
        );
    }

    #[test]
    fn indented_code_becomes_text() {
        assert_eq!(
            lines("Text:\n\n    fn main() {}\n    x\n\nafter"),
            vec![
                "Text:",
                "",
                "```text",
                "fn main() {}",
                "x",
                "```",
                "",
                "after"
            ]
        );
        assert_eq!(
            lines("\tfn main() {}\n\n\t  y"),
            vec!["```text", "fn main() {}", "", "  y", "```"]
        );
        assert_eq!(
            lines("    fn main() {}"),
            vec!["```text", "fn main() {}", "```"]
        );
        // Continuing a paragraph, indentation is not code.
        assert_eq!(lines("a\n    b"), vec!["a", "b"]);
        // Inside a list item, four columns more than its content.
        assert_eq!(
            lines("- item\n\n  more\n\n      code"),
            vec!["- item", "", "more", "", "```text", "code", "```"]
        );
        // Whitespace after container markers never makes an indented block.
        assert_eq!(lines("-     fn main() {}"), vec!["- fn main() {}"]);
        assert_eq!(lines(">     fn main() {}"), vec!["> fn main() {}"]);
        assert_eq!(lines(">\t\tx"), vec!["> x"]);
        assert_eq!(lines("1.      x"), vec!["1. x"]);
    }

    #[test]
    fn html_pre_and_code() {
        assert_eq!(
            lines("<p>See:</p><pre>fn main() {\n    a &lt; b;\n}</pre><p>done</p>"),
            vec![
                "See:",
                "",
                "```text",
                "fn main() {",
                "    a < b;",
                "}",
                "```",
                "",
                "done"
            ]
        );
        assert_eq!(
            lines("<pre><code class=\"rust\">x</code></pre>"),
            vec!["```text", "x", "```"]
        );
        assert_eq!(
            lines("<PRE>```\nx\n```</PRE>"),
            vec!["````text", "```", "x", "```", "````"]
        );
        // Unclosed `<pre>` runs to the end.
        assert_eq!(
            lines("<p>a</p><pre>x"),
            vec!["a", "", "```text", "x", "```"]
        );
        assert_eq!(lines("<p>a <code>[b]</code></p>"), vec!["a `[b]`"]);
        assert_eq!(lines("<p><code>```</code></p>"), vec!["```` ``` ````"]);
        assert_eq!(lines("<p><code>a`b</code></p>"), vec!["``a`b``"]);
    }

    #[test]
    fn inline_code_with_backtick_runs() {
        assert_eq!(lines("``a ` [b]`` [c]"), vec!["``a ` [b]`` \\[c\\]"]);
        assert_eq!(lines("```inline``` [c]"), vec!["```inline``` \\[c\\]"]);
        // An unmatched run is literal text.
        assert_eq!(lines("a ` [b]"), vec!["a ` \\[b\\]"]);
        assert_eq!(lines("`a`` [b]"), vec!["`a`` \\[b\\]"]);
        assert_eq!(lines("`https://x.y` z"), vec!["`https://x.y` z"]);
    }

    #[test]
    fn control_characters_and_line_breaks() {
        assert_eq!(
            lines("a\rb\r\nc\n\u{2028}d\u{2029}e\u{85}f"),
            vec!["a", "b", "c", "", "d", "e", "f"]
        );
        assert_eq!(
            lines("a\u{7}b\u{0}c\u{1b}d\u{7f}e\u{b}f\u{c}g"),
            vec!["a b c d e f g"]
        );
        assert_eq!(lines("a\u{202E}b\u{2066}c\u{2069}"), vec!["abc"]);
        // A lone CR cannot make a fence hide on one line.
        assert_eq!(
            lines("x\r```\rfn main() {}\r```"),
            vec!["x", "```text", "fn main() {}", "```"]
        );
        for text in [
            "a\rb",
            "\u{0}",
            "```\n\u{1}\r\u{202E}\n```",
            "<pre>\r\u{7}</pre>",
        ] {
            for l in lines(text) {
                assert!(
                    !l.chars().any(|c| c.is_control() || is_direction_control(c)),
                    "{text:?} gave {l:?}"
                );
            }
        }
    }

    #[test]
    fn one_line_forms_never_start_a_block() {
        assert_eq!(doc_line("```\nfn main() {}\n```"), "`fn main() {}`");
        assert_eq!(
            doc_line("~~~\nlet a = `x`;\n~~~\nafter"),
            "``let a = `x`;`` after"
        );
        assert_eq!(doc_line("a\n\n    b\nc"), "a ``b`` c".replace("``", "`"));
        assert_eq!(doc_line("```\n```"), "");
        assert_eq!(doc_line("x\ny"), "x y");
        assert_eq!(one_line("a\nb\r\tc\u{0}\u{202E}d"), "a b  c d");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`a"), "`` `a ``");
        assert_eq!(code_span("x\ny"), "`x y`");
    }

    #[test]
    fn leading_indentation_of_the_first_line_is_kept() {
        assert_eq!(
            lines("\n\n    fn main() {}\n\ntext"),
            vec!["```text", "fn main() {}", "```", "", "text"]
        );
    }
}
