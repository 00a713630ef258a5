// The page: a typed use of pythreading-web, checked by `tsc --strict` (never run: the
// example app in tests/apps runs in browsers). Every name the package exports that an app
// uses is typed here, so a change to the generated types that breaks apps fails the check.
import init, {
  initThreads,
  setStartTimeout,
  sharedModule,
  Lock,
  RLock,
  Condition,
  Semaphore,
  BoundedSemaphore,
  Event,
  Barrier,
  Thread,
  Timer,
  currentThread,
  mainThread,
  enumerate,
  activeCount,
  getIdent,
  getNativeId,
  stackSize,
  setExcepthook,
  checkThread,
  TIMEOUT_MAX,
  RuntimeError,
  ValueError,
  OverflowError,
  TypeError as PyTypeError,
  BrokenBarrierError,
  Queue,
  Full,
  Empty,
  ShutDown,
  ThreadPoolExecutor,
  Future,
  CancelledError,
  TimeoutError as PyTimeoutError,
} from 'pythreading-web';
import type { InitOutput } from 'pythreading-web';

export async function main(): Promise<string[]> {
  const out: string[] = [];
  const exports: InitOutput = await init({ timeout: 10 });
  void exports;
  setStartTimeout(30);
  await initThreads(4);

  const lock = new Lock();
  const got: boolean = await lock.acquireAsync(1.0);
  if (got) {
    using held = lock; // released at the end of the block: Python's `with lock:`
    out.push(`locked: ${held.locked()}`);
  }
  const rlock = new RLock();
  const owned: boolean = rlock.isOwned();
  const depth: number = rlock.recursionCount();
  out.push(`rlock ${owned} ${depth}`);

  const cond = Condition.withLock(lock);
  const cond2 = Condition.withRLock(rlock);
  await cond.acquireAsync();
  const ready: boolean = await cond.waitForAsync(() => true, 0.5);
  const notified: boolean = await cond.waitAsync(0);
  cond.notify(1);
  cond.notifyAll();
  cond.release();
  out.push(`cond ${ready} ${notified} ${cond2.locked()}`);

  const sem = new Semaphore(2);
  const bsem = new BoundedSemaphore(3);
  const initial: number = bsem.initialValue;
  sem.release(1);
  out.push(`sem ${sem.value()} ${initial} ${await bsem.acquireAsync(null)}`);

  const ev = new Event();
  ev.set();
  out.push(`event ${ev.isSet()} ${await ev.waitAsync(TIMEOUT_MAX)}`);

  const barrier = new Barrier(1, 5);
  const index: number = await barrier.waitAsync();
  out.push(`barrier ${index} ${barrier.parties} ${barrier.nWaiting} ${barrier.broken}`);

  const t: Thread = checkThread(0.05);
  await t.joinAsync(5);
  const ident: number | undefined = t.ident;
  const nativeId: number | undefined = t.nativeId;
  out.push(`thread ${t.name} ${t.isAlive()} ${t.daemon} ${ident !== undefined} ${nativeId !== undefined}`);
  // A JS thread and a Timer: a module's export run on a pool worker.
  const js = new Thread({ target: new URL('./task.ts', import.meta.url), export: 'task', args: [lock, ev, 5], name: 'task', daemon: true });
  js.start();
  js.join(1);
  await js.joinAsync(5);
  const timer = new Timer(0.1, { target: 'task.js', args: [ev] });
  timer.start();
  timer.cancel();
  await timer.joinAsync();
  const timerThread: Thread = timer.thread;
  out.push(`js ${js.isAlive()} ${timer.isAlive()} ${timer.name} ${timerThread.name}`);
  // A queue and a JS executor: tasks are a module's exports, their Futures typed.
  const q = new Queue(2);
  await q.putAsync({ n: 1 });
  const item: unknown = await q.getAsync(1);
  out.push(`queue ${JSON.stringify(item)} ${q.qsize()} ${q.maxsize}`);
  const ex = new ThreadPoolExecutor({ maxWorkers: 2, threadNamePrefix: 'typed' });
  const squared: Future = ex.submit(new URL('./task.ts', import.meta.url), 7);
  const named: Future = ex.submit({ target: 'task.js', export: 'square' }, 8, q);
  const value: unknown = await squared.resultAsync(5);
  const thrown: Error | null = await named.exceptionAsync(5);
  const direct: unknown = named.done() ? named.result(0) : undefined;
  out.push(`futures ${value} ${thrown?.name} ${direct} ${named.running()} ${named.cancelled()} ${named.cancel()}`);
  const workers: Thread[] = ex.threads();
  out.push(`executor ${ex.maxWorkers} ${workers.length}`);
  ex.shutdown(false, true);
  await ex.shutdownAsync();
  const handed: Future = Future.fromHandle(squared.handle());
  void handed;
  const all: Thread[] = enumerate();
  out.push(`threads ${all.length} ${activeCount()} ${currentThread().name} ${mainThread().name}`);
  out.push(`ids ${getIdent()} ${getNativeId()} ${stackSize()} ${stackSize(0)}`);

  setExcepthook(({ excType, excValue, excTraceback, thread }) => {
    const where: string = thread ? thread.name : 'unknown';
    const tb: string = excTraceback ?? '';
    console.log(`${where}: ${excType}: ${excValue ?? ''}${tb ? `\n${tb}` : ''}`);
  });
  setExcepthook(null);

  // The error classes: instanceof narrows to them, and they are Errors.
  try {
    lock.release();
  } catch (e: unknown) {
    if (e instanceof RuntimeError) out.push(`RuntimeError ${e.message}`);
    if (e instanceof BrokenBarrierError) out.push('not this one');
    if (e instanceof Error) out.push(`an Error named ${e.name}`);
  }
  const failing = [
    () => new Semaphore(-1),
    () => lock.acquire(true, 1e300),
    () => stackSize('x' as unknown as number),
    () => q.getNowait(),
    () => new Queue(1).putNowait(1),
    () => squared.result(0),
  ];
  for (const f of failing) {
    try {
      f();
    } catch (e: unknown) {
      const kind =
        e instanceof ValueError ? 'ValueError'
        : e instanceof OverflowError ? 'OverflowError'
        : e instanceof PyTypeError ? 'TypeError'
        : e instanceof Empty ? 'Empty'
        : e instanceof Full ? 'Full'
        : e instanceof ShutDown ? 'ShutDown'
        : e instanceof CancelledError ? 'CancelledError'
        : e instanceof PyTimeoutError ? 'TimeoutError'
        : 'other';
      out.push(kind);
    }
  }

  // Handles cross to the app's own worker.
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  const shared: { module: WebAssembly.Module; memory: WebAssembly.Memory } = sharedModule();
  worker.postMessage({ shared, lock: lock.handle(), event: ev.handle() });
  return out;
}
