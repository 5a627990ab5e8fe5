import popylar from '@popylar/core/vite'

export type { PopylarOptions } from '@popylar/core/plugin'
export default popylar
