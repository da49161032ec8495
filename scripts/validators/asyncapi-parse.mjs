// Parses an AsyncAPI description with the reference parser (@asyncapi/parser), following its
// `$ref`s into other files (relative to the description's own path), and fails on any
// diagnostic of severity error. Warnings and hints are listed.
//
// usage: node scripts/validators/asyncapi-parse.mjs specs/webhooks.asyncapi.yaml
// (run by scripts/validate-specs with NODE_PATH pointing at the pinned install)
import path from 'node:path';
import { createRequire } from 'node:module';

const file = process.argv[2];
if (!file) {
  console.error('usage: node asyncapi-parse.mjs <asyncapi.yaml>');
  process.exit(2);
}
// The parser lives in the validators' install (.cache/validators/node_modules), not beside this
// script: resolve it from there.
const installDir = process.env.VALIDATORS_DIR;
const require = createRequire(path.join(installDir ?? process.cwd(), 'package.json'));
const { Parser, fromFile, DiagnosticSeverity } = require('@asyncapi/parser');

const severityName = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'info',
  [DiagnosticSeverity.Hint]: 'hint',
};

const source = path.resolve(file);
const parser = new Parser();
const { document, diagnostics } = await fromFile(parser, source).parse();

const counts = { error: 0, warning: 0, info: 0, hint: 0 };
for (const d of diagnostics) {
  const severity = severityName[d.severity] ?? String(d.severity);
  counts[severity] = (counts[severity] ?? 0) + 1;
  const where = d.path && d.path.length ? `#/${d.path.join('/')}` : '';
  const line = d.range ? `:${d.range.start.line + 1}:${d.range.start.character + 1}` : '';
  const origin = d.source ? path.relative(process.cwd(), d.source) : path.relative(process.cwd(), source);
  console.log(`${severity.padEnd(7)} ${origin}${line} ${where}\n        ${d.code}: ${d.message}`);
}
if (document) {
  console.log(
    `${path.relative(process.cwd(), source)}: AsyncAPI ${document.version()}, ` +
      `${document.channels().length} channels, ${document.operations().length} operations, ` +
      `${document.allMessages().length} messages`,
  );
}
console.log(`asyncapi parser: ${counts.error} errors, ${counts.warning} warnings, ${counts.info} infos, ${counts.hint} hints`);
if (counts.error > 0 || !document) {
  console.error('asyncapi parser: the description has errors');
  process.exit(1);
}
