//! Docs: turns description text from the document into rustdoc that renders well and
//! provokes no rustdoc warnings. Nothing the document says becomes code: every code block
//! comes out fenced as `text`, nothing is left indented enough to be an indented code
//! block, and control characters never reach a doc comment. Shared, below the stages:
//! emission calls it on every description it writes; it uses nothing of the crate.

/// Lines of rustdoc for `text`: trimmed, bare URLs wrapped in `<>`, brackets escaped so
/// they are not read as intra-doc links, every code block (fenced with backticks or tildes,
/// inside a quote or list item, or an HTML `<pre>`) fenced as `text` so nothing is run as a
/// doctest, and indentation removed so nothing becomes an indented code block.
pub fn doc_lines(text: &str) -> Vec<String> {
    description_blocks(text)
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

/// The prose lines and code blocks of a description: control characters made safe, HTML
/// turned into Markdown (only when the text has closing tags), blank edges trimmed.
fn description_blocks(text: &str) -> Vec<Block> {
    let text = clean(text);
    if text.contains("</") {
        blocks(trim_blank_lines(&html_to_markdown(&text)))
    } else {
        blocks(trim_blank_lines(&text))
    }
}

/// `text` as one line of rustdoc, for list items and other places that take a single
/// line: the lines of [`doc_lines`] joined with spaces, code blocks as inline code.
pub fn doc_line(text: &str) -> String {
    let parts: Vec<String> = description_blocks(text)
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
mod tests;
