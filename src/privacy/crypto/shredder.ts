// The shredder: a puncturable pseudo-random function (a GGM tree, Goldreich-Goldwasser-Micali)
// that gives every subject a secret from its leaf number, and can forget one leaf for good.
//
// The keyring starts with one root node. A leaf's secret is derived by walking down the tree, one
// HMAC per level, from the nearest node the keyring still holds. Erasing a subject "punctures" its
// leaf: the node above it is replaced by the siblings of the path down to the leaf, and the path
// itself is forgotten. Every other leaf stays derivable; this one cannot be derived from anything
// the keyring keeps, so a data key wrapped under it, in the live database or in any old backup,
// can never be unwrapped again. The keyring grows by at most DEPTH nodes per erasure, never with
// the number of subjects, and changes only on erasure.
import { createHmac, randomBytes } from 'node:crypto';

export const SHRED_DEPTH = 48;
const LEAVES = 2 ** SHRED_DEPTH;

export type ShredNodes = Map<string, Buffer>;

const nodeKey = (depth: number, prefix: number) => `${depth}:${prefix}`;
const prefixOf = (leaf: number, depth: number) => Math.floor(leaf / 2 ** (SHRED_DEPTH - depth));
const child = (key: Buffer, bit: number) =>
  createHmac('sha256', key)
    .update(bit ? 'custodian/shred/R' : 'custodian/shred/L')
    .digest();

export function newShredder(): ShredNodes {
  return new Map([[nodeKey(0, 0), randomBytes(32)]]);
}

export function randomLeaf(): number {
  return randomBytes(6).readUIntBE(0, 6);
}

function checkLeaf(leaf: number): void {
  if (!Number.isSafeInteger(leaf) || leaf < 0 || leaf >= LEAVES) throw new Error('leaf out of range');
}

function ancestor(nodes: ShredNodes, leaf: number): { depth: number; key: Buffer } | null {
  for (let depth = 0; depth <= SHRED_DEPTH; depth++) {
    const key = nodes.get(nodeKey(depth, prefixOf(leaf, depth)));
    if (key) return { depth, key };
  }
  return null;
}

/** The leaf's secret, or null when the leaf was punctured. */
export function leafSecret(nodes: ShredNodes, leaf: number): Buffer | null {
  checkLeaf(leaf);
  const found = ancestor(nodes, leaf);
  if (!found) return null;
  let key = found.key;
  for (let depth = found.depth; depth < SHRED_DEPTH; depth++) key = child(key, prefixOf(leaf, depth + 1) % 2);
  return key;
}

/** Whether the leaf was punctured: no node the shredder keeps lies on its path (no HMAC needed). */
export function isPunctured(nodes: ShredNodes, leaf: number): boolean {
  checkLeaf(leaf);
  return ancestor(nodes, leaf) === null;
}

/**
 * Every punctured leaf. A puncture leaves exactly its own leaf without a kept node on its path, so
 * the uncovered leaves are the punctured ones; the walk only descends along their paths (at most
 * DEPTH steps and DEPTH siblings per puncture), never into the 2^48 leaves themselves.
 */
export function puncturedLeaves(nodes: ShredNodes): number[] {
  const found: number[] = [];
  const budget = { steps: 4 * (SHRED_DEPTH + 1) * (nodes.size + 1) };
  const walk = (depth: number, prefix: number): void => {
    if (--budget.steps < 0) throw new Error('the shredder has an uncovered subtree (the keyring is damaged)');
    if (nodes.has(nodeKey(depth, prefix))) return;
    if (depth === SHRED_DEPTH) {
      found.push(prefix);
      return;
    }
    walk(depth + 1, prefix * 2);
    walk(depth + 1, prefix * 2 + 1);
  };
  walk(0, 0);
  return found;
}

/** Forgets the leaf for good; false when it was already punctured. */
export function puncture(nodes: ShredNodes, leaf: number): boolean {
  checkLeaf(leaf);
  const found = ancestor(nodes, leaf);
  if (!found) return false;
  nodes.delete(nodeKey(found.depth, prefixOf(leaf, found.depth)));
  let key = found.key;
  for (let depth = found.depth; depth < SHRED_DEPTH; depth++) {
    const onPath = prefixOf(leaf, depth + 1);
    const sibling = onPath % 2 === 0 ? onPath + 1 : onPath - 1;
    nodes.set(nodeKey(depth + 1, sibling), child(key, sibling % 2));
    const next = child(key, onPath % 2);
    key.fill(0);
    key = next;
  }
  key.fill(0);
  return true;
}

export function serialiseShredder(nodes: ShredNodes): [number, number, string][] {
  return [...nodes].map(([k, v]) => {
    const [depth, prefix] = k.split(':').map(Number) as [number, number];
    return [depth, prefix, v.toString('base64')];
  });
}

export function parseShredder(value: unknown): ShredNodes {
  if (!Array.isArray(value)) throw new Error('shredder nodes must be a list');
  const nodes: ShredNodes = new Map();
  for (const entry of value) {
    if (!Array.isArray(entry) || entry.length !== 3) throw new Error('a shredder node must be [depth, prefix, key]');
    const [depth, prefix, key] = entry as [unknown, unknown, unknown];
    if (typeof depth !== 'number' || typeof prefix !== 'number' || typeof key !== 'string') throw new Error('bad shredder node');
    if (depth < 0 || depth > SHRED_DEPTH || prefix < 0 || prefix >= 2 ** depth) throw new Error('shredder node out of range');
    const bytes = Buffer.from(key, 'base64');
    if (bytes.length !== 32) throw new Error('a shredder node key must be 32 bytes');
    nodes.set(nodeKey(depth, prefix), bytes);
  }
  return nodes;
}
