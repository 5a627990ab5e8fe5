// The statement written into every entry chunk: the minified tracker and the resolved constants.
import { stateKey } from '../runtime/stub/shared-state.js'
import type { InjectedConfig } from '../runtime/tracker/types.js'
import { trackerBody } from './tracker-code.generated.js'

/**
 * JSON that is also safe anywhere in JS or inside an HTML <script>, and that holds no "[": webpack's and
 * rspack's BannerPlugin would fill in a filename placeholder such as [name] in an author's param value.
 * Escapes go inside strings only, where they are valid; JSON has "<", ">" and U+2028/9 nowhere else.
 */
export function safeLiteral(value: unknown): string {
  const unicodeEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  return JSON.stringify(value).replace(/"(?:[^"\\]|\\.)*"/g, (string) =>
    string.replace(/[<>[\u2028\u2029]/g, unicodeEscape),
  )
}

/**
 * Deno asks (or throws) before a program reads the environment, so this check comes before NODE_ENV.
 * Pure: once a consumer's production build has made the whole condition false, its minifier drops this too.
 * The try keeps SWC (rspack) from inlining the function, which would lose the pure mark and keep the probe.
 */
const DENO_ENV_GRANTED =
  '/*#__PURE__*/(()=>{try{return typeof Deno!="object"||Deno.permissions.querySync({name:"env"}).state=="granted"}catch(e){}})()'

/**
 * One statement, guarded so that: a consumer's production build removes it whole (its bundler replaces
 * NODE_ENV with "production", which also means a Node program run with NODE_ENV=production is not
 * counted); Deno is asked nothing it has not granted; nothing ever throws.
 * The tracker is a function that only the first copy in a process calls: every later copy hands its
 * import to the tracker the first one registered. Not wrapped in parentheses, so that V8 compiles it
 * only when it is called.
 */
export function trackerStatement(config: InjectedConfig): string {
  const protocol = config.apiSecret ? 'mp' : 'gtag'
  const registered = `(s=globalThis[Symbol.for(${safeLiteral(stateKey(protocol))})])&&s.trackImport`
  return `try{if(${DENO_ENV_GRANTED}&&"production"!==process.env.NODE_ENV){let s;(${registered}||function(){${trackerBody[protocol]}}())(${safeLiteral(config)})}}catch(e){}`
}
