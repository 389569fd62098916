// Generates the package's record models and sample events from Vessel's CRM schemas:
//   pkg/models.d.cts    every schema as a TypeScript interface, the object types, the statuses
//   pkg/src/samples.js  sample events (ESM) built from the schema examples (scripts/build.sh
//                       bundles them for require as pkg/dist/samples.cjs, as it does express.cjs)
//   pkg/samples.d.cts   their types (samples.d.ts re-exports them for import)
//   src/models.rs       the same models as serde types for the Rust crate, and its Record enum
//   tests/vectors/samples.json  the samples as data, for the Rust tests
// The declarations are CommonJS-format (.d.cts), as index.d.cts is (it says why).
// The outputs are tracked in git; re-run after changing the schema file or this script.
//   node scripts/gen-types.mjs           writes the outputs
//   node scripts/gen-types.mjs --check   exits 1 when a checked-in output differs (test command)
// The schema file is schemas/crm-schemas.json, Vessel's, vendored unmodified (schemas/README.md
// says where it came from), so a clone generates and checks with nothing beside it.
// Generation is deterministic: the same schema file, script, Prettier config and rustfmt give the
// same bytes (rustfmt comes with the Rust toolchain).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';

import { sampleEvents } from '../pkg/src/sample-events.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const schemaPath = join(repo, 'schemas/crm-schemas.json');

/**
 * The `data.objectType` values of OBJECT_CHANGE events, in the order of `ObjectType::KNOWN` in
 * src/event.rs (keep the two lists equal). Vessel's webhook page lists all but Call; Call is a
 * CRM record like the others (contacts, deals … carry `callIds`), so its changes are typed too.
 */
const OBJECT_TYPES = [
  'User',
  'Contact',
  'Account',
  'Deal',
  'Lead',
  'Note',
  'Task',
  'Event',
  'EventAttendee',
  'Email',
  'Call',
];

/**
 * Fields the samples need that Vessel's examples lack: Call has no example at all, and the
 * EventAttendee example has no `nativeId`, which its schema requires. The Call id is the one the
 * Contact, Account and Deal examples list in `callIds`.
 */
const EXAMPLE_PATCHES = {
  Call: {
    id: 'v.call.1222707bbc415ee4806400e2daa25ffa',
    nativeId: '52',
    subject: 'Renewal call',
    direction: 'outbound',
    description: 'Went over the renewal terms with Tom.',
    date: '2019-08-24T14:15:22Z',
    duration: 600,
    createdTime: '2019-08-24T14:15:22Z',
    modifiedTime: '2019-08-24T14:15:22Z',
    associations: {
      accountIds: ['v.account.0dcb45e051315a6ea63b0f16e73689d9'],
      contactIds: ['v.contact.e5f32d4fd2115220bd20a2ccf81210ec'],
      dealIds: ['v.deal.497fb529e6805351b5dc8057c74a4a52'],
      leadIds: [],
      ownerUserId: 'v.user.56f653659ea9524b9e0fb0ba67e6f8a0',
    },
    additional: {},
  },
  EventAttendee: { nativeId: '87' },
};

/**
 * Required fields whose description says they can be null: present, but possibly null (the
 * schema marks nothing nullable). EventAttendee: "if this Attendee is not associated with a CRM
 * object, this id is null and the `email` field will be present".
 */
const REQUIRED_NULLABLE = new Set(['EventAttendee.associations.associationId']);

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const TIMESTAMP_NAME = /^date$|(Time|Date)$/;

function refName(ref) {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

/** A JSDoc comment of `paragraphs` (on one line when it is one line), or nothing. */
function jsdoc(paragraphs, indent) {
  const lines = paragraphs
    .join('\n\n')
    .trim()
    .split('\n')
    .map((line) => line.trimEnd().replaceAll('*/', '*\\/'));
  if (lines[0] === '') return '';
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  const body = lines.map((line) => `${indent} *${line ? ` ${line}` : ''}`);
  return `${indent}/**\n${body.join('\n')}\n${indent} */\n`;
}

/** What the schema's JSDoc says about one property. */
function propertyDoc(name, prop) {
  const lines = prop.description ? [prop.description] : [];
  if (prop.type === 'string' && TIMESTAMP_NAME.test(name)) {
    lines.push('An ISO-8601 timestamp string, such as `2019-08-24T14:15:22Z`.');
  }
  if (prop.format === 'email') lines.push('An email address.');
  if (prop.type === 'integer') lines.push('A whole number.');
  return lines;
}

function tsType(prop, indent, path) {
  if (prop.$ref) return refName(prop.$ref);
  if (prop.enum) return prop.enum.map((value) => JSON.stringify(value)).join(' | ');
  switch (prop.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array': {
      const item = tsType(prop.items, indent, `${path}[]`);
      return item.includes('|') ? `(${item})[]` : `${item}[]`;
    }
    case 'object':
      return prop.properties
        ? `{\n${members(prop, `${indent}  `, path)}${indent}}`
        : 'Record<string, unknown>';
  }
  throw new Error(`${schemaPath}: no TypeScript type for ${JSON.stringify(prop)}`);
}

/**
 * The members of an object schema: required ones plain, the others optional and nullable
 * (Vessel marks nothing nullable, yet its examples hold nulls). A required name the schema
 * does not define (User's `associations`) has no type to give and is left out.
 * `path` is the schema path of the object, e.g. `EventAttendee.associations`.
 */
function members(schema, indent, path) {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties)
    .map(([name, prop]) => {
      const key = IDENTIFIER.test(name) ? name : JSON.stringify(name);
      const type = tsType(prop, indent, `${path}.${name}`);
      const field = !required.has(name)
        ? `${key}?: ${type} | null`
        : REQUIRED_NULLABLE.has(`${path}.${name}`)
          ? `${key}: ${type} | null`
          : `${key}: ${type}`;
      return `${jsdoc(propertyDoc(name, prop), indent)}${indent}${field};\n`;
    })
    .join('');
}

function modelDoc(name, schema) {
  const lines = [schema.description ?? `A ${name} record.`];
  if (OBJECT_TYPES.includes(name)) {
    lines.push(
      `The \`record\` of OBJECT_CHANGE events of \`objectType: '${name}'\`, CREATE and UPDATE.`,
    );
  }
  return jsdoc(lines, '');
}

function modelsSource(schemas, statuses, source) {
  const models = Object.entries(schemas).map(
    ([name, schema]) =>
      `${modelDoc(name, schema)}export interface ${name} {\n${members(schema, '  ', name)}}\n`,
  );
  // Every OBJECT_CHANGE record has a string id (the runtime checks it), even where the schema
  // does not require one.
  const records = OBJECT_TYPES.map((name) =>
    schemas[name].required?.includes('id')
      ? `  ${name}: ${name};\n`
      : `  ${name}: ${name} & { id: string };\n`,
  );
  return [
    `// Generated by scripts/gen-types.mjs from Vessel's CRM schemas — do not edit.\n`,
    `// Source: ${source}\n\n`,
    models.join('\n'),
    `\n/** \`data.objectType\` of an OBJECT_CHANGE event: the CRM objects Vessel reports changes of. */\n`,
    `export type ObjectType = ${OBJECT_TYPES.map((name) => `'${name}'`).join(' | ')};\n\n`,
    `/** The \`record\` model of each object type, for CREATE and UPDATE events. */\n`,
    `export interface ObjectTypeRecords {\n${records.join('')}}\n\n`,
    `/** \`data.status\` of a STATUS_CHANGE event: the new status of the connection. */\n`,
    `export type ConnectionStatus = ${statuses.map((status) => JSON.stringify(status)).join(' | ')};\n`,
  ].join('');
}

/** `value` shaped by `schema`: object keys in schema order, keys it does not define dropped. */
function conform(value, schema, schemas, dropped, path) {
  if (schema.$ref) return conform(value, schemas[refName(schema.$ref)], schemas, dropped, path);
  if (schema.type === 'array' && Array.isArray(value)) {
    return value.map((item, i) => conform(item, schema.items, schemas, dropped, `${path}[${i}]`));
  }
  if (!schema.properties || value === null || typeof value !== 'object') return value;
  for (const key of Object.keys(value)) {
    if (!(key in schema.properties)) dropped.push(`${path}.${key}`);
  }
  return Object.fromEntries(
    Object.entries(schema.properties)
      .filter(([key]) => key in value)
      .map(([key, prop]) => [key, conform(value[key], prop, schemas, dropped, `${path}.${key}`)]),
  );
}

/** Where `value` breaks `schema` (the types models.d.ts gives it), as messages. */
function problems(value, schema, schemas, path) {
  if (schema.$ref) return problems(value, schemas[refName(schema.$ref)], schemas, path);
  const found = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  const expected =
    { string: 'string', integer: 'number', number: 'number', boolean: 'boolean' }[schema.type] ??
    schema.type;
  if (found !== expected) return [`${path}: expected ${schema.type}, found ${found}`];
  if (schema.enum && !schema.enum.includes(value))
    return [`${path}: ${JSON.stringify(value)} is not in the enum`];
  if (schema.type === 'integer' && !Number.isInteger(value))
    return [`${path}: expected an integer`];
  if (schema.type === 'array')
    return value.flatMap((item, i) => problems(item, schema.items, schemas, `${path}[${i}]`));
  if (schema.type !== 'object' || !schema.properties) return [];
  const missing = (schema.required ?? [])
    .filter((key) => key in schema.properties && !(key in value))
    .map((key) => `${path}.${key}: required, missing`);
  const wrong = Object.entries(value)
    .filter(([key, field]) => !(field === null && !schema.required?.includes(key)))
    .flatMap(([key, field]) => problems(field, schema.properties[key], schemas, `${path}.${key}`));
  return [...missing, ...wrong];
}

/** The example record of every object type, conformed to its schema, and notes on what they needed. */
function exampleRecords(schemas) {
  const notes = [];
  const records = {};
  for (const objectType of OBJECT_TYPES) {
    const schema = schemas[objectType];
    const example = { ...schema.examples?.[0], ...EXAMPLE_PATCHES[objectType] };
    const dropped = [];
    const record = conform(example, schema, schemas, dropped, objectType);
    const wrong = problems(record, schema, schemas, objectType);
    if (wrong.length)
      throw new Error(`the ${objectType} example does not fit its model:\n  ${wrong.join('\n  ')}`);
    if (dropped.length)
      notes.push(`dropped from the examples (not in the schema): ${dropped.join(', ')}`);
    if (typeof record.nativeId !== 'string')
      throw new Error(`the ${objectType} example has no nativeId (a DELETE record needs one)`);
    records[objectType] = record;
  }
  return { records, notes };
}

/** The exact type of a sample event. */
function sampleType({ event }) {
  return event.type === 'STATUS_CHANGE'
    ? `StatusChangeEvent<'${event.data.status}'>`
    : `ObjectChangeEvent<'${event.data.objectType}', '${event.data.eventType}'>`;
}

const SAMPLES_DOC = `/**
 * Sample Vessel events built from the examples in Vessel's CRM schemas: for every object type a
 * CREATE, an UPDATE (the example record) and a DELETE (id, nativeId and connectionId only), and
 * one STATUS_CHANGE per status. Named \`<objectType>.created|updated|deleted\` (object type in
 * lowerCamelCase, e.g. \`eventAttendee.deleted\`) and \`status.<STATUS>\` as Vessel spells the status
 * (\`status.READY\`): the names the CLI and the receiver use.
 * The objects are shared (an UPDATE's record is its CREATE's): use \`sample(name)\` for a copy
 * to change.
 */`;

const SAMPLE_DOC = `/**
 * A fresh copy of the sample event called \`name\`. Throws RangeError for an unknown name.
 * @example
 * const event = sample('contact.created');
 * const body = JSON.stringify(event);
 * const headers = sign(body, accessToken);
 */`;

const SAMPLE_BODY = `{
  const found = samples.find((s) => s.name === name);
  if (found === undefined) throw new RangeError(\`no sample named \${JSON.stringify(name)}\`);
  return structuredClone(found.event);
}`;

function samplesSources(samples, { records, statuses, connectionId }, source) {
  const header = `// Generated by scripts/gen-types.mjs from Vessel's CRM schemas — do not edit.\n// Source: ${source}\n`;
  const esm = [
    header,
    `import { sampleEvents } from './sample-events.js';\n\n`,
    `/** The example record of every object type (CREATE and UPDATE events carry it). */\n`,
    `const records = ${JSON.stringify(records)};\n\n`,
    `${SAMPLES_DOC}\n`,
    `export const samples = sampleEvents(records, ${JSON.stringify(statuses)}, ${JSON.stringify(connectionId)});\n\n`,
    `${SAMPLE_DOC}\nexport function sample(name) ${SAMPLE_BODY}\n`,
  ].join('');
  const dts = [
    header,
    `import type { ObjectChangeEvent, StatusChangeEvent } from './index.cjs';\n\n`,
    `/** The sample events by name, each with its exact type. */\n`,
    `export interface SampleEvents {\n`,
    ...samples.map((sample) => `  '${sample.name}': ${sampleType(sample)};\n`),
    `}\n\n`,
    `/** The name of a sample event. */\n`,
    `export type SampleName = keyof SampleEvents;\n\n`,
    `/** One entry of \`samples\`. */\n`,
    `export type Sample = { [N in SampleName]: { name: N; event: SampleEvents[N] } }[SampleName];\n\n`,
    `${SAMPLES_DOC}\nexport declare const samples: readonly Sample[];\n\n`,
    `${SAMPLE_DOC}\nexport declare function sample<N extends SampleName>(name: N): SampleEvents[N];\n`,
  ].join('');
  return { esm, dts };
}

// ---------------------------------------------------------------------------------------------
// Rust: src/models.rs, the same models as serde types (see the module doc it writes).

const RUST_KEYWORDS = new Set(
  (
    'as async await break const continue crate dyn else enum extern false fn for gen if impl in ' +
    'let loop match mod move mut pub ref return self static struct super trait true type unsafe ' +
    'use where while abstract become box do final macro override priv try typeof unsized virtual yield'
  ).split(' '),
);

const pascal = (name) => name[0].toUpperCase() + name.slice(1);
const snake = (name) =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
/** A snake_case field name as serde's `rename_all = "camelCase"` spells it. */
const serdeCamel = (plain) =>
  plain
    .split('_')
    .map((part, i) => (i === 0 || !part ? part : pascal(part)))
    .join('');
/** A Rust variant name for an enum value: `inbound` → `Inbound`, `NEW_CONNECTION` → `NewConnection`. */
const variantName = (value) =>
  value
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map(pascal)
    .join('');

/** `///` lines of `paragraphs`. */
function rustDoc(paragraphs, indent) {
  const lines = paragraphs.join('\n\n').trim().split('\n');
  return lines
    .map((line) => `${indent}///${line.trimEnd() ? ` ${line.trimEnd()}` : ''}\n`)
    .join('');
}

/** Collects the Rust items (structs, enums) of the models, nested ones included. */
class RustModels {
  constructor(schemas, statuses) {
    this.schemas = schemas;
    this.statuses = statuses;
    this.items = [];
    this.names = new Set();
    /** The JSON member names the models define, for error paths (src/record.rs). */
    this.memberNames = new Set();
  }

  claim(name, path) {
    if (this.names.has(name)) throw new Error(`${path}: a second Rust item named ${name}`);
    this.names.add(name);
  }

  /** The Rust type of a schema property at `path` (`Owner.field`), declaring what it needs. */
  type(prop, owner, field, path) {
    if (prop.$ref) return refName(prop.$ref);
    if (prop.enum) {
      if (prop.type !== 'string') throw new Error(`${path}: an enum of ${prop.type}`);
      if (JSON.stringify(prop.enum) === JSON.stringify(this.statuses)) return 'ConnectionStatus';
      const name = `${owner}${pascal(field)}`;
      this.enumItem(name, prop.enum, `\`${field}\` of ${this.link(owner)}.`, path);
      return name;
    }
    switch (prop.type) {
      case 'string':
        return 'String';
      case 'integer':
        return 'i64';
      case 'number':
        return 'f64';
      case 'boolean':
        return 'bool';
      case 'array':
        return `Vec<${this.type(prop.items, owner, field, `${path}[]`)}>`;
      case 'object':
        if (!prop.properties) return 'Map<String, Value>';
        {
          const name = `${owner}${pascal(field)}`;
          this.struct(name, prop, [`\`${field}\` of ${this.link(owner)}.`], path, {});
          return name;
        }
    }
    throw new Error(`${schemaPath}: no Rust type for ${path}: ${JSON.stringify(prop)}`);
  }

  link(name) {
    return this.schemas[name] || this.names.has(name) ? `[\`${name}\`]` : `\`${name}\``;
  }

  enumItem(name, values, doc, path) {
    this.claim(name, path);
    const variants = values.map(
      (value) =>
        `    /// \`${JSON.stringify(value)}\`.\n    ${variantName(value)} = ${JSON.stringify(value)},\n`,
    );
    this.items.push(
      `vocabulary! {\n${rustDoc([doc], '    ')}    ${name} {\n${variants.join('')}    }\n}\n`,
    );
  }

  /**
   * A struct for an object schema, `Deserialize` and `Serialize` derived: unknown members kept in
   * `extra` (flattened). Duplicate members are resolved before a model sees them, where the
   * record is read (src/record.rs). `requireId`: `id` is required even where the schema does not
   * say so (every webhook record has one: the core checks it).
   */
  struct(name, schema, doc, path, { requireId = false }) {
    this.claim(name, path);
    const required = new Set(schema.required ?? []);
    if (requireId) required.add('id');
    const fields = Object.entries(schema.properties).map(([json, prop]) => {
      const plain = snake(json);
      if (plain === 'extra' || ['self', 'super', 'crate', 'Self'].includes(plain))
        throw new Error(`${path}.${json}: no Rust field name for it`);
      const ident = RUST_KEYWORDS.has(plain) ? `r#${plain}` : plain;
      const fieldPath = `${path}.${json}`;
      const inner = this.type(prop, name, json, fieldPath);
      const presence = !required.has(json)
        ? 'optional'
        : REQUIRED_NULLABLE.has(fieldPath)
          ? 'nullable'
          : 'required';
      const type = presence === 'required' ? inner : `Option<${inner}>`;
      const lines = propertyDoc(json, prop);
      if (!lines.length) lines.push(`\`${json}\`.`);
      if (presence === 'nullable') lines.push('Required, but may be null (`None`).');
      if (requireId && json === 'id' && !schema.required?.includes('id'))
        lines.push('Always present in a webhook record.');
      this.memberNames.add(json);
      return { json, plain, ident, type, presence, doc: lines };
    });
    // Fields are named as serde's camelCase makes them; a member it cannot spell is renamed.
    const camelCase = fields.some(({ json, plain }) => json !== plain);
    const spelt = (plain) => (camelCase ? serdeCamel(plain) : plain);
    const attrs = ({ json, plain, presence }) => {
      const parts = [];
      if (json !== spelt(plain)) parts.push(`rename = ${JSON.stringify(json)}`);
      // An Option field may be absent; a required one that may be null may not.
      if (presence === 'optional') parts.push('skip_serializing_if = "Option::is_none"');
      if (presence === 'nullable') parts.push('deserialize_with = "Option::deserialize"');
      return parts.length ? `    #[serde(${parts.join(', ')})]\n` : '';
    };
    const declared = fields
      .map((f) => `${rustDoc(f.doc, '    ')}${attrs(f)}    pub ${f.ident}: ${f.type},\n`)
      .join('');
    const extraDoc =
      'Members the model does not define, as sent (serialized back after the others), so nothing\n' +
      'is lost.';
    this.items.push(
      `${rustDoc(doc, '')}#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
${camelCase ? '#[serde(rename_all = "camelCase")]\n' : ''}pub struct ${name} {
${declared}${rustDoc([extraDoc], '    ')}    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
`,
    );
  }
}

const DELETED_SCHEMA = {
  required: ['id', 'nativeId', 'connectionId'],
  properties: {
    id: { type: 'string', description: 'Unique Vessel Id.' },
    nativeId: { type: 'string', description: 'Id of the object in the connected CRM.' },
    connectionId: { type: 'string', description: 'The Vessel connection the record belonged to.' },
  },
};

function rustModelsSource(schemas, statuses, source) {
  const models = new RustModels(schemas, statuses);
  for (const [name, schema] of Object.entries(schemas)) {
    const doc = [schema.description ?? `A ${name} record.`];
    if (OBJECT_TYPES.includes(name)) {
      doc.push(
        `The \`record\` of OBJECT_CHANGE events of \`objectType: "${name}"\`, CREATE and UPDATE: ` +
          `[\`Record::${name}\`].`,
      );
    }
    models.struct(name, schema, doc, name, { requireId: OBJECT_TYPES.includes(name) });
  }
  models.struct(
    'DeletedRecord',
    DELETED_SCHEMA,
    ['The `record` of a DELETE event, whatever the object type: only its ids.'],
    'DeletedRecord',
    {},
  );
  const variants = OBJECT_TYPES.map(
    (name) => `    /// \`objectType: "${name}"\`, CREATE or UPDATE.\n    ${name}(${name}),\n`,
  ).join('');
  const arms = OBJECT_TYPES.map(
    (name) =>
      `(ChangeType::Create | ChangeType::Update, ObjectType::${name}) => Record::${name}(${name}::deserialize(deserializer)?),`,
  ).join('\n');
  return `// Generated by scripts/gen-types.mjs from Vessel's CRM schemas — do not edit.
// Source: ${source}

//! Vessel's CRM record models as serde types, generated from Vessel's schemas (the same models
//! as the npm package's \`models.d.cts\`), and [\`Record\`], the record of an OBJECT_CHANGE event by
//! object type ([\`crate::Event::record\`]).
//!
//! - A field the schema requires is a plain value; every other field is an \`Option\`, \`None\`
//!   when absent or null (Vessel marks nothing nullable, yet its examples hold nulls).
//! - Timestamps are ISO-8601 strings, kept as \`String\`; \`additional\` (the CRM's untransformed
//!   fields) is a JSON object.
//! - Members a model does not define are kept in its \`extra\`, and serialized back, so nothing is
//!   lost.
//! - Plain \`#[derive(Deserialize, Serialize)]\` structs. Duplicate members are resolved where the
//!   record is read ([\`crate::Event::record\`], \`record_as\`): the last wins, as with
//!   \`JSON.parse\`. Read straight from text with serde_json, a model refuses a duplicate of a
//!   member it defines, as derived types do.
//! - String enums have an \`Other\` variant for values Vessel may add later.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::event::vocabulary;
use crate::{ChangeType, ConnectionStatus, ObjectType};

${models.items.join('\n')}
/// The JSON member names the models define (sorted): an error path names a member by its name
/// when it is one of these, static text rather than the body's (src/record.rs).
pub(crate) const MEMBER_NAMES: &[&str] = &[${[...models.memberNames]
    .sort()
    .map((name) => JSON.stringify(name))
    .join(', ')}];

/// The \`record\` of an OBJECT_CHANGE event, by object type ([\`crate::Event::record\`]).
/// Serializes as the record itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
// The variants are the records themselves, read once per event: boxing them would only make
// matching clumsier.
#[allow(clippy::large_enum_variant)]
pub enum Record {
${variants}    /// \`eventType: "DELETE"\`, whatever the object type: only the record's ids.
    Deleted(DeletedRecord),
    /// An object type or change type this version does not know (accepted unless \`strict\`): the
    /// record as sent.
    Other(Value),
}

impl Record {
    /// The record of an OBJECT_CHANGE event of \`object_type\` and \`change_type\`.
    pub(crate) fn from_deserializer<'de, D: Deserializer<'de>>(
        object_type: &ObjectType,
        change_type: &ChangeType,
        deserializer: D,
    ) -> Result<Record, D::Error> {
        Ok(match (change_type, object_type) {
            (ChangeType::Delete, _) => Record::Deleted(DeletedRecord::deserialize(deserializer)?),
            ${arms}
            _ => Record::Other(Value::deserialize(deserializer)?),
        })
    }
}
`;
}

/** The samples for the Rust tests (tests/vectors/*.json are not Prettier-formatted). */
function samplesJson(samples, source) {
  const description =
    "Sample events built from the examples in Vessel's CRM schemas, the same as pkg/src/samples.js. " +
    `Generated by scripts/gen-types.mjs from ${source} — do not edit.`;
  const data = { description, samples: samples.map(({ name, event }) => ({ name, event })) };
  return `${JSON.stringify(data, null, 2)}\n`;
}

/** `text` as checked in: rustfmt for Rust, as is for the JSON vectors, Prettier for the rest. */
async function format(filepath, text) {
  if (filepath.endsWith('.rs')) {
    const result = spawnSync('rustfmt', ['--edition', '2021', '--emit', 'stdout', '--quiet'], {
      cwd: repo,
      input: text,
      encoding: 'utf8',
    });
    if (result.error) throw new Error(`rustfmt (needed for ${filepath}): ${result.error.message}`);
    if (result.status !== 0) throw new Error(`rustfmt failed on ${filepath}:\n${result.stderr}`);
    return result.stdout;
  }
  if (filepath.endsWith('.json')) return text;
  const options = { ...(await prettier.resolveConfig(filepath)), filepath };
  return prettier.format(text, options);
}

async function main() {
  const check = process.argv.includes('--check');
  const text = await readFile(schemaPath, 'utf8');
  // Vendored unmodified: its checksum is the one schemas/README.md records.
  const digest = createHash('sha256').update(text).digest('hex');
  if (!(await readFile(join(repo, 'schemas/README.md'), 'utf8')).includes(digest))
    throw new Error(`${schemaPath}: SHA-256 ${digest} is not the one schemas/README.md records`);
  const { schemas, source } = JSON.parse(text);
  const missing = OBJECT_TYPES.filter((name) => !schemas[name]);
  if (missing.length) throw new Error(`${schemaPath}: no schema for ${missing.join(', ')}`);
  const statuses = schemas.Connection?.properties?.status?.enum;
  if (!Array.isArray(statuses)) throw new Error(`${schemaPath}: no enum for Connection.status`);

  const connectionId = schemas.Connection?.examples?.[0]?.connectionId;
  if (typeof connectionId !== 'string')
    throw new Error(`${schemaPath}: no Connection example with a connectionId`);
  const { records, notes } = exampleRecords(schemas);
  const samples = sampleEvents(records, statuses, connectionId);
  const { esm, dts } = samplesSources(samples, { records, statuses, connectionId }, source);
  const outputs = {
    'pkg/models.d.cts': modelsSource(schemas, statuses, source),
    'pkg/src/samples.js': esm,
    'pkg/samples.d.cts': dts,
    'src/models.rs': rustModelsSource(schemas, statuses, source),
    'tests/vectors/samples.json': samplesJson(samples, source),
  };

  const stale = [];
  for (const [path, text] of Object.entries(outputs)) {
    const filepath = join(repo, path);
    const formatted = await format(filepath, text);
    const current = await readFile(filepath, 'utf8').catch(() => null);
    if (current === formatted) continue;
    if (check) stale.push(path);
    else await writeFile(filepath, formatted);
  }
  if (check && stale.length) {
    console.error(`stale generated files: ${stale.join(', ')}\nrun: node scripts/gen-types.mjs`);
    process.exitCode = 1;
  } else if (!check) {
    for (const note of notes) console.log(`note: ${note}`);
    console.log(
      `generated from ${relative(process.cwd(), schemaPath)}: ${Object.keys(outputs).join(', ')}`,
    );
  }
}

await main();
