/**
 * The model review layer: asks any OpenAI-compatible endpoint to review a
 * patch with the prompts in `prompts/`, keeps only findings anchored to
 * lines the patch adds, and folds them into the rule findings. It is off
 * unless a key or a base URL is configured, and a model failure never fails
 * the review.
 */
export { createModelReviewer, MAX_MODEL_FINDINGS } from "./reviewer.js";
export type { ModelCache, ModelReviewResult, ModelReviewer, ModelReviewerDeps } from "./reviewer.js";
export { mergeFindings } from "./merge.js";
export { TokenBudget, estimateTokens } from "./tokens.js";
export { AnswerSchema, answerJsonSchema } from "./answer.js";
export type { Answer } from "./answer.js";
export type { RetryOptions } from "./client.js";

export { modelStatus } from "./status.js";
