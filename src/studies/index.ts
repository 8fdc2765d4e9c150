// The registered studies (Papers B, C and D). Importing this module registers them.
import { registerStudy } from '../experiments/study.js';
import { clustersStudy } from './clusters.js';
import { similaritiesStudy } from './similarities.js';

registerStudy(similaritiesStudy);
registerStudy(clustersStudy);

export { clustersStudy, similaritiesStudy };
