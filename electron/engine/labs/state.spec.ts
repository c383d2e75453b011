import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileRunState } from './state.ts';

describe('FileRunState', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('persists recorded values per lab and forgets a lab on clear', async () => {
    dir = await mkdtemp(join(tmpdir(), 'kindlab-state-'));
    const a = await FileRunState.open(dir);
    await a.set('nodeport', 'firstNodePort', '31234');
    await a.set('loadbalancer', 'ip', '172.18.200.100');
    const b = await FileRunState.open(dir);
    expect(b.get('nodeport', 'firstNodePort')).toBe('31234');
    await b.clear('nodeport');
    expect(JSON.parse(await readFile(join(dir, 'labs', 'state.json'), 'utf8'))).toEqual({ loadbalancer: { ip: '172.18.200.100' } });
  });
});
