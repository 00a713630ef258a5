// A JS thread's target (main.ts): the library's objects arrive as its arguments.
import type { Lock, Event } from 'pythreading-web';

export function task(lock: Lock, done: Event, n: number): void {
  using held = (lock.acquire(), lock);
  void held;
  if (n > 0) done.set();
}
