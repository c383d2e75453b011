import { describe, expect, it } from 'vitest';
import { textIn } from '../../shared/text.ts';
import { isCancellation } from '../errors.ts';
import { KubeApiError, type KubeObject } from '../kube/client.ts';
import { CANARY_STATE_KEY, gradesPolicy, runStep } from './runner.ts';
import { MemoryRunState } from './state.ts';
import { FakeKubeClient, fixture } from '../../../test/fakes/engine/labs/fake-kube.ts';
import { FakeTools } from '../../../test/fakes/engine/labs/fake-tools.ts';
import { lab, runnerDeps, step } from '../../../test/fakes/engine/labs/harness.ts';
import { canaryWorld, sessionPod } from '../../../test/fakes/engine/labs/worlds.ts';
import { EXAMPLE_VARS } from './vars.ts';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-frontend
spec:
  replicas: 3
  selector: {matchLabels: {run: nginx-frontend}}
  template:
    metadata: {labels: {run: nginx-frontend}}
    spec:
      containers: [{name: nginx, image: "nginx:1.30.4-alpine"}]
`;
const NAMESPACE = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: sales\n';
const INGRESS = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: nginx-ingress}
spec:
  ingressClassName: nginx
  rules: [{host: "webserver.{{ingressDashed}}.nip.io"}]
`;
const nodePortService = (port: number) => `apiVersion: v1
kind: Service
metadata: {name: nginx-lb}
spec:
  type: NodePort
  selector: {run: nginx-lb}
  ports: [{port: 80, targetPort: 8080, nodePort: ${port}}]
`;
const deploymentExists = { id: 'exists', type: 'object', ref: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'nginx-frontend', namespace: 'default' } };

describe('runStep: actions', () => {
  it('applies a manifest with the lab label and the default namespace', async () => {
    const client = new FakeKubeClient();
    const l = lab('services', [step('deploy', { actions: [{ apply: 'manifests/d.yaml' }], checks: [deploymentExists] })], { 'manifests/d.yaml': DEPLOYMENT });
    const r = await runStep(l, 0, runnerDeps(client));
    expect(r.status).toBe('pass');
    expect(r.actions[0]).toMatchObject({ status: 'done', output: { en: 'deployment/nginx-frontend -n default applied' } });
    const d = client.all('Deployment')[0];
    expect(d?.metadata.namespace).toBe('default');
    expect(d?.metadata.labels).toEqual({ 'kindlab.io/lab': 'services' });
  });

  it('fills variables and retries an Ingress while the admission webhook is not serving', async () => {
    const client = new FakeKubeClient();
    let refusals = 1;
    client.applyError = (o) =>
      o.kind === 'Ingress' && refusals-- > 0
        ? new KubeApiError(500, 'InternalError', 'Internal error occurred: failed calling webhook "validate.nginx.ingress.kubernetes.io": connect: connection refused', 'PATCH', 'ingresses')
        : undefined;
    const l = lab('ingress', [step('ing', { actions: [{ apply: 'manifests/i.yaml' }] })], { 'manifests/i.yaml': INGRESS });
    const deps = runnerDeps(client);
    const r = await runStep(l, 0, deps);
    expect(r.actions[0]?.status).toBe('done');
    expect(JSON.stringify(client.all('Ingress')[0])).toContain('webserver.127-0-0-1.nip.io');
    expect(deps.lines.join('\n')).toMatch(/webhook not ready \(attempt 1\)/);
  });

  it('runs kubectl without a shell, pinned to the lab kubeconfig, and checks the output', async () => {
    const tools = new FakeTools(() => ({ stdout: 'NAME        TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)   AGE\nmysql-web   ClusterIP   10.96.143.7   <none>        80/TCP    5s\n' }));
    const l = lab('dns', [step('svc', { actions: [{ run: 'kubectl get svc -n database', expect: { matches: ['mysql-web\\s+ClusterIP\\s+10\\.96\\.\\d+\\.\\d+'] } }] })]);
    const r = await runStep(l, 0, runnerDeps(new FakeKubeClient(), { tools }));
    expect(r.actions[0]?.status).toBe('done');
    expect(tools.calls[0]).toMatchObject({ tool: 'kubectl', args: ['--kubeconfig', '/data/clusters/cluster01/kubeconfig', 'get', 'svc', '-n', 'database'] });
    expect(tools.calls[0]?.opts).toMatchObject({ allowFailure: true });
  });

  it('refuses a command with a shell metacharacter without running anything', async () => {
    const tools = new FakeTools();
    const l = lab('x', [step('s', { actions: [{ run: 'kubectl get pods' }] })]);
    const action = l.spec.steps[0]?.actions[0];
    if (action && 'run' in action) action.run = 'kubectl get pods | grep web';
    const r = await runStep(l, 0, runnerDeps(new FakeKubeClient(), { tools }));
    expect(r.status).toBe('fail');
    expect(textIn(r.actions[0]?.output, 'en')).toContain('operator |');
    expect(tools.calls).toEqual([]);
  });

  it('fails an action whose expectation does not hold, skips the rest, and still runs the checks', async () => {
    const tools = new FakeTools(() => ({ stdout: 'No resources found in default namespace.\n' }));
    const l = lab('x', [step('s', { actions: [{ run: 'kubectl get pods --show-labels', expect: { contains: ['run=nginx-frontend'] } }, { run: 'kubectl get svc' }], checks: [deploymentExists] })]);
    const r = await runStep(l, 0, runnerDeps(new FakeKubeClient(), { tools }));
    expect(r.actions.map((a) => a.status)).toEqual(['failed', 'skipped']);
    expect(textIn(r.actions[0]?.output, 'en')).toContain('the output does not contain "run=nginx-frontend"');
    expect(r.checks[0]).toMatchObject({ status: 'fail', layer: 'pod' });
    expect(tools.calls).toHaveLength(1);
  });

  it('can be re-run: apply again, AlreadyExists and a missing object to delete are all fine', async () => {
    const client = new FakeKubeClient(fixture('service-nginx-web'));
    let creates = 0;
    const tools = new FakeTools((_tool, args) =>
      args.includes('create') && creates++ > 0 ? { exitCode: 1, stderr: 'Error from server (AlreadyExists): deployments.apps "nginx-web" already exists' } : { stdout: 'deployment.apps/nginx-web created' },
    );
    const l = lab('ingress', [
      step('s', {
        actions: [
          { apply: 'manifests/ns.yaml' },
          { run: 'kubectl create deployment nginx-web --image nginx:1.30.4-alpine', expect: { contains: ['created'] } },
          { delete: { apiVersion: 'v1', kind: 'Service', name: 'nginx-web' } },
          { wait: { apiVersion: 'v1', kind: 'Namespace', name: 'sales', condition: 'exists' } },
        ],
        checks: [{ id: 'ns', type: 'object', ref: { apiVersion: 'v1', kind: 'Namespace', name: 'sales' } }],
      }),
    ], { 'manifests/ns.yaml': NAMESPACE });
    const deps = runnerDeps(client, { tools });
    const first = await runStep(l, 0, deps);
    const second = await runStep(l, 0, deps);
    expect(first.status).toBe('pass');
    expect(second.status).toBe('pass');
    expect(textIn(second.actions[1]?.output, 'en')).toContain('already exists from an earlier run');
    expect(textIn(second.actions[2]?.output, 'en')).toBe('was already gone');
  });

  it('removes a kubectl run --rm pod left over from an interrupted run before running it again', async () => {
    const leftover: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'tmp-shell', namespace: 'productionweb' } };
    const client = new FakeKubeClient([leftover]);
    const tools = new FakeTools(() => ({ stdout: 'search productionweb.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\n' }));
    const l = lab('dns', [
      step('s', {
        actions: [
          {
            run: 'kubectl run tmp-shell -n productionweb --rm -i --restart=Never --image nicolaka/netshoot:v0.15 -- cat /etc/resolv.conf',
            needs: 'dataplane',
            expect: { contains: ['search productionweb.svc.cluster.local svc.cluster.local cluster.local'] },
          },
        ],
      }),
    ]);
    const r = await runStep(l, 0, runnerDeps(client, { tools }));
    expect(r.status).toBe('pass');
    expect(client.calls).toContainEqual({ verb: 'delete', kind: 'Pod', name: 'tmp-shell', namespace: 'productionweb' });
    expect(tools.calls[0]?.args).toContain('--rm');
  });

  it("fills the cluster's values into what a command's output must show", async () => {
    const tools = new FakeTools(() => ({ stdout: 'NAME                       READY   STATUS\ntraefik-5b8787ff58-9qh2q   1/1     Running\n' }));
    const l = lab('ingress', [step('s', { actions: [{ run: 'kubectl get pods -n {{ingressNamespace}}', expect: { contains: ['{{ingressDeployment}}'] } }] })]);
    const vars = { ...EXAMPLE_VARS, ingressNamespace: 'traefik', ingressDeployment: 'traefik' };
    const r = await runStep(l, 0, runnerDeps(new FakeKubeClient(), { tools, vars }));
    expect(r.actions[0]?.status, textIn(r.actions[0]?.output, 'en')).toBe('done');
    expect(tools.calls[0]?.args).toEqual(['--kubeconfig', '/data/clusters/cluster01/kubeconfig', 'get', 'pods', '-n', 'traefik']);
    // With the book's controller the same text fails on the same output: the expectation was rendered.
    const nginx = await runStep(l, 0, runnerDeps(new FakeKubeClient(), { tools }));
    expect(textIn(nginx.actions[0]?.output, 'en')).toContain('the output does not contain "ingress-nginx-controller"');
  });

  it('runs a one-off client pod again (removed first) while its path is not programmed yet', async () => {
    let runs = 0;
    const client = new FakeKubeClient();
    // The first client starts before kube-proxy or the CNI let it through (curl -s prints nothing),
    // and its pod is still there when the next attempt starts.
    const tools = new FakeTools(() => {
      if (runs++ > 0) return { stdout: '<h1>Welcome to nginx!</h1>\npod "tmp-curl" deleted\n' };
      void client.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'tmp-curl', namespace: 'default' } });
      return { stdout: '' };
    });
    const l = lab('services', [step('s', { actions: [{ run: 'kubectl run tmp-curl --rm -i --restart=Never --image curlimages/curl:8.22.0 -- curl -s -m 5 http://nginx-frontend', needs: 'dataplane', expect: { contains: ['Welcome to nginx'] } }] })]);
    // A settle window (15 s × 0.1) wide enough for the first pause of 250 ms.
    const r = await runStep(l, 0, { ...runnerDeps(client, { tools }), timeoutScale: 0.1 });
    expect(r.actions[0]?.status, textIn(r.actions[0]?.output, 'en')).toBe('done');
    expect(runs).toBe(2);
    expect(client.calls.filter((c) => c.verb === 'delete' && c.name === 'tmp-curl')).toHaveLength(1);
  });

  it('waits by watching until a Deployment is available', async () => {
    const client = new FakeKubeClient();
    const l = lab('services', [step('s', { actions: [{ apply: 'manifests/d.yaml' }, { wait: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'nginx-frontend', namespace: 'default', condition: 'available' } }] })], { 'manifests/d.yaml': DEPLOYMENT });
    const run = runStep(l, 0, runnerDeps(client));
    setTimeout(() => {
      const d = client.all('Deployment')[0];
      if (d) client.update({ ...d, status: { observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 } });
    }, 20);
    const r = await run;
    expect(r.actions.map((a) => a.status)).toEqual(['done', 'done']);
  });

  it('reports a wait that runs out, with diagnostics', async () => {
    // A pull that fails on the network may still succeed: the wait runs to its bound.
    const client = new FakeKubeClient(fixture('pod-imagepullbackoff-offline'));
    const l = lab('lb', [step('s', { actions: [{ wait: { apiVersion: 'v1', kind: 'Pod', name: 'nginx-lb', condition: 'ready', timeoutSeconds: 1 } }] })]);
    const r = await runStep(l, 0, runnerDeps(client));
    expect(r.actions[0]?.status).toBe('failed');
    expect(textIn(r.actions[0]?.output, 'en')).toContain('ImagePullBackOff');
    expect(textIn(r.actions[0]?.output, 'en')).toMatch(/pull nginx-lb: docker\.io not reachable — The node could not reach docker\.io/);
    const zh = await runStep(l, 0, runnerDeps(new FakeKubeClient(fixture('pod-imagepullbackoff-offline')), { lang: 'zh' }));
    expect(textIn(zh.actions[0]?.output, 'zh')).toMatch(/秒后仍未完成/);
    expect(textIn(zh.actions[0]?.output, 'zh')).toMatch(/拉取 nginx-lb：无法连接 docker\.io/);
  });

  it('stops a wait at once when the pod\'s image is gone from the registry, with the Bitnami fix', async () => {
    const client = new FakeKubeClient(fixture('pod-imagepullbackoff'));
    const l = lab('lb', [step('s', { actions: [{ wait: { apiVersion: 'v1', kind: 'Pod', name: 'nginx-lb', condition: 'ready', timeoutSeconds: 600 } }] })]);
    const t0 = Date.now();
    const r = await runStep(l, 0, runnerDeps(client));
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(r.actions[0]?.status).toBe('failed');
    const out = textIn(r.actions[0]?.output, 'en');
    expect(out).toContain('default/nginx-lb cannot pull bitnami/nginx:1.29.1: ImagePullBackOff — not found on docker.io');
    expect(out).toMatch(/Bitnami moved its free images to docker\.io\/bitnamilegacy/);
    expect(out).not.toMatch(/秒后仍未完成/);
    const zh = await runStep(l, 0, runnerDeps(new FakeKubeClient(fixture('pod-imagepullbackoff')), { lang: 'zh' }));
    expect(textIn(zh.actions[0]?.output, 'zh')).toMatch(/bitnamilegacy/);
  });

  it('records a nodePort that a later check compares with', async () => {
    const client = new FakeKubeClient();
    const state = new MemoryRunState();
    const l = lab(
      'nodeport',
      [
        step('first', { actions: [{ apply: 'manifests/a.yaml' }, { record: { key: 'firstNodePort', service: { namespace: 'default', name: 'nginx-lb', port: 80 }, field: 'nodePort' } }] }),
        step('recreate', {
          actions: [{ delete: { apiVersion: 'v1', kind: 'Service', name: 'nginx-lb' } }, { apply: 'manifests/b.yaml' }],
          checks: [{ id: 'new-port', type: 'service', namespace: 'default', name: 'nginx-lb', nodePortDiffersFrom: 'firstNodePort' }],
        }),
      ],
      { 'manifests/a.yaml': nodePortService(30080), 'manifests/b.yaml': nodePortService(30081) },
    );
    const first = await runStep(l, 0, runnerDeps(client, { state }));
    expect(textIn(first.actions[1]?.output, 'en')).toBe('firstNodePort = 30080');
    expect(state.get('nodeport', 'firstNodePort')).toBe('30080');
    const second = await runStep(l, 1, runnerDeps(client, { state }));
    expect(second.checks[0]).toMatchObject({ status: 'pass' });
  });

  it('propagates cancellation', async () => {
    const ac = new AbortController();
    const l = lab('x', [step('s', { actions: [{ wait: { apiVersion: 'v1', kind: 'Pod', name: 'never', condition: 'ready' } }] })]);
    const run = runStep(l, 0, runnerDeps(new FakeKubeClient(), { signal: ac.signal }));
    setTimeout(() => ac.abort(), 10);
    expect(isCancellation(await run.catch((e: unknown) => e))).toBe(true);
  });
});

describe('runStep: checks', () => {
  const frontend = () => new FakeKubeClient([...fixture('service-nginx-frontend'), ...fixture('endpointslice-nginx-frontend'), ...fixture('pods-nginx-frontend')]);

  it('skips data-plane checks and commands without a data plane, and still grades the API', async () => {
    const tools = new FakeTools();
    const l = lab('services', [
      step('s', {
        actions: [{ run: 'kubectl run tmp-curl --rm -i --restart=Never --image curlimages/curl:8.22.0 -- curl -s http://nginx-frontend', needs: 'dataplane' }],
        checks: [
          { id: 'pods', type: 'podsReady', namespace: 'default', selector: 'run=nginx-frontend', count: 3 },
          { id: 'web', type: 'http', target: { service: { namespace: 'default', name: 'nginx-frontend', port: 80 } } },
        ],
      }),
    ]);
    const r = await runStep(l, 0, runnerDeps(frontend(), { tools, dataPlane: false }));
    expect(r.status).toBe('pass');
    expect(r.actions[0]).toMatchObject({ status: 'skipped' });
    expect(r.checks.map((c) => c.status)).toEqual(['pass', 'skipped']);
    expect(r.checks[1]?.observed).toMatch(/no data plane/);
    expect(tools.calls).toEqual([]);
  });

  it('skips the later policy checks of a step when the enforcement canary fails', async () => {
    const client = canaryWorld(false, new FakeKubeClient([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sales' } }, ...fixture('pod-db-postgresql-0')]));
    const tcp = (id: string, app: string, expect: string) => ({ id, type: 'tcp', from: { namespace: 'sales', labels: { app } }, to: { pod: { namespace: 'sales', selector: 'app.kubernetes.io/name=postgresql' } }, port: 5432, expect });
    const l = lab('netpol', [step('grade', { checks: [{ id: 'db', type: 'podsReady', namespace: 'sales', selector: 'app.kubernetes.io/name=postgresql' }, { id: 'canary', type: 'policyCanary' }, tcp('frontend-allowed', 'frontend', 'open'), tcp('wrong-denied', 'wrong', 'blocked')] })]);
    const r = await runStep(l, 0, runnerDeps(client));
    expect(r.status).toBe('fail');
    expect(r.checks.map((c) => [c.id, c.status])).toEqual([
      ['db', 'pass'],
      ['canary', 'fail'],
      ['frontend-allowed', 'skipped'],
      ['wrong-denied', 'skipped'],
    ]);
    expect(r.checks[2]?.observed).toMatch(/canary failed/);
    expect(gradesPolicy({ id: 'x', type: 'policyCanary' })).toBe(false);
  });

  describe('a policy step run on its own', () => {
    const tcp = (id: string, app: string, expect: string) => ({ id, type: 'tcp', from: { namespace: 'sales', labels: { app } }, to: { pod: { namespace: 'sales', selector: 'app.kubernetes.io/name=postgresql' } }, port: 5432, expect });
    const netpol = () =>
      lab('netpol', [
        step('canary-step', { checks: [{ id: 'canary', type: 'policyCanary' }] }),
        step('grade', { checks: [{ id: 'db', type: 'podsReady', namespace: 'sales', selector: 'app.kubernetes.io/name=postgresql' }, tcp('wrong-denied', 'wrong', 'blocked')] }),
      ]);
    // The canary as given, and every probe from sales timing out (the policy denies it). Each
    // world is a new cluster, with its own kube-system uid.
    let clusters = 0;
    const world = (enforces: boolean) =>
      canaryWorld(enforces, new FakeKubeClient([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system', uid: `uid-${++clusters}` } }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sales' } }, ...fixture('pod-db-postgresql-0')])).scriptPods((pod) =>
        pod.metadata.namespace === 'sales' ? sessionPod(pod, () => 'timeout') : undefined,
      );
    const canaryServers = (client: FakeKubeClient) => client.calls.filter((c) => c.kind === 'Pod' && c.name === 'canary-server' && c.verb !== 'delete').length;

    it('runs the canary first when it has not passed, and grades no policy if it fails', async () => {
      const client = world(false);
      const state = new MemoryRunState();
      const r = await runStep(netpol(), 1, runnerDeps(client, { state }));
      expect(r.checks.map((c) => [c.id, c.status])).toEqual([
        ['canary', 'fail'],
        ['db', 'pass'],
        ['wrong-denied', 'skipped'],
      ]);
      expect(r.status).toBe('fail');
      expect(r.checks[0]?.layer).toBe('cni');
      expect(r.checks[2]?.observed).toMatch(/canary failed/);
      expect(state.get('netpol', CANARY_STATE_KEY)).toMatch(/^failed:/);
    });

    it('runs the canary once: a passed canary is remembered for the later steps', async () => {
      const client = world(true);
      const state = new MemoryRunState();
      const first = await runStep(netpol(), 1, runnerDeps(client, { state }));
      expect(first.checks[0]).toMatchObject({ id: 'canary', status: 'pass' });
      expect(state.get('netpol', CANARY_STATE_KEY)).toMatch(/^passed:/);
      expect(canaryServers(client)).toBe(1);
      const again = await runStep(netpol(), 1, runnerDeps(client, { state }));
      expect(again.checks.map((c) => [c.id, c.status])).toEqual([
        ['db', 'pass'],
        ['wrong-denied', 'pass'],
      ]);
      expect(canaryServers(client)).toBe(1);
    });

    it('a canary that passed on another cluster (down and up, reset --full) is run again', async () => {
      const state = new MemoryRunState();
      await runStep(netpol(), 1, runnerDeps(world(true), { state }));
      const recreated = world(true);
      const r = await runStep(netpol(), 1, runnerDeps(recreated, { state }));
      expect(r.checks[0]).toMatchObject({ id: 'canary', status: 'pass' });
      expect(canaryServers(recreated)).toBe(1);
    });

    it('the canary step itself records its result', async () => {
      const client = world(true);
      const state = new MemoryRunState();
      await runStep(netpol(), 0, runnerDeps(client, { state }));
      expect(state.get('netpol', CANARY_STATE_KEY)).toMatch(/^passed:/);
    });
  });

  it('with the docker-only command policy, runs docker commands and skips kubectl ones', async () => {
    const tools = new FakeTools();
    const l = lab('nodeport', [step('s', { actions: [{ run: 'docker stop cluster01-worker', needs: 'docker' }, { run: 'kubectl get nodes' }], checks: [deploymentExists] })]);
    const r = await runStep(l, 0, { ...runnerDeps(new FakeKubeClient(), { tools }), commands: 'docker' });
    expect(r.actions.map((a) => a.status)).toEqual(['done', 'skipped']);
    expect(tools.calls.map((c) => c.tool)).toEqual(['docker']);
  });

  it('skips a step whose variables this cluster lacks', async () => {
    const tools = new FakeTools();
    const l = lab('loadbalancer', [step('static-ip', { actions: [{ run: 'kubectl get svc' }], checks: [deploymentExists], requiresVar: ['staticIP'] })]);
    const r = await runStep(l, 0, runnerDeps(new FakeKubeClient(), { tools, vars: { ...EXAMPLE_VARS, staticIP: null } }));
    expect(r.status).toBe('skipped');
    expect(r.checks[0]?.observed).toContain('staticIP');
    expect(tools.calls).toEqual([]);
  });
});
