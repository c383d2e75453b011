// Whether a MetalLB address (on the kind bridge) answers from this machine. That decides how
// the labs reach LoadBalancer Services, so it is reported, never failed: kindlab adapts.
import type { LocalizedText } from '../../../api.ts';
import { type CheckOutcome, type DoctorCheck, ENGINE_NAMES, always, fillLocalized, joinText } from '../check.ts';
import type { EngineFacts } from '../facts.ts';

const FALLBACK: LocalizedText = {
  en: ' kindlab therefore checks LoadBalancer Services from a container on the kind network, and you reach the lab apps through the ingress on ports 80 and 443 of this machine.',
  zh: '因此 kindlab 会从 kind 网络上的一个容器里检查 LoadBalancer Service，而你可以通过本机 80 和 443 端口上的 Ingress 访问实验应用。',
};

function whyNotRoutable(engine: EngineFacts, isWsl: boolean): LocalizedText {
  const name = ENGINE_NAMES[engine.classified.engine];
  if (isWsl && engine.classified.sharesHostKernel) {
    return { en: 'Inside WSL 2 the kind network is reachable only from WSL itself, not from Windows.', zh: '在 WSL 2 中，kind 网络只能从 WSL 内部访问，Windows 一侧访问不到。' };
  }
  if (engine.classified.engine === 'rootless-docker' || (engine.classified.sharesHostKernel && engine.info?.rootless)) {
    return fillLocalized({ en: '{engine} keeps the kind network in its own network namespace, out of reach of this machine.', zh: '{engine} 把 kind 网络放在自己的网络命名空间里，本机访问不到。' }, { engine: name });
  }
  if (engine.classified.sharesHostKernel) {
    return fillLocalized({ en: 'With {engine} kindlab cannot count on the kind network being reachable from this machine.', zh: '使用 {engine} 时，kindlab 无法确定本机能否访问 kind 网络。' }, { engine: name });
  }
  return fillLocalized(
    { en: '{engine} runs containers in a VM; LoadBalancer addresses are real but live inside that VM, not on this machine’s network.', zh: '{engine} 在虚拟机中运行容器；LoadBalancer 地址是真实的，但它们在虚拟机内部，不在本机网络上。' },
    { engine: name },
  );
}

export const networkingCheck: DoctorCheck = {
  id: 'networking',
  category: 'network',
  title: { en: 'LoadBalancer reachability', zh: 'LoadBalancer 地址可达性' },
  applies: always,
  async check({ facts }): Promise<CheckOutcome> {
    const engine = await facts.engine();
    if (!engine.reachable) {
      // A skip like the other checks that need the engine: a ✓ here would claim something unknown.
      return {
        status: 'skip',
        finding: {
          en: 'Once the engine runs, kindlab can tell whether LoadBalancer addresses answer from this machine. Either way the labs check them from a container on the kind network.',
          zh: '容器引擎运行后，kindlab 才能判断本机能否访问 LoadBalancer 地址。无论结果如何，实验都会从 kind 网络上的容器里检查它们。',
        },
      };
    }
    if (engine.classified.lbRoutableFromHost) {
      return {
        status: 'ok',
        finding: {
          en: 'Docker Engine runs natively on this Linux machine: LoadBalancer addresses on the kind network answer from here directly, as in the book.',
          zh: 'Docker Engine 直接运行在这台 Linux 机器上：kind 网络上的 LoadBalancer 地址可以从本机直接访问，和书中一样。',
        },
      };
    }
    const why = whyNotRoutable(engine, facts.probes.isWsl);
    return { status: 'ok', finding: joinText(why, FALLBACK) };
  },
};
