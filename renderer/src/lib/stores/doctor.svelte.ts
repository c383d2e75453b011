// The last doctor report, kept across screen switches so the check runs once unless asked.
import type { DoctorReport, Failure } from '../api/contract.ts';
import { failureOf } from '../api/failure.ts';
import { locale } from '../i18n/locale.svelte.ts';
import { api } from './session.svelte.ts';

class DoctorStore {
  report = $state.raw<DoctorReport | null>(null);
  failure = $state.raw<Failure | null>(null);
  running = $state(false);

  async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      this.report = await api().invoke('doctor:run', { lang: locale.lang });
      this.failure = null;
    } catch (err) {
      this.failure = failureOf(err);
    } finally {
      this.running = false;
    }
  }
}

export const doctor = new DoctorStore();
