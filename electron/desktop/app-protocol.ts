// The renderer is served to the Electron window from a private scheme (kindlab://app/…) rather
// than file://, so it gets a real origin, a strict Content-Security-Policy header and no access
// to the rest of the disk. Pure resolution here; electron/main.ts registers the scheme.
import { normalize, resolve, sep } from 'node:path';
export { contentType } from '../hosts/content-type.ts';

export const APP_SCHEME = 'kindlab';
const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');



/** The file under rendererDir for an app URL, or null when the URL is not ours or escapes the folder. */
export function resolveAppFile(rendererDir: string, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  const root = resolve(rendererDir);
  const file = normalize(resolve(root, `.${path === '/' ? '/index.html' : path}`));
  return file.startsWith(root + sep) ? file : null;
}

/** Links the app may hand to the system browser. */
export function isExternalWebUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}
