// The doctor's checks in the order the report shows them: tools first, then the engine and
// what it offers, then the host, then existing state and networking.
import type { DoctorCheck } from './check.ts';
import { cgroupCheck } from './checks/cgroup.ts';
import { cpusCheck } from './checks/cpus.ts';
import { diskCheck } from './checks/disk.ts';
import { dockerCliCheck } from './checks/docker-cli.ts';
import { dockerDaemonCheck } from './checks/docker-daemon.ts';
import { downloadsCheck } from './checks/downloads.ts';
import { existingClusterCheck } from './checks/existing-cluster.ts';
import { imageCacheCheck } from './checks/image-cache.ts';
import { inotifyCheck } from './checks/inotify.ts';
import { kindCheck } from './checks/kind.ts';
import { kubectlCheck } from './checks/kubectl.ts';
import { memoryCheck } from './checks/memory.ts';
import { networkingCheck } from './checks/networking.ts';
import { nodeImageCheck } from './checks/node-image.ts';
import { nipioCheck } from './checks/nipio.ts';
import { portsCheck } from './checks/ports.ts';

export const DOCTOR_CHECKS: readonly DoctorCheck[] = [
  dockerCliCheck,
  dockerDaemonCheck,
  kindCheck,
  kubectlCheck,
  cgroupCheck,
  memoryCheck,
  cpusCheck,
  diskCheck,
  portsCheck,
  inotifyCheck,
  existingClusterCheck,
  nodeImageCheck,
  downloadsCheck,
  imageCacheCheck,
  networkingCheck,
  nipioCheck,
];
