// The generated module that every entry imports: the minified tracker and the resolved constants.
import type { InjectedConfig } from '../runtime/types.js'
import { trackerCode } from './tracker-code.generated.js'

/** What entries import. No colon: webpack would take it for a URL scheme. */
export const TRACKER_ID = 'popylar-tracker'
/** Rollup's convention for ids no other plugin should touch. */
export const RESOLVED_TRACKER_ID = '\0popylar-tracker'

/**
 * Stands for process.env.NODE_ENV until the library's bundle is written: the author's bundler may
 * define NODE_ENV, but the consumer's must, so that a production browser bundle drops the tracker.
 * Same length as the text that replaces it, so source maps stay exact.
 */
export const NODE_ENV_PLACEHOLDER = '__POPYLAR_NODE_ENV__'
export const NODE_ENV_EXPRESSION = 'process.env.NODE_ENV'

/** JSON that is also safe anywhere in JS or inside an HTML <script>. */
export function safeLiteral(value: unknown): string {
  return JSON.stringify(value).replace(/[<>\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))
}

/**
 * The module text. Guarded so that: a consumer's production build removes the whole block (its bundler
 * replaces NODE_ENV with "production"); Deno is asked nothing it has not granted; nothing ever throws.
 */
export function trackerModule(config: InjectedConfig): string {
  const tracker = trackerCode[config.apiSecret ? 'measurementProtocol' : 'gtag'].replace('__POPYLAR_CONFIG__', () => safeLiteral(config))
  return (
    `try{if((typeof Deno!="object"||Deno.permissions.querySync({name:"env"}).state=="granted")&&"production"!==${NODE_ENV_PLACEHOLDER}){${tracker}}}catch(e){}\n`
  )
}

/** Replaces the placeholder in bundled output; returns the positions replaced. */
export function placeholderPositions(code: string): number[] {
  const positions: number[] = []
  for (let at = code.indexOf(NODE_ENV_PLACEHOLDER); at !== -1; at = code.indexOf(NODE_ENV_PLACEHOLDER, at + 1)) positions.push(at)
  return positions
}

export function replacePlaceholder(code: string): string {
  return code.split(NODE_ENV_PLACEHOLDER).join(NODE_ENV_EXPRESSION)
}
