// Entry of the text the plugin inlines: __POPYLAR_CONFIG__ is replaced by the resolved options.
import { trackImport } from './track-import.js'
import type { InjectedConfig } from './types.js'

declare const __POPYLAR_CONFIG__: InjectedConfig
trackImport(__POPYLAR_CONFIG__)
