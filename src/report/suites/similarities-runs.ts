// The runs of the `similarities` suite (Paper B; experiments/similarities.yaml) as the report reads
// them: each finished run classified by its stored spec (free embeddings or SimCLR, with or without
// VRNS), and the small numeric helpers the SimCLR and theory parts share.
import type { ExperimentSpec } from '../../experiments/spec.js';
import type { PublishedCell } from '../types.js';
import type { SuiteReportContext, SuiteRunData } from './index.js';

/** One finished run, classified by its spec. */
export interface Measured {
  run: SuiteRunData;
  spec: ExperimentSpec;
  vrns: boolean;
  metric(name: string): number;
}

export const f4 = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : 'n/a');
export { meanOf, sampleStdOf as stdOf } from './cells.js';
// Paper B prints these as single values (no spread over seeds).
export const pub = (mean: number): PublishedCell => ({ mean });

/** Whether xs decreases, and how many consecutive steps go down. */
export function trend(xs: number[]): { down: number; steps: number; endToEnd: boolean } {
  let down = 0;
  for (let i = 1; i < xs.length; i++) if ((xs[i] as number) < (xs[i - 1] as number)) down++;
  return {
    down,
    steps: Math.max(0, xs.length - 1),
    endToEnd: xs.length > 1 && (xs[xs.length - 1] as number) < (xs[0] as number),
  };
}

export function measure(ctx: SuiteReportContext): Measured[] {
  const specs = new Map(ctx.suite.cells.map((c) => [`${c.row}/${c.column}`, c.spec]));
  return ctx.runs
    .filter((r) => r.meta.summary !== undefined)
    .flatMap((run) => {
      const spec = specs.get(`${run.row}/${run.column}`);
      if (spec === undefined) return [];
      const metrics = run.meta.summary!.metrics;
      return [
        {
          run,
          spec,
          vrns: spec.auxiliary.some((a) => a.kind === 'vrns'),
          metric: (name: string) => metrics[name] ?? Number.NaN,
        },
      ];
    })
    .sort((a, b) => a.run.meta.seed - b.run.meta.seed);
}

export const batchOf = (m: Measured): number => m.spec.train.batch;
export const freeData = (m: Measured) => (m.spec.data.kind === 'free-embeddings' ? m.spec.data : undefined);
