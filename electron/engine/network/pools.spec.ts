import { describe, expect, it } from 'vitest';
import type { PoolPlan } from '../../api.ts';
import { KindlabError } from '../errors.ts';
import type { NetworkFacts } from './inspect.ts';
import { MIN_POOL_SIZE, POOL_SIZE, computePools } from './pools.ts';

const toInt = (a: string) => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);

function facts(subnet: string, gateway: string | null, used: string[] = []): NetworkFacts {
  return { subnet, gateway, used, source: 'docker' };
}

function ranges(plan: PoolPlan): { first: number; last: number }[] {
  return plan.pools.map((p) => {
    const [a, b] = (p.addresses[0] ?? '').split('-');
    return { first: toInt(a ?? ''), last: toInt(b ?? '') };
  });
}

/** Matches a thrown KindlabError with code 'bad-input' and the given failure fields. */
function badInput(fields: Record<string, unknown>) {
  return expect.objectContaining({ failure: expect.objectContaining({ code: 'bad-input', ...fields }) });
}

/** Checks every rule a plan must keep; returns the pool size. */
function expectValid(plan: PoolPlan, f: NetworkFacts): number {
  const [net, bits] = f.subnet.split('/');
  const size = 2 ** (32 - Number(bits));
  const network = Math.floor(toInt(net ?? '') / size) * size;
  const broadcast = network + size - 1;
  const gateway = f.gateway ? toInt(f.gateway) : network + 1;
  const forbidden = new Set([network, broadcast, gateway, ...f.used.map(toInt)]);
  expect(plan.pools.map((p) => p.name)).toEqual(['pool-01', 'pool-02']);
  const [a, b] = ranges(plan);
  if (!a || !b) throw new Error('two pools expected');
  for (const r of [a, b]) {
    expect(r.first).toBeGreaterThan(network);
    expect(r.last).toBeLessThan(broadcast);
    expect(r.last - r.first + 1).toBeGreaterThanOrEqual(MIN_POOL_SIZE);
    expect(r.last - r.first + 1).toBeLessThanOrEqual(POOL_SIZE);
    for (let n = r.first; n <= r.last; n++) expect(forbidden.has(n)).toBe(false);
  }
  expect(a.last < b.first || b.last < a.first).toBe(true);
  return a.last - a.first + 1;
}

// A small seeded generator, so a failing case can be replayed.
function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fromInt = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

describe('computePools', () => {
  it('gives the book pools on a /16, byte for byte', () => {
    const plan = computePools(facts('172.18.0.0/16', '172.18.0.1', ['172.18.0.2', '172.18.0.3']));
    expect(JSON.stringify(plan)).toBe(
      '{"subnet":"172.18.0.0/16","gateway":"172.18.0.1","pools":[{"name":"pool-01","addresses":["172.18.200.100-172.18.200.125"]},{"name":"pool-02","addresses":["172.18.201.200-172.18.201.225"]}]}',
    );
  });

  it('follows the first two octets of another /16 and normalises the subnet', () => {
    const plan = computePools(facts('10.42.7.9/16', '10.42.0.1'));
    expect(plan.subnet).toBe('10.42.0.0/16');
    expect(plan.pools.map((p) => p.addresses[0])).toEqual(['10.42.200.100-10.42.200.125', '10.42.201.200-10.42.201.225']);
  });

  it('leaves the book ranges when a container sits inside them, and stays valid', () => {
    const f = facts('172.18.0.0/16', '172.18.0.1', ['172.18.200.110']);
    const plan = computePools(f);
    expect(plan.pools[0]?.addresses[0]).not.toBe('172.18.200.100-172.18.200.125');
    expect(expectValid(plan, f)).toBe(POOL_SIZE);
  });

  it('cuts two pools from the top of a /24, skipping the broadcast address', () => {
    const f = facts('10.89.0.0/24', '10.89.0.1', ['10.89.0.2', '10.89.0.3']);
    const plan = computePools(f);
    expect(plan.pools.map((p) => p.addresses[0])).toEqual(['10.89.0.203-10.89.0.228', '10.89.0.229-10.89.0.254']);
    expectValid(plan, f);
  });

  it('steps around a used address near the top', () => {
    const f = facts('10.89.0.0/24', '10.89.0.1', ['10.89.0.240']);
    const plan = computePools(f);
    expect(plan.pools.map((p) => p.addresses[0])).toEqual(['10.89.0.188-10.89.0.213', '10.89.0.214-10.89.0.239']);
    expectValid(plan, f);
  });

  it('shrinks the pools on small subnets', () => {
    const f26 = facts('192.168.50.0/26', '192.168.50.1', ['192.168.50.2']);
    expect(expectValid(computePools(f26), f26)).toBe(POOL_SIZE);
    const f27 = facts('192.168.50.32/27', '192.168.50.33', ['192.168.50.34', '192.168.50.35']);
    expect(expectValid(computePools(f27), f27)).toBe(13);
  });

  it('uses the top of subnets larger than a /16', () => {
    const f = facts('172.16.0.0/12', '172.16.0.1');
    const plan = computePools(f);
    expect(plan.pools.map((p) => p.addresses[0])).toEqual(['172.31.255.203-172.31.255.228', '172.31.255.229-172.31.255.254']);
    expectValid(plan, f);
  });

  it('works on a /20 and keeps clear of the assumed gateway when none is reported', () => {
    const f = facts('172.20.16.0/20', null);
    const plan = computePools(f);
    expect(plan.gateway).toBeNull();
    expectValid(plan, f);
    expect(ranges(plan).every((r) => r.first > toInt('172.20.16.1'))).toBe(true);
  });

  it('is deterministic whatever the order of the used addresses', () => {
    const used = ['10.1.0.250', '10.1.0.5', '10.1.0.230', '10.1.0.180'];
    const a = computePools(facts('10.1.0.0/24', '10.1.0.1', used));
    const b = computePools(facts('10.1.0.0/24', '10.1.0.1', [...used].reverse()));
    expect(b).toEqual(a);
  });

  it('refuses subnets with no room for two pools of eight, on one line', () => {
    for (const f of [
      // A /28 has 13 addresses besides the gateway: never enough for 2 x 8.
      facts('10.0.0.0/28', '10.0.0.1', ['10.0.0.2', '10.0.0.3']),
      facts('10.0.0.0/29', '10.0.0.1'),
      facts('10.0.0.0/30', '10.0.0.1'),
      facts('10.0.0.0/32', null),
    ]) {
      expect(() => computePools(f)).toThrow(
        badInput({
          // One line, naming the limit, with a way out.
          message: expect.stringMatching(/^[^\n]*no room for two address pools of at least 8[^\n]*$/),
          hint: expect.stringMatching(/docker network create kind --subnet/),
        }),
      );
    }
  });

  it('rejects an IPv6 subnet or a malformed gateway', () => {
    expect(() => computePools(facts('fc00:f853:ccd:e793::/64', null))).toThrow(badInput({}));
    expect(() => computePools(facts('172.18.0.0/16', 'gateway'))).toThrow(badInput({ message: expect.stringMatching(/not an IPv4 address/) }));
  });

  it('keeps every rule over many prefix lengths and random used addresses', () => {
    const rand = mulberry32(20260101);
    let planned = 0;
    let refused = 0;
    for (let round = 0; round < 40; round++) {
      for (let prefix = 12; prefix <= 30; prefix++) {
        const size = 2 ** (32 - prefix);
        const network = Math.floor((toInt('10.0.0.0') + Math.floor(rand() * 2 ** 20) * 256) / size) * size;
        const subnet = `${fromInt(network)}/${prefix}`;
        const gateway = rand() < 0.2 ? null : fromInt(network + 1 + Math.floor(rand() * Math.min(size - 2, 4)));
        // Crowd the top half of the time, where the pools want to go, and the book ranges on a /16.
        const used: string[] = [];
        const count = Math.floor(rand() * 12);
        for (let i = 0; i < count; i++) {
          const near = rand() < 0.5 ? network + size - 2 - Math.floor(rand() * Math.min(size - 2, 80)) : network + 1 + Math.floor(rand() * (size - 2));
          used.push(fromInt(prefix === 16 && rand() < 0.3 ? network + 200 * 256 + 100 + Math.floor(rand() * 26) : near));
        }
        const f = facts(subnet, gateway, used);
        let plan: PoolPlan | null = null;
        try {
          plan = computePools(f);
        } catch (err) {
          expect((err as KindlabError).failure.code).toBe('bad-input');
        }
        if (plan) {
          planned++;
          expectValid(plan, f);
          expect(computePools({ ...f, used: [...used].reverse() })).toEqual(plan);
        } else {
          refused++;
          // A refusal must be honest: no two disjoint runs of MIN_POOL_SIZE free addresses exist.
          expect(size).toBeLessThanOrEqual(1024);
          const taken = new Set([network, network + size - 1, gateway ? toInt(gateway) : network + 1, ...used.map(toInt)]);
          let fits = 0;
          let run = 0;
          for (let n = network; n < network + size; n++) {
            run = taken.has(n) ? 0 : run + 1;
            if (run === MIN_POOL_SIZE) {
              fits++;
              run = 0;
            }
          }
          expect(fits).toBeLessThan(2);
        }
      }
    }
    expect(planned).toBeGreaterThan(500);
    expect(refused).toBeGreaterThan(0);
  });
});
