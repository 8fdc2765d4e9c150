// Response helpers. Every response carries headers that keep a page from running anything the
// dashboard did not ship: a strict Content-Security-Policy (own scripts only, no inline script),
// nosniff, no framing, no referrer.
import type { ServerResponse } from 'node:http';

/** The dashboard page: its own bundled script and styles; uPlot sets inline styles through the CSSOM. */
export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Anything else (JSON, SVG, downloads, the static HTML report, which has inline CSS and no script). */
export const DATA_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function baseHeaders(contentType: string, csp = DATA_CSP): Record<string, string> {
  return {
    'content-type': contentType,
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  };
}

/** Sends a body (omitted for HEAD) with the headers above. */
export function send(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  contentType: string,
  extra: Record<string, string> = {},
  csp?: string,
): void {
  const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...baseHeaders(contentType, csp), 'content-length': String(buf.length), ...extra });
  res.end(res.req.method === 'HEAD' ? undefined : buf);
}

export function sendJson(res: ServerResponse, value: unknown, status = 200): void {
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');
}

export function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, { error: message }, status);
}
