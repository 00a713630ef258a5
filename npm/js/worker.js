// The package's worker script (see spawn.js): every worker of the browser thread pool runs it.
// It imports the glue by a relative path, instantiates it on the module and memory it is sent,
// and hands over to the library's runtime, which runs the worker's role (spawner or thread).
import { initSync, __pythreading_serve } from './pythreading_web.js';
import { createWorker } from './spawn.js';

self.onmessage = ({ data }) => {
  self.onmessage = null;
  try {
    initSync({ module: data.module, memory: data.memory });
  } catch (err) {
    const reason = `the module could not be instantiated in a worker: ${err}`;
    postMessage(data.role === 'pythreading-spawner' ? { failed: reason } : { lost: reason });
    return;
  }
  __pythreading_serve(data, createWorker);
};
