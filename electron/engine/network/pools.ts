// Plans MetalLB's two address pools inside the IPv4 subnet of the `kind` network.
//
// On a /16 (Docker's usual kind network) the pools are exactly the book's, so the addresses the
// chapter prints (x.y.200.100…, x.y.201.200…) are the ones the learner sees. Elsewhere the pools
// are cut from the top of the subnet, because Docker hands container addresses out from the
// bottom. Either way no pool may contain the network, broadcast or gateway address or an
// address a container already holds: MetalLB would hand it out and break that container.
import ipaddr from 'ipaddr.js';
import type { PoolPlan } from '../../api.ts';
import { KindlabError } from '../errors.ts';
import type { NetworkFacts } from './inspect.ts';

/** The book's pools hold 26 addresses each (.100–.125, .200–.225). */
export const POOL_SIZE = 26;
/** Below this a pool is too small for the labs' LoadBalancer Services. */
export const MIN_POOL_SIZE = 8;

interface Run {
  first: number;
  last: number;
}

// IPv4 addresses as unsigned integers; plain arithmetic, because JavaScript's bitwise
// operators are signed 32-bit.
function toInt(address: string): number {
  return ipaddr.IPv4.parse(address).octets.reduce((n, octet) => n * 256 + octet, 0);
}

function toAddress(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

function badInput(message: string, hint: string): KindlabError {
  return new KindlabError({ code: 'bad-input', message, hint });
}

const BIGGER_SUBNET_HINT =
  'Give the kind network a larger subnet (a /24 or bigger): delete the kind clusters, run `docker network rm kind`, then `docker network create kind --subnet 172.30.0.0/16` before creating the cluster again.';

/** The two book ranges for a /16 whose network address is `network`. */
function bookRuns(network: number): [Run, Run] {
  return [
    { first: network + 200 * 256 + 100, last: network + 200 * 256 + 125 },
    { first: network + 201 * 256 + 200, last: network + 201 * 256 + 225 },
  ];
}

/** Free stretches of [low, high] between the reserved addresses, highest first. */
function freeRunsFromTop(low: number, high: number, reserved: Set<number>): Run[] {
  const cuts = [...reserved].filter((n) => n >= low && n <= high).sort((a, b) => b - a);
  const runs: Run[] = [];
  let top = high;
  for (const cut of cuts) {
    if (cut < top) runs.push({ first: cut + 1, last: top });
    top = cut - 1;
  }
  if (top >= low) runs.push({ first: low, last: top });
  return runs;
}

/** Cuts two runs of `size` addresses from the top down; greedy packing is optimal here. */
function placeTwo(free: Run[], size: number): [Run, Run] | null {
  const picked: Run[] = [];
  for (const run of free) {
    let top = run.last;
    while (top - run.first + 1 >= size && picked.length < 2) {
      picked.push({ first: top - size + 1, last: top });
      top -= size;
    }
    if (picked.length === 2) break;
  }
  // picked[0] is the higher one: it becomes pool-02, as in the book where pool-02 is above pool-01.
  return picked.length === 2 ? [picked[1] as Run, picked[0] as Run] : null;
}

export function computePools(facts: NetworkFacts): PoolPlan {
  if (!ipaddr.IPv4.isValidCIDRFourPartDecimal(facts.subnet)) {
    throw badInput(`"${facts.subnet}" is not an IPv4 subnet`, 'Pass the IPv4 entry of `docker network inspect kind` (for example 172.18.0.0/16).');
  }
  const [base, prefix] = ipaddr.IPv4.parseCIDR(facts.subnet);
  const size = 2 ** (32 - prefix);
  const network = Math.floor(toInt(base.toString()) / size) * size;
  const broadcast = network + size - 1;
  const subnet = `${toAddress(network)}/${prefix}`;

  if (facts.gateway !== null && !ipaddr.IPv4.isValidFourPartDecimal(facts.gateway)) {
    throw badInput(`the gateway "${facts.gateway}" is not an IPv4 address`, 'Pass the IPv4 gateway of the kind network, or none.');
  }
  // With no gateway reported, keep clear of the address Docker and Podman give the gateway.
  const reserved = new Set<number>([facts.gateway ? toInt(facts.gateway) : network + 1]);
  // Addresses that are not IPv4 or lie outside the subnet cannot collide with a pool.
  for (const a of facts.used) if (ipaddr.IPv4.isValidFourPartDecimal(a)) reserved.add(toInt(a));

  const plan = (runs: [Run, Run]): PoolPlan => ({
    subnet,
    gateway: facts.gateway,
    pools: runs.map((r, i) => ({ name: `pool-0${i + 1}`, addresses: [`${toAddress(r.first)}-${toAddress(r.last)}`] })),
  });

  if (prefix === 16) {
    const book = bookRuns(network);
    const clash = [...reserved].some((n) => book.some((r) => n >= r.first && n <= r.last));
    // A container sitting inside the book's ranges is rare; the generic rule below still gives a valid plan.
    if (!clash) return plan(book);
  }

  if (prefix <= 30) {
    const free = freeRunsFromTop(network + 1, broadcast - 1, reserved);
    for (let want = POOL_SIZE; want >= MIN_POOL_SIZE; want--) {
      const runs = placeTwo(free, want);
      if (runs) return plan(runs);
    }
  }
  throw badInput(`the subnet ${subnet} has no room for two address pools of at least ${MIN_POOL_SIZE} free addresses each`, BIGGER_SUBNET_HINT);
}
