//! Load, JSONPath: RFC 9535 queries over a `serde_json` tree, for overlay targets. Consumes
//! an expression and a tree; produces the matched nodes' locations (as JSON pointer tokens,
//! in the order the RFC defines, which is document order for the selectors overlays use)
//! or an error naming the character where the expression is wrong or the limit it crossed.
//!
//! Supported: `$`, `@`, `.name`, `['name']` / `["name"]` with escapes, `*`, indices
//! (negative too), slices, unions, descendants (`..`), and filters with comparisons,
//! existence tests, `&&`, `||`, `!`, parentheses, and the functions `length`, `count` and
//! `value`. `match` and `search` (I-Regexp) are refused with an error that says so.
//!
//! The document may be hostile, so the work is bounded: the expression's length and
//! nesting, the nodes any one segment yields, and the steps (nodes visited plus filter
//! evaluations) of one query. Descendants are walked with an explicit stack, so no
//! recursion follows the document's depth.

use serde_json::Value;

/// The longest expression accepted, in bytes.
pub const MAX_EXPRESSION_BYTES: usize = 4096;
/// How deeply filters, parentheses and function calls may nest in one expression.
pub const MAX_NESTING: usize = 32;
/// The most nodes one segment of a query may yield.
pub const MAX_NODES: usize = 100_000;
/// The most steps one query may take: nodes visited, plus segments and parts of filter
/// expressions evaluated.
pub const MAX_STEPS: usize = 4_000_000;

/// A query that failed: where in the expression (a byte offset) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    /// The byte offset in the expression, or `None` when the limit was crossed while
    /// evaluating.
    pub offset: Option<usize>,
    /// What is wrong, starting lowercase, without a trailing period.
    pub message: String,
}

impl std::fmt::Display for PathError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.offset {
            Some(at) => write!(f, "{} at character {}", self.message, at + 1),
            None => f.write_str(&self.message),
        }
    }
}

/// One step of a matched node's location: a member name or an array index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    /// A member of an object.
    Key(String),
    /// An element of an array.
    Index(usize),
}

/// Where a matched node is: the steps from the root.
pub type Location = Vec<Step>;

/// The JSON pointer (`#/a/0`) of a location.
pub fn to_pointer(location: &[Step]) -> String {
    let mut out = String::from("#");
    for step in location {
        out = match step {
            Step::Key(k) => crate::pointer::child(&out, k),
            Step::Index(i) => crate::pointer::child(&out, &i.to_string()),
        };
    }
    out
}

/// A parsed query.
#[derive(Debug, Clone)]
pub struct Query {
    segments: Vec<Segment>,
}

impl Query {
    /// Parses an RFC 9535 query, such as `$.paths['/pets'].get`.
    pub fn parse(text: &str) -> Result<Query, PathError> {
        if text.len() > MAX_EXPRESSION_BYTES {
            return Err(PathError {
                offset: None,
                message: format!(
                    "the expression is {} bytes, more than the limit of {MAX_EXPRESSION_BYTES}",
                    text.len()
                ),
            });
        }
        let mut p = Parser {
            text,
            at: 0,
            nesting: 0,
        };
        if !p.eat("$") {
            return Err(p.error("a query starts with `$`"));
        }
        let segments = p.segments()?;
        if p.at < text.len() {
            return Err(p.error("expected `.`, `..` or `[`"));
        }
        Ok(Query { segments })
    }

    /// The locations of the nodes the query selects in `root`, in the RFC's order (a
    /// location may repeat, as in `$[0,0]`).
    pub fn locate(&self, root: &Value) -> Result<Vec<Location>, PathError> {
        let mut eval = Eval {
            root,
            arena: vec![(0, ArenaStep::Root)],
            steps: 0,
        };
        let nodes = eval.run(&self.segments, root, true)?;
        Ok(nodes.iter().map(|n| eval.location(n.at)).collect())
    }
}

#[derive(Debug, Clone)]
enum Segment {
    Child(Vec<Selector>),
    Descendant(Vec<Selector>),
}

#[derive(Debug, Clone)]
enum Selector {
    Name(String),
    Wildcard,
    Index(i64),
    Slice(Option<i64>, Option<i64>, Option<i64>),
    Filter(Box<Logical>),
}

#[derive(Debug, Clone)]
enum Logical {
    Or(Vec<Logical>),
    And(Vec<Logical>),
    Not(Box<Logical>),
    /// A query as a test: true when it selects at least one node.
    Exists(FilterQuery),
    /// A comparison of two values.
    Compare(Comparable, CmpOp, Comparable),
}

#[derive(Debug, Clone)]
struct FilterQuery {
    relative: bool,
    segments: Vec<Segment>,
}

#[derive(Debug, Clone)]
enum Comparable {
    Literal(Value),
    /// A singular query (only name and index selectors).
    Singular(FilterQuery),
    Function(Box<Function>),
}

/// The functions whose result is a value.
#[derive(Debug, Clone)]
enum Function {
    Length(Comparable),
    Count(FilterQuery),
    Value(FilterQuery),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

struct Parser<'t> {
    text: &'t str,
    at: usize,
    nesting: usize,
}

impl<'t> Parser<'t> {
    fn error(&self, message: impl Into<String>) -> PathError {
        PathError {
            offset: Some(self.at),
            message: message.into(),
        }
    }

    fn rest(&self) -> &'t str {
        &self.text[self.at..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.at += s.len();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, s: &str) -> Result<(), PathError> {
        if self.eat(s) {
            Ok(())
        } else {
            Err(self.error(format!("expected `{s}`")))
        }
    }

    /// RFC 9535's `S`: blanks (space, tab, line feed, carriage return).
    fn blank(&mut self) {
        let n = self
            .rest()
            .bytes()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .count();
        self.at += n;
    }

    fn nest(&mut self) -> Result<(), PathError> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return Err(self.error(format!(
                "filters, parentheses and functions nest more than {MAX_NESTING} deep"
            )));
        }
        Ok(())
    }

    /// Segments, each optionally preceded by blanks. Blanks not followed by a segment are
    /// left for the caller.
    fn segments(&mut self) -> Result<Vec<Segment>, PathError> {
        let mut out = Vec::new();
        loop {
            let before = self.at;
            self.blank();
            if self.eat("..") {
                let selectors = if self.peek() == Some('[') {
                    self.bracketed()?
                } else if self.eat("*") {
                    vec![Selector::Wildcard]
                } else {
                    vec![Selector::Name(self.member_name()?)]
                };
                out.push(Segment::Descendant(selectors));
            } else if self.eat(".") {
                let selectors = if self.eat("*") {
                    vec![Selector::Wildcard]
                } else {
                    vec![Selector::Name(self.member_name()?)]
                };
                out.push(Segment::Child(selectors));
            } else if self.peek() == Some('[') {
                out.push(Segment::Child(self.bracketed()?));
            } else {
                self.at = before;
                return Ok(out);
            }
        }
    }

    /// `member-name-shorthand`: a letter, `_` or non-ASCII, then those or digits.
    fn member_name(&mut self) -> Result<String, PathError> {
        let first = |c: char| c.is_ascii_alphabetic() || c == '_' || !c.is_ascii();
        let mut chars = self.rest().char_indices();
        match chars.next() {
            Some((_, c)) if first(c) => {}
            _ => return Err(self.error("expected a member name, `*` or `[`")),
        }
        let end = chars
            .find(|(_, c)| !(first(*c) || c.is_ascii_digit()))
            .map_or(self.rest().len(), |(i, _)| i);
        let name = self.rest()[..end].to_string();
        self.at += end;
        Ok(name)
    }

    fn bracketed(&mut self) -> Result<Vec<Selector>, PathError> {
        self.expect("[")?;
        let mut out = Vec::new();
        loop {
            self.blank();
            out.push(self.selector()?);
            self.blank();
            if self.eat("]") {
                return Ok(out);
            }
            if !self.eat(",") {
                return Err(self.error("expected `,` or `]`"));
            }
        }
    }

    fn selector(&mut self) -> Result<Selector, PathError> {
        match self.peek() {
            Some('\'' | '"') => Ok(Selector::Name(self.string()?)),
            Some('*') => {
                self.at += 1;
                Ok(Selector::Wildcard)
            }
            Some('?') => {
                self.at += 1;
                self.nest()?;
                self.blank();
                let expr = self.logical()?;
                self.nesting -= 1;
                Ok(Selector::Filter(Box::new(expr)))
            }
            Some(c) if c == ':' || c == '-' || c.is_ascii_digit() => {
                let start = self.optional_int()?;
                self.blank();
                if !self.eat(":") {
                    return match start {
                        Some(i) => Ok(Selector::Index(i)),
                        None => Err(self.error("expected an index")),
                    };
                }
                self.blank();
                let end = self.optional_int()?;
                self.blank();
                let step = if self.eat(":") {
                    self.blank();
                    self.optional_int()?
                } else {
                    None
                };
                Ok(Selector::Slice(start, end, step))
            }
            _ => Err(self.error(
                "expected a selector: a name in quotes, `*`, an index, a slice or a filter (`?`)",
            )),
        }
    }

    fn optional_int(&mut self) -> Result<Option<i64>, PathError> {
        match self.peek() {
            Some(c) if c == '-' || c.is_ascii_digit() => self.int().map(Some),
            _ => Ok(None),
        }
    }

    /// An integer without leading zeros, not `-0`, within ±(2^53 - 1).
    fn int(&mut self) -> Result<i64, PathError> {
        let start = self.at;
        let negative = self.eat("-");
        let digits = self.rest().bytes().take_while(u8::is_ascii_digit).count();
        let text = &self.rest()[..digits];
        if digits == 0 || (text.starts_with('0') && (digits > 1 || negative)) {
            self.at = start;
            return Err(self.error("expected an integer without leading zeros (and not `-0`)"));
        }
        self.at += digits;
        const LIMIT: i64 = (1 << 53) - 1;
        match text.parse::<i64>() {
            Ok(n) if n <= LIMIT => Ok(if negative { -n } else { n }),
            _ => {
                self.at = start;
                Err(self.error("the integer is outside ±(2^53 - 1)"))
            }
        }
    }

    /// A string literal in single or double quotes, with RFC 9535's escapes.
    fn string(&mut self) -> Result<String, PathError> {
        let quote = self.peek().expect("the caller saw a quote");
        self.at += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.error(format!("the string has no closing {quote}")));
            };
            match c {
                c if c == quote => {
                    self.at += 1;
                    return Ok(out);
                }
                '\\' => {
                    self.at += 1;
                    let Some(e) = self.peek() else {
                        return Err(self.error("the string ends inside an escape"));
                    };
                    self.at += e.len_utf8();
                    match e {
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        '/' => out.push('/'),
                        '\\' => out.push('\\'),
                        'u' => out.push(self.unicode_escape()?),
                        e if e == quote => out.push(e),
                        _ => {
                            self.at -= e.len_utf8() + 1;
                            return Err(self.error(format!("`\\{e}` is not an escape")));
                        }
                    }
                }
                c if (c as u32) < 0x20 => {
                    return Err(self.error("a control character must be escaped in a string"));
                }
                c => {
                    out.push(c);
                    self.at += c.len_utf8();
                }
            }
        }
    }

    /// The four hex digits after `\u`, and a second escape for a surrogate pair.
    fn unicode_escape(&mut self) -> Result<char, PathError> {
        let start = self.at - 2;
        let hex = |p: &mut Self| -> Result<u32, PathError> {
            let digits = p
                .rest()
                .get(..4)
                .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()));
            let Some(digits) = digits else {
                return Err(p.error("expected four hex digits after `\\u`"));
            };
            p.at += 4;
            Ok(u32::from_str_radix(digits, 16).expect("hex digits"))
        };
        let first = hex(self)?;
        let code = match first {
            0xD800..=0xDBFF => {
                if !self.eat("\\u") {
                    return Err(
                        self.error("a high surrogate must be followed by `\\u` and a low one")
                    );
                }
                let second = hex(self)?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error("expected a low surrogate"));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => {
                self.at = start;
                return Err(self.error("a low surrogate without a high one"));
            }
            c => c,
        };
        Ok(char::from_u32(code).expect("a scalar value"))
    }

    fn logical(&mut self) -> Result<Logical, PathError> {
        self.chain("||", Self::and, Logical::Or)
    }

    fn and(&mut self) -> Result<Logical, PathError> {
        self.chain("&&", Self::basic, Logical::And)
    }

    /// Operands joined by `op`: one alone, or several in `join`.
    fn chain(
        &mut self,
        op: &str,
        operand: fn(&mut Self) -> Result<Logical, PathError>,
        join: fn(Vec<Logical>) -> Logical,
    ) -> Result<Logical, PathError> {
        let mut parts = vec![operand(self)?];
        loop {
            let before = self.at;
            self.blank();
            if !self.eat(op) {
                self.at = before;
                break;
            }
            self.blank();
            parts.push(operand(self)?);
        }
        Ok(if parts.len() == 1 {
            parts.pop().expect("one")
        } else {
            join(parts)
        })
    }

    /// A parenthesised expression, a test or a comparison, with an optional `!` before the
    /// first two.
    fn basic(&mut self) -> Result<Logical, PathError> {
        let start = self.at;
        if self.eat("!") {
            self.blank();
            let inner = if self.peek() == Some('(') {
                self.parenthesised()?
            } else {
                match self.operand()? {
                    Operand::Test(t) => t,
                    Operand::Value(_) => {
                        self.at = start;
                        return Err(self.error(
                            "`!` applies to a test or a parenthesised expression, not to a value",
                        ));
                    }
                }
            };
            return Ok(Logical::Not(Box::new(inner)));
        }
        if self.peek() == Some('(') {
            return self.parenthesised();
        }
        let left = self.operand()?;
        let before = self.at;
        self.blank();
        let Some(op) = self.comparison_op() else {
            self.at = before;
            return match left {
                Operand::Test(t) => Ok(t),
                Operand::Value(_) => {
                    self.at = start;
                    Err(self
                        .error("a value on its own is not a test; compare it with `==`, `<`, ..."))
                }
            };
        };
        self.blank();
        let left = self.comparable(left, start)?;
        let right_start = self.at;
        let right = self.operand()?;
        let right = self.comparable(right, right_start)?;
        Ok(Logical::Compare(left, op, right))
    }

    fn parenthesised(&mut self) -> Result<Logical, PathError> {
        self.expect("(")?;
        self.nest()?;
        self.blank();
        let inner = self.logical()?;
        self.blank();
        self.expect(")")?;
        self.nesting -= 1;
        Ok(inner)
    }

    fn comparison_op(&mut self) -> Option<CmpOp> {
        for (s, op) in [
            ("==", CmpOp::Eq),
            ("!=", CmpOp::Ne),
            ("<=", CmpOp::Le),
            (">=", CmpOp::Ge),
            ("<", CmpOp::Lt),
            (">", CmpOp::Gt),
        ] {
            if self.eat(s) {
                return Some(op);
            }
        }
        None
    }

    /// Turns an operand into one side of a comparison: a literal, a singular query or a
    /// function that returns a value.
    fn comparable(&self, operand: Operand, start: usize) -> Result<Comparable, PathError> {
        let fail = |message: &str| {
            Err(PathError {
                offset: Some(start),
                message: message.to_string(),
            })
        };
        match operand {
            Operand::Value(c) => Ok(c),
            Operand::Test(Logical::Exists(q)) => {
                if is_singular(&q.segments) {
                    Ok(Comparable::Singular(q))
                } else {
                    fail("only a singular query (names and indices, no `..`, `*`, slices or filters) can be compared")
                }
            }
            Operand::Test(_) => fail("this function's result is a test, not a value to compare"),
        }
    }

    /// A literal, a query or a function call.
    fn operand(&mut self) -> Result<Operand, PathError> {
        let start = self.at;
        match self.peek() {
            Some('@') | Some('$') => {
                let relative = self.peek() == Some('@');
                self.at += 1;
                let segments = self.segments()?;
                Ok(Operand::Test(Logical::Exists(FilterQuery {
                    relative,
                    segments,
                })))
            }
            Some('\'' | '"') => Ok(Operand::Value(Comparable::Literal(Value::String(
                self.string()?,
            )))),
            Some(c) if c == '-' || c.is_ascii_digit() => {
                Ok(Operand::Value(Comparable::Literal(self.number()?)))
            }
            Some(c) if c.is_ascii_lowercase() => {
                let len = self
                    .rest()
                    .bytes()
                    .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
                    .count();
                let name = &self.rest()[..len];
                let literal = match name {
                    "true" => Some(Value::Bool(true)),
                    "false" => Some(Value::Bool(false)),
                    "null" => Some(Value::Null),
                    _ => None,
                };
                if let Some(v) = literal {
                    self.at += len;
                    return Ok(Operand::Value(Comparable::Literal(v)));
                }
                self.at += len;
                if self.peek() != Some('(') {
                    self.at = start;
                    return Err(self.error(format!(
                        "`{name}` is not a literal; a function call needs `(`"
                    )));
                }
                self.function(name, start)
            }
            _ => Err(self.error("expected a query (`@` or `$`), a literal or a function call")),
        }
    }

    fn function(&mut self, name: &str, start: usize) -> Result<Operand, PathError> {
        let located = |message: String| PathError {
            offset: Some(start),
            message,
        };
        if matches!(name, "match" | "search") {
            return Err(located(format!(
                "the function `{name}` is not supported (only `length`, `count` and `value` are)"
            )));
        }
        if !matches!(name, "length" | "count" | "value") {
            return Err(located(format!(
                "`{name}` is not a function RFC 9535 defines"
            )));
        }
        self.expect("(")?;
        self.nest()?;
        self.blank();
        let arg_start = self.at;
        let arg = self.operand()?;
        self.blank();
        if self.peek() == Some(',') {
            return Err(self.error(format!("`{name}` takes one argument")));
        }
        self.expect(")")?;
        self.nesting -= 1;
        let arg_error = |message: &str| PathError {
            offset: Some(arg_start),
            message: message.to_string(),
        };
        let function = match name {
            "length" => Function::Length(self.comparable(arg, arg_start)?),
            _ => match arg {
                Operand::Test(Logical::Exists(q)) if name == "count" => Function::Count(q),
                Operand::Test(Logical::Exists(q)) => Function::Value(q),
                _ => return Err(arg_error(&format!("`{name}` takes a query"))),
            },
        };
        Ok(Operand::Value(Comparable::Function(Box::new(function))))
    }

    /// A JSON number: `-`, digits without leading zeros, a fraction, an exponent.
    fn number(&mut self) -> Result<Value, PathError> {
        let start = self.at;
        let bytes = self.rest().as_bytes();
        let mut i = usize::from(bytes.first() == Some(&b'-'));
        let int_digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if int_digits == 0 || (bytes[i] == b'0' && int_digits > 1) {
            return Err(self.error("expected a number without leading zeros"));
        }
        i += int_digits;
        if bytes.get(i) == Some(&b'.') {
            let n = bytes[i + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if n == 0 {
                self.at += i + 1;
                return Err(self.error("expected digits after `.`"));
            }
            i += 1 + n;
        }
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(bytes.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let n = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
            if n == 0 {
                self.at += i;
                return Err(self.error("expected digits in the exponent"));
            }
            i += n;
        }
        let text = &self.rest()[..i];
        self.at += i;
        serde_json::from_str::<Value>(text)
            .ok()
            .filter(Value::is_number)
            .ok_or(PathError {
                offset: Some(start),
                message: "the number is out of range".to_string(),
            })
    }
}

/// What an operand turned out to be before the parser knows whether a comparison follows.
enum Operand {
    Value(Comparable),
    Test(Logical),
}

fn is_singular(segments: &[Segment]) -> bool {
    segments.iter().all(|s| match s {
        Segment::Child(sel) => {
            sel.len() == 1 && matches!(sel[0], Selector::Name(_) | Selector::Index(_))
        }
        Segment::Descendant(_) => false,
    })
}

/// A node during evaluation: its value and its place in the arena (0 when untracked).
#[derive(Clone, Copy)]
struct Node<'a> {
    value: &'a Value,
    at: u32,
}

#[derive(Clone, Copy)]
enum ArenaStep<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

struct Eval<'a> {
    root: &'a Value,
    /// Each tracked node's parent and the step from it, so a location costs one entry.
    arena: Vec<(u32, ArenaStep<'a>)>,
    steps: usize,
}

impl<'a> Eval<'a> {
    fn tick(&mut self, n: usize) -> Result<(), PathError> {
        self.steps += n;
        if self.steps > MAX_STEPS {
            return Err(PathError {
                offset: None,
                message: format!(
                    "the query takes more than {MAX_STEPS} steps on this document; make it narrower"
                ),
            });
        }
        Ok(())
    }

    fn child(
        &mut self,
        parent: Node<'a>,
        step: ArenaStep<'a>,
        value: &'a Value,
        track: bool,
    ) -> Node<'a> {
        if !track {
            return Node { value, at: 0 };
        }
        self.arena.push((parent.at, step));
        Node {
            value,
            at: (self.arena.len() - 1) as u32,
        }
    }

    fn location(&self, mut at: u32) -> Location {
        let mut out = Vec::new();
        while at != 0 {
            let (parent, step) = self.arena[at as usize];
            out.push(match step {
                ArenaStep::Key(k) => Step::Key(k.to_string()),
                ArenaStep::Index(i) => Step::Index(i),
                ArenaStep::Root => break,
            });
            at = parent;
        }
        out.reverse();
        out
    }

    fn run(
        &mut self,
        segments: &[Segment],
        start: &'a Value,
        track: bool,
    ) -> Result<Vec<Node<'a>>, PathError> {
        let mut nodes = vec![Node {
            value: start,
            at: 0,
        }];
        for segment in segments {
            self.tick(nodes.len())?;
            let mut next = Vec::new();
            match segment {
                Segment::Child(selectors) => {
                    for node in &nodes {
                        self.select(*node, selectors, track, &mut next)?;
                    }
                }
                Segment::Descendant(selectors) => {
                    for node in &nodes {
                        self.descend(*node, selectors, track, &mut next)?;
                    }
                }
            }
            nodes = next;
            if nodes.is_empty() {
                break;
            }
        }
        Ok(nodes)
    }

    /// Applies the selectors to `node` and then to each of its descendants, in document
    /// order, with an explicit stack.
    fn descend(
        &mut self,
        node: Node<'a>,
        selectors: &[Selector],
        track: bool,
        out: &mut Vec<Node<'a>>,
    ) -> Result<(), PathError> {
        let mut stack = vec![node];
        while let Some(node) = stack.pop() {
            self.tick(1)?;
            self.select(node, selectors, track, out)?;
            let first = stack.len();
            match node.value {
                Value::Object(map) => {
                    for (k, v) in map {
                        if v.is_object() || v.is_array() {
                            let child = self.child(node, ArenaStep::Key(k), v, track);
                            stack.push(child);
                        }
                    }
                }
                Value::Array(items) => {
                    for (i, v) in items.iter().enumerate() {
                        if v.is_object() || v.is_array() {
                            let child = self.child(node, ArenaStep::Index(i), v, track);
                            stack.push(child);
                        }
                    }
                }
                _ => {}
            }
            stack[first..].reverse();
        }
        Ok(())
    }

    fn push(&mut self, out: &mut Vec<Node<'a>>, node: Node<'a>) -> Result<(), PathError> {
        if out.len() >= MAX_NODES {
            return Err(PathError {
                offset: None,
                message: format!("the query selects more than {MAX_NODES} nodes; make it narrower"),
            });
        }
        out.push(node);
        Ok(())
    }

    fn select(
        &mut self,
        node: Node<'a>,
        selectors: &[Selector],
        track: bool,
        out: &mut Vec<Node<'a>>,
    ) -> Result<(), PathError> {
        for selector in selectors {
            match (selector, node.value) {
                (Selector::Name(name), Value::Object(map)) => {
                    if let Some((k, v)) = map.get_key_value(name.as_str()) {
                        let child = self.child(node, ArenaStep::Key(k), v, track);
                        self.push(out, child)?;
                    }
                }
                (Selector::Wildcard, Value::Object(map)) => {
                    self.tick(map.len())?;
                    for (k, v) in map {
                        let child = self.child(node, ArenaStep::Key(k), v, track);
                        self.push(out, child)?;
                    }
                }
                (Selector::Wildcard, Value::Array(items)) => {
                    self.tick(items.len())?;
                    for (i, v) in items.iter().enumerate() {
                        let child = self.child(node, ArenaStep::Index(i), v, track);
                        self.push(out, child)?;
                    }
                }
                (Selector::Index(i), Value::Array(items)) => {
                    if let Some(i) = normalize_index(*i, items.len()) {
                        let child = self.child(node, ArenaStep::Index(i), &items[i], track);
                        self.push(out, child)?;
                    }
                }
                (Selector::Slice(start, end, step), Value::Array(items)) => {
                    let indices = slice_indices(*start, *end, *step, items.len());
                    self.tick(indices.len())?;
                    for i in indices {
                        let child = self.child(node, ArenaStep::Index(i), &items[i], track);
                        self.push(out, child)?;
                    }
                }
                (Selector::Filter(expr), Value::Object(map)) => {
                    for (k, v) in map {
                        self.tick(1)?;
                        if self.test(expr, v)? {
                            let child = self.child(node, ArenaStep::Key(k), v, track);
                            self.push(out, child)?;
                        }
                    }
                }
                (Selector::Filter(expr), Value::Array(items)) => {
                    for (i, v) in items.iter().enumerate() {
                        self.tick(1)?;
                        if self.test(expr, v)? {
                            let child = self.child(node, ArenaStep::Index(i), v, track);
                            self.push(out, child)?;
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Evaluates a filter expression with `current` as `@`.
    fn test(&mut self, expr: &Logical, current: &'a Value) -> Result<bool, PathError> {
        // Each part of a long expression counts, so `@.a || @.a || ...` cannot multiply
        // the work past the budget.
        self.tick(1)?;
        Ok(match expr {
            Logical::Or(any) => {
                for e in any {
                    if self.test(e, current)? {
                        return Ok(true);
                    }
                }
                false
            }
            Logical::And(all) => {
                for e in all {
                    if !self.test(e, current)? {
                        return Ok(false);
                    }
                }
                true
            }
            Logical::Not(e) => !self.test(e, current)?,
            Logical::Exists(q) => !self.query(q, current)?.is_empty(),
            Logical::Compare(l, op, r) => {
                let l = self.value(l, current)?;
                let r = self.value(r, current)?;
                compare(l.as_deref(), *op, r.as_deref())
            }
        })
    }

    fn query(&mut self, q: &FilterQuery, current: &'a Value) -> Result<Vec<Node<'a>>, PathError> {
        let start = if q.relative { current } else { self.root };
        self.run(&q.segments, start, false)
    }

    /// A comparable's value, or `None` for RFC 9535's "Nothing".
    fn value(
        &mut self,
        c: &Comparable,
        current: &'a Value,
    ) -> Result<Option<std::borrow::Cow<'a, Value>>, PathError> {
        use std::borrow::Cow;
        Ok(match c {
            Comparable::Literal(v) => Some(Cow::Owned(v.clone())),
            Comparable::Singular(q) => self
                .query(q, current)?
                .first()
                .map(|n| Cow::Borrowed(n.value)),
            Comparable::Function(f) => match &**f {
                Function::Length(arg) => match self.value(arg, current)?.as_deref() {
                    Some(Value::String(s)) => Some(Cow::Owned(s.chars().count().into())),
                    Some(Value::Array(a)) => Some(Cow::Owned(a.len().into())),
                    Some(Value::Object(o)) => Some(Cow::Owned(o.len().into())),
                    _ => None,
                },
                Function::Count(q) => Some(Cow::Owned(self.query(q, current)?.len().into())),
                Function::Value(q) => {
                    let nodes = self.query(q, current)?;
                    match nodes.as_slice() {
                        [one] => Some(Cow::Borrowed(one.value)),
                        _ => None,
                    }
                }
            },
        })
    }
}

fn normalize_index(i: i64, len: usize) -> Option<usize> {
    let i = if i < 0 { len as i64 + i } else { i };
    (0..len as i64).contains(&i).then_some(i as usize)
}

/// The indices a slice selects, in order (RFC 9535, section 2.3.4.2.2).
fn slice_indices(
    start: Option<i64>,
    end: Option<i64>,
    step: Option<i64>,
    len: usize,
) -> Vec<usize> {
    let len = len as i64;
    let step = step.unwrap_or(1);
    if step == 0 {
        return Vec::new();
    }
    let norm = |i: i64| if i >= 0 { i } else { len + i };
    let mut out = Vec::new();
    if step > 0 {
        let lower = norm(start.unwrap_or(0)).clamp(0, len);
        let upper = norm(end.unwrap_or(len)).clamp(0, len);
        let mut i = lower;
        while i < upper {
            out.push(i as usize);
            i += step;
        }
    } else {
        let upper = norm(start.unwrap_or(len - 1)).clamp(-1, len - 1);
        let lower = end.map_or(-1, |e| norm(e).clamp(-1, len - 1));
        let mut i = upper;
        while lower < i {
            out.push(i as usize);
            i += step;
        }
    }
    out
}

/// RFC 9535's comparison: "Nothing" equals only "Nothing"; `<` holds only between two
/// numbers or two strings.
fn compare(l: Option<&Value>, op: CmpOp, r: Option<&Value>) -> bool {
    let eq = |l: Option<&Value>, r: Option<&Value>| match (l, r) {
        (None, None) => true,
        (Some(l), Some(r)) => equal(l, r),
        _ => false,
    };
    let lt = |l: Option<&Value>, r: Option<&Value>| match (l, r) {
        (Some(Value::Number(a)), Some(Value::Number(b))) => number_cmp(a, b).is_lt(),
        (Some(Value::String(a)), Some(Value::String(b))) => a.chars().lt(b.chars()),
        _ => false,
    };
    match op {
        CmpOp::Eq => eq(l, r),
        CmpOp::Ne => !eq(l, r),
        CmpOp::Lt => lt(l, r),
        CmpOp::Le => lt(l, r) || eq(l, r),
        CmpOp::Gt => lt(r, l),
        CmpOp::Ge => lt(r, l) || eq(l, r),
    }
}

fn number_cmp(a: &serde_json::Number, b: &serde_json::Number) -> std::cmp::Ordering {
    match (a.as_i64(), b.as_i64()) {
        (Some(a), Some(b)) => a.cmp(&b),
        _ => {
            let (a, b) = (
                a.as_f64().unwrap_or(f64::NAN),
                b.as_f64().unwrap_or(f64::NAN),
            );
            a.partial_cmp(&b).unwrap_or(std::cmp::Ordering::Greater)
        }
    }
}

/// Equality where numbers compare by value (`1 == 1.0`). Its recursion follows the
/// document's depth, which parsing bounds.
fn equal(l: &Value, r: &Value) -> bool {
    match (l, r) {
        (Value::Number(a), Value::Number(b)) => number_cmp(a, b).is_eq(),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| equal(x, y))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| equal(v, w)))
        }
        _ => l == r,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at<'v>(doc: &'v Value, location: &[Step]) -> &'v Value {
        location.iter().fold(doc, |v, s| match s {
            Step::Key(k) => &v[k.as_str()],
            Step::Index(i) => &v[*i],
        })
    }

    /// The values `query` selects, in order.
    fn select(doc: &Value, query: &str) -> Vec<Value> {
        let q = Query::parse(query).unwrap_or_else(|e| panic!("{query}: {e}"));
        let found = q.locate(doc).unwrap_or_else(|e| panic!("{query}: {e}"));
        found.iter().map(|l| at(doc, l).clone()).collect()
    }

    fn pointers(doc: &Value, query: &str) -> Vec<String> {
        let q = Query::parse(query).unwrap();
        q.locate(doc)
            .unwrap()
            .iter()
            .map(|l| to_pointer(l))
            .collect()
    }

    fn parse_error(query: &str) -> String {
        match Query::parse(query) {
            Ok(q) => panic!("{query} parsed as {q:?}"),
            Err(e) => e.to_string(),
        }
    }

    /// RFC 9535, figure 1.
    fn bookstore() -> Value {
        json!({"store": {
            "book": [
                {"category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95},
                {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99},
                {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99},
                {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99}
            ],
            "bicycle": {"color": "red", "price": 399}
        }})
    }

    fn titles(books: Vec<Value>) -> Vec<String> {
        books
            .iter()
            .map(|b| b["title"].as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn the_rfc_bookstore_examples() {
        let doc = bookstore();
        let authors = json!([
            "Nigel Rees",
            "Evelyn Waugh",
            "Herman Melville",
            "J. R. R. Tolkien"
        ]);
        assert_eq!(json!(select(&doc, "$.store.book[*].author")), authors);
        assert_eq!(json!(select(&doc, "$..author")), authors);
        assert_eq!(
            pointers(&doc, "$.store.*"),
            ["#/store/book", "#/store/bicycle"]
        );
        assert_eq!(
            json!(select(&doc, "$.store..price")),
            json!([8.95, 12.99, 8.99, 22.99, 399])
        );
        assert_eq!(titles(select(&doc, "$..book[2]")), ["Moby Dick"]);
        assert_eq!(
            titles(select(&doc, "$..book[-1]")),
            ["The Lord of the Rings"]
        );
        let first_two = ["Sayings of the Century", "Sword of Honour"];
        assert_eq!(titles(select(&doc, "$..book[0,1]")), first_two);
        assert_eq!(titles(select(&doc, "$..book[:2]")), first_two);
        assert_eq!(
            titles(select(&doc, "$..book[?@.isbn]")),
            ["Moby Dick", "The Lord of the Rings"]
        );
        assert_eq!(
            titles(select(&doc, "$..book[?@.price<10]")),
            ["Sayings of the Century", "Moby Dick"]
        );
        // Every member value and array element: store, book, the four books and their
        // 18 members, bicycle and its two.
        assert_eq!(select(&doc, "$..*").len(), 1 + 1 + 4 + 18 + 1 + 2);
    }

    #[test]
    fn names_in_brackets_with_quotes_and_escapes() {
        let doc =
            json!({"o": {"j j": {"k.k": 3}}, "'": {"@": 2}, "a'b": 1, "é": 4, "😀": 5, "tab\t": 6});
        assert_eq!(select(&doc, "$.o['j j']"), [json!({"k.k": 3})]);
        assert_eq!(select(&doc, "$.o['j j']['k.k']"), [json!(3)]);
        assert_eq!(select(&doc, r#"$.o["j j"]["k.k"]"#), [json!(3)]);
        assert_eq!(select(&doc, r#"$["'"]["@"]"#), [json!(2)]);
        assert_eq!(select(&doc, r"$['a\'b']"), [json!(1)]);
        assert_eq!(select(&doc, r"$['\u00e9']"), [json!(4)]);
        assert_eq!(select(&doc, r"$.é"), [json!(4)]);
        assert_eq!(select(&doc, r#"$["\ud83d\ude00"]"#), [json!(5)]);
        assert_eq!(select(&doc, r"$['tab\t']"), [json!(6)]);
        assert_eq!(select(&doc, "$.missing"), Vec::<Value>::new());
        assert_eq!(
            parse_error(r"$['\x']"),
            r"`\x` is not an escape at character 4"
        );
        assert_eq!(
            parse_error(r"$['\ude00']"),
            "a low surrogate without a high one at character 4"
        );
        assert_eq!(
            parse_error("$['a"),
            "the string has no closing ' at character 5"
        );
    }

    #[test]
    fn pointers_escape_and_follow_document_order() {
        let doc = json!({"paths": {"/pets": {"get": {}, "post": {}}, "/a~b": {"get": {}}}});
        assert_eq!(
            pointers(&doc, "$.paths.*.*"),
            [
                "#/paths/~1pets/get",
                "#/paths/~1pets/post",
                "#/paths/~1a~0b/get"
            ]
        );
        assert_eq!(pointers(&doc, "$"), ["#"]);
    }

    #[test]
    fn wildcards_indices_and_slices() {
        let doc = json!(["a", "b", "c", "d", "e", "f", "g"]);
        let s = |q| select(&doc, q);
        assert_eq!(s("$[1]"), [json!("b")]);
        assert_eq!(s("$[-2]"), [json!("f")]);
        assert_eq!(s("$[7]"), Vec::<Value>::new());
        assert_eq!(s("$[-8]"), Vec::<Value>::new());
        assert_eq!(s("$[1:3]"), [json!("b"), json!("c")]);
        assert_eq!(s("$[5:]"), [json!("f"), json!("g")]);
        assert_eq!(s("$[1:5:2]"), [json!("b"), json!("d")]);
        assert_eq!(s("$[5:1:-2]"), [json!("f"), json!("d")]);
        assert_eq!(
            json!(s("$[::-1]")),
            json!(["g", "f", "e", "d", "c", "b", "a"])
        );
        assert_eq!(s("$[-2:]"), [json!("f"), json!("g")]);
        assert_eq!(s("$[0:7:0]"), Vec::<Value>::new());
        assert_eq!(s("$[ 0 , -1 ]"), [json!("a"), json!("g")]);
        assert_eq!(s("$[*]").len(), 7);
        assert_eq!(s("$.*").len(), 7);
        assert_eq!(s("$[0,0]"), [json!("a"), json!("a")]);
        // Indices and slices select nothing in an object, names nothing in an array.
        assert_eq!(select(&json!({"0": 1}), "$[0]"), Vec::<Value>::new());
        assert_eq!(select(&json!({"0": 1}), "$[:]"), Vec::<Value>::new());
        assert_eq!(s("$.a"), Vec::<Value>::new());
        assert_eq!(
            parse_error("$[01]"),
            "expected an integer without leading zeros (and not `-0`) at character 3"
        );
        assert_eq!(
            parse_error("$[-0]"),
            "expected an integer without leading zeros (and not `-0`) at character 3"
        );
        assert_eq!(
            parse_error("$[9007199254740992]"),
            "the integer is outside ±(2^53 - 1) at character 3"
        );
    }

    /// RFC 9535, section 2.5.2.3.
    #[test]
    fn descendants() {
        let doc = json!({"o": {"j": 1, "k": 2}, "a": [5, 3, [{"j": 4}, {"k": 6}]]});
        assert_eq!(select(&doc, "$..j"), [json!(1), json!(4)]);
        assert_eq!(select(&doc, "$..[0]"), [json!(5), json!({"j": 4})]);
        assert_eq!(select(&doc, "$..o"), [json!({"j": 1, "k": 2})]);
        assert_eq!(json!(select(&doc, "$.o..[*, *]")), json!([1, 2, 1, 2]));
        assert_eq!(
            json!(select(&doc, "$.a..[0, 1]")),
            json!([5, 3, {"j": 4}, {"k": 6}])
        );
        assert_eq!(select(&doc, "$..*").len(), 11);
        assert_eq!(select(&doc, "$..[*]").len(), 11);
        assert_eq!(
            pointers(&doc, "$..*")[..4],
            ["#/o", "#/a", "#/o/j", "#/o/k"]
        );
    }

    /// RFC 9535, section 2.6.1.
    #[test]
    fn null_is_a_value() {
        let doc = json!({"a": null, "b": [null], "c": [{}], "null": 1});
        assert_eq!(select(&doc, "$.a"), [Value::Null]);
        assert_eq!(select(&doc, "$.a[0]"), Vec::<Value>::new());
        assert_eq!(select(&doc, "$.a.d"), Vec::<Value>::new());
        assert_eq!(select(&doc, "$.b[0]"), [Value::Null]);
        assert_eq!(select(&doc, "$.b[*]"), [Value::Null]);
        assert_eq!(select(&doc, "$.b[?@]"), [Value::Null]);
        assert_eq!(select(&doc, "$.b[?@==null]"), [Value::Null]);
        assert_eq!(select(&doc, "$.c[?@.d==null]"), Vec::<Value>::new());
        assert_eq!(select(&doc, "$.null"), [json!(1)]);
    }

    /// RFC 9535, section 2.3.5.3.
    #[test]
    fn the_rfc_filter_examples() {
        let doc = json!({
            "a": [3, 5, 1, 2, 4, 6, {"b": "j"}, {"b": "k"}, {"b": {}}, {"b": "kilo"}],
            "o": {"p": 1, "q": 2, "r": 3, "s": 5, "t": {"u": 6}},
            "e": "f"
        });
        let s = |q| json!(select(&doc, q));
        assert_eq!(s("$.a[?@.b == 'kilo']"), json!([{"b": "kilo"}]));
        assert_eq!(s("$.a[?(@.b == 'kilo')]"), json!([{"b": "kilo"}]));
        assert_eq!(s("$.a[?@>3.5]"), json!([5, 4, 6]));
        assert_eq!(
            s("$.a[?@.b]"),
            json!([{"b": "j"}, {"b": "k"}, {"b": {}}, {"b": "kilo"}])
        );
        assert_eq!(pointers(&doc, "$[?@.*]"), ["#/a", "#/o"]);
        assert_eq!(pointers(&doc, "$[?@[?@.b]]"), ["#/a"]);
        assert_eq!(s("$.o[?@<3, ?@<3]"), json!([1, 2, 1, 2]));
        assert_eq!(s(r#"$.a[?@<2 || @.b == "k"]"#), json!([1, {"b": "k"}]));
        assert_eq!(s("$.o[?@>1 && @<4]"), json!([2, 3]));
        assert_eq!(s("$.o[?@.u || @.x]"), json!([{"u": 6}]));
        assert_eq!(s("$.a[?@.b == $.x]"), json!([3, 5, 1, 2, 4, 6]));
        assert_eq!(select(&doc, "$.a[?@ == @]").len(), 10);
        assert_eq!(s("$.a[?!@.b]"), json!([3, 5, 1, 2, 4, 6]));
        assert_eq!(s("$.a[?!(@.b || @ < 5)]"), json!([5, 6]));
        assert_eq!(
            s("$.a[?(@ > 1 || @.b) && !(@ == 6 || @.b == 'k')]"),
            json!([3, 5, 2, 4, {"b": "j"}, {"b": {}}, {"b": "kilo"}])
        );
    }

    /// RFC 9535, section 2.3.5.2.2: each comparison, as a filter that selects the root's two
    /// members when it holds.
    #[test]
    fn the_rfc_comparison_table() {
        let doc = json!({"obj": {"x": "y"}, "arr": [2, 3]});
        let holds = |e: &str| match select(&doc, &format!("$[?{e}]")).len() {
            0 => false,
            2 => true,
            n => panic!("{e}: {n}"),
        };
        for (e, expected) in [
            ("$.absent1 == $.absent2", true),
            ("$.absent1 <= $.absent2", true),
            ("$.absent == 'g'", false),
            ("$.absent1 != $.absent2", false),
            ("$.absent != 'g'", true),
            ("1 <= 2", true),
            ("1 > 2", false),
            ("13 == '13'", false),
            ("'a' <= 'b'", true),
            ("'a' > 'b'", false),
            ("$.obj == $.arr", false),
            ("$.obj != $.arr", true),
            ("$.obj == $.obj", true),
            ("$.obj != $.obj", false),
            ("$.arr == $.arr", true),
            ("$.arr != $.arr", false),
            ("$.obj == 17", false),
            ("$.obj != 17", true),
            ("$.obj <= $.arr", false),
            ("$.obj < $.arr", false),
            ("$.obj <= $.obj", true),
            ("$.arr <= $.arr", true),
            ("1 <= $.arr", false),
            ("1 >= $.arr", false),
            ("1 > $.arr", false),
            ("1 < $.arr", false),
            ("true <= true", true),
            ("true > true", false),
            ("null == null", true),
            ("1 == 1.0", true),
            ("1e2 == 100", true),
            ("-1 < 0", true),
            ("$.arr[0] == 2", true),
            ("$['arr'][-1] >= 3", true),
        ] {
            assert_eq!(holds(e), expected, "{e}");
        }
    }

    #[test]
    fn functions_length_count_and_value() {
        let doc = json!([{"n": "abc"}, {"n": "ab"}, {"n": [1, 2, 3]}, {"n": {"a": 1}}, {"n": 7}]);
        assert_eq!(pointers(&doc, "$[?length(@.n) == 3]"), ["#/0", "#/2"]);
        assert_eq!(pointers(&doc, "$[?length(@.n) < 3]"), ["#/1", "#/3"]);
        assert_eq!(pointers(&doc, "$[?count(@.n.*) == 1]"), ["#/3"]);
        assert_eq!(pointers(&doc, "$[?count(@..*) > 3]"), ["#/2"]);
        assert_eq!(pointers(&doc, "$[?value(@..a) == 1]"), ["#/3"]);
        assert_eq!(pointers(&doc, "$[?length(value(@.n)) == 2]"), ["#/1"]);
    }

    #[test]
    fn malformed_expressions_are_located() {
        for (query, message) in [
            ("", "a query starts with `$` at character 1"),
            (" $", "a query starts with `$` at character 1"),
            ("$ ", "expected `.`, `..` or `[` at character 2"),
            ("$.", "expected a member name, `*` or `[` at character 3"),
            ("$.1a", "expected a member name, `*` or `[` at character 3"),
            ("$[", "expected a selector: a name in quotes, `*`, an index, a slice or a filter (`?`) at character 3"),
            ("$[0", "expected `,` or `]` at character 4"),
            ("$[0 1]", "expected `,` or `]` at character 5"),
            ("$..", "expected a member name, `*` or `[` at character 4"),
            ("$[?@.a == ]", "expected a query (`@` or `$`), a literal or a function call at character 11"),
            ("$[?@.a && ]", "expected a query (`@` or `$`), a literal or a function call at character 11"),
            ("$[?(@.a]", "expected `)` at character 8"),
            ("$[?1]", "a value on its own is not a test; compare it with `==`, `<`, ... at character 4"),
            ("$[?!1]", "`!` applies to a test or a parenthesised expression, not to a value at character 4"),
            ("$[?@.* == 1]", "only a singular query (names and indices, no `..`, `*`, slices or filters) can be compared at character 4"),
            ("$[?@..a == 1]", "only a singular query (names and indices, no `..`, `*`, slices or filters) can be compared at character 4"),
            ("$[?tru == 1]", "`tru` is not a literal; a function call needs `(` at character 4"),
            ("$[?01 == 1]", "expected a number without leading zeros at character 4"),
            ("$[?1. == 1]", "expected digits after `.` at character 6"),
            ("$[?match(@.a, 'x')]", "the function `match` is not supported (only `length`, `count` and `value` are) at character 4"),
            ("$[?search(@.a, 'x')]", "the function `search` is not supported (only `length`, `count` and `value` are) at character 4"),
            ("$[?foo(@)]", "`foo` is not a function RFC 9535 defines at character 4"),
            ("$[?length(@)]", "a value on its own is not a test; compare it with `==`, `<`, ... at character 4"),
            ("$[?length(@.*) == 1]", "only a singular query (names and indices, no `..`, `*`, slices or filters) can be compared at character 11"),
            ("$[?count(1) == 1]", "`count` takes a query at character 10"),
            ("$[?count(@, @) == 1]", "`count` takes one argument at character 11"),
        ] {
            assert_eq!(parse_error(query), message, "{query:?}");
        }
    }

    #[test]
    fn blanks_are_allowed_where_the_rfc_allows_them() {
        let doc = json!({"a": [{"b": 1}, {"b": 2}]});
        assert_eq!(select(&doc, "$ .a [ ?  @.b  ==  2 ]"), [json!({"b": 2})]);
        assert_eq!(select(&doc, "$.a[?\n@.b == 1\t||\r@.b == 2]").len(), 2);
    }

    #[test]
    fn long_or_deeply_nested_expressions_are_refused() {
        let long = format!("$.{}", "a".repeat(MAX_EXPRESSION_BYTES));
        assert_eq!(
            parse_error(&long),
            format!(
                "the expression is {} bytes, more than the limit of {MAX_EXPRESSION_BYTES}",
                long.len()
            )
        );
        let nested = format!("$[?{}@{}]", "(".repeat(1000), ")".repeat(1000));
        assert_eq!(
            parse_error(&nested),
            "filters, parentheses and functions nest more than 32 deep at character 36"
        );
        let filters = format!("${}", "[?@".repeat(1000));
        assert!(parse_error(&filters)
            .starts_with("filters, parentheses and functions nest more than 32 deep"));
        // One `!` per test, as the RFC's grammar has it.
        let nots = format!("$[?{}@]", "!".repeat(2000));
        assert_eq!(
            parse_error(&nots),
            "expected a query (`@` or `$`), a literal or a function call at character 5"
        );
    }

    #[test]
    fn queries_that_select_or_visit_too_much_stop_with_the_limit_named() {
        let wide = Value::Array((0..MAX_NODES + 1).map(|i| json!(i)).collect());
        let err = Query::parse("$[*]").unwrap().locate(&wide).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the query selects more than 100000 nodes; make it narrower"
        );
        // Each element runs `$..*` over the whole document: quadratic, so the step budget ends it.
        let doc = Value::Array((0..2000).map(|_| json!([[1, 2], [3, 4], [5, 6]])).collect());
        let err = Query::parse("$[?$..*]").unwrap().locate(&doc).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the query takes more than 4000000 steps on this document; make it narrower"
        );
        // A long filter: each of its parts counts.
        let long = format!("$..[?{}]", ["@.a.b.c"; 350].join(" || "));
        let err = Query::parse(&long).unwrap().locate(&doc).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the query takes more than 4000000 steps on this document; make it narrower"
        );
        assert_eq!(
            Query::parse("$..*").unwrap().locate(&doc).unwrap().len(),
            2000 * 10
        );
    }
}
