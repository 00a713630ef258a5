#!/usr/bin/env python3
"""CPython's threading on the workloads of benches/workloads/mod.rs.

Alone: `python3 benches/cpython_bench.py [KEY...]` prints one JSON object on stdout,

    {"python": "3.11.7", "samples": 15, "ns_per_op": {"lock": 61.2, ...}}

with the median ns per operation of each workload (calibrated to about SAMPLE_NS per sample,
warmed up once, sampled SAMPLES times).

Served: `cargo bench --bench primitives` runs `python3 benches/cpython_bench.py --serve`, which
prints `{"python": "3.11.7"}` and then answers each stdin line `run KEY N` with the elapsed
nanoseconds of N iterations of KEY, so that the Rust harness can interleave CPython's samples
with its own, round by round. Between requests it blocks on stdin.

Each workload is a function taking an iteration count and returning the elapsed nanoseconds of
its timed part, exactly like the Rust ones (partners are started and synchronised before the
clock starts). Method lookups are hoisted into locals, the fastest way to write these loops in
Python: CPython gets its best case.
"""

import json
import statistics
import sys
import threading
import time

SAMPLE_NS = 20_000_000
SAMPLES = 15

now = time.perf_counter_ns


def lock(n):
    lk = threading.Lock()
    acquire, release = lk.acquire, lk.release
    t0 = now()
    for _ in range(n):
        acquire()
        release()
    return now() - t0


def rlock(n):
    lk = threading.RLock()
    acquire, release = lk.acquire, lk.release
    t0 = now()
    for _ in range(n):
        acquire()
        release()
    return now() - t0


def event_pingpong(n):
    ping, pong = threading.Event(), threading.Event()

    def partner():
        for _ in range(n + 1):
            ping.wait()
            ping.clear()
            pong.set()

    t = threading.Thread(target=partner)
    t.start()

    def round_trip():
        ping.set()
        pong.wait()
        pong.clear()

    round_trip()  # untimed: the partner is running and waiting
    t0 = now()
    for _ in range(n):
        round_trip()
    elapsed = now() - t0
    t.join()
    return elapsed


def condition_pingpong(n):
    cond = threading.Condition()  # over an RLock, Python's default
    turn = [0]  # guarded by cond's lock

    def partner():
        with cond:
            for _ in range(n + 1):
                while turn[0] != 1:
                    cond.wait()
                turn[0] = 0
                cond.notify()

    t = threading.Thread(target=partner)
    t.start()

    def round_trip():
        turn[0] = 1
        cond.notify()
        while turn[0] != 0:
            cond.wait()

    with cond:
        round_trip()  # untimed: the partner is running and waiting
        t0 = now()
        for _ in range(n):
            round_trip()
        elapsed = now() - t0
    t.join()
    return elapsed


def semaphore(n):
    sem = threading.Semaphore(1)
    acquire, release = sem.acquire, sem.release
    t0 = now()
    for _ in range(n):
        acquire()
        release()
    return now() - t0


def barrier(n):
    b = threading.Barrier(2)

    def partner():
        for _ in range(n + 1):
            b.wait()

    t = threading.Thread(target=partner)
    t.start()
    b.wait()  # untimed: the partner is running
    wait = b.wait
    t0 = now()
    for _ in range(n):
        wait()
    elapsed = now() - t0
    t.join()
    return elapsed


def _empty():
    pass


def thread_start_join(n):
    Thread = threading.Thread
    t0 = now()
    for _ in range(n):
        t = Thread(target=_empty)
        t.start()
        t.join()
    return now() - t0


WORKLOADS = {
    "lock": lock,
    "rlock": rlock,
    "event_pingpong": event_pingpong,
    "condition_pingpong": condition_pingpong,
    "semaphore": semaphore,
    "barrier": barrier,
    "thread_start_join": thread_start_join,
}


def calibrate(fn):
    """Iterations for one sample of about SAMPLE_NS: double until a run takes 2 ms, then scale."""
    n = 1
    while True:
        t = max(fn(n), 1)
        if t >= 2_000_000:
            return max(1, n * SAMPLE_NS // t)
        n *= 2


def measure(fn):
    n = calibrate(fn)
    fn(n)  # warm-up
    return statistics.median(fn(n) / n for _ in range(SAMPLES))


def serve():
    print(json.dumps({"python": sys.version.split()[0]}), flush=True)
    for line in sys.stdin:
        try:
            op, key, n = line.split()
            if op != "run":
                raise ValueError(f"unknown request {op!r}")
            answer = str(WORKLOADS[key](int(n)))
        except Exception as e:  # report, keep serving
            answer = f"error {e!r}"
        print(answer, flush=True)


def main(argv):
    if argv == ["--serve"]:
        serve()
        return
    keys = argv or list(WORKLOADS)
    unknown = [k for k in keys if k not in WORKLOADS]
    if unknown:
        sys.exit(f"unknown workload(s): {', '.join(unknown)}; known: {', '.join(WORKLOADS)}")
    result = {k: round(measure(WORKLOADS[k]), 2) for k in keys}
    print(
        json.dumps(
            {"python": sys.version.split()[0], "samples": SAMPLES, "ns_per_op": result}
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
