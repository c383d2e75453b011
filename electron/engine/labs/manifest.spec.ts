import { describe, expect, it } from 'vitest';
import { LAB_LABEL, namespaceFor, prepareObjects } from './manifest.ts';
import { EXAMPLE_VARS } from './vars.ts';

const TEXT = `apiVersion: v1
kind: Namespace
metadata:
  name: sales
---
apiVersion: v1
kind: Service
metadata:
  name: nginx-web
  labels: {app: nginx-web}
spec:
  ports: [{port: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: nginx-ingress
  namespace: web
spec:
  rules:
    - host: "webserver.{{ingressDashed}}.nip.io"
`;

describe('prepareObjects', () => {
  const objs = prepareObjects(TEXT, EXAMPLE_VARS, 'ingress', 'manifests/x.yaml');

  it('labels every object with the lab and keeps its own labels', () => {
    expect(objs.map((o) => o.metadata.labels?.[LAB_LABEL])).toEqual(['ingress', 'ingress', 'ingress']);
    expect(objs[1]?.metadata.labels?.app).toBe('nginx-web');
  });

  it('puts namespaced objects without a namespace in default and leaves cluster-scoped ones alone', () => {
    expect(objs[0]?.metadata.namespace).toBeUndefined();
    expect(objs[1]?.metadata.namespace).toBe('default');
    expect(objs[2]?.metadata.namespace).toBe('web');
    expect(namespaceFor('IngressClass', 'x')).toBeUndefined();
  });

  it('fills the variables', () => {
    expect(JSON.stringify(objs[2])).toContain('webserver.127-0-0-1.nip.io');
    expect(() => prepareObjects(TEXT, { ...EXAMPLE_VARS, ingressDashed: null }, 'ingress', 'x')).toThrow(/ingressDashed/);
  });
});
