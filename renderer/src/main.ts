// Entry point: connect to the engine (Electron preload or browser-mode WebSocket), then mount.
import '@xterm/xterm/css/xterm.css';
import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { createClient } from './lib/api/client.ts';
import { locale } from './lib/i18n/locale.svelte.ts';
import { startSession } from './lib/stores/session.svelte.ts';

startSession(createClient());
locale.applyToDocument();

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
export default mount(App, { target });
