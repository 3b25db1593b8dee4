// Big Heads (@bigheads/core) characters with their label twins.
//
// Usage: node bigheads.mjs <node_modules dir> <out dir> <label colours JSON> <seed> [<seed> ...]
//
// For each seed, Math.random is replaced by a PRNG seeded with the seed text and the
// <BigHead/> React component (all its options left to its own random choice) is rendered
// to <out dir>/color/<seed>.svg with react-dom/server. Then the same seed is rendered again
// with the theme's colours set to label colours (JSON keys: skin, hair, mouth, top,
// background, line; white stays white) into <out dir>/label/<seed>.svg. Every component
// is wrapped in <g data-part="NAME"> in both. A seed whose two renders differ in more than
// colours (or that throws) is reported on stderr as "skip <seed>: <reason>"; exit status 0.
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom, blankColours } from './seeded.mjs';

const [modulesDir, outDir, coloursJson, ...seeds] = process.argv.slice(2);
const require = createRequire(join(modulesDir, 'noop.js'));
const React = require('react');
const { renderToStaticMarkup } = require('react-dom/server');
const bigheads = require('@bigheads/core');
const L = JSON.parse(coloursJson);

const h = React.createElement;
function wrap(part, Component) {
  const Wrapped = (props) => h('g', { 'data-part': part }, h(Component, props));
  Object.assign(Wrapped, Component);
  return Wrapped;
}
const maps = {
  eyesMap: 'eyes', eyebrowsMap: 'eyebrows', mouthsMap: 'mouth', hairMap: 'hair', facialHairMap: 'facialHair',
  clothingMap: 'clothing', accessoryMap: 'accessory', graphicsMap: 'graphic', hatMap: 'hat', bodyMap: 'body',
};
for (const [mapName, part] of Object.entries(maps)) {
  const map = bigheads[mapName];
  for (const [key, value] of Object.entries(map)) {
    if (typeof value === 'function' || (value && value.$$typeof)) {
      map[key] = wrap(part, value);
    } else {
      const parts = { ...value };
      for (const side of ['Front', 'Back']) if (parts[side]) parts[side] = wrap(part, parts[side]);
      map[key] = parts;
    }
  }
}

const colors = bigheads.theme.colors;
const real = JSON.parse(JSON.stringify(colors));
function setAll(table, hex) {
  for (const entry of Object.values(table)) {
    if (typeof entry === 'string') continue;
    for (const k of Object.keys(entry)) entry[k] = hex;
  }
}
function useLabelColours() {
  setAll(colors.skin, L.skin);
  setAll(colors.hair, L.hair);
  setAll(colors.lipColors, L.mouth);
  setAll(colors.clothing, L.top);
  for (const k of Object.keys(colors.bgColors)) colors.bgColors[k] = L.background;
  colors.outline = L.line;
  colors.tongue = L.mouth;
}
function useRealColours() {
  for (const [k, v] of Object.entries(JSON.parse(JSON.stringify(real)))) colors[k] = v;
}

function render(seed) {
  const random = Math.random;
  Math.random = seededRandom(seed);
  try {
    return renderToStaticMarkup(h(bigheads.BigHead, {}));
  } finally {
    Math.random = random;
  }
}

mkdirSync(join(outDir, 'color'), { recursive: true });
mkdirSync(join(outDir, 'label'), { recursive: true });
for (const seed of seeds) {
  try {
    useRealColours();
    const colour = render(seed);
    useLabelColours();
    const label = render(seed);
    useRealColours();
    if (blankColours(colour) !== blankColours(label)) throw new Error('label twin differs in more than colours');
    writeFileSync(join(outDir, 'color', `${seed}.svg`), colour);
    writeFileSync(join(outDir, 'label', `${seed}.svg`), label);
  } catch (err) {
    useRealColours();
    process.stderr.write(`skip ${seed}: ${err.message}\n`);
  }
}
