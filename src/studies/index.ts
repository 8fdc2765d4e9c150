// The registered studies (Papers B, C and D; Paper A's image studies). Importing this module registers them.
import { registerStudy } from '../experiments/study.js';
import { cifar10Study } from './cifar10.js';
import { clustersStudy } from './clusters.js';
import { functionClassStudy } from './function-class.js';
import { imageIdentifiabilityStudy } from './image-identifiability.js';
import { mnistRegimesStudy } from './mnist-regimes.js';
import { similaritiesStudy } from './similarities.js';

registerStudy(similaritiesStudy);
registerStudy(functionClassStudy);
registerStudy(clustersStudy);
registerStudy(imageIdentifiabilityStudy);
registerStudy(cifar10Study);
registerStudy(mnistRegimesStudy);

export { cifar10Study, clustersStudy, functionClassStudy, imageIdentifiabilityStudy, mnistRegimesStudy, similaritiesStudy };
