// A stand-in for the `electron` module, just enough for out/main.js and out/preload.cjs to run
// under plain Node: it records what the host registers so the smoke driver can call it.
import { EventEmitter } from 'node:events';

export const recorded = {
  schemes: [],
  protocolHandlers: new Map(),
  ipcHandlers: new Map(),
  windows: [],
  sent: [],
  opened: [],
  quitCalls: 0,
  sandboxEnabled: false,
  permissionHandler: null,
  contentsCreated: [],
  errorBoxes: [],
  exitCodes: [],
};
globalThis.__electronStub = recorded;

class WebContents extends EventEmitter {
  constructor() {
    super();
    this.mainFrame = { url: 'kindlab://app/index.html' };
    this.windowOpenHandler = null;
  }
  send(channel, payload) {
    recorded.sent.push({ channel, payload });
  }
  setWindowOpenHandler(fn) {
    this.windowOpenHandler = fn;
  }
}

const appEvents = new EventEmitter();
export const app = Object.assign(appEvents, {
  enableSandbox() {
    recorded.sandboxEnabled = true;
  },
  requestSingleInstanceLock: () => true,
  whenReady: () => Promise.resolve(),
  getLocale: () => 'en-US',
  getVersion: () => '0.1.0-smoke',
  quit() {
    recorded.quitCalls++;
  },
  exit(code) {
    recorded.exitCodes.push(code);
  },
});

export const dialog = {
  showErrorBox(title, content) {
    recorded.errorBoxes.push({ title, content });
  },
};

export class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new WebContents();
    this.loaded = null;
    recorded.windows.push(this);
    appEvents.emit('web-contents-created', {}, this.webContents);
  }
  loadURL(url) {
    this.loaded = url;
    return Promise.resolve();
  }
  isDestroyed() {
    return false;
  }
  show() {}
  focus() {}
  restore() {}
  isMinimized() {
    return false;
  }
}

export const ipcMain = {
  handle(channel, fn) {
    recorded.ipcHandlers.set(channel, fn);
  },
  removeHandler(channel) {
    recorded.ipcHandlers.delete(channel);
  },
};

export const protocol = {
  registerSchemesAsPrivileged(schemes) {
    recorded.schemes.push(...schemes);
  },
  handle(scheme, fn) {
    recorded.protocolHandlers.set(scheme, fn);
  },
};

export const session = {
  defaultSession: {
    setPermissionRequestHandler(fn) {
      recorded.permissionHandler = fn;
    },
    setPermissionCheckHandler() {},
  },
};

export const shell = {
  openExternal(url) {
    recorded.opened.push(url);
    return Promise.resolve();
  },
};

export default { app, BrowserWindow, dialog, ipcMain, protocol, session, shell };
