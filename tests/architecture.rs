//! The shape of the code: imports between the modules of `src/` run one way.
//!
//! Every `.rs` file under `src/` is read and every path that starts with
//! `crate::`, `super::`, `self::` or `gcforms::` (in `use` items, `use` groups
//! and expressions alike; comments and string literals are skipped) is
//! resolved to the module it names. A reference from module `A` to module `B`
//! counts at the level where their paths part: `rules::collector` using
//! `crate::escape` is an edge `rules → escape`, `rules::host` using
//! `super::collector` an edge `rules::host → rules::collector`, and a child
//! using an item of its parent (`super::StoreError`) an edge from the child to
//! the parent's own file (`store/mod.rs`). A parent's relative paths to the
//! children it declares (`collector::Ctx` in `rules/mod.rs`) are not scanned:
//! a folder module owns its children. The graph must have no cycle.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

/// A module path: `["rules", "common"]`; empty for the crate root.
type ModPath = Vec<String>;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Ident(String),
    PathSep,
    Open,
    Close,
    Comma,
    Star,
    Other,
}

/// Splits Rust source into the tokens that matter for paths, dropping
/// comments, string, byte-string and character literals.
fn tokens(source: &str) -> Vec<Token> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        match c {
            _ if c.is_whitespace() => i += 1,
            '/' if at(i + 1) == '/' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if at(i + 1) == '*' => {
                let mut depth = 0;
                while i < chars.len() {
                    if chars[i] == '/' && at(i + 1) == '*' {
                        depth += 1;
                        i += 2;
                    } else if chars[i] == '*' && at(i + 1) == '/' {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            '"' => i = skip_string(&chars, i + 1),
            'r' | 'b' if raw_string_start(&chars, i).is_some() => {
                let (hashes, quote) = raw_string_start(&chars, i).unwrap_or((0, i));
                i = skip_raw_string(&chars, quote + 1, hashes);
            }
            'b' if at(i + 1) == '"' => i = skip_string(&chars, i + 2),
            'b' if at(i + 1) == '\'' => i = skip_char(&chars, i + 1),
            '\'' => i = skip_char(&chars, i),
            ':' if at(i + 1) == ':' => {
                out.push(Token::PathSep);
                i += 2;
            }
            _ if c.is_alphabetic() || c == '_' => {
                // `r#type` is the identifier `type`.
                if c == 'r' && at(i + 1) == '#' {
                    i += 2;
                }
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                out.push(Token::Ident(chars[start..i].iter().collect()));
            }
            _ if c.is_ascii_digit() => {
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                out.push(Token::Other);
            }
            _ => {
                out.push(match c {
                    '{' => Token::Open,
                    '}' => Token::Close,
                    ',' => Token::Comma,
                    '*' => Token::Star,
                    _ => Token::Other,
                });
                i += 1;
            }
        }
    }
    out
}

/// Index after the closing quote of a string whose content starts at `i`.
fn skip_string(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

/// For `r"`, `r#"`, `br##"`…: the number of `#` and the index of the quote.
fn raw_string_start(chars: &[char], i: usize) -> Option<(usize, usize)> {
    let mut j = i;
    if chars.get(j) == Some(&'b') {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let hashes = chars[j..].iter().take_while(|c| **c == '#').count();
    (chars.get(j + hashes) == Some(&'"')).then_some((hashes, j + hashes))
}

fn skip_raw_string(chars: &[char], mut i: usize, hashes: usize) -> usize {
    while i < chars.len() {
        if chars[i] == '"' && chars[i + 1..].iter().take_while(|c| **c == '#').count() >= hashes {
            return i + 1 + hashes;
        }
        i += 1;
    }
    i
}

/// Skips a character literal starting at the quote `i`; a lifetime (`'a`)
/// only skips its quote.
fn skip_char(chars: &[char], i: usize) -> usize {
    match chars.get(i + 1) {
        Some('\\') => {
            let mut j = i + 2;
            while j < chars.len() && chars[j] != '\'' {
                j += 1;
            }
            j + 1
        }
        Some(_) if chars.get(i + 2) == Some(&'\'') => i + 3,
        _ => i + 1,
    }
}

/// The module a file under `src/` is, or `None` for the binary's root.
fn module_of(relative: &Path) -> Option<ModPath> {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let file = parts.pop()?;
    match file.as_str() {
        "main.rs" if parts.is_empty() => None,
        "lib.rs" if parts.is_empty() => Some(parts),
        "mod.rs" => Some(parts),
        _ => {
            parts.push(file.strip_suffix(".rs")?.to_string());
            Some(parts)
        }
    }
}

/// Every absolute path named by `crate::`, `super::`, `self::` or
/// `gcforms::` in a file that is module `module`.
fn references(module: &ModPath, source: &str) -> Vec<ModPath> {
    let tokens = tokens(source);
    let mut out = Vec::new();
    // Inline modules (`mod tests { … }`) with the brace depth they close at.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Open => depth += 1,
            Token::Close => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth -= 1;
            }
            Token::Ident(word) if word == "mod" => {
                if let (Some(Token::Ident(name)), Some(Token::Open)) =
                    (tokens.get(i + 1), tokens.get(i + 2))
                {
                    inline.push((name.clone(), depth + 1));
                }
            }
            Token::Ident(word)
                if tokens.get(i + 1) == Some(&Token::PathSep)
                    && (i == 0 || tokens[i - 1] != Token::PathSep) =>
            {
                let mut here = module.clone();
                here.extend(inline.iter().map(|(n, _)| n.clone()));
                let start = match word.as_str() {
                    "crate" | "gcforms" => Some(Vec::new()),
                    "self" => Some(here),
                    "super" => {
                        here.pop();
                        Some(here)
                    }
                    _ => None,
                };
                if let Some(start) = start {
                    i = path_tail(&tokens, i + 1, start, &mut out);
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Reads `::a::b`, `::{a, b::c}`, `::super::x`… from `i` (at a `::`), adding
/// each full path to `out`; returns the index after the path.
fn path_tail(tokens: &[Token], mut i: usize, mut path: ModPath, out: &mut Vec<ModPath>) -> usize {
    while tokens.get(i) == Some(&Token::PathSep) {
        match tokens.get(i + 1) {
            Some(Token::Ident(segment)) => {
                push_segment(&mut path, segment);
                i += 2;
            }
            Some(Token::Open) => return group(tokens, i + 1, path, out),
            Some(Token::Star) => {
                i += 2;
                break;
            }
            _ => break,
        }
    }
    out.push(path);
    i
}

/// A `use` group `{a, b::c, self, super::d as e}` opening at `i`.
fn group(tokens: &[Token], mut i: usize, base: ModPath, out: &mut Vec<ModPath>) -> usize {
    i += 1;
    while let Some(token) = tokens.get(i) {
        match token {
            Token::Close => return i + 1,
            Token::Comma => i += 1,
            Token::Open => i = group(tokens, i, base.clone(), out),
            Token::Ident(first) => {
                let mut path = base.clone();
                push_segment(&mut path, first);
                i = path_tail(tokens, i + 1, path, out);
                if tokens.get(i) == Some(&Token::Ident("as".into())) {
                    i += 2;
                }
            }
            _ => i += 1,
        }
    }
    i
}

fn push_segment(path: &mut ModPath, segment: &str) {
    match segment {
        "self" => {}
        "super" => {
            path.pop();
        }
        _ => path.push(segment.to_string()),
    }
}

/// The module graph at the level where two modules' paths part, with one
/// reference that makes each edge (`file: path`).
type Graph = BTreeMap<ModPath, BTreeMap<ModPath, String>>;

/// Builds the graph of `files` (paths relative to `src/`, with their text).
fn module_graph(files: &[(std::path::PathBuf, String)]) -> Graph {
    let modules: BTreeSet<ModPath> = files.iter().filter_map(|(p, _)| module_of(p)).collect();
    let mut graph = Graph::new();
    for (file, source) in files {
        let Some(from) = module_of(file) else {
            continue;
        };
        for target in references(&from, source) {
            // The module a path names is its longest prefix that is a file.
            let to = (0..=target.len())
                .rev()
                .map(|n| target[..n].to_vec())
                .find(|p| modules.contains(p))
                .unwrap_or_default();
            let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
            let lift = |m: &ModPath| m[..m.len().min(common + 1)].to_vec();
            let (a, b) = (lift(&from), lift(&to));
            if a != b {
                graph
                    .entry(a)
                    .or_default()
                    .entry(b)
                    .or_insert_with(|| format!("src/{}: {}", file.display(), target.join("::")));
            }
        }
    }
    graph
}

fn name(m: &ModPath) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

/// Every cycle of the graph, one per strongly connected component, written
/// out with the reference behind each step.
fn cycles(graph: &Graph) -> Vec<String> {
    let nodes: BTreeSet<&ModPath> = graph
        .iter()
        .flat_map(|(a, to)| std::iter::once(a).chain(to.keys()))
        .collect();
    let reach = |from: &ModPath| -> BTreeSet<ModPath> {
        let mut seen = BTreeSet::new();
        let mut queue = VecDeque::from([from.clone()]);
        while let Some(n) = queue.pop_front() {
            for next in graph.get(&n).into_iter().flat_map(|t| t.keys()) {
                if seen.insert(next.clone()) {
                    queue.push_back(next.clone());
                }
            }
        }
        seen
    };
    let mut reported: BTreeSet<ModPath> = BTreeSet::new();
    let mut out = Vec::new();
    for node in nodes {
        if reported.contains(node) || !reach(node).contains(node) {
            continue;
        }
        // Shortest way back to `node`, by breadth-first search.
        let mut previous: BTreeMap<ModPath, ModPath> = BTreeMap::new();
        let mut queue = VecDeque::from([node.clone()]);
        'search: while let Some(n) = queue.pop_front() {
            for next in graph.get(&n).into_iter().flat_map(|t| t.keys()) {
                if !previous.contains_key(next) {
                    previous.insert(next.clone(), n.clone());
                    if next == node {
                        break 'search;
                    }
                    queue.push_back(next.clone());
                }
            }
        }
        let mut steps = vec![node.clone()];
        let mut at = previous[node].clone();
        while &at != node {
            steps.push(at.clone());
            at = previous[&at].clone();
        }
        steps.push(node.clone());
        steps.reverse();
        let mut text = steps.iter().map(name).collect::<Vec<_>>().join(" → ");
        for pair in steps.windows(2) {
            text.push_str(&format!("\n    {}", graph[&pair[0]][&pair[1]]));
        }
        // Every module on some cycle with `node`, reported once.
        let knot: Vec<ModPath> = reach(node)
            .into_iter()
            .filter(|m| reach(m).contains(node))
            .collect();
        if knot.len() + 1 > steps.len() {
            let names: Vec<String> = knot.iter().map(name).collect();
            text.push_str(&format!("\n    all tied together: {}", names.join(", ")));
        }
        reported.extend(knot);
        out.push(text);
    }
    out
}

fn source_files(dir: &Path, base: &Path, out: &mut Vec<(std::path::PathBuf, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            source_files(&path, base, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            out.push((path.strip_prefix(base).unwrap().to_path_buf(), text));
        }
    }
}

/// Cycles being removed on another branch, each as its first line. Each
/// must still be found: once it is gone, the test fails until its line is
/// removed here, so none outlives its fix.
const KNOWN_CYCLES: &[&str] = &[];

#[test]
fn modules_of_src_import_one_way() {
    let src = crate::support::root().join("src");
    let mut files = Vec::new();
    source_files(&src, &src, &mut files);
    let graph = module_graph(&files);
    assert!(
        graph.len() > 10,
        "the scan found almost no imports: {graph:?}"
    );
    let found = cycles(&graph);
    let heads: Vec<&str> = found.iter().filter_map(|c| c.lines().next()).collect();
    let fixed: Vec<&&str> = KNOWN_CYCLES.iter().filter(|k| !heads.contains(k)).collect();
    assert!(
        fixed.is_empty(),
        "no longer cycles; remove them from KNOWN_CYCLES: {fixed:?}"
    );
    let new: Vec<&String> = found
        .iter()
        .filter(|c| !KNOWN_CYCLES.iter().any(|k| c.lines().next() == Some(*k)))
        .collect();
    assert!(
        new.is_empty(),
        "import cycles between modules of src/ (make imports run one way):\n  {}",
        new.iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join("\n  ")
    );
}

#[test]
fn the_scan_finds_cycles_at_each_level() {
    let file = |p: &str, s: &str| (std::path::PathBuf::from(p), s.to_string());
    let files = [
        file("lib.rs", "pub mod a; pub mod b; pub mod c;"),
        // a → b by a use group, b → a by a path in an expression.
        file("a/mod.rs", "use crate::{b::{self, X}, c};"),
        file("b.rs", "fn f() { let s = \"crate::c\"; crate::a::g(); }"),
        // Inside folder `c`: x ↔ y through `super::`; the test module's
        // `super::*` is x itself, and comments name no module.
        file("c/mod.rs", "mod x; mod y;"),
        file(
            "c/x.rs",
            "use super::y::Y; // crate::b\n#[cfg(test)] mod tests { use super::*; }",
        ),
        file(
            "c/y.rs",
            "fn g() -> char { '{' } use super::super::c::x::X;",
        ),
    ];
    let graph = module_graph(&files);
    let found = cycles(&graph);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found[0].starts_with("a → b → a"), "{}", found[0]);
    assert!(found[1].starts_with("c::x → c::y → c::x"), "{}", found[1]);
    // `c` is used by `a`, but `c` uses nothing outside itself.
    assert!(!graph.contains_key(&vec!["c".to_string()]), "{graph:?}");
}
