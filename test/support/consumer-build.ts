// A consumer's production build for the browser: a web app that imports the library, bundled the
// way each bundler bundles an app (process.env.NODE_ENV is "production", minified).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Bundler } from './bundlers.js'
import { runCompiler, type CompilerLike } from './run-compiler.js'

const NODE_ENV = 'process.env.NODE_ENV'

/** Every .js file the build wrote, concatenated: what a visitor's browser downloads. */
function readOutput(dir: string): string {
  let text = ''
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.[cm]?js$/.test(entry.name))
      text += readFileSync(join(entry.parentPath ?? (entry as { path: string }).path, entry.name), 'utf8')
  }
  return text
}

/** Builds an app importing `library` (an ES module file) for the browser, in production; returns the bundle's text. */
export async function buildConsumerApp(bundler: Bundler, library: string, dir: string): Promise<string> {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const main = join(dir, 'main.js')
  // Every export in use, so that no bundler may drop the library itself.
  writeFileSync(
    main,
    `import * as library from ${JSON.stringify(library)}\ndocument.title = Object.values(library).join()\n`,
  )
  const outDir = join(dir, 'dist')
  switch (bundler) {
    case 'vite': {
      const { build } = await import('vite')
      await build({
        root: dir,
        configFile: false,
        logLevel: 'silent',
        mode: 'production',
        build: { outDir, minify: true, rolldownOptions: { input: main }, reportCompressedSize: false },
      })
      break
    }
    case 'webpack':
    case 'rspack': {
      const create: (config: object) => CompilerLike =
        bundler === 'webpack' ? (await import('webpack')).default : (await import('@rspack/core')).rspack
      await runCompiler(
        create({
          mode: 'production',
          context: dir,
          target: 'web',
          entry: main,
          output: { path: outDir },
          performance: { hints: false },
        }),
      )
      break
    }
    case 'esbuild': {
      const { build } = await import('esbuild')
      await build({
        entryPoints: [main],
        bundle: true,
        platform: 'browser',
        format: 'esm',
        minify: true,
        define: { [NODE_ENV]: '"production"' },
        outdir: outDir,
        logLevel: 'silent',
      })
      break
    }
    case 'rollup': {
      // What @rollup/plugin-replace does for an app: rollup itself knows nothing of NODE_ENV.
      const { rollup } = await import('rollup')
      const replaceNodeEnv = {
        name: 'node-env',
        transform: (code: string) => (code.includes(NODE_ENV) ? code.split(NODE_ENV).join('"production"') : null),
      }
      const bundle = await rollup({ input: main, plugins: [replaceNodeEnv], onwarn: () => {} })
      const { output } = await bundle.generate({ format: 'es' })
      await bundle.close()
      // rollup does not minify; an app would add terser or esbuild.
      const { transform } = await import('esbuild')
      mkdirSync(outDir, { recursive: true })
      writeFileSync(join(outDir, 'main.js'), (await transform(output[0].code, { minify: true, format: 'esm' })).code)
      break
    }
    case 'rolldown': {
      const { rolldown } = await import('rolldown')
      const bundle = await rolldown({
        input: main,
        platform: 'browser',
        transform: { define: { [NODE_ENV]: '"production"' } },
        onwarn: () => {},
      } as never)
      await bundle.write({ dir: outDir, format: 'es', minify: true })
      await bundle.close()
      break
    }
  }
  return readOutput(outDir)
}
