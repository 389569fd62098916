// Generates the package's record models and sample events from Vessel's CRM schemas:
//   pkg/models.d.cts    every schema as a TypeScript interface, the object types, the statuses
//   pkg/src/names.js    the event names the receiver's `on` takes (the samples' names)
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
 * Example records of the object types Vessel has no example for (Call), for the samples and the
 * check. Only models without an example of Vessel's may be here: Vessel's examples are read as
 * published. The Call id is the one the Contact, Account and Deal examples list in `callIds`.
 */
const ADDED_EXAMPLES = {
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
};

/**
 * Members the samples add to an example record that lacks them (never replacing one it has): a
 * DELETE sample carries the record's `nativeId`, and Vessel's EventAttendee example has none.
 * The models and the check read the example without it.
 */
const SAMPLE_ADDITIONS = { EventAttendee: { nativeId: '87' } };

/**
 * A description that says a field may be absent, or may be null ("this id is null", "can be
 * null"; not "non-null", "cannot be null" or "never null").
 */
const SAYS_OPTIONAL = /\boptional\b/i;
const SAYS_NULL = /\b(?:is|can be|may be) null\b/i;

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

/** What the schema's JSDoc says about one property, and where the models depart from it. */
function propertyDoc(name, prop) {
  const lines = prop.description ? [prop.description] : [];
  if (prop.notes) lines.push(...prop.notes);
  if (prop.type === 'string' && TIMESTAMP_NAME.test(name)) {
    lines.push('An ISO-8601 timestamp string, such as `2019-08-24T14:15:22Z`.');
  }
  if (prop.format === 'email') lines.push('An email address.');
  if (prop.type === 'integer') lines.push('A whole number.');
  return lines;
}

function tsType(prop, indent, path) {
  if (prop.$ref) return refName(prop.$ref);
  if (prop.enum) {
    // Open, as the Rust models' `Other` variant is: Vessel may add a value (a CRM, a direction),
    // and the package does not check record fields at run time.
    const values = prop.enum.map((value) => JSON.stringify(value)).join(' | ');
    return `${values} | (string & {})`;
  }
  if (Array.isArray(prop.type)) return prop.type.map((type) => tsType({ type })).join(' | ');
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
 * The members of an object schema (as {@link agreeWithVessel} gives it): required ones plain or,
 * when `nullable`, possibly null; the others optional and nullable (Vessel marks nothing
 * nullable, yet its examples hold nulls). A required name the schema does not define (User's
 * `associations`) has no type to give and is left out.
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
        : prop.nullable
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

/** The JSON type of `value` as a schema names it (`integer` for a whole number). */
function jsonType(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Whether a value of JSON type `found` fits schema type `type` (an integer is a number). */
const fitsType = (found, type) => found === type || (found === 'integer' && type === 'number');

const SCALARS = ['string', 'integer', 'number', 'boolean'];

/**
 * Vessel's schemas made to agree with Vessel's own documents (a copy; `vessel` is not changed).
 * Where a field departs from its schema, the reason is added to its `notes` (its doc):
 * - a field the schema requires but whose description says it is optional, or that one of
 *   Vessel's examples omits, is optional (absent or null);
 * - a required field whose description says it can be null, or that an example holds null for,
 *   is `nullable`;
 * - a scalar field an example gives a scalar of another JSON type takes both
 *   (`type: ['string', 'number']`), and an enum an example gives another value is `openEnum`;
 * - a scalar member an example has and its schema does not define is an optional field of the
 *   example's type (Note's `content`).
 * Anything else an example holds that its schema does not allow is left for {@link problems}.
 */
function agreeWithVessel(vessel) {
  const schemas = structuredClone(vessel);
  const note = (prop, text) => {
    prop.notes ??= [];
    if (!prop.notes.includes(text)) prop.notes.push(text);
  };
  const optional = (object, name, why) => {
    object.required = object.required.filter((key) => key !== name);
    note(object.properties[name], `Optional: ${why}, though the schema lists it as required.`);
  };
  const nullable = (prop, why) => {
    prop.nullable = true;
    note(prop, `Required, but may be null: ${why}.`);
  };

  /** The description rules, over every object schema under `schema`. */
  const byDescription = (schema) => {
    if (schema.type === 'array') byDescription(schema.items);
    if (!schema.properties) return;
    for (const [name, prop] of Object.entries(schema.properties)) {
      if (schema.required?.includes(name)) {
        if (SAYS_OPTIONAL.test(prop.description ?? ''))
          optional(schema, name, 'its description says so');
        else if (SAYS_NULL.test(prop.description ?? '')) nullable(prop, 'its description says so');
      }
      byDescription(prop);
    }
  };
  for (const schema of Object.values(schemas)) byDescription(schema);

  /** The example rules, for `value`, part of Vessel's example of `model`, at `schema`. */
  const byExample = (value, schema, model) => {
    if (schema.$ref) return byExample(value, schemas[refName(schema.$ref)], model);
    const found = jsonType(value);
    if (schema.type === 'array' && found === 'array') {
      for (const item of value) byExample(item, schema.items, model);
    } else if (schema.properties && found === 'object') {
      for (const name of schema.required ?? []) {
        if (!(name in schema.properties)) continue;
        if (!(name in value)) optional(schema, name, `Vessel's example of ${model} omits it`);
        else if (value[name] === null && !schema.properties[name].nullable)
          nullable(schema.properties[name], `Vessel's example of ${model} has null`);
      }
      for (const [name, member] of Object.entries(value)) {
        // A scalar the schema does not define (Note's `content`): optional, of the example's type.
        const type = jsonType(member);
        if (!(name in schema.properties) && SCALARS.includes(type)) {
          schema.properties[name] = { type: type === 'integer' ? 'number' : type };
          note(schema.properties[name], `Not in the schema: Vessel's example of ${model} has it.`);
        }
        if (member !== null && name in schema.properties)
          byExample(member, schema.properties[name], model);
      }
    } else if (
      schema.enum &&
      !schema.openEnum &&
      found === 'string' &&
      !schema.enum.includes(value)
    ) {
      schema.openEnum = true;
      note(schema, `Any string: Vessel's example of ${model} has ${JSON.stringify(value)}.`);
    } else if (
      SCALARS.includes(schema.type) &&
      SCALARS.includes(found) &&
      !fitsType(found, schema.type) &&
      !(schema.type === 'integer' && found === 'number') // a fraction: the check refuses it
    ) {
      schema.type = [schema.type, found === 'integer' ? 'number' : found];
      note(
        schema,
        `Of type ${schema.type.join(' or ')}: the schema says ${schema.type[0]}, ` +
          `Vessel's example of ${model} has a ${schema.type[1]}.`,
      );
    }
  };
  for (const [model, schema] of Object.entries(schemas)) {
    for (const example of vessel[model].examples ?? []) byExample(example, schema, model);
  }
  return schemas;
}

/**
 * Where `value` breaks `schema` (as {@link agreeWithVessel} gives it: the types the models give
 * it), as messages. Members the schema does not define are allowed (the models keep them).
 */
function problems(value, schema, schemas, path) {
  if (schema.$ref) return problems(value, schemas[refName(schema.$ref)], schemas, path);
  const found = jsonType(value);
  const types = [schema.type].flat();
  if (!types.some((type) => fitsType(found, type)))
    return [`${path}: expected ${types.join(' or ')}, found ${found}`];
  if (schema.enum && !schema.openEnum && !schema.enum.includes(value))
    return [`${path}: ${JSON.stringify(value)} is not in the enum`];
  if (found === 'array')
    return value.flatMap((item, i) => problems(item, schema.items, schemas, `${path}[${i}]`));
  if (found !== 'object' || !schema.properties) return [];
  const missing = (schema.required ?? [])
    .filter((key) => key in schema.properties && !(key in value))
    .map((key) => `${path}.${key}: required, missing`);
  const wrong = Object.entries(value)
    .filter(([key]) => key in schema.properties)
    .filter(
      ([key, field]) =>
        !(field === null && (!schema.required?.includes(key) || schema.properties[key].nullable)),
    )
    .flatMap(([key, field]) => problems(field, schema.properties[key], schemas, `${path}.${key}`));
  return [...missing, ...wrong];
}

/**
 * Checks that every example (Vessel's, as published, and {@link ADDED_EXAMPLES}) fits the models
 * made from `schemas`, and that every object type has one with a string id (a webhook record
 * has one); throws naming what does not fit. Returns the example of every model that has one.
 */
function checkedExamples(vessel, schemas) {
  const examples = {};
  for (const [model, added] of Object.entries(ADDED_EXAMPLES)) {
    if (vessel[model].examples?.length)
      throw new Error(`ADDED_EXAMPLES.${model}: Vessel has an example of ${model}`);
    examples[model] = [added];
  }
  for (const [model, schema] of Object.entries(vessel)) {
    if (schema.examples?.length) examples[model] = schema.examples;
  }
  const wrong = Object.entries(examples).flatMap(([model, list]) =>
    list.flatMap((example, i) =>
      problems(example, schemas[model], schemas, `${model} example ${i}`),
    ),
  );
  for (const model of OBJECT_TYPES) {
    if (typeof examples[model]?.[0]?.id !== 'string')
      wrong.push(`${model}: no example with a string id (every webhook record has one)`);
  }
  if (wrong.length)
    throw new Error(`examples that do not fit the models:\n  ${wrong.join('\n  ')}`);
  return examples;
}

/**
 * The record of every object type for the samples: its example (Vessel's as published, or
 * {@link ADDED_EXAMPLES}) with {@link SAMPLE_ADDITIONS}.
 */
function sampleRecords(examples) {
  const records = {};
  for (const model of OBJECT_TYPES) {
    const [example] = examples[model];
    const additions = SAMPLE_ADDITIONS[model] ?? {};
    const replaced = Object.keys(additions).filter((key) => key in example);
    if (replaced.length)
      throw new Error(`SAMPLE_ADDITIONS.${model}: the example has ${replaced.join(', ')}`);
    records[model] = { ...example, ...additions };
    if (typeof records[model].nativeId !== 'string')
      throw new Error(`the ${model} sample record has no nativeId (a DELETE record needs one)`);
  }
  return records;
}

/** The exact type of a sample event. */
function sampleType({ event }) {
  return event.type === 'STATUS_CHANGE'
    ? `StatusChangeEvent<'${event.data.status}'>`
    : `ObjectChangeEvent<'${event.data.objectType}', '${event.data.eventType}'>`;
}

/** What the samples hold that is not Vessel's, in words. */
const NOT_VESSELS = [
  ...Object.keys(ADDED_EXAMPLES).map(
    (model) => `the ${model} record (Vessel has no ${model} example)`,
  ),
  ...Object.entries(SAMPLE_ADDITIONS).flatMap(([model, added]) =>
    Object.entries(added).map(
      ([key, value]) =>
        `\`${key}: ${JSON.stringify(value)}\` in the ${model} record (its example has no ${key})`,
    ),
  ),
];

const SAMPLES_DOC = `/**
 * Sample Vessel events built from the examples in Vessel's CRM schemas, as published: for every
 * object type a CREATE, an UPDATE (the example record) and a DELETE (id, nativeId and
 * connectionId only), and one STATUS_CHANGE per status. Not Vessel's:
${NOT_VESSELS.map((text) => ` * - ${text}`).join('\n')}
 * Named \`<objectType>.created|updated|deleted\` (object type in lowerCamelCase, e.g.
 * \`eventAttendee.deleted\`) and \`status.<STATUS>\` as Vessel spells the status (\`status.READY\`):
 * the names the CLI and the receiver use.
 * The objects are shared (an UPDATE's record is its CREATE's): use \`sample(name)\` for a copy
 * to change.
 */`;

const SAMPLE_DOC = `/**
 * A fresh copy of the sample event called \`name\`. Throws RangeError for an unknown name.
 * Its eventId is fixed (\`sample.contact.created\`): a receiver with a store runs an event once,
 * so give each test delivery an eventId of its own.
 * @example
 * const event = { ...sample('contact.created'), eventId: crypto.randomUUID() };
 * const body = JSON.stringify(event);
 * const headers = sign(body, accessToken);
 */`;

const SAMPLE_BODY = `{
  const found = samples.find((s) => s.name === name);
  if (found === undefined) throw new RangeError(\`no sample named \${JSON.stringify(name)}\`);
  return structuredClone(found.event);
}`;

/** The receiver's known event names, the samples' (pkg/src/names.js; `VesselEventName`). */
function namesSource(samples, source) {
  return [
    `// Generated by scripts/gen-types.mjs from Vessel's CRM schemas — do not edit.\n// Source: ${source}\n`,
    `/** The event names this version knows, as \`VesselEventName\` types them: the ones \`on\` takes. */\n`,
    `export const EVENT_NAMES = new Set(${JSON.stringify(samples.map((s) => s.name))});\n`,
  ].join('');
}

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

const RUST_NUMBER = ['Number', 'serde_json::Number', 'A JSON number, as JSON.parse reads it.'];

/** The variant, its type and its doc of each JSON scalar type, for {@link RustModels#scalars}. */
const RUST_SCALARS = {
  string: ['String', 'String', 'A JSON string.'],
  integer: RUST_NUMBER,
  number: RUST_NUMBER,
  boolean: ['Bool', 'bool', 'A JSON boolean.'],
};

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
    if (Array.isArray(prop.type)) return this.scalars(prop.type, path);
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

  /**
   * The type of a field that Vessel sends as one of several JSON scalar types (its schema and
   * its examples disagree): an untagged enum, one variant per type, that keeps the value as sent.
   */
  scalars(types, path) {
    const variants = [...new Set(types.map((type) => RUST_SCALARS[type]))];
    const name = variants.map(([variant]) => variant).join('Or');
    if (this.names.has(name)) return name;
    this.claim(name, path);
    const words = types.map((type) => `a ${type}`).join(' or ');
    this.items.push(
      `/// A value Vessel sends as ${words}, kept as its kind (a string stays a string).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum ${name} {
${variants.map(([variant, type, doc]) => `    /// ${doc}\n    ${variant}(${type}),\n`).join('')}}
`,
    );
    return name;
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
      const presence = !required.has(json) ? 'optional' : prop.nullable ? 'nullable' : 'required';
      const type = presence === 'required' ? inner : `Option<${inner}>`;
      const lines = propertyDoc(json, prop);
      if (!lines.length) lines.push(`\`${json}\`.`);
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
      'Members the model does not define, as sent. Serialized back after the others, in the\n' +
      "order of serde_json's `Map` (sorted by name, unless its `preserve_order` feature is on).";
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
//!   when absent or null (Vessel marks nothing nullable, yet its examples hold nulls). Where
//!   Vessel's own documents disagree with the schema, the models follow the documents, and the
//!   field's doc says why: a field one of Vessel's examples omits, or whose description says it
//!   is optional, is an \`Option\` too; a required one whose description says it can be null is
//!   an \`Option\` that must be present; a field an example gives another JSON type takes both
//!   (an enum that keeps which kind was sent).
//! - Timestamps are ISO-8601 strings, kept as \`String\`; \`additional\` (the CRM's untransformed
//!   fields) is a JSON object.
//! - Members a model does not define are kept in its \`extra\`. Serialized back, a record holds
//!   the values it was read from, with three differences: a member the model defines that was
//!   null is left out (as is a \`None\`); members come in the model's order, then \`extra\` in the
//!   order of serde_json's \`Map\` (sorted by name, unless its \`preserve_order\` feature is on);
//!   and numbers are written as serde_json writes their Rust type (\`10000\` read into an \`f64\`
//!   comes back as \`10000.0\`, \`6e2\` read into an \`i64\` as \`600\`).
//! - Plain \`#[derive(Deserialize, Serialize)]\` structs. Duplicate members are resolved where the
//!   record is read ([\`crate::Event::record\`], \`record_as\`): the last wins, as with
//!   \`JSON.parse\`. Read straight from text with serde_json, a model refuses a duplicate of a
//!   member it defines, as derived types do.
//! - String enums have an \`Other\` variant for values Vessel may add later.
//! - A schema \`integer\` is an \`i64\`: a whole number outside its range (2⁶³ or more, which
//!   \`JSON.parse\` reads as the nearest double) is \`INVALID_EVENT\` naming its path.

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

/**
 * Vessel's example of every model that has one, as schemas/crm-schemas.json has it, for the Rust
 * tests (tests/vectors/*.json are not Prettier-formatted).
 */
function examplesJson(vessel, source) {
  const description =
    "Vessel's example of every model that has one, as schemas/crm-schemas.json has it (unmodified), for the tests. " +
    `Generated by scripts/gen-types.mjs from ${source} — do not edit.`;
  const examples = Object.fromEntries(
    Object.entries(vessel)
      .filter(([, schema]) => schema.examples?.length)
      .map(([model, schema]) => [model, schema.examples]),
  );
  return `${JSON.stringify({ description, examples }, null, 2)}\n`;
}

/** `value` as a TypeScript expression: JSON, with the strings of enum fields `as const`. */
function tsValue(value, schema, models) {
  if (schema?.$ref) return tsValue(value, models[refName(schema.$ref)], models);
  if (Array.isArray(value)) return `[${value.map((item) => tsValue(item, schema?.items, models))}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(
      ([key, member]) =>
        `${JSON.stringify(key)}: ${tsValue(member, schema?.properties?.[key], models)}`,
    );
    return `{${entries.join(', ')}}`;
  }
  return schema?.enum && typeof value === 'string'
    ? `${JSON.stringify(value)} as const`
    : JSON.stringify(value);
}

/**
 * A type test: Vessel's example of every model, as published, fits its TypeScript model. Each is
 * declared, then checked with \`satisfies\`: a value rather than a literal, as a parsed body is,
 * so members the model does not define are allowed; the strings of enum fields are \`as const\`,
 * since a declared string is of type string.
 */
function examplesTypeTest(vessel, models, source) {
  const names = Object.keys(vessel).filter((model) => vessel[model].examples?.length);
  const checks = names.flatMap((model) =>
    vessel[model].examples.map((example, i) => {
      const name = `${model[0].toLowerCase()}${model.slice(1)}${i}`;
      return `const ${name} = ${tsValue(example, models[model], models)};\n${name} satisfies ${model};\n`;
    }),
  );
  return [
    `// Generated by scripts/gen-types.mjs from Vessel's CRM schemas — do not edit.\n`,
    `// Source: ${source}\n`,
    `// Vessel's example of every model, as published, fits the model: declared, then checked, as a\n`,
    `// parsed body would be (members a model does not define are allowed; enum strings as const).\n`,
    `import type { ${names.join(', ')} } from 'vessel-webhooks';\n\n`,
    checks.join('\n'),
  ].join('');
}

function samplesJson(samples, source) {
  const description =
    "Sample events built from the examples in Vessel's CRM schemas, the same as pkg/src/samples.js. " +
    `Not Vessel's: ${NOT_VESSELS.join('; ')}. ` +
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
  const { schemas: vessel, source } = JSON.parse(text);
  const missing = OBJECT_TYPES.filter((name) => !vessel[name]);
  if (missing.length) throw new Error(`${schemaPath}: no schema for ${missing.join(', ')}`);
  const statuses = vessel.Connection?.properties?.status?.enum;
  if (!Array.isArray(statuses)) throw new Error(`${schemaPath}: no enum for Connection.status`);

  const connectionId = vessel.Connection?.examples?.[0]?.connectionId;
  if (typeof connectionId !== 'string')
    throw new Error(`${schemaPath}: no Connection example with a connectionId`);
  const schemas = agreeWithVessel(vessel);
  const records = sampleRecords(checkedExamples(vessel, schemas));
  const samples = sampleEvents(records, statuses, connectionId);
  const { esm, dts } = samplesSources(samples, { records, statuses, connectionId }, source);
  const outputs = {
    'pkg/models.d.cts': modelsSource(schemas, statuses, source),
    'pkg/src/names.js': namesSource(samples, source),
    'pkg/src/samples.js': esm,
    'pkg/samples.d.cts': dts,
    'src/models.rs': rustModelsSource(schemas, statuses, source),
    'tests/vectors/samples.json': samplesJson(samples, source),
    'tests/vectors/examples.json': examplesJson(vessel, source),
    'tests/types/examples.ts': examplesTypeTest(vessel, schemas, source),
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
    console.log(
      `generated from ${relative(process.cwd(), schemaPath)}: ${Object.keys(outputs).join(', ')}`,
    );
  }
}

await main();
