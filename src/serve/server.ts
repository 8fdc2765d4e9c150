// `clab serve`: a local, read-only web app over a run store. It answers GET and HEAD only (no
// endpoint changes anything), binds to 127.0.0.1 unless told otherwise, and then only answers
// requests addressed to a loopback name (a web page elsewhere cannot reach it by DNS rebinding).
import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunStore } from '../runs/index.js';
import { loadAssets, type Asset } from './assets.js';
import { HttpError, PAGE_CSP, baseHeaders, send, sendError, sendJson } from './http.js';
import { LiveFeed, parseWatch } from './live-feed.js';
import { pathSegments } from './paths.js';
import { RunsView } from './runs-view.js';
import { storeStamp } from './store-stamp.js';
import { SuitesView } from './suites-view.js';

/** The port `clab serve` listens on unless told otherwise. */
export const DEFAULT_PORT = 8737;
export const DEFAULT_HOST = '127.0.0.1';

/** The package's experiments/ folder (suite files), from dist/src/serve. */
export const PACKAGE_EXPERIMENTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../experiments');

export interface DashboardOptions {
  /** The run store folder (must exist). */
  root: string;
  /** Address to bind (default 127.0.0.1). Anything but a loopback address exposes every run. */
  host?: string;
  /** Port (default 8737; 0 picks a free one). */
  port?: number;
  /** Folder of suite files for the suites view (default: the package's experiments/). */
  experimentsDir?: string;
  /** How often watched metrics files are checked besides file-system events (ms, default 500). */
  pollMs?: number;
}

export interface Dashboard {
  /** `http://host:port/` */
  url: string;
  host: string;
  port: number;
  /** Ends the live streams, stops listening and closes the store. */
  close(): Promise<void>;
}

/** 127.0.0.0/8, ::1 and localhost: addresses only this machine reaches. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** The host name of a Host header (without the port), lower case. */
function hostName(header: string | undefined): string {
  if (header === undefined) return '';
  const m = /^(\[[^\]]*\]|[^:]*)(?::\d+)?$/.exec(header.trim());
  return (m?.[1] ?? '').toLowerCase();
}

interface Context {
  runs: RunsView;
  suites: SuitesView;
  feed: LiveFeed;
  assets: Map<string, Asset>;
  loopbackOnly: boolean;
}

function sendAsset(res: ServerResponse, asset: Asset | undefined, csp?: string): void {
  if (asset === undefined) throw new HttpError(404, 'not found');
  send(res, 200, asset.body, asset.type, {}, csp);
}

function download(res: ServerResponse, file: string, name: string): void {
  const size = fs.statSync(file).size;
  const type = name.endsWith('.jsonl') ? 'application/x-ndjson; charset=utf-8' : 'application/json; charset=utf-8';
  res.writeHead(200, {
    ...baseHeaders(type),
    'content-length': String(size),
    'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
  });
  if (res.req.method === 'HEAD') res.end();
  else fs.createReadStream(file, { start: 0, end: Math.max(0, size - 1) }).pipe(res);
}

async function route(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(
      res,
      405,
      JSON.stringify({ error: 'the dashboard is read-only: GET and HEAD only' }),
      'application/json; charset=utf-8',
      { allow: 'GET, HEAD' },
    );
    return;
  }
  if (ctx.loopbackOnly && !isLoopbackHost(hostName(req.headers.host)))
    throw new HttpError(403, 'this dashboard answers only requests to localhost / 127.0.0.1');
  const url = req.url ?? '/';
  if (!url.startsWith('/')) throw new HttpError(404, 'not found');
  const q = url.indexOf('?');
  const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const seg = pathSegments(q < 0 ? url : url.slice(0, q));
  const [a, b, c, d] = seg;
  const n = seg.length;
  if (n === 0 || (n === 1 && a === 'index.html')) return sendAsset(res, ctx.assets.get('index.html'), PAGE_CSP);
  if (a === 'assets' && n === 2 && b !== 'index.html') return sendAsset(res, ctx.assets.get(b!));
  if (a === 'api' && b === 'runs') {
    if (n === 2) return sendJson(res, ctx.runs.list());
    if (n === 3) return sendJson(res, ctx.runs.detail(c!));
    if (n === 4 && d === 'metrics') return sendJson(res, ctx.runs.metrics(c!));
    if (n === 4 && d === 'latent.svg')
      return send(res, 200, await ctx.runs.latentSvg(c!), 'image/svg+xml; charset=utf-8');
  }
  if (a === 'api' && b === 'events' && n === 2) return ctx.feed.attach(req, res, parseWatch(query.get('watch')));
  if (a === 'api' && b === 'suites' && n === 2) return sendJson(res, ctx.suites.list());
  if (a === 'api' && b === 'suite' && n === 2)
    return sendJson(res, await ctx.suites.detail(query.get('name') ?? '', query.get('preset') ?? ''));
  if (a === 'suite-report' && n === 1)
    return send(
      res,
      200,
      await ctx.suites.reportHtml(query.get('name') ?? '', query.get('preset') ?? ''),
      'text/html; charset=utf-8',
    );
  if (a === 'runs' && c === 'files' && n === 4) return download(res, ctx.runs.file(b!, d!), `${b}-${d}`);
  throw new HttpError(404, 'not found');
}

/**
 * Starts the dashboard over the run store at `options.root`.
 *
 * @example
 * const dash = await startDashboard({ root: 'runs', port: 0 });
 * console.log(`open ${dash.url}`);
 * // … later
 * await dash.close();
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const root = path.resolve(options.root);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory())
    throw new Error(`no run store at ${root} (train a run first, or pass --root)`);
  const host = options.host ?? DEFAULT_HOST;
  const assets = loadAssets();
  const store = new RunStore(root);
  const stamp = (): string => storeStamp(root);
  const runs = new RunsView(store);
  const ctx: Context = {
    runs,
    suites: new SuitesView(store, options.experimentsDir ?? PACKAGE_EXPERIMENTS, stamp),
    feed: new LiveFeed((id) => runs.dirOf(id), stamp, options.pollMs ?? 500),
    assets,
    loopbackOnly: isLoopbackHost(host),
  };
  const server = http.createServer((req, res) => {
    route(ctx, req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.end();
      if (err instanceof HttpError) sendError(res, err.status, err.message);
      else sendError(res, 500, err instanceof Error ? err.message : String(err));
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? DEFAULT_PORT, host, () => resolve());
    });
  } catch (err) {
    store.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/`,
    host,
    port,
    close: async () => {
      ctx.feed.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      store.close();
    },
  };
}
