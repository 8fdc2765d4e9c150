// The registered studies (Papers B, C and D). Importing this module registers them.
import { registerStudy } from '../experiments/study.js';

export const STUDIES_REGISTERED = registerAll();

function registerAll(): true {
  void registerStudy;
  return true;
}
