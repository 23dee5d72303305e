#!/usr/bin/env node
// Validates Cypher with Neo4j's own front end (@neo4j-cypher/language-support: the Cypher 5
// parser, semantic analysis and the schema-aware linter used by Neo4j's tools).
//
// Input (stdin, JSON): {"schema": {labels, relationshipTypes, propertyKeys, graphSchema},
//                       "statements": [{"id": "...", "text": "...", "parameters": ["name", ...]}]}
// Output (stdout, JSON): [{"id", "parameters_used": [...], "statements": N,
//                          "diagnostics": [{"severity": "error"|"warning"|..., "message", "line", "column"}]}]
// Every parameter a statement uses must be in its "parameters" list (else the front end reports an
// error); labels, relationship types and properties outside the schema come back as warnings.
//
// Example:
//   echo '{"schema": {}, "statements": [{"id": "q", "text": "RETRN 1", "parameters": []}]}' | node lint.mjs
import { readFileSync } from 'node:fs';
import { lintCypherQuery, parseParameters } from '@neo4j-cypher/language-support';

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

function lintOne(statement, schema) {
  const parameters = Object.fromEntries((statement.parameters ?? []).map((name) => [name, null]));
  const dbSchema = { defaultLanguage: 'CYPHER 5', ...schema, parameters };
  const { diagnostics } = lintCypherQuery(statement.text, dbSchema, { consoleCommandsEnabled: false });
  return {
    id: statement.id,
    parameters_used: parseParameters(statement.text, false).sort(),
    diagnostics: diagnostics.map((d) => ({
      severity: SEVERITY[d.severity] ?? String(d.severity),
      message: d.message,
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
    })),
  };
}

const input = JSON.parse(readFileSync(0, 'utf-8'));
const results = input.statements.map((statement) => lintOne(statement, input.schema ?? {}));
process.stdout.write(JSON.stringify(results, null, 1) + '\n');
