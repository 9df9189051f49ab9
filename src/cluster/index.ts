/**
 * Sharded runs on a Slurm cluster (issue 16): batch scripts for a job array of shards and the
 * dependent merge job, submission, waiting, one resubmission of failed shards, and a report.
 * What each shard runs is a parameter; `swaxs slurm` (src/cli/slurm.ts) runs `swaxs run --shard`.
 */
export {
  DEFAULT_SHARDS,
  type ExperimentPlan,
  isCampaign,
  planExperiment,
  readCampaign,
  type ShardOptions,
} from "./campaign.js";
export {
  type ExperimentReport,
  formatReport,
  runOnSlurm,
  type ShardRun,
  type SlurmRunOptions,
} from "./orchestrate.js";
export {
  type ArrayScriptSpec,
  arrayScript,
  arraySpec,
  commandLine,
  type MergeScriptSpec,
  mergeScript,
  type ParsedScript,
  PLACEHOLDERS,
  parseScript,
  parseTaskList,
  type SlurmResources,
  shellQuote,
  slurmDirOf,
} from "./script.js";
export {
  isTerminal,
  jobStates,
  parseSacct,
  parseScontrol,
  type Runner,
  type RunResult,
  slurmAnswers,
  submit,
  systemRunner,
  type TaskState,
} from "./slurm.js";
