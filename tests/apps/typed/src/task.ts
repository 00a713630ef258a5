// A JS thread's target (main.ts): the library's objects arrive as its arguments.
import type { Lock, Event } from 'pythreading-web';

export function task(lock: Lock, done: Event, n: number): void {
  using held = (lock.acquire(), lock);
  void held;
  if (n > 0) done.set();
}

// A JS executor's tasks (main.ts): the default export, and a named one.
export default function double(x: number): number {
  return 2 * x;
}

export function square(x: number): number {
  return x * x;
}
