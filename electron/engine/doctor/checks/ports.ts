// Host ports 80 and 443 on the address the cluster will bind (127.0.0.1, or 0.0.0.0 in LAN
// mode). kind fails late and cryptically ("port is already allocated") when they are taken, so
// the doctor names the holder up front: this cluster's own node container (fine), another
// container (often another kind cluster), or another program (port-holder.ts).
import type { LocalizedText } from '../../../api.ts';
import { type CheckContext, type CheckOutcome, type DoctorCheck, always, fillLocalized } from '../check.ts';
import type { PortOwner } from '../facts.ts';
import { type PortHolder, portHolder, stoppedNodes } from '../port-holder.ts';

const INGRESS_PORTS = [80, 443] as const;

function bindAddress(ctx: CheckContext): string {
  return ctx.settings.lanAccess ? '0.0.0.0' : '127.0.0.1';
}

function describeOwner(owner: PortOwner): LocalizedText {
  if (owner.name && owner.pid !== null) return { en: `${owner.name} (pid ${owner.pid})`, zh: `${owner.name}（pid ${owner.pid}）` };
  if (owner.name || owner.pid !== null) {
    const who = owner.name ?? `pid ${owner.pid}`;
    return { en: who, zh: who };
  }
  return { en: 'another program (its name is hidden from this user)', zh: '另一个程序（当前用户看不到它的名字）' };
}

function lookupCommands(platform: NodeJS.Platform, ports: number[]): string[] {
  if (platform === 'win32') return ['netstat -ano -p tcp', 'netsh int ipv4 show excludedportrange protocol=tcp'];
  if (platform === 'darwin') return ports.map((p) => `sudo lsof -nP -iTCP:${p} -sTCP:LISTEN`);
  return ports.map((p) => `sudo ss -ltnp 'sport = :${p}'`);
}

function freeTheFix(platform: NodeJS.Platform): LocalizedText {
  if (platform === 'win32') {
    return {
      en: 'Stop the program holding the port. "System" (pid 4) means HTTP.sys, usually IIS: stop it with `net stop w3svc`. If no program holds it, Windows may reserve the port: check the excluded port ranges (command below); restarting the WinNAT service (`net stop winnat` then `net start winnat`, as administrator) often frees it.',
      zh: '请停止占用端口的程序。如果是 “System”（pid 4），说明是 HTTP.sys，通常来自 IIS，可用 `net stop w3svc` 停止。如果没有程序占用，可能是 Windows 保留了该端口：用下面的命令查看排除的端口范围；以管理员身份重启 WinNAT 服务（先 `net stop winnat` 再 `net start winnat`）通常能释放它。',
    };
  }
  return {
    en: 'Stop the program holding the port for as long as you use the labs (a system service: `sudo systemctl stop <name>`). The commands below show the holder with full privileges.',
    zh: '做实验期间请停止占用该端口的程序（如果是系统服务：`sudo systemctl stop <服务名>`）。下面的命令可以用管理员权限查看占用者。',
  };
}

/** Rootless engines cannot publish ports below net.ipv4.ip_unprivileged_port_start. */
async function rootlessPortLimit(ctx: CheckContext): Promise<CheckOutcome | null> {
  const engine = await ctx.facts.engine();
  const rootless = engine.reachable && ctx.facts.platform === 'linux' && (engine.classified.engine === 'rootless-docker' || engine.info?.rootless === true);
  if (!rootless) return null;
  const start = Number.parseInt((await ctx.facts.file('/proc/sys/net/ipv4/ip_unprivileged_port_start')) ?? '', 10);
  if (Number.isNaN(start) || start <= 80) return null;
  return {
    status: 'fail',
    finding: fillLocalized(
      { en: 'The engine runs rootless and may only publish ports from {start} up, so 80 and 443 are out of reach.', zh: '容器引擎以 rootless 模式运行，只能发布 {start} 及以上的端口，80 和 443 用不了。' },
      { start },
    ),
    fix: {
      en: 'Let unprivileged users bind ports from 80 up, now and after a reboot.',
      zh: '允许普通用户绑定 80 及以上的端口，并让设置在重启后保留。',
    },
    fixCommands: ['sudo sysctl -w net.ipv4.ip_unprivileged_port_start=80', "echo 'net.ipv4.ip_unprivileged_port_start = 80' | sudo tee /etc/sysctl.d/99-kindlab-ports.conf"],
  };
}

type Taken = { port: number; holder: Extract<PortHolder, { kind: 'container' | 'process' }> };

function describeHolder(h: Taken['holder']): LocalizedText {
  if (h.kind === 'process') return describeOwner(h.owner);
  return h.cluster
    ? fillLocalized({ en: 'the container {c}, a node of the kind cluster {k}', zh: '容器 {c}（kind 集群 {k} 的节点）' }, { c: h.container, k: h.cluster })
    : fillLocalized({ en: 'the container {c}', zh: '容器 {c}' }, { c: h.container });
}

/** Containers are freed with docker or kind; programs as the platform allows. */
function takenFix(taken: Taken[], ctx: CheckContext): { fix: LocalizedText; fixCommands: string[] } {
  const containers = taken.flatMap((t) => (t.holder.kind === 'container' ? [t.holder] : []));
  const processes = taken.filter((t) => t.holder.kind === 'process').map((t) => t.port);
  const platform = ctx.facts.platform;
  if (containers.length === 0) return { fix: freeTheFix(platform), fixCommands: lookupCommands(platform, processes) };
  const clusters = [...new Set(containers.flatMap((c) => (c.cluster ? [c.cluster] : [])))];
  const plain = [...new Set(containers.filter((c) => !c.cluster).map((c) => c.container))];
  const fixCommands = [...clusters.map((k) => `kind delete cluster --name ${k}`), ...plain.map((c) => `docker stop ${c}`), ...lookupCommands(platform, processes)];
  const fix = clusters.length
    ? {
        en: 'Another kind cluster publishes the port: delete it (command below) or stop its node containers with `docker stop` while you use the labs. kindlab cannot share 80 and 443 with it.',
        zh: '另一个 kind 集群发布了该端口：请删除它（见下面的命令），或在做实验期间用 `docker stop` 停止它的节点容器。kindlab 无法与它共用 80 和 443 端口。',
      }
    : { en: 'A container publishes the port: stop it (command below) while you use the labs.', zh: '有容器发布了该端口：做实验期间请停止它（见下面的命令）。' };
  return { fix, fixCommands };
}

export const portsCheck: DoctorCheck = {
  id: 'ports',
  category: 'host',
  title: { en: 'Host ports 80 and 443', zh: '主机端口 80 和 443' },
  applies: always,
  async check(ctx): Promise<CheckOutcome> {
    const address = bindAddress(ctx);
    const name = ctx.settings.name;
    const engine = await ctx.facts.engine();
    const [states, published, nodes] = await Promise.all([
      Promise.all(INGRESS_PORTS.map(async (port) => ({ port, state: await ctx.facts.port(port, address) }))),
      engine.reachable ? ctx.facts.publishedPorts() : Promise.resolve(null),
      engine.reachable ? ctx.facts.kindNodes() : Promise.resolve(null),
    ]);
    const holders = states.map((s) => ({ port: s.port, holder: portHolder(s.port, address, s.state, published, name) }));
    const own = holders.flatMap((h) => (h.holder.kind === 'own-node' ? [{ port: h.port, container: h.holder.container }] : []));
    const taken = holders.flatMap((h): Taken[] => (h.holder.kind === 'container' || h.holder.kind === 'process' ? [{ port: h.port, holder: h.holder }] : []));
    if (taken.length > 0) {
      const parts = taken.map((t) => fillLocalized({ en: 'port {port} is taken by {owner}', zh: '端口 {port} 被 {owner}占用' }, { port: t.port, owner: describeHolder(t.holder) }));
      const stopped = stoppedNodes(nodes, name);
      const note = stopped.length
        ? fillLocalized({ en: ' The cluster {name} exists, but its nodes ({nodes}) are not running, so the ports are not theirs.', zh: '集群 {name} 存在，但它的节点（{nodes}）没有运行，所以这些端口并不归它。' }, { name, nodes: stopped.join(', ') })
        : { en: '', zh: '' };
      return {
        status: 'fail',
        finding: fillLocalized({ en: 'On {address}, {list}.{note}', zh: '在 {address} 上，{list}。{note}' }, { address, list: { en: parts.map((p) => p.en).join('; '), zh: parts.map((p) => p.zh).join('；') }, note }),
        ...takenFix(taken, ctx),
      };
    }
    if (own.length > 0) {
      const containers = [...new Set(own.map((o) => o.container))].join(', ');
      const ports = own.map((o) => o.port);
      const text =
        ports.length > 1
          ? { en: 'Ports {ports} on {address} are published for the cluster {name} by its node container {containers}.', zh: '{address} 上的端口 {ports} 由集群 {name} 的节点容器 {containers} 发布。' }
          : { en: 'Port {ports} on {address} is published for the cluster {name} by its node container {containers}.', zh: '{address} 上的端口 {ports} 由集群 {name} 的节点容器 {containers} 发布。' };
      return { status: 'ok', finding: fillLocalized(text, { ports: { en: ports.join(' and '), zh: ports.join(' 和 ') }, address, name, containers }) };
    }
    const limit = await rootlessPortLimit(ctx);
    if (limit) return limit;
    const platform = ctx.facts.platform;
    const unknown = states.filter((s) => s.state === null).map((s) => s.port);
    if (unknown.length > 0) {
      return {
        status: 'warn',
        finding: fillLocalized({ en: 'Could not tell whether port {ports} on {address} is free.', zh: '无法判断 {address} 上的端口 {ports} 是否空闲。' }, { ports: unknown.join(', '), address }),
        fix: freeTheFix(platform),
        fixCommands: lookupCommands(platform, unknown),
      };
    }
    return { status: 'ok', finding: fillLocalized({ en: 'Ports 80 and 443 are free on {address}.', zh: '{address} 上的端口 80 和 443 都空闲。' }, { address }) };
  },
};
