// Generate DiceBear avatar SVGs for one style and a list of seeds.
//
// Usage: node dicebear.mjs <node_modules dir> <style> <out dir> <seed> [<seed> ...]
//        node dicebear.mjs <node_modules dir> --meta       (prints licence metadata JSON)
//
// Each seed is written to <out dir>/<seed>.svg. The SVG is the colour version;
// the Python side derives the line-only twin from the same markup.
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [modulesDir, style, outDir, ...seeds] = process.argv.slice(2);
const require = createRequire(join(modulesDir, 'noop.js'));
const core = require('@dicebear/core');
const collection = require('@dicebear/collection');

function camel(name) {
  return name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
}

if (style === '--meta') {
  const meta = {};
  for (const [name, mod] of Object.entries(collection)) {
    if (mod && mod.meta) meta[name] = mod.meta;
  }
  process.stdout.write(JSON.stringify(meta));
  process.exit(0);
}

const styleModule = collection[camel(style)];
if (!styleModule) {
  console.error(`unknown DiceBear style: ${style}`);
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
for (const seed of seeds) {
  const svg = core.createAvatar(styleModule, { seed, backgroundColor: ['ffffff'] }).toString();
  writeFileSync(join(outDir, `${seed}.svg`), svg);
}
