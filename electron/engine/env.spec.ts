import { describe, expect, it } from 'vitest';
import { createContext } from './context.ts';
import { DEFAULT_ENGINE_CONFIG, readKindlabEnv } from './env.ts';
import { KindlabError } from './errors.ts';

const failureOf = (env: NodeJS.ProcessEnv) => {
  try {
    readKindlabEnv(env);
  } catch (err) {
    return (err as KindlabError).failure;
  }
  throw new Error('did not throw');
};

describe('readKindlabEnv: the KINDLAB_* variables, read once and validated', () => {
  it('gives the defaults for an environment without them (an empty value counts as unset)', () => {
    expect(readKindlabEnv({ PATH: '/bin', KINDLAB_NODE_IMAGE: '', KINDLAB_KUBECONFIG: '/x', KINDLAB_FAKE_DIR: '/y' })).toEqual(DEFAULT_ENGINE_CONFIG);
  });

  it('turns every recognised variable into typed configuration', () => {
    expect(
      readKindlabEnv({
        KINDLAB_CLUSTER: 'lab2',
        KINDLAB_CNI: 'kube-router',
        KINDLAB_INGRESS: 'traefik',
        KINDLAB_NODE_IMAGE: 'kindlab.local/node:x',
        KINDLAB_LAN: '1',
        KINDLAB_LANG: 'zh_CN.UTF-8',
        KINDLAB_DATA_DIR: '/data',
        KINDLAB_LABS_DIR: '/labs',
        KINDLAB_PINS_FILE: '/pins.json',
        KINDLAB_DEBUG: '1',
        KINDLAB_NO_PATH_REPAIR: '1',
        KINDLAB_TIMEOUT_SCALE: '0.05',
        KINDLAB_LAB_COMMANDS: 'docker',
        KINDLAB_DATAPLANE: '0',
        KINDLAB_INGRESS_HTTP_PORT: '18080',
      }),
    ).toEqual({
      defaults: { name: 'lab2', cni: 'kube-router', ingress: 'traefik', nodeImage: 'kindlab.local/node:x', lanAccess: true },
      dataDir: '/data',
      labsDir: '/labs',
      pinsFile: '/pins.json',
      repairPath: false,
      timeoutScale: 0.05,
      labCommands: 'docker',
      dataPlane: false,
      ingressHttpPort: 18080,
      imageCache: true,
      cacheMode: 'proxy',
    });
    expect(readKindlabEnv({ KINDLAB_CACHE: 'off', KINDLAB_CACHE_MODE: 'local' })).toMatchObject({ imageCache: false, cacheMode: 'local' });
    expect(readKindlabEnv({ KINDLAB_LAB_COMMANDS: '0', KINDLAB_LAN: '0' })).toMatchObject({ labCommands: false, defaults: { lanAccess: false } });
  });

  it.each([
    ['KINDLAB_CNI', 'flannel', 'calico or kube-router'],
    ['KINDLAB_INGRESS', 'haproxy', 'ingress-nginx or traefik'],
    ['KINDLAB_CLUSTER', '../../home', 'a cluster name'],
    ['KINDLAB_NODE_IMAGE', 'kindest/node; rm -rf /', 'an image reference'],
    ['KINDLAB_LAN', 'yes', '0 or 1'],
    ['KINDLAB_CACHE_MODE', 'mirror', 'proxy (pull through'],
    ['KINDLAB_TIMEOUT_SCALE', '0', 'a number greater than 0'],
    ['KINDLAB_TIMEOUT_SCALE', 'fast', 'a number greater than 0'],
    ['KINDLAB_LAB_COMMANDS', 'kubectl', '1 (run every shown command), 0 (none) or docker'],
    ['KINDLAB_INGRESS_HTTP_PORT', '70000', 'a port, 1-65535'],
    ['KINDLAB_DATAPLANE', 'off', '0 or 1'],
  ])('refuses %s=%s, naming the variable and what it may be', (name, value, allowed) => {
    const f = failureOf({ [name]: value });
    expect(f.code).toBe('bad-input');
    expect(f.message).toEqual({ en: `${name}="${value}" is not a value kindlab understands`, zh: `环境变量 ${name}="${value}" 的值无效` });
    expect(f.hint).toMatchObject({ en: expect.stringContaining(`${name} must be ${allowed}`) });
    expect(f.hint).toMatchObject({ zh: expect.stringContaining(`unset ${name}`) });
  });

  it('is what the engine context is built from: no module reads KINDLAB_* itself', () => {
    const ctx = createContext({ lang: 'en', env: { PATH: '/bin', HOME: '/home/l' }, config: { ...DEFAULT_ENGINE_CONFIG, dataDir: '/data', labsDir: '/labs', repairPath: false, dataPlane: false, labCommands: 'docker', ingressHttpPort: 8080, timeoutScale: 0.5, defaults: { cni: 'kube-router' } } });
    expect(ctx).toMatchObject({ dataDir: '/data', labsDir: '/labs', dataPlane: false, labCommands: 'docker', ingressHttpPort: 8080, timeoutScale: 0.5, defaults: { cni: 'kube-router' } });
    expect(ctx.env.PATH).toBe('/bin');
    // Without a config from its host, the context reads the environment it is given, once.
    expect(createContext({ lang: 'en', env: { PATH: '/bin', HOME: '/home/l', KINDLAB_DATA_DIR: '/d2', KINDLAB_NO_PATH_REPAIR: '1' } })).toMatchObject({ dataDir: '/d2', env: { PATH: '/bin' } });
    expect(() => createContext({ lang: 'en', env: { KINDLAB_CNI: 'flannel' } })).toThrow(KindlabError);
  });
});
