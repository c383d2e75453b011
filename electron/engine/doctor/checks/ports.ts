// Host ports 80 and 443 on the address the cluster will bind (127.0.0.1, or 0.0.0.0 in LAN
// mode). kind fails late and cryptically ("port is already allocated") when they are taken, so
// the doctor names the holder up front.
import type { LocalizedText } from '../../../api.ts';
import { type CheckContext, type CheckOutcome, type DoctorCheck, always, fillLocalized } from '../check.ts';
import { clusterState } from '../cluster-state.ts';
import type { PortOwner } from '../facts.ts';

export const INGRESS_PORTS = [80, 443] as const;

function bindAddress(ctx: CheckContext): string {
  return ctx.settings.lanAccess ? '0.0.0.0' : '127.0.0.1';
}

/** The existing kindlab cluster holds these ports legitimately. */
async function heldByOwnCluster(ctx: CheckContext): Promise<boolean> {
  const engine = await ctx.facts.engine();
  if (!engine.reachable) return false;
  const [clusters, nodes] = await Promise.all([ctx.facts.kindClusters(), ctx.facts.kindNodes()]);
  const state = clusterState(ctx.settings.name, clusters, nodes);
  return state.listed || state.nodes.length > 0;
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

export const portsCheck: DoctorCheck = {
  id: 'ports',
  category: 'host',
  title: { en: 'Host ports 80 and 443', zh: '主机端口 80 和 443' },
  applies: always,
  async check(ctx): Promise<CheckOutcome> {
    const address = bindAddress(ctx);
    if (await heldByOwnCluster(ctx)) {
      return {
        status: 'ok',
        finding: fillLocalized({ en: 'Ports 80 and 443 belong to the existing cluster {name}.', zh: '端口 80 和 443 由现有集群 {name} 使用。' }, { name: ctx.settings.name }),
      };
    }
    const limit = await rootlessPortLimit(ctx);
    if (limit) return limit;
    const states = await Promise.all(INGRESS_PORTS.map(async (port) => ({ port, state: await ctx.facts.port(port, address) })));
    const platform = ctx.facts.platform;
    const taken = states.filter((s) => s.state !== null && s.state !== 'free');
    if (taken.length > 0) {
      const parts = taken.map((s) => fillLocalized({ en: 'port {port} is taken by {owner}', zh: '端口 {port} 被 {owner}占用' }, { port: s.port, owner: describeOwner(s.state as PortOwner) }));
      return {
        status: 'fail',
        finding: fillLocalized({ en: 'On {address}, {list}.', zh: '在 {address} 上，{list}。' }, { address, list: { en: parts.map((p) => p.en).join('; '), zh: parts.map((p) => p.zh).join('；') } }),
        fix: freeTheFix(platform),
        fixCommands: lookupCommands(platform, taken.map((s) => s.port)),
      };
    }
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
