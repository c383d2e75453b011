import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../kube/client.ts';
import { declaresListener, meetsTcp, readTcp } from './tcp-verdict.ts';

const pod = (ports: { name?: string; containerPort: number; protocol?: string }[]): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'db-postgresql-0', namespace: 'sales' },
  spec: { containers: [{ name: 'postgresql', ports }] },
});

describe('reading a TCP probe', () => {
  it('counts a drop as a block on any CNI', () => {
    expect(meetsTcp('blocked', readTcp('blocked', { listener: false, policy: false }))).toBe(true);
  });

  it('counts a refusal as a block only where something listens and a policy is in the way (kube-router rejects)', () => {
    expect(readTcp('refused', { listener: true, policy: true })).toBe('rejected');
    expect(meetsTcp('blocked', 'rejected')).toBe(true);
    // Nothing listens: a refusal is the pod's kernel, whatever the policies say.
    expect(readTcp('refused', { listener: false, policy: true })).toBe('closed');
    expect(meetsTcp('blocked', 'closed')).toBe(false);
    // Something should listen and no policy is in the way: the application is not listening.
    expect(readTcp('refused', { listener: true, policy: false })).toBe('closed');
  });

  it('expects refused only for a closed port, and open only for an answer', () => {
    expect(meetsTcp('refused', 'closed')).toBe(true);
    expect(meetsTcp('refused', 'rejected')).toBe(false);
    expect(meetsTcp('refused', 'dropped')).toBe(false);
    expect(meetsTcp('open', 'open')).toBe(true);
    expect(meetsTcp('open', 'rejected')).toBe(false);
    expect(readTcp('probe-error', { listener: true, policy: true })).toBe('unknown');
    expect(meetsTcp('blocked', 'unknown')).toBe(false);
  });
});

describe('a declared listener', () => {
  it('is a TCP container port on the pod, or the targetPort behind a Service port', () => {
    const db = pod([{ name: 'tcp-postgresql', containerPort: 5432 }, { name: 'udp-thing', containerPort: 5433, protocol: 'UDP' }]);
    expect(declaresListener(db, 5432)).toBe(true);
    expect(declaresListener(db, 5433)).toBe(false);
    expect(declaresListener(db, 5432, [{ port: 5432, targetPort: 'tcp-postgresql' }])).toBe(true);
    expect(declaresListener(db, 80, [{ port: 80, targetPort: 5432 }])).toBe(true);
    expect(declaresListener(db, 80, [{ port: 80, targetPort: 8080 }])).toBe(false);
    expect(declaresListener(db, 81, [{ port: 80, targetPort: 5432 }])).toBe(false);
    expect(declaresListener(undefined, 5432)).toBe(false);
  });
});
