// A small static file server on 127.0.0.1 for the browser tests: serves chosen folders under chosen URL
// prefixes, with the MIME types browsers insist on (application/wasm for streaming compilation,
// text/javascript for modules and workers), and can act as a same-origin reverse proxy in front of KPS.
import { createServer, request } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};

/**
 * Starts serving `mounts` ({ '/pkg/': '/abs/path/pkg', ... }). `hidden` lists URL paths answered with 404,
 * to simulate a deployment that lost a file.
 *
 * `proxy` ({ '/kps': { upstream: 'http://127.0.0.1:8787' } }) forwards every request under a prefix to an
 * upstream origin, the way an app's same-origin proxy reaches KPS: the prefix is stripped, the rest of the path
 * and the query pass byte for byte, method, headers and body pass unchanged, and `Host` becomes the upstream's
 * host:port — what nginx's `location /kps/ { proxy_pass http://upstream/; }` does. With `keepHost: true` the
 * browser's own `Host` is forwarded instead (nginx's `proxy_set_header Host $http_host;`), the misconfiguration
 * that breaks AK/SK signatures. Each forwarded request is appended to `proxied` as { method, path, host }, so a
 * test can show what reached the upstream, or that nothing did.
 *
 * Resolves with { url, proxied, close }.
 */
export async function serveStatic(mounts, { hidden = [], proxy = {} } = {}) {
  const proxied = [];
  const server = createServer(async (req, res) => {
    const rawPath = req.url.split('?')[0];
    const route = Object.keys(proxy).find((p) => rawPath === p || rawPath.startsWith(p + '/'));
    if (route) return forward(req, res, req.url.slice(route.length) || '/', proxy[route], proxied);
    const path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    const prefix = Object.keys(mounts).find((p) => path.startsWith(p));
    if (!prefix || hidden.includes(path)) return notFound(res);
    const root = resolve(mounts[prefix]);
    let file = normalize(join(root, path.slice(prefix.length)));
    if (file !== root && !file.startsWith(root + sep)) return notFound(res);
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': MIME[extname(file)] || 'application/octet-stream' });
      res.end(body);
    } catch {
      notFound(res);
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    proxied,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Sends `req` to `upstream` at `path` (prefix already stripped) and streams the answer back. */
function forward(req, res, path, { upstream, keepHost = false }, proxied) {
  const target = new URL(upstream);
  const host = keepHost ? req.headers.host : target.host;
  proxied.push({ method: req.method, path, host });
  const outgoing = request(
    { hostname: target.hostname, port: target.port, method: req.method, path, headers: { ...req.headers, host } },
    (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    },
  );
  outgoing.on('error', (error) => {
    if (res.headersSent) return res.destroy(error);
    res.writeHead(502, { 'Content-Type': 'text/plain' });
    res.end(`proxy: ${error.message}`);
  });
  req.pipe(outgoing);
}

function notFound(res) {
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  res.end('not found');
}
