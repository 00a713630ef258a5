// One "thread" on a fresh Worker, for the comparison in www/bench-worker.js: load the bench
// module on the shared memory (which gives this worker its own stack and TLS), run an empty
// body, free the stack and TLS, report, close.
self.onmessage = async ({ data: [glueUrl, module, memory] }) => {
  try {
    const glue = await import(glueUrl);
    const wasm = glue.initSync({ module, memory });
    glue.freshWorkerBody();
    wasm.__wbindgen_thread_destroy();
    postMessage('done');
  } catch (e) {
    postMessage(`fresh worker failed: ${e}`);
  }
  close();
};
