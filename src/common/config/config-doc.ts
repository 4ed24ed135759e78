// Owns: rendering a config registry as the markdown table in docs/, so the docs cannot drift from
// the keys the code reads (a test compares them).

import type { ConfigRegistry, ConfigSpec } from './config-registry.js';

function cell(value: unknown): string {
  return String(value).replace(/\|/g, '\\|');
}

/** `homeDir` is shown as `~` in defaults, so the table does not depend on the machine. */
export function renderConfigTable<S extends ConfigSpec>(title: string, registry: ConfigRegistry<S>, homeDir: string): string {
  const lines = [
    `# ${title}`,
    '',
    'Generated from the config registry (`npm run docs`); a test fails when this file and the code disagree.',
    '',
    '| key | type | default | unit | live | implemented | description |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const [name, k] of Object.entries(registry.spec)) {
    const aliases = k.aliases?.length ? ` (also ${k.aliases.join(', ')})` : '';
    const shownDefault = k.secret ? '***' : (k.defaultLabel ?? JSON.stringify(k.default).split(homeDir).join('~'));
    lines.push(
      `| \`${name}\`${aliases} | ${k.kind} | ${cell(shownDefault)} | ${k.unit ?? ''} | ${k.live ? 'yes' : ''} | ${k.implemented === false ? 'no' : 'yes'} | ${cell(k.description)} |`,
    );
  }
  return lines.join('\n') + '\n';
}
