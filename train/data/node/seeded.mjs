// A seeded replacement for Math.random (mulberry32 on a 32-bit FNV-1a hash of the seed text),
// so packages that draw with Math.random (Big Heads, facesjs) give the same picture for a seed.
export function seededRandom(seed) {
  let h = 0x811c9dc5;
  for (const ch of String(seed)) {
    h ^= ch.codePointAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  let state = h || 1;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Hex colours blanked, so two drawings can be compared for everything but their colours.
export function blankColours(svg) {
  return svg.replace(/#[0-9a-fA-F]{3,8}\b/g, '#');
}
