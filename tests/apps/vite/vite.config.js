// Vite (dev server and production build) for the example app. The two headers make the page
// cross-origin isolated (SharedArrayBuffer); the dev server sends them itself, a production
// server must too. `optimizeDeps.exclude` keeps Vite's dev server from pre-bundling the package
// into one file, which would lose its wasm and worker script (referenced with
// `new URL(..., import.meta.url)` beside the glue).
import { fileURLToPath } from 'node:url';

const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default {
  root: fileURLToPath(new URL('../src', import.meta.url)),
  build: { outDir: fileURLToPath(new URL('../dist-vite', import.meta.url)), emptyOutDir: true },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['pythreading-web'] },
  server: { headers: isolation, strictPort: true },
  preview: { headers: isolation },
};
