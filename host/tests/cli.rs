//! Runs the built `pythreading-host` binary on bad input and on small guests.
//!
//! Rust guests live in `tests/guests/` (a standalone cargo project) and are compiled for
//! `wasm32-wasip1-threads` once per test run; hand-written modules for the bad-input cases are
//! assembled from WAT text. Every child process is bounded by a timeout.

mod common;

use std::path::Path;
use std::time::Duration;

use common::*;

// ---- bad input ------------------------------------------------------------------------------

#[test]
fn missing_file_is_one_line_error() {
    let missing = Path::new(TMP).join("no-such-module.wasm");
    let run = host(&[missing.to_str().unwrap()]);
    run.assert_one_line_error("cannot read");
    assert_eq!(run.code(), 1);
}

#[test]
fn text_file_is_not_wasm() {
    let path = temp_file("hello.txt", b"hello, this is not wasm\n");
    host(&[&path]).assert_one_line_error("is not a WebAssembly module");
}

#[test]
fn truncated_module_is_invalid() {
    let path = temp_file("truncated.wasm", b"\0asm\x01\0\0\0\x01\xff\xff");
    host(&[&path]).assert_one_line_error("is not a valid WebAssembly module");
}

#[test]
fn component_is_rejected() {
    let path = temp_file("component.wasm", b"\0asm\x0d\0\x01\0");
    host(&[&path]).assert_one_line_error("not a core module");
}

#[test]
fn plain_wasip1_module_with_its_own_memory_runs() {
    // What a wasm32-wasip1 (not -threads) build looks like: it defines and exports its memory
    // and has no thread entry point. It writes "hello\n" with fd_write and exits with 3.
    let path = wat_module(
        "own-memory.wasm",
        r#"(module
            (import "wasi_snapshot_preview1" "fd_write"
              (func $fd_write (param i32 i32 i32 i32) (result i32)))
            (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
            (memory (export "memory") 1)
            (data (i32.const 16) "hello\n")
            (func (export "_start")
              (i32.store (i32.const 0) (i32.const 16))
              (i32.store (i32.const 4) (i32.const 6))
              (if (i32.ne (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))
                          (i32.const 0))
                (then unreachable))
              (if (i32.ne (i32.load (i32.const 8)) (i32.const 6)) (then unreachable))
              (call $exit (i32.const 3))))"#,
    );
    let run = host(&[&path]);
    assert_eq!(run.code(), 3, "stderr: {}", run.stderr);
    assert_eq!(run.stdout, "hello\n");
    assert_eq!(run.stderr, "");
}

#[test]
fn thread_spawn_without_shared_memory_fails_cleanly() {
    // A one-memory module that imports thread-spawn anyway: the spawn returns a negative
    // errno (its threads could not share memory) and the program carries on.
    let path = wat_module(
        "spawn-unshared.wasm",
        r#"(module
            (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
            (memory (export "memory") 1)
            (func (export "_start")
              (if (i32.ge_s (call $spawn (i32.const 0)) (i32.const 0)) (then unreachable))))"#,
    );
    let run = host(&[&path]);
    assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
}

#[test]
fn imported_unshared_memory_is_rejected() {
    let path = wat_module(
        "unshared-import.wasm",
        r#"(module
            (import "env" "memory" (memory 1 2))
            (func (export "_start"))
            (func (export "wasi_thread_start") (param i32 i32)))"#,
    );
    host(&[&path]).assert_one_line_error("not shared");
}

#[test]
fn module_without_wasi_thread_start_is_rejected() {
    let path = wat_module(
        "no-thread-start.wasm",
        r#"(module
            (import "env" "memory" (memory 1 2 shared))
            (func (export "_start")))"#,
    );
    host(&[&path]).assert_one_line_error("does not export `wasi_thread_start`");
}

#[test]
fn wrong_thread_start_signature_is_rejected() {
    let path = wat_module(
        "bad-thread-start.wasm",
        r#"(module
            (import "env" "memory" (memory 1 2 shared))
            (func (export "_start"))
            (func (export "wasi_thread_start") (param i32)))"#,
    );
    host(&[&path]).assert_one_line_error("(i32, i32) -> ()");
}

#[test]
fn reactor_module_is_rejected() {
    let path = wat_module(
        "reactor.wasm",
        r#"(module
            (import "env" "memory" (memory 1 2 shared))
            (func (export "_initialize"))
            (func (export "wasi_thread_start") (param i32 i32)))"#,
    );
    host(&[&path]).assert_one_line_error("is a reactor module");
}

#[test]
fn module_without_start_is_rejected() {
    let path = wat_module(
        "no-start.wasm",
        r#"(module
            (import "env" "memory" (memory 1 2 shared))
            (func (export "wasi_thread_start") (param i32 i32)))"#,
    );
    host(&[&path]).assert_one_line_error("does not export `_start`");
}

#[test]
fn unknown_import_is_one_line_error() {
    let path = wat_module(
        "unknown-import.wasm",
        r#"(module
            (import "env" "memory" (memory 1 2 shared))
            (import "nowhere" "nothing" (func))
            (func (export "_start"))
            (func (export "wasi_thread_start") (param i32 i32)))"#,
    );
    host(&[&path]).assert_one_line_error("nowhere");
}

#[test]
fn no_arguments_prints_usage() {
    let run = host(&[]);
    assert_eq!(run.code(), 2);
    run.assert_one_line_error("usage: pythreading-host [run] [OPTIONS] MODULE [ARGS]...");
}

#[test]
fn unknown_option_is_one_line_usage_error() {
    for args in [
        &["--frobnicate", "x.wasm"][..],
        &["run", "--frobnicate", "x.wasm"],
        &["-S", "frobnicate", "x.wasm"],
        &["-W", "threads=maybe", "x.wasm"],
        &["--max-threads", "many", "x.wasm"],
    ] {
        let run = host(args);
        assert_eq!(run.code(), 2, "{args:?}: {}", run.stderr);
        run.assert_one_line_error(args[args.len() - 2].trim_start_matches('-'));
    }
}

#[test]
fn help_lists_every_option() {
    for flag in ["--help", "-h"] {
        let run = host(&[flag]);
        assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
        for option in [
            "--dir",
            "--env",
            "-S",
            "inherit-env",
            "-W",
            "threads",
            "exceptions",
            "-C",
            "cache-config",
            "--max-threads",
            "--max-wall-time",
            "--help",
            "--version",
            "[run] [OPTIONS] MODULE [ARGS]...",
        ] {
            assert!(
                run.stdout.contains(option),
                "{flag} lacks {option}: {}",
                run.stdout
            );
        }
    }
    let run = host(&["run", "--version"]);
    assert_eq!(run.code(), 0);
    assert!(
        run.stdout.starts_with("pythreading-host "),
        "{}",
        run.stdout
    );
}

#[test]
fn missing_dir_is_one_line_error() {
    let path = guest("args_env");
    let missing = Path::new(TMP).join("no-such-dir");
    host(&["--dir", missing.to_str().unwrap(), &path]).assert_one_line_error("cannot open --dir");
}

// ---- traps and exits in hand-written modules ------------------------------------------------

#[test]
fn trap_in_main_thread_is_one_line_and_134() {
    let path = wat_module(
        "main-trap.wasm",
        r#"(module
            (import "env" "memory" (memory 1 2 shared))
            (func (export "_start") unreachable)
            (func (export "wasi_thread_start") (param i32 i32)))"#,
    );
    let run = host(&[&path]);
    run.assert_one_line_error("main thread trapped: wasm trap: wasm `unreachable`");
    assert_eq!(run.code(), 134);
}

#[test]
fn thread_ids_are_positive_and_unique() {
    // `_start` spawns 50 threads (each returns at once) and traps unless every id is in
    // 1..=0x1FFFFFFF and larger than the one before.
    let path = wat_module(
        "tids.wasm",
        r#"(module
            (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
            (import "env" "memory" (memory 1 2 shared))
            (func (export "_start")
              (local $i i32) (local $tid i32) (local $last i32)
              (loop $again
                (local.set $tid (call $spawn (i32.const 0)))
                (if (i32.le_s (local.get $tid) (local.get $last)) (then unreachable))
                (if (i32.gt_s (local.get $tid) (i32.const 0x1FFFFFFF)) (then unreachable))
                (local.set $last (local.get $tid))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $again (i32.lt_u (local.get $i) (i32.const 50)))))
            (func (export "wasi_thread_start") (param i32 i32)))"#,
    );
    let run = host(&[&path]);
    assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
}

// ---- Rust guests ----------------------------------------------------------------------------

#[test]
fn std_threads_join_and_exit_code_passes_through() {
    let path = guest("threads");
    let run = host(&[&path, "5"]);
    assert_eq!(
        run.stdout, "sum=36 returned=360 threads=8\n",
        "stderr: {}",
        run.stderr
    );
    assert_eq!(run.code(), 5);
    let run = host(&[&path]);
    assert_eq!(
        run.stdout, "sum=36 returned=360 threads=8\n",
        "stderr: {}",
        run.stderr
    );
    assert_eq!(run.code(), 0);
    assert_eq!(run.stderr, "");
}

#[test]
fn args_and_env_pass_through() {
    let path = guest("args_env");
    let run = host_with(&[&path, "one", "two words", "--three"], |cmd| {
        cmd.env("GUEST_VAR", "hello guest");
    });
    assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
    assert_eq!(
        run.stdout,
        "args=[\"one\", \"two words\", \"--three\"]\nGUEST_VAR=hello guest\nargv0_is_wasm=true\n"
    );
}

#[test]
fn dir_preopen_lets_main_and_threads_read_files() {
    let dir = Path::new(TMP).join("preopen");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("hello.txt"), "hello from the host\n").unwrap();
    let dir = dir.to_str().unwrap();
    let path = guest("read_file");

    let file = format!("{dir}/hello.txt");
    let run = host(&["--dir", dir, &path, &file]);
    assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
    assert_eq!(
        run.stdout,
        "main read: hello from the host\nthread read: hello from the host\n"
    );

    // HOST::GUEST maps the directory to another guest path.
    let mapped = format!("--dir={dir}::/data");
    let run = host(&[&mapped, &path, "/data/hello.txt"]);
    assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
    assert!(run.stdout.starts_with("main read: hello from the host\n"));

    // Without a preopen the guest sees no files.
    let run = host(&[&path, &file]);
    assert_eq!(run.code(), 3, "stdout: {}", run.stdout);
}

#[test]
fn thread_trap_with_hook_carries_on() {
    let run = host(&[&guest("trap_hook")]);
    assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
    assert_eq!(
        run.stdout, "main carries on: hook_ran=true label=42 after=7\n",
        "stderr: {}",
        run.stderr
    );
    // The guest's panic message, then the hook, which saw the dead thread's TLS.
    assert!(run.stderr.contains("boom in worker"), "{}", run.stderr);
    assert!(
        run.stderr.contains("hook: thread with label 42 trapped"),
        "{}",
        run.stderr
    );
    assert!(run.host_lines().is_empty(), "host spoke: {}", run.stderr);
}

#[test]
fn thread_trap_without_hook_exits_134() {
    let run = host(&[&guest("trap_nohook")]);
    assert_eq!(run.code(), 134, "stderr: {}", run.stderr);
    assert!(run.stderr.contains("boom without hook"), "{}", run.stderr);
    let lines = run.host_lines();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].starts_with("pythreading-host: thread 1 trapped: wasm trap: "),
        "{}",
        lines[0]
    );
    assert!(!run.stdout.contains("not reached"));
    assert_no_rust_panic(&run.stderr);
}

#[test]
fn proc_exit_in_thread_ends_program_with_its_code() {
    let run = host(&[&guest("exit_in_thread")]);
    assert_eq!(run.code(), 7, "stderr: {}", run.stderr);
    assert!(!run.stdout.contains("not reached"));
    assert_eq!(run.stderr, "");
}

#[test]
fn panic_in_main_thread_exits_134() {
    let run = host(&[&guest("main_panic")]);
    assert_eq!(run.code(), 134, "stderr: {}", run.stderr);
    assert!(run.stderr.contains("main thread fails"), "{}", run.stderr);
    let lines = run.host_lines();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].starts_with("pythreading-host: main thread trapped: wasm trap: "),
        "{}",
        lines[0]
    );
    assert_no_rust_panic(&run.stderr);
}

#[test]
fn sequential_and_batched_threads_get_fresh_state() {
    let path = guest("many_threads");
    let expected = "threads=300 distinct_ids=300 stale_tls=0\n";
    let run = host(&[&path]);
    assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
    assert_eq!(run.stdout, expected);
    // Same result with host-thread reuse turned off.
    let run = host_with(&[&path], |cmd| {
        cmd.env("PYTHREADING_HOST_THREAD_POOL", "0");
    });
    assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
    assert_eq!(run.stdout, expected);
}

// ---- the command line people type ------------------------------------------------------------

#[test]
fn guest_args_that_look_like_options_reach_the_guest() {
    let path = guest("args_env");
    let run = host(&[
        "run",
        "--dir",
        ".",
        &path,
        "--test-threads",
        "1",
        "--nocapture",
        "--help",
        "--dir",
        "x",
    ]);
    assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
    assert!(
        run.stdout.starts_with(
            "args=[\"--test-threads\", \"1\", \"--nocapture\", \"--help\", \"--dir\", \"x\"]\n"
        ),
        "{}",
        run.stdout
    );
    // `--` ends the host's options before the module too.
    let run = host(&["--", &path, "--", "-S"]);
    assert!(
        run.stdout.starts_with("args=[\"--\", \"-S\"]\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn env_options_follow_wasmtime() {
    let path = guest("args_env");
    let with = |args: &[&str]| {
        host_with(args, |cmd| {
            cmd.env("GUEST_VAR", "from the host");
        })
    };
    // By default the host's environment passes through (the cargo runner relies on it).
    assert!(with(&[&path]).stdout.contains("GUEST_VAR=from the host\n"));
    assert!(with(&["-S", "inherit-env", &path])
        .stdout
        .contains("GUEST_VAR=from the host\n"));
    // -S inherit-env=n: only --env variables.
    assert!(with(&["-S", "inherit-env=n", &path])
        .stdout
        .contains("GUEST_VAR=<unset>\n"));
    assert!(with(&["-Sinherit-env=n", "--env", "GUEST_VAR=set", &path])
        .stdout
        .contains("GUEST_VAR=set\n"));
    // --env NAME takes the host's value; --env overrides an inherited one.
    assert!(with(&["-S", "inherit-env=n", "--env", "GUEST_VAR", &path])
        .stdout
        .contains("GUEST_VAR=from the host\n"));
    assert!(with(&["--env=GUEST_VAR=over", &path])
        .stdout
        .contains("GUEST_VAR=over\n"));
}

#[test]
fn threads_options_follow_wasmtime_36() {
    let path = guest("threads");
    for args in [
        &["-W", "threads", "-S", "threads", &path][..],
        &["-W", "threads=y", "-S", "threads=y", &path],
        &["-Wthreads=y", "-Sthreads=y,inherit-env=y", &path],
    ] {
        let run = host(args);
        assert_eq!(run.code(), 0, "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "sum=36 returned=360 threads=8\n");
    }
    // Without the threads proposal a shared memory does not validate; without wasi-threads,
    // `thread-spawn` is an unknown import.
    host(&["-W", "threads=n", &path]).assert_one_line_error("is not a valid WebAssembly module");
    host(&["-S", "threads=n", &path]).assert_one_line_error("thread-spawn");
}

#[test]
fn exceptions_are_enabled() {
    // The exception-handling proposal (on by default since wasmtime 47), in a wasi-threads
    // module: a tag thrown and caught by try_table; -W exceptions=n rejects the module.
    let path = wat_module(
        "exceptions.wasm",
        r#"(module
            (import "env" "memory" (memory 1 1 shared))
            (tag $boom (param i32))
            (func $thrower (param i32) (throw $boom (local.get 0)))
            (func (export "_start")
              (block $caught (result i32)
                (try_table (catch $boom $caught)
                  (call $thrower (i32.const 42)))
                unreachable)
              (if (i32.ne (i32.const 42)) (then unreachable)))
            (func (export "wasi_thread_start") (param i32 i32)))"#,
    );
    let run = host(&[&path]);
    assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
    host(&["-W", "exceptions=n", &path]).assert_one_line_error("is not a valid WebAssembly module");
}

fn files_under(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .flatten()
            .map(|e| {
                let path = e.path();
                if path.is_dir() {
                    files_under(&path)
                } else {
                    1
                }
            })
            .sum()
    })
}

#[test]
fn compilation_cache_keeps_compiled_code_and_can_be_turned_off() {
    // wasmtime's compilation cache, as `wasmtime run` uses it: a run stores the compiled
    // module in the configured directory; -C cache=n stores nothing.
    let dir = fresh_dir("compile-cache");
    let module = wat_module(
        "cached.wasm",
        r#"(module
            (import "env" "memory" (memory 1 1 shared))
            (func (export "_start"))
            (func (export "wasi_thread_start") (param i32 i32)))"#,
    );
    let config = |name: &str| {
        let cache = Path::new(&dir).join(name);
        let file = temp_file(
            &format!("cache-{name}.toml"),
            format!("[cache]\ndirectory = {:?}\n", cache.to_str().unwrap()).as_bytes(),
        );
        (cache, format!("cache-config={file}"))
    };
    let (on, on_flag) = config("on");
    let run = host(&["-C", &on_flag, &module]);
    assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
    assert!(
        files_under(&on) > 0,
        "nothing cached under {}",
        on.display()
    );
    let again = host(&["-C", &on_flag, &module]);
    assert_eq!(again.code(), 0, "stderr: {}", again.stderr);

    let (off, off_flag) = config("off");
    let run = host(&["-C", &off_flag, "-C", "cache=n", &module]);
    assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
    assert_eq!(
        files_under(&off),
        0,
        "-C cache=n cached under {}",
        off.display()
    );

    let bad = temp_file("cache-bad.toml", b"[cache]\nno-such-setting = 1\n");
    let run = host(&["-C", &format!("cache-config={bad}"), &module]);
    run.assert_one_line_error("cannot use the cache configuration");
    assert_eq!(run.code(), 1);
}

// ---- WASI shared by all threads ---------------------------------------------------------------

fn fresh_dir(name: &str) -> String {
    let dir = Path::new(TMP).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.to_str().unwrap().to_string()
}

#[test]
fn one_file_table_for_all_threads() {
    let dir = fresh_dir("shared-files");
    let run = host(&[
        "--dir",
        &format!("{dir}::/work"),
        &guest("shared_files"),
        "/work",
    ]);
    assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
    assert_eq!(
        run.stdout,
        "thread saw offset 16 and read \"written \"\n\
         main offset after thread read: 8\n\
         main read: opened by a thread\n\
         thread sees it closed: true\n"
    );
}

#[test]
fn a_blocking_call_blocks_only_its_thread() {
    let dir = fresh_dir("blocking-calls");
    let run = host_full(
        &["--dir", &dir, &guest("blocking_calls"), &dir],
        Stdin::OpenPipe,
        |_| {},
    );
    assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
    assert_eq!(
        run.stdout,
        "main: file work while others block\nmain: a new thread returned 42\n"
    );
    // One of the blocked threads sleeps for a minute: main did not wait for it.
    assert!(run.elapsed < Duration::from_secs(45), "{:?}", run.elapsed);
}
