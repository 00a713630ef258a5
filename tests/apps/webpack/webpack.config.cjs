// webpack 5 production build of the example app: webpack recognises
// `new Worker(new URL('./worker.js', import.meta.url))` in the package and in the app, and
// emits each worker as a chunk of its own; the wasm is an asset (`new URL(..., import.meta.url)`).
// The page itself (src/index.html) is copied beside the bundle by the test.
const path = require('path');

module.exports = {
  mode: 'production',
  entry: path.resolve(__dirname, '../src/main.js'),
  output: { path: path.resolve(__dirname, '../dist-webpack'), filename: 'main.js', clean: true },
  performance: { hints: false },
};
