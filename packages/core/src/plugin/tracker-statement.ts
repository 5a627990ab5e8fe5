// The statement written into every entry chunk: the minified tracker and the resolved constants.
import type { InjectedConfig } from '../runtime/types.js'
import { trackerCode } from './tracker-code.generated.js'

/** JSON that is also safe anywhere in JS or inside an HTML <script>. */
export function safeLiteral(value: unknown): string {
  return JSON.stringify(value).replace(/[<>\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))
}

/**
 * Deno asks (or throws) before a program reads the environment, so this check comes before NODE_ENV.
 * Pure: once a consumer's production build has made the whole condition false, its minifier drops this too.
 * The try keeps SWC (rspack) from inlining the function, which would lose the pure mark and keep the probe.
 */
const DENO_ENV_GRANTED = '/*#__PURE__*/(()=>{try{return typeof Deno!="object"||Deno.permissions.querySync({name:"env"}).state=="granted"}catch(e){}})()'

/**
 * One statement, guarded so that: a consumer's production build removes it whole (its bundler replaces
 * NODE_ENV with "production", which also means a Node program run with NODE_ENV=production is not
 * counted); Deno is asked nothing it has not granted; nothing ever throws.
 */
export function trackerStatement(config: InjectedConfig): string {
  // A function replacer: a "$&" in a package name must stay text.
  const tracker = trackerCode[config.apiSecret ? 'measurementProtocol' : 'gtag'].replace('__POPYLAR_CONFIG__', () => safeLiteral(config))
  return `try{if(${DENO_ENV_GRANTED}&&"production"!==process.env.NODE_ENV){${tracker}}}catch(e){}`
}
