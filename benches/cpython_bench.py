#!/usr/bin/env python3
"""CPython's threading on the workloads of benches/workloads/mod.rs (and queue.Queue and
ThreadPoolExecutor on those of benches/workloads/queue_futures.rs).

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
import queue
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

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


def wake_latency(n):
    """The Rust workload of the same key: set() to a waiter asleep for 100 µs, until it runs;
    returns the sum of the waiter's latencies."""
    ev = threading.Event()
    ready = [0]
    stamp = [0]
    total = [0]

    def partner():
        for r in range(1, n + 1):
            ready[0] = r
            ev.wait()
            total[0] += now() - stamp[0]
            ev.clear()

    t = threading.Thread(target=partner)
    t.start()
    for r in range(1, n + 1):
        while ready[0] != r:
            time.sleep(0)  # lets the partner take the GIL
        t1 = now()
        while now() - t1 < 100_000:
            pass
        stamp[0] = now()
        ev.set()
    t.join()
    return total[0]


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


# ---- contended workloads (issue 11), as in benches/workloads/mod.rs -------------------------


def _gang(n, body):
    """Runs body(0..n) on n threads at once (0 on the calling thread); the ns from the start
    gate until every thread is done (the gates are Barriers, untimed setup aside)."""
    start, end = threading.Barrier(n), threading.Barrier(n)

    def partner(i):
        start.wait()
        body(i)
        end.wait()

    ts = [threading.Thread(target=partner, args=(i,)) for i in range(1, n)]
    for t in ts:
        t.start()
    start.wait()
    t0 = now()
    body(0)
    end.wait()
    elapsed = now() - t0
    for t in ts:
        t.join()
    return elapsed


def _share(total, n, i):
    return total // n + (1 if i < total % n else 0)


def _increments(make_lock, n_threads):
    def run(n):
        lk = make_lock()
        counter = [0]

        def body(i):
            acquire, release = lk.acquire, lk.release
            for _ in range(_share(n, n_threads, i)):
                acquire()
                counter[0] += 1
                release()

        elapsed = _gang(n_threads, body)
        assert counter[0] == n, "lost increments"
        return elapsed

    return run


def _condition_queue(producers, consumers):
    def run(n):
        cond = threading.Condition(threading.Lock())  # as queue.Queue builds it
        state = [0, 0]  # queued, taken; guarded by cond's lock

        def put():
            with cond:
                state[0] += 1
                cond.notify()

        def take():
            with cond:
                while True:
                    if state[1] == n:
                        return False
                    if state[0] > 0:
                        state[0] -= 1
                        state[1] += 1
                        if state[1] == n:
                            cond.notify_all()
                        return True
                    cond.wait()

        def body(i):
            if i < producers:
                for _ in range(_share(n, producers, i)):
                    put()
            else:
                while take():
                    pass

        return _gang(producers + consumers, body)

    return run


def semaphore_contended(n):
    sem = threading.Semaphore(2)

    def body(i):
        acquire, release = sem.acquire, sem.release
        for _ in range(_share(n, 4, i)):
            acquire()
            release()

    return _gang(4, body)


def event_broadcast(n):
    waiters = 4
    evs = [threading.Event(), threading.Event()]
    done = threading.Event()
    ran = [0]
    ran_lock = threading.Lock()

    def body(i):
        if i == 0:
            for k in range(n):
                evs[(k + 1) % 2].clear()
                evs[k % 2].set()
                done.wait()
                done.clear()
        else:
            for k in range(n):
                evs[k % 2].wait()
                with ran_lock:
                    ran[0] += 1
                    last = ran[0] % waiters == 0
                if last:
                    done.set()

    return _gang(1 + waiters, body)


def barrier_4(n):
    b = threading.Barrier(4)

    def body(i):
        wait = b.wait
        for _ in range(n):
            wait()

    return _gang(4, body)


def condition_notify_all(n):
    waiters = 8
    cond = threading.Condition()  # over an RLock, Python's default
    back = threading.Condition(cond._lock)
    state = [0, 0]  # generation, ran; guarded by the lock

    def body(i):
        for k in range(1, n + 1):
            with cond:
                if i == 0:
                    state[0], state[1] = k, 0
                    cond.notify_all()
                    while state[1] != waiters:
                        back.wait()
                else:
                    while state[0] != k:
                        cond.wait()
                    state[1] += 1
                    if state[1] == waiters:
                        back.notify()

    return _gang(1 + waiters, body)


# Issue 12's rows (benches/workloads/queue_futures.rs): queue.Queue put->get and
# ThreadPoolExecutor, the same workloads as the Rust ones.
QUEUE_BOUND = 100
EXECUTOR_WORKERS = 4
EXECUTOR_BATCH = 10_000


def _queue(producers, consumers, bounded):
    def run(n):
        q = queue.Queue(QUEUE_BOUND if bounded else 0)
        sums = [0] * consumers

        def body(i):
            if i < producers:
                put = q.put
                for k in range(_share(n, producers, i)):
                    put(k * producers + i)
            else:
                get = q.get
                total = 0
                for _ in range(_share(n, consumers, i - producers)):
                    total += get()
                sums[i - producers] = total

        elapsed = _gang(producers + consumers, body)
        assert sum(sums) == n * (n - 1) // 2, "items lost or duplicated"
        return elapsed

    return run


_executor = None


def _pool():
    """The process's executor, made and warmed up (every worker started) by the first use."""
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(EXECUTOR_WORKERS)
        for f in [_executor.submit(_identity, i) for i in range(EXECUTOR_WORKERS * 64)]:
            f.result()
    return _executor


def _identity(x):
    return x


def executor_round_trip(n):
    submit = _pool().submit
    t0 = now()
    for i in range(n):
        submit(_identity, i).result()
    return now() - t0


def executor_throughput(n):
    submit = _pool().submit
    t0 = now()
    left = n
    while left > 0:
        batch = min(left, EXECUTOR_BATCH)
        fs = [submit(_identity, i) for i in range(batch)]
        for f in fs:
            f.result()
        left -= batch
    return now() - t0


WORKLOADS = {
    "lock": lock,
    "rlock": rlock,
    "event_pingpong": event_pingpong,
    "condition_pingpong": condition_pingpong,
    "wake_latency": wake_latency,
    "semaphore": semaphore,
    "barrier": barrier,
    "thread_start_join": thread_start_join,
    **{f"lock_contended_{t}": _increments(threading.Lock, t) for t in (2, 4, 8)},
    **{f"rlock_contended_{t}": _increments(threading.RLock, t) for t in (2, 4, 8)},
    **{f"condition_queue_{p}x{c}": _condition_queue(p, c) for p, c in ((1, 1), (1, 3), (3, 3))},
    # CPython's counts are always objects of their own, apart from the lock.
    "condition_queue_1x1_apart": _condition_queue(1, 1),
    "semaphore_contended": semaphore_contended,
    "event_broadcast": event_broadcast,
    "barrier_4": barrier_4,
    "condition_notify_all": condition_notify_all,
    **{f"queue_{p}x{c}_{'bounded' if b else 'unbounded'}": _queue(p, c, b)
       for p, c in ((1, 1), (4, 4)) for b in (True, False)},
    "executor_round_trip": executor_round_trip,
    "executor_throughput": executor_throughput,
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
