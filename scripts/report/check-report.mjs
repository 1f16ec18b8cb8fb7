// Screenshot test of the demo report: opens DIR/report.html (default out/) in headless Chromium
// (Debian's, through playwright-core), checks that the page made no network requests and that
// every family's section is filled — its images decoded (naturalWidth > 0), its inline SVG charts
// laid out, its metric cells non-empty and finite — and keeps a full-page screenshot as
// DIR/report.png. Prints one line per check and `report: N passed, N failed` last; exit code 1 on
// any failure. Results also go to test-results/report.json.
// Run: node scripts/report/check-report.mjs [DIR]
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium } from '../lib/chromium.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = resolve(process.argv[2] ?? join(repo, 'out'));
const checks = [];
function check(name, ok, detail = '') {
  checks.push({ name, ok, detail });
  console.log(`${ok ? '✓' : '✗'} ${name}${detail ? ` — ${detail}` : ''}`);
}

async function main() {
  const htmlPath = join(dir, 'report.html');
  const summaryPath = join(dir, 'summary.json');
  if (!existsSync(htmlPath) || !existsSync(summaryPath)) {
    check('report.html and summary.json exist', false, `missing in ${dir}; run pnpm demo first`);
    return;
  }
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8'));
  const expected = summary.timings.map((t) => t.family);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const url = pathToFileURL(htmlPath).href;
    const requests = [];
    page.on('request', (r) => {
      if (r.url() !== url && !r.url().startsWith('data:')) requests.push(r.url());
    });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url, { waitUntil: 'load' });
    // Every <img> has been decoded (or failed) once `complete` is true.
    await page.waitForFunction(() => [...document.images].every((img) => img.complete), null, { timeout: 30_000 });
    check('page is self-contained (no requests besides data: URIs) and raised no errors', requests.length === 0 && errors.length === 0, [...requests, ...errors].slice(0, 3).join('; '));

    const sections = await page.evaluate(() =>
      [...document.querySelectorAll('section[data-family]')].map((section) => {
        const images = [...section.querySelectorAll('figure img')].map((img) => ({ width: img.naturalWidth, height: img.naturalHeight, src: img.getAttribute('src')?.slice(0, 22) }));
        const charts = [...section.querySelectorAll('figure > svg')].map((svg) => {
          const box = svg.getBoundingClientRect();
          return { width: box.width, height: box.height, marks: svg.querySelectorAll('path, polyline, circle, rect, line').length };
        });
        const cells = [...section.querySelectorAll('table.metrics td.metric-value')].map((td) => ({ text: td.textContent.trim(), value: td.getAttribute('data-value') }));
        const samples = [...section.querySelectorAll('ul.samples li')].map((li) => li.textContent);
        return { family: section.dataset.family, failed: section.classList.contains('failed'), images, charts, cells, samples, error: section.querySelector('.error')?.textContent ?? '' };
      }),
    );
    for (const family of expected) {
      const s = sections.find((x) => x.family === family);
      if (!s || s.failed) {
        check(`${family}: section present`, false, s ? s.error.slice(0, 200) : 'no section');
        continue;
      }
      const badImages = s.images.filter((i) => !(i.width > 0 && i.height > 0 && i.src === 'data:image/png;base64,'));
      const badCharts = s.charts.filter((c) => !(c.width > 0 && c.height > 0 && c.marks > 0));
      const figures = s.images.length + s.charts.length;
      check(
        `${family}: figures rendered`,
        figures > 0 && badImages.length === 0 && badCharts.length === 0,
        `${s.images.length} images (naturalWidth ${s.images.map((i) => i.width).join(', ') || '-'}), ${s.charts.length} SVG charts${badImages.length + badCharts.length ? `; ${badImages.length} images and ${badCharts.length} charts empty` : ''}`,
      );
      const badCells = s.cells.filter((c) => c.text === '' || !Number.isFinite(Number(c.value)) || !Number.isFinite(Number.parseFloat(c.text)));
      check(`${family}: metrics filled and finite`, s.cells.length > 0 && badCells.length === 0, `${s.cells.length} cells${badCells.length ? `; bad: ${badCells.map((c) => c.text || '(empty)').join(', ')}` : ''}`);
      if (family === 'ngram' || family === 'transformer') check(`${family}: text samples shown`, s.samples.length > 0 && s.samples.some((t) => t.trim().length > 0), `${s.samples.length} samples`);
    }
    const overview = await page.evaluate(() => [...document.querySelectorAll('#metrics + p + table.metrics td.metric-value')].map((td) => td.getAttribute('data-value')));
    check('overview metrics table filled and finite', overview.length > 0 && overview.every((v) => Number.isFinite(Number(v))), `${overview.length} rows`);

    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    const size = existsSync(shot) ? statSync(shot).size : 0;
    check('screenshot kept', size > 10_000, `${shot} (${Math.round(size / 1024)} KiB)`);
  } finally {
    await browser.close();
  }
}

try {
  await main();
} catch (error) {
  check('report check ran', false, error.stack ?? String(error));
}
const passed = checks.filter((c) => c.ok).length;
const failed = checks.length - passed;
mkdirSync(join(repo, 'test-results'), { recursive: true });
writeFileSync(join(repo, 'test-results', 'report.json'), JSON.stringify({ passed, failed, checks }, null, 2));
console.log(`report: ${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
