//! Tests of turning description text into rustdoc: fences, code, HTML, URLs, control
//! characters.

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
