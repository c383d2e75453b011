// Values a lab records in one step and checks in a later one (a Service's nodePort before it is
// recreated). They outlive the process, because a learner may run the steps on different days:
// <dataDir>/labs/state.json, one object per lab.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface RunState {
  get(lab: string, key: string): string | undefined;
  set(lab: string, key: string, value: string): Promise<void>;
  /** Forgets one lab's values (its cleanup ran), or every lab's. */
  clear(lab?: string): Promise<void>;
}

type Store = Record<string, Record<string, string>>;

export class MemoryRunState implements RunState {
  protected store: Store = {};

  get(lab: string, key: string): string | undefined {
    return this.store[lab]?.[key];
  }

  async set(lab: string, key: string, value: string): Promise<void> {
    this.store[lab] = { ...(this.store[lab] ?? {}), [key]: value };
    await this.persist();
  }

  async clear(lab?: string): Promise<void> {
    if (lab === undefined) this.store = {};
    else delete this.store[lab];
    await this.persist();
  }

  protected async persist(): Promise<void> {
    // memory only
  }
}

export class FileRunState extends MemoryRunState {
  private constructor(private readonly file: string) {
    super();
  }

  static async open(dataDir: string): Promise<FileRunState> {
    const state = new FileRunState(join(dataDir, 'labs', 'state.json'));
    try {
      const parsed = JSON.parse(await readFile(state.file, 'utf8')) as unknown;
      if (parsed && typeof parsed === 'object') state.store = parsed as Store;
    } catch {
      // no file yet, or a damaged one: start empty (the values are re-recorded by re-running a step)
    }
    return state;
  }

  protected override async persist(): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    // write-then-rename: a crash never leaves half a file behind
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(this.store, null, 2)}\n`);
    await rename(tmp, this.file);
  }
}
