// Entry for Node.js `require()`: the ESM entry, loaded with require(esm) (Node >= 20.19), so that `import`
// and `require` in one process share a single module instance.
module.exports = require('./node.mjs');
