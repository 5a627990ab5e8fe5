// Runs a webpack or rspack compiler once, as their CLIs do.

export interface CompilerLike {
  run(callback: (error: Error | null, stats?: StatsLike) => void): void
  close(callback: (error?: Error | null) => void): void
}
interface StatsLike {
  hasErrors(): boolean
  toString(options: unknown): string
}

/** Runs a compiler once; rejects with the errors that the build reports. */
export function runCompiler(compiler: CompilerLike): Promise<StatsLike> {
  return new Promise((resolve, reject) => {
    compiler.run((error, stats) => {
      compiler.close(() => {
        if (error) return reject(error)
        if (stats!.hasErrors())
          return reject(new Error(stats!.toString({ all: false, errors: true, errorDetails: true })))
        resolve(stats!)
      })
    })
  })
}
