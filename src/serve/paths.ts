// Decoding request paths without ever letting a request name a file outside the store: a path is
// split on '/' first and each segment is decoded on its own, so an encoded '/' or '\' inside a
// segment, a '.' or '..' segment, a NUL byte or a malformed escape never matches a route.
import { HttpError } from './http.js';

/** The decoded segments of a request path; throws 404 for anything that could step out of a folder. */
export function pathSegments(pathname: string): string[] {
  const raw = pathname.split('/').filter((s) => s !== '');
  return raw.map((s) => {
    let seg: string;
    try {
      seg = decodeURIComponent(s);
    } catch {
      throw new HttpError(404, 'not found');
    }
    if (!isSafeName(seg)) throw new HttpError(404, 'not found');
    return seg;
  });
}

/** A single file or folder name: no separators, no NUL, not '.' or '..', not hidden. */
export function isSafeName(name: string): boolean {
  return name !== '' && !name.startsWith('.') && !/[/\\\0]/.test(name) && name.length <= 255;
}

const SUITE_NAME = /^[a-z0-9][a-z0-9._=-]*(\/[a-z0-9][a-z0-9._=-]*)*$/i;

/** A suite name as experiments/ spells them (loss-is-not-enough/table1): segments of safe names. */
export function isSuiteName(name: string): boolean {
  return SUITE_NAME.test(name) && name.split('/').every(isSafeName) && name.length <= 200;
}
