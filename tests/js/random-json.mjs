// Random Vessel events written in random non-canonical ways, for the tests that compare the Rust
// canonical form with V8's JSON.stringify(JSON.parse(text)) (core.test.mjs, differential.test.mjs).

/** Numbers in [0, 1) from a seed (mulberry32): the same seed gives the same documents. */
export function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SHORT_ESCAPES = { '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
/** The members constructEvent reads: random members never use these names by accident. */
const ENVELOPE = new Set([
  'eventId',
  'type',
  'data',
  'objectType',
  'eventType',
  'record',
  'id',
  'status',
]);
const NONE = new Set();

/**
 * `writer(rand, note)()` gives the text of one document: a valid event (an OBJECT_CHANGE,
 * STATUS_CHANGE or unknown type) with random members, whitespace, escapes, number spellings, keys
 * and duplicates. `note(feature)` is called for every non-canonical feature written.
 */
export function writer(rand, note = () => {}) {
  const pick = (items) => items[Math.floor(rand() * items.length)];
  const chance = (p) => rand() < p;
  const ws = () => {
    const space = pick(['', '', '', ' ', '\n  ', '\t', '\r\n', ' \n\t ']);
    if (space) note('whitespace');
    return space;
  };
  const char = () =>
    pick([
      () => String.fromCharCode(32 + Math.floor(rand() * 95)),
      () => String.fromCharCode(Math.floor(rand() * 0x20)),
      () => String.fromCharCode(0xd800 + Math.floor(rand() * 0x800)),
      () => String.fromCodePoint(0x80 + Math.floor(rand() * 0x10ff00)),
      () => pick(['"', '\\', '/', '\u2028', '\u007f', 'é', '😀']),
    ])();
  const str = () => Array.from({ length: Math.floor(rand() * 6) }, char).join('');
  const high = (unit) => unit >= 0xd800 && unit < 0xdc00;
  const low = (unit) => unit >= 0xdc00 && unit < 0xe000;
  const writeString = (s) => {
    let out = '"';
    for (let i = 0; i < s.length; i++) {
      const unit = s.charCodeAt(i);
      const pair = high(unit) && low(s.charCodeAt(i + 1));
      const surrogate = high(unit) || low(unit);
      if (pair && chance(0.5)) {
        out += s.slice(i, i + 2); // the pair, literally
        i++;
      } else if (surrogate || unit < 0x20 || chance(0.2)) {
        if (surrogate && !pair && !(low(unit) && high(s.charCodeAt(i - 1)))) {
          note('lone surrogate');
        }
        if (SHORT_ESCAPES[s[i]] && chance(0.5)) {
          out += SHORT_ESCAPES[s[i]];
        } else {
          const hex = unit.toString(16).padStart(4, '0');
          out += `\\u${chance(0.5) ? hex : hex.toUpperCase()}`;
          note('\\u escape');
        }
      } else if (s[i] === '"' || s[i] === '\\') out += `\\${s[i]}`;
      else if (s[i] === '/' && chance(0.5)) {
        out += '\\/';
        note('\\/');
      } else out += s[i];
    }
    return `${out}"`;
  };

  const bits = new BigUint64Array(1);
  /** The exact decimal halfway between a random double and the next one up (ties to even). */
  const halfway = () => {
    bits[0] =
      (BigInt(Math.floor(rand() * 0x7ff00000)) << 32n) | BigInt(Math.floor(rand() * 2 ** 32));
    const exponent = Number(bits[0] >> 52n);
    const fraction = bits[0] & ((1n << 52n) - 1n);
    const mantissa = exponent ? fraction | (1n << 52n) : fraction;
    const power = (exponent ? exponent - 1075 : -1074) - 1;
    const odd = 2n * mantissa + 1n; // halfway = odd × 2^power
    return power >= 0 ? String(odd << BigInt(power)) : `${odd * 5n ** BigInt(-power)}e-${-power}`;
  };
  const digits = (n) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join('');
  const spellings = {
    integer: () => String(Math.floor(rand() * 1000) - 500),
    'JS shortest form': () => String(rand() * 10 ** Math.floor(rand() * 40 - 20)),
    '1.0': () => `${Math.floor(rand() * 1000)}.${'0'.repeat(1 + Math.floor(rand() * 3))}`,
    '1E+2': () =>
      `${1 + Math.floor(rand() * 9)}${pick(['e', 'E'])}${pick(['', '+', '-'])}${pick(['', '0'])}${Math.floor(rand() * 30)}`,
    '-0': () => pick(['-0', '-0.0', '-0e5', '0e0', '-0E-0', '0.000']),
    '1e400': () => pick(['1e400', '-1e400', '1.7976931348623159e308', '1e-400', '-1e-400']),
    '5e-324': () =>
      pick([
        '5e-324',
        '4.9e-324',
        '2.4703282292062328e-324',
        '2.4703282292062327e-324',
        '2.2250738585072011e-308',
        '1.7976931348623157e308',
      ]),
    '12345678901234567890': () =>
      pick([
        '12345678901234567890',
        '9007199254740993',
        '-9007199254740993',
        '123456789012345678901234567890',
        '100000000000000000000',
        '1000000000000000000000',
      ]),
    'halfway between two doubles': () => `${pick(['', '-'])}${halfway()}`,
    'random digits': () => {
      const int = chance(0.3)
        ? '0'
        : `${1 + Math.floor(rand() * 9)}${digits(Math.floor(rand() * 25))}`;
      const frac = chance(0.5) ? `.${digits(1 + Math.floor(rand() * 25))}` : '';
      const exp = chance(0.5) ? `e${pick(['', '+', '-'])}${Math.floor(rand() * 400)}` : '';
      return `${pick(['', '-'])}${int}${frac}${exp}`;
    },
  };
  const number = () => {
    const name = pick(Object.keys(spellings));
    note(name);
    return spellings[name]();
  };

  const key = () =>
    pick([
      str,
      () => {
        note('integer-like key');
        return String(Math.floor(rand() * (chance(0.5) ? 20 : 2 ** 32)));
      },
      () => {
        const name = pick(['__proto__', '01', '-1', '1.5', '4294967295', '4294967296', 'a']);
        if (name === '__proto__') note('__proto__');
        return name;
      },
    ])();
  const object = (members) =>
    `{${ws()}${members.map(([k, v], i) => `${i ? `${ws()},${ws()}` : ''}${writeString(k)}${ws()}:${ws()}${v}`).join('')}${ws()}}`;
  /** Up to `n` random members, some repeating an earlier key; none named in `reserved`. */
  const members = (n, depth, reserved) => {
    const out = [];
    for (let i = 0; i < n; i++) {
      const repeat = out.length > 0 && chance(0.15);
      const k = repeat ? pick(out)[0] : key();
      if (reserved.has(k)) continue;
      if (repeat) note('duplicate key');
      out.push([k, value(depth + 1)]);
    }
    return out;
  };
  const value = (depth) => {
    const kind = Math.floor(rand() * (depth > 3 ? 4 : 6));
    if (kind === 0) return pick(['true', 'false', 'null']);
    if (kind === 1) return number();
    if (kind === 2 || kind === 3) return writeString(str());
    const n = Math.floor(rand() * 5);
    if (kind === 4) {
      const items = Array.from(
        { length: n },
        (_, i) => `${i ? `${ws()},${ws()}` : ''}${value(depth + 1)}`,
      );
      return `[${ws()}${items.join('')}${ws()}]`;
    }
    return object(members(n, depth, NONE));
  };

  /** The members of an event object: the required ones (some after an earlier duplicate of another
   * value: the last one counts) and random others, in random order. */
  const envelope = (required, depth) => {
    const groups = required.map(([k, v]) => {
      if (!chance(0.1)) return [[k, v]];
      note('duplicate key');
      return [
        [k, value(depth + 1)],
        [k, v],
      ];
    });
    for (const member of members(Math.floor(rand() * 4), depth, ENVELOPE)) groups.push([member]);
    for (let i = groups.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [groups[i], groups[j]] = [groups[j], groups[i]];
    }
    return object(groups.flat());
  };
  const data = (type) => {
    if (type === 'OBJECT_CHANGE') {
      return envelope(
        [
          ['objectType', writeString(pick(['Contact', 'Deal', str()]))],
          ['eventType', writeString(pick(['CREATE', 'UPDATE', 'DELETE', str()]))],
          ['record', envelope([['id', writeString(str())]], 3)],
        ],
        2,
      );
    }
    if (type === 'STATUS_CHANGE')
      return envelope([['status', writeString(pick(['READY', str()]))]], 2);
    return envelope([], 2);
  };
  return () => {
    const type = pick(['OBJECT_CHANGE', 'STATUS_CHANGE', str()]);
    const event = envelope(
      [
        ['eventId', writeString(str() || 'e')],
        ['type', writeString(type)],
        ['data', data(type)],
      ],
      1,
    );
    return `${ws()}${event}${ws()}`;
  };
}
