// Label twins of DiceBear avatars: the same seed drawn with every colour option set to a
// label colour and every component's markup wrapped in <g data-part="NAME">.
//
// Usage: node dicebear_labels.mjs <node_modules dir> <style> <colour svg dir> <out dir> <options JSON> <seed> ...
//
// <options JSON> maps colour option names to one hex colour each, e.g. {"hairColor":"1f0a33"}.
// Each seed's colour SVG (made by dicebear.mjs) must already be in <colour svg dir>. The
// label SVG is written to <out dir>/<seed>.svg only when, after removing the part wrappers
// and blanking every hex colour, it is identical to the colour SVG: same components, same
// geometry, only the colours differ. A seed that fails the check (or throws) is reported on
// stderr as "skip <seed>: <reason>" and no file is written; the exit status stays 0.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [modulesDir, style, colourDir, outDir, optionsJson, ...seeds] = process.argv.slice(2);
const fileUrl = (...parts) => pathToFileURL(join(modulesDir, ...parts)).href;
const core = await import(fileUrl('@dicebear', 'core', 'lib', 'index.js'));
const styleModule = await import(fileUrl('@dicebear', style, 'lib', 'index.js'));
// The same module instance the style's pickComponent reads its components from.
const components = await import(fileUrl('@dicebear', style, 'lib', 'components', 'index.js'));

const CLOSE = '</g><!--part-->';
let wrapping = false;
for (const [group, variants] of Object.entries(components)) {
  for (const [name, draw] of Object.entries(variants)) {
    if (typeof draw !== 'function') continue;
    variants[name] = (...args) => {
      const body = draw(...args);
      return wrapping ? `<g data-part="${group}">${body}${CLOSE}` : body;
    };
  }
}

const overrides = JSON.parse(optionsJson);
const labelOptions = { backgroundColor: [overrides.backgroundColor ?? 'ffffff'] };
for (const [key, value] of Object.entries(overrides)) labelOptions[key] = [value];

function unwrap(svg) {
  return svg.replace(/<g data-part="[A-Za-z0-9_-]*">/g, '').split(CLOSE).join('');
}
function blankColours(svg) {
  return svg.replace(/#[0-9a-fA-F]{3,8}\b/g, '#').replace(/\btransparent\b/g, '#');
}

mkdirSync(outDir, { recursive: true });
for (const seed of seeds) {
  try {
    const colourPath = join(colourDir, `${seed}.svg`);
    if (!existsSync(colourPath)) throw new Error('no colour SVG');
    const colour = readFileSync(colourPath, 'utf8');
    wrapping = true;
    const label = core.createAvatar(styleModule, { seed, ...labelOptions }).toString();
    wrapping = false;
    if (blankColours(unwrap(label)) !== blankColours(colour)) throw new Error('label twin differs from the colour SVG in more than colours');
    writeFileSync(join(outDir, `${seed}.svg`), label);
  } catch (err) {
    wrapping = false;
    process.stderr.write(`skip ${seed}: ${err.message}\n`);
  }
}
