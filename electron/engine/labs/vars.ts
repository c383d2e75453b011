// Values that lab manifests and texts refer to as {{name}}: addresses that depend on the
// learner's kind network and on how the ingress is exposed. Pure.
import ipaddr from 'ipaddr.js';
import type { CniChoice, IngressChoice, PoolPlan } from '../../api.ts';

export const LAB_VARIABLES = [
  'ingressAddress',
  'ingressHttpPort',
  'ingressDashed',
  'kindSubnet',
  'pool01Range',
  'pool02Range',
  'pool01First',
  'pool02First',
  'staticIP',
  'outsidePoolIP',
  'scopedPoolRange',
  'manualPoolRange',
  'buggyPoolRange',
  'workerIP',
  'controlPlaneIP',
  'clusterName',
  'workerNode',
  'controlPlaneNode',
  'cni',
  'ingressController',
  'ingressNamespace',
  'ingressDeployment',
  'ingressNotFound',
] as const;

/**
 * What a lab says about the ingress controller differs by controller: where its pods run, what its
 * Deployment is called, and the body of the 404 its default backend answers.
 */
const INGRESS_LAB_FACTS: Record<IngressChoice, { namespace: string; deployment: string; notFound: string }> = {
  'ingress-nginx': { namespace: 'ingress-nginx', deployment: 'ingress-nginx-controller', notFound: '404 Not Found' },
  traefik: { namespace: 'traefik', deployment: 'traefik', notFound: '404 page not found' },
};

export type LabVariable = (typeof LAB_VARIABLES)[number];
export type LabVars = Record<LabVariable, string | null>;

export interface VarInputs {
  plan: PoolPlan;
  ingressAddress: string;
  /** The host port that reaches the ingress's port 80: 80 unless kind maps it elsewhere. */
  ingressHttpPort?: number;
  workerIP?: string | null;
  controlPlaneIP?: string | null;
  clusterName: string;
  /** What the cluster runs; the book's when absent. */
  cni?: CniChoice;
  ingress?: IngressChoice;
}

function firstOf(range: string | undefined): string | null {
  if (!range) return null;
  return range.includes('-') ? (range.split('-')[0] ?? null) : range.split('/')[0] ?? null;
}

/**
 * On a /16 or larger network the extra lab ranges sit beside the book's pools (x.y.202.*,
 * x.y.203.254-x.y.204.1 spans a .255/.0 pair for avoidBuggyIPs). Smaller networks have no room
 * for them; steps that need them are skipped with a reason (see requiresVar in lab.yaml).
 */
export function computeLabVars(input: VarInputs): LabVars {
  const [net, prefix] = ipaddr.parseCIDR(input.plan.subnet);
  const octets = net.toByteArray();
  const big = net.kind() === 'ipv4' && prefix <= 16;
  const xy = `${octets[0]}.${octets[1]}`;
  const pool01 = input.plan.pools.find((p) => p.name === 'pool-01')?.addresses[0];
  const pool02 = input.plan.pools.find((p) => p.name === 'pool-02')?.addresses[0];
  const ingress = input.ingress ?? 'ingress-nginx';
  return {
    ingressAddress: input.ingressAddress,
    ingressHttpPort: String(input.ingressHttpPort ?? 80),
    ingressDashed: input.ingressAddress.replace(/\./g, '-'),
    kindSubnet: input.plan.subnet,
    pool01Range: pool01 ?? null,
    pool02Range: pool02 ?? null,
    pool01First: firstOf(pool01),
    pool02First: firstOf(pool02),
    staticIP: big ? `${xy}.200.110` : null,
    outsidePoolIP: big ? `${xy}.200.210` : null,
    scopedPoolRange: big ? `${xy}.202.100-${xy}.202.125` : null,
    manualPoolRange: big ? `${xy}.202.200-${xy}.202.210` : null,
    buggyPoolRange: big ? `${xy}.203.254-${xy}.204.1` : null,
    workerIP: input.workerIP ?? null,
    controlPlaneIP: input.controlPlaneIP ?? null,
    clusterName: input.clusterName,
    workerNode: `${input.clusterName}-worker`,
    controlPlaneNode: `${input.clusterName}-control-plane`,
    cni: input.cni ?? 'calico',
    ingressController: ingress,
    ingressNamespace: INGRESS_LAB_FACTS[ingress].namespace,
    ingressDeployment: INGRESS_LAB_FACTS[ingress].deployment,
    ingressNotFound: INGRESS_LAB_FACTS[ingress].notFound,
  };
}

/** The values shown by --dry-run and used when no cluster exists: Docker's default kind network. */
export const EXAMPLE_VARS: LabVars = computeLabVars({
  plan: {
    subnet: '172.18.0.0/16',
    gateway: '172.18.0.1',
    pools: [
      { name: 'pool-01', addresses: ['172.18.200.100-172.18.200.125'] },
      { name: 'pool-02', addresses: ['172.18.201.200-172.18.201.225'] },
    ],
  },
  ingressAddress: '127.0.0.1',
  workerIP: '172.18.0.3',
  controlPlaneIP: '172.18.0.2',
  clusterName: 'cluster01',
});

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** Names of the {{variables}} a text uses. */
export function variablesIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))];
}

export function isLabVariable(name: string): name is LabVariable {
  return (LAB_VARIABLES as readonly string[]).includes(name);
}

class MissingVariableError extends Error {
  constructor(readonly variable: string) {
    super(`{{${variable}}} has no value on this cluster`);
  }
}

export function renderTemplate(text: string, vars: LabVars): string {
  return text.replace(PLACEHOLDER, (_m, nameRaw: string) => {
    if (!isLabVariable(nameRaw)) throw new MissingVariableError(nameRaw);
    const v = vars[nameRaw];
    if (v === null) throw new MissingVariableError(nameRaw);
    return v;
  });
}
