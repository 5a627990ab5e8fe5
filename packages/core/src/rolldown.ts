import { forBundler, unplugin } from './plugin/index.js'

/** popylar for rolldown: `plugins: [popylar('G-XXXXXXXXXX')]` */
export default forBundler(unplugin.rolldown)
