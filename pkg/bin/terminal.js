// What the command prints comes partly from others: access tokens, URLs, event names, a
// receiver's answer, network errors. A control character in any of them (ESC starts terminal
// sequences that recolour, move the cursor, retitle the window or fake other lines) is printed
// as an escape instead, so output is always plain text, one line per line.

/**
 * C0 controls (newline and tab included), DEL, C1 controls, the line and paragraph separators,
 * and the bidirectional overrides and isolates (which reorder what is shown).
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const escape = (c) => {
  const code = c.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** `text` with every control character written as `\xHH` or `\uHHHH`. */
export const printable = (text) => String(text).replace(CONTROL, escape);

/** console.log of one line, escaped. */
export const printLine = (line) => console.log(printable(line));

/** console.error of one line, escaped. */
export const printError = (line) => console.error(printable(line));
