// `clab diagnose <spec>`: does the spec's positive sampler satisfy Paper A's diversity condition?
import type { Command } from 'commander';
import { buildConditional, buildMarginal, latentSpaceOf } from '../../experiments/index.js';
import { UniformSphere, describeSpace, diversityDiagnostic } from '../../latent/index.js';
import { Generator } from '../../torch/index.js';
import { collect, conditionalOf, readSpec } from '../options.js';

interface DiagnoseOptions {
  set?: string[];
  samples: string;
  json?: boolean;
}

function diagnose(file: string, opts: DiagnoseOptions): void {
  const spec = readSpec(file, opts);
  const conditional = conditionalOf(spec, file, 'diagnose');
  const dim = spec.latent.dim;
  // The spec's marginal and conditional on its space (frozen parameters from a fixed stream).
  const frozen = new Generator(1);
  const marginal = buildMarginal(spec.latent, frozen) ?? new UniformSphere(dim);
  const report = diversityDiagnostic(
    marginal,
    buildConditional(conditional, dim, spec.latent, frozen),
    new Generator(0),
    { samples: Number(opts.samples) },
  );
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  process.stdout.write(
    `${spec.name}: conditional ${JSON.stringify(conditional)} on ${describeSpace(latentSpaceOf(spec.latent))}\n`,
  );
  process.stdout.write(`diversity condition: ${report.holds ? 'HOLDS' : 'VIOLATED'}\n`);
  process.stdout.write(`displacement spectrum: ${report.spectrum.map((x) => x.toExponential(2)).join(', ')}\n`);
  if (report.unperturbed.length > 0)
    process.stdout.write(
      `directions positives never move along: ${report.unperturbed.map((d) => `[${d.map((x) => x.toFixed(3)).join(', ')}]`).join(' ')}\n`,
    );
}

export function addDiagnose(cli: Command): void {
  cli
    .command('diagnose')
    .argument('<spec>', 'experiment spec')
    .description(
      'Diversity diagnostic of the spec’s positive sampler: which latent directions do positive pairs never move along?',
    )
    .option('--set <key=value>', 'override a setting (repeatable)', collect)
    .option('--samples <n>', 'anchors sampled', '4096')
    .option('--json', 'as JSON')
    .action(diagnose);
}
