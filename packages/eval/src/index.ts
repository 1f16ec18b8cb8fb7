// @gen/eval: Evaluation metrics for generative models: Frechet distance, KID, precision/recall, likelihood metrics.
// The package is being built; see its issue. Public API lands here as it is finished.
export const PACKAGE_NAME = '@gen/eval';
