// Which README blocks readme-blocks.mjs compiles, and as what.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compiledForms, fencedBlocks } from './readme-blocks.mjs';

const fence = '```';

test('a js block is compiled as TypeScript and as JavaScript, at its README line', () => {
  const [block] = fencedBlocks(`# Title\n\n${fence}js\nimport { version } from 'kps-wasm';\nversion();\n${fence}\n`);
  assert.equal(block.firstLine, 4);
  assert.equal(block.code, "import { version } from 'kps-wasm';\nversion();\n");
  assert.deepEqual(compiledForms(block), { forms: ['mts', 'mjs'] });
});

test('a js block that only requires is compiled as CommonJS JavaScript', () => {
  const [block] = fencedBlocks(`${fence}js\nconst { version } = require('kps-wasm');\n${fence}\n`);
  assert.deepEqual(compiledForms(block), { forms: ['cjs'] });
});

test('a ts block is compiled as TypeScript', () => {
  const [block] = fencedBlocks(`${fence}ts\nconst n: number = 1;\n${fence}\n`);
  assert.deepEqual(compiledForms(block), { forms: ['mts'] });
});

test('shell, nginx, html and unlabelled blocks are not compiled', () => {
  const blocks = fencedBlocks(['sh', 'nginx', 'html', ''].map((language) => `${fence}${language}\nx\n${fence}\n`).join('\n'));
  assert.deepEqual(
    blocks.map((block) => compiledForms(block).skipped),
    ['sh is not JavaScript or TypeScript', 'nginx is not JavaScript or TypeScript', 'html is not JavaScript or TypeScript', 'no language given'],
  );
});

test('a js block opts out only with a marker that says why', () => {
  const [block] = fencedBlocks(`<!-- not type-checked: a fragment of a larger file -->\n${fence}js\n} }\n${fence}\n`);
  assert.deepEqual(compiledForms(block), { skipped: 'a fragment of a larger file' });
  assert.throws(() => fencedBlocks(`<!-- not type-checked -->\n${fence}js\n} }\n${fence}\n`), /must say why/);
});

test('a fence that is never closed is an error, not a silently shorter README', () => {
  assert.throws(() => fencedBlocks(`${fence}js\nversion();\n`), /README\.md:1: a code fence that is never closed/);
});
