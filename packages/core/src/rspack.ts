import { forBundler, unplugin } from './plugin/index.js'

/** popylar for rspack: `plugins: [popylar('G-XXXXXXXXXX')]` */
export default forBundler(unplugin.rspack)
