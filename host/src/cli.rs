//! The command line: `wasmtime run`'s spelling of the common options.
//!
//! ```text
//! pythreading-host [run] [OPTIONS] MODULE [ARGS]...
//! ```
//!
//! Everything after MODULE reaches the guest unchanged, even what looks like an option
//! (`--test-threads 1`, `--nocapture`, `--help`); `--` before MODULE ends the host's options
//! too. Parsed with clap's derive API, like wasmtime's own CLI, so spellings such as `--dir=X`,
//! `-Sinherit-env` and `-S threads=y,inherit-env=n` work as they do there.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use clap::error::ErrorKind;
use clap::Parser;

/// Default for `--max-threads`: threads alive at once, the main thread not counted. Room for
/// what a 1 GiB wasm32-wasip1-threads memory can hold (about 500 threads with std's default
/// 2 MiB stacks) with a margin, while bounding the host threads a runaway module can create.
pub const DEFAULT_MAX_THREADS: u32 = 1024;

const USAGE: &str = "pythreading-host [run] [OPTIONS] MODULE [ARGS]...";

#[derive(Parser, Debug)]
#[command(
    name = "pythreading-host",
    version,
    override_usage = USAGE,
    about = "Runs a WebAssembly command module (wasm32-wasip1-threads or wasm32-wasip1) under \
             wasmtime 48, with WASI preview 1 and wasi-threads.",
    after_help = "Exit status: the guest's (its proc_exit code; 0 when _start returns); 134 after \
                  a trap; 124 when --max-wall-time ran out; 2 for a malformed command line; 1 when \
                  the module cannot be loaded.\n\
                  The guest sees the host's environment unless -S inherit-env=n is given; --env \
                  adds or overrides variables either way.\n\
                  PYTHREADING_HOST_BACKTRACE=1 prints a trap's full error with its wasm backtrace."
)]
struct Cli {
    /// Preopen host directory HOST for the guest, under the guest path GUEST (default: HOST
    /// itself); repeatable.
    #[arg(long = "dir", value_name = "HOST[::GUEST]", value_parser = parse_dir)]
    dirs: Vec<Dir>,

    /// Set the guest's environment variable NAME to VALUE, or to the host's value of NAME when
    /// no VALUE is given; repeatable.
    #[arg(long = "env", value_name = "NAME[=VALUE]", value_parser = parse_env)]
    envs: Vec<EnvVar>,

    /// WASI options, comma-separated or repeated: `inherit-env[=y|n]` (pass the host's
    /// environment; default y), `threads[=y|n]` (provide wasi-threads' `thread-spawn`;
    /// default y).
    #[arg(short = 'S', value_name = "OPT[=y|n]", value_parser = parse_wasi_opts)]
    wasi: Vec<Vec<WasiOpt>>,

    /// WebAssembly options, comma-separated or repeated: `threads[=y|n]` (the threads
    /// proposal: shared memory and atomics; default y), `exceptions[=y|n]` (the
    /// exception-handling proposal; default y).
    #[arg(short = 'W', value_name = "OPT[=y|n]", value_parser = parse_wasm_opts)]
    wasm: Vec<Vec<WasmOpt>>,

    /// Codegen options, comma-separated or repeated: `cache[=y|n]` (keep compiled code in
    /// wasmtime's compilation cache, as `wasmtime run` does, so the next run of the same module
    /// starts without compiling it; default y), `cache-config=FILE` (the cache's TOML
    /// configuration; default: wasmtime's, `~/.config/wasmtime/config.toml` when it exists).
    #[arg(short = 'C', value_name = "OPT[=VALUE]", value_parser = parse_codegen_opts)]
    codegen: Vec<Vec<CodegenOpt>>,

    /// Most threads alive at once, the main thread not counted; beyond it `thread-spawn`
    /// fails with EAGAIN (std's spawn and pythreading's `Thread::start` return an error).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_THREADS)]
    max_threads: u32,

    /// End the run after SECONDS of wall-clock time (fractions allowed) with a message and
    /// exit status 124.
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    max_wall_time: Option<Duration>,

    /// The module to run, then the arguments the guest gets after it (its argv[0] is MODULE).
    #[arg(
        value_name = "MODULE",
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = false,
        num_args = 1..
    )]
    module_and_args: Vec<OsString>,
}

/// A `--dir` preopen.
#[derive(Clone, Debug)]
pub struct Dir {
    pub host: PathBuf,
    pub guest: String,
}

/// A `--env` variable; `value: None` takes the host's value.
#[derive(Clone, Debug)]
pub struct EnvVar {
    pub name: String,
    pub value: Option<String>,
}

#[derive(Clone, Debug)]
enum WasiOpt {
    InheritEnv(bool),
    Threads(bool),
}

#[derive(Clone, Debug)]
enum WasmOpt {
    Threads(bool),
    Exceptions(bool),
}

#[derive(Clone, Debug)]
enum CodegenOpt {
    Cache(bool),
    CacheConfig(PathBuf),
}

/// The parsed command line.
#[derive(Debug)]
pub struct Options {
    pub dirs: Vec<Dir>,
    pub envs: Vec<EnvVar>,
    pub inherit_env: bool,
    /// `-S threads`: define `wasi::thread-spawn`.
    pub wasi_threads: bool,
    /// `-W threads`: the threads proposal.
    pub wasm_threads: bool,
    pub wasm_exceptions: bool,
    /// `-C cache`: use wasmtime's compilation cache.
    pub cache: bool,
    /// `-C cache-config=FILE`.
    pub cache_config: Option<PathBuf>,
    pub max_threads: u32,
    pub max_wall_time: Option<Duration>,
    pub module: PathBuf,
    pub args: Vec<OsString>,
}

/// What the command line asks for: a run, or output already printed (`--help`, `--version`),
/// or a usage error (one line for stderr; exit status 2).
pub enum Parsed {
    Run(Box<Options>),
    Printed,
    Usage(String),
}

pub fn parse(args: impl IntoIterator<Item = OsString>) -> Parsed {
    let mut args: Vec<OsString> = args.into_iter().collect();
    // `pythreading-host run ...` is `pythreading-host ...`, as `wasmtime run` is `wasmtime`.
    if args.get(1).is_some_and(|a| a == "run") {
        args.remove(1);
    }
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            return match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                    let _ = e.print();
                    Parsed::Printed
                }
                _ => Parsed::Usage(one_line(&e)),
            }
        }
    };
    let mut opts = Options {
        dirs: cli.dirs,
        envs: cli.envs,
        inherit_env: true,
        wasi_threads: true,
        wasm_threads: true,
        wasm_exceptions: true,
        cache: true,
        cache_config: None,
        max_threads: cli.max_threads,
        max_wall_time: cli.max_wall_time,
        module: PathBuf::new(),
        args: Vec::new(),
    };
    for opt in cli.wasi.into_iter().flatten() {
        match opt {
            WasiOpt::InheritEnv(on) => opts.inherit_env = on,
            WasiOpt::Threads(on) => opts.wasi_threads = on,
        }
    }
    for opt in cli.wasm.into_iter().flatten() {
        match opt {
            WasmOpt::Threads(on) => opts.wasm_threads = on,
            WasmOpt::Exceptions(on) => opts.wasm_exceptions = on,
        }
    }
    for opt in cli.codegen.into_iter().flatten() {
        match opt {
            CodegenOpt::Cache(on) => opts.cache = on,
            CodegenOpt::CacheConfig(file) => opts.cache_config = Some(file),
        }
    }
    let mut rest = cli.module_and_args.into_iter();
    opts.module = PathBuf::from(rest.next().expect("clap requires MODULE"));
    opts.args = rest.collect();
    Parsed::Run(Box::new(opts))
}

/// clap's message in one line: its first line without the `error: ` prefix, and where to look.
fn one_line(e: &clap::Error) -> String {
    let rendered = e.render().to_string();
    let first = rendered
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("invalid command line");
    let first = first.strip_prefix("error: ").unwrap_or(first).trim();
    if e.kind() == ErrorKind::MissingRequiredArgument {
        return format!(
            "missing MODULE; usage: {USAGE} (pythreading-host --help lists every option)"
        );
    }
    format!("{first} (pythreading-host --help lists every option)")
}

fn parse_dir(spec: &str) -> Result<Dir, String> {
    if spec.is_empty() {
        return Err("--dir needs a directory".into());
    }
    Ok(match spec.split_once("::") {
        Some((host, guest)) if !host.is_empty() && !guest.is_empty() => Dir {
            host: PathBuf::from(host),
            guest: guest.to_string(),
        },
        Some(_) => return Err(format!("`{spec}` is not HOST::GUEST")),
        None => Dir {
            host: PathBuf::from(spec),
            guest: spec.to_string(),
        },
    })
}

fn parse_env(spec: &str) -> Result<EnvVar, String> {
    let (name, value) = match spec.split_once('=') {
        Some((name, value)) => (name, Some(value.to_string())),
        None => (spec, None),
    };
    if name.is_empty() {
        return Err(format!("`{spec}` has no variable name"));
    }
    Ok(EnvVar {
        name: name.to_string(),
        value,
    })
}

fn parse_seconds(spec: &str) -> Result<Duration, String> {
    let secs: f64 = spec
        .parse()
        .map_err(|_| format!("`{spec}` is not a number of seconds"))?;
    Duration::try_from_secs_f64(secs)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("`{spec}` is not a positive number of seconds"))
}

/// `y`, `yes`, `true` or nothing → on; `n`, `no`, `false` → off (wasmtime's spellings).
fn flag_value(key: &str, value: Option<&str>) -> Result<bool, String> {
    match value {
        None | Some("y" | "yes" | "true") => Ok(true),
        Some("n" | "no" | "false") => Ok(false),
        Some(other) => Err(format!("`{key}={other}`: expected y or n")),
    }
}

fn split_opts(spec: &str) -> impl Iterator<Item = (&str, Option<&str>)> {
    spec.split(',')
        .filter(|s| !s.is_empty())
        .map(|item| match item.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (item, None),
        })
}

/// `-FLAG KEY[=VALUE],...`: each item through `one`, which returns `None` for a key it does not
/// know; such a key is one error naming the flag's known keys.
fn parse_opts<T>(
    flag: char,
    known: &str,
    spec: &str,
    one: impl Fn(&str, Option<&str>) -> Option<Result<T, String>>,
) -> Result<Vec<T>, String> {
    split_opts(spec)
        .map(|(key, value)| {
            one(key, value)
                .unwrap_or_else(|| Err(format!("unknown -{flag} option `{key}` (known: {known})")))
        })
        .collect()
}

fn parse_wasi_opts(spec: &str) -> Result<Vec<WasiOpt>, String> {
    parse_opts('S', "inherit-env, threads", spec, |key, value| match key {
        "inherit-env" => Some(flag_value(key, value).map(WasiOpt::InheritEnv)),
        "threads" => Some(flag_value(key, value).map(WasiOpt::Threads)),
        _ => None,
    })
}

fn parse_wasm_opts(spec: &str) -> Result<Vec<WasmOpt>, String> {
    parse_opts('W', "threads, exceptions", spec, |key, value| match key {
        "threads" => Some(flag_value(key, value).map(WasmOpt::Threads)),
        "exceptions" => Some(flag_value(key, value).map(WasmOpt::Exceptions)),
        _ => None,
    })
}

fn parse_codegen_opts(spec: &str) -> Result<Vec<CodegenOpt>, String> {
    parse_opts('C', "cache, cache-config", spec, |key, value| {
        match (key, value) {
            ("cache", _) => Some(flag_value(key, value).map(CodegenOpt::Cache)),
            ("cache-config", Some(file)) if !file.is_empty() => {
                Some(Ok(CodegenOpt::CacheConfig(PathBuf::from(file))))
            }
            ("cache-config", _) => {
                Some(Err("`cache-config` needs a file: cache-config=FILE".into()))
            }
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Options {
        let argv = std::iter::once("pythreading-host")
            .chain(args.iter().copied())
            .map(OsString::from);
        match parse(argv) {
            Parsed::Run(o) => *o,
            Parsed::Printed => panic!("printed"),
            Parsed::Usage(m) => panic!("usage error: {m}"),
        }
    }

    fn usage(args: &[&str]) -> String {
        let argv = std::iter::once("pythreading-host")
            .chain(args.iter().copied())
            .map(OsString::from);
        match parse(argv) {
            Parsed::Usage(m) => m,
            _ => panic!("expected a usage error for {args:?}"),
        }
    }

    #[test]
    fn guest_args_after_module_are_untouched() {
        let o = run(&[
            "--dir",
            ".",
            "m.wasm",
            "--test-threads",
            "1",
            "--nocapture",
            "--dir",
            "x",
            "--",
            "-W",
        ]);
        assert_eq!(o.module, PathBuf::from("m.wasm"));
        assert_eq!(
            o.args,
            [
                "--test-threads",
                "1",
                "--nocapture",
                "--dir",
                "x",
                "--",
                "-W"
            ]
            .map(OsString::from)
        );
        assert_eq!(o.dirs.len(), 1);
    }

    #[test]
    fn run_subcommand_and_double_dash() {
        let o = run(&["run", "--", "m.wasm", "--help"]);
        assert_eq!(o.module, PathBuf::from("m.wasm"));
        assert_eq!(o.args, [OsString::from("--help")]);
        let o = run(&["run", "-S", "inherit-env=n", "m.wasm"]);
        assert!(!o.inherit_env);
    }

    #[test]
    fn wasmtime_spellings() {
        let o = run(&[
            "--dir=/a::/b",
            "--dir",
            "c",
            "--env",
            "A=1",
            "--env=B",
            "-Sinherit-env",
            "-W",
            "threads=y",
            "-S",
            "threads,inherit-env=no",
            "m.wasm",
        ]);
        assert_eq!(o.dirs[0].host, PathBuf::from("/a"));
        assert_eq!(o.dirs[0].guest, "/b");
        assert_eq!(o.dirs[1].guest, "c");
        assert_eq!(o.envs[0].value.as_deref(), Some("1"));
        assert_eq!(o.envs[1].value, None);
        assert!(!o.inherit_env && o.wasi_threads && o.wasm_threads && o.wasm_exceptions);
        let o = run(&[
            "-W",
            "exceptions=n,threads=false",
            "-S",
            "threads=n",
            "m.wasm",
        ]);
        assert!(!o.wasm_exceptions && !o.wasm_threads && !o.wasi_threads);
        assert_eq!(o.max_threads, DEFAULT_MAX_THREADS);
    }

    #[test]
    fn codegen_cache_options() {
        let o = run(&["m.wasm"]);
        assert!(o.cache && o.cache_config.is_none());
        let o = run(&["-C", "cache=n", "m.wasm"]);
        assert!(!o.cache);
        let o = run(&["-Ccache-config=/x/c.toml,cache", "m.wasm"]);
        assert!(o.cache);
        assert_eq!(o.cache_config, Some(PathBuf::from("/x/c.toml")));
        assert!(usage(&["-C", "cache-config", "m.wasm"]).contains("cache-config=FILE"));
        assert!(usage(&["-C", "opt-level=2", "m.wasm"]).contains("unknown -C option"));
        assert!(usage(&["-C", "cache=maybe", "m.wasm"]).contains("expected y or n"));
    }

    #[test]
    fn limits() {
        let o = run(&["--max-threads", "3", "--max-wall-time", "1.5", "m.wasm"]);
        assert_eq!(o.max_threads, 3);
        assert_eq!(o.max_wall_time, Some(Duration::from_millis(1500)));
        assert!(usage(&["--max-wall-time", "0", "m.wasm"]).contains("positive"));
        assert!(usage(&["--max-threads", "-1", "m.wasm"]).contains("'-1'"));
        assert!(usage(&["--max-threads", "x", "m.wasm"]).contains("--max-threads"));
    }

    #[test]
    fn errors_are_one_line() {
        for args in [
            &["--frobnicate", "m.wasm"][..],
            &[],
            &["-S", "nonsense", "m.wasm"],
            &["-W", "threads=maybe", "m.wasm"],
            &["-C", "nonsense", "m.wasm"],
            &["--dir", "a::", "m.wasm"],
        ] {
            let m = usage(args);
            assert_eq!(m.lines().count(), 1, "{m}");
        }
        assert!(usage(&["--frobnicate", "m.wasm"]).contains("--frobnicate"));
        assert!(usage(&[]).contains("usage: pythreading-host"));
        assert!(usage(&["-S", "nonsense", "m.wasm"]).contains("unknown -S option `nonsense`"));
    }
}
