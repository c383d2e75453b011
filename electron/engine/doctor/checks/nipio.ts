// Whether nip.io names resolve here. The labs use names such as webserver.127-0-0-1.nip.io;
// many routers drop DNS answers that point at private or loopback addresses (rebinding
// protection), some blocklists drop nip.io, and offline there is no DNS at all. None of that
// stops the labs (they send a Host header), but the learner should know before typing the name,
// and should be told the right one of the three: after a failed lookup, two more names tell them
// apart (network/nipio.ts).
import ipaddr from 'ipaddr.js';
import type { ClusterSettings, LocalizedText } from '../../../api.ts';
import { NEUTRAL_NAME, PUBLIC_NIPIO_NAME, diagnoseNipio } from '../../network/nipio.ts';
import { type CheckOutcome, type DoctorCheck, NO_TEXT, TIMED_OUT, always, fillLocalized, withTimeout } from '../check.ts';
import type { DoctorFacts } from '../facts.ts';

const NIPIO_TIMEOUT_MS = 3000;

/** The lab host name and the address it must resolve to, for the chosen ingress address. */
export function labHostName(settings: ClusterSettings): { name: string; address: string } {
  const lan = settings.lanAccess && settings.hostAddress && ipaddr.IPv4.isValidFourPartDecimal(settings.hostAddress) ? settings.hostAddress : null;
  const address = lan ?? '127.0.0.1';
  return { name: `webserver.${address.replaceAll('.', '-')}.nip.io`, address };
}

function fallback(name: string, address: string, platform: NodeJS.Platform): string[] {
  const curl = platform === 'win32' ? 'curl.exe' : 'curl';
  return [`${curl} --resolve ${name}:80:${address} http://${name}/`, `${curl} -H "Host: ${name}" http://${address}/`];
}

/** The lookup's answer, or why there was none (the resolver's code, or a timeout). */
async function lookup(facts: DoctorFacts, name: string): Promise<{ answer: string[] | null; why: LocalizedText }> {
  try {
    const answer = await withTimeout(facts.resolve(name), NIPIO_TIMEOUT_MS);
    if (answer === TIMED_OUT) return { answer: null, why: fillLocalized({ en: 'no answer within {s} s', zh: '{s} 秒内没有应答' }, { s: NIPIO_TIMEOUT_MS / 1000 }) };
    return answer.length ? { answer, why: NO_TEXT } : { answer: null, why: { en: 'an empty answer', zh: '应答为空' } };
  } catch (err) {
    const code = String((err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : err));
    return { answer: null, why: { en: code || 'unknown error', zh: code || '未知错误' } };
  }
}

export const nipioCheck: DoctorCheck = {
  id: 'nipio',
  category: 'network',
  title: { en: 'nip.io names', zh: 'nip.io 域名' },
  applies: always,
  async check({ facts, settings }): Promise<CheckOutcome> {
    const { name, address } = labHostName(settings);
    const params = { name, address };
    const lab = await lookup(facts, name);
    if (lab.answer?.includes(address)) {
      return { status: 'ok', finding: fillLocalized({ en: '{name} resolves to {address}.', zh: '{name} 解析到 {address}。' }, params) };
    }
    const fixCommands = fallback(name, address, facts.platform);
    const [publicNipio, neutral] = lab.answer ? [null, null] : await Promise.all([lookup(facts, PUBLIC_NIPIO_NAME), lookup(facts, NEUTRAL_NAME)]);
    const diagnosis = diagnoseNipio(lab.answer ? 'other-address' : 'failed', { publicNipio: !!publicNipio?.answer, neutral: !!neutral?.answer });
    const hostsOrFilter = {
      en: 'To use the names in a browser, allow nip.io in your router or DNS filter (dnsmasq: rebind-domain-ok=/nip.io/) or add the name to your hosts file. In a terminal, the commands below reach the lab without DNS.',
      zh: '如果想在浏览器中使用这些域名，请在路由器或 DNS 过滤器中放行 nip.io（dnsmasq：rebind-domain-ok=/nip.io/），或把域名写进 hosts 文件。在终端里可以用下面的命令绕过 DNS 访问实验。',
    };
    if (diagnosis === 'rewritten') {
      return {
        status: 'warn',
        finding: fillLocalized(
          { en: 'A DNS filter or blocklist rewrites nip.io ({name} came back as {got}); the labs fall back to a Host header / curl --resolve.', zh: 'DNS 过滤或拦截列表改写了 nip.io（{name} 被解析成了 {got}）；实验会改用 Host 请求头或 curl --resolve。' },
          { name, got: (lab.answer ?? []).join(', ') },
        ),
        fix: hostsOrFilter,
        fixCommands,
      };
    }
    if (diagnosis === 'rebinding') {
      return {
        status: 'warn',
        finding: fillLocalized(
          {
            en: 'DNS rebinding protection drops {name} ({why}): {public}, a nip.io name with a public address, resolves, so your resolver filters answers that point at private or loopback addresses. The labs fall back to a Host header / curl --resolve.',
            zh: 'DNS 重绑定保护丢弃了 {name}（{why}）：{public} 这个指向公网地址的 nip.io 域名能解析，说明你的解析器过滤了指向私有或回环地址的应答。实验会改用 Host 请求头或 curl --resolve。',
          },
          { ...params, why: lab.why, public: PUBLIC_NIPIO_NAME },
        ),
        fix: hostsOrFilter,
        fixCommands,
      };
    }
    if (diagnosis === 'blocked') {
      return {
        status: 'warn',
        finding: fillLocalized(
          {
            en: 'A blocklist or DNS filter drops nip.io: {neutral} resolves, but neither {name} nor {public} does ({why}). The labs fall back to a Host header / curl --resolve.',
            zh: '拦截列表或 DNS 过滤屏蔽了 nip.io：{neutral} 能解析，但 {name} 和 {public} 都不能（{why}）。实验会改用 Host 请求头或 curl --resolve。',
          },
          { ...params, why: lab.why, public: PUBLIC_NIPIO_NAME, neutral: NEUTRAL_NAME },
        ),
        fix: {
          en: 'To use the names in a browser, allow nip.io in your DNS filter or blocklist, or add the name to your hosts file. In a terminal, the commands below reach the lab without DNS.',
          zh: '如果想在浏览器中使用这些域名，请在 DNS 过滤器或拦截列表中放行 nip.io，或把域名写进 hosts 文件。在终端里可以用下面的命令绕过 DNS 访问实验。',
        },
        fixCommands,
      };
    }
    return {
      status: 'warn',
      finding: fillLocalized(
        {
          en: 'No name resolves on this machine: neither {name} nor {neutral} ({why}). It is offline or has no working DNS resolver, which is no filter\'s doing; the labs send a Host header instead.',
          zh: '这台机器上任何域名都无法解析：{name} 和 {neutral} 都不行（{why}）。它处于离线状态或没有可用的 DNS 解析器，并不是过滤造成的；实验会改用 Host 请求头。',
        },
        { ...params, why: lab.why, neutral: NEUTRAL_NAME },
      ),
      fix: {
        en: 'nip.io needs internet DNS. Offline, the labs send a Host header instead; the commands below do the same by hand.',
        zh: 'nip.io 需要能访问互联网上的 DNS。离线时实验会改用 Host 请求头；下面的命令可以手动做同样的事。',
      },
      fixCommands,
    };
  },
};
