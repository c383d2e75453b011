import { describe, expect, it } from 'vitest';
import { clusterState } from './cluster-state.ts';
import type { KindNodeContainer } from './parse.ts';

const node = (cluster: string, role: string, state = 'running'): KindNodeContainer => ({ name: `${cluster}-${role}`, cluster, role, state });

describe('clusterState', () => {
  it('matches the name exactly, never as a substring', () => {
    const s = clusterState('cluster01', ['cluster012'], [node('cluster012', 'control-plane'), node('cluster012', 'worker')]);
    expect(s.listed).toBe(false);
    expect(s.nodes).toEqual([]);
    expect(s.complete).toBe(false);
    expect(s.others).toEqual(['cluster012']);
  });

  it('calls a control-plane plus a worker complete', () => {
    const s = clusterState('cluster01', ['cluster01'], [node('cluster01', 'control-plane'), node('cluster01', 'worker')]);
    expect(s).toMatchObject({ listed: true, complete: true, others: [] });
  });

  it('sees leftovers: labelled containers without a control-plane', () => {
    const s = clusterState('cluster01', ['cluster01'], [node('cluster01', 'worker', 'exited')]);
    expect(s.complete).toBe(false);
    expect(s.nodes.map((n) => n.name)).toEqual(['cluster01-worker']);
  });

  it('works from containers alone when kind could not be asked', () => {
    const s = clusterState('cluster01', null, [node('cluster01', 'control-plane'), node('cluster01', 'worker'), node('kind', 'control-plane')]);
    expect(s).toMatchObject({ listed: false, complete: true, others: ['kind'] });
  });
});
