// Imports every domain's types for their side effect on the builder, then builds the schema once.
import "./graphql/scalars.js";
import "./graphql/error-types.js";
import "./auth/schema.js";
import "./users/schema.js";
import "./channels/schema.js";
import "./pipeline/schema.js";
import "./pipeline/moves-schema.js";
import "./clients/schema.js";
import "./clients/subscriptions.js";
import "./contacts/schema.js";
import "./custom-fields/schema.js";
import "./activities/schema.js";
import "./orders/schema.js";
import "./reactivation/schema.js";
import "./reactivation/subscriptions.js";
import "./channels/tracking.js";
import "./analytics/schema.js";
import "./tasks/schema.js";
import "./tasks/rules-schema.js";
import "./tasks/subscriptions.js";
import "./import/schema.js";
import "./webhooks/schema.js";
import { builder } from "./graphql/builder.js";
import { describeGenerated } from "./graphql/describe-generated.js";
import { timeRootFields } from "./observability/root-field-timing.js";

export const schema = describeGenerated(builder.toSchema({ sortSchema: true }));
timeRootFields(schema);
