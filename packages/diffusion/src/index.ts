// @gen/diffusion: Diffusion models: noise schedules, DDPM/DDIM/DPM-Solver++/Euler/Heun schedulers, MLP and U-Net denoisers, guidance, training.
// The package is being built; see its issue. Public API lands here as it is finished.
export const PACKAGE_NAME = '@gen/diffusion';
