import { webpack } from './plugin/adapters.js'

/** popylar for webpack: `plugins: [popylar('G-XXXXXXXXXX')]` */
export default webpack
