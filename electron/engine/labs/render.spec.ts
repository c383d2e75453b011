import { describe, expect, it } from 'vitest';
import { missingVars, renderDeep, renderLenient } from './render.ts';
import { sayer } from './say.ts';
import { EXAMPLE_VARS } from './vars.ts';

describe('rendering', () => {
  it('renders every string in a structure', () => {
    expect(renderDeep({ host: 'webserver.{{ingressDashed}}.nip.io', port: 80, list: ['{{staticIP}}'] }, EXAMPLE_VARS)).toEqual({
      host: 'webserver.127-0-0-1.nip.io',
      port: 80,
      list: ['172.18.200.110'],
    });
  });

  it('says in place when Markdown needs a value the cluster lacks', () => {
    const small = { ...EXAMPLE_VARS, staticIP: null };
    expect(renderLenient('ask for {{staticIP}} on {{workerNode}}', small, sayer('en'))).toBe('ask for ⟨staticIP: not available on this cluster⟩ on cluster01-worker');
    expect(renderLenient('{{staticIP}}', small, sayer('zh'))).toContain('当前集群上没有该值');
    expect(missingVars(['staticIP', 'workerIP'], small)).toEqual(['staticIP']);
  });
});
