//! Assertions on what the library returns: which `pythreading::Error` variant, with a clear
//! message (CPython's `assertRaises(ValueError)` and friends), the `repr` formats that
//! CPython's tests match with `re.search` (no regex crate: each pattern is written out), and
//! the automatic thread names they compare (`"Thread-5 (func)"`).
//!
//! - [`Kind`], [`kind_of`], [`assert_err`]: `with self.assertRaises(E): ...`.
//! - [`assert_module_repr`]: `<\w+\.CLASS at .*: SUFFIX>` (Event, Semaphore, BoundedSemaphore,
//!   Barrier).
//! - [`assert_lock_repr`]: `<STATE .* object (.*)?at .*>` (Lock, RLock, Condition).
//! - [`expected_repr`]: `repr(thread)` as `Thread.__repr__` builds it.
//! - [`auto_name`]: the automatic names `Thread-N`, `Thread-N (func)` (Python's `_newname`)
//!   and `Dummy-N`, split into their number and target name.

use pythreading as threading;
use std::fmt::Debug;

/// Which `pythreading::Error` variant is expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Runtime,
    Value,
    Overflow,
    BrokenBarrier,
}

/// The [`Kind`] of an error (`None` for a variant the tests do not name).
pub fn kind_of(e: &pythreading::Error) -> Option<Kind> {
    use pythreading::Error;
    match e {
        Error::Runtime(_) => Some(Kind::Runtime),
        Error::Value(_) => Some(Kind::Value),
        Error::Overflow(_) => Some(Kind::Overflow),
        Error::BrokenBarrier => Some(Kind::BrokenBarrier),
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

/// Assert `r` is `Err` of `kind`, and that its message (Display) is non-empty and mentions each
/// word of `words` (case-insensitive): "a clear message".
#[track_caller]
pub fn assert_err<T: Debug>(r: pythreading::Result<T>, kind: Kind, words: &[&str]) {
    match r {
        Ok(v) => panic!("expected Err({kind:?}), got Ok({v:?})"),
        Err(e) => {
            assert_eq!(kind_of(&e), Some(kind), "wrong error variant: {e:?}");
            let msg = e.to_string();
            assert!(!msg.trim().is_empty(), "empty error message for {e:?}");
            let lower = msg.to_lowercase();
            for w in words {
                assert!(
                    lower.contains(&w.to_lowercase()),
                    "error message {msg:?} should mention {w:?}"
                );
            }
        }
    }
}

/// `re.search(r"<\w+\.CLASS at .*: SUFFIX>", s)` without a regex crate: the repr of Event,
/// Semaphore, BoundedSemaphore and Barrier.
#[track_caller]
pub fn assert_module_repr(s: &str, class: &str, suffix: &str) {
    let needle = format!(".{class} at ");
    let ok = s.match_indices(&needle).any(|(i, _)| {
        let head = &s[..i];
        let word_start = head
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map(|j| j + 1)
            .unwrap_or(0);
        word_start > 0
            && word_start < i
            && head[..word_start].ends_with('<')
            && s[i + needle.len()..].contains(&format!(": {suffix}>"))
    });
    assert!(
        ok,
        "repr {s:?} does not match <\\w+\\.{class} at .*: {suffix}>"
    );
}

/// `re.search(r"<STATE .* object (.*)?at .*>", s)`: the repr of Lock and RLock (and of a
/// Condition, which embeds its lock's repr), where STATE is `locked` or `unlocked`.
#[track_caller]
pub fn assert_lock_repr(s: &str, state: &str) {
    let ok = s.match_indices(&format!("<{state} ")).any(|(i, m)| {
        let rest = &s[i + m.len()..];
        match rest.find(" object ") {
            Some(j) => {
                let after = &rest[j + " object ".len()..];
                after.contains("at ") && after.contains('>')
            }
            None => false,
        }
    });
    assert!(
        ok,
        "repr {s:?} does not match <{state} .* object (.*)?at .*>"
    );
}

/// For `"Thread-17"` or `"Thread-17 (func)"` returns `(17, Some("func"))`; `None` if the name
/// is not an automatic name with the given prefix (`"Thread"`, `"Dummy"`).
pub fn auto_name(name: &str, prefix: &str) -> Option<(u64, Option<String>)> {
    let rest = name.strip_prefix(prefix)?.strip_prefix('-')?;
    let (digits, suffix) = match rest.find(' ') {
        Some(i) => (&rest[..i], Some(&rest[i..])),
        None => (rest, None),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = digits.parse().ok()?;
    let func = match suffix {
        None => None,
        Some(s) => Some(s.strip_prefix(" (")?.strip_suffix(')')?.to_string()),
    };
    Some((n, func))
}

/// Python's `repr(thread)`: `<Cls(name, status)>` with status `initial` / `started` /
/// `stopped`, then ` daemon` if daemonic, then ` <ident>` once an ident exists.
pub fn expected_repr(cls: &str, t: &threading::Thread, status: &str) -> String {
    let mut s = format!("<{cls}({}, {status}", t.name());
    if t.is_daemon() {
        s.push_str(" daemon");
    }
    if let Some(id) = t.ident() {
        s.push_str(&format!(" {id}"));
    }
    s.push_str(")>");
    s
}
