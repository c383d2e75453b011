// The fake Kubernetes API server for kindlab's engine tests. See test/fakes/README.md.
export { type FakeApiServer, startFakeApiServer } from './server.ts';
export type { FakeStore } from './store.ts';
export type { ClusterInfo } from './admission.ts';
export type { SeedNode, SeedRequest } from './sim/seed.ts';
export { policyAllows } from './dataplane/netpol.ts';
