// Tier 1 for tier 3's reading of the lab texts: which lines count as commands, which are skipped
// and why, how a "What you should see" table is held against real kubectl output. And, over the
// real labs folder, that every shown command can be run without a shell and that the English and
// Chinese texts show the same commands.
import { describe, expect, it } from 'vitest';
import { loadLabs } from '../../electron/engine/labs/loader.ts';
import { columnClaims, commandPart, plan, shellLines, shouldSee, statusClaims, tableMismatch, tables, textCommands, unclosedFence } from './text-commands.ts';

const MD = [
  'Run these:',
  '',
  '```bash',
  'kubectl get svc -n web',
  'curl http://example/',
  '$ kubectl get svc nginx -w',
  '```',
  '',
  '```text',
  'kubectl apply -f x.yaml     (the same file as before)',
  '```',
  '',
  '```yaml',
  'command: kubectl get pods',
  '```',
  '',
  '### What you should see',
  '',
  'CLUSTER-IP is `<none>` and `READY 1/1`; then `No resources found in web namespace.`',
  '',
  '```text',
  'NAME     TYPE           CLUSTER-IP   EXTERNAL-IP   PORT(S)        AGE',
  'web      NodePort       10.96.0.12   <none>        80:31574/TCP   5s',
  '```',
  '',
  '```text',
  'Error from server (NotFound): services "web" not found',
  '```',
  '',
  '**Next** not part of it: ADDRESS `x`',
].join('\n');

describe('reading a step text', () => {
  it('takes kubectl lines from code blocks, typed only in shell blocks', () => {
    expect(textCommands(MD)).toEqual([
      { line: 'kubectl get svc -n web', typed: true },
      { line: 'kubectl get svc nginx -w', typed: true },
      { line: 'kubectl apply -f x.yaml     (the same file as before)', typed: false },
    ]);
    expect(commandPart({ line: 'kubectl apply -f x.yaml     （与之前相同的文件）', typed: false })).toBe('kubectl apply -f x.yaml');
  });

  it('runs plain commands and skips, with a reason, what needs more than an API server', () => {
    const why = (line: string, typed = true) => {
      const p = plan({ line, typed });
      return 'skip' in p ? p.skip : 'run';
    };
    expect(why('kubectl get svc -n web')).toBe('run');
    expect(why('kubectl get svc nginx -w')).toMatch(/watches/);
    expect(why('kubectl run t --rm -i --restart=Never --image x -- dig a')).toMatch(/attaches/);
    expect(why('kubectl run t --rm -it --image x -- sh')).toMatch(/attaches/);
    expect(why('kubectl run nginx-lb --image x')).toBe('run');
    expect(why('kubectl exec -it p -- sh')).toMatch(/kubelet/);
    expect(why('kubectl run t --image x -- nc -zv <pod-ip> 80')).toMatch(/placeholder/);
    expect(why('kubectl apply -f x.yaml', false)).toMatch(/text/);
    expect(() => plan({ line: 'kubectl get pods | grep x', typed: true })).toThrow(/shell operator \|/);
  });

  it('finds the "What you should see" section, its samples and its claims', () => {
    const s = shouldSee(MD);
    expect(s?.samples.map((x) => x.kind)).toEqual(['table', 'error']);
    expect(columnClaims(s?.prose ?? '')).toEqual([
      { column: 'CLUSTER-IP', value: '<none>' },
      { column: 'READY', value: '1/1' },
    ]);
    expect(statusClaims(s?.prose ?? '')).toEqual(['No resources found in web namespace.']);
    expect(shouldSee('no section here')).toBeNull();
  });
});

describe('holding a sample table against kubectl output', () => {
  const sample = { header: ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'], rows: [['web-7d9c6b8f5d-4kq2x', 'NodePort', '10.96.0.12', '<none>', '80:31574/TCP', '5s']] };
  const printed = (type: string, header = 'NAME                    TYPE       CLUSTER-IP     EXTERNAL-IP   PORT(S)        AGE') =>
    tables(`${header}\nweb-5c6b9d7f8-tkxqz     ${type.padEnd(11)}10.96.41.187   <none>        80:30007/TCP   2m\n`)[0];

  it('accepts other addresses, ages, node ports and generated name suffixes', () => {
    const t = printed('NodePort');
    expect(t?.rows[0]).toEqual(['web-5c6b9d7f8-tkxqz', 'NodePort', '10.96.41.187', '<none>', '80:30007/TCP', '2m']);
    expect(tableMismatch(sample, t ?? { header: [], rows: [] })).toBeNull();
  });

  it('refuses another type, other columns or a missing row', () => {
    expect(tableMismatch(sample, printed('ClusterIP') ?? { header: [], rows: [] })).toMatch(/no printed row/);
    expect(tableMismatch(sample, printed('NodePort', 'NAME                    TYPE       CLUSTER-IP     EXTERNAL-IP   PORTS          AGE') ?? { header: [], rows: [] })).toMatch(/columns/);
    expect(tableMismatch({ ...sample, rows: [...sample.rows, ...sample.rows] }, printed('NodePort') ?? { header: [], rows: [] })).toMatch(/no printed row/);
  });

  it('cuts cells at the header, so an empty cell stays in its column', () => {
    const t = tables('NAME            CLASS   HOSTS   ADDRESS   PORTS   AGE\nnginx-ingress   nginx   a.io              80      1s\n\nNAME   READY\np      1/1\n');
    expect(t.map((x) => x.rows[0])).toEqual([['nginx-ingress', 'nginx', 'a.io', '', '80', '1s'], ['p', '1/1']]);
  });
});

describe('shell lines and fences', () => {
  it('compares every shell command, not only kubectl, and ignores translated comments', () => {
    const en = '```bash\n# create it\ndocker run --rm --network kind img dig @1.2.3.4 x  # ask\nkubectl get svc\n```\n';
    const zh = '```bash\n# 创建\ndocker run --rm --network kind img dig @1.2.3.4 x  # 查询\nkubectl get svc\n```\n';
    expect(shellLines(en)).toEqual(['docker run --rm --network kind img dig @1.2.3.4 x', 'kubectl get svc']);
    expect(shellLines(zh)).toEqual(shellLines(en));
    expect(shellLines(zh.replace('@1.2.3.4', '@1.2.3.5'))).not.toEqual(shellLines(en));
  });

  it('finds a fence that is never closed', () => {
    expect(unclosedFence('text\n```bash\nkubectl get pods\n```\n')).toBeNull();
    expect(unclosedFence('text\n\n```bash\nkubectl get pods\n')).toBe(3);
  });
});

describe('the labs folder', () => {
  const { labs } = loadLabs();
  for (const lab of labs) {
    it(`${lab.id}: every shown kubectl command can run without a shell, and en and zh show the same ones`, () => {
      lab.texts.en.steps.forEach((en, i) => {
        const zh = lab.texts.zh.steps[i] ?? '';
        expect(textCommands(zh).map(commandPart), `${lab.id} step ${i + 1}`).toEqual(textCommands(en).map(commandPart));
        expect(shellLines(zh), `${lab.id} step ${i + 1}: the shell blocks differ between en and zh`).toEqual(shellLines(en));
        expect([unclosedFence(en), unclosedFence(zh)], `${lab.id} step ${i + 1}: a code fence is never closed`).toEqual([null, null]);
        for (const c of textCommands(en)) expect(() => plan(c), c.line).not.toThrow();
      });
    });
  }
});
