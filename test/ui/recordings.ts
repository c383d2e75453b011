// What `kubectl` prints for the services lab's commands, for the fake kubectl of the UI tier
// (the same commands a learner types in the embedded terminal). Shapes follow kubectl 1.35.
export const SERVICES_LAB_RECORDINGS: Record<string, { args: string[]; stdout?: string; stderr?: string }> = {
  'ui-get-pods-labels': {
    args: ['get', 'pods', '--show-labels'],
    stdout: `NAME                              READY   STATUS    RESTARTS   AGE   LABELS
nginx-frontend-6f9c8d7b5d-4kx2p   1/1     Running   0          42s   pod-template-hash=6f9c8d7b5d,run=nginx-frontend
nginx-frontend-6f9c8d7b5d-9tq7m   1/1     Running   0          42s   pod-template-hash=6f9c8d7b5d,run=nginx-frontend
nginx-frontend-6f9c8d7b5d-wz5hc   1/1     Running   0          42s   pod-template-hash=6f9c8d7b5d,run=nginx-frontend
`,
  },
  'ui-get-pods-selector': {
    args: ['get', 'pods', '-l', 'run=nginx-frontend'],
    stdout: `NAME                              READY   STATUS    RESTARTS   AGE
nginx-frontend-6f9c8d7b5d-4kx2p   1/1     Running   0          44s
nginx-frontend-6f9c8d7b5d-9tq7m   1/1     Running   0          44s
nginx-frontend-6f9c8d7b5d-wz5hc   1/1     Running   0          44s
`,
  },
  'ui-get-svc': {
    args: ['get', 'svc'],
    stdout: `NAME             TYPE        CLUSTER-IP      EXTERNAL-IP   PORT(S)          AGE
kubernetes       ClusterIP   10.96.0.1       <none>        443/TCP          6m
nginx-frontend   ClusterIP   10.96.148.213   <none>        80/TCP,443/TCP   3s
`,
  },
  'ui-get-ep': {
    args: ['get', 'ep', 'nginx-frontend'],
    stderr: 'Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n',
    stdout: `NAME             ENDPOINTS                                               AGE
nginx-frontend   10.240.1.7:80,10.240.1.8:80,10.240.1.9:80 + 3 more...   2m
`,
  },
  'ui-describe-ep': {
    args: ['describe', 'ep', 'nginx-frontend'],
    stdout: `Name:         nginx-frontend
Namespace:    default
Labels:       <none>
Subsets:
  Addresses:          10.240.1.7,10.240.1.8,10.240.1.9
  NotReadyAddresses:  <none>
  Ports:
    Name   Port  Protocol
    ----   ----  --------
    http   80    TCP
    https  443   TCP

Events:  <none>
`,
  },
  'ui-get-endpointslices': {
    args: ['get', 'endpointslices', '-l', 'kubernetes.io/service-name=nginx-frontend'],
    stdout: `NAME                   ADDRESSTYPE   PORTS    ENDPOINTS                          AGE
nginx-frontend-7xk2d   IPv4          80,443   10.240.1.7,10.240.1.8,10.240.1.9   2m
`,
  },
  'ui-run-tmp-curl': {
    args: ['run', 'tmp-curl', '**'],
    stdout: `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
</head>
<body>
<h1>Welcome to nginx!</h1>
</body>
</html>
pod "tmp-curl" deleted from default namespace
`,
  },
};
