// The last doctor report, kept across screen switches so the check runs once unless asked. Its
// words come in both languages: a switch of language redraws it without running it again.
import type { DoctorReport, Failure } from '../api/contract.ts';
import { failureOf } from '../api/failure.ts';
import { api } from './session.svelte.ts';

class DoctorStore {
  report = $state.raw<DoctorReport | null>(null);
  failure = $state.raw<Failure | null>(null);
  running = $state(false);

  async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      this.report = await api().invoke('doctor:run', {});
      this.failure = null;
    } catch (err) {
      this.failure = failureOf(err);
    } finally {
      this.running = false;
    }
  }
}

export const doctor = new DoctorStore();
