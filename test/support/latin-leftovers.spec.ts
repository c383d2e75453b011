import { describe, expect, it } from 'vitest';
import { latinLeftovers, ordinaryWords } from './latin-leftovers.ts';

describe('latinLeftovers: English left in Chinese output', () => {
  it('passes Chinese sentences that quote commands, names and values', () => {
    const ok = [
      '集群已就绪',
      '先运行 kindlab up 创建集群。',
      '没有找到 kind：从 https://kind.sigs.k8s.io/dl/v0.33.0/kind-linux-amd64 下载',
      '在 Docker Desktop 里把内存调到 6 GiB',
      'Calico v3.32.1 与 MetalLB 0.15.3 已就绪',
      'Service nginx-frontend 的 EndpointSlice 有 3 个地址',
      '用 curl -H "Host: webserver.127-0-0-1.nip.io" http://172.18.200.100/ 访问',
      '第 1 步，共 5 步',
    ];
    for (const line of ok) expect(latinLeftovers(line), line).toEqual([]);
  });

  it('passes lines that are only a command, a name, a path, a URL, a version or a value', () => {
    const ok = [
      '$ sudo systemctl start docker',
      'kubectl get ep nginx-frontend',
      '$ kind create cluster --name cluster01 --config kind.yaml',
      'kindlab up --dry-run',
      'Kubernetes',
      'MetalLB',
      'ingress-nginx',
      'kube-router · Traefik',
      '/tmp/kindlab/cluster01/kubeconfig',
      '~/.kube/config',
      'https://github.com/metallb/metallb/releases',
      'v1.35.8',
      'kindest/node:v1.35.8@sha256:07b2536e',
      '172.18.200.100 – .125',
      'pool-01',
      'run=nginx-frontend',
      'app.kubernetes.io/name: postgresql',
      'KUBECONFIG',
      'CrashLoopBackOff',
      'hostPort 80 · 443',
      'EN',
      '10.96.0.0/16',
      'nip.io',
    ];
    for (const line of ok) expect(latinLeftovers(line), line).toEqual([]);
  });

  it('flags English sentences, words and labels', () => {
    const bad = [
      'No cluster yet: this step runs against it.',
      'phases:',
      '✗ preflight: failed in 0.5s',
      'Build cluster',
      'ready',
      'Cannot read the cluster',
      'kind was not found',
      'What to do',
      'Docker is not running',
    ];
    for (const line of bad) expect(latinLeftovers(line), line).toEqual([line]);
  });

  it('flags an English sentence inside a Chinese line, not a name or two', () => {
    expect(latinLeftovers('原因：could not read the cluster status')).toHaveLength(1);
    expect(latinLeftovers('集群 cluster01 已删除（Docker 与 kind）')).toEqual([]);
  });

  it('a command ends at its sentence; the sentence after it is read', () => {
    expect(latinLeftovers('kindlab up. Then open the labs')).toHaveLength(1);
    expect(ordinaryWords('kubectl get pods -A')).toEqual([]);
  });

  it('known values (a tool’s own words) may be allowed by the caller', () => {
    const stderr = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';
    expect(latinLeftovers(stderr)).toHaveLength(1);
    expect(latinLeftovers(stderr, { values: [/Cannot connect to the Docker daemon.*running\?/] })).toEqual([]);
  });

  it('reports each offending line once, trimmed', () => {
    expect(latinLeftovers('  集群\n  Show the log  \n第 1 步')).toEqual(['Show the log']);
  });
});
