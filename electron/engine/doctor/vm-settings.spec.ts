import { describe, expect, it } from 'vitest';
import { moreResources } from './vm-settings.ts';

const MEMORY = { en: 'memory', zh: '内存' };

describe('moreResources', () => {
  it('names each engine’s own setting', () => {
    expect(moreResources('docker-desktop', 'darwin', MEMORY).fix.en).toContain('Settings → Resources → Advanced');
    expect(moreResources('docker-desktop', 'win32', MEMORY).fix.en).toContain('.wslconfig');
    expect(moreResources('colima', 'darwin', MEMORY).fixCommands).toEqual(['colima stop', 'colima start --cpu 4 --memory 8']);
    expect(moreResources('podman', 'darwin', MEMORY).fixCommands).toContain('podman machine set --cpus 4 --memory 8192');
    expect(moreResources('rancher-desktop', 'darwin', MEMORY).fixCommands[0]).toMatch(/^rdctl set/);
  });

  it('speaks of the machine itself for native engines, in both languages', () => {
    const advice = moreResources('podman', 'linux', MEMORY);
    expect(advice.fix.en).toContain('this machine’s own memory');
    expect(advice.fix.zh).toContain('本机的内存');
    expect(advice.fixCommands).toEqual([]);
  });
});
