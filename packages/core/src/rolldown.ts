import { rolldown } from './plugin/adapters.js'

/** popylar for rolldown: `plugins: [popylar('G-XXXXXXXXXX')]` */
export default rolldown
