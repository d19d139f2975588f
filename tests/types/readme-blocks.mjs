// Compiles every JavaScript and TypeScript example of README.md with `tsc --strict` against the built
// package, so that the examples cannot drift from the declarations. Run by the TypeScript suite of
// `cargo xtask test`; after `cargo xtask build`, `node tests/types/readme-blocks.mjs` runs it alone.
//
// - A ```js block is checked as TypeScript (blockN.mts: what a TypeScript user pastes) and as JavaScript
//   (blockN.mjs with checkJs: it must stay JavaScript). One that calls require() and imports nothing is
//   CommonJS, checked as JavaScript only (blockN.cjs: TypeScript's require() needs @types/node).
// - A ```ts block is checked as TypeScript.
// - Other fences (sh, nginx, html, none) hold nothing TypeScript can check.
// - A block opts out only with `<!-- not type-checked: why -->` on the line before its fence.
// The values the examples take as given (iamToken, projectId…) are declared in readme-prelude.d.ts.
// Errors are reported at their README.md line.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const OUT = join(REPO, 'target/readme-blocks');
const OPT_OUT = /^<!--\s*not type-checked:\s*(\S.*?)\s*-->$/;

/** Every fenced block of `markdown`: its language, the README line of its first code line, its code and its opt-out reason. */
export function fencedBlocks(markdown) {
  const lines = markdown.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})\s*([\w-]*)/.exec(lines[i]);
    if (!open) continue;
    const close = lines.findIndex((line, j) => j > i && line.trim() === open[1]);
    if (close < 0) throw new Error(`README.md:${i + 1}: a code fence that is never closed`);
    const before = i > 0 ? lines[i - 1].trim() : '';
    const optOut = OPT_OUT.exec(before);
    if (!optOut && /^<!--\s*not type-checked/.test(before)) {
      throw new Error(`README.md:${i}: an opt-out marker must say why: <!-- not type-checked: reason -->`);
    }
    blocks.push({
      language: open[2].toLowerCase(),
      firstLine: i + 2,
      code: lines.slice(i + 1, close).join('\n') + '\n',
      optOut: optOut ? optOut[1] : undefined,
    });
    i = close;
  }
  return blocks;
}

/** The files a block is compiled as (extension → code), or the reason it is not. */
export function compiledForms(block) {
  if (block.optOut) return { skipped: block.optOut };
  if (block.language === 'ts' || block.language === 'typescript') return { forms: ['mts'] };
  if (block.language === 'js' || block.language === 'javascript') {
    const commonJs = /\brequire\(/.test(block.code) && !/^\s*(import|export)\b/m.test(block.code);
    return { forms: commonJs ? ['cjs'] : ['mts', 'mjs'] };
  }
  return { skipped: block.language ? `${block.language} is not JavaScript or TypeScript` : 'no language given' };
}

function main() {
  const blocks = fencedBlocks(readFileSync(join(REPO, 'README.md'), 'utf8'));
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const files = new Map();
  const skipped = [];
  blocks.forEach((block, index) => {
    const { forms, skipped: why } = compiledForms(block);
    if (why) return skipped.push(`README.md:${block.firstLine - 1}: ${why}`);
    for (const extension of forms) {
      const name = `block${index + 1}.${extension}`;
      writeFileSync(join(OUT, name), block.code);
      files.set(name, block);
    }
  });
  if (files.size === 0) throw new Error('README.md: no ```js or ```ts block found: the extraction is broken');
  const compilerOptions = {
    strict: true,
    noEmit: true,
    allowJs: true,
    checkJs: true,
    // Only Vite's declarations need it (they import node:http, and @types/node is not installed); the
    // package's own declarations are checked without it by tests/types/tsconfig.json.
    skipLibCheck: true,
    target: 'es2022',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    moduleDetection: 'force',
    lib: ['es2022', 'dom'],
    types: [],
  };
  const prelude = relative(OUT, join(REPO, 'tests/types/readme-prelude.d.ts'));
  writeFileSync(join(OUT, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: [prelude, ...files.keys()] }, null, 2));

  let output = '';
  let failed = false;
  try {
    execFileSync(join(REPO, 'node_modules/.bin/tsc'), ['--project', join(OUT, 'tsconfig.json'), '--pretty', 'false'], {
      cwd: OUT,
      encoding: 'utf8',
    });
  } catch (error) {
    failed = true;
    output = `${error.stdout ?? ''}${error.stderr ?? ''}`;
  }
  // blockN.ext(line,col): message → README.md(line,col) [as TypeScript|JavaScript]: message
  const mapped = output.replace(/^(block\d+\.(\w+))\((\d+),(\d+)\)/gm, (_, name, extension, line, column) => {
    const block = files.get(name);
    const as = extension === 'mts' ? 'as TypeScript' : `as JavaScript, ${target(extension)}`;
    return `README.md(${block.firstLine + Number(line) - 1},${column}) [${as}, ${relative(REPO, join(OUT, name))}]`;
  });
  const checked = [...new Set(files.values())].map((block) => block.firstLine - 1);
  console.log(`README.md: ${checked.length} examples compiled with tsc --strict (fences at lines ${checked.join(', ')})`);
  for (const line of skipped) console.log(`  not checked: ${line}`);
  if (failed) {
    console.error(mapped.trimEnd());
    process.exit(1);
  }
}

function target(extension) {
  return extension === 'cjs' ? 'CommonJS' : 'ES module';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
