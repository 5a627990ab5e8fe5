import { forBundler, unplugin } from './plugin/index.js'

/** popylar for esbuild: `plugins: [popylar('G-XXXXXXXXXX')]` */
export default forBundler(unplugin.esbuild)
