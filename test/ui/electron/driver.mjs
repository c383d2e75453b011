// Runs the built Electron host (out/main.js, out/preload.cjs) against the stand-in `electron`
// and checks the wiring: window options, the app:// protocol with its CSP, the IPC contract,
// event relay, link handling and shutdown. Prints one JSON line; exits 1 on the first failure.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const stub = await import('./stub.mjs');
const rec = stub.recorded;
const checks = [];
const check = (name, fn) => checks.push([name, fn]);

await import(`${root}out/main.js`);
const until = async (cond, what) => {
  const end = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
await until(() => rec.windows.length === 1 && rec.ipcHandlers.has('kindlab:invoke'), 'the window and the IPC handler');
const win = rec.windows[0];
const invoke = rec.ipcHandlers.get('kindlab:invoke');
const trusted = { sender: win.webContents, senderFrame: win.webContents.mainFrame };

check('the window is sandboxed and isolated, with the preload beside main.js', () => {
  const wp = win.options.webPreferences;
  assert.equal(wp.contextIsolation, true);
  assert.equal(wp.sandbox, true);
  assert.equal(wp.nodeIntegration, false);
  assert.equal(wp.webviewTag, false);
  assert.match(wp.preload, /out[\\/]preload\.cjs$/);
  assert.equal(rec.sandboxEnabled, true);
  assert.equal(win.loaded, 'kindlab://app/index.html');
  assert.deepEqual(rec.schemes.map((s) => [s.scheme, s.privileges.secure, s.privileges.standard]), [['kindlab', true, true]]);
});

check('app:// serves the built UI with a strict CSP and nothing outside it', async () => {
  const handler = rec.protocolHandlers.get('kindlab');
  const index = await handler(new Request('kindlab://app/index.html'));
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-security-policy'), /default-src 'self'; script-src 'self'/);
  assert.match(await index.text(), /<div id="app">/);
  const escape = await handler(new Request('kindlab://app/..%2f..%2fpackage.json'));
  assert.equal(escape.status, 404);
});

check('the contract answers over IPC as envelopes (engine bundled, labs found)', async () => {
  const info = await invoke(trusted, 'app:info', undefined);
  assert.equal(info.ok, true);
  assert.equal(info.result.version, '0.1.0-smoke');
  const labs = await invoke(trusted, 'labs:list', {});
  assert.equal(labs.ok, true);
  assert.ok(labs.result.labs.length >= 6, `labs found: ${labs.result.labs.length}, problems: ${JSON.stringify(labs.result.problems).slice(0, 300)}`);
  const detail = await invoke(trusted, 'lab:get', { id: 'services', lang: 'zh' });
  assert.equal(detail.ok, true);
  assert.equal(detail.result.lang, 'zh');
  const bad = await invoke(trusted, 'shell:exec', { cmd: 'id' });
  assert.deepEqual([bad.ok, bad.failure.code], [false, 'bad-input']);
  const missing = await invoke(trusted, 'lab:get', { id: 'no-such-lab', lang: 'en' });
  assert.equal(missing.ok, false);
  // A failure's words are Text: one string, or both languages ({ en, zh }).
  const hint = missing.failure.hint;
  assert.ok((typeof hint === 'string' ? hint : hint.en).length > 0, JSON.stringify(hint));
});

check('other frames and pages are refused', async () => {
  const fromFrame = await invoke({ sender: win.webContents, senderFrame: { url: 'kindlab://app/index.html' } }, 'app:info', undefined);
  assert.equal(fromFrame.ok, false);
  const fromWeb = await invoke({ sender: win.webContents, senderFrame: Object.assign(win.webContents.mainFrame, { url: 'https://evil.example/' }) }, 'app:info', undefined);
  win.webContents.mainFrame.url = 'kindlab://app/index.html';
  assert.equal(fromWeb.ok, false);
});

check('window.open is denied; web links go to the system browser, others nowhere', () => {
  const handler = win.webContents.windowOpenHandler;
  assert.deepEqual(handler({ url: 'https://kind.sigs.k8s.io/' }), { action: 'deny' });
  assert.deepEqual(handler({ url: 'file:///etc/passwd' }), { action: 'deny' });
  assert.deepEqual(rec.opened, ['https://kind.sigs.k8s.io/']);
  let prevented = false;
  win.webContents.emit('will-navigate', { preventDefault: () => (prevented = true) }, 'https://example.com/');
  assert.equal(prevented, true);
  prevented = false;
  win.webContents.emit('will-navigate', { preventDefault: () => (prevented = true) }, 'kindlab://app/index.html#/labs');
  assert.equal(prevented, false);
  const allowed = [];
  rec.permissionHandler(null, 'clipboard-sanitized-write', (ok) => allowed.push(ok));
  rec.permissionHandler(null, 'media', (ok) => allowed.push(ok));
  assert.deepEqual(allowed, [true, false]);
});

check('the preload exposes exactly {invoke, subscribe} and rethrows failures as data', async () => {
  const src = readFileSync(`${root}out/preload.cjs`, 'utf8');
  let exposed = null;
  const listeners = [];
  const electron = {
    contextBridge: { exposeInMainWorld: (name, api) => (exposed = { name, api }) },
    ipcRenderer: {
      invoke: async (_ch, channel) => (channel === 'cluster:up' ? { ok: false, failure: { code: 'port-in-use', message: 'port 80 is taken', hint: 'Stop the server on port 80' } } : { ok: true, result: 42 }),
      on: (_ch, fn) => listeners.push(fn),
      removeListener: (_ch, fn) => listeners.splice(listeners.indexOf(fn), 1),
    },
  };
  const module = { exports: {} };
  new Function('require', 'module', 'exports', src)((id) => (id === 'electron' ? electron : assert.fail(`preload required ${id}`)), module, module.exports);
  assert.equal(exposed.name, 'kindlab');
  assert.deepEqual(Object.keys(exposed.api).sort(), ['invoke', 'subscribe']);
  assert.equal(await exposed.api.invoke('app:info', undefined), 42);
  const err = await exposed.api.invoke('cluster:up', {}).catch((e) => e);
  assert.match(err.message, /^kindlab-failure:\{"code":"port-in-use"/);
  const got = [];
  const off = exposed.api.subscribe((e) => got.push(e));
  listeners[0]({ sender: 'hidden' }, { event: 'op', payload: { opId: 'x' } });
  off();
  assert.deepEqual(got, [{ event: 'op', payload: { opId: 'x' } }]);
  assert.equal(listeners.length, 0);
});

check('quitting shuts the engine down first', async () => {
  let prevented = false;
  stub.app.emit('before-quit', { preventDefault: () => (prevented = true) });
  assert.equal(prevented, true);
  await until(() => rec.quitCalls > 0, 'app.quit after shutdown');
});

const results = [];
for (const [name, fn] of checks) {
  try {
    await fn();
    results.push({ name, ok: true });
  } catch (err) {
    results.push({ name, ok: false, error: String(err?.stack ?? err).split('\n').slice(0, 6).join('\n') });
  }
}
console.log(JSON.stringify(results));
process.exit(results.every((r) => r.ok) ? 0 : 1);
