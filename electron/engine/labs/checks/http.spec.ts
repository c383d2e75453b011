import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../kube/client.ts';
import { FakeKubeClient, fixture } from '../../../../test/fakes/engine/labs/fake-kube.ts';
import { FakeTools, type ScriptedRun } from '../../../../test/fakes/engine/labs/fake-tools.ts';
import { checkContext } from '../../../../test/fakes/engine/labs/harness.ts';
import { clusterIP, loadBalancerIP, nodeInternalIP, nodePort, recorded } from '../../../../test/fakes/engine/labs/recorded.ts';
import { httpChecker } from './http.ts';
import { runCheck } from './registry.ts';

type HttpCheck = Parameters<typeof httpChecker.run>[0];
const HOST = 'webserver.127-0-0-1.nip.io';
const FRONTEND_IP = clusterIP('service-nginx-frontend');
const base = { id: 'web', type: 'http' as const, path: '/', expectStatus: 200, viaDns: false, expectNoAnswer: false };
const command = (pod: KubeObject) => (pod.spec as { containers: { command: string[] }[] }).containers[0]?.command ?? [];

function frontendWorld(log: string, exitCode = 0): FakeKubeClient {
  return new FakeKubeClient([...fixture('service-nginx-frontend'), ...fixture('endpointslice-nginx-frontend'), ...fixture('pods-nginx-frontend')]).scriptPods((pod) =>
    command(pod)[0] === 'curl' ? { phase: exitCode === 0 ? 'Succeeded' : 'Failed', exitCode, log } : undefined,
  );
}

const ingressWorld = () =>
  new FakeKubeClient([...fixture('nodes'), ...fixture('ingress-nginx-ingress'), ...fixture('service-nginx-web'), ...fixture('pod-nginx-web'), ...fixture('endpointslice-nginx-web')]);

const docker = (answer: ScriptedRun) => new FakeTools((tool) => (tool === 'docker' ? answer : undefined));

describe('http to a ClusterIP Service (from a pod)', () => {
  const c: HttpCheck = { ...base, target: { service: { namespace: 'default', name: 'nginx-frontend', port: 80 } }, expectBody: 'Welcome to nginx' };

  it('passes on 200 with the body excerpt, curling the ClusterIP from a probe pod', async () => {
    const client = frontendWorld('<html><h1>Welcome to nginx!</h1></html>\n200');
    let cmd: string[] = [];
    client.scriptPods((pod) => {
      cmd = command(pod);
      return undefined;
    });
    const r = await httpChecker.run(c, checkContext(client));
    expect(r.status).toBe('pass');
    expect(cmd).toEqual(['curl', '-sS', '-m', '5', '-o', '-', '-w', '\n%{http_code}', `http://${FRONTEND_IP}:80/`]);
    expect(client.all('Pod')).toHaveLength(3);
  });

  it('refused with Ready endpoints points at the endpoints layer', async () => {
    const r = await httpChecker.run(c, checkContext(frontendWorld(`curl: (7) Failed to connect to ${FRONTEND_IP} port 80 after 2 ms: Couldn't connect to server\n\n000`, 7)));
    expect(r).toMatchObject({ status: 'fail', layer: 'endpoints' });
    expect(r.observed).toContain('connection refused');
  });

  it('a timeout behind a NetworkPolicy that selects the pods points at the policy', async () => {
    const client = frontendWorld('curl: (28) Connection timed out after 5002 milliseconds\n\n000', 28);
    client.add({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny-all', namespace: 'default' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } });
    const r = await httpChecker.run(c, checkContext(client));
    expect(r).toMatchObject({ status: 'fail', layer: 'policy' });
    expect(r.hint).toContain('deny-all');
    const noPolicy = await httpChecker.run(c, checkContext(frontendWorld('curl: (28) Connection timed out\n\n000', 28)));
    expect(noPolicy).toMatchObject({ status: 'fail', layer: 'cni' });
  });

  it('a body that differs is the pod layer', async () => {
    const r = await httpChecker.run(c, checkContext(frontendWorld('It works!\n200')));
    expect(r).toMatchObject({ status: 'fail', layer: 'pod' });
  });
});

describe('http to the ingress (from the kind network)', () => {
  const c: HttpCheck = { ...base, target: { ingress: { port: 80 } }, host: HOST, expectBody: 'Welcome to nginx' };

  it('curls the worker InternalIP with the Host header from a container on the kind network', async () => {
    const tools = docker({ stdout: '<h1>Welcome to nginx!</h1>\n200' });
    const r = await httpChecker.run(c, checkContext(ingressWorld(), { tools }));
    expect(r.status).toBe('pass');
    expect(tools.calls[0]?.args).toEqual(['run', '--rm', '--network', 'kind', 'curlimages/curl:8.22.0', '-sS', '-m', '5', '-o', '-', '-w', '\n%{http_code}', '-H', `Host: ${HOST}`, `http://${nodeInternalIP('cluster01-worker')}:80/`]);
  });

  it('404 from the controller is the ingress layer', async () => {
    const r = await httpChecker.run(c, checkContext(ingressWorld(), { tools: docker({ stdout: '<center>nginx</center>\n404' }) }));
    expect(r).toMatchObject({ status: 'fail', layer: 'ingress' });
    expect(r.hint).toContain('Host header');
  });

  it('no Ingress rule for the host is the ingress layer', async () => {
    const r = await httpChecker.run({ ...c, host: 'other.example' }, checkContext(ingressWorld(), { tools: docker({ stdout: '\n404' }) }));
    expect(r).toMatchObject({ status: 'fail', layer: 'ingress' });
    expect(r.hint).toContain('No Ingress has a rule for host other.example');
  });

  it('a 503 with a backend pod stuck pulling its image names the pod', async () => {
    const client = ingressWorld();
    expect(await client.delete('v1', 'Pod', recorded('pod-nginx-web').metadata.name, 'default')).toBe(true);
    const stuck = fixture('pod-imagepullbackoff')[0] as KubeObject;
    client.add({ ...stuck, metadata: { ...stuck.metadata, name: 'nginx-web-1', labels: { app: 'nginx-web' } } });
    const r = await httpChecker.run(c, checkContext(client, { tools: docker({ stdout: '\n503' }) }));
    expect(r).toMatchObject({ status: 'fail', layer: 'pod' });
    expect(r.observed).toContain('ImagePullBackOff');
  });

  it('a docker failure is the probe, not the learner', async () => {
    const r = await httpChecker.run(c, checkContext(ingressWorld(), { tools: docker({ exitCode: 125, stderr: 'docker: Error response from daemon: network kind not found.' }) }));
    expect(r).toMatchObject({ status: 'fail', layer: 'cluster' });
    expect(r.observed).toContain('network kind not found');
  });
});

describe('http to LoadBalancer and NodePort targets', () => {
  const lbWorld = () => new FakeKubeClient([...fixture('nodes'), ...fixture('service-nginx-lb'), ...fixture('service-nginx-lb-pool02-pending'), ...fixture('events-allocation-failed')]);

  it('uses the LB address, or a node IP and the nodePort', async () => {
    const tools = docker({ stdout: 'Welcome to nginx!\n200' });
    expect((await httpChecker.run({ ...base, target: { loadBalancer: { namespace: 'default', name: 'nginx-lb', port: 80 } } }, checkContext(lbWorld(), { tools }))).status).toBe('pass');
    expect((await httpChecker.run({ ...base, target: { nodePort: { namespace: 'default', name: 'nginx-lb', port: 80, node: 'control-plane' } } }, checkContext(lbWorld(), { tools }))).status).toBe('pass');
    expect(tools.calls.map((c) => c.args.at(-1))).toEqual([`http://${loadBalancerIP('service-nginx-lb')}:80/`, `http://${nodeInternalIP('cluster01-control-plane')}:${nodePort('service-nginx-lb')}/`]);
  });

  it('retries while kube-proxy has not yet programmed a new external IP (refused at first)', async () => {
    let n = 0;
    const tools = new FakeTools((tool) => (tool !== 'docker' ? undefined : ++n <= 2 ? { exitCode: 7, stdout: '\n000', stderr: `curl: (7) Failed to connect to ${loadBalancerIP('service-nginx-lb')} port 80 after 0 ms: Couldn't connect to server` } : { stdout: 'Welcome to nginx!\n200' }));
    const check = { ...base, target: { loadBalancer: { namespace: 'default', name: 'nginx-lb', port: 80 } } };
    const r = await runCheck(check, { ...checkContext(lbWorld(), { tools }), timeoutScale: 0.1 }, true);
    expect(r.status).toBe('pass');
    expect(tools.calls).toHaveLength(3);
  });

  it('gives up within the settle window, with the last observation', async () => {
    const tools = docker({ exitCode: 7, stdout: '\n000', stderr: "curl: (7) Couldn't connect to server" });
    const t0 = Date.now();
    const r = await runCheck({ ...base, target: { loadBalancer: { namespace: 'default', name: 'nginx-lb', port: 80 } } }, { ...checkContext(lbWorld(), { tools }), timeoutScale: 0.1 }, true);
    expect(r.status).toBe('fail');
    expect(r.observed).toContain('connection refused');
    expect(tools.calls.length).toBeGreaterThan(1);
    expect(Date.now() - t0).toBeLessThan(2500);
  });

  it('a pending LoadBalancer is the lb-ip layer, with its events', async () => {
    const r = await httpChecker.run({ ...base, target: { loadBalancer: { namespace: 'default', name: 'nginx-lb-pool02', port: 80 } } }, checkContext(lbWorld()));
    expect(r).toMatchObject({ status: 'fail', layer: 'lb-ip' });
    expect(r.hint).toContain('AllocationFailed');
  });
});

describe('http via DNS (nip.io)', () => {
  let server: http.Server;
  let port = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const ok = req.headers.host === HOST;
      res.writeHead(ok ? 200 : 404).end(ok ? '<h1>Welcome to nginx!</h1>' : 'no rule');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const c = (): HttpCheck => ({ ...base, target: { ingress: { port } }, host: HOST, expectBody: 'Welcome to nginx', viaDns: true });
  const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });

  it('resolves and requests from the host', async () => {
    const r = await httpChecker.run(c(), checkContext(ingressWorld(), { lookup: async () => [{ address: '127.0.0.1', family: 4 }] }));
    expect(r.status).toBe('pass');
    expect(r.hint).toBeUndefined();
    expect(r.observed).toContain('resolves to 127.0.0.1');
  });

  /** A resolver that answers some names and fails the others with `fail`. */
  const resolver = (answers: Record<string, string>, fail: Error = notFound) => async (name: string) => {
    const a = answers[name];
    if (!a) throw fail;
    return [{ address: a, family: 4 }];
  };

  it('passes through the Host-header fallback when rebinding protection eats the answer, and says how to work around it', async () => {
    const lookup = resolver({ '1-1-1-1.nip.io': '1.1.1.1', 'example.com': '93.184.215.14' });
    const r = await httpChecker.run(c(), checkContext(ingressWorld(), { lookup }));
    expect(r).toMatchObject({ status: 'pass', layer: 'dns' });
    expect(r.observed).toMatch(/DNS lookup failed .*fallback/);
    expect(r.hint).toContain(`curl --resolve ${HOST}:${port}:127.0.0.1 http://${HOST}:${port}/`);
    expect(r.hint).toContain(`127.0.0.1 ${HOST}`);
    expect(r.hint).toMatch(/1-1-1-1\.nip\.io resolves but .* rebinding/);
  });

  it('does not blame rebinding protection on a machine without any DNS', async () => {
    const r = await httpChecker.run(c(), checkContext(ingressWorld(), { lookup: resolver({}) }));
    expect(r).toMatchObject({ status: 'pass', layer: 'dns' });
    expect(r.hint).toMatch(/no working DNS: no name resolves, not even example\.com/);
    expect(r.hint).not.toMatch(/rebinding/);
    expect(r.hint).toContain(`curl --resolve ${HOST}:${port}:127.0.0.1`);
  });

  it('names a blocklist when other names resolve but nip.io does not', async () => {
    const r = await httpChecker.run(c(), checkContext(ingressWorld(), { lookup: resolver({ 'example.com': '93.184.215.14' }) }));
    expect(r.hint).toMatch(/blocklist or DNS filter drops nip\.io/);
  });

  it('calls a slow resolver offline, within the 3 s bound', async () => {
    const timeout = Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' });
    const r = await httpChecker.run(c(), checkContext(ingressWorld(), { lookup: () => Promise.reject(timeout) }));
    expect(r).toMatchObject({ status: 'pass', layer: 'dns' });
    expect(r.hint).toMatch(/offline/);
  });

  it('fails at the DNS layer when the name points elsewhere', async () => {
    const r = await httpChecker.run(c(), checkContext(ingressWorld(), { lookup: async () => [{ address: '10.1.2.3', family: 4 }] }));
    expect(r).toMatchObject({ status: 'fail', layer: 'dns' });
  });
});
