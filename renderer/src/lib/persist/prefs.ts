// Small UI preferences (language, lab progress) that outlive the page. localStorage is per
// origin, and `kindlab serve` picks a new port each time, which would make a learner on a
// headless server lose both at every start; cookies ignore the port, so a cookie mirrors each
// value in browser mode. (The token cookie is HttpOnly and named differently.)
const COOKIE_PREFIX = 'kindlab_ui_';
const YEAR_SECONDS = 365 * 24 * 3600;

function usesCookies(): boolean {
  return typeof document !== 'undefined' && /^https?:$/.test(globalThis.location?.protocol ?? '');
}

export function readCookie(cookies: string, name: string): string | null {
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

export function loadPref(key: string): string | null {
  try {
    const local = globalThis.localStorage?.getItem(`kindlab.${key}`);
    if (local !== null && local !== undefined) return local;
  } catch {
    // storage blocked: try the cookie
  }
  return usesCookies() ? readCookie(document.cookie, COOKIE_PREFIX + key) : null;
}

export function savePref(key: string, value: string): void {
  try {
    globalThis.localStorage?.setItem(`kindlab.${key}`, value);
  } catch {
    // private mode: the cookie (or this page) keeps it
  }
  if (usesCookies()) document.cookie = `${COOKIE_PREFIX}${key}=${encodeURIComponent(value)}; Path=/; Max-Age=${YEAR_SECONDS}; SameSite=Strict`;
}
