// How a program on Node, Bun or Deno describes itself to GA4. GA4 fills its browser, OS and device
// dimensions from a browser's user agent and client hints (gtag), or from the device the Measurement
// Protocol names; a request without them has them "(not set)". So, as Angular CLI's and Nx's collectors do,
// the user agent has a Chrome's shape, here the Chrome whose V8 the runtime reports, on the real OS family,
// with the runtime's own name and version after it; the client hints name the runtime as a brand. Nothing in
// it that the event's parameters do not say already, but the OS version people know their system by.
import { builtinOrGlobal, denoGranted, type ServerHost } from './host.js'

/** What a runtime says of itself: its user agent, and the facts behind it, which each protocol puts its own way. */
export interface ClientDescription {
  userAgent: string
  /** Node.js, Bun or Deno. */
  runtime: string
  version: string
  /** The Chrome whose V8 the runtime runs. */
  chrome: number
  /** The OS family, as client hints name it. */
  os: string
  osVersion: string
  arch: string
}

const RUNTIME_NAMES = { node: 'Node.js', bun: 'Bun', deno: 'Deno' }

/** The client hints' platform, and the platform part of Chrome's user agent (which is the same on every version). */
const PLATFORMS: Record<string, [string, string]> = {
  win32: ['Windows', 'Windows NT 10.0; Win64; x64'],
  darwin: ['macOS', 'Macintosh; Intel Mac OS X 10_15_7'],
  linux: ['Linux', 'X11; Linux x86_64'],
}

/**
 * The OS version as people know it: macOS's major version (from Darwin's, which its own numbering left at
 * macOS 26), Windows' version and build (10.0.22631: one for every machine on that release). None on Linux,
 * whose kernel release can name a distribution's build, and which Chrome does not give either.
 */
export function platformVersion(platform: string, release: string): string {
  const darwin = Number.parseInt(release, 10)
  if (platform === 'darwin' && darwin >= 20) return String(darwin >= 25 ? darwin + 1 : darwin - 9)
  if (platform === 'darwin' && darwin > 4) return `10.${darwin - 4}`
  if (platform === 'win32') return /^\d+\.\d+\.\d+/.exec(release)?.[0] ?? ''
  return ''
}

/** The OS release, where the runtime gives it without asking: Deno needs the sys permission, or it would prompt. */
function osRelease(host: ServerHost): string {
  if (host.process.platform === 'linux' || !denoGranted('sys')) return ''
  try {
    return builtinOrGlobal<{ release?: () => string }>('os').release?.() ?? ''
  } catch {
    return ''
  }
}

export function describeClient(host: ServerHost): ClientDescription {
  const { platform, arch, versions } = host.process
  const [os, platformToken] = PLATFORMS[platform] ?? ['Unknown', 'X11']
  const runtime = RUNTIME_NAMES[host.kind]
  // V8 x.y ships in Chrome xy.
  const [v8Major, v8Minor] = String(versions.v8).split('.')
  const chrome = Number(v8Major) * 10 + Number(v8Minor)
  return {
    userAgent: `Mozilla/5.0 (${platformToken}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chrome}.0.0.0 Safari/537.36 ${runtime}/${host.version}`,
    runtime,
    version: host.version,
    chrome,
    os,
    osVersion: platformVersion(platform, osRelease(host)),
    arch,
  }
}

/** gtag's User-Agent Client Hints, as gtag.js sends them from navigator.userAgentData. */
export function clientHints({
  arch,
  runtime,
  version,
  chrome,
  os,
  osVersion,
}: ClientDescription): Record<string, string> {
  return {
    uaa: /^(x64|ia32)$/.test(arch) ? 'x86' : arch.replace(/^arm.*/, 'arm'),
    uab: /64/.test(arch) ? '64' : '32',
    uafvl: `${runtime};${version}|Chromium;${chrome}.0.0.0`,
    uamb: '0',
    uap: os,
    uapv: osVersion,
  }
}

/** The Measurement Protocol's device, as Google documents it. */
export function deviceOf({ os, osVersion, runtime, version }: ClientDescription): Record<string, string> {
  return {
    category: 'desktop',
    operating_system: os,
    operating_system_version: osVersion,
    browser: runtime,
    browser_version: version,
  }
}
