// The Electron host: one window showing the renderer, the engine in this process, and the
// contract relayed over IPC. Thin on purpose: everything it does beyond wiring lives in
// electron/desktop/ (tested without Electron) and electron/engine/.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, type IpcMainInvokeEvent, app, dialog, ipcMain, protocol, session, shell } from 'electron';
import type { EventEnvelope } from './api.ts';
import { APP_ORIGIN, APP_SCHEME, APP_URL, CSP, contentType, isExternalWebUrl, resolveAppFile } from './desktop/app-protocol.ts';
import { isTrustedSender } from './desktop/ipc-bridge.ts';
import { readLoginShellPath } from './desktop/login-shell.ts';
import { type Engine, createEngine } from './engine/engine.ts';
import { type EngineConfig, readKindlabEnv } from './engine/env.ts';
import { toFailure } from './engine/errors.ts';
import { detectLang } from './engine/i18n/text.ts';
import { projectRoot } from './engine/root.ts';
import { type SessionHost, createSessionHost } from './hosts/session.ts';
import { failureLines } from './shared/failure-lines.ts';

// The UI that browser mode serves too; the preload is built beside this file (out/preload.cjs).
const RENDERER_DIR = join(projectRoot(), 'dist', 'renderer');
const PRELOAD = fileURLToPath(new URL('./preload.cjs', import.meta.url));

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.enableSandbox();

if (!app.requestSingleInstanceLock()) app.quit();

let engine: Engine | null = null;
let sessions: SessionHost | null = null;
let win: BrowserWindow | null = null;

function serveApp(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppFile(RENDERER_DIR, request.url);
    if (!file) return new Response('not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, { headers: { 'Content-Type': contentType(file), 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff' } });
    } catch {
      const missing = `The UI is not built (${file} is missing). Run: npm run build:ui`;
      return new Response(missing, { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
    }
  });
}

function lockDownSessions(): void {
  // Nothing the page may ask for except writing to the clipboard ("Copy" buttons).
  const allowed = new Set(['clipboard-sanitized-write']);
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(allowed.has(permission)));
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => allowed.has(permission));

  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      if (isExternalWebUrl(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
    contents.on('will-navigate', (event, url) => {
      if (!url.startsWith(`${APP_ORIGIN}/`)) {
        event.preventDefault();
        if (isExternalWebUrl(url)) void shell.openExternal(url);
      }
    });
    contents.on('will-redirect', (event, url) => {
      if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

function createWindow(host: SessionHost): BrowserWindow {
  const window = new BrowserWindow({
    width: 1360,
    height: 900,
    minWidth: 960,
    minHeight: 640,
    title: 'kindlab',
    show: false,
    backgroundColor: '#0f141c',
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
    },
  });
  // One session per page load: a reload or a crash closes the old page's shells and watches.
  const deliver = (event: EventEnvelope) => {
    if (!window.isDestroyed()) window.webContents.send('kindlab:event', event);
  };
  let page = host.open(deliver);
  const newPage = () => {
    void page.close();
    page = host.open(deliver);
  };

  ipcMain.removeHandler('kindlab:invoke');
  ipcMain.handle('kindlab:invoke', (event: IpcMainInvokeEvent, channel: unknown, req: unknown) => {
    const frame = event.senderFrame;
    if (event.sender !== window.webContents || !isTrustedSender(frame?.url, frame === window.webContents.mainFrame, APP_ORIGIN)) {
      return { ok: false, failure: { code: 'bad-input', message: 'request from an untrusted page refused', hint: 'Only the kindlab window may call the engine.' } };
    }
    return page.request(channel, req);
  });

  // A reload or a crashed renderer leaves shells and watches nobody reads: close them.
  window.webContents.on('did-start-navigation', (details) => {
    if (details.isMainFrame && !details.isSameDocument) newPage();
  });
  window.webContents.on('render-process-gone', () => newPage());
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    void page.close();
    win = null;
  });

  void window.loadURL(APP_URL);
  return window;
}

app.on('second-instance', () => {
  if (win) {
    if (win.isMinimized()) win.restore();
    win.focus();
  }
});

app.on('window-all-closed', () => {
  app.quit();
});

let shuttingDown = false;
app.on('before-quit', (event) => {
  if (shuttingDown || !engine) return;
  // Stop running operations (kind, kubectl), watches and shells before the process goes.
  event.preventDefault();
  shuttingDown = true;
  void engine.shutdown().finally(() => app.quit());
});

void app.whenReady().then(async () => {
  serveApp();
  lockDownSessions();
  const loginShellPath = await readLoginShellPath();
  const lang = detectLang(process.env, process.env.KINDLAB_LANG ?? app.getLocale());
  // The KINDLAB_* variables, read and validated once; a wrong one stops the app saying which.
  let config: EngineConfig;
  try {
    config = readKindlabEnv(process.env);
  } catch (err) {
    dialog.showErrorBox('kindlab', failureLines(toFailure(err), lang).join('\n'));
    app.exit(2);
    return;
  }
  engine = createEngine({ lang, config, version: app.getVersion(), ...(loginShellPath ? { loginShellPath } : {}) });
  sessions = createSessionHost(engine);
  win = createWindow(sessions);
  app.on('activate', () => {
    if (!win && sessions) win = createWindow(sessions);
  });
});
