// CacheService's decisions against a scripted docker: what it creates, starts, recreates,
// connects and writes, and what it leaves alone.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PINS } from '../addons/pins.ts';
import type { EngineContext } from '../context.ts';
import type { RunOptions, RunResult } from '../tools/run.ts';
import { CacheService } from './service.ts';

type Answer = Partial<Pick<RunResult, 'exitCode' | 'stdout' | 'stderr'>>;

function service(answer: (args: string[], input?: string) => Answer) {
  const calls: string[] = [];
  const tools = {
    run: async (_tool: string, args: string[], opts: RunOptions = {}): Promise<RunResult> => {
      calls.push(args.join(' '));
      const a = answer(args, opts.input);
      const r = { command: ['docker', ...args], exitCode: a.exitCode ?? 0, stdout: a.stdout ?? '', stderr: a.stderr ?? '', durationMs: 1 };
      if (r.exitCode !== 0 && !opts.allowFailure) throw new Error(`docker ${args.join(' ')} failed`);
      return r;
    },
    commandFailed: (r: RunResult) => new Error(r.stderr),
  };
  const ctx = { pins: DEFAULT_PINS, dataDir: '/nonexistent', tools, cache: { enabled: true, mode: 'proxy' } } as unknown as EngineContext;
  return { svc: new CacheService(ctx), calls };
}

const row = (upstream: string, mode: string, state = 'running') => JSON.stringify({ Names: `kindlab-cache-${upstream}`, State: state, Labels: `io.kindlab.cache=${upstream},io.kindlab.cache.mode=${mode}`, Ports: `127.0.0.1:5101->5000/tcp` });

describe('CacheService.ensure', () => {
  it('creates volume and container for each upstream, on the kind network when it exists', async () => {
    const { svc, calls } = service((args) => (args[0] === 'ps' ? { stdout: '' } : {}));
    const r = await svc.ensure('proxy');
    expect(r.changed).toEqual(['kindlab-cache-docker.io', 'kindlab-cache-quay.io', 'kindlab-cache-registry.k8s.io']);
    expect(calls.filter((c) => c.startsWith('volume create'))).toHaveLength(3);
    expect(calls.find((c) => c.startsWith('run -d --name kindlab-cache-quay.io'))).toContain('--network kind');
  });

  it('leaves a running cache of the same mode alone, starts a stopped one, recreates one of the other mode', async () => {
    const ps = [row('docker.io', 'proxy'), row('quay.io', 'proxy', 'exited'), row('registry.k8s.io', 'local')].join('\n');
    const { svc, calls } = service((args) => (args[0] === 'ps' ? { stdout: ps } : args[0] === 'network' ? { exitCode: 1, stderr: 'network kind not found' } : {}));
    const r = await svc.ensure('proxy');
    expect(r.changed).toEqual(['kindlab-cache-quay.io', 'kindlab-cache-registry.k8s.io']);
    expect(calls).toContain('start kindlab-cache-quay.io');
    expect(calls).toContain('rm -f kindlab-cache-registry.k8s.io');
    // No kind network yet: started without one, attach connects it later.
    expect(calls.find((c) => c.startsWith('run -d --name kindlab-cache-registry.k8s.io'))).not.toContain('--network');
    expect(calls.some((c) => c.includes('kindlab-cache-docker.io') && !c.startsWith('ps'))).toBe(false);
  });
});

describe('CacheService.attach', () => {
  it('connects each cache and writes each hosts file into each node, counting only real writes', async () => {
    const { svc, calls } = service((args, input) => {
      if (args[0] === 'network') return args[3] === 'kindlab-cache-docker.io' ? { exitCode: 1, stderr: 'Error response from daemon: endpoint with name kindlab-cache-docker.io already exists in network kind' } : {};
      if (args[0] === 'exec') return { stdout: `${input?.includes('quay.io') ? 'unchanged' : 'written'} ${args.at(-1)}\n` };
      return {};
    });
    const r = await svc.attach(['n1', 'n2']);
    expect(r.connected).toEqual(['kindlab-cache-quay.io', 'kindlab-cache-registry.k8s.io']);
    expect(r.files).toHaveLength(6);
    expect(r.written).toEqual(['n1:/etc/containerd/certs.d/docker.io/hosts.toml', 'n1:/etc/containerd/certs.d/registry.k8s.io/hosts.toml', 'n2:/etc/containerd/certs.d/docker.io/hosts.toml', 'n2:/etc/containerd/certs.d/registry.k8s.io/hosts.toml']);
    expect(calls.filter((c) => c.startsWith('exec -i n1 sh -c'))).toHaveLength(3);
  });
});

describe('CacheService.clear and planSteps', () => {
  it('removes exactly the labelled containers and volumes', async () => {
    const { svc, calls } = service((args) => (args[0] === 'ps' ? { stdout: row('docker.io', 'proxy') } : args[0] === 'volume' && args[1] === 'ls' ? { stdout: 'kindlab-cache-docker.io\nkindlab-cache-quay.io\n' } : {}));
    expect((await svc.clear()).removed).toEqual(['kindlab-cache-docker.io', 'kindlab-cache-quay.io']);
    expect(calls).toContain('rm -f kindlab-cache-docker.io');
    expect(calls).toContain('volume rm -f kindlab-cache-docker.io kindlab-cache-quay.io');
  });

  it('plans a docker run per cache and a hosts file per node and upstream, running nothing', () => {
    const { svc, calls } = service(() => ({}));
    const steps = svc.planSteps('local', ['a', 'b']);
    expect(steps.filter((s) => s.phase === 'cache')).toHaveLength(3);
    expect(steps.filter((s) => s.phase === 'mirrors')).toHaveLength(6);
    expect(JSON.stringify(steps)).not.toContain('REGISTRY_PROXY_REMOTEURL');
    expect(calls).toEqual([]);
  });
});
