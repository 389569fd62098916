// The playground. It uses only the package's public API (resolved by the import map in
// index.html) and builds the page from DOM nodes and textContent, so pasted text never becomes
// markup. Explanations come from asking the same API about variants of the delivery.
import { constructEvent, parse, sign, verify, VesselWebhookError } from 'vessel-webhooks';
import { sample, samples } from 'vessel-webhooks/samples';

/** A made-up token for the samples, filled in when the token field is empty. */
const DEMO_TOKEN = 'tok_demo_5f2c0a9e';

const $ = (id) => document.getElementById(id);

function el(tag, props, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  // One at a time: spreading many children into append() overflows the call stack.
  for (const child of children) node.append(child);
  return node;
}

/**
 * JSON `text` (a value as JSON.stringify writes it) with its format characters (bidi controls,
 * zero-width ones: Unicode's Cf), every other character that renders as nothing (variation
 * selectors, Hangul fillers: Default_Ignorable_Code_Point), control characters, lone surrogates
 * and line separators written as \uXXXX escapes (a pair for one above U+FFFF), so a value from
 * the body cannot hide, look like another or reorder how the text around it reads (reviews BS and
 * BW: `evt_42` followed by U+200B, U+034F or U+FE0F looked like `evt_42`).
 */
const visible = (text) =>
  text.replace(/[\p{Cf}\p{Cc}\p{Cs}\p{Default_Ignorable_Code_Point}\u2028\u2029]/gu, (c) =>
    Array.from(
      { length: c.length },
      (_, i) => `\\u${c.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0')}`,
    ).join(''),
  );

/** Text as it is (a key, the eventId, a type), shown as `visible` shows JSON: `\` as `\\`. */
const shown = (text) => visible(text.replaceAll('\\', '\\\\'));

const list = (items) =>
  el('ul', { className: 'reasons' }, ...items.map((text) => el('li', { textContent: text })));

function tokenOrDemo(input) {
  if (input.value === '') input.value = DEMO_TOKEN;
  return input.value;
}

// --- reading a delivery -------------------------------------------------------------------

function readDelivery() {
  return {
    body: $('verify-body').value,
    headers: {
      'x-vessel-timestamp': $('verify-timestamp').value,
      'x-vessel-signature': $('verify-signature').value,
    },
    token: $('verify-token').value,
  };
}

/**
 * A header value as the package reads it: without HTTP's padding, the spaces and tabs at either
 * end, and nothing else (String#trim also removes other white space, such as a no-break space).
 */
function unpadded(value) {
  let start = 0;
  let end = value.length;
  while (start < end && (value[start] === ' ' || value[start] === '\t')) start++;
  while (end > start && (value[end - 1] === ' ' || value[end - 1] === '\t')) end--;
  return value.slice(start, end);
}

/** Why a header with white space that is not padding fails, when it has some. */
function oddSpace(value, what) {
  const header = unpadded(value);
  return header.trim() === header
    ? []
    : [
        `The ${what} has white space around it that is not a space or a tab (such as a no-break space): HTTP does not take it as padding.`,
      ];
}

const withHeader = (delivery, name, value) => ({
  ...delivery,
  headers: { ...delivery.headers, [name]: value },
});

const verifies = ({ body, headers, token }, options) => verify(body, headers, token, options);

/** The signature the delivery's token gives `text` with the delivery's timestamp. */
const signatureOf = (text, { headers, token }) =>
  sign(text, token, { timestamp: unpadded(headers['x-vessel-timestamp']) })['x-vessel-signature'];

const sentSignature = ({ headers }) => unpadded(headers['x-vessel-signature']).toLowerCase();

/** How old the timestamp is, read as the package reads it (10¹¹ and more: milliseconds). */
function age(timestamp) {
  const value = Number(unpadded(timestamp));
  const milliseconds = value >= 1e11;
  return { milliseconds, seconds: Date.now() / 1000 - (milliseconds ? value / 1000 : value) };
}

function duration(seconds) {
  const units = [
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
    ['second', 1],
  ];
  const [unit, size] = units.find(([, size]) => Math.abs(seconds) >= size) ?? units[3];
  const n = Math.round(Math.abs(seconds) / size);
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

const when = ({ seconds }) =>
  seconds >= 0 ? `${duration(seconds)} old` : `${duration(seconds)} in the future`;

// --- why a delivery fails -----------------------------------------------------------------

function timestampProblem({ headers }) {
  const timestamp = unpadded(headers['x-vessel-timestamp']);
  if (/^[0-9]+\.[0-9]*$/.test(timestamp)) {
    return 'The timestamp has a fractional part: Vessel sends whole unix time, digits only.';
  }
  if (/^[0-9]{17,}$/.test(timestamp)) return 'The timestamp has more than 16 digits.';
  if (!Number.isNaN(Date.parse(timestamp))) {
    return `The timestamp looks like a date: the header carries unix time in digits, such as ${Math.floor(Date.now() / 1000)}.`;
  }
  return 'The timestamp must be unix time in digits only (seconds, or milliseconds).';
}

function signatureProblems(delivery) {
  const signature = unpadded(delivery.headers['x-vessel-signature']);
  if (/^sha256=/i.test(signature)) {
    const bare = withHeader(delivery, 'x-vessel-signature', signature.slice('sha256='.length));
    return [
      'The signature has a sha256= prefix (the style of other providers): Vessel sends only the 64 hex digits.',
      verifies(bare)
        ? 'Without the prefix, it verifies.'
        : 'Without the prefix, it still does not match.',
    ];
  }
  const notHex = /[^0-9a-f]/i.test(signature) ? ', and some are not hex digits' : '';
  return [
    `The signature has ${signature.length} characters${notHex}: a SHA-256 signature is exactly 64 hex digits (0–9, a–f).`,
  ];
}

function staleness(delivery) {
  const timestamp = age(delivery.headers['x-vessel-timestamp']);
  const unit = timestamp.milliseconds ? 'looks like milliseconds,' : 'is';
  return [
    `The timestamp ${unit} ${when(timestamp)}: deliveries are accepted up to 5 minutes either way.`,
    verifies(delivery, { toleranceSeconds: Infinity })
      ? 'The signature itself is valid: only the age fails. A replayed delivery, a retry held back for long, or a clock that is off looks like this.'
      : 'The signature does not match either: with a fresh timestamp this would still be SIGNATURE_MISMATCH.',
  ];
}

function mismatch(delivery) {
  const signature = sentSignature(delivery);
  if (signatureOf(JSON.stringify(delivery.body), delivery) === signature) {
    return [
      'The signature is over the body as a JSON string (in quotes, escaped): the sender called JSON.stringify on text that was already JSON.',
    ];
  }
  const trimmed = delivery.token.trim();
  if (trimmed !== delivery.token && trimmed !== '' && verifies({ ...delivery, token: trimmed })) {
    return ['The access token has spaces around it: trimmed, it verifies.'];
  }
  // A text area gives pasted CRLF line breaks as LF (review CK): the body as received may have
  // had CRLF. Vessel's own bodies have no line breaks.
  const crlf = delivery.body.replace(/\n/g, '\r\n');
  if (crlf !== delivery.body && verifies({ ...delivery, body: crlf })) {
    return [
      'With CRLF line breaks (\\r\\n), as it was most likely sent, the body verifies: the browser turned them into LF when it was pasted. A receiver given the bytes as sent accepts this delivery.',
    ];
  }
  return [
    'This access token did not sign this body with this timestamp — neither the text as pasted nor its compact JSON form.',
    'Something changed after signing (one character of the body or the timestamp is enough: a forged or tampered event looks exactly like this), or this is not the token of the connection that sent it.',
  ];
}

const explain = {
  BODY_TOO_LARGE: () => [
    'The body is larger than the 4 MiB limit, so it was refused before any hashing.',
  ],
  MISSING_HEADER: ({ headers }) =>
    Object.entries(headers)
      .filter(([, value]) => unpadded(value) === '')
      .map(([name]) => `The ${name} header is empty: paste its value from the request.`),
  INVALID_TIMESTAMP: (delivery) => [
    ...oddSpace(delivery.headers['x-vessel-timestamp'], 'timestamp'),
    timestampProblem(delivery),
  ],
  MALFORMED_SIGNATURE: (delivery) => [
    ...oddSpace(delivery.headers['x-vessel-signature'], 'signature'),
    ...signatureProblems(delivery),
  ],
  TIMESTAMP_OUT_OF_TOLERANCE: staleness,
  SIGNATURE_MISMATCH: mismatch,
  INVALID_JSON: () => [
    'The signature is valid, but the body is not one strict JSON object, so it cannot be an event.',
  ],
  INVALID_EVENT: () => [
    'The signature is valid and the body is JSON, but not in the shape of a Vessel event: the message names the first wrong field.',
  ],
};

// --- what a valid delivery tells -----------------------------------------------------------

function notes(delivery) {
  const timestamp = age(delivery.headers['x-vessel-timestamp']);
  const result = [
    `Signed by this access token; the timestamp is ${when(timestamp)}${timestamp.milliseconds ? ' (in milliseconds)' : ''}.`,
    signatureOf(delivery.body, delivery) === sentSignature(delivery)
      ? 'The signature matches the body exactly as pasted.'
      : 'The body was re-serialised after signing: the signature matches its compact JSON form, not the text as pasted (pretty-printed, re-escaped or reordered on the way). This package checks that form too; code that hashes the raw text would reject it.',
  ];
  try {
    parse(delivery.body, { strict: true });
  } catch (error) {
    result.push(
      `Accepted, but not known to this version (strict mode rejects it): ${error.message}`,
    );
  }
  return result;
}

// --- showing an event ---------------------------------------------------------------------

/** The most entries an event's tree draws in all: a huge array would take long to draw. */
const TREE_ENTRIES = 2000;

/** `value`'s entries as a list, nested ones within, until `budget.left` entries are drawn. */
function tree(value, budget = { left: TREE_ENTRIES }) {
  const keys = Object.keys(value);
  const node = el('ul', { className: 'tree' });
  for (const [index, key] of keys.entries()) {
    if (budget.left === 0) {
      node.append(el('li', { className: 'more', textContent: `… ${keys.length - index} more` }));
      break;
    }
    budget.left -= 1;
    node.append(entry(key, value[key], budget));
  }
  return node;
}

function entry(key, item, budget) {
  const name = el('span', { className: 'key', textContent: shown(key) });
  if (item !== null && typeof item === 'object' && Object.keys(item).length > 0) {
    const size = Array.isArray(item) ? `[${item.length}]` : `{${Object.keys(item).length}}`;
    const summary = el(
      'summary',
      {},
      name,
      ' ',
      el('span', { className: 'size', textContent: size }),
    );
    return el('li', {}, el('details', { open: true }, summary, tree(item, budget)));
  }
  const kind = item === null ? 'null' : typeof item;
  return el(
    'li',
    {},
    name,
    ': ',
    el('span', { className: `value ${kind}`, textContent: visible(JSON.stringify(item)) }),
  );
}

function eventView(event) {
  const { type, data } = event;
  // A kind this version does not know has its type alone (review BS: it has no status to show).
  const values =
    type === 'OBJECT_CHANGE'
      ? [type, data.objectType, data.eventType]
      : type === 'STATUS_CHANGE'
        ? [type, data.status]
        : [type];
  const badges = values.map((value) => {
    const badge = el('span', { className: 'badge', textContent: shown(String(value)) });
    badge.dataset.value = value;
    return badge;
  });
  return el(
    'div',
    { className: 'event' },
    el('p', { className: 'badges' }, ...badges, el('code', { textContent: shown(event.eventId) })),
    tree(event),
  );
}

// --- Verify -------------------------------------------------------------------------------

function verdict(delivery) {
  if (delivery.token === '') {
    return [
      'problem',
      el('p', {
        className: 'verdict',
        textContent: 'Enter the access token of the connection that sent this delivery.',
      }),
    ];
  }
  try {
    const event = constructEvent(delivery.body, delivery.headers, delivery.token);
    return [
      'pass',
      el('p', { className: 'verdict', textContent: '✓ Verified: an authentic Vessel event' }),
      list(notes(delivery)),
      eventView(event),
    ];
  } catch (error) {
    if (!(error instanceof VesselWebhookError)) throw error;
    const nodes = [
      el(
        'p',
        { className: 'verdict' },
        '✗ Rejected: ',
        el('code', { textContent: error.code }),
        el('span', { className: 'status', textContent: ` (answer ${error.status})` }),
      ),
      el('p', { className: 'message' }, el('code', { textContent: error.message })),
      list(explain[error.code](delivery)),
    ];
    try {
      nodes.push(
        el('h3', { textContent: 'Its content, not authenticated' }),
        eventView(parse(delivery.body)),
      );
    } catch {
      // Not an event: there is nothing more to show.
    }
    return ['fail', ...nodes];
  }
}

/**
 * Shows in `result` what `build` returns. The last result goes first, so a failure cannot leave
 * it standing as if it were the answer; an error this page did not expect is shown by its name
 * only (its message may quote the body).
 */
function show(result, build) {
  result.className = 'result';
  result.replaceChildren();
  let kind;
  let nodes;
  try {
    [kind, ...nodes] = build();
  } catch (error) {
    console.error(error);
    kind = 'problem';
    nodes = [
      el('p', {
        className: 'verdict',
        textContent: `The playground failed on this input (${error.name}): this is no verdict on the delivery.`,
      }),
    ];
  }
  result.className = `result ${kind}`;
  result.replaceChildren(...nodes);
}

$('verify-sample').addEventListener('change', (e) => {
  if (e.target.value === '') return;
  const body = JSON.stringify(sample(e.target.value));
  const headers = sign(body, tokenOrDemo($('verify-token')));
  $('verify-body').value = body;
  $('verify-timestamp').value = headers['x-vessel-timestamp'];
  $('verify-signature').value = headers['x-vessel-signature'];
  $('verify-result').replaceChildren();
});

$('verify').addEventListener('submit', (e) => {
  e.preventDefault();
  show($('verify-result'), () => verdict(readDelivery()));
});

// --- Sign ---------------------------------------------------------------------------------

/** `text`'s JSON.stringify form when it is JSON and that differs from it, else undefined. */
function compact(text) {
  try {
    const form = JSON.stringify(JSON.parse(text));
    return form === text ? undefined : form;
  } catch {
    return undefined;
  }
}

/** One word for a POSIX shell: single-quoted, each ' written as '\''. */
const quote = (text) => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * The body goes through printf (a shell builtin) to curl's stdin, exactly as it is: as one of
 * curl's arguments, a body over 128 KiB is an "Argument list too long".
 */
function curl(url, headers, body) {
  const lines = [
    `printf '%s' ${quote(body)} | curl ${quote(url)}`,
    `-H ${quote('content-type: application/json')}`,
    ...Object.entries(headers).map(([name, value]) => `-H ${quote(`${name}: ${value}`)}`),
    '--data-binary @-',
  ];
  return lines.join(' \\\n  ');
}

function signed() {
  const pasted = $('sign-body').value;
  // Vessel sends JSON.stringify of its body: a body pasted pretty-printed, or with a newline at its
  // end, is signed and sent compact, as Vessel would (review BS: signed as pasted, a receiver
  // that hashes JSON.stringify of what it parsed, as Vessel's docs show, rejected it).
  const body = compact(pasted) ?? pasted;
  const token = $('sign-token').value;
  const options = {};
  if ($('sign-timestamp').value.trim() !== '') options.timestamp = $('sign-timestamp').value.trim();
  if ($('sign-connection').value.trim() !== '') {
    options.connectionId = $('sign-connection').value.trim();
  }
  let headers;
  try {
    headers = sign(body, token, options);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return [
      'problem',
      el('p', { className: 'verdict', textContent: `Cannot sign: ${error.message}` }),
    ];
  }
  const command = curl($('sign-url').value, headers, body);
  const copy = el('button', { type: 'button', textContent: 'Copy the curl command' });
  copy.addEventListener('click', () =>
    navigator.clipboard.writeText(command).then(
      () => (copy.textContent = 'Copied'),
      () => (copy.textContent = 'Cannot copy here: select the text'),
    ),
  );
  const toVerify = el('button', { type: 'button', textContent: 'Copy to Verify' });
  toVerify.addEventListener('click', () => {
    $('verify-body').value = body;
    $('verify-timestamp').value = headers['x-vessel-timestamp'];
    $('verify-signature').value = headers['x-vessel-signature'];
    $('verify-token').value = token;
    $('verify-sample').value = '';
    $('verify-result').replaceChildren();
    $('verify-body').focus();
  });
  const nodes = [
    el('p', { className: 'verdict', textContent: 'Signed: the headers Vessel would send' }),
    ...(body === pasted
      ? []
      : [
          list([
            'The body as pasted is not JSON.stringify of itself (its spacing, escapes, key order or number spelling differ): these headers and the curl command are for its JSON.stringify form, which is what Vessel sends (and what Copy to Verify copies).',
          ]),
        ]),
    el('pre', {
      ariaLabel: 'Headers',
      textContent: Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}`)
        .join('\n'),
    }),
    el('h3', { textContent: 'Replay it with curl' }),
    el('pre', { ariaLabel: 'curl command', textContent: command }),
    el('p', { className: 'actions' }, copy, toVerify),
  ];
  try {
    parse(body);
  } catch (error) {
    if (!(error instanceof VesselWebhookError)) throw error;
    nodes.splice(
      1,
      0,
      list([
        `This body is not a Vessel event, so a receiver rejects it after the signature check: ${error.code} — ${error.message}`,
      ]),
    );
  }
  return ['pass', ...nodes];
}

$('sign-sample').addEventListener('change', (e) => {
  if (e.target.value === '') return;
  $('sign-body').value = JSON.stringify(sample(e.target.value));
  tokenOrDemo($('sign-token'));
  $('sign-result').replaceChildren();
});

$('sign').addEventListener('submit', (e) => {
  e.preventDefault();
  show($('sign-result'), signed);
});

// --- set up -------------------------------------------------------------------------------

for (const select of document.querySelectorAll('select.samples')) {
  const groups = new Map();
  for (const { name, event } of samples) {
    const label = event.type === 'OBJECT_CHANGE' ? event.data.objectType : 'Status changes';
    if (!groups.has(label)) groups.set(label, el('optgroup', { label }));
    groups.get(label).append(el('option', { value: name, textContent: name }));
  }
  select.append(...groups.values());
}

// The sample list shows a sample only while the body is that sample.
for (const form of document.forms) {
  $(`${form.id}-body`).addEventListener('input', () => ($(`${form.id}-sample`).value = ''));
}

for (const box of document.querySelectorAll('input.reveal')) {
  box.addEventListener('change', () => {
    $(`${box.form.id}-token`).type = box.checked ? 'text' : 'password';
  });
}

for (const button of document.querySelectorAll('button[type="submit"]')) button.disabled = false;
$('loading').remove();
