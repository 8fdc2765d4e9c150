// Learning-rate schedules as pure functions of the step count (optax style): a schedule maps the
// number of optimizer steps taken so far to the learning rate for the next one.

/** Learning rate as a function of the number of steps already taken (0, 1, 2, …). */
export type Schedule = (step: number) => number;

function checkStep(step: number): void {
  if (!Number.isInteger(step) || step < 0)
    throw new RangeError(`schedule: step must be a non-negative integer, got ${step}`);
}

function nonNegative(what: string, x: number): void {
  if (!Number.isFinite(x) || x < 0) throw new RangeError(`${what} must be a finite number >= 0, got ${x}`);
}

/** The same learning rate at every step. */
export function constantLR(lr: number): Schedule {
  nonNegative('constantLR: lr', lr);
  return (step) => {
    checkStep(step);
    return lr;
  };
}

/**
 * PyTorch's StepLR in closed form: lr·γ^⌊step/stepSize⌋ (the rate drops by γ every stepSize steps).
 *
 * @example
 * const s = stepLR({ lr: 0.1, stepSize: 30, gamma: 0.1 });
 * s(0); s(29);   // 0.1, 0.1
 * s(30);         // 0.01
 */
export function stepLR(options: { lr: number; stepSize: number; gamma?: number }): Schedule {
  const { lr, stepSize } = options;
  const gamma = options.gamma ?? 0.1;
  nonNegative('stepLR: lr', lr);
  if (!Number.isInteger(stepSize) || stepSize < 1)
    throw new RangeError(`stepLR: stepSize must be a positive integer, got ${stepSize}`);
  nonNegative('stepLR: gamma', gamma);
  return (step) => {
    checkStep(step);
    return lr * gamma ** Math.floor(step / stepSize);
  };
}

/**
 * Linear warm-up then cosine decay (the convention of Hugging Face's
 * get_cosine_schedule_with_warmup, plus a floor):
 *
 *     step < W:        lr·step/W                                        (0 at step 0)
 *     W ≤ step ≤ T:    minLr + (lr − minLr)·½(1 + cos(π·(step − W)/(T − W)))
 *     step > T:        minLr
 *
 * with W = warmupSteps and T = totalSteps.
 *
 * @example
 * const s = cosineWithWarmup({ lr: 1e-3, warmupSteps: 100, totalSteps: 1000 });
 * s(50);    // 5e-4
 * s(100);   // 1e-3 (peak)
 * s(550);   // 5e-4 (half way down)
 * s(1000);  // 0
 */
export function cosineWithWarmup(options: {
  lr: number;
  warmupSteps: number;
  totalSteps: number;
  minLr?: number;
}): Schedule {
  const { lr, warmupSteps, totalSteps } = options;
  const minLr = options.minLr ?? 0;
  nonNegative('cosineWithWarmup: lr', lr);
  if (!Number.isInteger(warmupSteps) || warmupSteps < 0)
    throw new RangeError(`cosineWithWarmup: warmupSteps must be a non-negative integer, got ${warmupSteps}`);
  if (!Number.isInteger(totalSteps) || totalSteps <= warmupSteps)
    throw new RangeError(
      `cosineWithWarmup: totalSteps must be an integer > warmupSteps (${warmupSteps}), got ${totalSteps}`,
    );
  if (!(minLr >= 0 && minLr <= lr)) throw new RangeError(`cosineWithWarmup: minLr must be in [0, lr], got ${minLr}`);
  return (step) => {
    checkStep(step);
    if (step < warmupSteps) return (lr * step) / warmupSteps;
    const progress = Math.min(1, (step - warmupSteps) / (totalSteps - warmupSteps));
    return minLr + (lr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
  };
}
