// Tier 1 (no control plane needed): the Kubernetes that tier 3 builds from the Go module proxy is
// the Kubernetes of the kind node image the app pins. If they drifted apart, tier 3 would vouch
// for a release the learner never runs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PINS } from '../../electron/engine/addons/pins.ts';

const BUILD_SH = readFileSync(fileURLToPath(new URL('../../scripts/controlplane/build.sh', import.meta.url)), 'utf8');

/** A `NAME=value` assignment at the top level of build.sh (comments after it allowed). */
function shellVar(name: string): string {
  const m = new RegExp(`^${name}=(\\S+)`, 'm').exec(BUILD_SH);
  if (!m?.[1]) throw new Error(`build.sh sets no ${name}`);
  return m[1];
}

describe('the control plane tier 3 builds', () => {
  const built = shellVar('K8S_VERSION');

  it('is the Kubernetes version of the pinned kind node image', () => {
    const tag = /^kindest\/node:(v[^@]+)(@sha256:[a-f0-9]{64})?$/.exec(DEFAULT_PINS.nodeImage)?.[1];
    expect(tag, `node image ${DEFAULT_PINS.nodeImage}`).toBeDefined();
    expect(built).toBe(tag);
    expect(built).toBe(`v${DEFAULT_PINS.kubernetes}`);
  });

  it('uses the staging modules of that same release (v1.X.Y is published as v0.X.Y)', () => {
    expect(shellVar('STAGING_VERSION')).toBe(built.replace(/^v1\./, 'v0.'));
  });
});
