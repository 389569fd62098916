// JSON.parse's value of checked JSON text, read without JSON.parse's object keys: what the event
// is when a key of the body is written with an escape (the wasm's check tells: checked_keys).
// V8 12.8 to at least 15.0 (workerd, Chromium, Deno, Node 24 and 26) may decode such a key as
// another key that an earlier JSON.parse in the same isolate met, one equal to the escaped key's
// first characters as written (crbug.com/521080746, nodejs/node#63785): after a body with the key
// `note\`, `"note\n"` reads as `note\`, and an authentic event reached the handlers with a key its
// sender never wrote (review CQ). Here a string is decoded by JSON.parse of that string alone (no
// object, no key), a number by Number (the same conversion), and an object is made by
// Object.fromEntries, which makes own data properties as JSON.parse does (`__proto__` too; a
// repeated key keeps its place and takes the last value).

/** A number, `true`, `false` or `null`, at lastIndex (checked JSON: it ends at a delimiter). */
const SCALAR = /[-+.0-9eE]+|true|false|null/y;
/** JSON's white space, at lastIndex. */
const SPACE = /[ \t\n\r]*/y;

/** The value of `text`, one JSON document that the wasm checked (nesting at most 256 deep). */
export function readJson(text) {
  let i = 0;
  const skipSpace = () => {
    SPACE.lastIndex = i;
    SPACE.test(text);
    i = SPACE.lastIndex;
  };
  const string = () => {
    const start = i;
    let escaped = false;
    for (i++; text.charCodeAt(i) !== 0x22; i++) {
      // Past the end (charCodeAt gives NaN): text the check would not have passed. A throw, so that
      // a reader out of step with the wasm's check can never loop for ever.
      if (i >= text.length) throw new SyntaxError('readJson: an unterminated string');
      if (text.charCodeAt(i) === 0x5c) {
        escaped = true;
        i++;
      }
    }
    i++;
    return escaped ? JSON.parse(text.slice(start, i)) : text.slice(start + 1, i - 1);
  };
  const value = () => {
    skipSpace();
    const c = text.charCodeAt(i);
    if (c === 0x22) return string();
    if (c === 0x7b || c === 0x5b) {
      const object = c === 0x7b;
      const items = [];
      i++;
      skipSpace();
      if (text.charCodeAt(i) === c + 2) {
        i++;
      } else {
        do {
          if (object) {
            skipSpace();
            const key = string();
            skipSpace();
            i++; // the colon
            items.push([key, value()]);
          } else {
            items.push(value());
          }
          skipSpace();
        } while (text.charCodeAt(i++) === 0x2c);
      }
      return object ? Object.fromEntries(items) : items;
    }
    SCALAR.lastIndex = i;
    const [token] = SCALAR.exec(text);
    i = SCALAR.lastIndex;
    return token === 'true' ? true : token === 'false' ? false : token === 'null' ? null : +token;
  };
  return value();
}
