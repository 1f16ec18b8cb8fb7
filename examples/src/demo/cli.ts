// Command-line options of `pnpm demo`: which families, how long, which backend, where to write.
import { BUDGETS, type Budget, FAMILIES, type Family } from './types.js';

export const BACKENDS = ['auto', 'wasm', 'cpu', 'webgpu', 'tensorflow'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

export interface DemoOptions {
  families: Family[];
  budget: Budget;
  backend: BackendChoice;
  out: string;
  help: boolean;
}

export const USAGE = `Usage: pnpm demo [--families ${FAMILIES.join(',')}] [--budget ${BUDGETS.join('|')}] [--backend ${BACKENDS.join('|')}] [--out DIR]

Trains one small model of each family on data that npm packages ship and writes DIR/report.html
(one self-contained page) plus the PNG/SVG files beside it and DIR/summary.json.

  --families LIST  comma-separated subset of: ${FAMILIES.join(', ')} (default: all)
  --budget NAME    smoke (seconds per family), small (default; about 10 minutes on 2 cores), full (longer, better models)
  --backend NAME   auto (default; GEN_BACKEND overrides), wasm, cpu, webgpu, tensorflow
  --out DIR        output folder (default: out)
  --help           this text

GEN_SMOKE=1 means --budget smoke.`;

/** Parses argv (without node and the script). Throws an Error with a readable message on bad input. */
export function parseDemoArgs(argv: string[], env: Record<string, string | undefined> = {}): DemoOptions {
  const options: DemoOptions = { families: [...FAMILIES], budget: env.GEN_SMOKE === '1' ? 'smoke' : 'small', backend: 'auto', out: 'out', help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`Option '${flag}' needs a value.`);
      return v;
    };
    switch (flag) {
      case '--help':
      case '-h':
        options.help = true;
        break;
      case '--families': {
        const names = value().split(',').map((s) => s.trim()).filter(Boolean);
        const unknown = names.filter((n) => !(FAMILIES as readonly string[]).includes(n));
        if (unknown.length > 0 || names.length === 0) throw new Error(`Option '--families' takes a comma-separated subset of ${FAMILIES.join(', ')}, but got '${names.join(',')}'.`);
        options.families = FAMILIES.filter((f) => names.includes(f)); // report order
        break;
      }
      case '--budget': {
        const v = value();
        if (!(BUDGETS as readonly string[]).includes(v)) throw new Error(`Option '--budget' must be one of ${BUDGETS.join(', ')}, but got '${v}'.`);
        options.budget = v as Budget;
        break;
      }
      case '--backend': {
        const v = value();
        if (!(BACKENDS as readonly string[]).includes(v)) throw new Error(`Option '--backend' must be one of ${BACKENDS.join(', ')}, but got '${v}'.`);
        options.backend = v as BackendChoice;
        break;
      }
      case '--out':
        options.out = value();
        break;
      default:
        throw new Error(`Unknown option '${arg}'.\n\n${USAGE}`);
    }
  }
  return options;
}
