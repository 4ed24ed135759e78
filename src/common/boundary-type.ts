// Owns: BoundaryType, which side of a store time SEARCH_OFFSET_BY_TIMESTAMP answers (5.x).
// Counterpart: org.apache.rocketmq.common.BoundaryType. On the wire it is the enum name; Java
// reads it with getType, so only "upper" in any case means UPPER and anything else is LOWER.

/** LOWER: the first entry stored at or after the time. UPPER: the last one stored at or before it. */
export type BoundaryType = 'LOWER' | 'UPPER';

/** The header value as Java's BoundaryType.getType reads it; absent means LOWER. */
export function parseBoundaryType(name: string | undefined): BoundaryType {
  return name !== undefined && name.toLowerCase() === 'upper' ? 'UPPER' : 'LOWER';
}
