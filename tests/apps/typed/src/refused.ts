// What the types must refuse: each line below is a type error, and `@ts-expect-error` makes
// tsc fail if it is not (types that decayed to `any` or `unknown` would accept everything).
import { Lock, Barrier, Condition, TIMEOUT_MAX, RuntimeError, setExcepthook, Thread, Timer, ThreadPoolExecutor } from 'pythreading-web';

export function refused(): void {
  // @ts-expect-error: a string is not a timeout
  new Lock().acquire(true, 'x');
  // @ts-expect-error: parties is required
  new Barrier();
  // @ts-expect-error: the predicate is a function
  new Condition().waitFor(true);
  // @ts-expect-error: TIMEOUT_MAX is a number
  const s: string = TIMEOUT_MAX;
  void s;
  // @ts-expect-error: the error classes are constructors of Errors, not of strings
  const m: string = new RuntimeError('x');
  void m;
  // @ts-expect-error: the hook takes a function
  setExcepthook(42);
  // @ts-expect-error: a Thread made in JS needs options with a target
  new Thread({ args: [] });
  // @ts-expect-error: a Timer's interval is a number
  new Timer('1', { target: 'x.js' });
  // @ts-expect-error: a task's target is a module URL or { target, export }, not a number
  new ThreadPoolExecutor().submit(5);
  // @ts-expect-error: maxWorkers is a number
  new ThreadPoolExecutor({ maxWorkers: '2' });
  // @ts-expect-error: a Future's timeout is a number
  new ThreadPoolExecutor().submit('t.js').result('x');
}
