// Content/style latents (von Kügelgen, Sharma, Gresele, Brendel, Schölkopf, Besserve, Locatello,
// "Self-Supervised Learning with Data Augmentations Provably Isolates Content from Style",
// NeurIPS 2021; code ysharma1126/ssl_identifiability, main_mlp.py / spaces.py / latent_spaces.py).
// z = (c, s) ∈ R^{n_c} × R^{n_s}: the content block c is the first `content` coordinates, the style
// block s the rest. A positive pair is an augmentation that keeps content and changes style:
//   c~ = c,   s~_j = s_j + m_j δ_j,   m_j ~ Bernoulli(changeProb) independently per coordinate,
// δ ~ N(0, σ²I) (or N(0, Σ_δ) with dependence). Their Thm 4.4: the content block is then
// identified up to an invertible map (block identifiability) by a minimiser of alignment +
// entropy, even though the full latent is not; their experiment measures it by the R² of
// predicting c (and s) from the representation, linearly and with kernel ridge regression.
// Marginal (their numerical experiment): c ~ N(0, σ²I), s ~ N(0, σ²I), with two options
//   dependence      statistical dependence within each block: c ~ N(0, Σ_c), s ~ N(0, Σ_s) with
//                   Σ ~ Wishart(n, I) (and δ ~ N(0, Σ_δ), Σ_δ ~ Wishart(n_s, I));
//   styleOnContent  style depends causally on content: s ← s + B c + a with B, a ~ N(0, 1) entries.
// (ours) Σ_c, Σ_s, Σ_δ, B and a are drawn once per run from the generator given at construction
// (the run's `set` stream): a fixed law p(z). The reference code redraws them at every batch,
// which makes p(z) a mixture over batches. The reference ignores σ under dependence; here σ
// multiplies the dependent draws too (σ = 1, the default, is the reference's setting).
// Σ = GᵀG with G an n×n standard normal matrix is Wishart(n, I), and ε G with ε ~ N(0, I) has
// covariance GᵀG, so the factor G is all that is kept.
import { bernoulli, cat, keep, noGrad, randn, scope, type Generator, type Tensor } from '../torch/index.js';
import { checkInteger, checkPoints, type FloatDtype } from './checks.js';
import type { LatentSpace } from './space.js';
import type { Conditional, Marginal } from './types.js';

export interface ContentStyleOptions {
  /** Latent dimension n_c + n_s. */
  dim: number;
  /** Content coordinates n_c (the first ones), 1 ≤ n_c ≤ dim − 1. */
  content: number;
  /** σ of the block draws (marginal) or of the style change δ (conditional); default 1. */
  scale?: number;
  /** Statistical dependence within blocks (Wishart covariances); default false. */
  dependence?: boolean;
}

function checkBlocks(who: string, dim: number, content: number, scale: number): void {
  checkInteger(who, 'dim', dim, 2);
  if (!Number.isInteger(content) || content < 1 || content > dim - 1)
    throw new RangeError(`${who}: content must be an integer in 1..dim−1 (1..${dim - 1}), got ${String(content)}`);
  if (!(Number.isFinite(scale) && scale > 0)) throw new RangeError(`${who}: scale must be > 0, got ${String(scale)}`);
}

/** The factor G of a Wishart(n, I) covariance GᵀG (float64 [n, n]), kept out of any scope: the owner disposes it. */
const wishartFactor = (n: number, gen: Generator): Tensor => keep(randn([n, n], gen, 'float64'));

/** n draws of N(0, σ²GᵀG) (or N(0, σ²I) without G): float64 [count, n]. */
function blockNormal(count: number, n: number, scale: number, factor: Tensor | undefined, gen: Generator): Tensor {
  return scope(() => {
    const e = randn([count, n], gen, 'float64');
    return (factor === undefined ? e : e.matmul(factor)).mul(scale);
  });
}

/** von Kügelgen et al.'s marginal on R^{n_c + n_s}; see the module comment. */
export class ContentStyleMarginal implements Marginal {
  readonly name = 'content-style';
  readonly dim: number;
  readonly content: number;
  readonly space: LatentSpace;
  readonly scale: number;
  /** The Wishart factors G_c, G_s (float64; covariances σ²GᵀG), when dependence is on. */
  readonly factors: { content: Tensor; style: Tensor } | undefined;
  /** B [n_s, n_c] and a [1, n_s] (float64) of s ← s + Bc + a, when styleOnContent is on. */
  readonly link: { B: Tensor; a: Tensor } | undefined;

  /** Draws the frozen matrices from `gen` in this order: G_c, G_s (dependence), then B, a (styleOnContent). */
  constructor(
    options: ContentStyleOptions & { styleOnContent?: boolean },
    gen: Generator,
    readonly dtype: FloatDtype = 'float32',
  ) {
    const { dim, content, scale = 1, dependence = false, styleOnContent = false } = options;
    checkBlocks('ContentStyleMarginal', dim, content, scale);
    [this.dim, this.content, this.scale] = [dim, content, scale];
    this.space = { kind: 'real', dim };
    const style = dim - content;
    this.factors = dependence
      ? noGrad(() => ({ content: wishartFactor(content, gen), style: wishartFactor(style, gen) }))
      : undefined;
    this.link = styleOnContent
      ? noGrad(() => keep({ B: randn([style, content], gen, 'float64'), a: randn([1, style], gen, 'float64') }))
      : undefined;
  }

  /** [n, dim]: per call, the content draw then the style draw. */
  sample(n: number, gen: Generator): Tensor {
    checkInteger('ContentStyleMarginal.sample()', 'n', n, 0);
    return noGrad(() =>
      scope(() => {
        const c = blockNormal(n, this.content, this.scale, this.factors?.content, gen);
        let s = blockNormal(n, this.dim - this.content, this.scale, this.factors?.style, gen);
        if (this.link !== undefined) s = s.add(c.matmul(this.link.B.T)).add(this.link.a);
        return cat([c, s], 1).to(this.dtype);
      }),
    );
  }

  dispose(): void {
    for (const t of [this.factors?.content, this.factors?.style, this.link?.B, this.link?.a]) t?.dispose();
  }
}

/** von Kügelgen et al.'s augmentation: keep content, change each style coordinate with probability changeProb. */
export class ContentStyleConditional implements Conditional {
  readonly name = 'content-style';
  readonly dim: number;
  readonly content: number;
  readonly changeProb: number;
  readonly scale: number;
  /** The Wishart factor G_δ (float64; change covariance σ²G_δᵀG_δ), when dependence is on. */
  readonly factor: Tensor | undefined;

  /** Draws G_δ from `gen` when dependence is on. */
  constructor(options: ContentStyleOptions & { changeProb: number }, gen: Generator) {
    const { dim, content, scale = 1, dependence = false, changeProb } = options;
    checkBlocks('ContentStyleConditional', dim, content, scale);
    if (!(changeProb > 0 && changeProb <= 1))
      throw new RangeError(`ContentStyleConditional: changeProb must be in (0, 1], got ${String(changeProb)}`);
    [this.dim, this.content, this.scale, this.changeProb] = [dim, content, scale, changeProb];
    this.factor = dependence ? noGrad(() => wishartFactor(dim - content, gen)) : undefined;
  }

  /** anchors [n, dim] → positives [n, dim] in the anchors' dtype; content copied bit for bit. Draws the mask, then δ. */
  sample(anchors: Tensor, gen: Generator): Tensor {
    const [n, k, dtype] = checkPoints('ContentStyleConditional.sample()', 'anchors', anchors, 2);
    if (k !== this.dim)
      throw new RangeError(`ContentStyleConditional.sample(): anchors have k = ${k}, the latent has ${this.dim}`);
    const style = k - this.content;
    return noGrad(() =>
      scope(() => {
        const mask = bernoulli(this.changeProb, [n, style], gen, 'float64');
        const delta = blockNormal(n, style, this.scale, this.factor, gen);
        const s = anchors.narrow(1, this.content, style).to('float64').add(mask.mul(delta));
        return cat([anchors.narrow(1, 0, this.content), s.to(dtype)], 1);
      }),
    );
  }

  dispose(): void {
    this.factor?.dispose();
  }
}
