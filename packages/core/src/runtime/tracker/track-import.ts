// The tracker that the plugin compiles into each entry of a library: it counts one import.
import { enqueue } from './queue.js'
import type { InjectedConfig } from './types.js'

export function trackImport(config: InjectedConfig): void {
  enqueue({ ...config, time: Date.now() }, `${config.measurementId} ${config.packageName}`)
}
