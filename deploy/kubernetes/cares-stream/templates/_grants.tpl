{{/*
Each Kafka user's grants, as Strimzi ACL rules: the same as io.caresstream.deploy.kafka.ServiceGrants, which
SecureKafkaTest proves enough (and no more) on a broker that enforces ACLs. The chart's test compares the two.
*/}}
{{- define "cares.grants" -}}
{{- $all := list "All" -}}
prompt-generator:
  - {resource: {type: topic, name: cares.prompts, patternType: literal}, operations: [All]}
  - {resource: {type: group, name: prompt-generator., patternType: prefix}, operations: [Read]}
model-invoker:
  - {resource: {type: topic, name: cares.prompts, patternType: literal}, operations: [Read]}
  - {resource: {type: topic, name: cares.responses, patternType: literal}, operations: [All]}
  - {resource: {type: topic, name: cares.prompts.dlq.model-invoker, patternType: literal}, operations: [All]}
  - {resource: {type: topic, name: cares.answered., patternType: prefix}, operations: [All]}
  - {resource: {type: group, name: model-invoker., patternType: prefix}, operations: [Read]}
judge-service:
  - {resource: {type: topic, name: cares.responses, patternType: literal}, operations: [Read]}
  - {resource: {type: topic, name: cares.judgments, patternType: literal}, operations: [All]}
  - {resource: {type: topic, name: cares.responses.dlq.judge-service, patternType: literal}, operations: [All]}
  - {resource: {type: topic, name: cares.judged., patternType: prefix}, operations: [All]}
  - {resource: {type: group, name: judge-service., patternType: prefix}, operations: [Read]}
scorer-service:
  - {resource: {type: topic, name: cares.prompts, patternType: literal}, operations: [Read]}
  - {resource: {type: topic, name: cares.prompts.dlq.scorer-service, patternType: literal}, operations: [All]}
  - {resource: {type: topic, name: cares.responses, patternType: literal}, operations: [Read]}
  - {resource: {type: topic, name: cares.responses.dlq.scorer-service, patternType: literal}, operations: [All]}
  - {resource: {type: topic, name: cares.judgments, patternType: literal}, operations: [Read]}
  - {resource: {type: topic, name: cares.judgments.dlq.scorer-service, patternType: literal}, operations: [All]}
  - {resource: {type: topic, name: cares.scores, patternType: literal}, operations: [All]}
  - {resource: {type: topic, name: cares.human-labels, patternType: literal}, operations: [All]}
  - {resource: {type: topic, name: scorer-service-, patternType: prefix}, operations: [All]}
  - {resource: {type: group, name: scorer-service, patternType: literal}, operations: [Read]}
  - {resource: {type: group, name: scorer-service-prompts, patternType: literal}, operations: [Read]}
  - {resource: {type: transactionalId, name: scorer-service, patternType: prefix}, operations: [Write]}
apicurio-registry:
  - {resource: {type: topic, name: kafkasql-journal, patternType: literal}, operations: [All]}
  - {resource: {type: group, name: apicurio-registry-, patternType: prefix}, operations: [Read]}
keda:
  - {resource: {type: topic, name: cares.prompts, patternType: literal}, operations: [Describe]}
  - {resource: {type: topic, name: cares.responses, patternType: literal}, operations: [Describe]}
  - {resource: {type: group, name: model-invoker., patternType: prefix}, operations: [Describe]}
  - {resource: {type: group, name: judge-service., patternType: prefix}, operations: [Describe]}
{{- end -}}
