import { defineConfig } from 'tsdown'

// One file: the command, with the core's list of parameters compiled in (no runtime dependency on
// @popylar/core); google-auth-library and chart.js stay dependencies, loaded from node_modules.
export default defineConfig({
  entry: { cli: 'src/cli.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  clean: true,
})
