// Loaded before every unit test file (npm run test:unit). Modules that `import 'server-only'` (the
// glue in lib/server, the route handlers) load as they do in Next's server build, where that
// import resolves to the package's empty module; elsewhere it throws. Only this marker is swapped:
// React and every other package resolve as usual, so client code (TanStack Query, React) is tested
// beside them. Node's --conditions=react-server would also let them load, but would hand every
// test React's server build, which has no hooks and no context.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const guard = require.resolve('server-only');
const empty = join(dirname(guard), 'empty.js');
require(empty);
// A module found in the cache is not loaded again: requiring 'server-only' now yields the empty one.
require.cache[guard] = require.cache[empty];
