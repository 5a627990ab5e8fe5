// A tiny static file server on 127.0.0.1, as a web developer uses to look at a webpack build, with
// optional response headers for HTML pages (a Content-Security-Policy) and extra pages given as text.
import { readFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, sep } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
}

export interface StaticServer {
  url: string
  /** Serves `html` at `path` (e.g. '/csp.html'), sent with `headers`. */
  page(path: string, html: string, headers?: Record<string, string>): void
  close(): Promise<void>
}

export async function serveStatic(root: string): Promise<StaticServer> {
  const pages = new Map<string, { html: string; headers: Record<string, string> }>()
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://static.invalid').pathname)
    const page = pages.get(path)
    if (page) {
      res.writeHead(200, { 'content-type': TYPES['.html']!, 'cache-control': 'no-store', ...page.headers })
      return res.end(page.html)
    }
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path))
    if (!file.startsWith(normalize(root + sep))) return res.writeHead(403).end()
    try {
      const body = await readFile(file)
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      })
      res.end(body)
    } catch {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    page: (path, html, headers = {}) => void pages.set(path, { html, headers }),
    close: () => {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
