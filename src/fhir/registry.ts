// The one registry of interactions and operations: the router and the CapabilityStatement both derive from it.
import type { OperationDefinition } from '@medplum/fhirtypes';
import type { Handler, HttpMethod } from './request.js';

export type Level = 'system' | 'type' | 'instance';

/** A REST interaction; `codes` are its CapabilityStatement codes (TypeRestfulInteraction / SystemRestfulInteraction). */
export interface InteractionRoute {
  codes: string[];
  level: Level;
  methods: HttpMethod[];
  /** Path pattern below the base: ':type', ':id', ':vid', ':op' or a literal segment. */
  pattern: string[];
  handler: Handler;
}

export interface OperationRoute {
  /** Name without the '$'. */
  name: string;
  levels: Level[];
  /** Resource types it applies to at type/instance level; '*' for all. */
  resourceTypes: string[] | '*';
  /** GET is only allowed for operations that do not change state. */
  methods: HttpMethod[];
  definition: OperationDefinition;
  handler: Handler;
}

export interface Registry {
  interactions: InteractionRoute[];
  operations: OperationRoute[];
}
