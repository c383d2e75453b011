// One well-formed request per channel, as the renderer sends them: the schema tests start from
// these, and the fuzz run mutates them. Typed against the contract, so they follow it.
import type { Channel, RequestOf } from '../../../../electron/api.ts';

export const SAMPLE_REQUESTS: { [C in Channel]: RequestOf<C> } = {
  'app:info': undefined,
  'doctor:run': { settings: { name: 'cluster01', cni: 'kube-router' } },
  'config:kind': { settings: { lanAccess: true, hostAddress: '192.168.1.20' } },
  'pools:compute': { inspectJson: '[]' },
  'cluster:plan': { settings: { nodeImage: 'kindest/node:v1.35.8' } },
  'cluster:status': {},
  'cluster:up': { opId: 'op-1', settings: { cni: 'calico', ingress: 'traefik' } },
  'cluster:down': { opId: 'op-2' },
  'cluster:reset': { opId: 'op-3', mode: 'fast' },
  'op:cancel': { opId: 'op-1' },
  'op:list': undefined,
  'manifests:list': undefined,
  'manifests:import': { dir: '/tmp/manifests' },
  'labs:list': {},
  'labs:validate': { dir: '/tmp/labs' },
  'lab:get': { id: 'services', lang: 'zh' },
  'lab:run': { opId: 'lab-1', id: 'services', step: 2, dryRun: false },
  'lab:cleanup': { opId: 'cleanup-1', id: 'services' },
  'watch:start': { watchId: 'pods', target: { kind: 'pods', namespace: 'default', labelSelector: 'app=web' } },
  'watch:stop': { watchId: 'pods' },
  'terminal:open': { cols: 80, rows: 24 },
  'terminal:input': { sessionId: 't1', data: 'kubectl get pods\r' },
  'terminal:resize': { sessionId: 't1', cols: 120, rows: 40 },
  'terminal:ack': { sessionId: 't1', chars: 5000 },
  'terminal:close': { sessionId: 't1' },
};
