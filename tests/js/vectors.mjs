// Reading tests/vectors/*.json in the JS tests (the Rust tests read the same files).
import { readFileSync } from 'node:fs';

/** The cases of a vector file (or its list named `list`: samples.json's `samples`). */
export const vectors = (file, list = 'cases') =>
  JSON.parse(readFileSync(new URL(`../vectors/${file}`, import.meta.url), 'utf8'))[list];

/** A case's body as bytes: `body` (UTF-8 text) or `bodyBase64`. */
export const bodyBytes = (c) =>
  c.body !== undefined ? Buffer.from(c.body) : Buffer.from(c.bodyBase64, 'base64');

/** A delivery case's options, with its clock (`toleranceSeconds: "Infinity"` is Infinity). */
export const options = (c) => {
  const o = { ...c.options, now: c.now };
  if (o.toleranceSeconds === 'Infinity') o.toleranceSeconds = Infinity;
  return o;
};

/** 'OK', or the code of the error `fn` throws; any other error (not an `ErrorClass`) rethrown. */
export const outcome = (fn, ErrorClass = Error) => {
  try {
    fn();
    return 'OK';
  } catch (error) {
    if (!(error instanceof ErrorClass) || error.code === undefined) throw error;
    return error.code;
  }
};
