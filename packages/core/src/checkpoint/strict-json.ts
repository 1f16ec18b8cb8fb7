// A strict JSON parser for untrusted checkpoint headers (RFC 8259). Unlike `JSON.parse` it rejects
// duplicate keys (which `JSON.parse` silently resolves to the last one), limits nesting depth and
// builds objects without prototypes, so hostile keys such as `__proto__` stay plain data.

/** A parsed JSON value; objects have a null prototype. */
export type StrictJson = null | boolean | number | string | StrictJson[] | { [key: string]: StrictJson };

/** Thrown by `parseStrictJson` with a position; callers wrap it in their own error class. */
export class StrictJsonError extends Error {}

/**
 * Parses `text` as one JSON value. Throws `StrictJsonError` on any syntax error, a duplicate key,
 * or nesting deeper than `maxDepth`.
 */
export function parseStrictJson(text: string, maxDepth = 16): StrictJson {
  let i = 0;
  const fail = (what: string): never => {
    throw new StrictJsonError(`${what} at character ${i}`);
  };
  const skipSpace = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const parseString = (): string => {
    // text[i] is the opening quote.
    i++;
    let out = '';
    let start = i;
    while (true) {
      if (i >= text.length) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(start, i);
        i++;
        return out;
      }
      if (c < 0x20) fail('control character in string');
      if (c === 0x5c) {
        out += text.slice(start, i);
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else {
          fail('bad escape');
        }
        start = i;
      } else {
        i++;
      }
    }
  };
  const parseNumber = (): number => {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (!match) fail('bad number');
    i += match![0].length;
    return Number(match![0]);
  };
  const parseValue = (depth: number): StrictJson => {
    if (depth > maxDepth) fail(`nesting deeper than ${maxDepth}`);
    skipSpace();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: { [key: string]: StrictJson } = Object.create(null);
      skipSpace();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      while (true) {
        skipSpace();
        if (text[i] !== '"') fail('expected a string key');
        const key = parseString();
        if (Object.prototype.hasOwnProperty.call(obj, key)) fail(`duplicate key '${key.slice(0, 60)}'`);
        skipSpace();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        obj[key] = parseValue(depth + 1);
        skipSpace();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      const arr: StrictJson[] = [];
      skipSpace();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      while (true) {
        arr.push(parseValue(depth + 1));
        skipSpace();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return parseString();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return parseNumber();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    return fail(c === undefined ? 'unexpected end' : 'unexpected character');
  };
  const value = parseValue(0);
  skipSpace();
  if (i !== text.length) fail('unexpected text after the JSON value');
  return value;
}

/** True for a parsed JSON object (not an array or null). */
export function isJsonObject(value: StrictJson | undefined): value is { [key: string]: StrictJson } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
