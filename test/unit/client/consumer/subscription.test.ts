import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildSubscriptionData, tagMatches } from '../../../../src/client/consumer/subscription.js';
import { javaStringHashCode } from '../../../../src/common/message/java-hash.js';

describe('subscription expressions', () => {
  test('"TagA || TagB" lists both tags with their Java hash codes', () => {
    const sub = buildSubscriptionData('T', ' TagA ||TagB|| TagA ', 1);
    assert.deepEqual(sub.tagsSet, ['TagA', 'TagB']);
    assert.deepEqual(sub.codeSet, [javaStringHashCode('TagA'), javaStringHashCode('TagB')]);
    assert.equal(sub.subString, 'TagA ||TagB|| TagA');
    assert.equal(sub.expressionType, 'TAG');
    assert.equal(sub.subVersion, 1);
  });

  test('"*", empty and absent expressions subscribe to everything', () => {
    for (const expr of ['*', '', '  ', undefined]) {
      const sub = buildSubscriptionData('T', expr);
      assert.equal(sub.subString, '*');
      assert.deepEqual(sub.tagsSet, []);
      assert.ok(tagMatches(sub, undefined));
      assert.ok(tagMatches(sub, 'X'));
    }
  });

  test('the client-side check passes only listed tags', () => {
    const sub = buildSubscriptionData('T', 'TagA || TagB');
    assert.ok(tagMatches(sub, 'TagA'));
    assert.ok(!tagMatches(sub, 'TagC'));
    assert.ok(!tagMatches(sub, undefined));
  });
});
