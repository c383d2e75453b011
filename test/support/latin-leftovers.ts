// Finds English left in Chinese output: the sentences of a screen or a CLI answer, shown in 中文,
// that are written in Latin letters and are not a command, a name or a value. Pure, so tier 2
// (the CLI with --lang zh) and tier 4 (every screen in 中文) share it; its spec is beside it.
//
// A line without any Chinese is suspect as a whole: after commands, names and values are taken
// out, no ordinary word may remain. A line with Chinese in it may quote names and values freely,
// but a run of three or more ordinary English words between its Chinese parts is a sentence
// someone forgot to translate ("原因：could not read the cluster status").

/** Chinese characters and the full-width punctuation that goes with them. */
const CJK = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/;
const CJK_RUN = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+/g;

/** Names a Chinese text keeps in Latin letters: products, projects, Kubernetes kinds, the book's objects. */
const NAMES = [
  'Kubernetes', 'Docker Desktop', 'Docker Engine', 'Docker', 'Podman', 'kind', 'KinD', 'kubectl', 'kindlab', 'kubelet', 'kube-proxy',
  'Calico', 'Tigera', 'MetalLB', 'NGINX', 'nginx', 'ingress-nginx', 'Traefik', 'kube-router', 'CoreDNS', 'etcd', 'containerd', 'runc',
  'Electron', 'Chromium', 'Node.js', 'npm', 'Go', 'GitHub', 'Debian', 'Ubuntu', 'CentOS', 'Linux', 'macOS', 'Windows', 'WSL', 'WSL2',
  'Homebrew', 'brew', 'winget', 'Chocolatey', 'systemd', 'cgroup', 'cgroups', 'inotify', 'netshoot', 'nicolaka', 'postgres', 'PostgreSQL', 'Bitnami',
  'nip.io', 'localhost', 'telnet', 'curl', 'dig', 'nslookup', 'nc', 'bash', 'shell', 'xterm',
  'Service', 'Services', 'Pod', 'Pods', 'Ingress', 'Ingresses', 'Deployment', 'DaemonSet', 'StatefulSet', 'Namespace', 'Node', 'Nodes',
  'Endpoints', 'Secret', 'ConfigMap', 'Job', 'Jobs', 'Event', 'Events', 'Lease', 'Webhook', 'webhook', 'IP', 'IPs', 'IPv4', 'IPv6', 'ARP', 'SNI',
  'Host', 'ExternalName', 'ClusterIP', 'NodePort', 'LoadBalancer', 'NetworkPolicy', 'EndpointSlice', 'IngressClass', 'IPAddressPool', 'L2Advertisement',
  'Kubernetes – An Enterprise Guide', 'control-plane', 'worker', 'EN', 'en', 'zh', 'sha256', 'JSON', 'YAML', 'yaml', 'json', 'Markdown',
];

/** Words that start a command wherever a command may stand (`kubectl get pods`, `sudo systemctl start docker`). */
const COMMANDS = [
  'kubectl', 'kindlab', 'sudo', 'systemctl', 'curl', 'dig', 'nslookup', 'telnet', 'timeout', 'brew', 'winget', 'choco', 'apt-get', 'apt',
  'dnf', 'yum', 'npm', 'npx', 'export', 'echo', 'sysctl', 'wsl', 'setx', 'usermod', 'newgrp', 'uname',
];
/** Kubernetes kinds: the word after one is an object's name (`Namespace database`, `IPAddressPool pool-01`). */
const KINDS = ['Namespace', 'Service', 'Deployment', 'DaemonSet', 'StatefulSet', 'Pod', 'Job', 'Secret', 'ConfigMap', 'Ingress', 'IngressClass', 'NetworkPolicy', 'IPAddressPool', 'L2Advertisement', 'EndpointSlice', 'Installation', 'TigeraStatus', 'CustomResourceDefinition'];

export interface LeftoverOptions {
  /** Text that is a value the learner must see verbatim, such as a tool's own stderr. */
  values?: (string | RegExp)[];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const NAME_RE = new RegExp(`(?<![\\w.-])(?:${[...NAMES].sort((a, b) => b.length - a.length).map(escape).join('|')})(?![\\w-])`, 'gi');

/** What is left of a Latin fragment once commands, names and values are taken out. */
export function ordinaryWords(fragment: string, opts: LeftoverOptions = {}): string[] {
  let s = fragment;
  for (const v of opts.values ?? []) s = s.replace(typeof v === 'string' ? new RegExp(escape(v), 'g') : new RegExp(v.source, v.flags.includes('g') ? v.flags : `${v.flags}g`), ' ');
  s = s
    // quoted and placeholder parts are values: `…`, "…", “…”, ‘…’, 'a value', <placeholder>
    .replace(/`[^`]*`/g, ' ')
    .replace(/"[^"]*"|“[^”]*”|‘[^’]*’|«[^»]*»/g, ' ')
    .replace(/(^|[\s(])'[^']*'(?=$|[\s).,:;])/g, '$1 ')
    .replace(/<[^<>]*>/g, ' ')
    .replace(/\b[a-z][\w+.-]*:\/\/\S+/gi, ' ');
  // A command runs from its first word to the end of the fragment or of its sentence.
  const args = String.raw`(?:[ \t]+[^\s;]*[^\s;.,])*`;
  s = s
    .replace(new RegExp(String.raw`(^[\s$>#•·*✓✗!⚠–-]*|[:：(（]\s*|\$\s+)(?:${COMMANDS.map(escape).join('|')})(?![\w-])${args}`, 'g'), '$1 ')
    // after a prompt, everything is the command
    .replace(/(^|\s)\$\s+\S.*$/, '$1 ')
    .replace(new RegExp(String.raw`\b(?:${KINDS.join('|')})\s+"?[a-z0-9][a-z0-9.-]*"?(?![\w-])`, 'g'), ' ');
  s = s
    .replace(/(^|\s)-{1,2}[\w-]+(=\S*)?/g, '$1 ') // flags
    .replace(/(?:~|\.{1,2})?\/\S*|\S*[\\/]\S*/g, ' ') // paths, subnets, API groups
    .replace(NAME_RE, ' ')
    .replace(/\S*[\d_=@:.\-]\S*/g, (tok) => (/^[A-Za-z]+[.:]?$/.test(tok) ? tok : ' ')) // anything with a digit or a separator inside is an identifier or a value
    .replace(/\b[A-Z]{2,}s?\b/g, ' ') // acronyms: DNS, TCP, CNI, KUBECONFIG
    .replace(/\b[a-z]+[A-Z]\w*\b|\b[A-Z][a-z]+[A-Z]\w*\b/g, ' '); // camelCase and CamelCase names: hostPort, failCgroupV1, CrashLoopBackOff
  return s.match(/[A-Za-z]{2,}/g) ?? [];
}

/**
 * The sentences of `text` that are English where Chinese was asked for. Each result is the line
 * it was found in, trimmed.
 */
export function latinLeftovers(text: string, opts: LeftoverOptions = {}): string[] {
  const found: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!/[A-Za-z]{2,}/.test(line)) continue;
    if (!CJK.test(line)) {
      if (ordinaryWords(line, opts).length > 0) found.push(line);
      continue;
    }
    // Between the Chinese parts: three ordinary words in a row is an English sentence.
    for (const part of line.split(CJK_RUN)) {
      if (ordinaryWords(part, opts).length >= 3) {
        found.push(line);
        break;
      }
    }
  }
  return found;
}
