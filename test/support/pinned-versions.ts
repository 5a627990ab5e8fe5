// The exact version of everything the tests download from the npm registry on first use: the runtimes
// that built libraries run in, and the browser. Raised here on purpose, one runtime at a time, after
// `npm run test:runtimes:latest` has run the matrix against the newest releases: a release published
// overnight never changes what `npm test` runs.

/** The runtime matrix: npm package versions of node-<platform>-<arch>, @oven/bun-* and @deno/*. */
export const RUNTIME_VERSIONS = {
  node18: '18.20.8',
  node20: '20.20.2',
  node22: '22.23.5',
  node24: '24.22.3',
  node26: '26.12.1',
  bun: '1.4.5',
  deno: '2.9.6',
} as const

export type RuntimeName = keyof typeof RUNTIME_VERSIONS

/**
 * @sparticuz/chromium: Chromium 153 as a headless shell, for machines without a Chromium of their own.
 * Its own code wants Node 22.17, but only its binary is used (support/chromium.ts unpacks it). Keep it
 * close to the Chromium that playwright-core is made for: with 143, setOffline no longer reached
 * navigator.onLine.
 */
export const CHROMIUM_PACKAGE_VERSION = '153.0.0'
