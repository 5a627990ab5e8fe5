import { defineConfig } from 'tsdown'

export default defineConfig([
  {
    entry: ['src/index.ts', 'src/plugin/index.ts', 'src/vite.ts', 'src/webpack.ts', 'src/esbuild.ts', 'src/rollup.ts', 'src/rspack.ts', 'src/rolldown.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    platform: 'node',
    target: 'node20',
    clean: true,
    outputOptions: { exports: 'auto' },
  },
  {
    entry: { cli: 'src/cli/index.ts' },
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    clean: false,
  },
])
