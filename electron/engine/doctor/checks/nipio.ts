// Whether nip.io names resolve here. The labs use names such as webserver.127-0-0-1.nip.io;
// many routers drop DNS answers that point at private or loopback addresses (rebinding
// protection), some blocklists drop nip.io, and offline there is no DNS at all. None of that
// stops the labs (they send a Host header), but the learner should know before typing the name.
import ipaddr from 'ipaddr.js';
import type { ClusterSettings, LocalizedText } from '../../../api.ts';
import { type CheckOutcome, type DoctorCheck, NO_TEXT, TIMED_OUT, always, fillLocalized, withTimeout } from '../check.ts';

export const NIPIO_TIMEOUT_MS = 3000;

/** The lab host name and the address it must resolve to, for the chosen ingress address. */
export function labHostName(settings: ClusterSettings): { name: string; address: string } {
  const lan = settings.lanAccess && settings.hostAddress && ipaddr.IPv4.isValidFourPartDecimal(settings.hostAddress) ? settings.hostAddress : null;
  const address = lan ?? '127.0.0.1';
  return { name: `webserver.${address.replaceAll('.', '-')}.nip.io`, address };
}

// getaddrinfo's answers for "this name does not exist" (NXDOMAIN) and "no A record".
const NO_ANSWER = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN', 'ENONAME']);

function fallback(name: string, address: string, platform: NodeJS.Platform): string[] {
  const curl = platform === 'win32' ? 'curl.exe' : 'curl';
  return [`${curl} --resolve ${name}:80:${address} http://${name}/`, `${curl} -H "Host: ${name}" http://${address}/`];
}

export const nipioCheck: DoctorCheck = {
  id: 'nipio',
  category: 'network',
  title: { en: 'nip.io names', zh: 'nip.io 域名' },
  applies: always,
  async check({ facts, settings }): Promise<CheckOutcome> {
    const { name, address } = labHostName(settings);
    const params = { name, address };
    let answer: string[] | typeof TIMED_OUT | null = null;
    let code = '';
    try {
      answer = await withTimeout(facts.resolve(name), NIPIO_TIMEOUT_MS);
    } catch (err) {
      code = String((err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : err));
    }
    if (Array.isArray(answer) && answer.includes(address)) {
      return { status: 'ok', finding: fillLocalized({ en: '{name} resolves to {address}.', zh: '{name} 解析到 {address}。' }, params) };
    }
    const fixCommands = fallback(name, address, facts.platform);
    const filtered = (Array.isArray(answer) && answer.length === 0) || NO_ANSWER.has(code);
    if (filtered || Array.isArray(answer)) {
      const seen: LocalizedText = Array.isArray(answer) && answer.length > 0
        ? fillLocalized({ en: ' ({name} came back as {got})', zh: '（{name} 被解析成了 {got}）' }, { name, got: answer.join(', ') })
        : NO_TEXT;
      return {
        status: 'warn',
        finding: fillLocalized(
          {
            en: 'DNS rebinding protection or a blocklist filters nip.io{seen}; the labs fall back to a Host header / curl --resolve.',
            zh: 'DNS 重绑定保护或拦截列表过滤了 nip.io{seen}；实验会改用 Host 请求头或 curl --resolve。',
          },
          { seen },
        ),
        fix: {
          en: 'To use the names in a browser, allow nip.io in your router or DNS filter (dnsmasq: rebind-domain-ok=/nip.io/) or add the name to your hosts file. In a terminal, the commands below reach the lab without DNS.',
          zh: '如果想在浏览器中使用这些域名，请在路由器或 DNS 过滤器中放行 nip.io（dnsmasq：rebind-domain-ok=/nip.io/），或把域名写进 hosts 文件。在终端里可以用下面的命令绕过 DNS 访问实验。',
        },
        fixCommands,
      };
    }
    const why: LocalizedText =
      answer === TIMED_OUT
        ? fillLocalized({ en: 'no answer within {s} s', zh: '{s} 秒内没有应答' }, { s: NIPIO_TIMEOUT_MS / 1000 })
        : { en: code || 'unknown error', zh: code || '未知错误' };
    return {
      status: 'warn',
      finding: fillLocalized(
        { en: 'Could not resolve {name} ({why}): this machine seems offline or its DNS is unreachable.', zh: '无法解析 {name}（{why}）：这台机器似乎离线了，或者连不上 DNS 服务器。' },
        { ...params, why },
      ),
      fix: {
        en: 'nip.io needs internet DNS. Offline, the labs send a Host header instead; the commands below do the same by hand.',
        zh: 'nip.io 需要能访问互联网上的 DNS。离线时实验会改用 Host 请求头；下面的命令可以手动做同样的事。',
      },
      fixCommands,
    };
  },
};
