import { randomUUID } from 'node:crypto';

/**
 * DICOM UIDs for studies the RIS sent without one (PS3.5 §9): under the site's registered root,
 * or in the root-free `2.25.<UUID as a decimal>` form. Either fits in 64 characters.
 */
export function generateUid(root?: string): string {
  const decimal = BigInt('0x' + randomUUID().replace(/-/g, '')).toString();
  return `${root ?? '2.25'}.${decimal}`;
}

