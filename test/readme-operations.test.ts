import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../src/config.js';

/**
 * The operator's documents (issue 25): the README's set-up walkthroughs, endpoints, deployment
 * picture and upgrade notes, the deploy files' pointers into it, and the changelog. Each check
 * names what an operator would trip over if it drifted.
 */
const readme = readFileSync('README.md', 'utf8');
const changelog = readFileSync('CHANGELOG.md', 'utf8');
const envExample = readFileSync('.env.example', 'utf8');
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string>; devDependencies: Record<string, string> };
const buildConfig = JSON.parse(readFileSync('tsconfig.build.json', 'utf8')) as { include: string[] };
const variables = new Set(Object.keys(ConfigSchema.shape));

/** The text of `## heading` up to the next `## `. */
function section(heading: string): string {
  const start = readme.indexOf(`\n## ${heading}\n`);
  expect(start, `README has "## ${heading}"`).toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

/** Backticked names that look like environment variables. */
const variablesNamed = (text: string): string[] => [...new Set([...text.matchAll(/`([A-Z][A-Z0-9]*_[A-Z0-9_]+|PORT|BACKEND|ADMINS|TZ)(?:=[^`]*)?`/g)].map((m) => m[1]!))];

/** The bold step labels of a numbered walkthrough, in order: `1. **Manifest.**` → `Manifest`. */
const stepLabels = (text: string): string[] => [...text.matchAll(/^\d+\. \*\*([^*]+?)[.:]?\*\*/gm)].map((m) => m[1]!);

const operatorSections = ['Set-up', 'Connect Slack', 'Connect Discord', 'Connect TWCC', 'Endpoints', 'Upgrading', 'Running several replicas'];

describe('README: connecting Slack, Discord and TWCC', () => {
  it('walks Slack through manifest → app → tokens → URL, and Discord through application → bot → public key → register', () => {
    const slack = stepLabels(section('Connect Slack'));
    const order = (labels: string[], wanted: string[]) => wanted.map((w) => labels.findIndex((l) => l.toLowerCase().startsWith(w.toLowerCase())));
    const slackOrder = order(slack, ['Manifest', 'App', 'Tokens', 'URL']);
    expect(slackOrder.every((i) => i >= 0), slack.join(' | ')).toBe(true);
    expect([...slackOrder].sort((a, b) => a - b)).toEqual(slackOrder);

    const discord = stepLabels(section('Connect Discord'));
    const discordOrder = order(discord, ['Application', 'Bot', 'Public key', 'Register']);
    expect(discordOrder.every((i) => i >= 0), discord.join(' | ')).toBe(true);
    expect([...discordOrder].sort((a, b) => a - b)).toEqual(discordOrder);
  });

  it('explains every TWCC variable of src/config.ts, both roles, TWCC_QUOTA_WRITE, a differing live API and /tenant whoami', () => {
    const twcc = section('Connect TWCC');
    for (const name of [...variables].filter((v) => v.startsWith('TWCC_')).concat('BACKEND', 'ENCRYPTION_KEY')) {
      expect(twcc, name).toMatch(new RegExp(`^\\| \`${name}\` \\| .+ \\|$`, 'm'));
    }
    expect(twcc).toMatch(/\*\*A tenant admin\*\*/);
    expect(twcc).toMatch(/\*\*A member\*\*/);
    expect(twcc).toMatch(/\*\*`TWCC_QUOTA_WRITE`\.\*\*[^]*`off`[^]*portal[^]*`on`[^]*reads[^]*back/);
    expect(twcc).toMatch(/\*\*When the live API differs\.\*\*[^]*src\/backends\/twcc\/assumptions\.ts/);
    expect(twcc).toMatch(/\*\*Check with `\/tenant whoami`\.\*\*/);
  });

  it('names only variables that src/config.ts reads, in every section an operator follows', () => {
    for (const heading of operatorSections) {
      const unknown = variablesNamed(section(heading)).filter((v) => !variables.has(v));
      expect(unknown, heading).toEqual([]);
    }
  });

  it('shows only commands that exist: npm scripts of package.json, compiled files tsconfig.build.json builds', () => {
    const shown = operatorSections.map(section).join('\n');
    const scripts = [...shown.matchAll(/npm run (?:-s )?([a-z][\w:]*)/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) expect(pkg.scripts, script).toHaveProperty([script]);
    const compiled = [...shown.matchAll(/node (dist\/(\S+?)\.js)/g)].map((m) => m[2]!);
    expect(compiled.length).toBeGreaterThan(0);
    for (const source of compiled) {
      expect(statSync(`${source}.ts`).isFile(), source).toBe(true);
      expect(buildConfig.include.some((folder) => source.startsWith(`${folder}/`)), source).toBe(true);
    }
    // tsx is a dev dependency: pruned on a server, so no operator step may use it.
    expect(shown).not.toMatch(/npx tsx|\btsx adapters\//);
  });
});

describe('README: endpoints and the deployment picture', () => {
  const paths = ['POST /slack/events', 'POST /discord/interactions', 'GET /healthz', 'GET /readyz', 'GET /metrics'];

  it('has an Endpoints section listing every path on PORT, and the PORT row and .env.example name them', () => {
    const endpoints = section('Endpoints');
    for (const path of paths) expect(endpoints, path).toMatch(new RegExp(`^\\| \`${path}\` \\| .+ \\|$`, 'm'));
    const portRow = readme.split('\n').find((l) => l.startsWith('| `PORT` |'));
    for (const path of paths) expect(portRow, path).toContain(path.split(' ')[1]);
    const portComment = envExample.split('\n').find((l) => l.startsWith('# --- HTTP'));
    for (const path of paths) expect(portComment, path).toContain(path.split(' ')[1]);
  });

  it('every "README: <section>" pointer in deploy/ names a section that exists', () => {
    const pointers = readdirSync('deploy').flatMap((file) =>
      [...readFileSync(join('deploy', file), 'utf8').matchAll(/README: ([A-Z][\w -]*[\w])/g)].map((m) => ({ file, heading: m[1]! })),
    );
    expect(pointers.map((p) => p.heading)).toContain('Endpoints');
    for (const { file, heading } of pointers) expect(readme, `${file} → README: ${heading}`).toContain(`\n## ${heading}\n`);
  });

  it('draws the deployment as a Mermaid flowchart: Slack and Discord → nginx → replicas → Redis/PostgreSQL, and TWCC', () => {
    const diagram = /```mermaid\n([^]*?)```/.exec(section('Running several replicas'))?.[1];
    expect(diagram, 'a ```mermaid block').toBeDefined();
    expect(diagram!).toMatch(/^flowchart (LR|TB|TD)$/m);
    const node = (label: RegExp) => [...diagram!.matchAll(/^\s*(\w+)[[(]+"([^"]+)"/gm)].find((m) => label.test(m[2]!))?.[1];
    const ids = { slack: node(/^Slack/), discord: node(/^Discord/), nginx: node(/^nginx/), store: node(/Redis or PostgreSQL/), twcc: node(/^TWCC/) };
    for (const [what, id] of Object.entries(ids)) expect(id, what).toBeDefined();
    // `a & b -->|label| c & d` is four edges.
    const edges = new Set(
      diagram!.split('\n').flatMap((line) => {
        const m = /^\s*([\w\s&]+?)\s*-->(?:\|[^|]*\|)?\s*([\w\s&]+?)\s*$/.exec(line);
        if (!m) return [];
        const ends = (side: string) => side.split('&').map((id) => id.trim());
        return ends(m[1]!).flatMap((from) => ends(m[2]!).map((to) => `${from}->${to}`));
      }),
    );
    expect(edges).toContain(`${ids.slack}->${ids.nginx}`);
    expect(edges).toContain(`${ids.discord}->${ids.nginx}`);
    const replicas = [...diagram!.matchAll(/^\s*(\w+)\["bot-/gm)].map((m) => m[1]!);
    expect(replicas.length).toBeGreaterThan(1);
    for (const replica of replicas) {
      for (const edge of [`${ids.nginx}->${replica}`, `${replica}->${ids.store}`, `${replica}->${ids.twcc}`]) expect(edges).toContain(edge);
    }
  });
});

describe('installing and upgrading', () => {
  it('the unit and the README install with the dev dependencies, then prune them: `npm ci --omit=dev` cannot build', () => {
    // Why: `npm ci` runs `prepare`, which compiles with tsc, a dev dependency.
    expect(pkg.scripts.prepare).toMatch(/npm run build/);
    expect(pkg.scripts.build).toMatch(/^tsc\b/);
    expect(pkg.devDependencies).toHaveProperty('typescript');
    const unit = readFileSync('deploy/twcc-chatops.service', 'utf8');
    for (const [name, text] of [['deploy/twcc-chatops.service', unit], ['README.md', readme]] as const) {
      expect(text, name).toContain('npm ci && npm prune --omit=dev');
      // Named only as what not to run.
      for (const m of text.matchAll(/npm ci --omit=dev/g)) expect(text.slice(Math.max(0, m.index - 5), m.index), name).toMatch(/not `?$/);
    }
  });

  it('Upgrading says that the new Slack scope users:read needs the app reinstalled', () => {
    const upgrading = section('Upgrading');
    expect(upgrading).toContain('`users:read`');
    expect(upgrading).toMatch(/reinstall the app/i);
    expect(upgrading).toContain('*Reinstall to Workspace*');
  });

  it('CHANGELOG: each kind of change appears once under [Unreleased], and it says to reinstall the Slack app', () => {
    const unreleased = changelog.slice(changelog.indexOf('## [Unreleased]'), changelog.indexOf('\n## [', changelog.indexOf('## [Unreleased]') + 1));
    const headings = [...unreleased.matchAll(/^### (.+)$/gm)].map((m) => m[1]!);
    expect(headings.length).toBeGreaterThan(0);
    expect(headings).toEqual([...new Set(headings)]);
    expect(unreleased).toMatch(/`users:read`[^]*reinstall the app/);
  });
});
