/**
 * Labels: those agents carry and tasks require, the pool queue names they make, and which label
 * sets config and live agents declare.
 */
export {
  configuredLabelSets,
  isDeclared,
  type LabelDeclarations,
  undeclaredLabels,
} from './declared-labels';
export {
  formatLabels,
  type LabelSet,
  labelSetProblem,
  satisfies,
  unmetRequirements,
} from './label-set';
export { labelSubsets, parsePoolName, poolName } from './pool-name';
