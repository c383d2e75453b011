// Lab text → what the step view shows. Markdown is rendered by marked and sanitized by DOMPurify
// (no scripts, no event handlers, no raw HTML: HTML in the source is shown as text). Code blocks
// come out as their own segments so the view can give them real buttons: ```bash blocks can be
// run in the terminal, every block can be copied.
import DOMPurify from 'dompurify';
import { Marked, type Token, type TokensList } from 'marked';

export type Segment = { kind: 'html'; html: string } | { kind: 'code'; lang: string; code: string; runnable: boolean };

const RUNNABLE_LANGS: ReadonlySet<string> = new Set(['bash', 'sh', 'shell', 'zsh']);

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Link and image targets a lab may use; anything else (javascript:, data:, file:) is dropped. */
export function safeUrl(href: string): boolean {
  const h = href.trim().toLowerCase();
  return /^(https?:|mailto:)/.test(h) || /^[#/.]/.test(h) || !/^[a-z][a-z0-9+.-]*:/.test(h);
}

// Two layers: this renderer never emits raw HTML or unsafe URLs, and DOMPurify cleans the result.
const marked = new Marked({
  gfm: true,
  renderer: {
    html: (token) => escapeHtml(token.text),
    link(token) {
      const text = this.parser.parseInline(token.tokens);
      if (!safeUrl(token.href)) return text;
      const title = token.title ? ` title="${escapeHtml(token.title)}"` : '';
      return `<a href="${escapeHtml(token.href)}"${title}>${text}</a>`;
    },
    image(token) {
      if (!safeUrl(token.href)) return escapeHtml(token.text);
      return `<img src="${escapeHtml(token.href)}" alt="${escapeHtml(token.text)}">`;
    },
  },
});

let hooked = false;
function purifier(): typeof DOMPurify {
  if (!hooked) {
    hooked = true;
    // Links open outside the app (Electron's window-open handler hands http(s) to the browser).
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A' && node.getAttribute('href')) {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      }
    });
  }
  return DOMPurify;
}

export function sanitize(html: string): string {
  return purifier().sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form', 'input', 'button', 'iframe'], FORBID_ATTR: ['style'] });
}

export function renderSegments(markdown: string): Segment[] {
  const tokens = marked.lexer(markdown);
  const segments: Segment[] = [];
  let pending: Token[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const list = Object.assign(pending, { links: tokens.links }) as TokensList;
    const html = sanitize(marked.parser(list));
    if (html.trim()) segments.push({ kind: 'html', html });
    pending = [];
  };
  for (const token of tokens) {
    if (token.type === 'code') {
      flush();
      const lang = (token.lang ?? '').trim().split(/\s+/)[0]?.toLowerCase() ?? '';
      segments.push({ kind: 'code', lang, code: token.text, runnable: RUNNABLE_LANGS.has(lang) });
    } else {
      pending.push(token);
    }
  }
  flush();
  return segments;
}

/**
 * What "Run in terminal" types: each command line followed by Enter, comments and blank lines
 * dropped, backslash continuations kept together (the shell joins them).
 */
export function terminalInput(code: string): string {
  const lines = code.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  return lines.map((l) => `${l}${l.trimEnd().endsWith('\\') ? '\n' : '\r'}`).join('');
}
