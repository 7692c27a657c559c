// npm test: dependencies, then the whole suite (vitest). The suite's global
// setup finds PostgreSQL, makes sure PostGIS is there, and creates and drops
// its own database. Extra arguments go to vitest (npm test -- tests/search).
import { bin, ensureDeps, runForeground } from './lib/ensure-deps.mjs';

ensureDeps();
process.exit(await runForeground(bin('vitest'), ['run', ...process.argv.slice(2)]));
