// node:http as CommonJS exports, not an ESM import: see ../bundling.ts (NODE_BUILTINS_AS_COMMONJS). Not
// require('node:http'): the bundles alias that very name to this file.
module.exports = process.getBuiltinModule('node:http');
