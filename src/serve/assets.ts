// The client's files (built by esbuild into dist/web at `make build`), loaded into memory once:
// a request can only ever get one of these names, never a path on disk.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/web, next to dist/src where this module is compiled to. */
export const ASSETS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json; charset=utf-8',
};

export interface Asset {
  body: Buffer;
  type: string;
}

/** Every file of the assets folder by name; throws naming `make build` when the client was not built. */
export function loadAssets(dir = ASSETS_DIR): Map<string, Asset> {
  if (!fs.existsSync(path.join(dir, 'index.html')))
    throw new Error(`the dashboard's client is not built (no ${path.join(dir, 'index.html')}): run \`make build\``);
  const assets = new Map<string, Asset>();
  for (const name of fs.readdirSync(dir)) {
    const type = TYPES[path.extname(name)];
    if (type === undefined || name.startsWith('.')) continue;
    assets.set(name, { body: fs.readFileSync(path.join(dir, name)), type });
  }
  return assets;
}
