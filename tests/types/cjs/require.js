// The README's CommonJS form, checked as JavaScript (checkJs): require() gets the CommonJS declarations.
const { version, isKpsError, validateOptions } = require('kps-wasm');

const problem = validateOptions('disassociateKeypair', {});
if (isKpsError(problem)) console.log(problem.field.length, version());
// @ts-expect-error version takes no argument
version(1);
