/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** ABC class by revenue share in the analysis window (A: the top share, B: the next, C: the rest) */
export type AbcClass =
  /** The clients bringing the top share of revenue */
  | 'A'
  /** The next share */
  | 'B'
  /** The rest */
  | 'C';

/** The result of a call or meeting; exit criteria refer to these values */
export type ActivityOutcome =
  /** Agreed to meet */
  | 'AGREED_TO_MEET'
  /** Call back later */
  | 'CALL_BACK'
  /** Stopped buying */
  | 'CHURNED'
  /** Interested */
  | 'INTERESTED'
  /** Not interested */
  | 'NOT_INTERESTED'
  /** No answer */
  | 'NO_ANSWER'
  /** Verbal agreement */
  | 'VERBAL_AGREEMENT'
  /** Will buy again */
  | 'WILL_BUY_AGAIN';

/** Kinds of timeline entries */
export type ActivityType =
  /** A phone call */
  | 'CALL'
  /** The client signed the contract */
  | 'CONTRACT_SIGNED'
  /** An e-mail */
  | 'EMAIL'
  /** An invoice was sent */
  | 'INVOICE_ISSUED'
  /** A meeting */
  | 'MEETING'
  /** A note */
  | 'NOTE'
  /** Anything else */
  | 'OTHER'
  /** Money arrived */
  | 'PAYMENT_RECEIVED'
  /** A commercial proposal was sent (a call follows in 2 days by default) */
  | 'PROPOSAL_SENT'
  /** The client agreed verbally */
  | 'VERBAL_AGREEMENT';

/** How a client's channel was set */
export type ChannelSource =
  /** Chosen by a person; a tracked call never overrides it */
  | 'MANUAL'
  /** First touch: the channel of the client's first tracked call, set because the card had none */
  | 'TRACKED_CALL';

/** What happened to a client */
export type ClientChangeKind =
  /** Added */
  | 'CREATED'
  /** `client` is null from now on */
  | 'DELETED'
  /** Handed to another manager */
  | 'REASSIGNED'
  /** Moved to another pipeline stage; `client.transitions` has the move */
  | 'STAGE_CHANGED'
  /** Card fields or custom fields changed */
  | 'UPDATED';

/** A new receiver */
export type CreateWebhookEndpointInput = {
  /** What it is for */
  description?: string | null | undefined;
  /** The events it wants; omitted or empty: every event */
  eventTypes?: Array<WebhookEventType> | null | undefined;
  /** An http(s) URL on a public address (private ones only where WEBHOOK_ALLOW_PRIVATE_ADDRESSES is set) */
  url: string;
};

/** What kind of failure a typed error is */
export type ErrorCode =
  /** Your role or ownership does not allow it */
  | 'FORBIDDEN'
  /** No such record in your organization */
  | 'NOT_FOUND'
  /** A forward stage move whose exit criteria do not hold; `unmet` lists them */
  | 'STAGE_CRITERIA_NOT_MET'
  /** Wrong credentials, or a session that cannot be refreshed */
  | 'UNAUTHENTICATED'
  /** Input is invalid; `issues` names each field */
  | 'VALIDATION'
  /** Someone changed the record after you read it; reload and retry */
  | 'VERSION_CONFLICT';

/** Events a follow-up rule reacts to */
export type FollowUpTrigger =
  /** An activity of `activityType` was logged (e.g. PROPOSAL_SENT) */
  | 'ACTIVITY_LOGGED'
  /** An order was invoiced; with repeatEveryMinutes it repeats until the order is paid or cancelled */
  | 'ORDER_INVOICED'
  /** A client entered `stage` */
  | 'STAGE_ENTERED';

/** Where an import job is */
export type ImportJobStatus =
  /** The file as a whole could not be imported (see `error`); batches written before stay */
  | 'FAILED'
  /** Rows are being read and written */
  | 'RUNNING'
  /** The whole file was read; refused rows (if any) are in `issues` */
  | 'SUCCEEDED';

/** A language labels are offered in */
export type Language =
  /** English */
  | 'EN'
  /** Russian */
  | 'RU';

/** A half-open period [from, to). Use the organization's time zone offsets for calendar periods. */
export type PeriodInput = {
  /** Start, included */
  from: string;
  /** End, excluded */
  to: string;
};

/** What a user may do */
export type Role =
  /** Configures pipelines, fields and users */
  | 'ADMIN'
  /** Sees and reassigns everything, receives escalations */
  | 'HEAD_OF_SALES'
  /** Reads the organization's clients, changes own and unowned ones */
  | 'MANAGER';

/** Kinds of tasks */
export type TaskType =
  /** A call */
  | 'CALL'
  /** An e-mail */
  | 'EMAIL'
  /** A follow-up */
  | 'FOLLOW_UP'
  /** A meeting */
  | 'MEETING'
  /** Anything else */
  | 'OTHER'
  /** Remind about an unpaid invoice */
  | 'PAYMENT_CHASE'
  /** Call a lapsed buyer */
  | 'REACTIVATION_CALL';

/** An event a webhook endpoint can receive; the payload's `type` is the lower-case dotted form (CLIENT_CREATED is "client.created") */
export type WebhookEventType =
  /** A client was created through the API (an import announces itself once, with import.finished) */
  | 'CLIENT_CREATED'
  /** A client got another owner (or none) */
  | 'CLIENT_REASSIGNED'
  /** A client moved to another pipeline stage */
  | 'CLIENT_STAGE_CHANGED'
  /** A client's card changed (fields, channel, account manager, custom fields) */
  | 'CLIENT_UPDATED'
  /** An import job ended (succeeded or failed), with its counts */
  | 'IMPORT_FINISHED'
  /** An order was cancelled */
  | 'ORDER_CANCELLED'
  /** An order was invoiced */
  | 'ORDER_INVOICED'
  /** An order was paid */
  | 'ORDER_PAID'
  /** An order was shipped */
  | 'ORDER_SHIPPED'
  /** A lapsed client entered the reactivation list */
  | 'REACTIVATION_ADDED'
  /** A reactivation entry closed: won back (by a call or a new purchase) or lost */
  | 'REACTIVATION_CLOSED'
  /** A task was done */
  | 'TASK_COMPLETED'
  /** A task was created by a person (follow-ups created by rules are announced by their cause) */
  | 'TASK_CREATED'
  /** A task's due time came: its reminder fired */
  | 'TASK_DUE'
  /** A task stayed overdue past the organization's limit */
  | 'TASK_ESCALATED';

export type Readme1MutationVariables = Exact<{ [key: string]: never; }>;


export type Readme1Mutation = { login:
    | { __typename: 'AuthenticationError', message: string, code: ErrorCode }
    | { __typename: 'LoginPayload', session: { token: string, refreshToken: string, user: { id: string, name: string, role: Role } } }
    | { __typename: 'ValidationError', message: string, code: ErrorCode }
   };

export type Readme2MutationVariables = Exact<{
  t: string;
}>;


export type Readme2Mutation = { refreshSession:
    | { message: string }
    | { session: { token: string, tokenExpiresAt: string, refreshToken: string } }
   };

export type Readme3MutationVariables = Exact<{ [key: string]: never; }>;


export type Readme3Mutation = { logout: { __typename: 'LogoutPayload' } };

export type Readme4MutationVariables = Exact<{ [key: string]: never; }>;


export type Readme4Mutation = { changePassword:
    | { __typename: 'AuthenticationError' }
    | { __typename: 'ChangePasswordPayload' }
    | { __typename: 'ValidationError' }
   };

export type Readme5MutationVariables = Exact<{
  id: string | number;
  heir: string | number;
}>;


export type Readme5Mutation = { deactivateUser:
    | { __typename: 'DeactivateUserPayload' }
    | { __typename: 'ForbiddenError' }
    | { __typename: 'NotFoundError' }
    | { __typename: 'ValidationError' }
   };

export type Readme6QueryVariables = Exact<{ [key: string]: never; }>;


export type Readme6Query = { clients: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, name: string, phone: string | null, decisionMakerCount: number, owner: { id: string, name: string } | null, stage: { id: string, name: string } | null, employments: { edges: Array<{ node: { id: string, title: string | null, isDecisionMaker: boolean, directPhone: string | null, contact: { id: string, fullName: string } } }> } } }> } };

export type Readme7MutationVariables = Exact<{
  id: string | number;
}>;


export type Readme7Mutation = { updateClient:
    | { __typename: 'ForbiddenError', message: string, code: ErrorCode }
    | { __typename: 'NotFoundError', message: string, code: ErrorCode }
    | { __typename: 'UpdateClientPayload', client: { id: string, version: number, website: string | null } }
    | { __typename: 'ValidationError', message: string, code: ErrorCode, issues: Array<{ path: Array<string>, message: string }> }
    | { __typename: 'VersionConflictError', currentVersion: number, message: string, code: ErrorCode }
   };

export type Readme8QueryVariables = Exact<{ [key: string]: never; }>;


export type Readme8Query = { myTasks: { totalCount: number, edges: Array<{ node: { id: string, title: string, type: TaskType, dueAt: string, overdue: boolean, client: { id: string, name: string } | null } }> } };

export type Readme9MutationVariables = Exact<{ [key: string]: never; }>;


export type Readme9Mutation = { createTask:
    | { __typename: 'CreateTaskPayload' }
    | { __typename: 'ForbiddenError' }
    | { __typename: 'NotFoundError' }
    | { __typename: 'ValidationError' }
   };

export type Readme10MutationVariables = Exact<{
  id: string | number;
}>;


export type Readme10Mutation = { completeTask:
    | { __typename: 'CompleteTaskPayload' }
    | { __typename: 'ForbiddenError' }
    | { __typename: 'NotFoundError' }
    | { __typename: 'ValidationError' }
    | { __typename: 'VersionConflictError' }
   };

export type Readme11QueryVariables = Exact<{ [key: string]: never; }>;


export type Readme11Query = { followUpRules: Array<{ id: string, name: string, trigger: FollowUpTrigger, activityType: ActivityType | null, taskType: TaskType, delayMinutes: number, repeatEveryMinutes: number | null }> };

export type Readme12QueryVariables = Exact<{
  id: string | number;
}>;


export type Readme12Query = { stageReadiness:
    | { readiness: { ready: boolean, toStage: { id: string, name: string }, checklist: Array<{ key: string, met: boolean, message: string, field: string, stageName: string }> } }
    | Record<PropertyKey, never>
   };

export type Readme13MutationVariables = Exact<{
  id: string | number;
  stage: string | number;
}>;


export type Readme13Mutation = { moveClientToStage:
    | { __typename: 'ForbiddenError' }
    | { __typename: 'MoveClientToStagePayload' }
    | { __typename: 'NotFoundError' }
    | { __typename: 'StageCriteriaNotMetError', message: string, unmet: Array<{ key: string, message: string, field: string }> }
    | { __typename: 'ValidationError' }
    | { __typename: 'VersionConflictError' }
   };

export type Readme14QueryVariables = Exact<{ [key: string]: never; }>;


export type Readme14Query = { pipelines: Array<{ id: string, language: Language, activityOutcomes: Array<{ value: ActivityOutcome, label: string }> }> };

export type Readme15MutationVariables = Exact<{
  c: string | number;
}>;


export type Readme15Mutation = { logActivity:
    | { __typename: 'ForbiddenError' }
    | { __typename: 'LogActivityPayload' }
    | { __typename: 'NotFoundError' }
    | { __typename: 'ValidationError' }
   };

export type Readme16MutationVariables = Exact<{
  c: string | number;
  u: string | number;
}>;


export type Readme16Mutation = { updateClient:
    | { __typename: 'ForbiddenError' }
    | { __typename: 'NotFoundError' }
    | { __typename: 'UpdateClientPayload' }
    | { __typename: 'ValidationError' }
    | { __typename: 'VersionConflictError' }
   };

export type Readme17MutationVariables = Exact<{
  c: string | number;
}>;


export type Readme17Mutation = { createOrder:
    | { order: { id: string } }
    | Record<PropertyKey, never>
   };

export type Readme18MutationVariables = Exact<{ [key: string]: never; }>;


export type Readme18Mutation = { recordInboundCall:
    | { call: { id: string, channel: { id: string, name: string } | null, client: { id: string, name: string, channelSource: ChannelSource | null, channel: { id: string, name: string } | null } | null } }
    | Record<PropertyKey, never>
   };

export type Readme19MutationVariables = Exact<{
  e: string | number;
}>;


export type Readme19Mutation = { updateEmployment:
    | { __typename: 'ForbiddenError' }
    | { __typename: 'NotFoundError' }
    | { __typename: 'UpdateEmploymentPayload' }
    | { __typename: 'ValidationError' }
    | { __typename: 'VersionConflictError' }
   };

export type Readme20MutationVariables = Exact<{
  k: string | number;
  c: string | number;
}>;


export type Readme20Mutation = { addEmployment:
    | { __typename: 'AddEmploymentPayload' }
    | { __typename: 'ForbiddenError' }
    | { __typename: 'NotFoundError' }
    | { __typename: 'ValidationError' }
   };

export type Readme21QueryVariables = Exact<{ [key: string]: never; }>;


export type Readme21Query = { contacts: { edges: Array<{ node: { id: string, fullName: string, employments: { edges: Array<{ node: { id: string, title: string | null, client: { id: string, name: string } } }> } } }> } };

export type Readme22QueryVariables = Exact<{ [key: string]: never; }>;


export type Readme22Query = { reactivationEntries: { edges: Array<{ node: { id: string, lastPurchaseAt: string, callScript: string, client: { id: string, name: string }, task: { id: string, dueAt: string } | null } }> } };

export type Readme23MutationVariables = Exact<{ [key: string]: never; }>;


export type Readme23Mutation = { runReactivationSweep:
    | { result: { createdCount: number } }
    | Record<PropertyKey, never>
   };

export type Readme24MutationVariables = Exact<{
  e: string | number;
  r: string | number;
}>;


export type Readme24Mutation = { recordReactivationCall:
    | { __typename: 'ForbiddenError' }
    | { __typename: 'NotFoundError' }
    | { __typename: 'RecordReactivationCallPayload' }
    | { __typename: 'ValidationError' }
    | { __typename: 'VersionConflictError' }
   };

export type Readme25QueryVariables = Exact<{
  p: PeriodInput;
}>;


export type Readme25Query = { channelPerformance: Array<{ spend: string, calls: number, buyers: number, revenue: string, profit: string | null, roiPercent: string | null, costPerCall: string | null, costPerBuyer: string | null, channel: { id: string, name: string } }>, funnel: { stages: Array<{ clients: number, entered: number, conversionRate: number | null, medianHoursInStage: number | null, stage: { id: string, name: string } }>, invoiceLosses: { unpaidShare: number | null } }, managerDiscipline: Array<{ due: number, doneOnTime: number, doneLate: number, overdueOpen: number, missed: number, onTimeRate: number | null, escalations: number, user: { id: string, name: string } }>, reactivationOutcomes: { opened: number, wonBack: number, winBackRate: number | null, churnReasons: Array<{ label: string, entries: number }> }, abcHistory: Array<{ computedAt: string, classes: Array<{ class: AbcClass, clients: number, share: number }> }> };

export type Readme26SubscriptionVariables = Exact<{ [key: string]: never; }>;


export type Readme26Subscription = { clientChanged: { kind: ClientChangeKind, clientId: string, client: { id: string, name: string, owner: { id: string, name: string } | null } | null } };

export type Readme27SubscriptionVariables = Exact<{ [key: string]: never; }>;


export type Readme27Subscription = { reactivationEntryAdded: { id: string, callScript: string, client: { id: string, name: string } } | null };

export type Readme28SubscriptionVariables = Exact<{ [key: string]: never; }>;


export type Readme28Subscription = { reminderDue: { id: string, firedAt: string, task: { id: string, title: string, dueAt: string, client: { id: string, name: string } | null } | null } };

export type Readme29SubscriptionVariables = Exact<{ [key: string]: never; }>;


export type Readme29Subscription = { reminderDue: { id: string, task: { id: string, title: string, assignee: { id: string, name: string } } | null } };

export type Readme30SubscriptionVariables = Exact<{ [key: string]: never; }>;


export type Readme30Subscription = { taskEscalated: { id: string, task: { id: string, title: string }, manager: { id: string, name: string } } | null };

export type Readme31SubscriptionVariables = Exact<{
  jobId: string | number;
}>;


export type Readme31Subscription = { importProgress: { id: string, status: ImportJobStatus, rows: number, created: number, updated: number, unchanged: number, refused: number } | null };

export type Readme32QueryVariables = Exact<{
  id: string | number;
}>;


export type Readme32Query = { importJob: { id: string, status: ImportJobStatus, dryRun: boolean, rows: number, created: number, updated: number, unchanged: number, refused: number, unknownColumns: Array<string>, error: string | null, finishedAt: string | null, issues: { totalCount: number, edges: Array<{ node: { id: string, line: number, column: string, message: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type Readme33MutationVariables = Exact<{
  input: CreateWebhookEndpointInput;
}>;


export type Readme33Mutation = { createWebhookEndpoint:
    | { created: { secret: string, endpoint: { id: string, url: string, eventTypes: Array<WebhookEventType> } } }
    | { code: ErrorCode, message: string }
    | { code: ErrorCode, message: string }
   };
