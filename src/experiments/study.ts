// A study: an experiment whose training loop is its own (free embeddings, the hypercube, clustered
// data, …) rather than the spec-driven trainer. It runs with a preset and returns the report's
// input — the claim, the evidence (tables next to the paper's numbers, figures) and plain notes on
// where our numbers differ. `clab reproduce <study>` runs it and writes the report.
import type { ReportInput } from '../report/types.js';

export interface StudyOptions {
  /** 'quick' runs in minutes on a 2-core CPU; 'full' uses the sizes recorded in the study. */
  preset: 'quick' | 'full';
  /** Progress messages for people (one line each). */
  log?: (message: string) => void;
  /** A user-supplied dataset path (e.g. CIFAR-10's cifar-10-batches-bin folder or .tar.gz). */
  data?: string;
}

export interface Study {
  /** The name `clab reproduce` takes, e.g. 'similarities'. */
  id: string;
  /** Presets beyond quick/full that this study accepts (e.g. 'cpu'), mapped to quick or full. */
  presets?: Record<string, 'quick' | 'full'>;
  /** True when the study needs --data PATH (a dataset the user must supply). */
  needsData?: boolean;
  title: string;
  /** The paper's claim this study tests, in one or two sentences. */
  claim: string;
  run(options: StudyOptions): Promise<ReportInput>;
}

const studies = new Map<string, Study>();

/** Registers a study; a second study with the same id is an error. */
export function registerStudy(study: Study): void {
  if (studies.has(study.id)) throw new Error(`study '${study.id}' is already registered`);
  studies.set(study.id, study);
}

/** The study with this id; an unknown id lists the valid ones. */
export function getStudy(id: string): Study | undefined {
  return studies.get(id);
}

export function studyIds(): string[] {
  return [...studies.keys()].sort();
}
