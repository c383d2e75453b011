import { describe, expect, it } from 'vitest';
import { describeAction, describeStep } from './describe.ts';
import { sayer } from './say.ts';
import { lab, step } from '../../../test/fakes/engine/labs/harness.ts';
import { EXAMPLE_VARS } from './vars.ts';

describe('describeStep', () => {
  const l = lab('loadbalancer', [
    step('static', {
      bookNote: { en: 'The book uses the old annotation prefix.', zh: '书中使用旧的注解前缀。' },
      requiresVar: ['staticIP'],
      actions: [{ run: 'kubectl get svc nginx-lb -o wide' }, { wait: { apiVersion: 'v1', kind: 'Service', name: 'nginx-lb', condition: 'loadBalancerIP' } }],
      checks: [{ id: 'ip', type: 'service', namespace: 'default', name: 'nginx-lb', loadBalancer: { address: '{{staticIP}}' } }],
    }),
  ]);

  it('puts the book note on top as a callout and renders the cluster values', () => {
    const v = describeStep(l, 0, EXAMPLE_VARS, 'en');
    expect(v.markdown.startsWith('> **Differs from the book:** The book uses the old annotation prefix.')).toBe(true);
    expect(v.markdown).toContain('See cluster01-worker.');
    expect(v.checks[0]).toEqual({ id: 'ip', type: 'service', description: 'Service default/nginx-lb: external IP 172.18.200.110' });
    expect(v.actions.map((a) => a.kind)).toEqual(['command', 'wait']);
    expect(v.actions[0]?.command).toBe('kubectl get svc nginx-lb -o wide');
    expect(v.actions[1]?.description).toBe('Wait until Service default/nginx-lb has a LoadBalancer address (at most 180 s)');
  });

  it('says when a step needs a value this cluster lacks', () => {
    const v = describeStep(l, 0, { ...EXAMPLE_VARS, staticIP: null }, 'zh');
    expect(v.markdown).toContain('> **与书中不同：**');
    expect(v.markdown).toContain('当前集群不可用');
    expect(v.markdown).toContain('staticIP');
    expect(v.checks[0]?.description).toContain('staticIP');
  });

  it('describes records and manifest deletes', () => {
    expect(describeAction({ record: { key: 'k', service: { namespace: 'default', name: 's', port: 80 }, field: 'nodePort' } }, EXAMPLE_VARS, sayer('en'))).toEqual({
      kind: 'command',
      description: 'Remember the nodePort of Service default/s (port 80) as k',
    });
    expect(describeAction({ deleteManifest: 'manifests/a.yaml' }, EXAMPLE_VARS, sayer('en'))).toMatchObject({ kind: 'delete', file: 'manifests/a.yaml' });
  });
});
