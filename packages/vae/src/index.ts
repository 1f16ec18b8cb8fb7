// @gen/vae: Variational autoencoders: MLP and conv, Bernoulli and Gaussian decoders, beta-VAE, conditional VAE, IWAE.
// The package is being built; see its issue. Public API lands here as it is finished.
export const PACKAGE_NAME = '@gen/vae';
