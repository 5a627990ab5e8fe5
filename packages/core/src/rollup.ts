import { forBundler, unplugin } from './plugin/index.js'

/** popylar for rollup: `plugins: [popylar('G-XXXXXXXXXX')]` */
export default forBundler(unplugin.rollup)
