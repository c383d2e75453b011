// The simulated controllers behave like a kind cluster with Calico, MetalLB and ingress-nginx.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { KubeApiError, type KubeObject } from '../../electron/engine/kube/client.ts';
import { type FakeApiServer, startFakeApiServer } from './apiserver/index.ts';
import { L2, applyAll, clientFor, fixtureObjects, installCalico, installIngress, installMetallb, pool, until, waitPods } from './testkit.ts';

let api: FakeApiServer;

beforeEach(async () => {
  if (!api) api = await startFakeApiServer({});
  api.setScenario({});
  api.seed({ name: 'cluster01' });
});

afterAll(async () => {
  await api?.close();
});

const st = (o: KubeObject | null | undefined): any => o?.status ?? {};
const cond = (o: KubeObject | null | undefined, type: string) => (st(o).conditions ?? []).find((c: any) => c.type === type);

function deployment(name: string, ns: string, image: string, extra: Record<string, unknown> = {}, replicas = 1): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image, ...extra }] } } },
  };
}

async function events(client: ReturnType<typeof clientFor>, ns: string, name: string): Promise<{ type: string; reason: string; message: string }[]> {
  return (await client.list('v1', 'Event', { namespace: ns, fieldSelector: `involvedObject.name=${name}` })).items.map((e: any) => ({ type: e.type, reason: e.reason, message: e.message }));
}

describe('a fresh kind cluster without a CNI', () => {
  it('has NotReady nodes, the system namespaces and services, and CoreDNS waiting', async () => {
    const client = clientFor(api);
    const nodes = (await client.list('v1', 'Node')).items;
    expect(nodes.map((n) => n.metadata.name)).toEqual(['cluster01-control-plane', 'cluster01-worker']);
    for (const n of nodes) {
      expect(cond(n, 'Ready')).toMatchObject({
        status: 'False',
        reason: 'KubeletNotReady',
        message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
      });
    }
    expect(nodes[1]?.metadata.labels?.['ingress-ready']).toBe('true');
    expect(st(nodes[1]).addresses).toContainEqual({ type: 'InternalIP', address: '172.18.0.3' });
    expect(nodes[0]?.metadata.labels).toHaveProperty('node-role.kubernetes.io/control-plane', '');
    const ns = (await client.list('v1', 'Namespace')).items.map((n) => n.metadata.name);
    expect(ns).toEqual(expect.arrayContaining(['default', 'kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']));
    expect(((await client.get('v1', 'Service', 'kube-dns', 'kube-system'))?.spec as any).clusterIP).toBe('10.96.0.10');
    expect(((await client.get('v1', 'Service', 'kubernetes', 'default'))?.spec as any).clusterIP).toBe('10.96.0.1');
    const dns = await until(async () => {
      const pods = (await client.list('v1', 'Pod', { namespace: 'kube-system', labelSelector: 'k8s-app=kube-dns' })).items;
      return pods.length === 2 && pods.every((p) => cond(p, 'PodScheduled')?.status === 'False') ? pods : null;
    }, 'coredns unschedulable');
    expect(cond(dns[0], 'PodScheduled').message).toBe(
      "0/2 nodes are available: 2 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
    );
    expect(st(dns[0]).phase).toBe('Pending');
  });
});

describe('Calico and workloads', () => {
  it('starts pods only once Calico runs, with events, IPs and workload status', async () => {
    const client = clientFor(api);
    await client.apply(deployment('web', 'default', 'nginxinc/nginx-unprivileged:1.30.4-alpine', { ports: [{ name: 'http', containerPort: 8080 }] }, 2));
    await new Promise((r) => setTimeout(r, 80));
    const pending = (await client.list('v1', 'Pod', { namespace: 'default', labelSelector: 'app=web' })).items;
    expect(pending).toHaveLength(2);
    expect(pending.every((p) => st(p).phase === 'Pending')).toBe(true);

    await installCalico(client);
    const ts = await until(async () => {
      const t = await client.get('operator.tigera.io/v1', 'TigeraStatus', 'calico');
      return cond(t, 'Available')?.status === 'True' ? t : null;
    }, 'tigerastatus calico Available');
    expect(cond(ts, 'Degraded')?.status).toBe('False');
    expect(cond(ts, 'Progressing')?.status).toBe('False');
    expect(cond(await client.get('operator.tigera.io/v1', 'TigeraStatus', 'ippools'), 'Available')?.status).toBe('True');
    const calicoNode = (await client.list('v1', 'Pod', { namespace: 'calico-system', labelSelector: 'k8s-app=calico-node' })).items;
    expect(calicoNode.map((p) => st(p).podIP).sort()).toEqual(['172.18.0.2', '172.18.0.3']);

    const web = await waitPods(client, 'app=web', 'default', 2);
    for (const p of web) {
      expect((p.spec as any).nodeName).toBe('cluster01-worker');
      expect(st(p).podIP).toMatch(/^10\.240\.1\.\d+$/);
      expect(st(p).containerStatuses[0]).toMatchObject({ ready: true, started: true, image: 'docker.io/nginxinc/nginx-unprivileged:1.30.4-alpine' });
    }
    const reasons = (await events(client, 'default', web[0]?.metadata.name ?? '')).map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started']));
    const dep = await until(async () => {
      const d = await client.get('apps/v1', 'Deployment', 'web', 'default');
      return st(d).availableReplicas === 2 ? d : null;
    }, 'deployment available');
    expect(st(dep)).toMatchObject({ replicas: 2, readyReplicas: 2, updatedReplicas: 2, observedGeneration: 1 });
    expect(cond(dep, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    await waitPods(client, 'k8s-app=kube-dns', 'kube-system', 2);
  });

  it('runs DaemonSets on every fitting node, StatefulSets in order, and completes Jobs', async () => {
    const client = clientFor(api);
    await installCalico(client);
    await client.apply({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'busybox:1.37.0' }] } } },
    });
    await client.apply({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db-postgresql', namespace: 'default' },
      spec: {
        replicas: 2,
        serviceName: 'db-hl',
        selector: { matchLabels: { 'app.kubernetes.io/name': 'postgresql' } },
        template: { metadata: { labels: { 'app.kubernetes.io/name': 'postgresql' } }, spec: { containers: [{ name: 'postgresql', image: 'postgres:17.11-alpine' }] } },
      },
    });
    await client.apply({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'once', namespace: 'default' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'j', image: 'busybox:1.37.0' }] } } },
    });
    const agents = await waitPods(client, 'app=agent', 'default', 1);
    expect(agents.map((p) => (p.spec as any).nodeName)).toEqual(['cluster01-worker']);
    const db = await waitPods(client, 'app.kubernetes.io/name=postgresql', 'default', 2);
    expect(db.map((p) => p.metadata.name).sort()).toEqual(['db-postgresql-0', 'db-postgresql-1']);
    const job = await until(async () => {
      const j = await client.get('batch/v1', 'Job', 'once', 'default');
      return cond(j, 'Complete')?.status === 'True' ? j : null;
    }, 'job complete');
    expect(st(job).succeeded).toBe(1);
  });

  it('keeps EndpointSlices for each Service, resolving named ports', async () => {
    const client = clientFor(api);
    await installCalico(client);
    await waitPods(client, 'k8s-app=kube-dns', 'kube-system', 2);
    const slices = await until(async () => {
      const s = (await client.list('discovery.k8s.io/v1', 'EndpointSlice', { namespace: 'kube-system', labelSelector: 'kubernetes.io/service-name=kube-dns' })).items;
      return s.length === 1 && (s[0]?.endpoints as any[]).filter((e) => e.conditions.ready).length === 2 ? s : null;
    }, 'kube-dns slice');
    const slice = slices[0] as any;
    expect(slice.addressType).toBe('IPv4');
    expect(slice.metadata.labels['endpointslice.kubernetes.io/managed-by']).toBe('endpointslice-controller.k8s.io');
    expect(slice.ports).toEqual(
      expect.arrayContaining([
        { name: 'dns', port: 53, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53, protocol: 'TCP' },
        { name: 'metrics', port: 9153, protocol: 'TCP' },
      ]),
    );
    expect(slice.endpoints[0]).toMatchObject({ conditions: { ready: true, serving: true, terminating: false }, targetRef: { kind: 'Pod', namespace: 'kube-system' } });

    await client.apply(deployment('web', 'default', 'nginxinc/nginx-unprivileged:1.30.4-alpine', { ports: [{ name: 'http', containerPort: 8080 }] }));
    await client.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ name: 'web', port: 80, targetPort: 'http' }] } });
    const web = await until(async () => {
      const s = (await client.list('discovery.k8s.io/v1', 'EndpointSlice', { namespace: 'default', labelSelector: 'kubernetes.io/service-name=web' })).items[0] as any;
      return s?.endpoints?.length && s.endpoints[0].conditions.ready ? s : null;
    }, 'web slice');
    expect(web.ports).toEqual([{ name: 'web', port: 8080, protocol: 'TCP' }]);
    const ep = await client.get('v1', 'Endpoints', 'web', 'default');
    expect((ep as any).subsets[0].ports).toEqual([{ name: 'web', port: 8080, protocol: 'TCP' }]);
  });

  it('plays image pull faults and hangs from the scenario', async () => {
    const client = clientFor(api);
    api.setScenario({
      faults: {
        imagePullBackOff: { namespace: 'default', podPrefix: 'pg-', reason: 'ImagePullBackOff', message: 'toomanyrequests: You have reached your unauthenticated pull rate limit. https://www.docker.com/increase-rate-limit' },
        hang: { phase: 'ingress' },
      },
    });
    await installCalico(client);
    await client.apply(deployment('pg', 'default', 'postgres:17.11-alpine'));
    const pod = await until(async () => {
      const p = (await client.list('v1', 'Pod', { namespace: 'default', labelSelector: 'app=pg' })).items[0];
      return st(p).containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff' ? p : null;
    }, 'ImagePullBackOff');
    expect(st(pod).phase).toBe('Pending');
    const evs = await events(client, 'default', pod.metadata.name);
    expect(evs).toContainEqual({ type: 'Warning', reason: 'Failed', message: 'Failed to pull image "postgres:17.11-alpine": toomanyrequests: You have reached your unauthenticated pull rate limit. https://www.docker.com/increase-rate-limit' });
    expect(evs).toContainEqual({ type: 'Warning', reason: 'Failed', message: 'Error: ImagePullBackOff' });
    const logs = await client.podLogs('default', pod.metadata.name).catch((e: unknown) => e as KubeApiError);
    expect((logs as KubeApiError).message).toBe(`container "pg" in pod "${pod.metadata.name}" is waiting to start: trying and failing to pull image`);

    await applyAll(client, fixtureObjects('deploy.yaml'));
    await new Promise((r) => setTimeout(r, 150));
    const ingress = (await client.list('v1', 'Pod', { namespace: 'ingress-nginx' })).items;
    expect(ingress.length).toBeGreaterThan(0);
    expect(ingress.every((p) => st(p).phase === 'Pending')).toBe(true);
  });

  it('marks a stopped node container Unknown and its pods unready', async () => {
    const client = clientFor(api);
    await installCalico(client);
    await client.apply(deployment('web', 'default', 'nginx:1.30.4-alpine'));
    await waitPods(client, 'app=web', 'default', 1);
    api.setNodeRunning('cluster01-worker', false);
    const node = await until(async () => {
      const n = await client.get('v1', 'Node', 'cluster01-worker');
      return cond(n, 'Ready')?.status === 'Unknown' ? n : null;
    }, 'node Unknown');
    expect(cond(node, 'Ready').message).toBe('Kubelet stopped posting node status.');
    await until(async () => {
      const p = (await client.list('v1', 'Pod', { namespace: 'default', labelSelector: 'app=web' })).items[0];
      return cond(p, 'Ready')?.status === 'False';
    }, 'pod unready');
    api.setNodeRunning('cluster01-worker', true);
    await waitPods(client, 'app=web', 'default', 1);
  });
});

describe('ingress-nginx and MetalLB', () => {
  it('refuses pools while the MetalLB webhook has no ready endpoint, then accepts them', async () => {
    const client = clientFor(api);
    await installCalico(client);
    // MetalLB's controller is not up yet (held back by the scenario): its webhook refuses calls.
    api.setScenario({ faults: { hang: { phase: 'metallb' } } });
    await applyAll(client, fixtureObjects('metallb-native.yaml'));
    const err = await client.apply(pool('pool-01', ['172.18.200.100-172.18.200.125'])).catch((e: unknown) => e as KubeApiError);
    expect(err).toBeInstanceOf(KubeApiError);
    expect(err.status).toBe(500);
    expect(err.message).toMatch(
      /^Internal error occurred: failed calling webhook "ipaddresspoolvalidationwebhook\.metallb\.io": failed to call webhook: Post "https:\/\/metallb-webhook-service\.metallb-system\.svc:443\/validate-metallb-io-v1beta1-ipaddresspool\?timeout=10s": dial tcp 10\.96\.\d+\.\d+:443: connect: connection refused$/,
    );
    api.setScenario({});
    await installMetallb(client);
    await client.apply(pool('pool-01', ['172.18.200.100-172.18.200.125']));
    const denied = await client.apply(pool('bad', ['fd00:fd12:3456::0/64..3.0/24'])).catch((e: unknown) => e as KubeApiError);
    expect(denied.message).toBe('admission webhook "ipaddresspoolvalidationwebhook.metallb.io" denied the request: invalid CIDR "fd00:fd12:3456::0/64..3.0/24"');

    api.setScenario({ faults: { webhookRefusals: { webhookNamePrefix: 'l2advertisement', count: 2 } } });
    const results: string[] = [];
    for (let i = 0; i < 3; i++) results.push(await client.apply(L2).then(() => 'ok', (e: unknown) => ((e as Error).message.includes('l2advertisementvalidationwebhook.metallb.io') ? 'refused' : 'other')));
    expect(results).toEqual(['refused', 'refused', 'ok']);
  });

  it('allocates LoadBalancer addresses the way MetalLB does', async () => {
    const client = clientFor(api);
    await installCalico(client);
    await installMetallb(client);
    await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
    await client.apply(pool('pool-01', ['172.18.200.100-172.18.200.125']));
    await client.apply(pool('pool-02', ['172.18.201.200-172.18.201.225'], { autoAssign: false }));
    await client.apply(pool('team', ['172.18.202.0/30'], { avoidBuggyIPs: true, serviceAllocation: { priority: 10, namespaces: ['team-a'] } }));
    const lb = (name: string, ns = 'default', annotations: Record<string, string> = {}, spec: Record<string, unknown> = {}): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: ns, annotations },
      spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ port: 80 }], ...spec },
    });
    await client.apply(lb('first'));
    await new Promise((r) => setTimeout(r, 50));
    expect(st(await client.get('v1', 'Service', 'first', 'default')).loadBalancer).toEqual({});
    await client.apply(L2);
    await client.apply(lb('by-pool', 'default', { 'metallb.io/address-pool': 'pool-02' }));
    await client.apply(lb('legacy', 'default', { 'metallb.universe.tf/address-pool': 'pool-02' }));
    await client.apply(lb('by-ip', 'default', { 'metallb.io/loadBalancerIPs': '172.18.200.110' }));
    await client.apply(lb('outside', 'default', {}, { loadBalancerIP: '10.0.0.1' }));
    await client.apply(lb('team-svc', 'team-a'));
    const ip = async (name: string, ns = 'default') =>
      until(async () => {
        const s = await client.get('v1', 'Service', name, ns);
        const v = st(s).loadBalancer?.ingress?.[0];
        return v ? { ...v, pool: s?.metadata.annotations?.['metallb.io/ip-allocated-from-pool'] } : null;
      }, `${name} address`);
    expect(await ip('first')).toEqual({ ip: '172.18.200.100', ipMode: 'VIP', pool: 'pool-01' });
    expect(await ip('by-pool')).toMatchObject({ ip: '172.18.201.200', pool: 'pool-02' });
    expect(await ip('legacy')).toMatchObject({ ip: '172.18.201.201', pool: 'pool-02' });
    expect(await ip('by-ip')).toMatchObject({ ip: '172.18.200.110', pool: 'pool-01' });
    expect(await ip('team-svc', 'team-a')).toMatchObject({ ip: '172.18.202.1', pool: 'team' });
    const failed = await until(async () => (await events(client, 'default', 'outside')).find((e) => e.reason === 'AllocationFailed'), 'AllocationFailed');
    expect(failed).toEqual({ type: 'Warning', reason: 'AllocationFailed', message: 'Failed to allocate IP for "default/outside": ["10.0.0.1"] is not allowed in config' });
    expect(st(await client.get('v1', 'Service', 'outside', 'default')).loadBalancer).toEqual({});
    // Turning a Service into ClusterIP gives its address back.
    await client.apply({ ...lb('first'), spec: { selector: { app: 'first' }, ports: [{ port: 80 }] } });
    await client.apply(lb('second'));
    expect(await ip('second')).toMatchObject({ ip: '172.18.200.100' });
  });

  it('runs the ingress-nginx admission jobs before the controller, then publishes Ingress status', async () => {
    const client = clientFor(api);
    await installCalico(client);
    await installIngress(client);
    for (const name of ['ingress-nginx-admission-create', 'ingress-nginx-admission-patch']) {
      expect(cond(await client.get('batch/v1', 'Job', name, 'ingress-nginx'), 'Complete')?.status).toBe('True');
    }
    expect(await client.get('v1', 'Secret', 'ingress-nginx-admission', 'ingress-nginx')).not.toBeNull();
    const vwc = await client.get('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'ingress-nginx-admission');
    expect((vwc as any).webhooks[0].clientConfig.caBundle).toBeTruthy();
    // Applying the same manifest again (server-side) changes nothing, the patched caBundle included.
    api.resetCounters();
    await applyAll(client, [...fixtureObjects('operator-crds.yaml'), ...fixtureObjects('tigera-operator.yaml'), ...fixtureObjects('deploy.yaml')]);
    expect(api.writes()).toBeGreaterThan(20);
    expect(api.changes()).toBe(0);
    const ctl = (await client.list('v1', 'Pod', { namespace: 'ingress-nginx', labelSelector: 'app.kubernetes.io/component=controller' })).items[0];
    const mounts = (await events(client, 'ingress-nginx', ctl?.metadata.name ?? '')).filter((e) => e.reason === 'FailedMount');
    expect(mounts[0]?.message ?? 'mounted at once').toMatch(/secret "ingress-nginx-admission" not found|mounted at once/);
    const ing: KubeObject = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'nginx-ingress', namespace: 'default' },
      spec: { rules: [{ host: 'webserver.127-0-0-1.nip.io', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'nginx-web', port: { number: 8080 } } } }] } }] },
    };
    await client.apply(ing);
    const status = await until(async () => st(await client.get('networking.k8s.io/v1', 'Ingress', 'nginx-ingress', 'default')).loadBalancer?.ingress, 'ingress status');
    expect(status).toEqual([{ hostname: 'localhost' }]);
    const clash = await client.apply({ ...ing, metadata: { name: 'copy', namespace: 'default' } }).catch((e: unknown) => e as KubeApiError);
    expect(clash.message).toBe('admission webhook "validate.nginx.ingress.kubernetes.io" denied the request: host "webserver.127-0-0-1.nip.io" and path "/" is already defined in ingress default/nginx-ingress');
  });
});
