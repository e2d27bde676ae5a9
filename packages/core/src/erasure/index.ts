/**
 * Erasure of a player session (`DELETE /v1/sessions/:id`): everything of it removed on every
 * shard, what the law asks to keep anonymised.
 */
export {
  type CancelJob,
  resolveSessionEraserOptions,
  type ResolvedSessionEraserOptions,
  SessionEraser,
  type SessionEraserOptions,
} from './session-eraser';
export { type ErasedCounts, noneErased } from './erasure-plan';
