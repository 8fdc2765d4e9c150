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

/** The issues with content/style blocks: each must leave a style coordinate, and the two must agree. */
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

/** Every way the latent space disagrees with the rest of the spec, each at its key path (empty when all fit). */
export function spaceIssues(spec: SpaceSpecLike): SpecIssue[] {
  const space = spec.latent.space ?? 'sphere';
  return [
    ...notOnSpace('marginal', spec.latent.marginal?.kind, MARGINAL_SPACES, space, ['latent', 'marginal', 'kind']),
    ...notOnSpace('conditional', spec.conditional?.kind, CONDITIONAL_SPACES, space, ['conditional', 'kind']),
    ...boundsIssues(spec.latent.bounds, space),
    ...blockIssues(spec),
    ...(space !== 'sphere' ? sphereOnlyIssues(spec, space) : []),
    ...uniformSphereDataIssues(spec),
  ];
}

/** The issue when a marginal or conditional kind is not defined on the space (none when unset or defined). */
function notOnSpace(
  what: 'marginal' | 'conditional',
  kind: string | undefined,
  spaces: Record<string, readonly string[]>,
  space: string,
  path: string[],
): SpecIssue[] {
  if (kind === undefined || (spaces[kind] ?? []).includes(space)) return [];
  const allowed = Object.entries(spaces)
    .filter(([, s]) => s.includes(space))
    .map(([n]) => n);
  return [
    { path, message: `${what} '${kind}' is not defined on latent.space ${space} (allowed: ${allowed.join(', ')})` },
  ];
}

/** The issue with latent.bounds: set on a space other than the box, or not ordered low < high. */
function boundsIssues(bounds: [number, number] | undefined, space: string): SpecIssue[] {
  if (bounds === undefined) return [];
  if (space !== 'box')
    return [
      { path: ['latent', 'bounds'], message: `latent.bounds applies to latent.space box only, got space ${space}` },
    ];
  if (!(bounds[0] < bounds[1]))
    return [
      {
        path: ['latent', 'bounds'],
        message: `latent.bounds must be [low, high] with low < high, got [${bounds.join(', ')}]`,
      },
    ];
  return [];
}

/** The parts of the spec that exist only on the sphere, named off it (space is not 'sphere'). */
function sphereOnlyIssues(spec: SpaceSpecLike, space: string): SpecIssue[] {
  const out: SpecIssue[] = [];
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
  return out;
}

/** The issue when a data kind that assumes the uniform sphere meets a named space or marginal. */
function uniformSphereDataIssues(spec: SpaceSpecLike): SpecIssue[] {
  // A spec naming neither a space nor a marginal has the uniform sphere these data kinds assume.
  const legacy = spec.latent.space === undefined && spec.latent.marginal === undefined;
  const data = (dataKinds as Record<string, AnyKind>)[spec.data.kind];
  if (legacy || MARGINAL_DATA.includes(spec.data.kind) || !(data?.requires ?? []).includes('conditional')) return [];
  return [
    {
      path: ['latent'],
      message: `data '${spec.data.kind}' draws its latents uniformly on the sphere: leave latent.space and latent.marginal out (allowed with other spaces and marginals: ${MARGINAL_DATA.join(', ')})`,
    },
  ];
}
