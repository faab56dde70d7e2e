/**
 * A small Dockerfile reader and the lint rules this project holds its images to.
 *
 * hadolint is not available here (no Debian package; the npm "hadolint" wrapper downloads the
 * binary from GitHub at install time, which this network refuses), so the rules that matter for
 * these images are checked here, each named after the hadolint rule it mirrors where one exists.
 */
import { readFileSync } from 'node:fs';

export interface Instruction {
  /** Upper-cased keyword: FROM, RUN, COPY, … */
  keyword: string;
  /** Everything after the keyword, continuation lines joined with a space. */
  args: string;
  line: number;
}

export interface Stage {
  name: string | undefined;
  /** Image reference as written (may contain ${ARG}). */
  image: string;
  /** Image reference with global ARG defaults substituted. */
  resolvedImage: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  path: string;
  globalArgs: Record<string, string | undefined>;
  instructions: Instruction[];
  stages: Stage[];
}

export function parseDockerfile(path: string): Dockerfile {
  const source = readFileSync(path, 'utf8');
  const instructions: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  source.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    const trimmed = line.trim();
    // Comments (and parser directives, which are comments too) end nothing: a comment inside a
    // continued instruction is skipped, as BuildKit does.
    if (trimmed.startsWith('#') || (trimmed === '' && pending === undefined)) return;
    if (trimmed === '') return;
    const continued = /\\$/.test(line);
    const text = continued ? line.replace(/\\$/, '') : line;
    if (pending === undefined) pending = { text: text.trim(), line: index + 1 };
    else pending.text += ` ${text.trim()}`;
    if (!continued) {
      const match = /^(\S+)\s*(.*)$/s.exec(pending.text)!;
      instructions.push({ keyword: match[1].toUpperCase(), args: match[2].replace(/\s+/g, ' ').trim(), line: pending.line });
      pending = undefined;
    }
  });

  const globalArgs: Record<string, string | undefined> = {};
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      if (!m) throw new Error(`${path}:${instruction.line}: unreadable FROM`);
      const image = m[1];
      const resolvedImage = image.replace(/\$\{?(\w+)\}?/g, (_, name: string) => globalArgs[name] ?? '');
      stages.push({ name: m[2], image, resolvedImage, instructions: [instruction] });
    } else if (stages.length === 0) {
      if (instruction.keyword === 'ARG') {
        const [name, value] = splitAssignment(instruction.args);
        globalArgs[name] = value;
      }
    } else {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return { path, globalArgs, instructions, stages };
}

function splitAssignment(args: string): [string, string | undefined] {
  const eq = args.indexOf('=');
  if (eq === -1) return [args.trim(), undefined];
  return [args.slice(0, eq).trim(), args.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1')];
}

/** Keys an ENV or ARG instruction sets (`ENV A=1 B=2`, `ENV A 1`, `ARG A=1`). */
export function assignedKeys(instruction: Instruction): string[] {
  if (instruction.keyword === 'ARG') return [splitAssignment(instruction.args)[0]];
  if (!instruction.args.includes('=')) return [instruction.args.split(/\s+/)[0]];
  return [...instruction.args.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=/g)].map((m) => m[1]);
}

/** JSON (exec) form of CMD / ENTRYPOINT / HEALTHCHECK CMD, or undefined for shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((p) => typeof p === 'string') ? (parsed as string[]) : undefined;
  } catch {
    return undefined;
  }
}

const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE|CREDENTIAL|_KEY$|^KEY$)/i;

/**
 * Lint findings for one Dockerfile, as `RULE line: message`. An empty list means clean.
 * Rules: the hadolint ones that apply to these images, plus the project's own (PRJ*).
 */
export function lintDockerfile(df: Dockerfile): string[] {
  const problems: string[] = [];
  const report = (rule: string, line: number, message: string) => problems.push(`${rule} ${df.path.split('/').pop()}:${line}: ${message}`);
  const stageNames = new Set<string>();
  let workdirSet = false;

  for (const instruction of df.instructions) {
    const { keyword, args, line } = instruction;
    if (keyword === 'MAINTAINER') report('DL4000', line, 'MAINTAINER is deprecated');
    if (keyword === 'ADD') report('DL3020', line, 'use COPY, not ADD, for files');
    if (keyword === 'FROM') workdirSet = false;
    if (keyword === 'WORKDIR') {
      workdirSet = true;
      if (!args.startsWith('/') && !args.startsWith('$')) report('DL3000', line, 'use an absolute WORKDIR');
    }
    if (keyword === 'COPY' && !workdirSet) {
      const parts = args.split(/\s+/).filter((p) => !p.startsWith('--'));
      const dest = parts[parts.length - 1];
      if (!dest.startsWith('/')) report('DL3045', line, 'COPY to a relative destination without WORKDIR');
    }
    if ((keyword === 'CMD' || keyword === 'ENTRYPOINT') && !execForm(args)) report('DL3025', line, `${keyword} must use the JSON (exec) form so the process receives signals`);
    if (keyword === 'RUN') {
      if (/\bsudo\b/.test(args)) report('DL3004', line, 'do not use sudo');
      if (/\bnpm (install|i)\b/.test(args)) report('PRJ001', line, 'install from the lockfile with `npm ci`, not `npm install`');
      if (/\bapt-get install\b/.test(args) && !/--no-install-recommends/.test(args)) report('DL3015', line, 'apt-get install without --no-install-recommends');
      if (/\bapt-get install\b/.test(args) && !/rm -rf \/var\/lib\/apt\/lists/.test(args)) report('DL3009', line, 'delete the apt lists after installing');
      if (/[^|]\|[^|]/.test(args.replace(/'[^']*'|"[^"]*"/g, ''))) report('DL4006', line, 'a pipe in RUN needs SHELL ["/bin/bash", "-o", "pipefail", "-c"]');
      if (/\bcurl\b.*\|\s*(ba)?sh/.test(args)) report('PRJ002', line, 'do not pipe downloads into a shell');
    }
    if (keyword === 'ENV' || keyword === 'ARG') {
      for (const key of assignedKeys(instruction)) {
        if (SECRET_NAME.test(key)) report('PRJ003', line, `${keyword} ${key} looks like a secret: secrets are given at run time, never baked into a layer`);
      }
    }
    if (keyword === 'COPY') {
      const from = /--from=(\S+)/.exec(args)?.[1];
      if (from && !/^\d+$/.test(from) && !stageNames.has(from) && !from.includes(':') && !from.includes('/')) {
        report('DL3022', line, `COPY --from=${from} names no earlier stage`);
      }
      if (/(^|\s)\.env\b/.test(args)) report('PRJ004', line, 'never copy an .env file into an image');
    }
    if (keyword === 'FROM') {
      const name = /\s+AS\s+(\S+)$/i.exec(args)?.[1];
      if (name) {
        if (stageNames.has(name)) report('DL3024', line, `stage name ${name} is not unique`);
        stageNames.add(name);
      }
    }
  }

  for (const stage of df.stages) {
    const line = stage.instructions[0].line;
    const isStageRef = stageNames.has(stage.image);
    if (isStageRef) continue;
    const [repo, tag] = splitImage(stage.resolvedImage);
    if (!tag) report('DL3006', line, `pin the base image ${stage.image} to a version tag`);
    else if (tag === 'latest') report('DL3007', line, `base image ${repo}:latest is not pinned`);
  }

  if (df.stages.length < 2) report('PRJ005', 1, 'use a multi-stage build: build tools must not ship in the runtime image');
  const runtime = df.stages[df.stages.length - 1];
  if (runtime) {
    const users = runtime.instructions.filter((i) => i.keyword === 'USER');
    const lastUser = users[users.length - 1];
    if (!lastUser) report('DL3002', runtime.instructions[0].line, 'the runtime stage must switch to a non-root USER');
    else if (/^(root|0)(:|$)/.test(lastUser.args)) report('DL3002', lastUser.line, 'last USER must not be root');
    const userIndex = lastUser ? runtime.instructions.indexOf(lastUser) : -1;
    runtime.instructions.forEach((instruction, index) => {
      if (instruction.keyword === 'RUN' && index > userIndex && userIndex >= 0 && /\b(apt-get|apk|npm ci|chown|chmod)\b/.test(instruction.args)) {
        report('PRJ006', instruction.line, 'privileged setup after USER: do it before dropping root');
      }
    });
    if (!runtime.instructions.some((i) => i.keyword === 'HEALTHCHECK')) report('PRJ007', runtime.instructions[0].line, 'the runtime stage needs a HEALTHCHECK');
    if (!runtime.instructions.some((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT')) report('PRJ008', runtime.instructions[0].line, 'the runtime stage needs a CMD');
    for (const hc of runtime.instructions.filter((i) => i.keyword === 'HEALTHCHECK')) {
      const cmd = /\bCMD\s+(.*)$/.exec(hc.args)?.[1] ?? '';
      if (!execForm(cmd)) report('PRJ009', hc.line, 'HEALTHCHECK CMD in exec form (the slim image has no curl, and the check needs no shell)');
      if (!/--timeout=/.test(hc.args)) report('PRJ010', hc.line, 'HEALTHCHECK needs an explicit --timeout');
    }
  }
  return problems;
}

export function splitImage(reference: string): [string, string | undefined] {
  const withoutDigest = reference.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon > slash) return [withoutDigest.slice(0, colon), withoutDigest.slice(colon + 1)];
  return [withoutDigest, undefined];
}

/** The final stage (what `docker build` without --target produces). */
export function runtimeStage(df: Dockerfile): Stage {
  return df.stages[df.stages.length - 1];
}

export function stageByName(df: Dockerfile, name: string): Stage {
  const stage = df.stages.find((s) => s.name === name);
  if (!stage) throw new Error(`${df.path}: no stage ${name}`);
  return stage;
}

/** ENV values a stage sets (last one wins), for the runtime environment of the image. */
export function stageEnv(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of stage.instructions.filter((x) => x.keyword === 'ENV')) {
    for (const m of i.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|\S+)/g)) env[m[1]] = m[3] ?? m[2];
  }
  return env;
}

/** The WORKDIR in force at the end of a stage. */
export function stageWorkdir(stage: Stage): string {
  let dir = '/';
  for (const i of stage.instructions.filter((x) => x.keyword === 'WORKDIR')) dir = i.args.startsWith('/') ? i.args : `${dir.replace(/\/$/, '')}/${i.args}`;
  return dir;
}

export function stageCmd(stage: Stage): string[] {
  const cmd = [...stage.instructions].reverse().find((i) => i.keyword === 'CMD');
  const form = cmd ? execForm(cmd.args) : undefined;
  if (!form) throw new Error('runtime stage has no exec-form CMD');
  return form;
}
