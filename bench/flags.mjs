// Command-line flags of the bench scripts: `--name value` pairs, numbers only, each with a default.

/** Reads `--kebab-name value` flags into `{ camelName: number }`; unknown names and non-numbers throw. */
export function numberFlags(args, defaults) {
  const flags = { ...defaults };
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    const value = Number(args[i + 1]);
    if (!(name in defaults) || !Number.isFinite(value)) throw new Error(`bad flag ${args[i]} ${args[i + 1]}`);
    flags[name] = value;
  }
  return flags;
}
