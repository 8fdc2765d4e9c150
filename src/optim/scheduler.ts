// Drives an optimizer's learning rate from a schedule, one call per optimizer step.
import type { Optimizer } from './optimizer.js';
import type { Schedule } from './schedule.js';

/**
 * Sets `optimizer.lr = schedule(n)` where n is the number of optimizer steps taken: schedule(0) at
 * construction, then schedule(n) after the n-th call to `step()`. Call `step()` after each
 * `optimizer.step()`, as with PyTorch's schedulers. All parameter groups get the same rate.
 *
 * @example
 * const sched = new LRScheduler(opt, cosineWithWarmup({ lr: 1e-3, warmupSteps: 100, totalSteps: 5000 }));
 * for (let it = 0; it < 5000; it++) {
 *   scope(() => { opt.zeroGrad(); lossFn().backward(); opt.step(); });
 *   sched.step();
 * }
 */
export class LRScheduler {
  readonly optimizer: Optimizer;
  readonly schedule: Schedule;
  #stepCount = 0;

  constructor(optimizer: Optimizer, schedule: Schedule) {
    this.optimizer = optimizer;
    this.schedule = schedule;
    optimizer.lr = schedule(0);
  }

  /** Number of optimizer steps taken (calls to `step()`, or the loaded count). */
  get stepCount(): number {
    return this.#stepCount;
  }

  /** The learning rate now set on the optimizer. */
  get lastLr(): number {
    return this.optimizer.lr;
  }

  /** Advances one step and sets the optimizer's learning rate for the next. */
  step(): void {
    this.#stepCount += 1;
    this.optimizer.lr = this.schedule(this.#stepCount);
  }

  stateDict(): { stepCount: number } {
    return { stepCount: this.#stepCount };
  }

  /** Resumes at a saved step count (and sets the matching learning rate). */
  loadStateDict(state: { stepCount: number }): void {
    if (!Number.isInteger(state.stepCount) || state.stepCount < 0)
      throw new RangeError(
        `LRScheduler.loadStateDict(): stepCount must be a non-negative integer, got ${state.stepCount}`,
      );
    this.#stepCount = state.stepCount;
    this.optimizer.lr = this.schedule(this.#stepCount);
  }
}
