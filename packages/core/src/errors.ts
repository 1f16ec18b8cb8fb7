/** Base class of every error gen throws on purpose. Catch this to catch them all. */
export class GenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An argument has a value outside what the function accepts (range, enum, type). */
export class InvalidArgumentError extends GenError {}

/** A tensor or array argument has the wrong rank or shape. */
export class ShapeError extends GenError {}

/** A checkpoint is corrupt, truncated, hostile or does not match the model; nothing was loaded. */
export class CheckpointError extends GenError {}

/** An object was used after `dispose()`. */
export class DisposedError extends GenError {}

/** A loss, gradient or output became NaN or infinite. */
export class NonFiniteError extends GenError {}

/** Formats a value for an error message: arrays as `[a, b]`, strings quoted, long things cut. */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`;
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  if (value === null || value === undefined) return String(value);
  const name = (value as object).constructor?.name ?? 'object';
  if (name === 'Object') {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  }
  return `a ${name}`;
}
