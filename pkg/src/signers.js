// Which access token verified an event, for the receiver's store key (receiver.js): recorded by
// constructEvent and verifyRequest for calls given several tokens, and by verifyRequest for a
// resolver's (with one token given, the caller knows it). Not part of the package's exports.

/** @type {WeakMap<object, string>} event → the token that signed it */
export const signers = new WeakMap();
