// The one seeding convention: every random choice of a run comes from a named stream derived from
// the run's seed, so two runs with the same spec and seed draw the same numbers whatever executes
// them, and changing one part of a spec (say the encoder) leaves the other streams untouched.
//
//   set    frozen data: the generative process's parameters, a finite training set, a split
//   init   the encoder's initial weights
//   data   the training stream: batches, positives, negatives, augmentations (saved in checkpoints)
//   eval   the held-out set
//   metric randomness inside metrics (held-out R² splits, k-means seeds, probe splits), re-created
//          at every evaluation so an evaluation does not depend on when it runs
//
// Stream i is the i-th child of Generator(seed).split(n); the first four are in the order the
// original Paper A trainer split them, so its numbers did not move when this convention came in.
import { Generator } from '../torch/index.js';

export const STREAM_NAMES = ['set', 'init', 'data', 'eval', 'metric'] as const;
export type StreamName = (typeof STREAM_NAMES)[number];

/** The run's named generators. */
export function runStreams(seed: number): Record<StreamName, Generator> {
  const gens = new Generator(seed).split(STREAM_NAMES.length);
  return Object.fromEntries(STREAM_NAMES.map((name, i) => [name, gens[i]!])) as Record<StreamName, Generator>;
}

/** A fresh copy of one stream at its start (e.g. the metric stream at each evaluation). */
export function freshStream(seed: number, name: StreamName): Generator {
  return runStreams(seed)[name];
}
