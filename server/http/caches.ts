/**
 * Every in-process cache whose keys come from requests, by name, so that
 * their sizes can be watched (/metrics: border_atlas_cache_entries{cache})
 * and tested (tests/limits.test.ts sends many distinct keys and reads
 * them back). Each has a bound of its own, listed in docs/architecture.md
 * ("Limits"); this module only reports.
 *
 *   const cache = watchCache('features.matched', new LRUCache({ max: 1000 }))
 *   cacheSizes()   // { 'features.matched': 12, … }
 *
 * Caches made per app (several apps in one test process) are held weakly;
 * a name reports its largest live instance, the one nearest its bound.
 */
interface Sized {
  readonly size: number;
}

const watched = new Map<string, Set<WeakRef<Sized>>>();

export function watchCache<C extends Sized>(name: string, cache: C): C {
  const refs = watched.get(name) ?? new Set<WeakRef<Sized>>();
  watched.set(name, refs);
  refs.add(new WeakRef(cache));
  return cache;
}

/** Entries held now by each watched cache (its largest live instance). */
export function cacheSizes(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, refs] of watched) {
    let n = 0;
    for (const ref of refs) {
      const c = ref.deref();
      if (c) n = Math.max(n, c.size);
      else refs.delete(ref);
    }
    out[name] = n;
  }
  return out;
}
