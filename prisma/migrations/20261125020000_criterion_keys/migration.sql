-- Exit criteria are named by a `key` (shared by every pipeline made from a template, so not an id); the custom
-- field a CUSTOM_FIELD_FILLED criterion checks is its `customFieldKey` (issue #14: cache-safe schema).
UPDATE "Stage" s SET "exitCriteria" = (
  SELECT COALESCE(jsonb_agg(
    CASE WHEN c->>'kind' = 'CUSTOM_FIELD_FILLED'
      THEN (c - 'id' - 'key') || jsonb_build_object('key', c->'id', 'customFieldKey', c->'key')
      ELSE (c - 'id') || jsonb_build_object('key', c->'id') END
    ORDER BY ord), '[]'::jsonb)
  FROM jsonb_array_elements(s."exitCriteria") WITH ORDINALITY AS e(c, ord))
WHERE jsonb_array_length(s."exitCriteria") > 0;
