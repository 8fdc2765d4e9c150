// The pattern Paper A claims for its image study (design/papers.md, "CIFAR-10"), checked on a grid
// of linear-probe accuracies by encoder and augmentation regime — ours or the paper's own figure
// readings — and the display names of the image suites' rows and columns.

/** Display names of the suites' rows and columns. */
export const ENCODER_LABELS: Record<string, string> = { resnet18: 'ResNet-18', vit: 'ViT', mlp: 'MLP' };
export const REGIME_LABELS: Record<string, string> = {
  all: 'All',
  'crop-only': 'Crop only',
  'all-without-crop': 'All without crop',
};
export const label = (names: Record<string, string>, key: string): string => names[key] ?? key;

export const pct = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(1)} %` : 'n/a');

export interface PatternCheck {
  statement: string;
  holds: boolean | null;
  detail: string;
}

/**
 * The paper's claimed pattern checked on a grid of probe accuracies (%) by suite row (resnet18, vit,
 * mlp) and column (all, crop-only, all-without-crop): (a) All is best for every encoder; (b) the
 * ResNet − MLP gap widens as diversity shrinks (the gap under Crop only and under All without crop
 * exceeds the gap under All); (c) for the MLP, All ≈ Crop only (within `tolerance` points).
 */
export function patternChecks(
  acc: (row: string, column: string) => number,
  rows: readonly string[],
  tolerance = 3,
): PatternCheck[] {
  const out: PatternCheck[] = [];
  const allBest = rows.map((e) => {
    const a = acc(e, 'all');
    const others = [acc(e, 'crop-only'), acc(e, 'all-without-crop')];
    return {
      ok: others.every((o) => a >= o),
      text: `${label(ENCODER_LABELS, e)} ${pct(a)} vs ${pct(others[0]!)} / ${pct(others[1]!)}`,
    };
  });
  out.push({
    statement: 'All is the best regime for every encoder',
    holds: allBest.every((x) => x.ok),
    detail: allBest.map((x) => x.text).join('; '),
  });
  if (rows.includes('resnet18') && rows.includes('mlp')) {
    const gap = (g: string): number => acc('resnet18', g) - acc('mlp', g);
    const [gAll, gCrop, gNo] = [gap('all'), gap('crop-only'), gap('all-without-crop')];
    out.push({
      statement:
        'the ResNet − MLP gap widens as diversity shrinks (gap under Crop only and under All without crop > gap under All)',
      holds: gCrop > gAll && gNo > gAll,
      detail: `gap All ${gAll.toFixed(1)}, Crop only ${gCrop.toFixed(1)}, All without crop ${gNo.toFixed(1)} points`,
    });
  }
  if (rows.includes('mlp')) {
    const d = acc('mlp', 'all') - acc('mlp', 'crop-only');
    out.push({
      statement: `for the MLP, All ≈ Crop only (within ${tolerance} points)`,
      holds: Math.abs(d) <= tolerance,
      detail: `All − Crop only = ${d.toFixed(1)} points`,
    });
  }
  return out;
}
