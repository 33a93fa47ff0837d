import { defineConfig } from 'vite';

// The app is plain Preact: JSX compiles to Preact's runtime (see tsconfig.json), no plugin.
// Files land in web/dist with hashed names under /assets/, which the runtime serves immutable.
export default defineConfig({
  root: import.meta.dirname,
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
});
