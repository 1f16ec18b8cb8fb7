// @gen/gmm: Gaussian mixture models (EM with full, tied, diag and spherical covariances; Bayesian GMM) that match scikit-learn.
// The package is being built; see its issue. Public API lands here as it is finished.
export const PACKAGE_NAME = '@gen/gmm';
