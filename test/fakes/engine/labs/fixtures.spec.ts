// The API fixtures the lab specs read must be what a server returned, not hand-written: each file
// is listed with its provenance in the README that record-fixtures.ts generates beside them, and
// nothing in them looks typed by hand (placeholder or patterned uids) or was left unrecorded-size
// (managedFields, which the recorder strips). What the data plane shapes (kubelets, the
// EndpointSlice controller's view of real pods, MetalLB, the ingress controller) comes from a real
// kind cluster; only API-only objects come from the tier-3 control plane.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIR = fileURLToPath(new URL('../../../fixtures/api/', import.meta.url));
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const readme = readFileSync(`${DIR}README.md`, 'utf8');
const TIER3 = 'kube-apiserver v1.35.8 + KWOK (tier 3)';
const REAL = 'real kind cluster (scripts/realworld), kube-router, Traefik, MetalLB v0.16.1';
/** `| \`file.json\` | recorded from | \`GET /path\` | what was applied | played |` rows of the README's table. */
const rows = new Map(
  [...readme.matchAll(/^\| `([^`]+\.json)` \| ([^|]+) \| `(GET [^`]+)` \| ([^|]+) \| ([^|]+) \|$/gm)].map((m) => [
    m[1] ?? '',
    { server: (m[2] ?? '').trim(), request: m[3] ?? '', source: (m[4] ?? '').trim(), played: (m[5] ?? '').trim() },
  ]),
);
/**
 * The one data-plane file that stays on the control plane: the book's Bitnami pod as a kubelet
 * with internet access sees it (Docker Hub's "not found"), which the real world, without any
 * registry, cannot produce. Its real counterpart is pod-imagepullbackoff-offline.json.
 */
const PLAYED_ON_TIER3 = new Set(['pod-imagepullbackoff.json']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Every value under a key named `key`, at any depth. */
function valuesOf(node: unknown, key: string, out: unknown[] = []): unknown[] {
  if (Array.isArray(node)) node.forEach((n) => valuesOf(n, key, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === key) out.push(v);
      valuesOf(v, key, out);
    }
  }
  return out;
}

/** Object uids (metadata, ownerReferences, involvedObject); a kubelet's `user.linux.uid` is a number, the container's user. */
const objectUids = (json: unknown) => valuesOf(json, 'uid').filter((u): u is string => typeof u === 'string');

const parsed = files.map((f) => ({ file: f, json: JSON.parse(readFileSync(`${DIR}${f}`, 'utf8')) as unknown }));

describe('test/fixtures/api', () => {
  it('has fixtures, and a README that says where they come from and how to re-record them', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(readme).toContain('recorded by scripts/controlplane/record-fixtures.ts from a real server');
    expect(readme).toContain('npx tsx scripts/controlplane/record-fixtures.ts --real --kubeconfig');
    expect(readme).toMatch(/^ {2}npx tsx scripts\/controlplane\/record-fixtures.ts$/m);
  });

  it('lists every file in the README with the request it answers and what was applied', () => {
    expect([...rows.keys()].sort()).toEqual(files);
    for (const [file, row] of rows) {
      expect(row.request, file).toMatch(/^GET \/apis?\//);
      expect(row.source, file).not.toBe('');
      expect([TIER3, REAL], file).toContain(row.server);
      // Only the control plane has something played for a missing controller.
      if (row.server === REAL) expect(row.played, file).toBe('—');
    }
  });

  it.each(parsed)('$file comes from the real cluster where the data plane shaped it', ({ file, json }) => {
    const items = ((json as { items?: unknown[] }).items ?? [json]) as Record<string, unknown>[];
    const shaped = items.some((o) => {
      const kind = String(o.kind ?? (json as { kind?: string }).kind ?? '').replace(/List$/, '');
      const status = (o.status ?? {}) as Record<string, unknown>;
      const lbIngress = ((status.loadBalancer ?? {}) as { ingress?: unknown[] }).ingress ?? [];
      return (
        'containerStatuses' in status ||
        'nodeInfo' in status ||
        kind === 'EndpointSlice' ||
        kind === 'Event' ||
        (kind === 'IPAddressPool' && 'assignedIPv4' in status) ||
        lbIngress.length > 0 ||
        ((o.metadata ?? {}) as { annotations?: Record<string, string> }).annotations?.['metallb.io/ip-allocated-from-pool'] !== undefined
      );
    });
    const server = rows.get(file)?.server;
    if (shaped && !PLAYED_ON_TIER3.has(file)) expect(server, file).toBe(REAL);
    if (PLAYED_ON_TIER3.has(file)) expect(server, file).toBe(TIER3);
  });

  it.each(parsed)('$file has no managedFields', ({ json }) => {
    expect(valuesOf(json, 'managedFields')).toEqual([]);
  });

  it.each(parsed)('$file carries server-made uids only', ({ json }) => {
    for (const uid of objectUids(json)) expect(uid).toMatch(UUID);
  });

  it('has no uids that share a hand-made pattern across objects', () => {
    // Random uids differ in every group; hand-written ones tend to repeat the middle groups.
    const byMiddle = new Map<string, Set<string>>();
    for (const { json } of parsed) {
      for (const uid of objectUids(json)) {
        const middle = uid.split('-').slice(1, 4).join('-');
        byMiddle.set(middle, (byMiddle.get(middle) ?? new Set()).add(uid));
      }
    }
    const shared = [...byMiddle].filter(([, uids]) => uids.size > 1).map(([m]) => m);
    expect(shared).toEqual([]);
  });
});
