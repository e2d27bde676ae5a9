/**
 * Labels: those agents carry and tasks require, and the pool queue names they make.
 */
export {
  formatLabels,
  type LabelSet,
  labelSetProblem,
  satisfies,
  unmetRequirements,
} from './label-set';
export { labelSubsets, parsePoolName, poolName } from './pool-name';
