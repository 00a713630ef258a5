// Output of the demo's examples: every thread (the program worker and its pool workers) posts
// its lines on one BroadcastChannel, which the page listens to.
const channel = new BroadcastChannel('pythreading-demo');

export function emit(example, seq, stream, thread, line) {
  channel.postMessage({ example, seq, stream, thread, line });
}
