// Vite production build of tests/apps/faults/glue-direct (a start-up fault: the glue bundled
// without the package's worker entry).
import { fileURLToPath } from 'node:url';

export default {
  root: fileURLToPath(new URL('../faults/glue-direct', import.meta.url)),
  build: { outDir: fileURLToPath(new URL('../dist-glue-direct', import.meta.url)), emptyOutDir: true },
};
