/**
 * 405 with Allow for a method a path does not take (POST, PUT, PATCH,
 * DELETE on the read-only service), found from the Express routes
 * themselves, so a route added later is covered without a list here.
 *
 *   app.use(methodNotAllowed(app, clientDist))   // before the body parser
 *   // POST /ogc/collections → 405, Allow: GET, HEAD, OPTIONS
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Express, RequestHandler } from 'express';
import { PROBLEM_TYPE_BASE } from './problem.ts';

/** The methods every path takes besides its routes' (cors answers OPTIONS). */
const ALWAYS = ['OPTIONS'];

/**
 * 405 with Allow for a method no route of the path takes (POST on a
 * read-only path), before the body is read; paths no route or file serves
 * go on to 404. GET, HEAD and OPTIONS never stop here.
 */
export function methodNotAllowed(app: Express, staticDir: string): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    const methods = new Set<string>();
    routeMethods((app as unknown as { router: Router }).router.stack, req.path, methods);
    if (methods.size === 0 && isStaticFile(staticDir, req.path)) methods.add('GET');
    if (methods.size === 0 || methods.has(req.method)) return next();
    if (methods.has('GET')) methods.add('HEAD');
    const allow = [...methods, ...ALWAYS].join(', ');
    res.setHeader('Allow', allow);
    res.status(405).type('application/problem+json');
    res.send(
      JSON.stringify({
        type: `${PROBLEM_TYPE_BASE}method-not-allowed`,
        title: 'Method not allowed',
        status: 405,
        detail: `${req.path} takes ${allow}, not ${req.method}`,
        instance: req.originalUrl,
      }),
    );
  };
}

interface RouterLayer {
  match(path: string): { path: string } | false;
  route?: { methods: Record<string, boolean> };
  handle: { stack?: RouterLayer[] };
}
interface Router {
  stack: RouterLayer[];
}

/** Adds the methods of the routes under `stack` that match `p` (routers included, mounted or not). */
function routeMethods(stack: RouterLayer[], p: string, out: Set<string>): void {
  for (const layer of stack) {
    let m: ReturnType<RouterLayer['match']>;
    try {
      m = layer.match(p);
    } catch {
      continue; // a parameter that does not decode: not this route's
    }
    if (!m) continue;
    if (layer.route) {
      for (const [k, on] of Object.entries(layer.route.methods))
        if (on && k !== '_all') out.add(k.toUpperCase());
    } else if (layer.handle.stack) {
      routeMethods(layer.handle.stack, p.slice(m.path.length) || '/', out);
    }
  }
}

/** A file express.static would serve for GET `p` (the client's index for a directory). */
function isStaticFile(dir: string, p: string): boolean {
  let rel: string;
  try {
    rel = decodeURIComponent(p);
  } catch {
    return false;
  }
  const file = path.join(dir, rel);
  if (file !== dir && !file.startsWith(dir + path.sep)) return false;
  try {
    const st = statSync(file);
    return st.isFile() || (st.isDirectory() && existsSync(path.join(file, 'index.html')));
  } catch {
    return false;
  }
}
