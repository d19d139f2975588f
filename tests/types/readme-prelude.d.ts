// What README.md's examples use without defining it: the values a reader already has at hand. Each
// example is compiled with these in scope (tests/types/readme-blocks.mjs).
declare const iamToken: string;
declare const projectId: string;
declare const serverId: string;
/** A server that is running, so its unbind needs its private key. */
declare const runningServerId: string;
declare const privateKeyPem: string;
declare const accessKeyId: string;
declare const secretAccessKey: string;
/** Only temporary access keys have one. */
declare const securityToken: string | undefined;

/** The DevTools console recipe imports the package from the URL the emulator serves it at. */
declare module 'http://127.0.0.1:8787/pkg/index.js' {
  export * from 'kps-wasm';
}
