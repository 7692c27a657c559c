// fontkit ships no type declarations; we use only `create` (font objects are typed where used).
declare module 'fontkit' {
  export function create(buffer: Buffer | Uint8Array): unknown;
}
