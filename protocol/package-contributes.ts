// The parts of package.json that the tables decide, generated: the languages and their grammars, the activation
// events, and each setting's default and choices. `npm run sync:package` writes them into package.json;
// test/protocol/tables.test.ts fails when package.json says anything else.
import { DEFAULT_SETTINGS, type CacheReplaySettings } from './messages.js';
import { FORMAT_NAMES, FORMATS, KERNELS, LANGUAGES, MODES } from './tables.js';

type Json = Record<string, unknown>;

/** `pkg` with the generated parts put in (the rest kept as it is, in its order). */
export function withGeneratedParts(pkg: Json): Json {
  const contributes = pkg.contributes as Json;
  const configuration = contributes.configuration as { title: string; properties: Record<string, Json> };
  const properties: Record<string, Json> = {};
  for (const [key, prop] of Object.entries(configuration.properties)) {
    const name = key.replace(/^cachereplay\./, '') as keyof CacheReplaySettings;
    properties[key] = name in DEFAULT_SETTINGS ? { ...prop, ...settingChoices(name) } : prop;
  }
  return {
    ...pkg,
    activationEvents: LANGUAGES.map((l) => `onLanguage:${l.id}`),
    contributes: {
      ...contributes,
      languages: LANGUAGES.map((l) => ({
        id: l.id, aliases: l.aliases, extensions: l.extensions, ...(l.firstLine ? { firstLine: l.firstLine } : {}), configuration: './language-configuration.json',
      })),
      grammars: LANGUAGES.map((l) => ({ language: l.id, scopeName: `source.${l.id}`, path: `./syntaxes/${l.id}.tmLanguage.json` })),
      configuration: { ...configuration, properties },
    },
  };
}

/** A setting's default, and its choices where a table has them. */
function settingChoices(name: keyof CacheReplaySettings): Json {
  const out: Json = { default: DEFAULT_SETTINGS[name] };
  if (name === 'cacheMode') Object.assign(out, { enum: Object.keys(MODES), enumDescriptions: Object.values(MODES) });
  if (name === 'kernel') Object.assign(out, { enum: Object.keys(KERNELS), enumDescriptions: Object.values(KERNELS) });
  if (name === 'format') {
    Object.assign(out, {
      enum: ['auto', ...FORMAT_NAMES],
      enumDescriptions: [`Detect from content (or from the language mode: ${LANGUAGES.filter((l) => l.format).map((l) => l.id).join(', ')} force their format).`, ...FORMAT_NAMES.map((f) => FORMATS[f])],
    });
  }
  return out;
}
