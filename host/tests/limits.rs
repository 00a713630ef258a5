//! Limits, so that a module cannot take the machine: `--max-threads`, the module's memory
//! maximum, `--max-wall-time`; and the exits that must stay orderly under load (every thread
//! trapping at once, `proc_exit` while other threads block).

mod common;

use std::time::Duration;

use common::*;

/// A module whose `_start` calls `thread-spawn` until it fails, then 100 times more, and
/// traps unless exactly `expected` spawns succeeded and every failure returned -6 (EAGAIN).
/// Each spawned thread blocks forever on `memory.atomic.wait32`.
fn spawn_until_refused(expected: u32) -> String {
    wat_module(
        &format!("spawn-until-refused-{expected}.wasm"),
        &format!(
            r#"(module
            (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
            (import "env" "memory" (memory 1 1 shared))
            (func (export "_start")
              (local $ok i32) (local $ret i32) (local $refused i32)
              (block $done
                (loop $again
                  (local.set $ret (call $spawn (i32.const 0)))
                  (br_if $done (i32.lt_s (local.get $ret) (i32.const 0)))
                  (local.set $ok (i32.add (local.get $ok) (i32.const 1)))
                  (br_if $again (i32.lt_u (local.get $ok) (i32.const 100000)))))
              (if (i32.ne (local.get $ok) (i32.const {expected})) (then unreachable))
              (loop $more
                (if (i32.ne (local.get $ret) (i32.const -6)) (then unreachable))
                (local.set $ret (call $spawn (i32.const 0)))
                (local.set $refused (i32.add (local.get $refused) (i32.const 1)))
                (br_if $more (i32.lt_u (local.get $refused) (i32.const 100)))))
            (func (export "wasi_thread_start") (param i32 i32)
              (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))))"#
        ),
    )
}

#[test]
fn thread_spawn_is_refused_beyond_max_threads() {
    let path = spawn_until_refused(20);
    let run = host(&["--max-threads", "20", &path]);
    assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
    assert_eq!(run.stderr, "");
}

#[test]
fn default_max_threads_is_1024() {
    let path = spawn_until_refused(1024);
    let run = host(&[&path]);
    assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
    assert_eq!(run.stderr, "");
    // --help documents the same default.
    let help = host(&["--help"]);
    assert!(help.stdout.contains("[default: 1024]"), "{}", help.stdout);
}

#[test]
fn refused_spawn_is_an_error_in_std_and_pythreading() {
    let run = host(&["--max-threads", "8", &guest("spawn_unbounded")]);
    assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
    assert_eq!(
        run.stdout,
        "std spawned 8 threads, then: WouldBlock\n\
         pythreading start: RuntimeError: can't start new thread: Resource temporarily unavailable (os error 6)\n\
         after the threads ended: std spawn ok true, pythreading start ok true\n",
        "stderr: {}",
        run.stderr
    );
    assert!(run.host_lines().is_empty(), "host spoke: {}", run.stderr);
}

#[test]
fn memory_grows_to_its_maximum_and_no_further() {
    // Shared memory (a wasi-threads module): 1 page, at most 4.
    let shared = wat_module(
        "grow-shared.wasm",
        r#"(module
            (import "env" "memory" (memory 1 4 shared))
            (func (export "_start")
              (if (i32.ne (memory.grow (i32.const 1)) (i32.const 1)) (then unreachable))
              (if (i32.ne (memory.grow (i32.const 2)) (i32.const 2)) (then unreachable))
              (if (i32.ne (memory.grow (i32.const 1)) (i32.const -1)) (then unreachable))
              (if (i32.ne (memory.size) (i32.const 4)) (then unreachable))
              ;; The last byte of the maximum is usable.
              (i32.store8 (i32.const 262143) (i32.const 7)))
            (func (export "wasi_thread_start") (param i32 i32)))"#,
    );
    let run = host(&[&shared]);
    assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
    // A plain module's own memory: at most 3 pages.
    let own = wat_module(
        "grow-own.wasm",
        r#"(module
            (memory (export "memory") 1 3)
            (func (export "_start")
              (if (i32.ne (memory.grow (i32.const 2)) (i32.const 1)) (then unreachable))
              (if (i32.ne (memory.grow (i32.const 1)) (i32.const -1)) (then unreachable))
              (if (i32.ne (memory.grow (i32.const 65536)) (i32.const -1)) (then unreachable))))"#,
    );
    let run = host(&[&own]);
    assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
}

#[test]
fn rust_guest_allocates_up_to_the_memory_maximum() {
    let run = host(&[&guest("grow_memory")]);
    assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
    // wasm32-wasip1-threads modules declare a 1 GiB maximum (16384 pages); the guest's
    // program and heap start take a few MiB of it.
    let lines: Vec<&str> = run.stdout.lines().collect();
    let mib: usize = lines[0]
        .strip_prefix("reserved ")
        .and_then(|r| r.split_once(' '))
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected output: {}", run.stdout));
    assert!((960..1024).contains(&mib), "{}", run.stdout);
    assert!(
        lines[1].ends_with("memory is 16384 pages, and does not grow"),
        "{}",
        run.stdout
    );
    assert_eq!(lines[2], "after freeing: allocated 1048576 bytes");
    assert!(run.host_lines().is_empty(), "host spoke: {}", run.stderr);
}

#[test]
fn every_thread_trapping_at_once_with_the_hook() {
    let run = host(&[&guest("all_trap")]);
    assert_eq!(run.code(), 0, "stderr: {}", run.stderr);
    assert_eq!(
        run.stdout,
        "all trapped: true, hooks ran 16 times, label sum 136, a new thread returned 5\n"
    );
    assert!(run.host_lines().is_empty(), "host spoke: {}", run.stderr);
    assert_no_rust_panic(&run.stderr);
}

#[test]
fn every_thread_trapping_at_once_without_the_hook() {
    let run = host(&[&guest("all_trap_nohook")]);
    assert_eq!(run.code(), 134, "stderr: {}", run.stderr);
    // One report, written in one piece; the guests' own panic messages, written piecemeal
    // by 16 threads at once, may surround it on its line.
    assert_eq!(
        run.stderr.matches("pythreading-host: ").count(),
        1,
        "{}",
        run.stderr
    );
    let at = run.stderr.find("pythreading-host: ").unwrap();
    assert!(
        run.stderr[at..]
            .lines()
            .next()
            .unwrap()
            .contains(" trapped: wasm trap: "),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains("not reached"));
    assert_no_rust_panic(&run.stderr);
}

#[test]
fn proc_exit_from_a_thread_while_others_block() {
    let run = host_full(&[&guest("exit_while_blocked")], Stdin::OpenPipe, |_| {});
    assert_eq!(run.code(), 9, "stderr: {}", run.stderr);
    assert_eq!(run.stdout, "all blocked\n");
    assert_eq!(run.stderr, "");
    // The blocked threads sleep for a minute; the exit does not wait for them.
    assert!(run.elapsed < Duration::from_secs(45), "{:?}", run.elapsed);
}

#[test]
fn max_wall_time_ends_the_run() {
    // Main sleeps for a minute in poll_oneoff, a thread waits on an atomic forever.
    let path = wat_module(
        "sleepy.wasm",
        r#"(module
            (import "wasi_snapshot_preview1" "poll_oneoff"
              (func $poll (param i32 i32 i32 i32) (result i32)))
            (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
            ;; wasi-libc modules import the shared memory and export it again, for WASI.
            (memory (export "memory") (import "env" "memory") 1 1 shared)
            (func (export "_start")
              (drop (call $spawn (i32.const 0)))
              ;; subscription at 64: userdata 0, tag 0 (clock), id 1 (monotonic),
              ;; timeout 60 s, precision 0, flags 0
              (i32.store8 (i32.const 72) (i32.const 0))
              (i32.store (i32.const 80) (i32.const 1))
              (i64.store (i32.const 88) (i64.const 60000000000))
              (drop (call $poll (i32.const 64) (i32.const 128) (i32.const 1) (i32.const 192))))
            (func (export "wasi_thread_start") (param i32 i32)
              (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))))"#,
    );
    let run = host(&["--max-wall-time", "0.5", &path]);
    assert_eq!(run.code(), 124, "stderr: {}", run.stderr);
    run.assert_one_line_error("stopped after --max-wall-time 0.5s");
    assert!(
        run.elapsed >= Duration::from_millis(300) && run.elapsed < Duration::from_secs(30),
        "{:?}",
        run.elapsed
    );
    // Without the limit, a short run is not affected.
    let quick = host(&["--max-wall-time", "60", &guest("threads")]);
    assert_eq!(quick.code(), 0, "stderr: {}", quick.stderr);
}
