// Owns: turning the version number a client or broker sends (an ordinal of Java's MQVersion.Version)
// into its name, as mqadmin prints it: 409 -> "V4_9_8".
// Counterpart: org.apache.rocketmq.common.MQVersion#getVersionDesc (5.x enum, which extends 4.9.8's).
//
// The enum is regular enough to generate instead of listing 611 names: 16 pre-releases of 3.0.0
// (ordinals 0..15), then a SNAPSHOT and a release for every version from 3.0.1 to 5.9.9, in order,
// then HIGHER_VERSION. Per minor line the patch numbers are 3.0: 1-15; 3.1, 3.2: 0-9; 3.3-3.9: 1-9;
// 4.x and 5.x: 0-9. Pinned by V3_0_7_SNAPSHOT = 28, V3_4_9 = 121, V4_9_4 = 401, V4_9_8 = 409.

const PRE_RELEASES_3_0_0 = [
  'SNAPSHOT', 'ALPHA1', 'BETA1', 'BETA2', 'BETA3', 'BETA4', 'BETA5', 'BETA6_SNAPSHOT', 'BETA6',
  'BETA7_SNAPSHOT', 'BETA7', 'BETA8_SNAPSHOT', 'BETA8', 'BETA9_SNAPSHOT', 'BETA9', 'FINAL',
].map((s) => `V3_0_0_${s}`);

function buildVersionNames(): readonly string[] {
  const names = [...PRE_RELEASES_3_0_0];
  const lines: Array<[major: number, minor: number, first: number, last: number]> = [[3, 0, 1, 15], [3, 1, 0, 9], [3, 2, 0, 9]];
  for (let minor = 3; minor <= 9; minor++) lines.push([3, minor, 1, 9]);
  for (const major of [4, 5]) for (let minor = 0; minor <= 9; minor++) lines.push([major, minor, 0, 9]);
  for (const [major, minor, first, last] of lines) {
    for (let patch = first; patch <= last; patch++) names.push(`V${major}_${minor}_${patch}_SNAPSHOT`, `V${major}_${minor}_${patch}`);
  }
  names.push('HIGHER_VERSION');
  return Object.freeze(names);
}

const VERSION_NAMES = buildVersionNames();

/** Java's MQVersion.getVersionDesc: the name of the ordinal; beyond the table, the last name. */
export function versionDesc(version: number): string {
  if (!Number.isInteger(version) || version < 0) return String(version);
  return VERSION_NAMES[Math.min(version, VERSION_NAMES.length - 1)]!;
}
