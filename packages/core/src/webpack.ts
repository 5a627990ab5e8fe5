import { forBundler, unplugin } from './plugin/index.js'

/** popylar for webpack: `plugins: [popylar('G-XXXXXXXXXX')]` */
export default forBundler(unplugin.webpack)
