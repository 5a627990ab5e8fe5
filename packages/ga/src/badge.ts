// A badge in the flat style of shields.io: a grey label, a coloured value, 20 pixels high. Text widths
// come from Verdana's advance widths at 11 px (the font such badges name first); textLength makes the
// text fit its box exactly in whatever font the viewer has.

/** Advance widths of Verdana at 11 px, in pixels, for printable ASCII from the space (32) to the tilde (126). */
const VERDANA_11 = [
  3.87, 4.33, 5.05, 9.0, 6.99, 11.84, 7.99, 2.95, 4.99, 4.99, 6.99, 9.0, 4.0, 4.99, 4.0, 4.99, 6.99, 6.99, 6.99, 6.99,
  6.99, 6.99, 6.99, 6.99, 6.99, 6.99, 4.99, 4.99, 9.0, 9.0, 9.0, 5.99, 11.0, 7.52, 7.54, 7.68, 8.48, 6.96, 6.32, 8.53,
  8.27, 4.63, 5.0, 7.62, 6.12, 9.27, 8.23, 8.66, 6.63, 8.66, 7.65, 7.52, 6.78, 8.05, 7.52, 10.88, 7.54, 6.77, 7.54,
  4.99, 4.99, 4.99, 9.0, 6.99, 6.99, 6.61, 6.85, 5.73, 6.85, 6.55, 3.87, 6.85, 6.96, 3.02, 3.79, 6.51, 3.02, 10.7, 6.96,
  6.68, 6.85, 6.85, 4.69, 5.73, 4.33, 6.96, 6.51, 9.0, 6.51, 6.51, 5.78, 6.98, 4.99, 6.98, 9.0,
]
/** For characters outside ASCII: about as wide as a capital. */
const WIDE_CHARACTER = 8.5

export function textWidth(text: string): number {
  let width = 0
  for (const char of text) {
    const code = char.codePointAt(0)!
    width += code >= 32 && code <= 126 ? VERDANA_11[code - 32]! : WIDE_CHARACTER
  }
  return Math.round(width * 10) / 10
}

/** 1234 → "1.2k": the few characters a badge has room for. */
export function compactNumber(value: number): string {
  const units: Array<[number, string]> = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ]
  for (const [size, unit] of units) {
    if (value < size) continue
    const scaled = value / size
    const text = scaled < 10 ? scaled.toFixed(1).replace(/\.0$/, '') : Math.round(scaled).toString()
    // 999.6k rounds to "1000k": say 1M instead.
    return text === '1000' && unit !== 'G' ? compactNumber(size * 1000) : `${text}${unit}`
  }
  return String(Math.round(value))
}

export const BADGE_COLORS = { value: '#007ec6', none: '#9f9f9f', label: '#555' } as const

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}

/** The padding on each side of a text, as shields.io's flat badges have it. */
const PADDING = 5
const HEIGHT = 20

export function badgeSvg(label: string, value: string, color: string): string {
  const labelText = textWidth(label)
  const valueText = textWidth(value)
  const labelWidth = Math.round(labelText + 2 * PADDING)
  const valueWidth = Math.round(valueText + 2 * PADDING)
  const width = labelWidth + valueWidth
  const title = escapeXml(`${label}: ${value}`)
  const text = (content: string, center: number, length: number) =>
    `<text x="${center}" y="15" fill="#010101" fill-opacity=".3" textLength="${length}" lengthAdjust="spacingAndGlyphs">${escapeXml(content)}</text>` +
    `<text x="${center}" y="14" textLength="${length}" lengthAdjust="spacingAndGlyphs">${escapeXml(content)}</text>`
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${HEIGHT}" role="img" aria-label="${title}">`,
    `<title>${title}</title>`,
    '<linearGradient id="shine" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>',
    `<clipPath id="round"><rect width="${width}" height="${HEIGHT}" rx="3" fill="#fff"/></clipPath>`,
    '<g clip-path="url(#round)">',
    `<rect width="${labelWidth}" height="${HEIGHT}" fill="${BADGE_COLORS.label}"/>`,
    `<rect x="${labelWidth}" width="${valueWidth}" height="${HEIGHT}" fill="${escapeXml(color)}"/>`,
    `<rect width="${width}" height="${HEIGHT}" fill="url(#shine)"/>`,
    '</g>',
    '<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">',
    text(label, labelWidth / 2, labelText),
    text(value, labelWidth + valueWidth / 2, valueText),
    '</g>',
    '</svg>',
    '',
  ].join('\n')
}

/** The badge of a count over the last 30 days. */
export function usageBadge(label: string, count: number): string {
  return badgeSvg(label, `${compactNumber(count)}/month`, count > 0 ? BADGE_COLORS.value : BADGE_COLORS.none)
}
