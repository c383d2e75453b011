// Reading what the probe tools print: curl (status line written by -w, exit codes), netcat
// (open / refused / dropped) and dig (status and answer records). Pure, with the observed
// outcome put in words a learner can act on. The specs read what curl 7.88, netcat-openbsd 1.219,
// busybox nc and BIND 9.18 dig printed on a real kind cluster (test/fixtures/probes/); upstream's
// curl 8 and Alpine tools word a few things differently, and the parsers rely on what both print.
import type { Say } from './say.ts';

// ── curl ──

export type HttpOutcome = 'response' | 'refused' | 'timeout' | 'unreachable' | 'resolve' | 'tls' | 'reset' | 'error' | 'probe-error';

export interface HttpObservation {
  outcome: HttpOutcome;
  status: number | null;
  body: string;
  /** One sentence: what happened. */
  detail: string;
}

/** curl -o - -w '\n%{http_code}': the body, then a line with the status (000 when there was none). */
export function parseCurlOutput(stdout: string): { status: number | null; body: string } {
  const text = stdout.replace(/\s+$/, '');
  const cut = text.lastIndexOf('\n');
  const last = (cut < 0 ? text : text.slice(cut + 1)).trim();
  const body = cut < 0 ? '' : text.slice(0, cut);
  return /^[1-5]\d\d$/.test(last) ? { status: Number(last), body } : { status: null, body: cut < 0 && !/^\d{3}$/.test(last) ? text : body };
}

function lastLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean)
      .pop() ?? ''
  );
}

/** A failed connect that took this long was not refused: no host answered (ARP gives up after ~3 s). */
const UNANSWERED_CONNECT_MS = 1000;

/** curl's exit code (and its stderr) → what happened on the wire. */
export function classifyCurl(exitCode: number, stdout: string, stderr: string, timeoutS: number, say: Say): HttpObservation {
  const { status, body } = parseCurlOutput(stdout);
  const err = lastLine(stderr);
  const obs = (outcome: HttpOutcome, detail: string): HttpObservation => ({ outcome, status, body, detail });
  switch (exitCode) {
    case 0:
      return obs('response', say(`HTTP ${status ?? '?'}`, `HTTP ${status ?? '?'}`));
    case 6:
      return obs('resolve', say('the host name could not be resolved (curl exit 6)', '无法解析主机名（curl 退出码 6）'));
    case 7: {
      if (/No route to host|Network is unreachable/i.test(stderr)) return obs('unreachable', say(`no route to the address (curl exit 7: ${err})`, `没有到该地址的路由（curl 退出码 7：${err}）`));
      // curl 7.8x and 8 word every failed connect the same ("Couldn't/Could not connect to server");
      // what tells them apart is the time: a refusal (RST, ICMP port unreachable) comes back at
      // once, while an address nobody on the network answers ARP for fails after the kernel's 3 s
      // (recorded on the kind network: "after 3075 ms").
      const afterMs = Number(/after (\d+) ms/.exec(stderr)?.[1] ?? 0);
      if (afterMs >= UNANSWERED_CONNECT_MS) {
        return obs('unreachable', say(`nothing answered for the address within ${afterMs} ms: no machine on the network holds it (curl exit 7)`, `${afterMs} 毫秒内没有任何机器应答该地址：网络上没有主机持有它（curl 退出码 7）`));
      }
      return obs('refused', say('connection refused: nothing listens on that address and port (curl exit 7)', '连接被拒绝：该地址和端口上没有程序在监听（curl 退出码 7）'));
    }
    case 28:
      return obs('timeout', say(`no answer within ${timeoutS} s: the packets were dropped or nobody answered (curl exit 28)`, `${timeoutS} 秒内没有响应：数据包被丢弃或无人应答（curl 退出码 28）`));
    case 35:
      return obs('tls', say(`the TLS handshake failed (curl exit 35: ${err})`, `TLS 握手失败（curl 退出码 35：${err}）`));
    case 60:
      return obs('tls', say('the server certificate is not trusted (curl exit 60)', '服务器证书不受信任（curl 退出码 60）'));
    case 52:
      return obs('reset', say('the server closed the connection without a reply (curl exit 52)', '服务器未响应就关闭了连接（curl 退出码 52）'));
    case 56:
      return obs('reset', say('the connection was reset while receiving (curl exit 56)', '接收数据时连接被重置（curl 退出码 56）'));
    default:
      return obs('error', say(`curl exited with ${exitCode}${err ? `: ${err}` : ''}`, `curl 退出码 ${exitCode}${err ? `：${err}` : ''}`));
  }
}

// ── netcat ──

export type TcpOutcome = 'open' | 'refused' | 'blocked' | 'error' | 'probe-error';

export interface TcpObservation {
  outcome: TcpOutcome;
  detail: string;
}

/** `nc -z -v -w <t> <ip> <port>`: netcat-openbsd and busybox wordings. */
export function classifyNc(exitCode: number, output: string, timeoutS: number, say: Say): TcpObservation {
  const line = lastLine(output);
  if (/succeeded!|\bopen\b/i.test(output) || (exitCode === 0 && line === '')) return { outcome: 'open', detail: say('the connection was accepted (port open)', '连接被接受（端口开放）') };
  if (/Connection refused/i.test(output)) {
    // Also what a CNI that rejects (kube-router) produces: the caller knows whether anything listens.
    return { outcome: 'refused', detail: say('connection refused: nothing listens on that port, or a policy rejected the connection', '连接被拒绝：该端口上没有程序监听，或连接被策略拒绝') };
  }
  if (/timed out|Operation timed out|No route to host/i.test(output)) {
    return {
      outcome: 'blocked',
      detail: say(`no answer within ${timeoutS} s: the packets were dropped (a NetworkPolicy, or a dead path)`, `${timeoutS} 秒内没有响应：数据包被丢弃（NetworkPolicy 或网络路径不通）`),
    };
  }
  return { outcome: 'error', detail: say(`netcat failed: ${line || `exit ${exitCode}`}`, `netcat 出错：${line || `退出码 ${exitCode}`}`) };
}

// ── dig ──

export type DnsOutcome = 'answer' | 'nodata' | 'nxdomain' | 'servfail' | 'timeout' | 'refused' | 'error' | 'probe-error';

export interface DnsRecord {
  name: string;
  type: string;
  value: string;
}

export interface DnsObservation {
  outcome: DnsOutcome;
  status: string | null;
  records: DnsRecord[];
  detail: string;
}

const trimDot = (s: string) => s.replace(/\.$/, '');

/** `dig +noall +answer +comments …`: the last header's status and the answer records. */
export function parseDig(output: string, say: Say): DnsObservation {
  const statuses = [...output.matchAll(/status:\s*([A-Z]+)/g)].map((m) => m[1] ?? '');
  const status = statuses.pop() ?? null;
  const records: DnsRecord[] = [];
  for (const line of output.split(/\r?\n/)) {
    if (line.startsWith(';')) continue;
    const m = /^(\S+)\s+\d+\s+IN\s+(A|AAAA|CNAME)\s+(\S+)\s*$/.exec(line.trim());
    if (m) records.push({ name: trimDot(m[1] ?? ''), type: m[2] ?? '', value: trimDot(m[3] ?? '') });
  }
  const shown = records.map((r) => `${r.type} ${r.value}`).join(', ');
  // An ICMP port-unreachable: kube-proxy rejects a Service without a ready endpoint (CoreDNS down),
  // and kube-router rejects what a policy denies. dig 9.18+ words it "communications error … refused".
  if (/connection refused/i.test(output) && status === null) {
    return { outcome: 'refused', status, records, detail: say('the DNS server refused the query (nothing answers on port 53 there, or a policy rejects it)', 'DNS 服务器拒绝了查询（那里的 53 端口没有程序应答，或被策略拒绝）') };
  }
  if (/connection timed out|no servers could be reached/i.test(output) && status === null) {
    return { outcome: 'timeout', status, records, detail: say('the DNS server did not answer (timed out)', 'DNS 服务器没有响应（超时）') };
  }
  if (status === 'NXDOMAIN') return { outcome: 'nxdomain', status, records, detail: say('NXDOMAIN: the name does not exist', 'NXDOMAIN：该名称不存在') };
  if (status === 'NOERROR') {
    return records.length > 0
      ? { outcome: 'answer', status, records, detail: say(`answer: ${shown}`, `应答：${shown}`) }
      : { outcome: 'nodata', status, records, detail: say('NOERROR but no records of that type', 'NOERROR，但没有该类型的记录') };
  }
  if (status === 'SERVFAIL' || status === 'REFUSED') return { outcome: 'servfail', status, records, detail: say(`the DNS server answered ${status}`, `DNS 服务器返回 ${status}`) };
  const line = lastLine(output);
  return { outcome: 'error', status, records, detail: say(`dig failed: ${line || 'no output'}`, `dig 出错：${line || '没有输出'}`) };
}
