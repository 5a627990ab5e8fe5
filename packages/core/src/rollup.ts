import { rollup } from './plugin/adapters.js'

/** popylar for rollup: `plugins: [popylar('G-XXXXXXXXXX')]` */
export default rollup
