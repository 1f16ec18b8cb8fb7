// Argument checks shared by the @gen/lm public functions (messages follow the gen house style).
import { InvalidArgumentError, describeValue } from '@gen/core';

/** Throws unless `value` is an array of integer token ids in [0, vocabSize). */
export function checkTokenIds(fn: string, arg: string, value: unknown, vocabSize: number): asserts value is readonly number[] {
  if (!Array.isArray(value) && !ArrayBuffer.isView(value)) {
    throw new InvalidArgumentError(`Argument '${arg}' passed to '${fn}' must be an array of token ids, but got ${describeValue(value)}.`);
  }
  const ids = value as ArrayLike<number>;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
      throw new InvalidArgumentError(
        `Argument '${arg}' passed to '${fn}' must hold integer token ids in [0, ${vocabSize}), but got ${describeValue(id)} at index ${i}.`,
      );
    }
  }
}

/** Throws unless `value` is a string. */
export function checkString(fn: string, arg: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') {
    throw new InvalidArgumentError(`Argument '${arg}' passed to '${fn}' must be a string, but got ${describeValue(value)}.`);
  }
}

/** Throws unless `value` is a positive integer. */
export function checkPositiveInteger(fn: string, arg: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(`Argument '${arg}' passed to '${fn}' must be a positive integer, but got ${describeValue(value)}.`);
  }
}

/** Throws when a string holds a lone UTF-16 surrogate (not a Unicode string; UTF-8 cannot encode it). */
export function checkWellFormed(fn: string, arg: string, text: string): void {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
    } else if (!(c >= 0xdc00 && c <= 0xdfff)) continue;
    throw new InvalidArgumentError(
      `Argument '${arg}' passed to '${fn}' must be a well-formed Unicode string, but got a lone surrogate U+${c.toString(16).toUpperCase()} at index ${i}.`,
    );
  }
}
