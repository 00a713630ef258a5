// Output of the demo programs: every thread (the page's program worker and the pool workers)
// posts its lines on one BroadcastChannel, which the page listens to.
const channel = new BroadcastChannel('pythreading-demo');

export function emit(example, thread, line) {
  channel.postMessage({ example, thread, line, t: performance.timeOrigin + performance.now() });
}
