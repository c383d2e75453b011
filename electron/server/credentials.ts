// The token in the URL that `kindlab serve` prints, and the cookie it is exchanged for.
//
// The token is good once: the first visit with it gets an HttpOnly cookie and the token is spent,
// so a URL left in a terminal's scrollback, a shell history or a screenshot opens nothing later.
// The same browser keeps working through its cookie (opening the URL again there just drops the
// token from the address bar); another browser needs a new URL, which a restart of `kindlab
// serve` prints. The cookie holds a second secret, not the token.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export type Exchange = 'issued' | 'spent' | 'wrong';

function same(a: string | undefined | null, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class Credentials {
  private spent = false;
  /**
   * Cookies ignore ports, so two servers on one machine (or two tunnels) must not share a cookie
   * name: it is derived from the secret, which also keeps it stable across a restart given the
   * same secret.
   */
  readonly cookieName: string;

  constructor(
    readonly token: string = randomBytes(24).toString('hex'),
    readonly secret: string = randomBytes(32).toString('hex'),
  ) {
    this.cookieName = `kindlab_${createHash('sha256').update(secret).digest('hex').slice(0, 12)}`;
  }

  /** A visit with `?token=`: the first right one is issued the cookie, later ones are spent. */
  exchange(fromUrl: string | null): Exchange {
    if (!same(fromUrl, this.token)) return 'wrong';
    if (this.spent) return 'spent';
    this.spent = true;
    return 'issued';
  }

  setCookieHeader(): string {
    return `${this.cookieName}=${this.secret}; HttpOnly; SameSite=Strict; Path=/`;
  }

  /** The request carries this server's cookie. */
  hasCookie(cookieHeader: string | undefined): boolean {
    for (const part of (cookieHeader ?? '').split(';')) {
      const at = part.indexOf('=');
      if (at > 0 && part.slice(0, at).trim() === this.cookieName && same(part.slice(at + 1).trim(), this.secret)) return true;
    }
    return false;
  }
}
