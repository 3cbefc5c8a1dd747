export interface RegisteredRoute {
  method: string;
  url: string;
}

/** A route's path with each `:param` replaced by `values[param]` (or `x`) and wildcards by `x`. */
export function fillRoute(url: string, values: Record<string, string>): string {
  return url.replace(/:([A-Za-z]\w*)/g, (_m, name: string) => encodeURIComponent(values[name] ?? 'x')).replace(/\*/g, 'x');
}

/**
 * Every route of a running app, read from Fastify's own route tree (`printRoutes`), so tests that
 * walk the routes cover those added later without anyone editing them.
 */
export function routesOf(app: { printRoutes(options: { commonPrefix: boolean }): string }): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  const prefixes: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const path = `${prefixes[depth - 1] ?? ''}${match[2]}`;
    prefixes[depth] = path;
    // The root catch-all prints as `*`.
    for (const method of match[3]?.split(', ') ?? []) routes.push({ method, url: path.startsWith('/') ? path : `/${path}` });
  }
  return routes;
}
