// @gen/gan: Generative adversarial networks: MLP and DCGAN, loss variants, penalties, conditional GANs, diagnostics.
// The package is being built; see its issue. Public API lands here as it is finished.
export const PACKAGE_NAME = '@gen/gan';
