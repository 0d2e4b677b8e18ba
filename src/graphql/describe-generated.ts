import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, type GraphQLNamedType, type GraphQLSchema } from "graphql";
import { REFERENCE_DOCS } from "./reference-docs.js";

/**
 * Descriptions for the parts of the schema the plugins generate per field, which have no place for one in the
 * code that declares them: a mutation's `input` argument, a payload's data field, a connection's `totalCount`, and
 * fields an object repeats from its interface (which mean what the interface says). Hand-written descriptions
 * always win; this only fills gaps.
 */
export function describeGenerated(schema: GraphQLSchema): GraphQLSchema {
  applyReferenceDocs(schema);
  const mutation = schema.getMutationType();
  for (const field of Object.values(mutation?.getFields() ?? {})) {
    for (const arg of field.args) if (arg.name === "input" && !arg.description) arg.description = `What ${field.name} needs`;
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    const fields = type.getFields();
    const mutationName = type.name.endsWith("Payload") ? lowerFirst(type.name.slice(0, -"Payload".length)) : null;
    if (mutationName && mutation?.getFields()[mutationName]) {
      for (const field of Object.values(fields)) field.description ??= `The result of ${mutationName}, read after the change`;
    }
    if (type.name.endsWith("Connection") && fields.totalCount) fields.totalCount.description ??= "Number of items across all pages, with the same filters";
    for (const iface of type.getInterfaces()) {
      for (const [name, inherited] of Object.entries(iface.getFields())) {
        if (fields[name] && !fields[name].description && inherited.description) fields[name].description = inherited.description;
      }
    }
  }
  return schema;
}

const lowerFirst = (name: string) => name[0]!.toLowerCase() + name.slice(1);

/** Every schema element by its reference-docs key: "Type", "Type.field", "Type.field(arg)", "Enum.VALUE". */
export function schemaElements(schema: GraphQLSchema): Map<string, { description?: string | null | undefined }> {
  const elements = new Map<string, { description?: string | null | undefined }>();
  for (const type of Object.values(schema.getTypeMap()) as GraphQLNamedType[]) {
    if (type.name.startsWith("__")) continue;
    elements.set(type.name, type);
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        elements.set(`${type.name}.${field.name}`, field);
        for (const arg of "args" in field ? field.args : []) elements.set(`${type.name}.${field.name}(${arg.name})`, arg);
      }
    }
    if (isEnumType(type)) for (const value of type.getValues()) elements.set(`${type.name}.${value.name}`, value);
  }
  return elements;
}

/** Reference entries that name nothing, or an element already described inline: kept for a test to fail on. */
export const referenceDocProblems: string[] = [];

function applyReferenceDocs(schema: GraphQLSchema) {
  const elements = schemaElements(schema);
  for (const [key, description] of Object.entries(REFERENCE_DOCS)) {
    const element = elements.get(key);
    if (!element) referenceDocProblems.push(`${key}: no such schema element`);
    else if (element.description) referenceDocProblems.push(`${key}: already described inline`);
    else element.description = description;
  }
}
