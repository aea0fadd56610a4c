// Every $operation the server offers; the router and the CapabilityStatement read this list.
import type { OperationRoute } from '../registry.js';
import { validateOperation } from './validate.js';

export const allOperations: OperationRoute[] = [validateOperation];
