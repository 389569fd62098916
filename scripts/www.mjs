// `npm run www`: serves the playground (www/) on http://127.0.0.1:$PORT/ (default 8080, 0 for any
// free port), with the package's folder under /vessel-webhooks/ where the page's import map
// points. PACKAGE_DIR picks that folder (default pkg/, built first when pkg/dist is missing);
// the tests serve the package installed from the packed tarball instead.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// Not import.meta.dirname (Node 20.11): `npm run www` runs on any Node 20 (review BS).
const repo = fileURLToPath(new URL('..', import.meta.url));
const www = join(repo, 'www');
const packageDir = resolve(process.env.PACKAGE_DIR ?? join(repo, 'pkg'));
const PACKAGE_PATH = '/vessel-webhooks/';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
};

if (!existsSync(join(packageDir, 'dist'))) {
  if (packageDir !== join(repo, 'pkg')) {
    console.error(`${packageDir} has no dist/: point PACKAGE_DIR at a built package`);
    process.exit(1);
  }
  execFileSync('bash', [join(repo, 'scripts/build.sh')], { stdio: 'inherit' });
}

/** The file a URL path names inside `root`, or undefined for a path that leaves it. */
function within(root, path) {
  let decoded;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined; // malformed %-escapes
  }
  const file = normalize(join(root, decoded));
  return file.startsWith(root + sep) ? file : undefined;
}

async function respond(request, response) {
  const { pathname } = new URL(request.url, 'http://localhost');
  const file = pathname.startsWith(PACKAGE_PATH)
    ? within(packageDir, pathname.slice(PACKAGE_PATH.length))
    : within(www, pathname === '/' ? 'index.html' : pathname);
  const type = file && TYPES[extname(file)];
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD' }).end();
  } else if (type && (await stat(file).catch(() => undefined))?.isFile()) {
    const body = await readFile(file);
    response.writeHead(200, {
      'content-type': type,
      'content-length': body.length,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  } else {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
  }
}

const server = createServer((request, response) => {
  // The page's own CSP (a meta tag) cannot forbid framing it: only a header can.
  response.setHeader('content-security-policy', "frame-ancestors 'none'");
  response.setHeader('x-frame-options', 'DENY');
  respond(request, response).catch((error) => {
    console.error(error);
    if (!response.headersSent) response.writeHead(500);
    response.end();
  });
});
server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  console.log(`Vessel webhook playground: http://127.0.0.1:${server.address().port}/`);
});
