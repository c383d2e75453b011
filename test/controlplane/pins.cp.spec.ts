// The pins against the real releases, where the Go module proxy carries them: MetalLB's release
// module holds config/manifests/metallb-native.yaml, the very file the app downloads.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../electron/engine/addons/manifests.ts';
import { DEFAULT_PINS } from '../../electron/engine/addons/pins.ts';
import { KindlabError } from '../../electron/engine/errors.ts';
import { createManifestFetcher } from '../../electron/engine/addons/manifests.ts';
import { client, fetchPinnedMetallb, installAddonApis, metallbModuleManifest, withMetallbServer, withTempDir } from './world.ts';

describe('MetalLB pin', () => {
  it('the pinned sha256 is the sha256 of the release file', () => {
    const pin = DEFAULT_PINS.manifests.find((m) => m.id === 'metallb-native');
    expect(sha256(readFileSync(metallbModuleManifest()))).toBe(pin?.sha256);
  });

  it("the app's fetcher accepts it, and refuses it when the pinned sha256 differs by one digit", async () => {
    const { text } = await fetchPinnedMetallb();
    expect(text.length).toBeGreaterThan(10_000);
    const err = await withTempDir('kl-pin-', (dir) =>
      withMetallbServer((pin) =>
        createManifestFetcher(dir)
          .get({ ...pin, sha256: `${pin.sha256.slice(0, -1)}${pin.sha256.endsWith('0') ? '1' : '0'}` })
          .catch((e: unknown) => e),
      ),
    );
    expect(err).toBeInstanceOf(KindlabError);
    expect((err as KindlabError).failure.code).toBe('checksum-mismatch');
  });

  it("kindlab's pools and L2Advertisement pass MetalLB's real CRD schemas with strict validation", async () => {
    await installAddonApis();
    const pools = await client().list('metallb.io/v1beta1', 'IPAddressPool', { namespace: 'metallb-system' });
    expect(pools.items.map((p) => [p.metadata.name, (p.spec as { addresses: string[] }).addresses])).toEqual([
      ['pool-01', ['172.18.200.100-172.18.200.125']],
      ['pool-02', ['172.18.201.200-172.18.201.225']],
    ]);
    expect(await client().get('metallb.io/v1beta1', 'L2Advertisement', 'l2-all-pools', 'metallb-system')).not.toBeNull();
  });
});
