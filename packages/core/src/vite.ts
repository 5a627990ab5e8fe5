import { vite } from './plugin/adapters.js'

/** popylar for vite: `plugins: [popylar('G-XXXXXXXXXX')]` */
export default vite
