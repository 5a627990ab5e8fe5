// Medians and spreads of alternating A/B samples: the only statistics the report uses.

export function quantile(values: number[], q: number): number {
  if (!values.length) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const at = (sorted.length - 1) * q
  const low = Math.floor(at)
  const high = Math.ceil(at)
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low)
}

export const median = (values: number[]): number => quantile(values, 0.5)

/** A sample summarised: the median and the interquartile range (the spread the report prints). */
export interface Summary {
  n: number
  median: number
  p25: number
  p75: number
}

export function summarise(values: number[]): Summary {
  return { n: values.length, median: median(values), p25: quantile(values, 0.25), p75: quantile(values, 0.75) }
}

/** Baseline A against candidate B, measured in the same run. */
export interface Comparison {
  a: Summary
  b: Summary
  /** median(B) - median(A) */
  difference: number
  /** median(B) / median(A) - 1 */
  ratio: number
}

export function compare(a: number[], b: number[]): Comparison {
  const sa = summarise(a)
  const sb = summarise(b)
  return { a: sa, b: sb, difference: sb.median - sa.median, ratio: sb.median / sa.median - 1 }
}

/**
 * B / A - 1 within each block of four runs back to back (A B, then B A, as alternate() runs them), summarised.
 * The machine's speed drifts over minutes by more than a fast build's few percent, and the second run of a
 * pair can gain from the first's warm caches; within a block neither moves the figure, as both can
 * move median(B) / median(A).
 */
export function blockRatio(a: number[], b: number[]): Summary {
  const ratios: number[] = []
  for (let i = 0; i + 1 < a.length && i + 1 < b.length; i += 2)
    ratios.push((b[i]! + b[i + 1]!) / (a[i]! + a[i + 1]!) - 1)
  return summarise(ratios)
}

/**
 * Runs A and B alternately, `runs` times each; the order flips every pair (ABBA...) so that
 * neither side always runs first, after a warm machine or a cold cache.
 */
export async function alternate<T>(
  runs: number,
  measureA: (i: number) => Promise<T>,
  measureB: (i: number) => Promise<T>,
): Promise<{ a: T[]; b: T[] }> {
  const a: T[] = []
  const b: T[] = []
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      a.push(await measureA(i))
      b.push(await measureB(i))
    } else {
      b.push(await measureB(i))
      a.push(await measureA(i))
    }
  }
  return { a, b }
}
