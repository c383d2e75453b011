// Which pages may use the Electron bridge. Requests themselves go through the host-neutral
// session (electron/hosts/session.ts), as they do in browser mode.

/** Only the app's own page, in its main frame, may call the engine. */
export function isTrustedSender(frameUrl: string | undefined, isMainFrame: boolean, appOrigin: string): boolean {
  if (!frameUrl || !isMainFrame) return false;
  try {
    return new URL(frameUrl).origin === appOrigin || frameUrl.startsWith(`${appOrigin}/`);
  } catch {
    return false;
  }
}
