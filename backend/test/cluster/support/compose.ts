/**
 * Reads docker-compose.yml the way `docker compose config` does for what these suites check:
 * YAML with merge keys, then variable interpolation (`$$`, `$VAR`, `${VAR}`, `${VAR:-default}`,
 * `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`), leaving `x-*` extension fields aside.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

export class MissingVariable extends Error {}

export function interpolate(value: string, env: Record<string, string | undefined>): string {
  let out = '';
  let i = 0;
  while (i < value.length) {
    const ch = value[i];
    if (ch !== '$') {
      out += ch;
      i += 1;
      continue;
    }
    const next = value[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      // Find the matching brace (defaults may nest ${...}).
      let depth = 1;
      let j = i + 2;
      while (j < value.length && depth > 0) {
        if (value[j] === '{') depth += 1;
        else if (value[j] === '}') depth -= 1;
        j += 1;
      }
      if (depth !== 0) throw new Error(`unterminated \${ in "${value}"`);
      const expr = value.slice(i + 2, j - 1);
      out += resolveExpression(expr, env);
      i = j;
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(value.slice(i + 1));
    if (m) {
      out += env[m[0]] ?? '';
      i += 1 + m[0].length;
      continue;
    }
    out += '$';
    i += 1;
  }
  return out;
}

function resolveExpression(expr: string, env: Record<string, string | undefined>): string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])(.*))?$/s.exec(expr);
  if (!m) throw new Error(`bad interpolation \${${expr}}`);
  const [, name, colon, op, rest] = m;
  const raw = env[name];
  const unset = raw === undefined || (colon === ':' && raw === '');
  if (op === undefined) return raw ?? '';
  if (op === '-') return unset ? interpolate(rest, env) : raw!;
  if (op === '+') return unset ? '' : interpolate(rest, env);
  // '?': required
  if (unset) throw new MissingVariable(`${name}: ${interpolate(rest, env)}`);
  return raw!;
}

/** Every `${NAME…}` reference in a string, with its operator. */
export function references(value: string): { name: string; op: string | undefined; colon: boolean; rest: string }[] {
  const found: { name: string; op: string | undefined; colon: boolean; rest: string }[] = [];
  for (const m of value.replace(/\$\$/g, '').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])([^}]*))?\}/g)) {
    found.push({ name: m[1], colon: m[2] === ':', op: m[3], rest: m[4] ?? '' });
  }
  return found;
}

function mapStrings(node: unknown, fn: (s: string) => string): unknown {
  if (typeof node === 'string') return fn(node);
  if (Array.isArray(node)) return node.map((n) => mapStrings(n, fn));
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, mapStrings(v, fn)]));
  return node;
}

/** The compose model before interpolation (merge keys resolved). */
export function loadComposeRaw(path: string): any {
  return parseYaml(readFileSync(path, 'utf8'), { merge: true });
}

/** The compose model with variables interpolated from `env`; throws MissingVariable like compose does. */
export function loadCompose(path: string, env: Record<string, string | undefined>): any {
  const raw = loadComposeRaw(path);
  const withoutExtensions = Object.fromEntries(Object.entries(raw).filter(([k]) => !k.startsWith('x-')));
  return mapStrings(withoutExtensions, (s) => interpolate(s, env));
}

/** `environment` of a service as a map (compose allows a map or a list of KEY=VALUE). */
export function serviceEnvironment(service: any): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry: string) => {
        const eq = entry.indexOf('=');
        return eq === -1 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

/** Parses a dotenv file (KEY=VALUE lines, # comments). */
export function parseDotenv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (m && !line.trimStart().startsWith('#')) env[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return env;
}
