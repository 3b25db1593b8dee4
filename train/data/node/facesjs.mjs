// facesjs faces with their label twins.
//
// Usage: node facesjs.mjs <node_modules dir> <out dir> <label colours JSON> <seed> [<seed> ...]
//
// For each seed, Math.random is replaced by a PRNG seeded with the seed text; generate()
// draws a face (gender and race from the same PRNG) and three random team colours for the
// jersey; faceToSvgString() writes it to <out dir>/color/<seed>.svg. The same face with its
// skin, hair and team colours set to label colours (JSON keys: skin, hair, top) goes to
// <out dir>/label/<seed>.svg. Every feature is wrapped in <g data-part="NAME"> in both. A
// seed whose two drawings differ in more than colours (or that throws) is reported on
// stderr as "skip <seed>: <reason>"; the exit status stays 0.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { seededRandom, blankColours } from './seeded.mjs';

const [modulesDir, outDir, coloursJson, ...seeds] = process.argv.slice(2);
const facesjs = await import(pathToFileURL(join(modulesDir, 'facesjs', 'build', 'index.js')).href);
const L = JSON.parse(coloursJson);

for (const [part, variants] of Object.entries(facesjs.svgs)) {
  for (const [id, markup] of Object.entries(variants)) {
    variants[id] = `<g data-part="${part}">${markup}</g>`;
  }
}

function hsl(random) {
  const hue = random() * 360, sat = 35 + random() * 55, light = 25 + random() * 55;
  const a = (sat / 100) * Math.min(light / 100, 1 - light / 100);
  const f = (n) => {
    const k = (n + hue / 30) % 12;
    const c = light / 100 - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255).toString(16).padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

function makeFace(seed) {
  const random = Math.random;
  const prng = seededRandom(seed);
  Math.random = prng;
  try {
    const gender = prng() < 0.5 ? 'female' : 'male';
    const face = facesjs.generate(undefined, { gender });
    face.teamColors = [hsl(prng), hsl(prng), hsl(prng)];
    return face;
  } finally {
    Math.random = random;
  }
}

mkdirSync(join(outDir, 'color'), { recursive: true });
mkdirSync(join(outDir, 'label'), { recursive: true });
for (const seed of seeds) {
  try {
    const face = makeFace(seed);
    const labelFace = JSON.parse(JSON.stringify(face));
    labelFace.body.color = L.skin;
    labelFace.hair.color = L.hair;
    labelFace.teamColors = [L.top, L.top, L.top];
    const colour = facesjs.faceToSvgString(face);
    const label = facesjs.faceToSvgString(labelFace);
    if (blankColours(colour) !== blankColours(label)) throw new Error('label twin differs in more than colours');
    writeFileSync(join(outDir, 'color', `${seed}.svg`), colour);
    writeFileSync(join(outDir, 'label', `${seed}.svg`), label);
  } catch (err) {
    process.stderr.write(`skip ${seed}: ${err.message}\n`);
  }
}
