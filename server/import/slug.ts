/**
 * URL-safe identifiers for imported rows, in the form the seeds use
 * (`xa-muong-nha`): accent-free, lower case, hyphens.
 *
 *   slugify('Xã Mường Nhà') // 'xa-muong-nha'
 */
export function slugify(text: string, maxLength = 80): string {
  return text
    .replace(/[Đđ]/g, 'd')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/, '');
}
