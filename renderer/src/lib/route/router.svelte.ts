// The current route, following the URL hash.
import { type Route, formatRoute, parseRoute } from './route.ts';

class Router {
  route = $state<Route>(parseRoute(globalThis.location?.hash ?? ''));

  constructor() {
    globalThis.addEventListener?.('hashchange', () => {
      this.route = parseRoute(location.hash);
    });
  }

  go(route: Route): void {
    const hash = formatRoute(route);
    if (location.hash !== hash) location.hash = hash;
    else this.route = route;
  }
}

export const router = new Router();
