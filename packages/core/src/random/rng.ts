// A small stateful wrapper over keys for loops that draw many times (training, sampling).
// Its state is two uint32 words, saved in checkpoints so that resumed runs continue exactly.
import { CheckpointError } from '../errors.js';
import { type PRNGKey, type Seed, isPRNGKey, split, toKey } from './key.js';

/** The serialisable state of an `Rng`. */
export interface RngState {
  key: [number, number];
}

/**
 * Hands out a fresh key per call to `next()`.
 *
 * @example
 * const rng = new Rng(0);
 * const noise = randomNormal(rng.next(), [8, 2]);
 * const saved = rng.state(); // store in a checkpoint; Rng.fromState(saved) continues the stream
 */
export class Rng {
  private key: PRNGKey;

  constructor(seed: Seed) {
    this.key = toKey(seed, 'Rng');
  }

  /** A new key; the internal key advances so no key is handed out twice. */
  next(): PRNGKey {
    const [carry, out] = split(this.key, 2);
    this.key = carry;
    return out;
  }

  /** The current state, as plain JSON-able data. */
  state(): RngState {
    return { key: [this.key[0], this.key[1]] };
  }

  /** Rebuilds an `Rng` from `state()`; throws `CheckpointError` on malformed state. */
  static fromState(state: RngState): Rng {
    if (!state || !isPRNGKey(state.key)) {
      throw new CheckpointError(`Rng state must be {key: [uint32, uint32]}, but got ${JSON.stringify(state)}.`);
    }
    return new Rng(Object.freeze([state.key[0], state.key[1]]) as unknown as PRNGKey);
  }
}
