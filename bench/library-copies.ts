// Copies of one built library at distinct paths, so that each import is a first import, and under
// distinct package names, so that the tracker counts each as a package it has not seen yet.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'

/** The package name the library is built with; copies replace it with a name of the same length. */
export const NAME_PLACEHOLDER = 'popylar-bench-copy-000000'

export function copyName(index: number): string {
  return `popylar-bench-copy-${String(index).padStart(6, '0')}`
}

/** Writes the file at dest; when index is given, with its package name changed to copyName(index). */
export function copyLibrary(source: string, dest: string, index?: number): void {
  if (index === undefined) {
    copyFileSync(source, dest)
    return
  }
  writeFileSync(dest, readFileSync(source, 'utf8').split(NAME_PLACEHOLDER).join(copyName(index)))
}
