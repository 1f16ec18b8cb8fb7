// Every published package must load in a fresh app.
export * as core from '@gen/core';
export * as testing from '@gen/core/testing';
export * as gmm from '@gen/gmm';
export * as vae from '@gen/vae';
export * as gan from '@gen/gan';
export * as diffusion from '@gen/diffusion';
export * as lm from '@gen/lm';
export * as evaluation from '@gen/eval';
