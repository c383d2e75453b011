// The lab format (labs/<id>/lab.yaml). Lab authors write YAML and Markdown only; this schema is
// what keeps their files honest. Paths are relative to the lab folder.
import { z } from 'zod';
import { splitCommand } from './argv.ts';

const localized = z.object({ en: z.string().min(1), zh: z.string().min(1) }).strict();
const localizedFile = z
  .object({
    en: z.string().regex(/\.en\.md$/, 'must be an English Markdown file ending in .en.md'),
    zh: z.string().regex(/\.zh\.md$/, 'must be a Chinese Markdown file ending in .zh.md'),
  })
  .strict();

const name = z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a Kubernetes name (lowercase letters, digits, "-" and ".")');
// A namespace may be a lab variable ({{ingressNamespace}}: ingress-nginx or traefik, by controller).
const namespace = z.string().regex(/^(?:[a-z0-9]([-a-z0-9]*[a-z0-9])?|\{\{\s*[A-Za-z0-9_]+\s*\}\})$/, 'must be a namespace name (or a {{variable}} that holds one)');
const selector = z.string().min(1, 'must be a label selector such as app=web');
const labels = z.record(z.string(), z.string());
const port = z.number().int().min(1).max(65535);
const manifestPath = z.string().regex(/^manifests\/[\w.-]+\.ya?ml$/, 'must be a file under manifests/ ending in .yaml');

const objectRef = z
  .object({
    apiVersion: z.string().min(1),
    kind: z.string().min(1),
    name,
    namespace: namespace.optional(),
  })
  .strict();

// ── actions ──

const applyAction = z.object({ apply: manifestPath, description: localized.optional() }).strict();
const runAction = z
  .object({
    /**
     * One kubectl or docker command: the runner executes it without a shell, so pipes, redirects,
     * `;` and `$` may only stand inside single quotes (a script for the pod's shell, `-- sh -c '…'`).
     */
    run: z.string().superRefine((cmd, ctx) => {
      try {
        // {{variables}} are filled in before the command runs; any value is one plain word.
        splitCommand(cmd.replace(/\{\{\s*[A-Za-z0-9_]+\s*\}\}/g, 'x'));
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `must be a single kubectl or docker command (${err instanceof Error ? err.message.replace(/^cannot run "[\s\S]*?": /, '') : String(err)}); pipes, redirects, ; and $ only inside single quotes` });
      }
    }),
    description: localized.optional(),
    /** What the command's output must show; checked against a real API server in the control-plane tier. */
    expect: z
      .object({
        contains: z.array(z.string()).optional(),
        matches: z.array(z.string()).optional(),
        exitCode: z.number().int().optional(),
      })
      .strict()
      .optional(),
    /** Commands that need a data plane (pods that really run) are skipped without one. */
    needs: z.enum(['api', 'dataplane', 'docker']).default('api'),
  })
  .strict();
const waitAction = z
  .object({
    wait: objectRef
      .extend({
        condition: z.enum(['available', 'ready', 'complete', 'exists', 'deleted', 'loadBalancerIP']),
        timeoutSeconds: z.number().int().min(1).max(900).default(180),
      })
      .strict(),
  })
  .strict();
const deleteAction = z.object({ delete: objectRef, description: localized.optional() }).strict();
const deleteManifestAction = z.object({ deleteManifest: manifestPath, description: localized.optional() }).strict();
const recordAction = z
  .object({
    record: z
      .object({
        key: z.string().regex(/^[a-zA-Z][\w-]*$/),
        service: z.object({ namespace, name, port }).strict(),
        field: z.enum(['nodePort', 'clusterIP', 'loadBalancerIP']),
      })
      .strict(),
  })
  .strict();

const timeoutSeconds = (dflt: number) => z.number().int().min(1).max(900).default(dflt);

/**
 * After a node container was started again: its kubelet has reported since the start, its
 * node agents (kube-proxy, the CNI, MetalLB's speaker) are back, and, with `nodePort`, that
 * Service's node port on the node answers as the step's check expects. Node status, Deployment
 * availability and rollout status all pass on status written before the stop.
 */
const waitDataPlaneAction = z
  .object({
    waitDataPlane: z
      .object({
        node: z.enum(['worker', 'control-plane']),
        nodePort: z.object({ namespace, name, port }).strict().optional(),
        path: z.string().startsWith('/').optional(),
        expectStatus: z.number().int().min(100).max(599).optional(),
        expectBody: z.string().optional(),
        timeoutSeconds: timeoutSeconds(300),
      })
      .strict()
      .superRefine((w, ctx) => {
        for (const key of ['path', 'expectStatus', 'expectBody'] as const) {
          if (w[key] !== undefined && !w.nodePort) ctx.addIssue({ code: 'custom', path: [key], message: `${key} says what the node port must answer; it needs nodePort: {namespace, name, port}` });
        }
      }),
    description: localized.optional(),
  })
  .strict();

/**
 * Cluster DNS answers again: CoreDNS's Deployment available with pods Ready since their node
 * came back, kube-dns's endpoints listing exactly those, and a real query answered by each of
 * them and by the kube-dns Service. For a lab that stopped the node CoreDNS runs on.
 */
const waitClusterDns = z.object({ timeoutSeconds: timeoutSeconds(240) }).strict();
const waitClusterDnsAction = z.object({ waitClusterDns, description: localized.optional() }).strict();

export const actionSchema = z.union([applyAction, runAction, waitAction, deleteAction, deleteManifestAction, recordAction, waitDataPlaneAction, waitClusterDnsAction]);

// ── checks ──

const base = { id: z.string().regex(/^[a-z0-9][-a-z0-9]*$/, 'must be a short id such as three-pods'), description: localized.optional() };

const podsReady = z
  .object({ ...base, type: z.literal('podsReady'), namespace, selector, count: z.number().int().min(1).default(1) })
  .strict();

const endpoints = z
  .object({
    ...base,
    type: z.literal('endpoints'),
    namespace,
    service: name,
    addresses: z.number().int().min(0),
    ports: z.array(port).min(1),
  })
  .strict();

const serviceCheck = z
  .object({
    ...base,
    type: z.literal('service'),
    namespace,
    name,
    serviceType: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']).optional(),
    ports: z.array(z.object({ port, protocol: z.enum(['TCP', 'UDP', 'SCTP']).default('TCP'), targetPort: z.union([port, z.string()]).optional(), name: z.string().optional() }).strict()).optional(),
    nodePorts: z.boolean().optional(),
    /** The nodePort must differ from one recorded earlier (the port changes when a Service is recreated). */
    nodePortDiffersFrom: z.string().optional(),
    externalName: z.string().optional(),
    loadBalancer: z
      .object({
        pending: z.boolean().optional(),
        pool: z.string().optional(),
        address: z.string().optional(),
        /** The address must not end in .0 or .255. */
        notBuggy: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const target = z.union([
  z.object({ service: z.object({ namespace, name, port }).strict() }).strict(),
  z.object({ ingress: z.object({ port: port.default(80) }).strict() }).strict(),
  z.object({ loadBalancer: z.object({ namespace, name, port }).strict() }).strict(),
  z.object({ nodePort: z.object({ namespace, name, port, node: z.enum(['worker', 'control-plane']).default('worker') }).strict() }).strict(),
]);

const http = z
  .object({
    ...base,
    type: z.literal('http'),
    target,
    /** https sends `host` as SNI and accepts the controller's self-signed certificate; default: https on 443/8443. */
    scheme: z.enum(['http', 'https']).optional(),
    host: z.string().optional(),
    path: z.string().startsWith('/').default('/'),
    expectStatus: z.number().int().min(100).max(599).default(200),
    expectBody: z.string().optional(),
    /** The request must get no answer at all (timeout, no route, refused): a stopped node, a removed address. */
    expectNoAnswer: z.boolean().default(false),
    /** Resolve `host` through the learner's own DNS (nip.io) instead of sending the Host header to a known address. */
    viaDns: z.boolean().default(false),
  })
  .strict();

const tcp = z
  .object({
    ...base,
    type: z.literal('tcp'),
    from: z.object({ namespace, labels }).strict(),
    to: z.union([
      z.object({ pod: z.object({ namespace, selector }).strict() }).strict(),
      z.object({ service: z.object({ namespace, name }).strict() }).strict(),
    ]),
    port,
    expect: z.enum(['open', 'blocked', 'refused']),
    timeoutSeconds: z.number().int().min(1).max(15).default(3),
  })
  .strict();

/** Where a dns check's query starts: a temporary pod, or a container on the `kind` Docker network (outside the cluster). */
const dnsSource = z.union([z.object({ namespace, labels: labels.optional() }).strict(), z.object({ kindNetwork: z.literal(true) }).strict()]);

const dns = z
  .object({
    ...base,
    type: z.literal('dns'),
    from: dnsSource,
    name: z.string().min(1),
    expect: z.union([
      z.object({ a: z.object({ service: z.object({ namespace, name }).strict() }).strict() }).strict(),
      z.object({ cname: z.string().min(1) }).strict(),
      z.object({ nxdomain: z.literal(true) }).strict(),
    ]),
    /** Query a LoadBalancer Service's address instead of the cluster DNS. */
    server: z.object({ loadBalancer: z.object({ namespace, name }).strict() }).strict().optional(),
    protocol: z.enum(['udp', 'tcp']).default('udp'),
  })
  .strict()
  .superRefine((c, ctx) => {
    // A container outside the cluster has Docker's resolver, not the cluster DNS: it can only ask
    // an address the kind network reaches, and a LoadBalancer address is the one that teaches.
    if ('kindNetwork' in c.from && !c.server) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: '{kindNetwork: true} needs a server: {loadBalancer: {namespace, name}}; a container outside the cluster cannot use the cluster DNS' });
    }
  });

const object = z
  .object({
    ...base,
    type: z.literal('object'),
    ref: objectRef,
    exists: z.boolean().default(true),
    /** Dotted paths and the value they must hold, e.g. {"spec.type": "ClusterIP"}. */
    fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  })
  .strict();

const policyCanary = z.object({ ...base, type: z.literal('policyCanary') }).strict();

export const checkSchema = z.discriminatedUnion('type', [podsReady, endpoints, serviceCheck, http, tcp, dns, object, policyCanary]);

// ── steps and labs ──

const stepSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][-a-z0-9]*$/, 'must be a short id such as deploy-frontend'),
    title: localized,
    text: localizedFile,
    /** Shown as a callout where the lab teaches something different from the book, and why. */
    bookNote: localized.optional(),
    actions: z.array(actionSchema).default([]),
    checks: z.array(checkSchema).default([]),
    noCheckReason: localized.optional(),
    /** Steps that need something the current cluster may lack, e.g. a /23 or larger kind network. */
    requiresVar: z.array(z.string()).optional(),
  })
  .strict()
  .superRefine((step, ctx) => {
    if (step.checks.length === 0 && !step.noCheckReason) {
      ctx.addIssue({ code: 'custom', path: ['checks'], message: 'a step needs at least one check, or a noCheckReason saying why it has none' });
    }
    const ids = new Set<string>();
    step.checks.forEach((c, i) => {
      if (ids.has(c.id)) ctx.addIssue({ code: 'custom', path: ['checks', i, 'id'], message: `duplicate check id "${c.id}"` });
      ids.add(c.id);
    });
  });

const cleanupSchema = z.union([
  z.object({ delete: objectRef }).strict(),
  z.object({ deleteNamespace: namespace }).strict(),
  z.object({ deleteManifest: manifestPath }).strict(),
  // A learner may stop a lab halfway (after it stopped a node) and clean up: wait for DNS then too.
  z.object({ waitClusterDns }).strict(),
]);

export const labSchema = z
  .object({
    id: z.string().regex(/^[a-z][-a-z0-9]*$/),
    order: z.number().int().min(1),
    title: localized,
    summary: localized,
    requires: z.array(z.string()).default([]),
    intro: localizedFile.optional(),
    steps: z.array(stepSchema).min(1),
    cleanup: z.array(cleanupSchema).min(1, 'every lab needs a cleanup (the fast reset uses it)'),
  })
  .strict()
  .superRefine((lab, ctx) => {
    const ids = new Set<string>();
    lab.steps.forEach((s, i) => {
      if (ids.has(s.id)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: `duplicate step id "${s.id}"` });
      ids.add(s.id);
    });
  });

export type LabFile = z.infer<typeof labSchema>;
export type LabAction = z.infer<typeof actionSchema>;
export type LabCheck = z.infer<typeof checkSchema>;
export type CheckOf<T extends LabCheck['type']> = Extract<LabCheck, { type: T }>;

/** The check types, for messages that list them. */
export const CHECK_TYPES: readonly string[] = checkSchema.options.map((o) => o.shape.type.value);
