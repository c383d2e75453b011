// The table tier 5 prints (and writes as JSON for the README): one row per stage and phase, with
// seconds and how it ended. A stage that fails marks the run failed and the run goes on where it can.
export interface Row {
  stage: string;
  phase: string;
  seconds: number;
  result: string;
}

export class Table {
  readonly rows: Row[] = [];
  failed = false;

  add(row: Row): void {
    this.rows.push(row);
  }

  fail(stage: string, why: string): void {
    this.failed = true;
    process.stderr.write(`✗ ${stage}: ${why}\n`);
  }

  print(): void {
    const w = Math.max(...this.rows.map((r) => r.stage.length), 5);
    const p = Math.max(...this.rows.map((r) => r.phase.length), 10);
    console.log(`\n${'stage'.padEnd(w)}  ${'phase'.padEnd(p)}  ${'seconds'.padStart(8)}  result`);
    for (const r of this.rows) console.log(`${r.stage.padEnd(w)}  ${r.phase.padEnd(p)}  ${r.seconds.toFixed(1).padStart(8)}  ${r.result}`);
  }

  /** The total of a stage, or of the first stage whose name starts with `prefix`. */
  total(stage: string): number | undefined {
    return this.rows.find((r) => r.phase === '(total)' && r.stage === stage)?.seconds;
  }
}
