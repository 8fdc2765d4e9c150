// `clab theory <spec>`: Monte Carlo L(h_λ) − L(identity) along λ (Paper A, Thm 4.5/4.6), with
// common random numbers so that the differences are resolvable.
import type { Command } from 'commander';
import { buildConditional, SpecError, type ExperimentSpec } from '../../experiments/index.js';
import { ConstrainedSupport } from '../../latent/index.js';
import { differenceOf, estimateOnCommonSamples, hLambda, identityMap } from '../../theory/index.js';
import { collect, conditionalOf, readSpec } from '../options.js';

interface TheoryOptions {
  set?: string[];
  lambdas: string;
  anchors: string;
  negatives: string;
  json?: boolean;
}

function temperatureOf(spec: ExperimentSpec, file: string): number {
  const tau = 'tau' in spec.loss ? spec.loss.tau : undefined;
  if (typeof tau !== 'number')
    throw new SpecError(file, [
      `loss: \`clab theory\` needs a loss with a temperature tau; got kind '${spec.loss.kind}'`,
    ]);
  return tau;
}

function lambdasOf(text: string): number[] {
  const lambdas = text.split(',').map(Number);
  if (lambdas.some((l) => !Number.isFinite(l) || l <= 0))
    throw new SpecError('--lambdas', [`--lambdas: expected positive numbers, got '${text}'`]);
  return lambdas;
}

function verdict(meanDiff: number, stdErr: number): string {
  const z = meanDiff / stdErr;
  return Math.abs(z) < 3 ? 'no resolvable difference' : z < 0 ? 'h_λ BEATS the identity' : 'identity is better';
}

function theory(file: string, opts: TheoryOptions): void {
  const spec = readSpec(file, opts);
  if (opts.negatives !== 'full' && opts.negatives !== 'support')
    throw new SpecError('--negatives', [`--negatives: got '${opts.negatives}'; allowed values: full, support`]);
  if (spec.latent.space !== undefined && spec.latent.space !== 'sphere')
    throw new SpecError(file, [
      `latent.space: clab theory estimates Paper A's asymptotic loss on the sphere; got ${spec.latent.space}`,
    ]);
  const lambdas = lambdasOf(opts.lambdas);
  const conditional = conditionalOf(spec, file, 'theory');
  const tau = temperatureOf(spec, file);
  const fixedDims = conditional.kind === 'restricted-vmf' ? conditional.fixedDims : 0;
  // h_λ scales the varying part v; with every coordinate fixed there is none, and h_λ is the identity.
  if (fixedDims >= spec.latent.dim)
    throw new SpecError(file, [
      `conditional.fixedDims: clab theory compares h_λ, which scales the varying coordinates, with the identity; fixedDims ${fixedDims} leaves none for latent.dim ${spec.latent.dim} (allowed: 0..${spec.latent.dim - 1})`,
    ]);
  const estimates = estimateOnCommonSamples([identityMap, ...lambdas.map((l) => hLambda(l, Math.max(fixedDims, 1)))], {
    tau,
    dim: spec.latent.dim,
    conditional: buildConditional(conditional, spec.latent.dim),
    ...(opts.negatives === 'support' ? { negatives: new ConstrainedSupport({ fixedDims }) } : {}),
    anchors: Number(opts.anchors),
    positivesPerAnchor: 64,
    negativesPerAnchor: 1024,
    generator: 0,
  });
  const id = estimates[0]!;
  const rows = lambdas.map((l, i) => ({ lambda: l, ...differenceOf(estimates[i + 1]!, id) }));
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ identity: { loss: id.loss, stdErr: id.stdErr }, rows })}\n`);
    return;
  }
  process.stdout.write(
    `L(identity) = ${id.loss.toFixed(5)} ± ${id.stdErr.toFixed(5)}   (${opts.negatives} negatives, τ = ${tau})\n`,
  );
  process.stdout.write(`   λ      L(h_λ) − L(id)      ± s.e.    verdict\n`);
  for (const r of rows)
    process.stdout.write(
      `${r.lambda.toFixed(3).padStart(6)}  ${r.meanDiff.toExponential(3).padStart(14)}  ${r.stdErr.toExponential(2).padStart(10)}    ${verdict(r.meanDiff, r.stdErr)}\n`,
    );
}

export function addTheory(cli: Command): void {
  cli
    .command('theory')
    .argument('<spec>', 'experiment spec (its latent dim, conditional and tau)')
    .description(
      'Monte Carlo asymptotic loss of h_λ(u, v) = (u, λv)/|(u, λv)| relative to the identity, along λ (Paper A, Thm 4.5/4.6).',
    )
    .option('--set <key=value>', 'override a setting (repeatable)', collect)
    .option('--lambdas <list>', 'comma-separated λ values', '0.8,0.9,0.95,1.05,1.1')
    .option('--anchors <n>', 'anchors (more: smaller error bars)', '600')
    .option('--negatives <kind>', 'full (the whole sphere) or support (each anchor’s K(z))', 'full')
    .option('--json', 'as JSON')
    .action(theory);
}
