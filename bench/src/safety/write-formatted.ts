import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';

/**
 * Writes `text` to `filePath` formatted with the repository's Prettier config (the parser is
 * chosen by the file's extension), so that `prettier --check` passes on generated files.
 */
export async function writeFormatted(filePath: string, text: string): Promise<void> {
  const config = (await resolveConfig(filePath)) ?? {};
  mkdirSync(path.dirname(filePath), { recursive: true });
  writeFileSync(filePath, await format(text, { ...config, filepath: filePath }));
}
