//! The bits of Python's standard library the seed examples use besides `threading`:
//! `print` (the [`println!`](println) here), `logging.basicConfig` (a tiny `log` logger that
//! understands the Python format strings of the examples), `time.sleep`,
//! `random.random`/`random.randint`, and `str()` of a bool.
//!
//! Each example includes it with `#[path = "common/mod.rs"] pub mod common;` and
//! `use common::println;`; not every example uses every item, hence the `allow(dead_code)`.
//! (`pub`, with `pub fn main`, so that the browser demo, `www/demo`, can include the example
//! files themselves as modules, call their `main` and install its [`out`] sink.)
//!
//! ## Output: one seam, [`out`]
//!
//! As in Python, `print` writes to stdout and `logging` to stderr, one whole line per write
//! (lines of different threads never mix). Both go through [`out::write_line`]: by default it
//! writes the line to the process's stdout or stderr, so a native or wasmtime run prints
//! exactly what `std::println!` / a locked `stderr` write would. A host without a useful
//! stdout (the browser demo, where `std::io::stdout()` discards everything) installs a sink
//! with [`out::set_sink`] before calling the example's `main`; every line then goes to it, with
//! its stream, on the thread that wrote it. The choice is made at run time, so this file has
//! no platform `cfg`.
//!
//! The examples print with `println!` as before: `use common::println;` brings in this file's
//! macro, which takes the same arguments as `std::println!` and hands the formatted line to
//! [`out::write_line`]. The example body keeps reading like the Python original's `print(...)`.
#![allow(dead_code)]

pub mod out {
    //! Where the examples' lines go (see the [module docs](super)).
    use std::io::Write;
    use std::sync::OnceLock;

    /// The stream a line is written to: `print` → stdout, `logging` → stderr.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Stream {
        Stdout,
        Stderr,
    }

    impl Stream {
        /// `"stdout"` or `"stderr"`.
        pub fn name(self) -> &'static str {
            match self {
                Stream::Stdout => "stdout",
                Stream::Stderr => "stderr",
            }
        }
    }

    /// Receives each write, without its final newline, on the thread that wrote it: one line
    /// (more if the text itself holds newlines, as `println!("a\nb")` does).
    pub type Sink = fn(Stream, &str);

    static SINK: OnceLock<Sink> = OnceLock::new();

    /// Sends every later line to `sink` instead of stdout/stderr. Set once, before the example
    /// runs: returns `false` (and changes nothing) if a sink was already installed.
    pub fn set_sink(sink: Sink) -> bool {
        SINK.set(sink).is_ok()
    }

    /// Writes one whole line to `stream` (or to the installed sink).
    pub fn write_line(stream: Stream, line: &str) {
        match (SINK.get(), stream) {
            (Some(sink), _) => sink(stream, line),
            // std's own println: one write under stdout's lock, and its panic on failure.
            (None, Stream::Stdout) => std::println!("{line}"),
            // One write of the whole line under stderr's lock, as Python's handler lock does;
            // like Python's logging, a failed write is not the program's error.
            (None, Stream::Stderr) => {
                let _ = std::io::stderr()
                    .lock()
                    .write_all(format!("{line}\n").as_bytes());
            }
        }
    }
}

/// Python's `print(...)`: `std::println!`'s arguments, one line to [`out`]'s stdout. Call sites
/// name `common` (as the example that includes this file declares it).
#[allow(unused_macros)] // in the examples that only log
macro_rules! println {
    () => {
        common::out::write_line(common::out::Stream::Stdout, "")
    };
    ($($arg:tt)*) => {
        common::out::write_line(common::out::Stream::Stdout, &format!($($arg)*))
    };
}
#[allow(unused_imports)] // in the examples that only log
pub(crate) use println;

/// Python's `str(b)`: `True` / `False`.
pub fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// Python's `repr()` of a list of strings: `['0', '1']`.
pub fn py_str_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("'{s}'")).collect();
    format!("[{}]", quoted.join(", "))
}

pub mod time {
    /// `time.sleep(secs)`.
    pub fn sleep(secs: f64) {
        std::thread::sleep(std::time::Duration::from_secs_f64(secs));
    }
}

pub mod random {
    use std::sync::atomic::{AtomicU64, Ordering};
    // std::time natively; `Date.now()` in browsers, where std's SystemTime::now() panics.
    use web_time::{SystemTime, UNIX_EPOCH};

    // One generator shared by all threads, like Python's module-level `random`:
    // splitmix64 over an atomic counter, seeded from the clock on first use.
    static STATE: AtomicU64 = AtomicU64::new(0);

    fn next_u64() -> u64 {
        const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;
        if STATE.load(Ordering::Relaxed) == 0 {
            let seed = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(GOLDEN)
                | 1;
            let _ = STATE.compare_exchange(0, seed, Ordering::Relaxed, Ordering::Relaxed);
        }
        let mut z = STATE
            .fetch_add(GOLDEN, Ordering::Relaxed)
            .wrapping_add(GOLDEN);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// `random.random()`: a float in `[0.0, 1.0)`.
    pub fn random() -> f64 {
        (next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// `random.randint(a, b)`: an integer in `[a, b]`, both ends included.
    pub fn randint(a: i64, b: i64) -> i64 {
        assert!(a <= b, "empty range for randint({a}, {b})");
        let span = (b - a) as u64 + 1;
        a + (next_u64() % span) as i64
    }
}

pub mod logging {
    //! `logging.basicConfig(level=..., format=...)` for the `log` crate. Like Python's root
    //! handler, records go to stderr ([`out`](super::out)), one whole line per write, so lines
    //! from different threads never mix. Supported fields: `%(threadName)s` (`threading::current_thread().name()`),
    //! `%(levelname)s`, `%(message)s`, `%(asctime)s` (`2016-07-10 10:45:28,170`, UTC), with
    //! Python's `-` (left-justify) flag and minimum width, and `%%`.
    use pythreading as threading;
    use web_time::{SystemTime, UNIX_EPOCH};

    /// `logging.DEBUG`.
    #[allow(unused_imports)] // in the examples that only print
    pub use log::Level::Debug as DEBUG;

    #[derive(Debug)]
    enum Field {
        ThreadName,
        LevelName,
        Message,
        AscTime,
    }

    #[derive(Debug)]
    enum Piece {
        Text(String),
        Field {
            field: Field,
            left: bool,
            width: usize,
        },
    }

    struct Logger {
        pieces: Vec<Piece>,
        level: log::Level,
    }

    fn parse(format: &str) -> Vec<Piece> {
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut rest = format;
        while let Some(pos) = rest.find('%') {
            text.push_str(&rest[..pos]);
            rest = &rest[pos + 1..];
            if let Some(after) = rest.strip_prefix('%') {
                text.push('%');
                rest = after;
                continue;
            }
            let inner = rest
                .strip_prefix('(')
                .unwrap_or_else(|| panic!("unsupported format directive in {format:?}"));
            let close = inner.find(')').expect("unclosed %( in format");
            let field = match &inner[..close] {
                "threadName" => Field::ThreadName,
                "levelname" => Field::LevelName,
                "message" => Field::Message,
                "asctime" => Field::AscTime,
                other => panic!("unsupported logging field %({other})s"),
            };
            let mut spec = &inner[close + 1..];
            let left = spec.starts_with('-');
            if left {
                spec = &spec[1..];
            }
            let digits = spec.bytes().take_while(u8::is_ascii_digit).count();
            let width = spec[..digits].parse().unwrap_or(0);
            rest = spec[digits..]
                .strip_prefix('s')
                .expect("only %(...)s conversions are supported");
            if !text.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut text)));
            }
            pieces.push(Piece::Field { field, left, width });
        }
        text.push_str(rest);
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        pieces
    }

    fn level_name(level: log::Level) -> &'static str {
        match level {
            log::Level::Error => "ERROR",
            log::Level::Warn => "WARNING",
            log::Level::Info => "INFO",
            log::Level::Debug => "DEBUG",
            log::Level::Trace => "TRACE",
        }
    }

    /// Python's default `asctime`: `%Y-%m-%d %H:%M:%S,mmm` (here in UTC).
    fn asctime() -> String {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let secs = now.as_secs() as i64;
        let (days, day_secs) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        format!(
            "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02},{:03}",
            day_secs / 3600,
            day_secs / 60 % 60,
            day_secs % 60,
            now.subsec_millis()
        )
    }

    impl log::Log for Logger {
        fn enabled(&self, metadata: &log::Metadata) -> bool {
            metadata.level() <= self.level
        }

        fn log(&self, record: &log::Record) {
            if !self.enabled(record.metadata()) {
                return;
            }
            let mut line = String::new();
            for piece in &self.pieces {
                match piece {
                    Piece::Text(text) => line.push_str(text),
                    Piece::Field { field, left, width } => {
                        let value = match field {
                            Field::ThreadName => threading::current_thread().name(),
                            Field::LevelName => level_name(record.level()).to_string(),
                            Field::Message => record.args().to_string(),
                            Field::AscTime => asctime(),
                        };
                        let w = *width;
                        if *left {
                            line.push_str(&format!("{value:<w$}"));
                        } else {
                            line.push_str(&format!("{value:>w$}"));
                        }
                    }
                }
            }
            super::out::write_line(super::out::Stream::Stderr, &line);
        }

        fn flush(&self) {}
    }

    /// `logging.basicConfig(level=level, format=format)`.
    pub fn basic_config(level: log::Level, format: &str) {
        let logger = Logger {
            pieces: parse(format),
            level,
        };
        // Like basicConfig, a second call does nothing.
        if log::set_logger(Box::leak(Box::new(logger))).is_ok() {
            log::set_max_level(level.to_level_filter());
        }
    }
}
