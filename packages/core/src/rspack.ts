import { rspack } from './plugin/adapters.js'

/** popylar for rspack: `plugins: [popylar('G-XXXXXXXXXX')]` */
export default rspack
