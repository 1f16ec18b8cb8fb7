// @gen/lm: Language models: tokenizers, Kneser-Ney n-grams, RNNs and GPT-style transformers under one sampling API.
// The package is being built; see its issue. Public API lands here as it is finished.
export const PACKAGE_NAME = '@gen/lm';
