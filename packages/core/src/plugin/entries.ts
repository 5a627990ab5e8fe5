import { isAbsolute, resolve } from 'node:path'

/**
 * Entry paths from a bundler's input option: a string, an array, or an object of names to paths.
 * Virtual ids ("\0...", such as the one @rollup/plugin-multi-entry puts in place of the entries) are no files.
 */
export function entryPaths(root: string, input: unknown): string[] {
  const list =
    typeof input === 'string'
      ? [input]
      : Array.isArray(input)
        ? input
        : input && typeof input === 'object'
          ? Object.values(input)
          : []
  return list
    .filter((item): item is string => typeof item === 'string' && !item.startsWith('\0'))
    .map((item) => (isAbsolute(item) ? item : resolve(root, item)))
}

/** Entry paths from webpack's and rspack's normalized entry option ({ name: { import: [...] } }); none for a function. */
export function webpackEntryPaths(context: string, entry: unknown): string[] {
  if (!entry || typeof entry !== 'object') return []
  return entryPaths(
    context,
    Object.values(entry).flatMap((description) => (description as { import?: string[] } | undefined)?.import ?? []),
  )
}
