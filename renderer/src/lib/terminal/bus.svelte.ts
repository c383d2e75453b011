// How the rest of the UI reaches the terminal dock: "Run in terminal" asks for input to be
// typed; the dock (which owns the xterm and the shell session) attaches and does the typing.
class TerminalBus {
  /** The dock is expanded. */
  open = $state(false);
  private handler: ((input: string) => void) | null = null;
  private pending: string[] = [];

  run(input: string): void {
    this.open = true;
    if (this.handler) this.handler(input);
    else this.pending.push(input);
  }

  attach(handler: (input: string) => void): () => void {
    this.handler = handler;
    for (const input of this.pending.splice(0)) handler(input);
    return () => {
      if (this.handler === handler) this.handler = null;
    };
  }
}

export const terminalBus = new TerminalBus();
