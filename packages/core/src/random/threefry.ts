// Threefry-2x32 with 20 rounds: Salmon et al., "Parallel random numbers: as easy as 1, 2, 3"
// (SC 2011). A counter-based generator: output = f(key, counter), so any element of a random
// array can be computed independently and keys split without shared state (as in JAX).

const ROTATIONS = [13, 15, 26, 6, 17, 29, 16, 24] as const;
const PARITY = 0x1bd11bda;

function rotl(x: number, r: number): number {
  return ((x << r) | (x >>> (32 - r))) >>> 0;
}

/**
 * Encrypts the counter (c0, c1) under the key (k0, k1); writes two uint32 words to `out`.
 * All inputs are treated as uint32.
 */
export function threefry2x32(
  k0: number,
  k1: number,
  c0: number,
  c1: number,
  out: Uint32Array | number[],
): void {
  const ks0 = k0 >>> 0;
  const ks1 = k1 >>> 0;
  const ks2 = (ks0 ^ ks1 ^ PARITY) >>> 0;
  const ks = [ks0, ks1, ks2];
  let x0 = (c0 + ks0) >>> 0;
  let x1 = (c1 + ks1) >>> 0;
  for (let block = 0; block < 5; block++) {
    const base = (block & 1) * 4;
    for (let r = 0; r < 4; r++) {
      x0 = (x0 + x1) >>> 0;
      x1 = rotl(x1, ROTATIONS[base + r]) ^ x0;
    }
    // Key injection after every 4 rounds.
    const s = block + 1;
    x0 = (x0 + ks[s % 3]) >>> 0;
    x1 = (x1 + ks[(s + 1) % 3] + s) >>> 0;
  }
  out[0] = x0;
  out[1] = x1;
}
