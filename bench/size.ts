// Bundle size: the bytes the tracker adds to a library's output, per bundler and format (minified,
// gzipped), and what it adds to a consumer's production browser bundle (the goal there is nothing).
import { transform } from 'esbuild'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { buildLibrary, BUNDLERS, FORMATS, loadPopylar, type Bundler, type Format } from './bundlers.js'
import { buildConsumerApp } from '../test/support/consumer-build.js'
import { BENCH_MEASUREMENT_ID, tmpPath } from './paths.js'
import { writeSmallLibrary } from './small-library.js'

/** No "popylar" in the library's own name: any "popylar" in a consumer's bundle is the tracker's. */
const LIBRARY_NAME = 'size-bench-lib'
const TRACKER_MARK = /popylar/i

export interface FormatSize {
  bundler: Bundler
  format: Format
  plainGzip: number
  trackedGzip: number
  /** trackedGzip - plainGzip */
  addedGzip: number
  addedMinified: number
  error?: string
}

export interface ConsumerSize {
  consumer: Bundler
  library: Bundler
  addedBytes: number
  addedGzip: number
  /** The consumer's bundle still holds tracker code. */
  trackerLeft: boolean
  error?: string
}

async function minifiedOutput(dir: string, format: Format): Promise<string> {
  let text = ''
  for (const name of readdirSync(dir).sort()) {
    if (!/\.[cm]?js$/.test(name)) continue
    // One minifier for every bundler (rollup has none): the difference is the tracker, not the minifier.
    text += (
      await transform(readFileSync(join(dir, name), 'utf8'), {
        minify: true,
        format: format === 'esm' ? 'esm' : undefined,
      })
    ).code
  }
  return text
}

const gzipLength = (text: string) => gzipSync(text).length

export async function measureSizes(
  coreDir: string,
  log: (line: string) => void,
): Promise<{ formats: FormatSize[]; consumers: ConsumerSize[] }> {
  const base = tmpPath('size')
  const root = join(base, 'library')
  const entry = writeSmallLibrary(root, LIBRARY_NAME)
  const formats: FormatSize[] = []
  const esmOutputs = new Map<Bundler, { plain: string; tracked: string }>()
  for (const bundler of BUNDLERS) {
    const popylar = await loadPopylar(coreDir, bundler)
    for (const format of FORMATS[bundler]) {
      const outDirs = {
        plain: join(base, 'out', bundler, format, 'plain'),
        tracked: join(base, 'out', bundler, format, 'tracked'),
      }
      try {
        const texts: Record<string, string> = {}
        for (const variant of ['plain', 'tracked'] as const) {
          // A fresh plugin per build: a plugin instance belongs to one build.
          const plugin =
            variant === 'tracked'
              ? popylar(BENCH_MEASUREMENT_ID, { packageName: LIBRARY_NAME, packageVersion: '1.0.0' })
              : undefined
          await buildLibrary({ bundler, root, entries: { index: entry }, outDir: outDirs[variant], format, plugin })
          texts[variant] = await minifiedOutput(outDirs[variant], format)
        }
        const plainGzip = gzipLength(texts.plain!)
        const trackedGzip = gzipLength(texts.tracked!)
        formats.push({
          bundler,
          format,
          plainGzip,
          trackedGzip,
          addedGzip: trackedGzip - plainGzip,
          addedMinified: texts.tracked!.length - texts.plain!.length,
        })
        if (format === 'esm')
          esmOutputs.set(bundler, {
            plain: join(outDirs.plain, 'index.mjs'),
            tracked: join(outDirs.tracked, 'index.mjs'),
          })
      } catch (error) {
        formats.push({
          bundler,
          format,
          plainGzip: NaN,
          trackedGzip: NaN,
          addedGzip: NaN,
          addedMinified: NaN,
          error: (error as Error).message.split('\n')[0],
        })
      }
    }
    log(
      `  ${bundler}: ${formats
        .filter((f) => f.bundler === bundler)
        .map((f) => `${f.format} +${f.addedGzip} B`)
        .join(', ')}`,
    )
  }

  const consumers: ConsumerSize[] = []
  for (const consumer of BUNDLERS) {
    for (const [library, files] of esmOutputs) {
      try {
        const plain = await buildConsumerApp(consumer, files.plain, join(base, 'consumer', consumer, library, 'plain'))
        const tracked = await buildConsumerApp(
          consumer,
          files.tracked,
          join(base, 'consumer', consumer, library, 'tracked'),
        )
        consumers.push({
          consumer,
          library,
          addedBytes: tracked.length - plain.length,
          addedGzip: gzipLength(tracked) - gzipLength(plain),
          trackerLeft: TRACKER_MARK.test(tracked),
        })
      } catch (error) {
        consumers.push({
          consumer,
          library,
          addedBytes: NaN,
          addedGzip: NaN,
          trackerLeft: false,
          error: (error as Error).message.split('\n')[0],
        })
      }
    }
    const mine = consumers.filter((c) => c.consumer === consumer)
    log(
      `  consumer ${consumer}: ${mine.map((c) => `${c.library} ${c.error ? 'error' : `+${c.addedBytes} B`}`).join(', ')}`,
    )
  }
  return { formats, consumers }
}
