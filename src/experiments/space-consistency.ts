// Checks of the latent space against the rest of a spec (cl-ica's spaces, src/latent/space.ts),
// run with the other cross-section checks (consistency.ts) before any work: the marginal and the
// conditional are defined on the space, box bounds are ordered, content/style blocks fit the
// latent and agree, and the parts that only exist on the sphere (support negatives, S²-only
// processes and encoders, data kinds other than latents / latent-set) get the uniform sphere.
import { CONDITIONAL_SPACES } from '../latent/kinds.js';
import { MARGINAL_SPACES } from '../latent/marginal-kinds.js';
import { dataKinds } from '../data/kinds.js';
import type { AnyKind } from '../registry/kind.js';
import type { SpecIssue } from './consistency.js';

interface SpaceSpecLike {
  latent: { dim: number; space?: string; bounds?: [number, number]; marginal?: { kind: string; content?: number } };
  conditional?: { kind: string; content?: number } | undefined;
  process: { kind: string };
  data: { kind: string };
  encoder: { kind: string };
  loss: { kind: string };
}

/** Processes and encoders written for S² (their geometry is the sphere's). */
const SPHERE_ONLY = { process: ['spiral', 'patches'], encoder: ['inverse-spiral', 'inverse-patches'] };
/** Data kinds that sample the spec's latent model through its marginal (the others assume the uniform sphere). */
const MARGINAL_DATA = ['latents', 'latent-set'];

function blockIssues(spec: SpaceSpecLike): SpecIssue[] {
  const k = spec.latent.dim;
  const out: SpecIssue[] = [];
  const check = (content: number | undefined, path: (string | number)[]): void => {
    if (content !== undefined && content > k - 1)
      out.push({
        path,
        message: `content must leave at least one style coordinate (allowed: 1..${k - 1} for latent.dim ${k}), got ${content}`,
      });
  };
  const m = spec.latent.marginal?.kind === 'content-style' ? spec.latent.marginal.content : undefined;
  const c = spec.conditional?.kind === 'content-style' ? spec.conditional.content : undefined;
  check(m, ['latent', 'marginal', 'content']);
  check(c, ['conditional', 'content']);
  if (m !== undefined && c !== undefined && m !== c)
    out.push({
      path: ['conditional', 'content'],
      message: `the conditional keeps ${c} content coordinates but the marginal's content block has ${m}: set both to the same n_c`,
    });
  return out;
}

export function spaceIssues(spec: SpaceSpecLike): SpecIssue[] {
  const space = spec.latent.space ?? 'sphere';
  const legacy = spec.latent.space === undefined && spec.latent.marginal === undefined;
  const out: SpecIssue[] = [];
  const marginal = spec.latent.marginal?.kind;
  if (marginal !== undefined && !(MARGINAL_SPACES[marginal] ?? []).includes(space as never))
    out.push({
      path: ['latent', 'marginal', 'kind'],
      message: `marginal '${marginal}' is not defined on latent.space ${space} (allowed: ${Object.entries(
        MARGINAL_SPACES,
      )
        .filter(([, s]) => s.includes(space as never))
        .map(([n]) => n)
        .join(', ')})`,
    });
  const conditional = spec.conditional?.kind;
  if (conditional !== undefined && !(CONDITIONAL_SPACES[conditional] ?? []).includes(space as never))
    out.push({
      path: ['conditional', 'kind'],
      message: `conditional '${conditional}' is not defined on latent.space ${space} (allowed: ${Object.entries(
        CONDITIONAL_SPACES,
      )
        .filter(([, s]) => s.includes(space as never))
        .map(([n]) => n)
        .join(', ')})`,
    });
  const bounds = spec.latent.bounds;
  if (bounds !== undefined && space !== 'box')
    out.push({
      path: ['latent', 'bounds'],
      message: `latent.bounds applies to latent.space box only, got space ${space}`,
    });
  else if (bounds !== undefined && !(bounds[0] < bounds[1]))
    out.push({
      path: ['latent', 'bounds'],
      message: `latent.bounds must be [low, high] with low < high, got [${bounds.join(', ')}]`,
    });
  out.push(...blockIssues(spec));
  if (space !== 'sphere') {
    if (SPHERE_ONLY.process.includes(spec.process.kind))
      out.push({
        path: ['process', 'kind'],
        message: `process '${spec.process.kind}' is defined on the sphere S² only, got latent.space ${space}`,
      });
    if (SPHERE_ONLY.encoder.includes(spec.encoder.kind))
      out.push({
        path: ['encoder', 'kind'],
        message: `encoder '${spec.encoder.kind}' inverts a process on S² only, got latent.space ${space}`,
      });
    if (spec.loss.kind === 'adapted-infonce')
      out.push({
        path: ['loss', 'kind'],
        message: `loss 'adapted-infonce' draws negatives uniformly on sub-spheres K(z) of the sphere, got latent.space ${space}`,
      });
  }
  const data = (dataKinds as Record<string, AnyKind>)[spec.data.kind];
  if (!legacy && !MARGINAL_DATA.includes(spec.data.kind) && (data?.requires ?? []).includes('conditional'))
    out.push({
      path: ['latent'],
      message: `data '${spec.data.kind}' draws its latents uniformly on the sphere: leave latent.space and latent.marginal out (allowed with other spaces and marginals: ${MARGINAL_DATA.join(', ')})`,
    });
  return out;
}
