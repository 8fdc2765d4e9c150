// The registered studies (Papers B, C and D). Importing this module registers them.
import { registerStudy } from '../experiments/study.js';
import { clustersStudy } from './clusters.js';
import { functionClassStudy } from './function-class.js';
import { imageIdentifiabilityStudy } from './image-identifiability.js';
import { similaritiesStudy } from './similarities.js';

registerStudy(similaritiesStudy);
registerStudy(functionClassStudy);
registerStudy(clustersStudy);
registerStudy(imageIdentifiabilityStudy);

export { clustersStudy, functionClassStudy, imageIdentifiabilityStudy, similaritiesStudy };
