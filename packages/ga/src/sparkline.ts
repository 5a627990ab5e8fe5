// A row of numbers as a line of block characters: the shape of a trend in a terminal cell.

const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█']

/** Zero is the lowest block; any other value at least the second, so "a little" never looks like "none". */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values)
  return values
    .map((value) => {
      if (!(value > 0) || max === 0) return BLOCKS[0]
      return BLOCKS[Math.max(1, Math.ceil((value / max) * (BLOCKS.length - 1)))]
    })
    .join('')
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉']

/** A horizontal bar of `fraction` (0 to 1) of `width` cells, to an eighth of a cell. */
export function bar(fraction: number, width: number): string {
  const eighths = Math.round(Math.max(0, Math.min(1, fraction)) * width * 8)
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8]
}
