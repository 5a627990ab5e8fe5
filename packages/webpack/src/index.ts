import popylar from '@popylar/core/webpack'

export type { PopylarOptions } from '@popylar/core/plugin'
export default popylar
