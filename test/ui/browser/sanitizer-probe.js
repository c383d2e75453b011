// Runs inside the page after the bundled renderer/src/lib/markdown/render.ts (global
// kindlabMarkdown): renders hostile lab Markdown into the real DOM and reports what got through.
// eslint-disable-next-line no-unused-vars
function runSanitizerProbe() {
  const m = window.kindlabMarkdown;
  const md = 'Hi <script>window.pwned=1</script> <img src=x onerror="window.pwned=2"> [x](javascript:window.pwned=3) **ok**\n\n```bash\nkubectl get pods\n```';
  const segments = m.renderSegments(md);
  const html = segments.map((s) => (s.kind === 'html' ? s.html : '')).join('');
  const direct = m.sanitize('<p onclick="x()">p</p><script>1</script><a href="javascript:alert(1)">a</a><iframe src="https://x"></iframe><svg><script>1</script></svg><a href="https://k8s.io">k</a>');
  const host = document.createElement('div');
  host.innerHTML = html + direct;
  document.body.append(host);
  return {
    html,
    direct,
    scripts: host.querySelectorAll('script, iframe, img').length,
    handlers: [...host.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length,
    jsLinks: [...host.querySelectorAll('a')].filter((a) => (a.getAttribute('href') ?? '').toLowerCase().startsWith('javascript')).length,
    safeLink: host.querySelector('a[href="https://k8s.io"]')?.getAttribute('rel') ?? null,
    pwned: window.pwned ?? 0,
    runnable: segments.filter((s) => s.kind === 'code' && s.runnable).length,
  };
}
