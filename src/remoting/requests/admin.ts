// Owns: the headers of the broker's admin requests (topics, subscription groups, broker info).
// Counterpart: CreateTopicRequestHeader, DeleteTopicRequestHeader, ... (4.9.8).
//
//   UPDATE_AND_CREATE_TOPIC (17)  topic defaultTopic readQueueNums writeQueueNums perm topicFilterType topicSysFlag? order?
//   DELETE_TOPIC_IN_BROKER (215)  topic

import { RequestCode } from '../codes/request-code.js';
import { defineRequest, field } from './define-request.js';

export const CreateTopic = defineRequest({
  codes: [RequestCode.UPDATE_AND_CREATE_TOPIC],
  header: {
    topic: field.string(),
    defaultTopic: field.string(),
    readQueueNums: field.int(),
    writeQueueNums: field.int(),
    perm: field.int(),
    topicFilterType: field.string(),
    topicSysFlag: field.int({ optional: true }),
    order: field.bool({ optional: true }),
  },
});

export const DeleteTopicInBroker = defineRequest({
  codes: [RequestCode.DELETE_TOPIC_IN_BROKER],
  header: { topic: field.string() },
});
