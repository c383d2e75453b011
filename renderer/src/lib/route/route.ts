// Screens are addressed by the URL hash (#/labs/services/2), so reload, back and forward work
// and a learner can keep a tab on a step. Pure.
export type Route = { screen: 'setup' } | { screen: 'cluster' } | { screen: 'labs' } | { screen: 'lab'; labId: string; step: number };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [first, labId, step] = parts;
  if (first === 'cluster') return { screen: 'cluster' };
  if (first === 'labs' && labId) {
    const n = Number(step ?? '0');
    return { screen: 'lab', labId, step: Number.isInteger(n) && n >= 0 ? n : 0 };
  }
  if (first === 'labs') return { screen: 'labs' };
  return { screen: 'setup' };
}

export function formatRoute(route: Route): string {
  if (route.screen === 'lab') return `#/labs/${encodeURIComponent(route.labId)}${route.step > 0 ? `/${route.step}` : ''}`;
  return `#/${route.screen}`;
}
