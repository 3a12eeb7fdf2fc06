// Builds the console into one directory the service serves at /console/: index.html plus the
// bundled script and style sheet under assets/, named by their content hash (cached for a year).
// Usage: node build.mjs [output directory]   (default: dist)
import { build } from 'esbuild';
import { mkdir, readFile, rm, writeFile, copyFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(process.argv[2] ?? path.join(here, 'dist'));

await rm(out, { recursive: true, force: true });
await mkdir(path.join(out, 'assets'), { recursive: true });

const result = await build({
  entryPoints: [path.join(here, 'src/main.js')],
  bundle: true,
  format: 'esm',
  target: ['es2020'],
  minify: true,
  sourcemap: false,
  legalComments: 'linked',
  outdir: path.join(out, 'assets'),
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((file) => path.relative(out, path.resolve(file)));
const script = outputs.find((file) => file.endsWith('.js'));
const style = outputs.find((file) => file.endsWith('.css'));
if (!script || !style) throw new Error('esbuild made no script or no style sheet');

const template = await readFile(path.join(here, 'src/index.html'), 'utf8');
const html = template
  .replace('%STYLE%', `/console/${style.split(path.sep).join('/')}`)
  .replace('%SCRIPT%', `/console/${script.split(path.sep).join('/')}`);
await writeFile(path.join(out, 'index.html'), html);
await copyFile(path.join(here, 'src/favicon.svg'), path.join(out, 'favicon.svg'));
console.log(`console built in ${out}: ${script}, ${style}`);
