// The tracker that the plugin compiles into each entry of a library: it counts one import.
import { clip } from './ga4-rules.js'
import { enqueue } from './queue.js'
import type { InjectedConfig } from './types.js'

export function trackImport(config: InjectedConfig): void {
  try {
    const { packageName, packageVersion } = config
    enqueue(
      {
        measurementId: config.measurementId,
        apiSecret: config.apiSecret,
        endpoint: config.endpoint,
        event: { name: config.event, params: { ...config.params, package_name: clip(packageName), package_version: clip(packageVersion) } },
        packageName,
        consent: config.consent,
        ci: config.ci,
        notice: config.notice,
        time: Date.now(),
      },
      config.measurementId + ' ' + packageName,
    )
  } catch {}
}
