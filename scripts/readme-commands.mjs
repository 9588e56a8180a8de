// The README's fenced blocks, for the CI and the README test: `node scripts/readme-commands.mjs quick-start`
// prints the quick start's commands (the main job, then the tests), one per line, which .ci/run runs as written.
import { readFileSync } from 'node:fs';

/** Every fenced block of the README: its language and its text. */
export function readmeBlocks(text = readFileSync(new URL('../README.md', import.meta.url), 'utf8')) {
  return [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1], text: m[2] }));
}

/** The commands of the quick start: the first `sh` block's lines that are not comments. */
export function quickStart(blocks = readmeBlocks()) {
  const first = blocks.find((b) => b.lang === 'sh');
  return first ? first.text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#')) : [];
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1] && process.argv[2] === 'quick-start') {
  process.stdout.write(`${quickStart().join('\n')}\n`);
}
