// The one line that tells a person, once per machine, what is sent and how to say no.
import { readConfig, writeConfig, type ConfigRead } from './config-file.js'
import { withConfigLock } from './config-lock.js'
import { isCI } from './consent.js'
import type { ServerHost } from './host.js'

export function noticeText(packageName: string): string {
  return `${packageName} sends one anonymous usage event to its authors (Google Analytics, via popylar). Opt out: npx @popylar/core opt-out ${packageName} (or set DO_NOT_TRACK=1)\n`
}

/** Shows the notice when a person is watching stderr and has not seen it yet; records that it was shown. */
export function showNoticeOnce(host: ServerHost, config: ConfigRead, packageName: string): void {
  const stderr = host.process.stderr
  if (!config.ok || config.data.noticeShown || !stderr.isTTY || isCI(host.env)) return
  try {
    // Written from what the file holds by then: a session or a choice written meanwhile stays.
    const shown = withConfigLock(host, 20, () => {
      const latest = readConfig(host)
      if (!latest.ok || latest.data.noticeShown) return false
      writeConfig(host, { ...latest.data, noticeShown: true })
      return true
    })
    if (shown) stderr.write(noticeText(packageName))
  } catch {}
}
