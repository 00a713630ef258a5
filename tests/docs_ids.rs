//! The docs stay true to the tree.
//!
//! - Every behaviour ID cited in the tree (`BL-12g`, `SU-01`, ... in comments, strings and
//!   docs, and `fn bl_12g_...` in test names) is defined in `docs/behaviours.md`, as a heading
//!   (`### BL-12: ...`) or an entry (`- **BL-12g** ...`), exactly once.
//! - Every file that `docs/behaviours.md` names after "Tested:" exists and cites that entry's ID.
//! - No file points into a folder outside the repository, which a clone does not
//!   have (its project docs are in `docs/`).
//!
//! An ID is one of the catalogue's prefixes, a dash, two digits and at most one lowercase
//! letter, standing alone (`UTF-8`, `SHA-256` or `x86_64` are not IDs). The tree is read from
//! `CARGO_MANIFEST_DIR`, so where that directory cannot be read (a wasm guest without it
//! preopened) the tests say so and pass without checking; natively they always check.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The catalogue's ID prefixes (each must have at least one entry there).
const PREFIXES: &[&str] = &[
    "BL", "L", "R", "E", "C", "S", "SU", "SB", "B", "T", "J", "X", "H", "TM", "M", "QU", "SQ", "CF",
];

/// Where IDs are cited, relative to the package root.
const CITING: &[&str] = &[
    "src",
    "tests",
    "examples",
    "host/src",
    "host/tests",
    "www",
    "npm",
];

/// Directories never read, at any depth: build output and installed packages.
const SKIPPED_DIRS: &[&str] = &["target", "node_modules"];

const CATALOGUE: &str = "docs/behaviours.md";

/// The package root, or `None` (with a note) where it cannot be read.
fn tree() -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    if fs::metadata(root.join("Cargo.toml")).is_ok() {
        Some(root)
    } else {
        eprintln!(
            "docs_ids: {} is not readable here (a wasm guest?); nothing checked",
            root.display()
        );
        None
    }
}

/// Every file under `rel` (a file or a directory), skipping `SKIPPED_DIRS`.
fn files(root: &Path, rel: &str, out: &mut Vec<PathBuf>) {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let path = e.path();
            let Ok(kind) = e.file_type() else { continue };
            if kind.is_dir() {
                let name = e.file_name();
                if !SKIPPED_DIRS.iter().any(|s| name == *s) {
                    walk(&path, out);
                }
            } else if kind.is_file() {
                out.push(path);
            }
        }
    }
    let path = root.join(rel);
    if path.is_file() {
        out.push(path);
    } else {
        walk(&path, out);
    }
}

/// A file's text, or `None` for a binary (non-UTF-8) file.
fn text(path: &Path) -> Option<String> {
    String::from_utf8(fs::read(path).ok()?).ok()
}

fn display(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The IDs written out in `line` (`BL-12g`, `SU-01`).
fn ids_in(line: &str) -> Vec<String> {
    let b = line.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_uppercase() || (i > 0 && is_word(b[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_uppercase() {
            i += 1;
        }
        let prefix = &line[start..i];
        if !PREFIXES.contains(&prefix)
            || b.get(i) != Some(&b'-')
            || !b.get(i + 1).is_some_and(u8::is_ascii_digit)
            || !b.get(i + 2).is_some_and(u8::is_ascii_digit)
        {
            continue;
        }
        let mut end = i + 3;
        if b.get(end).is_some_and(u8::is_ascii_lowercase) {
            end += 1;
        }
        if b.get(end).is_some_and(|&c| is_word(c)) {
            i = end;
            continue;
        }
        found.push(line[start..end].to_owned());
        i = end;
    }
    found
}

/// The IDs a function name cites by its leading part, followed by `_` and a word:
/// `bl_12g_x` is `BL-12g`, `t01a_x` is `T-01a`, `c_01bcd_x` is `C-01b`, `C-01c` and `C-01d`.
fn ids_in_fn_names(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("fn ") {
        let before_ok = at == 0 || !is_word(rest.as_bytes()[at - 1]);
        let name: String = rest[at + 3..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        rest = &rest[at + 3..];
        if !before_ok {
            continue;
        }
        let letters: String = name.chars().take_while(char::is_ascii_lowercase).collect();
        let prefix = letters.to_ascii_uppercase();
        if !PREFIXES.contains(&prefix.as_str()) {
            continue;
        }
        let tail = &name[letters.len()..];
        let tail = tail.strip_prefix('_').unwrap_or(tail);
        let digits: String = tail.chars().take_while(char::is_ascii_digit).collect();
        if digits.len() != 2 {
            continue;
        }
        let tail = &tail[2..];
        let suffixes: String = tail.chars().take_while(char::is_ascii_lowercase).collect();
        // Then `_` and a word: a test name goes on to say what it checks (not `x86_64`).
        let after = &tail.as_bytes()[suffixes.len()..];
        if after.first() != Some(&b'_')
            || !after.get(1).is_some_and(u8::is_ascii_alphabetic)
            || suffixes.len() > 4
        {
            continue;
        }
        if suffixes.is_empty() {
            found.push(format!("{prefix}-{digits}"));
        } else {
            found.extend(suffixes.chars().map(|s| format!("{prefix}-{digits}{s}")));
        }
    }
    found
}

/// The ID's entry it belongs to: `BL-12g` -> `BL-12`.
fn base(id: &str) -> &str {
    id.trim_end_matches(|c: char| c.is_ascii_lowercase())
}

/// The catalogue: each defined ID and the line that defines it. Panics on a duplicate.
fn catalogue(root: &Path) -> BTreeMap<String, usize> {
    let path = root.join(CATALOGUE);
    let doc = text(&path).unwrap_or_else(|| panic!("{CATALOGUE} is missing or not UTF-8"));
    let mut defined = BTreeMap::new();
    let mut dups = Vec::new();
    for (n, line) in doc.lines().enumerate() {
        let Some(id) = defined_in(line) else { continue };
        if let Some(first) = defined.insert(id.clone(), n + 1) {
            dups.push(format!("{id} at {CATALOGUE}:{} and :{first}", n + 1));
        }
    }
    assert!(
        dups.is_empty(),
        "IDs defined twice:\n  {}",
        dups.join("\n  ")
    );
    defined
}

/// The ID a catalogue line defines: `### BL-12: ...` or `- **BL-12a** ...`.
fn defined_in(line: &str) -> Option<String> {
    let head = if line.starts_with('#') {
        line.trim_start_matches('#').strip_prefix(' ')?
    } else {
        line.strip_prefix("- **")?
    };
    let id = ids_in(head).into_iter().next()?;
    let rest = &head[id.len()..];
    (head.starts_with(&id) && (rest.starts_with(':') || rest.starts_with("**"))).then_some(id)
}

/// Every ID cited in the `CITING` files and in `docs/`, with where it is cited.
fn citations(root: &Path, fn_names: bool) -> Vec<(String, String)> {
    let mut paths = Vec::new();
    for rel in CITING.iter().chain(&["docs"]) {
        files(root, rel, &mut paths);
    }
    let mut cited = Vec::new();
    for path in paths {
        let Some(t) = text(&path) else { continue };
        let is_rs = path.extension().is_some_and(|e| e == "rs");
        for (n, line) in t.lines().enumerate() {
            let ids = if fn_names {
                if !is_rs {
                    continue;
                }
                ids_in_fn_names(line)
            } else {
                ids_in(line)
            };
            for id in ids {
                cited.push((id, format!("{}:{}", display(root, &path), n + 1)));
            }
        }
    }
    cited
}

fn unresolved(root: &Path, fn_names: bool) -> Vec<String> {
    let defined = catalogue(root);
    citations(root, fn_names)
        .into_iter()
        .filter(|(id, _)| !defined.contains_key(id))
        .map(|(id, at)| format!("{id} at {at}"))
        .collect()
}

#[test]
fn the_catalogue_is_well_formed() {
    let Some(root) = tree() else { return };
    let defined = catalogue(&root);
    let mut problems = Vec::new();
    for p in PREFIXES {
        if !defined.keys().any(|id| id.split('-').next() == Some(p)) {
            problems.push(format!("no entry with prefix {p}"));
        }
    }
    for (id, line) in &defined {
        if base(id) != id && !defined.contains_key(base(id)) {
            problems.push(format!(
                "{id} ({CATALOGUE}:{line}) has no entry {} above it",
                base(id)
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_cited_id_is_defined() {
    let Some(root) = tree() else { return };
    let missing = unresolved(&root, false);
    assert!(
        missing.is_empty(),
        "{} cited IDs are not defined in {CATALOGUE}:\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
}

#[test]
fn every_id_in_a_function_name_is_defined() {
    let Some(root) = tree() else { return };
    let missing = unresolved(&root, true);
    assert!(
        missing.is_empty(),
        "{} IDs in function names are not defined in {CATALOGUE}:\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
}

#[test]
fn tested_files_exist_and_cite_the_id() {
    let Some(root) = tree() else { return };
    let doc = text(&root.join(CATALOGUE)).expect(CATALOGUE);
    // In an entry, each "Tested:" clause runs to the end of its paragraph and names files in
    // backticks.
    let mut problems = Vec::new();
    let mut entry: Option<String> = None;
    let mut clause: Option<(usize, String)> = None;
    let mut check = |entry: &Option<String>, line: usize, clause: &str| {
        let Some(id) = entry else { return };
        let named: Vec<&str> = clause
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|s| s.contains('/') && !s.contains(' '))
            .collect();
        if named.is_empty() {
            problems.push(format!("{CATALOGUE}:{line}: {id}'s Tested: names no file"));
        }
        for rel in named {
            let Some(t) = text(&root.join(rel)) else {
                problems.push(format!("{CATALOGUE}:{line}: {id}: {rel} does not exist"));
                continue;
            };
            let cites = t.lines().any(|l| {
                ids_in(l)
                    .into_iter()
                    .chain(ids_in_fn_names(l))
                    .any(|c| base(&c) == id)
            });
            if !cites {
                problems.push(format!(
                    "{CATALOGUE}:{line}: {id}: {rel} does not cite {id}"
                ));
            }
        }
    };
    for (n, line) in doc.lines().enumerate() {
        if line.trim().is_empty() {
            if let Some((at, c)) = clause.take() {
                check(&entry, at, &c);
            }
            continue;
        }
        if line.starts_with('#') {
            entry = defined_in(line);
        }
        if let Some((_, c)) = clause.as_mut() {
            c.push(' ');
            c.push_str(line);
        } else if let (Some(_), Some(at)) = (&entry, line.find("Tested:")) {
            clause = Some((n + 1, line[at + "Tested:".len()..].to_owned()));
        }
    }
    if let Some((at, c)) = clause.take() {
        check(&entry, at, &c);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn nothing_points_outside_the_repository() {
    let Some(root) = tree() else { return };
    // Spelled in pieces so that this file does not match itself.
    let patterns = [
        concat!("..", "/shared/"),
        concat!("cpython-threading", "-behaviours"),
    ];
    let mut paths = Vec::new();
    for rel in CITING
        .iter()
        .chain(&["docs", "scripts", "README.md", ".cargo/config.toml"])
    {
        files(&root, rel, &mut paths);
    }
    let mut hits = Vec::new();
    for path in paths {
        let Some(t) = text(&path) else { continue };
        for (n, line) in t.lines().enumerate() {
            if patterns.iter().any(|p| line.contains(p)) {
                hits.push(format!(
                    "{}:{}: {}",
                    display(&root, &path),
                    n + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        hits.is_empty(),
        "references to files a clone does not have (the project's docs are in docs/):\n  {}",
        hits.join("\n  ")
    );
}

#[test]
fn the_id_scanners_match_only_ids() {
    assert_eq!(
        ids_in("BL-12g, SU-01 and R-01..R-09"),
        ["BL-12g", "SU-01", "R-01", "R-09"]
    );
    assert_eq!(
        ids_in("T-01a-f, S-01a/b, (C-08)."),
        ["T-01a", "S-01a", "C-08"]
    );
    assert!(ids_in("UTF-8 SHA-256 XBL-01 BL-012 BL-01ab Q-01 x-01 BL-1").is_empty());
    assert_eq!(
        ids_in_fn_names("fn bl_12g_x() {} fn t01a_t01b() fn c_01bcd_y fn tm02_z"),
        ["BL-12g", "T-01a", "C-01b", "C-01c", "C-01d", "TM-02"]
    );
    assert!(
        ids_in_fn_names("fn x86_64() fn s1_x fn b_123_x fn main() fn ebl_01_x fn t10()").is_empty()
    );
    assert_eq!(
        defined_in("### BL-12: acquire's arguments"),
        Some("BL-12".into())
    );
    assert_eq!(
        defined_in("- **BL-12a** `acquire(False, 1)`"),
        Some("BL-12a".into())
    );
    assert_eq!(defined_in("- BL-12a is cited"), None);
    assert_eq!(defined_in("The same as SB-03."), None);
}
