// Plain text tables for the terminal: columns padded to their widest cell, numbers aligned right.

/** Terminal columns a string takes: one per code point (the block characters of sparklines are narrow). */
function width(text: string): number {
  return [...text].length
}

/** A count (1,234) or a share (12%, 3.4%): right-aligned. A version (1.2.3) is not one. */
const NUMERIC = /^\d{1,3}(,\d{3})*(\.\d+)?%?$|^-$/

export function table(header: string[], rows: string[][], indent = '  '): string {
  const all = [header, ...rows]
  const widths = header.map((_, column) => Math.max(...all.map((row) => width(row[column] ?? ''))))
  const rightAligned = header.map(
    (_, column) => rows.length > 0 && rows.every((row) => NUMERIC.test(row[column] ?? '')),
  )
  const line = (row: string[]) =>
    indent +
    row
      .map((cell, column) => {
        const pad = ' '.repeat(widths[column]! - width(cell))
        return rightAligned[column] ? pad + cell : cell + pad
      })
      .join('  ')
      .trimEnd()
  return [line(header), ...rows.map(line)].join('\n')
}
