import { forBundler, unplugin } from './plugin/index.js'

/** popylar for vite: `plugins: [popylar('G-XXXXXXXXXX')]` */
export default forBundler(unplugin.vite)
