// Rendered shapes with known latents (src/data/shapes.ts): Paper A's synthetic finding tested on
// pixels. Latents z are uniform on the spec's latent sphere S² (latent.dim 3) and rendered through
// fromSphere — x-position = (z₀+1)/2, y-position = (z₁+1)/2, hue = (z₂+1)/2; size, rotation and
// background hue fixed — to 3×32×32 images. Positives come from the spec's top-level `conditional`
// on the latents (vMF: diversity holds; restricted vMF with fixedDims 1: the x-position never
// changes within a pair), optionally followed by an image augmentation of every view.
//
// Draw order per step (run's data stream): anchor latents, positive latents, negative latents (as
// the latents kind and the original image-identifiability loop), then the augmentation if any.
// Negatives: shared — fresh uniform latents rendered; per-anchor `support` — uniform on each
// anchor's K(z) (a share rho, the rest uniform); `views` — further positives of the anchor.
// Held-out set (eval stream): uniform latents, their clean images, one positive view each.
//
// A blind spot of the renderer: at z₂ = ±1 the object sits in the centre and hue is periodic, so
// the north and south poles render to the same image (see shapePoleDifference).
import { UniformSphere } from '../../latent/index.js';
import type { Conditional } from '../../latent/types.js';
import { latentNegatives } from './latent-negatives.js';
import { latentBatch } from './latent-batch.js';
import { defineKind, unitInterval, variant } from '../../registry/kind.js';
import { noGrad, scope, tensor, type Generator, type Tensor } from '../../torch/index.js';
import type { Augmentation } from '../../augment/index.js';
import { fromSphere, renderShapes, SHAPE_IMAGE_SIZE, type FromSphereOptions } from '../shapes.js';
import type { DataContext, DataSource, EvalSet, NegativeRequest, TrainBatch } from '../source.js';
import { augmentationOf, augmentationSetting, type AugmentationName } from './image-set.js';

/** Images [n, 3, 32, 32] of points z [n, 3] on S². */
export function renderSphere(z: Tensor, options: FromSphereOptions = {}): Tensor {
  return scope(() => renderShapes(fromSphere(z, options)));
}

/** Max |pixel difference| between the renders of the north and south poles (0: the renderer glues them). */
export function shapePoleDifference(options: FromSphereOptions = {}): number {
  return scope(() => {
    const poles = renderSphere(tensor([0, 0, 1, 0, 0, -1], [2, 3], 'float32'), options);
    return poles.select(0, 0).sub(poles.select(0, 1)).abs().max().item();
  });
}

export interface ShapesSettings {
  augmentation: AugmentationName;
  size: number;
  rotation: number;
  backgroundHue: number;
}

export class ShapesDataSource implements DataSource {
  readonly inputShape = [3, SHAPE_IMAGE_SIZE, SHAPE_IMAGE_SIZE] as const;
  readonly latentDim = 3;
  readonly perAnchorSources: readonly ('support' | 'views')[];
  readonly sharedNegatives = true;
  private readonly marginal = new UniformSphere(3);
  private readonly augment: Augmentation | undefined;
  private readonly render: FromSphereOptions;
  private readonly evalData: EvalSet;

  constructor(
    private readonly settings: ShapesSettings,
    private readonly ctx: DataContext,
  ) {
    if (ctx.latentDim !== 3)
      throw new RangeError(`data 'shapes' renders points of S² (latent.dim 3), got latent.dim ${ctx.latentDim}`);
    this.augment = augmentationOf(settings.augmentation, SHAPE_IMAGE_SIZE);
    this.render = { size: settings.size, rotation: settings.rotation, backgroundHue: settings.backgroundHue };
    const fixed = ctx.conditionalConfig?.fixedDims ?? 0;
    this.perAnchorSources = fixed > 0 ? ['support', 'views'] : ['views'];
    this.evalData = noGrad(() =>
      scope(() => {
        const z = this.marginal.sample(ctx.evalSamples, ctx.eval);
        const zPos = this.conditional().sample(z, ctx.eval);
        // Clean images of the held-out latents; their positive views as training draws them.
        return { inputs: renderSphere(z, this.render), positives: this.images(zPos, ctx.eval), latents: z };
      }),
    );
  }

  private conditional(): Conditional {
    if (this.ctx.conditional === undefined)
      throw new RangeError(
        "data 'shapes' needs a positive-pair conditional on the latents: set conditional: { kind: vmf, kappa } in the spec",
      );
    return this.ctx.conditional;
  }

  /** Rendered (and, with an augmentation, augmented) images of latents [n, 3]. */
  private images(z: Tensor, gen: Generator): Tensor {
    return scope(() => {
      const x = renderSphere(z, this.render);
      return this.augment === undefined ? x : this.augment.apply(x, gen);
    });
  }

  batch(_step: number, B: number, negatives: NegativeRequest, gen: Generator): TrainBatch {
    return noGrad(() =>
      scope(() => {
        const z = this.marginal.sample(B, gen);
        const zPos = this.conditional().sample(z, gen);
        const zNeg = this.negatives(z, negatives, gen);
        return latentBatch(z, zPos, zNeg, (latents) => this.images(latents, gen));
      }),
    );
  }

  private negatives(z: Tensor, request: NegativeRequest, gen: Generator): Tensor | undefined {
    const fixedDims = this.ctx.conditionalConfig?.fixedDims ?? 0;
    return latentNegatives(z, request, { marginal: this.marginal, conditional: this.conditional(), fixedDims }, gen);
  }

  evalSet(): EvalSet {
    return this.evalData;
  }

  describe(): Record<string, unknown> {
    return { ...this.settings, poleDifference: shapePoleDifference(this.render) };
  }

  dispose(): void {
    for (const t of [this.evalData.inputs, this.evalData.positives, this.evalData.latents]) t?.dispose();
    this.ctx.process.dispose?.();
  }
}

export const shapesData = defineKind({
  schema: variant('shapes', {
    /** An image augmentation applied to every rendered view after the latent conditional (default none). */
    augmentation: augmentationSetting.default('none'),
    /** The fixed factors of every image, in [0, 1]. */
    size: unitInterval('size').default(0.5),
    rotation: unitInterval('rotation').default(0),
    backgroundHue: unitInterval('backgroundHue').default(0.6),
  }),
  summary: "rendered 3×32×32 shapes of latents on S² (x, y, hue); positives from the spec's 'conditional'",
  example: { kind: 'shapes' },
  requires: ['conditional', 'latent-s2'],
  provides: ['latents', 'positives', 'shared-negatives', 'support-negatives', 'view-negatives'],
  inputs: () => ({ shape: [3, SHAPE_IMAGE_SIZE, SHAPE_IMAGE_SIZE], latentDim: 3 }),
  create: (c, ctx: DataContext): DataSource => new ShapesDataSource(c, ctx),
});
