// Reads a Markdown document the way a test needs it: per heading, its tables and its fenced code blocks.

export interface Section {
  heading: string
  /** Each table as rows of cells (header row and separator left out). */
  tables: string[][][]
  codeBlocks: Array<{ language: string; text: string }>
}

/** The line under a table's header: | --- | :-: |, with or without spaces. */
const TABLE_RULE = /^\|\s*:?-{3,}/

export function markdownSections(text: string): Section[] {
  const sections: Section[] = [{ heading: '', tables: [], codeBlocks: [] }]
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    const section = sections[sections.length - 1]!
    const fence = /^```(\w*)/.exec(line)
    if (fence) {
      const body: string[] = []
      while (++i < lines.length && !lines[i]!.startsWith('```')) body.push(lines[i]!)
      section.codeBlocks.push({ language: fence[1]!, text: body.join('\n') })
    } else if (/^#+ /.test(line)) {
      sections.push({ heading: line.replace(/^#+ /, ''), tables: [], codeBlocks: [] })
    } else if (line.startsWith('|') && TABLE_RULE.test(lines[i + 1] ?? '')) {
      const rows: string[][] = []
      for (i += 2; i < lines.length && lines[i]!.startsWith('|'); i++)
        rows.push(
          lines[i]!.slice(1, -1)
            .split('|')
            .map((cell) => cell.trim()),
        )
      i--
      section.tables.push(rows)
    }
  }
  return sections
}

/** The one section whose heading matches. */
export function section(sections: Section[], heading: RegExp): Section {
  const found = sections.filter((item) => heading.test(item.heading))
  if (found.length !== 1) throw new Error(`expected one section matching ${heading}, found ${found.length}`)
  return found[0]!
}

/** The first column's `code` names of a table; rows that name no single code span are left out. */
export function codeNames(rows: string[][]): string[] {
  return rows.map((row) => /^`([^`]+)`$/.exec(row[0] ?? '')?.[1]).filter((name): name is string => name !== undefined)
}
