// The datasets a spec can declare (`data: { kind: … }`). Each kind builds a DataSource
// (src/data/source.ts) and states what it provides to the rest of the spec:
//   latents, labels, positives        — what metrics can be computed on its held-out set;
//   shared-, support-, view-negatives  — which negatives losses can ask for;
//   finite-set                         — a finite training set (VRNS's dataset size).
// and what it requires (`conditional`: positives come from the spec's latent conditional).
import { latentsData } from './sources/latents.js';

export const dataKinds = {
  latents: latentsData,
};

export type DataCapability = 'latents' | 'labels' | 'positives' | 'shared-negatives' | 'support-negatives' | 'view-negatives' | 'finite-set';
