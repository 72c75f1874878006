import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLayers, root, specifiers, violation } from '../../scripts/check-layers.js';

const at = (rel: string) => path.join(root, rel);

describe('layer check', () => {
  it('finds static, re-exported, side-effect and dynamic imports, and ignores imports quoted in comments', () => {
    const text = [
      "import fs from 'node:fs';",
      "import {\n  a,\n  b,\n} from './multi.js';",
      "export { c } from '../c.js';",
      "import './side-effect.js';",
      "const m = await import('../../transport/tcp-link.js');",
      "// import x from './commented.js'",
      '/* import y from "./block.js" */',
    ].join('\n');
    expect(specifiers(text)).toEqual(['node:fs', './multi.js', '../c.js', './side-effect.js', '../../transport/tcp-link.js']);
  });

  it('refuses I/O in domain (node modules and the transport, drivers and journal layers), and protocol reaching transport', () => {
    expect(violation(at('src/domain/plan/x.ts'), 'domain', 'node:fs')).toMatch(/no I\/O/);
    expect(violation(at('src/domain/plan/x.ts'), 'domain', 'serialport')).toMatch(/no I\/O/);
    expect(violation(at('src/domain/plan/x.ts'), 'domain', '../../drivers/mlc-driver.js')).toMatch(/no I\/O/);
    expect(violation(at('src/domain/plan/x.ts'), 'domain', '../../journal/journal.js')).toMatch(/no I\/O/);
    expect(violation(at('src/protocol/x.ts'), 'protocol', '../transport/byte-link.js')).toMatch(/no I\/O/);
    expect(violation(at('src/domain/plan/x.ts'), 'domain', '../../core/pose.js')).toBeUndefined();
    expect(violation(at('src/drivers/x.ts'), 'drivers', 'node:net')).toBeUndefined();
  });

  it('keeps test, bench and scripts out of src and the simulators; bench takes only test/helpers; no file imports a test suite', () => {
    expect(violation(at('src/bridge/x.ts'), 'bridge', '../../test/helpers/wait.js')).toMatch(/must not import test/);
    expect(violation(at('simulators/x.ts'), 'simulators', '../bench/timing.js')).toMatch(/must not import bench/);
    expect(violation(at('bench/x.ts'), 'bench', '../test/helpers/wait.js')).toBeUndefined();
    expect(violation(at('bench/x.ts'), 'bench', '../test/bridge/something.js')).toMatch(/only test\/helpers/);
    expect(violation(at('test/cli/x.test.ts'), 'test', './hil.test.js')).toMatch(/test suite/);
  });

  it('keeps the layer order, including for dynamic imports', () => {
    expect(violation(at('src/domain/x.ts'), 'domain', '../bridge/bridge-session.js')).toMatch(/must not import bridge/);
    expect(violation(at('src/bridge/x.ts'), 'bridge', '../../simulators/sim-room.js')).toMatch(/must not import simulators/);
    expect(violation(at('src/cli/x.ts'), 'cli', '../../simulators/sim-room.js')).toBeUndefined();
  });

  it('passes on this repository', () => {
    expect(checkLayers()).toEqual([]);
  });
});
