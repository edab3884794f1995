// Validates keel's OpenAPI document: against the official OpenAPI 3.1 JSON
// Schema (via @apidevtools/swagger-parser, pinned in docs/package.json), then
// keel's own rules. Run by tests/e2e/test_docs.cpp; usable by hand:
//   node docs/validate-openapi.mjs http://127.0.0.1:8000/openapi.json
//   node docs/validate-openapi.mjs openapi.json [--version 0.1.0]
// Prints one line per problem and "openapi: valid" at the end; exit code 0
// when valid, 1 when not, 2 on a usage or fetch error.
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv2020 from 'ajv/dist/2020.js';
import { readFile } from 'node:fs/promises';

const args = process.argv.slice(2);
const source = args.find((a) => !a.startsWith('--'));
const versionIdx = args.indexOf('--version');
const expectVersion = versionIdx >= 0 ? args[versionIdx + 1] : undefined;
if (!source) {
  console.error('usage: validate-openapi.mjs <file or URL> [--version X]');
  process.exit(2);
}

let doc;
try {
  const text = /^https?:\/\//.test(source)
    ? await (await fetch(source)).text()
    : await readFile(source, 'utf8');
  doc = JSON.parse(text);
} catch (e) {
  console.error(`cannot read ${source}: ${e.message}`);
  process.exit(2);
}

const problems = [];

// 1. The OpenAPI 3.1 schema and swagger-parser's structural checks
//    (duplicate parameters, path parameters declared, $refs resolve...).
try {
  // validate() mutates its argument (dereferences): give it a copy.
  await SwaggerParser.validate(structuredClone(doc), {
    resolve: { external: false },
    validate: { schema: true, spec: true },
  });
} catch (e) {
  problems.push(`schema: ${e.message}`);
}

// 2. Every embedded schema is a valid JSON Schema 2020-12 (the OpenAPI 3.1
//    meta-schema does not look inside them), its $refs resolve, it uses no
//    unknown keyword (strict mode), and its examples satisfy it.
const ajv = new Ajv2020({ strict: true, strictTypes: false, strictTuples: false, validateFormats: false, allErrors: true });
ajv.addVocabulary(['example', 'discriminator', 'xml', 'externalDocs']);
const toUrn = (node) => {
  if (Array.isArray(node)) return node.map(toUrn);
  if (node && typeof node === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(node)) {
      out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')
        ? `urn:keel:schemas:${v.slice('#/components/schemas/'.length)}`
        : toUrn(v);
    }
    return out;
  }
  return node;
};
const checkSchema = (where, schema) => {
  if (!schema || typeof schema !== 'object') return problems.push(`${where}: schema is not an object`);
  const s = toUrn(schema);
  if (!ajv.validateSchema(s)) return problems.push(`${where}: not a JSON Schema: ${ajv.errorsText(ajv.errors)}`);
  let validate;
  try {
    validate = ajv.compile(s);
  } catch (e) {
    return problems.push(`${where}: ${e.message}`);
  }
  // Examples, at this level and in each property, must be valid.
  const examplesOf = (node, at) => {
    if (!node || typeof node !== 'object') return;
    for (const ex of node.examples ?? []) {
      const v = node === schema ? validate : ajv.compile(toUrn(node));
      if (!v(ex)) problems.push(`${where}${at}: example ${JSON.stringify(ex)} is invalid: ${ajv.errorsText(v.errors)}`);
    }
    for (const [k, p] of Object.entries(node.properties ?? {})) examplesOf(p, `${at}.${k}`);
  };
  examplesOf(schema, '');
};
for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
  try {
    ajv.addSchema(toUrn(schema), `urn:keel:schemas:${name}`);
  } catch (e) {
    problems.push(`components.schemas.${name}: ${e.message}`);
  }
}
for (const [name, schema] of Object.entries(doc.components?.schemas ?? {}))
  checkSchema(`components.schemas.${name}`, schema);
for (const [path, item] of Object.entries(doc.paths ?? {})) {
  for (const [method, op] of Object.entries(item)) {
    if (!op || typeof op !== 'object') continue;
    const where = `${method.toUpperCase()} ${path}`;
    for (const p of op.parameters ?? []) if (p.schema) checkSchema(`${where} parameter ${p.name}`, p.schema);
    for (const [ct, m] of Object.entries(op.requestBody?.content ?? {}))
      if (m.schema) checkSchema(`${where} request ${ct}`, m.schema);
    for (const [status, r] of Object.entries(op.responses ?? {}))
      for (const [ct, m] of Object.entries(r.content ?? {}))
        if (m.schema) checkSchema(`${where} response ${status} ${ct}`, m.schema);
  }
}

// 3. keel's own rules.
if (doc.openapi !== '3.1.0') problems.push(`openapi is ${JSON.stringify(doc.openapi)}, not "3.1.0"`);
if (expectVersion !== undefined && doc.info?.version !== expectVersion)
  problems.push(`info.version is ${JSON.stringify(doc.info?.version)}, not ${JSON.stringify(expectVersion)}`);
const schemes = doc.components?.securitySchemes ?? {};
const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const ids = new Set();
let operations = 0;
for (const [path, item] of Object.entries(doc.paths ?? {})) {
  if (/[{][^}]*:/.test(path)) problems.push(`${path}: router type annotation left in the path`);
  const templated = [...path.matchAll(/[{]([^}]+)[}]/g)].map((m) => m[1]);
  for (const method of methods) {
    const op = item[method];
    if (!op) continue;
    operations++;
    const where = `${method.toUpperCase()} ${path}`;
    if (method === 'head') problems.push(`${where}: HEAD is implied by GET and not documented separately`);
    if (!op.operationId) problems.push(`${where}: no operationId`);
    else if (ids.has(op.operationId)) problems.push(`${where}: duplicate operationId ${op.operationId}`);
    ids.add(op.operationId);
    if (!op.summary) problems.push(`${where}: no summary`);
    if (!op.tags?.length) problems.push(`${where}: no tag`);
    const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
    for (const name of templated)
      if (!pathParams.includes(name)) problems.push(`${where}: path parameter ${name} not declared`);
    for (const p of op.parameters ?? []) {
      if (!p.schema) problems.push(`${where}: parameter ${p.name} has no schema`);
      if (p.in === 'path' && p.required !== true) problems.push(`${where}: path parameter ${p.name} not required`);
    }
    const responses = Object.entries(op.responses ?? {});
    if (!responses.length) problems.push(`${where}: no responses`);
    for (const [status, r] of responses) {
      if (!r.description) problems.push(`${where}: response ${status} has no description`);
      const ct = Object.keys(r.content ?? {});
      if (Number(status) >= 400 && !ct.includes('application/json'))
        problems.push(`${where}: error response ${status} has no JSON body ({"detail": ...})`);
    }
    for (const alt of op.security ?? [])
      for (const name of Object.keys(alt))
        if (!schemes[name]) problems.push(`${where}: unknown security scheme ${name}`);
    if (op.requestBody) {
      const content = Object.keys(op.requestBody.content ?? {});
      if (!content.length) problems.push(`${where}: request body without content`);
    }
  }
}
if (!operations) problems.push('no operations');

for (const p of problems) console.log(p);
console.log(problems.length ? `openapi: INVALID (${problems.length} problems)` : `openapi: valid (${operations} operations)`);
process.exit(problems.length ? 1 : 0);
