// The fake Kubernetes API server for kindlab's engine tests. See test/fakes/README.md.
export { type FakeApiServer, startFakeApiServer } from './server.ts';
export { policyAllows } from './dataplane/netpol.ts';
