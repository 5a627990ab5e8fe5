import popylar from '@popylar/core/esbuild'

export type { PopylarOptions } from '@popylar/core/plugin'
export default popylar
