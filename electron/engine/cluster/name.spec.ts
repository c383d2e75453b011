import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Failure } from '../../api.ts';
import type { KindlabError } from '../errors.ts';
import { clusterPaths } from '../paths.ts';
import { settingsFrom } from '../context.ts';
import { assertClusterName, isValidClusterName } from './name.ts';

describe('cluster names', () => {
  it('accepts what kind and Docker accept', () => {
    for (const ok of ['cluster01', 'a', 'lab-2.test', '0abc', 'x'.repeat(50)]) expect(isValidClusterName(ok), ok).toBe(true);
  });

  it('refuses names that would leave the data folder or break container names', () => {
    for (const bad of ['', '.', '..', '../..', '../../x', 'a/b', 'a\\b', '-x', '.hidden', 'Cluster01', 'x'.repeat(51), 'a b', 'a..b', 'a.-b', 'a.', 'cluster01.', 'x-']) {
      expect(isValidClusterName(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('explains the rule in both languages', () => {
    let failure: Failure | undefined;
    try {
      assertClusterName('../..');
    } catch (err) {
      failure = (err as KindlabError).failure;
    }
    expect(failure).toMatchObject({ code: 'bad-input', message: { zh: expect.stringMatching(/不是有效的集群名称/) }, hint: { en: expect.stringContaining('cluster01') } });
  });

  it('is enforced wherever a name comes in: settings (flag or KINDLAB_CLUSTER, see env.spec.ts) and the data paths', () => {
    expect(() => settingsFrom({ name: '..' }, {})).toThrow(/not a valid cluster name/);
    expect(() => settingsFrom(undefined, { name: '../../home' })).toThrow(/not a valid cluster name/);
    expect(settingsFrom(undefined, { name: 'lab2' }).name).toBe('lab2');
    expect(() => clusterPaths('/data', '..')).toThrow(/not a valid cluster name/);
    expect(clusterPaths('/data', 'cluster01').dir).toBe(join('/data', 'clusters', 'cluster01'));
  });
});
