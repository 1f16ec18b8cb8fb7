/** True when running under Node.js (not a browser, not a web worker). */
export function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof proc?.versions?.node === 'string' && typeof (globalThis as { window?: unknown }).window === 'undefined';
}

/** Reads an environment variable in Node; undefined elsewhere. */
export function readEnv(name: string): string | undefined {
  if (!isNode()) return undefined;
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const value = proc?.env?.[name];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Imports a package by a name computed at run time, so that bundlers do not try to resolve
 * optional packages the app never installed. Only used in Node.
 */
export function importOptional(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);
}
