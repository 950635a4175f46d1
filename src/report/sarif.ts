/**
 * SARIF 2.1.0 (OASIS), the format code-scanning services read: one run, the tool's rules
 * (finding codes) with their descriptions, and one result per finding with its file and line
 * relative to the tree root (`%SRCROOT%`). Generic on purpose: convert writes its findings
 * with it, validate its failed checks.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export type SarifLevel = 'error' | 'warning' | 'note';

export interface SarifResultInput {
  /** The rule (finding code) this result is an instance of. */
  ruleId: string;
  level: SarifLevel;
  message: string;
  /** Absolute path, or relative to the root. */
  file: string;
  /** 1-based; 0 or less when the result concerns the whole file. */
  line: number;
  column?: number;
}

export interface SarifToolInput {
  name: string;
  version: string;
  informationUri?: string;
  /** Descriptions by rule id; ids used by results but missing here get a generic one. */
  rules?: Record<string, string>;
}

interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: unknown[];
}

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export function sarifLog(tool: SarifToolInput, results: SarifResultInput[], root: string): SarifLog {
  const ids = [...new Set([...Object.keys(tool.rules ?? {}), ...results.map((r) => r.ruleId)])].sort();
  const index = new Map(ids.map((id, i) => [id, i]));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            version: tool.version,
            ...(tool.informationUri ? { informationUri: tool.informationUri } : {}),
            rules: ids.map((id) => ({
              id,
              shortDescription: { text: tool.rules?.[id] ?? id.replace(/-/g, ' ') },
            })),
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(root.endsWith(path.sep) ? root : root + path.sep).href } },
        results: results.map((r) => ({
          ruleId: r.ruleId,
          ruleIndex: index.get(r.ruleId),
          level: r.level,
          message: { text: r.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: artifactUri(r.file, root), uriBaseId: 'SRCROOT' },
                ...(r.line > 0 ? { region: { startLine: r.line, ...(r.column ? { startColumn: r.column } : {}) } } : {}),
              },
            },
          ],
        })),
      },
    ],
  };
}

/** Relative, forward-slashed, percent-encoded where a URI needs it. */
function artifactUri(file: string, root: string): string {
  const rel = path.isAbsolute(file) ? path.relative(root, file) : file;
  return rel
    .split(path.sep)
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}

export async function writeSarif(file: string, log: SarifLog): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await fs.writeFile(tmp, JSON.stringify(log, null, 2) + '\n');
  await fs.rename(tmp, file);
}
