import { describe, expect, it } from 'vitest';
import { execArgs, kubectlShape, leftoverRunPod, ownTimeoutMs, parseDuration, splitCommand } from './argv.ts';
import { outputExcerpt, rerunReason, unmetExpectations } from './command-outcome.ts';
import { sayer } from './say.ts';

const say = sayer('en');

describe('splitCommand', () => {
  it('splits quotes the way a shell would, without a shell', () => {
    expect(splitCommand(`kubectl run tmp --image 'nicolaka/netshoot:v0.15' -- sh -c "nc -zv 10.0.0.1 80"`)).toEqual({
      tool: 'kubectl',
      args: ['run', 'tmp', '--image', 'nicolaka/netshoot:v0.15', '--', 'sh', '-c', 'nc -zv 10.0.0.1 80'],
    });
  });

  it("passes a single-quoted script to the pod's own shell as one word, $ and ; included", () => {
    expect(splitCommand(`kubectl run t --rm -i -- sh -c 'sleep 2; timeout 5 telnet db 5432 </dev/null; echo exit code $?'`).args.slice(-3)).toEqual([
      'sh',
      '-c',
      'sleep 2; timeout 5 telnet db 5432 </dev/null; echo exit code $?',
    ]);
  });

  it.each([
    ['kubectl get pods | grep web', /operator \|/],
    [`kubectl run t -- sh -c "echo $HOME"`, /\$/],
    [`kubectl run t -- sh -c "it's $HOME"`, /\$/],
    [`kubectl get pods -l 'app=web' $X`, /\$/],
    ['kubectl get pods > out.txt', /operator >/],
    ['kubectl get pods; rm -rf /', /operator ;/],
    ['kubectl get pods && echo ok', /operator &&/],
    ['kubectl get pods -l app=$APP', /\$/],
    ['kubectl get `whoami`', /`/],
    ['kubectl get pods *', /glob/],
    ['kubectl get pods # all', /comment/],
    ['rm -rf /', /only kubectl and docker/],
    ['kubectl --kubeconfig /etc/other get pods', /--kubeconfig/],
  ])('rejects %s', (cmd, why) => {
    expect(() => splitCommand(cmd)).toThrow(why);
  });
});

describe('execArgs', () => {
  it('puts --kubeconfig right after kubectl and leaves docker alone', () => {
    expect(execArgs(splitCommand('kubectl get svc -n database'), '/data/kubeconfig', '/labs/dns')).toEqual(['--kubeconfig', '/data/kubeconfig', 'get', 'svc', '-n', 'database']);
    expect(execArgs(splitCommand('docker network inspect kind'), '/data/kubeconfig', '/labs/x')).toEqual(['network', 'inspect', 'kind']);
  });

  it('makes manifest paths absolute in the lab folder', () => {
    expect(execArgs(splitCommand('kubectl apply -f manifests/a.yaml'), '/k', '/labs/l')).toEqual(['--kubeconfig', '/k', 'apply', '-f', '/labs/l/manifests/a.yaml']);
    expect(execArgs(splitCommand('kubectl apply --filename=manifests/a.yaml'), '/k', '/labs/l')).toEqual(['--kubeconfig', '/k', 'apply', '--filename=/labs/l/manifests/a.yaml']);
  });
});

describe('kubectl shape', () => {
  it('finds verb, operands and namespace around flags', () => {
    expect(kubectlShape(['-n', 'sales', 'run', 'tmp-shell', '--rm', '-i', '--image', 'x', '--', 'nc', 'a'])).toMatchObject({ verb: 'run', operands: ['tmp-shell'], namespace: 'sales' });
    expect(kubectlShape(['expose', 'deployment', 'nginx-web', '--port=8080'])).toMatchObject({ verb: 'expose', operands: ['deployment', 'nginx-web'], namespace: null });
  });

  it('names the leftover pod of a kubectl run --rm', () => {
    expect(leftoverRunPod(splitCommand('kubectl run tmp-shell -n productionweb --rm -i --restart=Never --image nicolaka/netshoot:v0.15 -- dig mysql-web'))).toEqual({ name: 'tmp-shell', namespace: 'productionweb' });
    expect(leftoverRunPod(splitCommand('kubectl run nginx-lb --image nginx'))).toBeNull();
  });
});

describe('re-runs and expectations', () => {
  const failed = (stderr: string) => ({ exitCode: 1, stdout: '', stderr });

  it('treats AlreadyExists of create-style commands and NotFound of deletes as done', () => {
    expect(rerunReason(splitCommand('kubectl create ns sales'), failed('Error from server (AlreadyExists): namespaces "sales" already exists'), say)).toMatch(/already exists/);
    expect(rerunReason(splitCommand('kubectl expose deployment nginx-web --port 8080'), failed('Error from server (AlreadyExists): services "nginx-web" already exists'), say)).not.toBeNull();
    expect(rerunReason(splitCommand('kubectl run nginx-lb --image nginx'), failed('Error from server (AlreadyExists): pods "nginx-lb" already exists'), say)).not.toBeNull();
    expect(rerunReason(splitCommand('kubectl delete svc nginx-lb'), failed('Error from server (NotFound): services "nginx-lb" not found'), say)).toMatch(/deleted/);
    expect(rerunReason(splitCommand('kubectl label ns sales team=sales'), failed(`error: 'team' already has a value (sales), and --overwrite is false`), say)).not.toBeNull();
  });

  it('does not excuse real failures', () => {
    expect(rerunReason(splitCommand('kubectl get svc nope'), failed('Error from server (NotFound): services "nope" not found'), say)).toBeNull();
    expect(rerunReason(splitCommand('kubectl create ns sales'), failed('error: unknown flag'), say)).toBeNull();
    expect(rerunReason(splitCommand('docker run x'), failed('already exists'), say)).toBeNull();
  });

  it('checks exit code, contains and matches', () => {
    const out = { exitCode: 0, stdout: 'nginx-frontend   ClusterIP   10.96.4.7   <none>   80/TCP,443/TCP', stderr: '' };
    expect(unmetExpectations({ contains: ['80/TCP,443/TCP'], matches: ['ClusterIP\\s+10\\.96\\.\\d+\\.\\d+'] }, out, say)).toEqual([]);
    expect(unmetExpectations({ contains: ['8080/TCP'] }, out, say)).toEqual(['the output does not contain "8080/TCP"']);
    expect(unmetExpectations(undefined, { ...out, exitCode: 1 }, say)).toEqual(['exited with 1, expected 0']);
    expect(unmetExpectations({ exitCode: 1, matches: ['('] }, { ...out, exitCode: 1 }, say)[0]).toMatch(/not a valid regular expression/);
    expect(outputExcerpt({ exitCode: 0, stdout: 'x'.repeat(50), stderr: 'err' }, 10)).toBe('…xxxxxx\nerr');
  });
});

describe('command bounds', () => {
  it('reads the --timeout a command sets itself', () => {
    expect(ownTimeoutMs(splitCommand('kubectl wait node/cluster01-worker --for=condition=Ready --timeout=240s'))).toBe(240_000);
    expect(ownTimeoutMs(splitCommand('kubectl rollout status deployment/nginx-frontend --timeout 3m'))).toBe(180_000);
    expect(ownTimeoutMs(splitCommand('kubectl get pods'))).toBeNull();
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('soon')).toBeNull();
  });
});
