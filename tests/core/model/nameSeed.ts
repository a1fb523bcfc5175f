// A seed per tensor name for random test weights. Seeding by the name's length gave wk and wv (and
// every other same-length pair) identical weights, so a key/value mix-up could not show.
export const nameSeed = (name: string, salt = 0): number => [...name].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7 + salt);
