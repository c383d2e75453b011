import { describe, expect, it } from 'vitest';
import { EXAMPLE_VARS, computeLabVars, renderTemplate, variablesIn } from './vars.ts';

describe('lab variables', () => {
  it('derives the book-like ranges from a /16 kind network', () => {
    expect(EXAMPLE_VARS.pool01First).toBe('172.18.200.100');
    expect(EXAMPLE_VARS.staticIP).toBe('172.18.200.110');
    expect(EXAMPLE_VARS.buggyPoolRange).toBe('172.18.203.254-172.18.204.1');
    expect(EXAMPLE_VARS.ingressDashed).toBe('127-0-0-1');
  });

  it('leaves the extra ranges empty on a network too small for them', () => {
    const v = computeLabVars({
      plan: { subnet: '10.89.0.0/24', gateway: '10.89.0.1', pools: [{ name: 'pool-01', addresses: ['10.89.0.200-10.89.0.225'] }] },
      ingressAddress: '192.168.1.20',
      clusterName: 'lab',
    });
    expect(v.workerNode).toBe('lab-worker');
    expect(v.pool01First).toBe('10.89.0.200');
    expect(v.scopedPoolRange).toBeNull();
    expect(v.ingressDashed).toBe('192-168-1-20');
  });

  it('fills placeholders and refuses unknown or empty ones', () => {
    expect(renderTemplate('host: webserver.{{ ingressDashed }}.nip.io', EXAMPLE_VARS)).toBe('host: webserver.127-0-0-1.nip.io');
    expect(() => renderTemplate('{{nope}}', EXAMPLE_VARS)).toThrow(/nope/);
    expect(() => renderTemplate('{{workerIP}}', { ...EXAMPLE_VARS, workerIP: null })).toThrow(/workerIP/);
    expect(variablesIn('{{a}} {{b}} {{a}}')).toEqual(['a', 'b']);
  });

  it('names the ingress controller the cluster runs: its namespace, Deployment and 404 body', () => {
    expect([EXAMPLE_VARS.ingressController, EXAMPLE_VARS.ingressNamespace, EXAMPLE_VARS.ingressDeployment, EXAMPLE_VARS.ingressNotFound, EXAMPLE_VARS.cni]).toEqual([
      'ingress-nginx',
      'ingress-nginx',
      'ingress-nginx-controller',
      '404 Not Found',
      'calico',
    ]);
    const t = computeLabVars({ plan: { subnet: '172.19.0.0/16', gateway: null, pools: [] }, ingressAddress: '127.0.0.1', clusterName: 'c', cni: 'kube-router', ingress: 'traefik' });
    expect([t.ingressController, t.ingressNamespace, t.ingressDeployment, t.ingressNotFound, t.cni]).toEqual(['traefik', 'traefik', 'traefik', '404 page not found', 'kube-router']);
  });
});
