/**
 * The esbuild plugin of the single binary (scripts/build-binary.mjs). In a bundle every module
 * shares one file, so `new URL('../../recipes/', import.meta.url)` or a dependency's `__dirname`
 * would point at the wrong place. The binary extracts the bundles and the files read at run time
 * into its cache entry in the repository's layout (`<entry>/dist/...`, `<entry>/recipes/`,
 * `<entry>/node_modules/pdfkit/js/data/`...), and this plugin gives each module the location its
 * own file has in that layout: `src/a/b.ts` is `<entry>/dist/a/b.js` (where tsc would put it), any
 * other file keeps its path. `import.meta.url`, `__dirname` and `__filename` are rewritten into
 * expressions relative to the output file's own URL (`__lf_base`, the output file lives at
 * `outBase` in the entry). The banner of the build defines `__lf_base` and `__lf_fileURLToPath`.
 *
 * Native addons are loaded with `process.dlopen` from the entry: better-sqlite3's through a shim
 * of the `bindings` package, resvg's by replacing its platform switch. `cli-table3`, which
 * src/cli/table.ts loads lazily with a `require` of its own, is bundled and handed to that require.
 */
import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, posix, relative, sep } from 'node:path';

const LOADERS = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.js': 'js', '.mjs': 'js', '.cjs': 'js' };

/**
 * @param {{ root: string, outBase: string }} options root: the repository; outBase: the output
 *   file's folder inside the cache entry (`dist` or `dist/engine`)
 */
export function lfPlugin({ root, outBase }) {
  /** the file's path inside the cache entry, with forward slashes */
  const modules = realpathSync(join(root, 'node_modules'));
  const entryPath = (file) => {
    const inModules = relative(modules, file);
    const rel = (inModules.startsWith('..') ? relative(root, file) : join('node_modules', inModules)).split(sep).join('/');
    if (rel.startsWith('src/')) return `dist/${rel.slice(4).replace(/\.(ts|mts|js|mjs)$/, '.js')}`;
    return rel;
  };
  /** a relative URL from the output file's folder to `pathInEntry` */
  const fromOut = (pathInEntry) => {
    const rel = posix.relative(outBase, pathInEntry);
    return rel.startsWith('.') ? rel : `./${rel}`;
  };
  // `__lf_base` (the banner's) rather than `import.meta.url`, which would make esbuild treat a CommonJS file as ESM
  const urlOf = (pathInEntry) => `new URL(${JSON.stringify(fromOut(pathInEntry))}, __lf_base)`;
  const pathOf = (pathInEntry) => `__lf_fileURLToPath(${urlOf(pathInEntry)})`;

  const rewrite = (text, file) => {
    const at = entryPath(file);
    return text
      .replace(/\bimport\.meta\.url\b/g, `${urlOf(at)}.href`)
      .replace(/(?<![\w$.])__dirname\b/g, pathOf(posix.dirname(at)))
      .replace(/(?<![\w$.])__filename\b/g, pathOf(at));
  };

  return {
    name: 'luckyfive-sea',
    setup(build) {
      // better-sqlite3 finds its addon through `bindings`, which looks around the caller's file
      build.onResolve({ filter: /^bindings$/ }, () => ({ path: 'bindings', namespace: 'lf-shim' }));
      build.onLoad({ filter: /^bindings$/, namespace: 'lf-shim' }, () => ({
        loader: 'js',
        contents: `module.exports = function bindings(name) {
  if (name !== 'better_sqlite3.node') throw new Error('no native addon ' + name + ' in this binary');
  const m = { exports: {} };
  process.dlopen(m, ${pathOf('node_modules/better-sqlite3/build/Release/better_sqlite3.node')});
  return m.exports;
};`,
      }));
      // tr46 (under vega) asks for `punycode`, which Node resolves to its deprecated built-in (a DEP0040
      // warning on every report under Node 24): bundle the same code from the npm package instead
      build.onResolve({ filter: /^punycode$/ }, () => ({ path: createRequire(join(root, 'package.json')).resolve('punycode/') }));
      // resvg: the linux-x64-gnu addon, whatever its platform switch would try
      build.onLoad({ filter: /[\\/]@resvg[\\/]resvg-js[\\/]js-binding\.js$/ }, () => ({
        loader: 'js',
        contents: `const m = { exports: {} };
process.dlopen(m, ${pathOf('node_modules/@resvg/resvg-js-linux-x64-gnu/resvgjs.linux-x64-gnu.node')});
module.exports = m.exports;`,
      }));
      build.onLoad({ filter: /\.(ts|mts|cts|js|mjs|cjs)$/ }, async (a) => {
        if (a.namespace !== 'file') return undefined;
        let text = await readFile(a.path, 'utf8');
        const isTable = a.path === join(root, 'src/cli/table.ts');
        if (!isTable && !/import\.meta\.url|__dirname|__filename/.test(text)) return undefined;
        if (isTable) {
          const lazy = 'const require = createRequire(import.meta.url);';
          if (!text.includes(lazy)) throw new Error('src/cli/table.ts no longer loads cli-table3 as the binary expects');
          text = text.replace(
            lazy,
            "import __lf_cliTable3 from 'cli-table3';\nconst require = (id: string): unknown => (id === 'cli-table3' ? __lf_cliTable3 : createRequire(import.meta.url)(id));",
          );
        }
        return { loader: LOADERS[extname(a.path)], contents: rewrite(text, a.path), resolveDir: dirname(a.path) };
      });
    },
  };
}

/**
 * Optional native speed-ups that are not shipped: msgpackr's (it falls back to JavaScript) and
 * piscina's thread priorities (`niceIncrement`, unused). Requiring one throws, as when it is not installed.
 */
export const absentPlugin = {
  name: 'luckyfive-sea-absent',
  setup(build) {
    build.onResolve({ filter: /^(msgpackr-extract|@napi-rs\/nice)$/ }, (a) => ({ path: a.path, namespace: 'lf-absent' }));
    build.onLoad({ filter: /.*/, namespace: 'lf-absent' }, (a) => ({
      loader: 'js',
      contents: `throw new Error(${JSON.stringify(`${a.path} is not in this binary`)});`,
    }));
  },
};
