// DOMPurify itself is exercised in a real browser by render.chromium.spec.ts: happy-dom's DOM
// does not give DOMPurify the getters it relies on, so sanitizing there proves nothing.
import { describe, expect, it } from 'vitest';
import { renderSegments, safeUrl, terminalInput } from './render.ts';

const htmlOf = (md: string) =>
  renderSegments(md)
    .map((s) => (s.kind === 'html' ? s.html : ''))
    .join('');

describe('renderSegments', () => {
  it('shows raw HTML as text, so no tag or handler from a lab file reaches the page', () => {
    const html = htmlOf(['Hello <script>alert(1)</script> **world**', '', '<img src=x onerror="alert(2)">'].join('\n'));
    const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
    expect(doc.querySelector('script, img, [onerror]')).toBeNull();
    expect(doc.body.textContent).toContain('<script>alert(1)</script>');
    expect(html).toContain('<strong>world</strong>');
  });

  it('drops javascript: links and keeps web links', () => {
    const html = htmlOf('[click](javascript:alert(3)) and [docs](https://kubernetes.io/docs/) ![x](javascript:alert(4))');
    expect(html).not.toMatch(/javascript:/i);
    expect(html).toContain('href="https://kubernetes.io/docs/"');
    expect(safeUrl('JaVaScRiPt:alert(1)')).toBe(false);
    expect(safeUrl('data:text/html,x')).toBe(false);
    expect(safeUrl('#step-2')).toBe(true);
    expect(safeUrl('docs/labs.md')).toBe(true);
  });

  it('turns bash blocks into runnable code segments and other blocks into copy-only ones', () => {
    const md = ['Intro text.', '', '```bash', 'kubectl get pods --show-labels', '```', '', '```yaml', 'kind: Service', '```', '', 'After.'].join('\n');
    const segs = renderSegments(md);
    expect(segs.map((s) => s.kind)).toEqual(['html', 'code', 'code', 'html']);
    expect(segs[1]).toEqual({ kind: 'code', lang: 'bash', code: 'kubectl get pods --show-labels', runnable: true });
    expect(segs[2]).toMatchObject({ lang: 'yaml', runnable: false });
  });

  it('keeps reference links working across segments', () => {
    const md = ['See [the docs][k].', '', '```bash', 'ls', '```', '', '[k]: https://kind.sigs.k8s.io/'].join('\n');
    expect(htmlOf(md)).toContain('https://kind.sigs.k8s.io/');
  });
});

describe('terminalInput', () => {
  it('presses Enter after each command and skips comments and blank lines', () => {
    expect(terminalInput('# look\nkubectl get pods\n\nkubectl get svc\n')).toBe('kubectl get pods\rkubectl get svc\r');
    expect(terminalInput('kubectl run x \\\n  --image nginx')).toBe('kubectl run x \\\n  --image nginx\r');
  });
});
