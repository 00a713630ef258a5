// A JS thread's target (main.js starts it with `new Thread({ target: new URL('./js-thread.js',
// import.meta.url), args: [lock, event] })`). Bundlers copy a file referenced that way as an
// asset, unprocessed, so a target is self-contained: it imports nothing, and gets the
// library's objects as its arguments (they arrive as objects on the page's state).
export default function jsThread(lock, event, n) {
  lock.acquire();
  lock.release();
  if (n === 42) event.set();
}
