// The datasets a spec can declare (`data: { kind: … }`). Each kind builds a DataSource
// (src/data/source.ts) and states what it provides to the rest of the spec:
//   latents, labels, positives        — what metrics can be computed on its held-out set;
//   shared-, support-, view-negatives  — which negatives losses can ask for;
//   finite-set                         — a finite training set (VRNS's dataset size).
// and what it requires (`conditional`: positives come from the spec's latent conditional).
import { latentsData } from './sources/latents.js';
import { latentSetData } from './sources/latent-set.js';
import { freeEmbeddingsData } from './sources/free-embeddings.js';
import { clustersData } from './sources/clusters.js';
import { hypercubeData } from './sources/hypercube.js';
import { mnistData } from './sources/mnist.js';
import { cifar10Data } from './sources/cifar10.js';
import { shapesData } from './sources/shapes.js';

export const dataKinds = {
  latents: latentsData,
  'latent-set': latentSetData,
  'free-embeddings': freeEmbeddingsData,
  hypercube: hypercubeData,
  clusters: clustersData,
  mnist: mnistData,
  cifar10: cifar10Data,
  shapes: shapesData,
};

export type DataCapability =
  'latents' | 'labels' | 'positives' | 'shared-negatives' | 'support-negatives' | 'view-negatives' | 'finite-set';
