// The plainest static host, for checking that dist/ runs anywhere: files under `root` served at
// `basePath` with a Content-Type by extension and no other header (no COOP/COEP, no CSP), as a host
// that cannot set headers would. A folder's index.html answers for it; a folder asked for without
// its trailing slash is redirected to it, as static hosts do.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.jsonl': 'text/plain; charset=utf-8', '.wasm': 'application/wasm', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.txt': 'text/plain; charset=utf-8',
};

export interface StaticServer {
  readonly url: string; // the site's root URL, ending in basePath
  close(): Promise<void>;
}

/** basePath: '/' or a path such as '/some/path/' (leading and trailing slash). */
export function serveStatic(root: string, basePath: string, host: string, port: number): Promise<StaticServer> {
  if (!/^\/(.*\/)?$/.test(basePath)) throw new Error(`serveStatic: basePath must start and end with '/', got ${JSON.stringify(basePath)}`);
  const top = resolve(root);
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    if (`${path}/` === basePath) {
      res.writeHead(301, { Location: basePath });
      return res.end();
    }
    if (!path.startsWith(basePath)) {
      res.writeHead(404);
      return res.end(`not under ${basePath}: ${path}`);
    }
    let file = resolve(join(top, path.slice(basePath.length)));
    let stat = file.startsWith(top) ? statSync(file, { throwIfNoEntry: false }) : undefined;
    if (stat?.isDirectory()) {
      if (!path.endsWith('/')) {
        res.writeHead(301, { Location: `${path}/` });
        return res.end();
      }
      file = join(file, 'index.html');
      stat = statSync(file, { throwIfNoEntry: false });
    }
    if (!stat?.isFile()) {
      res.writeHead(404);
      return res.end(`not found: ${path}`);
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': stat.size });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok({
      url: `http://${host}:${port}${basePath}`,
      close: () => new Promise<void>((done) => server.close(() => done())),
    }));
  });
}
