// The package's worker factory: `new Worker(new URL('./worker.js', import.meta.url), ...)` with a
// literal path, the pattern bundlers (Vite, webpack 5) recognise: they emit worker.js as an entry
// of its own, with its own copy of the glue. Without a bundler the browser loads the file beside
// this one. Handed to the library's runtime by index.js and worker.js.
export function createWorker(name) {
  return new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name });
}

// The script's URL, for error messages only. Built from parts so that bundlers do not take it
// for a second reference to the file (they would copy it as a plain asset); in a bundle it
// names where the unbundled file would be.
createWorker.scriptUrl = () => new URL(['.', 'worker.js'].join('/'), import.meta.url).href;

// Announced before the glue and the library's runtime evaluate (index.js imports this file
// first), so that the runtime, seeing a package entry coming, does not also prewarm a spawner
// from its own URL that the registration would replace (one worker load saved at start-up).
globalThis[Symbol.for('pythreading.workerEntry')] = true;
