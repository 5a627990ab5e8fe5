import { esbuild } from './plugin/adapters.js'

/** popylar for esbuild: `plugins: [popylar('G-XXXXXXXXXX')]` */
export default esbuild
