// Records test/fixtures/probes/*.json — what curl, nc, dig and nslookup print on a real kind
// cluster — so the probe parsers' specs (electron/engine/labs/probe-output.spec.ts and others)
// read real output instead of samples typed from memory.
//
//   npx tsx scripts/record-probes.ts --kubeconfig FILE [--out DIR]
//
// It needs a cluster kindlab built (kindlab up; in this repo's real world: scripts/realworld with
// kube-router, Traefik and MetalLB), `docker` and `kubectl` on PATH, and the probe images on the
// nodes. Each sample runs the way the engine runs its probes, with the engine's own arguments
// (curlArgs, digArgs, sessionScript): either `docker run --rm --network kind IMAGE …` (stdout and
// stderr kept apart) or a pod of the image with restartPolicy Never (its log, stdout and stderr
// merged as the kubelet keeps them, and its exit code). The targets are the lab manifests, applied
// with kubectl, plus a deny-all policy; the script deletes them
// at the end. The README beside the samples is generated here too.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PINS } from '../electron/engine/addons/pins.ts';
import { curlArgs, digArgs } from '../electron/engine/labs/probes.ts';
import { sessionScript } from '../electron/engine/labs/tcp-session.ts';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const CURL = DEFAULT_PINS.images.probe;
const NETSHOOT = DEFAULT_PINS.images.netshoot;
const BUSYBOX = 'busybox:1.37.0';
/** Every sample's object carries it, so that a run's leftovers are easy to find. */
const LABEL = 'kindlab.io/probe-sample';

interface Options {
  kubeconfig: string;
  out: string;
}

function parseArgs(argv: string[]): Options {
  let kubeconfig = process.env.KUBECONFIG ?? '';
  let out = join(REPO, 'test', 'fixtures', 'probes');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--kubeconfig') kubeconfig = argv[++i] ?? '';
    else if (a === '--out') out = argv[++i] ?? '';
    else if (a === '-h' || a === '--help') {
      console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(0, 15).join('\n'));
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!kubeconfig) throw new Error('--kubeconfig is needed (or KUBECONFIG)');
  return { kubeconfig, out };
}

const opts = parseArgs(process.argv.slice(2));

function run(cmd: string, args: string[], input?: string): { code: number; stdout: string; stderr: string; ms: number } {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', input, env: { ...process.env, KUBECONFIG: opts.kubeconfig }, maxBuffer: 16 << 20 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ms: Date.now() - t0 };
}

function kubectl(...args: string[]): string {
  const r = run('kubectl', args);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout;
}

function apply(yaml: string): void {
  const r = run('kubectl', ['apply', '-f', '-'], yaml);
  if (r.code !== 0) throw new Error(`kubectl apply: ${r.stderr.trim()}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ── samples ──

interface Sample {
  name: string;
  /** What the sample shows, in a few words. */
  shows: string;
  /** Where it ran: a throwaway container on the kind network, or a pod. */
  where: string;
  argv: string[];
  exitCode: number;
  /** docker run: the two streams; a pod: its log. */
  stdout?: string;
  stderr?: string;
  log?: string;
  durationMs: number;
}

const samples: Sample[] = [];

function save(s: Sample): void {
  samples.push(s);
  writeFileSync(join(opts.out, `${s.name}.json`), `${JSON.stringify(s, null, 2)}\n`);
  console.error(`[probe] ${s.name}: exit ${s.exitCode} in ${s.durationMs} ms`);
}

/** A throwaway container on the kind network, as probes.ts runs it. */
function onKindNetwork(name: string, shows: string, image: string, command: string[]): void {
  const argv = ['docker', 'run', '--rm', '--network', 'kind', image, ...command];
  const r = run(argv[0] ?? 'docker', argv.slice(1));
  save({ name, shows, where: 'docker run --rm --network kind', argv, exitCode: r.code, stdout: r.stdout, stderr: r.stderr, durationMs: r.ms });
}

let podSeq = 0;

/** A pod that runs the command once, as pod-probe.ts creates it; its log and exit code. */
async function inPod(name: string, shows: string, namespace: string, image: string, command: string[], labels: Record<string, string> = {}): Promise<void> {
  const pod = `probe-sample-${++podSeq}`;
  const spec = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: pod, namespace, labels: { [LABEL]: 'true', ...labels } },
    spec: { restartPolicy: 'Never', terminationGracePeriodSeconds: 0, automountServiceAccountToken: false, enableServiceLinks: false, containers: [{ name: 'probe', image, command }] },
  };
  const t0 = Date.now();
  apply(JSON.stringify(spec));
  let phase = '';
  for (let i = 0; i < 600 && phase !== 'Succeeded' && phase !== 'Failed'; i++) {
    await sleep(250);
    phase = kubectl('get', 'pod', pod, '-n', namespace, '-o', 'jsonpath={.status.phase}').trim();
  }
  const ms = Date.now() - t0;
  if (phase !== 'Succeeded' && phase !== 'Failed') throw new Error(`${pod} did not finish (phase ${phase})`);
  const exitCode = Number(kubectl('get', 'pod', pod, '-n', namespace, '-o', 'jsonpath={.status.containerStatuses[0].state.terminated.exitCode}').trim());
  const log = kubectl('logs', pod, '-n', namespace);
  run('kubectl', ['delete', 'pod', pod, '-n', namespace, '--wait=false']);
  save({ name, shows, where: `a pod in namespace ${namespace}`, argv: command, exitCode, log, durationMs: ms });
}

// ── the targets ──

function labManifest(lab: string, file: string, vars: Record<string, string> = {}): string {
  let text = readFileSync(join(REPO, 'labs', lab, 'manifests', file), 'utf8');
  for (const [k, v] of Object.entries(vars)) text = text.split(`{{${k}}}`).join(v);
  return text;
}

/** Every pod of nginx-frontend refuses every ingress (kube-router rejects what a policy denies). */
const DENY_FRONTEND = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'probe-sample-deny', namespace: 'default', labels: { [LABEL]: 'true' } },
  spec: { podSelector: { matchLabels: { run: 'nginx-frontend' } }, policyTypes: ['Ingress'] },
};

const TARGETS = [
  labManifest('services', 'nginx-frontend-deployment.yaml'),
  labManifest('services', 'nginx-frontend-service.yaml'),
  labManifest('loadbalancer', 'nginx-lb.yaml'),
  labManifest('ingress', 'nginx-web.yaml'),
  labManifest('ingress', 'nginx-ingress.yaml', { ingressDashed: '127-0-0-1' }),
  labManifest('externalname', 'finance-namespace.yaml'),
  labManifest('externalname', 'sql-db-externalname.yaml'),
];

function jsonpath(kind: string, name: string, namespace: string | null, path: string): string {
  return kubectl('get', kind, name, ...(namespace ? ['-n', namespace] : []), '-o', `jsonpath={${path}}`).trim();
}

async function until<T>(what: string, get: () => T | null | undefined | ''): Promise<T> {
  for (let i = 0; i < 240; i++) {
    const v = get();
    if (v) return v;
    await sleep(500);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function main(): Promise<void> {
  mkdirSync(opts.out, { recursive: true });
  for (const t of TARGETS) apply(t);
  kubectl('wait', '--for=condition=Ready', 'pod', '-l', 'run=nginx-frontend', '-n', 'default', '--timeout=180s');
  kubectl('wait', '--for=condition=Ready', 'pod', 'nginx-lb', '-n', 'default', '--timeout=180s');
  kubectl('wait', '--for=condition=Ready', 'pod', '-l', 'app=nginx-web', '-n', 'default', '--timeout=180s');
  const lb = await until('the LoadBalancer address of nginx-lb', () => jsonpath('service', 'nginx-lb', 'default', '.status.loadBalancer.ingress[0].ip'));
  const worker = jsonpath('node', 'cluster01-worker', null, '.status.addresses[?(@.type=="InternalIP")].address');
  const frontendIP = jsonpath('service', 'nginx-frontend', 'default', '.spec.clusterIP');
  const podIP = jsonpath('pod', 'nginx-lb', 'default', '.status.podIP');
  // A Service without endpoints is no target for a refusal here: on kube-router a pod's packets to
  // it are ACCEPTed (FORWARD, from kube-bridge) before kube-proxy's REJECT and leave the node.
  // An address of pool-01 that no Service holds: nobody answers ARP for it on the kind network.
  const unannounced = lb.replace(/\.(\d+)$/, (_m, d: string) => `.${Number(d) + 20}`);
  // An address of the worker's pod range that no pod holds: the node routes it to its pod bridge,
  // where nobody answers. (An address outside the cluster is no use here: this machine's own
  // network answers every TCP connection and DNS query that leaves it, see the README.)
  const podCIDR = jsonpath('node', 'cluster01-worker', null, '.spec.podCIDR');
  const absentPod = podCIDR.replace(/\.\d+\/\d+$/, '.250');
  await until('Traefik serving the Ingress', () => run('docker', ['run', '--rm', '--network', 'kind', CURL, ...curlArgs({ address: worker, port: 80, path: '/', host: 'webserver.127-0-0-1.nip.io', timeoutS: 5 })]).stdout.endsWith('\n200'));
  console.error(`[probe] targets: LB ${lb}, worker ${worker}, nginx-frontend ${frontendIP}, pod ${podIP}, unannounced ${unannounced}, absent pod ${absentPod}`);

  try {
    const http = (address: string, port: number, extra: { host?: string; scheme?: 'http' | 'https'; timeoutS?: number } = {}) =>
      curlArgs({ address, port, path: '/', timeoutS: extra.timeoutS ?? 5, ...(extra.host ? { host: extra.host } : {}), ...(extra.scheme ? { scheme: extra.scheme } : {}) });

    // curl, as the HTTP checks run it from the kind network (curlimages/curl: arguments go to curl).
    onKindNetwork('curl-200', 'an answer: the body, then the status line that -w writes', CURL, http(lb, 80));
    onKindNetwork('curl-404-ingress', 'the ingress controller (Traefik) for a host no rule names', CURL, http(worker, 80, { host: 'other.example' }));
    onKindNetwork('curl-refused', 'a closed port on a node: refused at once', CURL, http(worker, 8081));
    onKindNetwork('curl-no-arp-answer', 'an address of the kind network nobody announces: exit 7 after about 3 s (no ARP answer), worded like a refusal', CURL, http(unannounced, 80));
    onKindNetwork('curl-timeout', 'the same unannounced address within -m 2: exit 28', CURL, http(unannounced, 80, { timeoutS: 2 }));
    onKindNetwork('curl-unknown-host', 'a name no resolver knows', CURL, [...http(lb, 80).slice(0, -1), 'http://webserver.example.invalid/']);
    onKindNetwork('curl-tls-k', 'HTTPS with -k and --resolve through the ingress controller\'s default certificate', CURL, http(worker, 443, { host: 'webserver.127-0-0-1.nip.io' }));
    onKindNetwork('curl-tls-untrusted', 'the same without -k: the self-signed certificate is refused', CURL, http(worker, 443, { host: 'webserver.127-0-0-1.nip.io' }).filter((a) => a !== '-k'));
    onKindNetwork('curl-tls-plain-port', 'HTTPS to a port that speaks plain HTTP (nginx behind the LoadBalancer)', CURL, http(lb, 80, { scheme: 'https' }));

    // curl from a pod (netshoot), as httpFromPod runs it: the log interleaves body and errors.
    await inPod('curl-pod-200', 'curl from a pod to a ClusterIP Service', 'default', NETSHOOT, ['curl', ...http(frontendIP, 80)]);
    await inPod('curl-pod-refused', 'curl from a pod to a closed port of a pod: stderr and stdout in one log', 'default', NETSHOOT, ['curl', ...http(podIP, 9999)]);

    // nc (OpenBSD, netshoot), as the TCP checks run it: nc -z -v -w T.
    await inPod('nc-open', 'a Service port that answers', 'default', NETSHOOT, ['nc', '-z', '-v', '-w', '3', frontendIP, '80']);
    await inPod('nc-refused', 'a closed port of a pod', 'default', NETSHOOT, ['nc', '-z', '-v', '-w', '3', podIP, '9999']);
    await inPod('nc-absent-pod', 'an address of the pod range that no pod holds', 'default', NETSHOOT, ['nc', '-z', '-v', '-w', '3', absentPod, '80']);
    await inPod('nc-unknown-name', 'a name that does not resolve', 'default', NETSHOOT, ['nc', '-z', '-v', '-w', '3', 'db', '5432']);
    onKindNetwork('nc-kind-network-open', 'from the kind network to a LoadBalancer address', NETSHOOT, ['nc', '-z', '-v', '-w', '3', lb, '80']);
    onKindNetwork('nc-kind-network-no-arp', 'from the kind network to an address nobody announces', NETSHOOT, ['nc', '-z', '-v', '-w', '3', unannounced, '80']);
    await inPod('nc-busybox-open', 'busybox nc: an open port', 'default', BUSYBOX, ['nc', '-z', '-v', '-w', '3', frontendIP, '80']);
    await inPod('nc-busybox-refused', 'busybox nc: a closed port', 'default', BUSYBOX, ['nc', '-z', '-v', '-w', '3', podIP, '9999']);

    // The TCP checks' client session (tcp-session.ts), against an open and a closed port.
    await inPod('session-open', 'the TCP check\'s session script, ending at the first accepted connection', 'default', NETSHOOT, ['sh', '-c', sessionScript(frontendIP, 80, 3, { pausesS: [0.25, 0.5], stopOnOpen: true })]);
    await inPod('session-refused', 'the session script against a closed port: three refusals', 'default', NETSHOOT, ['sh', '-c', sessionScript(podIP, 9999, 3, { pausesS: [0.25, 0.5], stopOnOpen: false })]);
    // kube-router rejects what a policy denies: the same refusal as a closed port.
    apply(JSON.stringify(DENY_FRONTEND));
    await sleep(3000);
    const frontendPod = kubectl('get', 'pods', '-l', 'run=nginx-frontend', '-n', 'default', '-o', 'jsonpath={.items[0].status.podIP}').trim();
    await inPod('nc-policy-rejected', 'a pod port that a deny-all NetworkPolicy covers (kube-router rejects it)', 'default', NETSHOOT, ['nc', '-z', '-v', '-w', '3', frontendPod, '8080']);
    run('kubectl', ['delete', 'networkpolicy', DENY_FRONTEND.metadata.name, '-n', 'default']);

    // dig (netshoot), as the DNS checks run it.
    const dig = (name: string, extra: { qtype?: 'A' | 'CNAME'; server?: string; tcp?: boolean } = {}) => ['dig', ...digArgs({ name, timeoutS: 3, ...extra, tcp: extra.tcp ?? false })];
    await inPod('dig-a', 'an A record of a Service, with +search', 'default', NETSHOOT, dig('nginx-frontend'));
    await inPod('dig-cname', 'the CNAME of an ExternalName Service', 'finance', NETSHOOT, dig('sql-db', { qtype: 'CNAME' }));
    await inPod('dig-nxdomain', 'a name that does not exist: every search domain tried, NXDOMAIN', 'default', NETSHOOT, dig('nope'));
    await inPod('dig-tcp', 'the A record over TCP', 'default', NETSHOOT, dig('nginx-frontend', { tcp: true }));
    await inPod('dig-no-server', 'a server address where nothing answers', 'default', NETSHOOT, dig('nginx-frontend', { server: absentPod }));
    await inPod('dig-pod-refused', 'a pod where nothing listens on port 53', 'default', NETSHOOT, dig('nginx-frontend', { server: podIP }));
    await inPod('dig-no-server-tcp', 'over TCP, a server address where nothing answers', 'default', NETSHOOT, dig('nginx-frontend', { server: absentPod, tcp: true }));

    // nslookup (netshoot): the labs' texts use it at the learner's prompt.
    await inPod('nslookup-a', 'a Service name', 'default', NETSHOOT, ['nslookup', 'nginx-frontend']);
    await inPod('nslookup-cname', 'an ExternalName Service', 'finance', NETSHOOT, ['nslookup', 'sql-db']);
    await inPod('nslookup-nxdomain', 'a name that does not exist', 'default', NETSHOOT, ['nslookup', 'nope']);
    await inPod('nslookup-no-server', 'a server address where nothing answers', 'default', NETSHOOT, ['nslookup', '-timeout=2', 'nginx-frontend', absentPod]);
  } finally {
    run('kubectl', ['delete', 'pods', '-l', LABEL, '-A', '--wait=false']);
    run('kubectl', ['delete', 'networkpolicy', '-l', LABEL, '-A']);
    for (const t of [...TARGETS].reverse()) run('kubectl', ['delete', '--ignore-not-found', '--wait=false', '-f', '-'], t);
  }
  writeReadme({ lb, worker, frontendIP, podIP, unannounced, absentPod });
  console.error(`[probe] wrote ${samples.length} sample(s) and README.md to ${opts.out}`);
}

function versions(): string {
  const v = (image: string, sh: string) => run('docker', ['run', '--rm', '--entrypoint', 'sh', image, '-c', sh]).stdout.trim().split('\n')[0] ?? '?';
  return [
    `curl in ${CURL}: \`${v(CURL, 'curl --version')}\``,
    `curl in ${NETSHOOT}: \`${v(NETSHOOT, 'curl --version')}\``,
    `dig and nslookup in ${NETSHOOT}: \`${v(NETSHOOT, 'dig -v 2>&1')}\``,
    `nc in ${NETSHOOT}: \`${v(NETSHOOT, 'nc -h 2>&1')}\``,
    `nc in ${BUSYBOX}: \`${v(BUSYBOX, 'busybox 2>&1 | head -1')}\``,
  ].map((l) => `- ${l}`).join('\n');
}

function writeReadme(t: Record<string, string>): void {
  const rows = samples.map((s) => `| \`${s.name}.json\` | ${s.where} | \`${s.argv.join(' ').replace(/\|/g, '\\|').replace(/\n/g, '\\n')}\` | ${s.exitCode} | ${s.shows} |`);
  const text = [
    '# test/fixtures/probes — what the probe tools print on a real kind cluster',
    '',
    'Recorded by `npx tsx scripts/record-probes.ts --kubeconfig …` on a kind cluster that kindlab built in',
    'the real world of scripts/realworld (kind v0.33.0, kube-router, Traefik, MetalLB v0.16.1; Docker',
    'Engine 20.10). Each file is one run: the command (the engine\'s own curlArgs, digArgs and',
    'sessionScript), its exit code, and either the stdout and stderr of `docker run --rm --network kind',
    'IMAGE …` or the log of a pod (restartPolicy Never) that ran it, which is how the engine reads',
    'them. `durationMs` includes starting the container or the pod. Do not edit them by hand.',
    '',
    'The images are the world\'s stand-ins (scripts/realworld/images/README.md), built from Debian 12',
    'packages, not upstream\'s Alpine-based images; the tools and versions that printed these:',
    '',
    versions(),
    '',
    'Upstream\'s curlimages/curl:8.22.0 has curl 8.22 and nicolaka/netshoot:v0.15 Alpine\'s BIND and',
    'netcat-openbsd; their wording differs in places (curl 8 says "Could not connect to server" where',
    '7.88 says "Couldn\'t connect to server"; musl says "Name does not resolve" where glibc says "Name or',
    'service not known"). The parsers rely on exit codes and on what both versions print.',
    '',
    `Targets: nginx-lb's LoadBalancer address ${t.lb}, the worker ${t.worker} (Traefik on 80 and 443),`,
    `the nginx-frontend Service ${t.frontendIP}, the nginx-lb pod ${t.podIP}, an address of pool-01 that`,
    `no Service holds ${t.unannounced}, and an address of the worker's pod range that no pod holds`,
    `${t.absentPod}.`,
    '',
    'This machine\'s own network answers every TCP connection and every DNS query that leaves it (a',
    'connection to any outside address is accepted, any outside name is NXDOMAIN), so no sample aims',
    'outside the cluster and the kind network: a learner\'s machine would time out or resolve there.',
    'For the same reason no sample shows a Service without endpoints: kube-proxy programs a REJECT',
    'for it, but on kube-router a pod\'s packets are ACCEPTed by kube-router\'s FORWARD rule for',
    'traffic from kube-bridge before kube-proxy\'s chain is reached, so they leave the node (on this',
    'machine something outside answers them; elsewhere they time out).',
    '',
    '| file | where | command | exit | what it shows |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ];
  writeFileSync(join(opts.out, 'README.md'), text.join('\n'));
}

main().catch((err: unknown) => {
  console.error(`record-probes: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
